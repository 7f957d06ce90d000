#!/usr/bin/env node
// Write throughput with the append-only file on: tredis vs. real Redis,
// redis-benchmark SET with `appendfsync always` and `everysec`.
//
// For each fsync policy both servers are started with `--appendonly yes
// --appendfsync <policy>` in directories of their own (removed at the end),
// then redis-benchmark runs alternately against each (the order flips every
// round). The table shows median requests/s and p99 latency over the rounds.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  parseArgs,
  die,
  redisCommand,
  tredisCommand,
  startServer,
  numList,
  cleanupAll,
  median,
  textTable,
  markdownTable,
  fmtInt,
  fmtRatio,
} from './lib.mjs';
import { runRedisBenchmark } from './redis-benchmark.mjs';

const USAGE = `Usage: node bench/aof.mjs [options]

SET requests/s of tredis and Redis with appendonly yes, per appendfsync policy
(redis-benchmark -t set -c <clients> -n <n> -P <pipeline> -d <data>).

Options:
  --rounds R        rounds per configuration, median reported (default 3)
  --n N             requests per run (default 100000)
  --clients C       parallel connections (default 50)
  --pipelines LIST  comma separated -P values (default 1,16)
  --data D          value size in bytes (default 3)
  --fsync LIST      comma separated appendfsync policies (default always,everysec)
  --json FILE       also write the raw results to FILE
  --markdown        print the table as Markdown
  -h, --help        this help
`;

const opts = parseArgs(
  process.argv.slice(2),
  { rounds: 'number', n: 'number', clients: 'number', pipelines: 'string', data: 'number', fsync: 'string', json: 'string', markdown: 'boolean' },
  USAGE,
);
const rounds = opts.rounds ?? 3;
const n = opts.n ?? 100000;
const clients = opts.clients ?? 50;
const pipelines = numList(opts.pipelines ?? '1,16', '--pipelines');
const data = opts.data ?? 3;
const policies = (opts.fsync ?? 'always,everysec').split(',');
for (const p of policies) if (!['always', 'everysec', 'no'].includes(p)) die(`unknown appendfsync policy: ${p}`);

const results = [];
const dirs = [];

async function withServers(policy, fn) {
  const args = (name) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tredis-bench-aof-${name}-`));
    dirs.push(dir);
    return ['--appendonly', 'yes', '--appendfsync', policy, '--aof-use-rdb-preamble', 'no', '--dir', dir];
  };
  const redis = await startServer('redis', redisCommand(), { extraArgs: args('redis') });
  const tredis = await startServer('tredis', tredisCommand(), { extraArgs: args('tredis') });
  try {
    await fn({ redis, tredis });
  } finally {
    await redis.stop();
    await tredis.stop();
  }
}

async function bench(server, pipeline) {
  const r = await runRedisBenchmark(['-p', String(server.port), '-t', 'set', '-n', String(n), '-c', String(clients), '-P', String(pipeline), '-d', String(data)]);
  if (r.errors.length) die(`${server.name}: ${r.errors.join('\n')}`, 1);
  return r.rows[0];
}

try {
  for (const policy of policies) {
    await withServers(policy, async (servers) => {
      for (const pipeline of pipelines) {
        const runs = { redis: [], tredis: [] };
        // warm-up, not counted
        for (const s of [servers.redis, servers.tredis]) await bench(s, pipeline);
        for (let round = 0; round < rounds; round++) {
          const order = round % 2 === 0 ? ['redis', 'tredis'] : ['tredis', 'redis'];
          for (const name of order) runs[name].push(await bench(servers[name], pipeline));
        }
        const row = { policy, pipeline, data, clients };
        for (const name of ['redis', 'tredis']) {
          row[name] = { rps: median(runs[name].map((x) => x.rps)), p99: median(runs[name].map((x) => x.p99)), runs: runs[name] };
        }
        results.push(row);
        process.stderr.write(`appendfsync ${policy} -P ${pipeline}: redis ${fmtInt(row.redis.rps)}/s, tredis ${fmtInt(row.tredis.rps)}/s\n`);
      }
    });
  }
} finally {
  cleanupAll();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
}

const header = ['appendfsync', 'pipeline', 'redis rps', 'tredis rps', 'tredis/redis', 'redis p99 ms', 'tredis p99 ms'];
const rows = results.map((r) => [
  r.policy,
  String(r.pipeline),
  fmtInt(r.redis.rps),
  fmtInt(r.tredis.rps),
  fmtRatio(r.tredis.rps / r.redis.rps),
  r.redis.p99.toFixed(2),
  r.tredis.p99.toFixed(2),
]);
const align = ['l', 'r', 'r', 'r', 'r', 'r', 'r'];
process.stdout.write((opts.markdown ? markdownTable(header, rows, align) : textTable(header, rows, align)) + '\n');
if (opts.json) fs.writeFileSync(opts.json, JSON.stringify({ date: new Date().toISOString(), node: process.version, rounds, n, clients, data, results }, null, 2) + '\n');
