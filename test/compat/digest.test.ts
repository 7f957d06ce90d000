/**
 * DEBUG DIGEST and DEBUG DIGEST-VALUE against a real redis-server: the same
 * data built on both servers must give the same 40-hex-digit signatures,
 * for every type and encoding (integer-encoded, embstr, raw and in-place
 * byte strings, HLLs, lists, intset and hashtable sets, listpack and
 * hashtable hashes, listpack and skiplist sorted sets with scores from 0.1
 * to 1e300, inf and -0, streams with deleted entries and consumer groups),
 * keys with a TTL, several databases, the empty server, missing keys and
 * argument errors, in RESP2 and RESP3.
 *
 * Then the seeded command generators (random-runner.ts) run on both
 * servers, with DEBUG DIGEST (and DEBUG DIGEST-VALUE of every argument the
 * last commands used, in each db) compared every CHECK_EVERY commands.
 *
 *   COMPAT_DIGEST_SEEDS=7101,7102   seeds of the random part (default: one of each
 *                                   generator, 7101 7102 7103 7104 7106 7111)
 *   COMPAT_DIGEST_COMMANDS=1500     commands per seed (default 2000)
 */
import { Args, Mismatch, Pair, Proto, S, Step, Servers, describeScripts, sleep, useServers } from './harness';
import { BitmapGen } from './generator-bitmaps';
import { HllGen } from './generator-hll';
import { describeRandomSeeds, familyGenerator, runSeed, seedsFrom } from './random-runner';

const servers = useServers();

const digestOf = (...keys: string[]): string => `DEBUG DIGEST-VALUE ${keys.join(' ')}`;

/** Scores as ZADD reads them, for both encodings. */
const SCORES = [
  '0', '-0', '1', '-1', '0.1', '0.3', '1.5', '-2.5', '3.0', '100', '123.456', '1e-5', '1e-4', '0.001', '1.5e-7',
  '1e15', '1e16', '1e17', '1e18', '1e21', '123456789012345678', '9007199254740993', '4611686018427387904',
  '1e300', '-1e300', '1.7976931348623157e308', '5e-324', '2.2250738585072014e-308', 'inf', '-inf', '+inf',
  '0.30000000000000004', '3.14159265358979323846', '-0.0', '1e-320', '4.35', '0.5', '2.675',
];

/** A Lua loop on both servers: `body` runs for i = 1..n. */
const loop = (n: number, body: string): Args => ['EVAL', `for i = 1, ${n} do ${body} end return 1`, '0'];

const scripts: Record<string, Step[]> = {
  'the empty server, missing keys and argument errors': S(
    'DEBUG DIGEST',
    'debug digest',
    'DEBUG DiGeSt-VaLuE nosuch',
    'DEBUG DIGEST-VALUE',
    'DEBUG DIGEST-VALUE a b c',
    'DEBUG DIGEST extra',
    'DEBUG DIGEST a b',
    'SET k v',
    'DEBUG DIGEST extra',
    'DEBUG DIGEST-VALUE k nosuch k',
    'DEL k',
    'DEBUG DIGEST',
    'SELECT 5',
    'DEBUG DIGEST',
  ),

  'strings in every encoding': S(
    'SET s hello',
    'SET empty ""',
    ['SET', 'bin', 'a\x00b\xff\xfe\r\n'],
    ['SET', '\x00\xffkey', 'v'],
    'SET i 12345',
    'SET zero 0',
    'SET neg -42',
    'SET max 9223372036854775807',
    'SET min -9223372036854775808',
    'SET over 9223372036854775808',
    'SET pad 007',
    'SET mz -0',
    'SET sp " 1"',
    ['SET', 'long', 'x'.repeat(45)],
    ['SET', 'bigger', 'y'.repeat(447)],
    ['SET', 'native', 'z'.repeat(448)],
    ['SET', 'huge', 'abcdefghij'.repeat(5000)],
    'OBJECT ENCODING i',
    'OBJECT ENCODING long',
    digestOf('s', 'empty', 'bin', '\x00\xffkey', 'i', 'zero', 'neg', 'max', 'min', 'over', 'pad', 'mz', 'sp', 'long', 'bigger', 'native', 'huge'),
    'APPEND app abc',
    'APPEND app 123',
    'SETRANGE sr 3 xyz',
    'SETRANGE i 0 9',
    'INCR ctr',
    'INCRBY ctr 99',
    'DECR dec',
    'INCRBYFLOAT f 1.5',
    'INCRBYFLOAT f2 3',
    'INCRBYFLOAT f3 0.1',
    'SETBIT bits 100 1',
    'SETBIT bits 7 1',
    'SETBIT bits2 40000 1',
    'BITFIELD bf SET u8 0 255 SET i16 8 -3',
    'BITOP OR dest bits bits2',
    'COPY s scopy',
    'COPY i icopy',
    'GETSET s replaced',
    'OBJECT ENCODING app',
    'OBJECT ENCODING f2',
    digestOf('app', 'sr', 'i', 'ctr', 'dec', 'f', 'f2', 'f3', 'bits', 'bits2', 'bf', 'dest', 'scopy', 'icopy', 's'),
    'DEBUG DIGEST',
  ),

  'HyperLogLogs, sparse and dense': S(
    'PFADD h1 a b c',
    loop(3000, "redis.call('pfadd', 'h2', 'e' .. i)"),
    'PFDEBUG ENCODING h1',
    'PFDEBUG ENCODING h2',
    'PFCOUNT h1 h2',
    'PFMERGE h3 h1 h2',
    'PFADD h1 d',
    digestOf('h1', 'h2', 'h3'),
    'DEBUG DIGEST',
  ),

  'lists': S(
    'RPUSH l a b c 1 2 -3 ""',
    'LPUSH l first',
    ['RPUSH', 'bin', '\x00', '\xff\x00\xff', 'x'.repeat(500)],
    'RPUSH one x',
    'RPUSH rev c b a',
    'RPUSH fwd a b c',
    loop(1000, "redis.call('rpush', 'big', i, 'v' .. i)"),
    'LSET l 2 changed',
    'LINSERT l BEFORE changed ins',
    'LREM big 0 5',
    'LTRIM big 10 -10',
    'LPOP fwd',
    'RPUSH fwd c',
    'LMOVE rev moved RIGHT LEFT',
    digestOf('l', 'bin', 'one', 'rev', 'fwd', 'big', 'moved'),
    'DEBUG DIGEST',
  ),

  'sets: intset and hashtable, any insertion order': S(
    'SADD ints 3 1 2 -5 100',
    'SADD ints2 100 -5 2 1 3',
    'SADD big64 9223372036854775807 -9223372036854775808 0 4294967296 -2147483649',
    'OBJECT ENCODING ints',
    'SADD strs a b c 1 2',
    'SADD strs2 2 1 c b a',
    ['SADD', 'bin', '\x00', '', '\xff'],
    'SADD conv 1 2 3',
    'SADD conv x',
    'SREM conv x',
    'OBJECT ENCODING conv',
    loop(600, "redis.call('sadd', 'manyints', i * 3)"),
    'OBJECT ENCODING manyints',
    loop(300, "redis.call('sadd', 'many', 'm' .. i)"),
    'SREM many m7 m100',
    'SMOVE many ints m8',
    'SINTERSTORE inter strs strs2',
    'SUNIONSTORE uni ints big64',
    'SDIFFSTORE diff manyints ints',
    'SPOP one 10',
    digestOf('ints', 'ints2', 'big64', 'strs', 'strs2', 'bin', 'conv', 'manyints', 'many', 'inter', 'uni', 'diff'),
    'DEBUG DIGEST',
  ),

  'sets under other intset limits': S(
    'CONFIG SET set-max-intset-entries 4',
    'SADD s 1 2 3 4',
    'OBJECT ENCODING s',
    'SADD s 5',
    'OBJECT ENCODING s',
    'SADD t 5 4 3 2 1',
    digestOf('s', 't'),
    'DEBUG DIGEST',
    'CONFIG SET set-max-intset-entries 512',
  ),

  'hashes: listpack and hashtable, any field order': S(
    'HSET h f1 v1 f2 v2 n 1',
    'HSET h2 n 1 f2 v2 f1 v1',
    ['HSET', 'bin', '\x00', '\xff', '', 'empty'],
    ['HSET', 'longval', 'f', 'v'.repeat(65)],
    'OBJECT ENCODING longval',
    loop(200, "redis.call('hset', 'many', 'f' .. i, i)"),
    'OBJECT ENCODING many',
    'HDEL many f3 f77',
    'HINCRBY h n 41',
    'HINCRBYFLOAT h fl 0.1',
    'HINCRBYFLOAT h fl2 3.0e3',
    'HSETNX h f1 other',
    'HSET h f1 new',
    digestOf('h', 'h2', 'bin', 'longval', 'many'),
    'DEBUG DIGEST',
  ),

  'sorted sets: scores in the listpack encoding': S(
    ...SCORES.map((s, i): Args => ['ZADD', 'z', s, `m${i}`]),
    'OBJECT ENCODING z',
    ...SCORES.map((s, i): Args => ['ZADD', `z${i}`, s, 'm']),
    digestOf('z', ...SCORES.map((_, i) => `z${i}`)),
    'DEBUG DIGEST',
  ),

  'sorted sets: scores in the skiplist encoding': S(
    'CONFIG SET zset-max-listpack-entries 0',
    ...SCORES.map((s, i): Args => ['ZADD', 'z', s, `m${i}`]),
    'OBJECT ENCODING z',
    ...SCORES.map((s, i): Args => ['ZADD', `z${i}`, s, 'm']),
    digestOf('z', ...SCORES.map((_, i) => `z${i}`)),
    'DEBUG DIGEST',
    'CONFIG SET zset-max-listpack-entries 128',
  ),

  'sorted sets: conversions, -0 and computed scores': S(
    'ZADD a 1 x 2 y 3 z',
    'ZADD b 3 z 1 x 2 y',
    loop(200, "redis.call('zadd', 'big', i / 7, 'e' .. i)"),
    'OBJECT ENCODING big',
    ['ZADD', 'longm', '1', 'm'.repeat(65)],
    'OBJECT ENCODING longm',
    'ZADD n -0 m 1 a',
    'ZUNIONSTORE nlp 1 n WEIGHTS -1',
    'ZRANGE nlp 0 -1 WITHSCORES',
    'ZUNIONSTORE nsk 2 n longm WEIGHTS -1 1',
    'OBJECT ENCODING nsk',
    'ZINCRBY a 0.1 x',
    'ZINCRBY a -2 y',
    'ZINCRBY a 1e300 z',
    'ZADD a INCR -inf z',
    'ZREM big e5 e150',
    'ZREMRANGEBYSCORE big 3 5',
    'ZINTERSTORE inter 2 a b WEIGHTS 0.5 3',
    ['ZADD', 'bin', '1', '\x00', '2', '\xff', '3', ''],
    'ZADD ints 1 1 2 -2 3 9223372036854775807',
    'GEOADD geo 13.361389 38.115556 Palermo 15.087269 37.502669 Catania',
    digestOf('a', 'b', 'big', 'longm', 'n', 'nlp', 'nsk', 'inter', 'bin', 'ints', 'geo'),
    'DEBUG DIGEST',
  ),

  'streams: entries, deletions, consumer groups and metadata': S(
    'XADD s 1-1 f v',
    'XADD s 2-5 f v g w',
    'XADD s 3-0 f v',
    ['XADD', 's', '4-0', '\x00', '\xff', 'n', '12345', 'neg', '-7'],
    'XADD big 18446744073709551615-18446744073709551614 a b',
    'XADD big 18446744073709551615-18446744073709551615 a b',
    digestOf('s', 'big'),
    'XGROUP CREATE s g 0',
    'XREADGROUP GROUP g c COUNT 2 STREAMS s >',
    digestOf('s'),
    'XDEL s 2-5',
    'XSETID s 10-10',
    digestOf('s'),
    'XGROUP CREATE e g $ MKSTREAM',
    'XADD t 5-1 a 1',
    'XTRIM t MAXLEN 0',
    loop(300, "redis.call('xadd', 'many', i .. '-1', 'f', i, 'g', 'x')"),
    'XADD many 1000-1 other 1',
    'XTRIM many MINID 50',
    'XDEL many 60-1 61-1 299-1',
    digestOf('e', 't', 'many'),
    'DEBUG DIGEST',
  ),

  'streams under small node limits': S(
    'CONFIG SET stream-node-max-entries 3',
    loop(20, "redis.call('xadd', 'x', i .. '-0', 'f', 'v' .. i)"),
    'XDEL x 3-0 4-0 5-0',
    digestOf('x'),
    'DEBUG DIGEST',
    'CONFIG SET stream-node-max-entries 100',
  ),

  'keys with a TTL, in every command that sets or clears one': S(
    'SET a v',
    'SET b v EX 1000',
    'DEBUG DIGEST-VALUE a b',
    'DEBUG DIGEST',
    'EXPIRE a 2000',
    'DEBUG DIGEST-VALUE a b',
    'DEBUG DIGEST',
    'PERSIST a',
    'PEXPIREAT b 99999999999999',
    'DEBUG DIGEST-VALUE a b',
    'DEBUG DIGEST',
    'RPUSH l x',
    'EXPIRE l 100',
    'HSET h f v',
    'PEXPIRE h 100000',
    'ZADD z 1 m',
    'EXPIREAT z 99999999999',
    'SADD st 1',
    'EXPIRE st 100',
    'XADD x 1-1 f v',
    'EXPIRE x 100',
    'DEBUG DIGEST-VALUE l h z st x',
    'DEBUG DIGEST',
    'SET b w KEEPTTL',
    'GETEX a PX 5000',
    'DEBUG DIGEST',
    'SET b w',
    'GETEX a PERSIST',
    'DEBUG DIGEST',
  ),

  'keys past their TTL but not yet removed': S(
    'DEBUG SET-ACTIVE-EXPIRE 0',
    'SET gone v PX 1',
    'SET kept v',
    { sleep: 20 },
    'DEBUG DIGEST-VALUE gone kept',
    'DEBUG DIGEST',
    'GET gone',
    'DEBUG DIGEST-VALUE gone',
    'DEBUG DIGEST',
    'DEBUG SET-ACTIVE-EXPIRE 1',
  ),

  'several databases': S(
    'SET k v',
    'DEBUG DIGEST',
    'SELECT 1',
    'SET k v',
    'DEBUG DIGEST',
    'SELECT 0',
    'DEL k',
    'DEBUG DIGEST',
    'SELECT 15',
    'RPUSH l a',
    'DEBUG DIGEST',
    'DEBUG DIGEST-VALUE k l',
    'SWAPDB 1 15',
    'DEBUG DIGEST',
    'DEBUG DIGEST-VALUE k l',
    'SELECT 1',
    'DEBUG DIGEST-VALUE k l',
    'MOVE l 3',
    'DEBUG DIGEST',
    'SELECT 3',
    'RENAME l l2',
    'DEBUG DIGEST',
    'FLUSHDB',
    'DEBUG DIGEST',
    'FLUSHALL',
    'DEBUG DIGEST',
  ),

  'a dataset of every type, built in different orders': S(
    loop(2000, "redis.call('set', 'k' .. i, i)"),
    loop(300, "redis.call('hset', 'h' .. (i % 20), 'f' .. i, 'v' .. i)"),
    loop(300, "redis.call('zadd', 'z' .. (i % 20), i / 3, 'm' .. i)"),
    loop(300, "redis.call('sadd', 's' .. (i % 20), i)"),
    loop(300, "redis.call('rpush', 'l' .. (i % 20), i)"),
    loop(300, "redis.call('expire', 'k' .. i, 10000)"),
    'DEBUG DIGEST',
    'SELECT 1',
    loop(300, "redis.call('rpush', 'l' .. (i % 20), i)"),
    loop(300, "redis.call('sadd', 's' .. (i % 20), i)"),
    loop(300, "redis.call('zadd', 'z' .. (i % 20), i / 3, 'm' .. i)"),
    loop(300, "redis.call('hset', 'h' .. (i % 20), 'f' .. i, 'v' .. i)"),
    'DEBUG DIGEST',
    'DEBUG DIGEST-VALUE h1 z1 s1 l1',
    'SELECT 0',
    'DEBUG DIGEST-VALUE h1 z1 s1 l1',
  ),
};

describeScripts('compat DEBUG DIGEST', scripts, { servers });

// ---------------------------------------------------------------------------
// Random command streams with the digests compared along the way
// ---------------------------------------------------------------------------

const SEEDS = seedsFrom('COMPAT_DIGEST_SEEDS', [7101, 7102, 7103, 7104, 7106, 7111]);
const COMMANDS = Number(process.env.COMPAT_DIGEST_COMMANDS ?? 2000);
const CHECK_EVERY = 40;
const DBS = ['0', '1', '2', '3'];

/**
 * The generator of a seed: bitmaps when seed % 6 is 4, HLLs when it is 5,
 * otherwise familyGenerator's (by seed % 4: streams, strings and keyspace,
 * strings with other types, collections).
 */
function generatorFor(seed: number): { kind: string; next: () => Args; setup: Args[] } {
  if (seed % 6 === 4) {
    const g = new BitmapGen(seed);
    return { kind: 'bitmaps', next: () => g.next(), setup: [] };
  }
  if (seed % 6 === 5) {
    const g = new HllGen(seed);
    return { kind: 'HyperLogLogs', next: () => g.next(), setup: [] };
  }
  return familyGenerator(seed);
}

const str = (a: string | Buffer): string => (typeof a === 'string' ? a : a.toString('latin1'));

/**
 * The digests of both servers, on a connection of their own (the command
 * stream's connection may be inside MULTI or another db): in each db, EXISTS
 * of every argument seen so far (so both servers drop the keys whose TTL
 * passed) and DIGEST-VALUE of the arguments of the last commands, then
 * DEBUG DIGEST. A key whose TTL ends while this runs can differ for a
 * moment: a difference is checked again (twice) before it counts.
 */
async function checkDigests(check: Pair, seen: Set<string>, recent: Set<string>, index: number): Promise<Mismatch | null> {
  let found: Mismatch | null = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (attempt > 0) await sleep(50);
    found = null;
    for (const db of DBS) {
      await check.both(['SELECT', db]);
      if (seen.size !== 0) await check.both(['EXISTS', ...seen]);
      if (recent.size === 0) continue;
      const keys = [...recent];
      const [t, r] = await check.both(['DEBUG', 'DIGEST-VALUE', ...keys]);
      if (t !== r) {
        // name only the keys whose digests differ
        const tl = t.split('\r\n').slice(1);
        const rl = r.split('\r\n').slice(1);
        const differ = keys.map((k, j) => [k, tl[j], rl[j]]).filter(([, a, b]) => a !== b);
        const cmd: Args = differ.length > 0 ? ['DEBUG', 'DIGEST-VALUE', ...differ.map((x) => x[0])] : ['DEBUG', 'DIGEST-VALUE', ...keys];
        const show = (i: number, whole: string) => (differ.length > 0 ? differ.map((x) => x[i]).join(' ') : whole);
        found = { index, cmd, tredis: show(1, t), redis: show(2, r), note: `in db ${db}` };
        break;
      }
    }
    if (found === null) {
      const [t, r] = await check.both(['DEBUG', 'DIGEST']);
      if (t !== r) found = { index, cmd: ['DEBUG', 'DIGEST'], tredis: t, redis: r };
    }
    if (found === null) return null;
  }
  return found;
}

async function digestSeed(s: Servers, seed: number, proto: Proto): Promise<string | null> {
  const gen = generatorFor(seed);
  const check = await Pair.open(s);
  const seen = new Set<string>();
  let recent = new Set<string>();
  try {
    return await runSeed(s, {
      seed,
      proto,
      next: gen.next,
      commands: COMMANDS,
      setup: gen.setup,
      reproduce: `COMPAT_DIGEST_SEEDS=${seed} npx vitest run test/compat/digest.test.ts -t 'digest seed'`,
      compare: async (pair, args, i) => {
        const m = await pair.step(args, i);
        if (m) return m;
        for (const a of args.slice(1)) {
          seen.add(str(a));
          recent.add(str(a));
        }
        if ((i + 1) % CHECK_EVERY !== 0 && i + 1 !== COMMANDS) return null;
        const d = await checkDigests(check, seen, recent, i);
        recent = new Set();
        if (d) d.note = `${d.note ? `${d.note}, ` : ''}checked after command #${i}`;
        return d;
      },
    });
  } finally {
    await check.close();
  }
}

describeRandomSeeds(
  'compat DEBUG DIGEST over random commands',
  SEEDS,
  (seed, proto) => `digest seed ${seed}: ${generatorFor(seed).kind} (RESP${proto}, ${COMMANDS} commands, digests every ${CHECK_EVERY})`,
  (seed, proto) => digestSeed(servers, seed, proto),
);
