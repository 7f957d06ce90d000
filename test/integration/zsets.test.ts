/**
 * Sorted set commands. Two parts:
 *
 * - differential scripts run on a real redis-server 7.0 and on tredis, in
 *   RESP2 and RESP3, every reply compared byte for byte (test/compat
 *   harness): options and their errors, ranges of every kind, range
 *   removal, pops, set algebra (with plain sets), encodings and -0, the
 *   blocking pops that don't block, COMMAND GETKEYS, and a long seeded
 *   random script over listpack and skiplist encoded sets;
 * - tredis-only checks of what a byte comparison can't cover: keyspace
 *   events (as seen on a redis-server psubscribe), propagation, blocked
 *   clients being served, random replies (ZRANDMEMBER) and ZSCAN walks over
 *   hash order, COPY, keyspace hits/misses.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import Redis from 'ioredis';
import { RawClient, Running, client, startTredis } from '../helpers';
import { describeWithRedis, formatMismatch, runScript, useServers } from '../compat/harness';
import { randomScript, scripts } from './zset-scripts';

// ---------------------------------------------------------------------------
// Differential scripts (zset-scripts.ts)
// ---------------------------------------------------------------------------

scripts['random operations (seed 1)'] = randomScript(1, 1500);
scripts['random operations (seed 2)'] = randomScript(2, 1500);

const servers = useServers();

describeWithRedis('sorted sets: differential against redis-server', () => {
  for (const [name, steps] of Object.entries(scripts)) {
    for (const proto of [2, 3] as const) {
      it(`[RESP${proto}] ${name}`, async () => {
        const diffs = await runScript(servers, steps, proto);
        if (diffs.length > 0) {
          const shown = diffs.slice(0, 30).map(formatMismatch).join('\n');
          expect.fail(`${diffs.length} difference(s) (tredis vs redis):\n${shown}`);
        }
      }, 120000);
    }
  }
});


// ---------------------------------------------------------------------------
// tredis only
// ---------------------------------------------------------------------------

describe('sorted sets on tredis', () => {
  let srv: Running;
  let r: Redis;
  let propagated: string[][] = [];
  let events: string[] = [];
  const db = () => srv.server.keyspace.dbs[0];

  beforeAll(async () => {
    srv = await startTredis();
    r = client(srv.port);
    srv.server.addPropagateSink((_dbid, argv) => propagated.push([...argv]));
  });

  afterAll(async () => {
    r.disconnect();
    await srv.close();
  });

  beforeEach(() => {
    for (const d of srv.server.keyspace.dbs) d.flush();
    srv.server.settings.notifyKeyspaceEvents = 0xffff;
    srv.server.keyspaceEventSink = (_cls, event, key) => {
      if (event !== 'keymiss') events.push(`${event} ${key}`);
    };
    propagated = [];
    events = [];
  });

  it('fires the keyspace events redis-server sends', async () => {
    // expected: a psubscribe on redis-server 7.0.15 to __keyevent@0__:* (KEAn)
    await r.zadd('e', 1, 'a', 2, 'b', 3, 'c');
    await r.zadd('e', 1, 'a'); // no change: no event
    await r.zincrby('e', 1, 'a');
    await r.zadd('e', 'INCR', 1, 'a');
    await r.zrem('e', 'a');
    await r.zunionstore('e2', 1, 'e');
    await r.zpopmin('e', 5);
    await r.call('ZRANGESTORE', 'e3', 'e2', '0', '-1');
    await r.call('ZMPOP', '1', 'e2', 'MAX', 'COUNT', '10');
    await r.zadd('e4', 1, 'a', 2, 'b');
    await r.zremrangebyscore('e4', '-inf', '+inf');
    await r.zadd('e5', 1, 'a');
    await r.zunionstore('e5', 1, 'nokey');
    expect(events).toEqual([
      'new e',
      'zadd e',
      'zincr e',
      'zincr e',
      'zrem e',
      'new e2',
      'zunionstore e2',
      'zpopmin e',
      'del e',
      'new e3',
      'zrangestore e3',
      'zpopmax e2',
      'del e2',
      'new e4',
      'zadd e4',
      'zremrangebyscore e4',
      'del e4',
      'new e5',
      'zadd e5',
      'del e5',
    ]);
  });

  it('counts dirty as Redis does and propagates deterministic forms', async () => {
    const ks = srv.server.keyspace;
    let d = ks.dirty;
    await r.zadd('z', 1, 'a', 2, 'b', 3, 'c');
    expect(ks.dirty - d).toBe(3);
    d = ks.dirty;
    await r.zadd('z', 'CH', 1, 'a', 5, 'b', 7, 'x');
    expect(ks.dirty - d).toBe(2);
    d = ks.dirty;
    await r.zadd('z', 'NX', 1, 'a');
    await r.zrem('z', 'nope');
    await r.zremrangebyrank('z', 10, 20);
    expect(ks.dirty - d).toBe(0);
    await r.zrem('z', 'a', 'b');
    expect(ks.dirty - d).toBe(2);
    propagated = [];
    await r.call('ZMPOP', '2', 'nokey', 'z', 'MIN', 'COUNT', '5');
    await r.zadd('z', 1, 'a', 2, 'b');
    await r.call('ZMPOP', '1', 'z', 'MAX');
    await r.call('BZPOPMIN', 'z', '0');
    await r.zadd('z', 1, 'a', 2, 'b');
    await r.call('BZMPOP', '0', '1', 'z', 'MAX', 'COUNT', '1');
    await r.call('ZMPOP', '1', 'nokey', 'MIN'); // nothing: not propagated
    await r.zincrby('z', 2, 'a');
    await r.call('BZMPOP', '0', '1', 'z', 'MIN', 'COUNT', '10');
    // As redis-server 7.0.15 writes them in its AOF: ZMPOP and BZMPOP as
    // ZPOPMIN/ZPOPMAX with the number of members popped, not the COUNT asked.
    expect(propagated).toEqual([
      ['ZPOPMIN', 'z', '2'],
      ['zadd', 'z', '1', 'a', '2', 'b'],
      ['ZPOPMAX', 'z', '1'],
      ['ZPOPMIN', 'z'],
      ['zadd', 'z', '1', 'a', '2', 'b'],
      ['ZPOPMAX', 'z', '1'],
      ['zincrby', 'z', '2', 'a'],
      ['ZPOPMIN', 'z', '1'],
    ]);
  });

  it('serves blocked BZPOPMIN/BZPOPMAX/BZMPOP clients in order, propagated as ZPOP*', async () => {
    const a = client(srv.port);
    const b = client(srv.port);
    const c3 = client(srv.port);
    try {
      const pa = a.call('BZPOPMIN', 'k1', 'k2', '0');
      await new Promise((res) => setTimeout(res, 50));
      const pb = b.call('BZMPOP', '0', '2', 'k2', 'k1', 'MAX', 'COUNT', '2');
      await new Promise((res) => setTimeout(res, 50));
      expect(srv.server.blocking.count).toBe(2);
      propagated = [];
      await r.zadd('k1', 1, 'x', 2, 'y', 3, 'z', 4, 'w');
      expect(await pa).toEqual(['k1', 'x', '1']);
      expect(await pb).toEqual(['k1', [['w', '4'], ['z', '3']]]);
      expect(await r.zrange('k1', 0, -1)).toEqual(['y']);
      expect(propagated).toEqual([
        ['zadd', 'k1', '1', 'x', '2', 'y', '3', 'z', '4', 'w'],
        ['ZPOPMIN', 'k1'],
        ['ZPOPMAX', 'k1', '2'],
      ]);
      // a wrong type leaves the client blocked; a zset later serves it
      const pc = c3.call('BZPOPMAX', 'k3', '0');
      await new Promise((res) => setTimeout(res, 50));
      await r.set('k3', 'str');
      await r.del('k3');
      await r.zadd('k3', 5, 'm');
      expect(await pc).toEqual(['k3', 'm', '5']);
      // a served BZMPOP is propagated with the number popped too
      const pd = c3.call('BZMPOP', '0', '1', 'k4', 'MAX', 'COUNT', '5');
      await new Promise((res) => setTimeout(res, 50));
      propagated = [];
      await r.zadd('k4', 1, 'a', 2, 'b');
      expect(await pd).toEqual(['k4', [['b', '2'], ['a', '1']]]);
      expect(propagated).toEqual([
        ['zadd', 'k4', '1', 'a', '2', 'b'],
        ['ZPOPMAX', 'k4', '2'],
      ]);
      // timeout: null array
      expect(await a.call('BZPOPMIN', 'none', '0.05')).toBeNull();
      expect(await a.call('BZMPOP', '0.05', '1', 'none', 'MIN')).toBeNull();
    } finally {
      a.disconnect();
      b.disconnect();
      c3.disconnect();
    }
  });

  it('ZRANDMEMBER: distinct members for a positive count, repetitions for a negative one', async () => {
    for (const size of [10, 300]) {
      await r.del('z');
      const args: (string | number)[] = [];
      for (let i = 0; i < size; i++) args.push(i, `m${i}`);
      await r.zadd('z', ...args);
      expect(await r.object('ENCODING', 'z')).toBe(size > 128 ? 'skiplist' : 'listpack');
      for (const count of [1, 3, Math.floor(size / 2), size - 1]) {
        const got = (await r.zrandmember('z', count)) as string[];
        expect(got.length).toBe(count);
        expect(new Set(got).size).toBe(count);
        for (const m of got) expect(m).toMatch(/^m\d+$/);
      }
      // the whole set: from the highest score down
      const all = (await r.call('ZRANDMEMBER', 'z', String(size + 5), 'WITHSCORES')) as string[];
      expect(all.length).toBe(size * 2);
      expect(all.slice(0, 4)).toEqual([`m${size - 1}`, String(size - 1), `m${size - 2}`, String(size - 2)]);
      const rep = (await r.call('ZRANDMEMBER', 'z', '-1000', 'WITHSCORES')) as string[];
      expect(rep.length).toBe(2000);
      for (let i = 0; i < rep.length; i += 2) expect(rep[i]).toBe(`m${rep[i + 1]}`);
      expect(new Set(rep.filter((_, i) => i % 2 === 0)).size).toBeLessThan(1000); // repeats
      const one = (await r.zrandmember('z')) as string;
      expect(one).toMatch(/^m\d+$/);
    }
    // RESP3: [member, score] pairs
    const raw = await RawClient.connect(srv.port);
    try {
      await raw.cmd('HELLO', '3');
      await raw.cmd('DEL', 'z');
      await raw.cmd('ZADD', 'z', '1.5', 'a');
      expect(await raw.cmd('ZRANDMEMBER', 'z', '-2', 'WITHSCORES')).toBe('*2\r\n*2\r\n$1\r\na\r\n,1.5\r\n*2\r\n$1\r\na\r\n,1.5\r\n');
    } finally {
      raw.close();
    }
  });

  it('ZSCAN walks a skiplist-encoded set completely, with MATCH and COUNT', async () => {
    const args: (string | number)[] = [];
    for (let i = 0; i < 500; i++) args.push(i / 2, `m${i}`);
    await r.zadd('z', ...args);
    await r.zadd('z', '-0', 'negzero');
    const seen = new Map<string, string>();
    let cursor = '0';
    let calls = 0;
    do {
      const [next, items] = (await r.zscan('z', cursor, 'COUNT', 20)) as [string, string[]];
      for (let i = 0; i < items.length; i += 2) {
        expect(seen.has(items[i])).toBe(false);
        seen.set(items[i], items[i + 1]);
      }
      cursor = next;
      calls++;
    } while (cursor !== '0');
    expect(seen.size).toBe(501);
    expect(calls).toBeGreaterThan(20);
    expect(seen.get('m3')).toBe('1.5');
    expect(seen.get('m4')).toBe('2');
    expect(seen.get('negzero')).toBe('-0'); // a skiplist keeps -0
    const matched: string[] = [];
    cursor = '0';
    do {
      const [next, items] = (await r.zscan('z', cursor, 'MATCH', 'm1?', 'COUNT', 100)) as [string, string[]];
      for (let i = 0; i < items.length; i += 2) matched.push(items[i]);
      cursor = next;
    } while (cursor !== '0');
    expect(matched.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `m1${i}`).sort());
    // an unknown cursor starts again rather than failing
    const [, again] = (await r.zscan('z', '12345', 'COUNT', 5)) as [string, string[]];
    expect(again.length).toBe(10);
  });

  it('COPY gives an independent set with the same encoding', async () => {
    const args: (string | number)[] = [];
    for (let i = 0; i < 200; i++) args.push(i, `m${i}`);
    await r.zadd('src', ...args);
    await r.zadd('small', 1, 'a', 2, 'b');
    await r.copy('src', 'dst');
    await r.copy('small', 'dsmall');
    expect(await r.object('ENCODING', 'dst')).toBe('skiplist');
    expect(await r.object('ENCODING', 'dsmall')).toBe('listpack');
    await r.zadd('dst', 1000, 'new');
    await r.zrem('src', 'm5');
    expect(await r.zcard('src')).toBe(199);
    expect(await r.zcard('dst')).toBe(201);
    expect(await r.zrank('dst', 'm5')).toBe(5);
    expect(await r.zrank('dst', 'new')).toBe(200);
    expect(await r.zscore('src', 'new')).toBeNull();
  });

  it('counts keyspace hits and misses like Redis (reads only)', async () => {
    const st = srv.server.keyspace.stats;
    await r.zadd('e', 1, 'a');
    const h = st.hits;
    const m = st.misses;
    await r.zunionstore('d', 2, 'e', 'nokey'); // sources are read lookups
    expect([st.hits - h, st.misses - m]).toEqual([1, 1]);
    await r.zadd('e', 2, 'b');
    await r.zpopmin('nokey');
    await r.zrem('e', 'zz');
    expect([st.hits - h, st.misses - m]).toEqual([1, 1]);
    await r.zrange('e', 0, -1);
    await r.zscore('nokey', 'a');
    expect([st.hits - h, st.misses - m]).toEqual([2, 2]);
  });

  it('treats an expired key as missing and ranks large sets exactly', async () => {
    await r.zadd('t', 1, 'a');
    await r.pexpire('t', 1);
    await new Promise((res) => setTimeout(res, 10));
    expect(await r.zadd('t', 'XX', 2, 'a')).toBe(0);
    expect(await r.exists('t')).toBe(0);
    const n = 20000;
    const pipe = r.pipeline();
    for (let i = 0; i < n; i += 500) {
      const args: (string | number)[] = [];
      for (let j = i; j < i + 500; j++) args.push((j * 7919) % n, `k${j}`);
      pipe.zadd('big', ...args);
    }
    await pipe.exec();
    expect(await r.zcard('big')).toBe(n);
    for (const j of [0, 1, 777, 12345, n - 1]) {
      expect(await r.zrank('big', `k${j}`)).toBe((j * 7919) % n);
      expect(await r.zrevrank('big', `k${j}`)).toBe(n - 1 - ((j * 7919) % n));
    }
    expect(await r.zrangebyscore('big', '(100', '+inf', 'LIMIT', '5000', '3')).toEqual(
      [5101, 5102, 5103].map((s) => `k${[...Array(n).keys()].find((j) => (j * 7919) % n === s)}`),
    );
    expect(await r.zcount('big', 1000, '(2000')).toBe(1000);
    expect(await r.zremrangebyrank('big', 0, 9999)).toBe(10000);
    expect(await r.zrange('big', 0, 0, 'WITHSCORES')).toEqual([expect.stringMatching(/^k/), '10000']);
    // shrinking to a few percent compacts the set's buffer; ranks stay right
    const z = db().lookup('big') as unknown as { sl: { bufferBytes: number } };
    const before = z.sl.bufferBytes;
    expect(await r.zremrangebyscore('big', '-inf', '(19500')).toBe(9500);
    expect(z.sl.bufferBytes).toBeLessThan(before / 4);
    expect(await r.zrank('big', `k${[...Array(n).keys()].find((j) => (j * 7919) % n === 19600)}`)).toBe(100);
    expect(await r.zpopmin('big', 499)).toHaveLength(998);
    expect(await r.zrange('big', 0, -1, 'WITHSCORES')).toEqual([expect.stringMatching(/^k/), '19999']);
  });
});
