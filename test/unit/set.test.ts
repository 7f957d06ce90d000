/**
 * The set data structure (store/set.ts): Redis 7.0's intset/hashtable
 * encodings and their one-way conversion, intset order, membership rules
 * (string2ll), random picks, COPY's dup() and SSCAN walks.
 */
import { describe, expect, it } from 'vitest';
import { SetValue, intOf, scanSet } from '../../src/store/set';

function build(members: string[], max = 512): SetValue {
  const s = SetValue.forMember(members[0]);
  for (const m of members) s.add(m, max);
  return s;
}

describe('intOf (string2ll)', () => {
  it('accepts canonical int64 strings only', () => {
    expect(intOf('0')).toBe(0);
    expect(intOf('-17')).toBe(-17);
    expect(intOf('9007199254740991')).toBe(9007199254740991);
    expect(intOf('9007199254740992')).toBe(9007199254740992n);
    expect(intOf('-9007199254740993')).toBe(-9007199254740993n);
    expect(intOf('9223372036854775807')).toBe(9223372036854775807n);
    expect(intOf('-9223372036854775808')).toBe(-9223372036854775808n);
    for (const bad of ['', '-', '-0', '01', '+1', ' 1', '1 ', '1.0', '1e3', '9223372036854775808', '-9223372036854775809', 'abc']) {
      expect(intOf(bad), bad).toBeNull();
    }
  });
});

describe('encodings', () => {
  it('setTypeCreate picks the encoding from the first member', () => {
    expect(SetValue.forMember('12').encoding()).toBe('intset');
    expect(SetValue.forMember('-9223372036854775808').encoding()).toBe('intset');
    expect(SetValue.forMember('a').encoding()).toBe('hashtable');
    expect(SetValue.forMember('01').encoding()).toBe('hashtable');
  });

  it('an intset iterates in ascending numeric order, bigints included', () => {
    const s = build(['5', '-3', '9223372036854775807', '0', '9007199254740993', '-9223372036854775808', '100', '9007199254740992']);
    expect(s.encoding()).toBe('intset');
    expect(s.members()).toEqual([
      '-9223372036854775808',
      '-3',
      '0',
      '5',
      '100',
      '9007199254740992',
      '9007199254740993',
      '9223372036854775807',
    ]);
    const seen: string[] = [];
    s.forEach((m) => seen.push(m));
    expect(seen).toEqual(s.members());
  });

  it('a non-integer member converts to hashtable for good', () => {
    const s = build(['3', '1', '2']);
    expect(s.add('x', 512)).toBe(true);
    expect(s.encoding()).toBe('hashtable');
    expect(s.size).toBe(4);
    expect(s.remove('x')).toBe(true);
    expect(s.encoding()).toBe('hashtable');
    expect([...s.members()].sort()).toEqual(['1', '2', '3']);
    expect(s.has('1')).toBe(true);
    expect(s.has('01')).toBe(false);
  });

  it('converts past set-max-intset-entries (more than max, not equal)', () => {
    const s = SetValue.intset();
    for (let i = 0; i < 4; i++) s.add(String(i), 4);
    expect(s.encoding()).toBe('intset');
    expect(s.add('3', 4)).toBe(false);
    expect(s.encoding()).toBe('intset');
    s.add('4', 4);
    expect(s.encoding()).toBe('hashtable');
    const z = SetValue.intset();
    z.add('1', 0);
    expect(z.encoding()).toBe('hashtable');
    expect(z.members()).toEqual(['1']);
  });

  it('addInt follows the same rules', () => {
    const s = SetValue.intset();
    expect(s.addInt(7, 2)).toBe(true);
    expect(s.addInt(7, 2)).toBe(false);
    expect(s.addInt(9223372036854775807n, 2)).toBe(true);
    expect(s.members()).toEqual(['7', '9223372036854775807']);
    expect(s.addInt(-1, 2)).toBe(true);
    expect(s.encoding()).toBe('hashtable');
    expect(s.has('9223372036854775807')).toBe(true);
    expect(s.hasInt(9223372036854775807n)).toBe(true);
    expect(s.hasInt(-1)).toBe(true);
    expect(s.hasInt(8)).toBe(false);
  });
});

describe('membership', () => {
  it('intset has/remove only match canonical integers', () => {
    const s = build(['10', '20', '9007199254740993']);
    expect(s.has('10')).toBe(true);
    expect(s.has('010')).toBe(false);
    expect(s.has('x')).toBe(false);
    expect(s.has('9007199254740993')).toBe(true);
    expect(s.has('9007199254740992')).toBe(false);
    expect(s.hasInt(20)).toBe(true);
    expect(s.hasInt(9007199254740993n)).toBe(true);
    expect(s.remove('010')).toBe(false);
    expect(s.remove('x')).toBe(false);
    expect(s.remove('10')).toBe(true);
    expect(s.remove('10')).toBe(false);
    expect(s.members()).toEqual(['20', '9007199254740993']);
  });

  it('hashtable members are binary-safe strings', () => {
    const s = build(['a', '\0', '\xff\r\n', '']);
    expect(s.size).toBe(4);
    expect(s.has('')).toBe(true);
    expect(s.has('\0')).toBe(true);
    expect(s.add('\xff\r\n', 512)).toBe(false);
  });
});

describe('random members', () => {
  it('random() and popRandom() stay consistent with removals (hashtable)', () => {
    const s = SetValue.hashtable();
    const all = new Set<string>();
    for (let i = 0; i < 200; i++) {
      s.add(`m${i}`, 512);
      all.add(`m${i}`);
    }
    for (let i = 0; i < 50; i++) expect(all.has(s.random())).toBe(true);
    // interleave removals, additions and pops once the dense array exists
    for (let i = 0; i < 200; i += 3) {
      expect(s.remove(`m${i}`)).toBe(true);
      all.delete(`m${i}`);
    }
    s.add('extra', 512);
    all.add('extra');
    const popped = new Set<string>();
    while (s.size > 0) {
      const m = s.popRandom();
      expect(all.has(m)).toBe(true);
      expect(popped.has(m)).toBe(false);
      popped.add(m);
      expect(s.has(m)).toBe(false);
    }
    expect(popped.size).toBe(all.size);
  });

  it('popRandom() on an intset', () => {
    const s = build(['1', '2', '3', '4']);
    const got: string[] = [];
    while (s.size > 0) got.push(s.popRandom());
    expect(got.sort()).toEqual(['1', '2', '3', '4']);
    expect(s.encoding()).toBe('intset');
  });

  it('random() reaches every member', () => {
    const s = build(['a', 'b', 'c']);
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) seen.add(s.random());
    expect([...seen].sort()).toEqual(['a', 'b', 'c']);
  });
});

describe('dup (COPY)', () => {
  it('keeps the encoding and does not share storage', () => {
    const a = build(['3', '1', '2']);
    const b = a.dup();
    expect(b.encoding()).toBe('intset');
    b.add('4', 512);
    expect(a.size).toBe(3);
    const h = build(['x', 'y']);
    const h2 = h.dup();
    expect(h2.encoding()).toBe('hashtable');
    h2.remove('x');
    expect(h.has('x')).toBe(true);
    expect(h2.has('x')).toBe(false);
  });
});

describe('scanSet', () => {
  it('returns an intset whole, with cursor 0, whatever the cursor', () => {
    const s = build(['3', '1', '2']);
    expect(scanSet(s, 0n, 1)).toEqual({ cursor: 0, members: ['1', '2', '3'] });
    expect(scanSet(s, 12345n, 1)).toEqual({ cursor: 0, members: ['1', '2', '3'] });
  });

  it('walks a hashtable in steps, every member once', () => {
    const s = SetValue.hashtable();
    for (let i = 0; i < 95; i++) s.add(`k${i}`, 512);
    const seen: string[] = [];
    let cursor = 0n;
    let steps = 0;
    do {
      const page = scanSet(s, cursor, 10);
      expect(page.members.length).toBeLessThanOrEqual(10);
      seen.push(...page.members);
      cursor = BigInt(page.cursor);
      steps++;
    } while (cursor !== 0n);
    expect(steps).toBe(10);
    expect(seen.length).toBe(95);
    expect(new Set(seen).size).toBe(95);
  });

  it('returns members present for the whole walk despite changes', () => {
    const s = SetValue.hashtable();
    for (let i = 0; i < 50; i++) s.add(`k${i}`, 512);
    const first = scanSet(s, 0n, 10);
    // remove members not yet seen, add new ones
    for (let i = 40; i < 50; i++) s.remove(`k${i}`);
    for (let i = 0; i < 10; i++) s.add(`n${i}`, 512);
    const seen = new Set(first.members);
    let cursor = BigInt(first.cursor);
    while (cursor !== 0n) {
      const page = scanSet(s, cursor, 7);
      for (const m of page.members) {
        expect(s.has(m)).toBe(true);
        seen.add(m);
      }
      cursor = BigInt(page.cursor);
    }
    for (let i = 0; i < 40; i++) expect(seen.has(`k${i}`)).toBe(true);
  });

  it('an unknown or reused cursor restarts the walk', () => {
    const s = SetValue.hashtable();
    for (let i = 0; i < 20; i++) s.add(`k${i}`, 512);
    const p1 = scanSet(s, 0n, 5);
    expect(p1.cursor).not.toBe(0);
    const p2 = scanSet(s, BigInt(p1.cursor), 5);
    expect(p2.members).not.toEqual(p1.members);
    // p1's cursor was used: it now means "from the start"
    expect(scanSet(s, BigInt(p1.cursor), 5).members).toEqual(p1.members);
    expect(scanSet(s, 99999999999999n, 5).members).toEqual(p1.members);
    // another set's cursor is unknown here
    const other = SetValue.hashtable();
    for (let i = 0; i < 20; i++) other.add(`o${i}`, 512);
    expect(scanSet(other, BigInt(p2.cursor), 5).members).toEqual(['o0', 'o1', 'o2', 'o3', 'o4']);
  });

  it('the last page returns cursor 0 exactly when the walk ends', () => {
    const s = build(['a', 'b', 'c', 'd']);
    const p = scanSet(s, 0n, 4);
    expect(p.cursor).toBe(0);
    expect(p.members.length).toBe(4);
    const q = scanSet(s, 0n, 3);
    expect(q.cursor).not.toBe(0);
    const r = scanSet(s, BigInt(q.cursor), 3);
    expect(r).toEqual({ cursor: 0, members: ['d'] });
  });
});
