/**
 * The sparse HyperLogLog encoding, as Redis 7.0 writes it: after the header
 * the registers are a sequence of run-length opcodes covering all 16384:
 *
 *   ZERO   00xxxxxx            xxxxxx+1 registers (1..64) set to 0
 *   XZERO  01xxxxxx yyyyyyyy   xxxxxxyyyyyyyy+1 registers (1..16384) set to 0
 *   VAL    1vvvvvxx            xx+1 registers (1..4) set to vvvvv+1 (1..32)
 *
 * Edits follow Redis's hllSparseSet() step by step (split the opcode holding
 * the register into at most five bytes, then merge equal neighbouring VALs
 * near it), because the resulting bytes are part of the format GET returns.
 *
 * Reads past the end of the value see a 0 byte, as Redis's sds terminator.
 */
import type { ByteString } from './value';
import { HLL_DENSE, HLL_DENSE_SIZE, HLL_HDR_SIZE, HLL_REGISTERS, denseSet, denseSetRaw, invalidateCache } from './hll';

export const SPARSE_VAL_MAX_VALUE = 32;
const SPARSE_VAL_MAX_LEN = 4;
const SPARSE_ZERO_MAX_LEN = 64;
const XZERO_BIT = 0x40;
const VAL_BIT = 0x80;

const isZero = (op: number): boolean => (op & 0xc0) === 0;
const isXZero = (op: number): boolean => (op & 0xc0) === XZERO_BIT;
const valValue = (op: number): number => ((op >>> 2) & 0x1f) + 1;
const valLen = (op: number): number => (op & 3) + 1;
const zeroLen = (op: number): number => (op & 0x3f) + 1;
const valOp = (value: number, len: number): number => VAL_BIT | ((value - 1) << 2) | (len - 1);

/**
 * Redis's sds string keeps one byte after its end, normally the 0
 * terminator, which a truncated XZERO in the last byte reads as its second
 * byte. One edit of a corrupted value leaves a non-zero byte there (see
 * sparseSet()); it is remembered here, for the length it was left at, until
 * an edit that rewrites Redis's terminator (or a change of length) drops it.
 */
const terminators = new WeakMap<ByteString, { len: number; byte: number }>();

/** The byte Redis would read just past the end of v. */
export function tailByte(v: ByteString): number {
  const t = terminators.get(v);
  return t !== undefined && t.len === v.len ? t.byte : 0;
}

/** Length of the XZERO at p; `tail` is the byte past the end. */
function xzeroLen(buf: Uint8Array, len: number, p: number, tail: number): number {
  return (((buf[p] & 0x3f) << 8) | (p + 1 < len ? buf[p + 1] : tail)) + 1;
}

/** Append a zero run of n registers to seq at w; returns the new w. */
function putZeros(seq: Uint8Array, w: number, n: number): number {
  if (n > SPARSE_ZERO_MAX_LEN) {
    seq[w] = XZERO_BIT | ((n - 1) >>> 8);
    seq[w + 1] = (n - 1) & 0xff;
    return w + 2;
  }
  seq[w] = n - 1;
  return w + 1;
}

/** Scratch for the replacement sequence (at most 5 bytes). */
const seq = new Uint8Array(8);

/**
 * Raise register `index` to `count` in a sparse value: 1 when it changed
 * (the cache is then marked stale), 0 when it already held as much, -1 when
 * the opcodes don't reach the register. Turns the value dense (in place)
 * when count exceeds what VAL can hold or the value would outgrow maxBytes.
 */
export function sparseSet(v: ByteString, index: number, count: number, maxBytes: number): number {
  if (count > SPARSE_VAL_MAX_VALUE) return promote(v, index, count);

  // Find the opcode covering index, and the one before it.
  let buf = v.buf;
  let end = v.len;
  const tail = tailByte(v);
  let p = HLL_HDR_SIZE;
  let prev = -1;
  let first = 0;
  let span = 0;
  let oplen = 1;
  while (p < end) {
    const op = buf[p];
    oplen = 1;
    if (isZero(op)) span = zeroLen(op);
    else if (isXZero(op)) {
      span = xzeroLen(buf, end, p, tail);
      oplen = 2;
    } else span = valLen(op);
    if (index <= first + span - 1) break;
    prev = p;
    p += oplen;
    first += span;
  }
  if (span === 0 || p >= end) return -1;

  const op = buf[p];
  const zero = isZero(op);
  const xzero = isXZero(op);
  const val = !zero && !xzero;
  if (val) {
    if (valValue(op) >= count) return 0;
    if (span === 1) {
      buf[p] = valOp(count, 1);
      return merged(v, prev);
    }
  } else if (zero && span === 1) {
    buf[p] = valOp(count, 1);
    return merged(v, prev);
  }

  // Split the run: [left part] VAL(count,1) [right part].
  const last = first + span - 1;
  let w = 0;
  if (val) {
    const cur = valValue(op);
    if (index !== first) seq[w++] = valOp(cur, index - first);
    seq[w++] = valOp(count, 1);
    if (index !== last) seq[w++] = valOp(cur, last - index);
  } else {
    if (index !== first) w = putZeros(seq, w, index - first);
    seq[w++] = valOp(count, 1);
    if (index !== last) w = putZeros(seq, w, last - index);
  }
  const delta = w - oplen;
  if (delta > 0 && end + delta > maxBytes) return promote(v, index, count);
  const next = p + oplen;
  if (delta > 0) {
    v.grow(end + delta);
    buf = v.buf;
    buf.copyWithin(next + delta, next, end);
  } else if (delta < 0) {
    // Only an XZERO of one register (never written by Redis) shrinks.
    buf.copyWithin(next + delta, next, end);
    shrink(v, end + delta);
  }
  end += delta;
  // Redis resets its terminator, then copies the sequence. Only a truncated
  // XZERO in the last byte makes the copy overrun the value by one byte: that
  // byte becomes the one past the end.
  const fit = Math.min(w, end - p);
  buf.set(seq.subarray(0, fit), p);
  if (fit < w) terminators.set(v, { len: end, byte: seq[fit] });
  else terminators.delete(v);
  return merged(v, prev);
}

/** Drop bytes past newLen, keeping ByteString's spare capacity zeroed. */
function shrink(v: ByteString, newLen: number): void {
  v.buf.fill(0, newLen, v.len);
  v.len = newLen;
}

/**
 * After an update: starting from the opcode before the changed one (or the
 * first), look at up to five opcodes and fuse neighbouring VALs of the same
 * value whose lengths fit in one. Then mark the cache stale.
 */
function merged(v: ByteString, prev: number): number {
  const buf = v.buf;
  let end = v.len;
  let p = prev >= 0 ? prev : HLL_HDR_SIZE;
  let scan = 5;
  while (p < end && scan-- > 0) {
    const op = buf[p];
    if (isXZero(op)) {
      p += 2;
      continue;
    }
    if (isZero(op)) {
      p++;
      continue;
    }
    if (p + 1 < end) {
      const nx = buf[p + 1];
      if (!isZero(nx) && !isXZero(nx) && valValue(op) === valValue(nx)) {
        const len = valLen(op) + valLen(nx);
        if (len <= SPARSE_VAL_MAX_LEN) {
          buf[p + 1] = valOp(valValue(op), len);
          buf.copyWithin(p, p + 1, end);
          shrink(v, end - 1);
          terminators.delete(v);
          end--;
          continue; // the fused opcode may fuse with the next one too
        }
      }
    }
    p++;
  }
  invalidateCache(buf);
  v.changed();
  return 1;
}

/** Turn the value dense, then set the register there (always a change). */
function promote(v: ByteString, index: number, count: number): number {
  if (!sparseToDense(v)) return -1;
  denseSet(v.buf, index, count);
  v.changed();
  return 1;
}

/**
 * Rewrite a sparse value as dense in place (hllSparseToDense()): the header
 * is kept (magic and cached cardinality), the encoding byte becomes dense.
 * False, leaving the value as it was, when the opcodes don't cover exactly
 * every register.
 */
export function sparseToDense(v: ByteString): boolean {
  const src = v.buf;
  const end = v.len;
  const tail = tailByte(v);
  const dense = Buffer.alloc(HLL_DENSE_SIZE);
  src.copy(dense, 0, 0, HLL_HDR_SIZE);
  dense[4] = HLL_DENSE;
  let idx = 0;
  let p = HLL_HDR_SIZE;
  while (p < end) {
    const op = src[p];
    if (isZero(op)) {
      idx += zeroLen(op);
      p++;
    } else if (isXZero(op)) {
      idx += xzeroLen(src, end, p, tail);
      p += 2;
    } else {
      let run = valLen(op);
      if (idx + run > HLL_REGISTERS) return false; // past the last register: corrupted
      const value = valValue(op);
      while (run-- > 0) denseSetRaw(dense, idx++, value);
      p++;
    }
  }
  if (idx !== HLL_REGISTERS) return false;
  v.buf = dense;
  v.len = HLL_DENSE_SIZE;
  terminators.delete(v);
  v.changed();
  return true;
}

/** Register histogram of a sparse value; false when the runs don't add up to 16384. */
export function sparseHistogram(v: ByteString, hist: Int32Array): boolean {
  const buf = v.buf;
  const end = v.len;
  const tail = tailByte(v);
  let idx = 0;
  let p = HLL_HDR_SIZE;
  while (p < end) {
    const op = buf[p];
    if (isZero(op)) {
      const run = zeroLen(op);
      hist[0] += run;
      idx += run;
      p++;
    } else if (isXZero(op)) {
      const run = xzeroLen(buf, end, p, tail);
      hist[0] += run;
      idx += run;
      p += 2;
    } else {
      const run = valLen(op);
      hist[valValue(op)] += run;
      idx += run;
      p++;
    }
  }
  return idx === HLL_REGISTERS;
}

/** Max-merge a sparse value's registers into regs; false when corrupted. */
export function sparseMerge(regs: Uint8Array, v: ByteString): boolean {
  const buf = v.buf;
  const end = v.len;
  const tail = tailByte(v);
  let i = 0;
  let p = HLL_HDR_SIZE;
  while (p < end) {
    const op = buf[p];
    if (isZero(op)) {
      i += zeroLen(op);
      p++;
    } else if (isXZero(op)) {
      i += xzeroLen(buf, end, p, tail);
      p += 2;
    } else {
      let run = valLen(op);
      if (i + run > HLL_REGISTERS) return false; // past the last register: corrupted
      const value = valValue(op);
      while (run-- > 0) {
        if (value > regs[i]) regs[i] = value;
        i++;
      }
      p++;
    }
  }
  return i === HLL_REGISTERS;
}

/** PFDEBUG DECODE's text: "z:N", "Z:N" and "v:value,len" joined by spaces. */
export function sparseDecode(v: ByteString): string {
  const buf = v.buf;
  const end = v.len;
  const tail = tailByte(v);
  const parts: string[] = [];
  let p = HLL_HDR_SIZE;
  while (p < end) {
    const op = buf[p];
    if (isZero(op)) {
      parts.push(`z:${zeroLen(op)}`);
      p++;
    } else if (isXZero(op)) {
      parts.push(`Z:${xzeroLen(buf, end, p, tail)}`);
      p += 2;
    } else {
      parts.push(`v:${valValue(op)},${valLen(op)}`);
      p++;
    }
  }
  return parts.join(' ');
}
