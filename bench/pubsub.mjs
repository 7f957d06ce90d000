#!/usr/bin/env node
// PUBLISH fan-out beside real Redis: S subscriber connections on one channel,
// C publisher connections each sending PUBLISH in batches of P (P = 1: send,
// wait for the reply, send the next, like redis-benchmark -P 1) until N
// publishes are done; a run ends when every subscriber has received every
// message. Messages delivered per second (N x S / elapsed) and publishes per
// second, servers alternated run by run, median of the rounds.
//
// The load generator shares the machine with the server, so it is kept
// light, and costs the same per message for both servers: a subscriber is a
// socket read into one fixed buffer (net's `onread`, no allocation per read)
// that only adds up the bytes it got. Every message has the same size (fixed
// channel and payload), so bytes / frame size is the message count; the
// subscription's confirmation is checked byte for byte, and at the end the
// total must be exact and the last bytes read must be a whole message.
//
//   npm run build && node bench/pubsub.mjs [--rounds 5] [--json bench/results-pubsub.json]
//
// See bench/README.md.

import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import {
  Pipe,
  cleanupAll,
  encodeCommand,
  fmtInt,
  fmtRatio,
  markdownTable,
  median,
  numList,
  oneShot,
  parseArgs,
  redisCommand,
  startServer,
  textTable,
  tredisCommand,
} from './lib.mjs';

const USAGE = `Usage: node bench/pubsub.mjs [options]

PUBLISH to 1 and to 100 subscribers, at pipeline depth 1 and 16: messages
delivered per second and publishes per second on Redis and tredis, servers
alternated, median of the rounds, and the ratio tredis/redis.

Options:
  --rounds R          rounds (default 5)
  --subscribers LIST  subscriber counts (default 1,100)
  --pipelines LIST    PUBLISHes per batch on a publisher connection (default 1,16)
  --publishers C      publisher connections (default 20)
  --deliveries D      messages delivered per run, spread over the subscribers
                      (default 2000000), within 20000..200000 publishes per run
  --data BYTES        message payload size (default 16)
  --markdown          print the table as Markdown
  --json FILE         also write the raw and aggregated results to FILE
  -h, --help          this help

Environment: TREDIS_CMD, REDIS_CMD (bench/README.md).
`;

const opts = {
  rounds: 5,
  subscribers: '1,100',
  pipelines: '1,16',
  publishers: 20,
  deliveries: 2000000,
  data: 16,
  ...parseArgs(
    process.argv.slice(2),
    { rounds: 'number', subscribers: 'string', pipelines: 'string', publishers: 'number', deliveries: 'number', data: 'number', markdown: 'boolean', json: 'string' },
    USAGE,
  ),
};

const CHANNEL = 'bench:pubsub';
const PAYLOAD = 'x'.repeat(opts.data);
const bulk = (s) => `$${s.length}\r\n${s}\r\n`;
/** What each subscriber receives per message, and once for its SUBSCRIBE. */
const FRAME = Buffer.from(`*3\r\n${bulk('message')}${bulk(CHANNEL)}${bulk(PAYLOAD)}`, 'latin1');
const CONFIRM = Buffer.from(`*3\r\n${bulk('subscribe')}${bulk(CHANNEL)}:1\r\n`, 'latin1');

/**
 * A subscriber: counts the bytes it reads; `until(total)` resolves once
 * `total` message bytes (after the confirmation) have arrived.
 */
class Subscriber {
  static connect(port) {
    return new Promise((resolve, reject) => {
      const s = new Subscriber();
      const sock = net.connect({
        port,
        host: '127.0.0.1',
        onread: { buffer: Buffer.allocUnsafe(64 * 1024), callback: (n, buf) => s.onRead(n, buf) },
      });
      s.sock = sock;
      sock.once('connect', () => {
        sock.off('error', reject);
        sock.on('error', (e) => s.fail(e));
        sock.on('close', () => s.fail(new Error('subscriber connection closed by the server')));
        sock.write(encodeCommand(['SUBSCRIBE', CHANNEL]));
        s.waitFor(CONFIRM.length).then(() => resolve(s), reject);
      });
      sock.once('error', reject);
    });
  }

  bytes = 0;
  target = -1;
  done = null;
  failed = null;
  checkedConfirm = false;
  /** The last bytes read (up to one frame), to check the stream ends on a whole message. */
  tail = Buffer.alloc(FRAME.length);
  tailLen = 0;

  onRead(n, buf) {
    if (!this.checkedConfirm) {
      // the first read starts with the confirmation (it is tiny: one read)
      this.checkedConfirm = true;
      if (n < CONFIRM.length || !buf.subarray(0, CONFIRM.length).equals(CONFIRM)) {
        this.fail(new Error(`unexpected subscription reply: ${JSON.stringify(buf.toString('latin1', 0, n))}`));
        return;
      }
    }
    this.bytes += n;
    if (this.bytes >= this.target && this.done !== null) {
      // keep the last frame's worth of bytes for the end-of-run check
      const k = Math.min(n, FRAME.length);
      buf.copy(this.tail, 0, n - k, n);
      this.tailLen = k;
      const d = this.done;
      this.done = null;
      d();
    }
  }

  fail(err) {
    this.failed ??= err;
    if (this.done) {
      const d = this.done;
      this.done = null;
      d();
    }
  }

  /** Resolves when `total` bytes have been read since the connection opened. */
  waitFor(total) {
    this.target = total;
    return new Promise((resolve, reject) => {
      const settle = () => (this.failed ? reject(this.failed) : resolve());
      if (this.bytes >= total || this.failed) settle();
      else this.done = settle;
    });
  }

  close() {
    this.sock.removeAllListeners('close');
    this.sock.destroy();
  }
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. */
function cpuSeconds(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / CLOCK_TICKS;
}
const CLOCK_TICKS = 100; // sysconf(_SC_CLK_TCK) on Linux

/**
 * One run: `publishes` PUBLISHes over `clients` connections in batches of
 * `pipeline`, on the server `srv` ({ port, pid }).
 */
async function run(srv, subscribers, pipeline, clients, publishes) {
  const port = srv.port;
  await oneShot(port, 'FLUSHALL');
  const subs = [];
  for (let i = 0; i < subscribers; i++) subs.push(await Subscriber.connect(port));
  const numsub = await oneShot(port, 'PUBSUB', 'NUMSUB', CHANNEL);
  if (numsub[1] !== subscribers) throw new Error(`PUBSUB NUMSUB says ${numsub[1]} subscribers, expected ${subscribers}`);
  const pipes = await Promise.all(Array.from({ length: clients }, () => Pipe.connect(port)));
  const batches = Math.ceil(publishes / (pipeline * clients));
  const total = batches * pipeline * clients;
  const payload = Buffer.from(encodeCommand(['PUBLISH', CHANNEL, PAYLOAD]).repeat(pipeline), 'latin1');
  const expectBytes = CONFIRM.length + total * FRAME.length;
  const delivered = Promise.all(subs.map((s) => s.waitFor(expectBytes)));

  const cpu0 = process.cpuUsage();
  const srvCpu0 = cpuSeconds(srv.pid);
  const t0 = process.hrtime.bigint();
  await Promise.all(
    pipes.map(async (p) => {
      for (let i = 0; i < batches; i++) await p.run(payload, pipeline);
    }),
  );
  const tPublished = process.hrtime.bigint();
  await delivered;
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const serverCpu = cpuSeconds(srv.pid) - srvCpu0;

  for (const p of pipes) {
    if (p.errors.length) throw new Error(`error reply to PUBLISH: ${p.errors[0]}`);
    p.close();
  }
  // a little later, nothing more has arrived and the last bytes were a whole message
  await new Promise((r) => setTimeout(r, 20));
  for (const s of subs) {
    if (s.bytes !== expectBytes) throw new Error(`a subscriber got ${s.bytes} bytes, expected ${expectBytes}`);
    const k = s.tailLen;
    if (!s.tail.subarray(0, k).equals(FRAME.subarray(FRAME.length - k))) throw new Error('a subscriber did not end on a whole message');
    s.close();
  }
  return {
    deliveredPerSec: (total * subscribers) / secs,
    publishesPerSec: total / secs,
    publishSecs: Number(tPublished - t0) / 1e9,
    secs,
    publishes: total,
    // share of one core used by the server and by this load generator during the run
    serverCpu: serverCpu / secs,
    generatorCpu: (cpu.user + cpu.system) / 1e6 / secs,
    // the server's CPU time per PUBLISH (its fan-out included): steadier than rates on a busy machine
    serverUsPerPublish: (serverCpu * 1e6) / total,
  };
}

/** PUBLISHes per run: D / S, kept within 20,000 (a few tenths of a second) and 200,000. */
function publishesFor(subscribers) {
  return Math.min(200000, Math.max(20000, Math.round(opts.deliveries / subscribers)));
}

async function main() {
  const subscriberCounts = numList(opts.subscribers, 'subscribers');
  const pipelines = numList(opts.pipelines, 'pipelines');
  const configs = subscriberCounts.flatMap((s) => pipelines.map((p) => ({ subscribers: s, pipeline: p })));
  const started = Date.now();
  const redis = await startServer('redis', redisCommand());
  const tredis = await startServer('tredis', tredisCommand());
  const servers = [redis, tredis];
  const versions = {};
  for (const s of servers) versions[s.name] = String(await oneShot(s.port, 'INFO', 'server')).match(/redis_version:(\S+)/)?.[1];
  try {
    const runs = configs.map(() => ({ redis: [], tredis: [] }));
    // warm-up (JIT, buffers): a short run of each configuration on each server
    for (const c of configs) for (const s of servers) await run(s, c.subscribers, c.pipeline, opts.publishers, 2000);
    for (let r = 0; r < opts.rounds; r++) {
      for (const [i, c] of configs.entries()) {
        const order = (r + i) % 2 === 0 ? [redis, tredis] : [tredis, redis];
        for (const s of order) {
          const res = await run(s, c.subscribers, c.pipeline, opts.publishers, publishesFor(c.subscribers));
          runs[i][s.name].push(res);
          process.stderr.write(
            `round ${r + 1}/${opts.rounds} subs=${c.subscribers} P=${c.pipeline} ${s.name.padEnd(6)} ` +
              `${fmtInt(res.deliveredPerSec)} msg/s, ${fmtInt(res.publishesPerSec)} publish/s, ` +
              `cpu: server ${res.serverCpu.toFixed(2)} generator ${res.generatorCpu.toFixed(2)}, ` +
              `server ${res.serverUsPerPublish.toFixed(2)} us/publish\n`,
          );
        }
      }
    }
    const results = configs.map((c, i) => {
      const med = (name, f) => median(runs[i][name].map(f));
      const ratios = runs[i].tredis.map((t, k) => t.deliveredPerSec / runs[i].redis[k].deliveredPerSec);
      return {
        ...c,
        publishers: opts.publishers,
        publishesPerRun: runs[i].redis[0].publishes,
        redis: { deliveredPerSec: med('redis', (x) => x.deliveredPerSec), publishesPerSec: med('redis', (x) => x.publishesPerSec), runs: runs[i].redis },
        tredis: { deliveredPerSec: med('tredis', (x) => x.deliveredPerSec), publishesPerSec: med('tredis', (x) => x.publishesPerSec), runs: runs[i].tredis },
        ratio: med('tredis', (x) => x.deliveredPerSec) / med('redis', (x) => x.deliveredPerSec),
        ratioRange: [Math.min(...ratios), Math.max(...ratios)],
      };
    });
    const header = ['subscribers', 'pipeline', 'redis msg/s', 'tredis msg/s', 'redis publish/s', 'tredis publish/s', 'tredis/redis', 'per-round range'];
    const rows = results.map((x) => [
      String(x.subscribers),
      String(x.pipeline),
      fmtInt(x.redis.deliveredPerSec),
      fmtInt(x.tredis.deliveredPerSec),
      fmtInt(x.redis.publishesPerSec),
      fmtInt(x.tredis.publishesPerSec),
      fmtRatio(x.ratio),
      `${fmtRatio(x.ratioRange[0])}-${fmtRatio(x.ratioRange[1])}`,
    ]);
    const align = ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'];
    console.log(`\n${opts.publishers} publisher connections, ${opts.data}-byte messages, median of ${opts.rounds} rounds, servers alternated\n`);
    console.log(opts.markdown ? markdownTable(header, rows, align) : textTable(header, rows, align));
    if (opts.json) {
      const out = {
        date: new Date().toISOString(),
        node: process.version,
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model,
        elapsedSeconds: (Date.now() - started) / 1000,
        params: { rounds: opts.rounds, publishers: opts.publishers, deliveries: opts.deliveries, data: opts.data, channel: CHANNEL },
        servers: Object.fromEntries(servers.map((s) => [s.name, { cmd: s.cmdline, version: versions[s.name] }])),
        results,
      };
      fs.writeFileSync(opts.json, JSON.stringify(out, null, 2) + '\n');
      process.stderr.write(`wrote ${opts.json}\n`);
    }
  } finally {
    await redis.stop();
    await tredis.stop();
    cleanupAll();
  }
}

main().catch((e) => {
  console.error(e.stack || e.message);
  cleanupAll();
  process.exit(1);
});
