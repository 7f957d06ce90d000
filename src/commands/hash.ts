/**
 * Hash commands, with Redis 7.0's replies, errors (and their precedence),
 * keyspace events and propagation (t_hash.c, db.c's scanGenericCommand).
 *
 * The data structure is store/hash.ts; here are argument parsing, lookups,
 * replies and the write path. A hash is created only once nothing can fail
 * any more (Redis creates it in hashTypeLookupWriteOrCreate(), but only after
 * every check that could leave it empty), firing "new" like dbAdd(); a hash
 * emptied by HDEL is deleted ("del").
 */
import type { CommandSpec } from '../server/command';
import type { Client } from '../server/client';
import { parseScanOptions, removeMembers, replyEmptyScan } from './collection';
import { Err } from '../protocol/errors';
import { Notify } from '../store/keyspace';
import type { Value } from '../store/value';
import { DEFAULT_MAX_LISTPACK_ENTRIES, DEFAULT_MAX_LISTPACK_VALUE, HashValue } from '../store/hash';
import { parseCursor } from '../store/scan';
import { compileGlob, isMatchAll } from '../util/glob';
import { INT64_MAX, INT64_MIN, toInt64, toSafeInt } from '../util/numbers';
import { HASH_NOT_FLOAT, INCR_NAN_OR_INF, NAN_OR_INF, NOT_FLOAT, hincrByFloat } from '../util/longdouble';
import { optIs, parseLL } from './args';

// ---- helpers ------------------------------------------------------------------

/** Encoding limits, read from the config table on each write. */
let maxEntries = DEFAULT_MAX_LISTPACK_ENTRIES;
let maxValue = DEFAULT_MAX_LISTPACK_VALUE;

function readLimits(c: Client): void {
  const cfg = c.server.config;
  if (cfg === undefined) return;
  maxEntries = cfg.values['hash-max-listpack-entries'];
  maxValue = cfg.values['hash-max-listpack-value'];
}

/** The key's hash, undefined when missing, null after replying WRONGTYPE. */
function asHash(c: Client, v: Value | undefined): HashValue | undefined | null {
  if (v === undefined || v instanceof HashValue) return v;
  c.error(Err.wrongType);
  return null;
}

/** hashTypeLookupWriteOrCreate()'s create half: add an empty hash under key. */
function createHash(c: Client, key: string): HashValue {
  const h = new HashValue();
  const db = c.db;
  db.setKey(key, h);
  return h;
}

// ---- writes -----------------------------------------------------------------------

/** HSET and HMSET: the same but for the reply. */
function hset(c: Client, argv: string[]): void {
  const argc = argv.length;
  if (argc % 2 === 1) return c.error(Err.arity(c.cmd!.fullname));
  const key = argv[1];
  const db = c.db;
  let h = asHash(c, db.lookup(key));
  if (h === null) return;
  readLimits(c);
  h ??= createHash(c, key);
  let created = 0;
  for (let i = 2; i < argc; i += 2) if (h.set(argv[i], argv[i + 1], maxEntries, maxValue)) created++;
  db.written(key, 'hset', Notify.hash, (argc - 2) / 2);
  if (c.cmd!.name === 'hmset') c.reply.ok();
  else c.reply.int(created);
}

function hsetnx(c: Client, argv: string[]): void {
  const key = argv[1];
  const db = c.db;
  let h = asHash(c, db.lookup(key));
  if (h === null) return;
  if (h !== undefined && h.has(argv[2])) return c.reply.int(0);
  readLimits(c);
  h ??= createHash(c, key);
  h.set(argv[2], argv[3], maxEntries, maxValue);
  db.written(key, 'hset', Notify.hash);
  c.reply.int(1);
}

function hdel(c: Client, argv: string[]): void {
  const key = argv[1];
  const db = c.db;
  const h = asHash(c, db.lookup(key));
  if (h === null) return;
  if (h === undefined) return c.reply.int(0);
  removeMembers(c, key, argv, 2, (f) => h.delete(f), () => h.size === 0, 'hdel', Notify.hash);
}

function hincrby(c: Client, argv: string[]): void {
  const incr = parseLL(argv[3]);
  if (incr === null) return c.error(Err.notInteger);
  const key = argv[1];
  const field = argv[2];
  const db = c.db;
  let h = asHash(c, db.lookup(key));
  if (h === null) return;
  let cur: number | bigint = 0;
  const s = h?.get(field);
  if (s !== undefined) {
    const v = parseLL(s);
    if (v === null) return c.error(Err.hashNotInteger);
    cur = v;
  }
  let sum: number | bigint;
  if (typeof cur === 'number' && typeof incr === 'number' && Number.isSafeInteger(cur + incr)) {
    sum = cur + incr;
  } else {
    const a = BigInt(cur);
    const b = BigInt(incr);
    if ((b < 0n && a < 0n && b < INT64_MIN - a) || (b > 0n && a > 0n && b > INT64_MAX - a)) return c.error(Err.overflow);
    sum = a + b;
  }
  readLimits(c);
  h ??= createHash(c, key);
  h.set(field, String(sum), maxEntries, maxValue);
  db.written(key, 'hincrby', Notify.hash);
  c.reply.int(sum);
}

function hincrbyfloat(c: Client, argv: string[]): void {
  const key = argv[1];
  const field = argv[2];
  const db = c.db;
  const v = db.lookup(key);
  let h: HashValue | undefined;
  if (v !== undefined) {
    if (!(v instanceof HashValue)) {
      // The increment is checked before the type.
      const r = hincrByFloat(null, argv[3]);
      if (r === NOT_FLOAT) return c.error(Err.notFloat);
      if (r === INCR_NAN_OR_INF) return c.error(Err.valueNanOrInf);
      return c.error(Err.wrongType);
    }
    h = v;
  }
  const cur = h?.get(field);
  const r = hincrByFloat(cur === undefined ? null : cur, argv[3]);
  if (r === NOT_FLOAT) return c.error(Err.notFloat);
  if (r === INCR_NAN_OR_INF) return c.error(Err.valueNanOrInf);
  if (r === HASH_NOT_FLOAT) return c.error(Err.hashNotFloat);
  if (r === NAN_OR_INF) return c.error(Err.nanOrInf);
  readLimits(c);
  h ??= createHash(c, key);
  h.set(field, r, maxEntries, maxValue);
  db.written(key, 'hincrbyfloat', Notify.hash);
  c.reply.bulk(r);
  // Replicate the result, not the float arithmetic.
  c.rewriteArgv(['HSET', key, field, r]);
}

// ---- reads ----------------------------------------------------------------------

function hget(c: Client, argv: string[]): void {
  const h = asHash(c, c.db.lookupRead(argv[1]));
  if (h === null) return;
  const v = h?.get(argv[2]);
  if (v === undefined) c.reply.nullBulk();
  else c.reply.bulk(v);
}

function hmget(c: Client, argv: string[]): void {
  const h = asHash(c, c.db.lookupRead(argv[1]));
  if (h === null) return;
  const r = c.reply;
  r.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const v = h?.get(argv[i]);
    if (v === undefined) r.nullBulk();
    else r.bulk(v);
  }
}

function hlen(c: Client, argv: string[]): void {
  const h = asHash(c, c.db.lookupRead(argv[1]));
  if (h !== null) c.reply.int(h === undefined ? 0 : h.size);
}

function hstrlen(c: Client, argv: string[]): void {
  const h = asHash(c, c.db.lookupRead(argv[1]));
  if (h === null) return;
  const v = h?.get(argv[2]);
  c.reply.int(v === undefined ? 0 : v.length);
}

function hexists(c: Client, argv: string[]): void {
  const h = asHash(c, c.db.lookupRead(argv[1]));
  if (h !== null) c.reply.int(h !== undefined && h.has(argv[2]) ? 1 : 0);
}

const KEYS = 1;
const VALS = 2;

/** genericHgetallCommand(): HKEYS, HVALS, HGETALL (a map in RESP3). */
function getall(c: Client, key: string, what: number): void {
  const h = asHash(c, c.db.lookupRead(key));
  if (h === null) return;
  const r = c.reply;
  const n = h === undefined ? 0 : h.size;
  if (what === (KEYS | VALS)) r.map(n);
  else r.array(n);
  if (h === undefined) return;
  if (what === KEYS) h.forEach((f) => r.bulk(f));
  else if (what === VALS) h.forEach((_f, v) => r.bulk(v));
  else
    h.forEach((f, v) => {
      r.bulk(f);
      r.bulk(v);
    });
}

function hkeys(c: Client, argv: string[]): void {
  getall(c, argv[1], KEYS);
}

function hvals(c: Client, argv: string[]): void {
  getall(c, argv[1], VALS);
}

function hgetall(c: Client, argv: string[]): void {
  getall(c, argv[1], KEYS | VALS);
}

// ---- HRANDFIELD ----------------------------------------------------------------

/** LONG_MAX: the count's range is [-LONG_MAX, LONG_MAX], halved WITHVALUES. */
const LONG_MAX = 9223372036854775807n;
const pair: string[] = ['', ''];

function hrandfield(c: Client, argv: string[]): void {
  const argc = argv.length;
  if (argc >= 3) {
    const l = parseLL(argv[2]);
    if (l === null) return c.error(Err.notInteger);
    if (l === INT64_MIN) return c.error(Err.valueOutOfRangeBetween(-LONG_MAX, LONG_MAX));
    if (argc > 4 || (argc === 4 && !optIs(argv[3], 'withvalues'))) return c.error(Err.syntax);
    const withValues = argc === 4;
    if (withValues && typeof l === 'bigint' && (l < -LONG_MAX / 2n || l > LONG_MAX / 2n)) {
      return c.error(Err.valueOutOfRange);
    }
    return hrandfieldWithCount(c, argv[1], Number(l), withValues);
  }
  const h = asHash(c, c.db.lookupRead(argv[1]));
  if (h === null) return;
  if (h === undefined) return c.reply.nullBulk();
  h.randomEntry(pair);
  c.reply.bulk(pair[0]);
}

function hrandfieldWithCount(c: Client, key: string, l: number, withValues: boolean): void {
  const h = asHash(c, c.db.lookupRead(key));
  if (h === null) return;
  const r = c.reply;
  if (h === undefined || l === 0) return r.array(0);
  const resp3 = r.proto === 3;
  const size = h.size;
  const count = Math.abs(l);
  // Repeats allowed (negative count), or a single field: independent picks.
  if (l < 0 || count === 1) {
    r.array(withValues && !resp3 ? count * 2 : count);
    for (let i = 0; i < count; i++) {
      h.randomEntry(pair);
      if (withValues && resp3) r.array(2);
      r.bulk(pair[0]);
      if (withValues) r.bulk(pair[1]);
    }
    return;
  }
  const n = Math.min(count, size);
  r.array(withValues && !resp3 ? n * 2 : n);
  const emit = (f: string, v: string): void => {
    if (withValues && resp3) r.array(2);
    r.bulk(f);
    if (withValues) r.bulk(v);
  };
  // Asking for the whole hash or more: all of it, in order.
  if (count >= size) return h.forEach(emit);
  const picked = h.randomDistinct(count);
  for (let i = 0; i < picked.length; i += 2) emit(picked[i], picked[i + 1]);
}

// ---- HSCAN ------------------------------------------------------------------------

function hscan(c: Client, argv: string[]): void {
  const cursor = parseCursor(argv[2]);
  if (cursor === null) return c.error(Err.invalidCursor);
  const h = asHash(c, c.db.lookupRead(argv[1]));
  if (h === null) return;
  if (h === undefined) return replyEmptyScan(c);
  const opts = parseScanOptions(c, argv);
  if (opts === null) return;
  const { count, match } = opts;
  const r = c.reply;
  const out: string[] = [];
  const next = h.scan(cursor, count, out);
  let n = out.length;
  if (match !== null) {
    n = 0;
    for (let i = 0; i < out.length; i += 2) {
      if (match(out[i])) {
        out[n++] = out[i];
        out[n++] = out[i + 1];
      }
    }
  }
  r.array(2);
  r.bulk(String(next));
  r.array(n);
  for (let i = 0; i < n; i++) r.bulk(out[i]);
}

export const hashCommands: CommandSpec[] = [
  { name: 'hset', handler: hset },
  { name: 'hmset', handler: hset },
  { name: 'hsetnx', handler: hsetnx },
  { name: 'hget', handler: hget },
  { name: 'hmget', handler: hmget },
  { name: 'hgetall', handler: hgetall },
  { name: 'hkeys', handler: hkeys },
  { name: 'hvals', handler: hvals },
  { name: 'hlen', handler: hlen },
  { name: 'hstrlen', handler: hstrlen },
  { name: 'hexists', handler: hexists },
  { name: 'hdel', handler: hdel },
  { name: 'hincrby', handler: hincrby },
  { name: 'hincrbyfloat', handler: hincrbyfloat },
  { name: 'hrandfield', handler: hrandfield },
  { name: 'hscan', handler: hscan },
];
