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
 * Crafted payloads of the older formats are in dump-restore-crafted.test.ts.
 */
import { expect, it } from 'vitest';
import type Redis from 'ioredis';
import { Args, S, Step, describeScripts, describeWithRedis, useServers } from './harness';
import { Plain, argsOf, call, range, reads, useClients } from './dump-reads';
import * as C from '../rdb-craft';

const servers = useServers();

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

// ---- 2. round trips -------------------------------------------------------------

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

/** RESTORE a dump under `key`, keeping the source's expire time. */
async function restoreAs(cl: Redis, key: string, dump: Buffer, when: Plain): Promise<Plain> {
  const ttl = typeof when === 'number' && when > 0 ? String(when) : '0';
  return call(cl, ['RESTORE', key, ttl, dump, 'ABSTTL']);
}

describeWithRedis('DUMP / RESTORE round trips between the servers', () => {
  const clients = useClients(servers);

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
