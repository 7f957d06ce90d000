// Shared helpers for the tredis benchmark scripts (throughput.mjs, memory.mjs).
// Plain Node ESM, no dependencies.

import { spawn } from 'node:child_process';
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// ---------------------------------------------------------------------------
// Command-line helpers
// ---------------------------------------------------------------------------

/**
 * Minimal shell-like word splitting: whitespace separates words, single and
 * double quotes group, backslash escapes the next character (outside single
 * quotes). Enough for env vars such as TREDIS_CMD='node --max-old-space-size=4096 dist/main.js'.
 */
export function splitWords(str) {
  const words = [];
  let cur = '';
  let inWord = false;
  let quote = null;
  for (let i = 0; i < str.length; i++) {
    const ch = str[i];
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < str.length) cur += str[++i];
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < str.length) {
      cur += str[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unterminated quote in: ${str}`);
  if (inWord) words.push(cur);
  return words;
}

/**
 * Parse `--flag value`, `--flag=value` and boolean `--flag` options.
 * `spec` maps flag name -> 'string' | 'number' | 'boolean'.
 */
export function parseArgs(argv, spec, usage) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    if (arg === '-h' || arg === '--help') {
      process.stdout.write(usage);
      process.exit(0);
    }
    if (!arg.startsWith('--')) die(`unexpected argument: ${arg}\n\n${usage}`);
    let value;
    const eq = arg.indexOf('=');
    if (eq !== -1) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const name = arg.slice(2);
    const type = spec[name];
    if (!type) die(`unknown option: ${arg}\n\n${usage}`);
    if (type === 'boolean') {
      if (value !== undefined) die(`option ${arg} takes no value`);
      out[name] = true;
      continue;
    }
    if (value === undefined) {
      if (i + 1 >= argv.length) die(`option ${arg} needs a value`);
      value = argv[++i];
    }
    if (type === 'number') {
      const n = Number(value);
      if (!Number.isFinite(n) || n < 0) die(`option ${arg} needs a non-negative number, got: ${value}`);
      out[name] = n;
    } else {
      out[name] = value;
    }
  }
  return out;
}

export function die(msg, code = 2) {
  process.stderr.write(msg.endsWith('\n') ? msg : msg + '\n');
  cleanupAll();
  process.exit(code);
}

/** Command (argv array) used to start the Redis reference server. */
export function redisCommand() {
  return splitWords(process.env.REDIS_CMD || 'redis-server');
}

/** Command (argv array) used to start tredis. */
export function tredisCommand() {
  if (process.env.TREDIS_CMD) return splitWords(process.env.TREDIS_CMD);
  return [process.execPath, path.join(REPO_ROOT, 'dist', 'main.js')];
}

// ---------------------------------------------------------------------------
// Process tracking / cleanup
// ---------------------------------------------------------------------------

const children = new Set();
let cleanupInstalled = false;

/** Register a child process so that it is killed when we exit for any reason. */
export function track(child) {
  installCleanup();
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export function cleanupAll() {
  for (const child of children) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  children.clear();
}

function installCleanup() {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on('exit', cleanupAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      process.stderr.write(`\n${sig} received, stopping servers\n`);
      cleanupAll();
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
  process.on('uncaughtException', (err) => {
    process.stderr.write(`fatal: ${err && err.stack ? err.stack : err}\n`);
    cleanupAll();
    process.exit(1);
  });
  process.on('unhandledRejection', (err) => {
    process.stderr.write(`fatal: ${err && err.stack ? err.stack : err}\n`);
    cleanupAll();
    process.exit(1);
  });
}

// ---------------------------------------------------------------------------
// Servers
// ---------------------------------------------------------------------------

/** Ask the kernel for a free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Render an argv array for display, quoting empty/space-containing words. */
export function showCmd(argv) {
  return argv.map((a) => (a === '' || /[\s"'\\]/.test(a) ? JSON.stringify(a) : a)).join(' ');
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Start a server: `cmd... --port P --save "" --appendonly no`, wait until it
 * answers PING. Returns { name, port, pid, child, stop(), log() }.
 */
export async function startServer(name, cmd, { readyTimeoutMs = 30000, extraArgs = [] } = {}) {
  let lastErr;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const args = [...cmd.slice(1), '--port', String(port), '--save', '', '--appendonly', 'no', ...extraArgs];
    const child = track(
      spawn(cmd[0], args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: REPO_ROOT }),
    );
    let output = '';
    const keep = (d) => {
      output += d.toString();
      if (output.length > 20000) output = output.slice(-20000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let exited = null;
    let spawnError = null;
    child.once('exit', (code, signal) => (exited = { code, signal }));
    child.once('error', (err) => (spawnError = err));

    const deadline = Date.now() + readyTimeoutMs;
    let ready = false;
    while (Date.now() < deadline) {
      if (spawnError) break;
      if (exited) break;
      try {
        const c = await RespClient.connect(port);
        try {
          const r = await c.call('PING');
          if (r === 'PONG') ready = true;
        } finally {
          c.close();
        }
      } catch {
        // not up yet
      }
      if (ready) break;
      await sleep(100);
    }
    if (ready) {
      const server = {
        name,
        port,
        pid: child.pid,
        child,
        cmdline: showCmd([cmd[0], ...args]),
        log: () => output,
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const gone = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          const t = setTimeout(() => child.kill('SIGKILL'), 3000);
          await gone;
          clearTimeout(t);
        },
      };
      return server;
    }
    try {
      child.kill('SIGKILL');
    } catch {
      // ignore
    }
    if (spawnError) {
      throw new Error(`${name}: could not start '${cmd.join(' ')}': ${spawnError.message}`);
    }
    lastErr = new Error(
      `${name}: server did not become ready on port ${port}` +
        (exited ? ` (exited with code ${exited.code}, signal ${exited.signal})` : ' (timeout)') +
        `\ncommand: ${showCmd([cmd[0], ...args])}\n--- server output ---\n${output.slice(-3000)}`,
    );
    // A port race (someone grabbed it) is worth a retry; otherwise give up.
    if (!/in use|EADDRINUSE/i.test(output)) break;
  }
  throw lastErr;
}

/** Resident set size (and peak) of a process in bytes, from /proc/<pid>/status. */
export function readRss(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const get = (field) => {
    const m = status.match(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm'));
    return m ? Number(m[1]) * 1024 : NaN;
  };
  return { rss: get('VmRSS'), hwm: get('VmHWM') };
}

// ---------------------------------------------------------------------------
// Tiny RESP2 client
// ---------------------------------------------------------------------------

export class RespError extends Error {}

/** Encode one command as a RESP multibulk request. */
export function encodeCommand(args) {
  let s = `*${args.length}\r\n`;
  for (const a of args) {
    const str = String(a);
    s += `$${Buffer.byteLength(str)}\r\n${str}\r\n`;
  }
  return s;
}

const INCOMPLETE = Symbol('incomplete');

/**
 * Parse one RESP value from buf at offset `pos`. Returns [value, nextPos] or
 * INCOMPLETE. Errors are returned as RespError instances (not thrown).
 */
function parseValue(buf, pos) {
  if (pos >= buf.length) return INCOMPLETE;
  const eol = buf.indexOf('\r\n', pos);
  if (eol === -1) return INCOMPLETE;
  const type = buf[pos];
  const line = buf.toString('latin1', pos + 1, eol);
  const next = eol + 2;
  switch (type) {
    case 0x2b: // +
      return [line, next];
    case 0x2d: // -
      return [new RespError(buf.toString('utf8', pos + 1, eol)), next];
    case 0x3a: // :
      return [Number(line), next];
    case 0x24: {
      // $
      const len = Number(line);
      if (len < 0) return [null, next];
      if (next + len + 2 > buf.length) return INCOMPLETE;
      return [buf.toString('utf8', next, next + len), next + len + 2];
    }
    case 0x2a: {
      // *
      const n = Number(line);
      if (n < 0) return [null, next];
      const arr = new Array(n);
      let p = next;
      for (let i = 0; i < n; i++) {
        const r = parseValue(buf, p);
        if (r === INCOMPLETE) return INCOMPLETE;
        arr[i] = r[0];
        p = r[1];
      }
      return [arr, p];
    }
    default:
      throw new Error(`protocol error: unexpected byte 0x${type.toString(16)} in reply`);
  }
}

export class RespClient {
  static connect(port, host = '127.0.0.1', timeoutMs = 2000) {
    return new Promise((resolve, reject) => {
      const sock = net.createConnection({ port, host });
      const timer = setTimeout(() => {
        sock.destroy();
        reject(new Error(`connect timeout to ${host}:${port}`));
      }, timeoutMs);
      sock.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      sock.once('connect', () => {
        clearTimeout(timer);
        sock.removeAllListeners('error');
        sock.setNoDelay(true);
        resolve(new RespClient(sock));
      });
    });
  }

  constructor(sock) {
    this.sock = sock;
    this.pending = []; // queue of {resolve, reject}
    this.head = 0;
    this.buf = null;
    this.closed = false;
    sock.on('data', (chunk) => this.onData(chunk));
    const fail = (err) => {
      this.closed = true;
      const e = err || new Error('connection closed');
      for (let i = this.head; i < this.pending.length; i++) this.pending[i].reject(e);
      this.pending = [];
      this.head = 0;
    };
    sock.on('error', fail);
    sock.on('close', () => fail(null));
  }

  onData(chunk) {
    let buf = this.buf ? Buffer.concat([this.buf, chunk]) : chunk;
    let pos = 0;
    for (;;) {
      let r;
      try {
        r = parseValue(buf, pos);
      } catch (err) {
        this.sock.destroy(err);
        return;
      }
      if (r === INCOMPLETE) break;
      pos = r[1];
      const waiter = this.pending[this.head++];
      if (!waiter) {
        this.sock.destroy(new Error('unexpected reply with no pending request'));
        return;
      }
      waiter.resolve(r[0]);
      if (this.head > 4096 && this.head * 2 > this.pending.length) {
        this.pending = this.pending.slice(this.head);
        this.head = 0;
      }
    }
    this.buf = pos < buf.length ? buf.subarray(pos) : null;
  }

  /** Number of requests sent whose reply has not arrived yet. */
  get inFlight() {
    return this.pending.length - this.head;
  }

  /**
   * Send an already-encoded request payload containing `count` commands.
   * Returns an array of promises, one per reply (error replies resolve to
   * RespError instances).
   */
  sendRaw(payload, count) {
    if (this.closed) throw new Error('connection closed');
    const promises = new Array(count);
    for (let i = 0; i < count; i++) {
      promises[i] = new Promise((resolve, reject) => this.pending.push({ resolve, reject }));
    }
    this.sock.write(payload);
    return promises;
  }

  /** Send one command and wait for its reply; error replies reject. */
  async call(...args) {
    const [p] = this.sendRaw(encodeCommand(args), 1);
    const r = await p;
    if (r instanceof RespError) throw r;
    return r;
  }

  close() {
    this.closed = true;
    this.sock.end();
    this.sock.destroy();
  }
}

/** Open a connection, run one command, close. */
export async function oneShot(port, ...args) {
  const c = await RespClient.connect(port);
  try {
    return await c.call(...args);
  } finally {
    c.close();
  }
}

/** Parse the text of INFO into { field: value } (numbers converted). */
export function parseInfo(text) {
  const out = {};
  for (const line of String(text).split(/\r?\n/)) {
    if (!line || line.startsWith('#')) continue;
    const i = line.indexOf(':');
    if (i === -1) continue;
    const k = line.slice(0, i);
    const v = line.slice(i + 1);
    out[k] = /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------

export function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/** Start a server, run fn(srv) on it, stop it whatever happens; fn's result. */
export async function withServer(name, cmd, opts, fn) {
  const srv = await startServer(name, cmd, { readyTimeoutMs: 60000, ...opts });
  try {
    return await fn(srv);
  } finally {
    await srv.stop();
  }
}

/** "median [min–max]" of one numeric field over the rounds' rows, each figure through fmt. */
export function spread(rows, field, fmt) {
  const v = rows.map((r) => r[field]);
  return v.length === 1 ? fmt(v[0]) : `${fmt(median(v))} [${fmt(Math.min(...v))}–${fmt(Math.max(...v))}]`;
}

/** Render rows (arrays of strings) as an aligned text table. `align` per column: 'l' | 'r'. */
export function textTable(header, rows, align) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const fmt = (r) =>
    r
      .map((c, i) => (align[i] === 'r' ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n');
}

/** Render rows as a GitHub-flavoured Markdown table. */
export function markdownTable(header, rows, align) {
  const sep = align.map((a) => (a === 'r' ? '---:' : ':---'));
  const line = (r) => `| ${r.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(sep), ...rows.map(line)].join('\n');
}

export function fmtInt(n) {
  if (!Number.isFinite(n)) return 'n/a';
  return Math.round(n).toLocaleString('en-US');
}

export function fmtRatio(n) {
  return Number.isFinite(n) ? n.toFixed(2) : 'n/a';
}

export function fmtBytes(n) {
  if (!Number.isFinite(n)) return 'n/a';
  const abs = Math.abs(n);
  if (abs >= 1024 * 1024 * 1024) return (n / 1024 / 1024 / 1024).toFixed(2) + ' GiB';
  if (abs >= 1024 * 1024) return (n / 1024 / 1024).toFixed(1) + ' MiB';
  if (abs >= 1024) return (n / 1024).toFixed(1) + ' KiB';
  return `${Math.round(n)} B`;
}

// ---------------------------------------------------------------------------
// Pipelined raw connection for timing loops
// ---------------------------------------------------------------------------

/**
 * End of the RESP reply starting at buf[p], or -1 when incomplete. Error
 * replies make `errors` grow. No values are built: the timing loop must
 * cost the client far less than the server.
 */
export function skipReply(buf, p, errors) {
  if (p >= buf.length) return -1;
  const eol = buf.indexOf(13, p);
  if (eol < 0 || eol + 1 >= buf.length) return -1;
  const t = buf[p];
  const next = eol + 2;
  if (t === 0x2b || t === 0x3a || t === 0x2c || t === 0x5f) return next; // + : , _
  if (t === 0x2d) {
    errors.push(buf.toString('latin1', p + 1, eol));
    return next;
  }
  const n = Number(buf.toString('latin1', p + 1, eol));
  if (t === 0x24) return n < 0 ? next : next + n + 2 <= buf.length ? next + n + 2 : -1; // $
  if (t === 0x2a) {
    let q = next;
    for (let i = 0; i < n; i++) {
      q = skipReply(buf, q, errors);
      if (q < 0) return -1;
    }
    return q;
  }
  throw new Error(`unexpected reply type ${String.fromCharCode(t)}`);
}

/** A raw connection that sends a pipelined payload and waits for n replies. */
export class Pipe {
  static connect(port) {
    return new Promise((resolve, reject) => {
      const sock = net.connect(port, '127.0.0.1', () => resolve(new Pipe(sock)));
      sock.once('error', reject);
    });
  }

  constructor(sock) {
    this.sock = sock;
    sock.setNoDelay(true);
    this.buf = Buffer.alloc(0);
    this.want = 0;
    this.done = null;
    this.errors = [];
    sock.on('data', (d) => {
      let buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      let p = 0;
      while (this.want > 0) {
        const e = skipReply(buf, p, this.errors);
        if (e < 0) break;
        p = e;
        this.want--;
      }
      this.buf = buf.subarray(p);
      if (this.want === 0 && this.done) {
        const f = this.done;
        this.done = null;
        f();
      }
    });
  }

  run(payload, n) {
    this.want = n;
    return new Promise((resolve) => {
      this.done = resolve;
      this.sock.write(payload);
    });
  }

  close() {
    this.sock.destroy();
  }
}

/** Deterministic PRNG (mulberry32): both servers get the same data and queries. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Send the commands of an iterable (argv arrays) on a RespClient with at
 * most `window` replies outstanding; throws on the first error reply.
 */
export async function loadPipelined(client, commands, window = 64) {
  const inflight = [];
  const settle = async (promises) => {
    for (const r of await Promise.all(promises)) if (r instanceof RespError) throw new Error(`load: ${r.message}`);
  };
  for (const args of commands) {
    inflight.push(...client.sendRaw(encodeCommand(args), 1));
    if (inflight.length >= window) await settle(inflight.splice(0, Math.max(1, window >> 1)));
  }
  await settle(inflight);
}

/**
 * Median time per operation, in microseconds, of `ops` commands made by
 * makeCmd(rand) (rand: prng(seed)), sent on a Pipe in batches of `batch`
 * after `warmup` uncounted batches (JIT, caches, GC work left from loading).
 */
export async function timePipelined(pipe, makeCmd, { ops, batch, warmup = 10, seed = 1 }) {
  const rand = prng(seed);
  const payload = (n) => {
    const parts = [];
    for (let k = 0; k < n; k++) parts.push(encodeCommand(makeCmd(rand)));
    return Buffer.from(parts.join(''), 'latin1');
  };
  for (let k = 0; k < warmup; k++) await pipe.run(payload(batch), batch);
  const perOp = [];
  for (let done = 0; done < ops; done += batch) {
    const n = Math.min(batch, ops - done);
    const p = payload(n);
    const t0 = process.hrtime.bigint();
    await pipe.run(p, n);
    perOp.push(Number(process.hrtime.bigint() - t0) / 1000 / n);
  }
  if (pipe.errors.length) throw new Error(`error reply: ${pipe.errors[0]}`);
  return median(perOp);
}

/** A comma separated list of positive integers, or die() naming the flag. */
export function numList(str, flag) {
  const list = str
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
    .map(Number);
  if (list.length === 0 || list.some((x) => !Number.isInteger(x) || x < 1)) {
    die(`--${flag} needs a comma separated list of positive integers, got: ${str}`);
  }
  return list;
}
