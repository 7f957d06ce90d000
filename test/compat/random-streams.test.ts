/**
 * Seeded random differential test of the non-group stream commands
 * (generator-streams.ts): XADD/XDEL/XTRIM/XSETID/XRANGE/XREVRANGE/XLEN/XREAD
 * and XINFO STREAM, valid and not, with node-limit changes, sent to a real
 * redis-server and to tredis; every reply compared byte for byte with
 * Pair.step, none of whose normalisations applies to these commands (IDs
 * are explicit or generated past a far-future last ID).
 * Stops a seed at its first difference and prints the seed, index, command,
 * both replies and the commands before it.
 *
 *   COMPAT_STREAM_SEEDS=6001,6002  seeds (default 6001..6004; odd positions use RESP3)
 *   COMPAT_STREAM_COMMANDS=5000    commands per seed (default 5000)
 *   COMPAT_MAX_DIFFS=20            report up to this many differences per seed
 */
import { StreamGen } from './generator-streams';
import { useServers } from './harness';
import { describeRandomSeeds, runSeed, seedsFrom } from './random-runner';

const SEEDS = seedsFrom('COMPAT_STREAM_SEEDS', [6001, 6002, 6003, 6004]);
const COMMANDS = Number(process.env.COMPAT_STREAM_COMMANDS ?? 5000);
const servers = useServers();

describeRandomSeeds(
  'compat random streams',
  SEEDS,
  (seed, proto) => `stream seed ${seed} (RESP${proto}, ${COMMANDS} commands)`,
  (seed, proto) => {
    const gen = new StreamGen(seed);
    return runSeed(servers, {
      seed,
      proto,
      next: () => gen.next(),
      commands: COMMANDS,
      setup: gen.setup(),
      reproduce: `COMPAT_STREAM_SEEDS=${seed} npx vitest run test/compat/random-streams.test.ts`,
    });
  },
);
