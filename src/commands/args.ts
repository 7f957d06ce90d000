/** Argument parsing shared by the command families. */
import type { Client } from '../server/client';
import { Err } from '../protocol/errors';
import { toInt64, toSafeInt } from '../util/numbers';

/**
 * strcasecmp(arg, word) == 0 as Redis compares options: the argument is a
 * C string, so it ends at its first NUL byte ("nx\0junk" is NX). `w` is lowercase.
 */
export function optIs(a: string, w: string): boolean {
  const n = w.length;
  const al = a.length;
  if (al < n || (al > n && a.charCodeAt(n) !== 0)) return false;
  for (let i = 0; i < n; i++) {
    if ((a.charCodeAt(i) | 32) !== w.charCodeAt(i)) return false;
  }
  return true;
}

/** string2ll(): a safe integer as a number, beyond 2^53 a bigint, or null. */
export function parseLL(s: string): number | bigint | null {
  const v = toSafeInt(s);
  return v !== null ? v : toInt64(s);
}

/**
 * getLongLongFromObjectOrReply(): the integer as a number (the nearest
 * double past 2^53, where no count, index or time is exact anyway), or null
 * after replying `msg`.
 */
export function longLongArg(c: Client, s: string, msg: string = Err.notInteger): number | null {
  const v = parseLL(s);
  if (v === null) {
    c.error(msg);
    return null;
  }
  return typeof v === 'bigint' ? Number(v) : v;
}
