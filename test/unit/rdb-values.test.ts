/**
 * The RDB value codec (src/persistence/rdb): listpacks, ziplists, intsets,
 * zipmaps and whole values, written and read back; bytes compared with
 * dumps taken from Redis 7.0.15 and with test/rdb-craft.ts's independent
 * encoders; hand-made corrupt inputs that must end in RdbError; and a
 * fuzz of truncated and flipped payloads where anything but a value or an
 * RdbError is a failure.
 */
import { describe, expect, it } from 'vitest';
import { RDB_VERSION, RdbError, RdbIn, RdbOut, RdbType } from '../../src/persistence/rdb/encoding';
import { ListpackWriter, canonicalInt, lpEntrySize, readListpack } from '../../src/persistence/rdb/listpack';
import { readZiplist } from '../../src/persistence/rdb/ziplist';
import { readIntset, writeIntset } from '../../src/persistence/rdb/intset';
import { readZipmap } from '../../src/persistence/rdb/zipmap';
import { RdbEmptyKeyError, ValueLoadOptions, isValueType, readValue, writeValue } from '../../src/persistence/rdb/values';
import { crc64 as serverCrc } from '../../src/persistence/crc64';
import { List } from '../../src/store/list';
import { SetValue } from '../../src/store/set';
import { HashTable, HashValue } from '../../src/store/hash';
import { ZSet } from '../../src/store/zset';
import { Stream, DEFAULT_STREAM_LIMITS } from '../../src/store/stream';
import { StreamId, formatId, idFromNumbers } from '../../src/store/stream-id';
import { ConsumerGroup } from '../../src/store/stream-groups';
import { RawString, EmbString, ByteString, Value, encodingOf, stringOf } from '../../src/store/value';
import * as C from '../rdb-craft';
import { prng } from '../prng';

const OPTS: ValueLoadOptions = {
  hashMaxListpackEntries: 512,
  hashMaxListpackValue: 64,
  setMaxIntsetEntries: 512,
  zsetMaxListpackEntries: 128,
  zsetMaxListpackValue: 64,
  deep: false,
};
const DEEP: ValueLoadOptions = { ...OPTS, deep: true };
const LIMITS = { entries: 128, value: 64 };

/** The value's bytes (type byte included), as DUMP writes them before the footer. */
function encode(v: Value, compress = true): Buffer {
  const out = new RdbOut(compress);
  writeValue(out, v);
  return out.take();
}

/** A DUMP payload of v. */
function dump(v: Value): Buffer {
  const out = new RdbOut(true);
  writeValue(out, v);
  out.u16le(RDB_VERSION);
  out.u64le(serverCrc(out.bytes()));
  return out.take();
}

function decode(b: Buffer, opts = OPTS): Value {
  const inp = new RdbIn(b);
  return readValue(inp, inp.byte(), opts);
}

/** Contents and encoding of a value, comparable with toEqual. */
function describeValue(v: Value): unknown {
  const enc = encodingOf(v);
  const s = stringOf(v);
  if (s !== undefined) return { enc, s };
  if (v instanceof List) return { enc, items: v.toArray() };
  if (v instanceof SetValue) return { enc, members: enc === 'intset' ? v.members() : v.members().sort() };
  if (v instanceof HashValue) {
    const pairs: string[][] = [];
    v.forEach((f, x) => pairs.push([f, x]));
    if (enc !== 'listpack') pairs.sort();
    return { enc, pairs };
  }
  if (v instanceof ZSet) {
    const out: [string, number][] = [];
    for (let n = v.sl.first; n !== 0; n = v.sl.next(n)) out.push([v.sl.ele(n), v.sl.score(n)]);
    return { enc, out, negZero: out.filter(([, sc]) => Object.is(sc, -0)).length };
  }
  if (v instanceof Stream) {
    const nodes = v.nodeList().map((n) => Array.from({ length: n.n }, (_, i) => [n.idString(i), n.flagsOf(i) & 3, n.fields(i)]));
    const groups = [...(v.groups ?? new Map<string, ConsumerGroup>()).values()].map((g) => ({
      name: g.name,
      last: formatId(g.lastId),
      read: String(g.entriesRead),
      pel: [...g.pel].map((n) => [formatId(n.id), n.consumer?.name, n.deliveryTime, String(n.deliveryCount)]),
      consumers: g.sortedConsumers().map((c) => [c.name, c.seenTime, [...c.pel].map((n) => formatId(n.id))]),
    }));
    return {
      nodes,
      length: v.length,
      last: formatId(v.lastId),
      first: formatId(v.firstId),
      maxDel: formatId(v.maxDeletedId),
      added: String(v.entriesAddedExact()),
      groups,
    };
  }
  throw new Error('unknown value');
}

function roundTrip(v: Value, opts = OPTS): Value {
  const b = encode(v);
  const w = decode(b, opts);
  expect(describeValue(w)).toEqual(describeValue(v));
  // and written back the same
  expect(encode(w).equals(b)).toBe(true);
  return w;
}

const range = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

function zsetOf(pairs: [number, string][], limits = LIMITS): ZSet {
  const z = new ZSet();
  for (const [sc, m] of pairs) z.add(sc, m, 0, limits);
  return z;
}

function streamOf(n: number, fields: (i: number) => string[], limits = DEFAULT_STREAM_LIMITS): Stream {
  const s = new Stream();
  for (let i = 0; i < n; i++) {
    const fv = fields(i);
    s.append(idFromNumbers(1000 + i, i % 3), fv, 0, fv.length, limits);
  }
  return s;
}

/** Expect an RdbError (and nothing else). */
function expectRdbError(f: () => unknown): RdbError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(RdbError);
    return e as RdbError;
  }
  throw new Error('expected an RdbError, got a value');
}

// ---- blobs ------------------------------------------------------------------------

describe('listpacks', () => {
  const items: (string | number | bigint)[] = [
    'a', '', 0, 127, 128, -1, -4096, 4095, 4096, -32768, 32767, 32768, -8388608, 8388607, 8388608,
    -2147483648, 2147483647, 2147483648, 9007199254740991, 9223372036854775807n, -9223372036854775808n,
    'x'.repeat(63), 'y'.repeat(64), 'z'.repeat(4095), 'w'.repeat(4096), 'v'.repeat(20000), '007', '-0', '+1', ' 1', '1 ',
    '18446744073709551616', '9223372036854775808',
  ];

  it('writes what the format describes and reads it back', () => {
    const w = new ListpackWriter(16);
    for (const x of items) w.string(String(x));
    const bytes = Buffer.from(w.finish());
    const expected = C.listpack(items.map((x) => (typeof x === 'string' && canonicalInt(x) === null ? x : typeof x === 'string' ? canonicalInt(x)! : x)));
    expect(bytes.toString('hex')).toBe(expected.toString('hex'));
    const back = readListpack(bytes, true);
    expect(back.map(String)).toEqual(items.map(String));
    let total = 7;
    for (const x of items) total += lpEntrySize(String(x));
    expect(total).toBe(bytes.length);
  });

  it('saturates the element count at 65535', () => {
    const w = new ListpackWriter();
    for (let i = 0; i < 70000; i++) w.integer(i % 100);
    const b = w.finish();
    expect(b.readUInt16LE(4)).toBe(65535);
    expect(readListpack(Buffer.from(b), true)).toHaveLength(70000);
  });

  it('refuses broken listpacks; backlens and counts only when deep', () => {
    const good = C.listpack(['a', 1]);
    expectRdbError(() => readListpack(good.subarray(0, 6), false));
    expectRdbError(() => readListpack(C.cat(good, [0]), false));
    const noEnd = Buffer.from(good);
    noEnd[noEnd.length - 1] = 0;
    expectRdbError(() => readListpack(noEnd, false));
    expectRdbError(() => readListpack(C.listpack([], { entries: [Buffer.from([0xf5, 1])] }), false));
    expectRdbError(() => readListpack(C.listpack([], { entries: [Buffer.from([0x85, 0x61])] }), false));
    expectRdbError(() => readListpack(C.listpack([], { entries: [Buffer.from([0xf0, 0xff, 0xff, 0xff, 0x7f])] }), false));
    const badBack = C.listpack(['a', 'b'], { entries: [C.lpEntry('a'), C.lpEntry('b', true)] });
    expect(readListpack(badBack, false)).toEqual(['a', 'b']);
    expectRdbError(() => readListpack(badBack, true));
    const badCount = C.listpack(['a', 'b'], { count: 3 });
    expect(readListpack(badCount, false)).toEqual(['a', 'b']);
    expectRdbError(() => readListpack(badCount, true));
    expect(readListpack(C.listpack(['a', 'b'], { count: 65535 }), true)).toEqual(['a', 'b']);
  });
});

describe('ziplists', () => {
  const items: (string | number)[] = ['a', 0, 12, 13, -1, 127, -128, 128, 300, -32768, 32767, 40000, -8388608, 8388607, 8388608, -2147483648, 2147483647, 2147483648, -9007199254740991, 'x'.repeat(63), 'y'.repeat(64), 'z'.repeat(300), 'w'.repeat(17000), ''];

  it('reads every encoding', () => {
    expect(readZiplist(C.ziplist(items), true)).toEqual(items);
    expect(readZiplist(C.ziplist([]), true)).toEqual([]);
  });

  it('refuses broken ziplists; prevlens, tail and count only when deep', () => {
    const good = C.ziplist(['a', 'b']);
    expectRdbError(() => readZiplist(good.subarray(0, 10), false));
    expectRdbError(() => readZiplist(C.cat(good, [0]), false));
    const badTail = Buffer.from(good);
    badTail.writeUInt32LE(1000, 4);
    expectRdbError(() => readZiplist(badTail, false));
    const wrongTail = Buffer.from(good);
    wrongTail.writeUInt32LE(10, 4);
    expect(readZiplist(wrongTail, false)).toEqual(['a', 'b']);
    expectRdbError(() => readZiplist(wrongTail, true));
    const badPrev = C.ziplist(['a', 'b', 'c'], { badPrevlen: true });
    expect(readZiplist(badPrev, false)).toEqual(['a', 'b', 'c']);
    expectRdbError(() => readZiplist(badPrev, true));
    const badCount = C.ziplist(['a'], { count: 2 });
    expectRdbError(() => readZiplist(badCount, true));
    const badEnc = Buffer.from(C.ziplist([5]));
    badEnc[11] = 0xc1;
    expectRdbError(() => readZiplist(badEnc, false));
    const longStr = Buffer.from(C.ziplist(['abc']));
    longStr[11] = 10;
    expectRdbError(() => readZiplist(longStr, false));
  });
});

describe('intsets', () => {
  it('writes the narrowest encoding and reads back', () => {
    for (const [vals, width] of [
      [[-5, 1, 300], 2],
      [[-40000, 1], 4],
      [[1, 2147483648], 8],
      [[-9223372036854775808n, 9223372036854775807n], 8],
    ] as [(number | bigint)[], 2 | 4 | 8][]) {
      const b = writeIntset(vals);
      expect(b.toString('hex')).toBe(C.intset(width, vals).toString('hex'));
      expect(readIntset(b, true)).toEqual(vals);
    }
  });

  it('refuses bad headers always and disorder when deep (else sorts)', () => {
    expectRdbError(() => readIntset(Buffer.from([2, 0, 0]), false));
    expectRdbError(() => readIntset(C.intset(2, []), false));
    expectRdbError(() => readIntset(C.intset(2, [1, 2]).subarray(0, 11), false));
    expectRdbError(() => readIntset(C.cat([3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0]), false));
    expect(readIntset(C.intset(2, [3, 1, 2, 1]), false)).toEqual([1, 2, 3]);
    expectRdbError(() => readIntset(C.intset(2, [3, 1, 2]), true));
    expectRdbError(() => readIntset(C.intset(2, [1, 1]), true));
  });
});

describe('zipmaps', () => {
  it('reads fields, values, big lengths and free bytes', () => {
    const fv = ['f', 'v', 'num', '123', 'long', 'x'.repeat(300), '', ''];
    expect(readZipmap(C.zipmap(fv))).toEqual(fv);
    expect(readZipmap(C.zipmap(['a', 'b'], { free: 4 }))).toEqual(['a', 'b']);
    expect(readZipmap(C.zipmap(['a', 'b', 'c', 'd'], { count: 254 }))).toEqual(['a', 'b', 'c', 'd']);
  });

  it('refuses broken zipmaps', () => {
    expectRdbError(() => readZipmap(Buffer.from([0])));
    expectRdbError(() => readZipmap(C.zipmap([])));
    expectRdbError(() => readZipmap(C.zipmap(['a', 'b'], { count: 2 })));
    expectRdbError(() => readZipmap(C.zipmap(['a', 'bcd']).subarray(0, 5)));
    const long = Buffer.from(C.zipmap(['a', 'b']));
    long[1] = 200;
    expectRdbError(() => readZipmap(long));
  });
});

// ---- values -------------------------------------------------------------------------

describe('values: bytes as Redis 7.0.15 dumps them', () => {
  // DUMP output of redis-server 7.0.15 for the same data, footer included
  const golden = (v: Value, hex: string) => expect(dump(v).toString('hex')).toBe(hex);

  it('list, intset, hash, zsets, string, stream', () => {
    golden(List.from(['a', 'b', '1', '-100000', '9223372036854775807']), '1201021e1e00000005008161028162020101f26079fe04f4ffffffffffffff7f09ff0a00d13172817faaf683');
    const si = SetValue.intset();
    for (const m of ['1', '-40000', '70000']) si.add(m, 512);
    golden(si, '0b140400000003000000c063ffff01000000701101000a00af31c4d593cb94bd');
    const h = new HashValue();
    h.set('f', 'v', 512, 64);
    h.set('n', '7', 512, 64);
    golden(h, '1012120000000400816602817602816e020701ff0a00b82adea8407ffaa8');
    golden(zsetOf([[0, 'a'], [-0, 'b'], [1.5, 'c'], [Infinity, 'd'], [4611686018427387904, 'e']]), '112e2e0000000a008161020001816202000181630283312e3504816502f400000000000000400981640283696e6604ff0a001433aa1475983b16');
    golden(zsetOf([[1, 'a'], [2.5, 'b'], [-Infinity, 'c']], { entries: 0, value: 64 }), '0503016200000000000004400161000000000000f03f0163000000000000f0ff0a009a24ca8fdcb1d08c');
    golden('ab'.repeat(50), '00c30a406402616261e056010161620a0017383d942096d863');
    const st = new Stream();
    st.append(new StreamId(0, 1, 0, 1), ['f', 'v', 'n', '1'], 0, 4, DEFAULT_STREAM_LIMITS);
    st.append(new StreamId(0, 1, 0, 2), ['f', 'w', 'n', '2'], 0, 4, DEFAULT_STREAM_LIMITS);
    st.append(new StreamId(0, 5, 0, 0), ['other', 'x'], 0, 2, DEFAULT_STREAM_LIMITS);
    st.delete(new StreamId(0, 1, 0, 2));
    st.groups = new Map([['g', new ConsumerGroup('g', new StreamId(0, 0, 0, 0), 1)]]);
    golden(
      st,
      '130110000000000000000100000000000000014044440000001900020101010201816602816e020001020100010001817602010105010301000101018177020201050100010401dfff020101856f74686572068178020601ff020500010101020301016700000100000a00babd1d9db023924e',
    );
  });
});

describe('values: round trips', () => {
  it('strings keep their bytes; integers, embstr and raw follow the content', () => {
    for (const s of ['hello', '12345', '-2147483648', '2147483648', '9223372036854775807', '007', '', 'x'.repeat(44), 'x'.repeat(45), 'abcdefgh'.repeat(200), '\x00\xff\r\n']) {
      const back = decode(encode(s));
      expect(back).toBe(s);
    }
    expect(decode(encode(new RawString('abc')))).toBe('abc');
    expect(decode(encode(new EmbString('3')))).toBe('3');
    expect(decode(encode(ByteString.fromString('\x01\x02', 64)))).toBe('\x01\x02');
    // rdbcompression off: raw
    expect(encode('abcdefgh'.repeat(10), false).length).toBe(3 + 80);
  });

  it('lists: one node, many nodes, big elements', () => {
    roundTrip(List.from(['a', 'b', '1', '-5', '', 'x'.repeat(100)]));
    roundTrip(List.from(range(5000, (i) => 'element:' + i)));
    roundTrip(List.from(range(30, (i) => String.fromCharCode(97 + (i % 26)).repeat(3000 + i * 200))));
  });

  it('sets: intsets of every width, hashtables', () => {
    for (const members of [['1', '2', '3'], ['1', '70000', '-70000'], ['1', '9223372036854775807', '-9223372036854775808'], range(512, String)]) {
      const s = SetValue.intset();
      for (const m of members) s.add(m, 512);
      roundTrip(s);
    }
    const ht = SetValue.hashtable();
    for (const m of ['a', 'b', '1', 'x'.repeat(100)]) ht.add(m, 512);
    roundTrip(ht);
    // an intset past set-max-intset-entries converts
    const big = SetValue.intset();
    for (let i = 0; i < 10; i++) big.add(String(i), 512);
    expect(encodingOf(decode(encode(big), { ...OPTS, setMaxIntsetEntries: 5 }))).toBe('hashtable');
  });

  it('hashes: listpack and hashtable, converted past the limits', () => {
    const h = new HashValue();
    for (let i = 0; i < 512; i++) h.set('f' + i, i % 2 ? 'v' + i : String(i), 512, 64);
    roundTrip(h);
    const t = new HashValue();
    for (let i = 0; i < 600; i++) t.set('f' + i, 'v' + i, 512, 64);
    roundTrip(t);
    expect(encodingOf(decode(encode(h), { ...OPTS, hashMaxListpackEntries: 100 }))).toBe('hashtable');
    // from HASH: listpack unless a field or value is too long
    const small = new HashValue(new HashTable(new Map([['a', 'b']])));
    expect(encodingOf(decode(encode(small)))).toBe('listpack');
    expect(encodingOf(decode(encode(small), { ...OPTS, hashMaxListpackValue: 0 }))).toBe('hashtable');
  });

  it('sorted sets: listpack and skiplist, -0, infinities', () => {
    roundTrip(zsetOf([[0, 'a'], [-0, 'b'], [1.5, 'c'], [Infinity, 'd'], [-Infinity, 'e'], [1e-300, 'f'], [4611686018427389952, 'g']]));
    const big = zsetOf(range(300, (i) => 'm' + i).map((m, i) => [(i * 7919) % 100, m] as [number, string]));
    expect(encodingOf(big)).toBe('skiplist');
    roundTrip(big);
    const neg = zsetOf([[-0, 'z'], [1, 'a']], { entries: 0, value: 64 });
    const back = decode(encode(neg), { ...OPTS, zsetMaxListpackEntries: 0 });
    expect((describeValue(back) as { negZero: number }).negZero).toBe(1);
    // loaded into a listpack, -0 becomes 0
    expect((describeValue(decode(encode(neg))) as { negZero: number }).negZero).toBe(0);
  });

  it('streams: nodes, deletions, wide IDs, groups, consumers and PELs', () => {
    const s = streamOf(350, (i) => (i % 50 === 0 ? ['other', 'x'.repeat(i % 7)] : ['f', 'v' + i, 'n', String(i)]));
    s.delete(idFromNumbers(1001, 1));
    s.delete(idFromNumbers(1200, 0));
    const g = new ConsumerGroup('g1', idFromNumbers(1010, 1), 11);
    const alice = g.createConsumer('alice', 1700000000000)!;
    const bob = g.createConsumer('bob', 1700000000001)!;
    g.deliver(idFromNumbers(1002, 2), alice, 1700000000002);
    g.deliver(idFromNumbers(1003, 0), bob, 1700000000003).deliveryCount = 2n ** 62n;
    g.createConsumer('carol', 5);
    s.groups = new Map([
      ['g1', g],
      ['g2', new ConsumerGroup('g2', idFromNumbers(0, 0), -1)],
    ]);
    roundTrip(s, DEEP);
    const wide = new Stream();
    wide.append(new StreamId(0, 1, 0, 1), ['a', '1'], 0, 2, DEFAULT_STREAM_LIMITS);
    wide.append(new StreamId(1, 0, 0, 0), ['a', '2'], 0, 2, DEFAULT_STREAM_LIMITS);
    wide.append(new StreamId(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff), ['a', '3', 'b', '4'], 0, 4, DEFAULT_STREAM_LIMITS);
    wide.setEntriesAdded(2n ** 64n - 1n);
    roundTrip(wide, DEEP);
    const empty = streamOf(1, () => ['a', '1']);
    empty.delete(idFromNumbers(1000, 0));
    roundTrip(empty, DEEP);
  });
});

describe('values: what is refused', () => {
  const payloadOf = (type: number, ...parts: (Buffer | number[])[]) => C.cat([type], ...parts);

  it('empty collections are RdbEmptyKeyError', () => {
    for (const b of [
      payloadOf(RdbType.LIST, [0]),
      payloadOf(RdbType.SET, [0]),
      payloadOf(RdbType.ZSET_2, [0]),
      payloadOf(RdbType.HASH, [0]),
      payloadOf(RdbType.LIST_QUICKLIST_2, [1, 2], C.rdbStr(C.listpack([]))),
      payloadOf(RdbType.HASH_LISTPACK, C.rdbStr(C.listpack([]))),
      payloadOf(RdbType.LIST_ZIPLIST, C.rdbStr(C.ziplist([]))),
    ]) {
      expect(expectRdbError(() => decode(b))).toBeInstanceOf(RdbEmptyKeyError);
    }
  });

  it('modules, unknown types and 7.2 types in a version 10 payload', () => {
    expect(expectRdbError(() => decode(Buffer.from([RdbType.MODULE_2, 0]))).reason).toMatch(/module/i);
    expectRdbError(() => decode(Buffer.from([8, 0])));
    expectRdbError(() => decode(Buffer.from([22, 0])));
    expectRdbError(() => decode(payloadOf(RdbType.SET_LISTPACK, C.rdbStr(C.listpack(['a'])))));
    expect(stringOf(decode(payloadOf(RdbType.SET_LISTPACK, C.rdbStr(C.listpack(['a', 1]))), { ...OPTS, rdbVersion: 11 }) as Value) ?? 'set').toBe('set');
    expect(isValueType(19)).toBe(true);
    expect(isValueType(20)).toBe(false);
    expect(isValueType(21, 11)).toBe(true);
    expect(isValueType(8)).toBe(false);
    expect(isValueType(0xfe)).toBe(false);
  });

  it('what a value here cannot hold, whatever the sanitization', () => {
    const bad = [
      payloadOf(RdbType.SET, [2], C.rdbStr('a'), C.rdbStr('a')),
      payloadOf(RdbType.HASH_LISTPACK, C.rdbStr(C.listpack(['f', 'v', 'f', 'w']))),
      payloadOf(RdbType.HASH_LISTPACK, C.rdbStr(C.listpack(['f', 'v', 'g']))),
      payloadOf(RdbType.ZSET_LISTPACK, C.rdbStr(C.listpack(['a', 1, 'b']))),
      payloadOf(RdbType.ZSET_LISTPACK, C.rdbStr(C.listpack(['a', 'nan']))),
      payloadOf(RdbType.ZSET_2, [1], C.rdbStr('a'), (() => { const b = Buffer.alloc(8); b.writeDoubleLE(NaN); return b; })()),
    ];
    for (const b of bad) expectRdbError(() => decode(b));
  });

  it('streams: keys, node order, lengths, PEL owners', () => {
    const node = C.streamNode([{ ms: 5, seq: 0, fields: ['f'], values: ['1'] }, { ms: 6, seq: 0, fields: ['f'], values: ['2'] }]);
    const meta = (length: number, lastMs: number) => [C.rdbLen(length), C.rdbLen(lastMs), C.rdbLen(0), C.rdbLen(5), C.rdbLen(0), C.rdbLen(0), C.rdbLen(0), C.rdbLen(2)];
    const good = C.cat([RdbType.STREAM_LISTPACKS_2, 1], C.rdbStr(node.key), C.rdbStr(node.lp), ...meta(2, 6), [0]);
    expect((decode(good) as Stream).length).toBe(2);
    expectRdbError(() => decode(C.cat([RdbType.STREAM_LISTPACKS_2, 1], C.rdbStr(node.key.subarray(1)), C.rdbStr(node.lp), ...meta(2, 6), [0])));
    expectRdbError(() => decode(C.cat([RdbType.STREAM_LISTPACKS_2, 1], C.rdbStr(node.key), C.rdbStr(node.lp), ...meta(3, 6), [0])));
    expectRdbError(() => decode(C.cat([RdbType.STREAM_LISTPACKS_2, 1], C.rdbStr(node.key), C.rdbStr(node.lp), ...meta(2, 5), [0])));
    expectRdbError(() => decode(C.cat([RdbType.STREAM_LISTPACKS_2, 2], C.rdbStr(node.key), C.rdbStr(node.lp), C.rdbStr(node.key), C.rdbStr(node.lp), ...meta(4, 6), [0])));
    const down = C.streamNode([{ ms: 6, seq: 0, fields: ['f'], values: ['1'] }, { ms: 5, seq: 0, fields: ['f'], values: ['2'] }]);
    expectRdbError(() => decode(C.cat([RdbType.STREAM_LISTPACKS_2, 1], C.rdbStr(down.key), C.rdbStr(down.lp), ...meta(2, 6), [0])));
    // a pending entry with no owner, one owned twice, one not in the group's PEL
    const group = (...parts: Buffer[]) => C.cat(good.subarray(0, good.length - 1), [1], C.rdbStr('g'), [0, 0, 0], ...parts);
    const pel = C.cat([1], C.rawId(5, 0), C.i64le(1), [1]);
    expectRdbError(() => decode(group(pel, Buffer.from([0]))));
    expectRdbError(() => decode(group(pel, Buffer.from([2]), C.rdbStr('a'), C.i64le(1), Buffer.from([1]), C.rawId(5, 0), C.rdbStr('b'), C.i64le(1), Buffer.from([1]), C.rawId(5, 0))));
    expectRdbError(() => decode(group(pel, Buffer.from([1]), C.rdbStr('a'), C.i64le(1), Buffer.from([1]), C.rawId(6, 0))));
    expect((decode(group(pel, Buffer.from([1]), C.rdbStr('a'), C.i64le(1), Buffer.from([1]), C.rawId(5, 0))) as Stream).groups!.size).toBe(1);
    // lp-count: checked when deep
    const badCount = C.streamNode([{ ms: 5, seq: 0, fields: ['f'], values: ['1'] }], { badLpCount: true });
    const withBad = C.cat([RdbType.STREAM_LISTPACKS_2, 1], C.rdbStr(badCount.key), C.rdbStr(badCount.lp), ...meta(1, 5), [0]);
    expect((decode(withBad) as Stream).length).toBe(1);
    expectRdbError(() => decode(withBad, DEEP));
  });
});

// ---- fuzz -----------------------------------------------------------------------------

describe('values: fuzz', () => {
  function samples(): Buffer[] {
    const s = streamOf(120, (i) => (i % 9 === 0 ? ['x', String(i)] : ['f', 'v' + i]));
    s.delete(idFromNumbers(1005, 2));
    const g = new ConsumerGroup('g', idFromNumbers(1010, 1), 3);
    g.deliver(idFromNumbers(1002, 2), g.createConsumer('c', 1)!, 2);
    s.groups = new Map([['g', g]]);
    const si = SetValue.intset();
    for (const m of ['1', '-70000', '5000000000']) si.add(m, 512);
    const ht = SetValue.hashtable();
    for (const m of ['a', 'b', 'c']) ht.add(m, 512);
    const h = new HashValue();
    for (let i = 0; i < 20; i++) h.set('f' + i, String(i * 1000), 512, 64);
    const big = new HashValue();
    for (let i = 0; i < 20; i++) big.set('f' + i, 'x'.repeat(70), 512, 64);
    return [
      encode('hello world, hello world, hello world'),
      encode(List.from(range(300, (i) => 'e' + (i % 17)))),
      encode(si),
      encode(ht),
      encode(h),
      encode(big),
      encode(zsetOf([[1, 'a'], [2.5, 'b'], [-Infinity, 'c']])),
      encode(zsetOf(range(200, (i) => 'm' + i).map((m, i) => [i / 3, m] as [number, string]))),
      encode(s),
      C.cat([RdbType.LIST_QUICKLIST, 1], C.rdbStr(C.ziplist(['a', 1, 'x'.repeat(300)]))),
      C.cat([RdbType.HASH_ZIPMAP], C.rdbStr(C.zipmap(['f', 'v', 'g', 'w']))),
      C.cat([RdbType.ZSET_ZIPLIST], C.rdbStr(C.ziplist(['a', 1, 'b', '2.5']))),
      C.cat([RdbType.ZSET, 2], C.rdbStr('a'), [3], Buffer.from('1.5'), C.rdbStr('b'), [254]),
    ];
  }

  it('truncated and flipped payloads give a value or an RdbError, nothing else', () => {
    const rnd = prng(Number(process.env.FUZZ_SEED ?? 1234));
    let values = 0;
    let errors = 0;
    for (const sample of samples()) {
      for (const opts of [OPTS, DEEP]) {
        for (let cut = 1; cut < sample.length; cut += Math.max(1, Math.floor(sample.length / 60))) {
          try {
            decode(sample.subarray(0, cut), opts);
            values++;
          } catch (e) {
            if (!(e instanceof RdbError)) throw new Error(`cut ${cut} of ${sample.toString('hex').slice(0, 80)}: ${String(e)}`);
            errors++;
          }
        }
        for (let trial = 0; trial < Number(process.env.FUZZ_TRIALS ?? 300); trial++) {
          const b = Buffer.from(sample);
          const flips = 1 + Math.floor(rnd() * 3);
          for (let f = 0; f < flips; f++) {
            const at = 1 + Math.floor(rnd() * (b.length - 1));
            b[at] = rnd() < 0.5 ? b[at] ^ (1 << Math.floor(rnd() * 8)) : Math.floor(rnd() * 256);
          }
          try {
            const v = decode(b, opts);
            describeValue(v);
            encode(v);
            values++;
          } catch (e) {
            if (!(e instanceof RdbError)) throw new Error(`flipped ${b.toString('hex').slice(0, 200)}: ${String((e as Error).stack)}`);
            errors++;
          }
        }
      }
    }
    expect(values).toBeGreaterThan(100);
    expect(errors).toBeGreaterThan(100);
  }, 600_000);
});
