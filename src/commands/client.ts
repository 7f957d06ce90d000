/**
 * CLIENT: LIST, INFO, ID, SETNAME, GETNAME, KILL, PAUSE, UNPAUSE, REPLY,
 * NO-EVICT, SETINFO (Redis 7.2) and HELP.
 *
 * Parts of the CLIENT LIST line belong to other families (pub/sub counts,
 * MULTI state, tracking redirection, users): they read them through
 * `clientInfoHooks`, which those families replace.
 */
import type { CommandSpec } from '../server/command';
import type { Client } from '../server/client';
import { ReplyMode } from '../server/client';
import type { Server } from '../server/server';
import { clock } from '../server/clock';
import { AdminErr, Err } from '../protocol/errors';
import { toInt64 } from '../util/numbers';
import { replyHelp } from './shared';
import { trackingSubcommands } from '../tracking/commands';
import { setReplyMode } from '../server/dispatch';

/** What CLIENT LIST / KILL need from other families; each replaces its entries. */
export const clientInfoHooks = {
  /** Channels (SUBSCRIBE), patterns (PSUBSCRIBE), shard channels (SSUBSCRIBE). */
  sub: (_c: Client): number => 0,
  psub: (_c: Client): number => 0,
  ssub: (_c: Client): number => 0,
  /** Commands queued in MULTI, or -1 outside a transaction. */
  multi: (c: Client): number => (c.multi === null ? -1 : c.multi.queue.length),
  /** Bytes held by the MULTI queue and the WATCH list (arguments plus per-entry overhead, like Redis's estimate). */
  multiMem: (c: Client): number => (c.multi === null ? 0 : c.multi.argvBytes + 32 * c.multi.queue.length) + 48 * (c.watched?.length ?? 0),
  /** Whether an ACL user exists (CLIENT KILL USER). */
  userExists: (_srv: Server, name: string): boolean => name === 'default',
  /** Clients that must get a reply per command (MULTI, scripts): no MONITOR / blocking SHUTDOWN. */
  denyBlocking: (c: Client): boolean => c.denyBlocking,
  /** Replica / master links (replication). */
  isReplica: (c: Client): boolean => c.flags.includes('S'),
  isMaster: (c: Client): boolean => c.flags.includes('M'),
};

/** Redis's order of the CLIENT LIST flag letters. */
const FLAG_ORDER = 'OSMPxbtRBdcuAUre';

export function clientFlags(c: Client): string {
  const set = new Set<string>(c.flags);
  if (c.monitor) set.add('O');
  if (clientIsPubsub(c)) set.add('P');
  if (clientInfoHooks.multi(c) >= 0) set.add('x');
  if (c.blocked) set.add('b');
  if (c.tracking !== null) {
    set.add('t');
    if (c.tracking.brokenRedirect) set.add('R');
    if (c.tracking.bcast) set.add('B');
  }
  if (c.closeAfterReply) set.add('c');
  if (c.isUnix) set.add('U');
  if (c.noEvict) set.add('e');
  let out = '';
  for (const ch of FLAG_ORDER) if (set.has(ch)) out += ch;
  return out || 'N';
}

function clientIsPubsub(c: Client): boolean {
  return c.flags.includes('P') || clientInfoHooks.sub(c) + clientInfoHooks.psub(c) + clientInfoHooks.ssub(c) > 0;
}

const enum ClientType {
  Normal,
  Replica,
  Pubsub,
  Master,
}

function clientTypeByName(name: string): ClientType | -1 {
  switch (name.toLowerCase()) {
    case 'normal':
      return ClientType.Normal;
    case 'slave':
    case 'replica':
      return ClientType.Replica;
    case 'pubsub':
      return ClientType.Pubsub;
    case 'master':
      return ClientType.Master;
    default:
      return -1;
  }
}

/** getClientType(): a MONITOR client counts as normal. */
function clientType(c: Client): ClientType {
  if (clientInfoHooks.isMaster(c)) return ClientType.Master;
  if (clientInfoHooks.isReplica(c) && !c.monitor) return ClientType.Replica;
  if (clientIsPubsub(c)) return ClientType.Pubsub;
  return ClientType.Normal;
}

/** Bytes of a request as RESP (the query buffer still holds the running command). */
function requestBytes(argv: string[]): number {
  let n = 3 + String(argv.length).length;
  for (const a of argv) n += 5 + String(a.length).length + a.length;
  return n;
}

function argvBytes(argv: string[] | null): number {
  if (!argv) return 0;
  let n = 0;
  for (const a of argv) n += a.length;
  return n;
}

/** A client's tot-mem as CLIENT LIST shows it (getClientMemoryUsage): what client eviction weighs. */
export function clientTotalMemory(c: Client): number {
  const qbufAlloc = Math.max(c.reader.capacity, c.reader.pending);
  return 768 + qbufAlloc + argvBytes(c.pendingArgv) + clientInfoHooks.multiMem(c) + c.reply.buf.length + (c.socket ? c.socket.writableLength : 0);
}

/**
 * One CLIENT LIST line (catClientInfoString) without the newline. `argv`
 * is the command being executed when `c` is the caller (argv-mem).
 */
export function clientInfoLine(c: Client, argv: string[] | null = null): string {
  const now = clock.ms;
  const qbuf = c.reader.pending + (argv ? requestBytes(argv) : 0);
  const qbufAlloc = Math.max(c.reader.capacity, qbuf);
  const argvMem = argvBytes(argv ?? c.pendingArgv);
  const multiMem = clientInfoHooks.multiMem(c);
  const rbs = c.reply.buf.length;
  const omem = c.socket ? c.socket.writableLength : 0;
  const obl = c.reply.len;
  const totMem = 768 + qbufAlloc + argvMem + multiMem + rbs + omem;
  const cmd = c.lastCmd;
  return (
    `id=${c.id} addr=${c.addr} laddr=${c.laddr} fd=${c.fd} name=${c.name}` +
    ` age=${Math.floor((now - c.ctime) / 1000)} idle=${Math.floor((now - c.lastInteraction) / 1000)}` +
    ` flags=${clientFlags(c)} db=${c.db.id}` +
    ` sub=${clientInfoHooks.sub(c)} psub=${clientInfoHooks.psub(c)} ssub=${clientInfoHooks.ssub(c)}` +
    ` multi=${clientInfoHooks.multi(c)} qbuf=${qbuf} qbuf-free=${qbufAlloc - qbuf}` +
    ` argv-mem=${argvMem} multi-mem=${multiMem} rbs=${rbs} rbp=${rbs}` +
    ` obl=${obl} oll=${omem > 0 ? 1 : 0} omem=${omem} tot-mem=${totMem}` +
    ` events=r${omem > 0 ? 'w' : ''} cmd=${cmd ? cmd.fullname : 'NULL'} user=${c.user}` +
    ` redir=${c.tracking === null ? -1 : c.tracking.redirect} resp=${c.reply.proto}`
  );
}

function lineFor(caller: Client, argv: string[], c: Client): string {
  return clientInfoLine(c, c === caller ? argv : null) + '\n';
}

// ---- subcommands ----

function clientList(c: Client, argv: string[]): void {
  const srv = c.server;
  let out = '';
  if (argv.length === 2) {
    for (const cl of srv.clients.values()) out += lineFor(c, argv, cl);
  } else if (argv.length === 4 && argv[2].toLowerCase() === 'type') {
    const type = clientTypeByName(argv[3]);
    if (type === -1) return c.error(AdminErr.unknownClientType(argv[3]));
    for (const cl of srv.clients.values()) if (clientType(cl) === type) out += lineFor(c, argv, cl);
  } else if (argv.length >= 4 && argv[2].toLowerCase() === 'id') {
    for (let i = 3; i < argv.length; i++) {
      const id = toInt64(argv[i]);
      if (id === null) return c.error(AdminErr.invalidClientId);
      const cl = id > 0n && id <= BigInt(Number.MAX_SAFE_INTEGER) ? srv.clients.get(Number(id)) : undefined;
      if (cl) out += lineFor(c, argv, cl);
    }
  } else {
    return c.error(Err.syntax);
  }
  c.reply.verbatim(out);
}

function clientInfo(c: Client, argv: string[]): void {
  c.reply.verbatim(lineFor(c, argv, c));
}

function clientId(c: Client): void {
  c.reply.int(c.id);
}

/** Client names (and SETINFO values) are printable ASCII without spaces. */
function validAttr(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch < 0x21 || ch > 0x7e) return false;
  }
  return true;
}

function clientSetname(c: Client, argv: string[]): void {
  const name = argv[2];
  if (!validAttr(name)) return c.error(AdminErr.clientName);
  c.name = name;
  c.reply.ok();
}

function clientGetname(c: Client): void {
  if (c.name === '') c.reply.nullBulk();
  else c.reply.bulk(c.name);
}

function clientSetinfo(c: Client, argv: string[]): void {
  const attr = argv[2];
  const val = argv[3];
  const which = attr.toLowerCase();
  if (which !== 'lib-name' && which !== 'lib-ver') return c.error(AdminErr.unrecognizedOption(attr));
  if (!validAttr(val)) return c.error(AdminErr.clientAttr(attr));
  if (which === 'lib-name') c.libName = val;
  else c.libVer = val;
  c.reply.ok();
}

function clientKill(c: Client, argv: string[]): void {
  const srv = c.server;
  let addr: string | null = null;
  let laddr: string | null = null;
  let user: string | null = null;
  let type: ClientType | -1 = -1;
  let id = 0;
  let skipme = true;
  if (argv.length === 3) {
    // Old form: CLIENT KILL addr:port, which may kill the caller itself.
    addr = argv[2];
    skipme = false;
  } else {
    for (let i = 2; i < argv.length; i += 2) {
      const opt = argv[i].toLowerCase();
      const more = i + 1 < argv.length;
      if (!more) return c.error(Err.syntax);
      const val = argv[i + 1];
      if (opt === 'id') {
        const n = toInt64(val);
        if (n === null || n < 1n) return c.error(AdminErr.clientIdRange);
        id = n > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(n);
      } else if (opt === 'type') {
        type = clientTypeByName(val);
        if (type === -1) return c.error(AdminErr.unknownClientType(val));
      } else if (opt === 'addr') {
        addr = val;
      } else if (opt === 'laddr') {
        laddr = val;
      } else if (opt === 'user') {
        if (!clientInfoHooks.userExists(srv, val)) return c.error(AdminErr.noSuchUser(val));
        user = val;
      } else if (opt === 'skipme') {
        const v = val.toLowerCase();
        if (v === 'yes') skipme = true;
        else if (v === 'no') skipme = false;
        else return c.error(Err.syntax);
      } else {
        return c.error(Err.syntax);
      }
    }
  }
  let killed = 0;
  let killSelf = false;
  for (const cl of [...srv.clients.values()]) {
    if (addr !== null && cl.addr !== addr) continue;
    if (laddr !== null && cl.laddr !== laddr) continue;
    if (type !== -1 && clientType(cl) !== type) continue;
    if (id !== 0 && cl.id !== id) continue;
    if (user !== null && cl.user !== user) continue;
    if (cl === c && skipme) continue;
    if (cl === c) killSelf = true;
    else srv.closeClient(cl);
    killed++;
  }
  if (argv.length === 3) {
    if (killed === 0) c.error(AdminErr.noSuchClient);
    else c.reply.ok();
  } else {
    c.reply.int(killed);
  }
  if (killSelf) c.closeAfterReply = true;
}

function clientPause(c: Client, argv: string[]): void {
  const srv = c.server;
  let all = true;
  if (argv.length === 4) {
    const mode = argv[3].toLowerCase();
    if (mode === 'write') all = false;
    else if (mode !== 'all') return c.error(AdminErr.pauseMode);
  } else if (argv.length > 4) {
    return c.error(AdminErr.subcommandSyntax(argv[1], argv[0]));
  }
  const t = toInt64(argv[2]);
  if (t === null) return c.error(Err.timeout);
  if (t < 0n) return c.error(Err.negativeTimeout);
  if (t > 0n) {
    const now = BigInt(Date.now());
    // Redis 7.0 adds the time without an overflow check: a wrapped
    // (negative) deadline is in the past, so nothing is paused.
    if (t > 9223372036854775807n - now) return c.reply.ok();
    // a running pause only ever extends, and only ever widens from WRITE to ALL
    const end = Number(t + now);
    srv.pause.all = srv.isPaused() ? srv.pause.all || all : all;
    if (end > srv.pause.until) srv.pause.until = end;
  }
  c.reply.ok();
}

function clientUnpause(c: Client): void {
  const srv = c.server;
  srv.pause.until = 0;
  srv.pause.all = false;
  // Held clients run after this command, like Redis's unblocked clients
  // processed before the next event loop sleep.
  setImmediate(() => {
    if (!srv.isPaused()) srv.unpauseClients();
  });
  c.reply.ok();
}

function clientReply(c: Client, argv: string[]): void {
  const mode = argv[2].toLowerCase();
  if (mode === 'on') {
    setReplyMode(c, ReplyMode.On);
    c.reply.ok();
  } else if (mode === 'off') {
    setReplyMode(c, ReplyMode.Off);
  } else if (mode === 'skip') {
    if (c.replyMode !== ReplyMode.Off) setReplyMode(c, ReplyMode.SkipNext);
  } else {
    c.error(Err.syntax);
  }
}

/** CLIENT UNBLOCK <id> [TIMEOUT|ERROR]: end a blocked client's wait. */
function clientUnblock(c: Client, argv: string[]): void {
  if (argv.length > 4) return c.error(AdminErr.subcommandSyntax(argv[1], argv[0]));
  let withError = false;
  if (argv.length === 4) {
    const how = argv[3].toLowerCase();
    if (how === 'error') withError = true;
    else if (how !== 'timeout') return c.error(Err.unblockReason);
  }
  const id = toInt64(argv[2]);
  if (id === null) return c.error(Err.notInteger);
  const target = id > 0n && id <= BigInt(Number.MAX_SAFE_INTEGER) ? c.server.clients.get(Number(id)) : undefined;
  c.reply.int(target !== undefined && c.server.blocking.unblockByRequest(target, withError) ? 1 : 0);
}

function clientNoEvict(c: Client, argv: string[]): void {
  const v = argv[2].toLowerCase();
  if (v === 'on') c.noEvict = true;
  else if (v === 'off') c.noEvict = false;
  else return c.error(Err.syntax);
  c.reply.ok();
}

const CLIENT_HELP = [
  'CACHING (YES|NO)',
  '    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.',
  'GETREDIR',
  '    Return the client ID we are redirecting to when tracking is enabled.',
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'INFO',
  '    Return information about the current client connection.',
  'KILL <ip:port>',
  '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Kill connections. Options are:',
  '    * ADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made from the specified address',
  '    * LADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made to specified local address',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Kill connections by type.',
  '    * USER <username>',
  '      Kill connections authenticated by <username>.',
  '    * SKIPME (YES|NO)',
  '      Skip killing current connection (default: yes).',
  'LIST [options ...]',
  '    Return information about client connections. Options:',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Return clients of specified type.',
  'UNPAUSE',
  '    Stop the current client pause, resuming traffic.',
  'PAUSE <timeout> [WRITE|ALL]',
  '    Suspend all, or just write, clients for <timeout> milliseconds.',
  'REPLY (ON|OFF|SKIP)',
  '    Control the replies sent to the current connection.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  // SETINFO is Redis 7.2's; its help lines as 7.2 prints them.
  'SETINFO <option> <value>',
  '    Set client meta attr. Options are:',
  '    * LIB-NAME: the client lib name.',
  '    * LIB-VER: the client lib version.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Unblock the specified blocked client.',
  'TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]',
  '         [OPTIN] [OPTOUT] [NOLOOP]',
  '    Control server assisted client side caching.',
  'TRACKINGINFO',
  '    Report tracking status for the current connection.',
  'NO-EVICT (ON|OFF)',
  '    Protect current client connection from eviction.',
];

function clientHelp(c: Client, argv: string[]): void {
  replyHelp(c, argv, CLIENT_HELP);
}

export const clientCommands: CommandSpec[] = [
  {
    name: 'client',
    subcommands: [
      { name: 'list', handler: clientList },
      { name: 'info', handler: clientInfo },
      { name: 'id', handler: clientId },
      { name: 'setname', handler: clientSetname },
      { name: 'getname', handler: clientGetname },
      { name: 'kill', handler: clientKill },
      { name: 'pause', handler: clientPause },
      { name: 'unpause', handler: clientUnpause },
      { name: 'reply', handler: clientReply },
      { name: 'no-evict', handler: clientNoEvict },
      { name: 'unblock', handler: clientUnblock },
      {
        // Redis 7.2's CLIENT SETINFO (7.0 has no metadata for it).
        name: 'setinfo',
        arity: 4,
        flags: ['noscript', 'loading', 'stale'],
        categories: ['slow', 'connection'],
        handler: clientSetinfo,
      },
      ...trackingSubcommands,
      { name: 'help', handler: clientHelp },
    ],
  },
];
