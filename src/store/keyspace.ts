/**
 * The keyspace: numbered databases, each a dict of values plus a dict of
 * expire times, and the write path every mutation goes through.
 *
 * Commands never touch the maps directly: reads go through lookup*() (which
 * applies lazy expiry), writes through setKey()/add()/delete() followed by
 * written(), which marks the key modified (WATCH, tracking), fires the
 * keyspace event and counts the change as dirty.
 */
import { clock } from '../server/clock';
import { Dict } from './dict';
import { ByteString, OwnString, SHARED_INTEGERS, Value, sharedIntOf, stringOf, typeOf, TypeName } from './value';
import { lfuAccess, lfuNewWord, lruClock } from './lfu';
import { keyBytes, valueBytes } from '../memory/estimate';
import * as N from '../config/notify';

/**
 * Keyspace notification classes (the letters of notify-keyspace-events);
 * the bit values are defined once, with the config parser that reads them.
 */
export const Notify = {
  keyspace: N.NOTIFY_KEYSPACE,
  keyevent: N.NOTIFY_KEYEVENT,
  generic: N.NOTIFY_GENERIC,
  string: N.NOTIFY_STRING,
  list: N.NOTIFY_LIST,
  set: N.NOTIFY_SET,
  hash: N.NOTIFY_HASH,
  zset: N.NOTIFY_ZSET,
  expired: N.NOTIFY_EXPIRED,
  evicted: N.NOTIFY_EVICTED,
  stream: N.NOTIFY_STREAM,
  keyMiss: N.NOTIFY_KEY_MISS,
  loaded: N.NOTIFY_LOADED,
  module: N.NOTIFY_MODULE,
  newKey: N.NOTIFY_NEW,
} as const;

export interface KeyspaceHooks {
  /** A key's value changed (WATCH invalidation, client tracking); `byClient` false for expiry and eviction. */
  keyModified(db: Db, key: string, byClient?: boolean): void;
  /** FLUSHDB / FLUSHALL emptied dbs (once per command: tracking's null invalidation). */
  dbsFlushed(): void;
  /** A db is about to be emptied (FLUSHDB/FLUSHALL) or swapped with `replacedWith` (SWAPDB). */
  dbReplaced(emptied: Db, replacedWith: Db | null): void;
  /** Whether notify-keyspace-events selects this class (cheap pre-check). */
  notifyEnabled(cls: number): boolean;
  /** Keyspace event; the hook checks notify-keyspace-events. */
  notify(cls: number, event: string, key: string, dbid: number): void;
  /** A key was removed because it expired: propagate DEL/UNLINK. */
  expiredKey(db: Db, key: string): void;
  /** Replicas don't expire keys themselves; they wait for the master's DEL. */
  expireAllowed(): boolean;
  /** False while active expiry is switched off (DEBUG SET-ACTIVE-EXPIRE 0). */
  activeExpireEnabled?: boolean;
}

/**
 * Sees every key before it changes (persistence/snapshot.ts: a save in
 * progress copies the old value of a key it has not written yet).
 */
export interface WriteObserver {
  beforeWrite(db: Db, key: string): void;
  /** db is about to be emptied: true when the observer keeps its dict and expires (the db then starts new ones). */
  takeOver(db: Db): boolean;
}

export interface KeyspaceStats {
  hits: number;
  misses: number;
  expiredKeys: number;
  evictedKeys: number;
  expiredStalePerc: number;
  expireCycleCpuMs: number;
}

/** A value's accounted bytes: strings from their length, objects as last estimated (kept on the object). */
function bytesOf(v: Value): number {
  return typeof v === 'string' ? valueBytes(v) : v.accounted;
}

export class Db {
  dict = new Dict<Value>();
  expires = new Map<string, number>();
  /** Accounted bytes of this db's keys and values (memory/estimate.ts). */
  bytes = 0;
  /**
   * The key last looked up or stored, and its slot in the dict: written()
   * finds the value it re-measures without hashing the key again. Cleared
   * whenever a slot may be freed.
   */
  private lastKey: string | null = null;
  private lastSlot = -1;
  /**
   * Expire times past 2^53 ms (Redis keeps any long long), exactly: `expires`
   * holds them rounded to a double, which is enough to compare with the
   * clock but not to reply PEXPIRETIME or propagate them. Null until used.
   */
  private exactExpires: Map<string, bigint> | null = null;
  /** Resumable walk over expires for the active expiry cycle. */
  expireCursor: IterableIterator<[string, number]> | null = null;
  /** Resumable walk over keys for RANDOMKEY (reset when the dict is replaced). */
  private randomCursor: IterableIterator<string> | null = null;
  avgTtl = 0;

  constructor(
    public id: number,
    public readonly ks: Keyspace,
  ) {}

  get size(): number {
    return this.dict.size;
  }

  /** Before key changes: a running snapshot copies what it has not saved yet. Callers test ks.observers.length first. */
  beforeWrite(key: string): void {
    for (const o of this.ks.observers) o.beforeWrite(this, key);
  }

  /** True when the key has an expire in the past (and so is logically gone). */
  isExpired(key: string): boolean {
    if (this.expires.size === 0) return false;
    const when = this.expires.get(key);
    // nothing expires while the AOF loads (keyIsExpired): later commands of the file may use the key
    return when !== undefined && when <= clock.ms && !this.ks.loading;
  }

  /** Remove the key if it is logically expired. Returns true if expired. */
  expireIfNeeded(key: string): boolean {
    if (!this.isExpired(key)) return false;
    if (!this.ks.hooks.expireAllowed()) return true;
    this.deleteExpired(key);
    return true;
  }

  deleteExpired(key: string): void {
    if (this.ks.observers.length !== 0) this.beforeWrite(key);
    this.removeEntry(key);
    this.expires.delete(key);
    if (this.exactExpires !== null) this.exactExpires.delete(key);
    if (this.ks.blockedKeyCount !== 0) this.ks.keyReady!(this, key);
    this.ks.stats.expiredKeys++;
    this.ks.hooks.notify(Notify.expired, 'expired', key, this.id);
    this.ks.hooks.expiredKey(this, key);
    this.ks.hooks.keyModified(this, key, false);
  }

  /**
   * Lookup for writes (lookupKeyWrite): no stats; counts as an access of the
   * key (its LFU counter) like Redis's.
   */
  lookup(key: string): Value | undefined {
    if (this.ks.observers.length !== 0) this.beforeWrite(key);
    if (this.expires.size !== 0 && this.expireIfNeeded(key)) return undefined;
    const s = this.dict.slot(key);
    if (s < 0) return undefined;
    const v = this.dict.at(s);
    this.lastKey = key;
    this.lastSlot = s;
    this.touch(s, v);
    return v;
  }

  /** Lookup for read commands: counts keyspace hits and misses, and the access. */
  lookupRead(key: string): Value | undefined {
    if (this.ks.observers.length !== 0 && this.ks.inWriteCommand) this.beforeWrite(key);
    const s = this.expires.size !== 0 && this.expireIfNeeded(key) ? -1 : this.dict.slot(key);
    if (s < 0) {
      this.ks.stats.misses++;
      this.ks.hooks.notify(Notify.keyMiss, 'keymiss', key, this.id);
      return undefined;
    }
    this.ks.stats.hits++;
    const v = this.dict.at(s);
    this.lastKey = key;
    this.lastSlot = s;
    this.touch(s, v);
    return v;
  }

  /**
   * lookupKeyReadWithFlags(LOOKUP_NOTOUCH): hits and misses counted, the
   * access not (EXISTS, TYPE, the TTL family, OBJECT).
   */
  lookupReadNoTouch(key: string): Value | undefined {
    // write commands that read first (XREADGROUP, XCLAIM...) change what they read
    if (this.ks.observers.length !== 0 && this.ks.inWriteCommand) this.beforeWrite(key);
    const v = this.expires.size !== 0 && this.expireIfNeeded(key) ? undefined : this.dict.get(key);
    if (v === undefined) {
      this.ks.stats.misses++;
      this.ks.hooks.notify(Notify.keyMiss, 'keymiss', key, this.id);
    } else this.ks.stats.hits++;
    return v;
  }

  /** A write access to key before it is replaced (lookupKeyWrite's expiry and access). */
  accessForWrite(key: string): void {
    this.lookup(key);
  }

  /** The access word of key holding v (OBJECT FREQ, DEBUG OBJECT). */
  accessWord(key: string, v: Value): number {
    const n = sharedIntOf(v);
    if (n >= 0) return this.ks.sharedWords[n];
    const s = this.dict.slot(key);
    return s < 0 ? this.ks.newWord() : this.dict.word(s);
  }

  /** The access word of the key in a dict slot (eviction's sampling). */
  accessWordAt(slot: number): number {
    const n = sharedIntOf(this.dict.at(slot));
    return n >= 0 ? this.ks.sharedWords[n] : this.dict.word(slot);
  }

  /** Set the access word of a present key (RESTORE IDLETIME/FREQ, loading IDLE/FREQ). */
  setAccessWord(key: string, v: Value, word: number): void {
    const n = sharedIntOf(v);
    if (n >= 0) {
      this.ks.sharedWords[n] = word;
      return;
    }
    const s = this.dict.slot(key);
    if (s >= 0) this.dict.setWord(s, word);
  }

  /** lookupKey()'s access: updateLFU() under an LFU policy, else the LRU clock. */
  private touch(s: number, v: Value): void {
    const ks = this.ks;
    const n = sharedIntOf(v);
    if (ks.lfuPolicy) {
      if (n >= 0) ks.sharedWords[n] = lfuAccess(ks.sharedWords[n], clock.ms, ks.lfuDecayTime, ks.lfuLogFactor);
      else this.dict.setWord(s, lfuAccess(this.dict.word(s), clock.ms, ks.lfuDecayTime, ks.lfuLogFactor));
    } else if (n >= 0) ks.sharedWords[n] = lruClock(clock.ms);
    else this.dict.setWord(s, lruClock(clock.ms));
  }

  /**
   * Store value at key (add or replace) with its access word and accounted
   * bytes. A new key gets a new object's word; an existing one keeps its word
   * under an LFU policy (dbOverwrite copies old->lru), else a fresh LRU clock.
   * A shared integer has its own word, which an overwrite under LFU replaces
   * too. Returns whether the key was added.
   */
  private store(key: string, value: Value): boolean {
    const ks = this.ks;
    const d = this.dict;
    const s = d.slot(key);
    const nb = typeof value === 'string' ? valueBytes(value) : (value.accounted = valueBytes(value));
    if (s < 0) {
      this.lastKey = key;
      this.lastSlot = d.add(key, value, ks.newWord());
      this.bytes += keyBytes(key) + nb;
      return true;
    }
    const old = d.at(s);
    this.bytes += nb - bytesOf(old);
    d.setAt(s, value);
    this.lastKey = key;
    this.lastSlot = s;
    if (ks.lfuPolicy) {
      const n = sharedIntOf(value);
      if (n >= 0) ks.sharedWords[n] = this.wordAt(s, old);
      else {
        const o = sharedIntOf(old);
        if (o >= 0) d.setWord(s, ks.sharedWords[o]);
      }
    } else d.setWord(s, lruClock(clock.ms));
    return false;
  }

  private wordAt(s: number, v: Value): number {
    const n = sharedIntOf(v);
    return n >= 0 ? this.ks.sharedWords[n] : this.dict.word(s);
  }

  /** Remove key's entry and its accounted bytes; false when absent. */
  private removeEntry(key: string): boolean {
    const d = this.dict;
    const s = d.slot(key);
    if (s < 0) return false;
    this.bytes -= keyBytes(key) + bytesOf(d.at(s));
    d.delete(key);
    this.lastKey = null;
    return true;
  }

  /** Sharing off: a shared-range integer gets its own object (refcount 1), as tryObjectEncoding() does. */
  private own(value: Value): Value {
    return sharedIntOf(value) >= 0 ? new OwnString(value as string) : value;
  }

  /** The value of key, expiring it if stale: no stats, not an access (DEBUG OBJECT, OBJECT). */
  peek(key: string): Value | undefined {
    if (this.expires.size !== 0 && this.expireIfNeeded(key)) return undefined;
    return this.dict.get(key);
  }

  /** dbExists(): no stats, not an access. */
  exists(key: string): boolean {
    if (this.expires.size !== 0 && this.expireIfNeeded(key)) return false;
    return this.dict.has(key);
  }

  /**
   * Store a value (add or overwrite). Clears the TTL unless keepTtl. Adding a
   * key fires the "new" event here, once, as Redis's dbAdd does; the lookup
   * needed to tell only happens when someone listens for it.
   */
  setKey(key: string, value: Value, keepTtl = false): void {
    if (this.ks.observers.length !== 0) this.beforeWrite(key);
    if (this.ks.noSharedIntegers) value = this.own(value);
    this.put(key, value, keepTtl);
  }

  /** A key read from a dump being loaded into this (empty) db: no events, no checks. */
  loadKey(key: string, value: Value, expireMs: number): void {
    this.store(key, value);
    if (expireMs !== -1) this.setExpire(key, expireMs);
  }

  /**
   * Store an existing object under key, as it is (RENAME, MOVE: no new
   * object, so no re-encoding), with the access word srcKey had in src.
   */
  setKeyMoved(key: string, value: Value, src: Db, srcKey: string): void {
    if (this.ks.observers.length !== 0) this.beforeWrite(key);
    const s = src.dict.slot(srcKey);
    const word = s < 0 ? this.ks.newWord() : src.dict.word(s);
    this.put(key, value, false);
    const t = this.dict.slot(key);
    if (t >= 0) this.dict.setWord(t, word);
  }

  private put(key: string, value: Value, keepTtl: boolean): void {
    if (this.store(key, value) && this.ks.hooks.notifyEnabled(Notify.newKey)) this.ks.hooks.notify(Notify.newKey, 'new', key, this.id);
    if (!keepTtl && this.expires.size !== 0 && this.expires.delete(key) && this.exactExpires !== null) this.exactExpires.delete(key);
    if (this.ks.blockedKeyCount !== 0) this.ks.keyReady!(this, key);
  }

  /** Replace the value of an existing key, keeping its TTL. */
  overwrite(key: string, value: Value): void {
    if (this.ks.observers.length !== 0) this.beforeWrite(key);
    if (this.ks.noSharedIntegers) value = this.own(value);
    this.store(key, value);
    if (this.ks.blockedKeyCount !== 0) this.ks.keyReady!(this, key);
  }

  /**
   * The string value `v` of key as mutable bytes, for an in-place edit
   * (SETBIT, SETRANGE, PFADD...): the value itself when it already is a
   * ByteString, otherwise its bytes (with room for `capacity`) stored in its
   * place, once. The caller checked that v is a string.
   */
  editableBytes(key: string, v: Value, capacity = 0): ByteString {
    if (this.ks.observers.length !== 0) this.beforeWrite(key);
    if (v instanceof ByteString) return v;
    const bs = ByteString.fromString(stringOf(v)!, capacity);
    this.overwrite(key, bs);
    return bs;
  }

  /** Delete a key (and its TTL). Returns whether it existed. */
  delete(key: string): boolean {
    if (this.ks.observers.length !== 0) this.beforeWrite(key);
    if (this.expires.size !== 0) {
      this.expireIfNeeded(key);
      if (this.expires.delete(key) && this.exactExpires !== null) this.exactExpires.delete(key);
    }
    if (!this.removeEntry(key)) return false;
    // waiters that end when their key goes away (XREADGROUP) must hear of it
    if (this.ks.blockedKeyCount !== 0) this.ks.keyReady!(this, key);
    return true;
  }

  /** Set the key's expire time (Unix ms); a bigint only where it may be past 2^53. */
  setExpire(key: string, whenMs: number | bigint): void {
    if (this.ks.observers.length !== 0) this.beforeWrite(key);
    if (typeof whenMs === 'bigint') {
      const rounded = Number(whenMs);
      if (!Number.isSafeInteger(rounded)) {
        this.expires.set(key, rounded);
        (this.exactExpires ??= new Map()).set(key, whenMs);
        return;
      }
      whenMs = rounded;
    }
    this.expires.set(key, whenMs);
    if (this.exactExpires !== null) this.exactExpires.delete(key);
  }

  /** The key's expire time in ms (-1: none), rounded to a double past 2^53: for comparisons. */
  getExpire(key: string): number {
    const e = this.expires.get(key);
    return e === undefined ? -1 : e;
  }

  /** The key's expire time exactly (a bigint only past 2^53), -1 for none: for replies and copies. */
  getExpireExact(key: string): number | bigint {
    const e = this.expires.get(key);
    if (e === undefined) return -1;
    return Number.isSafeInteger(e) ? e : (this.exactExpires?.get(key) ?? e);
  }

  removeExpire(key: string): boolean {
    if (this.ks.observers.length !== 0) this.beforeWrite(key);
    if (!this.expires.delete(key)) return false;
    if (this.exactExpires !== null) this.exactExpires.delete(key);
    return true;
  }

  /**
   * The write path: after any mutation of `key`, mark it modified, emit the
   * event and count it dirty. Deterministic propagation is the caller's.
   */
  written(key: string, event: string, cls: number, dirty = 1): void {
    this.remeasure(key);
    this.ks.hooks.keyModified(this, key);
    this.changed(key, event, cls, dirty);
  }

  /** An object value edited in place has a new accounted size (strings were measured when stored). */
  private remeasure(key: string): void {
    const s = key === this.lastKey ? this.lastSlot : this.dict.slot(key);
    if (s < 0) return;
    const v = this.dict.at(s);
    if (typeof v === 'string') return;
    const nb = valueBytes(v);
    this.bytes += nb - v.accounted;
    v.accounted = nb;
  }

  /**
   * The part of the write path Redis runs without signalModifiedKey(): the
   * event (none when null) and `dirty` changes (0: just the event). For
   * changes WATCH does not see in Redis 7.0 (consumer group state, an HLL's
   * encoding), and the "del" that follows a write which emptied its key.
   */
  changed(key: string, event: string | null, cls: number, dirty = 1): void {
    if (event !== null) this.ks.hooks.notify(cls, event, key, this.id);
    this.ks.dirty += dirty;
  }

  typeOfKey(key: string): TypeName | 'none' {
    const v = this.expires.size !== 0 && this.expireIfNeeded(key) ? undefined : this.dict.get(key);
    return v === undefined ? 'none' : typeOf(v);
  }

  /** Empty the db. Returns how many keys it held. */
  flush(): number {
    this.ks.hooks.dbReplaced(this, null);
    const n = this.dict.size;
    let kept = false;
    for (const o of this.ks.observers) if (o.takeOver(this)) kept = true;
    if (kept) {
      // a snapshot still reads the old ones
      this.dict = new Dict<Value>();
      this.expires = new Map();
    } else {
      this.dict.clear();
      this.expires.clear();
    }
    this.bytes = 0;
    this.lastKey = null;
    if (this.ks.blockedKeyCount !== 0) this.ks.keyReady!(this, null);
    this.exactExpires = null;
    this.expireCursor = null;
    this.randomCursor = null;
    this.avgTtl = 0;
    return n;
  }

  /** Exchange contents with another db (SWAPDB). */
  swapWith(other: Db): void {
    this.ks.hooks.dbReplaced(this, other);
    this.ks.hooks.dbReplaced(other, this);
    const d = this.dict;
    const e = this.expires;
    const x = this.exactExpires;
    const a = this.avgTtl;
    const b = this.bytes;
    this.dict = other.dict;
    this.expires = other.expires;
    this.exactExpires = other.exactExpires;
    this.avgTtl = other.avgTtl;
    this.bytes = other.bytes;
    other.dict = d;
    other.expires = e;
    other.exactExpires = x;
    other.avgTtl = a;
    other.bytes = b;
    this.lastKey = null;
    other.lastKey = null;
    this.expireCursor = null;
    other.expireCursor = null;
    this.randomCursor = null;
    other.randomCursor = null;
    if (this.ks.blockedKeyCount !== 0) {
      this.ks.keyReady!(this, null);
      this.ks.keyReady!(other, null);
    }
  }

  /** A key sampled by walking from a resumable position (RANDOMKEY). */
  randomKey(): string | undefined {
    const total = this.dict.size;
    if (total === 0) return undefined;
    // Tries bounded like Redis: if every key is expired we may return one.
    for (let tries = 0; tries < 100; tries++) {
      let skip = Math.floor(Math.random() * Math.min(total, 32));
      let key: string | undefined;
      while (skip-- >= 0) {
        if (!this.randomCursor) this.randomCursor = this.dict.keys();
        const r = this.randomCursor.next();
        if (r.done) {
          this.randomCursor = null;
          skip++;
          continue;
        }
        key = r.value;
      }
      if (key === undefined) continue;
      if (this.isExpired(key) && this.ks.hooks.expireAllowed()) {
        this.deleteExpired(key);
        if (this.dict.size === 0) return undefined;
        continue;
      }
      return key;
    }
    return undefined;
  }
}

export class Keyspace {
  dbs: Db[] = [];
  dirty = 0;
  /**
   * The AOF is being loaded (persistence/aof/load.ts): keys do not expire,
   * EXPIRE in the past sets the TTL instead of deleting, and nothing is
   * propagated, as during Redis's loading.
   */
  loading = false;
  /**
   * The accounted bytes of every key and value (memory/estimate.ts), kept
   * by the write path: used_memory's dataset part and what eviction frees.
   */
  get datasetBytes(): number {
    let n = 0;
    for (const db of this.dbs) n += db.bytes;
    return n;
  }
  /** maxmemory-policy is volatile-lfu or allkeys-lfu. */
  lfuPolicy = false;
  /** lfu-decay-time. */
  lfuDecayTime = 1;
  /** lfu-log-factor. */
  lfuLogFactor = 10;
  /** maxmemory is set with an LRU or LFU policy: integers 0..9999 get their own objects. */
  noSharedIntegers = false;
  /** The access words of the shared integers 0..9999 (created at startup). */
  sharedWords = new Int32Array(SHARED_INTEGERS);
  private policySeen = false;
  /** Write observers (a snapshot in progress); empty keeps the write path to one length test. */
  observers: WriteObserver[] = [];
  /** Set by the dispatcher while observers exist: the running command is a write command. */
  inWriteCommand = false;
  /** Keys some client is blocked on (server/blocking.ts); 0 keeps the write path check-free. */
  blockedKeyCount = 0;
  /** Set by server/blocking.ts: a key was created or replaced (null: every key of db, SWAPDB). */
  keyReady: ((db: Db, key: string | null) => void) | null = null;
  stats: KeyspaceStats = {
    hits: 0,
    misses: 0,
    expiredKeys: 0,
    evictedKeys: 0,
    expiredStalePerc: 0,
    expireCycleCpuMs: 0,
  };

  constructor(
    count: number,
    public hooks: KeyspaceHooks,
  ) {
    for (let i = 0; i < count; i++) this.dbs.push(new Db(i, this));
  }

  /** Empty dbs for FLUSHDB / FLUSHALL, signalled once (Redis's signalFlushedDb); how many keys they held. */
  flushDbs(dbs: readonly Db[]): number {
    let removed = 0;
    for (const db of dbs) removed += db.flush();
    this.hooks.dbsFlushed();
    return removed;
  }

  /** Apply maxmemory / maxmemory-policy / lfu-decay-time (at startup and after CONFIG SET). */
  setMemoryPolicy(maxmemory: number, policy: string, lfuDecayTime: number, nowMs: number): void {
    const lfu = policy.endsWith('-lfu');
    const lru = policy.endsWith('-lru');
    if (!this.policySeen) {
      // createSharedObjects() at startup: the words of objects created then
      this.policySeen = true;
      this.sharedWords.fill(lfu ? lfuNewWord(nowMs) : lruClock(nowMs));
    }
    this.lfuPolicy = lfu;
    this.lfuDecayTime = lfuDecayTime;
    this.noSharedIntegers = maxmemory !== 0 && (lru || lfu);
  }

  /** A new object's access word (createObject): the LFU initial counter under an LFU policy, else the LRU clock. */
  newWord(): number {
    return this.lfuPolicy ? lfuNewWord(clock.ms) : lruClock(clock.ms);
  }

  totalKeys(): number {
    let n = 0;
    for (const db of this.dbs) n += db.size;
    return n;
  }
}
