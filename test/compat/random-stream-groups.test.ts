/**
 * Seeded random differential test of the consumer-group commands
 * (generator-stream-groups.ts): XADD/XDEL/XTRIM/XSETID interleaved with
 * XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM and XINFO, valid and
 * not, sent to a real redis-server and to tredis; every reply compared byte
 * for byte but for the time fields of NORMALISATION 15 (stream-groups-norm.ts).
 * Stops a seed at its first difference and prints the seed, index, command,
 * both replies and the commands before it.
 *
 *   COMPAT_XGROUP_SEEDS=5001,5002  seeds (default 5001..5004; odd positions use RESP3)
 *   COMPAT_XGROUP_COMMANDS=5000    commands per seed (default 5000)
 *   COMPAT_MAX_DIFFS=20            report up to this many differences per seed
 */
import { StreamGroupGen } from './generator-stream-groups';
import { useServers } from './harness';
import { compareStream } from './stream-groups-norm';
import { describeRandomSeeds, runSeed, seedsFrom } from './random-runner';

const SEEDS = seedsFrom('COMPAT_XGROUP_SEEDS', [5001, 5002, 5003, 5004]);
const COMMANDS = Number(process.env.COMPAT_XGROUP_COMMANDS ?? 5000);
const servers = useServers();

describeRandomSeeds(
  'compat random stream groups',
  SEEDS,
  (seed, proto) => `stream group seed ${seed} (RESP${proto}, ${COMMANDS} commands)`,
  (seed, proto) => {
    const gen = new StreamGroupGen(seed);
    return runSeed(servers, {
      seed,
      proto,
      next: () => gen.next(),
      commands: COMMANDS,
      compare: compareStream,
      reproduce: `COMPAT_XGROUP_SEEDS=${seed} npx vitest run test/compat/random-stream-groups.test.ts`,
    });
  },
);
