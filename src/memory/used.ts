/**
 * used_memory as tredis counts it: the heap the server held when it was
 * created, the accounted dataset (Keyspace.datasetBytes, kept by the write
 * path) and the buffers of its clients. Cheap enough to read before every
 * command while maxmemory is on: the client buffers are summed by the cron.
 */
import type { Server } from '../server/server';

interface MemoryCounters {
  /** Heap in use when the server was created (used_memory_startup). */
  startup: number;
  /** Client query and reply buffers, refreshed by the cron. */
  clients: number;
}

const counters = new WeakMap<Server, MemoryCounters>();

function heapNow(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

function countersOf(srv: Server): MemoryCounters {
  let m = counters.get(srv);
  if (m === undefined) {
    m = { startup: heapNow(), clients: 0 };
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
export function clientsMemory(srv: Server): number {
  let n = 0;
  for (const c of srv.clients.values()) n += c.reader.pending + c.reply.len + (c.socket ? c.socket.writableLength : 0);
  return n;
}

/** Record the startup figure (call when the server is created) and keep the client figure fresh from the cron. */
export function trackMemory(srv: Server): void {
  countersOf(srv);
  srv.cronJobs.push(() => {
    countersOf(srv).clients = clientsMemory(srv);
  });
}

/**
 * used_memory. `forEviction` leaves out what is not counted against
 * maxmemory: as in Redis the replication and AOF buffers (tredis's AOF
 * writes each turn's commands at once, so it has none), and also the
 * runtime's heap at startup (used_memory_startup, several MB of compiled
 * code and V8's own objects where Redis starts under 1 MB), so that
 * maxmemory bounds the dataset and the client buffers as a user sizing
 * Redis expects (INFO's mem_not_counted_for_evict reports it).
 */
export function usedMemory(srv: Server, forEviction = false): number {
  const m = countersOf(srv);
  const counted = srv.keyspace.datasetBytes + m.clients;
  return forEviction ? counted : m.startup + counted;
}

/** used_memory_startup. */
export function startupMemory(srv: Server): number {
  return countersOf(srv).startup;
}
