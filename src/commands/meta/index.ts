/**
 * Redis 7.0's own command metadata (COMMAND INFO and COMMAND DOCS replies,
 * dumped as typed RESP3 trees by scripts/gen-command-meta.mjs). It is the
 * source of truth for arity, flags, key positions and ACL categories, so the
 * registry cannot drift from what Redis reports.
 */
// eslint-disable-next-line @typescript-eslint/no-var-requires
const data: Record<string, { info: RNode; docs: RNode }> = require('./redis-commands.json');

export type RNode =
  | { t: 'map' | 'array' | 'set'; v: RNode[] }
  | { t: 'bulk' | 'simple' | 'err'; v: string }
  | { t: 'int'; v: number }
  | { t: 'null' };

export interface CommandMeta {
  fullname: string;
  arity: number;
  flags: string[];
  first: number;
  last: number;
  step: number;
  categories: string[];
  info: RNode;
  docs: RNode | null;
}

function strings(n: RNode): string[] {
  return 'v' in n && Array.isArray(n.v) ? n.v.map((x) => String((x as { v: unknown }).v)) : [];
}

function fromInfo(info: RNode, docs: RNode | null): CommandMeta {
  const v = (info as { v: RNode[] }).v;
  const num = (i: number) => (v[i] as { v: number }).v;
  return {
    fullname: (v[0] as { v: string }).v,
    arity: num(1),
    flags: strings(v[2]),
    first: num(3),
    last: num(4),
    step: num(5),
    categories: strings(v[6]).map((c) => c.slice(1)),
    info,
    docs,
  };
}

/** Docs map entry for a key of a RESP3 map node. */
export function mapGet(node: RNode | null | undefined, key: string): RNode | undefined {
  if (!node || node.t !== 'map') return undefined;
  for (let i = 0; i < node.v.length; i += 2) {
    if ((node.v[i] as { v: unknown }).v === key) return node.v[i + 1];
  }
  return undefined;
}

/** Metadata of a command, or of "parent|sub" for a subcommand. */
export function commandMeta(name: string): CommandMeta | undefined {
  const bar = name.indexOf('|');
  if (bar < 0) {
    const d = data[name];
    return d ? fromInfo(d.info, d.docs) : undefined;
  }
  const parent = data[name.slice(0, bar)];
  if (!parent) return undefined;
  const subs = (parent.info as { v: RNode[] }).v[9] as { v: RNode[] };
  const info = subs.v.find((s) => ((s as { v: RNode[] }).v[0] as { v: string }).v === name);
  if (!info) return undefined;
  const subDocs = mapGet(mapGet(parent.docs, 'subcommands'), name) ?? null;
  return fromInfo(info, subDocs);
}

export function allCommandNames(): string[] {
  return Object.keys(data);
}
