/**
 * SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, SSUBSCRIBE,
 * SUNSUBSCRIBE, SPUBLISH and PUBSUB, replying as Redis 7.0: one
 * confirmation per channel (a push in RESP3) with the client's count of
 * subscriptions after it.
 */
import type { Client } from '../server/client';
import type { CommandSpec } from '../server/command';
import { compileGlob } from '../util/glob';
import { helpHandler } from '../commands/shared';
import { clientInfoHooks } from '../commands/client';
import { infoFieldOverrides } from '../commands/info';
import type { Kind } from './pubsub';
import { AdminErr } from '../protocol/errors';

/** Channels + patterns (SUBSCRIBE and PSUBSCRIBE count these), or shard channels alone. */
function count(c: Client, kind: Kind): number {
  const s = c.pubsub;
  if (s === null) return 0;
  return kind === 'shard' ? s.shard.size : s.channels.size + s.patterns.size;
}

const VERB: Record<Kind, [string, string]> = {
  channel: ['subscribe', 'unsubscribe'],
  pattern: ['psubscribe', 'punsubscribe'],
  shard: ['ssubscribe', 'sunsubscribe'],
};

function confirm(c: Client, verb: string, name: string | null, n: number): void {
  const r = c.reply;
  const start = r.len;
  r.push(3);
  r.bulk(verb);
  if (name === null) r.null();
  else r.bulk(name);
  r.int(n);
  r.markPush(start);
}

function subscribeGeneric(kind: Kind): (c: Client, argv: string[]) => void {
  return (c, argv) => {
    for (let j = 1; j < argv.length; j++) {
      c.server.pubsub.subscribe(c, kind, argv[j]);
      confirm(c, VERB[kind][0], argv[j], count(c, kind));
    }
  };
}

function unsubscribeGeneric(kind: Kind): (c: Client, argv: string[]) => void {
  return (c, argv) => {
    const ps = c.server.pubsub;
    let names = argv.slice(1);
    if (names.length === 0) {
      const s = c.pubsub;
      names = s === null ? [] : [...(kind === 'channel' ? s.channels : kind === 'pattern' ? s.patterns : s.shard)];
      // nothing to leave: one confirmation with a null name
      if (names.length === 0) return confirm(c, VERB[kind][1], null, count(c, kind));
    }
    for (const name of names) {
      ps.unsubscribe(c, kind, name);
      confirm(c, VERB[kind][1], name, count(c, kind));
    }
  };
}

function publish(c: Client, argv: string[]): void {
  c.reply.int(c.server.pubsub.publish(argv[1], argv[2]));
}

function spublish(c: Client, argv: string[]): void {
  c.reply.int(c.server.pubsub.publishShard(argv[1], argv[2]));
}

function channelsGeneric(shard: boolean): (c: Client, argv: string[]) => void {
  return (c, argv) => {
    const table = shard ? c.server.pubsub.shardChannels : c.server.pubsub.channels;
    if (argv.length > 3) return c.error(AdminErr.subcommandSyntax(argv[1], 'pubsub'));
    const match = argv.length > 2 ? compileGlob(argv[2]) : null;
    const out: string[] = [];
    for (const name of table.keys()) if (match === null || match(name)) out.push(name);
    c.reply.bulks(out);
  };
}

function numsubGeneric(shard: boolean): (c: Client, argv: string[]) => void {
  return (c, argv) => {
    const table = shard ? c.server.pubsub.shardChannels : c.server.pubsub.channels;
    // a flat array in RESP3 too, as Redis replies
    c.reply.array(2 * (argv.length - 2));
    for (let j = 2; j < argv.length; j++) {
      c.reply.bulk(argv[j]);
      c.reply.int(table.get(argv[j])?.size ?? 0);
    }
  };
}

function numpat(c: Client): void {
  c.reply.int(c.server.pubsub.patterns.size);
}

const PUBSUB_HELP = [
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
  'SHARDCHANNELS [<pattern>]',
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers for the specified shard level channel(s)',
];

clientInfoHooks.sub = (c) => c.pubsub?.channels.size ?? 0;
clientInfoHooks.psub = (c) => c.pubsub?.patterns.size ?? 0;
clientInfoHooks.ssub = (c) => c.pubsub?.shard.size ?? 0;
infoFieldOverrides.set('pubsub_channels', (srv) => srv.pubsub.channels.size);
infoFieldOverrides.set('pubsub_patterns', (srv) => srv.pubsub.patterns.size);
infoFieldOverrides.set('pubsubshard_channels', (srv) => srv.pubsub.shardChannels.size);

export const pubsubCommands: CommandSpec[] = [
  { name: 'subscribe', handler: subscribeGeneric('channel') },
  { name: 'unsubscribe', handler: unsubscribeGeneric('channel') },
  { name: 'psubscribe', handler: subscribeGeneric('pattern') },
  { name: 'punsubscribe', handler: unsubscribeGeneric('pattern') },
  { name: 'ssubscribe', handler: subscribeGeneric('shard') },
  { name: 'sunsubscribe', handler: unsubscribeGeneric('shard') },
  { name: 'publish', handler: publish },
  { name: 'spublish', handler: spublish },
  {
    name: 'pubsub',
    subcommands: [
      { name: 'channels', handler: channelsGeneric(false) },
      { name: 'shardchannels', handler: channelsGeneric(true) },
      { name: 'numsub', handler: numsubGeneric(false) },
      { name: 'shardnumsub', handler: numsubGeneric(true) },
      { name: 'numpat', handler: numpat },
      { name: 'help', handler: helpHandler(PUBSUB_HELP) },
    ],
  },
];
