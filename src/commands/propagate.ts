/**
 * Propagating a write as other commands (Redis's alsoPropagate() with the
 * command itself suppressed): SPOP with a count as SREMs, XREADGROUP as
 * XCLAIMs and XGROUP SETID, and so on.
 */
import type { Client } from '../server/client';
import type { Server } from '../server/server';

/**
 * Propagate `cmds` to the AOF and replicas instead of the running command.
 * More than one is wrapped in MULTI/EXEC, as Redis 7.0 does; none at all
 * propagates nothing.
 */
export function propagateAs(c: Client, cmds: string[][]): void {
  propagateCommands(c.server, c.db.id, cmds);
  c.preventPropagate = true;
}

/**
 * Propagate `cmds` for db `dbid` outside of a command's own propagation (a
 * blocked client served after another client's command): MULTI/EXEC
 * around more than one.
 */
export function propagateCommands(srv: Server, dbid: number, cmds: string[][]): void {
  // inside a unit (EXEC) the unit wraps everything once
  const wrap = cmds.length > 1 && !srv.inPropagationUnit;
  if (wrap) srv.propagate(dbid, ['MULTI']);
  for (let i = 0; i < cmds.length; i++) srv.propagate(dbid, cmds[i]);
  if (wrap) srv.propagate(dbid, ['EXEC']);
}
