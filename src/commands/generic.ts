/**
 * Generic keyspace commands: DEL, EXISTS, TYPE, KEYS, SCAN, RENAME, MOVE,
 * COPY, SWAPDB, FLUSHDB/FLUSHALL, OBJECT, the EXPIRE family, TTL...
 * Replies, errors, keyspace events and propagation follow Redis 7.0's db.c,
 * expire.c and object.c.
 */
import type { CommandSpec } from '../server/command';
import type { Client } from '../server/client';
import { clock } from '../server/clock';
import { Err } from '../protocol/errors';
import { Db, Notify } from '../store/keyspace';
import { Value, typeOf, encodingOf, sharedIntOf } from '../store/value';
import { lfuDecrAndReturn, lruIdleSeconds } from '../store/lfu';
import { parseCursor, scanKeys, resetScans } from '../store/scan';
import { dupValue } from '../store/dup';
import { deleteKey, emptyDbs, flushMode } from '../memory/lazyfree';
import { toSafeInt, toInt64, INT64_MAX } from '../util/numbers';
import { compileGlob, isMatchAll } from '../util/glob';

// ---- helpers ---------------------------------------------------------------

/**
 * getIntFromObjectOrReply(): a canonical integer within C int range. Replies
 * with `msg` (or Redis's default errors) and returns null otherwise.
 */
function intArg(c: Client, s: string, msg?: string): number | null {
  const v = toSafeInt(s);
  if (v !== null && v >= -2147483648 && v <= 2147483647) return v;
  if (msg !== undefined) c.error(msg);
  else c.error(v === null && toInt64(s) === null ? Err.notInteger : Err.intOutOfRange);
  return null;
}


/** The key's expire if logically passed, without deleting it (keyIsExpired). */
function isExpired(db: Db, key: string, now: number): boolean {
  if (db.expires.size === 0) return false;
  const e = db.getExpire(key);
  return e !== -1 && e <= now;
}

// ---- DEL / UNLINK / EXISTS / TYPE / TOUCH -----------------------------------

/**
 * delGenericCommand(): DEL frees as lazyfree-lazy-user-del says, UNLINK
 * always lazily (memory/lazyfree.ts: both are O(1) here, they differ in
 * Redis's counters).
 */
function delGeneric(c: Client, argv: string[], async: boolean): void {
  const db = c.db;
  const srv = c.server;
  let n = 0;
  for (let i = 1; i < argv.length; i++) {
    if (deleteKey(srv, db, argv[i], async)) {
      db.written(argv[i], 'del', Notify.generic);
      n++;
    }
  }
  c.reply.int(n);
}

function del(c: Client, argv: string[]): void {
  delGeneric(c, argv, c.server.settings.lazyfreeLazyUserDel);
}

function unlink(c: Client, argv: string[]): void {
  delGeneric(c, argv, true);
}

/** EXISTS: count keys found, with keyspace hit/miss stats; not an access (LOOKUP_NOTOUCH). */
function exists(c: Client, argv: string[]): void {
  const db = c.db;
  let n = 0;
  for (let i = 1; i < argv.length; i++) if (db.lookupReadNoTouch(argv[i]) !== undefined) n++;
  c.reply.int(n);
}

/** TOUCH: EXISTS that counts as an access of each key. */
function touch(c: Client, argv: string[]): void {
  const db = c.db;
  let n = 0;
  for (let i = 1; i < argv.length; i++) if (db.lookupRead(argv[i]) !== undefined) n++;
  c.reply.int(n);
}

function type(c: Client, argv: string[]): void {
  const v = c.db.lookupReadNoTouch(argv[1]);
  c.reply.status(v === undefined ? 'none' : typeOf(v));
}

// ---- KEYS / SCAN / RANDOMKEY / DBSIZE ---------------------------------------

function keys(c: Client, argv: string[]): void {
  const db = c.db;
  const match = isMatchAll(argv[1]) ? null : compileGlob(argv[1]);
  const now = clock.ms;
  const out: string[] = [];
  for (const k of db.dict.keys()) {
    if (match !== null && !match(k)) continue;
    if (isExpired(db, k, now)) continue; // skipped, not deleted, as in Redis
    out.push(k);
  }
  c.reply.bulks(out);
}

function scan(c: Client, argv: string[]): void {
  const cursor = parseCursor(argv[1]);
  if (cursor === null) return c.error(Err.invalidCursor);
  let count = 10;
  let match: ((s: string) => boolean) | null = null;
  let typeName: string | null = null;
  for (let i = 2; i < argv.length; i += 2) {
    const opt = argv[i].toLowerCase();
    const hasArg = argv.length - i >= 2;
    if (opt === 'count' && hasArg) {
      let n = toSafeInt(argv[i + 1]);
      if (n === null) {
        const big = toInt64(argv[i + 1]);
        if (big === null) return c.error(Err.notInteger);
        n = big > 0n ? Number.MAX_SAFE_INTEGER : -1;
      }
      if (n < 1) return c.error(Err.syntax);
      count = n;
    } else if (opt === 'match' && hasArg) {
      match = isMatchAll(argv[i + 1]) ? null : compileGlob(argv[i + 1]);
    } else if (opt === 'type' && hasArg) {
      typeName = argv[i + 1].toLowerCase();
    } else {
      return c.error(Err.syntax);
    }
  }
  const db = c.db;
  const page = scanKeys(db, cursor, count);
  const out: string[] = [];
  for (const k of page.keys) {
    if (match !== null && !match(k)) continue;
    if (typeName !== null) {
      // Redis looks the key up for its type (counting hits/misses, possibly
      // expiring it, LOOKUP_NOTOUCH) before the expiry filter below.
      const v = db.lookupReadNoTouch(k);
      if ((v === undefined ? 'none' : typeOf(v)) !== typeName) continue;
    }
    if (db.expireIfNeeded(k)) continue;
    out.push(k);
  }
  c.reply.array(2);
  c.reply.bulk(String(page.cursor));
  c.reply.bulks(out);
}

function randomkey(c: Client): void {
  const k = c.db.randomKey();
  if (k === undefined) c.reply.nullBulk();
  else c.reply.bulk(k);
}

function dbsize(c: Client): void {
  c.reply.int(c.db.size);
}

// ---- RENAME / MOVE / COPY / SWAPDB ------------------------------------------

function renameGeneric(c: Client, argv: string[], nx: boolean): void {
  const db = c.db;
  const src = argv[1];
  const dst = argv[2];
  const v = db.lookup(src);
  if (v === undefined) return c.error(Err.noSuchKey);
  if (src === dst) return nx ? c.reply.int(0) : c.reply.ok();
  const expire = db.getExpireExact(src);
  if (db.lookup(dst) !== undefined) {
    if (nx) return c.reply.int(0);
    db.delete(dst);
  }
  db.setKeyMoved(dst, v, db, src);
  if (expire !== -1) db.setExpire(dst, expire);
  db.delete(src);
  db.written(src, 'rename_from', Notify.generic);
  db.written(dst, 'rename_to', Notify.generic, 0);
  if (nx) c.reply.int(1);
  else c.reply.ok();
}

function rename(c: Client, argv: string[]): void {
  renameGeneric(c, argv, false);
}

function renamenx(c: Client, argv: string[]): void {
  renameGeneric(c, argv, true);
}

function move(c: Client, argv: string[]): void {
  const key = argv[1];
  const dbid = intArg(c, argv[2]);
  if (dbid === null) return;
  const dbs = c.server.keyspace.dbs;
  if (dbid < 0 || dbid >= dbs.length) return c.error(Err.dbIndex);
  const src = c.db;
  const dst = dbs[dbid];
  if (src === dst) return c.error(Err.sameObject);
  const v = src.lookup(key);
  if (v === undefined) return c.reply.int(0);
  const expire = src.getExpireExact(key);
  if (dst.lookup(key) !== undefined) return c.reply.int(0);
  dst.setKeyMoved(key, v, src, key);
  if (expire !== -1) dst.setExpire(key, expire);
  src.delete(key);
  src.written(key, 'move_from', Notify.generic);
  dst.written(key, 'move_to', Notify.generic, 0);
  c.reply.int(1);
}

function copy(c: Client, argv: string[]): void {
  const dbs = c.server.keyspace.dbs;
  const src = c.db;
  let dst = c.db;
  let replace = false;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    if (opt === 'replace') {
      replace = true;
    } else if (opt === 'db' && j + 1 < argv.length) {
      const id = intArg(c, argv[j + 1]);
      if (id === null) return;
      if (id < 0 || id >= dbs.length) return c.error(Err.dbIndex);
      dst = dbs[id];
      j++;
    } else {
      return c.error(Err.syntax);
    }
  }
  const key = argv[1];
  const newkey = argv[2];
  if (src === dst && key === newkey) return c.error(Err.sameObject);
  const v = src.lookupRead(key);
  if (v === undefined) return c.reply.int(0);
  const expire = src.getExpireExact(key);
  let replacing = false;
  if (dst.lookup(newkey) !== undefined) {
    if (!replace) return c.reply.int(0);
    replacing = true;
  }
  const copied: Value = dupValue(v);
  if (replacing) dst.delete(newkey);
  dst.setKey(newkey, copied);
  if (expire !== -1) dst.setExpire(newkey, expire);
  dst.written(newkey, 'copy_to', Notify.generic);
  c.reply.int(1);
}

function swapdb(c: Client, argv: string[]): void {
  const id1 = intArg(c, argv[1], Err.invalidFirstDb);
  if (id1 === null) return;
  const id2 = intArg(c, argv[2], Err.invalidSecondDb);
  if (id2 === null) return;
  const ks = c.server.keyspace;
  const n = ks.dbs.length;
  if (id1 < 0 || id1 >= n || id2 < 0 || id2 >= n) return c.error(Err.dbIndex);
  if (id1 !== id2) {
    ks.dbs[id1].swapWith(ks.dbs[id2]);
    resetScans(ks.dbs[id1]);
    resetScans(ks.dbs[id2]);
  }
  ks.dirty++;
  c.reply.ok();
}

// ---- FLUSHDB / FLUSHALL -----------------------------------------------------

function flushdb(c: Client, argv: string[]): void {
  const async = flushMode(c, argv);
  if (async === null) return;
  const removed = emptyDbs(c.server, [c.db], async);
  resetScans(c.db);
  c.server.keyspace.dirty += removed;
  // Redis forces propagation even when the db was already empty.
  if (removed === 0) c.server.propagate(c.db.id, argv);
  c.reply.ok();
}

function flushall(c: Client, argv: string[]): void {
  const async = flushMode(c, argv);
  if (async === null) return;
  const ks = c.server.keyspace;
  const removed = emptyDbs(c.server, ks.dbs, async);
  for (const db of ks.dbs) resetScans(db);
  // Redis 7.0 counts only the keys removed as changes (no extra one), and
  // forces propagation even when every db was already empty; with save
  // points it then saves the empty dataset (afterFlushAll).
  ks.dirty += removed;
  c.server.afterFlushAll?.();
  // propagated here, whatever dirty says (a save just reset it)
  c.server.propagate(c.db.id, argv);
  c.preventPropagate = true;
  c.reply.ok();
}

// ---- OBJECT -------------------------------------------------------------------

const OBJ_SHARED_REFCOUNT = 2147483647;

/**
 * objectCommandLookup(): counts hits/misses, no keymiss event, not an access
 * (LOOKUP_NOTOUCH|LOOKUP_NONOTIFY); null reply if missing.
 */
function objectLookup(c: Client, key: string): Value | undefined {
  const db = c.db;
  const v = db.peek(key);
  if (v === undefined) {
    db.ks.stats.misses++;
    c.reply.nullBulk();
  } else db.ks.stats.hits++;
  return v;
}

function objectEncoding(c: Client, argv: string[]): void {
  const v = objectLookup(c, argv[2]);
  if (v !== undefined) c.reply.bulk(encodingOf(v));
}

function objectRefcount(c: Client, argv: string[]): void {
  const v = objectLookup(c, argv[2]);
  // The shared integer objects Redis makes at startup (store/value.ts's sharedIntOf).
  if (v !== undefined) c.reply.int(sharedIntOf(v) >= 0 ? OBJ_SHARED_REFCOUNT : 1);
}

function objectIdletime(c: Client, argv: string[]): void {
  const v = objectLookup(c, argv[2]);
  if (v === undefined) return;
  const ks = c.server.keyspace;
  if (ks.lfuPolicy) return c.error(Err.lfuIdleTime);
  c.reply.int(lruIdleSeconds(c.db.accessWord(argv[2], v), clock.ms));
}

function objectFreq(c: Client, argv: string[]): void {
  const v = objectLookup(c, argv[2]);
  if (v === undefined) return;
  const ks = c.server.keyspace;
  if (!ks.lfuPolicy) return c.error(Err.lfuFreq);
  c.reply.int(lfuDecrAndReturn(c.db.accessWord(argv[2], v), clock.ms, ks.lfuDecayTime));
}

const OBJECT_HELP = [
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
  'HELP',
  '    Prints this help.',
];

function objectHelp(c: Client, argv: string[]): void {
  c.reply.array(OBJECT_HELP.length + 1);
  c.reply.status(`${argv[0].toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
  for (const line of OBJECT_HELP) c.reply.status(line);
}

// ---- EXPIRE family ------------------------------------------------------------

const EXPIRE_NX = 1;
const EXPIRE_XX = 2;
const EXPIRE_GT = 4;
const EXPIRE_LT = 8;
/** LLONG_MAX / 1000 and LLONG_MIN / 1000 (C division truncates). */
const MAX_SECONDS = 9223372036854775n;
const MIN_SECONDS = -9223372036854775n;
/** |t| below this keeps t*1000 + now exact in a double. */
const FAST_LIMIT = 2 ** 43;

/** Parsed expire: absolute ms as a number, and exactly (slow path only) for the keyspace and propagation. */
let whenMs = 0;
let whenExact: bigint | null = null;

/**
 * Absolute expire time in ms from the argument, basetime and unit, with
 * Redis's overflow checks. Sets whenMs/whenText; returns an error or null.
 */
function parseWhen(c: Client, arg: string, basetime: number, seconds: boolean): string | null {
  const v = toSafeInt(arg);
  if (v !== null && v < FAST_LIMIT && v > -FAST_LIMIT) {
    whenMs = (seconds ? v * 1000 : v) + basetime;
    whenExact = null;
    return null;
  }
  let b = toInt64(arg);
  if (b === null) return Err.notInteger;
  if (seconds) {
    if (b > MAX_SECONDS || b < MIN_SECONDS) return Err.invalidExpire(c.cmd!.fullname);
    b *= 1000n;
  }
  const base = BigInt(basetime);
  if (b > INT64_MAX - base) return Err.invalidExpire(c.cmd!.fullname);
  b += base;
  whenMs = Number(b);
  whenExact = b;
  return null;
}

function expireGeneric(c: Client, argv: string[], basetime: number, seconds: boolean, isPexpireat: boolean): void {
  let flags = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    if (opt === 'nx') flags |= EXPIRE_NX;
    else if (opt === 'xx') flags |= EXPIRE_XX;
    else if (opt === 'gt') flags |= EXPIRE_GT;
    else if (opt === 'lt') flags |= EXPIRE_LT;
    else return c.error(Err.unsupportedOption(argv[j]));
  }
  if ((flags & EXPIRE_NX) !== 0 && (flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) !== 0) return c.error(Err.expireNxIncompatible);
  if ((flags & EXPIRE_GT) !== 0 && (flags & EXPIRE_LT) !== 0) return c.error(Err.expireGtLtIncompatible);

  const err = parseWhen(c, argv[2], basetime, seconds);
  if (err !== null) return c.error(err);
  const when = whenMs;
  const key = argv[1];
  const db = c.db;
  if (db.lookup(key) === undefined) return c.reply.int(0);

  if (flags !== 0) {
    // exact values (a bigint compares with a number exactly) past 2^53 ms
    const current = db.getExpireExact(key);
    const exact = whenExact ?? when;
    if (flags & EXPIRE_NX && current !== -1) return c.reply.int(0);
    if (flags & EXPIRE_XX && current === -1) return c.reply.int(0);
    // No TTL counts as infinite: GT always fails, LT always passes.
    if (flags & EXPIRE_GT && (current === -1 || exact <= current)) return c.reply.int(0);
    if (flags & EXPIRE_LT && current !== -1 && exact >= current) return c.reply.int(0);
  }

  // checkAlreadyExpired(): a time in the past deletes the key, except on a
  // replica (which waits for the master's DEL).
  if (when <= clock.ms && c.server.expireAllowed()) {
    db.delete(key);
    c.rewriteArgv([c.server.settings.lazyfreeLazyExpire ? 'UNLINK' : 'DEL', key]);
    db.written(key, 'del', Notify.generic);
    return c.reply.int(1);
  }
  db.setExpire(key, whenExact ?? when);
  c.reply.int(1);
  if (!isPexpireat) {
    const rewritten = ['PEXPIREAT', key, String(whenExact ?? when)];
    for (let j = 3; j < argv.length; j++) rewritten.push(argv[j]);
    c.rewriteArgv(rewritten);
  }
  db.written(key, 'expire', Notify.generic);
}

function expire(c: Client, argv: string[]): void {
  expireGeneric(c, argv, clock.ms, true, false);
}

function pexpire(c: Client, argv: string[]): void {
  expireGeneric(c, argv, clock.ms, false, false);
}

function expireat(c: Client, argv: string[]): void {
  expireGeneric(c, argv, 0, true, false);
}

function pexpireat(c: Client, argv: string[]): void {
  expireGeneric(c, argv, 0, false, true);
}

function ttlGeneric(c: Client, argv: string[], ms: boolean, absolute: boolean): void {
  const db = c.db;
  if (db.lookupReadNoTouch(argv[1]) === undefined) return c.reply.int(-2);
  const expireAt = db.getExpireExact(argv[1]);
  if (expireAt === -1) return c.reply.int(-1);
  if (typeof expireAt === 'bigint') {
    // past 2^53 ms: exact long long arithmetic, as Redis's
    let t = absolute ? expireAt : expireAt - BigInt(clock.ms);
    if (t < 0n) t = 0n;
    return c.reply.int(ms ? t : (t + 500n) / 1000n);
  }
  let t = absolute ? expireAt : expireAt - clock.ms;
  if (t < 0) t = 0;
  c.reply.int(ms ? t : Math.floor((t + 500) / 1000));
}

function ttl(c: Client, argv: string[]): void {
  ttlGeneric(c, argv, false, false);
}

function pttl(c: Client, argv: string[]): void {
  ttlGeneric(c, argv, true, false);
}

function expiretime(c: Client, argv: string[]): void {
  ttlGeneric(c, argv, false, true);
}

function pexpiretime(c: Client, argv: string[]): void {
  ttlGeneric(c, argv, true, true);
}

function persist(c: Client, argv: string[]): void {
  const db = c.db;
  const key = argv[1];
  if (db.lookup(key) !== undefined && db.removeExpire(key)) {
    db.written(key, 'persist', Notify.generic);
    c.reply.int(1);
  } else c.reply.int(0);
}

export const genericCommands: CommandSpec[] = [
  { name: 'del', handler: del },
  { name: 'unlink', handler: unlink },
  { name: 'exists', handler: exists },
  { name: 'touch', handler: touch },
  { name: 'type', handler: type },
  { name: 'keys', handler: keys },
  { name: 'scan', handler: scan },
  { name: 'randomkey', handler: randomkey },
  { name: 'dbsize', handler: dbsize },
  { name: 'rename', handler: rename },
  { name: 'renamenx', handler: renamenx },
  { name: 'move', handler: move },
  { name: 'copy', handler: copy },
  { name: 'swapdb', handler: swapdb },
  { name: 'flushdb', handler: flushdb },
  { name: 'flushall', handler: flushall },
  {
    name: 'object',
    subcommands: [
      { name: 'encoding', handler: objectEncoding },
      { name: 'refcount', handler: objectRefcount },
      { name: 'idletime', handler: objectIdletime },
      { name: 'freq', handler: objectFreq },
      { name: 'help', handler: objectHelp },
    ],
  },
  { name: 'expire', handler: expire },
  { name: 'pexpire', handler: pexpire },
  { name: 'expireat', handler: expireat },
  { name: 'pexpireat', handler: pexpireat },
  { name: 'expiretime', handler: expiretime },
  { name: 'pexpiretime', handler: pexpiretime },
  { name: 'ttl', handler: ttl },
  { name: 'pttl', handler: pttl },
  { name: 'persist', handler: persist },
];
