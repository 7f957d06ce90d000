// BGSAVE under load, tredis's fork-less snapshot beside Redis's fork, in
// the same run (issue #12, acceptance 3). For each server:
//   1. load `keys` string keys key:%012d with `size`-byte values;
//   2. baseline: redis-benchmark SET of random existing keys (-r keys), no save;
//   3. the same load again, with BGSAVE sent shortly after it starts.
// Reported: the dataset (RSS growth from start-up to loaded), save duration,
// extra memory during the save, and the client p99 with and without it.
// Extra memory: for tredis the peak RSS during the save run minus the peak
// during the baseline run (the same load without a save), each run started
// after MEMORY PURGE; for Redis the
// child's copy-on-write (INFO rdb_last_cow_size) plus the parent's peak
// growth over its baseline peak.
//
//   npm run build && node bench/bgsave.mjs [--keys 1000000] [--size 100] [--requests 600000] [--clients 50] [--rounds 3]

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runRedisBenchmark } from './redis-benchmark.mjs';
import {
  REPO_ROOT, RespClient, cleanupAll, fmtBytes, fmtInt, loadPipelined, markdownTable, median, oneShot, parseArgs, parseInfo, readRss, redisCommand, sleep, startServer, tredisCommand, spread,
} from './lib.mjs';

const opts = {
  keys: 1000000,
  size: 100,
  requests: 600000,
  clients: 50,
  rounds: 3,
  ...parseArgs(process.argv.slice(2), { keys: 'number', size: 'number', requests: 'number', clients: 'number', rounds: 'number' }, 'Usage: node bench/bgsave.mjs [--keys N] [--size B] [--requests N] [--clients C] [--rounds R]\n'),
};

async function populate(port) {
  const c = await RespClient.connect(port);
  const value = 'v'.repeat(opts.size);
  function* cmds() {
    for (let i = 0; i < opts.keys; i++) yield ['SET', `key:${String(i).padStart(12, '0')}`, value];
  }
  await loadPipelined(c, cmds(), 256);
  c.close();
}

/** SET of random existing keys from redis-benchmark; resolves to its row (rps, p50, p99...). */
async function load(port) {
  const res = await runRedisBenchmark(['-h', '127.0.0.1', '-p', String(port), '-c', String(opts.clients), '-n', String(opts.requests), '-r', String(opts.keys), '-d', String(opts.size), '-t', 'set']);
  if (res.errors.length || res.rows.length !== 1) throw new Error(`redis-benchmark: ${res.errors[0] ?? 'no result'}`);
  return res.rows[0];
}

async function purge(port) {
  const r = await oneShot(port, 'MEMORY', 'PURGE');
  if (r !== 'OK') throw new Error(`MEMORY PURGE answered ${r}`);
  await sleep(500);
}

/** Peak RSS of pid while `running()` holds, sampled every 20 ms. */
function sampleRss(pid) {
  let peak = readRss(pid).rss;
  const t = setInterval(() => {
    try {
      peak = Math.max(peak, readRss(pid).rss);
    } catch {
      /* gone */
    }
  }, 20);
  return { stop: () => (clearInterval(t), peak) };
}

async function measure(srv) {
  const rssEmpty = readRss(srv.pid).rss;
  await populate(srv.port);
  await sleep(1000);
  const rssLoaded = readRss(srv.pid).rss;

  // Both runs start from the same heap: after MEMORY PURGE (a full
  // collection in tredis, jemalloc's purge in Redis). Without it the V8 old
  // generation's collection falls wherever the previous run left it, and the
  // difference of the two peaks measured that, not the save.
  await purge(srv.port);
  const base = sampleRss(srv.pid);
  const baseline = await load(srv.port);
  const basePeak = base.stop();

  await purge(srv.port);
  const during = sampleRss(srv.pid);
  const loading = load(srv.port);
  await sleep(300);
  const t0 = Date.now();
  const reply = await oneShot(srv.port, 'BGSAVE');
  if (!String(reply).startsWith('Background saving started')) throw new Error(`${srv.name}: BGSAVE answered ${reply}`);
  let info;
  for (;;) {
    info = parseInfo(await oneShot(srv.port, 'INFO', 'persistence'));
    if (info.rdb_bgsave_in_progress === 0) break;
    await sleep(10);
  }
  const saveMs = Date.now() - t0;
  const withSave = await loading;
  const savePeak = during.stop();
  if (info.rdb_last_bgsave_status !== 'ok') throw new Error(`${srv.name}: BGSAVE failed`);
  const cow = Number(info.rdb_last_cow_size) || 0;
  const dataset = rssLoaded - rssEmpty;
  const extra = Math.max(0, savePeak - basePeak) + cow;
  return {
    server: srv.name,
    keys: opts.keys,
    dataset,
    saveMs,
    extra,
    extraPct: (100 * extra) / dataset,
    cow,
    baselineP99: baseline.p99,
    saveP99: withSave.p99,
    p99Ratio: withSave.p99 / baseline.p99,
    baselineRps: baseline.rps,
    saveRps: withSave.rps,
    rdbBytes: fs.statSync(path.join(srv.dir, 'dump.rdb')).size,
  };
}

async function runOne(name, cmd) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bgsave-${name}-`));
  const srv = await startServer(name, cmd, { extraArgs: ['--dir', dir] });
  srv.dir = dir;
  try {
    return await measure(srv);
  } finally {
    await srv.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const rows = [];
  const servers = [['redis', redisCommand()], ['tredis', tredisCommand()]];
  try {
    for (let round = 0; round < opts.rounds; round++) {
      // the order alternates: on two shared cores the first of a pair can be favoured
      for (const [name, cmd] of round % 2 === 0 ? servers : [...servers].reverse()) {
        const r = { round, ...(await runOne(name, cmd)) };
        rows.push(r);
        process.stderr.write(`${name}: ${JSON.stringify(r)}\n`);
      }
    }
  } finally {
    cleanupAll();
  }
  const out = path.join(REPO_ROOT, 'bench', 'results-bgsave.json');
  fs.writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), opts, rows }, null, 2) + '\n');
  console.log(`\nBGSAVE of ${fmtInt(opts.keys)} keys (${opts.size}-byte values) under redis-benchmark SET load (-c ${opts.clients}, -n ${opts.requests}, random existing keys), median [range] of ${opts.rounds} rounds\n`);
  const pct = (x) => `${x.toFixed(1)}%`;
  const ms = (x) => x.toFixed(3);
  console.log(
    markdownTable(
      ['server', 'dataset RSS', 'save time (s)', 'extra memory', 'extra / dataset', 'p99 no save (ms)', 'p99 during save (ms)', 'p99 ratio'],
      servers.map(([name]) => {
        const rs = rows.filter((r) => r.server === name);
        return [
          name, fmtBytes(median(rs.map((r) => r.dataset))), spread(rs, 'saveMs', (x) => (x / 1000).toFixed(2)), spread(rs, 'extra', fmtBytes), spread(rs, 'extraPct', pct),
          spread(rs, 'baselineP99', ms), spread(rs, 'saveP99', ms), spread(rs, 'p99Ratio', (x) => x.toFixed(2)),
        ];
      }),
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  );
  console.log(`raw figures: ${path.relative(REPO_ROOT, out)}`);
}

main().catch((e) => {
  cleanupAll();
  console.error(e);
  process.exit(1);
});
