/**
 * Bit algorithms over the bytes of a string value (SETBIT, BITCOUNT, BITPOS,
 * BITOP, BITFIELD). Pure functions over Uint8Array: no keyspace, no RESP.
 *
 * Bit numbering is Redis's: bit 0 is the most significant bit of byte 0.
 * The long scans (popcount, bit search, BITOP) run 32 bits at a time over
 * the 4-byte-aligned middle of the range and byte by byte at its edges.
 */

// ---------------------------------------------------------------------------
// Word views
// ---------------------------------------------------------------------------

/** First index >= from at which buf's bytes are 4-byte aligned in memory. */
function alignUp(buf: Uint8Array, from: number): number {
  return from + ((4 - ((buf.byteOffset + from) & 3)) & 3);
}

/** An Int32Array over buf[from, from + 4 * words); `from` must be aligned. */
function words(buf: Uint8Array, from: number, count: number): Int32Array {
  return new Int32Array(buf.buffer, buf.byteOffset + from, count);
}

/** Below this many bytes the word setup costs more than it saves. */
const WORD_MIN = 32;

// ---------------------------------------------------------------------------
// Population count
// ---------------------------------------------------------------------------

const BYTE_BITS = new Uint8Array(256);
for (let i = 1; i < 256; i++) BYTE_BITS[i] = (i & 1) + BYTE_BITS[i >> 1];

/** Set bits in one byte. */
export function byteBits(b: number): number {
  return BYTE_BITS[b];
}

/** Number of set bits in buf[from, to). */
export function popcount(buf: Uint8Array, from: number, to: number): number {
  let count = 0;
  let i = from;
  if (to - from >= WORD_MIN) {
    const a = alignUp(buf, from);
    for (; i < a; i++) count += BYTE_BITS[buf[i]];
    const n = (to - a) >> 2;
    count += popcountWords(words(buf, a, n));
    i = a + n * 4;
  }
  for (; i < to; i++) count += BYTE_BITS[buf[i]];
  return count;
}

/**
 * SWAR popcount of 32-bit words, four at a time: each word is reduced to
 * per-byte counts (at most 8 each), two words' byte counts are added (at
 * most 16 per byte) and one multiply sums the four bytes.
 */
function popcountWords(w: Int32Array): number {
  let count = 0;
  const n = w.length;
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    let a = w[i];
    let b = w[i + 1];
    let c = w[i + 2];
    let d = w[i + 3];
    a = a - ((a >>> 1) & 0x55555555);
    b = b - ((b >>> 1) & 0x55555555);
    c = c - ((c >>> 1) & 0x55555555);
    d = d - ((d >>> 1) & 0x55555555);
    a = (a & 0x33333333) + ((a >>> 2) & 0x33333333);
    b = (b & 0x33333333) + ((b >>> 2) & 0x33333333);
    c = (c & 0x33333333) + ((c >>> 2) & 0x33333333);
    d = (d & 0x33333333) + ((d >>> 2) & 0x33333333);
    const x = ((a + (a >>> 4)) & 0x0f0f0f0f) + ((b + (b >>> 4)) & 0x0f0f0f0f);
    const y = ((c + (c >>> 4)) & 0x0f0f0f0f) + ((d + (d >>> 4)) & 0x0f0f0f0f);
    count += (Math.imul(x, 0x01010101) >>> 24) + (Math.imul(y, 0x01010101) >>> 24);
  }
  for (; i < n; i++) {
    let a = w[i];
    a = a - ((a >>> 1) & 0x55555555);
    a = (a & 0x33333333) + ((a >>> 2) & 0x33333333);
    count += Math.imul((a + (a >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
  }
  return count;
}

/** Number of set bits in the inclusive bit range [fromBit, toBit] (within buf). */
export function countBitsInRange(buf: Uint8Array, fromBit: number, toBit: number): number {
  if (fromBit > toBit) return 0;
  const first = Math.floor(fromBit / 8);
  const last = Math.floor(toBit / 8);
  // Masks keep the bits of the edge bytes that lie inside the range.
  const headMask = 0xff >> (fromBit & 7);
  const tailMask = (0xff00 >> ((toBit & 7) + 1)) & 0xff;
  if (first === last) return BYTE_BITS[buf[first] & headMask & tailMask];
  return BYTE_BITS[buf[first] & headMask] + popcount(buf, first + 1, last) + BYTE_BITS[buf[last] & tailMask];
}

// ---------------------------------------------------------------------------
// Bit search
// ---------------------------------------------------------------------------

/** Index (0 = most significant) of the first bit equal to `bit` in byte b, or -1. */
function firstBitInByte(b: number, bit: number): number {
  const v = bit ? b & 0xff : ~b & 0xff;
  return v === 0 ? -1 : Math.clz32(v) - 24;
}

/** Runs of 0x00 / 0xff are skipped by native compares against these. */
const SKIP_CHUNK = 65536;
const ZERO_CHUNK = Buffer.alloc(SKIP_CHUNK);
const ONES_CHUNK = Buffer.alloc(SKIP_CHUNK, 0xff);

/**
 * First byte index in [from, to) that holds a bit equal to `bit` (a byte
 * other than 0x00 when looking for 1, other than 0xff when looking for 0),
 * or -1. Long runs of 0x00 / 0xff are skipped 64 KB at a time by a native
 * compare, then 32 bits at a time.
 */
function firstByteWithBit(buf: Uint8Array, from: number, to: number, bit: number): number {
  const skip = bit ? 0 : 0xff;
  let i = from;
  if (to - i >= 2 * SKIP_CHUNK) {
    const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    const ref = bit ? ZERO_CHUNK : ONES_CHUNK;
    while (to - i >= SKIP_CHUNK && b.compare(ref, 0, SKIP_CHUNK, i, i + SKIP_CHUNK) === 0) i += SKIP_CHUNK;
  }
  if (to - i >= WORD_MIN) {
    const a = alignUp(buf, i);
    for (; i < a; i++) if (buf[i] !== skip) return i;
    const n = (to - a) >> 2;
    const w = words(buf, a, n);
    const skipWord = bit ? 0 : -1;
    let k = 0;
    while (k < n && w[k] === skipWord) k++;
    i = a + k * 4;
  }
  for (; i < to; i++) if (buf[i] !== skip) return i;
  return -1;
}

/**
 * Absolute index of the first bit equal to `bit` in the inclusive bit range
 * [fromBit, toBit] (within buf), or -1 when there is none.
 */
export function findBit(buf: Uint8Array, fromBit: number, toBit: number, bit: number): number {
  if (fromBit > toBit) return -1;
  const first = Math.floor(fromBit / 8);
  const last = Math.floor(toBit / 8);
  // Bits of the edge bytes outside the range are forced to the other value.
  const headMask = 0xff >> (fromBit & 7);
  const tailMask = (0xff00 >> ((toBit & 7) + 1)) & 0xff;
  const edge = (b: number, mask: number) => (bit ? b & mask : b | (~mask & 0xff));
  if (first === last) {
    const p = firstBitInByte(edge(buf[first], headMask & tailMask), bit);
    return p < 0 ? -1 : first * 8 + p;
  }
  let p = firstBitInByte(edge(buf[first], headMask), bit);
  if (p >= 0) return first * 8 + p;
  const k = firstByteWithBit(buf, first + 1, last, bit);
  if (k >= 0) return k * 8 + firstBitInByte(buf[k], bit);
  p = firstBitInByte(edge(buf[last], tailMask), bit);
  return p < 0 ? -1 : last * 8 + p;
}

// ---------------------------------------------------------------------------
// Single bits
// ---------------------------------------------------------------------------

/** The bit at `offset` of the first `len` bytes of buf (0 past the end). */
export function getBit(buf: Uint8Array, len: number, offset: number): number {
  const byte = Math.floor(offset / 8);
  if (byte >= len) return 0;
  return (buf[byte] >> (7 - (offset & 7))) & 1;
}

/** Set the bit at `offset` (within buf) to `on`; returns its previous value. */
export function setBit(buf: Uint8Array, offset: number, on: number): number {
  const byte = Math.floor(offset / 8);
  const mask = 1 << (7 - (offset & 7));
  const old = buf[byte];
  buf[byte] = on ? old | mask : old & ~mask;
  return old & mask ? 1 : 0;
}

// ---------------------------------------------------------------------------
// BITOP
// ---------------------------------------------------------------------------

export const BITOP_AND = 0;
export const BITOP_OR = 1;
export const BITOP_XOR = 2;
export const BITOP_NOT = 3;

/** An aligned copy of src when it cannot be viewed as 32-bit words. */
function alignedBytes(src: Uint8Array): Uint8Array {
  if ((src.byteOffset & 3) === 0) return src;
  const copy = new Uint8Array(src.length);
  copy.set(src);
  return copy;
}

/** o[0, n) = a op b, 32 bits at a time (unrolled: the loop is the whole cost). */
function combine2(op: number, o: Int32Array, a: Int32Array, b: Int32Array, n: number): void {
  const n4 = n & ~3;
  let i = 0;
  if (op === BITOP_AND) {
    for (; i < n4; i += 4) {
      o[i] = a[i] & b[i];
      o[i + 1] = a[i + 1] & b[i + 1];
      o[i + 2] = a[i + 2] & b[i + 2];
      o[i + 3] = a[i + 3] & b[i + 3];
    }
    for (; i < n; i++) o[i] = a[i] & b[i];
  } else if (op === BITOP_OR) {
    for (; i < n4; i += 4) {
      o[i] = a[i] | b[i];
      o[i + 1] = a[i + 1] | b[i + 1];
      o[i + 2] = a[i + 2] | b[i + 2];
      o[i + 3] = a[i + 3] | b[i + 3];
    }
    for (; i < n; i++) o[i] = a[i] | b[i];
  } else {
    for (; i < n4; i += 4) {
      o[i] = a[i] ^ b[i];
      o[i + 1] = a[i + 1] ^ b[i + 1];
      o[i + 2] = a[i + 2] ^ b[i + 2];
      o[i + 3] = a[i + 3] ^ b[i + 3];
    }
    for (; i < n; i++) o[i] = a[i] ^ b[i];
  }
}

/** o[0, n) = a op b byte by byte, for the edges words don't cover. */
function combineBytes(op: number, o: Uint8Array, a: Uint8Array, b: Uint8Array, from: number, to: number): void {
  for (let i = from; i < to; i++) o[i] = op === BITOP_AND ? a[i] & b[i] : op === BITOP_OR ? a[i] | b[i] : a[i] ^ b[i];
}

/** out[0, n) = a op b (word-wise over the aligned part). */
function combine(op: number, out: Uint8Array, a: Uint8Array, b: Uint8Array, n: number): void {
  const nw = n >> 2;
  combine2(op, words(out, 0, nw), words(a, 0, nw), words(b, 0, nw), nw);
  combineBytes(op, out, a, b, nw * 4, n);
}

/**
 * out = op(srcs), where out is zero-filled and as long as the longest
 * source, and a source shorter than out counts as zero-padded. NOT takes
 * exactly one source. `out` must start 4-byte aligned.
 */
export function bitop(op: number, srcs: Uint8Array[], out: Uint8Array): void {
  const len = out.length;
  if (op === BITOP_NOT) {
    const src = alignedBytes(srcs[0]);
    const nw = len >> 2;
    const s = words(src, 0, nw);
    const o = words(out, 0, nw);
    for (let i = 0; i < nw; i++) o[i] = ~s[i];
    for (let i = nw * 4; i < len; i++) out[i] = ~src[i] & 0xff;
    return;
  }
  if (srcs.length === 1) {
    out.set(srcs[0]);
    return;
  }
  if (op === BITOP_AND) {
    // Everything past the shortest source is zero (out already is).
    let span = len;
    for (const s of srcs) if (s.length < span) span = s.length;
    if (span === 0) return;
    combine(op, out, alignedBytes(srcs[0]), alignedBytes(srcs[1]), span);
    for (let j = 2; j < srcs.length; j++) combine(op, out, out, alignedBytes(srcs[j]), span);
    return;
  }
  // OR / XOR: the first two over their common part, the rest of the longer
  // one copied (x op 0 = x), then each further source over its own length.
  const a = alignedBytes(srcs[0]);
  const b = alignedBytes(srcs[1]);
  const common = Math.min(a.length, b.length);
  combine(op, out, a, b, common);
  if (a.length > common) out.set(a.subarray(common), common);
  else if (b.length > common) out.set(b.subarray(common), common);
  for (let j = 2; j < srcs.length; j++) {
    const src = alignedBytes(srcs[j]);
    combine(op, out, out, src, src.length);
  }
}

// ---------------------------------------------------------------------------
// BITFIELD
// ---------------------------------------------------------------------------

export const OVERFLOW_WRAP = 0;
export const OVERFLOW_SAT = 1;
export const OVERFLOW_FAIL = 2;

/**
 * The `bits`-wide unsigned field at bit `offset` of the first `len` bytes of
 * buf (bits past the end read as zero).
 */
export function readUnsigned(buf: Uint8Array, len: number, offset: number, bits: number): bigint {
  const first = Math.floor(offset / 8);
  const lastBit = offset + bits - 1;
  const last = Math.floor(lastBit / 8);
  if (last - first < 4 && last < len) {
    // At most 32 bits of bytes: plain number arithmetic.
    let acc = 0;
    for (let b = first; b <= last; b++) acc = acc * 256 + buf[b];
    acc = Math.floor(acc / 2 ** (7 - (lastBit & 7)));
    return BigInt(acc % 2 ** bits);
  }
  let acc = 0n;
  for (let b = first; b <= last; b++) acc = (acc << 8n) | BigInt(b < len ? buf[b] : 0);
  return (acc >> BigInt(7 - (lastBit & 7))) & ((1n << BigInt(bits)) - 1n);
}

/** The `bits`-wide two's complement field at bit `offset` (see readUnsigned). */
export function readSigned(buf: Uint8Array, len: number, offset: number, bits: number): bigint {
  return BigInt.asIntN(bits, readUnsigned(buf, len, offset, bits));
}

/** Store the low `bits` bits of value at bit `offset` (within buf). */
export function writeField(buf: Uint8Array, offset: number, bits: number, value: bigint): void {
  const first = Math.floor(offset / 8);
  const lastBit = offset + bits - 1;
  const last = Math.floor(lastBit / 8);
  const shift = 7 - (lastBit & 7);
  const span = BigInt((last - first + 1) * 8);
  // The field and a mask of its bits, aligned to the bytes they cover.
  const fieldMask = ((1n << BigInt(bits)) - 1n) << BigInt(shift);
  const field = (BigInt.asUintN(bits, value) << BigInt(shift)) & fieldMask;
  let acc = 0n;
  for (let b = first; b <= last; b++) acc = (acc << 8n) | BigInt(buf[b]);
  acc = (acc & (((1n << span) - 1n) ^ fieldMask)) | field;
  for (let b = last; b >= first; b--) {
    buf[b] = Number(acc & 0xffn);
    acc >>= 8n;
  }
}

/**
 * The value a BITFIELD SET (incr 0) or INCRBY stores in a `bits`-wide field,
 * or null when it overflows under OVERFLOW FAIL. `value` is the current
 * field (INCRBY) or the argument (SET; for an unsigned field taken as C's
 * uint64_t, so -1 overflows upwards).
 *
 * The overflow test is Redis's, including its int64 wrap-around: the
 * headroom max - value is computed in 64 bits, so a signed SET of a value
 * within 2^(bits-1) of INT64_MIN looks like an overflow upwards and SAT
 * stores the maximum, as Redis does.
 */
export function fieldResult(signed: boolean, bits: number, value: bigint, incr: bigint, overflow: number): bigint | null {
  let dir = 0;
  let max: bigint;
  let min: bigint;
  if (signed) {
    max = (1n << BigInt(bits - 1)) - 1n;
    min = -max - 1n;
    const maxIncr = BigInt.asIntN(64, max - value);
    const minIncr = BigInt.asIntN(64, min - value);
    if (value > max || (bits !== 64 && incr > maxIncr) || (value >= 0n && incr > 0n && incr > maxIncr)) dir = 1;
    else if (value < min || (bits !== 64 && incr < minIncr) || (value < 0n && incr < 0n && incr < minIncr)) dir = -1;
  } else {
    max = (1n << BigInt(bits)) - 1n;
    min = 0n;
    const maxIncr = BigInt.asIntN(64, max - value);
    const minIncr = BigInt.asIntN(64, -value);
    if (value > max || (incr > 0n && incr > maxIncr)) dir = 1;
    else if (incr < 0n && incr < minIncr) dir = -1;
  }
  if (dir === 0) return value + incr;
  if (overflow === OVERFLOW_FAIL) return null;
  if (overflow === OVERFLOW_SAT) return dir > 0 ? max : min;
  return signed ? BigInt.asIntN(bits, value + incr) : BigInt.asUintN(bits, value + incr);
}

// Fields of at most 32 bits with arguments below 2^52 (the common case:
// counters, u8 / i16 cells) take this number-only path; the results are
// the same as the bigint functions above, which handle everything else.

/** Widest field of the number path. */
export const SMALL_FIELD_BITS = 32;
/** Largest |argument| of the number path (sums stay exact doubles). */
export const SMALL_FIELD_ARG = 2 ** 52;

/** readUnsigned() for bits <= 32: at most 5 bytes, exact as a double. */
export function readSmall(buf: Uint8Array, len: number, offset: number, bits: number, signed: boolean): number {
  const first = Math.floor(offset / 8);
  const lastBit = offset + bits - 1;
  const last = Math.floor(lastBit / 8);
  let acc = 0;
  for (let b = first; b <= last; b++) acc = acc * 256 + (b < len ? buf[b] : 0);
  const v = Math.floor(acc / 2 ** (7 - (lastBit & 7))) % 2 ** bits;
  return signed && v >= 2 ** (bits - 1) ? v - 2 ** bits : v;
}

/** writeField() for bits <= 32: `value` is any integer, its low `bits` bits are stored. */
export function writeSmall(buf: Uint8Array, offset: number, bits: number, value: number): void {
  const first = Math.floor(offset / 8);
  const lastBit = offset + bits - 1;
  const last = Math.floor(lastBit / 8);
  const unit = 2 ** (7 - (lastBit & 7));
  const range = 2 ** bits;
  let acc = 0;
  for (let b = first; b <= last; b++) acc = acc * 256 + buf[b];
  const old = Math.floor(acc / unit) % range;
  const field = ((value % range) + range) % range;
  acc += (field - old) * unit;
  for (let b = last; b >= first; b--) {
    buf[b] = acc % 256;
    acc = Math.floor(acc / 256);
  }
}

/**
 * fieldResult() for bits <= 32 and |value|, |incr| < 2^52, where Redis's
 * int64 headroom never wraps. `isSet`: an unsigned SET of a negative value
 * is a huge uint64 in C, an overflow upwards.
 */
export function fieldResultSmall(signed: boolean, bits: number, value: number, incr: number, overflow: number, isSet: boolean): number | null {
  const range = 2 ** bits;
  const max = signed ? range / 2 - 1 : range - 1;
  const min = signed ? -range / 2 : 0;
  const sum = value + incr;
  if (sum >= min && sum <= max) return sum;
  if (overflow === OVERFLOW_FAIL) return null;
  if (overflow === OVERFLOW_SAT) return sum > max || (isSet && !signed) ? max : min;
  const low = ((sum % range) + range) % range;
  return signed && low > max ? low - range : low;
}
