/**
 * The `struct` library Redis bundles (Roberto Ierusalimschy's struct.c):
 * struct.pack(fmt, ...), struct.unpack(fmt, data [, pos]), struct.size(fmt).
 *
 * Formats: '<' little / '>' big endian (little by default), '!n' maximum
 * alignment (default 8, a power of 2), ' ' ignored, 'x' a pad byte,
 * b/B h/H l/L T i/I[n] signed/unsigned integers of 1, 2, 8, 8 and n
 * (default 4, at most 32) bytes, f float, d double, c[n] n chars (c0: the
 * whole string when packing, the previously unpacked number when
 * unpacking), s a NUL-terminated string. Integers are 64-bit C values
 * (wider ones keep only the low 8 bytes, as in C); the format is a C string
 * (it ends at a NUL). Texts and quirks are Redis's build's (e.g. "string too
 * short" names the argument after the one at fault).
 */
import { LuaState, ByteBuffer, lua, argError, checkBytes, checkNumber, checkStack, luaError, newLib, optInteger, pushBytes } from './api';
import { toInt64, toUint64 } from './numfmt';

const MAXINTSIZE = 32;
const MAXALIGN = 8;
const MASK64 = 0xffffffffffffffffn;

interface Header {
  little: boolean;
  align: number;
}

class Fmt {
  i = 0;
  constructor(public L: LuaState, public s: Uint8Array) {}
  get done(): boolean {
    return this.i >= this.s.length;
  }
  peek(): number {
    return this.i < this.s.length ? this.s[this.i]! : 0;
  }
  /** A decimal number at the cursor, or `df`. */
  num(df: number): number {
    let c = this.peek();
    if (c < 48 || c > 57) return df;
    let a = 0;
    do {
      if (a > Math.floor(2147483647 / 10) || a * 10 > 2147483647 - (c - 48)) luaError(this.L, 'integral size overflow');
      a = a * 10 + (c - 48);
      this.i++;
      c = this.peek();
    } while (c >= 48 && c <= 57);
    return a;
  }
}

function cstring(b: Uint8Array): Uint8Array {
  const z = b.indexOf(0);
  return z < 0 ? b : b.subarray(0, z);
}

function optSize(f: Fmt, opt: number): number {
  switch (opt) {
    case 66: case 98: return 1; // B b
    case 72: case 104: return 2; // H h
    case 76: case 108: return 8; // L l
    case 84: return 8; // T
    case 102: return 4; // f
    case 100: return 8; // d
    case 120: return 1; // x
    case 99: return f.num(1); // c
    case 105: case 73: { // i I
      const sz = f.num(4);
      if (sz > MAXINTSIZE) luaError(f.L, `integral size ${sz} is larger than limit of ${MAXINTSIZE}`);
      return sz;
    }
    default: return 0;
  }
}

function toAlign(len: number, h: Header, opt: number, size: number): number {
  if (size === 0 || opt === 99) return 0;
  if (size > h.align) size = h.align;
  return (size - (len & (size - 1))) & (size - 1);
}

function controlOption(f: Fmt, opt: number, h: Header): void {
  switch (opt) {
    case 32: return;
    case 62: h.little = false; return; // >
    case 60: h.little = true; return; // <
    case 33: { // !
      const a = f.num(MAXALIGN);
      if (a === 0 || (a & (a - 1)) !== 0) luaError(f.L, `alignment ${a} is not a power of 2`);
      h.align = a;
      return;
    }
    default:
      argError(f.L, 1, `invalid format option '${String.fromCharCode(opt)}'`);
  }
}

function isIntOption(opt: number): boolean {
  return opt === 98 || opt === 66 || opt === 104 || opt === 72 || opt === 108 || opt === 76 || opt === 84 ||
    opt === 105 || opt === 73;
}

function putInteger(b: ByteBuffer, n: number, little: boolean, size: number): void {
  let v = n < 0 ? toInt64(n) & MASK64 : toUint64(n);
  const bytes = new Uint8Array(size);
  for (let k = 0; k < size; k++) {
    bytes[little ? k : size - 1 - k] = Number(v & 0xffn);
    v >>= 8n;
  }
  b.add(bytes);
}

function getInteger(data: Uint8Array, at: number, little: boolean, signed: boolean, size: number): number {
  let l = 0n;
  for (let k = 0; k < size; k++) {
    const byte = data[little ? at + size - 1 - k : at + k]!;
    l = ((l << 8n) | BigInt(byte)) & MASK64;
  }
  if (!signed) return Number(l);
  const mask = (MASK64 << BigInt((size * 8 - 1) & 63)) & MASK64; // x86 masks the shift count
  if (l & mask) l |= mask;
  return Number(BigInt.asIntN(64, l));
}

const f32 = new Float32Array(1);
const f32b = new Uint8Array(f32.buffer);
const f64 = new Float64Array(1);
const f64b = new Uint8Array(f64.buffer);

function pack(L: LuaState): number {
  const f = new Fmt(L, cstring(checkBytes(L, 1)));
  const h: Header = { little: true, align: 1 };
  let arg = 2;
  let total = 0;
  lua.lua_pushnil(L); // struct.c's mark after the arguments (a missing one is "got nil")
  const b = new ByteBuffer();
  while (!f.done) {
    const opt = f.s[f.i++]!;
    let size = optSize(f, opt);
    const pad = toAlign(total, h, opt, size);
    total += pad;
    for (let k = 0; k < pad; k++) b.addByte(0);
    if (isIntOption(opt)) {
      putInteger(b, checkNumber(L, arg++), h.little, size);
    } else if (opt === 120) {
      b.addByte(0);
    } else if (opt === 102 || opt === 100) {
      const buf = opt === 102 ? f32b : f64b;
      if (opt === 102) f32[0] = checkNumber(L, arg++);
      else f64[0] = checkNumber(L, arg++);
      const out = buf.slice();
      if (!h.little) out.reverse();
      b.add(out);
    } else if (opt === 99 || opt === 115) {
      const s = checkBytes(L, arg++);
      if (size === 0) size = s.length;
      if (s.length < size) argError(L, arg, 'string too short');
      b.add(s.subarray(0, size));
      if (opt === 115) {
        b.addByte(0);
        size++;
      }
    } else {
      controlOption(f, opt, h);
    }
    total += size;
  }
  pushBytes(L, b.bytes());
  return 1;
}

function unpack(L: LuaState): number {
  const f = new Fmt(L, cstring(checkBytes(L, 1)));
  const data = checkBytes(L, 2);
  const ld = data.length;
  const offset = optInteger(L, 3, 1);
  if (offset === 0) argError(L, 3, 'offset must be 1 or greater');
  // size_t arithmetic: a negative offset is a huge position
  let pos = offset > 0 ? offset - 1 : 18446744073709551616 + offset - 1;
  const h: Header = { little: true, align: 1 };
  let n = 0;
  while (!f.done) {
    const opt = f.s[f.i++]!;
    let size = optSize(f, opt);
    pos += toAlign(pos, h, opt, size);
    if (!(pos + size <= ld)) argError(L, 2, 'data string too short');
    checkStack(L, 2, 'too many results');
    if (isIntOption(opt)) {
      lua.lua_pushnumber(L, getInteger(data, pos, h.little, opt >= 97, size));
      n++;
    } else if (opt === 120) {
      // padding
    } else if (opt === 102 || opt === 100) {
      const buf = opt === 102 ? f32b : f64b;
      const src = data.slice(pos, pos + size);
      if (!h.little) src.reverse();
      buf.set(src);
      lua.lua_pushnumber(L, opt === 102 ? f32[0] : f64[0]);
      n++;
    } else if (opt === 99) {
      if (size === 0) {
        if (n === 0 || !lua.lua_isnumber(L, -1)) luaError(L, "format 'c0' needs a previous size");
        size = lua.lua_tonumber(L, -1);
        lua.lua_pop(L, 1);
        n--;
        if (!(size <= ld && pos <= ld - size)) argError(L, 2, 'data string too short');
      }
      pushBytes(L, data.subarray(pos, pos + size));
      n++;
    } else if (opt === 115) {
      const e = data.indexOf(0, pos);
      if (e < 0) luaError(L, 'unfinished string in data');
      size = e - pos + 1;
      pushBytes(L, data.subarray(pos, e));
      n++;
    } else {
      controlOption(f, opt, h);
    }
    pos += size;
  }
  lua.lua_pushnumber(L, pos + 1);
  return n + 1;
}

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function size(L: LuaState): number {
  const f = new Fmt(L, cstring(checkBytes(L, 1)));
  const h: Header = { little: true, align: 1 };
  let pos = 0;
  while (!f.done) {
    const opt = f.s[f.i++]!;
    const sz = optSize(f, opt);
    pos += toAlign(pos, h, opt, sz);
    if (opt === 115) argError(L, 1, "option 's' has no fixed size");
    else if (opt === 99 && sz === 0) argError(L, 1, "option 'c0' has no fixed size");
    if (!isAlnum(opt)) controlOption(f, opt, h);
    pos += sz;
  }
  lua.lua_pushnumber(L, pos);
  return 1;
}

/** Leaves the struct table on the stack. */
export function openStruct(L: LuaState): void {
  newLib(L, { pack, unpack, size });
}
