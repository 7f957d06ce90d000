/**
 * The Lua scripting engine (Redis 7.0's eval.c / script_lua.c): one Lua
 * state, the script cache by SHA1, the `redis` API, the protected globals,
 * and running a script for a client.
 *
 * Commands called by a script run through the dispatcher's call() on a
 * script client (no connection) whose reply bytes are converted into Lua
 * values. What they propagate is collected into one unit by the EVAL that
 * runs them (wrapped in MULTI/EXEC when more than one), as 7.0 replicates
 * scripts by their effects.
 */
import { Client } from '../server/client';
import type { Server } from '../server/server';
import { scriptEntryBytes } from '../memory/estimate';
import { lua, lauxlib, to_luastring, newRedisLuaState, pushDebugLibrary, hostYield, pushConstant } from './lua';
import { pushString, toJs, writeResult } from './convert';
import { installRedisApi, pushError, sha1hex } from './redis-api';

export { sha1hex };
import type { RunContext, ScriptHost } from './redis-api';

/* eslint-disable @typescript-eslint/no-explicit-any */
type LuaState = any;

/** Shebang flags (`#!lua flags=...`). */
export const ScriptFlag = {
  noWrites: 1,
  allowOom: 2,
  allowStale: 4,
  noCluster: 8,
  allowCrossSlotKeys: 16,
  /** No shebang: a script as before 7.0. */
  evalCompat: 32,
} as const;

const FLAG_NAMES: Record<string, number> = {
  'no-writes': ScriptFlag.noWrites,
  'allow-oom': ScriptFlag.allowOom,
  'allow-stale': ScriptFlag.allowStale,
  'no-cluster': ScriptFlag.noCluster,
  'allow-cross-slot-keys': ScriptFlag.allowCrossSlotKeys,
};

export interface Script {
  sha: string;
  body: string;
  flags: number;
  /** Registry reference of the compiled function. */
  ref: number;
}


const BUSY_EVAL = 'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.';

/** Instructions between two looks at the clock. */
const HOOK_INSTRUCTIONS = 20000;

/**
 * Where a dead coroutine raised its error: the first frame of the script
 * itself (past native functions and the sandbox's own), "source:line".
 */
function scriptPosition(co: LuaState): string | null {
  const ar = new lua.lua_Debug();
  for (let level = 0; lua.lua_getstack(co, level, ar); level++) {
    lua.lua_getinfo(co, to_luastring('Sl'), ar);
    const what = ar.what ? Buffer.from(ar.what).toString('latin1') : '';
    const source = ar.source ? Buffer.from(ar.source).toString('latin1') : '';
    if (what === 'C' || what === 'J' || source === '=setup' || !(ar.currentline >= 0)) continue;
    return `${source}:${ar.currentline}`;
  }
  return null;
}

/** What a failed run or call raises: the `err` text, and whether its error statistics were already counted. */
export interface ScriptError {
  msg: string;
  ignoreStats: boolean;
}


/** evalExtractShebangFlags: the flags of a script's shebang line, or an error text. */
export function shebangFlags(body: string): { flags: number; shebangLength: number } | string {
  if (!body.startsWith('#!')) return { flags: ScriptFlag.evalCompat, shebangLength: 0 };
  const nl = body.indexOf('\n');
  if (nl < 0) return 'ERR Invalid script shebang';
  const shebang = body.slice(0, nl);
  const parts = shebang.split(' ').filter((p) => p !== '');
  if (parts[0] !== '#!lua') return `ERR Unexpected engine in script shebang: ${parts[0]}`;
  let flags = 0;
  for (const part of parts.slice(1)) {
    if (!part.startsWith('flags=')) return `ERR Unknown lua shebang option: ${part}`;
    for (const name of part.slice(6).split(',')) {
      if (name === '') continue;
      const f = FLAG_NAMES[name];
      if (f === undefined) return `ERR Unexpected flag in script shebang: ${name}`;
      flags |= f;
    }
  }
  return { flags, shebangLength: shebang.length };
}

/** The Lua side of the sandbox: the error handler, and read-only globals and libraries. */
const SETUP = `
local dbg, G, libs = ...
local error, tostring, type, next, setmetatable = error, tostring, type, next, setmetatable
G.__redis__err__handler = function(err)
  -- the script's frame: past native functions and this sandbox's metamethods
  local level = 2
  local i = dbg.getinfo(level, 'nSl')
  while i and (i.what == 'C' or i.what == 'J' or i.source == '=setup') do
    level = level + 1
    i = dbg.getinfo(level, 'nSl')
  end
  if type(err) ~= 'table' then
    -- Lua 5.1's wording: "attempt to index local 't' (a nil value)"
    err = tostring(err):gsub("attempt to (.-) a (%a+) value %((%a+) '(.-)'%)", "attempt to %1 %3 '%4' (a %2 value)")
    err = {err = 'ERR ' .. err}
  end
  if i then
    err['source'] = i.source
    err['line'] = i.currentline
  end
  return err
end
-- pcall gives the text of an error table ({err=...}) rather than the table, as Redis's does
local real_pcall = pcall
local function pcall_result(ok, ...)
  if ok then return ok, ... end
  local e = ...
  if type(e) == 'table' then
    local text = e.err
    if type(text) == 'string' or type(text) == 'number' then e = text end
  end
  return false, e
end
G.pcall = function(...) return pcall_result(real_pcall(...)) end
local proxies = setmetatable({}, {__mode = 'k'})
local real_rawset, real_rawget, real_next = rawset, rawget, next
-- the raw functions see through the read-only proxies to the tables they guard
G.rawget = function(t, k)
  local real = proxies[t]
  return real_rawget(real or t, k)
end
G.next = function(t, k)
  local real = proxies[t]
  return real_next(real or t, k)
end
local real_pairs = pairs
G.pairs = function(t)
  local real = proxies[t]
  return real_pairs(real or t)
end
G.rawset = function(t, k, v)
  if proxies[t] then error('Attempt to modify a readonly table', 0) end
  return real_rawset(t, k, v)
end
local function readonly(t)
  local p = setmetatable({}, {
    __index = t,
    __newindex = function() error('Attempt to modify a readonly table', 2) end,
    __pairs = function() return next, t, nil end,
    __metatable = false,
  })
  proxies[p] = t
  return p
end
for _, name in ipairs(libs) do
  if type(G[name]) == 'table' then G[name] = readonly(G[name]) end
end
setmetatable(G, {__index = function(_, k)
  error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2)
end})
local proxy = readonly(G)
G._G = proxy
return proxy, G.__redis__err__handler
`;

const PROTECTED_LIBS = ['string', 'table', 'math', 'coroutine', 'bit', 'cjson', 'cmsgpack', 'struct', 'redis'];

export class ScriptEngine {
  protected L: LuaState = null;
  /**
   * The table exec() sets KEYS and ARGV on: the real globals table (scripts
   * see a read-only proxy of it). FUNCTION's engine points it elsewhere.
   */
  protected globalsRef = 0;
  private handlerRef = 0;
  readonly scripts = new Map<string, Script>();
  /** Accounted bytes of the cached scripts (bodies, SHA1s, entries): INFO's used_memory_scripts_eval. */
  cacheBytes = 0;
  private run: RunContext | null = null;
  /** A coroutine that finished a script normally, kept to run the next one. */
  private idle: LuaState = null;
  private idleRef = 0;
  /** A script suspended past busy-reply-threshold: the server answers -BUSY. */
  busy: RunContext | null = null;
  /** The client commands called by scripts run on. */
  readonly client: Client;

  constructor(private readonly srv: Server) {
    this.client = new Client(srv, null, srv.allocClientId());
    this.client.denyBlocking = true;
    this.client.script = true;
    this.reset();
  }

  /** SCRIPT FLUSH: a new Lua state and an empty cache. */
  reset(): void {
    for (const s of this.scripts.values()) s.ref = 0;
    this.scripts.clear();
    this.cacheBytes = 0;
    const L = newRedisLuaState();
    this.L = L;
    this.idle = null;
    this.installRedisApi(L);
    // the debug library stays reachable only from the error handler
    pushDebugLibrary(L);
    if (lauxlib.luaL_loadbuffer(L, to_luastring(SETUP), null, to_luastring('=setup')) !== lua.LUA_OK) {
      throw new Error(`scripting setup: ${toJs(L, -1)}`);
    }
    lua.lua_insert(L, -2); // the chunk below the debug table
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, lua.LUA_RIDX_GLOBALS);
    lua.lua_pushvalue(L, -1);
    this.globalsRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    lua.lua_createtable(L, PROTECTED_LIBS.length, 0);
    PROTECTED_LIBS.forEach((name, i) => {
      pushString(L, name);
      lua.lua_rawseti(L, -2, i + 1);
    });
    if (lua.lua_pcall(L, 3, 2, 0) !== lua.LUA_OK) throw new Error(`scripting setup: ${toJs(L, -1)}`);
    this.handlerRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    // scripts compiled from now on see the read-only proxy as their globals
    lua.lua_rawseti(L, lua.LUA_REGISTRYINDEX, lua.LUA_RIDX_GLOBALS);
  }

  get running(): boolean {
    return this.run !== null;
  }

  /** Compile and cache `body` (luaCreateFunction); the script, or an error text. */
  load(body: string): Script | string {
    const sha = sha1hex(body);
    const cached = this.scripts.get(sha);
    if (cached !== undefined) return cached;
    const sb = shebangFlags(body);
    if (typeof sb === 'string') return sb;
    // the shebang line stays a (blank) line, so positions count it as Redis does
    const code = sb.shebangLength === 0 ? body : body.slice(sb.shebangLength);
    const L = this.L;
    const bytes = Buffer.from(code, 'latin1');
    if (lauxlib.luaL_loadbuffer(L, bytes, bytes.length, to_luastring('@user_script')) !== lua.LUA_OK) {
      // Lua 5.1 quotes the end of the input as it quotes every token
      const msg = toJs(L, -1).replace(/ near <eof>$/, " near '<eof>'");
      lua.lua_pop(L, 1);
      return `ERR Error compiling script (new function): ${msg}`;
    }
    const script: Script = { sha, body, flags: sb.flags, ref: lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX) };
    this.scripts.set(sha, script);
    this.cacheBytes += scriptEntryBytes(sha, body);
    return script;
  }

  /**
   * Run a cached script for c with KEYS and ARGV, writing its reply to c.
   * The script runs as a coroutine: past busy-reply-threshold a count hook
   * yields it, the server goes on serving (other clients get -BUSY, SCRIPT
   * KILL and SHUTDOWN NOSAVE work) and the script resumes on the next turn,
   * until it ends; c waits meanwhile (inside EXEC too: the rest of the
   * transaction then runs when the script ends, c.execRest). `yieldable`
   * false runs it to the end in one go.
   */
  exec(c: Client, script: Script, evalArgv: string[], keys: string[], args: string[], readOnly: boolean, yieldable = true): void {
    const L = this.L;
    const srv = this.srv;
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.globalsRef);
    setArray(L, 'KEYS', keys);
    setArray(L, 'ARGV', args);
    lua.lua_pop(L, 1);
    // a coroutine that ended normally is used again; one that failed or is suspended is not
    let co = this.idle;
    let coRef = this.idleRef;
    this.idle = null;
    if (co === null) {
      co = lua.lua_newthread(L);
      coRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
      lua.lua_sethook(co, (Lc: LuaState) => this.countHook(Lc), lua.LUA_MASKCOUNT, HOOK_INSTRUCTIONS);
    }
    lua.lua_rawgeti(co, lua.LUA_REGISTRYINDEX, script.ref);
    const ctx: RunContext = {
      caller: c,
      sha: script.sha,
      readOnly: readOnly || (script.flags & ScriptFlag.noWrites) !== 0,
      resp: 2,
      co,
      coRef,
      start: Date.now(),
      wrote: false,
      allowOom: (script.flags & (ScriptFlag.allowOom | ScriptFlag.evalCompat)) === ScriptFlag.allowOom,
      killed: false,
      suspended: false,
      yieldable,
      unit: srv.beginPropagationUnit(),
      call: { caller: c, cmd: c.cmd!, argv: evalArgv },
    };
    this.run = ctx;
    this.client.db = c.db;
    this.client.noPropagate = false;
    this.resume(ctx);
  }

  /** Every HOOK_INSTRUCTIONS instructions: yield a script that has run past the threshold. */
  private countHook(Lc: LuaState): void {
    const ctx = this.run;
    if (ctx === null) return;
    // SCRIPT KILL: raised where the script is, as Redis's hook raises it
    if (ctx.killed) {
      pushError(Lc, 'ERR Script killed by user with SCRIPT KILL...', false);
      lua.lua_error(Lc);
      return;
    }
    if (!ctx.yieldable || !lua.lua_isyieldable(Lc)) return;
    if (!ctx.suspended && Date.now() - ctx.start < this.busyThreshold()) return;
    // in a coroutine the script made, the suspension passes up through its resume
    if (Lc === ctx.co) lua.lua_yield(Lc, 0);
    else hostYield(Lc);
  }

  private busyThreshold(): number {
    const v = this.srv.config?.values['busy-reply-threshold'];
    return v === undefined ? 5000 : Number(v);
  }

  /** Run the script on until it ends or yields (busy: resumed on the next turn of the event loop). */
  private resume(ctx: RunContext): void {
    const srv = this.srv;
    let status: number;
    try {
      status = lua.lua_resume(ctx.co, this.L, 0);
    } catch (e) {
      // a fault of the runtime itself: the client gets an error, the server goes on
      srv.log.warning(`Script ${ctx.sha} failed inside the Lua runtime: ${(e as Error).message}`);
      ctx.caller.error(`ERR Error running script ${ctx.sha}, internal error`);
      return this.finish(ctx, -1);
    }
    if (status !== lua.LUA_YIELD) return this.finish(ctx, status);
    if (!ctx.suspended) {
      ctx.suspended = true;
      ctx.caller.waiting = true;
      this.busy = ctx;
      srv.busyScript = BUSY_EVAL;
      srv.log.warning(
        `Slow script detected: still in execution after ${Date.now() - ctx.start} milliseconds. You can try killing the script using the SCRIPT KILL command. Script name is: ${ctx.sha}.`,
      );
    }
    setImmediate(() => this.resume(ctx));
  }

  /** The script ended (or was killed): its reply, then the caller goes on. */
  private finish(ctx: RunContext, status: number): void {
    const srv = this.srv;
    const c = ctx.caller;
    const co = ctx.co;
    this.run = null;
    this.busy = null;
    srv.busyScript = null;
    srv.endPropagationUnit(ctx.unit);
    const L = this.L;
    const top = lua.lua_gettop(L);
    try {
      if (status === lua.LUA_OK) {
        // the first value returned, as lua_pcall(..., 1, ...) keeps it; converted on the main state
        lua.lua_settop(co, 1);
        lua.lua_xmove(co, L, 1);
        writeResult(L, c.reply, { scriptResp: ctx.resp }, (msg, ignoreStats) => scriptErrorReply(c, msg, ignoreStats));
      } else if (status !== -1) {
        lua.lua_xmove(co, L, 1);
        this.replyRunError(c, L, co, ctx.sha);
      }
    } catch (e) {
      srv.log.warning(`Script ${ctx.sha} failed inside the Lua runtime: ${(e as Error).message}`);
      c.error(`ERR Error running script ${ctx.sha}, internal error`);
    }
    lua.lua_settop(L, top);
    if (status === lua.LUA_OK && this.idle === null) {
      lua.lua_settop(co, 0);
      this.idle = co;
      this.idleRef = ctx.coRef;
    } else {
      lauxlib.luaL_unref(this.L, lua.LUA_REGISTRYINDEX, ctx.coRef);
    }
    if (ctx.suspended) {
      c.waiting = false;
      // the rest of the transaction the script was in, whether or not its client is still there
      const rest = c.execRest;
      c.execRest = null;
      if (rest !== null) {
        rest();
        if (c.waiting) return;
      }
      if (!c.closed) {
        srv.flush(c);
        srv.processInput(c);
        srv.flush(c);
      }
    }
  }

  /** SCRIPT KILL: an error reply, or null when the running script will be stopped. */
  kill(): string | null {
    const ctx = this.busy;
    if (ctx === null) return 'NOTBUSY No scripts in execution right now.';
    if (ctx.wrote) {
      return 'UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.';
    }
    ctx.killed = true;
    return null;
  }

  /** A run that raised (lua_resume's error): Redis's "-<err> script: <sha>, on <source>:<line>." */
  private replyRunError(c: Client, L: LuaState, co: LuaState, sha: string): void {
    if (lua.lua_type(L, -1) !== lua.LUA_TTABLE) {
      // what the error handler does with a plain error: {err='ERR ' .. tostring(e)}, in Lua 5.1's wording
      lauxlib.luaL_tolstring(L, -1);
      const text = toJs(L, -1).replace(/attempt to (.*?) a (\w+) value \((\w+) '(.*?)'\)/, "attempt to $1 $3 '$4' (a $2 value)");
      lua.lua_pop(L, 2);
      const where = scriptPosition(co);
      return scriptErrorReply(c, `ERR ${text}${where ? ` script: ${sha}, on ${where}.` : ''}`, false);
    }
    const err = stringField(L, 'err') ?? '';
    const ignore = boolField(L, 'ignore_err_stats_update');
    let source = stringField(L, 'source');
    let line = stringField(L, 'line');
    lua.lua_pop(L, 1);
    if (source === null || line === null) {
      // the position where the error was raised, as the error handler records it
      const where = scriptPosition(co);
      if (where !== null) [source, line] = [where.slice(0, where.lastIndexOf(':')), where.slice(where.lastIndexOf(':') + 1)];
    }
    const where = source !== null && line !== null ? ` script: ${sha}, on ${source}:${line}.` : '';
    scriptErrorReply(c, err + where, ignore);
  }

  /** The `redis` table (redis-api.ts); the functions engine adds its load-time API. */
  protected installRedisApi(L: LuaState): void {
    installRedisApi(L, this.host);
  }

  /** What the `redis` API needs of this engine: the server, the script client, the running script. */
  private get host(): ScriptHost {
    return { srv: this.srv, client: this.client, current: () => this.run };
  }

}

/** KEYS / ARGV, a new table each run as Redis makes them, on the globals table at the top of the stack. */
function setArray(L: LuaState, name: 'KEYS' | 'ARGV', items: string[]): void {
  pushConstant(L, name);
  lua.lua_createtable(L, items.length, 0);
  for (let i = 0; i < items.length; i++) {
    pushString(L, items[i]);
    lua.lua_rawseti(L, -2, i + 1);
  }
  lua.lua_rawset(L, -3);
}

function stringField(L: LuaState, k: string): string | null {
  pushString(L, k);
  const t = lua.lua_rawget(L, -2);
  const v = t === lua.LUA_TSTRING || t === lua.LUA_TNUMBER ? toJs(L, -1) : null;
  lua.lua_pop(L, 1);
  return v;
}

function boolField(L: LuaState, k: string): boolean {
  pushString(L, k);
  lua.lua_rawget(L, -2);
  const v = lua.lua_toboolean(L, -1);
  lua.lua_pop(L, 1);
  return v;
}

/** A script's error reply: newlines made spaces; statistics unless a command already counted them. */
export function scriptErrorReply(c: Client, msg: string, ignoreStats: boolean): void {
  const text = msg.replace(/[\r\n]/g, ' ');
  if (ignoreStats) {
    c.reply.errorLine(text);
    c.callFailed = true;
  } else {
    c.error(text);
  }
}
