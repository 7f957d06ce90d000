/**
 * The append-only file against real Redis 7.0: an appendonlydir written by
 * tredis (AOF-format base + incr files) loads in redis-server with every key,
 * value, TTL and stream group state identical, and one written by
 * redis-server (aof-use-rdb-preamble no) loads in tredis; the same commands
 * produce byte-identical incr files; redis-check-aof accepts tredis's files
 * and tredis-check-aof accepts Redis's.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { RawClient } from '../helpers';
import { CHECK_AOF, copyDir, Data, dumpDataset, infoField, Kind, Proc, REDIS_BIN, shutdown, startProc, useTempDirs, waitRewrite } from '../integration/aof-helpers';

/** A dump with the value after each group's "entries-read" and "lag" replaced. */
function maskEntriesRead(d: Record<string, Data>): unknown {
  return JSON.parse(JSON.stringify(d), function (this: unknown, _k: string, v: unknown) {
    if (Array.isArray(v) && v.length === 2 && (v[0] === 'entries-read' || v[0] === 'lag')) return [v[0], '<masked>'];
    return v;
  });
}

const FUTURE_S = 4102444800; // 2100-01-01
const FUTURE_MS = String(FUTURE_S * 1000 + 123);

/** Commands whose propagated form does not depend on the time or randomness. */
function deterministicCommands(): string[][] {
  const cmds: string[][] = [];
  const bin = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
  cmds.push(
    ['SET', 'str', 'hello'],
    ['SET', 'int', '12345'],
    ['SET', 'big', 'x'.repeat(5000)],
    ['SET', 'bin\r\nkey', bin],
    ['APPEND', 'str', ' world'],
    ['SETRANGE', 'str', '20', 'tail'],
    ['INCRBYFLOAT', 'float', '1.5'],
    ['SETBIT', 'bits', '1000', '1'],
    ['PFADD', 'hll', 'a', 'b', 'c'],
    ['SET', 'ttl1', 'v', 'EXAT', String(FUTURE_S)],
    ['SET', 'ttl2', 'v'],
    ['PEXPIREAT', 'ttl2', FUTURE_MS],
    ['EXPIREAT', 'int', String(FUTURE_S + 60)],
    ['RPUSH', 'list', 'a', 'b', 'c'],
    ['LPUSH', 'list', 'z'],
    ['LINSERT', 'list', 'BEFORE', 'b', 'ab'],
    ['RPUSH', 'biglist', ...Array.from({ length: 200 }, (_, i) => `item${i}`)],
    ['LTRIM', 'biglist', '1', '150'],
    ['SADD', 'intset', '1', '2', '3', '-7'],
    ['SADD', 'set', 'a', 'b', 'c'],
    ['SADD', 'bigset', ...Array.from({ length: 150 }, (_, i) => `m${i}`)],
    ['SREM', 'bigset', 'm7'],
    ['ZADD', 'zset', '1', 'a', '2.5', 'b', '-inf', 'c', 'inf', 'd', '0.1', 'e'],
    ['ZADD', 'bigzset', ...Array.from({ length: 300 }, (_, i) => [String(i / 7), `z${i}`]).flat()],
    ['ZINCRBY', 'zset', '3', 'a'],
    ['HSET', 'hash', 'f1', 'v1', 'f2', 'v2'],
    ['HSET', 'bighash', ...Array.from({ length: 150 }, (_, i) => [`f${i}`, `v${i}`]).flat()],
    ['HINCRBY', 'hash', 'n', '5'],
    ['HINCRBYFLOAT', 'hash', 'fl', '0.25'],
    ['XADD', 'stream', '1-1', 'f', 'v'],
    ['XADD', 'stream', '2-1', 'f', 'v', 'g', 'w'],
    ['XADD', 'stream', '3-0', 'a', 'b'],
    ['XDEL', 'stream', '2-1'],
    ['XGROUP', 'CREATE', 'stream', 'g1', '0'],
    ['XGROUP', 'CREATE', 'empty', 'g2', '$', 'MKSTREAM'],
    ['XGROUP', 'CREATECONSUMER', 'stream', 'g1', 'idle'],
    ['XSETID', 'empty', '5-5', 'ENTRIESADDED', '7', 'MAXDELETEDID', '4-0'],
    ['XADD', 'trimmed', 'MAXLEN', '=', '2', '1-1', 'a', 'b'],
    ['XADD', 'trimmed', 'MAXLEN', '=', '2', '1-2', 'a', 'b'],
    ['XADD', 'trimmed', 'MAXLEN', '=', '2', '1-3', 'a', 'b'],
    ['MULTI'],
    ['SELECT', '3'],
    ['SET', 'in-db3', 'x'],
    ['INCR', 'counter'],
    ['EXEC'],
    ['SELECT', '3'],
    ['SET', 'plain-db3', 'y'],
    ['SELECT', '0'],
    ['EVAL', "redis.call('SET', KEYS[1], 'a'); redis.call('RPUSH', KEYS[2], 'b'); return 1", '2', 'script1', 'script2'],
    ['RENAME', 'ttl2', 'ttl2-renamed'],
    ['DEL', 'set'],
    ['LMOVE', 'list', 'list2', 'LEFT', 'RIGHT'],
    ['GETDEL', 'float'],
    ['PERSIST', 'ttl1'],
    ['EXPIREAT', 'ttl1', String(FUTURE_S + 7)],
    ['FLUSHDB'],
  );
  return cmds;
}

/** More data after the FLUSHDB of deterministicCommands(), with what depends on time (XREADGROUP's XCLAIM). */
function datasetCommands(): string[][] {
  const cmds = deterministicCommands().filter((c) => c[0] !== 'FLUSHDB');
  cmds.push(
    ['XREADGROUP', 'GROUP', 'g1', 'alice', 'COUNT', '1', 'STREAMS', 'stream', '>'],
    ['XREADGROUP', 'GROUP', 'g1', 'bob', 'STREAMS', 'stream', '>'],
    ['XCLAIM', 'stream', 'g1', 'carol', '0', '3-0', 'RETRYCOUNT', '5'],
    ['XGROUP', 'CREATE', 'stream', 'g0', '$'],
    ['SELECT', '7'],
    ['HSET', 'db7hash', 'k', 'v'],
    ['EXPIRE', 'db7hash', '100000'],
    ['SELECT', '0'],
  );
  return cmds;
}

async function runAll(port: number, cmds: string[][]): Promise<void> {
  const c = await RawClient.connect(port);
  try {
    for (const cmd of cmds) {
      const r = await c.cmd(...cmd);
      if (r.startsWith('-')) throw new Error(`${cmd.join(' ')}: ${r}`);
    }
  } finally {
    c.close();
  }
}

async function rewriteAndWait(port: number): Promise<void> {
  const c = await RawClient.connect(port);
  try {
    const before = Number(await infoField(c, 'aof_rewrites'));
    expect(await c.cmd('BGREWRITEAOF')).toBe('+Background append only file rewriting started\r\n');
    await waitRewrite(c, before + 1);
  } finally {
    c.close();
  }
}

const AOF_ARGS = ['--appendonly', 'yes', '--aof-use-rdb-preamble', 'no', '--appendfsync', 'always'];

/** Write the dataset on `from` (base by BGREWRITEAOF, then more in the incr file), load the dir in `to`. */
async function roundTrip(from: Kind, to: Kind): Promise<void> {
  const dir = newDir(`${from}-to-${to}`);
  const a = await startProc(from, dir, AOF_ARGS);
  const cmds = datasetCommands();
  // everything but the last few commands goes into the base (streams with groups and PELs, TTLs...)
  const half = cmds.length - 4;
  await runAll(a.port, cmds.slice(0, half));
  await rewriteAndWait(a.port);
  await runAll(a.port, cmds.slice(half));
  const before = await dumpDataset(a.port);
  await shutdown(a);
  const files = fs.readdirSync(path.join(dir, 'appendonlydir')).sort();
  expect(files).toEqual(['appendonly.aof.2.base.aof', 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest']);
  expect(fs.statSync(path.join(dir, 'appendonlydir', 'appendonly.aof.2.incr.aof')).size).toBeGreaterThan(0);
  // the same files loaded by the other server and, as the reference, by the writer itself
  const selfDir = newDir(`${from}-self`);
  copyDir(path.join(dir, 'appendonlydir'), path.join(selfDir, 'appendonlydir'));
  const b = await startProc(to, dir, ['--appendonly', 'yes']);
  const self = await startProc(from, selfDir, ['--appendonly', 'yes']);
  try {
    expect(b.log()).toContain('DB loaded from base file appendonly.aof.2.base.aof');
    expect(b.log()).toContain('DB loaded from incr file appendonly.aof.2.incr.aof');
    const after = await dumpDataset(b.port);
    expect(Object.keys(after).length).toBeGreaterThan(25);
    expect(after).toEqual(await dumpDataset(self.port));
    // Redis's own reload forgets the entries-read of a group XREADGROUP advanced (its XCLAIM ... LASTID carries none)
    expect(maskEntriesRead(after)).toEqual(maskEntriesRead(before));
  } finally {
    await shutdown(b);
    await shutdown(self);
  }
  // each server's checker accepts the other's files
  const manifest = path.join(dir, 'appendonlydir', 'appendonly.aof.manifest');
  const checker = to === 'redis' ? 'redis-check-aof' : process.execPath;
  const checkArgs = to === 'redis' ? [manifest] : [CHECK_AOF, manifest];
  if (to === 'tredis' || hasRedisCheckAof()) {
    const out = execFileSync(checker, checkArgs, { encoding: 'utf8' });
    expect(out).toContain('All AOF files and manifest are valid');
  }
}

function hasRedisCheckAof(): boolean {
  try {
    execFileSync('redis-check-aof', [], { stdio: 'ignore' });
    return true;
  } catch (e) {
    return (e as { status?: number }).status !== undefined && (e as { code?: string }).code !== 'ENOENT';
  }
}

const newDir = useTempDirs();

describe.skipIf(!REDIS_BIN)('AOF interchange with Redis 7.0', () => {
  test('an appendonlydir written by tredis loads in redis-server with identical contents', async () => {
    await roundTrip('tredis', 'redis');
  }, 60_000);

  test('an appendonlydir written by redis-server (aof-use-rdb-preamble no) loads in tredis with identical contents', async () => {
    await roundTrip('redis', 'tredis');
  }, 60_000);

  // strings only until the RDB value codec (branch rdb-values) is in: then datasetCommands() here too
  test.each([
    ['tredis', 'redis'],
    ['redis', 'tredis'],
  ] as [Kind, Kind][])('aof-use-rdb-preamble yes: an appendonlydir with an RDB base written by %s loads in %s', async (from, to) => {
    const dir = newDir(`rdb-${from}`);
    const a = await startProc(from, dir, ['--appendonly', 'yes']);
    const strings: string[][] = [
      ['SET', 'a', '1'],
      ['SET', 'big', 'x'.repeat(100000)],
      ['SET', 'bin\r\n', '\x00\xff'],
      ['SET', 'ttl', 'v', 'PXAT', FUTURE_MS],
      ['SELECT', '5'],
      ['SET', 'in5', 'five'],
      ['SELECT', '0'],
    ];
    await runAll(a.port, strings);
    await rewriteAndWait(a.port);
    await runAll(a.port, [['SET', 'after', 'rewrite'], ['APPEND', 'a', '2']]);
    const before = await dumpDataset(a.port);
    await shutdown(a);
    expect(fs.readdirSync(path.join(dir, 'appendonlydir')).sort()).toEqual(['appendonly.aof.2.base.rdb', 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest']);
    expect(fs.readFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.2.base.rdb')).latin1Slice(0, 9)).toBe('REDIS0010');
    const b = await startProc(to, dir, ['--appendonly', 'yes']);
    try {
      const log = b.log();
      expect(log).toContain('Reading RDB base file on AOF loading...');
      expect(log).toContain('RDB is base AOF');
      expect(log).toContain('Done loading RDB, keys loaded: 5, keys expired: 0.');
      expect(log).toContain('DB loaded from base file appendonly.aof.2.base.rdb');
      expect(await dumpDataset(b.port)).toEqual(before);
    } finally {
      await shutdown(b);
    }
  }, 60_000);

  test('the same commands give byte-identical incr files (SELECT, MULTI/EXEC, scripts, PEXPIREAT...)', async () => {
    const incr: Record<string, Buffer> = {};
    for (const kind of ['redis', 'tredis'] as Kind[]) {
      const dir = newDir(`bytes-${kind}`);
      const p: Proc = await startProc(kind, dir, AOF_ARGS);
      await runAll(p.port, deterministicCommands());
      await shutdown(p);
      incr[kind] = fs.readFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof'));
      // an empty dataset at start: the base is empty
      expect(fs.readFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'latin1')).toBe(
        'file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n',
      );
    }
    expect(incr.tredis.length).toBeGreaterThan(1000);
    expect(incr.tredis.toString('latin1')).toBe(incr.redis.toString('latin1'));
  }, 60_000);
});
