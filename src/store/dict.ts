/**
 * The keyspace's dictionary: string keys to values, with Redis's 24-bit
 * access word (store/lfu.ts) beside every value.
 *
 * A key maps to a slot number; the slot holds the value and the key (JS
 * arrays) and the access word (an Int32Array). A per-key word in a second
 * Map would cost a whole Map entry (about 40 bytes); here it costs 4 bytes,
 * plus 8 for the value's slot and 8 for the key's, which lets eviction
 * sample keys at random (a Map can only be walked in insertion order, which
 * is also the order of age). Overwriting a key's value touches the slot
 * only, not the Map. Freed slots are reused.
 *
 * V8's Map holds at most 2^24 entries: keys live in the first Map until it
 * is nearly full, then spill into the next one (a key is in one Map only).
 * With one Map (the common case) every operation is a single Map operation.
 */
const SHARD_LIMIT = 16_000_000;

export class Dict<V> {
  private shards: Map<string, number>[] = [new Map()];
  private last: Map<string, number> = this.shards[0];
  private values: (V | undefined)[] = [];
  private names: (string | undefined)[] = [];
  private words = new Int32Array(64);
  private free: number[] = [];
  /** Changes whenever clear() replaces the maps: walks begun before then must start again. */
  epoch = 0;

  get size(): number {
    if (this.shards.length === 1) return this.last.size;
    let n = 0;
    for (const m of this.shards) n += m.size;
    return n;
  }

  /** The key's slot, -1 when it is absent. */
  slot(key: string): number {
    if (this.shards.length === 1) {
      const s = this.last.get(key);
      return s === undefined ? -1 : s;
    }
    for (const m of this.shards) {
      const s = m.get(key);
      if (s !== undefined) return s;
    }
    return -1;
  }

  /** The value in a slot slot() returned. */
  at(slot: number): V {
    return this.values[slot] as V;
  }

  /** Replace the value of a present key by its slot (the access word stays). */
  setAt(slot: number, value: V): void {
    this.values[slot] = value;
  }

  /** The key in a slot. */
  keyAt(slot: number): string {
    return this.names[slot] as string;
  }

  /**
   * A slot in use chosen at random (dictGetRandomKey), -1 when the dict is
   * empty or nearly all slots are free (then a walk samples instead).
   */
  randomSlot(): number {
    const n = this.values.length;
    if (n === 0 || this.free.length === n) return -1;
    for (let tries = 0; tries < 32; tries++) {
      const s = Math.floor(Math.random() * n);
      if (this.names[s] !== undefined) return s;
    }
    return -1;
  }

  word(slot: number): number {
    return this.words[slot];
  }

  setWord(slot: number, word: number): void {
    this.words[slot] = word;
  }

  get(key: string): V | undefined {
    const s = this.shards.length === 1 ? this.last.get(key) : this.slotOfSharded(key);
    return s === undefined ? undefined : (this.values[s] as V);
  }

  has(key: string): boolean {
    if (this.shards.length === 1) return this.last.has(key);
    for (const m of this.shards) if (m.has(key)) return true;
    return false;
  }

  /** Set the value of key; a new key gets `word` as its access word. Returns the slot. */
  set(key: string, value: V, word = 0): number {
    const s = this.slot(key);
    if (s >= 0) {
      this.values[s] = value;
      return s;
    }
    return this.add(key, value, word);
  }

  /** Add a key known to be absent. Returns its slot. */
  add(key: string, value: V, word = 0): number {
    let s: number;
    if (this.free.length !== 0) {
      s = this.free.pop()!;
      this.values[s] = value;
      this.names[s] = key;
    } else {
      s = this.values.length;
      this.values.push(value);
      this.names.push(key);
      if (s === this.words.length) this.growWords();
    }
    this.words[s] = word;
    if (this.last.size >= SHARD_LIMIT) {
      this.last = new Map();
      this.shards.push(this.last);
    }
    this.last.set(key, s);
    return s;
  }

  delete(key: string): boolean {
    if (this.shards.length === 1) {
      const s = this.last.get(key);
      if (s === undefined) return false;
      this.last.delete(key);
      this.release(s);
      return true;
    }
    for (let i = 0; i < this.shards.length; i++) {
      const m = this.shards[i];
      const s = m.get(key);
      if (s === undefined) continue;
      m.delete(key);
      this.release(s);
      if (m.size === 0 && m !== this.last) this.shards.splice(i, 1);
      return true;
    }
    return false;
  }

  clear(): void {
    this.epoch++;
    this.shards = [new Map()];
    this.last = this.shards[0];
    this.values = [];
    this.names = [];
    this.words = new Int32Array(64);
    this.free = [];
  }

  /** A live walk, one entry at a time (a snapshot reading values in step with its frozen keys). */
  cursor(): DictCursor<V> {
    return new DictCursor(this.shards.slice(), this.values);
  }

  /** Live iteration: entries present for the whole walk are visited once. */
  *entries(): IterableIterator<[string, V]> {
    for (const m of this.shards.slice()) for (const [k, s] of m) yield [k, this.values[s] as V];
  }

  /** Every entry, without an array per entry (a snapshot freezing a million keys). */
  forEach(fn: (value: V, key: string) => void): void {
    const values = this.values;
    for (const m of this.shards.slice()) m.forEach((s, k) => fn(values[s] as V, k));
  }

  *keys(): IterableIterator<string> {
    for (const m of this.shards.slice()) yield* m.keys();
  }

  private slotOfSharded(key: string): number | undefined {
    for (const m of this.shards) {
      const s = m.get(key);
      if (s !== undefined) return s;
    }
    return undefined;
  }

  private release(slot: number): void {
    this.values[slot] = undefined;
    this.names[slot] = undefined;
    this.free.push(slot);
  }

  private growWords(): void {
    const w = new Int32Array(this.words.length * 2);
    w.set(this.words);
    this.words = w;
  }
}

/**
 * Walks a dict's maps in order while they change, as Map iteration does:
 * entries deleted before their turn are skipped, entries added meanwhile
 * come after those that were there at the start.
 */
export class DictCursor<V> {
  private i = 0;
  private it: Iterator<[string, number]> | null;
  /** The value of the key next() returned last. */
  value: V | undefined = undefined;

  constructor(
    private readonly maps: Map<string, number>[],
    private readonly values: (V | undefined)[],
  ) {
    this.it = maps.length > 0 ? maps[0].entries() : null;
  }

  /** The next key (its value in `value`), undefined once every map is walked. */
  next(): string | undefined {
    while (this.it !== null) {
      const r = this.it.next();
      if (r.done !== true) {
        this.value = this.values[r.value[1]];
        return r.value[0];
      }
      this.it = ++this.i < this.maps.length ? this.maps[this.i].entries() : null;
    }
    return undefined;
  }
}
