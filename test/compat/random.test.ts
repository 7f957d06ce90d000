/**
 * Seeded random differential test: thousands of string and keyspace commands
 * (seeds 1..6, 1001), or of hash/list/set/zset/SORT commands (collection
 * seeds 2001..2006; some set low encoding thresholds with CONFIG SET on both
 * servers first and reset the defaults at the end) — valid ones, edge values,
 * wrong arguments, junk options — over a small key
 * space and a few databases, sent to a real redis-server and to tredis; every
 * reply is compared (see NORMALISATIONS.md). Stops a seed at its first
 * difference and prints the seed, index, command, both replies and the
 * commands before it.
 *
 *   COMPAT_SEEDS=7,8,9      seeds to run (default 1..6; odd positions use RESP3)
 *   COMPAT_COMMANDS=5000    commands per seed (default 15000)
 *   COMPAT_COLLECTION_SEEDS=3001,3002  collection seeds (default 2001..2006)
 *   COMPAT_COLLECTION_COMMANDS=20000   commands per collection seed (default 20000)
 *   COMPAT_MAX_DIFFS=20     keep going after a difference, report up to this
 *                           many per seed (default 1; later ones may be
 *                           consequences of earlier ones)
 */
import { expect, it } from 'vitest';
import { Gen } from './generator';
import { describeWithRedis, Proto, useServers } from './harness';
import { runSeed, seedsFrom } from './random-runner';

const SEEDS = seedsFrom('COMPAT_SEEDS', [1, 2, 3, 4, 5, 6]);
const COMMANDS = Number(process.env.COMPAT_COMMANDS ?? 15000);

const servers = useServers();

function runGenSeed(seed: number, proto: Proto, otherTypes: boolean | 'collections', config: string[] = [], commands = COMMANDS, variant = 0, restore = DEFAULT_THRESHOLDS): Promise<string | null> {
  const gen = new Gen(seed, otherTypes);
  const replay = otherTypes === 'collections' ? `COMPAT_COLLECTION_SEEDS=${seed}/${variant}` : `COMPAT_SEEDS=${seed}`;
  return runSeed(servers, {
    seed,
    proto,
    next: () => gen.next(),
    commands,
    reproduce: `${replay} npx vitest run test/compat/random.test.ts`,
    setup: config.length ? [['CONFIG', 'SET', ...config]] : [],
    teardown: config.length ? [['CONFIG', 'SET', ...restore]] : [],
  });
}

/** Encoding thresholds (Redis 7.0 defaults) and the low ones some collection seeds use. */
const DEFAULT_THRESHOLDS = ['hash-max-listpack-entries', '512', 'hash-max-listpack-value', '64', 'zset-max-listpack-entries', '128', 'zset-max-listpack-value', '64', 'set-max-intset-entries', '512'];
const LOW_THRESHOLDS = ['hash-max-listpack-entries', '4', 'hash-max-listpack-value', '16', 'zset-max-listpack-entries', '4', 'zset-max-listpack-value', '16', 'set-max-intset-entries', '4'];
const MID_THRESHOLDS = ['hash-max-listpack-entries', '8', 'zset-max-listpack-entries', '6', 'set-max-intset-entries', '3'];

/**
 * Collection seeds: [seed, protocol, CONFIG SET arguments].
 * COMPAT_COLLECTION_SEEDS=3001,3002 runs other seeds instead (protocol and
 * thresholds cycle through the list below by position; "3005/4" takes those
 * of entry 4).
 */
const DEFAULT_COLLECTION_SEEDS: [number, Proto, string[]][] = [
  [2001, 2, []],
  [2002, 3, LOW_THRESHOLDS],
  [2003, 2, LOW_THRESHOLDS],
  [2004, 3, []],
  [2005, 2, MID_THRESHOLDS],
  [2006, 3, LOW_THRESHOLDS],
];
const COLLECTION_SEEDS: [number, Proto, string[]][] = process.env.COMPAT_COLLECTION_SEEDS
  ? process.env.COMPAT_COLLECTION_SEEDS.split(',').filter(Boolean).map((x, i) => {
      const [seed, variant] = x.split('/').map(Number);
      const d = DEFAULT_COLLECTION_SEEDS[(variant ?? i) % DEFAULT_COLLECTION_SEEDS.length];
      return [seed, d[1], d[2]];
    })
  : DEFAULT_COLLECTION_SEEDS;
const COLLECTION_COMMANDS = Number(process.env.COMPAT_COLLECTION_COMMANDS ?? 20000);

describeWithRedis('compat random', () => {
  SEEDS.forEach((seed, i) => {
    const proto: Proto = i % 2 === 0 ? 2 : 3;
    it(`seed ${seed} (RESP${proto}, ${COMMANDS} commands)`, async () => {
      const failure = await runGenSeed(seed, proto, false);
      if (failure) expect.fail(failure);
    }, 120000);
  });

  // Also creates lists/sets/hashes/zsets so string and keyspace commands meet
  // other types (WRONGTYPE, TYPE, OBJECT ENCODING, SCAN TYPE...).
  it(`seed 1001 with other value types (RESP2, ${COMMANDS} commands)`, async () => {
    const failure = await runGenSeed(1001, 2, true);
    if (failure) expect.fail(failure);
  }, 120000);

  // With maxmemory and an LRU policy, integers 0..9999 are stored as objects
  // of their own instead of Redis's shared ones (OBJECT REFCOUNT 1, not
  // 2147483647); nothing is evicted at 1 GB.
  it(`seed 7 with maxmemory 1gb and allkeys-lru (RESP3, ${COMMANDS} commands)`, async () => {
    const failure = await runGenSeed(7, 3, false, ['maxmemory', '1gb', 'maxmemory-policy', 'allkeys-lru'], COMMANDS, 0, ['maxmemory', '0', 'maxmemory-policy', 'noeviction']);
    if (failure) expect.fail(failure);
  }, 120000);

  // Hashes, lists, sets, sorted sets, SORT, blocking pops (tiny timeouts),
  // OBJECT ENCODING across the encoding thresholds (generator-collections.ts).
  for (const [seed, proto, config] of COLLECTION_SEEDS) {
    const variant = DEFAULT_COLLECTION_SEEDS.findIndex(([, p, c]) => p === proto && c === config);
    const label = config.length ? `CONFIG SET ${config.filter((_, i) => i % 2 === 0).length} thresholds` : 'default thresholds';
    it(`collections seed ${seed} (RESP${proto}, ${label}, ${COLLECTION_COMMANDS} commands)`, async () => {
      const failure = await runGenSeed(seed, proto, 'collections', config, COLLECTION_COMMANDS, variant);
      if (failure) expect.fail(failure);
    }, 120000);
  }
});
