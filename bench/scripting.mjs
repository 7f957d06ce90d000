// Lua scripting throughput beside real Redis: redis-benchmark sending
// EVALSHA over C connections at -P 1, servers alternated round by round;
// calls per second, median of the rounds.
//
//   small:  a script doing one GET and one SET on its key
//   100:    a script making 100 redis.call()s (INCR on its key)
//   fcall:  FCALL of a function doing the GET and SET of `small`
//
//   npm run build && node bench/scripting.mjs [--rounds 5] [--n 100000] [--clients 50] [--scripts small,100,fcall]

import { runRedisBenchmark } from './redis-benchmark.mjs';
import { cleanupAll, fmtInt, fmtRatio, markdownTable, median, oneShot, parseArgs, redisCommand, startServer, tredisCommand } from './lib.mjs';

const opts = {
  rounds: 5,
  n: 100000,
  clients: 50,
  scripts: 'small,100,fcall',
  ...parseArgs(process.argv.slice(2), { rounds: 'number', n: 'number', clients: 'number', scripts: 'string' }, 'Usage: node bench/scripting.mjs [--rounds R] [--n CALLS] [--clients C] [--scripts small,100,fcall]\n'),
};

const SCRIPTS = {
  small: { label: 'EVALSHA: GET + SET', body: "local v = redis.call('GET', KEYS[1]) redis.call('SET', KEYS[1], ARGV[1]) return v", n: 1 },
  100: { label: 'EVALSHA: 100 redis.call', body: "for i = 1, 100 do redis.call('INCR', KEYS[1]) end return redis.call('GET', KEYS[1])", n: 0.1 },
  fcall: {
    label: 'FCALL: GET + SET',
    library: "#!lua name=benchlib\nredis.register_function('getset', function(keys, args) local v = redis.call('GET', keys[1]) redis.call('SET', keys[1], args[1]) return v end)",
    n: 1,
  },
};

/** Calls per second of `n` EVALSHAs (or FCALLs of `sha` = a function name) from redis-benchmark over `clients` connections. */
async function run(port, sha, n, clients) {
  const key = `${sha.slice(0, 6)}:k`;
  const command = sha.length === 40 ? 'EVALSHA' : 'FCALL';
  const res = await runRedisBenchmark(['-h', '127.0.0.1', '-p', String(port), '-n', String(n), '-c', String(clients), command, sha, '1', key, 'xxx']);
  if (res.errors.length || res.rows.length !== 1) throw new Error(`redis-benchmark: ${res.errors[0] ?? 'no result'}`);
  return res.rows[0].rps;
}

async function main() {
  const redis = await startServer('redis', redisCommand());
  const tredis = await startServer('tredis', tredisCommand());
  const rows = [];
  try {
    for (const name of opts.scripts.split(',')) {
      const s = SCRIPTS[name];
      if (!s) throw new Error(`unknown script ${name}`);
      const n = Math.max(1000, Math.round(opts.n * s.n));
      const shas = {};
      for (const srv of [redis, tredis]) {
        if (s.library) {
          await oneShot(srv.port, 'FUNCTION', 'LOAD', 'REPLACE', s.library);
          shas[srv.name] = 'getset';
        } else shas[srv.name] = await oneShot(srv.port, 'SCRIPT', 'LOAD', s.body);
      }
      const rates = { redis: [], tredis: [] };
      for (const srv of [redis, tredis]) await run(srv.port, shas[srv.name], Math.min(2000, n), opts.clients); // warm-up
      for (let r = 0; r < opts.rounds; r++) {
        for (const srv of r % 2 === 0 ? [redis, tredis] : [tredis, redis]) {
          const rate = await run(srv.port, shas[srv.name], n, opts.clients);
          rates[srv.name].push(rate);
          process.stderr.write(`${name} round ${r + 1}/${opts.rounds} ${srv.name} ${fmtInt(rate)} calls/s\n`);
        }
      }
      const ratios = rates.tredis.map((t, i) => t / rates.redis[i]);
      rows.push([s.label, String(opts.clients), fmtInt(median(rates.redis)), fmtInt(median(rates.tredis)), fmtRatio(median(rates.tredis) / median(rates.redis)), `${fmtRatio(Math.min(...ratios))}-${fmtRatio(Math.max(...ratios))}`]);
    }
    console.log(`\nmedian of ${opts.rounds} rounds, servers alternated\n`);
    console.log(markdownTable(['test', 'clients', 'redis calls/s', 'tredis calls/s', 'tredis/redis', 'per-round range'], rows, ['l', 'r', 'r', 'r', 'r', 'r']));
  } finally {
    await redis.stop();
    await tredis.stop();
    cleanupAll();
  }
}

main().catch((e) => {
  console.error(e.message);
  cleanupAll();
  process.exit(1);
});
