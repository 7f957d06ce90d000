/**
 * XREADGROUP (t_stream.c xreadCommand() with GROUP): new entries with ">"
 * (advancing the group, pending unless NOACK), or the consumer's own
 * history with an ID; BLOCK on top of server/blocking.ts. Propagated as
 * one XCLAIM per delivered entry, plus XGROUP CREATECONSUMER and SETID ...
 * ENTRIESREAD with NOACK (MULTI/EXEC around several), never as itself.
 */
import type { Client } from '../server/client';
import { parseTimeoutMs, type BlockedOp } from '../server/blocking';
import { Err } from '../protocol/errors';
import type { Db } from '../store/keyspace';
import type { Value } from '../store/value';
import { Stream } from '../store/stream';
import { StreamId, MAX_ID, ZERO_ID, compareIds, formatId, idEquals, idKey, incrId } from '../store/stream-id';
import { ConsumerGroup, Consumer, advanceGroup, counterAdd } from '../store/stream-groups';
import { longLongArg, optIs } from './args';
import { propagateAs, propagateCommands } from './propagate';
import { clock } from '../server/clock';
import { setidArgv, touchConsumer, xclaimArgv } from './stream-group-common';
import { BLOCKED_DEFAULT_COUNT, replyCurrentEntry, replyEntry, streamOf, strictIdArg } from './stream-common';

// ---------------------------------------------------------------------------
// XREADGROUP
// ---------------------------------------------------------------------------


/**
 * Entries past the group's last ID, from `start` (streamReplyWithRange()
 * with a group): each advances the group, and unless NOACK becomes pending
 * for `consumer`; the XCLAIMs (or, with NOACK, the final SETID) go to `prop`.
 */
function deliverNew(c: Client, key: string, s: Stream, g: ConsumerGroup, consumer: Consumer, start: StreamId, count: number, noack: boolean, prop: string[][]): void {
  const r = c.reply;
  const pos = r.deferArray();
  let n = 0;
  let advanced = false;
  const now = clock.ms;
  const it = s.iterate(start, MAX_ID);
  while (it.next()) {
    const id = it.id();
    if (compareIds(id, g.lastId) > 0) {
      advanceGroup(s, g, id);
      advanced = true;
    }
    replyCurrentEntry(c, it);
    if (!noack) {
      const nack = g.deliver(id, consumer, now);
      prop.push(xclaimArgv(key, g, formatId(id), nack));
    }
    n++;
    if (count !== 0 && n === count) break;
  }
  if (noack && advanced) prop.push(setidArgv(key, g));
  r.setDeferred(pos, n);
}

/**
 * The consumer's own pending entries from `start` (a history read,
 * streamReplyWithRangeFromConsumerPEL()): each delivery is counted; an
 * entry deleted since comes as [id, null].
 */
function deliverHistory(c: Client, s: Stream, consumer: Consumer, start: StreamId, count: number): void {
  const r = c.reply;
  const pel = consumer.pel;
  const pos = r.deferArray();
  let n = 0;
  const now = clock.ms;
  for (const cur = pel.seek(idKey(start)); count === 0 || n < count; pel.advance(cur)) {
    const nack = pel.at(cur);
    if (nack === undefined) break;
    const fields = s.get(nack.id);
    if (fields === null) {
      r.array(2);
      r.bulk(formatId(nack.id));
      r.nullArray();
    } else {
      replyEntry(c, nack.id, fields);
      nack.deliveryTime = now;
      nack.deliveryCount = counterAdd(nack.deliveryCount, 1);
    }
    n++;
  }
  r.setDeferred(pos, n);
}

/** A blocked XREADGROUP (blockForKeys with xread_group): served from serveClientsBlockedOnStreamKey(). */
class XReadGroupWait implements BlockedOp {
  readonly type = 'stream' as const;
  constructor(
    private readonly group: string,
    private readonly consumer: string,
    private readonly count: number,
    private readonly noack: boolean,
  ) {}

  serve(c: Client, db: Db, key: string, value: Value): boolean {
    const s = value as Stream;
    const g = s.groups?.get(this.group);
    if (g === undefined) {
      c.error(Err.blockedGroupGone);
      return true;
    }
    if (compareIds(s.lastId, g.lastId) <= 0) return false;
    const prop: string[][] = [];
    const { consumer, created } = touchConsumer(db, key, g, this.consumer);
    if (created && this.noack) prop.push(['XGROUP', 'CREATECONSUMER', key, g.name, consumer.name]);
    const r = c.reply;
    if (r.proto === 2) {
      r.array(1);
      r.array(2);
    } else r.map(1);
    r.bulk(key);
    deliverNew(c, key, s, g, consumer, incrId(g.lastId)!, this.count, this.noack, prop);
    db.changed(key, null, 0);
    propagateCommands(c.server, db.id, prop);
    return true;
  }

  /**
   * Redis 7.0.15 ends the wait with this error when the key is deleted
   * (DEL, FLUSHALL, RENAME away, expiry...) or replaced by another type;
   * server/blocking.ts calls it then.
   */
  keyGone(c: Client): void {
    c.error(Err.blockedStreamGone);
  }
}

export function xreadgroup(c: Client, argv: string[]): void {
  const argc = argv.length;
  let deadline = -1; // -1: no BLOCK
  let count = 0;
  let streamsArg = 0;
  let noack = false;
  let groupName: string | null = null;
  let consumerName = '';
  for (let i = 1; i < argc; i++) {
    const more = argc - i - 1;
    const o = argv[i];
    if (optIs(o, 'block') && more) {
      // no sense in blocking from a script: refused as Redis refuses it
      if (c.script) return c.error('ERR XREADGROUP command is not allowed with BLOCK option from scripts');
      const d = parseTimeoutMs(c, argv[++i]);
      if (d === null) return;
      deadline = d;
    } else if (optIs(o, 'count') && more) {
      const n = longLongArg(c, argv[++i]);
      if (n === null) return;
      count = n < 0 ? 0 : n;
    } else if (optIs(o, 'streams') && more) {
      streamsArg = i + 1;
      if ((argc - streamsArg) % 2 !== 0) return c.error(Err.xreadgroupUnbalanced);
      break;
    } else if (optIs(o, 'group') && more >= 2) {
      groupName = argv[i + 1];
      consumerName = argv[i + 2];
      i += 2;
    } else if (optIs(o, 'noack')) {
      noack = true;
    } else {
      return c.error(Err.syntax);
    }
  }
  if (streamsArg === 0) return c.error(Err.syntax);
  if (groupName === null) return c.error(Err.xreadgroupNoGroup);

  const db = c.db;
  const n = (argc - streamsArg) / 2;
  const groups: ConsumerGroup[] = new Array(n);
  /** The ID after which to serve history, or null for ">". */
  const ids: (StreamId | null)[] = new Array(n);
  for (let k = 0; k < n; k++) {
    const key = argv[streamsArg + k];
    const s = streamOf(c, db.lookupRead(key));
    if (s === null) return;
    const g = s?.groups?.get(groupName);
    if (g === undefined) return c.error(Err.noKeyOrGroupXreadgroup(key, groupName));
    groups[k] = g;
    const a = argv[streamsArg + n + k];
    if (a === '$') return c.error(Err.xreadgroupDollar);
    if (a === '>') {
      ids[k] = null;
      continue;
    }
    const id = strictIdArg(c, a);
    if (id === null) return;
    // Redis marks ">" with the maximum ID: an explicit maximum means ">" too
    ids[k] = idEquals(id, MAX_ID) ? null : id;
  }

  const r = c.reply;
  const prop: string[][] = [];
  let served = 0;
  let pos = 0;
  for (let k = 0; k < n; k++) {
    const key = argv[streamsArg + k];
    const s = db.lookupRead(key) as Stream;
    const g = groups[k];
    const after = ids[k];
    let start: StreamId;
    if (after !== null) {
      // streamIncrID() wraps the maximum to 0-0
      start = incrId(after) ?? ZERO_ID;
    } else {
      const last = s.lastValidId(); // null when empty
      if (last === null || compareIds(last, g.lastId) <= 0) continue;
      start = incrId(g.lastId)!;
    }
    const { consumer, created } = touchConsumer(db, key, g, consumerName);
    if (created && noack) prop.push(['XGROUP', 'CREATECONSUMER', key, g.name, consumer.name]);
    if (served++ === 0) pos = r.deferArray();
    if (r.proto === 2) r.array(2);
    r.bulk(key);
    if (after !== null) deliverHistory(c, s, consumer, start, count);
    else deliverNew(c, key, s, g, consumer, start, count, noack, prop);
    db.changed(key, null, 0);
  }
  propagateAs(c, prop);
  if (served !== 0) return r.setDeferred(pos, served, r.proto === 3 ? 'map' : 'array');
  if (deadline !== -1 && !c.denyBlocking) {
    const keys = argv.slice(streamsArg, streamsArg + n);
    c.server.blocking.block(c, keys, deadline, new XReadGroupWait(groupName, consumerName, count || BLOCKED_DEFAULT_COUNT, noack));
    return;
  }
  r.nullArray();
}

