/**
 * Which keys of a script or seed carry an absolute expiry time, so that
 * their EXPIRETIME / PEXPIRETIME is compared exactly (NORMALISATION 5 keeps
 * its tolerance only for expiries set relative to each server's clock).
 *
 * A key is marked after a command that gave it an absolute time and
 * succeeded the same way on both servers: EXPIREAT / PEXPIREAT replying 1,
 * SET ... EXAT|PXAT and GETEX ... EXAT|PXAT replying anything but an error
 * or nil. Any other command naming the key as an argument unmarks it
 * (unless it is one of the reads below), and commands that move keys
 * between databases or empty them unmark every key: what stays marked is
 * only ever a key whose expiry both servers got from the same number.
 */
import type { Args } from './harness';

/** Reads that neither change a key's expiry nor replace the key. */
const READS = new Set(['GET', 'MGET', 'EXISTS', 'TYPE', 'STRLEN', 'GETRANGE', 'SUBSTR', 'TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME', 'OBJECT', 'DUMP', 'TOUCH', 'DBSIZE', 'KEYS', 'SCAN', 'RANDOMKEY', 'LCS']);

/** Commands after which no key is known to keep its marked expiry (other db, or gone). */
const RESETS = new Set(['SELECT', 'SWAPDB', 'MOVE', 'FLUSHALL', 'FLUSHDB', 'RESET', 'DEBUG', 'MULTI', 'EXEC', 'EVAL', 'EVALSHA', 'FCALL']);

const upper = (a: string | Buffer) => a.toString('latin1').toUpperCase();

function setsAbsolute(args: Args, reply: string): boolean {
  const name = upper(args[0]);
  if (name === 'EXPIREAT' || name === 'PEXPIREAT') return reply === ':1\r\n';
  if (name !== 'SET' && name !== 'GETEX') return false;
  if (reply[0] === '-' || reply === '$-1\r\n' || reply === '_\r\n' || reply === '*-1\r\n') return false;
  return args.slice(2).some((a) => {
    const u = upper(a);
    return u === 'EXAT' || u === 'PXAT';
  });
}

export class AbsoluteExpiries {
  private readonly keys = new Set<string>();

  /** Whether `key` got its expiry from an absolute time on both servers. */
  has(key: string | Buffer): boolean {
    return this.keys.has(key.toString('latin1'));
  }

  /** Account for a command that got the same reply (`reply`) on both servers. */
  observe(args: Args, reply: string): void {
    const name = upper(args[0]);
    if (RESETS.has(name)) {
      this.keys.clear();
      return;
    }
    if (READS.has(name)) return;
    // queued in MULTI: it runs (or not) at EXEC, which unmarks everything
    if (reply === '+QUEUED\r\n') return this.forget(args);
    if (args.length > 1 && setsAbsolute(args, reply)) {
      this.keys.add(args[1].toString('latin1'));
      return;
    }
    for (const a of args.slice(1)) this.keys.delete(a.toString('latin1'));
  }

  /** Account for a command whose replies differed: nothing about its keys is known. */
  forget(args: Args): void {
    if (RESETS.has(upper(args[0]))) this.keys.clear();
    for (const a of args.slice(1)) this.keys.delete(a.toString('latin1'));
  }
}
