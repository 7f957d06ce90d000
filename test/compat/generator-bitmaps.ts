/**
 * Seeded random commands for the bitmap differential test
 * (random-bitmaps.test.ts): SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD
 * BITFIELD_RO mixed with the string commands that share the value (SET GET
 * APPEND SETRANGE GETRANGE STRLEN INCR OBJECT ENCODING) over a few keys, one
 * of which is often a list (WRONGTYPE). Offsets cluster around byte and
 * 32-bit word boundaries; values stay short (at most a few KB) so replies
 * remain readable, with an occasional string past 4 KB (the size at which
 * bit commands convert a plain string to a byte buffer).
 */
import type { Args } from './harness';
import { Rng } from './generator';

const KEYS = ['b1', 'b2', 'b3', 's', 'l', 'nk'];
const STRING_KEYS = ['b1', 'b2', 'b3', 's'];

const SMALL_OFFSETS = ['0', '1', '6', '7', '8', '9', '15', '16', '23', '24', '31', '32', '33', '39', '40', '47', '48', '55', '56', '63', '64', '65', '71', '72', '95', '96', '127', '128', '255', '256', '257'];
const BAD_OFFSETS = ['-1', 'abc', '', '1.5', '4294967296', '9223372036854775807', '#1', ' 1'];
const INDEXES = ['0', '1', '2', '3', '4', '5', '7', '8', '9', '15', '16', '31', '32', '33', '40', '63', '64', '100', '255', '256', '1000', '-1', '-2', '-3', '-5', '-8', '-9', '-16', '-33', '-100', '-1000', '9223372036854775807', '-9223372036854775808'];
const BAD_INDEXES = ['abc', '', '1.0', '9223372036854775808', ' 1'];
const UNITS = ['BIT', 'BYTE', 'bit', 'byte', 'Bit'];
const BAD_UNITS = ['FOO', 'BITS', ''];
const STRING_VALUES = ['', 'a', 'foobar', '12345', '-1', '0', '255', '\xff\xff\xff\xff', '\x00\x00\x00\x00\x00\x00\x00\x00\x00', '\x80\x00\x00\x01', 'hello world, this is a longer string value!', 'x'.repeat(45), '\xaa'.repeat(40), '\x0f\xf0'.repeat(33), '9223372036854775807'];
const FIELD_VALUES = ['0', '1', '-1', '2', '-2', '7', '100', '127', '128', '-128', '-129', '255', '256', '1000', '-1000', '65535', '65536', '2147483647', '-2147483648', '4294967295', '4294967296', '12345678901', '9223372036854775807', '-9223372036854775808', '-9223372036854775807', '4611686018427387904'];
const BAD_FIELD_VALUES = ['abc', '', '1.5', '9223372036854775808'];
const OVERFLOWS = ['WRAP', 'SAT', 'FAIL', 'wrap', 'sat', 'fail'];
const BITOPS = ['AND', 'OR', 'XOR', 'NOT', 'and', 'or', 'xor', 'not'];

export class BitmapGen {
  private r: Rng;

  constructor(seed: number) {
    this.r = new Rng(seed);
  }

  private key(): string {
    return this.r.chance(0.85) ? this.r.pick(STRING_KEYS) : this.r.pick(KEYS);
  }

  private offset(): string {
    const r = this.r;
    const x = r.next();
    if (x < 0.6) return r.pick(SMALL_OFFSETS);
    if (x < 0.85) return String(r.int(2100));
    if (x < 0.93) return String(r.range(32700, 33000)); // past 4 KB
    return r.pick(BAD_OFFSETS);
  }

  private index(): string {
    return this.r.chance(0.97) ? this.r.pick(INDEXES) : this.r.pick(BAD_INDEXES);
  }

  private unit(): string {
    return this.r.chance(0.95) ? this.r.pick(UNITS) : this.r.pick(BAD_UNITS);
  }

  private fieldType(): string {
    const r = this.r;
    const x = r.next();
    if (x < 0.2) return r.pick(['u8', 'i8', 'u16', 'i16', 'u32', 'i32', 'i64', 'u63', 'u1', 'i1']);
    if (x < 0.55) return `i${r.range(1, 64)}`;
    if (x < 0.95) return `u${r.range(1, 63)}`;
    return r.pick(['u64', 'i65', 'i0', 'U8', 'x8', 'i', '']);
  }

  private fieldOffset(): string {
    const r = this.r;
    const x = r.next();
    if (x < 0.55) return r.pick(SMALL_OFFSETS);
    if (x < 0.8) return String(r.int(600));
    if (x < 0.97) return `#${r.int(40)}`;
    return r.pick(['-1', 'abc', '#-1', '#', '4294967296']);
  }

  private fieldValue(): string {
    return this.r.chance(0.97) ? this.r.pick(FIELD_VALUES) : this.r.pick(BAD_FIELD_VALUES);
  }

  private bitfieldOps(readOnly: boolean): string[] {
    const r = this.r;
    const out: string[] = [];
    const n = r.range(0, 4);
    for (let i = 0; i < n; i++) {
      const x = r.next();
      if (x < 0.35 || (readOnly && x < 0.9)) out.push(r.pick(['GET', 'get']), this.fieldType(), this.fieldOffset());
      else if (x < 0.6) out.push(r.pick(['SET', 'set']), this.fieldType(), this.fieldOffset(), this.fieldValue());
      else if (x < 0.78) out.push(r.pick(['INCRBY', 'incrby']), this.fieldType(), this.fieldOffset(), this.fieldValue());
      else if (x < 0.98) out.push('OVERFLOW', r.chance(0.95) ? r.pick(OVERFLOWS) : 'FOO');
      else out.push(r.pick(['FOO', 'GET', 'OVERFLOW']));
    }
    return out;
  }

  next(): Args {
    const r = this.r;
    const x = r.next() * 100;
    if (x < 14) return ['SETBIT', this.key(), this.offset(), r.chance(0.95) ? r.pick(['0', '1', '1']) : r.pick(['2', '-1', 'abc', ''])];
    if (x < 20) return ['GETBIT', this.key(), this.offset()];
    if (x < 30) {
      const k = this.key();
      const f = r.next();
      if (f < 0.2) return ['BITCOUNT', k];
      if (f < 0.55) return ['BITCOUNT', k, this.index(), this.index()];
      if (f < 0.97) return ['BITCOUNT', k, this.index(), this.index(), this.unit()];
      return ['BITCOUNT', k, this.index()];
    }
    if (x < 42) {
      const k = this.key();
      const bit = r.chance(0.97) ? r.pick(['0', '1']) : r.pick(['2', '-1', 'abc']);
      const f = r.next();
      if (f < 0.2) return ['BITPOS', k, bit];
      if (f < 0.4) return ['BITPOS', k, bit, this.index()];
      if (f < 0.6) return ['BITPOS', k, bit, this.index(), this.index()];
      if (f < 0.98) return ['BITPOS', k, bit, this.index(), this.index(), this.unit()];
      return ['BITPOS', k, bit, this.index(), this.index(), 'BIT', 'extra'];
    }
    if (x < 50) {
      const op = r.chance(0.97) ? r.pick(BITOPS) : r.pick(['FOO', 'ANDX', '']);
      const n = op.toUpperCase() === 'NOT' && r.chance(0.9) ? 1 : r.range(1, 4);
      const srcs: string[] = [];
      for (let i = 0; i < n; i++) srcs.push(this.key());
      return ['BITOP', op, this.key(), ...srcs];
    }
    if (x < 64) return ['BITFIELD', this.key(), ...this.bitfieldOps(false)];
    if (x < 68) return ['BITFIELD_RO', this.key(), ...this.bitfieldOps(r.chance(0.85))];
    // The string commands that share the value.
    if (x < 72) return ['GET', this.key()];
    if (x < 74) return ['STRLEN', this.key()];
    if (x < 77) return ['GETRANGE', this.key(), this.index(), this.index()];
    if (x < 80) return ['APPEND', this.key(), r.pick(STRING_VALUES)];
    if (x < 84) return ['SETRANGE', this.key(), r.chance(0.9) ? String(r.int(80)) : r.pick(['-1', 'abc', '4100']), r.pick(STRING_VALUES)];
    if (x < 88) return ['SET', this.key(), r.pick(STRING_VALUES)];
    if (x < 90) return ['INCR', this.key()];
    if (x < 93) return ['OBJECT', 'ENCODING', this.key()];
    if (x < 95) return ['EXISTS', this.key()];
    if (x < 97) return ['LPUSH', 'l', r.pick(['a', 'b'])];
    // 'l' is often overwritten by a string (BITOP, SET...): make it a list again.
    if (x < 98.5) return ['DEL', 'l'];
    return ['DEL', this.key()];
  }
}
