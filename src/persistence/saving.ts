/**
 * RDB snapshots on disk: SAVE, BGSAVE (the fork-less snapshot of
 * snapshot.ts), the `save` points checked from the cron, the final save of
 * SHUTDOWN and SIGTERM, loading `dir`/`dbfilename` at startup, and the
 * numbers INFO persistence reports.
 *
 * A save writes `temp-<pid>.rdb` in `dir`, fsyncs it and renames it over the
 * dump: a crash mid-save leaves the previous dump as it was.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Server } from '../server/server';
import type { RawSavePoint } from '../config/values';
import { clock } from '../server/clock';
import { Snapshot, startSnapshot, walkNow } from './snapshot';
import { AsyncFileSink } from './file-sink';
import { RdbFileWriter, RdbLoader, loadRdbBuffer, LoadResult, serverLoadOptions } from './rdb/file';
import { RdbError } from './rdb/encoding';

export const MISCONF =
  "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";

/** A startup load reads this long between two turns of the event loop (clients get -LOADING meanwhile). */
const LOAD_SLICE_MS = 20;

/** Redis's CONFIG_BGSAVE_RETRY_DELAY: after a failed BGSAVE, save points wait this long (s). */
const BGSAVE_RETRY_DELAY = 5;

export class RdbSaver {
  /** The BGSAVE in progress. */
  private bg: { snap: Snapshot; started: number } | null = null;
  lastBgsaveOk = true;
  lastBgsaveTimeSec = -1;
  lastBgsaveTry = 0;
  saves = 0;
  /** BGSAVE SCHEDULE while another save or rewrite ran: started by the cron. */
  scheduled = false;
  lastLoad: LoadResult = { keysLoaded: 0, keysExpired: 0, aux: new Map() };

  constructor(private readonly srv: Server) {}

  get inProgress(): boolean {
    return this.bg !== null;
  }

  /** Seconds the current BGSAVE has run, -1 when none. */
  get currentSeconds(): number {
    return this.bg === null ? -1 : Math.floor((Date.now() - this.bg.started) / 1000);
  }

  /** Keys written so far and in all by the current BGSAVE. */
  get progress(): { done: number; total: number } {
    return this.bg === null ? { done: 0, total: 0 } : { done: this.bg.snap.processed, total: this.bg.snap.total };
  }

  private cfg(name: string): unknown {
    return (this.srv.config?.values as Record<string, unknown> | undefined)?.[name];
  }

  /** The dump's path: `dbfilename` in `dir`. */
  path(): string {
    return this.srv.config ? this.srv.config.resolvePath(String(this.cfg('dbfilename'))) : path.resolve('dump.rdb');
  }

  private tempPath(): string {
    return path.join(path.dirname(this.path()), `temp-${process.pid}.rdb`);
  }

  private writerOptions() {
    return { compress: this.cfg('rdbcompression') !== false, checksum: this.cfg('rdbchecksum') !== false };
  }

  /**
   * SAVE (and the saves of SHUTDOWN, FLUSHALL, DEBUG RELOAD): the whole
   * snapshot now; null, or why it failed. Only the SAVE command counts in
   * rdb_saves, as in Redis 7.0.
   */
  saveNow(counted = false): string | null {
    if (this.bg !== null) return 'ERR Background save already in progress';
    const tmp = this.tempPath();
    let fd = -1;
    try {
      fd = fs.openSync(tmp, 'w');
      const file = fd;
      const writer = new RdbFileWriter(this.srv, (chunk) => writeAll(file, chunk), this.writerOptions());
      walkNow(this.srv.keyspace, writer);
      writer.finish();
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      fd = -1;
      fs.renameSync(tmp, this.path());
    } catch (e) {
      if (fd !== -1) fs.closeSync(fd);
      fs.rmSync(tmp, { force: true });
      this.srv.log.warning(`Failed opening the temp RDB file ${path.basename(tmp)} (in server root dir ${process.cwd()}) for saving: ${(e as Error).message}`);
      return 'ERR';
    }
    this.srv.log.notice('DB saved on disk');
    this.saved(this.srv.keyspace.dirty);
    if (!counted) this.saves--;
    // rdbSave() counts as a good save for stop-writes-on-bgsave-error too
    this.lastBgsaveOk = true;
    this.refreshDiskError();
    return null;
  }

  private saved(dirtyAtStart: number): void {
    this.srv.keyspace.dirty -= dirtyAtStart;
    this.srv.lastSave = Math.floor(Date.now() / 1000);
    this.saves++;
  }

  /**
   * BGSAVE: null when it started (Redis's fork succeeded), else the error
   * reply. As with Redis's child, a file that cannot be written is found
   * after the reply: the save fails and INFO says so.
   */
  bgsave(): string | null {
    if (this.bg !== null) return 'ERR Background save already in progress';
    const srv = this.srv;
    const tmp = this.tempPath();
    const started = Date.now();
    const dirtyAtStart = srv.keyspace.dirty;
    this.lastBgsaveTry = Math.floor(started / 1000);
    const sink = new AsyncFileSink(tmp);
    const writer = new RdbFileWriter(srv, (chunk) => sink.write(chunk), this.writerOptions());
    srv.log.notice(`Background saving started by pid ${process.pid}`);
    const finish = (err: Error | null): void => {
      this.bg = null;
      this.lastBgsaveTimeSec = Math.floor((Date.now() - started) / 1000);
      if (err !== null) {
        sink.abort();
        this.lastBgsaveOk = false;
        this.refreshDiskError();
        srv.log.warning(`Write error saving DB on disk: ${err.message}`);
        srv.log.warning('Background saving error');
        return;
      }
      this.lastBgsaveOk = true;
      this.refreshDiskError();
      this.saved(dirtyAtStart);
      srv.log.notice('Background saving terminated with success');
    };
    const snap = startSnapshot(
      srv.keyspace,
      writer,
      (err) => {
        if (err !== null) return finish(err);
        try {
          writer.finish();
        } catch (e) {
          return finish(e as Error);
        }
        // written, fsynced and closed off the event loop; then the rename makes it the dump
        sink.end((endErr) => {
          if (endErr !== null) return finish(endErr);
          try {
            fs.renameSync(tmp, this.path());
          } catch (e) {
            return finish(e as Error);
          }
          srv.log.notice('DB saved on disk');
          finish(null);
        });
      },
      sink,
    );
    this.bg = { snap, started };
    return null;
  }

  /** Stop a BGSAVE in progress (FLUSHALL, SHUTDOWN, DEBUG RELOAD) and remove its temp file. */
  abortBgsave(): void {
    if (this.bg === null) return;
    this.bg.snap.cancel();
    this.srv.log.warning('Background saving terminated by signal 10');
  }

  /** The cron: save points, and a scheduled BGSAVE. */
  cron(): void {
    // nor while an AOF rewrite runs (one background job at a time, as Redis's child)
    if (this.bg !== null || this.srv.aof?.rewriteInProgress) return;
    const now = Math.floor(clock.ms / 1000);
    if (this.scheduled) {
      this.scheduled = false;
      this.bgsave();
      return;
    }
    const points = (this.cfg('save') as RawSavePoint[] | undefined) ?? [];
    const dirty = this.srv.keyspace.dirty;
    for (const p of points) {
      if (dirty >= p.changes && now - this.srv.lastSave > Number(p.seconds) && (now - this.lastBgsaveTry > BGSAVE_RETRY_DELAY || this.lastBgsaveOk)) {
        this.srv.log.notice(`${p.changes} changes in ${p.seconds} seconds. Saving...`);
        this.bgsave();
        return;
      }
    }
  }

  /** stop-writes-on-bgsave-error: writes are refused (-MISCONF) while the last BGSAVE failed and save points are set. */
  refreshDiskError(): void {
    const stop = this.cfg('stop-writes-on-bgsave-error') !== false;
    // after an RDB error, an AOF that cannot write (persistence/aof) refuses writes too
    this.srv.diskError = stop && this.hasSavePoints && !this.lastBgsaveOk ? MISCONF : (this.srv.aof?.misconf ?? null);
  }

  /** Whether save points are configured. */
  get hasSavePoints(): boolean {
    return ((this.cfg('save') as RawSavePoint[] | undefined) ?? []).length > 0;
  }

  /**
   * Load the dump at startup, in slices while the server already listens
   * (clients get -LOADING meanwhile); a missing file is an empty dataset.
   * A file that cannot be loaded rejects (the error names the offset).
   */
  async loadAtStartup(): Promise<void> {
    const file = this.path();
    let buf: Buffer;
    try {
      buf = fs.readFileSync(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new Error(`Fatal error loading the DB: ${(e as Error).message}. Exiting.`);
    }
    const srv = this.srv;
    const t0 = Date.now();
    try {
      const loader = new RdbLoader(srv, buf, this.loadOptions());
      srv.loading = { startedMs: t0, totalBytes: buf.length, loadedBytes: () => loader.loadedBytes };
      while (!loader.step(LOAD_SLICE_MS)) await new Promise((r) => setImmediate(r));
      this.lastLoad = loader.result;
    } catch (e) {
      if (e instanceof RdbError) {
        srv.log.warning(`Internal error in RDB reading offset ${e.offset} function at rdb.c:0 -> ${e.reason}`);
        throw new Error(`Fatal error loading the DB ${file}: ${e.message}. Exiting.`);
      }
      throw e;
    } finally {
      srv.loading = null;
    }
    const aux = this.lastLoad.aux;
    const log = srv.log;
    if (aux.has('redis-ver')) log.notice(`Loading RDB produced by version ${aux.get('redis-ver')}`);
    if (aux.has('ctime')) log.notice(`RDB age ${Math.max(0, Math.floor(Date.now() / 1000) - Number(aux.get('ctime')))} seconds`);
    if (aux.has('used-mem')) log.notice(`RDB memory usage when created ${(Number(aux.get('used-mem')) / 1048576).toFixed(2)} Mb`);
    log.notice(`Done loading RDB, keys loaded: ${this.lastLoad.keysLoaded}, keys expired: ${this.lastLoad.keysExpired}.`);
    log.notice(`DB loaded from disk: ${((Date.now() - t0) / 1000).toFixed(3)} seconds`);
    srv.keyspace.dirty = 0;
  }

  private loadOptions() {
    return serverLoadOptions(this.srv, true);
  }

  /** Load an RDB image into the keyspace (empty, or emptied by the caller). */
  loadBuffer(buf: Buffer): LoadResult {
    return loadRdbBuffer(this.srv, buf, this.loadOptions());
  }
}

function writeAll(fd: number, chunk: Buffer): void {
  let off = 0;
  while (off < chunk.length) off += fs.writeSync(fd, chunk, off, chunk.length - off);
}
