/**
 * Collection commands for the random differential test (generator.ts, mode
 * 'collections'): hashes, lists, sets, sorted sets, SORT, blocking pops with
 * tiny timeouts, OBJECT ENCODING / TYPE over a small key space where types
 * collide. Commands whose result is random are only generated in checkable
 * forms (SPOP / SRANDMEMBER / HRANDFIELD with a count ≥ any collection's
 * size, compared sorted — NORMALISATION 13).
 */
import type { Args } from './harness';
import type { Rng } from './generator';

/** Keys: two per family, plus two neutral ones; any command may pick any key (WRONGTYPE). */
export const COLL_KEYS = ['h1', 'h2', 'l1', 'l2', 's1', 's2', 'z1', 'z2', 'k', 'd'];
const HK = ['h1', 'h2'];
const LK = ['l1', 'l2'];
const SK = ['s1', 's2'];
const ZK = ['z1', 'z2'];
/**
 * The key of lexicographic range commands: only ever written with score 0
 * (ZADD zl 0 m ...). On a zset with different scores Redis's lex-range result
 * is unspecified (it depends on the skiplist's random levels), so BYLEX
 * commands never read z1/z2 (nor any key that some command may turn into a
 * zset); 15% of the time they get a string key or a missing one.
 */
const LEX_KEY = 'zl';
const LEX_OTHER = ['w_a', 'nolex']; // a string (SET w_a) and a key never written

/**
 * Members: integers (intset candidates), non-integers, long ones (listpack
 * value limit), binary. The NUL member is "q\0r", not "\0": SORT ALPHA
 * compares with strcoll(), which stops at a NUL, so "\0" would tie with ""
 * and Redis leaves tied elements in qsort's (input, i.e. hash) order.
 */
const MEMBERS = ['0', '1', '2', '3', '5', '7', '10', '-1', '-5', '100', '9223372036854775807', '-9223372036854775808', '9223372036854775808', '007', '-0', '1.5', 'a', 'b', 'c', 'd', 'e', 'foo', 'bar', 'x'.repeat(20), 'y'.repeat(70), '', 'A', 'q\x00r', '\xff', ' 1'];
const SMALL_MEMBERS = ['0', '1', '2', '3', '5', '7', '10', '-1', 'a', 'b', 'c', 'd', 'foo'];
/**
 * No score overflows strtod() (e.g. "1e400"): Redis 7.0's SORT tests errno
 * after strtod() without clearing it first, so an ERANGE left by any earlier
 * command (ZADD k 1e400 m, a weight of 1e400) makes later numeric SORTs on
 * the same server fail with "One or more scores can't be converted" until
 * some unrelated call resets errno.
 */
const SCORES = ['0', '1', '-1', '2', '2.5', '-3.5', '10', '1e3', '3', '3', '1', '0', 'inf', '-inf', '+inf', 'nan', 'abc', '', '1e308', '0x10', '-0', '5.'];
const INCRS = ['1', '-1', '5', '0', '2.5', '-0.5', '1e308', 'inf', '-inf', 'abc', '9223372036854775807', '-9223372036854775808', ''];
const SCORE_MIN = ['-inf', '+inf', '0', '(0', '1', '(1', '2.5', '(2.5', '-1', '3', '(3', '10', 'abc', '(', 'inf', '-inf', 'nan'];
const LEX = ['-', '+', '[a', '(a', '[b', '(c', '[1', '(1', '[', '(', 'a', '[foo', '[', '-', '+', '[\xff'];
const IDX = ['0', '1', '2', '-1', '-2', '-3', '3', '5', '10', '-100', '100', 'abc', '1.0', '9223372036854775807', '-9223372036854775808'];
const COUNTS = ['0', '1', '2', '3', '5', '-1', 'abc', '100', ''];
const BIG = ['1000', '10000', '1000', '999999'];
const TIMEOUTS = ['0.01', '0.01', '0.01', '0.02', '0.005', '-1', 'abc', '-0.01', 'inf'];
const DIRS = ['LEFT', 'RIGHT', 'left', 'right', 'UP'];
const SORT_BY = ['w_*', 'w_*', 'o_*->f', 'nokey_*', 'nosort', 'w_*->f', 'o_*'];
const SORT_GET = ['#', 'w_*', 'o_*->f', 'nokey_*', 'o_*->g'];

export class CollectionGen {
  constructor(private r: Rng) {}

  /** [weight, generator] entries. */
  entries(): [number, () => Args][] {
    const r = this.r;
    return [
      // --- hashes
      [6, () => ['HSET', this.hk(), ...this.fieldValues()]],
      [2, () => ['HSETNX', this.hk(), this.m(), this.v()]],
      [1, () => ['HMSET', this.hk(), ...this.fieldValues()]],
      [4, () => ['HGET', this.hk(), this.m()]],
      [2, () => ['HMGET', this.hk(), ...this.ms(1, 4)]],
      [3, () => ['HGETALL', this.hk()]],
      [2, () => ['HKEYS', this.hk()]],
      [2, () => ['HVALS', this.hk()]],
      [2, () => ['HLEN', this.hk()]],
      [1, () => ['HSTRLEN', this.hk(), this.m()]],
      [2, () => ['HEXISTS', this.hk(), this.m()]],
      [3, () => ['HDEL', this.hk(), ...this.ms(1, 3)]],
      [3, () => ['HINCRBY', this.hk(), this.m(), r.pick(INCRS)]],
      [2, () => ['HINCRBYFLOAT', this.hk(), this.m(), r.pick(INCRS)]],
      [1, () => this.hrandfield()],
      // --- lists
      [5, () => [r.pick(['LPUSH', 'RPUSH']), this.lk(), ...this.ms(1, 4)]],
      [1, () => [r.pick(['LPUSHX', 'RPUSHX']), this.lk(), ...this.ms(1, 2)]],
      [3, () => [r.pick(['LPOP', 'RPOP']), this.lk(), ...(r.chance(0.5) ? [r.pick(COUNTS)] : [])]],
      [2, () => ['LLEN', this.lk()]],
      [2, () => ['LINDEX', this.lk(), r.pick(IDX)]],
      [2, () => ['LSET', this.lk(), r.pick(IDX), this.m()]],
      [4, () => ['LRANGE', this.lk(), r.pick(IDX), r.pick(IDX)]],
      [1, () => ['LTRIM', this.lk(), r.pick(IDX), r.pick(IDX)]],
      [2, () => ['LINSERT', this.lk(), r.pick(['BEFORE', 'AFTER', 'before', 'MIDDLE']), this.sm(), this.m()]],
      [2, () => ['LREM', this.lk(), r.pick(IDX), this.sm()]],
      [2, () => this.lpos()],
      [2, () => ['LMOVE', this.lk(), this.lk(), r.pick(DIRS), r.pick(DIRS)]],
      [1, () => ['RPOPLPUSH', this.lk(), this.lk()]],
      [2, () => ['LMPOP', ...this.numkeys(() => this.lk()), r.pick(DIRS), ...this.countOpt()]],
      [0.6, () => [r.pick(['BLPOP', 'BRPOP']), ...this.keysOf(() => this.lk(), 1, 3), r.pick(TIMEOUTS)]],
      [0.4, () => ['BLMOVE', this.lk(), this.lk(), r.pick(DIRS), r.pick(DIRS), r.pick(TIMEOUTS)]],
      [0.2, () => ['BRPOPLPUSH', this.lk(), this.lk(), r.pick(TIMEOUTS)]],
      [0.4, () => ['BLMPOP', r.pick(TIMEOUTS), ...this.numkeys(() => this.lk()), r.pick(DIRS), ...this.countOpt()]],
      // --- sets
      [6, () => ['SADD', this.sk(), ...this.ms(1, 4)]],
      [3, () => ['SREM', this.sk(), ...this.ms(1, 3)]],
      [3, () => ['SMEMBERS', this.sk()]],
      [2, () => ['SISMEMBER', this.sk(), this.m()]],
      [1, () => ['SMISMEMBER', this.sk(), ...this.ms(1, 3)]],
      [2, () => ['SCARD', this.sk()]],
      [2, () => ['SMOVE', this.sk(), this.sk(), this.m()]],
      [2, () => [r.pick(['SINTER', 'SUNION', 'SDIFF']), ...this.keysOf(() => this.sk(), 1, 3)]],
      [2, () => [r.pick(['SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE']), this.sk(), ...this.keysOf(() => this.sk(), 1, 3)]],
      [1, () => ['SINTERCARD', ...this.numkeys(() => this.sk()), ...(r.chance(0.4) ? ['LIMIT', r.pick(COUNTS)] : [])]],
      [1, () => this.spop()],
      // --- sorted sets
      [7, () => this.zadd()],
      [2, () => ['ZINCRBY', this.zk(), r.pick(INCRS), this.m()]],
      [2, () => ['ZSCORE', this.zk(), this.m()]],
      [1, () => ['ZMSCORE', this.zk(), ...this.ms(1, 3)]],
      [2, () => ['ZCARD', this.zk()]],
      [2, () => ['ZCOUNT', this.zk(), r.pick(SCORE_MIN), r.pick(SCORE_MIN)]],
      [1, () => ['ZLEXCOUNT', this.lexk(), r.pick(LEX), r.pick(LEX)]],
      [3, () => this.zaddLex()],
      [1, () => [r.pick(['ZREM', 'ZPOPMIN', 'ZPOPMAX', 'ZCARD', 'ZSCORE']), LEX_KEY, ...(r.chance(0.5) ? [this.sm()] : [])]],
      [0.5, () => ['OBJECT', 'ENCODING', LEX_KEY]],
      [2, () => [r.pick(['ZRANK', 'ZREVRANK']), this.zk(), this.m()]],
      [5, () => this.zrange()],
      [2, () => this.zrangeOld()],
      [1, () => ['ZRANGESTORE', this.zk(), ...this.zrange().slice(1).filter((a) => String(a).toUpperCase() !== 'WITHSCORES')]],
      [2, () => ['ZREM', this.zk(), ...this.ms(1, 3)]],
      [1, () => ['ZREMRANGEBYSCORE', this.zk(), r.pick(SCORE_MIN), r.pick(SCORE_MIN)]],
      [1, () => ['ZREMRANGEBYRANK', this.zk(), r.pick(IDX), r.pick(IDX)]],
      [1, () => ['ZREMRANGEBYLEX', this.lexk(), r.pick(LEX), r.pick(LEX)]],
      [2, () => [r.pick(['ZPOPMIN', 'ZPOPMAX']), this.zk(), ...(r.chance(0.5) ? [r.pick(COUNTS)] : [])]],
      [1, () => ['ZMPOP', ...this.numkeys(() => this.zk()), r.pick(['MIN', 'MAX', 'min', 'MID']), ...this.countOpt()]],
      [0.4, () => [r.pick(['BZPOPMIN', 'BZPOPMAX']), ...this.keysOf(() => this.zk(), 1, 3), r.pick(TIMEOUTS)]],
      [0.3, () => ['BZMPOP', r.pick(TIMEOUTS), ...this.numkeys(() => this.zk()), r.pick(['MIN', 'MAX']), ...this.countOpt()]],
      [3, () => this.zsetop()],
      [1, () => ['ZINTERCARD', ...this.numkeys(() => this.zk()), ...(r.chance(0.4) ? ['LIMIT', r.pick(COUNTS)] : [])]],
      // --- SORT and its weight / object keys
      [3, () => this.sort()],
      [1.5, () => ['SET', `w_${this.sm()}`, r.pick(SCORES)]],
      [1, () => ['HSET', `o_${this.sm()}`, 'f', this.v()]],
      // --- cross-type
      [4, () => ['OBJECT', 'ENCODING', this.anyKey()]],
      [3, () => ['TYPE', this.anyKey()]],
      [1, () => ['EXISTS', this.anyKey()]],
      // Keys drift to other types (SET, RENAME, COPY...); deletes let them come back.
      [5, () => ['DEL', this.anyKey()]],
      [1, () => ['GET', this.anyKey()]],
      [1, () => ['SET', this.anyKey(), this.sm()]],
      [1, () => ['INCR', this.anyKey()]],
      [1, () => ['APPEND', this.anyKey(), 'x']],
      [1, () => ['RENAME', this.anyKey(), this.anyKey()]],
      [1, () => ['COPY', this.anyKey(), this.anyKey(), ...(r.chance(0.5) ? ['REPLACE'] : [])]],
      [0.5, () => ['MOVE', this.anyKey(), r.pick(['0', '1'])]],
      [0.5, () => ['SELECT', r.pick(['0', '0', '0', '1'])]],
      [0.5, () => ['DBSIZE']],
      [0.05, () => ['FLUSHDB']],
    ];
  }

  private anyKey(): string {
    return this.r.pick(COLL_KEYS);
  }
  private typed(ks: string[]): string {
    return this.r.chance(0.9) ? this.r.pick(ks) : this.anyKey();
  }
  private hk = () => this.typed(HK);
  private lk = () => this.typed(LK);
  private sk = () => this.typed(SK);
  private zk = () => this.typed(ZK);
  private lexk = () => (this.r.chance(0.85) ? LEX_KEY : this.r.pick(LEX_OTHER));

  /** A member / field. Mostly small pools so commands hit existing elements. */
  private m(): string {
    return this.r.chance(0.6) ? this.r.pick(SMALL_MEMBERS) : this.r.pick(MEMBERS);
  }
  private sm(): string {
    return this.r.pick(SMALL_MEMBERS);
  }
  private ms(min: number, max: number): string[] {
    return Array.from({ length: this.r.range(min, max) }, () => this.m());
  }
  /** Hash values: members, numbers for HINCRBY*, and long ones. */
  private v(): string {
    const k = this.r.int(10);
    if (k < 4) return String(this.r.range(-10, 10));
    if (k < 5) return this.r.pick(['1.5', '-0.5', '1e3', '9223372036854775807', 'abc', '10.0', ' 1']);
    return this.m();
  }
  private fieldValues(): string[] {
    const out: string[] = [];
    for (let i = this.r.range(1, 3); i > 0; i--) out.push(this.m(), this.v());
    return out;
  }
  private keysOf(f: () => string, min: number, max: number): string[] {
    return Array.from({ length: this.r.range(min, max) }, f);
  }
  /** numkeys + keys, numkeys occasionally wrong. */
  private numkeys(f: () => string): string[] {
    const ks = this.keysOf(f, 1, 3);
    const n = this.r.chance(0.9) ? String(ks.length) : this.r.pick(['0', '-1', 'abc', String(ks.length + 1), String(ks.length + 5)]);
    return [n, ...ks];
  }
  private countOpt(): string[] {
    const k = this.r.int(10);
    if (k < 5) return [];
    if (k < 9) return ['COUNT', this.r.pick(COUNTS)];
    return this.r.pick([['COUNT'], ['FOO'], ['COUNT', '1', 'COUNT', '2']]);
  }

  private hrandfield(): Args {
    const k = this.hk();
    if (this.r.chance(0.15)) return ['HRANDFIELD', k, this.r.pick(['0', 'abc', '-9223372036854775808'])];
    return ['HRANDFIELD', k, this.r.pick(BIG), ...(this.r.chance(0.5) ? ['WITHVALUES'] : [])];
  }

  private spop(): Args {
    const cmd = this.r.pick(['SPOP', 'SRANDMEMBER']);
    // SRANDMEMBER with a negative count repeats members at random: not generated.
    if (this.r.chance(0.2)) return [cmd, this.sk(), this.r.pick(cmd === 'SPOP' ? ['0', 'abc', '-1', '1.5'] : ['0', 'abc', '1.5'])];
    return [cmd, this.sk(), this.r.pick(BIG)];
  }

  private lpos(): Args {
    const opts: string[][] = [];
    if (this.r.chance(0.4)) opts.push(['RANK', this.r.pick(['1', '2', '-1', '-2', '0', 'abc', '-9223372036854775808'])]);
    if (this.r.chance(0.4)) opts.push(['COUNT', this.r.pick(['0', '1', '2', '-1', '5'])]);
    if (this.r.chance(0.3)) opts.push(['MAXLEN', this.r.pick(['0', '1', '2', '-1', '10'])]);
    if (this.r.chance(0.05)) opts.push(['FOO']);
    return ['LPOS', this.lk(), this.sm(), ...this.r.shuffle(opts).flat()];
  }

  private zadd(): Args {
    const opts: string[] = [];
    const c = this.r.int(12);
    if (c === 0) opts.push('NX');
    else if (c === 1) opts.push('XX');
    else if (c === 2) opts.push('GT');
    else if (c === 3) opts.push('LT');
    else if (c === 4) opts.push(...this.r.pick([['NX', 'GT'], ['NX', 'XX'], ['GT', 'LT'], ['XX', 'GT'], ['XX', 'LT'], ['nx']]));
    if (this.r.chance(0.2)) opts.push('CH');
    const incr = this.r.chance(0.12);
    if (incr) opts.push('INCR');
    const pairs: string[] = [];
    const n = incr && this.r.chance(0.8) ? 1 : this.r.range(1, 4);
    for (let i = 0; i < n; i++) pairs.push(this.r.chance(0.7) ? String(this.r.range(-5, 5)) : this.r.pick(SCORES), this.m());
    if (this.r.chance(0.03)) pairs.pop();
    return ['ZADD', this.zk(), ...this.r.shuffle(opts), ...pairs];
  }

  /** ZADD on the lex key: always score 0 (so no INCR / GT / LT). */
  private zaddLex(): Args {
    const opts = this.r.pick([[], [], [], ['NX'], ['XX'], ['CH'], ['NX', 'CH']]);
    const pairs: string[] = [];
    for (let i = this.r.range(1, 4); i > 0; i--) pairs.push(this.r.pick(['0', '0', '-0', '0.0']), this.m());
    return ['ZADD', LEX_KEY, ...opts, ...pairs];
  }

  private limit(): string[] {
    return ['LIMIT', this.r.pick(['0', '1', '2', '-1', 'abc']), this.r.pick(['0', '1', '2', '5', '-1', '-5', 'abc'])];
  }

  private zrange(): Args {
    const by = this.r.int(3);
    let a: string;
    let b: string;
    const opts: string[] = [];
    if (by === 0) {
      a = this.r.pick(IDX);
      b = this.r.pick(IDX);
    } else if (by === 1) {
      a = this.r.pick(SCORE_MIN);
      b = this.r.pick(SCORE_MIN);
      opts.push('BYSCORE');
    } else {
      a = this.r.pick(LEX);
      b = this.r.pick(LEX);
      opts.push('BYLEX');
    }
    if (this.r.chance(0.35)) opts.push('REV');
    if (this.r.chance(by === 0 ? 0.05 : 0.35)) opts.push(...this.limit());
    if (this.r.chance(by === 2 ? 0.05 : 0.4)) opts.push('WITHSCORES');
    return ['ZRANGE', by === 2 ? this.lexk() : this.zk(), a, b, ...opts];
  }

  private zrangeOld(): Args {
    const k = this.r.int(5);
    const key = k < 3 ? this.zk() : this.lexk();
    if (k === 0) return ['ZREVRANGE', key, this.r.pick(IDX), this.r.pick(IDX), ...(this.r.chance(0.4) ? ['WITHSCORES'] : [])];
    if (k < 3) {
      const cmd = k === 1 ? 'ZRANGEBYSCORE' : 'ZREVRANGEBYSCORE';
      return [cmd, key, this.r.pick(SCORE_MIN), this.r.pick(SCORE_MIN), ...(this.r.chance(0.4) ? ['WITHSCORES'] : []), ...(this.r.chance(0.3) ? this.limit() : [])];
    }
    const cmd = k === 3 ? 'ZRANGEBYLEX' : 'ZREVRANGEBYLEX';
    return [cmd, key, this.r.pick(LEX), this.r.pick(LEX), ...(this.r.chance(0.3) ? this.limit() : [])];
  }

  /** ZUNION/ZINTER/ZDIFF (+STORE) over zsets and sets, with WEIGHTS / AGGREGATE. */
  private zsetop(): Args {
    const op = this.r.pick(['ZUNION', 'ZINTER', 'ZDIFF', 'ZUNIONSTORE', 'ZINTERSTORE', 'ZDIFFSTORE']);
    const store = op.endsWith('STORE');
    const src = () => (this.r.chance(0.25) ? this.sk() : this.zk());
    const nk = this.numkeys(src);
    const opts: string[][] = [];
    if (op !== 'ZDIFF' && op !== 'ZDIFFSTORE') {
      if (this.r.chance(0.4)) {
        const n = this.r.chance(0.9) ? nk.length - 1 : this.r.range(0, 4);
        opts.push(['WEIGHTS', ...Array.from({ length: n }, () => this.r.pick(['1', '2', '-1', '0', '0.5', 'inf', '-inf', 'abc']))]);
      }
      if (this.r.chance(0.4)) opts.push(['AGGREGATE', this.r.pick(['SUM', 'MIN', 'MAX', 'max', 'AVG'])]);
    }
    if (!store && this.r.chance(0.5)) opts.push(['WITHSCORES']);
    if (store && this.r.chance(0.03)) opts.push(['WITHSCORES']);
    return [op, ...(store ? [this.zk()] : []), ...nk, ...this.r.shuffle(opts).flat()];
  }

  /**
   * SORT / SORT_RO on any key. ALPHA is never combined with a BY pattern
   * (other than nosort): elements whose weights compare equal under ALPHA
   * (e.g. both missing) are left in qsort's order in Redis. BY nosort gets no
   * GET/LIMIT, so on a hashtable set only the order differs (NORMALISATION 13).
   */
  private sort(): Args {
    const ro = this.r.chance(0.2);
    const key = this.r.chance(0.8) ? this.r.pick([...LK, ...SK, ...ZK]) : this.anyKey();
    const opts: string[][] = [];
    const alpha = this.r.chance(0.3);
    let nosort = false;
    if (this.r.chance(0.5)) {
      const by = this.r.pick(SORT_BY);
      nosort = by === 'nosort';
      if (!alpha || nosort) opts.push(['BY', by]);
    }
    if (!nosort) {
      if (this.r.chance(0.3)) opts.push(this.limit());
      for (let i = this.r.chance(0.4) ? this.r.range(1, 3) : 0; i > 0; i--) opts.push(['GET', this.r.pick(SORT_GET)]);
    }
    if (this.r.chance(0.3)) opts.push([this.r.pick(['ASC', 'DESC', 'desc'])]);
    if (alpha) opts.push(['ALPHA']);
    if (!ro && this.r.chance(0.2)) opts.push(['STORE', this.r.pick([...LK, 'd'])]);
    if (this.r.chance(0.03)) opts.push([this.r.pick(['FOO', 'LIMIT', 'BY', 'GET'])]); // "BY x": dontsort (NORMALISATION 13)
    return [ro ? 'SORT_RO' : 'SORT', key, ...this.r.shuffle(opts).flat()];
  }
}
