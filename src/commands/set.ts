/**
 * Set commands, with Redis 7.0's replies, errors (and their precedence),
 * keyspace events and propagation (t_set.c, db.c's scanGenericCommand).
 *
 * The data structure is store/set.ts. Reply order follows the encodings as
 * Redis's does: an intset iterates in ascending numeric order; SINTER walks
 * its smallest input; SUNION/SDIFF (and SPOP of a whole set) reply from a
 * temporary set that starts as an intset, so its encoding, and the *STORE
 * destination's, is decided exactly as Redis decides it.
 */
import type { CommandSpec } from '../server/command';
import type { Client } from '../server/client';
import { parseScanOptions, removeMembers, replyEmptyScan } from './collection';
import { Err } from '../protocol/errors';
import { Db, Notify } from '../store/keyspace';
import type { Value } from '../store/value';
import { SetValue, scanSet } from '../store/set';
import { parseCursor } from '../store/scan';
import { compileGlob, isMatchAll } from '../util/glob';
import { INT64_MIN, toInt64, toSafeInt } from '../util/numbers';
import { optIs, parseLL } from './args';
import { propagateAs } from './propagate';

// ---- helpers ------------------------------------------------------------------

/** SPOP_MOVE_STRATEGY_MUL and SRANDMEMBER_SUB_STRATEGY_MUL. */
const SPOP_MOVE_STRATEGY_MUL = 5;
const SRANDMEMBER_SUB_STRATEGY_MUL = 3;
/** Largest SRANDMEMBER negative count we build a reply for (see Err.sRandTooMany). */
const MAX_RANDOM_REPLIES = 1 << 27;

/** set-max-intset-entries. */
function maxIntset(c: Client): number {
  const cfg = c.server.config;
  return cfg === undefined ? 512 : cfg.values['set-max-intset-entries'];
}

/** The key's set, undefined when missing, null after replying WRONGTYPE. */
function asSet(c: Client, v: Value | undefined): SetValue | undefined | null {
  if (v === undefined || v instanceof SetValue) return v;
  c.error(Err.wrongType);
  return null;
}

/** A parsed non-negative count as a number (beyond 2^53 no set is that big). */
function countOf(n: number | bigint): number {
  return typeof n === 'number' ? n : Number.MAX_SAFE_INTEGER;
}

/** atoi(): leading blanks, a sign, digits, anything after ignored (key extraction). */
function atoi(s: string): number {
  let i = 0;
  while (i < s.length && (s.charCodeAt(i) === 32 || (s.charCodeAt(i) >= 9 && s.charCodeAt(i) <= 13))) i++;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') neg = s[i++] === '-';
  let v = 0;
  for (; i < s.length; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    v = v * 10 + d;
  }
  return neg ? -v : v;
}

/**
 * Store a *STORE result (setKey(): overwrite any type, drop the TTL, "new"
 * when the key is created) and reply its size.
 */
function storeResult(c: Client, dst: string, set: SetValue, event: string): void {
  const db = c.db;
  if (db.lookup(dst) === undefined) db.setKey(dst, set);
  else db.setKey(dst, set);
  c.reply.int(set.size);
  db.written(dst, event, Notify.set);
}

/** An empty *STORE result: delete the destination. */
function storeEmpty(c: Client, dst: string): void {
  const db = c.db;
  c.reply.int(0);
  if (db.delete(dst)) db.written(dst, 'del', Notify.generic);
}

// ---- SADD / SREM / SMOVE ------------------------------------------------------

function sadd(c: Client, argv: string[]): void {
  const db = c.db;
  const key = argv[1];
  let set = asSet(c, db.lookup(key));
  if (set === null) return;
  if (set === undefined) {
    set = SetValue.forMember(argv[2]);
    db.setKey(key, set);
  }
  const max = maxIntset(c);
  let added = 0;
  for (let i = 2; i < argv.length; i++) if (set.add(argv[i], max)) added++;
  if (added > 0) db.written(key, 'sadd', Notify.set, added);
  c.reply.int(added);
}

function srem(c: Client, argv: string[]): void {
  const db = c.db;
  const key = argv[1];
  const set = asSet(c, db.lookup(key));
  if (set === null) return;
  if (set === undefined) return c.reply.int(0);
  removeMembers(c, key, argv, 2, (m) => set.remove(m), () => set.size === 0, 'srem', Notify.set);
}

function smove(c: Client, argv: string[]): void {
  const db = c.db;
  const src = argv[1];
  const dst = argv[2];
  const member = argv[3];
  const sv = db.lookup(src);
  const dv = db.lookup(dst);
  if (sv === undefined) return c.reply.int(0);
  if (!(sv instanceof SetValue) || (dv !== undefined && !(dv instanceof SetValue))) return c.error(Err.wrongType);
  if (sv === dv) return c.reply.int(sv.has(member) ? 1 : 0);
  if (!sv.remove(member)) return c.reply.int(0);
  db.written(src, 'srem', Notify.set);
  if (sv.size === 0) {
    db.delete(src);
    db.written(src, 'del', Notify.generic, 0);
  }
  let dset = dv;
  if (dset === undefined) {
    dset = SetValue.forMember(member);
    db.setKey(dst, dset);
  }
  if (dset.add(member, maxIntset(c))) db.written(dst, 'sadd', Notify.set);
  c.reply.int(1);
}

// ---- SISMEMBER / SMISMEMBER / SCARD -----------------------------------------------

function sismember(c: Client, argv: string[]): void {
  const set = asSet(c, c.db.lookupRead(argv[1]));
  if (set === null) return;
  c.reply.int(set !== undefined && set.has(argv[2]) ? 1 : 0);
}

function smismember(c: Client, argv: string[]): void {
  const set = asSet(c, c.db.lookupRead(argv[1]));
  if (set === null) return;
  c.reply.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) c.reply.int(set !== undefined && set.has(argv[i]) ? 1 : 0);
}

function scard(c: Client, argv: string[]): void {
  const set = asSet(c, c.db.lookupRead(argv[1]));
  if (set === null) return;
  c.reply.int(set === undefined ? 0 : set.size);
}

// ---- SPOP / SRANDMEMBER -----------------------------------------------------------

function spop(c: Client, argv: string[]): void {
  if (argv.length === 3) return spopWithCount(c, argv);
  if (argv.length > 3) return c.error(Err.syntax);
  const db = c.db;
  const key = argv[1];
  const set = asSet(c, db.lookup(key));
  if (set === null) return;
  if (set === undefined) return c.reply.nullBulk();
  const member = set.popRandom();
  db.written(key, 'spop', Notify.set);
  c.rewriteArgv(['SREM', key, member]);
  c.reply.bulk(member);
  if (set.size === 0) {
    db.delete(key);
    db.written(key, 'del', Notify.generic, 0);
  }
}

function spopWithCount(c: Client, argv: string[]): void {
  const n = parseLL(argv[2]);
  if (n === null || n < 0) return c.error(Err.sMustBePositive);
  let count = countOf(n);
  const db = c.db;
  const key = argv[1];
  const set = asSet(c, db.lookup(key));
  if (set === null) return;
  if (set === undefined || count === 0) return c.reply.set(0);
  const size = set.size;
  db.written(key, 'spop', Notify.set, count >= size ? size : count);

  // The whole set: reply it as SUNION would, delete the key, propagate DEL.
  if (count >= size) {
    sunionDiff(c, argv, 1, 2, null, UNION);
    db.delete(key);
    db.written(key, 'del', Notify.generic, 0);
    c.rewriteArgv(['DEL', key]);
    return;
  }

  // Otherwise propagated as one SREM per member.
  const srems: string[][] = [];
  c.reply.set(count);
  let remaining = size - count;
  if (remaining * SPOP_MOVE_STRATEGY_MUL > count) {
    // Few members asked for: pop them one by one.
    while (count-- > 0) {
      const m = set.popRandom();
      c.reply.bulk(m);
      srems.push(['SREM', key, m]);
    }
  } else {
    // Most of the set asked for: move the members that stay to a new set
    // (whose encoding is chosen afresh), reply what is left in the old one.
    const max = maxIntset(c);
    let kept: SetValue | null = null;
    while (remaining-- > 0) {
      const m = set.random();
      if (kept === null) kept = SetValue.forMember(m);
      kept.add(m, max);
      set.remove(m);
    }
    set.forEach((m) => {
      c.reply.bulk(m);
      srems.push(['SREM', key, m]);
    });
    db.overwrite(key, kept!);
  }
  propagateAs(c, srems);
}

function srandmember(c: Client, argv: string[]): void {
  if (argv.length === 3) return srandmemberWithCount(c, argv);
  if (argv.length > 3) return c.error(Err.syntax);
  const set = asSet(c, c.db.lookupRead(argv[1]));
  if (set === null) return;
  if (set === undefined) return c.reply.nullBulk();
  c.reply.bulk(set.random());
}

function srandmemberWithCount(c: Client, argv: string[]): void {
  const n = parseLL(argv[2]);
  if (n === null) return c.error(Err.notInteger);
  if (n === INT64_MIN) return c.error(Err.sRandCountRange);
  // A negative count may repeat members.
  const uniq = n >= 0;
  let count = countOf(uniq ? n : -n);
  const set = asSet(c, c.db.lookupRead(argv[1]));
  if (set === null) return;
  if (set === undefined || count === 0) return c.reply.array(0);

  if (!uniq || count === 1) {
    if (count > MAX_RANDOM_REPLIES) return c.error(Err.sRandTooMany);
    c.reply.array(count);
    while (count-- > 0) c.reply.bulk(set.random());
    return;
  }
  const size = set.size;
  if (count >= size) {
    c.reply.array(size);
    set.forEach((m) => c.reply.bulk(m));
    return;
  }
  c.reply.array(count);
  if (count * SRANDMEMBER_SUB_STRATEGY_MUL > size) {
    // Close to the whole set: a partial shuffle of all the members.
    const all = set.members();
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(Math.random() * (size - i));
      const m = all[j];
      all[j] = all[i];
      c.reply.bulk(m);
    }
  } else {
    // Few of many: sample until enough distinct members.
    const picked = new Set<string>();
    while (picked.size < count) picked.add(set.random());
    for (const m of picked) c.reply.bulk(m);
  }
}

// ---- SINTER / SINTERCARD / SINTERSTORE / SMEMBERS -------------------------------------

/**
 * sinterGenericCommand() over the keys argv[from..to): reply the members
 * (set), their count (cardOnly, stopping at `limit` when non-zero), or
 * store them at dst.
 */
function sinterGeneric(c: Client, argv: string[], from: number, to: number, dst: string | null, cardOnly: boolean, limit: number): void {
  const db = c.db;
  const n = to - from;
  const sets: SetValue[] = [];
  let empty = false;
  for (let i = from; i < to; i++) {
    const set = asSet(c, db.lookupRead(argv[i]));
    if (set === null) return;
    if (set === undefined) empty = true;
    else sets.push(set);
  }
  if (empty) {
    if (dst !== null) storeEmpty(c, dst);
    else if (cardOnly) c.reply.int(0);
    else c.reply.set(0);
    return;
  }
  // Walk the smallest set (stable, like glibc's merge-sorting qsort).
  if (n > 1) sets.sort((a, b) => a.size - b.size);
  const first = sets[0];
  const max = maxIntset(c);
  const out: string[] | null = dst === null && !cardOnly ? [] : null;
  const stored = dst !== null ? SetValue.intset() : null;
  let card = 0;
  if (first.ints !== null) {
    const ints = first.ints;
    for (let k = 0; k < ints.length; k++) {
      const v = ints[k];
      let j = 1;
      for (; j < n; j++) if (sets[j] !== first && !sets[j].hasInt(v)) break;
      if (j < n) continue;
      if (out !== null) out.push(String(v));
      else if (stored !== null) stored.addInt(v, max);
      else if (++card === limit) break;
    }
  } else {
    for (const m of first.ht!.keys()) {
      let j = 1;
      for (; j < n; j++) if (sets[j] !== first && !sets[j].has(m)) break;
      if (j < n) continue;
      if (out !== null) out.push(m);
      else if (stored !== null) stored.add(m, max);
      else if (++card === limit) break;
    }
  }
  if (out !== null) {
    c.reply.set(out.length);
    for (let i = 0; i < out.length; i++) c.reply.bulk(out[i]);
  } else if (stored !== null) {
    if (stored.size > 0) storeResult(c, dst!, stored, 'sinterstore');
    else storeEmpty(c, dst!);
  } else {
    c.reply.int(card);
  }
}

function sinter(c: Client, argv: string[]): void {
  sinterGeneric(c, argv, 1, argv.length, null, false, 0);
}

function sinterstore(c: Client, argv: string[]): void {
  sinterGeneric(c, argv, 2, argv.length, argv[1], false, 0);
}

function sintercard(c: Client, argv: string[]): void {
  const nk = parseLL(argv[1]);
  if (nk === null || nk < 1) return c.error(Err.sNumkeys);
  if (nk > argv.length - 2) return c.error(Err.sNumkeysTooMany);
  const numkeys = Number(nk);
  let limit = 0;
  for (let j = 2 + numkeys; j < argv.length; j++) {
    if (optIs(argv[j], 'limit') && j + 1 < argv.length) {
      const l = parseLL(argv[++j]);
      if (l === null || l < 0) return c.error(Err.sLimitNegative);
      limit = countOf(l);
    } else {
      return c.error(Err.syntax);
    }
  }
  sinterGeneric(c, argv, 2, 2 + numkeys, null, true, limit);
}

/** SINTERCARD numkeys key [key ...]: Redis's sintercardGetKeys() (atoi numkeys). */
function sintercardKeys(argv: string[]): number[] {
  const n = argv.length > 1 ? atoi(argv[1]) : 0;
  if (n < 1 || n > argv.length - 2) return [];
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(2 + i);
  return out;
}

// ---- SUNION / SDIFF and their STORE variants ------------------------------------------

const UNION = 0;
const DIFF = 1;

/** Descending size, a missing key counting as empty (qsortCompareSetsByRevCardinality). */
function bySizeDesc(a: SetValue | null, b: SetValue | null): number {
  return (b === null ? 0 : b.size) - (a === null ? 0 : a.size);
}

/** sunionDiffGenericCommand() over the keys argv[from..to). */
function sunionDiff(c: Client, argv: string[], from: number, to: number, dst: string | null, op: number): void {
  const db = c.db;
  const n = to - from;
  const sets: (SetValue | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const set = asSet(c, db.lookupRead(argv[from + i]));
    if (set === null) return;
    sets[i] = set ?? null;
  }
  const max = maxIntset(c);
  const out = SetValue.intset();
  const head = sets[0];
  if (op === UNION) {
    for (let j = 0; j < n; j++) {
      const s = sets[j];
      if (s === null) continue;
      if (s.ints !== null) {
        const ints = s.ints;
        for (let k = 0; k < ints.length; k++) out.addInt(ints[k], max);
      } else {
        for (const m of s.ht!.keys()) out.add(m, max);
      }
    }
  } else if (head !== null) {
    // Algorithm 1 (O(N*M): test each member of the first set against the
    // others) or 2 (O(total): add the first, remove the others), chosen as
    // Redis does; the choice decides the result's encoding.
    let work1 = 0;
    let work2 = 0;
    for (let j = 0; j < n; j++) {
      const s = sets[j];
      if (s === null) continue;
      work1 += head.size;
      work2 += s.size;
    }
    if (Math.floor(work1 / 2) <= work2) {
      if (n > 2) {
        const rest = sets.slice(1).sort(bySizeDesc);
        for (let j = 1; j < n; j++) sets[j] = rest[j - 1];
      }
      head.forEach((m) => {
        for (let j = 1; j < n; j++) {
          const s = sets[j];
          if (s === null) continue;
          if (s === head || s.has(m)) return;
        }
        out.add(m, max);
      });
    } else {
      for (let j = 0; j < n; j++) {
        const s = sets[j];
        if (s === null) continue;
        if (j === 0) s.forEach((m) => out.add(m, max));
        else s.forEach((m) => out.remove(m));
        if (out.size === 0) break;
      }
    }
  }
  if (dst === null) {
    c.reply.set(out.size);
    out.forEach((m) => c.reply.bulk(m));
  } else if (out.size > 0) {
    storeResult(c, dst, out, op === UNION ? 'sunionstore' : 'sdiffstore');
  } else {
    storeEmpty(c, dst);
  }
}

function sunion(c: Client, argv: string[]): void {
  sunionDiff(c, argv, 1, argv.length, null, UNION);
}

function sunionstore(c: Client, argv: string[]): void {
  sunionDiff(c, argv, 2, argv.length, argv[1], UNION);
}

function sdiff(c: Client, argv: string[]): void {
  sunionDiff(c, argv, 1, argv.length, null, DIFF);
}

function sdiffstore(c: Client, argv: string[]): void {
  sunionDiff(c, argv, 2, argv.length, argv[1], DIFF);
}

function smembers(c: Client, argv: string[]): void {
  // Redis 7.0 serves SMEMBERS with sinterCommand.
  sinterGeneric(c, argv, 1, 2, null, false, 0);
}

// ---- SSCAN ----------------------------------------------------------------------

function sscan(c: Client, argv: string[]): void {
  const cursor = parseCursor(argv[2]);
  if (cursor === null) return c.error(Err.invalidCursor);
  const set = asSet(c, c.db.lookupRead(argv[1]));
  if (set === null) return;
  if (set === undefined) return replyEmptyScan(c);
  const opts = parseScanOptions(c, argv);
  if (opts === null) return;
  const { count, match } = opts;
  const page = scanSet(set, cursor, count);
  let members = page.members;
  if (match !== null) members = members.filter(match);
  c.reply.array(2);
  c.reply.bulk(String(page.cursor));
  c.reply.bulks(members);
}

export const setCommands: CommandSpec[] = [
  { name: 'sadd', handler: sadd },
  { name: 'srem', handler: srem },
  { name: 'smove', handler: smove },
  { name: 'sismember', handler: sismember },
  { name: 'smismember', handler: smismember },
  { name: 'scard', handler: scard },
  { name: 'spop', handler: spop },
  { name: 'srandmember', handler: srandmember },
  { name: 'smembers', handler: smembers },
  { name: 'sinter', handler: sinter },
  { name: 'sintercard', handler: sintercard, getKeys: sintercardKeys },
  { name: 'sinterstore', handler: sinterstore },
  { name: 'sunion', handler: sunion },
  { name: 'sunionstore', handler: sunionstore },
  { name: 'sdiff', handler: sdiff },
  { name: 'sdiffstore', handler: sdiffstore },
  { name: 'sscan', handler: sscan },
];
