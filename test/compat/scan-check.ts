/**
 * NORMALISATION 2: SCAN. Which keys a page holds depends on each server's
 * table layout (Redis's hash seed is random per process), so pages are not
 * compared as bytes. What is compared instead:
 *
 * - A cursor that means 0 to Redis's strtoul() parser ("0", "", "-0",
 *   "+0", "00"...) starts a walk on both: each server's walk is completed
 *   with the same arguments and the sets of keys are compared.
 * - Any other cursor in a script or seed is one the test made up (cursors
 *   the servers hand out are only used inside a completed walk). Here the
 *   two servers differ by design, and each is checked against its own
 *   documented behaviour (README, "SCAN cursors"):
 *   - Redis: a cursor is a position in its hash table, so the page holds
 *     only keys of the full walk, and the position 2^64-1 (e.g. "-1") is
 *     the walk's last bucket, after which the cursor returned is 0;
 *   - tredis: a cursor it did not hand out starts a new walk, so the page
 *     is the same as the first page of `SCAN 0` with the same arguments
 *     (the same keys in the same order, and a nonzero cursor exactly when
 *     that page has one).
 * Error replies are compared byte for byte, as everywhere.
 */
import { Conn } from './conn';
import type { Args } from './harness';
import { cmpStr, isBulk, parseReply, wellFormed } from './reply-tree';

const ULONG_MAX = (1n << 64n) - 1n;

/** A cursor as Redis 7.0's strtoul()-based parser reads it, or null if it refuses it. */
export function cursorValue(s: string): bigint | null {
  const m = /^([+-]?)(\d*)$/.exec(s);
  if (!m || (m[1] !== '' && m[2] === '')) return null;
  const v = m[2] === '' ? 0n : BigInt(m[2]);
  if (v > ULONG_MAX) return null;
  return m[1] === '-' && v !== 0n ? ULONG_MAX + 1n - v : v;
}

interface Page {
  cursor: string;
  keys: string[];
}

/** A SCAN reply [bulk cursor of digits, array of bulks], or null. */
function pageOf(s: string): Page | null {
  if (!wellFormed(s)) return null;
  const n = parseReply(s)[0];
  if (n.t !== '*' || n.items?.length !== 2 || !isBulk(n.items[0]) || !/^\d+$/.test(n.items[0].body!)) return null;
  const keys = n.items[1];
  if (keys.t !== '*' || !keys.items!.every(isBulk)) return null;
  return { cursor: n.items[0].body!, keys: keys.items!.map((k) => k.body!) };
}

/** Complete a walk that started with `first`: its sorted set of keys, or a description of what went wrong. */
async function walk(c: Conn, args: Args, first: Page): Promise<string[] | string> {
  const keys = new Set<string>(first.keys);
  let page = first;
  for (let i = 0; i < 100000 && page.cursor !== '0'; i++) {
    const reply = await c.cmd([args[0], page.cursor, ...args.slice(2)]);
    const next = pageOf(reply);
    if (!next) return `bad SCAN reply during the walk: ${reply}`;
    next.keys.forEach((k) => keys.add(k));
    page = next;
  }
  return page.cursor === '0' ? [...keys].sort(cmpStr) : 'SCAN did not terminate';
}

/** The first page of `SCAN 0 <same arguments>`, or a description of what went wrong. */
async function firstPage(c: Conn, args: Args): Promise<Page | string> {
  const reply = await c.cmd([args[0], '0', ...args.slice(2)]);
  return pageOf(reply) ?? `bad reply to SCAN 0: ${reply}`;
}

/** Compare the two servers' replies to SCAN: null when they agree, else why not. */
export async function compareScan(tredis: Conn, redis: Conn, args: Args, t: string, r: string): Promise<string | null> {
  const tp = pageOf(t);
  const rp = pageOf(r);
  if (!tp || !rp) return 'not both SCAN pages';
  const cursor = cursorValue(args[1].toString('latin1'));
  if (cursor === 0n) {
    const [tk, rk] = await Promise.all([walk(tredis, args, tp), walk(redis, args, rp)]);
    const a = JSON.stringify(tk);
    const b = JSON.stringify(rk);
    return a === b ? null : `SCAN walks differ: tredis ${a} redis ${b}`;
  }
  // A made-up cursor: a new walk on tredis, a table position on Redis.
  const t0 = await firstPage(tredis, args);
  if (typeof t0 === 'string') return t0;
  if (JSON.stringify(t0.keys) !== JSON.stringify(tp.keys) || (t0.cursor === '0') !== (tp.cursor === '0')) {
    return `tredis: a cursor it did not hand out must start a new walk, like SCAN 0 (${JSON.stringify(t0)}), got ${JSON.stringify(tp)}`;
  }
  const r0 = await firstPage(redis, args);
  if (typeof r0 === 'string') return r0;
  const all = await walk(redis, args, r0);
  if (typeof all === 'string') return all;
  const known = new Set(all);
  const stray = rp.keys.filter((k) => !known.has(k));
  if (stray.length > 0) return `redis: keys outside its full walk: ${JSON.stringify(stray)}`;
  if (cursor === ULONG_MAX && rp.cursor !== '0') return `redis: the last position must end the walk, got cursor ${rp.cursor}`;
  return null;
}
