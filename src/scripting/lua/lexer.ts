/**
 * A Lua 5.1 scanner for fengari's (5.3) parser.
 *
 * It replaces llex.js's exported entry points (the parser calls them through
 * the module object) and hands the parser 5.3 token codes, so:
 *  - numerals are read as 5.1 reads them (digits, '.', an exponent, then any
 *    alphanumeric tail) and converted with 5.1's strtod rules (`0x1p4` is 16,
 *    `0x1p-4` is "malformed number near '0x1p'"); all are floats;
 *  - string escapes are 5.1's: \a \b \f \n \r \t \v, \ddd, a backslash before
 *    a newline, and any other character stands for itself ("\x41" is "x41");
 *  - long brackets do not nest (as in Redis's build);
 *  - 5.3-only tokens do not exist: `//`, `<<`, `>>`, `::` are two tokens, and
 *    `&`, `|`, `~` are symbols the parser knows nothing about, so
 *    `return 1 & 2` fails with "'<eof>' expected near '&'" as on Redis;
 *    `goto` is a name;
 *  - error texts are 5.1's: every token is quoted ("'<eof>' expected"),
 *    control characters print as char(N), and "unfinished long string" has
 *    no "(starting at line N)";
 *  - `break` must end its block ("'end' expected near 'x'") and a break
 *    outside loops is "no loop to break near 'x'", at the break.
 * The environment upvalue is named "(_ENV)", a name no script can write, so
 * `_ENV` is an ordinary global as in 5.1.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import { str2number } from './str2num';

const EOZ = -1;
const FIRST_RESERVED = 257;
/** Symbols 5.1 reads but 5.3's parser would take as operators: '&', '|', '~'. */
const ALIEN_BASE = 0x10000;

const WORDS = [
  'and', 'break', 'do', 'else', 'elseif', 'end', 'false', 'for', 'function', 'if', 'in',
  'local', 'nil', 'not', 'or', 'repeat', 'return', 'then', 'true', 'until', 'while',
];

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isAlpha(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}
function isAlnum(c: number): boolean {
  return isAlpha(c) || isDigit(c);
}
function isNewline(c: number): boolean {
  return c === 10 || c === 13;
}

export function installLexer(m: any): void {
  const llex = m.llex;
  const R = llex.RESERVED;
  const { to_luastring } = m.defs;
  const { luaS_bless, luaS_hashlongstr } = m.lstring;
  const reserved = new Map<string, number>();
  const wordToken: Record<string, number> = {
    and: R.TK_AND, break: R.TK_BREAK, do: R.TK_DO, else: R.TK_ELSE, elseif: R.TK_ELSEIF,
    end: R.TK_END, false: R.TK_FALSE, for: R.TK_FOR, function: R.TK_FUNCTION, if: R.TK_IF,
    in: R.TK_IN, local: R.TK_LOCAL, nil: R.TK_NIL, not: R.TK_NOT, or: R.TK_OR,
    repeat: R.TK_REPEAT, return: R.TK_RETURN, then: R.TK_THEN, true: R.TK_TRUE,
    until: R.TK_UNTIL, while: R.TK_WHILE,
  };
  for (const w of WORDS) reserved.set(luaS_hashlongstr(luaS_bless(null, to_luastring(w))), wordToken[w]!);

  const tokenNames = new Map<number, string>([
    [R.TK_CONCAT, '..'], [R.TK_DOTS, '...'], [R.TK_EQ, '=='], [R.TK_GE, '>='], [R.TK_LE, '<='],
    [R.TK_NE, '~='], [R.TK_EOS, '<eof>'], [R.TK_FLT, '<number>'], [R.TK_INT, '<number>'],
    [R.TK_NAME, '<name>'], [R.TK_STRING, '<string>'],
  ]);
  for (const w of WORDS) tokenNames.set(wordToken[w]!, w);

  const TVtrue = new m.lobject.TValue(m.defs.constant_types.LUA_TBOOLEAN, true);
  llex.luaX_newstring = (ls: any, str: Uint8Array): any => {
    const ts = m.lstring.luaS_new(ls.L, str);
    const found = m.ltable.findStringKey(ls.h, ts);
    if (found !== null) return found;
    m.ltable.luaH_setfrom(ls.L, ls.h, new m.lobject.TValue(m.defs.constant_types.LUA_TLNGSTR, ts), TVtrue);
    return ts;
  };

  const ENVN = to_luastring('(_ENV)');
  llex.LUA_ENV = ENVN;

  /** 5.1's luaX_token2str, quoted as 5.1's callers quote it. */
  function token2text(token: number): string {
    if (token >= ALIEN_BASE) token -= ALIEN_BASE;
    if (token < FIRST_RESERVED) {
      return token < 32 || token === 127 ? `char(${token})` : String.fromCharCode(token);
    }
    return tokenNames.get(token) ?? '?';
  }
  function pushText(ls: any, text: string | Uint8Array): Uint8Array {
    return m.lobject.luaO_pushfstring(ls.L, to_luastring("'%s'", true), text);
  }
  llex.luaX_token2str = (ls: any, token: number): Uint8Array => {
    const t = token2text(token);
    // a byte >= 128 prints as itself (one byte), not as UTF-8
    return pushText(ls, t.length === 1 ? Uint8Array.of(t.charCodeAt(0)) : t);
  };

  function bufferText(ls: any): Uint8Array {
    return ls.buff.buffer.slice(0, ls.buff.n);
  }
  function txtToken(ls: any, token: number): Uint8Array {
    if (token === R.TK_NAME || token === R.TK_STRING || token === R.TK_FLT) return pushText(ls, bufferText(ls));
    return llex.luaX_token2str(ls, token);
  }
  function lexError(ls: any, msg: string | Uint8Array, token: number): never {
    const text = typeof msg === 'string' ? to_luastring(msg) : msg;
    const full = m.ldebug.luaG_addinfo(ls.L, text, ls.source, ls.linenumber);
    if (token !== 0) m.lobject.luaO_pushfstring(ls.L, to_luastring('%s near %s', true), full, txtToken(ls, token));
    m.ldo.luaD_throw(ls.L, m.defs.thread_status.LUA_ERRSYNTAX);
    throw new Error('unreachable');
  }
  llex.luaX_syntaxerror = (ls: any, msg: Uint8Array): never => {
    // 5.3's exprstat says "syntax error" where 5.1's assignment() expects '='
    if (ls.t.token !== 61 && ls.t.token !== 44 && isText(msg, 'syntax error')) msg = to_luastring("'=' expected");
    // 5.3 reports a break outside loops when the function ends; 5.1 at the break
    const undef = /^<break> at line (\d+) not inside a loop$/.exec(Buffer.from(msg).toString('latin1'));
    const near = undef !== null ? ls.breakNear?.get(Number(undef[1])) : undefined;
    if (near !== undefined) raiseAt(ls, 'no loop to break', near.line, near.text);
    return lexError(ls, msg, ls.t.token);
  };

  /** "<chunk>:<line>: <msg> near <near>" (a syntax error at a recorded place). */
  function raiseAt(ls: any, msg: string, line: number, near: Uint8Array): never {
    const full = m.ldebug.luaG_addinfo(ls.L, to_luastring(msg), ls.source, line);
    m.lobject.luaO_pushfstring(ls.L, to_luastring('%s near %s', true), full, near);
    m.ldo.luaD_throw(ls.L, m.defs.thread_status.LUA_ERRSYNTAX);
    throw new Error('unreachable');
  }

  // 5.1 wants `break` to end its block (5.3 does not): the blocks opened so
  // far tell which token 5.1's parser expects instead. Only the message
  // depends on them; whether there is an error does not.
  const CLOSER: Record<string, number> = {
    function: R.TK_END, while: R.TK_END, for: R.TK_END, do: R.TK_END, if: R.TK_END, repeat: R.TK_UNTIL, main: R.TK_EOS,
  };
  const OPENER: Record<string, number> = {
    function: R.TK_FUNCTION, while: R.TK_WHILE, for: R.TK_FOR, do: R.TK_DO, if: R.TK_IF, repeat: R.TK_REPEAT,
  };
  interface Block {
    kind: string;
    line: number;
    needDo: boolean;
  }
  function inLoop(blocks: Block[]): boolean {
    for (let i = blocks.length - 1; i >= 0; i--) {
      const k = blocks[i]!.kind;
      if (k === 'while' || k === 'for' || k === 'repeat') return true;
      if (k === 'function' || k === 'main') return false;
    }
    return false;
  }
  function track(ls: any, tok: number): void {
    const blocks: Block[] = ls.blocks51 ?? (ls.blocks51 = [{ kind: 'main', line: 1, needDo: false }]);
    if (ls.afterBreak > 0) {
      if (ls.afterBreak === 1 && ls.breakOutside) {
        // 5.1 checks for a loop with the parser on this token
        ls.breakNear ??= new Map();
        if (!ls.breakNear.has(ls.breakLine)) {
          const text = txtToken(ls, tok).slice();
          m.lapi.lua_settop(ls.L, -2); // txtToken pushed it
          ls.breakNear.set(ls.breakLine, { text, line: ls.linenumber });
        }
      }
      if (ls.afterBreak === 1 && tok === 59) {
        ls.afterBreak = 2; // one ';' may follow
        return;
      }
      ls.afterBreak = 0;
      if (tok !== R.TK_ELSE && tok !== R.TK_ELSEIF && tok !== R.TK_END && tok !== R.TK_UNTIL && tok !== R.TK_EOS) {
        const near = ls.breakOutside ? ls.breakNear.get(ls.breakLine) : undefined;
        if (near !== undefined) raiseAt(ls, 'no loop to break', near.line, near.text);
        const b = blocks[blocks.length - 1]!;
        const what = CLOSER[b.kind]!;
        if (b.kind === 'main' || b.line === ls.linenumber) {
          lexError(ls, Buffer.concat([llex.luaX_token2str(ls, what), Buffer.from(' expected')]), tok);
        }
        const full = `${Buffer.from(llex.luaX_token2str(ls, what)).toString('latin1')} expected (to close ` +
          `${Buffer.from(llex.luaX_token2str(ls, OPENER[b.kind]!)).toString('latin1')} at line ${b.line})`;
        lexError(ls, Buffer.from(full, 'latin1'), tok);
      }
    }
    const line = ls.linenumber;
    switch (tok) {
      case R.TK_BREAK:
        ls.afterBreak = 1;
        ls.breakLine = line;
        ls.breakOutside = !inLoop(blocks);
        break;
      case R.TK_FUNCTION: blocks.push({ kind: 'function', line, needDo: false }); break;
      case R.TK_WHILE: blocks.push({ kind: 'while', line, needDo: true }); break;
      case R.TK_FOR: blocks.push({ kind: 'for', line, needDo: true }); break;
      case R.TK_IF: blocks.push({ kind: 'if', line, needDo: false }); break;
      case R.TK_REPEAT: blocks.push({ kind: 'repeat', line, needDo: false }); break;
      case R.TK_DO: {
        const top = blocks[blocks.length - 1]!;
        if (top.needDo) top.needDo = false;
        else blocks.push({ kind: 'do', line, needDo: false });
        break;
      }
      case R.TK_END:
      case R.TK_UNTIL:
        if (blocks.length > 1) blocks.pop();
        break;
    }
  }

  function next(ls: any): void {
    ls.current = ls.z.zgetc();
  }
  function save(ls: any, c: number): void {
    const b = ls.buff;
    if (b.n + 1 > b.buffer.length) {
      if (b.buffer.length >= 0x3fffffff) lexError(ls, 'lexical element too long', 0);
      m.lzio.luaZ_resizebuffer(ls.L, b, b.buffer.length * 2);
    }
    b.buffer[b.n++] = c;
  }
  function saveAndNext(ls: any): void {
    save(ls, ls.current);
    next(ls);
  }
  function incLineNumber(ls: any): void {
    const old = ls.current;
    next(ls);
    if (isNewline(ls.current) && ls.current !== old) next(ls);
    if (++ls.linenumber >= 2147483647) llex.luaX_syntaxerror(ls, to_luastring('chunk has too many lines'));
  }

  /** '[' or ']' followed by '='s: the count when the same bracket follows, else -count-1. */
  function skipSep(ls: any): number {
    const s = ls.current;
    let count = 0;
    saveAndNext(ls);
    while (ls.current === 61) {
      saveAndNext(ls);
      count++;
    }
    return ls.current === s ? count : -count - 1;
  }

  function readLongString(ls: any, seminfo: any, sep: number): void {
    saveAndNext(ls); // second '['
    if (isNewline(ls.current)) incLineNumber(ls);
    for (;;) {
      const c = ls.current;
      if (c === EOZ) {
        lexError(ls, seminfo ? 'unfinished long string' : 'unfinished long comment', R.TK_EOS);
      } else if (c === 93 /* ] */) {
        if (skipSep(ls) === sep) {
          saveAndNext(ls);
          break;
        }
      } else if (isNewline(c)) {
        save(ls, 10);
        incLineNumber(ls);
        if (!seminfo) ls.buff.n = 0;
      } else if (seminfo) {
        saveAndNext(ls);
      } else {
        next(ls);
      }
    }
    if (seminfo) {
      seminfo.ts = llex.luaX_newstring(ls, ls.buff.buffer.subarray(2 + sep, ls.buff.n - (2 + sep)));
    }
  }

  function readString(ls: any, del: number, seminfo: any): void {
    saveAndNext(ls);
    while (ls.current !== del) {
      const c = ls.current;
      if (c === EOZ) lexError(ls, 'unfinished string', R.TK_EOS);
      if (isNewline(c)) lexError(ls, 'unfinished string', R.TK_STRING);
      if (c !== 92 /* \ */) {
        saveAndNext(ls);
        continue;
      }
      next(ls); // the backslash is not kept
      const e = ls.current;
      let out: number;
      switch (e) {
        case 97: out = 7; break; // \a
        case 98: out = 8; break; // \b
        case 102: out = 12; break; // \f
        case 110: out = 10; break; // \n
        case 114: out = 13; break; // \r
        case 116: out = 9; break; // \t
        case 118: out = 11; break; // \v
        case 10:
        case 13:
          save(ls, 10);
          incLineNumber(ls);
          continue;
        case EOZ:
          continue; // "unfinished string" on the next round
        default: {
          if (!isDigit(e)) {
            saveAndNext(ls); // \\, \", \' and any other char stand for themselves
            continue;
          }
          let v = 0;
          let i = 0;
          do {
            v = v * 10 + (ls.current - 48);
            next(ls);
          } while (++i < 3 && isDigit(ls.current));
          if (v > 255) lexError(ls, 'escape sequence too large', R.TK_STRING);
          save(ls, v);
          continue;
        }
      }
      save(ls, out);
      next(ls);
    }
    saveAndNext(ls); // closing delimiter
    seminfo.ts = llex.luaX_newstring(ls, ls.buff.buffer.subarray(1, ls.buff.n - 1));
  }

  function readNumeral(ls: any, seminfo: any): number {
    do {
      saveAndNext(ls);
    } while (isDigit(ls.current) || ls.current === 46);
    if (ls.current === 69 || ls.current === 101) {
      saveAndNext(ls);
      if (ls.current === 43 || ls.current === 45) saveAndNext(ls);
    }
    while (isAlnum(ls.current)) saveAndNext(ls);
    const v = str2number(ls.buff.buffer.subarray(0, ls.buff.n));
    if (v === null) lexError(ls, 'malformed number', R.TK_FLT);
    seminfo.r = v;
    return R.TK_FLT;
  }

  function lex(ls: any, seminfo: any): number {
    ls.buff.n = 0;
    for (;;) {
      const c = ls.current;
      switch (c) {
        case 10:
        case 13:
          incLineNumber(ls);
          continue;
        case 45: { // '-' or a comment
          next(ls);
          if (ls.current !== 45) return 45;
          next(ls);
          if (ls.current === 91) {
            const sep = skipSep(ls);
            ls.buff.n = 0;
            if (sep >= 0) {
              readLongString(ls, null, sep);
              ls.buff.n = 0;
              continue;
            }
          }
          while (!isNewline(ls.current) && ls.current !== EOZ) next(ls);
          continue;
        }
        case 91: { // '['
          const sep = skipSep(ls);
          if (sep >= 0) {
            readLongString(ls, seminfo, sep);
            return R.TK_STRING;
          }
          if (sep === -1) return 91;
          lexError(ls, 'invalid long string delimiter', R.TK_STRING);
          break;
        }
        case 61: // '='
          next(ls);
          if (ls.current !== 61) return 61;
          next(ls);
          return R.TK_EQ;
        case 60: // '<'
          next(ls);
          if (ls.current !== 61) return 60;
          next(ls);
          return R.TK_LE;
        case 62: // '>'
          next(ls);
          if (ls.current !== 61) return 62;
          next(ls);
          return R.TK_GE;
        case 126: // '~'
          next(ls);
          if (ls.current !== 61) return ALIEN_BASE + 126;
          next(ls);
          return R.TK_NE;
        case 34:
        case 39:
          readString(ls, c, seminfo);
          return R.TK_STRING;
        case 46: // '.', '..', '...' or a numeral
          saveAndNext(ls);
          if (ls.current === 46) {
            next(ls);
            if (ls.current === 46) {
              next(ls);
              return R.TK_DOTS;
            }
            return R.TK_CONCAT;
          }
          if (!isDigit(ls.current)) return 46;
          return readNumeral(ls, seminfo);
        case EOZ:
          return R.TK_EOS;
        default: {
          if (c === 32 || c === 9 || c === 11 || c === 12) {
            next(ls);
            continue;
          }
          if (isDigit(c)) return readNumeral(ls, seminfo);
          if (isAlpha(c)) {
            do {
              saveAndNext(ls);
            } while (isAlnum(ls.current));
            const ts = llex.luaX_newstring(ls, ls.buff.buffer.subarray(0, ls.buff.n));
            seminfo.ts = ts;
            return reserved.get(luaS_hashlongstr(ts)) ?? R.TK_NAME;
          }
          next(ls);
          return c === 38 || c === 124 ? ALIEN_BASE + c : c; // '&' and '|' mean nothing in 5.1
        }
      }
    }
  }

  llex.luaX_setinput = (L: any, ls: any, z: any, source: any, firstchar: number): void => {
    ls.t = { token: 0, seminfo: { r: NaN, i: NaN, ts: null } };
    ls.lookahead = { token: R.TK_EOS, seminfo: { r: NaN, i: NaN, ts: null } };
    ls.L = L;
    ls.current = firstchar;
    ls.z = z;
    ls.fs = null;
    ls.linenumber = 1;
    ls.lastline = 1;
    ls.source = source;
    ls.envn = luaS_bless(L, ENVN);
    m.lzio.luaZ_resizebuffer(L, ls.buff, 32);
  };
  llex.luaX_next = (ls: any): void => {
    ls.lastline = ls.linenumber;
    const la = ls.lookahead;
    if (la.token !== R.TK_EOS) {
      ls.t.token = la.token;
      ls.t.seminfo.r = la.seminfo.r;
      ls.t.seminfo.ts = la.seminfo.ts;
      la.token = R.TK_EOS;
    } else {
      ls.t.token = lex(ls, ls.t.seminfo);
      track(ls, ls.t.token);
    }
  };
  llex.luaX_lookahead = (ls: any): number => {
    ls.lookahead.token = lex(ls, ls.lookahead.seminfo);
    track(ls, ls.lookahead.token);
    return ls.lookahead.token;
  };
}

function isText(msg: Uint8Array, text: string): boolean {
  if (msg.length !== text.length) return false;
  for (let i = 0; i < text.length; i++) if (msg[i] !== text.charCodeAt(i)) return false;
  return true;
}
