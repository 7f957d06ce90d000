/** Helpers shared by the collection families (hash, set, zset). */
import type { Client } from '../server/client';
import { Notify } from '../store/keyspace';

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
    if (keyRemoved) db.ks.hooks.notify(Notify.generic, 'del', key, db.id);
  }
  c.reply.int(deleted);
}
