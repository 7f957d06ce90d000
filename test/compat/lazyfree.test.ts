/**
 * Lazy freeing against a real redis-server: UNLINK and DEL replies, FLUSHALL
 * / FLUSHDB with SYNC, ASYNC and bad arguments, SCRIPT FLUSH and FUNCTION
 * FLUSH modes and errors, the lazyfree configs, and INFO memory's
 * lazyfree_pending_objects / lazyfreed_objects after each kind of free (the
 * rest of INFO memory is the allocator's and the runtime's: only those two
 * lines are compared; a short sleep first lets Redis's lazyfree thread end).
 */
import { Compare, describeScripts, S, Step, useServers } from './harness';

const servers = useServers();

/** The lazyfree lines of an INFO reply. */
function lazyLines(reply: string): string {
  return reply
    .split('\r\n')
    .filter((l) => l.startsWith('lazyfree'))
    .join('\n');
}

/** INFO: only the lazyfree lines; everything else as Pair.step compares it. */
const compare: Compare = async (pair, args, index) => {
  if (args[0].toString().toUpperCase() !== 'INFO') return pair.step(args, index);
  const [t, r] = await pair.both(args);
  const lt = lazyLines(t);
  const lr = lazyLines(r);
  if (lt !== '' && lt === lr) return null;
  return { index, cmd: args, tredis: lt || t, redis: lr || r, note: 'lazyfree lines of INFO differ' };
};

// a list starting with a command: S() flattens it
const counters: Step[] = [['PING'], { sleep: 50 }, ['INFO', 'memory']];

function sadd(key: string, n: number): Step {
  return ['SADD', key, ...Array.from({ length: n }, (_, i) => `m${i}`)];
}

function fields(cmd: string, key: string, n: number, pair: (i: number) => string[]): Step {
  return [cmd, key, ...Array.from({ length: n }, (_, i) => pair(i)).flat()];
}

const scripts: Record<string, Step[]> = {
  'UNLINK and DEL replies': S(
    'SET a 1',
    'SET b 2',
    'RPUSH l x y',
    'UNLINK a b c a',
    'UNLINK a',
    'DEL l l',
    'UNLINK',
    'DEL',
    'SET e 1 PX 1',
    { sleep: 20 },
    'UNLINK e',
    'EXISTS a b l e',
  ),
  'FLUSHALL and FLUSHDB arguments': S(
    'SET a 1',
    'FLUSHALL ASYNC',
    'DBSIZE',
    'SET a 1',
    'FLUSHALL SYNC',
    'FLUSHALL async',
    'FLUSHALL sync',
    'FLUSHALL foo',
    'FLUSHALL SYNC ASYNC',
    'FLUSHALL ASYNC x',
    'SELECT 2',
    'SET b 1',
    'FLUSHDB ASYNC',
    'DBSIZE',
    'FLUSHDB Sync',
    'FLUSHDB foo',
    'FLUSHDB ASYNC ASYNC',
    'SELECT 0',
  ),
  'SCRIPT FLUSH and FUNCTION FLUSH arguments': S(
    'SCRIPT LOAD "return 1"',
    'SCRIPT FLUSH ASYNC',
    'SCRIPT EXISTS e0e1f9fabfc9d4800c877a703b823ac0578ff8db',
    'SCRIPT FLUSH SYNC',
    'SCRIPT FLUSH',
    'SCRIPT FLUSH foo',
    'SCRIPT FLUSH SYNC ASYNC',
    'FUNCTION FLUSH ASYNC',
    'FUNCTION FLUSH sync',
    'FUNCTION FLUSH',
    'FUNCTION FLUSH foo',
    'FUNCTION FLUSH ASYNC SYNC',
  ),
  'lazyfree configs': S(
    'CONFIG GET lazyfree-lazy-eviction',
    'CONFIG GET lazyfree-lazy-expire',
    'CONFIG GET lazyfree-lazy-server-del',
    'CONFIG GET lazyfree-lazy-user-del',
    'CONFIG GET lazyfree-lazy-user-flush',
    'CONFIG GET replica-lazy-flush',
    'CONFIG GET slave-lazy-flush',
    'CONFIG SET lazyfree-lazy-user-del maybe',
    'CONFIG SET lazyfree-lazy-user-del yes',
    'CONFIG GET lazyfree-lazy-user-del',
    'CONFIG SET slave-lazy-flush yes',
    'CONFIG GET replica-lazy-flush',
    'CONFIG SET lazyfree-lazy-user-del no',
    'CONFIG SET replica-lazy-flush no',
  ),
  'lazyfreed_objects after UNLINK of each type': S(
    'CONFIG RESETSTAT',
    sadd('set65', 65),
    sadd('set64', 64),
    ['SADD', 'ints', ...Array.from({ length: 300 }, (_, i) => String(i))],
    fields('HSET', 'hash600', 600, (i) => [`f${i}`, 'v']),
    fields('HSET', 'hash200', 200, (i) => [`f${i}`, 'v']),
    fields('ZADD', 'zset129', 129, (i) => [String(i), `m${i}`]),
    fields('ZADD', 'zset64', 64, (i) => [String(i), `m${i}`]),
    ['RPUSH', 'list70', ...Array.from({ length: 5500 }, () => 'x'.repeat(100))],
    ['RPUSH', 'list64', ...Array.from({ length: 5000 }, () => 'x'.repeat(100))],
    'UNLINK set65',
    counters,
    'UNLINK set64 ints',
    counters,
    'UNLINK hash600',
    counters,
    'UNLINK hash200 zset64',
    counters,
    'UNLINK zset129',
    counters,
    'UNLINK list64',
    counters,
    'UNLINK list70',
    counters,
  ),
  'lazyfreed_objects of streams': S(
    'CONFIG RESETSTAT',
    'CONFIG SET stream-node-max-entries 1',
    Array.from({ length: 64 }, (_, j): Step => ['XADD', 's64', `1-${j + 1}`, 'f', 'v']),
    Array.from({ length: 60 }, (_, j): Step => ['XADD', 's60', `1-${j + 1}`, 'f', 'v']),
    'UNLINK s60',
    counters,
    'UNLINK s64',
    counters,
    'CONFIG SET stream-node-max-entries 100',
    Array.from({ length: 20 }, (_, j): Step => ['XADD', 'sg', `1-${j + 1}`, 'f', 'v']),
    'XGROUP CREATE sg g1 0',
    'XREADGROUP GROUP g1 c COUNT 20 STREAMS sg >',
    'XGROUP CREATE sg g2 0',
    'XREADGROUP GROUP g2 c COUNT 20 STREAMS sg >',
    'UNLINK sg',
    counters,
    Array.from({ length: 20 }, (_, j): Step => ['XADD', 'sg', `1-${j + 1}`, 'f', 'v']),
    'XGROUP CREATE sg g1 0',
    'XREADGROUP GROUP g1 c COUNT 20 STREAMS sg >',
    'XGROUP CREATE sg g2 0',
    'XREADGROUP GROUP g2 c COUNT 20 STREAMS sg >',
    'XGROUP CREATE sg g3 0',
    'UNLINK sg',
    counters,
  ),
  'lazyfreed_objects after DEL, flushes and the user configs': S(
    'CONFIG RESETSTAT',
    sadd('big', 100),
    'DEL big',
    counters,
    'CONFIG SET lazyfree-lazy-user-del yes',
    sadd('big', 100),
    'SET small x',
    'DEL big small',
    counters,
    'CONFIG SET lazyfree-lazy-user-del no',
    'MSET a 1 b 2 c 3',
    'SELECT 1',
    'MSET a 1 b 2',
    'FLUSHALL ASYNC',
    counters,
    'MSET a 1 b 2',
    'FLUSHDB ASYNC',
    counters,
    'MSET a 1 b 2',
    'FLUSHDB SYNC',
    'MSET a 1 b 2',
    'FLUSHALL',
    counters,
    'CONFIG SET lazyfree-lazy-user-flush yes',
    'MSET a 1 b 2',
    'FLUSHDB',
    'MSET a 1 b 2 c 3',
    'FLUSHALL',
    counters,
    Array.from({ length: 65 }, (_, i): Step => ['SCRIPT', 'LOAD', `return ${i}`]),
    'SCRIPT FLUSH',
    counters,
    Array.from({ length: 64 }, (_, i): Step => ['SCRIPT', 'LOAD', `return ${i}`]),
    'SCRIPT FLUSH',
    counters,
    'CONFIG SET lazyfree-lazy-user-flush no',
    Array.from({ length: 70 }, (_, i): Step => ['SCRIPT', 'LOAD', `return ${i}`]),
    'SCRIPT FLUSH',
    counters,
    'CONFIG RESETSTAT',
    counters,
    'SELECT 0',
  ),
};

describeScripts('lazy freeing (compat)', scripts, { servers, compare });
