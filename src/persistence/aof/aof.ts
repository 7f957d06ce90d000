/**
 * The append-only file in Redis 7.0's multi-part format (aof.c).
 *
 * State: off, on, or waiting for the first rewrite after CONFIG SET
 * appendonly yes (AOF_WAIT_REWRITE). While on, every command the server
 * propagates is appended as RESP to `buf` (with SELECT when the db
 * changes, and `#TS:` annotations under aof-timestamp-enabled); the buffer
 * is written to the current incr file once per event-loop turn, before the
 * replies of that turn leave (Redis's flushAppendOnlyFile in beforeSleep):
 * Server.flush() holds any reply that finds AOF data waiting, and they are
 * sent from a setImmediate after the write.
 * `appendfsync always` fsyncs that write before the replies go, so one
 * fsync covers every command of the turn (group commit); `everysec`
 * fsyncs at most once a second in libuv's thread pool, off the event loop;
 * `no` leaves it to the kernel.
 *
 * Files live in `appenddirname` (manifest.ts): one base, incr files, and
 * history. A rewrite (BGREWRITEAOF, auto rewrite, CONFIG SET appendonly
 * yes) opens a new incr file at once, so writes made during the rewrite go
 * there, and walks a point-in-time snapshot of the keyspace into a temp
 * base file; when the walk is done the temp file becomes the new base and
 * the manifest (written to a temp file, fsynced, renamed) names the new
 * base and incr, the old ones moving to the history, which is deleted.
 *
 * The layers: files.ts (configuration, directory, manifest), writer.ts
 * (the sink, the per-turn write and fsync), this file (startup and
 * loading, rewrites, switching on and off, cron, INFO).
 */
import fs from 'node:fs';
import { AofErr } from '../../protocol/errors';
import { clock } from '../../server/clock';
import { strerror } from '../../config/cstr';
import { Manifest, tempIncrName, type AofFile } from './manifest';
import { AofBaseWriter } from './rewrite';
import { startSnapshot, walkNow, type Snapshot, type SnapshotVisitor } from '../snapshot';
import { RdbFileWriter } from '../rdb/file';
import { loadAppendOnlyFiles, LoadStatus } from './load';
import { AofError, writeAll } from './files';
import { AofState, AofWriter } from './writer';

export { AofError, AofState };


/** What writes a base file: a snapshot visitor, then end() once every key was visited. */
interface BaseWriter {
  visitor: SnapshotVisitor;
  /** The RDB image (aof-use-rdb-preamble yes) or commands. */
  rdb: boolean;
  end(): void;
  /** An incremental sync is still running: wait before the final one. */
  syncing(): boolean;
}

/** A rewrite in progress (Redis's AOF child). */
interface RewriteJob {
  fd: number;
  tmpName: string;
  writer: BaseWriter;
  snap: Snapshot | null;
  started: number;
  /** Killed (CONFIG SET appendonly no, SHUTDOWN...): its result is thrown away. */
  killed: boolean;
}

/** Retry a failed auto rewrite after this long, doubled per failure up to an hour (aofRewriteLimited). */
const REWRITE_RETRY_MIN_MS = 60_000;
const REWRITE_RETRY_MAX_MS = 3_600_000;
const AOF_REWRITE_LIMITE_THRESHOLD = 3;

export class Aof extends AofWriter {
  rewrite: RewriteJob | null = null;
  rewriteScheduled = false;
  rewrites = 0;
  lastRewriteTimeSec = -1;
  lastBgrewriteOk = true;
  consecutiveFailures = 0;
  private nextRetry = 0;

  /**
   * Whether another background job (BGSAVE) is running, as Redis's
   * hasActiveChildProcess(): a rewrite asked for meanwhile is scheduled.
   * The RDB layer sets it.
   */
  otherJobActive: () => boolean = () => false;


  // ------------------------------------------------------------ startup and loading

  /**
   * Load the dataset at startup when appendonly is yes (base, then incr
   * files), then open the file to append to (creating a base and an incr
   * file when there are none), and remove the history. Throws AofError
   * (after logging why) when the server must not start.
   */
  startup(): void {
    this.loadManifestFromDisk();
    if (this.cfg('appendonly', false)) {
      this.state = AofState.On;
      const t0 = performance.now();
      if (this.needsUpgrade()) this.upgradeOldStyle();
      const st = this.loadFiles();
      if (st === LoadStatus.Failed || st === LoadStatus.OpenErr) throw new AofError('the AOF could not be loaded');
      if (st !== LoadStatus.NotExist) this.srv.log.notice(`DB loaded from append only file: ${((performance.now() - t0) / 1000).toFixed(3)} seconds`);
      this.openOnServerStart();
    }
    this.deleteHistory();
  }

  /** Load the manifest's files into the keyspace (startup, DEBUG LOADAOF). */
  loadFiles(): LoadStatus {
    const r = loadAppendOnlyFiles(this.srv, this, this.manifest);
    if (r.status === LoadStatus.Ok || r.status === LoadStatus.Truncated || r.status === LoadStatus.Empty) {
      this.currentSize = r.totalSize;
      this.baseSize = r.baseSize;
    }
    return r.status;
  }

  /** aofOpenIfNeededOnServerStart(). */
  private openOnServerStart(): void {
    const log = this.srv.log;
    const mkErr = this.makeDir();
    if (mkErr !== null) {
      log.warning(`Can't open or create append-only dir ${this.dir}: ${mkErr}`);
      throw new AofError('cannot create the AOF directory');
    }
    const m = this.manifest;
    const hadIncr = m.incrs.length !== 0;
    if (m.base === null && !hadIncr) {
      const base = this.writeBaseNow(m);
      log.notice(`Creating AOF base file ${base.name} on server start`);
    }
    const incr = hadIncr ? m.incrs[m.incrs.length - 1] : m.newIncr(this.appendfilename);
    try {
      this.fd = this.openAppend(incr.name, false);
    } catch (e) {
      log.warning(`Can't open the append-only file ${incr.name}: ${strerror(e)}`);
      throw new AofError('cannot open the AOF');
    }
    if (!this.persistManifest(m)) throw new AofError('cannot persist the AOF manifest');
    log.notice(`${hadIncr ? 'Opening' : 'Creating'} AOF incr file ${incr.name} on server start`);
  }

  /**
   * The writer of a base file into `fd`: an RDB image (aof-use-rdb-preamble
   * yes, its aof-base aux field set) or the dataset as commands.
   */
  private baseWriter(fd: number, incrementalFsync: boolean): BaseWriter {
    if (this.cfg('aof-use-rdb-preamble', true)) {
      const w = new RdbFileWriter(this.srv, (chunk) => writeAll(fd, chunk), {
        compress: this.cfg('rdbcompression', true),
        checksum: this.cfg('rdbchecksum', true),
        aofBase: true,
      });
      return { visitor: w, rdb: true, end: () => w.finish(), syncing: () => false };
    }
    const ts = this.timestampNow();
    const w = new AofBaseWriter(fd, clock.ms, ts, incrementalFsync);
    return { visitor: w, rdb: false, end: () => w.end(), syncing: () => w.syncing };
  }

  /** The synchronous rewrite of server start (rewriteAppendOnlyFile): the whole dataset into a new base. */
  private writeBaseNow(m: Manifest): AofFile {
    const tmp = this.filePath(`temp-rewriteaof-${process.pid}.aof`);
    const fd = fs.openSync(tmp, 'w', 0o644);
    let rdb: boolean;
    try {
      const w = this.baseWriter(fd, false);
      rdb = w.rdb;
      if (!rdb) this.curTimestamp = this.timestampNow() ?? this.curTimestamp;
      walkNow(this.srv.keyspace, w.visitor);
      w.end();
      fs.fsyncSync(fd);
    } catch (e) {
      this.srv.log.warning(`Write error writing append only file on disk: ${strerror(e)}`);
      throw new AofError(`cannot write the AOF base: ${strerror(e)}`);
    } finally {
      fs.closeSync(fd);
    }
    const base = m.newBase(this.appendfilename, rdb);
    fs.renameSync(tmp, this.filePath(base.name));
    return base;
  }

  private timestampNow(): number | null {
    return this.srv.config?.values['aof-timestamp-enabled'] ? Math.floor(clock.ms / 1000) : null;
  }

  // ------------------------------------------------------------ rewrite

  override get rewriteInProgress(): boolean {
    return this.rewrite !== null;
  }

  /**
   * openNewIncrAofForAppend(): when on, a new incr file joins the manifest
   * (persisted at once, so a crash during the rewrite loads old base + all
   * incr files); while waiting for the first rewrite, a temp incr file.
   */
  private openNewIncr(): boolean {
    if (this.state === AofState.Off) return true;
    const log = this.srv.log;
    let name: string;
    let m: Manifest | null = null;
    if (this.state === AofState.WaitRewrite) {
      name = tempIncrName(this.appendfilename);
    } else {
      m = this.manifest.clone();
      name = m.newIncr(this.appendfilename).name;
    }
    let fd: number;
    try {
      fd = this.openAppend(name, true);
    } catch (e) {
      log.warning(`Can't open the append-only file ${name}: ${strerror(e)}`);
      return false;
    }
    if (m !== null && !this.persistManifest(m)) {
      fs.closeSync(fd);
      fs.rmSync(this.filePath(name), { force: true });
      return false;
    }
    log.notice(`Creating AOF incr file ${name} on background rewrite`);
    this.retire(this.fd);
    this.fd = fd;
    if (m !== null) this.manifest = m;
    return true;
  }

  /** rewriteAppendOnlyFileBackground(): false when it could not start (logged). */
  startRewrite(): boolean {
    if (this.rewrite !== null || this.otherJobActive()) return false;
    const log = this.srv.log;
    const mkErr = this.makeDir();
    if (mkErr !== null) {
      log.warning(`Can't open or create append-only dir ${this.dir}: ${mkErr}`);
      this.lastBgrewriteOk = false;
      return false;
    }
    // the next command written starts with a SELECT
    this.selectedDb = -1;
    this.writeNow();
    if (!this.openNewIncr()) {
      this.lastBgrewriteOk = false;
      return false;
    }
    this.rewrites++;
    const tmpName = `temp-rewriteaof-bg-${process.pid}.aof`;
    let fd: number;
    try {
      fd = fs.openSync(this.filePath(tmpName), 'w', 0o644);
    } catch (e) {
      log.warning(`Opening the temp file for AOF rewrite in rewriteAppendOnlyFile(): ${strerror(e)}`);
      this.lastBgrewriteOk = false;
      return false;
    }
    const writer = this.baseWriter(fd, this.cfg('aof-rewrite-incremental-fsync', true));
    const job: RewriteJob = { fd, tmpName, writer, snap: null, started: Date.now(), killed: false };
    this.rewrite = job;
    this.rewriteScheduled = false;
    log.notice(`Background append only file rewriting started by pid ${process.pid}`);
    job.snap = startSnapshot(this.srv.keyspace, writer.visitor, (err) => {
      if (job.killed) return;
      if (err) return this.rewriteFailed(job, err);
      try {
        writer.end();
      } catch (e) {
        return this.rewriteFailed(job, e as Error);
      }
      // the file synced off the event loop (after an incremental sync still running), then switched in
      const sync = (): void => {
        if (job.killed) return;
        if (writer.syncing()) return void setTimeout(sync, 1);
        fs.fsync(fd, (err2) => {
          if (job.killed) return;
          if (err2) return this.rewriteFailed(job, err2);
          log.notice(`Successfully created the temporary AOF base file ${tmpName}`);
          this.rewriteDone(job);
        });
      };
      sync();
    });
    return true;
  }

  /** backgroundRewriteDoneHandler() on success: the temp files become the new base (and incr). */
  private rewriteDone(job: RewriteJob): void {
    const log = this.srv.log;
    fs.closeSync(job.fd);
    this.rewrite = null;
    log.notice('Background AOF rewrite terminated with success');
    const m = this.manifest.clone();
    const base = m.newBase(this.appendfilename, job.writer.rdb);
    try {
      fs.renameSync(this.filePath(job.tmpName), this.filePath(base.name));
    } catch (e) {
      log.warning(`Error trying to rename the temporary AOF base file ${job.tmpName} into ${base.name}: ${strerror(e)}`);
      return this.rewriteCleanup(job, false);
    }
    this.fsyncDir();
    log.notice(`Successfully renamed the temporary AOF base file ${job.tmpName} into ${base.name}`);
    let newIncr: AofFile | null = null;
    if (this.state === AofState.WaitRewrite) {
      const tmpIncr = tempIncrName(this.appendfilename);
      newIncr = m.newIncr(this.appendfilename);
      try {
        fs.renameSync(this.filePath(tmpIncr), this.filePath(newIncr.name));
      } catch (e) {
        log.warning(`Error trying to rename the temporary AOF incr file ${tmpIncr} into ${newIncr.name}: ${strerror(e)}`);
        // undo the base rename
        try {
          fs.renameSync(this.filePath(base.name), this.filePath(job.tmpName));
        } catch {
          /* left for the next rewrite */
        }
        return this.rewriteCleanup(job, false);
      }
      this.fsyncDir();
      log.notice(`Successfully renamed the temporary AOF incr file ${tmpIncr} into ${newIncr.name}`);
    }
    // the incr files the new base covers: all but the one being appended to (none when off)
    m.incrsToHistory(this.state === AofState.Off ? 0 : 1);
    if (!this.persistManifest(m)) {
      // the rewrite fails, the files go back to their temp names
      try {
        fs.renameSync(this.filePath(base.name), this.filePath(job.tmpName));
        if (newIncr !== null) fs.renameSync(this.filePath(newIncr.name), this.filePath(tempIncrName(this.appendfilename)));
      } catch {
        /* nothing more to do */
      }
      return this.rewriteCleanup(job, false);
    }
    this.manifest = m;
    if (this.state === AofState.WaitRewrite) this.state = AofState.On;
    this.deleteHistory();
    // new base + what the incr file got during the rewrite (written or still buffered)
    const incr = m.incrs.length ? this.fileSize(m.incrs[m.incrs.length - 1].name) : 0;
    this.currentSize = this.fileSize(base.name) + incr;
    this.baseSize = this.currentSize;
    this.rewriteCleanup(job, true);
    log.notice('Background AOF rewrite finished successfully');
  }

  private rewriteFailed(job: RewriteJob, err: Error): void {
    this.srv.log.warning(`Write error writing append only file on disk: ${strerror(err)}`);
    try {
      fs.closeSync(job.fd);
    } catch {
      /* closed */
    }
    this.rewrite = null;
    this.srv.log.warning('Background AOF rewrite terminated with error');
    this.rewriteCleanup(job, false);
  }

  private rewriteCleanup(job: RewriteJob, ok: boolean): void {
    this.rewrite = null;
    this.lastRewriteTimeSec = Math.floor((Date.now() - job.started) / 1000);
    if (ok) {
      this.lastBgrewriteOk = true;
      this.consecutiveFailures = 0;
      return;
    }
    fs.rm(this.filePath(job.tmpName), { force: true }, () => {});
    this.lastBgrewriteOk = false;
    this.consecutiveFailures++;
    // waiting to switch the AOF on: try again
    if (this.state === AofState.WaitRewrite) this.rewriteScheduled = true;
  }

  /** killAppendOnlyChild(): abandon the rewrite in progress, its temp base file removed. */
  killRewrite(): void {
    const job = this.rewrite;
    if (job === null) return;
    this.srv.log.notice(`Killing running AOF rewrite child: ${process.pid}`);
    job.killed = true;
    job.snap?.cancel();
    try {
      fs.closeSync(job.fd);
    } catch {
      /* closed */
    }
    fs.rmSync(this.filePath(job.tmpName), { force: true });
    this.rewrite = null;
  }

  /** aofRewriteLimited(): after repeated failures an automatic rewrite waits (1 min, doubling, at most 1 h). */
  private rewriteLimited(): boolean {
    if (this.consecutiveFailures < AOF_REWRITE_LIMITE_THRESHOLD) return false;
    const now = Date.now();
    if (this.nextRetry === 0 || now >= this.nextRetry + REWRITE_RETRY_MAX_MS) {
      const delay = Math.min(REWRITE_RETRY_MAX_MS, REWRITE_RETRY_MIN_MS * 2 ** (this.consecutiveFailures - AOF_REWRITE_LIMITE_THRESHOLD));
      this.nextRetry = now + delay;
      this.srv.log.warning(`Background AOF rewrite has repeatedly failed and triggered the limit, will retry in ${Math.round(delay / 60000)} minutes`);
      return true;
    }
    if (now < this.nextRetry) return true;
    this.nextRetry = 0;
    return false;
  }

  /** BGREWRITEAOF: the reply text, or an error. */
  bgrewriteaof(): { ok: string } | { err: string } {
    if (this.rewrite !== null) return { err: AofErr.rewriteInProgress };
    // inside MULTI/EXEC (or a script) the transaction's writes are not propagated yet: the snapshot would hold them twice
    if (this.otherJobActive() || this.srv.inPropagationUnit) {
      this.rewriteScheduled = true;
      this.consecutiveFailures = 0;
      return { ok: 'Background append only file rewriting scheduled' };
    }
    if (this.startRewrite()) {
      this.consecutiveFailures = 0;
      return { ok: 'Background append only file rewriting started' };
    }
    return { err: AofErr.cantRewrite };
  }

  // ------------------------------------------------------------ switching on and off

  /** startAppendOnly(): CONFIG SET appendonly yes. False when it cannot start. */
  start(): boolean {
    const log = this.srv.log;
    this.state = AofState.WaitRewrite;
    if (this.otherJobActive()) {
      this.rewriteScheduled = true;
      log.warning('AOF was enabled but there is already another background operation. An AOF background was scheduled to start when possible.');
    } else if (this.srv.inPropagationUnit) {
      this.rewriteScheduled = true;
      log.warning('AOF was enabled during a transaction. An AOF background was scheduled to start when possible.');
    } else {
      if (this.rewrite !== null) {
        log.warning('AOF was enabled but there is already an AOF rewriting in background. Stopping background AOF and starting a rewrite now.');
        this.killRewrite();
      }
      if (!this.startRewrite()) {
        this.state = AofState.Off;
        log.warning("Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. Check the above logs for more info about the error.");
        return false;
      }
    }
    this.lastFsync = clock.ms;
    return true;
  }

  /** stopAppendOnly(): CONFIG SET appendonly no. */
  stop(): void {
    this.syncNow();
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
    this.selectedDb = -1;
    this.state = AofState.Off;
    this.rewriteScheduled = false;
    this.killRewrite();
    this.buf.reset();
    this.pending = false;
    this.onWriteStatus?.();
  }

  /**
   * prepareForShutdown()'s AOF part: false (logged) when the server must
   * not exit (the first rewrite after enabling the AOF is still running).
   */
  prepareForShutdown(force: boolean): boolean {
    const log = this.srv.log;
    if (this.rewrite !== null) {
      if (this.state === AofState.WaitRewrite) {
        if (!force) {
          log.warning("Writing initial AOF, can't exit.");
          return false;
        }
        log.warning('Writing initial AOF. Exit anyway.');
      }
      log.warning('There is a child rewriting the AOF. Killing it!');
      this.killRewrite();
    }
    if (this.state !== AofState.Off) {
      log.notice('Calling fsync() on the AOF file.');
      this.syncNow();
    }
    return true;
  }

  /** The server is closing: write and sync what is buffered, close the file. */
  close(): void {
    if (this.state !== AofState.Off) this.syncNow();
    this.killRewrite();
    if (this.fd >= 0) {
      try {
        fs.closeSync(this.fd);
      } catch {
        /* closed */
      }
    }
    this.fd = -1;
    this.state = AofState.Off;
  }

  // ------------------------------------------------------------ cron

  /** serverCron's AOF duties. */
  cron(): void {
    if (this.rewrite === null && this.rewriteScheduled && !this.otherJobActive() && !this.rewriteLimited()) this.startRewrite();
    const perc = this.cfg<number>('auto-aof-rewrite-percentage', 100);
    if (this.state === AofState.On && this.rewrite === null && !this.otherJobActive() && perc > 0) {
      const minSize = Number(this.cfg<number | bigint>('auto-aof-rewrite-min-size', 64 * 1024 * 1024));
      if (this.currentSize > minSize) {
        const base = this.baseSize || 1;
        const growth = Math.floor((this.currentSize * 100) / base) - 100;
        if (growth >= perc && !this.rewriteLimited()) {
          this.srv.log.notice(`Starting automatic rewriting of AOF on ${growth}% growth`);
          this.startRewrite();
        }
      }
    }
    if (this.state !== AofState.Off) {
      // a failed write is retried; everysec syncs what was written more than a second ago
      if (this.writeFailed !== null || this.pending) this.writeNow();
      else this.maybeBackgroundFsync();
    }
  }

  /**
   * The -MISCONF error writes deserve while the last write to the AOF failed
   * (writeCommandsDeniedByDiskError), null otherwise: the dispatcher's
   * disk-error gate (srv.diskError) answers with it after an RDB error.
   */
  get misconf(): string | null {
    const why = this.writeFailed ?? this.fsyncFailed;
    if (this.state === AofState.Off || why === null) return null;
    return `MISCONF Errors writing to the AOF file: ${why}`;
  }

  // ------------------------------------------------------------ INFO

  /** The AOF lines of INFO persistence, as Redis 7.0 prints them. */
  infoLines(): string[] {
    const now = Date.now();
    const lines = [
      `aof_enabled:${this.state !== AofState.Off ? 1 : 0}`,
      `aof_rewrite_in_progress:${this.rewrite !== null ? 1 : 0}`,
      `aof_rewrite_scheduled:${this.rewriteScheduled ? 1 : 0}`,
      `aof_last_rewrite_time_sec:${this.lastRewriteTimeSec}`,
      `aof_current_rewrite_time_sec:${this.rewrite !== null ? Math.floor((now - this.rewrite.started) / 1000) : -1}`,
      `aof_last_bgrewrite_status:${this.lastBgrewriteOk ? 'ok' : 'err'}`,
      `aof_rewrites:${this.rewrites}`,
      `aof_rewrites_consecutive_failures:${this.consecutiveFailures}`,
      `aof_last_write_status:${this.writeFailed === null && this.fsyncFailed === null ? 'ok' : 'err'}`,
      'aof_last_cow_size:0',
      'module_fork_in_progress:0',
      'module_fork_last_cow_size:0',
    ];
    if (this.cfg('appendonly', false)) {
      lines.push(
        `aof_current_size:${this.currentSize}`,
        `aof_base_size:${this.baseSize}`,
        `aof_pending_rewrite:${this.rewriteScheduled ? 1 : 0}`,
        `aof_buffer_length:${this.buf.len}`,
        `aof_pending_bio_fsync:${this.fsyncsInFlight}`,
        'aof_delayed_fsync:0',
      );
    }
    return lines;
  }
}
