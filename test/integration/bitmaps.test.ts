/**
 * Bitmap commands: SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO.
 * Expected replies, events and propagation were taken from a real
 * redis-server 7.0.15 (psubscribe to __keyevent@0__:*, INFO persistence's
 * rdb_changes_since_last_save, MONITOR); test/compat/bitmaps.test.ts compares
 * the same commands with Redis directly.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RawClient, Running, useServerFixture } from '../helpers';
import { NIL, NOTINT, OK, SYNTAX, WRONGTYPE, arr, bulk, err, int } from '../resp';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { ByteString, encodingOf } = require('../../dist/store/value.js') as typeof import('../../src/store/value');
type ByteString = InstanceType<typeof ByteString>;

const OFFSET = err('ERR bit offset is not an integer or out of range');
const BITVAL = err('ERR bit is not an integer or out of range');
const TYPE = err('ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.');

const fx = useServerFixture();
const { propagated, events, run, captureEvents } = fx;
let srv: Running;
let r: RawClient;
beforeAll(() => ({ srv, r } = fx));
beforeEach(() => {
  srv.server.settings.protoMaxBulkLen = 512 * 1024 * 1024;
});

const db = () => srv.server.keyspace.dbs[0];
const dirty = () => srv.server.keyspace.dirty;

describe('SETBIT / GETBIT', () => {
  it('sets bits MSB first, grows with zeros, replies the old bit', async () => {
    expect(await run(['SETBIT', 'b', '0', '1'], ['SETBIT', 'b', '7', '1'], ['SETBIT', 'b', '8', '1'], ['SETBIT', 'b', '8', '1'], ['SETBIT', 'b', '31', '1'])).toEqual([
      int(0),
      int(0),
      int(0),
      int(1),
      int(0),
    ]);
    expect(await r.cmd('GET', 'b')).toBe(bulk('\x81\x80\x00\x01'));
    expect(await r.cmd('SETBIT', 'b', '32', '0')).toBe(int(0));
    expect(await r.cmd('STRLEN', 'b')).toBe(int(5));
    expect(await run(['GETBIT', 'b', '0'], ['GETBIT', 'b', '1'], ['GETBIT', 'b', '31'], ['GETBIT', 'b', '32'], ['GETBIT', 'b', '1000'], ['GETBIT', 'nokey', '5'])).toEqual([
      int(1),
      int(0),
      int(1),
      int(0),
      int(0),
      int(0),
    ]);
    // The value is a byte buffer edited in place, reported raw.
    expect(db().lookup('b')).toBeInstanceOf(ByteString);
    expect(await r.cmd('OBJECT', 'ENCODING', 'b')).toBe(bulk('raw'));
  });

  it('reads an int-encoded value through its decimal text', async () => {
    await r.cmd('SET', 'i', '7');
    expect(await run(['GETBIT', 'i', '2'], ['GETBIT', 'i', '3'], ['GETBIT', 'i', '5'])).toEqual([int(1), int(1), int(1)]);
    expect(await r.cmd('OBJECT', 'ENCODING', 'i')).toBe(bulk('int'));
    // A SETBIT that changes nothing still unshares the value (raw), as Redis does.
    expect(await r.cmd('SETBIT', 'i', '0', '0')).toBe(int(0));
    expect(await r.cmd('OBJECT', 'ENCODING', 'i')).toBe(bulk('raw'));
    expect(await r.cmd('GET', 'i')).toBe(bulk('7'));
  });

  it('errors', async () => {
    expect(
      await run(
        ['SETBIT', 'b', '-1', '1'],
        ['SETBIT', 'b', 'x', '1'],
        ['SETBIT', 'b', '4294967296', '1'],
        ['SETBIT', 'b', '0', '2'],
        ['SETBIT', 'b', '0', '-1'],
        ['SETBIT', 'b', '0', 'x'],
        ['SETBIT', 'b', '-1', 'x'],
        ['GETBIT', 'b', '-1'],
        ['GETBIT', 'b', '4294967296'],
        ['GETBIT', 'b', '#1'],
      ),
    ).toEqual([OFFSET, OFFSET, OFFSET, BITVAL, BITVAL, BITVAL, OFFSET, OFFSET, OFFSET, OFFSET]);
    expect(db().lookup('b')).toBeUndefined();
    await r.cmd('LPUSH', 'l', 'a');
    // Arguments are checked before the type.
    expect(await run(['SETBIT', 'l', '0', '1'], ['SETBIT', 'l', '0', '5'], ['GETBIT', 'l', '0'], ['GETBIT', 'l', 'x'])).toEqual([WRONGTYPE, BITVAL, WRONGTYPE, OFFSET]);
  });

  it('limits offsets by proto-max-bulk-len', async () => {
    srv.server.settings.protoMaxBulkLen = 100;
    expect(await run(['SETBIT', 'b', '799', '1'], ['SETBIT', 'b', '800', '1'], ['GETBIT', 'b', '800'])).toEqual([int(0), OFFSET, OFFSET]);
    expect(await r.cmd('STRLEN', 'b')).toBe(int(100));
  });

  it('refuses a length no JS string can hold (tredis limit, below 512MB)', async () => {
    expect(await r.cmd('SETBIT', 'b', String(4294967295), '1')).toBe(err('ERR string exceeds maximum allowed size (proto-max-bulk-len)'));
    expect(db().lookup('b')).toBeUndefined();
  });
});

describe('BITCOUNT', () => {
  it('byte and bit ranges, negative indexes', async () => {
    await r.cmd('SET', 'k', 'foobar');
    expect(
      await run(
        ['BITCOUNT', 'k'],
        ['BITCOUNT', 'k', '0', '0'],
        ['BITCOUNT', 'k', '1', '1'],
        ['BITCOUNT', 'k', '1', '1', 'BYTE'],
        ['BITCOUNT', 'k', '5', '30', 'BIT'],
        ['BITCOUNT', 'k', '-2', '-1'],
        ['BITCOUNT', 'k', '-3', '-1', 'bit'],
        ['BITCOUNT', 'k', '3', '1'],
        ['BITCOUNT', 'k', '-100', '100'],
      ),
    ).toEqual([int(26), int(4), int(6), int(6), int(17), int(7), int(1), int(0), int(26)]);
  });

  it('Redis 7.0 order: the key is looked up before the range is parsed', async () => {
    expect(await run(['BITCOUNT', 'nokey', 'a', 'b'], ['BITCOUNT', 'nokey', '0'], ['BITCOUNT', 'nokey', '0', '1', 'FOO'])).toEqual([int(0), int(0), int(0)]);
    await r.cmd('SET', 'k', 'x');
    expect(
      await run(
        ['BITCOUNT', 'k', 'a', '1'],
        ['BITCOUNT', 'k', '1', 'a'],
        ['BITCOUNT', 'k', '0'],
        ['BITCOUNT', 'k', '0', '1', 'FOO'],
        ['BITCOUNT', 'k', '-1', '-2', 'FOO'],
        ['BITCOUNT', 'k', '0', '1', 'BIT', 'x'],
      ),
    ).toEqual([NOTINT, NOTINT, SYNTAX, SYNTAX, int(0), SYNTAX]);
    await r.cmd('LPUSH', 'l', 'a');
    expect(await r.cmd('BITCOUNT', 'l', 'a', 'b')).toBe(WRONGTYPE);
  });

  it('counts and searches a 64 MB bitmap (speed: bench/families.mjs)', async () => {
    const bits = 64 * 1024 * 1024 * 8;
    expect(await r.cmd('SETBIT', 'big', String(bits - 1), '1')).toBe(int(0));
    await run(['SETRANGE', 'big', '1000', 'abcdefgh'], ['SETBIT', 'big', '3', '1']);
    // 'abcdefgh' has 29 bits set
    expect(await r.cmd('BITCOUNT', 'big')).toBe(int(31));
    expect(await r.cmd('BITCOUNT', 'big', '0', '-1', 'BIT')).toBe(int(31));
    expect(await r.cmd('BITPOS', 'big', '1', '2')).toBe(int(8000 + 1));
    expect(await r.cmd('BITPOS', 'big', '1', '1001')).toBe(int(8008 + 1));
    expect(await r.cmd('BITPOS', 'big', '1', '1008')).toBe(int(bits - 1));
    await r.cmd('DEL', 'big');
  }, 60000);
});

describe('in-place edits of a large bitmap', () => {
  it('SETBIT, BITFIELD, SETRANGE and APPEND do not copy a 32 MB value per command', async () => {
    await r.cmd('SETBIT', 'big', String(32 * 1024 * 1024 * 8 - 1), '1');
    // the same value object and byte buffer all along: edited, never rebuilt
    const value = db().lookup('big') as ByteString;
    expect(value).toBeInstanceOf(ByteString);
    const buf = value.buf;
    for (let i = 0; i < 100; i++) {
      await r.cmd('SETBIT', 'big', String(i * 9973), '1');
      await r.cmd('BITFIELD', 'big', 'INCRBY', 'u8', `#${i}`, '1');
      await r.cmd('SETRANGE', 'big', String(i * 7), 'x');
      expect(db().lookup('big')).toBe(value);
      expect(value.buf).toBe(buf);
    }
    await r.cmd('APPEND', 'big', 'tail');
    expect(db().lookup('big')).toBe(value);
    // and no command built the 32 MB JS string (a write path that reads the
    // value as a string would, costing a full copy per command)
    expect(value.holdsString).toBe(false);
    expect(await r.cmd('STRLEN', 'big')).toBe(int(32 * 1024 * 1024 + 4));
    expect(await r.cmd('GETRANGE', 'big', '-5', '-1')).toBe(bulk('\x01tail'));
    await r.cmd('DEL', 'big');
  }, 60000);

  it('GET and MGET reply a byte string\'s bytes without keeping a JS copy of them', async () => {
    await r.cmd('SETBIT', 'b', String(100_000 * 8 - 1), '1');
    await r.cmd('SETRANGE', 'b', '0', 'head');
    const value = db().lookup('b') as ByteString;
    expect(value).toBeInstanceOf(ByteString);
    const want = 'head' + '\0'.repeat(100_000 - 5) + '\x01';
    expect(await r.cmd('GET', 'b')).toBe(bulk(want));
    expect(await r.cmd('MGET', 'nokey', 'b')).toBe(`*2\r\n$-1\r\n${bulk(want)}`);
    expect(value.holdsString).toBe(false);
  });
});

describe('BITPOS', () => {
  it('finds bits, with Redis rules for not found', async () => {
    await r.cmd('SET', 'k', '\xff\xf0\x00');
    await r.cmd('SET', 'ones', '\xff\xff\xff');
    expect(
      await run(
        ['BITPOS', 'k', '0'],
        ['BITPOS', 'k', '1', '2'],
        ['BITPOS', 'k', '0', '1', '1'],
        ['BITPOS', 'k', '1', '7', '15', 'BIT'],
        ['BITPOS', 'k', '0', '3', '11', 'BIT'],
        // no 0 bit: past the end when no end is given, -1 with an explicit end
        ['BITPOS', 'ones', '0'],
        ['BITPOS', 'ones', '0', '1'],
        ['BITPOS', 'ones', '0', '1', '-1'],
        ['BITPOS', 'ones', '0', '0', '-1', 'BIT'],
        ['BITPOS', 'ones', '1', '5', '5', 'BIT'],
        ['BITPOS', 'k', '1', '-1', '-2'],
        ['BITPOS', 'nokey', '0', '5'],
        ['BITPOS', 'nokey', '1'],
      ),
    ).toEqual([int(12), int(-1), int(12), int(7), int(-1), int(24), int(24), int(-1), int(-1), int(5), int(-1), int(0), int(-1)]);
  });

  it('errors: the bit is checked first, then the key, then the range', async () => {
    expect(await run(['BITPOS', 'nokey', '2'], ['BITPOS', 'nokey', 'x'], ['BITPOS', 'nokey', '1', 'x', 'y', 'z'])).toEqual([
      err('ERR The bit argument must be 1 or 0.'),
      NOTINT,
      int(-1),
    ]);
    await r.cmd('SET', 'k', 'x');
    expect(await run(['BITPOS', 'k', '1', 'x'], ['BITPOS', 'k', '1', '0', 'x', 'FOO'], ['BITPOS', 'k', '1', '0', '1', 'FOO'], ['BITPOS', 'k', '1', '0', '1', 'BIT', 'x'])).toEqual([
      NOTINT,
      SYNTAX,
      SYNTAX,
      SYNTAX,
    ]);
    await r.cmd('LPUSH', 'l', 'a');
    expect(await r.cmd('BITPOS', 'l', '1')).toBe(WRONGTYPE);
  });
});

describe('BITOP', () => {
  it('AND/OR/XOR/NOT with zero-padded sources, result as long as the longest', async () => {
    await run(['SET', 'a', '\x0f\xf0\xaa'], ['SET', 'b', '\xff\x00']);
    expect(await r.cmd('BITOP', 'AND', 'd', 'a', 'b')).toBe(int(3));
    expect(await r.cmd('GET', 'd')).toBe(bulk('\x0f\x00\x00'));
    expect(await r.cmd('BITOP', 'or', 'd', 'a', 'b', 'nokey')).toBe(int(3));
    expect(await r.cmd('GET', 'd')).toBe(bulk('\xff\xf0\xaa'));
    expect(await r.cmd('BITOP', 'XOR', 'd', 'a', 'b')).toBe(int(3));
    expect(await r.cmd('GET', 'd')).toBe(bulk('\xf0\xf0\xaa'));
    expect(await r.cmd('BITOP', 'NOT', 'd', 'b')).toBe(int(2));
    expect(await r.cmd('GET', 'd')).toBe(bulk('\x00\xff'));
    expect(await r.cmd('BITOP', 'AND', 'd', 'a', 'nokey')).toBe(int(3));
    expect(await r.cmd('GET', 'd')).toBe(bulk('\x00\x00\x00'));
    expect(await r.cmd('OBJECT', 'ENCODING', 'd')).toBe(bulk('raw'));
  });

  it('an empty result deletes the destination; the destination loses its TTL', async () => {
    await run(['SET', 'd', 'x'], ['SET', 'empty', ''], ['SET', 'a', 'abc']);
    expect(await r.cmd('BITOP', 'OR', 'd', 'nokey', 'empty')).toBe(int(0));
    expect(db().lookup('d')).toBeUndefined();
    await run(['SET', 't', 'v', 'EX', '100']);
    expect(await r.cmd('BITOP', 'NOT', 't', 'a')).toBe(int(3));
    expect(db().getExpire('t')).toBe(-1);
    // Any type is replaced.
    await r.cmd('LPUSH', 'l', 'x');
    expect(await r.cmd('BITOP', 'OR', 'l', 'a')).toBe(int(3));
    expect(await r.cmd('TYPE', 'l')).toBe('+string\r\n');
  });

  it('errors', async () => {
    await run(['SET', 'a', 'x'], ['LPUSH', 'l', 'x']);
    expect(
      await run(
        ['BITOP', 'FOO', 'd', 'a'],
        ['BITOP', 'NOT', 'd', 'a', 'a'],
        ['BITOP', 'OR', 'd', 'a', 'l'],
        ['BITOP', 'NOT', 'd', 'l'],
        ['BITOP', 'and\0x', 'd', 'a'],
      ),
    ).toEqual([SYNTAX, err('ERR BITOP NOT must be called with a single source key.'), WRONGTYPE, WRONGTYPE, int(1)]);
  });

  it('combines 10 MB strings (speed: bench/families.mjs)', async () => {
    const n = 10 * 1024 * 1024;
    await run(['SETBIT', 'x', String(n * 8 - 1), '1'], ['SETBIT', 'y', String(n * 8 - 2), '1'], ['SETRANGE', 'y', '5', '\xff\xff']);
    expect(await run(['BITOP', 'OR', 'o', 'x', 'y'], ['BITOP', 'AND', 'a', 'x', 'y'], ['BITOP', 'XOR', 'e', 'x', 'y', 'x'], ['BITOP', 'NOT', 'n', 'x'])).toEqual([
      int(n),
      int(n),
      int(n),
      int(n),
    ]);
    expect(await run(['BITCOUNT', 'o'], ['BITCOUNT', 'a'], ['BITCOUNT', 'e'], ['BITCOUNT', 'n'])).toEqual([int(18), int(0), int(17), int(n * 8 - 1)]);
  }, 60000);
});

describe('BITFIELD', () => {
  it('GET/SET/INCRBY with OVERFLOW applying to the following operations', async () => {
    expect(
      await r.cmd('BITFIELD', 'k', 'SET', 'i8', '0', '100', 'INCRBY', 'i8', '0', '100', 'OVERFLOW', 'SAT', 'INCRBY', 'i8', '0', '100', 'OVERFLOW', 'FAIL', 'INCRBY', 'i8', '0', '1', 'GET', 'u8', '0'),
    ).toBe(arr(int(0), int(-56), int(44), int(45), int(45)));
    expect(await r.cmd('BITFIELD', 'k', 'OVERFLOW', 'FAIL', 'INCRBY', 'i8', '0', '100', 'GET', 'i8', '0')).toBe(arr(NIL, int(45)));
    expect(await r.cmd('BITFIELD', 'k', 'SET', 'u4', '#1', '15', 'GET', 'u16', '0', 'INCRBY', 'u2', '#5', '-1')).toBe(arr(int(13), int(12032), int(3)));
    expect(await r.cmd('BITFIELD', 'k', 'SET', 'i64', '16', '-9223372036854775808', 'INCRBY', 'i64', '16', '-1')).toBe(arr(int(0), int('9223372036854775807')));
    expect(await r.cmd('BITFIELD', 'k')).toBe('*0\r\n');
    expect(await r.cmd('BITFIELD_RO', 'k', 'GET', 'u8', '0', 'get', 'i4', '#2')).toBe(arr(int(47), int(3)));
  });

  it('errors', async () => {
    await r.cmd('SET', 'k', 'x');
    expect(
      await run(
        ['BITFIELD', 'k', 'GET', 'u64', '0'],
        ['BITFIELD', 'k', 'GET', 'I8', '0'],
        ['BITFIELD', 'k', 'GET', 'i65', '0'],
        ['BITFIELD', 'k', 'GET', 'u8', '-1'],
        ['BITFIELD', 'k', 'GET', 'u8', '#x'],
        ['BITFIELD', 'k', 'SET', 'u8', '0', 'x'],
        ['BITFIELD', 'k', 'OVERFLOW', 'X'],
        ['BITFIELD', 'k', 'GET', 'u8'],
        ['BITFIELD', 'k', 'FOO'],
        ['BITFIELD_RO', 'k', 'SET', 'u8', '0', '1'],
        ['BITFIELD_RO', 'k', 'GET', 'u8', '0', 'INCRBY', 'u64', '0', '1'],
      ),
    ).toEqual([TYPE, TYPE, TYPE, OFFSET, OFFSET, NOTINT, err('ERR Invalid OVERFLOW type specified'), SYNTAX, SYNTAX, err('ERR BITFIELD_RO only supports the GET subcommand'), TYPE]);
    expect(await r.cmd('GET', 'k')).toBe(bulk('x'));
    await r.cmd('LPUSH', 'l', 'a');
    expect(await run(['BITFIELD', 'l', 'GET', 'u8', '0'], ['BITFIELD', 'l', 'SET', 'u8', '0', '1'], ['BITFIELD', 'l'], ['BITFIELD_RO', 'l', 'SET', 'u8', '0', '1'])).toEqual([
      WRONGTYPE,
      WRONGTYPE,
      WRONGTYPE,
      err('ERR BITFIELD_RO only supports the GET subcommand'),
    ]);
  });

  it('a failed write still grows the string, without event or propagation (as Redis)', async () => {
    captureEvents();
    const d0 = dirty();
    expect(await r.cmd('BITFIELD', 'n', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', '8', '300')).toBe(arr(NIL));
    expect(await r.cmd('STRLEN', 'n')).toBe(int(2));
    expect(dirty()).toBe(d0);
    expect(events.filter((e) => !e.startsWith('keymiss'))).toEqual(['new n']);
    expect(propagated).toEqual([]);
  });
});

describe('events, dirty and propagation', () => {
  it('SETBIT: an event per change, nothing for an unchanged bit', async () => {
    captureEvents();
    const d0 = dirty();
    await run(['SETBIT', 'b', '3', '1'], ['SETBIT', 'b', '3', '1'], ['SETBIT', 'b', '2', '0'], ['SETBIT', 'b', '20', '0'], ['SETBIT', 'b', '3', '0']);
    expect(events).toEqual(['new b', 'setbit b', 'setbit b', 'setbit b']);
    expect(dirty() - d0).toBe(3);
    expect(propagated).toEqual([
      ['SETBIT', 'b', '3', '1'],
      ['SETBIT', 'b', '20', '0'],
      ['SETBIT', 'b', '3', '0'],
    ]);
  });

  it('BITFIELD: one setbit event per command, dirty counts the changed fields, GET-only is not propagated', async () => {
    await r.cmd('SET', 'k', '\x10');
    propagated.length = 0;
    captureEvents();
    const d0 = dirty();
    await run(
      ['BITFIELD', 'k', 'SET', 'u8', '0', '16'],
      ['BITFIELD', 'k', 'GET', 'u8', '0'],
      ['BITFIELD', 'k', 'SET', 'u8', '0', '1', 'SET', 'u8', '0', '2', 'INCRBY', 'u8', '0', '0'],
      ['BITFIELD', 'k', 'SET', 'u8', '100', '0'],
    );
    expect(events.filter((e) => !e.startsWith('keymiss'))).toEqual(['setbit k', 'setbit k']);
    // two changed fields, then one write that grew the string
    expect(dirty() - d0).toBe(3);
    expect(propagated).toEqual([
      ['BITFIELD', 'k', 'SET', 'u8', '0', '1', 'SET', 'u8', '0', '2', 'INCRBY', 'u8', '0', '0'],
      ['BITFIELD', 'k', 'SET', 'u8', '100', '0'],
    ]);
  });

  it('BITOP: "set" on the destination, "del" for an empty result, nothing when there was nothing to delete', async () => {
    await r.cmd('SET', 'a', 'x');
    propagated.length = 0;
    captureEvents();
    await run(['BITOP', 'AND', 'd', 'a', 'nokey'], ['BITOP', 'AND', 'd', 'nokey', 'nokey2'], ['BITOP', 'OR', 'd', 'nokey']);
    expect(events.filter((e) => !e.startsWith('keymiss'))).toEqual(['new d', 'set d', 'del d']);
    expect(propagated).toEqual([
      ['BITOP', 'AND', 'd', 'a', 'nokey'],
      ['BITOP', 'AND', 'd', 'nokey', 'nokey2'],
    ]);
  });
});

describe('bitmaps are strings', () => {
  it('GET, APPEND, SETRANGE, GETRANGE, STRLEN see the same bytes', async () => {
    await r.cmd('SETBIT', 'k', '7', '1');
    expect(await r.cmd('APPEND', 'k', 'abc')).toBe(int(4));
    expect(await r.cmd('GET', 'k')).toBe(bulk('\x01abc'));
    expect(await r.cmd('SETBIT', 'k', '39', '1')).toBe(int(0));
    expect(await r.cmd('SETRANGE', 'k', '1', 'XY')).toBe(int(5));
    expect(await r.cmd('GET', 'k')).toBe(bulk('\x01XYc\x01'));
    expect(await run(['GETRANGE', 'k', '1', '2'], ['GETRANGE', 'k', '-2', '-1'], ['GETRANGE', 'k', '0', '-1'], ['STRLEN', 'k'])).toEqual([
      bulk('XY'),
      bulk('c\x01'),
      bulk('\x01XYc\x01'),
      int(5),
    ]);
    expect(await r.cmd('SETRANGE', 'k', '8', 'Z')).toBe(int(9));
    expect(await r.cmd('GET', 'k')).toBe(bulk('\x01XYc\x01\0\0\0Z'));
    expect(await r.cmd('BITCOUNT', 'k')).toBe(int(1 + 4 + 3 + 4 + 1 + 4));
    // still the same in-place buffer
    expect(db().lookup('k')).toBeInstanceOf(ByteString);
    expect(encodingOf(db().lookup('k')!)).toBe('raw');
    expect(await r.cmd('SET', 'k', '12')).toBe(OK);
    expect(await r.cmd('OBJECT', 'ENCODING', 'k')).toBe(bulk('int'));
  });

  it('SETRANGE and APPEND on a bitmap keep the reply and TTL rules of strings', async () => {
    await run(['SETBIT', 'k', '0', '1'], ['EXPIRE', 'k', '100']);
    expect(await run(['APPEND', 'k', ''], ['SETRANGE', 'k', '0', ''], ['SETRANGE', 'k', '5', ''], ['SETRANGE', 'k', '-1', 'x'])).toEqual([
      int(1),
      int(1),
      int(1),
      err('ERR offset is out of range'),
    ]);
    expect(db().getExpire('k')).toBeGreaterThan(0);
    srv.server.settings.protoMaxBulkLen = 10;
    expect(await r.cmd('APPEND', 'k', 'x'.repeat(10))).toBe(err('ERR string exceeds maximum allowed size (proto-max-bulk-len)'));
    expect(await r.cmd('SETRANGE', 'k', '5', 'x'.repeat(6))).toBe(err('ERR string exceeds maximum allowed size (proto-max-bulk-len)'));
    expect(await r.cmd('GET', 'k')).toBe(bulk('\x80'));
  });

  it('a long plain string becomes a byte buffer on first bit access, content and TTL kept', async () => {
    const v = 'ab'.repeat(3000);
    await run(['SET', 'k', v], ['EXPIRE', 'k', '100']);
    expect(typeof db().lookup('k')).toBe('string');
    expect(await r.cmd('BITCOUNT', 'k')).toBe(int(3000 * 6));
    expect(db().lookup('k')).toBeInstanceOf(ByteString);
    expect(await r.cmd('GET', 'k')).toBe(bulk(v));
    expect(await r.cmd('OBJECT', 'ENCODING', 'k')).toBe(bulk('raw'));
    expect(db().getExpire('k')).toBeGreaterThan(0);
    // a short one is only read
    await r.cmd('SET', 's', 'abc');
    expect(await r.cmd('BITCOUNT', 's')).toBe(int(10));
    expect(typeof db().lookup('s')).toBe('string');
  });

  it('COPY of a bitmap is independent of the original', async () => {
    await r.cmd('SETBIT', 'a', '0', '1');
    expect(await r.cmd('COPY', 'a', 'b')).toBe(int(1));
    await r.cmd('SETBIT', 'b', '1', '1');
    expect(await run(['GET', 'a'], ['GET', 'b'])).toEqual([bulk('\x80'), bulk('\xc0')]);
  });
});
