/**
 * List commands, with Redis 7.0's replies, errors (and their precedence),
 * keyspace events and propagation (t_list.c): LPUSH RPUSH LPUSHX RPUSHX
 * LINSERT LLEN LINDEX LSET LPOP RPOP LRANGE LTRIM LPOS LREM LMOVE RPOPLPUSH
 * LMPOP, and the blocking BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP on top of
 * server/blocking.ts.
 *
 * Index arguments are C longs in Redis; here they are read as int64 and
 * clamped to +-(2^53 - 1), which cannot change a result since no list gets
 * that long (LPOS RANK LONG_MIN, whose negation overflows in C, is kept
 * apart).
 */
import type { CommandSpec } from '../server/command';
import type { Client } from '../server/client';
import { BlockedOp, parseTimeout } from '../server/blocking';
import { Err } from '../protocol/errors';
import { Db, Notify } from '../store/keyspace';
import type { Value } from '../store/value';
import { List } from '../store/list';
import { toInt64, toSafeInt } from '../util/numbers';

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

const LONG_MIN = -9223372036854775808n;

/** The list held by v: undefined if v is, null after replying WRONGTYPE. */
function asList(c: Client, v: Value | undefined): List | null | undefined {
  if (v === undefined || v instanceof List) return v;
  c.error(Err.wrongType);
  return null;
}

/** getLongFromObjectOrReply(), clamped to the safe integers; null after replying. */
function longArg(c: Client, s: string, msg: string = Err.notInteger): number | null {
  const n = toSafeInt(s);
  if (n !== null) return n;
  const b = toInt64(s);
  if (b === null) {
    c.error(msg);
    return null;
  }
  return b > 0n ? Number.MAX_SAFE_INTEGER : -Number.MAX_SAFE_INTEGER;
}

/** getPositiveLongFromObjectOrReply() / getRangeLongFromObjectOrReply(min, LONG_MAX) with one message. */
function rangeArg(c: Client, s: string, min: number, msg: string): number | null {
  const n = toSafeInt(s);
  if (n !== null) {
    if (n >= min) return n;
  } else {
    const b = toInt64(s);
    if (b !== null && b > 0n) return Number.MAX_SAFE_INTEGER;
  }
  c.error(msg);
  return null;
}

/**
 * strcasecmp(arg, word) === 0 with a lowercase word: C compares up to the
 * first NUL, so "LEFT\0junk" is LEFT.
 */
function isOpt(arg: string, word: string): boolean {
  const n = word.length;
  if (arg.length < n || (arg.length > n && arg.charCodeAt(n) !== 0)) return false;
  for (let i = 0; i < n; i++) if ((arg.charCodeAt(i) | 32) !== word.charCodeAt(i)) return false;
  return true;
}

/** getListPositionFromObjectOrReply(): LEFT = head (true), RIGHT = tail (false); null after replying. */
function whereArg(c: Client, s: string): boolean | null {
  if (isOpt(s, 'left')) return true;
  if (isOpt(s, 'right')) return false;
  c.error(Err.syntax);
  return null;
}

/** Create the list key (dbAdd: the readiness signal and the "new" event). */
function createList(db: Db, key: string, hint: number): List {
  const list = new List(hint);
  db.setKey(key, list);
  return list;
}

/**
 * listElementsRemoved(): the pop event, then the key is deleted if the list
 * became empty ("del"), counting `count` changes.
 */
function elementsRemoved(db: Db, key: string, list: List, head: boolean, count: number): void {
  db.written(key, head ? 'lpop' : 'rpop', Notify.list, count);
  if (list.length === 0) {
    db.delete(key);
    db.written(key, 'del', Notify.generic, 0);
  }
}

/** addListRangeReply(): elements start..end (already normalised) of list, tail-first if reverse. */
function replyRange(c: Client, list: List, start: number, end: number, reverse: boolean): void {
  const r = c.reply;
  r.array(end - start + 1);
  if (!reverse) for (let i = start; i <= end; i++) r.bulk(list.at(i));
  else for (let i = end; i >= start; i--) r.bulk(list.at(i));
}

/**
 * listPopRangeAndReplyWithKey(): [key, [elements]] popping up to count from
 * one end, with the pop's events.
 */
function popRangeWithKey(c: Client, db: Db, key: string, list: List, head: boolean, count: number): void {
  const n = Math.min(count, list.length);
  c.reply.array(2);
  c.reply.bulk(key);
  if (head) {
    replyRange(c, list, 0, n - 1, false);
    list.removeRange(0, n);
  } else {
    replyRange(c, list, list.length - n, list.length - 1, true);
    list.removeRange(list.length - n, n);
  }
  elementsRemoved(db, key, list, head, n);
}

// ---------------------------------------------------------------------------
// Push / insert / set
// ---------------------------------------------------------------------------

function pushGeneric(c: Client, argv: string[], head: boolean, onlyIfExists: boolean): void {
  const db = c.db;
  const key = argv[1];
  let list = asList(c, db.lookup(key));
  if (list === null) return;
  if (list === undefined) {
    if (onlyIfExists) return c.reply.int(0);
    list = createList(db, key, argv.length - 2);
  }
  if (head) for (let i = 2; i < argv.length; i++) list.pushHead(argv[i]);
  else for (let i = 2; i < argv.length; i++) list.pushTail(argv[i]);
  c.reply.int(list.length);
  db.written(key, head ? 'lpush' : 'rpush', Notify.list, argv.length - 2);
}

function linsert(c: Client, argv: string[]): void {
  let after: boolean;
  if (isOpt(argv[2], 'after')) after = true;
  else if (isOpt(argv[2], 'before')) after = false;
  else return c.error(Err.syntax);
  const db = c.db;
  const list = asList(c, db.lookup(argv[1]));
  if (list === null) return;
  if (list === undefined) return c.reply.int(0);
  const at = list.indexOf(argv[3]);
  if (at < 0) return c.reply.int(-1);
  list.insertAt(after ? at + 1 : at, argv[4]);
  db.written(argv[1], 'linsert', Notify.list);
  c.reply.int(list.length);
}

function lset(c: Client, argv: string[]): void {
  const db = c.db;
  const list = asList(c, db.lookup(argv[1]));
  if (list === null) return;
  if (list === undefined) return c.error(Err.noSuchKey);
  let index = longArg(c, argv[2]);
  if (index === null) return;
  if (index < 0) index += list.length;
  if (index < 0 || index >= list.length) return c.error(Err.outOfRange);
  list.set(index, argv[3]);
  c.reply.ok();
  db.written(argv[1], 'lset', Notify.list);
}

// ---------------------------------------------------------------------------
// Reads
// ---------------------------------------------------------------------------

function llen(c: Client, argv: string[]): void {
  const list = asList(c, c.db.lookupRead(argv[1]));
  if (list === null) return;
  c.reply.int(list === undefined ? 0 : list.length);
}

function lindex(c: Client, argv: string[]): void {
  const list = asList(c, c.db.lookupRead(argv[1]));
  if (list === null) return;
  if (list === undefined) return c.reply.nullBulk();
  let index = longArg(c, argv[2]);
  if (index === null) return;
  if (index < 0) index += list.length;
  if (index < 0 || index >= list.length) return c.reply.nullBulk();
  c.reply.bulk(list.at(index));
}

function lrange(c: Client, argv: string[]): void {
  let start = longArg(c, argv[2]);
  if (start === null) return;
  let end = longArg(c, argv[3]);
  if (end === null) return;
  const list = asList(c, c.db.lookupRead(argv[1]));
  if (list === null) return;
  if (list === undefined) return c.reply.array(0);
  const len = list.length;
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (start > end || start >= len) return c.reply.array(0);
  if (end >= len) end = len - 1;
  replyRange(c, list, start, end, false);
}

function lpos(c: Client, argv: string[]): void {
  const ele = argv[2];
  let rank = 1;
  let rankMin = false; // RANK LONG_MIN: -rank overflows, every match qualifies
  let count = -1; // -1: no COUNT option
  let maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j];
    const more = j + 1 < argv.length;
    if (more && isOpt(opt, 'rank')) {
      const r = longArg(c, argv[++j]);
      if (r === null) return;
      if (r === 0) return c.error(Err.lRankZero);
      rank = r;
      rankMin = r < 0 && toInt64(argv[j]) === LONG_MIN;
    } else if (more && isOpt(opt, 'count')) {
      const n = rangeArg(c, argv[++j], 0, Err.lCountNegative);
      if (n === null) return;
      count = n;
    } else if (more && isOpt(opt, 'maxlen')) {
      const n = rangeArg(c, argv[++j], 0, Err.lMaxlenNegative);
      if (n === null) return;
      maxlen = n;
    } else {
      return c.error(Err.syntax);
    }
  }
  const fromTail = rank < 0;
  if (fromTail) rank = -rank;
  const list = asList(c, c.db.lookupRead(argv[1]));
  if (list === null) return;
  const r = c.reply;
  if (list === undefined) return count !== -1 ? r.array(0) : r.nullBulk();

  const len = list.length;
  const limit = maxlen === 0 ? len : Math.min(maxlen, len);
  let matches = 0;
  if (count === -1) {
    for (let index = 0; index < limit; index++) {
      const pos = fromTail ? len - index - 1 : index;
      if (list.at(pos) === ele && (++matches >= rank || rankMin)) return r.int(pos);
    }
    return r.nullBulk();
  }
  const found: number[] = [];
  for (let index = 0; index < limit; index++) {
    const pos = fromTail ? len - index - 1 : index;
    if (list.at(pos) !== ele) continue;
    matches++;
    if (matches >= rank || rankMin) {
      found.push(pos);
      if (count !== 0 && !rankMin && matches - rank + 1 >= count) break;
    }
  }
  r.array(found.length);
  for (let i = 0; i < found.length; i++) r.int(found[i]);
}

// ---------------------------------------------------------------------------
// Pops / trims / removal
// ---------------------------------------------------------------------------

function popGeneric(c: Client, argv: string[], head: boolean): void {
  if (argv.length > 3) return c.error(Err.arity(c.cmd!.fullname));
  const hasCount = argv.length === 3;
  let count = 0;
  if (hasCount) {
    const n = rangeArg(c, argv[2], 0, Err.lMustBePositive);
    if (n === null) return;
    count = n;
  }
  const db = c.db;
  const key = argv[1];
  const list = asList(c, db.lookup(key));
  if (list === null) return;
  if (list === undefined) return hasCount ? c.reply.nullArray() : c.reply.nullBulk();
  if (hasCount && count === 0) return c.reply.array(0);
  if (!hasCount) {
    c.reply.bulk(head ? list.popHead() : list.popTail());
    return elementsRemoved(db, key, list, head, 1);
  }
  const n = Math.min(count, list.length);
  if (head) {
    replyRange(c, list, 0, n - 1, false);
    list.removeRange(0, n);
  } else {
    replyRange(c, list, list.length - n, list.length - 1, true);
    list.removeRange(list.length - n, n);
  }
  elementsRemoved(db, key, list, head, n);
}

function ltrim(c: Client, argv: string[]): void {
  let start = longArg(c, argv[2]);
  if (start === null) return;
  let end = longArg(c, argv[3]);
  if (end === null) return;
  const db = c.db;
  const key = argv[1];
  const list = asList(c, db.lookup(key));
  if (list === null) return;
  if (list === undefined) return c.reply.ok();
  const len = list.length;
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  let ltrimN: number;
  let rtrimN: number;
  if (start > end || start >= len) {
    ltrimN = len;
    rtrimN = 0;
  } else {
    if (end >= len) end = len - 1;
    ltrimN = start;
    rtrimN = len - end - 1;
  }
  list.removeRange(len - rtrimN, rtrimN);
  list.removeRange(0, ltrimN);
  db.written(key, 'ltrim', Notify.list, ltrimN + rtrimN);
  if (list.length === 0) {
    db.delete(key);
    db.written(key, 'del', Notify.generic, 0);
  }
  c.reply.ok();
}

function lrem(c: Client, argv: string[]): void {
  const n = longArg(c, argv[2]);
  if (n === null) return;
  const db = c.db;
  const key = argv[1];
  const list = asList(c, db.lookup(key));
  if (list === null) return;
  if (list === undefined) return c.reply.int(0);
  const removed = list.removeEqual(argv[3], Math.abs(n), n < 0);
  if (removed !== 0) {
    db.written(key, 'lrem', Notify.list, removed);
    if (list.length === 0) {
      db.delete(key);
      db.written(key, 'del', Notify.generic, 0);
    }
  }
  c.reply.int(removed);
}

// ---------------------------------------------------------------------------
// LMOVE / RPOPLPUSH
// ---------------------------------------------------------------------------

/**
 * lmoveHandlePush(): push value into dst (creating it), with its event, and
 * reply the value.
 */
function movePush(c: Client, db: Db, dstKey: string, dst: List | undefined, value: string, toHead: boolean): void {
  if (dst === undefined) dst = createList(db, dstKey, 1);
  if (toHead) dst.pushHead(value);
  else dst.pushTail(value);
  db.written(dstKey, toHead ? 'lpush' : 'rpush', Notify.list, 0);
  c.reply.bulk(value);
}

/**
 * The move itself, once src is known to be a non-empty list: false (after
 * replying WRONGTYPE) when dst holds another type.
 */
function moveFrom(c: Client, db: Db, srcKey: string, src: List, dstKey: string, fromHead: boolean, toHead: boolean): boolean {
  const dst = asList(c, db.lookup(dstKey));
  if (dst === null) return false;
  const value = fromHead ? src.popHead() : src.popTail();
  movePush(c, db, dstKey, dst, value, toHead);
  elementsRemoved(db, srcKey, src, fromHead, 1);
  return true;
}

function lmoveGeneric(c: Client, argv: string[], fromHead: boolean, toHead: boolean): void {
  const db = c.db;
  const src = asList(c, db.lookup(argv[1]));
  if (src === null) return;
  if (src === undefined) return c.reply.nullBulk();
  moveFrom(c, db, argv[1], src, argv[2], fromHead, toHead);
}

function lmove(c: Client, argv: string[]): void {
  const from = whereArg(c, argv[3]);
  if (from === null) return;
  const to = whereArg(c, argv[4]);
  if (to === null) return;
  lmoveGeneric(c, argv, from, to);
}

function rpoplpush(c: Client, argv: string[]): void {
  lmoveGeneric(c, argv, false, true);
}

// ---------------------------------------------------------------------------
// LMPOP
// ---------------------------------------------------------------------------

interface MpopArgs {
  first: number; // index of the first key
  numkeys: number;
  head: boolean;
  count: number; // -1 = no COUNT option (one element, but the reply is still an array)
}

/** lmpopGenericCommand()'s parsing: numkeys, LEFT|RIGHT, [COUNT n]; null after replying. */
function parseMpop(c: Client, argv: string[], numkeysIdx: number): MpopArgs | null {
  const numkeys = rangeArg(c, argv[numkeysIdx], 1, Err.lNumkeys);
  if (numkeys === null) return null;
  const whereIdx = numkeysIdx + numkeys + 1;
  if (whereIdx >= argv.length) {
    c.error(Err.syntax);
    return null;
  }
  const head = whereArg(c, argv[whereIdx]);
  if (head === null) return null;
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    if (count === -1 && j + 1 < argv.length && isOpt(argv[j], 'count')) {
      const n = rangeArg(c, argv[++j], 1, Err.lCount);
      if (n === null) return null;
      count = n;
    } else {
      c.error(Err.syntax);
      return null;
    }
  }
  return { first: numkeysIdx + 1, numkeys, head, count };
}

/** Propagated form of a pop of up to count from a list of length len: [LR]POP key n. */
function popArgv(head: boolean, key: string, count: number, len: number): string[] {
  return [head ? 'LPOP' : 'RPOP', key, String(Math.min(count, len))];
}

function lmpop(c: Client, argv: string[]): void {
  const a = parseMpop(c, argv, 1);
  if (a === null) return;
  const count = a.count === -1 ? 1 : a.count;
  const db = c.db;
  for (let j = a.first; j < a.first + a.numkeys; j++) {
    const key = argv[j];
    const list = asList(c, db.lookup(key));
    if (list === null) return;
    if (list === undefined) continue;
    c.rewriteArgv(popArgv(a.head, key, count, list.length));
    popRangeWithKey(c, db, key, list, a.head, count);
    return;
  }
  c.reply.nullArray();
}

// ---------------------------------------------------------------------------
// Blocking variants
// ---------------------------------------------------------------------------

/** BLPOP / BRPOP (count -1: [key, element]) and BLMPOP (count n: [key, [elements]]). */
class BlockedPop implements BlockedOp {
  readonly type = 'list' as const;
  constructor(
    private readonly head: boolean,
    private readonly count: number,
  ) {}

  serve(c: Client, db: Db, key: string, value: Value): boolean {
    const list = value as List;
    if (this.count === -1) {
      c.server.propagate(db.id, [this.head ? 'LPOP' : 'RPOP', key]);
      const e = this.head ? list.popHead() : list.popTail();
      c.reply.array(2);
      c.reply.bulk(key);
      c.reply.bulk(e);
      elementsRemoved(db, key, list, this.head, 1);
    } else {
      c.server.propagate(db.id, popArgv(this.head, key, this.count, list.length));
      popRangeWithKey(c, db, key, list, this.head, this.count);
    }
    return true;
  }
}

/** BLMOVE / BRPOPLPUSH: propagated as LMOVE / RPOPLPUSH. */
class BlockedMove implements BlockedOp {
  readonly type = 'list' as const;
  constructor(
    private readonly dst: string,
    private readonly fromHead: boolean,
    private readonly toHead: boolean,
    private readonly rpoplpush: boolean,
  ) {}

  serve(c: Client, db: Db, key: string, value: Value): boolean {
    // a dst of another type ends the wait with WRONGTYPE, nothing moved
    if (!moveFrom(c, db, key, value as List, this.dst, this.fromHead, this.toHead)) return true;
    c.server.propagate(
      db.id,
      this.rpoplpush
        ? ['RPOPLPUSH', key, this.dst]
        : // Redis's shared.left / shared.right are lowercase
          ['LMOVE', key, this.dst, this.fromHead ? 'left' : 'right', this.toHead ? 'left' : 'right'],
    );
    return true;
  }
}

/**
 * blockingPopGenericCommand(): pop from the first non-empty key like the
 * non-blocking form (propagated as [LR]POP), else block. `count` -1 is
 * BLPOP/BRPOP's single element.
 */
function blockingPop(c: Client, argv: string[], first: number, numkeys: number, head: boolean, timeoutArg: string, count: number): void {
  const deadline = parseTimeout(c, timeoutArg);
  if (deadline === null) return;
  const db = c.db;
  for (let j = first; j < first + numkeys; j++) {
    const key = argv[j];
    const list = asList(c, db.lookup(key));
    if (list === null) return;
    if (list === undefined) continue;
    if (count !== -1) {
      c.rewriteArgv(popArgv(head, key, count, list.length));
      return popRangeWithKey(c, db, key, list, head, count);
    }
    c.rewriteArgv([head ? 'LPOP' : 'RPOP', key]);
    c.reply.array(2);
    c.reply.bulk(key);
    c.reply.bulk(head ? list.popHead() : list.popTail());
    return elementsRemoved(db, key, list, head, 1);
  }
  // not allowed to block (MULTI, scripts): as if the timeout expired at once
  if (c.denyBlocking) return c.reply.nullArray();
  c.server.blocking.block(c, argv.slice(first, first + numkeys), deadline, new BlockedPop(head, count));
}

function blpop(c: Client, argv: string[]): void {
  blockingPop(c, argv, 1, argv.length - 2, true, argv[argv.length - 1], -1);
}

function brpop(c: Client, argv: string[]): void {
  blockingPop(c, argv, 1, argv.length - 2, false, argv[argv.length - 1], -1);
}

function blmpop(c: Client, argv: string[]): void {
  const a = parseMpop(c, argv, 2);
  if (a === null) return;
  blockingPop(c, argv, a.first, a.numkeys, a.head, argv[1], a.count === -1 ? 1 : a.count);
}

/** blmoveGenericCommand(). */
function blmoveGeneric(c: Client, argv: string[], fromHead: boolean, toHead: boolean, deadline: number, rpoplpushForm: boolean): void {
  const db = c.db;
  const src = asList(c, db.lookup(argv[1]));
  if (src === null) return;
  if (src !== undefined) {
    if (!moveFrom(c, db, argv[1], src, argv[2], fromHead, toHead)) return;
    c.rewriteArgv(rpoplpushForm ? ['RPOPLPUSH', argv[1], argv[2]] : ['LMOVE', argv[1], argv[2], argv[3], argv[4]]);
    return;
  }
  if (c.denyBlocking) return c.reply.nullBulk();
  c.server.blocking.block(c, [argv[1]], deadline, new BlockedMove(argv[2], fromHead, toHead, rpoplpushForm));
}

function blmove(c: Client, argv: string[]): void {
  const from = whereArg(c, argv[3]);
  if (from === null) return;
  const to = whereArg(c, argv[4]);
  if (to === null) return;
  const deadline = parseTimeout(c, argv[5]);
  if (deadline === null) return;
  blmoveGeneric(c, argv, from, to, deadline, false);
}

function brpoplpush(c: Client, argv: string[]): void {
  const deadline = parseTimeout(c, argv[3]);
  if (deadline === null) return;
  blmoveGeneric(c, argv, false, true, deadline, true);
}

// ---------------------------------------------------------------------------
// Key extraction for the numkeys commands (lmpopGetKeys / blmpopGetKeys)
// ---------------------------------------------------------------------------

/** C atoi(): leading space, sign, digits; 0 when there are none. */
function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  return m === null ? 0 : parseInt(m[1], 10);
}

/** genericGetKeys(): keys after a numkeys argument, none when numkeys doesn't fit. */
function numkeysKeys(argv: string[], numkeysIdx: number): number[] {
  const n = atoi(argv[numkeysIdx] ?? '');
  const first = numkeysIdx + 1;
  if (n < 1 || n > argv.length - first) return [];
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(first + i);
  return out;
}

export const listCommands: CommandSpec[] = [
  { name: 'lpush', handler: (c, argv) => pushGeneric(c, argv, true, false) },
  { name: 'rpush', handler: (c, argv) => pushGeneric(c, argv, false, false) },
  { name: 'lpushx', handler: (c, argv) => pushGeneric(c, argv, true, true) },
  { name: 'rpushx', handler: (c, argv) => pushGeneric(c, argv, false, true) },
  { name: 'linsert', handler: linsert },
  { name: 'llen', handler: llen },
  { name: 'lindex', handler: lindex },
  { name: 'lset', handler: lset },
  { name: 'lpop', handler: (c, argv) => popGeneric(c, argv, true) },
  { name: 'rpop', handler: (c, argv) => popGeneric(c, argv, false) },
  { name: 'lrange', handler: lrange },
  { name: 'ltrim', handler: ltrim },
  { name: 'lpos', handler: lpos },
  { name: 'lrem', handler: lrem },
  { name: 'lmove', handler: lmove },
  { name: 'rpoplpush', handler: rpoplpush },
  { name: 'lmpop', handler: lmpop, getKeys: (argv) => numkeysKeys(argv, 1) },
  { name: 'blpop', handler: blpop },
  { name: 'brpop', handler: brpop },
  { name: 'blmove', handler: blmove },
  { name: 'brpoplpush', handler: brpoplpush },
  { name: 'blmpop', handler: blmpop, getKeys: (argv) => numkeysKeys(argv, 2) },
];
