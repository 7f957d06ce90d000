/**
 * Lua 5.1's table library (concat, foreach, foreachi, getn, insert, maxn,
 * remove, setn, sort) with Redis's texts. sort is 5.1's quicksort (median
 * of three, the same comparisons in the same order), so ties and
 * inconsistent comparators end as on Redis.
 */
import { LuaState, lua, T, checkBytes, checkInt, checkType, luaError, newLib, optInt, pushBytes, typeName } from './api';

const LUA_OPLT = 1;

function getn(L: LuaState, idx: number): number {
  checkType(L, idx, T.TABLE);
  return lua.lua_rawlen(L, idx);
}

function foreachi(L: LuaState): number {
  const n = getn(L, 1);
  checkType(L, 2, T.FUNCTION);
  for (let i = 1; i <= n; i++) {
    lua.lua_pushvalue(L, 2);
    lua.lua_pushnumber(L, i);
    lua.lua_rawgeti(L, 1, i);
    lua.lua_call(L, 2, 1);
    if (!lua.lua_isnil(L, -1)) return 1;
    lua.lua_pop(L, 1);
  }
  return 0;
}

function foreach(L: LuaState): number {
  checkType(L, 1, T.TABLE);
  checkType(L, 2, T.FUNCTION);
  lua.lua_pushnil(L);
  while (lua.lua_next(L, 1)) {
    lua.lua_pushvalue(L, 2);
    lua.lua_pushvalue(L, -3);
    lua.lua_pushvalue(L, -3);
    lua.lua_call(L, 2, 1);
    if (!lua.lua_isnil(L, -1)) return 1;
    lua.lua_pop(L, 2);
  }
  return 0;
}

function maxn(L: LuaState): number {
  let max = 0;
  checkType(L, 1, T.TABLE);
  lua.lua_pushnil(L);
  while (lua.lua_next(L, 1)) {
    lua.lua_pop(L, 1);
    if (lua.lua_type(L, -1) === T.NUMBER) {
      const v = lua.lua_tonumber(L, -1);
      if (v > max) max = v;
    }
  }
  lua.lua_pushnumber(L, max);
  return 1;
}

function tgetn(L: LuaState): number {
  lua.lua_pushnumber(L, getn(L, 1));
  return 1;
}

function setn(L: LuaState): number {
  checkType(L, 1, T.TABLE);
  return luaError(L, "'setn' is obsolete");
}

function insert(L: LuaState): number {
  let e = getn(L, 1) + 1;
  let pos: number;
  switch (lua.lua_gettop(L)) {
    case 2:
      pos = e;
      break;
    case 3:
      pos = checkInt(L, 2);
      if (pos > e) e = pos;
      for (let i = e; i > pos; i--) {
        lua.lua_rawgeti(L, 1, i - 1);
        lua.lua_rawseti(L, 1, i);
      }
      break;
    default:
      return luaError(L, "wrong number of arguments to 'insert'");
  }
  lua.lua_rawseti(L, 1, pos);
  return 0;
}

function remove(L: LuaState): number {
  const e = getn(L, 1);
  let pos = optInt(L, 2, e);
  if (!(1 <= pos && pos <= e)) return 0;
  lua.lua_rawgeti(L, 1, pos);
  for (; pos < e; pos++) {
    lua.lua_rawgeti(L, 1, pos + 1);
    lua.lua_rawseti(L, 1, pos);
  }
  lua.lua_pushnil(L);
  lua.lua_rawseti(L, 1, e);
  return 1;
}

function concat(L: LuaState): number {
  const sep = lua.lua_type(L, 2) <= 0 ? new Uint8Array(0) : checkBytes(L, 2);
  checkType(L, 1, T.TABLE);
  let i = optInt(L, 3, 1);
  const last = lua.lua_type(L, 4) <= 0 ? lua.lua_rawlen(L, 1) : checkInt(L, 4);
  const parts: Uint8Array[] = [];
  let size = 0;
  const add = (k: number): void => {
    lua.lua_rawgeti(L, 1, k);
    if (!lua.lua_isstring(L, -1)) luaError(L, `invalid value (${typeName(L, -1)}) at index ${k} in table for 'concat'`);
    const s = lua.lua_tolstring(L, -1) as Uint8Array;
    parts.push(s);
    size += s.length;
    lua.lua_pop(L, 1);
  };
  for (; i < last; i++) {
    add(i);
    if (sep.length > 0) {
      parts.push(sep);
      size += sep.length;
    }
  }
  if (i === last) add(i);
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  pushBytes(L, out);
  return 1;
}

/** a < b for the values at stack indexes a and b (the comparator is at index 2). */
function sortComp(L: LuaState, a: number, b: number): boolean {
  if (!lua.lua_isnil(L, 2)) {
    lua.lua_pushvalue(L, 2);
    lua.lua_pushvalue(L, a - 1);
    lua.lua_pushvalue(L, b - 2);
    lua.lua_call(L, 2, 1);
    const res = lua.lua_toboolean(L, -1);
    lua.lua_pop(L, 1);
    return res;
  }
  return lua.lua_compare(L, a, b, LUA_OPLT);
}

/** t[i] = top, t[j] = the value under it; pops both. */
function set2(L: LuaState, i: number, j: number): void {
  lua.lua_rawseti(L, 1, i);
  lua.lua_rawseti(L, 1, j);
}

function auxsort(L: LuaState, lo: number, up: number): void {
  while (lo < up) {
    // order t[lo], t[mid], t[up]
    lua.lua_rawgeti(L, 1, lo);
    lua.lua_rawgeti(L, 1, up);
    if (sortComp(L, -1, -2)) set2(L, lo, up);
    else lua.lua_pop(L, 2);
    if (up - lo === 1) break;
    let i = Math.floor((lo + up) / 2);
    lua.lua_rawgeti(L, 1, i);
    lua.lua_rawgeti(L, 1, lo);
    if (sortComp(L, -2, -1)) {
      set2(L, i, lo);
    } else {
      lua.lua_pop(L, 1);
      lua.lua_rawgeti(L, 1, up);
      if (sortComp(L, -1, -2)) set2(L, i, up);
      else lua.lua_pop(L, 2);
    }
    if (up - lo === 2) break;
    // the pivot goes to up-1; partition lo+1 .. up-2
    lua.lua_rawgeti(L, 1, i);
    lua.lua_pushvalue(L, -1);
    lua.lua_rawgeti(L, 1, up - 1);
    set2(L, i, up - 1);
    i = lo;
    let j = up - 1;
    for (;;) {
      lua.lua_rawgeti(L, 1, ++i);
      while (sortComp(L, -1, -2)) {
        if (i > up) luaError(L, 'invalid order function for sorting');
        lua.lua_pop(L, 1);
        lua.lua_rawgeti(L, 1, ++i);
      }
      lua.lua_rawgeti(L, 1, --j);
      while (sortComp(L, -3, -1)) {
        if (j < lo) luaError(L, 'invalid order function for sorting');
        lua.lua_pop(L, 1);
        lua.lua_rawgeti(L, 1, --j);
      }
      if (j < i) {
        lua.lua_pop(L, 3);
        break;
      }
      set2(L, i, j);
    }
    lua.lua_rawgeti(L, 1, up - 1);
    lua.lua_rawgeti(L, 1, i);
    set2(L, up - 1, i);
    // recurse into the smaller part, loop on the larger one
    let sl: number;
    let su: number;
    if (i - lo < up - i) {
      sl = lo;
      su = i - 1;
      lo = i + 1;
    } else {
      sl = i + 1;
      su = up;
      up = i - 1;
    }
    auxsort(L, sl, su);
  }
}

function sort(L: LuaState): number {
  const n = getn(L, 1);
  if (lua.lua_type(L, 2) > 0) checkType(L, 2, T.FUNCTION);
  lua.lua_settop(L, 2);
  auxsort(L, 1, n);
  return 0;
}

/** Leaves the table library on the stack. */
export function openTable(L: LuaState): void {
  newLib(L, { concat, foreach, foreachi, getn: tgetn, maxn, insert, remove, setn, sort }); // ltablib.c's order
}
