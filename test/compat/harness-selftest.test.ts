/**
 * The differential harness must notice a tredis that differs from Redis
 * where the normalisations leave no room. Each test puts a fault proxy
 * (fault-proxy.ts) in front of tredis that plants one bug, and checks that
 * runScript / runSeed / runBlocking report it; the normalisers are checked
 * on replies built by hand. Each planted bug passed an earlier harness.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultProxy, Rewrite, startFaultProxy } from './fault-proxy';
import { StoredDistances, closeDigits } from './geo-distances';
import { BlockStep, Mismatch, Pair, Servers, cmd, describeWithRedis, formatMismatch, runBlocking, runScript, S, useServers } from './harness';
import { runSeed } from './random-runner';
import { normaliseStreamReply } from './stream-groups-norm';

const servers = useServers();

/** Run `body` with tredis behind a proxy that rewrites its replies with `rewrite`. */
async function withFault<T>(rewrite: Rewrite, body: (s: Servers) => Promise<T>): Promise<T> {
  const proxy: FaultProxy = await startFaultProxy(servers.tredis, rewrite);
  try {
    return await body({ ...servers, tredis: proxy.port });
  } finally {
    await proxy.close();
  }
}

const named = (name: string, f: (args: string[], reply: string) => string): Rewrite => (args, reply) => (args[0]?.toUpperCase() === name ? f(args, reply) : reply);
const shown = (ms: Mismatch[]) => ms.map(formatMismatch).join('\n');

describeWithRedis('compat harness self-test', () => {
  describe('left-over replies (a duplicated or extra reply is a difference)', () => {
    const duplicateEcho = named('ECHO', (args, reply) => (args[1] === 'twice' ? reply + reply : reply));

    it('runScript', async () => {
      const diffs = await withFault(duplicateEcho, (s) => runScript(s, S('SET a 1', 'ECHO twice'), 2));
      expect(shown(diffs)).toContain('left over after the last reply');
    });

    it('runSeed', async () => {
      const steps = [['SET', 'a', '1'], ['ECHO', 'twice']];
      const report = await withFault(duplicateEcho, (s) => runSeed(s, { seed: 1, proto: 3, next: () => steps.shift()!, commands: 2, reproduce: '-' }));
      expect(report).toContain('left over after the last reply');
    });

    it('runBlocking: an extra reply to a served blocked client', async () => {
      const steps: BlockStep[] = [{ block: 1, cmd: 'BLPOP q 5' }, { wait: 50 }, { on: 0, cmd: 'RPUSH q x' }, { read: 1 }];
      const extra = named('BLPOP', (_args, reply) => reply + ':1\r\n');
      const diffs = await withFault(extra, (s) => runBlocking(s, steps, 2, 2));
      expect(diffs.join('\n')).toMatch(/client 1: left over after the last reply: tredis ":1\\r\\n"/);
    });

    it('runBlocking compares its setup replies (HELLO 3, FLUSHALL)', async () => {
      const failFlush = named('FLUSHALL', () => '-ERR planted\r\n');
      const diffs = await withFault(failFlush, (s) => runBlocking(s, [{ on: 0, cmd: 'PING' }], 1, 3));
      expect(diffs.join('\n')).toContain('-ERR planted');
    });
  });

  describe('NORMALISATION 5: absolute expiry times are exact, relative ones keep the tolerance', () => {
    const plusOne = named('PEXPIRETIME', (_args, reply) => (/^:\d+\r\n$/.test(reply) ? `:${Number(reply.slice(1, -2)) + 1}\r\n` : reply));

    it('SET ... PXAT t then PEXPIRETIME answers t on both', async () => {
      const diffs = await withFault(plusOne, (s) => runScript(s, S('SET k v PXAT 4000000000000', 'PEXPIRETIME k', 'PEXPIREAT k 4100000000000', 'PEXPIRETIME k'), 2));
      expect(diffs.map((d) => d.cmd.join(' '))).toEqual(['PEXPIRETIME k', 'PEXPIRETIME k']);
    });

    it('a relative expiry is read within the tolerance, and a later relative one clears the exact check', async () => {
      const diffs = await withFault(plusOne, (s) => runScript(s, S('SET k v PX 100000000', 'PEXPIRETIME k', 'SET j v EXAT 4000000000', 'EXPIRE j 1000', 'PEXPIRETIME j'), 3));
      expect(shown(diffs)).toBe('');
    });
  });

  describe('NORMALISATION 2: SCAN', () => {
    /** Drop the last key of a page. */
    const dropLast = (reply: string) => reply.replace(/\*(\d+)\r\n((?:\$\d+\r\n[^\r]*\r\n)*)\$\d+\r\n[^\r]*\r\n$/, (_m, n, keys) => `*${Number(n) - 1}\r\n${keys}`);
    const script = S(...Array.from({ length: 5 }, (_, i) => `SET key:${i} ${i}`));

    it('a cursor Redis reads as 0 ("") starts a walk whose keys are compared', async () => {
      const fault = named('SCAN', (args, reply) => (args[1] === '' ? dropLast(reply) : reply));
      const diffs = await withFault(fault, (s) => runScript(s, [...script, ['SCAN', '']], 2));
      expect(shown(diffs)).toContain('SCAN walks differ');
    });

    it('a made-up cursor must give tredis the page of SCAN 0', async () => {
      const fault = named('SCAN', (args, reply) => (args[1] === '-1' ? dropLast(reply) : reply));
      const diffs = await withFault(fault, (s) => runScript(s, [...script, ['SCAN', '-1']], 2));
      expect(shown(diffs)).toContain('a cursor it did not hand out must start a new walk');
    });
  });

  describe('NORMALISATION 7: INFO counters are compared', () => {
    for (const [field, re] of [
      ['commandstats calls', /cmdstat_get:calls=1,/],
      ['failed calls', /failed_calls=1\r\n/],
      ['keyspace hits', /keyspace_hits:1\r\n/],
      ['keyspace misses', /keyspace_misses:1\r\n/],
      ['changes since the last save', /rdb_changes_since_last_save:\d+/],
    ] as const) {
      it(field, async () => {
        const fault = named('INFO', (_args, reply) => reply.replace(re, (m) => m.replace(/\d+/, (d) => String(Number(d) + 1))));
        const diffs = await withFault(fault, (s) => runScript(s, S('CONFIG RESETSTAT', 'SET k 1', 'GET k', 'GET nokey', 'INCR nokey x', 'INFO everything'), 2));
        expect(diffs.map((d) => d.cmd.join(' '))).toEqual(['INFO everything']);
      });
    }
  });

  describe('NORMALISATION 14: stored distances', () => {
    it('differ only in the last two of 17 significant digits, in the same form', () => {
      expect(closeDigits('6307.2337951714107', '6307.2337951714117')).toBe(true);
      expect(closeDigits('1523.0059566034442', '1523.005956603444')).toBe(true); // %g dropped a trailing 0
      expect(closeDigits('6307.2337951714107', '6307.2337951715107')).toBe(false);
      expect(closeDigits('1e+30', '1.0000000000000000e+30')).toBe(false);
      expect(closeDigits('0', '')).toBe(false);
      expect(closeDigits('-0.5', '0.5')).toBe(false);
      expect(closeDigits('99.999999999999986', '100')).toBe(false);
    });

    it('apply only to keys holding stored distances, with RESP types kept', () => {
      const d = new StoredDistances();
      const zr = (v: string, t = '$') => (t === '$' ? `*2\r\n$1\r\nm\r\n$${v.length}\r\n${v}\r\n` : `*1\r\n*2\r\n$1\r\nm\r\n,${v}\r\n`);
      const read = cmd('ZRANGE d 0 -1 WITHSCORES');
      expect(d.agree(read, zr('12.151739219462982'), zr('12.151739219462992'))).toBe(false); // nothing stored yet
      d.observe(cmd('GEOSEARCHSTORE d g FROMLONLAT 0 0 BYRADIUS 10 km STOREDIST'), ':1\r\n', ':1\r\n');
      expect(d.agree(read, zr('12.151739219462982'), zr('12.151739219462992'))).toBe(true);
      expect(d.agree(read, zr('12.151739219462982', ','), zr('12.151739219462992', ','))).toBe(true);
      expect(d.agree(read, zr('12.151739219462982', ','), zr('12.151739219462992'))).toBe(false);
      expect(d.agree(cmd('ZRANGE d 0 -1'), zr('12.151739219462982'), zr('12.151739219462992'))).toBe(false);
      d.observe(cmd('GEOSEARCHSTORE e d FROMLONLAT 0 0 BYRADIUS 10 km'), ':1\r\n', ':1\r\n'); // copies d's scores
      expect(d.agree(cmd('ZRANGE e 0 -1 WITHSCORES'), zr('1.5'), zr('1.5000000000000002'))).toBe(true);
      d.observe(cmd('DEL d'), ':1\r\n', ':1\r\n');
      expect(d.agree(read, zr('12.151739219462982'), zr('12.151739219462992'))).toBe(false);
    });
  });

  describe('NORMALISATION 15: consumer-group time fields', () => {
    const pair = { maxRoundTripMs: 3 } as Pair; // a bound of 8 ms
    const pending = (idle: number) => `*1\r\n*4\r\n$3\r\n1-1\r\n$1\r\nc\r\n:${idle}\r\n:1\r\n`;
    const xpending = cmd('XPENDING s g - + 10');

    it('tolerate the measured skew on the named fields', () => {
      const [t, r] = normaliseStreamReply(xpending, pending(105), pending(100), pair);
      expect(t).toBe(r);
    });

    it('do not tolerate a time that was not reset (hundreds of ms)', () => {
      const [t, r] = normaliseStreamReply(xpending, pending(400), pending(100), pair);
      expect(t).not.toBe(r);
    });

    it('do not apply to other integers, however large', () => {
      const groups = (n: number) => `*1\r\n*4\r\n$4\r\nname\r\n$1\r\ng\r\n$12\r\nentries-read\r\n:${n}\r\n`;
      const [t, r] = normaliseStreamReply(cmd('XINFO GROUPS s'), groups(1_000_000_000_001), groups(1_000_000_000_000), pair);
      expect(t).not.toBe(r);
    });
  });
});
