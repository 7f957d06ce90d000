#!/usr/bin/env node
// Streams, HyperLogLog, bitmaps and geo: tredis beside real Redis in the
// same run.
//
// Both servers are started on free random ports (`--save "" --appendonly no`)
// and loaded with the same data. Two kinds of test:
//   - throughput: redis-benchmark running one command (-c 50), alternating
//     servers run by run (the first server flips each round); the median
//     requests/s over the rounds and the ratio tredis/redis;
//   - single operations on big values (BITCOUNT of 64 MB, BITOP of 10 MB,
//     GEOSEARCH over 1M members): the median time per operation over
//     repetitions, and the ratio redis time / tredis time (so > 1 is faster
//     than Redis, like the throughput ratios).
//
// See bench/README.md.

import fs from 'node:fs';
import os from 'node:os';
import {
  parseArgs,
  redisCommand,
  tredisCommand,
  startServer,
  cleanupAll,
  RespClient,
  Pipe,
  median,
  prng,
  loadPipelined,
  timePipelined,
  textTable,
  markdownTable,
  fmtInt,
  fmtRatio,
} from './lib.mjs';
import { runRedisBenchmark } from './redis-benchmark.mjs';

const USAGE = `Usage: node bench/families.mjs [options]

Throughput of XADD, XRANGE, PFADD, PFCOUNT, SETBIT (redis-benchmark), and the
time of BITCOUNT over 64 MB, BITOP over 10 MB strings and GEOSEARCH over 1M
members, on Redis and tredis in the same run.

Options:
  --rounds R       rounds (default 3); the median is reported
  --n N            requests per redis-benchmark run (default 100000)
  --pipeline P     redis-benchmark -P (default 1)
  --only LIST      comma separated test names (see the table) to run
  --markdown       print the table as Markdown
  --json FILE      write raw results to FILE
  -h, --help       this help

Environment: TREDIS_CMD, REDIS_CMD, REDIS_BENCHMARK (bench/README.md).
`;

const opts = parseArgs(
  process.argv.slice(2),
  { rounds: 'number', n: 'number', pipeline: 'number', only: 'string', markdown: 'boolean', json: 'string' },
  USAGE,
);
const ROUNDS = Math.max(1, Math.floor(opts.rounds ?? 3));
const N = Math.max(1, Math.floor(opts.n ?? 100000));
const PIPELINE = Math.max(1, Math.floor(opts.pipeline ?? 1));
const ONLY = opts.only ? new Set(opts.only.split(',').map((s) => s.trim().toLowerCase())) : null;

/** A string of `len` pseudo-random 7-bit bytes (one byte per char on the wire). */
function randomAscii(rand, len) {
  const parts = [];
  for (let i = 0; i < len; i += 4096) {
    const n = Math.min(4096, len - i);
    const codes = new Array(n);
    for (let k = 0; k < n; k++) codes[k] = Math.floor(rand() * 128);
    parts.push(String.fromCharCode(...codes));
  }
  return parts.join('');
}

function* streamEntries(key, count) {
  for (let i = 1; i <= count; i++) yield ['XADD', key, `${i}-1`, 'name', `item${i}`, 'qty', String(i % 97)];
}

function* hllAdds(key, count, seed) {
  for (let i = 0; i < count; i += 100) {
    const args = ['PFADD', key];
    for (let k = i; k < Math.min(count, i + 100); k++) args.push(`${seed}:${k}`);
    yield args;
  }
}

function* bigString(key, bytes, seed) {
  const rand = prng(seed);
  const chunk = 1 << 20;
  for (let off = 0; off < bytes; off += chunk) yield ['SETRANGE', key, String(off), randomAscii(rand, Math.min(chunk, bytes - off))];
}

// GEOSEARCH data: 1M points over a 40 x 25 degree box (about Europe), so a
// 5 km radius holds about ten of them.
const GEO_MEMBERS = 1_000_000;
const GEO_BOX = { lon: [-10, 30], lat: [35, 60] };
function* geoPoints(key) {
  const rand = prng(7);
  for (let i = 0; i < GEO_MEMBERS; i += 200) {
    const args = ['GEOADD', key];
    for (let k = i; k < Math.min(GEO_MEMBERS, i + 200); k++) {
      const lon = GEO_BOX.lon[0] + rand() * (GEO_BOX.lon[1] - GEO_BOX.lon[0]);
      const lat = GEO_BOX.lat[0] + rand() * (GEO_BOX.lat[1] - GEO_BOX.lat[0]);
      args.push(lon.toFixed(6), lat.toFixed(6), `p${k}`);
    }
    yield args;
  }
}

/**
 * Tests. `setup(c)` loads data once per server; throughput tests give the
 * redis-benchmark command, timed tests `time(port)` → ms per operation.
 */
const TESTS = [
  { name: 'xadd', label: 'XADD key * (2 fields)', command: ['XADD', 'bx:add', '*', 'name', 'item', 'qty', '7'] },
  {
    name: 'xrange',
    label: 'XRANGE 100k-entry stream, random start, COUNT 10',
    setup: (c) => loadPipelined(c, streamEntries('bx:range', 100000)),
    command: ['XRANGE', 'bx:range', '__rand_int__', '+', 'COUNT', '10'],
    keyspace: 100000,
  },
  { name: 'pfadd', label: 'PFADD random element', command: ['PFADD', 'bh:add', 'e:__rand_int__'], keyspace: 100000000 },
  {
    name: 'pfcount',
    label: 'PFCOUNT one dense key (cached)',
    setup: (c) => loadPipelined(c, hllAdds('bh:one', 100000, 'a')),
    command: ['PFCOUNT', 'bh:one'],
  },
  {
    name: 'pfcount2',
    label: 'PFCOUNT two dense keys (merged)',
    setup: async (c) => {
      await loadPipelined(c, hllAdds('bh:m1', 50000, 'b'));
      await loadPipelined(c, hllAdds('bh:m2', 50000, 'c'));
    },
    command: ['PFCOUNT', 'bh:m1', 'bh:m2'],
  },
  // (redis-benchmark's __rand_int__ is zero-padded, which bit offsets reject)
  { name: 'setbit', label: 'SETBIT offset 7,999,999 (1 MB string)', command: ['SETBIT', 'bb:set', '7999999', '1'] },
  {
    name: 'bitcount',
    label: 'BITCOUNT 64 MB string',
    setup: (c) => loadPipelined(c, bigString('bb:64m', 64 << 20, 11), 4),
    time: (port) => timeEach(port, () => ['BITCOUNT', 'bb:64m'], 10),
  },
  {
    name: 'bitop',
    label: 'BITOP AND of two 10 MB strings',
    setup: async (c) => {
      await loadPipelined(c, bigString('bb:10a', 10 << 20, 12), 4);
      await loadPipelined(c, bigString('bb:10b', 10 << 20, 13), 4);
    },
    time: (port) => timeEach(port, () => ['BITOP', 'AND', 'bb:dst', 'bb:10a', 'bb:10b'], 10),
  },
  {
    name: 'geosearch',
    label: 'GEOSEARCH 1M members, 5 km radius, ASC',
    setup: (c) => loadPipelined(c, geoPoints('bg:pts')),
    time: (port) => timeGeo(port, geoQuery, 20000, 200),
  },
];

function geoQuery(rand) {
  const lon = GEO_BOX.lon[0] + 1 + rand() * (GEO_BOX.lon[1] - GEO_BOX.lon[0] - 2);
  const lat = GEO_BOX.lat[0] + 1 + rand() * (GEO_BOX.lat[1] - GEO_BOX.lat[0] - 2);
  return ['GEOSEARCH', 'bg:pts', 'FROMLONLAT', lon.toFixed(5), lat.toFixed(5), 'BYRADIUS', '5', 'km', 'ASC'];
}

/** Median ms of `reps` sequential runs of one command (after one warm-up). */
async function timeEach(port, makeCmd, reps) {
  const c = await RespClient.connect(port);
  try {
    await c.call(...makeCmd());
    const times = [];
    for (let i = 0; i < reps; i++) {
      const t0 = process.hrtime.bigint();
      await c.call(...makeCmd());
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    return median(times);
  } finally {
    c.close();
  }
}

/** Median ms per operation over pipelined batches of makeCmd(rand). */
async function timeGeo(port, makeCmd, ops, batch) {
  const pipe = await Pipe.connect(port);
  try {
    return (await timePipelined(pipe, makeCmd, { ops, batch, warmup: 5, seed: 99 })) / 1000;
  } finally {
    pipe.close();
  }
}

async function throughput(port, test) {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-n', String(N), '-c', '50', '-P', String(PIPELINE)];
  if (test.keyspace) args.push('-r', String(test.keyspace));
  const res = await runRedisBenchmark([...args, ...test.command]);
  if (res.errors.length) throw new Error(`${test.name}: ${res.errors[0]}`);
  return res.rows[0].rps;
}

async function main() {
  const tests = TESTS.filter((t) => !ONLY || ONLY.has(t.name));
  const servers = [];
  try {
    servers.push(await startServer('redis', redisCommand()));
    servers.push(await startServer('tredis', tredisCommand()));
    for (const s of servers) {
      const c = await RespClient.connect(s.port, '127.0.0.1', 5000);
      for (const t of tests) {
        if (!t.setup) continue;
        const t0 = Date.now();
        await t.setup(c);
        process.stderr.write(`${s.name}: ${t.name} data loaded (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
      }
      c.close();
    }
    const results = Object.fromEntries(tests.map((t) => [t.name, { redis: [], tredis: [] }]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? servers : [...servers].reverse();
      for (const t of tests) {
        for (const s of order) {
          const v = t.time ? await t.time(s.port) : await throughput(s.port, t);
          results[t.name][s.name].push(v);
        }
      }
      process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
    }

    const rows = tests.map((t) => {
      const r = median(results[t.name].redis);
      const m = median(results[t.name].tredis);
      if (t.time) return [t.label, `${r.toFixed(3)} ms`, `${m.toFixed(3)} ms`, fmtRatio(r / m)];
      return [t.label, `${fmtInt(r)}/s`, `${fmtInt(m)}/s`, fmtRatio(m / r)];
    });
    const header = ['test', 'redis', 'tredis', 'tredis vs redis'];
    const align = ['l', 'r', 'r', 'r'];
    console.log(
      `\nmedian of ${ROUNDS} round(s); redis-benchmark -c 50 -n ${N} -P ${PIPELINE}; ${os.cpus().length} CPUs shared with the load generator, Node ${process.version}\n`,
    );
    console.log(opts.markdown ? markdownTable(header, rows, align) : textTable(header, rows, align));
    console.log('\nratio: throughput tredis/redis, or for timed operations redis time / tredis time (higher is better for tredis)');
    if (opts.json) fs.writeFileSync(opts.json, JSON.stringify({ rounds: ROUNDS, n: N, pipeline: PIPELINE, results }, null, 2));
  } finally {
    for (const s of servers) await s.stop();
    cleanupAll();
  }
}

main().catch((err) => {
  process.stderr.write(`error: ${err && err.stack ? err.stack : err}\n`);
  cleanupAll();
  process.exit(1);
});
