/**
 * tredis (dist/main.js) or the real redis-server as a child process on a
 * free port, for tests that need a server of their own (busy scripts,
 * SHUTDOWN, library workloads), started with the same arguments for both.
 */
import { spawn, ChildProcess } from 'node:child_process';
import path from 'node:path';
import { RawClient } from './helpers';
import { findRedisServer } from './redis-server';
import { freePort } from './ports';

const MAIN = path.join(__dirname, '..', 'dist', 'main.js');

/** The real redis-server, or null (tests then run on tredis only). */
export const REDIS_BIN = findRedisServer();

export type ServerKind = 'tredis' | 'redis';

/** tredis, and redis-server when it is installed: for describe.each. */
export const SERVER_KINDS: ServerKind[] = REDIS_BIN ? ['tredis', 'redis'] : ['tredis'];

export interface ServerProcess {
  port: number;
  child: ChildProcess;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

export interface StartOptions {
  /** A config file given before the arguments (as `redis-server <file> --opt ...`). */
  config?: string;
  /** Leave persistence as the config says (no `--save "" --appendonly no`). */
  persistence?: boolean;
  /** Collects what the server writes to stdout and stderr (its log). */
  output?: string[];
}

/** Start a server (without persistence unless asked), with `args` added; resolves once it answers PING. */
export async function startServerProcess(kind: ServerKind, args: string[] = [], opts: StartOptions = {}): Promise<ServerProcess> {
  const port = await freePort();
  const all = [...(opts.config ? [opts.config] : []), '--port', String(port), ...(opts.persistence ? [] : ['--save', '', '--appendonly', 'no']), ...args];
  const stdio = opts.output ? 'pipe' : 'ignore';
  const child = kind === 'tredis' ? spawn(process.execPath, [MAIN, ...all], { stdio }) : spawn(REDIS_BIN!, all, { stdio });
  if (opts.output) {
    const out = opts.output;
    child.stdout?.on('data', (d: Buffer) => out.push(d.toString()));
    child.stderr?.on('data', (d: Buffer) => out.push(d.toString()));
  }
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const deadline = Date.now() + 10000;
  for (;;) {
    try {
      const c = await RawClient.connect(port);
      const pong = await c.cmd('PING');
      c.close();
      if (pong === '+PONG\r\n') return { port, child, exited };
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`${kind} did not start`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** SHUTDOWN NOSAVE, then wait for the process to end. */
export async function stopServerProcess(p: ServerProcess): Promise<void> {
  const c = await RawClient.connect(p.port);
  c.write('*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n');
  await p.exited;
  c.close();
}
