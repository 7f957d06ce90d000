/**
 * Lua 5.1's luaO_str2d: the string (up to its first NUL, as a C string) must
 * be one glibc strtod() number — leading and trailing whitespace allowed,
 * decimal, hexadecimal (with an optional binary exponent), "inf",
 * "infinity", "nan" — so `tonumber("0x1p4")` is 16 and `tonumber("nan")` is
 * nan on Redis. (Its strtoul fallback for "0x" never succeeds after glibc's
 * strtod.)
 */
import { strtod, isSpace } from '../../util/numbers';
import { NEG_NAN, POS_NAN } from './numpow';

export function bytesToLatin1(s: Uint8Array, from = 0, to = s.length): string {
  return Buffer.from(s.buffer, s.byteOffset, s.length).latin1Slice(from, to);
}

/** The number a Lua 5.1 string converts to, or null. */
export function str2number(s: Uint8Array): number | null {
  let end = s.indexOf(0);
  if (end < 0) end = s.length;
  return latin1ToNumber(bytesToLatin1(s, 0, end));
}

/** str2number for a latin1 JS string (already cut at its first NUL). */
export function latin1ToNumber(str: string): number | null {
  const r = strtod(str, 0);
  if (r.end === 0) return null;
  let i = r.end;
  while (i < str.length && isSpace(str.charCodeAt(i))) i++;
  if (i !== str.length) return null;
  if (r.value !== r.value) {
    // strtod keeps the sign of "-nan"
    let j = 0;
    while (isSpace(str.charCodeAt(j))) j++;
    return str.charCodeAt(j) === 45 ? NEG_NAN : POS_NAN;
  }
  return r.value;
}
