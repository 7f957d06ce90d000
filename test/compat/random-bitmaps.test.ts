/**
 * Random differential test for the bitmap commands: seeded command streams
 * (generator-bitmaps.ts) sent to a real redis-server and to tredis, every
 * reply compared byte for byte.
 *
 * Environment:
 *   COMPAT_BITMAP_SEEDS=5001,5002   seeds to run (default 5001,5002,5003;
 *                                    protocol alternates RESP2/RESP3 by position)
 *   COMPAT_BITMAP_COMMANDS=4000     commands per seed (default 6000)
 *   COMPAT_MAX_DIFFS=20             report up to this many differences per seed (default 1)
 */
import { BitmapGen } from './generator-bitmaps';
import { useServers } from './harness';
import { describeRandomSeeds, runSeed, seedsFrom } from './random-runner';

const SEEDS = seedsFrom('COMPAT_BITMAP_SEEDS', [5001, 5002, 5003]);
const COMMANDS = Number(process.env.COMPAT_BITMAP_COMMANDS ?? 6000);
const servers = useServers();

describeRandomSeeds(
  'compat random bitmaps',
  SEEDS,
  (seed, proto) => `bitmap seed ${seed} (RESP${proto}, ${COMMANDS} commands)`,
  (seed, proto) => {
    const gen = new BitmapGen(seed);
    return runSeed(servers, {
      seed,
      proto,
      next: () => gen.next(),
      commands: COMMANDS,
      reproduce: `COMPAT_BITMAP_SEEDS=${seed} npx vitest run test/compat/random-bitmaps.test.ts`,
    });
  },
);
