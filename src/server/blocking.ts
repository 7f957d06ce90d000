/**
 * Clients blocked on keys: BLPOP & co. here, BZPOPMIN & co. and XREAD BLOCK
 * reuse it (Redis 7.0's blocked.c).
 *
 * A blocking command that finds nothing to serve calls block() with the keys
 * it waits on, a deadline and a BlockedOp saying which value type can serve
 * it and how. The client then stops processing input (c.waiting). Any write
 * that creates or replaces a watched key (the keyspace calls signal() from
 * setKey()/overwrite(), and for every watched key of both dbs on SWAPDB)
 * queues the key as ready; once the running command has completed,
 * processCommand() calls handleReady(), which serves the clients blocked on
 * each ready key in the order they blocked, as long as the key holds a value
 * of the type they wait for. Serving may make further keys ready (BLMOVE
 * pushing into a watched key); those are served in the same pass.
 *
 * A served client gets the reply the non-blocking form would give, the
 * change is propagated as the non-blocking command (the op does both), and
 * the client's buffered input runs on the next tick, like Redis's
 * processUnblockedClients() before the event loop sleeps.
 *
 * Redis 7.0 behaviour kept: a watched key that is deleted, or that holds a
 * value of another type, leaves its clients blocked, except for ops with a
 * keyGone() reply (XREADGROUP), which the keyspace also signals on deletes
 * and flushes; clients stay attached
 * to the db they blocked in across SWAPDB (the keys' contents move, the
 * waiters do not); a timeout (or CLIENT UNBLOCK ... TIMEOUT) replies the
 * null array; CLIENT UNBLOCK ... ERROR replies -UNBLOCKED.
 */
import type { Server } from './server';
import { Client, ReplyMode } from './client';
import { updateClock } from './clock';
import type { Db } from '../store/keyspace';
import { Value, typeOf, TypeName } from '../store/value';
import { Err } from '../protocol/errors';
import { parseLongDouble, LongDouble } from '../util/longdouble';
import { toInt64, toSafeInt } from '../util/numbers';

/** How a blocked client is served once one of its keys is ready. */
export interface BlockedOp {
  /** The value type that can serve it ('list', 'zset', 'stream'). */
  readonly type: TypeName;
  /**
   * Serve `c` from `key` of `db`, which holds `value` (of `type`): write the
   * reply, do the change with its keyspace events, propagate the
   * non-blocking form. Return false to leave the client blocked (nothing
   * for it yet, e.g. a stream without new entries).
   */
  serve(c: Client, db: Db, key: string, value: Value): boolean;
  /** The reply on timeout or CLIENT UNBLOCK TIMEOUT; default: the null array. */
  timedOut?(c: Client): void;
  /**
   * When present, the wait ends (with the reply this writes) once a key it
   * waits on is deleted, flushed or replaced by another type, instead of
   * staying blocked: XREADGROUP's "-UNBLOCKED the stream key no longer
   * exists" (Redis 7.0's signalDeletedKeyAsReady).
   */
  keyGone?(c: Client): void;
}

interface BlockState {
  readonly client: Client;
  readonly db: Db;
  readonly keys: string[];
  readonly op: BlockedOp;
  /** Absolute ms; 0 = no timeout, Infinity = a timeout too far to ever fire. */
  readonly deadline: number;
  /** Blocked under CLIENT REPLY SKIP: the deferred reply is skipped too. */
  readonly skipReply: boolean;
  timer: NodeJS.Timeout | null;
}

/** Longest delay setTimeout takes; longer waits re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const LLONG_MAX = 9223372036854775807n;
const LLONG_MIN = -9223372036854775808n;

export class Blocking {
  /** Per db id: key -> clients blocked on it, in blocking order. */
  private readonly waiting: (Map<string, Set<Client>> | undefined)[] = [];
  private readonly states = new Map<Client, BlockState>();
  /** Keys signalled since the last handleReady(), in order, once each. */
  private readyDbs: Db[] = [];
  private readyKeys: string[] = [];
  private readonly readySets: (Set<string> | undefined)[] = [];
  /** Clients unblocked whose buffered input is still to run. */
  private resumed: Client[] = [];
  private resumeScheduled = false;
  /** Blocked clients with a timeout (INFO clients_in_timeout_table). */
  inTimeoutTable = 0;

  constructor(private readonly srv: Server) {
    srv.keyspace.keyReady = (db, key) => {
      if (key === null) this.signalDb(db);
      else this.signal(db, key);
    };
  }

  /** Blocked clients (INFO blocked_clients). */
  get count(): number {
    return this.states.size;
  }

  /** True when keys are waiting for handleReady(). */
  get pending(): boolean {
    return this.readyKeys.length !== 0;
  }

  isBlocked(c: Client): boolean {
    return this.states.has(c);
  }

  /**
   * Block `c` on `keys` of its db until `deadline` (absolute ms, 0 = never;
   * from parseTimeout()). The command has written no reply; `op` will.
   */
  block(c: Client, keys: readonly string[], deadline: number, op: BlockedOp): void {
    const db = c.db;
    const map = (this.waiting[db.id] ??= new Map());
    const ks = this.srv.keyspace;
    const skipReply = c.replyMode === ReplyMode.Skip;
    const st: BlockState = { client: c, db, keys: [], op, deadline, skipReply, timer: null };
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      let set = map.get(k);
      if (set === undefined) {
        set = new Set();
        map.set(k, set);
        ks.blockedKeyCount++;
      } else if (set.has(c)) {
        continue; // the same key twice: once is enough
      }
      set.add(c);
      st.keys.push(k);
    }
    this.states.set(c, st);
    c.blocked = true;
    c.waiting = true;
    if (deadline !== 0) {
      this.inTimeoutTable++;
      if (deadline !== Infinity) this.arm(st);
    }
  }

  /** A key was created or replaced: queue it if someone waits on it. */
  signal(db: Db, key: string): void {
    const map = this.waiting[db.id];
    if (map === undefined || !map.has(key)) return;
    const ready = (this.readySets[db.id] ??= new Set());
    if (ready.has(key)) return;
    ready.add(key);
    this.readyDbs.push(db);
    this.readyKeys.push(key);
  }

  /** Every watched key of db may have changed (SWAPDB). */
  signalDb(db: Db): void {
    const map = this.waiting[db.id];
    if (map === undefined) return;
    for (const key of map.keys()) this.signal(db, key);
  }

  /** Serve the clients blocked on the keys signalled so far (after each command). */
  handleReady(): void {
    while (this.readyKeys.length !== 0) {
      const dbs = this.readyDbs;
      const keys = this.readyKeys;
      this.readyDbs = [];
      this.readyKeys = [];
      for (let i = 0; i < keys.length; i++) {
        const db = dbs[i];
        // forget it first so that serving can signal the same key again
        this.readySets[db.id]!.delete(keys[i]);
        this.serveKey(db, keys[i]);
      }
    }
  }

  private serveKey(db: Db, key: string): void {
    const set = this.waiting[db.id]?.get(key);
    if (set === undefined) return;
    for (const c of set) {
      const st = this.states.get(c)!;
      const v = db.lookup(key);
      const start = c.reply.len;
      if (v === undefined || typeOf(v) !== st.op.type) {
        if (st.op.keyGone === undefined) continue; // stays blocked
        st.op.keyGone(c);
      } else if (!st.op.serve(c, db, key, v)) continue;
      this.finish(st, start);
    }
  }

  /**
   * CLIENT UNBLOCK: end the wait of a blocked client with the timeout reply,
   * or with the -UNBLOCKED error. False when it is not blocked.
   */
  unblockByRequest(c: Client, withError: boolean): boolean {
    const st = this.states.get(c);
    if (st === undefined) return false;
    const start = c.reply.len;
    if (withError) c.error(Err.unblocked);
    else this.replyTimeout(st);
    this.finish(st, start);
    return true;
  }

  /** The client is going away: forget it without a reply. */
  clientFreed(c: Client): void {
    const st = this.states.get(c);
    if (st !== undefined) this.release(st);
  }

  // ---- internals ----

  private replyTimeout(st: BlockState): void {
    if (st.op.timedOut) st.op.timedOut(st.client);
    else st.client.reply.nullArray();
  }

  /**
   * Unblock after a reply was written from `replyStart` on: send it (unless
   * CLIENT REPLY OFF, or SKIP when the command was sent), then run the
   * buffered input.
   */
  private finish(st: BlockState, replyStart: number): void {
    this.release(st);
    const c = st.client;
    if (c.replyMode === ReplyMode.Off || st.skipReply) c.reply.dropSince(replyStart);
    this.srv.flush(c);
    this.resumed.push(c);
    if (!this.resumeScheduled) {
      this.resumeScheduled = true;
      setImmediate(() => this.resume());
    }
  }

  private resume(): void {
    this.resumeScheduled = false;
    const list = this.resumed;
    this.resumed = [];
    updateClock();
    for (const c of list) {
      if (c.closed || c.waiting) continue;
      this.srv.processInput(c);
      this.srv.flush(c);
    }
  }

  private release(st: BlockState): void {
    const c = st.client;
    this.states.delete(c);
    const map = this.waiting[st.db.id]!;
    const ks = this.srv.keyspace;
    for (const k of st.keys) {
      const set = map.get(k)!;
      set.delete(c);
      if (set.size === 0) {
        map.delete(k);
        ks.blockedKeyCount--;
      }
    }
    if (st.timer !== null) clearTimeout(st.timer);
    st.timer = null;
    if (st.deadline !== 0) this.inTimeoutTable--;
    c.blocked = false;
    c.waiting = false;
  }

  private arm(st: BlockState): void {
    const delay = Math.min(Math.max(st.deadline - Date.now(), 0), MAX_TIMER_MS);
    st.timer = setTimeout(() => this.onTimer(st), delay);
    st.timer.unref();
  }

  private onTimer(st: BlockState): void {
    st.timer = null;
    if (this.states.get(st.client) !== st) return;
    // timers may fire a little early against the wall clock, or be capped
    if (Date.now() < st.deadline) return this.arm(st);
    updateClock();
    const start = st.client.reply.len;
    this.replyTimeout(st);
    this.finish(st, start);
  }
}

/**
 * getTimeoutFromObjectOrReply(UNIT_SECONDS) as Redis 7.0.15 does it:
 * strtold, `(long long) ceill(seconds * 1000.0L)` in x87 long double (so
 * 0.0001 is 1 ms, -0.0001 is 0 = forever, and anything beyond the long long
 * range converts to LLONG_MIN: "timeout is negative"), then now is added.
 * Returns the absolute deadline in ms (0 = block forever, Infinity = a sum
 * past LLONG_MAX, which Redis lets wrap and never fires), or null after
 * replying the error.
 */
export function parseTimeout(c: Client, arg: string): number | null {
  const ms = timeoutMs(arg);
  if (ms === null) {
    c.error(Err.blockTimeoutNotFloat);
    return null;
  }
  if (ms < 0n) {
    c.error(Err.negativeTimeout);
    return null;
  }
  if (ms === 0n) return 0;
  const now = Date.now();
  if (ms > LLONG_MAX - BigInt(now)) return Infinity;
  return Number(ms) + now;
}

/**
 * A BLOCK timeout in milliseconds (XREAD, XREADGROUP: Redis's
 * getTimeoutFromObjectOrReply with UNIT_MILLISECONDS), an integer;
 * returns the absolute deadline (0 = forever, Infinity = past LLONG_MAX,
 * which never fires), or null after replying.
 */
export function parseTimeoutMs(c: Client, s: string): number | null {
  const v = toSafeInt(s) ?? toInt64(s);
  if (v === null) {
    c.error(Err.timeout);
    return null;
  }
  if (v < 0) {
    c.error(Err.negativeTimeout);
    return null;
  }
  if (v === 0 || v === 0n) return 0;
  const now = Date.now();
  if (typeof v === 'bigint' || v > Number.MAX_SAFE_INTEGER - now) return Infinity;
  return now + v;
}

/** The relative timeout in ms as Redis computes it from seconds; null when not a float. */
export function timeoutMs(arg: string): bigint | null {
  const ld = parseLongDouble(arg);
  return ld === null ? null : msCeil(ld);
}

/** (long long) ceill(x * 1000.0L) with x87 rounding and conversion. */
function msCeil(x: LongDouble): bigint {
  if (x.special !== 0) return LLONG_MIN; // inf (NaN never gets here)
  if (x.m === 0n) return 0n;
  // the product rounded to a 64-bit significand, half to even
  let q = x.m * 1000n;
  let e = x.e;
  const bits = q.toString(2).length;
  if (bits > 64) {
    const shift = BigInt(bits - 64);
    const rest = q & ((1n << shift) - 1n);
    const half = 1n << (shift - 1n);
    q >>= shift;
    if (rest > half || (rest === half && (q & 1n) === 1n)) q++;
    e += bits - 64;
  }
  let v: bigint;
  if (e >= 0) {
    if (e > 64) return LLONG_MIN;
    v = q << BigInt(e);
    if (x.neg) v = -v;
  } else {
    const sh = BigInt(-e);
    // ceil: up for positives, truncation for negatives
    v = x.neg ? -(q >> sh) : (q + (1n << sh) - 1n) >> sh;
  }
  return v > LLONG_MAX || v < LLONG_MIN ? LLONG_MIN : v;
}
