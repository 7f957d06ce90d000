/**
 * The hash data structure (store/hash.ts) and the collection cursors it
 * uses (store/scan.ts LiveCursors): encodings and their one-way conversion,
 * order, exact-size listpack arrays, deep copies, random picks, HSCAN steps.
 */
import { describe, expect, it } from 'vitest';
import { HashTable, HashValue } from '../../src/store/hash';
import { LiveCursors } from '../../src/store/scan';

const E = 512;
const V = 64;

function make(n: number, maxEntries = E): HashValue {
  const h = new HashValue();
  for (let i = 0; i < n; i++) h.set(`f${i}`, `v${i}`, maxEntries, V);
  return h;
}

function entries(h: HashValue): string[] {
  const out: string[] = [];
  h.forEach((f, v) => out.push(f, v));
  return out;
}

describe('HashValue basics', () => {
  it('type, encoding, get/has/set/delete', () => {
    const h = new HashValue();
    expect(h.type).toBe('hash');
    expect(h.encoding()).toBe('listpack');
    expect(h.size).toBe(0);
    expect(h.set('a', '1', E, V)).toBe(true);
    expect(h.set('b', '2', E, V)).toBe(true);
    expect(h.set('a', '3', E, V)).toBe(false);
    expect([h.get('a'), h.get('b'), h.get('c')]).toEqual(['3', '2', undefined]);
    expect([h.has('a'), h.has('c')]).toEqual([true, false]);
    expect(h.size).toBe(2);
    expect(h.delete('c')).toBe(false);
    expect(h.delete('a')).toBe(true);
    expect(entries(h)).toEqual(['b', '2']);
    expect(h.delete('b')).toBe(true);
    expect(h.size).toBe(0);
  });

  it('a listpack is a flat array with no spare room', () => {
    const h = make(3);
    expect(h.d).toEqual(['f0', 'v0', 'f1', 'v1', 'f2', 'v2']);
    h.delete('f1');
    expect(h.d).toEqual(['f0', 'v0', 'f2', 'v2']);
    h.set('f1', 'x', E, V);
    expect(h.d).toEqual(['f0', 'v0', 'f2', 'v2', 'f1', 'x']);
  });

  it('converts past the entries limit, keeping order, never back', () => {
    const h = make(4, 4);
    expect(h.encoding()).toBe('listpack');
    h.set('f4', 'v4', 4, V);
    expect(h.encoding()).toBe('hashtable');
    expect(h.d).toBeInstanceOf(HashTable);
    expect(entries(h)).toEqual(['f0', 'v0', 'f1', 'v1', 'f2', 'v2', 'f3', 'v3', 'f4', 'v4']);
    for (let i = 0; i < 4; i++) h.delete(`f${i}`);
    expect(h.encoding()).toBe('hashtable');
    expect(h.get('f4')).toBe('v4');
  });

  it('converts before writing a long field or value', () => {
    const a = make(1);
    a.set('x', 'y'.repeat(V), E, V);
    expect(a.encoding()).toBe('listpack');
    a.set('x', 'y'.repeat(V + 1), E, V);
    expect(a.encoding()).toBe('hashtable');
    const b = make(1);
    b.set('k'.repeat(V + 1), '1', E, V);
    expect(b.encoding()).toBe('hashtable');
    expect(b.get('k'.repeat(V + 1))).toBe('1');
  });

  it('an update converts when the limit was lowered', () => {
    const h = make(3);
    h.set('f0', 'x', 2, V);
    expect(h.encoding()).toBe('hashtable');
    const g = make(3);
    g.delete('f0');
    expect(g.encoding()).toBe('listpack');
  });

  it('dup() copies deeply with the same encoding', () => {
    for (const n of [3, 600]) {
      const h = make(n);
      const d = h.dup();
      expect(d).toBeInstanceOf(HashValue);
      expect(d.encoding()).toBe(h.encoding());
      expect(entries(d)).toEqual(entries(h));
      d.set('f0', 'changed', E, V);
      d.delete('f1');
      expect(h.get('f0')).toBe('v0');
      expect(h.get('f1')).toBe('v1');
      expect(d.size).toBe(n - 1);
    }
  });
});

describe('random picks', () => {
  it('randomEntry covers a listpack and a hashtable, values matching', () => {
    for (const n of [5, 700]) {
      const h = make(n);
      const seen = new Set<string>();
      const pair = ['', ''];
      let bad = 0;
      for (let i = 0; i < n * 30; i++) {
        h.randomEntry(pair);
        if (pair[1] !== h.get(pair[0])) bad++;
        seen.add(pair[0]);
      }
      expect([seen.size, bad]).toEqual([n, 0]);
    }
  });

  it('randomEntry skips deleted fields and sees added ones', () => {
    const h = make(600);
    const pair = ['', ''];
    h.randomEntry(pair); // builds the sample
    for (let i = 0; i < 599; i++) h.delete(`f${i}`);
    h.set('new', 'n', E, V);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      h.randomEntry(pair);
      seen.add(pair[0]);
    }
    expect([...seen].sort()).toEqual(['f599', 'new']);
  });

  it('randomDistinct: distinct, listpack order, every subset possible', () => {
    const h = make(10);
    const firsts = new Set<string>();
    const bad: string[][] = [];
    for (let i = 0; i < 3000; i++) {
      const got = h.randomDistinct(3);
      const idx = [0, 2, 4].map((j) => Number(got[j].slice(1)));
      const ok = got.length === 6 && idx[0] < idx[1] && idx[1] < idx[2] && [0, 2, 4].every((j) => got[j + 1] === `v${idx[j / 2]}`);
      if (!ok) bad.push(got);
      firsts.add(got[0]);
    }
    expect(bad).toEqual([]);
    expect(firsts.size).toBe(8); // f0..f7 can come first
  });

  it('randomDistinct on a hashtable, both strategies', () => {
    const h = make(900);
    for (const n of [5, 299, 300, 301, 899]) {
      const got = h.randomDistinct(n);
      const fields = got.filter((_, i) => i % 2 === 0);
      expect(new Set(fields).size).toBe(n);
      for (let j = 0; j < got.length; j += 2) expect(got[j + 1]).toBe(h.get(got[j]));
    }
  });
});

describe('scan', () => {
  it('a listpack comes whole with cursor 0', () => {
    const h = make(5);
    const out: string[] = [];
    expect(h.scan(12345n, 1, out)).toBe(0);
    expect(out).toEqual(entries(h));
  });

  it('a hashtable is walked count fields at a time', () => {
    const h = make(1000);
    const seen = new Set<string>();
    let cursor = 0n;
    let steps = 0;
    do {
      const out: string[] = [];
      const next = h.scan(cursor, 100, out);
      if (next !== 0) expect(out).toHaveLength(200);
      for (let i = 0; i < out.length; i += 2) {
        expect(out[i + 1]).toBe(h.get(out[i]));
        seen.add(out[i]);
      }
      cursor = BigInt(next);
      steps++;
    } while (cursor !== 0n);
    expect(steps).toBe(10);
    expect(seen.size).toBe(1000);
  });
});

describe('LiveCursors', () => {
  it('walks a Map or Set live, ends with 0 exactly at the end', () => {
    const m = new Map<string, number>([
      ['a', 1],
      ['b', 2],
      ['c', 3],
      ['d', 4],
    ]);
    const lc = new LiveCursors<string>();
    const out: string[] = [];
    const c1 = lc.step(m, 0n, 2, out);
    expect(out).toEqual(['a', 'b']);
    expect(c1).toBeGreaterThan(0);
    m.delete('c'); // the read-ahead element
    m.set('e', 5);
    const c2 = lc.step(m, BigInt(c1), 2, out);
    expect(out).toEqual(['a', 'b', 'd', 'e']);
    expect(c2).toBe(0);
    const s = new Set(['x', 'y']);
    const o2: string[] = [];
    expect(new LiveCursors<string>().step(s, 0n, 2, o2)).toBe(0);
    expect(o2).toEqual(['x', 'y']);
  });

  it('a cursor is used once; unknown ones restart; the oldest are forgotten', () => {
    const m = new Map(Array.from({ length: 10 }, (_, i) => [`k${i}`, i] as [string, number]));
    const lc = new LiveCursors<string>(2);
    const out: string[] = [];
    const c = lc.step(m, 0n, 3, out);
    const c2 = lc.step(m, BigInt(c), 3, out);
    expect(out).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k5']);
    const again: string[] = [];
    lc.step(m, BigInt(c), 3, again); // already used: restart
    expect(again).toEqual(['k0', 'k1', 'k2']);
    const huge: string[] = [];
    lc.step(m, 1n << 40n, 1, huge);
    expect(huge).toEqual(['k0']);
    // Limit 2: c2 is now the oldest of three live walks and was forgotten.
    const late: string[] = [];
    lc.step(m, BigInt(c2), 1, late);
    expect(late).toEqual(['k0']);
  });
});
