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
import { crc64 } from '../../persistence/crc64';
import { RDB_VERSION, RdbIn, RdbOp, RdbOut } from '../../persistence/rdb/encoding';

export const PAYLOAD_ERROR = 'ERR DUMP payload version or checksum are wrong';

/** A payload holding these libraries' codes (latin1 strings). */
export function dumpPayload(codes: string[], compress: boolean): Buffer {
  const out = new RdbOut(compress);
  for (const code of codes) {
    // a library's code starts with its "#!" shebang, so it is never stored as an integer
    out.byte(RdbOp.FUNCTION2);
    out.string(code);
  }
  out.u16le(RDB_VERSION);
  out.u64le(crc64(out.bytes()));
  return Buffer.from(out.bytes());
}

/** verifyDumpPayload: a version this server reads, and the right checksum. */
function verify(p: Buffer): boolean {
  if (p.length < 10) return false;
  const version = p[p.length - 10] | (p[p.length - 9] << 8);
  if (version > RDB_VERSION) return false;
  return crc64(p.subarray(0, p.length - 8)) === p.readBigUInt64LE(p.length - 8);
}

/** Reads one field, or null when the bytes are missing or invalid. */
function field<T>(read: () => T): T | null {
  try {
    return read();
  } catch {
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
  const r = new RdbIn(p);
  const codes: string[] = [];
  while (r.pos < end) {
    const op = field(() => r.byte());
    if (op !== RdbOp.FUNCTION2 && op !== RdbOp.FUNCTION_PRE_GA) return 'ERR given type is not a function';
    if (op === RdbOp.FUNCTION_PRE_GA) {
      const name = field(() => r.string());
      if (name === null) return 'ERR Failed loading library name';
      const engine = field(() => r.string());
      if (engine === null) return 'ERR Failed loading engine name';
      // a description follows when this is not 0 (a length that cannot be read counts as not 0)
      const hasDesc = field(() => r.lengthOrEncoding().n);
      if (hasDesc !== 0 && field(() => r.string()) === null) return 'ERR Failed loading library description';
      const blob = field(() => r.string());
      if (blob === null) return 'ERR Failed loading library blob';
      codes.push(`#!${engine} name=${name}\n${blob}`);
      continue;
    }
    const code = field(() => r.string());
    if (code === null) return 'ERR Failed loading library payload';
    codes.push(code);
  }
  return codes;
}
