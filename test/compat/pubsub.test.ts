/**
 * Pub/Sub against a real redis-server: confirmations and counts, RESP2
 * subscribed mode (what it allows, PING's form), RESP3 pushes interleaved
 * with replies, PUBLISH / SPUBLISH to channel, pattern and shard
 * subscribers on other connections, PUBSUB introspection, RESET, and
 * keyspace notifications delivered to subscribers.
 */
import { describeScenarios, describeScripts, normalise, S, Scenario, Step, useServers } from './harness';

const servers = useServers();

const scripts: Record<string, Step[]> = {
  'subscribe and unsubscribe, counts and errors': S(
    'SUBSCRIBE a b a',
    'PSUBSCRIBE p* p?',
    'SSUBSCRIBE s t',
    'PING',
    'PING hello',
    'GET a',
    'SET a 1',
    'PUBSUB NUMPAT',
    'UNSUBSCRIBE b nosuch',
    'PUNSUBSCRIBE p? zz',
    'SUNSUBSCRIBE t',
    'UNSUBSCRIBE a',
    'PUNSUBSCRIBE p*',
    'SUNSUBSCRIBE s',
    'UNSUBSCRIBE',
    'PUNSUBSCRIBE',
    'SUNSUBSCRIBE',
    'PING',
    'SUBSCRIBE',
    'PSUBSCRIBE',
    'PUBLISH a',
    'SUBSCRIBE only',
    'UNSUBSCRIBE',
    'GET a',
  ),
  'PUBSUB introspection': S(
    'CONFIG RESETSTAT',
    'PUBSUB CHANNELS',
    'PUBSUB NUMSUB',
    'PUBSUB NUMSUB a b',
    'PUBSUB NUMPAT',
    'PUBSUB SHARDCHANNELS',
    'PUBSUB SHARDNUMSUB x',
    'PUBSUB HELP',
    'PUBSUB NOSUCH',
    'PUBSUB',
    'PUBSUB CHANNELS a b',
    'PUBLISH nobody msg',
    'SPUBLISH nobody msg',
    'INFO stats',
  ),
  'a subscriber publishing to itself, then RESET': S(
    'SUBSCRIBE me',
    'PSUBSCRIBE m*',
    'RESET',
    'PUBSUB NUMSUB me',
    'PUBSUB NUMPAT',
    'PUBLISH me x',
  ),
};

describeScripts('compat pubsub', scripts, { servers });

const blockingScripts: Record<string, Scenario> = {
  'PUBLISH to channel, pattern and shard subscribers on other connections': [
    4,
    [
      { on: 1, cmd: 'SUBSCRIBE news' },
      { on: 2, cmd: 'PSUBSCRIBE n*' },
      { on: 3, cmd: 'SSUBSCRIBE news' },
      { on: 0, cmd: 'PUBLISH news hello' },
      { read: 1 },
      { read: 2 },
      { on: 0, cmd: 'SPUBLISH news shard-hello' },
      { read: 3 },
      { on: 0, cmd: 'PUBLISH nope x' },
      { read: 2 },
      { on: 0, cmd: 'PUBSUB CHANNELS' },
      { on: 0, cmd: 'PUBSUB NUMSUB news nope' },
      { on: 0, cmd: 'PUBSUB SHARDCHANNELS n*' },
      { on: 0, cmd: 'PUBSUB SHARDNUMSUB news' },
      { on: 0, cmd: 'PUBSUB NUMPAT' },
      { on: 1, cmd: 'UNSUBSCRIBE' },
      { on: 0, cmd: 'PUBLISH news again' },
      { read: 2 },
    ],
  ],
  'keyspace notifications reach subscribers': [
    2,
    [
      { on: 0, cmd: 'CONFIG SET notify-keyspace-events KEA' },
      { on: 1, cmd: 'SUBSCRIBE __keyspace@0__:k __keyevent@0__:set __keyevent@0__:expired' },
      { on: 0, cmd: 'SET k v' },
      { read: 1 },
      { read: 1 },
      { on: 0, cmd: 'SET e v PX 1' },
      { read: 1 },
      { wait: 200 },
      { read: 1 },
      { on: 0, cmd: 'CONFIG SET notify-keyspace-events ""' },
    ],
  ],
};

describeScenarios('compat pubsub: several clients', blockingScripts, servers, { normalise });
