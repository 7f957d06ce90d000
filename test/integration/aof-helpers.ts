/**
 * AOF tests' helpers: tredis (dist/main.js) or the real redis-server as a
 * process on a directory of our own (so a test can kill -9 it, restart it
 * on the same files, or hand its appendonlydir to the other server), and a
 * dump of a whole dataset read back through commands, for comparing two
 * servers key by key (types, values, TTLs, stream groups and PELs).
 */
import { spawn, ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { RawClient, sleep } from '../helpers';
import { freePort } from '../ports';
import { findRedisServer } from '../redis-server';
import { parseReply, type Node } from '../compat/reply-tree';

const MAIN = path.join(__dirname, '..', '..', 'dist', 'main.js');
export const CHECK_AOF = path.join(__dirname, '..', '..', 'dist', 'check-aof.js');
export const REDIS_BIN = findRedisServer();

export type Kind = 'tredis' | 'redis';

export interface Proc {
  kind: Kind;
  port: number;
  dir: string;
  child: ChildProcess;
  /** Exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** What the server logged since this start. */
  log(): string;
}

export function tempDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `tredis-aof-${tag}-`));
}

/** A maker of temp directories removed after the file's tests (registers an afterAll hook). */
export function useTempDirs(): (tag: string) => string {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });
  return (tag) => {
    const d = tempDir(tag);
    dirs.push(d);
    return d;
  };
}

/** One field of INFO persistence ('<missing>' when absent). */
export async function infoField(c: RawClient, field: string): Promise<string> {
  const text = (await query(c, 'INFO', 'persistence')) as string;
  const m = new RegExp(`^${field}:(.*)$`, 'm').exec(text);
  return m ? m[1].trim() : '<missing>';
}

/** Wait until `rewrites` AOF rewrites have been started and none is running. */
export async function waitRewrite(c: RawClient, rewrites: number): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (Number(await infoField(c, 'aof_rewrites')) >= rewrites && (await infoField(c, 'aof_rewrite_in_progress')) === '0') return;
    await sleep(10);
  }
  throw new Error('rewrite did not finish');
}

/**
 * Start a server on `dir` (`--dir`, no save points, its log in
 * `<dir>/<kind>.log`) with `args`; resolves once it answers PING, or, when
 * it exits first, with the process (check `exited`).
 */
export async function startProc(kind: Kind, dir: string, args: string[] = []): Promise<Proc> {
  const port = await freePort();
  const logFile = path.join(dir, `${kind}.log`);
  const all = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--logfile', logFile, ...args];
  const child = kind === 'tredis' ? spawn(process.execPath, [MAIN, ...all], { stdio: 'ignore' }) : spawn(REDIS_BIN!, all, { stdio: 'ignore' });
  let done = false;
  const exited = new Promise<number | null>((r) =>
    child.once('exit', (code) => {
      done = true;
      r(code);
    }),
  );
  // this run's part of the log (a test restarts servers on the same directory)
  const from = fs.existsSync(logFile) ? fs.statSync(logFile).size : 0;
  const proc: Proc = { kind, port, dir, child, exited, log: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile).subarray(from).toString('utf8') : '') };
  const deadline = Date.now() + 20000;
  while (!done) {
    try {
      const c = await RawClient.connect(port);
      const pong = await c.cmd('PING');
      c.close();
      if (pong === '+PONG\r\n') return proc;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${kind} did not start:\n${proc.log()}`);
    }
    await sleep(30);
  }
  return proc;
}

/** SIGKILL, and wait for the process to be gone. */
export async function kill9(p: Proc): Promise<void> {
  p.child.kill('SIGKILL');
  await p.exited;
}

/** SHUTDOWN (NOSAVE), and wait for the exit. */
export async function shutdown(p: Proc): Promise<void> {
  try {
    const c = await RawClient.connect(p.port);
    c.write('*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n');
    await c.waitClose(5000);
  } catch {
    /* gone already */
  }
  const t = setTimeout(() => p.child.kill('SIGKILL'), 10000);
  await p.exited;
  clearTimeout(t);
}

/** A reply as plain data: strings, numbers, arrays, null; errors as {err}. */
export type Data = string | number | null | Data[] | { err: string };

export function toData(n: Node): Data {
  if (n.items) return n.items.map(toData);
  if (n.t === '$') return n.body ?? null;
  if (n.t === ':') return Number(n.head);
  if (n.t === '-') return { err: n.head };
  if (n.t === '_') return null;
  return n.head;
}

export async function query(c: RawClient, ...args: string[]): Promise<Data> {
  const raw = await c.cmd(...args);
  return toData(parseReply(raw)[0]);
}

function pairs(a: Data): [string, string][] {
  const arr = a as string[];
  const out: [string, string][] = [];
  for (let i = 0; i < arr.length; i += 2) out.push([arr[i], arr[i + 1]]);
  return out;
}

/** XINFO STREAM FULL without what depends on node layout or on when the file was loaded. */
function streamInfo(d: Data): Data {
  const kv = pairs(d).filter(([k]) => k !== 'radix-tree-keys' && k !== 'radix-tree-nodes');
  return kv.map(([k, v]) => {
    if (k !== 'groups') return [k, v];
    const groups = (v as unknown as Data[]).map((g) =>
      pairs(g).map(([gk, gv]) => {
        if (gk !== 'consumers') return [gk, gv];
        // seen-time is when the consumer was last seen; a loaded consumer is seen at load time
        return [gk, (gv as unknown as Data[]).map((c) => pairs(c).filter(([ck]) => ck !== 'seen-time'))];
      }),
    );
    return [k, groups];
  }) as Data;
}

/**
 * Every key of every db (up to `dbs`): type, absolute expire time (ms) and
 * value, unordered collections sorted. Keys are in sorted order.
 */
export async function dumpDataset(port: number, dbs = 16): Promise<Record<string, Data>> {
  const c = await RawClient.connect(port);
  const out: Record<string, Data> = {};
  try {
    for (let db = 0; db < dbs; db++) {
      await query(c, 'SELECT', String(db));
      const keys = ((await query(c, 'KEYS', '*')) as string[]).sort();
      for (const k of keys) {
        const type = (await query(c, 'TYPE', k)) as string;
        const ttl = await query(c, 'PEXPIRETIME', k);
        let value: Data;
        switch (type) {
          case 'string':
            value = await query(c, 'GET', k);
            break;
          case 'list':
            value = await query(c, 'LRANGE', k, '0', '-1');
            break;
          case 'set':
            value = ((await query(c, 'SMEMBERS', k)) as string[]).sort();
            break;
          case 'zset':
            value = await query(c, 'ZRANGE', k, '0', '-1', 'WITHSCORES');
            break;
          case 'hash':
            value = pairs(await query(c, 'HGETALL', k)).sort((a, b) => (a[0] < b[0] ? -1 : 1)) as Data;
            break;
          case 'stream':
            value = [await query(c, 'XRANGE', k, '-', '+'), streamInfo(await query(c, 'XINFO', 'STREAM', k, 'FULL'))];
            break;
          default:
            value = `<${type}>`;
        }
        out[`${db}:${k}`] = [type, ttl, value];
      }
    }
  } finally {
    c.close();
  }
  return out;
}

/** Copy a directory's files (one level: an appendonlydir). */
export function copyDir(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const f of fs.readdirSync(from)) fs.copyFileSync(path.join(from, f), path.join(to, f));
}
