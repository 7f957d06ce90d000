/**
 * The live values of the directives the server core reads on hot paths,
 * kept as plain fields (the config table owns parsing and CONFIG GET/SET;
 * it pushes changes here).
 */
import type { ClientOutputBufferLimits } from '../config/table';

export interface Settings {
  port: number;
  /** Programmatic API: `port 0` means "any free port" rather than "no TCP". */
  listenEphemeral: boolean;
  bind: string[];
  unixsocket: string;
  unixsocketperm: number;
  tcpBacklog: number;
  timeout: number;
  tcpKeepalive: number;
  maxclients: number;
  protectedMode: boolean;
  databases: number;
  hz: number;
  dynamicHz: boolean;
  requirepass: string;
  pidfile: string;
  dir: string;
  logfile: string;
  loglevel: string;
  protoMaxBulkLen: number;
  clientQueryBufferLimit: number;
  /** client-output-buffer-limit per class (server/obuf.ts enforces them). */
  clientOutputBufferLimits: ClientOutputBufferLimits;
  slowlogLogSlowerThan: number;
  slowlogMaxLen: number;
  latencyMonitorThreshold: number;
  activeExpireEffort: number;
  maxmemory: number;
  maxmemoryPolicy: string;
  lfuDecayTime: number;
  notifyKeyspaceEvents: number;
  lazyfreeLazyExpire: boolean;
  lazyfreeLazyUserDel: boolean;
  lazyfreeLazyUserFlush: boolean;
  lazyfreeLazyServerDel: boolean;
  lazyfreeLazyEviction: boolean;
  replicaLazyFlush: boolean;
  daemonize: boolean;
  dbfilename: string;
  appendonly: boolean;
}

export function defaultSettings(): Settings {
  return {
    port: 6379,
    listenEphemeral: false,
    bind: ['*', '-::*'],
    unixsocket: '',
    unixsocketperm: 0,
    tcpBacklog: 511,
    timeout: 0,
    tcpKeepalive: 300,
    maxclients: 10000,
    protectedMode: true,
    databases: 16,
    hz: 10,
    dynamicHz: true,
    requirepass: '',
    pidfile: '',
    dir: process.cwd(),
    logfile: '',
    loglevel: 'notice',
    protoMaxBulkLen: 512 * 1024 * 1024,
    clientQueryBufferLimit: 1024 * 1024 * 1024,
    clientOutputBufferLimits: {
      normal: { hard: 0, soft: 0, softSeconds: 0 },
      replica: { hard: 268435456, soft: 67108864, softSeconds: 60 },
      pubsub: { hard: 33554432, soft: 8388608, softSeconds: 60 },
    },
    slowlogLogSlowerThan: 10000,
    slowlogMaxLen: 128,
    latencyMonitorThreshold: 0,
    activeExpireEffort: 1,
    maxmemory: 0,
    maxmemoryPolicy: 'noeviction',
    lfuDecayTime: 1,
    notifyKeyspaceEvents: 0,
    lazyfreeLazyExpire: false,
    lazyfreeLazyUserDel: false,
    lazyfreeLazyUserFlush: false,
    lazyfreeLazyServerDel: false,
    lazyfreeLazyEviction: false,
    replicaLazyFlush: false,
    daemonize: false,
    dbfilename: 'dump.rdb',
    appendonly: false,
  };
}
