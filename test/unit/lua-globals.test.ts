/**
 * The globals and library fields of newRedisLuaState() against Redis 7.0.15.
 *
 * The lists are Redis 7.0.15's answers to
 *   EVAL "local t={} for k,v in pairs(<lib>) do t[#t+1]=k..':'..type(v) end table.sort(t) return table.concat(t, ' ')" 0
 * minus, for _G, what the scripting core adds itself (ARGV, KEYS, redis,
 * __redis__err__handler). The math.random values are Redis 7.0.15's first
 * answers after a start (its rand48 is not reseeded per script) and after
 * math.randomseed(42) / (7).
 */
import { describe, expect, it } from 'vitest';
import { lua, lauxlib, newRedisLuaState, pushDebugLibrary, resetRandom, to_luastring } from '../../src/scripting/lua';

const REDIS_FIELDS: Record<string, string> = {
  _G:
    '_G:table _VERSION:string assert:function bit:table cjson:table cmsgpack:table ' +
    'collectgarbage:function coroutine:table error:function gcinfo:function getmetatable:function ipairs:function ' +
    'load:function loadstring:function math:table next:function pairs:function pcall:function rawequal:function ' +
    'rawget:function rawset:function select:function setmetatable:function string:table struct:table table:table ' +
    'tonumber:function tostring:function type:function unpack:function xpcall:function',
  string:
    'byte:function char:function dump:function find:function format:function gfind:function gmatch:function ' +
    'gsub:function len:function lower:function match:function rep:function reverse:function sub:function upper:function',
  table:
    'concat:function foreach:function foreachi:function getn:function insert:function maxn:function remove:function ' +
    'setn:function sort:function',
  math:
    'abs:function acos:function asin:function atan2:function atan:function ceil:function cos:function cosh:function ' +
    'deg:function exp:function floor:function fmod:function frexp:function huge:number ldexp:function log10:function ' +
    'log:function max:function min:function mod:function modf:function pi:number pow:function rad:function ' +
    'random:function randomseed:function sin:function sinh:function sqrt:function tan:function tanh:function',
  coroutine: 'create:function resume:function running:function status:function wrap:function yield:function',
  bit:
    'arshift:function band:function bnot:function bor:function bswap:function bxor:function lshift:function ' +
    'rol:function ror:function rshift:function tobit:function tohex:function',
  cjson:
    '_NAME:string _VERSION:string decode:function decode_invalid_numbers:function decode_max_depth:function ' +
    'encode:function encode_invalid_numbers:function encode_keep_buffer:function encode_max_depth:function ' +
    'encode_number_precision:function encode_sparse_array:function new:function null:userdata',
  cmsgpack:
    '_COPYRIGHT:string _DESCRIPTION:string _NAME:string _VERSION:string pack:function unpack:function ' +
    'unpack_limit:function unpack_one:function',
  struct: 'pack:function size:function unpack:function',
};

/** Runs a chunk in a fresh state and returns its single string result. */
function evalString(code: string, L = newRedisLuaState()): string {
  expect(lauxlib.luaL_loadbuffer(L, to_luastring(code), null, to_luastring('@user_script'))).toBe(0);
  expect(lua.lua_pcall(L, 0, 1, 0)).toBe(0);
  return Buffer.from(lua.lua_tolstring(L, -1)).toString('latin1');
}

describe('Redis 7.0 globals and library fields', () => {
  it.each(Object.keys(REDIS_FIELDS))('%s has the fields Redis 7.0.15 has', (lib) => {
    const code =
      `local t={} for k,v in pairs(${lib}) do t[#t+1]=k..':'..type(v) end table.sort(t) return table.concat(t, ' ')`;
    expect(evalString(code)).toBe(REDIS_FIELDS[lib]);
  });

  it('has none of the globals Redis removes or never loads', () => {
    const names = ['print', 'dofile', 'loadfile', 'require', 'module', 'setfenv', 'getfenv', 'newproxy', 'debug', 'os',
      'io', 'package', 'rawlen', 'utf8', 'bit32', '_ENV'];
    const code = `local o = {} for _, n in ipairs({${names.map((n) => `'${n}'`).join(',')}}) do ` +
      'o[#o+1] = n .. "=" .. type(rawget(_G, n)) end return table.concat(o, " ")';
    expect(evalString(code)).toBe(names.map((n) => `${n}=nil`).join(' '));
  });

  it('gives strings the string table as __index, as Redis does', () => {
    expect(evalString("local t={} for k,v in pairs(getmetatable('')) do t[#t+1]=k..':'..tostring(v == string) end " +
      "return table.concat(t,' ')")).toBe('__index:true');
  });

  it('keeps the debug library for the core only', () => {
    const L = newRedisLuaState();
    pushDebugLibrary(L);
    expect(lua.lua_type(L, -1)).toBe(5); // a table
    lua.lua_getfield(L, -1, to_luastring('getinfo'));
    expect(lua.lua_type(L, -1)).toBe(6); // a function
  });

  it("reports _VERSION 'Lua 5.1'", () => {
    expect(evalString('return _VERSION')).toBe('Lua 5.1');
  });
});

describe('math.random is Redis rand48', () => {
  it('starts where a fresh Redis 7.0.15 starts, and follows randomseed', () => {
    resetRandom();
    const L = newRedisLuaState();
    expect(evalString('return tostring(math.random())', L)).toBe('0.39646477363839');
    expect(evalString('return tostring(math.random())', L)).toBe('0.84048536971234');
    expect(evalString('math.randomseed(42) return tostring(math.random())', L)).toBe('0.74452500033403');
    expect(evalString('math.randomseed(7) return math.random(1000)..","..math.random(1000)..","..math.random(1000)', L))
      .toBe('267,683,266');
    resetRandom();
  });
});
