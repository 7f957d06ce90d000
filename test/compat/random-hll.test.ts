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
import { describe, expect, it } from 'vitest';
import { HllGen } from './generator-hll';
import { Args, Pair, Proto, REDIS_BIN, SKIP_MESSAGE, formatMismatch, showCmd, useServers } from './harness';

const SEEDS = (process.env.COMPAT_HLL_SEEDS ?? '7001,7002,7003')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean)
  .map(Number);
const COMMANDS = Number(process.env.COMPAT_HLL_COMMANDS ?? 8000);
const MAX_DIFFS = Math.max(1, Number(process.env.COMPAT_MAX_DIFFS ?? 1));
const HISTORY = Number(process.env.COMPAT_HISTORY ?? 15);

const servers = useServers();

/** Long PFADD batches are shown shortened in the history. */
function brief(args: Args): string {
  return args.length > 12 ? `${showCmd(args.slice(0, 6))} ... (${args.length - 2} elements)` : showCmd(args);
}

async function runSeed(seed: number, proto: Proto): Promise<string | null> {
  const pair = await Pair.open(servers);
  const gen = new HllGen(seed);
  const history: string[] = [];
  try {
    const setup: Args[] = [...(proto === 3 ? [['HELLO', '3']] : []), ['FLUSHALL']];
    for (const args of setup) {
      const m = await pair.step(args, -1);
      if (m) return `seed ${seed}: setup differs\n${formatMismatch(m)}`;
    }
    const reports: string[] = [];
    for (let i = 0; i < COMMANDS; i++) {
      const args = gen.next();
      const m = await pair.step(args, i);
      if (m) {
        reports.push(
          [
            `seed ${seed} (RESP${proto}) differs at command #${i} (reproduce: COMPAT_HLL_SEEDS=${seed} npx vitest run test/compat/random-hll.test.ts)`,
            formatMismatch(m),
            `previous ${history.length} commands:`,
            ...history.map((h) => `    ${h}`),
          ].join('\n'),
        );
        if (reports.length >= MAX_DIFFS || /^<(connection closed|no reply)/.test(m.tredis + m.redis)) break;
      }
      history.push(`#${i} ${brief(args)}`);
      if (history.length > HISTORY) history.shift();
    }
    return reports.length ? reports.join('\n\n') : null;
  } finally {
    await pair.both(['CONFIG', 'SET', 'hll-sparse-max-bytes', '3000']);
    pair.close();
  }
}

describe.skipIf(!REDIS_BIN)('compat random hyperloglog', () => {
  SEEDS.forEach((seed, i) => {
    const proto: Proto = i % 2 === 0 ? 2 : 3;
    it(`hll seed ${seed} (RESP${proto}, ${COMMANDS} commands)`, async () => {
      const failure = await runSeed(seed, proto);
      if (failure) expect.fail(failure);
    }, 300000);
  });
});

if (!REDIS_BIN) {
  describe('compat random hyperloglog', () => {
    it.skip(SKIP_MESSAGE, () => {});
  });
}
