/**
 * C printf number conversions as glibc performs them on x86-64, for Lua 5.1's
 * `tostring` (LUA_NUMBER_FMT "%.14g") and `string.format`.
 *
 * JS's toPrecision/toExponential/toFixed are exact except for ties (they
 * round half away from zero where glibc rounds the exact binary value half
 * to even), and they choose exponent notation at other thresholds than %g.
 * So digits come from them only when no tie is possible; otherwise from the
 * exact decimal expansion of the double (BigInt), rounded half to even.
 */

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** True when the sign bit of `x` is set (also for NaN: x86 makes "-nan"). */
export function signBit(x: number): boolean {
  f64[0] = x;
  return (u32[1]! & 0x80000000) !== 0;
}

/** Number of binary digits after the point in the finite double |x| (0 for integers). */
function fracBits(x: number): number {
  if (Number.isInteger(x)) return 0;
  f64[0] = x;
  const hi = u32[1]!;
  const lo = u32[0]!;
  const bexp = (hi >>> 20) & 0x7ff;
  // x = mant * 2^(e2), mant with 53 bits (52 for subnormals)
  const e2 = (bexp === 0 ? 1 : bexp) - 1075;
  let tz = 0;
  if (lo !== 0) tz = 31 - Math.clz32(lo & -lo);
  else {
    const m = (hi & 0xfffff) | (bexp === 0 ? 0 : 0x100000);
    tz = 32 + (31 - Math.clz32(m & -m));
  }
  return -(e2 + tz);
}

/** Exact decimal digits of the finite x > 0: x = 0.d1d2d3... * 10^point. */
function exactDigits(x: number): { digits: string; point: number } {
  f64[0] = x;
  const hi = u32[1]!;
  const lo = u32[0]!;
  const bexp = (hi >>> 20) & 0x7ff;
  let mant = BigInt((hi & 0xfffff) | (bexp === 0 ? 0 : 0x100000)) * 4294967296n + BigInt(lo);
  let e2 = (bexp === 0 ? 1 : bexp) - 1075;
  while ((mant & 1n) === 0n && e2 < 0) {
    mant >>= 1n;
    e2++;
  }
  let digits: string;
  let point: number;
  if (e2 >= 0) {
    digits = (mant << BigInt(e2)).toString();
    point = digits.length;
  } else {
    digits = (mant * 5n ** BigInt(-e2)).toString();
    point = digits.length + e2; // value = digits * 10^e2
  }
  let end = digits.length;
  while (end > 1 && digits.charCodeAt(end - 1) === 48) end--;
  return { digits: digits.slice(0, end), point };
}

/**
 * Rounds exact digits (value 0.digits * 10^point) half to even keeping `keep`
 * digits (keep >= 0); returns the kept digits (exactly `keep` chars, or
 * `keep`+1 when rounding carried into a new leading digit: point is then +1).
 */
function roundDigits(digits: string, point: number, keep: number): { digits: string; point: number } {
  if (digits.length <= keep) return { digits: digits + '0'.repeat(keep - digits.length), point };
  const next = digits.charCodeAt(keep) - 48;
  let up: boolean;
  if (next > 5) up = true;
  else if (next < 5) up = false;
  else if (digits.length > keep + 1) up = true; // more non-zero digits follow (trailing zeros were stripped)
  else up = keep > 0 ? (digits.charCodeAt(keep - 1) - 48) % 2 === 1 : false;
  let kept = digits.slice(0, keep);
  if (!up) return { digits: kept, point };
  // increment the decimal string
  const arr = kept.split('');
  let i = arr.length - 1;
  while (i >= 0 && arr[i] === '9') {
    arr[i] = '0';
    i--;
  }
  if (i < 0) {
    kept = '1' + arr.join('');
    return { digits: kept.slice(0, Math.max(keep, 1)), point: point + 1 };
  }
  arr[i] = String.fromCharCode(arr[i]!.charCodeAt(0) + 1);
  return { digits: arr.join(''), point };
}

/**
 * %e digits: `prec`+1 significant digits of the finite x > 0 and the decimal
 * exponent of the first one.
 */
export function eDigits(x: number, prec: number): { digits: string; exp: number } {
  if (Number.isInteger(x) && x < 9007199254740992) {
    // exact digits at hand
    const s = String(x);
    let end = s.length;
    while (end > 1 && s.charCodeAt(end - 1) === 48) end--;
    const r = roundDigits(s.slice(0, end), s.length, prec + 1);
    return { digits: r.digits, exp: r.point - 1 };
  }
  if (prec <= 100 && x >= 1e-300 && x < 9007199254740992) {
    const s = x.toExponential(prec);
    const ePos = s.indexOf('e');
    const exp = +s.slice(ePos + 1);
    // A tie needs the exact expansion (fb fractional digits for a value with
    // fb fractional bits) to stop right after the rounding digit.
    const fb = fracBits(x);
    if (fb !== prec - exp + 1 && fb !== prec - exp + 2) {
      return { digits: prec > 0 ? s[0]! + s.slice(2, ePos) : s[0]!, exp };
    }
  }
  const ex = exactDigits(x);
  const r = roundDigits(ex.digits, ex.point, prec + 1);
  return { digits: r.digits, exp: r.point - 1 };
}

/** %f digits of the finite x >= 0: the text without sign ("123.4500"). */
export function fixedText(x: number, prec: number): string {
  if (prec <= 100 && x < 1e21) {
    // a non-integer is a tie only when its exact expansion has prec+1 fractional digits
    if (fracBits(x) !== prec + 1) return x.toFixed(prec);
  }
  if (x === 0) return prec > 0 ? '0.' + '0'.repeat(prec) : '0';
  const ex = exactDigits(x);
  // keep all integer digits plus `prec` fractional ones
  const keep = ex.point + prec;
  let digits: string;
  let point = ex.point;
  if (keep < 0) {
    digits = '';
  } else {
    const r = roundDigits(ex.digits, ex.point, keep);
    digits = r.digits;
    point = r.point;
  }
  // digits represent 0.digits * 10^point with digits.length === point + prec (or +1 on carry)
  let intPart: string;
  let fracPart: string;
  if (point <= 0) {
    const full = '0'.repeat(-point) + digits;
    intPart = '0';
    fracPart = (full + '0'.repeat(prec)).slice(0, prec);
  } else {
    const full = digits + '0'.repeat(Math.max(0, point + prec - digits.length));
    intPart = full.slice(0, point);
    fracPart = full.slice(point, point + prec);
  }
  return prec > 0 ? intPart + '.' + fracPart : intPart;
}

function expSuffix(exp: number, upper: boolean): string {
  const a = exp < 0 ? -exp : exp;
  return (upper ? 'E' : 'e') + (exp < 0 ? '-' : '+') + (a < 10 ? '0' + a : String(a));
}

/** The body of %e (no sign) for finite x >= 0. */
export function expText(x: number, prec: number, alt: boolean, upper: boolean): string {
  if (x === 0) return (prec > 0 ? '0.' + '0'.repeat(prec) : alt ? '0.' : '0') + expSuffix(0, upper);
  const d = eDigits(x, prec);
  const mant = prec > 0 ? d.digits[0] + '.' + d.digits.slice(1) : alt ? d.digits + '.' : d.digits;
  return mant + expSuffix(d.exp, upper);
}

/** The body of %g (no sign) for finite x >= 0. */
export function genText(x: number, prec: number, alt: boolean, upper: boolean): string {
  const P = prec === 0 ? 1 : prec;
  let digits: string;
  let X: number;
  if (x === 0) {
    digits = '0'.repeat(P);
    X = 0;
  } else {
    const d = eDigits(x, P - 1);
    digits = d.digits;
    X = d.exp;
  }
  let out: string;
  if (X < -4 || X >= P) {
    let m = digits;
    if (!alt) {
      let end = m.length;
      while (end > 1 && m.charCodeAt(end - 1) === 48) end--;
      m = m.slice(0, end);
    }
    out = (m.length > 1 || alt ? m[0] + '.' + m.slice(1) : m) + expSuffix(X, upper);
  } else {
    // fixed with P-1-X fractional digits, from the same rounded digits
    const fracN = P - 1 - X;
    let intPart: string;
    let frac: string;
    if (X >= 0) {
      intPart = digits.slice(0, X + 1);
      frac = digits.slice(X + 1);
    } else {
      intPart = '0';
      frac = '0'.repeat(-X - 1) + digits;
      frac = frac.slice(0, fracN);
    }
    if (!alt) {
      let end = frac.length;
      while (end > 0 && frac.charCodeAt(end - 1) === 48) end--;
      frac = frac.slice(0, end);
    }
    out = frac.length > 0 || alt ? intPart + '.' + frac : intPart;
  }
  return out;
}

// C casts of a double, as gcc compiles them for x86-64.

const TWO63 = 9223372036854775808;
const INT64_MIN = -(2n ** 63n);

/** (long)d on x86-64: truncation, INT64_MIN when out of range or NaN. */
export function toInt64(d: number): bigint {
  if (d >= -TWO63 && d < TWO63) return BigInt(Math.trunc(d));
  return INT64_MIN;
}

/** (unsigned long)d as gcc compiles it on x86-64. */
export function toUint64(d: number): bigint {
  if (d >= TWO63) {
    const r = d - TWO63 < TWO63 ? BigInt(Math.trunc(d - TWO63)) : INT64_MIN;
    return (r ^ INT64_MIN) & 0xffffffffffffffffn;
  }
  return toInt64(d) & 0xffffffffffffffffn;
}

/** Lua 5.1's tostring for numbers: C's "%.14g" ("inf", "-inf", "nan", "-nan", "-0"). */
export function fmt14g(x: number): string {
  if (Number.isInteger(x)) {
    if (x < 1e14 && x > -1e14) return x === 0 && 1 / x < 0 ? '-0' : String(x);
  } else if (x !== x) {
    return signBit(x) ? '-nan' : 'nan';
  }
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return x < 0 ? '-' + genText(-x, 14, false, false) : genText(x, 14, false, false);
}

/** Lua 5.1's lua_number2str hook target: `fmt14g` (a separate name for readers of vm.ts). */
export const luaNumberToString = fmt14g;
