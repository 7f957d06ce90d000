/**
 * The AOF's files (aof.c's file management): the configuration that names
 * them, the append-only directory and its manifest (loaded, persisted
 * atomically, history removed), and the migration of an old-style single
 * AOF. Aof (aof.ts) builds the write path and the rewrites on top.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Server } from '../../server/server';
import { fromBinary, strerror } from '../../config/cstr';
import { Manifest, ManifestError, manifestName, TEMP_PREFIX } from './manifest';

export class AofError extends Error {}

export type FsyncPolicy = 'always' | 'everysec' | 'no';

export class AofFiles {
  manifest = new Manifest();

  constructor(readonly srv: Server) {}

  // ------------------------------------------------------------ config

  protected cfg<T>(name: string, dflt: T): T {
    const v = this.srv.config?.values as Record<string, unknown> | undefined;
    return v && v[name] !== undefined ? (v[name] as T) : dflt;
  }
  get appendfilename(): string {
    return this.cfg('appendfilename', 'appendonly.aof');
  }
  protected get fsyncPolicy(): FsyncPolicy {
    return this.cfg<FsyncPolicy>('appendfsync', 'everysec');
  }
  /** The AOF directory's path. */
  get dir(): string {
    const dirname = this.cfg('appenddirname', 'appendonlydir');
    const cfg = this.srv.config;
    return fromBinary(cfg ? cfg.resolvePath(dirname) : path.resolve(dirname));
  }
  /** Path of a file in `dir` (Redis runs in `dir`: the old-style AOF is there). */
  protected inDir(name: string): string {
    const cfg = this.srv.config;
    return fromBinary(cfg ? cfg.resolvePath(name) : path.resolve(name));
  }
  filePath(name: string): string {
    return path.join(this.dir, fromBinary(name));
  }

  protected openAppend(name: string, truncate: boolean): number {
    const C = fs.constants;
    return fs.openSync(this.filePath(name), C.O_WRONLY | C.O_CREAT | C.O_APPEND | (truncate ? C.O_TRUNC : 0), 0o644);
  }

  protected fileSize(name: string): number {
    try {
      return fs.statSync(this.filePath(name)).size;
    } catch {
      return 0;
    }
  }

  protected fsyncDir(): void {
    try {
      const fd = fs.openSync(this.dir, 'r');
      try {
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      /* not every file system lets a directory be synced */
    }
  }

  /** persistAofManifest(): temp file, fsync, rename over the manifest, fsync the directory. */
  persistManifest(m: Manifest): boolean {
    const name = manifestName(this.appendfilename);
    const tmp = this.filePath(TEMP_PREFIX + name);
    try {
      const fd = fs.openSync(tmp, 'w', 0o644);
      try {
        fs.writeFileSync(fd, m.format(), 'latin1');
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(tmp, this.filePath(name));
    } catch (e) {
      this.srv.log.warning(`Can't persist the AOF manifest file ${name}: ${strerror(e)}`);
      return false;
    }
    this.fsyncDir();
    return true;
  }

  protected makeDir(): string | null {
    try {
      fs.mkdirSync(this.dir, { recursive: true, mode: 0o755 });
      return null;
    } catch (e) {
      return strerror(e);
    }
  }

  /**
   * aofLoadManifestFromDisk(): the manifest as on disk (an empty one when
   * there is no directory or no manifest). Throws AofError after logging
   * Redis's fatal lines when the manifest cannot be read.
   */
  loadManifestFromDisk(): void {
    this.manifest = new Manifest();
    const log = this.srv.log;
    if (!isDir(this.dir)) {
      log.verbose(`The AOF directory ${fromBinary(this.cfg('appenddirname', 'appendonlydir'))} doesn't exist`);
      return;
    }
    const name = manifestName(this.appendfilename);
    let text: string;
    try {
      text = fs.readFileSync(this.filePath(name), 'latin1');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        log.verbose(`The AOF manifest file ${name} doesn't exist`);
        return;
      }
      log.warning(`Fatal error: can't open the AOF manifest ${name} for reading: ${strerror(e)}`);
      throw new AofError(`can't open the AOF manifest ${name}`);
    }
    try {
      this.manifest = Manifest.parse(text);
    } catch (e) {
      if (!(e instanceof ManifestError)) throw e;
      log.warning('\n*** FATAL AOF MANIFEST FILE ERROR ***\n');
      if (e.line > 0) {
        log.warning(`Reading the manifest file, at line ${e.line}\n`);
        log.warning(`>>> '${e.text}'\n`);
      }
      log.warning(`${e.message}\n`);
      throw new AofError(`AOF manifest ${name}: ${e.message}`);
    }
  }

  /**
   * aofUpgradePrepare(): an old-style single AOF (`appendfilename` in
   * `dir`) becomes the base of a new manifest, moved into the directory.
   */
  protected upgradeOldStyle(): void {
    const name = this.appendfilename;
    const mkErr = this.makeDir();
    if (mkErr !== null) {
      this.srv.log.warning(`Can't open or create append-only dir ${this.dir}: ${mkErr}`);
      throw new AofError('cannot create the AOF directory');
    }
    const m = this.manifest.clone();
    if (m.base) {
      m.base.type = 'h';
      m.history.unshift(m.base);
    }
    m.base = { name, seq: 1, type: 'b' };
    m.currBaseSeq = 1;
    if (!this.persistManifest(m)) throw new AofError('cannot persist the AOF manifest');
    try {
      fs.renameSync(this.inDir(name), this.filePath(name));
    } catch (e) {
      this.srv.log.warning(`Error trying to rename the existing AOF to the AOF directory: ${strerror(e)}`);
      throw new AofError('cannot move the old-style AOF');
    }
    this.fsyncDir();
    this.manifest = m;
    this.srv.log.notice(`Successfully migrated an old-style AOF file (${name}) into the AOF directory (${fromBinary(this.cfg('appenddirname', 'appendonlydir'))}).`);
  }

  /** Whether loading should first migrate an old-style AOF (the three cases of loadAppendOnlyFiles). */
  protected needsUpgrade(): boolean {
    const name = this.appendfilename;
    if (!fs.existsSync(this.inDir(name)) || this.inDir(name) === this.filePath(name)) return false;
    const m = this.manifest;
    if (!isDir(this.dir)) return true;
    if (m.base === null && m.incrs.length === 0) return true;
    return m.base !== null && m.incrs.length === 0 && m.base.name === name && !fs.existsSync(this.filePath(name));
  }

  /** aofDelHistoryFiles(). */
  deleteHistory(): void {
    const m = this.manifest;
    if (m.history.length === 0 || this.srv.config?.values['aof-disable-auto-gc']) return;
    for (const f of m.history) {
      this.srv.log.notice(`Removing the history file ${f.name} in the background`);
      fs.unlink(this.filePath(f.name), () => {});
    }
    m.history = [];
    this.persistManifest(m);
  }
}

export function writeAll(fd: number, chunk: Buffer): void {
  let off = 0;
  while (off < chunk.length) off += fs.writeSync(fd, chunk, off, chunk.length - off);
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
