import { describe, it, expect } from 'vitest';
import { crc64 } from '../../src/persistence/crc64';
import { lzfCompress, lzfDecompress } from '../../src/persistence/lzf';
import { dumpPayload, parsePayload } from '../../src/scripting/functions/payload';
import { prng } from '../prng';

describe('crc64', () => {
  it("is Redis's CRC-64 (Jones): the check value, and continuing a CRC over parts", () => {
    expect(crc64(Buffer.from('123456789')).toString(16)).toBe('e9c6d914c4b8d9ca');
    expect(crc64(Buffer.alloc(0))).toBe(0n);
    const data = Buffer.from('hello functions payload');
    expect(crc64(data.subarray(7), crc64(data.subarray(0, 7)))).toBe(crc64(data));
  });
});

describe('lzf', () => {
  it('decompresses what it compresses, over random and repetitive inputs', () => {
    const rnd = prng(42);
    for (let i = 0; i < 300; i++) {
      const len = 1 + Math.floor(rnd() * 20000);
      const alphabet = 1 + Math.floor(rnd() * 255);
      const input = Buffer.alloc(len);
      for (let j = 0; j < len; j++) input[j] = rnd() < 0.3 && j > 0 ? input[j - 1] : Math.floor(rnd() * alphabet);
      const packed = lzfCompress(input, len + 64);
      expect(packed).not.toBeNull();
      expect(lzfDecompress(packed!, len)?.equals(input)).toBe(true);
      // an output limit the data cannot fit in: no output, as lzf_compress returns 0
      if (packed!.length > 4) expect(lzfCompress(input, packed!.length - 1)).toBeNull();
    }
  });

  it('refuses corrupt input: a reference before the start, a run past the end, a wrong length', () => {
    expect(lzfDecompress(Buffer.from([0x20, 0x00]), 3)).toBeNull();
    expect(lzfDecompress(Buffer.from([5, 0x61]), 6)).toBeNull();
    const packed = lzfCompress(Buffer.from('a'.repeat(100)), 96)!;
    expect(lzfDecompress(packed, 100)?.toString()).toBe('a'.repeat(100));
    expect(lzfDecompress(packed, 99)).toBeNull();
    expect(lzfDecompress(packed, 101)).toBeNull();
  });
});

describe('function payloads', () => {
  it('parse what they dump, compressed or not', () => {
    const codes = ['#!lua name=a\nredis.register_function("f", function() return 1 end)', `#!lua name=b\n-- ${'x'.repeat(500)}`];
    for (const compress of [true, false]) expect(parsePayload(dumpPayload(codes, compress))).toEqual(codes);
    expect(parsePayload(dumpPayload([], true))).toEqual([]);
    const p = dumpPayload(codes, true);
    p[3] ^= 1;
    expect(parsePayload(p)).toBe('ERR DUMP payload version or checksum are wrong');
  });
});
