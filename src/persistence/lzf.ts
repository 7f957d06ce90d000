/**
 * LZF as Redis 7.0 builds it (liblzf 3.6 with HLOG 16, VERY_FAST, offsets
 * in the hash table): the compressor produces the same bytes as Redis's for
 * the same input (its hash table starts empty here; Redis's is not
 * initialised, which can only add matches, and in practice does not), and
 * the decompressor checks its input as CHECK_INPUT does.
 *
 * Format: a control byte below 32 starts a run of (ctrl + 1) literal bytes;
 * otherwise its top 3 bits are a length (7: one more length byte follows)
 * and its low 5 bits with the next byte an offset back into the output.
 */

const HLOG = 16;
const HSIZE = 1 << HLOG;
const MAX_LIT = 1 << 5;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);

/**
 * The hash table: input positions by hash of 3 bytes, as position + `gen`
 * of the call that stored them. Each call's gen is above every value stored
 * before, so older entries read as negative positions, no match: the table
 * behaves as if cleared for each input without 256 KB of clearing per call
 * (it is, when the generations reach 2^31). Position 0 is never a match, as
 * in liblzf.
 */
const htab = new Int32Array(HSIZE);
let nextGen = 1;

function slot(h: number): number {
  return ((h >>> (24 - HLOG)) - h * 5) & (HSIZE - 1);
}

/**
 * Compress `input` into at most `maxOut` bytes (Redis asks for len - 4);
 * null when the output would not fit, as lzf_compress returns 0.
 */
export function lzfCompress(input: Uint8Array, maxOut: number): Buffer | null {
  if (input.length === 0 || maxOut <= 0) return null;
  const out = Buffer.allocUnsafe(maxOut);
  const n = lzfCompressInto(input, input.length, out, maxOut);
  return n === 0 ? null : out.subarray(0, n);
}

/**
 * Compress the first `inLen` bytes of `input` into `out` (at most `maxOut`
 * bytes); the compressed length, or 0 when it would not fit. No allocation:
 * the RDB writer compresses every long string through here.
 */
export function lzfCompressInto(input: Uint8Array, inLen: number, out: Uint8Array, maxOut: number): number {
  if (inLen === 0 || maxOut <= 0) return 0;
  if (nextGen + inLen >= 0x7fffffff) {
    htab.fill(0);
    nextGen = 1;
  }
  const gen = nextGen;
  nextGen += inLen + 1;
  const tab = htab;
  const inEnd = inLen;
  const outEnd = maxOut;
  let ip = 0;
  let op = 1; // the first literal run's length byte
  let lit = 0;
  let hval = (input[0] << 8) | (inLen > 1 ? input[1] : 0);
  while (ip < inEnd - 2) {
    hval = ((hval << 8) | input[ip + 2]) >>> 0;
    const s = slot(hval);
    const ref = tab[s] - gen;
    tab[s] = ip + gen;
    let off = 0;
    if (
      ref > 0 &&
      ref < ip &&
      (off = ip - ref - 1) < MAX_OFF &&
      input[ref + 2] === input[ip + 2] &&
      input[ref] === input[ip] &&
      input[ref + 1] === input[ip + 1]
    ) {
      let len = 2;
      let maxlen = inEnd - ip - len;
      if (maxlen > MAX_REF) maxlen = MAX_REF;
      if (op + 3 + 1 >= outEnd && op - (lit === 0 ? 1 : 0) + 3 + 1 >= outEnd) return 0;
      out[op - lit - 1] = lit - 1; // close the literal run
      if (lit === 0) op--; // an empty run is dropped
      extend: {
        if (maxlen > 16) {
          for (let k = 0; k < 16; k++) {
            len++;
            if (input[ref + len] !== input[ip + len]) break extend;
          }
        }
        do len++;
        while (len < maxlen && input[ref + len] === input[ip + len]);
      }
      len -= 2; // the match is len + 2 bytes long (the decoder copies len + 2)
      ip++;
      if (len < 7) {
        out[op++] = (off >> 8) + (len << 5);
      } else {
        out[op++] = (off >> 8) + (7 << 5);
        out[op++] = len - 7;
      }
      out[op++] = off & 0xff;
      lit = 0;
      op++; // the next literal run's length byte
      ip += len + 1;
      if (ip >= inEnd - 2) break;
      // hash the two positions the match skipped over (VERY_FAST)
      ip -= 2;
      hval = (input[ip] << 8) | input[ip + 1];
      hval = ((hval << 8) | input[ip + 2]) >>> 0;
      tab[slot(hval)] = ip + gen;
      ip++;
      hval = ((hval << 8) | input[ip + 2]) >>> 0;
      tab[slot(hval)] = ip + gen;
      ip++;
    } else {
      if (op >= outEnd) return 0;
      lit++;
      out[op++] = input[ip++];
      if (lit === MAX_LIT) {
        out[op - lit - 1] = lit - 1;
        lit = 0;
        op++;
      }
    }
  }
  if (op + 3 > outEnd) return 0;
  while (ip < inEnd) {
    lit++;
    out[op++] = input[ip++];
    if (lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  out[op - lit - 1] = lit - 1;
  if (lit === 0) op--;
  return op;
}

/** Decompress `input` into exactly `outLen` bytes; null when it is corrupt or does not fill them. */
export function lzfDecompress(input: Uint8Array, outLen: number): Buffer | null {
  const out = Buffer.alloc(outLen);
  return lzfDecompressInto(input, 0, input.length, out, outLen) ? out : null;
}

/**
 * Decompress input[from, to) into the first `outLen` bytes of `out`; false
 * when it is corrupt or does not fill exactly that many (CHECK_INPUT).
 */
export function lzfDecompressInto(input: Uint8Array, from: number, to: number, out: Uint8Array, outLen: number): boolean {
  const inEnd = to;
  let ip = from;
  let op = 0;
  while (ip < inEnd) {
    const ctrl = input[ip++];
    if (ctrl < 32) {
      const n = ctrl + 1;
      if (op + n > outLen || ip + n > inEnd) return false;
      for (let i = 0; i < n; i++) out[op++] = input[ip++];
    } else {
      let len = ctrl >> 5;
      let ref = op - ((ctrl & 0x1f) << 8) - 1;
      if (ip >= inEnd) return false;
      if (len === 7) {
        len += input[ip++];
        if (ip >= inEnd) return false;
      }
      ref -= input[ip++];
      if (op + len + 2 > outLen || ref < 0) return false;
      for (let i = 0; i < len + 2; i++) out[op++] = out[ref++];
    }
  }
  return op === outLen;
}
