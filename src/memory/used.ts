/**
 * used_memory as tredis counts it: the heap the server held when it was
 * created (used_memory_startup), the accounted dataset (Keyspace.datasetBytes,
 * kept by the write path from memory/estimate.ts), the expires entries,
 * the buffers of its clients, the script caches and the AOF buffer. Cheap
 * enough to read before every command while maxmemory is on: the parts
 * that need a walk (clients, scripts) are summed by the cron and before
 * each report; the dataset and expires are read live (a few additions per
 * db).
 */
import type { Server } from '../server/server';
import type { Client } from '../server/client';
import { AofState } from '../persistence/aof/writer';
import { clientInfoHooks } from '../commands/client';
import { EXPIRE_ENTRY } from './estimate';

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

export interface MemoryCounters {
  /** Heap in use when the server was created (used_memory_startup). */
  startup: number;
  /** used_memory_peak. */
  peak: number;
  /** Normal clients' query and reply buffers (mem_clients_normal). */
  clients: number;
  /** Replicas' output buffers (mem_clients_slaves). */
  replicas: number;
  /** The AOF write buffer while the AOF is on (mem_aof_buffer). */
  aofBuffer: number;
  evalCaches: number;
  functionsCaches: number;
  /** clients + evalCaches + functionsCaches: the refreshed part counted against maxmemory. */
  counted: number;
}

const counters = new WeakMap<Server, MemoryCounters>();

function heapNow(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

function countersOf(srv: Server): MemoryCounters {
  let m = counters.get(srv);
  if (m === undefined) {
    const startup = heapNow();
    m = { startup, peak: startup, clients: 0, replicas: 0, aofBuffer: 0, evalCaches: 0, functionsCaches: 0, counted: 0 };
    counters.set(srv, m);
  }
  return m;
}

/**
 * Bytes client buffers hold for their clients: a query not yet run and
 * replies not yet sent. The reusable buffers behind them (a reply buffer of
 * a fixed initial size per client) are not counted: an idle client does
 * not make the dataset smaller.
 */
function clientBytes(c: Client): number {
  return c.reader.pending + c.reply.len + (c.socket ? c.socket.writableLength : 0);
}

/** Client buffers of every client (replicas included). */
export function clientsMemory(srv: Server): number {
  let n = 0;
  for (const c of srv.clients.values()) n += clientBytes(c);
  return n;
}

/** Re-sum the parts that need a walk (the cron, and before each report). */
function refresh(srv: Server, m: MemoryCounters): void {
  let normal = 0;
  let replicas = 0;
  for (const c of srv.clients.values()) {
    if (clientInfoHooks.isReplica(c) && !c.monitor) replicas += clientBytes(c);
    else normal += clientBytes(c);
  }
  m.clients = normal;
  m.replicas = replicas;
  const aof = srv.aof;
  m.aofBuffer = aof !== null && aof.state !== AofState.Off ? aof.buf.buf.length : 0;
  m.evalCaches = scriptMemory.evalCaches(srv);
  m.functionsCaches = scriptMemory.functionsCaches(srv);
  m.counted = normal + m.evalCaches + m.functionsCaches;
}

/** Bytes of every db's expires entries. */
export function expiresMemory(srv: Server): number {
  let n = 0;
  for (const db of srv.keyspace.dbs) n += db.expires.size;
  return n * EXPIRE_ENTRY;
}

/** Record the startup figure (call when the server is created) and keep the walked figures and the peak fresh from the cron. */
export function trackMemory(srv: Server): void {
  const m = countersOf(srv);
  srv.cronJobs.push(() => {
    refresh(srv, m);
    const used = usedMemory(srv);
    if (used > m.peak) m.peak = used;
  });
}

/**
 * used_memory. `forEviction` leaves out what is not counted against
 * maxmemory: as in Redis the replicas' output buffers and the AOF buffer,
 * and also the runtime's heap at startup (used_memory_startup, several MB
 * of compiled code and V8's own objects where Redis starts under 1 MB), so
 * that maxmemory bounds the dataset and the client buffers as a user sizing
 * Redis expects (INFO's mem_not_counted_for_evict reports it).
 */
export function usedMemory(srv: Server, forEviction = false): number {
  const m = countersOf(srv);
  // Keyspace.datasetBytes and expiresMemory() in one pass over the dbs
  let bytes = 0;
  let expires = 0;
  for (const db of srv.keyspace.dbs) {
    bytes += db.bytes;
    expires += db.expires.size;
  }
  const counted = bytes + expires * EXPIRE_ENTRY + m.counted;
  return forEviction ? counted : m.startup + counted + m.replicas + m.aofBuffer;
}

/** mem_not_counted_for_evict: used_memory minus what eviction weighs. */
export function notCountedForEvict(srv: Server): number {
  const m = countersOf(srv);
  return m.startup + m.replicas + m.aofBuffer;
}

/** used_memory_startup. */
export function startupMemory(srv: Server): number {
  return countersOf(srv).startup;
}

/** The counters, re-summed now, and the peak brought up to date (INFO, MEMORY STATS / DOCTOR). */
export function memoryCounters(srv: Server): MemoryCounters {
  const m = countersOf(srv);
  refresh(srv, m);
  const used = usedMemory(srv);
  if (used > m.peak) m.peak = used;
  return m;
}
