/**
 * Glob-style pattern matching with the exact semantics of Redis 7.0's
 * `stringmatchlen()` (util.c), as used by KEYS, SCAN MATCH, PSUBSCRIBE,
 * CONFIG GET, ACL key/channel patterns, etc.
 *
 * Strings are binary strings (one char per byte, char codes 0..255).
 *
 * Behaviour notes (all verified against redis-server 7.0.15):
 *  - `*` matches any sequence, but a star is only "entered" while there is
 *    still string left, so `*` does NOT match the empty string
 *    (callers such as KEYS / SCAN special-case the pattern "*", see
 *    `isMatchAll`).
 *  - `?` matches exactly one byte.
 *  - `[...]` character classes: `^` negation, `a-z` ranges (reversed ranges
 *    like `z-a` are swapped; bytes >= 0x80 compare as *signed* chars, as in
 *    C), `\x` escapes the next byte (compared case-sensitively even in
 *    nocase mode), an unterminated class is closed at the end of the
 *    pattern (`[` alone never matches, `[^` matches any single byte).
 *  - `\x` outside a class matches `x` literally; a trailing lone `\` matches
 *    a backslash.
 *  - nocase folds only ASCII A-Z (C locale tolower).
 *  - Redis's backtracking only ever backtracks into the most recent star:
 *    once a star has tried every remaining position without success the
 *    whole match fails ("skipLongerMatches"), so matching is O(P*S) at
 *    worst. Recursion depth is limited: entering the 1001st nested star
 *    (one that is not the trailing star) makes the match fail, exactly like
 *    the `nesting > 1000` guard in the server.
 */

const STAR = 42; // *
const QMARK = 63; // ?
const LBRACKET = 91; // [
const RBRACKET = 93; // ]
const BACKSLASH = 92; // \
const CARET = 94; // ^
const DASH = 45; // -

const MAX_NESTING = 1000;

/** C-locale tolower on a char code (only A-Z are affected). */
function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** `(int)(signed char)c` for a byte value. */
function signedByte(c: number): number {
  return c >= 128 ? c - 256 : c;
}

/** True when the pattern is exactly "*" (the match-everything fast path). */
export function isMatchAll(pattern: string): boolean {
  return pattern.length === 1 && pattern.charCodeAt(0) === STAR;
}

/**
 * The general matcher: an iterative rendition of stringmatchlen_impl().
 * Only the most recent star is a backtracking point (see module comment).
 */
function matchGeneral(pat: string, str: string, nocase: boolean): boolean {
  const P = pat.length;
  const S = str.length;
  let p = 0;
  let s = 0;
  let starP = -1; // index of the (last char of the) current star run
  let starS = 0; // string position the current star is trying
  let depth = 0;

  for (;;) {
    let ok = false;
    if (p < P && s < S) {
      const c = pat.charCodeAt(p);
      if (c === STAR) {
        while (p + 1 < P && pat.charCodeAt(p + 1) === STAR) p++;
        if (p === P - 1) return true; // trailing star matches the rest
        if (++depth > MAX_NESTING) return false;
        starP = p;
        starS = s;
        p++;
        continue;
      }
      const sc = str.charCodeAt(s);
      if (c === QMARK) {
        ok = true;
      } else if (c === LBRACKET) {
        p++;
        let not = false;
        if (p < P && pat.charCodeAt(p) === CARET) {
          not = true;
          p++;
        }
        let match = false;
        for (;;) {
          if (p >= P) {
            // Unterminated class: step back so the common p++ below lands
            // on the end of the pattern.
            p--;
            break;
          }
          const pc = pat.charCodeAt(p);
          if (pc === BACKSLASH && P - p >= 2) {
            p++;
            if (pat.charCodeAt(p) === sc) match = true;
          } else if (pc === RBRACKET) {
            break;
          } else if (P - p >= 3 && pat.charCodeAt(p + 1) === DASH) {
            let start = signedByte(pc);
            let end = signedByte(pat.charCodeAt(p + 2));
            let ch = signedByte(sc);
            if (start > end) {
              const t = start;
              start = end;
              end = t;
            }
            if (nocase) {
              start = lower(start);
              end = lower(end);
              ch = lower(ch);
            }
            p += 2;
            if (ch >= start && ch <= end) match = true;
          } else if (nocase ? lower(pc) === lower(sc) : pc === sc) {
            match = true;
          }
          p++;
        }
        ok = not ? !match : match;
      } else {
        let pc = c;
        if (c === BACKSLASH && P - p >= 2) {
          p++;
          pc = pat.charCodeAt(p);
        }
        ok = nocase ? lower(pc) === lower(sc) : pc === sc;
      }
      if (ok) {
        p++;
        s++;
        if (s < S) continue;
        // String exhausted: trailing stars may still match the empty rest.
        while (p < P && pat.charCodeAt(p) === STAR) p++;
        if (p === P) return true;
      }
    } else if (p === P && s === S) {
      return true;
    }
    // Mismatch: retry the current star one position further, if any.
    if (starP < 0) return false;
    starS++;
    if (starS >= S) return false;
    p = starP + 1;
    s = starS;
  }
}

// Pattern kinds for the fast paths (case-sensitive matching only).
const K_GENERAL = 0;
const K_EXACT = 1; // no special chars at all
const K_PREFIX = 2; // literal followed by one or more stars
const K_SUFFIX = 3; // one or more stars followed by a literal
const K_CONTAINS = 4; // stars, literal, stars
const K_STARS = 5; // only stars (matches any non-empty string)

interface Compiled {
  kind: number;
  lit: string;
}

function classify(pattern: string): Compiled {
  const n = pattern.length;
  let lead = 0;
  while (lead < n && pattern.charCodeAt(lead) === STAR) lead++;
  if (lead === n) {
    return n === 0 ? { kind: K_EXACT, lit: '' } : { kind: K_STARS, lit: '' };
  }
  let trail = n;
  while (trail > lead && pattern.charCodeAt(trail - 1) === STAR) trail--;
  for (let i = lead; i < trail; i++) {
    const c = pattern.charCodeAt(i);
    if (c === STAR || c === QMARK || c === LBRACKET || c === BACKSLASH) {
      return { kind: K_GENERAL, lit: '' };
    }
  }
  const lit = pattern.slice(lead, trail);
  if (lead === 0) {
    return trail === n ? { kind: K_EXACT, lit } : { kind: K_PREFIX, lit };
  }
  return trail === n ? { kind: K_SUFFIX, lit } : { kind: K_CONTAINS, lit };
}

function runCompiled(c: Compiled, pattern: string, str: string): boolean {
  switch (c.kind) {
    case K_EXACT:
      return str === c.lit;
    case K_PREFIX:
      return str.startsWith(c.lit);
    case K_SUFFIX:
      return str.endsWith(c.lit);
    case K_CONTAINS:
      return str.includes(c.lit);
    case K_STARS:
      return str.length > 0;
    default:
      return matchGeneral(pattern, str, false);
  }
}

let cachedPattern: string | null = null;
let cachedCompiled: Compiled = { kind: K_GENERAL, lit: '' };

/**
 * Redis `stringmatchlen(pattern, str, nocase)`.
 * Note: like Redis, the pattern "*" does not match the empty string; use
 * `isMatchAll` where Redis short-circuits "*" (KEYS, SCAN).
 */
export function globMatch(pattern: string, str: string, nocase = false): boolean {
  if (nocase) return matchGeneral(pattern, str, true);
  if (pattern !== cachedPattern) {
    cachedCompiled = classify(pattern);
    cachedPattern = pattern;
  }
  return runCompiled(cachedCompiled, pattern, str);
}

/**
 * Pre-compiles a pattern into a matcher function (useful when one pattern is
 * matched against many strings, e.g. KEYS / SCAN / PSUBSCRIBE).
 */
export function compileGlob(pattern: string, nocase = false): (str: string) => boolean {
  if (nocase) return (str: string) => matchGeneral(pattern, str, true);
  const c = classify(pattern);
  switch (c.kind) {
    case K_EXACT: {
      const lit = c.lit;
      return (str: string) => str === lit;
    }
    case K_PREFIX: {
      const lit = c.lit;
      return (str: string) => str.startsWith(lit);
    }
    case K_SUFFIX: {
      const lit = c.lit;
      return (str: string) => str.endsWith(lit);
    }
    case K_CONTAINS: {
      const lit = c.lit;
      return (str: string) => str.includes(lit);
    }
    case K_STARS:
      return (str: string) => str.length > 0;
    default:
      return (str: string) => matchGeneral(pattern, str, false);
  }
}
