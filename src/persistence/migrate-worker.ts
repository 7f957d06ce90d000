/**
 * MIGRATE's network side, on a worker thread: Redis's MIGRATE blocks the
 * server while it talks to the target (so nothing can change the keys in
 * between); the main thread does the same by waiting on a shared word
 * (Atomics.wait) while this thread connects, writes and reads the target's
 * one-line replies.
 *
 * Connections are cached per host:port as Redis's migrate sockets are, and
 * closed when asked or after 10 s unused.
 *
 * Request (postMessage): { op: 'send', key, host, port, data, replies, timeoutMs } or { op: 'close', key }.
 * Answer, in the shared buffer: int32[1] status, int32[2] byte length of a
 * JSON text that starts at byte 12, then int32[0] = 1 and a notify.
 */
import net from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';

export const enum MigrateStatus {
  OK = 0,
  CONNECT_ERROR = 1,
  WRITE_ERROR = 2,
  READ_ERROR = 3,
}

export interface MigrateAnswer {
  /** Lines read (without CRLF), as many as arrived before an error. */
  lines: string[];
  /** The connection was a cached one (a failure may be retried once). */
  cached: boolean;
  /** The failure was a timeout (Redis does not retry those). */
  timedOut: boolean;
}

interface Conn {
  sock: net.Socket;
  buf: Buffer;
  lastUse: number;
  dead: boolean;
  onData: (() => void) | null;
}

const IDLE_MS = 10000;

function main(): void {
  const shared = new Int32Array(workerData.shared as SharedArrayBuffer);
  const bytes = new Uint8Array(workerData.shared as SharedArrayBuffer);
  const conns = new Map<string, Conn>();

  const answer = (status: MigrateStatus, a: MigrateAnswer): void => {
    const text = Buffer.from(JSON.stringify(a), 'latin1');
    const n = Math.min(text.length, bytes.length - 12);
    bytes.set(text.subarray(0, n), 12);
    shared[1] = status;
    shared[2] = n;
    Atomics.store(shared, 0, 1);
    Atomics.notify(shared, 0);
  };

  const drop = (key: string): void => {
    const c = conns.get(key);
    if (c === undefined) return;
    conns.delete(key);
    c.dead = true;
    c.sock.destroy();
  };

  const connect = (key: string, host: string, port: number, timeoutMs: number): Promise<Conn | null> =>
    new Promise((resolve) => {
      const sock = net.createConnection({ host, port });
      const conn: Conn = { sock, buf: Buffer.alloc(0), lastUse: Date.now(), dead: false, onData: null };
      const timer = setTimeout(() => {
        sock.destroy();
        resolve(null);
      }, timeoutMs);
      // a refused connection still "connects" in Redis's blocking connect: the write then fails
      sock.once('error', () => {
        clearTimeout(timer);
        conn.dead = true;
        resolve(conn);
      });
      sock.once('connect', () => {
        clearTimeout(timer);
        sock.setNoDelay(true);
        resolve(conn);
      });
      sock.on('data', (d: Buffer) => {
        conn.buf = conn.buf.length === 0 ? d : Buffer.concat([conn.buf, d]);
        conn.onData?.();
      });
      sock.on('close', () => {
        conn.dead = true;
        conn.onData?.();
      });
      sock.on('error', () => {
        conn.dead = true;
      });
      conns.set(key, conn);
    });

  /** The next line, or null on a closed connection or past the deadline. */
  const readLine = (c: Conn, deadline: number): Promise<string | null | 'timeout'> =>
    new Promise((resolve) => {
      const tryLine = (): boolean => {
        const i = c.buf.indexOf('\r\n');
        if (i < 0) return false;
        const line = c.buf.latin1Slice(0, i);
        c.buf = c.buf.subarray(i + 2);
        resolve(line);
        return true;
      };
      if (tryLine()) return;
      if (c.dead) return resolve(null);
      const timer = setTimeout(() => {
        c.onData = null;
        resolve('timeout');
      }, Math.max(0, deadline - Date.now()));
      c.onData = () => {
        if (tryLine() || c.dead) {
          clearTimeout(timer);
          c.onData = null;
          if (c.dead && c.buf.indexOf('\r\n') < 0) resolve(null);
        }
      };
    });

  parentPort!.on('message', async (m: { op: string; key: string; host: string; port: number; data: Uint8Array; replies: number; timeoutMs: number }) => {
    if (m.op === 'close') {
      drop(m.key);
      return answer(MigrateStatus.OK, { lines: [], cached: false, timedOut: false });
    }
    let c = conns.get(m.key);
    const cached = c !== undefined && !c.dead;
    if (!cached) {
      if (c !== undefined) drop(m.key);
      const made = await connect(m.key, m.host, m.port, m.timeoutMs);
      if (made === null) {
        conns.delete(m.key);
        return answer(MigrateStatus.CONNECT_ERROR, { lines: [], cached: false, timedOut: true });
      }
      c = made;
    }
    const conn = c!;
    conn.lastUse = Date.now();
    conn.buf = Buffer.alloc(0);
    if (conn.dead) return answer(MigrateStatus.WRITE_ERROR, { lines: [], cached, timedOut: false });
    const written = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), m.timeoutMs);
      conn.sock.write(m.data, (err) => {
        clearTimeout(timer);
        resolve(!err);
      });
    });
    if (!written || conn.dead) return answer(MigrateStatus.WRITE_ERROR, { lines: [], cached, timedOut: !written });
    const lines: string[] = [];
    for (let i = 0; i < m.replies; i++) {
      const line = await readLine(conn, Date.now() + m.timeoutMs);
      if (line === null || line === 'timeout') return answer(MigrateStatus.READ_ERROR, { lines, cached, timedOut: line === 'timeout' });
      lines.push(line);
    }
    conn.lastUse = Date.now();
    answer(MigrateStatus.OK, { lines, cached, timedOut: false });
  });

  // migrateCloseTimedoutSockets
  setInterval(() => {
    const now = Date.now();
    for (const [key, c] of conns) if (now - c.lastUse > IDLE_MS) drop(key);
  }, 1000).unref();
}

if (parentPort !== null && workerData?.migrate === true) main();
