/**
 * Stream IDs (store/stream-id.ts) and the stream value (store/stream.ts):
 * ID parsing with Redis's string2ull rules, order, increments, keys; node
 * layout, ranges both ways, deletion, trimming, copies.
 */
import { describe, expect, it } from 'vitest';
import {
  MAX_ID,
  SeqGiven,
  StreamId,
  ZERO_ID,
  compareIds,
  decrId,
  formatId,
  idFromBigInts,
  idFromKey,
  idKey,
  idFromNumbers,
  incrId,
  lastSeqGiven,
  parseId,
} from '../../src/store/stream-id';
import { DEFAULT_STREAM_LIMITS, Stream, StreamLimits, TrimSpec } from '../../src/store/stream';

const id = (s: string): StreamId => {
  const v = parseId(s);
  if (v === null) throw new Error(`bad id ${s}`);
  return v;
};

function add(st: Stream, n: number, fields: (i: number) => string[] = (i) => ['f', `v${i}`], lim = DEFAULT_STREAM_LIMITS): void {
  for (let i = 0; i < n; i++) {
    const fv = fields(i);
    st.append(incrId(st.lastId)!, fv, 0, fv.length, lim);
  }
}

describe('stream ids', () => {
  it('parses full, partial and special forms', () => {
    expect(formatId(id('1-2'))).toBe('1-2');
    expect(formatId(parseId('5')!)).toBe('5-0');
    expect(lastSeqGiven).toBe(SeqGiven.Missing);
    expect(formatId(parseId('5', true)!)).toBe('5-18446744073709551615');
    expect(parseId('-')).toBe(ZERO_ID);
    expect(parseId('+')).toBe(MAX_ID);
    expect(parseId('-', false, true)).toBeNull();
    expect(parseId('+', false, true)).toBeNull();
    expect(formatId(id('18446744073709551615-18446744073709551615'))).toBe('18446744073709551615-18446744073709551615');
    expect(parseId('18446744073709551616-0')).toBeNull();
    expect(parseId('1-*')).toBeNull();
    expect(formatId(parseId('7-*', false, false, true)!)).toBe('7-0');
    expect(lastSeqGiven).toBe(SeqGiven.Auto);
  });

  it('follows string2ull: strtoull forms accepted, string2ll negatives refused', () => {
    expect(formatId(id('007-01'))).toBe('7-1');
    expect(formatId(id('+5'))).toBe('5-0');
    expect(formatId(id(' 5'))).toBe('5-0');
    expect(formatId(id('1- 2'))).toBe('1-2');
    expect(parseId('1--2')).toBeNull();
    expect(formatId(id('1--0'))).toBe('1-0');
    expect(parseId('')).toBeNull();
    expect(parseId('1-')).toBeNull();
    expect(parseId('-1')).toBeNull();
    expect(parseId('abc')).toBeNull();
    expect(parseId('1-2x')).toBeNull();
    expect(parseId('1'.repeat(128))).toBeNull();
    // below INT64_MIN string2ll fails and strtoull negates modulo 2^64
    expect(formatId(id('1--18446744073709551615'))).toBe('1-1');
  });

  it('orders, increments and decrements across the halves', () => {
    expect(compareIds(id('1-2'), id('1-3'))).toBe(-1);
    expect(compareIds(id('2-0'), id('1-99'))).toBe(1);
    expect(compareIds(id('4294967296-0'), id('4294967295-18446744073709551615'))).toBe(1);
    expect(formatId(incrId(id('1-18446744073709551615'))!)).toBe('2-0');
    expect(incrId(MAX_ID)).toBeNull();
    expect(formatId(decrId(id('2-0'))!)).toBe('1-18446744073709551615');
    expect(decrId(ZERO_ID)).toBeNull();
    expect(formatId(idFromNumbers(1700000000000, 3))).toBe('1700000000000-3');
    expect(formatId(idFromBigInts(2n ** 64n - 1n, 5n))).toBe('18446744073709551615-5');
  });

  it('keys sort like ids and round-trip', () => {
    const ids = ['0-1', '1-0', '4294967296-5', '18446744073709551615-0', '3-18446744073709551615'].map(id);
    const byKey = [...ids].sort((a, b) => (idKey(a) < idKey(b) ? -1 : idKey(a) > idKey(b) ? 1 : 0));
    const byId = [...ids].sort(compareIds);
    expect(byKey.map(formatId)).toEqual(byId.map(formatId));
    for (const x of ids) expect(formatId(idFromKey(idKey(x)))).toBe(formatId(x));
  });
});

describe('stream value', () => {
  it('appends, reads and ranges both ways across nodes', () => {
    const st = new Stream();
    add(st, 250);
    expect(st.length).toBe(250);
    expect(st.nodeCount).toBe(3);
    expect(formatId(st.firstId)).toBe('0-1');
    expect(formatId(st.lastId)).toBe('0-250');
    expect(st.get(id('0-100'))).toEqual(['f', 'v99']);
    expect(st.has(id('0-251'))).toBe(false);
    const r = st.range(id('0-99'), id('0-102'));
    expect(r.map((e) => formatId(e.id))).toEqual(['0-99', '0-100', '0-101', '0-102']);
    const rr = st.range(id('0-99'), id('0-102'), 3, true);
    expect(rr.map((e) => formatId(e.id))).toEqual(['0-102', '0-101', '0-100']);
    expect(st.range(ZERO_ID, MAX_ID).length).toBe(250);
    expect(st.range(ZERO_ID, MAX_ID, 0, true).length).toBe(250);
    expect(st.range(id('0-5'), id('0-4')).length).toBe(0);
    expect(st.firstEntry()!.fields).toEqual(['f', 'v0']);
    expect(formatId(st.lastEntry()!.id)).toBe('0-250');
  });

  it('keeps master fields and per-entry fields apart', () => {
    const st = new Stream();
    add(st, 4, (i) => (i % 2 === 0 ? ['a', `${i}`, 'b', 'x'] : ['c', `${i}`]));
    expect(st.range(ZERO_ID, MAX_ID).map((e) => e.fields)).toEqual([
      ['a', '0', 'b', 'x'],
      ['c', '1'],
      ['a', '2', 'b', 'x'],
      ['c', '3'],
    ]);
  });

  it('starts a node when the modelled listpack bytes would reach the limit', () => {
    const st = new Stream();
    const lim: StreamLimits = { maxEntries: 0, maxBytes: 1000 };
    add(st, 50, () => ['field', 'x'.repeat(100)], lim);
    expect(st.nodeCount).toBeGreaterThan(5);
  });

  it('deletes entries and drops emptied nodes', () => {
    const st = new Stream();
    add(st, 150);
    expect(st.delete(id('0-1'))).toBe(true);
    expect(st.delete(id('0-1'))).toBe(false);
    expect(formatId(st.firstId)).toBe('0-2');
    expect(formatId(st.maxDeletedId)).toBe('0-1');
    for (let i = 2; i <= 100; i++) st.delete(idFromNumbers(0, i));
    expect(st.nodeCount).toBe(1);
    expect(st.length).toBe(50);
    expect(formatId(st.firstId)).toBe('0-101');
    expect(st.range(ZERO_ID, MAX_ID, 0, true).length).toBe(50);
  });

  it('trims exactly and by whole nodes', () => {
    const st = new Stream();
    add(st, 250);
    const spec = { strategy: 'maxlen' as const, maxlen: 120, minid: ZERO_ID, approx: true, limit: 0 };
    expect(st.trim(spec)).toBe(100);
    expect(st.length).toBe(150);
    expect(st.trim({ ...spec, approx: false })).toBe(30);
    expect(st.length).toBe(120);
    expect(formatId(st.firstId)).toBe('0-131');
    expect(st.trim({ ...spec, strategy: 'minid', minid: id('0-140'), approx: false })).toBe(9);
    expect(formatId(st.firstId)).toBe('0-140');
    expect(formatId(st.maxDeletedId)).toBe('0-0');
  });

  it('copies deeply', () => {
    const st = new Stream();
    add(st, 10);
    const c = st.dup();
    add(c, 5);
    c.delete(id('0-1'));
    expect(st.length).toBe(10);
    expect(c.length).toBe(14);
    expect(st.has(id('0-1'))).toBe(true);
  });

  it('matches the node and rax-node counts Redis 7.0.15 reported for the same entries', () => {
    // IDs and values as in a run against redis-server 7.0.15, whose XINFO
    // STREAM printed these radix-tree-keys / radix-tree-nodes
    const trial = (n: number, gen: (i: number) => string[]): [number, number] => {
      const st = new Stream();
      for (let i = 0; i < n; i++) {
        const fv = gen(i);
        const x = idFromNumbers(1000 + Math.floor(i / 3) * 7, i % 3 === 2 ? 4000000000 : i % 3);
        st.append(x, fv, 0, fv.length, DEFAULT_STREAM_LIMITS);
      }
      return [st.nodeCount, st.radixTreeNodes()];
    };
    expect(trial(1000, () => ['f', 'x'.repeat(100)])).toEqual([28, 67]);
    expect(trial(1000, (i) => ['f', String(i * 1000)])).toEqual([10, 22]);
    expect(trial(1000, (i) => ['f', 'x'.repeat(i % 200), 'g', String(-i)])).toEqual([30, 71]);
    expect(trial(1000, (i) => (i % 2 ? ['f', 'x'.repeat(40)] : ['g', 'y'.repeat(30), 'h', 'z'.repeat(i % 90)]))).toEqual([19, 49]);
    expect(trial(300, () => ['f', 'x'.repeat(5000)])).toEqual([300, 806]);
    expect(trial(3000, (i) => ['field' + (i % 7), String(i)])).toEqual([30, 64]);
    expect(trial(2000, (i) => ['f', 'v'.repeat(i % 70)])).toEqual([24, 55]);
    const empty = new Stream();
    expect([empty.nodeCount, empty.radixTreeNodes()]).toEqual([0, 1]);
  });

  it('generates IDs: * past the clock or after the last, ms-* per millisecond', () => {
    const st = new Stream();
    expect(formatId(st.nextAutoId(1000)!)).toBe('1000-0');
    st.append(id('5000-3'), ['a', '1'], 0, 2, DEFAULT_STREAM_LIMITS);
    expect(formatId(st.nextAutoId(1000)!)).toBe('5000-4');
    expect(formatId(st.nextAutoId(6000)!)).toBe('6000-0');
    expect(formatId(st.nextSeqId(0, 5000)!)).toBe('5000-4');
    expect(formatId(st.nextSeqId(0, 5001)!)).toBe('5001-0');
    expect(st.nextSeqId(0, 4999)).toBeNull();
    st.lastId = id('18446744073709551615-18446744073709551615');
    expect(st.nextAutoId(1000)).toBeNull();
    st.lastId = id('5000-18446744073709551615');
    expect(st.nextSeqId(0, 5000)).toBeNull();
    expect(formatId(st.nextAutoId(10)!)).toBe('5001-0');
  });

  it('approximate trimming honours LIMIT and MINID compares the node\'s last stored ID', () => {
    const st = new Stream();
    add(st, 500);
    const spec = { strategy: 'maxlen' as const, maxlen: 0, minid: ZERO_ID, approx: true, limit: 250 };
    expect(st.trim(spec)).toBe(200);
    expect(st.trim({ ...spec, limit: 99 })).toBe(0);
    expect(st.trim({ ...spec, strategy: 'minid', minid: id('0-400'), limit: 0 })).toBe(100);
    // the first node left ends at 0-400, which is not below 0-400
    expect(st.trim({ ...spec, strategy: 'minid', minid: id('0-400'), limit: 0 })).toBe(0);
    st.delete(id('0-400'));
    // deleted, yet still the node's last stored ID: the node stays
    expect(st.trim({ ...spec, strategy: 'minid', minid: id('0-400'), limit: 0 })).toBe(0);
    expect(st.trim({ ...spec, strategy: 'minid', minid: id('0-401'), limit: 0 })).toBe(99);
    expect(st.length).toBe(100);
    expect(formatId(st.firstStoredId())).toBe('0-401');
    expect(formatId(st.lastValidId()!)).toBe('0-500');
    st.trim({ ...spec, strategy: 'minid', minid: id('0-501'), limit: 0 });
    expect(st.length).toBe(0);
    expect(st.firstStoredId()).toBe(MAX_ID);
    expect(st.lastValidId()).toBeNull();
    expect(formatId(st.firstId)).toBe('0-0');
  });

  it('keeps entries-added exact past 2^53, wrapping as a uint64 printed signed', () => {
    const st = new Stream();
    st.setEntriesAdded(9223372036854775807n);
    add(st, 3);
    expect(st.entriesAddedExact()).toBe(-9223372036854775806n);
    st.setEntriesAdded(5);
    add(st, 1);
    expect(st.entriesAddedExact()).toBe(6);
    expect(st.dup().entriesAddedExact()).toBe(6);
  });

  type ModelEntry = { id: StreamId; fields: string[] };
  const show = (e: ModelEntry): string => formatId(e.id) + ' ' + e.fields.join(',');

  /**
   * The stream's node layout read through nodeList() without changing it:
   * per node, its live entries' IDs (from the deleted flags, not the node's
   * live counter) and its last stored ID (deleted or not).
   */
  function layout(st: Stream): { live: string[]; lastStored: StreamId }[] {
    return st.nodeList().map((node) => {
      const live: string[] = [];
      for (let i = 0; i < node.n; i++) if (!node.isDeleted(i)) live.push(formatId(node.idAt(i)));
      return { live, lastStored: node.idAt(node.n - 1) };
    });
  }

  /**
   * How many entries from the head a trim removes, by Redis's rules and
   * without Stream.trim(): exact MAXLEN removes max(0, length - maxlen),
   * exact MINID every entry below minid; approximate (~) trims remove whole
   * nodes only, from the head, while the stream is longer than maxlen and
   * removing the node leaves at least maxlen entries (MAXLEN) or the
   * node's last stored ID is below minid (MINID), and stop before a node
   * that would take the removed count past LIMIT (0: none).
   */
  function modelTrimCount(st: Stream, model: ModelEntry[], spec: TrimSpec): number {
    const nodes = layout(st);
    // the layout holds exactly the model's entries, in order
    expect(nodes.flatMap((n) => n.live)).toEqual(model.map((e) => formatId(e.id)));
    if (!spec.approx) {
      if (spec.strategy === 'maxlen') return Math.max(0, model.length - spec.maxlen);
      return model.filter((e) => compareIds(e.id, spec.minid) < 0).length;
    }
    let len = model.length;
    let removed = 0;
    for (const node of nodes) {
      const entries = node.live.length;
      if (spec.strategy === 'maxlen' && len <= spec.maxlen) break;
      if (spec.limit !== 0 && removed + entries > spec.limit) break;
      const whole = spec.strategy === 'maxlen' ? len - entries >= spec.maxlen : compareIds(node.lastStored, spec.minid) < 0;
      if (!whole) break;
      len -= entries;
      removed += entries;
    }
    return removed;
  }

  /**
   * Random appends, deletes, trims (MAXLEN and MINID, exact and ~ with or
   * without LIMIT) and ranges on a stream and on a plain array, compared
   * after every step; each trim must remove what modelTrimCount() says.
   * `nextId(st, rnd)` makes each new ID.
   */
  function agreesWithModel(nextId: (st: Stream, rnd: (n: number) => number) => StreamId): void {
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    for (const lim of [DEFAULT_STREAM_LIMITS, { maxEntries: 3, maxBytes: 4096 }, { maxEntries: 0, maxBytes: 120 }]) {
      const st = new Stream();
      const model: ModelEntry[] = [];
      for (let step = 0; step < 4000; step++) {
        const op = rnd(10);
        if (op < 5) {
          const next = nextId(st, rnd);
          const fv = rnd(3) === 0 ? ['x', String(step), 'y', 'z'] : ['f', 'v'.repeat(rnd(30))];
          st.append(next, fv, 0, fv.length, lim);
          model.push({ id: next, fields: fv });
        } else if (op < 7 && model.length > 0) {
          const k = rnd(model.length);
          expect(st.delete(model[k].id)).toBe(true);
          model.splice(k, 1);
        } else if (op < 8) {
          const approx = rnd(2) === 0;
          const strategy = rnd(2) === 0 ? ('maxlen' as const) : ('minid' as const);
          const maxlen = rnd(model.length + 5);
          // an entry's ID, the one after it (often deleted or between two), or below / above all
          const pick = rnd(model.length + 2);
          let minid = pick < model.length ? model[pick].id : pick === model.length ? ZERO_ID : (incrId(st.lastId) ?? MAX_ID);
          if (pick < model.length && rnd(2) === 0) minid = incrId(minid) ?? MAX_ID;
          // LIMIT only with ~, as XADD and XTRIM allow
          const limit = approx && rnd(3) === 0 ? rnd(model.length + 2) : 0;
          const spec = { strategy, maxlen, minid, approx, limit };
          const want = modelTrimCount(st, model, spec);
          expect(st.trim(spec)).toBe(want);
          model.splice(0, want);
          expect(st.range(ZERO_ID, MAX_ID).map(show)).toEqual(model.map(show));
        } else {
          const a = model.length ? model[rnd(model.length)].id : ZERO_ID;
          const b = model.length ? model[rnd(model.length)].id : MAX_ID;
          const [lo, hi] = compareIds(a, b) <= 0 ? [a, b] : [b, a];
          const count = rnd(4) === 0 ? 0 : rnd(10) + 1;
          const want = model.filter((e) => compareIds(e.id, lo) >= 0 && compareIds(e.id, hi) <= 0);
          const rev = rnd(2) === 0;
          const got = st.range(lo, hi, count, rev);
          const exp = (rev ? [...want].reverse() : want).slice(0, count === 0 ? undefined : count);
          expect(got.map(show)).toEqual(exp.map(show));
        }
        expect(st.length).toBe(model.length);
        expect(formatId(st.firstId)).toBe(model.length ? formatId(model[0].id) : '0-0');
        const last = st.lastValidId();
        expect(last === null ? null : formatId(last)).toBe(model.length ? formatId(model[model.length - 1].id) : null);
      }
    }
  }

  it('agrees with a plain array model under random appends, deletes, trims and ranges', () => {
    let ms = 0;
    agreesWithModel((st, rnd) => {
      ms += rnd(3);
      return st.nextAutoId(ms)!;
    });
  });

  it('agrees with the model when IDs leave the compact form (ms 2^32 past the node\'s first, seq past 2^32)', () => {
    let ms = 1000n;
    let seq = 0n;
    agreesWithModel((_st, rnd) => {
      const k = rnd(8);
      if (k === 0) {
        ms += 2n ** 32n + BigInt(rnd(3)); // beyond a 32-bit delta from most masters
        seq = 0n;
      } else if (k === 1) {
        seq += 2n ** 32n + BigInt(rnd(5)); // a seq that needs more than 32 bits
      } else if (k < 5) {
        seq += 1n;
      } else {
        ms += BigInt(rnd(3) + 1);
        seq = 0n;
      }
      return idFromBigInts(ms, seq);
    });
  });
});

