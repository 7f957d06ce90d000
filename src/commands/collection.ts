/** Helpers shared by the collection families (hash, set, zset). */
import type { Client } from '../server/client';
import { Notify } from '../store/keyspace';
import { Err } from '../protocol/errors';
import { compileGlob, isMatchAll } from '../util/glob';
import { optIs, parseLL } from './args';

/**
 * HDEL / SREM / ZREM: remove argv[from..] from the collection at `key`,
 * delete the key once it is empty (Redis stops there), fire the family's
 * event with the count as dirty, then `del` if the key went away.
 */
export function removeMembers(
  c: Client,
  key: string,
  argv: string[],
  from: number,
  remove: (member: string) => boolean,
  isEmpty: () => boolean,
  event: string,
  cls: number,
): void {
  const db = c.db;
  let deleted = 0;
  let keyRemoved = false;
  for (let i = from; i < argv.length; i++) {
    if (!remove(argv[i])) continue;
    deleted++;
    if (isEmpty()) {
      db.delete(key);
      keyRemoved = true;
      break;
    }
  }
  if (deleted > 0) {
    db.written(key, event, cls, deleted);
    if (keyRemoved) db.changed(key, 'del', Notify.generic, 0);
  }
  c.reply.int(deleted);
}

export interface ScanOptions {
  count: number;
  /** null when every element matches. */
  match: ((s: string) => boolean) | null;
}

/** HSCAN/SSCAN/ZSCAN options from argv[3..]: MATCH and COUNT, Redis's errors. */
export function parseScanOptions(c: Client, argv: string[]): ScanOptions | null {
  const opts: ScanOptions = { count: 10, match: null };
  for (let i = 3; i < argv.length; i += 2) {
    const hasArg = i + 1 < argv.length;
    if (hasArg && optIs(argv[i], 'count')) {
      const n = parseLL(argv[i + 1]);
      if (n === null) {
        c.error(Err.notInteger);
        return null;
      }
      if (n < 1) {
        c.error(Err.syntax);
        return null;
      }
      opts.count = typeof n === 'number' ? n : Number.MAX_SAFE_INTEGER;
    } else if (hasArg && optIs(argv[i], 'match')) {
      opts.match = isMatchAll(argv[i + 1]) ? null : compileGlob(argv[i + 1]);
    } else {
      c.error(Err.syntax);
      return null;
    }
  }
  return opts;
}

/** The reply of a scan over a missing key: cursor 0, no elements. */
export function replyEmptyScan(c: Client): void {
  c.reply.array(2);
  c.reply.bulk('0');
  c.reply.array(0);
}
