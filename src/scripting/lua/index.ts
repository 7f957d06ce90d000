/**
 * Lua 5.1 as Redis 7.0 embeds it, on fengari's 5.3 VM.
 *
 * fengari reads its number formatting from luaconf when its other modules
 * load (they destructure the exports), so luaconf is patched here, before
 * fengari itself is required: every module that loads fengari must do it
 * through this one.
 */
/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
// defs loads luaconf (the two require each other; defs must come first)
require('fengari/src/defs.js');
const luaconf = require('fengari/src/luaconf.js');

/**
 * C's "%.14g" (LUA_NUMBER_FMT of Lua 5.1): 14 significant digits, trailing
 * zeros dropped, exponent form below 1e-4 and from 1e14.
 */
export function formatLuaNumber(n: number): string {
  if (n !== n) return '-nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  if (n === 0) return 1 / n < 0 ? '-0' : '0';
  const [mant, expText] = n.toExponential(13).split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 14) {
    const m = mant.includes('.') ? mant.replace(/0+$/, '').replace(/\.$/, '') : mant;
    const abs = Math.abs(exp);
    return `${m}e${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  }
  const fixed = n.toFixed(13 - exp);
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}

// integral floats print without ".0", and every number as %.14g, as 5.1 prints them
luaconf.LUA_COMPAT_FLOATSTRING = true;
luaconf.lua_number2str = formatLuaNumber;

const fengari = require('fengari');

export const lua: any = fengari.lua;
export const lauxlib: any = fengari.lauxlib;
export const lualib: any = fengari.lualib;
export const to_luastring: (s: string, cache?: boolean) => Uint8Array = fengari.to_luastring;
export const to_jsstring: (b: Uint8Array) => string = fengari.to_jsstring;

/** A Lua state with the libraries Redis loads (base, table, string, math, debug, cjson, struct, cmsgpack, bit). */
export function newRedisLuaState(): any {
  const L = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(L);
  return L;
}
