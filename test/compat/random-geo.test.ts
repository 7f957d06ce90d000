/**
 * Seeded random differential test of the geo commands (generator-geo.ts):
 * thousands of GEOADD / GEOPOS / GEOHASH / GEODIST / GEORADIUS* / GEOSEARCH*
 * commands, valid and not, sent to a real redis-server and to tredis; every
 * reply is compared byte for byte. Stops a seed at its first difference and
 * prints the seed, index, command, both replies and the commands before it.
 *
 *   COMPAT_GEO_SEEDS=4001,4002   seeds to run (default 4001..4004; odd
 *                                positions use RESP3)
 *   COMPAT_GEO_COMMANDS=5000     commands per seed (default 6000)
 *   COMPAT_MAX_DIFFS=20          report up to this many differences per seed
 */
import { GeoGen } from './generator-geo';
import { Args, Mismatch, Pair, useServers } from './harness';
import { describeRandomSeeds, runSeed, seedsFrom } from './random-runner';

const SEEDS = seedsFrom('COMPAT_GEO_SEEDS', [4001, 4002, 4003, 4004]);
const COMMANDS = Number(process.env.COMPAT_GEO_COMMANDS ?? 6000);
const servers = useServers();

/**
 * NORMALISATION 14: reads of stored distances (STOREDIST results) may differ
 * in the last digits of a %.17g double: glibc's sin/cos/asin are not always
 * correctly rounded (errors up to ~0.51 ulp) and tredis's are (geomath.ts),
 * so about one distance in a few hundred differs by an ulp or two. Every
 * line must be identical except numbers that differ by at most 1e-14
 * relative (bulk length lines aside). Never applied to other commands or
 * to error replies.
 */
function closeDoubles(args: Args, t: string, r: string): boolean {
  const name = String(args[0]).toUpperCase();
  if (name !== 'ZRANGE' && name !== 'ZSCORE') return false;
  // bulk lengths follow the digits: compared through the payloads
  const tl = t.split('\r\n').filter((x) => !x.startsWith('$'));
  const rl = r.split('\r\n').filter((x) => !x.startsWith('$'));
  if (t.startsWith('-') || r.startsWith('-')) return false;
  if (tl.length !== rl.length) return false;
  for (let i = 0; i < tl.length; i++) {
    if (tl[i] === rl[i]) continue;
    const strip = (x: string) => (x.startsWith(',') ? x.slice(1) : x);
    const a = Number(strip(tl[i]));
    const b = Number(strip(rl[i]));
    if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
    if (Math.abs(a - b) > Math.abs(b) * 1e-14) return false;
  }
  return true;
}

/** Pair.step's comparison, then NORMALISATION 14 for stored distances. */
async function compareGeo(pair: Pair, args: Args, index: number): Promise<Mismatch | null> {
  const m = await pair.step(args, index);
  return m && !closeDoubles(args, m.tredis, m.redis) ? m : null;
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
      compare: compareGeo,
      reproduce: `COMPAT_GEO_SEEDS=${seed} npx vitest run test/compat/random-geo.test.ts`,
    });
  },
);
