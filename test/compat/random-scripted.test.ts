/**
 * The seeded generators' commands, every other one run from a Lua script
 * (`EVAL "return redis.pcall(<the command's arguments as Lua literals>)" 0`,
 * two in five of those after `redis.setresp(3)`): each reply goes through
 * the conversions both ways (reply → Lua value → reply) on both servers, in
 * RESP2 and RESP3 connections, and errors come back as error tables. Commands whose replies need a normalisation (time, randomness,
 * hash order: NORMALISATIONS.md items 1–13) are never wrapped, since the
 * comparison would then see them as EVAL.
 *
 *   COMPAT_SCRIPTED_SEEDS=31,32       seeds (default 21, 22, 23, 24)
 *   COMPAT_SCRIPTED_COMMANDS=4000     commands per seed (default 6000)
 */
import { Args, Proto, useServers } from './harness';
import { NORMALISERS, normKey } from './normalise';
import { prng } from '../prng';
import { describeRandomSeeds, familyGenerator, runSeed, seedsFrom } from './random-runner';

const SEEDS = seedsFrom('COMPAT_SCRIPTED_SEEDS', [21, 22, 23, 24]);
const COMMANDS = Number(process.env.COMPAT_SCRIPTED_COMMANDS ?? 6000);

const servers = useServers();

/** Replies compared with a normalisation (Pair.step's stateful ones included): never wrapped. */
const NOT_WRAPPED = new Set([
  'RANDOMKEY', 'SCAN', 'SSCAN', 'HSCAN', 'ZSCAN', 'HGETALL', 'HKEYS', 'HVALS', 'SMEMBERS', 'SORT', 'SORT_RO',
  'SINTER', 'SUNION', 'SDIFF', 'SPOP', 'SRANDMEMBER', 'HRANDFIELD', 'ZRANDMEMBER', 'EXPIRETIME', 'PEXPIRETIME',
  // a transaction's own commands stay visible to the harness
  'MULTI', 'EXEC', 'DISCARD', 'WATCH', 'UNWATCH',
  // an OBJECT REFCOUNT of a script's arguments differs by design (README)
  'OBJECT',
]);

/** A Lua string literal of any bytes: printable ASCII as is, the rest as \\ddd. */
function luaLiteral(a: string | Buffer): string {
  const s = typeof a === 'string' ? a : a.toString('latin1');
  let out = "'";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c >= 0x20 && c < 0x7f && c !== 0x27 && c !== 0x5c ? s[i] : `\\${String(c).padStart(3, '0')}`;
  }
  return `${out}'`;
}

/** The command from a script; with `resp3`, the script asks for RESP3 replies (maps, sets, doubles, booleans, nulls as Lua tables). */
function wrap(args: Args, resp3: boolean): Args {
  return ['EVAL', `${resp3 ? 'redis.setresp(3) ' : ''}return redis.pcall(${args.map(luaLiteral).join(', ')})`, '0'];
}


describeRandomSeeds(
  'compat random commands run from scripts',
  SEEDS,
  (seed, proto) => `seed ${seed}: ${familyGenerator(seed).kind} (RESP${proto}, ${COMMANDS} commands)`,
  (seed: number, proto: Proto) => {
    const gen = familyGenerator(seed);
    const coin = prng(seed * 7919);
    return runSeed(servers, {
      seed,
      proto,
      next: () => {
        const args = gen.next();
        const name = args[0].toString('latin1').toUpperCase();
        if (NOT_WRAPPED.has(name) || NORMALISERS[normKey(args)] !== undefined) return args;
        const r = coin();
        return r < 0.5 ? args : wrap(args, r < 0.7);
      },
      commands: COMMANDS,
      setup: [['SCRIPT', 'FLUSH'], ...gen.setup],
      reproduce: `COMPAT_SCRIPTED_SEEDS=${seed} npx vitest run test/compat/random-scripted.test.ts`,
    });
  },
);
