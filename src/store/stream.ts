/**
 * Stream values (t_stream.c's data side; no RESP here).
 *
 * Entries live in nodes laid out like Redis's listpack nodes, one per rax
 * key, so that node boundaries - and with them what approximate (`~`)
 * trimming removes and XINFO's radix-tree-keys - come out as in Redis:
 *  - a node holds at most stream-node-max-entries entries (live + deleted),
 *    and a new node starts when the current last node's modelled listpack
 *    size plus the new entry's field/value bytes reaches
 *    stream-node-max-bytes (the model counts the bytes of Redis's listpack
 *    encoding: master entry, per-entry flags, ID deltas, values, lp-count);
 *  - the first entry's fields are the node's "master fields": a later entry
 *    with exactly those fields stores only its values (SAMEFIELDS);
 *  - XDEL only flags an entry deleted; a node goes away when its last live
 *    entry does.
 * In a node, IDs (4 uint32 halves), flags and item offsets sit in one
 * Uint32Array and the strings in one flat array, so an entry costs no object
 * of its own. Nodes are kept in an array sorted by their first ID: finding
 * an ID is a binary search over nodes and then inside the node, so a range
 * of M entries costs O(log N + M).
 */
import { StoredObject } from './value';
import type { ConsumerGroup } from './stream-groups';
import { deepClone } from './dup';
import {
  StreamId,
  ZERO_ID,
  MAX_ID,
  compareIds,
  idFromNumbers,
  incrId,
  formatU64,
} from './stream-id';
import { toSafeInt, isInt64Str } from '../util/numbers';

/** stream-node-max-entries / stream-node-max-bytes (0 = no limit). */
export interface StreamLimits {
  maxEntries: number;
  maxBytes: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = { maxEntries: 100, maxBytes: 4096 };

/** STREAM_LISTPACK_MAX_SIZE: the byte limit used when the setting is 0 or larger. */
const LISTPACK_MAX_SIZE = 1 << 30;

const F_DELETED = 1;
const F_SAMEFIELDS = 2;

const TWO32 = 4294967296;

/** One entry, as handed out by the convenience readers. */
export interface StreamEntry {
  id: StreamId;
  /** [field1, value1, field2, value2, ...] */
  fields: string[];
}

/** The trimming request of XADD / XTRIM. */
export interface TrimSpec {
  /** 'maxlen': keep at most `maxlen` entries; 'minid': drop entries below `minid`. */
  strategy: 'maxlen' | 'minid';
  maxlen: number;
  minid: StreamId;
  /** `~`: remove whole nodes only. */
  approx: boolean;
  /** Most entries to remove (0 = no limit). */
  limit: number;
}

// ---- listpack size model ----------------------------------------------------

/** Bytes of an integer element (encoding + backlen). */
function intBytes(v: number): number {
  if (v >= 0 && v <= 127) return 2;
  if (v >= -4096 && v <= 4095) return 3;
  if (v >= -32768 && v <= 32767) return 4;
  if (v >= -8388608 && v <= 8388607) return 5;
  if (v >= -2147483648 && v <= 2147483647) return 6;
  return 10;
}

/** Bytes of a string element: stored as an integer when it reads as one. */
function strBytes(s: string): number {
  const len = s.length;
  if (len !== 0 && len <= 20) {
    const c = s.charCodeAt(0);
    if ((c >= 48 && c <= 57) || c === 45) {
      const v = toSafeInt(s);
      if (v !== null) return intBytes(v);
      if (isInt64Str(s)) return 10;
    }
  }
  const l = len + (len < 64 ? 1 : len < 4096 ? 2 : 5);
  return l + (l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5);
}

/** (a - b) mod 2^64 read as int64, for two uint64 halves pairs; exact when small. */
function deltaInt64(aHi: number, aLo: number, bHi: number, bLo: number): number {
  const hi = aHi - bHi;
  if (hi > -1048576 && hi < 1048576) return hi * TWO32 + (aLo - bLo);
  let d = ((BigInt(aHi) << 32n) | BigInt(aLo)) - ((BigInt(bHi) << 32n) | BigInt(bLo));
  d = BigInt.asIntN(64, d);
  return Number(d);
}

// ---- nodes ------------------------------------------------------------------

/** Per-entry slots in StreamNode.meta: ID halves, first item index, flags. */
const STRIDE = 6;
const START = 4;
const FLAGS = 5;

/** One listpack node's worth of entries. */
class StreamNode {
  /**
   * STRIDE uint32 per entry: ms hi, ms lo, seq hi, seq lo, index in `items`
   * of its first string, flags. Entry 0's ID is the master ID. One typed
   * array per node, sized for a full node up front: typed arrays are costly
   * to allocate, growing them more so.
   */
  meta: Uint32Array;
  /** SAMEFIELDS entries: their values; others: field, value, field, value... */
  items: string[];
  /** Strings used in `items`. */
  nItems = 0;
  /** Entries, deleted ones included. */
  n = 0;
  /** Live entries. */
  live = 0;
  /** Modelled listpack bytes of everything but the master entry's counters. */
  private restBytes: number;

  constructor(
    cap: number,
    readonly master: string[],
  ) {
    this.meta = new Uint32Array(cap * STRIDE);
    this.items = new Array<string>(cap * Math.max(1, master.length));
    // listpack header (6) + end (1) + num-fields + fields + master terminator (0)
    let b = 7 + intBytes(master.length) + 2;
    for (let i = 0; i < master.length; i++) b += strBytes(master[i]);
    this.restBytes = b;
  }

  /** Modelled lpBytes() of the node. */
  get bytes(): number {
    return this.restBytes + intBytes(this.live) + intBytes(this.n - this.live);
  }

  start(i: number): number {
    return this.meta[i * STRIDE + START];
  }

  end(i: number): number {
    return i + 1 < this.n ? this.meta[(i + 1) * STRIDE + START] : this.nItems;
  }

  flagsOf(i: number): number {
    return this.meta[i * STRIDE + FLAGS];
  }

  /** Compare entry i's ID with id. */
  cmp(i: number, id: StreamId): number {
    const m = this.meta;
    const o = i * STRIDE;
    let a = m[o];
    let b = id.msHi;
    if (a === b) {
      a = m[o + 1];
      b = id.msLo;
      if (a === b) {
        a = m[o + 2];
        b = id.seqHi;
        if (a === b) {
          a = m[o + 3];
          b = id.seqLo;
        }
      }
    }
    return a < b ? -1 : a > b ? 1 : 0;
  }

  idAt(i: number): StreamId {
    const o = i * STRIDE;
    const m = this.meta;
    return new StreamId(m[o], m[o + 1], m[o + 2], m[o + 3]);
  }

  /** First entry index whose ID is >= id (n when none). */
  lowerBound(id: StreamId): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cmp(mid, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Whether entry fields given as fv[from, to) are the master fields. */
  sameFields(fv: readonly string[], from: number, to: number): boolean {
    const m = this.master;
    if ((to - from) >> 1 !== m.length) return false;
    for (let i = 0, j = from; i < m.length; i++, j += 2) if (m[i] !== fv[j]) return false;
    return true;
  }

  /** Append an entry (the caller checked capacity rules and ID order). */
  push(id: StreamId, fv: readonly string[], from: number, to: number): void {
    const i = this.n;
    if ((i + 1) * STRIDE > this.meta.length) this.grow();
    const m = this.meta;
    const o = i * STRIDE;
    m[o] = id.msHi;
    m[o + 1] = id.msLo;
    m[o + 2] = id.seqHi;
    m[o + 3] = id.seqLo;
    const items = this.items;
    let k = this.nItems;
    m[o + START] = k;
    const nf = (to - from) >> 1;
    // entry bytes: flags + ms-diff + seq-diff + lp-count
    let b =
      2 +
      intBytes(deltaInt64(id.msHi, id.msLo, m[0], m[1])) +
      intBytes(deltaInt64(id.seqHi, id.seqLo, m[2], m[3]));
    if (i === 0 || this.sameFields(fv, from, to)) {
      m[o + FLAGS] = F_SAMEFIELDS;
      for (let j = from + 1; j < to; j += 2) {
        items[k++] = fv[j];
        b += strBytes(fv[j]);
      }
      b += intBytes(nf + 3);
    } else {
      m[o + FLAGS] = 0;
      b += intBytes(nf);
      for (let j = from; j < to; j++) {
        items[k++] = fv[j];
        b += strBytes(fv[j]);
      }
      b += intBytes(nf * 2 + 4);
    }
    this.nItems = k;
    this.restBytes += b;
    this.n++;
    this.live++;
  }

  private grow(): void {
    const meta = new Uint32Array(Math.max(8 * STRIDE, this.meta.length * 2));
    meta.set(this.meta);
    this.meta = meta;
  }

  isDeleted(i: number): boolean {
    return (this.meta[i * STRIDE + FLAGS] & F_DELETED) !== 0;
  }

  /** Field count of entry i. */
  fieldCount(i: number): number {
    const span = this.end(i) - this.start(i);
    return (this.flagsOf(i) & F_SAMEFIELDS) !== 0 ? span : span >> 1;
  }

  field(i: number, k: number): string {
    return (this.flagsOf(i) & F_SAMEFIELDS) !== 0 ? this.master[k] : this.items[this.start(i) + 2 * k];
  }

  value(i: number, k: number): string {
    return (this.flagsOf(i) & F_SAMEFIELDS) !== 0 ? this.items[this.start(i) + k] : this.items[this.start(i) + 2 * k + 1];
  }

  /** Entry i's [f, v, f, v...]. */
  fields(i: number): string[] {
    const nf = this.fieldCount(i);
    const out = new Array<string>(nf * 2);
    for (let k = 0; k < nf; k++) {
      out[2 * k] = this.field(i, k);
      out[2 * k + 1] = this.value(i, k);
    }
    return out;
  }

  /** Flag entry i deleted (it must be live). */
  markDeleted(i: number): void {
    this.meta[i * STRIDE + FLAGS] |= F_DELETED;
    this.live--;
  }

  clone(): StreamNode {
    const c = Object.create(StreamNode.prototype) as StreamNode;
    Object.assign(c, this);
    c.meta = this.meta.slice();
    c.items = this.items.slice();
    return c;
  }
}

// ---- the stream -------------------------------------------------------------

export class Stream extends StoredObject {
  /** Nodes in ID order (Redis's rax keys). */
  private nodes: StreamNode[] = [];
  /** Live entries. */
  length = 0;
  /** The last ID ever generated or set (XADD, XSETID); 0-0 when none. */
  lastId: StreamId = ZERO_ID;
  /** ID of the first live entry; 0-0 when empty. */
  firstId: StreamId = ZERO_ID;
  /** The largest ID deleted by XDEL (or set by XSETID MAXDELETEDID); 0-0 when none. */
  maxDeletedId: StreamId = ZERO_ID;
  /**
   * Entries ever added (XADD), or as set by XSETID ENTRIESADDED. Exact up to
   * 2^53; past that see entriesAddedExact() (setEntriesAdded() keeps both).
   */
  entriesAdded = 0;
  /** The exact uint64 counter once it left the safe-integer range, else null. */
  private bigAdded: bigint | null = null;
  /** Consumer groups by name; null until the first XGROUP CREATE. */
  groups: Map<string, ConsumerGroup> | null = null;

  get type(): 'stream' {
    return 'stream';
  }

  encoding(): string {
    return 'stream';
  }

  // ---- sizes (XINFO STREAM) ----

  /** Listpack nodes: XINFO STREAM's radix-tree-keys. */
  get nodeCount(): number {
    return this.nodes.length;
  }

  /**
   * An estimate of XINFO STREAM's radix-tree-nodes (rax->numnodes): the
   * exact figure depends on rax's node splitting history; this counts the
   * nodes of a compressed trie over the 16-byte big-endian node keys
   * (a root, one node per branching point and per key).
   */
  radixTreeNodes(): number {
    return raxNodeEstimate(this.nodes);
  }

  // ---- reading ----

  /** The fields [f, v, ...] of the live entry `id`, or null. */
  get(id: StreamId): string[] | null {
    const pos = this.find(id);
    if (pos === null) return null;
    return this.nodes[pos[0]].fields(pos[1]);
  }

  /** Whether a live entry has this ID. */
  has(id: StreamId): boolean {
    return this.find(id) !== null;
  }

  /** The first live entry, or null when empty. */
  firstEntry(): StreamEntry | null {
    const it = this.iterate(ZERO_ID, MAX_ID, false);
    return it.next() ? it.entry() : null;
  }

  /**
   * streamGetEdgeID(first, with tombstones): the ID of the first entry still
   * stored, deleted or not; MAX_ID when there is none (what Redis writes as
   * the MINID of a propagated approximate trim).
   */
  firstStoredId(): StreamId {
    return this.nodes.length === 0 ? MAX_ID : this.nodes[0].idAt(0);
  }

  /** The last live entry's ID (streamLastValidID), or null when empty. */
  lastValidId(): StreamId | null {
    const it = this.iterate(ZERO_ID, MAX_ID, true);
    return it.next() ? it.id() : null;
  }

  /** The last live entry, or null when empty. */
  lastEntry(): StreamEntry | null {
    const it = this.iterate(ZERO_ID, MAX_ID, true);
    return it.next() ? it.entry() : null;
  }

  /**
   * Live entries with start <= ID <= end, ascending (or descending with
   * `rev`), at most `count` of them (0 = all).
   */
  range(start: StreamId, end: StreamId, count = 0, rev = false): StreamEntry[] {
    const out: StreamEntry[] = [];
    const it = this.iterate(start, end, rev);
    while ((count === 0 || out.length < count) && it.next()) out.push(it.entry());
    return out;
  }

  /**
   * A cursor over live entries with start <= ID <= end, ascending or
   * (rev) descending. Call next() before each entry; it allocates nothing
   * unless asked for the ID or the field array.
   */
  iterate(start: StreamId, end: StreamId, rev = false): StreamIterator {
    return new StreamIterator(this, start, end, rev);
  }

  /** @internal for StreamIterator */
  nodeList(): StreamNode[] {
    return this.nodes;
  }

  /** Index of the last node whose first ID is <= id, -1 when none. */
  nodeFor(id: StreamId): number {
    const nodes = this.nodes;
    let lo = 0;
    let hi = nodes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (nodes[mid].cmp(0, id) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** [node index, entry index] of the live entry `id`, or null. */
  private find(id: StreamId): [number, number] | null {
    const ni = this.nodeFor(id);
    if (ni < 0) return null;
    const node = this.nodes[ni];
    const i = node.lowerBound(id);
    if (i >= node.n || node.cmp(i, id) !== 0 || node.isDeleted(i)) return null;
    return [ni, i];
  }

  // ---- writing ----

  /**
   * The ID XADD `*` generates at `nowMs`: (now, 0) when now is past the last
   * ID's ms, else the last ID + 1; null when the last ID is the maximum.
   */
  nextAutoId(nowMs: number): StreamId | null {
    const last = this.lastId;
    const lastMs = last.msHi < 2097152 ? last.msHi * TWO32 + last.msLo : Infinity;
    if (nowMs > lastMs) return idFromNumbers(nowMs, 0);
    return incrId(last);
  }

  /**
   * The ID for XADD `ms-*`: seq 0 above the last ID's ms, last seq + 1 at
   * the same ms; null when that is not above the last ID.
   */
  nextSeqId(msHi: number, msLo: number): StreamId | null {
    const last = this.lastId;
    if (msHi === last.msHi && msLo === last.msLo) {
      if (last.seqHi === 0xffffffff && last.seqLo === 0xffffffff) return null;
      return incrId(last);
    }
    if (msHi > last.msHi || (msHi === last.msHi && msLo > last.msLo)) return new StreamId(msHi, msLo, 0, 0);
    return null;
  }

  /**
   * streamAppendItem(): add an entry whose fields are fv[from, to)
   * (field, value pairs). The caller checked that id > lastId. Updates
   * length, lastId, firstId and entriesAdded.
   */
  append(id: StreamId, fv: readonly string[], from: number, to: number, limits: StreamLimits): void {
    const nodes = this.nodes;
    let node = nodes.length === 0 ? null : nodes[nodes.length - 1];
    if (node !== null) {
      let maxBytes = limits.maxBytes;
      if (maxBytes === 0 || maxBytes > LISTPACK_MAX_SIZE) maxBytes = LISTPACK_MAX_SIZE;
      let elelen = 0;
      for (let j = from; j < to; j++) elelen += fv[j].length;
      if (node.bytes + elelen >= maxBytes) node = null;
      else if (limits.maxEntries !== 0 && node.n >= limits.maxEntries) node = null;
    }
    if (node === null) {
      const nf = (to - from) >> 1;
      const master = new Array<string>(nf);
      for (let k = 0; k < nf; k++) master[k] = fv[from + 2 * k];
      // a full node's room up front (Redis's default: 100 entries)
      const cap = limits.maxEntries !== 0 && limits.maxEntries <= 512 ? limits.maxEntries : 64;
      node = new StreamNode(cap, master);
      nodes.push(node);
    }
    node.push(id, fv, from, to);
    if (this.length === 0) this.firstId = id;
    this.length++;
    this.lastId = id;
    this.entriesAdded++;
    if (this.bigAdded !== null) this.bigAdded = BigInt.asUintN(64, this.bigAdded + 1n);
  }

  /** XSETID ENTRIESADDED (0 <= n <= 2^63 - 1). */
  setEntriesAdded(n: number | bigint): void {
    if (typeof n === 'bigint' || n > Number.MAX_SAFE_INTEGER) {
      this.bigAdded = BigInt(n);
      this.entriesAdded = Number(n);
    } else {
      this.bigAdded = null;
      this.entriesAdded = n;
    }
  }

  /**
   * entries-added as Redis prints it (the uint64 counter read as a signed
   * long long), exact even past 2^53.
   */
  entriesAddedExact(): number | bigint {
    return this.bigAdded === null ? this.entriesAdded : BigInt.asIntN(64, this.bigAdded);
  }

  /**
   * XDEL one ID: true when a live entry was deleted. Updates length,
   * firstId and maxDeletedId (as XDEL does).
   */
  delete(id: StreamId): boolean {
    const pos = this.find(id);
    if (pos === null) return false;
    const [ni, i] = pos;
    const node = this.nodes[ni];
    const wasFirst = ni === 0 && this.isFirstLive(node, i);
    if (node.live === 1) this.nodes.splice(ni, 1);
    else node.markDeleted(i);
    this.length--;
    if (compareIds(id, this.maxDeletedId) > 0) this.maxDeletedId = id;
    if (this.length === 0) this.firstId = ZERO_ID;
    else if (wasFirst) this.refreshFirstId();
    return true;
  }

  private isFirstLive(node: StreamNode, i: number): boolean {
    for (let k = 0; k < i; k++) if (!node.isDeleted(k)) return false;
    return true;
  }

  private refreshFirstId(): void {
    const it = this.iterate(ZERO_ID, MAX_ID, false);
    this.firstId = it.next() ? it.id() : ZERO_ID;
  }

  /**
   * streamTrim(): remove entries from the head per `spec`; returns how many.
   * With `approx`, only whole nodes go; otherwise the first node that cannot
   * go whole is trimmed entry by entry. Does not touch maxDeletedId.
   */
  trim(spec: TrimSpec): number {
    const nodes = this.nodes;
    let removedNodes = 0;
    let deleted = 0;
    const limit = spec.limit;
    const byLen = spec.strategy === 'maxlen';
    for (let ni = 0; ni < nodes.length; ni++) {
      if (byLen && this.length <= spec.maxlen) break;
      const node = nodes[ni];
      const entries = node.live;
      if (limit !== 0 && deleted + entries > limit) break;
      const whole = byLen
        ? this.length - entries >= spec.maxlen
        : node.cmp(node.n - 1, spec.minid) < 0;
      if (whole) {
        removedNodes++;
        this.length -= entries;
        deleted += entries;
        continue;
      }
      if (spec.approx) break;
      for (let i = 0; i < node.n; i++) {
        if (node.isDeleted(i)) continue;
        if (byLen) {
          if (this.length <= spec.maxlen) break;
        } else if (node.cmp(i, spec.minid) >= 0) break;
        node.markDeleted(i);
        this.length--;
        deleted++;
      }
      break;
    }
    if (removedNodes !== 0) nodes.splice(0, removedNodes);
    if (deleted !== 0) {
      if (this.length === 0) this.firstId = ZERO_ID;
      else this.refreshFirstId();
    }
    return deleted;
  }

  /** COPY: an independent copy, groups included. */
  dup(): Stream {
    const s = new Stream();
    s.nodes = this.nodes.map((n) => n.clone());
    s.length = this.length;
    s.lastId = this.lastId;
    s.firstId = this.firstId;
    s.maxDeletedId = this.maxDeletedId;
    s.entriesAdded = this.entriesAdded;
    s.bigAdded = this.bigAdded;
    if (this.groups !== null) {
      s.groups = new Map();
      for (const [name, g] of this.groups) {
        const gd = (g as unknown as { dup?: () => ConsumerGroup }).dup;
        s.groups.set(name, typeof gd === 'function' ? gd.call(g) : (deepClone(g) as ConsumerGroup));
      }
    }
    return s;
  }
}

/**
 * rax->numnodes for the nodes' 16-byte big-endian keys, in the shape rax
 * gives a set of equal-length keys: the root holds the common prefix; a
 * branching point is one node holding each child edge's first byte; the
 * rest of an edge (when any) is one more node; each key end is a node.
 */
function raxNodeEstimate(nodes: StreamNode[]): number {
  const n = nodes.length;
  if (n === 0) return 1;
  if (n === 1) return 2;
  const top = firstDiffByte(nodes[0], nodes[n - 1]);
  return 1 + (top > 0 ? 1 : 0) + raxBelow(nodes, 0, n, top);
}

/** Nodes under the branching point at depth `d` shared by nodes[lo, hi). */
function raxBelow(nodes: StreamNode[], lo: number, hi: number, d: number): number {
  let total = 0;
  let i = lo;
  while (i < hi) {
    // the run of keys with the same byte at depth d is one child
    const b = keyByte(nodes[i], d);
    let j = i + 1;
    while (j < hi && keyByte(nodes[j], d) === b) j++;
    const childDepth = j - i === 1 ? 16 : firstDiffByte(nodes[i], nodes[j - 1]);
    total += 1 + (childDepth - d >= 2 ? 1 : 0);
    if (j - i > 1) total += raxBelow(nodes, i, j, childDepth);
    i = j;
  }
  return total;
}

function keyByte(node: StreamNode, d: number): number {
  return (node.meta[d >> 2] >>> (8 * (3 - (d & 3)))) & 255;
}

function firstDiffByte(a: StreamNode, b: StreamNode): number {
  for (let w = 0; w < 4; w++) {
    const x = a.meta[w] ^ b.meta[w];
    if (x !== 0) return w * 4 + (Math.clz32(x) >> 3);
  }
  return 16;
}

/**
 * A cursor over a stream's live entries in an ID range. Positioned on an
 * entry after next() returned true. The stream must not change while a
 * cursor is in use.
 */
export class StreamIterator {
  private readonly nodes: StreamNode[];
  private ni: number;
  private i: number;
  private node: StreamNode | null = null;
  private done = false;

  constructor(
    stream: Stream,
    private readonly start: StreamId,
    private readonly end: StreamId,
    private readonly rev: boolean,
  ) {
    this.nodes = stream.nodeList();
    if (compareIds(start, end) > 0) {
      this.done = true;
      this.ni = 0;
      this.i = 0;
      return;
    }
    if (!rev) {
      this.ni = Math.max(0, stream.nodeFor(start));
      const node = this.nodes[this.ni];
      this.i = node === undefined ? 0 : node.lowerBound(start) - 1;
    } else {
      this.ni = stream.nodeFor(end);
      if (this.ni < 0) {
        this.done = true;
        this.i = 0;
        return;
      }
      const node = this.nodes[this.ni];
      // one past the last entry <= end
      let j = node.lowerBound(end);
      if (j < node.n && node.cmp(j, end) === 0) j++;
      this.i = j;
    }
  }

  /** Advance to the next live entry in range; false when there is none. */
  next(): boolean {
    if (this.done) return false;
    const nodes = this.nodes;
    if (!this.rev) {
      for (;;) {
        const node = nodes[this.ni];
        if (node === undefined) break;
        this.i++;
        if (this.i >= node.n) {
          this.ni++;
          this.i = -1;
          continue;
        }
        if (node.cmp(this.i, this.end) > 0) break;
        if (node.isDeleted(this.i)) continue;
        this.node = node;
        return true;
      }
    } else {
      for (;;) {
        const node = nodes[this.ni];
        if (node === undefined) break;
        this.i--;
        if (this.i < 0) {
          this.ni--;
          const prev = nodes[this.ni];
          if (prev === undefined) break;
          this.i = prev.n;
          continue;
        }
        if (node.cmp(this.i, this.start) < 0) break;
        if (node.isDeleted(this.i)) continue;
        this.node = node;
        return true;
      }
    }
    this.done = true;
    this.node = null;
    return false;
  }

  /** The current entry's ID. */
  id(): StreamId {
    return this.node!.idAt(this.i);
  }

  /** The current entry's ID as `ms-seq`. */
  idString(): string {
    const ids = this.node!.meta;
    const o = this.i * STRIDE;
    return formatU64(ids[o], ids[o + 1]) + '-' + formatU64(ids[o + 2], ids[o + 3]);
  }

  /** Number of field/value pairs of the current entry. */
  fieldCount(): number {
    return this.node!.fieldCount(this.i);
  }

  field(k: number): string {
    return this.node!.field(this.i, k);
  }

  value(k: number): string {
    return this.node!.value(this.i, k);
  }

  /** The current entry's [f, v, f, v...]. */
  fields(): string[] {
    return this.node!.fields(this.i);
  }

  entry(): StreamEntry {
    return { id: this.id(), fields: this.fields() };
  }
}
