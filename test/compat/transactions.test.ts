/**
 * MULTI / EXEC / DISCARD / WATCH / UNWATCH against a real redis-server:
 * queue-time and run-time errors, the bookkeeping (commandstats, errorstats,
 * CLIENT INFO), blocking forms inside a transaction, and WATCH invalidated
 * by the client itself, by other clients, by expiry, FLUSHALL/FLUSHDB and
 * SWAPDB (runBlocking keeps several connections in lockstep).
 */
import { expect, it } from 'vitest';
import { describeScenarios, describeScripts, describeWithRedis, normalise, Pair, parseReply, S, Scenario, Step, useServers } from './harness';

const servers = useServers();

const scripts: Record<string, Step[]> = {
  'errors outside and inside a transaction': S(
    'EXEC',
    'DISCARD',
    'MULTI',
    'MULTI',
    'WATCH a',
    'SET a 1',
    'EXEC',
    'GET a',
    'MULTI',
    'SET a',
    'GET a',
    'EXEC',
    'MULTI',
    'NOSUCH x y',
    'EXEC',
    'MULTI',
    'CONFIG NOSUCH',
    'EXEC',
    'MULTI',
    'WATCH',
    'EXEC',
    'MULTI',
    'UNWATCH x',
    'PING',
    'EXEC',
    'WATCH',
    'UNWATCH x',
    'MULTI',
    'DISCARD',
    'DISCARD',
    'EXEC',
    'MULTI x',
    'EXEC x',
  ),
  'run-time errors stay per command; empty and discarded transactions': S(
    'MULTI',
    'SET a 1',
    'INCR a',
    'LPUSH a x',
    'INCRBYFLOAT a abc',
    'GET a',
    'EXEC',
    'MULTI',
    'EXEC',
    'MULTI',
    'SET b 1',
    'DISCARD',
    'EXISTS b',
    'MULTI',
    'PING',
    'ECHO hi',
    'SELECT 2',
    'SET c 1',
    'EXEC',
    'GET c',
    'SELECT 0',
    'GET c',
  ),
  'blocking forms answer at once inside a transaction': S(
    'MULTI',
    'BLPOP l 0',
    'BRPOP l 1',
    'BLMOVE l m LEFT RIGHT 0',
    'BZPOPMIN z 0',
    'XREAD BLOCK 0 STREAMS s $',
    'RPUSH l x',
    'BLPOP l 0',
    'EXEC',
  ),
  'WATCH: own writes, UNWATCH, missing keys, DISCARD': S(
    'WATCH k',
    'SET k 1',
    'MULTI',
    'INCR k',
    'EXEC',
    'GET k',
    'WATCH k',
    'GET k',
    'MULTI',
    'INCR k',
    'EXEC',
    'WATCH k',
    'SET k 5',
    'UNWATCH',
    'MULTI',
    'INCR k',
    'EXEC',
    'WATCH nokey',
    'DEL nokey',
    'MULTI',
    'PING',
    'EXEC',
    'WATCH k nokey k',
    'DEL nokey',
    'SET nokey 1',
    'MULTI',
    'PING',
    'EXEC',
    'WATCH k',
    'MULTI',
    'SET k 9',
    'DISCARD',
    'SET k 10',
    'MULTI',
    'GET k',
    'EXEC',
    'WATCH k',
    'EXPIRE k 100',
    'MULTI',
    'TTL k',
    'EXEC',
    'WATCH k',
    'SET k v',
    'WATCH k',
    'MULTI',
    'EXEC',
  ),
  'WATCH and expiry: alive then expired, expired when watched': S(
    'SET k v PX 50',
    'WATCH k',
    { sleep: 120 },
    'MULTI',
    'PING',
    'EXEC',
    'SET e v PX 1',
    { sleep: 20 },
    'WATCH e',
    'GET e',
    'MULTI',
    'PING',
    'EXEC',
    'SET e v PX 1',
    { sleep: 20 },
    'WATCH e',
    'MULTI',
    'PING',
    'EXEC',
  ),
  'WATCH and FLUSHDB, FLUSHALL, SWAPDB': S(
    'SET a 1',
    'WATCH a',
    'FLUSHDB',
    'MULTI',
    'PING',
    'EXEC',
    'WATCH missing',
    'FLUSHALL',
    'MULTI',
    'PING',
    'EXEC',
    'SET a 1',
    'WATCH a',
    'SELECT 1',
    'FLUSHDB',
    'SELECT 0',
    'MULTI',
    'PING',
    'EXEC',
    'WATCH x',
    'SELECT 1',
    'SET x 1',
    'SELECT 0',
    'SWAPDB 0 1',
    'MULTI',
    'PING',
    'EXEC',
    'WATCH y',
    'SWAPDB 0 5',
    'MULTI',
    'PING',
    'EXEC',
  ),
  'bookkeeping: commandstats, errorstats, CLIENT INFO': S(
    'CONFIG RESETSTAT',
    'MULTI',
    'CLIENT INFO',
    'SET a 1',
    'INCR a',
    'LPUSH a x',
    'NOSUCH',
    'EXEC',
    'MULTI',
    'SET a 2',
    'CLIENT INFO',
    'EXEC',
    'WATCH a b',
    'CLIENT INFO',
    'MULTI',
    'DISCARD',
    'INFO commandstats',
    'INFO errorstats',
    'INFO stats',
  ),
  'SLOWLOG records the commands EXEC ran, not EXEC': S(
    'CONFIG SET slowlog-log-slower-than 0',
    'SLOWLOG RESET',
    'MULTI',
    'SET a 1',
    'GET a',
    'EXEC',
    'CONFIG SET slowlog-log-slower-than 10000',
    'SLOWLOG GET 10',
    'SLOWLOG RESET',
  ),
  'RESET ends a transaction and the watches': S(
    'WATCH a',
    'MULTI',
    'SET a 1',
    'RESET',
    'EXEC',
    'GET a',
    'WATCH a',
    'RESET',
    'SET a 2',
    'MULTI',
    'GET a',
    'EXEC',
  ),
};

describeScripts('compat transactions', scripts, { servers });

/** [clients, steps] of multi-connection scenarios, run in lockstep on both servers. */
const blockingScripts: Record<string, Scenario> = {
  'another client writes a watched key': [
    2,
    [
      { on: 0, cmd: 'SET k 1' },
      { on: 0, cmd: 'WATCH k' },
      { on: 1, cmd: 'INCR k' },
      { on: 0, cmd: 'MULTI' },
      { on: 0, cmd: 'INCR k' },
      { on: 0, cmd: 'EXEC' },
      { on: 0, cmd: 'GET k' },
      { on: 0, cmd: 'WATCH k' },
      { on: 1, cmd: 'GET k' },
      { on: 1, cmd: 'DEL nokey' },
      { on: 0, cmd: 'MULTI' },
      { on: 0, cmd: 'INCR k' },
      { on: 0, cmd: 'EXEC' },
    ],
  ],
  'two watchers, one transaction wins': [
    3,
    [
      { on: 0, cmd: 'SET n 10' },
      { on: 0, cmd: 'WATCH n' },
      { on: 1, cmd: 'WATCH n' },
      { on: 0, cmd: 'MULTI' },
      { on: 1, cmd: 'MULTI' },
      { on: 0, cmd: 'DECRBY n 3' },
      { on: 1, cmd: 'DECRBY n 4' },
      { on: 0, cmd: 'EXEC' },
      { on: 1, cmd: 'EXEC' },
      { on: 2, cmd: 'GET n' },
    ],
  ],
  'a transaction is atomic for a blocked client': [
    2,
    [
      { block: 1, cmd: 'BLPOP q 5' },
      { wait: 50 },
      { on: 0, cmd: 'MULTI' },
      { on: 0, cmd: 'RPUSH q a b' },
      { on: 0, cmd: 'LPOP q' },
      { on: 0, cmd: 'EXEC' },
      { read: 1 },
      { on: 0, cmd: 'LRANGE q 0 -1' },
    ],
  ],
  'CLIENT PAUSE WRITE holds an EXEC that writes, not one that only reads': [
    3,
    [
      { on: 0, cmd: 'MULTI' },
      { on: 0, cmd: 'SET a 1' },
      { on: 1, cmd: 'MULTI' },
      { on: 1, cmd: 'GET a' },
      { on: 2, cmd: 'CLIENT PAUSE 200 WRITE' },
      { block: 0, cmd: 'EXEC' },
      { on: 1, cmd: 'EXEC' },
      { wait: 50 },
      { on: 2, cmd: 'GET a' },
      { read: 0 },
      { on: 2, cmd: 'GET a' },
    ],
  ],
  'FLUSHALL and SWAPDB by another client': [
    2,
    [
      { on: 0, cmd: 'SET a 1' },
      { on: 0, cmd: 'WATCH a' },
      { on: 1, cmd: 'FLUSHALL' },
      { on: 0, cmd: 'MULTI' },
      { on: 0, cmd: 'EXEC' },
      { on: 1, cmd: 'SELECT 3' },
      { on: 1, cmd: 'SET b 1' },
      { on: 0, cmd: 'WATCH b' },
      { on: 1, cmd: 'SWAPDB 3 0' },
      { on: 0, cmd: 'MULTI' },
      { on: 0, cmd: 'EXEC' },
    ],
  ],
};

describeScenarios('compat transactions: several clients', blockingScripts, servers, { normalise });

/**
 * Every command both servers know (COMMAND LIST, container subcommands
 * included), sent inside MULTI with arguments enough for its arity: queued
 * or refused ("not allowed inside a transaction") exactly as Redis, then
 * DISCARDed, so nothing runs. MULTI, EXEC, DISCARD, WATCH, QUIT and RESET
 * run at once inside MULTI: the scripts above cover them.
 */
describeWithRedis('compat transactions: the command table inside MULTI', () => {
  it('queues or refuses every command as Redis does', async () => {
    const pair = await Pair.open(servers);
    try {
      const names = async (port: 'tredis' | 'redis') => {
        const reply = parseReply(await pair[port].cmd(['COMMAND', 'INFO']))[0];
        const out: [string, number][] = [];
        for (const e of reply.items ?? []) {
          if (!e.items) continue;
          out.push([e.items[0].body!, Number(e.items[1].head)]);
          for (const s of e.items[9]?.items ?? []) out.push([s.items![0].body!, Number(s.items![1].head)]);
        }
        return new Map(out);
      };
      const [t, r] = await Promise.all([names('tredis'), names('redis')]);
      const control = new Set(['multi', 'exec', 'discard', 'watch', 'quit', 'reset']);
      const both = [...t.keys()].filter((n) => r.has(n) && !control.has(n)).sort();
      expect(both.length).toBeGreaterThan(200);
      const diffs: string[] = [];
      for (const name of both) {
        const arity = r.get(name)!;
        const words = name.split('|');
        const argc = Math.abs(arity);
        const args = [...words, ...Array.from({ length: Math.max(0, argc - words.length) }, () => 'x')];
        await pair.both(['MULTI']);
        const [tq, rq] = await pair.both(args);
        await pair.both(['DISCARD']);
        if (tq !== rq) diffs.push(`${args.join(' ')}: tredis ${JSON.stringify(tq)} redis ${JSON.stringify(rq)}`);
      }
      if (diffs.length) expect.fail(`${diffs.length} difference(s):\n${diffs.join('\n')}`);
    } finally {
      await pair.close();
    }
  }, 60_000);
});
