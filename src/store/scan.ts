/**
 * SCAN cursors over a db's keys.
 *
 * Redis walks its hash table in reverse-binary bucket order so that a key
 * present for the whole iteration is returned at least once. Here a cursor
 * is an opaque number naming a live JS Map iterator: a Map iterator visits
 * every entry present for the whole walk exactly once, whatever is inserted,
 * deleted or rehashed meanwhile, which gives the same guarantee (with no
 * duplicates unless a key is deleted and re-added).
 *
 * Each step hands out a fresh cursor id and forgets the old one. A cursor we
 * do not know (evicted, from another server, made up, or one already used)
 * restarts the iteration from the beginning: the client may then see
 * duplicates, but never misses a key.
 */
import { LRUCache } from 'lru-cache';
import type { Db } from './keyspace';
import type { Dict } from './dict';
import type { Value } from './value';

/** Live cursors kept per db; the least recently used are forgotten. */
const MAX_CURSORS_PER_DB = 10_000;
/** Cursor ids are random in [1, 2^32): small enough for any client's integer type. */
const ID_SPACE = 0x1_0000_0000;

interface ScanState {
  /** The dict being walked: SWAPDB replaces a db's dict, which ends the walk. */
  dict: Dict<Value>;
  it: Iterator<string>;
  /** A key read ahead to learn whether the walk is over (so the last page returns cursor 0). */
  pending: string | undefined;
}

const cursorsByDb = new WeakMap<Db, LRUCache<number, ScanState>>();

function cursorsOf(db: Db): LRUCache<number, ScanState> {
  let m = cursorsByDb.get(db);
  if (m === undefined) {
    m = new LRUCache<number, ScanState>({ max: MAX_CURSORS_PER_DB });
    cursorsByDb.set(db, m);
  }
  return m;
}

/**
 * Parse a cursor the way Redis's strtoul()-based parser accepts it: optional
 * sign, decimal digits, nothing after (the empty string is cursor 0, a
 * leading space is an error, a negative number wraps around). Returns the
 * canonical value as a bigint, or null for an invalid cursor.
 */
export function parseCursor(s: string): bigint | null {
  const n = s.length;
  if (n === 0) return 0n;
  let i = 0;
  const c0 = s.charCodeAt(0);
  if (c0 === 32 || (c0 >= 9 && c0 <= 13)) return null;
  let neg = false;
  if (c0 === 43 /* + */ || c0 === 45 /* - */) {
    neg = c0 === 45;
    i = 1;
  }
  if (i === n) return null; // a sign with no digits
  for (let j = i; j < n; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) return null;
  }
  // Fast path: short cursors, the usual case.
  if (n - i <= 15) {
    const v = BigInt(Number(s.slice(i)));
    return neg ? (v === 0n ? 0n : (1n << 64n) - v) : v;
  }
  const v = BigInt(s.slice(i));
  if (v > 0xffff_ffff_ffff_ffffn) return null; // ERANGE
  return neg ? (v === 0n ? 0n : (1n << 64n) - v) : v;
}

export interface ScanPage {
  /** Cursor to return to the client: 0 when the walk is over. */
  cursor: number;
  /** Keys visited in this step (before any MATCH/TYPE/expiry filtering). */
  keys: string[];
}

/**
 * One SCAN step over db's keys: visit up to `count` keys from the walk named
 * by `cursor` (0 or an unknown id start a new walk).
 */
export function scanKeys(db: Db, cursor: bigint, count: number): ScanPage {
  const cursors = cursorsOf(db);
  let state: ScanState | undefined;
  if (cursor !== 0n && cursor < BigInt(ID_SPACE)) {
    const id = Number(cursor);
    state = cursors.get(id);
    if (state !== undefined) cursors.delete(id);
    if (state !== undefined && state.dict !== db.dict) state = undefined;
  }
  if (state === undefined) state = { dict: db.dict, it: db.dict.keys(), pending: undefined };

  const dict = db.dict;
  const keys: string[] = [];
  while (keys.length < count) {
    let key = state.pending;
    if (key !== undefined) {
      state.pending = undefined;
    } else {
      const r = state.it.next();
      if (r.done) return { cursor: 0, keys };
      key = r.value;
    }
    // The walk may be over a table that was emptied (FLUSHDB replaces the
    // maps); only keys still in the db count.
    if (dict.has(key)) keys.push(key);
  }
  const r = state.it.next();
  if (r.done) return { cursor: 0, keys };
  state.pending = r.value;
  let id = 0;
  do id = 1 + Math.floor(Math.random() * (ID_SPACE - 1));
  while (cursors.has(id));
  cursors.set(id, state);
  return { cursor: id, keys };
}

/** Forget every live cursor of a db (FLUSHDB, FLUSHALL, SWAPDB). */
export function resetScans(db: Db): void {
  cursorsByDb.get(db)?.clear();
}

// ---------------------------------------------------------------------------
// Live cursors over one collection (HSCAN, and SSCAN/ZSCAN if they want them)
// ---------------------------------------------------------------------------

/** What a collection cursor walks: a Map or Set (keys() is live), or alike. */
export interface Walkable<K> {
  keys(): Iterator<K>;
  has(key: K): boolean;
}

interface LiveWalk<K> {
  it: Iterator<K>;
  /** An element read ahead to learn whether the walk is over. */
  pending: K | undefined;
  hasPending: boolean;
}

/**
 * The cursors of SCAN, for the hash-table encoding of one collection: each
 * id names a live iterator over it, so an element present for the whole
 * walk is returned once; an unknown id (forgotten, made up, already used)
 * restarts the walk. The table belongs to the collection, so its cursors die
 * with it; it keeps at most `limit` walks, forgetting the least recently
 * used.
 */
export class LiveCursors<K> {
  private readonly walks = new Map<number, LiveWalk<K>>();

  constructor(private readonly limit = 1024) {}

  /**
   * Visit up to `count` elements of `coll` (appended to `out`) from the walk
   * named by `cursor`. Returns the cursor to reply: 0 when the walk is over.
   */
  step(coll: Walkable<K>, cursor: bigint, count: number, out: K[]): number {
    let w: LiveWalk<K> | undefined;
    if (cursor !== 0n && cursor < BigInt(ID_SPACE)) {
      const id = Number(cursor);
      w = this.walks.get(id);
      if (w !== undefined) this.walks.delete(id);
    }
    if (w === undefined) w = { it: coll.keys(), pending: undefined, hasPending: false };
    let n = 0;
    while (n < count) {
      let k: K;
      if (w.hasPending) {
        k = w.pending as K;
        w.pending = undefined;
        w.hasPending = false;
      } else {
        const r = w.it.next();
        if (r.done) return 0;
        k = r.value;
      }
      // A read-ahead element may have been deleted since.
      if (coll.has(k)) {
        out.push(k);
        n++;
      }
    }
    const r = w.it.next();
    if (r.done) return 0;
    w.pending = r.value;
    w.hasPending = true;
    let id = 0;
    do id = 1 + Math.floor(Math.random() * (ID_SPACE - 1));
    while (this.walks.has(id));
    this.walks.set(id, w);
    // Map order is insertion order: the first walk is the least recently used.
    if (this.walks.size > this.limit) this.walks.delete(this.walks.keys().next().value as number);
    return id;
  }
}
