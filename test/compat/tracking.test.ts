/**
 * Client-side caching against a real redis-server: CLIENT TRACKING options
 * and their errors, TRACKINGINFO / GETREDIR / CACHING, invalidations to the
 * tracking connection itself (RESP3 pushes after the reply), OPTIN/OPTOUT,
 * NOLOOP, BCAST prefixes, flushes, and, across connections, invalidations
 * caused by other clients, redirected as pushes or `__redis__:invalidate`
 * messages, and a redirect that goes away.
 */
import { expect, it } from 'vitest';
import { Conn } from './conn';
import { describeWithRedis } from './servers';
import { Compare, describeScenarios, describeScripts, normalise, S, Scenario, Step, useServers } from './harness';

const servers = useServers();

const info = 'INFO clients';
/** INFO stats with the counters of earlier tests cleared (tracking_total_* are compared). */
const stats = ['CONFIG RESETSTAT', 'INFO stats'];

/**
 * Each command's reply (Pair.step), then everything that arrives after it
 * up to a sentinel (invalidation pushes, BCAST broadcasts), byte for byte:
 * so a push can never be mistaken for the next command's reply.
 */
const inMulti = new WeakSet<object>();
const withPushes: Compare = async (pair, args, index) => {
  const m = await pair.step(args, index);
  if (m !== null) return m;
  // inside MULTI the sentinel would only be queued: pushes are read after EXEC
  const name = args[0].toString().toUpperCase();
  if (name === 'MULTI') inMulti.add(pair);
  else if (name === 'EXEC' || name === 'DISCARD') inMulti.delete(pair);
  if (inMulti.has(pair)) return null;
  const [t, r] = await Promise.all([pair.tredis.sync(), pair.redis.sync()]);
  if (t.left === r.left && t.synced === r.synced) return null;
  return { index, cmd: args, tredis: t.left, redis: r.left, note: 'what followed the reply differs' };
};

const scripts: Record<string, Step[]> = {
  'option errors, in Redis order': S(
    'CLIENT TRACKING',
    'CLIENT TRACKING maybe',
    'CLIENT TRACKING on foo',
    'CLIENT TRACKING on prefix',
    'CLIENT TRACKING on redirect',
    'CLIENT TRACKING on redirect x',
    'CLIENT TRACKING on redirect 0',
    'CLIENT TRACKING on redirect 99999999',
    'CLIENT TRACKING on redirect -1',
    'CLIENT TRACKING on redirect 99999999999999999999',
    'CLIENT TRACKING on prefix a',
    'CLIENT TRACKING on bcast optin',
    'CLIENT TRACKING on bcast optout',
    'CLIENT TRACKING on optin optout',
    'CLIENT TRACKING on bcast prefix a prefix ab',
    'CLIENT TRACKING off foo',
    'CLIENT TRACKING off',
    'CLIENT TRACKINGINFO',
    'CLIENT GETREDIR',
    'CLIENT CACHING yes',
    'CLIENT CACHING',
    'CLIENT TRACKINGINFO x',
    'CLIENT GETREDIR x',
    info,
  ),
  'mode switches and TRACKINGINFO': S(
    'CLIENT TRACKING on optin noloop',
    'CLIENT TRACKINGINFO',
    'CLIENT CACHING yes',
    'CLIENT TRACKINGINFO',
    'CLIENT CACHING no',
    'CLIENT CACHING maybe',
    'CLIENT TRACKING on optout',
    'CLIENT TRACKING on bcast',
    'CLIENT TRACKING on',
    'CLIENT TRACKINGINFO',
    'CLIENT TRACKING off',
    'CLIENT TRACKING on optout',
    'CLIENT CACHING yes',
    'CLIENT CACHING no',
    'CLIENT TRACKINGINFO',
    'CLIENT LIST',
    'CLIENT TRACKING off',
    'CLIENT TRACKING on bcast prefix b prefix a',
    'CLIENT TRACKINGINFO',
    'CLIENT TRACKING on bcast prefix c',
    'CLIENT TRACKING on bcast prefix cd',
    'CLIENT TRACKING on bcast prefix x prefix y prefix xy',
    // an overlap past the first prefix: Redis 7.0 replies the error, then enables and replies +OK
    'CLIENT TRACKING on bcast prefix y prefix x prefix xy',
    'CLIENT TRACKINGINFO',
    'CLIENT TRACKING on optin',
    'CLIENT LIST',
    info,
    ...stats,
    'RESET',
    'CLIENT TRACKINGINFO',
    'CLIENT GETREDIR',
    info,
  ),
  'invalidations of its own reads follow the reply': S(
    'CLIENT TRACKING on',
    'SET k v',
    'GET k',
    'SET k v2',
    'GET k',
    'GET k',
    'MGET k k2 k3',
    'MSET k 1 k2 2 k3 3',
    'HSET h f v',
    'HGET h f',
    'HDEL h f',
    'GET k',
    'MULTI',
    'SET k 2',
    'GET k',
    'SET k 3',
    'EXEC',
    'GET k',
    'DEL k',
    'DEL k',
    'GET k',
    'EXPIRE k 100',
    'GET k2',
    'RENAME k2 k4',
    'GET k4',
    'SELECT 1',
    'SET k4 other-db',
    'SELECT 0',
    'STRLEN k3',
    'EXISTS k3',
    'TYPE k3',
    'INCR k3',
    'OBJECT ENCODING k3',
    'APPEND k3 x',
    ...stats,
    'CLIENT TRACKING off',
    'SET k3 after-off',
  ),
  'flushes send a null invalidation': S(
    'CLIENT TRACKING on',
    'GET a',
    'FLUSHDB',
    'SET a 1',
    'GET a',
    'FLUSHALL',
    'SET a 2',
    'SWAPDB 0 1',
    'GET a',
    'SWAPDB 0 1',
    'SET a 3',
  ),
  'OPTIN and OPTOUT with CACHING': S(
    'CLIENT TRACKING on optin',
    'GET a',
    'SET a 1',
    'CLIENT CACHING yes',
    'GET a',
    'SET a 2',
    'GET a',
    'SET a 3',
    'CLIENT CACHING yes',
    'CLIENT ID',
    'GET a',
    'SET a 4',
    'CLIENT CACHING yes',
    'NOSUCHCOMMAND',
    'GET a',
    'SET a 5',
    'CLIENT CACHING yes',
    'MULTI',
    'GET a',
    'GET b',
    'EXEC',
    'MSET a 6 b 6',
    'CLIENT TRACKING off',
    'CLIENT TRACKING on optout',
    'GET a',
    'SET a 7',
    'CLIENT CACHING no',
    'GET a',
    'SET a 8',
  ),
  'a key found expired by its own read': S(
    'DEBUG SET-ACTIVE-EXPIRE 0',
    'CLIENT TRACKING on',
    'SET y v PX 20',
    'GET y',
    { sleep: 60 },
    'GET y',
    'SET z v PX 20',
    'CLIENT TRACKING on noloop',
    'GET z',
    { sleep: 60 },
    'EXISTS z',
    'DEBUG SET-ACTIVE-EXPIRE 1',
  ),
  'keys read by scripts are tracked for their caller': S(
    'SCRIPT FLUSH',
    'CLIENT TRACKING on',
    ['EVAL', "return redis.call('get', KEYS[1])", '1', 'tk'],
    'SET tk 1',
    ['EVAL_RO', "return redis.call('get', KEYS[1])", '1', 'tk2'],
    'SET tk2 1',
    ['EVAL_RO', 'return 1', '1', 'tk3'],
    'SET tk3 1',
    ['EVAL', "redis.call('get', 'a') redis.call('get', 'b') return redis.call('set', 'a', 'x')", '0'],
    'SET b 1',
  ),
  'NOLOOP: own writes are not reported': S(
    'CLIENT TRACKING on noloop',
    'GET a',
    'SET a 1',
    'GET a',
    'CLIENT TRACKING on',
    'SET a 2',
  ),
  'BCAST prefixes on the tracking connection': S(
    'CLIENT TRACKING on bcast prefix user: prefix obj:',
    'SET user:1 a',
    'MSET user:3 c user:2 b obj:1 x other y',
    'DEL user:2 user:3 nosuch',
    'CLIENT TRACKING on bcast prefix tmp',
    'SET tmp1 x',
    ...stats,
    'CLIENT TRACKING off',
    'SET user:1 z',
    'CLIENT TRACKING on bcast noloop',
    'SET anything 1',
    ...stats,
  ),
};

describeScripts('compat tracking', scripts, { servers, compare: withPushes });

const scenarios: Record<string, Scenario> = {
  'writes by another client invalidate': [
    2,
    [
      { on: 0, cmd: 'CLIENT TRACKING on' },
      { on: 0, cmd: 'GET a' },
      { on: 0, cmd: 'HGETALL h' },
      { on: 1, cmd: 'SET a 1' },
      { read: 0 },
      { on: 1, cmd: 'SET a 2' },
      { on: 1, cmd: 'HSET h f v' },
      { read: 0 },
      { on: 1, cmd: 'FLUSHALL' },
      { read: 0 },
      { on: 0, cmd: 'GET x' },
      { on: 1, cmd: 'SET x v PX 50' },
      { read: 0 },
      { on: 0, cmd: 'GET x' },
      { wait: 150 },
      { on: 1, cmd: 'GET x' },
      { read: 0 },
    ],
  ],
  'redirect to another connection': [
    3,
    [
      { on: 1, cmd: 'SUBSCRIBE __redis__:invalidate' },
      { on: 0, cmd: 'CLIENT TRACKING on REDIRECT $ID1' },
      { on: 0, cmd: 'CLIENT GETREDIR' },
      { on: 0, cmd: 'CLIENT TRACKINGINFO' },
      { on: 0, cmd: 'GET a' },
      { on: 2, cmd: 'SET a 1' },
      { read: 1 },
      { on: 0, cmd: 'GET a' },
      { on: 0, cmd: 'SET a 2' },
      { read: 1 },
      { on: 2, cmd: 'FLUSHDB' },
      { read: 1 },
      { on: 0, cmd: 'CLIENT TRACKING on REDIRECT $ID2' },
      { on: 0, cmd: 'GET b' },
      { on: 1, cmd: 'SET b 1' },
      { read: 2 },
      { on: 0, cmd: 'CLIENT TRACKING on REDIRECT $ID1 REDIRECT $ID2' },
    ],
  ],
  'a redirect that went away': [
    3,
    [
      { on: 0, cmd: 'CLIENT TRACKING on REDIRECT $ID1' },
      { on: 0, cmd: 'GET a' },
      { on: 1, cmd: 'QUIT' },
      { wait: 100 },
      { on: 2, cmd: 'SET a 1' },
      { read: 0 },
      { on: 0, cmd: 'CLIENT TRACKINGINFO' },
      { on: 0, cmd: 'CLIENT GETREDIR' },
      { on: 0, cmd: 'CLIENT TRACKING on' },
      { on: 0, cmd: 'CLIENT TRACKINGINFO' },
    ],
  ],
  'BCAST to several clients, NOLOOP': [
    3,
    [
      { on: 0, cmd: 'CLIENT TRACKING on BCAST PREFIX a PREFIX b' },
      { on: 1, cmd: 'CLIENT TRACKING on BCAST NOLOOP PREFIX a' },
      { on: 2, cmd: 'MSET a2 1 a1 1 b1 1 c1 1' },
      { read: 0 },
      { read: 0 },
      { read: 1 },
      { on: 1, cmd: 'SET a3 x' },
      { read: 0 },
      { on: 0, cmd: 'SET a4 y' },
      { read: 0 },
      { read: 1 },
    ],
  ],
  'pushes survive CLIENT REPLY OFF and SKIP': [
    2,
    [
      { on: 0, cmd: 'CLIENT TRACKING on' },
      { on: 0, cmd: 'GET k' },
      { block: 0, cmd: 'CLIENT REPLY OFF' },
      { block: 0, cmd: 'SET k 1' },
      { read: 0 },
      { block: 0, cmd: 'GET k' },
      { on: 1, cmd: 'SET k 2' },
      { read: 0 },
      { block: 0, cmd: 'SUBSCRIBE ch' },
      { read: 0 },
      { on: 1, cmd: 'PUBLISH ch hello' },
      { read: 0 },
      { block: 0, cmd: 'UNSUBSCRIBE' },
      { read: 0 },
      { block: 0, cmd: 'CLIENT REPLY ON' },
      { read: 0 },
      { on: 0, cmd: 'GET k' },
      { block: 0, cmd: 'CLIENT REPLY SKIP' },
      { block: 0, cmd: 'SET k 3' },
      { on: 0, cmd: 'GET k' },
      { on: 0, cmd: 'SET k 4' },
      { read: 0 },
      { read: 0 },
    ],
  ],
};

describeScenarios('compat tracking: several clients', scenarios, servers, { normalise, readTimeoutMs: 400 });

/**
 * tracking-table-max-keys: which keys go is random in Redis (a random walk
 * of its table), so the counts are compared: over the limit, the next
 * command first invalidates keys until the table is back at the limit.
 */
async function overTheLimit(port: number): Promise<{ pushes: number; keys: string[]; total: string }> {
  const c = await Conn.connect(port);
  try {
    await c.cmd(['HELLO', '3']);
    await c.cmd(['CONFIG', 'SET', 'tracking-table-max-keys', '3']);
    await c.cmd(['CLIENT', 'TRACKING', 'on']);
    await c.cmd(['MGET', ...Array.from({ length: 10 }, (_, i) => `k${i}`)]);
    c.send(['PING', 'after']);
    const got = await c.until((s) => s.endsWith('+after\r\n') || s.endsWith('$5\r\nafter\r\n'), 3000);
    const keys = [...got.matchAll(/>2\r\n\$10\r\ninvalidate\r\n\*1\r\n\$2\r\n(k\d)\r\n/g)].map((m) => m[1]);
    const pushes = got.split('invalidate').length - 1;
    const info = await c.cmd(['INFO', 'stats']);
    const total = /tracking_total_keys:(\d+)/.exec(info)?.[1] ?? '?';
    return { pushes, keys, total };
  } finally {
    await c.cmd(['CONFIG', 'SET', 'tracking-table-max-keys', '1000000']);
    await c.cmd(['CLIENT', 'TRACKING', 'off']);
    c.close();
  }
}

describeWithRedis('compat tracking: tracking-table-max-keys', () => {
  it('invalidates keys down to the limit before the next command', async () => {
    const [t, r] = [await overTheLimit(servers.tredis), await overTheLimit(servers.redis)];
    expect(r).toMatchObject({ pushes: 7, total: '3' });
    expect(t).toMatchObject({ pushes: r.pushes, total: r.total });
    expect(new Set(t.keys).size).toBe(7);
  });
});
