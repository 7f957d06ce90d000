/**
 * The breakdown of used_memory (Redis's getMemoryOverheadData()) for INFO
 * memory, MEMORY STATS and MEMORY DOCTOR, on V8's figures; used_memory
 * itself is memory/used.ts's usedMemory().
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
import { bytesToHuman, fixed2 } from '../commands/shared';
import { DICT_ENTRY, EXPIRE_ENTRY } from './estimate';
import { memoryCounters, notCountedForEvict, scriptMemory, usedMemory } from './used';

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
  const st = memoryCounters(srv);
  const used = usedMemory(srv);
  const mu = process.memoryUsage();
  const hs = v8.getHeapStatistics();
  const allocated = mu.heapUsed + mu.external;
  const active = Math.max(allocated, mu.heapTotal + mu.external);
  const resident = Math.max(active, hs.total_physical_size + mu.external);
  const rss = mu.rss;
  const dbs: MemoryOverhead['dbs'] = [];
  let totalKeys = 0;
  let overheadTotal = st.startup + st.clients + st.replicas + st.aofBuffer + st.evalCaches + st.functionsCaches;
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
    clientsSlaves: st.replicas,
    clientsNormal: st.clients,
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
    `lazyfree_pending_objects:${srv.stats.lazyfreePendingObjects}`,
    `lazyfreed_objects:${srv.stats.lazyfreedObjects}`,
  ];
}
