/**
 * Intsets as Redis lays them out (intset.c's format), the blob of
 * SET_INTSET: <encoding u32le: 2, 4 or 8> <length u32le> <members>, the
 * members sorted ascending, each `encoding` bytes little-endian.
 *
 * Redis upgrades an intset's encoding when a wider member arrives and never
 * downgrades it; a set here keeps no such history, so the encoding written
 * is the narrowest that holds the members (what a set built by SADD in
 * ascending order would have).
 */
import { RdbError } from './encoding';
import type { IntMember } from '../../store/set';

const HEADER = 8;

/** The intset blob of sorted members. */
export function writeIntset(ints: readonly IntMember[]): Buffer {
  let width = 2;
  for (let i = 0; i < ints.length; i++) {
    const v = ints[i];
    if (typeof v === 'bigint' || v < -2147483648 || v > 2147483647) {
      width = 8;
      break;
    }
    if (v < -32768 || v > 32767) width = 4;
  }
  const b = Buffer.allocUnsafe(HEADER + width * ints.length);
  b.writeUInt32LE(width, 0);
  b.writeUInt32LE(ints.length, 4);
  let p = HEADER;
  for (let i = 0; i < ints.length; i++, p += width) {
    const v = ints[i];
    if (width === 2) b.writeInt16LE(v as number, p);
    else if (width === 4) b.writeInt32LE(v as number, p);
    else b.writeBigInt64LE(BigInt(v), p);
  }
  return b;
}

/**
 * intsetValidateIntegrity, then the members. Always checked: a known
 * encoding, the size matching the length, not empty. With `deep`: members
 * strictly ascending. Without it an unordered or repeated blob is still
 * accepted, as by Redis, and its members are sorted and made distinct here
 * (a set cannot hold anything else).
 */
export function readIntset(b: Buffer, deep: boolean, at = 0): IntMember[] {
  const fail = (why: string): never => {
    throw new RdbError(`Intset integrity check failed: ${why}`, at);
  };
  if (b.length < HEADER) fail('short header');
  const width = b.readUInt32LE(0);
  if (width !== 2 && width !== 4 && width !== 8) fail('unknown encoding');
  const n = b.readUInt32LE(4);
  if (HEADER + n * width !== b.length) fail('size mismatch');
  if (n === 0) fail('empty');
  const out: IntMember[] = new Array(n);
  let sorted = true;
  for (let i = 0, p = HEADER; i < n; i++, p += width) {
    let v: IntMember;
    if (width === 2) v = b.readInt16LE(p);
    else if (width === 4) v = b.readInt32LE(p);
    else {
      const x = b.readBigInt64LE(p);
      v = x >= -9007199254740991n && x <= 9007199254740991n ? Number(x) : x;
    }
    if (i > 0 && !(out[i - 1] < v)) sorted = false;
    out[i] = v;
  }
  if (sorted) return out;
  if (deep) fail('members out of order or repeated');
  out.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  let w = 1;
  for (let i = 1; i < n; i++) if (out[i] !== out[w - 1]) out[w++] = out[i];
  out.length = w;
  return out;
}
