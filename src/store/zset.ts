/**
 * Sorted set values: a skiplist ordered by (score, member) plus a Map from
 * member to its skiplist node id (Redis's zset: zskiplist + dict).
 *
 * Encoding: Redis 7.0 keeps small sets in a listpack and converts them, one
 * way, to a skiplist when they grow past zset-max-listpack-entries entries
 * or get a member longer than zset-max-listpack-value bytes. Here the data
 * structure is always the skiplist and `listpack` is only the flag OBJECT
 * ENCODING reports, converted at the same moments as Redis does. The
 * visible differences between the encodings are kept: a listpack stores an
 * integral score as an integer, so -0 becomes 0 there (the skiplist keeps
 * -0), and ZSCAN prints a listpack score as stored (1e18 as
 * "1000000000000000000", not "1e+18"), all members at once, in order.
 */
import { StoredObject } from './value';
import { SkipList } from './skiplist';
import { LiveCursors } from './scan';

/** The encoding thresholds (zset-max-listpack-entries / -value). */
export interface ZsetLimits {
  entries: number;
  value: number;
}

// zsetAdd() input flags
export const ZADD_IN_INCR = 1;
export const ZADD_IN_NX = 2;
export const ZADD_IN_XX = 4;
export const ZADD_IN_GT = 8;
export const ZADD_IN_LT = 16;

// zsetAdd() output flags (0: present with the same score, nothing to do)
export const ZADD_OUT_NOP = 1;
export const ZADD_OUT_NAN = 2;
export const ZADD_OUT_ADDED = 4;
export const ZADD_OUT_UPDATED = 8;

export class ZSet extends StoredObject {
  readonly type = 'zset' as const;
  sl: SkipList;
  dict: Map<string, number>;
  /** Listpack encoding flag (see the file comment). */
  listpack = true;
  /** The score computed by the last add() (ZADD INCR / ZINCRBY reply). */
  newScore = 0;
  /** ZSCAN walks over the member dict (skiplist encoding). */
  private cursors: LiveCursors<string> | null = null;

  constructor(sl = new SkipList(), dict = new Map<string, number>()) {
    super();
    this.sl = sl;
    this.dict = dict;
  }

  encoding(): string {
    return this.listpack ? 'listpack' : 'skiplist';
  }

  get length(): number {
    return this.sl.length;
  }

  score(ele: string): number | undefined {
    const n = this.dict.get(ele);
    return n === undefined ? undefined : this.sl.score(n);
  }

  /** 0-based rank (counted from the end when reverse), or -1 when absent. */
  rank(ele: string, reverse: boolean): number {
    const n = this.dict.get(ele);
    if (n === undefined) return -1;
    const r = this.sl.rankOf(n);
    return reverse ? this.sl.length - r : r - 1;
  }

  /** Convert to the skiplist encoding (one way). */
  toSkiplist(): void {
    this.listpack = false;
  }

  /**
   * zsetAdd(): add or update one member with ZADD's flags. Returns the
   * output flags; ZADD_OUT_NAN means the increment gave NaN (nothing
   * changed). `newScore` gets the resulting score when there is one.
   */
  add(score: number, ele: string, flags: number, limits: ZsetLimits): number {
    if (score !== score) return ZADD_OUT_NAN;
    const node = this.dict.get(ele);
    if (node !== undefined) {
      if (flags & ZADD_IN_NX) return ZADD_OUT_NOP;
      const cur = this.sl.score(node);
      if (flags & ZADD_IN_INCR) {
        score += cur;
        if (score !== score) return ZADD_OUT_NAN;
      }
      if ((flags & ZADD_IN_LT && score >= cur) || (flags & ZADD_IN_GT && score <= cur)) return ZADD_OUT_NOP;
      this.newScore = score;
      if (score === cur) return 0;
      if (this.listpack && score === 0) score = 0; // listpack keeps -0 as the integer 0
      this.sl.updateScore(cur, ele, score);
      return ZADD_OUT_UPDATED;
    }
    if (flags & ZADD_IN_XX) return ZADD_OUT_NOP;
    this.newScore = score;
    if (this.listpack && (this.sl.length + 1 > limits.entries || ele.length > limits.value)) this.listpack = false;
    if (this.listpack && score === 0) score = 0;
    this.dict.set(ele, this.sl.insert(score, ele));
    return ZADD_OUT_ADDED;
  }

  /** zsetDel(): remove a member. Returns whether it was there. */
  remove(ele: string): boolean {
    const n = this.dict.get(ele);
    if (n === undefined) return false;
    this.dict.delete(ele);
    this.sl.delete(this.sl.score(n), ele);
    if (this.sl.sparse) this.compact();
    return true;
  }

  /**
   * Rebuild the skiplist into a buffer sized for what is left, once it has
   * shrunk to a small part of its peak (the freed records are otherwise
   * kept for reuse). Node ids change: call only between operations.
   */
  compact(): void {
    const old = this.sl;
    const sl = new SkipList(Math.max(64, old.length * 8));
    const append = sl.appender();
    for (let n = old.first; n !== 0; n = old.next(n)) {
      const e = old.ele(n);
      this.dict.set(e, append(old.score(n), e));
    }
    this.sl = sl;
  }

  /** For range deletions: drop the member of a node the skiplist unlinked. */
  readonly forget = (ele: string): void => {
    this.dict.delete(ele);
  };

  /**
   * A set built from distinct members given in ascending (score, member)
   * order, with the given encoding; scores are taken as given.
   */
  static fromSorted(eles: readonly string[], scores: readonly number[], listpack: boolean): ZSet {
    const z = new ZSet();
    z.listpack = listpack;
    const append = z.sl.appender();
    for (let i = 0; i < eles.length; i++) z.dict.set(eles[i], append(scores[i], eles[i]));
    return z;
  }

  /** COPY: an independent set with the same members, scores and encoding. */
  dup(): ZSet {
    const z = new ZSet(this.sl.clone(), new Map(this.dict));
    z.listpack = this.listpack;
    return z;
  }

  /**
   * One ZSCAN step over the members of a skiplist-encoded set: up to
   * `count` members from the walk named by `cursor` appended to `out`.
   * Returns the cursor to reply (0 when the walk is over).
   */
  scanStep(cursor: bigint, count: number, out: string[]): number {
    return (this.cursors ??= new LiveCursors<string>(64)).step(this.dict, cursor, count, out);
  }
}

const LLONG_HALF = 4611686018427387903; // LLONG_MAX / 2, as a double

/**
 * A score as a listpack stores it and ZSCAN prints it: an integral value
 * within +-LLONG_MAX/2 as an integer, anything else as `fmt` (%.17g) does.
 */
export function listpackScoreString(score: number, fmt: (d: number) => string): string {
  if (score >= -LLONG_HALF && score <= LLONG_HALF && Number.isInteger(score)) {
    return Number.isSafeInteger(score) ? String(score === 0 ? 0 : score) : BigInt(score).toString();
  }
  return fmt(score);
}
