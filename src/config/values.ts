/**
 * Per-type parsing, printing and rewriting of parameter values, with
 * redis-server 7.0.15's exact validation rules and error strings.
 *
 * Every parameter has a "raw" value (the precise internal representation,
 * bigints for numbers) from which the CONFIG GET text, the CONFIG REWRITE
 * line(s) and the fast `Config.values` entry are derived.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BoolDef, EnumDef, NumDef, ParamDef, SpecialDef, StringDef } from './table';
import {
  catRepr,
  formatMemory,
  formatPercentile,
  fsPath,
  memtoull,
  strerror,
  string2d,
  string2ll,
  strtoll,
  strtollFull,
  toCInt,
} from './cstr';
import { keyspaceEventsFlagsToString, keyspaceEventsStringToFlags } from './notify';

export interface RawSavePoint {
  seconds: bigint;
  changes: number;
}

export interface RawObufLimit {
  hard: bigint;
  soft: bigint;
  seconds: bigint;
}

/** Index 0 normal, 1 replica (slave), 2 pubsub, as Redis's client types. */
export type RawObufLimits = [RawObufLimit, RawObufLimit, RawObufLimit];

export type RawValue =
  | boolean
  | bigint
  | number
  | string
  | null
  | string[]
  | number[]
  | RawSavePoint[]
  | RawObufLimits
  | { host: string; port: number };

/** Context of a set operation. */
export interface SetContext {
  /** Current raw value of the parameter. */
  current: RawValue;
  /** True while reading a config file (only changes the `save` rules). */
  loading: boolean;
  /** Loading state shared by every line of one load (save accumulation). */
  loadState: { saveLoaded: boolean };
  /** Current working directory for relative `dir` values. */
  cwd: string;
  /** Values other validators may look at (proc-title-template). */
  peek: (name: string) => RawValue;
}

export type SetResult = { ok: true; raw: RawValue; changed: boolean } | { ok: false; err: string };

const fail = (err: string): SetResult => ({ ok: false, err });

export const CLIENT_CLASS_NAMES = ['normal', 'slave', 'pubsub'] as const;
export const OBUF_DEFAULTS: RawObufLimits = [
  { hard: 0n, soft: 0n, seconds: 0n },
  { hard: 268435456n, soft: 67108864n, seconds: 60n },
  { hard: 33554432n, soft: 8388608n, seconds: 60n },
];
export const OOM_DEFAULTS = [0, 200, 800];
export const DEFAULT_BIND = ['*', '-::*'];
const CONFIG_BINDADDR_MAX = 16;
const NET_HOST_STR_LEN = 256;
const SDS_STRINGS = new Set(['requirepass', 'masterauth']);

function lc(s: string): string {
  return s.toLowerCase();
}

// ---------------------------------------------------------------- bool

function setBool(def: BoolDef, args: string[], ctx: SetContext): SetResult {
  const a = lc(args[0] ?? '');
  let v: boolean;
  if (a === 'yes') v = true;
  else if (a === 'no') v = false;
  else return fail("argument must be 'yes' or 'no'");
  if (def.name === 'activedefrag' && v) {
    return fail(
      'Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution',
    );
  }
  return { ok: true, raw: v, changed: v !== ctx.current };
}

// ------------------------------------------------------------- numbers

const UNSIGNED_CHECK = new Set(['ull', 'uint', 'size_t']);

function castNum(def: NumDef, v: bigint): bigint {
  switch (def.ctype) {
    case 'int':
      return BigInt.asIntN(32, v);
    case 'uint':
      return BigInt.asUintN(32, v);
    case 'ulong':
    case 'ull':
    case 'size_t':
      return BigInt.asUintN(64, v);
    default:
      return BigInt.asIntN(64, v);
  }
}

/** numericParseString(): the value as a C long long, or an error. */
export function parseNumeric(def: NumDef, s: string): bigint | string {
  if (def.memory) {
    const m = memtoull(s);
    if (m !== null) return BigInt.asIntN(64, m);
  }
  if (def.percent && s.length > 1 && s.endsWith('%')) {
    const p = string2ll(s.slice(0, -1));
    if (p !== null && p >= 0n) return -p;
  }
  if (def.octal) {
    const r = strtoll(s, 8);
    if (!r.overflow && r.end === s.length) return r.value;
  }
  if (!def.memory && !def.percent && !def.octal) {
    const v = string2ll(s);
    if (v !== null) return v;
  }
  if (def.memory && def.percent) return 'argument must be a memory or percent value';
  if (def.memory) return 'argument must be a memory value';
  if (def.octal) return "argument couldn't be parsed as an octal number";
  return "argument couldn't be parsed into an integer";
}

/** numericBoundaryCheck(). */
function checkBounds(def: NumDef, ll: bigint): string | null {
  if (UNSIGNED_CHECK.has(def.ctype)) {
    const u = BigInt.asUintN(64, ll);
    const lo = BigInt.asUintN(64, def.min);
    const hi = BigInt.asUintN(64, def.max);
    if (u > hi || u < lo) {
      const f = (x: bigint) => (def.octal ? x.toString(8) : x.toString());
      return `argument must be between ${f(lo)} and ${f(hi)} inclusive`;
    }
    return null;
  }
  if (def.percent && ll < 0n) {
    if (ll < def.min) return `percentage argument must be less or equal to ${-def.min}`;
    return null;
  }
  if (ll > def.max || ll < def.min) return `argument must be between ${def.min} and ${def.max} inclusive`;
  return null;
}

function setNum(def: NumDef, args: string[], ctx: SetContext): SetResult {
  const parsed = parseNumeric(def, args[0] ?? '');
  if (typeof parsed === 'string') return fail(parsed);
  const bad = checkBounds(def, parsed);
  if (bad) return fail(bad);
  let v = castNum(def, parsed);
  const changed = v !== ctx.current;
  // updateHZ / end of config loading: hz is a hint, capped to [1, 500].
  if (def.name === 'hz') {
    if (v < 1n) v = 1n;
    if (v > 500n) v = 500n;
  }
  return { ok: true, raw: v, changed };
}

function getNum(def: NumDef, v: bigint): string {
  if (def.percent && v < 0n) return `${-v}%`;
  if (def.memory) return BigInt.asUintN(64, v).toString();
  if (def.octal) return v.toString(8);
  return v.toString();
}

// --------------------------------------------------------------- enums

function enumNames(def: EnumDef): string {
  return def.choices.map((c) => c[0]).join(', ');
}

function setEnum(def: EnumDef, args: string[], ctx: SetContext): SetResult {
  const err = `argument(s) must be one of the following: ${enumNames(def)}`;
  if (args.length === 0 || (!def.bitflags && args.length !== 1)) return fail(err);
  let value = 0;
  for (const a of args) {
    const la = lc(a);
    const c = def.choices.find((ch) => ch[0] === la);
    if (!c) return fail(err);
    if (def.bitflags) value |= c[1];
    else value = c[1];
  }
  if (def.name.startsWith('shutdown-on-sig') && value & 1 && value & 2) {
    return fail("shutdown options SAVE and NOSAVE can't be used simultaneously");
  }
  return { ok: true, raw: value, changed: value !== ctx.current };
}

/** configEnumGetName(), including the bit-flags composition. */
export function enumName(def: EnumDef, value: number): string {
  let names: string | null = null;
  let unmatched = value;
  for (const [name, v] of def.choices) {
    if (value === v) return name;
    if (def.bitflags && v !== 0 && (unmatched & v) === v) {
      names = names === null ? name : `${names} ${name}`;
      unmatched &= ~v;
    }
  }
  if (names === null || unmatched) return 'unknown';
  return names;
}

// ------------------------------------------------------------- strings

function pathIsBaseName(p: string): boolean {
  return !p.includes('/') && !p.includes('\\');
}

const PROC_TITLE_VARS = new Set(['title', 'listen-addr', 'server-mode', 'port', 'tls-port', 'unixsocket', 'config-file']);

/** validateProcTitleTemplate(): expands like sdstemplate() with probe values. */
function validProcTitleTemplate(t: string, ctx: SetContext): boolean {
  let res = '';
  let p = 0;
  while (p < t.length) {
    const sv = t.indexOf('{', p);
    if (sv < 0) {
      res += t.slice(p);
      break;
    }
    res += t.slice(p, sv);
    const nameStart = sv + 1;
    if (nameStart >= t.length) return false;
    if (t[nameStart] === '{') {
      res += '{';
      p = nameStart + 1;
      continue;
    }
    const ev = t.indexOf('}', nameStart);
    if (ev < 0) return false;
    const name = t.slice(nameStart, ev);
    if (!PROC_TITLE_VARS.has(name)) return false;
    switch (name) {
      case 'title':
      case 'server-mode':
        break;
      case 'unixsocket': {
        const u = ctx.peek('unixsocket');
        res += typeof u === 'string' ? u : '';
        break;
      }
      case 'config-file':
        break;
      default:
        res += 'x';
    }
    p = ev + 1;
  }
  return res.replace(/^ +| +$/g, '').length > 0;
}

function validateString(def: StringDef, v: string, ctx: SetContext): string | null {
  switch (def.name) {
    case 'dbfilename':
      return pathIsBaseName(v) ? null : "dbfilename can't be a path, just a filename";
    case 'appendfilename':
      if (v === '') return "appendfilename can't be empty";
      return pathIsBaseName(v) ? null : "appendfilename can't be a path, just a filename";
    case 'appenddirname':
      if (v === '') return "appenddirname can't be empty";
      return pathIsBaseName(v) ? null : "appenddirname can't be a path, just a dirname";
    case 'cluster-announce-hostname': {
      if (v.length >= NET_HOST_STR_LEN) return `Hostnames must be less than ${NET_HOST_STR_LEN} characters`;
      for (let i = 0; i < v.length; i++) {
        const c = v.charCodeAt(i);
        const ok =
          (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 46;
        if (!ok) return 'Hostnames may only contain alphanumeric characters, hyphens or dots';
      }
      return null;
    }
    case 'proc-title-template':
      return validProcTitleTemplate(v, ctx) ? null : 'template format is invalid or contains unknown variables';
    default:
      return null;
  }
}

function setString(def: StringDef, args: string[], ctx: SetContext): SetResult {
  // Like C strings, a value stops at the first NUL byte (except for the
  // two binary-safe sds parameters).
  let v = args[0] ?? '';
  if (!SDS_STRINGS.has(def.name)) v = cutNul(v);
  const bad = validateString(def, v, ctx);
  if (bad) return fail(bad);
  const nv = def.emptyIsNull && v === '' ? null : v;
  return { ok: true, raw: nv, changed: nv !== ctx.current };
}

// ------------------------------------------------------------- special

function setDir(args: string[], ctx: SetContext): SetResult {
  if (args.length !== 1) return fail('wrong number of arguments');
  if (args[0] === '') return fail('No such file or directory');
  const target = path.resolve(ctx.cwd, args[0]);
  try {
    const st = fs.statSync(fsPath(target));
    if (!st.isDirectory()) return fail('Not a directory');
    fs.accessSync(fsPath(target), fs.constants.X_OK);
    let real = target;
    try {
      real = fs.realpathSync(fsPath(target), 'latin1');
    } catch {
      /* keep the resolved path */
    }
    return { ok: true, raw: real, changed: true };
  } catch (e) {
    return fail(strerror(e));
  }
}

function setSave(args: string[], ctx: SetContext): SetResult {
  let argv = args;
  let reset = !ctx.loading;
  if (argv.length === 1 && argv[0] === '') {
    argv = [];
    reset = true;
  }
  if (argv.length & 1) return fail('Invalid save parameters');
  for (let j = 0; j < argv.length; j++) {
    const r = strtoll(argv[j]);
    if (r.end !== argv[j].length || ((j & 1) === 0 && r.value < 1n) || ((j & 1) === 1 && r.value < 0n)) {
      return fail('Invalid save parameters');
    }
  }
  if (ctx.loading && !ctx.loadState.saveLoaded) {
    ctx.loadState.saveLoaded = true;
    reset = true;
  }
  const out: RawSavePoint[] = reset ? [] : [...(ctx.current as RawSavePoint[])];
  for (let j = 0; j < argv.length; j += 2) {
    out.push({ seconds: strtoll(argv[j]).value, changes: toCInt(strtoll(argv[j + 1]).value) });
  }
  return { ok: true, raw: out, changed: true };
}

function clientTypeByName(name: string): number {
  switch (lc(name)) {
    case 'normal':
      return 0;
    case 'slave':
    case 'replica':
      return 1;
    case 'pubsub':
      return 2;
    case 'master':
      return 3;
    default:
      return -1;
  }
}

function setObuf(args: string[], ctx: SetContext): SetResult {
  if (args.length % 4) return fail('Wrong number of arguments in buffer limit configuration.');
  const next = (ctx.current as RawObufLimits).map((l) => ({ ...l })) as RawObufLimits;
  const staged: [number, RawObufLimit][] = [];
  for (let j = 0; j < args.length; j += 4) {
    const cls = clientTypeByName(args[j]);
    if (cls === -1 || cls === 3) return fail('Invalid client class specified in buffer limit configuration.');
    const hard = memtoull(args[j + 1]);
    const soft = memtoull(args[j + 2]);
    const r = strtoll(args[j + 3]);
    const secs = BigInt(toCInt(r.value));
    const restOk = r.end === args[j + 3].length;
    if (hard === null || soft === null || secs < 0n || !restOk) {
      return fail('Error in hard, soft or soft_seconds setting in buffer limit configuration.');
    }
    staged.push([cls, { hard, soft, seconds: secs }]);
  }
  for (const [cls, l] of staged) next[cls] = l;
  return { ok: true, raw: next, changed: true };
}

function setOom(args: string[], ctx: SetContext): SetResult {
  if (args.length !== 3) return fail('wrong number of arguments');
  const vals: number[] = [];
  for (const a of args) {
    const v = strtollFull(a);
    if (v === null || v < -2000n || v > 2000n) {
      return fail('Invalid oom-score-adj-values, elements must be between -2000 and 2000.');
    }
    vals.push(Number(v));
  }
  const cur = ctx.current as number[];
  const changed = vals.some((v, i) => v !== cur[i]);
  return { ok: true, raw: vals, changed };
}

function setNotify(args: string[]): SetResult {
  if (args.length !== 1) return fail('wrong number of arguments');
  const flags = keyspaceEventsStringToFlags(args[0]);
  if (flags === -1) return fail("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
  return { ok: true, raw: flags, changed: true };
}

function setBind(args: string[]): SetResult {
  if (args.length > CONFIG_BINDADDR_MAX) return fail('Too many bind addresses specified.');
  const addrs = args.length === 1 && args[0] === '' ? [] : args.map((a) => cutNul(a));
  return { ok: true, raw: addrs, changed: true };
}

function cutNul(s: string): string {
  const i = s.indexOf('\0');
  return i < 0 ? s : s.slice(0, i);
}

function setReplicaof(args: string[]): SetResult {
  if (args.length !== 2) return fail('wrong number of arguments');
  if (lc(args[0]) === 'no' && lc(args[1]) === 'one') return { ok: true, raw: null, changed: true };
  const r = strtoll(args[1]);
  const port = toCInt(r.value);
  if (port < 0 || port > 65535 || r.end !== args[1].length) return fail('Invalid master port');
  return { ok: true, raw: { host: cutNul(args[0]), port }, changed: true };
}

function setPercentiles(args: string[]): SetResult {
  const argv = args.length === 1 && args[0] === '' ? [] : args;
  const out: number[] = [];
  for (const a of argv) {
    const d = string2d(a);
    if (d === null) return fail('Invalid latency-tracking-info-percentiles parameters');
    if (d > 100 || d < 0) return fail('latency-tracking-info-percentiles parameters should sit between [0.0,100.0]');
    out.push(d);
  }
  return { ok: true, raw: out, changed: true };
}

function setSpecial(def: SpecialDef, args: string[], ctx: SetContext): SetResult {
  switch (def.special) {
    case 'dir':
      return setDir(args, ctx);
    case 'save':
      return setSave(args, ctx);
    case 'client-output-buffer-limit':
      return setObuf(args, ctx);
    case 'oom-score-adj-values':
      return setOom(args, ctx);
    case 'notify-keyspace-events':
      return setNotify(args);
    case 'bind':
      return setBind(args);
    case 'replicaof':
      return setReplicaof(args);
    case 'latency-tracking-info-percentiles':
      return setPercentiles(args);
  }
}

// ------------------------------------------------------------ dispatch

/** Parses and validates `args` for `def` (the `set` interface of Redis). */
export function setParam(def: ParamDef, args: string[], ctx: SetContext): SetResult {
  switch (def.kind) {
    case 'bool':
      return setBool(def, args, ctx);
    case 'num':
      return setNum(def, args, ctx);
    case 'enum':
      return setEnum(def, args, ctx);
    case 'string':
      return setString(def, args, ctx);
    case 'special':
      return setSpecial(def, args, ctx);
  }
}

/** The CONFIG GET text of a raw value (the `get` interface of Redis). */
export function formatParam(def: ParamDef, raw: RawValue): string {
  switch (def.kind) {
    case 'bool':
      return raw ? 'yes' : 'no';
    case 'num':
      return getNum(def, raw as bigint);
    case 'enum':
      return enumName(def, raw as number);
    case 'string':
      return (raw as string | null) ?? '';
    case 'special':
      switch (def.special) {
        case 'dir':
          return raw as string;
        case 'save':
          return (raw as RawSavePoint[]).map((p) => `${p.seconds} ${p.changes}`).join(' ');
        case 'client-output-buffer-limit':
          return (raw as RawObufLimits)
            .map((l, i) => `${CLIENT_CLASS_NAMES[i]} ${l.hard} ${l.soft} ${l.seconds}`)
            .join(' ');
        case 'oom-score-adj-values':
          return (raw as number[]).join(' ');
        case 'notify-keyspace-events':
          return keyspaceEventsFlagsToString(raw as number);
        case 'bind':
          return (raw as string[]).join(' ');
        case 'replicaof': {
          const r = raw as { host: string; port: number } | null;
          return r ? `${r.host} ${r.port}` : '';
        }
        case 'latency-tracking-info-percentiles':
          return (raw as number[]).map(formatPercentile).join(' ');
      }
  }
}

/** The value kept in `Config.values` (cheap to read on hot paths). */
export function fastValue(def: ParamDef, raw: RawValue): unknown {
  switch (def.kind) {
    case 'bool':
      return raw;
    case 'num':
      return Number(raw as bigint);
    case 'enum':
      return enumName(def, raw as number);
    case 'string':
      return (raw as string | null) ?? '';
    case 'special':
      switch (def.special) {
        case 'save':
          return (raw as RawSavePoint[]).map((p) => ({ seconds: Number(p.seconds), changes: p.changes }));
        case 'client-output-buffer-limit': {
          const l = raw as RawObufLimits;
          const conv = (x: RawObufLimit) => ({ hard: Number(x.hard), soft: Number(x.soft), softSeconds: Number(x.seconds) });
          return { normal: conv(l[0]), replica: conv(l[1]), pubsub: conv(l[2]) };
        }
        case 'oom-score-adj-values':
        case 'bind':
        case 'latency-tracking-info-percentiles':
          return [...(raw as unknown[])];
        case 'replicaof': {
          const r = raw as { host: string; port: number } | null;
          return r ? { ...r } : null;
        }
        default:
          return raw;
      }
  }
}

/** Deep copy of a raw value (for rollbacks). */
export function cloneRaw(raw: RawValue): RawValue {
  if (Array.isArray(raw)) return raw.map((x) => (typeof x === 'object' && x !== null ? { ...x } : x)) as RawValue;
  if (raw !== null && typeof raw === 'object') return { ...raw };
  return raw;
}

/** The compiled-in default raw value of a parameter. */
export function defaultRaw(def: ParamDef, cwd: string): RawValue {
  switch (def.kind) {
    case 'bool':
      return def.default === 'yes';
    case 'num':
      return BigInt(def.default);
    case 'enum':
      return def.choices.find((c) => c[0] === def.default)![1];
    case 'string':
      return def.nullDefault ? null : def.default;
    case 'special':
      switch (def.special) {
        case 'dir':
          return cwd;
        case 'save':
          return [
            { seconds: 3600n, changes: 1 },
            { seconds: 300n, changes: 100 },
            { seconds: 60n, changes: 10000 },
          ];
        case 'client-output-buffer-limit':
          return OBUF_DEFAULTS.map((l) => ({ ...l })) as RawObufLimits;
        case 'oom-score-adj-values':
          return [...OOM_DEFAULTS];
        case 'notify-keyspace-events':
          return 0;
        case 'bind':
          return [...DEFAULT_BIND];
        case 'replicaof':
          return null;
        case 'latency-tracking-info-percentiles':
          return [50, 99, 99.9];
      }
  }
}

/** Whether a raw value prints like the compiled-in default. */
export function isDefaultRaw(def: ParamDef, raw: RawValue, cwd: string): boolean {
  if (def.kind === 'special' && def.special === 'dir') return true;
  return formatParam(def, raw) === formatParam(def, defaultRaw(def, cwd));
}
