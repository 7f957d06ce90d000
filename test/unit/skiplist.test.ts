/**
 * The sorted set skiplist (store/skiplist.ts) and the zset value on top of
 * it (store/zset.ts): order, spans and ranks against a sorted reference,
 * score and lex ranges (with exclusive and infinite bounds), range
 * deletion, score updates, the random level distribution, bulk building
 * and copies, the listpack/skiplist encoding flag and -0.
 */
import { describe, expect, it } from 'vitest';
import {
  LEX_MAX,
  LEX_MIN,
  LEX_STR,
  LexRange,
  SKIPLIST_MAXLEVEL,
  ScoreRange,
  SkipList,
  lexRangeEmpty,
  randomLevel,
  scoreRangeEmpty,
} from '../../src/store/skiplist';
import { ZADD_IN_GT, ZADD_IN_INCR, ZADD_IN_NX, ZADD_OUT_ADDED, ZADD_OUT_NAN, ZADD_OUT_NOP, ZADD_OUT_UPDATED, ZSet, listpackScoreString } from '../../src/store/zset';
import { formatDouble } from '../../src/util/numbers';
import { prng } from '../prng';

type Pair = [number, string];

const cmp = (a: Pair, b: Pair) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);

/** Walk level 0 forward and backward. */
function contents(sl: SkipList): Pair[] {
  const out: Pair[] = [];
  for (let n = sl.first; n !== 0; n = sl.next(n)) out.push([sl.score(n), sl.ele(n)]);
  const back: Pair[] = [];
  for (let n = sl.tail; n !== 0; n = sl.prev(n)) back.push([sl.score(n), sl.ele(n)]);
  expect(back.reverse()).toEqual(out);
  return out;
}

/**
 * Structural invariants: every level is a sorted sublist of level 0, each
 * link's span is the rank difference of its ends, and the level count is
 * the highest used level.
 */
/** rankOf for the node holding (score, ele), found by a linear walk (0 when absent). */
function rankOfPair(sl: SkipList, score: number, ele: string): number {
  for (let n = sl.first; n !== 0; n = sl.next(n)) {
    if (sl.score(n) === score && sl.ele(n) === ele) return sl.rankOf(n);
  }
  return 0;
}

function checkInvariants(sl: SkipList): void {
  const rankOf = new Map<number, number>();
  let r = 0;
  for (let n = sl.first; n !== 0; n = sl.next(n)) rankOf.set(n, ++r);
  expect(r).toBe(sl.length);
  let maxLevel = 1;
  for (const n of rankOf.keys()) maxLevel = Math.max(maxLevel, sl.levelOf(n));
  expect(sl.level).toBe(maxLevel);
  for (let i = 0; i < sl.level; i++) {
    let x = 0;
    let xr = 0;
    for (;;) {
      const f = sl.forward(x, i);
      if (f === 0) break;
      const fr = rankOf.get(f)!;
      expect(fr).toBeGreaterThan(xr);
      expect(sl.span(x, i)).toBe(fr - xr);
      expect(sl.levelOf(f)).toBeGreaterThan(i);
      x = f;
      xr = fr;
    }
  }
  // every node of level > i is on the level-i list
  for (const [n] of rankOf) {
    for (let i = 0; i < sl.levelOf(n); i++) {
      let x = 0;
      let found = false;
      while ((x = sl.forward(x, i)) !== 0) if (x === n) found = true;
      expect(found).toBe(true);
    }
  }
}


const range = (min: number, max: number, minex = false, maxex = false): ScoreRange => ({ min, max, minex, maxex });

function lex(min: string, max: string): LexRange {
  const bound = (s: string): [number, string, boolean] =>
    s === '-' ? [LEX_MIN, '', true] : s === '+' ? [LEX_MAX, '', true] : [LEX_STR, s.slice(1), s[0] === '('];
  const [minKind, mn, minex] = bound(min);
  const [maxKind, mx, maxex] = bound(max);
  return { minKind, min: mn, minex, maxKind, max: mx, maxex };
}

describe('skiplist order, ranks and invariants', () => {
  it('keeps (score, member) order, with bytewise member order for equal scores', () => {
    const sl = new SkipList();
    const items: Pair[] = [
      [2, 'b'],
      [1, 'z'],
      [2, 'a'],
      [2, 'ab'],
      [-Infinity, 'm'],
      [Infinity, 'n'],
      [2, '\xff'],
      [2, '\x00'],
      [2, ''],
      [-0, 'zero'],
    ];
    for (const [s, e] of items) sl.insert(s, e);
    expect(contents(sl)).toEqual([...items].sort(cmp));
    expect(contents(sl).map((p) => p[1])).toEqual(['m', 'zero', 'z', '', '\x00', 'a', 'ab', 'b', '\xff', 'n']);
    checkInvariants(sl);
  });

  it('rankOf and byRank agree with a sorted reference through random inserts and deletes', () => {
    const rand = prng(1);
    const sl = new SkipList();
    const ref = new Map<string, number>();
    for (let step = 0; step < 4000; step++) {
      const e = 'm' + Math.floor(rand() * 600);
      const s = Math.floor(rand() * 50); // many equal scores
      const cur = ref.get(e);
      if (cur === undefined) {
        sl.insert(s, e);
        ref.set(e, s);
      } else if (rand() < 0.5) {
        expect(sl.delete(cur, e)).toBe(true);
        ref.delete(e);
      } else {
        sl.updateScore(cur, e, s);
        ref.set(e, s);
      }
    }
    checkInvariants(sl);
    const sorted = [...ref].map(([e, s]) => [s, e] as Pair).sort(cmp);
    expect(contents(sl)).toEqual(sorted);
    expect(sl.length).toBe(sorted.length);
    sorted.forEach(([s, e], i) => {
      expect(rankOfPair(sl, s, e)).toBe(i + 1);
      const n = sl.byRank(i + 1);
      expect([sl.score(n), sl.ele(n)]).toEqual([s, e]);
    });
    expect(sl.byRank(0)).toBe(0);
    expect(sl.byRank(sorted.length + 1)).toBe(0);
    expect(sl.delete(12345, 'absent')).toBe(false);
  });

  it('updateScore keeps the node id, in place or moved, and the order', () => {
    const sl = new SkipList();
    const ids = ['a', 'b', 'c', 'd'].map((e, i) => sl.insert(i, e));
    expect(sl.updateScore(1, 'b', 1.5)).toBe(ids[1]); // stays between a and c
    expect(sl.updateScore(0, 'a', 10)).toBe(ids[0]); // moves to the end
    expect(contents(sl)).toEqual([
      [1.5, 'b'],
      [2, 'c'],
      [3, 'd'],
      [10, 'a'],
    ]);
    checkInvariants(sl);
    // searches use the scores copied into the links: they must follow
    expect(rankOfPair(sl, 1.5, 'b')).toBe(1);
    expect(rankOfPair(sl, 10, 'a')).toBe(4);
    expect(sl.firstInRange(range(1.5, 1.5))).toBe(ids[1]);
  });

  it('reuses freed records and member slots', () => {
    const sl = new SkipList();
    for (let i = 0; i < 1000; i++) sl.insert(i, 'e' + i);
    const bytes = sl.bufferBytes;
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 1000; i++) expect(sl.delete(i + round * 1000, 'e' + i)).toBe(true);
      for (let i = 0; i < 1000; i++) sl.insert(i + (round + 1) * 1000, 'e' + i);
    }
    checkInvariants(sl);
    expect(sl.length).toBe(1000);
    // levels are drawn anew, so a little more room may be needed, not 6x
    expect(sl.bufferBytes).toBeLessThanOrEqual(bytes * 2);
  });
});

describe('random levels', () => {
  it('follow P(level > k) = 4^-k, capped at 32', () => {
    const N = 400_000;
    const counts = new Array<number>(SKIPLIST_MAXLEVEL + 1).fill(0);
    let outside = 0;
    for (let i = 0; i < N; i++) {
      const l = randomLevel();
      if (l < 1 || l > SKIPLIST_MAXLEVEL) outside++;
      else counts[l]++;
    }
    expect(outside).toBe(0);
    // P(level = k) = 3/4 * (1/4)^(k-1); check k = 1..4 within 5 standard deviations
    for (let k = 1; k <= 4; k++) {
      const p = 0.75 * 0.25 ** (k - 1);
      const sd = Math.sqrt(N * p * (1 - p));
      expect(Math.abs(counts[k] - N * p)).toBeLessThan(5 * sd);
    }
    const mean = counts.reduce((a, c, l) => a + c * l, 0) / N;
    expect(Math.abs(mean - 4 / 3)).toBeLessThan(0.01);
  });

  it('keep a 200k-node list about log4(N) high', () => {
    const sl = new SkipList();
    const append = sl.appender();
    for (let i = 0; i < 200_000; i++) append(i, 'm' + i);
    expect(sl.level).toBeGreaterThanOrEqual(7);
    expect(sl.level).toBeLessThanOrEqual(14);
  });
});

describe('score ranges', () => {
  const sl = new SkipList();
  const scores = [-Infinity, -1, 0, 1, 1, 2, 3.5, 10, Infinity];
  scores.forEach((s, i) => sl.insert(s, 'e' + i));
  const first = (r: ScoreRange) => (sl.firstInRange(r) === 0 ? null : sl.score(sl.firstInRange(r)));
  const last = (r: ScoreRange) => (sl.lastInRange(r) === 0 ? null : sl.score(sl.lastInRange(r)));

  it('finds the first and last node of inclusive and exclusive ranges', () => {
    expect(first(range(1, 2))).toBe(1);
    expect(last(range(1, 2))).toBe(2);
    expect(first(range(1, 2, true))).toBe(2);
    expect(last(range(1, 2, false, true))).toBe(1);
    expect(sl.ele(sl.lastInRange(range(1, 1)))).toBe('e4');
    expect(first(range(-Infinity, Infinity))).toBe(-Infinity);
    expect(last(range(-Infinity, Infinity))).toBe(Infinity);
    expect(first(range(-Infinity, Infinity, true, true))).toBe(-1);
    expect(last(range(-Infinity, Infinity, true, true))).toBe(10);
    expect(first(range(4, 9))).toBeNull(); // between nodes
    expect(first(range(11, 20, false, false))).toBe(null);
    expect(first(range(Infinity, Infinity))).toBe(Infinity);
  });

  it('treats min > max and min == max with an exclusive end as empty', () => {
    expect(scoreRangeEmpty(range(2, 1))).toBe(true);
    expect(scoreRangeEmpty(range(1, 1, true))).toBe(true);
    expect(scoreRangeEmpty(range(1, 1, false, true))).toBe(true);
    expect(scoreRangeEmpty(range(1, 1))).toBe(false);
    expect(sl.isInRange(range(1, 1, true))).toBe(false);
    expect(first(range(3, 2))).toBeNull();
  });

  it('deletes ranges by score and by rank, reporting each member', () => {
    const s2 = new SkipList();
    for (let i = 0; i < 300; i++) s2.insert(i % 30, 'k' + i);
    const gone: string[] = [];
    expect(s2.deleteRangeByScore(range(5, 10, true, false), (e) => gone.push(e))).toBe(50);
    expect(gone.length).toBe(50);
    checkInvariants(s2);
    expect(s2.firstInRange(range(5.5, 10))).toBe(0);
    const before = contents(s2);
    const gone2: string[] = [];
    expect(s2.deleteRangeByRank(10, 19, (e) => gone2.push(e))).toBe(10);
    expect(gone2).toEqual(before.slice(9, 19).map((p) => p[1]));
    checkInvariants(s2);
    expect(contents(s2)).toEqual([...before.slice(0, 9), ...before.slice(19)]);
  });
});

describe('lex ranges', () => {
  const sl = new SkipList();
  for (const e of ['', 'a', 'aa', 'ab', 'b', 'c', 'd']) sl.insert(0, e);
  const members = (r: LexRange, linear = false): string[] => {
    const out: string[] = [];
    let n = linear ? sl.firstInLexRangeLinear(r) : sl.firstInLexRange(r);
    while (n !== 0) {
      out.push(sl.ele(n));
      if (linear ? sl.lastInLexRangeLinear(r) === n : sl.lastInLexRange(r) === n) break;
      n = sl.next(n);
    }
    return out;
  };

  it('finds members between [ ( - + bounds, by traversal and by linear scan', () => {
    for (const linear of [false, true]) {
      expect(members(lex('-', '+'), linear)).toEqual(['', 'a', 'aa', 'ab', 'b', 'c', 'd']);
      expect(members(lex('[a', '[b'), linear)).toEqual(['a', 'aa', 'ab', 'b']);
      expect(members(lex('(a', '(b'), linear)).toEqual(['aa', 'ab']);
      expect(members(lex('[', '(a'), linear)).toEqual(['']);
      expect(members(lex('(', '[a'), linear)).toEqual(['a']);
      expect(members(lex('[c', '+'), linear)).toEqual(['c', 'd']);
      expect(members(lex('[e', '+'), linear)).toEqual([]);
      expect(members(lex('[b', '[a'), linear)).toEqual([]);
    }
  });

  it('compares "-" and "+" like Redis shared min/max strings', () => {
    expect(lexRangeEmpty(lex('-', '-'))).toBe(true);
    expect(lexRangeEmpty(lex('+', '+'))).toBe(true);
    expect(lexRangeEmpty(lex('+', '-'))).toBe(true);
    expect(lexRangeEmpty(lex('-', '+'))).toBe(false);
    expect(lexRangeEmpty(lex('[a', '(a'))).toBe(true);
    expect(lexRangeEmpty(lex('[a', '[a'))).toBe(false);
    expect(lexRangeEmpty(lex('[b', '[a'))).toBe(true);
  });

  it('deletes lex ranges', () => {
    const s2 = new SkipList();
    for (const e of ['a', 'b', 'c', 'd', 'e']) s2.insert(0, e);
    const gone: string[] = [];
    expect(s2.deleteRangeByLex(lex('(a', '[c'), (e) => gone.push(e))).toBe(2);
    expect(gone).toEqual(['b', 'c']);
    expect(s2.deleteRangeByLexLinear(lex('[d', '+'), (e) => gone.push(e))).toBe(2);
    expect(contents(s2).map((p) => p[1])).toEqual(['a']);
    checkInvariants(s2);
  });
});

describe('building and copying', () => {
  it('appender builds the same list as inserts, with valid spans', () => {
    const sl = new SkipList();
    const append = sl.appender();
    const items: Pair[] = [];
    for (let i = 0; i < 2000; i++) items.push([Math.floor(i / 3), 'x' + String(i).padStart(5, '0')]);
    for (const [s, e] of items) append(s, e);
    expect(contents(sl)).toEqual(items);
    checkInvariants(sl);
    // and stays a normal list afterwards
    sl.insert(0.5, 'new');
    expect(sl.delete(0, 'x00000')).toBe(true);
    checkInvariants(sl);
    expect(rankOfPair(sl, 0.5, 'new')).toBe(3);
    expect(() => sl.appender()).toThrow();
  });

  it('clone is independent', () => {
    const sl = new SkipList();
    for (let i = 0; i < 100; i++) sl.insert(i, 'e' + i);
    const c = sl.clone();
    sl.delete(5, 'e5');
    c.insert(1000, 'extra');
    expect(sl.length).toBe(99);
    expect(c.length).toBe(101);
    expect(rankOfPair(c, 5, 'e5')).toBe(6);
    checkInvariants(sl);
    checkInvariants(c);
  });
});

describe('ZSet', () => {
  const limits = { entries: 4, value: 3 };

  it('implements zsetAdd flags and results', () => {
    const z = new ZSet();
    expect(z.add(1, 'a', 0, limits)).toBe(ZADD_OUT_ADDED);
    expect(z.add(1, 'a', 0, limits)).toBe(0);
    expect(z.add(2, 'a', ZADD_IN_NX, limits)).toBe(ZADD_OUT_NOP);
    expect(z.add(0, 'a', ZADD_IN_GT, limits)).toBe(ZADD_OUT_NOP);
    expect(z.add(5, 'a', ZADD_IN_GT, limits)).toBe(ZADD_OUT_UPDATED);
    expect(z.add(2, 'a', ZADD_IN_INCR, limits)).toBe(ZADD_OUT_UPDATED);
    expect(z.newScore).toBe(7);
    expect(z.add(Infinity, 'a', ZADD_IN_INCR, limits)).toBe(ZADD_OUT_UPDATED);
    expect(z.add(-Infinity, 'a', ZADD_IN_INCR, limits)).toBe(ZADD_OUT_NAN);
    expect(z.score('a')).toBe(Infinity);
    expect(z.rank('a', false)).toBe(0);
    expect(z.rank('a', true)).toBe(0);
    expect(z.rank('b', false)).toBe(-1);
  });

  it('converts listpack to skiplist one way, and keeps -0 only in a skiplist', () => {
    const z = new ZSet();
    z.add(-0, 'a', 0, limits);
    expect(Object.is(z.score('a'), 0)).toBe(true); // listpack stores the integer 0
    for (const e of ['b', 'c', 'd']) z.add(1, e, 0, limits);
    expect(z.encoding()).toBe('listpack');
    z.add(1, 'e', 0, limits); // 5 > 4 entries
    expect(z.encoding()).toBe('skiplist');
    z.add(-0, 'f', 0, limits);
    expect(Object.is(z.score('f'), -0)).toBe(true);
    for (const e of ['b', 'c', 'd', 'e', 'f']) z.remove(e);
    expect(z.encoding()).toBe('skiplist');
    const y = new ZSet();
    y.add(1, 'long', 0, limits); // member longer than 3 bytes
    expect(y.encoding()).toBe('skiplist');
  });

  it('dup() copies members, scores and encoding', () => {
    const z = new ZSet();
    for (let i = 0; i < 10; i++) z.add(i, 'm' + i, 0, limits);
    const d = z.dup();
    expect(d.encoding()).toBe('skiplist');
    z.remove('m1');
    d.add(100, 'x', 0, limits);
    expect(z.length).toBe(9);
    expect(d.length).toBe(11);
    expect(d.score('m1')).toBe(1);
    expect(d.rank('x', false)).toBe(10);
    expect(z.score('x')).toBeUndefined();
  });

  it('compacts its buffer once it has shrunk to a small part of its peak', () => {
    const z = new ZSet();
    for (let i = 0; i < 20000; i++) z.add(i, 'm' + i, 0, limits);
    const peak = z.sl.bufferBytes;
    for (let i = 0; i < 19990; i++) z.remove('m' + i);
    expect(z.sl.bufferBytes).toBeLessThan(peak / 8);
    expect(z.length).toBe(10);
    checkInvariants(z.sl);
    for (let i = 19990; i < 20000; i++) expect(z.rank('m' + i, false)).toBe(i - 19990);
    expect(z.score('m19999')).toBe(19999);
  });

  it('fromSorted builds a set from ordered members', () => {
    const z = ZSet.fromSorted(['a', 'b', 'c'], [1, 1, 2], true);
    expect(z.encoding()).toBe('listpack');
    expect(z.rank('c', false)).toBe(2);
    expect(z.score('b')).toBe(1);
    z.add(0, 'd', 0, limits);
    expect(z.rank('d', false)).toBe(0);
  });

  it('scanStep walks every member once', () => {
    const z = new ZSet();
    for (let i = 0; i < 300; i++) z.add(i, 'm' + i, 0, limits);
    const seen = new Set<string>();
    let cursor = 0n;
    let steps = 0;
    do {
      const out: string[] = [];
      cursor = BigInt(z.scanStep(cursor, 7, out));
      for (const m of out) {
        expect(seen.has(m)).toBe(false);
        seen.add(m);
      }
      steps++;
    } while (cursor !== 0n);
    expect(seen.size).toBe(300);
    expect(steps).toBe(Math.ceil(300 / 7));
  });

  it('prints listpack scores as stored', () => {
    expect(listpackScoreString(1e18, formatDouble)).toBe('1000000000000000000');
    expect(listpackScoreString(5e18, formatDouble)).toBe('5e+18');
    expect(listpackScoreString(-0, formatDouble)).toBe('0');
    expect(listpackScoreString(1.5, formatDouble)).toBe('1.5');
    expect(listpackScoreString(Infinity, formatDouble)).toBe('inf');
    expect(listpackScoreString(-4611686018427387904, formatDouble)).toBe('-4611686018427387904');
  });
});
