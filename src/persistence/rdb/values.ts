/**
 * The RDB value codec: one value (the object after its type byte), written
 * as Redis 7.0 writes it (RDB version 10) and read in every form Redis 7.0
 * reads, so DUMP/RESTORE and the RDB file share it.
 *
 * Written types follow the value's encoding as in rdbSaveObjectType:
 *   string            STRING (integer-encoded when it is a 32-bit integer, LZF per rdbcompression)
 *   list              LIST_QUICKLIST_2 (quicklist.ts: nodes as a list built by RPUSH has them)
 *   set  intset       SET_INTSET          hashtable  SET
 *   hash listpack     HASH_LISTPACK       hashtable  HASH
 *   zset listpack     ZSET_LISTPACK       skiplist   ZSET_2 (binary doubles, highest score first)
 *   stream            STREAM_LISTPACKS_2 (stream-codec.ts)
 *
 * Read: the above, and LIST, LIST_ZIPLIST, LIST_QUICKLIST, ZSET (text
 * doubles), HASH_ZIPMAP, ZSET_ZIPLIST, HASH_ZIPLIST, STREAM_LISTPACKS;
 * with `rdbVersion` 11 (Redis 7.2 files) also SET_LISTPACK and
 * STREAM_LISTPACKS_3. A loaded value gets the encoding Redis 7.0 gives it
 * (a ziplist hash becomes a listpack, a listpack past the entry limit a
 * hashtable, an intset past set-max-intset-entries a hashtable...).
 *
 * Checks: what Redis always checks, plus whatever tredis needs to hold the
 * value at all (every blob is decoded whole here, where Redis keeps most
 * as they are; duplicates, odd pair counts, unordered stream IDs are
 * refused whatever the sanitization); `deep` adds the remaining checks of
 * sanitize-dump-payload (listpack backlens and counts, intset order,
 * stream lp-counts). Every malformed input ends in an RdbError.
 */
import { RDB_VERSION, RdbError, RdbIn, RdbOut, RdbType } from './encoding';
import { ListpackWriter, LpItem, itemString, readListpack } from './listpack';
import { readIntset, writeIntset } from './intset';
import { readZiplist } from './ziplist';
import { readZipmap } from './zipmap';
import { readStream, writeStream } from './stream-codec';
import { writeQuicklist } from './quicklist';
import { ByteString, RawString, StoredObject, Value } from '../../store/value';
import { List } from '../../store/list';
import { IntMember, SetValue, intOf } from '../../store/set';
import { HashTable, HashValue } from '../../store/hash';
import { ZSet, listpackScoreString } from '../../store/zset';
import { Stream } from '../../store/stream';
import { formatDouble, strtod } from '../../util/numbers';
import type { Server } from '../../server/server';

/** The settings a load needs to choose encodings, and how hard to check. */
export interface ValueLoadOptions {
  hashMaxListpackEntries: number;
  hashMaxListpackValue: number;
  setMaxIntsetEntries: number;
  zsetMaxListpackEntries: number;
  zsetMaxListpackValue: number;
  /** Deep integrity checks (sanitize-dump-payload). */
  deep: boolean;
  /** RDB version of the file or payload (default 10): 11 admits Redis 7.2's types 20 and 21. */
  rdbVersion?: number;
}

/** The settings writing needs beyond RdbOut's compression flag. */
export interface ValueWriteOptions {
  /** list-max-listpack-size. */
  listMaxListpackSize: number;
  /** list-compress-depth. */
  listCompressDepth: number;
}

export const DEFAULT_WRITE_OPTIONS: ValueWriteOptions = { listMaxListpackSize: -2, listCompressDepth: 0 };

/** The load options from the server's config (Redis's defaults without a config table). */
export function valueLoadOptions(srv: Server | null, deep: boolean): ValueLoadOptions {
  const v = srv?.config?.values;
  return {
    hashMaxListpackEntries: v?.['hash-max-listpack-entries'] ?? 512,
    hashMaxListpackValue: v?.['hash-max-listpack-value'] ?? 64,
    setMaxIntsetEntries: v?.['set-max-intset-entries'] ?? 512,
    zsetMaxListpackEntries: v?.['zset-max-listpack-entries'] ?? 128,
    zsetMaxListpackValue: v?.['zset-max-listpack-value'] ?? 64,
    deep,
  };
}

/** The write options from the server's config. */
export function valueWriteOptions(srv: Server | null): ValueWriteOptions {
  const v = srv?.config?.values;
  if (v === undefined) return DEFAULT_WRITE_OPTIONS;
  return { listMaxListpackSize: v['list-max-listpack-size'], listCompressDepth: v['list-compress-depth'] };
}

/**
 * A value with no elements (an empty list, set, hash or zset), which Redis
 * refuses in RESTORE and skips when loading a file.
 */
export class RdbEmptyKeyError extends RdbError {}

/** rdbIsObjectType: a byte that starts a value rather than an opcode. */
export function isValueType(type: number, rdbVersion = RDB_VERSION): boolean {
  return (type >= 0 && type <= 7) || (type >= 9 && type <= (rdbVersion >= 11 ? 21 : 19));
}

// ---- writing ------------------------------------------------------------------

const lp = new ListpackWriter(4096);

/** Writes the RDB type byte and the value, choosing the type from the value's encoding as Redis 7.0 does. */
export function writeValue(out: RdbOut, v: Value, opts: ValueWriteOptions = DEFAULT_WRITE_OPTIONS): void {
  if (typeof v === 'string') {
    out.byte(RdbType.STRING);
    return out.string(v);
  }
  if (v instanceof RawString || v instanceof ByteString) {
    out.byte(RdbType.STRING);
    return out.string(v.s);
  }
  if (v instanceof List) return writeQuicklist(out, v, opts.listMaxListpackSize, opts.listCompressDepth);
  if (v instanceof SetValue) return writeSet(out, v);
  if (v instanceof HashValue) return writeHash(out, v);
  if (v instanceof ZSet) return writeZset(out, v);
  if (v instanceof Stream) return writeStream(out, v);
  throw new Error(`writeValue: no RDB form for ${(v as StoredObject).type}`);
}

function writeSet(out: RdbOut, s: SetValue): void {
  if (s.ints !== null) {
    out.byte(RdbType.SET_INTSET);
    return out.stringBytes(writeIntset(s.ints));
  }
  out.byte(RdbType.SET);
  out.length(s.size);
  s.forEach((m) => out.string(m));
}

function writeHash(out: RdbOut, h: HashValue): void {
  const d = h.d;
  if (d instanceof HashTable) {
    out.byte(RdbType.HASH);
    out.length(d.m.size);
    for (const [f, v] of d.m) {
      out.string(f);
      out.string(v);
    }
    return;
  }
  out.byte(RdbType.HASH_LISTPACK);
  lp.reset();
  for (let i = 0; i < d.length; i++) lp.string(d[i]);
  out.stringBytes(lp.finish());
}

function writeZset(out: RdbOut, z: ZSet): void {
  const sl = z.sl;
  if (z.listpack) {
    out.byte(RdbType.ZSET_LISTPACK);
    lp.reset();
    for (let n = sl.first; n !== 0; n = sl.next(n)) {
      lp.string(sl.ele(n));
      lp.string(listpackScoreString(sl.score(n), formatDouble));
    }
    return out.stringBytes(lp.finish());
  }
  // highest first, so that loading inserts each at the head
  out.byte(RdbType.ZSET_2);
  out.length(sl.length);
  for (let n = sl.tail; n !== 0; n = sl.prev(n)) {
    out.string(sl.ele(n));
    out.binaryDouble(sl.score(n));
  }
}

// ---- reading ------------------------------------------------------------------

/** Reads a value of `type` (the type byte already read); throws RdbError on anything invalid. */
export function readValue(inp: RdbIn, type: number, opts: ValueLoadOptions): Value {
  const at = inp.pos;
  const v11 = (opts.rdbVersion ?? RDB_VERSION) >= 11;
  switch (type) {
    case RdbType.STRING:
      return inp.string();
    case RdbType.LIST:
      return readLinkedList(inp, at);
    case RdbType.SET:
      return readSet(inp, opts, at);
    case RdbType.ZSET:
    case RdbType.ZSET_2:
      return readZset(inp, type === RdbType.ZSET_2, opts, at);
    case RdbType.HASH:
      return readHash(inp, opts, at);
    case RdbType.HASH_ZIPMAP:
      return readHashBlob(readZipmap(blob(inp), blobAt), opts, at, true);
    case RdbType.HASH_ZIPLIST:
      return readHashBlob(readZiplist(blob(inp), true, blobAt, 'Hash ziplist'), opts, at, false);
    case RdbType.HASH_LISTPACK:
      return readHashBlob(readListpack(blob(inp), opts.deep, blobAt, 'Hash listpack'), opts, at, false);
    case RdbType.ZSET_ZIPLIST:
      return readZsetBlob(readZiplist(blob(inp), true, blobAt, 'Zset ziplist'), opts, at);
    case RdbType.ZSET_LISTPACK:
      return readZsetBlob(readListpack(blob(inp), opts.deep, blobAt, 'Zset listpack'), opts, at);
    case RdbType.SET_INTSET:
      return readIntsetValue(inp, opts, at);
    case RdbType.LIST_ZIPLIST: {
      const items = readZiplist(blob(inp), true, blobAt, 'List ziplist');
      if (items.length === 0) throw new RdbEmptyKeyError('Empty list', at);
      return List.from(items.map(itemString));
    }
    case RdbType.LIST_QUICKLIST:
    case RdbType.LIST_QUICKLIST_2:
      return readQuicklist(inp, type === RdbType.LIST_QUICKLIST_2, opts.deep, at);
    case RdbType.STREAM_LISTPACKS:
    case RdbType.STREAM_LISTPACKS_2:
      return readStream(inp, type, opts.deep);
    case RdbType.SET_LISTPACK:
      if (!v11) break;
      return readSetListpack(inp, opts, at);
    case RdbType.STREAM_LISTPACKS_3:
      if (!v11) break;
      return readStream(inp, type, opts.deep);
    case RdbType.MODULE_PRE_GA:
    case RdbType.MODULE_2:
      throw new RdbError(`Module value (RDB type ${type}): tredis has no modules to load it`, at);
  }
  throw new RdbError(`Unknown RDB encoding type ${type}`, at);
}

/** Where the last blob() starts in the input (for error offsets). */
let blobAt = 0;

/** A blob (ziplist, listpack...) stored as an RDB string; blobAt is set to its offset. */
function blob(inp: RdbIn): Buffer {
  const start = inp.pos;
  const b = inp.stringBytes();
  blobAt = b.buffer === inp.buf.buffer ? b.byteOffset - inp.buf.byteOffset : start;
  return b;
}

function empty(what: string, at: number): never {
  throw new RdbEmptyKeyError(`Empty ${what}`, at);
}

function readLinkedList(inp: RdbIn, at: number): List {
  const n = inp.length();
  if (n === 0) empty('list', at);
  const l = new List();
  for (let i = 0; i < n; i++) l.pushTail(inp.string());
  return l;
}

function readQuicklist(inp: RdbIn, v2: boolean, deep: boolean, at: number): List {
  const nodes = inp.length();
  if (nodes === 0) empty('list', at);
  const l = new List();
  for (let i = 0; i < nodes; i++) {
    let container = 2;
    if (v2) {
      const cAt = inp.pos;
      container = inp.length();
      if (container !== 1 && container !== 2) inp.fail('Quicklist integrity check failed.', cAt);
    }
    const dAt = inp.pos;
    const data = inp.stringBytes();
    if (data.length === 0) inp.fail('Quicklist node without data', dAt);
    if (container === 1) {
      l.pushTail(data.latin1Slice(0, data.length));
      continue;
    }
    // ziplist nodes are always checked deeply (they are converted), listpacks per sanitize-dump-payload
    const items = v2 ? readListpack(data, deep, dAt, 'Listpack') : readZiplist(data, true, dAt, 'Ziplist');
    // empty nodes are skipped, as by Redis
    for (let k = 0; k < items.length; k++) l.pushTail(itemString(items[k]));
  }
  if (l.length === 0) empty('list', at);
  return l;
}

/** Sets: an intset while every member is an integer and they fit set-max-intset-entries. */
function setFrom(members: string[], opts: ValueLoadOptions, at: number): SetValue {
  if (members.length <= opts.setMaxIntsetEntries) {
    const ints: IntMember[] = [];
    for (let i = 0; i < members.length; i++) {
      const v = intOf(members[i]);
      if (v === null) break;
      ints.push(v);
    }
    if (ints.length === members.length) {
      ints.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      for (let i = 1; i < ints.length; i++) if (ints[i] === ints[i - 1]) throw new RdbError('Duplicate set members detected', at);
      const s = SetValue.intset();
      s.ints = ints;
      return s;
    }
  }
  const s = SetValue.hashtable();
  for (let i = 0; i < members.length; i++) {
    if (!s.add(members[i], 0)) throw new RdbError('Duplicate set members detected', at);
  }
  return s;
}

function readSet(inp: RdbIn, opts: ValueLoadOptions, at: number): SetValue {
  const n = inp.length();
  if (n === 0) empty('set', at);
  const members: string[] = [];
  for (let i = 0; i < n; i++) members.push(inp.string());
  return setFrom(members, opts, at);
}

function readIntsetValue(inp: RdbIn, opts: ValueLoadOptions, at: number): SetValue {
  const bAt = inp.pos;
  const ints = readIntset(inp.stringBytes(), opts.deep, bAt);
  if (ints.length <= opts.setMaxIntsetEntries) {
    const s = SetValue.intset();
    s.ints = ints;
    return s;
  }
  const s = SetValue.hashtable();
  for (let i = 0; i < ints.length; i++) s.add(String(ints[i]), 0);
  return s;
}

function readSetListpack(inp: RdbIn, opts: ValueLoadOptions, at: number): SetValue {
  const items = readListpack(blob(inp), opts.deep, blobAt, 'Set listpack');
  if (items.length === 0) empty('set', at);
  return setFrom(items.map(itemString), opts, at);
}

/** Hashes: fields and values flat; a listpack unless the entries or a length pass the limits. */
function hashFrom(fv: string[], toTable: boolean, at: number): HashValue {
  if (!toTable) {
    const seen = new Set<string>();
    for (let i = 0; i < fv.length; i += 2) {
      if (seen.has(fv[i])) throw new RdbError('Hash with dup elements', at);
      seen.add(fv[i]);
    }
    return new HashValue(fv);
  }
  const m = new Map<string, string>();
  for (let i = 0; i < fv.length; i += 2) {
    if (m.has(fv[i])) throw new RdbError('Duplicate hash fields detected', at);
    m.set(fv[i], fv[i + 1]);
  }
  return new HashValue(new HashTable(m));
}

function readHash(inp: RdbIn, opts: ValueLoadOptions, at: number): HashValue {
  const n = inp.length();
  if (n === 0) empty('hash', at);
  let table = n > opts.hashMaxListpackEntries;
  const fv: string[] = [];
  for (let i = 0; i < n; i++) {
    const f = inp.string();
    const v = inp.string();
    if (f.length > opts.hashMaxListpackValue || v.length > opts.hashMaxListpackValue) table = true;
    fv.push(f, v);
  }
  return hashFrom(fv, table, at);
}

/** HASH_ZIPMAP, HASH_ZIPLIST, HASH_LISTPACK: pairs converted to 7.0's encodings. */
function readHashBlob(items: LpItem[], opts: ValueLoadOptions, at: number, zipmap: boolean): HashValue {
  if ((items.length & 1) !== 0) throw new RdbError('Hash with an odd number of fields and values', at);
  if (items.length === 0) empty('hash', at);
  const fv = items.map(itemString);
  let table = fv.length >> 1 > opts.hashMaxListpackEntries;
  if (zipmap && !table) {
    for (let i = 0; i < fv.length; i++) if (fv[i].length > opts.hashMaxListpackValue) table = true;
  }
  return hashFrom(fv, table, at);
}

/** zsetAdd order: by score, then member bytes. */
function zsetFrom(eles: string[], scores: number[], listpack: boolean, at: number): ZSet {
  const seen = new Set<string>();
  for (let i = 0; i < eles.length; i++) {
    if (scores[i] !== scores[i]) throw new RdbError('Zset with NAN score detected', at);
    if (seen.has(eles[i])) throw new RdbError('Duplicate zset fields detected', at);
    seen.add(eles[i]);
  }
  const order = Array.from(eles.keys());
  let sorted = true;
  for (let i = 1; i < order.length && sorted; i++) {
    const d = scores[i - 1] - scores[i];
    if (d > 0 || (d === 0 && eles[i - 1] > eles[i])) sorted = false;
  }
  if (!sorted) {
    order.sort((a, b) => {
      const d = scores[a] - scores[b];
      if (d !== 0 && d === d) return d;
      if (scores[a] !== scores[b]) return scores[a] < scores[b] ? -1 : 1;
      return eles[a] < eles[b] ? -1 : eles[a] > eles[b] ? 1 : 0;
    });
  }
  const e = order.map((i) => eles[i]);
  // a listpack stores -0 as the integer 0
  const s = order.map((i) => (listpack && scores[i] === 0 ? 0 : scores[i]));
  return ZSet.fromSorted(e, s, listpack);
}

function readZset(inp: RdbIn, binary: boolean, opts: ValueLoadOptions, at: number): ZSet {
  const n = inp.length();
  if (n === 0) empty('zset', at);
  const eles: string[] = [];
  const scores: number[] = [];
  let maxLen = 0;
  for (let i = 0; i < n; i++) {
    const e = inp.string();
    eles.push(e);
    scores.push(binary ? inp.binaryDouble() : inp.textDouble());
    if (e.length > maxLen) maxLen = e.length;
  }
  // converted after loading, as Redis does
  const listpack = n <= opts.zsetMaxListpackEntries && maxLen <= opts.zsetMaxListpackValue;
  return zsetFrom(eles, scores, listpack, at);
}

/** A listpack score: an integer, or text read as strtod does (zzlStrtod). */
function scoreOf(x: LpItem): number {
  if (typeof x === 'number') return x;
  if (typeof x === 'bigint') return Number(x);
  return strtod(x.length > 127 ? x.slice(0, 127) : x).value;
}

function readZsetBlob(items: LpItem[], opts: ValueLoadOptions, at: number): ZSet {
  if ((items.length & 1) !== 0) throw new RdbError('Zset with an odd number of members and scores', at);
  if (items.length === 0) empty('zset', at);
  const eles: string[] = [];
  const scores: number[] = [];
  for (let i = 0; i < items.length; i += 2) {
    eles.push(itemString(items[i]));
    scores.push(scoreOf(items[i + 1]));
  }
  return zsetFrom(eles, scores, eles.length <= opts.zsetMaxListpackEntries, at);
}
