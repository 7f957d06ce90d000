/**
 * MULTI / EXEC / DISCARD / WATCH / UNWATCH. The dispatcher queues commands
 * while a client is in MULTI (queue()) and flags the transaction when it
 * rejects one (flagRejected()); EXEC runs the queue through the same call()
 * as any command, with blocking forms answering at once, and propagates
 * what the commands propagated as one unit: MULTI ... EXEC around more than
 * one, nothing when nothing wrote, as Redis 7.0 does.
 */
import type { Client } from '../server/client';
import { Command, CommandSpec, F } from '../server/command';
import { call, feedMonitors } from '../server/dispatch';
import { Err } from '../protocol/errors';

interface Queued {
  cmd: Command;
  argv: string[];
}

export class MultiState {
  readonly queue: Queued[] = [];
  /** A command was rejected while queueing: EXEC fails with EXECABORT (CLIENT_DIRTY_EXEC). */
  aborted = false;
  /** Some queued command writes or may replicate (CLIENT PAUSE WRITE holds the EXEC). */
  writes = false;
  /** Some queued command is deny-oom (EXEC is refused when out of memory). */
  denyOom = false;
  /** Bytes of the queued arguments (CLIENT LIST multi-mem). */
  argvBytes = 0;
}

/** Commands that run at once inside MULTI instead of being queued. */
const TX_CONTROL = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

/**
 * Queue `cmd` if the client is in MULTI (after the dispatcher's checks):
 * true when it was queued (or refused) and must not run now.
 */
export function queueIfMulti(c: Client, cmd: Command, argv: string[]): boolean {
  const m = c.multi!;
  if (TX_CONTROL.has(cmd.fullname)) return false;
  if (cmd.has(F.noMulti)) {
    m.aborted = true;
    cmd.rejectedCalls++;
    c.error(Err.notAllowedInMulti);
    return true;
  }
  m.queue.push({ cmd, argv });
  if (cmd.has(F.write) || cmd.has(F.mayReplicate)) m.writes = true;
  if (cmd.has(F.denyoom) || (cmd.spec.denyOom?.(c, argv) ?? false)) m.denyOom = true;
  for (let i = 0; i < argv.length; i++) m.argvBytes += argv[i].length;
  c.reply.status('QUEUED');
  return true;
}

/**
 * The dispatcher refused an EXEC (arity, auth): the transaction, if any, is
 * discarded and the error says why (execCommandAbort; a formatted reason
 * comes without its "ERR ").
 */
export function rejectExec(c: Client, msg: string, argv: string[]): void {
  discardTransaction(c);
  c.error(Err.execAbortBecause(msg.startsWith('ERR ') ? msg.slice(4) : msg));
  // MONITOR saw the MULTI: it sees this EXEC too
  if (c.server.monitors.size !== 0) feedMonitors(c.server, c, argv);
}

/** The dispatcher refused a command (unknown, arity, auth...): a transaction in progress is spoiled. */
export function flagRejected(c: Client): void {
  if (c.multi !== null) c.multi.aborted = true;
}

/** No transaction, nothing watched (EXEC, DISCARD, RESET, a closed connection). */
export function discardTransaction(c: Client): void {
  c.multi = null;
  c.dirtyCas = false;
  c.server.watches.unwatchAll(c);
}

function multi(c: Client): void {
  if (c.multi !== null) return c.error(Err.multiNested);
  c.multi = new MultiState();
  c.reply.ok();
}

function discard(c: Client): void {
  if (c.multi === null) return c.error(Err.discardWithoutMulti);
  discardTransaction(c);
  c.reply.ok();
}

function exec(c: Client): void {
  const m = c.multi;
  if (m === null) return c.error(Err.execWithoutMulti);
  const srv = c.server;
  if (srv.watches.expiredSinceWatched(c)) c.dirtyCas = true;
  if (m.aborted || c.dirtyCas) {
    if (m.aborted) c.error(Err.execAbort);
    else c.reply.nullArray();
    discardTransaction(c);
    return;
  }
  srv.watches.unwatchAll(c);
  // c.multi stays set while the queue runs (CLIENT INFO shows flag x and multi=N, as in Redis)
  const denied = c.denyBlocking;
  c.denyBlocking = true;
  const began = srv.beginPropagationUnit();
  c.reply.array(m.queue.length);
  runQueue(c, m, 0, began, denied);
  // EXEC itself is not propagated: the commands were, as one unit
  c.preventPropagate = true;
}

/**
 * Runs the queue from `from`. A script that runs past busy-reply-threshold
 * is suspended (the client waits, other clients get -BUSY, so nothing runs
 * between the transaction's commands); the rest of the queue then runs when
 * the script ends, even if the client has gone (a transaction is applied
 * whole).
 */
function runQueue(c: Client, m: MultiState, from: number, began: boolean, denied: boolean): void {
  const srv = c.server;
  for (let i = from; i < m.queue.length; i++) {
    const q = m.queue[i]!;
    c.callFailed = false;
    call(srv, c, q.cmd, q.argv);
    if (c.waiting) {
      c.execRest = () => runQueue(c, m, i + 1, began, denied);
      c.callFailed = false;
      return;
    }
  }
  srv.endPropagationUnit(began);
  c.multi = null;
  c.denyBlocking = denied;
  c.dirtyCas = false;
  // the queued commands' errors are theirs, not EXEC's (failed_calls)
  c.callFailed = false;
}

function watch(c: Client, argv: string[]): void {
  if (c.multi !== null) return c.error(Err.watchInMulti);
  // no point in watching once dirty
  if (!c.dirtyCas) for (let j = 1; j < argv.length; j++) c.server.watches.watch(c, argv[j]);
  c.reply.ok();
}

function unwatch(c: Client): void {
  c.server.watches.unwatchAll(c);
  c.dirtyCas = false;
  c.reply.ok();
}

export const transactionCommands: CommandSpec[] = [
  { name: 'multi', handler: multi },
  { name: 'exec', handler: exec },
  { name: 'discard', handler: discard },
  { name: 'watch', handler: watch },
  { name: 'unwatch', handler: unwatch },
];
