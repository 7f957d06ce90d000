/**
 * Conversions between replies and Lua values, as Redis 7.0's script_lua.c:
 * a command's reply (RESP bytes written by the script client) becomes a Lua
 * value, and a script's result becomes the caller's reply.
 */
import type { Reply } from '../protocol/reply';
import { jsString, lua, pushConstant, pushOwnedBytes } from './lua';

/* eslint-disable @typescript-eslint/no-explicit-any */
type LuaState = any;

/** Bytes of a latin1 JS string, for lua_pushlstring. */
export function luaBytes(s: string): Buffer {
  return Buffer.from(s, 'latin1');
}

/** Pushes a latin1 JS string as a Lua string of its bytes (which keeps the JS string for toJs). */
export function pushString(L: LuaState, s: string): void {
  const len = s.length;
  const u = new Uint8Array(len);
  if (len <= 32) {
    // short strings: a byte loop beats a call into the Buffer binding
    for (let i = 0; i < len; i++) u[i] = s.charCodeAt(i);
  } else {
    Buffer.from(u.buffer, u.byteOffset, len).latin1Write(s, 0);
  }
  pushOwnedBytes(L, u, s);
}

/** The Lua string at `idx` as a latin1 JS string (numbers converted as Lua converts them). */
export function toJs(L: LuaState, idx: number): string {
  return jsString(L, idx)!;
}

/** t[k] = v for a string value on the table at the top of the stack. */
function setField(L: LuaState, k: string, v: string): void {
  pushConstant(L, k);
  pushString(L, v);
  lua.lua_rawset(L, -3);
}

/** The line ending at `pos`: [text, position after CRLF]. */
function line(buf: Buffer, pos: number): [string, number] {
  const end = buf.indexOf(13, pos);
  return [buf.latin1Slice(pos, end), end + 2];
}

/**
 * Push the reply starting at `pos` onto the Lua stack (redisProtocolToLuaType);
 * the position after it.
 */
export function pushReply(L: LuaState, buf: Buffer, pos: number): number {
  return pushValue(L, buf, pos);
}

/** Set by headerInt: the position after the header's CRLF. */
let headerEnd = 0;

/**
 * The number in the header line at `pos` (a length or a small integer),
 * read from the bytes; NaN when it has more than 15 digits (a double may
 * not hold it exactly: the caller parses the text).
 */
function headerInt(buf: Buffer, pos: number): number {
  let i = pos;
  const neg = buf[i] === 0x2d;
  if (neg) i++;
  let n = 0;
  const start = i;
  for (let c = buf[i]!; c !== 13; c = buf[++i]!) n = n * 10 + (c - 48);
  headerEnd = i + 2;
  if (i - start > 15) return NaN;
  return neg ? -n : n;
}

const u8slice = Uint8Array.prototype.slice;

function pushValue(L: LuaState, buf: Buffer, pos: number): number {
  const type = buf[pos];
  switch (type) {
    case 0x24: {
      // '$' bulk, or false for a null bulk
      const len = headerInt(buf, pos + 1);
      const next = headerEnd;
      if (len < 0) {
        lua.lua_pushboolean(L, false);
        return next;
      }
      pushOwnedBytes(L, u8slice.call(buf, next, next + len));
      return next + len + 2;
    }
    case 0x3a: {
      // ':' integer
      let v = headerInt(buf, pos + 1);
      if (v !== v) v = Number(buf.latin1Slice(pos + 1, headerEnd - 2));
      lua.lua_pushnumber(L, v);
      return headerEnd;
    }
  }
  const [text, next] = line(buf, pos + 1);
  switch (type) {
    case 0x2b: // '+' status: {ok=...}
      lua.lua_createtable(L, 0, 1);
      setField(L, 'ok', text);
      return next;
    case 0x2d: // '-' error: {err=...}, already counted in the error statistics by the command
      lua.lua_createtable(L, 0, 2);
      setField(L, 'err', errorText(text));
      pushConstant(L, 'ignore_err_stats_update');
      lua.lua_pushboolean(L, true);
      lua.lua_rawset(L, -3);
      return next;
    case 0x2a: // '*' array
    case 0x7e: {
      // '~' set: {set={member=true...}}
      const n = Number(text);
      if (n < 0) {
        lua.lua_pushboolean(L, false);
        return next;
      }
      if (type === 0x7e) return pushSet(L, buf, next, n);
      lua.lua_createtable(L, n, 0);
      let p = next;
      for (let i = 1; i <= n; i++) {
        p = pushValue(L, buf, p);
        lua.lua_rawseti(L, -2, i);
      }
      return p;
    }
    case 0x25: // '%' map: {map={k=v...}}
      return pushMap(L, buf, next, Number(text));
    case 0x5f: // '_' null
      lua.lua_pushnil(L);
      return next;
    case 0x23: // '#' boolean
      lua.lua_pushboolean(L, text === 't');
      return next;
    case 0x2c: // ',' double: {double=n}
      lua.lua_createtable(L, 0, 1);
      pushConstant(L, 'double');
      lua.lua_pushnumber(L, parseDouble(text));
      lua.lua_rawset(L, -3);
      return next;
    case 0x28: // '(' big number: {big_number='...'}
      lua.lua_createtable(L, 0, 1);
      setField(L, 'big_number', text);
      return next;
    case 0x3d: {
      // '=' verbatim: {verbatim_string={format=..., string=...}}
      const len = Number(text);
      const body = buf.latin1Slice(next, next + len);
      lua.lua_createtable(L, 0, 1);
      pushConstant(L, 'verbatim_string');
      lua.lua_createtable(L, 0, 2);
      setField(L, 'format', body.slice(0, 3));
      setField(L, 'string', body.slice(4));
      lua.lua_rawset(L, -3);
      return next + len + 2;
    }
    case 0x7c: {
      // '|' attribute: skipped, the reply it describes follows
      let p = next;
      const n = Number(text) * 2;
      for (let i = 0; i < n; i++) {
        p = pushValue(L, buf, p);
        lua.lua_pop(L, 1);
      }
      return pushValue(L, buf, p);
    }
    default:
      throw new Error(`script client: unexpected reply type ${String.fromCharCode(type)}`);
  }
}

function pushSet(L: LuaState, buf: Buffer, pos: number, n: number): number {
  lua.lua_createtable(L, 0, 1);
  pushConstant(L, 'set');
  lua.lua_createtable(L, 0, 0);
  let p = pos;
  for (let i = 0; i < n; i++) {
    p = pushValue(L, buf, p);
    lua.lua_pushboolean(L, true);
    lua.lua_rawset(L, -3);
  }
  lua.lua_rawset(L, -3);
  return p;
}

function pushMap(L: LuaState, buf: Buffer, pos: number, n: number): number {
  lua.lua_createtable(L, 0, 1);
  pushConstant(L, 'map');
  lua.lua_createtable(L, 0, 0);
  let p = pos;
  for (let i = 0; i < n; i++) {
    p = pushValue(L, buf, p);
    p = pushValue(L, buf, p);
    lua.lua_rawset(L, -3);
  }
  lua.lua_rawset(L, -3);
  return p;
}

function parseDouble(s: string): number {
  if (s === 'inf') return Infinity;
  if (s === '-inf') return -Infinity;
  if (s === 'nan') return NaN;
  return Number(s);
}

/**
 * An error reply's text as the `err` field holds it (luaPushErrorBuff):
 * "CODE message", a message without a code getting ERR.
 */
export function errorText(raw: string): string {
  const sp = raw.indexOf(' ');
  return sp < 0 ? `ERR ${raw}` : raw;
}

/** The script's own setting for booleans (redis.setresp): RESP3 writes them as booleans. */
export interface ResultOptions {
  scriptResp: number;
}

/**
 * Write the Lua value at the top of the stack as the caller's reply
 * (luaReplyToRedisReply) and pop it. Error tables are written by `onError`
 * (their text and statistics are the runner's).
 */
export function writeResult(L: LuaState, r: Reply, o: ResultOptions, onError: (msg: string, ignoreStats: boolean) => void): void {
  if (!lua.lua_checkstack(L, 4)) {
    lua.lua_pop(L, 1);
    return onError('ERR reached lua stack limit', false);
  }
  switch (lua.lua_type(L, -1)) {
    case lua.LUA_TSTRING: {
      r.bulkBuffer(lua.lua_tolstring(L, -1));
      break;
    }
    case lua.LUA_TBOOLEAN: {
      const b = lua.lua_toboolean(L, -1);
      if (o.scriptResp === 2) {
        if (b) r.int(1);
        else r.null();
      } else r.bool(b);
      break;
    }
    case lua.LUA_TNUMBER:
      r.int(truncate(lua.lua_tonumber(L, -1)));
      break;
    case lua.LUA_TTABLE:
      return writeTable(L, r, o, onError);
    default:
      r.null();
  }
  lua.lua_pop(L, 1);
}

/** (long long) of a Lua number: toward zero, saturating like the x86 conversion Redis runs on. */
function truncate(n: number): number | bigint {
  if (n !== n) return -9223372036854775808n;
  const t = Math.trunc(n);
  if (Number.isSafeInteger(t)) return t;
  if (t >= 9223372036854775807 || t < -9223372036854775808) return -9223372036854775808n;
  return BigInt(t);
}

/** The field `k` of the table at the top, pushed; its Lua type. */
function field(L: LuaState, k: string): number {
  pushConstant(L, k);
  return lua.lua_rawget(L, -2);
}

function writeTable(L: LuaState, r: Reply, o: ResultOptions, onError: (msg: string, ignoreStats: boolean) => void): void {
  if (field(L, 'err') === lua.LUA_TSTRING) {
    const msg = toJs(L, -1);
    lua.lua_pop(L, 1);
    field(L, 'ignore_err_stats_update');
    const ignore = lua.lua_toboolean(L, -1);
    lua.lua_pop(L, 2);
    return onError(msg, ignore);
  }
  lua.lua_pop(L, 1);
  if (field(L, 'ok') === lua.LUA_TSTRING) {
    r.status(toJs(L, -1).replace(/[\r\n]/g, ' '));
    lua.lua_pop(L, 2);
    return;
  }
  lua.lua_pop(L, 1);
  if (field(L, 'double') === lua.LUA_TNUMBER) {
    r.double(lua.lua_tonumber(L, -1));
    lua.lua_pop(L, 2);
    return;
  }
  lua.lua_pop(L, 1);
  if (field(L, 'big_number') === lua.LUA_TSTRING) {
    r.bigNumber(toJs(L, -1).replace(/[\r\n]/g, ' '));
    lua.lua_pop(L, 2);
    return;
  }
  lua.lua_pop(L, 1);
  if (field(L, 'verbatim_string') === lua.LUA_TTABLE) {
    const fmt = field(L, 'format') === lua.LUA_TSTRING ? toJs(L, -1) : null;
    lua.lua_pop(L, 1);
    const str = field(L, 'string') === lua.LUA_TSTRING ? toJs(L, -1) : null;
    lua.lua_pop(L, 1);
    if (fmt !== null && str !== null) {
      r.verbatim(str, fmt);
      lua.lua_pop(L, 2);
      return;
    }
  }
  lua.lua_pop(L, 1);
  if (field(L, 'map') === lua.LUA_TTABLE) {
    const at = r.deferArray();
    let n = 0;
    lua.lua_pushnil(L);
    while (lua.lua_next(L, -2) !== 0) {
      // stack: ... key value; convert a copy of the key (pushed on top), then the value
      lua.lua_pushvalue(L, -2);
      writeResult(L, r, o, onError);
      writeResult(L, r, o, onError);
      n++;
    }
    r.setDeferred(at, n, 'map');
    lua.lua_pop(L, 2);
    return;
  }
  lua.lua_pop(L, 1);
  if (field(L, 'set') === lua.LUA_TTABLE) {
    const at = r.deferArray();
    let n = 0;
    lua.lua_pushnil(L);
    while (lua.lua_next(L, -2) !== 0) {
      lua.lua_pop(L, 1);
      lua.lua_pushvalue(L, -1);
      writeResult(L, r, o, onError);
      n++;
    }
    r.setDeferred(at, n, 'set');
    lua.lua_pop(L, 2);
    return;
  }
  lua.lua_pop(L, 1);
  // an array, up to its first nil
  const at = r.deferArray();
  let n = 0;
  for (;;) {
    lua.lua_rawgeti(L, -1, n + 1);
    if (lua.lua_type(L, -1) === lua.LUA_TNIL) {
      lua.lua_pop(L, 1);
      break;
    }
    writeResult(L, r, o, onError);
    n++;
  }
  r.setDeferred(at, n);
  lua.lua_pop(L, 1);
}
