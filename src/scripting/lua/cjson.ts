/**
 * The `cjson` module Redis bundles (lua-cjson 2.1.0), written from its
 * documented and observed behaviour:
 *  - encode: "%.14g" numbers (encode_number_precision 1..14), NaN/Inf
 *    refused unless encode_invalid_numbers is on (then inf/-inf/"nan") or
 *    "null"; strings escape '"' '\' '/' and control bytes (\b \f \n \r \t or
 *    \u00XX, and \u007f), other bytes pass; a table is an array when all its
 *    keys are positive integers, else an object whose number keys are quoted
 *    numbers; "excessively sparse array" when max > ratio * count and
 *    max > safe (encode_sparse_array, defaults false, 2, 10); depth limit
 *    encode_max_depth (1000); empty tables are "{}"; cjson.null is null.
 *  - decode: lua-cjson's tokenizer and its error texts ("Expected value but
 *    found T_END at character 1"...), numbers by strtod (so "+1", "0x10",
 *    "inf", "nan" pass unless decode_invalid_numbers is off), \uXXXX with
 *    surrogate pairs to UTF-8, null as cjson.null, decode_max_depth (1000);
 *    the text is a C string (it ends at a NUL).
 * Settings belong to the module table (cjson.new() makes an independent one).
 */
import {
  LuaState, LuaFunction, ByteBuffer, lua, argError, checkBytes, checkInteger, luaError, pushBytes, pushStr,
  setField, stackRoom, text, typeName, T, latin1,
} from './api';
import { fmt14g, genText, signBit } from './numfmt';
import { strtod } from '../../util/numbers';

interface Config {
  sparseConvert: boolean;
  sparseRatio: number;
  sparseSafe: number;
  encodeMaxDepth: number;
  decodeMaxDepth: number;
  precision: number;
  keepBuffer: boolean;
  encodeInvalid: number; // 0 off, 1 on, 2 null
  decodeInvalid: boolean;
}

function newConfig(): Config {
  return {
    sparseConvert: false, sparseRatio: 2, sparseSafe: 10, encodeMaxDepth: 1000, decodeMaxDepth: 1000,
    precision: 14, keepBuffer: true, encodeInvalid: 0, decodeInvalid: true,
  };
}

// ---------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------

const ESCAPES: (string | null)[] = [];
for (let c = 0; c < 256; c++) {
  let e: string | null = null;
  if (c < 32 || c === 127) e = '\\u' + c.toString(16).padStart(4, '0');
  ESCAPES.push(e);
}
ESCAPES[8] = '\\b';
ESCAPES[9] = '\\t';
ESCAPES[10] = '\\n';
ESCAPES[12] = '\\f';
ESCAPES[13] = '\\r';
ESCAPES[34] = '\\"';
ESCAPES[92] = '\\\\';
ESCAPES[47] = '\\/';

function appendString(out: ByteBuffer, s: Uint8Array): void {
  out.addByte(34);
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const e = ESCAPES[s[i]!];
    if (e === null) continue;
    if (i > start) out.add(s.subarray(start, i));
    out.addAscii(e!);
    start = i + 1;
  }
  if (start < s.length) out.add(s.subarray(start));
  out.addByte(34);
}

function encodeError(L: LuaState, idx: number, reason: string): never {
  return luaError(L, `Cannot serialise ${typeName(L, idx)}: ${reason}`);
}

function formatNumber(num: number, precision: number): string {
  if (precision === 14) return fmt14g(num);
  if (num !== num) return signBit(num) ? '-nan' : 'nan';
  if (num === Infinity) return 'inf';
  if (num === -Infinity) return '-inf';
  const neg = num < 0 || Object.is(num, -0);
  return (neg ? '-' : '') + genText(Math.abs(num), precision, false, false);
}

function appendNumber(L: LuaState, cfg: Config, out: ByteBuffer, idx: number): void {
  const num = lua.lua_tonumber(L, idx);
  const invalid = num !== num || num === Infinity || num === -Infinity;
  if (invalid) {
    if (cfg.encodeInvalid === 0) encodeError(L, idx, 'must not be NaN or Inf');
    if (cfg.encodeInvalid === 2) {
      out.addAscii('null');
      return;
    }
    if (num !== num) {
      out.addAscii('nan');
      return;
    }
  }
  out.addAscii(formatNumber(num, cfg.precision));
}

/** (int)k as x86 converts it: out of range gives INT_MIN. */
function toCInt(k: number): number {
  return k >= -2147483648 && k < 2147483648 ? Math.trunc(k) : -2147483648;
}

/** The array length of the table at the top, or -1 when it must be an object. */
function arrayLength(L: LuaState, cfg: Config): number {
  let max = 0;
  let items = 0;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, -2)) {
    if (lua.lua_type(L, -2) === T.NUMBER) {
      const k = lua.lua_tonumber(L, -2);
      if (k !== 0 && Math.floor(k) === k && k >= 1) {
        if (k > max) max = toCInt(k);
        items++;
        lua.lua_pop(L, 1);
        continue;
      }
    }
    lua.lua_pop(L, 2);
    return -1;
  }
  if (cfg.sparseRatio > 0 && max > Math.imul(items, cfg.sparseRatio) && max > cfg.sparseSafe) {
    if (!cfg.sparseConvert) encodeError(L, -1, 'excessively sparse array');
    return -1;
  }
  return max;
}

function checkDepth(L: LuaState, cfg: Config, depth: number): void {
  if (depth <= cfg.encodeMaxDepth && stackRoom(L, 3)) return;
  luaError(L, `Cannot serialise, excessive nesting (${depth})`);
}

/** Appends the value at the top of the stack. */
function appendData(L: LuaState, cfg: Config, depth: number, out: ByteBuffer): void {
  switch (lua.lua_type(L, -1)) {
    case T.STRING:
      appendString(out, lua.lua_tolstring(L, -1));
      return;
    case T.NUMBER:
      appendNumber(L, cfg, out, -1);
      return;
    case T.BOOLEAN:
      out.addAscii(lua.lua_toboolean(L, -1) ? 'true' : 'false');
      return;
    case T.TABLE: {
      depth++;
      checkDepth(L, cfg, depth);
      const len = arrayLength(L, cfg);
      if (len > 0) appendArray(L, cfg, depth, out, len);
      else appendObject(L, cfg, depth, out);
      return;
    }
    case T.NIL:
      out.addAscii('null');
      return;
    case T.LIGHTUSERDATA:
      if (lua.lua_touserdata(L, -1) === null) {
        out.addAscii('null');
        return;
      }
  }
  encodeError(L, -1, 'type not supported');
}

function appendArray(L: LuaState, cfg: Config, depth: number, out: ByteBuffer, len: number): void {
  out.addByte(91);
  for (let i = 1; i <= len; i++) {
    if (i > 1) out.addByte(44);
    lua.lua_rawgeti(L, -1, i);
    appendData(L, cfg, depth, out);
    lua.lua_pop(L, 1);
  }
  out.addByte(93);
}

function appendObject(L: LuaState, cfg: Config, depth: number, out: ByteBuffer): void {
  out.addByte(123);
  let first = true;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, -2)) {
    if (!first) out.addByte(44);
    first = false;
    const kt = lua.lua_type(L, -2);
    if (kt === T.NUMBER) {
      out.addByte(34);
      appendNumber(L, cfg, out, -2);
      out.addAscii('":');
    } else if (kt === T.STRING) {
      appendString(out, lua.lua_tolstring(L, -2));
      out.addByte(58);
    } else {
      encodeError(L, -2, 'table key must be a number or string');
    }
    appendData(L, cfg, depth, out);
    lua.lua_pop(L, 1);
  }
  out.addByte(125);
}

function encode(cfg: Config): LuaFunction {
  return (L: LuaState): number => {
    if (lua.lua_gettop(L) !== 1) argError(L, 1, 'expected 1 argument');
    const out = new ByteBuffer();
    appendData(L, cfg, 0, out);
    pushBytes(L, out.bytes());
    return 1;
  };
}

// ---------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------

const TOKEN_NAMES = [
  'T_OBJ_BEGIN', 'T_OBJ_END', 'T_ARR_BEGIN', 'T_ARR_END', 'T_STRING', 'T_NUMBER', 'T_BOOLEAN', 'T_NULL',
  'T_COLON', 'T_COMMA', 'T_END', 'T_WHITESPACE', 'T_ERROR', 'T_UNKNOWN',
];
const enum Tk { ObjBegin, ObjEnd, ArrBegin, ArrEnd, String, Number, Boolean, Null, Colon, Comma, End, Whitespace, Error, Unknown }

const CH2TOKEN = new Uint8Array(256).fill(Tk.Error);
CH2TOKEN[123] = Tk.ObjBegin;
CH2TOKEN[125] = Tk.ObjEnd;
CH2TOKEN[91] = Tk.ArrBegin;
CH2TOKEN[93] = Tk.ArrEnd;
CH2TOKEN[44] = Tk.Comma;
CH2TOKEN[58] = Tk.Colon;
CH2TOKEN[0] = Tk.End;
for (const c of [32, 9, 10, 13]) CH2TOKEN[c] = Tk.Whitespace;
for (const c of 'fiInNt"+-0123456789') CH2TOKEN[c.charCodeAt(0)] = Tk.Unknown;

const ESCAPE2CHAR = new Uint8Array(256);
ESCAPE2CHAR[34] = 34;
ESCAPE2CHAR[92] = 92;
ESCAPE2CHAR[47] = 47;
ESCAPE2CHAR[98] = 8;
ESCAPE2CHAR[116] = 9;
ESCAPE2CHAR[110] = 10;
ESCAPE2CHAR[102] = 12;
ESCAPE2CHAR[114] = 13;
ESCAPE2CHAR[117] = 117;

interface Token {
  type: Tk;
  index: number;
  str: Uint8Array | null;
  num: number;
  bool: boolean;
  error: string;
}

class Parser {
  ptr = 0;
  depth = 0;
  constructor(public L: LuaState, public cfg: Config, public data: Uint8Array) {}

  /** The byte at p, 0 past the end (the C string's terminator). */
  at(p: number): number {
    return p < this.data.length ? this.data[p]! : 0;
  }

  startsWith(word: string): boolean {
    for (let i = 0; i < word.length; i++) if (this.at(this.ptr + i) !== word.charCodeAt(i)) return false;
    return true;
  }

  startsWithNoCase(p: number, word: string): boolean {
    for (let i = 0; i < word.length; i++) if ((this.at(p + i) | 32) !== word.charCodeAt(i)) return false;
    return true;
  }

  setError(tok: Token, msg: string): void {
    tok.type = Tk.Error;
    tok.index = this.ptr;
    tok.error = msg;
  }

  isInvalidNumber(): boolean {
    let p = this.ptr;
    if (this.at(p) === 43) return true;
    if (this.at(p) === 45) p++;
    const c = this.at(p);
    if (c === 48) {
      const c2 = this.at(p + 1);
      return (c2 | 32) === 120 || (c2 >= 48 && c2 <= 57);
    }
    if (c <= 57) return false;
    return this.startsWithNoCase(p, 'inf') || this.startsWithNoCase(p, 'nan');
  }

  numberToken(tok: Token): void {
    tok.type = Tk.Number;
    let end = this.data.indexOf(0, this.ptr);
    if (end < 0) end = this.data.length;
    const r = strtod(text(this.data.subarray(this.ptr, end)), 0);
    if (r.end === 0) {
      this.setError(tok, 'invalid number');
      return;
    }
    tok.num = r.value;
    this.ptr += r.end;
  }

  hex4(p: number): number {
    let v = 0;
    for (let i = 0; i < 4; i++) {
      const c = this.at(p + i);
      let d: number;
      if (c >= 48 && c <= 57) d = c - 48;
      else if ((c | 32) >= 97 && (c | 32) <= 102) d = (c | 32) - 87;
      else return -1;
      v = v * 16 + d;
    }
    return v;
  }

  /** Appends a \uXXXX escape at ptr (maybe a surrogate pair) as UTF-8; false when invalid. */
  unicodeEscape(out: ByteBuffer): boolean {
    let cp = this.hex4(this.ptr + 2);
    let len = 6;
    if (cp < 0) return false;
    if ((cp & 0xf800) === 0xd800) {
      if (cp & 0x400) return false;
      if (this.at(this.ptr + 6) !== 92 || this.at(this.ptr + 7) !== 117) return false;
      const low = this.hex4(this.ptr + 8);
      if (low < 0 || (low & 0xfc00) !== 0xdc00) return false;
      cp = (((cp & 0x3ff) << 10) | (low & 0x3ff)) + 0x10000;
      len = 12;
    }
    if (cp < 0x80) {
      out.addByte(cp);
    } else if (cp < 0x800) {
      out.addByte(0xc0 | (cp >> 6));
      out.addByte(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      out.addByte(0xe0 | (cp >> 12));
      out.addByte(0x80 | ((cp >> 6) & 0x3f));
      out.addByte(0x80 | (cp & 0x3f));
    } else {
      out.addByte(0xf0 | (cp >> 18));
      out.addByte(0x80 | ((cp >> 12) & 0x3f));
      out.addByte(0x80 | ((cp >> 6) & 0x3f));
      out.addByte(0x80 | (cp & 0x3f));
    }
    this.ptr += len;
    return true;
  }

  stringToken(tok: Token): void {
    this.ptr++; // the opening quote
    const out = new ByteBuffer();
    for (;;) {
      let ch = this.at(this.ptr);
      if (ch === 34) break;
      if (ch === 0) {
        this.setError(tok, 'unexpected end of string');
        return;
      }
      if (ch === 92) {
        ch = ESCAPE2CHAR[this.at(this.ptr + 1)]!;
        if (ch === 117) {
          if (this.unicodeEscape(out)) continue;
          this.setError(tok, 'invalid unicode escape code');
          return;
        }
        if (ch === 0) {
          this.setError(tok, 'invalid escape code');
          return;
        }
        this.ptr++;
      }
      out.addByte(ch);
      this.ptr++;
    }
    this.ptr++;
    tok.type = Tk.String;
    tok.str = out.bytes();
  }

  next(tok: Token): void {
    let ch: number;
    for (;;) {
      ch = this.at(this.ptr);
      tok.type = CH2TOKEN[ch]!;
      if (tok.type !== Tk.Whitespace) break;
      this.ptr++;
    }
    tok.index = this.ptr;
    if (tok.type === Tk.Error) {
      this.setError(tok, 'invalid token');
      return;
    }
    if (tok.type === Tk.End) return;
    if (tok.type !== Tk.Unknown) {
      this.ptr++;
      return;
    }
    if (ch === 34) {
      this.stringToken(tok);
    } else if (ch === 45 || (ch >= 48 && ch <= 57)) {
      if (!this.cfg.decodeInvalid && this.isInvalidNumber()) this.setError(tok, 'invalid number');
      else this.numberToken(tok);
    } else if (this.startsWith('true')) {
      tok.type = Tk.Boolean;
      tok.bool = true;
      this.ptr += 4;
    } else if (this.startsWith('false')) {
      tok.type = Tk.Boolean;
      tok.bool = false;
      this.ptr += 5;
    } else if (this.startsWith('null')) {
      tok.type = Tk.Null;
      this.ptr += 4;
    } else if (this.cfg.decodeInvalid && this.isInvalidNumber()) {
      this.numberToken(tok);
    } else {
      this.setError(tok, 'invalid token');
    }
  }

  fail(expected: string, tok: Token): never {
    const found = tok.type === Tk.Error ? tok.error : TOKEN_NAMES[tok.type];
    return luaError(this.L, `Expected ${expected} but found ${found} at character ${tok.index + 1}`);
  }

  descend(slots: number): void {
    this.depth++;
    if (this.depth <= this.cfg.decodeMaxDepth && stackRoom(this.L, slots)) return;
    luaError(this.L, `Found too many nested data structures (${this.depth}) at character ${this.ptr}`);
  }

  value(tok: Token): void {
    const L = this.L;
    switch (tok.type) {
      case Tk.String: pushBytes(L, tok.str!); break;
      case Tk.Number: lua.lua_pushnumber(L, tok.num); break;
      case Tk.Boolean: lua.lua_pushboolean(L, tok.bool); break;
      case Tk.ObjBegin: this.object(); break;
      case Tk.ArrBegin: this.array(); break;
      case Tk.Null: lua.lua_pushlightuserdata(L, null); break;
      default: this.fail('value', tok);
    }
  }

  object(): void {
    const L = this.L;
    this.descend(3);
    lua.lua_newtable(L);
    const tok = newToken();
    this.next(tok);
    if (tok.type === Tk.ObjEnd) {
      this.depth--;
      return;
    }
    for (;;) {
      if (tok.type !== Tk.String) this.fail('object key string', tok);
      pushBytes(L, tok.str!);
      this.next(tok);
      if ((tok.type as Tk) !== Tk.Colon) this.fail('colon', tok);
      this.next(tok);
      this.value(tok);
      lua.lua_rawset(L, -3);
      this.next(tok);
      if ((tok.type as Tk) === Tk.ObjEnd) {
        this.depth--;
        return;
      }
      if ((tok.type as Tk) !== Tk.Comma) this.fail('comma or object end', tok);
      this.next(tok);
    }
  }

  array(): void {
    const L = this.L;
    this.descend(2);
    lua.lua_newtable(L);
    const tok = newToken();
    this.next(tok);
    if (tok.type === Tk.ArrEnd) {
      this.depth--;
      return;
    }
    for (let i = 1; ; i++) {
      this.value(tok);
      lua.lua_rawseti(L, -2, i);
      this.next(tok);
      if ((tok.type as Tk) === Tk.ArrEnd) {
        this.depth--;
        return;
      }
      if ((tok.type as Tk) !== Tk.Comma) this.fail('comma or array end', tok);
      this.next(tok);
    }
  }
}

function newToken(): Token {
  return { type: Tk.End, index: 0, str: null, num: 0, bool: false, error: '' };
}

function decode(cfg: Config): LuaFunction {
  return (L: LuaState): number => {
    if (lua.lua_gettop(L) !== 1) argError(L, 1, 'expected 1 argument');
    const data = checkBytes(L, 1);
    if (data.length >= 2 && (data[0] === 0 || data[1] === 0)) luaError(L, 'JSON parser does not support UTF-16 or UTF-32');
    const p = new Parser(L, cfg, data);
    const tok = newToken();
    p.next(tok);
    p.value(tok);
    p.next(tok);
    if (tok.type !== Tk.End) p.fail('the end', tok);
    return 1;
  };
}

// ---------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------

function argInit(L: LuaState, args: number): void {
  if (lua.lua_gettop(L) > args) argError(L, args + 1, 'found too many arguments');
  lua.lua_settop(L, args);
}

/** json_enum_option: a boolean, or one of `options` by name (boolean options are "off"/"on"). */
function enumOption(L: LuaState, idx: number, current: number, options: string[] | null): number {
  const boolTrue = 1;
  const opts = options ?? ['off', 'on'];
  let setting = current;
  if (lua.lua_type(L, idx) > 0) {
    if (lua.lua_type(L, idx) === T.BOOLEAN) {
      setting = lua.lua_toboolean(L, idx) ? boolTrue : 0;
    } else {
      const name = text(checkBytes(L, idx));
      const i = opts.indexOf(name);
      if (i < 0) argError(L, idx, `invalid option '${name}'`);
      setting = i;
    }
  }
  if (setting === 0 || setting === boolTrue) lua.lua_pushboolean(L, setting === boolTrue);
  else pushStr(L, opts[setting]!);
  return setting;
}

function integerOption(L: LuaState, idx: number, current: number, min: number, max: number): number {
  let setting = current;
  if (!lua.lua_isnil(L, idx)) {
    const v = checkInteger(L, idx) | 0;
    if (!(min <= v && v <= max)) argError(L, 1, `expected integer between ${min} and ${max}`);
    setting = v;
  }
  lua.lua_pushnumber(L, setting);
  return setting;
}

function settings(cfg: Config): Record<string, LuaFunction> {
  return {
    encode_sparse_array: (L) => {
      argInit(L, 3);
      cfg.sparseConvert = enumOption(L, 1, cfg.sparseConvert ? 1 : 0, null) === 1;
      cfg.sparseRatio = integerOption(L, 2, cfg.sparseRatio, 0, 2147483647);
      cfg.sparseSafe = integerOption(L, 3, cfg.sparseSafe, 0, 2147483647);
      return 3;
    },
    encode_max_depth: (L) => {
      argInit(L, 1);
      cfg.encodeMaxDepth = integerOption(L, 1, cfg.encodeMaxDepth, 1, 2147483647);
      return 1;
    },
    decode_max_depth: (L) => {
      argInit(L, 1);
      cfg.decodeMaxDepth = integerOption(L, 1, cfg.decodeMaxDepth, 1, 2147483647);
      return 1;
    },
    encode_number_precision: (L) => {
      argInit(L, 1);
      cfg.precision = integerOption(L, 1, cfg.precision, 1, 14);
      return 1;
    },
    encode_keep_buffer: (L) => {
      argInit(L, 1);
      cfg.keepBuffer = enumOption(L, 1, cfg.keepBuffer ? 1 : 0, null) === 1;
      return 1;
    },
    encode_invalid_numbers: (L) => {
      argInit(L, 1);
      cfg.encodeInvalid = enumOption(L, 1, cfg.encodeInvalid, ['off', 'on', 'null']);
      return 1;
    },
    decode_invalid_numbers: (L) => {
      argInit(L, 1);
      cfg.decodeInvalid = enumOption(L, 1, cfg.decodeInvalid ? 1 : 0, null) === 1;
      return 1;
    },
  };
}

/** Leaves a new cjson module table (with its own settings) on the stack. */
export function openCjson(L: LuaState): number {
  const cfg = newConfig();
  const funcs: Record<string, LuaFunction> = {
    encode: encode(cfg), decode: decode(cfg), ...settings(cfg), new: openCjson,
  };
  lua.lua_newtable(L); // as lua_cjson.c: a plain table grown key by key
  for (const name of Object.keys(funcs)) {
    lua.lua_pushcfunction(L, funcs[name]);
    setField(L, -2, name);
  }
  lua.lua_pushlightuserdata(L, null);
  setField(L, -2, 'null');
  lua.lua_pushstring(L, latin1('cjson'));
  setField(L, -2, '_NAME');
  lua.lua_pushstring(L, latin1('2.1.0'));
  setField(L, -2, '_VERSION');
  return 1;
}
