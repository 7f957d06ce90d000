/**
 * Calibration of memory/estimate.ts (issue #13, acceptance 3): for each
 * type, in a small shape like Redis's listpack-sized values and a bigger
 * one, 100,000 keys are written through the commands (on a socketless
 * client of an in-process server, arguments made as the request reader
 * makes them), the heap growth after full collections is divided by the
 * number of keys, and the accounted cost of a key (keyBytes + valueBytes,
 * as MEMORY USAGE reports it) must be within 25% of it. Heap growth is
 * process.memoryUsage()'s heapUsed plus arrayBuffers (the bytes of typed
 * arrays and Buffers, which live outside the V8 heap).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Running, startTredis } from '../helpers';
/* eslint-disable @typescript-eslint/no-var-requires */
const { Client } = require('../../dist/server/client.js') as typeof import('../../src/server/client');
const { processCommand } = require('../../dist/server/dispatch.js') as typeof import('../../src/server/dispatch');
const { fullGc } = require('../../dist/memory/gc.js') as typeof import('../../src/memory/gc');
const { keyBytes, valueBytes, EXPIRE_ENTRY } = require('../../dist/memory/estimate.js') as typeof import('../../src/memory/estimate');
/* eslint-enable @typescript-eslint/no-var-requires */

const KEYS = 100_000;
const TOLERANCE = 0.25;

/** Strings as the request reader makes them: flat one-byte strings sliced from a buffer. */
const scratch = Buffer.alloc(1 << 16);
function arg(s: string): string {
  const n = scratch.latin1Write(s, 0);
  return scratch.latin1Slice(0, n);
}

function pad(i: number, width: number): string {
  return String(i).padStart(width, '0');
}

/** A value of `len` bytes, distinct for each (i, j). */
function val(i: number, j: number, len: number): string {
  const id = `${i}.${j}.`;
  return id + 'x'.repeat(Math.max(0, len - id.length));
}

/** After two full collections: the first finds dead ArrayBuffers, their backing stores go after the second. */
function heap(): number {
  fullGc();
  fullGc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

interface Shape {
  name: string;
  /** The commands that write key i (arguments are made flat by the runner). */
  write: (key: string, i: number) => string[][];
  /** Accounted bytes beyond key and value (an expire entry). */
  extra?: number;
}

const SHAPES: Shape[] = [
  { name: 'string, 10 bytes (embstr)', write: (k, i) => [['SET', k, val(i, 0, 10)]] },
  { name: 'string, integer', write: (k, i) => [['SET', k, String(1_000_000 + i)]] },
  { name: 'string, 10 bytes with a TTL', write: (k, i) => [['SET', k, val(i, 0, 10), 'EX', '100000']], extra: EXPIRE_ENTRY },
  { name: 'string, 500 bytes (raw)', write: (k, i) => [['SET', k, val(i, 0, 500)]] },
  { name: 'string, APPENDed 30 bytes', write: (k, i) => [['SET', k, val(i, 0, 10)], ['APPEND', k, val(i, 1, 20)]] },
  { name: 'string, SETBIT bitmap', write: (k, i) => [['SETBIT', k, String(1000 + (i % 100)), '1']] },
  {
    name: 'hash, 10 fields x 10 bytes (listpack)',
    write: (k, i) => [['HSET', k, ...Array.from({ length: 10 }, (_, j) => [`field${j}`, val(i, j, 10)]).flat()]],
  },
  {
    name: 'hash, 12 fields x 70 bytes (hashtable)',
    write: (k, i) => [['HSET', k, ...Array.from({ length: 12 }, (_, j) => [`field:${j}`, val(i, j, 70)]).flat()]],
  },
  { name: 'list, 5 x 10 bytes in one RPUSH', write: (k, i) => [['RPUSH', k, ...Array.from({ length: 5 }, (_, j) => val(i, j, 10))]] },
  {
    name: 'list, 40 x 20 bytes in 4 RPUSHes (grown)',
    write: (k, i) => Array.from({ length: 4 }, (_, p) => ['RPUSH', k, ...Array.from({ length: 10 }, (_, j) => val(i, p * 10 + j, 20))]),
  },
  { name: 'set, 5 integers (intset)', write: (k, i) => [['SADD', k, ...Array.from({ length: 5 }, (_, j) => String(i * 5 + j))]] },
  { name: 'set, 20 x 12 bytes (hashtable)', write: (k, i) => [['SADD', k, ...Array.from({ length: 20 }, (_, j) => val(i, j, 12))]] },
  {
    name: 'zset, 5 x 10 bytes (listpack)',
    write: (k, i) => [['ZADD', k, ...Array.from({ length: 5 }, (_, j) => [String(j * 1.5), val(i, j, 10)]).flat()]],
  },
  {
    name: 'zset, 16 x 70 bytes (skiplist)',
    write: (k, i) => [['ZADD', k, ...Array.from({ length: 16 }, (_, j) => [String(i + j / 3), val(i, j, 70)]).flat()]],
  },
  { name: 'stream, 3 entries x 2 fields', write: (k, i) => Array.from({ length: 3 }, (_, j) => ['XADD', k, '*', 'name', val(i, j, 10), 'qty', String(j)]) },
  {
    name: 'stream, 10 entries x 4 fields, a group, 5 pending',
    write: (k, i) => [
      ...Array.from({ length: 10 }, (_, j) => ['XADD', k, '*', 'a', val(i, j, 12), 'b', String(j), 'c', 'x', 'd', val(i, j, 20)]),
      ['XGROUP', 'CREATE', k, 'g', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '5', 'STREAMS', k, '>'],
    ],
  },
];

let srv: Running;
beforeAll(async () => {
  srv = await startTredis();
});
afterAll(async () => {
  await srv.close();
});

interface Row {
  shape: string;
  measured: number;
  estimated: number;
}

const rows: Row[] = [];

describe('memory estimate calibration (100,000 keys per shape)', () => {
  afterAll(() => {
    const lines = rows.map(
      (r) =>
        `  ${r.shape.padEnd(52)} measured ${r.measured.toFixed(1).padStart(8)}  estimated ${r.estimated.toFixed(1).padStart(8)}  ${(((r.estimated - r.measured) / r.measured) * 100).toFixed(1).padStart(6)}%`,
    );
    console.log(`bytes per key (key + value + dict entry), V8 heap + array buffers:\n${lines.join('\n')}`);
  });

  for (const shape of SHAPES) {
    // a few seconds each, more on a loaded machine
    it(shape.name, { timeout: 120_000 }, () => {
      const server = srv.server;
      const c = new Client(server, null, 2_000_000);
      const db = server.keyspace.dbs[0];
      const run = (argv: string[]): void => {
        c.reply.len = 0;
        processCommand(server, c, argv.map(arg));
        if (c.reply.buf[0] === 0x2d /* - */) throw new Error(`${argv[0]}: ${c.reply.buf.latin1Slice(0, c.reply.len)}`);
      };
      run(['FLUSHALL']);
      const before = heap();
      for (let i = 0; i < KEYS; i++) {
        for (const argv of shape.write(`key:${pad(i, 8)}`, i)) run(argv);
      }
      const after = heap();
      expect(db.size).toBe(KEYS);
      let estimated = 0;
      for (const [key, value] of db.dict.entries()) estimated += keyBytes(key) + valueBytes(value) + (shape.extra ?? 0);
      const measured = (after - before) / KEYS;
      estimated /= KEYS;
      rows.push({ shape: shape.name, measured, estimated });
      run(['FLUSHALL']);
      expect(Math.abs(estimated - measured) / measured).toBeLessThanOrEqual(TOLERANCE);
    });
  }
});
