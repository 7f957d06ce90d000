/**
 * Stream commands (non-group): propagation, keyspace events, blocking XREAD
 * and a few properties that the differential scripts cannot see. The
 * propagated forms were read from the AOF of a real redis-server 7.0.15 run
 * with `appendonly yes` on the same commands; keyspace events from a
 * psubscribe on it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { RawClient, Running, encode, replyLength, useServerFixture, waitFor } from '../helpers';
import { bulk } from '../resp';

const fx = useServerFixture({ withDb: true });
const { propagated, events } = fx;
let srv: Running;
let r: RawClient;
beforeAll(() => ({ srv, r } = fx));

const cmd = (line: string) => r.cmd(...line.split(' '));
const send = (c: RawClient, ...args: string[]) => c.write(encode(args));
const reply = (c: RawClient) => c.readUntil((s) => replyLength(s) > 0, 3000);

describe('propagation', () => {
  it('makes IDs explicit and approximate trims exact, as Redis 7.0.15 writes them', async () => {
    await cmd('XADD p 1-1 a 1');
    await cmd('XADD p maxlen ~ 10 2-1 a 1');
    await cmd('XADD p MAXLEN = 1 3-1 a 1');
    await cmd('XADD p minid ~ 1 4-* a 1');
    const auto = await cmd('XADD p minid ~ 5 limit 7 * a 1');
    const autoId = auto.split('\r\n')[1];
    expect(await cmd('XTRIM p maxlen ~ 0')).toBe(':3\r\n');
    expect(await cmd('XTRIM p minid ~ 0')).toBe(':0\r\n');
    expect(await cmd('XTRIM p maxlen 0')).toBe(':0\r\n');
    expect(await cmd('XDEL p 1-1')).toBe(':0\r\n');
    await cmd('XSETID p 99999999999999-0');
    await cmd('XADD p nomkstream 99999999999999-* x y');
    await cmd('XREAD streams p 0');
    await cmd('XRANGE p - +');
    expect(propagated).toEqual([
      ['0', 'XADD', 'p', '1-1', 'a', '1'],
      ['0', 'XADD', 'p', 'maxlen', '=', '2', '2-1', 'a', '1'],
      ['0', 'XADD', 'p', 'MAXLEN', '=', '1', '3-1', 'a', '1'],
      // MINID becomes the first entry still stored, tombstones included
      ['0', 'XADD', 'p', 'minid', '=', '1-1', '4-0', 'a', '1'],
      ['0', 'XADD', 'p', 'minid', '=', '1-1', 'limit', '7', autoId, 'a', '1'],
      ['0', 'XTRIM', 'p', 'maxlen', '=', '0'],
      ['0', 'XSETID', 'p', '99999999999999-0'],
      ['0', 'XADD', 'p', 'nomkstream', '99999999999999-1', 'x', 'y'],
    ]);
  });

  it('writes MINID as the maximum ID when an approximate trim empties the stream', async () => {
    await cmd('XADD q 1-1 a 1');
    await cmd('XADD q 2-1 a 1');
    expect(await cmd('XTRIM q minid ~ 500')).toBe(':2\r\n');
    await cmd('XADD q 3-1 a 1');
    await cmd('XADD q 4-1 a 1');
    await cmd('XDEL q 3-1');
    await cmd('XTRIM q minid ~ 3');
    await cmd('XADD q minid ~ 1 5-1 a 1');
    expect(propagated).toEqual([
      ['0', 'XADD', 'q', '1-1', 'a', '1'],
      ['0', 'XADD', 'q', '2-1', 'a', '1'],
      ['0', 'XTRIM', 'q', 'minid', '=', '18446744073709551615-18446744073709551615'],
      ['0', 'XADD', 'q', '3-1', 'a', '1'],
      ['0', 'XADD', 'q', '4-1', 'a', '1'],
      ['0', 'XDEL', 'q', '3-1'],
      ['0', 'XADD', 'q', 'minid', '=', '3-1', '5-1', 'a', '1'],
    ]);
  });

  it('propagates nothing for failed or empty writes', async () => {
    await cmd('XADD s 5-1 a 1');
    propagated.length = 0;
    await cmd('XADD s 5-1 a 1');
    await cmd('XADD nokey NOMKSTREAM * a 1');
    await cmd('XDEL s 9-9');
    await cmd('XTRIM s maxlen 5');
    await cmd('XSETID s 1-1');
    await cmd('XREAD BLOCK 10 STREAMS s $');
    expect(propagated).toEqual([]);
  });

  it('a blocked XREAD that is served propagates nothing', async () => {
    await cmd('XADD s 1-1 a 1');
    const b = await RawClient.connect(srv.port);
    try {
      send(b, 'XREAD', 'BLOCK', '0', 'STREAMS', 's', '$');
      await waitFor(() => srv.server.blocking.count === 1);
      propagated.length = 0;
      await cmd('XADD s 2-1 b 2');
      expect(await reply(b)).toBe(`*1\r\n*2\r\n${bulk('s')}*1\r\n*2\r\n${bulk('2-1')}*2\r\n${bulk('b')}${bulk('2')}`);
      expect(propagated).toEqual([['0', 'XADD', 's', '2-1', 'b', '2']]);
    } finally {
      b.close();
    }
  });
});

describe('keyspace events', () => {
  it('fires xadd, xtrim, xdel, xsetid as Redis does, and new for a created key', async () => {
    fx.captureEvents('KEAn');
    await cmd('XADD e1 maxlen 1 1-1 a 1');
    await cmd('XADD e1 maxlen 1 2-1 a 1');
    await cmd('XDEL e1 9-9');
    await cmd('XDEL e1 2-1');
    await cmd('XTRIM e1 maxlen 0');
    await cmd('XSETID e1 5-5');
    await cmd('XADD e1 nomkstream 6-1 a 1');
    await cmd('XTRIM e1 maxlen 5');
    await cmd('XADD e2 nomkstream 1-1 a 1');
    expect(events).toEqual(['new e1', 'xadd e1', 'xadd e1', 'xtrim e1', 'xdel e1', 'xsetid e1', 'xadd e1']);
  });
});

describe('blocking XREAD', () => {
  it('serves blocked clients in the order they blocked', async () => {
    await cmd('XADD s 1-1 a 1');
    const cs = await Promise.all([0, 1, 2].map(() => RawClient.connect(srv.port)));
    try {
      for (const [i, c] of cs.entries()) {
        send(c, 'XREAD', 'COUNT', '1', 'BLOCK', '0', 'STREAMS', 's', '$');
        await waitFor(() => srv.server.blocking.count === i + 1);
      }
      await cmd('XADD s 2-1 b 2');
      const want = `*1\r\n*2\r\n${bulk('s')}*1\r\n*2\r\n${bulk('2-1')}*2\r\n${bulk('b')}${bulk('2')}`;
      for (const c of cs) expect(await reply(c)).toBe(want);
    } finally {
      for (const c of cs) c.close();
    }
  });

  it('times out with the null array (RESP2 and RESP3) and answers CLIENT UNBLOCK', async () => {
    const b = await RawClient.connect(srv.port);
    try {
      const t0 = Date.now();
      send(b, 'XREAD', 'BLOCK', '150', 'STREAMS', 'nokey', '$');
      expect(await reply(b)).toBe('*-1\r\n');
      expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
      await b.cmd('HELLO', '3');
      send(b, 'XREAD', 'BLOCK', '100', 'STREAMS', 'nokey', '0');
      expect(await reply(b)).toBe('_\r\n');
      const id = (await b.cmd('CLIENT', 'ID')).slice(1, -2);
      send(b, 'XREAD', 'BLOCK', '0', 'STREAMS', 'nokey', '0');
      await waitFor(() => srv.server.blocking.count === 1);
      expect(await cmd(`CLIENT UNBLOCK ${id}`)).toBe(':1\r\n');
      expect(await reply(b)).toBe('_\r\n');
      send(b, 'XREAD', 'BLOCK', '0', 'STREAMS', 'nokey', '0');
      await waitFor(() => srv.server.blocking.count === 1);
      expect(await cmd(`CLIENT UNBLOCK ${id} ERROR`)).toBe(':1\r\n');
      expect(await reply(b)).toMatch(/^-UNBLOCKED/);
    } finally {
      b.close();
    }
  });

  it('resolves $ when it blocks, per key, and skips keys without new entries', async () => {
    await cmd('XADD a 1-1 x 1');
    await cmd('XADD b 1-1 y 1');
    const c = await RawClient.connect(srv.port);
    try {
      send(c, 'XREAD', 'BLOCK', '0', 'STREAMS', 'a', 'b', '$', '0-0');
      // b has an entry after 0-0: served at once, b only
      expect(await reply(c)).toBe(`*1\r\n*2\r\n${bulk('b')}*1\r\n*2\r\n${bulk('1-1')}*2\r\n${bulk('y')}${bulk('1')}`);
      send(c, 'XREAD', 'BLOCK', '0', 'STREAMS', 'a', 'b', '$', '$');
      await waitFor(() => srv.server.blocking.count === 1);
      await cmd('XADD a 2-1 x 2');
      expect(await reply(c)).toBe(`*1\r\n*2\r\n${bulk('a')}*1\r\n*2\r\n${bulk('2-1')}*2\r\n${bulk('x')}${bulk('2')}`);
    } finally {
      c.close();
    }
  });

  it('serves a blocked XREAD without COUNT at most 1000 entries (Redis 7.0.15 does the same)', async () => {
    for (let i = 1; i <= 1200; i++) await cmd(`XADD src ${i}-1 f ${i}`);
    const c = await RawClient.connect(srv.port);
    try {
      send(c, 'XREAD', 'BLOCK', '0', 'STREAMS', 'bs', '0');
      await waitFor(() => srv.server.blocking.count === 1);
      await cmd('RENAME src bs');
      const got = await reply(c);
      // [[bs, [1000 entries]]]: the entries array header, then the first and last served
      expect(got.startsWith(`*1\r\n*2\r\n${bulk('bs')}*1000\r\n`)).toBe(true);
      expect(got.endsWith(`*2\r\n${bulk('1000-1')}*2\r\n${bulk('f')}${bulk('1000')}`)).toBe(true);
    } finally {
      c.close();
    }
  });
});

describe('values', () => {
  it('COPY gives an independent stream; OBJECT ENCODING and TYPE say stream', async () => {
    await cmd('XADD s 1-1 a 1');
    await cmd('XADD s 2-1 a 2');
    expect(await cmd('COPY s c')).toBe(':1\r\n');
    await cmd('XDEL c 1-1');
    await cmd('XADD c 3-1 a 3');
    expect(await cmd('XLEN s')).toBe(':2\r\n');
    expect(await cmd('XLEN c')).toBe(':2\r\n');
    expect(await cmd('OBJECT ENCODING c')).toBe(bulk('stream'));
    expect(await cmd('TYPE c')).toBe('+stream\r\n');
  });

  it('keeps XADD * monotonic within one millisecond and past a clock behind the last ID', async () => {
    await cmd('XSETID nokey 1-1');
    await cmd('XADD s 1-1 a 1');
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) ids.push((await cmd('XADD s * a 1')).split('\r\n')[1]);
    const key = (id: string) => id.split('-').map((x) => BigInt(x));
    for (let i = 1; i < ids.length; i++) {
      const [am, as] = key(ids[i - 1]);
      const [bm, bs] = key(ids[i]);
      expect(bm > am || (bm === am && bs > as)).toBe(true);
    }
    await cmd('XSETID s 99999999999999-7');
    expect(await cmd('XADD s * a 1')).toBe(bulk('99999999999999-8'));
  });

  it('XADD rejects odd field lists with the arity error before looking at the key', async () => {
    await cmd('SET str x');
    expect(await cmd('XADD str * a')).toBe("-ERR wrong number of arguments for 'xadd' command\r\n");
  });
});
