/**
 * The list value (store/list.ts): a ring buffer checked against a plain
 * array model through random operation sequences that cross the growth and
 * shrink boundaries and wrap around, plus the blocking timeout arithmetic
 * (server/blocking.ts) that must round like Redis 7.0's x87 long doubles.
 */
import { describe, expect, it } from 'vitest';
import { List } from '../../src/store/list';
import { timeoutMs } from '../../src/server/blocking';
import { prng as rng } from '../prng';


/** Internal buffer, for checking that free slots hold '' and capacity bounds. */
function buf(l: List): string[] {
  return (l as unknown as { buf: string[] }).buf;
}

function checkFreeSlotsEmpty(l: List): void {
  const b = buf(l);
  const live = new Set<number>();
  const h = (l as unknown as { head: number }).head;
  for (let i = 0; i < l.length; i++) live.add((h + i) & (b.length - 1));
  for (let i = 0; i < b.length; i++) {
    expect(typeof b[i]).toBe('string');
    if (!live.has(i)) expect(b[i]).toBe('');
  }
  // power of two, at least the length
  expect(b.length & (b.length - 1)).toBe(0);
  expect(b.length).toBeGreaterThanOrEqual(l.length);
}

describe('List basics', () => {
  it('pushes and pops at both ends', () => {
    const l = new List();
    l.pushTail('b');
    l.pushTail('c');
    l.pushHead('a');
    expect(l.toArray()).toEqual(['a', 'b', 'c']);
    expect(l.length).toBe(3);
    expect(l.popHead()).toBe('a');
    expect(l.popTail()).toBe('c');
    expect(l.popTail()).toBe('b');
    expect(l.length).toBe(0);
    expect(l.encoding()).toBe('quicklist');
    expect(l.type).toBe('list');
  });

  it('is binary safe', () => {
    const v = '\x00\xff\r\n\x80';
    const l = List.from([v, '', 'x']);
    expect(l.at(0)).toBe(v);
    expect(l.indexOf('')).toBe(1);
    expect(l.removeEqual('', 0, false)).toBe(1);
    expect(l.toArray()).toEqual([v, 'x']);
  });

  it('grows from head pushes across the wrap point and keeps order', () => {
    const l = new List();
    const model: string[] = [];
    for (let i = 0; i < 1000; i++) {
      if (i % 3 === 0) {
        l.pushHead(`h${i}`);
        model.unshift(`h${i}`);
      } else {
        l.pushTail(`t${i}`);
        model.push(`t${i}`);
      }
    }
    expect(l.toArray()).toEqual(model);
    checkFreeSlotsEmpty(l);
  });

  it('shrinks when drained and releases popped elements', () => {
    const l = new List();
    for (let i = 0; i < 10000; i++) l.pushTail(String(i));
    const big = buf(l).length;
    for (let i = 0; i < 9990; i++) expect(l.popHead()).toBe(String(i));
    expect(buf(l).length).toBeLessThan(big / 64);
    expect(l.toArray()).toEqual(['9990', '9991', '9992', '9993', '9994', '9995', '9996', '9997', '9998', '9999']);
    checkFreeSlotsEmpty(l);
  });

  it('set / at / insertAt / removeRange / removeEqual', () => {
    const l = List.from(['a', 'b', 'c', 'd', 'e']);
    l.set(1, 'B');
    expect(l.at(1)).toBe('B');
    l.insertAt(0, 'first');
    l.insertAt(6, 'last');
    l.insertAt(3, 'mid');
    expect(l.toArray()).toEqual(['first', 'a', 'B', 'mid', 'c', 'd', 'e', 'last']);
    l.removeRange(2, 3);
    expect(l.toArray()).toEqual(['first', 'a', 'd', 'e', 'last']);
    l.removeRange(0, 1);
    l.removeRange(3, 1);
    expect(l.toArray()).toEqual(['a', 'd', 'e']);
    const m = List.from(['x', 'y', 'x', 'z', 'x', 'x']);
    expect(m.removeEqual('x', 2, true)).toBe(2);
    expect(m.toArray()).toEqual(['x', 'y', 'x', 'z']);
    expect(m.removeEqual('x', 1, false)).toBe(1);
    expect(m.toArray()).toEqual(['y', 'x', 'z']);
    expect(m.removeEqual('nope', 0, false)).toBe(0);
    checkFreeSlotsEmpty(m);
  });

  it('dup() is independent', () => {
    const l = new List();
    for (let i = 0; i < 50; i++) l.pushHead(String(i));
    const d = l.dup();
    expect(d.toArray()).toEqual(l.toArray());
    d.popHead();
    d.set(0, 'changed');
    expect(l.length).toBe(50);
    expect(l.at(0)).toBe('49');
    expect(d).toBeInstanceOf(List);
  });
});

describe('List against an array model', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`random operations, seed ${seed}`, () => {
      const rand = rng(seed);
      const l = new List();
      const model: string[] = [];
      const values = ['a', 'b', 'c', 'd'];
      const pick = () => values[Math.floor(rand() * values.length)];
      // phases bias towards growth then drain so both resize paths run
      for (let step = 0; step < 6000; step++) {
        const growing = Math.floor(step / 1000) % 2 === 0;
        const op = Math.floor(rand() * 9);
        const v = pick();
        switch (op) {
          case 0:
          case 1:
            if (growing || rand() < 0.3) {
              l.pushTail(v);
              model.push(v);
            }
            break;
          case 2:
          case 3:
            if (growing || rand() < 0.3) {
              l.pushHead(v);
              model.unshift(v);
            }
            break;
          case 4:
            if (model.length) expect(l.popHead()).toBe(model.shift());
            break;
          case 5:
            if (model.length) expect(l.popTail()).toBe(model.pop());
            break;
          case 6: {
            const i = Math.floor(rand() * (model.length + 1));
            if (growing || rand() < 0.3) {
              l.insertAt(i, v);
              model.splice(i, 0, v);
            } else if (model.length) {
              const j = Math.floor(rand() * model.length);
              l.set(j, v);
              model[j] = v;
            }
            break;
          }
          case 7: {
            if (!model.length) break;
            const start = Math.floor(rand() * model.length);
            const count = Math.floor(rand() * Math.min(8, model.length - start + 1));
            l.removeRange(start, count);
            model.splice(start, count);
            break;
          }
          case 8: {
            if (growing && rand() < 0.7) break;
            const limit = Math.floor(rand() * 4);
            const fromTail = rand() < 0.5;
            let removed = 0;
            if (!fromTail) {
              for (let i = 0; i < model.length; i++) {
                if (model[i] === v && (limit === 0 || removed < limit)) {
                  model.splice(i--, 1);
                  removed++;
                }
              }
            } else {
              for (let i = model.length - 1; i >= 0; i--) {
                if (model[i] === v && (limit === 0 || removed < limit)) {
                  model.splice(i, 1);
                  removed++;
                }
              }
            }
            expect(l.removeEqual(v, limit, fromTail)).toBe(removed);
            break;
          }
        }
        expect(l.length).toBe(model.length);
        if (step % 97 === 0) {
          expect(l.toArray()).toEqual(model);
          checkFreeSlotsEmpty(l);
          if (model.length) expect(l.indexOf(model[model.length - 1])).toBe(model.indexOf(model[model.length - 1]));
        }
      }
      expect(l.toArray()).toEqual(model);
      checkFreeSlotsEmpty(l);
    });
  }
});

describe('blocking timeout arithmetic (getTimeoutFromObjectOrReply)', () => {
  const LLONG_MIN = -9223372036854775808n;
  it('rounds up like ceill on x87 long doubles', () => {
    expect(timeoutMs('0')).toBe(0n);
    expect(timeoutMs('1')).toBe(1000n);
    expect(timeoutMs('1.5')).toBe(1500n);
    expect(timeoutMs('0.0001')).toBe(1n);
    expect(timeoutMs('1e-400')).toBe(1n);
    expect(timeoutMs('0x10')).toBe(16000n);
    expect(timeoutMs('0.01')).toBe(10n);
    // negative fractions of a millisecond round up to 0 = block forever
    expect(timeoutMs('-0.0001')).toBe(0n);
    expect(timeoutMs('-1e-400')).toBe(0n);
    expect(timeoutMs('-0')).toBe(0n);
    // -0.001 as a long double times 1000 lands just above -1 (as in Redis)
    expect(timeoutMs('-0.001')).toBe(0n);
    expect(timeoutMs('-0.00099999999999999999')).toBe(0n);
    expect(timeoutMs('-0.0010000000000000000001')).toBe(-1n);
    expect(timeoutMs('-0.002')).toBe(-1n); // -1.99999... rounds up
    expect(timeoutMs('-2.5')).toBe(-2500n);
    expect(timeoutMs('-1')).toBe(-1000n);
  });

  it('converts out-of-range values to LLONG_MIN (then "timeout is negative")', () => {
    expect(timeoutMs('inf')).toBe(LLONG_MIN);
    expect(timeoutMs('-inf')).toBe(LLONG_MIN);
    expect(timeoutMs('1e20')).toBe(LLONG_MIN);
    expect(timeoutMs('9.3e15')).toBe(LLONG_MIN);
    expect(timeoutMs('9.2e15')).toBe(9200000000000000000n);
  });

  it('rejects what strtold / string2ld reject', () => {
    for (const bad of ['', ' 1', '1 ', 'nan', 'abc', '0.5x', '1.5e4932', '1\x00']) expect(timeoutMs(bad), JSON.stringify(bad)).toBeNull();
  });
});
