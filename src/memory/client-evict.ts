/**
 * Client eviction (Redis 7.0's maxmemory-clients): when the clients
 * together hold more memory than the limit, the ones holding the most are
 * closed first (CLIENT NO-EVICT ones never), each logged as
 * "Evicting client: <CLIENT LIST line>" and counted in evicted_clients.
 *
 * Redis keeps its clients in buckets by memory so the check is cheap per
 * command; here the cron sums every client (at hz) and a command adds what
 * its own client grew since, so a client that balloons between two cron
 * runs is still caught at its next command.
 */
import type { Server } from '../server/server';
import type { Client } from '../server/client';
import { clientInfoLine, clientTotalMemory } from '../commands/client';

/** getClientEvictionLimit(): bytes, or a negative percentage of maxmemory; at least 128 KB; 0 when off. */
export function clientEvictionLimit(srv: Server): number {
  const v = Number(srv.config?.values['maxmemory-clients'] ?? 0);
  let limit: number;
  if (v < 0 && srv.settings.maxmemory > 0) limit = Math.floor((srv.settings.maxmemory * -v) / 100);
  else if (v > 0) limit = v;
  else return 0;
  return Math.max(limit, 128 * 1024);
}

export class ClientEvictor {
  /** Memory of all clients at the last cron, and each client's share of it. */
  private total = 0;
  private readonly seen = new WeakMap<Client, number>();

  constructor(private readonly srv: Server) {}

  /** The cron's pass: recount, and evict if over. */
  cron(): void {
    if (clientEvictionLimit(this.srv) === 0) return;
    this.recount();
    this.evict();
  }

  /** Before c's command: true when c itself was evicted (the command must not run). */
  beforeCommand(c: Client): boolean {
    const limit = clientEvictionLimit(this.srv);
    if (limit === 0) return false;
    const now = clientTotalMemory(c);
    const before = this.seen.get(c) ?? 0;
    if (this.total + now - before < limit) return false;
    this.recount();
    this.evict();
    return !this.srv.clients.has(c.id);
  }

  private recount(): void {
    let total = 0;
    for (const c of this.srv.clients.values()) {
      const m = clientTotalMemory(c);
      this.seen.set(c, m);
      total += m;
    }
    this.total = total;
  }

  /** evictClients(): largest first until under the limit. */
  private evict(): void {
    const srv = this.srv;
    const limit = clientEvictionLimit(srv);
    if (this.total < limit) return;
    const candidates = [...srv.clients.values()].filter((c) => !c.noEvict).sort((a, b) => (this.seen.get(b) ?? 0) - (this.seen.get(a) ?? 0));
    for (const c of candidates) {
      if (this.total < limit) return;
      srv.log.notice(`Evicting client: ${clientInfoLine(c)}`);
      this.total -= this.seen.get(c) ?? 0;
      srv.closeClient(c);
      srv.stats.evictedClients++;
    }
    if (this.total >= limit) srv.log.warning('Over client maxmemory after evicting all evictable clients');
  }
}
