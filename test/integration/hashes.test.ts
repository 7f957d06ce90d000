/**
 * Hash commands: HSET HSETNX HMSET HGET HMGET HGETALL HKEYS HVALS HLEN
 * HSTRLEN HEXISTS HDEL HINCRBY HINCRBYFLOAT HRANDFIELD HSCAN, OBJECT
 * ENCODING / TYPE / COPY of hashes. Expected replies were taken from a real
 * redis-server 7.0.15 byte for byte (RESP2 and RESP3); propagated argv from
 * its AOF, keyspace events from a psubscribe, dirty counts from
 * rdb_changes_since_last_save. Replies Redis makes random (HRANDFIELD) or
 * gives in hash order (hashtable encoding) are checked for their properties.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RawClient, Running, useServerFixture } from '../helpers';
import { NIL, NOTFLOAT, NOTINT, OK, OVERFLOW, SYNTAX, WRONGTYPE, arr, bulk, bulks, err, int } from '../resp';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { encodingOf } = require('../../dist/store/value.js');

const scanReply = (cursor: string, ...items: string[]) => arr(bulk(cursor), bulks(...items));

const HASH_NOTINT = err('ERR hash value is not an integer');
const HASH_NOTFLOAT = err('ERR hash value is not a float');
const INCR_NAN = err('ERR value is NaN or Infinity');
const RESULT_NAN = err('ERR increment would produce NaN or Infinity');
const INVALID_CURSOR = err('ERR invalid cursor');
const RANGE = err('ERR value is out of range');
const RANGE_LONG = err('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
const arity = (cmd: string) => err(`ERR wrong number of arguments for '${cmd}' command`);

const fx = useServerFixture();
const { propagated, events, run, captureEvents } = fx;
let srv: Running;
let r: RawClient;
let r3: RawClient;
beforeAll(async () => {
  ({ srv, r } = fx);
  r3 = await RawClient.connect(srv.port);
  await r3.cmd('HELLO', '3');
});
afterAll(() => r3.close());
beforeEach(() => r.cmd('CONFIG', 'SET', 'hash-max-listpack-entries', '512', 'hash-max-listpack-value', '64'));

const db = () => srv.server.keyspace.dbs[0];
const enc = (key: string) => encodingOf(db().lookup(key));

/** Parse a flat RESP2 array of bulks (no nesting). */
function parseBulks(s: string): string[] {
  const out: string[] = [];
  let p = s.indexOf('\r\n') + 2;
  while (p < s.length) {
    const nl = s.indexOf('\r\n', p);
    const n = Number(s.slice(p + 1, nl));
    out.push(s.slice(nl + 2, nl + 2 + n));
    p = nl + 2 + n + 2;
  }
  return out;
}

/** HSCAN reply → [cursor, items]. */
function parseScan(s: string): [string, string[]] {
  const nl = s.indexOf('\r\n', 4);
  const cl = Number(s.slice(5, nl));
  const cursor = s.slice(nl + 2, nl + 2 + cl);
  return [cursor, parseBulks(s.slice(nl + 2 + cl + 2))];
}

async function bigHash(key: string, n: number): Promise<void> {
  const args = ['HSET', key];
  for (let i = 0; i < n; i++) args.push(`f${i}`, `v${i}`);
  await r.cmd(...args);
}

describe('HSET / HMSET / HSETNX', () => {
  it('counts new fields, updates in place, keeps insertion order', async () => {
    expect(await run(['HSET', 'h', 'a', '1'], ['HSET', 'h', 'a', '2', 'b', '3'], ['HSET', 'h', 'b', '4', 'c', '5', 'c', '6'])).toEqual([
      int(1),
      int(1),
      int(1),
    ]);
    expect(await r.cmd('HGETALL', 'h')).toBe(bulks('a', '2', 'b', '4', 'c', '6'));
    expect(await r.cmd('HMSET', 'h', 'd', '7', 'a', '8')).toBe(OK);
    expect(await r.cmd('HKEYS', 'h')).toBe(bulks('a', 'b', 'c', 'd'));
    expect(await r.cmd('HVALS', 'h')).toBe(bulks('8', '4', '6', '7'));
    // Deleted and re-added goes to the end, like a listpack.
    await run(['HDEL', 'h', 'b'], ['HSET', 'h', 'b', '9']);
    expect(await r.cmd('HKEYS', 'h')).toBe(bulks('a', 'c', 'd', 'b'));
  });

  it('arity, then type', async () => {
    await r.cmd('SET', 's', 'v');
    expect(await run(['HSET', 'h', 'a'], ['HSET', 'h', 'a', '1', 'b'], ['HMSET', 'h', 'a'], ['HMSET', 'h', 'a', '1', 'b'])).toEqual([
      arity('hset'),
      arity('hset'),
      arity('hmset'),
      arity('hmset'),
    ]);
    expect(await run(['HSET', 's', 'a', '1', 'b'], ['HSET', 's', 'a', '1'], ['HMSET', 's', 'a', '1'], ['HSETNX', 's', 'a', '1'])).toEqual([
      arity('hset'),
      WRONGTYPE,
      WRONGTYPE,
      WRONGTYPE,
    ]);
    expect(db().lookup('h')).toBeUndefined();
  });

  it('HSETNX sets only a missing field', async () => {
    expect(await run(['HSETNX', 'h', 'a', '1'], ['HSETNX', 'h', 'a', '2'], ['HSETNX', 'h', 'b', '3'], ['HGETALL', 'h'])).toEqual([
      int(1),
      int(0),
      int(1),
      bulks('a', '1', 'b', '3'),
    ]);
  });

  it('is binary safe', async () => {
    const f = 'f\0\r\n\xff';
    const v = 'v\0\xfe$-1\r\n';
    expect(await r.cmd('HSET', '\0k', f, v)).toBe(int(1));
    expect(await r.cmd('HGET', '\0k', f)).toBe(bulk(v));
    expect(await r.cmd('HSTRLEN', '\0k', f)).toBe(int(v.length));
    expect(await r.cmd('HSET', 'e', '', '')).toBe(int(1));
    expect(await r.cmd('HGETALL', 'e')).toBe(bulks('', ''));
  });
});

describe('reads', () => {
  beforeEach(async () => {
    await r.cmd('HSET', 'h', 'a', '1', 'b', '22', 'c', '333');
    await r.cmd('SET', 's', 'v');
  });

  it('RESP2 replies', async () => {
    expect(
      await run(
        ['HGET', 'h', 'b'],
        ['HGET', 'h', 'x'],
        ['HGET', 'nokey', 'a'],
        ['HMGET', 'h', 'c', 'x', 'a'],
        ['HMGET', 'nokey', 'a', 'b'],
        ['HLEN', 'h'],
        ['HLEN', 'nokey'],
        ['HSTRLEN', 'h', 'c'],
        ['HSTRLEN', 'h', 'x'],
        ['HSTRLEN', 'nokey', 'x'],
        ['HEXISTS', 'h', 'a'],
        ['HEXISTS', 'h', 'x'],
        ['HEXISTS', 'nokey', 'a'],
        ['HGETALL', 'nokey'],
        ['HKEYS', 'nokey'],
        ['HVALS', 'nokey'],
      ),
    ).toEqual([
      bulk('22'),
      NIL,
      NIL,
      arr(bulk('333'), NIL, bulk('1')),
      arr(NIL, NIL),
      int(3),
      int(0),
      int(3),
      int(0),
      int(0),
      int(1),
      int(0),
      int(0),
      '*0\r\n',
      '*0\r\n',
      '*0\r\n',
    ]);
  });

  it('RESP3 replies: HGETALL is a map, nulls are _', async () => {
    expect(await r3.cmd('HGETALL', 'h')).toBe('%3\r\n' + ['a', '1', 'b', '22', 'c', '333'].map(bulk).join(''));
    expect(await r3.cmd('HGETALL', 'nokey')).toBe('%0\r\n');
    expect(await r3.cmd('HMGET', 'h', 'x', 'a')).toBe('*2\r\n_\r\n$1\r\n1\r\n');
    expect(await r3.cmd('HGET', 'h', 'x')).toBe('_\r\n');
    expect(await r3.cmd('HKEYS', 'nokey')).toBe('*0\r\n');
  });

  it('WRONGTYPE on a string', async () => {
    for (const c of [
      ['HGET', 's', 'a'],
      ['HMGET', 's', 'a'],
      ['HLEN', 's'],
      ['HSTRLEN', 's', 'a'],
      ['HEXISTS', 's', 'a'],
      ['HGETALL', 's'],
      ['HKEYS', 's'],
      ['HVALS', 's'],
      ['HDEL', 's', 'a'],
    ]) {
      expect(await r.cmd(...c)).toBe(WRONGTYPE);
    }
  });

  it('count keyspace hits and misses like Redis', async () => {
    const st = srv.server.keyspace.stats;
    const h0 = st.hits;
    const m0 = st.misses;
    await run(['HGET', 'h', 'a'], ['HGET', 'nokey', 'a'], ['HMGET', 'h', 'a'], ['HLEN', 'nokey'], ['HSCAN', 'h', '0'], ['HSCAN', 'nokey', '0']);
    await run(['HDEL', 'nokey', 'a'], ['HSET', 'h2', 'a', '1'], ['HSCAN', 'h', 'x']);
    expect([st.hits - h0, st.misses - m0]).toEqual([3, 3]);
  });
});

describe('HDEL', () => {
  it('counts deleted fields and deletes an emptied hash', async () => {
    await r.cmd('HSET', 'h', 'a', '1', 'b', '2', 'c', '3');
    expect(await r.cmd('HDEL', 'h', 'a', 'x', 'a')).toBe(int(1));
    expect(await r.cmd('HDEL', 'nokey', 'a')).toBe(int(0));
    expect(await r.cmd('HDEL', 'h', 'b', 'c', 'b')).toBe(int(2));
    expect(db().lookup('h')).toBeUndefined();
    expect(await r.cmd('EXISTS', 'h')).toBe(int(0));
  });

  it('on a hashtable too', async () => {
    await bigHash('big', 600);
    expect(enc('big')).toBe('hashtable');
    const fields = Array.from({ length: 600 }, (_, i) => `f${i}`);
    expect(await r.cmd('HDEL', 'big', ...fields.slice(0, 599))).toBe(int(599));
    expect(enc('big')).toBe('hashtable'); // never converts back
    expect(await r.cmd('HDEL', 'big', 'f599', 'f599')).toBe(int(1));
    expect(db().lookup('big')).toBeUndefined();
  });
});

describe('HINCRBY', () => {
  it('adds, creates, checks errors in Redis order', async () => {
    await r.cmd('SET', 's', 'v');
    expect(
      await run(
        ['HINCRBY', 'h', 'f', '5'],
        ['HINCRBY', 'h', 'f', '-7'],
        ['HINCRBY', 'h', 'f', 'x'],
        ['HINCRBY', 'h', 'f', '1.5'],
        ['HINCRBY', 'h', 'f', ''],
        ['HINCRBY', 's', 'f', 'x'],
        ['HINCRBY', 's', 'f', '1'],
        ['HSET', 'h', 'str', 'abc', 'sp', ' 1', 'plus', '+1', 'zero', '01'],
        ['HINCRBY', 'h', 'str', '1'],
        ['HINCRBY', 'h', 'sp', '1'],
        ['HINCRBY', 'h', 'plus', '1'],
        ['HINCRBY', 'h', 'zero', 'x'],
        ['HINCRBY', 'h', 'zero', '1'],
      ),
    ).toEqual([int(5), int(-2), NOTINT, NOTINT, NOTINT, NOTINT, WRONGTYPE, int(4), HASH_NOTINT, HASH_NOTINT, HASH_NOTINT, NOTINT, HASH_NOTINT]);
  });

  it('int64 range and overflow', async () => {
    expect(
      await run(
        ['HSET', 'n', 'g', '9223372036854775807', 'l', '-9223372036854775808'],
        ['HINCRBY', 'n', 'g', '1'],
        ['HINCRBY', 'n', 'g', '0'],
        ['HINCRBY', 'n', 'g', '-1'],
        ['HINCRBY', 'n', 'l', '-1'],
        ['HINCRBY', 'n', 'l', '9223372036854775807'],
        ['HINCRBY', 'n', 'big', '9007199254740993'],
        ['HINCRBY', 'n', 'big', '9007199254740993'],
        ['HINCRBY', 'n', 'neg', '-9007199254740991'],
        ['HINCRBY', 'n', 'neg', '-9007199254740991'],
        ['HINCRBY', 'n', 'x', '9223372036854775808'],
      ),
    ).toEqual([
      int(2),
      OVERFLOW,
      int('9223372036854775807'),
      int('9223372036854775806'),
      OVERFLOW,
      int(-1),
      int('9007199254740993'),
      int('18014398509481986'),
      int('-9007199254740991'),
      int('-18014398509481982'),
      NOTINT,
    ]);
    expect(await r.cmd('HGET', 'n', 'big')).toBe(bulk('18014398509481986'));
  });
});

describe('HINCRBYFLOAT', () => {
  it('long double arithmetic and formatting', async () => {
    expect(
      await run(
        ['HINCRBYFLOAT', 'h', 'f', '1.5'],
        ['HINCRBYFLOAT', 'h', 'f', '1e5'],
        ['HINCRBYFLOAT', 'h', 'f', '-0.1'],
        ['HINCRBYFLOAT', 'h', 'g', '3.0'],
        ['HINCRBYFLOAT', 'h', 'g', '1.23456789012345678'],
        ['HSET', 'h', 'j', '10'],
        ['HINCRBYFLOAT', 'h', 'j', '0.5'],
        ['HINCRBYFLOAT', 'h', 'k', '5.0e3'],
      ),
    ).toEqual([bulk('1.5'), bulk('100001.5'), bulk('100001.39999999999999858'), bulk('3'), bulk('4.23456789012345678'), int(1), bulk('10.5'), bulk('5000')]);
  });

  it('errors in Redis order', async () => {
    await r.cmd('SET', 's', 'v');
    await r.cmd('HSET', 'h', 'str', 'abc', 'big', '1e308');
    expect(
      await run(
        ['HINCRBYFLOAT', 'h', 'f', 'x'],
        ['HINCRBYFLOAT', 'h', 'f', 'inf'],
        ['HINCRBYFLOAT', 'h', 'f', '-inf'],
        ['HINCRBYFLOAT', 'h', 'f', 'nan'],
        ['HINCRBYFLOAT', 'h', 'f', ' 1'],
        ['HINCRBYFLOAT', 's', 'f', 'x'],
        ['HINCRBYFLOAT', 's', 'f', 'inf'],
        ['HINCRBYFLOAT', 's', 'f', '1'],
        ['HINCRBYFLOAT', 'h', 'str', 'inf'],
        ['HINCRBYFLOAT', 'h', 'str', '1'],
        ['HINCRBYFLOAT', 'h', 'x', '1.1e4932'],
        ['HINCRBYFLOAT', 'h', 'x', '1.1e4932'],
      ),
    ).toEqual([NOTFLOAT, INCR_NAN, INCR_NAN, NOTFLOAT, NOTFLOAT, NOTFLOAT, INCR_NAN, WRONGTYPE, INCR_NAN, HASH_NOTFLOAT, expect.stringMatching(/^\$4933\r\n10999/), RESULT_NAN]);
    expect(db().lookup('s')).toBe('v');
    // 1e308 + 1e308 is finite in a long double.
    const big = await r.cmd('HINCRBYFLOAT', 'h', 'big', '1e308');
    expect(big.startsWith('$309\r\n19999999999999999999337')).toBe(true);
  });
});

describe('OBJECT ENCODING, TYPE, COPY', () => {
  it('listpack until the entries limit, then hashtable for good', async () => {
    await r.cmd('CONFIG', 'SET', 'hash-max-listpack-entries', '4', 'hash-max-listpack-value', '8');
    await r.cmd('HSET', 'h', 'a', '1', 'b', '2', 'c', '3', 'd', '4');
    expect(await r.cmd('OBJECT', 'ENCODING', 'h')).toBe(bulk('listpack'));
    expect(await r.cmd('TYPE', 'h')).toBe('+hash\r\n');
    await r.cmd('HSET', 'h', 'e', '5');
    expect(await r.cmd('OBJECT', 'ENCODING', 'h')).toBe(bulk('hashtable'));
    await r.cmd('HDEL', 'h', 'a', 'b', 'c', 'd');
    expect(enc('h')).toBe('hashtable');
    expect(await r.cmd('HGETALL', 'h')).toBe(bulks('e', '5'));
    // Several fields at once, duplicates counted once.
    await r.cmd('HSET', 'h2', 'a', '1', 'a', '2', 'a', '3', 'a', '4', 'a', '5');
    expect(enc('h2')).toBe('listpack');
    await r.cmd('HSET', 'h3', 'a', '1', 'b', '2', 'c', '3', 'd', '4', 'e', '5');
    expect(enc('h3')).toBe('hashtable');
  });

  it('hashtable once a field or value is longer than the value limit', async () => {
    await r.cmd('CONFIG', 'SET', 'hash-max-listpack-value', '8');
    const cases: [string, string[], string][] = [
      ['v8', ['HSET', 'v8', 'a', '12345678'], 'listpack'],
      ['v9', ['HSET', 'v9', 'a', '123456789'], 'hashtable'],
      ['f9', ['HSET', 'f9', '123456789', '1'], 'hashtable'],
      ['later', ['HSET', 'later', 'a', '123456789', 'a', '1'], 'hashtable'],
      ['incrf', ['HINCRBY', 'incrf', '123456789', '1'], 'hashtable'],
      ['incrv', ['HINCRBY', 'incrv', 'f', '123456789'], 'hashtable'],
      ['flt', ['HINCRBYFLOAT', 'flt', 'f', '1.00000001'], 'hashtable'],
      ['fltf', ['HINCRBYFLOAT', 'fltf', '123456789', '1'], 'hashtable'],
    ];
    for (const [key, cmd, want] of cases) {
      await r.cmd(...cmd);
      expect([key, await r.cmd('OBJECT', 'ENCODING', key)]).toEqual([key, bulk(want)]);
    }
    // HSETNX on an existing field sets nothing and converts nothing.
    await r.cmd('HSET', 'nx', 'a', '1');
    expect(await r.cmd('HSETNX', 'nx', 'a', '123456789')).toBe(int(0));
    expect(enc('nx')).toBe('listpack');
    expect(await r.cmd('HSETNX', 'nx', 'b', '123456789')).toBe(int(1));
    expect(enc('nx')).toBe('hashtable');
  });

  it('zero limits and a lowered limit', async () => {
    await r.cmd('CONFIG', 'SET', 'hash-max-listpack-entries', '0');
    await r.cmd('HSET', 'z', 'a', '1');
    expect(enc('z')).toBe('hashtable');
    await r.cmd('CONFIG', 'SET', 'hash-max-listpack-entries', '512', 'hash-max-listpack-value', '0');
    await r.cmd('HSET', 'e', '', '');
    expect(enc('e')).toBe('listpack');
    await r.cmd('HSET', 'e', 'a', '');
    expect(enc('e')).toBe('hashtable');
    // Lowering the entries limit converts on the next write, an update included.
    await r.cmd('CONFIG', 'SET', 'hash-max-listpack-entries', '512', 'hash-max-listpack-value', '64');
    for (const k of ['u', 'nx', 'incr', 'del']) await r.cmd('HSET', k, 'a', '1', 'b', '2', 'c', '3');
    await r.cmd('CONFIG', 'SET', 'hash-max-listpack-entries', '2');
    await run(['HSET', 'u', 'a', '9'], ['HSETNX', 'nx', 'a', '9'], ['HINCRBY', 'incr', 'a', '1'], ['HDEL', 'del', 'zz']);
    expect(['u', 'nx', 'incr', 'del'].map(enc)).toEqual(['hashtable', 'listpack', 'hashtable', 'listpack']);
  });

  it('COPY keeps the encoding and copies deeply', async () => {
    await r.cmd('HSET', 'small', 'a', '1', 'b', '2');
    await bigHash('big', 600);
    expect(await run(['COPY', 'small', 'small2'], ['COPY', 'big', 'big2'])).toEqual([int(1), int(1)]);
    expect([enc('small2'), enc('big2')]).toEqual(['listpack', 'hashtable']);
    await run(['HSET', 'small2', 'a', 'x'], ['HDEL', 'big2', 'f0']);
    expect(await run(['HGETALL', 'small'], ['HGETALL', 'small2'], ['HLEN', 'big'], ['HLEN', 'big2'])).toEqual([
      bulks('a', '1', 'b', '2'),
      bulks('a', 'x', 'b', '2'),
      int(600),
      int(599),
    ]);
  });

  it('a hashtable hash answers every read', async () => {
    await bigHash('big', 600);
    expect(enc('big')).toBe('hashtable');
    expect(await run(['HLEN', 'big'], ['HGET', 'big', 'f599'], ['HMGET', 'big', 'f3', 'nope'], ['HEXISTS', 'big', 'f1'], ['HSTRLEN', 'big', 'f10'])).toEqual([
      int(600),
      bulk('v599'),
      arr(bulk('v3'), NIL),
      int(1),
      int(3),
    ]);
    const all = parseBulks(await r.cmd('HGETALL', 'big'));
    const m = new Map<string, string>();
    for (let i = 0; i < all.length; i += 2) m.set(all[i], all[i + 1]);
    expect(m.size).toBe(600);
    for (let i = 0; i < 600; i++) expect(m.get(`f${i}`)).toBe(`v${i}`);
    expect(parseBulks(await r.cmd('HKEYS', 'big')).sort()).toEqual([...m.keys()].sort());
  });
});

describe('HRANDFIELD', () => {
  beforeEach(async () => {
    await r.cmd('HSET', 'h', 'a', '1', 'b', '2', 'c', '3', 'd', '4');
    await r.cmd('SET', 's', 'v');
  });

  it('argument errors come before the key', async () => {
    expect(
      await run(
        ['HRANDFIELD', 'h', 'x'],
        ['HRANDFIELD', 'h', '1.5'],
        ['HRANDFIELD', 'h', '9223372036854775808'],
        ['HRANDFIELD', 'h', '-9223372036854775808'],
        ['HRANDFIELD', 'h', '-9223372036854775808', 'WITHVALUES'],
        ['HRANDFIELD', 'h', '1', 'foo'],
        ['HRANDFIELD', 'h', '1', 'WITHVALUES', 'x'],
        ['HRANDFIELD', 'h', 'x', 'foo'],
        ['HRANDFIELD', 'h', '4611686018427387904', 'WITHVALUES'],
        ['HRANDFIELD', 'h', '-4611686018427387904', 'withvalues'],
        ['HRANDFIELD', 's', 'x'],
        ['HRANDFIELD', 's', '1', 'foo'],
        ['HRANDFIELD', 's', '1'],
        ['HRANDFIELD', 's'],
      ),
    ).toEqual([NOTINT, NOTINT, NOTINT, RANGE_LONG, RANGE_LONG, SYNTAX, SYNTAX, NOTINT, RANGE, RANGE, NOTINT, SYNTAX, WRONGTYPE, WRONGTYPE]);
  });

  it('missing key, zero count, whole hash', async () => {
    expect(
      await run(
        ['HRANDFIELD', 'nokey'],
        ['HRANDFIELD', 'nokey', '5'],
        ['HRANDFIELD', 'nokey', '-5', 'WITHVALUES'],
        ['HRANDFIELD', 'h', '0'],
        ['HRANDFIELD', 'h', '0', 'WITHVALUES'],
        ['HRANDFIELD', 'h', '4'],
        ['HRANDFIELD', 'h', '100', 'WITHVALUES'],
        ['HRANDFIELD', 'h', '9223372036854775807'],
        ['HRANDFIELD', 'h', '4611686018427387903', 'withvalues\0junk'],
      ),
    ).toEqual([
      NIL,
      '*0\r\n',
      '*0\r\n',
      '*0\r\n',
      '*0\r\n',
      bulks('a', 'b', 'c', 'd'),
      bulks('a', '1', 'b', '2', 'c', '3', 'd', '4'),
      bulks('a', 'b', 'c', 'd'),
      bulks('a', '1', 'b', '2', 'c', '3', 'd', '4'),
    ]);
    expect(await r3.cmd('HRANDFIELD', 'nokey')).toBe('_\r\n');
    expect(await r3.cmd('HRANDFIELD', 'h', '9', 'WITHVALUES')).toBe(
      arr(bulks('a', '1'), bulks('b', '2'), bulks('c', '3'), bulks('d', '4')),
    );
  });

  it('single picks, repeats for a negative count, pairs in RESP3', async () => {
    const fields = ['a', 'b', 'c', 'd'];
    expect(fields.map(bulk)).toContain(await r.cmd('HRANDFIELD', 'h'));
    const one = parseBulks(await r.cmd('HRANDFIELD', 'h', '1', 'WITHVALUES'));
    expect(one).toHaveLength(2);
    expect(one[1]).toBe(String(fields.indexOf(one[0]) + 1));
    const many = parseBulks(await r.cmd('HRANDFIELD', 'h', '-200'));
    expect(many).toHaveLength(200);
    expect(new Set(many)).toEqual(new Set(fields)); // all four show up in 200 picks
    const withv = parseBulks(await r.cmd('HRANDFIELD', 'h', '-20', 'WITHVALUES'));
    expect(withv).toHaveLength(40);
    for (let i = 0; i < 40; i += 2) expect(withv[i + 1]).toBe(String(fields.indexOf(withv[i]) + 1));
    const r3reply = await r3.cmd('HRANDFIELD', 'h', '-3', 'WITHVALUES');
    expect(r3reply).toMatch(/^\*3\r\n(\*2\r\n\$1\r\n[a-d]\r\n\$1\r\n[1-4]\r\n){3}$/);
    expect(await r3.cmd('HRANDFIELD', 'h', '-2')).toMatch(/^\*2\r\n(\$1\r\n[a-d]\r\n){2}$/);
  });

  it('a positive count gives distinct fields, in listpack order for a listpack', async () => {
    const args = ['HSET', 'lp'];
    for (let i = 0; i < 100; i++) args.push(`f${i}`, `v${i}`);
    await r.cmd(...args);
    expect(enc('lp')).toBe('listpack');
    for (let round = 0; round < 20; round++) {
      const got = parseBulks(await r.cmd('HRANDFIELD', 'lp', '30', 'WITHVALUES'));
      expect(got).toHaveLength(60);
      const idx = got.filter((_, i) => i % 2 === 0).map((f) => Number(f.slice(1)));
      for (let i = 0; i < 60; i += 2) expect(got[i + 1]).toBe(`v${got[i].slice(1)}`);
      for (let i = 1; i < idx.length; i++) expect(idx[i]).toBeGreaterThan(idx[i - 1]);
    }
  });

  it('hashtable: distinct for a positive count, repeats for a negative one', async () => {
    await bigHash('big', 1000);
    expect(enc('big')).toBe('hashtable');
    for (const n of [1, 10, 300, 334, 999, 1000, 5000]) {
      const got = parseBulks(await r.cmd('HRANDFIELD', 'big', String(n), 'WITHVALUES'));
      const want = Math.min(n, 1000);
      expect(got).toHaveLength(want * 2);
      const fields = got.filter((_, i) => i % 2 === 0);
      expect(new Set(fields).size).toBe(want);
      for (let i = 0; i < got.length; i += 2) expect(got[i + 1]).toBe(`v${got[i].slice(1)}`);
    }
    // Roughly uniform, also after deletions and re-additions.
    const del = Array.from({ length: 500 }, (_, i) => `f${i}`);
    await r.cmd('HDEL', 'big', ...del);
    await r.cmd('HSET', 'big', 'f0', 'v0', 'f1', 'v1');
    const picks = parseBulks(await r.cmd('HRANDFIELD', 'big', '-50200'));
    const counts = new Map<string, number>();
    for (const f of picks) counts.set(f, (counts.get(f) ?? 0) + 1);
    expect(counts.size).toBe(502);
    expect(counts.has('f2')).toBe(false);
    for (const c of counts.values()) expect(c).toBeGreaterThan(40); // mean 100
  });
});

describe('HSCAN', () => {
  it('errors, missing key, WRONGTYPE', async () => {
    await r.cmd('SET', 's', 'v');
    await r.cmd('HSET', 'h', 'a', '1');
    expect(
      await run(
        ['HSCAN', 'nokey', '0'],
        ['HSCAN', 'nokey', 'x'],
        ['HSCAN', 'nokey', '0', 'COUNT', '0'],
        ['HSCAN', 's', '0'],
        ['HSCAN', 's', 'x'],
        ['HSCAN', 's', '0', 'COUNT', '0'],
        ['HSCAN', 'h', '0', 'COUNT', '0'],
        ['HSCAN', 'h', '0', 'COUNT', '-1'],
        ['HSCAN', 'h', '0', 'COUNT', 'x'],
        ['HSCAN', 'h', '0', 'COUNT', '9223372036854775808'],
        ['HSCAN', 'h', '0', 'COUNT'],
        ['HSCAN', 'h', '0', 'MATCH'],
        ['HSCAN', 'h', '0', 'TYPE', 'hash'],
        ['HSCAN', 'h', ' 1'],
        ['HSCAN', 'h', '18446744073709551616'],
      ),
    ).toEqual([scanReply('0'), INVALID_CURSOR, scanReply('0'), WRONGTYPE, INVALID_CURSOR, WRONGTYPE, SYNTAX, SYNTAX, NOTINT, NOTINT]
      .concat([SYNTAX, SYNTAX, SYNTAX, INVALID_CURSOR, INVALID_CURSOR]));
  });

  it('a listpack comes whole with cursor 0, whatever the cursor and COUNT', async () => {
    await r.cmd('HSET', 'h', 'a', '1', 'b', '2', 'c', '3', '10', 'x', '2', 'y');
    const ALL = scanReply('0', 'a', '1', 'b', '2', 'c', '3', '10', 'x', '2', 'y');
    expect(
      await run(
        ['HSCAN', 'h', '0'],
        ['HSCAN', 'h', '123', 'COUNT', '1'],
        ['HSCAN', 'h', '-1'],
        ['HSCAN', 'h', ''],
        ['HSCAN', 'h', '0', 'MATCH', 'b*'],
        ['HSCAN', 'h', '0', 'match', 'a*', 'MATCH', 'c*', 'count', '1'],
        ['HSCAN', 'h', '0', 'MATCH', '1*'],
        ['HSCAN', 'h', '0', 'MATCH', '*', 'COUNT', '9223372036854775807'],
        ['HSCAN', 'h', '0', 'match\0x', '[ab]'],
      ),
    ).toEqual([
      ALL,
      ALL,
      ALL,
      ALL,
      scanReply('0', 'b', '2'),
      scanReply('0', 'c', '3'),
      scanReply('0', '10', 'x'),
      ALL,
      scanReply('0', 'a', '1', 'b', '2'),
    ]);
    expect(await r3.cmd('HSCAN', 'h', '0', 'MATCH', 'a')).toBe(scanReply('0', 'a', '1'));
  });

  it('a hashtable is walked COUNT fields at a time, nothing missed under changes', async () => {
    await bigHash('big', 1000);
    expect(enc('big')).toBe('hashtable');
    const seen = new Map<string, string>();
    let cursor = '0';
    let calls = 0;
    do {
      const [next, items] = parseScan(await r.cmd('HSCAN', 'big', cursor, 'COUNT', '50'));
      if (next !== '0') expect(items).toHaveLength(100);
      for (let i = 0; i < items.length; i += 2) seen.set(items[i], items[i + 1]);
      if (calls === 3) {
        await r.cmd('HDEL', 'big', 'f999', 'f998');
        await r.cmd('HSET', 'big', 'new', 'x');
      }
      cursor = next;
      calls++;
    } while (cursor !== '0' && calls < 100);
    expect(calls).toBe(20);
    for (let i = 0; i < 998; i++) expect(seen.get(`f${i}`)).toBe(`v${i}`);
  });

  it('MATCH filters a hashtable page; a made-up cursor restarts the walk (tredis\'s rule, README "SCAN cursors")', async () => {
    await bigHash('big', 600);
    const got: string[] = [];
    let cursor = '0';
    do {
      const [next, items] = parseScan(await r.cmd('HSCAN', 'big', cursor, 'MATCH', 'f1?', 'COUNT', '100'));
      got.push(...items);
      cursor = next;
    } while (cursor !== '0');
    expect(got.filter((_, i) => i % 2 === 0).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `f1${i}`));
    const [c1, first] = parseScan(await r.cmd('HSCAN', 'big', '0'));
    expect(c1).not.toBe('0');
    expect(first).toHaveLength(20);
    const [, again] = parseScan(await r.cmd('HSCAN', 'big', '987654321'));
    expect(again).toEqual(first);
    const [, all] = parseScan(await r.cmd('HSCAN', 'big', '0', 'COUNT', '1000'));
    expect(all).toHaveLength(1200);
  });
});

describe('keyspace events, propagation, dirty', () => {
  it('event names and order match Redis', async () => {
    captureEvents();
    await run(
      ['HSET', 'h', 'a', '1'],
      ['HSETNX', 'h', 'b', '2'],
      ['HSETNX', 'h', 'b', '2'],
      ['HINCRBY', 'h', 'a', '2'],
      ['HINCRBYFLOAT', 'h', 'a', '2'],
      ['HDEL', 'h', 'zz'],
      ['HDEL', 'h', 'a', 'b'],
      ['HDEL', 'h', 'a'],
      ['HMSET', 'h2', 'a', '1'],
      ['HINCRBY', 'h3', 'a', 'x'],
      ['HINCRBYFLOAT', 'h4', 'a', '1'],
    );
    expect(events.filter((e) => !e.startsWith('keymiss'))).toEqual([
      'new h',
      'hset h',
      'hset h',
      'hincrby h',
      'hincrbyfloat h',
      'hdel h',
      'del h',
      'new h2',
      'hset h2',
      'new h4',
      'hincrbyfloat h4',
    ]);
  });

  it('writes propagate as sent, HINCRBYFLOAT as HSET of the result', async () => {
    await run(
      ['HINCRBYFLOAT', 'hf', 'f', '1.5'],
      ['HINCRBYFLOAT', 'hf', 'f', '1e1'],
      ['hset', 'hf', 'f', '1', 'g', '2'],
      ['HSETNX', 'hf', 'f', '1'],
      ['HDEL', 'hf', 'zz'],
      ['hdel', 'hf', 'f', 'g'],
      ['HINCRBY', 'hf', 'a', '3'],
      ['HINCRBY', 'hf', 'a', 'x'],
      ['hmset', 'hf', 'x', '1'],
      ['HGET', 'hf', 'x'],
      ['HSCAN', 'hf', '0'],
    );
    expect(propagated).toEqual([
      ['HSET', 'hf', 'f', '1.5'],
      ['HSET', 'hf', 'f', '11.5'],
      ['hset', 'hf', 'f', '1', 'g', '2'],
      ['hdel', 'hf', 'f', 'g'],
      ['HINCRBY', 'hf', 'a', '3'],
      ['hmset', 'hf', 'x', '1'],
    ]);
  });

  it('dirty counts fields like Redis', async () => {
    const ks = srv.server.keyspace;
    const deltas: number[] = [];
    for (const c of [
      ['HSET', 'h', 'a', '1', 'b', '2', 'c', '3'],
      ['HSET', 'h', 'a', '1'],
      ['HMSET', 'h', 'x', '1', 'y', '2'],
      ['HSETNX', 'h', 'a', '1'],
      ['HSETNX', 'h', 'q', '1'],
      ['HDEL', 'h', 'a', 'b', 'zz'],
      ['HDEL', 'h', 'zz'],
      ['HINCRBY', 'h', 'n', '1'],
      ['HINCRBYFLOAT', 'h', 'f', '1.5'],
      ['HDEL', 'h', 'c', 'x', 'y', 'q', 'n', 'f'],
      ['HINCRBY', 'h', 'n', 'x'],
      ['HSET', 'h2', 'a', '1', 'a', '2'],
    ]) {
      const before = ks.dirty;
      await r.cmd(...c);
      deltas.push(ks.dirty - before);
    }
    expect(deltas).toEqual([3, 1, 2, 0, 1, 2, 0, 1, 1, 6, 0, 2]);
  });
});
