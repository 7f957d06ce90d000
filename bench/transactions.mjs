// MULTI/EXEC throughput beside real Redis: each of C connections sends
// `MULTI, SET x10, EXEC` in one write and waits for the 12 replies (the
// transaction analogue of redis-benchmark -P 1), servers alternated round by
// round; transactions per second, median of the rounds.
//
//   npm run build && node bench/transactions.mjs [--rounds 5] [--n 100000] [--clients 50]

import { Pipe, cleanupAll, encodeCommand, fmtInt, fmtRatio, markdownTable, median, parseArgs, redisCommand, startServer, tredisCommand } from './lib.mjs';

const opts = {
  rounds: 5,
  n: 100000,
  clients: 50,
  ...parseArgs(process.argv.slice(2), { rounds: 'number', n: 'number', clients: 'number' }, 'Usage: node bench/transactions.mjs [--rounds R] [--n TRANSACTIONS] [--clients C]\n'),
};

/** Transactions per second of `n` MULTI/SETx10/EXEC over `clients` connections. */
async function run(port, n, clients) {
  const pipes = await Promise.all(Array.from({ length: clients }, () => Pipe.connect(port)));
  const each = Math.ceil(n / clients);
  const payloads = pipes.map((_, c) =>
    Buffer.from(
      [encodeCommand(['MULTI']), ...Array.from({ length: 10 }, (_, k) => encodeCommand(['SET', `tx:${c}:${k}`, 'xxx'])), encodeCommand(['EXEC'])].join(''),
      'latin1',
    ),
  );
  const t0 = process.hrtime.bigint();
  await Promise.all(
    pipes.map(async (p, c) => {
      for (let i = 0; i < each; i++) await p.run(payloads[c], 12);
    }),
  );
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  for (const p of pipes) {
    if (p.errors.length) throw new Error(`error reply: ${p.errors[0]}`);
    p.close();
  }
  return (each * clients) / secs;
}

async function main() {
  const redis = await startServer('redis', redisCommand());
  const tredis = await startServer('tredis', tredisCommand());
  try {
    const rates = { redis: [], tredis: [] };
    await run(redis.port, 2000, opts.clients); // warm-up
    await run(tredis.port, 2000, opts.clients);
    for (let r = 0; r < opts.rounds; r++) {
      for (const s of r % 2 === 0 ? [redis, tredis] : [tredis, redis]) {
        const rate = await run(s.port, opts.n, opts.clients);
        rates[s.name].push(rate);
        process.stderr.write(`round ${r + 1}/${opts.rounds} ${s.name} ${fmtInt(rate)} tx/s\n`);
      }
    }
    const ratios = rates.tredis.map((t, i) => t / rates.redis[i]);
    const row = ['MULTI, SET x10, EXEC', String(opts.clients), fmtInt(median(rates.redis)), fmtInt(median(rates.tredis)), fmtRatio(median(rates.tredis) / median(rates.redis)), `${fmtRatio(Math.min(...ratios))}-${fmtRatio(Math.max(...ratios))}`];
    console.log(`\n${opts.n} transactions per round, median of ${opts.rounds} rounds, servers alternated\n`);
    console.log(markdownTable(['test', 'clients', 'redis tx/s', 'tredis tx/s', 'tredis/redis', 'per-round range'], [row], ['l', 'r', 'r', 'r', 'r', 'r']));
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
