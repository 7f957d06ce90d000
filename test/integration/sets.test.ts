/**
 * Set commands: SADD SREM SMOVE SISMEMBER SMISMEMBER SCARD SPOP SRANDMEMBER
 * SMEMBERS SINTER SINTERCARD SINTERSTORE SUNION SUNIONSTORE SDIFF SDIFFSTORE
 * SSCAN. Every expected reply below was taken from a real redis-server
 * 7.0.15, byte for byte; propagated argv were read from its AOF, keyspace
 * events from a psubscribe, encodings from OBJECT ENCODING. Replies in
 * hash order (hashtable sets) are compared sorted; intset replies exactly.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RawClient, Running, replyLength, useServerFixture } from '../helpers';
import { NIL, NOTINT, OK, SYNTAX, WRONGTYPE, bulk, bulks, err, int } from '../resp';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { encodingOf } = require('../../dist/store/value.js');

const set3 = (...items: string[]) => `~${items.length}\r\n${items.map(bulk).join('')}`;
const scanReply = (cursor: string, ...items: string[]) => `*2\r\n${bulk(cursor)}${bulks(...items)}`;

const POSITIVE = err('ERR value is out of range, must be positive');
const EMPTY = '*0\r\n';

const fx = useServerFixture();
const { propagated, events, run, cmd } = fx;
let srv: Running;
let r: RawClient;
beforeAll(() => ({ srv, r } = fx));
beforeEach(() => r.cmd('CONFIG', 'SET', 'set-max-intset-entries', '512'));
const captureEvents = () => fx.captureEvents('KEAn');

const db = () => srv.server.keyspace.dbs[0];
const enc = (key: string) => encodingOf(db().lookup(key));
const stats = () => srv.server.keyspace.stats;

/** The bulk strings of a flat array/set reply, from offset p of the header. */
function items(reply: string, p = 0): string[] {
  const nl = reply.indexOf('\r\n', p);
  const n = Number(reply.slice(p + 1, nl));
  p = nl + 2;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const len = replyLength(reply, p);
    const el = reply.slice(p, p + len);
    out.push(el.slice(el.indexOf('\r\n') + 2, -2));
    p += len;
  }
  return out;
}

/** A SSCAN reply's cursor and members. */
function scanParts(reply: string): { cursor: string; members: string[] } {
  const p = 4; // after "*2\r\n"
  const len = replyLength(reply, p);
  const el = reply.slice(p, p + len);
  return { cursor: el.slice(el.indexOf('\r\n') + 2, -2), members: items(reply, p + len) };
}

const sorted = async (line: string) => items(await cmd(line)).sort();

describe('SADD / SREM / SCARD / SISMEMBER / SMISMEMBER', () => {
  it('adds, counts and replies intsets in ascending order', async () => {
    expect(await run(['SADD', 's', '3', '1', '2'], ['SMEMBERS', 's'], ['SADD', 's', '2', '4'], ['SCARD', 's'])).toEqual([
      int(3),
      bulks('1', '2', '3'),
      int(1),
      int(4),
    ]);
    expect(await cmd('SADD s 9223372036854775807 -9223372036854775808 9007199254740993')).toBe(int(3));
    expect(await cmd('SMEMBERS s')).toBe(bulks('-9223372036854775808', '1', '2', '3', '4', '9007199254740993', '9223372036854775807'));
    expect(enc('s')).toBe('intset');
  });

  it('string2ll decides intset membership', async () => {
    expect(await run(['SADD', 'k', '1'], ['SADD', 'k', '01'])).toEqual([int(1), int(1)]);
    expect(enc('k')).toBe('hashtable');
    for (const first of ['a', '01', '-0', '+1', ' 1', '1.0', '9223372036854775808']) {
      await r.cmd('DEL', 'x');
      await r.cmd('SADD', 'x', first);
      expect(enc('x'), first).toBe('hashtable');
    }
    await r.cmd('SADD', 's', '1', '2', '4');
    expect(await cmd('SMISMEMBER s 1 01 x 4')).toBe('*4\r\n:1\r\n:0\r\n:0\r\n:1\r\n');
    expect(await run(['SISMEMBER', 's', '4'], ['SISMEMBER', 's', '04'], ['SISMEMBER', 'nokey', '4'])).toEqual([int(1), int(0), int(0)]);
    expect(await cmd('SMISMEMBER nokey a b')).toBe('*2\r\n:0\r\n:0\r\n');
  });

  it('is binary safe', async () => {
    const m = '\0\xff\r\n$-1\r\n';
    expect(await r.cmd('SADD', '\0k', m, '')).toBe(int(2));
    expect(await r.cmd('SISMEMBER', '\0k', m)).toBe(int(1));
    expect(items(await r.cmd('SMEMBERS', '\0k')).sort()).toEqual(['', m].sort());
  });

  it('SREM removes, deletes the emptied key, stops counting there', async () => {
    await cmd('SADD s 1 2 3 a');
    expect(await run(['SREM', 's', '1', '1', 'x'], ['SREM', 's', '2', '3', 'a', 'b'], ['EXISTS', 's'])).toEqual([int(1), int(3), int(0)]);
    expect(await cmd('SREM nokey a')).toBe(int(0));
  });

  it('encoding thresholds follow set-max-intset-entries, one way', async () => {
    await r.cmd('CONFIG', 'SET', 'set-max-intset-entries', '4');
    await cmd('SADD s 1 2 3 4');
    expect(enc('s')).toBe('intset');
    await cmd('SADD s 5');
    expect(enc('s')).toBe('hashtable');
    await cmd('SREM s 5 4 3');
    expect(enc('s')).toBe('hashtable');
    await cmd('SADD t 1 a');
    await cmd('SREM t a');
    expect(enc('t')).toBe('hashtable');
    await r.cmd('CONFIG', 'SET', 'set-max-intset-entries', '0');
    await cmd('SADD z 1');
    expect(enc('z')).toBe('hashtable');
  });

  it('WRONGTYPE and missing keys', async () => {
    await cmd('SET str v');
    for (const line of ['SADD str a', 'SREM str a', 'SMEMBERS str', 'SCARD str', 'SISMEMBER str a', 'SMISMEMBER str a', 'SPOP str', 'SPOP str 0', 'SRANDMEMBER str', 'SRANDMEMBER str 0', 'SSCAN str 0', 'SINTER str', 'SUNION str', 'SDIFF str', 'SINTERCARD 1 str']) {
      expect(await cmd(line), line).toBe(WRONGTYPE);
    }
    expect(await run(['SCARD', 'nokey'], ['SMEMBERS', 'nokey'], ['SRANDMEMBER', 'nokey'], ['SRANDMEMBER', 'nokey', '3'], ['SPOP', 'nokey'], ['SPOP', 'nokey', '2'])).toEqual([
      int(0),
      EMPTY,
      NIL,
      EMPTY,
      NIL,
      EMPTY,
    ]);
  });
});

describe('SMOVE', () => {
  it('moves between sets, creating and deleting keys', async () => {
    await cmd('SADD s 1 2 a');
    expect(await cmd('SMOVE s d 1')).toBe(int(1));
    expect(enc('d')).toBe('intset');
    expect(await cmd('SMOVE s d a')).toBe(int(1));
    expect(enc('d')).toBe('hashtable');
    expect(await cmd('SMOVE s d 2')).toBe(int(1));
    expect(await cmd('EXISTS s')).toBe(int(0));
    expect(await sorted('SMEMBERS d')).toEqual(['1', '2', 'a']);
    expect(await run(['SMOVE', 'd', 'd', 'a'], ['SMOVE', 'd', 'd', 'zz'], ['SMOVE', 'd', 'e', 'zz'], ['SMOVE', 'nokey', 'd', 'a'])).toEqual([int(1), int(0), int(0), int(0)]);
    // already in the destination: removed from the source only
    await cmd('SADD e 1');
    expect(await cmd('SMOVE d e 1')).toBe(int(1));
    expect(await sorted('SMEMBERS d')).toEqual(['2', 'a']);
  });

  it('type checks: a missing source wins over a wrong destination', async () => {
    await cmd('SET str v');
    await cmd('SADD s a');
    expect(await run(['SMOVE', 's', 'str', 'a'], ['SMOVE', 's', 'str', 'zz'], ['SMOVE', 'str', 's', 'a'], ['SMOVE', 'nokey', 'str', 'a'])).toEqual([
      WRONGTYPE,
      WRONGTYPE,
      WRONGTYPE,
      int(0),
    ]);
  });

  it('events and propagation', async () => {
    captureEvents();
    await cmd('SADD s a b');
    await cmd('SADD s a');
    await cmd('SMOVE s d a');
    await cmd('SMOVE s d b');
    expect(events).toEqual(['new s', 'sadd s', 'srem s', 'new d', 'sadd d', 'srem s', 'del s', 'sadd d']);
    expect(propagated).toEqual([
      ['SADD', 's', 'a', 'b'],
      ['SMOVE', 's', 'd', 'a'],
      ['SMOVE', 's', 'd', 'b'],
    ]);
  });
});

describe('SINTER / SINTERCARD / SINTERSTORE', () => {
  it('walks the smallest set: intset order when it is an intset', async () => {
    await cmd('SADD a 5 3 1 9 7');
    await cmd('SADD b 9 7 5 3');
    await cmd('SADD h x 9 5 3');
    expect(await run(['SINTER', 'a', 'b'], ['SINTER', 'b', 'a'], ['SINTER', 'a', 'b', 'a'])).toEqual([
      bulks('3', '5', '7', '9'),
      bulks('3', '5', '7', '9'),
      bulks('3', '5', '7', '9'),
    ]);
    expect(await sorted('SINTER h a')).toEqual(['3', '5', '9']);
    expect(await cmd('SINTER a nokey')).toBe(EMPTY);
  });

  it('WRONGTYPE anywhere beats a missing key', async () => {
    await cmd('SET str v');
    await cmd('SADD s a');
    for (const line of ['SINTER nokey str', 'SINTER str nokey', 'SINTERCARD 2 nokey str', 'SINTERSTORE d nokey str', 'SUNION nokey str', 'SDIFF nokey str', 'SDIFFSTORE d nokey str']) {
      expect(await cmd(line), line).toBe(WRONGTYPE);
    }
  });

  it('SINTERSTORE: encoding of the result, overwrite, TTL, empty result deletes', async () => {
    await cmd('SADD a 5 3 1 9 7');
    await cmd('SADD h x 9 5 3');
    await cmd('SET d v');
    await cmd('EXPIRE d 100');
    expect(await cmd('SINTERSTORE d a h')).toBe(int(3));
    expect(await cmd('TTL d')).toBe(int(-1));
    expect(enc('d')).toBe('intset');
    expect(await cmd('SMEMBERS d')).toBe(bulks('3', '5', '9'));
    expect(await cmd('SINTERSTORE d h h')).toBe(int(4));
    expect(enc('d')).toBe('hashtable');
    expect(await cmd('SINTERSTORE d a nokey')).toBe(int(0));
    expect(await cmd('EXISTS d')).toBe(int(0));
  });

  it('SINTERCARD: LIMIT and errors', async () => {
    await cmd('SADD a 1 2 3 4 5');
    await cmd('SADD b 2 3 4 5 6 x');
    expect(
      await run(
        ['SINTERCARD', '2', 'a', 'b'],
        ['SINTERCARD', '2', 'a', 'b', 'LIMIT', '2'],
        ['SINTERCARD', '2', 'a', 'b', 'limit', '0'],
        ['SINTERCARD', '2', 'a', 'b', 'LIMIT', '1', 'LIMIT', '3'],
        ['SINTERCARD', '1', 'a', 'limit\0x', '2'],
        ['SINTERCARD', '3', 'a', 'b', 'nokey'],
      ),
    ).toEqual([int(4), int(2), int(4), int(3), int(2), int(0)]);
    const numkeys = err('ERR numkeys should be greater than 0');
    const limitNeg = err("ERR LIMIT can't be negative");
    expect(
      await run(
        ['SINTERCARD', '0', 'a'],
        ['SINTERCARD', '-1', 'a'],
        ['SINTERCARD', 'x', 'a'],
        ['SINTERCARD', '9223372036854775808', 'a'],
        ['SINTERCARD', '3', 'a', 'b'],
        ['SINTERCARD', '1', 'a', 'LIMIT', '-1'],
        ['SINTERCARD', '1', 'a', 'LIMIT', 'x'],
        ['SINTERCARD', '1', 'a', 'LIMIT'],
        ['SINTERCARD', '1', 'a', 'foo', '1'],
        ['SINTERCARD', '1'],
      ),
    ).toEqual([
      numkeys,
      numkeys,
      numkeys,
      numkeys,
      err("ERR Number of keys can't be greater than number of args"),
      limitNeg,
      limitNeg,
      SYNTAX,
      SYNTAX,
      err("ERR wrong number of arguments for 'sintercard' command"),
    ]);
  });

  it('COMMAND GETKEYS finds SINTERCARD keys (atoi numkeys)', async () => {
    const INVALID = err('ERR Invalid arguments specified for command');
    expect(
      await run(
        ['COMMAND', 'GETKEYS', 'SINTERCARD', '2', 'a', 'b', 'LIMIT', '1'],
        ['COMMAND', 'GETKEYS', 'SINTERCARD', '3', 'a', 'b'],
        ['COMMAND', 'GETKEYS', 'SINTERCARD', '0', 'a'],
        ['COMMAND', 'GETKEYS', 'SINTERCARD', '1abc', 'a', 'b'],
        ['COMMAND', 'GETKEYS', 'SINTERSTORE', 'd', 'a', 'b'],
        ['COMMAND', 'GETKEYS', 'SMOVE', 'a', 'b', 'c'],
      ),
    ).toEqual([bulks('a', 'b'), INVALID, INVALID, bulks('a'), bulks('d', 'a', 'b'), bulks('a', 'b')]);
    expect(await r.cmd('COMMAND', 'GETKEYSANDFLAGS', 'SINTERCARD', '2', 'a', 'b')).toBe(
      '*2\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nb\r\n*2\r\n+RO\r\n+access\r\n',
    );
  });
});

describe('SUNION / SDIFF and STORE variants', () => {
  it('reply from a temporary set: intset order while it is one', async () => {
    await cmd('SADD a 5 3 1');
    await cmd('SADD b 4 2 1');
    await cmd('SADD h x 1 5');
    expect(
      await run(['SUNION', 'a', 'b'], ['SUNION', 'b', 'a', 'nokey'], ['SDIFF', 'a', 'b'], ['SDIFF', 'b', 'a'], ['SDIFF', 'a', 'nokey'], ['SDIFF', 'nokey', 'a'], ['SDIFF', 'a', 'a'], ['SDIFF', 'a', 'h']),
    ).toEqual([bulks('1', '2', '3', '4', '5'), bulks('1', '2', '3', '4', '5'), bulks('3', '5'), bulks('2', '4'), bulks('1', '3', '5'), EMPTY, EMPTY, bulks('3')]);
    expect(await sorted('SUNION a h')).toEqual(['1', '3', '5', 'x']);
    expect(await sorted('SDIFF h a')).toEqual(['x']);
  });

  it('STORE: result encoding, overwrite of any type, TTL dropped, empty deletes', async () => {
    await cmd('SADD a 5 3 1');
    await cmd('SADD b 4 2 1');
    await cmd('SADD h x 1 5');
    await cmd('SET d v');
    await cmd('EXPIRE d 100');
    expect(await cmd('SUNIONSTORE d a b')).toBe(int(5));
    expect(await run(['TTL', 'd'], ['TYPE', 'd'], ['SMEMBERS', 'd'])).toEqual([int(-1), '+set\r\n', bulks('1', '2', '3', '4', '5')]);
    expect(enc('d')).toBe('intset');
    expect(await cmd('SDIFFSTORE d a h')).toBe(int(1));
    expect(enc('d')).toBe('intset');
    expect(await cmd('SDIFFSTORE d h a')).toBe(int(1));
    expect(enc('d')).toBe('hashtable');
    expect(await run(['SDIFFSTORE', 'd', 'a', 'a'], ['EXISTS', 'd'], ['SUNIONSTORE', 'd', 'nokey'])).toEqual([int(0), int(0), int(0)]);
  });

  it("SDIFF's algorithm decides the stored encoding", async () => {
    await cmd('SADD h x 1 2 3 4 5 6 7 8 9');
    await cmd('SADD o x');
    // algorithm 1 (member by member): only integers are added
    expect(await cmd('SDIFFSTORE d h o')).toBe(int(9));
    expect(enc('d')).toBe('intset');
    await r.cmd('SADD', 'b1', ...Array.from({ length: 20 }, (_, i) => String(i + 1)));
    await r.cmd('SADD', 'b2', ...Array.from({ length: 20 }, (_, i) => String(i + 21)));
    // algorithm 2 (add all, remove the others): "x" made it a hashtable
    expect(await cmd('SDIFFSTORE d h b1 b2')).toBe(int(1));
    expect(enc('d')).toBe('hashtable');
    expect(await cmd('SDIFFSTORE d h o b1 b2')).toBe(int(0));
  });

  it('the temporary set converts past set-max-intset-entries', async () => {
    await r.cmd('CONFIG', 'SET', 'set-max-intset-entries', '10');
    await cmd('SADD u 0 1 2 3 4');
    await cmd('SADD v 5 6 7 8 9');
    expect(await cmd('SUNIONSTORE d u v')).toBe(int(10));
    expect(enc('d')).toBe('intset');
    await cmd('SADD v 11');
    expect(await cmd('SUNIONSTORE d u v')).toBe(int(11));
    expect(enc('d')).toBe('hashtable');
  });

  it('events and propagation of the STORE variants', async () => {
    captureEvents();
    await cmd('SADD s 1 2 3');
    await cmd('SINTERSTORE d s nokey'); // nothing to delete: no event, not propagated
    await cmd('SINTERSTORE x s');
    await cmd('SINTERSTORE x s nokey');
    await cmd('SADD t 5');
    await cmd('SDIFFSTORE t s');
    await cmd('SUNIONSTORE t s');
    await cmd('SDIFFSTORE t s s');
    expect(events).toEqual([
      'new s',
      'sadd s',
      'new x',
      'sinterstore x',
      'del x',
      'new t',
      'sadd t',
      'sdiffstore t',
      'sunionstore t',
      'del t',
    ]);
    expect(propagated.map((a) => a.join(' '))).toEqual([
      'SADD s 1 2 3',
      'SINTERSTORE x s',
      'SINTERSTORE x s nokey',
      'SADD t 5',
      'SDIFFSTORE t s',
      'SUNIONSTORE t s',
      'SDIFFSTORE t s s',
    ]);
  });

  it('source keys are read lookups (keyspace hits/misses)', async () => {
    await cmd('SADD s 1 2 3');
    const h = stats().hits;
    const m = stats().misses;
    await cmd('SUNIONSTORE d s nokey');
    await cmd('SINTERSTORE d s nokey');
    await cmd('SMOVE s d 1');
    await cmd('SPOP s 10'); // the whole set is served as SUNION would
    expect(stats().hits - h).toBe(3);
    expect(stats().misses - m).toBe(2);
  });
});

describe('SPOP', () => {
  it('arguments', async () => {
    await cmd('SADD s 1 2 3');
    expect(
      await run(['SPOP', 's', '1', '2'], ['SPOP', 's', '-1'], ['SPOP', 's', 'x'], ['SPOP', 's', '9223372036854775808'], ['SPOP', 's', '0'], ['SPOP', 'nokey', '0'], ['SCARD', 's']),
    ).toEqual([SYNTAX, POSITIVE, POSITIVE, POSITIVE, EMPTY, EMPTY, int(3)]);
  });

  it('single member: propagated as SREM, the key deleted when emptied', async () => {
    captureEvents();
    await cmd('SADD x a');
    expect(await cmd('SPOP x')).toBe(bulk('a'));
    expect(await cmd('EXISTS x')).toBe(int(0));
    await cmd('SADD s 1 2');
    const m = items(await cmd('SPOP s 1'))[0];
    expect(events).toEqual(['new x', 'sadd x', 'spop x', 'del x', 'new s', 'sadd s', 'spop s']);
    expect(propagated).toEqual([
      ['SADD', 'x', 'a'],
      ['SREM', 'x', 'a'],
      ['SADD', 's', '1', '2'],
      ['SREM', 's', m],
    ]);
  });

  it('count below the size: SREMs in MULTI/EXEC, both strategies', async () => {
    await r.cmd('SADD', 's', ...Array.from({ length: 10 }, (_, i) => String(i + 1)));
    propagated.length = 0;
    // few of many: random pops
    const first = items(await cmd('SPOP s 3'));
    expect(first.length).toBe(3);
    expect(propagated).toEqual([['MULTI'], ...first.map((m) => ['SREM', 's', m]), ['EXEC']]);
    propagated.length = 0;
    // most of the set: the rest of the old set, in intset order
    const second = items(await cmd('SPOP s 6'));
    expect(second.length).toBe(6);
    expect(second).toEqual([...second].sort((a, b) => Number(a) - Number(b)));
    expect(propagated).toEqual([['MULTI'], ...second.map((m) => ['SREM', 's', m]), ['EXEC']]);
    expect(await cmd('SCARD s')).toBe(int(1));
    const all = [...first, ...second, ...items(await cmd('SMEMBERS s'))];
    expect(all.sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 10 }, (_, i) => String(i + 1)));
  });

  it('the set that stays gets its encoding afresh', async () => {
    // hashtable with one string: whatever stays decides intset vs hashtable
    for (let round = 0; round < 10; round++) {
      await r.cmd('DEL', 's');
      await r.cmd('SADD', 's', 'a', ...Array.from({ length: 10 }, (_, i) => String(i)));
      await cmd('SPOP s 10');
      const left = items(await cmd('SMEMBERS s'));
      expect(left.length).toBe(1);
      expect(enc('s')).toBe(left[0] === 'a' ? 'hashtable' : 'intset');
    }
  });

  it('count at least the size: the whole set (as a set), DEL propagated', async () => {
    captureEvents();
    await cmd('SADD s 3 1 2');
    expect(await cmd('SPOP s 9223372036854775807')).toBe(bulks('1', '2', '3'));
    expect(await cmd('EXISTS s')).toBe(int(0));
    await cmd('SADD h a b');
    expect(items(await cmd('SPOP h 2')).sort()).toEqual(['a', 'b']);
    expect(events).toEqual(['new s', 'sadd s', 'spop s', 'del s', 'new h', 'sadd h', 'spop h', 'del h']);
    expect(propagated).toEqual([['SADD', 's', '3', '1', '2'], ['DEL', 's'], ['SADD', 'h', 'a', 'b'], ['DEL', 'h']]);
  });
});

describe('SRANDMEMBER', () => {
  it('counts: whole set, distinct members, repeats when negative', async () => {
    await cmd('SADD s 1 2 3');
    expect(await run(['SRANDMEMBER', 's', '3'], ['SRANDMEMBER', 's', '10'], ['SRANDMEMBER', 's', '9223372036854775807'], ['SRANDMEMBER', 's', '0'])).toEqual([
      bulks('1', '2', '3'),
      bulks('1', '2', '3'),
      bulks('1', '2', '3'),
      EMPTY,
    ]);
    const two = items(await cmd('SRANDMEMBER s 2'));
    expect(new Set(two).size).toBe(2);
    const many = items(await cmd('SRANDMEMBER s -10'));
    expect(many.length).toBe(10);
    for (const m of many) expect(['1', '2', '3']).toContain(m);
    expect(['1', '2', '3']).toContain(items(await cmd('SRANDMEMBER s 1'))[0]);
    expect(['$1\r\n1\r\n', '$1\r\n2\r\n', '$1\r\n3\r\n']).toContain(await cmd('SRANDMEMBER s'));
    // distinct sampling from a big set, both strategies
    await r.cmd('SADD', 'h', ...Array.from({ length: 100 }, (_, i) => `m${i}`));
    for (const n of [10, 50, 99]) {
      const got = items(await r.cmd('SRANDMEMBER', 'h', String(n)));
      expect(new Set(got).size).toBe(n);
    }
  });

  it('errors', async () => {
    await cmd('SADD s 1');
    expect(
      await run(['SRANDMEMBER', 's', 'x'], ['SRANDMEMBER', 'nokey', 'x'], ['SRANDMEMBER', 's', '1', '2'], ['SRANDMEMBER', 's', '9223372036854775808'], ['SRANDMEMBER', 's', '-9223372036854775808']),
    ).toEqual([NOTINT, NOTINT, SYNTAX, NOTINT, err('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807')]);
    // Redis would try to build this reply and run out of memory
    expect(await cmd('SRANDMEMBER s -9223372036854775807')).toBe(err('ERR value is out of range'));
  });
});

describe('SSCAN', () => {
  it('an intset is returned whole with cursor 0', async () => {
    await cmd('SADD s 3 1 2 10 20');
    expect(await run(['SSCAN', 's', '0'], ['SSCAN', 's', '12345', 'COUNT', '1'], ['SSCAN', 's', '0', 'MATCH', '1*'])).toEqual([
      scanReply('0', '1', '2', '3', '10', '20'),
      scanReply('0', '1', '2', '3', '10', '20'),
      scanReply('0', '1', '10'),
    ]);
  });

  it('a hashtable is walked in steps, every member once', async () => {
    const members = Array.from({ length: 95 }, (_, i) => `m${i}`);
    await r.cmd('SADD', 'h', ...members);
    const seen: string[] = [];
    let cursor = '0';
    let calls = 0;
    do {
      const page = scanParts(await r.cmd('SSCAN', 'h', cursor, 'COUNT', '10'));
      cursor = page.cursor;
      seen.push(...page.members);
      calls++;
    } while (cursor !== '0');
    expect(calls).toBeGreaterThan(5);
    expect(seen.sort()).toEqual([...members].sort());
    expect(scanParts(await cmd('SSCAN h 0 MATCH m1? COUNT 1000')).members.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `m1${i}`).sort());
  });

  it('arguments and errors', async () => {
    await cmd('SADD s 1');
    expect(
      await run(
        ['SSCAN', 's', '0', 'COUNT', '0'],
        ['SSCAN', 's', '0', 'COUNT', '-1'],
        ['SSCAN', 's', '0', 'COUNT', 'x'],
        ['SSCAN', 's', '0', 'MATCH'],
        ['SSCAN', 's', '0', 'TYPE', 'set'],
        ['SSCAN', 's', 'x'],
        ['SSCAN', 's', '-1'],
        ['SSCAN', 's', '0', 'count\0x', '2'],
        ['SSCAN', 'nokey', '0', 'COUNT', '0'],
        ['SSCAN', 'nokey', 'x'],
      ),
    ).toEqual([SYNTAX, SYNTAX, NOTINT, SYNTAX, SYNTAX, err('ERR invalid cursor'), scanReply('0', '1'), scanReply('0', '1'), scanReply('0'), err('ERR invalid cursor')]);
  });
});

describe('RESP3', () => {
  it('set replies for members, arrays for SRANDMEMBER and SSCAN', async () => {
    const r3 = await RawClient.connect(srv.port);
    await r3.cmd('HELLO', '3');
    await r3.cmd('SADD', 's', '1', '2', '3');
    const out: string[] = [];
    for (const c of [
      ['SMEMBERS', 's'],
      ['SINTER', 's'],
      ['SUNION', 's'],
      ['SDIFF', 's'],
      ['SPOP', 'nokey', '5'],
      ['SPOP', 'nokey'],
      ['SPOP', 's', '0'],
      ['SRANDMEMBER', 'nokey'],
      ['SRANDMEMBER', 'nokey', '5'],
      ['SRANDMEMBER', 's', '5'],
      ['SMISMEMBER', 's', '1', '5'],
      ['SISMEMBER', 's', '1'],
      ['SSCAN', 's', '0'],
      ['SINTERCARD', '1', 's'],
      ['SMEMBERS', 'nokey'],
      ['SPOP', 's', '5'],
    ]) {
      out.push(await r3.cmd(...c));
    }
    r3.close();
    expect(out).toEqual([
      set3('1', '2', '3'),
      set3('1', '2', '3'),
      set3('1', '2', '3'),
      set3('1', '2', '3'),
      '~0\r\n',
      '_\r\n',
      '~0\r\n',
      '_\r\n',
      '*0\r\n',
      bulks('1', '2', '3'),
      '*2\r\n:1\r\n:0\r\n',
      int(1),
      scanReply('0', '1', '2', '3'),
      int(3),
      '~0\r\n',
      set3('1', '2', '3'),
    ]);
  });
});

describe('COPY', () => {
  it('duplicates with the same encoding, unshared', async () => {
    await cmd('SADD s 1 2 3');
    await cmd('SADD h a b');
    expect(await run(['COPY', 's', 'd'], ['COPY', 'h', 'e'], ['SADD', 'd', '4'], ['SREM', 'e', 'a'], ['SCARD', 's'], ['SCARD', 'h'])).toEqual([
      int(1),
      int(1),
      int(1),
      int(1),
      int(3),
      int(2),
    ]);
    expect(enc('d')).toBe('intset');
    expect(enc('e')).toBe('hashtable');
    expect(await cmd('OBJECT ENCODING d')).toBe(bulk('intset'));
    expect(await cmd('SET d x')).toBe(OK);
  });
});
