// Freeing a huge value or dataset while other clients run: tredis beside
// Redis 7.0 in the same run (issue #13). For each server and operation, on a
// fresh server:
//   1. `loadKeys` small keys for the load clients (load:<n>);
//   2. the victim: a set of `members` members (SADD pipelined) for UNLINK and
//      DEL, or `keys` keys (DEBUG POPULATE) for FLUSHALL ASYNC;
//   3. a closed-loop GET/SET load (bench/latency-load.mjs, `clients`
//      connections, one request in flight each) for `baseline` seconds,
//      then the operation from another connection, then `window` seconds more.
// Reported: the load's p99 (and max) over the requests sent in the window
// after the operation, against the same figure over the baseline before it;
// the operation's own reply time; the RSS before and at the end of the window.
// Acceptance (issue #13): other clients' p99 under 5 ms during the window.
//
//   npm run build && node bench/unlink.mjs [--members 10000000] [--keys 10000000] [--ops unlink,del,flushall] [--rounds 3]

import fs from 'node:fs';
import path from 'node:path';
import { startLoad, windowOf, latencyStats } from './latency-load.mjs';
import {
  REPO_ROOT, RespClient, cleanupAll, encodeCommand, fmtBytes, markdownTable, median, parseArgs, readRss, redisCommand, sleep, tredisCommand, spread, withServer,
} from './lib.mjs';

const USAGE = 'Usage: node bench/unlink.mjs [--members N] [--keys N] [--ops unlink,del,flushall] [--clients C] [--baseline S] [--window S] [--rounds R] [--load-keys N] [--only redis|tredis]\n';
const opts = {
  members: 10_000_000,
  keys: 10_000_000,
  ops: 'unlink,del,flushall',
  clients: 8,
  baseline: 3,
  window: 4,
  rounds: 3,
  'load-keys': 100_000,
  only: '',
  ...parseArgs(process.argv.slice(2), {
    members: 'number', keys: 'number', ops: 'string', clients: 'number', baseline: 'number', window: 'number', rounds: 'number', 'load-keys': 'number', only: 'string',
  }, USAGE),
};
const OPS = {
  unlink: { label: 'UNLINK of a set', victim: 'set', cmd: ['UNLINK', 'big'] },
  del: { label: 'DEL of a set', victim: 'set', cmd: ['DEL', 'big'] },
  flushall: { label: 'FLUSHALL ASYNC', victim: 'keys', cmd: ['FLUSHALL', 'ASYNC'] },
};
const ops = opts.ops.split(',').map((s) => s.trim()).filter(Boolean);
for (const o of ops) if (!OPS[o]) {
  process.stderr.write(`unknown op ${o}\n${USAGE}`);
  process.exit(2);
}

/** Send `total` commands made by make(i) with `inflight` batches of `batch` outstanding. */
async function pipelined(c, total, batch, make, inflight = 4) {
  let next = 0;
  const lanes = [];
  for (let k = 0; k < inflight; k++) {
    lanes.push((async () => {
      while (next < total) {
        const from = next;
        const n = Math.min(batch, total - from);
        next += n;
        let payload = '';
        for (let i = from; i < from + n; i++) payload += encodeCommand(make(i));
        for (const r of await Promise.all(c.sendRaw(payload, n))) if (r instanceof Error) throw r;
      }
    })());
  }
  await Promise.all(lanes);
}

async function prepare(srv, op) {
  const c = await RespClient.connect(srv.port, '127.0.0.1', 10000);
  try {
    const value = 'v'.repeat(32);
    await pipelined(c, opts['load-keys'], 1000, (i) => ['SET', `load:${i}`, value]);
    if (OPS[op].victim === 'set') {
      const per = 1000;
      await pipelined(c, Math.ceil(opts.members / per), 8, (i) => {
        const args = ['SADD', 'big'];
        for (let j = i * per; j < Math.min(opts.members, (i + 1) * per); j++) args.push(`member:${j}`);
        return args;
      }, 2);
      const n = await c.call('SCARD', 'big');
      if (n !== opts.members) throw new Error(`${srv.name}: SCARD big = ${n}`);
    } else {
      const r = await c.call('DEBUG', 'POPULATE', String(opts.keys));
      if (r !== 'OK') throw new Error(`${srv.name}: DEBUG POPULATE answered ${r}`);
    }
    // both start from a settled heap: a full collection in tredis, jemalloc's purge in Redis
    await c.call('MEMORY', 'PURGE');
  } finally {
    c.close();
  }
  await sleep(1000);
}

async function measure(srv, op) {
  await prepare(srv, op);
  const rssBefore = readRss(srv.pid).rss;
  const ctl = await RespClient.connect(srv.port);
  const load = await startLoad(srv.port, { clients: opts.clients, keys: opts['load-keys'] });
  const t0 = performance.now();
  await sleep(opts.baseline * 1000);
  const tOp = performance.now();
  const reply = await ctl.call(...OPS[op].cmd);
  const opMs = performance.now() - tOp;
  await sleep(opts.window * 1000);
  const rssAfter = readRss(srv.pid).rss;
  const s = await load.stop();
  ctl.close();
  if (s.errors.length) throw new Error(`${srv.name}: load errors: ${s.errors[0]}`);
  // the first half second warms the connections up
  const base = latencyStats(windowOf(s, t0 + 500, tOp));
  const win = latencyStats(windowOf(s, tOp, tOp + opts.window * 1000));
  return {
    server: srv.name, op, reply: String(reply), opMs,
    baseP99: base.p99, baseMax: base.max, baseN: base.n,
    winP99: win.p99, winP999: win.p999, winMax: win.max, winN: win.n,
    p99Ratio: win.p99 / base.p99, rssBefore, rssAfter,
  };
}

function runOne(name, cmd, op) {
  return withServer(name, cmd, { extraArgs: ['--enable-debug-command', 'yes'] }, (srv) => measure(srv, op));
}

async function main() {
  const rows = [];
  const servers = [['redis', redisCommand()], ['tredis', tredisCommand()]].filter(([n]) => !opts.only || n === opts.only);
  try {
    for (let round = 0; round < opts.rounds; round++) {
      for (const op of ops) {
        // the order alternates: on two shared cores the first of a pair can be favoured
        for (const [name, cmd] of round % 2 === 0 ? servers : [...servers].reverse()) {
          const r = { round, ...(await runOne(name, cmd, op)) };
          rows.push(r);
          process.stderr.write(`${JSON.stringify(r)}\n`);
        }
      }
    }
  } finally {
    cleanupAll();
  }
  const out = path.join(REPO_ROOT, 'bench', 'results-unlink.json');
  fs.writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), opts, rows }, null, 2) + '\n');
  console.log(
    `\nOther clients' latency while freeing: a ${opts.members.toLocaleString('en-US')}-member set (UNLINK, DEL) or ${opts.keys.toLocaleString('en-US')} keys (FLUSHALL ASYNC), ` +
      `${opts.clients} closed-loop GET/SET clients; p99 over the ${opts.window} s after the command vs the ${opts.baseline} s before; median [range] of ${opts.rounds} rounds\n`,
  );
  const ms = (x) => x.toFixed(2);
  const table = [];
  for (const op of ops) {
    for (const [name] of servers) {
      const rs = rows.filter((r) => r.server === name && r.op === op);
      table.push([
        OPS[op].label, name, spread(rs, 'opMs', ms), spread(rs, 'baseP99', ms), spread(rs, 'winP99', ms), spread(rs, 'p99Ratio', (x) => x.toFixed(2)),
        spread(rs, 'winMax', ms), `${fmtBytes(median(rs.map((r) => r.rssBefore)))} → ${fmtBytes(median(rs.map((r) => r.rssAfter)))}`,
      ]);
    }
  }
  console.log(markdownTable(
    ['operation', 'server', 'command (ms)', 'p99 before (ms)', 'p99 after (ms)', 'p99 ratio', 'max after (ms)', 'RSS before → end of window'],
    table,
    ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r'],
  ));
  console.log(`raw figures: ${path.relative(REPO_ROOT, out)}`);
}

main().catch((e) => {
  cleanupAll();
  console.error(e);
  process.exit(1);
});
