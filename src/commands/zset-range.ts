/**
 * Sorted set range commands (t_zset.c zrangeGenericCommand and friends):
 * ZRANGE [BYSCORE|BYLEX] [REV] [LIMIT] [WITHSCORES], ZRANGESTORE,
 * ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX, ZREVRANGEBYLEX, ZREVRANGE,
 * ZCOUNT, ZLEXCOUNT.
 *
 * A range is first collected as the list of skiplist nodes Redis would
 * emit, in emission order, then replied or stored. LIMIT offsets are
 * skipped with a rank lookup (O(log N)) instead of Redis's walk, which
 * finds the same node.
 */
import type { Client } from '../server/client';
import { Err } from '../protocol/errors';
import { Notify } from '../store/keyspace';
import { ZSet } from '../store/zset';
import { LexRange, ScoreRange, SkipList, lexGteMin, lexLteMax, valueGteMin, valueLteMax } from '../store/skiplist';
import {
  asZset,
  deleteResult,
  longArg,
  newLexRange,
  newScoreRange,
  optIs,
  parseLexRange,
  parseScoreRange,
  replyNodes,
  storeResult,
  zsetLimits,
} from './zset-common';

const BY_AUTO = 0;
const BY_RANK = 1;
const BY_SCORE = 2;
const BY_LEX = 3;
const DIR_AUTO = 0;
const DIR_FWD = 1;
const DIR_REV = 2;

const EMPTY: number[] = [];

// Parsed ranges, reused (a handler runs to completion before the next one).
const scoreRange = newScoreRange();
const lexRange = newLexRange();

// ---- collecting ranges ---------------------------------------------------------

/** The nodes of ranks start..end (0-based, negative from the end), as Z[REV]RANGE. */
export function rankNodes(z: ZSet, start: number, end: number, reverse: boolean): number[] {
  const llen = z.length;
  if (start < 0) start = llen + start;
  if (end < 0) end = llen + end;
  if (start < 0) start = 0;
  if (start > end || start >= llen) return EMPTY;
  if (end >= llen) end = llen - 1;
  const n = end - start + 1;
  const out = new Array<number>(n);
  const sl = z.sl;
  let ln: number;
  if (reverse) {
    ln = start > 0 ? sl.byRank(llen - start) : sl.tail;
    for (let i = 0; i < n; i++, ln = sl.prev(ln)) out[i] = ln;
  } else {
    ln = start > 0 ? sl.byRank(start + 1) : sl.first;
    for (let i = 0; i < n; i++, ln = sl.next(ln)) out[i] = ln;
  }
  return out;
}

/** Move `offset` nodes on from ln (backwards when reverse); null past the end. */
function skipNodes(sl: SkipList, ln: number, offset: number, reverse: boolean): number {
  if (offset < 0) return 0; // Redis's `while (ln && offset--)` runs off the end
  if (offset <= 16) {
    let n = ln;
    while (n !== 0 && offset-- > 0) n = reverse ? sl.prev(n) : sl.next(n);
    return n;
  }
  const rank = sl.rankOf(ln);
  return sl.byRank(reverse ? rank - offset : rank + offset);
}

/** genericZrangebyscoreCommand(): the nodes in a score range with LIMIT. */
export function scoreNodes(z: ZSet, r: ScoreRange, offset: number, limit: number, reverse: boolean): number[] {
  if (offset > 0 && offset >= z.length) return EMPTY;
  const sl = z.sl;
  let ln = reverse ? sl.lastInRange(r) : sl.firstInRange(r);
  if (ln !== 0 && offset !== 0) ln = skipNodes(sl, ln, offset, reverse);
  const out: number[] = [];
  while (ln !== 0 && limit-- !== 0) {
    const s = sl.score(ln);
    if (reverse ? !valueGteMin(s, r) : !valueLteMax(s, r)) break;
    out.push(ln);
    ln = reverse ? sl.prev(ln) : sl.next(ln);
  }
  return out;
}

/** First (or last) node of a lex range, by the encoding's own search. */
function lexStart(z: ZSet, r: LexRange, reverse: boolean): number {
  const sl = z.sl;
  if (z.listpack) return reverse ? sl.lastInLexRangeLinear(r) : sl.firstInLexRangeLinear(r);
  return reverse ? sl.lastInLexRange(r) : sl.firstInLexRange(r);
}

/** genericZrangebylexCommand(): the nodes in a lex range with LIMIT. */
export function lexNodes(z: ZSet, r: LexRange, offset: number, limit: number, reverse: boolean): number[] {
  const sl = z.sl;
  let ln = lexStart(z, r, reverse);
  if (ln !== 0 && offset !== 0) ln = skipNodes(sl, ln, offset, reverse);
  const out: number[] = [];
  while (ln !== 0 && limit-- !== 0) {
    const e = sl.ele(ln);
    if (reverse ? !lexGteMin(e, r) : !lexLteMax(e, r)) break;
    out.push(ln);
    ln = reverse ? sl.prev(ln) : sl.next(ln);
  }
  return out;
}

// ---- ZRANGESTORE ---------------------------------------------------------------

/**
 * Store a range as zrangeResult*Store do: a new set that starts as a
 * skiplist when the known length exceeds zset-max-listpack-entries, else as
 * a listpack converted by the adds (in emission order) that overflow it.
 * `nodes` are in emission order: descending when `reverse`.
 */
function storeRange(c: Client, dst: string, sl: SkipList | null, nodes: readonly number[], lengthHint: number, reverse: boolean): void {
  const db = c.db;
  const n = nodes.length;
  if (n === 0) {
    c.reply.int(0);
    deleteResult(db, dst);
    return;
  }
  const limits = zsetLimits(c);
  let listpack = !(lengthHint > limits.entries);
  const eles = new Array<string>(n);
  const scores = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const e = sl!.ele(nodes[i]);
    const s = sl!.score(nodes[i]);
    if (listpack && (i + 1 > limits.entries || e.length > limits.value)) listpack = false;
    const at = reverse ? n - 1 - i : i; // build in ascending order
    eles[at] = e;
    scores[at] = listpack && s === 0 ? 0 : s;
  }
  storeResult(db, dst, ZSet.fromSorted(eles, scores, listpack));
  c.reply.int(n);
  db.written(dst, 'zrangestore', Notify.zset);
}

// ---- the generic command -------------------------------------------------------

/** zrangeGenericCommand(): argv[argStart] is the source key; dst for ZRANGESTORE. */
function zrangeGeneric(c: Client, argv: string[], argStart: number, dst: string | null, by: number, dir: number): void {
  const argc = argv.length;
  let minIdx = argStart + 1;
  let maxIdx = argStart + 2;
  let withscores = false;
  let offset = 0;
  let limit = -1;
  for (let j = argStart + 3; j < argc; j++) {
    const a = argv[j];
    if (dst === null && optIs(a, 'withscores')) {
      withscores = true;
    } else if (argc - j - 1 >= 2 && optIs(a, 'limit')) {
      const o = longArg(c, argv[j + 1]);
      if (o === null) return;
      const l = longArg(c, argv[j + 2]);
      if (l === null) return;
      offset = o;
      limit = l;
      j += 2;
    } else if (dir === DIR_AUTO && optIs(a, 'rev')) {
      dir = DIR_REV;
    } else if (by === BY_AUTO && optIs(a, 'bylex')) {
      by = BY_LEX;
    } else if (by === BY_AUTO && optIs(a, 'byscore')) {
      by = BY_SCORE;
    } else {
      return c.error(Err.syntax);
    }
  }
  if (dir === DIR_AUTO) dir = DIR_FWD;
  if (by === BY_AUTO) by = BY_RANK;
  if (limit !== -1 && by === BY_RANK) return c.error(Err.zLimitNeedsBy);
  if (withscores && by === BY_LEX) return c.error(Err.zWithscoresBylex);
  const reverse = dir === DIR_REV;
  if (reverse && by !== BY_RANK) {
    minIdx = argStart + 2;
    maxIdx = argStart + 1;
  }

  let start = 0;
  let end = 0;
  if (by === BY_RANK) {
    const s = longArg(c, argv[minIdx]);
    if (s === null) return;
    const e = longArg(c, argv[maxIdx]);
    if (e === null) return;
    start = s;
    end = e;
  } else if (by === BY_SCORE) {
    if (!parseScoreRange(argv[minIdx], argv[maxIdx], scoreRange)) return c.error(Err.zMinMaxNotFloat);
  } else if (!parseLexRange(argv[minIdx], argv[maxIdx], lexRange)) {
    return c.error(Err.zMinMaxNotString);
  }

  const z = asZset(c, c.db.lookupRead(argv[argStart]));
  if (z === null) return;
  if (z === undefined) {
    if (dst !== null) storeRange(c, dst, null, EMPTY, -1, false);
    else c.reply.array(0);
    return;
  }
  let nodes: number[];
  if (by === BY_RANK) nodes = rankNodes(z, start, end, reverse);
  else if (by === BY_SCORE) nodes = scoreNodes(z, scoreRange, offset, limit, reverse);
  else nodes = lexNodes(z, lexRange, offset, limit, reverse);
  if (dst !== null) storeRange(c, dst, z.sl, nodes, by === BY_RANK ? nodes.length : -1, reverse);
  else replyNodes(c, z.sl, nodes, withscores);
}

function zrange(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, null, BY_AUTO, DIR_AUTO);
}

function zrangestore(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 2, argv[1], BY_AUTO, DIR_AUTO);
}

function zrevrange(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, null, BY_RANK, DIR_REV);
}

function zrangebyscore(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, null, BY_SCORE, DIR_FWD);
}

function zrevrangebyscore(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, null, BY_SCORE, DIR_REV);
}

function zrangebylex(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, null, BY_LEX, DIR_FWD);
}

function zrevrangebylex(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, null, BY_LEX, DIR_REV);
}

// ---- ZCOUNT / ZLEXCOUNT ----------------------------------------------------------

function zcount(c: Client, argv: string[]): void {
  if (!parseScoreRange(argv[2], argv[3], scoreRange)) return c.error(Err.zMinMaxNotFloat);
  const z = asZset(c, c.db.lookupRead(argv[1]));
  if (z === null) return;
  if (z === undefined) return c.reply.int(0);
  const sl = z.sl;
  const first = sl.firstInRange(scoreRange);
  if (first === 0) return c.reply.int(0);
  const last = sl.lastInRange(scoreRange);
  c.reply.int(sl.rankOf(last) - sl.rankOf(first) + 1);
}

function zlexcount(c: Client, argv: string[]): void {
  if (!parseLexRange(argv[2], argv[3], lexRange)) return c.error(Err.zMinMaxNotString);
  const z = asZset(c, c.db.lookupRead(argv[1]));
  if (z === null) return;
  if (z === undefined) return c.reply.int(0);
  const sl = z.sl;
  let count = 0;
  if (z.listpack) {
    for (let n = sl.firstInLexRangeLinear(lexRange); n !== 0 && lexLteMax(sl.ele(n), lexRange); n = sl.next(n)) count++;
  } else {
    let n = sl.firstInLexRange(lexRange);
    if (n !== 0) {
      count = sl.length - (sl.rankOf(n) - 1);
      n = sl.lastInLexRange(lexRange);
      if (n !== 0) count -= sl.length - sl.rankOf(n);
    }
  }
  c.reply.int(count);
}

export const zsetRangeHandlers = {
  zrange,
  zrangestore,
  zrevrange,
  zrangebyscore,
  zrevrangebyscore,
  zrangebylex,
  zrevrangebylex,
  zcount,
  zlexcount,
};
