/**
 * Seeded random differential test of the geo commands (generator-geo.ts):
 * thousands of GEOADD / GEOPOS / GEOHASH / GEODIST / GEORADIUS* / GEOSEARCH*
 * commands, valid and not, sent to a real redis-server and to tredis; every
 * reply is compared byte for byte. Stops a seed at its first difference and
 * prints the seed, index, command, both replies and the commands before it.
 * Stored distances are read under NORMALISATION 14 (geo-distances.ts).
 *
 *   COMPAT_GEO_SEEDS=4001,4002   seeds to run (default 4001..4004; odd
 *                                positions use RESP3)
 *   COMPAT_GEO_COMMANDS=5000     commands per seed (default 6000)
 *   COMPAT_MAX_DIFFS=20          report up to this many differences per seed
 */
import { GeoGen } from './generator-geo';
import { StoredDistances } from './geo-distances';
import { Args, Mismatch, Pair, describeDiff, useServers } from './harness';
import { describeRandomSeeds, runSeed, seedsFrom } from './random-runner';

const SEEDS = seedsFrom('COMPAT_GEO_SEEDS', [4001, 4002, 4003, 4004]);
const COMMANDS = Number(process.env.COMPAT_GEO_COMMANDS ?? 6000);
const servers = useServers();

/**
 * Replies compared byte for byte, except reads of stored distances
 * (NORMALISATION 14, geo-distances.ts); none of the generator's commands
 * needs Pair.step's other normalisations.
 */
function compareGeo(): (pair: Pair, args: Args, index: number) => Promise<Mismatch | null> {
  const stored = new StoredDistances();
  return async (pair, args, index) => {
    const [t, r] = await pair.both(args);
    const agree = t === r || stored.agree(args, t, r);
    stored.observe(args, t, r);
    return agree ? null : { index, cmd: args, tredis: t, redis: r, note: t.length > 300 || r.length > 300 ? describeDiff(t, r) : undefined };
  };
}

describeRandomSeeds(
  'compat random geo',
  SEEDS,
  (seed, proto) => `geo seed ${seed} (RESP${proto}, ${COMMANDS} commands)`,
  (seed, proto) => {
    const gen = new GeoGen(seed);
    return runSeed(servers, {
      seed,
      proto,
      next: () => gen.next(),
      commands: COMMANDS,
      compare: compareGeo(),
      reproduce: `COMPAT_GEO_SEEDS=${seed} npx vitest run test/compat/random-geo.test.ts`,
    });
  },
);
