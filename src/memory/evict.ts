/**
 * maxmemory eviction as Redis 7.0 does it (evict.c): before each command
 * (and from a timer while a time-bounded run is unfinished) keys are evicted
 * until the accounted memory is back under `maxmemory`. LRU, LFU and TTL
 * policies keep a pool of the 16 best candidates across samples and
 * databases; random policies take any key.
 *
 * Sampling: keys are drawn at random from the dict's slots (store/dict.ts).
 * A Map walked in its own order would sample keys of one age at a time,
 * which misleads LRU badly. Volatile policies draw from the dict too and
 * keep keys with a TTL; when few keys have one (or the dict's slots are
 * mostly free) they walk the expires map from where the last walk stopped.
 */
import v8 from 'node:v8';
import type { Server } from '../server/server';
import type { Client } from '../server/client';
import { Command, F } from '../server/command';
import type { Db } from '../store/keyspace';
import { Notify } from '../store/keyspace';
import { lfuDecrAndReturn, lruIdleSeconds } from '../store/lfu';
import { clock } from '../server/clock';
import { usedMemory } from './used';
import { ClientEvictor, clientEvictionLimit } from './client-evict';

const EVPOOL_SIZE = 16;

export const enum EvictResult {
  Ok,
  Running,
  Fail,
}

const enum Policy {
  NoEviction,
  AllkeysLru,
  VolatileLru,
  AllkeysLfu,
  VolatileLfu,
  AllkeysRandom,
  VolatileRandom,
  VolatileTtl,
}

const POLICIES: Record<string, Policy> = {
  noeviction: Policy.NoEviction,
  'allkeys-lru': Policy.AllkeysLru,
  'volatile-lru': Policy.VolatileLru,
  'allkeys-lfu': Policy.AllkeysLfu,
  'volatile-lfu': Policy.VolatileLfu,
  'allkeys-random': Policy.AllkeysRandom,
  'volatile-random': Policy.VolatileRandom,
  'volatile-ttl': Policy.VolatileTtl,
};

interface PoolEntry {
  key: string | null;
  /** The key's slot in its dict when sampled: still the key's if keyAt(slot) is the key. */
  slot: number;
  dbid: number;
  /** Higher is a better candidate (idle time, 255 - LFU counter, or how soon it expires). */
  idle: number;
}

/** A resumable walk over one db's dict or expires, wrapping around. */
class SampleCursor {
  private it: Iterator<string> | null = null;
  private source: unknown = null;
  private epoch = 0;

  /** Up to n keys from where the walk stopped (fewer only when the map has fewer). */
  take(source: { keys(): IterableIterator<string>; size: number; epoch?: number }, n: number, out: string[]): void {
    out.length = 0;
    // a dict replaced (SWAPDB, FLUSHDB during a save) or cleared: start over
    const epoch = source.epoch ?? 0;
    if (source !== this.source || epoch !== this.epoch) {
      this.source = source;
      this.epoch = epoch;
      this.it = null;
    }
    const want = Math.min(n, source.size);
    let wrapped = false;
    while (out.length < want) {
      if (this.it === null) this.it = source.keys();
      const r = this.it.next();
      if (r.done === true) {
        this.it = null;
        if (wrapped) return;
        wrapped = true;
        continue;
      }
      out.push(r.value);
    }
  }
}

export class Evictor {
  private readonly pool: PoolEntry[] = Array.from({ length: EVPOOL_SIZE }, () => ({ key: null, slot: -1, dbid: 0, idle: 0 }));
  private readonly dictCursors: SampleCursor[] = [];
  private readonly expiresCursors: SampleCursor[] = [];
  private readonly sample: string[] = [];
  /** The slots of the sampled keys (-1: found by a walk, look it up). */
  private readonly sampleSlots: number[] = [];
  private nextDb = 0;
  private policy = Policy.NoEviction;
  private timer: NodeJS.Immediate | null = null;
  /** When used memory first exceeded maxmemory in the current episode (ms, 0: not over). */
  private overSince = 0;
  private overTotalMs = 0;

  constructor(private readonly srv: Server) {
    for (let i = 0; i < srv.keyspace.dbs.length; i++) {
      this.dictCursors.push(new SampleCursor());
      this.expiresCursors.push(new SampleCursor());
    }
    this.configure();
  }

  /** maxmemory / maxmemory-policy changed (startup and CONFIG SET). */
  configure(): void {
    this.policy = POLICIES[this.srv.settings.maxmemoryPolicy] ?? Policy.NoEviction;
    for (const e of this.pool) e.key = null;
  }

  /** INFO stats: total_eviction_exceeded_time and current_eviction_exceeded_time (ms). */
  exceededTime(): { total: number; current: number } {
    const current = this.overSince === 0 ? 0 : clock.ms - this.overSince;
    return { total: this.overTotalMs + current, current };
  }

  private cfg(name: 'maxmemory-samples' | 'maxmemory-eviction-tenacity', dflt: number): number {
    const v = this.srv.config?.values[name];
    return v === undefined ? dflt : Number(v);
  }

  /** evictionTimeLimitUs(): how long one run may take before it goes on from a timer. */
  private timeLimitUs(): number {
    const t = this.cfg('maxmemory-eviction-tenacity', 10);
    if (t <= 10) return 50 * t;
    if (t < 100) return 500 * Math.pow(1.15, t - 10);
    return Infinity;
  }

  /** Memory over maxmemory (getMaxmemoryState), 0 when within it. */
  private toFree(): number {
    const max = this.srv.settings.maxmemory;
    if (max === 0) return 0;
    const used = usedMemory(this.srv, true);
    return used > max ? used - max : 0;
  }

  private updateExceeded(over: boolean): void {
    if (over && this.overSince === 0) this.overSince = clock.ms;
    else if (!over && this.overSince !== 0) {
      this.overTotalMs += clock.ms - this.overSince;
      this.overSince = 0;
    }
  }

  /** Redis's performEvictions(). */
  perform(): EvictResult {
    const srv = this.srv;
    // isSafeToPerformEvictions(): not while loading, a busy script or a client pause
    if (srv.loading !== null || srv.busyScript !== null || srv.keyspace.loading || (srv.pause.until !== 0 && srv.isPaused())) return EvictResult.Ok;
    let toFree = this.toFree();
    if (toFree === 0) {
      this.updateExceeded(false);
      return EvictResult.Ok;
    }
    this.updateExceeded(true);
    if (this.policy === Policy.NoEviction) return EvictResult.Fail;
    const limitUs = this.timeLimitUs();
    const start = performance.now();
    let freed = 0;
    let evicted = 0;
    while (freed < toFree) {
      const best = this.policy === Policy.AllkeysRandom || this.policy === Policy.VolatileRandom ? this.randomKey() : this.poolKey();
      if (best === null) return EvictResult.Fail;
      const [db, key] = best;
      const before = db.bytes;
      this.evictKey(db, key);
      freed += before - db.bytes;
      evicted++;
      if (evicted % 16 === 0) {
        if ((performance.now() - start) * 1000 > limitUs) {
          this.startTimer();
          return EvictResult.Running;
        }
        // other accounted memory (client buffers) may have shrunk meanwhile
        toFree = Math.min(toFree, freed + this.toFree());
      }
    }
    if (this.timer === null) this.updateExceeded(false);
    return this.timer !== null ? EvictResult.Running : EvictResult.Ok;
  }

  /** Delete an evicted key as Redis does: the event, WATCH, the propagated DEL or UNLINK, the stat. */
  private evictKey(db: Db, key: string): void {
    const srv = this.srv;
    db.delete(key);
    srv.keyspace.stats.evictedKeys++;
    srv.keyModified(db, key, false);
    srv.notify(Notify.evicted, 'evicted', key, db.id);
    srv.propagate(db.id, [this.lazy() ? 'UNLINK' : 'DEL', key]);
  }

  private lazy(): boolean {
    return this.srv.config?.values['lazyfree-lazy-eviction'] === true;
  }

  /** evictionTimeProc: a run that hit its time limit goes on between event-loop turns. */
  private startTimer(): void {
    if (this.timer !== null) return;
    const tick = (): void => {
      this.timer = null;
      if (this.perform() === EvictResult.Running && this.timer === null) this.startTimer();
    };
    this.timer = setImmediate(tick);
  }

  private volatile(): boolean {
    const p = this.policy;
    return p === Policy.VolatileLru || p === Policy.VolatileLfu || p === Policy.VolatileRandom || p === Policy.VolatileTtl;
  }

  /** Random policies: a key of the next db that has one (dictGetRandomKey). */
  private randomKey(): [Db, string] | null {
    const dbs = this.srv.keyspace.dbs;
    const vol = this.volatile();
    for (let i = 0; i < dbs.length; i++) {
      const j = ++this.nextDb % dbs.length;
      const db = dbs[j];
      if ((vol ? db.expires.size : db.dict.size) === 0) continue;
      this.draw(db, vol, 1);
      const key = this.sample[0];
      if (key !== undefined) return [db, key];
    }
    return null;
  }

  /**
   * dictGetSomeKeys(): up to n keys of db at random (with a TTL for volatile
   * policies) into this.sample, their slots into this.sampleSlots: the
   * scores are then read from the slots, without a lookup per key (each a
   * likely cache miss in a big dict).
   */
  private draw(db: Db, vol: boolean, n: number): void {
    const out = this.sample;
    const slots = this.sampleSlots;
    out.length = 0;
    slots.length = 0;
    const d = db.dict;
    // with few keys holding a TTL, random draws would mostly miss: walk the expires instead
    const random = !vol || db.expires.size * 8 >= d.size;
    if (random) {
      for (let tries = 0; out.length < n && tries < n * 8; tries++) {
        const s = d.randomSlot();
        if (s < 0) break;
        const key = d.keyAt(s);
        if (vol && !db.expires.has(key)) continue;
        out.push(key);
        slots.push(s);
      }
      if (out.length !== 0) return;
    }
    const cursor = vol ? this.expiresCursors[db.id] : this.dictCursors[db.id];
    cursor.take(vol ? db.expires : d, n, out);
    for (let i = 0; i < out.length; i++) slots.push(d.slot(out[i]));
  }

  /** LRU / LFU / TTL: refill the pool from every db, then take its best key that still exists. */
  private poolKey(): [Db, string] | null {
    const dbs = this.srv.keyspace.dbs;
    const vol = this.volatile();
    for (;;) {
      let total = 0;
      for (let i = 0; i < dbs.length; i++) {
        const db = dbs[i];
        const size = vol ? db.expires.size : db.dict.size;
        if (size === 0) continue;
        total += size;
        this.populate(db, vol);
      }
      if (total === 0) return null;
      for (let k = EVPOOL_SIZE - 1; k >= 0; k--) {
        const e = this.pool[k];
        if (e.key === null) continue;
        const key = e.key;
        const db = dbs[e.dbid];
        const slot = e.slot;
        e.key = null;
        e.idle = 0;
        // a ghost (deleted since it was sampled, or its TTL removed) is skipped
        if (slot >= 0 && db.dict.keyAt(slot) === key && (!vol || db.expires.has(key))) return [db, key];
      }
    }
  }

  /** evictionPoolPopulate(): score maxmemory-samples keys of db and insert the better ones. */
  private populate(db: Db, vol: boolean): void {
    this.draw(db, vol, this.cfg('maxmemory-samples', 5));
    const pool = this.pool;
    const ks = this.srv.keyspace;
    const sample = this.sample;
    for (let i = 0; i < sample.length; i++) {
      const key = sample[i];
      const slot = this.sampleSlots[i];
      if (slot < 0) continue;
      let idle: number;
      if (this.policy === Policy.VolatileTtl) {
        // the sooner it expires the better
        idle = Number.MAX_SAFE_INTEGER - db.getExpire(key);
      } else {
        const word = db.accessWordAt(slot);
        idle = this.policy === Policy.AllkeysLfu || this.policy === Policy.VolatileLfu ? 255 - lfuDecrAndReturn(word, clock.ms, ks.lfuDecayTime) : lruIdleSeconds(word, clock.ms) * 1000;
      }
      // the first empty slot or the first with a smaller score
      let k = 0;
      while (k < EVPOOL_SIZE && pool[k].key !== null && pool[k].idle < idle) k++;
      if (k === 0 && pool[EVPOOL_SIZE - 1].key !== null) continue;
      if (k < EVPOOL_SIZE && pool[k].key === null) {
        // an empty slot: nothing to move
      } else if (pool[EVPOOL_SIZE - 1].key === null) {
        // room on the right: shift k.. right
        const last = pool[EVPOOL_SIZE - 1];
        for (let j = EVPOOL_SIZE - 1; j > k; j--) pool[j] = pool[j - 1];
        pool[k] = last;
      } else {
        // full: drop the worst (leftmost) and insert at k-1
        k--;
        const first = pool[0];
        for (let j = 0; j < k; j++) pool[j] = pool[j + 1];
        pool[k] = first;
      }
      const e = pool[k];
      e.key = key;
      e.slot = slot;
      e.idle = idle;
      e.dbid = db.id;
    }
  }
}

/**
 * The dispatcher's maxmemory check (processCommand): evict first, then
 * refuse a command that may grow memory when nothing more can be evicted.
 * Returns the error to reply, or null. `denyOom` is the command's deny-oom
 * flag as the command sees it (EXEC of a transaction with one, a script
 * without allow-oom).
 */
export function checkMemory(srv: Server, ev: Evictor, c: Client, cmd: Command, denyOom: boolean): boolean {
  const outOfMemory = ev.perform() === EvictResult.Fail;
  srv.preCommandOom = outOfMemory;
  if (!outOfMemory) return false;
  let reject = denyOom;
  // queuing in MULTI may grow memory without bound; DISCARD, EXEC, QUIT and RESET always pass
  if (c.multi !== null && !reject) {
    const n = cmd.fullname;
    reject = n !== 'exec' && n !== 'discard' && n !== 'quit' && n !== 'reset';
  }
  return reject;
}

/** Whether cmd is deny-oom for this call (getCommandFlags): EXEC of a queue with one, scripts by their flags. */
export function commandDeniesOom(c: Client, cmd: Command, argv: string[]): boolean {
  if (cmd.spec.denyOom !== undefined) return cmd.spec.denyOom(c, argv);
  if (cmd.has(F.denyoom)) return true;
  return cmd.fullname === 'exec' && c.multi !== null && c.multi.denyOom;
}

/** Eviction for a server: the dispatcher's check while maxmemory is set, reconfigured on CONFIG SET. */
export function installEviction(srv: Server): Evictor {
  const ev = new Evictor(srv);
  const clients = new ClientEvictor(srv);
  srv.cronJobs.push(() => clients.cron());
  let maxmemory = srv.settings.maxmemory;
  const apply = (): void => {
    ev.configure();
    if (srv.settings.maxmemory !== maxmemory) {
      maxmemory = srv.settings.maxmemory;
      const used = usedMemory(srv, true);
      if (maxmemory !== 0 && maxmemory < used) {
        srv.log.warning(
          `WARNING: the new maxmemory value set via CONFIG SET (${maxmemory}) is smaller than the current memory usage (${used}). This will result in key eviction and/or the inability to accept new write commands depending on the maxmemory-policy.`,
        );
      }
    }
    srv.keyspace.lfuLogFactor = Number(srv.config?.values['lfu-log-factor'] ?? 10);
    const on = srv.settings.maxmemory !== 0;
    const clientLimit = clientEvictionLimit(srv) !== 0;
    if (on && clientLimit) srv.oomCheck = (c, cmd, argv) => clients.beforeCommand(c) || checkMemory(srv, ev, c, cmd, commandDeniesOom(c, cmd, argv));
    else if (on) srv.oomCheck = (c, cmd, argv) => checkMemory(srv, ev, c, cmd, commandDeniesOom(c, cmd, argv));
    else if (clientLimit) srv.oomCheck = (c) => clients.beforeCommand(c);
    else srv.oomCheck = null;
    if (!on) srv.preCommandOom = false;
    boundHeapGrowth(on);
  };
  apply();
  srv.settingsHooks.push(apply);
  evictors.set(srv, ev);
  return ev;
}

const evictors = new WeakMap<Server, Evictor>();

/**
 * With maxmemory set, V8's old generation may grow only by HEAP_GROWTH_PERCENT
 * past what is live before it is collected. V8's own factor (up to 4x for
 * a fast-allocating process) would let evicted keys' garbage pile up to
 * several times the dataset: with maxmemory 100mb a SET load reached 506 MB
 * of RSS, 276 MB with the bound (bench/maxmemory-rss.mjs). The price is
 * more frequent (incremental, mostly concurrent) major collections.
 */
const HEAP_GROWTH_PERCENT = 30;

function boundHeapGrowth(on: boolean): void {
  v8.setFlagsFromString(`--heap-growing-percent=${on ? HEAP_GROWTH_PERCENT : 0}`);
}

/** The server's evictor (INFO stats' eviction times), if installed. */
export function evictorOf(srv: Server): Evictor | undefined {
  return evictors.get(srv);
}
