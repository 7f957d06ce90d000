/**
 * Consumer groups end to end on a tredis server: XGROUP, XREADGROUP (">",
 * history, NOACK, COUNT, several streams, BLOCK: wake order, timeout,
 * group destroyed while blocked), XACK, XPENDING, XCLAIM, XAUTOCLAIM,
 * XINFO; the exact propagated commands and keyspace events. Expected replies, propagation (from the AOF)
 * and events were taken from a real redis-server 7.0.15 running the same
 * commands.
 *
 * Entries are added through the stream store in process (addEntry(),
 * which also wakes blocked clients as XADD does), so these tests do not
 * depend on the XADD command.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { RawClient, Running, encode, useServerFixture, waitFor } from '../helpers';
import { NULLARR, OK, arr, bulk, entry, err, int } from '../resp';
// eslint-disable-next-line @typescript-eslint/no-var-requires
const streamMod = require('../../dist/store/stream.js') as typeof import('../../src/store/stream');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const idMod = require('../../dist/store/stream-id.js') as typeof import('../../src/store/stream-id');

const fx = useServerFixture();
const { propagated } = fx;
let srv: Running;
let r: RawClient;
beforeAll(() => ({ srv, r } = fx));

/** Add an entry as XADD would (creating the stream, waking blocked readers). */
function addEntry(key: string, id: string, ...fv: string[]): void {
  const db = srv.server.keyspace.dbs[0];
  let s = db.lookup(key) as InstanceType<typeof streamMod.Stream> | undefined;
  if (s === undefined) {
    s = new streamMod.Stream();
    db.setKey(key, s);
  }
  s.append(idMod.parseId(id)!, fv, 0, fv.length, streamMod.DEFAULT_STREAM_LIMITS);
  srv.server.blocking.signal(db, key);
  srv.server.blocking.handleReady();
}

function deleteEntry(key: string, id: string): void {
  const s = srv.server.keyspace.dbs[0].lookup(key) as InstanceType<typeof streamMod.Stream>;
  s.delete(idMod.parseId(id)!);
}

/** XREADGROUP GROUP g <consumer> BLOCK 0 STREAMS s > */
const blockRead = (consumer: string) => encode(['XREADGROUP', 'GROUP', 'g', consumer, 'BLOCK', '0', 'STREAMS', 's', '>']);

/** Three entries 1-1 a 1, 2-1 b 2, 3-1 c 3 and group g at 0. */
async function abc(): Promise<void> {
  addEntry('s', '1-1', 'a', '1');
  addEntry('s', '2-1', 'b', '2');
  addEntry('s', '3-1', 'c', '3');
  expect(await fx.cmd('XGROUP CREATE s g 0')).toBe(OK);
  propagated.length = 0;
}

describe('XGROUP', () => {
  it('creates groups, with MKSTREAM, $ and ENTRIESREAD, and reports errors in Redis order', async () => {
    expect(await fx.cmd('XGROUP CREATE s g $')).toBe(
      err('ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.'),
    );
    expect(await fx.cmd('XGROUP CREATE s g $ MKSTREAM')).toBe(OK);
    expect(await fx.cmd('TYPE s')).toBe('+stream\r\n');
    expect(await fx.cmd('XGROUP CREATE s g $ MKSTREAM')).toBe(err('BUSYGROUP Consumer Group name already exists'));
    expect(await fx.cmd('XGROUP CREATE s g2 0 ENTRIESREAD -2')).toBe(err('ERR value for ENTRIESREAD must be positive or -1'));
    expect(await fx.cmd('XGROUP CREATE s g2 0 ENTRIESREAD x')).toBe(err('ERR value is not an integer or out of range'));
    expect(await fx.cmd('XGROUP CREATE s g2 0 foo')).toBe(err("ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP."));
    expect(await fx.cmd('XGROUP CREATE s g2 +')).toBe(err('ERR Invalid stream ID specified as stream command argument'));
    expect(await fx.cmd('XGROUP CREATE s g2 0 ENTRIESREAD 5')).toBe(OK);
    expect(await fx.cmd('XGROUP SETID s nog 0')).toBe(err("NOGROUP No such consumer group 'nog' for key name 's'"));
    expect(await fx.cmd('XGROUP SETID s g2 0 foo 3')).toBe(err("ERR unknown subcommand or wrong number of arguments for 'SETID'. Try XGROUP HELP."));
    expect(await fx.cmd('XGROUP SETID s g2 +')).toBe(OK);
    expect(await fx.cmd('SET str x')).toBe(OK);
    expect(await fx.cmd('XGROUP CREATE str g 0 MKSTREAM')).toBe(err('WRONGTYPE Operation against a key holding the wrong kind of value'));
    expect(await fx.cmd('XGROUP DESTROY s g2')).toBe(int(1));
    expect(await fx.cmd('XGROUP DESTROY s g2')).toBe(int(0));
    expect(await fx.cmd('XGROUP CREATECONSUMER s g c')).toBe(int(1));
    expect(await fx.cmd('XGROUP CREATECONSUMER s g c')).toBe(int(0));
    expect(await fx.cmd('XGROUP DELCONSUMER s g c')).toBe(int(0));
    expect(await fx.cmd('XGROUP DELCONSUMER s g c')).toBe(int(0));
  });

  it('fires the xgroup-* events and propagates as sent', async () => {
    fx.captureEvents(undefined, (e) => e.startsWith('xgroup'));
    addEntry('s', '1-1', 'a', '1');
    await fx.run(['XGROUP', 'CREATE', 's', 'g', '0'], ['XGROUP', 'CREATECONSUMER', 's', 'g', 'c'], ['XGROUP', 'SETID', 's', 'g', '$', 'ENTRIESREAD', '1']);
    await fx.run(['XGROUP', 'DELCONSUMER', 's', 'g', 'c'], ['XGROUP', 'DESTROY', 's', 'g']);
    expect(fx.events).toEqual(['xgroup-create s', 'xgroup-createconsumer s', 'xgroup-setid s', 'xgroup-delconsumer s', 'xgroup-destroy s']);
    expect(propagated).toEqual([
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['XGROUP', 'CREATECONSUMER', 's', 'g', 'c'],
      ['XGROUP', 'SETID', 's', 'g', '$', 'ENTRIESREAD', '1'],
      ['XGROUP', 'DELCONSUMER', 's', 'g', 'c'],
      ['XGROUP', 'DESTROY', 's', 'g'],
    ]);
  });
});

describe('XREADGROUP', () => {
  it('delivers new entries, records them pending and propagates XCLAIMs in MULTI/EXEC', async () => {
    await abc();
    expect(await fx.cmd('XREADGROUP GROUP g alice COUNT 2 STREAMS s >')).toBe(arr(arr(bulk('s'), arr(entry('1-1', 'a', '1'), entry('2-1', 'b', '2')))));
    expect(propagated.map((a) => a.filter((_, i) => i !== 7))).toEqual([
      ['MULTI'],
      ['XCLAIM', 's', 'g', 'alice', '0', '1-1', 'TIME', 'RETRYCOUNT', '1', 'FORCE', 'JUSTID', 'LASTID', '1-1'],
      ['XCLAIM', 's', 'g', 'alice', '0', '2-1', 'TIME', 'RETRYCOUNT', '1', 'FORCE', 'JUSTID', 'LASTID', '2-1'],
      ['EXEC'],
    ]);
    expect(Number(propagated[1][7])).toBeGreaterThan(Date.now() - 60000);
    expect(await fx.cmd('XPENDING s g')).toBe(arr(int(2), bulk('1-1'), bulk('2-1'), arr(arr(bulk('alice'), bulk('2')))));
    // NOACK: nothing pending; CREATECONSUMER and SETID ... ENTRIESREAD propagated
    propagated.length = 0;
    expect(await fx.cmd('XREADGROUP GROUP g bob NOACK STREAMS s >')).toBe(arr(arr(bulk('s'), arr(entry('3-1', 'c', '3')))));
    expect(propagated).toEqual([['MULTI'], ['XGROUP', 'CREATECONSUMER', 's', 'g', 'bob'], ['XGROUP', 'SETID', 's', 'g', '3-1', 'ENTRIESREAD', '3'], ['EXEC']]);
    // nothing new: null, and no consumer is created
    expect(await fx.cmd('XREADGROUP GROUP g carol STREAMS s >')).toBe(NULLARR);
    expect(await fx.cmd('XINFO GROUPS s')).toBe(
      arr(bulk('name'), bulk('g'), bulk('consumers'), int(2), bulk('pending'), int(2), bulk('last-delivered-id'), bulk('3-1'), bulk('entries-read'), int(3), bulk('lag'), int(0)).replace(/^\*12/, '*1\r\n*12'),
    );
  });

  it('serves the consumer history, counting deliveries, with deleted entries as [id, nil]', async () => {
    await abc();
    await fx.cmd('XREADGROUP GROUP g alice STREAMS s >');
    deleteEntry('s', '2-1');
    propagated.length = 0;
    expect(await fx.cmd('XREADGROUP GROUP g alice STREAMS s 0')).toBe(arr(arr(bulk('s'), arr(entry('1-1', 'a', '1'), arr(bulk('2-1'), NULLARR), entry('3-1', 'c', '3')))));
    expect(await fx.cmd('XREADGROUP GROUP g alice COUNT 1 STREAMS s 1-1')).toBe(arr(arr(bulk('s'), arr(arr(bulk('2-1'), NULLARR)))));
    expect(await fx.cmd('XREADGROUP GROUP g bob STREAMS s 0')).toBe(arr(arr(bulk('s'), arr())));
    expect(propagated).toEqual([]);
    const p = await fx.cmd('XPENDING s g - + 10');
    // 1-1 and 3-1 delivered twice, 2-1 (deleted) not counted again
    expect(p.match(/:\d+\r\n:(\d+)\r\n/g)!.map((x) => x.split('\r\n')[1])).toEqual([':2', ':1', ':2']);
  });

  it('reports errors as Redis does', async () => {
    await abc();
    await fx.cmd('SET str x');
    expect(await fx.cmd('XREADGROUP GROUP g a STREAMS s nokey > >')).toBe(err("NOGROUP No such key 'nokey' or consumer group 'g' in XREADGROUP with GROUP option"));
    expect(await fx.cmd('XREADGROUP GROUP g a STREAMS str >')).toBe(err('WRONGTYPE Operation against a key holding the wrong kind of value'));
    expect(await fx.cmd('XREADGROUP GROUP g a STREAMS s $')).toMatch(/^-ERR The \$ ID is meaningless/);
    expect(await fx.cmd('XREADGROUP GROUP g a STREAMS s > t')).toBe(err("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified."));
    expect(await fx.cmd('XREADGROUP GROUP g a b STREAMS s >')).toBe(err('ERR syntax error'));
    expect(await fx.cmd('XREADGROUP COUNT 1 NOACK STREAMS s >')).toBe(err('ERR Missing GROUP option for XREADGROUP'));
    expect(await fx.cmd('XREADGROUP GROUP g a BLOCK -1 STREAMS s >')).toBe(err('ERR timeout is negative'));
    expect(await fx.cmd('XREADGROUP GROUP g a BLOCK x STREAMS s >')).toBe(err('ERR timeout is not an integer or out of range'));
    expect(await fx.cmd('XREADGROUP GROUP g a STREAMS s (1')).toBe(err('ERR Invalid stream ID specified as stream command argument'));
  });

  it('blocks, wakes clients in order, one entry each per group, and times out with a null array', async () => {
    expect(await fx.cmd('XGROUP CREATE s g $ MKSTREAM')).toBe(OK);
    const a = await RawClient.connect(srv.port);
    const b = await RawClient.connect(srv.port);
    try {
      a.write(blockRead('a'));
      await waitFor(() => srv.server.blocking.count === 1);
      b.write(blockRead('b'));
      await waitFor(() => srv.server.blocking.count === 2);
      propagated.length = 0;
      addEntry('s', '1-1', 'x', '1');
      expect(await a.read(10)).toBe(arr(arr(bulk('s'), arr(entry('1-1', 'x', '1')))));
      expect(srv.server.blocking.count).toBe(1);
      expect(propagated[0].slice(0, 6)).toEqual(['XCLAIM', 's', 'g', 'a', '0', '1-1']);
      addEntry('s', '2-1', 'y', '2');
      expect(await b.read(10)).toBe(arr(arr(bulk('s'), arr(entry('2-1', 'y', '2')))));
      const t0 = Date.now();
      expect(await a.cmd('XREADGROUP', 'GROUP', 'g', 'a', 'BLOCK', '100', 'STREAMS', 's', '>')).toBe(NULLARR);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
      // a history read never blocks
      expect(await a.cmd('XREADGROUP', 'GROUP', 'g', 'a', 'BLOCK', '0', 'STREAMS', 's', '0')).toBe(arr(arr(bulk('s'), arr(entry('1-1', 'x', '1')))));
    } finally {
      a.close();
      b.close();
    }
  });

  it('CLIENT UNBLOCK ends a blocked XREADGROUP with a null array or -UNBLOCKED, delivering nothing', async () => {
    expect(await fx.cmd('XGROUP CREATE s g $ MKSTREAM')).toBe(OK);
    const a = await RawClient.connect(srv.port);
    try {
      const id = (await a.cmd('CLIENT', 'ID')).slice(1, -2);
      a.write(blockRead('a'));
      await waitFor(() => srv.server.blocking.count === 1);
      expect(await fx.cmd(`CLIENT UNBLOCK ${id}`)).toBe(int(1));
      expect(await a.read(3)).toBe(NULLARR);
      a.write(blockRead('a'));
      await waitFor(() => srv.server.blocking.count === 1);
      expect(await fx.cmd(`CLIENT UNBLOCK ${id} ERROR`)).toBe(int(1));
      expect(await a.read(3)).toBe(err('UNBLOCKED client unblocked via CLIENT UNBLOCK'));
      expect(await fx.cmd('XPENDING s g')).toBe(arr(int(0), '$-1\r\n', '$-1\r\n', NULLARR));
    } finally {
      a.close();
    }
  });

  it('a blocked client gets -NOGROUP when its group is destroyed', async () => {
    expect(await fx.cmd('XGROUP CREATE s g $ MKSTREAM')).toBe(OK);
    const a = await RawClient.connect(srv.port);
    try {
      a.write(blockRead('a'));
      await waitFor(() => srv.server.blocking.count === 1);
      expect(await fx.cmd('XGROUP DESTROY s g')).toBe(int(1));
      expect(await a.read(10)).toBe(err('NOGROUP the consumer group this client was blocked on no longer exists'));
    } finally {
      a.close();
    }
  });
});

describe('XREADGROUP when its key goes away', () => {
  const GONE = err('UNBLOCKED the stream key no longer exists');
  const blockedOn = async (setup: string[]) => {
    for (const line of setup) await fx.cmd(line);
    const a = await RawClient.connect(srv.port);
    a.write(blockRead('a'));
    await waitFor(() => srv.server.blocking.count === 1);
    return a;
  };

  it('ends with -UNBLOCKED when the key expires, with no other command sent (active expiry)', async () => {
    const a = await blockedOn(['XGROUP CREATE s g $ MKSTREAM', 'PEXPIRE s 30']);
    try {
      expect(await a.readUntil((x) => x.length > 0, 3000)).toBe(GONE);
      expect(srv.server.blocking.count).toBe(0);
    } finally {
      a.close();
    }
  });

  it('ends with -UNBLOCKED on DEL, FLUSHDB and a value of another type; XREAD stays blocked', async () => {
    for (const change of ['DEL s', 'FLUSHDB', 'SET s x']) {
      await fx.cmd('DEL s');
      const a = await blockedOn(['XGROUP CREATE s g $ MKSTREAM']);
      const b = await RawClient.connect(srv.port);
      try {
        b.write(encode(['XREAD', 'BLOCK', '0', 'STREAMS', 's', '$']));
        await waitFor(() => srv.server.blocking.count === 2);
        await fx.cmd(change);
        expect(await a.readUntil((x) => x.length > 0, 3000)).toBe(GONE);
        expect(srv.server.blocking.count).toBe(1); // the XREAD client
        expect(propagated.filter((p) => p[0] === 'XCLAIM')).toEqual([]);
      } finally {
        a.close();
        b.close();
      }
      await waitFor(() => srv.server.blocking.count === 0);
    }
  });
});

describe('XACK, XPENDING, XCLAIM, XAUTOCLAIM', () => {
  it('acknowledges, all IDs parsed first', async () => {
    await abc();
    await fx.cmd('XREADGROUP GROUP g a STREAMS s >');
    expect(await fx.cmd('XACK s g 1-1 abc')).toBe(err('ERR Invalid stream ID specified as stream command argument'));
    expect(await fx.cmd('XACK s g 1-1 1-1 9-9')).toBe(int(1));
    expect(await fx.cmd('XACK nokey g 1-1')).toBe(int(0));
    expect(await fx.cmd('XACK s nog 1-1')).toBe(int(0));
    expect(propagated.at(-1)).toEqual(['XACK', 's', 'g', '1-1', '1-1', '9-9']);
  });

  it('XPENDING: extended form with IDLE, exclusive ranges, consumer, errors', async () => {
    await abc();
    await fx.cmd('XREADGROUP GROUP g a COUNT 2 STREAMS s >');
    await fx.cmd('XREADGROUP GROUP g b STREAMS s >');
    expect(await fx.cmd('XPENDING s g - +')).toBe(err('ERR syntax error'));
    expect(await fx.cmd('XPENDING s g IDLE 10 - +')).toBe(err('ERR syntax error'));
    expect(await fx.cmd('XPENDING s g - (0-0 10')).toBe(err('ERR invalid end ID for the interval'));
    expect(await fx.cmd('XPENDING s g (18446744073709551615-18446744073709551615 + 10')).toBe(err('ERR invalid start ID for the interval'));
    expect(await fx.cmd('XPENDING s nog')).toBe(err("NOGROUP No such key 's' or consumer group 'nog'"));
    expect(await fx.cmd('XPENDING s g - + 10 nobody')).toBe(arr());
    expect(await fx.cmd('XPENDING s g IDLE 100000 - + 10')).toBe(arr());
    const ids = (reply: string) => [...reply.matchAll(/\$3\r\n(\d-1)\r\n/g)].map((m) => m[1]);
    expect(ids(await fx.cmd('XPENDING s g (1-1 + 10'))).toEqual(['2-1', '3-1']);
    expect(ids(await fx.cmd('XPENDING s g - (3-1 10 a'))).toEqual(['1-1', '2-1']);
    expect(ids(await fx.cmd('XPENDING s g - + 10 b'))).toEqual(['3-1']);
    expect(ids(await fx.cmd('XPENDING s g IDLE -5 - + 1'))).toEqual(['1-1']);
    expect(await fx.cmd('XPENDING s g')).toBe(arr(int(3), bulk('1-1'), bulk('3-1'), arr(arr(bulk('a'), bulk('2')), arr(bulk('b'), bulk('1')))));
  });

  it('XCLAIM: options, FORCE, JUSTID, LASTID, deleted entries, propagation', async () => {
    await abc();
    await fx.cmd('XREADGROUP GROUP g a STREAMS s >');
    propagated.length = 0;
    expect(await fx.cmd('XCLAIM s g b x 1-1')).toBe(err('ERR Invalid min-idle-time argument for XCLAIM'));
    expect(await fx.cmd('XCLAIM s g b 0 1-1 abc 2-1')).toBe(err("ERR Unrecognized XCLAIM option 'abc'"));
    expect(await fx.cmd('XCLAIM s g b 0 1-1 IDLE x')).toBe(err('ERR Invalid IDLE option argument for XCLAIM'));
    expect(await fx.cmd('XCLAIM s g b 1000000 1-1')).toBe(arr());
    expect(await fx.cmd('XCLAIM s g b 0 1-1 TIME 123 RETRYCOUNT 7')).toBe(arr(entry('1-1', 'a', '1')));
    expect(propagated).toEqual([['XCLAIM', 's', 'g', 'b', '0', '1-1', 'TIME', '123', 'RETRYCOUNT', '7', 'FORCE', 'JUSTID', 'LASTID', '3-1']]);
    expect(await fx.cmd('XCLAIM s g b 0 2-1 JUSTID')).toBe(arr(bulk('2-1')));
    expect(await fx.cmd('XPENDING s g - + 10 b')).toMatch(/\$3\r\n2-1\r\n\$1\r\nb\r\n:\d+\r\n:1\r\n/);
    // LASTID alone moves the group forward: propagated as SETID
    propagated.length = 0;
    expect(await fx.cmd('XCLAIM s g b 0 9-9 LASTID 9-9')).toBe(arr());
    expect(propagated).toEqual([['XGROUP', 'SETID', 's', 'g', '9-9', 'ENTRIESREAD', '3']]);
    // a deleted entry leaves the PEL
    deleteEntry('s', '3-1');
    expect(await fx.cmd('XCLAIM s g b 0 3-1')).toBe(arr());
    expect(await fx.cmd('XPENDING s g')).toBe(arr(int(2), bulk('1-1'), bulk('2-1'), arr(arr(bulk('b'), bulk('2')))));
    // FORCE creates a pending entry for an existing entry
    await fx.cmd('XACK s g 1-1');
    expect(await fx.cmd('XCLAIM s g c 0 1-1 FORCE JUSTID')).toBe(arr(bulk('1-1')));
    expect(await fx.cmd('XPENDING s g - + 10 c')).toMatch(/\$3\r\n1-1\r\n\$1\r\nc\r\n:\d+\r\n:1\r\n/);
  });

  it('XAUTOCLAIM: cursor, COUNT, JUSTID, deleted IDs', async () => {
    await abc();
    await fx.cmd('XREADGROUP GROUP g a STREAMS s >');
    expect(await fx.cmd('XAUTOCLAIM s g c 0 0 COUNT 0')).toBe(err('ERR COUNT must be > 0'));
    expect(await fx.cmd('XAUTOCLAIM s g c 0 0 COUNT 1 foo')).toBe(err('ERR syntax error'));
    expect(await fx.cmd('XAUTOCLAIM s g c 0 (1-1 COUNT 1 JUSTID')).toBe(arr(bulk('3-1'), arr(bulk('2-1')), arr()));
    deleteEntry('s', '3-1');
    propagated.length = 0;
    expect(await fx.cmd('XAUTOCLAIM s g c 0 0')).toBe(arr(bulk('0-0'), arr(entry('1-1', 'a', '1'), entry('2-1', 'b', '2')), arr(bulk('3-1'))));
    expect(propagated.map((a) => (a.length === 1 ? a[0] : `${a[0]} ${a[3]} ${a[5]} ${a[9]}`))).toEqual(['MULTI', 'XCLAIM c 1-1 2', 'XCLAIM c 2-1 2', 'XCLAIM a 3-1 1', 'EXEC']);
    expect(await fx.cmd('XPENDING s g')).toBe(arr(int(2), bulk('1-1'), bulk('2-1'), arr(arr(bulk('c'), bulk('2')))));
  });
});

describe('XINFO', () => {
  it('STREAM, STREAM FULL, GROUPS, CONSUMERS and errors', async () => {
    await abc();
    await fx.cmd('XREADGROUP GROUP g a COUNT 1 STREAMS s >');
    expect(await fx.cmd('XINFO STREAM nokey')).toBe(err('ERR no such key'));
    expect(await fx.cmd('XINFO STREAM s fool')).toBe(err("ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP."));
    expect(await fx.cmd('XINFO CONSUMERS s nog')).toBe(err("NOGROUP No such consumer group 'nog' for key name 's'"));
    const info = await fx.cmd('XINFO STREAM s');
    expect(info).toContain(bulk('groups') + int(1));
    expect(info).toContain(bulk('first-entry') + entry('1-1', 'a', '1'));
    expect(info).toContain(bulk('last-entry') + entry('3-1', 'c', '3'));
    const full = await fx.cmd('XINFO STREAM s FULL COUNT 1');
    expect(full).toContain(bulk('entries') + arr(entry('1-1', 'a', '1')));
    expect(full).toContain(bulk('pel-count') + int(1));
    expect(full).toMatch(/\$9\r\nseen-time\r\n:\d{13}\r\n/);
    const cons = await fx.cmd('XINFO CONSUMERS s g');
    expect(cons).toMatch(/^\*1\r\n\*6\r\n\$4\r\nname\r\n\$1\r\na\r\n\$7\r\npending\r\n:1\r\n\$4\r\nidle\r\n:\d+\r\n$/);
    expect(await fx.cmd('XINFO GROUPS s')).toContain(bulk('entries-read') + int(1) + bulk('lag') + int(2));
  });
});
