/**
 * Yields in newRedisLuaState(): a script keeps 5.1's rules (coroutine.yield
 * cannot cross pcall, a metamethod, a for iterator, nor leave the thread the
 * script runs on: the texts are Redis 7.0.15's), while the VM itself can
 * still be suspended anywhere a Lua function runs — through pcall too — as
 * the scripting core does from a count hook to serve -BUSY.
 */
import { describe, expect, it } from 'vitest';
import { lua, lauxlib, newRedisLuaState, to_luastring } from '../../src/scripting/lua';
import { runSnippet } from './lua-run';

const BOUNDARY = 'attempt to yield across metamethod/C-call boundary';

describe('coroutine.yield keeps 5.1 boundaries (Redis 7.0.15 texts)', () => {
  it.each([
    ['return pcall(coroutine.yield, 1)', `true | false | "${BOUNDARY}"`],
    ['return coroutine.yield()', `false | "${BOUNDARY}"`],
    ['local co = coroutine.create(function() return pcall(coroutine.yield, 1) end) return coroutine.resume(co)',
      `true | true | false | "${BOUNDARY}"`],
    ['local co = coroutine.create(function() for x in function() return coroutine.yield(1) end do return x end end) ' +
      'return coroutine.resume(co)', `true | false | "${BOUNDARY}"`],
    ['local co = coroutine.create(function() local t = setmetatable({}, {__add = function() return coroutine.yield(2) end}) ' +
      'return t + 1 end) return coroutine.resume(co)', `true | false | "${BOUNDARY}"`],
    ['local co = coroutine.create(function() local t = setmetatable({}, {__call = function() return coroutine.yield(4) end}) ' +
      'return t() end) return coroutine.resume(co)', 'true | true | 4'],
    ['local co = coroutine.create(function() local function f() return coroutine.yield(5) end return f() + 1 end) ' +
      'local a, b = coroutine.resume(co) return a, b, coroutine.resume(co, 41)', 'true | true | 5 | true | 42'],
  ])('%s', (snippet, expected) => {
    expect(runSnippet(snippet)).toBe(expected);
  });
});

describe('the VM still yields from a hook, through pcall', () => {
  it('suspends a loop inside pcall and resumes it to the end', () => {
    const L = newRedisLuaState();
    const co = lua.lua_newthread(L);
    const code = 'local n = 0 local ok = pcall(function() for i = 1, 20000 do n = n + i end end) return ok, n';
    expect(lauxlib.luaL_loadbuffer(co, to_luastring(code), null, to_luastring('@user_script'))).toBe(0);
    let hooks = 0;
    lua.lua_sethook(co, (Lc: unknown) => {
      hooks++;
      if (lua.lua_isyieldable(Lc)) lua.lua_yield(Lc, 0);
    }, lua.LUA_MASKCOUNT, 1000);
    let status = lua.lua_resume(co, L, 0);
    let yields = 0;
    while (status === lua.LUA_YIELD) {
      yields++;
      status = lua.lua_resume(co, L, 0);
    }
    expect(status).toBe(lua.LUA_OK);
    expect(yields).toBeGreaterThan(10);
    expect(lua.lua_toboolean(co, 1)).toBe(true);
    expect(lua.lua_tonumber(co, 2)).toBe(200010000);
    expect(hooks).toBeGreaterThan(yields - 1);
  });
});

describe('the thread a script runs on is its main thread', () => {
  it('coroutine.running() is nil and coroutine.yield refuses there, as on Redis', () => {
    const L = newRedisLuaState();
    const co = lua.lua_newthread(L); // as the scripting core runs scripts
    const code = 'local r = tostring(coroutine.running()) local ok, e = pcall(function() coroutine.yield() end) return r .. " " .. e';
    expect(lauxlib.luaL_loadbuffer(co, to_luastring(code), null, to_luastring('@user_script'))).toBe(0);
    expect(lua.lua_resume(co, L, 0)).toBe(lua.LUA_OK);
    expect(Buffer.from(lua.lua_tolstring(co, -1)).toString('latin1')).toBe(`nil ${BOUNDARY}`);
    const co2 = lua.lua_newthread(L);
    expect(lauxlib.luaL_loadbuffer(co2, to_luastring('coroutine.yield(1) return 2'), null, to_luastring('@user_script'))).toBe(0);
    expect(lua.lua_resume(co2, L, 0)).toBe(lua.LUA_ERRRUN);
    expect(Buffer.from(lua.lua_tolstring(co2, -1)).toString('latin1')).toBe(BOUNDARY);
  });
});
