/**
 * Differential test harness: runs the same commands against a real
 * `redis-server` (spawned child) and tredis (in-process) over raw sockets and
 * compares the reply bytes.
 *
 * Replies are compared byte for byte, except for the short list of
 * normalisations of nondeterministic replies documented in
 * test/compat/NORMALISATIONS.md (each one is marked `NORMALISATION n` below).
 */
import { expect, it } from 'vitest';
import { CLOSED, Conn, Synced, TIMEOUT } from './conn';
import { AbsoluteExpiries } from './expiries';
import { compareScan } from './scan-check';
import { normKey, normalise, normaliseExec } from './normalise';
import { Node, cmpStr, isAgg, isBulk, isNil, parseReply, serialize, sortItems, sortPairs, wellFormed } from './reply-tree';
import { Servers, describeWithRedis, sleep } from './servers';

export { CLOSED, Conn, TIMEOUT } from './conn';
export { NORMALISERS, TOLERANCE, normKey, normalise } from './normalise';
export { MASK, Node, isInt, parseReply, serialize, wellFormed } from './reply-tree';
export { REDIS_BIN, RedisProcess, SKIP_MESSAGE, ServerOptions, Servers, describeWithRedis, findRedisServer, sleep, startRedis, useServers } from './servers';

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

/** The list and sorted-set commands that block (XREAD/XREADGROUP block with a BLOCK argument). */
export const BLOCKING = new Set(['BLPOP', 'BRPOP', 'BLMOVE', 'BRPOPLPUSH', 'BLMPOP', 'BZPOPMIN', 'BZPOPMAX', 'BZMPOP']);

/** Whether a command may wait before replying (a blocking form, DEBUG SLEEP). */
function waits(args: Args): boolean {
  const name = args[0].toString('latin1').toUpperCase();
  if (BLOCKING.has(name) || name === 'WAIT') return true;
  if (name === 'DEBUG') return args.length > 1 && args[1].toString('latin1').toUpperCase() === 'SLEEP';
  return (name === 'XREAD' || name === 'XREADGROUP') && args.some((a) => a.toString('latin1').toUpperCase() === 'BLOCK');
}

const PER_ARGUMENT = new Set(['SUBSCRIBE', 'PSUBSCRIBE', 'SSUBSCRIBE', 'UNSUBSCRIBE', 'PUNSUBSCRIBE', 'SUNSUBSCRIBE']);

/**
 * How many replies a command sends: the (un)subscribe family one per name
 * given (the argument-less unsubscribes one per subscription: tests keep
 * those to at most one), everything else one.
 */
function replyCount(args: Args): number {
  return args.length > 2 && PER_ARGUMENT.has(args[0].toString('latin1').toUpperCase()) ? args.length - 1 : 1;
}

/** One connection to each server. */
export class Pair {
  /** Keys whose EXPIRETIME/PEXPIRETIME are compared exactly (NORMALISATION 5). */
  private readonly absolute = new AbsoluteExpiries();
  /** Commands queued since MULTI (+QUEUED on both), for EXEC's reply; null outside a transaction. */
  private queued: Args[] | null = null;

  /** Inside MULTI (both servers answered +QUEUED since it). */
  get inTransaction(): boolean {
    return this.queued !== null;
  }

  private constructor(
    readonly tredis: Conn,
    readonly redis: Conn,
  ) {}

  static async open(s: Servers): Promise<Pair> {
    const [t, r] = await Promise.all([Conn.connect(s.tredis), Conn.connect(s.redis)]);
    return new Pair(t, r);
  }

  /** QUIT both connections and wait until both servers closed them (Conn.quit). */
  async close(): Promise<void> {
    await Promise.all([this.tredis.quit(), this.redis.quit()]);
  }

  /**
   * Check that nothing more arrived on either connection than the replies
   * read so far (Conn.sync on both): a description of the extra bytes, or
   * null when both are drained alike (synced, or both still blocked/closed).
   */
  async drained(timeoutMs = 1500): Promise<string | null> {
    const [t, r] = await Promise.all([this.tredis.sync(timeoutMs), this.redis.sync(timeoutMs)]);
    if (t.left === '' && r.left === '' && t.synced === r.synced) return null;
    const state = (x: Synced) => (x.synced ? 'drained' : 'no reply to the sentinel (closed or blocked)');
    return `left over after the last reply: tredis ${show(t.left)} (${state(t)}), redis ${show(r.left)} (${state(r)})`;
  }

  /**
   * The longest time from sending a command to both servers to receiving the
   * later of the two replies, over every command of this pair so far. Each
   * server reads its clock for a command within that window, so two times
   * read for the same command differ by at most this much (plus 1 ms of
   * Date.now() rounding): the measured bound NORMALISATION 15 uses.
   * Commands that wait on purpose (blocking forms, DEBUG SLEEP) do not count.
   */
  maxRoundTripMs = 0;

  /**
   * Send to both (concurrently) and return [tredis, redis] raw replies (all
   * of them, concatenated, for a command answering once per argument).
   */
  async both(args: Args, timeoutMs = 3000): Promise<[string, string]> {
    const start = Date.now();
    const n = replyCount(args);
    const all = async (c: Conn) => {
      let out = await c.cmd(args, timeoutMs);
      for (let i = 1; i < n && out !== TIMEOUT && out !== CLOSED; i++) out += await c.next(timeoutMs);
      return out;
    };
    const r = await Promise.all([all(this.tredis), all(this.redis)]);
    if (!waits(args)) this.maxRoundTripMs = Math.max(this.maxRoundTripMs, Date.now() - start);
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
    const queued = this.trackTransaction(key, args, t, r);
    if (t === r) {
      this.absolute.observe(args, t);
      return null;
    }
    // NORMALISATION 5: an expiry both servers got as the same absolute time is compared exactly.
    const exact = (key === 'EXPIRETIME' || key === 'PEXPIRETIME') && args.length === 2 && this.absolute.has(args[1]);
    this.absolute.forget(args);
    if (t === TIMEOUT || r === TIMEOUT || t === CLOSED || r === CLOSED) return mismatch(t, r);
    if (exact) return mismatch(t, r, 'absolute expiry time: compared exactly');
    if (key === 'RANDOMKEY') return this.randomkey(t, r, mismatch);
    if (key === 'SCAN') return this.scan(args, t, r, mismatch);
    const [nt, nr] = queued !== null ? normaliseExec(queued, t, r) : await this.unordered(args, ...normalise(args, t, r));
    if (nt === nr) return null;
    const notes: string[] = [];
    if (nt !== t || nr !== r) notes.push(`normalised: tredis ${show(nt)} redis ${show(nr)}`);
    if (nt.length > 300 || nr.length > 300) notes.push(describeDiff(nt, nr));
    return mismatch(t, r, notes.length ? notes.join('\n    ') : undefined);
  }

  /**
   * Follow MULTI ... EXEC on this pair: the commands both servers queued,
   * returned when `args` is the EXEC that runs them (else null).
   */
  private trackTransaction(key: string, args: Args, t: string, r: string): Args[] | null {
    if (key === 'MULTI') {
      if (t === '+OK\r\n' && r === t) this.queued = [];
    } else if (key === 'EXEC' || key === 'DISCARD' || key === 'RESET') {
      const q = this.queued;
      this.queued = null;
      if (key === 'EXEC') return q;
    } else if (this.queued !== null && t === '+QUEUED\r\n' && r === t) this.queued.push(args);
    return null;
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

  // NORMALISATION 2: SCAN (scan-check.ts).
  private async scan(args: Args, t: string, r: string, mismatch: (t: string, r: string, note?: string) => Mismatch): Promise<Mismatch | null> {
    const why = await compareScan(this.tredis, this.redis, args, t, r);
    return why === null ? null : mismatch(t, r, why);
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
          return out;
        }
      }
    }
    const left = await pair.drained();
    if (left) out.push({ index: all.length, cmd: ['<end of script>'], tredis: '', redis: '', note: left });
  } finally {
    await pair.close();
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
  normalise?: (args: Args, t: string, r: string, pair: Pair) => [string, string];
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
  // [tredis, redis] client id of each connection, when a step names one ($ID<n>)
  const ids = steps.some((st) => 'cmd' in st && st.cmd.includes('$ID')) ? await clientIds(pairs) : null;
  try {
    const setup: [Pair, Args][] = [...(proto === 3 ? pairs.map((p): [Pair, Args] => [p, ['HELLO', '3']]) : []), [pairs[0], ['FLUSHALL']]];
    for (const [p, args] of setup) {
      const m = await p.step(args);
      if (m) diffs.push(`setup ${formatMismatch(m)}`);
    }
    for (const st of steps) {
      if ('wait' in st) {
        await sleep(st.wait);
      } else if ('on' in st) {
        const args = cmd(st.cmd);
        const [t0, r] = ids !== null ? await withClientIds(pairs, st.on, st.cmd, ids) : await pairs[st.on].both(args);
        const t = ids === null ? t0 : mapClientIds(t0, r, ids);
        const [nt, nr] = opts.normalise ? opts.normalise(args, t, r, pairs[st.on]) : [t, r];
        if (nt !== nr) diffs.push(`${st.cmd} (client ${st.on})\n  tredis: ${show(t)}\n  redis:  ${show(r)}`);
      } else if ('block' in st) {
        const p = pairs[st.block];
        p.tredis.send(cmd(st.cmd));
        p.redis.send(cmd(st.cmd));
      } else {
        const p = pairs[st.read];
        const timeout = opts.readTimeoutMs ?? 1500;
        const [t0, r] = await Promise.all([p.tredis.next(timeout), p.redis.next(timeout)]);
        const t = ids === null ? t0 : mapClientIds(t0, r, ids);
        if (t !== r) diffs.push(`reply of client ${st.read}\n  tredis: ${show(t)}\n  redis:  ${show(r)}`);
      }
    }
    for (let i = 0; i < pairs.length; i++) {
      const left = await pairs[i].drained();
      if (left) diffs.push(`client ${i}: ${left}`);
    }
  } finally {
    await Promise.all(pairs.map((p) => p.close()));
  }
  return diffs;
}

/** CLIENT ID of each connection of each pair: [tredis, redis]. */
async function clientIds(pairs: Pair[]): Promise<[number, number][]> {
  const id = async (c: Conn) => Number(/:(\d+)/.exec(await c.cmd(['CLIENT', 'ID']))![1]);
  return Promise.all(pairs.map(async (p): Promise<[number, number]> => [await id(p.tredis), await id(p.redis)]));
}

/**
 * Run a step whose command may name connections' client ids ($ID<n>),
 * each server with its own ids.
 */
async function withClientIds(pairs: Pair[], on: number, line: string, ids: [number, number][]): Promise<[string, string]> {
  if (!line.includes('$ID')) return pairs[on].both(cmd(line));
  const forServer = (k: 0 | 1) => cmd(line.replace(/\$ID(\d+)/g, (_, n: string) => String(ids[Number(n)][k])));
  return Promise.all([pairs[on].tredis.cmd(forServer(0)), pairs[on].redis.cmd(forServer(1))]);
}

/**
 * NORMALISATION 16: when a tredis reply differs, its client ids (as RESP
 * integers, and CLIENT LIST's redir=) are renumbered as Redis's; kept only
 * if that makes the replies equal.
 */
function mapClientIds(t: string, r: string, ids: [number, number][]): string {
  if (t === r) return t;
  let mapped = t;
  for (const [tid, rid] of ids) {
    mapped = mapped.replace(new RegExp(`(?<=^|\r\n):${tid}\r\n`, 'g'), `:${rid}\r\n`).replace(new RegExp(`\\bredir=${tid}\\b`, 'g'), `redir=${rid}`);
  }
  return mapped === r ? mapped : t;
}

/** A blocking scenario: [connections, steps]. */
export type Scenario = [number, BlockStep[]];

/**
 * A describe block (describeWithRedis) with one test per scenario and
 * protocol (RESP2, RESP3): runBlocking, failing with its differences.
 */
export function describeScenarios(title: string, scenarios: Record<string, Scenario>, servers: Servers, opts: BlockingOptions = {}): void {
  describeWithRedis(title, () => {
    for (const [name, [clients, steps]] of Object.entries(scenarios)) {
      for (const proto of [2, 3] as const) {
        it(`[RESP${proto}] ${name}`, async () => {
          const diffs = await runBlocking(servers, steps, clients, proto, opts);
          if (diffs.length > 0) expect.fail(`${diffs.length} difference(s):\n${diffs.join('\n')}`);
        }, 30000);
      }
    }
  });
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

async function rawOn(port: number, c: RawCase): Promise<RawResult> {
  const conn = await Conn.connect(port);
  try {
    if (c.resp3) await conn.cmd(['HELLO', '3']);
    for (let i = 0; i < c.chunks.length; i++) {
      if (i > 0 && c.gapMs) await sleep(c.gapMs);
      conn.write(c.chunks[i]);
    }
    if (c.sentinel) {
      const { left, synced } = await conn.sync();
      const closed = conn.closed;
      // a clean parser state: end with QUIT, as the scripts do, so no close lands in a later test
      if (synced) await conn.quit();
      return { bytes: synced ? left : left + TIMEOUT, closed };
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
