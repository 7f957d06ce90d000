/**
 * XINFO STREAM [FULL [COUNT n]], XINFO GROUPS, XINFO CONSUMERS, XINFO HELP,
 * with Redis 7.0.15's fields, order and errors (t_stream.c xinfoCommand()).
 * Groups and consumers are listed in name (byte) order, as Redis's rax
 * iterates them.
 */
import type { CommandSpec } from '../server/command';
import type { Client } from '../server/client';
import { AdminErr, Err } from '../protocol/errors';
import { Stream } from '../store/stream';
import { MAX_ID, ZERO_ID, formatId } from '../store/stream-id';
import { ConsumerGroup, INVALID_ENTRIES_READ, groupLag, sortedGroups } from '../store/stream-groups';
import { optIs, parseLL } from './args';
import { helpHandler } from './shared';
import { replyEntry, replyRange } from './stream-common';
import { clock } from '../server/clock';

const XINFO_HELP = [
  'CONSUMERS <key> <groupname>',
  '    Show consumers of <groupname>.',
  'GROUPS <key>',
  '    Show the stream consumer groups.',
  'STREAM <key> [FULL [COUNT <count>]',
  '    Show information about the stream.',
];

/** lookupKeyReadOrReply(no such key) + checkType: null after replying. */
function streamOrReply(c: Client, key: string): Stream | null {
  const v = c.db.lookupRead(key);
  if (v === undefined) {
    c.error(Err.noSuchKey);
    return null;
  }
  if (!(v instanceof Stream)) {
    c.error(Err.wrongType);
    return null;
  }
  return v;
}

function replyEntriesRead(c: Client, g: ConsumerGroup): void {
  if (g.entriesRead !== INVALID_ENTRIES_READ) c.reply.int(g.entriesRead);
  else c.reply.null();
}

function replyLag(c: Client, s: Stream, g: ConsumerGroup): void {
  const lag = groupLag(s, g);
  if (lag === null) c.reply.null();
  else c.reply.int(lag);
}

function xinfoConsumers(c: Client, argv: string[]): void {
  const s = streamOrReply(c, argv[2]);
  if (s === null) return;
  const g = s.groups?.get(argv[3]);
  if (g === undefined) return c.error(Err.noGroupForKey(argv[3], argv[2]));
  const r = c.reply;
  const list = g.sortedConsumers();
  const now = clock.ms;
  r.array(list.length);
  for (const consumer of list) {
    r.map(3);
    r.bulk('name');
    r.bulk(consumer.name);
    r.bulk('pending');
    r.int(consumer.pel.size);
    r.bulk('idle');
    const idle = now - consumer.seenTime;
    r.int(idle < 0 ? 0 : idle);
  }
}

function xinfoGroups(c: Client, argv: string[]): void {
  const s = streamOrReply(c, argv[2]);
  if (s === null) return;
  const r = c.reply;
  const list = sortedGroups(s.groups);
  r.array(list.length);
  for (const g of list) {
    r.map(6);
    r.bulk('name');
    r.bulk(g.name);
    r.bulk('consumers');
    r.int(g.consumers.size);
    r.bulk('pending');
    r.int(g.pel.size);
    r.bulk('last-delivered-id');
    r.bulk(formatId(g.lastId));
    r.bulk('entries-read');
    replyEntriesRead(c, g);
    r.bulk('lag');
    replyLag(c, s, g);
  }
}

function xinfoStream(c: Client, argv: string[]): void {
  const s = streamOrReply(c, argv[2]);
  if (s === null) return;
  const extra = argv.length - 3;
  let full = false;
  let count = 10; // FULL's default, so that a big stream does not block the server
  if (extra === 1 || extra === 3) {
    if (!optIs(argv[3], 'full')) return c.error(AdminErr.subcommandSyntax(argv[1], argv[0]));
    full = true;
    if (extra === 3) {
      if (!optIs(argv[4], 'count')) return c.error(AdminErr.subcommandSyntax(argv[1], argv[0]));
      const v = parseLL(argv[5]);
      if (v === null) return c.error(Err.notInteger);
      count = v < 0 ? 10 : Number(v);
    }
  } else if (extra !== 0) return c.error(AdminErr.subcommandSyntax(argv[1], argv[0]));

  const r = c.reply;
  r.map(full ? 9 : 10);
  r.bulk('length');
  r.int(s.length);
  r.bulk('radix-tree-keys');
  r.int(s.nodeCount);
  r.bulk('radix-tree-nodes');
  r.int(s.radixTreeNodes());
  r.bulk('last-generated-id');
  r.bulk(formatId(s.lastId));
  r.bulk('max-deleted-entry-id');
  r.bulk(formatId(s.maxDeletedId));
  r.bulk('entries-added');
  r.int(s.entriesAddedExact());
  r.bulk('recorded-first-entry-id');
  r.bulk(formatId(s.firstId));
  if (!full) {
    r.bulk('groups');
    r.int(s.groups === null ? 0 : s.groups.size);
    r.bulk('first-entry');
    const first = s.firstEntry();
    if (first === null) r.null();
    else replyEntry(c, first.id, first.fields);
    r.bulk('last-entry');
    const last = s.lastEntry();
    if (last === null) r.null();
    else replyEntry(c, last.id, last.fields);
    return;
  }

  r.bulk('entries');
  replyRange(c, s, ZERO_ID, MAX_ID, count, false);

  r.bulk('groups');
  const groups = sortedGroups(s.groups);
  r.array(groups.length);
  for (const g of groups) {
    r.map(7);
    r.bulk('name');
    r.bulk(g.name);
    r.bulk('last-delivered-id');
    r.bulk(formatId(g.lastId));
    r.bulk('entries-read');
    replyEntriesRead(c, g);
    r.bulk('lag');
    replyLag(c, s, g);
    r.bulk('pel-count');
    r.int(g.pel.size);
    r.bulk('pending');
    const pn = count === 0 ? g.pel.size : Math.min(count, g.pel.size);
    r.array(pn);
    let i = 0;
    for (const nack of g.pel) {
      if (i++ === pn) break;
      r.array(4);
      r.bulk(formatId(nack.id));
      r.bulk(nack.consumer!.name);
      r.int(nack.deliveryTime);
      r.int(nack.deliveryCount);
    }
    r.bulk('consumers');
    const consumers = g.sortedConsumers();
    r.array(consumers.length);
    for (const consumer of consumers) {
      r.map(4);
      r.bulk('name');
      r.bulk(consumer.name);
      r.bulk('seen-time');
      r.int(consumer.seenTime);
      r.bulk('pel-count');
      r.int(consumer.pel.size);
      r.bulk('pending');
      const cn = count === 0 ? consumer.pel.size : Math.min(count, consumer.pel.size);
      r.array(cn);
      let k = 0;
      for (const nack of consumer.pel) {
        if (k++ === cn) break;
        r.array(3);
        r.bulk(formatId(nack.id));
        r.int(nack.deliveryTime);
        r.int(nack.deliveryCount);
      }
    }
  }
}

export const streamInfoCommands: CommandSpec[] = [
  {
    name: 'xinfo',
    subcommands: [
      { name: 'consumers', handler: xinfoConsumers },
      { name: 'groups', handler: xinfoGroups },
      { name: 'stream', handler: xinfoStream },
      { name: 'help', handler: helpHandler(XINFO_HELP) },
    ],
  },
];
