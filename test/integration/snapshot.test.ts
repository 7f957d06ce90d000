/**
 * The fork-less snapshot is a point-in-time image: a walk started over a
 * populated keyspace, interleaved slice by slice with writes of every kind
 * (overwrites, deletes, new keys, TTL changes, in-place edits of lists,
 * hashes, bitmaps and streams, XREADGROUP, FLUSHDB, SWAPDB, lazy expiry),
 * visits exactly the keys and values that existed when it started.
 * Commands run synchronously on a socketless client between slices.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Running, startTredis, prng } from '../helpers';
/* eslint-disable @typescript-eslint/no-var-requires */
const { Client } = require('../../dist/server/client.js') as typeof import('../../src/server/client');
const { processCommand } = require('../../dist/server/dispatch.js') as typeof import('../../src/server/dispatch');
const { Snapshot } = require('../../dist/persistence/snapshot.js') as typeof import('../../src/persistence/snapshot');
const { dupValue } = require('../../dist/store/dup.js') as typeof import('../../src/store/dup');
const { updateClock } = require('../../dist/server/clock.js') as typeof import('../../src/server/clock');
/* eslint-enable @typescript-eslint/no-var-requires */

type Image = Map<string, { value: unknown; expire: number }>;

let srv: Running;
beforeAll(async () => {
  srv = await startTredis();
});
afterAll(async () => {
  await srv.close();
});

describe('fork-less snapshot', () => {
  it('visits the keyspace as it was when the walk started, whatever is written meanwhile', () => {
    const server = srv.server;
    const c = new Client(server, null, 1_000_001);
    const run = (...argv: string[]): void => {
      c.reply.len = 0;
      processCommand(server, c, argv);
    };
    const rnd = prng(42);
    const N = 20000;
    for (const db of ['0', '1', '2', '3']) {
      run('SELECT', db);
      for (let i = 0; i < N / 4; i++) {
        const k = `k${i}`;
        switch (i % 6) {
          case 0:
            run('SET', k, `v${i}`);
            break;
          case 1:
            run('RPUSH', k, 'a', 'b', String(i));
            break;
          case 2:
            run('HSET', k, 'f', String(i), 'g', 'x');
            break;
          case 3:
            run('SETBIT', k, String(i % 100), '1');
            break;
          case 4:
            run('XADD', k, '*', 'f', String(i));
            run('XGROUP', 'CREATE', k, 'g', '0');
            break;
          default:
            run('SET', k, String(i), 'PX', String(rnd() < 0.5 ? 60 : 100000));
        }
      }
    }
    updateClock();
    const ks = server.keyspace;
    // the image at the start, taken the slow way
    const expected: Image = new Map();
    for (const db of ks.dbs) for (const [k, v] of db.dict.entries()) expected.set(`${db.id}:${k}`, { value: dupValue(v), expire: db.getExpire(k) });

    const seen: Image = new Map();
    const snap = new Snapshot(ks, {
      key: (dbid, key, value, expire) => {
        expect(seen.has(`${dbid}:${key}`)).toBe(false);
        seen.set(`${dbid}:${key}`, { value: dupValue(value), expire });
      },
    });
    ks.observers.push(snap);
    let slices = 0;
    let writes = 0;
    while (!snap.step()) {
      slices++;
      // a burst of writes of every kind between two slices
      for (let j = 0; j < 300; j++) {
        run('SELECT', String(Math.floor(rnd() * 4)));
        const k = `k${Math.floor(rnd() * (N / 4 + 100))}`;
        const r = rnd();
        if (r < 0.15) run('SET', k, `new${j}`);
        else if (r < 0.25) run('DEL', k);
        else if (r < 0.35) run('PEXPIRE', k, '50000');
        else if (r < 0.4) run('PERSIST', k);
        else if (r < 0.5) run('RPUSH', k, 'z');
        else if (r < 0.6) run('HSET', k, 'f', 'changed');
        else if (r < 0.7) run('SETBIT', k, '7', '0');
        else if (r < 0.75) run('XADD', k, '*', 'n', 'v');
        else if (r < 0.8) run('XREADGROUP', 'GROUP', 'g', 'cons', 'COUNT', '5', 'STREAMS', k, '>');
        else if (r < 0.85) run('APPEND', k, 'tail');
        else if (r < 0.9) run('RENAME', k, `${k}-renamed`);
        else if (r < 0.95) run('GET', k);
        else run('INCR', k);
        writes++;
      }
      if (slices === 2) run('SWAPDB', '2', '3');
      if (slices === 3) {
        run('SELECT', '1');
        run('FLUSHDB');
      }
    }
    ks.observers.splice(ks.observers.indexOf(snap), 1);
    expect(slices).toBeGreaterThan(3);
    expect(writes).toBeGreaterThan(1000);
    expect(seen.size).toBe(expected.size);
    for (const [k, e] of expected) {
      const got = seen.get(k);
      expect(got, k).toBeDefined();
      expect(got!.expire, k).toBe(e.expire);
      expect(got!.value, k).toEqual(e.value);
    }
  });
});
