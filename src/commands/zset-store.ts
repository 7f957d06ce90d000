/**
 * Sorted set algebra (t_zset.c zunionInterDiffGenericCommand): ZUNION,
 * ZINTER, ZDIFF, their STORE forms and ZINTERCARD, with WEIGHTS and
 * AGGREGATE SUM|MIN|MAX.
 *
 * Inputs are taken in Redis's order (sorted by cardinality, stably, except
 * for ZDIFF) and each input is walked in its own order, so that floating
 * point sums add up in the same order as in Redis.
 */
import type { Client } from '../server/client';
import { Err } from '../protocol/errors';
import { Notify } from '../store/keyspace';
import { ZSet } from '../store/zset';
import { SetValue } from '../store/set';
import { toDouble } from '../util/numbers';
import { deleteResult, optIs, parseLong, storeResult, zsetLimits } from './zset-common';

const OP_UNION = 0;
const OP_INTER = 1;
const OP_DIFF = 2;

const AGG_SUM = 0;
const AGG_MIN = 1;
const AGG_MAX = 2;

const STORE_EVENTS = ['zunionstore', 'zinterstore', 'zdiffstore'];

/**
 * One input: a sorted set, a plain set (every member scores 1), or nothing
 * for a missing key (an empty input).
 */
interface Source {
  obj: ZSet | SetValue | undefined;
  size: number;
  weight: number;
}

/** zuiFind(): the member's score in the input, or undefined. */
function find(src: Source, ele: string): number | undefined {
  const o = src.obj;
  if (o instanceof ZSet) return o.score(ele);
  if (o !== undefined && o.has(ele)) return 1;
  return undefined;
}

/** zuiNext() over a whole input, in its order, until fn returns false. */
function walk(src: Source, fn: (ele: string, score: number) => boolean): void {
  const o = src.obj;
  if (o instanceof ZSet) {
    const sl = o.sl;
    for (let n = sl.first; n !== 0; n = sl.next(n)) if (!fn(sl.ele(n), sl.score(n))) return;
  } else if (o !== undefined) {
    const m = o.members();
    for (let i = 0; i < m.length; i++) if (!fn(m[i], 1)) return;
  }
}

/** zunionInterAggregate(). */
function aggregate(target: number, val: number, agg: number): number {
  if (agg === AGG_SUM) {
    const s = target + val;
    return s !== s ? 0 : s; // +inf + -inf: 0 by convention
  }
  if (agg === AGG_MIN) return val < target ? val : target;
  return val > target ? val : target;
}

interface Entry {
  e: string;
  s: number;
}

function byScoreThenMember(a: Entry, b: Entry): number {
  if (a.s < b.s) return -1;
  if (a.s > b.s) return 1;
  return a.e < b.e ? -1 : a.e > b.e ? 1 : 0;
}

/** zunionInterDiffGenericCommand(); dst for the STORE forms. */
function zsetOp(c: Client, argv: string[], dst: string | null, numkeysIdx: number, op: number, cardOnly: boolean): void {
  const argc = argv.length;
  const setnum = parseLong(argv[numkeysIdx]);
  if (setnum === null) return c.error(Err.notInteger);
  if (setnum < 1) return c.error(Err.zAtLeastOneKey(c.cmd ? c.cmd.fullname : argv[0].toLowerCase()));
  if (setnum > argc - (numkeysIdx + 1)) return c.error(Err.syntax);

  const db = c.db;
  const srcs: Source[] = new Array<Source>(setnum);
  let j = numkeysIdx + 1;
  for (let i = 0; i < setnum; i++, j++) {
    const v = db.lookupRead(argv[j]);
    if (v === undefined) srcs[i] = { obj: undefined, size: 0, weight: 1 };
    else if (v instanceof ZSet) srcs[i] = { obj: v, size: v.length, weight: 1 };
    else if (v instanceof SetValue) srcs[i] = { obj: v, size: v.size, weight: 1 };
    else return c.error(Err.wrongType);
  }

  let agg = AGG_SUM;
  let withscores = false;
  let limit = 0;
  while (j < argc) {
    const remaining = argc - j;
    const a = argv[j];
    if (op !== OP_DIFF && !cardOnly && remaining >= setnum + 1 && optIs(a, 'weights')) {
      j++;
      for (let i = 0; i < setnum; i++, j++) {
        const w = toDouble(argv[j]);
        if (w === null) return c.error(Err.zWeightNotFloat);
        srcs[i].weight = w;
      }
    } else if (op !== OP_DIFF && !cardOnly && remaining >= 2 && optIs(a, 'aggregate')) {
      const how = argv[j + 1];
      if (optIs(how, 'sum')) agg = AGG_SUM;
      else if (optIs(how, 'min')) agg = AGG_MIN;
      else if (optIs(how, 'max')) agg = AGG_MAX;
      else return c.error(Err.syntax);
      j += 2;
    } else if (dst === null && !cardOnly && optIs(a, 'withscores')) {
      withscores = true;
      j++;
    } else if (cardOnly && remaining >= 2 && optIs(a, 'limit')) {
      const l = parseLong(argv[j + 1]);
      if (l === null || l < 0) return c.error(Err.zLimitNegative);
      limit = l;
      j += 2;
    } else {
      return c.error(Err.syntax);
    }
  }

  if (op !== OP_DIFF) srcs.sort((a, b) => a.size - b.size); // stable, like glibc's merge sort

  const out: Entry[] = [];
  let card = 0;
  if (op === OP_INTER) {
    const s0 = srcs[0];
    if (s0.size > 0) {
      walk(s0, (ele, s) => {
        let score = s0.weight * s;
        if (score !== score) score = 0;
        let k = 1;
        for (; k < setnum; k++) {
          const sk = srcs[k];
          // the input being walked may come again: no lookup in it
          const other = sk.obj === s0.obj ? s : find(sk, ele);
          if (other === undefined) break;
          score = aggregate(score, other * sk.weight, agg);
        }
        if (k !== setnum) return true;
        if (cardOnly) {
          card++;
          return !(limit && card >= limit);
        }
        out.push({ e: ele, s: score });
        return true;
      });
    }
  } else if (op === OP_UNION) {
    const acc = new Map<string, number>();
    for (const src of srcs) {
      if (src.size === 0) continue;
      walk(src, (ele, s) => {
        let score = src.weight * s;
        if (score !== score) score = 0;
        const cur = acc.get(ele);
        acc.set(ele, cur === undefined ? score : aggregate(cur, score, agg));
        return true;
      });
    }
    for (const [e, s] of acc) out.push({ e, s });
  } else {
    const s0 = srcs[0];
    if (s0.size > 0) {
      walk(s0, (ele, s) => {
        for (let k = 1; k < setnum; k++) {
          const sk = srcs[k];
          if (sk.obj === s0.obj || find(sk, ele) !== undefined) return true;
        }
        out.push({ e: ele, s });
        return true;
      });
    }
  }

  if (cardOnly) return c.reply.int(card);
  // a diff of a sorted set keeps its order; a plain set's order is its own
  if (op !== OP_DIFF || !(srcs[0].obj instanceof ZSet)) out.sort(byScoreThenMember);
  const n = out.length;

  if (dst !== null) {
    if (n === 0) {
      c.reply.int(0);
      deleteResult(db, dst);
      return;
    }
    // built as a skiplist, then converted when small enough (zsetConvertToListpackIfNeeded)
    const limits = zsetLimits(c);
    let maxlen = 0;
    for (let i = 0; i < n; i++) if (out[i].e.length > maxlen) maxlen = out[i].e.length;
    const listpack = n <= limits.entries && maxlen <= limits.value;
    const eles = new Array<string>(n);
    const scores = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      eles[i] = out[i].e;
      const s = out[i].s;
      scores[i] = listpack && s === 0 ? 0 : s;
    }
    storeResult(db, dst, ZSet.fromSorted(eles, scores, listpack));
    c.reply.int(n);
    db.written(dst, STORE_EVENTS[op], Notify.zset);
    return;
  }

  const r = c.reply;
  const resp3 = r.proto > 2;
  r.array(withscores && !resp3 ? n * 2 : n);
  for (let i = 0; i < n; i++) {
    if (withscores && resp3) r.array(2);
    r.bulk(out[i].e);
    if (withscores) r.double(out[i].s);
  }
}

export const zsetStoreHandlers = {
  zunion: (c: Client, argv: string[]) => zsetOp(c, argv, null, 1, OP_UNION, false),
  zinter: (c: Client, argv: string[]) => zsetOp(c, argv, null, 1, OP_INTER, false),
  zdiff: (c: Client, argv: string[]) => zsetOp(c, argv, null, 1, OP_DIFF, false),
  zintercard: (c: Client, argv: string[]) => zsetOp(c, argv, null, 1, OP_INTER, true),
  zunionstore: (c: Client, argv: string[]) => zsetOp(c, argv, argv[1], 2, OP_UNION, false),
  zinterstore: (c: Client, argv: string[]) => zsetOp(c, argv, argv[1], 2, OP_INTER, false),
  zdiffstore: (c: Client, argv: string[]) => zsetOp(c, argv, argv[1], 2, OP_DIFF, false),
};
