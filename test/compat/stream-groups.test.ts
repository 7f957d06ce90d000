/**
 * Differential scripts for consumer groups and XINFO: the same commands on a
 * real redis-server and on tredis, in RESP2 and RESP3, every reply compared
 * byte for byte except the time-derived integers (idle times, delivery and
 * seen times: NORMALISATIONS.md item 15, stream-groups-norm.ts).
 */
import { expect, it } from 'vitest';
import { Args, describeWithRedis, formatMismatch, Pair, Proto, runScript, Servers, show, Step, useServers } from './harness';
import { compareStream, normaliseStreamReply } from './stream-groups-norm';

function cmd(line: string): Args {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1] : m[2]));
}
const S = (...steps: (string | Step)[]): Step[] => steps.map((s) => (typeof s === 'string' ? cmd(s) : s));

const ABC = ['XADD s 1-1 a 1', 'XADD s 2-1 b 2', 'XADD s 3-1 c 3'];

const scripts: Record<string, Step[]> = {
  'XGROUP: create, setid, consumers, destroy, errors': S(
    'XGROUP CREATE s g $',
    'XGROUP CREATE s g $ MKSTREAM',
    'XGROUP CREATE s g $ MKSTREAM',
    'XGROUP CREATE s g2 0 ENTRIESREAD 5',
    'XGROUP CREATE s g3 0 ENTRIESREAD -1',
    'XGROUP CREATE s g4 0 ENTRIESREAD -2',
    'XGROUP CREATE s g4 0 ENTRIESREAD abc',
    'XGROUP CREATE s g4 0 foo',
    'XGROUP CREATE s g4 abc',
    'XGROUP CREATE s g4 +',
    'XGROUP CREATE s g4 -',
    'XGROUP CREATE s g4 0 MKSTREAM MKSTREAM ENTRIESREAD 3 ENTRIESREAD 4',
    'XGROUP CREATE nokey g 0 ENTRIESREAD 1 ENTRIESREAD 2 ENTRIESREAD 3',
    'XGROUP CREATE nokey g ab MKSTREAM',
    'EXISTS nokey',
    'XGROUP CREATE s g5 0 entriesread',
    'XGROUP CREATE s g5 0 entriesread -9 bad',
    'XGROUP HELP',
    'XGROUP HELP x',
    'XGROUP foo',
    'XGROUP foo s g',
    'XGROUP CREATECONSUMER s g c1',
    'XGROUP CREATECONSUMER s g c1',
    'XGROUP CREATECONSUMER s nog c1',
    'XGROUP CREATECONSUMER nokey g c1',
    'XGROUP CREATECONSUMER s g',
    'XGROUP DELCONSUMER s g c1',
    'XGROUP DELCONSUMER s g c9',
    'XGROUP DESTROY s g3',
    'XGROUP DESTROY s g3',
    'XGROUP DESTROY nokey g3',
    'XGROUP DESTROY s g3 x',
    'XGROUP SETID s g 0',
    'XGROUP SETID s g 0 ENTRIESREAD 3',
    'XGROUP SETID s g 0 foo 3',
    'XGROUP SETID s g 0 ENTRIESREAD x',
    'XGROUP SETID s g 0 ENTRIESREAD -5',
    'XGROUP SETID s g 0 ENTRIESREAD',
    'XGROUP SETID s g $ ENTRIESREAD 7',
    'XGROUP SETID s g +',
    'XGROUP SETID s g -',
    'XGROUP SETID s g 5',
    'XGROUP SETID s gx 0',
    'XGROUP SETID nokey g 0',
    'XGROUP SETID s nog 0 ENTRIESREAD -2',
    'XGROUP SETID nokey nog 0 ENTRIESREAD -2',
    'XGROUP SETID nokey nog 0 ENTRIESREAD 5',
    'XGROUP SETID s g 0 MKSTREAM',
    'XGROUP SETID s g 0 ENTRIESREAD 5 ENTRIESREAD 6',
    'XGROUP SETID s g x ENTRIESREAD -2',
    'XGROUP CREATE nokey2 g2 0 ENTRIESREAD 5 MKSTREAM foo',
    'SET str x',
    'XGROUP CREATE str g 0',
    'XGROUP CREATE str g 0 MKSTREAM',
    'XGROUP SETID str g 0',
    'XINFO GROUPS s',
    'XGROUP CREATE s "" 0',
    'XGROUP CREATE s "a b" 0',
    'XINFO GROUPS s',
  ),

  'XREADGROUP: >, history, NOACK, COUNT, several streams, errors': S(
    ...ABC,
    'XGROUP CREATE s g 0',
    'SET str x',
    'XREADGROUP GROUP g a b STREAMS s $',
    'XREADGROUP GROUP g a STREAMS s nokey > >',
    'XREADGROUP GROUP g a STREAMS s abc',
    'XREADGROUP GROUP g a STREAMS s $',
    'XREADGROUP GROUP g a STREAMS s > t',
    'XREADGROUP STREAMS s >',
    'XREADGROUP COUNT 1 NOACK STREAMS s >',
    'XREADGROUP GROUP g a COUNT x STREAMS s 0',
    'XREADGROUP GROUP g a BLOCK -1 STREAMS s 0',
    'XREADGROUP GROUP g a BLOCK x STREAMS s 0',
    'XREADGROUP GROUP g a foo STREAMS s 0',
    'XREADGROUP GROUP g a STREAMS str >',
    'XREADGROUP GROUP g a STREAMS s str > >',
    'XREADGROUP GROUP g a STREAMS s +',
    'XREADGROUP GROUP g a STREAMS s (1',
    'XREADGROUP GROUP g a COUNT -5 STREAMS s 0',
    'XREADGROUP GROUP g a COUNT 1 STREAMS s >',
    'XREADGROUP GROUP g a STREAMS s s > >',
    'XREADGROUP GROUP g a STREAMS s >',
    'XREADGROUP GROUP g a COUNT 0 STREAMS s s 0 0',
    'XREADGROUP GROUP g a COUNT 1 STREAMS s 1',
    'XREADGROUP GROUP g a COUNT 1 STREAMS s 1-1',
    'XREADGROUP GROUP g b STREAMS s 0',
    'XREADGROUP GROUP g a STREAMS s 18446744073709551615-18446744073709551615',
    'XREADGROUP GROUP g a BLOCK 10 STREAMS s >',
    'XREADGROUP GROUP g a BLOCK 10 STREAMS s 0',
    'XADD s 4-1 d 4',
    'XADD s 5-1 e 5',
    'XREADGROUP GROUP g c NOACK COUNT 1 STREAMS s >',
    'XREADGROUP GROUP g c STREAMS s 0',
    'XREADGROUP GROUP g c NOACK STREAMS s >',
    'XPENDING s g',
    'XDEL s 1-1',
    'XREADGROUP GROUP g a STREAMS s 0',
    'XREADGROUP GROUP g a STREAMS s (0',
    'XPENDING s g - + 10',
    'XINFO CONSUMERS s g',
    'XINFO GROUPS s',
    'XADD t 1-1 x y',
    'XGROUP CREATE t g $',
    'XADD t 2-1 x z',
    'XADD s 6-1 f 6',
    'XREADGROUP GROUP g d STREAMS s t > >',
    'XREADGROUP GROUP g d STREAMS t s 0 3-1',
  ),

  'XACK and XPENDING': S(
    ...ABC,
    'XGROUP CREATE s g 0',
    'SET str x',
    'XREADGROUP GROUP g alice COUNT 2 STREAMS s >',
    'XREADGROUP GROUP g bob STREAMS s >',
    'XPENDING s g',
    'XPENDING s nog',
    'XPENDING nokey g',
    'XPENDING str g',
    'XPENDING s g - +',
    'XPENDING s g - + x',
    'XPENDING s g - + -1',
    'XPENDING s g - + 0',
    'XPENDING s g IDLE x - + 1',
    'XPENDING s g IDLE -5 - + 1',
    'XPENDING s g IDLE 10 - +',
    'XPENDING s g IDLE 100000 - + 10',
    'XPENDING s g IDLE 0 - + 10',
    'XPENDING s g - + 10 alice',
    'XPENDING s g - + 10 nobody',
    'XPENDING s g (1-1 + 10',
    'XPENDING s g - (2-1 10',
    'XPENDING s g - (0-0 10',
    'XPENDING s g (18446744073709551615-18446744073709551615 + 10',
    'XPENDING s g (2 + 10',
    'XPENDING s g - (3 10',
    'XPENDING s g 1 2 10 alice extra',
    'XPENDING s g 1 2 10 alice extra more',
    'XPENDING s g + - 10',
    'XPENDING s g abc + 10',
    'XPENDING s g - abc 10',
    'XPENDING s g ( + 10',
    'XACK s g',
    'XACK s g abc',
    'XACK s g 1-1 abc',
    'XACK nokey g 1-1',
    'XACK s nog 1-1',
    'XACK str g 1-1',
    'XACK s g 1-1 1-1 9-9',
    'XACK s g 1',
    'XPENDING s g',
    'XACK s g 2-1 3-1',
    'XPENDING s g',
    'XPENDING s g - + 10',
    'XINFO CONSUMERS s g',
  ),

  'XCLAIM: options and deleted entries': S(
    ...ABC,
    'XGROUP CREATE s g 0',
    'SET str x',
    'XREADGROUP GROUP g a STREAMS s >',
    'XCLAIM s g b x 1-1',
    'XCLAIM s g b -5 1-1 2-1 foo',
    'XCLAIM s g b 0 1-1 IDLE x',
    'XCLAIM s g b 0 1-1 TIME x',
    'XCLAIM s g b 0 1-1 RETRYCOUNT x',
    'XCLAIM s g b 0 1-1 LASTID x',
    'XCLAIM s g b 0 1-1 IDLE',
    'XCLAIM s g b 0 abc',
    'XCLAIM s g b 0 1-1 abc 2-1',
    'XCLAIM nokey g b 0 1-1',
    'XCLAIM s nog b 0 1-1',
    'XCLAIM str g b 0 1-1',
    'XCLAIM s g b 0 9-9 FORCE',
    'XCLAIM s g b 0 3-1 FORCE JUSTID RETRYCOUNT 7',
    'XPENDING s g - + 10',
    'XCLAIM s g b 1000000 1-1',
    'XCLAIM s g b 0 1-1 IDLE 500000 JUSTID',
    'XPENDING s g - + 10',
    'XCLAIM s g b 0 2-1 TIME 123',
    'XCLAIM s g b 0 2-1 TIME -5 RETRYCOUNT -3',
    'XCLAIM s g b 0 2 JUSTID',
    'XCLAIM s g b 0 3-1 RETRYCOUNT 9223372036854775807',
    'XPENDING s g - + 10',
    'XCLAIM s g b 0 3-1',
    'XPENDING s g - + 10',
    'XCLAIM s g b 0 3-1 RETRYCOUNT 9007199254740993 JUSTID',
    'XREADGROUP GROUP g b STREAMS s 0',
    'XPENDING s g - + 10',
    'XPENDING s g - + 10',
    'XACK s g 1-1',
    'XCLAIM s g c 0 1-1',
    'XCLAIM s g c 0 1-1 FORCE',
    'XCLAIM s g c 0 1-1 LASTID 2-1',
    'XCLAIM s g c 0 1-1 LASTID 7-7 JUSTID',
    'XINFO GROUPS s',
    'XCLAIM s g d 0 9-9 LASTID 9-9',
    'XINFO GROUPS s',
    'XDEL s 2-1',
    'XCLAIM s g c 0 2-1 3-1',
    'XPENDING s g',
    'XINFO CONSUMERS s g',
    'XGROUP DELCONSUMER s g c',
    'XPENDING s g',
  ),

  'XAUTOCLAIM: cursor, COUNT, JUSTID, deleted IDs': S(
    ...ABC,
    'XADD s 4-1 d 4',
    'XADD s 5-1 e 5',
    'XGROUP CREATE s g 0',
    'SET str x',
    'XREADGROUP GROUP g a STREAMS s >',
    'XAUTOCLAIM s g c x 0',
    'XAUTOCLAIM s g c 0 x',
    'XAUTOCLAIM s g c 0 0 COUNT 0',
    'XAUTOCLAIM s g c 0 0 COUNT x',
    'XAUTOCLAIM s g c 0 0 COUNT -1',
    'XAUTOCLAIM s g c 0 0 COUNT 576460752303423487 JUSTID',
    'XAUTOCLAIM s g c 0 0 COUNT 576460752303423488',
    'XAUTOCLAIM s g c 0 0 COUNT 1 foo',
    'XAUTOCLAIM s g c 0 0 COUNT',
    'XAUTOCLAIM nokey g c 0 0',
    'XAUTOCLAIM s nog c 0 0',
    'XAUTOCLAIM str g c 0 0',
    'XAUTOCLAIM s g c 0 (18446744073709551615-18446744073709551615',
    'XAUTOCLAIM s g c 0 (1-1 COUNT 1 JUSTID',
    'XAUTOCLAIM s g c 0 - COUNT 2',
    'XAUTOCLAIM s g c 0 + COUNT 1 JUSTID',
    'XAUTOCLAIM s g c 100000 0',
    'XAUTOCLAIM s g d 0 3 COUNT 2',
    'XPENDING s g - + 10',
    'XDEL s 2-1 4-1',
    'XAUTOCLAIM s g e 0 0 COUNT 1',
    'XAUTOCLAIM s g e 0 0 COUNT 2',
    'XAUTOCLAIM s g e 0 0',
    'XPENDING s g',
    'XINFO CONSUMERS s g',
    'XDEL s 1-1 3-1 5-1',
    'XAUTOCLAIM s g f 0 0 JUSTID',
    'XPENDING s g',
    'XINFO CONSUMERS s g',
  ),

  'XINFO: STREAM, FULL, GROUPS, CONSUMERS, lag and entries-read': S(
    'XINFO HELP',
    'XINFO HELP x',
    'XINFO foo s',
    'XINFO STREAM nokey',
    'SET str x',
    'XINFO STREAM str',
    'XINFO GROUPS str',
    'XGROUP CREATE s g0 $ MKSTREAM',
    'XINFO STREAM s',
    'XINFO STREAM s FULL',
    'XINFO GROUPS s',
    ...ABC,
    'XGROUP CREATE s g 0',
    'XGROUP CREATE s g2 $',
    'XGROUP CREATE s g3 2-1',
    'XINFO GROUPS s',
    'XINFO STREAM s full count',
    'XINFO STREAM s fool',
    'XINFO STREAM s full count x',
    'XINFO STREAM s full foo 5',
    'XINFO GROUPS s x',
    'XINFO CONSUMERS s nog',
    'XINFO CONSUMERS nokey nog',
    'XREADGROUP GROUP g a COUNT 1 STREAMS s >',
    'XREADGROUP GROUP g b STREAMS s >',
    'XREADGROUP GROUP g3 b STREAMS s >',
    'XINFO STREAM s',
    'XINFO STREAM s FULL',
    'XINFO STREAM s FULL COUNT 1',
    'XINFO STREAM s FULL COUNT 0',
    'XINFO STREAM s FULL COUNT -1',
    'XINFO GROUPS s',
    'XINFO CONSUMERS s g',
    'XDEL s 2-1',
    'XINFO GROUPS s',
    'XADD s 4-1 d 4',
    'XINFO GROUPS s',
    'XREADGROUP GROUP g2 x STREAMS s >',
    'XINFO GROUPS s',
    'XGROUP SETID s g3 0',
    'XINFO GROUPS s',
    'XGROUP SETID s g3 $',
    'XINFO GROUPS s',
    'XTRIM s MAXLEN 1',
    'XINFO GROUPS s',
    'XGROUP SETID s g3 0',
    'XINFO GROUPS s',
    'XREADGROUP GROUP g3 b STREAMS s >',
    'XINFO GROUPS s',
    'XDEL s 4-1',
    'XINFO GROUPS s',
    'XINFO STREAM s',
    'XGROUP SETID s g3 0 ENTRIESREAD 0',
    'XINFO GROUPS s',
    'XSETID s 10-0 ENTRIESADDED 20 MAXDELETEDID 9-0',
    'XINFO GROUPS s',
    'XINFO STREAM s FULL',
    // counters past 2^53
    'XADD big 1-1 f v',
    'XADD big 2-1 f v',
    'XSETID big 3-0 ENTRIESADDED 9223372036854775807',
    'XGROUP CREATE big g 0 ENTRIESREAD 9223372036854775800',
    'XGROUP CREATE big h 0',
    'XINFO GROUPS big',
    'XREADGROUP GROUP g a STREAMS big >',
    'XREADGROUP GROUP h a COUNT 1 STREAMS big >',
    'XINFO GROUPS big',
    'XADD big 4-1 f v',
    'XINFO GROUPS big',
    'XREADGROUP GROUP g a NOACK STREAMS big >',
    'XINFO GROUPS big',
    'XINFO STREAM big FULL',
    'XGROUP SETID big h 0 ENTRIESREAD 9223372036854775807',
    'XINFO GROUPS big',
    'XGROUP SETID big h 0 ENTRIESREAD 9223372036854775808',
  ),

  'COPY keeps groups, independent of the source': S(
    ...ABC,
    'XGROUP CREATE s g 0',
    'XREADGROUP GROUP g a COUNT 2 STREAMS s >',
    'COPY s t',
    'XACK t g 1-1',
    'XPENDING s g',
    'XPENDING t g',
    'XGROUP DESTROY t g',
    'XINFO GROUPS s',
    'XINFO GROUPS t',
  ),
};

const servers = useServers();

describeWithRedis('compat stream groups', () => {
  for (const [name, steps] of Object.entries(scripts)) {
    for (const proto of [2, 3] as const) {
      it(`[RESP${proto}] ${name}`, async () => {
        const diffs = await runScript(servers, steps, proto, compareStream);
        if (diffs.length > 0) {
          expect.fail(`${diffs.length} difference(s) (tredis vs redis), step # counts HELLO/FLUSHALL:\n${diffs.slice(0, 30).map(formatMismatch).join('\n')}`);
        }
      }, 60000);
    }
  }
});

/**
 * Blocking scenarios: on each server the same clients (connection 0 runs the
 * writes, 1.. block), the same order of events; `wait` lets the blocked
 * commands reach the server before the next write. Each blocked client's
 * reply (or the absence of one so far) is compared.
 */
type BlockStep = { on: number; cmd: string } | { read: number } | { wait: number };

async function runBlocking(s: Servers, steps: BlockStep[], clients: number, proto: Proto): Promise<string[]> {
  const pairs: Pair[] = [];
  for (let i = 0; i < clients; i++) pairs.push(await Pair.open(s));
  const diffs: string[] = [];
  try {
    for (const p of pairs) {
      if (proto === 3) await p.both(['HELLO', '3']);
    }
    await pairs[0].both(['FLUSHALL']);
    for (const st of steps) {
      if ('wait' in st) {
        await new Promise((r) => setTimeout(r, st.wait));
      } else if ('on' in st) {
        const p = pairs[st.on];
        if (st.on === 0) {
          const args = cmd(st.cmd);
          const [t, r] = await p.both(args);
          const [nt, nr] = normaliseStreamReply(args, t, r);
          if (nt !== nr) diffs.push(`${st.cmd}\n  tredis: ${show(t)}\n  redis:  ${show(r)}`);
        } else {
          p.tredis.send(cmd(st.cmd));
          p.redis.send(cmd(st.cmd));
        }
      } else {
        const p = pairs[st.read];
        const [t, r] = await Promise.all([p.tredis.next(1500), p.redis.next(1500)]);
        if (t !== r) diffs.push(`reply of client ${st.read}\n  tredis: ${show(t)}\n  redis:  ${show(r)}`);
      }
    }
  } finally {
    for (const p of pairs) p.close();
  }
  return diffs;
}

const blockRead = (c: string, extra = '') => `XREADGROUP GROUP g ${c} ${extra} BLOCK 0 STREAMS s >`.replace(/ +/g, ' ');

const blockingScripts: Record<string, [number, BlockStep[]]> = {
  'clients blocked on one group are served in order, one entry each': [
    3,
    [
      { on: 0, cmd: 'XGROUP CREATE s g $ MKSTREAM' },
      { on: 1, cmd: blockRead('a') },
      { wait: 50 },
      { on: 2, cmd: blockRead('b', 'COUNT 5') },
      { wait: 50 },
      { on: 0, cmd: 'XADD s 1-1 f v' },
      { read: 1 },
      { on: 0, cmd: 'XADD s 2-1 f v' },
      { read: 2 },
      { on: 0, cmd: 'XPENDING s g' },
      { on: 0, cmd: 'XINFO GROUPS s' },
    ],
  ],
  'NOACK blocked reader, and a wake by another group': [
    3,
    [
      { on: 0, cmd: 'XGROUP CREATE s g $ MKSTREAM' },
      { on: 0, cmd: 'XGROUP CREATE s h $' },
      { on: 1, cmd: blockRead('a', 'NOACK') },
      { on: 2, cmd: 'XREADGROUP GROUP h z BLOCK 0 STREAMS s >' },
      { wait: 50 },
      { on: 0, cmd: 'XADD s 1-1 f v' },
      { read: 1 },
      { read: 2 },
      { on: 0, cmd: 'XPENDING s g' },
      { on: 0, cmd: 'XPENDING s h' },
      { on: 0, cmd: 'XINFO CONSUMERS s g' },
    ],
  ],
  'the group is destroyed while a client is blocked on it': [
    2,
    [
      { on: 0, cmd: 'XGROUP CREATE s g $ MKSTREAM' },
      { on: 1, cmd: blockRead('a') },
      { wait: 50 },
      { on: 0, cmd: 'XGROUP DESTROY s g' },
      { read: 1 },
      { on: 0, cmd: 'XGROUP CREATE s g $' },
      { on: 0, cmd: 'XADD s 1-1 f v' },
      { on: 0, cmd: 'XINFO GROUPS s' },
    ],
  ],
  // Redis 7.0 ends a blocked XREADGROUP with -UNBLOCKED when its key goes
  // away (deleted, overwritten by another type, flushed, renamed away), while
  // a blocked XREAD stays blocked and is served once the stream is back.
  'a blocked XREADGROUP ends when its key is deleted or replaced; XREAD stays': [
    3,
    [
      { on: 0, cmd: 'XGROUP CREATE s g $ MKSTREAM' },
      { on: 1, cmd: blockRead('a') },
      { on: 2, cmd: 'XREAD BLOCK 0 STREAMS s $' },
      { wait: 50 },
      { on: 0, cmd: 'DEL s' },
      { read: 1 },
      { on: 0, cmd: 'XADD s 5-1 f v' },
      { read: 2 },
      { on: 0, cmd: 'XGROUP CREATE s g $' },
      { on: 1, cmd: blockRead('a') },
      { wait: 50 },
      { on: 0, cmd: 'SET s notastream' },
      { read: 1 },
      { on: 0, cmd: 'DEL s' },
      { on: 0, cmd: 'XGROUP CREATE s g $ MKSTREAM' },
      { on: 1, cmd: blockRead('a') },
      { wait: 50 },
      { on: 0, cmd: 'RENAME s t' },
      { read: 1 },
      { on: 0, cmd: 'XGROUP CREATE t g $' },
      { on: 1, cmd: 'XREADGROUP GROUP g a BLOCK 0 STREAMS t >' },
      { wait: 50 },
      { on: 0, cmd: 'FLUSHALL' },
      { read: 1 },
      { on: 0, cmd: 'XADD t 7-1 f v' },
      { on: 0, cmd: 'XINFO STREAM t' },
    ],
  ],
  'a blocked history read never blocks; a timeout gives a null array': [
    2,
    [
      { on: 0, cmd: 'XGROUP CREATE s g $ MKSTREAM' },
      { on: 1, cmd: 'XREADGROUP GROUP g a BLOCK 0 STREAMS s 0' },
      { read: 1 },
      { on: 1, cmd: 'XREADGROUP GROUP g a BLOCK 30 STREAMS s >' },
      { wait: 100 },
      { read: 1 },
    ],
  ],
};

describeWithRedis('compat stream groups: blocking', () => {
  for (const [name, [clients, steps]] of Object.entries(blockingScripts)) {
    for (const proto of [2, 3] as const) {
      it(`[RESP${proto}] ${name}`, async () => {
        const diffs = await runBlocking(servers, steps, clients, proto);
        if (diffs.length > 0) expect.fail(`${diffs.length} difference(s):\n${diffs.join('\n')}`);
      }, 30000);
    }
  }
});
