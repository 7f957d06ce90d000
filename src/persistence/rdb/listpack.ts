/**
 * Listpacks as Redis 7.0 lays them out (listpack.c's format): the blobs
 * inside HASH_LISTPACK, ZSET_LISTPACK, quicklist nodes and stream nodes.
 *
 *   <total-bytes u32le> <num-elements u16le> <entry>... <0xFF>
 *   entry: <encoding + data> <backlen>
 *
 * Encodings: 0xxxxxxx 7-bit uint; 10xxxxxx string of up to 63 bytes;
 * 110xxxxx + 1 byte 13-bit int; 1110xxxx + 1 byte string up to 4095 bytes;
 * 0xF0 + u32le string; 0xF1/F2/F3/F4 16/24/32/64-bit ints (little-endian,
 * two's complement). The backlen is the size of encoding + data, written
 * so that it reads right to left in 7-bit groups (the leftmost byte holds
 * the highest bits; every byte but the leftmost has bit 7 set). The
 * element count saturates at 65535 ("unknown").
 *
 * ListpackWriter builds one the way lpAppend does (a string that is a
 * canonical int64 is stored as an integer). readListpack decodes one into
 * items (strings, or numbers / bigints past 2^53 for integer entries),
 * checking what Redis always checks (the header) plus everything the
 * decoding needs; with `deep` it adds what sanitize-dump-payload checks
 * (backlens, the element count).
 */
import { RdbError, grownBuffer } from './encoding';
import { toInt64, toSafeInt } from '../../util/numbers';

/** A decoded entry: a string, or an integer (bigint only outside the safe range). */
export type LpItem = string | number | bigint;

export const LP_HDR_SIZE = 6;
const LP_EOF = 0xff;
const NUMELE_UNKNOWN = 65535;

/** An item as the string Redis replies with (integers in decimal). */
export function itemString(x: LpItem): string {
  return typeof x === 'string' ? x : String(x);
}

/**
 * lpStringToInt64: the integer a string stands for when it is the
 * canonical decimal form of an int64 (no sign but '-', no leading zeros),
 * else null.
 */
export function canonicalInt(s: string): number | bigint | null {
  const n = s.length;
  if (n === 0 || n > 20) return null;
  const c = s.charCodeAt(0);
  if ((c < 48 || c > 57) && c !== 45) return null;
  const v = toSafeInt(s);
  if (v !== null) return v;
  if (n < 16) return null;
  const b = toInt64(s);
  return b === null ? null : b;
}

/** Bytes of a backlen for an entry of l bytes. */
function backlenSize(l: number): number {
  return l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
}

/** Builds one listpack; reusable after finish(). */
export class ListpackWriter {
  private buf: Buffer;
  private len = LP_HDR_SIZE;
  count = 0;

  constructor(capacity = 256) {
    this.buf = Buffer.allocUnsafe(Math.max(capacity, 16));
  }

  /** Bytes the listpack would have if finished now. */
  get bytes(): number {
    return this.len + 1;
  }

  reset(): void {
    this.len = LP_HDR_SIZE;
    this.count = 0;
  }

  private ensure(n: number): void {
    if (this.len + n > this.buf.length) this.buf = grownBuffer(this.buf, this.len, n);
  }

  private backlen(l: number): void {
    const b = this.buf;
    let p = this.len;
    if (l <= 127) b[p++] = l;
    else if (l < 16383) {
      b[p++] = l >>> 7;
      b[p++] = (l & 127) | 128;
    } else if (l < 2097151) {
      b[p++] = l >>> 14;
      b[p++] = ((l >>> 7) & 127) | 128;
      b[p++] = (l & 127) | 128;
    } else if (l < 268435455) {
      b[p++] = l >>> 21;
      b[p++] = ((l >>> 14) & 127) | 128;
      b[p++] = ((l >>> 7) & 127) | 128;
      b[p++] = (l & 127) | 128;
    } else {
      b[p++] = Math.floor(l / 268435456);
      b[p++] = ((l >>> 21) & 127) | 128;
      b[p++] = ((l >>> 14) & 127) | 128;
      b[p++] = ((l >>> 7) & 127) | 128;
      b[p++] = (l & 127) | 128;
    }
    this.len = p;
  }

  /** lpAppend of a latin1 string: as an integer when it is one. */
  string(s: string): void {
    const v = canonicalInt(s);
    if (v !== null) return this.integer(v);
    this.rawString(s);
  }

  /** A string entry, never integer-encoded. */
  rawString(s: string): void {
    const n = s.length;
    const hdr = n < 64 ? 1 : n < 4096 ? 2 : 5;
    this.ensure(hdr + n + 5);
    const b = this.buf;
    let p = this.len;
    if (hdr === 1) b[p++] = 0x80 | n;
    else if (hdr === 2) {
      b[p++] = 0xe0 | (n >>> 8);
      b[p++] = n & 0xff;
    } else {
      b[p++] = 0xf0;
      b.writeUInt32LE(n, p);
      p += 4;
    }
    if (n < 16) for (let i = 0; i < n; i++) b[p + i] = s.charCodeAt(i);
    else b.latin1Write(s, p, n);
    this.len = p + n;
    this.backlen(hdr + n);
    this.count++;
  }

  /** lpAppendInteger. */
  integer(v: number | bigint): void {
    this.ensure(14);
    const b = this.buf;
    let p = this.len;
    let size: number;
    if (typeof v === 'bigint' && v >= -2147483648n && v <= 2147483647n) v = Number(v);
    if (typeof v === 'bigint') {
      b[p] = 0xf4;
      b.writeBigInt64LE(BigInt.asIntN(64, v), p + 1);
      size = 9;
    } else if (v >= 0 && v <= 127) {
      b[p] = v;
      size = 1;
    } else if (v >= -4096 && v <= 4095) {
      const u = v < 0 ? 8192 + v : v;
      b[p] = 0xc0 | (u >>> 8);
      b[p + 1] = u & 0xff;
      size = 2;
    } else if (v >= -32768 && v <= 32767) {
      b[p] = 0xf1;
      b.writeInt16LE(v, p + 1);
      size = 3;
    } else if (v >= -8388608 && v <= 8388607) {
      b[p] = 0xf2;
      b.writeIntLE(v, p + 1, 3);
      size = 4;
    } else if (v >= -2147483648 && v <= 2147483647) {
      b[p] = 0xf3;
      b.writeInt32LE(v, p + 1);
      size = 5;
    } else {
      b[p] = 0xf4;
      b.writeBigInt64LE(BigInt(v), p + 1);
      size = 9;
    }
    p += size;
    this.len = p;
    this.backlen(size);
    this.count++;
  }

  /** Close the listpack: a view of its bytes, valid until the next write. */
  finish(): Buffer {
    this.ensure(1);
    const b = this.buf;
    b[this.len] = LP_EOF;
    const total = this.len + 1;
    b.writeUInt32LE(total, 0);
    b.writeUInt16LE(this.count < NUMELE_UNKNOWN ? this.count : NUMELE_UNKNOWN, 4);
    return b.subarray(0, total);
  }
}

/** Bytes an item takes in a listpack (entry + backlen), as lpAppend would store it. */
export function lpEntrySize(s: string): number {
  const v = canonicalInt(s);
  let l: number;
  if (v !== null) {
    if (typeof v === 'bigint') l = 9;
    else if (v >= 0 && v <= 127) l = 1;
    else if (v >= -4096 && v <= 4095) l = 2;
    else if (v >= -32768 && v <= 32767) l = 3;
    else if (v >= -8388608 && v <= 8388607) l = 4;
    else if (v >= -2147483648 && v <= 2147483647) l = 5;
    else l = 9;
  } else {
    const n = s.length;
    l = n + (n < 64 ? 1 : n < 4096 ? 2 : 5);
  }
  return l + backlenSize(l);
}

// ---- reading ----------------------------------------------------------------

/**
 * lpValidateIntegrity's header part (what Redis checks even without deep
 * sanitization): room for the header and terminator, the header's total
 * equal to the blob's size, the last byte the terminator.
 */
export function listpackHeaderOk(b: Uint8Array): boolean {
  if (b.length < LP_HDR_SIZE + 1) return false;
  const total = (b[0] | (b[1] << 8) | (b[2] << 16)) + b[3] * 16777216;
  return total === b.length && b[b.length - 1] === LP_EOF;
}

/** Reads the entries of one listpack; each read throws RdbError on anything malformed. */
export class ListpackReader {
  /** Offset of the next entry. */
  pos = LP_HDR_SIZE;
  /** Entries read so far. */
  count = 0;
  private readonly end: number;

  constructor(
    readonly b: Buffer,
    /** Check backlens and the element count too (sanitize-dump-payload). */
    readonly deep: boolean,
    /** Offset of the blob in the payload, for error positions. */
    readonly at = 0,
    what = 'listpack',
  ) {
    if (!listpackHeaderOk(b)) this.fail(`${what} integrity check failed (header)`);
    this.end = b.length - 1;
  }

  fail(reason: string): never {
    throw new RdbError(reason, this.at + this.pos);
  }

  /** True when the terminator is next. */
  get done(): boolean {
    return this.pos >= this.end;
  }

  /** The header's element count (65535: unknown). */
  get headerCount(): number {
    return this.b[4] | (this.b[5] << 8);
  }

  /** The next entry; fails at the end or on a malformed entry. */
  next(): LpItem {
    const b = this.b;
    const start = this.pos;
    if (start >= this.end) this.fail('listpack entry past the end');
    const e = b[start];
    let p = start + 1;
    let item: LpItem;
    const need = (n: number): void => {
      if (p + n > this.end) this.fail('listpack entry past the end');
    };
    if (e < 0x80) item = e;
    else if (e < 0xc0) {
      const n = e & 0x3f;
      need(n);
      item = b.latin1Slice(p, p + n);
      p += n;
    } else if (e < 0xe0) {
      need(1);
      const u = ((e & 0x1f) << 8) | b[p];
      item = u >= 4096 ? u - 8192 : u;
      p += 1;
    } else if (e < 0xf0) {
      need(1);
      const n = ((e & 0x0f) << 8) | b[p];
      p += 1;
      need(n);
      item = b.latin1Slice(p, p + n);
      p += n;
    } else {
      switch (e) {
        case 0xf0: {
          need(4);
          const n = b.readUInt32LE(p);
          p += 4;
          need(n);
          item = b.latin1Slice(p, p + n);
          p += n;
          break;
        }
        case 0xf1:
          need(2);
          item = b.readInt16LE(p);
          p += 2;
          break;
        case 0xf2:
          need(3);
          item = b.readIntLE(p, 3);
          p += 3;
          break;
        case 0xf3:
          need(4);
          item = b.readInt32LE(p);
          p += 4;
          break;
        case 0xf4: {
          need(8);
          const v = b.readBigInt64LE(p);
          item = v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
          p += 8;
          break;
        }
        default:
          return this.fail(`invalid listpack encoding ${e}`);
      }
    }
    const l = p - start;
    const bl = backlenSize(l);
    if (p + bl > this.end) this.fail('listpack backlen past the end');
    if (this.deep && readBacklen(b, p + bl - 1) !== l) this.fail('listpack backlen mismatch');
    this.pos = p + bl;
    this.count++;
    return item;
  }

  /** The next entry as an integer (a string entry must be a canonical int64). */
  nextInt(): number | bigint {
    const x = this.next();
    if (typeof x !== 'string') return x;
    const v = canonicalInt(x);
    if (v === null) this.fail('listpack entry is not an integer');
    return v;
  }

  /** After the last entry: with deep checks, the header count must agree. */
  finish(): void {
    if (!this.done) this.fail('listpack has entries left');
    const h = this.headerCount;
    if (this.deep && h !== NUMELE_UNKNOWN && h !== this.count) this.fail('listpack element count mismatch');
  }
}

/** lpDecodeBacklen reading right to left from the backlen's last byte. */
function readBacklen(b: Uint8Array, p: number): number {
  let v = 0;
  let shift = 0;
  for (let i = 0; i < 5; i++) {
    const x = b[p - i];
    v += (x & 127) * 2 ** shift;
    if ((x & 128) === 0) return v;
    shift += 7;
  }
  return -1;
}

/** Every entry of a listpack. */
export function readListpack(b: Buffer, deep: boolean, at = 0, what = 'listpack'): LpItem[] {
  const r = new ListpackReader(b, deep, at, what);
  const out: LpItem[] = [];
  while (!r.done) out.push(r.next());
  r.finish();
  return out;
}
