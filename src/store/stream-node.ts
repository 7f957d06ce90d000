/**
 * The node of a stream (store/stream.ts): one listpack's worth of entries,
 * with the byte-size model of Redis's listpack encoding that decides where
 * nodes end, and the rax shape of the node keys (XINFO's radix-tree-nodes).
 */
import { StreamId, compareIds, formatU64 } from './stream-id';
import { toSafeInt, isInt64Str } from '../util/numbers';

const TWO32 = 4294967296;

export const F_DELETED = 1;
export const F_SAMEFIELDS = 2;
/** The entry's ID does not fit the compact form: it is in `wide`. */
const F_WIDE = 4;

// ---- listpack size model ----------------------------------------------------

/** Bytes of an integer element (encoding + backlen). */
export function intBytes(v: number): number {
  if (v >= 0 && v <= 127) return 2;
  if (v >= -4096 && v <= 4095) return 3;
  if (v >= -32768 && v <= 32767) return 4;
  if (v >= -8388608 && v <= 8388607) return 5;
  if (v >= -2147483648 && v <= 2147483647) return 6;
  return 10;
}

/** Bytes of a string element: stored as an integer when it reads as one. */
export function strBytes(s: string): number {
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

/** Per-entry slots in StreamNode.meta: ms - master ms, seq, first item index. */
const STRIDE = 3;
const SEQ = 1;
const START = 2;

/** One listpack node's worth of entries. */
export class StreamNode {
  /**
   * STRIDE uint32 per entry: its ms minus the master entry's ms, its seq,
   * and the index of its first item: 12 bytes instead of a full 16-byte ID
   * plus slots, like the listpack's ID deltas. An entry whose ms is 2^32 or
   * more past the master's, or whose seq needs more than 32 bits, is
   * flagged F_WIDE and its ID kept in `wide`. Sized for a full node up
   * front: typed arrays are costly to allocate, growing them more so.
   */
  private meta: Uint32Array;
  /** F_DELETED | F_SAMEFIELDS | F_WIDE per entry. */
  private flags: Uint8Array;
  private wide: Map<number, StreamId> | null = null;
  /** The master entry's (entry 0's) ID halves: the node's key. */
  private mHi = 0;
  private mLo = 0;
  private sHi = 0;
  private sLo = 0;
  /**
   * The entries' strings, packed as bytes (latin1) one after another: item
   * k is data[offs[k], offs[k + 1]). SAMEFIELDS entries keep their values,
   * others field, value, field, value... Bytes instead of JS strings: a
   * short string costs 16-24 bytes of heap plus its pointer, a packed one
   * its length plus a 4-byte offset.
   */
  private data: Uint8Array;
  private offs: Uint32Array;
  /** Items stored. */
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
    this.flags = new Uint8Array(cap);
    this.offs = new Uint32Array(cap * Math.max(1, master.length) + 1);
    this.data = new Uint8Array(64);
    // listpack header (6) + end (1) + num-fields + fields + master terminator (0)
    let b = 7 + intBytes(master.length) + 2;
    for (let i = 0; i < master.length; i++) b += strBytes(master[i]);
    this.restBytes = b;
  }

  /**
   * Memory estimates: `cost` applied to the byte length of each of the
   * node's four typed arrays, summed.
   */
  arrayCost(cost: (byteLength: number) => number): number {
    return cost(this.meta.byteLength) + cost(this.flags.byteLength) + cost(this.offs.byteLength) + cost(this.data.byteLength);
  }

  /** Entries whose ID is kept whole in `wide` (memory estimates). */
  get wideCount(): number {
    return this.wide === null ? 0 : this.wide.size;
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
    return this.flags[i];
  }

  /** Compare entry i's ID with id. */
  cmp(i: number, id: StreamId): number {
    if ((this.flags[i] & F_WIDE) !== 0) return compareIds(this.wide!.get(i)!, id);
    const m = this.meta;
    const o = i * STRIDE;
    let lo = this.mLo + m[o];
    let hi = this.mHi;
    if (lo >= TWO32) {
      lo -= TWO32;
      hi++;
    }
    let a = hi;
    let b = id.msHi;
    if (a === b) {
      a = lo;
      b = id.msLo;
      if (a === b) {
        a = 0;
        b = id.seqHi;
        if (a === b) {
          a = m[o + SEQ];
          b = id.seqLo;
        }
      }
    }
    return a < b ? -1 : a > b ? 1 : 0;
  }

  idAt(i: number): StreamId {
    if ((this.flags[i] & F_WIDE) !== 0) return this.wide!.get(i)!;
    const o = i * STRIDE;
    let lo = this.mLo + this.meta[o];
    let hi = this.mHi;
    if (lo >= TWO32) {
      lo -= TWO32;
      hi++;
    }
    return new StreamId(hi, lo, 0, this.meta[o + SEQ]);
  }

  /** Entry i's ID as `ms-seq`. */
  idString(i: number): string {
    const id = this.idAt(i);
    return formatU64(id.msHi, id.msLo) + '-' + formatU64(id.seqHi, id.seqLo);
  }

  /** Word w (0-3) of the node key, the master ID as four big-endian uint32. */
  keyWord(w: number): number {
    return w === 0 ? this.mHi : w === 1 ? this.mLo : w === 2 ? this.sHi : this.sLo;
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
    if (i === 0) {
      this.mHi = id.msHi;
      this.mLo = id.msLo;
      this.sHi = id.seqHi;
      this.sLo = id.seqLo;
    }
    // IDs only grow, so the ms delta is never negative
    const hiDelta = id.msHi - this.mHi;
    const delta = hiDelta === 0 ? id.msLo - this.mLo : hiDelta === 1 ? id.msLo + TWO32 - this.mLo : TWO32;
    let f = 0;
    if (delta < TWO32 && id.seqHi === 0) {
      m[o] = delta;
      m[o + SEQ] = id.seqLo;
    } else {
      f = F_WIDE;
      (this.wide ??= new Map()).set(i, id);
    }
    let k = this.nItems;
    m[o + START] = k;
    const nf = (to - from) >> 1;
    // entry bytes: flags + ms-diff + seq-diff + lp-count
    let b =
      2 +
      intBytes(deltaInt64(id.msHi, id.msLo, this.mHi, this.mLo)) +
      intBytes(deltaInt64(id.seqHi, id.seqLo, this.sHi, this.sLo));
    if (i === 0 || this.sameFields(fv, from, to)) {
      this.flags[i] = f | F_SAMEFIELDS;
      for (let j = from + 1; j < to; j += 2) {
        this.putItem(k++, fv[j]);
        b += strBytes(fv[j]);
      }
      b += intBytes(nf + 3);
    } else {
      this.flags[i] = f;
      b += intBytes(nf);
      for (let j = from; j < to; j++) {
        this.putItem(k++, fv[j]);
        b += strBytes(fv[j]);
      }
      b += intBytes(nf * 2 + 4);
    }
    this.nItems = k;
    this.restBytes += b;
    this.n++;
    this.live++;
  }

  /** Store item k (the next one) as bytes. */
  private putItem(k: number, str: string): void {
    if (k + 2 > this.offs.length) {
      const offs = new Uint32Array(this.offs.length * 2);
      offs.set(this.offs);
      this.offs = offs;
    }
    const at = this.offs[k];
    const len = str.length;
    let data = this.data;
    if (at + len > data.length) {
      data = new Uint8Array(Math.max(data.length * 2, at + len));
      data.set(this.data.subarray(0, at));
      this.data = data;
    }
    if (len < 32) {
      for (let i = 0; i < len; i++) data[at + i] = str.charCodeAt(i);
    } else {
      Buffer.from(data.buffer, data.byteOffset, data.byteLength).latin1Write(str, at, len);
    }
    this.offs[k + 1] = at + len;
  }

  /** Item k as a string. */
  private item(k: number): string {
    const from = this.offs[k];
    const to = this.offs[k + 1];
    const data = this.data;
    if (to - from < 16) {
      let out = '';
      for (let i = from; i < to; i++) out += String.fromCharCode(data[i]);
      return out;
    }
    return Buffer.from(data.buffer, data.byteOffset + from, to - from).latin1Slice(0, to - from);
  }

  /**
   * The node takes no more entries: give back the spare room of its
   * buffers (a node's final size is only known when it is closed).
   */
  seal(): void {
    const used = this.offs[this.nItems];
    if (this.data.length > used) this.data = this.data.slice(0, used);
    if (this.offs.length > this.nItems + 1) this.offs = this.offs.slice(0, this.nItems + 1);
    if (this.meta.length > this.n * STRIDE) this.meta = this.meta.slice(0, this.n * STRIDE);
    if (this.flags.length > this.n) this.flags = this.flags.slice(0, this.n);
  }

  private grow(): void {
    const n = Math.max(8, this.flags.length * 2);
    const meta = new Uint32Array(n * STRIDE);
    meta.set(this.meta);
    this.meta = meta;
    const flags = new Uint8Array(n);
    flags.set(this.flags);
    this.flags = flags;
  }

  isDeleted(i: number): boolean {
    return (this.flags[i] & F_DELETED) !== 0;
  }

  /** Field count of entry i. */
  fieldCount(i: number): number {
    const span = this.end(i) - this.start(i);
    return (this.flagsOf(i) & F_SAMEFIELDS) !== 0 ? span : span >> 1;
  }

  field(i: number, k: number): string {
    return (this.flagsOf(i) & F_SAMEFIELDS) !== 0 ? this.master[k] : this.item(this.start(i) + 2 * k);
  }

  value(i: number, k: number): string {
    return (this.flagsOf(i) & F_SAMEFIELDS) !== 0 ? this.item(this.start(i) + k) : this.item(this.start(i) + 2 * k + 1);
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
    this.flags[i] |= F_DELETED;
    this.live--;
  }

  clone(): StreamNode {
    const c = Object.create(StreamNode.prototype) as StreamNode;
    Object.assign(c, this);
    c.meta = this.meta.slice();
    c.flags = this.flags.slice();
    c.wide = this.wide === null ? null : new Map(this.wide);
    c.offs = this.offs.slice();
    c.data = this.data.slice();
    return c;
  }
}

/**
 * rax->numnodes for the nodes' 16-byte big-endian keys, in the shape rax
 * gives a set of equal-length keys: the root holds the common prefix; a
 * branching point is one node holding each child edge's first byte; the
 * rest of an edge (when any) is one more node; each key end is a node.
 */
export function raxNodeEstimate(nodes: StreamNode[]): number {
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
  return (node.keyWord(d >> 2) >>> (8 * (3 - (d & 3)))) & 255;
}

function firstDiffByte(a: StreamNode, b: StreamNode): number {
  for (let w = 0; w < 4; w++) {
    const x = a.keyWord(w) ^ b.keyWord(w);
    if (x !== 0) return w * 4 + (Math.clz32(x) >> 3);
  }
  return 16;
}
