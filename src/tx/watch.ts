/**
 * WATCH: the keys clients watch, per db, and what invalidates them. The
 * keyspace's write path calls touch() for every modified key (keyModified)
 * and touchDb() when a db is emptied or swapped, so no command handler
 * deals with WATCH. A touched watcher's client is marked dirty (its next
 * EXEC fails) and stops watching everything, as in Redis 7.0.
 *
 * A key that was logically expired when watched is special, as in Redis:
 * its deletion is no change, and EXEC fails if a watched key that was alive
 * when watched has expired by then, even if nothing deleted it yet.
 */
import type { Client } from '../server/client';
import type { Db } from '../store/keyspace';

export interface WatchedKey {
  db: Db;
  key: string;
  client: Client;
  /** The key was logically expired (but still stored) when WATCH ran. */
  expired: boolean;
}

export class WatchTable {
  private readonly byDb = new Map<Db, Map<string, WatchedKey[]>>();
  /** Watched (db, key) pairs over all clients: 0 keeps touch() a single test. */
  size = 0;

  /** WATCH key in the client's db (nothing when already watched there). */
  watch(c: Client, key: string): void {
    const db = c.db;
    const mine = (c.watched ??= []);
    for (const wk of mine) if (wk.db === db && wk.key === key) return;
    let keys = this.byDb.get(db);
    if (keys === undefined) this.byDb.set(db, (keys = new Map()));
    let list = keys.get(key);
    if (list === undefined) keys.set(key, (list = []));
    const wk: WatchedKey = { db, key, client: c, expired: db.isExpired(key) };
    list.push(wk);
    mine.push(wk);
    this.size++;
  }

  /** Stop watching every key (UNWATCH, EXEC, DISCARD, RESET, a touch, a closed client). */
  unwatchAll(c: Client): void {
    const mine = c.watched;
    if (mine === null) return;
    c.watched = null;
    for (const wk of mine) {
      const keys = this.byDb.get(wk.db)!;
      const list = keys.get(wk.key)!;
      list.splice(list.indexOf(wk), 1);
      this.size--;
      if (list.length === 0) {
        keys.delete(wk.key);
        if (keys.size === 0) this.byDb.delete(wk.db);
      }
    }
  }

  /** A key changed: its watchers' next EXEC fails (touchWatchedKey). */
  touch(db: Db, key: string): void {
    if (this.size === 0) return;
    const list = this.byDb.get(db)?.get(key);
    if (list === undefined) return;
    for (const wk of [...list]) {
      if (wk.expired) {
        // watched while logically expired: its deletion changes nothing
        if (!db.dict.has(key)) {
          wk.expired = false;
          continue;
        }
        // still stored (e.g. overwritten): Redis stops at this watcher
        break;
      }
      this.dirty(wk.client);
    }
  }

  /**
   * A db is emptied (FLUSHDB, FLUSHALL) or swapped with `replacedWith`
   * (SWAPDB): watched keys that exist in either are touched
   * (touchAllWatchedKeysInDb). Call before the change.
   */
  touchDb(emptied: Db, replacedWith: Db | null): void {
    if (this.size === 0) return;
    const keys = this.byDb.get(emptied);
    if (keys === undefined) return;
    for (const [key, list] of [...keys]) {
      const inEmptied = emptied.dict.has(key);
      const inReplacement = replacedWith !== null && replacedWith.dict.has(key);
      if (!inEmptied && !inReplacement) continue;
      for (const wk of [...list]) {
        if (wk.expired) {
          if (!inReplacement) {
            wk.expired = false; // the expired key is now deleted: no logical change
            continue;
          }
          if (replacedWith!.isExpired(key)) continue; // still expired
        } else if (!inEmptied && replacedWith!.isExpired(key)) {
          wk.expired = true; // a missing key replaced by an expired one
          continue;
        }
        this.dirty(wk.client);
      }
    }
  }

  /** EXEC: a key alive when watched has logically expired since (isWatchedKeyExpired). */
  expiredSinceWatched(c: Client): boolean {
    for (const wk of c.watched ?? []) if (!wk.expired && wk.db.isExpired(wk.key)) return true;
    return false;
  }

  private dirty(c: Client): void {
    c.dirtyCas = true;
    this.unwatchAll(c);
  }
}
