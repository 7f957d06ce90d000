/**
 * Test helpers: a tredis server started in-process on a random port, an
 * ioredis client for it, a raw socket client for exact-byte checks, a
 * per-file server fixture that records propagation and keyspace events, and
 * a seeded PRNG.
 */
import net from 'node:net';
import Redis from 'ioredis';
import { afterAll, beforeAll, beforeEach } from 'vitest';
// Tests run against the compiled server, as users do.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const tredis = require('../dist/index.js') as typeof import('../src/index');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { keyspaceEventsStringToFlags } = require('../dist/config/notify.js') as typeof import('../src/config/notify');

export type Running = Awaited<ReturnType<typeof tredis.startServer>>;

export async function startTredis(directives: Record<string, string | number | boolean | string[]> = {}): Promise<Running> {
  return tredis.startServer({ port: 0, save: '', appendonly: 'no', ...directives });
}

export function client(port: number, opts: Record<string, unknown> = {}): Redis {
  return new Redis({ port, host: '127.0.0.1', lazyConnect: false, maxRetriesPerRequest: 0, enableOfflineQueue: true, ...opts });
}

/** A raw RESP connection: send bytes, read bytes. */
export class RawClient {
  private sock: net.Socket;
  private data = Buffer.alloc(0);
  closed = false;
  private waiters: (() => void)[] = [];

  private constructor(sock: net.Socket) {
    this.sock = sock;
    sock.on('data', (d) => {
      this.data = Buffer.concat([this.data, d]);
      this.wake();
    });
    sock.on('close', () => {
      this.closed = true;
      this.wake();
    });
    sock.on('error', () => {
      this.closed = true;
      this.wake();
    });
  }

  private wake(): void {
    const w = this.waiters.splice(0);
    for (const f of w) f();
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, host, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  write(b: string | Buffer): void {
    this.sock.write(typeof b === 'string' ? Buffer.from(b, 'latin1') : b);
  }

  /** Wait until at least n bytes arrived (or the socket closed), return all and clear. */
  async read(n = 1, timeoutMs = 2000): Promise<string> {
    return this.readUntil((s) => s.length >= n, timeoutMs);
  }

  /** Read until the buffered text ends with `suffix`. */
  async readUntil(pred: (s: string) => boolean, timeoutMs = 2000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!pred(this.data.toString('latin1')) && !this.closed && Date.now() < deadline) {
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
    const out = this.data.toString('latin1');
    this.data = Buffer.alloc(0);
    return out;
  }

  /** Send one command as a RESP multibulk and read one complete reply. */
  async cmd(...args: (string | Buffer)[]): Promise<string> {
    this.write(encode(args));
    // generous: a loaded CI machine may take seconds on a heavy command
    return this.readUntil((s) => replyLength(s) > 0, 15_000);
  }

  async waitClose(timeoutMs = 2000): Promise<boolean> {
    await this.read(Number.MAX_SAFE_INTEGER, timeoutMs);
    return this.closed;
  }

  close(): void {
    this.sock.destroy();
  }
}

export function encode(args: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === 'string' ? Buffer.from(a, 'latin1') : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** Length of the first complete RESP2/RESP3 reply in s, or 0 if incomplete. */
export function replyLength(s: string, p = 0): number {
  const nl = s.indexOf('\r\n', p);
  if (nl < 0) return 0;
  const t = s[p];
  const head = s.slice(p + 1, nl);
  const after = nl + 2;
  switch (t) {
    case '+': case '-': case ':': case '_': case '#': case ',': case '(':
      return after - p;
    case '$': case '=': case '!': {
      const n = Number(head);
      if (n < 0) return after - p;
      return s.length >= after + n + 2 ? after + n + 2 - p : 0;
    }
    case '*': case '~': case '>': case '%': case '|': {
      let n = Number(head);
      if (n < 0) return after - p;
      if (t === '%' || t === '|') n *= 2;
      let q = after;
      for (let i = 0; i < n; i++) {
        const l = replyLength(s, q);
        if (l === 0) return 0;
        q += l;
      }
      return q - p;
    }
    default:
      return 0;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((res) => setTimeout(res, ms));

/** Poll `pred` every 2 ms until it holds; throw after `ms`. */
export async function waitFor(pred: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await sleep(2);
  }
}

export { prng } from './prng';

/** Every keyspace event class and the 'n' (new key) events. */
export const ALL_EVENTS = 0xffff;

export interface ServerFixture {
  /** Set by the fixture's beforeAll. */
  srv: Running;
  /** A raw connection to srv. */
  r: RawClient;
  /** Commands propagated during the current test (emptied in place before each). */
  readonly propagated: string[][];
  /** Keyspace events recorded after captureEvents(), as "event key". */
  readonly events: string[];
  /**
   * Start recording keyspace events of the classes in `classes` (a flags
   * number or a notify-keyspace-events string such as 'KEAn'), those `keep`
   * accepts.
   */
  captureEvents(classes?: number | string, keep?: (event: string) => boolean): void;
  /** Run commands on r in order, returning their raw replies. */
  run(...cmds: string[][]): Promise<string[]>;
  /** One command on r, written as a space separated line. */
  cmd(line: string): Promise<string>;
}

/**
 * One server for a test file with a raw client, recording what it propagates
 * ([dbid, ...argv] with `withDb`, else argv) and, once captureEvents() is
 * called, the keyspace events it fires. Before each test all dbs are flushed
 * and recording starts over. Registers its own vitest hooks; call it at the
 * top of the file, before the file's own hooks.
 */
export function useServerFixture(opts: { withDb?: boolean } = {}): ServerFixture {
  const fx = {
    propagated: [] as string[][],
    events: [] as string[],
    captureEvents(classes: number | string = ALL_EVENTS, keep?: (event: string) => boolean): void {
      const flags = typeof classes === 'string' ? keyspaceEventsStringToFlags(classes) : classes;
      if (flags < 0) throw new Error(`bad keyspace event classes: ${classes}`);
      fx.srv.server.settings.notifyKeyspaceEvents = flags;
      fx.srv.server.keyspaceEventSink = (_cls: number, ev: string, key: string) => {
        if (!keep || keep(ev)) fx.events.push(`${ev} ${key}`);
      };
    },
    async run(...cmds: string[][]): Promise<string[]> {
      const out: string[] = [];
      for (const c of cmds) out.push(await fx.r.cmd(...c));
      return out;
    },
    cmd: (line: string) => fx.r.cmd(...line.split(' ')),
  } as ServerFixture;
  beforeAll(async () => {
    fx.srv = await startTredis();
    fx.r = await RawClient.connect(fx.srv.port);
    fx.srv.server.addPropagateSink((dbid, argv) => fx.propagated.push(opts.withDb ? [String(dbid), ...argv] : [...argv]));
  });
  afterAll(async () => {
    fx.r.close();
    await fx.srv.close();
  });
  beforeEach(() => {
    for (const d of fx.srv.server.keyspace.dbs) d.flush();
    fx.srv.server.settings.notifyKeyspaceEvents = 0;
    fx.srv.server.keyspaceEventSink = null;
    fx.propagated.length = 0;
    fx.events.length = 0;
  });
  return fx;
}
