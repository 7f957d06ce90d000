/**
 * COMMAND and its subcommands: COUNT, INFO, DOCS, LIST, GETKEYS,
 * GETKEYSANDFLAGS, HELP.
 *
 * INFO and DOCS replay Redis 7.0's own replies (the typed RESP3 trees of
 * src/commands/meta) for the commands the registry holds, so clients
 * (redis-cli hints, cluster-aware libraries) see exactly what Redis says,
 * limited to what tredis implements. A command Redis 7.0 lacks gets a
 * reply built from its spec.
 */
import type { CommandSpec, Command } from '../server/command';
import type { Client } from '../server/client';
import type { Reply } from '../protocol/reply';
import type { Server } from '../server/server';
import { mapGet, type RNode } from './meta';
import { AdminErr, Err } from '../protocol/errors';
import { globMatch } from '../util/glob';
import { toInt64 } from '../util/numbers';
import { replyHelp } from './shared';

// ---------------------------------------------------------------- emitter

/** Write a typed RESP3 tree; in RESP2 maps become flat arrays and sets arrays. */
export function emitNode(r: Reply, n: RNode): void {
  switch (n.t) {
    case 'map':
      r.map(n.v.length / 2);
      for (const x of n.v) emitNode(r, x);
      return;
    case 'array':
      r.array(n.v.length);
      for (const x of n.v) emitNode(r, x);
      return;
    case 'set':
      r.set(n.v.length);
      for (const x of n.v) emitNode(r, x);
      return;
    case 'bulk':
      r.bulk(n.v);
      return;
    case 'simple':
      r.status(n.v);
      return;
    case 'err':
      r.errorLine(n.v);
      return;
    case 'int':
      r.int(n.v);
      return;
    case 'null':
      r.null();
      return;
  }
}

const bulk = (v: string): RNode => ({ t: 'bulk', v });
const simple = (v: string): RNode => ({ t: 'simple', v });
const int = (v: number): RNode => ({ t: 'int', v });

// ---------------------------------------------------------------- trees

/** COMMAND INFO of a command Redis 7.0 has no metadata for, from its spec. */
function synthInfo(cmd: Command): RNode {
  const subs = cmd.subcommands ? [...cmd.subcommands.values()].map(infoNode) : [];
  return {
    t: 'array',
    v: [
      bulk(cmd.fullname),
      int(cmd.arity),
      { t: 'set', v: cmd.flags.map(simple) },
      int(cmd.keySpec.first),
      int(cmd.keySpec.last),
      int(cmd.keySpec.step),
      { t: 'set', v: cmd.categories.map((c) => simple('@' + c)) },
      { t: 'set', v: [] },
      { t: 'set', v: [] },
      cmd.subcommands ? { t: 'array', v: subs } : { t: 'set', v: [] },
    ],
  };
}

/** Redis's COMMAND INFO entry, subcommands limited to the registered ones. */
function infoNode(cmd: Command): RNode {
  const meta = cmd.meta;
  if (!meta) return synthInfo(cmd);
  const info = meta.info as { t: 'array'; v: RNode[] };
  if (!cmd.subcommands) return info;
  const stored = info.v[9] as { t: 'array' | 'set'; v: RNode[] };
  const subs: RNode[] = [];
  const seen = new Set<string>();
  for (const s of stored.v) {
    const full = ((s as { v: RNode[] }).v[0] as { v: string }).v;
    const sub = cmd.subcommands.get(full.slice(full.indexOf('|') + 1));
    if (sub) {
      subs.push(infoNode(sub));
      seen.add(sub.name);
    }
  }
  for (const sub of cmd.subcommands.values()) if (!seen.has(sub.name)) subs.push(infoNode(sub));
  return { t: 'array', v: [...info.v.slice(0, 9), { t: stored.t, v: subs }] };
}

/** COMMAND DOCS of commands Redis 7.0 lacks (Redis 7.2's text where it has one). */
const EXTRA_DOCS: Record<string, RNode> = {
  'client|setinfo': {
    t: 'map',
    v: [
      bulk('summary'),
      bulk('Sets information specific to the client or connection.'),
      bulk('since'),
      bulk('7.2.0'),
      bulk('group'),
      bulk('connection'),
      bulk('complexity'),
      bulk('O(1)'),
      bulk('arguments'),
      {
        t: 'array',
        v: [
          {
            t: 'map',
            v: [
              bulk('name'),
              bulk('attr'),
              bulk('type'),
              bulk('oneof'),
              bulk('arguments'),
              {
                t: 'array',
                v: [
                  { t: 'map', v: [bulk('name'), bulk('libname'), bulk('type'), bulk('string'), bulk('token'), bulk('LIB-NAME')] },
                  { t: 'map', v: [bulk('name'), bulk('libver'), bulk('type'), bulk('string'), bulk('token'), bulk('LIB-VER')] },
                ],
              },
            ],
          },
        ],
      },
    ],
  },
};

function synthDocs(cmd: Command): RNode {
  const known = EXTRA_DOCS[cmd.fullname];
  if (known) return known;
  const v: RNode[] = [bulk('summary'), bulk(''), bulk('since'), bulk(''), bulk('group'), bulk('server')];
  if (cmd.subcommands) {
    v.push(bulk('subcommands'), subcommandDocs(cmd, null));
  }
  return { t: 'map', v };
}

/** The "subcommands" docs map limited to the registered subcommands. */
function subcommandDocs(cmd: Command, stored: RNode | undefined | null): RNode {
  const out: RNode[] = [];
  const seen = new Set<string>();
  if (stored && stored.t === 'map') {
    for (let i = 0; i < stored.v.length; i += 2) {
      const full = (stored.v[i] as { v: string }).v;
      const sub = cmd.subcommands!.get(full.slice(full.indexOf('|') + 1));
      if (!sub) continue;
      seen.add(sub.name);
      out.push(stored.v[i], sub.meta?.docs ? stored.v[i + 1] : synthDocs(sub));
    }
  }
  for (const sub of cmd.subcommands!.values()) {
    if (!seen.has(sub.name)) out.push(bulk(sub.fullname), synthDocs(sub));
  }
  return { t: 'map', v: out };
}

function docsNode(cmd: Command): RNode {
  const docs = cmd.meta?.docs;
  if (!docs || docs.t !== 'map') return synthDocs(cmd);
  if (!cmd.subcommands) return docs;
  const v: RNode[] = [];
  let hadSubs = false;
  for (let i = 0; i < docs.v.length; i += 2) {
    if ((docs.v[i] as { v: string }).v === 'subcommands') {
      v.push(docs.v[i], subcommandDocs(cmd, docs.v[i + 1]));
      hadSubs = true;
    } else v.push(docs.v[i], docs.v[i + 1]);
  }
  if (!hadSubs && cmd.subcommands.size) v.push(bulk('subcommands'), subcommandDocs(cmd, null));
  return { t: 'map', v };
}

/** A command by full name: "get", "client|list" (case-insensitive). */
export function lookupFullname(srv: Server, name: string): Command | undefined {
  const parts = name.split('|');
  if (parts.length > 2) return undefined;
  const base = srv.registry.lookup(parts[0]);
  if (!base || parts.length === 1) return base;
  return base.subcommands?.get(parts[1].toLowerCase());
}

// ---------------------------------------------------------------- key extraction

type BeginSearch = { type: 'index'; pos: number } | { type: 'keyword'; keyword: string; startfrom: number } | { type: 'unknown' };
type FindKeys =
  | { type: 'range'; lastkey: number; keystep: number; limit: number }
  | { type: 'keynum'; keynumidx: number; firstkey: number; keystep: number }
  | { type: 'unknown' };

interface KeySpec {
  flags: string[];
  bs: BeginSearch;
  fk: FindKeys;
}

export interface KeyRef {
  pos: number;
  flags: string[];
}

const specCache = new WeakMap<Command, KeySpec[]>();

function num(n: RNode | undefined): number {
  return n && n.t === 'int' ? n.v : 0;
}
function str(n: RNode | undefined): string {
  return n && (n.t === 'bulk' || n.t === 'simple') ? n.v : '';
}

/** The key specs of a command, parsed from its COMMAND INFO entry. */
export function keySpecs(cmd: Command): KeySpec[] {
  let specs = specCache.get(cmd);
  if (specs) return specs;
  specs = [];
  const info = cmd.meta?.info as { v: RNode[] } | undefined;
  const list = info?.v[8] as { v: RNode[] } | undefined;
  for (const m of list?.v ?? []) {
    const flagsNode = mapGet(m, 'flags') as { v: RNode[] } | undefined;
    const flags = (flagsNode?.v ?? []).map(str);
    const bsNode = mapGet(m, 'begin_search');
    const bsSpec = mapGet(bsNode, 'spec');
    let bs: BeginSearch;
    switch (str(mapGet(bsNode, 'type'))) {
      case 'index':
        bs = { type: 'index', pos: num(mapGet(bsSpec, 'index')) };
        break;
      case 'keyword':
        bs = { type: 'keyword', keyword: str(mapGet(bsSpec, 'keyword')), startfrom: num(mapGet(bsSpec, 'startfrom')) };
        break;
      default:
        bs = { type: 'unknown' };
    }
    const fkNode = mapGet(m, 'find_keys');
    const fkSpec = mapGet(fkNode, 'spec');
    let fk: FindKeys;
    switch (str(mapGet(fkNode, 'type'))) {
      case 'range':
        fk = {
          type: 'range',
          lastkey: num(mapGet(fkSpec, 'lastkey')),
          keystep: num(mapGet(fkSpec, 'keystep')),
          limit: num(mapGet(fkSpec, 'limit')),
        };
        break;
      case 'keynum':
        fk = {
          type: 'keynum',
          keynumidx: num(mapGet(fkSpec, 'keynumidx')),
          firstkey: num(mapGet(fkSpec, 'firstkey')),
          keystep: num(mapGet(fkSpec, 'keystep')),
        };
        break;
      default:
        fk = { type: 'unknown' };
    }
    specs.push({ flags, bs, fk });
  }
  specCache.set(cmd, specs);
  return specs;
}

/**
 * Keys of one spec (getKeysUsingKeySpecs for a single spec): positions, or
 * null when the spec can't say (unknown search, bad numkeys, out of range).
 */
function keysOfSpec(spec: KeySpec, argv: string[], arity: number): number[] | null {
  const argc = argv.length;
  let first = 0;
  if (spec.bs.type === 'index') {
    first = spec.bs.pos;
  } else if (spec.bs.type === 'keyword') {
    const { keyword, startfrom } = spec.bs;
    const start = startfrom > 0 ? startfrom : argc + startfrom;
    const end = startfrom > 0 ? argc - 1 : 1;
    const kw = keyword.toLowerCase();
    for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
      if (i >= argc || i < 1) break;
      if (argv[i].toLowerCase() === kw) {
        first = i + 1;
        break;
      }
    }
    if (first === 0) return []; // keyword absent: no keys from this spec
  } else {
    return null;
  }
  let last: number;
  let step: number;
  const fk = spec.fk;
  if (fk.type === 'range') {
    step = fk.keystep;
    if (fk.lastkey >= 0) last = first + fk.lastkey;
    else if (fk.limit === 0) last = argc + fk.lastkey;
    else last = first + (Math.trunc((argc - first) / fk.limit) + fk.lastkey);
  } else if (fk.type === 'keynum') {
    step = fk.keystep;
    const at = first + fk.keynumidx;
    if (at >= argc) return null;
    const n = toInt64(argv[at]);
    if (n === null || n < 0n) return null;
    first += fk.firstkey;
    last = first + Number(n) - 1;
  } else {
    return null;
  }
  if (last >= argc || last < first || first >= argc) return null;
  const out: number[] = [];
  for (let i = first; i <= last; i += step) {
    if (i >= argc || i < first) {
      if (arity < 0) continue;
      return null;
    }
    out.push(i);
  }
  return out;
}

function doesCommandHaveKeys(cmd: Command): boolean {
  if (cmd.spec.getKeys) return true;
  const specs = keySpecs(cmd);
  if (specs.length) return specs.some((s) => !s.flags.includes('not_key'));
  return cmd.keySpec.first > 0;
}

/**
 * The keys of a full command with their flags (getKeysFromCommandWithSpecs):
 * the key specs when they are reliable, else the command's own extractor,
 * whose positions take the flags of the spec that covers them.
 */
export function commandKeys(cmd: Command, argv: string[]): KeyRef[] {
  const own = VARIABLE_FLAGS[cmd.fullname];
  if (own && cmd.meta) return own(argv);
  const specs = keySpecs(cmd);
  if (specs.length === 0) return cmd.keyPositions(argv).map((pos) => ({ pos, flags: [] }));
  const usable = specs.some((s) => !s.flags.includes('not_key')) && !specs.some((s) => s.flags.includes('variable_flags'));
  const partial = new Map<number, string[]>();
  // unreliable: specs that can't find every key (SORT's STORE, MIGRATE's KEYS);
  // badArgs: a spec that doesn't fit the arguments (numkeys too large...)
  let unreliable = !usable;
  let badArgs = false;
  const ordered: KeyRef[] = [];
  for (const spec of specs) {
    if (spec.flags.includes('not_key')) continue;
    if (spec.bs.type === 'unknown' || spec.fk.type === 'unknown' || spec.flags.includes('incomplete')) unreliable = true;
    const keys = keysOfSpec(spec, argv, cmd.arity);
    if (keys === null) {
      if (spec.bs.type !== 'unknown' && spec.fk.type !== 'unknown') badArgs = true;
      continue;
    }
    for (const pos of keys) {
      ordered.push({ pos, flags: spec.flags });
      if (!partial.has(pos)) partial.set(pos, spec.flags);
    }
  }
  if (!unreliable && !badArgs) return ordered;
  if (cmd.spec.getKeys) {
    // flags of the keys no spec could locate: those of the last spec whose
    // search is unknown (SORT's STORE, MIGRATE's KEYS), else the last spec's
    const fallback = [...specs].reverse().find((s) => s.bs.type === 'unknown') ?? specs[specs.length - 1];
    return cmd.spec.getKeys(argv).map((pos) => ({ pos, flags: plainFlags(partial.get(pos) ?? fallback.flags) }));
  }
  // Redis's own extractors refuse arguments the specs don't fit; without
  // one, the keys the specs did find are the best answer
  if (badArgs) return [];
  return ordered.map((k) => ({ pos: k.pos, flags: plainFlags(k.flags) }));
}

/** Key flags as a command's own key extractor reports them: without the spec-only markers. */
function plainFlags(flags: string[]): string[] {
  return flags.filter((f) => f !== 'incomplete' && f !== 'variable_flags');
}

/** Commands whose key flags depend on the arguments (key specs marked variable_flags). */
const VARIABLE_FLAGS: Record<string, (argv: string[]) => KeyRef[]> = {
  // SET ... GET reads the old value
  set: (argv) => {
    for (let i = 3; i < argv.length; i++) {
      if (argv[i].toLowerCase() === 'get') return [{ pos: 1, flags: ['RW', 'access', 'update'] }];
    }
    return [{ pos: 1, flags: ['OW', 'update'] }];
  },
  // BITFIELD with only GET (and OVERFLOW) subcommands is a read
  bitfield: (argv) => {
    let readonly = true;
    for (let i = 2; i < argv.length; i++) {
      const rem = argv.length - i - 1;
      const a = argv[i].toLowerCase();
      if (a === 'get' && rem >= 2) i += 2;
      else if ((a === 'set' || a === 'incrby') && rem >= 3) {
        readonly = false;
        break;
      } else if (a === 'overflow' && rem >= 1) i += 1;
      else {
        readonly = false;
        break;
      }
    }
    return [{ pos: 1, flags: readonly ? ['RO', 'access'] : ['RW', 'access', 'update'] }];
  },
};

// ---------------------------------------------------------------- handlers

function commandAll(c: Client): void {
  const cmds = c.server.registry.all();
  c.reply.array(cmds.length);
  for (const cmd of cmds) emitNode(c.reply, infoNode(cmd));
}

function commandCount(c: Client): void {
  c.reply.int(c.server.registry.count);
}

function commandInfo(c: Client, argv: string[]): void {
  if (argv.length === 2) return commandAll(c);
  c.reply.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const cmd = lookupFullname(c.server, argv[i]);
    if (cmd) emitNode(c.reply, infoNode(cmd));
    else c.reply.null();
  }
}

function commandDocs(c: Client, argv: string[]): void {
  const found: Command[] = [];
  if (argv.length === 2) found.push(...c.server.registry.all());
  else {
    for (let i = 2; i < argv.length; i++) {
      const cmd = lookupFullname(c.server, argv[i]);
      if (cmd) found.push(cmd);
    }
  }
  c.reply.map(found.length);
  for (const cmd of found) {
    c.reply.bulk(cmd.fullname);
    emitNode(c.reply, docsNode(cmd));
  }
}

function commandList(c: Client, argv: string[]): void {
  let filter: ((cmd: Command) => boolean) | null = null;
  for (let i = 2; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    if (argv[i].toLowerCase() !== 'filterby' || more !== 2) return c.error(Err.syntax);
    const kind = argv[i + 1].toLowerCase();
    const arg = argv[i + 2];
    if (kind === 'module') filter = () => false; // no modules
    else if (kind === 'aclcat') {
      const cat = arg.toLowerCase();
      filter = (cmd) => cmd.categories.some((x) => x.toLowerCase() === cat);
    } else if (kind === 'pattern') filter = (cmd) => globMatch(arg, cmd.fullname, true);
    else return c.error(Err.syntax);
    i += 2;
  }
  const names: string[] = [];
  const visit = (cmd: Command) => {
    if (!filter || filter(cmd)) names.push(cmd.fullname);
    if (cmd.subcommands) for (const sub of cmd.subcommands.values()) visit(sub);
  };
  for (const cmd of c.server.registry.all()) visit(cmd);
  c.reply.bulks(names);
}

function getKeys(c: Client, argv: string[], withFlags: boolean): void {
  const args = argv.slice(2);
  let cmd = c.server.registry.lookup(args[0]);
  if (cmd && cmd.subcommands && args.length >= 2) cmd = cmd.subcommands.get(args[1].toLowerCase());
  if (!cmd) return c.error(AdminErr.invalidCommand);
  if (!doesCommandHaveKeys(cmd)) return c.error(AdminErr.noKeyArguments);
  if ((cmd.arity > 0 && cmd.arity !== args.length) || args.length < -cmd.arity) return c.error(AdminErr.invalidArgCount);
  const keys = commandKeys(cmd, args);
  if (keys.length === 0) {
    if (cmd.flags.includes('no_mandatory_keys')) return c.reply.array(0);
    return c.error(AdminErr.invalidArguments);
  }
  c.reply.array(keys.length);
  for (const k of keys) {
    if (!withFlags) {
      c.reply.bulk(args[k.pos]);
      continue;
    }
    c.reply.array(2);
    c.reply.bulk(args[k.pos]);
    c.reply.set(k.flags.length);
    for (const f of k.flags) c.reply.status(f);
  }
}

const COMMAND_HELP = [
  '(no subcommand)',
  '    Return details about all Redis commands.',
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'GETKEYSANDFLAGS <full-command>',
  '    Return the keys and the access flags from a full Redis command.',
];

export const introspectionCommands: CommandSpec[] = [
  {
    name: 'command',
    handler: commandAll,
    subcommands: [
      { name: 'count', handler: commandCount },
      { name: 'info', handler: commandInfo },
      { name: 'docs', handler: commandDocs },
      { name: 'list', handler: commandList },
      { name: 'getkeys', handler: (c, argv) => getKeys(c, argv, false) },
      { name: 'getkeysandflags', handler: (c, argv) => getKeys(c, argv, true) },
      { name: 'help', handler: (c, argv) => replyHelp(c, argv, COMMAND_HELP) },
    ],
  },
];
