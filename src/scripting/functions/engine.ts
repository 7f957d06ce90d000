/**
 * The Lua engine of Redis 7.0's functions (function_lua.c): a Lua state of
 * its own with EVAL's libraries, sandbox and `redis` API, less what
 * functions do not have (the KEYS and ARGV globals, the error handler
 * global, redis.breakpoint / debug / replicate_commands).
 *
 * A library's code is compiled with an environment of its own (its _ENV):
 * a read-only table whose lookups go, while the code runs at FUNCTION LOAD,
 * to a limited API — only `redis` with register_function, log, the log
 * levels and the version — and afterwards to the globals. So a function
 * registered at load time sees the full globals when FCALL runs it.
 *
 * A function runs through ScriptEngine.exec() as a script does: the script
 * exec() runs is a closure calling the registered callback with the keys
 * and arguments, which exec() leaves on a hidden table (its globalsRef)
 * instead of the globals. Errors name the function where EVAL's name the
 * SHA ("script: <name>, on @user_function:<line>.").
 */
import type { Server } from '../../server/server';
import { ScriptEngine, Script, ScriptFlag } from '../engine';
import { lua, lauxlib, to_luastring } from '../lua';
import { pushString, toJs } from '../convert';

/* eslint-disable @typescript-eslint/no-explicit-any */
type LuaState = any;

/** The function flags, in the order FUNCTION LIST prints them. */
export const FUNCTION_FLAGS: readonly [string, number][] = [
  ['no-writes', ScriptFlag.noWrites],
  ['allow-oom', ScriptFlag.allowOom],
  ['allow-stale', ScriptFlag.allowStale],
  ['no-cluster', ScriptFlag.noCluster],
  ['allow-cross-slot-keys', ScriptFlag.allowCrossSlotKeys],
];

export interface FunctionInfo {
  name: string;
  description: string | null;
  flags: number;
  /** What exec() runs: sha is the function's name, ref the closure calling its callback. */
  script: Script;
}

/** A function or library name: letters, digits and underscores, at least one. */
export function validName(name: string): boolean {
  return /^[A-Za-z0-9_]+$/.test(name);
}

export const NAME_RULES = 'ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long';

/** FUNCTION LOAD gives up on code running longer than this (ms). */
const LOAD_TIMEOUT_MS = 500;

/**
 * The functions' environment, built once on the state after EVAL's
 * sandbox: the limited API seen while a library loads, the environment
 * table libraries are compiled with, and the closure maker.
 */
const FUNCTION_SETUP = `
local hidden, register, globals = ...
local error, tostring, setmetatable, rawget = error, tostring, setmetatable, rawget
local function readonly()
  error('Attempt to modify a readonly table', 2)
end
-- a read-only view of t whose missing fields raise as missing globals do
local function limited(t)
  return setmetatable({}, {
    __index = function(_, k)
      local v = rawget(t, k)
      if v == nil then
        error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2)
      end
      return v
    end,
    __newindex = readonly,
    __metatable = false,
  })
end
local redis = globals.redis
local api = {register_function = register, log = redis.log, REDIS_VERSION = redis.REDIS_VERSION,
  REDIS_VERSION_NUM = redis.REDIS_VERSION_NUM}
for _, level in ipairs({'LOG_DEBUG', 'LOG_VERBOSE', 'LOG_NOTICE', 'LOG_WARNING'}) do api[level] = redis[level] end
local loading = limited({redis = limited(api)})
local meta = {__index = globals, __newindex = readonly, __metatable = false}
local env = setmetatable({}, meta)
local function wrap(callback)
  return function() return callback(hidden.KEYS, hidden.ARGV) end
end
return env, meta, loading, globals, wrap
`;

/** Functions registered by the library being loaded. */
interface LoadContext {
  functions: FunctionInfo[];
  start: number;
}

export class FunctionEngine extends ScriptEngine {
  private envRef = 0;
  private envMetaRef = 0;
  private loadingEnvRef = 0;
  private globalsEnvRef = 0;
  private wrapRef = 0;
  private loading: LoadContext | null = null;

  constructor(srv: Server) {
    super(srv);
    this.setupFunctions();
  }

  /**
   * Only the constructor builds the state: the libraries hold references
   * into it, and FUNCTION FLUSH releases those instead (SCRIPT FLUSH resets
   * EVAL's engine, not this one).
   */
  override reset(): void {
    if (this.L !== null) throw new Error('the functions engine keeps its Lua state (FUNCTION FLUSH releases the functions)');
    super.reset();
  }

  /** EVAL's redis table, less what functions lack. */
  protected override installRedisApi(L: LuaState): void {
    super.installRedisApi(L);
    lua.lua_getglobal(L, to_luastring('redis'));
    for (const name of ['breakpoint', 'debug', 'replicate_commands']) {
      lua.lua_pushnil(L);
      lua.lua_setfield(L, -2, to_luastring(name));
    }
    lua.lua_pop(L, 1);
  }

  private setupFunctions(): void {
    const L = this.L;
    const ref = () => lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    // no error handler global; KEYS and ARGV go to a hidden table
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.globalsRef);
    pushString(L, '__redis__err__handler');
    lua.lua_pushnil(L);
    lua.lua_rawset(L, -3);
    lua.lua_pop(L, 1);
    lauxlib.luaL_unref(L, lua.LUA_REGISTRYINDEX, this.globalsRef);
    lua.lua_createtable(L, 0, 2);
    this.globalsRef = ref();
    if (lauxlib.luaL_loadbuffer(L, to_luastring(FUNCTION_SETUP), null, to_luastring('=setup')) !== lua.LUA_OK) {
      throw new Error(`functions setup: ${toJs(L, -1)}`);
    }
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.globalsRef);
    lua.lua_pushcfunction(L, (Lc: LuaState) => this.registerFunction(Lc));
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, lua.LUA_RIDX_GLOBALS);
    if (lua.lua_pcall(L, 3, 5, 0) !== lua.LUA_OK) throw new Error(`functions setup: ${toJs(L, -1)}`);
    this.wrapRef = ref();
    this.globalsEnvRef = ref();
    this.loadingEnvRef = ref();
    this.envMetaRef = ref();
    this.envRef = ref();
  }

  /** Where the libraries' environment looks names up: the load-time API or the globals. */
  private lookIn(ref: number): void {
    const L = this.L;
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.envMetaRef);
    pushString(L, '__index');
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, ref);
    lua.lua_rawset(L, -3);
    lua.lua_pop(L, 1);
  }

  /**
   * Compile and run a library's code (its shebang line already blanked):
   * the functions it registered, or Redis's error text.
   */
  loadLibrary(code: string): FunctionInfo[] | string {
    const L = this.L;
    const bytes = Buffer.from(code, 'latin1');
    if (lauxlib.luaL_loadbuffer(L, bytes, bytes.length, to_luastring('@user_function')) !== lua.LUA_OK) {
      // Lua 5.1 quotes the end of the input as it quotes every token
      const msg = cText(toJs(L, -1)).replace(/ near <eof>$/, " near '<eof>'");
      lua.lua_pop(L, 1);
      return `ERR Error compiling function: ${msg}`;
    }
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.envRef);
    lua.lua_setupvalue(L, -2, 1);
    const ctx: LoadContext = { functions: [], start: Date.now() };
    this.loading = ctx;
    this.lookIn(this.loadingEnvRef);
    lua.lua_sethook(L, (Lh: LuaState) => this.loadHook(Lh), lua.LUA_MASKCOUNT, 10000);
    let status: number;
    try {
      status = lua.lua_pcall(L, 0, 0, 0);
    } catch (e) {
      // a fault of the runtime itself
      lua.lua_settop(L, 0);
      status = -1;
      pushString(L, `internal error: ${(e as Error).message}`);
    }
    lua.lua_sethook(L, null, 0, 0);
    this.lookIn(this.globalsEnvRef);
    this.loading = null;
    if (status !== lua.LUA_OK) {
      const msg = cText(loadErrorText(L));
      lua.lua_pop(L, 1);
      this.release(ctx.functions);
      return `ERR Error registering functions: ${msg}`;
    }
    if (ctx.functions.length === 0) return 'ERR No functions registered';
    return ctx.functions;
  }

  /** Forget functions (of a library deleted, replaced, or that failed to load). */
  release(functions: Iterable<FunctionInfo>): void {
    for (const f of functions) {
      if (f.script.ref !== 0) lauxlib.luaL_unref(this.L, lua.LUA_REGISTRYINDEX, f.script.ref);
      f.script.ref = 0;
    }
  }

  /** FUNCTION LOAD's time limit, checked every 10000 instructions. */
  private loadHook(L: LuaState): void {
    const ctx = this.loading;
    if (ctx === null || Date.now() - ctx.start < LOAD_TIMEOUT_MS) return;
    pushErrorTable(L, 'ERR FUNCTION LOAD timeout');
    lua.lua_error(L);
  }

  /** redis.register_function(name, callback) or redis.register_function{function_name=..., callback=..., flags=..., description=...}. */
  private registerFunction(L: LuaState): number {
    const ctx = this.loading;
    if (ctx === null) return raise(L, 'redis.register_function can only be called on FUNCTION LOAD command');
    const n = lua.lua_gettop(L);
    if (n === 0 || n > 2) return raise(L, 'wrong number of arguments to redis.register_function');
    let name: string | null = null;
    let description: string | null = null;
    let flags = 0;
    if (n === 1) {
      if (lua.lua_type(L, 1) !== lua.LUA_TTABLE) {
        return raise(L, 'calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).');
      }
      let callback = false;
      lua.lua_pushnil(L);
      while (lua.lua_next(L, 1) !== 0) {
        // key at -2, value at -1
        const key = lua.lua_type(L, -2) === lua.LUA_TSTRING ? toJs(L, -2) : null;
        if (key === 'function_name') {
          if (!lua.lua_isstring(L, -1)) return raise(L, 'function_name argument given to redis.register_function must be a string');
          name = toJs(L, -1);
        } else if (key === 'description') {
          if (!lua.lua_isstring(L, -1)) return raise(L, 'description argument given to redis.register_function must be a string');
          description = toJs(L, -1);
        } else if (key === 'callback') {
          if (lua.lua_type(L, -1) !== lua.LUA_TFUNCTION) return raise(L, 'callback argument given to redis.register_function must be a function');
          callback = true;
        } else if (key === 'flags') {
          if (lua.lua_type(L, -1) !== lua.LUA_TTABLE) return raise(L, 'flags argument to redis.register_function must be a table representing function flags');
          const f = readFlags(L);
          if (f === null) return raise(L, 'unknown flag given');
          flags = f;
        } else {
          return raise(L, 'unknown argument given to redis.register_function');
        }
        lua.lua_pop(L, 1);
      }
      if (name === null) return raise(L, 'redis.register_function must get a function name argument');
      if (!callback) return raise(L, 'redis.register_function must get a callback argument');
      pushString(L, 'callback');
      lua.lua_rawget(L, 1);
    } else {
      if (!lua.lua_isstring(L, 1)) return raise(L, 'first argument to redis.register_function must be a string');
      if (lua.lua_type(L, 2) !== lua.LUA_TFUNCTION) return raise(L, 'second argument to redis.register_function must be a function');
      name = toJs(L, 1);
    }
    // the callback is at the top of the stack
    if (!validName(name)) return raise(L, NAME_RULES.slice(4));
    if (ctx.functions.some((f) => f.name === name)) return raise(L, 'Function already exists in the library');
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.wrapRef);
    lua.lua_insert(L, -2);
    lua.lua_call(L, 1, 1);
    const ref = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    ctx.functions.push({ name, description, flags, script: { sha: name, body: '', flags, ref } });
    return 0;
  }
}

/** The flags table at the top of the stack, read as ipairs reads it: the flags, or null for an unknown one. */
function readFlags(L: LuaState): number | null {
  let flags = 0;
  for (let i = 1; ; i++) {
    const t = lua.lua_rawgeti(L, -1, i);
    if (t === lua.LUA_TNIL) {
      lua.lua_pop(L, 1);
      return flags;
    }
    const name = t === lua.LUA_TSTRING ? toJs(L, -1).toLowerCase() : '';
    lua.lua_pop(L, 1);
    const flag = FUNCTION_FLAGS.find(([n]) => n === name);
    if (flag === undefined) return null;
    flags |= flag[1];
  }
}

/** The text of an error raised while loading: an error table's err, else "ERR " and the value, in Lua 5.1's wording. */
function loadErrorText(L: LuaState): string {
  if (lua.lua_type(L, -1) === lua.LUA_TTABLE) {
    pushString(L, 'err');
    const t = lua.lua_rawget(L, -2);
    const text = t === lua.LUA_TSTRING || t === lua.LUA_TNUMBER ? toJs(L, -1) : '';
    lua.lua_pop(L, 1);
    return text;
  }
  lauxlib.luaL_tolstring(L, -1);
  const text = toJs(L, -1).replace(/attempt to (.*?) a (\w+) value \((\w+) '(.*?)'\)/, "attempt to $1 $3 '$4' (a $2 value)");
  lua.lua_pop(L, 1);
  return `ERR ${text}`;
}

/** A message as C's %s prints it: up to the first NUL byte. */
function cText(s: string): string {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

function pushErrorTable(L: LuaState, msg: string): void {
  lua.lua_createtable(L, 0, 1);
  pushString(L, 'err');
  pushString(L, msg);
  lua.lua_rawset(L, -3);
}

/** Raise {err='ERR <msg>'}, as the redis API's errors are raised. */
function raise(L: LuaState, msg: string): number {
  pushErrorTable(L, `ERR ${msg}`);
  return lua.lua_error(L);
}
