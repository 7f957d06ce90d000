/**
 * The fork-less snapshot (DESIGN.md): a point-in-time walk of the whole
 * keyspace while the server keeps serving. BGSAVE, BGREWRITEAOF and full
 * resyncs feed it a visitor.
 *
 * At the start each database's key set is frozen (an array of its keys:
 * one pointer per key, no values). The walk then visits those keys in
 * slices between event-loop turns. A key about to change before it is
 * visited has its old value copied first (the keyspace calls beforeWrite()
 * from every write path, before the change); the walk uses that copy. So the
 * extra memory is the key arrays plus copies of the keys written during the
 * save, and values edited in place (bitmaps, HLLs, collections) are copied
 * before their first change.
 *
 * Databases are followed by their dicts, not their numbers: after SWAPDB the
 * walk still reads the dict each number held at the start, and FLUSHDB hands
 * the frozen dict to the snapshot instead of clearing it.
 */
import type { Db, Keyspace, WriteObserver } from '../store/keyspace';
import { Dict, type DictCursor } from '../store/dict';
import type { Value } from '../store/value';
import { dupValue } from '../store/dup';

export interface SnapshotVisitor {
  /** A database with keys starts (its number, key count and keys-with-TTL count at the start). */
  dbStart?(dbid: number, keys: number, expires: number): void;
  /** A key of the image; expireMs -1 when it has none. */
  key(dbid: number, key: string, value: Value, expireMs: number): void;
}

/** How a slice ends: past this many ms (measured finer than Date.now()'s whole ms) or keys the walk yields to the event loop. */
const SLICE_MS = 0.5;
const SLICE_KEYS = 4096;

/** A key that did not exist at the start (created during the walk): nothing to copy. */
const ABSENT = Symbol('absent');

/** Keys are frozen in chunks of this many, each dropped once written. */
const CHUNK = 65536;

class FrozenDb {
  /**
   * Copies of keys changed before the walk reached them (or after: it cannot
   * tell, and drops those at the end), and the TTLs of those that had one.
   */
  readonly copies = new Map<string, Value | typeof ABSENT>();
  readonly copiedExpires = new Map<string, number>();
  /**
   * The dict walked in step with the frozen keys: a key unchanged since the
   * start is at its place in the dict's order (only deletions and additions
   * move entries, and both come through beforeWrite), so its value is read
   * from there rather than looked up. Null until the walk reaches this db,
   * and after it ran out (then values are looked up).
   */
  cursor: DictCursor<unknown> | null = null;
  /** The chunk being walked, and the position in it. */
  chunk = 0;
  next = 0;
  done = false;
  /** FLUSHDB/FLUSHALL handed the dict over (takeOver): nothing else holds it. */
  flushed = false;
  /** Called once the walk no longer holds the dict: a lazily flushed db's keys are then freed. */
  onRelease: (() => void)[] | null = null;
  /** Deleted values kept for the walk (keepDeleted) that someone waits to see released, by key. */
  keptWaiters: Map<string, (() => void)[]> | null = null;

  constructor(
    readonly id: number,
    public dict: Dict<unknown>,
    public expires: Map<string, number>,
    readonly count: number,
    public keys: string[][],
  ) {}
}

export class Snapshot implements WriteObserver {
  private readonly frozen: FrozenDb[] = [];
  private readonly byDict = new Map<Dict<unknown>, FrozenDb>();
  private current = 0;
  cancelled = false;
  /** Keys visited so far, and in all (INFO's current_save_keys_*). */
  processed = 0;
  readonly total: number;

  constructor(
    private readonly ks: Keyspace,
    private readonly visitor: SnapshotVisitor,
  ) {
    let total = 0;
    for (const db of ks.dbs) {
      if (db.size === 0) continue;
      // keys only: a value is read from the dict when its key's turn comes (a
      // value changed before that was copied first), which halves what the
      // freeze holds
      const keys: string[][] = [];
      const size = db.size;
      // each chunk allocated at its final size: no garbage from arrays growing
      let ck: string[] = new Array<string>(Math.min(CHUNK, size));
      let i = 0;
      let left = size;
      db.dict.forEach((_v, k) => {
        if (i === ck.length) {
          keys.push(ck);
          left -= i;
          ck = new Array<string>(Math.min(CHUNK, left));
          i = 0;
        }
        ck[i++] = k;
      });
      keys.push(ck);
      const f = new FrozenDb(db.id, db.dict as Dict<unknown>, db.expires, db.size, keys);
      total += f.count;
      this.frozen.push(f);
      this.byDict.set(f.dict, f);
    }
    this.total = total;
  }

  /** Called by the keyspace before `key` of `db` changes (value, TTL, or deletion). */
  beforeWrite(db: Db, key: string): void {
    const f = this.byDict.get(db.dict as Dict<unknown>);
    if (f === undefined || f.done || f.copies.has(key)) return;
    const v = db.dict.get(key);
    if (v === undefined) {
      f.copies.set(key, ABSENT);
      return;
    }
    // a string value is immutable (a change replaces it in the dict): keeping the reference is the copy
    f.copies.set(key, typeof v === 'string' ? v : dupValue(v as Value));
    const e = db.getExpire(key);
    if (e !== -1) f.copiedExpires.set(key, e);
  }

  /**
   * `key` of `db` is about to be deleted for good (DEL, UNLINK), its value
   * `v`: the walk keeps v itself rather than a copy, since nothing changes
   * a value once it left the keyspace. True when the walk still needs it.
   */
  keepDeleted(db: Db, key: string, v: Value): boolean {
    const f = this.byDict.get(db.dict as Dict<unknown>);
    if (f === undefined || f.done || f.copies.has(key)) return false;
    f.copies.set(key, v);
    const e = db.getExpire(key);
    if (e !== -1) f.copiedExpires.set(key, e);
    return true;
  }

  /** Call fn once the walk has written (or dropped) the value keepDeleted() kept for key of db. */
  onReleased(db: Db, key: string, fn: () => void): void {
    const f = this.byDict.get(db.dict as Dict<unknown>);
    if (f === undefined || f.done || !f.copies.has(key)) return fn();
    const w = (f.keptWaiters ??= new Map());
    const list = w.get(key);
    if (list === undefined) w.set(key, [fn]);
    else list.push(fn);
  }

  /** Whether the walk holds `dict`, a db's dict that a flush handed over. */
  holdsFlushed(dict: Dict<unknown>): boolean {
    for (const f of this.frozen) if (f.dict === dict && f.flushed && !f.done && !this.cancelled) return true;
    return false;
  }

  /** Call fn once the walk no longer holds `dict` (a flushed db: when it is done with its keys). */
  onFlushedReleased(dict: Dict<unknown>, fn: () => void): void {
    for (const f of this.frozen) {
      if (f.dict === dict && f.flushed && !f.done && !this.cancelled) {
        (f.onRelease ??= []).push(fn);
        return;
      }
    }
    fn();
  }

  /**
   * Called before `db` is emptied (FLUSHDB/FLUSHALL): the snapshot keeps the
   * dict and expires as they are and the db must start new ones.
   * Returns whether it did (the db then replaces rather than clears them).
   */
  takeOver(db: Db): boolean {
    const f = this.byDict.get(db.dict as Dict<unknown>);
    if (f === undefined || f.done) return false;
    // nothing changes these any more: the walk reads them as they are
    this.byDict.delete(f.dict);
    f.flushed = true;
    return true;
  }

  /**
   * Visits up to a slice's worth of keys; true when the walk is complete.
   * `unbounded` runs it to the end (SAVE, shutdown).
   */
  step(unbounded = false): boolean {
    const start = performance.now();
    let n = 0;
    while (this.current < this.frozen.length && !this.cancelled) {
      const f = this.frozen[this.current];
      if (f.chunk === 0 && f.next === 0) {
        f.cursor = f.dict.cursor();
        if (this.visitor.dbStart) this.visitor.dbStart(f.id, f.count, this.expiresAtStart(f));
      }
      while (f.chunk < f.keys.length) {
        const keys = f.keys[f.chunk];
        while (f.next < keys.length) {
          this.visit(f, keys[f.next++]);
          this.processed++;
          if (!unbounded && ++n % 64 === 0 && (n >= SLICE_KEYS || performance.now() - start >= SLICE_MS)) return false;
        }
        // this chunk is written: the walk no longer holds its keys
        f.keys[f.chunk] = [];
        f.chunk++;
        f.next = 0;
      }
      f.done = true;
      this.byDict.delete(f.dict);
      this.release(f);
      this.current++;
    }
    return true;
  }

  private visit(f: FrozenDb, key: string): void {
    if (f.copies.size !== 0) {
      const copy = f.copies.get(key);
      if (copy !== undefined) {
        f.copies.delete(key);
        if (f.keptWaiters !== null) this.keptWritten(f, key);
        if (copy === ABSENT) return;
        const ce = f.copiedExpires.get(key);
        if (ce !== undefined) f.copiedExpires.delete(key);
        this.visitor.key(f.id, key, copy, ce ?? -1);
        return;
      }
    }
    // not changed since the start (a change would have left a copy)
    const v = this.unchangedValue(f, key);
    if (v === undefined) return;
    const e = f.expires.size === 0 ? undefined : f.expires.get(key);
    this.visitor.key(f.id, key, v, e === undefined ? -1 : e);
  }

  /**
   * The value of a key that has not changed since the start. The entries
   * the cursor passes on the way are keys already visited through their
   * copies, or keys added since the start.
   */
  private unchangedValue(f: FrozenDb, key: string): Value | undefined {
    const cur = f.cursor;
    if (cur !== null) {
      for (let k = cur.next(); k !== undefined; k = cur.next()) {
        if (k === key) return cur.value as Value;
      }
      // only a deletion that skipped beforeWrite gets here; the rest of the walk still reads every key
      f.cursor = null;
    }
    return f.dict.get(key) as Value | undefined;
  }

  /** Keys with a TTL among the frozen ones (RESIZEDB's second number). */
  private expiresAtStart(f: FrozenDb): number {
    // the live map may have gained or lost entries since: an estimate, as Redis's is a hint too
    return Math.min(f.expires.size, f.count);
  }

  /** Stop the walk (the save was aborted): copies are dropped, the keyspace no longer reports writes. */
  cancel(): void {
    this.cancelled = true;
    this.byDict.clear();
    for (const f of this.frozen) this.release(f);
  }

  /** The walk is done with f: drop what it held (the dict too, when a flush handed it over) and say so. */
  private release(f: FrozenDb): void {
    f.copies.clear();
    f.copiedExpires.clear();
    f.keys = [];
    f.cursor = null;
    if (f.flushed) {
      f.dict = new Dict<unknown>();
      f.expires = new Map();
    }
    const waiters = f.keptWaiters;
    f.keptWaiters = null;
    if (waiters !== null) for (const list of waiters.values()) for (const fn of list) fn();
    const onRelease = f.onRelease;
    f.onRelease = null;
    if (onRelease !== null) for (const fn of onRelease) fn();
  }

  /** The value kept for a deleted key was written: whoever waited for it is told. */
  private keptWritten(f: FrozenDb, key: string): void {
    const list = f.keptWaiters!.get(key);
    if (list === undefined) return;
    f.keptWaiters!.delete(key);
    for (const fn of list) fn();
  }

  /** The walk is over (done or cancelled). */
  get finished(): boolean {
    return this.cancelled || this.current >= this.frozen.length;
  }
}

/**
 * Runs a snapshot in slices, one per event-loop turn, registered with the
 * keyspace while it runs; `done` is called once, after the last key (or with
 * the error a visitor threw).
 */
/** A consumer that can fall behind the walk (a file written off the event loop): the walk waits for it. */
export interface SnapshotPace {
  readonly backlogged: boolean;
  onDrain(fn: () => void): void;
}

export function startSnapshot(ks: Keyspace, visitor: SnapshotVisitor, done: (err: Error | null) => void, pace?: SnapshotPace): Snapshot {
  const snap = new Snapshot(ks, visitor);
  ks.observers.push(snap);
  const release = (): void => {
    const i = ks.observers.indexOf(snap);
    if (i >= 0) ks.observers.splice(i, 1);
  };
  const turn = (): void => {
    if (pace !== undefined && pace.backlogged && !snap.cancelled) return pace.onDrain(() => setImmediate(turn));
    let complete: boolean;
    try {
      complete = snap.step();
    } catch (e) {
      snap.cancel();
      release();
      return done(e as Error);
    }
    if (!complete) {
      setImmediate(turn);
      return;
    }
    release();
    done(snap.cancelled ? new Error('snapshot cancelled') : null);
  };
  setImmediate(turn);
  return snap;
}

/** A whole walk at once (SAVE, SHUTDOWN, DEBUG RELOAD): the server is not serving meanwhile. */
export function walkNow(ks: Keyspace, visitor: SnapshotVisitor): void {
  new Snapshot(ks, visitor).step(true);
}
