/**
 * CRC-64 as Redis computes it for RDB files and DUMP payloads: the Jones
 * polynomial (0xad93d23594c935a9), reflected input and output, initial
 * value 0, no final xor ("123456789" gives 0xe9c6d914c4b8d9ca).
 *
 * A table-driven byte-at-a-time CRC held in two 32-bit halves, so no
 * BigInt is needed per byte.
 */

/** The reflected polynomial, as high and low 32-bit halves. */
const POLY_HI = 0x95ac9329;
const POLY_LO = 0xac4bc9b5;

const TABLE_HI = new Uint32Array(256);
const TABLE_LO = new Uint32Array(256);

for (let i = 0; i < 256; i++) {
  let hi = 0;
  let lo = i;
  for (let bit = 0; bit < 8; bit++) {
    const carry = lo & 1;
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
    hi >>>= 1;
    if (carry) {
      hi = (hi ^ POLY_HI) >>> 0;
      lo = (lo ^ POLY_LO) >>> 0;
    }
  }
  TABLE_HI[i] = hi;
  TABLE_LO[i] = lo;
}

/**
 * Slicing-by-8 tables (as Redis's crcspeed): T[k][i] is the CRC of byte i
 * followed by k zero bytes, so eight input bytes are folded per step.
 */
const SLICES = 8;
const T_HI: Uint32Array[] = [TABLE_HI];
const T_LO: Uint32Array[] = [TABLE_LO];
for (let k = 1; k < SLICES; k++) {
  const ph = T_HI[k - 1];
  const pl = T_LO[k - 1];
  const th = new Uint32Array(256);
  const tl = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    const idx = pl[i] & 0xff;
    tl[i] = (((pl[i] >>> 8) | (ph[i] << 24)) ^ TABLE_LO[idx]) >>> 0;
    th[i] = ((ph[i] >>> 8) ^ TABLE_HI[idx]) >>> 0;
  }
  T_HI.push(th);
  T_LO.push(tl);
}
// The loops below stay in signed 32-bit integers (small integers to V8):
// unsigned values past 2^31 would be boxed as heap numbers, garbage per step
// wherever the optimizer cannot keep them in registers.
const signed = (t: Uint32Array): Int32Array => new Int32Array(t.buffer);
const [H0, H1, H2, H3, H4, H5, H6, H7] = T_HI.map(signed);
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const [L0, L1, L2, L3, L4, L5, L6, L7] = T_LO.map(signed);
const HI0 = signed(TABLE_HI);
const LO0 = signed(TABLE_LO);

/** The CRC of `data` continuing from `crc` (0 to start), as a bigint. */
export function crc64(data: Uint8Array, crc = 0n): bigint {
  let hi = Number((crc >> 32n) & 0xffffffffn) | 0;
  let lo = Number(crc & 0xffffffffn) | 0;
  const n = data.length;
  let i = 0;
  // 4-byte aligned data (the RDB writer's buffers) is read as 32-bit words on little-endian hosts
  const words = LITTLE_ENDIAN && (data.byteOffset & 3) === 0 ? new Int32Array(data.buffer, data.byteOffset, n >>> 2) : null;
  if (words !== null) {
    for (let w = 0; i + 8 <= n; i += 8, w += 2) {
      const a = lo ^ words[w];
      const b = hi ^ words[w + 1];
      lo = L7[a & 0xff] ^ L6[(a >>> 8) & 0xff] ^ L5[(a >>> 16) & 0xff] ^ L4[a >>> 24] ^ L3[b & 0xff] ^ L2[(b >>> 8) & 0xff] ^ L1[(b >>> 16) & 0xff] ^ L0[b >>> 24];
      hi = H7[a & 0xff] ^ H6[(a >>> 8) & 0xff] ^ H5[(a >>> 16) & 0xff] ^ H4[a >>> 24] ^ H3[b & 0xff] ^ H2[(b >>> 8) & 0xff] ^ H1[(b >>> 16) & 0xff] ^ H0[b >>> 24];
    }
  }
  for (; i + 8 <= n; i += 8) {
    const a = lo ^ (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24));
    const b = hi ^ (data[i + 4] | (data[i + 5] << 8) | (data[i + 6] << 16) | (data[i + 7] << 24));
    lo = L7[a & 0xff] ^ L6[(a >>> 8) & 0xff] ^ L5[(a >>> 16) & 0xff] ^ L4[a >>> 24] ^ L3[b & 0xff] ^ L2[(b >>> 8) & 0xff] ^ L1[(b >>> 16) & 0xff] ^ L0[b >>> 24];
    hi = H7[a & 0xff] ^ H6[(a >>> 8) & 0xff] ^ H5[(a >>> 16) & 0xff] ^ H4[a >>> 24] ^ H3[b & 0xff] ^ H2[(b >>> 8) & 0xff] ^ H1[(b >>> 16) & 0xff] ^ H0[b >>> 24];
  }
  for (; i < n; i++) {
    const idx = (lo ^ data[i]) & 0xff;
    lo = ((lo >>> 8) | (hi << 24)) ^ LO0[idx];
    hi = (hi >>> 8) ^ HI0[idx];
  }
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}
