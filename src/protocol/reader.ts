/**
 * Incremental request reader: RESP multibulk and inline commands, parsed
 * straight from the socket's buffers.
 *
 * State survives between reads, so a command split across many packets is
 * never re-parsed from its start, and a large bulk is collected as a list of
 * chunks joined once complete: a huge length header allocates nothing until
 * the bytes actually arrive.
 */
import { Err } from './errors';
import { splitArgs } from '../util/splitargs';

const INLINE_MAX = 64 * 1024;
/** Bulks at least this large are gathered as chunks instead of by copying. */
const BIG_ARG = 32 * 1024;

export interface ReaderLimits {
  protoMaxBulkLen: number;
  /** Max bytes of one pending (not yet complete) request. */
  queryBufferLimit: number;
}

export const NEED_MORE = null;

export class RequestReader {
  private buf: Buffer | null = null;
  private pos = 0;
  /** Chunks received while waiting for a big bulk to complete. */
  private chunks: Buffer[] = [];
  private chunkBytes = 0;

  private multibulk = 0; // args still to read in the current multibulk request
  private bulkLen = -1; // length of the bulk being read, -1 = header expected
  private argv: string[] = [];

  /** Set when next() meets malformed framing: the reply text; then close. */
  error: string | null = null;

  constructor(private limits: ReaderLimits) {}

  /** Bytes held for requests not parsed yet (query buffer length). */
  get pending(): number {
    return (this.buf ? this.buf.length - this.pos : 0) + this.chunkBytes;
  }

  /** Total bytes allocated in the query buffer (for CLIENT LIST qbuf). */
  get capacity(): number {
    return this.buf ? this.buf.length : 0;
  }

  /**
   * Add received bytes. `transient` means the caller will reuse `data` after
   * this read event (a fixed read buffer): call release() before returning.
   */
  feed(data: Buffer, transient = false): void {
    if (transient && (this.chunkBytes > 0 || (this.bulkLen >= BIG_ARG && this.buf))) data = Buffer.from(data);
    if (this.chunkBytes > 0 || (this.bulkLen >= BIG_ARG && this.buf && this.buf.length - this.pos + data.length < this.bulkLen + 2)) {
      // Waiting for a big bulk: keep chunks until the whole argument is here.
      if (this.chunkBytes === 0 && this.buf) {
        this.chunks.push(this.buf.subarray(this.pos));
        this.chunkBytes = this.buf.length - this.pos;
        this.buf = null;
        this.pos = 0;
      }
      this.chunks.push(data);
      this.chunkBytes += data.length;
      if (this.chunkBytes >= this.bulkLen + 2) {
        this.buf = Buffer.concat(this.chunks, this.chunkBytes);
        this.pos = 0;
        this.chunks = [];
        this.chunkBytes = 0;
      }
      return;
    }
    if (this.buf === null || this.pos >= this.buf.length) {
      this.buf = data;
      this.pos = 0;
    } else {
      this.buf = Buffer.concat([this.buf.subarray(this.pos), data]);
      this.pos = 0;
    }
  }

  /** Copy out unparsed bytes that still point into a transient read buffer. */
  release(shared: ArrayBufferLike): void {
    if (this.buf !== null && this.buf.buffer === shared) {
      this.buf = this.pos < this.buf.length ? Buffer.from(this.buf.subarray(this.pos)) : null;
      this.pos = 0;
    }
  }

  /** True when the pending request exceeds client-query-buffer-limit. */
  overLimit(): boolean {
    return this.pending > this.limits.queryBufferLimit;
  }

  /**
   * Next complete command, or null when more bytes are needed. On malformed
   * input returns null and sets `error`.
   */
  next(): string[] | null {
    const buf = this.buf;
    if (buf === null || this.chunkBytes > 0) return null;
    for (;;) {
      if (this.pos >= buf.length) {
        this.buf = null;
        this.pos = 0;
        return null;
      }
      if (this.multibulk === 0) {
        if (buf[this.pos] === 0x2a /* '*' */) {
          const r = this.readMultibulkHeader(buf);
          if (r !== 1) return null; // need more or error
          if (this.multibulk <= 0) {
            this.multibulk = 0;
            continue; // "*0" / "*-1": empty request, skipped
          }
        } else {
          const inline = this.readInline(buf);
          if (inline === undefined) continue; // empty line
          return inline;
        }
      }
      const done = this.readBulks(buf);
      if (done) {
        const argv = this.argv;
        this.argv = [];
        return argv;
      }
      return null;
    }
  }

  /** Returns 1 when the header was consumed, 0 if incomplete, -1 on error. */
  private readMultibulkHeader(buf: Buffer): number {
    const nl = findCR(buf, this.pos);
    if (nl < 0 || nl + 1 >= buf.length) {
      if (buf.length - this.pos > INLINE_MAX) this.error = Err.protoMbulkTooBig;
      return this.error ? -1 : 0;
    }
    const n = parseLength(buf, this.pos + 1, nl);
    if (n === null || n > 2147483647) {
      this.error = Err.protoMultibulk;
      return -1;
    }
    this.pos = nl + 2;
    this.multibulk = n;
    this.bulkLen = -1;
    if (n > 0) this.argv = new Array(0);
    return 1;
  }

  /** Reads bulks of the current multibulk; true once all are read. */
  private readBulks(buf: Buffer): boolean {
    while (this.multibulk > 0) {
      if (this.bulkLen === -1) {
        if (this.pos >= buf.length) return this.needMore();
        if (buf[this.pos] !== 0x24 /* '$' */) {
          this.error = Err.protoExpected(String.fromCharCode(buf[this.pos]));
          return false;
        }
        const nl = findCR(buf, this.pos);
        if (nl < 0 || nl + 1 >= buf.length) {
          if (buf.length - this.pos > INLINE_MAX) this.error = Err.protoBulkTooBig;
          return this.needMore();
        }
        const n = parseLength(buf, this.pos + 1, nl);
        if (n === null || n < 0 || n > this.limits.protoMaxBulkLen) {
          this.error = Err.protoBulk;
          return false;
        }
        this.pos = nl + 2;
        this.bulkLen = n;
      }
      const end = this.pos + this.bulkLen;
      if (end + 2 > buf.length) return this.needMore();
      this.argv.push(buf.latin1Slice(this.pos, end));
      this.pos = end + 2; // Redis skips the two bytes after a bulk unchecked
      this.bulkLen = -1;
      this.multibulk--;
    }
    return true;
  }

  private needMore(): boolean {
    // keep only the unparsed tail so the consumed part can be collected
    if (this.buf && this.pos > 0 && this.pos < this.buf.length) {
      this.buf = this.buf.subarray(this.pos);
      this.pos = 0;
    } else if (this.buf && this.pos >= this.buf.length) {
      this.buf = null;
      this.pos = 0;
    }
    return false;
  }

  /** One inline command; undefined for an empty line; null if incomplete. */
  private readInline(buf: Buffer): string[] | undefined | null {
    let nl = buf.indexOf(10, this.pos);
    // Redis finds the newline with strchr(): a NUL byte before it hides it
    if (nl >= 0) {
      const z = buf.indexOf(0, this.pos);
      if (z >= 0 && z < nl) nl = -1;
    }
    if (nl < 0) {
      if (buf.length - this.pos > INLINE_MAX) this.error = Err.protoInlineTooBig;
      this.needMore();
      return null;
    }
    let end = nl;
    if (end > this.pos && buf[end - 1] === 13) end--;
    const line = buf.latin1Slice(this.pos, end);
    this.pos = nl + 1;
    const argv = splitArgs(line);
    if (argv === null) {
      this.error = Err.protoUnbalanced;
      return null;
    }
    if (argv.length === 0) return undefined;
    return argv;
  }
}

/**
 * Index of the next CR at or after `from`, or -1. Length headers are a few
 * bytes long: a JS scan finds their CR faster than Buffer#indexOf, whose
 * native call costs more than the search (measured ~50 ns per argument).
 */
function findCR(buf: Buffer, from: number): number {
  const lim = Math.min(buf.length, from + 24);
  for (let i = from; i < lim; i++) if (buf[i] === 13) return i;
  return lim === buf.length ? -1 : buf.indexOf(13, lim);
}

/** Strict decimal like Redis's string2ll, on buffer bytes [start, end). */
function parseLength(buf: Buffer, start: number, end: number): number | null {
  const len = end - start;
  if (len <= 0 || len > 20) return null;
  let i = start;
  let neg = false;
  if (buf[i] === 45 /* '-' */) {
    neg = true;
    i++;
    if (i === end) return null;
  }
  if (buf[i] === 48 /* '0' */) return end - i === 1 && !neg ? 0 : null;
  let n = 0;
  for (; i < end; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) return null;
    n = n * 10 + d;
  }
  if (n > Number.MAX_SAFE_INTEGER) return null;
  return neg ? -n : n;
}
