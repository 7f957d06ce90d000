/**
 * The AOF at run time: BGREWRITEAOF while clients write (new incr file at
 * the start, manifest switched when the base is done, history removed,
 * nothing lost across a restart), automatic rewrites, CONFIG SET appendonly
 * yes/no, DEBUG LOADAOF, group commit under appendfsync always (one fsync
 * for many commands, and no reply before the fsync that covers it),
 * aof-timestamp-enabled, an old-style AOF migrated into the directory, a
 * bad manifest, SHUTDOWN's fsync, and the INFO fields.
 */
import fs from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import { describe, expect, test } from 'vitest';
import { RawClient, sleep, startTredis, waitFor, type Running } from '../helpers';
import { dumpDataset, infoField, query, REDIS_BIN, shutdown, startProc, useTempDirs, waitRewrite as rewriteDone } from './aof-helpers';

const newDir = useTempDirs();

const AOF = { appendonly: 'yes', 'aof-use-rdb-preamble': 'no', 'enable-debug-command': 'yes' };

async function start(dir: string, extra: Record<string, string> = {}): Promise<Running> {
  return startTredis({ dir, logfile: path.join(dir, 'tredis.log'), ...AOF, ...extra });
}

function logOf(dir: string): string {
  return fs.readFileSync(path.join(dir, 'tredis.log'), 'utf8');
}

function manifest(dir: string): string {
  return fs.readFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'latin1');
}

function files(dir: string): string[] {
  return fs.readdirSync(path.join(dir, 'appendonlydir')).sort();
}

describe('BGREWRITEAOF', () => {
  test('while clients write: manifest switched to the new base and incr, history deleted, everything there after a restart', async () => {
    const dir = newDir('rw');
    const srv = await start(dir);
    const c = await RawClient.connect(srv.port);
    // writers: INCRs and RPUSHes from several connections, continuously
    let stop = false;
    const writers = Array.from({ length: 4 }, async (_, w) => {
      const wc = await RawClient.connect(srv.port);
      let n = 0;
      while (!stop) {
        await wc.cmd('INCR', `counter${w}`);
        await wc.cmd('RPUSH', `list${w}`, String(n++));
        if (n % 7 === 0) await wc.cmd('HSET', `hash${w}`, `f${n}`, String(n));
      }
      wc.close();
      return n;
    });
    for (let i = 1; i <= 3; i++) {
      await sleep(100);
      // two in one read: the second finds the first running
      c.write('*1\r\n$12\r\nBGREWRITEAOF\r\n*1\r\n$12\r\nBGREWRITEAOF\r\n');
      expect(await c.readUntil((s) => s.endsWith('progress\r\n'))).toBe(
        '+Background append only file rewriting started\r\n-ERR Background append only file rewriting already in progress\r\n',
      );
      await rewriteDone(c, i);
    }
    await sleep(100);
    stop = true;
    const counts = await Promise.all(writers);
    expect(counts.every((n) => n > 10)).toBe(true);
    expect(manifest(dir)).toBe('file appendonly.aof.4.base.aof seq 4 type b\nfile appendonly.aof.4.incr.aof seq 4 type i\n');
    expect(files(dir)).toEqual(['appendonly.aof.4.base.aof', 'appendonly.aof.4.incr.aof', 'appendonly.aof.manifest']);
    expect(await infoField(c, 'aof_rewrites')).toBe('3');
    expect(await infoField(c, 'aof_last_bgrewrite_status')).toBe('ok');
    const size = fs.statSync(path.join(dir, 'appendonlydir', 'appendonly.aof.4.base.aof')).size + fs.statSync(path.join(dir, 'appendonlydir', 'appendonly.aof.4.incr.aof')).size;
    expect(Number(await infoField(c, 'aof_current_size'))).toBe(size);
    const before = await dumpDataset(srv.port);
    c.close();
    await srv.close();
    const log = logOf(dir);
    for (const line of [
      'Creating AOF incr file appendonly.aof.2.incr.aof on background rewrite',
      `Background append only file rewriting started by pid ${process.pid}`,
      `Successfully created the temporary AOF base file temp-rewriteaof-bg-${process.pid}.aof`,
      'Background AOF rewrite terminated with success',
      `Successfully renamed the temporary AOF base file temp-rewriteaof-bg-${process.pid}.aof into appendonly.aof.2.base.aof`,
      'Removing the history file appendonly.aof.1.incr.aof in the background',
      'Removing the history file appendonly.aof.1.base.aof in the background',
      'Background AOF rewrite finished successfully',
    ]) {
      expect(log).toContain(line);
    }
    const again = await start(dir);
    try {
      expect(await dumpDataset(again.port)).toEqual(before);
      const c2 = await RawClient.connect(again.port);
      expect(Number(await query(c2, 'GET', 'counter0'))).toBe(counts[0]);
      expect(Number(await query(c2, 'LLEN', 'list3'))).toBe(counts[3]);
      expect(await infoField(c2, 'aof_base_size')).toBe(String(fs.statSync(path.join(dir, 'appendonlydir', 'appendonly.aof.4.base.aof')).size));
      c2.close();
    } finally {
      await again.close();
    }
  }, 60_000);

  test('inside MULTI it is scheduled and starts from the cron; with aof-disable-auto-gc the history stays in the manifest', async () => {
    const dir = newDir('sched');
    const srv = await start(dir, { 'aof-disable-auto-gc': 'yes', hz: '100' });
    const c = await RawClient.connect(srv.port);
    try {
      await c.cmd('SET', 'a', '1');
      c.write('*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n*1\r\n$12\r\nBGREWRITEAOF\r\n*1\r\n$4\r\nEXEC\r\n');
      expect(await c.readUntil((s) => s.endsWith('scheduled\r\n'))).toBe(
        '+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n+OK\r\n+Background append only file rewriting scheduled\r\n',
      );
      await rewriteDone(c, 1);
      expect(await infoField(c, 'aof_rewrite_scheduled')).toBe('0');
      expect(manifest(dir)).toBe(
        'file appendonly.aof.2.base.aof seq 2 type b\n' +
          'file appendonly.aof.1.incr.aof seq 1 type h\n' +
          'file appendonly.aof.1.base.aof seq 1 type h\n' +
          'file appendonly.aof.2.incr.aof seq 2 type i\n',
      );
      // the transaction's writes are in the base once, not also in the new incr file
      expect(fs.statSync(path.join(dir, 'appendonlydir', 'appendonly.aof.2.incr.aof')).size).toBe(0);
      await c.cmd('INCR', 'n');
    } finally {
      c.close();
      await srv.close();
    }
    const again = await start(dir);
    const c2 = await RawClient.connect(again.port);
    try {
      expect(await query(c2, 'MGET', 'a', 'b', 'n')).toEqual(['1', '2', '1']);
      // the history goes once the server may delete it
      expect(manifest(dir)).not.toContain('type h');
    } finally {
      c2.close();
      await again.close();
    }
  }, 60_000);

  test('one background job at a time: BGSAVE during a rewrite is refused or scheduled, BGREWRITEAOF during a BGSAVE scheduled', async () => {
    const dir = newDir('jobs');
    const srv = await start(dir, { hz: '100' });
    const c = await RawClient.connect(srv.port);
    try {
      await c.cmd('SET', 'a', '1');
      c.write('*1\r\n$12\r\nBGREWRITEAOF\r\n*1\r\n$6\r\nBGSAVE\r\n*2\r\n$6\r\nBGSAVE\r\n$8\r\nSCHEDULE\r\n');
      expect(await c.readUntil((s) => s.endsWith('scheduled\r\n'))).toBe(
        '+Background append only file rewriting started\r\n' +
          "-ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.\r\n" +
          '+Background saving scheduled\r\n',
      );
      await rewriteDone(c, 1);
      // the scheduled BGSAVE runs once the rewrite is over
      await waitFor(() => fs.existsSync(path.join(dir, 'dump.rdb')), 5000);
      c.write('*1\r\n$6\r\nBGSAVE\r\n*1\r\n$12\r\nBGREWRITEAOF\r\n');
      expect(await c.readUntil((s) => s.endsWith('scheduled\r\n'))).toBe('+Background saving started\r\n+Background append only file rewriting scheduled\r\n');
      expect(await infoField(c, 'aof_rewrite_scheduled')).toBe('1');
      await rewriteDone(c, 2);
    } finally {
      c.close();
      await srv.close();
    }
  }, 30_000);

  test('auto-aof-rewrite-percentage / min-size start a rewrite when the AOF has grown', async () => {
    const dir = newDir('auto');
    const srv = await start(dir, { 'auto-aof-rewrite-min-size': '4096', 'auto-aof-rewrite-percentage': '100', hz: '100' });
    const c = await RawClient.connect(srv.port);
    try {
      for (let i = 0; i < 100; i++) await c.cmd('SET', 'same-key', 'x'.repeat(50));
      await waitFor(() => logOf(dir).includes('Starting automatic rewriting of AOF on'), 5000);
      await rewriteDone(c, 1);
      expect(logOf(dir)).toMatch(/Starting automatic rewriting of AOF on \d+% growth/);
      // one SET of the key in the new base
      expect(fs.statSync(path.join(dir, 'appendonlydir', 'appendonly.aof.2.base.aof')).size).toBeLessThan(200);
    } finally {
      c.close();
      await srv.close();
    }
  }, 30_000);
});

describe('CONFIG SET appendonly, DEBUG LOADAOF, SHUTDOWN', () => {
  test('CONFIG SET appendonly yes writes a base by a rewrite, writes meanwhile go to the temp incr file; no stops appending', async () => {
    const dir = newDir('cfg');
    const srv = await start(dir, { appendonly: 'no' });
    const c = await RawClient.connect(srv.port);
    try {
      for (let i = 0; i < 20; i++) await c.cmd('SET', `k${i}`, String(i));
      expect(await infoField(c, 'aof_enabled')).toBe('0');
      // the reply and a write in the same read: the write lands in the temp incr file
      c.write('*4\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n$10\r\nappendonly\r\n$3\r\nyes\r\n*3\r\n$3\r\nSET\r\n$6\r\nduring\r\n$1\r\n1\r\n*1\r\n$4\r\nINFO\r\n');
      const out = await c.readUntil((s) => s.includes('aof_delayed_fsync'));
      expect(out.startsWith('+OK\r\n+OK\r\n')).toBe(true);
      expect(out).toContain('aof_enabled:1');
      expect(out).toContain('aof_rewrite_in_progress:1');
      expect(out).toContain('aof_rewrites:1');
      await rewriteDone(c, 1);
      expect(manifest(dir)).toBe('file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
      const log = logOf(dir);
      expect(log).toContain('Creating AOF incr file temp-appendonly.aof.incr on background rewrite');
      expect(log).toContain('Successfully renamed the temporary AOF incr file temp-appendonly.aof.incr into appendonly.aof.1.incr.aof');
      expect(fs.readFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof'), 'latin1')).toBe(
        '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$6\r\nduring\r\n$1\r\n1\r\n',
      );
      await c.cmd('SET', 'on', '1');
      expect(await c.cmd('CONFIG', 'SET', 'appendonly', 'no')).toBe('+OK\r\n');
      expect(await infoField(c, 'aof_enabled')).toBe('0');
      await c.cmd('SET', 'off', '1');
      const incr = fs.readFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof'), 'latin1');
      expect(incr).toContain('$2\r\non\r\n');
      expect(incr).not.toContain('$3\r\noff\r\n');
      // DEBUG LOADAOF reads the files back (AOF off: the manifest on disk)
      expect(await c.cmd('DEBUG', 'LOADAOF')).toBe('+OK\r\n');
      expect(await query(c, 'DBSIZE')).toBe(22);
      expect(await query(c, 'EXISTS', 'off')).toBe(0);
      expect(logOf(dir)).toContain('Append Only File loaded by DEBUG LOADAOF');
      // on again: a second base, the old files to the history and deleted
      await c.cmd('SET', 'off', '1');
      expect(await c.cmd('CONFIG', 'SET', 'appendonly', 'yes')).toBe('+OK\r\n');
      await rewriteDone(c, 2);
      expect(manifest(dir)).toBe('file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n');
    } finally {
      c.close();
      await srv.close();
    }
    const again = await start(dir);
    try {
      const c2 = await RawClient.connect(again.port);
      expect(await query(c2, 'DBSIZE')).toBe(23);
      c2.close();
    } finally {
      await again.close();
    }
  }, 30_000);

  test('DEBUG LOADAOF with the AOF on flushes the buffer and reloads; SHUTDOWN fsyncs', async () => {
    const dir = newDir('loadaof');
    const p = await startProc('tredis', dir, ['--appendonly', 'yes', '--enable-debug-command', 'yes']);
    const c = await RawClient.connect(p.port);
    await c.cmd('RPUSH', 'l', 'a', 'b');
    await c.cmd('SET', 'tmp', 'x', 'PX', '100000');
    expect(await c.cmd('DEBUG', 'LOADAOF')).toBe('+OK\r\n');
    expect(await query(c, 'LRANGE', 'l', '0', '-1')).toEqual(['a', 'b']);
    expect(Number(await query(c, 'PTTL', 'tmp'))).toBeGreaterThan(90000);
    c.close();
    await shutdown(p);
    expect(p.log()).toMatch(/User requested shutdown\.\.\.\n.*Calling fsync\(\) on the AOF file\.\n/);
    // DEBUG LOADAOF itself is not written to the AOF
    expect(fs.readFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof'), 'latin1')).not.toMatch(/loadaof/i);
  }, 30_000);
});

describe('group commit under appendfsync always', () => {
  test('one fsync covers many commands of a turn, and no reply leaves before the fsync of its command', async () => {
    const dir = newDir('group');
    const srv = await start(dir, { appendfsync: 'always' });
    const incr = path.join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof');
    // the server runs in this process: watch its fsyncs
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const nodeFs = require('node:fs') as typeof fs;
    const real = nodeFs.fdatasyncSync;
    let fsyncs = 0;
    let syncedBytes = 0;
    nodeFs.fdatasyncSync = (fd: number) => {
      real(fd);
      fsyncs++;
      syncedBytes = nodeFs.fstatSync(fd).size;
    };
    // and every socket write of the server: nothing may be left unwritten in the AOF buffer then
    const realWrite = net.Socket.prototype.write;
    const ours = new WeakSet<net.Socket>();
    const aof = srv.server.aof!;
    let earlyReplies = 0;
    net.Socket.prototype.write = function (this: net.Socket, ...args: unknown[]) {
      if (!ours.has(this) && (aof.buf.len !== 0 || aof.pending)) earlyReplies++;
      return (realWrite as (...a: unknown[]) => boolean).apply(this, args);
    } as typeof realWrite;
    try {
      let violations = 0;
      let replies = 0;
      const clients = await Promise.all(
        Array.from({ length: 20 }, (_, i) => new Promise<net.Socket>((res) => {
          const s = net.connect(srv.port, '127.0.0.1', () => res(s));
          ours.add(s);
          s.on('data', (d) => {
            // every reply seen here: the file was synced at least up to its command
            replies += d.length / 5;
            if (syncedBytes < fs.statSync(incr).size) violations++;
            void i;
          });
        })),
      );
      const cmd = (k: string) => `*3\r\n$3\r\nSET\r\n$${k.length}\r\n${k}\r\n$1\r\nv\r\n`;
      for (let round = 0; round < 20; round++) {
        clients.forEach((s, i) => s.write(cmd(`k${i}:${round}`).repeat(5)));
        await waitFor(() => replies >= (round + 1) * 100, 10000);
      }
      for (const s of clients) s.destroy();
      console.log(`[aof group commit] 2000 SETs from 20 clients, ${fsyncs} fsyncs`);
      expect(violations).toBe(0);
      expect(earlyReplies).toBe(0);
      expect(fsyncs).toBeGreaterThan(0);
      expect(fsyncs).toBeLessThan(2000 / 4);
    } finally {
      net.Socket.prototype.write = realWrite;
      nodeFs.fdatasyncSync = real;
      await srv.close();
    }
  }, 30_000);
});

describe('AOF write errors', () => {
  test('a failed write (everysec): the replies of that turn still go, later writes get -MISCONF until a retry from the cron succeeds', async () => {
    const dir = newDir('enospc');
    const srv = await start(dir, { appendfsync: 'everysec', hz: '100' });
    // the server runs in this process: make its AOF writes fail for a while
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const nodeFs = require('node:fs') as typeof fs;
    const realWrite = nodeFs.writeSync;
    let failing = true;
    const incrIno = nodeFs.statSync(path.join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof')).ino;
    nodeFs.writeSync = ((fd: number, ...rest: unknown[]) => {
      if (failing && nodeFs.fstatSync(fd).ino === incrIno) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return (realWrite as (...a: unknown[]) => number)(fd, ...rest);
    }) as typeof nodeFs.writeSync;
    const c = await RawClient.connect(srv.port);
    try {
      expect(await c.cmd('SET', 'a', '1')).toBe('+OK\r\n');
      expect(await c.cmd('SET', 'b', '2')).toBe('-MISCONF Errors writing to the AOF file: No space left on device\r\n');
      expect(await c.cmd('PING')).toBe('-MISCONF Errors writing to the AOF file: No space left on device\r\n');
      expect(await c.cmd('GET', 'a')).toBe('$1\r\n1\r\n');
      expect(await infoField(c, 'aof_last_write_status')).toBe('err');
      failing = false;
      await waitFor(() => logOf(dir).includes('AOF write error looks solved, Redis can write again.'), 5000);
      await sleep(50);
      expect(await c.cmd('SET', 'b', '2')).toBe('+OK\r\n');
      expect(await infoField(c, 'aof_last_write_status')).toBe('ok');
      expect(logOf(dir)).toContain('Error writing to the AOF file: No space left on device');
    } finally {
      nodeFs.writeSync = realWrite;
      c.close();
      await srv.close();
    }
    const again = await start(dir);
    try {
      const c2 = await RawClient.connect(again.port);
      expect(await query(c2, 'MGET', 'a', 'b')).toEqual(['1', '2']);
      c2.close();
    } finally {
      await again.close();
    }
  }, 30_000);
});

describe('AOF files and options', () => {
  test('aof-timestamp-enabled: #TS annotations in the base and incr files, skipped when loading', async () => {
    const dir = newDir('ts');
    const srv = await start(dir, { 'aof-timestamp-enabled': 'yes' });
    const c = await RawClient.connect(srv.port);
    await c.cmd('SET', 'a', '1');
    await sleep(1100);
    await c.cmd('SET', 'b', '2');
    expect(await c.cmd('BGREWRITEAOF')).toBe('+Background append only file rewriting started\r\n');
    await rewriteDone(c, 1);
    await c.cmd('SET', 'c', '3');
    c.close();
    await srv.close();
    const base = fs.readFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.2.base.aof'), 'latin1');
    expect(base).toMatch(/^#TS:\d{10}\r\n\*2\r\n\$6\r\nSELECT\r\n/);
    const incr = fs.readFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.2.incr.aof'), 'latin1');
    expect(incr).toMatch(/^(#TS:\d{10}\r\n)?\*2\r\n\$6\r\nSELECT\r\n\$1\r\n0\r\n\*3\r\n\$3\r\nSET\r\n\$1\r\nc\r\n/);
    const again = await start(dir);
    try {
      const c2 = await RawClient.connect(again.port);
      expect(await query(c2, 'MGET', 'a', 'b', 'c')).toEqual(['1', '2', '3']);
      c2.close();
    } finally {
      await again.close();
    }
  }, 30_000);

  test('an old-style appendonly.aof in dir is migrated into the AOF directory', async () => {
    const dir = newDir('old');
    fs.writeFileSync(path.join(dir, 'appendonly.aof'), '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$3\r\nold\r\n$5\r\nstyle\r\n');
    const srv = await start(dir);
    try {
      expect(logOf(dir)).toContain('Successfully migrated an old-style AOF file (appendonly.aof) into the AOF directory (appendonlydir).');
      expect(manifest(dir)).toBe('file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
      expect(fs.existsSync(path.join(dir, 'appendonly.aof'))).toBe(false);
      const c = await RawClient.connect(srv.port);
      expect(await query(c, 'GET', 'old')).toBe('style');
      c.close();
    } finally {
      await srv.close();
    }
  }, 30_000);

  test('a bad manifest stops the start with Redis\'s fatal lines', async () => {
    const dir = newDir('badmanifest');
    fs.mkdirSync(path.join(dir, 'appendonlydir'));
    fs.writeFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'file appendonly.aof.1.base.aof seq 1 type b\nfile x seq 2 type q\n');
    await expect(start(dir)).rejects.toThrow(/Unknown AOF file type/);
    const log = logOf(dir);
    expect(log).toContain('*** FATAL AOF MANIFEST FILE ERROR ***');
    expect(log).toContain('Reading the manifest file, at line 2');
    expect(log).toContain(">>> 'file x seq 2 type q'");
    expect(log).not.toContain('Ready to accept connections');
    // a file the manifest names but the disk lacks
    fs.writeFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'file appendonly.aof.1.base.aof seq 1 type b\n');
    await expect(start(dir)).rejects.toThrow();
    expect(logOf(dir)).toContain('Unable to obtain the AOF file appendonly.aof.1.base.aof length. stat: No such file or directory');
  }, 30_000);

  test('INFO persistence has the aof_* fields of Redis 7.0, in its order', async () => {
    const dir = newDir('info');
    const srv = await start(dir);
    const c = await RawClient.connect(srv.port);
    const mine = ((await query(c, 'INFO', 'persistence')) as string).split('\r\n').map((l) => l.split(':')[0]).filter((f) => f.startsWith('aof_'));
    c.close();
    await srv.close();
    expect(mine).toEqual([
      'aof_enabled', 'aof_rewrite_in_progress', 'aof_rewrite_scheduled', 'aof_last_rewrite_time_sec', 'aof_current_rewrite_time_sec',
      'aof_last_bgrewrite_status', 'aof_rewrites', 'aof_rewrites_consecutive_failures', 'aof_last_write_status', 'aof_last_cow_size',
      'aof_current_size', 'aof_base_size', 'aof_pending_rewrite', 'aof_buffer_length', 'aof_pending_bio_fsync', 'aof_delayed_fsync',
    ]);
    if (REDIS_BIN) {
      const rdir = newDir('info-redis');
      const r = await startProc('redis', rdir, ['--appendonly', 'yes']);
      const rc = await RawClient.connect(r.port);
      const theirs = ((await query(rc, 'INFO', 'persistence')) as string).split('\r\n').map((l) => l.split(':')[0]).filter((f) => f.startsWith('aof_'));
      rc.close();
      await shutdown(r);
      expect(mine).toEqual(theirs);
    }
  }, 30_000);
});
