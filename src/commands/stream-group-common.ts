/**
 * Helpers shared by the consumer group commands (stream-groups.ts,
 * stream-readgroup.ts, stream-claim.ts, stream-info.ts): argument parsing
 * as t_stream.c does it, the group write path, consumer creation and the
 * commands Redis propagates for deliveries and claims.
 */
import type { Client } from '../server/client';
import { Err } from '../protocol/errors';
import { Db, Notify } from '../store/keyspace';
import { Stream } from '../store/stream';
import { formatId } from '../store/stream-id';
import { ConsumerGroup, Consumer, Nack } from '../store/stream-groups';
import { clock } from '../server/clock';

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/** A group change: the event and the dirty count, without touching WATCH (see the file comment). */
export function groupWritten(db: Db, key: string, event: string, dirty = 1): void {
  db.changed(key, event, Notify.stream, dirty);
}

/** The group named in argv for a command that requires key and group; null after the NOGROUP reply. */
export function lookupGroup(c: Client, s: Stream | undefined, key: string, name: string): ConsumerGroup | null {
  const g = s?.groups?.get(name);
  if (g === undefined) {
    c.error(Err.noKeyOrGroup(key, name));
    return null;
  }
  return g;
}

/** streamCreateConsumer() with its event and dirty count. */
export function createConsumer(db: Db, key: string, g: ConsumerGroup, name: string): Consumer {
  const consumer = g.createConsumer(name, clock.ms)!;
  groupWritten(db, key, 'xgroup-createconsumer');
  return consumer;
}

/** streamLookupConsumer(SLC_DEFAULT), creating it when missing: its seen time is refreshed. */
export function touchConsumer(db: Db, key: string, g: ConsumerGroup, name: string): { consumer: Consumer; created: boolean } {
  const found = g.consumers.get(name);
  if (found !== undefined) {
    found.seenTime = clock.ms;
    return { consumer: found, created: false };
  }
  return { consumer: createConsumer(db, key, g, name), created: true };
}

/** The XCLAIM Redis propagates for a delivery or claim (streamPropagateXCLAIM). */
export function xclaimArgv(key: string, g: ConsumerGroup, idArg: string, nack: Nack): string[] {
  return [
    'XCLAIM',
    key,
    g.name,
    nack.consumer!.name,
    '0',
    idArg,
    'TIME',
    String(nack.deliveryTime),
    'RETRYCOUNT',
    String(nack.deliveryCount),
    'FORCE',
    'JUSTID',
    'LASTID',
    formatId(g.lastId),
  ];
}

/** streamPropagateGroupID(). */
export function setidArgv(key: string, g: ConsumerGroup): string[] {
  return ['XGROUP', 'SETID', key, g.name, formatId(g.lastId), 'ENTRIESREAD', String(g.entriesRead)];
}
