/**
 * The server: listening sockets, clients, the cron, and the hooks every
 * write path reports to (propagation, keyspace events, WATCH).
 */
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from './client';
import { Registry, CommandSpec, type Command } from './command';
import { Stats } from './stats';
import { Settings } from './settings';
import { SlowLog } from './slowlog';
import { LatencyMonitor } from './latency';
import { Logger } from './log';
import { clock, updateClock } from './clock';
import { processCommand } from './dispatch';
import { checkOutputBuffer, closeOnOutputBufferLimit, outputBufferCron, smallestLimit, watchOutputBuffer } from './obuf';
import { Blocking } from './blocking';
import { WatchTable } from '../tx/watch';
import { PubSub } from '../pubsub/pubsub';
import { Tracking } from '../tracking/tracking';
import { discardTransaction } from '../tx/transaction';
import { Keyspace, Db, KeyspaceHooks, Notify } from '../store/keyspace';
import { activeExpireCycle } from '../store/expire';
import { ReaderLimits } from '../protocol/reader';
import { Err } from '../protocol/errors';
import { REDIS_VERSION } from '../version';
import type { Config } from '../config';
import type { Aof } from '../persistence/aof/aof';
import type { Value } from '../store/value';
import { valueDropped } from '../memory/lazyfree';

/** The fixed read buffer shared by all sockets (reads are processed synchronously). */
const READ_BUFFER = Buffer.alloc(64 * 1024);

export type PropagateSink = (dbid: number, argv: string[]) => void;

export interface PauseState {
  until: number; // ms; 0 = not paused
  all: boolean; // ALL vs WRITE
}

export class Server implements KeyspaceHooks {
  readonly keyspace: Keyspace;
  /** Clients blocked on keys (BLPOP, BZPOPMIN, XREAD BLOCK...). */
  readonly blocking: Blocking;
  /** WATCHed keys (tx/watch.ts). */
  readonly watches = new WatchTable();
  /** Channels, patterns and shard channels (pubsub/pubsub.ts). */
  readonly pubsub = new PubSub(this);
  /** Client-side caching (tracking/tracking.ts). */
  readonly tracking = new Tracking(this);
  /** The client whose command call() is running (Redis's current client while CLIENT_EXECUTING_COMMAND). */
  executingClient: Client | null = null;
  /** Clients with pub/sub messages to send once the current event is done. */
  readonly pendingFlush = new Set<Client>();
  /** Clients whose socket still queued output after a flush: the cron checks their output-buffer limits. */
  readonly outputBacklog = new Set<Client>();
  /**
   * Commands propagated while a unit runs (EXEC), sent together at its end:
   * wrapped in MULTI/EXEC when more than one. Null outside a unit.
   */
  private propagationUnit: [number, string[]][] | null = null;
  readonly registry = new Registry();
  readonly stats = new Stats();
  readonly clients = new Map<number, Client>();
  readonly monitors = new Set<Client>();
  readonly slowlog = new SlowLog();
  readonly latency = new LatencyMonitor();
  readonly readerLimits: ReaderLimits;
  readonly startTime = Date.now();
  readonly runId = randomBytes(20).toString('hex');
  readonly replId = randomBytes(20).toString('hex');
  readonly pause: PauseState = { until: 0, all: false };
  /** Clients held by CLIENT PAUSE, resumed in order. */
  readonly paused: Client[] = [];
  lastSave = Math.floor(Date.now() / 1000);
  configFile = '';
  /** The config table (CONFIG GET/SET/REWRITE); set by the boot code. */
  config!: Config;
  executable = process.argv[1] ? path.resolve(process.argv[1]) : '';
  /** Bound TCP port (resolved when `port 0` was not asked and the OS picked one). */
  boundPort = 0;
  shuttingDown = false;
  /** The smallest client-output-buffer-limit in force (server/obuf.ts): replies below it need no check. */
  obufWatch: number;
  /**
   * While a script runs past busy-reply-threshold (scripting/): the -BUSY
   * error commands get, except those flagged allow-busy. Null otherwise.
   */
  busyScript: string | null = null;
  /** DEBUG SET-ACTIVE-EXPIRE 0|1: while false, active expiry (store/expire.ts) does nothing. */
  activeExpireEnabled = true;
  /**
   * The append-only file (persistence/aof), set at startup. While it holds
   * commands not yet written (`aof.pending`), flush() leaves replies to the
   * end of the event-loop turn, when one write (and one fsync under
   * appendfsync always) covers every command of the turn, as Redis writes
   * the AOF in beforeSleep before writing to clients.
   */
  aof: Aof | null = null;
  private netServers: net.Server[] = [];
  private cronTimer: NodeJS.Timeout | null = null;
  private cronLoops = 0;
  private nextClientId = 1;
  private sinks: PropagateSink[] = [];
  /** Set by SHUTDOWN; the embedding process decides whether to exit. */
  onShutdown: (() => void) | null = null;
  /**
   * SHUTDOWN's final save (set by the persistence layer): null when the
   * snapshot was written, else why not. Unset means saving is impossible.
   */
  shutdownSave: (() => string | null) | null = null;
  /** A dump being loaded (startup): commands without the loading flag get -LOADING; INFO shows the progress. */
  loading: { startedMs: number; totalBytes: number; loadedBytes: () => number } | null = null;
  /** Set while writes are refused because saving to disk fails (-MISCONF); null otherwise. */
  diskError: string | null = null;
  /** Run by FLUSHALL once the data is gone (persistence: stop a BGSAVE, save the empty dataset). */
  afterFlushAll: (() => void) | null = null;
  /**
   * Set while maxmemory is on (memory/evict.ts): evicts as needed and tells
   * whether this command must be refused with -OOM. Null keeps the
   * dispatcher's cost at one test when maxmemory is off.
   */
  oomCheck: ((c: Client, cmd: Command, argv: string[]) => boolean) | null = null;
  /** The last maxmemory check found memory full (pre_command_oom_state: scripts refuse their first deny-oom call). */
  preCommandOom = false;
  /** Run after CONFIG SET has applied settings (layers that derive state from them). */
  readonly settingsHooks: (() => void)[] = [];
  /** Jobs of other layers run from the cron (save points...). */
  cronJobs: (() => void)[] = [];

  constructor(
    readonly settings: Settings,
    readonly log: Logger,
    commandFamilies: CommandSpec[][],
  ) {
    this.keyspace = new Keyspace(settings.databases, this);
    this.keyspace.setMemoryPolicy(settings.maxmemory, settings.maxmemoryPolicy, settings.lfuDecayTime, Date.now());
    this.blocking = new Blocking(this);
    this.readerLimits = {
      protoMaxBulkLen: settings.protoMaxBulkLen,
      queryBufferLimit: settings.clientQueryBufferLimit,
    };
    this.obufWatch = smallestLimit(settings.clientOutputBufferLimits);
    for (const f of commandFamilies) this.registry.add(f);
  }

  requiresAuth(): boolean {
    return this.settings.requirepass !== '';
  }

  /** Applies settings that live in derived structures after a CONFIG SET. */
  settingsChanged(): void {
    this.readerLimits.protoMaxBulkLen = this.settings.protoMaxBulkLen;
    this.readerLimits.queryBufferLimit = this.settings.clientQueryBufferLimit;
    this.slowlog.trim(this.settings.slowlogMaxLen);
    this.obufWatch = smallestLimit(this.settings.clientOutputBufferLimits);
    this.log.setLevel(this.settings.loglevel);
    const s = this.settings;
    this.keyspace.setMemoryPolicy(s.maxmemory, s.maxmemoryPolicy, s.lfuDecayTime, clock.ms);
    for (const h of this.settingsHooks) h();
    this.restartCron();
  }

  // ---- KeyspaceHooks ----
  keyModified(db: Db, key: string, byClient = true): void {
    this.watches.touch(db, key);
    if (this.tracking.inUse) this.tracking.keyModified(key, byClient);
  }

  dbsFlushed(): void {
    if (this.tracking.inUse) this.tracking.flushed();
  }

  dbReplaced(emptied: Db, replacedWith: Db | null): void {
    this.watches.touchDb(emptied, replacedWith);
  }

  notifyEnabled(cls: number): boolean {
    return (this.settings.notifyKeyspaceEvents & cls) !== 0;
  }

  notify(cls: number, event: string, key: string, dbid: number): void {
    const flags = this.settings.notifyKeyspaceEvents;
    if (flags === 0 || (flags & cls) === 0) return;
    this.pubsub.keyspaceEvent(flags, event, key, dbid);
    this.keyspaceEventSink?.(cls, event, key, dbid);
  }
  /** Pub/sub delivers keyspace events through this (pub/sub issue). */
  keyspaceEventSink: ((cls: number, event: string, key: string, dbid: number) => void) | null = null;

  expiredKey(db: Db, key: string): void {
    this.propagate(db.id, [this.settings.lazyfreeLazyExpire ? 'UNLINK' : 'DEL', key]);
  }

  /**
   * A value left the keyspace other than through DEL, UNLINK or a flush (a
   * delete or overwrite by another command, `expired`: expiry): counted as
   * lazily freed under lazyfree-lazy-server-del / lazyfree-lazy-expire, as
   * Redis's dbDelete() and dbSetValue() do (memory/lazyfree.ts).
   */
  valueDropped(v: Value, expired: boolean): void {
    valueDropped(this, v, expired);
  }

  expireAllowed(): boolean {
    return !this.keyspace.loading;
  }

  // ---- propagation ----
  addPropagateSink(s: PropagateSink): void {
    this.sinks.push(s);
  }

  /** Remove a sink (a layer switched off: writes then cost it nothing). */
  removePropagateSink(s: PropagateSink): void {
    const i = this.sinks.indexOf(s);
    if (i >= 0) this.sinks.splice(i, 1);
  }

  /** Feed a write, in its deterministic form, to the AOF and replicas. */
  propagate(dbid: number, argv: string[]): void {
    // commands run while the AOF loads are not propagated (shouldPropagate)
    if (this.keyspace.loading) return;
    if (this.propagationUnit !== null) {
      this.propagationUnit.push([dbid, argv]);
      return;
    }
    for (let i = 0; i < this.sinks.length; i++) this.sinks[i](dbid, argv);
  }

  /** Whether a propagation unit is collecting (nested units join the outer one). */
  get inPropagationUnit(): boolean {
    return this.propagationUnit !== null;
  }

  /** Start collecting propagated commands as one unit; false when one is already open. */
  beginPropagationUnit(): boolean {
    if (this.propagationUnit !== null) return false;
    this.propagationUnit = [];
    return true;
  }

  /** Send the unit begun when `began`: one command as it is, several inside MULTI/EXEC (7.0's propagatePendingCommands). */
  endPropagationUnit(began: boolean): void {
    if (!began) return;
    const ops = this.propagationUnit!;
    this.propagationUnit = null;
    if (ops.length === 0) return;
    if (ops.length === 1) return this.propagate(ops[0][0], ops[0][1]);
    this.propagate(ops[0][0], ['MULTI']);
    for (const [dbid, argv] of ops) this.propagate(dbid, argv);
    this.propagate(ops[ops.length - 1][0], ['EXEC']);
  }

  // ---- listening ----
  async listen(): Promise<void> {
    const s = this.settings;
    if (s.port !== 0 || s.listenEphemeral) {
      const addrs = s.bind.length ? s.bind : ['*'];
      for (const raw of addrs) {
        const optional = raw.startsWith('-');
        const addr = optional ? raw.slice(1) : raw;
        const host = addr === '*' ? '0.0.0.0' : addr === '::*' ? '::' : addr;
        try {
          await this.listenOn({ host, port: this.boundPort || s.port, backlog: s.tcpBacklog, ipv6Only: host === '::' });
        } catch (e) {
          const err = e as NodeJS.ErrnoException;
          if (optional || (addr === '::*' && err.code === 'EAFNOSUPPORT')) continue;
          if (err.code === 'EADDRNOTAVAIL' && optional) continue;
          throw new Error(`Warning: Could not create server TCP listening socket ${addr}:${s.port}: ${err.message}`);
        }
      }
    }
    if (s.unixsocket) {
      try {
        fs.unlinkSync(s.unixsocket);
      } catch {
        /* not there */
      }
      await this.listenOn({ path: s.unixsocket, backlog: s.tcpBacklog });
      if (s.unixsocketperm) fs.chmodSync(s.unixsocket, s.unixsocketperm);
    }
    this.restartCron();
  }

  private listenOn(opts: net.ListenOptions): Promise<void> {
    return new Promise((resolve, reject) => {
      const srv = net.createServer({ noDelay: true }, (sock) => {
        const c = this.accept(sock, !!opts.path);
        if (c) sock.on('data', (d: Buffer) => this.onData(c, d, false));
      });
      srv.maxConnections = Infinity;
      srv.once('error', reject);
      srv.listen(opts, () => {
        srv.removeListener('error', reject);
        srv.on('error', (e) => this.log.warning(`Accept error: ${e.message}`));
        const a = srv.address();
        if (a && typeof a === 'object' && !this.boundPort) this.boundPort = a.port;
        this.netServers.push(srv);
        this.useFixedReadBuffer(srv, !!opts.path);
        resolve();
      });
    });
  }

  /**
   * Reads into one fixed buffer instead of a fresh 64 KB Buffer per 'data'
   * event: accepted sockets are built with Node's `onread` option. This needs
   * the listening handle's connection callback, so it falls back to the
   * ordinary path if Node's internals differ.
   */
  private useFixedReadBuffer(srv: net.Server, isUnix: boolean): void {
    const handle = (srv as unknown as { _handle?: { onconnection?: (err: number, h: unknown) => void } })._handle;
    if (!handle || typeof handle.onconnection !== 'function' || process.env.TREDIS_NO_FIXED_READ) return;
    const fallback = handle.onconnection;
    handle.onconnection = (err: number, clientHandle: unknown) => {
      if (err || !clientHandle || this.shuttingDown) return fallback.call(handle, err, clientHandle);
      let c: Client | null = null;
      const sock = new net.Socket({
        handle: clientHandle,
        readable: true,
        writable: true,
        onread: {
          buffer: READ_BUFFER,
          callback: (n: number, buf: Uint8Array) => {
            if (c) this.onData(c, (buf as Buffer).subarray(0, n), true);
            return true;
          },
        },
      } as net.SocketConstructorOpts);
      sock.setNoDelay(true);
      c = this.accept(sock, isUnix);
    };
  }

  private accept(sock: net.Socket, isUnix: boolean): Client | null {
    this.stats.connectionsReceived++;
    sock.on('error', () => {
      /* reset by peer etc.: the 'close' handler frees the client */
    });
    if (this.clients.size >= this.settings.maxclients) {
      this.stats.rejectedConnections++;
      sock.end(`-${Err.maxClients}\r\n`);
      return null;
    }
    if (!isUnix && this.deniedByProtectedMode(sock)) {
      this.stats.rejectedConnections++;
      sock.end(Err.protectedMode);
      return null;
    }
    if (this.settings.tcpKeepalive > 0 && !isUnix) sock.setKeepAlive(true, this.settings.tcpKeepalive * 1000);
    const c = new Client(this, sock, this.nextClientId++);
    this.clients.set(c.id, c);
    watchOutputBuffer(this, c);
    sock.on('close', () => this.freeClient(c));
    sock.on('end', () => {
      // Redis counts the read that finds the end of the stream.
      this.stats.readsProcessed++;
      sock.end();
    });
    return c;
  }

  private deniedByProtectedMode(sock: net.Socket): boolean {
    const s = this.settings;
    if (!s.protectedMode || s.requirepass !== '') return false;
    const ip = sock.remoteAddress ?? '';
    return !(ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1' || ip.startsWith('127.'));
  }

  /** Client ids are allocated here so fake clients (scripts, AOF) share the sequence. */
  allocClientId(): number {
    return this.nextClientId++;
  }

  private onData(c: Client, data: Buffer, transient: boolean): void {
    updateClock();
    this.stats.netInput += data.length;
    this.stats.readsProcessed++;
    c.netIn += data.length;
    c.lastInteraction = clock.ms;
    if (c.closeAfterReply || c.closed) return;
    c.reader.feed(data, transient);
    this.processInput(c);
    if (transient) c.reader.release(READ_BUFFER.buffer);
    // BCAST invalidations go out once per event, after the replies (Redis's beforeSleep)
    if (this.tracking.bcastPending) this.tracking.broadcast();
    this.flush(c);
    if (this.pendingFlush.size !== 0) this.flushPending();
  }

  /** Run every complete command buffered for the client. */
  processInput(c: Client): void {
    // output still queued in the socket: check the limit after each reply (server/obuf.ts)
    const backlog = c.socket !== null && c.socket.writableLength !== 0;
    const watch = this.obufWatch;
    while (!c.waiting && !c.closeAfterReply && !c.closed && !c.closeAsap) {
      const argv = c.reader.next();
      if (argv === null) {
        if (c.reader.error) {
          this.log.verbose(`Protocol error (${c.reader.error}) from client: ${this.clientDesc(c)}`);
          c.error(c.reader.error);
          c.closeAfterReply = true;
        } else if (c.reader.overLimit()) {
          this.log.warning(`Closing client that reached max query buffer length: ${this.clientDesc(c)}`);
          c.closeAfterReply = true;
          c.reply.len = 0;
        }
        return;
      }
      processCommand(this, c, argv);
      if (backlog || c.reply.len >= watch) checkOutputBuffer(this, c);
    }
  }

  clientDesc(c: Client): string {
    return `id=${c.id} addr=${c.addr} laddr=${c.laddr} name=${c.name}`;
  }

  /**
   * Send what the client's reply buffer holds: one socket write. A client
   * over its output-buffer limit is closed here instead (server/obuf.ts).
   */
  flush(c: Client): void {
    const r = c.reply;
    const sock = c.socket;
    if (!sock || c.closed || c.closeAsap) {
      r.len = 0;
      if (c.closeAsap) this.closeClient(c);
      return;
    }
    // no reply leaves before the AOF has the commands it may depend on: it waits for the turn's write (see `aof`)
    const aof = this.aof;
    if (aof !== null && aof.pending && r.len > 0) return aof.hold(c);
    if (r.len > 0) {
      const chunk = r.take();
      this.stats.netOutput += chunk.length;
      this.stats.writesProcessed++;
      c.netOut += chunk.length;
      sock.write(chunk);
      if (sock.writableLength === 0) {
        r.reset();
        c.obufSoftLimitReachedTime = 0; // all sent: under any soft limit again
      } else {
        r.detach(); // the socket still references the buffer
        // output piles up for a client that does not keep up
        if (closeOnOutputBufferLimit(this, c, sock.writableLength)) return this.closeClient(c);
        this.outputBacklog.add(c);
      }
    }
    if (c.closeAfterReply) sock.end();
  }

  /** Close a client now (CLIENT KILL, QUIT after reply, timeouts). */
  closeClient(c: Client): void {
    if (c.closed) return;
    if (c.socket) c.socket.destroy();
    this.freeClient(c);
  }

  freeClient(c: Client): void {
    if (c.closed) return;
    c.closed = true;
    this.clients.delete(c.id);
    this.monitors.delete(c);
    if (c.blocked) this.blocking.clientFreed(c);
    if (c.multi !== null || c.watched !== null) discardTransaction(c);
    if (c.pubsub !== null) this.pubsub.dropAll(c);
    if (c.tracking !== null) this.tracking.disable(c);
    this.pendingFlush.delete(c);
    const i = this.paused.indexOf(c);
    if (i >= 0) this.paused.splice(i, 1);
    this.onClientFreed?.(c);
  }
  onClientFreed: ((c: Client) => void) | null = null;

  // ---- pause ----
  isPaused(): boolean {
    return this.pause.until > clock.ms;
  }

  unpauseClients(): void {
    this.pause.until = 0;
    const held = this.paused.splice(0);
    for (const c of held) {
      c.waiting = false;
      if (c.closed) continue;
      const argv = c.pendingArgv;
      c.pendingArgv = null;
      if (argv) processCommand(this, c, argv);
      this.processInput(c);
      this.flush(c);
    }
  }

  // ---- cron ----
  private restartCron(): void {
    if (this.cronTimer) clearInterval(this.cronTimer);
    if (this.shuttingDown) return;
    const hz = Math.max(1, Math.min(500, this.settings.hz));
    this.cronTimer = setInterval(() => this.cron(), Math.floor(1000 / hz));
    this.cronTimer.unref();
  }

  private cron(): void {
    updateClock();
    const hz = Math.max(1, Math.min(500, this.settings.hz));
    this.cronLoops++;
    // one quarter of each period goes to active expiry, like Redis's slow cycle
    const reclaimStart = performance.now();
    activeExpireCycle(this.keyspace, { effort: this.settings.activeExpireEffort, budgetMs: 250 / hz });
    if (performance.now() - reclaimStart >= 250 / hz) this.stats.expiredTimeCapReached++;
    // an expired key may end a wait (XREADGROUP's -UNBLOCKED), as in Redis's beforeSleep
    if (this.blocking.pending) this.blocking.handleReady();
    if (this.pause.until !== 0 && !this.isPaused()) this.unpauseClients();
    this.stats.opsPerSec.track(this.stats.commandsProcessed, clock.ms);
    this.stats.inputKbps.track(this.stats.netInput / 1024, clock.ms);
    this.stats.outputKbps.track(this.stats.netOutput / 1024, clock.ms);
    if (this.settings.timeout > 0 && this.cronLoops % hz === 0) this.closeTimedOutClients();
    // a CONFIG SET of tracking-table-max-keys takes effect even when idle
    if (this.tracking.clients !== 0) this.tracking.limitTable(this.config?.values['tracking-table-max-keys'] ?? 0, null);
    if (this.tracking.bcastPending) this.tracking.broadcast();
    if (this.outputBacklog.size !== 0) outputBufferCron(this);
    if (this.pendingFlush.size !== 0) this.flushPending();
    if (this.aof !== null) this.aof.cron();
    for (let i = 0; i < this.cronJobs.length; i++) this.cronJobs[i]();
  }

  /** Send the pub/sub messages queued during the event that just ended. */
  flushPending(): void {
    for (const c of this.pendingFlush) this.flush(c);
    this.pendingFlush.clear();
  }

  private closeTimedOutClients(): void {
    const limit = this.settings.timeout * 1000;
    for (const c of this.clients.values()) {
      if (c.monitor || c.blocked) continue;
      if (clock.ms - c.lastInteraction > limit) {
        this.log.verbose('Closing idle client');
        this.closeClient(c);
      }
    }
  }

  // ---- shutdown ----
  /** SHUTDOWN: stop serving, then hand over to the embedder (the CLI exits in onShutdown). */
  async shutdown(): Promise<void> {
    await this.close();
    this.onShutdown?.();
  }

  async close(): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    if (this.cronTimer) clearInterval(this.cronTimer);
    for (const c of [...this.clients.values()]) this.closeClient(c);
    // the AOF's last commands written and synced, its file closed
    this.aof?.close();
    await Promise.all(this.netServers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    this.netServers = [];
    if (this.settings.unixsocket) {
      try {
        fs.unlinkSync(this.settings.unixsocket);
      } catch {
        /* already gone */
      }
    }
    if (this.settings.pidfile) {
      try {
        fs.unlinkSync(this.settings.pidfile);
      } catch {
        /* already gone */
      }
    }
  }

  get version(): string {
    return REDIS_VERSION;
  }

  notifyGeneric(db: Db, key: string, event: string): void {
    this.notify(Notify.generic, event, key, db.id);
  }
}
