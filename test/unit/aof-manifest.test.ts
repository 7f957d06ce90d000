/**
 * The AOF manifest (persistence/aof/manifest.ts) and file reader
 * (reader.ts): Redis 7.0's manifest lines and error texts, the history
 * order of successive rewrites, and how the reader reports the end of the
 * data (clean, truncated, bad format at an offset).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { Manifest, ManifestError } = require('../../dist/persistence/aof/manifest.js') as typeof import('../../src/persistence/aof/manifest');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { AofReader } = require('../../dist/persistence/aof/reader.js') as typeof import('../../src/persistence/aof/reader');

function parseError(text: string): [string, number, string] {
  try {
    Manifest.parse(text);
  } catch (e) {
    if (e instanceof ManifestError) return [e.message, e.line, e.text];
    throw e;
  }
  return ['no error', 0, ''];
}

describe('AOF manifest', () => {
  it('parses and formats Redis 7.0 manifests (key order free, unknown keys and # lines ignored)', () => {
    const m = Manifest.parse('# comment\ntype b seq 3 file appendonly.aof.3.base.rdb\nfile appendonly.aof.2.incr.aof seq 2 type h extra x\nfile appendonly.aof.3.incr.aof seq 3 type i\n');
    expect(m.format()).toBe('file appendonly.aof.3.base.rdb seq 3 type b\nfile appendonly.aof.2.incr.aof seq 2 type h\nfile appendonly.aof.3.incr.aof seq 3 type i\n');
    expect(m.currBaseSeq).toBe(3);
    expect(m.currIncrSeq).toBe(3);
    expect(m.loadOrder().map((f) => f.name)).toEqual(['appendonly.aof.3.base.rdb', 'appendonly.aof.3.incr.aof']);
  });

  it('quotes names that need it, as sdscatrepr', () => {
    const m = new Manifest();
    m.newBase('my file.aof', false);
    expect(m.format()).toBe('file "my file.aof.1.base.aof" seq 1 type b\n');
    expect(Manifest.parse(m.format()).base!.name).toBe('my file.aof.1.base.aof');
  });

  it('rewrites put the replaced files at the head of the history (base first, then the incr files)', () => {
    const m = new Manifest();
    m.newBase('appendonly.aof', true);
    m.newIncr('appendonly.aof');
    for (let i = 0; i < 2; i++) {
      m.newIncr('appendonly.aof'); // opened at the rewrite's start
      m.newBase('appendonly.aof', true);
      m.incrsToHistory(1);
    }
    expect(m.format()).toBe(
      'file appendonly.aof.3.base.rdb seq 3 type b\n' +
        'file appendonly.aof.2.incr.aof seq 2 type h\n' +
        'file appendonly.aof.2.base.rdb seq 2 type h\n' +
        'file appendonly.aof.1.incr.aof seq 1 type h\n' +
        'file appendonly.aof.1.base.rdb seq 1 type h\n' +
        'file appendonly.aof.3.incr.aof seq 3 type i\n',
    );
  });

  it("reports Redis's errors with the line", () => {
    expect(parseError('')).toEqual(['Found an empty AOF manifest', 0, '']);
    expect(parseError('file a seq 1\n')).toEqual(['Invalid AOF manifest file format', 1, 'file a seq 1']);
    expect(parseError('file a seq x type b\n')).toEqual(['Invalid AOF manifest file format', 1, 'file a seq x type b']);
    expect(parseError('file a seq 1 type b\n\n')).toEqual(['Invalid AOF manifest file format', 2, '']);
    expect(parseError('file a seq 1 type b\nfile b seq 2 type b\n')).toEqual(['Found duplicate base file information', 2, 'file b seq 2 type b']);
    expect(parseError('file a seq 1 type q\n')).toEqual(['Unknown AOF file type', 1, 'file a seq 1 type q']);
    expect(parseError('file a seq 3 type i\nfile b seq 2 type i\n')).toEqual(['Found a non-monotonic sequence number', 2, 'file b seq 2 type i']);
    expect(parseError(`file ${'x'.repeat(1100)} seq 1 type b\n`)[0]).toBe('The AOF manifest file contains too long line');
  });
});

describe('AOF reader', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tredis-aof-reader-'));
  function read(content: string | Buffer): unknown[] {
    const f = path.join(dir, 'f.aof');
    fs.writeFileSync(f, content);
    const fd = fs.openSync(f, 'r');
    const r = new AofReader(fd, fs.fstatSync(fd).size);
    const out: unknown[] = [];
    for (;;) {
      const item = r.next();
      out.push(item.kind === 'command' ? item.argv : item);
      if (item.kind !== 'command' && item.kind !== 'annotation') break;
    }
    fs.closeSync(fd);
    return out;
  }

  it('reads commands and annotations, binary-safe', () => {
    expect(read('#TS:1700000000\r\n*2\r\n$3\r\nGET\r\n$4\r\na\r\nb\r\n')).toEqual([{ kind: 'annotation', text: 'TS:1700000000' }, ['GET', 'a\r\nb'], { kind: 'eof' }]);
  });

  it('a file ending inside a command is truncated at the command start', () => {
    expect(read('*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$4\r\nab')).toEqual([['PING'], { kind: 'truncated', reason: 'Expected to read 6 bytes, got 2 bytes', at: 14 }]);
    expect(read('*1\r\n$4\r\nPING\r\n*2')).toEqual([['PING'], { kind: 'truncated', reason: 'Unexpected end of file in a header line', at: 14 }]);
  });

  it('bad bytes are a format error at their offset', () => {
    expect(read('*1\r\n$4\r\nPING\r\nxyz\r\n')).toEqual([['PING'], { kind: 'bad', reason: "Expected prefix '*', got: 'x'", at: 14 }]);
    expect(read('*1\r\n$4\r\nPINGxx')).toEqual([{ kind: 'bad', reason: 'Expected \\r\\n, got: 7878', at: 12 }]);
    expect(read('*1\r\n!4\r\nPING\r\n')).toEqual([{ kind: 'bad', reason: "Expected prefix '$', got: '!'", at: 4 }]);
  });

  it('a huge announced length past the end of the file is a truncation, read without allocating it', () => {
    expect(read('*1\r\n$999999999999\r\nab')).toEqual([{ kind: 'truncated', reason: 'Expected to read 1000000000001 bytes, got 2 bytes', at: 0 }]);
  });

  it('reads across its window (a 3 MB value)', () => {
    const big = 'v'.repeat(3 * 1024 * 1024);
    const out = read(`*2\r\n$3\r\nSET\r\n$${big.length}\r\n${big}\r\n*1\r\n$4\r\nPING\r\n`);
    expect((out[0] as string[])[1].length).toBe(big.length);
    expect(out.slice(1)).toEqual([['PING'], { kind: 'eof' }]);
  });
});
