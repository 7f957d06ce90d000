/**
 * Lazy freeing, as Redis 7.0's lazyfree.c: UNLINK, FLUSHALL/FLUSHDB ASYNC,
 * SCRIPT FLUSH ASYNC, FUNCTION FLUSH ASYNC and the lazyfree-lazy-* configs,
 * with Redis's counters (INFO memory lazyfree_pending_objects and
 * lazyfreed_objects, kept in srv.stats).
 *
 * What "freeing" costs here. Redis frees an object by walking it (every
 * list node, set member...), so deleting a big value blocks for O(n), and
 * lazy freeing hands the walk to a background thread. In V8 dropping the
 * last reference is O(1) and the collector reclaims the memory on its own
 * threads (concurrent marking only visits live objects, sweeping is
 * concurrent), so DEL, UNLINK and every FLUSH are O(1) on the request path
 * whether SYNC or ASYNC; Db.flush replaces its maps instead of clearing them
 * entry by entry. The one place where a delete used to cost O(n) here is a
 * snapshot in progress (BGSAVE, AOF rewrite) that has not written the key
 * yet: it copied the value before the delete. A deleted value is never
 * changed again, so the snapshot now keeps the value itself (deleteKey()).
 *
 * The counters follow Redis's rules so that tools watching them see what
 * they see on Redis: freeObjAsync() sends a value to the background thread
 * when its free effort (lazyfreeGetFreeEffort: list nodes, hashtable set and
 * hash entries, skiplist zset elements, stream rax nodes and consumer
 * groups) exceeds LAZYFREE_THRESHOLD and counts it once freed; smaller ones
 * are freed at once and counted nowhere. An async flush counts every key of
 * the emptied dbs (and the client-tracking table, Lua scripts, functions
 * over the threshold). lazyfree_pending_objects is the part of that which
 * is still referenced: keys of a flushed db that a running snapshot still
 * walks, deleted values a snapshot still has to write. Everything else is
 * unreachable as soon as the command returns, so it goes straight to
 * lazyfreed_objects and pending stays 0; the memory itself is the
 * collector's to reclaim, and used_memory (accounted, not measured) drops
 * at once, as it would once Redis's thread is done.
 */
import type { Server } from '../server/server';
import type { Client } from '../server/client';
import type { Db } from '../store/keyspace';
import type { Value } from '../store/value';
import { Err } from '../protocol/errors';
import { List } from '../store/list';
import { SetValue } from '../store/set';
import { ZSet } from '../store/zset';
import { HashValue, HashTable } from '../store/hash';
import { Stream } from '../store/stream';
import { Snapshot } from '../persistence/snapshot';
import { lpEntrySize, LP_HDR_SIZE } from '../persistence/rdb/listpack';

/** LAZYFREE_THRESHOLD: values whose free effort is at most this are freed synchronously. */
export const LAZYFREE_THRESHOLD = 64;

// ---- free effort -------------------------------------------------------------

/** Node byte limits of list-max-listpack-size -1..-5 (quicklist's optimization_level). */
const NODE_BYTES = [4096, 8192, 16384, 32768, 65536];
/** SIZE_SAFETY_LIMIT: a node of a count-limited list stays within 8 KB. */
const SIZE_SAFETY_LIMIT = 8192;
const SIZE_ESTIMATE_OVERHEAD = 8;
/** Elements walked at most to count a list's nodes; past that the count is extrapolated. */
const LIST_WALK = 4096;

/**
 * Quicklist nodes of a list as RPUSH would have cut them under
 * list-max-listpack-size `fill` (_quicklistNodeAllowInsert). A list here has
 * no nodes: they are counted by walking at most LIST_WALK elements (plus the
 * node where the walk stops) and extrapolated from there, so the cost is
 * bounded whatever the length.
 */
export function quicklistNodes(l: List, fill: number): number {
  const n = l.length;
  if (n === 0) return 0;
  if (fill > 32767) fill = 32767;
  else if (fill < -5) fill = -5;
  const empty = LP_HDR_SIZE + 1;
  let nodes = 1;
  let bytes = empty;
  let count = 0;
  const walk = Math.min(n, LIST_WALK);
  for (let i = 0; i < walk; i++) {
    const e = l.at(i);
    const next = bytes + e.length + SIZE_ESTIMATE_OVERHEAD;
    const fits = fill < 0 ? next <= NODE_BYTES[-fill - 1] : next <= SIZE_SAFETY_LIMIT && count < fill;
    if (count > 0 && !fits) {
      nodes++;
      bytes = empty;
      count = 0;
    }
    bytes += lpEntrySize(e);
    count++;
  }
  if (walk === n) return nodes;
  // the walked elements filled nodes-1 nodes and part of the last one
  const used = fill < 0 ? bytes / NODE_BYTES[-fill - 1] : fill === 0 ? 1 : Math.max(bytes / SIZE_SAFETY_LIMIT, count / fill);
  return Math.max(nodes, Math.ceil(((nodes - 1 + Math.min(1, used)) * n) / walk));
}

/** Stream effort: rax nodes, plus each consumer group and the entries of the first group's PEL. */
function streamEffort(s: Stream): number {
  // numnodes is at least one node per key plus the root: beyond the
  // threshold that bound is enough, and the estimate walks every node
  let effort = s.nodeCount > LAZYFREE_THRESHOLD ? s.nodeCount + 1 : s.radixTreeNodes();
  const groups = s.groups;
  if (groups !== null && groups.size !== 0) {
    // the first group in rax order (names compared as bytes)
    let first: string | null = null;
    for (const name of groups.keys()) if (first === null || name < first) first = name;
    effort += groups.size * (1 + groups.get(first!)!.pel.size);
  }
  return effort;
}

/**
 * lazyfreeGetFreeEffort(): how many allocations freeing v takes in Redis
 * (1 for strings and the compact encodings). `listFill` is
 * list-max-listpack-size.
 */
export function freeEffort(v: Value, listFill = -2): number {
  if (typeof v === 'string') return 1;
  if (v instanceof List) return quicklistNodes(v, listFill);
  if (v instanceof SetValue) return v.ints === null ? v.size : 1;
  if (v instanceof ZSet) return v.listpack ? 1 : v.length;
  if (v instanceof HashValue) return v.d instanceof HashTable ? v.size : 1;
  if (v instanceof Stream) return streamEffort(v);
  return 1;
}

/**
 * rax->numnodes of a radix tree holding `keys` (distinct, any order): the
 * root, then a node at every key end, branching point and child of a
 * branching point; a run with one child and no key is one compressed node.
 * Client tracking's table is a rax in Redis: its lazy free depends on this.
 */
export function raxNodes(keys: string[]): number {
  const sorted = keys.slice().sort();
  return sorted.length === 0 ? 1 : raxBelow(sorted, 0, sorted.length, 0);
}

/** Nodes from the node at depth d shared by sorted[lo, hi). */
function raxBelow(k: string[], lo: number, hi: number, d: number): number {
  // a key ending here sorts first
  let i = lo;
  if (k[i].length === d) i++;
  if (i === hi) return 1;
  // children: runs of keys with the same byte at d
  const groups: [number, number][] = [];
  for (let j = i; j < hi; ) {
    const ch = k[j].charCodeAt(d);
    let e = j + 1;
    while (e < hi && k[e].charCodeAt(d) === ch) e++;
    groups.push([j, e]);
    j = e;
  }
  if (groups.length === 1) {
    // compressed: on to the first depth where the run branches or a key ends
    const [a, b] = groups[0];
    let depth = d + 1;
    const first = k[a];
    const last = k[b - 1];
    const stop = Math.min(first.length, last.length);
    while (depth < stop && first.charCodeAt(depth) === last.charCodeAt(depth)) depth++;
    return 1 + raxBelow(k, a, b, depth);
  }
  let total = 1;
  for (const [a, b] of groups) total += raxBelow(k, a, b, d + 1);
  return total;
}

// ---- freeing ------------------------------------------------------------------

function listFill(srv: Server): number {
  const f = srv.config?.values['list-max-listpack-size'];
  return typeof f === 'number' ? f : -2;
}

/** Objects are pending once handed over and counted freed when released. */
function handOver(srv: Server, n: number): () => void {
  srv.stats.lazyfreePendingObjects += n;
  return () => {
    srv.stats.lazyfreePendingObjects -= n;
    srv.stats.lazyfreedObjects += n;
  };
}

/** Run `release` once every holder has called back (holders counted up front). */
function afterAll(holders: number, release: () => void): () => void {
  let left = holders;
  return () => {
    if (--left === 0) release();
  };
}

/**
 * freeObjAsync() for a value that has left the keyspace: counted as lazily
 * freed when async and its effort is over the threshold.
 */
export function freeObject(srv: Server, v: Value, async: boolean): void {
  if (async && freeEffort(v, listFill(srv)) > LAZYFREE_THRESHOLD) handOver(srv, 1)();
}

/** Set while a command frees a value itself (valueDropped ignores it then). */
let freeingHere = false;

/**
 * dbGenericDelete(): delete key from db, freeing its value lazily or not;
 * false when it did not exist (or had expired: deleted as expired). A
 * snapshot that still has to write the key keeps the value itself rather
 * than a copy; a lazily freed one stays pending until it is written.
 */
export function deleteKey(srv: Server, db: Db, key: string, async: boolean): boolean {
  if (!async && db.ks.observers.length === 0) {
    // DEL's common case: nothing to count, nobody to hand the value to
    freeingHere = true;
    try {
      return db.delete(key);
    } finally {
      freeingHere = false;
    }
  }
  if (db.isExpired(key)) {
    db.delete(key); // expires it (and replies as absent)
    return false;
  }
  const v = db.dict.get(key);
  if (v === undefined) return false;
  const lazy = async && freeEffort(v, listFill(srv)) > LAZYFREE_THRESHOLD;
  const obs = db.ks.observers;
  const kept: Snapshot[] = [];
  for (let i = 0; i < obs.length; i++) {
    const o = obs[i];
    if (o instanceof Snapshot && o.keepDeleted(db, key, v)) kept.push(o);
  }
  freeingHere = true;
  try {
    db.delete(key);
  } finally {
    freeingHere = false;
  }
  if (!lazy) return true;
  const release = handOver(srv, 1);
  if (kept.length === 0) release();
  else {
    const done = afterAll(kept.length, release);
    for (const s of kept) s.onReleased(db, key, done);
  }
  return true;
}

/**
 * The keyspace hook for values it drops by itself (a delete or overwrite
 * by a command other than DEL/UNLINK/FLUSH, expiry): freed as
 * lazyfree-lazy-expire or lazyfree-lazy-server-del say. Eviction frees
 * through freeObject() with lazyfree-lazy-eviction.
 */
export function valueDropped(srv: Server, v: Value, expired: boolean): void {
  if (freeingHere) return;
  const s = srv.settings;
  if (expired ? s.lazyfreeLazyExpire : s.lazyfreeLazyServerDel) freeObject(srv, v, true);
}

/** Tracking's table is freed with an async flush: counted when its rax is over the threshold. */
function trackingTableEffort(srv: Server): number {
  const t = srv.tracking;
  const n = t.totalKeys;
  if (n === 0) return 0;
  // every key ends at a node of its own: past the threshold, no need to build the shape
  if (n > LAZYFREE_THRESHOLD) return n;
  return raxNodes(t.someKeys(n)) > LAZYFREE_THRESHOLD ? n : 0;
}

/**
 * emptyData() for FLUSHDB/FLUSHALL: empty dbs, counting their keys as lazily
 * freed when async (emptyDbAsync). A db a snapshot still walks is held by it
 * (takeOver): its keys stay pending until the walk is done with them.
 * Returns how many keys were removed.
 */
export function emptyDbs(srv: Server, dbs: readonly Db[], async: boolean): number {
  const ks = srv.keyspace;
  if (!async) return ks.flushDbs(dbs);
  const tracked = srv.tracking.inUse ? trackingTableEffort(srv) : 0;
  const before = dbs.map((db) => ({ db, dict: db.dict, n: db.size }));
  const removed = ks.flushDbs(dbs);
  if (tracked > 0) handOver(srv, tracked)();
  for (const { dict, n } of before) {
    const release = handOver(srv, n);
    if (n === 0) {
      release();
      continue;
    }
    const holders: Snapshot[] = [];
    for (const o of ks.observers) if (o instanceof Snapshot && o.holdsFlushed(dict)) holders.push(o);
    if (holders.length === 0) release();
    else {
      const done = afterAll(holders.length, release);
      for (const s of holders) s.onFlushedReleased(dict, done);
    }
  }
  return removed;
}

/** replica-lazy-flush: how a replica empties its dataset before loading a full sync (for the replication layer). */
export function emptyForFullSync(srv: Server): number {
  return emptyDbs(srv, srv.keyspace.dbs, srv.settings.replicaLazyFlush);
}

/**
 * getFlushCommandFlags(): the optional SYNC|ASYNC argument of FLUSHDB and
 * FLUSHALL (lazyfree-lazy-user-flush without one); null after replying the
 * syntax error.
 */
export function flushMode(c: Client, argv: string[]): boolean | null {
  if (argv.length === 2) {
    const m = argv[1].toLowerCase();
    if (m === 'sync') return false;
    if (m === 'async') return true;
  } else if (argv.length === 1) return c.server.settings.lazyfreeLazyUserFlush;
  c.error(Err.syntax);
  return null;
}

/**
 * The SYNC|ASYNC argument of SCRIPT FLUSH / FUNCTION FLUSH at argv[2]: the
 * mode, or null when it is neither (the caller replies its own error).
 */
export function subFlushMode(c: Client, argv: string[]): boolean | null {
  if (argv.length === 2) return c.server.settings.lazyfreeLazyUserFlush;
  if (argv.length === 3) {
    const m = argv[2].toLowerCase();
    if (m === 'sync') return false;
    if (m === 'async') return true;
  }
  return null;
}

/**
 * freeLuaScriptsAsync() / freeFunctionsAsync(): a cache of `count` scripts
 * or functions released; counted when async and over the threshold.
 */
export function freeScriptCache(srv: Server, count: number, async: boolean): void {
  if (async && count > LAZYFREE_THRESHOLD) handOver(srv, count)();
}
