// Latency of a GET/SET load while evicting against the same load without
// maxmemory, tredis beside Redis 7.0 in the same run (issue #13). For each
// server and mode, on a fresh server:
//   - evicting: maxmemory `maxmemory` MiB with `policy`, while the load's
//     keyspace (`keys` keys of `size` bytes) is several times larger: every
//     SET of a missing key makes room by evicting;
//   - not evicting: no maxmemory, the whole keyspace held.
// Both first fill the keyspace with one SET pass (so the evicting server is
// full and evicting from the first measured request), then run
// redis-benchmark -t set,get over random keys (-r keys) with `clients`
// connections, `requests` requests per test.
// Reported: p99 (and rps) of SET and GET per server and mode, the ratio
// evicting / not evicting per server, and tredis / Redis.
//
//   npm run build && node bench/evict-latency.mjs [--keys 1000000] [--size 100] [--maxmemory 32] [--policy allkeys-lru] [--requests 500000] [--rounds 3]

import fs from 'node:fs';
import path from 'node:path';
import { runRedisBenchmark } from './redis-benchmark.mjs';
import {
  REPO_ROOT, RespClient, cleanupAll, markdownTable, median, parseArgs, parseInfo, redisCommand, tredisCommand, spread, withServer,
} from './lib.mjs';

const USAGE = 'Usage: node bench/evict-latency.mjs [--keys N] [--size B] [--maxmemory MiB] [--policy P] [--requests N] [--clients C] [--pipeline P] [--rounds R]\n';
const opts = {
  keys: 1_000_000,
  size: 100,
  maxmemory: 32,
  policy: 'allkeys-lru',
  requests: 500_000,
  clients: 50,
  pipeline: 1,
  rounds: 3,
  ...parseArgs(process.argv.slice(2), {
    keys: 'number', size: 'number', maxmemory: 'number', policy: 'string', requests: 'number', clients: 'number', pipeline: 'number', rounds: 'number',
  }, USAGE),
};

async function bench(port, tests, requests) {
  const res = await runRedisBenchmark([
    '-h', '127.0.0.1', '-p', String(port), '-c', String(opts.clients), '-n', String(requests), '-r', String(opts.keys), '-d', String(opts.size),
    '-P', String(opts.pipeline), '-t', tests,
  ]);
  if (res.errors.length || res.rows.length === 0) throw new Error(`redis-benchmark: ${res.errors[0] ?? 'no result'}`);
  return res.rows;
}

async function measure(srv, evicting) {
  const c = await RespClient.connect(srv.port);
  try {
    if (evicting) {
      await c.call('CONFIG', 'SET', 'maxmemory-policy', opts.policy);
      await c.call('CONFIG', 'SET', 'maxmemory', String(Math.round(opts.maxmemory * 1048576)));
    }
    // one SET pass over the keyspace (random keys: most, not all, get written)
    await bench(srv.port, 'set', opts.keys);
    await c.call('CONFIG', 'RESETSTAT');
    const rows = await bench(srv.port, 'set,get', opts.requests);
    const stats = parseInfo(await c.call('INFO', 'stats'));
    const keys = await c.call('DBSIZE');
    const get = (t) => rows.find((r) => r.test.toUpperCase().startsWith(t));
    const set = get('SET');
    const g = get('GET');
    return {
      server: srv.name, mode: evicting ? 'evicting' : 'no maxmemory', keys, evicted: stats.evicted_keys,
      setP99: set.p99, setRps: set.rps, getP99: g.p99, getRps: g.rps,
    };
  } finally {
    c.close();
  }
}

function runOne(name, cmd, evicting) {
  return withServer(name, cmd, {}, (srv) => measure(srv, evicting));
}

async function main() {
  const servers = [['redis', redisCommand()], ['tredis', tredisCommand()]];
  const rows = [];
  try {
    for (let round = 0; round < opts.rounds; round++) {
      for (const evicting of [false, true]) {
        // the order alternates: on two shared cores the first of a pair can be favoured
        for (const [name, cmd] of round % 2 === 0 ? servers : [...servers].reverse()) {
          const r = { round, ...(await runOne(name, cmd, evicting)) };
          rows.push(r);
          process.stderr.write(`${JSON.stringify(r)}\n`);
        }
      }
      // ratios within a round: both modes of a server ran back to back
      for (const [name] of servers) {
        const of = (mode) => rows.find((r) => r.round === round && r.server === name && r.mode === mode);
        const e = of('evicting');
        const n = of('no maxmemory');
        e.setRatio = e.setP99 / n.setP99;
        e.getRatio = e.getP99 / n.getP99;
      }
    }
  } finally {
    cleanupAll();
  }
  const out = path.join(REPO_ROOT, 'bench', 'results-evict-latency.json');
  fs.writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), opts, rows }, null, 2) + '\n');
  console.log(
    `\nredis-benchmark SET/GET (-c ${opts.clients}, -P ${opts.pipeline}, -n ${opts.requests}, -r ${opts.keys}, -d ${opts.size}) with maxmemory ${opts.maxmemory} MiB ${opts.policy} ` +
      `(evicting) and without; median [range] of ${opts.rounds} rounds\n`,
  );
  const ms = (x) => x.toFixed(3);
  const k = (x) => `${Math.round(x / 1000)}k`;
  const table = [];
  for (const mode of ['no maxmemory', 'evicting']) {
    for (const [name] of servers) {
      const rs = rows.filter((r) => r.server === name && r.mode === mode);
      const ev = mode === 'evicting';
      table.push([
        name, mode, spread(rs, 'setP99', ms), ev ? spread(rs, 'setRatio', (x) => x.toFixed(2)) : '', spread(rs, 'setRps', k),
        spread(rs, 'getP99', ms), ev ? spread(rs, 'getRatio', (x) => x.toFixed(2)) : '', spread(rs, 'getRps', k),
        spread(rs, 'keys', (x) => String(Math.round(x))), spread(rs, 'evicted', (x) => String(Math.round(x))),
      ]);
    }
  }
  console.log(markdownTable(
    ['server', 'mode', 'SET p99 (ms)', 'vs no maxmemory', 'SET rps', 'GET p99 (ms)', 'vs no maxmemory', 'GET rps', 'keys', 'evicted'],
    table,
    ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
  ));
  const ratio = (field) => {
    const v = [];
    for (let round = 0; round < opts.rounds; round++) {
      const t = rows.find((r) => r.round === round && r.server === 'tredis' && r.mode === 'evicting');
      const rd = rows.find((r) => r.round === round && r.server === 'redis' && r.mode === 'evicting');
      v.push(t[field] / rd[field]);
    }
    return spread(v.map((x) => ({ x })), 'x', (x) => x.toFixed(2));
  };
  console.log(`\ntredis / Redis while evicting: SET p99 ${ratio('setP99')}, GET p99 ${ratio('getP99')}`);
  console.log(`raw figures: ${path.relative(REPO_ROOT, out)}`);
}

main().catch((e) => {
  cleanupAll();
  console.error(e);
  process.exit(1);
});
