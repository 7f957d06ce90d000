// Minimal RESP client used by the expectation generators in scripts/.
// Talks to a real redis-server (the oracle); not used by the server or tests.
import net from 'node:net';

export class Oracle {
  constructor(port = 7391, host = '127.0.0.1') {
    this.port = port;
    this.host = host;
    this.buf = Buffer.alloc(0);
    this.waiters = [];
  }
  connect() {
    return new Promise((resolve, reject) => {
      this.sock = net.createConnection({ port: this.port, host: this.host }, resolve);
      this.sock.on('error', reject);
      this.sock.on('data', (d) => {
        this.buf = Buffer.concat([this.buf, d]);
        this.pump();
      });
    });
  }
  close() { this.sock.end(); }
  pump() {
    while (this.waiters.length) {
      const r = parse(this.buf, 0);
      if (!r) return;
      this.buf = this.buf.subarray(r.end);
      this.waiters.shift()(r.value);
    }
  }
  /** Send raw bytes (latin1 string); resolves with `n` replies. */
  raw(data, n = 1) {
    const ps = [];
    for (let i = 0; i < n; i++) ps.push(new Promise((res) => this.waiters.push(res)));
    this.sock.write(Buffer.from(data, 'latin1'));
    return n === 1 ? ps[0] : Promise.all(ps);
  }
  /** Send a command; args are latin1 binary strings. */
  cmd(...args) {
    let out = `*${args.length}\r\n`;
    for (const a of args) {
      const s = String(a);
      out += `$${s.length}\r\n${s}\r\n`;
    }
    return this.raw(out);
  }
}

function parse(buf, i) {
  const nl = buf.indexOf('\r\n', i, 'latin1');
  if (nl < 0) return null;
  const t = String.fromCharCode(buf[i]);
  const line = buf.toString('latin1', i + 1, nl);
  const next = nl + 2;
  if (t === '+') return { value: line, end: next };
  if (t === '-') return { value: { error: line }, end: next };
  if (t === ':') return { value: Number(line), end: next };
  if (t === '$') {
    const n = Number(line);
    if (n < 0) return { value: null, end: next };
    if (buf.length < next + n + 2) return null;
    return { value: buf.toString('latin1', next, next + n), end: next + n + 2 };
  }
  if (t === '*') {
    const n = Number(line);
    if (n < 0) return { value: null, end: next };
    const arr = [];
    let j = next;
    for (let k = 0; k < n; k++) {
      const r = parse(buf, j);
      if (!r) return null;
      arr.push(r.value);
      j = r.end;
    }
    return { value: arr, end: j };
  }
  throw new Error('bad reply type ' + t);
}

/** Deterministic PRNG (mulberry32). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
