/**
 * Transactions beyond the replies test/compat compares: what EXEC
 * propagates (the sequence a real redis-server 7.0.15 wrote to its AOF for
 * the same commands), and optimistic locking under contention through
 * ioredis.
 */
import { describe, expect, it } from 'vitest';
import { RawClient, client, sleep, useServerFixture } from '../helpers';

const fx = useServerFixture({ withDb: true });

describe('EXEC propagation', () => {
  it('one write as itself, several inside MULTI/EXEC, none when nothing wrote (Redis 7.0.15\'s AOF)', async () => {
    await fx.run(
      ['MULTI'], ['SET', 'a', '1'], ['EXEC'],
      ['MULTI'], ['SET', 'a', '2'], ['SET', 'b', '2'], ['EXEC'],
      ['MULTI'], ['GET', 'a'], ['EXEC'],
      ['MULTI'], ['GET', 'a'], ['INCR', 'a'], ['GET', 'a'], ['EXEC'],
      ['MULTI'], ['SELECT', '3'], ['SET', 'z', '1'], ['SELECT', '0'], ['SET', 'y', '1'], ['EXEC'],
      ['MULTI'], ['SET', 'w', '1'], ['DISCARD'],
    );
    expect(fx.propagated).toEqual([
      ['0', 'SET', 'a', '1'],
      ['0', 'MULTI'],
      ['0', 'SET', 'a', '2'],
      ['0', 'SET', 'b', '2'],
      ['0', 'EXEC'],
      ['0', 'INCR', 'a'],
      ['3', 'MULTI'],
      ['3', 'SET', 'z', '1'],
      ['0', 'SET', 'y', '1'],
      ['0', 'EXEC'],
    ]);
  });

  it('commands that propagate as several join the one unit, not a nested MULTI', async () => {
    await fx.run(['MULTI'], ['SPOP', 'nokey', '2'], ['SADD', 's', 'a', 'b', 'c'], ['SPOP', 's', '2'], ['EXEC']);
    const p = fx.propagated;
    expect(p.map((x) => x.slice(0, 3))).toEqual([
      ['0', 'MULTI'],
      ['0', 'SADD', 's'],
      ['0', 'SREM', 's'],
      ['0', 'SREM', 's'],
      ['0', 'EXEC'],
    ]);
    expect(new Set([p[2][3], p[3][3]]).size).toBe(2);
  });

  it('a transaction WATCH aborted propagates nothing', async () => {
    await fx.run(['WATCH', 'k'], ['SET', 'k', '1'], ['MULTI'], ['SET', 'k', '2'], ['EXEC']);
    expect(fx.propagated).toEqual([['0', 'SET', 'k', '1']]);
  });
});

describe('MONITOR', () => {
  it('shows MULTI, the commands EXEC ran, EXEC, and an EXEC refused at dispatch (Redis 7.0.15\'s lines)', async () => {
    const mon = await RawClient.connect(fx.srv.port);
    try {
      expect(await mon.cmd('MONITOR')).toBe('+OK\r\n');
      await fx.run(['MULTI'], ['SET', 'a', '1'], ['INCR', 'a'], ['NOSUCH'], ['EXEC'], ['MULTI'], ['GET', 'a'], ['EXEC'], ['MULTI'], ['DISCARD'], ['EXEC', 'a']);
      await sleep(50);
      const lines = (await mon.read(1, 500)).trim().split('\r\n').map((l) => l.replace(/^\+\d+\.\d+ \[\d+ [^\]]+\] /, ''));
      expect(lines).toEqual(['"MULTI"', '"EXEC"', '"MULTI"', '"GET" "a"', '"EXEC"', '"MULTI"', '"DISCARD"', '"EXEC" "a"']);
    } finally {
      mon.close();
    }
  });
});

describe('optimistic locking', () => {
  it('20 ioredis clients incrementing one counter with WATCH/MULTI/EXEC end at the exact total', async () => {
    const CLIENTS = 20;
    const EACH = 25;
    const clients = Array.from({ length: CLIENTS }, () => client(fx.srv.port));
    let aborted = 0;
    try {
      await clients[0].set('counter', '0');
      await Promise.all(
        clients.map(async (c) => {
          for (let done = 0; done < EACH; ) {
            await c.watch('counter');
            const v = Number(await c.get('counter'));
            const res = await c.multi().set('counter', String(v + 1)).exec();
            if (res === null) aborted++;
            else done++;
          }
        }),
      );
      expect(await clients[0].get('counter')).toBe(String(CLIENTS * EACH));
      // contention did happen: some transactions lost the race and were retried
      expect(aborted).toBeGreaterThan(0);
    } finally {
      for (const c of clients) c.disconnect();
    }
  }, 60_000);
});
