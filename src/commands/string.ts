/**
 * String commands, with Redis 7.0's replies, errors, keyspace events and
 * propagation (t_string.c).
 *
 * Encodings follow Redis so OBJECT ENCODING matches: values stored from
 * client arguments (SET, MSET, GETSET, APPEND on a missing key...) are plain
 * strings, which report int/embstr/raw by content; APPEND/SETRANGE results
 * are RawString (always raw); INCRBYFLOAT results are EmbString (embstr or
 * raw by length, never int).
 */
import { constants as bufferConstants } from 'node:buffer';
import type { CommandSpec } from '../server/command';
import type { Client } from '../server/client';
import { Err } from '../protocol/errors';
import { Notify } from '../store/keyspace';
import { ByteString, EmbString, RawString, stringOf } from '../store/value';
import { clock } from '../server/clock';
import { INT64_MAX, INT64_MIN, toInt64, toSafeInt } from '../util/numbers';
import { NAN_OR_INF, NOT_FLOAT, incrByFloat } from '../util/longdouble';
import { lcsLength, lcsTableBytes, lcsWithMatches } from '../store/lcs';
import { optIs, parseLL } from './args';


/** Longest string V8 can hold; Redis's 512MB limit is 24 bytes more. */
const MAX_JS_STRING = bufferConstants.MAX_STRING_LENGTH;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/** checkStringLength(): the result of a growth must fit proto-max-bulk-len. */
function checkStringLength(c: Client, total: number): boolean {
  if (total > c.server.settings.protoMaxBulkLen || total > MAX_JS_STRING) {
    c.error(Err.stringTooLong);
    return false;
  }
  return true;
}

/** getGenericCommand(): reply the value or null. False after a WRONGTYPE. */
function getGeneric(c: Client, key: string): boolean {
  const v = c.db.lookupRead(key);
  if (v === undefined) {
    c.reply.nullBulk();
    return true;
  }
  // bytes straight from a byte string: building (and caching) its JS string
  // would keep a second copy of a big bitmap
  if (v instanceof ByteString) {
    c.reply.bulkBuffer(v.bytes());
    return true;
  }
  const s = typeof v === 'string' ? v : stringOf(v);
  if (s === undefined) {
    c.error(Err.wrongType);
    return false;
  }
  c.reply.bulk(s);
  return true;
}

// ---------------------------------------------------------------------------
// SET / GETEX options and expire times
// ---------------------------------------------------------------------------

const O_NX = 1;
const O_XX = 2;
const O_GET = 4;
const O_KEEPTTL = 8;
const O_PERSIST = 16;
const O_EX = 32;
const O_PX = 64;
const O_EXAT = 128;
const O_PXAT = 256;
const O_EXPIRE = O_EX | O_PX | O_EXAT | O_PXAT;

/** Index in argv of the expire value found by the last parseOptions(). */
let optExpireIdx = 0;

/**
 * parseExtendedStringArgumentsOrReply(): SET options (isSet) or GETEX
 * options, with the same conflict rules. Returns the flags, or -1 after
 * replying a syntax error.
 */
function parseOptions(c: Client, argv: string[], start: number, isSet: boolean): number {
  let flags = 0;
  optExpireIdx = 0;
  const argc = argv.length;
  for (let j = start; j < argc; j++) {
    const o = argv[j];
    const hasNext = j + 1 < argc;
    const len = o.length;
    // Dispatch on the first letter to keep the common cases cheap.
    const c0 = len > 0 ? o.charCodeAt(0) | 32 : 0;
    let ok = false;
    if (c0 === 110 /* n */) {
      if (isSet && !(flags & O_XX) && optIs(o, 'nx')) {
        flags |= O_NX;
        ok = true;
      }
    } else if (c0 === 120 /* x */) {
      if (isSet && !(flags & O_NX) && optIs(o, 'xx')) {
        flags |= O_XX;
        ok = true;
      }
    } else if (c0 === 103 /* g */) {
      if (isSet && optIs(o, 'get')) {
        flags |= O_GET;
        ok = true;
      }
    } else if (c0 === 107 /* k */) {
      if (isSet && !(flags & (O_PERSIST | O_EXPIRE)) && optIs(o, 'keepttl')) {
        flags |= O_KEEPTTL;
        ok = true;
      }
    } else if (c0 === 112 /* p */) {
      if (!isSet && !(flags & (O_EXPIRE | O_KEEPTTL)) && optIs(o, 'persist')) {
        flags |= O_PERSIST;
        ok = true;
      } else if (hasNext && !(flags & (O_KEEPTTL | O_PERSIST | O_EX | O_EXAT | O_PXAT)) && optIs(o, 'px')) {
        flags |= O_PX;
        optExpireIdx = ++j;
        ok = true;
      } else if (hasNext && !(flags & (O_KEEPTTL | O_PERSIST | O_EX | O_EXAT | O_PX)) && optIs(o, 'pxat')) {
        flags |= O_PXAT;
        optExpireIdx = ++j;
        ok = true;
      }
    } else if (c0 === 101 /* e */) {
      if (hasNext && !(flags & (O_KEEPTTL | O_PERSIST | O_EXAT | O_PX | O_PXAT)) && optIs(o, 'ex')) {
        flags |= O_EX;
        optExpireIdx = ++j;
        ok = true;
      } else if (hasNext && !(flags & (O_KEEPTTL | O_PERSIST | O_EX | O_PX | O_PXAT)) && optIs(o, 'exat')) {
        flags |= O_EXAT;
        optExpireIdx = ++j;
        ok = true;
      }
    }
    if (!ok) {
      c.error(Err.syntax);
      return -1;
    }
  }
  return flags;
}

/** Exact decimal of the absolute expire computed by the last parseExpire(). */
let expireAtStr = '';

/**
 * getExpireMillisecondsOrReply(): the absolute unix time in ms for an
 * EX/PX/EXAT/PXAT value, or -1 after replying the error. Relative times
 * are added to the command's clock; int64 overflow is an invalid time,
 * as in Redis. `expireAtStr` gets the exact value for propagation.
 */
function parseExpire(c: Client, arg: string, flags: number, cmd: string): number {
  const seconds = (flags & (O_EX | O_EXAT)) !== 0;
  const relative = (flags & (O_EX | O_PX)) !== 0;
  const v = toSafeInt(arg);
  if (v !== null) {
    if (v <= 0) {
      c.error(Err.invalidExpire(cmd));
      return -1;
    }
    let ms = seconds ? v * 1000 : v;
    if (relative) ms += clock.ms;
    if (ms <= Number.MAX_SAFE_INTEGER) {
      expireAtStr = String(ms);
      return ms;
    }
  } else if (toInt64(arg) === null) {
    c.error(Err.notInteger);
    return -1;
  }
  // Beyond 2^53: exact int64 arithmetic.
  let big = BigInt(arg);
  if (big <= 0n || (seconds && big > INT64_MAX / 1000n)) {
    c.error(Err.invalidExpire(cmd));
    return -1;
  }
  if (seconds) big *= 1000n;
  if (relative) big += BigInt(clock.ms);
  if (big > INT64_MAX) {
    // The C addition wraps to a negative number.
    c.error(Err.invalidExpire(cmd));
    return -1;
  }
  expireAtStr = big.toString();
  return Number(big);
}

// ---------------------------------------------------------------------------
// GET / SET family
// ---------------------------------------------------------------------------

function get(c: Client, argv: string[]): void {
  getGeneric(c, argv[1]);
}

/**
 * setGenericCommand(). `expireArg` is the EX/PX/EXAT/PXAT value when
 * flags has one; `intReply` selects SETNX's 1/0 instead of OK/null.
 */
function setGeneric(
  c: Client,
  argv: string[],
  flags: number,
  key: string,
  val: string,
  expireArg: string | undefined,
  cmd: string,
  intReply: boolean,
): void {
  let when = 0;
  if (expireArg !== undefined) {
    when = parseExpire(c, expireArg, flags, cmd);
    if (when < 0) return;
  }
  if (flags & O_GET && !getGeneric(c, key)) return;
  const db = c.db;
  const found = db.lookup(key) !== undefined;
  if ((flags & O_NX && found) || (flags & O_XX && !found)) {
    if (!(flags & O_GET)) {
      if (intReply) c.reply.int(0);
      else c.reply.nullBulk();
    }
    return;
  }
  db.setKey(key, val, (flags & O_KEEPTTL) !== 0);
  db.written(key, 'set', Notify.string);
  if (expireArg !== undefined) {
    db.setExpire(key, Number.isSafeInteger(when) ? when : BigInt(expireAtStr));
    db.written(key, 'expire', Notify.generic, 0);
    // Replicas and the AOF get an absolute time, whatever the form used.
    c.rewriteArgv(['SET', key, val, 'PXAT', expireAtStr]);
  } else if (flags & O_GET) {
    // Propagate without GET (the reply is this client's business only).
    const out: string[] = [];
    for (let j = 0; j < argv.length; j++) if (j < 3 || !optIs(argv[j], 'get')) out.push(argv[j]);
    c.rewriteArgv(out);
  }
  if (!(flags & O_GET)) {
    if (intReply) c.reply.int(1);
    else c.reply.ok();
  }
}

function set(c: Client, argv: string[]): void {
  const key = argv[1];
  if (argv.length === 3) {
    const db = c.db;
    db.accessForWrite(key);
    db.setKey(key, argv[2]);
    db.written(key, 'set', Notify.string);
    c.reply.ok();
    return;
  }
  const flags = parseOptions(c, argv, 3, true);
  if (flags < 0) return;
  setGeneric(c, argv, flags, key, argv[2], flags & O_EXPIRE ? argv[optExpireIdx] : undefined, 'set', false);
}

function setnx(c: Client, argv: string[]): void {
  setGeneric(c, argv, O_NX, argv[1], argv[2], undefined, 'setnx', true);
}

function setex(c: Client, argv: string[]): void {
  setGeneric(c, argv, O_EX, argv[1], argv[3], argv[2], 'setex', false);
}

function psetex(c: Client, argv: string[]): void {
  setGeneric(c, argv, O_PX, argv[1], argv[3], argv[2], 'psetex', false);
}

function getset(c: Client, argv: string[]): void {
  const key = argv[1];
  if (!getGeneric(c, key)) return;
  const db = c.db;
  // setKey()'s own lookupKeyWrite: a second access after GET's
  db.accessForWrite(key);
  db.setKey(key, argv[2]);
  db.written(key, 'set', Notify.string);
  c.rewriteArgv(['SET', key, argv[2]]);
}

function getdel(c: Client, argv: string[]): void {
  const key = argv[1];
  const db = c.db;
  const v = db.lookupRead(key);
  if (v === undefined) return c.reply.nullBulk();
  const s = typeof v === 'string' ? v : stringOf(v);
  if (s === undefined) return c.error(Err.wrongType);
  c.reply.bulk(s);
  if (db.delete(key)) {
    c.rewriteArgv([c.server.settings.lazyfreeLazyUserDel ? 'UNLINK' : 'DEL', key]);
    db.written(key, 'del', Notify.generic);
  }
}

function getex(c: Client, argv: string[]): void {
  let flags = 0;
  let expireIdx = 0;
  if (argv.length > 2) {
    flags = parseOptions(c, argv, 2, false);
    if (flags < 0) return;
    expireIdx = optExpireIdx;
  }
  const key = argv[1];
  const db = c.db;
  const v = db.lookupRead(key);
  if (v === undefined) return c.reply.nullBulk();
  const s = typeof v === 'string' ? v : stringOf(v);
  if (s === undefined) return c.error(Err.wrongType);
  let when = 0;
  if (flags & O_EXPIRE) {
    when = parseExpire(c, argv[expireIdx], flags, 'getex');
    if (when < 0) return;
  }
  c.reply.bulk(s);
  if (flags & (O_EXAT | O_PXAT) && when <= clock.ms && db.ks.hooks.expireAllowed()) {
    // An absolute time already in the past deletes the key.
    db.delete(key);
    c.rewriteArgv([c.server.settings.lazyfreeLazyExpire ? 'UNLINK' : 'DEL', key]);
    db.written(key, 'del', Notify.generic);
  } else if (flags & O_EXPIRE) {
    db.setExpire(key, Number.isSafeInteger(when) ? when : BigInt(expireAtStr));
    c.rewriteArgv(['PEXPIREAT', key, expireAtStr]);
    db.written(key, 'expire', Notify.generic);
  } else if (flags & O_PERSIST) {
    if (db.removeExpire(key)) {
      c.rewriteArgv(['PERSIST', key]);
      db.written(key, 'persist', Notify.generic);
    }
  }
}

function mget(c: Client, argv: string[]): void {
  const db = c.db;
  const n = argv.length;
  c.reply.array(n - 1);
  for (let j = 1; j < n; j++) {
    const v = db.lookupRead(argv[j]);
    if (v === undefined) {
      c.reply.nullBulk();
      continue;
    }
    if (v instanceof ByteString) {
      c.reply.bulkBuffer(v.bytes());
      continue;
    }
    const s = typeof v === 'string' ? v : stringOf(v);
    if (s === undefined) c.reply.nullBulk();
    else c.reply.bulk(s);
  }
}

function mset(c: Client, argv: string[]): void {
  const n = argv.length;
  if ((n & 1) === 0) return c.error(Err.arity('mset'));
  const db = c.db;
  for (let j = 1; j < n; j += 2) {
    const key = argv[j];
    db.accessForWrite(key);
    db.setKey(key, argv[j + 1]);
    db.written(key, 'set', Notify.string);
  }
  c.reply.ok();
}

function msetnx(c: Client, argv: string[]): void {
  const n = argv.length;
  if ((n & 1) === 0) return c.error(Err.arity('msetnx'));
  const db = c.db;
  for (let j = 1; j < n; j += 2) {
    if (db.lookup(argv[j]) !== undefined) return c.reply.int(0);
  }
  for (let j = 1; j < n; j += 2) {
    db.setKey(argv[j], argv[j + 1]);
    db.written(argv[j], 'set', Notify.string);
  }
  c.reply.int(1);
}

// ---------------------------------------------------------------------------
// APPEND / STRLEN / GETRANGE / SETRANGE
// ---------------------------------------------------------------------------

function append(c: Client, argv: string[]): void {
  const key = argv[1];
  const add = argv[2];
  const db = c.db;
  const v = db.lookup(key);
  let total: number;
  if (v === undefined) {
    // A new key holds the argument as sent (int/embstr/raw by content).
    db.setKey(key, add);
    total = add.length;
  } else if (v instanceof ByteString) {
    // A bitmap (or other byte-edited value) grows in place, sds-style.
    const old = v.len;
    total = old + add.length;
    if (!checkStringLength(c, total)) return;
    if (add.length !== 0) {
      v.grow(total);
      v.buf.latin1Write(add, old);
      v.changed();
    }
  } else {
    const s = typeof v === 'string' ? v : stringOf(v);
    if (s === undefined) return c.error(Err.wrongType);
    total = s.length + add.length;
    if (!checkStringLength(c, total)) return;
    db.overwrite(key, new RawString(add.length === 0 ? s : s + add));
  }
  db.written(key, 'append', Notify.string);
  c.reply.int(total);
}

function strlen(c: Client, argv: string[]): void {
  const v = c.db.lookupRead(argv[1]);
  if (v === undefined) return c.reply.int(0);
  if (v instanceof ByteString) return c.reply.int(v.len);
  const s = typeof v === 'string' ? v : stringOf(v);
  if (s === undefined) return c.error(Err.wrongType);
  c.reply.int(s.length);
}

function getrange(c: Client, argv: string[]): void {
  const a = parseLL(argv[2]);
  if (a === null) return c.error(Err.notInteger);
  const b = parseLL(argv[3]);
  if (b === null) return c.error(Err.notInteger);
  const v = c.db.lookupRead(argv[1]);
  if (v === undefined) return c.reply.bulk('');
  const bytes = v instanceof ByteString ? v : null;
  const s = bytes !== null ? '' : typeof v === 'string' ? v : stringOf(v);
  if (s === undefined) return c.error(Err.wrongType);
  // Exact comparison (number/bigint mix) before any precision is lost.
  if (a < 0 && b < 0 && a > b) return c.reply.bulk('');
  const n = bytes !== null ? bytes.len : s.length;
  // Past this point only the position relative to [0, n) matters.
  let start = typeof a === 'bigint' ? Number(a) : a;
  let end = typeof b === 'bigint' ? Number(b) : b;
  if (start < 0) start = n + start;
  if (end < 0) end = n + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= n) end = n - 1;
  if (start > end || n === 0) return c.reply.bulk('');
  if (bytes !== null) {
    // A part of a byte buffer is copied out without building the whole string.
    if (start === 0 && end === n - 1) c.reply.bulk(bytes.s);
    else c.reply.bulkBuffer(bytes.buf.subarray(start, end + 1));
    return;
  }
  c.reply.bulk(start === 0 && end === n - 1 ? s : s.slice(start, end + 1));
}

function setrange(c: Client, argv: string[]): void {
  const key = argv[1];
  const val = argv[3];
  const o = parseLL(argv[2]);
  if (o === null) return c.error(Err.notInteger);
  if (o < 0) return c.error(Err.offsetOutOfRange);
  const offset = typeof o === 'bigint' ? Number(o) : o;
  const db = c.db;
  const v = db.lookup(key);
  const endPos = offset + val.length;
  // The result is a ByteString edited in place from then on (Redis's sds is
  // patched in place too; both report raw).
  let bs: ByteString;
  if (v === undefined) {
    if (val.length === 0) return c.reply.int(0);
    if (!checkStringLength(c, endPos)) return;
    bs = new ByteString(Buffer.alloc(endPos), endPos);
    db.setKey(key, bs);
  } else if (v instanceof ByteString) {
    if (val.length === 0) return c.reply.int(v.len);
    if (!checkStringLength(c, endPos)) return;
    bs = v;
    bs.grow(endPos);
  } else {
    const s = typeof v === 'string' ? v : stringOf(v);
    if (s === undefined) return c.error(Err.wrongType);
    if (val.length === 0) return c.reply.int(s.length);
    if (!checkStringLength(c, endPos)) return;
    bs = db.editableBytes(key, v, endPos);
    bs.grow(endPos);
  }
  bs.buf.latin1Write(val, offset);
  bs.changed();
  db.written(key, 'setrange', Notify.string);
  c.reply.int(bs.len);
}

// ---------------------------------------------------------------------------
// Counters
// ---------------------------------------------------------------------------

/**
 * incrDecrCommand(): add `incr` (an int64) to the key's integer value.
 * Safe integers stay numbers; beyond 2^53 the sum is done with BigInt.
 */
function incrDecr(c: Client, key: string, incr: number | bigint): void {
  const db = c.db;
  const v = db.lookup(key);
  let cur: number | bigint = 0;
  if (v !== undefined) {
    const s = typeof v === 'string' ? v : stringOf(v);
    if (s === undefined) return c.error(Err.wrongType);
    const n = toSafeInt(s);
    if (n !== null) cur = n;
    else {
      const big = toInt64(s);
      if (big === null) return c.error(Err.notInteger);
      cur = big;
    }
  }
  let result: number | bigint;
  let str: string;
  if (typeof cur === 'number' && typeof incr === 'number' && Number.isSafeInteger(cur + incr)) {
    result = cur + incr;
    str = '' + result;
  } else {
    const sum = BigInt(cur) + BigInt(incr);
    if (sum > INT64_MAX || sum < INT64_MIN) return c.error(Err.overflow);
    result = sum;
    str = sum.toString();
  }
  if (v === undefined) db.setKey(key, str);
  else db.overwrite(key, str);
  db.written(key, 'incrby', Notify.string);
  c.reply.int(result);
}

function incr(c: Client, argv: string[]): void {
  incrDecr(c, argv[1], 1);
}

function decr(c: Client, argv: string[]): void {
  incrDecr(c, argv[1], -1);
}

function incrby(c: Client, argv: string[]): void {
  const n = parseLL(argv[2]);
  if (n === null) return c.error(Err.notInteger);
  incrDecr(c, argv[1], n);
}

function decrby(c: Client, argv: string[]): void {
  const n = parseLL(argv[2]);
  if (n === null) return c.error(Err.notInteger);
  // Negating LLONG_MIN overflows.
  if (n === INT64_MIN) return c.error(Err.decrOverflow);
  incrDecr(c, argv[1], typeof n === 'number' ? 0 - n : -n);
}

function incrbyfloat(c: Client, argv: string[]): void {
  const key = argv[1];
  const db = c.db;
  const v = db.lookup(key);
  let cur: string | null = null;
  if (v !== undefined) {
    const s = typeof v === 'string' ? v : stringOf(v);
    if (s === undefined) return c.error(Err.wrongType);
    cur = s;
  }
  const r = incrByFloat(cur, argv[2]);
  if (r === NOT_FLOAT) return c.error(Err.notFloat);
  if (r === NAN_OR_INF) return c.error(Err.nanOrInf);
  const obj = new EmbString(r);
  if (v === undefined) db.setKey(key, obj);
  else db.overwrite(key, obj);
  db.written(key, 'incrbyfloat', Notify.string);
  c.reply.bulk(r);
  // Replicate the result, not the operation (float formatting must not
  // make replicas or an AOF reload diverge).
  c.rewriteArgv(['SET', key, r, 'KEEPTTL']);
}

// ---------------------------------------------------------------------------
// LCS
// ---------------------------------------------------------------------------

function lcs(c: Client, argv: string[]): void {
  const db = c.db;
  const va = db.lookupRead(argv[1]);
  const vb = db.lookupRead(argv[2]);
  const a = va === undefined ? '' : stringOf(va);
  const b = vb === undefined ? '' : stringOf(vb);
  if (a === undefined || b === undefined) return c.error(Err.lcsWrongType);

  let getIdx = false;
  let getLen = false;
  let withMatchLen = false;
  let minMatchLen = 0;
  const argc = argv.length;
  for (let j = 3; j < argc; j++) {
    const o = argv[j];
    if (optIs(o, 'idx')) getIdx = true;
    else if (optIs(o, 'len')) getLen = true;
    else if (optIs(o, 'withmatchlen')) withMatchLen = true;
    else if (optIs(o, 'minmatchlen') && j + 1 < argc) {
      const m = parseLL(argv[++j]);
      if (m === null) return c.error(Err.notInteger);
      minMatchLen = m < 0 ? 0 : Number(m);
    } else return c.error(Err.syntax);
  }
  if (getIdx && getLen) return c.error(Err.lcsLenAndIdx);
  if (lcsTableBytes(a.length, b.length) > c.server.settings.protoMaxBulkLen) return c.error(Err.lcsTooBig);

  if (getLen) {
    c.reply.int(lcsLength(a, b));
    return;
  }
  let res;
  try {
    res = lcsWithMatches(a, b, getIdx, minMatchLen);
  } catch (e) {
    if (e instanceof RangeError) return c.error(Err.lcsAllocFailed);
    throw e;
  }
  if (!getIdx) {
    c.reply.bulk(res.str);
    return;
  }
  const r = c.reply;
  const ranges = res.ranges;
  r.map(2);
  r.bulk('matches');
  r.array(ranges.length / 5);
  for (let k = 0; k < ranges.length; k += 5) {
    r.array(withMatchLen ? 3 : 2);
    r.array(2);
    r.int(ranges[k]);
    r.int(ranges[k + 1]);
    r.array(2);
    r.int(ranges[k + 2]);
    r.int(ranges[k + 3]);
    if (withMatchLen) r.int(ranges[k + 4]);
  }
  r.bulk('len');
  r.int(res.len);
}

export const stringCommands: CommandSpec[] = [
  { name: 'get', handler: get },
  { name: 'set', handler: set },
  { name: 'setnx', handler: setnx },
  { name: 'setex', handler: setex },
  { name: 'psetex', handler: psetex },
  { name: 'getset', handler: getset },
  { name: 'getdel', handler: getdel },
  { name: 'getex', handler: getex },
  { name: 'mget', handler: mget },
  { name: 'mset', handler: mset },
  { name: 'msetnx', handler: msetnx },
  { name: 'append', handler: append },
  { name: 'strlen', handler: strlen },
  { name: 'getrange', handler: getrange },
  { name: 'substr', handler: getrange },
  { name: 'setrange', handler: setrange },
  { name: 'incr', handler: incr },
  { name: 'decr', handler: decr },
  { name: 'incrby', handler: incrby },
  { name: 'decrby', handler: decrby },
  { name: 'incrbyfloat', handler: incrbyfloat },
  { name: 'lcs', handler: lcs },
];
