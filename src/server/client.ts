/**
 * Per-connection state: the request reader, the reply buffer, the selected
 * db, identity and flags.
 */
import type { Socket } from 'node:net';
import { Reply } from '../protocol/reply';
import { RequestReader } from '../protocol/reader';
import { errorCode } from '../protocol/errors';
import type { Db } from '../store/keyspace';
import type { Server } from './server';
import type { Command } from './command';
import type { MultiState } from '../tx/transaction';
import type { WatchedKey } from '../tx/watch';
import type { Subscriptions } from '../pubsub/pubsub';
import type { TrackingState } from '../tracking/tracking';
import { clock } from './clock';

export const enum ReplyMode {
  On,
  Off,
  Skip,
  SkipNext,
}

export class Client {
  readonly id: number;
  readonly reply = new Reply();
  readonly reader: RequestReader;
  db: Db;
  name = '';
  libName = '';
  libVer = '';
  authenticated: boolean;
  user = 'default';
  readonly ctime = clock.ms;
  lastInteraction = clock.ms;
  /** Command being executed (or last executed). */
  cmd: Command | null = null;
  lastCmd: Command | null = null;
  /** Set when the current call replied with an error (failed_calls). */
  callFailed = false;
  replyMode = ReplyMode.On;
  closeAfterReply = false;
  /**
   * Over its output-buffer limit (CLIENT_CLOSE_ASAP): runs no more commands,
   * gets no more output, and is closed, unsent replies dropped, at its next
   * flush (server/obuf.ts).
   */
  closeAsap = false;
  /** Unix time (s) its output buffer was first seen over the soft limit; 0 while under it. */
  obufSoftLimitReachedTime = 0;
  closed = false;
  monitor = false;
  noEvict = false;
  /** Blocked or paused: stop processing input until released. */
  waiting = false;
  /** Blocked on keys (server/blocking.ts). */
  blocked = false;
  /**
   * Blocking commands must not block (CLIENT_DENY_BLOCKING): set while in
   * MULTI/EXEC and for script clients; they then reply as on timeout.
   */
  denyBlocking = false;
  /** The command held back by CLIENT PAUSE, run when the pause ends. */
  pendingArgv: string[] | null = null;
  /** Argv to propagate instead of the one received (deterministic form). */
  propagateArgv: string[] | null = null;
  /** Extra per-family state cleanup run by RESET (MULTI, pub/sub, tracking...). */
  onReset: (() => void) | null = null;
  /** Set by a handler whose change must not be propagated as sent. */
  preventPropagate = false;
  /** The script client under redis.set_repl(redis.REPL_NONE): what it runs is not propagated. */
  noPropagate = false;
  /**
   * EXEC's remaining commands, when a script among them was suspended as
   * busy (tx/transaction.ts); the script engine runs them once it ends.
   */
  execRest: (() => void) | null = null;
  /** In MULTI: the queued commands (tx/transaction.ts); null outside a transaction. */
  multi: MultiState | null = null;
  /** The keys this client WATCHes (tx/watch.ts), null when none. */
  watched: WatchedKey[] | null = null;
  /** A watched key changed: the next EXEC fails (CLIENT_DIRTY_CAS). */
  dirtyCas = false;
  /** Channels, patterns and shard channels subscribed to (pubsub/); null while none. */
  pubsub: Subscriptions | null = null;
  /** The script client (CLIENT_SCRIPT): commands called by scripts run on it. */
  script = false;
  /**
   * On the script client, while a script calls commands: the client running
   * it and its command (EVAL ...), whose keys tracking remembers for it.
   */
  scriptCall: { caller: Client; cmd: Command; argv: string[] } | null = null;
  /** CLIENT TRACKING mode (tracking/); null while tracking is off. */
  tracking: TrackingState | null = null;
  readonly addr: string;
  readonly laddr: string;
  readonly fd: number;
  readonly isUnix: boolean;
  /** Bytes read/written for CLIENT LIST and INFO. */
  netIn = 0;
  netOut = 0;
  totalCommands = 0;
  /** Age counter for MULTI etc. (later issues) kept as a flag string source. */
  flags = '';

  constructor(
    readonly server: Server,
    readonly socket: Socket | null,
    id: number,
  ) {
    this.id = id;
    this.db = server.keyspace.dbs[0];
    this.authenticated = !server.requiresAuth();
    this.reader = new RequestReader(server.readerLimits);
    if (socket) {
      const ra = socket.remoteAddress;
      if (ra) {
        this.addr = formatAddr(ra, socket.remotePort ?? 0);
        this.laddr = formatAddr(socket.localAddress ?? '', socket.localPort ?? 0);
        this.isUnix = false;
      } else {
        this.isUnix = true;
        this.addr = `${server.settings.unixsocket}:0`;
        this.laddr = `${server.settings.unixsocket}:0`;
      }
      this.fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd ?? -1;
    } else {
      this.isUnix = false;
      this.addr = '';
      this.laddr = '';
      this.fd = -1;
    }
  }

  /** Reply with an error line and count it for INFO errorstats. */
  error(msg: string): void {
    this.reply.errorLine(msg);
    this.callFailed = true;
    this.server.stats.countError(errorCode(msg));
  }

  /** Propagate `argv` instead of the command as received (EXPIRE → PEXPIREAT...). */
  rewriteArgv(argv: string[]): void {
    this.propagateArgv = argv;
  }

  get dbIndex(): number {
    return this.db.id;
  }
}

/** "ip:port" as Redis prints peers: IPv6 addresses in brackets. */
function formatAddr(ip: string, port: number): string {
  if (ip.startsWith('::ffff:') && ip.includes('.')) ip = ip.slice(7);
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}
