/**
 * Lua 5.1's string library as Redis builds it: byte, char, dump, find,
 * format, gfind, gmatch, gsub, len, lower, match, rep, reverse, sub, upper
 * (patterns in pattern.ts). string.format is 5.1's: C printf conversions
 * (numfmt.ts) where %d/%x/%c take any number and cast it as C does, %s
 * needs a string or number, %q quotes 5.1's way, no %a, and its texts for
 * bad formats.
 */
import {
  LuaState, lua, ByteBuffer, argError, checkBytes, checkInteger, checkInt, checkNumber, checkStack, checkType,
  luaError, newLib, optInteger, pushBytes, setField, T, latin1,
} from './api';
import { strFind, strGmatch, strGsub, strMatch } from './pattern';
import { expText, fixedText, genText, signBit, toInt64, toUint64 } from './numfmt';

function posrelat(pos: number, len: number): number {
  if (pos < 0) pos += len + 1;
  return pos >= 0 ? pos : 0;
}

/** Longest string string.rep / format will build (Redis would fail with "not enough memory"). */
const MAX_STRING = 512 * 1024 * 1024;

function strLen(L: LuaState): number {
  lua.lua_pushnumber(L, checkBytes(L, 1).length);
  return 1;
}

function strSub(L: LuaState): number {
  const s = checkBytes(L, 1);
  const l = s.length;
  let start = posrelat(checkInteger(L, 2), l);
  let end = posrelat(optInteger(L, 3, -1), l);
  if (start < 1) start = 1;
  if (end > l) end = l;
  pushBytes(L, start <= end ? s.subarray(start - 1, end) : new Uint8Array(0));
  return 1;
}

function strReverse(L: LuaState): number {
  const s = checkBytes(L, 1);
  pushBytes(L, s.slice().reverse());
  return 1;
}

function mapBytes(f: (c: number) => number) {
  return (L: LuaState): number => {
    const s = checkBytes(L, 1);
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = f(s[i]!);
    pushBytes(L, out);
    return 1;
  };
}

function strRep(L: LuaState): number {
  const s = checkBytes(L, 1);
  const n = checkInt(L, 2);
  if (n <= 0 || s.length === 0) {
    pushBytes(L, new Uint8Array(0));
    return 1;
  }
  if (s.length * n > MAX_STRING) return luaError(L, 'not enough memory');
  const out = new Uint8Array(s.length * n);
  for (let i = 0; i < n; i++) out.set(s, i * s.length);
  pushBytes(L, out);
  return 1;
}

function strByte(L: LuaState): number {
  const s = checkBytes(L, 1);
  const l = s.length;
  let posi = posrelat(optInteger(L, 2, 1), l);
  let pose = posrelat(optInteger(L, 3, posi), l);
  if (posi <= 0) posi = 1;
  if (pose > l) pose = l;
  if (posi > pose) return 0;
  const n = pose - posi + 1;
  if (n >= 2147483647) return luaError(L, 'string slice too long');
  checkStack(L, n, 'string slice too long');
  for (let i = 0; i < n; i++) lua.lua_pushnumber(L, s[posi + i - 1]);
  return n;
}

function strChar(L: LuaState): number {
  const n = lua.lua_gettop(L);
  const out = new Uint8Array(n);
  for (let i = 1; i <= n; i++) {
    const c = checkInt(L, i);
    if ((c & 0xff) !== c) argError(L, i, 'invalid value');
    out[i - 1] = c;
  }
  pushBytes(L, out);
  return 1;
}

function strDump(L: LuaState): number {
  checkType(L, 1, T.FUNCTION);
  lua.lua_settop(L, 1);
  const parts: Uint8Array[] = [];
  const writer = (_L: LuaState, b: Uint8Array, size: number): number => {
    parts.push(b.slice(0, size));
    return 0;
  };
  if (lua.lua_iscfunction(L, 1) || lua.lua_dump(L, writer, null, false) !== 0) {
    return luaError(L, 'unable to dump given function');
  }
  pushBytes(L, Buffer.concat(parts));
  return 1;
}

// ---------------------------------------------------------------------------
// string.format
// ---------------------------------------------------------------------------

interface Spec {
  minus: boolean;
  plus: boolean;
  space: boolean;
  alt: boolean;
  zero: boolean;
  width: number;
  prec: number; // -1: none
}

function pad(spec: Spec, sign: string, body: string, zeroOk: boolean): string {
  const len = sign.length + body.length;
  if (len >= spec.width) return sign + body;
  const fill = spec.width - len;
  if (spec.minus) return sign + body + ' '.repeat(fill);
  if (spec.zero && zeroOk) return sign + '0'.repeat(fill) + body;
  return ' '.repeat(fill) + sign + body;
}

function formatInt(spec: Spec, conv: number, d: number): string {
  const signed = conv === 100 || conv === 105; // d i
  const v = signed ? toInt64(d) : toUint64(d);
  const neg = v < 0n;
  const mag = neg ? -v : v;
  let digits: string;
  switch (conv) {
    case 111: digits = mag.toString(8); break; // o
    case 120: digits = mag.toString(16); break; // x
    case 88: digits = mag.toString(16).toUpperCase(); break; // X
    default: digits = mag.toString(10);
  }
  if (spec.prec >= 0) {
    if (spec.prec === 0 && mag === 0n) digits = '';
    if (digits.length < spec.prec) digits = '0'.repeat(spec.prec - digits.length) + digits;
  }
  let prefix = '';
  if (signed) prefix = neg ? '-' : spec.plus ? '+' : spec.space ? ' ' : '';
  else if (spec.alt && conv === 111 && digits[0] !== '0') digits = '0' + digits;
  else if (spec.alt && (conv === 120 || conv === 88) && mag !== 0n) prefix = conv === 120 ? '0x' : '0X';
  return pad(spec, prefix, digits, spec.prec < 0);
}

function formatFloat(spec: Spec, conv: number, d: number): string {
  const upper = conv === 69 || conv === 71; // E G
  const neg = d !== d ? signBit(d) : d < 0 || Object.is(d, -0);
  const sign = neg ? '-' : spec.plus ? '+' : spec.space ? ' ' : '';
  const a = Math.abs(d);
  if (a !== a || a === Infinity) {
    const t = a !== a ? 'nan' : 'inf';
    return pad(spec, sign, upper ? t.toUpperCase() : t, false);
  }
  const prec = spec.prec < 0 ? 6 : spec.prec;
  let body: string;
  if (conv === 102) {
    body = fixedText(a, prec);
    if (spec.alt && prec === 0) body += '.';
  } else if (conv === 101 || conv === 69) {
    body = expText(a, prec, spec.alt, upper);
  } else {
    body = genText(a, prec, spec.alt, upper);
  }
  return pad(spec, sign, body, true);
}

function addQuoted(out: ByteBuffer, s: Uint8Array): void {
  out.addByte(34);
  for (const c of s) {
    if (c === 34 || c === 92 || c === 10) {
      out.addByte(92);
      out.addByte(c);
    } else if (c === 13) out.addAscii('\\r');
    else if (c === 0) out.addAscii('\\000');
    else out.addByte(c);
  }
  out.addByte(34);
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 48 && c <= 57;
}

function strFormat(L: LuaState): number {
  const top = lua.lua_gettop(L);
  let arg = 1;
  const fmt = checkBytes(L, 1);
  const out = new ByteBuffer();
  let i = 0;
  while (i < fmt.length) {
    const c = fmt[i]!;
    if (c !== 37) {
      out.addByte(c);
      i++;
      continue;
    }
    i++;
    if (fmt[i] === 37) {
      out.addByte(37);
      i++;
      continue;
    }
    if (++arg > top) argError(L, arg, 'no value');
    const spec: Spec = { minus: false, plus: false, space: false, alt: false, zero: false, width: 0, prec: -1 };
    const flagsStart = i;
    for (;;) {
      const f = fmt[i];
      if (f === 45) spec.minus = true;
      else if (f === 43) spec.plus = true;
      else if (f === 32) spec.space = true;
      else if (f === 35) spec.alt = true;
      else if (f === 48) spec.zero = true;
      else break;
      i++;
    }
    if (i - flagsStart >= 6) luaError(L, 'invalid format (repeated flags)');
    if (isDigit(fmt[i])) spec.width = fmt[i++]! - 48;
    if (isDigit(fmt[i])) spec.width = spec.width * 10 + fmt[i++]! - 48;
    if (fmt[i] === 46) {
      i++;
      spec.prec = 0;
      if (isDigit(fmt[i])) spec.prec = fmt[i++]! - 48;
      if (isDigit(fmt[i])) spec.prec = spec.prec * 10 + fmt[i++]! - 48;
    }
    if (isDigit(fmt[i])) luaError(L, 'invalid format (width or precision too long)');
    const conv = i < fmt.length ? fmt[i]! : 0;
    i++;
    switch (conv) {
      case 99: { // c: (int)number, printed as one byte; a NUL ends the C string
        const d = checkNumber(L, arg);
        const ch = d >= -2147483648 && d < 2147483648 ? Math.trunc(d) & 0xff : 0;
        const piece = pad(spec, '', String.fromCharCode(ch), false);
        const z = piece.indexOf('\0');
        out.addAscii(z < 0 ? piece : piece.slice(0, z));
        break;
      }
      case 100: case 105: case 111: case 117: case 120: case 88:
        out.addAscii(formatInt(spec, conv, checkNumber(L, arg)));
        break;
      case 101: case 69: case 102: case 103: case 71:
        out.addAscii(formatFloat(spec, conv, checkNumber(L, arg)));
        break;
      case 113: // q
        addQuoted(out, checkBytes(L, arg));
        break;
      case 115: { // s
        const s = checkBytes(L, arg);
        if (spec.prec < 0 && s.length >= 100) {
          out.add(s);
          break;
        }
        let str = s;
        const z = str.indexOf(0);
        if (z >= 0) str = str.subarray(0, z);
        if (spec.prec >= 0 && str.length > spec.prec) str = str.subarray(0, spec.prec);
        const fill = spec.width > str.length ? spec.width - str.length : 0;
        if (!spec.minus) out.addAscii(' '.repeat(fill));
        out.add(str);
        if (spec.minus) out.addAscii(' '.repeat(fill));
        break;
      }
      default: {
        const shown = conv === 0 ? '' : String.fromCharCode(conv);
        return luaError(L, `invalid option '%${shown}' to 'format'`);
      }
    }
    if (out.n > MAX_STRING) return luaError(L, 'not enough memory');
  }
  pushBytes(L, out.bytes());
  return 1;
}

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}
function upper(c: number): number {
  return c >= 97 && c <= 122 ? c - 32 : c;
}

/** Leaves the string table on the stack and sets it as the strings' __index. */
export function openString(L: LuaState): void {
  newLib(L, {
    byte: strByte, char: strChar, dump: strDump, find: strFind, format: strFormat, gfind: strGmatch,
    gmatch: strGmatch, gsub: strGsub, len: strLen, lower: mapBytes(lower), match: strMatch, rep: strRep,
    reverse: strReverse, sub: strSub, upper: mapBytes(upper),
  });
  // the metatable of strings: { __index = string }
  lua.lua_createtable(L, 0, 1);
  lua.lua_pushstring(L, latin1(''));
  lua.lua_pushvalue(L, -2);
  lua.lua_setmetatable(L, -2);
  lua.lua_pop(L, 1);
  lua.lua_pushvalue(L, -2);
  setField(L, -2, '__index');
  lua.lua_pop(L, 1);
}
