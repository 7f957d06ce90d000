/**
 * STAND-IN for the lead's fork-less snapshot (src/persistence/snapshot.ts,
 * not on this branch yet), with the same signature: the AOF rewrite codes
 * against this and the lead swaps the import for the real module.
 *
 * This one walks every database's dict once, synchronously, so the image is
 * trivially point-in-time (nothing else runs meanwhile) but the event loop
 * is held for the whole walk; `done` is called on the next turn, as the
 * real snapshot calls it after its last slice.
 */
import type { Server } from '../../server/server';
import type { Value } from '../../store/value';

export interface SnapshotVisitor {
  dbStart?(dbid: number): void;
  key(dbid: number, key: string, value: Value, expireMs: number): void;
}

export function startSnapshot(srv: Server, visitor: SnapshotVisitor, done: (err: Error | null) => void): void {
  let err: Error | null = null;
  try {
    for (const db of srv.keyspace.dbs) {
      if (db.size === 0) continue;
      visitor.dbStart?.(db.id);
      for (const [key, value] of db.dict.entries()) visitor.key(db.id, key, value, db.getExpire(key));
    }
  } catch (e) {
    err = e as Error;
  }
  setImmediate(() => done(err));
}
