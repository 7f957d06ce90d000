/**
 * The loop every seeded random differential test shares: open a fresh pair
 * of connections, HELLO 3 for RESP3 seeds, FLUSHALL and the family's setup,
 * then send the generator's commands to both servers and compare each reply
 * (Pair.step's normalisations, or the family's own comparison). Stops at the
 * first difference (COMPAT_MAX_DIFFS raises that) and reports it with the
 * commands before it and how to replay the seed.
 */
import { expect, it } from 'vitest';
import { Args, Mismatch, Pair, Proto, Servers, describeWithRedis, formatMismatch, showCmd } from './harness';
import { Gen } from './generator';
import { StreamGen } from './generator-streams';

const MAX_DIFFS = Math.max(1, Number(process.env.COMPAT_MAX_DIFFS ?? 1));
const HISTORY = Number(process.env.COMPAT_HISTORY ?? 15);

/** Seeds from a comma separated environment variable, or the defaults. */
export function seedsFrom(envVar: string, defaults: number[]): number[] {
  const v = process.env[envVar];
  if (v === undefined) return defaults;
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
}

export interface SeedRun {
  seed: number;
  proto: Proto;
  /** The next generated command. */
  next: () => Args;
  commands: number;
  /** How to replay this seed alone, for the report. */
  reproduce: string;
  /** Commands after FLUSHALL (CONFIG SET...), compared like the others. */
  setup?: Args[];
  /** Commands sent to both servers at the end, whatever happened (restoring config). */
  teardown?: Args[];
  /**
   * The family's own comparison, for replies Pair.step cannot normalise
   * (time fields, last-digit float differences): a mismatch, or null.
   */
  compare?: (pair: Pair, args: Args, index: number) => Promise<Mismatch | null>;
  /** How a command is shown in the history (long ones shortened). */
  show?: (args: Args) => string;
}

/** Run one seed; the report of its differences, or null when there are none. */
export async function runSeed(servers: Servers, run: SeedRun): Promise<string | null> {
  const pair = await Pair.open(servers);
  const show = run.show ?? showCmd;
  const compare = run.compare ?? ((p: Pair, args: Args, i: number) => p.step(args, i));
  const history: string[] = [];
  try {
    for (const args of [...(run.proto === 3 ? [['HELLO', '3']] : []), ['FLUSHALL'], ...(run.setup ?? [])]) {
      const m = await pair.step(args, -1);
      if (m) return `seed ${run.seed}: setup differs\n${formatMismatch(m)}`;
    }
    const reports: string[] = [];
    for (let i = 0; i < run.commands; i++) {
      const args = run.next();
      const m = await compare(pair, args, i);
      if (m) {
        reports.push(
          [
            `seed ${run.seed} (RESP${run.proto}) differs at command #${i} (reproduce: ${run.reproduce})`,
            formatMismatch(m),
            `previous ${history.length} commands:`,
            ...history.map((h) => `    ${h}`),
          ].join('\n'),
        );
        if (/^<(connection closed|no reply)/.test(m.tredis + m.redis)) return reports.join('\n\n');
        if (reports.length >= MAX_DIFFS) break;
      }
      history.push(`#${i} ${show(args)}`);
      if (history.length > HISTORY) history.shift();
    }
    // a seed that ends inside MULTI: the sentinel would only be queued
    if (pair.inTransaction) {
      const m = await pair.step(['DISCARD'], run.commands);
      if (m) reports.push(`seed ${run.seed} (RESP${run.proto}): the final DISCARD differs\n${formatMismatch(m)}`);
    }
    const left = await pair.drained();
    if (left) reports.push(`seed ${run.seed} (RESP${run.proto}): ${left}`);
    return reports.length ? reports.join('\n\n') : null;
  } finally {
    for (const args of run.teardown ?? []) await pair.both(args);
    await pair.close();
  }
}

/**
 * A describe block with one test per seed, RESP2 and RESP3 alternating by
 * position (describeWithRedis: a visible skipped test without redis-server).
 */
export function describeRandomSeeds(
  title: string,
  seeds: number[],
  label: (seed: number, proto: Proto) => string,
  run: (seed: number, proto: Proto) => Promise<string | null>,
  timeoutMs = 180000,
): void {
  describeWithRedis(title, () => {
    seeds.forEach((seed, i) => {
      const proto: Proto = i % 2 === 0 ? 2 : 3;
      it(label(seed, proto), async () => {
        const failure = await run(seed, proto);
        if (failure) expect.fail(failure);
      }, timeoutMs);
    });
  });
}

/**
 * One of the seeded generators by the seed's remainder mod 4, for tests
 * that run every command family (strings and keyspace, strings with other
 * types, collections, streams): its name, its next command and the setup
 * it needs.
 */
export function familyGenerator(seed: number): { kind: string; next: () => Args; setup: Args[] } {
  switch (seed % 4) {
    case 1:
      return { kind: 'strings and keyspace', next: ((g) => () => g.next())(new Gen(seed, false)), setup: [] };
    case 2:
      return { kind: 'strings with other types', next: ((g) => () => g.next())(new Gen(seed, true)), setup: [] };
    case 3:
      return { kind: 'collections', next: ((g) => () => g.next())(new Gen(seed, 'collections')), setup: [] };
    default: {
      const g = new StreamGen(seed);
      return { kind: 'streams', next: () => g.next(), setup: g.setup() };
    }
  }
}
