/**
 * The two servers of a differential test: a real `redis-server` (spawned
 * child, found on PATH or through $REDIS_SERVER) and tredis (in-process),
 * each on a free random port.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { Running, startTredis } from '../helpers';
import { findRedisServer } from '../redis-server';
import { Conn } from './conn';
import { freePort } from '../ports';

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
  /** More directives given to both servers (`--name value` to redis-server). */
  config?: Record<string, string>;
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
    const config: Record<string, string> = { ...(debug ? { 'enable-debug-command': 'local' } : {}), ...opts.config };
    redis = await startRedis(Object.entries(config).flatMap(([k, v]) => [`--${k}`, v]));
    s.redis = redis.port;
    s.tredisServer = await startTredis(config);
    s.tredis = s.tredisServer.port;
  }, 30000);
  afterAll(async () => {
    await s.tredisServer?.close();
    await redis?.stop();
  }, 30000);
  return s;
}
