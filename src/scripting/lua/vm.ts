/**
 * Loads fengari (Lua 5.3 in JS) and bends it into Lua 5.1 as Redis 7.0 embeds it.
 *
 * Why the order matters: fengari's modules destructure each other's exports
 * when they are first required (lobject.js takes `lua_number2str` and
 * `LUA_COMPAT_FLOATSTRING` from luaconf.js, every module takes the type tags
 * from defs.js, lvm.js takes `luai_nummod` from llimits.js, llex.js and
 * ltable.js take the string hash from lstring.js, lua.js copies lapi.js's
 * functions). A patch only reaches them if it is in place before that first
 * require, so this module requires the leaf modules itself, patches them,
 * and only then requires the rest. Nothing else in tredis may require
 * fengari: the core reaches it only through src/scripting/lua/index.ts.
 *
 * The patches:
 *  - numbers: 5.1 has only doubles. The integer type tag is made equal to the
 *    float tag, so every number fengari creates (literals, `#`, library
 *    results, table keys) is a float and 5.3's integer paths (32-bit wrap in
 *    fengari) never run; `ttisinteger()` is false. Numbers print with C's
 *    "%.14g" (numfmt.ts) and strings convert with 5.1's strtod rules
 *    (str2num.ts); `%` is 5.1's `a - floor(a/b)*b`; API integer conversion
 *    truncates like C's cast.
 *  - the lexer is replaced by a 5.1 one (lexer.ts), so 5.3 syntax (`//`,
 *    bitwise operators, `goto`, `::`, `\x` escapes...) is rejected or read
 *    as 5.1 does, and binary chunks are never loaded (Redis parses them as
 *    text).
 *  - error messages that differ between 5.3 and 5.1 are rewritten where
 *    fengari formats them (errors.ts), chunk ids follow 5.1 with Redis's
 *    LUA_IDSIZE 80, and Lua call depth is limited as 5.1's LUAI_MAXCALLS.
 *  - tables are 5.1's (table51.ts): `next` order and `#` borders as Redis's.
 *  - a fengari bug is fixed: its string hash ("|" + hex of each byte, no
 *    separators) made different strings equal table keys ("\1#" == "\18\3").
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import { fmt14g } from './numfmt';
import { str2number } from './str2num';
import { installLexer } from './lexer';
import { installErrorRewrites } from './errors';
import { cPow } from './numpow';
import { installTables } from './table51';
import { readFileSync } from 'fs';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Module = require('module');

const MARK = '__tredisLua51';

function loadPatched(): any {
  const defsPath = require.resolve('fengari/src/defs.js');
  const lobjectPath = require.resolve('fengari/src/lobject.js');
  if (require.cache[lobjectPath] !== undefined) {
    const defsLoaded = require.cache[defsPath]?.exports;
    if (defsLoaded?.[MARK] !== undefined) return defsLoaded[MARK];
    throw new Error('fengari was loaded before src/scripting/lua could patch it: import it only through src/scripting/lua');
  }

  // luaconf.js reads FENGARICONF once, when defs.js requires it.
  const savedConf = process.env.FENGARICONF;
  process.env.FENGARICONF = JSON.stringify({ LUA_COMPAT_FLOATSTRING: true, LUA_IDSIZE: 79 });
  const exts = Module._extensions;
  const plainJs = exts['.js'];
  exts['.js'] = (module: any, filename: string): void => {
    if (!filename.startsWith(FENGARI_SRC)) return plainJs(module, filename);
    let src: string = readFileSync(filename, 'utf8');
    for (const [from, to] of TEXT_PATCHES[filename] ?? []) {
      if (!src.includes(from)) throw new Error(`fengari source patch failed: ${from} not in ${filename}`);
      src = src.split(from).join(to);
    }
    module._compile(src.replace(STACK_DELETE, '$1 = undefined;'), filename);
  };
  try {
    return loadFengari();
  } finally {
    exts['.js'] = plainJs;
    if (savedConf === undefined) delete process.env.FENGARICONF;
    else process.env.FENGARICONF = savedConf;
  }
}

/**
 * Changes to fengari's source where it computes inline (applied as the
 * module is compiled): `^` with C's pow() (numpow.ts) in the VM and in
 * constant folding; constant folding of zero results, which 5.3 skips and
 * 5.1 does (so `-0` is a constant that shares its slot with `0`, as in 5.1);
 * the constant cache of lcode's addk, which tests `ttisinteger()`; table
 * constructors sized as 5.1 sizes them (table51.ts); `#` ignoring __len
 * on tables and __eq called only for operands with the same one, as 5.1.
 */
const fengariSrc = (name: string): string => require.resolve(`fengari/src/${name}`);
const FENGARI_SRC = fengariSrc('lua.js').slice(0, -'lua.js'.length);
/**
 * fengari pops with `delete L.stack[i]`: V8 then turns a stack array that
 * has had holes punched into it into a dictionary, and every stack access
 * of that state becomes a hash lookup (the main state's stack, seen in
 * profiles of EVALSHA). Storing undefined keeps the array's fast elements.
 */
const STACK_DELETE = /delete (\w+\.stack\[[^\]]+\]);/g;
const NUMPOW = "const luai_numpow = require('./llimits.js').luai_numpow;\n";
const TEXT_PATCHES: Record<string, Array<[string, string]>> = {
  [fengariSrc('lvm.js')]: [
    ['"use strict";\n', '"use strict";\n' + NUMPOW],
    ['Math.pow(numberop1, numberop2)', 'luai_numpow(numberop1, numberop2)'],
    // 5.1 sizes a constructor's table from OP_NEWTABLE's B and C...
    ['L.stack[ra].sethvalue(ltable.luaH_new(L));', 'L.stack[ra].sethvalue(ltable.luaH_new(L, ltable.fb2int(i.B), ltable.fb2int(i.C)));'],
    // ...and SETLIST grows the array part before storing (table51.ts)
    ['let last = ((c - 1) * LFIELDS_PER_FLUSH) + n;\n', 'let last = ((c - 1) * LFIELDS_PER_FLUSH) + n;\n                ltable.luaH_presize(L, h, last);\n'],
    // 5.1 calls __eq only when both operands have the same one (errors.ts: luaT_getcompTM)
    [
      'tm = ltm.fasttm(L, t1.value.metatable, ltm.TMS.TM_EQ);\n            if (tm === null)\n                tm = ltm.fasttm(L, t2.value.metatable, ltm.TMS.TM_EQ);',
      'tm = ltm.luaT_getcompTM(L, t1.value.metatable, t2.value.metatable, ltm.TMS.TM_EQ);',
    ],
    // 5.1's # of a table is its raw length (__len is for userdata only)
    ['tm = ltm.fasttm(L, h.metatable, ltm.TMS.TM_LEN);\n            if (tm !== null) break;', 'tm = null;'],
  ],
  [fengariSrc('lobject.js')]: [
    ['"use strict";\n', '"use strict";\n' + NUMPOW],
    ['return Math.pow(v1, v2);', 'return luai_numpow(v1, v2);'],
  ],
  // a string's latin1 JS text, cached by the host (index.ts: jsString)
  [fengariSrc('lstring.js')]: [['this.realstring = str;\n', 'this.realstring = str;\n        this.js = null;\n        this.h51 = undefined;\n']],
  [fengariSrc('lcode.js')]: [
    ['if (isNaN(n) || n === 0)', 'if (isNaN(n))'],
    ['if (idx.ttisinteger()) {', 'if (idx.ttisnumber()) {'],
  ],
};

function loadFengari(): any {
  const defs = require('fengari/src/defs.js');
  const ct = defs.constant_types;
  ct.LUA_TNUMINT = ct.LUA_TNUMFLT;
  // Every lua_pushlstring copies its bytes with this: Uint8Array.from walks
  // an iterator, Uint8Array's slice copies the memory at once (a Buffer's own
  // slice would be a view).
  const u8slice = Uint8Array.prototype.slice;
  defs.luastring_from = (a: Uint8Array): Uint8Array => u8slice.call(a);

  const luaconf = require('fengari/src/luaconf.js');
  luaconf.LUA_COMPAT_FLOATSTRING = true;
  luaconf.lua_number2str = fmt14g;
  luaconf.lua_integer2str = fmt14g;

  const llimits = require('fengari/src/llimits.js');
  llimits.luai_nummod = (_L: unknown, a: number, b: number): number => a - Math.floor(a / b) * b;
  llimits.luai_numpow = cPow;

  const lstring = require('fengari/src/lstring.js');
  const hash = (str: Uint8Array): string =>
    '|' + Buffer.from(str.buffer, str.byteOffset, str.length).latin1Slice(0, str.length);
  lstring.luaS_hash = hash;
  lstring.luaS_hashlongstr = (ts: any): string => {
    if (ts.hash === null) ts.hash = hash(ts.realstring);
    return ts.hash;
  };

  // The core of the VM, entered as lua.js enters it (lapi pulls in lobject,
  // lvm, ldo, ltable...: their circular requires need that order).
  const lapi = require('fengari/src/lapi.js');
  const lobject = require('fengari/src/lobject.js');
  const lvm = require('fengari/src/lvm.js');
  const ldo = require('fengari/src/ldo.js');
  const ltable = require('fengari/src/ltable.js');
  const lstate = require('fengari/src/lstate.js');
  const ldebug = require('fengari/src/ldebug.js');
  const llex = require('fengari/src/llex.js');
  const lparser = require('fengari/src/lparser.js');
  const lfunc = require('fengari/src/lfunc.js');
  const lzio = require('fengari/src/lzio.js');
  const NUM = ct.LUA_TNUMFLT;

  lobject.TValue.prototype.ttisinteger = (): boolean => false;

  // String -> number (lexer numerals use it too, through str2num.ts).
  lobject.luaO_str2num = (s: Uint8Array, o: any): number => {
    const v = str2number(s);
    if (v === null) return 0;
    o.setfltvalue(v);
    return s.length + 1;
  };

  // API integers: C's (lua_Integer) cast of the number (x86-64 cvttsd2si:
  // out of range or NaN gives INT64_MIN).
  lvm.tointeger = (o: any): number | false => {
    const n = lvm.tonumber(o);
    if (n === false) return false;
    const t = Math.trunc(n);
    return t >= -9223372036854775808 && t < 9223372036854775808 ? t + 0 : -9223372036854775808;
  };
  // lua_pushinteger takes any integral double (fengari checks int32).
  lapi.lua_pushinteger = (L: any, n: number): void => {
    L.stack[L.top] = new lobject.TValue(NUM, n);
    L.top++;
  };

  // Strings from bytes: one copy of the bytes, no view of them first (the
  // host pushes every argument and reply string through here).
  const pushlstring = lapi.lua_pushlstring;
  const LNGSTR = ct.LUA_TLNGSTR;
  lapi.lua_pushlstring = (L: any, s: any, len: number): void => {
    if (!(s instanceof Uint8Array) || len === 0) return pushlstring(L, s, len);
    L.stack[L.top] = new lobject.TValue(LNGSTR, new lstring.TString(L, u8slice.call(s, 0, len)));
    L.top++;
  };

  // Texts only: Redis's Lua never loads binary chunks (they fail to parse).
  ldo.luaD_protectedparser = (L: any, z: any, name: Uint8Array, _mode: unknown): number => {
    const p = { z, buff: new lzio.MBuffer(), dyd: new lparser.Dyndata(), name };
    L.nny++;
    const status = ldo.luaD_pcall(L, parseText, p, L.top, L.errfunc);
    L.nny--;
    return status;
  };
  const parseText = (L: any, p: any): void => {
    const cl = lparser.luaY_parser(L, p.z, p.buff, p.dyd, p.name, p.z.zgetc());
    lfunc.luaF_initupvals(L, cl);
  };

  // 5.1's LUAI_MAXCALLS: at most 20000 nested calls ("stack overflow"),
  // with some room left for the error handler once it is reported.
  const extendCI = lstate.luaE_extendCI;
  lstate.luaE_extendCI = (L: any): any => {
    const d = (L.ci.depth ?? 1) + 1;
    if (d > MAX_CALLS && (L.ciOverflow !== true || d > MAX_CALLS + 200)) {
      L.ciOverflow = true;
      ldebug.luaG_runerror(L, defs.to_luastring('stack overflow', true));
    } else if (L.ciOverflow === true && d < MAX_CALLS - 100) {
      L.ciOverflow = false;
    }
    const ci = extendCI(L);
    ci.depth = d;
    return ci;
  };

  const ltm = require('fengari/src/ltm.js');
  // 5.1's get_compTM and call_orderTM: __eq, __lt and __le are called only
  // when both operands have the same metamethod.
  ltm.luaT_getcompTM = (L: any, mt1: any, mt2: any, event: number): any => {
    const tm1 = ltm.fasttm(L, mt1, event);
    if (tm1 === null) return null;
    if (mt1 === mt2) return tm1;
    const tm2 = ltm.fasttm(L, mt2, event);
    if (tm2 === null) return null;
    return lvm.luaV_equalobj(null, tm1, tm2) ? tm1 : null;
  };
  ltm.luaT_callorderTM = (L: any, p1: any, p2: any, event: number): boolean | null => {
    const tm1 = ltm.luaT_gettmbyobj(L, p1, event);
    if (tm1.ttisnil()) return null;
    const tm2 = ltm.luaT_gettmbyobj(L, p2, event);
    if (!lvm.luaV_equalobj(null, tm1, tm2)) return null;
    const res = new lobject.TValue(ct.LUA_TNIL, null);
    ltm.luaT_callTM(L, tm1, p1, p2, res, 1);
    return !res.l_isfalse();
  };

  const mods = { defs, luaconf, lobject, lapi, lvm, ldo, ltable, lstate, ldebug, llex, lparser, lfunc, lzio, lstring, ltm };
  installTables(mods);
  lapi.lua_createtable = (L: any, narray: number, nrec: number): void => {
    L.stack[L.top] = new lobject.TValue(ct.LUA_TTABLE, ltable.luaH_new(L, narray, nrec));
    L.top++;
  };
  installLexer(mods);
  installErrorRewrites(mods);

  // Only now the public modules (lua.js copies lapi's functions).
  const luaPath = require.resolve('fengari/src/lua.js');
  if (require.cache[luaPath] !== undefined) throw new Error('fengari/src/lua.js loaded before lapi was patched');
  const fengari = require('fengari');
  const all = { ...mods, fengari, lua: fengari.lua, lauxlib: fengari.lauxlib, lualib: fengari.lualib };
  Object.defineProperty(defs, MARK, { value: all });
  return all;
}

const MAX_CALLS = 20000;

/** fengari's modules, patched. */
export const F = loadPatched();
