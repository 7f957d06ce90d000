/**
 * The RDB format's primitives (Redis 7.0, RDB version 10): lengths, strings
 * (raw, integer-encoded, LZF-compressed), doubles, expire times and the type
 * and opcode numbers. RdbOut builds bytes; RdbIn reads them and throws an
 * RdbError naming the offset on anything it cannot read, so a corrupt file or
 * payload stops the load instead of crashing the server.
 *
 * Strings are latin1 JS strings (one char per byte), as everywhere in tredis.
 */
import { lzfCompressInto, lzfDecompress, lzfDecompressInto } from '../lzf';

export const RDB_VERSION = 10;

/** Value types (rdb.h). */
export const RdbType = {
  STRING: 0,
  LIST: 1,
  SET: 2,
  ZSET: 3,
  HASH: 4,
  ZSET_2: 5,
  MODULE_PRE_GA: 6,
  MODULE_2: 7,
  HASH_ZIPMAP: 9,
  LIST_ZIPLIST: 10,
  SET_INTSET: 11,
  ZSET_ZIPLIST: 12,
  HASH_ZIPLIST: 13,
  LIST_QUICKLIST: 14,
  STREAM_LISTPACKS: 15,
  HASH_LISTPACK: 16,
  ZSET_LISTPACK: 17,
  LIST_QUICKLIST_2: 18,
  STREAM_LISTPACKS_2: 19,
  SET_LISTPACK: 20,
  STREAM_LISTPACKS_3: 21,
} as const;

/** Opcodes between values (rdb.h). */
export const RdbOp = {
  FUNCTION2: 245,
  FUNCTION_PRE_GA: 246,
  MODULE_AUX: 247,
  IDLE: 248,
  FREQ: 249,
  AUX: 250,
  RESIZEDB: 251,
  EXPIRETIME_MS: 252,
  EXPIRETIME: 253,
  SELECTDB: 254,
  EOF: 255,
} as const;

const ENC_INT8 = 0;
const ENC_INT16 = 1;
const ENC_INT32 = 2;
const ENC_LZF = 3;

/** A load that cannot go on: what was wrong and where. */
export class RdbError extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
  ) {
    super(`${reason} at offset ${offset}`);
  }
}

/**
 * The value of a latin1 string as Redis's string2ll sees it when deciding
 * to store it as an integer (rdbTryIntegerEncoding): the canonical decimal
 * form of a number in [-2^31, 2^31) that fits an RDB integer encoding, else
 * null.
 */
function intEncodable(s: string): number | null {
  const n = s.length;
  if (n === 0 || n > 11) return null;
  let i = 0;
  if (s.charCodeAt(0) === 45) {
    if (n === 1) return null;
    i = 1;
  }
  const first = s.charCodeAt(i);
  if (first < 49 || first > 57) return s === '0' ? 0 : null;
  for (let j = i; j < n; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) return null;
  }
  const v = Number(s);
  return v >= -2147483648 && v <= 2147483647 ? v : null;
}

/**
 * src[from, to) into dst at `at`: a byte loop for the short runs the writer
 * copies per key (Buffer.copy's argument checks cost more than the bytes,
 * and the view TypedArray.set needs is garbage per call), TypedArray.set for
 * long ones.
 */
function copyBytes(src: Uint8Array, from: number, to: number, dst: Uint8Array, at: number): void {
  if (to - from <= 512) {
    for (let i = from; i < to; i++) dst[at++] = src[i];
  } else dst.set(src.subarray(from, to), at);
}

/** Scratch buffers for LZF: a string's bytes, and their compressed form. */
let lzfIn = Buffer.allocUnsafe(4096);
let lzfOut = Buffer.allocUnsafe(4096);

/** `buf` (of which `used` bytes matter) doubled until `more` bytes fit after them. */
export function grownBuffer(buf: Buffer, used: number, more: number): Buffer {
  let size = Math.max(buf.length * 2, 16);
  while (size < used + more) size *= 2;
  const next = Buffer.allocUnsafe(size);
  buf.copy(next, 0, 0, used);
  return next;
}

/** A growable buffer of RDB bytes. */
export class RdbOut {
  buf: Buffer;
  len = 0;

  constructor(
    /** rdbcompression: strings over 20 bytes are LZF-compressed when that saves at least 4 bytes. */
    public compress = true,
    capacity = 4096,
  ) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  private ensure(n: number): void {
    if (this.len + n > this.buf.length) this.buf = grownBuffer(this.buf, this.len, n);
  }

  /** The bytes written so far (a view: valid until the next write). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.len);
  }

  /** Hand over the bytes written so far and start again (for writing a file in slices). */
  take(): Buffer {
    const b = Buffer.from(this.buf.subarray(0, this.len));
    this.len = 0;
    return b;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  raw(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /** Bytes [from, to) of another RdbOut, appended (no view made). */
  rawFrom(src: RdbOut, from: number, to: number): void {
    this.ensure(to - from);
    copyBytes(src.buf, from, to, this.buf, this.len);
    this.len += to - from;
  }

  /** latin1 bytes as they are, no length. */
  rawString(s: string): void {
    this.ensure(s.length);
    this.len += this.buf.latin1Write(s, this.len);
  }

  /** rdbSaveLen. */
  length(n: number): void {
    this.ensure(9);
    const b = this.buf;
    if (n < 1 << 6) b[this.len++] = n;
    else if (n < 1 << 14) {
      b[this.len++] = 0x40 | (n >> 8);
      b[this.len++] = n & 0xff;
    } else if (n <= 0xffffffff) {
      b[this.len++] = 0x80;
      b.writeUInt32BE(n, this.len);
      this.len += 4;
    } else {
      b[this.len++] = 0x81;
      b.writeBigUInt64BE(BigInt(n), this.len);
      this.len += 8;
    }
  }

  /** rdbSaveLen of a uint64 (stream IDs and counters): a bigint is taken modulo 2^64. */
  lengthU64(n: number | bigint): void {
    if (typeof n === 'number') return this.length(n);
    n = BigInt.asUintN(64, n);
    if (n <= 0xffffffffn) return this.length(Number(n));
    this.ensure(9);
    this.buf[this.len++] = 0x81;
    this.buf.writeBigUInt64BE(n, this.len);
    this.len += 8;
  }

  /** rdbSaveRawString of a latin1 string: as an integer when it is one, LZF when that pays, else raw. */
  string(s: string): void {
    const v = intEncodable(s);
    if (v !== null) return this.intString(v);
    if (this.compress && s.length > 20) {
      const n = s.length;
      if (lzfIn.length < n) lzfIn = Buffer.allocUnsafe(Math.max(n, lzfIn.length * 2));
      lzfIn.latin1Write(s, 0);
      if (this.lzf(lzfIn, n)) return;
    }
    this.length(s.length);
    this.rawString(s);
  }

  /** rdbSaveRawString of bytes (never integer-encoded: callers that may hold integers use string()). */
  stringBytes(b: Uint8Array): void {
    if (this.compress && b.length > 20 && this.lzf(b, b.length)) return;
    this.length(b.length);
    this.raw(b);
  }

  /** rdbSaveLongLongAsStringObject for a value known to be an integer. */
  integer(n: number | bigint): void {
    if (typeof n === 'number' && n >= -2147483648 && n <= 2147483647 && Number.isInteger(n)) return this.intString(n);
    const s = String(n);
    this.length(s.length);
    this.rawString(s);
  }

  private intString(v: number): void {
    this.ensure(5);
    const b = this.buf;
    if (v >= -128 && v <= 127) {
      b[this.len++] = 0xc0 | ENC_INT8;
      b.writeInt8(v, this.len);
      this.len += 1;
    } else if (v >= -32768 && v <= 32767) {
      b[this.len++] = 0xc0 | ENC_INT16;
      b.writeInt16LE(v, this.len);
      this.len += 2;
    } else {
      b[this.len++] = 0xc0 | ENC_INT32;
      b.writeInt32LE(v, this.len);
      this.len += 4;
    }
  }

  /** The first n bytes of b LZF-compressed, when that saves at least 4 bytes (rdbSaveLzfStringObject). */
  private lzf(b: Uint8Array, n: number): boolean {
    if (lzfOut.length < n) lzfOut = Buffer.allocUnsafe(Math.max(n, lzfOut.length * 2));
    const clen = lzfCompressInto(b, n, lzfOut, n - 4);
    if (clen === 0) return false;
    this.byte(0xc0 | ENC_LZF);
    this.length(clen);
    this.length(n);
    this.ensure(clen);
    copyBytes(lzfOut, 0, clen, this.buf, this.len);
    this.len += clen;
    return true;
  }

  /** rdbSaveBinaryDoubleValue: 8 bytes, little-endian IEEE 754. */
  binaryDouble(d: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(d, this.len);
    this.len += 8;
  }

  u8(n: number): void {
    this.byte(n & 0xff);
  }

  u16le(n: number): void {
    this.ensure(2);
    this.buf.writeUInt16LE(n, this.len);
    this.len += 2;
  }

  u32le(n: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(n >>> 0, this.len);
    this.len += 4;
  }

  u64le(n: number | bigint): void {
    this.ensure(8);
    this.buf.writeBigUInt64LE(BigInt.asUintN(64, BigInt(n)), this.len);
    this.len += 8;
  }

  i64le(n: number | bigint): void {
    this.ensure(8);
    this.buf.writeBigInt64LE(BigInt.asIntN(64, BigInt(n)), this.len);
    this.len += 8;
  }
}

/** Reads RDB bytes from a buffer; every failure throws RdbError with the offset. */
export class RdbIn {
  pos: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    /** Reads stop here (a DUMP payload's footer is not part of the value). */
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  fail(reason: string, at = this.pos): never {
    throw new RdbError(reason, at);
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  take(n: number): Buffer {
    if (n < 0 || n > this.end - this.pos) this.fail('Unexpected EOF reading RDB file');
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  byte(): number {
    if (this.pos >= this.end) this.fail('Unexpected EOF reading RDB file');
    return this.buf[this.pos++];
  }

  u16le(): number {
    return this.take(2).readUInt16LE(0);
  }

  u32le(): number {
    return this.take(4).readUInt32LE(0);
  }

  i32le(): number {
    return this.take(4).readInt32LE(0);
  }

  i64le(): bigint {
    return this.take(8).readBigInt64LE(0);
  }

  u64le(): bigint {
    return this.take(8).readBigUInt64LE(0);
  }

  /** rdbLoadLenByRef: a length, or for an encoded string its encoding number (encoded = true). */
  lengthOrEncoding(): { n: number; encoded: boolean } {
    const at = this.pos;
    const b = this.byte();
    switch (b >> 6) {
      case 0:
        return { n: b & 0x3f, encoded: false };
      case 1:
        return { n: ((b & 0x3f) << 8) | this.byte(), encoded: false };
      case 3:
        return { n: b & 0x3f, encoded: true };
    }
    if (b === 0x80) return { n: this.take(4).readUInt32BE(0), encoded: false };
    if (b === 0x81) {
      const v = this.take(8).readBigUInt64BE(0);
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail('Length too large', at);
      return { n: Number(v), encoded: false };
    }
    return this.fail(`Unknown length encoding ${b} in rdbLoadLen()`, at);
  }

  /** rdbLoadLen of a uint64 (stream IDs and counters), whole. */
  lengthU64(): bigint {
    const at = this.pos;
    const b = this.byte();
    if (b === 0x81) return this.take(8).readBigUInt64BE(0);
    this.pos = at;
    return BigInt(this.length());
  }

  /** rdbLoadLen: a plain length. */
  length(): number {
    const at = this.pos;
    const l = this.lengthOrEncoding();
    if (l.encoded) this.fail('Unexpected encoded length', at);
    return l.n;
  }

  /** rdbGenericLoadStringObject as bytes (a view into the buffer unless it was compressed or an integer). */
  stringBytes(): Buffer {
    const at = this.pos;
    const l = this.lengthOrEncoding();
    if (!l.encoded) return this.take(l.n);
    switch (l.n) {
      case ENC_INT8:
        return Buffer.from(String(this.take(1).readInt8(0)), 'latin1');
      case ENC_INT16:
        return Buffer.from(String(this.take(2).readInt16LE(0)), 'latin1');
      case ENC_INT32:
        return Buffer.from(String(this.take(4).readInt32LE(0)), 'latin1');
      case ENC_LZF: {
        const clen = this.length();
        const len = this.length();
        const packed = this.take(clen);
        // a back reference (2 or 3 bytes) expands to at most 264 bytes: more cannot be filled
        if (len > packed.length * 132 + 32) this.fail('Invalid LZF compressed string', at);
        const s = lzfDecompress(packed, len);
        if (s === null) this.fail('Invalid LZF compressed string', at);
        return s;
      }
    }
    return this.fail(`Unknown RDB string encoding type ${l.n}`, at);
  }

  /** A string as a latin1 JS string (made straight from the bytes: no Buffer per string). */
  string(): string {
    const at = this.pos;
    const l = this.lengthOrEncoding();
    if (!l.encoded) {
      if (l.n > this.end - this.pos) this.fail('Unexpected EOF reading RDB file');
      const s = this.buf.latin1Slice(this.pos, this.pos + l.n);
      this.pos += l.n;
      return s;
    }
    if (l.n !== ENC_LZF) {
      this.pos = at;
      const b = this.stringBytes();
      return b.latin1Slice(0, b.length);
    }
    const clen = this.length();
    const len = this.length();
    if (clen > this.end - this.pos) this.fail('Unexpected EOF reading RDB file');
    // a back reference (2 or 3 bytes) expands to at most 264 bytes: more cannot be filled
    if (len > clen * 132 + 32) this.fail('Invalid LZF compressed string', at);
    if (lzfOut.length < len) lzfOut = Buffer.allocUnsafe(Math.max(len, lzfOut.length * 2));
    if (!lzfDecompressInto(this.buf, this.pos, this.pos + clen, lzfOut, len)) this.fail('Invalid LZF compressed string', at);
    this.pos += clen;
    return lzfOut.latin1Slice(0, len);
  }

  /** rdbLoadBinaryDoubleValue: 8 bytes, little-endian IEEE 754. */
  binaryDouble(): number {
    return this.take(8).readDoubleLE(0);
  }

  /** rdbLoadDoubleValue (the old ZSET and stream formats): a length byte, then the number as text; 253 nan, 254 +inf, 255 -inf. */
  textDouble(): number {
    const n = this.byte();
    if (n === 253) return NaN;
    if (n === 254) return Infinity;
    if (n === 255) return -Infinity;
    const at = this.pos;
    const t = this.take(n).latin1Slice(0, n);
    const v = Number(t);
    if (Number.isNaN(v) && !/^\s*nan\s*$/i.test(t)) this.fail('Invalid double value', at);
    return v;
  }
}
