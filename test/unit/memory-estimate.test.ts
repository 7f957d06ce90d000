/**
 * memory/estimate.ts beyond the calibration (test/integration/memory-
 * estimate.test.ts): the cost of an estimate does not grow with the
 * collection, samples = 0 walks everything, sampled figures track the full
 * walk for collections of like elements, and every part of a value counts.
 */
import { describe, expect, it } from 'vitest';
/* eslint-disable @typescript-eslint/no-var-requires */
const E = require('../../dist/memory/estimate.js') as typeof import('../../src/memory/estimate');
const { List } = require('../../dist/store/list.js') as typeof import('../../src/store/list');
const { HashValue } = require('../../dist/store/hash.js') as typeof import('../../src/store/hash');
const { SetValue } = require('../../dist/store/set.js') as typeof import('../../src/store/set');
const { ZSet } = require('../../dist/store/zset.js') as typeof import('../../src/store/zset');
const { Stream, DEFAULT_STREAM_LIMITS } = require('../../dist/store/stream.js') as typeof import('../../src/store/stream');
const { idFromNumbers } = require('../../dist/store/stream-id.js') as typeof import('../../src/store/stream-id');
const { ConsumerGroup, Nack } = require('../../dist/store/stream-groups.js') as typeof import('../../src/store/stream-groups');
const { RawString, ByteString } = require('../../dist/store/value.js') as typeof import('../../src/store/value');
/* eslint-enable @typescript-eslint/no-var-requires */

const LIMITS = { entries: 128, value: 64 };

function bigList(n: number): InstanceType<typeof List> {
  const l = new List();
  for (let i = 0; i < n; i++) l.pushTail(`element-${i % 10}-${'x'.repeat(10)}`);
  return l;
}

function streamOf(entries: number): InstanceType<typeof Stream> {
  const s = new Stream();
  for (let i = 1; i <= entries; i++) s.append(idFromNumbers(i, 0), ['name', `value-${i % 7}`, 'qty', String(i % 100)], 0, 4, DEFAULT_STREAM_LIMITS);
  return s;
}

describe('valueBytes', () => {
  it('costs the same for a million elements as for a hundred', () => {
    const small = bigList(100);
    const large = bigList(1_000_000);
    const time = (v: InstanceType<typeof List>): number => {
      const t0 = performance.now();
      for (let i = 0; i < 20_000; i++) E.valueBytes(v);
      return performance.now() - t0;
    };
    time(small);
    time(large);
    // the same work whatever the size (a full walk of the large list would take about 10^4 times longer)
    expect(time(large)).toBeLessThan(time(small) * 5 + 20);
  });

  it('walks every element with samples = 0, and a sample tracks the full walk', () => {
    const l = bigList(10_000);
    let exact = 0;
    for (let i = 0; i < l.length; i++) exact += E.stringBytes(l.at(i));
    const overhead = E.valueBytes(new List(16384));
    expect(E.valueBytes(l, 0)).toBe(overhead + exact);
    expect(Math.abs(E.valueBytes(l) - E.valueBytes(l, 0)) / E.valueBytes(l, 0)).toBeLessThan(0.05);

    const s = streamOf(2000); // 20 nodes of 100 entries
    expect(s.nodeCount).toBe(20);
    expect(Math.abs(E.valueBytes(s) - E.valueBytes(s, 0)) / E.valueBytes(s, 0)).toBeLessThan(0.05);
  });

  it('counts what each type holds', () => {
    // strings: the bytes, the wrapper, an APPEND's join, a bitmap's spare room
    expect(E.valueBytes('x'.repeat(100))).toBe(E.stringBytes('x'.repeat(100)));
    expect(E.stringBytes('')).toBe(0);
    expect(E.stringBytes('a')).toBe(0);
    expect(E.stringBytes('ab')).toBe(24);
    expect(E.stringBytes('x'.repeat(9))).toBe(32);
    const joined = new RawString('x'.repeat(30));
    expect(E.valueBytes(joined)).toBeGreaterThan(E.valueBytes('x'.repeat(30)) + 32);
    const bits = ByteString.fromString('abc', 1000);
    expect(E.valueBytes(bits)).toBeGreaterThan(1000);

    // hashes: more fields, more bytes; a long unshared field name counts
    const h = new HashValue();
    const base = E.valueBytes(h);
    h.set('f', 'v'.repeat(40), 512, 64);
    const one = E.valueBytes(h);
    expect(one).toBeGreaterThan(base + 40);
    const long = 'F'.repeat(40);
    h.set(long, 'v', 512, 64);
    expect(E.valueBytes(h) - one).toBeGreaterThanOrEqual(E.stringBytes(long));

    // sets: an intset is its array; a hashtable set its Map and members
    const ints = SetValue.intset();
    for (let i = 0; i < 10; i++) ints.add(String(i * 1000), 512);
    const strs = SetValue.hashtable();
    for (let i = 0; i < 10; i++) strs.add(`member-${i}-xxxxxxxx`, 512);
    expect(E.valueBytes(strs)).toBeGreaterThan(E.valueBytes(ints) + 10 * 32);

    // zsets: the node buffer grows with the members
    const z = new ZSet();
    const empty = E.valueBytes(z);
    for (let i = 0; i < 1000; i++) z.add(i, `m${i}`, 0, LIMITS);
    expect(E.valueBytes(z) - empty).toBeGreaterThan(z.sl.bufferBytes - 1200);

    // streams: consumer groups and their pending entries
    const st = streamOf(10);
    const bare = E.valueBytes(st);
    const g = new ConsumerGroup('group', idFromNumbers(0, 0), 0);
    const c = g.createConsumer('alice', Date.now())!;
    for (let i = 1; i <= 10; i++) {
      const id = idFromNumbers(i, 0);
      const nack = new Nack(String(i), id, c, Date.now(), 1);
      g.pel.insert(nack);
      c.pel.insert(nack);
    }
    st.groups = new Map([['group', g]]);
    expect(E.valueBytes(st) - bare).toBeGreaterThan(10 * 150);
  });
});
