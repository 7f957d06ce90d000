/**
 * tredis-check-aof: checks an AOF (a manifest and its files, or one file)
 * in the spirit of redis-check-aof, naming the file and the offset of the
 * first problem; `--fix` cuts the last file back to its last complete
 * command (a truncated tail, a MULTI without EXEC, or garbage after the
 * last good command), after asking.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AofReader, startsWithRdb } from './reader';
import { Manifest, ManifestError } from './manifest';

export interface CheckResult {
  name: string;
  size: number;
  /** Offset just past the last good command (the whole file when valid). */
  okUpTo: number;
  okUpToLine: number;
  /** Offset and text of the first problem. */
  error: { at: number; reason: string } | null;
  /** The file starts with an RDB image (not checked here). */
  rdb: boolean;
}

/** Read every command of a file; where it stops being valid. */
export function checkFile(file: string, name = path.basename(file)): CheckResult {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const res: CheckResult = { name, size, okUpTo: 0, okUpToLine: 0, error: null, rdb: false };
    if (size === 0) return res;
    if (startsWithRdb(fd)) {
      res.rdb = true;
      res.okUpTo = size;
      return res;
    }
    const r = new AofReader(fd, size);
    let multiAt = -1;
    let multiLine = 0;
    for (;;) {
      const start = r.pos;
      const startLine = r.lines;
      const item = r.next();
      if (item.kind === 'eof') {
        if (multiAt >= 0) {
          res.error = { at: r.pos, reason: 'Reached EOF before reading EXEC for MULTI' };
          res.okUpTo = multiAt;
          res.okUpToLine = multiLine;
        }
        return res;
      }
      if (item.kind === 'truncated' || item.kind === 'bad') {
        res.error = { at: item.kind === 'truncated' ? size : item.at, reason: item.reason };
        if (multiAt >= 0) {
          res.okUpTo = multiAt;
          res.okUpToLine = multiLine;
        }
        return res;
      }
      if (item.kind === 'command') {
        const name0 = item.argv[0].toLowerCase();
        if (name0 === 'multi') {
          if (multiAt >= 0) {
            res.error = { at: start, reason: 'Unexpected MULTI' };
            res.okUpTo = multiAt;
            res.okUpToLine = multiLine;
            return res;
          }
          multiAt = start;
          multiLine = startLine;
        } else if (name0 === 'exec') {
          if (multiAt < 0) {
            res.error = { at: start, reason: 'Unexpected EXEC' };
            return res;
          }
          multiAt = -1;
        }
      }
      if (multiAt < 0) {
        res.okUpTo = r.pos;
        res.okUpToLine = r.lines;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}

interface Io {
  out(s: string): void;
  /** The answer to a yes/no question. */
  confirm(question: string): boolean;
}

/** Check (and with fix, repair) one file; true when it is (now) valid. */
function checkAndReport(file: string, name: string, fix: boolean, canFix: boolean, io: Io, label = 'AOF'): boolean {
  const r = checkFile(file, name);
  if (r.rdb) {
    io.out(`${name} starts with an RDB image: check it with tredis-check-rdb (not checked here)\n`);
    return true;
  }
  if (r.error) io.out(`0x${r.error.at.toString(16).padStart(16, ' ')}: ${r.error.reason}\n`);
  const diff = r.size - r.okUpTo;
  io.out(`AOF analyzed: filename=${name}, size=${r.size}, ok_up_to=${r.okUpTo}, ok_up_to_line=${r.okUpToLine}, diff=${diff}\n`);
  if (r.error === null && diff === 0) {
    io.out(`${label} ${name} is valid\n`);
    return true;
  }
  if (!fix) {
    io.out(`AOF ${name} is not valid (${r.error?.reason ?? 'trailing data'} at offset ${r.error?.at ?? r.okUpTo}). Use the --fix option to try fixing it.\n`);
    return false;
  }
  if (!canFix) {
    io.out(`AOF ${name} is not the last file of the AOF: it cannot be fixed by truncating it.\n`);
    return false;
  }
  io.out(`This will shrink the AOF ${name} from ${r.size} bytes, with ${diff} bytes, to ${r.okUpTo} bytes\n`);
  if (!io.confirm('Continue? [y/N]: ')) {
    io.out('Aborted\n');
    return false;
  }
  fs.truncateSync(file, r.okUpTo);
  io.out(`Successfully truncated AOF ${name}\n`);
  return true;
}

/** The command line: exit status 0 when everything is (now) valid. */
export function checkAofMain(argv: string[], io: Io): number {
  let fix = false;
  let target: string | null = null;
  for (const a of argv) {
    if (a === '--fix') fix = true;
    else if (target === null) target = a;
    else target = '';
  }
  if (!target) {
    io.out('Usage: tredis-check-aof [--fix] <file.manifest|file.aof>\n');
    return 1;
  }
  if (!fs.existsSync(target)) {
    io.out(`Cannot open file ${target}: no such file or directory\n`);
    return 1;
  }
  if (!target.endsWith('.manifest')) {
    io.out('Start checking Old-Style AOF\n');
    return checkAndReport(target, target, fix, true, io) ? 0 : 1;
  }
  io.out('Start checking Multi Part AOF\n');
  let m: Manifest;
  try {
    m = Manifest.parse(fs.readFileSync(target, 'latin1'));
  } catch (e) {
    if (!(e instanceof ManifestError)) throw e;
    io.out(`Invalid AOF manifest file ${target}${e.line ? `, at line ${e.line} ('${e.text}')` : ''}: ${e.message}\n`);
    return 1;
  }
  const dir = path.dirname(target);
  const files = m.loadOrder();
  for (const f of files) {
    if (!fs.existsSync(path.join(dir, f.name))) {
      io.out(`AOF file ${f.name} named by the manifest does not exist\n`);
      return 1;
    }
  }
  let ok = true;
  if (m.base) {
    const p = path.join(dir, m.base.name);
    const fd = fs.openSync(p, 'r');
    const rdb = fs.fstatSync(fd).size > 0 && startsWithRdb(fd);
    fs.closeSync(fd);
    io.out(`Start to check BASE AOF (${rdb ? 'RDB' : 'RESP'} format).\n`);
    ok = checkAndReport(p, m.base.name, fix, m.incrs.length === 0, io, 'BASE AOF');
  }
  if (ok && m.incrs.length) {
    io.out('Start to check INCR files.\n');
    for (let i = 0; ok && i < m.incrs.length; i++) {
      const f = m.incrs[i];
      ok = checkAndReport(path.join(dir, f.name), f.name, fix, i === m.incrs.length - 1, io);
    }
  }
  if (ok) io.out('All AOF files and manifest are valid\n');
  return ok ? 0 : 1;
}
