/**
 * Number parsing / formatting with the exact rules of Redis 7.0
 * (util.c: string2ll, string2d, string2ld, ld2string; networking.c:
 * addReplyDouble) on x86-64 Linux / glibc.
 *
 * Strings are binary strings (one char per byte).
 *
 * Long doubles are the x87 80-bit extended format (64-bit significand,
 * 15-bit exponent, denormals down to 2^-16445), emulated exactly with BigInt
 * so INCRBYFLOAT / HINCRBYFLOAT results are byte-identical to Redis.
 */

// ---------------------------------------------------------------------------
// Integers (string2ll)
// ---------------------------------------------------------------------------

export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;

const MAX_SAFE = Number.MAX_SAFE_INTEGER; // 2^53 - 1

/**
 * string2ll() restricted to the safe-integer range: returns the value when
 * `s` is a canonical int64 (no '+', no leading zeros, no "-0", no spaces, at
 * most 20 chars) AND |value| <= 2^53-1; otherwise null (invalid, or valid but
 * too large: use `toInt64` to tell those apart). Allocation-free.
 */
export function toSafeInt(s: string): number | null {
  const n = s.length;
  if (n === 0 || n > 20) return null;
  let i = 0;
  let neg = false;
  let c = s.charCodeAt(0);
  if (c === 45 /* - */) {
    if (n === 1) return null;
    neg = true;
    i = 1;
    c = s.charCodeAt(1);
  }
  if (c < 49 || c > 57) {
    // First digit must be 1-9, unless the whole string is "0".
    return n === 1 && c === 48 ? 0 : null;
  }
  if (n - i > 16) return null; // >= 10^16 > 2^53 (or invalid)
  let v = c - 48;
  for (i++; i < n; i++) {
    c = s.charCodeAt(i);
    if (c < 48 || c > 57) return null;
    v = v * 10 + (c - 48);
  }
  if (v > MAX_SAFE) return null;
  return neg ? -v : v;
}

/** True when `s` is accepted by Redis's string2ll (canonical int64). */
export function isInt64Str(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 20) return false;
  let i = 0;
  let c = s.charCodeAt(0);
  if (c === 45) {
    if (n === 1) return false;
    i = 1;
    c = s.charCodeAt(1);
  }
  if (c < 49 || c > 57) return n === 1 && c === 48;
  for (let j = i + 1; j < n; j++) {
    c = s.charCodeAt(j);
    if (c < 48 || c > 57) return false;
  }
  const digits = n - i;
  if (digits < 19) return true;
  if (digits > 19) return false;
  // Exactly 19 digits: compare against 9223372036854775807 / ...808.
  const limit = i === 1 ? '9223372036854775808' : '9223372036854775807';
  for (let j = 0; j < 19; j++) {
    const a = s.charCodeAt(i + j);
    const b = limit.charCodeAt(j);
    if (a !== b) return a < b;
  }
  return true;
}

/** Exact string2ll(): the int64 value, or null when `s` is not accepted. */
export function toInt64(s: string): bigint | null {
  const v = toSafeInt(s);
  if (v !== null) return BigInt(v);
  if (!isInt64Str(s)) return null;
  return BigInt(s);
}

// ---------------------------------------------------------------------------
// strtod / strtold scanning (glibc grammar, C locale)
// ---------------------------------------------------------------------------

const SCAN_NONE = 0;
export const SCAN_DEC = 1;
export const SCAN_HEX = 2;
export const SCAN_INF = 3;
const SCAN_NAN = 4;

// Results of the last scanNumber() call (module state: no allocations).
let scKind = SCAN_NONE;
let scNeg = false;
let scMantStart = 0; // first mantissa char (digit or '.'), after any "0x"
let scMantEnd = 0; // end of the mantissa (before the exponent part)
let scExp = 0; // explicit exponent value (saturated), 0 when absent
let scNonZero = false; // some mantissa digit is non-zero

const EXP_SATURATE = 1_000_000_000;

export function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  c |= 32;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** Case-insensitive match of the ASCII lowercase word `w` at s[i]. */
function matchWord(s: string, i: number, w: string): boolean {
  if (i + w.length > s.length) return false;
  for (let j = 0; j < w.length; j++) {
    if ((s.charCodeAt(i + j) | 32) !== w.charCodeAt(j)) return false;
  }
  return true;
}

/** Parses an optional exponent "<e>[+-]digits" at i; returns the end. */
function scanExponent(s: string, i: number, n: number): number {
  let j = i + 1;
  let neg = false;
  if (j < n) {
    const c = s.charCodeAt(j);
    if (c === 43 || c === 45) {
      neg = c === 45;
      j++;
    }
  }
  if (j >= n || !isDigit(s.charCodeAt(j))) {
    scExp = 0;
    return i; // no digits: the 'e' is not part of the number
  }
  let e = 0;
  while (j < n) {
    const c = s.charCodeAt(j);
    if (!isDigit(c)) break;
    if (e < EXP_SATURATE) e = e * 10 + (c - 48);
    j++;
  }
  scExp = neg ? -e : e;
  return j;
}

/**
 * Scans a number with glibc strtod()/strtold() grammar starting at `from`
 * (leading whitespace is skipped, as strtod does). Returns the index where
 * the conversion ended; `from` when no conversion could be performed
 * (kind SCAN_NONE). Sets the module scan state.
 */
export function scanNumber(s: string, from: number): number {
  const n = s.length;
  let i = from;
  scKind = SCAN_NONE;
  scExp = 0;
  scNonZero = false;
  while (i < n && isSpace(s.charCodeAt(i))) i++;
  scNeg = false;
  if (i < n) {
    const c = s.charCodeAt(i);
    if (c === 43 || c === 45) {
      scNeg = c === 45;
      i++;
    }
  }
  if (i >= n) return from;
  const c = s.charCodeAt(i);
  if ((c | 32) === 105 /* i */) {
    if (!matchWord(s, i, 'inf')) return from;
    scKind = SCAN_INF;
    return matchWord(s, i, 'infinity') ? i + 8 : i + 3;
  }
  if ((c | 32) === 110 /* n */) {
    if (!matchWord(s, i, 'nan')) return from;
    scKind = SCAN_NAN;
    i += 3;
    if (i < n && s.charCodeAt(i) === 40 /* ( */) {
      let j = i + 1;
      while (j < n) {
        const d = s.charCodeAt(j);
        if (isDigit(d) || (d | 32) >= 97 && (d | 32) <= 122 || d === 95) j++;
        else break;
      }
      if (j < n && s.charCodeAt(j) === 41 /* ) */) i = j + 1;
    }
    return i;
  }
  // Hexadecimal: "0x" followed by at least one hex digit (possibly after '.').
  if (c === 48 && i + 1 < n && (s.charCodeAt(i + 1) | 32) === 120) {
    let j = i + 2;
    let digits = 0;
    const mStart = j;
    while (j < n) {
      const h = hexVal(s.charCodeAt(j));
      if (h < 0) break;
      if (h !== 0) scNonZero = true;
      digits++;
      j++;
    }
    if (j < n && s.charCodeAt(j) === 46 /* . */) {
      j++;
      while (j < n) {
        const h = hexVal(s.charCodeAt(j));
        if (h < 0) break;
        if (h !== 0) scNonZero = true;
        digits++;
        j++;
      }
    }
    if (digits > 0) {
      scKind = SCAN_HEX;
      scMantStart = mStart;
      scMantEnd = j;
      if (j < n && (s.charCodeAt(j) | 32) === 112 /* p */) j = scanExponent(s, j, n);
      return j;
    }
    // "0x" without hex digits: only the "0" is converted.
    scNonZero = false;
    scKind = SCAN_DEC;
    scMantStart = i;
    scMantEnd = i + 1;
    return i + 1;
  }
  // Decimal.
  let j = i;
  let digits = 0;
  while (j < n) {
    const d = s.charCodeAt(j);
    if (!isDigit(d)) break;
    if (d !== 48) scNonZero = true;
    digits++;
    j++;
  }
  if (j < n && s.charCodeAt(j) === 46) {
    j++;
    while (j < n) {
      const d = s.charCodeAt(j);
      if (!isDigit(d)) break;
      if (d !== 48) scNonZero = true;
      digits++;
      j++;
    }
  }
  if (digits === 0) return from;
  scKind = SCAN_DEC;
  scMantStart = i;
  scMantEnd = j;
  if (j < n && (s.charCodeAt(j) | 32) === 101 /* e */) j = scanExponent(s, j, n);
  return j;
}

// ---------------------------------------------------------------------------
// Exact binary rounding (shared by double and long double conversions)
// ---------------------------------------------------------------------------

function bitLength(x: bigint): number {
  if (x === 0n) return 0;
  if (x < 0x20000000000000n) {
    const v = Number(x);
    return v >= 4294967296 ? 32 + (32 - Math.clz32(Math.floor(v / 4294967296))) : 32 - Math.clz32(v);
  }
  const h = x.toString(16);
  return (h.length - 1) * 4 + (32 - Math.clz32(parseInt(h[0]!, 16)));
}

/** A rounded binary value: (-1)^neg * m * 2^e, or an infinity. */
export interface Rounded {
  neg: boolean;
  m: bigint;
  e: number;
  inf: boolean;
}

/**
 * Rounds (-1)^neg * (m + sticky*epsilon) * 2^e to a binary format with
 * `prec` significand bits, least representable bit 2^minLsb (denormals) and
 * largest finite leading bit 2^maxMsb, with round-half-even.
 * `sticky` means "some non-zero bits below m's last bit were dropped"; the
 * caller must make sure at least two bits are dropped by the rounding when
 * it passes sticky=true.
 */
export function roundBinary(
  neg: boolean,
  m: bigint,
  e: number,
  sticky: boolean,
  prec: number,
  minLsb: number,
  maxMsb: number,
): Rounded {
  if (m === 0n) return { neg, m: 0n, e: 0, inf: false };
  const bl = bitLength(m);
  let msb = e + bl - 1;
  if (msb > maxMsb + 1) return { neg, m: 0n, e: 0, inf: true };
  const lsb = Math.max(msb - prec + 1, minLsb);
  if (lsb > e) {
    const shift = lsb - e;
    if (shift > bl + 1) return { neg, m: 0n, e: 0, inf: false }; // far below half of the lsb
    const sh = BigInt(shift);
    let q = m >> sh;
    const rem = m - (q << sh);
    const half = 1n << (sh - 1n);
    if (rem > half || (rem === half && (sticky || (q & 1n) === 1n))) q += 1n;
    m = q;
    e = lsb;
    if (m === 0n) return { neg, m: 0n, e: 0, inf: false };
    if (bitLength(m) > prec) {
      m >>= 1n;
      e += 1;
    }
    msb = e + bitLength(m) - 1;
  }
  if (msb > maxMsb) return { neg, m: 0n, e: 0, inf: true };
  return { neg, m, e, inf: false };
}

const POW10_CACHE: bigint[] = [];
function pow10(k: number): bigint {
  if (k < 64) {
    let v = POW10_CACHE[k];
    if (v === undefined) {
      v = 10n ** BigInt(k);
      POW10_CACHE[k] = v;
    }
    return v;
  }
  return 10n ** BigInt(k);
}

/** Digits of the mantissa [start,end) without the '.', as a string. */
function mantissaDigits(s: string, start: number, end: number): { digits: string; frac: number } {
  const dot = s.indexOf('.', start);
  if (dot < 0 || dot >= end) return { digits: s.slice(start, end), frac: 0 };
  return { digits: s.slice(start, dot) + s.slice(dot + 1, end), frac: end - dot - 1 };
}

/**
 * Converts the last scanned finite number (decimal or hex, scan state) to a
 * binary format, exactly rounded (m = 0 for zero / underflow, inf on
 * overflow).
 */
export function convertScanned(s: string, prec: number, minLsb: number, maxMsb: number): Rounded {
  const neg = scNeg;
  if (!scNonZero) return { neg, m: 0n, e: 0, inf: false };
  const { digits, frac } = mantissaDigits(s, scMantStart, scMantEnd);
  if (scKind === SCAN_HEX) {
    const m = BigInt('0x' + digits);
    const e = scExp - 4 * frac;
    return roundBinary(neg, m, e, false, prec, minLsb, maxMsb);
  }
  // Decimal: value = D * 10^E.
  let k = 0;
  while (digits.charCodeAt(k) === 48) k++;
  const d = digits.slice(k);
  const E = scExp - frac;
  const mag = d.length + E; // value in [10^(mag-1), 10^mag)
  // log10(2) * maxMsb bounds, with margin; out-of-range values saturate.
  if (mag > Math.ceil((maxMsb + 2) * 0.30103) + 1) return { neg, m: 0n, e: 0, inf: true };
  if (mag < Math.floor((minLsb - 2) * 0.30103) - 1) return { neg, m: 0n, e: 0, inf: false };
  const N = BigInt(d);
  if (E >= 0) return roundBinary(neg, N * pow10(E), 0, false, prec, minLsb, maxMsb);
  const den = pow10(-E);
  const shift = Math.max(0, prec + 2 + bitLength(den) - bitLength(N));
  const num = N << BigInt(shift);
  const q = num / den;
  const sticky = q * den !== num;
  return roundBinary(neg, q, -shift, sticky, prec, minLsb, maxMsb);
}

// ---------------------------------------------------------------------------
// Doubles (string2d / strtod) and %.17g formatting
// ---------------------------------------------------------------------------

export const f64 = new Float64Array(1);
export const u32 = new Uint32Array(f64.buffer);
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function roundedToDouble(r: Rounded): number {
  if (r.inf) return r.neg ? -Infinity : Infinity;
  if (r.m === 0n) return r.neg ? -0 : 0;
  // Normalise to a 53-bit significand when the exponent allows it.
  let m = r.m;
  let e = r.e;
  const bl = bitLength(m);
  if (bl < 53) {
    const sh = Math.min(53 - bl, e + 1074);
    m <<= BigInt(sh);
    e -= sh;
  }
  let hi: number;
  let lo: number;
  const mHi = Number(m >> 32n);
  lo = Number(m & 0xffffffffn);
  if (m >= 1n << 52n) {
    const biased = e + 52 + 1023;
    hi = (biased << 20) | (mHi & 0xfffff);
  } else {
    hi = mHi; // denormal (e === -1074)
  }
  if (r.neg) hi |= 0x80000000;
  if (LITTLE_ENDIAN) {
    u32[0] = lo >>> 0;
    u32[1] = hi >>> 0;
  } else {
    u32[1] = lo >>> 0;
    u32[0] = hi >>> 0;
  }
  return f64[0]!;
}

/** Value of the last scanned number as a double (strtod result). */
function scannedToDouble(s: string, start: number, end: number): number {
  switch (scKind) {
    case SCAN_INF:
      return scNeg ? -Infinity : Infinity;
    case SCAN_NAN:
      return NaN;
    case SCAN_DEC: {
      if (start === 0 && end === s.length) return Number(s);
      return Number(s.slice(start, end));
    }
    case SCAN_HEX:
      return roundedToDouble(convertScanned(s, 53, -1074, 1023));
    default:
      return 0;
  }
}

/**
 * C `strtod(s + from, &end)` (glibc, C locale): returns the value and the
 * index where parsing stopped (`from` when nothing was converted, value 0).
 * Accepts leading whitespace, sign, decimal, hex floats ("0x1.8p3"),
 * inf/infinity/nan[(...)] in any case. `erange` is set on overflow (value
 * +-Infinity) or underflow to zero. A NUL byte stops the scan like any other
 * non-numeric char; to emulate C code that tests `eptr[0] == '\0'` (e.g.
 * ZRANGEBYSCORE's zslParseRange) check
 * `end === s.length || s.charCodeAt(end) === 0`.
 */
export function strtod(s: string, from = 0): { value: number; end: number; erange: boolean } {
  const end = scanNumber(s, from);
  if (end === from) return { value: 0, end: from, erange: false };
  // Skip leading space / sign to find the number itself for Number().
  let start = from;
  while (isSpace(s.charCodeAt(start))) start++;
  const value = scannedToDouble(s, start, end);
  const erange =
    (scKind === SCAN_DEC || scKind === SCAN_HEX) &&
    ((value === 0 && scNonZero) || value === Infinity || value === -Infinity);
  return { value, end, erange };
}

const POW5: number[] = [];
for (let k = 0, p = 1; k <= 25; k++, p *= 5) POW5.push(p);

const POW10_F64 = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
  1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/**
 * Clinger's fast path for plain decimals: with at most 15 significant digits
 * (exact in a double) and a decimal exponent within +-22 (10^k exact), one
 * IEEE multiplication/division gives the correctly rounded result, i.e. the
 * same as strtod. Returns NaN when the string needs the general path (which
 * also decides validity).
 */
function fastDecimal(s: string, n: number): number {
  let i = 0;
  let neg = false;
  let c = s.charCodeAt(0);
  if (c === 45 || c === 43) {
    neg = c === 45;
    i = 1;
  }
  let m = 0;
  let sig = 0;
  let frac = 0;
  let any = false;
  let dot = false;
  for (; i < n; i++) {
    c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      any = true;
      if (dot) frac++;
      if (m === 0 && c === 48) continue;
      if (sig === 15) return NaN;
      m = m * 10 + (c - 48);
      sig++;
    } else if (c === 46 && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  if (!any) return NaN;
  let e10 = -frac;
  if (i < n) {
    // Only a short exponent may follow.
    if ((c | 32) !== 101) return NaN;
    i++;
    let eneg = false;
    if (i < n) {
      c = s.charCodeAt(i);
      if (c === 45 || c === 43) {
        eneg = c === 45;
        i++;
      }
    }
    if (i >= n || n - i > 3) return NaN;
    let x = 0;
    for (; i < n; i++) {
      c = s.charCodeAt(i);
      if (c < 48 || c > 57) return NaN;
      x = x * 10 + (c - 48);
    }
    e10 += eneg ? -x : x;
  }
  if (m === 0) return neg ? -0 : 0;
  let v: number;
  if (e10 === 0) v = m;
  else if (e10 > 0 && e10 <= 22) v = m * POW10_F64[e10]!;
  else if (e10 < 0 && e10 >= -22) v = m / POW10_F64[-e10]!;
  else return NaN;
  return neg ? -v : v;
}

/**
 * Redis 7.0 string2d() / getDoubleFromObject(): the whole string must be a
 * strtod number (decimal, hex float, inf/infinity, any case, optional sign),
 * no leading/trailing space, no NaN, no overflow, no underflow to zero.
 * Returns null when Redis replies "ERR value is not a valid float".
 */
export function toDouble(s: string): number | null {
  const n = s.length;
  if (n === 0 || isSpace(s.charCodeAt(0))) return null;
  const fast = fastDecimal(s, n);
  if (fast === fast) return fast; // not NaN: handled by the fast path
  const end = scanNumber(s, 0);
  if (end !== n) return null;
  switch (scKind) {
    case SCAN_INF:
      return scNeg ? -Infinity : Infinity;
    case SCAN_DEC: {
      const v = Number(s);
      if (v === Infinity || v === -Infinity || (v === 0 && scNonZero)) return null;
      return v;
    }
    case SCAN_HEX: {
      const v = roundedToDouble(convertScanned(s, 53, -1074, 1023));
      if (v === Infinity || v === -Infinity || (v === 0 && scNonZero)) return null;
      return v;
    }
    default:
      return null; // NaN (or nothing)
  }
}

/**
 * Builds the %.17g rendering from 17 significant digits (no leading zero
 * unless the value is 0) and the decimal exponent of the first digit.
 */
function formatG17(neg: boolean, digits: string, x: number): string {
  // Strip trailing zeros (no '#' flag).
  let len = digits.length;
  while (len > 1 && digits.charCodeAt(len - 1) === 48) len--;
  const d = len === digits.length ? digits : digits.slice(0, len);
  let out: string;
  if (x < -4 || x >= 17) {
    const mant = len > 1 ? d[0] + '.' + d.slice(1) : d;
    const ax = x < 0 ? -x : x;
    out = mant + (x < 0 ? 'e-' : 'e+') + (ax < 10 ? '0' + ax : String(ax));
  } else if (x >= 0) {
    out = len > x + 1 ? d.slice(0, x + 1) + '.' + d.slice(x + 1) : d + '0'.repeat(x + 1 - len);
  } else {
    out = '0.' + '0'.repeat(-x - 1) + d;
  }
  return neg ? '-' + out : out;
}

/**
 * C printf("%.17g") as used by Redis 7.0 addReplyDouble (RESP2 bulk and RESP3
 * double payload): "inf" / "-inf" for infinities, "nan" for NaN, "-0" for
 * negative zero, round-half-even on the exact binary value.
 */
export function formatDouble(d: number): string {
  if (Number.isSafeInteger(d)) {
    if (d === 0 && 1 / d < 0) return '-0';
    return String(d);
  }
  if (d !== d) return 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  const neg = d < 0;
  const a = neg ? -d : d;
  // Dyadic rationals with few fractional bits (1.5, 0.25, 3.125, ...) have
  // short exact decimal expansions: print them exactly without rounding.
  // Exact ties at the 17th digit (which C rounds to even, and JS's
  // toExponential rounds up) also only happen for such values: the exact
  // expansion must have exactly 18 significant digits ending in 5, which
  // needs at most 25 fractional bits.
  if (a < 9007199254740992 && Number.isInteger(a * 33554432)) {
    let j = 1;
    let t = a * 2;
    while (!Number.isInteger(t)) {
      t *= 2;
      j++;
    }
    // Exact value = t / 2^j = (t * 5^j) / 10^j.
    const scaled = t * POW5[j]!;
    if (scaled < 9007199254740992) {
      const digits = String(scaled); // exact integer, at most 16 digits
      return formatG17(neg, digits, digits.length - 1 - j);
    }
    if (scaled >= 9e16 && scaled < 2e18) {
      const exact = (BigInt(t) * 5n ** BigInt(j)).toString();
      if (exact.length === 18) {
        // Tie at the 18th digit: round half to even on the 17 kept digits.
        let kept = exact.slice(0, 17);
        let x = 17 - j;
        if ((kept.charCodeAt(16) - 48) % 2 === 1) {
          const up = (BigInt(kept) + 1n).toString();
          if (up.length > 17) {
            kept = up.slice(0, 17);
            x++;
          } else {
            kept = up;
          }
        }
        return formatG17(neg, kept, x);
      }
    }
  }
  const s = a.toExponential(16); // "d.dddddddddddddddde[+-]x", 17 digits
  const ePos = s.indexOf('e');
  const digits = s[0]! + s.slice(2, ePos);
  const x = +s.slice(ePos + 1);
  return formatG17(neg, digits, x);
}

/** What the last scanNumber() call found (read right after calling it). */
export function lastScan(): { kind: number; neg: boolean; nonZero: boolean } {
  return { kind: scKind, neg: scNeg, nonZero: scNonZero };
}
