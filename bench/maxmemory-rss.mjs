// RSS against maxmemory under a mixed write load, tredis beside Redis 7.0 in
// the same run (issue #13). For each policy and server, on a fresh server
// with `maxmemory` set: `clients` pipelined writers add new keys until
// `factor` times maxmemory worth of data has been sent — strings
// (SET EX, 100..1000-byte values), hashes (HSET of 10 fields, EXPIRE) and
// sorted sets (ZADD of 10 members, EXPIRE), every key with a TTL (1000 s to
// 1 day, random) so that volatile-ttl has candidates. RSS (/proc) and
// INFO used_memory are sampled every 100 ms during the load; after it, the
// server idles `idle` seconds and its RSS is read again.
// Reported per policy and server: maxmemory, used_memory max, RSS max and
// their ratios to maxmemory, RSS after the idle time, keys left, evictions
// and the writes refused with -OOM (noeviction).
//
//   npm run build && node bench/maxmemory-rss.mjs [--maxmemory 100] (MiB) [--factor 3] [--policies allkeys-lru,allkeys-lfu,volatile-ttl,noeviction] [--rounds 3]

import fs from 'node:fs';
import path from 'node:path';
import {
  Pipe, REPO_ROOT, RespClient, cleanupAll, encodeCommand, fmtBytes, markdownTable, median, parseArgs, parseInfo, prng, readRss, redisCommand, sleep, tredisCommand, spread, withServer,
} from './lib.mjs';

const USAGE = 'Usage: node bench/maxmemory-rss.mjs [--maxmemory MiB] [--factor F] [--clients C] [--batch N] [--idle S] [--policies p,q] [--rounds R]\n';
const opts = {
  maxmemory: 100,
  factor: 3,
  clients: 4,
  batch: 64,
  idle: 10,
  policies: 'allkeys-lru,allkeys-lfu,volatile-ttl,noeviction',
  rounds: 3,
  ...parseArgs(process.argv.slice(2), {
    maxmemory: 'number', factor: 'number', clients: 'number', batch: 'number', idle: 'number', policies: 'string', rounds: 'number',
  }, USAGE),
};
const policies = opts.policies.split(',').map((x) => x.trim()).filter(Boolean);
const MAXMEMORY = Math.round(opts.maxmemory * 1048576);

/**
 * One writer: batches of new keys of the three kinds until `budget` bytes
 * of payload were sent; returns the count of error replies (-OOM).
 */
async function writer(port, id, budget) {
  const pipe = await Pipe.connect(port);
  const rand = prng(1000 + id);
  let sent = 0;
  let n = 0;
  try {
    while (sent < budget) {
      let payload = '';
      let cmds = 0;
      for (let k = 0; k < opts.batch; k++) {
        const ttl = String(1000 + Math.floor(rand() * 85400));
        const r = rand();
        const key = `${id}:${n++}`;
        if (r < 0.5) {
          const v = 'x'.repeat(100 + Math.floor(rand() * 900));
          payload += encodeCommand(['SET', `s:${key}`, v, 'EX', ttl]);
          cmds++;
          sent += v.length + 20;
        } else if (r < 0.75) {
          const args = ['HSET', `h:${key}`];
          for (let f = 0; f < 10; f++) args.push(`field${f}`, `value-${Math.floor(rand() * 1e9)}`);
          payload += encodeCommand(args) + encodeCommand(['EXPIRE', `h:${key}`, ttl]);
          cmds += 2;
          sent += 10 * 24 + 20;
        } else {
          const args = ['ZADD', `z:${key}`];
          for (let m = 0; m < 10; m++) args.push(String(Math.floor(rand() * 1e6)), `member-${m}-${Math.floor(rand() * 1e9)}`);
          payload += encodeCommand(args) + encodeCommand(['EXPIRE', `z:${key}`, ttl]);
          cmds += 2;
          sent += 10 * 26 + 20;
        }
      }
      await pipe.run(Buffer.from(payload, 'latin1'), cmds);
    }
  } finally {
    pipe.close();
  }
  return pipe.errors.length;
}

async function measure(srv, policy) {
  const c = await RespClient.connect(srv.port);
  try {
    await c.call('CONFIG', 'SET', 'maxmemory-policy', policy);
    await c.call('CONFIG', 'SET', 'maxmemory', String(MAXMEMORY));
    await sleep(500);
    const rssEmpty = readRss(srv.pid).rss;
    let usedMax = 0;
    let rssMax = 0;
    let sampling = true;
    const sampler = (async () => {
      const s = await RespClient.connect(srv.port);
      try {
        while (sampling) {
          rssMax = Math.max(rssMax, readRss(srv.pid).rss);
          usedMax = Math.max(usedMax, parseInfo(await s.call('INFO', 'memory')).used_memory);
          await sleep(100);
        }
      } finally {
        s.close();
      }
    })();
    const t0 = Date.now();
    const budget = (MAXMEMORY * opts.factor) / opts.clients;
    const oom = (await Promise.all(Array.from({ length: opts.clients }, (_, i) => writer(srv.port, i, budget)))).reduce((a, b) => a + b, 0);
    const loadSeconds = (Date.now() - t0) / 1000;
    sampling = false;
    await sampler;
    const usedEnd = parseInfo(await c.call('INFO', 'memory')).used_memory;
    await sleep(opts.idle * 1000);
    const rssIdle = readRss(srv.pid).rss;
    const stats = parseInfo(await c.call('INFO', 'stats'));
    const keys = await c.call('DBSIZE');
    return {
      server: srv.name, policy, maxmemory: MAXMEMORY, usedMax, usedEnd, rssMax, rssIdle, rssEmpty, keys,
      evicted: stats.evicted_keys, oom, loadSeconds, usedRatio: usedMax / MAXMEMORY, rssRatio: rssMax / MAXMEMORY, idleRatio: rssIdle / MAXMEMORY,
    };
  } finally {
    c.close();
  }
}

function runOne(name, cmd, policy) {
  return withServer(name, cmd, {}, (srv) => measure(srv, policy));
}

async function main() {
  const servers = [['redis', redisCommand()], ['tredis', tredisCommand()]];
  const rows = [];
  try {
    for (let round = 0; round < opts.rounds; round++) {
      for (const policy of policies) {
        // the order alternates: on two shared cores the first of a pair can be favoured
        for (const [name, cmd] of round % 2 === 0 ? servers : [...servers].reverse()) {
          const r = { round, ...(await runOne(name, cmd, policy)) };
          rows.push(r);
          process.stderr.write(`${JSON.stringify(r)}\n`);
        }
      }
    }
  } finally {
    cleanupAll();
  }
  const out = path.join(REPO_ROOT, 'bench', 'results-maxmemory-rss.json');
  fs.writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), opts, rows }, null, 2) + '\n');
  console.log(
    `\nRSS against maxmemory ${fmtBytes(MAXMEMORY)}: ${opts.clients} pipelined writers adding strings, hashes and zsets with TTLs, ${opts.factor}x maxmemory of data; ` +
      `RSS after ${opts.idle} s idle; median [range] of ${opts.rounds} rounds\n`,
  );
  const x = (v) => `${v.toFixed(2)}x`;
  const table = [];
  for (const policy of policies) {
    for (const [name] of servers) {
      const rs = rows.filter((r) => r.server === name && r.policy === policy);
      table.push([
        policy, name, spread(rs, 'usedMax', fmtBytes), spread(rs, 'usedRatio', x), spread(rs, 'rssMax', fmtBytes), spread(rs, 'rssRatio', x),
        spread(rs, 'rssIdle', fmtBytes), spread(rs, 'rssEmpty', fmtBytes), spread(rs, 'keys', (v) => String(Math.round(v))), spread(rs, 'evicted', (v) => String(Math.round(v))),
        spread(rs, 'oom', (v) => String(Math.round(v))),
      ]);
    }
  }
  console.log(markdownTable(
    ['policy', 'server', 'used_memory max', '/ maxmemory', 'RSS max', '/ maxmemory', 'RSS idle after', 'RSS empty', 'keys', 'evicted', '-OOM replies'],
    table,
    ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
  ));
  console.log(`raw figures: ${path.relative(REPO_ROOT, out)}`);
}

main().catch((e) => {
  cleanupAll();
  console.error(e);
  process.exit(1);
});
