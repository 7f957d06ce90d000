/**
 * Lua 5.1's base library as Redis 7.0 exposes it. fengari's 5.3 functions
 * are kept where 5.1 behaves the same (getmetatable, setmetatable, next,
 * rawequal, rawget, rawset, select, type); the rest are 5.1's:
 * assert/error texts, tonumber with strtod rules and strtoul bases,
 * tostring without 5.3's __name, ipairs/pairs/unpack without metamethods,
 * load from a reader function only, loadstring, pcall/xpcall without
 * 5.1's arguments (a script's coroutine.yield cannot cross them, corolib.ts),
 * gcinfo, collectgarbage's
 * 5.1 options. print, dofile, loadfile, require, rawlen... do not exist.
 */
import {
  LuaState, LuaFunction, lua, lauxlib, T, argError, checkAny, checkBytes, checkInt, checkType, luaError,
  optBytes, optInt, pushStr, stackRoom, text, to_luastring, typeError, latin1,
} from './api';
import { latin1ToNumber } from './str2num';
import { fmt14g } from './numfmt';

const LUA_MULTRET = -1;
const LUA_YIELD = 1;

function luaAssert(L: LuaState): number {
  checkAny(L, 1);
  if (!lua.lua_toboolean(L, 1)) {
    const msg = lua.lua_type(L, 2) <= 0 ? latin1('assertion failed!') : checkBytes(L, 2);
    lauxlib.luaL_where(L, 1);
    lua.lua_pushstring(L, msg);
    lua.lua_concat(L, 2);
    return lua.lua_error(L);
  }
  return lua.lua_gettop(L);
}

function luaError51(L: LuaState): number {
  const level = optInt(L, 2, 1);
  lua.lua_settop(L, 1);
  if (lua.lua_isstring(L, 1) && level > 0) {
    lauxlib.luaL_where(L, level);
    lua.lua_pushvalue(L, 1);
    lua.lua_concat(L, 2);
  }
  return lua.lua_error(L);
}

/** strtoul(s, &end, base) over a latin1 string (C locale): value (mod 2^64) and end. */
function strtoul(s: string, base: number): { value: number; end: number } {
  let i = 0;
  while (i < s.length && (s.charCodeAt(i) === 32 || (s.charCodeAt(i) >= 9 && s.charCodeAt(i) <= 13))) i++;
  let neg = false;
  if (s[i] === '-' || s[i] === '+') {
    neg = s[i] === '-';
    i++;
  }
  if (base === 16 && s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X')) {
    const d = digitValue(s.charCodeAt(i + 2));
    if (d >= 0 && d < 16) i += 2;
  }
  const start = i;
  let v = 0n;
  const B = BigInt(base);
  let overflow = false;
  for (; i < s.length; i++) {
    const d = digitValue(s.charCodeAt(i));
    if (d < 0 || d >= base) break;
    v = v * B + BigInt(d);
    if (v > 0xffffffffffffffffn) overflow = true;
  }
  if (i === start) return { value: 0, end: 0 };
  if (overflow) return { value: 18446744073709551615, end: i };
  if (neg) v = (0x10000000000000000n - v) & 0xffffffffffffffffn;
  return { value: Number(v), end: i };
}

function digitValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 122) return c - 87;
  if (c >= 65 && c <= 90) return c - 55;
  return -1;
}

function luaTonumber(L: LuaState): number {
  const base = optInt(L, 2, 10);
  if (base === 10) {
    checkAny(L, 1);
    const t = lua.lua_type(L, 1);
    if (t === T.NUMBER) {
      lua.lua_settop(L, 1);
      return 1;
    }
    if (t === T.STRING) {
      const s = lua.lua_tolstring(L, 1) as Uint8Array;
      let end = s.indexOf(0);
      if (end < 0) end = s.length;
      const v = latin1ToNumber(text(s.subarray(0, end)));
      if (v !== null) {
        lua.lua_pushnumber(L, v);
        return 1;
      }
    }
  } else {
    const bytes = checkBytes(L, 1);
    if (base < 2 || base > 36) argError(L, 2, 'base out of range');
    let end = bytes.indexOf(0);
    if (end < 0) end = bytes.length;
    const s = text(bytes.subarray(0, end));
    const r = strtoul(s, base);
    if (r.end > 0) {
      let i = r.end;
      while (i < s.length && (s.charCodeAt(i) === 32 || (s.charCodeAt(i) >= 9 && s.charCodeAt(i) <= 13))) i++;
      if (i === s.length) {
        lua.lua_pushnumber(L, r.value);
        return 1;
      }
    }
  }
  lua.lua_pushnil(L);
  return 1;
}

function luaTostring(L: LuaState): number {
  checkAny(L, 1);
  if (lauxlib.luaL_callmeta(L, 1, to_luastring('__tostring', true))) return 1;
  switch (lua.lua_type(L, 1)) {
    case T.NUMBER:
      pushStr(L, fmt14g(lua.lua_tonumber(L, 1)));
      break;
    case T.STRING:
      lua.lua_pushvalue(L, 1);
      break;
    case T.BOOLEAN:
      pushStr(L, lua.lua_toboolean(L, 1) ? 'true' : 'false');
      break;
    case T.NIL:
      pushStr(L, 'nil');
      break;
    default: {
      const p = lua.lua_topointer(L, 1);
      if (p === null) pushStr(L, `${text(lauxlib.luaL_typename(L, 1))}: (nil)`); // C's %p of NULL
      else lua.lua_pushfstring(L, to_luastring('%s: %p', true), lauxlib.luaL_typename(L, 1), p);
    }
  }
  return 1;
}

function ipairsAux(L: LuaState): number {
  const i = lua.lua_tonumber(L, 2) + 1;
  lua.lua_pushnumber(L, i);
  lua.lua_rawgeti(L, 1, i);
  return lua.lua_isnil(L, -1) ? 0 : 2;
}

function luaIpairs(L: LuaState): number {
  checkType(L, 1, T.TABLE);
  lua.lua_pushvalue(L, lua.lua_upvalueindex(1));
  lua.lua_pushvalue(L, 1);
  lua.lua_pushnumber(L, 0);
  return 3;
}

function luaPairs(L: LuaState): number {
  checkType(L, 1, T.TABLE);
  lua.lua_pushvalue(L, lua.lua_upvalueindex(1));
  lua.lua_pushvalue(L, 1);
  lua.lua_pushnil(L);
  return 3;
}

function luaUnpack(L: LuaState): number {
  checkType(L, 1, T.TABLE);
  let i = optInt(L, 2, 1);
  const e = lua.lua_type(L, 3) <= 0 ? lua.lua_rawlen(L, 1) : checkInt(L, 3);
  if (i > e) return 0;
  const n = e - i + 1;
  if (n <= 0 || n >= 2147483647 || !stackRoom(L, n)) return luaError(L, 'too many results to unpack');
  for (; i <= e; i++) lua.lua_rawgeti(L, 1, i);
  return n;
}

function loadResult(L: LuaState, status: number): number {
  if (status === 0) return 1;
  lua.lua_pushnil(L);
  lua.lua_insert(L, -2);
  return 2;
}

function luaLoadstring(L: LuaState): number {
  const s = checkBytes(L, 1);
  const name = optBytes(L, 2, s);
  return loadResult(L, lauxlib.luaL_loadbuffer(L, s, s.length, name));
}

function luaLoad(L: LuaState): number {
  const name = optBytes(L, 2, latin1('=(load)'));
  checkType(L, 1, T.FUNCTION);
  lua.lua_settop(L, 3); // slot 3 keeps the last piece alive
  const reader = (Lr: LuaState): Uint8Array | null => {
    lua.lua_pushvalue(Lr, 1);
    lua.lua_call(Lr, 0, 1);
    if (lua.lua_isnil(Lr, -1)) {
      lua.lua_pop(Lr, 1);
      return null;
    }
    if (lua.lua_isstring(Lr, -1)) {
      lua.lua_replace(Lr, 3);
      const piece = lua.lua_tolstring(Lr, 3) as Uint8Array;
      return piece.length === 0 ? null : piece;
    }
    return luaError(Lr, 'reader function must return a string');
  };
  return loadResult(L, lua.lua_load(L, reader, null, name, null));
}

/**
 * The end of pcall/xpcall, also their continuation after a yield: the VM
 * may yield through them (the scripting core's count hook does, to serve
 * -BUSY), while a script's coroutine.yield still may not (corolib.ts).
 */
function finishPcall(L: LuaState, status: number, extra: number): number {
  if (status !== 0 && status !== LUA_YIELD) {
    lua.lua_checkstack(L, 2);
    lua.lua_pushboolean(L, false);
    lua.lua_pushvalue(L, -2);
    return 2;
  }
  return lua.lua_gettop(L) - extra;
}

function luaPcall(L: LuaState): number {
  if (lua.lua_gettop(L) === 0) {
    // Redis's 5.1 calls whatever lies past the stack top here: a boolean
    lua.lua_pushboolean(L, false);
    pushStr(L, 'attempt to call a boolean value');
    return 2;
  }
  lua.lua_pushboolean(L, true);
  lua.lua_insert(L, 1);
  const status = lua.lua_pcallk(L, lua.lua_gettop(L) - 2, LUA_MULTRET, 0, 0, finishPcall);
  return finishPcall(L, status, 0);
}

function luaXpcall(L: LuaState): number {
  checkAny(L, 2);
  lua.lua_settop(L, 2); // 5.1 passes no arguments to the function
  lua.lua_pushboolean(L, true);
  lua.lua_pushvalue(L, 1);
  const status = lua.lua_pcallk(L, 0, LUA_MULTRET, 2, 2, finishPcall);
  return finishPcall(L, status, 2);
}

/** Per-state collector settings (fengari's GC is JavaScript's; these are only remembered). */
interface GcState {
  pause: number;
  stepmul: number;
}
const gcStates = new WeakMap<object, GcState>();
const GC_OPTIONS = ['stop', 'restart', 'collect', 'count', 'step', 'setpause', 'setstepmul'];
/** A plausible heap size in KB (fengari cannot measure its own). */
const GC_COUNT_KB = 24.5;

function luaCollectgarbage(L: LuaState): number {
  const opt = lua.lua_type(L, 1) <= 0 ? 'collect' : text(checkBytes(L, 1));
  const o = GC_OPTIONS.indexOf(opt);
  if (o < 0) argError(L, 1, `invalid option '${opt}'`);
  const ex = optInt(L, 2, 0);
  const key = lua.lua_topointer(L, lua.LUA_REGISTRYINDEX) as object;
  let gc = gcStates.get(key);
  if (gc === undefined) gcStates.set(key, (gc = { pause: 200, stepmul: 200 }));
  switch (opt) {
    case 'count':
      lua.lua_pushnumber(L, GC_COUNT_KB);
      break;
    case 'step':
      lua.lua_pushboolean(L, false);
      break;
    case 'setpause':
      lua.lua_pushnumber(L, gc.pause);
      gc.pause = ex;
      break;
    case 'setstepmul':
      lua.lua_pushnumber(L, gc.stepmul);
      gc.stepmul = ex;
      break;
    default:
      lua.lua_pushnumber(L, 0);
  }
  return 1;
}

function luaGcinfo(L: LuaState): number {
  lua.lua_pushnumber(L, Math.floor(GC_COUNT_KB));
  return 1;
}

/** Opens the 5.1 base library into the global table (fengari's base must be open already). */
export function openBase(L: LuaState): void {
  lua.lua_pushglobaltable(L);
  const g = lua.lua_gettop(L);
  const drop = ['print', 'dofile', 'loadfile', 'rawlen', 'require', 'utf8', 'package', 'io', 'os'];
  for (const name of drop) {
    lua.lua_pushnil(L);
    lua.lua_setfield(L, g, to_luastring(name));
  }
  const funcs: Record<string, LuaFunction> = {
    assert: luaAssert, error: luaError51, tonumber: luaTonumber, tostring: luaTostring, unpack: luaUnpack,
    load: luaLoad, loadstring: luaLoadstring, pcall: luaPcall, xpcall: luaXpcall,
    collectgarbage: luaCollectgarbage, gcinfo: luaGcinfo,
  };
  for (const name of Object.keys(funcs)) {
    lua.lua_pushcfunction(L, funcs[name]);
    lua.lua_setfield(L, g, to_luastring(name));
  }
  // ipairs and pairs keep their iterator as an upvalue, as 5.1 does
  lua.lua_pushcfunction(L, ipairsAux);
  lua.lua_pushcclosure(L, luaIpairs, 1);
  lua.lua_setfield(L, g, to_luastring('ipairs'));
  // 5.1's pairs holds its own `next` closure (not equal to the global one)
  lua.lua_getfield(L, g, to_luastring('next'));
  const next = lua.lua_tocfunction(L, -1);
  lua.lua_pop(L, 1);
  lua.lua_pushcfunction(L, (Ln: LuaState): number => next(Ln));
  lua.lua_pushcclosure(L, luaPairs, 1);
  lua.lua_setfield(L, g, to_luastring('pairs'));
  pushStr(L, 'Lua 5.1');
  lua.lua_setfield(L, g, to_luastring('_VERSION'));
  lua.lua_pop(L, 1);
}

export { typeError };
