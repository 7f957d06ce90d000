/**
 * Differential scripts for the non-group stream commands (XADD XLEN XRANGE
 * XREVRANGE XDEL XTRIM XSETID XREAD): the same commands on a real
 * redis-server and on tredis, in RESP2 and RESP3, every reply compared byte
 * for byte. IDs are explicit (or generated after XSETID to a far-future ID,
 * so that `*` is deterministic); XINFO STREAM checks the node layout
 * (radix-tree-keys/-nodes) that approximate trimming depends on. Blocking
 * XREAD runs on two connections per server.
 */
import { expect, it } from 'vitest';
import { Args, BlockStep, describeWithRedis, formatMismatch, runBlocking, runScript, Step, useServers } from './harness';

function cmd(line: string): Args {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1] : m[2]));
}
const S = (...steps: (string | Step | Step[])[]): Step[] =>
  steps.flatMap((s) => (typeof s === 'string' ? [cmd(s)] : Array.isArray(s) && Array.isArray(s[0]) ? (s as Step[]) : [s as Step]));

/** n XADDs to key with IDs ms-1 for ms = from.., fields built by f. */
function adds(key: string, n: number, f: (i: number) => string[] = (i) => ['f', String(i)], from = 1, opts: string[] = []): Step[] {
  const out: Step[] = [];
  for (let i = 0; i < n; i++) out.push(['XADD', key, ...opts, `${from + i}-1`, ...f(i)]);
  return out;
}

const MAX = '18446744073709551615';

const scripts: Record<string, Step[]> = {
  'XADD: IDs, partial IDs, errors and their order': S(
    'XADD s 1-1 a 1',
    'XADD s 1-1 a 1',
    'XADD s 0-0 a 1',
    'XADD s 0 a 1',
    'XADD s2 0-0 a 1',
    'XADD s - a 1',
    'XADD s + a 1',
    'XADD s 1-* a',
    'XADD s 5-* a 1',
    'XADD s 5-* a 1 b 2',
    'XADD s 5-* a 1',
    'XADD s 4-* a 1',
    'XADD s 5 a 1',
    'XADD s 6 a 1',
    'XADD s 007-01 a 1',
    'XADD s 7-1 a 1',
    'XADD s 7-000000000000000000018446744073709551615 a 1',
    'XADD s 0000000000000000000000008 a 1',
    'XRANGE s 000000000000000000000007 +',
    'XADD s "+8- 3" a 1',
    'XADD s 9-x a 1',
    'XADD s x-1 a 1',
    'XADD s 9--1 a 1',
    'XADD s -9 a 1',
    `XADD s 18446744073709551616-0 a 1`,
    `XADD s 9-18446744073709551616 a 1`,
    'XADD s 10-1 a',
    'XADD s 10-1 a 1 b',
    'XADD s 10-1',
    'XADD s',
    'XADD s nomkstream',
    'XADD s nomkstream nomkstream 10-1 a 1',
    'XADD nokey NOMKSTREAM 1-1 a 1',
    'EXISTS nokey',
    'XADD nokey nomkstream 0-0 a 1',
    'XADD s4 0-* a 1',
    'XADD s4 0-* a 1',
    `XADD s3 ${MAX}-* a 1`,
    `XADD s3 ${MAX}-* a 1`,
    `XADD s3 ${MAX}-${MAX} a 1`,
    `XADD s3 ${MAX}-* a 1`,
    'XADD s3 1-1 a 1',
    'XADD s3 * a 1',
    `XADD s5 ${MAX}-${MAX} a 1`,
    'XADD s5 * a 1',
    'XADD s6 * ""',
    'XADD s "" a 1',
    'XLEN s',
    'XLEN s3',
    'XLEN nokey',
    'XRANGE s - +',
    'XRANGE s3 - +',
    'TYPE s',
    'OBJECT ENCODING s',
  ),

  'XADD: `*` after XSETID, same-ms sequence and fields': S(
    'XADD s 1-1 a 1',
    'XSETID s 99999999999999-5',
    'XADD s * a 1',
    'XADD s * a 1 b 2',
    'XADD s * b 2 a 1',
    'XADD s * a 1 b 2',
    'XADD s * "" "" "x y" "z"',
    'XADD s 99999999999999-* a 1',
    'XADD s 99999999999999 a 1',
    'XADD s 99999999999999-100 a 1',
    'XADD s 99999999999999-* a 1',
    'XSETID s 99999999999999-18446744073709551615',
    'XADD s * a 1',
    'XADD s 99999999999999-* a 1',
    'XRANGE s - +',
    'XREVRANGE s + - COUNT 3',
  ),

  'XADD: trimming options, errors and LIMIT': S(
    'XADD s maxlen ~ 1 limit 10 1-1 a 1',
    'XADD s maxlen 1 limit 10 2-1 a 1',
    'XADD s maxlen = 1 limit 10 2-1 a 1',
    'XADD s maxlen -1 2-1 a 1',
    'XADD s maxlen abc 2-1 a 1',
    'XADD s limit -1 2-1 a 1',
    'XADD s limit 0 2-1 a 1',
    'XADD s limit 5 2-1 a 1',
    'XADD s maxlen ~ 1 limit -1 2-1 a 1',
    'XADD s maxlen ~ 1 limit abc 2-1 a 1',
    'XADD s minid abc 2-1 a 1',
    'XADD s minid - 2-1 a 1',
    'XADD s minid + 2-1 a 1',
    'XADD s maxlen 1 minid 1 2-1 a 1',
    'XADD s maxlen 1 maxlen 2 2-1 a 1',
    'XADD s minid 1 maxlen ~ 2 2-1 a 1',
    'XADD s maxlen = 2-1 a 1',
    'XADD s maxlen ~ x 2-1 a 1',
    'XADD s maxlen ~ 9223372036854775808 2-1 a 1',
    'XADD s maxlen 9223372036854775807 2-1 a 1',
    'XADD s MAXLEN ~ 1 LiMiT 5 3-1 a 1',
    'XADD s limit 10 maxlen ~ 5 4-1 a 1',
    'XADD s maxlen ~ 5 limit 0 5-1 a 1',
    'XADD s maxlen 2 6-1 a 1',
    'XADD s minid 6 7-1 a 1',
    'XADD s minid = 7-1 8-1 a 1',
    'XADD s maxlen ~',
    'XADD s maxlen ~ 1',
    'XADD s maxlen 5 a 1',
    'XRANGE s - +',
    'XLEN s',
  ),

  'XADD and XTRIM: approximate trimming removes whole nodes only': S(
    adds('s', 250),
    'XINFO STREAM s',
    'XADD s maxlen ~ 120 limit 1000 300-1 a 1',
    'XLEN s',
    'XADD s maxlen ~ 20 301-1 a 1',
    'XLEN s',
    'XADD s minid ~ 300 302-1 a 1',
    'XLEN s',
    'XRANGE s - + COUNT 2',
    'XTRIM s maxlen ~ 0 limit 0',
    'XLEN s',
    'XINFO STREAM s',
    adds('t', 350, (i) => ['f', 'x'.repeat(i % 50)], 1000),
    'XTRIM t maxlen ~ 100',
    'XTRIM t maxlen ~ 100 limit 50',
    'XTRIM t maxlen ~ 100 limit 99',
    'XTRIM t minid ~ 1200',
    'XTRIM t minid 1200',
    'XTRIM t minid 1200-2',
    'XTRIM t maxlen 10',
    'XLEN t',
    'XRANGE t - +',
    'XINFO STREAM t',
  ),

  'XTRIM: options and errors': S(
    adds('s', 10),
    'XTRIM s',
    'XTRIM s maxlen',
    'XTRIM s maxlen 1 extra',
    'XTRIM s foo 1',
    'XTRIM s maxlen = 1 limit 1',
    'XTRIM s limit 0',
    'XTRIM s limit 5',
    'XTRIM s nomkstream maxlen 0',
    'XTRIM s maxlen 0 maxlen 5',
    'XTRIM s maxlen ~ 10 minid 5',
    'XTRIM s minid ~ - limit 1',
    'XTRIM s minid +',
    'XTRIM s maxlen -1',
    'XTRIM s maxlen ~ 5 limit 0',
    'XTRIM s minid 3',
    'XTRIM s minid = 3',
    'XTRIM s minid 5-0',
    'XTRIM s MAXLEN = 3',
    'XTRIM s maxlen 100',
    'XTRIM nokey maxlen 0',
    'XTRIM nokey foo',
    'XRANGE s - +',
    'XTRIM s maxlen 0',
    'EXISTS s',
    'XLEN s',
    'XRANGE s - +',
    'XINFO STREAM s',
  ),

  'Node layout: stream-node-max-entries / -max-bytes and value sizes': S(
    adds('a', 300, () => ['f', 'x'.repeat(100)]),
    'XINFO STREAM a',
    adds('b', 400, (i) => ['f', String(i * 1000), 'g', String(-i)]),
    'XINFO STREAM b',
    adds('c', 300, (i) => (i % 3 ? ['f', 'x'.repeat(i % 200)] : ['g', 'y', 'h', 'z'.repeat(i % 90)])),
    'XINFO STREAM c',
    adds('d', 40, () => ['f', 'x'.repeat(5000)]),
    'XINFO STREAM d',
    'XTRIM d maxlen ~ 10',
    'XINFO STREAM d',
    'CONFIG SET stream-node-max-entries 7',
    adds('e', 50),
    'XINFO STREAM e',
    'XTRIM e maxlen ~ 20',
    'XLEN e',
    'CONFIG SET stream-node-max-entries 1',
    adds('e1', 250),
    'XTRIM e1 maxlen ~ 0',
    'XLEN e1',
    'CONFIG SET stream-node-max-entries 0',
    'CONFIG SET stream-node-max-bytes 300',
    adds('g', 60),
    'XINFO STREAM g',
    'XTRIM g maxlen ~ 30',
    'XLEN g',
    // integer-looking values take Redis's integer encodings: sizes at each boundary
    ...['127', '128', '4095', '4096', '-4096', '-4097', '32767', '32768', '-32769', '8388607', '8388608', '-8388609',
      '2147483647', '2147483648', '-2147483649', '9223372036854775807', '9223372036854775808', '-9223372036854775808',
      '-0', '01', ' 1', '+1', '1.0', '12345678901234567890', ''].flatMap((v, k) => [
      ['DEL', 'iv'],
      ...adds('iv', 40, (i) => ['f', v, 'g' + (i % 2), v], 1000 + k),
      ['XINFO', 'STREAM', 'iv'],
    ]),
    'CONFIG SET stream-node-max-bytes 0',
    adds('h', 300),
    'XINFO STREAM h',
    'CONFIG SET stream-node-max-entries 100',
    'CONFIG SET stream-node-max-bytes 4096',
    'CONFIG GET stream-node-max-*',
  ),

  'XRANGE / XREVRANGE: bounds, exclusive ranges, COUNT, errors': S(
    'XADD s 1-1 a 1',
    'XADD s 2-1 b 2',
    'XADD s 2-5 c 3',
    'XADD s 3-0 d 4',
    'XRANGE s - +',
    'XRANGE s ( +',
    'XRANGE s (- +',
    'XRANGE s (+ +',
    `XRANGE s (${MAX}-${MAX} +`,
    'XRANGE s - (0-0',
    'XRANGE s - (0',
    'XRANGE s - (-',
    'XRANGE s 2 2',
    'XRANGE s (2 +',
    'XRANGE s (2-1 (3',
    'XRANGE s (1-1 (3-0',
    'XRANGE s 2-1 2-5',
    'XRANGE s 3 1',
    'XRANGE s 1 + count',
    'XRANGE s 1 + count -1',
    'XRANGE s 1 + count 0',
    'XRANGE s 1 + count abc',
    'XRANGE s 1 + foo 1',
    'XRANGE s 1 + count 1 count 2',
    'XRANGE s 1 + COUNT 2',
    'XRANGE s x +',
    'XRANGE s - x',
    'XRANGE s 1-2-3 +',
    'XREVRANGE s + -',
    'XREVRANGE s (2-5 -',
    'XREVRANGE s + (2-1',
    'XREVRANGE s + - COUNT 1',
    'XREVRANGE s + - COUNT 0',
    'XREVRANGE s 2 2',
    'XREVRANGE s - +',
    'XREVRANGE s (- +',
    'XREVRANGE s + (0',
    'XRANGE nokey - +',
    'XRANGE nokey - + COUNT 0',
    'XRANGE nokey x +',
    'XREVRANGE nokey + -',
    `XADD big ${MAX}-0 a 1`,
    `XADD big ${MAX}-${MAX} a 1`,
    `XRANGE big ${MAX} +`,
    `XRANGE big (${MAX}-0 +`,
    `XREVRANGE big + ${MAX}`,
  ),

  'XRANGE over many nodes, with deleted entries': S(
    adds('s', 420, (i) => (i % 7 === 0 ? ['x', String(i), 'y', 'z'] : ['f', String(i)])),
    'XDEL s 1-1 2-1 3-1 100-1 101-1 199-1 200-1 201-1 202-1 419-1 420-1',
    'XRANGE s 98 205',
    'XREVRANGE s 205 98',
    'XRANGE s - + COUNT 5',
    'XREVRANGE s + - COUNT 5',
    'XRANGE s (99-1 (203-1',
    'XRANGE s 150 + COUNT 3',
    'XREVRANGE s 150 - COUNT 3',
    'XLEN s',
    'XINFO STREAM s',
  ),

  'XDEL: counts, first entry, tombstones, emptied nodes': S(
    adds('s', 150),
    'XDEL s 1-1 1-1 9999-9',
    'XDEL s abc',
    'XDEL s 1-1 abc',
    'XDEL s -',
    'XDEL s 2',
    'XDEL s 2-1',
    'XDEL nokey 1-1',
    'XDEL nokey abc',
    'XLEN s',
    'XRANGE s - + COUNT 2',
    'XINFO STREAM s',
    ...Array.from({ length: 10 }, (_, k) => ['XDEL', 's', ...Array.from({ length: 10 }, (_, j) => `${3 + k * 10 + j}-1`)]),
    'XINFO STREAM s',
    'XADD s 151-1 a 1',
    'XINFO STREAM s',
    'XDEL s 151-1 150-1',
    'XADD s 152-1 a 1',
    'XINFO STREAM s',
    'XTRIM s maxlen 0',
    'XINFO STREAM s',
    'XADD s 153-1 a 1',
    'XDEL s 153-1',
    'XINFO STREAM s',
    'EXISTS s',
  ),

  'XSETID: options, errors, effects': S(
    'XSETID nokey 1-1',
    'XADD s 5-1 a 1',
    'XADD s 6-1 b 2',
    'XSETID s 5-1',
    'XSETID s 6-0',
    'XSETID s 6-1 entriesadded 1',
    'XSETID s 6-1 entriesadded 2',
    'XSETID s -',
    'XSETID s +',
    'XSETID s 7 maxdeletedid 0-0',
    'XSETID s 7 maxdeletedid +',
    'XSETID s 7 maxdeletedid -',
    'XSETID s 7 maxdeletedid 8',
    'XSETID s 7 entriesadded 9223372036854775808',
    'XSETID s 7 entriesadded',
    'XSETID s 7 entriesadded -1',
    'XSETID s 7 entriesadded abc',
    'XSETID s 7 foo',
    'XSETID s 7 ENTRIESADDED 5 MAXDELETEDID 2-0 ENTRIESADDED 6',
    'XINFO STREAM s',
    'XSETID s 7',
    'XADD s 7-0 a 1',
    'XADD s 7-* a 1',
    'XDEL s 5-1 6-1 7-1',
    'XSETID s 1-1',
    'XINFO STREAM s',
    'XSETID s 0-0',
    'XADD s 1-0 a 1',
    'XINFO STREAM s',
    'XSETID s 5',
    'XSETID s 5 entriesadded 0',
    'XINFO STREAM s',
  ),

  'XREAD: streams, $, COUNT, errors (non-blocking)': S(
    'XADD s 5-1 a 1',
    'XADD s 6-1 b 2',
    'XADD t 1-1 c 3',
    'SET str x',
    'XREAD streams s',
    'XREAD streams s 0',
    'XREAD count 1 streams s 0',
    'XREAD count -1 streams s 0',
    'XREAD count 0 streams s 0',
    'XREAD count abc streams s 0',
    'XREAD count 9223372036854775808 streams s 0',
    'XREAD block -1 streams s 0',
    'XREAD block abc streams s 0',
    'XREAD block 1.5 streams s 0',
    'XREAD block 0 streams s 0',
    'XREAD block 9223372036854775807 streams s 0',
    'XREAD streams s t 0',
    'XREAD streams s t 0 0',
    'XREAD streams s t 0 $',
    'XREAD streams s t $ $',
    'XREAD streams s t 5-1 0',
    'XREAD streams s t 6-1 1-1',
    'XREAD streams s x',
    'XREAD foo streams s 0',
    'XREAD streams',
    'XREAD count 1',
    'XREAD block 0 count 1',
    'XREAD streams s str 0 0',
    'XREAD streams str s 0 0',
    'XREAD streams str s 0 x',
    'XREAD streams s str x 0',
    'XREAD streams s +',
    'XREAD streams s -',
    'XREAD streams s 5',
    'XREAD streams s (5',
    'XREAD streams s >',
    'XREAD streams s s 0 5-1',
    'XREAD noack streams s 0',
    'XREAD group g c streams s 0',
    'XREAD count 1 group g streams s 0',
    `XREAD streams s ${MAX}-${MAX}`,
    'XREAD streams nokey 0',
    'XREAD streams nokey $',
    'XREAD block 10 streams s $',
    'XREAD block 10 streams nokey $',
    'XREAD COUNT 1 BLOCK 10 STREAMS s t 0 0',
    'XREAD STREAMS s 0 COUNT 1',
  ),

  'WRONGTYPE and keys of other types': S(
    'SET str x',
    'XADD str 1-1 a 1',
    'XADD str nomkstream 1-1 a 1',
    'XADD str xx a 1',
    'XADD str 0-0 a 1',
    'XADD str 0-* a 1',
    'XLEN str',
    'XRANGE str - +',
    'XRANGE str x +',
    'XREVRANGE str + -',
    'XDEL str 1-1',
    'XDEL str abc',
    'XTRIM str maxlen 1',
    'XTRIM str foo',
    'XSETID str 1-1',
    'XSETID str x',
    'XREAD streams str 0',
    'XADD s 1-1 a 1',
    'LPUSH s x',
    'GET s',
  ),

  'COPY, RENAME, DEL and DUMP-free copies of streams': S(
    adds('s', 150),
    'XDEL s 10-1',
    'COPY s c',
    'XADD c 151-1 x y',
    'XDEL c 1-1',
    'XLEN s',
    'XLEN c',
    'XRANGE s - + COUNT 3',
    'XRANGE c - + COUNT 3',
    'XINFO STREAM s',
    'XINFO STREAM c',
    'RENAME c d',
    'XLEN d',
    'OBJECT ENCODING d',
    'DEL d',
    'XLEN d',
  ),
};

const servers = useServers();

describeWithRedis('compat streams', () => {
  for (const [name, steps] of Object.entries(scripts)) {
    for (const proto of [2, 3] as const) {
      it(`[RESP${proto}] ${name}`, async () => {
        const diffs = await runScript(servers, steps, proto);
        if (diffs.length > 0) {
          expect.fail(`${diffs.length} difference(s) (tredis vs redis), step # counts HELLO/FLUSHALL:\n${diffs.slice(0, 30).map(formatMismatch).join('\n')}`);
        }
      }, 60000);
    }
  }

  /**
   * A blocking scenario: `setup` on the last connection, then `blockers`
   * sent on their own connections (a PING on the last one after each, so
   * they register in order), then `writes` on the last one; then the reply
   * of every blocked connection, in order, each read for up to `waitMs` +
   * 2000 ms. Every reply is compared byte for byte.
   */
  function scenario(proto: 2 | 3, setup: string[], blockers: string[], writes: string[], waitMs = 300): Promise<string[]> {
    const w = blockers.length;
    const steps: BlockStep[] = [
      ...setup.map((c) => ({ on: w, cmd: c })),
      ...blockers.flatMap((c, i) => [{ block: i, cmd: c }, { on: w, cmd: 'PING' }]),
      ...writes.map((c) => ({ on: w, cmd: c })),
      ...blockers.map((_, i) => ({ read: i })),
    ];
    return runBlocking(servers, steps, blockers.length + 1, proto, { readTimeoutMs: waitMs + 2000 });
  }

  const blocking: Record<string, [string[], string[], string[]]> = {
    'served by a later XADD, with $ and COUNT': [
      ['XADD s 1-1 a 1'],
      ['XREAD BLOCK 0 STREAMS s $', 'XREAD COUNT 1 BLOCK 0 STREAMS s 0-0 ', 'XREAD BLOCK 0 STREAMS s 1-1'],
      ['XADD s 2-1 b 2', 'XADD s 3-1 c 3'],
    ],
    'several keys: the first to get data answers, alone': [
      ['XADD a 1-1 x 1'],
      ['XREAD BLOCK 0 STREAMS a b $ $', 'XREAD BLOCK 0 STREAMS b a 0 1-1'],
      ['XADD b 5-1 y 2'],
    ],
    'timeout replies the null array': [[], ['XREAD BLOCK 100 STREAMS s $'], ['PING']],
    'a key created by XADD wakes the reader; other types do not serve it': [
      [],
      ['XREAD BLOCK 600 STREAMS s 0', 'XREAD BLOCK 600 STREAMS k $'],
      ['SET k v', 'DEL k', 'XADD s 1-1 a 1'],
    ],
    'an XADD whose MAXLEN trims its own entry still serves (an empty list)': [
      ['XADD s 1-1 a 1'],
      ['XREAD BLOCK 0 STREAMS s $', 'XREAD COUNT 5 BLOCK 0 STREAMS s 0'],
      ['XADD s MAXLEN 0 2-1 b 2', 'XADD s 3-1 c 3'],
    ],
    'XSETID or a deleted entry alone does not wake; the next XADD serves what is there': [
      ['XADD s 1-1 a 1'],
      ['XREAD BLOCK 0 STREAMS s $'],
      ['XSETID s 5-0', 'XADD s 6-1 b 2'],
    ],
  };

  for (const [name, [setup, blockers, writes]] of Object.entries(blocking)) {
    for (const proto of [2, 3] as const) {
      it(`[RESP${proto}] blocking XREAD: ${name}`, async () => {
        const diffs = await scenario(proto, setup, blockers, writes, 700);
        expect(diffs, diffs.join('\n')).toEqual([]);
      }, 30000);
    }
  }

  it('a blocked XREAD is unaffected by the key being deleted, then served by a new stream', async () => {
    const diffs = await scenario(2, ['XADD s 5-1 a 1'], ['XREAD BLOCK 0 STREAMS s $'], ['DEL s', 'XADD s 1-1 b 2', 'XADD s 6-1 c 3']);
    expect(diffs, diffs.join('\n')).toEqual([]);
  });
});
