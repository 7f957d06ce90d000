/**
 * The differential scripts of zsets.test.ts: sorted set commands whose
 * replies are deterministic, to be run on a real redis-server and on
 * tredis and compared byte for byte, plus a seeded random script.
 */
import type { Args } from '../compat/harness';

/** "ZADD k 1 a" → args; "..." is one literal argument (may be empty), \0 a NUL byte. */
function cmd(line: string): Args {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1] : m[2]).replace(/\\0/g, '\0'));
}

const S = (...lines: string[]): Args[] => lines.map(cmd);
const LONG70 = 'x'.repeat(70);

export const scripts: Record<string, Args[]> = {
  'ZADD and ZINCRBY: options, conflicts, INCR, NaN, -0 by encoding': S(
    'ZADD z 1 a 2 b',
    'ZADD z nx xx 1 a',
    'ZADD z gt nx 1 a',
    'ZADD z lt nx 1 a',
    'ZADD z incr 1 a 2 b',
    'ZINCRBY z nx a',
    'ZINCRBY z ch a',
    'ZADD z incr nx 1 a',
    'ZADD z incr nx 1 new',
    'ZADD z gt lt 1 a',
    'ZADD z xx gt 1 a',
    'ZADD z xx gt 5 a',
    'ZADD z xx 5 nothere',
    'ZADD z ch 5 a 6 b 7 c',
    'ZADD z ch lt 1 a 10 b',
    'ZADD z CH GT 1 a 100 b 3 d',
    'ZADD z "nx\\0junk" 1 a',
    'ZRANGE z 0 -1 WITHSCORES',
    'ZADD z incr 1.5 a',
    'ZADD z incr +inf a',
    'ZADD z incr -inf a',
    'ZINCRBY z -inf a',
    'ZSCORE z a',
    'ZADD z 1',
    'ZADD z nx',
    'ZADD z abc a',
    'ZADD z 1 a abc b',
    'ZADD z nan a',
    'ZADD z 0x10 hex 1e3 e " 1" sp',
    'ZADD z "1 " sp',
    'ZADD l -0 a',
    'ZSCORE l a',
    'ZINCRBY l -0 newm',
    'ZSCORE l newm',
    'ZADD l incr -0 newm2',
    'ZSCAN l 0',
    'ZADD l 1e18 big 1.5 c 5e18 huge -4611686018427387904 low',
    'ZSCAN l 0',
    'ZRANGE l 0 -1 WITHSCORES',
    `ZADD s 1 ${LONG70}`,
    'ZADD s -0 a',
    'ZSCORE s a',
    'ZINCRBY s -0 a',
    'OBJECT ENCODING s',
    'OBJECT ENCODING l',
    'SET str x',
    'ZADD str 1 a',
    'ZADD str x a',
    'ZINCRBY str 1 a',
    'ZINCRBY nokey 1 a',
    'ZINCRBY nokey2 1 abc',
    'ZINCRBY nokey2 abc a',
    'ZADD nokey3 xx 1 a',
    'ZADD nokey3 xx incr 1 a',
    'EXISTS nokey3',
    'ZCARD z',
    'ZCARD nokey',
    'ZCARD str',
    'ZSCORE z nope',
    'ZSCORE nokey a',
    'ZSCORE str a',
    'ZMSCORE z a nope b',
    'ZMSCORE nokey a b',
    'ZMSCORE str a',
    'ZRANK z a',
    'ZRANK z c',
    'ZREVRANK z a',
    'ZRANK z nope',
    'ZRANK nokey a',
    'ZRANK str a',
    'ZREM z nope',
    'ZREM z a nope b',
    'ZREM nokey a',
    'ZREM str a',
    'ZREM z c d e hex new sp',
    'EXISTS z',
  ),

  'ranges: by rank, score and lex, LIMIT, REV, WITHSCORES, errors': [
    ...S(
      'ZADD z 0 a 16 b 3 c 3 d -1 e +inf f -inf g',
      'ZRANGEBYSCORE z "" ""',
      'ZRANGEBYSCORE z "(" 100',
      'ZRANGEBYSCORE z " 1" 100',
      'ZRANGEBYSCORE z "1 " 100',
      'ZRANGEBYSCORE z " " 100',
      'ZRANGEBYSCORE z (nan 100',
      'ZRANGEBYSCORE z 0x10 100',
      'ZRANGEBYSCORE z -inf (inf',
      'ZRANGEBYSCORE z -infinity infinity WITHSCORES',
      'ZRANGEBYSCORE z 1\\0x 100',
      'ZRANGEBYSCORE z 1e999 1e999',
      'ZCOUNT z -inf +inf',
      'ZCOUNT z (3 3',
      'ZCOUNT z 3 3',
      'ZCOUNT z (-1 (16',
      'ZCOUNT z 5 4',
      'ZCOUNT z x 4',
      'ZCOUNT nokey 1 2',
      'ZRANGEBYSCORE z +1 +16 LIMIT -1 5',
      'ZRANGEBYSCORE z -inf +inf LIMIT 1 -1',
      'ZRANGEBYSCORE z -inf +inf LIMIT 3 1',
      'ZRANGEBYSCORE z -inf +inf LIMIT 3 0',
      'ZRANGEBYSCORE z -inf +inf LIMIT 7 1',
      'ZRANGEBYSCORE z -inf +inf LIMIT 6 10',
      'ZRANGEBYSCORE z -inf +inf LIMIT 0 2 WITHSCORES',
      'ZREVRANGEBYSCORE z +inf -inf LIMIT 1 1 WITHSCORES',
      'ZREVRANGEBYSCORE z +inf -inf LIMIT 2 3',
      'ZREVRANGEBYSCORE z 3 -inf',
      'ZREVRANGEBYSCORE z -inf 3',
      'ZRANGEBYSCORE z 0 1 REV',
      'ZRANGEBYSCORE z 0 1 LIMIT 0',
      'ZRANGEBYSCORE z 0 1 LIMIT x 1',
      'ZRANGEBYSCORE z 0 1 LIMIT 1 x',
      'ZRANGEBYSCORE z 0 1 WITHSCORES WITHSCORES',
      'ZRANGE z 0 -1',
      'ZRANGE z 0 -1 WITHSCORES',
      'ZRANGE z 2 3 REV WITHSCORES',
      'ZRANGE z -3 -1',
      'ZRANGE z -100 100',
      'ZRANGE z 5 2',
      'ZRANGE z 7 10',
      'ZRANGE z 0 -1 LIMIT 0 1',
      'ZRANGE z 0 -1 LIMIT 0 -1',
      'ZRANGE z a b BYLEX WITHSCORES',
      'ZRANGE z 0 1 BYSCORE BYLEX',
      'ZRANGE z 0 1 REV REV',
      'ZRANGE z x 1 BYSCORE',
      'ZRANGE z x 1 BYLEX',
      'ZRANGE z x 1',
      'ZRANGE z 3 0 BYSCORE REV',
      'ZRANGE z (3 0 byscore rev limit 0 1 withscores',
      'ZRANGE z +inf -inf BYSCORE REV LIMIT 2 2',
      'ZREVRANGE z 0 1 WITHSCORES',
      'ZREVRANGE z 0 1 LIMIT 0 1',
      'ZREVRANGE z 0 1 BYSCORE',
      'ZRANGE nokey 0 -1 WITHSCORES',
      'SET str x',
      'ZRANGE str 0 -1',
      'ZRANGE str x -1',
      'ZRANGEBYSCORE str x 1',
      'ZADD lex 0 a 0 b 0 c 0 d 0 e 0 aa 0 ab 0 ""',
      'ZRANGEBYLEX lex - +',
      'ZRANGEBYLEX lex - + LIMIT 1 2',
      'ZRANGEBYLEX lex - + LIMIT -1 2',
      'ZRANGEBYLEX lex - + LIMIT 1 -1',
      'ZRANGEBYLEX lex [a [b',
      'ZRANGEBYLEX lex (a (b',
      'ZRANGEBYLEX lex [ (b',
      'ZRANGEBYLEX lex ( (b',
      'ZRANGEBYLEX lex - -',
      'ZRANGEBYLEX lex + -',
      'ZRANGEBYLEX lex [b [b',
      'ZRANGEBYLEX lex (b [b',
      'ZRANGEBYLEX lex a b',
      'ZRANGEBYLEX lex "" +',
      'ZRANGEBYLEX lex -x +',
      'ZRANGEBYLEX lex -\\0x +\\0',
      'ZRANGEBYLEX lex - + WITHSCORES',
      'ZREVRANGEBYLEX lex + - LIMIT 1 3',
      'ZREVRANGEBYLEX lex [c (a',
      'ZREVRANGEBYLEX lex (a [c',
      'ZRANGE lex [c (a BYLEX REV',
      'ZRANGE lex (a [c BYLEX LIMIT 1 1',
      'ZLEXCOUNT lex - +',
      'ZLEXCOUNT lex (a (b',
      'ZLEXCOUNT lex x y',
      'ZLEXCOUNT nokey - +',
      'ZLEXCOUNT str - +',
      'ZADD mix 1 z 2 y 3 x 4 b 5 a 6 c',
      'ZRANGEBYLEX mix [b [y',
      'ZRANGEBYLEX mix - [c',
      'ZREVRANGEBYLEX mix [y [b',
      'ZLEXCOUNT mix [b [y',
      'ZREMRANGEBYLEX mix [b [y',
      'ZRANGE mix 0 -1',
    ),
  ],

  'ZRANGESTORE: encodings, REV, BYLEX scores, empty results': S(
    'ZADD z 0 a 16 b 3 c 3 d -1 e +inf f -inf g',
    'ZADD lex 0 a 0 b 0 c',
    'ZRANGESTORE dst z 0 -1',
    'ZRANGE dst 0 -1 WITHSCORES',
    'OBJECT ENCODING dst',
    'ZRANGESTORE dst z 0 -1 WITHSCORES',
    'ZRANGESTORE dst z 1 2 REV',
    'ZRANGE dst 0 -1 WITHSCORES',
    'ZRANGESTORE dst z (3 +inf BYSCORE LIMIT 0 2',
    'ZRANGE dst 0 -1 WITHSCORES',
    'ZRANGESTORE dst lex [a [b BYLEX',
    'ZRANGE dst 0 -1 WITHSCORES',
    'ZRANGESTORE dst lex [z [zz BYLEX',
    'EXISTS dst',
    'ZRANGESTORE dst nokey 0 -1',
    'SET str x',
    'ZRANGESTORE dst2 str 0 -1',
    'SET dst3 foo',
    'EXPIRE dst3 100',
    'ZRANGESTORE dst3 z 0 0',
    'TYPE dst3',
    'TTL dst3',
    'ZRANGESTORE dst3 z 0 -1 LIMIT 0 1',
    'ZRANGESTORE z z 1 2',
    'ZRANGE z 0 -1 WITHSCORES',
  ),

  'ZREMRANGEBY*, ZPOPMIN/MAX, ZMPOP, ZRANDMEMBER arguments': S(
    'ZADD z 1 a 2 b 3 c 4 d 5 e 6 f',
    'ZREMRANGEBYRANK z 0 0',
    'ZREMRANGEBYRANK z -1 -1',
    'ZREMRANGEBYRANK z 10 20',
    'ZREMRANGEBYRANK z 2 1',
    'ZREMRANGEBYRANK z x 1',
    'ZREMRANGEBYRANK nokey 0 1',
    'ZREMRANGEBYSCORE z (2 3',
    'ZREMRANGEBYSCORE z x 3',
    'ZREMRANGEBYSCORE z 10 20',
    'ZRANGE z 0 -1',
    'ZREMRANGEBYSCORE z -inf +inf',
    'EXISTS z',
    'ZADD z 0 a 0 b 0 c 0 d',
    'ZREMRANGEBYLEX z [b (d',
    'ZREMRANGEBYLEX z x y',
    'ZREMRANGEBYLEX z - +',
    'EXISTS z',
    'SET str x',
    'ZREMRANGEBYRANK str 0 1',
    'ZREMRANGEBYSCORE str x 1',
    'ZREMRANGEBYLEX str - +',
    'ZADD p 1 a 2 b 3 c 4 d 5 e',
    'ZPOPMIN p',
    'ZPOPMAX p',
    'ZPOPMIN p 0',
    'ZPOPMIN p -1',
    'ZPOPMIN p x',
    'ZPOPMIN p 1 2',
    'ZPOPMIN p 2',
    'ZPOPMAX p 10',
    'EXISTS p',
    'ZPOPMIN p',
    'ZPOPMAX nokey 0',
    'ZPOPMIN str',
    'ZADD p 1 a 2 b 3 c 4 d 5 e',
    'ZMPOP 0 p MIN',
    'ZMPOP x p MIN',
    'ZMPOP 2 p MIN',
    'ZMPOP 1 p foo',
    'ZMPOP 1 p MIN COUNT 0',
    'ZMPOP 1 p MIN COUNT x',
    'ZMPOP 1 p MIN COUNT 1 COUNT 1',
    'ZMPOP 1 p MIN COUNT',
    'ZMPOP 1 p MIN',
    'ZMPOP 1 p max count 2',
    'ZMPOP 2 nokey p MAX COUNT 10',
    'ZMPOP 2 nokey p MAX COUNT 10',
    'ZMPOP 2 nokey str MIN',
    'ZADD p 1 a',
    'ZMPOP 2 p str MIN',
    'ZRANDMEMBER nokey',
    'ZRANDMEMBER nokey 5 WITHSCORES',
    'ZRANDMEMBER str',
    'ZRANDMEMBER str 1',
    'ZRANDMEMBER p -9223372036854775808',
    'ZRANDMEMBER p 1 foo',
    'ZRANDMEMBER p 1 WITHSCORES foo',
    'ZRANDMEMBER p 4611686018427387904 WITHSCORES',
    'ZRANDMEMBER p 4611686018427387903 WITHSCORES',
    'ZRANDMEMBER p -4611686018427387904 WITHSCORES',
    'ZRANDMEMBER p x WITHSCORES',
    'ZRANDMEMBER p 0',
    'ZRANDMEMBER p',
    'ZRANDMEMBER p 5 WITHSCORES',
    'ZRANDMEMBER p -3 WITHSCORES',
    'ZADD many 1 a 2 b 3 c 4 d 5 e',
    'ZRANDMEMBER many 5 WITHSCORES',
    'ZRANDMEMBER many 10',
    'ZSCAN nokey 0',
    'ZSCAN str 0',
    'ZSCAN many x',
    'ZSCAN many 0 COUNT 0',
    'ZSCAN many 0 COUNT x',
    'ZSCAN many 0 MATCH a*',
    'ZSCAN many 0 TYPE string',
    'ZSCAN many 0 COUNT 1 MATCH',
    'ZSCAN many 0 MATCH [a-c] COUNT 100',
  ),

  'ZUNION/ZINTER/ZDIFF[STORE], ZINTERCARD, WEIGHTS, AGGREGATE, sets as inputs': S(
    'ZADD z 1 a 2 b 3 c',
    'ZADD y 0 a 1 b 5 d',
    'SET str x',
    'ZUNIONSTORE d 0 z',
    'ZUNION 0 z',
    'ZINTERCARD 0 z',
    'ZUNION 2 z',
    'ZUNION x z',
    'ZUNION 1 z WEIGHTS x',
    'ZUNION 1 str WEIGHTS x',
    'ZUNION 1 z WEIGHTS 1 2',
    'ZUNION 1 z AGGREGATE foo',
    'ZUNION 1 z AGGREGATE',
    'ZINTERCARD 1 z LIMIT -1',
    'ZINTERCARD 1 z LIMIT x',
    'ZINTERCARD 1 z WITHSCORES',
    'ZINTERCARD 2 z y',
    'ZINTERCARD 2 z y LIMIT 1',
    'ZINTERCARD 2 z nokey',
    'ZDIFF 1 z WEIGHTS 1',
    'ZUNIONSTORE d 1 z WITHSCORES',
    'ZUNION 1 y WEIGHTS -1 WITHSCORES',
    'ZUNIONSTORE d 1 y WEIGHTS -1',
    'ZRANGE d 0 -1 WITHSCORES',
    'ZUNION 2 z y WITHSCORES AGGREGATE min',
    'ZUNION 2 z y WEIGHTS 2 3 AGGREGATE max WITHSCORES',
    'ZINTER 2 z y WITHSCORES',
    'ZINTER 2 z y WEIGHTS 2 3 AGGREGATE max WITHSCORES',
    'ZINTER 2 z z WITHSCORES',
    'ZINTER 3 z y nokey WITHSCORES',
    'ZDIFF 2 z y WITHSCORES',
    'ZDIFF 2 z z',
    'ZDIFF 2 nokey z',
    'ZINTERSTORE d 2 z y WEIGHTS 1 1 AGGREGATE sum',
    'ZRANGE d 0 -1 WITHSCORES',
    'ZDIFFSTORE d 2 z y',
    'ZDIFFSTORE d 2 z z',
    'EXISTS d',
    'ZINTERSTORE z 2 z y',
    'ZRANGE z 0 -1 WITHSCORES',
    'ZADD inf 1 a +inf b -inf c',
    'ZADD inf2 1 a -inf b +inf c',
    'ZUNION 2 inf inf2 WITHSCORES',
    'ZUNION 2 inf inf2 WEIGHTS 0 1 WITHSCORES',
    'ZUNION 1 inf WEIGHTS nan',
    'ZUNION 1 inf WEIGHTS "" WITHSCORES',
    'ZUNION 1 str',
    'ZUNION 2 nokey str',
    'ZUNIONSTORE str 1 inf',
    'TYPE str',
    'ZADD zz 1 a 2 b 3 c 1 10',
    'SADD s 10 2 3',
    'SADD hs a b x y',
    'ZUNION 3 zz s hs WITHSCORES',
    'ZINTER 2 hs zz WITHSCORES',
    'ZINTER 2 zz s WEIGHTS 2 5 WITHSCORES',
    'ZDIFF 2 hs zz WITHSCORES',
    'ZDIFF 2 s zz WITHSCORES',
    'ZUNIONSTORE d 2 s hs',
    'ZRANGE d 0 -1 WITHSCORES',
    'OBJECT ENCODING d',
    'ZINTERCARD 2 s hs',
    'HSET h a 1',
    'ZUNION 1 h',
  ),

  'encodings: thresholds, conversions, -0, COPY': S(
    'CONFIG SET zset-max-listpack-entries 4',
    'CONFIG SET zset-max-listpack-value 5',
    'ZADD a 1 a 2 b 3 c 4 d',
    'OBJECT ENCODING a',
    'ZADD a 5 e',
    'OBJECT ENCODING a',
    'ZREM a a b c d',
    'OBJECT ENCODING a',
    'ZADD b 1 aaaaa',
    'OBJECT ENCODING b',
    'ZADD b 1 aaaaaa',
    'OBJECT ENCODING b',
    'ZADD c 0 x -0 y',
    'ZUNIONSTORE u 1 c WEIGHTS -1',
    'OBJECT ENCODING u',
    'ZRANGE u 0 -1 WITHSCORES',
    'ZUNIONSTORE u2 2 a c WEIGHTS -1 1',
    'OBJECT ENCODING u2',
    'ZRANGE u2 0 -1 WITHSCORES',
    'ZADD big 1 a 2 b 3 c 4 d 5 e -0 f',
    'ZRANGESTORE r2 big 0 -1',
    'OBJECT ENCODING r2',
    'ZRANGE r2 0 -1 WITHSCORES',
    'ZRANGESTORE r3 big -inf +inf BYSCORE',
    'OBJECT ENCODING r3',
    'ZRANGE r3 0 -1 WITHSCORES',
    'ZRANGESTORE r4 big +inf -inf BYSCORE REV',
    'ZRANGE r4 0 -1 WITHSCORES',
    'ZRANGESTORE r5 big 0 3',
    'OBJECT ENCODING r5',
    'ZRANGE r5 0 -1 WITHSCORES',
    'COPY big bigcopy',
    'OBJECT ENCODING bigcopy',
    'ZRANGE bigcopy 0 -1 WITHSCORES',
    'COPY c ccopy',
    'OBJECT ENCODING ccopy',
    'ZADD bigcopy 10 z',
    'ZCARD big',
    'CONFIG SET zset-max-listpack-entries 0',
    'ZADD z0 -0 a',
    'OBJECT ENCODING z0',
    'ZSCORE z0 a',
    'CONFIG SET zset-max-listpack-entries 128',
    'CONFIG SET zset-max-listpack-value 0',
    'ZADD z1 -0 ""',
    'OBJECT ENCODING z1',
    'ZADD z1 -0 a',
    'OBJECT ENCODING z1',
    'ZSCORE z1 a',
    'CONFIG SET zset-max-listpack-value 64',
  ),

  'BZPOPMIN/BZPOPMAX/BZMPOP that need not block, and their errors': S(
    'ZADD z 1 a 2 b 3 c',
    'BZPOPMIN z 0',
    'BZPOPMAX z 0',
    'BZPOPMIN nokey z 0',
    'ZADD z 1 a 2 b 3 c',
    'BZPOPMIN nokey 0.01',
    'BZPOPMIN z x',
    'BZPOPMIN z -1',
    'BZMPOP 0.01 1 nokey MIN',
    'BZMPOP 0 1 z MIN COUNT 10',
    'ZADD z 1 a 2 b 3 c',
    'BZMPOP 0 2 nokey z MAX',
    'BZMPOP x 1 z MIN',
    'BZMPOP 0 0 z MIN',
    'BZMPOP x 0 z MIN',
    'BZMPOP x 1 z foo',
    'BZMPOP -1 1 z MIN',
    'BZMPOP 0 1 z MIN COUNT 0',
    'SET str x',
    'BZPOPMIN str 0',
    'BZMPOP 0 1 str MIN',
    'BZPOPMIN nokey str 0',
    'BZPOPMIN z str 0',
  ),

  'COMMAND GETKEYS for the numkeys commands': S(
    'COMMAND GETKEYS zunionstore dst 2 a b weights 1 2',
    'COMMAND GETKEYS zunionstore dst 3 a b',
    'COMMAND GETKEYS zunion 2 a b withscores',
    'COMMAND GETKEYS zinter 0 a',
    'COMMAND GETKEYS zintercard 2 a b limit 1',
    'COMMAND GETKEYS zmpop 2 a b min',
    'COMMAND GETKEYS zmpop 3 a b min',
    'COMMAND GETKEYS bzmpop 0 2 a b min',
    'COMMAND GETKEYS bzpopmin a b 0',
    'COMMAND GETKEYSANDFLAGS zunionstore dst 2 a b',
    'COMMAND GETKEYSANDFLAGS zrangestore d s 0 1',
    'COMMAND GETKEYS zmpop x a',
  ),
};

/** A seeded PRNG (mulberry32), so the random script is the same every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Random operations over three keys that grow past 128 members (skiplist)
 * and shrink again, with many equal scores, -0 and infinities; replies of
 * every command are deterministic.
 */
export function randomScript(seed: number, steps: number): Args[] {
  const rand = prng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  const keys = ['a', 'b', 'c'];
  const mem = () => `m${int(0, 400)}`;
  const score = () => pick([String(int(-50, 50)), (rand() * 100 - 50).toFixed(3), '-0', '0', '+inf', '-inf', '1e5']);
  const bound = () => (rand() < 0.3 ? '(' : '') + pick([String(int(-60, 60)), '-inf', '+inf', (rand() * 120 - 60).toFixed(2)]);
  const lexb = () => (rand() < 0.1 ? '-' : rand() < 0.1 ? '+' : pick(['[', '(']) + mem());
  const out: Args[] = [];
  for (let i = 0; i < steps; i++) {
    const k = pick(keys);
    const r = rand();
    if (r < 0.3) {
      const a = ['ZADD', k, ...pick([[], [], ['NX'], ['XX'], ['GT'], ['LT'], ['CH'], ['XX', 'GT'], ['CH', 'LT']])];
      for (let j = int(1, 30); j > 0; j--) a.push(score(), mem());
      out.push(a);
    } else if (r < 0.35) out.push(['ZINCRBY', k, score(), mem()]);
    else if (r < 0.42) out.push(['ZREM', k, ...Array.from({ length: int(1, 5) }, mem)]);
    else if (r < 0.5) out.push([pick(['ZRANK', 'ZREVRANK']), k, mem()]);
    else if (r < 0.55) out.push(['ZSCORE', k, mem()]);
    else if (r < 0.62) {
      const a = ['ZRANGE', k, String(int(-300, 300)), String(int(-300, 300))];
      if (rand() < 0.5) a.push('WITHSCORES');
      if (rand() < 0.3) a.push('REV');
      out.push(a);
    } else if (r < 0.7) {
      const a = [pick(['ZRANGEBYSCORE', 'ZREVRANGEBYSCORE']), k, bound(), bound()];
      if (rand() < 0.5) a.push('WITHSCORES');
      if (rand() < 0.5) a.push('LIMIT', String(int(-2, 250)), String(int(-2, 30)));
      out.push(a);
    } else if (r < 0.74) out.push(['ZCOUNT', k, bound(), bound()]);
    else if (r < 0.76) out.push(['ZREMRANGEBYSCORE', k, bound(), bound()]);
    else if (r < 0.78) out.push(['ZREMRANGEBYRANK', k, String(int(-300, 300)), String(int(-300, 300))]);
    else if (r < 0.8) out.push(['ZCARD', k]);
    else if (r < 0.83) out.push([pick(['ZPOPMIN', 'ZPOPMAX']), k, String(int(0, 5))]);
    else if (r < 0.86) {
      const op = pick(['ZUNIONSTORE', 'ZINTERSTORE', 'ZDIFFSTORE']);
      const a = [op, pick([...keys, 'd']), '2', pick(keys), pick(keys)];
      if (op !== 'ZDIFFSTORE' && rand() < 0.5) a.push('WEIGHTS', String(int(-2, 2)), (rand() * 4 - 2).toFixed(1));
      if (op !== 'ZDIFFSTORE' && rand() < 0.5) a.push('AGGREGATE', pick(['SUM', 'MIN', 'MAX']));
      out.push(a);
    } else if (r < 0.89) out.push([pick(['ZUNION', 'ZINTER', 'ZDIFF']), '2', pick(keys), pick(keys), 'WITHSCORES']);
    else if (r < 0.91) out.push(['ZRANGESTORE', 'd', k, bound(), bound(), 'BYSCORE', ...(rand() < 0.3 ? ['REV'] : [])]);
    else if (r < 0.93) out.push(['ZMSCORE', k, mem(), mem()]);
    else if (r < 0.95) out.push(['OBJECT', 'ENCODING', k]);
    else if (r < 0.97) out.push(['ZRANGE', 'd', '0', '-1', 'WITHSCORES']);
    else {
      const a = ['ZADD', 'lex'];
      for (let j = 0; j < 5; j++) a.push('0', mem());
      out.push(a);
    }
    if (rand() < 0.02) {
      out.push(['ZRANGEBYLEX', 'lex', lexb(), lexb()], ['ZLEXCOUNT', 'lex', lexb(), lexb()], ['ZREMRANGEBYLEX', 'lex', lexb(), lexb()]);
    }
  }
  return out;
}
