/**
 * Reading an AOF file: RESP multibulk commands and `#` annotation lines
 * (`#TS:<unix time>` from aof-timestamp-enabled), read through a window
 * over the file so a file of any size is parsed in bounded memory. Each
 * item says where it starts; the end of the data is either clean, a
 * truncation (the file ends inside a command: what a crash leaves) or a
 * format error at a given offset (corruption). Shared by the loader and
 * tredis-check-aof; nothing here touches the server.
 */
import fs from 'node:fs';

/** Header lines ('*N', '$N', '#...') longer than this are a format error. */
const MAX_LINE = 1024;
const WINDOW = 1024 * 1024;

export type AofItem =
  | { kind: 'command'; argv: string[] }
  | { kind: 'annotation'; text: string }
  | { kind: 'eof' }
  /** The file ends inside the item that starts at `start`. */
  | { kind: 'truncated'; reason: string; at: number }
  /** Not RESP at `at`. */
  | { kind: 'bad'; reason: string; at: number };

export class AofReader {
  private buf = Buffer.allocUnsafe(WINDOW);
  /** File offset of buf[0]. */
  private bufStart: number;
  private bufLen = 0;
  private eof = false;
  /** File offset of the next unread byte. */
  pos: number;
  /** Lines read (each header line and each bulk payload counts one), for tredis-check-aof. */
  lines = 0;

  constructor(
    private readonly fd: number,
    /** The file's size: a length past it is a truncation, found without reading. */
    private readonly size: number,
    start = 0,
  ) {
    this.bufStart = start;
    this.pos = start;
  }

  /** Make bytes [pos, pos + n) available; false when the file ends first. */
  private fill(n: number): boolean {
    let off = this.pos - this.bufStart;
    if (off + n <= this.bufLen) return true;
    if (this.eof) return false;
    // keep the unread bytes, at the start of a buffer big enough for n
    const keep = this.bufLen - off;
    if (n > this.buf.length) {
      const nb = Buffer.allocUnsafe(Math.max(n, this.buf.length * 2));
      this.buf.copy(nb, 0, off, this.bufLen);
      this.buf = nb;
    } else if (off > 0) {
      this.buf.copy(this.buf, 0, off, this.bufLen);
    }
    this.bufStart = this.pos;
    this.bufLen = keep;
    off = 0;
    while (this.bufLen < n) {
      const got = fs.readSync(this.fd, this.buf, this.bufLen, this.buf.length - this.bufLen, this.bufStart + this.bufLen);
      if (got === 0) {
        this.eof = true;
        return false;
      }
      this.bufLen += got;
    }
    return true;
  }

  /** Bytes from pos up to the window's end. */
  private get avail(): number {
    return this.bufLen - (this.pos - this.bufStart);
  }

  /**
   * The line at pos, without its "\n" (a "\r" before it is kept): the
   * window offsets of its start and of its "\n". Null at the end of the file
   * (`this.avail` tells whether anything was there), 'long' past MAX_LINE.
   */
  private line(): [number, number] | null | 'long' {
    let from = 0;
    for (;;) {
      const start = this.pos - this.bufStart;
      const nl = this.buf.indexOf(10, start + from);
      if (nl >= 0 && nl < this.bufLen) return [start, nl];
      from = this.avail;
      if (from >= MAX_LINE) return 'long';
      if (!this.fill(from + 1)) {
        // the last line has no "\n": read what is there
        return null;
      }
    }
  }

  /** The next command or annotation, or how the data ends. */
  next(): AofItem {
    const itemStart = this.pos;
    if (!this.fill(1)) return { kind: 'eof' };
    const first = this.buf[this.pos - this.bufStart];
    if (first === 0x23 /* # */) {
      const l = this.line();
      if (l === 'long') return { kind: 'bad', reason: 'Annotation line too long', at: this.pos };
      if (l === null) return { kind: 'truncated', reason: 'Unexpected end of file in an annotation', at: itemStart };
      const text = this.buf.latin1Slice(l[0] + 1, l[1] > l[0] && this.buf[l[1] - 1] === 13 ? l[1] - 1 : l[1]);
      this.pos = this.bufStart + l[1] + 1;
      this.lines++;
      return { kind: 'annotation', text };
    }
    if (first !== 0x2a /* * */) return { kind: 'bad', reason: `Expected prefix '*', got: '${String.fromCharCode(first)}'`, at: this.pos };
    const argc = this.header(0x2a);
    if (typeof argc !== 'number') return this.fail(argc, itemStart);
    if (argc < 1) return { kind: 'bad', reason: 'Invalid argument count', at: itemStart };
    const argv = new Array<string>(argc);
    for (let j = 0; j < argc; j++) {
      if (!this.fill(1)) return { kind: 'truncated', reason: 'Expected to read a bulk header, got EOF', at: itemStart };
      const at = this.pos;
      const c = this.buf[at - this.bufStart];
      if (c !== 0x24 /* $ */) return { kind: 'bad', reason: `Expected prefix '$', got: '${String.fromCharCode(c)}'`, at };
      const len = this.header(0x24);
      if (typeof len !== 'number') return this.fail(len, itemStart);
      if (this.pos + len + 2 > this.size || !this.fill(len + 2)) {
        const got = Math.max(0, Math.min(len, this.size - this.pos));
        return { kind: 'truncated', reason: `Expected to read ${len + 2} bytes, got ${got} bytes`, at: itemStart };
      }
      const off = this.pos - this.bufStart;
      if (this.buf[off + len] !== 13 || this.buf[off + len + 1] !== 10) {
        const hex = this.buf.subarray(off + len, off + len + 2).toString('hex');
        return { kind: 'bad', reason: `Expected \\r\\n, got: ${hex}`, at: this.pos + len };
      }
      argv[j] = this.buf.latin1Slice(off, off + len);
      this.pos += len + 2;
      this.lines++;
    }
    return { kind: 'command', argv };
  }

  /**
   * A "<prefix><digits>\r\n" line at pos: its number, or why not (a
   * string: 'eof' when the file ends in it, else a format error text).
   */
  private header(prefix: number): number | string {
    const l = this.line();
    if (l === 'long') return 'Header line too long';
    if (l === null) return 'eof';
    const [s, nl] = l;
    if (nl - s < 3 || this.buf[nl - 1] !== 13) return `Expected \\r\\n after '${String.fromCharCode(prefix)}'`;
    let n = 0;
    for (let i = s + 1; i < nl - 1; i++) {
      const d = this.buf[i] - 48;
      if (d < 0 || d > 9 || n > 1e15) return `Invalid number after '${String.fromCharCode(prefix)}'`;
      n = n * 10 + d;
    }
    this.pos = this.bufStart + nl + 1;
    this.lines++;
    return n;
  }

  private fail(why: string, itemStart: number): AofItem {
    if (why === 'eof') return { kind: 'truncated', reason: 'Unexpected end of file in a header line', at: itemStart };
    return { kind: 'bad', reason: why, at: this.pos };
  }
}

/** Whether a file starts with an RDB image ("REDIS"): a base in RDB format or an RDB preamble. */
export function startsWithRdb(fd: number): boolean {
  const sig = Buffer.alloc(5);
  const n = fs.readSync(fd, sig, 0, 5, 0);
  return n === 5 && sig.latin1Slice(0, 5) === 'REDIS';
}
