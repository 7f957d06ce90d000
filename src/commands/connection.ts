/** Connection commands: PING, ECHO, QUIT, RESET, AUTH, HELLO, SELECT. */
import type { CommandSpec } from '../server/command';
import { Client, ReplyMode } from '../server/client';
import { Err } from '../protocol/errors';
import { discardTransaction } from '../tx/transaction';
import { setReplyMode } from '../server/dispatch';
import { toInt64, toSafeInt } from '../util/numbers';
import { timingSafeEqual } from 'node:crypto';

function ping(c: Client, argv: string[]): void {
  if (argv.length > 2) return c.error(Err.arity('ping'));
  if (c.pubsub !== null && c.reply.proto === 2) {
    // RESP2 subscribed mode: PING answers like a message, ["pong", payload]
    c.reply.array(2);
    c.reply.bulk('pong');
    return c.reply.bulk(argv.length === 2 ? argv[1] : '');
  }
  if (argv.length === 2) c.reply.bulk(argv[1]);
  else c.reply.status('PONG');
}

function echo(c: Client, argv: string[]): void {
  c.reply.bulk(argv[1]);
}

function quit(c: Client): void {
  c.reply.ok();
  c.closeAfterReply = true;
}

function select(c: Client, argv: string[]): void {
  const id = toSafeInt(argv[1]);
  if (id === null) return c.error(toInt64(argv[1]) === null ? Err.notInteger : Err.intOutOfRange);
  if (id < -2147483648 || id > 2147483647) return c.error(Err.intOutOfRange);
  const dbs = c.server.keyspace.dbs;
  if (id < 0 || id >= dbs.length) return c.error(Err.dbIndex);
  c.db = dbs[id];
  c.reply.ok();
}

/** Password check for the default user (ACL users arrive with the ACL issue). */
function checkPassword(c: Client, user: string, pass: string): boolean {
  if (user !== 'default') return false;
  const want = c.server.settings.requirepass;
  if (want === '') return true; // default user is "nopass"
  const a = Buffer.from(pass, 'latin1');
  const b = Buffer.from(want, 'latin1');
  return a.length === b.length && timingSafeEqual(a, b);
}

function auth(c: Client, argv: string[]): void {
  if (argv.length > 3) return c.error(Err.syntax);
  if (argv.length === 2 && c.server.settings.requirepass === '') return c.error(Err.authNoPassword);
  const user = argv.length === 3 ? argv[1] : 'default';
  const pass = argv[argv.length - 1];
  if (!checkPassword(c, user, pass)) return c.error(Err.wrongPass);
  c.authenticated = true;
  c.user = user;
  c.reply.ok();
}

/** Client names: printable ASCII without spaces, as CLIENT SETNAME requires. */
export function validClientName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const ch = name.charCodeAt(i);
    if (ch < 0x21 || ch > 0x7e) return false;
  }
  return true;
}

function hello(c: Client, argv: string[]): void {
  let proto = c.reply.proto;
  let i = 1;
  if (argv.length >= 2) {
    const v = toSafeInt(argv[1]);
    if (v === null) return c.error(Err.helloProtoNotInt);
    if (v < 2 || v > 3) return c.error(Err.noProto);
    proto = v;
    i = 2;
  }
  let user: string | null = null;
  let pass = '';
  let name: string | null = null;
  for (; i < argv.length; i++) {
    const opt = argv[i].toLowerCase();
    const left = argv.length - i - 1;
    if (opt === 'auth' && left >= 2) {
      user = argv[++i];
      pass = argv[++i];
    } else if (opt === 'setname' && left >= 1) {
      name = argv[++i];
    } else {
      return c.error(Err.helloSyntax(argv[i]));
    }
  }
  if (user !== null) {
    if (!checkPassword(c, user, pass)) return c.error(Err.wrongPass);
    c.authenticated = true;
    c.user = user;
  }
  if (!c.authenticated) return c.error(Err.helloNoAuth);
  if (name !== null) {
    if (!validClientName(name)) return c.error(Err.badClientName);
    c.name = name;
  }
  c.reply.proto = proto;
  const s = c.server;
  c.reply.map(7);
  c.reply.bulk('server');
  c.reply.bulk('redis');
  c.reply.bulk('version');
  c.reply.bulk(s.version);
  c.reply.bulk('proto');
  c.reply.int(proto);
  c.reply.bulk('id');
  c.reply.int(c.id);
  c.reply.bulk('mode');
  c.reply.bulk('standalone');
  c.reply.bulk('role');
  c.reply.bulk('master');
  c.reply.bulk('modules');
  c.reply.array(0);
}

/** RESET: back to a fresh connection's state (db 0, RESP2, no name, not authenticated). */
function reset(c: Client): void {
  const s = c.server;
  c.db = s.keyspace.dbs[0];
  c.reply.proto = 2;
  c.name = '';
  setReplyMode(c, ReplyMode.On);
  s.monitors.delete(c);
  c.monitor = false;
  c.noEvict = false;
  c.authenticated = !s.requiresAuth();
  c.user = 'default';
  discardTransaction(c);
  s.pubsub.dropAll(c);
  s.tracking.disable(c);
  c.onReset?.();
  c.reply.status('RESET');
}

export const connectionCommands: CommandSpec[] = [
  { name: 'ping', handler: ping },
  { name: 'echo', handler: echo },
  { name: 'quit', handler: quit },
  { name: 'select', handler: select },
  { name: 'auth', handler: auth },
  { name: 'hello', handler: hello },
  { name: 'reset', handler: reset },
];
