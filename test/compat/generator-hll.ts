/**
 * Seeded random commands for the HyperLogLog differential test
 * (random-hll.test.ts): PFADD (single elements, small and large batches
 * drawn partly from a shared pool so they repeat), PFCOUNT of one or several
 * keys, PFMERGE, PFDEBUG, GET of the raw bytes, and the string commands that
 * corrupt or forge values (SETRANGE into the header or the registers, APPEND
 * of opcodes, SET of hand-made sparse values), with the sparse limit
 * (hll-sparse-max-bytes) changed now and then. One key is often a list
 * (WRONGTYPE) and one a plain string.
 */
import type { Args } from './harness';
import { Rng } from './generator';

const HLL_KEYS = ['h1', 'h2', 'h3', 'h4'];
const KEYS = [...HLL_KEYS, 's', 'l', 'nk'];
/** Values of hll-sparse-max-bytes used; the random test resets 3000 at the end. */
export const SPARSE_LIMITS = ['3000', '3000', '0', '25', '64', '200', '700', '12000'];
const GARBAGE = ['', 'x', 'HYLL', 'HYLL\x01', 'hello world', '12345'];

/** A sparse header (magic, encoding 1, a cache byte pattern). */
function sparseHeader(r: Rng): string {
  const card = r.chance(0.5) ? '\0'.repeat(7) + '\x80' : String.fromCharCode(r.int(256), 0, 0, 0, 0, 0, 0, 0);
  return 'HYLL\x01\0\0\0' + card;
}

export class HllGen {
  private r: Rng;
  private pool: string[] = [];

  constructor(seed: number) {
    this.r = new Rng(seed);
    for (let i = 0; i < 300; i++) this.pool.push(this.fresh());
  }

  /** A new random element: text, a number, or binary bytes. */
  private fresh(): string {
    const r = this.r;
    const x = r.next();
    if (x < 0.3) return String(r.int(1e9));
    const len = r.int(x < 0.9 ? 24 : 64);
    let s = '';
    for (let i = 0; i < len; i++) s += String.fromCharCode(x < 0.7 ? 33 + r.int(94) : r.int(256));
    return s;
  }

  private element(): string {
    return this.r.chance(0.3) ? this.r.pick(this.pool) : this.fresh();
  }

  private hllKey(): string {
    return this.r.chance(0.9) ? this.r.pick(HLL_KEYS) : this.r.pick(KEYS);
  }

  /** A forged sparse value: opcodes that may or may not add up to 16384 registers. */
  private forged(): string {
    const r = this.r;
    let s = sparseHeader(r);
    let left = 16384;
    const ops = r.range(0, 12);
    for (let i = 0; i < ops && left > 0; i++) {
      const kind = r.next();
      if (kind < 0.3) {
        const n = Math.min(left, r.range(1, 64));
        s += String.fromCharCode(n - 1);
        left -= n;
      } else if (kind < 0.6) {
        const n = Math.min(left, r.range(1, 5000));
        s += String.fromCharCode(0x40 | ((n - 1) >> 8), (n - 1) & 0xff);
        left -= n;
      } else {
        const n = Math.min(left, r.range(1, 4));
        s += String.fromCharCode(0x80 | (r.int(32) << 2) | (n - 1));
        left -= n;
      }
    }
    // Usually close the runs exactly; sometimes leave them short or overlong.
    const end = r.next();
    if (end < 0.75 && left > 0) {
      while (left > 0) {
        const n = Math.min(left, 16384);
        s += String.fromCharCode(0x40 | ((n - 1) >> 8), (n - 1) & 0xff);
        left -= n;
      }
    } else if (end < 0.85) s += '\x7f\xff';
    return s;
  }

  private corruptByte(): string {
    const r = this.r;
    return r.chance(0.5) ? String.fromCharCode(r.int(256)) : r.pick(['\x00', '\x7f', '\xff', '\x80', '\x40', '\x3f']);
  }

  next(): Args {
    const r = this.r;
    const x = r.next() * 100;
    if (x < 24) return ['PFADD', this.hllKey(), this.element()];
    if (x < 32) {
      const n = r.range(0, 8);
      const els: string[] = [];
      for (let i = 0; i < n; i++) els.push(this.element());
      return ['PFADD', this.hllKey(), ...els];
    }
    if (x < 35) {
      // A large batch: pushes a key past the sparse limit.
      const n = r.range(100, 1500);
      const els: string[] = [];
      for (let i = 0; i < n; i++) els.push(this.element());
      return ['PFADD', this.hllKey(), ...els];
    }
    if (x < 47) return ['PFCOUNT', this.hllKey()];
    if (x < 53) {
      const n = r.range(2, 4);
      const keys: string[] = [];
      for (let i = 0; i < n; i++) keys.push(this.hllKey());
      return ['PFCOUNT', ...keys];
    }
    if (x < 60) {
      const n = r.range(0, 3);
      const keys: string[] = [];
      for (let i = 0; i < n; i++) keys.push(this.hllKey());
      return ['PFMERGE', this.hllKey(), ...keys];
    }
    if (x < 72) return ['GET', this.hllKey()];
    if (x < 76) return ['PFDEBUG', r.pick(['ENCODING', 'DECODE', 'decode', 'TODENSE', 'encoding']), this.hllKey()];
    if (x < 76.5) return ['PFDEBUG', 'GETREG', this.hllKey()];
    if (x < 77) return ['PFDEBUG', r.pick(['FOO', '', 'GETREGS']), this.hllKey()];
    if (x < 81) {
      // Corrupt: the header (magic, encoding, cache) or the registers/opcodes.
      const k = this.hllKey();
      const off = r.chance(0.4) ? r.int(16) : r.chance(0.8) ? 16 + r.int(40) : 16 + r.int(12300);
      return ['SETRANGE', k, String(off), this.corruptByte()];
    }
    if (x < 83) return ['APPEND', this.hllKey(), r.pick(['\x7f', '\x7f\xff', '\x80', '\x00', '\x84\x84', '\x7f\xfe\x83'])];
    if (x < 86) return ['SET', this.hllKey(), this.forged()];
    if (x < 87) return ['SET', this.hllKey(), r.pick(GARBAGE)];
    if (x < 89) return ['STRLEN', this.hllKey()];
    if (x < 90) return ['OBJECT', 'ENCODING', this.hllKey()];
    if (x < 91.5) return ['CONFIG', 'SET', 'hll-sparse-max-bytes', r.pick(SPARSE_LIMITS)];
    if (x < 93) return ['COPY', this.hllKey(), this.hllKey(), 'REPLACE'];
    if (x < 94) return ['LPUSH', 'l', 'x'];
    if (x < 95) return ['SET', 's', r.pick(GARBAGE)];
    // Only the arity error: the real self-test takes seconds on a loaded
    // machine (hyperloglog.test.ts runs it with a long timeout).
    if (x < 95.4) return ['PFSELFTEST', 'x'];
    return ['DEL', this.hllKey()];
  }
}
