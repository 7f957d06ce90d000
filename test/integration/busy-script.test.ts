/**
 * A script that runs past busy-reply-threshold, on tredis (dist/main.js as
 * a child process) and on redis-server side by side with the same
 * assertions: other clients get -BUSY within the threshold + 100 ms,
 * SCRIPT KILL ends a script that has not written, one that has written is
 * UNKILLABLE and only SHUTDOWN NOSAVE ends the server; in between, the
 * server keeps serving.
 */
import { describe, expect, it } from 'vitest';
import { RawClient } from '../helpers';
import { SERVER_KINDS, ServerKind, startServerProcess } from '../server-process';

const THRESHOLD = 300;

const BUSY = '-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n';

const start = (kind: ServerKind) => startServerProcess(kind, ['--busy-reply-threshold', String(THRESHOLD)]);

/** PING until the answer is -BUSY; the time it took from `since`. */
async function untilBusy(c: RawClient, since: number): Promise<number> {
  for (;;) {
    const r = await c.cmd('PING');
    if (r === BUSY) return Date.now() - since;
    expect(r).toBe('+PONG\r\n');
    if (Date.now() - since > 10000) throw new Error('never busy');
  }
}


/** Runs `body` with two connections to a fresh server of `kind`, then stops it. */
async function withTwoClients(kind: ServerKind, body: (a: RawClient, b: RawClient, p: Awaited<ReturnType<typeof start>>) => Promise<void>): Promise<void> {
  const p = await start(kind);
  const a = await RawClient.connect(p.port);
  const b = await RawClient.connect(p.port);
  try {
    await body(a, b, p);
  } finally {
    a.close();
    b.close();
    p.child.kill('SIGKILL');
    await p.exited;
  }
}

describe.each(SERVER_KINDS)('a busy script on %s', (kind) => {
  it('other clients get -BUSY, SCRIPT KILL ends it, the server goes on', () =>
    withTwoClients(kind, async (a, b) => {
      const t0 = Date.now();
      a.write('*3\r\n$4\r\nEVAL\r\n$17\r\nwhile true do end\r\n$1\r\n0\r\n');
      const took = await untilBusy(b, t0);
      expect(took).toBeLessThanOrEqual(THRESHOLD + 100 + 150); // the threshold + 100 ms, plus the test's own round trips
      expect(await b.cmd('GET', 'k')).toBe(BUSY);
      expect(await b.cmd('SHUTDOWN')).toBe(BUSY);
      expect(await b.cmd('SCRIPT', 'KILL')).toBe('+OK\r\n');
      expect(await a.readUntil((s) => s.endsWith('\r\n'), 3000)).toBe(
        '-ERR Script killed by user with SCRIPT KILL... script: 694a5fe1ddb97a4c6a1bf299d9537c7d3d0f84e7, on @user_script:1.\r\n',
      );
      expect(await b.cmd('SCRIPT', 'KILL')).toBe('-NOTBUSY No scripts in execution right now.\r\n');
      expect(await b.cmd('PING')).toBe('+PONG\r\n');
      expect(await a.cmd('SET', 'k', 'v')).toBe('+OK\r\n');
      expect(await b.cmd('GET', 'k')).toBe('$1\r\nv\r\n');
    }),
  30000);

  it('a script that wrote is UNKILLABLE; SHUTDOWN NOSAVE ends the server', () =>
    withTwoClients(kind, async (a, b, p) => {
      const body = "redis.call('set','x','1') while true do end";
      a.write(`*3\r\n$4\r\nEVAL\r\n$${body.length}\r\n${body}\r\n$1\r\n0\r\n`);
      await untilBusy(b, Date.now());
      expect(await b.cmd('SCRIPT', 'KILL')).toBe(
        '-UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.\r\n',
      );
      expect(await b.cmd('PING')).toBe(BUSY);
      b.write('*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n');
      const code = await Promise.race([p.exited, new Promise<string>((r) => setTimeout(() => r('still running'), 5000))]);
      expect(code).not.toBe('still running');
    }),
  30000);

  it('a busy script inside MULTI/EXEC: -BUSY meanwhile, SCRIPT KILL ends it, the rest of the transaction runs', () =>
    withTwoClients(kind, async (a, b) => {
      expect(await a.cmd('MULTI')).toBe('+OK\r\n');
      expect(await a.cmd('SET', 'before', '1')).toBe('+QUEUED\r\n');
      expect(await a.cmd('EVAL', 'while true do end', '0')).toBe('+QUEUED\r\n');
      expect(await a.cmd('INCR', 'after')).toBe('+QUEUED\r\n');
      const t0 = Date.now();
      a.write('*1\r\n$4\r\nEXEC\r\n*2\r\n$3\r\nGET\r\n$5\r\nafter\r\n');
      const took = await untilBusy(b, t0);
      expect(took).toBeLessThanOrEqual(THRESHOLD + 100 + 150);
      // nothing of the transaction after the script has run yet
      expect(await b.cmd('GET', 'after')).toBe(BUSY);
      expect(await b.cmd('SCRIPT', 'KILL')).toBe('+OK\r\n');
      expect(await a.readUntil((s) => s.endsWith('$1\r\n1\r\n'), 3000)).toBe(
        '*3\r\n+OK\r\n-ERR Script killed by user with SCRIPT KILL... script: 694a5fe1ddb97a4c6a1bf299d9537c7d3d0f84e7, on @user_script:1.\r\n:1\r\n$1\r\n1\r\n',
      );
      expect(await b.cmd('GET', 'before')).toBe('$1\r\n1\r\n');
      expect(await b.cmd('PING')).toBe('+PONG\r\n');
    }),
  30000);

  it("a busy loop inside the script's own coroutines: -BUSY meanwhile, the coroutines never see the suspension", () =>
    withTwoClients(kind, async (a, b) => {
      // 1.2 s of loops (by TIME) in a coroutine nested in a coroutine, under pcall, with the script's own yields between
      const body = `local function ms() local t = redis.call('TIME') return t[1] * 1000 + t[2] / 1000 end
local function spin(d) local t = ms() while ms() - t < d do end end
local inner = coroutine.wrap(function(d)
  spin(d)
  local again = coroutine.yield('first')
  spin(again)
  return 'second'
end)
local outer = coroutine.create(function()
  local a = inner(400)
  spin(400)
  local ok, b = pcall(inner, 400)
  return a, tostring(ok), b
end)
local r = {coroutine.resume(outer)}
r[1] = tostring(r[1])
r[#r + 1] = coroutine.status(outer)
return r`;
      const t0 = Date.now();
      a.write(`*3\r\n$4\r\nEVAL\r\n$${Buffer.byteLength(body)}\r\n${body}\r\n$1\r\n0\r\n`);
      await untilBusy(b, t0);
      expect(await a.readUntil((s) => s.endsWith('dead\r\n'), 20000)).toBe(
        '*5\r\n$4\r\ntrue\r\n$5\r\nfirst\r\n$4\r\ntrue\r\n$6\r\nsecond\r\n$4\r\ndead\r\n',
      );
      expect(await b.cmd('PING')).toBe('+PONG\r\n');
    }),
  30000);
});
