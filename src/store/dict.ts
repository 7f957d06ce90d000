/**
 * A string-keyed dictionary without V8's per-Map limit of 2^24 entries.
 *
 * Entries live in the first Map until it is nearly full, then spill into the
 * next one; a key is in at most one shard. With one shard (the common case)
 * every operation is a single Map operation.
 */
const SHARD_LIMIT = 16_000_000;

export class Dict<V> {
  private shards: Map<string, V>[] = [new Map()];
  private last: Map<string, V> = this.shards[0];

  get size(): number {
    if (this.shards.length === 1) return this.last.size;
    let n = 0;
    for (const m of this.shards) n += m.size;
    return n;
  }

  get(key: string): V | undefined {
    if (this.shards.length === 1) return this.last.get(key);
    for (const m of this.shards) {
      const v = m.get(key);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  has(key: string): boolean {
    if (this.shards.length === 1) return this.last.has(key);
    for (const m of this.shards) if (m.has(key)) return true;
    return false;
  }

  set(key: string, value: V): void {
    // common case: one shard with room, a single Map operation
    if (this.shards.length === 1 && this.last.size < SHARD_LIMIT) {
      this.last.set(key, value);
      return;
    }
    if (this.shards.length > 1) {
      for (const m of this.shards) {
        if (m.has(key)) {
          m.set(key, value);
          return;
        }
      }
    } else if (this.last.has(key)) {
      this.last.set(key, value);
      return;
    }
    if (this.last.size >= SHARD_LIMIT) {
      this.last = new Map();
      this.shards.push(this.last);
    }
    this.last.set(key, value);
  }

  delete(key: string): boolean {
    if (this.shards.length === 1) return this.last.delete(key);
    for (let i = 0; i < this.shards.length; i++) {
      const m = this.shards[i];
      if (m.delete(key)) {
        if (m.size === 0 && m !== this.last) this.shards.splice(i, 1);
        return true;
      }
    }
    return false;
  }

  clear(): void {
    this.shards = [new Map()];
    this.last = this.shards[0];
  }

  /** A live walk, one entry at a time (a snapshot reading values in step with its frozen keys). */
  cursor(): DictCursor<V> {
    return new DictCursor(this.shards.slice());
  }

  /** Live iteration: entries present for the whole walk are visited once. */
  *entries(): IterableIterator<[string, V]> {
    for (const m of this.shards.slice()) yield* m.entries();
  }

  /** Every entry, without an array per entry (a snapshot freezing a million keys). */
  forEach(fn: (value: V, key: string) => void): void {
    for (const m of this.shards.slice()) m.forEach(fn);
  }

  *keys(): IterableIterator<string> {
    for (const m of this.shards.slice()) yield* m.keys();
  }
}

/**
 * Walks a dict's maps in order while they change, as Map iteration does:
 * entries deleted before their turn are skipped, entries added meanwhile
 * come after those that were there at the start.
 */
export class DictCursor<V> {
  private i = 0;
  private it: Iterator<[string, V]> | null;
  /** The value of the key next() returned last. */
  value: V | undefined = undefined;

  constructor(private readonly maps: Map<string, V>[]) {
    this.it = maps.length > 0 ? maps[0].entries() : null;
  }

  /** The next key (its value in `value`), undefined once every map is walked. */
  next(): string | undefined {
    while (this.it !== null) {
      const r = this.it.next();
      if (r.done !== true) {
        this.value = r.value[1];
        return r.value[0];
      }
      this.it = ++this.i < this.maps.length ? this.maps[this.i].entries() : null;
    }
    return undefined;
  }
}
