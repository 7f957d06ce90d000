/**
 * RESP replies as trees, for the normalisations: parse, rewrite, serialize
 * back. A tree serializes to the exact bytes it was parsed from.
 */
import { replyLength } from '../helpers';

export interface Node {
  /** Type byte: + - : $ * _ # , ( = ! ~ > % | */
  t: string;
  /** Text after the type byte on the first line. */
  head: string;
  /** Payload of $ = ! (absent for null bulks). */
  body?: string;
  /** Elements of aggregates (maps/attributes: k1 v1 k2 v2 ...). */
  items?: Node[];
}

export function parseReply(s: string, pos = 0): [Node, number] {
  const nl = s.indexOf('\r\n', pos);
  const t = s[pos];
  const head = s.slice(pos + 1, nl);
  let p = nl + 2;
  if (t === '$' || t === '=' || t === '!') {
    const n = Number(head);
    if (n < 0) return [{ t, head }, p];
    return [{ t, head, body: s.slice(p, p + n) }, p + n + 2];
  }
  if ('*~>%|'.includes(t)) {
    const n = Number(head);
    if (n < 0) return [{ t, head }, p];
    const count = t === '%' || t === '|' ? n * 2 : n;
    const items: Node[] = [];
    for (let i = 0; i < count; i++) {
      const [child, q] = parseReply(s, p);
      items.push(child);
      p = q;
    }
    return [{ t, head, items }, p];
  }
  return [{ t, head }, p];
}

export function serialize(n: Node): string {
  if (n.body !== undefined) return `${n.t}${n.body.length}\r\n${n.body}\r\n`;
  if (n.items) {
    const count = n.t === '%' || n.t === '|' ? n.items.length / 2 : n.items.length;
    return `${n.t}${count}\r\n${n.items.map(serialize).join('')}`;
  }
  return `${n.t}${n.head}\r\n`;
}

export const isAgg = (n: Node) => n.items !== undefined;
export const isInt = (n: Node) => n.t === ':';
export const isBulk = (n: Node) => n.t === '$' && n.body !== undefined;
export const isNil = (n: Node) => n.t === '_' || ((n.t === '$' || n.t === '*') && n.head === '-1');
export const MASK = '<masked>';

/** Text of a bulk/verbatim/simple string ("txt:" prefix of verbatims kept aside). */
export function textOf(n: Node): string | undefined {
  if (n.t === '$') return n.body;
  if (n.t === '=') return n.body?.slice(4);
  if (n.t === '+') return n.head;
  return undefined;
}

export function withText(n: Node, text: string): Node {
  if (n.t === '=') return { ...n, body: (n.body ?? 'txt:').slice(0, 4) + text };
  if (n.t === '+') return { ...n, head: text };
  return { ...n, body: text };
}

export const maskInt = (n: Node): Node => (isInt(n) ? { t: ':', head: MASK } : n);

/** Pairs of a RESP2 flat array or RESP3 map. */
export function pairs(n: Node): [Node, Node][] {
  const out: [Node, Node][] = [];
  for (let i = 0; i + 1 < n.items!.length; i += 2) out.push([n.items![i], n.items![i + 1]]);
  return out;
}

/** A single complete reply (not a pseudo reply, not truncated). */
export const wellFormed = (s: string) => s.length > 0 && replyLength(s) === s.length;

/** An aggregate with its elements sorted by their serialized bytes. */
export function sortItems(n: Node): Node {
  if (!isAgg(n)) return n;
  return { ...n, items: [...n.items!].sort((x, y) => cmpStr(serialize(x), serialize(y))) };
}

/** A flat pair array or map with its pairs sorted by key. */
export function sortPairs(n: Node): Node {
  if (!isAgg(n)) return n;
  const ps = pairs(n).sort((x, y) => cmpStr(serialize(x[0]), serialize(y[0])));
  return { ...n, items: ps.flat() };
}

export const cmpStr = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
