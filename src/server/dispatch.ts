/**
 * The gatekeeper: the one place that checks a command before it runs
 * (existence, arity, auth, pause...), and call(), which runs it and does the
 * bookkeeping every command shares (stats, slowlog, latency, monitor,
 * propagation).
 */
import type { Server } from './server';
import type { Client } from './client';
import { Command, F } from './command';
import { ReplyMode } from './client';
import { Err } from '../protocol/errors';
import { monitorLine } from './monitor';
import { flagRejected, queueIfMulti, rejectExec } from '../tx/transaction';

const SUBSCRIBED_MODE = new Set(['ping', 'subscribe', 'ssubscribe', 'unsubscribe', 'sunsubscribe', 'psubscribe', 'punsubscribe', 'quit', 'reset']);

export function processCommand(srv: Server, c: Client, argv: string[]): void {
  dispatch(srv, c, argv);
  // resetClient(): CLIENT CACHING covers only the next command
  if (c.tracking !== null) srv.tracking.commandDone(c);
}

function dispatch(srv: Server, c: Client, argv: string[]): void {
  let cmd = srv.registry.lookup(argv[0]);
  c.callFailed = false;
  if (cmd === undefined) {
    c.lastCmd = null;
    rejectCommand(srv, c, null, Err.unknownCommand(argv[0], argv.slice(1)));
    return;
  }
  if (cmd.subcommands !== null && argv.length >= 2) {
    const sub = cmd.subcommands.get(argv[1].toLowerCase());
    if (sub === undefined) {
      c.lastCmd = null;
      rejectCommand(srv, c, null, Err.unknownSubcommand(argv[1], cmd.name));
      return;
    }
    cmd = sub;
  }
  // CLIENT LIST's cmd=: the command last dispatched, queued or not (an EXEC while its queue runs)
  c.lastCmd = cmd;
  const argc = argv.length;
  if ((cmd.arity > 0 && argc !== cmd.arity) || argc < -cmd.arity) {
    rejectCommand(srv, c, cmd, Err.arity(cmd.fullname), argv);
    return;
  }
  if (cmd.guard !== null) {
    const refused = cmd.guard(c);
    if (refused !== null) return rejectCommand(srv, c, cmd, refused, argv);
  }
  if (!c.authenticated && !cmd.has(F.noAuth)) {
    rejectCommand(srv, c, cmd, Err.noAuth, argv);
    return;
  }
  // maxmemory: evict, and refuse what may grow memory when nothing more can go
  if (srv.oomCheck !== null && srv.oomCheck(c, cmd, argv)) {
    // client eviction may have closed this very client: nothing to answer
    if (srv.clients.has(c.id)) rejectCommand(srv, c, cmd, Err.oom, argv);
    return;
  }
  // the last background save failed and stop-writes-on-bgsave-error is on: writes (and PING) refused
  if (srv.diskError !== null && (cmd.has(F.write) || cmd.fullname === 'ping')) return rejectCommand(srv, c, cmd, srv.diskError, argv);
  // RESP2 subscribed mode: only the pub/sub commands, PING, QUIT and RESET
  if (c.pubsub !== null && c.reply.proto === 2 && !SUBSCRIBED_MODE.has(cmd.fullname)) {
    return rejectCommand(srv, c, cmd, Err.onlyPubsubCommands(cmd.fullname), argv);
  }
  // the dataset is being loaded: only the commands flagged ok-loading
  if (srv.loading !== null && !cmd.has(F.loading)) return rejectCommand(srv, c, cmd, 'LOADING Redis is loading the dataset in memory', argv);
  // a script is running past busy-reply-threshold: only allow-busy commands
  if (srv.busyScript !== null && !cmd.has(F.allowBusy)) return rejectCommand(srv, c, cmd, srv.busyScript, argv);
  // keep client-side caching's table within tracking-table-max-keys
  if (srv.tracking.clients !== 0) srv.tracking.limitTable(srv.config?.values['tracking-table-max-keys'] ?? 0, c);
  if (srv.pause.until !== 0 && holdForPause(srv, c, cmd, argv)) return;
  if (c.multi !== null && queueIfMulti(c, cmd, argv)) return;
  call(srv, c, cmd, argv);
  // serve clients blocked on keys this command made ready (handleClientsBlockedOnKeys)
  if (srv.blocking.pending) srv.blocking.handleReady();
}

function rejectCommand(srv: Server, c: Client, cmd: Command | null, msg: string, argv: string[] = []): void {
  if (cmd) cmd.rejectedCalls++;
  flagRejected(c);
  const replyStart = c.reply.len;
  if (cmd !== null && cmd.fullname === 'exec') rejectExec(c, msg, argv);
  else c.error(msg);
  afterReply(c, replyStart);
}

/** CLIENT PAUSE: hold the client (and the command) until the pause ends. */
function holdForPause(srv: Server, c: Client, cmd: Command, argv: string[]): boolean {
  if (!srv.isPaused()) return false;
  // an EXEC holds its transaction's writes
  const isWrite =
    cmd.has(F.write) || cmd.has(F.mayReplicate) || (cmd.spec.mayWrite?.(c, argv) ?? false) || (cmd.fullname === 'exec' && c.multi !== null && c.multi.writes);
  if (!srv.pause.all && !isWrite) return false;
  c.waiting = true;
  c.pendingArgv = argv;
  srv.paused.push(c);
  return true;
}

/** Run a command that passed the checks, with the bookkeeping Redis's call() does. */
export function call(srv: Server, c: Client, cmd: Command, argv: string[]): void {
  const replyStart = c.reply.len;
  const ks = srv.keyspace;
  const dirtyBefore = ks.dirty;
  c.cmd = cmd;
  c.propagateArgv = null;
  c.preventPropagate = false;
  const outer = srv.executingClient;
  srv.executingClient = c;
  // a snapshot in progress must see the reads of write commands (persistence/snapshot.ts)
  const observed = ks.observers.length !== 0;
  let outerWrite = false;
  if (observed) {
    outerWrite = ks.inWriteCommand;
    ks.inWriteCommand = cmd.has(F.write);
  }
  const t0 = performance.now();
  cmd.handler!(c, argv);
  const us = (performance.now() - t0) * 1000;
  if (observed) ks.inWriteCommand = outerWrite;
  srv.executingClient = outer;
  cmd.calls++;
  cmd.usec += us;
  const cfg = srv.config;
  if (cfg === undefined || cfg.values['latency-tracking']) cmd.recordLatency(us * 1000);
  if (c.callFailed) cmd.failedCalls++;
  c.totalCommands++;
  srv.stats.commandsProcessed++;

  const s = srv.settings;
  if (s.slowlogLogSlowerThan >= 0 && us >= s.slowlogLogSlowerThan && !cmd.has(F.skipSlowlog)) {
    srv.slowlog.add(argv, us, c.addr, c.name, s.slowlogMaxLen);
  }
  if (s.latencyMonitorThreshold > 0) {
    srv.latency.add(cmd.has(F.fast) ? 'fast-command' : 'command', us / 1000, s.latencyMonitorThreshold);
  }
  if (ks.dirty !== dirtyBefore && !c.preventPropagate && !c.noPropagate) {
    srv.propagate(c.db.id, c.propagateArgv ?? argv);
  }
  if (srv.monitors.size !== 0 && !cmd.has(F.skipMonitor) && !cmd.has(F.admin)) feedMonitors(srv, c, argv);
  afterReply(c, replyStart);
  // remember what a tracking client read; its own invalidations follow its reply
  if (srv.tracking.inUse) {
    const sc = c.scriptCall;
    if (sc === null) srv.tracking.afterCall(c, cmd, argv, outer === null);
    else srv.tracking.afterScriptCommand(sc.caller, cmd, sc.cmd, sc.argv);
  }
}

/** Show a command to the MONITOR clients (not to the client that ran it). */
export function feedMonitors(srv: Server, c: Client, argv: string[]): void {
  const line = monitorLine(c, argv);
  for (const m of srv.monitors) {
    if (m === c) continue;
    m.reply.status(line);
    srv.flush(m);
  }
}

/** CLIENT REPLY OFF/SKIP: drop what the command wrote. */
function afterReply(c: Client, replyStart: number): void {
  if (c.replyMode === ReplyMode.On) return;
  if (c.replyMode === ReplyMode.SkipNext) {
    setReplyMode(c, ReplyMode.Skip);
    return;
  }
  c.reply.dropSince(replyStart);
  if (c.replyMode === ReplyMode.Skip) setReplyMode(c, ReplyMode.On);
}

/** CLIENT REPLY ON/OFF/SKIP, RESET: while replies are muted, push messages still go out. */
export function setReplyMode(c: Client, mode: ReplyMode): void {
  c.replyMode = mode;
  c.reply.pushSpans = mode === ReplyMode.On ? null : (c.reply.pushSpans ?? []);
}
