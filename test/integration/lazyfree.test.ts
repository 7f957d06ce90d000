/**
 * Lazy freeing (memory/lazyfree.ts): UNLINK, DEL under
 * lazyfree-lazy-user-del, FLUSHALL/FLUSHDB ASYNC|SYNC and
 * lazyfree-lazy-user-flush, SCRIPT/FUNCTION FLUSH ASYNC, the lazyfree
 * configs, and INFO memory's lazyfree_pending_objects / lazyfreed_objects
 * counted as Redis 7.0 counts them (figures checked against redis-server
 * 7.0.15). Values a running snapshot still has to write stay pending until
 * it has written them, and the snapshot still writes them whole.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RawClient, Running, sleep, startTredis } from '../helpers';
/* eslint-disable @typescript-eslint/no-var-requires */
const { Client } = require('../../dist/server/client.js') as typeof import('../../src/server/client');
const { processCommand } = require('../../dist/server/dispatch.js') as typeof import('../../src/server/dispatch');
const { Snapshot } = require('../../dist/persistence/snapshot.js') as typeof import('../../src/persistence/snapshot');
const { dupValue } = require('../../dist/store/dup.js') as typeof import('../../src/store/dup');
/* eslint-enable @typescript-eslint/no-var-requires */

let srv: Running;
let r: RawClient;
beforeAll(async () => {
  srv = await startTredis();
  r = await RawClient.connect(srv.port);
});
afterAll(async () => {
  r.close();
  await srv.close();
});
beforeEach(async () => {
  await r.cmd('FLUSHALL', 'SYNC');
  for (const name of ['lazyfree-lazy-user-del', 'lazyfree-lazy-user-flush', 'lazyfree-lazy-server-del', 'lazyfree-lazy-expire']) {
    await r.cmd('CONFIG', 'SET', name, 'no');
  }
  await r.cmd('CONFIG', 'RESETSTAT');
});

/** INFO memory's two lazyfree fields. */
async function counters(): Promise<{ pending: number; freed: number }> {
  const info = await r.cmd('INFO', 'memory');
  const field = (name: string) => Number(new RegExp(`\\r\\n${name}:(\\d+)\\r\\n`).exec(info)![1]);
  return { pending: field('lazyfree_pending_objects'), freed: field('lazyfreed_objects') };
}

/** n members / fields / elements named m0..m(n-1). */
function members(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `m${i}`);
}

describe('UNLINK', () => {
  it('counts values over the free-effort threshold, not smaller ones', async () => {
    // effort: hashtable set/hash entries, skiplist zset elements, quicklist nodes, stream rax nodes
    await r.cmd('SADD', 'set65', ...members(65));
    await r.cmd('SADD', 'set64', ...members(64));
    await r.cmd('SADD', 'ints', ...Array.from({ length: 400 }, (_, i) => String(i))); // intset: 1
    await r.cmd('HSET', 'hash600', ...members(600).flatMap((m) => [m, 'v'])); // hashtable
    await r.cmd('HSET', 'hash200', ...members(200).flatMap((m) => [m, 'v'])); // listpack: 1
    await r.cmd('ZADD', 'zset200', ...members(200).flatMap((m, i) => [String(i), m])); // skiplist
    await r.cmd('RPUSH', 'list5500', ...Array.from({ length: 5500 }, () => 'x'.repeat(100))); // 70 nodes
    await r.cmd('RPUSH', 'list5000', ...Array.from({ length: 5000 }, () => 'x'.repeat(100))); // 64 nodes
    await r.cmd('RPUSH', 'list20000', ...Array.from({ length: 20000 }, () => 'x')); // 8 nodes
    await r.cmd('SET', 'str', 'x'.repeat(100000));
    const expected: [string, number][] = [
      ['set65', 1], ['set64', 0], ['ints', 0], ['hash600', 1], ['hash200', 0], ['zset200', 1],
      ['list5500', 1], ['list5000', 0], ['list20000', 0], ['str', 0],
    ];
    let freed = 0;
    for (const [key, counted] of expected) {
      expect(await r.cmd('UNLINK', key), key).toBe(':1\r\n');
      freed += counted;
      expect(await counters(), key).toEqual({ pending: 0, freed });
    }
  });

  it('counts streams by rax nodes and consumer groups (Redis lazyfree.tcl)', async () => {
    await r.cmd('CONFIG', 'SET', 'stream-node-max-entries', '5');
    for (let j = 1; j <= 1000; j++) await r.cmd('XADD', 'stream', `1-${j}`, j % 10 === 0 ? 'bar' : 'foo', String(j));
    await r.cmd('XGROUP', 'CREATE', 'stream', 'mygroup', '0');
    await r.cmd('XREADGROUP', 'GROUP', 'mygroup', 'Alice', 'COUNT', '2', 'STREAMS', 'stream', '>');
    await r.cmd('XDEL', 'stream', '1-1');
    await r.cmd('XACK', 'stream', 'mygroup', '1-2');
    await r.cmd('UNLINK', 'stream');
    expect(await counters()).toEqual({ pending: 0, freed: 1 });

    await r.cmd('CONFIG', 'RESETSTAT');
    await r.cmd('XADD', 's', '1-1', 'a', 'b');
    await r.cmd('XGROUP', 'CREATE', 's', 'bla', '$');
    await r.cmd('XGROUP', 'DESTROY', 's', 'bla');
    await r.cmd('UNLINK', 's');
    expect(await counters()).toEqual({ pending: 0, freed: 0 });

    // three groups with 20 pending entries each: 3 * (1 + 20) plus the rax
    for (let j = 1; j <= 20; j++) await r.cmd('XADD', 'sg', `1-${j}`, 'f', String(j));
    for (let g = 1; g <= 3; g++) {
      await r.cmd('XGROUP', 'CREATE', 'sg', `g${g}`, '0');
      await r.cmd('XREADGROUP', 'GROUP', `g${g}`, 'c', 'COUNT', '20', 'STREAMS', 'sg', '>');
    }
    await r.cmd('UNLINK', 'sg');
    expect(await counters()).toEqual({ pending: 0, freed: 1 });
    await r.cmd('CONFIG', 'SET', 'stream-node-max-entries', '100');
  });

  it('replies with the number of keys removed and leaves expired keys to expiry', async () => {
    await r.cmd('SET', 'a', '1');
    await r.cmd('SET', 'b', '2');
    await r.cmd('SET', 'gone', '3', 'PX', '1');
    await sleep(10);
    expect(await r.cmd('UNLINK', 'a', 'b', 'c', 'a', 'gone')).toBe(':2\r\n');
    expect(await r.cmd('DBSIZE')).toBe(':0\r\n');
    expect(await r.cmd('UNLINK')).toBe("-ERR wrong number of arguments for 'unlink' command\r\n");
  });

  it('CONFIG RESETSTAT zeroes lazyfreed_objects', async () => {
    await r.cmd('SADD', 'big', ...members(100));
    await r.cmd('UNLINK', 'big');
    expect((await counters()).freed).toBe(1);
    await r.cmd('CONFIG', 'RESETSTAT');
    expect(await counters()).toEqual({ pending: 0, freed: 0 });
  });
});

describe('DEL', () => {
  it('frees synchronously unless lazyfree-lazy-user-del is on', async () => {
    await r.cmd('SADD', 'big', ...members(100));
    expect(await r.cmd('DEL', 'big')).toBe(':1\r\n');
    expect(await counters()).toEqual({ pending: 0, freed: 0 });
    expect(await r.cmd('CONFIG', 'SET', 'lazyfree-lazy-user-del', 'yes')).toBe('+OK\r\n');
    await r.cmd('SADD', 'big', ...members(100));
    await r.cmd('SADD', 'small', 'a');
    expect(await r.cmd('DEL', 'big', 'small', 'none')).toBe(':2\r\n');
    expect(await counters()).toEqual({ pending: 0, freed: 1 });
  });
});

describe('FLUSHALL / FLUSHDB', () => {
  async function fill(db: number, n: number): Promise<void> {
    await r.cmd('SELECT', String(db));
    for (let i = 0; i < n; i += 500) {
      const args: string[] = [];
      for (let j = i; j < Math.min(n, i + 500); j++) args.push(`k${j}`, 'v');
      await r.cmd('MSET', ...args);
    }
    await r.cmd('SELECT', '0');
  }

  it('ASYNC counts every key of the emptied dbs, SYNC none', async () => {
    await fill(0, 100);
    await fill(3, 50);
    expect(await r.cmd('FLUSHALL', 'ASYNC')).toBe('+OK\r\n');
    expect(await counters()).toEqual({ pending: 0, freed: 150 });
    expect(await r.cmd('FLUSHALL', 'async')).toBe('+OK\r\n');
    expect(await counters()).toEqual({ pending: 0, freed: 150 });
    await fill(0, 100);
    expect(await r.cmd('FLUSHALL', 'SYNC')).toBe('+OK\r\n');
    expect(await counters()).toEqual({ pending: 0, freed: 150 });
    await fill(0, 30);
    await fill(1, 40);
    expect(await r.cmd('FLUSHDB', 'ASYNC')).toBe('+OK\r\n');
    expect(await counters()).toEqual({ pending: 0, freed: 180 });
    expect(await r.cmd('DBSIZE')).toBe(':0\r\n');
    await r.cmd('SELECT', '1');
    expect(await r.cmd('DBSIZE')).toBe(':40\r\n');
    await r.cmd('SELECT', '0');
  });

  it('lazyfree-lazy-user-flush makes FLUSHALL and FLUSHDB without an argument ASYNC', async () => {
    await fill(0, 10);
    expect(await r.cmd('FLUSHALL')).toBe('+OK\r\n');
    expect((await counters()).freed).toBe(0);
    await r.cmd('CONFIG', 'SET', 'lazyfree-lazy-user-flush', 'yes');
    await fill(0, 10);
    await r.cmd('FLUSHALL');
    expect((await counters()).freed).toBe(10);
    await fill(0, 5);
    await r.cmd('FLUSHDB');
    expect((await counters()).freed).toBe(15);
    await fill(0, 5);
    await r.cmd('FLUSHDB', 'SYNC');
    expect((await counters()).freed).toBe(15);
  });

  it('refuses anything but one SYNC or ASYNC', async () => {
    for (const args of [['FLUSHALL', 'foo'], ['FLUSHALL', 'SYNC', 'ASYNC'], ['FLUSHDB', 'foo'], ['FLUSHDB', 'ASYNC', 'ASYNC']]) {
      expect(await r.cmd(...args), args.join(' ')).toBe('-ERR syntax error\r\n');
    }
  });

  it("counts the client-tracking table when its rax is over the threshold", async () => {
    const t = await RawClient.connect(srv.port);
    try {
      await t.cmd('CLIENT', 'TRACKING', 'ON');
      // key:0..key:61 make a rax of 64 nodes, key:0..key:62 one of 65
      for (const [n, counted] of [[62, 0], [63, 63]] as const) {
        await r.cmd('CONFIG', 'RESETSTAT');
        for (let i = 0; i < n; i++) await t.cmd('GET', `key:${i}`);
        await r.cmd('FLUSHALL', 'ASYNC');
        expect((await counters()).freed, `${n} keys`).toBe(counted);
      }
    } finally {
      t.close();
    }
  });
});

describe('SCRIPT FLUSH / FUNCTION FLUSH', () => {
  it('ASYNC counts a cache over the threshold', async () => {
    for (const [n, counted] of [[64, 0], [65, 65]] as const) {
      await r.cmd('CONFIG', 'RESETSTAT');
      for (let i = 0; i < n; i++) await r.cmd('SCRIPT', 'LOAD', `return ${i}`);
      expect(await r.cmd('SCRIPT', 'FLUSH', 'ASYNC')).toBe('+OK\r\n');
      expect((await counters()).freed).toBe(counted);
      expect(await r.cmd('SCRIPT', 'EXISTS', '1')).toBe('*1\r\n:0\r\n');
    }
    await r.cmd('CONFIG', 'RESETSTAT');
    for (let i = 0; i < 100; i++) await r.cmd('SCRIPT', 'LOAD', `return ${i}`);
    await r.cmd('SCRIPT', 'FLUSH');
    expect((await counters()).freed).toBe(0);
    await r.cmd('CONFIG', 'SET', 'lazyfree-lazy-user-flush', 'yes');
    for (let i = 0; i < 100; i++) await r.cmd('SCRIPT', 'LOAD', `return ${i}`);
    await r.cmd('SCRIPT', 'FLUSH');
    expect((await counters()).freed).toBe(100);
    expect(await r.cmd('SCRIPT', 'FLUSH', 'foo')).toBe('-ERR SCRIPT FLUSH only support SYNC|ASYNC option\r\n');
  });

  it('counts functions, not libraries', async () => {
    const lib = (name: string, n: number) =>
      `#!lua name=${name}\n` + Array.from({ length: n }, (_, j) => `redis.register_function('${name}_${j}', function() return 1 end)`).join('\n');
    for (let i = 0; i < 10; i++) await r.cmd('FUNCTION', 'LOAD', lib(`lib${i}`, 10));
    expect(await r.cmd('FUNCTION', 'FLUSH', 'ASYNC')).toBe('+OK\r\n');
    expect((await counters()).freed).toBe(100);
    await r.cmd('FUNCTION', 'LOAD', lib('x', 64));
    await r.cmd('FUNCTION', 'FLUSH', 'async');
    expect((await counters()).freed).toBe(100);
    await r.cmd('FUNCTION', 'LOAD', lib('x', 65));
    await r.cmd('FUNCTION', 'FLUSH', 'SYNC');
    expect((await counters()).freed).toBe(100);
    expect(await r.cmd('FUNCTION', 'FLUSH', 'foo')).toBe('-ERR FUNCTION FLUSH only supports SYNC|ASYNC option\r\n');
  });
});

describe('configs', () => {
  it('CONFIG GET/SET of the lazyfree parameters', async () => {
    const names = ['lazyfree-lazy-eviction', 'lazyfree-lazy-expire', 'lazyfree-lazy-server-del', 'lazyfree-lazy-user-del', 'lazyfree-lazy-user-flush', 'replica-lazy-flush'];
    for (const name of names) {
      expect(await r.cmd('CONFIG', 'GET', name), name).toBe(`*2\r\n$${name.length}\r\n${name}\r\n$2\r\nno\r\n`);
      expect(await r.cmd('CONFIG', 'SET', name, 'yes'), name).toBe('+OK\r\n');
      expect(await r.cmd('CONFIG', 'GET', name), name).toBe(`*2\r\n$${name.length}\r\n${name}\r\n$3\r\nyes\r\n`);
      expect(await r.cmd('CONFIG', 'SET', name, 'maybe'), name).toMatch(/^-ERR CONFIG SET failed \(possibly related to argument '.*'\) - argument must be 'yes' or 'no'\r\n$/);
    }
    const s = srv.server.settings;
    expect([s.lazyfreeLazyEviction, s.lazyfreeLazyExpire, s.lazyfreeLazyServerDel, s.lazyfreeLazyUserDel, s.lazyfreeLazyUserFlush, s.replicaLazyFlush]).toEqual([true, true, true, true, true, true]);
    expect(await r.cmd('CONFIG', 'GET', 'slave-lazy-flush')).toBe('*2\r\n$16\r\nslave-lazy-flush\r\n$3\r\nyes\r\n');
    for (const name of names) await r.cmd('CONFIG', 'SET', name, 'no');
    expect(s.replicaLazyFlush).toBe(false);
  });

  it('propagates expiry as UNLINK under lazyfree-lazy-expire', async () => {
    const got: string[][] = [];
    const sink = (_db: number, argv: string[]): void => void got.push(argv.slice());
    srv.server.addPropagateSink(sink);
    try {
      await r.cmd('CONFIG', 'SET', 'lazyfree-lazy-expire', 'yes');
      await r.cmd('SET', 'k', 'v', 'PX', '1');
      await sleep(10);
      await r.cmd('GET', 'k');
      expect(got.some((a) => a[0] === 'UNLINK' && a[1] === 'k')).toBe(true);
    } finally {
      srv.server.removePropagateSink(sink);
    }
  });
});

describe('with a snapshot in progress', () => {
  /** A socketless client running commands synchronously between snapshot slices. */
  function runner() {
    const c = new Client(srv.server, null, 1_000_002);
    return (...argv: string[]): string => {
      c.reply.len = 0;
      processCommand(srv.server, c, argv);
      return c.reply.buf.toString('latin1', 0, c.reply.len);
    };
  }

  it('UNLINK: the value stays pending until the walk has written it, and is written whole', () => {
    const run = runner();
    run('SELECT', '0');
    for (let i = 0; i < 20000; i++) run('SET', `k${i}`, 'v');
    run('SADD', 'big', ...members(1000));
    run('RPUSH', 'list', 'a', 'b');
    run('CONFIG', 'RESETSTAT');
    const ks = srv.server.keyspace;
    const seen = new Map<string, unknown>();
    const raw = new Map<string, unknown>();
    const snap = new Snapshot(ks, {
      key: (_db, key, value) => {
        seen.set(key, dupValue(value));
        raw.set(key, value);
      },
    });
    const bigBefore = ks.dbs[0].dict.get('big');
    ks.observers.push(snap);
    try {
      expect(run('UNLINK', 'big')).toBe(':1\r\n');
      expect(run('DEL', 'list')).toBe(':1\r\n');
      expect(srv.server.stats.lazyfreePendingObjects).toBe(1);
      expect(srv.server.stats.lazyfreedObjects).toBe(0);
      expect(run('SADD', 'big', 'new')).toBe(':1\r\n');
      while (!snap.step()) {
        /* walk */
      }
    } finally {
      ks.observers.splice(ks.observers.indexOf(snap), 1);
    }
    expect(srv.server.stats.lazyfreePendingObjects).toBe(0);
    expect(srv.server.stats.lazyfreedObjects).toBe(1);
    const big = seen.get('big') as { size: number; has(m: string): boolean };
    expect(big.size).toBe(1000);
    expect(big.has('new')).toBe(false);
    // the walk wrote the deleted object itself: no copy was made for it
    expect(raw.get('big')).toBe(bigBefore);
    expect((seen.get('list') as { length: number }).length).toBe(2);
    expect(seen.size).toBe(20002);
  });

  it('FLUSHDB ASYNC: the keys stay pending until the walk is done with them', () => {
    const run = runner();
    run('SELECT', '2');
    for (let i = 0; i < 20000; i++) run('SET', `k${i}`, 'v');
    run('CONFIG', 'RESETSTAT');
    const ks = srv.server.keyspace;
    let visited = 0;
    const snap = new Snapshot(ks, { key: () => void visited++ });
    ks.observers.push(snap);
    try {
      snap.step();
      expect(run('FLUSHDB', 'ASYNC')).toBe('+OK\r\n');
      expect(run('DBSIZE')).toBe(':0\r\n');
      expect(srv.server.stats.lazyfreePendingObjects).toBe(20000);
      run('SET', 'after', 'x');
      while (!snap.step()) {
        /* walk */
      }
    } finally {
      ks.observers.splice(ks.observers.indexOf(snap), 1);
    }
    expect(visited).toBe(20000);
    expect(srv.server.stats.lazyfreePendingObjects).toBe(0);
    expect(srv.server.stats.lazyfreedObjects).toBe(20000);
    run('FLUSHDB', 'SYNC');
    run('SELECT', '0');
  });

  it('a cancelled walk releases what it held', () => {
    const run = runner();
    for (let i = 0; i < 5000; i++) run('SET', `k${i}`, 'v');
    run('SADD', 'big', ...members(1000));
    run('CONFIG', 'RESETSTAT');
    const ks = srv.server.keyspace;
    const snap = new Snapshot(ks, { key: () => {} });
    ks.observers.push(snap);
    run('UNLINK', 'big');
    run('FLUSHDB', 'ASYNC');
    expect(srv.server.stats.lazyfreePendingObjects).toBe(5001);
    snap.cancel();
    ks.observers.splice(ks.observers.indexOf(snap), 1);
    expect(srv.server.stats.lazyfreePendingObjects).toBe(0);
    expect(srv.server.stats.lazyfreedObjects).toBe(5001);
  });

  it('FLUSHALL ASYNC during a BGSAVE: the save stops, the server goes on, the next BGSAVE works', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tredis-lazyfree-'));
    const s = await startTredis({ dir });
    const c = await RawClient.connect(s.port);
    try {
      for (let i = 0; i < 200000; i += 1000) {
        const args: string[] = [];
        for (let j = i; j < i + 1000; j++) args.push(`key:${j}`, 'value');
        await c.cmd('MSET', ...args);
      }
      expect(await c.cmd('BGSAVE')).toBe('+Background saving started\r\n');
      expect(await c.cmd('FLUSHALL', 'ASYNC')).toBe('+OK\r\n');
      expect(await c.cmd('DBSIZE')).toBe(':0\r\n');
      const info = await c.cmd('INFO', 'memory');
      expect(info).toContain('lazyfree_pending_objects:0\r\n');
      expect(info).toContain('lazyfreed_objects:200000\r\n');
      await c.cmd('SET', 'after', '1');
      for (let i = 0; i < 500 && (await c.cmd('INFO', 'persistence')).includes('rdb_bgsave_in_progress:1'); i++) await sleep(10);
      expect(await c.cmd('BGSAVE')).toBe('+Background saving started\r\n');
      for (let i = 0; i < 500 && (await c.cmd('INFO', 'persistence')).includes('rdb_bgsave_in_progress:1'); i++) await sleep(10);
      expect(await c.cmd('INFO', 'persistence')).toContain('rdb_last_bgsave_status:ok');
    } finally {
      c.close();
      await s.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
