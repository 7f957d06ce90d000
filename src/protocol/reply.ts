/**
 * Reply builder: the one place that writes RESP2/RESP3 bytes.
 *
 * Each client owns one growable output buffer; handlers append replies to it
 * and the server sends it with a single socket write per read event. Strings
 * are latin1 (one char per byte), so they are copied with latin1Write.
 */
import { formatDouble } from '../util/numbers';

const CRLF = 0x0a0d; // little-endian "\r\n" for writeUInt16LE
const INITIAL_SIZE = 16 * 1024;
/** Bulk payloads up to this many bytes are copied in JS rather than via latin1Write. */
const SMALL_BULK = 8;

/** Preformatted headers for small counts: "*N\r\n", "$N\r\n", ":N\r\n". */
function headerTable(prefix: string, n: number): Buffer[] {
  const t: Buffer[] = [];
  for (let i = 0; i < n; i++) t.push(Buffer.from(`${prefix}${i}\r\n`, 'latin1'));
  return t;
}
const SHARED_HDR = 512;
const ARRAY_HDR = headerTable('*', SHARED_HDR);
const BULK_HDR = headerTable('$', SHARED_HDR);
const INT_REPLY = headerTable(':', SHARED_HDR);

export class Reply {
  buf: Buffer = Buffer.allocUnsafe(INITIAL_SIZE);
  len = 0;
  /** Protocol version negotiated with HELLO: 2 or 3. */
  proto = 2;
  /**
   * Under CLIENT REPLY OFF/SKIP: where push messages (subscribe
   * confirmations, messages, invalidations) start and end in the buffer, so
   * that dropping a command's reply keeps them, as Redis always sends
   * pushes. Null while replies are on.
   */
  pushSpans: number[] | null = null;
  /**
   * Called after the buffer grew to hold `bytes` (before they are written):
   * the server checks the client's output-buffer limit there, off the path of
   * replies that fit (server/obuf.ts). Must not touch the buffer.
   */
  onGrow: ((bytes: number) => void) | null = null;

  ensure(n: number): void {
    const need = this.len + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const nb = Buffer.allocUnsafe(size);
    this.buf.copy(nb, 0, 0, this.len);
    this.buf = nb;
    if (this.onGrow !== null) this.onGrow(need);
  }

  /** Bytes written so far, to be sent. Caller resets via reset()/detach(). */
  take(): Buffer {
    return this.buf.subarray(0, this.len);
  }

  /** Forget written bytes but keep the buffer (it was fully flushed). */
  reset(): void {
    this.len = 0;
    if (this.pushSpans !== null) this.pushSpans.length = 0;
    if (this.buf.length > 1024 * 1024) this.buf = Buffer.allocUnsafe(INITIAL_SIZE);
  }

  /** The buffer is still referenced by a pending socket write: use a new one. */
  detach(): void {
    this.len = 0;
    if (this.pushSpans !== null) this.pushSpans.length = 0;
    this.buf = Buffer.allocUnsafe(INITIAL_SIZE);
  }

  /** A push message was written from `start` to here (kept by dropSince()). */
  markPush(start: number): void {
    if (this.pushSpans !== null) this.pushSpans.push(start, this.len);
  }

  /** Drop what was written since `start` (a muted reply), except push messages. */
  dropSince(start: number): void {
    const spans = this.pushSpans;
    let end = start;
    if (spans !== null) {
      for (let i = 0; i < spans.length; i += 2) {
        if (spans[i] < start) continue;
        this.buf.copyWithin(end, spans[i], spans[i + 1]);
        end += spans[i + 1] - spans[i];
      }
      spans.length = 0;
    }
    this.len = end;
  }

  raw(s: string): void {
    this.ensure(s.length);
    this.len += this.buf.latin1Write(s, this.len);
  }

  rawBytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  private crlf(): void {
    this.buf.writeUInt16LE(CRLF, this.len);
    this.len += 2;
  }

  /** +OK style status. s must not contain CR/LF. */
  status(s: string): void {
    this.ensure(s.length + 3);
    this.buf[this.len++] = 0x2b;
    this.len += this.buf.latin1Write(s, this.len);
    this.crlf();
  }

  ok(): void {
    this.status('OK');
  }

  /** Raw error line: msg includes the code, e.g. "ERR syntax error". */
  errorLine(msg: string): void {
    this.ensure(msg.length + 3);
    this.buf[this.len++] = 0x2d;
    this.len += this.buf.latin1Write(msg, this.len);
    this.crlf();
  }

  int(n: number | bigint): void {
    if (typeof n === 'number' && Number.isSafeInteger(n)) {
      if (n >= 0 && n < SHARED_HDR) return this.rawBytes(INT_REPLY[n]);
      // the digits written in place: no string to build and copy
      this.ensure(20);
      const b = this.buf;
      let p = this.len;
      b[p++] = 0x3a;
      let v = n;
      if (v < 0) {
        b[p++] = 0x2d;
        v = -v;
      }
      let end = p + 1;
      for (let t = v; t >= 10; t = Math.floor(t / 10)) end++;
      for (let i = end - 1; i >= p; i--) {
        b[i] = 48 + (v % 10);
        v = Math.floor(v / 10);
      }
      b[end] = 13;
      b[end + 1] = 10;
      this.len = end + 2;
      return;
    }
    this.raw(':' + n.toString() + '\r\n');
  }

  private header(prefix: string, table: Buffer[], n: number): void {
    if (n >= 0 && n < SHARED_HDR) this.rawBytes(table[n]);
    else this.raw(prefix + n + '\r\n');
  }

  /** Bulk string from a latin1 JS string. */
  bulk(s: string): void {
    const n = s.length;
    this.ensure(n + 16);
    const b = this.buf;
    let p = this.len;
    b[p++] = 0x24;
    if (n < 10) b[p++] = 48 + n;
    else p += b.latin1Write(String(n), p);
    b[p++] = 13;
    b[p++] = 10;
    // short strings: a JS loop beats the call into latin1Write
    if (n <= SMALL_BULK) for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
    else p += b.latin1Write(s, p);
    b[p++] = 13;
    b[p++] = 10;
    this.len = p;
  }

  bulkBuffer(v: Uint8Array): void {
    this.header('$', BULK_HDR, v.length);
    this.rawBytes(v);
    this.ensure(2);
    this.crlf();
  }

  /** Bulk reply holding a number formatted as text. */
  bulkInt(n: number | bigint): void {
    this.bulk(n.toString());
  }

  nullBulk(): void {
    this.raw(this.proto === 3 ? '_\r\n' : '$-1\r\n');
  }

  nullArray(): void {
    this.raw(this.proto === 3 ? '_\r\n' : '*-1\r\n');
  }

  /** A RESP3 null in either protocol (maps to $-1 in RESP2). */
  null(): void {
    this.nullBulk();
  }

  array(n: number): void {
    this.header('*', ARRAY_HDR, n);
  }

  map(n: number): void {
    if (this.proto === 3) this.raw('%' + n + '\r\n');
    else this.header('*', ARRAY_HDR, n * 2);
  }

  set(n: number): void {
    if (this.proto === 3) this.raw('~' + n + '\r\n');
    else this.header('*', ARRAY_HDR, n);
  }

  push(n: number): void {
    if (this.proto === 3) this.raw('>' + n + '\r\n');
    else this.header('*', ARRAY_HDR, n);
  }

  /**
   * RESP3 attribute header ("|n", n key/value pairs follow, then the reply
   * they describe). RESP2 has no attributes: the caller sends none there.
   */
  attribute(n: number): void {
    this.raw('|' + n + '\r\n');
  }

  /** Big number: RESP3 "(", a bulk string in RESP2. `digits` is the decimal text. */
  bigNumber(digits: string): void {
    if (this.proto === 3) this.raw('(' + digits + '\r\n');
    else this.bulk(digits);
  }

  bool(v: boolean): void {
    if (this.proto === 3) this.raw(v ? '#t\r\n' : '#f\r\n');
    else this.int(v ? 1 : 0);
  }

  double(d: number): void {
    this.doubleText(formatDouble(d));
  }

  /** A double already formatted (e.g. %.17Lf trimmed): RESP3 ",", a bulk string in RESP2. */
  doubleText(s: string): void {
    if (this.proto === 3) this.raw(',' + s + '\r\n');
    else this.bulk(s);
  }

  /** Verbatim string (RESP3 "=") that degrades to a bulk string in RESP2. */
  verbatim(s: string, format = 'txt'): void {
    if (this.proto === 3) {
      this.raw('=' + (s.length + 4) + '\r\n' + format + ':');
      this.raw(s);
      this.raw('\r\n');
    } else this.bulk(s);
  }

  bulks(items: string[]): void {
    this.array(items.length);
    for (let i = 0; i < items.length; i++) this.bulk(items[i]);
  }

  /**
   * Reserve room for an aggregate header whose length is known only later
   * (like Redis's deferred length). Returns a token for setDeferred().
   */
  deferArray(): number {
    const pos = this.len;
    this.ensure(16);
    this.len += 16; // placeholder, patched later
    return pos;
  }

  setDeferred(pos: number, n: number, kind: 'array' | 'map' | 'set' = 'array'): void {
    let hdr: string;
    if (this.proto === 3 && kind === 'map') hdr = '%' + n;
    else if (this.proto === 3 && kind === 'set') hdr = '~' + n;
    else hdr = '*' + (kind === 'map' ? n * 2 : n);
    hdr += '\r\n';
    const end = pos + 16;
    const start = end - hdr.length;
    this.buf.latin1Write(hdr, start);
    // shift the header to the reserved slot's end by moving the tail left
    if (start > pos) {
      this.buf.copy(this.buf, pos, start, this.len);
      this.len -= start - pos;
    }
  }
}
