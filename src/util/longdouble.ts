/**
 * Redis's long-double arithmetic (x87 80-bit extended precision), emulated
 * exactly with BigInt: string2ld, addition and ld2string(LD_STR_HUMAN), which
 * INCRBYFLOAT, HINCRBYFLOAT and blocking timeouts use. Parsing shares the
 * decimal/hex scanner and binary rounding of ./numbers.
 */
import {
  LITTLE_ENDIAN,
  Rounded,
  SCAN_DEC,
  SCAN_HEX,
  SCAN_INF,
  convertScanned,
  f64,
  isSpace,
  lastScan,
  roundBinary,
  scanNumber,
  u32,
} from './numbers';

// ---------------------------------------------------------------------------
// Long doubles (x87 80-bit): string2ld, addition, ld2string(LD_STR_HUMAN)
// ---------------------------------------------------------------------------

const LD_PREC = 64;
const LD_MIN_LSB = -16445; // smallest denormal 2^-16445
const LD_MAX_MSB = 16383; // largest finite < 2^16384

/** MAX_LONG_DOUBLE_CHARS in Redis: string2ld rejects slen >= this. */
export const MAX_LONG_DOUBLE_CHARS = 5 * 1024;

/**
 * An x87 extended-precision value. Finite values are
 * (-1)^neg * m * 2^e with 0 <= m < 2^64; `special` marks inf / NaN.
 */
export interface LongDouble {
  readonly neg: boolean;
  readonly m: bigint;
  readonly e: number;
  readonly special: 0 | 1 | 2; // 0 finite, 1 infinity, 2 NaN
}

const LD_ZERO: LongDouble = { neg: false, m: 0n, e: 0, special: 0 };

function fromRounded(r: Rounded): LongDouble {
  if (r.inf) return { neg: r.neg, m: 0n, e: 0, special: 1 };
  return { neg: r.neg, m: r.m, e: r.e, special: 0 };
}

export function ldIsFinite(x: LongDouble): boolean {
  return x.special === 0;
}

/** A long double from a JS integer or double (exact). */
export function ldFromNumber(d: number): LongDouble {
  if (d !== d) return { neg: false, m: 0n, e: 0, special: 2 };
  if (d === Infinity || d === -Infinity) return { neg: d < 0, m: 0n, e: 0, special: 1 };
  if (d === 0) return 1 / d < 0 ? { neg: true, m: 0n, e: 0, special: 0 } : LD_ZERO;
  f64[0] = d;
  const hi = LITTLE_ENDIAN ? u32[1]! : u32[0]!;
  const lo = LITTLE_ENDIAN ? u32[0]! : u32[1]!;
  const biased = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (biased === 0) {
    e = -1074;
  } else {
    m |= 1n << 52n;
    e = biased - 1075;
  }
  return { neg: d < 0, m, e, special: 0 };
}

/**
 * Redis string2ld(): null when Redis says "value is not a valid float".
 * Rules: length 0 or >= 5120 rejected; leading whitespace rejected; the
 * whole string must be consumed by strtold (so any NUL byte is rejected);
 * NaN, overflow and underflow-to-zero rejected; "inf"/"-inf"/"infinity"
 * accepted (the sum then fails with NaN/Infinity); hex floats accepted.
 */
export function parseLongDouble(s: string): LongDouble | null {
  const n = s.length;
  if (n === 0 || n >= MAX_LONG_DOUBLE_CHARS) return null;
  if (isSpace(s.charCodeAt(0))) return null;
  const end = scanNumber(s, 0);
  if (end !== n) return null;
  const { kind, neg, nonZero } = lastScan();
  switch (kind) {
    case SCAN_INF:
      return { neg, m: 0n, e: 0, special: 1 };
    case SCAN_DEC:
    case SCAN_HEX: {
      const r = convertScanned(s, LD_PREC, LD_MIN_LSB, LD_MAX_MSB);
      if (r.inf) return null; // overflow (ERANGE, HUGE_VAL)
      if (r.m === 0n) return nonZero ? null : { neg, m: 0n, e: 0, special: 0 };
      return fromRounded(r);
    }
    default:
      return null;
  }
}

/** x87 long double addition (round-to-nearest-even, 64-bit significand). */
export function ldAdd(a: LongDouble, b: LongDouble): LongDouble {
  if (a.special === 2 || b.special === 2) return { neg: false, m: 0n, e: 0, special: 2 };
  if (a.special === 1 || b.special === 1) {
    if (a.special === 1 && b.special === 1 && a.neg !== b.neg) {
      return { neg: true, m: 0n, e: 0, special: 2 }; // inf - inf = -nan on x87
    }
    return a.special === 1 ? a : b;
  }
  if (a.m === 0n && b.m === 0n) return a.neg && b.neg ? a : LD_ZERO;
  if (a.m === 0n) return b;
  if (b.m === 0n) return a;
  const e = Math.min(a.e, b.e);
  const am = a.e === e ? a.m : a.m << BigInt(a.e - e);
  const bm = b.e === e ? b.m : b.m << BigInt(b.e - e);
  const sum = (a.neg ? -am : am) + (b.neg ? -bm : bm);
  if (sum === 0n) return LD_ZERO;
  const neg = sum < 0n;
  return fromRounded(roundBinary(neg, neg ? -sum : sum, e, false, LD_PREC, LD_MIN_LSB, LD_MAX_MSB));
}

const P17 = 10n ** 17n;

/**
 * Redis ld2string(..., LD_STR_HUMAN): "%.17Lf", then trailing zeros and a
 * trailing '.' removed, and "-0" turned into "0". Infinities give
 * "inf" / "-inf".
 */
export function formatLongDouble(x: LongDouble): string {
  if (x.special === 1) return x.neg ? '-inf' : 'inf';
  if (x.special === 2) return x.neg ? '-nan' : 'nan';
  let q: bigint;
  if (x.e >= 0) {
    q = (x.m << BigInt(x.e)) * P17;
  } else {
    const sh = BigInt(-x.e);
    const num = x.m * P17;
    q = num >> sh;
    const twiceRem = (num - (q << sh)) << 1n;
    const den = 1n << sh;
    if (twiceRem > den || (twiceRem === den && (q & 1n) === 1n)) q += 1n;
  }
  let str = q.toString();
  if (str.length < 18) str = '0'.repeat(18 - str.length) + str;
  const intPart = str.slice(0, str.length - 17);
  let fl = str.length;
  while (fl > intPart.length && str.charCodeAt(fl - 1) === 48) fl--;
  const frac = str.slice(intPart.length, fl);
  let out = frac.length > 0 ? intPart + '.' + frac : intPart;
  if (x.neg) out = '-' + out;
  return out === '-0' ? '0' : out;
}

/** Error outcomes of incrByFloat / hincrByFloat. */
export const NOT_FLOAT = 'not-float'; // ERR value is not a valid float
export const NAN_OR_INF = 'nan-inf'; // ERR increment would produce NaN or Infinity
export const HASH_NOT_FLOAT = 'hash-not-float'; // ERR hash value is not a float
export const INCR_NAN_OR_INF = 'incr-nan-inf'; // ERR value is NaN or Infinity

export type IncrByFloatError = typeof NOT_FLOAT | typeof NAN_OR_INF;
export type HIncrByFloatError =
  | typeof NOT_FLOAT
  | typeof NAN_OR_INF
  | typeof HASH_NOT_FLOAT
  | typeof INCR_NAN_OR_INF;

/**
 * INCRBYFLOAT arithmetic. `current` is the key's string value (null when
 * the key does not exist). Returns the new value string (as stored and
 * replied by Redis) or an error code: NOT_FLOAT when the current value or
 * the increment is not a valid float (checked in that order), NAN_OR_INF
 * when the sum is NaN or infinite (also when an operand is "inf").
 */
export function incrByFloat(current: string | null, incr: string): string | IncrByFloatError {
  const a = current === null ? LD_ZERO : parseLongDouble(current);
  if (a === null) return NOT_FLOAT;
  const b = parseLongDouble(incr);
  if (b === null) return NOT_FLOAT;
  const r = ldAdd(a, b);
  if (r.special !== 0) return NAN_OR_INF;
  return formatLongDouble(r);
}

/**
 * HINCRBYFLOAT arithmetic, checks in Redis's order: the increment must be a
 * valid float (NOT_FLOAT) and finite (INCR_NAN_OR_INF); then the field's
 * current value (null when absent) must parse (HASH_NOT_FLOAT); then the sum
 * must be finite (NAN_OR_INF).
 */
export function hincrByFloat(current: string | null, incr: string): string | HIncrByFloatError {
  const b = parseLongDouble(incr);
  if (b === null) return NOT_FLOAT;
  if (b.special !== 0) return INCR_NAN_OR_INF;
  const a = current === null ? LD_ZERO : parseLongDouble(current);
  if (a === null) return HASH_NOT_FLOAT;
  const r = ldAdd(a, b);
  if (r.special !== 0) return NAN_OR_INF;
  return formatLongDouble(r);
}
