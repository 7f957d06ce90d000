/**
 * Exact port of the semantics of Redis's `sdssplitargs()` (sds.c), used for
 * inline commands and configuration file lines.
 *
 * Input and output are binary strings (one char per byte). As in C, the
 * line ends at the first NUL byte. Returns `null` on unbalanced quotes
 * (unterminated quoted string, or a closing quote not followed by a space
 * or the end of the line). An empty / blank line gives `[]`.
 *
 * - Leading blanks before a token are skipped with C `isspace`
 *   (space, \t, \n, \v, \f, \r), but an unquoted token only ends at
 *   space, \n, \r, \t or the end (so \v and \f inside a token are kept).
 * - A quote may start in the middle of a token: `ab"c d"` is `abc d`.
 * - Double quotes: `\xHH` (two hex digits, any case), `\n \r \t \b \a`,
 *   and `\<any>` gives `<any>` (so `\"`, `\\`, and `\xZZ` gives `xZZ`).
 * - Single quotes: only `\'` is an escape, everything else is literal.
 */

function isSpace(c: number): boolean {
  // C isspace in the C locale: ' ', \t, \n, \v, \f, \r
  return c === 32 || (c >= 9 && c <= 13);
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

export function splitArgs(line: string): string[] | null {
  let n = line.indexOf('\0');
  if (n < 0) n = line.length;
  const out: string[] = [];
  let p = 0;
  for (;;) {
    while (p < n && isSpace(line.charCodeAt(p))) p++;
    if (p >= n) return out;

    let cur = '';
    let start = p; // start of a pending run of plain chars
    let inq = false;
    let insq = false;
    for (;;) {
      // Char at p, 0 standing for the end of the string (C's NUL).
      const c = p < n ? line.charCodeAt(p) : 0;
      if (inq) {
        if (c === 92 /* \ */) {
          const c1 = p + 1 < n ? line.charCodeAt(p + 1) : 0;
          let h1: number;
          let h2: number;
          if (
            c1 === 120 /* x */ &&
            p + 3 < n &&
            (h1 = hexVal(line.charCodeAt(p + 2))) >= 0 &&
            (h2 = hexVal(line.charCodeAt(p + 3))) >= 0
          ) {
            cur += line.slice(start, p) + String.fromCharCode(h1 * 16 + h2);
            p += 4;
            start = p;
            continue;
          }
          if (c1 !== 0 || p + 1 < n) {
            let e: string;
            switch (c1) {
              case 110: e = '\n'; break;
              case 114: e = '\r'; break;
              case 116: e = '\t'; break;
              case 98: e = '\b'; break;
              case 97: e = '\x07'; break;
              default: e = String.fromCharCode(c1); break;
            }
            cur += line.slice(start, p) + e;
            p += 2;
            start = p;
            continue;
          }
          // A lone backslash at the very end: literal, then unterminated.
          p++;
          continue;
        }
        if (c === 34 /* " */) {
          cur += line.slice(start, p);
          if (p + 1 < n && !isSpace(line.charCodeAt(p + 1))) return null;
          p++;
          break;
        }
        if (p >= n) return null; // unterminated quotes
        p++;
        continue;
      }
      if (insq) {
        if (c === 92 && p + 1 < n && line.charCodeAt(p + 1) === 39 /* ' */) {
          cur += line.slice(start, p) + "'";
          p += 2;
          start = p;
          continue;
        }
        if (c === 39) {
          cur += line.slice(start, p);
          if (p + 1 < n && !isSpace(line.charCodeAt(p + 1))) return null;
          p++;
          break;
        }
        if (p >= n) return null;
        p++;
        continue;
      }
      // Outside quotes.
      if (p >= n || c === 32 || c === 10 || c === 13 || c === 9) {
        cur += line.slice(start, p);
        if (p < n) p++;
        break;
      }
      if (c === 34 || c === 39) {
        cur += line.slice(start, p);
        if (c === 34) inq = true;
        else insq = true;
        p++;
        start = p;
        continue;
      }
      p++;
    }
    out.push(cur);
  }
}
