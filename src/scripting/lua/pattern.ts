/**
 * Lua 5.1 patterns: string.find, match, gmatch (gfind) and gsub.
 *
 * 5.1 differs from fengari's 5.3 here: the pattern is a C string (it ends at
 * its first NUL), %z is the NUL class and %g is a literal 'g', "unbalanced
 * pattern" for a %b without its two characters, find's init is clamped to
 * the string length, gmatch has no anchor, gsub's replacement string takes
 * any "%x" as x (a final '%' adds a NUL byte), and error texts are 5.1's.
 */
import {
  LuaState, lua, T, ByteBuffer, argError, checkBytes, checkInt, checkStack, luaError, optInteger, typeName, pushBytes,
} from './api';

const L_ESC = 37; // '%'
const MAXCAPTURES = 32;
const CAP_UNFINISHED = -1;
const CAP_POSITION = -2;
const MAXCCALLS = 200;

class MatchState {
  src: Uint8Array;
  pat: Uint8Array;
  level = 0;
  capInit: number[] = [];
  capLen: number[] = [];
  depth = 0;
  constructor(public L: LuaState, src: Uint8Array, pat: Uint8Array) {
    this.src = src;
    this.pat = pat;
  }
}

function isalpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
function isdigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function iscntrl(c: number): boolean {
  return c < 32 || c === 127;
}
function ispunct(c: number): boolean {
  return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
}
function isspace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function matchClass(c: number, cl: number): boolean {
  let res: boolean;
  switch (cl | 32) {
    case 97: res = isalpha(c); break; // a
    case 99: res = iscntrl(c); break; // c
    case 100: res = isdigit(c); break; // d
    case 108: res = c >= 97 && c <= 122; break; // l
    case 112: res = ispunct(c); break; // p
    case 115: res = isspace(c); break; // s
    case 117: res = c >= 65 && c <= 90; break; // u
    case 119: res = isalpha(c) || isdigit(c); break; // w
    case 120: res = isdigit(c) || ((c | 32) >= 97 && (c | 32) <= 102); break; // x
    case 122: res = c === 0; break; // z
    default: return cl === c;
  }
  return cl >= 65 && cl <= 90 ? !res : res;
}

/** The pattern byte at p (0 past the end: the pattern is a C string). */
function pc(ms: MatchState, p: number): number {
  return p < ms.pat.length ? ms.pat[p]! : 0;
}

function classEnd(ms: MatchState, p: number): number {
  const c = pc(ms, p++);
  if (c === L_ESC) {
    if (pc(ms, p) === 0) luaError(ms.L, "malformed pattern (ends with '%')");
    return p + 1;
  }
  if (c === 91 /* [ */) {
    if (pc(ms, p) === 94 /* ^ */) p++;
    do {
      if (pc(ms, p) === 0) luaError(ms.L, "malformed pattern (missing ']')");
      if (pc(ms, p++) === L_ESC && pc(ms, p) !== 0) p++;
    } while (pc(ms, p) !== 93 /* ] */);
    return p + 1;
  }
  return p;
}

function matchBracketClass(ms: MatchState, c: number, p: number, ec: number): boolean {
  let sig = true;
  if (pc(ms, p + 1) === 94 /* ^ */) {
    sig = false;
    p++;
  }
  while (++p < ec) {
    const b = pc(ms, p);
    if (b === L_ESC) {
      p++;
      if (matchClass(c, pc(ms, p))) return sig;
    } else if (pc(ms, p + 1) === 45 /* - */ && p + 2 < ec) {
      p += 2;
      if (b <= c && c <= pc(ms, p)) return sig;
    } else if (b === c) {
      return sig;
    }
  }
  return !sig;
}

function singleMatch(ms: MatchState, c: number, p: number, ep: number): boolean {
  const b = pc(ms, p);
  switch (b) {
    case 46: return true; // '.'
    case L_ESC: return matchClass(c, pc(ms, p + 1));
    case 91: return matchBracketClass(ms, c, p, ep - 1);
    default: return b === c;
  }
}

function matchBalance(ms: MatchState, s: number, p: number): number {
  if (pc(ms, p) === 0 || pc(ms, p + 1) === 0) luaError(ms.L, 'unbalanced pattern');
  const src = ms.src;
  if (s >= src.length || src[s] !== pc(ms, p)) return -1;
  const b = pc(ms, p);
  const e = pc(ms, p + 1);
  let cont = 1;
  while (++s < src.length) {
    const c = src[s];
    if (c === e) {
      if (--cont === 0) return s + 1;
    } else if (c === b) {
      cont++;
    }
  }
  return -1;
}

function maxExpand(ms: MatchState, s: number, p: number, ep: number): number {
  let i = 0;
  while (s + i < ms.src.length && singleMatch(ms, ms.src[s + i]!, p, ep)) i++;
  while (i >= 0) {
    const res = doMatch(ms, s + i, ep + 1);
    if (res !== -1) return res;
    i--;
  }
  return -1;
}

function minExpand(ms: MatchState, s: number, p: number, ep: number): number {
  for (;;) {
    const res = doMatch(ms, s, ep + 1);
    if (res !== -1) return res;
    if (s < ms.src.length && singleMatch(ms, ms.src[s]!, p, ep)) s++;
    else return -1;
  }
}

function startCapture(ms: MatchState, s: number, p: number, what: number): number {
  const level = ms.level;
  if (level >= MAXCAPTURES) luaError(ms.L, 'too many captures');
  ms.capInit[level] = s;
  ms.capLen[level] = what;
  ms.level = level + 1;
  const res = doMatch(ms, s, p);
  if (res === -1) ms.level--;
  return res;
}

function endCapture(ms: MatchState, s: number, p: number): number {
  let l = ms.level - 1;
  for (; l >= 0; l--) if (ms.capLen[l] === CAP_UNFINISHED) break;
  if (l < 0) luaError(ms.L, 'invalid pattern capture');
  ms.capLen[l] = s - ms.capInit[l]!;
  const res = doMatch(ms, s, p);
  if (res === -1) ms.capLen[l] = CAP_UNFINISHED;
  return res;
}

function matchCapture(ms: MatchState, s: number, c: number): number {
  const l = c - 49; // '1'
  if (l < 0 || l >= ms.level || ms.capLen[l] === CAP_UNFINISHED) luaError(ms.L, 'invalid capture index');
  const len = ms.capLen[l]!;
  const init = ms.capInit[l]!;
  const src = ms.src;
  if (src.length - s < len) return -1;
  for (let i = 0; i < len; i++) if (src[init + i] !== src[s + i]) return -1;
  return s + len;
}

/** 5.1's match(): the end of the match of pattern[p..] at subject s, or -1. */
function doMatch(ms: MatchState, s: number, p: number): number {
  if (++ms.depth > MAXCCALLS * 50) luaError(ms.L, 'pattern too complex');
  try {
    for (;;) {
      const c = pc(ms, p);
      switch (c) {
        case 40: // '('
          if (pc(ms, p + 1) === 41) return startCapture(ms, s, p + 2, CAP_POSITION);
          return startCapture(ms, s, p + 1, CAP_UNFINISHED);
        case 41: // ')'
          return endCapture(ms, s, p + 1);
        case 0: // end of pattern
          return s;
        case 36: // '$'
          if (pc(ms, p + 1) === 0) return s === ms.src.length ? s : -1;
          break;
        case L_ESC: {
          const n = pc(ms, p + 1);
          if (n === 98) { // %b
            s = matchBalance(ms, s, p + 2);
            if (s === -1) return -1;
            p += 4;
            continue;
          }
          if (n === 102) { // %f
            p += 2;
            if (pc(ms, p) !== 91) luaError(ms.L, "missing '[' after '%f' in pattern");
            const ep = classEnd(ms, p);
            const prev = s === 0 ? 0 : ms.src[s - 1]!;
            const cur = s < ms.src.length ? ms.src[s]! : 0;
            if (matchBracketClass(ms, prev, p, ep - 1) || !matchBracketClass(ms, cur, p, ep - 1)) return -1;
            p = ep;
            continue;
          }
          if (isdigit(n)) {
            s = matchCapture(ms, s, n);
            if (s === -1) return -1;
            p += 2;
            continue;
          }
          break;
        }
        default:
          break;
      }
      // a single-char class with its optional repetition suffix
      const ep = classEnd(ms, p);
      const m = s < ms.src.length && singleMatch(ms, ms.src[s]!, p, ep);
      switch (pc(ms, ep)) {
        case 63: { // '?'
          if (m) {
            const res = doMatch(ms, s + 1, ep + 1);
            if (res !== -1) return res;
          }
          p = ep + 1;
          continue;
        }
        case 42: // '*'
          return maxExpand(ms, s, p, ep);
        case 43: // '+'
          return m ? maxExpand(ms, s + 1, p, ep) : -1;
        case 45: // '-'
          return minExpand(ms, s, p, ep);
        default:
          if (!m) return -1;
          s++;
          p = ep;
      }
    }
  } finally {
    ms.depth--;
  }
}

function pushOneCapture(ms: MatchState, i: number, s: number, e: number): void {
  const L = ms.L;
  if (i >= ms.level) {
    if (i === 0) pushBytes(L, ms.src.subarray(s, e));
    else luaError(L, 'invalid capture index');
    return;
  }
  const l = ms.capLen[i]!;
  if (l === CAP_UNFINISHED) luaError(L, 'unfinished capture');
  const init = ms.capInit[i]!;
  if (l === CAP_POSITION) lua.lua_pushnumber(L, init + 1);
  else pushBytes(L, ms.src.subarray(init, init + l));
}

/** Pushes the captures (or the whole match s..e when there are none and s >= 0). */
function pushCaptures(ms: MatchState, s: number, e: number): number {
  const n = ms.level === 0 && s >= 0 ? 1 : ms.level;
  checkStack(ms.L, n, 'too many captures');
  for (let i = 0; i < n; i++) pushOneCapture(ms, i, s, e);
  return n;
}

/** The pattern as 5.1 sees it: up to its first NUL. */
function cstring(b: Uint8Array): Uint8Array {
  const z = b.indexOf(0);
  return z < 0 ? b : b.subarray(0, z);
}

function posrelat(pos: number, len: number): number {
  if (pos < 0) pos += len + 1;
  return pos >= 0 ? pos : 0;
}

const SPECIALS = new Set([94, 36, 42, 43, 63, 46, 40, 91, 37, 45]); // ^$*+?.([%-

function findPlain(s: Uint8Array, init: number, p: Uint8Array): number {
  if (p.length === 0) return init;
  if (p.length > s.length - init) return -1;
  return Buffer.from(s.buffer, s.byteOffset, s.length).indexOf(Buffer.from(p.buffer, p.byteOffset, p.length), init);
}

function findAux(L: LuaState, find: boolean): number {
  const s = checkBytes(L, 1);
  const pfull = checkBytes(L, 2);
  let init = posrelat(optInteger(L, 3, 1), s.length) - 1;
  if (init < 0) init = 0;
  else if (init > s.length) init = s.length;
  const p = cstring(pfull);
  let plain = false;
  if (find) {
    plain = lua.lua_toboolean(L, 4);
    if (!plain) {
      plain = true;
      for (let i = 0; i < p.length; i++) if (SPECIALS.has(p[i]!)) { plain = false; break; }
    }
  }
  if (plain) {
    const at = findPlain(s, init, pfull);
    if (at >= 0) {
      lua.lua_pushnumber(L, at + 1);
      lua.lua_pushnumber(L, at + pfull.length);
      return 2;
    }
  } else {
    const ms = new MatchState(L, s, p);
    const anchor = p[0] === 94;
    const pstart = anchor ? 1 : 0;
    let s1 = init;
    do {
      ms.level = 0;
      const res = doMatch(ms, s1, pstart);
      if (res !== -1) {
        if (find) {
          lua.lua_pushnumber(L, s1 + 1);
          lua.lua_pushnumber(L, res);
          return pushCaptures(ms, -1, 0) + 2;
        }
        return pushCaptures(ms, s1, res);
      }
    } while (s1++ < s.length && !anchor);
  }
  lua.lua_pushnil(L);
  return 1;
}

export function strFind(L: LuaState): number {
  return findAux(L, true);
}

export function strMatch(L: LuaState): number {
  return findAux(L, false);
}

function gmatchAux(L: LuaState): number {
  const s = lua.lua_tolstring(L, lua.lua_upvalueindex(1)) as Uint8Array;
  const p = cstring(lua.lua_tolstring(L, lua.lua_upvalueindex(2)) as Uint8Array);
  const ms = new MatchState(L, s, p);
  for (let src = lua.lua_tonumber(L, lua.lua_upvalueindex(3)); src <= s.length; src++) {
    ms.level = 0;
    const e = doMatch(ms, src, 0);
    if (e !== -1) {
      lua.lua_pushnumber(L, e === src ? e + 1 : e);
      lua.lua_replace(L, lua.lua_upvalueindex(3));
      return pushCaptures(ms, src, e);
    }
  }
  return 0;
}

export function strGmatch(L: LuaState): number {
  checkBytes(L, 1);
  checkBytes(L, 2);
  lua.lua_settop(L, 2);
  lua.lua_pushnumber(L, 0);
  lua.lua_pushcclosure(L, gmatchAux, 3);
  return 1;
}

function addString(ms: MatchState, b: ByteBuffer, s: number, e: number, repl: Uint8Array): void {
  const L = ms.L;
  const l = repl.length;
  for (let i = 0; i < l; i++) {
    const c = repl[i]!;
    if (c !== L_ESC) {
      b.addByte(c);
      continue;
    }
    i++;
    const d = i < l ? repl[i]! : 0; // past the end: the C string's NUL
    if (!isdigit(d)) {
      b.addByte(d);
    } else if (d === 48) {
      b.add(ms.src.subarray(s, e));
    } else {
      pushOneCapture(ms, d - 49, s, e);
      b.add(lua.lua_tolstring(L, -1));
      lua.lua_pop(L, 1);
    }
  }
}

function addValue(ms: MatchState, b: ByteBuffer, s: number, e: number, tr: number): void {
  const L = ms.L;
  if (tr === T.NUMBER || tr === T.STRING) {
    addString(ms, b, s, e, lua.lua_tolstring(L, 3));
    return;
  }
  if (tr === T.FUNCTION) {
    lua.lua_pushvalue(L, 3);
    const n = pushCaptures(ms, s, e);
    lua.lua_call(L, n, 1);
  } else {
    pushOneCapture(ms, 0, s, e);
    lua.lua_gettable(L, 3);
  }
  if (!lua.lua_toboolean(L, -1)) {
    lua.lua_pop(L, 1);
    b.add(ms.src.subarray(s, e));
    return;
  }
  if (!lua.lua_isstring(L, -1)) luaError(L, `invalid replacement value (a ${typeName(L, -1)})`);
  b.add(lua.lua_tolstring(L, -1));
  lua.lua_pop(L, 1);
}

export function strGsub(L: LuaState): number {
  const src = checkBytes(L, 1);
  let p = cstring(checkBytes(L, 2));
  const tr = lua.lua_type(L, 3);
  const maxS = lua.lua_type(L, 4) <= 0 ? src.length + 1 : checkInt(L, 4);
  const anchor = p[0] === 94;
  if (anchor) p = p.subarray(1);
  if (!(tr === T.NUMBER || tr === T.STRING || tr === T.FUNCTION || tr === T.TABLE)) {
    argError(L, 3, 'string/function/table expected');
  }
  const b = new ByteBuffer();
  const ms = new MatchState(L, src, p);
  let s = 0;
  let n = 0;
  while (n < maxS) {
    ms.level = 0;
    const e = doMatch(ms, s, 0);
    if (e !== -1) {
      n++;
      addValue(ms, b, s, e, tr);
    }
    if (e !== -1 && e > s) s = e;
    else if (s < src.length) b.addByte(src[s++]!);
    else break;
    if (anchor) break;
  }
  b.add(src.subarray(s));
  pushBytes(L, b.bytes());
  lua.lua_pushnumber(L, n);
  return 2;
}
