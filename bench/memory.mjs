#!/usr/bin/env node
// Memory comparison: tredis vs. real Redis.
//
// For each server: start it fresh, record the baseline (INFO memory
// used_memory and the process RSS from /proc/<pid>/status), load exactly the
// same N small string keys with a deterministic pipelined loader over a raw
// socket, verify DBSIZE, let the process settle, then measure again and
// report bytes per key.
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
  cleanupAll,
  RespClient,
  RespError,
  encodeCommand,
  parseInfo,
  readRss,
  sleep,
  textTable,
  markdownTable,
  fmtInt,
  fmtRatio,
  fmtBytes,
  showCmd,
} from './lib.mjs';

const USAGE = `Usage: node bench/memory.mjs [options]

Loads the same N keys (key:000000000001 -> v000000001, ...) into a fresh Redis
and a fresh tredis and compares memory per key (RSS and INFO used_memory).

Options:
  --keys N         number of keys (default 1000000)
  --value-size B   value length in bytes (default 10, minimum 10)
  --cmd mset|set|xadd
                   command used by the loader (default mset); xadd appends N
                   entries (name <value> qty <i % 97>) to one stream instead
                   of writing N keys, and reports memory per entry
  --batch K        keys per MSET (default 100)
  --pipeline W     max commands in flight on the loader connection (default 200)
  --settle SEC     wait before the final measurement (default 2)
  --only NAME      measure only 'redis' or only 'tredis'
  --json FILE      also write the results to FILE
  --markdown       print the result table as Markdown
  -h, --help       this help

Environment:
  TREDIS_CMD   command that starts tredis (default: node <repo>/dist/main.js)
  REDIS_CMD    command that starts the reference Redis (default: redis-server)
The port and '--save "" --appendonly no' are appended to both commands.
RSS is read from /proc/<pid>/status (VmRSS, VmHWM) of the started process.
`;

const opts = parseArgs(
  process.argv.slice(2),
  {
    keys: 'number',
    'value-size': 'number',
    cmd: 'string',
    batch: 'number',
    pipeline: 'number',
    settle: 'number',
    only: 'string',
    json: 'string',
    markdown: 'boolean',
  },
  USAGE,
);

const nKeys = Math.floor(opts.keys ?? 1_000_000);
if (nKeys < 1) die('--keys must be >= 1');
const valueSize = Math.max(10, Math.floor(opts['value-size'] ?? 10));
const loadCmd = (opts.cmd ?? 'mset').toLowerCase();
if (loadCmd !== 'mset' && loadCmd !== 'set' && loadCmd !== 'xadd') die('--cmd must be mset, set or xadd');
const batch = loadCmd === 'mset' ? Math.max(1, Math.floor(opts.batch ?? 100)) : 1;
const STREAM = 'stream';
const unit = loadCmd === 'xadd' ? 'entry' : 'key';
const maxInFlight = Math.max(1, Math.floor(opts.pipeline ?? 200));
const settleMs = (opts.settle ?? 2) * 1000;
if (opts.only && opts.only !== 'redis' && opts.only !== 'tredis') die('--only must be redis or tredis');

const keyOf = (i) => `key:${String(i).padStart(12, '0')}`;
const valueOf = (i) => `v${String(i).padStart(valueSize - 1, '0')}`;
const entryOf = (i) => ['name', valueOf(i), 'qty', String(i % 97)];

/** The loader's command for items next..end. */
function loadArgs(next, end) {
  if (loadCmd === 'xadd') return ['XADD', STREAM, `${next}-1`, ...entryOf(next)];
  const args = [loadCmd === 'set' ? 'SET' : 'MSET'];
  for (let i = next; i <= end; i++) args.push(keyOf(i), valueOf(i));
  return args;
}

/** Spot checks after loading: DBSIZE and GETs, or XLEN and XRANGEs. */
async function verify(ctl) {
  const errors = [];
  const probes = [1, Math.ceil(nKeys / 2), nKeys];
  if (loadCmd === 'xadd') {
    const len = await ctl.call('XLEN', STREAM);
    if (len !== nKeys) errors.push(`XLEN is ${len}, expected ${nKeys}`);
    for (const i of probes) {
      const got = JSON.stringify(await ctl.call('XRANGE', STREAM, `${i}-1`, `${i}-1`));
      const want = JSON.stringify([[`${i}-1`, entryOf(i)]]);
      if (got !== want) errors.push(`XRANGE ${i}-1 returned ${got}, expected ${want}`);
    }
    return { count: len, errors };
  }
  const dbsize = await ctl.call('DBSIZE');
  if (dbsize !== nKeys) errors.push(`DBSIZE is ${dbsize}, expected ${nKeys}`);
  for (const i of probes) {
    const v = await ctl.call('GET', keyOf(i));
    if (v !== valueOf(i)) errors.push(`GET ${keyOf(i)} returned ${JSON.stringify(v)}, expected ${valueOf(i)}`);
  }
  return { count: dbsize, errors };
}

/**
 * Load keys 1..nKeys. Commands are encoded in groups and written with a
 * bounded number of replies outstanding, so both servers see the same
 * request stream. Throws if any reply is an error.
 */
async function loadKeys(port) {
  const client = await RespClient.connect(port);
  const waits = []; // queue of promise groups, oldest first
  let queued = 0; // commands whose replies we have not awaited yet
  let firstError = null;
  const checkReplies = (replies) => {
    for (const r of replies) {
      if (r instanceof RespError && !firstError) firstError = r;
    }
  };
  const commandsPerWrite = Math.max(1, Math.min(maxInFlight, Math.ceil(1000 / batch)));
  try {
    let next = 1;
    while (next <= nKeys) {
      let payload = '';
      let count = 0;
      while (count < commandsPerWrite && next <= nKeys) {
        const end = Math.min(nKeys, next + batch - 1);
        payload += encodeCommand(loadArgs(next, end));
        count++;
        next = end + 1;
      }
      const all = Promise.all(client.sendRaw(payload, count));
      all.catch(() => {}); // a closed connection is reported by whichever await sees it first
      waits.push({ count, all });
      queued += count;
      while (queued > maxInFlight) {
        const w = waits.shift();
        checkReplies(await w.all);
        queued -= w.count;
      }
      if (firstError) break;
    }
    while (waits.length) checkReplies(await waits.shift().all);
  } finally {
    client.close();
  }
  if (firstError) throw new Error(`loader got an error reply: ${firstError.message}`);
}

async function memInfo(client) {
  try {
    const info = parseInfo(await client.call('INFO', 'memory'));
    return Number.isFinite(info.used_memory) ? info.used_memory : NaN;
  } catch {
    return NaN;
  }
}

async function measure(name, cmd) {
  process.stderr.write(`\n[${name}] starting: ${showCmd(cmd)}\n`);
  const server = await startServer(name, cmd);
  try {
    await sleep(1000);
    const ctl = await RespClient.connect(server.port);
    try {
      const base = { usedMemory: await memInfo(ctl), ...readRss(server.pid) };
      process.stderr.write(
        `[${name}] pid ${server.pid} port ${server.port}: baseline RSS ${fmtBytes(base.rss)}, used_memory ${fmtBytes(base.usedMemory)}\n`,
      );

      const t0 = process.hrtime.bigint();
      await loadKeys(server.port);
      const loadSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
      process.stderr.write(
        `[${name}] loaded ${fmtInt(nKeys)} ${unit === 'key' ? 'keys' : 'entries'} in ${loadSeconds.toFixed(2)}s (${fmtInt(nKeys / loadSeconds)} keys/s)\n`,
      );

      const { count: dbsize, errors } = await verify(ctl);

      await sleep(settleMs);
      const after = { usedMemory: await memInfo(ctl), ...readRss(server.pid) };
      process.stderr.write(
        `[${name}] after load: RSS ${fmtBytes(after.rss)} (peak ${fmtBytes(after.hwm)}), used_memory ${fmtBytes(after.usedMemory)}` +
          `${errors.length ? `  ERRORS: ${errors.join('; ')}` : ''}\n`,
      );
      return {
        name,
        cmd: server.cmdline,
        pid: server.pid,
        keys: nKeys,
        dbsize,
        loadSeconds,
        baseline: base,
        after,
        perKey: {
          rssDelta: (after.rss - base.rss) / nKeys,
          rssAbsolute: after.rss / nKeys,
          peakRss: after.hwm / nKeys,
          usedMemoryDelta: (after.usedMemory - base.usedMemory) / nKeys,
        },
        errors,
      };
    } finally {
      ctl.close();
    }
  } finally {
    await server.stop().catch(() => {});
  }
}

async function main() {
  const results = {};
  const fatal = [];
  for (const [name, cmd] of [
    ['redis', redisCommand()],
    ['tredis', tredisCommand()],
  ]) {
    if (opts.only && opts.only !== name) continue;
    try {
      results[name] = await measure(name, cmd);
    } catch (err) {
      fatal.push(`[${name}] ${err && err.message ? err.message : err}`);
      process.stderr.write(`[${name}] FAILED: ${err && err.message ? err.message : err}\n`);
    }
  }
  const r = results.redis;
  const t = results.tredis;

  const metrics = [
    [`RSS delta / ${unit}`, (x) => x.perKey.rssDelta, (v) => `${v.toFixed(1)} B`],
    [`RSS / ${unit} (absolute)`, (x) => x.perKey.rssAbsolute, (v) => `${v.toFixed(1)} B`],
    [`used_memory delta / ${unit}`, (x) => x.perKey.usedMemoryDelta, (v) => `${v.toFixed(1)} B`],
    ['baseline RSS', (x) => x.baseline.rss, fmtBytes],
    ['RSS after load', (x) => x.after.rss, fmtBytes],
    ['peak RSS (VmHWM)', (x) => x.after.hwm, fmtBytes],
    ['baseline used_memory', (x) => x.baseline.usedMemory, fmtBytes],
    ['used_memory after load', (x) => x.after.usedMemory, fmtBytes],
    [`load rate (${unit === 'key' ? 'keys' : 'entries'}/s)`, (x) => x.keys / x.loadSeconds, fmtInt],
  ];
  const cols = [];
  if (r) cols.push(['redis', r]);
  if (t) cols.push(['tredis', t]);
  const header = ['metric', ...cols.map((c) => c[0])];
  const align = ['l', ...cols.map(() => 'r')];
  if (r && t) {
    header.push('tredis/redis');
    align.push('r');
  }
  const rows = metrics.map(([label, get, fmt]) => {
    const row = [label];
    for (const [, res] of cols) {
      const v = get(res);
      row.push(Number.isFinite(v) ? fmt(v) : 'n/a');
    }
    if (r && t) row.push(fmtRatio(get(t) / get(r)));
    return row;
  });

  const what =
    loadCmd === 'xadd'
      ? `${fmtInt(nKeys)} stream entries (name <${valueSize}-byte value> qty <int>) loaded with pipelined XADD`
      : `${fmtInt(nKeys)} keys (key:%012d -> ${valueSize}-byte value) loaded with pipelined ${loadCmd === 'set' ? 'SET' : `MSET x${batch}`}`;
  const desc =
    `${what}; RSS from /proc/<pid>/status after ${settleMs / 1000}s settle; ` +
    `Node ${process.version}, ${os.platform()} ${os.arch()}`;
  process.stdout.write('\n');
  if (opts.markdown) process.stdout.write(`${desc}\n\n${markdownTable(header, rows, align)}\n`);
  else process.stdout.write(`${desc}\n\n${textTable(header, rows, align)}\n`);

  const errors = [...fatal];
  for (const [name, res] of cols) for (const e of res.errors) errors.push(`[${name}] ${e}`);
  if (errors.length) process.stdout.write(`\nERRORS:\n${errors.map((e) => `  ${e}\n`).join('')}`);

  if (opts.json) {
    const out = {
      date: new Date().toISOString(),
      node: process.version,
      params: { keys: nKeys, valueSize, cmd: loadCmd, batch, pipeline: maxInFlight, settleSeconds: settleMs / 1000 },
      results,
      ratios:
        r && t
          ? {
              rssDeltaPerKey: t.perKey.rssDelta / r.perKey.rssDelta,
              rssAbsolutePerKey: t.perKey.rssAbsolute / r.perKey.rssAbsolute,
              usedMemoryDeltaPerKey: t.perKey.usedMemoryDelta / r.perKey.usedMemoryDelta,
            }
          : null,
      errors,
    };
    fs.writeFileSync(opts.json, JSON.stringify(out, null, 2) + '\n');
    process.stderr.write(`wrote ${opts.json}\n`);
  }
  return errors.length ? 1 : 0;
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (err) {
  process.stderr.write(`error: ${err && err.message ? err.message : err}\n`);
  exitCode = 1;
} finally {
  cleanupAll();
}
process.exit(exitCode);
