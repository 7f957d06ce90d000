/**
 * used_memory and its breakdown (Redis's getMemoryOverheadData()), for
 * INFO memory, MEMORY STATS and MEMORY DOCTOR, on V8's figures.
 *
 * used_memory is accounted, not measured (DESIGN.md, memory): the heap the
 * process held when the server was created (used_memory_startup), plus the
 * accounted bytes of every key and value (Keyspace.datasetBytes, kept by
 * the write path from memory/estimate.ts), plus the overheads: client
 * buffers, the AOF buffer, the script caches and the expires entries. The
 * overheads are summed by the cron (at hz) and before each report, so
 * usedMemory() - what eviction asks before every command - is two additions.
 *
 * The allocator_* fields describe V8's heap as jemalloc's are described:
 * allocated = live and not yet collected objects (heapUsed) plus memory
 * outside the heap that V8 accounts for (external: Buffers, typed arrays);
 * active = the heap's committed pages plus external; resident = the
 * heap's physical pages plus external (at least active); RSS is the
 * process's.
 */
import os from 'node:os';
import v8 from 'node:v8';
import type { Server } from '../server/server';
import type { Client } from '../server/client';
import { AofState } from '../persistence/aof/writer';
import { clientInfoHooks } from '../commands/client';
import { bytesToHuman, fixed2 } from '../commands/shared';
import { DICT_ENTRY, EXPIRE_ENTRY } from './estimate';

/** What the scripting layers report (they replace these: scripting/commands.ts, scripting/functions/commands.ts). */
export const scriptMemory = {
  /** EVAL's script cache: bodies, SHA1s and their entries (used_memory_scripts_eval, MEMORY STATS lua.caches). */
  evalCaches: (_srv: Server): number => 0,
  /** Scripts in EVAL's cache (MEMORY DOCTOR's many-scripts check). */
  evalScripts: (_srv: Server): number => 0,
  /** The libraries' code and function entries (used_memory_functions, functions.caches). */
  functionsCaches: (_srv: Server): number => 0,
  /**
   * The Lua VMs (used_memory_vm_eval / _vm_functions). fengari keeps no
   * count of its memory: the figure is nominal, an empty Lua 5.1 state's,
   * and, as in Redis 7.0, not part of used_memory.
   */
  evalVm: (_srv: Server): number => LUA_VM_NOMINAL,
  functionsVm: (_srv: Server): number => LUA_VM_NOMINAL,
};

const LUA_VM_NOMINAL = 32768;

/**
 * A client's buffers as CLIENT LIST's tot-mem counts them (without the
 * arguments of a running command): query buffer, reply buffer, what its
 * socket still queues, its MULTI state, and the client's own objects.
 */
const CLIENT_FIXED = 768;

export function clientMemory(c: Client): number {
  const qbuf = Math.max(c.reader.capacity, c.reader.pending);
  const omem = c.socket !== null ? c.socket.writableLength : 0;
  return CLIENT_FIXED + qbuf + c.reply.buf.length + omem + clientInfoHooks.multiMem(c);
}

class MemoryState {
  peak: number;
  clientsNormal = 0;
  clientsReplicas = 0;
  aofBuffer = 0;
  evalCaches = 0;
  functionsCaches = 0;
  /** Expires entries of every db. */
  expires = 0;
  /** Everything above: used_memory beyond startup and the dataset. */
  overhead = 0;
  /** Cron ticks, to sum the clients once a second. */
  ticks = 0;

  constructor(readonly startup: number) {
    this.peak = startup;
  }
}

const states = new WeakMap<Server, MemoryState>();

/** The heap V8 holds now (objects, collected or not, and its external memory). */
function heapNow(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/**
 * The server's memory state, created with its startup figure on first use:
 * installMemory() at server creation, so that startup is the empty server.
 */
function stateOf(srv: Server): MemoryState {
  let st = states.get(srv);
  if (st === undefined) {
    st = new MemoryState(heapNow());
    states.set(srv, st);
    const s = st;
    srv.cronJobs.push(() => memoryCron(srv, s));
    refresh(srv, st);
  }
  return st;
}

/** Called when the server is created, before anything is loaded: records used_memory_startup. */
export function installMemory(srv: Server): void {
  stateOf(srv);
}

/** used_memory: startup + overheads + the accounted dataset. O(1): eviction calls it before commands. */
export function usedMemory(srv: Server): number {
  const st = states.get(srv) ?? stateOf(srv);
  return st.startup + st.overhead + srv.keyspace.datasetBytes;
}

/** Sum the client buffers (once a second from the cron, as clientsCron visits every client; and for reports). */
function sumClients(srv: Server, st: MemoryState): void {
  let normal = 0;
  let replicas = 0;
  for (const c of srv.clients.values()) {
    const m = clientMemory(c);
    if (clientInfoHooks.isReplica(c) && !c.monitor) replicas += m;
    else normal += m;
  }
  st.clientsNormal = normal;
  st.clientsReplicas = replicas;
}

/** Re-sum the overheads (cron, reports). */
function refresh(srv: Server, st: MemoryState, clients = true): void {
  if (clients) sumClients(srv, st);
  const aof = srv.aof;
  st.aofBuffer = aof !== null && aof.state !== AofState.Off ? aof.buf.buf.length : 0;
  st.evalCaches = scriptMemory.evalCaches(srv);
  st.functionsCaches = scriptMemory.functionsCaches(srv);
  let expires = 0;
  for (const db of srv.keyspace.dbs) expires += db.expires.size;
  st.expires = expires * EXPIRE_ENTRY;
  st.overhead = st.clientsNormal + st.clientsReplicas + st.aofBuffer + st.evalCaches + st.functionsCaches + st.expires;
}

/**
 * What eviction leaves out of used_memory (freeMemoryGetNotCountedMemory):
 * the replicas' output buffers and the AOF buffer, which evicting keys
 * would only grow.
 */
export function notCountedForEvict(srv: Server): number {
  const st = states.get(srv) ?? stateOf(srv);
  return st.clientsReplicas + st.aofBuffer;
}

function memoryCron(srv: Server, st: MemoryState): void {
  refresh(srv, st, ++st.ticks % Math.max(1, srv.settings.hz) === 0);
  const used = st.startup + st.overhead + srv.keyspace.datasetBytes;
  if (used > st.peak) st.peak = used;
}

/** A ratio as Redis computes them, in a C float. */
function ratio(a: number, b: number): number {
  return Math.fround(a / b);
}

/** getMemoryOverheadData(), plus the allocator figures of the cron's malloc stats. */
export interface MemoryOverhead {
  used: number;
  peak: number;
  startup: number;
  rss: number;
  replBacklog: number;
  clientsSlaves: number;
  clientsNormal: number;
  clusterLinks: number;
  aofBuffer: number;
  evalCaches: number;
  functionsCaches: number;
  /** Dbs holding keys: id, dict entries' and expires entries' bytes. */
  dbs: { id: number; main: number; expires: number }[];
  overheadTotal: number;
  totalKeys: number;
  bytesPerKey: number;
  dataset: number;
  datasetPerc: number;
  peakPerc: number;
  allocated: number;
  active: number;
  resident: number;
  allocatorFrag: number;
  allocatorFragBytes: number;
  allocatorRss: number;
  allocatorRssBytes: number;
  rssExtra: number;
  rssExtraBytes: number;
  totalFrag: number;
  totalFragBytes: number;
}

export function memoryOverhead(srv: Server): MemoryOverhead {
  const st = stateOf(srv);
  refresh(srv, st);
  const used = usedMemory(srv);
  if (used > st.peak) st.peak = used;
  const mu = process.memoryUsage();
  const hs = v8.getHeapStatistics();
  const allocated = mu.heapUsed + mu.external;
  const active = Math.max(allocated, mu.heapTotal + mu.external);
  const resident = Math.max(active, hs.total_physical_size + mu.external);
  const rss = mu.rss;
  const dbs: MemoryOverhead['dbs'] = [];
  let totalKeys = 0;
  let overheadTotal = st.startup + st.clientsNormal + st.clientsReplicas + st.aofBuffer + st.evalCaches + st.functionsCaches;
  for (const db of srv.keyspace.dbs) {
    const keys = db.size;
    if (keys === 0) continue;
    totalKeys += keys;
    const main = keys * DICT_ENTRY;
    const expires = db.expires.size * EXPIRE_ENTRY;
    dbs.push({ id: db.id, main, expires });
    overheadTotal += main + expires;
  }
  const dataset = Math.max(0, used - overheadTotal);
  const netUsage = used > st.startup ? used - st.startup : 1;
  return {
    used,
    peak: st.peak,
    startup: st.startup,
    rss,
    replBacklog: 0,
    clientsSlaves: st.clientsReplicas,
    clientsNormal: st.clientsNormal,
    clusterLinks: 0,
    aofBuffer: st.aofBuffer,
    evalCaches: st.evalCaches,
    functionsCaches: st.functionsCaches,
    dbs,
    overheadTotal,
    totalKeys,
    // 7.0 divides the net usage (used - startup), not the dataset
    bytesPerKey: totalKeys !== 0 ? Math.floor(netUsage / totalKeys) : 0,
    dataset,
    datasetPerc: ratio(dataset * 100, netUsage),
    peakPerc: ratio(used * 100, st.peak),
    allocated,
    active,
    resident,
    allocatorFrag: ratio(active, allocated),
    allocatorFragBytes: active - allocated,
    allocatorRss: ratio(resident, active),
    allocatorRssBytes: resident - active,
    rssExtra: ratio(rss, resident),
    rssExtraBytes: rss - resident,
    totalFrag: ratio(rss, used),
    totalFragBytes: rss - used,
  };
}

/** INFO's mem_allocator: the heap everything lives in. */
export const MEM_ALLOCATOR = `v8-${process.versions.v8}`;

/** Server stats fields of another layer (lazy freeing), when it has set them. */
function statField(srv: Server, name: string): number {
  const v = (srv.stats as unknown as Record<string, unknown>)[name];
  return typeof v === 'number' ? v : 0;
}

/** The lines of INFO's Memory section, in Redis 7.0's order. */
export function memoryInfoLines(srv: Server): string[] {
  const mh = memoryOverhead(srv);
  const s = srv.settings;
  const vmEval = scriptMemory.evalVm(srv);
  const vmFunctions = scriptMemory.functionsVm(srv);
  const scripts = mh.evalCaches + mh.functionsCaches;
  const total = os.totalmem();
  return [
    `used_memory:${mh.used}`,
    `used_memory_human:${bytesToHuman(mh.used)}`,
    `used_memory_rss:${mh.rss}`,
    `used_memory_rss_human:${bytesToHuman(mh.rss)}`,
    `used_memory_peak:${mh.peak}`,
    `used_memory_peak_human:${bytesToHuman(mh.peak)}`,
    `used_memory_peak_perc:${fixed2(mh.peakPerc)}%`,
    `used_memory_overhead:${mh.overheadTotal}`,
    `used_memory_startup:${mh.startup}`,
    `used_memory_dataset:${mh.dataset}`,
    `used_memory_dataset_perc:${fixed2(mh.datasetPerc)}%`,
    `allocator_allocated:${mh.allocated}`,
    `allocator_active:${mh.active}`,
    `allocator_resident:${mh.resident}`,
    `total_system_memory:${total}`,
    `total_system_memory_human:${bytesToHuman(total)}`,
    `used_memory_lua:${vmEval}`,
    `used_memory_vm_eval:${vmEval}`,
    `used_memory_lua_human:${bytesToHuman(vmEval)}`,
    `used_memory_scripts_eval:${mh.evalCaches}`,
    'number_of_cached_scripts:0',
    'number_of_functions:0',
    'number_of_libraries:0',
    `used_memory_vm_functions:${vmFunctions}`,
    `used_memory_vm_total:${vmEval + vmFunctions}`,
    `used_memory_vm_total_human:${bytesToHuman(vmEval + vmFunctions)}`,
    `used_memory_functions:${mh.functionsCaches}`,
    `used_memory_scripts:${scripts}`,
    `used_memory_scripts_human:${bytesToHuman(scripts)}`,
    `maxmemory:${s.maxmemory}`,
    `maxmemory_human:${bytesToHuman(s.maxmemory)}`,
    `maxmemory_policy:${s.maxmemoryPolicy}`,
    `allocator_frag_ratio:${fixed2(mh.allocatorFrag)}`,
    `allocator_frag_bytes:${mh.allocatorFragBytes}`,
    `allocator_rss_ratio:${fixed2(mh.allocatorRss)}`,
    `allocator_rss_bytes:${mh.allocatorRssBytes}`,
    `rss_overhead_ratio:${fixed2(mh.rssExtra)}`,
    `rss_overhead_bytes:${mh.rssExtraBytes}`,
    `mem_fragmentation_ratio:${fixed2(mh.totalFrag)}`,
    `mem_fragmentation_bytes:${mh.totalFragBytes}`,
    `mem_not_counted_for_evict:${notCountedForEvict(srv)}`,
    `mem_replication_backlog:${mh.replBacklog}`,
    `mem_total_replication_buffers:${mh.replBacklog + mh.clientsSlaves}`,
    `mem_clients_slaves:${mh.clientsSlaves}`,
    `mem_clients_normal:${mh.clientsNormal}`,
    `mem_cluster_links:${mh.clusterLinks}`,
    `mem_aof_buffer:${mh.aofBuffer}`,
    `mem_allocator:${MEM_ALLOCATOR}`,
    'active_defrag_running:0',
    `lazyfree_pending_objects:${statField(srv, 'lazyfreePendingObjects')}`,
    `lazyfreed_objects:${statField(srv, 'lazyfreedObjects')}`,
  ];
}
