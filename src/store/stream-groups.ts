/**
 * Consumer groups of a stream (XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM,
 * XAUTOCLAIM, XINFO): the group state and its pending entries lists.
 *
 * A group has a last delivered ID, an entries-read counter (-1 when
 * unknown), consumers by name and a PEL: the delivered but unacknowledged
 * entries, each a Nack (owner, last delivery time, delivery count). Every
 * Nack is held twice, in the group's PEL and in its owner's PEL, as in
 * Redis (the same object, so updating one updates both).
 *
 * A PEL is ordered by ID: Redis uses a radix tree; here it is a list of
 * sorted chunks (a flat B-tree of depth 1), keyed by the 8-char order-
 * preserving idKey(), so lookups are O(log N), ranges O(log N + M), and the
 * common pattern (append at the end on delivery, remove near the front on
 * XACK) touches one small chunk.
 *
 * Redis's rax iterates groups and consumers in byte order; JS string order
 * on latin1 strings is byte order, so listings sort the names.
 */
import { StreamId, compareIds, idKey, isZeroId, ZERO_ID } from './stream-id';

/** entries_read when it is not known (SCG_INVALID_ENTRIES_READ). */
export const INVALID_ENTRIES_READ = -1;

/** A pending entry: delivered to `consumer`, not yet acknowledged. */
export class Nack {
  constructor(
    /** idKey(id): the PEL's sort key. */
    readonly key: string,
    readonly id: StreamId,
    /** Owner; null only transiently (XCLAIM FORCE creating the entry). */
    public consumer: Consumer | null,
    /** Unix ms of the last delivery. */
    public deliveryTime: number,
    /** Redis's uint64 delivery_count, printed as a long long (RETRYCOUNT can set any). */
    public deliveryCount: Counter,
  ) {}
}

const CHUNK_MAX = 128;

/** A position in a Pel: chunk index and index inside it. */
export interface PelCursor {
  ci: number;
  i: number;
}

/** Nacks ordered by ID (see the file comment). */
export class Pel {
  /** Non-empty sorted chunks, each up to CHUNK_MAX nacks, in order. */
  private chunks: Nack[][] = [];
  size = 0;

  /** Index of the first chunk whose last key is >= key (chunks.length if none). */
  private chunkFor(key: string): number {
    const ch = this.chunks;
    let lo = 0;
    let hi = ch.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = ch[mid];
      if (c[c.length - 1].key < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first nack in chunk c whose key is >= key. */
  private static indexIn(c: Nack[], key: string): number {
    let lo = 0;
    let hi = c.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (c[mid].key < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get(key: string): Nack | undefined {
    const ci = this.chunkFor(key);
    if (ci === this.chunks.length) return undefined;
    const c = this.chunks[ci];
    const n = c[Pel.indexIn(c, key)];
    return n.key === key ? n : undefined;
  }

  /** Add nack; false (nothing done) when its ID is already present. */
  insert(nack: Nack): boolean {
    const ch = this.chunks;
    const key = nack.key;
    if (ch.length === 0) {
      ch.push([nack]);
      this.size = 1;
      return true;
    }
    const ci = this.chunkFor(key);
    if (ci === ch.length) {
      // past every key (the delivery fast path): fill the last chunk, then
      // start a new one rather than splitting, so in-order chunks stay full
      const last = ch[ci - 1];
      if (last.length < CHUNK_MAX) last.push(nack);
      else ch.push([nack]);
      this.size++;
      return true;
    }
    const c = ch[ci];
    const i = Pel.indexIn(c, key);
    if (c[i].key === key) return false;
    c.splice(i, 0, nack);
    this.size++;
    if (c.length > CHUNK_MAX) this.split(ci);
    return true;
  }

  private split(ci: number): void {
    const c = this.chunks[ci];
    const half = c.length >>> 1;
    this.chunks.splice(ci + 1, 0, c.splice(half));
  }

  /** Remove and return the nack with this key, if present. */
  remove(key: string): Nack | undefined {
    const ci = this.chunkFor(key);
    if (ci === this.chunks.length) return undefined;
    const c = this.chunks[ci];
    const i = Pel.indexIn(c, key);
    if (c[i].key !== key) return undefined;
    return this.removeAt({ ci, i });
  }

  /**
   * Remove the nack at cur; cur then points at the one after it (so a scan
   * can delete as it goes).
   */
  removeAt(cur: PelCursor): Nack {
    const c = this.chunks[cur.ci];
    const [n] = c.splice(cur.i, 1);
    this.size--;
    if (c.length === 0) {
      this.chunks.splice(cur.ci, 1);
      cur.i = 0;
    } else if (cur.i === c.length) {
      cur.ci++;
      cur.i = 0;
    }
    return n;
  }

  first(): Nack | undefined {
    return this.chunks.length === 0 ? undefined : this.chunks[0][0];
  }

  last(): Nack | undefined {
    const ch = this.chunks;
    if (ch.length === 0) return undefined;
    const c = ch[ch.length - 1];
    return c[c.length - 1];
  }

  /** A cursor at the first nack with key >= key (raxSeek ">="). */
  seek(key: string): PelCursor {
    const ci = this.chunkFor(key);
    if (ci === this.chunks.length) return { ci, i: 0 };
    return { ci, i: Pel.indexIn(this.chunks[ci], key) };
  }

  /** A cursor at the first nack. */
  start(): PelCursor {
    return { ci: 0, i: 0 };
  }

  /** The nack at cur, or undefined at the end. */
  at(cur: PelCursor): Nack | undefined {
    const c = this.chunks[cur.ci];
    return c === undefined ? undefined : c[cur.i];
  }

  /** Move cur to the next nack. */
  advance(cur: PelCursor): void {
    if (++cur.i >= this.chunks[cur.ci].length) {
      cur.ci++;
      cur.i = 0;
    }
  }

  /** Every nack in order. */
  *[Symbol.iterator](): IterableIterator<Nack> {
    for (const c of this.chunks) yield* c;
  }
}

export class Consumer {
  readonly pel = new Pel();
  constructor(
    readonly name: string,
    /** Unix ms of the last interaction (XINFO's idle / seen-time). */
    public seenTime: number,
  ) {}
}

export class ConsumerGroup {
  readonly pel = new Pel();
  readonly consumers = new Map<string, Consumer>();

  constructor(
    readonly name: string,
    /** Last ID delivered to any consumer. */
    public lastId: StreamId,
    /** Logical read counter of lastId (its position in the stream's history), or -1. */
    public entriesRead: Counter,
  ) {}

  /** streamCreateConsumer(): undefined when it exists already. */
  createConsumer(name: string, now: number): Consumer | undefined {
    if (this.consumers.has(name)) return undefined;
    const c = new Consumer(name, now);
    this.consumers.set(name, c);
    return c;
  }

  /** streamDelConsumer(): drop the consumer and its pending entries from the group PEL. */
  deleteConsumer(c: Consumer): void {
    for (const n of c.pel) this.pel.remove(n.key);
    this.consumers.delete(c.name);
  }

  /** Consumers in name (byte) order, as Redis lists them. */
  sortedConsumers(): Consumer[] {
    const list = [...this.consumers.values()];
    if (list.length > 1) list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return list;
  }

  /**
   * Record a delivery of `id` to `consumer` at `now` (XREADGROUP): a new
   * pending entry, or, when the ID is pending already (the group's last ID
   * was moved back), the entry moves to this consumer with its count reset.
   */
  deliver(id: StreamId, consumer: Consumer, now: number): Nack {
    const key = idKey(id);
    let nack = this.pel.get(key);
    if (nack === undefined) {
      nack = new Nack(key, id, consumer, now, 1);
      this.pel.insert(nack);
      consumer.pel.insert(nack);
      return nack;
    }
    if (nack.consumer !== null) nack.consumer.pel.remove(key);
    nack.consumer = consumer;
    nack.deliveryTime = now;
    nack.deliveryCount = 1;
    consumer.pel.insert(nack);
    return nack;
  }

  /** XACK of one ID: true when it was pending. */
  ack(key: string): boolean {
    const nack = this.pel.remove(key);
    if (nack === undefined) return false;
    nack.consumer?.pel.remove(key);
    return true;
  }

  /** Drop a pending entry whose stream entry no longer exists (XCLAIM/XAUTOCLAIM). */
  forget(nack: Nack): void {
    this.pel.remove(nack.key);
    nack.consumer?.pel.remove(nack.key);
  }

  /** Give `nack` to `consumer` (XCLAIM/XAUTOCLAIM), moving it between consumer PELs. */
  transfer(nack: Nack, consumer: Consumer): void {
    if (nack.consumer === consumer) return;
    nack.consumer?.pel.remove(nack.key);
    nack.consumer = consumer;
    consumer.pel.insert(nack);
  }

  /** A deep copy (COPY): consumers and PELs, nacks shared between the copy's group and consumer PELs. */
  dup(): ConsumerGroup {
    const g = new ConsumerGroup(this.name, this.lastId, this.entriesRead);
    const copies = new Map<Nack, Nack>();
    for (const n of this.pel) {
      const m = new Nack(n.key, n.id, null, n.deliveryTime, n.deliveryCount);
      copies.set(n, m);
      g.pel.insert(m);
    }
    for (const c of this.consumers.values()) {
      const d = new Consumer(c.name, c.seenTime);
      for (const n of c.pel) {
        const m = copies.get(n)!;
        m.consumer = d;
        d.pel.insert(m);
      }
      g.consumers.set(d.name, d);
    }
    return g;
  }
}

/** Copy a stream's groups map (Stream.dup() for COPY). */
export function dupGroups(groups: Map<string, ConsumerGroup>): Map<string, ConsumerGroup> {
  const out = new Map<string, ConsumerGroup>();
  for (const [name, g] of groups) out.set(name, g.dup());
  return out;
}

/** Groups in name (byte) order, as Redis lists them. */
export function sortedGroups(groups: Map<string, ConsumerGroup> | null): ConsumerGroup[] {
  if (groups === null) return [];
  const list = [...groups.values()];
  if (list.length > 1) list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return list;
}

// ---------------------------------------------------------------------------
// Entries-read bookkeeping and lag (Redis 7.0)
// ---------------------------------------------------------------------------

/**
 * A C long long counter (entries-read, lag): a number while it is a safe
 * integer, a bigint past that (XSETID ENTRIESADDED / ENTRIESREAD can set
 * values up to 2^63 - 1, and Redis's arithmetic on them wraps).
 */
export type Counter = number | bigint;

function toCounter(v: bigint): Counter {
  const w = BigInt.asIntN(64, v);
  return w >= -MAX_SAFE && w <= MAX_SAFE ? Number(w) : w;
}
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** a + b with long long wrap-around. */
export function counterAdd(a: Counter, b: Counter): Counter {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a + b;
    if (Number.isSafeInteger(r)) return r;
  }
  return toCounter(BigInt(a) + BigInt(b));
}

/** a - b with long long wrap-around. */
export function counterSub(a: Counter, b: Counter): Counter {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a - b;
    if (Number.isSafeInteger(r)) return r;
  }
  return toCounter(BigInt(a) - BigInt(b));
}

/** The stream counters the entries-read and lag rules look at. */
export interface StreamCounters {
  readonly length: number;
  /** entries-added as Redis's long long (exact past 2^53). */
  entriesAddedExact(): Counter;
  readonly lastId: StreamId;
  /** recorded first entry ID (0-0 when empty). */
  readonly firstId: StreamId;
  readonly maxDeletedId: StreamId;
}

const MAX_U32 = 0xffffffff;

/**
 * streamRangeHasTombstones(): whether an entry deleted from the middle of
 * the stream could lie in [start, end] (end null = to the maximum ID).
 */
export function rangeHasTombstones(s: StreamCounters, start: StreamId | null, end: StreamId | null): boolean {
  if (s.length === 0 || isZeroId(s.maxDeletedId)) return false;
  if (compareIds(s.firstId, s.maxDeletedId) > 0) return false;
  const from = start ?? ZERO_ID;
  if (compareIds(from, s.maxDeletedId) > 0) return false;
  if (end === null) return true;
  if (end.msHi === MAX_U32 && end.msLo === MAX_U32 && end.seqHi === MAX_U32 && end.seqLo === MAX_U32) return true;
  return compareIds(s.maxDeletedId, end) <= 0;
}

/**
 * streamEstimateDistanceFromFirstEverEntry(): the logical read counter of
 * `id` (how many entries were ever added up to it), or -1 when it cannot
 * be known.
 */
export function estimateEntriesRead(s: StreamCounters, id: StreamId): Counter {
  const added = s.entriesAddedExact();
  if (added === 0) return 0;
  if (s.length === 0 && compareIds(id, s.lastId) < 1) return added;
  const cmpLast = compareIds(id, s.lastId);
  if (cmpLast === 0) return added;
  if (cmpLast > 0) return INVALID_ENTRIES_READ;
  const cmpFirst = compareIds(id, s.firstId);
  if (isZeroId(s.maxDeletedId) || compareIds(s.maxDeletedId, s.firstId) < 0) {
    if (cmpFirst < 0) return counterSub(added, s.length);
    if (cmpFirst === 0) return counterSub(added, s.length - 1);
  }
  return INVALID_ENTRIES_READ;
}

/** streamReplyWithCGLag()'s value: the group's lag, or null when unknown. */
export function groupLag(s: StreamCounters, g: ConsumerGroup): Counter | null {
  const added = s.entriesAddedExact();
  if (added === 0) return 0;
  if (g.entriesRead !== INVALID_ENTRIES_READ && !rangeHasTombstones(s, g.lastId, null)) {
    return counterSub(added, g.entriesRead);
  }
  const read = estimateEntriesRead(s, g.lastId);
  return read === INVALID_ENTRIES_READ ? null : counterSub(added, read);
}

/**
 * The group delivered `id` (past its last ID) with ">": advance lastId and
 * the entries-read counter as streamReplyWithRange() does.
 */
export function advanceGroup(s: StreamCounters, g: ConsumerGroup, id: StreamId): void {
  if (g.entriesRead !== INVALID_ENTRIES_READ && !rangeHasTombstones(s, id, null)) g.entriesRead = counterAdd(g.entriesRead, 1);
  else if (s.entriesAddedExact() !== 0) g.entriesRead = estimateEntriesRead(s, id);
  g.lastId = id;
}
