/**
 * MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE]
 * [AUTH password] [AUTH2 username password] [KEYS key ...], as Redis 7.0:
 * the keys are sent as RESTORE commands (DUMP payloads, remaining TTL)
 * after AUTH and SELECT as needed, on a connection cached per target; each
 * key the target accepted is deleted here (unless COPY) and the command is
 * propagated as DEL of those keys. The server waits for the target, as
 * Redis does, so no other client sees or changes the keys in between: the
 * network side runs on a worker thread (migrate-worker.ts) while this thread
 * waits on a shared word.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Client } from '../server/client';
import type { Server } from '../server/server';
import type { CommandSpec } from '../server/command';
import { Err } from '../protocol/errors';
import { clock } from '../server/clock';
import { Notify } from '../store/keyspace';
import { toInt64 } from '../util/numbers';
import { dumpPayload } from './dump-commands';
import { MigrateAnswer, MigrateStatus } from './migrate-worker';

const SHARED_BYTES = 1 << 20;

interface Target {
  /** The db the cached connection has selected, -1 when unknown. */
  lastDbid: number;
}

class Migrator {
  private readonly worker: Worker;
  private readonly shared = new SharedArrayBuffer(SHARED_BYTES);
  private readonly word = new Int32Array(this.shared);
  readonly targets = new Map<string, Target>();

  constructor() {
    this.worker = new Worker(path.join(__dirname, 'migrate-worker.js'), { workerData: { migrate: true, shared: this.shared } });
    this.worker.unref();
  }

  /** Post a request and wait (blocking this thread) for the answer. */
  private call(msg: object): { status: MigrateStatus; answer: MigrateAnswer } {
    Atomics.store(this.word, 0, 0);
    this.worker.postMessage(msg);
    Atomics.wait(this.word, 0, 0);
    const n = this.word[2];
    const text = Buffer.from(this.shared, 12, n).latin1Slice(0, n);
    return { status: this.word[1] as MigrateStatus, answer: JSON.parse(text) as MigrateAnswer };
  }

  send(key: string, host: string, port: number, data: Buffer, replies: number, timeoutMs: number): { status: MigrateStatus; answer: MigrateAnswer } {
    return this.call({ op: 'send', key, host, port, data, replies, timeoutMs });
  }

  close(key: string): void {
    this.targets.delete(key);
    this.call({ op: 'close', key });
  }
}

const migrators = new WeakMap<Server, Migrator>();

function migrator(srv: Server): Migrator {
  let m = migrators.get(srv);
  if (m === undefined) migrators.set(srv, (m = new Migrator()));
  return m;
}

/** A RESP command in bytes. */
function command(parts: (string | Buffer)[]): Buffer {
  const chunks: Buffer[] = [Buffer.from(`*${parts.length}\r\n`, 'latin1')];
  for (const p of parts) {
    const b = typeof p === 'string' ? Buffer.from(p, 'latin1') : p;
    chunks.push(Buffer.from(`$${b.length}\r\n`, 'latin1'), b, Buffer.from('\r\n', 'latin1'));
  }
  return Buffer.concat(chunks);
}

function migrate(c: Client, argv: string[]): void {
  let copy = false;
  let replace = false;
  let firstKey = 3;
  let numKeys = 1;
  let auth: string[] | null = null;
  for (let j = 6; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const more = argv.length - j - 1;
    if (opt === 'copy') copy = true;
    else if (opt === 'replace') replace = true;
    else if (opt === 'auth') {
      if (more === 0) return c.error(Err.syntax);
      auth = [argv[++j]];
    } else if (opt === 'auth2') {
      if (more < 2) return c.error(Err.syntax);
      auth = [argv[++j], argv[++j]];
    } else if (opt === 'keys') {
      if (argv[3] !== '') return c.error('ERR When using MIGRATE KEYS option, the key argument must be set to the empty string');
      firstKey = j + 1;
      numKeys = argv.length - j - 1;
      break;
    } else return c.error(Err.syntax);
  }
  const timeoutArg = toInt64(argv[5]);
  const dbid = toInt64(argv[4]);
  if (timeoutArg === null || dbid === null) return c.error(Err.notInteger);
  const timeoutMs = timeoutArg <= 0 ? 1000 : Number(timeoutArg);

  const srv = c.server;
  const db = c.db;
  // the keys that exist; none at all: NOKEY
  const keys: string[] = [];
  for (let j = 0; j < numKeys; j++) {
    const k = argv[firstKey + j];
    if (db.lookupRead(k) !== undefined) keys.push(k);
  }
  if (keys.length === 0) return c.reply.status('NOKEY');

  const m = migrator(srv);
  const host = argv[1];
  const port = Number(argv[2]);
  const target = `${host}:${argv[2]}`;
  let mayRetry = true;
  for (;;) {
    const t = m.targets.get(target) ?? { lastDbid: -1 };
    const select = t.lastDbid !== Number(dbid);
    const parts: Buffer[] = [];
    if (auth !== null) parts.push(command(['AUTH', ...auth]));
    if (select) parts.push(command(['SELECT', String(dbid)]));
    const sent: string[] = [];
    for (const k of keys) {
      const v = db.peek(k);
      if (v === undefined) continue;
      let ttl = 0;
      const at = db.getExpire(k);
      if (at !== -1) {
        ttl = at - clock.ms;
        // expired meanwhile: not sent
        if (ttl < 0) continue;
        if (ttl < 1) ttl = 1;
      }
      const restore: (string | Buffer)[] = ['RESTORE', k, String(ttl), dumpPayload(srv, v)];
      if (replace) restore.push('REPLACE');
      parts.push(command(restore));
      sent.push(k);
    }
    const replies = (auth !== null ? 1 : 0) + (select ? 1 : 0) + sent.length;
    const { status, answer } = m.send(target, host, port, Buffer.concat(parts), replies, timeoutMs);
    if (status === MigrateStatus.CONNECT_ERROR) {
      m.targets.delete(target);
      return c.error('IOERR error or timeout connecting to the client');
    }
    m.targets.set(target, t);
    const lines = answer.lines;
    const authReply = auth !== null ? lines[0] : undefined;
    const selectReply = select ? lines[auth !== null ? 1 : 0] : undefined;
    const first = replies - sent.length;
    let errorFromTarget = false;
    const deleted: string[] = [];
    let j = 0;
    for (; j < sent.length && first + j < lines.length; j++) {
      const r = lines[first + j];
      const failed = (authReply !== undefined && authReply[0] === '-') || (selectReply !== undefined && selectReply[0] === '-') || r[0] === '-';
      if (failed) {
        if (!errorFromTarget) {
          // on error the selected db is no longer known
          t.lastDbid = -1;
          const e = authReply?.[0] === '-' ? authReply : selectReply?.[0] === '-' ? selectReply : r;
          errorFromTarget = true;
          c.error(`ERR Target instance replied with error: ${e.slice(1)}`);
        }
      } else if (!copy) {
        const k = sent[j];
        db.delete(k);
        db.written(k, 'del', Notify.generic);
        deleted.push(k);
      }
    }
    const socketError = status !== MigrateStatus.OK;
    const writeError = status === MigrateStatus.WRITE_ERROR;
    // nothing was processed and the cached connection may just have been closed by the target: once more on a new one
    if (!errorFromTarget && socketError && j === 0 && lines.length === 0 && mayRetry && answer.cached && !answer.timedOut) {
      m.close(target);
      mayRetry = false;
      continue;
    }
    if (socketError) m.close(target);
    if (deleted.length > 0) c.propagateArgv = ['DEL', ...deleted];
    else if (!copy) c.preventPropagate = true;
    if (errorFromTarget) return;
    if (socketError) return c.error(`IOERR error or timeout ${writeError ? 'writing' : 'reading'} to target instance`);
    t.lastDbid = Number(dbid);
    return c.reply.ok();
  }
}

export const migrateCommands: CommandSpec[] = [{ name: 'migrate', handler: migrate }];
