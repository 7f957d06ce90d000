/**
 * Differential test harness: runs the same commands against a real
 * `redis-server` (spawned child) and tredis (in-process) over raw sockets and
 * compares the reply bytes.
 *
 * Replies are compared byte for byte, except for the short list of
 * normalisations of nondeterministic replies documented in
 * test/compat/NORMALISATIONS.md (each one is marked `NORMALISATION n` below).
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Running, encode, replyLength, startTredis } from '../helpers';
import { findRedisServer } from '../redis-server';

export { findRedisServer };

// ---------------------------------------------------------------------------
// Locating and running redis-server
// ---------------------------------------------------------------------------

export const REDIS_BIN = findRedisServer();
export const SKIP_MESSAGE = 'test/compat skipped: redis-server was not found on PATH (set REDIS_SERVER=/path/to/redis-server to override)';
if (!REDIS_BIN) console.warn(`[compat] ${SKIP_MESSAGE}`);

/**
 * describe() for tests that need a real redis-server. Without one (never in
 * CI, which installs it) the block becomes one visible skipped test whose
 * name (SKIP_MESSAGE) says why, instead of silently running nothing.
 */
export function describeWithRedis(title: string, body: () => void): void {
  if (REDIS_BIN) describe(title, body);
  else describe(title, () => it.skip(SKIP_MESSAGE, () => {}));
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface RedisProcess {
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

async function pingable(port: number): Promise<boolean> {
  try {
    const c = await Conn.connect(port);
    try {
      return (await c.cmd(['PING'], 1000)) === '+PONG\r\n';
    } finally {
      c.close();
    }
  } catch {
    return false;
  }
}

/**
 * Spawn redis-server (`--save '' --appendonly no --port P` plus `extraArgs`)
 * on a free random port and wait until it answers PING.
 */
export async function startRedis(extraArgs: string[] = [], bin = REDIS_BIN): Promise<RedisProcess> {
  if (!bin) throw new Error(SKIP_MESSAGE);
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'tredis-compat-'));
  let lastOutput = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const child = spawn(bin, ['--save', '', '--appendonly', 'no', '--port', String(port), ...extraArgs], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let output = '';
    const keep = (d: Buffer) => {
      output = (output + d.toString()).slice(-4000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    let exited = false;
    child.once('exit', () => {
      exited = true;
      children.delete(child);
    });
    const deadline = Date.now() + 10000;
    while (!exited && Date.now() < deadline) {
      if (await pingable(port)) {
        const stop = async () => {
          if (exited) return;
          const gone = new Promise<void>((r) => child.once('exit', () => r()));
          child.kill('SIGTERM');
          const t = setTimeout(() => child.kill('SIGKILL'), 3000);
          await gone;
          clearTimeout(t);
          fs.rmSync(cwd, { recursive: true, force: true });
        };
        return { port, child, stop };
      }
      await sleep(20);
    }
    child.kill('SIGKILL');
    lastOutput = output;
  }
  fs.rmSync(cwd, { recursive: true, force: true });
  throw new Error(`redis-server did not start:\n${lastOutput}`);
}

export interface Servers {
  /** Port of the real redis-server. */
  redis: number;
  /** Port of tredis. */
  tredis: number;
  tredisServer: Running;
}

export interface ServerOptions {
  /**
   * Start both servers with `enable-debug-command local` (default true), so
   * DEBUG SLEEP/OBJECT can be compared. Redis 7.0 refuses DEBUG by default;
   * pass false to compare the defaults instead.
   */
  debug?: boolean;
}

/**
 * Register beforeAll/afterAll hooks (in the enclosing describe, or the file)
 * starting both servers; the returned object is filled in when beforeAll has run.
 */
export function useServers(opts: ServerOptions = {}): Servers {
  const s = {} as Servers;
  let redis: RedisProcess | undefined;
  if (!REDIS_BIN) return s; // the suites using it are skipped
  const debug = opts.debug ?? true;
  beforeAll(async () => {
    redis = await startRedis(debug ? ['--enable-debug-command', 'local'] : []);
    s.redis = redis.port;
    s.tredisServer = await startTredis(debug ? { 'enable-debug-command': 'local' } : {});
    s.tredis = s.tredisServer.port;
  }, 30000);
  afterAll(async () => {
    await s.tredisServer?.close();
    await redis?.stop();
  }, 30000);
  return s;
}

// ---------------------------------------------------------------------------
// Raw connections
// ---------------------------------------------------------------------------

/** Pseudo replies used when no reply arrived. */
export const CLOSED = '<connection closed>';
export const TIMEOUT = '<no reply: timeout>';

/** One raw socket; replies are split with replyLength() from test/helpers. */
export class Conn {
  private buf = '';
  closed = false;
  private waiters: (() => void)[] = [];

  private constructor(private sock: net.Socket) {
    sock.setNoDelay(true);
    sock.on('data', (d) => {
      this.buf += d.toString('latin1');
      this.wake();
    });
    const gone = () => {
      this.closed = true;
      this.wake();
    };
    sock.on('close', gone);
    sock.on('error', gone);
  }

  static connect(port: number): Promise<Conn> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.off('error', reject);
        resolve(new Conn(s));
      });
      s.once('error', reject);
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private wait(deadline: number): Promise<void> {
    return new Promise<void>((r) => {
      const t = setTimeout(r, Math.max(1, deadline - Date.now()));
      this.waiters.push(() => {
        clearTimeout(t);
        r();
      });
    });
  }

  write(b: string | Buffer): void {
    if (this.closed) return;
    this.sock.write(typeof b === 'string' ? Buffer.from(b, 'latin1') : b);
  }

  send(args: (string | Buffer)[]): void {
    this.write(encode(args));
  }

  /** The next complete reply, or CLOSED / TIMEOUT. */
  async next(timeoutMs = 3000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const n = replyLength(this.buf);
      if (n > 0) {
        const r = this.buf.slice(0, n);
        this.buf = this.buf.slice(n);
        return r;
      }
      if (this.closed) return CLOSED;
      if (Date.now() >= deadline) return TIMEOUT;
      await this.wait(deadline);
    }
  }

  async cmd(args: (string | Buffer)[], timeoutMs = 3000): Promise<string> {
    this.send(args);
    return this.next(timeoutMs);
  }

  /** Everything received until pred(buffer) holds, the socket closes, or timeout. */
  async until(pred: (s: string) => boolean, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!pred(this.buf) && !this.closed && Date.now() < deadline) await this.wait(deadline);
    const out = this.buf;
    this.buf = '';
    return out;
  }

  /** Everything received until the socket closes or `quietMs` pass without data. */
  async drain(quietMs: number, maxMs = 3000): Promise<string> {
    const end = Date.now() + maxMs;
    let seen = -1;
    while (!this.closed && Date.now() < end && seen !== this.buf.length) {
      seen = this.buf.length;
      await this.wait(Math.min(end, Date.now() + quietMs));
    }
    const out = this.buf;
    this.buf = '';
    return out;
  }

  close(): void {
    this.sock.destroy();
  }
}

// ---------------------------------------------------------------------------
// RESP trees (used only by normalisations)
// ---------------------------------------------------------------------------

export interface Node {
  /** Type byte: + - : $ * _ # , ( = ! ~ > % | */
  t: string;
  /** Text after the type byte on the first line. */
  head: string;
  /** Payload of $ = ! (absent for null bulks). */
  body?: string;
  /** Elements of aggregates (maps/attributes: k1 v1 k2 v2 ...). */
  items?: Node[];
}

export function parseReply(s: string, pos = 0): [Node, number] {
  const nl = s.indexOf('\r\n', pos);
  const t = s[pos];
  const head = s.slice(pos + 1, nl);
  let p = nl + 2;
  if (t === '$' || t === '=' || t === '!') {
    const n = Number(head);
    if (n < 0) return [{ t, head }, p];
    return [{ t, head, body: s.slice(p, p + n) }, p + n + 2];
  }
  if ('*~>%|'.includes(t)) {
    const n = Number(head);
    if (n < 0) return [{ t, head }, p];
    const count = t === '%' || t === '|' ? n * 2 : n;
    const items: Node[] = [];
    for (let i = 0; i < count; i++) {
      const [child, q] = parseReply(s, p);
      items.push(child);
      p = q;
    }
    return [{ t, head, items }, p];
  }
  return [{ t, head }, p];
}

export function serialize(n: Node): string {
  if (n.body !== undefined) return `${n.t}${n.body.length}\r\n${n.body}\r\n`;
  if (n.items) {
    const count = n.t === '%' || n.t === '|' ? n.items.length / 2 : n.items.length;
    return `${n.t}${count}\r\n${n.items.map(serialize).join('')}`;
  }
  return `${n.t}${n.head}\r\n`;
}

const isAgg = (n: Node) => n.items !== undefined;
export const isInt = (n: Node) => n.t === ':';
const isBulk = (n: Node) => n.t === '$' && n.body !== undefined;
const isNil = (n: Node) => n.t === '_' || ((n.t === '$' || n.t === '*') && n.head === '-1');
export const MASK = '<masked>';

/** Text of a bulk/verbatim/simple string ("txt:" prefix of verbatims kept aside). */
function textOf(n: Node): string | undefined {
  if (n.t === '$') return n.body;
  if (n.t === '=') return n.body?.slice(4);
  if (n.t === '+') return n.head;
  return undefined;
}

function withText(n: Node, text: string): Node {
  if (n.t === '=') return { ...n, body: (n.body ?? 'txt:').slice(0, 4) + text };
  if (n.t === '+') return { ...n, head: text };
  return { ...n, body: text };
}

const maskInt = (n: Node): Node => (isInt(n) ? { t: ':', head: MASK } : n);

/** Pairs of a RESP2 flat array or RESP3 map. */
function pairs(n: Node): [Node, Node][] {
  const out: [Node, Node][] = [];
  for (let i = 0; i + 1 < n.items!.length; i += 2) out.push([n.items![i], n.items![i + 1]]);
  return out;
}

// ---------------------------------------------------------------------------
// Normalisations (see NORMALISATIONS.md; keep both in sync)
// ---------------------------------------------------------------------------

/** Tolerances for time-derived integers (both sides must be >= 0). */
export const TOLERANCE = { seconds: 2, millis: 2000 } as const;

/** Fields of CLIENT LIST / CLIENT INFO lines whose values are masked. */
const CLIENT_MASKED = new Set(['id', 'addr', 'laddr', 'fd', 'age', 'idle', 'qbuf', 'qbuf-free', 'argv-mem', 'multi-mem', 'rbs', 'rbp', 'obl', 'oll', 'omem', 'tot-mem']);

function maskClientLines(text: string): string {
  return text
    .split('\n')
    .map((line) =>
      line
        .split(' ')
        .map((kv) => {
          const eq = kv.indexOf('=');
          return eq > 0 && CLIENT_MASKED.has(kv.slice(0, eq)) ? `${kv.slice(0, eq)}=${MASK}` : kv;
        })
        .join(' '),
    )
    .join('\n');
}

/** INFO sections listed in command-table (dict) order: their lines are sorted. */
const INFO_UNORDERED = new Set(['# Commandstats', '# Latencystats']);

function maskInfo(text: string): string {
  const out: string[] = [];
  let section = '';
  let pending: string[] = [];
  const flush = () => {
    out.push(...(INFO_UNORDERED.has(section) ? pending.sort(cmpStr) : pending));
    pending = [];
  };
  for (const line of text.split('\r\n')) {
    if (line.startsWith('#')) {
      flush();
      section = line;
      out.push(line);
      continue;
    }
    if (!line.includes(':')) {
      flush();
      out.push(line);
      continue;
    }
    const c = line.indexOf(':');
    const name = line.slice(0, c);
    // Keyspace lines (dbN:keys=..,expires=..,avg_ttl=..): only avg_ttl masked.
    if (/^db\d+$/.test(name)) pending.push(line.replace(/avg_ttl=\d+/, `avg_ttl=${MASK}`));
    else pending.push(`${name}:${MASK}`);
  }
  flush();
  return out.join('\r\n');
}

type NodePair = [Node, Node];
/** A normaliser receives both parsed replies (never error replies) and returns them rewritten. */
type Normaliser = (t: Node, r: Node) => NodePair;

function tolerance(limit: number): Normaliser {
  return (t, r) => {
    if (isInt(t) && isInt(r)) {
      const a = Number(t.head);
      const b = Number(r.head);
      if (a >= 0 && b >= 0 && Math.abs(a - b) <= limit) return [r, r];
    }
    return [t, r];
  };
}

function sortItems(n: Node): Node {
  if (!isAgg(n)) return n;
  return { ...n, items: [...n.items!].sort((x, y) => cmpStr(serialize(x), serialize(y))) };
}

function sortPairs(n: Node): Node {
  if (!isAgg(n)) return n;
  const ps = pairs(n).sort((x, y) => cmpStr(serialize(x[0]), serialize(y[0])));
  return { ...n, items: ps.flat() };
}

const cmpStr = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const both = (f: (n: Node) => Node): Normaliser => (t, r) => [f(t), f(r)];

function maskMapValue(key: string): (n: Node) => Node {
  return (n) => {
    if (!isAgg(n)) return n;
    const items = [...n.items!];
    for (let i = 0; i + 1 < items.length; i += 2) if (textOf(items[i]) === key) items[i + 1] = { t: items[i + 1].t === ':' ? ':' : '+', head: MASK };
    return { ...n, items };
  };
}

function maskText(f: (s: string) => string): (n: Node) => Node {
  return (n) => {
    const s = textOf(n);
    return s === undefined ? n : withText(n, f(s));
  };
}

/** SLOWLOG GET entry: [id, timestamp, duration, argv, addr, name]. */
function maskSlowlog(n: Node): Node {
  if (!isAgg(n)) return n;
  return {
    ...n,
    items: n.items!.map((e) => {
      if (!isAgg(e) || e.items!.length < 5) return e;
      const items = [...e.items!];
      for (const i of [0, 1, 2]) items[i] = maskInt(items[i]);
      items[4] = withText(items[4], MASK);
      return { ...e, items };
    }),
  };
}

/** LATENCY LATEST entry: [event, timestamp, latest, max]; LATENCY HISTORY entry: [timestamp, latency]. */
function maskLatency(n: Node): Node {
  if (!isAgg(n)) return n;
  return { ...n, items: n.items!.map((e) => (isAgg(e) ? { ...e, items: e.items!.map(maskInt) } : e)) };
}

/** TIME: [seconds, microseconds] — shape kept, seconds compared within tolerance. */
const timeNorm: Normaliser = (t, r) => {
  const ok = (n: Node) => isAgg(n) && n.items!.length === 2 && n.items!.every((x) => isBulk(x) && /^\d+$/.test(x.body!));
  if (!ok(t) || !ok(r)) return [t, r];
  if (Math.abs(Number(t.items![0].body) - Number(r.items![0].body)) > TOLERANCE.seconds) return [t, r];
  const m: Node = { ...r, items: [withText(r.items![0], MASK), withText(r.items![1], MASK)] };
  return [m, m];
};

/** COMMAND INFO entry: [name, arity, flags, first, last, step, acl, tips, keyspecs, subcommands]. */
function sortInfoEntry(e: Node): Node {
  if (!isAgg(e) || e.items!.length < 10 || !isAgg(e.items![9])) return e;
  const items = [...e.items!];
  items[9] = sortItems({ ...items[9], items: items[9].items!.map(sortInfoEntry) });
  return { ...e, items };
}

const sortInfoSubcommands = (n: Node): Node => (isAgg(n) ? { ...n, items: n.items!.map(sortInfoEntry) } : n);

/** COMMAND DOCS: name → doc map; a doc's "subcommands" value is a name → doc map. */
function sortDocsSubcommands(n: Node): Node {
  if (!isAgg(n)) return n;
  const items = [...n.items!];
  for (let i = 1; i < items.length; i += 2) {
    const doc = items[i];
    if (!isAgg(doc)) continue;
    const d = [...doc.items!];
    for (let j = 0; j + 1 < d.length; j += 2) if (textOf(d[j]) === 'subcommands') d[j + 1] = sortPairs(sortDocsSubcommands(d[j + 1]));
    items[i] = { ...doc, items: d };
  }
  return { ...n, items };
}

/**
 * Keyed by upper-cased command name, or "NAME SUB" for container commands.
 * Every entry is one item of NORMALISATIONS.md.
 */
export const NORMALISERS: Record<string, Normaliser> = {
  // NORMALISATION 3: KEYS order is hash-table order → sorted.
  KEYS: both(sortItems),
  // NORMALISATION 4: CONFIG GET pair order is dict order → sorted by name.
  'CONFIG GET': both(sortPairs),
  // NORMALISATION 5: time-derived integers within a tolerance.
  TTL: tolerance(TOLERANCE.seconds),
  EXPIRETIME: tolerance(TOLERANCE.seconds),
  PTTL: tolerance(TOLERANCE.millis),
  PEXPIRETIME: tolerance(TOLERANCE.millis),
  // NORMALISATION 6: TIME.
  TIME: timeNorm,
  // NORMALISATION 7: INFO values.
  INFO: both(maskText(maskInfo)),
  // NORMALISATION 8: CLIENT LIST / CLIENT INFO per-connection fields; CLIENT ID.
  'CLIENT LIST': both(maskText(maskClientLines)),
  'CLIENT INFO': both(maskText(maskClientLines)),
  'CLIENT ID': both(maskInt),
  // NORMALISATION 9: HELLO's id.
  HELLO: both(maskMapValue('id')),
  // NORMALISATION 10: idle times, save times, addresses.
  'OBJECT IDLETIME': both(maskInt),
  LASTSAVE: both(maskInt),
  'DEBUG OBJECT': both(maskText((s) => s.replace(/\bat:\S+/, `at:${MASK}`).replace(/\blru:\d+/, `lru:${MASK}`).replace(/\blru_seconds_idle:\d+/, `lru_seconds_idle:${MASK}`))),
  // NORMALISATION 11: SLOWLOG / LATENCY timings.
  'SLOWLOG GET': both(maskSlowlog),
  'LATENCY LATEST': both(maskLatency),
  'LATENCY HISTORY': both(maskLatency),
  // NORMALISATION 12: subcommand order of COMMAND INFO / COMMAND DOCS is dict order.
  'COMMAND INFO': both(sortInfoSubcommands),
  'COMMAND DOCS': both(sortDocsSubcommands),
};

const CONTAINERS = new Set(['CONFIG', 'CLIENT', 'OBJECT', 'DEBUG', 'SLOWLOG', 'LATENCY', 'COMMAND', 'MEMORY']);

export function normKey(args: (string | Buffer)[]): string {
  const a0 = args[0].toString('latin1').toUpperCase();
  if (CONTAINERS.has(a0) && args.length > 1) return `${a0} ${args[1].toString('latin1').toUpperCase()}`;
  return a0;
}

/** Apply the normaliser for `args` (if any, and neither reply is an error/pseudo reply). */
export function normalise(args: (string | Buffer)[], t: string, r: string): [string, string] {
  const f = NORMALISERS[normKey(args)];
  if (!f || t === r || !wellFormed(t) || !wellFormed(r) || t[0] === '-' || r[0] === '-') return [t, r];
  const [nt, nr] = f(parseReply(t)[0], parseReply(r)[0]);
  return [serialize(nt), serialize(nr)];
}

/** A single complete reply (not a pseudo reply, not truncated). */
export const wellFormed = (s: string) => s.length > 0 && replyLength(s) === s.length;

// ---------------------------------------------------------------------------
// Running commands on both servers
// ---------------------------------------------------------------------------

export type Proto = 2 | 3;
export type Args = (string | Buffer)[];

/** A script step: a command, or a pause (for steps that wait for an expiry). */
export type Step = Args | { sleep: number };

export interface Mismatch {
  index: number;
  cmd: Args;
  tredis: string;
  redis: string;
  note?: string;
}

/** One connection to each server. */
export class Pair {
  private constructor(
    readonly tredis: Conn,
    readonly redis: Conn,
  ) {}

  static async open(s: Servers): Promise<Pair> {
    const [t, r] = await Promise.all([Conn.connect(s.tredis), Conn.connect(s.redis)]);
    return new Pair(t, r);
  }

  close(): void {
    this.tredis.close();
    this.redis.close();
  }

  /** Send to both (concurrently) and return [tredis, redis] raw replies. */
  async both(args: Args, timeoutMs = 3000): Promise<[string, string]> {
    const r = await Promise.all([this.tredis.cmd(args, timeoutMs), this.redis.cmd(args, timeoutMs)]);
    return r;
  }

  /**
   * Run one command on both servers and compare; returns a description of the
   * difference, or null. RANDOMKEY and SCAN need follow-up commands, so they
   * are handled here (NORMALISATIONS 1 and 2).
   */
  async step(args: Args, index = 0): Promise<Mismatch | null> {
    const [t, r] = await this.both(args);
    const key = normKey(args);
    const mismatch = (tt: string, rr: string, note?: string): Mismatch => ({ index, cmd: args, tredis: tt, redis: rr, note });
    if (t === r) return null;
    if (t === TIMEOUT || r === TIMEOUT || t === CLOSED || r === CLOSED) return mismatch(t, r);
    if (key === 'RANDOMKEY') return this.randomkey(t, r, mismatch);
    if (key === 'SCAN') return this.scan(args, t, r, mismatch);
    const [nt, nr] = await this.unordered(args, ...normalise(args, t, r));
    if (nt === nr) return null;
    const notes: string[] = [];
    if (nt !== t || nr !== r) notes.push(`normalised: tredis ${show(nt)} redis ${show(nr)}`);
    if (nt.length > 300 || nr.length > 300) notes.push(describeDiff(nt, nr));
    return mismatch(t, r, notes.length ? notes.join('\n    ') : undefined);
  }

  // NORMALISATION 13: replies in hash-table order (or random order) are
  // compared with their elements sorted (HGETALL: field/value pairs kept
  // together). HGETALL/HKEYS/HVALS/SMEMBERS and a SORT that does not sort
  // (BY nosort, or any BY pattern without "*"; sorted per element group when
  // there are GETs) only when
  // the key is hashtable-encoded on the real server (checked with OBJECT
  // ENCODING right after); SINTER/SUNION/SDIFF and the count forms of
  // SPOP/SRANDMEMBER/HRANDFIELD always.
  private async unordered(args: Args, t: string, r: string): Promise<[string, string]> {
    if (t === r || !wellFormed(t) || !wellFormed(r) || t[0] === '-' || r[0] === '-' || args.length < 2) return [t, r];
    const name = args[0].toString('latin1').toUpperCase();
    const upper = args.map((a) => a.toString('latin1').toUpperCase());
    let f: ((n: Node) => Node) | undefined;
    let checkEncoding = false;
    if (name === 'HGETALL') [f, checkEncoding] = [sortPairs, true];
    else if (name === 'HKEYS' || name === 'HVALS' || name === 'SMEMBERS') [f, checkEncoding] = [sortItems, true];
    else if ((name === 'SORT' || name === 'SORT_RO') && sortDontsort(args)) [f, checkEncoding] = [sortGroups(Math.max(1, upper.filter((a) => a === 'GET').length)), true];
    else if (name === 'SINTER' || name === 'SUNION' || name === 'SDIFF') f = sortItems;
    else if ((name === 'SPOP' || name === 'SRANDMEMBER' || name === 'HRANDFIELD') && args.length > 2) {
      f = (n) => (isAgg(n) && name === 'HRANDFIELD' && upper.includes('WITHVALUES') && !n.items!.some(isAgg) ? sortPairs(n) : sortItems(n));
    }
    if (!f) return [t, r];
    if (checkEncoding && (await this.redis.cmd(['OBJECT', 'ENCODING', args[1]])) !== '$9\r\nhashtable\r\n') return [t, r];
    return [serialize(f(parseReply(t)[0])), serialize(f(parseReply(r)[0]))];
  }

  // NORMALISATION 1: RANDOMKEY → both nil, or both a bulk naming a key that
  // exists on that server (checked with EXISTS on the same connection).
  private async randomkey(t: string, r: string, mismatch: (t: string, r: string, note?: string) => Mismatch): Promise<Mismatch | null> {
    const tn = parseReply(t)[0];
    const rn = parseReply(r)[0];
    if (isNil(tn) && isNil(rn) && tn.t === rn.t) return null;
    if (!isBulk(tn) || !isBulk(rn)) return mismatch(t, r);
    const [te, re] = await Promise.all([this.tredis.cmd(['EXISTS', tn.body!]), this.redis.cmd(['EXISTS', rn.body!])]);
    if (te === ':1\r\n' && re === ':1\r\n') return null;
    return mismatch(t, r, `RANDOMKEY: EXISTS on the returned key: tredis ${show(te)} redis ${show(re)}`);
  }

  // NORMALISATION 2: SCAN → shape [bulk cursor, array of bulks]; for cursor 0
  // the iteration is completed on each server and the sorted set of returned
  // keys compared. A nonzero cursor accepted by both is checked for shape only.
  private async scan(args: Args, t: string, r: string, mismatch: (t: string, r: string, note?: string) => Mismatch): Promise<Mismatch | null> {
    if (!scanShape(t) || !scanShape(r)) return mismatch(t, r);
    if (args[1].toString('latin1') !== '0') return null;
    const [tk, rk] = await Promise.all([scanAll(this.tredis, args, t), scanAll(this.redis, args, r)]);
    const a = JSON.stringify(tk);
    const b = JSON.stringify(rk);
    return a === b ? null : mismatch(t, r, `SCAN union: tredis ${show(a)} redis ${show(b)}`);
  }
}

/**
 * SORT with a BY pattern that has no "*" (e.g. BY nosort) does not sort
 * (sort.c: dontsort; a later BY does not undo it): on a hashtable set the
 * elements come in hash order. Arguments are walked as Redis parses them.
 */
function sortDontsort(args: Args): boolean {
  const a = args.map((x) => x.toString('latin1'));
  let dontsort = false;
  for (let j = 2; j < a.length; ) {
    const u = a[j].toUpperCase();
    const left = a.length - j - 1;
    if (u === 'ASC' || u === 'DESC' || u === 'ALPHA') j++;
    else if (u === 'LIMIT' && left >= 2) j += 3;
    else if ((u === 'STORE' || u === 'GET') && left >= 1) j += 2;
    else if (u === 'BY' && left >= 1) {
      if (!a[j + 1].includes('*')) dontsort = true;
      j += 2;
    } else return false; // syntax error
  }
  return dontsort;
}

/** Sort an array in groups of `size` elements (SORT ... GET p1 GET p2: one group per element). */
function sortGroups(size: number): (n: Node) => Node {
  return (n) => {
    if (!isAgg(n) || n.items!.length % size !== 0) return n;
    const groups: Node[][] = [];
    for (let i = 0; i < n.items!.length; i += size) groups.push(n.items!.slice(i, i + size));
    const key = (g: Node[]) => g.map(serialize).join('');
    return { ...n, items: groups.sort((x, y) => cmpStr(key(x), key(y))).flat() };
  };
}

function scanShape(s: string): boolean {
  if (!wellFormed(s)) return false;
  const n = parseReply(s)[0];
  return n.t === '*' && n.items?.length === 2 && isBulk(n.items[0]) && /^\d+$/.test(n.items[0].body!) && n.items[1].t === '*' && n.items[1].items!.every(isBulk);
}

async function scanAll(c: Conn, args: Args, first: string): Promise<string[] | string> {
  const keys = new Set<string>();
  let reply = first;
  for (let i = 0; i < 100000; i++) {
    if (!scanShape(reply)) return `bad SCAN reply during iteration: ${reply}`;
    const n = parseReply(reply)[0];
    for (const k of n.items![1].items!) keys.add(k.body!);
    const cursor = n.items![0].body!;
    if (cursor === '0') return [...keys].sort(cmpStr);
    reply = await c.cmd([args[0], cursor, ...args.slice(2)]);
  }
  return 'SCAN did not terminate';
}

/**
 * For long replies: where they first differ, and which lines (split on \r\n
 * and \n) occur only on one side.
 */
export function describeDiff(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const ctx = (s: string) => show(s.slice(Math.max(0, i - 80), i + 120), 400);
  const la = a.split(/\r?\n/);
  const lb = b.split(/\r?\n/);
  const sa = new Set(la);
  const sb = new Set(lb);
  const onlyT = la.filter((l) => !sb.has(l));
  const onlyR = lb.filter((l) => !sa.has(l));
  const list = (xs: string[]) => (xs.length ? xs.slice(0, 25).map((x) => show(x, 120)).join(' ') + (xs.length > 25 ? ` …(+${xs.length - 25})` : '') : '(none)');
  return [`first difference at byte ${i}: tredis …${ctx(a)} redis …${ctx(b)}`, `lines only in tredis: ${list(onlyT)}`, `lines only in redis: ${list(onlyR)}`].join('\n    ');
}

/** Printable form of a raw reply. */
export function show(s: string | Buffer, max = 1500): string {
  const str = typeof s === 'string' ? s : s.toString('latin1');
  const j = JSON.stringify(str);
  return j.length > max ? `${j.slice(0, max)}…(${str.length} bytes)` : j;
}

export function showCmd(args: Args): string {
  return args.map((a) => {
    const s = a.toString('latin1');
    return /^[\x21-\x7e]+$/.test(s) && !s.includes('"') ? s : JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…(${s.length} bytes)` : s);
  }).join(' ');
}

export function formatMismatch(m: Mismatch): string {
  return [`#${m.index} ${showCmd(m.cmd)}`, `    tredis: ${show(m.tredis)}`, `    redis:  ${show(m.redis)}`, ...(m.note ? [`    ${m.note}`] : [])].join('\n');
}

/** How a script step's replies are compared: a mismatch, or null (Pair.step by default). */
export type Compare = (pair: Pair, args: Args, index: number) => Promise<Mismatch | null>;

/**
 * Run a script on fresh connections: optional HELLO 3, FLUSHALL, then every
 * step; returns all differences. HELLO/FLUSHALL are always compared with
 * Pair.step, the script's steps with `compare`. A missing reply (timeout) or
 * a connection closed on one side only aborts the script (later replies
 * would be misaligned).
 */
export async function runScript(s: Servers, steps: Step[], proto: Proto, compare: Compare = (p, args, i) => p.step(args, i)): Promise<Mismatch[]> {
  const pair = await Pair.open(s);
  const out: Mismatch[] = [];
  try {
    const setup: Step[] = [...(proto === 3 ? [['HELLO', '3']] : []), ['FLUSHALL']];
    const all: Step[] = [...setup, ...steps];
    for (let i = 0; i < all.length; i++) {
      const st = all[i];
      if (!Array.isArray(st)) {
        await sleep(st.sleep);
        continue;
      }
      const m = i < setup.length ? await pair.step(st, i) : await compare(pair, st, i);
      if (m) {
        out.push(m);
        if ([m.tredis, m.redis].some((x) => x === TIMEOUT || x === CLOSED)) {
          m.note = `${m.note ?? ''} (script aborted here)`.trim();
          break;
        }
      }
    }
  } finally {
    pair.close();
  }
  return out;
}

/**
 * A command line split on spaces: "GEOADD k 1 2 m" → ['GEOADD','k','1','2','m'].
 * Double quotes keep spaces, without the quotes (no escapes): "" is an empty
 * argument, "a b" one argument.
 */
export function cmd(line: string): Args {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1] : m[2]));
}

/** Build a script from lines (parsed with cmd), argument arrays, sleeps and lists of steps (flattened). */
export const S = (...steps: (string | Step | Step[])[]): Step[] =>
  steps.flatMap((s) => (typeof s === 'string' ? [cmd(s)] : Array.isArray(s) && Array.isArray(s[0]) ? (s as Step[]) : [s as Step]));

export interface ScriptOptions {
  /** The servers (from useServers), or a function calling useServers inside the describe block. */
  servers: Servers | (() => Servers);
  /** How replies are compared (runScript's default: Pair.step). */
  compare?: Compare;
  /** Differences printed in a failure (default 30). */
  shown?: number;
  /** Per-test timeout (default 60 s). */
  timeoutMs?: number;
}

/**
 * A describe block (describeWithRedis) with one test per script and protocol
 * (RESP2, RESP3): runScript, failing with the first differences.
 */
export function describeScripts(title: string, scripts: Record<string, Step[]>, opts: ScriptOptions): void {
  describeWithRedis(title, () => {
    const servers = typeof opts.servers === 'function' ? opts.servers() : opts.servers;
    const shown = opts.shown ?? 30;
    for (const [name, steps] of Object.entries(scripts)) {
      for (const proto of [2, 3] as const) {
        it(`[RESP${proto}] ${name}`, async () => {
          const diffs = await runScript(servers, steps, proto, opts.compare);
          if (diffs.length > 0) {
            const more = diffs.length > shown ? `\n... and ${diffs.length - shown} more` : '';
            expect.fail(`${diffs.length} difference(s) (tredis vs redis), step # counts HELLO/FLUSHALL:\n${diffs.slice(0, shown).map(formatMismatch).join('\n')}${more}`);
          }
        }, opts.timeoutMs ?? 60000);
      }
    }
  });
}

// ---------------------------------------------------------------------------
// Blocking scenarios
// ---------------------------------------------------------------------------

/**
 * A step of a blocking scenario, run on both servers in lockstep:
 * - `on`: send on that connection and compare the reply now;
 * - `block`: send on that connection without waiting (a blocking command);
 * - `read`: the next reply of that connection (or TIMEOUT), compared;
 * - `wait`: pause, e.g. to let blocked commands reach the servers.
 */
export type BlockStep = { on: number; cmd: string } | { block: number; cmd: string } | { read: number } | { wait: number };

export interface BlockingOptions {
  /** Applied to `on` replies before comparing (default: none, byte for byte). */
  normalise?: (args: Args, t: string, r: string) => [string, string];
  /** How long a `read` waits for the reply (default 1500 ms). */
  readTimeoutMs?: number;
}

/**
 * Run a blocking scenario on `clients` connections to each server (HELLO 3
 * on each for RESP3, then FLUSHALL); returns the differences, one line each.
 */
export async function runBlocking(s: Servers, steps: BlockStep[], clients: number, proto: Proto, opts: BlockingOptions = {}): Promise<string[]> {
  const pairs: Pair[] = [];
  for (let i = 0; i < clients; i++) pairs.push(await Pair.open(s));
  const diffs: string[] = [];
  try {
    for (const p of pairs) {
      if (proto === 3) await p.both(['HELLO', '3']);
    }
    await pairs[0].both(['FLUSHALL']);
    for (const st of steps) {
      if ('wait' in st) {
        await sleep(st.wait);
      } else if ('on' in st) {
        const args = cmd(st.cmd);
        const [t, r] = await pairs[st.on].both(args);
        const [nt, nr] = opts.normalise ? opts.normalise(args, t, r) : [t, r];
        if (nt !== nr) diffs.push(`${st.cmd} (client ${st.on})\n  tredis: ${show(t)}\n  redis:  ${show(r)}`);
      } else if ('block' in st) {
        const p = pairs[st.block];
        p.tredis.send(cmd(st.cmd));
        p.redis.send(cmd(st.cmd));
      } else {
        const p = pairs[st.read];
        const timeout = opts.readTimeoutMs ?? 1500;
        const [t, r] = await Promise.all([p.tredis.next(timeout), p.redis.next(timeout)]);
        if (t !== r) diffs.push(`reply of client ${st.read}\n  tredis: ${show(t)}\n  redis:  ${show(r)}`);
      }
    }
  } finally {
    for (const p of pairs) p.close();
  }
  return diffs;
}

// ---------------------------------------------------------------------------
// Raw protocol cases
// ---------------------------------------------------------------------------

export interface RawCase {
  /** Bytes written, one write per chunk (with `gapMs` between chunks). */
  chunks: (string | Buffer)[];
  gapMs?: number;
  /**
   * true: the connection is expected to stay usable, so an ECHO sentinel is
   * sent after the chunks and everything up to its reply is collected.
   * false: collect until the server closes or 300 ms pass without data.
   */
  sentinel: boolean;
  /** Send HELLO 3 first. */
  resp3?: boolean;
}

export interface RawResult {
  bytes: string;
  closed: boolean;
}

const SENTINEL = '__compat_sentinel__';
const SENTINEL_REPLY = `$${SENTINEL.length}\r\n${SENTINEL}\r\n`;

async function rawOn(port: number, c: RawCase): Promise<RawResult> {
  const conn = await Conn.connect(port);
  try {
    if (c.resp3) await conn.cmd(['HELLO', '3']);
    for (let i = 0; i < c.chunks.length; i++) {
      if (i > 0 && c.gapMs) await sleep(c.gapMs);
      conn.write(c.chunks[i]);
    }
    if (c.sentinel) {
      conn.send(['ECHO', SENTINEL]);
      let bytes = await conn.until((s) => s.endsWith(SENTINEL_REPLY), 3000);
      if (bytes.endsWith(SENTINEL_REPLY)) bytes = bytes.slice(0, -SENTINEL_REPLY.length);
      else bytes += TIMEOUT;
      return { bytes, closed: conn.closed };
    }
    const bytes = await conn.drain(300, 3000);
    // Give a close that follows the last reply a moment to arrive.
    if (!conn.closed) await conn.drain(100, 200);
    return { bytes, closed: conn.closed };
  } finally {
    conn.close();
  }
}

/** Run a raw case on both servers concurrently: [tredis, redis]. */
export async function runRaw(s: Servers, c: RawCase): Promise<[RawResult, RawResult]> {
  return Promise.all([rawOn(s.tredis, c), rawOn(s.redis, c)]);
}
