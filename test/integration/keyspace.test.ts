/**
 * Generic keyspace commands: DEL/UNLINK/EXISTS/TYPE/TOUCH, KEYS, SCAN,
 * RANDOMKEY, DBSIZE, RENAME/RENAMENX, MOVE, COPY, SWAPDB, FLUSHDB/FLUSHALL,
 * OBJECT. Expected bytes were taken from a real redis-server 7.0.15.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RawClient, Running, client, startTredis } from '../helpers';
import { NIL, OK, arr, bulk, err, int } from '../resp';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { StoredObject, RawString } = require('../../dist/store/value.js');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { keyspaceEventsStringToFlags } = require('../../dist/config/notify.js');

let srv: Running;
let r: RawClient;

beforeAll(async () => {
  srv = await startTredis({ 'enable-debug-command': 'yes' });
  r = await RawClient.connect(srv.port);
});

afterAll(async () => {
  r.close();
  await srv.close();
});

beforeEach(async () => {
  srv.server.activeExpireEnabled = true;
  srv.server.settings.notifyKeyspaceEvents = 0;
  expect(await r.cmd('CONFIG', 'SET', 'maxmemory', '0', 'maxmemory-policy', 'noeviction', 'lfu-decay-time', '1')).toBe(OK);
  expect(await r.cmd('SELECT', '0')).toBe(OK);
  expect(await r.cmd('FLUSHALL')).toBe(OK);
});

/** Parse a RESP2 SCAN reply: [cursor, keys]. */
function parseScan(reply: string): [string, string[]] {
  const lines = reply.split('\r\n');
  expect(lines[0]).toBe('*2');
  const cursor = lines[2];
  const n = Number(lines[3].slice(1));
  const keys: string[] = [];
  for (let i = 0; i < n; i++) keys.push(lines[5 + i * 2]);
  return [cursor, keys];
}

async function scanAll(c: RawClient, ...opts: string[]): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = parseScan(await c.cmd('SCAN', cursor, ...opts));
    out.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return out;
}

/** Capture keyspace events as "db:event:key". */
function captureEvents(classes = 'KEAmn'): string[] {
  const events: string[] = [];
  srv.server.settings.notifyKeyspaceEvents = keyspaceEventsStringToFlags(classes);
  srv.server.keyspaceEventSink = (_cls: number, event: string, key: string, dbid: number) => {
    events.push(`${dbid}:${event}:${key}`);
  };
  return events;
}

/** Capture propagated commands (AOF / replica stream). */
const propagated: string[][] = [];
let sinkAdded = false;
function capturePropagation(): string[][] {
  if (!sinkAdded) {
    srv.server.addPropagateSink((dbid: number, argv: string[]) => propagated.push([String(dbid), ...argv]));
    sinkAdded = true;
  }
  propagated.length = 0;
  return propagated;
}

describe('DEL / UNLINK / EXISTS / TYPE / TOUCH', () => {
  it('counts keys deleted, found, touched', async () => {
    await r.cmd('SET', 'a', '1');
    await r.cmd('SET', 'b', '2');
    expect(await r.cmd('EXISTS', 'a', 'b', 'a', 'nokey')).toBe(int(3));
    expect(await r.cmd('TOUCH', 'a', 'nokey', 'a')).toBe(int(2));
    expect(await r.cmd('TYPE', 'a')).toBe('+string\r\n');
    expect(await r.cmd('TYPE', 'nokey')).toBe('+none\r\n');
    expect(await r.cmd('DEL', 'a', 'a', 'nokey')).toBe(int(1));
    expect(await r.cmd('UNLINK', 'b', 'a')).toBe(int(1));
    expect(await r.cmd('EXISTS', 'a', 'b')).toBe(int(0));
    expect(await r.cmd('DEL')).toBe(err("ERR wrong number of arguments for 'del' command"));
    expect(await r.cmd('EXISTS')).toBe(err("ERR wrong number of arguments for 'exists' command"));
  });

  it('fires del events and propagates only when something was deleted', async () => {
    const events = captureEvents();
    const prop = capturePropagation();
    await r.cmd('SET', 'e', '1');
    events.length = 0;
    await r.cmd('DEL', 'e', 'nokey');
    await r.cmd('DEL', 'nokey');
    expect(events).toEqual(['0:del:e']);
    expect(prop.filter((p) => p[1] === 'DEL')).toEqual([['0', 'DEL', 'e', 'nokey']]);
  });

  it('counts keyspace hits and misses for EXISTS/TYPE/TOUCH', async () => {
    const st = srv.server.keyspace.stats;
    await r.cmd('SET', 'a', '1');
    const h = st.hits;
    const m = st.misses;
    await r.cmd('EXISTS', 'a', 'x');
    await r.cmd('TYPE', 'a');
    await r.cmd('TOUCH', 'y');
    expect(st.hits - h).toBe(2);
    expect(st.misses - m).toBe(2);
  });
});

describe('KEYS / DBSIZE / RANDOMKEY', () => {
  it('matches glob patterns, "*" includes the empty key', async () => {
    for (const k of ['a1', 'a2', 'b1', '']) await r.cmd('SET', k, 'x');
    const keys = await client(srv.port);
    try {
      expect((await keys.keys('a*')).sort()).toEqual(['a1', 'a2']);
      expect((await keys.keys('[ab]1')).sort()).toEqual(['a1', 'b1']);
      expect((await keys.keys('*')).sort()).toEqual(['', 'a1', 'a2', 'b1']);
      expect(await keys.keys('?')).toEqual([]);
    } finally {
      keys.disconnect();
    }
    expect(await r.cmd('DBSIZE')).toBe(int(4));
    expect(await r.cmd('DBSIZE', 'x')).toBe(err("ERR wrong number of arguments for 'dbsize' command"));
  });

  it('KEYS skips logically expired keys without deleting them', async () => {
    srv.server.activeExpireEnabled = false;
    await r.cmd('SET', 'live', '1');
    await r.cmd('SET', 'dead', '1');
    await r.cmd('PEXPIRE', 'dead', '1');
    await new Promise((res) => setTimeout(res, 20));
    expect(await r.cmd('KEYS', '*')).toBe(arr(bulk('live')));
    expect(await r.cmd('DBSIZE')).toBe(int(2)); // still stored
    expect(await r.cmd('EXISTS', 'dead')).toBe(int(0));
    expect(await r.cmd('DBSIZE')).toBe(int(1));
  });

  it('RANDOMKEY returns a key, nil when empty or when all keys expired', async () => {
    expect(await r.cmd('RANDOMKEY')).toBe(NIL);
    await r.cmd('SET', 'k', 'v');
    expect(await r.cmd('RANDOMKEY')).toBe(bulk('k'));
    srv.server.activeExpireEnabled = false;
    await r.cmd('PEXPIRE', 'k', '1');
    await new Promise((res) => setTimeout(res, 20));
    expect(await r.cmd('RANDOMKEY')).toBe(NIL);
    expect(await r.cmd('DBSIZE')).toBe(int(0));
  });
});

describe('SCAN', () => {
  it('returns every key once with COUNT pages, ending on cursor 0', async () => {
    const io = await client(srv.port);
    const p = io.pipeline();
    for (let i = 0; i < 2000; i++) p.set(`k:${i}`, 'v');
    await p.exec();
    io.disconnect();
    let cursor = '0';
    const seen: string[] = [];
    let calls = 0;
    do {
      const [next, keys] = parseScan(await r.cmd('SCAN', cursor, 'COUNT', '100'));
      expect(keys.length).toBeLessThanOrEqual(100);
      seen.push(...keys);
      cursor = next;
      calls++;
    } while (cursor !== '0');
    expect(calls).toBe(20); // the last full page already reports cursor 0
    expect(seen.length).toBe(2000);
    expect(new Set(seen).size).toBe(2000);
  }, 30_000);

  it('replies like Redis, RESP2 and RESP3', async () => {
    await r.cmd('SET', 'k', 'v');
    expect(await r.cmd('SCAN', '0')).toBe(arr(bulk('0'), arr(bulk('k'))));
    expect(await r.cmd('SCAN', '0', 'MATCH', 'x*')).toBe(arr(bulk('0'), arr()));
    expect(await r.cmd('SCAN', '0', 'TYPE', 'String')).toBe(arr(bulk('0'), arr(bulk('k'))));
    expect(await r.cmd('SCAN', '0', 'TYPE', 'foo')).toBe(arr(bulk('0'), arr()));
    const r3 = await RawClient.connect(srv.port);
    try {
      await r3.cmd('HELLO', '3');
      expect(await r3.cmd('SCAN', '0')).toBe(arr(bulk('0'), arr(bulk('k'))));
    } finally {
      r3.close();
    }
  });

  it('parses the cursor like strtoul and validates options', async () => {
    await r.cmd('SET', 'k', 'v');
    const all = arr(bulk('0'), arr(bulk('k')));
    for (const ok of ['', '+0', '-0', '0000']) expect(await r.cmd('SCAN', ok)).toBe(all);
    // unknown cursors (wrapped negatives, made-up numbers) restart the walk
    for (const unknown of ['-1', '123456789', '18446744073709551615']) expect(await r.cmd('SCAN', unknown)).toBe(all);
    for (const bad of ['x', ' 0', '0x1', '1 ', '-', '+', '18446744073709551616']) {
      expect(await r.cmd('SCAN', bad)).toBe(err('ERR invalid cursor'));
    }
    expect(await r.cmd('SCAN', 'abc', 'COUNT', '0')).toBe(err('ERR invalid cursor'));
    expect(await r.cmd('SCAN', '0', 'COUNT', '0')).toBe(err('ERR syntax error'));
    expect(await r.cmd('SCAN', '0', 'COUNT', '-5')).toBe(err('ERR syntax error'));
    expect(await r.cmd('SCAN', '0', 'COUNT', 'abc')).toBe(err('ERR value is not an integer or out of range'));
    expect(await r.cmd('SCAN', '0', 'COUNT', '99999999999999999999')).toBe(
      err('ERR value is not an integer or out of range'),
    );
    expect(await r.cmd('SCAN', '0', 'COUNT', '1', 'COUNT', '0')).toBe(err('ERR syntax error'));
    expect(await r.cmd('SCAN', '0', 'MATCH')).toBe(err('ERR syntax error'));
    expect(await r.cmd('SCAN', '0', 'COUNT', '5', 'TYPE')).toBe(err('ERR syntax error'));
    expect(await r.cmd('SCAN', '0', 'foo', 'bar')).toBe(err('ERR syntax error'));
    expect(await r.cmd('SCAN', '0', 'COUNT', '9223372036854775807')).toBe(all);
  });

  it('MATCH and TYPE filter the visited keys', async () => {
    for (let i = 0; i < 50; i++) await r.cmd('SET', `user:${i}`, 'x');
    for (let i = 0; i < 50; i++) await r.cmd('SET', `other:${i}`, 'x');
    const users = await scanAll(r, 'MATCH', 'user:*', 'COUNT', '7');
    expect(users.sort()).toEqual(Array.from({ length: 50 }, (_, i) => `user:${i}`).sort());
    expect((await scanAll(r, 'TYPE', 'string')).length).toBe(100);
    expect((await scanAll(r, 'TYPE', 'list')).length).toBe(0);
  });

  it('drops and deletes expired keys', async () => {
    srv.server.activeExpireEnabled = false;
    for (let i = 0; i < 20; i++) await r.cmd('SET', `k${i}`, 'v');
    for (let i = 0; i < 10; i++) await r.cmd('PEXPIRE', `k${i}`, '1');
    await new Promise((res) => setTimeout(res, 20));
    expect(await r.cmd('DBSIZE')).toBe(int(20));
    const seen = await scanAll(r);
    expect(seen.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `k${i + 10}`).sort());
    expect(await r.cmd('DBSIZE')).toBe(int(10));
  });

  it('guarantees keys present for the whole iteration while others come and go', async () => {
    const io = await client(srv.port);
    try {
      let p = io.pipeline();
      for (let i = 0; i < 5000; i++) p.set(`keep:${i}`, 'v');
      for (let i = 0; i < 5000; i++) p.set(`tmp:${i}`, 'v');
      await p.exec();
      const seen = new Map<string, number>();
      let cursor = '0';
      let step = 0;
      let added = 0;
      let deletedTmp = 0;
      do {
        const [next, keys] = (await io.scan(cursor, 'COUNT', 50)) as [string, string[]];
        for (const k of keys) seen.set(k, (seen.get(k) ?? 0) + 1);
        cursor = next;
        step++;
        p = io.pipeline();
        // delete some of the temporary keys...
        for (let j = 0; j < 40 && deletedTmp < 5000; j++) p.del(`tmp:${deletedTmp++}`);
        // ...add many new ones (growing the table: rehashes)...
        for (let j = 0; j < 300; j++) p.set(`new:${added++}`, 'v');
        // ...and now and then delete most of them again (shrinking it)
        if (step % 25 === 0) for (let j = 0; j < added; j++) p.del(`new:${j}`);
        await p.exec();
      } while (cursor !== '0');
      for (let i = 0; i < 5000; i++) expect(seen.get(`keep:${i}`), `keep:${i}`).toBe(1);
      expect(step).toBeGreaterThan(100);
    } finally {
      io.disconnect();
    }
  }, 60_000);

  it('interleaved iterations and a reused or unknown cursor (tredis: restarts the walk; Redis: a table position, see README)', async () => {
    for (let i = 0; i < 300; i++) await r.cmd('SET', `k${i}`, 'v');
    const a = new Set<string>();
    const b = new Set<string>();
    let ca = '0';
    let cb = '0';
    do {
      if (ca !== 'done') {
        const [n, keys] = parseScan(await r.cmd('SCAN', ca, 'COUNT', '10'));
        keys.forEach((k) => a.add(k));
        ca = n === '0' ? 'done' : n;
      }
      if (cb !== 'done') {
        const [n, keys] = parseScan(await r.cmd('SCAN', cb, 'COUNT', '17'));
        keys.forEach((k) => b.add(k));
        cb = n === '0' ? 'done' : n;
      }
    } while (ca !== 'done' || cb !== 'done');
    expect(a.size).toBe(300);
    expect(b.size).toBe(300);
    // A cursor already used restarts from the beginning: keys may repeat,
    // but none is missed.
    const [c1] = parseScan(await r.cmd('SCAN', '0', 'COUNT', '100'));
    await r.cmd('SCAN', c1, 'COUNT', '100');
    const again = new Set<string>();
    let c = c1;
    do {
      const [n, keys] = parseScan(await r.cmd('SCAN', c, 'COUNT', '100'));
      keys.forEach((k) => again.add(k));
      c = n;
    } while (c !== '0');
    expect(again.size).toBe(300);
  });

  it('a cursor that outlives FLUSHDB or SWAPDB only returns current keys', async () => {
    for (let i = 0; i < 100; i++) await r.cmd('SET', `old${i}`, 'v');
    const [c1] = parseScan(await r.cmd('SCAN', '0', 'COUNT', '10'));
    await r.cmd('FLUSHDB');
    await r.cmd('SET', 'fresh', 'v');
    expect(await scanFrom(c1)).toEqual(['fresh']);

    await r.cmd('SELECT', '1');
    await r.cmd('SET', 'db1key', 'v');
    await r.cmd('SELECT', '0');
    for (let i = 0; i < 100; i++) await r.cmd('SET', `old${i}`, 'v');
    const [c2] = parseScan(await r.cmd('SCAN', '0', 'COUNT', '10'));
    await r.cmd('SWAPDB', '0', '1');
    expect(await scanFrom(c2)).toEqual(['db1key']);
  });

  async function scanFrom(cursor: string): Promise<string[]> {
    const out: string[] = [];
    do {
      const [n, keys] = parseScan(await r.cmd('SCAN', cursor, 'COUNT', '10'));
      out.push(...keys);
      cursor = n;
    } while (cursor !== '0');
    return out.sort();
  }
});

describe('RENAME / RENAMENX', () => {
  it('replies and errors like Redis', async () => {
    await r.cmd('SET', 'foo', 'bar');
    expect(await r.cmd('RENAME', 'nokey', 'x')).toBe(err('ERR no such key'));
    expect(await r.cmd('RENAMENX', 'nokey', 'nokey')).toBe(err('ERR no such key'));
    expect(await r.cmd('RENAME', 'foo', 'foo')).toBe(OK);
    expect(await r.cmd('RENAMENX', 'foo', 'foo')).toBe(int(0));
    await r.cmd('SET', 'bar', '1');
    expect(await r.cmd('RENAMENX', 'foo', 'bar')).toBe(int(0));
    expect(await r.cmd('RENAME', 'foo', 'bar')).toBe(OK);
    expect(await r.cmd('GET', 'bar')).toBe(bulk('bar'));
    expect(await r.cmd('EXISTS', 'foo')).toBe(int(0));
    expect(await r.cmd('RENAMENX', 'bar', 'baz')).toBe(int(1));
    expect(await r.cmd('GET', 'baz')).toBe(bulk('bar'));
  });

  it('carries the TTL and drops the destination TTL', async () => {
    await r.cmd('SET', 'src', 'v');
    await r.cmd('PEXPIREAT', 'src', '4000000000000');
    await r.cmd('SET', 'dst', 'v');
    await r.cmd('PEXPIREAT', 'dst', '4000000000999');
    expect(await r.cmd('RENAME', 'src', 'dst')).toBe(OK);
    expect(await r.cmd('PEXPIRETIME', 'dst')).toBe(int(4000000000000));
    await r.cmd('SET', 'plain', 'v');
    expect(await r.cmd('RENAME', 'plain', 'dst')).toBe(OK);
    expect(await r.cmd('TTL', 'dst')).toBe(int(-1));
  });

  it('fires new, rename_from, rename_to', async () => {
    await r.cmd('SET', 'a', '1');
    await r.cmd('SET', 'b', '2');
    const events = captureEvents();
    await r.cmd('RENAME', 'a', 'b');
    await r.cmd('RENAMENX', 'b', 'c');
    expect(events).toEqual([
      '0:new:b',
      '0:rename_from:a',
      '0:rename_to:b',
      '0:new:c',
      '0:rename_from:b',
      '0:rename_to:c',
    ]);
  });
});

describe('MOVE', () => {
  it('replies and errors like Redis', async () => {
    await r.cmd('SET', 'big', '12345');
    expect(await r.cmd('MOVE', 'big', '0')).toBe(err('ERR source and destination objects are the same'));
    expect(await r.cmd('MOVE', 'nokey', '0')).toBe(err('ERR source and destination objects are the same'));
    expect(await r.cmd('MOVE', 'big', '16')).toBe(err('ERR DB index is out of range'));
    expect(await r.cmd('MOVE', 'big', '-1')).toBe(err('ERR DB index is out of range'));
    expect(await r.cmd('MOVE', 'big', 'abc')).toBe(err('ERR value is not an integer or out of range'));
    expect(await r.cmd('MOVE', 'big', '4294967296')).toBe(
      err('ERR value is out of range, value must between -2147483648 and 2147483647'),
    );
    expect(await r.cmd('MOVE', 'nokey', '1')).toBe(int(0));
    await r.cmd('PEXPIREAT', 'big', '4000000000000');
    expect(await r.cmd('MOVE', 'big', '1')).toBe(int(1));
    expect(await r.cmd('EXISTS', 'big')).toBe(int(0));
    await r.cmd('SET', 'big', 'other');
    expect(await r.cmd('MOVE', 'big', '1')).toBe(int(0)); // exists in the target
    await r.cmd('SELECT', '1');
    expect(await r.cmd('GET', 'big')).toBe(bulk('12345'));
    expect(await r.cmd('PEXPIRETIME', 'big')).toBe(int(4000000000000));
  });

  it('fires new, move_from, move_to in the right dbs', async () => {
    await r.cmd('SET', 'c', '1');
    const events = captureEvents();
    await r.cmd('MOVE', 'c', '1');
    expect(events).toEqual(['1:new:c', '0:move_from:c', '1:move_to:c']);
  });
});

describe('COPY', () => {
  it('replies and errors like Redis', async () => {
    await r.cmd('SET', 'foo', 'bar');
    expect(await r.cmd('COPY', 'foo', 'foo')).toBe(err('ERR source and destination objects are the same'));
    expect(await r.cmd('COPY', 'foo', 'bar', 'DB')).toBe(err('ERR syntax error'));
    expect(await r.cmd('COPY', 'foo', 'bar', 'DB', 'x')).toBe(err('ERR value is not an integer or out of range'));
    expect(await r.cmd('COPY', 'foo', 'bar', 'DB', '16')).toBe(err('ERR DB index is out of range'));
    expect(await r.cmd('COPY', 'foo', 'bar', 'foo')).toBe(err('ERR syntax error'));
    expect(await r.cmd('COPY', 'nokey', 'bar')).toBe(int(0));
    expect(await r.cmd('COPY', 'nokey', 'nokey')).toBe(err('ERR source and destination objects are the same'));
    expect(await r.cmd('COPY', 'foo', 'bar')).toBe(int(1));
    expect(await r.cmd('COPY', 'foo', 'bar')).toBe(int(0));
    expect(await r.cmd('COPY', 'foo', 'bar', 'replace', 'REPLACE')).toBe(int(1));
    expect(await r.cmd('COPY', 'foo', 'foo', 'DB', '1')).toBe(int(1));
    await r.cmd('SELECT', '1');
    expect(await r.cmd('GET', 'foo')).toBe(bulk('bar'));
  });

  it('copies the TTL and the encoding', async () => {
    await r.cmd('SET', 'n', '123');
    await r.cmd('PEXPIREAT', 'n', '4000000000000');
    expect(await r.cmd('COPY', 'n', 'm')).toBe(int(1));
    expect(await r.cmd('PEXPIRETIME', 'm')).toBe(int(4000000000000));
    expect(await r.cmd('OBJECT', 'ENCODING', 'm')).toBe(bulk('int'));
    const db = srv.server.keyspace.dbs[0];
    db.setKey('raw', new RawString('abc'));
    expect(await r.cmd('COPY', 'raw', 'raw2')).toBe(int(1));
    expect(await r.cmd('OBJECT', 'ENCODING', 'raw2')).toBe(bulk('raw'));
    (db.lookup('raw') as unknown as { s: string }).s = 'changed';
    expect(await r.cmd('GET', 'raw2')).toBe(bulk('abc'));
  });

  it('deep-copies other value types (own dup() first, else a generic clone)', async () => {
    class Node {
      next: Node | null = null;
      constructor(public v: string) {}
    }
    class Fake extends StoredObject {
      declare accounted: number;
      readonly type = 'zset';
      dict = new Map<string, Node>();
      order: Node[] = [];
      tags = new Set<string>();
      buf = Buffer.from('xyz');
      encoding(): string {
        return 'skiplist';
      }
      first(): string {
        return this.order[0].v;
      }
    }
    const f = new Fake();
    let prev: Node | null = null;
    for (let i = 0; i < 50000; i++) {
      const n = new Node(`m${i}`);
      if (prev) prev.next = n;
      prev = n;
      f.dict.set(n.v, n);
      f.order.push(n);
    }
    f.tags.add('t');
    const db = srv.server.keyspace.dbs[0];
    db.setKey('z', f);
    expect(await r.cmd('COPY', 'z', 'z2')).toBe(int(1));
    expect(await r.cmd('TYPE', 'z2')).toBe('+zset\r\n');
    const g = db.lookup('z2') as unknown as Fake;
    // (plain booleans: never hand vitest a 50k-node graph to pretty-print)
    expect(g === f).toBe(false);
    expect(g instanceof Fake).toBe(true);
    expect(g.first()).toBe('m0');
    expect(g.dict.get('m7') === g.order[7]).toBe(true); // shared references stay shared
    expect(g.order[7].next === g.order[8]).toBe(true);
    expect(g.order[7] === f.order[7]).toBe(false);
    f.dict.get('m7')!.v = 'changed';
    f.tags.add('u');
    f.buf[0] = 0x41;
    expect(g.order[7].v).toBe('m7');
    expect([...g.tags]).toEqual(['t']);
    expect(g.buf.toString()).toBe('xyz');

    class WithDup extends StoredObject {
      declare accounted: number;
      readonly type = 'hash';
      encoding(): string {
        return 'hashtable';
      }
      dup(): WithDup {
        const d = new WithDup();
        (d as unknown as { copied: boolean }).copied = true;
        return d;
      }
    }
    db.setKey('h', new WithDup());
    expect(await r.cmd('COPY', 'h', 'h2')).toBe(int(1));
    expect((db.lookup('h2') as unknown as { copied: boolean }).copied).toBe(true);
  }, 30_000);

  it('fires new and copy_to in the target db', async () => {
    await r.cmd('SET', 'c', 'x');
    await r.cmd('SET', 'd', 'x');
    const events = captureEvents();
    await r.cmd('COPY', 'c', 'd', 'REPLACE');
    await r.cmd('COPY', 'c', 'e', 'DB', '2');
    await r.cmd('COPY', 'nokey', 'q');
    expect(events).toEqual(['0:new:d', '0:copy_to:d', '2:new:e', '2:copy_to:e', '0:keymiss:nokey']);
  });
});

describe('SWAPDB / FLUSHDB / FLUSHALL', () => {
  it('SWAPDB errors and swaps', async () => {
    expect(await r.cmd('SWAPDB', 'a', 'b')).toBe(err('ERR invalid first DB index'));
    expect(await r.cmd('SWAPDB', '0', 'b')).toBe(err('ERR invalid second DB index'));
    expect(await r.cmd('SWAPDB', '0', '99')).toBe(err('ERR DB index is out of range'));
    expect(await r.cmd('SWAPDB', '-1', '0')).toBe(err('ERR DB index is out of range'));
    expect(await r.cmd('SWAPDB', '0', '4294967296')).toBe(err('ERR invalid second DB index'));
    const prop = capturePropagation();
    expect(await r.cmd('SWAPDB', '0', '0')).toBe(OK);
    expect(prop).toEqual([['0', 'SWAPDB', '0', '0']]);
    await r.cmd('SET', 'x', '1');
    await r.cmd('PEXPIREAT', 'x', '4000000000000');
    expect(await r.cmd('SWAPDB', '0', '1')).toBe(OK);
    expect(await r.cmd('DBSIZE')).toBe(int(0));
    await r.cmd('SELECT', '1');
    expect(await r.cmd('PEXPIRETIME', 'x')).toBe(int(4000000000000));
  });

  it('FLUSHDB / FLUSHALL options, and they always propagate', async () => {
    expect(await r.cmd('FLUSHDB', 'a')).toBe(err('ERR syntax error'));
    expect(await r.cmd('FLUSHDB', 'SYNC', 'b')).toBe(err('ERR syntax error'));
    expect(await r.cmd('FLUSHALL', 'now')).toBe(err('ERR syntax error'));
    await r.cmd('SET', 'a', '1');
    await r.cmd('SELECT', '3');
    await r.cmd('SET', 'b', '1');
    const prop = capturePropagation();
    expect(await r.cmd('FLUSHDB', 'async')).toBe(OK);
    expect(await r.cmd('FLUSHDB', 'SYNC')).toBe(OK); // already empty
    expect(await r.cmd('DBSIZE')).toBe(int(0));
    await r.cmd('SELECT', '0');
    expect(await r.cmd('DBSIZE')).toBe(int(1));
    expect(await r.cmd('FLUSHALL', 'ASYNC')).toBe(OK);
    expect(await r.cmd('FLUSHALL')).toBe(OK);
    expect(await r.cmd('DBSIZE')).toBe(int(0));
    expect(prop).toEqual([
      ['3', 'FLUSHDB', 'async'],
      ['3', 'FLUSHDB', 'SYNC'],
      ['0', 'FLUSHALL', 'ASYNC'],
      ['0', 'FLUSHALL'],
    ]);
  });
});

describe('OBJECT', () => {
  it('ENCODING / REFCOUNT / missing keys / arity', async () => {
    await r.cmd('SET', 'n', '123');
    await r.cmd('SET', 'big', '12345');
    await r.cmd('SET', 'foo', 'bar');
    await r.cmd('SET', 'long', 'x'.repeat(45));
    expect(await r.cmd('OBJECT', 'ENCODING', 'n')).toBe(bulk('int'));
    expect(await r.cmd('OBJECT', 'ENCODING', 'foo')).toBe(bulk('embstr'));
    expect(await r.cmd('OBJECT', 'ENCODING', 'long')).toBe(bulk('raw'));
    expect(await r.cmd('OBJECT', 'encoding', 'nokey')).toBe(NIL);
    expect(await r.cmd('OBJECT', 'REFCOUNT', 'n')).toBe(int(2147483647));
    expect(await r.cmd('OBJECT', 'REFCOUNT', 'big')).toBe(int(1));
    expect(await r.cmd('OBJECT', 'REFCOUNT', 'foo')).toBe(int(1));
    expect(await r.cmd('OBJECT', 'REFCOUNT', 'nokey')).toBe(NIL);
    // A value just written (not a shared integer: those keep the time they
    // were last read, or the server's start).
    expect(await r.cmd('OBJECT', 'IDLETIME', 'foo')).toBe(int(0));
    expect(await r.cmd('OBJECT')).toBe(err("ERR wrong number of arguments for 'object' command"));
    expect(await r.cmd('OBJECT', 'foo')).toBe(err("ERR unknown subcommand 'foo'. Try OBJECT HELP."));
    expect(await r.cmd('OBJECT', 'ENCODING')).toBe(err("ERR wrong number of arguments for 'object|encoding' command"));
    const r3 = await RawClient.connect(srv.port);
    try {
      await r3.cmd('HELLO', '3');
      expect(await r3.cmd('OBJECT', 'ENCODING', 'nokey')).toBe('_\r\n');
    } finally {
      r3.close();
    }
  });

  it('REFCOUNT: integers 0..9999 are shared unless stored while maxmemory is set with an LRU/LFU policy', async () => {
    // Redis 7.0.15's replies to this sequence. Sharing is decided when the
    // value is stored (tryObjectEncoding, createStringObjectFromLongLongForValue)
    // and a stored value keeps its object whatever the config does next.
    const refcount = (k: string) => r.cmd('OBJECT', 'REFCOUNT', k);
    const SHARED = int(2147483647);
    expect(await r.cmd('SET', 'n', '5')).toBe(OK);
    expect(await refcount('n')).toBe(SHARED);
    expect(await r.cmd('CONFIG', 'SET', 'maxmemory', '100mb', 'maxmemory-policy', 'allkeys-lru')).toBe(OK);
    expect(await refcount('n')).toBe(SHARED);
    expect(await r.cmd('SET', 'm', '7')).toBe(OK);
    expect(await refcount('m')).toBe(int(1));
    expect(await r.cmd('OBJECT', 'ENCODING', 'm')).toBe(bulk('int'));
    expect(await r.cmd('DEBUG', 'OBJECT', 'm')).toMatch(/^\+Value at:0x[0-9a-f]+ refcount:1 encoding:int serializedlength:2 lru:/);
    expect(await r.cmd('DEBUG', 'OBJECT', 'n')).toMatch(/^\+Value at:0x[0-9a-f]+ refcount:2147483647 encoding:int serializedlength:2 lru:/);
    expect(await r.cmd('SET', 'big', '12345')).toBe(OK);
    expect(await refcount('big')).toBe(int(1));
    expect(await r.cmd('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-random')).toBe(OK);
    expect(await refcount('m')).toBe(int(1));
    expect(await r.cmd('SET', 'r', '8')).toBe(OK);
    expect(await refcount('r')).toBe(SHARED);
    expect(await r.cmd('CONFIG', 'SET', 'maxmemory-policy', 'volatile-lfu')).toBe(OK);
    expect(await r.cmd('SET', 'f', '9')).toBe(OK);
    expect(await refcount('f')).toBe(int(1));
    expect(await r.cmd('INCR', 'f')).toBe(int(10));
    expect(await refcount('f')).toBe(int(1));
    expect(await r.cmd('CONFIG', 'SET', 'maxmemory', '0')).toBe(OK);
    expect(await refcount('f')).toBe(int(1));
    expect(await r.cmd('INCR', 'f')).toBe(int(11));
    expect(await refcount('f')).toBe(SHARED);
    expect(await r.cmd('COPY', 'n', 'n2')).toBe(int(1));
    expect(await refcount('n2')).toBe(int(1));
    expect(await r.cmd('CONFIG', 'SET', 'maxmemory', '100mb')).toBe(OK);
    // every command that stores a new string value
    expect(await r.cmd('MSET', 'a', '1', 'b', '2')).toBe(OK);
    expect(await refcount('a')).toBe(int(1));
    expect(await r.cmd('GETSET', 'a', '3')).toBe(bulk('1'));
    expect(await refcount('a')).toBe(int(1));
    expect(await r.cmd('SETNX', 'c', '4')).toBe(int(1));
    expect(await refcount('c')).toBe(int(1));
    expect(await r.cmd('APPEND', 'd', '5')).toBe(int(1));
    expect(await refcount('d')).toBe(int(1));
    expect(await r.cmd('OBJECT', 'ENCODING', 'd')).toBe(bulk('int'));
    expect(await r.cmd('INCRBY', 'e', '6')).toBe(int(6));
    expect(await refcount('e')).toBe(int(1));
    expect(await r.cmd('SETEX', 'g', '100', '0')).toBe(OK);
    expect(await refcount('g')).toBe(int(1));
    expect(await r.cmd('SET', 'h', '9999', 'GET')).toBe(NIL);
    expect(await refcount('h')).toBe(int(1));
    // RENAME and MOVE keep the object: still the shared one
    expect(await r.cmd('RENAME', 'n', 'nn')).toBe(OK);
    expect(await refcount('nn')).toBe(SHARED);
    expect(await r.cmd('MOVE', 'nn', '1')).toBe(int(1));
    expect(await r.cmd('SELECT', '1')).toBe(OK);
    expect(await refcount('nn')).toBe(SHARED);
  });

  it('FREQ needs an LFU policy, IDLETIME a non-LFU one; a missing key is nil first', async () => {
    // Redis 7.0.15's replies under each maxmemory-policy.
    const noFreq = err(
      'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
    );
    const noIdle = err(
      'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
    );
    expect(await r.cmd('CONFIG', 'SET', 'lfu-decay-time', '0')).toBe(OK);
    for (const policy of ['noeviction', 'allkeys-lru', 'volatile-lru', 'allkeys-random', 'volatile-random', 'volatile-ttl']) {
      expect(await r.cmd('CONFIG', 'SET', 'maxmemory-policy', policy)).toBe(OK);
      expect(await r.cmd('SET', 'k', 'v')).toBe(OK);
      expect([policy, await r.cmd('OBJECT', 'FREQ', 'k')]).toEqual([policy, noFreq]);
      expect([policy, await r.cmd('OBJECT', 'IDLETIME', 'k')]).toEqual([policy, int(0)]);
      expect(await r.cmd('OBJECT', 'FREQ', 'nokey')).toBe(NIL);
      expect(await r.cmd('OBJECT', 'IDLETIME', 'nokey')).toBe(NIL);
    }
    for (const policy of ['allkeys-lfu', 'volatile-lfu']) {
      expect(await r.cmd('CONFIG', 'SET', 'maxmemory-policy', policy)).toBe(OK);
      expect(await r.cmd('DEL', 'k')).toBe(int(1));
      expect(await r.cmd('SET', 'k', 'v')).toBe(OK);
      expect([policy, await r.cmd('OBJECT', 'FREQ', 'k')]).toEqual([policy, int(5)]);
      expect([policy, await r.cmd('OBJECT', 'IDLETIME', 'k')]).toEqual([policy, noIdle]);
      expect(await r.cmd('OBJECT', 'FREQ', 'nokey')).toBe(NIL);
      expect(await r.cmd('OBJECT', 'IDLETIME', 'nokey')).toBe(NIL);
    }
  });

  it('FREQ: keys written under an LFU policy start at 5 and count accesses (lookups), not EXISTS/TYPE/TTL/OBJECT', async () => {
    // Redis 7.0.15's replies. lfu-decay-time 0: no decay when a minute
    // passes. Counters above 5 grow with probability 1/((c-5)*10+1), so only
    // the first access (5 -> 6) is certain.
    const freq = (k: string) => r.cmd('OBJECT', 'FREQ', k);
    expect(await r.cmd('CONFIG', 'SET', 'lfu-decay-time', '0', 'maxmemory-policy', 'allkeys-lfu')).toBe(OK);
    await r.cmd('SET', 't', 'world');
    expect(await freq('t')).toBe(int(5));
    expect(await r.cmd('GET', 't')).toBe(bulk('world'));
    expect(await freq('t')).toBe(int(6));
    // overwriting reads the key first, and the new value keeps its counter
    await r.cmd('SET', 'u', 'v');
    await r.cmd('SET', 'u', 'w');
    expect(await freq('u')).toBe(int(6));
    expect(await r.cmd('EXISTS', 'u')).toBe(int(1));
    expect(await r.cmd('TYPE', 'u')).toBe('+string\r\n');
    expect(await r.cmd('TTL', 'u')).toBe(int(-1));
    expect(await r.cmd('PTTL', 'u')).toBe(int(-1));
    expect(await r.cmd('EXPIRETIME', 'u')).toBe(int(-1));
    expect(await r.cmd('OBJECT', 'ENCODING', 'u')).toBe(bulk('embstr'));
    expect(await freq('u')).toBe(int(6));
    await r.cmd('SET', 'w', 'x');
    expect(await r.cmd('TOUCH', 'w')).toBe(int(1));
    expect(await freq('w')).toBe(int(6));
    await r.cmd('SET', 'i', '100000'); // not a shared integer: its own object
    expect(await r.cmd('INCR', 'i')).toBe(int(100001));
    expect(await freq('i')).toBe(int(6));
    // COPY makes a new object; RENAME and MOVE keep it (after their own access)
    await r.cmd('SET', 'c1', 'v');
    expect(await r.cmd('COPY', 'c1', 'c2')).toBe(int(1));
    expect(await freq('c1')).toBe(int(6));
    expect(await freq('c2')).toBe(int(5));
    expect(await r.cmd('RENAME', 'c2', 'c3')).toBe(OK);
    expect(await freq('c3')).toBe(int(6));
    await r.cmd('SET', 'mv', 'v');
    expect(await r.cmd('MOVE', 'mv', '1')).toBe(int(1));
    await r.cmd('SELECT', '1');
    expect(await freq('mv')).toBe(int(6));
    await r.cmd('SELECT', '0');
    // DEBUG OBJECT's lru: is the raw word, minutes << 8 | counter
    const m = /lru:(\d+) /.exec(await r.cmd('DEBUG', 'OBJECT', 't'));
    expect(m).not.toBeNull();
    expect(Number(m![1]) & 255).toBe(6);
    // Back to LRU and to LFU again: untouched keys keep their counters
    expect(await r.cmd('CONFIG', 'SET', 'maxmemory-policy', 'volatile-lru')).toBe(OK);
    expect(await r.cmd('CONFIG', 'SET', 'maxmemory-policy', 'volatile-lfu')).toBe(OK);
    expect(await freq('t')).toBe(int(6));
    expect(await freq('c2')).toBe(NIL);
  });

  /**
   * What Redis 7.0.15's OBJECT FREQ makes of an LRU word (the LRU clock, in
   * seconds, of the last access) read as LFU data with lfu-decay-time 1:
   * LFUDecrAndReturn() takes its low byte as the counter and bits 8..23 as
   * the minute of the last decay. The counter loses one per minute elapsed
   * since then, so it is 0 except for a few hours every 59 days.
   */
  function freqOfLruWord(lruSeconds: number, nowSeconds: number): number {
    const word = lruSeconds & 0xffffff;
    const ldt = word >> 8;
    const counter = word & 255;
    const now = Math.floor(nowSeconds / 60) & 65535;
    const elapsed = now >= ldt ? now - ldt : 65535 - ldt + now;
    return elapsed >= counter ? 0 : counter - elapsed;
  }

  it('FREQ: keys written before an LFU policy read their LRU clock as LFU data; accesses count from there', async () => {
    // Redis 7.0.15 answers 0 for a key (or a shared integer) written under
    // noeviction then switched to allkeys-lfu (lfu-decay-time 1), then 1, 2...
    // as it is read: below 5 every access counts.
    const freq = (k: string) => r.cmd('OBJECT', 'FREQ', k);
    let before: number;
    let after: number;
    do {
      before = Math.floor(Date.now() / 1000);
      await r.cmd('SET', 's', 'hello');
      expect(await r.cmd('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu')).toBe(OK);
      after = Math.floor(Date.now() / 1000);
      if (before !== after) expect(await r.cmd('CONFIG', 'SET', 'maxmemory-policy', 'noeviction')).toBe(OK);
    } while (before !== after);
    const f0 = freqOfLruWord(before, after);
    expect(await freq('s')).toBe(int(f0));
    for (let i = 1; f0 + i <= 6; i++) {
      expect(await r.cmd('GET', 's')).toBe(bulk('hello'));
      expect(await freq('s')).toBe(int(f0 + i));
    }
    // A shared integer has one counter for every key holding it.
    await r.cmd('SET', 'n1', '4321');
    await r.cmd('SET', 'n2', '4321');
    const shared = await freq('n1');
    expect(await freq('n2')).toBe(shared);
    await r.cmd('GET', 'n1');
    const bumped = await freq('n2');
    expect(await freq('n1')).toBe(bumped);
    const n0 = Number(shared.slice(1, -2));
    if (n0 < 5) expect(bumped).toBe(int(n0 + 1));
    // With maxmemory set an integer gets its own object, and its own counter.
    expect(await r.cmd('CONFIG', 'SET', 'maxmemory', '100mb')).toBe(OK);
    await r.cmd('SET', 'n3', '4321');
    expect(await freq('n3')).toBe(int(5));
    expect(await r.cmd('OBJECT', 'REFCOUNT', 'n3')).toBe(int(1));
  });

  it('HELP', async () => {
    const help = [
      'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
      'ENCODING <key>',
      '    Return the kind of internal representation used in order to store the value',
      '    associated with a <key>.',
      'FREQ <key>',
      '    Return the access frequency index of the <key>. The returned integer is',
      '    proportional to the logarithm of the recent access frequency of the key.',
      'IDLETIME <key>',
      '    Return the idle time of the <key>, that is the approximated number of',
      '    seconds elapsed since the last access to the key.',
      'REFCOUNT <key>',
      '    Return the number of references of the value associated with the specified',
      '    <key>.',
      'HELP',
      '    Prints this help.',
    ];
    expect(await r.cmd('object', 'help')).toBe(arr(...help.map((l) => `+${l}\r\n`)));
  });
});
