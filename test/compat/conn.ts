/** A raw RESP socket for the differential tests; replies are split with replyLength(). */
import net from 'node:net';
import { encode, replyLength } from '../helpers';

/** Pseudo replies used when no reply arrived. */
export const CLOSED = '<connection closed>';
export const TIMEOUT = '<no reply: timeout>';

const SENTINEL = '__compat_sentinel__';
const SENTINEL_REPLY = `$${SENTINEL.length}\r\n${SENTINEL}\r\n`;
/** PING's reply in RESP2 subscribed mode: ["pong", payload]. */
const SUBSCRIBED_PONG = '*2\r\n$4\r\npong\r\n';

/** What sync() found: the bytes that arrived before the sentinel's reply, and whether that reply came. */
export interface Synced {
  left: string;
  synced: boolean;
}

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

  /**
   * Send `ECHO <sentinel>` and read up to its reply. `left` is everything
   * that arrived before it and nobody read: replies the test did not expect
   * (a duplicated reply, an extra reply to a served blocked client). Not
   * synced: the connection is closed, or still blocked in a command.
   */
  async sync(timeoutMs = 3000): Promise<Synced> {
    // PING <sentinel>: answered in every mode, RESP2 subscribed mode included
    this.send(['PING', SENTINEL]);
    const got = await this.until((s) => s.endsWith(SENTINEL_REPLY), timeoutMs);
    if (!got.endsWith(SENTINEL_REPLY)) return { left: got, synced: false };
    let left = got.slice(0, -SENTINEL_REPLY.length);
    if (left.endsWith(SUBSCRIBED_PONG)) left = left.slice(0, -SUBSCRIBED_PONG.length);
    return { left, synced: true };
  }

  /**
   * End the connection the way that leaves no race with the next test: QUIT,
   * and wait until the server has closed it (so it has freed the client and
   * counts no end-of-stream read later); destroy it after `timeoutMs` if the
   * server does not answer (e.g. a client still blocked).
   */
  async quit(timeoutMs = 1000): Promise<void> {
    if (!this.closed) {
      this.send(['QUIT']);
      await this.until(() => false, timeoutMs);
    }
    this.sock.destroy();
  }

  close(): void {
    this.sock.destroy();
  }
}
