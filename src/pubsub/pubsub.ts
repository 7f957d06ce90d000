/**
 * Pub/Sub state: who listens to which channel, pattern and shard channel,
 * and delivery. A message is encoded once per PUBLISH, as a RESP2 array,
 * straight into the first subscriber's reply buffer; its bytes are copied
 * from there into the other subscribers' buffers (a RESP3 subscriber's copy
 * gets the push header's '>' in place of '*'). Each subscriber is then
 * written once per event-loop turn.
 * Keyspace notifications are published here too (Server.notify).
 */
import type { Client } from '../server/client';
import type { Server } from '../server/server';
import { compileGlob } from '../util/glob';
import { outputAdded } from '../server/obuf';
import { NOTIFY_KEYEVENT, NOTIFY_KEYSPACE } from '../config/notify';

/** A client's subscriptions; null on the client while it has none. */
export interface Subscriptions {
  channels: Set<string>;
  patterns: Set<string>;
  shard: Set<string>;
}

interface PatternEntry {
  match: (s: string) => boolean;
  clients: Set<Client>;
}

export type Kind = 'channel' | 'pattern' | 'shard';

/** RESP bulk of a latin1 string. */
const bulk = (s: string) => `$${s.length}\r\n${s}\r\n`;

/** A message's first byte: RESP2 array, RESP3 push (the rest of the bytes is the same). */
const ARRAY = 0x2a;
const PUSH = 0x3e;

export class PubSub {
  readonly channels = new Map<string, Set<Client>>();
  readonly patterns = new Map<string, PatternEntry>();
  readonly shardChannels = new Map<string, Set<Client>>();

  /** Subscribers with messages not sent yet: written once each when the event-loop turn ends. */
  private readonly unsent = new Set<Client>();

  constructor(private readonly srv: Server) {}

  /** Subscribe c; false when it already was. */
  subscribe(c: Client, kind: Kind, name: string): boolean {
    const subs = (c.pubsub ??= { channels: new Set(), patterns: new Set(), shard: new Set() });
    const mine = kind === 'channel' ? subs.channels : kind === 'pattern' ? subs.patterns : subs.shard;
    if (mine.has(name)) return false;
    mine.add(name);
    if (kind === 'pattern') {
      let e = this.patterns.get(name);
      if (e === undefined) this.patterns.set(name, (e = { match: compileGlob(name), clients: new Set() }));
      e.clients.add(c);
    } else {
      const table = kind === 'channel' ? this.channels : this.shardChannels;
      let set = table.get(name);
      if (set === undefined) table.set(name, (set = new Set()));
      set.add(c);
    }
    return true;
  }

  /** Unsubscribe c; false when it was not subscribed. */
  unsubscribe(c: Client, kind: Kind, name: string): boolean {
    const subs = c.pubsub;
    if (subs === null) return false;
    const mine = kind === 'channel' ? subs.channels : kind === 'pattern' ? subs.patterns : subs.shard;
    if (!mine.delete(name)) return false;
    if (kind === 'pattern') {
      const e = this.patterns.get(name)!;
      e.clients.delete(c);
      if (e.clients.size === 0) this.patterns.delete(name);
    } else {
      const table = kind === 'channel' ? this.channels : this.shardChannels;
      const set = table.get(name)!;
      set.delete(c);
      if (set.size === 0) table.delete(name);
    }
    if (subs.channels.size === 0 && subs.patterns.size === 0 && subs.shard.size === 0) c.pubsub = null;
    return true;
  }

  /** Drop every subscription of c (RESET, a closed connection). */
  dropAll(c: Client): void {
    const subs = c.pubsub;
    if (subs === null) return;
    for (const ch of [...subs.channels]) this.unsubscribe(c, 'channel', ch);
    for (const p of [...subs.patterns]) this.unsubscribe(c, 'pattern', p);
    for (const s of [...subs.shard]) this.unsubscribe(c, 'shard', s);
  }

  /** PUBLISH: deliver to channel subscribers, then to matching patterns; the number of receivers. */
  publish(channel: string, message: string): number {
    let receivers = 0;
    const subs = this.channels.get(channel);
    if (subs !== undefined) {
      this.deliver(subs, `*3\r\n$7\r\nmessage\r\n${bulk(channel)}${bulk(message)}`);
      receivers += subs.size;
    }
    if (this.patterns.size !== 0) {
      for (const [pattern, e] of this.patterns) {
        if (!e.match(channel)) continue;
        this.deliver(e.clients, `*4\r\n$8\r\npmessage\r\n${bulk(pattern)}${bulk(channel)}${bulk(message)}`);
        receivers += e.clients.size;
      }
    }
    return receivers;
  }

  /** SPUBLISH: deliver to the shard channel's subscribers. */
  publishShard(channel: string, message: string): number {
    const subs = this.shardChannels.get(channel);
    if (subs === undefined) return 0;
    this.deliver(subs, `*3\r\n$8\r\nsmessage\r\n${bulk(channel)}${bulk(message)}`);
    return subs.size;
  }

  /** A keyspace event, on __keyspace@db__:key and/or __keyevent@db__:event as notify-keyspace-events selects. */
  keyspaceEvent(flags: number, event: string, key: string, dbid: number): void {
    if (this.channels.size === 0 && this.patterns.size === 0) return;
    if (flags & NOTIFY_KEYSPACE) this.publish(`__keyspace@${dbid}__:${key}`, event);
    if (flags & NOTIFY_KEYEVENT) this.publish(`__keyevent@${dbid}__:${event}`, key);
  }

  /**
   * Append one message (`frame`, a RESP2 array) to the replies of every
   * client of `to` (as a push in RESP3) and send them: the string is written
   * once, into the first client's buffer, and copied from there.
   */
  private deliver(to: Set<Client>, frame: string): void {
    let encoded: Buffer | null = null;
    for (const c of to) {
      // over its output-buffer limit: closed when the event ends, sent nothing more
      if (c.closeAsap) continue;
      const r = c.reply;
      const start = r.len;
      if (encoded === null) {
        r.raw(frame);
        // a view of those bytes (the first client's buffer is not written again in this loop)
        encoded = r.buf.subarray(start, r.len);
      } else r.rawBytes(encoded);
      r.buf[start] = r.proto === 3 ? PUSH : ARRAY;
      r.markPush(start);
      // sent when the current event-loop turn is done (a command may still be writing to c)
      if (this.unsent.size === 0) setImmediate(this.sendUnsent);
      this.unsent.add(c);
      // a subscriber that does not keep up: enforce its output-buffer limit
      outputAdded(this.srv, c);
    }
  }

  /**
   * One write per subscriber per event-loop turn, however many messages the
   * turn's read events published to it: setImmediate callbacks run once the
   * poll phase has handled every socket that was ready, as Redis writes its
   * clients with pending replies in beforeSleep. A subscriber that sent a
   * command meanwhile had its messages sent with that reply.
   */
  private readonly sendUnsent = (): void => {
    for (const c of this.unsent) this.srv.flush(c);
    this.unsent.clear();
  };
}
