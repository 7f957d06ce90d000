import { describe, it, expect } from 'vitest';
import { Dict } from '../../src/store/dict';

describe('Dict', () => {
  it('adds, overwrites, deletes and iterates like a Map', () => {
    const d = new Dict<number>();
    d.set('a', 1);
    d.set('b', 2);
    d.set('a', 3);
    expect(d.size).toBe(2);
    expect(d.get('a')).toBe(3);
    expect(d.has('b')).toBe(true);
    expect(d.delete('b')).toBe(true);
    expect(d.delete('b')).toBe(false);
    expect([...d.entries()]).toEqual([['a', 3]]);
    d.clear();
    expect(d.size).toBe(0);
  });
});
