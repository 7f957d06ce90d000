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
import { describe, expect, it } from 'vitest';
import { BitmapGen } from './generator-bitmaps';
import { Args, Pair, Proto, REDIS_BIN, SKIP_MESSAGE, formatMismatch, showCmd, useServers } from './harness';

const SEEDS = (process.env.COMPAT_BITMAP_SEEDS ?? '5001,5002,5003')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean)
  .map(Number);
const COMMANDS = Number(process.env.COMPAT_BITMAP_COMMANDS ?? 6000);
const MAX_DIFFS = Math.max(1, Number(process.env.COMPAT_MAX_DIFFS ?? 1));
const HISTORY = 15;

const servers = useServers();

async function runSeed(seed: number, proto: Proto): Promise<string | null> {
  const pair = await Pair.open(servers);
  const gen = new BitmapGen(seed);
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
            `seed ${seed} (RESP${proto}) differs at command #${i} (reproduce: COMPAT_BITMAP_SEEDS=${seed} npx vitest run test/compat/random-bitmaps.test.ts)`,
            formatMismatch(m),
            `previous ${history.length} commands:`,
            ...history.map((h) => `    ${h}`),
          ].join('\n'),
        );
        if (reports.length >= MAX_DIFFS || /^<(connection closed|no reply)/.test(m.tredis + m.redis)) break;
      }
      history.push(`#${i} ${showCmd(args)}`);
      if (history.length > HISTORY) history.shift();
    }
    return reports.length ? reports.join('\n\n') : null;
  } finally {
    pair.close();
  }
}

describe.skipIf(!REDIS_BIN)('compat random bitmaps', () => {
  SEEDS.forEach((seed, i) => {
    const proto: Proto = i % 2 === 0 ? 2 : 3;
    it(`bitmap seed ${seed} (RESP${proto}, ${COMMANDS} commands)`, async () => {
      const failure = await runSeed(seed, proto);
      if (failure) expect.fail(failure);
    }, 180000);
  });
});

if (!REDIS_BIN) {
  describe('compat random bitmaps', () => {
    it.skip(SKIP_MESSAGE, () => {});
  });
}
