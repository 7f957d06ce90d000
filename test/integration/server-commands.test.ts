/**
 * INFO, CONFIG GET/SET/RESETSTAT/REWRITE/HELP, TIME, LASTSAVE, SHUTDOWN,
 * MONITOR, SLOWLOG, LATENCY and DEBUG. Expected texts were taken from a real
 * redis-server 7.0.15 (field lists, help texts, errors, DEBUG OBJECT
 * serialized lengths, LATENCY GRAPH/DOCTOR reports).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient, Running, sleep, startTredis } from '../helpers';
import { OK, bulk, err, int } from '../resp';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { Config } = require('../../dist/config/index.js');


function text(reply: string): string {
  if (reply[0] === '=') return reply.slice(reply.indexOf('\r\n') + 2 + 4, -2);
  expect(reply[0]).toBe('$');
  return reply.slice(reply.indexOf('\r\n') + 2, -2);
}

/** Parse an INFO text into sections of [field, value]. */
function sections(info: string): Map<string, [string, string][]> {
  const out = new Map<string, [string, string][]>();
  let cur: [string, string][] = [];
  for (const line of info.split('\r\n')) {
    if (line.startsWith('# ')) {
      cur = [];
      out.set(line.slice(2), cur);
    } else if (line !== '') {
      const i = line.indexOf(':');
      cur.push([line.slice(0, i), line.slice(i + 1)]);
    }
  }
  return out;
}

/** Field names of each INFO section in redis-server 7.0.15 (INFO EVERYTHING). */
const REDIS_FIELDS: Record<string, string> = {
  Server:
    'redis_version redis_git_sha1 redis_git_dirty redis_build_id redis_mode os arch_bits monotonic_clock multiplexing_api atomicvar_api gcc_version process_id process_supervised run_id tcp_port server_time_usec uptime_in_seconds uptime_in_days hz configured_hz lru_clock executable config_file io_threads_active',
  Clients:
    'connected_clients cluster_connections maxclients client_recent_max_input_buffer client_recent_max_output_buffer blocked_clients tracking_clients clients_in_timeout_table',
  Memory:
    'used_memory used_memory_human used_memory_rss used_memory_rss_human used_memory_peak used_memory_peak_human used_memory_peak_perc used_memory_overhead used_memory_startup used_memory_dataset used_memory_dataset_perc allocator_allocated allocator_active allocator_resident total_system_memory total_system_memory_human used_memory_lua used_memory_vm_eval used_memory_lua_human used_memory_scripts_eval number_of_cached_scripts number_of_functions number_of_libraries used_memory_vm_functions used_memory_vm_total used_memory_vm_total_human used_memory_functions used_memory_scripts used_memory_scripts_human maxmemory maxmemory_human maxmemory_policy allocator_frag_ratio allocator_frag_bytes allocator_rss_ratio allocator_rss_bytes rss_overhead_ratio rss_overhead_bytes mem_fragmentation_ratio mem_fragmentation_bytes mem_not_counted_for_evict mem_replication_backlog mem_total_replication_buffers mem_clients_slaves mem_clients_normal mem_cluster_links mem_aof_buffer mem_allocator active_defrag_running lazyfree_pending_objects lazyfreed_objects',
  Persistence:
    'loading async_loading current_cow_peak current_cow_size current_cow_size_age current_fork_perc current_save_keys_processed current_save_keys_total rdb_changes_since_last_save rdb_bgsave_in_progress rdb_last_save_time rdb_last_bgsave_status rdb_last_bgsave_time_sec rdb_current_bgsave_time_sec rdb_saves rdb_last_cow_size rdb_last_load_keys_expired rdb_last_load_keys_loaded aof_enabled aof_rewrite_in_progress aof_rewrite_scheduled aof_last_rewrite_time_sec aof_current_rewrite_time_sec aof_last_bgrewrite_status aof_rewrites aof_rewrites_consecutive_failures aof_last_write_status aof_last_cow_size module_fork_in_progress module_fork_last_cow_size',
  Stats:
    'total_connections_received total_commands_processed instantaneous_ops_per_sec total_net_input_bytes total_net_output_bytes total_net_repl_input_bytes total_net_repl_output_bytes instantaneous_input_kbps instantaneous_output_kbps instantaneous_input_repl_kbps instantaneous_output_repl_kbps rejected_connections sync_full sync_partial_ok sync_partial_err expired_keys expired_stale_perc expired_time_cap_reached_count expire_cycle_cpu_milliseconds evicted_keys evicted_clients total_eviction_exceeded_time current_eviction_exceeded_time keyspace_hits keyspace_misses pubsub_channels pubsub_patterns pubsubshard_channels latest_fork_usec total_forks migrate_cached_sockets slave_expires_tracked_keys active_defrag_hits active_defrag_misses active_defrag_key_hits active_defrag_key_misses total_active_defrag_time current_active_defrag_time tracking_total_keys tracking_total_items tracking_total_prefixes unexpected_error_replies total_error_replies dump_payload_sanitizations total_reads_processed total_writes_processed io_threaded_reads_processed io_threaded_writes_processed reply_buffer_shrinks reply_buffer_expands',
  Replication:
    'role connected_slaves master_failover_state master_replid master_replid2 master_repl_offset second_repl_offset repl_backlog_active repl_backlog_size repl_backlog_first_byte_offset repl_backlog_histlen',
  CPU: 'used_cpu_sys used_cpu_user used_cpu_sys_children used_cpu_user_children used_cpu_sys_main_thread used_cpu_user_main_thread',
  Cluster: 'cluster_enabled',
};

const DEFAULT = ['Server', 'Clients', 'Memory', 'Persistence', 'Stats', 'Replication', 'CPU', 'Modules', 'Errorstats', 'Cluster', 'Keyspace'];
const ALL = ['Server', 'Clients', 'Memory', 'Persistence', 'Stats', 'Replication', 'CPU', 'Modules', 'Commandstats', 'Errorstats', 'Latencystats', 'Cluster', 'Keyspace'];

let srv: Running;
let r: RawClient;

beforeAll(async () => {
  srv = await startTredis({ 'enable-debug-command': 'yes' });
  r = await RawClient.connect(srv.port);
});

afterAll(async () => {
  r.close();
  await srv.close();
});

async function info(...args: string[]): Promise<Map<string, [string, string][]>> {
  return sections(text(await r.cmd('INFO', ...args)));
}

describe('INFO', () => {
  it('default sections, in Redis order; ALL / EVERYTHING add commandstats and latencystats', async () => {
    expect([...(await info()).keys()]).toEqual(DEFAULT);
    expect([...(await info('default')).keys()]).toEqual(DEFAULT);
    expect([...(await info('all')).keys()]).toEqual(ALL);
    expect([...(await info('everything')).keys()]).toEqual(ALL);
    expect([...(await info('ALL', 'default')).keys()]).toEqual(ALL);
    expect([...(await info('keyspace', 'CLUSTER', 'server', 'server')).keys()]).toEqual(['Server', 'Cluster', 'Keyspace']);
    expect([...(await info('modules')).keys()]).toEqual(['Modules']);
    expect([...(await info('module_list')).keys()]).toEqual(['Modules']);
    expect([...(await info('cluster', 'nosuch')).keys()]).toEqual(['Cluster']);
  });

  it('exact framing: "# Section\\r\\n" lines, sections separated by an empty line', async () => {
    expect(await r.cmd('INFO', 'cluster')).toBe(bulk('# Cluster\r\ncluster_enabled:0\r\n'));
    expect(await r.cmd('INFO', 'nosuch')).toBe(bulk(''));
    expect(await r.cmd('INFO', 'modules', 'cluster')).toBe(bulk('# Modules\r\n\r\n# Cluster\r\ncluster_enabled:0\r\n'));
    const c = await RawClient.connect(srv.port);
    await c.cmd('HELLO', '3');
    expect(await c.cmd('INFO', 'cluster')).toBe('=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n');
    expect(await c.cmd('INFO', 'foo')).toBe('=4\r\ntxt:\r\n');
    c.close();
  });

  it('every section has the fields of Redis 7.0, in order, and no others', async () => {
    const all = await info('everything');
    for (const [name, fields] of Object.entries(REDIS_FIELDS)) {
      const got = all.get(name)!.map(([k]) => k);
      const want = fields.split(' ');
      expect(got, name).toEqual(want);
    }
  });

  it('values', async () => {
    const all = await info('everything');
    const get = (s: string, k: string) => all.get(s)!.find(([f]) => f === k)?.[1];
    expect(get('Server', 'redis_version')).toBe('7.0.15');
    expect(get('Server', 'redis_mode')).toBe('standalone');
    expect(get('Server', 'tcp_port')).toBe(String(srv.port));
    expect(get('Server', 'process_id')).toBe(String(process.pid));
    expect(get('Server', 'run_id')).toMatch(/^[0-9a-f]{40}$/);
    expect(get('Server', 'tredis_version')).toBeUndefined();
    expect(get('Clients', 'connected_clients')).toBe(String(srv.server.clients.size));
    expect(get('Memory', 'used_memory')).toMatch(/^\d+$/);
    expect(get('Memory', 'used_memory_human')).toMatch(/^\d+\.\d\d[KMG]$/);
    expect(get('Memory', 'mem_fragmentation_ratio')).toMatch(/^\d+\.\d\d$/);
    expect(get('Memory', 'maxmemory_policy')).toBe('noeviction');
    expect(get('Replication', 'role')).toBe('master');
    expect(get('Replication', 'master_replid2')).toBe('0'.repeat(40));
    expect(get('CPU', 'used_cpu_user')).toMatch(/^\d+\.\d{6}$/);
    expect(get('Persistence', 'rdb_last_bgsave_status')).toBe('ok');
  });

  it('keyspace: dbN:keys=,expires=,avg_ttl= for non-empty dbs', async () => {
    await r.cmd('SELECT', '9');
    await r.cmd('SET', 'ks1', 'v');
    await r.cmd('SET', 'ks2', 'v');
    srv.server.keyspace.dbs[9].setExpire('ks2', Date.now() + 100000);
    const lines = text(await r.cmd('INFO', 'keyspace')).split('\r\n');
    expect(lines).toContain('db9:keys=2,expires=1,avg_ttl=0');
    srv.server.keyspace.dbs[9].flush();
    expect(text(await r.cmd('INFO', 'keyspace'))).not.toContain('db9:');
    await r.cmd('SELECT', '0');
  });

  it('commandstats, errorstats and CONFIG RESETSTAT', async () => {
    expect(await r.cmd('CONFIG', 'RESETSTAT')).toBe(OK);
    await r.cmd('GET'); // arity: rejected
    await r.cmd('NOSUCHCMD'); // unknown: no command to count
    await r.cmd('CLIENT', 'LIST', 'x'); // failed
    await r.cmd('CLIENT'); // container arity: rejected
    await r.cmd('SET', 'a', 'b');
    const stats = text(await r.cmd('INFO', 'commandstats')).split('\r\n');
    const line = (name: string) => stats.find((l) => l.startsWith(`cmdstat_${name}:`))!.replace(/usec=\d+,usec_per_call=[\d.]+/, 'U');
    expect(line('get')).toBe('cmdstat_get:calls=0,U,rejected_calls=1,failed_calls=0');
    expect(line('client|list')).toBe('cmdstat_client|list:calls=1,U,rejected_calls=0,failed_calls=1');
    expect(line('client')).toBe('cmdstat_client:calls=0,U,rejected_calls=1,failed_calls=0');
    expect(line('set')).toBe('cmdstat_set:calls=1,U,rejected_calls=0,failed_calls=0');
    expect(line('config|resetstat')).toBe('cmdstat_config|resetstat:calls=1,U,rejected_calls=0,failed_calls=0');
    expect(stats.find((l) => l.startsWith('cmdstat_get:'))).toMatch(/usec=\d+,usec_per_call=\d+\.\d\d,/);
    expect(text(await r.cmd('INFO', 'errorstats'))).toBe('# Errorstats\r\nerrorstat_ERR:count=4\r\n');
    const st = (await info('stats')).get('Stats')!;
    expect(st.find(([k]) => k === 'total_error_replies')![1]).toBe('4');
    // RESETSTAT, CLIENT LIST, SET and the two INFO: rejected commands don't count
    expect(st.find(([k]) => k === 'total_commands_processed')![1]).toBe('5');

    srv.server.settings.slowlogLogSlowerThan = 0;
    await r.cmd('PING');
    srv.server.settings.slowlogLogSlowerThan = 10000;
    const slowlen = await r.cmd('SLOWLOG', 'LEN');
    expect(await r.cmd('CONFIG', 'RESETSTAT')).toBe(OK);
    expect(text(await r.cmd('INFO', 'errorstats'))).toBe('# Errorstats\r\n');
    // (Redis lists them in its command table's dict order, which varies)
    expect(text(await r.cmd('INFO', 'commandstats')).split('\r\n').filter((l) => l.startsWith('cmdstat_')).map((l) => l.split(':')[0]).sort()).toEqual([
      'cmdstat_config|resetstat',
      'cmdstat_info',
    ]);
    expect(await r.cmd('SLOWLOG', 'LEN')).toBe(slowlen); // not reset
  });
});

describe('INFO latencystats', () => {
  const latencyLines = async () =>
    text(await r.cmd('INFO', 'latencystats'))
      .split('\r\n')
      .filter((l) => l.startsWith('latency_percentiles_usec_'));

  it('per-command percentiles for commands with samples; CONFIG RESETSTAT clears them', async () => {
    expect(await r.cmd('CONFIG', 'RESETSTAT')).toBe(OK);
    await r.cmd('SET', 'lk', 'v');
    await r.cmd('DEBUG', 'SLEEP', '0.002');
    await r.cmd('CLIENT', 'GETNAME');
    const lines = await latencyLines();
    expect(lines.map((l) => l.split(':')[0]).sort()).toEqual(
      ['config|resetstat', 'set', 'debug', 'client|getname'].map((n) => `latency_percentiles_usec_${n}`).sort(),
    );
    for (const l of lines) expect(l).toMatch(/^latency_percentiles_usec_[a-z|]+:p50=\d+\.\d{3},p99=\d+\.\d{3},p99\.9=\d+\.\d{3}$/);
    const dbg = lines.find((l) => l.includes('_debug:'))!;
    expect(Number(/p50=([\d.]+)/.exec(dbg)![1])).toBeGreaterThanOrEqual(2000);
    // not in the default sections, in ALL
    expect([...(await info()).keys()]).not.toContain('Latencystats');
    expect((await info('all')).get('Latencystats')!.map(([k]) => k)).toContain('latency_percentiles_usec_info');
    expect(await r.cmd('CONFIG', 'RESETSTAT')).toBe(OK);
    expect((await latencyLines()).map((l) => l.split(':')[0])).toEqual(['latency_percentiles_usec_config|resetstat']);
  });

  it('latency-tracking-info-percentiles labels like Redis ("%f" trimmed)', async () => {
    expect(await r.cmd('CONFIG', 'SET', 'latency-tracking-info-percentiles', '0 50.5 100')).toBe(OK);
    await r.cmd('PING');
    const ping = (await latencyLines()).find((l) => l.includes('_ping:'))!;
    expect(ping).toMatch(/^latency_percentiles_usec_ping:p0=\d+\.\d{3},p50\.5=\d+\.\d{3},p100=\d+\.\d{3}$/);
    expect(await r.cmd('CONFIG', 'SET', 'latency-tracking-info-percentiles', '99.9999999 0.25 12.0000001')).toBe(OK);
    expect((await latencyLines()).find((l) => l.includes('_ping:'))).toMatch(/:p100=[\d.]+,p0\.25=[\d.]+,p12=[\d.]+$/);
    expect(await r.cmd('CONFIG', 'SET', 'latency-tracking-info-percentiles', '')).toBe(OK);
    expect(await latencyLines()).toContain('latency_percentiles_usec_ping:');
    expect(await r.cmd('CONFIG', 'SET', 'latency-tracking-info-percentiles', '50 99 99.9')).toBe(OK);
  });

  it('latency-tracking no: nothing recorded, section empty', async () => {
    expect(await r.cmd('CONFIG', 'SET', 'latency-tracking', 'no')).toBe(OK);
    expect(await r.cmd('CONFIG', 'RESETSTAT')).toBe(OK);
    await r.cmd('PING');
    expect(text(await r.cmd('INFO', 'latencystats'))).toBe('# Latencystats\r\n');
    expect(await r.cmd('LATENCY', 'HISTOGRAM')).toBe('*0\r\n');
    expect(await r.cmd('CONFIG', 'SET', 'latency-tracking', 'yes')).toBe(OK);
    // CONFIG SET itself is recorded once tracking is back on (as in Redis)
    expect((await latencyLines()).map((l) => l.split(':')[0])).toEqual(['latency_percentiles_usec_config|set']);
  });
});

describe('CONFIG', () => {
  beforeAll(() => {
    if (!srv.server.config) srv.server.config = Config.fromObject({ 'enable-debug-command': 'yes' });
  });

  it('GET returns a map (flat array in RESP2)', async () => {
    expect(await r.cmd('CONFIG', 'GET', 'maxmemory')).toBe('*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n');
    expect(await r.cmd('CONFIG', 'GET', 'nosuchparam')).toBe('*0\r\n');
    const c = await RawClient.connect(srv.port);
    await c.cmd('HELLO', '3');
    expect(await c.cmd('CONFIG', 'GET', 'maxmemory')).toBe('%1\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n');
    c.close();
    expect(await r.cmd('CONFIG', 'GET')).toBe(err("ERR wrong number of arguments for 'config|get' command"));
  });

  it('SET: pairs only, errors from the configuration', async () => {
    expect(await r.cmd('CONFIG', 'SET', 'maxmemory-samples', '7')).toBe(OK);
    expect(await r.cmd('CONFIG', 'GET', 'maxmemory-samples')).toBe('*2\r\n$17\r\nmaxmemory-samples\r\n$1\r\n7\r\n');
    expect(await r.cmd('CONFIG', 'SET', 'hz')).toBe(err("ERR wrong number of arguments for 'config|set' command"));
    expect(await r.cmd('CONFIG', 'SET', 'hz', '10', 'maxmemory')).toBe(err('ERR syntax error'));
    expect(await r.cmd('CONFIG', 'SET', 'hz', '10', 'hz', '11')).toBe(
      err("ERR CONFIG SET failed (possibly related to argument 'hz') - duplicate parameter"),
    );
    expect(await r.cmd('CONFIG', 'SET', 'foo', '1')).toBe(err("ERR Unknown option or number of arguments for CONFIG SET - 'foo'"));
  });

  it('REWRITE without a config file; RESETSTAT arity; HELP', async () => {
    expect(await r.cmd('CONFIG', 'REWRITE')).toBe(err('ERR The server is running without a config file'));
    expect(await r.cmd('CONFIG', 'RESETSTAT', 'x')).toBe(err("ERR wrong number of arguments for 'config|resetstat' command"));
    expect(await r.cmd('CONFIG', 'HELP')).toBe(
      '*11\r\n+CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n' +
        '+GET <pattern>\r\n+    Return parameters matching the glob-like <pattern> and their values.\r\n' +
        '+SET <directive> <value>\r\n+    Set the configuration <directive> to <value>.\r\n' +
        '+RESETSTAT\r\n+    Reset statistics reported by the INFO command.\r\n' +
        '+REWRITE\r\n+    Rewrite the configuration file.\r\n' +
        '+HELP\r\n+    Prints this help.\r\n',
    );
    expect(await r.cmd('CONFIG', 'foo')).toBe(err("ERR unknown subcommand 'foo'. Try CONFIG HELP."));
  });
});

describe('TIME / LASTSAVE', () => {
  it('TIME is [seconds, microseconds] as bulk strings', async () => {
    const reply = await r.cmd('TIME');
    const m = /^\*2\r\n\$\d+\r\n(\d+)\r\n\$\d+\r\n(\d+)\r\n$/.exec(reply)!;
    expect(m).toBeTruthy();
    expect(Math.abs(Number(m[1]) - Date.now() / 1000)).toBeLessThan(2);
    expect(Number(m[2])).toBeLessThan(1e6);
    expect(await r.cmd('TIME', 'x')).toBe(err("ERR wrong number of arguments for 'time' command"));
  });

  it('LASTSAVE is the unix time of the last save (startup here)', async () => {
    expect(await r.cmd('LASTSAVE')).toBe(int(srv.server.lastSave));
    expect(await r.cmd('LASTSAVE', 'x')).toBe(err("ERR wrong number of arguments for 'lastsave' command"));
  });
});

describe('MONITOR', () => {
  it('streams executed commands, not admin ones; a second MONITOR is ignored', async () => {
    const m = await RawClient.connect(srv.port);
    const c = await RawClient.connect(srv.port);
    expect(await m.cmd('MONITOR')).toBe(OK);
    m.write('*1\r\n$7\r\nMONITOR\r\n');
    await c.cmd('SELECT', '2');
    await c.cmd('SET', 'a b', 'x"y\n');
    await c.cmd('CONFIG', 'GET', 'hz');
    await c.cmd('PING');
    const out = await m.readUntil((s) => s.includes('"PING"'));
    const lines = out.split('\r\n').filter(Boolean);
    const port = (c as unknown as { sock: { localPort: number } }).sock.localPort;
    expect(lines).toHaveLength(3);
    // fed after the command ran, so SELECT shows the new db, as in Redis 7.0
    expect(lines[0]).toMatch(new RegExp(`^\\+\\d+\\.\\d{6} \\[2 127\\.0\\.0\\.1:${port}\\] "SELECT" "2"$`));
    expect(lines[1]).toMatch(/^\+\d+\.\d{6} \[2 127\.0\.0\.1:\d+\] "SET" "a b" "x\\"y\\n"$/);
    expect(lines[2]).toMatch(/^\+\d+\.\d{6} \[2 127\.0\.0\.1:\d+\] "PING"$/);
    expect(await r.cmd('MONITOR', 'x')).toBe(err("ERR wrong number of arguments for 'monitor' command"));
    m.close();
    c.close();
  });
});

describe('SLOWLOG', () => {
  it('GET / LEN / RESET and the entry format', async () => {
    const c = await RawClient.connect(srv.port);
    srv.server.settings.slowlogLogSlowerThan = 0;
    try {
      expect(await c.cmd('SLOWLOG', 'RESET')).toBe(OK);
      expect(await c.cmd('SLOWLOG', 'LEN')).toBe(int(1)); // the RESET itself
      await c.cmd('CLIENT', 'SETNAME', 'cli');
      await c.cmd('SET', 'a', 'b');
      const reply = await c.cmd('SLOWLOG', 'GET', '2');
      expect(reply).toMatch(
        /^\*2\r\n\*6\r\n:(\d+)\r\n:\d+\r\n:\d+\r\n\*3\r\n\$3\r\nSET\r\n\$1\r\na\r\n\$1\r\nb\r\n\$15\r\n127\.0\.0\.1:\d+\r\n\$3\r\ncli\r\n\*6\r\n:\d+\r\n:\d+\r\n:\d+\r\n\*3\r\n\$6\r\nCLIENT\r\n\$7\r\nSETNAME\r\n\$3\r\ncli\r\n\$15\r\n127\.0\.0\.1:\d+\r\n\$3\r\ncli\r\n$/,
      );
      expect((await c.cmd('SLOWLOG', 'GET')).startsWith('*5\r\n')).toBe(true);
      expect((await c.cmd('SLOWLOG', 'GET', '-1')).startsWith('*6\r\n')).toBe(true);
      expect(await c.cmd('SLOWLOG', 'GET', '0')).toBe('*0\r\n');
    } finally {
      srv.server.settings.slowlogLogSlowerThan = 10000;
    }
    c.close();
  });

  it('errors and HELP', async () => {
    expect(await r.cmd('SLOWLOG', 'GET', '-2')).toBe(err('ERR count should be greater than or equal to -1'));
    expect(await r.cmd('SLOWLOG', 'GET', 'abc')).toBe(err('ERR count should be greater than or equal to -1'));
    expect(await r.cmd('SLOWLOG', 'GET', '1', '2')).toBe(err("ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP."));
    expect(await r.cmd('SLOWLOG', 'LEN', 'x')).toBe(err("ERR wrong number of arguments for 'slowlog|len' command"));
    expect(await r.cmd('SLOWLOG', 'RESET', 'x')).toBe(err("ERR wrong number of arguments for 'slowlog|reset' command"));
    expect(await r.cmd('SLOWLOG', 'foo')).toBe(err("ERR unknown subcommand 'foo'. Try SLOWLOG HELP."));
    expect(await r.cmd('SLOWLOG', 'HELP')).toBe(
      '*12\r\n+SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n' +
        '+GET [<count>]\r\n+    Return top <count> entries from the slowlog (default: 10, -1 mean all).\r\n' +
        '+    Entries are made of:\r\n+    id, timestamp, time in microseconds, arguments array, client IP and port,\r\n+    client name\r\n' +
        '+LEN\r\n+    Return the length of the slowlog.\r\n+RESET\r\n+    Reset the slowlog.\r\n+HELP\r\n+    Prints this help.\r\n',
    );
  });
});

describe('LATENCY', () => {
  const DISABLED =
    'I\'m sorry, Dave, I can\'t do that. Latency monitoring is disabled in this Redis instance. You may use "CONFIG SET latency-monitor-threshold <milliseconds>." in order to enable it. If we weren\'t in a deep space mission I\'d suggest to take a look at https://redis.io/topics/latency-monitor.\n';
  const CALM =
    'Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n';

  const threshold = async (ms: number) => expect(await r.cmd('CONFIG', 'SET', 'latency-monitor-threshold', String(ms))).toBe(OK);

  it('DOCTOR with monitoring off, then on without events', async () => {
    expect(await r.cmd('LATENCY', 'RESET')).toBe(int(0));
    await threshold(0);
    expect(text(await r.cmd('LATENCY', 'DOCTOR'))).toBe(DISABLED);
    await threshold(10);
    expect(text(await r.cmd('LATENCY', 'DOCTOR'))).toBe(CALM);
    const c = await RawClient.connect(srv.port);
    await c.cmd('HELLO', '3');
    expect(await c.cmd('LATENCY', 'DOCTOR')).toBe(`=${CALM.length + 4}\r\ntxt:${CALM}\r\n`);
    c.close();
    await threshold(0);
  });

  it('DEBUG SLEEP makes a "command" spike: LATEST / HISTORY / RESET', async () => {
    await threshold(10);
    expect(await r.cmd('DEBUG', 'SLEEP', '0.03')).toBe(OK);
    const latest = await r.cmd('LATENCY', 'LATEST');
    const m = /^\*1\r\n\*4\r\n\$7\r\ncommand\r\n:(\d+)\r\n:(\d+)\r\n:(\d+)\r\n$/.exec(latest)!;
    expect(m).toBeTruthy();
    expect(Number(m[2])).toBeGreaterThanOrEqual(30);
    expect(m[3]).toBe(m[2]);
    expect(await r.cmd('LATENCY', 'HISTORY', 'command')).toBe(`*1\r\n*2\r\n:${m[1]}\r\n:${m[2]}\r\n`);
    expect(await r.cmd('LATENCY', 'HISTORY', 'nosuch')).toBe('*0\r\n');
    expect(await r.cmd('LATENCY', 'RESET', 'foo', 'command')).toBe(int(1));
    expect(await r.cmd('LATENCY', 'RESET')).toBe(int(0));
    expect(await r.cmd('LATENCY', 'LATEST')).toBe('*0\r\n');
    await threshold(0);
  });

  const second = () => Math.floor(Date.now() / 1000);

  async function nextSecond(): Promise<number> {
    const s0 = second();
    while (second() === s0) await sleep(2);
    return second();
  }

  /**
   * Real "command" events: DEBUG SLEEP 0.05 in one second, DEBUG SLEEP 0.03
   * in the next, then `read` (run in that second too). Tries again until the
   * samples are exactly 50 and 30 ms, one second apart, and `read` ran in the
   * second of the last one (the labels count seconds back from now); fails
   * after 10 tries rather than assert less.
   */
  async function twoSpikes<T>(read: () => Promise<T>): Promise<T> {
    await threshold(10);
    try {
      for (let attempt = 0; attempt < 10; attempt++) {
        expect(await r.cmd('LATENCY', 'RESET')).toMatch(/^:[01]\r\n$/);
        const t0 = await nextSecond();
        expect(await r.cmd('DEBUG', 'SLEEP', '0.05')).toBe(OK);
        const t1 = await nextSecond();
        expect(await r.cmd('DEBUG', 'SLEEP', '0.03')).toBe(OK);
        const out = await read();
        const history = await r.cmd('LATENCY', 'HISTORY', 'command');
        if (second() === t1 && history === `*2\r\n*2\r\n:${t0}\r\n:50\r\n*2\r\n:${t1}\r\n:30\r\n`) return out;
      }
      throw new Error('no two clean latency samples in 10 tries');
    } finally {
      await threshold(0);
    }
  }

  it('GRAPH draws Redis\'s sparkline, RESP2 and RESP3', async () => {
    // The replies of redis-server 7.0.15 to the same sequence.
    const c3 = await RawClient.connect(srv.port);
    try {
      await c3.cmd('HELLO', '3');
      const [g2, g3] = await twoSpikes(async () => [await r.cmd('LATENCY', 'GRAPH', 'command'), await c3.cmd('LATENCY', 'GRAPH', 'command')]);
      const g = 'command - high 50 ms, low 30 ms (all time high 50 ms)\n' + '-'.repeat(80) + '\n# \n| \n| \n|_\n  \n10\nss\n';
      expect(g2).toBe(bulk(g));
      expect(g3).toBe(`=${g.length + 4}\r\ntxt:${g}\r\n`);
    } finally {
      c3.close();
    }
    expect(await r.cmd('LATENCY', 'GRAPH', 'foo')).toBe(err("ERR No samples available for event 'foo'"));
    expect(await r.cmd('LATENCY', 'RESET')).toBe(int(1));
  });

  it('DOCTOR analyses the events', async () => {
    // The reply of redis-server 7.0.15 to the same sequence.
    const reply = await twoSpikes(async () => text(await r.cmd('LATENCY', 'DOCTOR')));
    expect(reply).toBe(
      "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n" +
        '1. command: 2 latency spikes (average 40ms, mean deviation 10ms, period 0.50 sec). Worst all time event 50ms.\n' +
        '\nI have a few advices for you:\n\n' +
        '- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n' +
        '- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n',
    );
    expect(await r.cmd('LATENCY', 'RESET')).toBe(int(1));
  });

  it('HISTOGRAM: per-command cumulative distributions (latency-tracking)', async () => {
    expect(await r.cmd('CONFIG', 'RESETSTAT')).toBe(OK);
    // only CONFIG RESETSTAT itself has samples
    expect(await r.cmd('LATENCY', 'HISTOGRAM')).toMatch(/^\*2\r\n\$16\r\nconfig\|resetstat\r\n\*4\r\n\$5\r\ncalls\r\n:1\r\n\$14\r\nhistogram_usec\r\n\*2\r\n:\d+\r\n:1\r\n$/);
    expect(await r.cmd('LATENCY', 'HISTOGRAM', 'get')).toBe('*0\r\n');
    await r.cmd('SET', 'hk', 'v');
    await r.cmd('GET', 'hk');
    await r.cmd('GET', 'hk');
    await r.cmd('DEBUG', 'SLEEP', '0.003');
    // "config" lists its subcommands; unknown names are skipped, repeated ones repeated
    const reply = await r.cmd('LATENCY', 'HISTOGRAM', 'GET', 'nosuch', 'debug', 'config', 'config|nosuch', 'set|x', 'get');
    const m = /^\*8\r\n\$3\r\nget\r\n\*4\r\n\$5\r\ncalls\r\n:2\r\n\$14\r\nhistogram_usec\r\n\*(\d+)\r\n((?::\d+\r\n)+)\$5\r\ndebug\r\n\*4\r\n\$5\r\ncalls\r\n:1\r\n\$14\r\nhistogram_usec\r\n\*2\r\n:(\d+)\r\n:1\r\n\$16\r\nconfig\|resetstat\r\n.*\$3\r\nget\r\n/s.exec(reply);
    expect(m, reply).not.toBeNull();
    // buckets are powers of two (in usec, truncated), counts cumulative and growing, ending at calls
    const nums = m![2].split('\r\n').filter(Boolean).map((x) => Number(x.slice(1)));
    expect(nums.length).toBe(Number(m![1]));
    expect(nums.at(-1)).toBe(2);
    // hdr's log iterator: levels 1024 ns * 2^k, reported as their slot's highest value in usec
    const levels = Array.from({ length: 21 }, (_, k) => Math.floor((1024 * 2 ** k + 2 ** (3 + k) - 1) / 1000));
    expect(levels.slice(0, 8)).toEqual([1, 2, 4, 8, 16, 33, 66, 132]);
    for (let i = 0; i < nums.length; i += 2) expect(levels).toContain(nums[i]);
    for (let i = 3; i < nums.length; i += 2) expect(nums[i]).toBeGreaterThan(nums[i - 2]);
    // DEBUG SLEEP 0.003: the 4 ms bucket or above
    expect(Number(m![3])).toBeGreaterThanOrEqual(4227);
    const c3 = await RawClient.connect(srv.port);
    await c3.cmd('HELLO', '3');
    expect(await c3.cmd('LATENCY', 'HISTOGRAM', 'debug')).toMatch(/^%1\r\n\$5\r\ndebug\r\n%2\r\n\$5\r\ncalls\r\n:1\r\n\$14\r\nhistogram_usec\r\n%1\r\n:\d+\r\n:1\r\n$/);
    c3.close();
    expect(await r.cmd('CONFIG', 'RESETSTAT')).toBe(OK);
    expect(await r.cmd('LATENCY', 'HISTOGRAM', 'get', 'debug')).toBe('*0\r\n');
  });

  it('HISTOGRAM errors, HELP', async () => {
    expect(await r.cmd('LATENCY', 'HISTORY')).toBe(err("ERR wrong number of arguments for 'latency|history' command"));
    expect(await r.cmd('LATENCY', 'foo')).toBe(err("ERR unknown subcommand 'foo'. Try LATENCY HELP."));
    const help = await r.cmd('LATENCY', 'HELP');
    expect(help.startsWith('*17\r\n+LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+DOCTOR\r\n')).toBe(true);
    expect(help).toContain(
      '+HISTOGRAM [COMMAND ...]\r\n+    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.\r\n',
    );
  });
});

describe('DEBUG', () => {
  /** [value, encoding, refcount, serializedlength] as redis-server 7.0.15 reports them. */
  const CASES: [string, string, number, number][] = [
    ['bar', 'embstr', 1, 4],
    ['123', 'int', 2147483647, 2],
    ['10000', 'int', 1, 3],
    ['-5', 'int', 1, 2],
    ['99999999999', 'int', 1, 12],
    ['12345678901234567890', 'embstr', 1, 21],
    ['a'.repeat(89), 'raw', 1, 13],
    ['abcdefghijklmnopqrstuvwxyz'.repeat(3) + '0123456789abcdefghijklmnopqrstuvwxyz', 'raw', 1, 52],
    ['0123', 'embstr', 1, 5],
    ['ab'.repeat(170), 'raw', 1, 17],
    ['hello-world-hello-world-x', 'embstr', 1, 23],
    ['x'.repeat(467), 'raw', 1, 16],
    ['a'.repeat(44), 'embstr', 1, 12],
    ['a'.repeat(45), 'raw', 1, 12],
    ['x'.repeat(19), 'embstr', 1, 20],
  ];

  it('OBJECT prints Redis\'s line (serialized length with LZF)', async () => {
    for (const [v, enc, refcount, len] of CASES) {
      expect(await r.cmd('SET', 'dbg', v)).toBe(OK);
      const reply = await r.cmd('DEBUG', 'OBJECT', 'dbg');
      expect(reply, v).toMatch(
        new RegExp(`^\\+Value at:0x[0-9a-f]+ refcount:${refcount} encoding:${enc} serializedlength:${len} lru:\\d+ lru_seconds_idle:\\d+\\r\\n$`),
      );
    }
    expect(await r.cmd('DEBUG', 'OBJECT', 'nokey')).toBe(err('ERR no such key'));
  });

  it('SLEEP blocks the server', async () => {
    const c = await RawClient.connect(srv.port);
    const t0 = Date.now();
    r.write('*3\r\n$5\r\nDEBUG\r\n$5\r\nSLEEP\r\n$3\r\n0.2\r\n');
    await sleep(20);
    expect(await c.cmd('PING')).toBe('+PONG\r\n');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    expect(await r.read(5)).toBe(OK);
    expect(await r.cmd('DEBUG', 'SLEEP', 'abc')).toBe(OK);
    expect(await r.cmd('DEBUG', 'SLEEP', '0')).toBe(OK);
    c.close();
  });

  it('SET-ACTIVE-EXPIRE, LOG, JMAP', async () => {
    expect(await r.cmd('DEBUG', 'SET-ACTIVE-EXPIRE', '0')).toBe(OK);
    expect(srv.server.activeExpireEnabled).toBe(false);
    expect(await r.cmd('DEBUG', 'set-active-expire', '1')).toBe(OK);
    expect(srv.server.activeExpireEnabled).toBe(true);
    expect(await r.cmd('DEBUG', 'LOG', 'hello')).toBe(OK);
    const jmap = text(await r.cmd('DEBUG', 'JMAP'));
    expect(jmap).toMatch(/^total_heap_size:\d+\n/m);
    expect(jmap).toMatch(/^used_heap_size:\d+\n/m);
  });

  it('errors and HELP', async () => {
    expect(await r.cmd('DEBUG')).toBe(err("ERR wrong number of arguments for 'debug' command"));
    expect(await r.cmd('DEBUG', 'FOO')).toBe(err("ERR unknown subcommand or wrong number of arguments for 'FOO'. Try DEBUG HELP."));
    expect(await r.cmd('DEBUG', 'sleep')).toBe(err("ERR unknown subcommand or wrong number of arguments for 'sleep'. Try DEBUG HELP."));
    expect(await r.cmd('DEBUG', 'object', 'a', 'b')).toBe(
      err("ERR unknown subcommand or wrong number of arguments for 'object'. Try DEBUG HELP."),
    );
    const help = await r.cmd('DEBUG', 'HELP');
    // the count covers the lines of the subcommands other layers register too (debug-ext.ts)
    const lines = help.split('\r\n').slice(1, -1);
    expect(help.startsWith(`*${lines.length}\r\n`)).toBe(true);
    expect(lines.slice(0, 2)).toEqual(['+DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:', '+LOG <message>']);
    expect(help).toContain('+RELOAD [option ...]\r\n');
    // registered by persistence/aof
    expect(help).toContain('+LOADAOF\r\n+    Flush the AOF buffers on disk and reload the AOF in memory.\r\n');
    expect(help).toContain('+SLEEP <seconds>\r\n+    Stop the server for <seconds>. Decimals allowed.\r\n');
    expect(help).toContain('+PROTOCOL <type>\r\n+    Reply with a test value of the specified type. <type> can be: string,\r\n');
  });

  it('refused unless enable-debug-command allows it', async () => {
    const s2 = await startTredis();
    s2.server.config = Config.fromObject({ 'enable-debug-command': 'no' });
    const c = await RawClient.connect(s2.port);
    expect(await c.cmd('DEBUG', 'SLEEP', '0')).toBe(
      err(
        'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.',
      ),
    );
    s2.server.config = Config.fromObject({ 'enable-debug-command': 'local' });
    expect(await c.cmd('DEBUG', 'SLEEP', '0')).toBe(OK);
    c.close();
    await s2.close();
  });
});

describe('SHUTDOWN', () => {
  it('argument errors, ABORT without a shutdown in progress', async () => {
    expect(await r.cmd('SHUTDOWN', 'foo')).toBe(err('ERR syntax error'));
    expect(await r.cmd('SHUTDOWN', 'NOSAVE', 'SAVE')).toBe(err('ERR syntax error'));
    expect(await r.cmd('SHUTDOWN', 'ABORT', 'NOSAVE')).toBe(err('ERR syntax error'));
    expect(await r.cmd('SHUTDOWN', 'SAVE', 'NOW', 'FORCE', 'ABORT')).toBe(err('ERR syntax error'));
    expect(await r.cmd('SHUTDOWN', 'ABORT')).toBe(err('ERR No shutdown in progress.'));
  });

  it('fails when it must save and cannot', async () => {
    // a dir that is gone by the time of the save
    const gone = fs.mkdtempSync(path.join(os.tmpdir(), 'tredis-shutdown-'));
    const s2 = await startTredis();
    s2.server.config = Config.fromObject({ dir: gone }); // default save points
    fs.rmSync(gone, { recursive: true });
    const c = await RawClient.connect(s2.port);
    expect(await c.cmd('SHUTDOWN', 'SAVE')).toBe(err('ERR Errors trying to SHUTDOWN. Check logs.'));
    expect(await c.cmd('SHUTDOWN')).toBe(err('ERR Errors trying to SHUTDOWN. Check logs.'));
    expect(await c.cmd('SHUTDOWN', 'NOW')).toBe(err('ERR Errors trying to SHUTDOWN. Check logs.'));
    expect(s2.server.shuttingDown).toBe(false);
    // FORCE exits anyway
    let exited = false;
    s2.server.onShutdown = () => (exited = true);
    c.write('*2\r\n$8\r\nSHUTDOWN\r\n$5\r\nFORCE\r\n');
    expect(await c.waitClose()).toBe(true);
    await sleep(20);
    expect(exited).toBe(true);
    expect(s2.server.shuttingDown).toBe(true);
    await s2.close();
  });

  it('without save points (or NOSAVE) closes the server, with no reply', async () => {
    const s2 = await startTredis();
    let exited = false;
    s2.server.onShutdown = () => (exited = true);
    const c = await RawClient.connect(s2.port);
    const other = await RawClient.connect(s2.port);
    await other.cmd('PING');
    c.write('*1\r\n$8\r\nSHUTDOWN\r\n');
    expect(await c.waitClose()).toBe(true);
    expect(await other.waitClose()).toBe(true);
    await sleep(20);
    expect(exited).toBe(true);
    await expect(RawClient.connect(s2.port)).rejects.toThrow();
    await s2.close();

    const s3 = await startTredis();
    s3.server.config = Config.fromObject({});
    const d = await RawClient.connect(s3.port);
    d.write('*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n');
    expect(await d.waitClose()).toBe(true);
    expect(s3.server.shuttingDown).toBe(true);
    await s3.close();
  });
});
