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
  Pipe,
  die,
  loadPipelined,
  numList,
  timePipelined,
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
const sizes = numList(opts.sizes ?? '10000,100000,1000000', 'sizes');
if (opts.only && opts.only !== 'redis' && opts.only !== 'tredis') die('--only must be redis or tredis');
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

/** ZADD members [from, to), 100 per command, with a bounded pipeline. */
function* zadds(from, to) {
  for (let i = from; i < to; i += ZADD_PAIRS) {
    const args = ['ZADD', KEY];
    for (let j = i; j < Math.min(to, i + ZADD_PAIRS); j++) args.push(String(scoreOf(j)), member(j));
    yield args;
  }
}

/** Median µs per operation (lib.mjs timePipelined with this script's sizes). */
const timeOp = (pipe, makeCmd, seed) => timePipelined(pipe, makeCmd, { ops: OPS, batch: BATCH, warmup: WARMUP_BATCHES, seed });

async function runServer(name, cmd) {
  const server = await startServer(name, cmd);
  const results = new Map();
  try {
    const c = await RespClient.connect(server.port);
    await c.call('FLUSHALL');
    let loaded = 0;
    for (const size of sizes) {
      const t0 = Date.now();
      await loadPipelined(c, zadds(loaded, size), WINDOW);
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
