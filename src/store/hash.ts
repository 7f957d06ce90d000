/**
 * Hash values (t_hash.c's data side; no RESP here).
 *
 * Two encodings, as in Redis, converted one way only:
 *  - listpack: a flat array [f0, v0, f1, v1, ...] in insertion order, sized
 *    exactly (no spare capacity). Lookups are linear like Redis's listpack;
 *    it is also Redis's reply order. A small hash costs its wrapper and one
 *    array, less than half of what a Map costs, which matters for many
 *    small hashes.
 *  - hashtable: a Map (fields in insertion order, standing in for Redis's
 *    hash order), plus what random sampling and HSCAN cursors need, made
 *    only when first used.
 * The caller passes the limits (hash-max-listpack-entries/-value); the value
 * converts when a field or value longer than the value limit is written, or
 * when it grows past the entries limit.
 */
import { StoredObject } from './value';
import { LiveCursors } from './scan';

/** Redis's defaults, for an embedded server without a config table. */
export const DEFAULT_MAX_LISTPACK_ENTRIES = 512;
export const DEFAULT_MAX_LISTPACK_VALUE = 64;

/** The hashtable encoding's state. */
export class HashTable {
  /**
   * Fields for O(1) random picks: every live field, plus fields deleted
   * since it was built (skipped when picked) and re-added ones (listed
   * twice); rebuilt when `stale` grows past a quarter of it.
   */
  sample: string[] | null = null;
  /** Deletions since `sample` was built. */
  stale = 0;
  /** HSCAN's live cursors. */
  cursors: LiveCursors<string> | null = null;

  constructor(readonly m: Map<string, string>) {}
}

export class HashValue extends StoredObject {
  /** listpack: [f0, v0, f1, v1, ...]; hashtable: a HashTable. */
  d: string[] | HashTable;

  constructor(d: string[] | HashTable = []) {
    super();
    this.d = d;
  }

  get type(): 'hash' {
    return 'hash';
  }

  encoding(): string {
    return this.d instanceof HashTable ? 'hashtable' : 'listpack';
  }

  /** Number of fields. */
  get size(): number {
    const d = this.d;
    return d instanceof HashTable ? d.m.size : d.length >> 1;
  }

  get(field: string): string | undefined {
    const d = this.d;
    if (d instanceof HashTable) return d.m.get(field);
    for (let i = 0; i < d.length; i += 2) if (d[i] === field) return d[i + 1];
    return undefined;
  }

  has(field: string): boolean {
    const d = this.d;
    if (d instanceof HashTable) return d.m.has(field);
    for (let i = 0; i < d.length; i += 2) if (d[i] === field) return true;
    return false;
  }

  /**
   * hashTypeSet(): set a field, converting to hashtable first when the field
   * or value is longer than `maxValue`, and after inserting when the hash
   * has more than `maxEntries` fields. Returns true when the field is new.
   */
  set(field: string, value: string, maxEntries: number, maxValue: number): boolean {
    let d = this.d;
    if (!(d instanceof HashTable)) {
      if (field.length > maxValue || value.length > maxValue) {
        d = this.toHashtable();
      } else {
        const n = d.length;
        for (let i = 0; i < n; i += 2) {
          if (d[i] === field) {
            d[i + 1] = value;
            // Redis checks the length after an update too (the limit may have been lowered).
            if (n >> 1 > maxEntries) this.toHashtable();
            return false;
          }
        }
        const a: string[] = new Array(n + 2);
        for (let i = 0; i < n; i++) a[i] = d[i];
        a[n] = shareField(field);
        a[n + 1] = value;
        this.d = a;
        if (a.length >> 1 > maxEntries) this.toHashtable();
        return true;
      }
    }
    const m = d.m;
    const before = m.size;
    m.set(field, value);
    if (m.size === before) return false;
    if (d.sample !== null) d.sample.push(field);
    return true;
  }

  /** Remove a field. Returns whether it existed. */
  delete(field: string): boolean {
    const d = this.d;
    if (d instanceof HashTable) {
      if (!d.m.delete(field)) return false;
      if (d.sample !== null) {
        if (d.m.size === 0) d.sample = null;
        else d.stale++;
      }
      return true;
    }
    const n = d.length;
    for (let i = 0; i < n; i += 2) {
      if (d[i] === field) {
        const a: string[] = new Array(n - 2);
        for (let j = 0; j < i; j++) a[j] = d[j];
        for (let j = i + 2; j < n; j++) a[j - 2] = d[j];
        this.d = a;
        return true;
      }
    }
    return false;
  }

  /** hashTypeConvert(): one way, keeping the order. */
  toHashtable(): HashTable {
    const d = this.d;
    if (d instanceof HashTable) return d;
    const m = new Map<string, string>();
    for (let i = 0; i < d.length; i += 2) m.set(d[i], d[i + 1]);
    const t = new HashTable(m);
    this.d = t;
    return t;
  }

  /** Every field and value, in reply order. */
  forEach(fn: (field: string, value: string) => void): void {
    const d = this.d;
    if (d instanceof HashTable) {
      for (const [f, v] of d.m) fn(f, v);
    } else {
      for (let i = 0; i < d.length; i += 2) fn(d[i], d[i + 1]);
    }
  }

  /** hashTypeDup(): a deep copy with the same encoding (COPY). */
  dup(): HashValue {
    const d = this.d;
    return new HashValue(d instanceof HashTable ? new HashTable(new Map(d.m)) : d.slice());
  }

  // ---- random fields (HRANDFIELD) -----------------------------------------

  /** A random field and its value into pair[0], pair[1]. The hash must not be empty. */
  randomEntry(pair: string[]): void {
    const d = this.d;
    if (d instanceof HashTable) {
      const f = randomTableField(d);
      pair[0] = f;
      pair[1] = d.m.get(f)!;
    } else {
      const i = Math.floor(Math.random() * (d.length >> 1)) << 1;
      pair[0] = d[i];
      pair[1] = d[i + 1];
    }
  }

  /**
   * `count` distinct random fields (0 < count < size), flat [f, v, ...].
   * Listpack: in listpack order, like lpRandomPairsUnique(). Hashtable: a
   * large share of the hash comes in hash order (Redis copies the hash and
   * deletes random fields), a small one in pick order.
   */
  randomDistinct(count: number): string[] {
    const d = this.d;
    const size = this.size;
    const out: string[] = [];
    if (d instanceof HashTable && count * 3 <= size) {
      const seen = new Set<string>();
      while (seen.size < count) {
        const f = randomTableField(d);
        if (seen.has(f)) continue;
        seen.add(f);
        out.push(f, d.m.get(f)!);
      }
      return out;
    }
    // Selection sampling (Knuth's algorithm S): each subset equally likely,
    // in walk order.
    let need = count;
    let left = size;
    const take = (f: string, v: string): void => {
      if (need > 0 && Math.random() * left < need) {
        out.push(f, v);
        need--;
      }
      left--;
    };
    if (d instanceof HashTable) {
      for (const [f, v] of d.m) {
        take(f, v);
        if (need === 0) break;
      }
    } else {
      for (let i = 0; i < d.length && need > 0; i += 2) take(d[i], d[i + 1]);
    }
    return out;
  }

  // ---- HSCAN --------------------------------------------------------------

  /**
   * One HSCAN step: fields and values as flat [f, v, ...] into `out`;
   * returns the next cursor. A listpack is returned whole with cursor 0
   * whatever the cursor, as Redis does; a hashtable is walked by live
   * cursors (see LiveCursors), `count` fields at a time.
   */
  scan(cursor: bigint, count: number, out: string[]): number {
    const d = this.d;
    if (!(d instanceof HashTable)) {
      for (let i = 0; i < d.length; i++) out.push(d[i]);
      return 0;
    }
    const fields: string[] = [];
    const next = (d.cursors ??= new LiveCursors<string>()).step(d.m, cursor, count, fields);
    for (let i = 0; i < fields.length; i++) out.push(fields[i], d.m.get(fields[i])!);
    return next;
  }
}

/**
 * Many small hashes usually have the same few field names ("name", "id"...):
 * keep one copy of each recently seen short field name and store that in
 * listpacks, instead of each command's own copy. Bounded: the table starts
 * over when full (strings already stored stay shared).
 */
const SHARED_FIELD_MAX_LEN = 32;
const SHARED_FIELDS_MAX = 4096;
let sharedFields = new Map<string, string>();

function shareField(f: string): string {
  if (f.length > SHARED_FIELD_MAX_LEN) return f;
  const s = sharedFields.get(f);
  if (s !== undefined) return s;
  if (sharedFields.size >= SHARED_FIELDS_MAX) sharedFields = new Map();
  sharedFields.set(f, f);
  return f;
}

/**
 * Whether listpacks storing the field name `f` now share one copy of it
 * (memory estimates). Strings have no identity test in JS: a name still in
 * the table is taken as shared, which is exact until the table starts over.
 */
export function isSharedField(f: string): boolean {
  return f.length <= SHARED_FIELD_MAX_LEN && sharedFields.has(f);
}

/** A uniformly random field of a non-empty hashtable (see HashTable.sample). */
function randomTableField(t: HashTable): string {
  const m = t.m;
  let s = t.sample;
  if (s === null || t.stale * 4 > s.length) {
    s = t.sample = Array.from(m.keys());
    t.stale = 0;
  }
  for (;;) {
    const f = s[Math.floor(Math.random() * s.length)];
    if (m.has(f)) return f;
  }
}
