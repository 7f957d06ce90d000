/**
 * Ziplists (ziplist.c's format), read only: Redis 7.0 writes listpacks but
 * still loads the ziplists of older RDB files (LIST_ZIPLIST, quicklist
 * nodes of LIST_QUICKLIST, ZSET_ZIPLIST, HASH_ZIPLIST) and converts them.
 *
 *   <zlbytes u32le> <zltail u32le> <zllen u16le> <entry>... <0xFF>
 *   entry: <prevlen: 1 byte, or 0xFE + u32le> <encoding> <data>
 *
 * Encodings: 00pppppp string (6-bit length), 01pppppp qqqqqqqq string
 * (14-bit length, big-endian), 10xxxxxx + u32be string; 0xC0 int16, 0xD0
 * int32, 0xE0 int64, 0xF0 int24, 0xFE int8 (little-endian), 0xF1..0xFD the
 * values 0..12 in the encoding byte.
 *
 * The header (size, terminator, tail offset within the blob) is always
 * checked, as by Redis, and every entry must decode inside the blob. With
 * `deep`, as ziplistValidateIntegrity's deep mode: each prevlen equals the
 * previous entry's size, zltail points at the last entry and zllen (unless
 * 65535) equals the count.
 */
import { RdbError } from './encoding';
import type { LpItem } from './listpack';

const HEADER = 10;

export function readZiplist(b: Buffer, deep: boolean, at = 0, what = 'Ziplist'): LpItem[] {
  let p = HEADER;
  const fail = (why: string): never => {
    throw new RdbError(`${what} integrity check failed: ${why}`, at + p);
  };
  const size = b.length;
  if (size < HEADER + 1) fail('short header');
  if (b.readUInt32LE(0) !== size) fail('size mismatch');
  if (b[size - 1] !== 0xff) fail('no terminator');
  const tail = b.readUInt32LE(4);
  if (tail > size - 1) fail('tail offset out of range');
  const end = size - 1;
  const out: LpItem[] = [];
  let prevSize = 0;
  let last = -1;
  while (p < end) {
    const start = p;
    const need = (n: number): void => {
      if (p + n > end) fail('entry past the end');
    };
    // prevlen
    let prevlen: number;
    if (b[p] < 254) {
      prevlen = b[p];
      p += 1;
    } else {
      if (b[p] !== 254) fail('bad prevlen');
      need(5);
      prevlen = b.readUInt32LE(p + 1);
      p += 5;
    }
    if (deep && prevlen !== prevSize) fail('prevlen mismatch');
    need(1);
    const e = b[p];
    let item: LpItem;
    switch (e >> 6) {
      case 0: {
        const n = e & 0x3f;
        p += 1;
        need(n);
        item = b.latin1Slice(p, p + n);
        p += n;
        break;
      }
      case 1: {
        need(2);
        const n = ((e & 0x3f) << 8) | b[p + 1];
        p += 2;
        need(n);
        item = b.latin1Slice(p, p + n);
        p += n;
        break;
      }
      case 2: {
        need(5);
        const n = b.readUInt32BE(p + 1);
        p += 5;
        need(n);
        item = b.latin1Slice(p, p + n);
        p += n;
        break;
      }
      default: {
        p += 1;
        if (e === 0xc0) {
          need(2);
          item = b.readInt16LE(p);
          p += 2;
        } else if (e === 0xd0) {
          need(4);
          item = b.readInt32LE(p);
          p += 4;
        } else if (e === 0xe0) {
          need(8);
          const v = b.readBigInt64LE(p);
          item = v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
          p += 8;
        } else if (e === 0xf0) {
          need(3);
          item = b.readIntLE(p, 3);
          p += 3;
        } else if (e === 0xfe) {
          need(1);
          item = b.readInt8(p);
          p += 1;
        } else if (e >= 0xf1 && e <= 0xfd) {
          item = (e & 0x0f) - 1;
        } else {
          return fail(`invalid encoding ${e}`);
        }
      }
    }
    out.push(item);
    prevSize = p - start;
    last = start;
  }
  if (deep) {
    if (last >= 0 && tail !== last) fail('tail offset mismatch');
    const n = b.readUInt16LE(8);
    if (n !== 65535 && n !== out.length) fail('entry count mismatch');
  }
  return out;
}
