/**
 * INFO and its sections (genRedisInfoString).
 *
 * Sections and fields can be extended by the families that own the
 * numbers (replication, persistence, pub/sub...): replace a whole section
 * in `infoSections`, or one field's value in `infoFieldOverrides`.
 */
import os from 'node:os';
import v8 from 'node:v8';
import { createHash } from 'node:crypto';
import type { CommandSpec, Command } from '../server/command';
import type { Client } from '../server/client';
import type { Server } from '../server/server';
import type { LatencyHistogram } from '../server/histogram';
import { clock } from '../server/clock';
import { REDIS_VERSION, TREDIS_VERSION } from '../version';
import { clientInfoHooks } from './client';
import { evictorOf } from '../memory/evict';
import { bytesToHuman, configValue, fixed2 } from './shared';

type InfoLines = string[];

/** Memory the process held when the first server was created (used_memory_startup). */
const STARTUP_MEMORY = usedMemory();
const memoryPeak = new WeakMap<Server, number>();
const BUILD_ID = createHash('sha1').update(`tredis-${TREDIS_VERSION}`).digest('hex').slice(0, 16);

function usedMemory(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

function trackPeak(srv: Server, used: number): number {
  const peak = Math.max(memoryPeak.get(srv) ?? 0, used);
  memoryPeak.set(srv, peak);
  return peak;
}

/** Bytes held by client buffers (query and reply), for used_memory_overhead. */
function clientsMemory(srv: Server): number {
  let n = 0;
  for (const c of srv.clients.values()) {
    n += Math.max(c.reader.capacity, c.reader.pending) + c.reply.buf.length + (c.socket ? c.socket.writableLength : 0);
  }
  return n;
}

function serverSection(srv: Server): InfoLines {
  const now = clock.ms;
  const uptime = Math.floor((now - srv.startTime) / 1000);
  const s = srv.settings;
  const nowUs = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  return [
    `redis_version:${REDIS_VERSION}`,
    'redis_git_sha1:00000000',
    'redis_git_dirty:0',
    `redis_build_id:${BUILD_ID}`,
    'redis_mode:standalone',
    `os:${os.type()} ${os.release()} ${os.machine()}`,
    `arch_bits:${process.arch.endsWith('64') ? 64 : 32}`,
    'monotonic_clock:POSIX clock_gettime',
    `multiplexing_api:${process.platform === 'linux' ? 'epoll' : process.platform === 'win32' ? 'winsock' : 'kqueue'}`,
    'atomicvar_api:c11-builtin',
    'gcc_version:0.0.0',
    `process_id:${process.pid}`,
    'process_supervised:no',
    `run_id:${srv.runId}`,
    `tcp_port:${s.port === 0 && s.listenEphemeral ? srv.boundPort : s.port}`,
    `server_time_usec:${nowUs}`,
    `uptime_in_seconds:${uptime}`,
    `uptime_in_days:${Math.floor(uptime / 86400)}`,
    `hz:${s.hz}`,
    `configured_hz:${s.hz}`,
    `lru_clock:${Math.floor(now / 1000) & 0xffffff}`,
    `executable:${srv.executable}`,
    `config_file:${srv.configFile}`,
    'io_threads_active:0',
  ];
}

function clientsSection(srv: Server): InfoLines {
  let maxIn = 0;
  let maxOut = 0;
  let blocked = 0;
  let replicas = 0;
  for (const c of srv.clients.values()) {
    maxIn = Math.max(maxIn, c.reader.pending);
    maxOut = Math.max(maxOut, c.socket ? c.socket.writableLength : 0);
    if (c.blocked) blocked++;
    if (clientInfoHooks.isReplica(c) && !c.monitor) replicas++;
  }
  return [
    `connected_clients:${srv.clients.size - replicas}`,
    'cluster_connections:0',
    `maxclients:${srv.settings.maxclients}`,
    `client_recent_max_input_buffer:${maxIn}`,
    `client_recent_max_output_buffer:${maxOut}`,
    `blocked_clients:${blocked}`,
    `tracking_clients:${srv.tracking.clients}`,
    `clients_in_timeout_table:${srv.blocking.inTimeoutTable}`,
  ];
}

function memorySection(srv: Server): InfoLines {
  const mu = process.memoryUsage();
  const hs = v8.getHeapStatistics();
  const used = mu.heapUsed + mu.external;
  const rss = mu.rss;
  const peak = trackPeak(srv, used);
  const startup = Math.min(STARTUP_MEMORY, used);
  const keys = srv.keyspace.totalKeys();
  let expires = 0;
  for (const db of srv.keyspace.dbs) expires += db.expires.size;
  const overhead = Math.min(used, startup + clientsMemory(srv) + keys * 48 + expires * 32);
  const dataset = used - overhead;
  const netUsed = used - startup;
  const allocated = mu.heapUsed + mu.external;
  const active = Math.max(allocated, hs.total_heap_size + mu.external);
  const resident = Math.max(active, hs.total_physical_size + mu.external);
  const s = srv.settings;
  const ratio = (a: number, b: number) => fixed2(b > 0 ? a / b : 0);
  const lua = 32768;
  const fnVm = 32768;
  return [
    `used_memory:${used}`,
    `used_memory_human:${bytesToHuman(used)}`,
    `used_memory_rss:${rss}`,
    `used_memory_rss_human:${bytesToHuman(rss)}`,
    `used_memory_peak:${peak}`,
    `used_memory_peak_human:${bytesToHuman(peak)}`,
    `used_memory_peak_perc:${fixed2(peak > 0 ? (used * 100) / peak : 0)}%`,
    `used_memory_overhead:${overhead}`,
    `used_memory_startup:${startup}`,
    `used_memory_dataset:${dataset}`,
    `used_memory_dataset_perc:${fixed2(netUsed > 0 ? (dataset * 100) / netUsed : 0)}%`,
    `allocator_allocated:${allocated}`,
    `allocator_active:${active}`,
    `allocator_resident:${resident}`,
    `total_system_memory:${os.totalmem()}`,
    `total_system_memory_human:${bytesToHuman(os.totalmem())}`,
    `used_memory_lua:${lua}`,
    `used_memory_vm_eval:${lua}`,
    `used_memory_lua_human:${bytesToHuman(lua)}`,
    'used_memory_scripts_eval:0',
    'number_of_cached_scripts:0',
    'number_of_functions:0',
    'number_of_libraries:0',
    `used_memory_vm_functions:${fnVm}`,
    `used_memory_vm_total:${lua + fnVm}`,
    `used_memory_vm_total_human:${bytesToHuman(lua + fnVm)}`,
    'used_memory_functions:0',
    'used_memory_scripts:0',
    'used_memory_scripts_human:0B',
    `maxmemory:${s.maxmemory}`,
    `maxmemory_human:${bytesToHuman(s.maxmemory)}`,
    `maxmemory_policy:${s.maxmemoryPolicy}`,
    `allocator_frag_ratio:${ratio(active, allocated)}`,
    `allocator_frag_bytes:${active - allocated}`,
    `allocator_rss_ratio:${ratio(resident, active)}`,
    `allocator_rss_bytes:${resident - active}`,
    `rss_overhead_ratio:${ratio(rss, resident)}`,
    `rss_overhead_bytes:${rss - resident}`,
    `mem_fragmentation_ratio:${ratio(rss, used)}`,
    `mem_fragmentation_bytes:${rss - used}`,
    'mem_not_counted_for_evict:0',
    'mem_replication_backlog:0',
    'mem_total_replication_buffers:0',
    'mem_clients_slaves:0',
    `mem_clients_normal:${clientsMemory(srv)}`,
    'mem_cluster_links:0',
    'mem_aof_buffer:0',
    'mem_allocator:libc',
    'active_defrag_running:0',
    `lazyfree_pending_objects:${srv.stats.lazyfreePendingObjects}`,
    `lazyfreed_objects:${srv.stats.lazyfreedObjects}`,
  ];
}

/** The loading_* fields Redis adds while a dump loads. */
function loadingLines(srv: Server): InfoLines {
  const l = srv.loading!;
  const loaded = l.loadedBytes();
  const elapsed = (Date.now() - l.startedMs) / 1000;
  const perc = l.totalBytes ? (100 * loaded) / l.totalBytes : 0;
  const eta = loaded && elapsed ? Math.floor(((l.totalBytes - loaded) * elapsed) / loaded) : 1;
  return [
    `loading_start_time:${Math.floor(l.startedMs / 1000)}`,
    `loading_total_bytes:${l.totalBytes}`,
    'loading_rdb_used_mem:0',
    `loading_loaded_bytes:${loaded}`,
    `loading_loaded_perc:${perc.toFixed(2)}`,
    `loading_eta_seconds:${eta}`,
  ];
}

/** The AOF fields of a server without the AOF layer. */
const NO_AOF = [
  'aof_enabled:0',
  'aof_rewrite_in_progress:0',
  'aof_rewrite_scheduled:0',
  'aof_last_rewrite_time_sec:-1',
  'aof_current_rewrite_time_sec:-1',
  'aof_last_bgrewrite_status:ok',
  'aof_rewrites:0',
  'aof_rewrites_consecutive_failures:0',
  'aof_last_write_status:ok',
  'aof_last_cow_size:0',
  'module_fork_in_progress:0',
  'module_fork_last_cow_size:0',
];

function persistenceSection(srv: Server): InfoLines {
  return [
    `loading:${srv.loading !== null ? 1 : 0}`,
    'async_loading:0',
    'current_cow_peak:0',
    'current_cow_size:0',
    'current_cow_size_age:0',
    'current_fork_perc:0.00',
    'current_save_keys_processed:0',
    'current_save_keys_total:0',
    `rdb_changes_since_last_save:${srv.keyspace.dirty}`,
    'rdb_bgsave_in_progress:0',
    `rdb_last_save_time:${srv.lastSave}`,
    'rdb_last_bgsave_status:ok',
    'rdb_last_bgsave_time_sec:-1',
    'rdb_current_bgsave_time_sec:-1',
    'rdb_saves:0',
    'rdb_last_cow_size:0',
    'rdb_last_load_keys_expired:0',
    'rdb_last_load_keys_loaded:0',
    // aof_enabled ... module_fork_last_cow_size, then aof_current_size ... when appendonly is yes (persistence/aof)
    ...(srv.aof !== null ? srv.aof.infoLines() : NO_AOF),
    ...(srv.loading !== null ? loadingLines(srv) : []),
  ];
}

function statsSection(srv: Server): InfoLines {
  const st = srv.stats;
  const evictionTimes = evictorOf(srv)?.exceededTime() ?? { total: 0, current: 0 };
  const ks = srv.keyspace.stats;
  return [
    `total_connections_received:${st.connectionsReceived}`,
    `total_commands_processed:${st.commandsProcessed}`,
    `instantaneous_ops_per_sec:${Math.floor(st.opsPerSec.rate)}`,
    `total_net_input_bytes:${st.netInput}`,
    `total_net_output_bytes:${st.netOutput}`,
    'total_net_repl_input_bytes:0',
    'total_net_repl_output_bytes:0',
    `instantaneous_input_kbps:${fixed2(st.inputKbps.rate)}`,
    `instantaneous_output_kbps:${fixed2(st.outputKbps.rate)}`,
    'instantaneous_input_repl_kbps:0.00',
    'instantaneous_output_repl_kbps:0.00',
    `rejected_connections:${st.rejectedConnections}`,
    'sync_full:0',
    'sync_partial_ok:0',
    'sync_partial_err:0',
    `expired_keys:${ks.expiredKeys}`,
    `expired_stale_perc:${fixed2(ks.expiredStalePerc * 100)}`,
    `expired_time_cap_reached_count:${st.expiredTimeCapReached}`,
    `expire_cycle_cpu_milliseconds:${Math.floor(ks.expireCycleCpuMs)}`,
    `evicted_keys:${ks.evictedKeys}`,
    `evicted_clients:${srv.stats.evictedClients}`,
    `total_eviction_exceeded_time:${evictionTimes.total}`,
    `current_eviction_exceeded_time:${evictionTimes.current}`,
    `keyspace_hits:${ks.hits}`,
    `keyspace_misses:${ks.misses}`,
    'pubsub_channels:0',
    'pubsub_patterns:0',
    'pubsubshard_channels:0',
    'latest_fork_usec:0',
    'total_forks:0',
    'migrate_cached_sockets:0',
    'slave_expires_tracked_keys:0',
    'active_defrag_hits:0',
    'active_defrag_misses:0',
    'active_defrag_key_hits:0',
    'active_defrag_key_misses:0',
    'total_active_defrag_time:0',
    'current_active_defrag_time:0',
    `tracking_total_keys:${srv.tracking.totalKeys}`,
    `tracking_total_items:${srv.tracking.totalItems}`,
    `tracking_total_prefixes:${srv.tracking.totalPrefixes}`,
    `unexpected_error_replies:${st.unexpectedErrorReplies}`,
    `total_error_replies:${st.totalErrorReplies}`,
    'dump_payload_sanitizations:0',
    `total_reads_processed:${st.readsProcessed}`,
    `total_writes_processed:${st.writesProcessed}`,
    'io_threaded_reads_processed:0',
    'io_threaded_writes_processed:0',
    'reply_buffer_shrinks:0',
    'reply_buffer_expands:0',
  ];
}

function replicationSection(srv: Server): InfoLines {
  return [
    'role:master',
    'connected_slaves:0',
    'master_failover_state:no-failover',
    `master_replid:${srv.replId}`,
    'master_replid2:0000000000000000000000000000000000000000',
    'master_repl_offset:0',
    'second_repl_offset:-1',
    'repl_backlog_active:0',
    `repl_backlog_size:${configValue(srv, 'repl-backlog-size', '1048576')}`,
    'repl_backlog_first_byte_offset:0',
    'repl_backlog_histlen:0',
  ];
}

function cpuSection(): InfoLines {
  const u = process.cpuUsage();
  const secs = (us: number) => `${Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, '0')}`;
  return [
    `used_cpu_sys:${secs(u.system)}`,
    `used_cpu_user:${secs(u.user)}`,
    'used_cpu_sys_children:0.000000',
    'used_cpu_user_children:0.000000',
    `used_cpu_sys_main_thread:${secs(u.system)}`,
    `used_cpu_user_main_thread:${secs(u.user)}`,
  ];
}

function commandstatsSection(srv: Server): InfoLines {
  const out: InfoLines = [];
  const add = (cmd: Command) => {
    if (cmd.calls || cmd.failedCalls || cmd.rejectedCalls) {
      const usec = Math.floor(cmd.usec);
      const perCall = cmd.calls === 0 ? 0 : Math.fround(Math.fround(usec) / Math.fround(cmd.calls));
      out.push(
        `cmdstat_${infoSafe(cmd.fullname)}:calls=${cmd.calls},usec=${usec},usec_per_call=${fixed2(perCall)}` +
          `,rejected_calls=${cmd.rejectedCalls},failed_calls=${cmd.failedCalls}`,
      );
    }
    if (cmd.subcommands) for (const sub of cmd.subcommands.values()) add(sub);
  };
  for (const cmd of srv.registry.all()) add(cmd);
  return out;
}

/** getSafeInfoString(): INFO field names can't hold ':' '\r' '\n'. */
function infoSafe(s: string): string {
  return /[:\r\n]/.test(s) ? s.replace(/[:\r\n]/g, '_') : s;
}

function errorstatsSection(srv: Server): InfoLines {
  const codes = [...srv.stats.errors.keys()].sort();
  return codes.map((code) => `errorstat_${code}:count=${srv.stats.errors.get(code)}`);
}

/** The percentile as Redis labels it: "%f" without trailing zeros (trimDoubleString). */
function percentileLabel(p: number): string {
  const s = p.toFixed(6);
  return s.replace(/\.?0+$/, '');
}

/** fillPercentileDistributionLatencies(): "latency_percentiles_usec_<cmd>:p50=..,p99=..". */
function percentilesLine(name: string, h: LatencyHistogram, percentiles: readonly number[]): string {
  let line = `latency_percentiles_usec_${infoSafe(name)}:`;
  for (let i = 0; i < percentiles.length; i++) {
    if (i) line += ',';
    line += `p${percentileLabel(percentiles[i])}=${(h.valueAtPercentile(percentiles[i]) / 1000).toFixed(3)}`;
  }
  return line;
}

const DEFAULT_PERCENTILES = [50, 99, 99.9];

/** Per-command latency percentiles, for commands with samples (empty when latency-tracking is off). */
function latencystatsSection(srv: Server): InfoLines {
  const values = srv.config?.values;
  if (values && !values['latency-tracking']) return [];
  const percentiles = values ? values['latency-tracking-info-percentiles'] : DEFAULT_PERCENTILES;
  const out: InfoLines = [];
  const add = (cmd: Command) => {
    if (cmd.latency) out.push(percentilesLine(cmd.fullname, cmd.latency, percentiles));
    if (cmd.subcommands) for (const sub of cmd.subcommands.values()) add(sub);
  };
  for (const cmd of srv.registry.all()) add(cmd);
  return out;
}

function keyspaceSection(srv: Server): InfoLines {
  const out: InfoLines = [];
  for (const db of srv.keyspace.dbs) {
    const keys = db.size;
    if (keys === 0) continue;
    out.push(`db${db.id}:keys=${keys},expires=${db.expires.size},avg_ttl=${Math.floor(db.avgTtl)}`);
  }
  return out;
}

/** INFO sections in output order: [name, title]. */
const SECTION_ORDER: [string, string][] = [
  ['server', 'Server'],
  ['clients', 'Clients'],
  ['memory', 'Memory'],
  ['persistence', 'Persistence'],
  ['stats', 'Stats'],
  ['replication', 'Replication'],
  ['cpu', 'CPU'],
  ['modules', 'Modules'],
  ['commandstats', 'Commandstats'],
  ['errorstats', 'Errorstats'],
  ['latencystats', 'Latencystats'],
  ['cluster', 'Cluster'],
  ['keyspace', 'Keyspace'],
];
const DEFAULT_SECTIONS = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules', 'errorstats', 'cluster', 'keyspace'];

/** Section generators; a family may replace one with its own lines. */
export const infoSections: Record<string, (srv: Server) => InfoLines> = {
  server: serverSection,
  clients: clientsSection,
  memory: memorySection,
  persistence: persistenceSection,
  stats: statsSection,
  replication: replicationSection,
  cpu: cpuSection,
  modules: () => [],
  commandstats: commandstatsSection,
  errorstats: errorstatsSection,
  latencystats: latencystatsSection,
  cluster: () => ['cluster_enabled:0'],
  keyspace: keyspaceSection,
};

/** Overrides of single INFO fields by name ("pubsub_channels", "role"...). */
export const infoFieldOverrides = new Map<string, (srv: Server) => string | number>();

function selectSections(args: string[]): Set<string> {
  const out = new Set<string>();
  if (args.length === 0) {
    for (const s of DEFAULT_SECTIONS) out.add(s);
    return out;
  }
  for (const raw of args) {
    const a = raw.toLowerCase();
    if (a === 'default') for (const s of DEFAULT_SECTIONS) out.add(s);
    else if (a === 'all' || a === 'everything') for (const [s] of SECTION_ORDER) out.add(s);
    else if (a === 'module_list') out.add('modules');
    else out.add(a);
  }
  return out;
}

/** The INFO text for the given section arguments (genRedisInfoString). */
export function infoString(srv: Server, args: string[]): string {
  const wanted = selectSections(args);
  let out = '';
  let n = 0;
  for (const [name, title] of SECTION_ORDER) {
    if (!wanted.has(name)) continue;
    if (n++) out += '\r\n';
    out += `# ${title}\r\n`;
    for (let line of infoSections[name](srv)) {
      if (infoFieldOverrides.size) {
        const colon = line.indexOf(':');
        const ov = infoFieldOverrides.get(line.slice(0, colon));
        if (ov) line = `${line.slice(0, colon)}:${ov(srv)}`;
      }
      out += line + '\r\n';
    }
  }
  return out;
}

function info(c: Client, argv: string[]): void {
  c.reply.verbatim(infoString(c.server, argv.slice(1)));
}

export const infoCommands: CommandSpec[] = [{ name: 'info', handler: info }];
