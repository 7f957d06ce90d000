/**
 * Consumer group state (store/stream-groups.ts): the chunked PEL against a
 * sorted-array model under random inserts/removes/seeks (across chunk
 * splits), group and consumer PELs kept in step by deliver/ack/transfer/
 * deleteConsumer, dup() independence, and Redis 7.0's entries-read and lag
 * rules.
 */
import { describe, expect, it } from 'vitest';
import { prng } from '../prng';
import { MAX_ID, StreamId, ZERO_ID, formatId, idFromNumbers, idKey, parseId } from '../../src/store/stream-id';
import {
  ConsumerGroup,
  INVALID_ENTRIES_READ,
  Nack,
  Pel,
  StreamCounters,
  advanceGroup,
  counterAdd,
  counterSub,
  dupGroups,
  estimateEntriesRead,
  groupLag,
  rangeHasTombstones,
  sortedGroups,
} from '../../src/store/stream-groups';

const id = (s: string): StreamId => parseId(s)!;
const nack = (ms: number, seq = 0) => {
  const i = idFromNumbers(ms, seq);
  return new Nack(idKey(i), i, null, 0, 1);
};
const keysOf = (p: Pel) => [...p].map((n) => formatId(n.id));

describe('Pel', () => {
  it('keeps IDs ordered, rejects duplicates and finds by key', () => {
    const p = new Pel();
    for (const ms of [5, 1, 9, 3, 7]) expect(p.insert(nack(ms))).toBe(true);
    expect(p.insert(nack(3))).toBe(false);
    expect(p.size).toBe(5);
    expect(keysOf(p)).toEqual(['1-0', '3-0', '5-0', '7-0', '9-0']);
    expect(p.get(idKey(idFromNumbers(7, 0)))?.id).toEqual(idFromNumbers(7, 0));
    expect(p.get(idKey(idFromNumbers(4, 0)))).toBeUndefined();
    expect(formatId(p.first()!.id)).toBe('1-0');
    expect(formatId(p.last()!.id)).toBe('9-0');
  });

  it('orders IDs past 2^53 and by seq', () => {
    const p = new Pel();
    for (const s of ['18446744073709551615-0', '1-18446744073709551615', '1-2', '9007199254740993-1', '0-1']) {
      const i = id(s);
      p.insert(new Nack(idKey(i), i, null, 0, 1));
    }
    expect(keysOf(p)).toEqual(['0-1', '1-2', '1-18446744073709551615', '9007199254740993-1', '18446744073709551615-0']);
  });

  it('matches a sorted-array model under random operations (many chunks)', () => {
    const rnd = prng(42);
    const p = new Pel();
    const model: number[] = [];
    for (let step = 0; step < 20000; step++) {
      const ms = Math.floor(rnd() * 3000);
      const op = rnd();
      const at = model.indexOf(ms);
      if (op < 0.55) {
        expect(p.insert(nack(ms))).toBe(at < 0);
        if (at < 0) {
          model.push(ms);
          model.sort((a, b) => a - b);
        }
      } else if (op < 0.9) {
        const removed = p.remove(idKey(idFromNumbers(ms, 0)));
        expect(removed !== undefined).toBe(at >= 0);
        if (at >= 0) model.splice(at, 1);
      } else {
        // seek + scan a few: the first IDs >= ms
        const cur = p.seek(idKey(idFromNumbers(ms, 0)));
        const got: number[] = [];
        for (let k = 0; k < 5; k++, p.advance(cur)) {
          const n = p.at(cur);
          if (n === undefined) break;
          got.push(n.id.msLo);
        }
        expect(got).toEqual(model.filter((x) => x >= ms).slice(0, 5));
      }
      expect(p.size).toBe(model.length);
    }
    expect([...p].map((n) => n.id.msLo)).toEqual(model);
  });

  it('removeAt leaves the cursor on the next entry, across chunk ends', () => {
    const p = new Pel();
    for (let i = 0; i < 1000; i++) p.insert(nack(i));
    const cur = p.seek(idKey(idFromNumbers(100, 0)));
    const seen: number[] = [];
    // delete every other entry while scanning
    for (let k = 0; p.at(cur) !== undefined; k++) {
      const n = p.at(cur)!;
      seen.push(n.id.msLo);
      if (k % 2 === 0) p.removeAt(cur);
      else p.advance(cur);
    }
    expect(seen).toEqual(Array.from({ length: 900 }, (_, i) => i + 100));
    expect(p.size).toBe(1000 - 450);
    expect([...p].slice(100, 103).map((n) => n.id.msLo)).toEqual([101, 103, 105]);
  });

  it('seek past the end and on an empty PEL gives no entry', () => {
    const p = new Pel();
    expect(p.at(p.seek(idKey(ZERO_ID)))).toBeUndefined();
    p.insert(nack(1));
    expect(p.at(p.seek(idKey(MAX_ID)))).toBeUndefined();
  });
});

describe('ConsumerGroup', () => {
  it('deliver, ack, transfer and deleteConsumer keep the group and consumer PELs in step', () => {
    const g = new ConsumerGroup('g', ZERO_ID, 0);
    const a = g.createConsumer('a', 1)!;
    const b = g.createConsumer('b', 1)!;
    expect(g.createConsumer('a', 2)).toBeUndefined();
    for (let i = 1; i <= 5; i++) g.deliver(idFromNumbers(i, 0), a, 100);
    expect(g.pel.size).toBe(5);
    expect(a.pel.size).toBe(5);
    // delivering a pending ID again moves it and resets its count
    const n3 = g.pel.get(idKey(idFromNumbers(3, 0)))!;
    n3.deliveryCount = 7;
    g.deliver(idFromNumbers(3, 0), b, 200);
    expect(n3.consumer).toBe(b);
    expect(n3.deliveryCount).toBe(1);
    expect(a.pel.size).toBe(4);
    expect(b.pel.size).toBe(1);
    expect(g.ack(idKey(idFromNumbers(1, 0)))).toBe(true);
    expect(g.ack(idKey(idFromNumbers(1, 0)))).toBe(false);
    expect(a.pel.size).toBe(3);
    g.transfer(g.pel.get(idKey(idFromNumbers(2, 0)))!, b);
    expect(keysOf(b.pel)).toEqual(['2-0', '3-0']);
    g.deleteConsumer(a);
    expect(keysOf(g.pel)).toEqual(['2-0', '3-0']);
    expect(g.consumers.has('a')).toBe(false);
  });

  it('dup() copies deeply and keeps nacks shared between the copy PELs', () => {
    const g = new ConsumerGroup('g', id('5-0'), 5);
    const a = g.createConsumer('a', 1)!;
    for (let i = 1; i <= 3; i++) g.deliver(idFromNumbers(i, 0), a, 100);
    const copy = dupGroups(new Map([['g', g]])).get('g')!;
    expect(copy).not.toBe(g);
    const ca = copy.consumers.get('a')!;
    expect(keysOf(ca.pel)).toEqual(['1-0', '2-0', '3-0']);
    const k = idKey(idFromNumbers(2, 0));
    expect(copy.pel.get(k)).toBe(ca.pel.get(k));
    expect(copy.pel.get(k)!.consumer).toBe(ca);
    copy.ack(k);
    expect(g.pel.size).toBe(3);
    expect(a.pel.size).toBe(3);
    expect(copy.pel.size).toBe(2);
    expect(ca.pel.size).toBe(2);
  });

  it('lists consumers and groups in byte order', () => {
    const g = new ConsumerGroup('g', ZERO_ID, 0);
    for (const n of ['b', 'a', 'B', 'ab', '\xff', '']) g.createConsumer(n, 0);
    expect(g.sortedConsumers().map((c) => c.name)).toEqual(['', 'B', 'a', 'ab', 'b', '\xff']);
    const m = new Map([
      ['z', new ConsumerGroup('z', ZERO_ID, 0)],
      ['a', new ConsumerGroup('a', ZERO_ID, 0)],
    ]);
    expect(sortedGroups(m).map((x) => x.name)).toEqual(['a', 'z']);
    expect(sortedGroups(null)).toEqual([]);
  });
});

describe('entries-read and lag (Redis 7.0 rules)', () => {
  type Fake = StreamCounters & { entriesAdded: number | bigint };
  const stream = (o: Partial<Fake>): Fake => ({
    length: 3,
    entriesAdded: 3,
    lastId: id('3-0'),
    firstId: id('1-0'),
    maxDeletedId: ZERO_ID,
    entriesAddedExact() {
      return this.entriesAdded;
    },
    ...o,
  });

  it('a never-used stream has lag 0 and counter 0', () => {
    const s = stream({ length: 0, entriesAdded: 0, lastId: ZERO_ID, firstId: ZERO_ID });
    const g = new ConsumerGroup('g', ZERO_ID, INVALID_ENTRIES_READ);
    expect(groupLag(s, g)).toBe(0);
    expect(estimateEntriesRead(s, id('5-0'))).toBe(0);
  });

  it('estimates from the first and last IDs without tombstones', () => {
    const s = stream({});
    expect(estimateEntriesRead(s, id('3-0'))).toBe(3);
    expect(estimateEntriesRead(s, id('1-0'))).toBe(1);
    expect(estimateEntriesRead(s, id('0-5'))).toBe(0);
    expect(estimateEntriesRead(s, id('2-0'))).toBe(INVALID_ENTRIES_READ);
    expect(estimateEntriesRead(s, id('4-0'))).toBe(INVALID_ENTRIES_READ);
    // trimmed: 10 added, 3 left starting at 8-0
    const t = stream({ entriesAdded: 10, lastId: id('10-0'), firstId: id('8-0') });
    expect(estimateEntriesRead(t, id('8-0'))).toBe(8);
    expect(estimateEntriesRead(t, id('7-0'))).toBe(7);
  });

  it('an empty stream counts IDs up to its last as all read', () => {
    const s = stream({ length: 0, firstId: ZERO_ID });
    expect(estimateEntriesRead(s, id('2-0'))).toBe(3);
    expect(estimateEntriesRead(s, id('4-0'))).toBe(INVALID_ENTRIES_READ);
  });

  it('tombstones after the group make the counter unusable', () => {
    const s = stream({ length: 2, maxDeletedId: id('2-0') });
    expect(rangeHasTombstones(s, id('1-0'), null)).toBe(true);
    expect(rangeHasTombstones(s, id('2-1'), null)).toBe(false);
    expect(rangeHasTombstones(s, id('1-0'), id('1-5'))).toBe(false);
    const g = new ConsumerGroup('g', id('1-0'), 1);
    expect(groupLag(s, g)).toBe(null);
    g.lastId = id('3-0');
    g.entriesRead = 3;
    expect(groupLag(s, g)).toBe(0);
    // a tombstone before the first entry does not count
    expect(rangeHasTombstones(stream({ firstId: id('2-0'), maxDeletedId: id('1-0') }), ZERO_ID, null)).toBe(false);
  });

  it('counts past 2^53 exactly and wrap as a C long long', () => {
    const big = 9223372036854775807n;
    const s = stream({ entriesAdded: big, length: 3 });
    const g = new ConsumerGroup('g', id('3-0'), 9223372036854775806n);
    expect(groupLag(s, g)).toBe(1);
    g.entriesRead = 5;
    expect(groupLag(s, g)).toBe(9223372036854775802n);
    const h = new ConsumerGroup('h', ZERO_ID, big);
    advanceGroup(s, h, id('1-0'));
    expect(h.entriesRead).toBe(-9223372036854775808n);
    expect(counterAdd(Number.MAX_SAFE_INTEGER, 1)).toBe(9007199254740992n);
    expect(counterSub(9007199254740992n, 1)).toBe(Number.MAX_SAFE_INTEGER);
    expect(estimateEntriesRead(s, id('0-1'))).toBe(9223372036854775804n);
  });

  it('advanceGroup counts reads, or re-estimates when the counter is unknown', () => {
    const s = stream({});
    const g = new ConsumerGroup('g', ZERO_ID, 0);
    advanceGroup(s, g, id('1-0'));
    expect([formatId(g.lastId), g.entriesRead]).toEqual(['1-0', 1]);
    g.entriesRead = INVALID_ENTRIES_READ;
    advanceGroup(s, g, id('2-0'));
    expect(g.entriesRead).toBe(INVALID_ENTRIES_READ); // 2-0 is in the middle: unknown
    advanceGroup(s, g, id('3-0'));
    expect(g.entriesRead).toBe(3);
    expect(groupLag(s, g)).toBe(0);
  });
});
