/**
 * Seeded random command generator for the differential test (random.test.ts):
 * string and keyspace commands with edge values, wrong arguments and junk
 * options, over ~20 keys and 4 databases; in 'collections' mode mostly hash,
 * list, set, sorted-set and SORT commands (generator-collections.ts) over ten
 * keys whose types collide. Deterministic for a seed except for
 * absolute expiry times, which are relative to the generator's creation time.
 */
import { prng } from '../prng';
import { type Args, BLOCKING } from './harness';
import { COLL_KEYS, CollectionGen } from './generator-collections';

// ---------------------------------------------------------------------------
// Deterministic PRNG (mulberry32, test/prng.ts) with helpers
// ---------------------------------------------------------------------------

export class Rng {
  private readonly source: () => number;
  constructor(seed: number) {
    this.source = prng(seed);
  }
  next(): number {
    return this.source();
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [xs[i], xs[j]] = [xs[j], xs[i]];
    }
    return xs;
  }
}

// ---------------------------------------------------------------------------
// Argument pools
// ---------------------------------------------------------------------------

const KEYS = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8', 'k9', 'a', 'b', 'n1', 'n2', 'f1', '', 'k\x00', '\xff\xfe', 'sp ace', '{t}x'];
const INT_VALUES = ['0', '1', '-1', '42', '-42', '100', '9999', '10000', '9223372036854775807', '-9223372036854775808', '9223372036854775806', '-9223372036854775807', '9223372036854775808', '007', '-0', '+1', ' 1', '1 ', '0x10', '1e3', '12345678901234567890'];
const FLOAT_VALUES = ['1.5', '-0.0', '0.1', '1e10', '3.0e-5', '1e308', '-1e308', 'inf', '-inf', 'nan', '.5', '5.', '0x1p3', '1e-320', '3.14159265358979323846', ' 2.5'];
const INT_ARGS = ['0', '1', '-1', '2', '5', '10', '100', '-100', '2147483647', '-2147483648', '9223372036854775807', '-9223372036854775808', '9223372036854775808', 'abc', '', '1.5', ' 1', '+3', '-0', '0x1'];
const RANGE_ARGS = ['0', '1', '2', '3', '-1', '-2', '-5', '5', '10', '100', '-100', '9223372036854775807', '-9223372036854775808', 'abc', '1.0'];
const FLOAT_ARGS = ['1', '-1', '0.1', '-0.5', '2.5', '1e10', '1e308', '-1e308', '3.0e-5', 'inf', '-inf', 'nan', 'abc', '', '0x10', '1e-320', '5.', '.5', ' 1', '12345678901234567890', '0'];
const PATTERNS = ['*', 'k*', 'k?', 'k[0-5]', 'k[^0-5]*', '*\x00*', '[', '\\', '?', '', 'a*', '*b*', '{t}*', 'k1*', '[a-c]', '*[', 'n?', '\\k*', 'sp*ce', '[!k]*'];
const JUNK = ['FOO', '', 'NX', 'XX', 'GT', 'LT', 'GET', 'KEEPTTL', 'PERSIST', 'EX', 'PX', 'EXAT', 'REPLACE', 'DB', 'COUNT', 'MATCH', 'TYPE', 'LEN', 'IDX', 'WITHMATCHLEN', 'MINMATCHLEN', '0', '-1', '\x00', 'ASYNC', 'SYNC', 'nx'];
const DBS = ['0', '1', '2', '3'];
const BAD_DBS = ['16', '-1', 'x', '1.5', '2147483648', ''];
const TYPES = ['string', 'none', 'list', 'STRING', 'foo', 'hash', 'set', 'zset'];
const BAD_EXPIRES = ['0', '-1', '-100', 'abc', '', '1.5', '9223372036854775807', '9223372036854775', '-9223372036854775808', '9223372036854775808'];

// ---------------------------------------------------------------------------
// Generator
// ---------------------------------------------------------------------------

const RANDOM_WITHOUT_COUNT = new Set(['SPOP', 'SRANDMEMBER', 'HRANDFIELD']);

/**
 * Whether a mutated command is still checkable: a blocking command may end up
 * with a timeout of 0 (a junk "0"), and SPOP/SRANDMEMBER/HRANDFIELD without
 * their count return a random element.
 */
function mutable(generated: Args, mutated: Args): boolean {
  const name = generated[0].toString().toUpperCase();
  if (BLOCKING.has(name)) return false;
  return !(RANDOM_WITHOUT_COUNT.has(name) && mutated.length < 3);
}

export class Gen {
  private r: Rng;
  /** Relative TTLs handed out, in units of 100 s: each used once. */
  private usedRel = new Set<number>();
  private usedAbs = new Set<number>();
  private readonly baseS = Math.floor(Date.now() / 1000);
  private readonly weighted: [number, () => Args][];
  private readonly total: number;

  private readonly keyPool: readonly string[];
  private readonly collections: boolean;

  /**
   * otherTypes: false — strings and keyspace only; true — plus a few commands
   * creating lists/sets/hashes/zsets; 'collections' — mostly collection
   * commands (generator-collections.ts) over its small key space, with the
   * string/keyspace commands at a low weight.
   */
  constructor(seed: number, otherTypes: boolean | 'collections') {
    this.r = new Rng(seed);
    this.collections = otherTypes === 'collections';
    this.keyPool = this.collections ? COLL_KEYS : KEYS;
    let w: [number, () => Args][] = [
      // strings
      [8, () => ['GET', this.key()]],
      [10, () => this.set()],
      [2, () => ['SETNX', this.key(), this.value()]],
      [2, () => ['SETEX', this.key(), this.expSeconds(), this.value()]],
      [2, () => ['PSETEX', this.key(), this.expMillis(), this.value()]],
      [3, () => ['MGET', ...this.keys(1, 5)]],
      [3, () => ['MSET', ...this.pairs()]],
      [2, () => ['MSETNX', ...this.pairs()]],
      [4, () => ['APPEND', this.key(), this.value()]],
      [2, () => ['STRLEN', this.key()]],
      [3, () => ['INCR', this.key()]],
      [2, () => ['DECR', this.key()]],
      [3, () => ['INCRBY', this.key(), this.r.chance(0.5) ? String(this.r.range(-1000, 1000)) : this.r.pick(INT_ARGS)]],
      [2, () => ['DECRBY', this.key(), this.r.chance(0.5) ? String(this.r.range(-1000, 1000)) : this.r.pick(INT_ARGS)]],
      [3, () => ['INCRBYFLOAT', this.key(), this.r.pick(FLOAT_ARGS)]],
      [3, () => ['GETRANGE', this.key(), this.r.pick(RANGE_ARGS), this.r.pick(RANGE_ARGS)]],
      [1, () => ['SUBSTR', this.key(), this.r.pick(RANGE_ARGS), this.r.pick(RANGE_ARGS)]],
      [3, () => ['SETRANGE', this.key(), this.setrangeOffset(), this.r.chance(0.1) ? '' : this.value()]],
      [2, () => ['GETDEL', this.key()]],
      [3, () => this.getex()],
      [2, () => ['GETSET', this.key(), this.value()]],
      [2, () => this.lcs()],
      // keyspace
      [2, () => ['SELECT', this.r.chance(0.85) ? this.r.pick(DBS) : this.r.pick(BAD_DBS)]],
      [1, () => ['SWAPDB', this.db(), this.db()]],
      [2, () => ['MOVE', this.key(), this.db()]],
      [3, () => this.copy()],
      [0.3, () => ['FLUSHDB', ...this.flushOpt()]],
      [0.15, () => ['FLUSHALL', ...this.flushOpt()]],
      [2, () => ['DBSIZE']],
      [2, () => ['RANDOMKEY']],
      [2, () => ['KEYS', this.r.pick(PATTERNS)]],
      [2, () => this.scan()],
      [3, () => ['EXISTS', ...this.keys(1, 4)]],
      [3, () => ['DEL', ...this.keys(1, 3)]],
      [1, () => ['UNLINK', ...this.keys(1, 3)]],
      [2, () => ['TYPE', this.key()]],
      [2, () => ['RENAME', this.key(), this.key()]],
      [2, () => ['RENAMENX', this.key(), this.key()]],
      [1, () => ['TOUCH', ...this.keys(1, 3)]],
      [3, () => this.object()],
      [3, () => ['EXPIRE', this.key(), this.expSeconds(), ...this.expireFlags()]],
      [2, () => ['PEXPIRE', this.key(), this.expMillis(), ...this.expireFlags()]],
      [2, () => ['EXPIREAT', this.key(), this.absSeconds(), ...this.expireFlags()]],
      [2, () => ['PEXPIREAT', this.key(), this.absMillis(), ...this.expireFlags()]],
      [2, () => ['EXPIRETIME', this.key()]],
      [1, () => ['PEXPIRETIME', this.key()]],
      [3, () => ['TTL', this.key()]],
      [2, () => ['PTTL', this.key()]],
      [2, () => ['PERSIST', this.key()]],
      [0.5, () => ['ECHO', this.value()]],
      [0.5, () => (this.r.chance(0.5) ? ['PING'] : ['PING', this.value()])],
    ];
    if (otherTypes === 'collections') {
      w = [...new CollectionGen(this.r).entries(), ...w.map(([x, g]): [number, () => Args] => [x * 0.1, g])];
    } else {
      // Transactions around the string and keyspace commands (EXEC's reply is
      // compared element by element, test/compat/NORMALISATIONS.md).
      w.push(
        [1, () => ['MULTI']],
        [0.3, () => ['EXEC']],
        [0.2, () => ['DISCARD']],
        [0.8, () => ['WATCH', ...this.keys(1, 3)]],
        [0.3, () => ['UNWATCH']],
      );
    }
    if (otherTypes === true) {
      w.push(
        [2, () => ['RPUSH', this.key(), this.value(), this.value()]],
        [2, () => ['SADD', this.key(), this.value()]],
        [2, () => ['HSET', this.key(), this.value(), this.value()]],
        [2, () => ['ZADD', this.key(), String(this.r.range(-5, 5)), this.value()]],
      );
    }
    this.weighted = w;
    this.total = w.reduce((a, [x]) => a + x, 0);
  }

  next(): Args {
    if (this.inMulti && this.r.chance(0.12)) return this.endTransaction([this.r.chance(0.85) ? 'EXEC' : 'DISCARD']);
    let args = this.pick();
    // SCAN and RANDOMKEY are compared through follow-up commands, which a transaction
    // cannot hold; OBJECT REFCOUNT differs there by design (README, known differences)
    while (this.inMulti && (/^(scan|randomkey)$/i.test(String(args[0])) || /^refcount$/i.test(String(args[1] ?? '')))) args = this.pick();
    return this.endTransaction(args);
  }

  /** Whether a MULTI is open on the servers (EXEC ends it even when refused; DISCARD only when it runs). */
  private inMulti = false;

  private endTransaction(args: Args): Args {
    const name = String(args[0]).toUpperCase();
    if (name === 'MULTI' && args.length === 1) this.inMulti = true;
    else if (name === 'EXEC' || (name === 'DISCARD' && args.length === 1)) this.inMulti = false;
    return args;
  }

  private pick(): Args {
    let x = this.r.next() * this.total;
    let f = this.weighted[this.weighted.length - 1][1];
    for (const [wt, g] of this.weighted) {
      if (x < wt) {
        f = g;
        break;
      }
      x -= wt;
    }
    const generated = f();
    let args = generated;
    // Generic mutations: drop trailing arguments (arity/syntax errors) or add a junk one.
    if (args.length > 1 && this.r.chance(0.03)) args = args.slice(0, this.r.range(1, args.length - 1));
    else if (this.r.chance(0.03)) args = [...args, this.r.pick(JUNK)];
    if (this.collections && args !== generated && !mutable(generated, args)) args = generated;
    if (this.r.chance(0.05)) args = [this.mixCase(args[0] as string), ...args.slice(1)];
    return args;
  }

  private mixCase(s: string): string {
    return [...s].map((c) => (this.r.chance(0.5) ? c.toLowerCase() : c)).join('');
  }

  private key(): string {
    return this.r.pick(this.keyPool);
  }

  private keys(min: number, max: number): string[] {
    return Array.from({ length: this.r.range(min, max) }, () => this.key());
  }

  private pairs(): string[] {
    const out: string[] = [];
    for (let i = this.r.range(1, 3); i > 0; i--) out.push(this.key(), this.value());
    return out;
  }

  private db(): string {
    return this.r.chance(0.9) ? this.r.pick(DBS) : this.r.pick(BAD_DBS);
  }

  private value(): string {
    const k = this.r.int(10);
    if (k < 3) return this.r.pick(INT_VALUES);
    if (k < 4) return this.r.pick(FLOAT_VALUES);
    if (k < 5) return String(this.r.range(-20, 20));
    if (k < 6) return String.fromCharCode(...Array.from({ length: this.r.range(0, 12) }, () => this.r.int(256)));
    if (k < 7) return 'x'.repeat(this.r.range(40, 50)); // around the embstr limit (44)
    if (k < 8) return this.r.pick(['', 'a', 'abc', 'hello world', 'ohmytext', 'mynewtext', 'AAAA', 'abcabc']);
    return Array.from({ length: this.r.range(1, 8) }, () => this.r.pick(['a', 'b', 'c', 'x', 'y'])).join('');
  }

  /** A unique multiple of 100 s in [1e5, 1e7] s: relative TTLs never tie. */
  private uniqueRel(): number {
    for (;;) {
      const k = this.r.range(1000, 100000);
      if (!this.usedRel.has(k)) {
        this.usedRel.add(k);
        return k * 100;
      }
    }
  }

  /** A unique absolute time (s) at least 2e7 s ahead — disjoint from relative ones. */
  private uniqueAbs(): number {
    for (;;) {
      const k = this.r.range(200000, 1000000);
      if (!this.usedAbs.has(k)) {
        this.usedAbs.add(k);
        return this.baseS + k * 100;
      }
    }
  }

  private expSeconds(): string {
    if (this.r.chance(0.85)) return String(this.uniqueRel());
    return this.r.pick(BAD_EXPIRES);
  }

  private expMillis(): string {
    if (this.r.chance(0.85)) return String(this.uniqueRel() * 1000);
    return this.r.pick(BAD_EXPIRES);
  }

  /**
   * Absolute times for EXPIREAT/PEXPIREAT may be in the past (the key is
   * deleted at once). SET and GETEX get future or invalid ones only: SET with
   * a past EXAT stores a key that is already expired, and when the active
   * expire cycle removes it (what DBSIZE sees) depends on timing.
   */
  private absSeconds(past = true): string {
    const k = this.r.int(10);
    if (k < 6) return String(this.uniqueAbs());
    if (k < 8 && past) return String(this.baseS - this.r.range(1, 1000000)); // past: deletes
    return this.r.pick(past ? ['0', '1', ...BAD_EXPIRES] : BAD_EXPIRES);
  }

  private absMillis(past = true): string {
    const k = this.r.int(10);
    if (k < 6) return String(this.uniqueAbs() * 1000 + this.r.int(1000));
    if (k < 8 && past) return String((this.baseS - this.r.range(1, 1000000)) * 1000);
    return this.r.pick(past ? ['0', '1', ...BAD_EXPIRES] : BAD_EXPIRES);
  }

  private expireFlags(): string[] {
    const k = this.r.int(20);
    if (k < 8) return [];
    if (k < 16) return [this.r.pick(['NX', 'XX', 'GT', 'LT', 'nx', 'gt'])];
    return this.r.pick([['NX', 'XX'], ['GT', 'LT'], ['XX', 'GT'], ['XX', 'LT'], ['NX', 'GT'], ['FOO'], ['NX', 'NX'], ['']]);
  }

  private set(): Args {
    const opts: string[][] = [];
    const c = this.r.int(10);
    if (c < 2) opts.push(['NX']);
    else if (c < 4) opts.push(['XX']);
    else if (c < 5) opts.push(this.r.pick([['NX', 'XX'], ['nx'], ['xx']]));
    if (this.r.chance(0.3)) opts.push([this.r.pick(['GET', 'get'])]);
    const e = this.r.int(12);
    if (e === 0) opts.push(['EX', this.expSeconds()]);
    else if (e === 1) opts.push(['PX', this.expMillis()]);
    else if (e === 2) opts.push(['EXAT', this.absSeconds(false)]);
    else if (e === 3) opts.push(['PXAT', this.absMillis(false)]);
    else if (e === 4) opts.push(['KEEPTTL']);
    else if (e === 5) opts.push(...this.r.pick([[['EX', this.expSeconds()], ['KEEPTTL']], [['EX', this.expSeconds()], ['PX', this.expMillis()]], [['KEEPTTL'], ['PXAT', this.absMillis(false)]]]));
    if (this.r.chance(0.05)) opts.push([this.r.pick(JUNK)]);
    return ['SET', this.key(), this.value(), ...this.r.shuffle(opts).flat()];
  }

  private getex(): Args {
    const k = this.r.int(10);
    const base: Args = ['GETEX', this.key()];
    if (k < 2) return base;
    if (k < 3) return [...base, 'EX', this.expSeconds()];
    if (k < 4) return [...base, 'PX', this.expMillis()];
    if (k < 5) return [...base, 'EXAT', this.absSeconds(false)];
    if (k < 6) return [...base, 'PXAT', this.absMillis(false)];
    if (k < 8) return [...base, this.r.pick(['PERSIST', 'persist'])];
    return [...base, ...this.r.pick([['PERSIST', 'EX', '1000000'], ['EX', '1000000', 'PX', '1000000000'], ['KEEPTTL'], ['FOO'], ['EX'], ['NX']])];
  }

  private lcs(): Args {
    const opts = this.r.pick([[], [], ['LEN'], ['IDX'], ['IDX', 'WITHMATCHLEN'], ['IDX', 'MINMATCHLEN', this.r.pick(['0', '1', '2', '3', '-1', 'abc'])], ['idx', 'withmatchlen', 'minmatchlen', '2'], ['LEN', 'IDX'], ['FOO'], ['MINMATCHLEN', '2']]);
    return ['LCS', this.key(), this.key(), ...opts];
  }

  private copy(): Args {
    const args: Args = ['COPY', this.key(), this.key()];
    const opts: string[][] = [];
    if (this.r.chance(0.4)) opts.push(['DB', this.db()]);
    if (this.r.chance(0.4)) opts.push([this.r.pick(['REPLACE', 'replace'])]);
    if (this.r.chance(0.05)) opts.push([this.r.pick(JUNK)]);
    return [...args, ...this.r.shuffle(opts).flat()];
  }

  private flushOpt(): string[] {
    return this.r.pick([[], [], ['ASYNC'], ['SYNC'], ['sync'], ['FOO'], ['ASYNC', 'SYNC']]);
  }

  private scan(): Args {
    const cursor = this.r.chance(0.9) ? '0' : this.r.pick(['abc', '-1', '', '18446744073709551616', '1.5']);
    const opts: string[][] = [];
    if (this.r.chance(0.5)) opts.push(['MATCH', this.r.pick(PATTERNS)]);
    if (this.r.chance(0.5)) opts.push(['COUNT', this.r.pick(['1', '2', '5', '10', '100', '0', '-1', 'abc'])]);
    if (this.r.chance(0.3)) opts.push(['TYPE', this.r.pick(TYPES)]);
    return ['SCAN', cursor, ...this.r.shuffle(opts).flat()];
  }

  private object(): Args {
    const sub = this.r.pick(['ENCODING', 'ENCODING', 'REFCOUNT', 'FREQ', 'IDLETIME', 'HELP', 'encoding', 'FOO']);
    return sub === 'HELP' ? ['OBJECT', sub] : ['OBJECT', sub, this.key()];
  }

  private setrangeOffset(): string {
    if (this.r.chance(0.85)) return String(this.r.range(0, 200));
    return this.r.pick(['-1', '536870912', '9223372036854775807', 'abc', '1000', '']);
  }
}
