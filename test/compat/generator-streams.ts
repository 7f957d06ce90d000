/**
 * Non-group stream commands for the seeded random differential test
 * (random-streams.test.ts): XADD (explicit, partial `ms-*` and bare-ms IDs,
 * NOMKSTREAM, MAXLEN/MINID with = and ~, LIMIT, bad options), XDEL, XTRIM,
 * XSETID, XRANGE, XREVRANGE, XLEN, XREAD (COUNT, several streams, `$`,
 * BLOCK with a 1 ms timeout), XINFO STREAM (node layout), COPY, DEL and
 * CONFIG SET of the node limits, over a few streams, a string key and a
 * missing key.
 *
 * `*` only goes to stream "f", whose IDs all lie far in the future (ms
 * >= 10^14, and it is never deleted, overwritten or XSETID'd lower), so
 * that both servers generate the same ID: the last one + 1.
 */
import type { Args } from './harness';
import { Rng } from './generator';

const FUTURE = 100000000000000;
const STREAMS = ['s1', 's1', 's1', 's2', 's2', 'f'];
const ANY_KEY = ['s1', 's1', 's2', 'f', 'str', 'nokey'];
const FIELDS = ['a', 'a', 'a', 'b', 'b', 'c', 'field', '', '123', '-7'];
const COUNTS = ['0', '1', '2', '3', '5', '10', '100', '-1', 'abc', '9223372036854775808'];
const MAXLENS = ['0', '1', '2', '3', '5', '10', '20', '50', '100', '-1', 'abc', '9223372036854775807'];
const LIMITS = ['0', '1', '5', '10', '100', '-1', 'x'];
const SPECIAL_IDS = ['0', '0-0', '-', '+', '$', '>', 'abc', '(1', '18446744073709551615-18446744073709551615', '1', '3-0', '(0-0', '1-*', '*', '007-1', ''];
const NODE_ENTRIES = ['100', '100', '3', '10', '1', '0'];
const NODE_BYTES = ['4096', '4096', '200', '1000', '0'];

export class StreamGen {
  private r: Rng;
  /** Per stream: the ms part of the last explicit ID generated, and IDs added. */
  private lastMs = new Map<string, number>([['f', FUTURE]]);
  private ids = new Map<string, string[]>();

  constructor(seed: number) {
    this.r = new Rng(seed);
  }

  /** Commands to run first (after FLUSHALL). */
  setup(): Args[] {
    return [
      ['CONFIG', 'SET', 'stream-node-max-entries', '100'],
      ['CONFIG', 'SET', 'stream-node-max-bytes', '4096'],
      ['SET', 'str', 'x'],
      ['XADD', 'f', `${FUTURE}-1`, 'a', '1'],
    ];
  }

  private stream(): string {
    return this.r.pick(STREAMS);
  }

  private key(): string {
    return this.r.pick(ANY_KEY);
  }

  /** An ID that exists (or existed) in some stream, or a special one. */
  private id(key?: string): string {
    const r = this.r;
    const pool = this.ids.get(key ?? this.stream()) ?? [];
    if (pool.length === 0 || r.chance(0.12)) return r.pick(SPECIAL_IDS);
    const i = pool.length - 1 - Math.min(pool.length - 1, Math.floor(-Math.log(1 - r.next()) * 20));
    const id = pool[i];
    if (r.chance(0.1)) return `(${id}`;
    if (r.chance(0.08)) return id.split('-')[0];
    return id;
  }

  /** The ID argument of an XADD to key (recording the ones likely to be added). */
  private newId(key: string): string {
    const r = this.r;
    if (key === 'f' && r.chance(0.4)) return '*';
    if (r.chance(0.04)) return r.pick(['0-0', '1-1', '0', 'abc', '-', '+', '0-*', '1-*', '']);
    let ms = this.lastMs.get(key) ?? 0;
    ms += r.pick([0, 0, 1, 1, 1, 2, 5, 100]);
    this.lastMs.set(key, ms);
    let id: string;
    const form = r.int(10);
    if (form < 6) id = `${ms}-${r.range(1, 3)}`;
    else if (form < 9) id = `${ms}-*`;
    else id = String(ms);
    const pool = this.ids.get(key) ?? [];
    if (!id.endsWith('*')) pool.push(id.includes('-') ? id : `${id}-0`);
    this.ids.set(key, pool);
    return id;
  }

  private value(): string {
    const r = this.r;
    const k = r.int(10);
    if (k < 5) return String(r.int(1000) - 100);
    if (k < 8) return 'v'.repeat(r.int(20));
    return 'x'.repeat(r.range(60, 400));
  }

  private fields(): string[] {
    const r = this.r;
    const out: string[] = [];
    const n = r.chance(0.7) ? 1 : r.range(2, 3);
    for (let i = 0; i < n; i++) out.push(r.pick(FIELDS), this.value());
    if (r.chance(0.03)) out.pop();
    return out;
  }

  private trimOpts(forXadd: boolean): string[] {
    const r = this.r;
    const out: string[] = [];
    const minid = r.chance(0.35);
    out.push(r.pick(minid ? ['MINID', 'minid'] : ['MAXLEN', 'maxlen']));
    const approx = r.int(3);
    if (approx === 1) out.push('~');
    else if (approx === 2) out.push('=');
    out.push(minid ? this.id() : r.pick(MAXLENS));
    if (r.chance(approx === 1 ? 0.4 : 0.05)) out.push('LIMIT', r.pick(LIMITS));
    if (r.chance(0.03)) out.push(r.pick(['MAXLEN', 'MINID', 'FOO', 'NOMKSTREAM']), '1');
    if (!forXadd && r.chance(0.03)) out.splice(0, out.length);
    return out;
  }

  next(): Args {
    const r = this.r;
    const p = r.int(100);
    if (p < 38) {
      const key = r.chance(0.95) ? this.stream() : this.key();
      const opts: string[] = [];
      if (r.chance(0.05)) opts.push('NOMKSTREAM');
      if (r.chance(0.3)) opts.push(...this.trimOpts(true));
      if (r.chance(0.02)) opts.reverse();
      return ['XADD', key, ...opts, this.newId(key === 'str' || key === 'nokey' ? 's1' : key), ...this.fields()];
    }
    if (p < 46) {
      const key = this.key();
      const n = r.range(1, 4);
      const ids: string[] = [];
      for (let i = 0; i < n; i++) ids.push(this.id(key));
      return ['XDEL', key, ...ids];
    }
    if (p < 60) {
      const rev = r.chance(0.4);
      const key = this.key();
      const a = r.chance(0.3) ? (rev ? '+' : '-') : this.id(key);
      const b = r.chance(0.3) ? (rev ? '-' : '+') : this.id(key);
      const out = [rev ? 'XREVRANGE' : 'XRANGE', key, a, b];
      if (r.chance(0.4)) out.push(r.pick(['COUNT', 'count']), r.pick(COUNTS));
      if (r.chance(0.02)) out.push('JUNK');
      return out;
    }
    if (p < 64) return ['XLEN', this.key()];
    if (p < 71) return ['XTRIM', this.key(), ...this.trimOpts(false)];
    if (p < 74) {
      const key = r.pick(['s1', 's2', 's2', 'str', 'nokey']);
      const out = ['XSETID', key, r.chance(0.7) ? this.id(key).replace(/^\(/, '') : `${(this.lastMs.get(key) ?? 0) + r.int(3)}-${r.int(4)}`];
      if (r.chance(0.3)) out.push('ENTRIESADDED', r.pick(['0', '1', '5', '100', '-1', 'x', '9223372036854775807']));
      if (r.chance(0.3)) out.push('MAXDELETEDID', this.id(key).replace(/^\(/, ''));
      if (r.chance(0.02)) out.push('FOO');
      return out;
    }
    if (p < 86) {
      const out = ['XREAD'];
      if (r.chance(0.4)) out.push('COUNT', r.pick(COUNTS));
      if (r.chance(0.2)) out.push('BLOCK', r.pick(['1', '1', '-1', 'x']));
      if (r.chance(0.02)) out.push(r.pick(['NOACK', 'GROUP', 'FOO']));
      out.push('STREAMS');
      const n = r.range(1, 3);
      const keys: string[] = [];
      for (let i = 0; i < n; i++) keys.push(this.key());
      const ids = keys.map((k) => (r.chance(0.15) ? '$' : this.id(k).replace(/^\(/, '')));
      if (r.chance(0.03)) ids.pop();
      return [...out, ...keys, ...ids];
    }
    if (p < 92) return ['XINFO', 'STREAM', this.stream()];
    if (p < 94) return ['CONFIG', 'SET', 'stream-node-max-entries', r.pick(NODE_ENTRIES)];
    if (p < 95) return ['CONFIG', 'SET', 'stream-node-max-bytes', r.pick(NODE_BYTES)];
    if (p < 97) return ['COPY', r.pick(['s1', 's2', 'f', 'str']), r.pick(['s1', 's2', 'c']), ...(r.chance(0.5) ? ['REPLACE'] : [])];
    if (p < 98) return ['DEL', r.pick(['s1', 's2', 'c'])];
    return ['TYPE', this.key()];
  }
}
