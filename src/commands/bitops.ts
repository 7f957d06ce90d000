/**
 * Bitmap commands (Redis 7.0's bitops.c): SETBIT GETBIT BITCOUNT BITPOS
 * BITOP BITFIELD BITFIELD_RO, with Redis's replies, errors, keyspace events
 * and argument-checking order.
 *
 * Bitmaps are string values. Writes turn the value into a ByteString (a
 * mutable byte buffer, reported raw like the sds Redis unshares) and edit
 * it in place; reads use its bytes directly. Large strings held as JS
 * strings are converted once on first bit access, so repeated BITCOUNTs
 * of a 64 MB value do not copy it each time.
 */
import { constants as bufferConstants } from 'node:buffer';
import type { CommandSpec } from '../server/command';
import type { Client } from '../server/client';
import { Err, cstr } from '../protocol/errors';
import { Notify } from '../store/keyspace';
import { ByteString, Value, stringOf, typeOf } from '../store/value';
import {
  BITOP_AND,
  BITOP_NOT,
  BITOP_OR,
  BITOP_XOR,
  OVERFLOW_FAIL,
  OVERFLOW_SAT,
  OVERFLOW_WRAP,
  bitop as bitopInto,
  countBitsInRange,
  SMALL_FIELD_ARG,
  SMALL_FIELD_BITS,
  fieldResult,
  fieldResultSmall,
  findBit,
  getBit,
  readSigned,
  readSmall,
  readUnsigned,
  setBit,
  writeField,
  writeSmall,
} from '../store/bitmap';
import { optIs, parseLL } from './args';

/** Longest string V8 can hold; a bitmap must stay readable as one. */
const MAX_JS_STRING = bufferConstants.MAX_STRING_LENGTH;

/**
 * Strings at least this long are converted to a ByteString in the keyspace
 * on their first bit access (well past 44 bytes, so the reported encoding
 * stays raw); shorter ones are copied per command, which is cheaper.
 */
const CONVERT_MIN = 4096;

const EMPTY = Buffer.alloc(0);

// ---------------------------------------------------------------------------
// Value access
// ---------------------------------------------------------------------------

/**
 * The bytes of string value `v` of `key` for reading (a view valid for this
 * command only), or null when v is not a string.
 */
function loadBytes(c: Client, key: string, v: Value): Buffer | null {
  if (v instanceof ByteString) return v.bytes();
  const s = typeof v === 'string' ? v : stringOf(v);
  if (s === undefined) return null;
  if (s.length >= CONVERT_MIN) {
    // Without the string cached: the bytes are the value from now on (GET
    // rebuilds the string once, on demand).
    const bs = new ByteString(Buffer.from(s, 'latin1'), s.length);
    c.db.overwrite(key, bs);
    return bs.buf;
  }
  return Buffer.from(s, 'latin1');
}

/** Whether the last writableBytes() created the key or lengthened it. */
let grew = false;

/**
 * lookupStringForBitCommand(): the key's value as a ByteString at least
 * `bytes` long (created zero-filled when missing), or null after replying
 * an error (WRONGTYPE, or a length no JS string can hold).
 */
function writableBytes(c: Client, key: string, bytes: number): ByteString | null {
  const db = c.db;
  const v = db.lookup(key);
  // typeOf(), not stringOf(): the latter would build a big bitmap's string.
  if (v !== undefined && typeOf(v) !== 'string') {
    c.error(Err.wrongType);
    return null;
  }
  if (bytes > MAX_JS_STRING) {
    c.error(Err.stringTooLong);
    return null;
  }
  if (v === undefined) {
    const bs = new ByteString(Buffer.alloc(bytes), bytes);
    db.setKey(key, bs);
    grew = true;
    return bs;
  }
  const bs = db.editableBytes(key, v, bytes);
  const old = bs.len;
  bs.grow(bytes);
  grew = bs.len !== old;
  return bs;
}

// ---------------------------------------------------------------------------
// Argument parsing
// ---------------------------------------------------------------------------

/**
 * getBitOffsetFromArgument(): a bit offset, or -1 after replying the error.
 * With `bits` > 0 (BITFIELD) "#N" means N * bits, multiplied with int64
 * wrap-around as in C. The byte it falls in must be below proto-max-bulk-len.
 */
function parseBitOffset(c: Client, arg: string, bits: number): number {
  const hash = bits > 0 && arg.charCodeAt(0) === 35; /* # */
  let v = parseLL(hash ? arg.slice(1) : arg);
  if (v !== null && hash) {
    const p = typeof v === 'number' ? v * bits : NaN;
    v = Number.isSafeInteger(p) ? p : BigInt.asIntN(64, BigInt(v) * BigInt(bits));
  }
  if (v === null || v < 0 || Math.floor(Number(v) / 8) >= c.server.settings.protoMaxBulkLen) {
    c.error(Err.bitOffset);
    return -1;
  }
  return Number(v);
}

/**
 * A start/end index of BITCOUNT/BITPOS (a long long, exact: a bigint beyond
 * 2^53), or null after replying the error.
 */
function parseIndex(c: Client, arg: string): number | bigint | null {
  const v = parseLL(arg);
  if (v === null) c.error(Err.notInteger);
  return v;
}

/** BIT/BYTE unit argument: 1 for BIT, 0 for BYTE, -1 after a syntax error. */
function parseUnit(c: Client, arg: string): number {
  if (optIs(arg, 'bit')) return 1;
  if (optIs(arg, 'byte')) return 0;
  c.error(Err.syntax);
  return -1;
}

/**
 * Redis's index normalisation: negative indexes count from the end of a
 * `total`-unit string, then both are clamped to it. Sets rangeStart/rangeEnd.
 */
let rangeStart = 0;
let rangeEnd = 0;
function clampRange(first: number | bigint, last: number | bigint, total: number): void {
  // Past 2^53 only the sign and the size relative to `total` matter.
  let start = Number(first);
  let end = Number(last);
  if (start < 0) start = total + start;
  if (end < 0) end = total + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= total) end = total - 1;
  rangeStart = start;
  rangeEnd = end;
}

// ---------------------------------------------------------------------------
// SETBIT / GETBIT
// ---------------------------------------------------------------------------

function setbit(c: Client, argv: string[]): void {
  const offset = parseBitOffset(c, argv[2], 0);
  if (offset < 0) return;
  const on = parseLL(argv[3]);
  if (on === null || (on !== 0 && on !== 1)) return c.error(Err.bitValue);
  const key = argv[1];
  const bs = writableBytes(c, key, Math.floor(offset / 8) + 1);
  if (bs === null) return;
  const old = setBit(bs.buf, offset, on);
  // A write that changes nothing is neither an event nor propagated.
  if (grew || old !== on) {
    bs.changed();
    c.db.written(key, 'setbit', Notify.string);
  }
  c.reply.int(old);
}

function getbit(c: Client, argv: string[]): void {
  const offset = parseBitOffset(c, argv[2], 0);
  if (offset < 0) return;
  const v = c.db.lookupRead(argv[1]);
  if (v === undefined) return c.reply.int(0);
  if (v instanceof ByteString) return c.reply.int(getBit(v.buf, v.len, offset));
  const s = typeof v === 'string' ? v : stringOf(v);
  if (s === undefined) return c.error(Err.wrongType);
  const byte = Math.floor(offset / 8);
  c.reply.int(byte < s.length ? (s.charCodeAt(byte) >> (7 - (offset & 7))) & 1 : 0);
}

// ---------------------------------------------------------------------------
// BITCOUNT / BITPOS
// ---------------------------------------------------------------------------

function bitcount(c: Client, argv: string[]): void {
  const key = argv[1];
  // Redis 7.0 looks the key up before parsing the range: a missing key
  // answers 0 whatever the other arguments are.
  const v = c.db.lookupRead(key);
  if (v === undefined) return c.reply.int(0);
  const buf = loadBytes(c, key, v);
  if (buf === null) return c.error(Err.wrongType);
  const argc = argv.length;
  const len = buf.length;
  let isBit = 0;
  if (argc === 2) {
    rangeStart = 0;
    rangeEnd = len - 1;
  } else if (argc === 4 || argc === 5) {
    const start = parseIndex(c, argv[2]);
    if (start === null) return;
    const end = parseIndex(c, argv[3]);
    if (end === null) return;
    if (start < 0 && end < 0 && start > end) return c.reply.int(0);
    if (argc === 5 && (isBit = parseUnit(c, argv[4])) < 0) return;
    clampRange(start, end, isBit ? len * 8 : len);
  } else return c.error(Err.syntax);
  if (rangeStart > rangeEnd) return c.reply.int(0);
  const first = isBit ? rangeStart : rangeStart * 8;
  const last = isBit ? rangeEnd : rangeEnd * 8 + 7;
  c.reply.int(countBitsInRange(buf, first, last));
}

function bitpos(c: Client, argv: string[]): void {
  const key = argv[1];
  const b = parseLL(argv[2]);
  if (b === null) return c.error(Err.notInteger);
  if (b !== 0 && b !== 1) return c.error(Err.bitposBit);
  const bit = b;
  // A missing key is an endless run of zeros.
  const v = c.db.lookupRead(key);
  if (v === undefined) return c.reply.int(bit ? -1 : 0);
  const buf = loadBytes(c, key, v);
  if (buf === null) return c.error(Err.wrongType);
  const argc = argv.length;
  const len = buf.length;
  let isBit = 0;
  let endGiven = false;
  if (argc === 3) {
    rangeStart = 0;
    rangeEnd = len - 1;
  } else if (argc <= 6) {
    const start = parseIndex(c, argv[3]);
    if (start === null) return;
    if (argc === 6 && (isBit = parseUnit(c, argv[5])) < 0) return;
    let end: number | bigint;
    if (argc >= 5) {
      const e = parseIndex(c, argv[4]);
      if (e === null) return;
      end = e;
      endGiven = true;
    } else end = isBit ? len * 8 + 7 : len - 1;
    clampRange(start, end, isBit ? len * 8 : len);
  } else return c.error(Err.syntax);
  // An empty range holds neither a 0 nor a 1.
  if (rangeStart > rangeEnd) return c.reply.int(-1);
  const first = isBit ? rangeStart : rangeStart * 8;
  const last = isBit ? rangeEnd : rangeEnd * 8 + 7;
  const pos = findBit(buf, first, last, bit);
  if (pos >= 0 || bit === 1 || endGiven) return c.reply.int(pos);
  // Looking for a 0 up to the end of the string: the string continues with
  // zeros, so the answer is the first bit after its last byte.
  c.reply.int((Math.floor(last / 8) + 1) * 8);
}

// ---------------------------------------------------------------------------
// BITOP
// ---------------------------------------------------------------------------

function bitop(c: Client, argv: string[]): void {
  const name = argv[1];
  let op: number;
  if (optIs(name, 'and')) op = BITOP_AND;
  else if (optIs(name, 'or')) op = BITOP_OR;
  else if (optIs(name, 'xor')) op = BITOP_XOR;
  else if (optIs(name, 'not')) op = BITOP_NOT;
  else return c.error(Err.syntax);
  if (op === BITOP_NOT && argv.length !== 4) return c.error(Err.bitopNot);

  const db = c.db;
  const n = argv.length - 3;
  const srcs: Buffer[] = new Array<Buffer>(n);
  let maxLen = 0;
  for (let j = 0; j < n; j++) {
    const v = db.lookupRead(argv[j + 3]);
    if (v === undefined) {
      srcs[j] = EMPTY; // a missing key is an empty string
      continue;
    }
    const buf = loadBytes(c, argv[j + 3], v);
    if (buf === null) return c.error(Err.wrongType);
    srcs[j] = buf;
    if (buf.length > maxLen) maxLen = buf.length;
  }

  const dest = argv[2];
  if (maxLen > 0) {
    // Buffer.alloc() gives a zero-filled buffer of its own, 4-byte aligned.
    const out = Buffer.alloc(maxLen);
    bitopInto(op, srcs, out);
    db.lookup(dest); // drop a stale destination first, as lookupKeyWrite()
    db.setKey(dest, new ByteString(out, maxLen));
    db.written(dest, 'set', Notify.string);
  } else if (db.delete(dest)) {
    // An empty result deletes the destination.
    db.written(dest, 'del', Notify.generic);
  }
  c.reply.int(maxLen);
}

// ---------------------------------------------------------------------------
// BITFIELD / BITFIELD_RO
// ---------------------------------------------------------------------------

const OP_GET = 0;
const OP_SET = 1;
const OP_INCRBY = 2;

/** One parsed BITFIELD operation. */
interface FieldOp {
  op: number;
  signed: boolean;
  bits: number;
  offset: number;
  value: bigint;
  overflow: number;
  /** Width <= 32 and |value| < 2^52: the number-only path applies. */
  small: boolean;
  /** `value` as a number when small. */
  num: number;
}

/**
 * getBitfieldTypeFromArgument(): "i1".."i64" or "u1".."u63" (lowercase;
 * the text stops at a NUL as a C string does). Returns the width, negative
 * for signed, or 0 after replying the error.
 */
function parseFieldType(c: Client, arg: string): number {
  const t = cstr(arg);
  const kind = t.charCodeAt(0);
  const bits = kind === 105 /* i */ || kind === 117 /* u */ ? parseLL(t.slice(1)) : null;
  const max = kind === 105 ? 64 : 63;
  if (bits === null || bits < 1 || bits > max) {
    c.error(Err.bitfieldType);
    return 0;
  }
  return kind === 105 ? -Number(bits) : Number(bits);
}

function bitfieldGeneric(c: Client, argv: string[], readOnlyCommand: boolean): void {
  const argc = argv.length;
  const ops: FieldOp[] = [];
  let overflow = OVERFLOW_WRAP;
  let readOnly = true;
  let highestBit = 0;
  for (let j = 2; j < argc; j++) {
    const rem = argc - j - 1;
    const sub = argv[j];
    let op: number;
    if (optIs(sub, 'get') && rem >= 2) op = OP_GET;
    else if (optIs(sub, 'set') && rem >= 3) op = OP_SET;
    else if (optIs(sub, 'incrby') && rem >= 3) op = OP_INCRBY;
    else if (optIs(sub, 'overflow') && rem >= 1) {
      const o = argv[++j];
      if (optIs(o, 'wrap')) overflow = OVERFLOW_WRAP;
      else if (optIs(o, 'sat')) overflow = OVERFLOW_SAT;
      else if (optIs(o, 'fail')) overflow = OVERFLOW_FAIL;
      else return c.error(Err.bitfieldOverflow);
      continue;
    } else return c.error(Err.syntax);

    const typed = parseFieldType(c, argv[j + 1]);
    if (typed === 0) return;
    const bits = typed < 0 ? -typed : typed;
    const offset = parseBitOffset(c, argv[j + 2], bits);
    if (offset < 0) return;
    let value = 0n;
    let num = 0;
    let small = bits <= SMALL_FIELD_BITS;
    if (op !== OP_GET) {
      readOnly = false;
      if (offset + bits - 1 > highestBit) highestBit = offset + bits - 1;
      const v = parseLL(argv[j + 3]);
      if (v === null) return c.error(Err.notInteger);
      if (typeof v === 'number' && v < SMALL_FIELD_ARG && v > -SMALL_FIELD_ARG) num = v;
      else small = false;
      if (!small) value = BigInt(v); // the bigint path is the only reader
    }
    ops.push({ op, signed: typed < 0, bits, offset, value, overflow, small, num });
    j += op === OP_GET ? 2 : 3;
  }

  const key = argv[1];
  const db = c.db;
  let bs: ByteString | null = null;
  let rbuf: Buffer = EMPTY;
  if (readOnly) {
    const v = db.lookupRead(key);
    if (v !== undefined) {
      const buf = loadBytes(c, key, v);
      if (buf === null) return c.error(Err.wrongType);
      rbuf = buf;
    }
  } else {
    if (readOnlyCommand) return c.error(Err.bitfieldRo);
    bs = writableBytes(c, key, Math.floor(highestBit / 8) + 1);
    if (bs === null) return;
  }

  const r = c.reply;
  r.array(ops.length);
  let changes = 0;
  for (let k = 0; k < ops.length; k++) {
    const f = ops[k];
    if (f.op === OP_GET) {
      const buf = bs !== null ? bs.buf : rbuf;
      const len = bs !== null ? bs.len : rbuf.length;
      if (f.small) r.int(readSmall(buf, len, f.offset, f.bits, f.signed));
      else r.int(f.signed ? readSigned(buf, len, f.offset, f.bits) : readUnsigned(buf, len, f.offset, f.bits));
      continue;
    }
    const w = bs!;
    if (f.small) {
      const old = readSmall(w.buf, w.len, f.offset, f.bits, f.signed);
      const isSet = f.op === OP_SET;
      const stored = isSet ? fieldResultSmall(f.signed, f.bits, f.num, 0, f.overflow, true) : fieldResultSmall(f.signed, f.bits, old, f.num, f.overflow, false);
      if (stored === null) {
        r.nullBulk(); // OVERFLOW FAIL: nothing written
        continue;
      }
      r.int(isSet ? old : stored);
      if (stored !== old) {
        writeSmall(w.buf, f.offset, f.bits, stored);
        w.changed();
      }
      if (grew || stored !== old) changes++;
      continue;
    }
    const old = f.signed ? readSigned(w.buf, w.len, f.offset, f.bits) : readUnsigned(w.buf, w.len, f.offset, f.bits);
    const stored =
      f.op === OP_INCRBY
        ? fieldResult(f.signed, f.bits, old, f.value, f.overflow)
        : fieldResult(f.signed, f.bits, f.signed ? f.value : BigInt.asUintN(64, f.value), 0n, f.overflow);
    if (stored === null) {
      r.nullBulk(); // OVERFLOW FAIL: nothing written
      continue;
    }
    r.int(f.op === OP_INCRBY ? stored : old);
    if (stored !== old) {
      writeField(w.buf, f.offset, f.bits, stored);
      w.changed();
    }
    if (grew || stored !== old) changes++;
  }
  if (changes > 0) db.written(key, 'setbit', Notify.string, changes);
}

function bitfield(c: Client, argv: string[]): void {
  bitfieldGeneric(c, argv, false);
}

function bitfieldRo(c: Client, argv: string[]): void {
  bitfieldGeneric(c, argv, true);
}

export const bitmapCommands: CommandSpec[] = [
  { name: 'setbit', handler: setbit },
  { name: 'getbit', handler: getbit },
  { name: 'bitcount', handler: bitcount },
  { name: 'bitpos', handler: bitpos },
  { name: 'bitop', handler: bitop },
  { name: 'bitfield', handler: bitfield },
  { name: 'bitfield_ro', handler: bitfieldRo },
];
