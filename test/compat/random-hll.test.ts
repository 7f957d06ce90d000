/**
 * Random differential test for the HyperLogLog commands: seeded command
 * streams (generator-hll.ts) sent to a real redis-server and to tredis,
 * every reply compared byte for byte — GET included, so the HLL bytes must
 * match after every step, corrupted and forged values too.
 *
 * Environment:
 *   COMPAT_HLL_SEEDS=7001,7002   seeds to run (default 7001,7002,7003;
 *                                protocol alternates RESP2/RESP3 by position)
 *   COMPAT_HLL_COMMANDS=4000     commands per seed (default 8000)
 *   COMPAT_MAX_DIFFS=20          report up to this many differences per seed (default 1)
 */
import { HllGen } from './generator-hll';
import { Args, showCmd, useServers } from './harness';
import { describeRandomSeeds, runSeed, seedsFrom } from './random-runner';

const SEEDS = seedsFrom('COMPAT_HLL_SEEDS', [7001, 7002, 7003]);
const COMMANDS = Number(process.env.COMPAT_HLL_COMMANDS ?? 8000);
const servers = useServers();

/** Long PFADD batches are shown shortened in the history. */
function brief(args: Args): string {
  return args.length > 12 ? `${showCmd(args.slice(0, 6))} ... (${args.length - 2} elements)` : showCmd(args);
}

describeRandomSeeds(
  'compat random hyperloglog',
  SEEDS,
  (seed, proto) => `hll seed ${seed} (RESP${proto}, ${COMMANDS} commands)`,
  (seed, proto) => {
    const gen = new HllGen(seed);
    return runSeed(servers, {
      seed,
      proto,
      next: () => gen.next(),
      commands: COMMANDS,
      reproduce: `COMPAT_HLL_SEEDS=${seed} npx vitest run test/compat/random-hll.test.ts`,
      teardown: [['CONFIG', 'SET', 'hll-sparse-max-bytes', '3000']],
      show: brief,
    });
  },
  300000,
);
