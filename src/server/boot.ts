/**
 * From configuration to a running server: builds the Config (file, flags or
 * the programmatic API), mirrors the values the core reads on hot paths into
 * Settings, keeps them in sync on CONFIG SET, and logs Redis's startup lines.
 */
import fs from 'node:fs';
import { Config } from '../config';
import { Settings, defaultSettings } from './settings';

export type DirectiveValue = string | number | boolean | string[];

/** Copy the config values the core uses into the Settings mirror. */
export function applyConfig(s: Settings, cfg: Config): void {
  const v = cfg.values;
  s.port = v.port;
  s.bind = v.bind.slice();
  s.unixsocket = v.unixsocket ?? '';
  s.unixsocketperm = v.unixsocketperm;
  s.tcpBacklog = v['tcp-backlog'];
  s.timeout = v.timeout;
  s.tcpKeepalive = v['tcp-keepalive'];
  s.maxclients = v.maxclients;
  s.protectedMode = v['protected-mode'];
  s.databases = v.databases;
  s.hz = v.hz;
  s.dynamicHz = v['dynamic-hz'];
  s.requirepass = v.requirepass ?? '';
  s.pidfile = v.pidfile ?? '';
  s.dir = v.dir;
  s.logfile = v.logfile ?? '';
  s.loglevel = v.loglevel;
  s.protoMaxBulkLen = Number(v['proto-max-bulk-len']);
  s.clientQueryBufferLimit = Number(v['client-query-buffer-limit']);
  s.clientOutputBufferLimits = v['client-output-buffer-limit'];
  s.slowlogLogSlowerThan = Number(v['slowlog-log-slower-than']);
  s.slowlogMaxLen = Number(v['slowlog-max-len']);
  s.latencyMonitorThreshold = Number(v['latency-monitor-threshold']);
  s.activeExpireEffort = v['active-expire-effort'];
  s.maxmemory = Number(v.maxmemory);
  s.maxmemoryPolicy = v['maxmemory-policy'];
  s.lfuDecayTime = v['lfu-decay-time'];
  s.notifyKeyspaceEvents = v['notify-keyspace-events'];
  s.lazyfreeLazyExpire = v['lazyfree-lazy-expire'];
  s.lazyfreeLazyUserDel = v['lazyfree-lazy-user-del'];
  s.lazyfreeLazyUserFlush = v['lazyfree-lazy-user-flush'];
  s.lazyfreeLazyServerDel = v['lazyfree-lazy-server-del'];
  s.lazyfreeLazyEviction = v['lazyfree-lazy-eviction'];
  s.replicaLazyFlush = v['replica-lazy-flush'];
  s.daemonize = v.daemonize;
  s.dbfilename = v.dbfilename;
  s.appendonly = v.appendonly;
}

/** Settings for the programmatic API: `port 0` there means "any free port". */
export function configFromDirectives(directives: Record<string, DirectiveValue | undefined>): Config {
  const d: Record<string, DirectiveValue | undefined> = { ...directives };
  // Embedded servers listen on loopback unless told otherwise.
  if (d.bind === undefined) d.bind = '127.0.0.1';
  return Config.fromObject(d);
}

export function buildSettings(cfg: Config, ephemeralPort: boolean): Settings {
  const s = defaultSettings();
  applyConfig(s, cfg);
  s.listenEphemeral = ephemeralPort && s.port === 0;
  return s;
}

export function writePidfile(path: string): void {
  if (!path) return;
  try {
    fs.writeFileSync(path, `${process.pid}\n`);
  } catch {
    /* Redis only logs this; so do we (caller) */
  }
}
