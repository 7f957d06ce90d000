/**
 * String commands: GET SET SETNX SETEX PSETEX GETSET GETDEL GETEX MGET MSET
 * MSETNX APPEND STRLEN GETRANGE SUBSTR SETRANGE INCR DECR INCRBY DECRBY
 * INCRBYFLOAT LCS. Every expected reply below was taken from a real
 * redis-server 7.0.15, byte for byte; propagated argv were read from its
 * AOF, keyspace events from a psubscribe, encodings from OBJECT ENCODING.
 *
 * The tests look at the store, propagation and events through the server
 * object so they don't depend on other command families.
 */
import { createHash } from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RawClient, Running, useServerFixture } from '../helpers';
import { NIL, NOTFLOAT, NOTINT, OK, OVERFLOW, SYNTAX, WRONGTYPE, arr, bulk, err, int } from '../resp';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { StoredObject, encodingOf } = require('../../dist/store/value.js');

const EMPTY = '$0\r\n\r\n';

const TOOBIG = err('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
const invalidExpire = (cmd: string) => err(`ERR invalid expire time in '${cmd}' command`);

/** A non-string value, standing in for a list. */
class FakeList extends StoredObject {
  declare accounted: number;
  readonly type = 'list';
  encoding(): string {
    return 'listpack';
  }
}

const fx = useServerFixture();
const { propagated, events, run, captureEvents } = fx;
let srv: Running;
let r: RawClient;
beforeAll(() => ({ srv, r } = fx));
beforeEach(() => {
  srv.server.settings.protoMaxBulkLen = 512 * 1024 * 1024;
  srv.server.settings.lazyfreeLazyUserDel = false;
  srv.server.settings.lazyfreeLazyExpire = false;
});

const db = () => srv.server.keyspace.dbs[0];
const enc = (key: string) => encodingOf(db().lookup(key));
const stats = () => srv.server.keyspace.stats;

/** The expire stored for a key, as a TTL in ms from now (-1 none). */
function pttl(key: string): number {
  const e = db().getExpire(key);
  return e < 0 ? -1 : e - Date.now();
}

function makeList(key: string): void {
  db().setKey(key, new FakeList());
}

describe('GET / SET', () => {
  it('basic set and get', async () => {
    expect(await r.cmd('SET', 'k', 'v')).toBe(OK);
    expect(await r.cmd('GET', 'k')).toBe(bulk('v'));
    expect(await r.cmd('GET', 'nope')).toBe(NIL);
    expect(await r.cmd('set', 'k', '')).toBe(OK);
    expect(await r.cmd('GET', 'k')).toBe(EMPTY);
  });

  it('is binary safe', async () => {
    const v = '\0\x01\xff\r\n$-1\r\nend';
    expect(await r.cmd('SET', '\0k\xff', v)).toBe(OK);
    expect(await r.cmd('GET', '\0k\xff')).toBe(bulk(v));
  });

  it('GET on a non-string is WRONGTYPE, SET overwrites any type', async () => {
    makeList('lst');
    expect(await r.cmd('GET', 'lst')).toBe(WRONGTYPE);
    expect(await r.cmd('SET', 'lst', 'v')).toBe(OK);
    expect(await r.cmd('GET', 'lst')).toBe(bulk('v'));
  });

  it('NX / XX', async () => {
    expect(await run(['SET', 'k', 'v', 'XX'], ['SET', 'k', 'v', 'NX'], ['SET', 'k', 'w', 'NX'], ['SET', 'k', 'w', 'XX'])).toEqual([
      NIL,
      OK,
      NIL,
      OK,
    ]);
    expect(await r.cmd('GET', 'k')).toBe(bulk('w'));
    expect(await run(['SET', 'k', 'v', 'NX', 'NX'], ['SET', 'k', 'v', 'XX', 'XX'], ['SET', 'k', 'v', 'nx'])).toEqual([NIL, OK, NIL]);
  });

  it('GET option', async () => {
    expect(await r.cmd('SET', 'k', 'v', 'GET')).toBe(NIL);
    expect(await r.cmd('SET', 'k', 'v2', 'GET')).toBe(bulk('v'));
    expect(await r.cmd('SET', 'k', 'v3', 'GET', 'GET')).toBe(bulk('v2'));
    // NX + GET (allowed since 7.0): old value returned, nothing set.
    expect(await r.cmd('SET', 'k', 'v4', 'NX', 'GET')).toBe(bulk('v3'));
    expect(await r.cmd('SET', 'k', 'v5', 'XX', 'GET')).toBe(bulk('v3'));
    expect(await r.cmd('SET', 'nk', 'v', 'XX', 'GET')).toBe(NIL);
    expect(db().lookup('nk')).toBeUndefined();
    expect(await r.cmd('SET', 'nk', 'v', 'NX', 'GET')).toBe(NIL);
    expect(await r.cmd('GET', 'nk')).toBe(bulk('v'));
    makeList('lst');
    expect(await r.cmd('SET', 'lst', 'v', 'GET')).toBe(WRONGTYPE);
    expect(await r.cmd('SET', 'lst', 'v', 'NX', 'GET')).toBe(WRONGTYPE);
    // The expire is validated before GET looks at the type.
    expect(await r.cmd('SET', 'lst', 'v', 'EX', 'abc', 'GET')).toBe(NOTINT);
    expect(db().lookup('lst')).toBeInstanceOf(FakeList);
  });

  it('option conflicts are syntax errors', async () => {
    const bad = [
      ['NX', 'XX'],
      ['XX', 'NX'],
      ['EX', '10', 'PX', '10'],
      ['EX', '10', 'EXAT', '10'],
      ['EX', '10', 'PXAT', '10'],
      ['PX', '10', 'EX', '10'],
      ['PX', '10', 'EXAT', '10'],
      ['EXAT', '10', 'PXAT', '10'],
      ['PXAT', '10', 'PX', '10'],
      ['KEEPTTL', 'EX', '10'],
      ['EX', '10', 'KEEPTTL'],
      ['PX', '100', 'KEEPTTL'],
      ['PXAT', '100', 'KEEPTTL'],
      ['KEEPTTL', 'EXAT', '100'],
      ['PERSIST'],
      ['EX'],
      ['PX'],
      ['EXAT'],
      ['PXAT'],
      ['bogus'],
      ['bogus', 'EX', 'abc'],
      ['EX', 'abc', 'bogus'],
      ['N'],
      ['NXX'],
      ['GETT'],
      ['E', '1'],
      [''],
    ];
    for (const opts of bad) {
      expect(await r.cmd('SET', 'k', 'v', ...opts), opts.join(' ')).toBe(SYNTAX);
    }
    expect(db().lookup('k')).toBeUndefined();
    // Repeating the same option is fine; the last expire wins.
    expect(await r.cmd('SET', 'k', 'v', 'EX', '10', 'EX', '20')).toBe(OK);
    expect(Math.round(pttl('k') / 1000)).toBe(20);
    expect(await r.cmd('SET', 'k', 'v', 'KEEPTTL', 'KEEPTTL')).toBe(OK);
    expect(await r.cmd('SET', 'k', 'v', 'kEePtTl', 'gEt', 'xX')).toBe(bulk('v'));
  });

  it('options compare as C strings (cut at NUL)', async () => {
    expect(await r.cmd('SET', 'k', 'v')).toBe(OK);
    expect(await r.cmd('SET', 'k', 'v', 'nx\0abc')).toBe(NIL);
    expect(await r.cmd('SET', 'k', 'v', 'GET\0')).toBe(bulk('v'));
    expect(await r.cmd('SET', 'k', 'v', 'keepttl\0x')).toBe(OK);
    expect(await r.cmd('SET', 'k', 'v', 'ex\0', '100')).toBe(OK);
    expect(Math.round(pttl('k') / 1000)).toBe(100);
  });

  it('expire values', async () => {
    expect(await r.cmd('SET', 'k', 'v', 'EX', 'abc')).toBe(NOTINT);
    expect(await r.cmd('SET', 'k', 'v', 'EX', '1.5')).toBe(NOTINT);
    expect(await r.cmd('SET', 'k', 'v', 'EX', '+5')).toBe(NOTINT);
    expect(await r.cmd('SET', 'k', 'v', 'PX', '9223372036854775808')).toBe(NOTINT);
    for (const opts of [
      ['EX', '0'],
      ['EX', '-5'],
      ['PX', '0'],
      ['EXAT', '0'],
      ['PXAT', '0'],
      ['PXAT', '-1'],
      ['EX', '9223372036854775'], // *1000 fits, + now overflows
      ['EX', '9223372036854776'], // *1000 overflows
      ['EX', '9223372036854775807'],
      ['PX', '9223372036854775807'],
      ['EXAT', '9223372036854776'],
      ['PX', '-9223372036854775808'],
    ]) {
      expect(await r.cmd('SET', 'k', 'v', ...opts), opts.join(' ')).toBe(invalidExpire('set'));
    }
    expect(db().lookup('k')).toBeUndefined();
    expect(await r.cmd('SET', 'k', 'v', 'PXAT', '9223372036854775807')).toBe(OK);
    expect(db().getExpire('k')).toBe(9223372036854775807);
    expect(await r.cmd('SET', 'k', 'v', 'EXAT', '9223372036854775')).toBe(OK);
    expect(db().getExpire('k')).toBe(9223372036854775000);
  });

  it('sets and keeps TTLs', async () => {
    const now = Date.now();
    expect(await r.cmd('SET', 'k', 'v', 'EX', '100')).toBe(OK);
    expect(pttl('k')).toBeGreaterThan(99000);
    expect(pttl('k')).toBeLessThanOrEqual(100000);
    expect(await r.cmd('SET', 'k', 'v', 'PX', '5000')).toBe(OK);
    expect(pttl('k')).toBeGreaterThan(4000);
    expect(pttl('k')).toBeLessThanOrEqual(5000);
    expect(await r.cmd('SET', 'k', 'v', 'EXAT', String(Math.floor(now / 1000) + 1000))).toBe(OK);
    expect(db().getExpire('k')).toBe((Math.floor(now / 1000) + 1000) * 1000);
    expect(await r.cmd('SET', 'k', 'v', 'PXAT', String(now + 123456))).toBe(OK);
    expect(db().getExpire('k')).toBe(now + 123456);
    expect(await r.cmd('SET', 'k', 'w', 'KEEPTTL')).toBe(OK);
    expect(db().getExpire('k')).toBe(now + 123456);
    expect(await r.cmd('SET', 'k', 'x', 'XX')).toBe(OK);
    expect(db().getExpire('k')).toBe(-1);
    // An absolute time in the past is accepted; the key is then gone.
    expect(await r.cmd('SET', 'old', 'v', 'EXAT', '1')).toBe(OK);
    expect(await r.cmd('GET', 'old')).toBe(NIL);
  });

  it('KEEPTTL on a logically expired key does not resurrect its TTL', async () => {
    expect(await r.cmd('SET', 'k', 'v', 'PX', '1')).toBe(OK);
    await new Promise((res) => setTimeout(res, 5));
    expect(await r.cmd('SET', 'k', 'w', 'KEEPTTL')).toBe(OK);
    expect(await r.cmd('GET', 'k')).toBe(bulk('w'));
    expect(db().getExpire('k')).toBe(-1);
  });

  it('encodings', async () => {
    const cases: [string, string][] = [
      ['123', 'int'],
      ['-5', 'int'],
      ['1234567890123456789', 'int'],
      ['12345678901234567890', 'embstr'],
      ['-0', 'embstr'],
      ['007', 'embstr'],
      ['', 'embstr'],
      ['a'.repeat(44), 'embstr'],
      ['a'.repeat(45), 'raw'],
    ];
    for (const [v, e] of cases) {
      expect(await r.cmd('SET', 'k', v)).toBe(OK);
      expect(enc('k'), JSON.stringify(v)).toBe(e);
    }
  });
});

describe('SETNX / SETEX / PSETEX', () => {
  it('SETNX', async () => {
    expect(await r.cmd('SETNX', 'k', 'v')).toBe(int(1));
    expect(await r.cmd('SETNX', 'k', 'w')).toBe(int(0));
    expect(await r.cmd('GET', 'k')).toBe(bulk('v'));
    makeList('lst');
    expect(await r.cmd('SETNX', 'lst', 'w')).toBe(int(0));
  });

  it('SETEX', async () => {
    expect(await r.cmd('SETEX', 'k', '100', '10')).toBe(OK);
    expect(await r.cmd('GET', 'k')).toBe(bulk('10'));
    expect(enc('k')).toBe('int');
    expect(Math.round(pttl('k') / 1000)).toBe(100);
    expect(await r.cmd('SETEX', 'k', '0', 'v')).toBe(invalidExpire('setex'));
    expect(await r.cmd('SETEX', 'k', '-1', 'v')).toBe(invalidExpire('setex'));
    expect(await r.cmd('SETEX', 'k', 'abc', 'v')).toBe(NOTINT);
    expect(await r.cmd('SETEX', 'k', '9223372036854775', 'v')).toBe(invalidExpire('setex'));
    expect(await r.cmd('SETEX', 'k', '10')).toBe(err("ERR wrong number of arguments for 'setex' command"));
  });

  it('PSETEX', async () => {
    expect(await r.cmd('PSETEX', 'k', '100000', 'v')).toBe(OK);
    expect(pttl('k')).toBeGreaterThan(99000);
    expect(await r.cmd('PSETEX', 'k', '0', 'v')).toBe(invalidExpire('psetex'));
    expect(await r.cmd('PSETEX', 'k', 'abc', 'v')).toBe(NOTINT);
  });
});

describe('GETSET / GETDEL', () => {
  it('GETSET', async () => {
    expect(await r.cmd('GETSET', 'k', '5')).toBe(NIL);
    expect(enc('k')).toBe('int');
    expect(await r.cmd('SET', 'k', '12345', 'EX', '100')).toBe(OK);
    expect(await r.cmd('GETSET', 'k', '7')).toBe(bulk('12345'));
    expect(await r.cmd('GET', 'k')).toBe(bulk('7'));
    expect(db().getExpire('k')).toBe(-1);
    makeList('lst');
    expect(await r.cmd('GETSET', 'lst', 'x')).toBe(WRONGTYPE);
    expect(db().lookup('lst')).toBeInstanceOf(FakeList);
  });

  it('GETDEL', async () => {
    expect(await r.cmd('SET', 'k', 'v')).toBe(OK);
    expect(await r.cmd('GETDEL', 'k')).toBe(bulk('v'));
    expect(await r.cmd('GETDEL', 'k')).toBe(NIL);
    expect(db().lookup('k')).toBeUndefined();
    makeList('lst');
    expect(await r.cmd('GETDEL', 'lst')).toBe(WRONGTYPE);
    expect(db().lookup('lst')).toBeInstanceOf(FakeList);
  });
});

describe('GETEX', () => {
  it('without options is GET', async () => {
    expect(await r.cmd('SET', 'k', '5', 'EX', '100')).toBe(OK);
    expect(await r.cmd('GETEX', 'k')).toBe(bulk('5'));
    expect(enc('k')).toBe('int');
    expect(Math.round(pttl('k') / 1000)).toBe(100);
    expect(await r.cmd('GETEX', 'nope')).toBe(NIL);
  });

  it('sets, replaces and removes TTLs', async () => {
    const now = Date.now();
    expect(await r.cmd('SET', 'k', 'v')).toBe(OK);
    expect(await r.cmd('GETEX', 'k', 'EX', '100')).toBe(bulk('v'));
    expect(Math.round(pttl('k') / 1000)).toBe(100);
    expect(await r.cmd('GETEX', 'k', 'px', '5000')).toBe(bulk('v'));
    expect(Math.round(pttl('k') / 1000)).toBe(5);
    expect(await r.cmd('GETEX', 'k', 'EXAT', String(Math.floor(now / 1000) + 500))).toBe(bulk('v'));
    expect(db().getExpire('k')).toBe((Math.floor(now / 1000) + 500) * 1000);
    expect(await r.cmd('GETEX', 'k', 'PXAT', String(now + 7777))).toBe(bulk('v'));
    expect(db().getExpire('k')).toBe(now + 7777);
    expect(await r.cmd('GETEX', 'k', 'EX', '10', 'EX', '20')).toBe(bulk('v'));
    expect(Math.round(pttl('k') / 1000)).toBe(20);
    expect(await r.cmd('GETEX', 'k', 'PERSIST')).toBe(bulk('v'));
    expect(db().getExpire('k')).toBe(-1);
    expect(await r.cmd('GETEX', 'k', 'PERSIST', 'PERSIST')).toBe(bulk('v'));
    expect(await r.cmd('GETEX', 'k', 'PXAT', '9223372036854775807')).toBe(bulk('v'));
    expect(await r.cmd('GETEX', 'k', 'EXAT', '9223372036854775')).toBe(bulk('v'));
    expect(db().getExpire('k')).toBe(9223372036854775000);
  });

  it('an absolute time in the past deletes the key', async () => {
    expect(await r.cmd('SET', 'k', 'v')).toBe(OK);
    expect(await r.cmd('GETEX', 'k', 'PXAT', '1')).toBe(bulk('v'));
    expect(db().lookup('k')).toBeUndefined();
    expect(await r.cmd('SET', 'k', 'v')).toBe(OK);
    expect(await r.cmd('GETEX', 'k', 'EXAT', '1')).toBe(bulk('v'));
    expect(db().lookup('k')).toBeUndefined();
  });

  it('errors, in Redis order', async () => {
    expect(await r.cmd('SET', 'k', 'v')).toBe(OK);
    for (const opts of [
      ['EX', '10', 'PX', '10'],
      ['PERSIST', 'EX', '10'],
      ['EX', '10', 'PERSIST'],
      ['KEEPTTL'],
      ['NX'],
      ['XX'],
      ['GET'],
      ['EX'],
      ['bogus'],
    ]) {
      expect(await r.cmd('GETEX', 'k', ...opts), opts.join(' ')).toBe(SYNTAX);
    }
    for (const opts of [
      ['EX', '0'],
      ['EX', '-1'],
      ['PX', '0'],
      ['EXAT', '0'],
      ['EX', '9223372036854775807'],
      ['EX', '9223372036854775'],
      ['EX', '9223372036854774'],
      ['PX', '9223372036854775807'],
    ]) {
      expect(await r.cmd('GETEX', 'k', ...opts), opts.join(' ')).toBe(invalidExpire('getex'));
    }
    expect(await r.cmd('GETEX', 'k', 'EX', 'abc')).toBe(NOTINT);
    // Syntax first, then the key, then the type, then the expire value.
    expect(await r.cmd('GETEX', 'missing', 'bogus')).toBe(SYNTAX);
    expect(await r.cmd('GETEX', 'missing', 'EX', 'abc')).toBe(NIL);
    expect(await r.cmd('GETEX', 'missing', 'EX', '0')).toBe(NIL);
    makeList('lst');
    expect(await r.cmd('GETEX', 'lst')).toBe(WRONGTYPE);
    expect(await r.cmd('GETEX', 'lst', 'EX', 'abc')).toBe(WRONGTYPE);
    expect(db().getExpire('k')).toBe(-1);
  });
});

describe('MGET / MSET / MSETNX', () => {
  it('MSET and MGET', async () => {
    expect(await r.cmd('MSET', 'a', '10', 'b', 'abc')).toBe(OK);
    expect(enc('a')).toBe('int');
    expect(enc('b')).toBe('embstr');
    makeList('lst');
    expect(await r.cmd('MGET', 'a', 'b', 'nope', 'lst')).toBe(arr(bulk('10'), bulk('abc'), NIL, NIL));
    expect(await r.cmd('MSET', 'a', '1', 'b')).toBe(err("ERR wrong number of arguments for 'mset' command"));
    expect(await r.cmd('MSET', 'a')).toBe(err("ERR wrong number of arguments for 'mset' command"));
    expect(await r.cmd('MSET', 'x', '1', 'x', '2')).toBe(OK);
    expect(await r.cmd('GET', 'x')).toBe(bulk('2'));
  });

  it('MSET clears TTLs', async () => {
    expect(await r.cmd('SET', 'a', '1', 'EX', '100')).toBe(OK);
    expect(await r.cmd('MSET', 'a', '2')).toBe(OK);
    expect(db().getExpire('a')).toBe(-1);
  });

  it('MSETNX', async () => {
    expect(await r.cmd('MSETNX', 'a', '1', 'b')).toBe(err("ERR wrong number of arguments for 'msetnx' command"));
    expect(await r.cmd('MSETNX', 'x', '1', 'y', '2', 'x', '3')).toBe(int(1));
    expect(await r.cmd('MGET', 'x', 'y')).toBe(arr(bulk('3'), bulk('2')));
    expect(await r.cmd('MSETNX', 'z', '1', 'y', '5')).toBe(int(0));
    expect(db().lookup('z')).toBeUndefined();
    makeList('lst');
    expect(await r.cmd('MSETNX', 'lst', '1')).toBe(int(0));
  });
});

describe('APPEND / STRLEN', () => {
  it('APPEND', async () => {
    expect(await r.cmd('APPEND', 'b', '12')).toBe(int(2));
    expect(enc('b')).toBe('int');
    expect(await r.cmd('APPEND', 'b', '3')).toBe(int(3));
    expect(enc('b')).toBe('raw');
    expect(await r.cmd('GET', 'b')).toBe(bulk('123'));
    expect(await r.cmd('INCR', 'b')).toBe(int(124));
    expect(enc('b')).toBe('int');
    // An empty APPEND still creates the key / makes the value raw.
    expect(await r.cmd('APPEND', 'c', '')).toBe(int(0));
    expect(enc('c')).toBe('embstr');
    expect(await r.cmd('GET', 'c')).toBe(EMPTY);
    expect(await r.cmd('SET', 'l', '5')).toBe(OK);
    expect(await r.cmd('APPEND', 'l', '')).toBe(int(1));
    expect(enc('l')).toBe('raw');
    expect(await r.cmd('APPEND', 'n', 'x'.repeat(50))).toBe(int(50));
    expect(enc('n')).toBe('raw');
    makeList('lst');
    expect(await r.cmd('APPEND', 'lst', 'x')).toBe(WRONGTYPE);
  });

  it('APPEND keeps the TTL', async () => {
    expect(await r.cmd('SET', 'a', 'x', 'EX', '100')).toBe(OK);
    expect(await r.cmd('APPEND', 'a', 'y')).toBe(int(2));
    expect(Math.round(pttl('a') / 1000)).toBe(100);
  });

  it('APPEND respects proto-max-bulk-len', async () => {
    srv.server.settings.protoMaxBulkLen = 1024 * 1024;
    expect(await r.cmd('SETRANGE', 'x', String(1024 * 1024 - 1), 'a')).toBe(int(1024 * 1024));
    expect(await r.cmd('APPEND', 'x', 'b')).toBe(TOOBIG);
    expect(await r.cmd('APPEND', 'x', '')).toBe(int(1024 * 1024));
    expect(await r.cmd('SET', 'y', 'a'.repeat(1000))).toBe(OK);
    expect(await r.cmd('APPEND', 'y', 'b'.repeat(1024 * 1024 - 1000))).toBe(int(1024 * 1024));
    expect(await r.cmd('APPEND', 'y', 'c')).toBe(TOOBIG);
    expect(await r.cmd('STRLEN', 'y')).toBe(int(1024 * 1024));
  });

  it('STRLEN', async () => {
    expect(await r.cmd('SET', 's', 'HelloWorld')).toBe(OK);
    expect(await r.cmd('SET', 'n', '12345')).toBe(OK);
    expect(await run(['STRLEN', 's'], ['STRLEN', 'n'], ['STRLEN', 'nope'])).toEqual([int(10), int(5), int(0)]);
    makeList('lst');
    expect(await r.cmd('STRLEN', 'lst')).toBe(WRONGTYPE);
  });
});

describe('GETRANGE / SUBSTR', () => {
  const cases: [string, string, string][] = [
    ['0', '3', bulk('Hell')],
    ['-3', '-1', bulk('rld')],
    ['0', '-1', bulk('HelloWorld')],
    ['0', '-100', bulk('H')],
    ['-100', '-50', bulk('H')],
    ['-1', '-5', EMPTY],
    ['5', '3', EMPTY],
    ['100', '200', EMPTY],
    ['9', '9', bulk('d')],
    ['10', '10', EMPTY],
    ['-9223372036854775808', '9223372036854775807', bulk('HelloWorld')],
    ['3', '-9223372036854775808', EMPTY],
    ['-9223372036854775807', '-9223372036854775808', EMPTY],
    ['-9223372036854775808', '-9223372036854775807', bulk('H')],
    ['9007199254740993', '9223372036854775807', EMPTY],
    ['0', '9223372036854775808', NOTINT],
    ['a', '0', NOTINT],
    ['0', '1.0', NOTINT],
  ];
  it('ranges', async () => {
    expect(await r.cmd('SET', 's', 'HelloWorld')).toBe(OK);
    for (const [a, b, exp] of cases) expect(await r.cmd('GETRANGE', 's', a, b), `${a} ${b}`).toBe(exp);
    expect(await r.cmd('SUBSTR', 's', '0', '3')).toBe(bulk('Hell'));
  });

  it('int values, empty strings, missing keys, wrong types', async () => {
    expect(await r.cmd('SET', 'n', '12345')).toBe(OK);
    expect(await r.cmd('GETRANGE', 'n', '1', '2')).toBe(bulk('23'));
    expect(await r.cmd('SET', 'e', '')).toBe(OK);
    expect(await run(['GETRANGE', 'e', '0', '-1'], ['GETRANGE', 'e', '0', '0'], ['GETRANGE', 'e', '-1', '0'])).toEqual([
      EMPTY,
      EMPTY,
      EMPTY,
    ]);
    expect(await r.cmd('GETRANGE', 'nope', '0', '-1')).toBe(EMPTY);
    expect(await r.cmd('GETRANGE', 'nope', 'a', '0')).toBe(NOTINT);
    makeList('lst');
    expect(await r.cmd('GETRANGE', 'lst', 'a', 'b')).toBe(NOTINT);
    expect(await r.cmd('GETRANGE', 'lst', '0', '1')).toBe(WRONGTYPE);
  });
});

describe('SETRANGE', () => {
  it('overwrites, pads and creates', async () => {
    expect(await r.cmd('SET', 's', 'HelloWorld')).toBe(OK);
    expect(await r.cmd('SETRANGE', 's', '5', 'XY')).toBe(int(10));
    expect(await r.cmd('GET', 's')).toBe(bulk('HelloXYrld'));
    expect(enc('s')).toBe('raw');
    expect(await r.cmd('SETRANGE', 's', '12', 'Z')).toBe(int(13));
    expect(await r.cmd('GET', 's')).toBe(bulk('HelloXYrld\0\0Z'));
    expect(await r.cmd('SETRANGE', 's', '0', 'hi')).toBe(int(13));
    expect(await r.cmd('SETRANGE', 's', '11', 'abcd')).toBe(int(15));
    expect(await r.cmd('GET', 's')).toBe(bulk('hilloXYrld\0abcd'));
    expect(await r.cmd('SETRANGE', 's', '15', '!')).toBe(int(16));
    expect(await r.cmd('GET', 's')).toBe(bulk('hilloXYrld\0abcd!'));
    expect(await r.cmd('SETRANGE', 'nn', '3', 'ab')).toBe(int(5));
    expect(await r.cmd('GET', 'nn')).toBe(bulk('\0\0\0ab'));
    expect(enc('nn')).toBe('raw');
    expect(await r.cmd('SETRANGE', 'n0', '0', '12')).toBe(int(2));
    expect(enc('n0')).toBe('raw');
  });

  it('empty values change nothing', async () => {
    expect(await r.cmd('SETRANGE', 'e', '0', '')).toBe(int(0));
    expect(await r.cmd('SETRANGE', 'm', '2', '')).toBe(int(0));
    expect(await r.cmd('SETRANGE', 'zz', '9223372036854775807', '')).toBe(int(0));
    expect(db().size).toBe(0);
    expect(await r.cmd('SET', 'f', '1')).toBe(OK);
    expect(await r.cmd('SETRANGE', 'f', '0', '')).toBe(int(1));
    expect(enc('f')).toBe('int');
    expect(await r.cmd('SETRANGE', 'f', '3', 'x')).toBe(int(4));
    expect(await r.cmd('GET', 'f')).toBe(bulk('1\0\0x'));
  });

  it('errors', async () => {
    expect(await r.cmd('SET', 's', 'x')).toBe(OK);
    expect(await r.cmd('SETRANGE', 's', '536870911', 'ab')).toBe(TOOBIG);
    expect(await r.cmd('SETRANGE', 's', '9223372036854775807', 'ab')).toBe(TOOBIG);
    expect(await r.cmd('SETRANGE', 'new', '536870911', 'ab')).toBe(TOOBIG);
    expect(await r.cmd('SETRANGE', 's', '9223372036854775808', 'ab')).toBe(NOTINT);
    expect(await r.cmd('SETRANGE', 's', '1.5', 'ab')).toBe(NOTINT);
    expect(await r.cmd('SETRANGE', 's', '-1', 'ab')).toBe(err('ERR offset is out of range'));
    expect(await r.cmd('SETRANGE', 's', '-9223372036854775808', 'ab')).toBe(err('ERR offset is out of range'));
    makeList('lst');
    expect(await r.cmd('SETRANGE', 'lst', '-1', 'x')).toBe(err('ERR offset is out of range'));
    expect(await r.cmd('SETRANGE', 'lst', 'a', 'x')).toBe(NOTINT);
    expect(await r.cmd('SETRANGE', 'lst', '0', 'x')).toBe(WRONGTYPE);
    expect(await r.cmd('SETRANGE', 'lst', '0', '')).toBe(WRONGTYPE);
    expect(await r.cmd('GET', 's')).toBe(bulk('x'));
    expect(db().lookup('new')).toBeUndefined();
  });

  it('respects a lowered proto-max-bulk-len', async () => {
    srv.server.settings.protoMaxBulkLen = 1024 * 1024;
    expect(await r.cmd('SETRANGE', 'x', '1048575', 'a')).toBe(int(1048576));
    expect(await r.cmd('SETRANGE', 'x', '1048576', 'a')).toBe(TOOBIG);
    expect(await r.cmd('SETRANGE', 'x', '1048575', 'ab')).toBe(TOOBIG);
  });

  it('keeps the TTL', async () => {
    expect(await r.cmd('SET', 'a', 'xyz', 'EX', '100')).toBe(OK);
    expect(await r.cmd('SETRANGE', 'a', '1', 'Q')).toBe(int(3));
    expect(Math.round(pttl('a') / 1000)).toBe(100);
  });
});

describe('INCR / DECR / INCRBY / DECRBY', () => {
  it('counts', async () => {
    expect(await run(['INCR', 'c'], ['INCR', 'c'], ['DECR', 'c'], ['INCRBY', 'c', '10'], ['DECRBY', 'c', '20'], ['DECR', 'new'])).toEqual([
      int(1),
      int(2),
      int(1),
      int(11),
      int(-9),
      int(-1),
    ]);
    expect(await r.cmd('GET', 'c')).toBe(bulk('-9'));
    expect(enc('c')).toBe('int');
    expect(await r.cmd('INCRBY', 'c', '-9223372036854775807')).toBe(OVERFLOW);
  });

  it('int64 limits', async () => {
    expect(await r.cmd('SET', 'k', '9223372036854775807')).toBe(OK);
    expect(await r.cmd('INCR', 'k')).toBe(OVERFLOW);
    expect(await r.cmd('SET', 'k', '-9223372036854775808')).toBe(OK);
    expect(await r.cmd('DECR', 'k')).toBe(OVERFLOW);
    expect(await r.cmd('INCRBY', 'k', '-1')).toBe(OVERFLOW);
    expect(await r.cmd('DECRBY', 'k', '-9223372036854775808')).toBe(err('ERR decrement would overflow'));
    expect(await r.cmd('DECRBY', 'k', '9223372036854775807')).toBe(OVERFLOW);
    expect(await r.cmd('DECRBY', 'k', '1')).toBe(OVERFLOW);
    expect(await r.cmd('INCRBY', 'k', '9223372036854775807')).toBe(int(-1));
    expect(await r.cmd('SET', 'k', '9007199254740993')).toBe(OK);
    expect(await r.cmd('INCR', 'k')).toBe(int('9007199254740994'));
    expect(await r.cmd('INCRBY', 'k', '9223372036854775807')).toBe(OVERFLOW);
    expect(await r.cmd('SET', 'k', '9223372036854775800')).toBe(OK);
    expect(await r.cmd('INCRBY', 'k', '7')).toBe(int('9223372036854775807'));
    expect(await r.cmd('GET', 'k')).toBe(bulk('9223372036854775807'));
    expect(await r.cmd('INCRBY', 'k', '1')).toBe(OVERFLOW);
    expect(await r.cmd('SET', 'k', '9007199254740991')).toBe(OK);
    expect(await r.cmd('INCR', 'k')).toBe(int('9007199254740992'));
    expect(await r.cmd('INCR', 'k')).toBe(int('9007199254740993'));
    expect(await r.cmd('DECRBY', 'k', '18014398509481986')).toBe(int('-9007199254740993'));
    expect(await r.cmd('DECRBY', 'nokey', '-9223372036854775808')).toBe(err('ERR decrement would overflow'));
    expect(await r.cmd('INCRBY', 'nokey', '-9223372036854775808')).toBe(int('-9223372036854775808'));
  });

  it('bad numbers', async () => {
    expect(await r.cmd('SET', 'k', '5')).toBe(OK);
    for (const v of ['9223372036854775808', 'abc', '+1', '01', ' 1', '1 ', '1.0', '', '-0x1']) {
      expect(await r.cmd('INCRBY', 'k', v), JSON.stringify(v)).toBe(NOTINT);
      expect(await r.cmd('DECRBY', 'k', v), JSON.stringify(v)).toBe(NOTINT);
    }
    for (const v of ['', '-0', '007', ' 7', '1.5', '9223372036854775808', 'a', '1\0']) {
      expect(await r.cmd('SET', 'k', v)).toBe(OK);
      expect(await r.cmd('INCR', 'k'), JSON.stringify(v)).toBe(NOTINT);
    }
    makeList('lst');
    expect(await r.cmd('INCRBY', 'lst', 'abc')).toBe(NOTINT);
    expect(await r.cmd('INCR', 'lst')).toBe(WRONGTYPE);
    expect(await r.cmd('DECRBY', 'lst', '1')).toBe(WRONGTYPE);
  });

  it('keeps the TTL, works on raw strings', async () => {
    expect(await r.cmd('SET', 'a', '1', 'EX', '100')).toBe(OK);
    expect(await r.cmd('INCR', 'a')).toBe(int(2));
    expect(await r.cmd('DECRBY', 'a', '1')).toBe(int(1));
    expect(Math.round(pttl('a') / 1000)).toBe(100);
    expect(await r.cmd('APPEND', 'a', '0')).toBe(int(2));
    expect(enc('a')).toBe('raw');
    expect(await r.cmd('INCRBY', 'a', '5')).toBe(int(15));
    expect(enc('a')).toBe('int');
  });
});

describe('INCRBYFLOAT', () => {
  it('adds with long double precision', async () => {
    expect(await r.cmd('INCRBYFLOAT', 'f', '1.5')).toBe(bulk('1.5'));
    expect(await r.cmd('INCRBYFLOAT', 'f', '1')).toBe(bulk('2.5'));
    expect(await r.cmd('SET', 'k', '5')).toBe(OK);
    expect(await r.cmd('INCRBYFLOAT', 'k', '0')).toBe(bulk('5'));
    expect(enc('k')).toBe('embstr');
    expect(await r.cmd('SET', 'k', '1.0')).toBe(OK);
    expect(await r.cmd('INCRBYFLOAT', 'k', '0')).toBe(bulk('1'));
    expect(await r.cmd('SET', 'k', '1e3')).toBe(OK);
    expect(await r.cmd('INCRBYFLOAT', 'k', '0')).toBe(bulk('1000'));
    expect(await r.cmd('INCRBYFLOAT', 'k', '0x10')).toBe(bulk('1016'));
    expect(await r.cmd('INCRBYFLOAT', 'd', '1')).toBe(bulk('1'));
    expect(enc('d')).toBe('embstr');
    expect(await r.cmd('INCRBYFLOAT', 'n', '1e300')).toBe(
      bulk(
        '1000000000000000000008997324079559193870523944273290747938260082321265646596180935755849152083750497190350372508614274835903592556184672983913096260520748646287327135641843653294084255107606016789726652932370030551382947620994540294772781889620606179267611627097410650567187386105690089424915104006144',
      ),
    );
    expect(enc('n')).toBe('raw');
    expect(await r.cmd('STRLEN', 'n')).toBe(int(301));
  });

  it('errors', async () => {
    expect(await r.cmd('SET', 'k', '5')).toBe(OK);
    expect(await r.cmd('INCRBYFLOAT', 'k', 'inf')).toBe(err('ERR increment would produce NaN or Infinity'));
    expect(await r.cmd('INCRBYFLOAT', 'k', 'nan')).toBe(NOTFLOAT);
    expect(await r.cmd('INCRBYFLOAT', 'k', '1\0zz')).toBe(NOTFLOAT);
    expect(await r.cmd('INCRBYFLOAT', 'k', ' 1')).toBe(NOTFLOAT);
    expect(await r.cmd('INCRBYFLOAT', 'k', '1 ')).toBe(NOTFLOAT);
    expect(await r.cmd('INCRBYFLOAT', 'k', '')).toBe(NOTFLOAT);
    expect(await r.cmd('SET', 'k', '1\0z')).toBe(OK);
    expect(await r.cmd('INCRBYFLOAT', 'k', '1')).toBe(NOTFLOAT);
    expect(await r.cmd('SET', 'k', '')).toBe(OK);
    expect(await r.cmd('INCRBYFLOAT', 'k', '3')).toBe(NOTFLOAT);
    makeList('lst');
    expect(await r.cmd('INCRBYFLOAT', 'lst', 'x')).toBe(WRONGTYPE);
  });

  it('keeps the TTL', async () => {
    expect(await r.cmd('SET', 'a', '1', 'EX', '100')).toBe(OK);
    expect(await r.cmd('INCRBYFLOAT', 'a', '0.25')).toBe(bulk('1.25'));
    expect(Math.round(pttl('a') / 1000)).toBe(100);
  });
});

describe('LCS', () => {
  const MATCHES = '$7\r\nmatches\r\n';
  const LEN = '$3\r\nlen\r\n';
  const pair = (a: number, b: number) => arr(int(a), int(b));

  beforeEach(async () => {
    expect(await r.cmd('MSET', 'key1', 'ohmytext', 'key2', 'mynewtext')).toBe(OK);
  });

  it('string, LEN, IDX', async () => {
    expect(await r.cmd('LCS', 'key1', 'key2')).toBe(bulk('mytext'));
    expect(await r.cmd('LCS', 'key1', 'key2', 'LEN')).toBe(int(6));
    const idx = `*4\r\n${MATCHES}${arr(arr(pair(4, 7), pair(5, 8)), arr(pair(2, 3), pair(0, 1)))}${LEN}${int(6)}`;
    expect(await r.cmd('LCS', 'key1', 'key2', 'IDX')).toBe(idx);
    expect(await r.cmd('LCS', 'key1', 'key2', 'idx', 'minmatchlen', '0')).toBe(idx);
    expect(await r.cmd('LCS', 'key1', 'key2', 'MINMATCHLEN', '-5', 'IDX')).toBe(idx);
    expect(await r.cmd('LCS', 'key1', 'key2', 'IDX', 'MINMATCHLEN', '4')).toBe(
      `*4\r\n${MATCHES}${arr(arr(pair(4, 7), pair(5, 8)))}${LEN}${int(6)}`,
    );
    expect(await r.cmd('LCS', 'key1', 'key2', 'IDX', 'MINMATCHLEN', '4', 'WITHMATCHLEN')).toBe(
      `*4\r\n${MATCHES}${arr(arr(pair(4, 7), pair(5, 8), int(4)))}${LEN}${int(6)}`,
    );
    expect(await r.cmd('LCS', 'key1', 'key2', 'IDX', 'WITHMATCHLEN')).toBe(
      `*4\r\n${MATCHES}${arr(arr(pair(4, 7), pair(5, 8), int(4)), arr(pair(2, 3), pair(0, 1), int(2)))}${LEN}${int(6)}`,
    );
    expect(await r.cmd('LCS', 'key1', 'key2', 'LEN', 'WITHMATCHLEN')).toBe(int(6));
    expect(await r.cmd('LCS', 'key1', 'key2', 'LEN', 'MINMATCHLEN', '3')).toBe(int(6));
    expect(await r.cmd('LCS', 'key1', 'key1', 'IDX')).toBe(`*4\r\n${MATCHES}${arr(arr(pair(0, 7), pair(0, 7)))}${LEN}${int(8)}`);
  });

  it('missing keys are empty strings', async () => {
    expect(await r.cmd('LCS', 'key1', 'nope')).toBe(EMPTY);
    expect(await r.cmd('LCS', 'nope', 'nope2')).toBe(EMPTY);
    expect(await r.cmd('LCS', 'nope', 'nope2', 'IDX')).toBe(`*4\r\n${MATCHES}*0\r\n${LEN}${int(0)}`);
    expect(await r.cmd('LCS', 'nope', 'nope2', 'LEN')).toBe(int(0));
  });

  it('match order and tie-breaking', async () => {
    expect(await r.cmd('MSET', 'a', 'ABCBDAB', 'b', 'BDCABA')).toBe(OK);
    expect(await r.cmd('LCS', 'a', 'b')).toBe(bulk('BDAB'));
    expect(await r.cmd('LCS', 'a', 'b', 'IDX', 'WITHMATCHLEN')).toBe(
      `*4\r\n${MATCHES}${arr(arr(pair(5, 6), pair(3, 4), int(2)), arr(pair(3, 4), pair(0, 1), int(2)))}${LEN}${int(4)}`,
    );
    expect(await r.cmd('MSET', 'a', 'aaaa', 'b', 'aa')).toBe(OK);
    expect(await r.cmd('LCS', 'a', 'b', 'IDX')).toBe(`*4\r\n${MATCHES}${arr(arr(pair(2, 3), pair(0, 1)))}${LEN}${int(2)}`);
    expect(await r.cmd('MSET', 'a', 'abcXdefYghi', 'b', 'abcdefghi')).toBe(OK);
    expect(await r.cmd('LCS', 'a', 'b', 'IDX')).toBe(
      `*4\r\n${MATCHES}${arr(arr(pair(8, 10), pair(6, 8)), arr(pair(4, 6), pair(3, 5)), arr(pair(0, 2), pair(0, 2)))}${LEN}${int(9)}`,
    );
    expect(await r.cmd('LCS', 'a', 'b', 'IDX', 'WITHMATCHLEN', 'MINMATCHLEN', '3')).toBe(
      `*4\r\n${MATCHES}${arr(
        arr(pair(8, 10), pair(6, 8), int(3)),
        arr(pair(4, 6), pair(3, 5), int(3)),
        arr(pair(0, 2), pair(0, 2), int(3)),
      )}${LEN}${int(9)}`,
    );
  });

  it('longer pseudo-random strings (replies hashed from Redis)', async () => {
    const gen = (seed: number, n: number, alpha: string) => {
      let x = seed >>> 0;
      let s = '';
      for (let i = 0; i < n; i++) {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        s += alpha[(x >>> 16) % alpha.length];
      }
      return s;
    };
    const sha1 = (s: string) => createHash('sha1').update(s, 'latin1').digest('hex');
    expect(await r.cmd('MSET', 'ra', gen(1, 300, 'ACGT'), 'rb', gen(2, 280, 'ACGT'), 'rc', gen(3, 2000, 'ab'), 'rd', gen(4, 1500, 'abc'))).toBe(OK);
    expect(sha1(await r.cmd('LCS', 'ra', 'rb', 'IDX', 'WITHMATCHLEN'))).toBe('2eed6b7358fd2491074343b7549417c7c7fa9649');
    expect(sha1(await r.cmd('LCS', 'ra', 'rb'))).toBe('218fa10c8e9ba8b50ba0adf1f6b55b0353746f96');
    expect(sha1(await r.cmd('LCS', 'rc', 'rd', 'IDX', 'MINMATCHLEN', '3'))).toBe('009eba30d1abfde2feb8f2d1afe254dee77cc4ef');
    expect(await r.cmd('LCS', 'rc', 'rd', 'LEN')).toBe(int(1002));
    expect(sha1(await r.cmd('LCS', 'rd', 'rc'))).toBe('7b308bb2df8fe03b354e817650fdd269c623a082');
  });

  it('errors', async () => {
    expect(await r.cmd('LCS', 'key1', 'key2', 'LEN', 'IDX')).toBe(err('ERR If you want both the length and indexes, please just use IDX.'));
    expect(await r.cmd('LCS', 'key1', 'key2', 'IDX', 'LEN')).toBe(err('ERR If you want both the length and indexes, please just use IDX.'));
    expect(await r.cmd('LCS', 'key1', 'key2', 'MINMATCHLEN')).toBe(SYNTAX);
    expect(await r.cmd('LCS', 'key1', 'key2', 'MINMATCHLEN', 'abc')).toBe(NOTINT);
    expect(await r.cmd('LCS', 'key1', 'key2', 'MINMATCHLEN', '9223372036854775808')).toBe(NOTINT);
    expect(await r.cmd('LCS', 'key1', 'key2', 'bogus')).toBe(SYNTAX);
    makeList('lst');
    const wt = err('ERR The specified keys must contain string values');
    expect(await r.cmd('LCS', 'key1', 'lst')).toBe(wt);
    expect(await r.cmd('LCS', 'lst', 'key1', 'bogus')).toBe(wt);
    expect(await r.cmd('LCS', 'key1', 'lst', 'LEN')).toBe(wt);
  });

  it('refuses tables larger than proto-max-bulk-len', async () => {
    expect(await r.cmd('MSET', 'big1', 'a'.repeat(12000), 'big2', 'b'.repeat(12000))).toBe(OK);
    expect(await r.cmd('LCS', 'big1', 'big2', 'LEN')).toBe(
      err('ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len'),
    );
    expect(await r.cmd('SET', 'big2', 'b'.repeat(11000))).toBe(OK);
    expect(await r.cmd('LCS', 'big1', 'big2', 'LEN')).toBe(int(0));
    expect(await r.cmd('LCS', 'big1', 'nope', 'LEN')).toBe(int(0));
    srv.server.settings.protoMaxBulkLen = 1024 * 1024;
    expect(await r.cmd('MSET', 'm1', 'x'.repeat(600), 'm2', 'x'.repeat(600))).toBe(OK);
    expect(await r.cmd('LCS', 'm1', 'm2')).toBe(err('ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len'));
    expect(await r.cmd('SET', 'm2', 'x'.repeat(400))).toBe(OK);
    expect(await r.cmd('LCS', 'm1', 'm2', 'LEN')).toBe(int(400));
  });
});

describe('RESP3', () => {
  it('nulls and the LCS map', async () => {
    const r3 = await RawClient.connect(srv.port);
    try {
      expect(await r3.cmd('PING')).toBe('+PONG\r\n');
      const cl = [...srv.server.clients.values()].at(-1)!;
      cl.reply.proto = 3;
      expect(await r3.cmd('MSET', 'key1', 'ohmytext', 'key2', 'mynewtext')).toBe(OK);
      expect(await r3.cmd('LCS', 'key1', 'key2', 'IDX', 'WITHMATCHLEN')).toBe(
        '%2\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:6\r\n',
      );
      expect(await r3.cmd('GET', 'nope')).toBe('_\r\n');
      expect(await r3.cmd('MGET', 'key1', 'nope')).toBe('*2\r\n$8\r\nohmytext\r\n_\r\n');
      expect(await r3.cmd('SET', 'key1', 'x', 'NX')).toBe('_\r\n');
      expect(await r3.cmd('SET', 'nope', 'x', 'XX', 'GET')).toBe('_\r\n');
      expect(await r3.cmd('GETEX', 'nope')).toBe('_\r\n');
      expect(await r3.cmd('GETDEL', 'nope')).toBe('_\r\n');
      expect(await r3.cmd('INCRBYFLOAT', 'f', '1.5')).toBe(bulk('1.5'));
    } finally {
      r3.close();
    }
  });
});

describe('propagation', () => {
  const near = (argv: string[], at: number) => {
    expect(Math.abs(Number(argv[argv.length - 1]) - at)).toBeLessThan(2000);
  };

  it('SET family', async () => {
    const now = Date.now();
    await run(
      ['SET', 'k0', 'v'],
      ['SET', 'k1', 'v', 'EX', '100'],
      ['SET', 'k2', 'v', 'PX', '100000'],
      ['SET', 'k3', 'v', 'EXAT', '99999999999'],
      ['SET', 'k4', 'v', 'PXAT', '99999999999999'],
      ['SET', 'k5', 'v', 'PXAT', '99999999999999', 'GET'],
      ['set', 'k6', 'v', 'KEEPTTL'],
      ['SETEX', 'k7', '100', 'v'],
      ['PSETEX', 'k8', '100000', 'v'],
      ['SET', 'k9', 'v', 'EXAT', '1'],
      ['SET', 'k10', 'v', 'PXAT', '9223372036854775807'],
      ['SET', 'k11', 'v', 'PX', '9000000000000000000'],
    );
    const p = propagated;
    expect(p[0]).toEqual(['SET', 'k0', 'v']);
    expect(p[1].slice(0, 4)).toEqual(['SET', 'k1', 'v', 'PXAT']);
    near(p[1], now + 100000);
    expect(p[2].slice(0, 4)).toEqual(['SET', 'k2', 'v', 'PXAT']);
    near(p[2], now + 100000);
    expect(p[3]).toEqual(['SET', 'k3', 'v', 'PXAT', '99999999999000']);
    expect(p[4]).toEqual(['SET', 'k4', 'v', 'PXAT', '99999999999999']);
    expect(p[5]).toEqual(['SET', 'k5', 'v', 'PXAT', '99999999999999']);
    expect(p[6]).toEqual(['set', 'k6', 'v', 'KEEPTTL']);
    expect(p[7].slice(0, 4)).toEqual(['SET', 'k7', 'v', 'PXAT']);
    near(p[7], now + 100000);
    expect(p[8].slice(0, 4)).toEqual(['SET', 'k8', 'v', 'PXAT']);
    expect(p[9]).toEqual(['SET', 'k9', 'v', 'PXAT', '1000']);
    expect(p[10]).toEqual(['SET', 'k10', 'v', 'PXAT', '9223372036854775807']);
    // Exact int64 sum, beyond double precision.
    expect(BigInt(p[11][4]) - 9000000000000000000n).toBeGreaterThanOrEqual(BigInt(now));
    expect(BigInt(p[11][4]) - 9000000000000000000n).toBeLessThan(BigInt(now + 2000));
    expect(p).toHaveLength(12);
  });

  it('GET is stripped, aborted sets are not propagated', async () => {
    await run(
      ['SET', 'k21', 'v', 'NX', 'GET'],
      ['SET', 'k21', 'v', 'NX', 'EX', '10'],
      ['SET', 'k21', 'w', 'get', 'XX', 'GET\0x'],
      ['SET', 'nope', 'v', 'XX'],
      ['SET', 'k21', 'GET', 'GET'],
      ['SETNX', 'k21', 'x'],
      ['SETNX', 'k20', 'x'],
      ['MSETNX', 'a', '1', 'b', '2'],
      ['MSETNX', 'a', '1', 'c', '2'],
      ['MSET', 'a', '1', 'b', '2'],
    );
    expect(propagated).toEqual([
      ['SET', 'k21', 'v', 'NX'],
      ['SET', 'k21', 'w', 'XX'],
      ['SET', 'k21', 'GET'],
      ['SETNX', 'k20', 'x'],
      ['MSETNX', 'a', '1', 'b', '2'],
      ['MSET', 'a', '1', 'b', '2'],
    ]);
  });

  it('GETEX, GETDEL, GETSET, INCRBYFLOAT', async () => {
    const now = Date.now();
    await run(
      ['MSET', 'k1', 'v', 'k2', 'v', 'k3', 'v', 'k5', 'v', 'k6', 'v', 'k7', 'v', 'k8', 'v'],
      ['SET', 'k4', 'v', 'EX', '100'],
    );
    propagated.length = 0;
    await run(
      ['GETEX', 'k1', 'EX', '100'],
      ['GETEX', 'k2', 'PXAT', '99999999999999'],
      ['GETEX', 'k3', 'EXAT', '99999999999'],
      ['GETEX', 'k4', 'PERSIST'],
      ['GETEX', 'k4', 'PERSIST'],
      ['GETEX', 'k5', 'PXAT', '1'],
      ['GETEX', 'k6', 'EXAT', '1'],
      ['GETEX', 'k1'],
      ['GETEX', 'nope', 'EX', '10'],
      ['INCRBYFLOAT', 'f', '1.5'],
      ['INCRBYFLOAT', 'f', '1'],
      ['GETSET', 'k7', 'z'],
      ['GETDEL', 'k8'],
      ['GETDEL', 'k8'],
    );
    const p = propagated;
    expect(p[0].slice(0, 2)).toEqual(['PEXPIREAT', 'k1']);
    near(p[0], now + 100000);
    expect(p.slice(1)).toEqual([
      ['PEXPIREAT', 'k2', '99999999999999'],
      ['PEXPIREAT', 'k3', '99999999999000'],
      ['PERSIST', 'k4'],
      ['DEL', 'k5'],
      ['DEL', 'k6'],
      ['SET', 'f', '1.5', 'KEEPTTL'],
      ['SET', 'f', '2.5', 'KEEPTTL'],
      ['SET', 'k7', 'z'],
      ['DEL', 'k8'],
    ]);
  });

  it('lazyfree settings pick UNLINK', async () => {
    await run(['MSET', 'a', '1', 'b', '2']);
    srv.server.settings.lazyfreeLazyUserDel = true;
    srv.server.settings.lazyfreeLazyExpire = true;
    propagated.length = 0;
    await run(['GETDEL', 'a'], ['GETEX', 'b', 'PXAT', '1']);
    expect(propagated).toEqual([
      ['UNLINK', 'a'],
      ['UNLINK', 'b'],
    ]);
  });

  it('other writes propagate as sent; failed ones not at all', async () => {
    await run(
      ['APPEND', 'a', 'x'],
      ['SETRANGE', 'a', '3', 'y'],
      ['SETRANGE', 'a', '3', ''],
      ['INCR', 'n'],
      ['DECRBY', 'n', '5'],
      ['INCR', 'a'],
      ['SET', 'a', 'v', 'EX', '0'],
      ['GETEX', 'a', 'PERSIST'],
      ['LCS', 'a', 'n'],
    );
    expect(propagated).toEqual([
      ['APPEND', 'a', 'x'],
      ['SETRANGE', 'a', '3', 'y'],
      ['INCR', 'n'],
      ['DECRBY', 'n', '5'],
    ]);
  });
});

describe('keyspace events', () => {
  it('names and order match Redis', async () => {
    captureEvents();
    await run(
      ['SET', 'a', '1'],
      ['SET', 'a', '1', 'EX', '100'],
      ['SET', 'a', '1', 'KEEPTTL'],
      ['SET', 'a', '1', 'NX'],
      ['SETEX', 'b', '10', 'x'],
      ['INCR', 'a'],
      ['INCRBYFLOAT', 'a', '1.5'],
      ['APPEND', 'a', 'x'],
      ['SETRANGE', 'a', '0', 'y'],
      ['GETDEL', 'a'],
      ['GETDEL', 'a'],
      ['SET', 'c', 'v'],
      ['GETEX', 'c', 'EX', '100'],
      ['GETEX', 'c', 'PERSIST'],
      ['GETEX', 'c', 'PERSIST'],
      ['GETEX', 'c', 'PXAT', '1'],
      ['GETSET', 'd', '1'],
      ['MSET', 'e', '1', 'f', '2'],
      ['MSETNX', 'g', '1', 'h', '2'],
      ['SETNX', 'i', '1'],
      ['SET', 'j', '1', 'GET'],
    );
    // "new" comes first for each key a command creates (Redis's dbAdd)
    expect(events.filter((e) => !e.startsWith('keymiss'))).toEqual([
      'new a',
      'set a',
      'set a',
      'expire a',
      'set a',
      'new b',
      'set b',
      'expire b',
      'incrby a',
      'incrbyfloat a',
      'append a',
      'setrange a',
      'del a',
      'new c',
      'set c',
      'expire c',
      'persist c',
      'del c',
      'new d',
      'set d',
      'new e',
      'set e',
      'new f',
      'set f',
      'new g',
      'set g',
      'new h',
      'set h',
      'new i',
      'set i',
      'new j',
      'set j',
    ]);
  });

  it('reads count hits and misses', async () => {
    await run(['SET', 'a', '1']);
    const s = stats();
    const h0 = s.hits;
    const m0 = s.misses;
    await run(['GET', 'a'], ['GET', 'x'], ['MGET', 'a', 'x', 'y'], ['STRLEN', 'a'], ['GETRANGE', 'x', '0', '1'], ['LCS', 'a', 'x']);
    await run(['SET', 'a', '2', 'GET'], ['SET', 'z', '2', 'GET'], ['INCR', 'a'], ['APPEND', 'q', 'x'], ['SETRANGE', 'a', '0', '1']);
    expect(s.hits - h0).toBe(5);
    expect(s.misses - m0).toBe(6);
  });
});
