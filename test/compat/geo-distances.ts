/**
 * NORMALISATION 14: distances stored by GEORADIUS / GEORADIUSBYMEMBER ...
 * STOREDIST and GEOSEARCHSTORE ... STOREDIST may differ from Redis's in the
 * last two of their 17 significant digits, because glibc's sin/cos/asin are
 * not always correctly rounded and tredis's are (src/store/geomath.ts).
 *
 * Only the scores of keys whose current content came from a STOREDIST (or
 * from a plain STORE out of such a key, which copies its scores) are
 * affected, and only where ZRANGE ... WITHSCORES / ZSCORE reads them: the
 * RESP type of every element, every member and every other byte must be
 * identical, and a score's text must have the same form (sign, number of
 * digits before the point, leading zeros, exponent) with its 17 significant
 * digits, read as one integer, less than 100 apart (%g drops trailing
 * zeros, so a last digit 0 shortens the text: it is padded back).
 */
import type { Args } from './harness';
import { Node, parseReply, wellFormed } from './reply-tree';

const upper = (a: string | Buffer) => a.toString('latin1').toUpperCase();

/**
 * Whether two %.17g texts differ at most in their last two significant
 * digits: both in %g's form (no trailing zero in a fraction), same sign,
 * same number of digits before the point, same exponent, and the
 * 17 significant digits (%g drops trailing zeros: padded back) less than
 * 100 apart as integers.
 */
export function closeDigits(a: string, b: string): boolean {
  if (a === b) return true;
  const form = /^(-?)([0-9]+)(?:\.([0-9]+))?(e[+-][0-9]+)?$/;
  const ma = form.exec(a);
  const mb = form.exec(b);
  if (!ma || !mb || ma[1] !== mb[1] || ma[2].length !== mb[2].length || ma[4] !== mb[4]) return false;
  // %g form: a fraction never ends in 0 (so "1.0000000000000000e+30" is not "1e+30")
  if (ma[3]?.endsWith('0') || mb[3]?.endsWith('0')) return false;
  const significant = (m: RegExpExecArray): bigint | null => {
    const all = m[2] + (m[3] ?? '');
    const lead = /^0*/.exec(all)![0].length;
    const digits = all.slice(lead);
    if (digits.length > 17) return null;
    return BigInt((digits + '0'.repeat(17 - digits.length)) || '0') + BigInt(lead) * 10n ** 18n;
  };
  const x = significant(ma);
  const y = significant(mb);
  if (x === null || y === null) return false;
  const d = x - y;
  return d > -100n && d < 100n;
}

interface Store {
  /** The source key, whose scores a plain STORE copies. */
  src: string;
  /** The destination key. */
  key: string;
  /** STOREDIST: the scores stored are distances computed on each server. */
  dist: boolean;
}

/** What a GEORADIUS*-family or GEOSEARCHSTORE command stores (the last STORE/STOREDIST wins, as in Redis). */
function storeOf(args: Args): Store | null {
  const name = upper(args[0]);
  const s = (i: number) => args[i].toString('latin1');
  if (name === 'GEOSEARCHSTORE') return { src: s(2), key: s(1), dist: args.slice(3).some((a) => upper(a) === 'STOREDIST') };
  if (name !== 'GEORADIUS' && name !== 'GEORADIUSBYMEMBER') return null;
  let store: Store | null = null;
  for (let i = 2; i + 1 < args.length; i++) {
    const u = upper(args[i]);
    if (u === 'STORE' || u === 'STOREDIST') store = { src: s(1), key: s(i + 1), dist: u === 'STOREDIST' };
  }
  return store;
}

export class StoredDistances {
  private readonly keys = new Set<string>();

  /** Account for a command and its replies on both servers. */
  observe(args: Args, t: string, r: string): void {
    const name = upper(args[0]);
    if (name === 'FLUSHALL' || name === 'FLUSHDB' || name === 'SELECT' || name === 'SWAPDB') {
      this.keys.clear();
      return;
    }
    if (t[0] === '-' && r[0] === '-') return; // refused on both: nothing changed
    const store = storeOf(args);
    if (store) {
      // A plain STORE copies the source's scores: stored distances stay distances.
      // An empty result deletes the destination; an error on one side only is a difference anyway.
      if ((store.dist || this.keys.has(store.src)) && t === r && /^:[1-9]/.test(t)) this.keys.add(store.key);
      else this.keys.delete(store.key);
    } else if (name === 'DEL' || name === 'UNLINK' || name === 'SET' || name === 'RENAME' || name === 'COPY' || name === 'MOVE') {
      for (const a of args.slice(1)) this.keys.delete(a.toString('latin1'));
    }
  }

  /** Whether the replies to a read of stored distances agree under NORMALISATION 14. */
  agree(args: Args, t: string, r: string): boolean {
    const name = upper(args[0]);
    if ((name !== 'ZRANGE' && name !== 'ZSCORE') || args.length < 2 || !this.keys.has(args[1].toString('latin1'))) return false;
    if (!wellFormed(t) || !wellFormed(r) || t[0] === '-' || r[0] === '-') return false;
    const withScores = name === 'ZSCORE' || args.slice(2).some((a) => upper(a) === 'WITHSCORES');
    if (!withScores) return false;
    const a = parseReply(t)[0];
    const b = parseReply(r)[0];
    if (name === 'ZSCORE') return sameScore(a, b);
    if (a.t !== b.t || a.head !== b.head || !a.items || !b.items) return false;
    return a.items.every((x, i) => {
      const y = b.items![i];
      // RESP3: [member, score] pairs; RESP2: member, score, member, score...
      if (x.items && y.items) return x.t === y.t && x.head === y.head && x.items.length === 2 && y.items.length === 2 && same(x.items[0], y.items[0]) && sameScore(x.items[1], y.items[1]);
      return i % 2 === 0 ? same(x, y) : sameScore(x, y);
    });
  }
}

function same(a: Node, b: Node): boolean {
  return a.t === b.t && a.head === b.head && a.body === b.body && a.items === undefined && b.items === undefined;
}

/** A score element: a bulk (RESP2) or a double (RESP3) of the same type on both sides. */
function sameScore(a: Node, b: Node): boolean {
  if (a.t !== b.t) return false;
  if (a.t === '$') return a.body !== undefined && b.body !== undefined && closeDigits(a.body, b.body);
  if (a.t === ',') return closeDigits(a.head, b.head);
  return same(a, b);
}
