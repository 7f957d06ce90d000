/**
 * Output-buffer limits (`client-output-buffer-limit`), enforced as Redis
 * 7.0's checkClientOutputBufferLimits / closeClientOnOutputBufferLimitReached
 * do it.
 *
 * A client's output not yet sent is its reply buffer (`c.reply.len`) plus
 * what the socket still queues (`writableLength`). Redis checks whenever it
 * adds a block to a client's reply list; tredis checks where output can pile
 * up: after each command and each pub/sub message for a client
 * whose socket is still sending (`writableLength !== 0`) or whose reply
 * buffer holds at least the smallest limit in force (`Server.obufWatch`),
 * when a flush leaves bytes queued in the socket, and when a reply buffer
 * has to grow (Reply.onGrow: other writers, such as MONITOR feeds). Like
 * Redis's clientsCron, the cron also checks the clients whose sockets are
 * still sending (`Server.outputBacklog`), so a client over its soft limit is
 * closed once the time is up even when nothing more is sent to it. A client
 * whose socket drains pays for one comparison per command; a full drain also
 * ends a soft-limit period, as Redis's next check under the soft limit does.
 *
 * A client over its limit is marked `closeAsap` (CLIENT_CLOSE_ASAP): it runs
 * no more commands, pub/sub sends it nothing more, and it is closed, its
 * unsent output dropped, at its next flush, when the event that marked it
 * is done (marking adds it to `pendingFlush`), never while a command may
 * still write to it. The cron closes at once (Redis's synchronous form).
 */
import type { Client } from './client';
import type { Server } from './server';
import type { ClientOutputBufferLimits, OutputBufferLimit } from '../config/table';
import { clock } from './clock';
import { clientInfoHooks, clientInfoLine } from '../commands/client';

/**
 * The smallest limit in force, Infinity when none: a reply buffer below it
 * needs no check while the socket keeps up (Server.obufWatch).
 */
export function smallestLimit(limits: ClientOutputBufferLimits): number {
  let min = Infinity;
  for (const l of [limits.normal, limits.pubsub, limits.replica]) {
    if (l.hard !== 0 && l.hard < min) min = l.hard;
    if (l.soft !== 0 && l.soft < min) min = l.soft;
  }
  return min;
}

/**
 * The limits of c's class, as getClientType: a master is limited like a
 * normal client, a MONITOR client (a replica by its flags) too, a client
 * with subscriptions (CLIENT_PUBSUB) as pubsub.
 */
function limitsOf(srv: Server, c: Client): OutputBufferLimit {
  const limits = srv.settings.clientOutputBufferLimits;
  if (clientInfoHooks.isMaster(c)) return limits.normal;
  // Replication will also count a replica's share of the replication buffer
  // and raise its hard limit to repl-backlog-size, as Redis does.
  if (clientInfoHooks.isReplica(c) && !c.monitor) return limits.replica;
  return c.pubsub !== null ? limits.pubsub : limits.normal;
}

/**
 * checkClientOutputBufferLimits: whether `used` bytes of pending output reach
 * c's hard limit, or its soft limit continuously for more than the soft
 * seconds (Redis's whole-second unixtime: elapsed <= seconds keeps it). Starts
 * the soft-limit timer the first time over it, and clears it under it.
 */
export function outputBufferLimitReached(srv: Server, c: Client, used: number): boolean {
  const l = limitsOf(srv, c);
  const hard = l.hard !== 0 && used >= l.hard;
  let soft = l.soft !== 0 && used >= l.soft;
  if (soft) {
    const now = Math.floor(clock.ms / 1000);
    if (c.obufSoftLimitReachedTime === 0) {
      c.obufSoftLimitReachedTime = now;
      soft = false; // first time over it
    } else if (now - c.obufSoftLimitReachedTime <= l.softSeconds) {
      soft = false; // not over it for long enough yet
    }
  } else {
    c.obufSoftLimitReachedTime = 0;
  }
  return soft || hard;
}

/**
 * closeClientOnOutputBufferLimitReached (the asynchronous form): when c, with
 * `used` bytes pending, is over its limit, log Redis's warning with its
 * CLIENT LIST line and mark it to be closed once the current event is done.
 * True when it was marked now.
 */
export function closeOnOutputBufferLimit(srv: Server, c: Client, used: number): boolean {
  // fake clients (no connection) are never freed this way; marked ones are done
  if (c.socket === null || c.closeAsap || c.closed) return false;
  if (!outputBufferLimitReached(srv, c, used)) return false;
  // the line is built before the mark, as Redis builds it before freeClientAsync
  const line = clientInfoLine(c);
  c.closeAsap = true;
  c.flags += 'A'; // CLIENT LIST shows CLIENT_CLOSE_ASAP until it is gone
  srv.pendingFlush.add(c);
  srv.log.warning(`Client ${line} scheduled to be closed ASAP for overcoming of output buffer limits.`);
  return true;
}

/** After output was added to c: close it ASAP when that puts it over its limit. */
export function checkOutputBuffer(srv: Server, c: Client): boolean {
  const sock = c.socket;
  return sock !== null && closeOnOutputBufferLimit(srv, c, c.reply.len + sock.writableLength);
}

/** After a pub/sub message (or another push) was added to c: check when output may be piling up. */
export function outputAdded(srv: Server, c: Client): void {
  const sock = c.socket;
  if (sock !== null && (c.reply.len >= srv.obufWatch || sock.writableLength !== 0)) {
    closeOnOutputBufferLimit(srv, c, c.reply.len + sock.writableLength);
  }
}

/** Check c's limit whenever its reply buffer grows (set up once per connection). */
export function watchOutputBuffer(srv: Server, c: Client): void {
  const sock = c.socket;
  if (sock === null) return;
  c.reply.onGrow = (bytes: number) => {
    if (!c.closeAsap) closeOnOutputBufferLimit(srv, c, bytes + sock.writableLength);
  };
}

/**
 * From the cron (clientsCron's closeClientOnOutputBufferLimitReached(c, 0)):
 * check the clients whose sockets were still sending after a flush; close
 * those over their limit now. One that has sent everything leaves the list
 * and its soft-limit period ends.
 */
export function outputBufferCron(srv: Server): void {
  for (const c of srv.outputBacklog) {
    const sock = c.socket;
    if (c.closed || sock === null) {
      srv.outputBacklog.delete(c);
    } else if (sock.writableLength === 0) {
      srv.outputBacklog.delete(c);
      c.obufSoftLimitReachedTime = 0;
    } else if (!c.closeAsap && outputBufferLimitReached(srv, c, c.reply.len + sock.writableLength)) {
      srv.log.warning(`Client ${clientInfoLine(c)} closed for overcoming of output buffer limits.`);
      srv.outputBacklog.delete(c);
      srv.closeClient(c);
    }
  }
}
