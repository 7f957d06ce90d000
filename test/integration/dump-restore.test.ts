/**
 * DUMP / RESTORE inside tredis: what RESTORE propagates and the events it
 * fires (taken from a real redis-server 7.0.15's replication stream and
 * keyspace notifications), WATCH, sanitize-dump-payload per client, and a
 * fuzz of corrupted payloads (valid checksums, so they reach the parser):
 * every RESTORE answers, the server keeps serving, and a key that was
 * accepted can be read, dumped and written.
 */
import { describe, expect, it } from 'vitest';
import { RawClient, prng, useServerFixture } from '../helpers';
import * as C from '../rdb-craft';

const fx = useServerFixture();
const { propagated, events, captureEvents, run } = fx;

const OK = '+OK\r\n';

/** The bytes of a bulk reply. */
function bulkBytes(reply: string): Buffer {
  const nl = reply.indexOf('\r\n');
  const n = Number(reply.slice(1, nl));
  return Buffer.from(reply.slice(nl + 2, nl + 2 + n), 'latin1');
}

async function dumpOf(key: string): Promise<Buffer> {
  const reply = await fx.r.cmd('DUMP', key);
  expect(reply[0]).toBe('$');
  return bulkBytes(reply);
}

/** The payload with its footer's checksum recomputed. */
function reseal(p: Buffer): Buffer {
  const b = Buffer.from(p);
  b.writeBigUInt64LE(C.crc64(b.subarray(0, b.length - 8)), b.length - 8);
  return b;
}

describe('RESTORE: propagation and events', () => {
  it('propagates as itself, a relative TTL as an absolute one with ABSTTL', async () => {
    await run(['SET', 'k', 'v']);
    const d = await dumpOf('k');
    propagated.length = 0;
    const before = Date.now();
    expect(await fx.r.cmd('RESTORE', 'm1', '100000', d)).toBe(OK);
    expect(await fx.r.cmd('RESTORE', 'm1', '0', d, 'replace')).toBe(OK);
    expect(await fx.r.cmd('RESTORE', 'm1', '1', d, 'replace', 'absttl')).toBe(OK);
    expect(await fx.r.cmd('RESTORE', 'm3', '5000000000000', d, 'absttl', 'idletime', '5')).toBe(OK);
    expect(await fx.r.cmd('RESTORE', 'm4', '1', d, 'absttl')).toBe(OK);
    expect(await fx.r.cmd('RESTORE', 'm5', '0', d, 'bogus')).toMatch(/^-ERR syntax error/);
    const p = propagated.map((a) => a.map((x) => (x === d.toString('latin1') ? '<payload>' : x)));
    const when = Number(p[0][2]);
    expect(when).toBeGreaterThanOrEqual(before + 100000);
    expect(when).toBeLessThanOrEqual(Date.now() + 100000);
    expect(p).toEqual([
      ['RESTORE', 'm1', String(when), '<payload>', 'ABSTTL'],
      ['RESTORE', 'm1', '0', '<payload>', 'replace'],
      ['DEL', 'm1'],
      ['RESTORE', 'm3', '5000000000000', '<payload>', 'absttl', 'idletime', '5'],
    ]);
    await run(['CONFIG', 'SET', 'lazyfree-lazy-server-del', 'yes'], ['SET', 'm6', 'x']);
    propagated.length = 0;
    expect(await fx.r.cmd('RESTORE', 'm6', '1', d, 'absttl', 'replace')).toBe(OK);
    await run(['CONFIG', 'SET', 'lazyfree-lazy-server-del', 'no']);
    expect(propagated).toEqual([['UNLINK', 'm6']]);
  });

  it('fires new and restore; a replaced key that is already expired fires del', async () => {
    await run(['SET', 'k', 'v']);
    const d = await dumpOf('k');
    captureEvents('KEAn', (e) => e !== 'keymiss');
    await fx.r.cmd('RESTORE', 'k2', '0', d);
    await fx.r.cmd('RESTORE', 'k2', '0', d, 'replace');
    await fx.r.cmd('RESTORE', 'k2', '1', d, 'replace', 'absttl');
    await fx.r.cmd('RESTORE', 'k3', '1', d, 'absttl');
    await fx.r.cmd('RESTORE', 'k4', '100000', d);
    await fx.r.cmd('RESTORE', 'k4', '100000', d);
    expect(events).toEqual(['new k2', 'restore k2', 'new k2', 'restore k2', 'del k2', 'new k4', 'restore k4']);
  });

  it('touches WATCHed keys when it writes, not when it fails', async () => {
    await run(['SET', 'k', 'v']);
    const d = await dumpOf('k');
    const other = await RawClient.connect(fx.srv.port);
    try {
      await run(['WATCH', 'k'], ['MULTI'], ['GET', 'k']);
      expect(await other.cmd('RESTORE', 'k', '0', d)).toMatch(/^-BUSYKEY/);
      expect(await fx.r.cmd('EXEC')).toBe('*1\r\n$1\r\nv\r\n');
      await run(['WATCH', 'k'], ['MULTI'], ['GET', 'k']);
      expect(await other.cmd('RESTORE', 'k', '0', d, 'REPLACE')).toBe(OK);
      expect(await fx.r.cmd('EXEC')).toBe('*-1\r\n');
    } finally {
      other.close();
    }
  });
});

describe('sanitize-dump-payload', () => {
  const brokenList = C.payload(C.cat([18, 1, 2], C.rdbStr(C.listpack(['a', 'b'], { entries: [C.lpEntry('a'), C.lpEntry('b', true)] }))));

  it('no: shallow checks; yes and clients: deep ones for a normal client', async () => {
    expect(await fx.r.cmd('RESTORE', 'a', '0', brokenList)).toBe(OK);
    for (const mode of ['yes', 'clients']) {
      await run(['CONFIG', 'SET', 'sanitize-dump-payload', mode]);
      expect(await fx.r.cmd('RESTORE', 'b' + mode, '0', brokenList)).toBe('-ERR Bad data format\r\n');
    }
    await run(['CONFIG', 'SET', 'sanitize-dump-payload', 'no']);
  });
});

describe('RESTORE fuzz', () => {
  /** Reads and writes that walk the whole restored value. */
  const exercise: Record<string, string[][]> = {
    string: [['GET', 'x'], ['APPEND', 'x', 'y'], ['STRLEN', 'x']],
    list: [['LRANGE', 'x', '0', '-1'], ['LINDEX', 'x', '-1'], ['RPUSH', 'x', 'z'], ['LPOP', 'x'], ['LREM', 'x', '0', 'a']],
    set: [['SMEMBERS', 'x'], ['SADD', 'x', '7', 'q'], ['SPOP', 'x'], ['SRANDMEMBER', 'x', '-5'], ['SSCAN', 'x', '0']],
    hash: [['HGETALL', 'x'], ['HSET', 'x', 'f0', 'new'], ['HDEL', 'x', 'f1'], ['HRANDFIELD', 'x', '-3'], ['HSCAN', 'x', '0']],
    zset: [['ZRANGE', 'x', '0', '-1', 'WITHSCORES'], ['ZADD', 'x', '5', 'q'], ['ZREM', 'x', 'a'], ['ZRANGEBYSCORE', 'x', '-inf', '+inf'], ['ZSCAN', 'x', '0'], ['ZPOPMIN', 'x']],
    stream: [
      ['XRANGE', 'x', '-', '+'],
      ['XREVRANGE', 'x', '+', '-'],
      ['XINFO', 'STREAM', 'x', 'FULL'],
      ['XINFO', 'GROUPS', 'x'],
      ['XADD', 'x', '*', 'f', 'v'],
      ['XTRIM', 'x', 'MAXLEN', '5'],
      ['XPENDING', 'x', 'g', '-', '+', '10'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 'x', '0'],
      ['XAUTOCLAIM', 'x', 'g', 'c', '0', '0'],
    ],
  };

  it('corrupted payloads: every RESTORE answers, accepted keys can be used', async () => {
    await run(
      ['RPUSH', 'list', ...Array.from({ length: 300 }, (_, i) => 'e' + (i % 13))],
      ['SADD', 'iset', '1', '-70000', '5000000000'],
      ['SADD', 'hset', 'a', 'b', 'c', '1'],
      ['HSET', 'hash', 'f0', 'v', 'f1', '12', 'f2', 'x'.repeat(30)],
      ['ZADD', 'zlp', '1', 'a', '2.5', 'b', '-inf', 'c'],
      ['CONFIG', 'SET', 'zset-max-listpack-entries', '2'],
      ['ZADD', 'zsk', '1', 'a', '2.5', 'b', '-inf', 'c'],
      ['CONFIG', 'SET', 'zset-max-listpack-entries', '128'],
      ['SET', 'str', 'hello hello hello hello hello hello'],
    );
    for (let i = 0; i < 120; i++) await run(['XADD', 'st', `${i + 1}-${i % 3}`, i % 7 ? 'f' : 'g', 'v' + i]);
    await run(['XDEL', 'st', '5-1'], ['XGROUP', 'CREATE', 'st', 'g', '0'], ['XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '7', 'STREAMS', 'st', '>']);
    const samples: Buffer[] = [];
    for (const k of ['list', 'iset', 'hset', 'hash', 'zlp', 'zsk', 'str', 'st']) samples.push(await dumpOf(k));

    const rnd = prng(Number(process.env.FUZZ_SEED ?? 20240501));
    let accepted = 0;
    for (let trial = 0; trial < Number(process.env.FUZZ_TRIALS ?? 1500); trial++) {
      const sample = samples[trial % samples.length];
      let p: Buffer;
      if (trial % 5 === 0) {
        // truncated body, footer kept
        const cut = 1 + Math.floor(rnd() * (sample.length - 11));
        p = reseal(C.cat(sample.subarray(0, cut), sample.subarray(sample.length - 10)));
      } else {
        p = Buffer.from(sample);
        const flips = 1 + Math.floor(rnd() * 3);
        for (let f = 0; f < flips; f++) {
          const at = Math.floor(rnd() * (p.length - 10));
          p[at] = rnd() < 0.5 ? p[at] ^ (1 << Math.floor(rnd() * 8)) : Math.floor(rnd() * 256);
        }
        p = reseal(p);
      }
      const reply = await fx.r.cmd('RESTORE', 'x', '0', p, 'REPLACE');
      expect(reply === OK || reply.startsWith('-ERR Bad data format')).toBe(true);
      if (reply === OK) {
        accepted++;
        const type = (await fx.r.cmd('TYPE', 'x')).slice(1, -2);
        for (const c of exercise[type] ?? []) await fx.r.cmd(...c);
        const again = await fx.r.cmd('DUMP', 'x');
        if (again[0] === '$') expect(await fx.r.cmd('RESTORE', 'y', '0', bulkBytes(again), 'REPLACE')).toBe(OK);
      }
    }
    expect(await fx.r.cmd('PING')).toBe('+PONG\r\n');
    expect(accepted).toBeGreaterThan(20);
  }, 300_000);
});
