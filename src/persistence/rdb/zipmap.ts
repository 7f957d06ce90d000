/**
 * Zipmaps (zipmap.c's format), read only: the small hashes of RDB files
 * older than Redis 2.6 (HASH_ZIPMAP), which Redis 7.0 still loads.
 *
 *   <zmlen: 1 byte, 254 = unknown> (<len>key<len><free>value<free bytes>)... <0xFF>
 *   len: 1 byte when < 254, else 254 + u32 (little-endian hosts)
 *
 * Validated as zipmapValidateIntegrity's deep mode (which Redis always uses
 * for them): every length inside the blob, at least one pair, and the count
 * byte equal to the pairs unless it is 254.
 */
import { RdbError } from './encoding';

/** The fields and values, flat [f, v, f, v...]. */
export function readZipmap(b: Buffer, at = 0): string[] {
  let p = 1;
  const fail = (why: string): never => {
    throw new RdbError(`Zipmap integrity check failed: ${why}`, at + p);
  };
  const size = b.length;
  if (size < 2) fail('short');
  if (b[size - 1] !== 0xff) fail('no terminator');
  // OUT_OF_RANGE: a position before the first entry or past the terminator
  const check = (q: number): void => {
    if (q < 2 || q > size - 1) fail('entry out of range');
  };
  const len = (): number => {
    const s = b[p] < 254 ? 1 : 5;
    check(p + s);
    const n = s === 1 ? b[p] : b.readUInt32LE(p + 1);
    p += s;
    return n;
  };
  const out: string[] = [];
  while (b[p] !== 0xff) {
    const kl = len();
    check(p + kl);
    const key = b.latin1Slice(p, p + kl);
    p += kl;
    const vl = len();
    check(p + 1);
    const free = b[p++];
    check(p + vl + free);
    out.push(key, b.latin1Slice(p, p + vl));
    p += vl + free;
  }
  const count = out.length >> 1;
  if (count === 0) fail('empty');
  if (b[0] !== 254 && b[0] !== count) fail('count mismatch');
  return out;
}
