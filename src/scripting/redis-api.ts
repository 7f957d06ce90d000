/**
 * The `redis` table scripts and functions see (Redis 7.0's script_lua.c):
 * call and pcall (scriptCall's checks, then the dispatcher's call() on the
 * script client, the reply converted back into Lua), log, sha1hex,
 * error_reply, status_reply, setresp, set_repl, replicate_commands,
 * breakpoint, debug, acl_check_cmd and the constants.
 */
import { Err } from '../protocol/errors';
import { createHash } from 'node:crypto';
import type { Client } from '../server/client';
import type { Server } from '../server/server';
import { F } from '../server/command';
import type { Command } from '../server/command';
import { call } from '../server/dispatch';
import { formatDouble } from '../util/numbers';
import { REDIS_VERSION } from '../version';
import { lua, to_luastring } from './lua';
import { errorText, pushReply, pushString, toJs } from './convert';

/* eslint-disable @typescript-eslint/no-explicit-any */
type LuaState = any;

export function sha1hex(s: string): string {
  return createHash('sha1').update(s, 'latin1').digest('hex');
}

const REDIS_VERSION_NUM = REDIS_VERSION.split('.').reduce((n, p) => n * 256 + Number(p), 0);

/** The script being run. */
export interface RunContext {
  caller: Client;
  sha: string;
  readOnly: boolean;
  /** redis.setresp(): the protocol commands reply in to the script. */
  resp: number;
  /** The coroutine running it, and its registry reference. */
  co: LuaState;
  coRef: number;
  start: number;
  /** It called a write command (SCRIPT KILL then answers UNKILLABLE). */
  wrote: boolean;
  /** Declared allow-oom: deny-oom commands run even when memory is full. */
  allowOom: boolean;
  /** SCRIPT KILL asked for it to stop. */
  killed: boolean;
  /** It ran past busy-reply-threshold and yielded: the server is busy. */
  suspended: boolean;
  /** It may be suspended (not inside EXEC). */
  yieldable: boolean;
  /** beginPropagationUnit()'s answer, for endPropagationUnit(). */
  unit: boolean;
  /** The caller and its command, for client tracking. */
  call: { caller: Client; cmd: Command; argv: string[] };
}

/** What the API needs of its engine. */
export interface ScriptHost {
  readonly srv: Server;
  /** The client commands called by scripts run on. */
  readonly client: Client;
  /** The script running now, if any. */
  current(): RunContext | null;
}

export function installRedisApi(L: LuaState, host: ScriptHost): void {
  lua.lua_createtable(L, 0, 32);
  const fn = (name: string, f: (L: LuaState) => number) => {
    lua.lua_pushcfunction(L, f);
    lua.lua_setfield(L, -2, to_luastring(name));
  };
  const num = (name: string, v: number) => {
    lua.lua_pushnumber(L, v);
    lua.lua_setfield(L, -2, to_luastring(name));
  };
  fn('call', (L) => redisCall(host, L, true));
  fn('pcall', (L) => redisCall(host, L, false));
  fn('log', (L) => redisLog(host, L));
  fn('sha1hex', (L) => {
    if (lua.lua_gettop(L) !== 1) return raise(L, 'wrong number of arguments');
    pushString(L, sha1hex(lua.lua_isstring(L, 1) ? toJs(L, 1) : ''));
    return 1;
  });
  fn('error_reply', (L) => replyTable(L, 'err'));
  fn('status_reply', (L) => replyTable(L, 'ok'));
  fn('setresp', (L) => {
    if (lua.lua_gettop(L) !== 1) return raise(L, 'redis.setresp() requires one argument.');
    const v = lua.lua_tonumber(L, 1);
    if (v !== 2 && v !== 3) return raise(L, 'RESP version must be 2 or 3.');
    const run = host.current();
    if (run !== null) run.resp = v;
    return 0;
  });
  fn('set_repl', (L) => {
    // (sic) Redis 7.0's text for a call without exactly one argument
    if (lua.lua_gettop(L) !== 1) return raise(L, 'redis.set_repl() requires two arguments.');
    const v = Math.trunc(lua.lua_tonumber(L, 1) || 0);
    if ((v & ~3) !== 0 || v < 0 || v > 3) return raise(L, 'Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.');
    // one propagation stream for now (AOF and replicas come later): any target propagates
    host.client.noPropagate = v === 0;
    return 0;
  });
  fn('replicate_commands', (L) => {
    lua.lua_pushboolean(L, true);
    return 1;
  });
  fn('breakpoint', (L) => {
    lua.lua_pushboolean(L, false);
    return 1;
  });
  fn('debug', () => 0);
  fn('acl_check_cmd', (L) => {
    const n = lua.lua_gettop(L);
    if (n === 0) return raise(L, 'Please specify at least one argument for this redis lib call');
    const cmd = lookupCommand(host.srv, lua.lua_isstring(L, 1) ? toJs(L, 1) : '', n >= 2 && lua.lua_isstring(L, 2) ? toJs(L, 2) : null);
    if (cmd === null) return raise(L, 'Invalid command passed to redis.acl_check_cmd()');
    // every user is the default user until ACL users exist
    lua.lua_pushboolean(L, true);
    return 1;
  });
  num('LOG_DEBUG', 0);
  num('LOG_VERBOSE', 1);
  num('LOG_NOTICE', 2);
  num('LOG_WARNING', 3);
  num('REPL_NONE', 0);
  num('REPL_AOF', 1);
  num('REPL_SLAVE', 2);
  num('REPL_REPLICA', 2);
  num('REPL_ALL', 3);
  num('REDIS_VERSION_NUM', REDIS_VERSION_NUM);
  pushString(L, REDIS_VERSION);
  lua.lua_setfield(L, -2, to_luastring('REDIS_VERSION'));
  lua.lua_setglobal(L, to_luastring('redis'));
}

function redisLog(host: ScriptHost, L: LuaState): number {
  const n = lua.lua_gettop(L);
  if (n < 2) return raise(L, 'redis.log() requires two arguments or more.');
  if (!lua.lua_isnumber(L, 1)) return raise(L, 'First argument must be a number (log level).');
  const level = lua.lua_tonumber(L, 1);
  if (!(level >= 0 && level <= 3)) return raise(L, 'Invalid debug level.');
  const parts: string[] = [];
  for (let i = 2; i <= n; i++) if (lua.lua_isstring(L, i)) parts.push(toJs(L, i));
  const msg = parts.join(' ');
  const log = host.srv.log;
  if (level < 1) log.debug(msg);
  else if (level < 2) log.verbose(msg);
  else if (level < 3) log.notice(msg);
  else log.warning(msg);
  return 0;
}

/** A command by name and, for a container, subcommand; null when unknown. */
function lookupCommand(srv: Server, name: string, sub: string | null): Command | null {
  let cmd = srv.registry.lookup(name);
  if (cmd === undefined) return null;
  if (cmd.subcommands !== null && sub !== null) {
    const s = cmd.subcommands.get(sub.toLowerCase());
    if (s === undefined) return null;
    cmd = s;
  }
  return cmd;
}

/** redis.call / redis.pcall (luaRedisGenericCommand). */
function redisCall(host: ScriptHost, L: LuaState, raiseErrors: boolean): number {
  const run = host.current();
  const fail = (msg: string) => (raiseErrors ? raise(L, msg) : (pushError(L, `ERR ${msg}`, false), 1));
  const n = lua.lua_gettop(L);
  if (n === 0) return fail('Please specify at least one argument for this redis lib call');
  const argv: string[] = new Array(n);
  for (let i = 1; i <= n; i++) {
    const t = lua.lua_type(L, i);
    if (t === lua.LUA_TSTRING) argv[i - 1] = toJs(L, i);
    else if (t === lua.LUA_TNUMBER) argv[i - 1] = formatDouble(lua.lua_tonumber(L, i));
    else return fail('Lua redis lib command arguments must be strings or integers');
  }
  if (run === null) return fail('redis.call() can only be called from a script');
  // scriptCall's checks, in Redis's order
  const cmd = lookupCommand(host.srv, argv[0], argv.length >= 2 ? argv[1] : null);
  if (cmd === null) return fail('Unknown Redis command called from script');
  if ((cmd.arity > 0 && n !== cmd.arity) || n < -cmd.arity) return fail('Wrong number of args calling Redis command from script');
  if (cmd.has(F.noscript)) return fail('This Redis command is not allowed from script');
  if (cmd.has(F.write) && run.readOnly) return fail('Write commands are not allowed from read-only scripts.');
  // scriptVerifyOOM: memory was full when the script started and it has not written yet
  const srv = host.srv;
  if (srv.preCommandOom && !run.wrote && !run.allowOom && cmd.has(F.denyoom) && srv.settings.maxmemory !== 0) {
    pushError(L, Err.oom, false);
    return raiseErrors ? lua.lua_error(L) : 1;
  }
  if (cmd.has(F.write)) run.wrote = true;
  const sc = host.client;
  sc.scriptCall = run.call;
  sc.reply.proto = run.resp;
  sc.reply.len = 0;
  call(host.srv, sc, cmd, argv);
  const buf = sc.reply.buf;
  pushReply(L, buf, 0);
  sc.reply.len = 0;
  if (raiseErrors && buf[0] === 0x2d) return lua.lua_error(L);
  return 1;
}

/** Push an error table {err=msg} (ignore_err_stats_update when the command already counted it). */
export function pushError(L: LuaState, msg: string, ignoreStats: boolean): void {
  lua.lua_createtable(L, 0, 2);
  pushString(L, 'err');
  pushString(L, msg);
  lua.lua_rawset(L, -3);
  if (ignoreStats) {
    pushString(L, 'ignore_err_stats_update');
    lua.lua_pushboolean(L, true);
    lua.lua_rawset(L, -3);
  }
}

/** Raise an error table {err='ERR <msg>'} (luaPushError + luaError). */
function raise(L: LuaState, msg: string): number {
  pushError(L, `ERR ${msg}`, false);
  return lua.lua_error(L);
}

/** redis.error_reply / status_reply: {err=...} or {ok=...} from one string argument. */
function replyTable(L: LuaState, kind: 'err' | 'ok'): number {
  if (lua.lua_gettop(L) !== 1 || lua.lua_type(L, -1) !== lua.LUA_TSTRING) {
    pushError(L, 'ERR wrong number or type of arguments', false);
    return 1;
  }
  let v = toJs(L, 1);
  if (kind === 'err') v = errorText(v.startsWith('-') ? v.slice(1) : v);
  lua.lua_createtable(L, 0, 1);
  pushString(L, kind);
  pushString(L, v);
  lua.lua_rawset(L, -3);
  return 1;
}

