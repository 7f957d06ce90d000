/**
 * Consumer group commands, with Redis 7.0.15's replies, errors (and their
 * order), keyspace events and propagation (t_stream.c): XGROUP (CREATE
 * SETID DESTROY CREATECONSUMER DELCONSUMER HELP), XREADGROUP (with BLOCK on
 * top of server/blocking.ts), XACK, XPENDING, XCLAIM, XAUTOCLAIM.
 *
 * Group commands change no entry, so like Redis they do not mark the key
 * modified for WATCH (only XGROUP CREATE MKSTREAM, which creates the key):
 * they fire their event and count the change with groupWritten().
 *
 * Propagation as Redis 7.0: XREADGROUP becomes one XCLAIM ... FORCE JUSTID
 * LASTID per delivered entry (plus XGROUP CREATECONSUMER / SETID ...
 * ENTRIESREAD with NOACK), XCLAIM and XAUTOCLAIM become XCLAIMs, several
 * commands wrapped in MULTI/EXEC; the rest propagate as sent.
 */
import type { CommandSpec } from '../server/command';
import type { Client } from '../server/client';
import { AdminErr, Err } from '../protocol/errors';
import { Stream } from '../store/stream';
import { Notify } from '../store/keyspace';
import { StreamId, MAX_ID, ZERO_ID, formatId, idKey, parseId } from '../store/stream-id';
import { ConsumerGroup, Counter, INVALID_ENTRIES_READ } from '../store/stream-groups';
import { longLongArg, optIs, parseLL } from './args';
import { helpHandler } from './shared';
import { clock } from '../server/clock';
import { createConsumer, groupWritten, lookupGroup } from './stream-group-common';
import { rangeBoundArg, streamOf, strictIdArg } from './stream-common';
import { xreadgroup } from './stream-readgroup';
import { xclaim, xautoclaim } from './stream-claim';


// ---------------------------------------------------------------------------
// XGROUP
// ---------------------------------------------------------------------------

const XGROUP_HELP = [
  'CREATE <key> <groupname> <id|$> [option]',
  '    Create a new consumer group. Options are:',
  '    * MKSTREAM',
  '      Create the empty stream if it does not exist.',
  '    * ENTRIESREAD entries_read',
  "      Set the group's entries_read counter (internal use).",
  'CREATECONSUMER <key> <groupname> <consumer>',
  '    Create a new consumer in the specified group.',
  'DELCONSUMER <key> <groupname> <consumer>',
  '    Remove the specified consumer.',
  'DESTROY <key> <groupname>',
  '    Remove the specified group.',
  'SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]',
  '    Set the current group ID and entries_read counter.',
];

/** ENTRIESREAD's value: a long long, >= 0 or -1; null after replying. */
function entriesReadArg(c: Client, s: string): Counter | null {
  const n = parseLL(s);
  if (n === null) {
    c.error(Err.notInteger);
    return null;
  }
  if (n < 0 && n !== INVALID_ENTRIES_READ) {
    c.error(Err.entriesReadRange);
    return null;
  }
  return n;
}

/**
 * The part of xgroupCommand() shared by the subcommands: the key's stream
 * (required unless MKSTREAM) and, for all but CREATE and DESTROY, the group.
 * Undefined after replying an error.
 */
function xgroupTarget(
  c: Client,
  argv: string[],
  mkstream: boolean,
  needGroup: boolean,
): { s: Stream | undefined; g: ConsumerGroup | undefined } | undefined {
  const s = streamOf(c, c.db.lookup(argv[2]));
  if (s === null) return undefined;
  if (!mkstream && s === undefined) {
    c.error(Err.xgroupNoKey);
    return undefined;
  }
  const g = s?.groups?.get(argv[3]);
  if (needGroup && g === undefined) {
    c.error(Err.noGroupForKey(argv[3], argv[2]));
    return undefined;
  }
  return { s, g };
}

/**
 * The options after the ID of CREATE (MKSTREAM, ENTRIESREAD) and SETID
 * (ENTRIESREAD), parsed before anything else as Redis does; each may repeat
 * here, the argument count is checked later. Null after replying.
 */
function xgroupOptions(c: Client, argv: string[], create: boolean): { mkstream: boolean; entriesRead: Counter } | null {
  let mkstream = false;
  let entriesRead: Counter = INVALID_ENTRIES_READ;
  for (let i = 5; i < argv.length; ) {
    if (create && optIs(argv[i], 'mkstream')) {
      mkstream = true;
      i++;
    } else if (optIs(argv[i], 'entriesread') && i + 1 < argv.length) {
      const n = entriesReadArg(c, argv[i + 1]);
      if (n === null) return null;
      entriesRead = n;
      i += 2;
    } else {
      c.error(AdminErr.subcommandSyntax(argv[1], argv[0]));
      return null;
    }
  }
  return { mkstream, entriesRead };
}

function xgroupCreate(c: Client, argv: string[]): void {
  const opts = xgroupOptions(c, argv, true);
  if (opts === null) return;
  const t = xgroupTarget(c, argv, opts.mkstream, false);
  if (t === undefined) return;
  if (argv.length > 8) return c.error(AdminErr.subcommandSyntax(argv[1], argv[0]));
  const db = c.db;
  const key = argv[2];
  let s = t.s;
  let id: StreamId | null;
  if (argv[4] === '$') id = s === undefined ? ZERO_ID : s.lastId;
  else if ((id = strictIdArg(c, argv[4])) === null) return;
  const created = s === undefined;
  if (s === undefined) {
    // MKSTREAM, now that nothing can fail: dbAdd (+ signalModifiedKey below)
    s = new Stream();
    db.setKey(key, s);
  }
  const groups = (s.groups ??= new Map());
  if (groups.has(argv[3])) return c.error(Err.busyGroup);
  groups.set(argv[3], new ConsumerGroup(argv[3], id, opts.entriesRead));
  c.reply.ok();
  // a new key is a modified key for WATCH; a group added to an existing one is not
  if (created) db.written(key, 'xgroup-create', Notify.stream);
  else groupWritten(db, key, 'xgroup-create');
}

function xgroupSetid(c: Client, argv: string[]): void {
  const opts = xgroupOptions(c, argv, false);
  if (opts === null) return;
  const t = xgroupTarget(c, argv, false, true);
  if (t === undefined) return;
  if (argv.length !== 5 && argv.length !== 7) return c.error(AdminErr.subcommandSyntax(argv[1], argv[0]));
  const s = t.s!;
  const g = t.g!;
  let id: StreamId | null;
  if (argv[4] === '$') id = s.lastId;
  else if ((id = parseId(argv[4])) === null) return c.error(Err.invalidStreamId);
  g.lastId = id;
  g.entriesRead = opts.entriesRead;
  c.reply.ok();
  groupWritten(c.db, argv[2], 'xgroup-setid');
}

function xgroupDestroy(c: Client, argv: string[]): void {
  const t = xgroupTarget(c, argv, false, false);
  if (t === undefined) return;
  if (t.g === undefined) return c.reply.int(0);
  t.s!.groups!.delete(argv[3]);
  c.reply.int(1);
  groupWritten(c.db, argv[2], 'xgroup-destroy');
  // clients blocked on this group get -NOGROUP (XReadGroupWait.serve)
  c.server.blocking.signal(c.db, argv[2]);
}

function xgroupCreateConsumer(c: Client, argv: string[]): void {
  const t = xgroupTarget(c, argv, false, true);
  if (t === undefined) return;
  if (t.g!.consumers.has(argv[4])) return c.reply.int(0);
  createConsumer(c.db, argv[2], t.g!, argv[4]);
  c.reply.int(1);
}

function xgroupDelConsumer(c: Client, argv: string[]): void {
  const t = xgroupTarget(c, argv, false, true);
  if (t === undefined) return;
  const g = t.g!;
  const consumer = g.consumers.get(argv[4]);
  if (consumer === undefined) return c.reply.int(0);
  const pending = consumer.pel.size;
  g.deleteConsumer(consumer);
  c.reply.int(pending);
  groupWritten(c.db, argv[2], 'xgroup-delconsumer');
}

// ---------------------------------------------------------------------------
// XACK, XPENDING
// ---------------------------------------------------------------------------

function xack(c: Client, argv: string[]): void {
  const s = streamOf(c, c.db.lookupRead(argv[1]));
  if (s === null) return;
  const g = s?.groups?.get(argv[2]);
  // no key or group: nothing to acknowledge, the IDs are not even parsed
  if (g === undefined) return c.reply.int(0);
  // all IDs parse before anything is acknowledged
  const keys: string[] = new Array(argv.length - 3);
  for (let j = 3; j < argv.length; j++) {
    const id = strictIdArg(c, argv[j]);
    if (id === null) return;
    keys[j - 3] = idKey(id);
  }
  let acked = 0;
  for (const k of keys) if (g.ack(k)) acked++;
  c.reply.int(acked);
  c.db.changed(argv[1], null, 0, acked);
}

function xpending(c: Client, argv: string[]): void {
  const argc = argv.length;
  const summary = argc === 3;
  if (argc !== 3 && (argc < 6 || argc > 9)) return c.error(Err.syntax);
  let start = ZERO_ID;
  let end = MAX_ID;
  let count = 0;
  let minIdle = 0;
  let consumerName: string | null = null;
  if (argc >= 6) {
    let at = 3;
    if (optIs(argv[3], 'idle')) {
      const v = longLongArg(c, argv[4]);
      if (v === null) return;
      minIdle = v;
      if (argc < 8) return c.error(Err.syntax);
      at += 2;
    }
    const n = longLongArg(c, argv[at + 2]);
    if (n === null) return;
    count = n < 0 ? 0 : n;
    const a = rangeBoundArg(c, argv[at], false);
    if (a === null) return;
    start = a;
    const b = rangeBoundArg(c, argv[at + 1], true);
    if (b === null) return;
    end = b;
    if (at + 3 < argc) consumerName = argv[at + 3];
  }
  const s = streamOf(c, c.db.lookupRead(argv[1]));
  if (s === null) return;
  const g = lookupGroup(c, s, argv[1], argv[2]);
  if (g === null) return;
  const r = c.reply;

  if (summary) {
    r.array(4);
    r.int(g.pel.size);
    if (g.pel.size === 0) {
      r.nullBulk();
      r.nullBulk();
      r.nullArray();
      return;
    }
    r.bulk(formatId(g.pel.first()!.id));
    r.bulk(formatId(g.pel.last()!.id));
    const owners = g.sortedConsumers().filter((x) => x.pel.size !== 0);
    r.array(owners.length);
    for (const o of owners) {
      r.array(2);
      r.bulk(o.name);
      r.bulk(String(o.pel.size));
    }
    return;
  }

  let pel = g.pel;
  if (consumerName !== null) {
    const consumer = g.consumers.get(consumerName);
    if (consumer === undefined) return r.array(0);
    pel = consumer.pel;
  }
  const now = clock.ms;
  const endKey = idKey(end);
  const pos = r.deferArray();
  let n = 0;
  for (const cur = pel.seek(idKey(start)); count > 0; pel.advance(cur)) {
    const nack = pel.at(cur);
    if (nack === undefined || nack.key > endKey) break;
    if (minIdle !== 0 && now - nack.deliveryTime < minIdle) continue;
    n++;
    count--;
    r.array(4);
    r.bulk(formatId(nack.id));
    r.bulk(nack.consumer!.name);
    const elapsed = now - nack.deliveryTime;
    r.int(elapsed < 0 ? 0 : elapsed);
    r.int(nack.deliveryCount);
  }
  r.setDeferred(pos, n);
}

// ---------------------------------------------------------------------------

export const streamGroupCommands: CommandSpec[] = [
  {
    name: 'xgroup',
    subcommands: [
      { name: 'create', handler: xgroupCreate },
      { name: 'setid', handler: xgroupSetid },
      { name: 'destroy', handler: xgroupDestroy },
      { name: 'createconsumer', handler: xgroupCreateConsumer },
      { name: 'delconsumer', handler: xgroupDelConsumer },
      { name: 'help', handler: helpHandler(XGROUP_HELP) },
    ],
  },
  { name: 'xreadgroup', handler: xreadgroup },
  { name: 'xack', handler: xack },
  { name: 'xpending', handler: xpending },
  { name: 'xclaim', handler: xclaim },
  { name: 'xautoclaim', handler: xautoclaim },
];
