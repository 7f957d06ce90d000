/**
 * DUMP / RESTORE against a real redis-server.
 *
 * 1. Scripts (RESP2 and RESP3): RESTORE's options and errors in Redis's
 *    order, TTLs, IDLETIME/FREQ, payload versions and checksums, DEBUG
 *    SET-SKIP-CHECKSUM-VALIDATION, DUMP of deterministic encodings.
 * 2. Round trips: every type and encoding is built on both servers, each
 *    server's DUMP is restored on both, and every read of the four copies is
 *    compared (contents, OBJECT ENCODING, PEXPIRETIME, XINFO STREAM FULL);
 *    where the encoding is deterministic the two dumps must be the same
 *    bytes.
 * 3. Crafted payloads in the formats Redis 7.0 still loads but no longer
 *    writes (ziplists, zipmaps, linked lists, text doubles, quicklists of
 *    ziplists, the Redis 5 stream format) and broken ones, restored on both
 *    with and without sanitize-dump-payload.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type Redis from 'ioredis';
import { Args, S, Step, describeScripts, describeWithRedis, useServers } from './harness';
import { client } from '../helpers';
import * as C from '../rdb-craft';

const servers = useServers();

const str = (s: string): Buffer => Buffer.from(s, 'latin1');
const restoreP = (key: string, p: Buffer, ...opts: string[]): Args => ['RESTORE', key, '0', p, ...opts];
/** A STRING payload. */
const strPayload = (s: string, version = 10): Buffer => C.payload(C.cat([0], C.rdbStr(s)), version);

// ---- 1. scripts -------------------------------------------------------------------

const scripts: Record<string, Step[]> = {
  'RESTORE: options, errors and their order': S(
    'SET k v',
    restoreP('k', strPayload('x')),
    ['RESTORE', 'k', 'notanumber', 'junk'],
    ['RESTORE', 'k', '0', 'junk', 'bogus'],
    ['RESTORE', 'k2', '-1', 'junk'],
    ['RESTORE', 'k2', 'abc', 'junk'],
    ['RESTORE', 'k2', '0', 'junk'],
    ['RESTORE', 'k2', '0', 'junk', 'IDLETIME'],
    ['RESTORE', 'k2', '0', 'junk', 'IDLETIME', '-1'],
    ['RESTORE', 'k2', '0', 'junk', 'IDLETIME', 'x'],
    ['RESTORE', 'k2', '0', 'junk', 'FREQ', '256'],
    ['RESTORE', 'k2', '0', 'junk', 'FREQ', '-1'],
    ['RESTORE', 'k2', '0', 'junk', 'FREQ', '1.5'],
    ['RESTORE', 'k2', '0', 'junk', 'FREQ', '10', 'IDLETIME', '10'],
    ['RESTORE', 'k2', '0', 'junk', 'IDLETIME', '10', 'FREQ', '10'],
    ['RESTORE', 'k2', '0', 'junk', 'absttl', 'replace', 'Replace'],
    ['RESTORE', 'k2', '0', Buffer.alloc(9)],
    ['RESTORE', 'k2', '0', Buffer.alloc(10)],
    restoreP('k2', strPayload('abc', 11)),
    restoreP('k2', strPayload('abc', 65535)),
    restoreP('k2', strPayload('abc', 9)),
    restoreP('k2', strPayload('abc', 1)),
    restoreP('k2', C.payload(C.cat([0], C.rdbStr('abc')), 10, false)),
    'GET k2',
    restoreP('k2', strPayload('new'), 'REPLACE'),
    'GET k2',
    'OBJECT ENCODING k2',
    restoreP('k', strPayload('123'), 'REPLACE'),
    'OBJECT ENCODING k',
    'OBJECT REFCOUNT k',
    'TYPE k',
    'RESTORE',
    'RESTORE k',
    'RESTORE k 0',
    'DUMP',
    'DUMP a b',
    'DUMP nosuchkey',
  ),
  'RESTORE: TTLs': S(
    ['RESTORE', 'a', '100000', strPayload('x')],
    'PTTL a',
    ['RESTORE', 'b', '1', strPayload('x'), 'ABSTTL'],
    'EXISTS b',
    'SET c old',
    ['RESTORE', 'c', '1', strPayload('x'), 'ABSTTL', 'REPLACE'],
    'EXISTS c',
    ['RESTORE', 'd', '99999999999999', strPayload('x'), 'ABSTTL'],
    'PEXPIRETIME d',
    ['RESTORE', 'e', '9223372036854775807', strPayload('x'), 'ABSTTL'],
    'PEXPIRETIME e',
    ['RESTORE', 'f', '9223372036854775807', strPayload('x')],
    'EXISTS f',
    ['RESTORE', 'g', '9223372036854775808', strPayload('x')],
    ['RESTORE', 'h', '0', strPayload('x'), 'ABSTTL'],
    'TTL h',
    'DBSIZE',
  ),
  'RESTORE: IDLETIME and FREQ': S(
    ['RESTORE', 'a', '0', strPayload('hello'), 'IDLETIME', '1000'],
    'OBJECT IDLETIME a',
    ['RESTORE', 'b', '0', strPayload('hello'), 'FREQ', '100'],
    'OBJECT IDLETIME b',
    ['RESTORE', 'c', '0', strPayload('hello'), 'IDLETIME', '100000000'],
    'OBJECT IDLETIME c',
    'CONFIG SET maxmemory-policy allkeys-lfu',
    ['RESTORE', 'd', '0', strPayload('hello'), 'FREQ', '100'],
    'OBJECT FREQ d',
    ['RESTORE', 'e', '0', strPayload('hello'), 'IDLETIME', '100'],
    'OBJECT FREQ e',
    ['RESTORE', 'f', '0', strPayload('hello'), 'FREQ', '0'],
    'OBJECT FREQ f',
    'CONFIG SET maxmemory-policy noeviction',
  ),
  'RESTORE: value headers and strings': S(
    restoreP('a', C.payload([0, 5, 0x61, 0x62, 0x63])),
    'STRLEN a',
    restoreP('b', C.payload([0, 0x0b, 0x61])),
    restoreP('b', C.payload([0, 0x0d, 0x61])),
    restoreP('b', C.payload([0xc0, 5])),
    restoreP('b', C.payload([0, 0xc0, 5])),
    'GET b',
    'OBJECT ENCODING b',
    restoreP('c', C.payload([0, 0xc1, 0x39, 0x30])),
    'GET c',
    restoreP('d', C.payload([0, 0xc2, 5, 0, 0, 0x80])),
    'GET d',
    restoreP('e', C.payload([0, 0xc3])),
    restoreP('e', C.payload([0, 0xc4, 1])),
    restoreP('e', C.payload([0, 0xc3, 2, 3, 0x01, 0x61, 0x62])),
    restoreP('e', C.payload([0, 0xc3, 2, 3, 0x02, 0x61, 0x62, 0x63])),
    'GET e',
    restoreP('f', C.payload([0, 0x80, 0, 0, 0, 1, 0x7a])),
    'GET f',
    restoreP('g', C.payload([0, 0x81, 0, 0, 0, 0, 0, 0, 0, 1, 0x7a])),
    restoreP('g', C.payload([0, 0x82])),
    ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 100, 255].map((t) => restoreP('t' + t, C.payload([t, 0]))),
    restoreP('h', C.payload([])),
    restoreP('h', C.payload(C.cat([0], C.rdbStr('x'.repeat(100))))),
    'OBJECT ENCODING h',
    restoreP('i', C.payload(C.cat([0], C.rdbStr('x'.repeat(44))))),
    'OBJECT ENCODING i',
    restoreP('j', C.payload(C.cat([0], C.rdbStr('12345678901234567890')))),
    'OBJECT ENCODING j',
    restoreP('k', C.payload(C.cat([0], C.rdbStr('-9223372036854775808')))),
    'OBJECT ENCODING k',
    'DUMP k',
  ),
  'DEBUG SET-SKIP-CHECKSUM-VALIDATION': S(
    restoreP('a', C.payload(C.cat([0], C.rdbStr('x')), 10, false)),
    'DEBUG SET-SKIP-CHECKSUM-VALIDATION 1',
    restoreP('a', C.payload(C.cat([0], C.rdbStr('x')), 10, false)),
    'GET a',
    restoreP('b', C.payload(C.cat([0], C.rdbStr('x')), 11, false)),
    'DEBUG SET-SKIP-CHECKSUM-VALIDATION 0',
    restoreP('c', C.payload(C.cat([0], C.rdbStr('x')), 10, false)),
    'DEBUG SET-SKIP-CHECKSUM-VALIDATION',
    'DEBUG SET-SKIP-CHECKSUM-VALIDATION 1 2',
    'DEBUG SET-SKIP-CHECKSUM-VALIDATION yes',
    restoreP('d', C.payload(C.cat([0], C.rdbStr('x')), 10, false)),
    'DEBUG QUICKLIST-PACKED-THRESHOLD 5gb',
    'DEBUG QUICKLIST-PACKED-THRESHOLD abc',
    'DEBUG QUICKLIST-PACKED-THRESHOLD 0',
  ),
  'DUMP: deterministic encodings': S(
    'SET s1 hello',
    'SET s2 12345',
    'SET s3 -2147483649',
    'SET s4 ""',
    ['SET', 's5', 'ab'.repeat(300)],
    'APPEND s6 abc',
    'INCRBYFLOAT s7 3',
    'RPUSH l a b 1 2 -100000 9223372036854775807',
    'SADD si 1 2 3 -40000',
    'SADD si64 1 9223372036854775807',
    'HSET h f v n 7 big 12345678901',
    'ZADD z 1 a 2.5 b -0 c inf d -inf e 4611686018427387904 f 4611686018427389952 g',
    'XADD st 1-1 f v',
    'XADD st 2-0 f w g x',
    'XDEL st 1-1',
    ...['s1', 's2', 's3', 's4', 's5', 's6', 's7', 'l', 'si', 'si64', 'h', 'z', 'st'].map((k) => `DUMP ${k}`),
    'CONFIG SET rdbcompression no',
    'DUMP s5',
    'CONFIG SET rdbcompression yes',
  ),
};

describeScripts('DUMP / RESTORE (scripts)', scripts, { servers });

// ---- helpers for the round trips ----------------------------------------------------

type Plain = string | number | null | Plain[];

function plain(x: unknown): Plain {
  if (Buffer.isBuffer(x)) return x.toString('latin1');
  if (Array.isArray(x)) return x.map(plain);
  if (x === null || x === undefined) return null;
  if (typeof x === 'number' || typeof x === 'string') return x;
  return String(x);
}

async function call(cl: Redis, args: Args): Promise<Plain> {
  try {
    return plain(await cl.callBuffer(String(args[0]), ...args.slice(1)));
  } catch (e) {
    return `ERR ${(e as Error).message}`;
  }
}

function pairsSorted(flat: Plain): Plain {
  if (!Array.isArray(flat)) return flat;
  const pairs: Plain[][] = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i], flat[i + 1]]);
  return pairs.sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1));
}

const sorted = (x: Plain): Plain => (Array.isArray(x) ? [...x].sort() : x);

/** Everything a client can read of a key (hashtable orders sorted). */
async function reads(cl: Redis, key: string): Promise<Record<string, Plain>> {
  const type = String(await call(cl, ['TYPE', key]));
  const enc = String(await call(cl, ['OBJECT', 'ENCODING', key]));
  const out: Record<string, Plain> = { type, enc, pexpiretime: await call(cl, ['PEXPIRETIME', key]) };
  switch (type) {
    case 'string':
      out.value = await call(cl, ['GET', key]);
      break;
    case 'list':
      out.value = await call(cl, ['LRANGE', key, '0', '-1']);
      break;
    case 'set':
      out.value = await call(cl, ['SMEMBERS', key]);
      if (enc !== 'intset') out.value = sorted(out.value);
      break;
    case 'hash':
      out.value = await call(cl, ['HGETALL', key]);
      if (enc !== 'listpack') out.value = pairsSorted(out.value);
      break;
    case 'zset':
      out.value = await call(cl, ['ZRANGE', key, '0', '-1', 'WITHSCORES']);
      out.scan = await call(cl, ['ZSCAN', key, '0', 'COUNT', '1000']);
      if (enc !== 'listpack') out.scan = null;
      break;
    case 'stream': {
      out.value = await call(cl, ['XRANGE', key, '-', '+']);
      out.full = await call(cl, ['XINFO', 'STREAM', key, 'FULL']);
      out.groups = await call(cl, ['XINFO', 'GROUPS', key]);
      const groups = Array.isArray(out.groups) ? out.groups : [];
      for (const g of groups) {
        const name = Array.isArray(g) ? String(g[1]) : '';
        out['pending ' + name] = await call(cl, ['XPENDING', key, name]);
      }
      break;
    }
  }
  return out;
}

interface RoundTrip {
  setup: (string | Args)[];
  /** Keys to compare (default ['k']). */
  keys?: string[];
  /** Both servers' DUMPs are the same bytes (no hash order, no clock). */
  same?: boolean;
  /** Consumers and deliveries carry each server's clock: the originals' XINFO FULL differ. */
  timed?: boolean;
  /** Commands run on both after the case (undo config changes). */
  after?: (string | Args)[];
}

const argsOf = (c: string | Args): Args => (typeof c === 'string' ? (c.match(/"[^"]*"|\S+/g) ?? []).map((w) => w.replace(/^"(.*)"$/, '$1')) : c);

const range = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

const ROUND_TRIPS: Record<string, RoundTrip> = {
  'strings: int, embstr, raw, LZF, binary, empty': {
    setup: [
      'SET k hello',
      'SET i 12345',
      'SET neg -2147483648',
      'SET wide 2147483648',
      'SET ll 9223372036854775807',
      'SET lead 007',
      'SET e ""',
      ['SET', 'emb', 'x'.repeat(44)],
      ['SET', 'raw', 'x'.repeat(45)],
      ['SET', 'lzf', 'abcdefgh'.repeat(200)],
      ['SET', 'bin', Buffer.from(range(256, (i) => String.fromCharCode(i)).join(''), 'latin1')],
      ['SET', 'rnd', Buffer.from(range(300, (i) => String.fromCharCode((i * 7919) % 256)).join(''), 'latin1')],
      'APPEND app abc',
      'SETRANGE sr 3 xyz',
      'INCRBYFLOAT f 3',
      'SETBIT bits 100 1',
      'PFADD hll a b c',
      'SET ttl v PXAT 4102444800000',
    ],
    keys: ['k', 'i', 'neg', 'wide', 'll', 'lead', 'e', 'emb', 'raw', 'lzf', 'bin', 'rnd', 'app', 'sr', 'f', 'bits', 'hll', 'ttl'],
    same: true,
  },
  'lists: small, integers, several nodes, big elements': {
    setup: [
      ['RPUSH', 'k', 'a', 'b', '1', '2', '-100000', '9223372036854775807', '-9223372036854775808', '', 'x'.repeat(100)],
      ['RPUSH', 'many', ...range(3000, (i) => 'element:' + i)],
      ['RPUSH', 'ints', ...range(2000, (i) => String(i * 1000003 - 500000000))],
      ['RPUSH', 'big', ...range(20, (i) => String.fromCharCode(97 + i).repeat(3000 + i * 300))],
      ['RPUSH', 'huge', 'x'.repeat(9000), 'a', 'y'.repeat(8190), 'b'],
      ['LPUSH', 'left', ...range(500, (i) => 'v' + i)],
      ['RPUSH', 'bin', Buffer.from([0, 255, 13, 10]), Buffer.alloc(70, 0xfe)],
    ],
    keys: ['k', 'many', 'ints', 'big', 'huge', 'left', 'bin'],
    same: false,
  },
  'lists built by RPUSH dump as Redis does': {
    setup: [['RPUSH', 'k', ...range(5000, (i) => 'q'.repeat(i % 41) + i)]],
    same: true,
  },
  'lists: list-max-listpack-size and list-compress-depth': {
    setup: [
      'CONFIG SET list-max-listpack-size 5',
      ['RPUSH', 'k', ...range(100, (i) => 'e' + i)],
      'CONFIG SET list-max-listpack-size -1',
      ['RPUSH', 'm1', ...range(1000, (i) => 'e' + i)],
      'CONFIG SET list-compress-depth 1',
      ['RPUSH', 'c1', ...range(3000, (i) => 'compressible-element-' + (i % 10))],
    ],
    keys: ['k', 'm1', 'c1'],
    after: ['CONFIG SET list-max-listpack-size -2', 'CONFIG SET list-compress-depth 0'],
    same: false,
  },
  'lists: plain nodes (DEBUG QUICKLIST-PACKED-THRESHOLD)': {
    setup: ['DEBUG QUICKLIST-PACKED-THRESHOLD 100', ['RPUSH', 'k', 'a', 'x'.repeat(100), 'b', 'y'.repeat(99), 'z'.repeat(500), 'c']],
    after: ['DEBUG QUICKLIST-PACKED-THRESHOLD 0'],
    same: true,
  },
  'sets: intsets of 16, 32, 64 bits, at and past the limit, hashtables': {
    setup: [
      'SADD k 1 2 3',
      ['SADD', 'i16', ...range(100, (i) => String(i * 300 - 15000))],
      'SADD i32 1 70000 -70000',
      'SADD i64 1 9223372036854775807 -9223372036854775808 5000000000',
      'SADD one 5',
      ['SADD', 'at', ...range(512, (i) => String(i))],
      ['SADD', 'past', ...range(513, (i) => String(i))],
      'SADD str a b c 1',
      ['SADD', 'big', ...range(1000, (i) => 'm' + i)],
    ],
    keys: ['k', 'i16', 'i32', 'i64', 'one', 'at', 'past', 'str', 'big'],
  },
  'sets: deterministic intsets': {
    setup: ['SADD k 1 2 3 -40000 70000', ['SADD', 'at', ...range(512, (i) => String(i * 3))]],
    keys: ['k', 'at'],
    same: true,
  },
  'hashes: listpack at the limits, hashtables past them': {
    setup: [
      'HSET k f v n 7 big 12345678901 neg -5',
      ['HSET', 'at', ...range(512, (i) => ['f' + i, 'v' + i]).flat()],
      ['HSET', 'v64', 'f', 'x'.repeat(64)],
      ['HSET', 'bin', Buffer.from([0, 1, 2]), Buffer.from([255, 254])],
    ],
    keys: ['k', 'at', 'v64', 'bin'],
    same: true,
  },
  'hashes: hashtables': {
    setup: [['HSET', 'k', ...range(513, (i) => ['f' + i, 'v' + i]).flat()], ['HSET', 'v65', 'f', 'x'.repeat(65), 'g', '1'], 'CONFIG SET hash-max-listpack-entries 2', 'HSET three a 1 b 2 c 3', 'CONFIG SET hash-max-listpack-entries 512'],
    keys: ['k', 'v65', 'three'],
  },
  'sorted sets: listpack scores (integers, inf, -0, tiny, huge), at the limits': {
    setup: [
      'ZADD k 0 a -0 b 1.5 c 1e18 d 4611686018427387904 e 4611686018427389952 f inf g -inf h 1e-300 i -2.5e-300 j 3 k',
      ['ZADD', 'at', ...range(128, (i) => [String(i * 1.25 - 40), 'm' + i]).flat()],
      ['ZADD', 'm64', '1', 'x'.repeat(64)],
      'ZADD same 1 b 1 a 1 c',
    ],
    keys: ['k', 'at', 'm64', 'same'],
    same: true,
  },
  'sorted sets: skiplists': {
    setup: [
      ['ZADD', 'k', ...range(129, (i) => [String(i * 1.25 - 40), 'm' + i]).flat()],
      ['ZADD', 'm65', '1', 'x'.repeat(65), '-0', 'zero', 'inf', 'top', '-inf', 'bottom', '1e308', 'huge'],
      ['ZADD', 'big', ...range(2000, (i) => [String((i * 7919) % 1000), 'member:' + i]).flat()],
    ],
    keys: ['k', 'm65', 'big'],
    same: true,
  },
  'streams: nodes, deleted entries, trims, wide IDs, counters': {
    setup: [
      ...range(350, (i) => `XADD k ${1000 + i}-${i % 3} f v${i} n ${i}`),
      ...range(40, (i) => `XADD k ${3000 + i}-0 other ${'x'.repeat(i * 3)} n ${i * 1000}`),
      'XDEL k 1001-1 1005-2 1100-1 1200-0 3039-0',
      'XADD empty 5-5 a 1',
      'XDEL empty 5-5',
      ...range(500, (i) => `XADD trimmed ${i + 1}-1 k v${i}`),
      'XTRIM trimmed MAXLEN 333',
      'XTRIM trimmed MAXLEN ~ 200',
      'XADD wide 18446744073709551614-5 a 1',
      'XADD wide 18446744073709551615-18446744073709551615 b 2',
      'XSETID wide 18446744073709551615-18446744073709551615 ENTRIESADDED 9223372036854775807 MAXDELETEDID 0-1',
      'XADD deltas 1-1 a 1',
      'XADD deltas 4294967296-0 a 2',
      'XADD deltas 8589934593-4294967297 a 3 b 4',
      'XADD g 1-1 a 1',
      'XGROUP CREATE g grp 0',
      'XGROUP CREATE g old $ ENTRIESREAD -1',
      'XGROUP CREATE g high 0 ENTRIESREAD 9223372036854775807',
    ],
    keys: ['k', 'empty', 'trimmed', 'wide', 'deltas', 'g'],
    same: true,
  },
  'streams: node limits': {
    setup: [
      'CONFIG SET stream-node-max-entries 3',
      ...range(10, (i) => `XADD k ${i + 1}-0 f${i % 2} v`),
      'CONFIG SET stream-node-max-entries 100',
      'CONFIG SET stream-node-max-bytes 100',
      ...range(30, (i) => `XADD b ${i + 1}-0 field value${i}`),
      'CONFIG SET stream-node-max-bytes 4096',
    ],
    keys: ['k', 'b'],
    same: true,
  },
  'streams: consumer groups with PELs and consumers': {
    setup: [
      ...range(60, (i) => `XADD k ${i + 1}-0 f v${i}`),
      'XDEL k 3-0 40-0',
      'XGROUP CREATE k g1 0',
      'XGROUP CREATE k g2 10-0 ENTRIESREAD 10',
      'XREADGROUP GROUP g1 alice COUNT 10 STREAMS k >',
      'XREADGROUP GROUP g1 bob COUNT 5 STREAMS k >',
      'XACK k g1 4-0',
      'XGROUP CREATECONSUMER k g1 carol',
      'XCLAIM k g1 carol 0 5-0 RETRYCOUNT 7',
      'XREADGROUP GROUP g2 dave STREAMS k >',
      'XGROUP CREATECONSUMER k g2 "erin bytes"',
    ],
    timed: true,
  },
};

/** An ioredis client to each server for the enclosing describe block (filled in by beforeAll). */
function useClients(): { r: Redis; t: Redis } {
  const c = {} as { r: Redis; t: Redis };
  beforeAll(() => {
    c.r = client(servers.redis);
    c.t = client(servers.tredis);
  });
  afterAll(() => {
    c.r.disconnect();
    c.t.disconnect();
  });
  return c;
}

/** RESTORE a dump under `key`, keeping the source's expire time. */
async function restoreAs(cl: Redis, key: string, dump: Buffer, when: Plain): Promise<Plain> {
  const ttl = typeof when === 'number' && when > 0 ? String(when) : '0';
  return call(cl, ['RESTORE', key, ttl, dump, 'ABSTTL']);
}

describeWithRedis('DUMP / RESTORE round trips between the servers', () => {
  const clients = useClients();

  for (const [name, rt] of Object.entries(ROUND_TRIPS)) {
    it(name, async () => {
      const { r, t } = clients;
      const problems: string[] = [];
      for (const cl of [r, t]) await call(cl, ['FLUSHALL']);
      for (const c of rt.setup) {
        const a = argsOf(c);
        const [x, y] = [await call(r, a), await call(t, a)];
        if (JSON.stringify(x) !== JSON.stringify(y)) problems.push(`setup ${String(a[0])} ${String(a[1])}: redis ${JSON.stringify(x)} tredis ${JSON.stringify(y)}`);
      }
      for (const key of rt.keys ?? ['k']) {
        const dr = (await r.callBuffer('DUMP', key)) as Buffer;
        const dt = (await t.callBuffer('DUMP', key)) as Buffer;
        if (!Buffer.isBuffer(dr) || !Buffer.isBuffer(dt)) {
          problems.push(`${key}: DUMP gave ${String(dr)} / ${String(dt)}`);
          continue;
        }
        if (rt.same && !dr.equals(dt)) problems.push(`${key}: dumps differ\n  redis  ${dr.toString('hex').slice(0, 400)}\n  tredis ${dt.toString('hex').slice(0, 400)}`);
        const when = await call(r, ['PEXPIRETIME', key]);
        const copies: [Redis, string, Buffer][] = [
          [r, 'rr:', dr],
          [t, 'tr:', dr],
          [r, 'rt:', dt],
          [t, 'tt:', dt],
        ];
        for (const [cl, prefix, d] of copies) {
          const res = await restoreAs(cl, prefix + key, d, when);
          if (res !== 'OK') problems.push(`${key}: RESTORE ${prefix} on ${cl === r ? 'redis' : 'tredis'}: ${JSON.stringify(res)}`);
        }
        const [rr, tr, rtd, tt] = await Promise.all(copies.map(([cl, prefix]) => reads(cl, prefix + key)));
        const cmp = (a: object, b: object, what: string) => {
          const x = JSON.stringify(a);
          const y = JSON.stringify(b);
          if (x !== y) problems.push(`${key}: ${what}\n  ${x.slice(0, 1500)}\n  ${y.slice(0, 1500)}`);
        };
        cmp(rr, tr, "redis's dump restored on redis vs on tredis");
        cmp(rtd, tt, "tredis's dump restored on redis vs on tredis");
        const [or, ot] = [await reads(r, key), await reads(t, key)];
        if (rt.timed) delete or.full, delete ot.full;
        cmp(or, ot, 'the originals');
        if (rt.same) cmp(rr, rtd, "redis's vs tredis's dump, both restored on redis");
      }
      for (const c of rt.after ?? []) for (const cl of [r, t]) await call(cl, argsOf(c));
      expect(problems, problems.join('\n')).toEqual([]);
    }, 60000);
  }
});

// ---- 3. crafted payloads ---------------------------------------------------------------

const T = {
  STRING: 0, LIST: 1, SET: 2, ZSET: 3, HASH: 4, ZSET_2: 5, HASH_ZIPMAP: 9, LIST_ZIPLIST: 10, SET_INTSET: 11,
  ZSET_ZIPLIST: 12, HASH_ZIPLIST: 13, LIST_QUICKLIST: 14, STREAM_LISTPACKS: 15, HASH_LISTPACK: 16,
  ZSET_LISTPACK: 17, LIST_QUICKLIST_2: 18, STREAM_LISTPACKS_2: 19,
} as const;

/** A payload of `type` with the given body parts. */
const P = (type: number, ...parts: (Buffer | number[])[]): Buffer => C.payload(C.cat([type], ...parts));
/** A value that is one blob string (ziplist, listpack, intset, zipmap). */
const blobP = (type: number, blob: Buffer): Buffer => P(type, C.rdbStr(blob));
const len = C.rdbLen;
const strs = (...s: string[]): Buffer => Buffer.concat(s.map((x) => C.rdbStr(x)));
const binDouble = (d: number): Buffer => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(d);
  return b;
};
const textDouble = (t: string | number): Buffer => (typeof t === 'number' ? Buffer.from([t]) : C.cat([t.length], str(t)));

const zlItems: (string | number)[] = ['a', 0, 12, 13, -1, 127, -128, 128, 300, -32768, 32767, 40000, -8388608, 8388607, 8388608, -2147483648, 2147483647, 2147483648, -9007199254740991, 'x'.repeat(63), 'y'.repeat(64), 'z'.repeat(300), ''];
const lpItems: C.Item[] = ['a', 0, 127, 128, -1, -4096, 4095, 4096, -32768, 32767, 32768, -8388608, 8388607, 8388608, -2147483648, 2147483647, 2147483648, 9223372036854775807n, -9223372036854775808n, 'x'.repeat(63), 'y'.repeat(64), 'z'.repeat(4095), 'w'.repeat(4096), '', '123', '-0', '007'];

interface Crafted {
  /** Payloads restored under keys c0, c1...; each reply compared, and the reads of those both accept. */
  payloads: Buffer[];
  /** Commands run on both before (and their reverse in `after`). */
  before?: (string | Args)[];
  after?: (string | Args)[];
  /** Compare only the RESTORE replies (Redis keeps an invalid order tredis cannot hold). */
  repliesOnly?: boolean;
}

const v1Node = C.streamNode([
  { ms: 5, seq: 0, fields: ['f', 'g'], values: ['1', '2'] },
  { ms: 5, seq: 1, fields: ['f', 'g'], values: ['3', '4'], deleted: true },
  { ms: 7, seq: 0, fields: ['h'], values: ['5'] },
]);

const CRAFTED: Record<string, Crafted> = {
  'LIST (linked list)': {
    payloads: [P(T.LIST, len(3), strs('a', '1', 'x'.repeat(100))), P(T.LIST, len(0)), P(T.LIST, len(2), strs('a'))],
  },
  'LIST_ZIPLIST': {
    payloads: [
      blobP(T.LIST_ZIPLIST, C.ziplist(zlItems)),
      blobP(T.LIST_ZIPLIST, C.ziplist([])),
      blobP(T.LIST_ZIPLIST, C.ziplist(['a', 'b', 'c'], { badPrevlen: true })),
      blobP(T.LIST_ZIPLIST, C.ziplist(['a', 'b'], { count: 3 })),
      blobP(T.LIST_ZIPLIST, C.ziplist(['a', 'b'], { count: 65535 })),
      blobP(T.LIST_ZIPLIST, C.ziplist(['a', 'b']).subarray(0, 14)),
    ],
  },
  'LIST_QUICKLIST (ziplist nodes)': {
    payloads: [
      P(T.LIST_QUICKLIST, len(3), C.rdbStr(C.ziplist(['a', 1, 'b'])), C.rdbStr(C.ziplist([])), C.rdbStr(C.ziplist(zlItems))),
      P(T.LIST_QUICKLIST, len(1), C.rdbStr(C.ziplist([]))),
      P(T.LIST_QUICKLIST, len(1), C.rdbStr(Buffer.alloc(0))),
      P(T.LIST_QUICKLIST, len(1), C.rdbStr(C.ziplist(['a', 'b', 'c'], { badPrevlen: true }))),
      P(T.LIST_QUICKLIST, len(1), C.rdbStr(C.ziplist(['a', 'b'], { count: 7 }))),
    ],
  },
  'LIST_QUICKLIST (ziplist nodes), sanitized': {
    before: ['CONFIG SET sanitize-dump-payload yes'],
    after: ['CONFIG SET sanitize-dump-payload no'],
    payloads: [
      P(T.LIST_QUICKLIST, len(1), C.rdbStr(C.ziplist(['a', 'b', 'c'], { badPrevlen: true }))),
      P(T.LIST_QUICKLIST, len(1), C.rdbStr(C.ziplist(['a', 'b'], { count: 7 }))),
      P(T.LIST_QUICKLIST, len(1), C.rdbStr(C.ziplist(zlItems))),
    ],
  },
  'LIST_QUICKLIST_2 (listpack and plain nodes)': {
    payloads: [
      P(T.LIST_QUICKLIST_2, len(3), len(2), C.rdbStr(C.listpack(lpItems)), len(1), C.rdbStr('plain element'), len(2), C.rdbStr(C.listpack([]))),
      P(T.LIST_QUICKLIST_2, len(1), len(2), C.rdbStr(C.listpack([]))),
      P(T.LIST_QUICKLIST_2, len(1), len(3), C.rdbStr(C.listpack(['a']))),
      P(T.LIST_QUICKLIST_2, len(1), len(0), C.rdbStr(C.listpack(['a']))),
      P(T.LIST_QUICKLIST_2, len(1), len(1), C.rdbStr('')),
      P(T.LIST_QUICKLIST_2, len(1), len(2), C.rdbStr(C.listpack(['a', 'b'], { count: 65535 }))),
      P(T.LIST_QUICKLIST_2, len(1), len(2), C.rdbStr(C.listpack(['a']).subarray(0, 8))),
      P(T.LIST_QUICKLIST_2, len(1), len(2), C.rdbStr(C.cat(C.listpack(['a']).subarray(0, 9), [0xf5, 0xff]))),
    ],
  },
  'LIST_QUICKLIST_2 with broken listpacks: accepted unless sanitized': {
    // Redis keeps them as they are (and would crash reading them): replies only
    repliesOnly: true,
    payloads: [
      P(T.LIST_QUICKLIST_2, len(1), len(2), C.rdbStr(C.listpack(['a', 'b'], { entries: [C.lpEntry('a'), C.lpEntry('b', true)] }))),
      P(T.LIST_QUICKLIST_2, len(1), len(2), C.rdbStr(C.listpack(['a', 'b'], { count: 5 }))),
    ],
  },
  'LIST_QUICKLIST_2, sanitized': {
    before: ['CONFIG SET sanitize-dump-payload yes'],
    after: ['CONFIG SET sanitize-dump-payload no'],
    payloads: [
      P(T.LIST_QUICKLIST_2, len(1), len(2), C.rdbStr(C.listpack(['a', 'b'], { entries: [C.lpEntry('a'), C.lpEntry('b', true)] }))),
      P(T.LIST_QUICKLIST_2, len(1), len(2), C.rdbStr(C.listpack(['a', 'b'], { count: 5 }))),
      P(T.LIST_QUICKLIST_2, len(1), len(2), C.rdbStr(C.listpack(lpItems))),
    ],
  },
  'SET and SET_INTSET': {
    payloads: [
      P(T.SET, len(3), strs('1', '2', '-3')),
      P(T.SET, len(3), strs('1', 'a', '2')),
      P(T.SET, len(2), strs('a', 'a')),
      P(T.SET, len(2), strs('1', '1')),
      P(T.SET, len(2), strs('01', '1')),
      P(T.SET, len(0)),
      blobP(T.SET_INTSET, C.intset(2, [-5, 1, 300])),
      blobP(T.SET_INTSET, C.intset(4, [-5, 1, 70000])),
      blobP(T.SET_INTSET, C.intset(8, [-9223372036854775808n, 1, 9223372036854775807n])),
      blobP(T.SET_INTSET, C.intset(8, [1, 2])),
      blobP(T.SET_INTSET, C.intset(2, [])),
      blobP(T.SET_INTSET, C.intset(2, [1, 2]).subarray(0, 11)),
      blobP(T.SET_INTSET, C.cat([3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0])),
      blobP(T.SET_INTSET, Buffer.from([2, 0, 0])),
    ],
  },
  'SET_INTSET unordered: accepted unless sanitized': {
    repliesOnly: true,
    payloads: [blobP(T.SET_INTSET, C.intset(2, [3, 1, 2])), blobP(T.SET_INTSET, C.intset(2, [1, 1]))],
  },
  'SET_INTSET unordered, sanitized': {
    before: ['CONFIG SET sanitize-dump-payload yes'],
    after: ['CONFIG SET sanitize-dump-payload no'],
    payloads: [blobP(T.SET_INTSET, C.intset(2, [3, 1, 2])), blobP(T.SET_INTSET, C.intset(2, [1, 1])), blobP(T.SET_INTSET, C.intset(2, [1, 2, 3]))],
  },
  'sets past set-max-intset-entries': {
    before: ['CONFIG SET set-max-intset-entries 2'],
    after: ['CONFIG SET set-max-intset-entries 512'],
    payloads: [blobP(T.SET_INTSET, C.intset(2, [1, 2, 3])), blobP(T.SET_INTSET, C.intset(2, [1, 2])), P(T.SET, len(3), strs('1', '2', '3'))],
  },
  'ZSET (text doubles) and ZSET_2': {
    payloads: [
      P(T.ZSET, len(5), str(''), C.cat(C.rdbStr('a'), textDouble('1.5')), C.rdbStr('b'), textDouble(254), C.rdbStr('c'), textDouble(255), C.rdbStr('d'), textDouble('-0'), C.rdbStr('e'), textDouble('1e300')),
      P(T.ZSET, len(1), C.rdbStr('a'), textDouble(253)),
      P(T.ZSET, len(1), C.rdbStr('a'), textDouble('nan')),
      P(T.ZSET, len(1), C.rdbStr('a'), textDouble('abc')),
      P(T.ZSET, len(2), C.rdbStr('a'), textDouble('1'), C.rdbStr('a'), textDouble('2')),
      P(T.ZSET_2, len(3), C.rdbStr('z'), binDouble(3), C.rdbStr('y'), binDouble(-0), C.rdbStr('x'), binDouble(-Infinity)),
      P(T.ZSET_2, len(1), C.rdbStr('a'), binDouble(NaN)),
      P(T.ZSET_2, len(2), C.rdbStr('a'), binDouble(1), C.rdbStr('a'), binDouble(1)),
      P(T.ZSET_2, len(0)),
      P(T.ZSET_2, len(2), C.rdbStr('x'.repeat(65)), binDouble(1), C.rdbStr('b'), binDouble(2)),
    ],
  },
  'ZSET_ZIPLIST and ZSET_LISTPACK': {
    payloads: [
      blobP(T.ZSET_ZIPLIST, C.ziplist(['a', 1, 'b', '1.5', 7, 300, 'c', 'inf'])),
      blobP(T.ZSET_ZIPLIST, C.ziplist(['a', 1, 'b'])),
      blobP(T.ZSET_ZIPLIST, C.ziplist(['a', 1, 'a', 2])),
      blobP(T.ZSET_ZIPLIST, C.ziplist([])),
      blobP(T.ZSET_ZIPLIST, C.ziplist(['a', 1, 'b', 2], { badPrevlen: true })),
      blobP(T.ZSET_ZIPLIST, C.ziplist(range(130, (i) => [`m${String(i).padStart(3, '0')}`, i]).flat())),
      blobP(T.ZSET_LISTPACK, C.listpack(['a', 1, 'b', '2.5', 'c', 3n, 10, 9007199254740992n, 'd', '1.0000000000000001e+300'])),
      blobP(T.ZSET_LISTPACK, C.listpack([])),
      blobP(T.ZSET_LISTPACK, C.listpack(range(130, (i) => [`m${String(i).padStart(3, '0')}`, i]).flat())),
      blobP(T.ZSET_LISTPACK, C.listpack(['x'.repeat(100), 1])),
    ],
  },
  'HASH': {
    payloads: [
      P(T.HASH, len(2), strs('f', 'v', 'n', '12')),
      P(T.HASH, len(1), strs('f', 'x'.repeat(65))),
      P(T.HASH, len(0)),
      P(T.HASH, len(2), strs('f', 'v', 'f')),
    ],
  },
  'HASH past hash-max-listpack-entries (hashtable from the start, duplicates refused)': {
    before: ['CONFIG SET hash-max-listpack-entries 1'],
    after: ['CONFIG SET hash-max-listpack-entries 512'],
    payloads: [P(T.HASH, len(2), strs('f', 'v', 'n', '12')), P(T.HASH, len(2), strs('f', 'v', 'f', 'w'))],
  },
  'HASH_ZIPMAP': {
    payloads: [
      blobP(T.HASH_ZIPMAP, C.zipmap(['f', 'v', 'num', '123', 'long', 'x'.repeat(300)])),
      blobP(T.HASH_ZIPMAP, C.zipmap(['f', 'v', 'g', 'w'], { free: 3 })),
      blobP(T.HASH_ZIPMAP, C.zipmap(['f', 'v', 'g', 'w'], { count: 254 })),
      blobP(T.HASH_ZIPMAP, C.zipmap(['f', 'v', 'g', 'w'], { count: 3 })),
      blobP(T.HASH_ZIPMAP, C.zipmap(['f', 'v', 'f', 'w'])),
      blobP(T.HASH_ZIPMAP, C.zipmap([])),
      blobP(T.HASH_ZIPMAP, C.zipmap(['f', 'v']).subarray(0, 4)),
      blobP(T.HASH_ZIPMAP, C.zipmap(['f', 'v', 'g', 'x'.repeat(65)])),
    ],
  },
  'HASH_ZIPLIST and HASH_LISTPACK': {
    payloads: [
      blobP(T.HASH_ZIPLIST, C.ziplist(['f', 'v', 'n', 12, 7, -5])),
      blobP(T.HASH_ZIPLIST, C.ziplist(['f', 'x'.repeat(100)])),
      blobP(T.HASH_ZIPLIST, C.ziplist(['f', 'v', 'g'])),
      blobP(T.HASH_ZIPLIST, C.ziplist(['f', 'v', 'f', 'w'])),
      blobP(T.HASH_ZIPLIST, C.ziplist([])),
      blobP(T.HASH_LISTPACK, C.listpack(['f', 'v', 'n', 12, 7, -5, 'big', 9223372036854775807n])),
      blobP(T.HASH_LISTPACK, C.listpack(['f', 'x'.repeat(100)])),
      blobP(T.HASH_LISTPACK, C.listpack([])),
    ],
  },
  'HASH_LISTPACK duplicates and odd counts, sanitized': {
    before: ['CONFIG SET sanitize-dump-payload yes'],
    after: ['CONFIG SET sanitize-dump-payload no'],
    payloads: [blobP(T.HASH_LISTPACK, C.listpack(['f', 'v', 'f', 'w'])), blobP(T.HASH_LISTPACK, C.listpack(['f', 'v', 'g'])), blobP(T.ZSET_LISTPACK, C.listpack(['a', 1, 'a', 2]))],
  },
  'hashes and zsets past the entry limits': {
    before: ['CONFIG SET hash-max-listpack-entries 1', 'CONFIG SET zset-max-listpack-entries 1'],
    after: ['CONFIG SET hash-max-listpack-entries 512', 'CONFIG SET zset-max-listpack-entries 128'],
    payloads: [
      blobP(T.HASH_LISTPACK, C.listpack(['f', 'v', 'g', 'w'])),
      blobP(T.HASH_ZIPLIST, C.ziplist(['f', 'v', 'g', 'w'])),
      blobP(T.HASH_ZIPMAP, C.zipmap(['f', 'v', 'g', 'w'])),
      blobP(T.ZSET_LISTPACK, C.listpack(['a', 1, 'b', 2])),
      blobP(T.ZSET_ZIPLIST, C.ziplist(['a', 1, 'b', 2])),
      P(T.ZSET_2, len(2), C.rdbStr('a'), binDouble(1), C.rdbStr('b'), binDouble(-0)),
    ],
  },
  'STREAM_LISTPACKS (Redis 5 format) and STREAM_LISTPACKS_2': {
    payloads: [
      // 15: nodes, length, last ID, groups without entries-read
      P(T.STREAM_LISTPACKS, len(1), C.rdbStr(v1Node.key), C.rdbStr(v1Node.lp), len(2), len(9), len(3), len(2),
        C.rdbStr('g1'), len(5), len(0), len(1), C.rawId(5, 0), C.i64le(1700000000000), len(2), len(1), C.rdbStr('alice'), C.i64le(1700000000123), len(1), C.rawId(5, 0),
        C.rdbStr('g2'), len(0), len(0), len(0), len(0)),
      P(T.STREAM_LISTPACKS, len(0), len(0), len(9), len(3), len(0)),
      // 19 with every counter
      P(T.STREAM_LISTPACKS_2, len(1), C.rdbStr(v1Node.key), C.rdbStr(v1Node.lp), len(2), len(9), len(3), len(5), len(0), len(5), len(1), len(40), len(1),
        C.rdbStr('g'), len(7), len(0), C.rdbLen(0xffffffffffffffffn), len(0), len(1), C.rdbStr('c'), C.i64le(1700000000000), len(0)),
      // broken: node key size, empty listpack, lengths, unknown PEL owner, duplicate group
      P(T.STREAM_LISTPACKS_2, len(1), C.rdbStr(v1Node.key.subarray(0, 8)), C.rdbStr(v1Node.lp), len(2), len(9), len(3), len(5), len(0), len(5), len(1), len(40), len(0)),
      P(T.STREAM_LISTPACKS_2, len(1), C.rdbStr(v1Node.key), C.rdbStr(C.listpack([])), len(0), len(9), len(3), len(0), len(0), len(0), len(0), len(0), len(0)),
      P(T.STREAM_LISTPACKS_2, len(0), len(3), len(9), len(3), len(0), len(0), len(0), len(0), len(0), len(0)),
      P(T.STREAM_LISTPACKS_2, len(1), C.rdbStr(v1Node.key), C.rdbStr(v1Node.lp), len(2), len(9), len(3), len(5), len(0), len(5), len(1), len(40), len(1),
        C.rdbStr('g'), len(7), len(0), len(2), len(0), len(1), C.rdbStr('c'), C.i64le(1700000000000), len(1), C.rawId(5, 0)),
      P(T.STREAM_LISTPACKS_2, len(1), C.rdbStr(v1Node.key), C.rdbStr(v1Node.lp), len(2), len(9), len(3), len(5), len(0), len(5), len(1), len(40), len(2),
        C.rdbStr('g'), len(7), len(0), len(2), len(0), len(0), C.rdbStr('g'), len(7), len(0), len(2), len(0), len(0)),
    ],
  },
  'STREAM_LISTPACKS_2 with a pending entry nobody owns, sanitized': {
    // accepted by Redis without sanitization (tredis refuses it: see the README)
    before: ['CONFIG SET sanitize-dump-payload yes'],
    after: ['CONFIG SET sanitize-dump-payload no'],
    payloads: [
      P(T.STREAM_LISTPACKS_2, len(1), C.rdbStr(v1Node.key), C.rdbStr(v1Node.lp), len(2), len(9), len(3), len(5), len(0), len(5), len(1), len(40), len(1),
        C.rdbStr('g'), len(7), len(0), len(2), len(1), C.rawId(5, 0), C.i64le(1), len(1), len(1), C.rdbStr('c'), C.i64le(1), len(0)),
    ],
  },
  'STREAM_LISTPACKS_2 lp-counts, sanitized or not': {
    payloads: [P(T.STREAM_LISTPACKS_2, len(1), C.rdbStr(v1Node.key), C.rdbStr(C.streamNode([{ ms: 5, seq: 0, fields: ['f'], values: ['1'] }], { badLpCount: true }).lp), len(1), len(5), len(0), len(5), len(0), len(0), len(0), len(1), len(0))],
  },
  'STREAM_LISTPACKS_2 lp-counts, sanitized': {
    before: ['CONFIG SET sanitize-dump-payload yes'],
    after: ['CONFIG SET sanitize-dump-payload no'],
    payloads: [
      P(T.STREAM_LISTPACKS_2, len(1), C.rdbStr(v1Node.key), C.rdbStr(C.streamNode([{ ms: 5, seq: 0, fields: ['f'], values: ['1'] }], { badLpCount: true }).lp), len(1), len(5), len(0), len(5), len(0), len(0), len(0), len(1), len(0)),
      P(T.STREAM_LISTPACKS_2, len(1), C.rdbStr(v1Node.key), C.rdbStr(v1Node.lp), len(2), len(9), len(3), len(5), len(0), len(5), len(1), len(40), len(0)),
    ],
  },
  'types 20 and 21 (Redis 7.2) and module values': {
    payloads: [blobP(20, C.listpack(['a'])), P(21, len(0)), P(6, len(0)), P(7, len(0))],
  },
};

describeWithRedis('RESTORE of crafted payloads (old formats, broken blobs)', () => {
  const clients = useClients();

  for (const [name, cr] of Object.entries(CRAFTED)) {
    it(name, async () => {
      const { r, t } = clients;
      const problems: string[] = [];
      for (const cl of [r, t]) {
        await call(cl, ['FLUSHALL']);
        for (const c of cr.before ?? []) await call(cl, argsOf(c));
      }
      for (let i = 0; i < cr.payloads.length; i++) {
        const key = 'c' + i;
        const a = await call(r, restoreP(key, cr.payloads[i]));
        const b = await call(t, restoreP(key, cr.payloads[i]));
        if (a !== b) problems.push(`payload ${i}: RESTORE redis ${JSON.stringify(a)} tredis ${JSON.stringify(b)}`);
        else if (a === 'OK' && !cr.repliesOnly) {
          const x = JSON.stringify(await reads(r, key));
          const y = JSON.stringify(await reads(t, key));
          if (x !== y) problems.push(`payload ${i}: reads differ\n  redis  ${x.slice(0, 1500)}\n  tredis ${y.slice(0, 1500)}`);
          // and back: tredis's dump of it restores on redis with the same reads
          const d = (await t.callBuffer('DUMP', key)) as Buffer;
          const back = await call(r, ['RESTORE', 'back' + i, '0', d]);
          const z = JSON.stringify(await reads(r, 'back' + i));
          if (back !== 'OK' || z !== x) problems.push(`payload ${i}: tredis's dump on redis: ${JSON.stringify(back)}\n  ${z.slice(0, 1500)}`);
        }
      }
      for (const cl of [r, t]) for (const c of cr.after ?? []) await call(cl, argsOf(c));
      expect(problems, problems.join('\n')).toEqual([]);
    }, 60000);
  }
});
