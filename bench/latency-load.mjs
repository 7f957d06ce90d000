// A closed-loop GET/SET load whose every request is timed, for benches that
// need the latency of other clients during a given window (bench/unlink.mjs,
// bench/evict-latency.mjs). Each connection sends one command, waits for its
// reply, sends the next (pipeline depth 1, as redis-benchmark -P 1), so a
// server pause shows up as the latency of the requests waiting on it.
// Requests are recorded as (send time, latency) so a window can be cut out
// afterwards by send time.

import net from 'node:net';
import { prng, skipReply } from './lib.mjs';

/** Growable Float64Array pair: send times (ms) and latencies (ms). */
class Samples {
  constructor() {
    this.t = new Float64Array(1 << 16);
    this.l = new Float64Array(1 << 16);
    this.n = 0;
  }

  push(t, l) {
    if (this.n === this.t.length) {
      const t2 = new Float64Array(this.n * 2);
      t2.set(this.t);
      this.t = t2;
      const l2 = new Float64Array(this.n * 2);
      l2.set(this.l);
      this.l = l2;
    }
    this.t[this.n] = t;
    this.l[this.n] = l;
    this.n++;
  }
}

function encode(args) {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${a.length}\r\n${a}\r\n`;
  return s;
}

/**
 * Start `clients` connections to port running GET (and SET with
 * probability `setRatio`) on `prefix:<n>` keys, n < keys (uniform, or
 * drawn by `pick(rand)` when given), `valueSize`-byte values. Returns
 * { stop(): Promise<Samples-like {t, l, n, errors}> }; times are
 * performance.now() milliseconds.
 */
export async function startLoad(port, { clients = 8, keys = 100000, prefix = 'load', valueSize = 32, setRatio = 0.5, seed = 7, pick = null } = {}) {
  const samples = new Samples();
  const errors = [];
  const value = 'v'.repeat(valueSize);
  let running = true;
  const conns = [];
  for (let i = 0; i < clients; i++) {
    const rand = prng(seed + i);
    const sock = await new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(s));
      s.once('error', reject);
    });
    sock.setNoDelay(true);
    const conn = { sock, sent: 0, buf: null, done: null };
    const next = () => {
      if (!running) {
        conn.done?.();
        return;
      }
      const n = pick ? pick(rand) : Math.floor(rand() * keys);
      const key = `${prefix}:${n}`;
      conn.sent = performance.now();
      sock.write(rand() < setRatio ? encode(['SET', key, value]) : encode(['GET', key]));
    };
    sock.on('data', (d) => {
      const buf = conn.buf ? Buffer.concat([conn.buf, d]) : d;
      const end = skipReply(buf, 0, errors);
      if (end < 0) {
        conn.buf = buf;
        return;
      }
      conn.buf = null;
      const now = performance.now();
      samples.push(conn.sent, now - conn.sent);
      next();
    });
    sock.on('error', (e) => errors.push(String(e)));
    conns.push({ conn, next });
  }
  for (const { next } of conns) next();
  return {
    samples,
    async stop() {
      running = false;
      await Promise.all(
        conns.map(({ conn }) => new Promise((resolve) => {
          conn.done = resolve;
          setTimeout(resolve, 2000); // a reply that never comes
        })),
      );
      for (const { conn } of conns) conn.sock.destroy();
      return { t: samples.t, l: samples.l, n: samples.n, errors };
    },
  };
}

/** Latencies (ms) of the requests sent in [from, to). */
export function windowOf(s, from, to) {
  const out = [];
  for (let i = 0; i < s.n; i++) if (s.t[i] >= from && s.t[i] < to) out.push(s.l[i]);
  return Float64Array.from(out).sort();
}

/** The q-quantile of sorted latencies (nearest rank). */
export function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/** { n, p50, p99, p999, max } in ms of sorted latencies. */
export function latencyStats(sorted) {
  return {
    n: sorted.length,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    p999: quantile(sorted, 0.999),
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
  };
}
