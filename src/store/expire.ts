/**
 * Active expiry: like Redis's adaptive cycle, each db's expires are walked
 * with a resumable cursor, in batches of keys; the db keeps being scanned
 * while more than the acceptable share of a batch was expired, within a time
 * budget so that clients are not stalled.
 *
 * The cron runs the slow cycle. As in Redis, when a cycle stops on its time
 * limit (a backlog of expired keys), short "fast" cycles (1 ms, at most one
 * every 2 ms) follow between events until the backlog is gone. Dbs are
 * visited round-robin across cycles so a busy db 0 cannot starve the others.
 * Nothing runs while `hooks.activeExpireEnabled` is false (DEBUG
 * SET-ACTIVE-EXPIRE 0) or on a replica.
 */
import { clock, updateClock } from '../server/clock';
import { Db, Keyspace } from './keyspace';

const KEYS_PER_LOOP = 20;
const ACCEPTABLE_STALE = 10; // percent
const FAST_DURATION_MS = 1;

export interface ExpireCycleOptions {
  /** active-expire-effort, 1..10 */
  effort: number;
  /** Time budget for this cycle in milliseconds. */
  budgetMs: number;
}

interface CycleState {
  /** Next db to visit (round-robin). */
  nextDb: number;
  /** The last cycle stopped on its time limit: keys are left to reclaim. */
  timelimitExit: boolean;
  effort: number;
  fastTimer: NodeJS.Timeout | null;
}

const states = new WeakMap<Keyspace, CycleState>();

function stateOf(ks: Keyspace): CycleState {
  let st = states.get(ks);
  if (st === undefined) {
    st = { nextDb: 0, timelimitExit: false, effort: 1, fastTimer: null };
    states.set(ks, st);
  }
  return st;
}

function enabled(ks: Keyspace): boolean {
  return ks.hooks.activeExpireEnabled !== false && ks.hooks.expireAllowed();
}

/** Runs one (slow) cycle over the dbs. Returns how many keys were reclaimed. */
export function activeExpireCycle(ks: Keyspace, opts: ExpireCycleOptions): number {
  const st = stateOf(ks);
  st.effort = opts.effort;
  if (!enabled(ks)) return 0;
  const reclaimed = runCycle(ks, st, opts.budgetMs);
  if (st.timelimitExit) scheduleFast(ks, st);
  return reclaimed;
}

function scheduleFast(ks: Keyspace, st: CycleState): void {
  if (st.fastTimer !== null) return;
  const effort = Math.max(1, Math.min(10, st.effort)) - 1;
  const duration = FAST_DURATION_MS + (FAST_DURATION_MS / 4) * effort;
  st.fastTimer = setTimeout(() => {
    st.fastTimer = null;
    if (!enabled(ks)) return;
    updateClock();
    runCycle(ks, st, duration);
    if (st.timelimitExit) scheduleFast(ks, st);
  }, duration);
  st.fastTimer.unref();
}

function runCycle(ks: Keyspace, st: CycleState, budgetMs: number): number {
  const start = performance.now();
  const effort = Math.max(1, Math.min(10, st.effort)) - 1;
  const perLoop = KEYS_PER_LOOP + (KEYS_PER_LOOP / 4) * effort;
  const stale = ACCEPTABLE_STALE - effort;
  const dbs = ks.dbs;
  let reclaimed = 0;
  let sampledTotal = 0;
  let expiredTotal = 0;
  st.timelimitExit = false;
  for (let visited = 0; visited < dbs.length; visited++) {
    // Advance first (like Redis's current_db): a cycle that stops on its
    // time limit in this db resumes with the next one.
    if (st.nextDb >= dbs.length) st.nextDb = 0;
    const db = dbs[st.nextDb++];
    if (db.expires.size !== 0) {
      for (;;) {
        const { sampled, expired } = expireBatch(db, perLoop);
        sampledTotal += sampled;
        expiredTotal += expired;
        reclaimed += expired;
        if (sampled === 0) break;
        if (performance.now() - start > budgetMs) {
          st.timelimitExit = true;
          finish();
          return reclaimed;
        }
        if ((expired * 100) / sampled <= stale) break;
      }
    }
  }
  finish();
  return reclaimed;

  function finish(): void {
    const elapsed = performance.now() - start;
    ks.stats.expireCycleCpuMs += elapsed;
    const perc = sampledTotal ? expiredTotal / sampledTotal : 0;
    ks.stats.expiredStalePerc = perc * 0.05 + ks.stats.expiredStalePerc * 0.95;
  }
}

function expireBatch(db: Db, count: number): { sampled: number; expired: number } {
  const now = clock.ms;
  let sampled = 0;
  let expired = 0;
  let ttlSum = 0;
  let ttlSamples = 0;
  let wrapped = false;
  while (sampled < count && db.expires.size > 0) {
    if (!db.expireCursor) db.expireCursor = db.expires.entries();
    const r = db.expireCursor.next();
    if (r.done) {
      db.expireCursor = null;
      if (wrapped) break;
      wrapped = true;
      continue;
    }
    sampled++;
    const [key, when] = r.value;
    if (when <= now) {
      db.deleteExpired(key);
      expired++;
    } else {
      ttlSum += when - now;
      ttlSamples++;
    }
  }
  if (ttlSamples) {
    const avg = ttlSum / ttlSamples;
    db.avgTtl = db.avgTtl ? (db.avgTtl / 50) * 49 + avg / 50 : avg;
  }
  return { sampled, expired };
}
