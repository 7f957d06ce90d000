/**
 * The AOF's write path (aof.c's feedAppendOnlyFile and
 * flushAppendOnlyFile): the propagation sink appending commands to a
 * buffer, the one write per event-loop turn that replies wait for, and the
 * fsync policies. Aof (aof.ts) adds startup, rewrites and INFO.
 */
import fs from 'node:fs';
import type { Client } from '../../server/client';
import { Reply } from '../../protocol/reply';
import { clock } from '../../server/clock';
import { strerror } from '../../config/cstr';
import { AofFiles } from './files';

export const enum AofState {
  Off,
  On,
  WaitRewrite,
}

export abstract class AofWriter extends AofFiles {
  private current = AofState.Off;

  /** Off, on, or waiting for the first rewrite; the propagation sink is registered only while not off. */
  get state(): AofState {
    return this.current;
  }

  set state(v: AofState) {
    if ((v === AofState.Off) !== (this.current === AofState.Off)) {
      if (v === AofState.Off) this.srv.removePropagateSink(this.feed);
      else this.srv.addPropagateSink(this.feed);
    }
    this.current = v;
  }
  /** Commands not yet written to the file. */
  readonly buf = new Reply();
  /** The buffer holds commands: replies must wait for them (read by Server.flush). */
  pending = false;
  /** The file appended to: the last incr file, or the temp incr while waiting for the first rewrite. */
  protected fd = -1;
  protected selectedDb = -1;
  /** Bytes of base + incr files (aof_current_size). */
  currentSize = 0;
  /** Size when the last rewrite ended or the files were loaded (aof_rewrite_base_size). */
  baseSize = 0;
  /** Writes to the file so far, and how many of them an fsync is known to cover (Redis's aof_fsync_offset). */
  protected writes = 0;
  protected syncedWrites = 0;
  protected lastFsync = 0;
  protected fsyncsInFlight = 0;
  protected writeFailed: string | null = null;
  /** The last background fsync failed: why (Redis's aof_bio_fsync_status). */
  protected fsyncFailed: string | null = null;
  protected lastWriteErrorLog = 0;
  /** `#TS:` annotations: the second of the last one written. */
  protected curTimestamp = 0;

  /** Called when a write or fsync starts or stops failing (the server's -MISCONF gate is refreshed). */
  onWriteStatus: (() => void) | null = null;
  /** Clients whose replies wait for this turn's write (Server.flush()). */
  protected readonly held = new Set<Client>();
  protected turnScheduled = false;


  // ------------------------------------------------------------ feeding (the propagation sink)

  /** feedAppendOnlyFile(): append a propagated command. */
  readonly feed = (dbid: number, argv: string[]): void => {
    // writes made while waiting for the first rewrite to start are in its snapshot
    if (this.state === AofState.Off || (this.state === AofState.WaitRewrite && !this.rewriteInProgress)) return;
    const b = this.buf;
    if (this.srv.config?.values['aof-timestamp-enabled']) {
      const now = Math.floor(clock.ms / 1000);
      if (this.curTimestamp < now) {
        b.raw(`#TS:${now}\r\n`);
        this.curTimestamp = now;
      }
    }
    if (dbid !== this.selectedDb) {
      b.bulks(['SELECT', String(dbid)]);
      this.selectedDb = dbid;
    }
    b.bulks(argv);
    if (!this.pending) {
      this.pending = true;
      this.scheduleTurn();
    }
  };

  /** Server.flush() found AOF data waiting: c's reply leaves at the end of this turn, after the write. */
  hold(c: Client): void {
    this.held.add(c);
    this.scheduleTurn();
  }

  protected scheduleTurn(): void {
    if (this.turnScheduled) return;
    this.turnScheduled = true;
    setImmediate(this.endOfTurn);
  }

  /** After the poll phase: one write (and fsync under always) for the turn, then the held replies. */
  protected readonly endOfTurn = (): void => {
    this.turnScheduled = false;
    if (this.pending) this.writeNow();
    if (this.held.size === 0) return;
    for (const c of this.held) this.srv.flush(c);
    this.held.clear();
  };

  // ------------------------------------------------------------ writing

  /**
   * flushAppendOnlyFile(force): write the buffer to the file; under
   * appendfsync always fsync it before returning. Replies that depend on
   * these commands may leave once this returns.
   */
  writeNow(): void {
    this.pending = false;
    const b = this.buf;
    if (b.len === 0) {
      this.maybeBackgroundFsync();
      return;
    }
    if (this.fd < 0) {
      b.reset();
      return;
    }
    const len = b.len;
    let written = 0;
    try {
      while (written < len) written += fs.writeSync(this.fd, b.buf, written, len - written);
    } catch (e) {
      this.writeError(e, written);
      return;
    }
    b.reset();
    this.currentSize += len;
    this.writes++;
    if (this.writeFailed !== null) {
      this.srv.log.warning('AOF write error looks solved, Redis can write again.');
      this.writeFailed = null;
      this.onWriteStatus?.();
    }
    if (this.fsyncPolicy === 'always') {
      try {
        fs.fdatasyncSync(this.fd);
      } catch (e) {
        this.srv.log.warning(`Can't persist AOF for fsync error when the AOF fsync policy is 'always': ${strerror(e)}. Exiting...`);
        process.exit(1);
      }
      this.syncedWrites = this.writes;
      this.lastFsync = clock.ms;
    } else {
      this.maybeBackgroundFsync();
    }
  }

  /** A failed (maybe partial) write: as Redis, cut the partial command off and keep the buffer for a retry. */
  protected writeError(e: unknown, written: number): void {
    const msg = strerror(e);
    const b = this.buf;
    if (written > 0) {
      try {
        fs.ftruncateSync(this.fd, this.currentSize);
      } catch {
        // could not remove it: the written part stays in the file and leaves the buffer
        b.buf.copyWithin(0, written, b.len);
        b.len -= written;
        this.currentSize += written;
      }
    }
    if (this.fsyncPolicy === 'always') {
      this.srv.log.warning("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
      process.exit(1);
    }
    this.writeFailed = msg;
    this.onWriteStatus?.();
    // AOF_WRITE_LOG_ERROR_RATE: at most one line every 30 seconds
    if (clock.ms - this.lastWriteErrorLog > 30_000) {
      this.lastWriteErrorLog = clock.ms;
      this.srv.log.warning(`Error writing to the AOF file: ${msg}`);
    }
  }

  /** appendfsync everysec: fsync in the thread pool when a second has passed since the last one. */
  protected maybeBackgroundFsync(): void {
    if (this.fsyncPolicy !== 'everysec' || this.fd < 0 || this.syncedWrites === this.writes) return;
    if (this.fsyncsInFlight !== 0 || clock.ms - this.lastFsync < 1000) return;
    const fd = this.fd;
    const target = this.writes;
    this.fsyncsInFlight++;
    this.lastFsync = clock.ms;
    fs.fdatasync(fd, (err) => {
      this.fsyncsInFlight--;
      if (err) {
        this.fsyncFailed = strerror(err);
        this.onWriteStatus?.();
        this.srv.log.warning(`Fail to fsync the AOF file: ${strerror(err)}`);
      } else {
        if (this.fsyncFailed !== null) {
          this.fsyncFailed = null;
          this.onWriteStatus?.();
        }
        if (fd === this.fd && target > this.syncedWrites) this.syncedWrites = target;
      }
    });
  }

  /** Stop appending to `fd`: sync it (off the event loop) and close it. */
  protected retire(fd: number): void {
    if (fd < 0) return;
    this.fsyncsInFlight++;
    fs.fdatasync(fd, () => {
      this.fsyncsInFlight--;
      fs.close(fd, () => {});
    });
  }

  /** Flush and fsync now (shutdown, stopping): false when the fsync failed. */
  protected syncNow(): boolean {
    this.writeNow();
    if (this.fd < 0) return true;
    try {
      fs.fdatasyncSync(this.fd);
      this.syncedWrites = this.writes;
      this.lastFsync = clock.ms;
      return true;
    } catch (e) {
      this.srv.log.warning(`Fail to fsync the AOF file: ${strerror(e)}.`);
      return false;
    }
  }

  /** A rewrite is running (its new incr file takes the writes). */
  abstract get rewriteInProgress(): boolean;
}
