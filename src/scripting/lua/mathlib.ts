/**
 * Lua 5.1's math library, with Redis's math.random: its own rand48
 * (redisLrand48/redisSrand48 in Redis's rand.c, the drand48 recurrence
 * X' = (0x5DEECE66D X + 0xB) mod 2^48, output bits 47..17), one state per
 * process as in Redis (not reset per script or by SCRIPT FLUSH).
 * sin, cos and asin are rounded as glibc rounds them (store/geomath.ts);
 * the other functions are V8's, which differ from glibc by one ulp in about
 * 1% of arguments (visible with %.17g, almost never in tostring's %.14g).
 */
import { LuaState, LuaFunction, lua, argError, checkInt, checkNumber, luaError, newLib, setField } from './api';
import { cPow, libm1, POS_NAN } from './numpow';
import * as geomath from '../../store/geomath';

// 48-bit state as two 24-bit halves (exact double arithmetic).
let xHi = 0;
let xLo = 0;
const A_HI = 0x5de;
const A_LO = 0xece66d;
const TWO24 = 16777216;

/** Redis's initial rand48 state (X2 X1 X0 = 0x1234 0xABCD 0x330E). */
export function resetRandom(): void {
  xHi = 0x1234ab;
  xLo = 0xcd330e;
}
resetRandom();

/** redisSrand48(seed): X = seed << 16 | 0x330E (seed as a 32-bit int). */
export function seedRandom(seed: number): void {
  const s = seed >>> 0;
  xHi = Math.floor(s / 256);
  xLo = ((s & 0xff) << 16) | 0x330e;
}

/** redisLrand48(): the next 31-bit value. */
export function nextRandom(): number {
  const lo = xLo * A_LO + 0xb;
  const carry = Math.floor(lo / TWO24);
  const hi = (xHi * A_LO + xLo * A_HI + carry) % TWO24;
  xLo = lo % TWO24;
  xHi = hi;
  return xHi * 128 + Math.floor(xLo / 131072);
}

const INT32_MAX = 2147483647;

function random(L: LuaState): number {
  const r = (nextRandom() % INT32_MAX) / INT32_MAX;
  switch (lua.lua_gettop(L)) {
    case 0:
      lua.lua_pushnumber(L, r);
      break;
    case 1: {
      const u = checkInt(L, 1);
      if (!(1 <= u)) argError(L, 1, 'interval is empty');
      lua.lua_pushnumber(L, Math.floor(r * u) + 1);
      break;
    }
    case 2: {
      const l = checkInt(L, 1);
      const u = checkInt(L, 2);
      if (!(l <= u)) argError(L, 2, 'interval is empty');
      lua.lua_pushnumber(L, Math.floor(r * (u - l + 1)) + l);
      break;
    }
    default:
      return luaError(L, 'wrong number of arguments');
  }
  return 1;
}

function randomseed(L: LuaState): number {
  seedRandom(checkInt(L, 1));
  return 0;
}

function fn1(f: (x: number) => number): LuaFunction {
  return (L: LuaState): number => {
    lua.lua_pushnumber(L, f(checkNumber(L, 1)));
    return 1;
  };
}

function fmod(L: LuaState): number {
  lua.lua_pushnumber(L, checkNumber(L, 1) % checkNumber(L, 2));
  return 1;
}

function modf(L: LuaState): number {
  const x = checkNumber(L, 1);
  const ip = x === Infinity || x === -Infinity ? x : Math.trunc(x);
  let fp: number;
  if (x !== x) fp = x;
  else if (ip === x) fp = x < 0 || Object.is(x, -0) ? -0 : 0;
  else fp = x - ip;
  lua.lua_pushnumber(L, ip);
  lua.lua_pushnumber(L, fp);
  return 2;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** C frexp: x = m * 2^e with 0.5 <= |m| < 1 (0, inf and nan come back with e = 0). */
export function frexp(x: number): [number, number] {
  if (x === 0 || x !== x || x === Infinity || x === -Infinity) return [x, 0];
  f64[0] = x;
  let bexp = (u32[1]! >>> 20) & 0x7ff;
  let adjust = 0;
  if (bexp === 0) {
    f64[0] = x * 18014398509481984; // 2^54: normalize a subnormal
    bexp = (u32[1]! >>> 20) & 0x7ff;
    adjust = -54;
  }
  u32[1] = (u32[1]! & 0x800fffff) | (1022 << 20);
  return [f64[0]!, bexp - 1022 + adjust];
}

/** C ldexp: m * 2^e (scaled in steps so that the powers of two stay finite). */
export function ldexp(m: number, e: number): number {
  let r = m;
  for (let i = 0; i < 2; i++) {
    if (e > 1023) {
      r *= 2 ** 1023;
      e -= 1023;
    } else if (e < -1022) {
      r *= 2 ** -1022;
      e += 1022;
    }
  }
  if (e > 1023) e = 1023;
  if (e < -1074) e = -1074;
  return r * 2 ** e;
}

function luaFrexp(L: LuaState): number {
  const [m, e] = frexp(checkNumber(L, 1));
  lua.lua_pushnumber(L, m);
  lua.lua_pushnumber(L, e);
  return 2;
}

function luaLdexp(L: LuaState): number {
  lua.lua_pushnumber(L, ldexp(checkNumber(L, 1), checkInt(L, 2)));
  return 1;
}

function minmax(isMax: boolean): LuaFunction {
  return (L: LuaState): number => {
    const n = lua.lua_gettop(L);
    let best = checkNumber(L, 1);
    for (let i = 2; i <= n; i++) {
      const d = checkNumber(L, i);
      if (isMax ? d > best : d < best) best = d;
    }
    lua.lua_pushnumber(L, best);
    return 1;
  };
}

function pow(L: LuaState): number {
  lua.lua_pushnumber(L, cPow(checkNumber(L, 1), checkNumber(L, 2)));
  return 1;
}

function atan2(L: LuaState): number {
  lua.lua_pushnumber(L, Math.atan2(checkNumber(L, 1), checkNumber(L, 2)));
  return 1;
}

const RADIANS_PER_DEGREE = Math.PI / 180;

/** Leaves the math table on the stack. */
export function openMath(L: LuaState): void {
  // in the order of 5.1's lmathlib.c (it decides the layout, hence pairs order)
  newLib(L, {
    abs: fn1(Math.abs), acos: fn1(libm1(Math.acos, POS_NAN)), asin: fn1(libm1(geomath.asin, POS_NAN)), atan2,
    atan: fn1(libm1(Math.atan)), ceil: fn1(libm1(Math.ceil)), cosh: fn1(libm1(Math.cosh)),
    cos: fn1(libm1(geomath.cos)), deg: fn1((x) => x / RADIANS_PER_DEGREE), exp: fn1(libm1(Math.exp)),
    floor: fn1(libm1(Math.floor)), fmod, frexp: luaFrexp, ldexp: luaLdexp, log10: fn1(libm1(Math.log10, POS_NAN)),
    log: fn1(libm1(Math.log)), max: minmax(true), min: minmax(false), modf, pow,
    rad: fn1((x) => x * RADIANS_PER_DEGREE), random, randomseed, sinh: fn1(libm1(Math.sinh)),
    sin: fn1(libm1(geomath.sin)), sqrt: fn1(libm1(Math.sqrt)), tanh: fn1(libm1(Math.tanh)), tan: fn1(libm1(Math.tan)),
  });
  lua.lua_pushnumber(L, Math.PI);
  setField(L, -2, 'pi');
  lua.lua_pushnumber(L, Infinity);
  setField(L, -2, 'huge');
  lua.lua_pushcfunction(L, fmod);
  setField(L, -2, 'mod');
}
