/**
 * Functions beyond the replies test/compat compares: what FUNCTION and
 * FCALL propagate (the sequence a real redis-server 7.0.15 wrote to its AOF
 * for the same commands: FUNCTION LOAD / DELETE / FLUSH / RESTORE as
 * received when they succeed, FCALL as the effects of the function), and
 * what MONITOR shows of FCALL.
 */
import { describe, expect, it } from 'vitest';
import { RawClient, useServerFixture } from '../helpers';

const fx = useServerFixture({ withDb: true });

const LIB = "#!lua name=m\nredis.register_function('fm', function(keys) redis.call('set', keys[1], 1) return 1 end)\nredis.register_function('fm2', function(keys) redis.call('set', keys[1], 1) redis.call('incr', 'cnt') return 1 end)\nredis.register_function{function_name='ro', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}}";

describe('function propagation', () => {
  it("as Redis 7.0.15's AOF has it: FUNCTION subcommands as received when they change something, FCALL as its effects", async () => {
    const replies = await fx.run(
      ['FUNCTION', 'LOAD', LIB],
      ['FUNCTION', 'LOAD', LIB],
      ['FUNCTION', 'LOAD', 'replace', LIB],
      ['FCALL', 'fm', '1', 'a'],
      ['FCALL', 'fm2', '1', 'b'],
      ['FCALL_RO', 'ro', '1', 'a'],
      ['FCALL', 'ro', '1', 'a'],
      ['FUNCTION', 'DUMP'],
    );
    const dump = Buffer.from(replies[7].slice(replies[7].indexOf('\r\n') + 2, -2), 'latin1');
    await fx.run(
      ['FUNCTION', 'DELETE', 'm'],
      ['FUNCTION', 'DELETE', 'm'],
      ['FUNCTION', 'FLUSH'],
      ['FUNCTION', 'flush', 'async'],
      ['FUNCTION', 'FLUSH', 'bogus'],
      ['FUNCTION', 'LIST'],
      ['FUNCTION', 'STATS'],
    );
    await fx.r.cmd('FUNCTION', 'RESTORE', dump);
    await fx.r.cmd('FUNCTION', 'RESTORE', dump);
    await fx.r.cmd('FUNCTION', 'RESTORE', dump, 'replace');
    await fx.run(['MULTI'], ['FUNCTION', 'DELETE', 'm'], ['FUNCTION', 'LOAD', LIB], ['FCALL', 'fm', '1', 'c'], ['EXEC']);
    await fx.run(['SELECT', '2'], ['FCALL', 'fm2', '1', 'd'], ['SELECT', '0']);
    const p = fx.propagated.map((a) => a.map((x) => (x === dump.toString('latin1') ? '<dump>' : x)));
    expect(p).toEqual([
      ['0', 'FUNCTION', 'LOAD', LIB],
      ['0', 'FUNCTION', 'LOAD', 'replace', LIB],
      ['0', 'set', 'a', '1'],
      ['0', 'MULTI'],
      ['0', 'set', 'b', '1'],
      ['0', 'incr', 'cnt'],
      ['0', 'EXEC'],
      ['0', 'FUNCTION', 'DELETE', 'm'],
      ['0', 'FUNCTION', 'FLUSH'],
      ['0', 'FUNCTION', 'flush', 'async'],
      ['0', 'FUNCTION', 'RESTORE', '<dump>'],
      ['0', 'FUNCTION', 'RESTORE', '<dump>', 'replace'],
      ['0', 'MULTI'],
      ['0', 'FUNCTION', 'DELETE', 'm'],
      ['0', 'FUNCTION', 'LOAD', LIB],
      ['0', 'set', 'c', '1'],
      ['0', 'EXEC'],
      ['2', 'MULTI'],
      ['2', 'set', 'd', '1'],
      ['2', 'incr', 'cnt'],
      ['2', 'EXEC'],
    ]);
  });

  it("CLIENT PAUSE WRITE holds FCALL and FCALL_RO of a function without no-writes, and FCALL of an unknown one (Redis 7.0.15's behaviour)", async () => {
    await fx.run(['FUNCTION', 'FLUSH'], ['FUNCTION', 'LOAD', LIB]);
    const b = await RawClient.connect(fx.srv.port);
    const paused = async (...args: string[]) => {
      expect(await fx.cmd('CLIENT PAUSE 300 WRITE')).toBe('+OK\r\n');
      const t0 = Date.now();
      const reply = await b.cmd(...args);
      const held = Date.now() - t0 >= 250;
      expect(await fx.cmd('CLIENT UNPAUSE')).toBe('+OK\r\n');
      return [reply, held];
    };
    try {
      expect(await paused('FCALL_RO', 'ro', '1', 'a')).toEqual(['$-1\r\n', false]);
      expect(await paused('FCALL', 'ro', '1', 'a')).toEqual(['$-1\r\n', false]);
      expect(await paused('FCALL_RO', 'nosuch', '0')).toEqual(['-ERR Function not found\r\n', false]);
      expect(await paused('FCALL_RO', 'fm', '1', 'a')).toEqual(['-ERR Can not execute a script with write flag using *_ro command.\r\n', true]);
      expect(await paused('FCALL', 'nosuch', '0')).toEqual(['-ERR Function not found\r\n', true]);
      expect(await paused('FCALL', 'fm', '1', 'a')).toEqual([':1\r\n', true]);
    } finally {
      b.close();
    }
  });

  it('MONITOR shows FCALL, then the commands it calls as [db lua]; FUNCTION subcommands as themselves', async () => {
    await fx.run(['FUNCTION', 'FLUSH'], ['FUNCTION', 'LOAD', LIB]);
    const mon = await RawClient.connect(fx.srv.port);
    try {
      expect(await mon.cmd('MONITOR')).toBe('+OK\r\n');
      await fx.run(['FCALL', 'fm', '1', 'mk'], ['FCALL_RO', 'fm', '1', 'mk'], ['FUNCTION', 'LIST']);
      const seen = await mon.readUntil((s) => s.includes('"FUNCTION" "LIST"'), 3000);
      expect(seen).toMatch(
        /^\+\d+\.\d+ \[0 127\.0\.0\.1:\d+\] "FCALL" "fm" "1" "mk"\r\n\+\d+\.\d+ \[0 lua\] "set" "mk" "1"\r\n\+\d+\.\d+ \[0 127\.0\.0\.1:\d+\] "FCALL_RO" "fm" "1" "mk"\r\n\+\d+\.\d+ \[0 127\.0\.0\.1:\d+\] "FUNCTION" "LIST"\r\n$/,
      );
    } finally {
      mon.close();
    }
  });
});
