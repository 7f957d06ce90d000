/**
 * FUNCTION DUMP / FUNCTION RESTORE against a real redis-server: dumps of
 * one library byte for byte (LZF-compressed or not), crafted payloads with
 * every error Redis answers (version, checksum, opcodes, strings of every
 * encoding, 7.0's release-candidate format), the restore policies, and
 * payloads dumped by each server restored on the other. Each script starts
 * with FUNCTION FLUSH.
 *
 * A dump of several libraries lists them in Redis's hash order (random per
 * process): those are compared by restoring them (NORMALISATION 18).
 */
import { expect, it } from 'vitest';
import { Args, Conn, Pair, S, Step, describeScripts, describeWithRedis, formatMismatch, parseReply, useServers } from './harness';
import { L, compareFunctions, lib, one } from './functions-common';
import { prng } from '../prng';
import { crc64, payload, rdbLen, rdbStr } from '../rdb-craft';

const servers = useServers();

const FN2 = Buffer.from([0xf5]);
const PRE_GA = Buffer.from([0xf6]);
const libBody = (name: string, fn: string) => Buffer.concat([FN2, rdbStr(one(name, fn, `'${name}'`))]);
const restore = (p: Buffer, ...policy: string[]): Args => ['FUNCTION', 'RESTORE', p, ...policy];

const scripts: Record<string, Step[]> = {
  'FUNCTION DUMP: payloads of one library': S(
    'FUNCTION FLUSH',
    'FUNCTION DUMP',
    L(one('mylib', 'f', '1')),
    'FUNCTION DUMP',
    'FUNCTION FLUSH',
    L(lib('big', `local function a() return '${'a'.repeat(120)}' end\nredis.register_function('f', a)\nredis.register_function('g', a)\nredis.register_function('h', a)`)),
    'FUNCTION DUMP',
    'CONFIG SET rdbcompression no',
    'FUNCTION DUMP',
    'CONFIG SET rdbcompression yes',
    'FUNCTION FLUSH',
    L(lib('twentyish', "redis.register_function('f', function() return 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' end)")),
    'FUNCTION DUMP',
    'FUNCTION FLUSH',
    L(lib('long', `local v = {}\n${Array.from({ length: 300 }, (_, i) => `v[${i}] = ${i * 7919} -- comment ${i % 17}`).join('\n')}\nredis.register_function('f', function() return v1 end)`)),
    'FUNCTION DUMP',
  ),
  'FUNCTION RESTORE: payloads and their errors': S(
    'FUNCTION FLUSH',
    restore(payload(Buffer.alloc(0))),
    restore(payload(Buffer.concat([libBody('x', 'fx'), libBody('y', 'fy')]))),
    'FUNCTION LIST WITHCODE',
    'FCALL fx 0',
    restore(payload(libBody('x', 'fx'))),
    restore(payload(libBody('x', 'fx')), 'APPEND'),
    restore(payload(libBody('z', 'fx'))),
    restore(payload(libBody('x', 'fx2')), 'replace'),
    'FCALL fx2 0',
    'FCALL fx 0',
    restore(payload(libBody('z', 'fy')), 'REPLACE'),
    'FUNCTION LIST',
    restore(payload(libBody('q', 'fq')), 'flush'),
    'FUNCTION LIST',
    restore(payload(Buffer.alloc(0)), 'FLUSH'),
    'FUNCTION LIST',
    restore(payload(libBody('x', 'fx')), 'bogus'),
    ['FUNCTION', 'RESTORE', 'x', 'bogus'],
    ['FUNCTION', 'RESTORE', 'x', 'flush', 'extra'],
    ['FUNCTION', 'RESTORE', 'abc'],
    ['FUNCTION', 'RESTORE', ''],
    ['FUNCTION', 'RESTORE', Buffer.from([1, 2, 3])],
    restore(payload(libBody('x', 'fx'), 11)),
    restore(payload(libBody('v9', 'fv9'), 9)),
    restore(payload(libBody('v1', 'fv1'), 1)),
    restore(payload(libBody('x', 'fx'), 10, false)),
    restore(payload(Buffer.concat([Buffer.from([0]), rdbStr(one('x', 'fx'))]))),
    restore(payload(Buffer.concat([libBody('t', 'ft'), Buffer.from([0xff])]))),
    restore(payload(Buffer.concat([FN2, rdbLen(100), Buffer.from('#!lua')]))),
    restore(payload(Buffer.concat([FN2, rdbStr('no shebang')]))),
    restore(payload(Buffer.concat([FN2, rdbStr('#!lua name=z\nlocal x = = 1')]))),
    restore(payload(Buffer.concat([libBody('x', 'fx'), libBody('x', 'fy')]))),
    restore(payload(Buffer.concat([libBody('x', 'fx'), libBody('y', 'fx')]))),
    restore(payload(Buffer.concat([FN2, Buffer.from([0xc0, 5])]))),
    restore(payload(Buffer.concat([FN2, Buffer.from([0xc1, 5, 0])]))),
    restore(payload(Buffer.concat([FN2, Buffer.from([0xc2, 5, 0, 0, 0])]))),
    restore(payload(Buffer.concat([FN2, Buffer.from([0xc4])]))),
    restore(payload(Buffer.concat([FN2, Buffer.from([0xc3, 3, 10, 0, 0x61, 0x61])]))),
    restore(payload(Buffer.concat([FN2, Buffer.from([0xc3, 3, 10, 5, 0x61, 0x61])]))),
    restore(payload(Buffer.concat([FN2, Buffer.from([0x80, 0, 0, 0, 5]), Buffer.from('#!lua')]))),
    restore(payload(Buffer.concat([FN2, Buffer.from([0x81, 0, 0, 0, 0, 0, 0, 0, 5]), Buffer.from('#!lua')]))),
    restore(payload(Buffer.concat([FN2, Buffer.from([0x81, 0xff, 0, 0, 0, 0, 0, 0, 5]), Buffer.from('#!lua')]))),
    restore(payload(Buffer.concat([FN2, Buffer.from([0x82])]))),
    restore(payload(FN2)),
    // 7.0's release candidates: name, engine, a description when the indicator is not 0, the code without its shebang
    restore(payload(Buffer.concat([PRE_GA]))),
    restore(payload(Buffer.concat([PRE_GA, rdbStr('x')]))),
    restore(payload(Buffer.concat([PRE_GA, rdbStr('x'), rdbStr('LUA')]))),
    restore(payload(Buffer.concat([PRE_GA, rdbStr('x'), rdbStr('LUA'), rdbLen(0)]))),
    restore(payload(Buffer.concat([PRE_GA, rdbStr('x'), rdbStr('LUA'), rdbLen(1)]))),
    restore(payload(Buffer.concat([PRE_GA, rdbStr('x'), rdbStr('LUA'), rdbLen(1), rdbStr('d')]))),
    restore(payload(Buffer.concat([PRE_GA, rdbStr('x'), rdbStr('LUA'), rdbStr('desc'), rdbStr(one('x', 'fx'))]))),
    restore(payload(Buffer.concat([PRE_GA, rdbStr('x'), rdbStr('LUA'), rdbLen(0), rdbStr(one('x', 'fx'))]))),
    restore(payload(Buffer.concat([PRE_GA, rdbStr('zz'), rdbStr('JS'), rdbLen(1), rdbStr('a desc'), rdbStr('x')]))),
    restore(payload(Buffer.concat([PRE_GA, rdbStr('x-y'), rdbStr('lua'), rdbLen(0), rdbStr("redis.register_function('fo', function() return 'old' end)")]))),
    restore(payload(Buffer.concat([PRE_GA, rdbStr('x y'), rdbStr('lua'), rdbLen(0), rdbStr("redis.register_function('fo', function() return 'old' end)")]))),
    'FUNCTION FLUSH',
    restore(payload(Buffer.concat([PRE_GA, rdbStr('old'), rdbStr('LUA'), rdbLen(7), rdbStr('my desc'), rdbStr("redis.register_function('fo', function() return 'old' end)")]))),
    'FUNCTION LIST WITHCODE',
    'FCALL fo 0',
    'FUNCTION FLUSH',
    // a string running into the version and checksum bytes
    restore(payload(Buffer.concat([FN2, rdbLen(one('ft', 'ft').length + 1), Buffer.from(one('ft', 'ft'))]))),
    restore(payload(Buffer.concat([FN2, rdbLen(one('fu', 'fu').length + 2), Buffer.from(one('fu', 'fu'))]))),
    'FUNCTION LIST WITHCODE',
    'FUNCTION FLUSH',
    restore(payload(Buffer.concat([libBody('a1', 'fa'), libBody('b1', 'fb')]))),
    'FUNCTION FLUSH',
    L(lib('a1', "redis.register_function('fa2', function() return 'a1 v2' end)")),
    restore(payload(Buffer.concat([libBody('a1', 'fa'), libBody('b1', 'fb')]))),
    restore(payload(Buffer.concat([libBody('a1', 'fa'), libBody('b1', 'fb')])), 'replace'),
    'FUNCTION LIST',
    'FCALL fa2 0',
    'FCALL fa 0',
    'FUNCTION FLUSH',
    L(lib('c1', "redis.register_function('fa', function() return 'c1' end)")),
    restore(payload(Buffer.concat([libBody('a1', 'fa'), libBody('b1', 'fb')])), 'replace'),
    restore(payload(Buffer.concat([libBody('a1', 'fa'), libBody('b1', 'fb')])), 'append'),
    'FUNCTION LIST',
    restore(payload(Buffer.concat([libBody('a1', 'fa'), libBody('b1', 'fb')])), 'FLUSH'),
    'FUNCTION LIST',
    'INFO memory',
  ),
};

describeScripts('compat function payloads', scripts, { servers, compare: compareFunctions });

// ---------------------------------------------------------------- across servers

/** A bulk reply's bytes. */
function bulkBytes(reply: string): Buffer {
  const [n] = parseReply(reply);
  expect(n.t, `a bulk reply: ${JSON.stringify(reply.slice(0, 80))}`).toBe('$');
  return Buffer.from(n.body!, 'latin1');
}

/**
 * Libraries of various shapes: short, long, repetitive (LZF back references
 * of every length), random characters in comments; every fifth one tens of
 * kilobytes of lines drawn from a small vocabulary, so repeats lie near and
 * past LZF's 8 KiB window.
 */
function sampleLibraries(seed: number, count: number): string[] {
  const rnd = prng(seed);
  const words = Array.from({ length: 300 }, (_, k) => `w${k}_${Math.floor(rnd() * 1e6)}`);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const lines: string[] = [];
    if (i % 5 === 4) {
      for (let j = 0; j < 1500; j++) lines.push(`-- ${words[Math.floor(rnd() * words.length)]} ${Math.floor(rnd() * 100)}`);
    }
    const n = Math.floor(rnd() * 40);
    for (let j = 0; j < n; j++) {
      const kind = Math.floor(rnd() * 4);
      if (kind === 0) lines.push(`-- ${'abcdefgh'.slice(0, 1 + Math.floor(rnd() * 8)).repeat(1 + Math.floor(rnd() * 60))}`);
      else if (kind === 1) lines.push(`local v${j} = ${Math.floor(rnd() * 1e9)}`);
      else if (kind === 2) lines.push(`-- ${Array.from({ length: Math.floor(rnd() * 200) }, () => String.fromCharCode(33 + Math.floor(rnd() * 94))).join('')}`);
      else lines.push(`local s${j} = '${'x'.repeat(Math.floor(rnd() * 300))}'`);
    }
    out.push(lib(`r${seed}_${i}`, `${lines.join('\n')}\nredis.register_function('r${seed}_${i}_f', function() return ${i} end)`));
  }
  return out;
}

describeWithRedis('compat functions: payloads across servers', () => {
  const step = async (pair: Pair, args: Args) => {
    const m = await compareFunctions(pair, args, 0);
    if (m) expect.fail(formatMismatch(m));
  };

  it('FUNCTION DUMP of one library is byte-identical, over libraries of many shapes, with and without rdbcompression', async () => {
    const pair = await Pair.open(servers);
    try {
      for (const compression of ['yes', 'no']) {
        await step(pair, ['CONFIG', 'SET', 'rdbcompression', compression]);
        for (const code of sampleLibraries(compression === 'yes' ? 1 : 2, 60)) {
          await step(pair, ['FUNCTION', 'FLUSH']);
          await step(pair, L(code));
          await step(pair, ['FUNCTION', 'DUMP']);
        }
      }
      await step(pair, ['CONFIG', 'SET', 'rdbcompression', 'yes']);
    } finally {
      await pair.close();
    }
  }, 60000);

  it("each server restores the other's dump of several libraries, under every policy", async () => {
    const pair = await Pair.open(servers);
    try {
      const codes = sampleLibraries(3, 12);
      for (const [from, to] of [
        ['redis', 'tredis'],
        ['tredis', 'redis'],
      ] as const) {
        await step(pair, ['FUNCTION', 'FLUSH']);
        for (const code of codes) await step(pair, L(code));
        const dump = bulkBytes(await pair[from].cmd(['FUNCTION', 'DUMP']));
        const other: Conn = pair[to];
        const label = `${to} restoring ${from}'s dump`;
        // every library exists: APPEND refuses (naming the first collision found, in hash order on Redis)
        expect(await other.cmd(['FUNCTION', 'RESTORE', dump]), label).toMatch(/^-ERR Library r3_\d+ already exists\r\n$/);
        expect(await other.cmd(['FUNCTION', 'RESTORE', dump, 'APPEND']), label).toMatch(/^-ERR Library r3_\d+ already exists\r\n$/);
        expect(await other.cmd(['FUNCTION', 'RESTORE', dump, 'REPLACE']), label).toBe('+OK\r\n');
        await step(pair, ['FUNCTION', 'LIST', 'WITHCODE']);
        await step(pair, ['FUNCTION', 'DELETE', 'r3_4']);
        expect(await other.cmd(['FUNCTION', 'RESTORE', dump, 'FLUSH']), label).toBe('+OK\r\n');
        expect(await pair[from].cmd(['FUNCTION', 'LOAD', codes[4]])).toBe('$4\r\nr3_4\r\n');
        await step(pair, ['FUNCTION', 'LIST', 'WITHCODE']);
        await step(pair, ['FCALL', 'r3_5_f', '0']);
        // into an empty server
        await step(pair, ['FUNCTION', 'FLUSH']);
        expect(await other.cmd(['FUNCTION', 'RESTORE', dump]), label).toBe('+OK\r\n');
        expect(await pair[from].cmd(['FUNCTION', 'RESTORE', dump]), `${from} restoring its own dump`).toBe('+OK\r\n');
        await step(pair, ['FUNCTION', 'LIST', 'WITHCODE']);
        await step(pair, ['FUNCTION', 'STATS']);
        await step(pair, ['FCALL', 'r3_11_f', '0']);
      }
    } finally {
      await pair.close();
    }
  }, 60000);
});
