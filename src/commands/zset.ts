/**
 * Sorted set commands, with Redis 7.0's replies, errors, keyspace events and
 * propagation (t_zset.c): ZADD ZINCRBY ZREM ZCARD ZSCORE ZMSCORE ZRANK
 * ZREVRANK ZREMRANGEBYRANK/SCORE/LEX ZPOPMIN ZPOPMAX ZMPOP ZRANDMEMBER ZSCAN,
 * plus the range commands (zset-range.ts) and the set operations
 * (zset-store.ts).
 */
import type { CommandSpec } from '../server/command';
import type { Client } from '../server/client';
import { parseScanOptions, removeMembers, replyEmptyScan } from './collection';
import { Err } from '../protocol/errors';
import { Db, Notify } from '../store/keyspace';
import { BlockedOp, parseTimeout } from '../server/blocking';
import {
  ZADD_IN_GT,
  ZADD_IN_INCR,
  ZADD_IN_LT,
  ZADD_IN_NX,
  ZADD_IN_XX,
  ZADD_OUT_ADDED,
  ZADD_OUT_NAN,
  ZADD_OUT_NOP,
  ZADD_OUT_UPDATED,
  ZSet,
  listpackScoreString,
} from '../store/zset';
import { parseCursor } from '../store/scan';
import { formatDouble, toDouble, toInt64, toSafeInt } from '../util/numbers';
import { compileGlob, isMatchAll } from '../util/glob';
import {
  asZset,
  deleteEmptied,
  longArg,
  newLexRange,
  newScoreRange,
  optIs,
  parseLexRange,
  parseLong,
  parseScoreRange,
  zsetLimits,
} from './zset-common';
import { zsetRangeHandlers as R } from './zset-range';
import { zsetStoreHandlers as S } from './zset-store';

// ---- ZADD / ZINCRBY ------------------------------------------------------------

/** Scores of the pairs being added (reused). */
const scores: number[] = [];

/** zaddGenericCommand(): ZADD, or ZINCRBY with flags = ZADD_IN_INCR. */
function zaddGeneric(c: Client, argv: string[], flags: number): void {
  const argc = argv.length;
  let ch = false;
  let idx = 2;
  for (; idx < argc; idx++) {
    const o = argv[idx];
    if (optIs(o, 'nx')) flags |= ZADD_IN_NX;
    else if (optIs(o, 'xx')) flags |= ZADD_IN_XX;
    else if (optIs(o, 'ch')) ch = true;
    else if (optIs(o, 'incr')) flags |= ZADD_IN_INCR;
    else if (optIs(o, 'gt')) flags |= ZADD_IN_GT;
    else if (optIs(o, 'lt')) flags |= ZADD_IN_LT;
    else break;
  }
  const incr = (flags & ZADD_IN_INCR) !== 0;
  const nx = (flags & ZADD_IN_NX) !== 0;
  const xx = (flags & ZADD_IN_XX) !== 0;
  const gt = (flags & ZADD_IN_GT) !== 0;
  const lt = (flags & ZADD_IN_LT) !== 0;
  const rest = argc - idx;
  if (rest % 2 !== 0 || rest === 0) return c.error(Err.syntax);
  const elements = rest / 2;
  if (nx && xx) return c.error(Err.zXxNx);
  if ((gt && nx) || (lt && nx) || (gt && lt)) return c.error(Err.zGtLtNx);
  if (incr && elements > 1) return c.error(Err.zIncrPair);
  // every score is checked before anything changes
  scores.length = elements;
  for (let j = 0; j < elements; j++) {
    const d = toDouble(argv[idx + j * 2]);
    if (d === null) return c.error(Err.notFloat);
    scores[j] = d;
  }

  const db = c.db;
  const key = argv[1];
  let z = asZset(c, db.lookup(key));
  if (z === null) return;
  let added = 0;
  let updated = 0;
  let processed = 0;
  let score = 0;
  if (z === undefined && !xx) {
    z = new ZSet();
    db.setKey(key, z);
  }
  if (z !== undefined) {
    const limits = zsetLimits(c);
    for (let j = 0; j < elements; j++) {
      const out = z.add(scores[j], argv[idx + 1 + j * 2], flags, limits);
      if (out & ZADD_OUT_NAN) {
        c.error(Err.zNan); // only with INCR, so a single pair: nothing was changed
        return;
      }
      if (out & ZADD_OUT_ADDED) added++;
      if (out & ZADD_OUT_UPDATED) updated++;
      if (!(out & ZADD_OUT_NOP)) processed++;
      score = z.newScore;
    }
  }
  if (incr) {
    if (processed) c.reply.double(score);
    else c.reply.nullBulk();
  } else {
    c.reply.int(ch ? added + updated : added);
  }
  if (added || updated) db.written(key, incr ? 'zincr' : 'zadd', Notify.zset, added + updated);
}

function zadd(c: Client, argv: string[]): void {
  zaddGeneric(c, argv, 0);
}

function zincrby(c: Client, argv: string[]): void {
  zaddGeneric(c, argv, ZADD_IN_INCR);
}

// ---- ZREM / ZREMRANGEBY* --------------------------------------------------------

function zrem(c: Client, argv: string[]): void {
  const db = c.db;
  const key = argv[1];
  const z = asZset(c, db.lookup(key));
  if (z === null) return;
  if (z === undefined) return c.reply.int(0);
  removeMembers(c, key, argv, 2, (m) => z.remove(m), () => z.length === 0, 'zrem', Notify.zset);
}

const RANGE_RANK = 0;
const RANGE_SCORE = 1;
const RANGE_LEX = 2;
const EVENTS = ['zremrangebyrank', 'zremrangebyscore', 'zremrangebylex'];
const scoreRange = newScoreRange();
const lexRange = newLexRange();

/** zremrangeGenericCommand(). */
function zremrangeGeneric(c: Client, argv: string[], type: number): void {
  let start = 0;
  let end = 0;
  if (type === RANGE_RANK) {
    const s = longArg(c, argv[2]);
    if (s === null) return;
    const e = longArg(c, argv[3]);
    if (e === null) return;
    start = s;
    end = e;
  } else if (type === RANGE_SCORE) {
    if (!parseScoreRange(argv[2], argv[3], scoreRange)) return c.error(Err.zMinMaxNotFloat);
  } else if (!parseLexRange(argv[2], argv[3], lexRange)) {
    return c.error(Err.zMinMaxNotString);
  }
  const db = c.db;
  const key = argv[1];
  const z = asZset(c, db.lookup(key));
  if (z === null) return;
  if (z === undefined) return c.reply.int(0);
  const sl = z.sl;
  let deleted: number;
  if (type === RANGE_RANK) {
    const llen = z.length;
    if (start < 0) start = llen + start;
    if (end < 0) end = llen + end;
    if (start < 0) start = 0;
    if (start > end || start >= llen) return c.reply.int(0);
    if (end >= llen) end = llen - 1;
    deleted = sl.deleteRangeByRank(start + 1, end + 1, z.forget);
  } else if (type === RANGE_SCORE) {
    deleted = sl.deleteRangeByScore(scoreRange, z.forget);
  } else if (z.listpack) {
    deleted = sl.deleteRangeByLexLinear(lexRange, z.forget);
  } else {
    deleted = sl.deleteRangeByLex(lexRange, z.forget);
  }
  if (deleted) {
    db.written(key, EVENTS[type], Notify.zset, deleted);
    if (z.length === 0) deleteEmptied(db, key);
    else if (sl.sparse) z.compact();
  }
  c.reply.int(deleted);
}

function zremrangebyrank(c: Client, argv: string[]): void {
  zremrangeGeneric(c, argv, RANGE_RANK);
}

function zremrangebyscore(c: Client, argv: string[]): void {
  zremrangeGeneric(c, argv, RANGE_SCORE);
}

function zremrangebylex(c: Client, argv: string[]): void {
  zremrangeGeneric(c, argv, RANGE_LEX);
}

// ---- ZCARD / ZSCORE / ZMSCORE / ZRANK ---------------------------------------------

function zcard(c: Client, argv: string[]): void {
  const z = asZset(c, c.db.lookupRead(argv[1]));
  if (z !== null) c.reply.int(z === undefined ? 0 : z.length);
}

function zscore(c: Client, argv: string[]): void {
  const z = asZset(c, c.db.lookupRead(argv[1]));
  if (z === null) return;
  const s = z === undefined ? undefined : z.score(argv[2]);
  if (s === undefined) c.reply.nullBulk();
  else c.reply.double(s);
}

function zmscore(c: Client, argv: string[]): void {
  const z = asZset(c, c.db.lookupRead(argv[1]));
  if (z === null) return;
  c.reply.array(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const s = z === undefined ? undefined : z.score(argv[j]);
    if (s === undefined) c.reply.nullBulk();
    else c.reply.double(s);
  }
}

function zrankGeneric(c: Client, argv: string[], reverse: boolean): void {
  const z = asZset(c, c.db.lookupRead(argv[1]));
  if (z === null) return;
  const r = z === undefined ? -1 : z.rank(argv[2], reverse);
  if (r < 0) c.reply.nullBulk();
  else c.reply.int(r);
}

function zrank(c: Client, argv: string[]): void {
  zrankGeneric(c, argv, false);
}

function zrevrank(c: Client, argv: string[]): void {
  zrankGeneric(c, argv, true);
}

// ---- ZPOPMIN / ZPOPMAX / ZMPOP -----------------------------------------------------

/**
 * genericZpopCommand(): pop up to `count` members (-1: one, flat reply) from
 * the lowest (or highest, `max`) end of the first existing key among
 * argv[first..first+numkeys). `emitKey` prefixes the key (BZPOP*, ZMPOP),
 * `nested` replies [member, score] pairs, `nilWhenEmpty` replies a null
 * array instead of an empty one when no key exists. Returns the key popped
 * from and how many members were popped, or null (nothing popped, or an
 * error was replied).
 */
export function zpopGeneric(
  c: Client,
  db: Db,
  argv: readonly string[],
  first: number,
  numkeys: number,
  max: boolean,
  emitKey: boolean,
  count: number,
  nested: boolean,
  nilWhenEmpty: boolean,
): { key: string; popped: number } | null {
  let key = '';
  let z: ZSet | undefined;
  for (let i = 0; i < numkeys; i++) {
    key = argv[first + i];
    const found = asZset(c, db.lookup(key));
    if (found === null) return null;
    if (found !== undefined) {
      z = found;
      break;
    }
  }
  const r = c.reply;
  if (z === undefined) {
    if (nilWhenEmpty) r.nullArray();
    else r.array(0);
    return null;
  }
  if (count === 0) {
    r.array(0);
    return null;
  }
  if (count === -1) count = 1;
  const n = Math.min(count, z.length);
  if (!nested && !emitKey) {
    r.array(n * 2);
  } else if (nested && !emitKey) {
    r.array(n);
  } else if (!nested && emitKey) {
    r.array(n * 2 + 1);
    r.bulk(key);
  } else {
    r.array(2);
    r.bulk(key);
    r.array(n);
  }
  for (let i = 0; i < n; i++) {
    const sl = z.sl; // (a removal may compact the set into a new list)
    const node = max ? sl.tail : sl.first;
    const ele = sl.ele(node);
    const score = sl.score(node);
    z.remove(ele);
    if (nested) r.array(2);
    r.bulk(ele);
    r.double(score);
  }
  db.written(key, max ? 'zpopmax' : 'zpopmin', Notify.zset, n);
  if (z.length === 0) deleteEmptied(db, key);
  return { key, popped: n };
}

/**
 * The ZPOPMIN/ZPOPMAX form a ZMPOP or blocking pop is propagated as: without
 * COUNT for BZPOPMIN/BZPOPMAX (count -1), else with the number of members
 * popped (Redis's `count > llen ? llen : count`), not the COUNT asked.
 */
function popArgv(max: boolean, key: string, count: number, popped: number): string[] {
  const name = max ? 'ZPOPMAX' : 'ZPOPMIN';
  return count === -1 ? [name, key] : [name, key, String(popped)];
}

/** ZPOPMIN/ZPOPMAX key [count]. */
function zpopMinMax(c: Client, argv: string[], max: boolean): void {
  if (argv.length > 3) return c.error(Err.syntax);
  let count = -1;
  if (argv.length === 3) {
    const v = parseLong(argv[2]);
    if (v === null || v < 0) return c.error(Err.zMustBePositive);
    count = v;
  }
  zpopGeneric(c, c.db, argv, 1, 1, max, false, count, c.reply.proto > 2 && count !== -1, false);
}

function zpopmin(c: Client, argv: string[]): void {
  zpopMinMax(c, argv, false);
}

function zpopmax(c: Client, argv: string[]): void {
  zpopMinMax(c, argv, true);
}

/**
 * ZMPOP's arguments from argv[numkeysIdx]: numkeys, keys, MIN|MAX [COUNT n].
 * Returns null after replying an error. (BZMPOP shares this.)
 */
export function parseZmpop(c: Client, argv: string[], numkeysIdx: number): { numkeys: number; max: boolean; count: number } | null {
  const numkeys = parseLong(argv[numkeysIdx]);
  if (numkeys === null || numkeys < 1) {
    c.error(Err.zNumkeys);
    return null;
  }
  const whereIdx = numkeysIdx + numkeys + 1;
  if (whereIdx >= argv.length) {
    c.error(Err.syntax);
    return null;
  }
  let max: boolean;
  if (optIs(argv[whereIdx], 'min')) max = false;
  else if (optIs(argv[whereIdx], 'max')) max = true;
  else {
    c.error(Err.syntax);
    return null;
  }
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    if (count === -1 && j + 1 < argv.length && optIs(argv[j], 'count')) {
      const v = parseLong(argv[++j]);
      if (v === null || v < 1) {
        c.error(Err.zCount);
        return null;
      }
      count = v;
    } else {
      c.error(Err.syntax);
      return null;
    }
  }
  return { numkeys, max, count: count === -1 ? 1 : count };
}

function zmpop(c: Client, argv: string[]): void {
  const p = parseZmpop(c, argv, 1);
  if (p === null) return;
  const done = zpopGeneric(c, c.db, argv, 2, p.numkeys, p.max, true, p.count, true, true);
  if (done !== null) c.rewriteArgv(popArgv(p.max, done.key, p.count, done.popped));
}

// ---- BZPOPMIN / BZPOPMAX / BZMPOP ----------------------------------------------------

/** A client blocked by BZPOPMIN/BZPOPMAX (count -1) or BZMPOP. */
class BlockedZpop implements BlockedOp {
  readonly type = 'zset' as const;
  constructor(
    private readonly max: boolean,
    private readonly count: number,
  ) {}

  serve(c: Client, db: Db, key: string): boolean {
    // serveClientsBlockedOnSortedSetKey(): BZMPOP replies nested pairs
    const done = zpopGeneric(c, db, [key], 0, 1, this.max, true, this.count, this.count !== -1, false);
    if (done !== null) c.server.propagate(db.id, popArgv(this.max, key, this.count, done.popped));
    return true;
  }
}

/**
 * blockingGenericZpopCommand(): pop like the non-blocking form from the
 * first existing key of argv[first..first+numkeys) (propagated as
 * ZPOPMIN/ZPOPMAX), else block on them all.
 */
function blockingZpop(c: Client, argv: string[], first: number, numkeys: number, max: boolean, timeoutArg: string, count: number): void {
  const deadline = parseTimeout(c, timeoutArg);
  if (deadline === null) return;
  const db = c.db;
  for (let j = first; j < first + numkeys; j++) {
    const z = asZset(c, db.lookup(argv[j]));
    if (z === null) return;
    if (z === undefined) continue;
    const done = zpopGeneric(c, db, argv, j, 1, max, true, count, count !== -1, true);
    if (done !== null) c.rewriteArgv(popArgv(max, argv[j], count, done.popped));
    return;
  }
  // not allowed to block (MULTI, scripts): as if the timeout expired at once
  if (c.denyBlocking) return c.reply.nullArray();
  c.server.blocking.block(c, argv.slice(first, first + numkeys), deadline, new BlockedZpop(max, count));
}

function bzpopmin(c: Client, argv: string[]): void {
  blockingZpop(c, argv, 1, argv.length - 2, false, argv[argv.length - 1], -1);
}

function bzpopmax(c: Client, argv: string[]): void {
  blockingZpop(c, argv, 1, argv.length - 2, true, argv[argv.length - 1], -1);
}

function bzmpop(c: Client, argv: string[]): void {
  const p = parseZmpop(c, argv, 2);
  if (p === null) return;
  blockingZpop(c, argv, 3, p.numkeys, p.max, argv[1], p.count);
}

// ---- ZRANDMEMBER -------------------------------------------------------------------

const LONG_MAX_HALF = 4611686018427387903n;

/** A node picked uniformly at random. */
function randomNode(z: ZSet): number {
  return z.sl.byRank(1 + Math.floor(Math.random() * z.length));
}

function replyMember(c: Client, z: ZSet, n: number, withscores: boolean, resp3: boolean): void {
  if (withscores && resp3) c.reply.array(2);
  c.reply.bulk(z.sl.ele(n));
  if (withscores) c.reply.double(z.sl.score(n));
}

/** zrandmemberWithCountCommand(). */
function zrandmemberCount(c: Client, z: ZSet, l: number, withscores: boolean): void {
  const r = c.reply;
  const resp3 = r.proto > 2;
  const uniq = l >= 0;
  const count = uniq ? l : -l;
  const size = z.length;
  if (count === 0) return r.array(0);
  if (!uniq || count === 1) {
    // members sampled independently (repetitions allowed), in random order
    r.array(withscores && !resp3 ? count * 2 : count);
    for (let i = 0; i < count; i++) replyMember(c, z, randomNode(z), withscores, resp3);
    return;
  }
  const n = Math.min(count, size);
  r.array(withscores && !resp3 ? n * 2 : n);
  if (count >= size) {
    // the whole set, walked as zuiNext() does: from the highest score down
    for (let node = z.sl.tail; node !== 0; node = z.sl.prev(node)) replyMember(c, z, node, withscores, resp3);
    return;
  }
  // distinct members in no particular order (Redis: its dict's order)
  if (count * 3 > size) {
    // most of the set: shuffle the first `count` places of all the nodes
    const all = new Array<number>(size);
    let i = 0;
    for (let node = z.sl.first; node !== 0; node = z.sl.next(node)) all[i++] = node;
    for (let k = 0; k < count; k++) {
      const j = k + Math.floor(Math.random() * (size - k));
      const t = all[k];
      all[k] = all[j];
      all[j] = t;
      replyMember(c, z, all[k], withscores, resp3);
    }
    return;
  }
  const picked = new Set<number>();
  while (picked.size < count) {
    const rank = 1 + Math.floor(Math.random() * size);
    if (picked.has(rank)) continue;
    picked.add(rank);
    replyMember(c, z, z.sl.byRank(rank), withscores, resp3);
  }
}

function zrandmember(c: Client, argv: string[]): void {
  const argc = argv.length;
  if (argc >= 3) {
    const s = argv[2];
    let l = toSafeInt(s);
    let big: bigint | null = null;
    if (l === null) {
      big = toInt64(s);
      if (big === null) return c.error(Err.notInteger);
      if (big < -9223372036854775807n) return c.error(Err.zRandCountRange);
      l = Number(big);
    }
    const withscores = argc === 4 && optIs(argv[3], 'withscores');
    if (argc > 4 || (argc === 4 && !withscores)) return c.error(Err.syntax);
    if (withscores && big !== null && (big < -LONG_MAX_HALF || big > LONG_MAX_HALF)) return c.error(Err.zOutOfRange);
    const z = asZset(c, c.db.lookupRead(argv[1]));
    if (z === null) return;
    if (z === undefined) return c.reply.array(0);
    return zrandmemberCount(c, z, l, withscores);
  }
  const z = asZset(c, c.db.lookupRead(argv[1]));
  if (z === null) return;
  if (z === undefined) return c.reply.nullBulk();
  c.reply.bulk(z.sl.ele(randomNode(z)));
}

// ---- ZSCAN -------------------------------------------------------------------------

function zscan(c: Client, argv: string[]): void {
  const cursor = parseCursor(argv[2]);
  if (cursor === null) return c.error(Err.invalidCursor);
  const z = asZset(c, c.db.lookupRead(argv[1]));
  if (z === null) return;
  if (z === undefined) return replyEmptyScan(c);
  const opts = parseScanOptions(c, argv);
  if (opts === null) return;
  const { count, match } = opts;
  const r = c.reply;
  const out: string[] = [];
  let next = 0;
  if (z.listpack) {
    // a listpack is returned whole, with its scores as stored
    const sl = z.sl;
    for (let n = sl.first; n !== 0; n = sl.next(n)) {
      const e = sl.ele(n);
      if (match !== null && !match(e)) continue;
      out.push(e, listpackScoreString(sl.score(n), formatDouble));
    }
  } else {
    const members: string[] = [];
    next = z.scanStep(cursor, count, members);
    for (const m of members) {
      if (match !== null && !match(m)) continue;
      out.push(m, formatDouble(z.score(m)!));
    }
  }
  r.array(2);
  r.bulk(String(next));
  r.bulks(out);
}

export const zsetCommands: CommandSpec[] = [
  { name: 'zadd', handler: zadd },
  { name: 'zincrby', handler: zincrby },
  { name: 'zrem', handler: zrem },
  { name: 'zremrangebyrank', handler: zremrangebyrank },
  { name: 'zremrangebyscore', handler: zremrangebyscore },
  { name: 'zremrangebylex', handler: zremrangebylex },
  { name: 'zcard', handler: zcard },
  { name: 'zscore', handler: zscore },
  { name: 'zmscore', handler: zmscore },
  { name: 'zrank', handler: zrank },
  { name: 'zrevrank', handler: zrevrank },
  { name: 'zpopmin', handler: zpopmin },
  { name: 'zpopmax', handler: zpopmax },
  { name: 'zmpop', handler: zmpop },
  { name: 'bzpopmin', handler: bzpopmin },
  { name: 'bzpopmax', handler: bzpopmax },
  { name: 'bzmpop', handler: bzmpop },
  { name: 'zrandmember', handler: zrandmember },
  { name: 'zscan', handler: zscan },
  { name: 'zcount', handler: R.zcount },
  { name: 'zlexcount', handler: R.zlexcount },
  { name: 'zrange', handler: R.zrange },
  { name: 'zrangestore', handler: R.zrangestore },
  { name: 'zrevrange', handler: R.zrevrange },
  { name: 'zrangebyscore', handler: R.zrangebyscore },
  { name: 'zrevrangebyscore', handler: R.zrevrangebyscore },
  { name: 'zrangebylex', handler: R.zrangebylex },
  { name: 'zrevrangebylex', handler: R.zrevrangebylex },
  { name: 'zunion', handler: S.zunion },
  { name: 'zinter', handler: S.zinter },
  { name: 'zdiff', handler: S.zdiff },
  { name: 'zunionstore', handler: S.zunionstore },
  { name: 'zinterstore', handler: S.zinterstore },
  { name: 'zdiffstore', handler: S.zdiffstore },
  { name: 'zintercard', handler: S.zintercard },
];
