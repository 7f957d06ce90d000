/**
 * MEMORY and INFO memory against Redis 7.0.15. Sizes are each
 * implementation's own (an allocator's, a V8 heap's), so what is compared
 * is the shape: INFO memory's field names and order (the INFO normaliser
 * masks the values), MEMORY STATS's names, nesting and value types (values
 * masked here), MEMORY USAGE's reply type for a key of each type and its
 * nil and errors exactly, MEMORY HELP and the empty instance's MEMORY
 * DOCTOR exactly.
 */
import { describeScripts, useServers, parseReply, serialize, wellFormed, MASK, Node, Pair, Args, Mismatch, Step } from './harness';

/** Every scalar of a reply masked, keeping its type (map keys are bulk strings, compared as they are). */
function maskValues(n: Node, isKey = false): Node {
  if (n.items !== undefined) {
    const map = n.t === '%' || n.t === '*';
    return { ...n, items: n.items.map((x, i) => maskValues(x, map && i % 2 === 0 && x.t === '$')) };
  }
  if (isKey || n.t === '-') return n;
  return { t: n.t, head: MASK };
}

/** MEMORY STATS: names and value types; MEMORY USAGE: an integer on both sides is the same reply. */
async function compareMemory(pair: Pair, args: Args, index: number): Promise<Mismatch | null> {
  const sub = args.length > 1 ? `${args[0]} ${args[1]}`.toUpperCase() : '';
  if (sub !== 'MEMORY STATS' && sub !== 'MEMORY USAGE') return pair.step(args, index);
  const [t, r] = await pair.both(args);
  if (t === r) return null;
  if (wellFormed(t) && wellFormed(r)) {
    const nt = parseReply(t)[0];
    const nr = parseReply(r)[0];
    if (sub === 'MEMORY USAGE' ? nt.t === ':' && nr.t === ':' : serialize(maskValues(nt)) === serialize(maskValues(nr))) return null;
  }
  return { index, cmd: args, tredis: t, redis: r, note: 'values masked' };
}

const KEYS_OF_EACH_TYPE: Step[] = [
  ['SET', 'str', 'hello'],
  ['SET', 'int', '12345'],
  ['SET', 'big', 'x'.repeat(5000)],
  ['APPEND', 'str', ' world'],
  ['SETBIT', 'bits', '1000', '1'],
  ['RPUSH', 'list', 'a', 'b', 'c'],
  ['HSET', 'hash', 'f1', 'v1', 'f2', 'v2'],
  ['HSET', 'bighash', ...Array.from({ length: 600 }, (_, i) => [`f${i}`, `v${i}`]).flat()],
  ['SADD', 'intset', '1', '2', '3'],
  ['SADD', 'set', 'a', 'b', 'c'],
  ['ZADD', 'zset', '1', 'a', '2', 'b'],
  ['ZADD', 'bigzset', ...Array.from({ length: 200 }, (_, i) => [String(i), `m${i}`]).flat()],
  ['XADD', 'stream', '1-1', 'f', 'v'],
  ['XGROUP', 'CREATE', 'stream', 'g', '0'],
];

const USAGE_OF_EACH: Step[] = ['str', 'int', 'big', 'bits', 'list', 'hash', 'bighash', 'intset', 'set', 'zset', 'bigzset', 'stream'].flatMap((k) => [
  ['MEMORY', 'USAGE', k],
  ['MEMORY', 'USAGE', k, 'SAMPLES', '0'],
  ['MEMORY', 'USAGE', k, 'SAMPLES', '2'],
]);

describeScripts(
  'MEMORY and INFO memory against Redis 7.0.15',
  {
    'INFO memory field names and order': [
      ['INFO', 'memory'],
      ['CONFIG', 'SET', 'maxmemory', '100mb'],
      ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru'],
      ['INFO', 'memory'],
      ['SET', 'k', 'v'],
      ['INFO', 'MEMORY'],
      ['CONFIG', 'SET', 'maxmemory', '0'],
      ['CONFIG', 'SET', 'maxmemory-policy', 'noeviction'],
      ['INFO', 'memory'],
    ],
    'MEMORY USAGE: nil, errors, and an integer for each type': [
      ['MEMORY', 'USAGE', 'nokey'],
      ['MEMORY', 'USAGE', 'nokey', 'SAMPLES', '0'],
      ['MEMORY', 'USAGE', 'nokey', 'samples', '10'],
      ['MEMORY', 'USAGE', 'nokey', 'SAMPLES'],
      ['MEMORY', 'USAGE', 'nokey', 'SAMPLES', 'x'],
      ['MEMORY', 'USAGE', 'nokey', 'SAMPLES', '1.5'],
      ['MEMORY', 'USAGE', 'nokey', 'SAMPLES', '-1'],
      ['MEMORY', 'USAGE', 'nokey', 'SAMPLES', '99999999999999999999'],
      ['MEMORY', 'USAGE', 'nokey', 'foo'],
      ['MEMORY', 'USAGE', 'nokey', 'SAMPLES', '1', 'SAMPLES', '2'],
      ['MEMORY', 'USAGE', 'nokey', 'SAMPLES', '1', 'foo'],
      ['MEMORY', 'USAGE'],
      ...KEYS_OF_EACH_TYPE,
      ['MEMORY', 'USAGE', 'str', 'SAMPLES', 'x'],
      ['MEMORY', 'USAGE', 'str', 'bar'],
      ...USAGE_OF_EACH,
      // a key past its TTL is still measured (dictFind, no expiry)
      ['DEBUG', 'SET-ACTIVE-EXPIRE', '0'],
      ['SET', 'volatile', 'v', 'PX', '1'],
      { sleep: 20 },
      ['MEMORY', 'USAGE', 'volatile'],
      ['DBSIZE'],
      ['DEBUG', 'SET-ACTIVE-EXPIRE', '1'],
    ],
    'MEMORY STATS names, nesting and value types': [
      ['MEMORY', 'STATS'],
      ...KEYS_OF_EACH_TYPE,
      ['SELECT', '3'],
      ['SET', 'k', 'v', 'EX', '1000'],
      ['MEMORY', 'STATS'],
      ['SELECT', '0'],
      ['MEMORY', 'STATS', 'x'],
      ['FLUSHALL'],
      ['MEMORY', 'STATS'],
    ],
    'MEMORY HELP, DOCTOR on an empty instance, wrong subcommands and arities': [
      ['MEMORY', 'HELP'],
      ['memory', 'help'],
      ['MEMORY', 'HELP', 'x'],
      ['MEMORY', 'DOCTOR'],
      ['SET', 'k', 'v'],
      ['MEMORY', 'DOCTOR'],
      ['MEMORY', 'DOCTOR', 'x'],
      ['MEMORY', 'MALLOC-STATS', 'x'],
      ['MEMORY', 'PURGE'],
      ['MEMORY', 'PURGE', 'x'],
      ['MEMORY', 'NOSUCH'],
      ['MEMORY'],
    ],
  },
  { servers: () => useServers(), compare: compareMemory },
);
