/**
 * Wire-level behaviour: framing, inline commands, protocol errors (reply then
 * close), limits, pipelining, and garbage that must never take the server down.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTredis, RawClient, encode, Running } from '../helpers';

let srv: Running;
beforeAll(async () => {
  srv = await startTredis({ maxclients: 64 });
});
afterAll(async () => {
  await srv.close();
});

async function raw(): Promise<RawClient> {
  return RawClient.connect(srv.port);
}

async function stillServing(): Promise<void> {
  const c = await raw();
  expect(await c.cmd('PING')).toBe('+PONG\r\n');
  c.close();
}

describe('framing', () => {
  it('answers multibulk and inline commands', async () => {
    const c = await raw();
    c.write('*1\r\n$4\r\nPING\r\nPING\r\n\r\n\nECHO "a\\x41\\n"\r\n');
    expect(await c.readUntil((s) => s.endsWith('$3\r\naA\n\r\n'))).toBe('+PONG\r\n+PONG\r\n$3\r\naA\n\r\n');
    c.close();
  });

  it('skips empty multibulk requests (*0, *-1)', async () => {
    const c = await raw();
    c.write('*0\r\n*-1\r\nPING\r\n');
    expect(await c.read(7)).toBe('+PONG\r\n');
    c.close();
  });

  it('reassembles a command split byte by byte', async () => {
    const c = await raw();
    const bytes = encode(['SET', 'split', 'x'.repeat(100)]);
    for (const b of bytes) {
      c.write(Buffer.from([b]));
      await new Promise((r) => setImmediate(r));
    }
    expect(await c.read(5)).toBe('+OK\r\n');
    expect(await c.cmd('STRLEN', 'split')).toBe(':100\r\n');
    c.close();
  });

  it('is binary safe for every byte value', async () => {
    const c = await raw();
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect(await c.cmd('SET', all, all)).toBe('+OK\r\n');
    const r = await c.cmd('GET', all);
    expect(Buffer.from(r, 'latin1').equals(Buffer.concat([Buffer.from('$256\r\n'), all, Buffer.from('\r\n')]))).toBe(true);
    c.close();
  });

  it('handles 100,000 pipelined commands in one write with one reply stream', async () => {
    const c = await raw();
    const one = encode(['INCR', 'pipelined']);
    c.write(Buffer.concat(Array.from({ length: 100_000 }, () => one)));
    const out = await c.readUntil((s) => s.endsWith(':100000\r\n'), 20_000);
    expect(out.split('\r\n').length - 1).toBe(100_000);
    c.close();
  });

  it('handles a value arriving in many chunks', async () => {
    const c = await raw();
    const size = 3 * 1024 * 1024;
    const payload = encode(['SET', 'big', Buffer.alloc(size, 0x61)]);
    for (let i = 0; i < payload.length; i += 10_000) c.write(payload.subarray(i, i + 10_000));
    expect(await c.read(5, 10_000)).toBe('+OK\r\n');
    expect(await c.cmd('STRLEN', 'big')).toBe(`:${size}\r\n`);
    c.close();
  });
});

describe('protocol errors reply and close', () => {
  const cases: [string, string][] = [
    ['*x\r\n', '-ERR Protocol error: invalid multibulk length\r\n'],
    ['*3000000000\r\n', '-ERR Protocol error: invalid multibulk length\r\n'],
    ['*1\r\n$x\r\n', '-ERR Protocol error: invalid bulk length\r\n'],
    ['*1\r\n$-1\r\n', '-ERR Protocol error: invalid bulk length\r\n'],
    ['*1\r\n$536870913\r\n', '-ERR Protocol error: invalid bulk length\r\n'],
    ['*1\r\nx\r\n', "-ERR Protocol error: expected '$', got 'x'\r\n"],
    ['set "a b\r\n', '-ERR Protocol error: unbalanced quotes in request\r\n'],
    ['PING\r\n*1\r\nfoo\r\n', "+PONG\r\n-ERR Protocol error: expected '$', got 'f'\r\n"],
  ];
  for (const [input, reply] of cases) {
    it(JSON.stringify(input), async () => {
      const c = await raw();
      c.write(input);
      expect(await c.readUntil((s) => s === reply)).toBe(reply);
      expect(await c.waitClose()).toBe(true);
    });
  }

  it('rejects an inline request over 64 KB without a newline', async () => {
    const c = await raw();
    c.write('a'.repeat(70 * 1024));
    expect(await c.readUntil((s) => s.length > 0)).toBe('-ERR Protocol error: too big inline request\r\n');
    expect(await c.waitClose()).toBe(true);
  });

  it('rejects a multibulk header line over 64 KB', async () => {
    const c = await raw();
    c.write('*' + '1'.repeat(70 * 1024));
    expect(await c.readUntil((s) => s.length > 0)).toBe('-ERR Protocol error: too big mbulk count string\r\n');
    expect(await c.waitClose()).toBe(true);
  });
});

describe('garbage never hurts the server', () => {
  it('survives random bytes on many connections', async () => {
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let i = 0; i < 40; i++) {
      const c = await raw();
      const len = 1 + Math.floor(rnd() * 4096);
      const buf = Buffer.alloc(len);
      for (let j = 0; j < len; j++) buf[j] = Math.floor(rnd() * 256);
      // bias some cases toward RESP-looking garbage
      if (i % 3 === 0) buf[0] = 0x2a;
      if (i % 5 === 0) buf[0] = 0x24;
      c.write(buf);
      await c.read(1, 50);
      c.close();
    }
    await stillServing();
  });

  it('does not allocate a huge bulk before its bytes arrive', async () => {
    const before = process.memoryUsage().rss;
    const clients: RawClient[] = [];
    for (let i = 0; i < 20; i++) {
      const c = await raw();
      c.write('*2\r\n$3\r\nGET\r\n$536870912\r\nabc');
      clients.push(c);
    }
    await new Promise((r) => setTimeout(r, 200));
    const grown = process.memoryUsage().rss - before;
    // 20 × 512 MB announced; nothing close to that may be allocated
    expect(grown).toBeLessThan(200 * 1024 * 1024);
    for (const c of clients) c.close();
    await stillServing();
  });

  it('closes a client whose pending request exceeds client-query-buffer-limit', async () => {
    const small = await startTredis({ 'client-query-buffer-limit': '1mb' });
    try {
      const c = await RawClient.connect(small.port);
      c.write('*2\r\n$3\r\nGET\r\n$10000000\r\n');
      c.write(Buffer.alloc(2 * 1024 * 1024, 0x61));
      expect(await c.waitClose(5000)).toBe(true);
      const ok = await RawClient.connect(small.port);
      expect(await ok.cmd('PING')).toBe('+PONG\r\n');
      ok.close();
    } finally {
      await small.close();
    }
  });

  it('accepts idle connections up to maxclients, then replies with the error', async () => {
    const conns: RawClient[] = [];
    // the suite itself may hold a few; fill up to the limit
    for (;;) {
      const c = await raw();
      c.write('PING\r\n');
      const r = await c.read(1, 1000);
      if (r !== '+PONG\r\n') {
        expect(r).toBe('-ERR max number of clients reached\r\n');
        expect(await c.waitClose()).toBe(true);
        break;
      }
      conns.push(c);
      expect(conns.length).toBeLessThanOrEqual(64);
    }
    expect(conns.length).toBeGreaterThan(50);
    for (const c of conns) c.close();
    await new Promise((r) => setTimeout(r, 100));
    await stillServing();
  });
});

describe('errors keep the connection', () => {
  it('unknown command and arity errors as Redis writes them', async () => {
    const c = await raw();
    expect(await c.cmd('FOO', 'a', 'b')).toBe("-ERR unknown command 'FOO', with args beginning with: 'a' 'b' \r\n");
    expect(await c.cmd('GET')).toBe("-ERR wrong number of arguments for 'get' command\r\n");
    expect(await c.cmd('PING')).toBe('+PONG\r\n');
    c.close();
  });

  it('QUIT replies OK then closes', async () => {
    const c = await raw();
    c.write('QUIT\r\nPING\r\n');
    expect(await c.readUntil((s) => s.length >= 5)).toBe('+OK\r\n');
    expect(await c.waitClose()).toBe(true);
  });
});

describe('RESP3', () => {
  it('HELLO 3 switches protocol and replies a map', async () => {
    const c = await raw();
    const r = await c.cmd('HELLO', '3');
    expect(r.startsWith('%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n')).toBe(true);
    expect(await c.cmd('GET', 'nokey-resp3')).toBe('_\r\n');
    expect(await c.cmd('HELLO', '4')).toBe('-NOPROTO unsupported protocol version\r\n');
    expect(await c.cmd('HELLO', 'x')).toBe('-ERR Protocol version is not an integer or out of range\r\n');
    expect(await c.cmd('HELLO', '3', 'FOO')).toBe("-ERR Syntax error in HELLO option 'FOO'\r\n");
    c.close();
  });
});

describe('auth', () => {
  it('requirepass gates commands; AUTH and HELLO AUTH open them', async () => {
    const s = await startTredis({ requirepass: 'sec' });
    try {
      const c = await RawClient.connect(s.port);
      expect(await c.cmd('PING')).toBe('-NOAUTH Authentication required.\r\n');
      expect(await c.cmd('FOO')).toBe("-ERR unknown command 'FOO', with args beginning with: \r\n");
      expect(await c.cmd('HELLO', '3')).toMatch(/^-NOAUTH HELLO must be called/);
      expect(await c.cmd('AUTH', 'x')).toBe('-WRONGPASS invalid username-password pair or user is disabled.\r\n');
      expect(await c.cmd('AUTH', 'sec')).toBe('+OK\r\n');
      expect(await c.cmd('PING')).toBe('+PONG\r\n');
      expect(await c.cmd('RESET')).toBe('+RESET\r\n');
      expect(await c.cmd('PING')).toBe('-NOAUTH Authentication required.\r\n');
      expect(await c.cmd('HELLO', '2', 'AUTH', 'default', 'sec', 'SETNAME', 'n')).toMatch(/^\*14\r\n/);
      expect(await c.cmd('PING')).toBe('+PONG\r\n');
      c.close();
    } finally {
      await s.close();
    }
  });

  it('AUTH without requirepass explains itself', async () => {
    const c = await raw();
    expect(await c.cmd('AUTH', 'x')).toBe(
      '-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n',
    );
    expect(await c.cmd('AUTH', 'a', 'b', 'c')).toBe('-ERR syntax error\r\n');
    c.close();
  });
});
