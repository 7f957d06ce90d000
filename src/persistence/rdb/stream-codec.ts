/**
 * Streams in the RDB format: STREAM_LISTPACKS_2 (type 19, what Redis 7.0
 * writes) and, for reading, STREAM_LISTPACKS (15, Redis 5-6) and
 * STREAM_LISTPACKS_3 (21, Redis 7.2: consumers carry an active time too).
 *
 *   <nodes> (<master ID: 16-byte string> <listpack string>)...
 *   <length> <last ID ms> <seq>
 *   [19, 21] <first ID ms> <seq> <max deleted ID ms> <seq> <entries added>
 *   <groups> (<name> <last ID ms> <seq> [19, 21] <entries read>
 *             <PEL size> (<16-byte ID> <delivery time i64le> <count>)...
 *             <consumers> (<name> <seen time i64le> [21] <active time i64le>
 *                          <PEL size> (<16-byte ID>)...)...)...
 *
 * A node's listpack is Redis's stream node layout: the master entry
 * (live count, deleted count, field count, the fields, 0), then per entry
 * flags (1 deleted, 2 same fields as the master), the ID as ms and seq
 * deltas from the master ID, [field count, fields interleaved with values
 * | the values alone], and the entry's item count (lp-count). Nodes here
 * (store/stream-node.ts) keep the same entries, flags and boundaries, so
 * they are written back as Redis would hold them.
 */
import { RdbIn, RdbOut, RdbType } from './encoding';
import { ListpackReader, ListpackWriter, itemString } from './listpack';
import { Stream } from '../../store/stream';
import { F_DELETED, F_SAMEFIELDS, StreamNode } from '../../store/stream-node';
import { StreamId, MAX_ID, ZERO_ID, compareIds, idKey } from '../../store/stream-id';
import { Consumer, ConsumerGroup, Counter, Nack, estimateEntriesRead, sortedGroups } from '../../store/stream-groups';

const TWO32 = 4294967296;
const MAX_SAFE = 9007199254740991n;

// ---- writing ------------------------------------------------------------------

const lp = new ListpackWriter(4096);
const rawId = Buffer.alloc(16);

/** (a - b) mod 2^64 read as an int64, for two uint64s given as halves. */
function delta64(aHi: number, aLo: number, bHi: number, bLo: number): number | bigint {
  const hi = aHi - bHi;
  if (hi > -1048576 && hi < 1048576) return hi * TWO32 + (aLo - bLo);
  return BigInt.asIntN(64, ((BigInt(aHi) << 32n) | BigInt(aLo)) - ((BigInt(bHi) << 32n) | BigInt(bLo)));
}

/** A uint64 given as halves, as a number when safe. */
function u64(hi: number, lo: number): number | bigint {
  return hi < 2097152 ? hi * TWO32 + lo : (BigInt(hi) << 32n) | BigInt(lo);
}

/** A long long counter as the uint64 Redis saves. */
function counterU64(c: Counter): number | bigint {
  return typeof c === 'number' && c >= 0 ? c : BigInt.asUintN(64, BigInt(c));
}

function writeRawId(out: RdbOut, id: StreamId): void {
  rawId.writeUInt32BE(id.msHi, 0);
  rawId.writeUInt32BE(id.msLo, 4);
  rawId.writeUInt32BE(id.seqHi, 8);
  rawId.writeUInt32BE(id.seqLo, 12);
  out.raw(rawId);
}

function writeIdLengths(out: RdbOut, id: StreamId): void {
  out.lengthU64(u64(id.msHi, id.msLo));
  out.lengthU64(u64(id.seqHi, id.seqLo));
}

/** The node's listpack (a view into a shared buffer, valid until the next call). */
export function nodeListpack(node: StreamNode): Buffer {
  lp.reset();
  const master = node.master;
  lp.integer(node.live);
  lp.integer(node.n - node.live);
  lp.integer(master.length);
  for (let k = 0; k < master.length; k++) lp.string(master[k]);
  lp.integer(0);
  const m = node.idAt(0);
  for (let i = 0; i < node.n; i++) {
    const flags = node.flagsOf(i) & (F_DELETED | F_SAMEFIELDS);
    const id = node.idAt(i);
    const nf = node.fieldCount(i);
    lp.integer(flags);
    lp.integer(delta64(id.msHi, id.msLo, m.msHi, m.msLo));
    lp.integer(delta64(id.seqHi, id.seqLo, m.seqHi, m.seqLo));
    if ((flags & F_SAMEFIELDS) !== 0) {
      for (let k = 0; k < nf; k++) lp.string(node.value(i, k));
      lp.integer(nf + 3);
    } else {
      lp.integer(nf);
      for (let k = 0; k < nf; k++) {
        lp.string(node.field(i, k));
        lp.string(node.value(i, k));
      }
      lp.integer(nf * 2 + 4);
    }
  }
  return lp.finish();
}

/** rdbSaveObject of a stream (type byte included): STREAM_LISTPACKS_2. */
export function writeStream(out: RdbOut, s: Stream): void {
  out.byte(RdbType.STREAM_LISTPACKS_2);
  const nodes = s.nodeList();
  out.length(nodes.length);
  for (const node of nodes) {
    writeRawIdString(out, node.idAt(0));
    out.stringBytes(nodeListpack(node));
  }
  out.length(s.length);
  writeIdLengths(out, s.lastId);
  writeIdLengths(out, s.firstId);
  writeIdLengths(out, s.maxDeletedId);
  out.lengthU64(counterU64(s.entriesAddedExact()));
  const groups = sortedGroups(s.groups);
  out.length(groups.length);
  for (const g of groups) {
    out.string(g.name);
    writeIdLengths(out, g.lastId);
    out.lengthU64(counterU64(g.entriesRead));
    out.length(g.pel.size);
    for (const n of g.pel) {
      writeRawId(out, n.id);
      out.i64le(n.deliveryTime);
      out.lengthU64(counterU64(n.deliveryCount));
    }
    const consumers = g.sortedConsumers();
    out.length(consumers.length);
    for (const c of consumers) {
      out.string(c.name);
      out.i64le(c.seenTime);
      out.length(c.pel.size);
      for (const n of c.pel) writeRawId(out, n.id);
    }
  }
}

/** A node key: the master ID as a 16-byte string (never integer-encoded, too short for LZF). */
function writeRawIdString(out: RdbOut, id: StreamId): void {
  out.length(16);
  writeRawId(out, id);
}

// ---- reading ------------------------------------------------------------------

/** The ID in 16 big-endian bytes at b[p]. */
function idAt(b: Buffer, p: number): StreamId {
  return new StreamId(b.readUInt32BE(p), b.readUInt32BE(p + 4), b.readUInt32BE(p + 8), b.readUInt32BE(p + 12));
}

function idFromU64(ms: bigint, seq: bigint): StreamId {
  return new StreamId(Number(ms >> 32n), Number(ms & 0xffffffffn), Number(seq >> 32n), Number(seq & 0xffffffffn));
}

function readIdLengths(inp: RdbIn): StreamId {
  const ms = inp.lengthU64();
  return idFromU64(ms, inp.lengthU64());
}

/** A uint64 read as the long long Redis keeps (entries_read, delivery_count). */
function toCounter(v: bigint): Counter {
  const w = BigInt.asIntN(64, v);
  return w >= -MAX_SAFE && w <= MAX_SAFE ? Number(w) : w;
}

/** master + (delta as uint64), modulo 2^64. */
function addDelta(mHi: number, mLo: number, d: number | bigint): [number, number] {
  if (typeof d === 'number' && d >= 0 && d < TWO32) {
    let lo = mLo + d;
    let hi = mHi;
    if (lo >= TWO32) {
      lo -= TWO32;
      hi = (hi + 1) >>> 0;
    }
    return [hi, lo];
  }
  const v = BigInt.asUintN(64, ((BigInt(mHi) << 32n) | BigInt(mLo)) + BigInt(d));
  return [Number(v >> 32n), Number(v & 0xffffffffn)];
}

/**
 * One node from its key and listpack. Always checked (a node must make
 * sense to be held): the master entry, each entry's shape and integers,
 * at least one entry, IDs ascending. With `deep`, as
 * streamValidateListpackIntegrity: the lp-counts and the master counts.
 */
function readNode(key: StreamId, b: Buffer, deep: boolean, at: number): StreamNode {
  const r = new ListpackReader(b, deep, at, 'Stream listpack');
  if (r.done) r.fail('Empty listpack inside stream');
  const int = (): number => {
    const v = r.nextInt();
    return typeof v === 'number' ? v : r.fail('Stream listpack integer out of range');
  };
  const live = int();
  const deleted = int();
  const nMaster = int();
  if (nMaster < 0 || nMaster > b.length) r.fail('Stream listpack: bad master field count');
  const master = new Array<string>(nMaster);
  for (let k = 0; k < nMaster; k++) master[k] = itemString(r.next());
  if (int() !== 0) r.fail('Stream listpack: master entry not terminated');

  let node: StreamNode | null = null;
  let prev: StreamId | null = null;
  let nLive = 0;
  let n = 0;
  while (!r.done) {
    const flags = int();
    const msD = r.nextInt();
    const seqD = r.nextInt();
    let nf = nMaster;
    let fv: string[];
    if ((flags & F_SAMEFIELDS) === 0) {
      nf = int();
      if (nf < 0 || nf > b.length) r.fail('Stream listpack: bad field count');
      fv = new Array<string>(nf * 2);
      for (let k = 0; k < nf * 2; k++) fv[k] = itemString(r.next());
    } else {
      fv = new Array<string>(nf * 2);
      for (let k = 0; k < nf; k++) {
        fv[2 * k] = master[k];
        fv[2 * k + 1] = itemString(r.next());
      }
    }
    const lpCount = r.nextInt();
    if (deep && lpCount !== ((flags & F_SAMEFIELDS) === 0 ? nf * 2 + 4 : nf + 3)) r.fail('Stream listpack: lp-count mismatch');
    const [msHi, msLo] = addDelta(key.msHi, key.msLo, msD);
    const [seqHi, seqLo] = addDelta(key.seqHi, key.seqLo, seqD);
    const id = new StreamId(msHi, msLo, seqHi, seqLo);
    if (prev !== null && compareIds(prev, id) >= 0) r.fail('Stream listpack: entry IDs not ascending');
    prev = id;
    if (node === null) {
      // the first entry's fields are the node's master fields (as Redis makes them)
      const same = (flags & F_SAMEFIELDS) !== 0 || sameFields(master, fv);
      const mf = same ? master : fv.filter((_, k) => (k & 1) === 0);
      // room for the entries the master counts announce (the node grows past it if they lie)
      node = new StreamNode(Math.max(1, Math.min(live + deleted, 512, Math.floor(65536 / (mf.length + 1)))), mf);
    }
    node.push(id, fv, 0, fv.length);
    if ((flags & F_DELETED) !== 0) node.markDeleted(n);
    else nLive++;
    n++;
  }
  r.finish();
  if (node === null) return r.fail('Stream listpack without entries');
  if (deep && (nLive !== live || n - nLive !== deleted)) r.fail('Stream listpack: master counts mismatch');
  return node;
}

function sameFields(master: string[], fv: string[]): boolean {
  if (fv.length !== master.length * 2) return false;
  for (let k = 0; k < master.length; k++) if (fv[2 * k] !== master[k]) return false;
  return true;
}

/** rdbLoadObject of a stream (types 15, 19, 21; type byte already read). */
export function readStream(inp: RdbIn, type: number, deep: boolean): Stream {
  const s = new Stream();
  const nNodes = inp.length();
  const nodes: StreamNode[] = [];
  const keys = new Set<string>();
  for (let i = 0; i < nNodes; i++) {
    const keyAt = inp.pos;
    const kb = inp.stringBytes();
    if (kb.length !== 16) inp.fail('Stream node key entry is not the size of a stream ID', keyAt);
    const key = idAt(kb, 0);
    const k = idKey(key);
    if (keys.has(k)) inp.fail('Listpack re-added with existing key', keyAt);
    keys.add(k);
    const lpAt = inp.pos;
    nodes.push(readNode(key, inp.stringBytes(), deep, lpAt));
  }
  // the rax orders nodes by key; entries must ascend across nodes too
  nodes.sort((a, b) => compareIds(a.idAt(0), b.idAt(0)));
  let live = 0;
  for (let i = 0; i < nodes.length; i++) {
    if (i > 0 && compareIds(nodes[i - 1].idAt(nodes[i - 1].n - 1), nodes[i].idAt(0)) >= 0) {
      inp.fail('Stream nodes overlap');
    }
    if (i < nodes.length - 1) nodes[i].seal();
    live += nodes[i].live;
  }
  s.adoptNodes(nodes);
  const metaAt = inp.pos;
  const length = inp.lengthU64();
  s.lastId = readIdLengths(inp);
  if (length !== BigInt(live)) inp.fail('Stream length inconsistent with its entries', metaAt);
  s.length = live;
  if (nodes.length !== 0) {
    const last = nodes[nodes.length - 1];
    if (compareIds(last.idAt(last.n - 1), s.lastId) > 0) inp.fail('Stream last ID below its last entry', metaAt);
  }
  const firstLive = s.firstEntry();
  if (type === RdbType.STREAM_LISTPACKS) {
    // Redis 5-6: no counters; derive them as 7.0 does on load
    s.firstId = firstLive === null ? MAX_ID : firstLive.id;
    s.maxDeletedId = ZERO_ID;
    s.setEntriesAdded(live);
  } else {
    s.firstId = readIdLengths(inp);
    s.maxDeletedId = readIdLengths(inp);
    const added = inp.lengthU64();
    s.setEntriesAdded(added <= MAX_SAFE ? Number(added) : added);
  }
  readGroups(inp, s, type);
  return s;
}

function readGroups(inp: RdbIn, s: Stream, type: number): void {
  const nGroups = inp.length();
  if (nGroups === 0) return;
  const groups = new Map<string, ConsumerGroup>();
  for (let gi = 0; gi < nGroups; gi++) {
    const at = inp.pos;
    const name = inp.string();
    const lastId = readIdLengths(inp);
    const entriesRead = type === RdbType.STREAM_LISTPACKS ? estimateEntriesRead(s, lastId) : toCounter(inp.lengthU64());
    if (groups.has(name)) inp.fail(`Duplicated consumer group name ${name}`, at);
    const g = new ConsumerGroup(name, lastId, entriesRead);
    groups.set(name, g);
    const pelSize = inp.length();
    for (let i = 0; i < pelSize; i++) {
      const idAtPos = inp.pos;
      const id = idAt(inp.take(16), 0);
      const time = Number(inp.i64le());
      const count = toCounter(inp.lengthU64());
      if (!g.pel.insert(new Nack(idKey(id), id, null, time, count))) {
        inp.fail('Duplicated global PEL entry loading stream consumer group', idAtPos);
      }
    }
    const nConsumers = inp.length();
    for (let ci = 0; ci < nConsumers; ci++) {
      const cAt = inp.pos;
      const cname = inp.string();
      if (g.consumers.has(cname)) inp.fail('Duplicate stream consumer detected.', cAt);
      const seen = Number(inp.i64le());
      if (type === RdbType.STREAM_LISTPACKS_3) inp.i64le(); // active time (7.2)
      const c = new Consumer(cname, seen);
      g.consumers.set(cname, c);
      const n = inp.length();
      for (let i = 0; i < n; i++) {
        const idPos = inp.pos;
        const key = idKey(idAt(inp.take(16), 0));
        const nack = g.pel.get(key);
        if (nack === undefined) inp.fail('Consumer entry not found in group global PEL', idPos);
        if (nack.consumer !== null || !c.pel.insert(nack)) {
          inp.fail('Duplicated consumer PEL entry loading a stream consumer group', idPos);
        }
        nack.consumer = c;
      }
    }
    // every pending entry needs an owner (Redis checks this under deep
    // sanitization; a group here cannot hold an ownerless one)
    for (const nack of g.pel) if (nack.consumer === null) inp.fail('Stream CG PEL entry without consumer', at);
  }
  s.groups = groups;
}
