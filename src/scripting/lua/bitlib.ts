/**
 * LuaBitOp (the `bit` module Redis bundles): 32-bit operations whose
 * results are signed 32-bit numbers. Arguments are normalized as LuaBitOp
 * does on Lua 5.1: the number plus 2^52+2^51, low 32 bits of the double
 * (so 1.5 -> 2, 2.5 -> 2, 2^32 -> 0), strings converted, and only a zero
 * result from a non-number is an error.
 */
import { LuaState, lua, newLib, pushStr, typeError } from './api';

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

function barg(L: LuaState, idx: number): number {
  const n = lua.lua_tonumber(L, idx);
  f64[0] = n + 6755399441055744.0;
  const b = u32[0]! | 0;
  if (b === 0 && !lua.lua_isnumber(L, idx)) typeError(L, idx, 'number');
  return b;
}

function ret(L: LuaState, b: number): number {
  lua.lua_pushnumber(L, b | 0);
  return 1;
}

function tobit(L: LuaState): number {
  return ret(L, barg(L, 1));
}

function bnot(L: LuaState): number {
  return ret(L, ~barg(L, 1));
}

function fold(op: (a: number, b: number) => number) {
  return (L: LuaState): number => {
    let b = barg(L, 1);
    for (let i = lua.lua_gettop(L); i > 1; i--) b = op(b, barg(L, i));
    return ret(L, b);
  };
}

function shift(op: (b: number, n: number) => number) {
  return (L: LuaState): number => {
    const b = barg(L, 1);
    const n = barg(L, 2) & 31;
    return ret(L, op(b, n));
  };
}

function bswap(L: LuaState): number {
  const b = barg(L, 1);
  return ret(L, ((b >>> 24) | ((b >>> 8) & 0xff00) | ((b & 0xff00) << 8) | (b << 24)) | 0);
}

function tohex(L: LuaState): number {
  let b = barg(L, 1) >>> 0;
  let n = lua.lua_type(L, 2) === -1 ? 8 : barg(L, 2);
  let digits = '0123456789abcdef';
  if (n === -2147483648) n = -2147483647;
  if (n < 0) {
    n = -n;
    digits = '0123456789ABCDEF';
  }
  if (n > 8) n = 8;
  let out = '';
  for (let i = n; --i >= 0;) {
    out = digits[b & 15] + out;
    b >>>= 4;
  }
  pushStr(L, out);
  return 1;
}

/** Leaves the bit table on the stack. */
export function openBit(L: LuaState): void {
  newLib(L, {
    tobit, bnot, band: fold((a, b) => a & b), bor: fold((a, b) => a | b), bxor: fold((a, b) => a ^ b),
    lshift: shift((b, n) => b << n), rshift: shift((b, n) => b >>> n), arshift: shift((b, n) => b >> n),
    rol: shift((b, n) => (b << n) | (b >>> (32 - n))), ror: shift((b, n) => (b >>> n) | (b << (32 - n))),
    bswap, tohex,
  });
}
