/**
 * persistence/sha1.ts against node:crypto: every length around the block
 * and padding boundaries (55/56/63/64 bytes...) and across the switch to
 * the native hash, latin1 strings and byte ranges at any offset, and the
 * digest-of-a-digest step DEBUG DIGEST uses.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { digestHex, rehash, sha1Hex, sha1Of, xorBytes, xorDigest, xorString, xorWords } from '../../src/persistence/sha1';
import { prng } from '../prng';

const native = (b: Buffer): string => createHash('sha1').update(b).digest('hex');

function randomBytes(rnd: () => number, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rnd() * 256);
  return b;
}

const LENGTHS = [...Array.from({ length: 200 }, (_, i) => i), 447, 448, 449, 1000, 4096, 100003];

describe('sha1', () => {
  it('known vectors', () => {
    expect(sha1Hex('')).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
    expect(sha1Hex('abc')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(sha1Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe('84983e441c3bd26ebaae4aa1f95129e5e54670f1');
  });

  it('latin1 strings of every length around the block boundaries, as node:crypto', () => {
    const rnd = prng(11);
    for (const n of LENGTHS) {
      const b = randomBytes(rnd, n);
      expect(sha1Hex(b.toString('latin1')), `length ${n}`).toBe(native(b));
    }
  });

  it('byte ranges at any offset, as node:crypto', () => {
    const rnd = prng(12);
    for (const n of LENGTHS) {
      const off = n % 7;
      const b = randomBytes(rnd, n + off + 3);
      const d = new Int32Array(5);
      xorBytes(d, b, off, off + n);
      expect(digestHex(d), `length ${n}`).toBe(native(b.subarray(off, off + n)));
    }
  });

  it('xor, rehash and the digest of a digest', () => {
    const d = sha1Of('a');
    const e = sha1Of('b');
    const bytes = (x: Int32Array) => Buffer.from(digestHex(x), 'hex');
    const expectXor = Buffer.alloc(20);
    for (let i = 0; i < 20; i++) expectXor[i] = bytes(d)[i] ^ bytes(e)[i];
    const x = d.slice();
    xorWords(x, e);
    expect(digestHex(x)).toBe(expectXor.toString('hex'));
    const r = d.slice();
    rehash(r);
    expect(digestHex(r)).toBe(native(bytes(d)));
    const h = new Int32Array(5);
    xorDigest(h, d);
    expect(digestHex(h)).toBe(native(bytes(d)));
    xorString(h, 'a');
    xorString(h, 'a');
    expect(digestHex(h)).toBe(native(bytes(d)));
  });
});
