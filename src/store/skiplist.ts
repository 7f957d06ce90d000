/**
 * The ordered half of a sorted set: a skiplist of (score, member) nodes in
 * ascending score order, members compared bytewise for equal scores, with a
 * span on every forward link so that ranks are found in O(log N) (the
 * structure of Redis's zskiplist, t_zset.c). Levels are random with p = 1/4,
 * at most 32, as in Redis. Members are latin1 JS strings, so JS string
 * comparison is memcmp order.
 *
 * Layout: nodes are records in one ArrayBuffer, seen as Float64Array and
 * Int32Array, so that a traversal step reads one cache line (the next
 * node's score and links are contiguous), like Redis's C nodes, instead of
 * the five or six objects a JS node with arrays would touch. A node id is
 * the record's offset in 8-byte units; 0 is the header, and 0 as a link
 * means "none". Record, in 8-byte units from id:
 *
 *   [0] score (f64)
 *   [1] member slot (i32, index into `eles`) | backward id (i32)
 *   [2] level (i32) | unused
 *   [3 + 2i] forward id at level i (i32) | span at level i (i32)
 *   [4 + 2i] score of that forward node (f64)
 *
 * Each link keeps a copy of its target's score, so a search compares
 * scores without touching the nodes it does not move to (one cache miss
 * per step instead of two); the copies are kept in step on every change.
 * Freed records go to a free list per level and are reused; member strings
 * live in a JS array (slots reused too). Ids stay valid until the node is
 * deleted; a node whose score changes keeps its id.
 */

export const SKIPLIST_MAXLEVEL = 32;

/** A score interval: min/max with exclusive flags ("(1.5"). */
export interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

/** Lex bound kinds: a string, or Redis's shared minstring ("-") / maxstring ("+"). */
export const LEX_STR = 0;
export const LEX_MIN = -1;
export const LEX_MAX = 1;

/** A lex interval: each bound is a string ("[a" "(a") or "-" / "+" (always exclusive). */
export interface LexRange {
  minKind: number;
  min: string;
  minex: boolean;
  maxKind: number;
  max: string;
  maxex: boolean;
}

export function valueGteMin(v: number, r: ScoreRange): boolean {
  return r.minex ? v > r.min : v >= r.min;
}

export function valueLteMax(v: number, r: ScoreRange): boolean {
  return r.maxex ? v < r.max : v <= r.max;
}

/** A range no value can be in: min > max, or min == max with an exclusive end. */
export function scoreRangeEmpty(r: ScoreRange): boolean {
  return r.min > r.max || (r.min === r.max && (r.minex || r.maxex));
}

/** sdscmplex() between two bounds (kind, string). */
function cmpBounds(ak: number, a: string, bk: number, b: string): number {
  if (ak !== LEX_STR && ak === bk) return 0;
  if (ak === LEX_MIN || bk === LEX_MAX) return -1;
  if (ak === LEX_MAX || bk === LEX_MIN) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** sdscmplex(value, bound) for a member value. */
function cmpValue(v: string, bk: number, b: string): number {
  if (bk === LEX_MAX) return -1;
  if (bk === LEX_MIN) return 1;
  return v < b ? -1 : v > b ? 1 : 0;
}

export function lexGteMin(v: string, r: LexRange): boolean {
  const c = cmpValue(v, r.minKind, r.min);
  return r.minex ? c > 0 : c >= 0;
}

export function lexLteMax(v: string, r: LexRange): boolean {
  const c = cmpValue(v, r.maxKind, r.max);
  return r.maxex ? c < 0 : c <= 0;
}

/** A lex range no member can be in. */
export function lexRangeEmpty(r: LexRange): boolean {
  const c = cmpBounds(r.minKind, r.min, r.maxKind, r.max);
  return c > 0 || (c === 0 && (r.minex || r.maxex));
}

/** A random level in [1, 32], P(level > k) = 4^-k, two random bits per level. */
export function randomLevel(): number {
  let level = 1;
  for (;;) {
    let bits = (Math.random() * 0x100000000) >>> 0;
    for (let k = 0; k < 16; k++) {
      if ((bits & 3) !== 0) return level;
      if (++level === SKIPLIST_MAXLEVEL) return level;
      bits >>>= 2;
    }
  }
}

// Int32 offsets inside a record (q = id * 2).
const I_SLOT = 2;
const I_BACK = 3;
const I_LEVEL = 4;
const I_LINKS = 6; // forward at I_LINKS + 4i, span at I_LINKS + 4i + 1
// Float64 offset of the forward score of link i: id + F_LINKS + 2i.
const F_LINKS = 4;

const HEADER_UNITS = 3 + 2 * SKIPLIST_MAXLEVEL;
/** Largest buffer, in 8-byte units (ids and id*2 must stay int32). */
const MAX_UNITS = 0x40000000;

// Scratch for the update path of insert/delete (no per-call allocation).
const UPDATE = new Int32Array(SKIPLIST_MAXLEVEL);
const RANK = new Float64Array(SKIPLIST_MAXLEVEL);

export class SkipList {
  private f64: Float64Array;
  private i32: Int32Array;
  /** First unused unit. */
  private top = HEADER_UNITS;
  /** Units held by live nodes and the header. */
  private live = HEADER_UNITS;
  /** Head of the free list of records of each level (0: none); next free in the score slot. */
  private readonly freeHead = new Int32Array(SKIPLIST_MAXLEVEL + 1);
  private eles: string[] = [];
  private freeSlots: number[] = [];
  /** Id of the last node (0 when empty). */
  tail = 0;
  length = 0;
  level = 1;

  constructor(units = 64) {
    const buf = new ArrayBuffer(Math.max(units, HEADER_UNITS + 8) * 8);
    this.f64 = new Float64Array(buf);
    this.i32 = new Int32Array(buf);
    this.i32[I_SLOT] = -1;
    this.i32[I_LEVEL] = SKIPLIST_MAXLEVEL;
  }

  // ---- node access ------------------------------------------------------------

  /** Id of the first node (0 when empty). */
  get first(): number {
    return this.i32[I_LINKS];
  }

  score(n: number): number {
    return this.f64[n];
  }

  ele(n: number): string {
    return this.eles[this.i32[(n << 1) + I_SLOT]];
  }

  /** The next node in order (0 at the end). */
  next(n: number): number {
    return this.i32[(n << 1) + I_LINKS];
  }

  /** The previous node in order (0 at the start). */
  prev(n: number): number {
    return this.i32[(n << 1) + I_BACK];
  }

  levelOf(n: number): number {
    return this.i32[(n << 1) + I_LEVEL];
  }

  /** Forward link of n at level i (0: none). */
  forward(n: number, i: number): number {
    return this.i32[(n << 1) + I_LINKS + 4 * i];
  }

  /** Span of n's forward link at level i (meaningful when the link exists). */
  span(n: number, i: number): number {
    return this.i32[(n << 1) + I_LINKS + 4 * i + 1];
  }

  /** Slots of the member array, reused ones included (for memory reports). */
  get memberSlots(): number {
    return this.eles.length;
  }

  /** Bytes held by the node buffer (for memory reports). */
  get bufferBytes(): number {
    return this.f64.byteLength;
  }

  /**
   * True when most of a large buffer is free (the list shrank a lot): the
   * owner may then rebuild it smaller (ZSet.compact()), which renumbers
   * the nodes.
   */
  get sparse(): boolean {
    return this.f64.length > 16384 && this.live * 8 < this.f64.length;
  }

  // ---- allocation -------------------------------------------------------------

  private grow(units: number): void {
    const cur = this.f64.length;
    let size = cur * 2;
    while (size < this.top + units) size *= 2;
    if (size > MAX_UNITS) {
      if (this.top + units > MAX_UNITS) throw new RangeError('skiplist: too many elements');
      size = MAX_UNITS;
    }
    const f64 = new Float64Array(size);
    f64.set(this.f64.subarray(0, this.top));
    this.f64 = f64;
    this.i32 = new Int32Array(f64.buffer);
  }

  /** A record of the given level holding ele (score and links unset). */
  private alloc(level: number, ele: string): number {
    let n = this.freeHead[level];
    if (n !== 0) {
      this.freeHead[level] = this.f64[n];
    } else {
      const units = 3 + 2 * level;
      if (this.top + units > this.f64.length) this.grow(units);
      n = this.top;
      this.top += units;
    }
    let slot: number;
    if (this.freeSlots.length !== 0) {
      slot = this.freeSlots.pop()!;
      this.eles[slot] = ele;
    } else {
      slot = this.eles.length;
      this.eles.push(ele);
    }
    const q = n << 1;
    this.i32[q + I_SLOT] = slot;
    this.i32[q + I_LEVEL] = level;
    this.live += 3 + 2 * level;
    return n;
  }

  private release(n: number): void {
    const q = n << 1;
    const slot = this.i32[q + I_SLOT];
    this.eles[slot] = '';
    this.freeSlots.push(slot);
    const level = this.i32[q + I_LEVEL];
    this.f64[n] = this.freeHead[level];
    this.freeHead[level] = n;
    this.live -= 3 + 2 * level;
  }

  // ---- insert / delete ----------------------------------------------------------

  /** Is node f, whose score is s, before (score, ele) in order? */
  private before(f: number, s: number, score: number, ele: string): boolean {
    return s < score || (s === score && this.eles[this.i32[(f << 1) + I_SLOT]] < ele);
  }

  /** Link the unlinked record n (its score and member set) at its place. */
  private link(n: number): void {
    const f64 = this.f64;
    const i32 = this.i32;
    const score = f64[n];
    const ele = this.eles[i32[(n << 1) + I_SLOT]];
    const level = i32[(n << 1) + I_LEVEL];
    const update = UPDATE;
    const rank = RANK;
    let x = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let r = i === this.level - 1 ? 0 : rank[i + 1];
      for (;;) {
        const l = (x << 1) + I_LINKS + 4 * i;
        const f = i32[l];
        if (f === 0 || !this.before(f, f64[x + F_LINKS + 2 * i], score, ele)) break;
        r += i32[l + 1];
        x = f;
      }
      rank[i] = r;
      update[i] = x;
    }
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rank[i] = 0;
        update[i] = 0;
        i32[I_LINKS + 4 * i + 1] = this.length;
      }
      this.level = level;
    }
    const r0 = rank[0];
    const q = n << 1;
    for (let i = 0; i < level; i++) {
      const u = update[i];
      const ul = (u << 1) + I_LINKS + 4 * i;
      const nl = q + I_LINKS + 4 * i;
      i32[nl] = i32[ul];
      i32[ul] = n;
      i32[nl + 1] = i32[ul + 1] - (r0 - rank[i]);
      i32[ul + 1] = r0 - rank[i] + 1;
      f64[n + F_LINKS + 2 * i] = f64[u + F_LINKS + 2 * i];
      f64[u + F_LINKS + 2 * i] = score;
    }
    for (let i = level; i < this.level; i++) i32[(update[i] << 1) + I_LINKS + 4 * i + 1]++;
    i32[q + I_BACK] = update[0];
    const after = i32[q + I_LINKS];
    if (after !== 0) i32[(after << 1) + I_BACK] = n;
    else this.tail = n;
    this.length++;
  }

  /** Insert (score, ele), which must not be present. Returns the new node's id. */
  insert(score: number, ele: string): number {
    const n = this.alloc(randomLevel(), ele);
    this.f64[n] = score;
    this.link(n);
    return n;
  }

  /** Unlink x given the update path (the last node before x at each level). */
  private unlink(x: number): void {
    const i32 = this.i32;
    const f64 = this.f64;
    const update = UPDATE;
    const q = x << 1;
    for (let i = 0; i < this.level; i++) {
      const u = update[i];
      const ul = (u << 1) + I_LINKS + 4 * i;
      if (i32[ul] === x) {
        const xl = q + I_LINKS + 4 * i;
        i32[ul + 1] += i32[xl + 1] - 1;
        i32[ul] = i32[xl];
        f64[u + F_LINKS + 2 * i] = f64[x + F_LINKS + 2 * i];
      } else {
        i32[ul + 1] -= 1;
      }
    }
    const after = i32[q + I_LINKS];
    if (after !== 0) i32[(after << 1) + I_BACK] = i32[q + I_BACK];
    else this.tail = i32[q + I_BACK];
    while (this.level > 1 && i32[I_LINKS + 4 * (this.level - 1)] === 0) this.level--;
    this.length--;
  }

  /** Fill UPDATE with the path to (score, ele); returns its node or 0. */
  private findPath(score: number, ele: string): number {
    const i32 = this.i32;
    const f64 = this.f64;
    let x = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (;;) {
        const f = i32[(x << 1) + I_LINKS + 4 * i];
        if (f === 0 || !this.before(f, f64[x + F_LINKS + 2 * i], score, ele)) break;
        x = f;
      }
      UPDATE[i] = x;
    }
    const n = i32[(x << 1) + I_LINKS];
    return n !== 0 && this.f64[n] === score && this.ele(n) === ele ? n : 0;
  }

  /** Delete the node (score, ele). Returns whether it was there. */
  delete(score: number, ele: string): boolean {
    const x = this.findPath(score, ele);
    if (x === 0) return false;
    this.unlink(x);
    this.release(x);
    return true;
  }

  /**
   * Change the score of the node (cur, ele), which must exist; the node
   * keeps its id (moved when its position changes). Returns the id.
   */
  updateScore(cur: number, ele: string, score: number): number {
    const x = this.findPath(cur, ele);
    if (x === 0) throw new Error('skiplist: updateScore of a missing element');
    const prev = this.prev(x);
    const next = this.next(x);
    if ((prev === 0 || this.f64[prev] < score) && (next === 0 || this.f64[next] > score)) {
      this.f64[x] = score;
      // the links pointing at x are those of the update path that do
      for (let i = this.levelOf(x) - 1; i >= 0; i--) this.f64[UPDATE[i] + F_LINKS + 2 * i] = score;
      return x;
    }
    this.unlink(x);
    this.f64[x] = score;
    this.link(x);
    return x;
  }

  // ---- ranks --------------------------------------------------------------------

  /**
   * 1-based rank of node n. The search compares scores only, and members
   * only between equal scores; it ends on reaching n by id, so the usual
   * final member comparison (a cache miss per level at large sizes) is
   * never made.
   */
  rankOf(n: number): number {
    const i32 = this.i32;
    const f64 = this.f64;
    const eles = this.eles;
    const score = f64[n];
    let rank = 0;
    let x = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (;;) {
        const l = (x << 1) + I_LINKS + 4 * i;
        const f = i32[l];
        if (f === 0) break;
        const s = f64[x + F_LINKS + 2 * i];
        if (s > score) break;
        if (s === score && f !== n && eles[i32[(f << 1) + I_SLOT]] > eles[i32[(n << 1) + I_SLOT]]) break;
        rank += i32[l + 1];
        x = f;
        if (x === n) return rank;
      }
    }
    return 0;
  }

  /** The node at a 1-based rank, or 0 when out of range. */
  byRank(rank: number): number {
    if (rank < 1 || rank > this.length) return 0;
    const i32 = this.i32;
    let traversed = 0;
    let x = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (;;) {
        const l = (x << 1) + I_LINKS + 4 * i;
        const f = i32[l];
        if (f === 0 || traversed + i32[l + 1] > rank) break;
        traversed += i32[l + 1];
        x = f;
      }
      if (traversed === rank) return x;
    }
    return 0;
  }

  // ---- score ranges ---------------------------------------------------------------

  /** Is some part of the list in the range? */
  isInRange(r: ScoreRange): boolean {
    if (scoreRangeEmpty(r)) return false;
    if (this.tail === 0 || !valueGteMin(this.f64[this.tail], r)) return false;
    return valueLteMax(this.f64[this.first], r);
  }

  /** Walk down to the last node whose score is out of range below min (UPDATE filled). */
  private lastBelow(r: ScoreRange): number {
    const i32 = this.i32;
    const f64 = this.f64;
    let x = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (;;) {
        const f = i32[(x << 1) + I_LINKS + 4 * i];
        if (f === 0 || valueGteMin(f64[x + F_LINKS + 2 * i], r)) break;
        x = f;
      }
      UPDATE[i] = x;
    }
    return x;
  }

  firstInRange(r: ScoreRange): number {
    if (!this.isInRange(r)) return 0;
    const n = this.next(this.lastBelow(r));
    return valueLteMax(this.f64[n], r) ? n : 0;
  }

  lastInRange(r: ScoreRange): number {
    if (!this.isInRange(r)) return 0;
    const i32 = this.i32;
    const f64 = this.f64;
    let x = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (;;) {
        const f = i32[(x << 1) + I_LINKS + 4 * i];
        if (f === 0 || !valueLteMax(f64[x + F_LINKS + 2 * i], r)) break;
        x = f;
      }
    }
    return valueGteMin(f64[x], r) ? x : 0;
  }

  /** Delete every node in the score range; `removed` sees each member first. Returns the count. */
  deleteRangeByScore(r: ScoreRange, removed: (ele: string) => void): number {
    let n = this.next(this.lastBelow(r));
    let count = 0;
    while (n !== 0 && valueLteMax(this.f64[n], r)) {
      const next = this.next(n);
      removed(this.ele(n));
      this.unlink(n);
      this.release(n);
      count++;
      n = next;
    }
    return count;
  }

  /** Delete the nodes of 1-based ranks start..end (inclusive). Returns the count. */
  deleteRangeByRank(start: number, end: number, removed: (ele: string) => void): number {
    const i32 = this.i32;
    let traversed = 0;
    let x = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (;;) {
        const l = (x << 1) + I_LINKS + 4 * i;
        const f = i32[l];
        if (f === 0 || traversed + i32[l + 1] >= start) break;
        traversed += i32[l + 1];
        x = f;
      }
      UPDATE[i] = x;
    }
    traversed++;
    let n = this.next(x);
    let count = 0;
    while (n !== 0 && traversed <= end) {
      const next = this.next(n);
      removed(this.ele(n));
      this.unlink(n);
      this.release(n);
      count++;
      traversed++;
      n = next;
    }
    return count;
  }

  // ---- lex ranges (skiplist traversal, as zsl*LexRange) -------------------------------

  isInLexRange(r: LexRange): boolean {
    if (lexRangeEmpty(r)) return false;
    if (this.tail === 0 || !lexGteMin(this.ele(this.tail), r)) return false;
    return lexLteMax(this.ele(this.first), r);
  }

  /** Walk down to the last node out of range below min (UPDATE filled). */
  private lastBelowLex(r: LexRange): number {
    const i32 = this.i32;
    let x = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (;;) {
        const f = i32[(x << 1) + I_LINKS + 4 * i];
        if (f === 0 || lexGteMin(this.ele(f), r)) break;
        x = f;
      }
      UPDATE[i] = x;
    }
    return x;
  }

  firstInLexRange(r: LexRange): number {
    if (!this.isInLexRange(r)) return 0;
    const n = this.next(this.lastBelowLex(r));
    return n !== 0 && lexLteMax(this.ele(n), r) ? n : 0;
  }

  lastInLexRange(r: LexRange): number {
    if (!this.isInLexRange(r)) return 0;
    const i32 = this.i32;
    let x = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (;;) {
        const f = i32[(x << 1) + I_LINKS + 4 * i];
        if (f === 0 || !lexLteMax(this.ele(f), r)) break;
        x = f;
      }
    }
    return x !== 0 && lexGteMin(this.ele(x), r) ? x : 0;
  }

  deleteRangeByLex(r: LexRange, removed: (ele: string) => void): number {
    let n = this.next(this.lastBelowLex(r));
    let count = 0;
    while (n !== 0 && lexLteMax(this.ele(n), r)) {
      const next = this.next(n);
      removed(this.ele(n));
      this.unlink(n);
      this.release(n);
      count++;
      n = next;
    }
    return count;
  }

  // ---- lex ranges by linear scan (listpack-encoded sets, as zzl*LexRange) ----------

  firstInLexRangeLinear(r: LexRange): number {
    if (!this.isInLexRange(r)) return 0;
    for (let n = this.first; n !== 0; n = this.next(n)) {
      const e = this.ele(n);
      if (lexGteMin(e, r)) return lexLteMax(e, r) ? n : 0;
    }
    return 0;
  }

  lastInLexRangeLinear(r: LexRange): number {
    if (!this.isInLexRange(r)) return 0;
    for (let n = this.tail; n !== 0; n = this.prev(n)) {
      const e = this.ele(n);
      if (lexLteMax(e, r)) return lexGteMin(e, r) ? n : 0;
    }
    return 0;
  }

  /** Delete the run of nodes in range from the first one a linear scan finds. */
  deleteRangeByLexLinear(r: LexRange, removed: (ele: string) => void): number {
    let n = this.firstInLexRangeLinear(r);
    let count = 0;
    while (n !== 0 && lexLteMax(this.ele(n), r)) {
      const next = this.next(n);
      const e = this.ele(n);
      removed(e);
      this.delete(this.f64[n], e);
      count++;
      n = next;
    }
    return count;
  }

  // ---- building and copying ---------------------------------------------------------

  /**
   * An appender for building an empty list from nodes given in ascending
   * order, O(1) each (store results). Returns each node's id.
   */
  appender(): (score: number, ele: string) => number {
    if (this.length !== 0) throw new Error('skiplist: appender on a non-empty list');
    const last = new Int32Array(SKIPLIST_MAXLEVEL); // last node at each level so far
    const lastRank = new Float64Array(SKIPLIST_MAXLEVEL); // and its rank
    return (score: number, ele: string): number => {
      const level = randomLevel();
      const n = this.alloc(level, ele);
      const i32 = this.i32;
      this.f64[n] = score;
      if (level > this.level) this.level = level;
      const pos = this.length + 1;
      const q = n << 1;
      const f64 = this.f64;
      for (let i = 0; i < level; i++) {
        const ll = (last[i] << 1) + I_LINKS + 4 * i;
        i32[ll] = n;
        i32[ll + 1] = pos - lastRank[i];
        f64[last[i] + F_LINKS + 2 * i] = score;
        i32[q + I_LINKS + 4 * i] = 0;
        last[i] = n;
        lastRank[i] = pos;
      }
      // (spans of links to the end are never read, as in link/unlink)
      i32[q + I_BACK] = this.tail;
      this.tail = n;
      this.length = pos;
      return n;
    };
  }

  /** An independent copy with the same node ids. */
  clone(): SkipList {
    const c = new SkipList(0);
    c.f64 = this.f64.slice();
    c.i32 = new Int32Array(c.f64.buffer);
    c.top = this.top;
    c.live = this.live;
    c.freeHead.set(this.freeHead);
    c.eles = this.eles.slice();
    c.freeSlots = this.freeSlots.slice();
    c.tail = this.tail;
    c.length = this.length;
    c.level = this.level;
    return c;
  }
}
