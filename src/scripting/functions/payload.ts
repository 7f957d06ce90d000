/**
 * FUNCTION DUMP / FUNCTION RESTORE payloads, in Redis 7.0's format: for each
 * library the RDB opcode FUNCTION2 (245) and its code as an RDB string
 * (LZF-compressed when rdbcompression is on and that saves at least 4
 * bytes), then the RDB version (10) as two little-endian bytes and the
 * CRC-64 of everything before it, little-endian.
 *
 * Restoring also reads the opcode of 7.0's release candidates (246: library
 * name, engine, an optional description, then the code without its
 * shebang), as Redis does. As in Redis, the fields are read from the whole
 * payload (a string may run into the version and checksum bytes) while the
 * position is before the footer.
 */
import { crc64 } from './crc64';
import { lzfCompress, lzfDecompress } from './lzf';

export const RDB_VERSION = 10;
const OPCODE_FUNCTION_PRE_GA = 246;
const OPCODE_FUNCTION2 = 245;

const ENC_INT8 = 0;
const ENC_INT16 = 1;
const ENC_INT32 = 2;
const ENC_LZF = 3;

export const PAYLOAD_ERROR = 'ERR DUMP payload version or checksum are wrong';

function lengthBytes(n: number): Buffer {
  if (n < 1 << 6) return Buffer.from([n]);
  if (n < 1 << 14) return Buffer.from([0x40 | (n >> 8), n & 0xff]);
  if (n <= 0xffffffff) {
    const b = Buffer.alloc(5);
    b[0] = 0x80;
    b.writeUInt32BE(n, 1);
    return b;
  }
  const b = Buffer.alloc(9);
  b[0] = 0x81;
  b.writeBigUInt64BE(BigInt(n), 1);
  return b;
}

/** rdbSaveRawString for a string that is not an integer: LZF when it pays, else raw. */
function rdbString(s: Buffer, compress: boolean): Buffer {
  if (compress && s.length > 20) {
    const packed = lzfCompress(s, s.length - 4);
    if (packed !== null) return Buffer.concat([Buffer.from([0xc0 | ENC_LZF]), lengthBytes(packed.length), lengthBytes(s.length), packed]);
  }
  return Buffer.concat([lengthBytes(s.length), s]);
}

/** A payload holding these libraries' codes (latin1 strings). */
export function dumpPayload(codes: string[], compress: boolean): Buffer {
  const parts: Buffer[] = [];
  for (const code of codes) {
    // a library's code starts with its "#!" shebang, so it is never stored as an integer
    parts.push(Buffer.from([OPCODE_FUNCTION2]), rdbString(Buffer.from(code, 'latin1'), compress));
  }
  parts.push(Buffer.from([RDB_VERSION & 0xff, RDB_VERSION >> 8]));
  const body = Buffer.concat(parts);
  const footer = Buffer.alloc(8);
  footer.writeBigUInt64LE(crc64(body));
  return Buffer.concat([body, footer]);
}

/** verifyDumpPayload: a version this server reads, and the right checksum. */
function verify(p: Buffer): boolean {
  if (p.length < 10) return false;
  const version = p[p.length - 10] | (p[p.length - 9] << 8);
  if (version > RDB_VERSION) return false;
  return crc64(p.subarray(0, p.length - 8)) === p.readBigUInt64LE(p.length - 8);
}

/** Reads RDB fields from a payload; every read answers null when the bytes are missing or invalid. */
class Reader {
  pos = 0;
  constructor(private readonly p: Buffer) {}

  private take(n: number): Buffer | null {
    if (n > this.p.length - this.pos) return null;
    const b = this.p.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  byte(): number | null {
    return this.pos < this.p.length ? this.p[this.pos++] : null;
  }

  /** rdbLoadLen: a length, or for an encoded string its encoding (with `encoded` set). */
  length(): { n: number; encoded: boolean } | null {
    const b = this.byte();
    if (b === null) return null;
    switch (b >> 6) {
      case 0:
        return { n: b & 0x3f, encoded: false };
      case 1: {
        const lo = this.byte();
        return lo === null ? null : { n: ((b & 0x3f) << 8) | lo, encoded: false };
      }
      case 3:
        return { n: b & 0x3f, encoded: true };
    }
    if (b === 0x80) {
      const v = this.take(4);
      return v === null ? null : { n: v.readUInt32BE(0), encoded: false };
    }
    if (b === 0x81) {
      const v = this.take(8);
      // past 2^53 no payload can hold it: take() then fails
      return v === null ? null : { n: Number(v.readBigUInt64BE(0)), encoded: false };
    }
    return null;
  }

  /** rdbLoadLen without the encoded flag: an encoding's number reads as a length. */
  plainLength(): number | null {
    const l = this.length();
    return l === null ? null : l.n;
  }

  /** rdbGenericLoadStringObject: a latin1 string, or null. */
  string(): string | null {
    const l = this.length();
    if (l === null) return null;
    if (!l.encoded) {
      const b = this.take(l.n);
      return b === null ? null : b.latin1Slice(0, b.length);
    }
    switch (l.n) {
      case ENC_INT8: {
        const b = this.take(1);
        return b === null ? null : String(b.readInt8(0));
      }
      case ENC_INT16: {
        const b = this.take(2);
        return b === null ? null : String(b.readInt16LE(0));
      }
      case ENC_INT32: {
        const b = this.take(4);
        return b === null ? null : String(b.readInt32LE(0));
      }
      case ENC_LZF: {
        const clen = this.plainLength();
        if (clen === null) return null;
        const len = this.plainLength();
        if (len === null) return null;
        const packed = this.take(clen);
        // a back reference (2 or 3 bytes) expands to at most 264 bytes: more cannot be filled
        if (packed === null || len > packed.length * 132 + 32) return null;
        const s = lzfDecompress(packed, len);
        return s === null ? null : s.latin1Slice(0, s.length);
      }
    }
    return null;
  }
}

/**
 * The libraries' codes in a payload, in order, or the error Redis answers:
 * a bad version or checksum, an opcode other than a library's, a field
 * that cannot be read.
 */
export function parsePayload(p: Buffer): string[] | string {
  if (!verify(p)) return PAYLOAD_ERROR;
  const end = p.length - 10;
  const r = new Reader(p);
  const codes: string[] = [];
  while (r.pos < end) {
    const op = r.byte();
    if (op !== OPCODE_FUNCTION2 && op !== OPCODE_FUNCTION_PRE_GA) return 'ERR given type is not a function';
    if (op === OPCODE_FUNCTION_PRE_GA) {
      const name = r.string();
      if (name === null) return 'ERR Failed loading library name';
      const engine = r.string();
      if (engine === null) return 'ERR Failed loading engine name';
      // a description follows when this is not 0 (a length that cannot be read counts as not 0)
      const hasDesc = r.plainLength();
      if (hasDesc !== 0 && r.string() === null) return 'ERR Failed loading library description';
      const blob = r.string();
      if (blob === null) return 'ERR Failed loading library blob';
      codes.push(`#!${engine} name=${name}\n${blob}`);
      continue;
    }
    const code = r.string();
    if (code === null) return 'ERR Failed loading library payload';
    codes.push(code);
  }
  return codes;
}
