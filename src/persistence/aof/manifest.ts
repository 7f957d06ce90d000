/**
 * The AOF manifest of Redis 7.0's multi-part AOF: which files of
 * `appenddirname` make up the dataset, one line per file:
 *
 *   file appendonly.aof.3.base.rdb seq 3 type b
 *   file appendonly.aof.2.incr.aof seq 2 type h
 *   file appendonly.aof.3.incr.aof seq 3 type i
 *
 * One base (`b`), the history (`h`: replaced files waiting to be deleted)
 * and the incr files (`i`, in sequence order). Base and incr files are
 * numbered separately. Parsing follows Redis's rules and error texts (key
 * value pairs in any order, unknown keys ignored, '#' comment lines,
 * names quoted when they need it); nothing here touches the server.
 */
import { catRepr } from '../../config/cstr';
import { splitArgs } from '../../util/splitargs';

export type AofFileType = 'b' | 'h' | 'i';

export interface AofFile {
  name: string;
  seq: number;
  type: AofFileType;
}

/** The longest manifest line Redis reads (AOF_MANIFEST_LINE_MAX... its fgets buffer). */
const MAX_LINE = 1024;

export const BASE_SUFFIX = '.base';
export const INCR_SUFFIX = '.incr';
export const RDB_FORMAT_SUFFIX = '.rdb';
export const AOF_FORMAT_SUFFIX = '.aof';
export const MANIFEST_SUFFIX = '.manifest';
export const TEMP_PREFIX = 'temp-';

export class ManifestError extends Error {
  constructor(
    message: string,
    /** The offending line (1-based) and its text, when the error is about one. */
    readonly line: number = 0,
    readonly text: string = '',
  ) {
    super(message);
  }
}

export class Manifest {
  base: AofFile | null = null;
  /** Newest first, as Redis adds them (listAddNodeHead). */
  history: AofFile[] = [];
  incrs: AofFile[] = [];
  currBaseSeq = 0;
  currIncrSeq = 0;

  clone(): Manifest {
    const m = new Manifest();
    m.base = this.base && { ...this.base };
    m.history = this.history.map((f) => ({ ...f }));
    m.incrs = this.incrs.map((f) => ({ ...f }));
    m.currBaseSeq = this.currBaseSeq;
    m.currIncrSeq = this.currIncrSeq;
    return m;
  }

  /** The text of the manifest file: base, history, incr files. */
  format(): string {
    let out = '';
    const line = (f: AofFile) => {
      out += `file ${needsRepr(f.name) ? catRepr(f.name) : f.name} seq ${f.seq} type ${f.type}\n`;
    };
    if (this.base) line(this.base);
    for (const f of this.history) line(f);
    for (const f of this.incrs) line(f);
    return out;
  }

  /** Base, then incr files: the files to load, in order. */
  loadOrder(): AofFile[] {
    return this.base ? [this.base, ...this.incrs] : [...this.incrs];
  }

  /** A new base file name (`<appendfilename>.<seq>.base.<rdb|aof>`); the old base goes to the history. */
  newBase(appendfilename: string, rdb: boolean): AofFile {
    if (this.base) {
      this.base.type = 'h';
      this.history.unshift(this.base);
    }
    const seq = ++this.currBaseSeq;
    this.base = { name: `${appendfilename}.${seq}${BASE_SUFFIX}${rdb ? RDB_FORMAT_SUFFIX : AOF_FORMAT_SUFFIX}`, seq, type: 'b' };
    return this.base;
  }

  /** A new incr file, appended to the incr list. */
  newIncr(appendfilename: string): AofFile {
    const seq = ++this.currIncrSeq;
    const f: AofFile = { name: `${appendfilename}.${seq}${INCR_SUFFIX}${AOF_FORMAT_SUFFIX}`, seq, type: 'i' };
    this.incrs.push(f);
    return f;
  }

  /** After a rewrite: every incr file but the last `keep` ones becomes history. */
  incrsToHistory(keep: number): void {
    const gone = this.incrs.splice(0, Math.max(0, this.incrs.length - keep));
    for (const f of gone) {
      f.type = 'h';
      this.history.unshift(f);
    }
  }

  static parse(text: string): Manifest {
    const m = new Manifest();
    if (text.length === 0) throw new ManifestError('Found an empty AOF manifest');
    let maxSeq = 0;
    let lineNo = 0;
    let pos = 0;
    while (pos < text.length) {
      lineNo++;
      const nl = text.indexOf('\n', pos);
      const end = nl < 0 ? text.length : nl + 1;
      const raw = text.slice(pos, end);
      pos = end;
      if (raw[0] === '#') continue;
      if (nl < 0 && raw.length >= MAX_LINE - 1) throw new ManifestError('The AOF manifest file contains too long line', lineNo, raw);
      if (raw.length >= MAX_LINE) throw new ManifestError('The AOF manifest file contains too long line', lineNo, raw.slice(0, MAX_LINE - 1));
      const line = raw.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
      if (line.length === 0) throw new ManifestError('Invalid AOF manifest file format', lineNo, line);
      const argv = splitArgs(line);
      if (argv === null || argv.length < 6 || argv.length % 2 !== 0) throw new ManifestError('Invalid AOF manifest file format', lineNo, line);
      let name: string | null = null;
      let seq = 0;
      let type = '';
      for (let i = 0; i < argv.length; i += 2) {
        const k = argv[i].toLowerCase();
        if (k === 'file') name = argv[i + 1];
        else if (k === 'seq') seq = atoll(argv[i + 1]);
        else if (k === 'type') type = argv[i + 1];
        // other keys: ignored (room for later versions)
      }
      if (name === null || seq === 0 || type === '') throw new ManifestError('Invalid AOF manifest file format', lineNo, line);
      const f: AofFile = { name, seq, type: type[0] as AofFileType };
      if (type[0] === 'b') {
        if (m.base) throw new ManifestError('Found duplicate base file information', lineNo, line);
        m.base = f;
        m.currBaseSeq = seq;
      } else if (type[0] === 'h') {
        m.history.push(f);
      } else if (type[0] === 'i') {
        if (seq <= maxSeq) throw new ManifestError('Found a non-monotonic sequence number', lineNo, line);
        m.incrs.push(f);
        m.currIncrSeq = seq;
        maxSeq = seq;
      } else {
        throw new ManifestError('Unknown AOF file type', lineNo, line);
      }
    }
    return m;
  }
}

/** C's atoll: leading blanks, a sign, digits; 0 when none. */
function atoll(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  return m ? Number(m[1]) : 0;
}

/** sdsneedsrepr: a name with spaces, quotes or unprintable bytes is written quoted. */
function needsRepr(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 92 || c === 34 || c <= 32 || c > 126) return true;
  }
  return false;
}

/** The manifest's file name for `appendfilename`. */
export function manifestName(appendfilename: string): string {
  return appendfilename + MANIFEST_SUFFIX;
}

/** The temp incr file of an AOF being switched on (AOF_WAIT_REWRITE). */
export function tempIncrName(appendfilename: string): string {
  return `${TEMP_PREFIX}${appendfilename}${INCR_SUFFIX}`;
}
