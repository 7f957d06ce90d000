// Cache quality under maxmemory: tredis's eviction beside Redis 7.0's in the
// same run (issue #13). Both servers replay the same key trace read-through
// (GET; on a miss SET the key with a `size`-byte value), pipelined in
// batches of `batch` GETs followed by the SETs of their misses:
//   - zipf: `requests` requests over `keys` keys, Zipfian with exponent `s`
//     (fixed seed; popularity ranks mapped to key ids by a fixed permutation);
//   - scan: the same Zipfian stream with, every `scan-every` requests, a
//     sequential scan of `scan-len` cold keys (ranks past `keys`/2, taken in
//     turn), which an LRU cache lets in at the expense of hot keys.
// Per policy (allkeys-lru, allkeys-lfu by default) and server, the hit rate
// (GET replies: hits / requests) over the whole trace and over its second
// half (warm cache), over all requests and the Zipfian ones only.
//
// Fair sizing. Redis's maxmemory bounds its own used_memory (allocator
// view, with dict and object overheads), tredis's its accounted dataset:
// the same byte figure does not hold the same number of keys. So each
// server's maxmemory is calibrated to hold `fit` (a fraction of `keys`) keys
// of this shape: two fills past the limit at two maxmemory values give the
// keys held per byte and the fixed part; the run then uses the maxmemory
// that holds fit*keys keys. DBSIZE at the end of each trace is reported
// beside the hit rates.
//
//   npm run build && node bench/cache-hit.mjs [--keys 1000000] [--requests 2000000] [--fit 0.15] [--policies allkeys-lru,allkeys-lfu] [--rounds 3]

import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {
  REPO_ROOT, RespClient, cleanupAll, encodeCommand, markdownTable, median, parseArgs, parseInfo, prng, redisCommand, skipReply, startServer, tredisCommand, spread,
} from './lib.mjs';

const USAGE = 'Usage: node bench/cache-hit.mjs [--keys N] [--requests N] [--s 0.99] [--fit F] [--size B] [--batch N] [--scan-every N] [--scan-len N] [--policies p,q] [--traces zipf,scan] [--rounds R] [--seed N]\n';
const opts = {
  keys: 1_000_000,
  requests: 2_000_000,
  s: 0.99,
  fit: 0.15,
  size: 200,
  batch: 64,
  'scan-every': 20_000,
  'scan-len': 10_000,
  policies: 'allkeys-lru,allkeys-lfu',
  traces: 'zipf,scan',
  rounds: 3,
  seed: 13,
  ...parseArgs(process.argv.slice(2), {
    keys: 'number', requests: 'number', s: 'number', fit: 'number', size: 'number', batch: 'number', 'scan-every': 'number', 'scan-len': 'number',
    policies: 'string', traces: 'string', rounds: 'number', seed: 'number',
  }, USAGE),
};
const policies = opts.policies.split(',').map((x) => x.trim()).filter(Boolean);
const traceNames = opts.traces.split(',').map((x) => x.trim()).filter(Boolean);

// ---- traces --------------------------------------------------------------------

/** Key ids of a Zipfian stream: rank r (0-based) drawn with weight 1/(r+1)^s, mapped through perm. */
function zipfSampler(n, s, rand) {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let r = 0; r < n; r++) {
    sum += 1 / Math.pow(r + 1, s);
    cdf[r] = sum;
  }
  for (let r = 0; r < n; r++) cdf[r] /= sum;
  return () => {
    const u = rand();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** A fixed random permutation of 0..n-1 (Fisher-Yates). */
function permutation(n, rand) {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/** { ids: Int32Array, scan: Uint8Array (1 = part of a scan) } of `requests` requests. */
function makeTrace(kind) {
  const rand = prng(opts.seed);
  const perm = permutation(opts.keys, rand);
  const next = zipfSampler(opts.keys, opts.s, rand);
  const ids = new Int32Array(opts.requests);
  const scan = new Uint8Array(opts.requests);
  const coldStart = Math.floor(opts.keys / 2);
  let cold = coldStart;
  let i = 0;
  let sinceScan = 0;
  while (i < opts.requests) {
    if (kind === 'scan' && sinceScan >= opts['scan-every']) {
      sinceScan = 0;
      for (let k = 0; k < opts['scan-len'] && i < opts.requests; k++) {
        ids[i] = perm[cold];
        scan[i++] = 1;
        if (++cold === opts.keys) cold = coldStart;
      }
      continue;
    }
    ids[i++] = perm[next()];
    sinceScan++;
  }
  return { ids, scan };
}

// ---- a pipelined connection reading GET replies ---------------------------------------

class Conn {
  static connect(port) {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new Conn(s)));
      s.once('error', reject);
    });
  }

  constructor(sock) {
    this.sock = sock;
    sock.setNoDelay(true);
    this.buf = null;
    this.want = 0;
    this.starts = [];
    this.errors = [];
    this.done = null;
    sock.on('data', (d) => {
      this.buf = this.buf ? Buffer.concat([this.buf, d]) : d;
      let p = this.parsed;
      while (this.starts.length < this.want) {
        const e = skipReply(this.buf, p, this.errors);
        if (e < 0) break;
        this.starts.push(p);
        p = e;
      }
      this.parsed = p;
      if (this.starts.length === this.want && this.done) {
        const f = this.done;
        this.done = null;
        f();
      }
    });
  }

  /** Send payload holding n commands; resolves to [buffer, reply start offsets]. */
  run(payload, n) {
    this.buf = null;
    this.starts = [];
    this.parsed = 0;
    this.want = n;
    return new Promise((resolve) => {
      this.done = () => resolve([this.buf, this.starts]);
      this.sock.write(payload);
    });
  }

  close() {
    this.sock.destroy();
  }
}

const keyOf = (id) => `key:${id}`;

/** Replay a trace read-through; counts of hits, overall and per part. */
async function replay(port, trace) {
  const c = await Conn.connect(port);
  const value = 'v'.repeat(opts.size);
  const n = trace.ids.length;
  const half = n >> 1;
  const r = { hits: 0, hits2: 0, zipf: 0, zipfHits: 0, zipf2: 0, zipfHits2: 0 };
  try {
    for (let i = 0; i < n; i += opts.batch) {
      const end = Math.min(n, i + opts.batch);
      let payload = '';
      for (let j = i; j < end; j++) payload += encodeCommand(['GET', keyOf(trace.ids[j])]);
      const [buf, starts] = await c.run(payload, end - i);
      if (c.errors.length) throw new Error(`GET: ${c.errors[0]}`);
      let sets = '';
      let nsets = 0;
      for (let j = i; j < end; j++) {
        const at = starts[j - i];
        const hit = !(buf[at] === 0x24 && buf[at + 1] === 0x2d); // not "$-1"
        const zipf = trace.scan[j] === 0;
        const second = j >= half;
        if (zipf) {
          r.zipf++;
          if (second) r.zipf2++;
        }
        if (hit) {
          r.hits++;
          if (second) r.hits2++;
          if (zipf) {
            r.zipfHits++;
            if (second) r.zipfHits2++;
          }
        } else {
          sets += encodeCommand(['SET', keyOf(trace.ids[j]), value]);
          nsets++;
        }
      }
      if (nsets > 0) {
        await c.run(sets, nsets);
        if (c.errors.length) throw new Error(`SET: ${c.errors[0]}`);
      }
    }
  } finally {
    c.close();
  }
  return {
    hitRate: r.hits / n,
    hitRate2: r.hits2 / (n - half),
    zipfHitRate: r.zipfHits / r.zipf,
    zipfHitRate2: r.zipfHits2 / r.zipf2,
  };
}

// ---- sizing --------------------------------------------------------------------------

/** SET `count` distinct keys of the bench's shape (ids past the trace's) under maxmemory `m`; DBSIZE after. */
async function keysHeldAt(port, m) {
  const c = await RespClient.connect(port);
  try {
    await c.call('FLUSHALL');
    await c.call('CONFIG', 'SET', 'maxmemory', String(Math.round(m)));
    const value = 'v'.repeat(opts.size);
    const target = Math.ceil(opts.keys * opts.fit);
    const total = target * 2;
    const conn = await Conn.connect(port);
    try {
      for (let i = 0; i < total; i += 256) {
        let payload = '';
        const end = Math.min(total, i + 256);
        // ids of the same width as the trace's keys
        for (let j = i; j < end; j++) payload += encodeCommand(['SET', keyOf(opts.keys - 1 - (j % opts.keys)), value]);
        await conn.run(payload, end - i);
        if (conn.errors.length) throw new Error(`fill: ${conn.errors[0]}`);
      }
    } finally {
      conn.close();
    }
    return await c.call('DBSIZE');
  } finally {
    c.close();
  }
}

/** The maxmemory that holds fit*keys keys: linear from two fills (keys = (m - base) / perKey). */
async function calibrate(port) {
  const target = Math.ceil(opts.keys * opts.fit);
  const guess = target * (opts.size + 100);
  const m0 = guess;
  const m1 = guess * 1.5;
  const d0 = await keysHeldAt(port, m0);
  const d1 = await keysHeldAt(port, m1);
  if (d1 <= d0) throw new Error(`calibration: ${d0} keys at ${m0}, ${d1} at ${m1}`);
  const perKey = (m1 - m0) / (d1 - d0);
  const base = m0 - d0 * perKey;
  let m = Math.round(base + target * perKey);
  let held = await keysHeldAt(port, m);
  // one correction step: the fill is not exactly linear (allocator classes, dict resizes)
  m = Math.round(m + (target - held) * perKey);
  held = await keysHeldAt(port, m);
  return { maxmemory: m, perKey, base, held };
}

async function runServer(name, cmd, traces) {
  const out = [];
  const srv = await startServer(name, cmd, { readyTimeoutMs: 60000 });
  try {
    const c = await RespClient.connect(srv.port);
    try {
      await c.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
      const cal = await calibrate(srv.port);
      process.stderr.write(`${name}: maxmemory ${cal.maxmemory} (${cal.perKey.toFixed(1)} B/key + ${Math.round(cal.base)}) holds ${cal.held} keys\n`);
      for (const policy of policies) {
        for (const [tname, trace] of traces) {
          await c.call('FLUSHALL');
          await c.call('CONFIG', 'SET', 'maxmemory-policy', policy);
          await c.call('CONFIG', 'SET', 'maxmemory', String(cal.maxmemory));
          await c.call('CONFIG', 'RESETSTAT');
          const t0 = Date.now();
          const r = await replay(srv.port, trace);
          const seconds = (Date.now() - t0) / 1000;
          const info = parseInfo(await c.call('INFO', 'stats'));
          const dbsize = await c.call('DBSIZE');
          const row = {
            server: name, policy, trace: tname, ...r, dbsize, maxmemory: cal.maxmemory, calibratedKeys: cal.held, seconds,
            evictedKeys: info.evicted_keys, infoHitRate: info.keyspace_hits / (info.keyspace_hits + info.keyspace_misses),
          };
          out.push(row);
          process.stderr.write(`${JSON.stringify(row)}\n`);
        }
      }
    } finally {
      c.close();
    }
  } finally {
    await srv.stop();
  }
  return out;
}

async function main() {
  const traces = traceNames.map((t) => [t, makeTrace(t)]);
  const servers = [['redis', redisCommand()], ['tredis', tredisCommand()]];
  const rows = [];
  try {
    for (let round = 0; round < opts.rounds; round++) {
      for (const [name, cmd] of round % 2 === 0 ? servers : [...servers].reverse()) {
        for (const r of await runServer(name, cmd, traces)) rows.push({ round, ...r });
      }
    }
  } finally {
    cleanupAll();
  }
  const out = path.join(REPO_ROOT, 'bench', 'results-cache-hit.json');
  fs.writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), opts, rows }, null, 2) + '\n');
  console.log(
    `\nRead-through cache hit rates: ${opts.requests.toLocaleString('en-US')} requests over ${opts.keys.toLocaleString('en-US')} keys (Zipf s=${opts.s}; scan: ` +
      `${opts['scan-len']} cold keys every ${opts['scan-every']} requests), ${opts.size}-byte values, maxmemory sized per server to hold ${opts.fit * 100}% of the keys; ` +
      `median [range] of ${opts.rounds} rounds\n`,
  );
  const pct = (x) => `${(x * 100).toFixed(2)}%`;
  const table = [];
  for (const policy of policies) {
    for (const [tname] of traces) {
      for (const [name] of servers) {
        const rs = rows.filter((r) => r.server === name && r.policy === policy && r.trace === tname);
        table.push([
          policy, tname, name, spread(rs, 'hitRate', pct), spread(rs, 'hitRate2', pct), spread(rs, 'zipfHitRate2', pct),
          spread(rs, 'dbsize', (x) => String(Math.round(x))), spread(rs, 'maxmemory', (x) => `${(x / 1048576).toFixed(1)} MiB`),
        ]);
      }
    }
  }
  console.log(markdownTable(
    ['policy', 'trace', 'server', 'hit rate', 'hit rate, 2nd half', 'Zipf requests, 2nd half', 'keys at the end (DBSIZE)', 'maxmemory'],
    table,
    ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r'],
  ));
  console.log(`raw figures: ${path.relative(REPO_ROOT, out)}`);
}

main().catch((e) => {
  cleanupAll();
  console.error(e);
  process.exit(1);
});
