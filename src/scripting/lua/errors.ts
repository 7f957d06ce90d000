/**
 * Lua 5.1's texts for the runtime errors fengari (5.3) formats differently.
 *
 * Every VM error goes through lobject.luaO_pushvfstring with a constant
 * format, so the rewrite happens there, keyed by the 5.3 format:
 *  - "attempt to %s a %s value%s" (5.3: "attempt to index a nil value
 *    (global 'x')") becomes 5.1's "attempt to index global 'x' (a nil
 *    value)"; 5.3's "constant" kind does not exist in 5.1 and is dropped;
 *  - yields across pcall/C calls or outside a coroutine, the JS-stack limit
 *    of nested C calls ("C stack overflow") and __index/__newindex loops.
 * Chunk ids ("[string \"...\"]", "user_script") follow 5.1's luaO_chunkid
 * with Redis's LUA_IDSIZE of 80.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */

const IDSIZE = 80;

function bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function installErrorRewrites(m: any): void {
  const lobject = m.lobject;
  const TYPE_ERROR = bytes('attempt to %s a %s value%s');
  const TYPE_ERROR_51 = bytes("attempt to %s %s '%s' (a %s value)");
  const TYPE_ERROR_PLAIN = bytes('attempt to %s a %s value');
  const YIELD_51 = bytes('attempt to yield across metamethod/C-call boundary');
  const simple = new Map<number, Array<[Uint8Array, Uint8Array]>>();
  const addSimple = (from: string, to: string | Uint8Array): void => {
    const f = bytes(from);
    const list = simple.get(f.length) ?? [];
    list.push([f, typeof to === 'string' ? bytes(to) : to]);
    simple.set(f.length, list);
  };
  addSimple('attempt to yield across a C-call boundary', YIELD_51);
  addSimple('attempt to yield across a JS-call boundary', YIELD_51);
  addSimple('attempt to yield from outside a coroutine', YIELD_51);
  addSimple('JS stack overflow', 'C stack overflow');
  addSimple("'__index' chain too long; possible loop", 'loop in gettable');
  addSimple("'__newindex' chain too long; possible loop", 'loop in settable');

  const push = lobject.luaO_pushvfstring;
  lobject.luaO_pushvfstring = (L: any, fmt: Uint8Array, argp: any[]): Uint8Array => {
    const len = fmt.length;
    if (len === TYPE_ERROR.length && same(fmt, TYPE_ERROR)) {
      const info: Uint8Array = argp[2];
      const kind = parseVarInfo(info);
      if (kind === null) return push(L, TYPE_ERROR_PLAIN, [argp[0], argp[1]]);
      return push(L, TYPE_ERROR_51, [argp[0], kind.kind, kind.name, argp[1]]);
    }
    const list = simple.get(len);
    if (list !== undefined) {
      for (const [from, to] of list) if (same(fmt, from)) return push(L, to, argp);
    }
    return push(L, fmt, argp);
  };

  lobject.luaO_chunkid = chunkId;
}

/** " (global 'x')" -> {kind: "global", name: "x"}; null for none or 5.3's "constant". */
function parseVarInfo(info: Uint8Array | undefined): { kind: Uint8Array; name: Uint8Array } | null {
  if (info === undefined || info.length < 6) return null;
  // layout: ' ' '(' kind ' ' '\'' name '\'' ')'
  const sp = info.indexOf(32, 2);
  if (sp < 0) return null;
  const kind = info.subarray(2, sp);
  if (same(kind, CONSTANT)) return null;
  return { kind, name: info.subarray(sp + 2, info.length - 2) };
}
const CONSTANT = bytes('constant');

const STRING_PRE = bytes('[string "');
const STRING_POST = bytes('"]');
const DOTS = bytes('...');

/** Lua 5.1's luaO_chunkid with LUA_IDSIZE 80 (the fengari size argument is ignored). */
export function chunkId(source: Uint8Array, _bufflen?: number): Uint8Array {
  let end = source.indexOf(0);
  if (end < 0) end = source.length;
  const src = source.subarray(0, end);
  if (src[0] === 61 /* = */) return src.slice(1, IDSIZE);
  if (src[0] === 64 /* @ */) {
    const name = src.subarray(1);
    const max = IDSIZE - 8; // sizeof(" '...' ")
    if (name.length <= max) return name.slice();
    const out = new Uint8Array(3 + max);
    out.set(DOTS);
    out.set(name.subarray(name.length - max), 3);
    return out;
  }
  let len = 0;
  while (len < src.length && src[len] !== 10 && src[len] !== 13) len++;
  const max = IDSIZE - 17; // sizeof(" [string \"...\"] ")
  if (len > max) len = max;
  const truncated = len < src.length;
  const out = new Uint8Array(STRING_PRE.length + len + (truncated ? 3 : 0) + STRING_POST.length);
  out.set(STRING_PRE);
  out.set(src.subarray(0, len), STRING_PRE.length);
  let at = STRING_PRE.length + len;
  if (truncated) {
    out.set(DOTS, at);
    at += 3;
  }
  out.set(STRING_POST, at);
  return out;
}
