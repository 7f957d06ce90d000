/**
 * HyperLogLog internals (store/hll.ts, store/hll-sparse.ts): the hash, the
 * dense register packing, sparse opcode edits, the sparse→dense promotion
 * boundary, merges, corruption detection, the estimator and the cached
 * cardinality. Expected values marked "Redis" were read from a real
 * redis-server 7.0.15 (PFADD into a new key, then PFDEBUG DECODE / GET /
 * PFCOUNT).
 */
import { describe, expect, it } from 'vitest';
import { ByteString } from '../../src/store/value';
import {
  CARD_OUT_OF_RANGE,
  HLL_DENSE,
  HLL_DENSE_SIZE,
  HLL_HDR_SIZE,
  HLL_REGISTERS,
  HLL_SPARSE,
  addElement,
  cacheValid,
  cachedCard,
  countRaw,
  countRegisters,
  denseGet,
  denseRegisters,
  denseSetRaw,
  emptyHllBytes,
  encodingOfHll,
  hashElement,
  hashed,
  invalidateCache,
  isHll,
  isHllBytes,
  mergeInto,
  murmurHash64A,
  raiseRegisters,
  setCachedCard,
  setRegister,
  toDense,
} from '../../src/store/hll';
import { sparseDecode } from '../../src/store/hll-sparse';
import { hllSelfTest } from '../../src/store/hll-selftest';

const fromHex = (h: string) => Buffer.from(h, 'hex').toString('latin1');
const BIG = 1 << 30; // a sparse limit never reached
const empty = () => new ByteString(emptyHllBytes());
const decode = (v: ByteString) => sparseDecode(v);
const regs = (v: ByteString) => Buffer.from(v.buf.subarray(HLL_HDR_SIZE, HLL_DENSE_SIZE));

describe('MurmurHash64A and the register/run of an element', () => {
  // [element as hex, register index, run length] — Redis: PFADD then PFDEBUG DECODE
  // ("Z:<index> v:<run>,1 ..."), covering every tail length 0..7 and one/two blocks.
  const vectors: [string, number, number][] = [
    ['', 5938, 2],
    ['83', 15396, 4],
    ['0667', 8027, 1],
    ['89ea4b', 3639, 2],
    ['0c6dce2f', 6226, 3],
    ['8ff051b213', 4077, 1],
    ['1273d43596f7', 879, 2],
    ['95f657b8197adb', 14657, 4],
    ['197adb3c9dfe5fc0', 8816, 1],
    ['9cfd5ebf2081e243a4', 12662, 1],
    ['1f80e142a30465c62788', 8022, 1],
    ['a20364c52687e849aa0b6c', 1743, 1],
  ];
  for (const [hex, index, count] of vectors) {
    it(`"${hex}" → register ${index}, run ${count}`, () => {
      hashElement(fromHex(hex));
      expect([hashed.index, hashed.count]).toEqual([index, count]);
    });
  }

  // Runs of 19 and more come from the upper 32 bits of the hash (Redis: same decode).
  const high: [string, number, number][] = [
    ['hi:1080559', 7715, 19],
    ['hi:3625334', 3379, 20],
    ['hi:4172265', 9744, 21],
    ['hi:5479565', 10047, 22],
    ['hi:9047629', 11881, 23],
    ['hi:14548414', 9605, 24],
    ['hi:5666969', 11481, 25],
    ['hi:8302913', 10210, 25],
  ];
  for (const [ele, index, count] of high) {
    it(`${ele} → register ${index}, run ${count} (high half)`, () => {
      hashElement(ele);
      expect([hashed.index, hashed.count]).toEqual([index, count]);
    });
  }

  it('the 64-bit value agrees with a BigInt reference implementation', () => {
    const M = 0xc6a4a7935bd1e995n;
    const MASK = (1n << 64n) - 1n;
    const ref = (s: string): bigint => {
      const len = s.length;
      let h = (0xadc83b19n ^ (BigInt(len) * M)) & MASK;
      const end = len & ~7;
      for (let i = 0; i < end; i += 8) {
        let k = 0n;
        for (let j = 7; j >= 0; j--) k = (k << 8n) | BigInt(s.charCodeAt(i + j));
        k = (k * M) & MASK;
        k ^= k >> 47n;
        k = (k * M) & MASK;
        h ^= k;
        h = (h * M) & MASK;
      }
      const tail = len & 7;
      if (tail) {
        for (let j = tail - 1; j >= 0; j--) h ^= BigInt(s.charCodeAt(end + j)) << BigInt(8 * j);
        h = (h * M) & MASK;
      }
      h ^= h >> 47n;
      h = (h * M) & MASK;
      h ^= h >> 47n;
      return h;
    };
    let s = '';
    for (let i = 0; i < 300; i++) {
      expect(murmurHash64A(s)).toBe(ref(s));
      s += String.fromCharCode((i * 167 + 13) & 255);
    }
  });
});

describe('dense registers', () => {
  it('pack six bits each, least significant bit first, without touching neighbours', () => {
    const buf = new Uint8Array(HLL_DENSE_SIZE);
    const shadow = new Uint8Array(HLL_REGISTERS);
    let x = 12345;
    for (let i = 0; i < HLL_REGISTERS; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      shadow[i] = (x >>> 16) & 63;
      denseSetRaw(buf, i, shadow[i]);
    }
    for (let i = 0; i < HLL_REGISTERS; i++) expect(denseGet(buf, i)).toBe(shadow[i]);
    expect(Array.from(denseRegisters(buf))).toEqual(Array.from(shadow));
  });

  it('register 0 is the low bits of the first byte; register 1 straddles bytes 0 and 1', () => {
    const buf = new Uint8Array(HLL_DENSE_SIZE);
    denseSetRaw(buf, 0, 0x3f);
    expect(buf[HLL_HDR_SIZE]).toBe(0x3f);
    denseSetRaw(buf, 1, 0x3f);
    expect([buf[HLL_HDR_SIZE], buf[HLL_HDR_SIZE + 1]]).toEqual([0xff, 0x0f]);
    denseSetRaw(buf, HLL_REGISTERS - 1, 0x3f);
    expect(buf[HLL_DENSE_SIZE - 1]).toBe(0xfc);
  });
});

describe('sparse encoding', () => {
  it('a new HLL is sparse: header, cache valid at 0, one XZERO over 16384 registers (Redis bytes)', () => {
    const b = emptyHllBytes();
    expect(b.toString('latin1')).toBe('HYLL\x01\0\0\0\0\0\0\0\0\0\0\0\x7f\xff');
    expect(sparseDecode(new ByteString(b))).toBe('Z:16384');
  });

  it('ten elements give the bytes Redis gives', () => {
    const v = empty();
    for (let i = 0; i < 10; i++) addElement(v, `e${i}`, 3000);
    expect(decode(v)).toBe('Z:1318 v:1,1 Z:1839 v:2,1 Z:4042 v:1,1 Z:1043 v:2,1 Z:2642 v:2,1 Z:782 v:2,1 Z:260 v:2,1 Z:3770 v:2,1 Z:137 v:1,1 Z:107 v:2,1 Z:434');
    expect(v.s).toBe(fromHex('48594c4c01000000000000000000008045258047 2e844fc98044 12844a51 84430d84 410384 4eb984 408880 406a84 41b1'.replace(/ /g, '')));
  });

  it('splits a zero run around the register, ZERO up to 64 and XZERO beyond', () => {
    const v = empty();
    expect(setRegister(v, 100, 3, BIG)).toBe(1);
    expect(decode(v)).toBe('Z:100 v:3,1 Z:16283');
    expect(setRegister(v, 30, 2, BIG)).toBe(1);
    expect(decode(v)).toBe('z:30 v:2,1 Z:69 v:3,1 Z:16283');
    expect(setRegister(v, 80, 2, BIG)).toBe(1);
    expect(decode(v)).toBe('z:30 v:2,1 z:49 v:2,1 z:19 v:3,1 Z:16283');
    expect(setRegister(v, 0, 1, BIG)).toBe(1);
    expect(decode(v)).toBe('v:1,1 z:29 v:2,1 z:49 v:2,1 z:19 v:3,1 Z:16283');
    expect(setRegister(v, HLL_REGISTERS - 1, 4, BIG)).toBe(1);
    expect(decode(v)).toBe('v:1,1 z:29 v:2,1 z:49 v:2,1 z:19 v:3,1 Z:16282 v:4,1');
  });

  it('fuses neighbouring equal VALs up to a run of 4, and splits a VAL run to raise one register', () => {
    const v = empty();
    setRegister(v, 101, 3, BIG);
    setRegister(v, 100, 3, BIG);
    expect(decode(v)).toBe('Z:100 v:3,2 Z:16282');
    setRegister(v, 102, 3, BIG);
    setRegister(v, 103, 3, BIG);
    expect(decode(v)).toBe('Z:100 v:3,4 Z:16280');
    setRegister(v, 104, 3, BIG);
    expect(decode(v)).toBe('Z:100 v:3,4 v:3,1 Z:16279');
    // The split leaves v:3,1 next to the v:3,1 after it: they fuse (within five opcodes).
    expect(setRegister(v, 102, 5, BIG)).toBe(1);
    expect(decode(v)).toBe('Z:100 v:3,2 v:5,1 v:3,2 Z:16279');
    // A single-register VAL is rewritten in place.
    expect(setRegister(v, 102, 6, BIG)).toBe(1);
    expect(decode(v)).toBe('Z:100 v:3,2 v:6,1 v:3,2 Z:16279');
    // Fusing stops five opcodes after the one before the change.
    const w = empty();
    for (const i of [0, 2, 4, 6, 8, 10, 12]) setRegister(w, i, 7, BIG);
    expect(decode(w)).toBe('v:7,1 z:1 v:7,1 z:1 v:7,1 z:1 v:7,1 z:1 v:7,1 z:1 v:7,1 z:1 v:7,1 Z:16371');
    setRegister(w, 1, 7, BIG);
    expect(decode(w)).toBe('v:7,3 z:1 v:7,1 z:1 v:7,1 z:1 v:7,1 z:1 v:7,1 z:1 v:7,1 Z:16371');
  });

  it('a register that already holds as much is left alone (0, cache untouched)', () => {
    const v = empty();
    setRegister(v, 7, 5, BIG);
    setCachedCard(v.buf, 1);
    const before = v.s;
    expect(setRegister(v, 7, 5, BIG)).toBe(0);
    expect(setRegister(v, 7, 2, BIG)).toBe(0);
    expect(v.s).toBe(before);
    expect(cacheValid(v.buf)).toBe(true);
  });

  it('an update marks the cached cardinality stale', () => {
    const v = empty();
    expect(cacheValid(v.buf)).toBe(true);
    setRegister(v, 7, 5, BIG);
    expect(cacheValid(v.buf)).toBe(false);
  });

  it('spare capacity past the end stays zero when the value shrinks', () => {
    const v = empty();
    setRegister(v, 101, 3, BIG);
    setRegister(v, 100, 3, BIG); // fuses: one byte shorter
    for (let i = v.len; i < v.buf.length; i++) expect(v.buf[i]).toBe(0);
  });
});

describe('sparse → dense promotion', () => {
  it('happens exactly when the value would grow past hll-sparse-max-bytes', () => {
    // Empty = 18 bytes; raising register 100 turns XZERO (2 bytes) into XZERO VAL XZERO (5): 21.
    const fits = empty();
    expect(setRegister(fits, 100, 3, 21)).toBe(1);
    expect(encodingOfHll(fits.buf)).toBe(HLL_SPARSE);
    expect(fits.len).toBe(21);
    const over = empty();
    expect(setRegister(over, 100, 3, 20)).toBe(1);
    expect(encodingOfHll(over.buf)).toBe(HLL_DENSE);
    expect(over.len).toBe(HLL_DENSE_SIZE);
    expect(denseGet(over.buf, 100)).toBe(3);
  });

  it('an edit that does not grow the value never promotes, even past the limit', () => {
    const v = empty();
    setRegister(v, 100, 3, BIG);
    expect(setRegister(v, 100, 4, 0)).toBe(1); // in place
    expect(encodingOfHll(v.buf)).toBe(HLL_SPARSE);
  });

  it('happens for a value above 32, which VAL cannot hold', () => {
    const v = empty();
    expect(setRegister(v, 5, 32, BIG)).toBe(1);
    expect(encodingOfHll(v.buf)).toBe(HLL_SPARSE);
    expect(setRegister(v, 9, 33, BIG)).toBe(1);
    expect(encodingOfHll(v.buf)).toBe(HLL_DENSE);
    expect([denseGet(v.buf, 5), denseGet(v.buf, 9)]).toEqual([32, 33]);
  });

  it('keeps the header (magic, cached cardinality) and sets the encoding byte', () => {
    const v = empty();
    setRegister(v, 3, 2, BIG);
    setCachedCard(v.buf, 77);
    expect(toDense(v)).toBe(true);
    expect(v.s.slice(0, 4)).toBe('HYLL');
    expect(encodingOfHll(v.buf)).toBe(HLL_DENSE);
    expect(cachedCard(v.buf)).toBe(77);
    expect(denseGet(v.buf, 3)).toBe(2);
  });

  it('the default limit (3000 bytes) is crossed between 1000 and 5000 elements (Redis: 1906 bytes at 1000)', () => {
    const v = empty();
    for (let i = 0; i < 1000; i++) addElement(v, `e${i}`, 3000);
    expect(encodingOfHll(v.buf)).toBe(HLL_SPARSE);
    expect(v.len).toBe(1906);
    for (let i = 1000; i < 5000; i++) addElement(v, `e${i}`, 3000);
    expect(encodingOfHll(v.buf)).toBe(HLL_DENSE);
  });
});

describe('sparse and dense agree', () => {
  it('same registers, same count, after the same elements', () => {
    const sparse = empty();
    const dense = empty();
    toDense(dense);
    for (let i = 0; i < 3000; i++) {
      const a = addElement(sparse, `x${i}`, BIG);
      const b = addElement(dense, `x${i}`, BIG);
      expect(a).toBe(b);
    }
    expect(countRegisters(sparse)).toBe(countRegisters(dense));
    const m1 = new Uint8Array(HLL_REGISTERS);
    const m2 = new Uint8Array(HLL_REGISTERS);
    expect(mergeInto(m1, sparse)).toBe(true);
    expect(mergeInto(m2, dense)).toBe(true);
    expect(Buffer.from(m1).equals(Buffer.from(m2))).toBe(true);
    expect(toDense(sparse)).toBe(true);
    expect(regs(sparse).equals(regs(dense))).toBe(true);
  });

  it('merging takes the register-wise maximum; raiseRegisters writes it back through either encoding', () => {
    const a = empty();
    const b = empty();
    for (let i = 0; i < 200; i++) addElement(a, `a${i}`, BIG);
    for (let i = 0; i < 200; i++) addElement(b, `b${i}`, BIG);
    const m = new Uint8Array(HLL_REGISTERS);
    mergeInto(m, a);
    mergeInto(m, b);
    const both = empty();
    for (let i = 0; i < 200; i++) addElement(both, `a${i}`, BIG);
    for (let i = 0; i < 200; i++) addElement(both, `b${i}`, BIG);
    const mb = new Uint8Array(HLL_REGISTERS);
    mergeInto(mb, both);
    expect(Buffer.from(m).equals(Buffer.from(mb))).toBe(true);
    expect(countRaw(m)).toBe(countRegisters(both));
    raiseRegisters(a, m, BIG);
    expect(encodingOfHll(a.buf)).toBe(HLL_SPARSE);
    expect(countRegisters(a)).toBe(countRaw(m));
    const d = empty();
    toDense(d);
    raiseRegisters(d, m, BIG);
    expect(Array.from(denseRegisters(d.buf))).toEqual(Array.from(m));
  });
});

describe('corrupted sparse values', () => {
  const withOps = (...ops: number[]) => {
    const b = Buffer.alloc(HLL_HDR_SIZE + ops.length);
    b.latin1Write('HYLL', 0);
    b[4] = HLL_SPARSE;
    ops.forEach((o, i) => (b[HLL_HDR_SIZE + i] = o));
    return new ByteString(b);
  };

  it('runs that stop short of 16384 registers', () => {
    const v = withOps(0x5c, 0xb3, 0x90); // Z:7348 v:5,1
    expect(countRegisters(v)).toBe(null);
    expect(mergeInto(new Uint8Array(HLL_REGISTERS), v)).toBe(false);
    expect(setRegister(v, 10000, 2, BIG)).toBe(-1);
    expect(setRegister(v, 100, 2, BIG)).toBe(1); // within the runs: allowed, as in Redis
    expect(toDense(v)).toBe(false);
    expect(encodingOfHll(v.buf)).toBe(HLL_SPARSE);
  });

  it('runs past 16384 registers', () => {
    const v = withOps(0x7f, 0xff, 0x7f, 0xff);
    expect(countRegisters(v)).toBe(null);
    expect(toDense(v)).toBe(false);
    expect(mergeInto(new Uint8Array(HLL_REGISTERS), v)).toBe(false);
  });

  it('a truncated XZERO reads a zero second byte', () => {
    const v = withOps(0x01, 0x88, 0x7f);
    expect(decode(v)).toBe('z:2 v:3,1 Z:16129');
  });

  it("an edit of a truncated XZERO keeps its spilled byte past the end, as Redis's terminator (Redis bytes)", () => {
    const v = withOps(0x7f); // Z:16129 when the byte past the end is 0
    expect(addElement(v, '', BIG)).toBe(1); // register 5938, run 2
    expect(decode(v)).toBe('Z:5938 v:2,1 Z:10190');
    expect(v.s.slice(HLL_HDR_SIZE)).toBe('W1\x84g');
    expect(addElement(v, 'a', BIG)).toBe(1);
    expect(decode(v)).toBe('Z:5938 v:2,1 Z:6772 v:2,1 Z:3417');
    expect(v.s.slice(HLL_HDR_SIZE)).toBe('W1\x84Zs\x84M');
  });

  it('no opcodes at all', () => {
    const v = withOps();
    expect(countRegisters(v)).toBe(null);
    expect(setRegister(v, 0, 1, BIG)).toBe(-1);
  });
});

describe('format checks', () => {
  it('isHll: header length, magic, encoding, exact dense size', () => {
    const sparse = emptyHllBytes().toString('latin1');
    expect(isHll(sparse)).toBe(true);
    expect(isHll(sparse.slice(0, 16))).toBe(true);
    expect(isHll(sparse.slice(0, 15))).toBe(false);
    expect(isHll('HYLX' + sparse.slice(4))).toBe(false);
    expect(isHll(sparse.slice(0, 4) + '\x02' + sparse.slice(5))).toBe(false);
    const dense = 'HYLL\0' + '\0'.repeat(HLL_DENSE_SIZE - 5);
    expect(isHll(dense)).toBe(true);
    expect(isHll(dense + '\0')).toBe(false);
    expect(isHll(dense.slice(0, -1))).toBe(false);
    const b = Buffer.from(dense, 'latin1');
    expect(isHllBytes(b, b.length)).toBe(true);
    expect(isHllBytes(b, b.length - 1)).toBe(false);
  });
});

describe('estimator and cached cardinality', () => {
  it('counts as Redis does (Redis: PFCOUNT after PFADD e0..e{n-1})', () => {
    const expected: [number, number][] = [
      [1, 1],
      [10, 10],
      [100, 100],
      [1000, 1008],
      [5000, 4968],
      [20000, 19901],
      [100000, 100853],
    ];
    const v = empty();
    let added = 0;
    for (const [n, card] of expected) {
      for (; added < n; added++) addElement(v, `e${added}`, 3000);
      expect(countRegisters(v)).toBe(card);
    }
  });

  it('empty is 0; every register at 63 is out of range (llroundl gives LLONG_MIN)', () => {
    expect(countRaw(new Uint8Array(HLL_REGISTERS))).toBe(0);
    expect(countRaw(new Uint8Array(HLL_REGISTERS).fill(63))).toBe(CARD_OUT_OF_RANGE);
  });

  it('stores the cardinality little endian; the top bit marks it stale', () => {
    const b = emptyHllBytes();
    setCachedCard(b, 0x0102030405);
    expect(Array.from(b.subarray(8, 16))).toEqual([5, 4, 3, 2, 1, 0, 0, 0]);
    expect(cachedCard(b)).toBe(0x0102030405);
    expect(cacheValid(b)).toBe(true);
    invalidateCache(b);
    expect(cacheValid(b)).toBe(false);
    setCachedCard(b, CARD_OUT_OF_RANGE);
    expect(Array.from(b.subarray(8, 16))).toEqual([0, 0, 0, 0, 0, 0, 0, 0x80]);
    expect(cacheValid(b)).toBe(false);
    b.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], 8);
    expect(cachedCard(b)).toBe(9223372036854775807n);
  });
});

describe('PFSELFTEST', () => {
  it('passes with the default sparse limit, and with none', () => {
    expect(hllSelfTest(3000)).toBe(null);
    expect(hllSelfTest(0)).toBe(null);
  }, 30000);

  it('fails as Redis does when the sparse limit is too small for its checkpoints (Redis: 18, 20, 22, 30 fail; 21, 64 pass)', () => {
    for (const limit of [18, 20, 22, 25, 30]) expect(hllSelfTest(limit)).toBe('sparse encoding not used');
    for (const limit of [21, 64, 200, 700]) expect(hllSelfTest(limit)).toBe(null);
  }, 30000);
});
