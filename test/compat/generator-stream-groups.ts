/**
 * Consumer-group commands for the seeded random differential test
 * (random-stream-groups.test.ts): XADD with explicit IDs (never "*", whose
 * IDs come from each server's clock), XDEL, exact XTRIM, XSETID, every XGROUP
 * subcommand, XREADGROUP (">", history IDs, NOACK, COUNT, several streams,
 * BLOCK with a tiny timeout), XACK, XPENDING (summary, extended, IDLE,
 * exclusive bounds, consumer), XCLAIM (every option), XAUTOCLAIM, XINFO, COPY
 * and DEL, valid and not, over two streams, a string key and a missing key.
 *
 * Time only enters through margins far wider than the run: min-idle is 0 or
 * 10^9 ms, IDLE/TIME options give idle times of 0, 5·10^6 ms or decades, so
 * which entries qualify never depends on when a command runs; the idle
 * values printed are compared within NORMALISATION 15 (stream-groups-norm.ts).
 */
import type { Args } from './harness';
import { Rng } from './generator';

const STREAMS = ['s1', 's1', 's1', 's2', 's2'];
const ANY_KEY = ['s1', 's1', 's2', 'str', 'nokey'];
const GROUPS = ['g1', 'g1', 'g1', 'g1', 'g2', 'g2', 'g2', 'gx'];
const CONSUMERS = ['c1', 'c1', 'c2', 'c2', 'c3', 'c4', 'cx', ''];
const MIN_IDLE = ['0', '0', '0', '0', '1000000000', '1000000000', '-5', 'abc'];
const COUNTS = ['1', '2', '3', '5', '10', '100', '0', '-1', 'abc'];
const ENTRIES_READ = ['0', '1', '2', '5', '10', '-1', '-2', 'abc', '100'];
const SPECIAL_IDS = ['0', '0-0', '-', '+', '$', '>', 'abc', '(1', '18446744073709551615-18446744073709551615', '1', '3-0', '(0-0'];

export class StreamGroupGen {
  private r: Rng;
  /** Per stream: the ms part of the last ID tried, and IDs added so far. */
  private lastMs = new Map<string, number>();
  private ids = new Map<string, string[]>();

  constructor(seed: number) {
    this.r = new Rng(seed);
  }

  private stream(): string {
    return this.r.pick(STREAMS);
  }

  private key(): string {
    return this.r.pick(ANY_KEY);
  }

  private group(): string {
    return this.r.pick(GROUPS);
  }

  private consumer(): string {
    return this.r.pick(CONSUMERS);
  }

  /** An ID that exists (or existed) in some stream, or a special one. */
  private id(key?: string, special = 0.15): string {
    const r = this.r;
    const pool = this.ids.get(key ?? this.stream()) ?? [];
    if (pool.length === 0 || r.chance(special)) return r.pick(SPECIAL_IDS);
    // favour recent IDs
    const i = pool.length - 1 - Math.min(pool.length - 1, Math.floor(-Math.log(1 - r.next()) * 6));
    const id = pool[i];
    if (r.chance(special * 0.6)) return `(${id}`;
    if (r.chance(0.05)) return id.split('-')[0];
    return id;
  }

  private ids_(key: string, lo: number, hi: number, special = 0.04): string[] {
    const n = this.r.range(lo, hi);
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(this.id(key, special));
    return out;
  }

  private newId(key: string): string {
    const r = this.r;
    let ms = this.lastMs.get(key) ?? 0;
    if (r.chance(0.03)) return r.pick(['0-0', '1-1', '0', 'abc']); // errors: not greater, bad
    ms += r.pick([1, 1, 1, 2, 5]);
    this.lastMs.set(key, ms);
    const id = `${ms}-${r.range(1, 3)}`;
    const pool = this.ids.get(key) ?? [];
    if (!pool.includes(id)) pool.push(id);
    this.ids.set(key, pool);
    return id;
  }

  private xadd(): Args {
    const fv = this.r.pick([['f', 'v'], ['a', '1', 'b', '2'], ['f', `${this.r.int(100)}`], ['', '\xff\x00']]);
    // a wrong type only with a valid ID: XADD's own error order is the streams tests' business
    if (this.r.chance(0.03)) return ['XADD', 'str', '1-1', ...fv];
    const key = this.stream();
    return ['XADD', key, this.newId(key), ...fv];
  }

  private xgroup(): Args {
    const r = this.r;
    const key = r.chance(0.9) ? this.stream() : this.key();
    const g = this.group();
    switch (r.int(10)) {
      case 8:
      case 9:
      case 0:
      case 1: {
        const a = ['XGROUP', 'CREATE', key, g, r.pick(['$', '0', '$', this.id(key)])];
        if (r.chance(0.4)) a.push('MKSTREAM');
        if (r.chance(0.3)) a.push('ENTRIESREAD', r.pick(ENTRIES_READ));
        return a;
      }
      case 2:
      case 3: {
        const a = ['XGROUP', 'SETID', key, g, r.pick(['$', '0', this.id(key)])];
        if (r.chance(0.4)) a.push('ENTRIESREAD', r.pick(ENTRIES_READ));
        return a;
      }
      case 4:
        return ['XGROUP', 'DESTROY', key, r.chance(0.6) ? 'gx' : g];
      case 5:
        return ['XGROUP', 'CREATECONSUMER', key, g, this.consumer()];
      case 6:
        return ['XGROUP', 'DELCONSUMER', key, g, this.consumer()];
      default:
        return ['XGROUP', r.pick(['HELP', 'create', 'setid', 'foo']), key, g];
    }
  }

  private xreadgroup(): Args {
    const r = this.r;
    const a: Args = ['XREADGROUP', 'GROUP', this.group(), this.consumer()];
    if (r.chance(0.5)) a.push('COUNT', r.pick(COUNTS));
    if (r.chance(0.25)) a.push('NOACK');
    if (r.chance(0.1)) a.push('BLOCK', r.pick(['10', '10', '-1', 'abc']));
    const keys = r.chance(0.8) ? [this.stream()] : r.chance(0.8) ? ['s1', 's2'] : [this.key(), this.key()];
    a.push('STREAMS', ...keys);
    for (const k of keys) a.push(r.chance(0.6) ? '>' : r.chance(0.6) ? '0' : this.id(k));
    if (r.chance(0.03)) a.pop();
    return a;
  }

  private xpending(): Args {
    const r = this.r;
    const key = r.chance(0.9) ? this.stream() : this.key();
    const a: Args = ['XPENDING', key, this.group()];
    if (r.chance(0.3)) return a;
    if (r.chance(0.3)) a.push('IDLE', r.pick(['0', '-5', '1000000000', '1000', 'abc']));
    a.push(r.chance(0.5) ? '-' : this.id(key), r.chance(0.5) ? '+' : this.id(key), r.pick(COUNTS));
    if (r.chance(0.3)) a.push(this.consumer());
    if (r.chance(0.03)) a.push('extra');
    return a;
  }

  private xclaim(): Args {
    const r = this.r;
    const key = r.chance(0.9) ? this.stream() : this.key();
    const a: Args = ['XCLAIM', key, this.group(), this.consumer(), r.pick(MIN_IDLE), ...this.ids_(key, 1, 4)];
    const opts = r.range(0, 3);
    for (let i = 0; i < opts; i++) {
      switch (r.chance(0.1) ? 6 : r.int(6)) {
        case 0:
          a.push('FORCE');
          break;
        case 1:
          a.push('JUSTID');
          break;
        case 2:
          a.push('IDLE', r.pick(['0', '0', '5000000', '5000000', '-5', 'abc']));
          break;
        case 3:
          a.push('TIME', r.pick(['123', '1000000000000', '1000000000000', '-1', '99999999999999', 'x']));
          break;
        case 4:
          a.push('RETRYCOUNT', r.pick(['0', '3', '7', '3', '-2', 'x']));
          break;
        case 5:
          a.push('LASTID', this.id(key, 0.05));
          break;
        default:
          a.push(r.pick(['foo', 'IDLE']));
      }
    }
    return a;
  }

  private xautoclaim(): Args {
    const r = this.r;
    const key = r.chance(0.9) ? this.stream() : this.key();
    const a: Args = ['XAUTOCLAIM', key, this.group(), this.consumer(), r.pick(MIN_IDLE), r.chance(0.5) ? '0' : this.id(key)];
    if (r.chance(0.5)) a.push('COUNT', r.pick(COUNTS));
    if (r.chance(0.3)) a.push('JUSTID');
    if (r.chance(0.03)) a.push('junk');
    return a;
  }

  private xinfo(): Args {
    const r = this.r;
    const key = r.chance(0.9) ? this.stream() : this.key();
    switch (r.int(5)) {
      case 0:
        return ['XINFO', 'STREAM', key];
      case 1:
        return r.chance(0.5) ? ['XINFO', 'STREAM', key, 'FULL'] : ['XINFO', 'STREAM', key, 'FULL', 'COUNT', r.pick(['0', '1', '3', '-1', 'x'])];
      case 2:
      case 3:
        return ['XINFO', 'GROUPS', key];
      default:
        return ['XINFO', 'CONSUMERS', key, this.group()];
    }
  }

  next(): Args {
    const r = this.r;
    const x = r.int(100);
    if (x < 22) return this.xadd();
    if (x < 32) return this.xgroup();
    if (x < 50) return this.xreadgroup();
    if (x < 58) {
      const key = r.chance(0.9) ? this.stream() : this.key();
      return ['XACK', key, this.group(), ...this.ids_(key, 1, 4)];
    }
    if (x < 66) return this.xpending();
    if (x < 73) return this.xclaim();
    if (x < 79) return this.xautoclaim();
    if (x < 88) return this.xinfo();
    if (x < 91) {
      // existing IDs only: XDEL's own parsing of odd IDs is the streams tests' business
      const key = this.stream();
      const pool = this.ids.get(key) ?? ['1-1'];
      return ['XDEL', key, r.pick(pool), r.pick(pool)];
    }
    if (x < 93) return ['XTRIM', this.stream(), 'MAXLEN', r.pick(['0', '1', '3', '10'])];
    if (x < 94) {
      const key = this.stream();
      const last = this.lastMs.get(key) ?? 0;
      const ms = last + r.int(3);
      this.lastMs.set(key, ms);
      return ['XSETID', key, `${ms}-9`, ...(r.chance(0.5) ? ['ENTRIESADDED', String(r.range(20, 40)), 'MAXDELETEDID', `${r.int(last + 1)}-0`] : [])];
    }
    if (x < 95) return ['XLEN', this.key()];
    if (x < 96) return ['XRANGE', this.stream(), '-', '+'];
    if (x < 97) {
      if (r.chance(0.3)) return ['DEL', this.stream()];
      // s2 takes s1's last ID: later XADDs to s2 must go past it
      this.lastMs.set('s2', Math.max(this.lastMs.get('s1') ?? 0, this.lastMs.get('s2') ?? 0));
      return ['COPY', 's1', 's2', 'REPLACE'];
    }
    if (x < 98) return ['SET', 'str', 'x'];
    return ['TYPE', this.key()];
  }
}
