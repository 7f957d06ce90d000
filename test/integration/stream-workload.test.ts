/**
 * Acceptance workload for consumer groups (issue #5, item 2): 4 producers
 * XADD 100,000 entries to one stream while 2 groups of consumers read it
 * with XREADGROUP BLOCK and XACK each batch. In each group one consumer is
 * killed mid-way holding unacknowledged entries (it stops acking for a few
 * batches, then disconnects); a replacement consumer takes them over with
 * XAUTOCLAIM (min-idle 1 s, so live consumers' in-flight entries are never
 * stolen) and then reads on.
 *
 * Checked by counts, per group: every XACK acknowledged its whole batch (so
 * no entry was acked twice or taken from another consumer), the acked IDs
 * are exactly the 100,000 produced ones, nothing is left pending, and the
 * group's entries-read / lag say everything was read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Redis from 'ioredis';
import { Running, client, sleep, startTredis } from '../helpers';

const TOTAL = 100_000;
const PRODUCERS = 4;
const PER_PRODUCER = TOTAL / PRODUCERS;
const PIPELINE = 500;
const BATCH = 100;
const KEY = 'wl';
const GROUPS = ['G1', 'G2'];
/** A killed consumer acks normally until it has this many entries, then holds a few batches and dies. */
const KILL_AFTER = 12_000;
const HOLD_BATCHES = 5;
const MIN_IDLE = 1000;

let srv: Running;
const clients: Redis[] = [];
const connect = (): Redis => {
  const c = client(srv.port);
  clients.push(c);
  return c;
};

beforeAll(async () => {
  srv = await startTredis();
});
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await srv.close();
});

type ReadReply = [string, [string, string[]][]][] | null;

interface GroupState {
  acked: Set<string>;
  ackCalls: number;
  /** XACKs that acknowledged fewer IDs than sent (must stay 0). */
  shortAcks: number;
  claimed: number;
  done: boolean;
}


async function produce(id: number, produced: string[]): Promise<void> {
  const c = connect();
  for (let sent = 0; sent < PER_PRODUCER; sent += PIPELINE) {
    const p = c.pipeline();
    for (let i = sent; i < Math.min(sent + PIPELINE, PER_PRODUCER); i++) p.xadd(KEY, '*', 'producer', String(id), 'n', String(i));
    const res = (await p.exec())!;
    for (const [err, entryId] of res) {
      if (err) throw err;
      produced.push(entryId as string);
    }
  }
}

/** Ack `ids` for the group, recording short acks. */
async function ack(c: Redis, group: string, st: GroupState, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const n = (await c.xack(KEY, group, ...ids)) as number;
  st.ackCalls++;
  if (n !== ids.length) st.shortAcks++;
  for (const id of ids) st.acked.add(id);
  if (st.acked.size >= TOTAL) st.done = true;
}

/** A consumer: read new entries, ack each batch; `kill` makes it hold a few batches then disconnect. */
async function consume(group: string, name: string, st: GroupState, kill: { after: number } | null, died?: () => void): Promise<void> {
  const c = connect();
  let handled = 0;
  let held = 0;
  while (!st.done) {
    const res = (await c.xreadgroup('GROUP', group, name, 'COUNT', BATCH, 'BLOCK', 100, 'STREAMS', KEY, '>')) as ReadReply;
    if (res === null) continue;
    const ids = res[0][1].map((e) => e[0]);
    if (kill && handled >= kill.after) {
      // crash with these entries delivered but never acknowledged
      if (++held === HOLD_BATCHES) {
        c.disconnect();
        died?.();
        return;
      }
      continue;
    }
    await ack(c, group, st, ids);
    handled += ids.length;
  }
  // never reached its crash point: let the heir run (it will find nothing, and the test says so)
  died?.();
}

/** The replacement: wait until the dead consumer's entries are idle, XAUTOCLAIM them all, then read on. */
async function takeOver(group: string, name: string, st: GroupState, deadAt: Promise<void>): Promise<void> {
  await deadAt;
  await sleep(MIN_IDLE + 200);
  const c = connect();
  let cursor = '0-0';
  do {
    const [next, entries, deleted] = (await c.xautoclaim(KEY, group, name, MIN_IDLE, cursor, 'COUNT', BATCH)) as [string, [string, string[]][], string[]];
    expect(deleted).toEqual([]);
    const ids = entries.map((e) => e[0]);
    st.claimed += ids.length;
    await ack(c, group, st, ids);
    cursor = next;
  } while (cursor !== '0-0');
  await consume(group, name, st, null);
}

describe('consumer group workload (acceptance)', () => {
  it(`${PRODUCERS} producers, 2 groups x 2 consumers, ${TOTAL} entries, consumers killed and XAUTOCLAIMed: every entry acked once per group`, async () => {
    const admin = connect();
    for (const g of GROUPS) expect(await admin.xgroup('CREATE', KEY, g, '$', 'MKSTREAM')).toBe('OK');
    const states = new Map<string, GroupState>(GROUPS.map((g) => [g, { acked: new Set(), ackCalls: 0, shortAcks: 0, claimed: 0, done: false }]));
    const produced: string[] = [];
    const t0 = Date.now();

    const work: Promise<void>[] = [];
    for (const g of GROUPS) {
      const st = states.get(g)!;
      let died!: () => void;
      const deadAt = new Promise<void>((r) => (died = r));
      work.push(consume(g, `${g}-steady`, st, null));
      work.push(consume(g, `${g}-doomed`, st, { after: KILL_AFTER }, died));
      work.push(takeOver(g, `${g}-heir`, st, deadAt));
    }
    const producers: Promise<void>[] = [];
    for (let p = 0; p < PRODUCERS; p++) producers.push(produce(p, produced));
    await Promise.all(producers);
    await Promise.all(work);
    const elapsed = Date.now() - t0;

    expect(produced.length).toBe(TOTAL);
    expect(new Set(produced).size).toBe(TOTAL);
    expect(await admin.xlen(KEY)).toBe(TOTAL);
    const all = new Set(produced);
    for (const g of GROUPS) {
      const st = states.get(g)!;
      expect(st.shortAcks, `${g}: an XACK acknowledged less than its batch`).toBe(0);
      expect(st.acked.size).toBe(TOTAL);
      for (const id of st.acked) if (!all.has(id)) throw new Error(`${g}: acked unknown id ${id}`);
      expect(st.claimed, `${g}: the killed consumer held entries that were claimed`).toBeGreaterThan(0);
      expect(st.claimed).toBeLessThanOrEqual(HOLD_BATCHES * BATCH);
      const pending = (await admin.xpending(KEY, g)) as [number, ...unknown[]];
      expect(pending[0]).toBe(0);
    }
    const groups = (await admin.xinfo('GROUPS', KEY)) as unknown[][];
    for (const info of groups) {
      const m = new Map<unknown, unknown>();
      for (let i = 0; i < info.length; i += 2) m.set(info[i], info[i + 1]);
      expect(m.get('pending')).toBe(0);
      expect(m.get('entries-read')).toBe(TOTAL);
      expect(m.get('lag')).toBe(0);
      expect(m.get('last-delivered-id')).toBe(produced.reduce((a, b) => (cmpId(a, b) >= 0 ? a : b)));
    }
    console.log(`[stream workload] ${TOTAL} entries, 2 groups, done in ${elapsed} ms`);
  }, 120_000);
});

function cmpId(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt);
  const [bm, bs] = b.split('-').map(BigInt);
  return am !== bm ? (am < bm ? -1 : 1) : as === bs ? 0 : as < bs ? -1 : 1;
}
