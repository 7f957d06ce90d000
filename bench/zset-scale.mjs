#!/usr/bin/env node
// Sorted set scaling: how ZRANK and ZRANGE BYSCORE ... LIMIT 0 10 cost grows
// with the size of the set, on real Redis and on tredis.
//
// Both servers are started on free random ports (`--save "" --appendonly no`,
// see bench/lib.mjs). On each, one sorted set is filled with pipelined ZADDs
// (100 members per command) up to each size in turn; at each size the two
// operations are timed on random members / random score bounds, pipelined in
// batches, and reported as microseconds per operation (the median over the
// batches). Both servers get the same members, scores and queries (fixed
// pseudo-random sequences).
//
// Acceptance: on tredis, ZRANK at 1M members costs at most 3x what it costs
// at 10k (O(log N) ranks); the script exits with status 1 otherwise.

import {
  parseArgs,
  redisCommand,
  tredisCommand,
  startServer,
  cleanupAll,
  RespClient,
  RespError,
  Pipe,
  encodeCommand,
  median,
  prng,
  textTable,
  markdownTable,
  fmtRatio,
} from './lib.mjs';

const USAGE = `Usage: node bench/zset-scale.mjs [options]

Fills one sorted set to each size with pipelined ZADD, and at each size times
ZRANK <random member> and ZRANGE key <random min> +inf BYSCORE LIMIT 0 10,
on Redis and tredis. Prints microseconds per operation.

Options:
  --sizes LIST     comma separated set sizes (default 10000,100000,1000000)
  --ops N          timed operations per command and size (default 200000)
  --batch B        operations per pipelined batch (default 1000)
  --only NAME      run only redis or only tredis
  --markdown       print the table as Markdown
  -h, --help       this help

Environment: TREDIS_CMD, REDIS_CMD as for the other benchmarks (bench/README.md).
`;

const opts = parseArgs(
  process.argv.slice(2),
  { sizes: 'string', ops: 'number', batch: 'number', only: 'string', markdown: 'boolean' },
  USAGE,
);
const sizes = (opts.sizes ?? '10000,100000,1000000').split(',').map((s) => Number(s.trim()));
if (sizes.some((n) => !Number.isInteger(n) || n < 1)) {
  process.stderr.write(`--sizes needs positive integers\n`);
  process.exit(2);
}
sizes.sort((a, b) => a - b);
const OPS = Math.max(1, Math.floor(opts.ops ?? 200000));
const WARMUP_BATCHES = 10;
const BATCH = Math.max(1, Math.floor(opts.batch ?? 1000));
const KEY = 'zscale';
const ZADD_PAIRS = 100;
const WINDOW = 32; // ZADD commands in flight while loading

const member = (i) => `member:${i}`;

/** Scores: a fixed random permutation of values, so ranks differ from insertion order. */
function scoreOf(i) {
  return ((i * 2654435761) % 4294967296) / 4294967296;
}

async function check(promises, what) {
  const replies = await Promise.all(promises);
  for (const r of replies) if (r instanceof RespError) throw new Error(`${what}: ${r.message}`);
  return replies;
}

/** ZADD members [from, to) with a bounded pipeline. */
async function load(c, from, to) {
  const inflight = [];
  for (let i = from; i < to; i += ZADD_PAIRS) {
    const args = ['ZADD', KEY];
    for (let j = i; j < Math.min(to, i + ZADD_PAIRS); j++) args.push(String(scoreOf(j)), member(j));
    inflight.push(...c.sendRaw(encodeCommand(args), 1));
    if (inflight.length >= WINDOW) await check(inflight.splice(0, WINDOW / 2), 'ZADD');
  }
  await check(inflight, 'ZADD');
}

/** Median microseconds per operation over pipelined batches of makeCmd(rand). */
async function timeOp(pipe, makeCmd, seed) {
  const rand = prng(seed);
  const batch = (n) => {
    const parts = [];
    for (let k = 0; k < n; k++) parts.push(encodeCommand(makeCmd(rand)));
    return Buffer.from(parts.join(''), 'latin1');
  };
  // Warm-up (JIT, caches, GC work left from loading), not counted: a single
  // batch left the smallest size noisy by up to 1.5x between runs.
  for (let k = 0; k < WARMUP_BATCHES; k++) await pipe.run(batch(BATCH), BATCH);
  const perOp = [];
  for (let done = 0; done < OPS; done += BATCH) {
    const n = Math.min(BATCH, OPS - done);
    const payload = batch(n);
    const t0 = process.hrtime.bigint();
    await pipe.run(payload, n);
    perOp.push(Number(process.hrtime.bigint() - t0) / 1000 / n);
  }
  if (pipe.errors.length) throw new Error(`error reply: ${pipe.errors[0]}`);
  return median(perOp);
}

async function runServer(name, cmd) {
  const server = await startServer(name, cmd);
  const results = new Map();
  try {
    const c = await RespClient.connect(server.port);
    await c.call('FLUSHALL');
    let loaded = 0;
    for (const size of sizes) {
      const t0 = Date.now();
      await load(c, loaded, size);
      loaded = size;
      const card = await c.call('ZCARD', KEY);
      if (card !== size) throw new Error(`${name}: ZCARD is ${card}, expected ${size}`);
      process.stderr.write(`${name}: ${size} members loaded (${((Date.now() - t0) / 1000).toFixed(1)} s), timing...\n`);
      const pipe = await Pipe.connect(server.port);
      const zrank = await timeOp(pipe, (rand) => ['ZRANK', KEY, member(Math.floor(rand() * size))], 1);
      const zrange = await timeOp(pipe, (rand) => ['ZRANGE', KEY, String(rand()), '+inf', 'BYSCORE', 'LIMIT', '0', '10'], 2);
      pipe.close();
      results.set(size, { zrank, zrange });
    }
    c.close();
  } finally {
    await server.stop();
  }
  return results;
}

async function main() {
  const servers = [];
  if (opts.only !== 'tredis') servers.push(['redis', redisCommand()]);
  if (opts.only !== 'redis') servers.push(['tredis', tredisCommand()]);
  const all = {};
  for (const [name, cmd] of servers) all[name] = await runServer(name, cmd);

  const fmt = (x) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
  const header = ['size'];
  for (const [name] of servers) header.push(`${name} ZRANK µs`, `${name} ZRANGE µs`);
  const rows = sizes.map((size) => {
    const row = [size.toLocaleString('en-US')];
    for (const [name] of servers) {
      const r = all[name].get(size);
      row.push(fmt(r.zrank), fmt(r.zrange));
    }
    return row;
  });
  const align = header.map(() => 'r');
  console.log(opts.markdown ? markdownTable(header, rows, align) : textTable(header, rows, align));

  const lo = sizes[0];
  const hi = sizes[sizes.length - 1];
  let ok = true;
  for (const [name] of servers) {
    const rank = all[name].get(hi).zrank / all[name].get(lo).zrank;
    const range = all[name].get(hi).zrange / all[name].get(lo).zrange;
    console.log(`${name}: ZRANK ${hi} / ${lo} = ${fmtRatio(rank)}x, ZRANGE BYSCORE LIMIT ${hi} / ${lo} = ${fmtRatio(range)}x`);
    if (name === 'tredis' && rank > 3) ok = false;
  }
  if (all.tredis) console.log(`acceptance (tredis ZRANK at ${hi} <= 3x at ${lo}): ${ok ? 'PASS' : 'FAIL'}`);
  cleanupAll();
  process.exit(ok ? 0 : 1);
}

main().catch((err) => {
  process.stderr.write(`error: ${err && err.stack ? err.stack : err}\n`);
  cleanupAll();
  process.exit(1);
});
