/**
 * Free effort (memory/lazyfree.ts), against figures redis-server 7.0.15
 * gave: quicklist node counts (DEBUG OBJECT ql_nodes of RPUSHed lists) and
 * the rax sizes behind client tracking's lazy free.
 */
import { describe, expect, it } from 'vitest';
/* eslint-disable @typescript-eslint/no-var-requires */
const { quicklistNodes, raxNodes, freeEffort, LAZYFREE_THRESHOLD } = require('../../dist/memory/lazyfree.js') as typeof import('../../src/memory/lazyfree');
const { List } = require('../../dist/store/list.js') as typeof import('../../src/store/list');
/* eslint-enable @typescript-eslint/no-var-requires */

function list(n: number, elem: string): InstanceType<typeof List> {
  const l = new List();
  for (let i = 0; i < n; i++) l.pushTail(elem);
  return l;
}

describe('quicklist nodes', () => {
  // [elements, element size, list-max-listpack-size, Redis's ql_nodes]
  const cases: [number, number, number, number][] = [
    [65, 1, -2, 1],
    [2700, 1, -2, 1],
    [2800, 1, -2, 2],
    [20000, 1, -2, 8],
    [600, 100, -2, 8],
    [5000, 100, -2, 64],
    [5500, 100, -2, 70],
    [6000, 100, -2, 76],
    [20000, 100, -2, 254],
    [100000, 5, -2, 86],
    [1000, 10, 128, 8],
    [1000, 10, 0, 1000],
  ];
  for (const [n, size, fill, nodes] of cases) {
    it(`${n} elements of ${size} bytes, fill ${fill}: ${nodes} nodes`, () => {
      expect(quicklistNodes(list(n, 'x'.repeat(size)), fill)).toBe(nodes);
    });
  }

  it('costs a bounded walk however long the list', () => {
    const l = list(2_000_000, 'x');
    const t = performance.now();
    const nodes = quicklistNodes(l, -2);
    expect(performance.now() - t).toBeLessThan(50);
    expect(nodes).toBeGreaterThan(700);
    expect(nodes).toBeLessThan(760);
    expect(freeEffort(l)).toBe(nodes);
  });
});

describe('rax nodes', () => {
  const keys = (n: number) => Array.from({ length: n }, (_, i) => `key:${i}`);
  it('counts the root, key ends, branches and their children', () => {
    expect(raxNodes([])).toBe(1);
    expect(raxNodes(['key:1'])).toBe(2);
    expect(raxNodes(['key:1', 'key:2'])).toBe(4);
    expect(raxNodes(['abc', 'abcdef'])).toBe(3);
    expect(raxNodes(['ab1x', 'ab2yz'])).toBe(6);
    expect(raxNodes(['key:10', 'key:11', 'key:2'])).toBe(6);
  });

  it('tracking tables Redis frees in the background from 63 keys key:N', () => {
    // Redis 7.0.15: FLUSHALL ASYNC counted 0 with key:0..key:61 tracked and 63 with key:0..key:62
    expect(raxNodes(keys(50))).toBe(52);
    expect(raxNodes(keys(62))).toBeLessThanOrEqual(LAZYFREE_THRESHOLD);
    expect(raxNodes(keys(63))).toBeGreaterThan(LAZYFREE_THRESHOLD);
    expect(raxNodes(keys(63).reverse())).toBe(raxNodes(keys(63)));
  });
});
