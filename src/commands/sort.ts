/**
 * SORT and SORT_RO with Redis 7.0's replies, errors (and their precedence),
 * keyspace events and propagation (sort.c).
 *
 * Elements are sorted numerically (strtod on each element or BY value; a
 * value that isn't a whole number, overflows or is NaN makes the command
 * fail after sorting), or with ALPHA byte-wise: memcmp order when STORE is
 * given, strcoll() otherwise, which in the C locale is strcmp() (the
 * comparison stops at a NUL byte). A numeric tie is broken by comparing the
 * elements themselves, so the result is deterministic.
 *
 * BY without a `*` means "don't sort": lists and sorted sets keep their own
 * order (DESC walks it backwards, LIMIT picks the range directly), sets keep
 * their iteration order (DESC ignored) except with STORE, where Redis forces
 * an ALPHA sort so that the stored result is deterministic.
 *
 * Patterns (BY and GET): `#` is the element itself; otherwise the first `*`
 * is replaced by the element and the key is read as a string, or, with
 * `->field` after the `*`, as a hash field. A missing key/field is nil (GET),
 * an empty string (GET with STORE) or score 0 / lowest (BY). Like Redis,
 * pattern scanning is C-string based: it stops at a NUL byte.
 */
import type { CommandSpec } from '../server/command';
import type { Client } from '../server/client';
import { Err } from '../protocol/errors';
import { Db, Notify } from '../store/keyspace';
import { stringOf, Value } from '../store/value';
import { List } from '../store/list';
import { SetValue } from '../store/set';
import { ZSet } from '../store/zset';
import { HashValue } from '../store/hash';
import { strtod, toInt64 } from '../util/numbers';

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/** strcasecmp(arg, word) === 0 for a lowercase word (C compares up to a NUL byte). */
function isOpt(arg: string, word: string): boolean {
  const n = word.length;
  if (arg.length < n || (arg.length > n && arg.charCodeAt(n) !== 0)) return false;
  for (let i = 0; i < n; i++) if ((arg.charCodeAt(i) | 32) !== word.charCodeAt(i)) return false;
  return true;
}

/** The C-string view of s: up to its first NUL byte. */
function cstr(s: string): string {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

/** memcmp-then-length order of two latin1 strings (compareStringObjects). */
function binCmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const LONG_CLAMP = BigInt(Number.MAX_SAFE_INTEGER);

/** getLongFromObjectOrReply(), clamped to the safe integers; null if not an int64. */
function longArg(s: string): number | null {
  const b = toInt64(s);
  if (b === null) return null;
  if (b > LONG_CLAMP) return Number.MAX_SAFE_INTEGER;
  if (b < -LONG_CLAMP) return -Number.MAX_SAFE_INTEGER;
  return Number(b);
}

const DBL_MIN = 2.2250738585072014e-308;
const HEX_FLOAT = /^\s*[+-]?0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?[0-9]+))?/;
const DEC_FLOAT = /^\s*[+-]?([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?/;

/**
 * glibc's strtod() also sets ERANGE when the result is tiny (below DBL_MIN
 * after rounding to 53 bits with an unbounded exponent) and inexact, which
 * SORT takes as a bad score. `value` is what strtod() gave for s[0, end);
 * only values near the subnormal range get the exact (BigInt) check.
 */
function tinyInexact(s: string, end: number, value: number): boolean {
  const abs = Math.abs(value);
  if (value === 0 || abs > DBL_MIN || value !== value) return false;
  // the exact value: num / den
  let num: bigint;
  let den = 1n;
  const text = s.slice(0, end);
  const hex = HEX_FLOAT.exec(text);
  if (hex !== null) {
    const frac = hex[2] ?? '';
    num = BigInt('0x' + (hex[1] + frac || '0'));
    const e = Number(hex[3] ?? '0') - 4 * frac.length;
    if (e >= 0) num <<= BigInt(e);
    else den <<= BigInt(-e);
  } else {
    const dec = DEC_FLOAT.exec(text)!;
    const frac = dec[2] ?? '';
    num = BigInt((dec[1] + frac).replace(/^0+/, '') || '0');
    const e = Number(dec[3] ?? '0') - frac.length;
    if (e >= 0) num *= 10n ** BigInt(e);
    else den = 10n ** BigInt(-e);
  }
  if (abs === DBL_MIN) {
    // rounded to DBL_MIN: tiny if below the midpoint with its predecessor
    return num << 1076n < ((1n << 54n) - 1n) * den;
  }
  // a subnormal: tiny, so ERANGE unless exact
  const v = BigInt(abs * 2 ** 1000 * 2 ** 74); // abs = v * 2^-1074
  return num << 1074n !== v * den;
}

/**
 * lookupKeyByPattern(): the string a BY/GET pattern names for element `ele`,
 * or undefined (no `*`, missing key, wrong type, missing field).
 */
function lookupByPattern(db: Db, pattern: string, ele: string): string | undefined {
  const cpat = cstr(pattern);
  if (cpat === '#') return ele;
  const star = cpat.indexOf('*');
  if (star < 0) return undefined;
  // "->field" after the '*' (and not at the very end) reads a hash field;
  // the field runs to the real end of the pattern, NULs included
  const arrow = cpat.indexOf('->', star + 1);
  const hasField = arrow >= 0 && arrow + 2 < cpat.length;
  const key = pattern.slice(0, star) + ele + pattern.slice(star + 1, hasField ? arrow : pattern.length);
  const v: Value | undefined = db.lookupRead(key);
  if (v === undefined) return undefined;
  if (hasField) return v instanceof HashValue ? v.get(pattern.slice(arrow + 2)) : undefined;
  return stringOf(v);
}

// ---------------------------------------------------------------------------
// SORT
// ---------------------------------------------------------------------------

/** One element to sort: the element, its numeric score, its ALPHA BY value. */
interface SortItem {
  ele: string;
  score: number;
  /** ALPHA: the compared string (BY value or element, C-string cut unless STORE); null when BY found nothing. */
  cmp: string | null;
}

function sortGeneric(c: Client, argv: string[], readonly: boolean): void {
  let desc = false;
  let alpha = false;
  let limitStart = 0;
  let limitCount = -1;
  let storeKey: string | null = null;
  let sortBy: string | null = null;
  let dontSort = false;
  const gets: string[] = [];

  // the SQL-alike syntax
  for (let j = 2; j < argv.length; j++) {
    const a = argv[j];
    const left = argv.length - j - 1;
    if (isOpt(a, 'asc')) desc = false;
    else if (isOpt(a, 'desc')) desc = true;
    else if (isOpt(a, 'alpha')) alpha = true;
    else if (isOpt(a, 'limit') && left >= 2) {
      const s = longArg(argv[j + 1]);
      const n = s === null ? null : longArg(argv[j + 2]);
      if (s === null || n === null) {
        c.error(Err.notInteger);
        return;
      }
      limitStart = s;
      limitCount = n;
      j += 2;
    } else if (!readonly && isOpt(a, 'store') && left >= 1) {
      storeKey = argv[++j];
    } else if (isOpt(a, 'by') && left >= 1) {
      sortBy = argv[++j];
      // no '*' in the pattern: nothing to sort by (a later BY with a '*'
      // doesn't undo that)
      if (cstr(sortBy).indexOf('*') < 0) dontSort = true;
    } else if (isOpt(a, 'get') && left >= 1) {
      gets.push(argv[++j]);
    } else {
      c.error(Err.syntax);
      return;
    }
  }

  const db = c.db;
  const v = db.lookupRead(argv[1]);
  if (v !== undefined && !(v instanceof List) && !(v instanceof SetValue) && !(v instanceof ZSet)) {
    c.error(Err.wrongType);
    return;
  }

  // a set sorted "by nothing" into a key is sorted ALPHA, so that the
  // stored result (and its replication) doesn't depend on hash order
  if (dontSort && v instanceof SetValue && storeKey !== null) {
    dontSort = false;
    alpha = true;
    sortBy = null;
  }

  // SORT converts a listpack sorted set to a skiplist, for good
  if (v instanceof ZSet && v.listpack) v.toSkiplist();

  const len = v === undefined ? 0 : v instanceof List ? v.length : v instanceof SetValue ? v.size : v.length;

  // LIMIT sanity checking, as Redis does it
  let start = Math.min(Math.max(limitStart, 0), len);
  const count = Math.min(Math.max(limitCount, -1), len);
  let end = count < 0 ? len - 1 : start + count - 1;
  if (start >= len) {
    start = len - 1;
    end = len - 2;
  }
  if (end >= len) end = len - 1;

  // load the elements: lists and sorted sets not to be sorted load just the
  // range asked for, in their own order (backwards for DESC)
  let items: SortItem[];
  if (dontSort && (v instanceof List || v instanceof ZSet)) {
    const n = end >= start ? end - start + 1 : 0;
    items = new Array<SortItem>(n);
    if (v instanceof List) {
      for (let j = 0; j < n; j++) {
        const i = desc ? len - start - 1 - j : start + j;
        items[j] = { ele: v.at(i), score: 0, cmp: null };
      }
    } else if (n > 0) {
      const sl = v.sl;
      let node = desc ? (start > 0 ? sl.byRank(len - start) : sl.tail) : start > 0 ? sl.byRank(start + 1) : sl.first;
      for (let j = 0; j < n; j++) {
        items[j] = { ele: sl.ele(node), score: 0, cmp: null };
        node = desc ? sl.prev(node) : sl.next(node);
      }
    }
    end -= start;
    start = 0;
  } else {
    items = new Array<SortItem>(len);
    let j = 0;
    if (v instanceof List) {
      for (let i = 0; i < len; i++) items[i] = { ele: v.at(i), score: 0, cmp: null };
    } else if (v instanceof SetValue) {
      v.forEach((m) => (items[j++] = { ele: m, score: 0, cmp: null }));
    } else if (v instanceof ZSet) {
      for (const m of v.dict.keys()) items[j++] = { ele: m, score: 0, cmp: null };
    }
  }

  let badScore = false;
  if (!dontSort) {
    const store = storeKey !== null;
    for (let j = 0; j < items.length; j++) {
      const it = items[j];
      let by: string | undefined = it.ele;
      if (sortBy !== null) {
        by = lookupByPattern(db, sortBy, it.ele);
        if (by === undefined) continue;
      }
      if (alpha) {
        it.cmp = store ? by : cstr(by);
      } else {
        // strtod() up to the C string's end: trailing junk, overflow and NaN fail
        const r = strtod(by);
        const stop = r.end === by.length || by.charCodeAt(r.end) === 0;
        if (!stop || r.erange || r.value !== r.value || tinyInexact(by, r.end, r.value)) badScore = true;
        it.score = r.value;
      }
    }
    const sign = desc ? -1 : 1;
    if (!alpha) {
      items.sort((x, y) => sign * (x.score > y.score ? 1 : x.score < y.score ? -1 : binCmp(x.ele, y.ele)));
    } else if (sortBy !== null) {
      items.sort((x, y) => {
        const a = x.cmp;
        const b = y.cmp;
        if (a === null || b === null) return sign * (a === b ? 0 : a === null ? -1 : 1);
        return sign * binCmp(a, b);
      });
    } else {
      items.sort((x, y) => sign * binCmp(x.cmp!, y.cmp!));
    }
  }

  if (badScore) {
    c.error(Err.sortNotDouble);
    return;
  }

  const rows = end - start + 1;
  const outLen = gets.length > 0 ? gets.length * rows : rows;
  if (storeKey === null) {
    const r = c.reply;
    r.array(outLen);
    for (let j = start; j <= end; j++) {
      const ele = items[j].ele;
      if (gets.length === 0) {
        r.bulk(ele);
        continue;
      }
      for (let g = 0; g < gets.length; g++) {
        const val = lookupByPattern(db, gets[g], ele);
        if (val === undefined) r.nullBulk();
        else r.bulk(val);
      }
    }
    return;
  }

  const out = new List(outLen);
  for (let j = start; j <= end; j++) {
    const ele = items[j].ele;
    if (gets.length === 0) {
      out.pushTail(ele);
      continue;
    }
    for (let g = 0; g < gets.length; g++) out.pushTail(lookupByPattern(db, gets[g], ele) ?? '');
  }
  if (outLen > 0) {
    db.expireIfNeeded(storeKey); // a logically expired destination is a new key
    db.setKey(storeKey, out);
    db.written(storeKey, 'sortstore', Notify.list, outLen);
  } else {
    // dbDelete(): no expiry check first, an expired key is deleted as is
    db.removeExpire(storeKey);
    if (db.delete(storeKey)) db.written(storeKey, 'del', Notify.generic);
  }
  c.reply.int(outLen);
}

/**
 * sortGetKeys(): the sorted key, and the key after the last STORE, skipping
 * the arguments of LIMIT (2), GET and BY (1).
 */
function sortGetKeys(argv: string[]): number[] {
  const keys = [1];
  let store = 0;
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    if (isOpt(a, 'limit')) i += 2;
    else if (isOpt(a, 'get') || isOpt(a, 'by')) i += 1;
    else if (isOpt(a, 'store') && i + 1 < argv.length) store = i + 1;
  }
  if (store !== 0) keys.push(store);
  return keys;
}

export const sortCommands: CommandSpec[] = [
  { name: 'sort', handler: (c, argv) => sortGeneric(c, argv, false), getKeys: sortGetKeys },
  { name: 'sort_ro', handler: (c, argv) => sortGeneric(c, argv, true) },
];
