/**
 * Lua 5.1 as Redis 7.0 embeds it, on fengari's 5.3 VM (placeholder: the
 * plain fengari modules; the 5.1 behaviours and Redis's bundled libraries
 * arrive here).
 */
import * as fengari from 'fengari';

export const { lua, lauxlib, lualib, to_luastring, to_jsstring } = fengari;

/** A Lua state with the libraries Redis loads (base, table, string, math, debug, cjson, struct, cmsgpack, bit). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function newRedisLuaState(): any {
  const L = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(L);
  return L;
}
