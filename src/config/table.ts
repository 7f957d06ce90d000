/**
 * The table of every Redis 7.0 configuration parameter, as data.
 *
 * Names, aliases, defaults, bounds and flags follow redis-server 7.0.15
 * (defaults are the compiled-in ones, i.e. what `CONFIG GET` prints on a
 * server started without a config file, except `dir` whose default is the
 * working directory). `implemented` says whether tredis honours the value;
 * every parameter is nevertheless accepted, validated, stored, returned by
 * CONFIG GET and rewritten exactly like Redis does.
 */

/** C storage type of a numeric parameter: drives bound checks and casts. */
export type NumType =
  | 'int'
  | 'uint'
  | 'long'
  | 'ulong'
  | 'll'
  | 'ull'
  | 'size_t'
  | 'ssize_t'
  | 'time_t'
  | 'off_t';

/** Special (hand-written) parameter kinds. */
export type SpecialKind =
  | 'dir'
  | 'save'
  | 'client-output-buffer-limit'
  | 'oom-score-adj-values'
  | 'notify-keyspace-events'
  | 'bind'
  | 'replicaof'
  | 'latency-tracking-info-percentiles';

interface BaseDef {
  /** Primary (canonical) name, lowercase. */
  readonly name: string;
  /** Alternative name accepted everywhere (e.g. slaveof for replicaof). */
  readonly alias?: string;
  /** Value as CONFIG GET prints it when untouched ('' for dir: the cwd). */
  readonly default: string;
  /** Not settable through CONFIG SET ("can't set immutable config"). */
  readonly immutable?: boolean;
  /** CONFIG SET needs enable-protected-configs ("can't set protected config"). */
  readonly protected?: boolean;
  /** Value is redacted from SLOWLOG / MONITOR / command logs. */
  readonly sensitive?: boolean;
  /** Only returned by CONFIG GET for an exact (non-glob) name. */
  readonly hidden?: boolean;
  /** CONFIG SET refused with -LOADING while the dataset is being loaded. */
  readonly denyLoading?: boolean;
  /** Takes several arguments in the config file (CONFIG SET splits on spaces). */
  readonly multiArg?: boolean;
  /** tredis honours this parameter (otherwise it is accepted and stored only). */
  readonly implemented: boolean;
}

export interface BoolDef extends BaseDef {
  readonly kind: 'bool';
}

export interface NumDef extends BaseDef {
  readonly kind: 'num';
  readonly ctype: NumType;
  readonly min: bigint;
  readonly max: bigint;
  /** Accepts memory units (1k, 5mb, 1gb ...). */
  readonly memory?: boolean;
  /** Accepts `N%` (stored as -N, as Redis does). */
  readonly percent?: boolean;
  /** Parsed and printed in octal. */
  readonly octal?: boolean;
}

export interface EnumDef extends BaseDef {
  readonly kind: 'enum';
  /** Accepted words and their numeric values (several words may share one). */
  readonly choices: readonly (readonly [string, number])[];
  /** Several words may be given and are OR-ed together. */
  readonly bitflags?: boolean;
}

export interface StringDef extends BaseDef {
  readonly kind: 'string';
  /** '' is stored as "unset" (NULL in Redis): not written by CONFIG REWRITE. */
  readonly emptyIsNull?: boolean;
  /** The compiled-in default is NULL (CONFIG REWRITE always writes a set value). */
  readonly nullDefault?: boolean;
}

export interface SpecialDef extends BaseDef {
  readonly kind: 'special';
  readonly special: SpecialKind;
}

export type ParamDef = BoolDef | NumDef | EnumDef | StringDef | SpecialDef;

const INT_MIN = -2147483648n;
const INT_MAX = 2147483647n;
const UINT_MAX = 4294967295n;
const LONG_MAX = 9223372036854775807n;
const LLONG_MAX = LONG_MAX;
const ULLONG_MAX = 18446744073709551615n;
const SSIZE_MAX = LONG_MAX;

const PROTECTED_ACTION = [
  ['no', 0],
  ['yes', 1],
  ['local', 2],
] as const;
const SHUTDOWN_ON_SIG = [
  ['default', 0],
  ['save', 1],
  ['nosave', 2],
  ['now', 4],
  ['force', 8],
] as const;

export const PARAMS = [
  // ---- booleans -------------------------------------------------------
  { name: 'rdbchecksum', kind: 'bool', default: 'yes', immutable: true, implemented: true },
  { name: 'daemonize', kind: 'bool', default: 'no', immutable: true, implemented: true },
  { name: 'io-threads-do-reads', kind: 'bool', default: 'no', immutable: true, implemented: false },
  { name: 'always-show-logo', kind: 'bool', default: 'no', immutable: true, implemented: true },
  { name: 'protected-mode', kind: 'bool', default: 'yes', implemented: true },
  { name: 'rdbcompression', kind: 'bool', default: 'yes', implemented: true },
  { name: 'rdb-del-sync-files', kind: 'bool', default: 'no', implemented: false },
  { name: 'activerehashing', kind: 'bool', default: 'yes', implemented: false },
  { name: 'stop-writes-on-bgsave-error', kind: 'bool', default: 'yes', implemented: true },
  { name: 'set-proc-title', kind: 'bool', default: 'yes', immutable: true, implemented: false },
  { name: 'dynamic-hz', kind: 'bool', default: 'yes', implemented: true },
  { name: 'lazyfree-lazy-eviction', kind: 'bool', default: 'no', implemented: true },
  { name: 'lazyfree-lazy-expire', kind: 'bool', default: 'no', implemented: true },
  { name: 'lazyfree-lazy-server-del', kind: 'bool', default: 'no', implemented: true },
  { name: 'lazyfree-lazy-user-del', kind: 'bool', default: 'no', implemented: true },
  { name: 'lazyfree-lazy-user-flush', kind: 'bool', default: 'no', implemented: true },
  { name: 'repl-disable-tcp-nodelay', kind: 'bool', default: 'no', implemented: false },
  { name: 'repl-diskless-sync', kind: 'bool', default: 'yes', implemented: false },
  { name: 'aof-rewrite-incremental-fsync', kind: 'bool', default: 'yes', implemented: true },
  { name: 'no-appendfsync-on-rewrite', kind: 'bool', default: 'no', implemented: false },
  { name: 'cluster-require-full-coverage', kind: 'bool', default: 'yes', implemented: false },
  { name: 'rdb-save-incremental-fsync', kind: 'bool', default: 'yes', implemented: false },
  { name: 'aof-load-truncated', kind: 'bool', default: 'yes', implemented: true },
  { name: 'aof-use-rdb-preamble', kind: 'bool', default: 'yes', implemented: true },
  { name: 'aof-timestamp-enabled', kind: 'bool', default: 'no', implemented: true },
  { name: 'cluster-replica-no-failover', alias: 'cluster-slave-no-failover', kind: 'bool', default: 'no', implemented: false },
  { name: 'replica-lazy-flush', alias: 'slave-lazy-flush', kind: 'bool', default: 'no', implemented: false },
  { name: 'replica-serve-stale-data', alias: 'slave-serve-stale-data', kind: 'bool', default: 'yes', implemented: false },
  { name: 'replica-read-only', alias: 'slave-read-only', kind: 'bool', default: 'yes', implemented: false },
  { name: 'replica-ignore-maxmemory', alias: 'slave-ignore-maxmemory', kind: 'bool', default: 'yes', implemented: false },
  { name: 'jemalloc-bg-thread', kind: 'bool', default: 'yes', implemented: false },
  { name: 'activedefrag', kind: 'bool', default: 'no', implemented: false },
  { name: 'syslog-enabled', kind: 'bool', default: 'no', immutable: true, implemented: false },
  { name: 'cluster-enabled', kind: 'bool', default: 'no', immutable: true, implemented: false },
  { name: 'appendonly', kind: 'bool', default: 'no', denyLoading: true, implemented: true },
  { name: 'cluster-allow-reads-when-down', kind: 'bool', default: 'no', implemented: false },
  { name: 'cluster-allow-pubsubshard-when-down', kind: 'bool', default: 'yes', implemented: false },
  { name: 'crash-log-enabled', kind: 'bool', default: 'yes', implemented: false },
  { name: 'crash-memcheck-enabled', kind: 'bool', default: 'yes', implemented: false },
  { name: 'use-exit-on-panic', kind: 'bool', default: 'no', hidden: true, implemented: false },
  { name: 'disable-thp', kind: 'bool', default: 'yes', immutable: true, implemented: false },
  { name: 'cluster-allow-replica-migration', kind: 'bool', default: 'yes', implemented: false },
  { name: 'replica-announced', kind: 'bool', default: 'yes', implemented: false },
  { name: 'latency-tracking', kind: 'bool', default: 'yes', implemented: true },
  { name: 'aof-disable-auto-gc', kind: 'bool', default: 'no', implemented: true },
  { name: 'replica-ignore-disk-write-errors', kind: 'bool', default: 'no', implemented: false },

  // ---- strings --------------------------------------------------------
  { name: 'aclfile', kind: 'string', default: '', immutable: true, implemented: false },
  { name: 'unixsocket', kind: 'string', default: '', immutable: true, emptyIsNull: true, nullDefault: true, implemented: true },
  { name: 'pidfile', kind: 'string', default: '', immutable: true, emptyIsNull: true, nullDefault: true, implemented: true },
  { name: 'replica-announce-ip', alias: 'slave-announce-ip', kind: 'string', default: '', emptyIsNull: true, nullDefault: true, implemented: false },
  { name: 'masteruser', kind: 'string', default: '', sensitive: true, emptyIsNull: true, nullDefault: true, implemented: false },
  { name: 'cluster-announce-ip', kind: 'string', default: '', emptyIsNull: true, nullDefault: true, implemented: false },
  { name: 'cluster-config-file', kind: 'string', default: 'nodes.conf', immutable: true, implemented: false },
  { name: 'cluster-announce-hostname', kind: 'string', default: '', emptyIsNull: true, nullDefault: true, implemented: false },
  { name: 'syslog-ident', kind: 'string', default: 'redis', immutable: true, implemented: false },
  { name: 'dbfilename', kind: 'string', default: 'dump.rdb', protected: true, implemented: true },
  { name: 'appendfilename', kind: 'string', default: 'appendonly.aof', immutable: true, implemented: true },
  { name: 'appenddirname', kind: 'string', default: 'appendonlydir', immutable: true, implemented: true },
  { name: 'server_cpulist', kind: 'string', default: '', immutable: true, emptyIsNull: true, nullDefault: true, implemented: false },
  { name: 'bio_cpulist', kind: 'string', default: '', immutable: true, emptyIsNull: true, nullDefault: true, implemented: false },
  { name: 'aof_rewrite_cpulist', kind: 'string', default: '', immutable: true, emptyIsNull: true, nullDefault: true, implemented: false },
  { name: 'bgsave_cpulist', kind: 'string', default: '', immutable: true, emptyIsNull: true, nullDefault: true, implemented: false },
  { name: 'ignore-warnings', kind: 'string', default: '', implemented: false },
  { name: 'proc-title-template', kind: 'string', default: '{title} {listen-addr} {server-mode}', implemented: false },
  { name: 'bind-source-addr', kind: 'string', default: '', emptyIsNull: true, nullDefault: true, implemented: false },
  { name: 'logfile', kind: 'string', default: '', immutable: true, implemented: true },
  { name: 'masterauth', kind: 'string', default: '', sensitive: true, emptyIsNull: true, nullDefault: true, implemented: false },
  { name: 'requirepass', kind: 'string', default: '', sensitive: true, emptyIsNull: true, nullDefault: true, implemented: true },

  // ---- enums ----------------------------------------------------------
  {
    name: 'supervised', kind: 'enum', default: 'no', immutable: true, implemented: false,
    choices: [['upstart', 1], ['systemd', 2], ['auto', 3], ['no', 0]],
  },
  {
    name: 'syslog-facility', kind: 'enum', default: 'local0', immutable: true, implemented: false,
    choices: [['user', 8], ['local0', 128], ['local1', 136], ['local2', 144], ['local3', 152], ['local4', 160], ['local5', 168], ['local6', 176], ['local7', 184]],
  },
  {
    name: 'repl-diskless-load', kind: 'enum', default: 'disabled', denyLoading: true, implemented: false,
    choices: [['disabled', 0], ['on-empty-db', 1], ['swapdb', 2]],
  },
  {
    name: 'loglevel', kind: 'enum', default: 'notice', implemented: true,
    choices: [['debug', 0], ['verbose', 1], ['notice', 2], ['warning', 3]],
  },
  {
    name: 'maxmemory-policy', kind: 'enum', default: 'noeviction', implemented: true,
    choices: [
      ['volatile-lru', 0], ['volatile-lfu', 1], ['volatile-random', 2], ['volatile-ttl', 3],
      ['allkeys-lru', 4], ['allkeys-lfu', 5], ['allkeys-random', 6], ['noeviction', 7],
    ],
  },
  {
    name: 'appendfsync', kind: 'enum', default: 'everysec', implemented: true,
    choices: [['everysec', 1], ['always', 2], ['no', 0]],
  },
  {
    name: 'oom-score-adj', kind: 'enum', default: 'no', implemented: false,
    choices: [['no', 0], ['yes', 1], ['relative', 1], ['absolute', 2]],
  },
  {
    name: 'acl-pubsub-default', kind: 'enum', default: 'resetchannels', implemented: false,
    choices: [['allchannels', 1], ['resetchannels', 0]],
  },
  {
    name: 'sanitize-dump-payload', kind: 'enum', default: 'no', implemented: true,
    choices: [['no', 0], ['yes', 1], ['clients', 2]],
  },
  { name: 'enable-protected-configs', kind: 'enum', default: 'no', immutable: true, implemented: true, choices: PROTECTED_ACTION },
  { name: 'enable-debug-command', kind: 'enum', default: 'no', immutable: true, implemented: true, choices: PROTECTED_ACTION },
  { name: 'enable-module-command', kind: 'enum', default: 'no', immutable: true, implemented: true, choices: PROTECTED_ACTION },
  {
    name: 'cluster-preferred-endpoint-type', kind: 'enum', default: 'ip', implemented: false,
    choices: [['ip', 0], ['hostname', 1], ['unknown-endpoint', 2]],
  },
  {
    name: 'propagation-error-behavior', kind: 'enum', default: 'ignore', implemented: false,
    choices: [['ignore', 0], ['panic', 1], ['panic-on-replicas', 2]],
  },
  { name: 'shutdown-on-sigint', kind: 'enum', default: 'default', multiArg: true, bitflags: true, implemented: false, choices: SHUTDOWN_ON_SIG },
  { name: 'shutdown-on-sigterm', kind: 'enum', default: 'default', multiArg: true, bitflags: true, implemented: false, choices: SHUTDOWN_ON_SIG },

  // ---- numbers --------------------------------------------------------
  { name: 'databases', kind: 'num', ctype: 'int', min: 1n, max: INT_MAX, default: '16', immutable: true, implemented: true },
  { name: 'port', kind: 'num', ctype: 'int', min: 0n, max: 65535n, default: '6379', implemented: true },
  { name: 'io-threads', kind: 'num', ctype: 'int', min: 1n, max: 128n, default: '1', immutable: true, implemented: false },
  { name: 'auto-aof-rewrite-percentage', kind: 'num', ctype: 'int', min: 0n, max: INT_MAX, default: '100', implemented: true },
  { name: 'cluster-replica-validity-factor', alias: 'cluster-slave-validity-factor', kind: 'num', ctype: 'int', min: 0n, max: INT_MAX, default: '10', implemented: false },
  { name: 'list-max-listpack-size', alias: 'list-max-ziplist-size', kind: 'num', ctype: 'int', min: INT_MIN, max: INT_MAX, default: '-2', implemented: true },
  { name: 'tcp-keepalive', kind: 'num', ctype: 'int', min: 0n, max: INT_MAX, default: '300', implemented: true },
  { name: 'cluster-migration-barrier', kind: 'num', ctype: 'int', min: 0n, max: INT_MAX, default: '1', implemented: false },
  { name: 'active-defrag-cycle-min', kind: 'num', ctype: 'int', min: 1n, max: 99n, default: '1', implemented: false },
  { name: 'active-defrag-cycle-max', kind: 'num', ctype: 'int', min: 1n, max: 99n, default: '25', implemented: false },
  { name: 'active-defrag-threshold-lower', kind: 'num', ctype: 'int', min: 0n, max: 1000n, default: '10', implemented: false },
  { name: 'active-defrag-threshold-upper', kind: 'num', ctype: 'int', min: 0n, max: 1000n, default: '100', implemented: false },
  { name: 'lfu-log-factor', kind: 'num', ctype: 'int', min: 0n, max: INT_MAX, default: '10', implemented: true },
  { name: 'lfu-decay-time', kind: 'num', ctype: 'int', min: 0n, max: INT_MAX, default: '1', implemented: true },
  { name: 'replica-priority', alias: 'slave-priority', kind: 'num', ctype: 'int', min: 0n, max: INT_MAX, default: '100', implemented: false },
  { name: 'repl-diskless-sync-delay', kind: 'num', ctype: 'int', min: 0n, max: INT_MAX, default: '5', implemented: false },
  { name: 'maxmemory-samples', kind: 'num', ctype: 'int', min: 1n, max: INT_MAX, default: '5', implemented: true },
  { name: 'maxmemory-eviction-tenacity', kind: 'num', ctype: 'int', min: 0n, max: 100n, default: '10', implemented: true },
  { name: 'timeout', kind: 'num', ctype: 'int', min: 0n, max: INT_MAX, default: '0', implemented: true },
  { name: 'replica-announce-port', alias: 'slave-announce-port', kind: 'num', ctype: 'int', min: 0n, max: 65535n, default: '0', implemented: false },
  { name: 'tcp-backlog', kind: 'num', ctype: 'int', min: 0n, max: INT_MAX, default: '511', immutable: true, implemented: true },
  { name: 'cluster-port', kind: 'num', ctype: 'int', min: 0n, max: 65535n, default: '0', immutable: true, implemented: false },
  { name: 'cluster-announce-bus-port', kind: 'num', ctype: 'int', min: 0n, max: 65535n, default: '0', implemented: false },
  { name: 'cluster-announce-port', kind: 'num', ctype: 'int', min: 0n, max: 65535n, default: '0', implemented: false },
  { name: 'cluster-announce-tls-port', kind: 'num', ctype: 'int', min: 0n, max: 65535n, default: '0', implemented: false },
  { name: 'repl-timeout', kind: 'num', ctype: 'int', min: 1n, max: INT_MAX, default: '60', implemented: false },
  { name: 'repl-ping-replica-period', alias: 'repl-ping-slave-period', kind: 'num', ctype: 'int', min: 1n, max: INT_MAX, default: '10', implemented: false },
  { name: 'list-compress-depth', kind: 'num', ctype: 'int', min: 0n, max: INT_MAX, default: '0', implemented: false },
  { name: 'rdb-key-save-delay', kind: 'num', ctype: 'int', min: INT_MIN, max: INT_MAX, default: '0', hidden: true, implemented: false },
  { name: 'key-load-delay', kind: 'num', ctype: 'int', min: INT_MIN, max: INT_MAX, default: '0', hidden: true, implemented: false },
  { name: 'active-expire-effort', kind: 'num', ctype: 'int', min: 1n, max: 10n, default: '1', implemented: true },
  { name: 'hz', kind: 'num', ctype: 'int', min: 0n, max: INT_MAX, default: '10', implemented: true },
  { name: 'min-replicas-to-write', alias: 'min-slaves-to-write', kind: 'num', ctype: 'int', min: 0n, max: INT_MAX, default: '0', implemented: false },
  { name: 'min-replicas-max-lag', alias: 'min-slaves-max-lag', kind: 'num', ctype: 'int', min: 0n, max: INT_MAX, default: '10', implemented: false },
  { name: 'watchdog-period', kind: 'num', ctype: 'int', min: 0n, max: INT_MAX, default: '0', hidden: true, implemented: false },
  { name: 'shutdown-timeout', kind: 'num', ctype: 'int', min: 0n, max: INT_MAX, default: '10', implemented: false },
  { name: 'repl-diskless-sync-max-replicas', kind: 'num', ctype: 'int', min: 0n, max: INT_MAX, default: '0', implemented: false },
  { name: 'maxclients', kind: 'num', ctype: 'uint', min: 1n, max: UINT_MAX, default: '10000', implemented: true },
  { name: 'unixsocketperm', kind: 'num', ctype: 'uint', min: 0n, max: 0o777n, default: '0', octal: true, immutable: true, implemented: true },
  { name: 'socket-mark-id', kind: 'num', ctype: 'uint', min: 0n, max: UINT_MAX, default: '0', immutable: true, implemented: false },
  { name: 'active-defrag-max-scan-fields', kind: 'num', ctype: 'ulong', min: 1n, max: LONG_MAX, default: '1000', implemented: false },
  { name: 'slowlog-max-len', kind: 'num', ctype: 'ulong', min: 0n, max: LONG_MAX, default: '128', implemented: true },
  { name: 'acllog-max-len', kind: 'num', ctype: 'ulong', min: 0n, max: LONG_MAX, default: '128', implemented: false },
  { name: 'busy-reply-threshold', alias: 'lua-time-limit', kind: 'num', ctype: 'll', min: 0n, max: LONG_MAX, default: '5000', implemented: true },
  { name: 'cluster-node-timeout', kind: 'num', ctype: 'll', min: 0n, max: LLONG_MAX, default: '15000', implemented: false },
  { name: 'slowlog-log-slower-than', kind: 'num', ctype: 'll', min: -1n, max: LLONG_MAX, default: '10000', implemented: true },
  { name: 'latency-monitor-threshold', kind: 'num', ctype: 'll', min: 0n, max: LLONG_MAX, default: '0', implemented: true },
  { name: 'proto-max-bulk-len', kind: 'num', ctype: 'll', min: 1048576n, max: LONG_MAX, default: '536870912', memory: true, implemented: true },
  { name: 'stream-node-max-entries', kind: 'num', ctype: 'll', min: 0n, max: LLONG_MAX, default: '100', implemented: true },
  { name: 'repl-backlog-size', kind: 'num', ctype: 'll', min: 1n, max: LLONG_MAX, default: '1048576', memory: true, implemented: false },
  { name: 'maxmemory', kind: 'num', ctype: 'ull', min: 0n, max: ULLONG_MAX, default: '0', memory: true, implemented: true },
  { name: 'cluster-link-sendbuf-limit', kind: 'num', ctype: 'ull', min: 0n, max: ULLONG_MAX, default: '0', memory: true, implemented: false },
  { name: 'hash-max-listpack-entries', alias: 'hash-max-ziplist-entries', kind: 'num', ctype: 'size_t', min: 0n, max: LONG_MAX, default: '512', implemented: true },
  { name: 'set-max-intset-entries', kind: 'num', ctype: 'size_t', min: 0n, max: LONG_MAX, default: '512', implemented: true },
  { name: 'zset-max-listpack-entries', alias: 'zset-max-ziplist-entries', kind: 'num', ctype: 'size_t', min: 0n, max: LONG_MAX, default: '128', implemented: true },
  { name: 'active-defrag-ignore-bytes', kind: 'num', ctype: 'size_t', min: 1n, max: LLONG_MAX, default: '104857600', memory: true, implemented: false },
  { name: 'hash-max-listpack-value', alias: 'hash-max-ziplist-value', kind: 'num', ctype: 'size_t', min: 0n, max: LONG_MAX, default: '64', memory: true, implemented: true },
  { name: 'stream-node-max-bytes', kind: 'num', ctype: 'size_t', min: 0n, max: LONG_MAX, default: '4096', memory: true, implemented: true },
  { name: 'zset-max-listpack-value', alias: 'zset-max-ziplist-value', kind: 'num', ctype: 'size_t', min: 0n, max: LONG_MAX, default: '64', memory: true, implemented: true },
  { name: 'hll-sparse-max-bytes', kind: 'num', ctype: 'size_t', min: 0n, max: LONG_MAX, default: '3000', memory: true, implemented: true },
  { name: 'tracking-table-max-keys', kind: 'num', ctype: 'size_t', min: 0n, max: LONG_MAX, default: '1000000', implemented: true },
  { name: 'client-query-buffer-limit', kind: 'num', ctype: 'size_t', min: 1048576n, max: LONG_MAX, default: '1073741824', memory: true, implemented: true },
  { name: 'maxmemory-clients', kind: 'num', ctype: 'ssize_t', min: -100n, max: SSIZE_MAX, default: '0', memory: true, percent: true, implemented: true },
  { name: 'repl-backlog-ttl', kind: 'num', ctype: 'time_t', min: 0n, max: LONG_MAX, default: '3600', implemented: false },
  { name: 'auto-aof-rewrite-min-size', kind: 'num', ctype: 'off_t', min: 0n, max: LLONG_MAX, default: '67108864', memory: true, implemented: true },
  { name: 'loading-process-events-interval-bytes', kind: 'num', ctype: 'off_t', min: 1024n, max: INT_MAX, default: '2097152', hidden: true, implemented: false },

  // ---- TLS (Redis built with TLS support) -----------------------------
  { name: 'tls-port', kind: 'num', ctype: 'int', min: 0n, max: 65535n, default: '0', implemented: false },
  { name: 'tls-session-cache-size', kind: 'num', ctype: 'int', min: 0n, max: INT_MAX, default: '20480', implemented: false },
  { name: 'tls-session-cache-timeout', kind: 'num', ctype: 'int', min: 0n, max: INT_MAX, default: '300', implemented: false },
  { name: 'tls-cluster', kind: 'bool', default: 'no', implemented: false },
  { name: 'tls-replication', kind: 'bool', default: 'no', implemented: false },
  {
    name: 'tls-auth-clients', kind: 'enum', default: 'yes', implemented: false,
    choices: [['no', 0], ['yes', 1], ['optional', 2]],
  },
  { name: 'tls-prefer-server-ciphers', kind: 'bool', default: 'no', implemented: false },
  { name: 'tls-session-caching', kind: 'bool', default: 'yes', implemented: false },
  { name: 'tls-cert-file', kind: 'string', default: '', emptyIsNull: true, nullDefault: true, implemented: false },
  { name: 'tls-key-file', kind: 'string', default: '', emptyIsNull: true, nullDefault: true, implemented: false },
  { name: 'tls-key-file-pass', kind: 'string', default: '', emptyIsNull: true, nullDefault: true, implemented: false },
  { name: 'tls-client-cert-file', kind: 'string', default: '', emptyIsNull: true, nullDefault: true, implemented: false },
  { name: 'tls-client-key-file', kind: 'string', default: '', emptyIsNull: true, nullDefault: true, implemented: false },
  { name: 'tls-client-key-file-pass', kind: 'string', default: '', emptyIsNull: true, nullDefault: true, implemented: false },
  { name: 'tls-dh-params-file', kind: 'string', default: '', emptyIsNull: true, nullDefault: true, implemented: false },
  { name: 'tls-ca-cert-file', kind: 'string', default: '', emptyIsNull: true, nullDefault: true, implemented: false },
  { name: 'tls-ca-cert-dir', kind: 'string', default: '', emptyIsNull: true, nullDefault: true, implemented: false },
  { name: 'tls-protocols', kind: 'string', default: '', emptyIsNull: true, nullDefault: true, implemented: false },
  { name: 'tls-ciphers', kind: 'string', default: '', emptyIsNull: true, nullDefault: true, implemented: false },
  { name: 'tls-ciphersuites', kind: 'string', default: '', emptyIsNull: true, nullDefault: true, implemented: false },

  // ---- special --------------------------------------------------------
  { name: 'dir', kind: 'special', special: 'dir', default: '', protected: true, denyLoading: true, implemented: true },
  { name: 'save', kind: 'special', special: 'save', default: '3600 1 300 100 60 10000', multiArg: true, implemented: true },
  {
    name: 'client-output-buffer-limit', kind: 'special', special: 'client-output-buffer-limit',
    default: 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60', multiArg: true, implemented: true,
  },
  { name: 'oom-score-adj-values', kind: 'special', special: 'oom-score-adj-values', default: '0 200 800', multiArg: true, implemented: false },
  { name: 'notify-keyspace-events', kind: 'special', special: 'notify-keyspace-events', default: '', implemented: true },
  { name: 'bind', kind: 'special', special: 'bind', default: '* -::*', multiArg: true, implemented: true },
  { name: 'replicaof', alias: 'slaveof', kind: 'special', special: 'replicaof', default: '', immutable: true, multiArg: true, implemented: false },
  {
    name: 'latency-tracking-info-percentiles', kind: 'special', special: 'latency-tracking-info-percentiles',
    default: '50 99 99.9', multiArg: true, implemented: true,
  },
] as const satisfies readonly ParamDef[];

/** Every primary parameter name. */
export type ParamName = (typeof PARAMS)[number]['name'];
type DefOf<N extends ParamName> = Extract<(typeof PARAMS)[number], { name: N }>;

/** Parsed value of a save point (`save <seconds> <changes>`). */
export interface SavePoint {
  seconds: number;
  changes: number;
}

/** One class of `client-output-buffer-limit`. */
export interface OutputBufferLimit {
  hard: number;
  soft: number;
  softSeconds: number;
}

export interface ClientOutputBufferLimits {
  normal: OutputBufferLimit;
  replica: OutputBufferLimit;
  pubsub: OutputBufferLimit;
}

export interface ReplicaOf {
  host: string;
  port: number;
}

/** Value types of the special parameters. */
export interface SpecialValues {
  dir: string;
  save: SavePoint[];
  'client-output-buffer-limit': ClientOutputBufferLimits;
  'oom-score-adj-values': number[];
  /** Bit mask of NOTIFY_* flags (see notify.ts). */
  'notify-keyspace-events': number;
  bind: string[];
  replicaof: ReplicaOf | null;
  'latency-tracking-info-percentiles': number[];
}

/**
 * Value type of a parameter as kept in `Config.values`:
 * bool -> boolean, numbers -> number (percent values are negative, as in
 * Redis), enums -> canonical word (bit-flag enums: the words joined by
 * spaces, as CONFIG GET prints them), strings -> string ('' when unset),
 * special -> see SpecialValues.
 */
export type ValueOf<D> = D extends { kind: 'bool' }
  ? boolean
  : D extends { kind: 'num' }
    ? number
    : D extends { kind: 'enum' }
      ? string
      : D extends { kind: 'string' }
        ? string
        : D extends { kind: 'special'; special: infer S extends SpecialKind }
          ? SpecialValues[S]
          : never;

/** The typed record of every parameter's current value. */
export type ConfigValues = { -readonly [N in ParamName]: ValueOf<DefOf<N>> };

type NamesOfKind<K extends ParamDef['kind']> = Extract<(typeof PARAMS)[number], { kind: K }>['name'];
export type BoolParam = NamesOfKind<'bool'>;
export type NumParam = NamesOfKind<'num'>;
export type StrParam = NamesOfKind<'string'> | NamesOfKind<'enum'> | 'dir';

/** Lowercase name or alias -> definition. */
export const PARAM_BY_NAME: ReadonlyMap<string, ParamDef> = (() => {
  const m = new Map<string, ParamDef>();
  for (const d of PARAMS as readonly ParamDef[]) {
    m.set(d.name, d);
    if (d.alias) m.set(d.alias, d);
  }
  return m;
})();

/** Looks up a parameter by name or alias, case-insensitively. */
export function lookupParam(name: string): ParamDef | undefined {
  return PARAM_BY_NAME.get(name) ?? PARAM_BY_NAME.get(name.toLowerCase());
}

/** Names of the parameters tredis honours. */
export const IMPLEMENTED_PARAMS: readonly string[] = (PARAMS as readonly ParamDef[])
  .filter((d) => d.implemented)
  .map((d) => d.name);

/**
 * Directives that are not parameters but that Redis accepts in a config
 * file (CONFIG REWRITE leaves their lines alone, except the ones it owns).
 */
export const NON_PARAM_DIRECTIVES = ['include', 'rename-command', 'user', 'loadmodule', 'sentinel'] as const;

/** Directives Redis 7.0 still swallows silently (deprecated). */
export const DEPRECATED_DIRECTIVES: readonly { name: string; argc: number }[] = [
  { name: 'list-max-ziplist-entries', argc: 2 },
  { name: 'list-max-ziplist-value', argc: 2 },
  { name: 'lua-replicate-commands', argc: 2 },
];
