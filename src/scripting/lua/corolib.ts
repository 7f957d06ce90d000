/**
 * Lua 5.1's coroutine library: create/wrap take Lua functions only,
 * "cannot resume <running|normal|dead> coroutine", running() is nil on the
 * main thread, no isyieldable, and yield's C-call boundary (coYield).
 */
import { LuaState, lua, lauxlib, T, argError, luaError, newLib, pushStr, stackRoom } from './api';
import { F } from './vm';

/** Threads made by coroutine.create/wrap: the only ones a script may yield. */
const scriptThreads = new WeakSet<object>();
const CIST_LUA = F.lstate.CIST_LUA;
const CIST_FRESH = F.lstate.CIST_FRESH;

const LUA_YIELD = 1;
const STATUS = ['running', 'suspended', 'normal', 'dead'];
const RUNNING = 0;
const SUSPENDED = 1;
const NORMAL = 2;
const DEAD = 3;

function status(L: LuaState, co: LuaState): number {
  if (L === co) return RUNNING;
  const st = lua.lua_status(co);
  if (st === LUA_YIELD) return SUSPENDED;
  if (st !== 0) return DEAD;
  if (lua.lua_getstack(co, 0, new lua.lua_Debug())) return NORMAL;
  return lua.lua_gettop(co) === 0 ? DEAD : SUSPENDED;
}

function getco(L: LuaState): LuaState {
  const co = lua.lua_tothread(L, 1);
  if (co === null || co === undefined) argError(L, 1, 'coroutine expected');
  return co;
}

/** Threads the host suspended from a count hook (not a script's coroutine.yield). */
const hostYields = new WeakSet<object>();

/**
 * Called from a count hook: suspends the running thread for the host. A
 * script's own coroutine passes the suspension up through the
 * coroutine.resume that runs it (see auxresume), so it is the host's thread
 * that ends up suspended and the script never sees the yield.
 */
export function hostYield(L: LuaState): void {
  hostYields.add(L);
  lua.lua_yield(L, 0);
}

type Done = (L: LuaState, r: number) => number;

/**
 * Resumes `co` with `narg` values from L's top; the results (or the error)
 * end on L's top and `done` turns them into the C function's results. If the
 * host suspended `co` from its count hook, L yields too (when it can) and
 * resumes `co` once the host resumes L; where L cannot yield (under a C
 * call), `co` is resumed at once.
 */
function auxresume(L: LuaState, co: LuaState, narg: number, done: Done): number {
  const st = status(L, co);
  if (!lua.lua_checkstack(co, narg)) luaError(L, 'too many arguments to resume');
  if (st !== SUSPENDED) {
    pushStr(L, `cannot resume ${STATUS[st]} coroutine`);
    return done(L, -1);
  }
  lua.lua_xmove(L, co, narg);
  let r = lua.lua_resume(co, L, narg);
  while (r === LUA_YIELD && hostYields.has(co)) {
    hostYields.delete(co);
    if (lua.lua_isyieldable(L)) {
      if (scriptThreads.has(L)) hostYields.add(L);
      return lua.lua_yieldk(L, 0, 0, (L2: LuaState) => auxresume(L2, co, 0, done));
    }
    r = lua.lua_resume(co, L, 0);
  }
  if (r === 0 || r === LUA_YIELD) {
    const nres = lua.lua_gettop(co);
    if (!stackRoom(L, nres)) luaError(L, 'too many results to resume');
    lua.lua_checkstack(L, nres + 1);
    lua.lua_xmove(co, L, nres);
    return done(L, nres);
  }
  lua.lua_checkstack(L, 2);
  lua.lua_xmove(co, L, 1);
  return done(L, -1);
}

function coCreate(L: LuaState): number {
  if (lua.lua_type(L, 1) !== T.FUNCTION || lua.lua_iscfunction(L, 1)) argError(L, 1, 'Lua function expected');
  const NL = lua.lua_newthread(L);
  scriptThreads.add(NL);
  lua.lua_pushvalue(L, 1);
  lua.lua_xmove(L, NL, 1);
  return 1;
}

function coResume(L: LuaState): number {
  const co = getco(L);
  return auxresume(L, co, lua.lua_gettop(L) - 1, resumeDone);
}

function resumeDone(L: LuaState, r: number): number {
  if (r < 0) {
    lua.lua_pushboolean(L, false);
    lua.lua_insert(L, -2);
    return 2;
  }
  lua.lua_pushboolean(L, true);
  lua.lua_insert(L, -(r + 1));
  return r + 1;
}

function auxwrap(L: LuaState): number {
  const co = lua.lua_tothread(L, lua.lua_upvalueindex(1));
  return auxresume(L, co, lua.lua_gettop(L), wrapDone);
}

function wrapDone(L: LuaState, r: number): number {
  if (r < 0) {
    if (lua.lua_isstring(L, -1)) {
      lauxlib.luaL_where(L, 1);
      lua.lua_insert(L, -2);
      lua.lua_concat(L, 2);
    }
    return lua.lua_error(L);
  }
  return r;
}

function coWrap(L: LuaState): number {
  coCreate(L);
  lua.lua_pushcclosure(L, auxwrap, 1);
  return 1;
}

/**
 * 5.1 yields only back to the coroutine's resume with Lua calls in between:
 * not from the main thread (here: a thread the scripting core runs scripts
 * on), nor across a C function (pcall, table.sort, gsub...) or a Lua
 * function entered from the VM rather than called (a metamethod, a for
 * iterator). fengari could do all of that; the VM still may (for the core's
 * count hook), a script may not.
 */
function coYield(L: LuaState): number {
  let crosses = !scriptThreads.has(L);
  for (let ci = L.ci.previous; !crosses && ci !== null && ci !== L.base_ci && ci.previous !== L.base_ci; ci = ci.previous) {
    if ((ci.callstatus & CIST_LUA) === 0 || (ci.callstatus & CIST_FRESH) !== 0) crosses = true;
  }
  if (crosses) {
    pushStr(L, 'attempt to yield across metamethod/C-call boundary');
    return lua.lua_error(L);
  }
  return lua.lua_yield(L, lua.lua_gettop(L));
}

function coStatus(L: LuaState): number {
  const co = getco(L);
  pushStr(L, STATUS[status(L, co)]!);
  return 1;
}

/** nil outside coroutine.create's threads: the thread a script runs on is 5.1's main thread. */
function coRunning(L: LuaState): number {
  if (!scriptThreads.has(L)) lua.lua_pushnil(L);
  else lua.lua_pushthread(L);
  return 1;
}

/** Leaves the coroutine table on the stack. */
export function openCoroutine(L: LuaState): void {
  newLib(L, { create: coCreate, resume: coResume, running: coRunning, status: coStatus, wrap: coWrap, yield: coYield });
}
