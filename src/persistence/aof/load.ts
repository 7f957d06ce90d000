/**
 * Loading the AOF (loadAppendOnlyFiles / loadSingleAppendOnlyFile): the
 * base file, then the incr files in order, each command run on a client
 * without a connection the way Redis runs its AOF client — as if sent by a
 * master (XADD/XTRIM LIMIT and `=` allowed), replies dropped, MULTI/EXEC
 * honoured, nothing propagated and no key expired while loading (a key
 * whose TTL has passed is still there for the commands that follow, and
 * expires once the server runs). A base file in RDB format goes to the RDB
 * loader.
 *
 * How the data ends decides what happens, with Redis's log lines: a file
 * cut short inside a command (or inside a MULTI without its EXEC) is
 * truncated back to its last complete command when aof-load-truncated is
 * yes and it is the last file, and stops the server otherwise; anything
 * that is not RESP stops the server, naming the file and the offset.
 */
import fs from 'node:fs';
import type { Server } from '../../server/server';
import type { Command } from '../../server/command';
import { Client } from '../../server/client';
import { updateClock } from '../../server/clock';
import { strerror } from '../../config/cstr';
import { queueIfMulti, discardTransaction } from '../../tx/transaction';
import { loadRdbBuffer, serverLoadOptions, type LoadResult as RdbLoadResult } from '../rdb/file';
import { RdbError } from '../rdb/encoding';
import { AofReader, startsWithRdb } from './reader';
import type { Manifest, AofFile } from './manifest';
import type { Aof } from './aof';

export const enum LoadStatus {
  Ok,
  NotExist,
  Empty,
  OpenErr,
  Failed,
  Truncated,
}

export interface LoadResult {
  status: LoadStatus;
  /** Bytes of base and incr files after loading (aof_current_size). */
  totalSize: number;
  /** Bytes of the base file (aof_rewrite_base_size). */
  baseSize: number;
}

/** CLIENT_ID_AOF: the AOF client never takes an id from the sequence. */
const AOF_CLIENT_ID = Number.MAX_SAFE_INTEGER;

/** The client the AOF's commands run on (createAOFClient). */
function aofClient(srv: Server): Client {
  const c = new Client(srv, null, AOF_CLIENT_ID);
  c.flags = 'M'; // obeyed as the master: XADD/XTRIM trimming as written
  c.denyBlocking = true;
  c.noPropagate = true;
  c.authenticated = true;
  return c;
}

export function loadAppendOnlyFiles(srv: Server, aof: Aof, m: Manifest): LoadResult {
  const files = m.loadOrder();
  const result: LoadResult = { status: LoadStatus.NotExist, totalSize: 0, baseSize: 0 };
  if (files.length === 0) return result;
  // a file the manifest names but the disk does not have is fatal
  let total = 0;
  for (const f of files) {
    try {
      total += fs.statSync(aof.filePath(f.name)).size;
    } catch (e) {
      srv.log.warning(`Unable to obtain the AOF file ${f.name} length. stat: ${strerror(e)}`);
      result.status = LoadStatus.Failed;
      return result;
    }
  }
  if (total === 0) {
    result.status = LoadStatus.Empty;
    return result;
  }
  const ks = srv.keyspace;
  ks.loading = true;
  let status = LoadStatus.Ok;
  try {
    for (let i = 0; i < files.length; i++) {
      const f = files[i];
      const last = i === files.length - 1;
      const kind = f === m.base ? 'base' : 'incr';
      const t0 = performance.now();
      const st = loadSingleFile(srv, aof, f, f === m.base);
      if (st === LoadStatus.Ok || (st === LoadStatus.Truncated && last)) {
        srv.log.notice(`DB loaded from ${kind} file ${f.name}: ${((performance.now() - t0) / 1000).toFixed(3)} seconds`);
      }
      if (st === LoadStatus.Truncated && !last) {
        srv.log.warning('Fatal error: the truncated file is not the last file');
        status = LoadStatus.Failed;
        break;
      }
      if (st === LoadStatus.OpenErr || st === LoadStatus.Failed || st === LoadStatus.NotExist) {
        status = st === LoadStatus.NotExist ? LoadStatus.Failed : st;
        break;
      }
      if (st === LoadStatus.Truncated) status = st;
    }
  } finally {
    ks.loading = false;
  }
  result.status = status;
  for (const f of files) {
    const size = fileSize(aof.filePath(f.name));
    result.totalSize += size;
    if (f === m.base) result.baseSize = size;
  }
  ks.dirty = 0;
  return result;
}

function fileSize(p: string): number {
  try {
    return fs.statSync(p).size;
  } catch {
    return 0;
  }
}

function loadSingleFile(srv: Server, aof: Aof, f: AofFile, isBase: boolean): LoadStatus {
  const log = srv.log;
  const p = aof.filePath(f.name);
  let fd: number;
  try {
    fd = fs.openSync(p, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      log.warning(`The append log file ${f.name} doesn't exist: ${strerror(e)}`);
      return LoadStatus.NotExist;
    }
    log.warning(`Fatal error: can't open the append log file ${f.name} for reading: ${strerror(e)}`);
    return LoadStatus.OpenErr;
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size === 0) return LoadStatus.Empty;
    if (startsWithRdb(fd)) return loadRdbFile(srv, f, isBase, fs.readFileSync(fd));
    return loadCommands(srv, f, p, fd, size);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A base in RDB format (or an old-style AOF's RDB preamble), with Redis's
 * lines. Keys already expired are kept, as Redis loads an AOF preamble
 * (they expire once the server runs).
 * TODO(rdb): an old-style single-file AOF with an RDB preamble followed by
 * commands needs the loader to say where the RDB image ends.
 */
function loadRdbFile(srv: Server, f: AofFile, isBase: boolean, buf: Buffer): LoadStatus {
  const log = srv.log;
  log.notice(isBase ? 'Reading RDB base file on AOF loading...' : 'Reading RDB preamble from AOF file...');
  let r: RdbLoadResult;
  try {
    r = loadRdbBuffer(srv, buf, serverLoadOptions(srv, false));
  } catch (e) {
    if (e instanceof RdbError) log.warning(`Internal error in RDB reading offset ${e.offset} function at rdb.c:0 -> ${e.reason}`);
    else log.warning(`${f.name}: ${(e as Error).message}`);
    log.warning(isBase ? `Error reading the RDB base file ${f.name}, AOF loading aborted` : `Error reading the RDB preamble of the AOF file ${f.name}, AOF loading aborted`);
    return LoadStatus.Failed;
  }
  const aux = r.aux;
  if (aux.has('redis-ver')) log.notice(`Loading RDB produced by version ${aux.get('redis-ver')}`);
  if (aux.has('ctime')) log.notice(`RDB age ${Math.max(0, Math.floor(Date.now() / 1000) - Number(aux.get('ctime')))} seconds`);
  if (aux.has('used-mem')) log.notice(`RDB memory usage when created ${(Number(aux.get('used-mem')) / 1048576).toFixed(2)} Mb`);
  if (aux.get('aof-base') === '1') log.notice('RDB is base AOF');
  log.notice(`Done loading RDB, keys loaded: ${r.keysLoaded}, keys expired: ${r.keysExpired}.`);
  return LoadStatus.Ok;
}

function loadCommands(srv: Server, f: AofFile, p: string, fd: number, size: number): LoadStatus {
  const log = srv.log;
  const reader = new AofReader(fd, size);
  const c = aofClient(srv);
  let validUpTo = 0;
  let validBeforeMulti = 0;
  let n = 0;
  let cutAt = -1;
  try {
    for (;;) {
      const item = reader.next();
      if (item.kind === 'annotation') continue;
      if (item.kind === 'command') {
        const argv = item.argv;
        const cmd = lookup(srv, argv);
        if (cmd === null) {
          log.warning(`Unknown command '${argv[0]}' reading the append only file ${f.name}`);
          return LoadStatus.Failed;
        }
        if ((cmd.arity > 0 && argv.length !== cmd.arity) || argv.length < -cmd.arity) {
          log.warning(`Wrong number of arguments for '${argv[0]}' at offset ${validUpTo} reading the append only file ${f.name}`);
          return LoadStatus.Failed;
        }
        if ((++n & 1023) === 0) updateClock();
        if (cmd.fullname === 'multi') validBeforeMulti = validUpTo;
        run(srv, c, cmd, argv);
        validUpTo = reader.pos;
        continue;
      }
      if (item.kind === 'bad') {
        log.warning(`AOF ${f.name}: bad format at offset ${item.at} (${item.reason}); the last valid command ends at offset ${validUpTo}`);
        log.warning(`Bad file format reading the append only file ${f.name}: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>`);
        return LoadStatus.Failed;
      }
      // the end: clean, or inside a command
      if (item.kind === 'eof' && c.multi === null) return LoadStatus.Ok;
      if (c.multi !== null) {
        log.warning(`Revert incomplete MULTI/EXEC transaction in AOF file ${f.name}`);
        validUpTo = validBeforeMulti;
      }
      cutAt = item.kind === 'truncated' ? item.at : validUpTo;
      break;
    }
  } finally {
    if (c.multi !== null) discardTransaction(c);
  }
  // uxeof: unexpected end of file
  if (srv.config?.values['aof-load-truncated'] ?? true) {
    log.warning(`!!! Warning: short read while loading the AOF file ${f.name}!!!`);
    log.warning(`!!! Truncating the AOF ${f.name} at offset ${validUpTo} !!!`);
    try {
      fs.truncateSync(p, validUpTo);
      log.warning(`AOF ${f.name} loaded anyway because aof-load-truncated is enabled`);
      return LoadStatus.Truncated;
    } catch (e) {
      log.warning(`Error truncating the AOF file ${f.name}: ${strerror(e)}`);
    }
  } else {
    log.warning(`AOF ${f.name}: the file ends inside the command at offset ${cutAt}; the last valid command ends at offset ${validUpTo}`);
  }
  log.warning(
    `Unexpected end of file reading the append only file ${f.name}. You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.`,
  );
  return LoadStatus.Failed;
}

/** The command argv names (a container's subcommand included), or null. */
function lookup(srv: Server, argv: string[]): Command | null {
  const cmd = srv.registry.lookup(argv[0]);
  if (cmd === undefined) return null;
  if (cmd.subcommands !== null && argv.length >= 2) return cmd.subcommands.get(argv[1].toLowerCase()) ?? null;
  return cmd;
}

/** Run one command as Redis's loader does (cmd->proc, or queued inside MULTI); its reply is dropped. */
function run(srv: Server, c: Client, cmd: Command, argv: string[]): void {
  if (c.multi !== null && queueIfMulti(c, cmd, argv)) {
    c.reply.len = 0;
    return;
  }
  c.cmd = cmd;
  c.propagateArgv = null;
  c.preventPropagate = false;
  const outer = srv.executingClient;
  srv.executingClient = c;
  try {
    cmd.handler!(c, argv);
  } finally {
    srv.executingClient = outer;
    c.reply.reset();
  }
}
