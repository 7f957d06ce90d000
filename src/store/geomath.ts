/**
 * sin, cos and asin rounded like glibc's (the libm Redis links with).
 *
 * V8's Math.sin/cos/asin (fdlibm) are within one ulp but differ from
 * glibc's, which are (almost always) correctly rounded, in a few percent of
 * the arguments: enough to change the last digits of a %.17g distance
 * (GEOSEARCHSTORE ... STOREDIST) now and then. These compute the value in
 * double-double arithmetic (about 100 bits) and round it once.
 *
 * Range: sin and cos reduce by pi/2 in double-double, accurate for |x| up
 * to a few thousand (the geo code needs |x| <= pi); beyond 1e5 they fall
 * back to Math (only bounding boxes of absurd radii get there, where Redis
 * ignores the result).
 */

// ---- double-double primitives -------------------------------------------------

const SPLITTER = 134217729; // 2^27 + 1

/** Low part of the last twoSum / twoProd / dd operation. */
let lo = 0;

/** a + b = result + lo exactly. */
function twoSum(a: number, b: number): number {
  const s = a + b;
  const bb = s - a;
  lo = a - (s - bb) + (b - bb);
  return s;
}

/** a * b = result + lo exactly (Dekker, no FMA). */
function twoProd(a: number, b: number): number {
  const p = a * b;
  let c = SPLITTER * a;
  const ah = c - (c - a);
  const al = a - ah;
  c = SPLITTER * b;
  const bh = c - (c - b);
  const bl = b - bh;
  lo = ah * bh - p + ah * bl + al * bh + al * bl;
  return p;
}

/** (ah + al) + (bh + bl), normalised; the low part in `lo`. */
function ddAdd(ah: number, al: number, bh: number, bl: number): number {
  const s = twoSum(ah, bh);
  const e = lo + al + bl;
  const h = s + e;
  lo = e - (h - s);
  return h;
}

/** (ah + al) * (bh + bl), normalised; the low part in `lo`. */
function ddMul(ah: number, al: number, bh: number, bl: number): number {
  const p = twoProd(ah, bh);
  const e = lo + (ah * bl + al * bh);
  const h = p + e;
  lo = e - (h - p);
  return h;
}

/** 1/n as a double-double: [hi, lo]. */
function recip(n: number): [number, number] {
  const h = 1 / n;
  const p = twoProd(h, n);
  return [h, (1 - p - lo) / n];
}

// Taylor coefficients: 1/3!, 1/5!, 1/7! and 1/2!, 1/4!, 1/6!, 1/8! as double-doubles
const S3 = recip(6);
const S5 = recip(120);
const S7 = recip(5040);
const C4 = recip(24);
const C6 = recip(720);
const C8 = recip(40320);
// plain doubles for the small tails
const S9 = 1 / 362880;
const S11 = 1 / 39916800;
const S13 = 1 / 6227020800;
const S15 = 1 / 1307674368000;
const S17 = 1 / 355687428096000;
const C10 = 1 / 3628800;
const C12 = 1 / 479001600;
const C14 = 1 / 87178291200;
const C16 = 1 / 20922789888000;
const C18 = 1 / 6402373705728000;

// pi/2 in three parts
const PIO2_1 = 1.5707963267948966;
const PIO2_2 = 6.123233995736766e-17;
const PIO2_3 = -1.4973849048591698e-33;
const PI_H = 3.141592653589793;
const PI_L = 1.2246467991473532e-16;

/** sin(rh + rl) for |r| <= pi/4 + a little, as a double-double (low part in lo). */
function sinDD(rh: number, rl: number): number {
  const r2h = ddMul(rh, rl, rh, rl);
  const r2l = lo;
  const z = r2h;
  // the small tail z*(1/9! - z/11! ...) in plain double
  const tail = z * (S9 - z * (S11 - z * (S13 - z * (S15 - z * S17))));
  // r + r*z*(-1/3! + z*(1/5! + z*(-1/7! + tail)))
  let h = ddAdd(-S7[0], -S7[1], tail, 0);
  let l = lo;
  h = ddMul(h, l, r2h, r2l);
  l = lo;
  h = ddAdd(h, l, S5[0], S5[1]);
  l = lo;
  h = ddMul(h, l, r2h, r2l);
  l = lo;
  h = ddAdd(h, l, -S3[0], -S3[1]);
  l = lo;
  h = ddMul(h, l, r2h, r2l);
  l = lo;
  // r + r * (r^2 * (...))
  h = ddMul(h, l, rh, rl);
  l = lo;
  return ddAdd(rh, rl, h, l);
}

/** cos(rh + rl) for |r| <= pi/4 + a little, as a double-double (low part in lo). */
function cosDD(rh: number, rl: number): number {
  const r2h = ddMul(rh, rl, rh, rl);
  const r2l = lo;
  const z = r2h;
  // the small tail z*(-1/10! + z/12! ...) in plain double
  const tail = z * (-C10 + z * (C12 - z * (C14 - z * (C16 - z * C18))));
  // 1 + z*(-1/2 + z*(1/4! + z*(-1/6! + z*(1/8! + tail))))
  let h = ddAdd(C8[0], C8[1], tail, 0);
  let l = lo;
  h = ddMul(h, l, r2h, r2l);
  l = lo;
  h = ddAdd(h, l, -C6[0], -C6[1]);
  l = lo;
  h = ddMul(h, l, r2h, r2l);
  l = lo;
  h = ddAdd(h, l, C4[0], C4[1]);
  l = lo;
  h = ddMul(h, l, r2h, r2l);
  l = lo;
  h = ddAdd(h, l, -0.5, 0);
  l = lo;
  h = ddMul(h, l, r2h, r2l);
  l = lo;
  return ddAdd(1, 0, h, l);
}

/** Reduced argument of the last reduce(): x - k*pi/2 as rh + rl. */
let rh = 0;
let rl = 0;

/** k = round(x / (pi/2)) and the remainder into rh/rl. */
function reduce(x: number): number {
  const k = Math.round(x / PIO2_1);
  if (k === 0) {
    rh = x;
    rl = 0;
    return 0;
  }
  // x - k*p1 - k*p2 - k*p3, each product exact or nearly so, summed in double-double
  let h = twoProd(k, PIO2_1);
  let l = lo;
  h = ddAdd(x, 0, -h, -l);
  l = lo;
  const p2 = twoProd(k, PIO2_2);
  h = ddAdd(h, l, -p2, -lo - k * PIO2_3);
  rh = h;
  rl = lo;
  return k;
}

/** sin(x), rounded as glibc rounds it. */
export function sin(x: number): number {
  if (!(Math.abs(x) < 1e5)) return Math.sin(x);
  if (x === 0) return x; // keeps -0
  const k = reduce(x) & 3;
  let h: number;
  if (k === 0) h = sinDD(rh, rl);
  else if (k === 1) h = cosDD(rh, rl);
  else if (k === 2) h = -sinDD(rh, rl);
  else h = -cosDD(rh, rl);
  const l = k >= 2 ? -lo : lo;
  return h + l;
}

/** cos(x), rounded as glibc rounds it. */
export function cos(x: number): number {
  if (!(Math.abs(x) < 1e5)) return Math.cos(x);
  const k = reduce(x) & 3;
  let h: number;
  let l: number;
  if (k === 0) {
    h = cosDD(rh, rl);
    l = lo;
  } else if (k === 1) {
    h = -sinDD(rh, rl);
    l = -lo;
  } else if (k === 2) {
    h = -cosDD(rh, rl);
    l = -lo;
  } else {
    h = sinDD(rh, rl);
    l = lo;
  }
  return h + l;
}

/**
 * asin of zh + zl in [0, 0.5] as a double-double: one Newton step on
 * sin(a) = z from Math.asin, well conditioned there (cos(a) >= 0.86).
 */
function asinSmall(zh: number, zl: number): number {
  const a = Math.asin(zh);
  const s = sinDD(a, 0);
  const sl = lo;
  const c = cosDD(a, 0);
  // d = (z - sin a) / cos a
  const dh = ddAdd(zh, zl, -s, -sl);
  const d = (dh + lo) / c;
  const h = twoSum(a, d);
  return h;
}

/** asin(y), rounded as glibc rounds it. */
export function asin(y: number): number {
  const ay = Math.abs(y);
  if (!(ay <= 1)) return NaN;
  if (ay === 0) return y;
  let h: number;
  let l: number;
  if (ay <= 0.5) {
    h = asinSmall(ay, 0);
    l = lo;
  } else {
    // asin(y) = pi/2 - 2*asin(sqrt((1-y)/2)); 1-y and /2 are exact here
    const t = (1 - ay) / 2;
    const sh = Math.sqrt(t);
    const p = twoProd(sh, sh);
    const sl = (t - p - lo) / (2 * sh || 1);
    const ah = asinSmall(sh, sl);
    const al = lo;
    h = ddAdd(PI_H / 2, PI_L / 2, -2 * ah, -2 * al);
    l = lo;
  }
  const r = h + l;
  return y < 0 ? -r : r;
}
