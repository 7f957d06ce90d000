#!/usr/bin/env node
// Throughput comparison: tredis vs. real Redis, measured with redis-benchmark.
//
// Both servers are started on free random ports (`--save "" --appendonly no`),
// then for every round and configuration redis-benchmark is run alternately
// against each server (the order flips every run, so neither side is
// systematically favoured by e.g. CPU frequency or other load). The table shows
// the median requests/s over the rounds and the ratio tredis/redis.
//
// See bench/README.md for details.

import fs from 'node:fs';
import os from 'node:os';
import {
  parseArgs,
  die,
  redisCommand,
  tredisCommand,
  startServer,
  numList,
  cleanupAll,
  oneShot,
  parseInfo,
  median,
  textTable,
  markdownTable,
  fmtInt,
  fmtRatio,
} from './lib.mjs';
import { runRedisBenchmark } from './redis-benchmark.mjs';

const DEFAULT_TESTS = 'ping,set,get,incr,mset';

const USAGE = `Usage: node bench/throughput.mjs [options]

Compares requests/s of tredis and Redis using redis-benchmark
(-c <clients> -n <n> -P <pipeline> -d <data> --csv -q), alternating servers.

Options:
  --rounds R         rounds per configuration, median is reported (default 3)
  --n N              requests per test (-n, default 200000)
  --clients C        parallel connections (-c, default 50)
  --tests LIST       comma separated redis-benchmark -t list (default ${DEFAULT_TESTS})
  --pipelines LIST   comma separated -P values (default 1,16)
  --data LIST        comma separated -d values in bytes (default 3)
  --all              run the full default redis-benchmark suite (no -t)
  --keyspace K       pass -r K (random keys) to redis-benchmark (default: off)
  --grouped          run the whole -t list of a configuration in one
                     redis-benchmark invocation (default: one invocation per
                     test, alternating servers test by test; this keeps the
                     compared runs close in time, and a failing command does
                     not hide the tests after it)
  --warmup W         before round 1, run every configuration once with -n W
                     against each server and discard it (JIT/allocator
                     warm-up; default min(n, 20000), 0 disables)
  --timeout SEC      kill a redis-benchmark run after SEC seconds (default 600)
  --json FILE        also write all raw and aggregated results to FILE
  --markdown         print the result table as Markdown
  -h, --help         this help

Without --tests/--pipelines/--data/--all the default configurations are:
  ${DEFAULT_TESTS}  at -P 1 and -P 16 (-d 3), plus set,get at -P 1 -d 1024.
Otherwise every combination of pipelines x data sizes is run with the test list.

Environment:
  TREDIS_CMD   command that starts tredis (default: node <repo>/dist/main.js)
  REDIS_CMD    command that starts the reference Redis (default: redis-server)
  REDIS_BENCHMARK  redis-benchmark binary (default: redis-benchmark)
The port and '--save "" --appendonly no' are appended to both commands.
`;

const opts = parseArgs(
  process.argv.slice(2),
  {
    rounds: 'number',
    n: 'number',
    clients: 'number',
    tests: 'string',
    pipelines: 'string',
    data: 'string',
    all: 'boolean',
    keyspace: 'number',
    grouped: 'boolean',
    timeout: 'number',
    warmup: 'number',
    json: 'string',
    markdown: 'boolean',
  },
  USAGE,
);

const rounds = Math.max(1, Math.floor(opts.rounds ?? 3));
const n = Math.max(1, Math.floor(opts.n ?? 200000));
const clients = Math.max(1, Math.floor(opts.clients ?? 50));
const timeoutMs = (opts.timeout ?? 600) * 1000;
const warmupN = Math.floor(opts.warmup ?? Math.min(n, 20000));

function buildConfigs() {
  const custom = opts.tests !== undefined || opts.pipelines !== undefined || opts.data !== undefined || opts.all;
  if (opts.all && opts.tests !== undefined) die('--all and --tests are mutually exclusive');
  if (!custom) {
    return [
      { tests: DEFAULT_TESTS, pipeline: 1, data: 3 },
      { tests: DEFAULT_TESTS, pipeline: 16, data: 3 },
      { tests: 'set,get', pipeline: 1, data: 1024 },
    ];
  }
  const tests = opts.all ? null : (opts.tests ?? DEFAULT_TESTS).replace(/\s+/g, '');
  const pipelines = numList(opts.pipelines ?? '1,16', 'pipelines');
  const data = numList(opts.data ?? '3', 'data');
  const configs = [];
  for (const d of data) for (const p of pipelines) configs.push({ tests, pipeline: p, data: d });
  return configs;
}

const configs = buildConfigs();

// ---------------------------------------------------------------------------
// redis-benchmark runner
// ---------------------------------------------------------------------------

/** Run redis-benchmark once with this configuration (see runRedisBenchmark in lib.mjs). */
function runBenchmark(port, cfg, tests, requests = n) {
  const args = ['-h', '127.0.0.1', '-p', String(port)];
  if (tests) args.push('-t', tests);
  args.push('-n', String(requests), '-c', String(clients), '-P', String(cfg.pipeline), '-d', String(cfg.data));
  if (opts.keyspace) args.push('-r', String(Math.floor(opts.keyspace)));
  return runRedisBenchmark(args, { timeoutMs });
}

// ---------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------

const servers = [];
const allErrors = []; // { server, config, round, line }
const seenWarnings = new Set();
let flushWarned = new Set();

async function flush(server) {
  try {
    await oneShot(server.port, 'FLUSHALL');
  } catch (err) {
    if (!flushWarned.has(server.name)) {
      flushWarned.add(server.name);
      process.stderr.write(`warning: FLUSHALL failed on ${server.name}: ${err.message}\n`);
    }
  }
}

async function serverVersion(server) {
  try {
    const info = parseInfo(await oneShot(server.port, 'INFO', 'server'));
    return info.redis_version ?? info.tredis_version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function alive(server) {
  return server.child.exitCode === null && server.child.signalCode === null;
}

function cfgLabel(cfg, tests = cfg.tests) {
  return `-P ${cfg.pipeline} -d ${cfg.data}${tests ? ` -t ${tests}` : ' (full suite)'}`;
}

async function main() {
  const t0 = Date.now();
  const redis = await startServer('redis', redisCommand());
  servers.push(redis);
  const tredis = await startServer('tredis', tredisCommand());
  servers.push(tredis);
  const versions = { redis: await serverVersion(redis), tredis: await serverVersion(tredis) };
  process.stderr.write(
    `redis  pid ${redis.pid} port ${redis.port}: ${redis.cmdline}\n` +
      `tredis pid ${tredis.pid} port ${tredis.port}: ${tredis.cmdline}\n` +
      `rounds=${rounds} n=${n} clients=${clients} cpus=${os.cpus().length} loadavg=${os.loadavg()[0].toFixed(2)}\n`,
  );

  // results[configIndex][serverName][testName] = [run records...]
  const results = configs.map(() => ({ redis: new Map(), tredis: new Map() }));
  // Order of tests as reported by redis-benchmark, per config.
  const testOrder = configs.map(() => []);

  if (warmupN > 0) {
    const ws = Date.now();
    for (const cfg of configs) {
      for (const server of [redis, tredis]) {
        if (!alive(server)) break;
        await flush(server);
        await runBenchmark(server.port, cfg, cfg.tests, warmupN);
      }
    }
    process.stderr.write(`warm-up (-n ${warmupN}, discarded) took ${((Date.now() - ws) / 1000).toFixed(1)}s\n`);
  }

  // Alternation units: by default every test of a configuration is its own
  // redis-benchmark invocation, run back to back on both servers, so that the
  // two measurements being compared are seconds apart (the machine is shared
  // with the load generator and possibly other work). --grouped runs the whole
  // -t list of a configuration in one invocation instead.
  const units = [];
  for (let ci = 0; ci < configs.length; ci++) {
    const cfg = configs[ci];
    if (cfg.tests && !opts.grouped) {
      for (const t of cfg.tests.split(',').filter(Boolean)) units.push({ ci, cfg, tests: t });
    } else {
      units.push({ ci, cfg, tests: cfg.tests });
    }
  }

  for (let r = 0; r < rounds; r++) {
    for (let ui = 0; ui < units.length; ui++) {
      const { ci, cfg, tests } = units[ui];
      // Flip who goes first from unit to unit and from round to round.
      const order = (r + ui) % 2 === 0 ? [redis, tredis] : [tredis, redis];
      const status = [];
      for (const server of order) {
        if (!alive(server)) {
          throw new Error(`${server.name} is not running anymore\n--- server output ---\n${server.log().slice(-3000)}`);
        }
        await flush(server);
        const res = await runBenchmark(server.port, cfg, tests);
        for (const row of res.rows) {
          if (!testOrder[ci].includes(row.test)) testOrder[ci].push(row.test);
          const m = results[ci][server.name];
          if (!m.has(row.test)) m.set(row.test, []);
          m.get(row.test).push({ round: r + 1, ...row });
        }
        for (const line of res.errors) {
          allErrors.push({ server: server.name, config: cfgLabel(cfg, tests), round: r + 1, line });
        }
        for (const line of res.warnings) {
          const key = `${server.name}: ${line}`;
          if (!seenWarnings.has(key)) {
            seenWarnings.add(key);
            process.stderr.write(`  note (${server.name}): ${line}\n`);
          }
        }
        status.push(
          `${server.name} ${res.seconds.toFixed(1)}s${res.errors.length ? ` ${res.errors.length} ERROR(S)` : ''}`,
        );
        if (!alive(server)) {
          throw new Error(
            `${server.name} died during the benchmark\n--- server output ---\n${server.log().slice(-3000)}`,
          );
        }
      }
      process.stderr.write(`round ${r + 1}/${rounds}  ${cfgLabel(cfg, tests).padEnd(24)} ${status.join(', ')}\n`);
    }
  }

  // Aggregate.
  const table = [];
  for (let ci = 0; ci < configs.length; ci++) {
    const cfg = configs[ci];
    for (const test of testOrder[ci]) {
      const rr = results[ci].redis.get(test) ?? [];
      const tr = results[ci].tredis.get(test) ?? [];
      const redisRps = median(rr.map((x) => x.rps));
      const tredisRps = median(tr.map((x) => x.rps));
      // Per-round ratios (tredis and redis measured back to back in the same round).
      const roundRatios = [];
      for (const a of tr) {
        const b = rr.find((x) => x.round === a.round);
        if (b && b.rps > 0) roundRatios.push(a.rps / b.rps);
      }
      table.push({
        test,
        pipeline: cfg.pipeline,
        dataSize: cfg.data,
        redis: { rps: redisRps, p50: median(rr.map((x) => x.p50)), runs: rr },
        tredis: { rps: tredisRps, p50: median(tr.map((x) => x.p50)), runs: tr },
        ratio: tredisRps / redisRps,
        roundRatios,
      });
    }
  }

  const showSpread = rounds > 1;
  const header = ['test', 'pipeline', 'data', 'redis rps', 'tredis rps', 'tredis/redis'];
  const align = ['l', 'r', 'r', 'r', 'r', 'r'];
  if (showSpread) {
    header.push('per-round range');
    align.push('r');
  }
  const rows = table.map((t) => {
    const row = [t.test, t.pipeline, t.dataSize, fmtInt(t.redis.rps), fmtInt(t.tredis.rps), fmtRatio(t.ratio)];
    if (showSpread) {
      row.push(
        t.roundRatios.length
          ? `${fmtRatio(Math.min(...t.roundRatios))}-${fmtRatio(Math.max(...t.roundRatios))}`
          : 'n/a',
      );
    }
    return row;
  });
  const ratios = table.map((t) => t.ratio).filter((x) => Number.isFinite(x) && x > 0);
  const geomean = ratios.length ? Math.exp(ratios.reduce((a, x) => a + Math.log(x), 0) / ratios.length) : NaN;
  const elapsed = (Date.now() - t0) / 1000;
  const desc =
    `redis-benchmark -c ${clients} -n ${n}${opts.keyspace ? ` -r ${Math.floor(opts.keyspace)}` : ''}, ` +
    `median of ${rounds} round(s); Redis ${versions.redis} vs tredis (${versions.tredis}); ` +
    `${os.cpus().length} CPUs shared with the load generator, Node ${process.version}`;

  process.stdout.write('\n');
  if (opts.markdown) {
    process.stdout.write(`${desc}\n\n${markdownTable(header, rows, align)}\n\n`);
    process.stdout.write(`Geometric mean of tredis/redis: **${fmtRatio(geomean)}**\n`);
  } else {
    process.stdout.write(`${desc}\n\n${textTable(header, rows, align)}\n\n`);
    process.stdout.write(`geometric mean tredis/redis: ${fmtRatio(geomean)}   (total time ${elapsed.toFixed(0)}s)\n`);
  }

  if (allErrors.length) {
    const distinct = new Map();
    for (const e of allErrors) {
      const key = `  [${e.server}] ${e.config}: ${e.line}`;
      distinct.set(key, (distinct.get(key) ?? 0) + 1);
    }
    process.stdout.write(`\nERROR: redis-benchmark reported ${allErrors.length} error line(s):\n`);
    for (const [line, count] of distinct) process.stdout.write(`${line}${count > 1 ? `  (x${count})` : ''}\n`);
  }

  if (opts.json) {
    const out = {
      date: new Date().toISOString(),
      node: process.version,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      elapsedSeconds: elapsed,
      params: { rounds, n, clients, warmup: warmupN, keyspace: opts.keyspace ?? null, grouped: !!opts.grouped },
      servers: {
        redis: { cmd: redis.cmdline, version: versions.redis },
        tredis: { cmd: tredis.cmdline, version: versions.tredis },
      },
      configs,
      results: table,
      geomeanRatio: geomean,
      errors: allErrors,
    };
    fs.writeFileSync(opts.json, JSON.stringify(out, null, 2) + '\n');
    process.stderr.write(`wrote ${opts.json}\n`);
  }

  return allErrors.length ? 1 : 0;
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (err) {
  process.stderr.write(`error: ${err && err.message ? err.message : err}\n`);
  exitCode = 1;
} finally {
  await Promise.all(servers.map((s) => s.stop().catch(() => {})));
  cleanupAll();
}
process.exit(exitCode);
