/**
 * SHA-1 (FIPS 180-4) for many small inputs: DEBUG DIGEST hashes every key,
 * member and score several times, mostly strings of a few bytes. Node's
 * `createHash('sha1')` costs an object, a native call and a Buffer per
 * hash; this one hashes a latin1 string straight from the JS value into
 * five 32-bit words with no allocation. Inputs past
 * NATIVE_FROM bytes go to `node:crypto`, which is faster per byte.
 *
 * Measured on the shared 2-core box (Node 20, 400k hashes per size, best
 * of 3, ns per hash, this / createHash): 4 bytes ~200-280 / ~1500-2400,
 * 20 bytes ~230-290 / ~1400-1800, 100 bytes ~550-780 / ~1400-3000,
 * 500 bytes ~1900-2400 / ~1650-2100, 1000 bytes ~2300-4600 / ~2300-3600:
 * even at about 450 bytes, hence NATIVE_FROM. DEBUG DIGEST of 1,008,000
 * keys (1M strings, 8,000 collections of 50) takes 2.1-2.7 s (redis-server
 * 7.0.15 on the same box: 3.5-5 s; with createHash for every key, member
 * and value: 12 s).
 *
 * A digest is an Int32Array of 5 big-endian words (h0..h4), the bytes of
 * the hash in order.
 */
import { createHash } from 'node:crypto';

/** From this length on, strings and byte ranges go to node:crypto. */
const NATIVE_FROM = 448;

/** The round constants, as int32. */
const K1 = 0x5a827999;
const K2 = 0x6ed9eba1;
const K3 = 0x8f1bbcdc | 0;
const K4 = 0xca62c1d6 | 0;

const W = new Int32Array(80);
/** The running hash of the input being processed. */
const H = new Int32Array(5);

function init(): void {
  H[0] = 0x67452301;
  H[1] = 0xefcdab89 | 0;
  H[2] = 0x98badcfe | 0;
  H[3] = 0x10325476;
  H[4] = 0xc3d2e1f0 | 0;
}

/**
 * One 64-byte block, already in W[0..15], into H. The rounds are unrolled
 * by five so the working variables rotate by renaming instead of moving
 * (about 10% faster than the four plain loops).
 */
function compress(): void {
  const w = W;
  for (let t = 16; t < 80; t++) {
    const x = w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16];
    w[t] = (x << 1) | (x >>> 31);
  }
  let a = H[0];
  let b = H[1];
  let c = H[2];
  let d = H[3];
  let e = H[4];
  for (let t = 0; t < 20; t += 5) {
    e = (e + ((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + K1 + w[t]) | 0;
    b = (b << 30) | (b >>> 2);
    d = (d + ((e << 5) | (e >>> 27)) + ((a & b) | (~a & c)) + K1 + w[t + 1]) | 0;
    a = (a << 30) | (a >>> 2);
    c = (c + ((d << 5) | (d >>> 27)) + ((e & a) | (~e & b)) + K1 + w[t + 2]) | 0;
    e = (e << 30) | (e >>> 2);
    b = (b + ((c << 5) | (c >>> 27)) + ((d & e) | (~d & a)) + K1 + w[t + 3]) | 0;
    d = (d << 30) | (d >>> 2);
    a = (a + ((b << 5) | (b >>> 27)) + ((c & d) | (~c & e)) + K1 + w[t + 4]) | 0;
    c = (c << 30) | (c >>> 2);
  }
  for (let t = 20; t < 40; t += 5) {
    e = (e + ((a << 5) | (a >>> 27)) + (b ^ c ^ d) + K2 + w[t]) | 0;
    b = (b << 30) | (b >>> 2);
    d = (d + ((e << 5) | (e >>> 27)) + (a ^ b ^ c) + K2 + w[t + 1]) | 0;
    a = (a << 30) | (a >>> 2);
    c = (c + ((d << 5) | (d >>> 27)) + (e ^ a ^ b) + K2 + w[t + 2]) | 0;
    e = (e << 30) | (e >>> 2);
    b = (b + ((c << 5) | (c >>> 27)) + (d ^ e ^ a) + K2 + w[t + 3]) | 0;
    d = (d << 30) | (d >>> 2);
    a = (a + ((b << 5) | (b >>> 27)) + (c ^ d ^ e) + K2 + w[t + 4]) | 0;
    c = (c << 30) | (c >>> 2);
  }
  for (let t = 40; t < 60; t += 5) {
    e = (e + ((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + K3 + w[t]) | 0;
    b = (b << 30) | (b >>> 2);
    d = (d + ((e << 5) | (e >>> 27)) + ((a & b) | (a & c) | (b & c)) + K3 + w[t + 1]) | 0;
    a = (a << 30) | (a >>> 2);
    c = (c + ((d << 5) | (d >>> 27)) + ((e & a) | (e & b) | (a & b)) + K3 + w[t + 2]) | 0;
    e = (e << 30) | (e >>> 2);
    b = (b + ((c << 5) | (c >>> 27)) + ((d & e) | (d & a) | (e & a)) + K3 + w[t + 3]) | 0;
    d = (d << 30) | (d >>> 2);
    a = (a + ((b << 5) | (b >>> 27)) + ((c & d) | (c & e) | (d & e)) + K3 + w[t + 4]) | 0;
    c = (c << 30) | (c >>> 2);
  }
  for (let t = 60; t < 80; t += 5) {
    e = (e + ((a << 5) | (a >>> 27)) + (b ^ c ^ d) + K4 + w[t]) | 0;
    b = (b << 30) | (b >>> 2);
    d = (d + ((e << 5) | (e >>> 27)) + (a ^ b ^ c) + K4 + w[t + 1]) | 0;
    a = (a << 30) | (a >>> 2);
    c = (c + ((d << 5) | (d >>> 27)) + (e ^ a ^ b) + K4 + w[t + 2]) | 0;
    e = (e << 30) | (e >>> 2);
    b = (b + ((c << 5) | (c >>> 27)) + (d ^ e ^ a) + K4 + w[t + 3]) | 0;
    d = (d << 30) | (d >>> 2);
    a = (a + ((b << 5) | (b >>> 27)) + (c ^ d ^ e) + K4 + w[t + 4]) | 0;
    c = (c << 30) | (c >>> 2);
  }
  H[0] = (H[0] + a) | 0;
  H[1] = (H[1] + b) | 0;
  H[2] = (H[2] + c) | 0;
  H[3] = (H[3] + d) | 0;
  H[4] = (H[4] + e) | 0;
}

/** The last block(s): `rem` (< 64) tail bytes already in W, then 0x80, zeros and the bit length of n bytes. */
function finish(rem: number, n: number): void {
  W[rem >> 2] |= 0x80 << (24 - 8 * (rem & 3));
  if (rem >= 56) {
    compress();
    W.fill(0, 0, 16);
  }
  W[14] = Math.floor(n / 0x20000000); // n * 8 / 2^32
  W[15] = (n * 8) | 0;
  compress();
}

/** SHA-1 of a latin1 string into H. */
function hashLatin1(s: string): void {
  const n = s.length;
  init();
  let i = 0;
  for (; n - i >= 64; i += 64) {
    for (let j = 0; j < 16; j++) {
      const k = i + 4 * j;
      W[j] = (s.charCodeAt(k) << 24) | (s.charCodeAt(k + 1) << 16) | (s.charCodeAt(k + 2) << 8) | s.charCodeAt(k + 3);
    }
    compress();
  }
  W.fill(0, 0, 16);
  const rem = n - i;
  for (let j = 0; j < rem; j++) W[j >> 2] |= s.charCodeAt(i + j) << (24 - 8 * (j & 3));
  finish(rem, n);
}

/** SHA-1 of the 20 bytes of digest d into H. */
function hashDigest(d: Int32Array): void {
  init();
  W[0] = d[0];
  W[1] = d[1];
  W[2] = d[2];
  W[3] = d[3];
  W[4] = d[4];
  W[5] = 0x80000000 | 0;
  W.fill(0, 6, 15);
  W[15] = 160;
  compress();
}

function nativeInto(hash: Buffer): void {
  for (let k = 0; k < 5; k++) H[k] = hash.readInt32BE(4 * k);
}

function xorH(d: Int32Array): void {
  d[0] ^= H[0];
  d[1] ^= H[1];
  d[2] ^= H[2];
  d[3] ^= H[3];
  d[4] ^= H[4];
}

/** d ^= SHA-1(latin1 bytes of s). */
export function xorString(d: Int32Array, s: string): void {
  if (s.length < NATIVE_FROM) hashLatin1(s);
  else nativeInto(createHash('sha1').update(s, 'latin1').digest());
  xorH(d);
}

/** d ^= SHA-1(buf[start, end)). */
export function xorBytes(d: Int32Array, buf: Buffer, start: number, end: number): void {
  // short ranges (rare: in-place strings) as a temporary latin1 string
  if (end - start < NATIVE_FROM) hashLatin1(buf.latin1Slice(start, end));
  else nativeInto(createHash('sha1').update(buf.subarray(start, end)).digest());
  xorH(d);
}

/** d ^= SHA-1(the 20 bytes of digest e). */
export function xorDigest(d: Int32Array, e: Int32Array): void {
  hashDigest(e);
  xorH(d);
}

/** d = SHA-1(d). */
export function rehash(d: Int32Array): void {
  hashDigest(d);
  d.set(H);
}

/** d ^= e (both digests, no hashing). */
export function xorWords(d: Int32Array, e: Int32Array): void {
  d[0] ^= e[0];
  d[1] ^= e[1];
  d[2] ^= e[2];
  d[3] ^= e[3];
  d[4] ^= e[4];
}

/** SHA-1 of a latin1 string as 40 hex digits (tests, tools). */
export function sha1Hex(s: string): string {
  return digestHex(sha1Of(s));
}

/** SHA-1 of a latin1 string as a digest. */
export function sha1Of(s: string): Int32Array {
  const d = new Int32Array(5);
  xorString(d, s);
  return d;
}

/** The 20 bytes of a digest as 40 lower-case hex digits. */
export function digestHex(d: Int32Array): string {
  let out = '';
  for (let k = 0; k < 5; k++) out += (d[k] >>> 0).toString(16).padStart(8, '0');
  return out;
}
