/**
 * RESTORE of crafted payloads against a real redis-server: the formats
 * Redis 7.0 still loads but no longer writes (ziplists, zipmaps, linked
 * lists, text doubles, quicklists of ziplists, the Redis 5 stream format)
 * and broken blobs, restored on both servers with and without
 * sanitize-dump-payload; the replies are compared, and for what both
 * accept every read, and tredis's DUMP of it restored on Redis.
 *
 * Payloads Redis accepts without sanitization but would crash reading
 * (a listpack with a wrong backlen...) are compared by their replies only.
 */
import { expect, it } from 'vitest';
import { Args, describeWithRedis, useServers } from './harness';
import { argsOf, call, range, reads, useClients } from './dump-reads';
import * as C from '../rdb-craft';

const servers = useServers();

const str = (s: string): Buffer => Buffer.from(s, 'latin1');
const restoreP = (key: string, p: Buffer, ...opts: string[]): Args => ['RESTORE', key, '0', p, ...opts];

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
  const clients = useClients(servers);

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
