/**
 * Helpers shared by the sorted set command files (zset.ts, zset-range.ts,
 * zset-store.ts): option words, integer arguments, key lookup with the type
 * check, score/lex range parsing and the member/score reply shapes.
 */
import type { Client } from '../server/client';
import { Err } from '../protocol/errors';
import { Db, Notify } from '../store/keyspace';
import type { Value } from '../store/value';
import { ZSet, ZsetLimits } from '../store/zset';
import { LEX_MAX, LEX_MIN, LEX_STR, LexRange, ScoreRange, SkipList } from '../store/skiplist';
import { strtod, toInt64, toSafeInt } from '../util/numbers';
import { optIs } from './args';

export { optIs };

/**
 * string2ll() as a JS number (values beyond 2^53 are rounded, which keeps
 * their order and sign: enough for ranks, offsets and counts), or null.
 */
export function parseLong(s: string): number | null {
  const v = toSafeInt(s);
  if (v !== null) return v;
  const b = toInt64(s);
  return b === null ? null : Number(b);
}

/** getLongFromObjectOrReply(): the value, or null after replying the error. */
export function longArg(c: Client, s: string, msg: string = Err.notInteger): number | null {
  const v = parseLong(s);
  if (v === null) c.error(msg);
  return v;
}

const LIMITS: ZsetLimits = { entries: 128, value: 64 };

/** zset-max-listpack-entries / -value, read from the config on each write. */
export function zsetLimits(c: Client): ZsetLimits {
  const cfg = c.server.config;
  if (cfg !== undefined && cfg !== null) {
    LIMITS.entries = cfg.values['zset-max-listpack-entries'];
    LIMITS.value = cfg.values['zset-max-listpack-value'];
  }
  return LIMITS;
}

/**
 * The sorted set at `v`: the set, undefined when there is no key, or null
 * after replying WRONGTYPE.
 */
export function asZset(c: Client, v: Value | undefined): ZSet | undefined | null {
  if (v === undefined || v instanceof ZSet) return v;
  c.error(Err.wrongType);
  return null;
}

/**
 * setKey() of a computed result (ZUNIONSTORE, ZRANGESTORE, GEOSEARCHSTORE...):
 * replaces any value and its TTL. The lookup first lets an expired
 * destination fire "expired" before the new key's "new", as in Redis.
 */
export function storeResult(db: Db, key: string, v: Value): void {
  db.lookup(key);
  db.setKey(key, v);
}

/** Delete the destination of an empty result: "del" event and dirty when it existed. */
export function deleteResult(db: Db, key: string): void {
  if (db.delete(key)) db.written(key, 'del', Notify.generic);
}

/** Delete a key whose set became empty, with the "del" event (dirty was counted). */
export function deleteEmptied(db: Db, key: string): void {
  db.delete(key);
  db.changed(key, 'del', Notify.generic, 0);
}

// ---- ranges ------------------------------------------------------------------

/** One zslParseRange() bound: "(x" exclusive, strtod rules, no NaN. */
function parseScoreBound(s: string, r: ScoreRange, isMin: boolean): boolean {
  const ex = s.length > 0 && s.charCodeAt(0) === 40; /* ( */
  const from = ex ? 1 : 0;
  const p = strtod(s, from);
  // strtod must stop at the end of the C string: the end or a NUL byte
  if ((p.end !== s.length && s.charCodeAt(p.end) !== 0) || p.value !== p.value) return false;
  if (isMin) {
    r.min = p.value;
    r.minex = ex;
  } else {
    r.max = p.value;
    r.maxex = ex;
  }
  return true;
}

/** zslParseRange(): false when Redis replies "min or max is not a float". */
export function parseScoreRange(min: string, max: string, r: ScoreRange): boolean {
  return parseScoreBound(min, r, true) && parseScoreBound(max, r, false);
}

export function newScoreRange(): ScoreRange {
  return { min: 0, max: 0, minex: false, maxex: false };
}

export function newLexRange(): LexRange {
  return { minKind: LEX_STR, min: '', minex: false, maxKind: LEX_STR, max: '', maxex: false };
}

/** zslParseLexRangeItem(): "-" "+" "(x" "[x"; false when invalid. */
function parseLexBound(s: string, r: LexRange, isMin: boolean): boolean {
  if (s.length === 0) return false;
  const c0 = s.charCodeAt(0);
  let kind = LEX_STR;
  let ex = true;
  let str = '';
  if (c0 === 43 /* + */ || c0 === 45 /* - */) {
    if (s.length > 1 && s.charCodeAt(1) !== 0) return false;
    kind = c0 === 43 ? LEX_MAX : LEX_MIN;
  } else if (c0 === 40 /* ( */ || c0 === 91 /* [ */) {
    ex = c0 === 40;
    str = s.slice(1);
  } else {
    return false;
  }
  if (isMin) {
    r.minKind = kind;
    r.min = str;
    r.minex = ex;
  } else {
    r.maxKind = kind;
    r.max = str;
    r.maxex = ex;
  }
  return true;
}

/** zslParseLexRange(): false when Redis replies "min or max not valid string range item". */
export function parseLexRange(min: string, max: string, r: LexRange): boolean {
  return parseLexBound(min, r, true) && parseLexBound(max, r, false);
}

// ---- replies -----------------------------------------------------------------

/**
 * Members (and scores): a flat array in RESP2, [member, score] pairs in
 * RESP3 when withscores, as ZRANGE and friends reply.
 */
export function replyNodes(c: Client, sl: SkipList, nodes: readonly number[], withscores: boolean): void {
  const r = c.reply;
  const n = nodes.length;
  if (!withscores) {
    r.array(n);
    for (let i = 0; i < n; i++) r.bulk(sl.ele(nodes[i]));
    return;
  }
  const resp3 = r.proto === 3;
  r.array(resp3 ? n : n * 2);
  for (let i = 0; i < n; i++) {
    if (resp3) r.array(2);
    r.bulk(sl.ele(nodes[i]));
    r.double(sl.score(nodes[i]));
  }
}
