/**
 * The set type, with Redis 7.0's two encodings (t_set.c, intset.c):
 *
 * - `intset` while every member is an integer (string2ll-valid) and there
 *   are at most set-max-intset-entries of them: a sorted array of numbers
 *   (bigints beyond 2^53), so members come out in ascending numeric order as
 *   from Redis's intset, and an integer costs one array slot.
 * - `hashtable` otherwise, for good (conversion is one way): a Map from
 *   member to its index in a dense array, the array being built only once a
 *   random member is asked for (SPOP, SRANDMEMBER), so that picking one is
 *   O(1) like dictGetFairRandomKey. Iteration follows the Map, whose live
 *   iterators also serve SSCAN cursors.
 *
 * No RESP here: commands read members as latin1 strings.
 */
import { StoredObject } from './value';
import { toInt64, toSafeInt } from '../util/numbers';

/** An intset member: a number when |v| <= 2^53-1, else a bigint (never both for one value). */
export type IntMember = number | bigint;

/** setTypeAdd() caps set-max-intset-entries at 1G entries (intset internals). */
const INTSET_HARD_LIMIT = 1 << 30;
/** Intsets smaller than this grow one exact-size array at a time. */
const SMALL_INTSET = 16;

/**
 * string2ll() of a member: its intset value, or null when the string is not
 * a canonical int64 (then only a hashtable can hold it).
 */
export function intOf(s: string): IntMember | null {
  const n = toSafeInt(s);
  if (n !== null) return n;
  // A valid integer that toSafeInt refused has at least 16 digits.
  return s.length < 16 ? null : toInt64(s);
}

/** Index of v in the sorted array, or -(insertion point + 1). */
function search(a: IntMember[], v: IntMember): number {
  let lo = 0;
  let hi = a.length - 1;
  // Appending in ascending order (building from another intset) is the common case.
  if (hi >= 0 && a[hi] < v) return -(hi + 2);
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const x = a[mid];
    if (x < v) lo = mid + 1;
    else if (x > v) hi = mid - 1;
    else return mid;
  }
  return -(lo + 1);
}

function randomIndex(n: number): number {
  return Math.floor(Math.random() * n);
}

export class SetValue extends StoredObject {
  /** On the prototype: one slot less per set. */
  get type(): 'set' {
    return 'set';
  }
  /** intset encoding: the members in ascending order; null once a hashtable. */
  ints: IntMember[] | null;
  /** hashtable encoding: member → its index in `dense` (0 while dense is null). */
  ht: Map<string, number> | null;
  /** hashtable members for O(1) random picks, built on first use. */
  private dense: string[] | null = null;

  private constructor(ints: IntMember[] | null, ht: Map<string, number> | null) {
    super();
    this.ints = ints;
    this.ht = ht;
  }

  /** createIntsetObject(). */
  static intset(): SetValue {
    return new SetValue([], null);
  }

  /** createSetObject(). */
  static hashtable(): SetValue {
    return new SetValue(null, new Map());
  }

  /** setTypeCreate(): the encoding that can hold `first`. */
  static forMember(first: string): SetValue {
    return intOf(first) !== null ? SetValue.intset() : SetValue.hashtable();
  }

  encoding(): string {
    return this.ints !== null ? 'intset' : 'hashtable';
  }

  get size(): number {
    return this.ints !== null ? this.ints.length : this.ht!.size;
  }

  /** Length of the random-pick array (0 until it is built): memory estimates. */
  get denseLength(): number {
    return this.dense === null ? 0 : this.dense.length;
  }

  has(s: string): boolean {
    if (this.ints === null) return this.ht!.has(s);
    const v = intOf(s);
    return v !== null && search(this.ints, v) >= 0;
  }

  /** Membership of an integer member (iterating another intset). */
  hasInt(v: IntMember): boolean {
    if (this.ints !== null) return search(this.ints, v) >= 0;
    return this.ht!.has(String(v));
  }

  /** setTypeAdd(): true when added. `maxIntset` is set-max-intset-entries. */
  add(s: string, maxIntset: number): boolean {
    const ints = this.ints;
    if (ints !== null) {
      const v = intOf(s);
      if (v !== null) return this.insertInt(ints, v, maxIntset);
      this.toHashtable();
    }
    const ht = this.ht!;
    const dense = this.dense;
    if (dense === null) {
      // one hash lookup: the size tells whether the member was new
      const n = ht.size;
      ht.set(s, 0);
      return ht.size !== n;
    }
    if (ht.has(s)) return false;
    ht.set(s, dense.length);
    dense.push(s);
    return true;
  }

  /** Add an integer member (from another intset), same rules as add(). */
  addInt(v: IntMember, maxIntset: number): boolean {
    const ints = this.ints;
    if (ints === null) return this.add(String(v), maxIntset);
    return this.insertInt(ints, v, maxIntset);
  }

  /** intsetAdd() then the size check of setTypeAdd(). */
  private insertInt(ints: IntMember[], v: IntMember, maxIntset: number): boolean {
    const at = search(ints, v);
    if (at >= 0) return false;
    const pos = -at - 1;
    const n = ints.length;
    if (n < SMALL_INTSET) {
      // Small intsets are reallocated at their exact size (as intsetResize
      // does): growing by push would leave room for 16 more.
      const grown = new Array<IntMember>(n + 1);
      for (let i = 0; i < pos; i++) grown[i] = ints[i];
      grown[pos] = v;
      for (let i = pos; i < n; i++) grown[i + 1] = ints[i];
      this.ints = grown;
    } else if (pos === n) ints.push(v);
    else ints.splice(pos, 0, v);
    if (n + 1 > Math.min(maxIntset, INTSET_HARD_LIMIT)) this.toHashtable();
    return true;
  }

  /** setTypeRemove(): true when it was a member. */
  remove(s: string): boolean {
    const ints = this.ints;
    if (ints !== null) {
      const v = intOf(s);
      if (v === null) return false;
      const at = search(ints, v);
      if (at < 0) return false;
      ints.splice(at, 1);
      return true;
    }
    const ht = this.ht!;
    const i = ht.get(s);
    if (i === undefined) return false;
    ht.delete(s);
    const dense = this.dense;
    if (dense !== null) {
      const last = dense.pop()!;
      if (i < dense.length) {
        dense[i] = last;
        ht.set(last, i);
      }
    }
    return true;
  }

  /** setTypeConvert(OBJ_ENCODING_HT). */
  private toHashtable(): void {
    const ints = this.ints!;
    const ht = new Map<string, number>();
    for (let i = 0; i < ints.length; i++) ht.set(String(ints[i]), 0);
    this.ints = null;
    this.ht = ht;
    this.dense = null;
  }

  private denseArray(): string[] {
    let dense = this.dense;
    if (dense === null) {
      const ht = this.ht!;
      dense = new Array<string>(ht.size);
      let i = 0;
      for (const m of ht.keys()) {
        dense[i] = m;
        ht.set(m, i++);
      }
      this.dense = dense;
    }
    return dense;
  }

  /** setTypeRandomElement() of a non-empty set. */
  random(): string {
    const ints = this.ints;
    if (ints !== null) return String(ints[randomIndex(ints.length)]);
    const dense = this.denseArray();
    return dense[randomIndex(dense.length)];
  }

  /** Remove and return a random member of a non-empty set. */
  popRandom(): string {
    const ints = this.ints;
    if (ints !== null) {
      const i = randomIndex(ints.length);
      const v = ints[i];
      ints.splice(i, 1);
      return String(v);
    }
    const m = this.random();
    this.remove(m);
    return m;
  }

  /** The members in iteration order (ascending for an intset). */
  members(): string[] {
    const ints = this.ints;
    if (ints !== null) {
      const out = new Array<string>(ints.length);
      for (let i = 0; i < ints.length; i++) out[i] = String(ints[i]);
      return out;
    }
    return Array.from(this.ht!.keys());
  }

  /** Visit the members in iteration order; the set must not change meanwhile. */
  forEach(fn: (m: string) => void): void {
    const ints = this.ints;
    if (ints !== null) {
      for (let i = 0; i < ints.length; i++) fn(String(ints[i]));
    } else {
      for (const m of this.ht!.keys()) fn(m);
    }
  }

  /** setTypeDup() for COPY: same encoding, same members. */
  dup(): SetValue {
    if (this.ints !== null) return new SetValue(this.ints.slice(), null);
    const ht = new Map<string, number>();
    for (const m of this.ht!.keys()) ht.set(m, 0);
    return new SetValue(null, ht);
  }
}

// ---- SSCAN cursors ---------------------------------------------------------

/**
 * SSCAN over a hashtable set walks a live Map iterator, as SCAN does over
 * the keyspace (store/scan.ts): members present for the whole walk are
 * returned exactly once. A cursor is an opaque random id naming a walk of
 * one set object; an unknown id (used already, forgotten, from another key)
 * restarts the walk. Walks live as long as their set (WeakMap).
 */
interface SetScanState {
  ht: Map<string, number>;
  it: Iterator<string>;
  /** The next member, read ahead to learn whether the walk is over. */
  pending: string | undefined;
}

/** Live walks kept per set; the oldest are forgotten beyond this. */
const MAX_CURSORS_PER_SET = 1024;
const ID_SPACE = 0x1_0000_0000;
const walks = new WeakMap<SetValue, Map<number, SetScanState>>();

export interface SetScanPage {
  /** 0 when the walk is over. */
  cursor: number;
  /** Members visited in this step, before any MATCH filtering. */
  members: string[];
}

/**
 * One SSCAN step. An intset is returned whole in one call with cursor 0,
 * whatever the cursor, like Redis's compact encodings.
 */
export function scanSet(set: SetValue, cursor: bigint, count: number): SetScanPage {
  if (set.ints !== null) return { cursor: 0, members: set.members() };
  const ht = set.ht!;
  let states = walks.get(set);
  let state: SetScanState | undefined;
  if (states !== undefined && cursor !== 0n && cursor < BigInt(ID_SPACE)) {
    const id = Number(cursor);
    state = states.get(id);
    if (state !== undefined) states.delete(id);
    if (state !== undefined && state.ht !== ht) state = undefined;
  }
  if (state === undefined) state = { ht, it: ht.keys(), pending: undefined };

  const members: string[] = [];
  while (members.length < count) {
    let m = state.pending;
    if (m !== undefined) {
      state.pending = undefined;
      if (!ht.has(m)) continue; // removed since it was read ahead
    } else {
      const r = state.it.next();
      if (r.done) return { cursor: 0, members };
      m = r.value;
    }
    members.push(m);
  }
  const r = state.it.next();
  if (r.done) return { cursor: 0, members };
  state.pending = r.value;
  if (states === undefined) {
    states = new Map();
    walks.set(set, states);
  } else if (states.size >= MAX_CURSORS_PER_SET) {
    states.delete(states.keys().next().value!);
  }
  let id = 0;
  do id = 1 + Math.floor(Math.random() * (ID_SPACE - 1));
  while (states.has(id));
  states.set(id, state);
  return { cursor: id, members };
}
