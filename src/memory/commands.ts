/**
 * MEMORY: Redis 7.0's introspection of memory use, answered for a V8 heap.
 *
 * USAGE is the accounted size of the key (memory/estimate.ts: its name and
 * dict entry, and its value with SAMPLES elements measured); STATS and
 * DOCTOR read the breakdown of used_memory (memory/info.ts); MALLOC-STATS
 * prints V8's heap statistics, the allocator tredis really has (Redis
 * prints jemalloc's, or says it has none for libc); PURGE runs a full
 * collection.
 */
import v8 from 'node:v8';
import type { CommandSpec } from '../server/command';
import type { Client } from '../server/client';
import type { Server } from '../server/server';
import { Err } from '../protocol/errors';
import { toInt64 } from '../util/numbers';
import { helpHandler } from '../commands/shared';
import { clientInfoHooks } from '../commands/client';
import { fullGc } from './gc';
import { DEFAULT_SAMPLES, keyBytes, valueBytes } from './estimate';
import { MEM_ALLOCATOR, MemoryOverhead, memoryOverhead } from './info';
import { scriptMemory } from './used';

const MEMORY_HELP = [
  'DOCTOR',
  '    Return memory problems reports.',
  'MALLOC-STATS',
  '    Return internal statistics report from the memory allocator.',
  'PURGE',
  '    Attempt to purge dirty pages for reclamation by the allocator.',
  'STATS',
  '    Return information about the memory usage of the server.',
  'USAGE <key> [SAMPLES <count>]',
  '    Return memory in bytes used by <key> and its value. Nested values are',
  '    sampled up to <count> times (default: 5, 0 means sample all).',
];

/** MEMORY USAGE key [SAMPLES count]: options first, then the key, as Redis checks them. */
function memoryUsage(c: Client, argv: string[]): void {
  let samples = DEFAULT_SAMPLES;
  for (let j = 3; j < argv.length; j++) {
    if (argv[j].toLowerCase() === 'samples' && j + 1 < argv.length) {
      const n = toInt64(argv[j + 1]);
      if (n === null) return c.error(Err.notInteger);
      if (n < 0) return c.error(Err.syntax);
      // 0: every element (Redis: LLONG_MAX samples)
      samples = n > Number.MAX_SAFE_INTEGER ? 0 : Number(n);
      j++;
    } else {
      return c.error(Err.syntax);
    }
  }
  const key = argv[2];
  // dictFind(): no expiry check, as Redis
  const v = c.db.dict.get(key);
  if (v === undefined) return c.reply.nullBulk();
  c.reply.int(keyBytes(key) + valueBytes(v, samples));
}

function memoryStats(c: Client): void {
  const mh = memoryOverhead(c.server);
  const r = c.reply;
  r.map(27 + mh.dbs.length);
  const int = (name: string, n: number): void => {
    r.bulk(name);
    r.int(n);
  };
  const dbl = (name: string, d: number): void => {
    r.bulk(name);
    r.double(d);
  };
  int('peak.allocated', mh.peak);
  int('total.allocated', mh.used);
  int('startup.allocated', mh.startup);
  int('replication.backlog', mh.replBacklog);
  int('clients.slaves', mh.clientsSlaves);
  int('clients.normal', mh.clientsNormal);
  int('cluster.links', mh.clusterLinks);
  int('aof.buffer', mh.aofBuffer);
  int('lua.caches', mh.evalCaches);
  int('functions.caches', mh.functionsCaches);
  for (const db of mh.dbs) {
    r.bulk(`db.${db.id}`);
    r.map(3);
    int('overhead.hashtable.main', db.main);
    int('overhead.hashtable.expires', db.expires);
    int('overhead.hashtable.slot-to-keys', 0);
  }
  int('overhead.total', mh.overheadTotal);
  int('keys.count', mh.totalKeys);
  int('keys.bytes-per-key', mh.bytesPerKey);
  int('dataset.bytes', mh.dataset);
  dbl('dataset.percentage', mh.datasetPerc);
  dbl('peak.percentage', mh.peakPerc);
  int('allocator.allocated', mh.allocated);
  int('allocator.active', mh.active);
  int('allocator.resident', mh.resident);
  dbl('allocator-fragmentation.ratio', mh.allocatorFrag);
  int('allocator-fragmentation.bytes', mh.allocatorFragBytes);
  dbl('allocator-rss.ratio', mh.allocatorRss);
  int('allocator-rss.bytes', mh.allocatorRssBytes);
  dbl('rss-overhead.ratio', mh.rssExtra);
  int('rss-overhead.bytes', mh.rssExtraBytes);
  dbl('fragmentation', mh.totalFrag);
  int('fragmentation.bytes', mh.totalFragBytes);
}

// ---- MEMORY DOCTOR (getMemoryDoctorReport) ------------------------------------

const MB = 1024 * 1024;

const DOCTOR_NONE = "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n";
const DOCTOR_EMPTY =
  "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. " +
  'Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n';
const DOCTOR_HEAD = 'Sam, I detected a few issues in this Redis instance memory implants:\n\n';
const DOCTOR_TAIL = "I'm here to keep you safe, Sam. I want to help you.\n";
const DOCTOR_PEAK =
  ' * Peak memory: In the past this instance used more than 150% the memory that is currently using. The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory will be used as soon as you fill the Redis instance with more data. If the memory peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is to shutdown and restart the instance.\n\n';
const doctorFrag = (allocator: string): string =>
  ` * High total RSS: This instance has a memory fragmentation and RSS overhead greater than 1.4 (this means that the Resident Set Size of the Redis process is much larger than the sum of the logical allocations Redis performed). This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. If the problem is a large peak memory, then there is no issue. Otherwise, make sure you are using the Jemalloc allocator and not the default libc malloc. Note: The currently used allocator is "${allocator}".\n\n`;
const DOCTOR_ALLOC_FRAG =
  " * High allocator fragmentation: This instance has an allocator external fragmentation greater than 1.1. This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. You can try enabling 'activedefrag' config option.\n\n";
const DOCTOR_ALLOC_RSS =
  ' * High allocator RSS overhead: This instance has an RSS memory overhead is greater than 1.1 (this means that the Resident Set Size of the allocator is much larger than the sum what the allocator actually holds). This problem is usually due to a large peak memory (check if there is a peak memory entry above in the report), you can try the MEMORY PURGE command to reclaim it.\n\n';
const DOCTOR_PROC_RSS =
  ' * High process RSS overhead: This instance has non-allocator RSS memory overhead is greater than 1.1 (this means that the Resident Set Size of the Redis process is much larger than the RSS the allocator holds). This problem may be due to Lua scripts or Modules.\n\n';
const DOCTOR_REPLICA_BUF =
  ' * Big replica buffers: The replica output buffers in this instance are greater than 10MB for each replica (on average). This likely means that there is some replica instance that is struggling receiving data, either because it is too slow or because of networking issues. As a result, data piles on the master output buffers. Please try to identify what replica is not receiving data correctly and why. You can use the INFO output in order to check the replicas delays and the CLIENT LIST command to check the output buffers of each replica.\n\n';
const DOCTOR_CLIENT_BUF =
  ' * Big client buffers: The clients output buffers in this instance are greater than 200K per client (on average). This may result from different causes, like Pub/Sub clients subscribed to channels bot not receiving data fast enough, so that data piles on the Redis instance output buffer, or clients sending commands with large replies or very large sequences of commands in the same pipeline. Please use the CLIENT LIST command in order to investigate the issue if it causes problems in your instance, or to understand better why certain clients are using a big amount of memory.\n\n';
const DOCTOR_SCRIPTS =
  " * Many scripts: There seem to be many cached scripts in this instance (more than 1000). This may be because scripts are generated and `EVAL`ed, instead of being parameterized (with KEYS and ARGV), `SCRIPT LOAD`ed and `EVALSHA`ed. Unless `SCRIPT FLUSH` is called periodically, the scripts' caches may end up consuming most of your memory.\n\n";

/**
 * The report, from the same figures as MEMORY STATS. "Empty" is judged on
 * used_memory beyond startup: Redis's 5 MB threshold is several times its
 * own startup, while a Node process starts with a heap of 10 MB or more.
 */
export function memoryDoctorReport(srv: Server, mh: MemoryOverhead = memoryOverhead(srv)): string {
  let replicas = 0;
  for (const c of srv.clients.values()) if (clientInfoHooks.isReplica(c) && !c.monitor) replicas++;
  const clients = srv.clients.size - replicas;
  if (mh.used - mh.startup < 5 * MB) return DOCTOR_EMPTY;
  let report = '';
  if (mh.peak / mh.used > 1.5) report += DOCTOR_PEAK;
  if (mh.totalFrag > 1.4 && mh.totalFragBytes > 10 * MB) report += doctorFrag(MEM_ALLOCATOR);
  if (mh.allocatorFrag > 1.1 && mh.allocatorFragBytes > 10 * MB) report += DOCTOR_ALLOC_FRAG;
  if (mh.allocatorRss > 1.1 && mh.allocatorRssBytes > 10 * MB) report += DOCTOR_ALLOC_RSS;
  if (mh.rssExtra > 1.1 && mh.rssExtraBytes > 10 * MB) report += DOCTOR_PROC_RSS;
  if (replicas > 0 && mh.clientsSlaves / replicas > 10 * MB) report += DOCTOR_REPLICA_BUF;
  if (clients > 0 && mh.clientsNormal / clients > 200 * 1024) report += DOCTOR_CLIENT_BUF;
  if (scriptMemory.evalScripts(srv) > 1000) report += DOCTOR_SCRIPTS;
  return report === '' ? DOCTOR_NONE : DOCTOR_HEAD + report + DOCTOR_TAIL;
}

function memoryDoctor(c: Client): void {
  c.reply.verbatim(memoryDoctorReport(c.server));
}

// ---- MEMORY MALLOC-STATS --------------------------------------------------------

function row(cells: (string | number)[], widths: number[]): string {
  return cells.map((x, i) => (i === 0 ? String(x).padEnd(widths[i]) : String(x).padStart(widths[i]))).join(' ') + '\n';
}

/**
 * V8's heap statistics, as jemalloc's report is the allocator's own: the
 * totals, then each space (bytes committed, used, available, physical).
 */
export function mallocStatsReport(): string {
  const h = v8.getHeapStatistics();
  const m = process.memoryUsage();
  let out = '___ Begin V8 heap statistics ___\n';
  out += `Version: "${process.versions.v8}" (Node.js ${process.version})\n`;
  out += `Allocator: "${MEM_ALLOCATOR}"\n`;
  const totals: [string, number][] = [
    ['total_heap_size', h.total_heap_size],
    ['total_heap_size_executable', h.total_heap_size_executable],
    ['total_physical_size', h.total_physical_size],
    ['total_available_size', h.total_available_size],
    ['used_heap_size', h.used_heap_size],
    ['heap_size_limit', h.heap_size_limit],
    ['malloced_memory', h.malloced_memory],
    ['peak_malloced_memory', h.peak_malloced_memory],
    ['external_memory', m.external],
    ['array_buffers', m.arrayBuffers],
    ['number_of_native_contexts', h.number_of_native_contexts],
    ['number_of_detached_contexts', h.number_of_detached_contexts],
    ['rss', m.rss],
  ];
  for (const [name, n] of totals) out += `${name}: ${n}\n`;
  const widths = [28, 12, 12, 12, 12];
  out += 'Spaces:\n';
  out += row(['space', 'size', 'used', 'available', 'physical'], widths);
  for (const s of v8.getHeapSpaceStatistics()) {
    out += row([s.space_name, s.space_size, s.space_used_size, s.space_available_size, s.physical_space_size], widths);
  }
  out += '--- End V8 heap statistics ---\n';
  return out;
}

function memoryMallocStats(c: Client): void {
  c.reply.verbatim(mallocStatsReport());
}

/** Redis asks jemalloc to return dirty pages; in V8 that is a full collection. */
function memoryPurge(c: Client): void {
  fullGc();
  c.reply.ok();
}

export const memoryCommands: CommandSpec[] = [
  {
    name: 'memory',
    subcommands: [
      { name: 'usage', handler: memoryUsage },
      { name: 'stats', handler: memoryStats },
      { name: 'doctor', handler: memoryDoctor },
      { name: 'malloc-stats', handler: memoryMallocStats },
      { name: 'purge', handler: memoryPurge },
      { name: 'help', handler: helpHandler(MEMORY_HELP) },
    ],
  },
];
