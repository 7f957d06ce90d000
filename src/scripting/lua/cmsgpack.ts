/**
 * The `cmsgpack` module Redis bundles (lua-cmsgpack 0.4.0), from its
 * documented and observed behaviour:
 *  - pack(...) concatenates the encodings of its arguments. Numbers that are
 *    int64 values use the smallest integer type (fixint, uint/int 8..64);
 *    others are float32 when that is exact, else float64. Strings are
 *    fixstr/str8/str16/str32. A table is an array when its keys are exactly
 *    1..n (read back with the `#` length and metamethod-aware indexing),
 *    else a map in `next` order; tables nested 16 deep, and functions or
 *    other values, encode as nil.
 *  - unpack(s) decodes every value; unpack_one(s [, offset]) and
 *    unpack_limit(s, limit [, offset]) return the next offset first (-1 at
 *    the end). uint64 decodes as a signed 64-bit value (as Redis's 5.1
 *    build does); bin and ext types are "Bad data format in
 *    input.", truncated data "Missing bytes in input.".
 */
import {
  LuaState, ByteBuffer, lua, argError, checkBytes, checkInteger, checkStack, luaError, optInteger, pushBytes,
  setField, T, latin1, stackRoom,
} from './api';

const MAX_NESTING = 16;

const f32 = new Float32Array(1);
const f32b = new Uint8Array(f32.buffer);
const f64 = new Float64Array(1);
const f64b = new Uint8Array(f64.buffer);

function putBE(out: ByteBuffer, v: bigint, bytes: number): void {
  for (let i = bytes - 1; i >= 0; i--) out.addByte(Number((v >> BigInt(i * 8)) & 0xffn));
}

function encodeInt(out: ByteBuffer, n: number): void {
  if (n >= 0) {
    if (n <= 127) out.addByte(n);
    else if (n <= 0xff) { out.addByte(0xcc); out.addByte(n); }
    else if (n <= 0xffff) { out.addByte(0xcd); putBE(out, BigInt(n), 2); }
    else if (n <= 0xffffffff) { out.addByte(0xce); putBE(out, BigInt(n), 4); }
    else { out.addByte(0xcf); putBE(out, BigInt(n), 8); }
  } else if (n >= -32) {
    out.addByte(n & 0xff);
  } else if (n >= -128) {
    out.addByte(0xd0); out.addByte(n & 0xff);
  } else if (n >= -32768) {
    out.addByte(0xd1); putBE(out, BigInt.asUintN(16, BigInt(n)), 2);
  } else if (n >= -2147483648) {
    out.addByte(0xd2); putBE(out, BigInt.asUintN(32, BigInt(n)), 4);
  } else {
    out.addByte(0xd3); putBE(out, BigInt.asUintN(64, BigInt(n)), 8);
  }
}

function encodeDouble(out: ByteBuffer, d: number): void {
  f32[0] = d;
  if (d === f32[0]) {
    out.addByte(0xca);
    for (let i = 3; i >= 0; i--) out.addByte(f32b[i]!);
  } else {
    f64[0] = d;
    out.addByte(0xcb);
    for (let i = 7; i >= 0; i--) out.addByte(f64b[i]!);
  }
}

function encodeNumber(out: ByteBuffer, n: number): void {
  // (int64_t)n == n: an integral value in [-2^63, 2^63)
  if (n >= -9223372036854775808 && n < 9223372036854775808 && Math.trunc(n) === n) encodeInt(out, n + 0);
  else encodeDouble(out, n);
}

function encodeString(out: ByteBuffer, s: Uint8Array): void {
  const len = s.length;
  if (len < 32) out.addByte(0xa0 | len);
  else if (len <= 0xff) { out.addByte(0xd9); out.addByte(len); }
  else if (len <= 0xffff) { out.addByte(0xda); putBE(out, BigInt(len), 2); }
  else { out.addByte(0xdb); putBE(out, BigInt(len), 4); }
  out.add(s);
}

function header(out: ByteBuffer, n: number, fix: number, b16: number, b32: number): void {
  if (n <= 15) out.addByte(fix | n);
  else if (n <= 0xffff) { out.addByte(b16); putBE(out, BigInt(n), 2); }
  else { out.addByte(b32); putBE(out, BigInt(n), 4); }
}

/** Keys exactly 1..n (n > 0 or an empty table). */
function isArray(L: LuaState): boolean {
  let count = 0;
  let max = 0;
  const top = lua.lua_gettop(L);
  lua.lua_pushnil(L);
  while (lua.lua_next(L, -2)) {
    lua.lua_pop(L, 1);
    const n = lua.lua_type(L, -1) === T.NUMBER ? lua.lua_tonumber(L, -1) : 0;
    // (int)n == n
    if (!(n > 0) || !(n < 2147483648 && Math.trunc(n) === n)) {
      lua.lua_settop(L, top);
      return false;
    }
    if (n > max) max = n;
    count++;
  }
  lua.lua_settop(L, top);
  return max === count;
}

/** Encodes the value at the top of the stack and pops it. */
function encodeValue(L: LuaState, out: ByteBuffer, level: number): void {
  let t = lua.lua_type(L, -1);
  if (t === T.TABLE && level === MAX_NESTING) t = T.NIL;
  switch (t) {
    case T.STRING:
      encodeString(out, lua.lua_tolstring(L, -1));
      break;
    case T.BOOLEAN:
      out.addByte(lua.lua_toboolean(L, -1) ? 0xc3 : 0xc2);
      break;
    case T.NUMBER:
      encodeNumber(out, lua.lua_tonumber(L, -1));
      break;
    case T.TABLE:
      if (isArray(L)) {
        const len = lua.lua_rawlen(L, -1);
        header(out, len, 0x90, 0xdc, 0xdd);
        checkStack(L, 1, 'in function mp_encode_lua_table_as_array');
        for (let j = 1; j <= len; j++) {
          lua.lua_pushnumber(L, j);
          lua.lua_gettable(L, -2);
          encodeValue(L, out, level + 1);
        }
      } else {
        let len = 0;
        lua.lua_pushnil(L);
        while (lua.lua_next(L, -2)) {
          lua.lua_pop(L, 1);
          len++;
        }
        header(out, len, 0x80, 0xde, 0xdf);
        lua.lua_pushnil(L);
        while (lua.lua_next(L, -2)) {
          lua.lua_pushvalue(L, -2);
          encodeValue(L, out, level + 1); // the key
          encodeValue(L, out, level + 1); // the value
        }
      }
      break;
    default:
      out.addByte(0xc0);
  }
  lua.lua_pop(L, 1);
}

function pack(L: LuaState): number {
  const nargs = lua.lua_gettop(L);
  if (nargs === 0) argError(L, 0, 'MessagePack pack needs input.');
  if (!stackRoom(L, nargs)) argError(L, 0, 'Too many arguments for MessagePack pack.');
  const out = new ByteBuffer();
  for (let i = 1; i <= nargs; i++) {
    lua.lua_pushvalue(L, i);
    encodeValue(L, out, 0);
  }
  pushBytes(L, out.bytes());
  return 1;
}

const EOF = 1;
const BADFMT = 2;

class Cursor {
  err = 0;
  constructor(public s: Uint8Array, public p: number) {}
  get left(): number {
    return this.s.length - this.p;
  }
  need(n: number): boolean {
    if (this.left < n) {
      this.err = EOF;
      return false;
    }
    return true;
  }
  be(at: number, bytes: number): bigint {
    let v = 0n;
    for (let i = 0; i < bytes; i++) v = (v << 8n) | BigInt(this.s[this.p + at + i]!);
    return v;
  }
}

function decodeString(L: LuaState, c: Cursor, lenBytes: number): void {
  if (!c.need(1 + lenBytes)) return;
  const l = Number(c.be(1, lenBytes));
  if (!c.need(1 + lenBytes + l)) return;
  pushBytes(L, c.s.subarray(c.p + 1 + lenBytes, c.p + 1 + lenBytes + l));
  c.p += 1 + lenBytes + l;
}

function decodeArray(L: LuaState, c: Cursor, len: number): void {
  lua.lua_newtable(L);
  checkStack(L, 1, 'in function mp_decode_to_lua_array');
  for (let index = 1; len > 0; len--) {
    lua.lua_pushnumber(L, index++);
    decodeValue(L, c);
    if (c.err) return;
    lua.lua_settable(L, -3);
  }
}

function decodeMap(L: LuaState, c: Cursor, len: number): void {
  lua.lua_newtable(L);
  for (; len > 0; len--) {
    decodeValue(L, c);
    if (c.err) return;
    decodeValue(L, c);
    if (c.err) return;
    lua.lua_settable(L, -3);
  }
}

function decodeValue(L: LuaState, c: Cursor): void {
  if (!c.need(1)) return;
  checkStack(L, 1, 'too many return values at once; use unpack_one or unpack_limit instead.');
  const b = c.s[c.p]!;
  const sizes: Record<number, number> = { 0xcc: 1, 0xcd: 2, 0xce: 4, 0xcf: 8, 0xd0: 1, 0xd1: 2, 0xd2: 4, 0xd3: 8 };
  switch (b) {
    case 0xcc: case 0xcd: case 0xce: case 0xcf:
    case 0xd0: case 0xd1: case 0xd2: case 0xd3: {
      const n = sizes[b]!;
      if (!c.need(1 + n)) return;
      const raw = c.be(1, n);
      // uint64 goes through lua_Integer (signed) in Redis's build
      const v = b >= 0xd0 || b === 0xcf ? BigInt.asIntN(n * 8, raw) : raw;
      lua.lua_pushnumber(L, Number(v));
      c.p += 1 + n;
      return;
    }
    case 0xc0: lua.lua_pushnil(L); c.p++; return;
    case 0xc3: lua.lua_pushboolean(L, true); c.p++; return;
    case 0xc2: lua.lua_pushboolean(L, false); c.p++; return;
    case 0xca:
      if (!c.need(5)) return;
      for (let i = 0; i < 4; i++) f32b[3 - i] = c.s[c.p + 1 + i]!;
      lua.lua_pushnumber(L, f32[0]);
      c.p += 5;
      return;
    case 0xcb:
      if (!c.need(9)) return;
      for (let i = 0; i < 8; i++) f64b[7 - i] = c.s[c.p + 1 + i]!;
      lua.lua_pushnumber(L, f64[0]);
      c.p += 9;
      return;
    case 0xd9: decodeString(L, c, 1); return;
    case 0xda: decodeString(L, c, 2); return;
    case 0xdb: decodeString(L, c, 4); return;
    case 0xdc: case 0xdd: case 0xde: case 0xdf: {
      const n = b === 0xdc || b === 0xde ? 2 : 4;
      if (!c.need(1 + n)) return;
      const len = Number(c.be(1, n));
      c.p += 1 + n;
      if (b <= 0xdd) decodeArray(L, c, len);
      else decodeMap(L, c, len);
      return;
    }
  }
  if ((b & 0x80) === 0) {
    lua.lua_pushnumber(L, b);
    c.p++;
  } else if ((b & 0xe0) === 0xe0) {
    lua.lua_pushnumber(L, b - 256);
    c.p++;
  } else if ((b & 0xe0) === 0xa0) {
    const l = b & 0x1f;
    if (!c.need(1 + l)) return;
    pushBytes(L, c.s.subarray(c.p + 1, c.p + 1 + l));
    c.p += 1 + l;
  } else if ((b & 0xf0) === 0x90) {
    c.p++;
    decodeArray(L, c, b & 0xf);
  } else if ((b & 0xf0) === 0x80) {
    c.p++;
    decodeMap(L, c, b & 0xf);
  } else {
    c.err = BADFMT;
  }
}

function unpackFull(L: LuaState, limit: number, offset: number): number {
  const s = checkBytes(L, 1);
  const len = s.length;
  const all = limit === 0 && offset === 0;
  if (offset < 0 || limit < 0) {
    return luaError(L, `Invalid request to unpack with offset of ${offset} and limit of ${len}.`);
  }
  if (offset > len) return luaError(L, `Start offset ${offset} greater than input length ${len}.`);
  if (all) limit = 2147483647;
  const c = new Cursor(s, offset);
  let cnt = 0;
  for (; c.left > 0 && cnt < limit; cnt++) {
    decodeValue(L, c);
    if (c.err === EOF) return luaError(L, 'Missing bytes in input.');
    if (c.err === BADFMT) return luaError(L, 'Bad data format in input.');
  }
  if (!all) {
    checkStack(L, 1, 'in function mp_unpack_full');
    lua.lua_pushnumber(L, c.left === 0 ? -1 : len - c.left);
    lua.lua_insert(L, -(cnt + 1));
    cnt++;
  }
  return cnt;
}

function unpack(L: LuaState): number {
  return unpackFull(L, 0, 0);
}

function unpackOne(L: LuaState): number {
  const offset = optInteger(L, 2, 0) | 0;
  lua.lua_settop(L, 1);
  return unpackFull(L, 1, offset);
}

function unpackLimit(L: LuaState): number {
  const limit = checkInteger(L, 2) | 0;
  const offset = optInteger(L, 3, 0) | 0;
  lua.lua_settop(L, 1);
  return unpackFull(L, limit, offset);
}

/** Leaves the cmsgpack table on the stack (built as lua_cmsgpack.c builds it). */
export function openCmsgpack(L: LuaState): void {
  lua.lua_newtable(L);
  for (const [name, f] of [['pack', pack], ['unpack', unpack], ['unpack_one', unpackOne], ['unpack_limit', unpackLimit]] as const) {
    lua.lua_pushcfunction(L, f);
    setField(L, -2, name);
  }
  for (const [name, value] of [
    ['_NAME', 'cmsgpack'], ['_VERSION', 'lua-cmsgpack 0.4.0'], ['_COPYRIGHT', 'Copyright (C) 2012, Salvatore Sanfilippo'],
    ['_DESCRIPTION', 'MessagePack C implementation for Lua'],
  ]) {
    lua.lua_pushstring(L, latin1(value!));
    setField(L, -2, name!);
  }
}
