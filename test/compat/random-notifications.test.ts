/**
 * Keyspace notifications and modified-key signals under random commands:
 * with every event class on (`notify-keyspace-events KEAmn`), a subscriber
 * to `__key*__:*` and a RESP3 client tracking in BCAST mode (invalidated
 * for every key a command modifies, as WATCH sees them) on each server, and
 * the seeded generators' strings/keyspace, collection and stream commands
 * (transactions included). After each command its reply is compared as in
 * the other random tests, then everything the tracker and the subscriber
 * received up to a sentinel, byte for byte: the same modified keys, and the
 * same events in the same order on the same channels.
 *
 *   COMPAT_NOTIFY_SEEDS=11,12   seeds (default 11, 12, 13, 14; see below)
 *   COMPAT_NOTIFY_COMMANDS=4000 commands per seed (default 8000)
 */
import { Args, Pair, Proto, useServers } from './harness';
import { describeRandomSeeds, familyGenerator, runSeed, seedsFrom } from './random-runner';

const SEEDS = seedsFrom('COMPAT_NOTIFY_SEEDS', [11, 12, 13, 14]);
const COMMANDS = Number(process.env.COMPAT_NOTIFY_COMMANDS ?? 8000);

const servers = useServers();


/**
 * NORMALISATION 17: SORT looks its BY and GET keys up (keymiss events) in
 * the order of the sorted key's elements, which for a set is Redis's
 * hash-table order; its events are compared as a multiset.
 */
function lookupsInSetOrder(args: Args): boolean {
  const name = args[0].toString().toUpperCase();
  return name === 'SORT' || name === 'SORT_RO';
}

function sameMessages(t: string, r: string): boolean {
  const split = (s: string) => s.split(/(?=[*>]4\r\n\$8\r\npmessage\r\n)/).sort();
  const [a, b] = [split(t), split(r)];
  return a.length === b.length && a.every((m, i) => m === b[i]);
}

async function runNotifySeed(seed: number, proto: Proto): Promise<string | null> {
  const sub = await Pair.open(servers);
  const tracker = await Pair.open(servers);
  try {
    if (proto === 3) await sub.both(['HELLO', '3']);
    await sub.both(['PSUBSCRIBE', '__key*__:*']);
    await tracker.both(['HELLO', '3']);
    await tracker.both(['CLIENT', 'TRACKING', 'on', 'BCAST']);
    const gen = familyGenerator(seed);
    let events = 0;
    let invalidations = 0;
    const failure = await runSeed(servers, {
      seed,
      proto,
      next: gen.next,
      commands: COMMANDS,
      reproduce: `COMPAT_NOTIFY_SEEDS=${seed} npx vitest run test/compat/random-notifications.test.ts`,
      setup: [['CONFIG', 'SET', 'notify-keyspace-events', 'KEAmn'], ...gen.setup],
      teardown: [['CONFIG', 'SET', 'notify-keyspace-events', '']],
      compare: async (pair, args, index) => {
        const m = await pair.step(args, index);
        if (m !== null) return m;
        const [ti, ri] = await Promise.all([tracker.tredis.sync(), tracker.redis.sync()]);
        invalidations += ri.left.split('invalidate').length - 1;
        if (ti.left !== ri.left || ti.synced !== ri.synced) {
          return { index, cmd: args, tredis: ti.left, redis: ri.left, note: 'the BCAST invalidations of the keys it modified differ' };
        }
        const [t, r] = await Promise.all([sub.tredis.sync(), sub.redis.sync()]);
        events += r.left.split('__key').length - 1;
        if (t.left === r.left && t.synced === r.synced) return null;
        if (!(t.synced && r.synced && lookupsInSetOrder(args) && sameMessages(t.left, r.left))) {
          return { index, cmd: args, tredis: t.left, redis: r.left, note: 'the keyspace events it fired differ' };
        }
        return null;
      },
    });
    // a seed that fired nothing would compare nothing
    if (failure !== null) return failure;
    if (events < COMMANDS / 10 || invalidations < COMMANDS / 20) return `seed ${seed}: only ${events} events and ${invalidations} invalidations in ${COMMANDS} commands`;
    return null;
  } finally {
    await sub.close();
    await tracker.close();
  }
}

describeRandomSeeds(
  'compat random keyspace notifications',
  SEEDS,
  (seed, proto) => `seed ${seed}: ${familyGenerator(seed).kind} (RESP${proto}, ${COMMANDS} commands)`,
  runNotifySeed,
);
