/**
 * Blocking list commands and the blocking framework (server/blocking.ts):
 * BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP, timeouts, CLIENT UNBLOCK, which
 * writes wake blocked clients (push, RENAME, MOVE, SWAPDB, COPY, LMOVE),
 * FIFO service, BLMOVE chains, propagation of served clients, INFO and
 * CLIENT LIST, disconnects, and many concurrent producers and consumers.
 * Behaviour was checked against a real redis-server 7.0.15 with the same
 * client interleavings (served replies, propagated argv from a replica's
 * MONITOR); only the timeout precision differs (Redis fires timeouts on
 * its event loop tick, tredis on a timer).
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RawClient, Running, client, encode, replyLength, useServerFixture, waitFor } from '../helpers';
import { NULLARR, OK, bulk, bulks, int } from '../resp';

const kv = (k: string, v: string) => bulks(k, v);

const fx = useServerFixture({ withDb: true });
const { propagated } = fx;
let srv: Running;
let r: RawClient;
const extra: RawClient[] = [];
beforeAll(() => ({ srv, r } = fx));
beforeEach(async () => {
  for (const c of extra.splice(0)) c.close();
  await waitFor(() => srv.server.blocking.count === 0);
});

async function conn(): Promise<RawClient> {
  const c = await RawClient.connect(srv.port);
  extra.push(c);
  return c;
}

/** Send a command without waiting for its reply; wait until `blocked` clients are blocked. */
async function send(c: RawClient, line: string, blocked?: number): Promise<void> {
  c.write(encode(line.split(' ')));
  if (blocked !== undefined) await waitFor(() => srv.server.blocking.count === blocked);
}

/** One complete reply. */
const reply = (c: RawClient, ms = 3000) => c.readUntil((s) => replyLength(s) > 0, ms);

/** Nothing arrives within ms. */
async function silent(c: RawClient, ms = 50): Promise<void> {
  expect(await c.read(1, ms)).toBe('');
}

const cmd = (line: string) => r.cmd(...line.split(' '));

describe('serving blocked clients', () => {
  it('serves clients in the order they blocked (FIFO per key)', async () => {
    const a = await conn();
    const b = await conn();
    const c = await conn();
    await send(a, 'BLPOP k 0', 1);
    await send(b, 'BRPOP k 0', 2);
    await send(c, 'BLPOP other k 0', 3);
    expect(await cmd('RPUSH k 1 2')).toBe(int(2));
    expect(await reply(a)).toBe(kv('k', '1'));
    expect(await reply(b)).toBe(kv('k', '2'));
    await silent(c);
    expect(srv.server.blocking.count).toBe(1);
    expect(await cmd('EXISTS k')).toBe(int(0));
    expect(await cmd('RPUSH k 3 4')).toBe(int(2));
    expect(await reply(c)).toBe(kv('k', '3'));
    expect(await cmd('LRANGE k 0 -1')).toBe(bulks('4'));
  });

  it('a client blocked on several keys is served by the first that becomes ready', async () => {
    const a = await conn();
    const b = await conn();
    await send(a, 'BLPOP k1 k2 k2 0', 1);
    await send(b, 'BRPOP k2 k1 0', 2);
    expect(await cmd('RPUSH k2 a b')).toBe(int(2));
    expect(await reply(a)).toBe(kv('k2', 'a'));
    expect(await reply(b)).toBe(kv('k2', 'b'));
    expect(srv.server.keyspace.blockedKeyCount).toBe(0);
  });

  it('a multi-element push serves as many clients as it has elements', async () => {
    const cs = [await conn(), await conn(), await conn(), await conn()];
    for (let i = 0; i < cs.length; i++) await send(cs[i], 'BLPOP q 0', i + 1);
    expect(await cmd('RPUSH q x y z')).toBe(int(3));
    expect(await reply(cs[0])).toBe(kv('q', 'x'));
    expect(await reply(cs[1])).toBe(kv('q', 'y'));
    expect(await reply(cs[2])).toBe(kv('q', 'z'));
    await silent(cs[3]);
    expect(srv.server.blocking.count).toBe(1);
  });

  it('BLMPOP pops up to COUNT, then the next client gets the rest', async () => {
    const a = await conn();
    const b = await conn();
    await send(a, 'BLMPOP 0 2 x q RIGHT COUNT 2', 1);
    await send(b, 'BLMPOP 0 1 q LEFT', 2);
    expect(await cmd('RPUSH q 1 2 3 4')).toBe(int(4));
    expect(await reply(a)).toBe(`*2\r\n${bulk('q')}${bulks('4', '3')}`);
    expect(await reply(b)).toBe(`*2\r\n${bulk('q')}${bulks('1')}`);
    expect(await cmd('LRANGE q 0 -1')).toBe(bulks('2'));
  });

  it('input sent after a blocking command runs once the client is served', async () => {
    const a = await conn();
    a.write(Buffer.concat([encode(['BLPOP', 'k', '0']), encode(['PING']), encode(['ECHO', 'hi'])]));
    await waitFor(() => srv.server.blocking.count === 1);
    await silent(a);
    await cmd('LPUSH k v');
    const out = await a.readUntil((s) => s.endsWith(bulk('hi')));
    expect(out).toBe(kv('k', 'v') + '+PONG\r\n' + bulk('hi'));
  });

  it('stays blocked while the key is missing or of another type', async () => {
    const a = await conn();
    await send(a, 'BLPOP k 0', 1);
    expect(await cmd('SET k str')).toBe(OK);
    expect(await cmd('DEL k')).toBe(int(1));
    expect(await cmd('ZADD k 1 m')).toBe(int(1));
    expect(await cmd('RENAME k k2')).toBe(OK);
    await silent(a);
    // a list that appears and disappears within one command is not seen
    expect(await cmd('RPUSH tmp x')).toBe(int(1));
    expect(await cmd('DEL tmp')).toBe(int(1));
    expect(await cmd('SET k str')).toBe(OK);
    expect(await cmd('SET k other')).toBe(OK);
    await silent(a);
    expect(await cmd('DEL k')).toBe(int(1));
    expect(await cmd('LPUSH k v')).toBe(int(1));
    expect(await reply(a)).toBe(kv('k', 'v'));
  });

  it('waits in the db it blocked in', async () => {
    const a = await conn();
    expect(await a.cmd('SELECT', '1')).toBe(OK);
    await send(a, 'BLPOP k 0', 1);
    expect(await cmd('RPUSH k in-db0')).toBe(int(1));
    await silent(a);
    expect(await r.cmd('SELECT', '1')).toBe(OK);
    expect(await cmd('RPUSH k in-db1')).toBe(int(1));
    expect(await reply(a)).toBe(kv('k', 'in-db1'));
    expect(await r.cmd('SELECT', '0')).toBe(OK);
    expect(await cmd('LRANGE k 0 -1')).toBe(bulks('in-db0'));
  });
});

describe('writes that make a key ready', () => {
  it('RENAME into the key', async () => {
    const a = await conn();
    await send(a, 'BLPOP k 0', 1);
    await cmd('RPUSH tmp a b');
    expect(await cmd('RENAME tmp k')).toBe(OK);
    expect(await reply(a)).toBe(kv('k', 'a'));
    expect(await cmd('LRANGE k 0 -1')).toBe(bulks('b'));
  });

  it('MOVE from another db', async () => {
    const a = await conn();
    await send(a, 'BLPOP k 0', 1);
    await r.cmd('SELECT', '3');
    await cmd('RPUSH k z');
    expect(await cmd('MOVE k 0')).toBe(int(1));
    await r.cmd('SELECT', '0');
    expect(await reply(a)).toBe(kv('k', 'z'));
    expect(await cmd('EXISTS k')).toBe(int(0));
  });

  it('SWAPDB brings the key in; the waiter stays with its db', async () => {
    const a = await conn();
    await send(a, 'BLPOP sw 0', 1);
    await r.cmd('SELECT', '1');
    await cmd('RPUSH sw q1 q2');
    await r.cmd('SELECT', '0');
    expect(await cmd('SWAPDB 0 1')).toBe(OK);
    expect(await reply(a)).toBe(kv('sw', 'q1'));
    expect(await cmd('LRANGE sw 0 -1')).toBe(bulks('q2'));
  });

  it('COPY, LMOVE and RPOPLPUSH into the key', async () => {
    const a = await conn();
    const b = await conn();
    const c = await conn();
    await send(a, 'BLPOP k1 0', 1);
    await send(b, 'BLPOP k2 0', 2);
    await send(c, 'BLPOP k3 0', 3);
    await cmd('RPUSH src a b c');
    expect(await cmd('COPY src k1')).toBe(int(1));
    expect(await reply(a)).toBe(kv('k1', 'a'));
    expect(await cmd('LMOVE src k2 RIGHT LEFT')).toBe(bulk('c'));
    expect(await reply(b)).toBe(kv('k2', 'c'));
    expect(await cmd('RPOPLPUSH src k3')).toBe(bulk('b'));
    expect(await reply(c)).toBe(kv('k3', 'b'));
    expect(await cmd('LRANGE k1 0 -1')).toBe(bulks('b', 'c'));
    expect(await cmd('LRANGE src 0 -1')).toBe(bulks('a'));
    expect(await cmd('EXISTS k2 k3')).toBe(int(0));
  });
});

describe('BLMOVE / BRPOPLPUSH', () => {
  it('a chain of BLMOVEs is served in one pass, each propagated as LMOVE', async () => {
    const a = await conn();
    const b = await conn();
    const c = await conn();
    await send(a, 'BLMOVE a b RIGHT LEFT 0', 1);
    await send(b, 'BRPOPLPUSH b c 0', 2);
    await send(c, 'BLPOP c 0', 3);
    propagated.length = 0;
    expect(await cmd('RPUSH a x')).toBe(int(1));
    expect(await reply(a)).toBe(bulk('x'));
    expect(await reply(b)).toBe(bulk('x'));
    expect(await reply(c)).toBe(kv('c', 'x'));
    expect(await cmd('EXISTS a b c')).toBe(int(0));
    expect(propagated).toEqual([
      ['0', 'RPUSH', 'a', 'x'],
      ['0', 'LMOVE', 'a', 'b', 'right', 'left'],
      ['0', 'RPOPLPUSH', 'b', 'c'],
      ['0', 'LPOP', 'c'],
    ]);
  });

  it('a destination of the wrong type ends the wait with WRONGTYPE and moves nothing', async () => {
    const a = await conn();
    await send(a, 'BLMOVE src dst LEFT LEFT 0', 1);
    await cmd('SET dst x');
    await silent(a);
    expect(await cmd('RPUSH src e')).toBe(int(1));
    expect(await reply(a)).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    expect(await cmd('LRANGE src 0 -1')).toBe(bulks('e'));
    expect(srv.server.blocking.count).toBe(0);
  });

  it('BLMOVE onto its own key', async () => {
    const a = await conn();
    await send(a, 'BLMOVE k k LEFT RIGHT 0', 1);
    await cmd('RPUSH k 1 2');
    expect(await reply(a)).toBe(bulk('1'));
    expect(await cmd('LRANGE k 0 -1')).toBe(bulks('2', '1'));
  });
});

describe('propagation of served clients', () => {
  it('is the non-blocking form, after the command that made the key ready', async () => {
    const cs = [await conn(), await conn(), await conn(), await conn()];
    await send(cs[0], 'BLPOP p1 0', 1);
    await send(cs[1], 'BRPOP p1 0', 2);
    await send(cs[2], 'BLMPOP 0 1 p2 RIGHT COUNT 5', 3);
    await send(cs[3], 'BLMPOP 0 1 p3 LEFT', 4);
    propagated.length = 0;
    await cmd('RPUSH p1 a b c');
    await cmd('RPUSH p2 a b c');
    await cmd('RPUSH p3 a b');
    for (const c of cs) await reply(c);
    expect(propagated).toEqual([
      ['0', 'RPUSH', 'p1', 'a', 'b', 'c'],
      ['0', 'LPOP', 'p1'],
      ['0', 'RPOP', 'p1'],
      ['0', 'RPUSH', 'p2', 'a', 'b', 'c'],
      ['0', 'RPOP', 'p2', '3'],
      ['0', 'RPUSH', 'p3', 'a', 'b'],
      ['0', 'LPOP', 'p3', '1'],
    ]);
  });

  it('uses the db the client blocked in', async () => {
    const a = await conn();
    await a.cmd('SELECT', '2');
    await send(a, 'BLPOP k 0', 1);
    await r.cmd('SELECT', '2');
    propagated.length = 0;
    await cmd('RPUSH k v');
    await r.cmd('SELECT', '0');
    expect(await reply(a)).toBe(kv('k', 'v'));
    expect(propagated).toEqual([
      ['2', 'RPUSH', 'k', 'v'],
      ['2', 'LPOP', 'k'],
    ]);
  });
});

describe('timeouts', () => {
  it('a double timeout replies the null array when it expires', async () => {
    const a = await conn();
    const t0 = Date.now();
    await send(a, 'BLPOP k 0.15', 1);
    expect(await reply(a)).toBe(NULLARR);
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(140);
    expect(took).toBeLessThan(2000);
    expect(srv.server.blocking.count).toBe(0);
    // sub-millisecond rounds up to 1 ms rather than forever
    await send(a, 'BRPOP k 0.0001');
    expect(await reply(a)).toBe(NULLARR);
    await send(a, 'BLMOVE k d LEFT LEFT 0.01');
    expect(await reply(a)).toBe(NULLARR);
    await send(a, 'BLMPOP 0.01 1 k LEFT');
    expect(await reply(a)).toBe(NULLARR);
  });

  it('RESP3 clients get _ on timeout', async () => {
    const a = await conn();
    await a.cmd('HELLO', '3');
    await send(a, 'BLPOP k 0.01');
    expect(await reply(a)).toBe('_\r\n');
    await send(a, 'BLMOVE k d LEFT LEFT 0.01');
    expect(await reply(a)).toBe('_\r\n');
  });

  it('a client served before its timeout is not timed out later', async () => {
    const a = await conn();
    await send(a, 'BLPOP k 0.1', 1);
    await cmd('RPUSH k v');
    expect(await reply(a)).toBe(kv('k', 'v'));
    expect(await a.read(1, 250)).toBe('');
  });

  it('0 blocks forever until CLIENT UNBLOCK (TIMEOUT, then ERROR)', async () => {
    const a = await conn();
    const id = (await a.cmd('CLIENT', 'ID')).slice(1, -2);
    await send(a, 'BLPOP k 0', 1);
    await silent(a, 300);
    expect(await cmd(`CLIENT UNBLOCK ${id}`)).toBe(int(1));
    expect(await reply(a)).toBe(NULLARR);
    expect(await cmd(`CLIENT UNBLOCK ${id}`)).toBe(int(0));
    await send(a, 'BLMOVE k x LEFT LEFT 0', 1);
    expect(await cmd(`CLIENT UNBLOCK ${id} error`)).toBe(int(1));
    expect(await reply(a)).toBe('-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n');
    expect(await cmd('INFO errorstats')).toContain('errorstat_UNBLOCKED:count=1');
    expect(await a.cmd('PING')).toBe('+PONG\r\n');
  });

  it('timeout errors', async () => {
    expect(await cmd('BLPOP k 0.5x')).toBe('-ERR timeout is not a float or out of range\r\n');
    expect(await cmd('BLPOP k -1')).toBe('-ERR timeout is negative\r\n');
    expect(await cmd('BLPOP k inf')).toBe('-ERR timeout is negative\r\n');
    expect(await cmd('BRPOPLPUSH k x 1e20')).toBe('-ERR timeout is negative\r\n');
    expect(await cmd('BLMPOP nan 1 k LEFT')).toBe('-ERR timeout is not a float or out of range\r\n');
    expect(await cmd('BLMOVE k x LEFT LEFT -0.01')).toBe('-ERR timeout is negative\r\n');
  });
});

describe('clients that must not block', () => {
  it('reply at once as on timeout when denyBlocking is set (MULTI, scripts)', async () => {
    const a = await conn();
    const id = Number((await a.cmd('CLIENT', 'ID')).slice(1, -2));
    const sc = srv.server.clients.get(id)!;
    sc.denyBlocking = true;
    expect(await a.cmd('BLPOP', 'k', '0')).toBe(NULLARR);
    expect(await a.cmd('BLMOVE', 'k', 'x', 'LEFT', 'LEFT', '0')).toBe('$-1\r\n');
    expect(await a.cmd('BRPOPLPUSH', 'k', 'x', '0')).toBe('$-1\r\n');
    expect(await a.cmd('BLMPOP', '0', '1', 'k', 'LEFT')).toBe(NULLARR);
    await cmd('RPUSH k v');
    expect(await a.cmd('BLPOP', 'k', '0')).toBe(kv('k', 'v'));
    sc.denyBlocking = false;
    expect(srv.server.blocking.count).toBe(0);
  });
});

describe('bookkeeping', () => {
  it('INFO blocked_clients / clients_in_timeout_table and CLIENT LIST flags', async () => {
    const a = await conn();
    const b = await conn();
    await send(a, 'BLPOP k 0', 1);
    await send(b, 'BLPOP k 100', 2);
    const info = await cmd('INFO clients');
    expect(info).toContain('blocked_clients:2\r\n');
    expect(info).toContain('clients_in_timeout_table:1\r\n');
    const list = await cmd('CLIENT LIST');
    expect(list.match(/flags=b /g)?.length).toBe(2);
    expect(list).toMatch(/cmd=blpop/);
    await cmd('RPUSH k 1 2');
    await reply(a);
    await reply(b);
    const after = await cmd('INFO clients');
    expect(after).toContain('blocked_clients:0\r\n');
    expect(after).toContain('clients_in_timeout_table:0\r\n');
  });

  it('a disconnecting blocked client is forgotten', async () => {
    const a = await RawClient.connect(srv.port);
    const b = await conn();
    await send(a, 'BLPOP k 5', 1);
    await send(b, 'BLPOP k 0', 2);
    a.close();
    await waitFor(() => srv.server.blocking.count === 1);
    expect(srv.server.blocking.inTimeoutTable).toBe(0);
    await cmd('RPUSH k 1 2');
    expect(await reply(b)).toBe(kv('k', '1'));
    expect(await cmd('LRANGE k 0 -1')).toBe(bulks('2'));
    expect(srv.server.keyspace.blockedKeyCount).toBe(0);
  });

  it('CLIENT REPLY OFF / SKIP also silence the deferred reply', async () => {
    const a = await conn();
    a.write(encode(['CLIENT', 'REPLY', 'OFF']));
    await send(a, 'BLPOP k 0', 1);
    await cmd('RPUSH k 1');
    await waitFor(() => srv.server.blocking.count === 0);
    expect(await a.cmd('CLIENT', 'REPLY', 'ON')).toBe(OK);
    a.write(encode(['CLIENT', 'REPLY', 'SKIP']));
    await send(a, 'BLPOP k 0', 1);
    await cmd('RPUSH k 2');
    await waitFor(() => srv.server.blocking.count === 0);
    expect(await a.cmd('PING')).toBe('+PONG\r\n');
    a.write(encode(['CLIENT', 'REPLY', 'SKIP']));
    await send(a, 'BLPOP k 0.01');
    await waitFor(() => srv.server.blocking.count === 0);
    expect(await a.cmd('PING')).toBe('+PONG\r\n');
    expect(await cmd('EXISTS k')).toBe(int(0));
  });

  it('CLIENT KILL of a blocked client', async () => {
    const a = await conn();
    const id = (await a.cmd('CLIENT', 'ID')).slice(1, -2);
    await send(a, 'BLMOVE k d LEFT LEFT 0', 1);
    expect(await cmd(`CLIENT KILL ID ${id}`)).toBe(int(1));
    await waitFor(() => srv.server.blocking.count === 0);
    expect(await cmd('RPUSH k v')).toBe(int(1));
    expect(await cmd('EXISTS d')).toBe(int(0));
  });
});

describe('acceptance: many producers and consumers', () => {
  it('50 producers and 50 consumers move every element exactly once through RPUSH/BLPOP', async () => {
    const N = 10000;
    const P = 50;
    const keys = ['q1', 'q2', 'q3'];
    const producers = Array.from({ length: P }, () => client(srv.port));
    const consumers = Array.from({ length: P }, () => client(srv.port));
    const seen = new Map<string, number>();
    let received = 0;
    try {
      await Promise.all([...producers, ...consumers].map((c) => c.ping()));
      const consuming = consumers.map(async (c) => {
        let mine = 0;
        for (;;) {
          const res = await c.blpop(...keys, 0);
          if (res === null) throw new Error('BLPOP with timeout 0 returned null');
          if (res[1] === 'STOP') return mine;
          seen.set(res[1], (seen.get(res[1]) ?? 0) + 1);
          received++;
          mine++;
        }
      });
      const producing = producers.map(async (c, p) => {
        const per = N / P;
        for (let i = 0; i < per; ) {
          const key = keys[(p + i) % keys.length];
          // mostly single pushes, some multi-element ones
          const n = i % 10 === 0 ? Math.min(3, per - i) : 1;
          const items: string[] = [];
          for (let j = 0; j < n; j++) items.push(`p${p}-${i + j}`);
          await c.rpush(key, ...items);
          i += n;
        }
      });
      await Promise.all(producing);
      await waitFor(() => received === N, 20000);
      for (let i = 0; i < P; i++) await r.cmd('RPUSH', 'q1', 'STOP');
      const counts = await Promise.all(consuming);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(N);
      expect(seen.size).toBe(N);
      for (const [, n] of seen) expect(n).toBe(1);
      for (let p = 0; p < P; p++) for (let i = 0; i < N / P; i++) expect(seen.has(`p${p}-${i}`)).toBe(true);
      expect(await cmd('EXISTS q1 q2 q3')).toBe(int(0));
      expect(srv.server.blocking.count).toBe(0);
      expect(srv.server.keyspace.blockedKeyCount).toBe(0);
    } finally {
      for (const c of [...producers, ...consumers]) c.disconnect();
    }
  });
});
