/**
 * HyperLogLog commands through the server: keyspace events, dirty counts,
 * propagation, WATCH, the stored value's form (a ByteString edited in
 * place) and the interplay with string commands. Expected events, dirty
 * counts and propagated commands were read from a real redis-server 7.0.15
 * (psubscribe, INFO rdb_changes_since_last_save, its AOF); replies are
 * compared with Redis in test/compat/hyperloglog.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { RawClient, Running, useServerFixture } from '../helpers';
import { OK, err, int } from '../resp';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { ByteString, encodingOf } = require('../../dist/store/value.js') as typeof import('../../src/store/value');
type ByteString = InstanceType<typeof ByteString>;

const bulkBody = (reply: string) => reply.slice(reply.indexOf('\r\n') + 2, -2);

const fx = useServerFixture();
const { propagated, events, cmd } = fx;
let srv: Running;
let r: RawClient;
beforeAll(() => ({ srv, r } = fx));
const captureEvents = () => fx.captureEvents('KEAn');
const db = () => srv.server.keyspace.dbs[0];
const dirty = () => srv.server.keyspace.dirty;

describe('events, dirty and propagation', () => {
  it('PFADD: "pfadd" when a register changed (or the key was made); dirty counts each change', async () => {
    captureEvents();
    const d0 = dirty();
    expect(await cmd('PFADD h a b c')).toBe(int(1));
    expect(dirty() - d0).toBe(4); // the new key + three registers
    expect(await cmd('PFADD h a')).toBe(int(0));
    expect(dirty() - d0).toBe(4);
    expect(await cmd('PFADD e')).toBe(int(1)); // created, no element
    expect(await cmd('PFADD e')).toBe(int(0));
    expect(dirty() - d0).toBe(5);
    expect(events).toEqual(['new h', 'pfadd h', 'new e', 'pfadd e']);
    expect(propagated).toEqual([
      ['PFADD', 'h', 'a', 'b', 'c'],
      ['PFADD', 'e'],
    ]);
  });

  it('PFCOUNT of one key refreshing the cache: dirty and propagated, no event; of several: nothing', async () => {
    await cmd('PFADD h a b c');
    await cmd('PFADD g x');
    captureEvents();
    propagated.length = 0;
    const d0 = dirty();
    expect(await cmd('PFCOUNT h')).toBe(int(3));
    expect(dirty() - d0).toBe(1);
    expect(await cmd('PFCOUNT h')).toBe(int(3)); // cached now
    expect(await cmd('PFCOUNT g h')).toBe(int(4));
    expect(await cmd('PFCOUNT nokey')).toBe(int(0));
    expect(dirty() - d0).toBe(1);
    expect(events).toEqual([]);
    expect(propagated).toEqual([['PFCOUNT', 'h']]);
  });

  it('PFMERGE: "pfadd" on the destination, one change, always propagated', async () => {
    await cmd('PFADD a x y');
    captureEvents();
    propagated.length = 0;
    const d0 = dirty();
    expect(await cmd('PFMERGE m a nokey')).toBe(OK);
    expect(await cmd('PFMERGE m')).toBe(OK); // nothing new: still written
    expect(await cmd('PFMERGE n')).toBe(OK); // creates an empty HLL
    expect(dirty() - d0).toBe(3);
    expect(events).toEqual(['new m', 'pfadd m', 'pfadd m', 'new n', 'pfadd n']);
    expect(propagated).toEqual([['PFMERGE', 'm', 'a', 'nokey'], ['PFMERGE', 'm'], ['PFMERGE', 'n']]);
  });

  it('PFDEBUG: a conversion to dense counts one change, signals nothing, is propagated', async () => {
    await cmd('PFADD h a');
    await cmd('PFADD g b');
    captureEvents();
    propagated.length = 0;
    const d0 = dirty();
    expect(await cmd('PFDEBUG TODENSE h')).toBe(int(1));
    expect(await cmd('PFDEBUG TODENSE h')).toBe(int(0));
    expect(await cmd('PFDEBUG ENCODING h')).toBe('+dense\r\n');
    const regs = await cmd('PFDEBUG GETREG g');
    expect(regs.startsWith('*16384\r\n')).toBe(true);
    expect(await cmd('PFDEBUG DECODE h')).toBe(err('ERR HLL encoding is not sparse'));
    expect(dirty() - d0).toBe(2);
    expect(events).toEqual([]);
    expect(propagated).toEqual([
      ['PFDEBUG', 'TODENSE', 'h'],
      ['PFDEBUG', 'GETREG', 'g'],
    ]);
  });

  it('errors change nothing and propagate nothing', async () => {
    await cmd('SET s notanhll');
    await cmd('LPUSH l x');
    captureEvents();
    propagated.length = 0;
    const d0 = dirty();
    expect(await cmd('PFADD s a')).toBe(err('WRONGTYPE Key is not a valid HyperLogLog string value.'));
    expect(await cmd('PFADD l a')).toBe(err('WRONGTYPE Operation against a key holding the wrong kind of value'));
    expect(await cmd('PFMERGE d s')).toBe(err('WRONGTYPE Key is not a valid HyperLogLog string value.'));
    expect(await cmd('PFDEBUG TODENSE nokey')).toBe(err('ERR The specified key does not exist'));
    expect(dirty()).toBe(d0);
    expect(events).toEqual([]);
    expect(propagated).toEqual([]);
    expect(await cmd('EXISTS d')).toBe(int(0));
  });
});

describe('modified-key signals (WATCH, tracking)', () => {
  // MULTI/EXEC are not in tredis yet: spy on the keyspace hook WATCH will use.
  it('PFCOUNT refreshing the cache signals the key; PFDEBUG TODENSE and a cached PFCOUNT do not', async () => {
    const hooks = srv.server.keyspace.hooks;
    const original = hooks.keyModified;
    const touched: string[] = [];
    hooks.keyModified = (d, key) => {
      touched.push(key);
      original.call(hooks, d, key);
    };
    try {
      await cmd('PFADD h x y');
      touched.length = 0;
      await cmd('PFCOUNT h');
      expect(touched).toEqual(['h']);
      await cmd('PFCOUNT h');
      await cmd('PFDEBUG TODENSE h');
      await cmd('PFADD h x');
      expect(touched).toEqual(['h']);
      await cmd('PFADD h z');
      expect(touched).toEqual(['h', 'h']);
    } finally {
      hooks.keyModified = original;
    }
  });
});

describe('the stored value', () => {
  it('is a ByteString edited in place: a dense PFADD does not replace the object', async () => {
    await cmd('PFADD h a');
    await cmd('PFDEBUG TODENSE h');
    const v = db().lookup('h') as ByteString;
    expect(v).toBeInstanceOf(ByteString);
    const buf = v.buf;
    for (let i = 0; i < 50; i++) await cmd(`PFADD h el${i}`);
    expect(db().lookup('h')).toBe(v);
    expect(v.buf).toBe(buf);
    expect(v.len).toBe(12304);
    expect(encodingOf(v)).toBe('raw');
  });

  it('a value written with SET is read in place and converted only by commands that may edit it', async () => {
    await cmd('PFADD h a b');
    const bytes = bulkBody(await r.cmd('GET', 'h'));
    expect(bytes.startsWith('HYLL')).toBe(true);
    await r.cmd('SET', 'copy', bytes);
    expect(encodingOf(db().lookup('copy')!)).toBe('embstr');
    expect(await cmd('PFCOUNT copy nokey')).toBe(int(2)); // several keys: no conversion
    expect(encodingOf(db().lookup('copy')!)).toBe('embstr');
    expect(await cmd('PFCOUNT copy')).toBe(int(2)); // may cache: converted, as Redis makes it raw
    expect(encodingOf(db().lookup('copy')!)).toBe('raw');
    expect(db().lookup('copy')).toBeInstanceOf(ByteString);
  });

  it('string commands see and edit the same bytes', async () => {
    await cmd('PFADD h a');
    expect(await cmd('STRLEN h')).toBe(int(21));
    expect(await cmd('GETRANGE h 0 3')).toBe('$4\r\nHYLL\r\n');
    // Break the magic with SETRANGE: the HLL commands now refuse it.
    await cmd('SETRANGE h 0 X');
    expect(await cmd('PFCOUNT h')).toBe(err('WRONGTYPE Key is not a valid HyperLogLog string value.'));
    await cmd('SETRANGE h 0 H');
    expect(await cmd('PFADD h b')).toBe(int(1));
    expect(await cmd('PFCOUNT h')).toBe(int(2));
    // APPEND garbage opcodes: the runs then pass 16384 registers.
    await cmd('APPEND h \x7f');
    expect(await cmd('PFADD h c')).toBe(int(1));
    expect(await cmd('PFCOUNT h')).toBe(err('INVALIDOBJ Corrupted HLL object detected'));
  });
});

describe('hll-sparse-max-bytes', () => {
  it('is a live config parameter (CONFIG SET/GET) that decides the promotion', async () => {
    expect(await cmd('CONFIG GET hll-sparse-max-bytes')).toBe('*2\r\n$20\r\nhll-sparse-max-bytes\r\n$4\r\n3000\r\n');
    expect(await cmd('CONFIG SET hll-sparse-max-bytes 20')).toBe(OK);
    try {
      await cmd('PFADD h a');
      expect(await cmd('PFDEBUG ENCODING h')).toBe('+dense\r\n');
    } finally {
      await cmd('CONFIG SET hll-sparse-max-bytes 3000');
    }
    await cmd('PFADD k a');
    expect(await cmd('PFDEBUG ENCODING k')).toBe('+sparse\r\n');
  });
});

describe('PFSELFTEST', () => {
  it('replies OK', async () => {
    expect(await cmd('PFSELFTEST')).toBe(OK);
  }, 30000);
});
