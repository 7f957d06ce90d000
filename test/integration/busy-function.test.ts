/**
 * A function that runs past busy-reply-threshold, on tredis (dist/main.js
 * as a child process) and on redis-server side by side with the same
 * assertions: other clients are told to use FUNCTION KILL, FUNCTION STATS
 * shows the running function, SCRIPT KILL refuses to stop a function (and
 * FUNCTION KILL an EVAL script, which FUNCTION STATS waits for), FUNCTION
 * KILL ends a function that has not written, one that has written is
 * UNKILLABLE.
 */
import { describe, expect, it } from 'vitest';
import { RawClient } from '../helpers';
import { SERVER_KINDS, ServerKind, ServerProcess, startServerProcess } from '../server-process';

const THRESHOLD = 300;

const BUSY_FUNCTION = '-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.\r\n';
const BUSY_EVAL = '-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n';
const NOTBUSY = '-NOTBUSY No scripts in execution right now.\r\n';

const LIBRARY = `#!lua name=busy
redis.register_function('spin', function() local i = 0 while true do i = i + 1 end end)
redis.register_function('spinw', function(keys) redis.call('set', keys[1], 1) while true do end end)`;

const start = (kind: ServerKind) => startServerProcess(kind, ['--busy-reply-threshold', String(THRESHOLD)]);

/** PING until the answer is `busy`. */
async function untilBusy(c: RawClient, busy: string): Promise<void> {
  const since = Date.now();
  for (;;) {
    const r = await c.cmd('PING');
    if (r === busy) return;
    expect(r).toBe('+PONG\r\n');
    if (Date.now() - since > 10000) throw new Error('never busy');
  }
}

async function withServer(kind: ServerKind, body: (p: ServerProcess, a: RawClient, b: RawClient) => Promise<void>): Promise<void> {
  const p = await start(kind);
  const a = await RawClient.connect(p.port);
  const b = await RawClient.connect(p.port);
  try {
    expect(await b.cmd('FUNCTION', 'LOAD', LIBRARY)).toBe('$4\r\nbusy\r\n');
    await body(p, a, b);
  } finally {
    a.close();
    b.close();
    p.child.kill('SIGKILL');
    await p.exited;
  }
}

describe.each(SERVER_KINDS)('a busy function on %s', (kind) => {
  it('FUNCTION STATS shows it, SCRIPT KILL refuses, FUNCTION KILL ends it', () =>
    withServer(kind, async (_p, a, b) => {
      a.write('*3\r\n$5\r\nFCALL\r\n$4\r\nspin\r\n$1\r\n0\r\n');
      await untilBusy(b, BUSY_FUNCTION);
      expect(await b.cmd('GET', 'k')).toBe(BUSY_FUNCTION);
      expect(await b.cmd('FUNCTION', 'LOAD', LIBRARY)).toBe(BUSY_FUNCTION);
      expect(await b.cmd('FUNCTION', 'DELETE', 'busy')).toBe(BUSY_FUNCTION);
      const stats = await b.cmd('FUNCTION', 'STATS');
      expect(stats).toMatch(
        /^\*4\r\n\$14\r\nrunning_script\r\n\*6\r\n\$4\r\nname\r\n\$4\r\nspin\r\n\$7\r\ncommand\r\n\*3\r\n\$5\r\nFCALL\r\n\$4\r\nspin\r\n\$1\r\n0\r\n\$11\r\nduration_ms\r\n:\d+\r\n\$7\r\nengines\r\n\*2\r\n\$3\r\nLUA\r\n\*4\r\n\$15\r\nlibraries_count\r\n:1\r\n\$15\r\nfunctions_count\r\n:2\r\n$/,
      );
      expect(Number(/duration_ms\r\n:(\d+)/.exec(stats)![1])).toBeGreaterThanOrEqual(THRESHOLD);
      expect(await b.cmd('SCRIPT', 'KILL')).toBe(BUSY_FUNCTION);
      expect(await b.cmd('FUNCTION', 'KILL')).toBe('+OK\r\n');
      expect(await a.readUntil((s) => s.endsWith('\r\n'), 3000)).toBe('-ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:2.\r\n');
      expect(await b.cmd('FUNCTION', 'KILL')).toBe(NOTBUSY);
      expect(await b.cmd('FUNCTION', 'STATS')).toBe(
        '*4\r\n$14\r\nrunning_script\r\n$-1\r\n$7\r\nengines\r\n*2\r\n$3\r\nLUA\r\n*4\r\n$15\r\nlibraries_count\r\n:1\r\n$15\r\nfunctions_count\r\n:2\r\n',
      );
      expect(await a.cmd('SET', 'k', 'v')).toBe('+OK\r\n');
      expect(await b.cmd('GET', 'k')).toBe('$1\r\nv\r\n');
    }), 30000);

  it('while an EVAL script is busy, FUNCTION KILL and FUNCTION STATS answer -BUSY', () =>
    withServer(kind, async (_p, a, b) => {
      a.write('*3\r\n$4\r\nEVAL\r\n$17\r\nwhile true do end\r\n$1\r\n0\r\n');
      await untilBusy(b, BUSY_EVAL);
      expect(await b.cmd('FUNCTION', 'KILL')).toBe(BUSY_EVAL);
      expect(await b.cmd('FUNCTION', 'STATS')).toBe(BUSY_EVAL);
      expect(await b.cmd('SCRIPT', 'KILL')).toBe('+OK\r\n');
      expect(await a.readUntil((s) => s.endsWith('\r\n'), 3000)).toMatch(/^-ERR Script killed by user with SCRIPT KILL\.\.\. script: \w+, on @user_script:1\.\r\n$/);
      expect(await b.cmd('SCRIPT', 'KILL')).toBe(NOTBUSY);
    }), 30000);

  it('a function that wrote is UNKILLABLE; SHUTDOWN NOSAVE ends the server', () =>
    withServer(kind, async (p, a, b) => {
      a.write('*4\r\n$5\r\nFCALL\r\n$5\r\nspinw\r\n$1\r\n1\r\n$1\r\nx\r\n');
      await untilBusy(b, BUSY_FUNCTION);
      expect(await b.cmd('FUNCTION', 'KILL')).toBe(
        '-UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.\r\n',
      );
      expect(await b.cmd('SHUTDOWN')).toBe(BUSY_FUNCTION);
      b.write('*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n');
      const code = await Promise.race([p.exited, new Promise<string>((r) => setTimeout(() => r('still running'), 5000))]);
      expect(code).not.toBe('still running');
    }), 30000);
});
