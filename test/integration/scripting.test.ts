/**
 * Scripts beyond the replies test/compat compares: what EVAL propagates
 * (its effects, the sequence a real redis-server 7.0.15 wrote to its AOF for
 * the same commands), and what MONITOR shows of a script.
 */
import { describe, expect, it } from 'vitest';
import { RawClient, useServerFixture } from '../helpers';

const fx = useServerFixture({ withDb: true });

describe('script propagation', () => {
  it("effects as Redis 7.0.15's AOF has them: one as itself, several inside MULTI/EXEC in the first one's db", async () => {
    await fx.run(
      ['EVAL', "redis.call('set','a','1') redis.call('incr','a') return redis.call('get','a')", '0'],
      ['EVAL', "return redis.call('set','b','2')", '0'],
      ['EVAL', "return redis.call('get','b')", '0'],
      ['EVAL_RO', "return redis.call('get','b')", '0'],
      ['EVAL', "redis.call('select','1') redis.call('set','c','3') redis.call('set','d','4') return 1", '0'],
      ['EVAL', "redis.call('set','e','5') redis.call('expire','e','100') return 1", '0'],
      ['MULTI'],
      ['EVAL', "return redis.call('set','f','6')", '0'],
      ['SET', 'g', '7'],
      ['EXEC'],
      ['EVAL', "redis.call('set','h','x') return redis.call('incr','h')", '0'],
    );
    const p = fx.propagated.map((a) => (a[1] === 'PEXPIREAT' ? [a[0], a[1], a[2], '<at>'] : a));
    expect(p).toEqual([
      ['0', 'MULTI'],
      ['0', 'set', 'a', '1'],
      ['0', 'incr', 'a'],
      ['0', 'EXEC'],
      ['0', 'set', 'b', '2'],
      ['1', 'MULTI'],
      ['1', 'set', 'c', '3'],
      ['1', 'set', 'd', '4'],
      ['1', 'EXEC'],
      ['0', 'MULTI'],
      ['0', 'set', 'e', '5'],
      ['0', 'PEXPIREAT', 'e', '<at>'],
      ['0', 'EXEC'],
      ['0', 'MULTI'],
      ['0', 'set', 'f', '6'],
      ['0', 'SET', 'g', '7'],
      ['0', 'EXEC'],
      ['0', 'set', 'h', 'x'],
    ]);
  });

  it('redis.set_repl(redis.REPL_NONE) keeps what follows out of the stream', async () => {
    await fx.run(['EVAL', "redis.set_repl(redis.REPL_NONE) redis.call('set','r1','1') redis.set_repl(redis.REPL_ALL) redis.call('set','r2','2') return 1", '0']);
    expect(fx.propagated).toEqual([['0', 'set', 'r2', '2']]);
    expect(await fx.cmd('GET r1')).toBe('$1\r\n1\r\n');
  });

  it("CLIENT PAUSE WRITE holds scripts that may write, not EVAL_RO or a no-writes script (Redis 7.0.15's behaviour)", async () => {
    const b = await RawClient.connect(fx.srv.port);
    try {
      expect(await fx.cmd('CLIENT PAUSE 300 WRITE')).toBe('+OK\r\n');
      const t0 = Date.now();
      expect(await b.cmd('EVAL_RO', 'return 1', '0')).toBe(':1\r\n');
      expect(await b.cmd('EVAL', '#!lua flags=no-writes\nreturn 2', '0')).toBe(':2\r\n');
      expect(Date.now() - t0).toBeLessThan(200);
      expect(await b.cmd('EVAL', 'return 3', '0')).toBe(':3\r\n');
      expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    } finally {
      b.close();
    }
  });

  it('MONITOR shows EVAL, then the commands it calls as [db lua]', async () => {
    const mon = await RawClient.connect(fx.srv.port);
    try {
      expect(await mon.cmd('MONITOR')).toBe('+OK\r\n');
      await fx.cmd("EVAL redis.call('set','m','1') 0");
      const seen = await mon.readUntil((s) => s.includes('"set" "m" "1"'), 3000);
      expect(seen).toMatch(/^\+\d+\.\d+ \[0 127\.0\.0\.1:\d+\] "EVAL" "redis\.call\('set','m','1'\)" "0"\r\n\+\d+\.\d+ \[0 lua\] "set" "m" "1"\r\n$/);
    } finally {
      mon.close();
    }
  });
});
