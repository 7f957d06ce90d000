/**
 * Lua 5.1 as Redis 7.0 embeds it, on fengari's 5.3 VM. The rest of tredis
 * reaches fengari only through this module: vm.ts must patch fengari's
 * modules before anything requires them (see there why).
 *
 * newRedisLuaState() gives a state whose globals are exactly those of a
 * Redis 7.0 script minus what the scripting core adds (redis, KEYS, ARGV,
 * __redis__err__handler, global protection): the 5.1 base functions,
 * string, table, math, coroutine, and the bundled bit, cjson, cmsgpack and
 * struct. The debug library is loaded but, as in Redis, not a global:
 * pushDebugLibrary() gives it to the core.
 */
import { F } from './vm';
import { LuaState, lua, setGlobal, to_luastring, latin1 } from './api';
import { openBase } from './baselib';
import { openCoroutine } from './corolib';
import { openMath } from './mathlib';
import { openString } from './strlib';
import { openTable } from './tablib';
import { openBit } from './bitlib';
import { openStruct } from './structlib';
import { openCjson } from './cjson';
import { openCmsgpack } from './cmsgpack';

export const lauxlib = F.lauxlib;
export const lualib = F.lualib;
export { lua, to_luastring };
export const to_jsstring: (b: Uint8Array, from?: number, to?: number, replacement_char?: boolean) => string =
  F.fengari.to_jsstring;
export { fmt14g as luaNumberToString } from './numfmt';
export { hostYield } from './corolib';
export { resetRandom, seedRandom } from './mathlib';

const TValue = F.lobject.TValue;
const TString = F.lstring.TString;
const LNGSTR = F.defs.constant_types.LUA_TLNGSTR;

/**
 * Pushes a string made of `bytes`, which the Lua string then owns (no copy:
 * the caller must not reuse them); `js`, their latin1 text if the caller has
 * it, saves jsString() from decoding them again.
 */
export function pushOwnedBytes(L: LuaState, bytes: Uint8Array, js: string | null = null): void {
  const ts = new TString(L, bytes);
  ts.js = js;
  L.stack[L.top] = new TValue(LNGSTR, ts);
  L.top++;
}

const constants = new Map<string, unknown>();

/**
 * Pushes a constant string (a field name, KEYS...): one Lua string per
 * text, shared by every push, so its table hash is computed once.
 */
export function pushConstant(L: LuaState, s: string): void {
  let ts = constants.get(s);
  if (ts === undefined) {
    ts = new TString(L, new Uint8Array(latin1(s)));
    (ts as { js: string | null }).js = s;
    constants.set(s, ts);
  }
  L.stack[L.top] = new TValue(LNGSTR, ts);
  L.top++;
}

const latin1Slice = Buffer.prototype.latin1Slice;
const STRING_TAG = 4;

/**
 * The value at `idx` as a latin1 JS string, as lua_tolstring converts it
 * (numbers become strings in place); null if it is neither. A string's text
 * is decoded once and kept on it.
 */
export function jsString(L: LuaState, idx: number): string | null {
  const at = idx > 0 ? L.ci.funcOff + idx : L.top + idx;
  const o = at < L.top ? L.stack[at] : null;
  if (o !== null && (o.type & 0x0f) === STRING_TAG) {
    const ts = o.value;
    if (ts.js === null) ts.js = latin1Slice.call(ts.realstring, 0, ts.realstring.length);
    return ts.js;
  }
  const u: Uint8Array | null = lua.lua_tolstring(L, idx);
  return u === null ? null : latin1Slice.call(u, 0, u.length);
}

const DEBUG_KEY = 'tredis.debug';

/** A Lua state with the libraries Redis loads (see the module comment). */
export function newRedisLuaState(): LuaState {
  const L = lauxlib.luaL_newstate();
  L.base_ci.depth = 1;
  lauxlib.luaL_requiref(L, to_luastring('_G'), lualib.luaopen_base, 1);
  lua.lua_pop(L, 1);
  openBase(L);
  for (const [name, open] of [
    ['coroutine', openCoroutine], ['table', openTable], ['string', openString], ['math', openMath], ['bit', openBit],
    ['struct', openStruct], ['cjson', openCjson], ['cmsgpack', openCmsgpack],
  ] as const) {
    open(L);
    setGlobal(L, name);
  }
  lauxlib.luaL_requiref(L, to_luastring('debug'), lualib.luaopen_debug, 0);
  lua.lua_setfield(L, lua.LUA_REGISTRYINDEX, to_luastring(DEBUG_KEY));
  // 5.1 names a function in "bad argument" errors only from the calling
  // code, never from package.loaded (5.3's "string.rep"): empty it.
  lua.lua_newtable(L);
  lua.lua_setfield(L, lua.LUA_REGISTRYINDEX, to_luastring('_LOADED'));
  lua.lua_atnativeerror(L, nativeError);
  return L;
}

/** Pushes the debug library (not visible to scripts) onto the stack. */
export function pushDebugLibrary(L: LuaState): void {
  lua.lua_getfield(L, lua.LUA_REGISTRYINDEX, to_luastring(DEBUG_KEY));
}

/** A JavaScript exception inside Lua becomes a Lua error (a deep JS stack: "C stack overflow"). */
function nativeError(L: LuaState): number {
  const e = lua.lua_touserdata(L, -1);
  const msg = e instanceof RangeError ? 'C stack overflow' : String(e instanceof Error ? e.message : e);
  lua.lua_pushstring(L, latin1(msg));
  return 1;
}
