/**
 * The base file of an AOF rewrite in AOF format (aof-use-rdb-preamble no):
 * the dataset as the commands that rebuild it, as Redis 7.0's
 * rewriteAppendOnlyFileRio writes them. A snapshot visitor
 * (persistence/snapshot.ts), fed one key at a time.
 *
 *   SELECT for each database that has keys; strings as SET; lists, sets,
 *   sorted sets and hashes as RPUSH / SADD / ZADD / HMSET of at most 64
 *   items each (AOF_REWRITE_ITEMS_PER_CMD); a TTL as PEXPIREAT after the
 *   value; streams as XADD per entry (or `XADD key MAXLEN 0 0-1 x y` for an
 *   empty one), XSETID with ENTRIESADDED and MAXDELETEDID, then per group
 *   XGROUP CREATE ... ENTRIESREAD, XCLAIM ... JUSTID FORCE for each pending
 *   entry of each consumer and XGROUP CREATECONSUMER for consumers without
 *   one. Keys already expired when the rewrite started are left out.
 *
 * Output goes through one growable buffer written to the file every 64 KB.
 * (With aof-use-rdb-preamble yes the base is an RDB image instead, written
 * by rdb/file.ts's RdbFileWriter.)
 */
import fs from 'node:fs';
import { Reply } from '../../protocol/reply';
import { formatDouble } from '../../util/numbers';
import { stringOf, type Value } from '../../store/value';
import type { List } from '../../store/list';
import type { SetValue } from '../../store/set';
import type { ZSet } from '../../store/zset';
import type { HashValue } from '../../store/hash';
import type { Stream } from '../../store/stream';
import { formatId, MAX_ID, ZERO_ID } from '../../store/stream-id';
import { sortedGroups } from '../../store/stream-groups';
import type { SnapshotVisitor } from '../snapshot';

/** AOF_REWRITE_ITEMS_PER_CMD. */
export const ITEMS_PER_CMD = 64;
const WRITE_AT = 64 * 1024;
/** REDIS_AUTOSYNC_BYTES: with aof-rewrite-incremental-fsync, data is synced every 4 MB written. */
const AUTOSYNC_BYTES = 4 * 1024 * 1024;

export class AofBaseWriter implements SnapshotVisitor {
  private readonly out = new Reply();
  private selected = -1;
  /** Bytes written to the file so far. */
  written = 0;
  private syncedAt = 0;
  /** An incremental sync is running (aof-rewrite-incremental-fsync). */
  syncing = false;

  constructor(
    private readonly fd: number,
    /** Keys whose expire time is before this (the rewrite's start) are left out. */
    private readonly now: number,
    timestamp: number | null,
    private readonly incrementalFsync: boolean,
  ) {
    if (timestamp !== null) this.out.raw(`#TS:${timestamp}\r\n`);
  }

  key(dbid: number, key: string, value: Value, expireMs: number): void {
    if (expireMs !== -1 && expireMs < this.now) return;
    const out = this.out;
    if (dbid !== this.selected) {
      out.bulks(['SELECT', String(dbid)]);
      this.selected = dbid;
    }
    const s = stringOf(value);
    if (s !== undefined) {
      out.array(3);
      out.bulk('SET');
      out.bulk(key);
      out.bulk(s);
    } else {
      switch ((value as Exclude<Value, string>).type) {
        case 'list':
          this.list(key, value as List);
          break;
        case 'set':
          this.set(key, value as SetValue);
          break;
        case 'zset':
          this.zset(key, value as ZSet);
          break;
        case 'hash':
          this.hash(key, value as HashValue);
          break;
        case 'stream':
          this.stream(key, value as Stream);
          break;
      }
    }
    if (expireMs !== -1) out.bulks(['PEXPIREAT', key, String(expireMs)]);
    if (out.len >= WRITE_AT) this.writeOut();
  }

  /** Items in commands of at most ITEMS_PER_CMD: `each` is called per item, `per` elements each. */
  private batches(cmd: string, key: string, count: number, per: number, each: (emit: (s: string) => void) => void): void {
    const out = this.out;
    let left = count;
    let inCmd = 0;
    each((s) => {
      if (inCmd === 0) {
        const n = Math.min(left, ITEMS_PER_CMD);
        out.array(2 + n * per);
        out.bulk(cmd);
        out.bulk(key);
        inCmd = n * per;
        left -= n;
      }
      out.bulk(s);
      inCmd--;
      if (out.len >= WRITE_AT) this.writeOut();
    });
  }

  private list(key: string, l: List): void {
    this.batches('RPUSH', key, l.length, 1, (emit) => {
      for (let i = 0; i < l.length; i++) emit(l.at(i));
    });
  }

  private set(key: string, s: SetValue): void {
    this.batches('SADD', key, s.size, 1, (emit) => s.forEach(emit));
  }

  private zset(key: string, z: ZSet): void {
    const sl = z.sl;
    this.batches('ZADD', key, z.length, 2, (emit) => {
      for (let n = sl.first; n !== 0; n = sl.next(n)) {
        emit(formatDouble(sl.score(n)));
        emit(sl.ele(n));
      }
    });
  }

  private hash(key: string, h: HashValue): void {
    this.batches('HMSET', key, h.size, 2, (emit) =>
      h.forEach((f, v) => {
        emit(f);
        emit(v);
      }),
    );
  }

  private stream(key: string, s: Stream): void {
    const out = this.out;
    if (s.length > 0) {
      const it = s.iterate(ZERO_ID, MAX_ID);
      while (it.next()) {
        const n = it.fieldCount();
        out.array(3 + 2 * n);
        out.bulk('XADD');
        out.bulk(key);
        out.bulk(it.idString());
        for (let k = 0; k < n; k++) {
          out.bulk(it.field(k));
          out.bulk(it.value(k));
        }
        if (out.len >= WRITE_AT) this.writeOut();
      }
    } else {
      // an empty stream: create the key with an entry trimmed away at once
      out.bulks(['XADD', key, 'MAXLEN', '0', '0-1', 'x', 'y']);
    }
    out.bulks(['XSETID', key, formatId(s.lastId), 'ENTRIESADDED', String(s.entriesAddedExact()), 'MAXDELETEDID', formatId(s.maxDeletedId)]);
    for (const g of sortedGroups(s.groups)) {
      out.bulks(['XGROUP', 'CREATE', key, g.name, formatId(g.lastId), 'ENTRIESREAD', String(g.entriesRead)]);
      for (const c of g.sortedConsumers()) {
        if (c.pel.size === 0) {
          out.bulks(['XGROUP', 'CREATECONSUMER', key, g.name, c.name]);
          continue;
        }
        for (const nack of c.pel) {
          out.bulks([
            'XCLAIM', key, g.name, c.name, '0', formatId(nack.id),
            'TIME', String(nack.deliveryTime), 'RETRYCOUNT', String(nack.deliveryCount), 'JUSTID', 'FORCE',
          ]);
          if (out.len >= WRITE_AT) this.writeOut();
        }
      }
    }
  }

  /** Write the buffer to the file (and start a background sync every 4 MB); a failed write throws (the snapshot fails the rewrite). */
  private writeOut(): void {
    const out = this.out;
    if (out.len === 0) return;
    let off = 0;
    while (off < out.len) off += fs.writeSync(this.fd, out.buf, off, out.len - off);
    this.written += out.len;
    out.reset();
    if (this.incrementalFsync && !this.syncing && this.written - this.syncedAt >= AUTOSYNC_BYTES) {
      this.syncing = true;
      const at = this.written;
      fs.fdatasync(this.fd, () => {
        this.syncing = false;
        this.syncedAt = at;
      });
    }
  }

  /** Write what is left (the caller syncs the file, once `syncing` is false). */
  end(): void {
    this.writeOut();
  }
}
