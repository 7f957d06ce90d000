/**
 * The bit algorithms of store/bitmap.ts against naive one-bit-at-a-time
 * references: popcount, ranged counts and searches at byte and 32-bit word
 * boundaries (offsets 0, 7, 8, 31, 32, 63, 64...), over buffers whose start
 * is not 4-byte aligned, BITOP with sources of different lengths, and the
 * BITFIELD field reads/writes and overflow rules.
 */
import { describe, expect, it } from 'vitest';
import {
  BITOP_AND,
  BITOP_NOT,
  BITOP_OR,
  BITOP_XOR,
  OVERFLOW_FAIL,
  OVERFLOW_SAT,
  OVERFLOW_WRAP,
  bitop,
  countBitsInRange,
  fieldResult,
  fieldResultSmall,
  findBit,
  getBit,
  popcount,
  readSigned,
  readSmall,
  readUnsigned,
  setBit,
  writeField,
  writeSmall,
} from '../../src/store/bitmap';
import { prng } from '../prng';

/** The few PRNG helpers these tests use. */
class Rng {
  private r: () => number;
  constructor(seed: number) {
    this.r = prng(seed);
  }
  next(): number {
    return this.r();
  }
  int(n: number): number {
    return Math.floor(this.r() * n);
  }
}

const bitAt = (b: Uint8Array, i: number) => (b[i >> 3] >> (7 - (i & 7))) & 1;

function naiveCount(b: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let i = from; i <= to; i++) n += bitAt(b, i);
  return n;
}

function naiveFind(b: Uint8Array, from: number, to: number, bit: number): number {
  for (let i = from; i <= to; i++) if (bitAt(b, i) === bit) return i;
  return -1;
}

/** `len` bytes at byte offset `shift` of a larger buffer (so views start unaligned). */
function view(bytes: number[], shift: number): Uint8Array {
  const backing = new Uint8Array(bytes.length + shift + 3);
  backing.fill(0xa5); // garbage around the view must never be read
  const v = backing.subarray(shift, shift + bytes.length);
  v.set(bytes);
  return v;
}

function randomBytes(rng: Rng, n: number, density: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = rng.next();
    out.push(x < density ? 0 : x < 2 * density ? 0xff : Math.floor(rng.next() * 256));
  }
  return out;
}

// Bit offsets around byte and word edges.
const EDGES = [0, 1, 6, 7, 8, 9, 15, 16, 24, 31, 32, 33, 39, 40, 63, 64, 65, 95, 96, 127, 128, 255, 256, 257, 511];

describe('popcount', () => {
  it('matches a per-bit count for every alignment and length', () => {
    const rng = new Rng(1);
    for (const shift of [0, 1, 2, 3]) {
      for (const len of [0, 1, 3, 4, 5, 31, 32, 33, 63, 64, 65, 100, 257]) {
        const b = view(randomBytes(rng, len, 0.2), shift);
        for (const from of [0, 1, 3, 4, 5]) {
          if (from > len) continue;
          expect(popcount(b, from, len)).toBe(naiveCount(b, from * 8, len * 8 - 1));
        }
      }
    }
  });

  it('counts all-ones and all-zero buffers', () => {
    const ones = new Uint8Array(1000).fill(0xff);
    expect(popcount(ones, 0, 1000)).toBe(8000);
    expect(popcount(ones, 3, 997)).toBe(994 * 8);
    expect(popcount(new Uint8Array(1000), 0, 1000)).toBe(0);
  });
});

describe('countBitsInRange', () => {
  it('counts inclusive bit ranges at word boundaries', () => {
    const rng = new Rng(2);
    for (const shift of [0, 1, 3]) {
      const b = view(randomBytes(rng, 70, 0.25), shift);
      for (const from of EDGES) {
        for (const to of EDGES) {
          if (to >= 70 * 8) continue;
          expect(countBitsInRange(b, from, to)).toBe(from > to ? 0 : naiveCount(b, from, to));
        }
      }
    }
  });

  it('handles a range inside one byte', () => {
    const b = Uint8Array.of(0b10110110);
    expect(countBitsInRange(b, 0, 0)).toBe(1);
    expect(countBitsInRange(b, 1, 1)).toBe(0);
    expect(countBitsInRange(b, 2, 5)).toBe(3);
    expect(countBitsInRange(b, 7, 7)).toBe(0);
    expect(countBitsInRange(b, 0, 7)).toBe(5);
  });
});

describe('findBit', () => {
  it('finds the first 0 or 1 in inclusive ranges at word boundaries', () => {
    const rng = new Rng(3);
    for (const shift of [0, 2, 3]) {
      // Mostly-0x00 and mostly-0xff buffers exercise the word skipping.
      for (const density of [0.45, 0.49, 0.1]) {
        const b = view(randomBytes(rng, 80, density), shift);
        for (const from of EDGES) {
          for (const to of EDGES) {
            if (to >= 80 * 8) continue;
            for (const bit of [0, 1]) expect(findBit(b, from, to, bit)).toBe(from > to ? -1 : naiveFind(b, from, to, bit));
          }
        }
      }
    }
  });

  it('skips long runs of 0x00 / 0xff', () => {
    const zeros = new Uint8Array(4099);
    expect(findBit(zeros, 0, 4099 * 8 - 1, 1)).toBe(-1);
    zeros[4000] = 0x10;
    expect(findBit(zeros, 0, 4099 * 8 - 1, 1)).toBe(4000 * 8 + 3);
    expect(findBit(zeros, 4000 * 8 + 4, 4099 * 8 - 1, 1)).toBe(-1);
    const ones = new Uint8Array(4099).fill(0xff);
    expect(findBit(ones, 5, 4099 * 8 - 1, 0)).toBe(-1);
    ones[4098] = 0xfe;
    expect(findBit(ones, 5, 4099 * 8 - 1, 0)).toBe(4099 * 8 - 1);
    expect(findBit(ones, 5, 4099 * 8 - 2, 0)).toBe(-1);
  });
});

describe('findBit over long runs (64 KB native skipping)', () => {
  it('finds the first differing bit anywhere in a long run, on Buffers and plain views', () => {
    const n = 300_000;
    for (const shift of [0, 1, 3]) {
      for (const bit of [0, 1]) {
        const fill = bit ? 0x00 : 0xff;
        for (const at of [0, 65535, 65536, 131071, 131072, 200_001, n - 1]) {
          const backing = new Uint8Array(n + shift).fill(fill);
          const v = shift ? backing.subarray(shift) : Buffer.from(backing.buffer, 0, n);
          v[at] = bit ? 0x04 : 0xfb;
          expect(findBit(v, 0, n * 8 - 1, bit)).toBe(at * 8 + 5);
          expect(findBit(v, 11, n * 8 - 1, bit)).toBe(at === 0 ? -1 : at * 8 + 5);
          expect(findBit(v, at * 8 + 6, n * 8 - 1, bit)).toBe(-1);
        }
      }
    }
  });
});

describe('getBit / setBit', () => {
  it('reads and writes bits MSB first, zero past the end', () => {
    const b = new Uint8Array(9);
    for (const off of [0, 7, 8, 31, 32, 63, 64, 71]) {
      expect(setBit(b, off, 1)).toBe(0);
      expect(getBit(b, 9, off)).toBe(1);
      expect(setBit(b, off, 1)).toBe(1);
    }
    expect(Array.from(b)).toEqual([0x81, 0x80, 0, 0x01, 0x80, 0, 0, 0x01, 0x81]);
    expect(getBit(b, 9, 72)).toBe(0);
    expect(getBit(b, 2, 31)).toBe(0); // past the length given, not the buffer
    expect(setBit(b, 0, 0)).toBe(1);
    expect(b[0]).toBe(0x01);
  });
});

describe('bitop', () => {
  function naiveOp(op: number, srcs: Uint8Array[], len: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < len; i++) {
      const byte = (s: Uint8Array) => (i < s.length ? s[i] : 0);
      let v = byte(srcs[0]);
      if (op === BITOP_NOT) v = ~v & 0xff;
      for (let j = 1; j < srcs.length; j++) {
        if (op === BITOP_AND) v &= byte(srcs[j]);
        else if (op === BITOP_OR) v |= byte(srcs[j]);
        else v ^= byte(srcs[j]);
      }
      out.push(v);
    }
    return out;
  }

  it('matches a per-byte reference for mixed lengths and alignments', () => {
    const rng = new Rng(4);
    const lengths = [0, 1, 3, 4, 5, 31, 32, 33, 67, 130];
    for (const op of [BITOP_AND, BITOP_OR, BITOP_XOR, BITOP_NOT]) {
      for (let t = 0; t < 60; t++) {
        const n = op === BITOP_NOT ? 1 : 1 + rng.int(4);
        const srcs: Uint8Array[] = [];
        for (let j = 0; j < n; j++) srcs.push(view(randomBytes(rng, lengths[rng.int(lengths.length)], 0.2), rng.int(4)));
        const len = Math.max(...srcs.map((s) => s.length));
        const out = new Uint8Array(len);
        bitop(op, srcs, out);
        expect(Array.from(out)).toEqual(naiveOp(op, srcs, len));
      }
    }
  });
});

describe('bitfield fields', () => {
  function naiveRead(b: Uint8Array, len: number, off: number, bits: number): bigint {
    let v = 0n;
    for (let i = off; i < off + bits; i++) v = (v << 1n) | BigInt(i >> 3 < len ? bitAt(b, i) : 0);
    return v;
  }

  it('reads unsigned and signed fields of every width at word boundaries', () => {
    const rng = new Rng(5);
    const b = Uint8Array.from(randomBytes(rng, 20, 0.1));
    for (let bits = 1; bits <= 64; bits++) {
      for (const off of [0, 1, 7, 8, 13, 31, 32, 33, 63, 64, 100, 150, 159, 170]) {
        const u = naiveRead(b, 20, off, bits);
        if (bits < 64) expect(readUnsigned(b, 20, off, bits)).toBe(u);
        expect(readSigned(b, 20, off, bits)).toBe(BigInt.asIntN(bits, u));
      }
    }
  });

  it('writes fields without touching neighbouring bits', () => {
    const rng = new Rng(6);
    for (let bits = 1; bits <= 64; bits++) {
      for (const off of [0, 3, 7, 8, 29, 31, 32, 60, 63, 64]) {
        const b = Uint8Array.from(randomBytes(rng, 20, 0.1));
        const before = Uint8Array.from(b);
        const value = BigInt.asUintN(bits, BigInt(Math.floor(rng.next() * 2 ** 32)) * 0x1_0000_0001n);
        writeField(b, off, bits, value);
        expect(naiveRead(b, 20, off, bits)).toBe(value);
        for (let i = 0; i < 160; i++) if (i < off || i >= off + bits) expect(bitAt(b, i)).toBe(bitAt(before, i));
      }
    }
  });

  it('applies WRAP, SAT and FAIL as Redis does', () => {
    // unsigned 8 bits
    expect(fieldResult(false, 8, 250n, 10n, OVERFLOW_WRAP)).toBe(4n);
    expect(fieldResult(false, 8, 250n, 10n, OVERFLOW_SAT)).toBe(255n);
    expect(fieldResult(false, 8, 250n, 10n, OVERFLOW_FAIL)).toBeNull();
    expect(fieldResult(false, 8, 5n, -10n, OVERFLOW_WRAP)).toBe(251n);
    expect(fieldResult(false, 8, 5n, -10n, OVERFLOW_SAT)).toBe(0n);
    expect(fieldResult(false, 8, 5n, -5n, OVERFLOW_FAIL)).toBe(0n);
    // an unsigned SET of -1 (as uint64) overflows upwards
    expect(fieldResult(false, 8, BigInt.asUintN(64, -1n), 0n, OVERFLOW_SAT)).toBe(255n);
    expect(fieldResult(false, 8, BigInt.asUintN(64, -1n), 0n, OVERFLOW_WRAP)).toBe(255n);
    // signed 8 bits
    expect(fieldResult(true, 8, 127n, 1n, OVERFLOW_WRAP)).toBe(-128n);
    expect(fieldResult(true, 8, 127n, 1n, OVERFLOW_SAT)).toBe(127n);
    expect(fieldResult(true, 8, -128n, -1n, OVERFLOW_SAT)).toBe(-128n);
    expect(fieldResult(true, 8, -128n, -1n, OVERFLOW_WRAP)).toBe(127n);
    expect(fieldResult(true, 8, 200n, 0n, OVERFLOW_WRAP)).toBe(-56n);
    // 64 bits
    const MAX = 2n ** 63n - 1n;
    expect(fieldResult(true, 64, MAX, 1n, OVERFLOW_WRAP)).toBe(-MAX - 1n);
    expect(fieldResult(true, 64, -MAX - 1n, -1n, OVERFLOW_SAT)).toBe(-MAX - 1n);
    expect(fieldResult(true, 64, -5n, MAX, OVERFLOW_FAIL)).toBe(MAX - 5n);
    expect(fieldResult(false, 63, 0n, MAX, OVERFLOW_FAIL)).toBe(MAX);
    expect(fieldResult(false, 63, 1n, MAX, OVERFLOW_WRAP)).toBe(0n);
    // Redis's int64 headroom: a SET near INT64_MIN saturates to the maximum
    expect(fieldResult(true, 21, -MAX - 1n, 0n, OVERFLOW_SAT)).toBe(2n ** 20n - 1n);
    expect(fieldResult(true, 8, -MAX - 1n + 127n, 0n, OVERFLOW_SAT)).toBe(127n);
    expect(fieldResult(true, 8, -MAX - 1n + 128n, 0n, OVERFLOW_SAT)).toBe(-128n);
  });
});

describe('the number path for fields up to 32 bits', () => {
  it('reads and writes exactly as the bigint functions', () => {
    const rng = new Rng(7);
    for (let bits = 1; bits <= 32; bits++) {
      for (const off of [0, 1, 5, 7, 8, 9, 24, 31, 32, 33, 39, 63, 64, 70]) {
        const a = Uint8Array.from(randomBytes(rng, 16, 0.1));
        const b = Uint8Array.from(a);
        expect(readSmall(a, 16, off, bits, false)).toBe(Number(readUnsigned(a, 16, off, bits)));
        expect(readSmall(a, 16, off, bits, true)).toBe(Number(readSigned(a, 16, off, bits)));
        // short length: bytes past it read as zero
        expect(readSmall(a, 5, off, bits, true)).toBe(Number(readSigned(a, 5, off, bits)));
        const v = Math.floor(rng.next() * 2 ** 40) - 2 ** 39;
        writeSmall(a, off, bits, v);
        writeField(b, off, bits, BigInt(v));
        expect(Array.from(a)).toEqual(Array.from(b));
      }
    }
  });

  it('applies overflow exactly as the bigint rule', () => {
    const rng = new Rng(8);
    const pick = () => {
      const x = rng.next();
      if (x < 0.3) return rng.int(600) - 300;
      if (x < 0.6) return Math.floor(rng.next() * 2 ** 34) - 2 ** 33;
      return Math.floor(rng.next() * 2 ** 52) * (rng.next() < 0.5 ? -1 : 1);
    };
    for (let t = 0; t < 20000; t++) {
      const bits = 1 + rng.int(32);
      const signed = rng.next() < 0.5 || bits === 64;
      const ow = [OVERFLOW_WRAP, OVERFLOW_SAT, OVERFLOW_FAIL][rng.int(3)];
      // INCRBY from a value in range
      const range = 2 ** bits;
      const old = signed ? rng.int(range) - range / 2 : rng.int(range);
      const incr = pick();
      const big = fieldResult(signed, bits, BigInt(old), BigInt(incr), ow);
      expect(fieldResultSmall(signed, bits, old, incr, ow, false)).toBe(big === null ? null : Number(big));
      // SET of any value (unsigned: as a uint64)
      const v = pick();
      const bigSet = fieldResult(signed, bits, signed ? BigInt(v) : BigInt.asUintN(64, BigInt(v)), 0n, ow);
      expect(fieldResultSmall(signed, bits, v, 0, ow, true)).toBe(bigSet === null ? null : Number(bigSet));
    }
  });
});
