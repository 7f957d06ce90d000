/**
 * Runs Lua snippets in newRedisLuaState() the way the expectations of the
 * lua-*.test.ts files were produced on Redis 7.0.15: the snippet is the body
 * of a function called with pcall inside a chunk named "@user_script", and
 * the results come back as one string ("true | 1 | \"x\"": strings quoted,
 * other values with tostring, up to table.maxn of the results).
 */
import { lua, lauxlib, newRedisLuaState, to_luastring } from '../../src/scripting/lua';

/** The chunk that wraps a snippet, identical to the one sent with EVAL to Redis. */
export function wrapSnippet(body: string): string {
  return (
    `local r={pcall(function() ${body}\n end)} local o={} for i=1,table.maxn(r) do ` +
    `o[#o+1]=type(r[i])=='string' and ('"'..r[i]..'"') or tostring(r[i]) end return table.concat(o,' | ')`
  );
}

/** Bytes of a latin1 JS string (one char per byte, as Lua sees it). */
function bytes(s: string): Uint8Array {
  return Buffer.from(s, 'latin1');
}

/** Runs `body` in a fresh state; the result string (latin1), or "COMPILE: <error>". */
export function runSnippet(body: string): string {
  const L = newRedisLuaState();
  if (lauxlib.luaL_loadbuffer(L, bytes(wrapSnippet(body)), null, to_luastring('@user_script')) !== 0) {
    return 'COMPILE: ' + Buffer.from(lua.lua_tolstring(L, -1)).toString('latin1');
  }
  const status = lua.lua_pcall(L, 0, 1, 0);
  const out = lua.lua_tolstring(L, -1);
  return (status !== 0 ? 'ERR: ' : '') + (out ? Buffer.from(out).toString('latin1') : String(out));
}

/** Addresses ("table: 0x55d0c8a0") differ from run to run: compare them as 0xADDR. */
export function normalizeAddresses(s: string): string {
  return s.replace(/0x[0-9a-f]+/g, '0xADDR');
}
