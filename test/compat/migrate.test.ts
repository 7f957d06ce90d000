/**
 * MIGRATE against real Redis 7.0: the same steps run on a Redis source
 * migrating to a Redis target and on a tredis source migrating to a real
 * Redis target (and to a tredis target); every reply of the source and the
 * target's contents after each step (DEBUG DIGEST, key by key) must match.
 * Covers single keys, KEYS, COPY, REPLACE, TTLs, every type, BUSYKEY and
 * the other target errors, AUTH/AUTH2 errors, SELECT of another db, a
 * target that is not there, argument errors, and propagation as DEL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient, startTredis } from '../helpers';
import { REDIS_BIN, ServerKind, ServerProcess, startServerProcess } from '../server-process';
import { freePort } from '../ports';

const procs: ServerProcess[] = [];
async function start(kind: ServerKind): Promise<{ p: ServerProcess; c: RawClient }> {
  const p = await startServerProcess(kind, ['--enable-debug-command', 'yes']);
  procs.push(p);
  return { p, c: await RawClient.connect(p.port) };
}
afterAll(() => {
  for (const p of procs) p.child.kill('SIGKILL');
});

/** A step: a command on the source; `$DST` is the target's port. */
type Step = string[];
const M = (key: string, ...rest: string[]): Step => ['MIGRATE', '127.0.0.1', '$DST', key, ...rest];

const SETUP: Step[] = [
  ['SET', 's', 'hello'],
  ['SET', 'n', '12345'],
  ['SET', 'ttl', 'v', 'PX', '5000000'],
  ['RPUSH', 'l', 'a', 'b', 'c'],
  ['SADD', 'set', '1', '2', 'x'],
  ['HSET', 'h', 'f', 'v', 'g', 'w'],
  ['ZADD', 'z', '1', 'a', '2.5', 'b'],
  ['XADD', 'x', '1-1', 'f', 'v'],
  ['XGROUP', 'CREATE', 'x', 'g', '0'],
  ['SET', 'k1', '1'],
  ['SET', 'k2', '2'],
  ['SET', 'k3', '3'],
];

const STEPS: Step[] = [
  M('s', '0', '1000'),
  M('nokey', '0', '1000'),
  ['SET', 's', 'again'],
  M('s', '0', '1000'),
  M('s', '0', '1000', 'REPLACE', 'COPY'),
  ['EXISTS', 's'],
  M('s', '0', '1000', 'REPLACE'),
  ['EXISTS', 's'],
  M('ttl', '0', '1000'),
  M('', '0', '1000', 'KEYS', 'n', 'l', 'set', 'h', 'z', 'x'),
  ['DBSIZE'],
  M('x', '0', '1000', 'KEYS', 'k1'),
  M('', '0', '1000', 'KEYS', 'k1', 'missing', 'k2'),
  ['SET', 'k1', 'second'],
  M('', '0', '1000', 'KEYS', 'k1', 'k3', 'REPLACE'),
  ['EXISTS', 'k1', 'k3', 'REPLACE'],
  M('k1', '5', '1000'),
  M('k1', '99', '1000'),
  ['SET', 'k4', '4'],
  M('k4', '0', 'abc'),
  M('k4', 'abc', '100'),
  M('k4', '0', '100', 'foo'),
  M('k4', '0', '100', 'AUTH'),
  M('k4', '0', '100', 'AUTH2', 'u'),
  M('k4', '0', '100', 'AUTH', 'pw'),
  M('k4', '0', '100', 'AUTH2', 'u', 'pw'),
  M('k4', '0', '-5'),
  ['EXISTS', 'k4'],
];

describe.skipIf(!REDIS_BIN)('compat MIGRATE', () => {
  let dead: number;
  beforeAll(async () => {
    dead = await freePort();
  });

  for (const targetKind of ['redis', 'tredis'] as const) {
    it(`tredis migrating to ${targetKind} answers and moves keys as Redis migrating to ${targetKind}`, async () => {
      const runs: Record<string, string[]> = {};
      for (const sourceKind of ['redis', 'tredis'] as const) {
        const src = await start(sourceKind);
        const dst = await start(targetKind);
        const log: string[] = [];
        for (const s of SETUP) await src.c.cmd(...s);
        for (const step of STEPS) {
          const argv = step.map((a) => (a === '$DST' ? String(dst.p.port) : a));
          log.push(`${step.join(' ')} -> ${await src.c.cmd(...argv)}`);
          log.push(`target ${await dst.c.cmd('DEBUG', 'DIGEST')}`);
        }
        // a target that is not listening
        await src.c.cmd('SET', 'lost', 'x');
        log.push(`dead -> ${await src.c.cmd('MIGRATE', '127.0.0.1', String(dead), 'lost', '0', '200')}`);
        log.push(`target db5 ${await dst.c.cmd('SELECT', '5')} ${await dst.c.cmd('DEBUG', 'DIGEST-VALUE', 'k1')}`);
        runs[sourceKind] = log;
      }
      expect(runs.tredis).toEqual(runs.redis);
      // the steps did move keys
      expect(runs.tredis.some((l) => l.startsWith('MIGRATE 127.0.0.1 $DST  0 1000 KEYS n') && l.endsWith('+OK\r\n'))).toBe(true);
    }, 60000);
  }

  it('propagates as DEL of the keys the target accepted, nothing for COPY', async () => {
    const srv = await startTredis();
    const propagated: string[][] = [];
    srv.server.addPropagateSink((_db, argv) => propagated.push([...argv]));
    const dst = await start('redis');
    const c = await RawClient.connect(srv.port);
    try {
      await c.cmd('MSET', 'a', '1', 'b', '2', 'c', '3');
      await dst.c.cmd('SET', 'b', 'taken');
      propagated.length = 0;
      expect(await c.cmd('MIGRATE', '127.0.0.1', String(dst.p.port), '', '0', '1000', 'KEYS', 'a', 'b', 'c')).toBe(
        '-ERR Target instance replied with error: BUSYKEY Target key name already exists.\r\n',
      );
      expect(propagated).toEqual([['DEL', 'a', 'c']]);
      expect(await c.cmd('EXISTS', 'a', 'b', 'c')).toBe(':1\r\n');
      propagated.length = 0;
      expect(await c.cmd('MIGRATE', '127.0.0.1', String(dst.p.port), 'b', '0', '1000', 'COPY', 'REPLACE')).toBe('+OK\r\n');
      expect(propagated).toEqual([]);
    } finally {
      c.close();
      await srv.close();
    }
  }, 30000);
});
