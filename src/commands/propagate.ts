/**
 * Propagating a write as other commands (Redis's alsoPropagate() with the
 * command itself suppressed): SPOP with a count as SREMs, XREADGROUP as
 * XCLAIMs and XGROUP SETID, and so on.
 */
import type { Client } from '../server/client';

/**
 * Propagate `cmds` to the AOF and replicas instead of the running command.
 * More than one is wrapped in MULTI/EXEC, as Redis 7.0 does; none at all
 * propagates nothing.
 */
export function propagateAs(c: Client, cmds: string[][]): void {
  const srv = c.server;
  const id = c.db.id;
  const wrap = cmds.length > 1;
  if (wrap) srv.propagate(id, ['MULTI']);
  for (let i = 0; i < cmds.length; i++) srv.propagate(id, cmds[i]);
  if (wrap) srv.propagate(id, ['EXEC']);
  c.preventPropagate = true;
}
