/**
 * Small helpers over fengari's C API for the 5.1 libraries: argument checks
 * with lauxlib's 5.1 texts, Lua strings as bytes (Uint8Array; JS text is
 * pushed as latin1, one byte per char, never UTF-8).
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import { F } from './vm';

export type LuaState = any;
export type LuaFunction = (L: LuaState) => number;

export const lua = F.lua;
export const lauxlib = F.lauxlib;
const { to_luastring } = F.fengari;

export const T = {
  NONE: -1, NIL: 0, BOOLEAN: 1, LIGHTUSERDATA: 2, NUMBER: 3, STRING: 4, TABLE: 5, FUNCTION: 6, USERDATA: 7, THREAD: 8,
} as const;

/** Lua string bytes of a latin1 JS string. */
export function latin1(s: string): Uint8Array {
  return Buffer.from(s, 'latin1');
}

/** Latin1 JS string of Lua string bytes. */
export function text(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.length).latin1Slice(0, b.length);
}

export function pushStr(L: LuaState, s: string): void {
  lua.lua_pushstring(L, latin1(s));
}

export function pushBytes(L: LuaState, b: Uint8Array): void {
  lua.lua_pushstring(L, b);
}

/** luaL_error: the message, prefixed with the calling Lua line ("user_script:1: "). */
export function luaError(L: LuaState, msg: string): never {
  lua.lua_checkstack(L, 5); // C Lua's EXTRA_STACK: room for the message
  lauxlib.luaL_where(L, 1);
  pushStr(L, msg);
  lua.lua_concat(L, 2);
  lua.lua_error(L);
  throw new Error('unreachable');
}

/** luaL_argerror: "bad argument #n to 'f' (msg)". */
export function argError(L: LuaState, arg: number, msg: string): never {
  lua.lua_checkstack(L, 5);
  lauxlib.luaL_argerror(L, arg, latin1(msg));
  throw new Error('unreachable');
}

export function typeName(L: LuaState, idx: number): string {
  return text(lauxlib.luaL_typename(L, idx));
}

/** 5.1's luaL_typerror: "<tname> expected, got <type>". */
export function typeError(L: LuaState, arg: number, tname: string): never {
  return argError(L, arg, `${tname} expected, got ${typeName(L, arg)}`);
}

export function checkAny(L: LuaState, arg: number): void {
  if (lua.lua_type(L, arg) === T.NONE) argError(L, arg, 'value expected');
}

export function checkType(L: LuaState, arg: number, t: number): void {
  if (lua.lua_type(L, arg) !== t) typeError(L, arg, text(lua.lua_typename(L, t)));
}

export function checkNumber(L: LuaState, arg: number): number {
  const n = lua.lua_tonumberx(L, arg);
  if (n === false) typeError(L, arg, 'number');
  return n;
}

export function optNumber(L: LuaState, arg: number, def: number): number {
  return lua.lua_type(L, arg) <= 0 ? def : checkNumber(L, arg);
}

/** luaL_checkinteger: the number as C casts it to a 64-bit integer. */
export function checkInteger(L: LuaState, arg: number): number {
  const n = lua.lua_tointegerx(L, arg);
  if (n === false) typeError(L, arg, 'number');
  return n;
}

export function optInteger(L: LuaState, arg: number, def: number): number {
  return lua.lua_type(L, arg) <= 0 ? def : checkInteger(L, arg);
}

/** luaL_checkint: the 64-bit integer cast again to a C int. */
export function checkInt(L: LuaState, arg: number): number {
  return checkInteger(L, arg) | 0;
}

export function optInt(L: LuaState, arg: number, def: number): number {
  return lua.lua_type(L, arg) <= 0 ? def : checkInt(L, arg);
}

export function checkBytes(L: LuaState, arg: number): Uint8Array {
  const s = lua.lua_tolstring(L, arg);
  if (s === null || s === undefined) typeError(L, arg, 'string');
  return s;
}

export function optBytes(L: LuaState, arg: number, def: Uint8Array): Uint8Array {
  return lua.lua_type(L, arg) <= 0 ? def : checkBytes(L, arg);
}

/** 5.1's lua_checkstack with LUAI_MAXCSTACK 8000 (what limits unpack, string.byte...). */
export function stackRoom(L: LuaState, n: number): boolean {
  if (n > 8000 || lua.lua_gettop(L) + n > 8000) return false;
  return lua.lua_checkstack(L, n);
}

/** luaL_checkstack with 5.1's limit: "stack overflow (<msg>)". */
export function checkStack(L: LuaState, n: number, msg: string): void {
  if (!stackRoom(L, n)) luaError(L, `stack overflow (${msg})`);
}

/** The raw length of a table, as 5.1's luaL_getn without setn. */
export function rawLen(L: LuaState, idx: number): number {
  return lua.lua_rawlen(L, idx);
}

/** Sets the functions of `lib` in the table at the top of the stack. */
export function setFuncs(L: LuaState, lib: Record<string, LuaFunction>): void {
  for (const name of Object.keys(lib)) {
    lua.lua_pushcfunction(L, lib[name]);
    lua.lua_setfield(L, -2, to_luastring(name));
  }
}

/** Creates a table with the functions of `lib` and leaves it on the stack. */
export function newLib(L: LuaState, lib: Record<string, LuaFunction>): void {
  lua.lua_createtable(L, 0, Object.keys(lib).length);
  setFuncs(L, lib);
}

export function setField(L: LuaState, idx: number, name: string): void {
  lua.lua_setfield(L, idx, to_luastring(name));
}

export function getField(L: LuaState, idx: number, name: string): number {
  return lua.lua_getfield(L, idx, to_luastring(name));
}

export function setGlobal(L: LuaState, name: string): void {
  lua.lua_setglobal(L, to_luastring(name));
}

export function getGlobal(L: LuaState, name: string): number {
  return lua.lua_getglobal(L, to_luastring(name));
}

/** A growable byte buffer (luaL_Buffer). */
export class ByteBuffer {
  buf = new Uint8Array(64);
  n = 0;
  add(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
  }
  addByte(c: number): void {
    this.reserve(1);
    this.buf[this.n++] = c;
  }
  private reserve(k: number): void {
    if (this.n + k <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.n + k) size *= 2;
    const nb = new Uint8Array(size);
    nb.set(this.buf.subarray(0, this.n));
    this.buf = nb;
  }
  addAscii(s: string): void {
    this.reserve(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.n++] = s.charCodeAt(i);
  }
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.n);
  }
}

export { to_luastring };
