/**
 * HyperLogLog values in Redis 7.0's string format, so that GET, SET, DUMP
 * and RDB exchange the very bytes Redis makes:
 *
 *   "HYLL" | encoding (0 dense, 1 sparse) | 3 unused | cached cardinality
 *   (8 bytes little endian; the top bit of the last byte set = stale) | registers
 *
 * Dense: 16384 six-bit registers packed least significant bit first (12288
 * bytes). Sparse: run-length opcodes, see hll-sparse.ts. Elements are hashed
 * with MurmurHash64A (seed 0xadc83b19); the low 14 bits pick the register,
 * the position of the first set bit in the rest (plus one) is the value.
 *
 * A value being edited is a ByteString (store/value.ts) changed in place;
 * readers take any Buffer holding the bytes. No RESP here.
 */
import type { ByteString } from './value';
import { sparseHistogram, sparseMerge, sparseSet, sparseToDense } from './hll-sparse';

export const HLL_P = 14;
export const HLL_REGISTERS = 1 << HLL_P;
const HLL_P_MASK = HLL_REGISTERS - 1;
export const HLL_BITS = 6;
export const HLL_REGISTER_MAX = (1 << HLL_BITS) - 1;
/** Bits of the hash left after the index: the longest run counted is Q+1. */
export const HLL_Q = 64 - HLL_P;
export const HLL_HDR_SIZE = 16;
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + ((HLL_REGISTERS * HLL_BITS + 7) >>> 3);
export const HLL_DENSE = 0;
export const HLL_SPARSE = 1;
/** Byte offsets in the header. */
const ENCODING_AT = 4;
const CARD_AT = 8;
const CARD_STALE_AT = 15;

const MAGIC = 'HYLL';

// ---- MurmurHash64A over 32-bit halves ------------------------------------------

// The multiplier 0xc6a4a7935bd1e995 as halves, and the low half as 16-bit limbs.
const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;
const M_LO_0 = M_LO & 0xffff;
const M_LO_1 = M_LO >>> 16;
const SEED = 0xadc83b19;

/**
 * High 32 bits of the 64-bit product lo * M_LO (unsigned), from 16-bit
 * limbs so every partial product is exact in a double.
 */
function mulHiMLo(lo: number): number {
  const a0 = lo & 0xffff;
  const a1 = lo >>> 16;
  const mid = a1 * M_LO_0 + a0 * M_LO_1 + ((a0 * M_LO_0) >>> 16);
  return a1 * M_LO_1 + Math.floor(mid / 65536);
}

// A 64-bit product (hi:lo) * M mod 2^64 is, on halves:
//   hi' = mulHiMLo(lo) + hi * M_LO + lo * M_HI (mod 2^32),  lo' = lo * M_LO (mod 2^32)
// written out where needed, so the halves stay in locals (module or object
// slots would box the doubles on every store: measured 30% slower).

/** The result of murmur64a(). */
const H = new Uint32Array(2);
const HI = 0;
const LO = 1;

/**
 * MurmurHash64A (seed 0xadc83b19) of a latin1 string into H, reading the
 * input as Redis's does: 8-byte little-endian blocks, then the tail.
 */
function murmur64a(s: string): void {
  const len = s.length;
  let hHi = (mulHiMLo(len) + Math.imul(len, M_HI)) >>> 0;
  let hLo = (Math.imul(len, M_LO) ^ SEED) >>> 0;
  let t: number;
  const blocksEnd = len & ~7;
  for (let i = 0; i < blocksEnd; i += 8) {
    let kLo = (s.charCodeAt(i) | (s.charCodeAt(i + 1) << 8) | (s.charCodeAt(i + 2) << 16) | (s.charCodeAt(i + 3) << 24)) >>> 0;
    let kHi = (s.charCodeAt(i + 4) | (s.charCodeAt(i + 5) << 8) | (s.charCodeAt(i + 6) << 16) | (s.charCodeAt(i + 7) << 24)) >>> 0;
    // k *= M
    t = (mulHiMLo(kLo) + Math.imul(kHi, M_LO) + Math.imul(kLo, M_HI)) >>> 0;
    kLo = Math.imul(kLo, M_LO) >>> 0;
    kHi = t;
    // k ^= k >> 47; k *= M
    kLo = (kLo ^ (kHi >>> 15)) >>> 0;
    t = (mulHiMLo(kLo) + Math.imul(kHi, M_LO) + Math.imul(kLo, M_HI)) >>> 0;
    kLo = Math.imul(kLo, M_LO) >>> 0;
    kHi = t;
    // h ^= k; h *= M
    hHi = (hHi ^ kHi) >>> 0;
    hLo = (hLo ^ kLo) >>> 0;
    t = (mulHiMLo(hLo) + Math.imul(hHi, M_LO) + Math.imul(hLo, M_HI)) >>> 0;
    hLo = Math.imul(hLo, M_LO) >>> 0;
    hHi = t;
  }
  const tail = len & 7;
  if (tail !== 0) {
    // The last 1..7 bytes, little endian, xored in (the order does not matter).
    for (let j = 0; j < tail; j++) {
      const c = s.charCodeAt(blocksEnd + j);
      if (j < 4) hLo ^= c << (8 * j);
      else hHi ^= c << (8 * (j - 4));
    }
    hLo >>>= 0;
    hHi >>>= 0;
    t = (mulHiMLo(hLo) + Math.imul(hHi, M_LO) + Math.imul(hLo, M_HI)) >>> 0;
    hLo = Math.imul(hLo, M_LO) >>> 0;
    hHi = t;
  }
  // h ^= h >> 47; h *= M; h ^= h >> 47
  hLo = (hLo ^ (hHi >>> 15)) >>> 0;
  t = (mulHiMLo(hLo) + Math.imul(hHi, M_LO) + Math.imul(hLo, M_HI)) >>> 0;
  hLo = Math.imul(hLo, M_LO) >>> 0;
  hHi = t;
  H[HI] = hHi;
  H[LO] = (hLo ^ (hHi >>> 15)) >>> 0;
}

/** Register index and run length of the last hashed element. */
export const hashed = { index: 0, count: 0 };

/** Number of trailing zero bits of a non-zero 32-bit value. */
function ctz(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/** The 64-bit MurmurHash64A of s as a BigInt (tests and PFSELFTEST). */
export function murmurHash64A(s: string): bigint {
  murmur64a(s);
  return (BigInt(H[HI]) << 32n) | BigInt(H[LO]);
}

/**
 * Hash an element into `hashed`: index = low 14 bits; count = 1 + the number
 * of zero bits above them before the first one, capped at Q+1 (a sentinel
 * bit above the 50 remaining bits ends the count as Redis's loop does).
 */
export function hashElement(s: string): void {
  murmur64a(s);
  const lo = H[LO];
  const hi = H[HI];
  hashed.index = lo & HLL_P_MASK;
  const low = lo >>> HLL_P;
  if (low !== 0) hashed.count = ctz(low) + 1;
  else if (hi !== 0) hashed.count = 32 - HLL_P + ctz(hi) + 1;
  else hashed.count = HLL_Q + 1;
}

// ---- dense registers ----------------------------------------------------------

/** Register i of a dense value (registers start at HLL_HDR_SIZE). */
export function denseGet(buf: Uint8Array, i: number): number {
  const bit = i * HLL_BITS;
  const at = HLL_HDR_SIZE + (bit >>> 3);
  const fb = bit & 7;
  // The byte after the last register reads as 0 (Redis reads the sds terminator).
  const next = at + 1 < HLL_DENSE_SIZE ? buf[at + 1] : 0;
  return ((buf[at] >>> fb) | (next << (8 - fb))) & HLL_REGISTER_MAX;
}

/** Set register i of a dense value to v (0..63). */
export function denseSetRaw(buf: Uint8Array, i: number, v: number): void {
  const bit = i * HLL_BITS;
  const at = HLL_HDR_SIZE + (bit >>> 3);
  const fb = bit & 7;
  buf[at] = (buf[at] & ~(HLL_REGISTER_MAX << fb)) | (v << fb);
  const fb8 = 8 - fb;
  if (fb8 < HLL_BITS) buf[at + 1] = (buf[at + 1] & ~(HLL_REGISTER_MAX >>> fb8)) | (v >>> fb8);
}

/** Raise register i to count if lower: 1 when it changed, else 0. */
export function denseSet(buf: Uint8Array, i: number, count: number): number {
  if (denseGet(buf, i) >= count) return 0;
  denseSetRaw(buf, i, count);
  return 1;
}

/** Count how many registers hold each value (hist has 64 slots, zeroed). */
function denseHistogram(buf: Uint8Array, hist: Int32Array): void {
  // Three bytes hold four registers exactly.
  for (let at = HLL_HDR_SIZE; at < HLL_DENSE_SIZE; at += 3) {
    const b0 = buf[at];
    const b1 = buf[at + 1];
    const b2 = buf[at + 2];
    hist[b0 & 63]++;
    hist[((b0 >>> 6) | (b1 << 2)) & 63]++;
    hist[((b1 >>> 4) | (b2 << 4)) & 63]++;
    hist[b2 >>> 2]++;
  }
}

/** Max-merge a dense value's registers into regs. */
function denseMerge(regs: Uint8Array, buf: Uint8Array): void {
  for (let at = HLL_HDR_SIZE, i = 0; at < HLL_DENSE_SIZE; at += 3, i += 4) {
    const b0 = buf[at];
    const b1 = buf[at + 1];
    const b2 = buf[at + 2];
    let v = b0 & 63;
    if (v > regs[i]) regs[i] = v;
    v = ((b0 >>> 6) | (b1 << 2)) & 63;
    if (v > regs[i + 1]) regs[i + 1] = v;
    v = ((b1 >>> 4) | (b2 << 4)) & 63;
    if (v > regs[i + 2]) regs[i + 2] = v;
    v = b2 >>> 2;
    if (v > regs[i + 3]) regs[i + 3] = v;
  }
}

// ---- the estimator ----------------------------------------------------------------

const ALPHA_INF = 0.721347520444481703680; // 1 / (2 ln 2)

/** sigma(x) of Ertl's improved estimator (the zero registers' share). */
function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  let prev: number;
  do {
    x *= x;
    prev = z;
    z += x * y;
    y += y;
  } while (prev !== z);
  return z;
}

/** tau(x) of the same estimator (the saturated registers' share). */
function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  let prev: number;
  do {
    x = Math.sqrt(x);
    prev = z;
    y *= 0.5;
    const d = 1 - x;
    z -= d * d * y; // pow(d, 2) is the correctly rounded square, as d * d
  } while (prev !== z);
  return z / 3;
}

/** Cardinality from the register histogram (Redis 7.0's hllCount arithmetic, in doubles). */
export function estimate(hist: Int32Array): number {
  const m = HLL_REGISTERS;
  let z = m * tau((m - hist[HLL_Q + 1]) / m);
  for (let j = HLL_Q; j >= 1; j--) {
    z += hist[j];
    z *= 0.5;
  }
  z += m * sigma(hist[0] / m);
  return llround((ALPHA_INF * m * m) / z);
}

/**
 * The cardinality llroundl() gives on x86-64 for a value it cannot
 * represent (infinite, NaN or >= 2^63; e.g. every register 63): LLONG_MIN,
 * which Redis replies as is and caches (its top bit then marks the cache stale).
 */
export const CARD_OUT_OF_RANGE = -(2 ** 63);

/** llroundl() of a non-negative double: Math.round's ties-up is the same there. */
function llround(x: number): number {
  if (!(x < 2 ** 63)) return CARD_OUT_OF_RANGE;
  return Math.round(x);
}

const histogram = new Int32Array(64);

/** Cardinality of a value's registers, or null when a sparse value is corrupted. */
export function countRegisters(v: ByteString): number | null {
  histogram.fill(0);
  if (v.buf[ENCODING_AT] === HLL_DENSE) denseHistogram(v.buf, histogram);
  else if (!sparseHistogram(v, histogram)) return null;
  return estimate(histogram);
}

/** Cardinality of a plain register array (PFCOUNT of several keys). */
export function countRaw(regs: Uint8Array): number {
  histogram.fill(0);
  for (let i = 0; i < HLL_REGISTERS; i++) histogram[regs[i]]++;
  return estimate(histogram);
}

// ---- header, validity, cache ------------------------------------------------------

/**
 * Redis's isHLLObjectOrReply() test on the bytes: long enough for a header,
 * the magic, a known encoding, and a dense value of exactly the dense size.
 */
export function isHll(s: string): boolean {
  if (s.length < HLL_HDR_SIZE || !s.startsWith(MAGIC)) return false;
  const enc = s.charCodeAt(ENCODING_AT);
  if (enc > HLL_SPARSE) return false;
  return enc !== HLL_DENSE || s.length === HLL_DENSE_SIZE;
}

export function isHllBytes(buf: Uint8Array, len: number): boolean {
  if (len < HLL_HDR_SIZE) return false;
  if (buf[0] !== 0x48 || buf[1] !== 0x59 || buf[2] !== 0x4c || buf[3] !== 0x4c) return false;
  const enc = buf[ENCODING_AT];
  if (enc > HLL_SPARSE) return false;
  return enc !== HLL_DENSE || len === HLL_DENSE_SIZE;
}

export function encodingOfHll(buf: Uint8Array): number {
  return buf[ENCODING_AT];
}

/** Whether the cached cardinality may be used. */
export function cacheValid(buf: Uint8Array): boolean {
  return (buf[CARD_STALE_AT] & 0x80) === 0;
}

export function invalidateCache(buf: Uint8Array): void {
  buf[CARD_STALE_AT] |= 0x80;
}

/** The cached cardinality (only meaningful when cacheValid): up to 2^63-1, a bigint past 2^53. */
export function cachedCard(buf: Uint8Array): number | bigint {
  const lo = (buf[CARD_AT] | (buf[CARD_AT + 1] << 8) | (buf[CARD_AT + 2] << 16) | (buf[CARD_AT + 3] << 24)) >>> 0;
  const hi = (buf[CARD_AT + 4] | (buf[CARD_AT + 5] << 8) | (buf[CARD_AT + 6] << 16) | (buf[CARD_AT + 7] << 24)) >>> 0;
  if (hi < 1 << 21) return hi * 2 ** 32 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Store a cardinality (a whole number below 2^63, or CARD_OUT_OF_RANGE) in the header. */
export function setCachedCard(buf: Uint8Array, card: number): void {
  // LLONG_MIN as a uint64: only the top bit set.
  let v = card === CARD_OUT_OF_RANGE ? 2 ** 63 : card;
  for (let i = CARD_AT; i < CARD_AT + 8; i++) {
    buf[i] = v % 256;
    v = Math.floor(v / 256);
  }
}

/** A new empty HLL: sparse, one XZERO run over every register, cache valid (0). */
export function emptyHllBytes(): Buffer {
  const b = Buffer.alloc(HLL_HDR_SIZE + 2);
  b.latin1Write(MAGIC, 0);
  b[ENCODING_AT] = HLL_SPARSE;
  const run = HLL_REGISTERS - 1;
  b[HLL_HDR_SIZE] = 0x40 | (run >>> 8);
  b[HLL_HDR_SIZE + 1] = run & 0xff;
  return b;
}

// ---- edits --------------------------------------------------------------------------

/**
 * Set register `index` of v to at least `count` (hllSet()): 1 when it
 * changed, 0 when not, -1 when a sparse value is corrupted. A sparse value
 * turns dense when it would outgrow sparseMaxBytes or hold a value above 32.
 */
export function setRegister(v: ByteString, index: number, count: number, sparseMaxBytes: number): number {
  const buf = v.buf;
  if (buf[ENCODING_AT] === HLL_DENSE) {
    if (denseSet(buf, index, count) === 0) return 0;
    v.changed();
    return 1;
  }
  return sparseSet(v, index, count, sparseMaxBytes);
}

/** PFADD of one element (hllAdd()): 1 changed, 0 not, -1 corrupted. */
export function addElement(v: ByteString, ele: string, sparseMaxBytes: number): number {
  hashElement(ele);
  return setRegister(v, hashed.index, hashed.count, sparseMaxBytes);
}

/** Convert a sparse value to dense in place; false when corrupted. */
export function toDense(v: ByteString): boolean {
  return sparseToDense(v);
}

/** Max-merge a value's registers into regs (hllMerge()); false when corrupted. */
export function mergeInto(regs: Uint8Array, v: ByteString): boolean {
  if (v.buf[ENCODING_AT] === HLL_DENSE) {
    denseMerge(regs, v.buf);
    return true;
  }
  return sparseMerge(regs, v);
}

/** Every register of a dense value, in order (PFDEBUG GETREG). */
export function denseRegisters(buf: Uint8Array): Uint8Array {
  const regs = new Uint8Array(HLL_REGISTERS);
  denseMerge(regs, buf);
  return regs;
}

/**
 * Raise v's registers to those of regs (PFMERGE's write-back): register by
 * register, in order, through the encoding's own set, so a sparse value
 * grows and may turn dense exactly as Redis's would.
 */
export function raiseRegisters(v: ByteString, regs: Uint8Array, sparseMaxBytes: number): void {
  for (let i = 0; i < HLL_REGISTERS; i++) {
    const r = regs[i];
    if (r === 0) continue;
    if (v.buf[ENCODING_AT] === HLL_DENSE) denseSet(v.buf, i, r);
    else sparseSet(v, i, r, sparseMaxBytes);
  }
  v.changed();
}
