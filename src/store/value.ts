/**
 * Stored values. A plain string value is kept as a primitive latin1 JS string
 * (the cheapest form V8 has); every other type is an object with a `type`.
 */
import { toInt64 } from '../util/numbers';

export type TypeName = 'string' | 'list' | 'set' | 'zset' | 'hash' | 'stream';

export const EMBSTR_MAX = 44;

export abstract class StoredObject {
  abstract readonly type: TypeName;
  /** Bytes the keyspace accounted for this value when it last measured it (memory/estimate.ts). */
  accounted = 0;
  /** Encoding name reported by OBJECT ENCODING. */
  abstract encoding(): string;
}

/**
 * A string that Redis would hold "raw" whatever its length: the result of
 * APPEND or SETRANGE, which Redis never re-encodes as int or embstr.
 */
export class RawString extends StoredObject {
  readonly type = 'string' as const;
  constructor(public s: string) {
    super();
  }
  encoding(): string {
    return 'raw';
  }
}

/**
 * A string Redis would hold as embstr (or raw past 44 bytes) whatever its
 * content, never int: INCRBYFLOAT's result ("3" is embstr there).
 */
export class EmbString extends RawString {
  override encoding(): string {
    return this.s.length <= EMBSTR_MAX ? 'embstr' : 'raw';
  }
}

/**
 * A string with the encoding its content implies but its own object rather
 * than one of Redis's shared integers (COPY's duplicate: refcount 1).
 */
export class OwnString extends RawString {
  override encoding(): string {
    return stringEncoding(this.s);
  }
}

/**
 * A string value held as mutable bytes, for the commands that edit a string
 * in place (SETBIT, BITFIELD, PFADD...): a JS string would be rebuilt whole
 * on every change. Bytes past `len` are spare capacity (zero), grown by
 * doubling like an sds. Readers see the latin1 string through `s`, built on
 * demand and cached until the next change. Redis reports such values raw.
 */
export class ByteString extends StoredObject {
  readonly type = 'string' as const;
  private cached: string | null = null;

  constructor(
    public buf: Buffer,
    public len: number = buf.length,
  ) {
    super();
  }

  static fromString(s: string, capacity = s.length): ByteString {
    const buf = Buffer.alloc(Math.max(capacity, s.length));
    buf.latin1Write(s, 0);
    const b = new ByteString(buf, s.length);
    b.cached = s;
    return b;
  }

  encoding(): string {
    return 'raw';
  }

  get s(): string {
    if (this.cached === null) this.cached = this.buf.latin1Slice(0, this.len);
    return this.cached;
  }

  /** Whether a JS string copy of the bytes is held beside them (memory that a read may add). */
  get holdsString(): boolean {
    return this.cached !== null;
  }

  /** The live bytes (a view: valid until the next grow). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.len);
  }

  /** Make the length at least n, new bytes zero. Call before writing past len. */
  grow(n: number): void {
    if (n <= this.len) return;
    if (n > this.buf.length) {
      // sds greedy growth: double below 1 MB, then 1 MB at a time
      const cap = n < 1024 * 1024 ? n * 2 : n + 1024 * 1024;
      const nb = Buffer.alloc(cap);
      this.buf.copy(nb, 0, 0, this.len);
      this.buf = nb;
    }
    this.len = n;
    this.cached = null;
  }

  /** Forget the cached string: call after changing bytes in place. */
  changed(): void {
    this.cached = null;
  }

  dup(): ByteString {
    return new ByteString(Buffer.from(this.buf.subarray(0, this.len)), this.len);
  }
}

export type Value = string | StoredObject;


export function typeOf(v: Value): TypeName {
  return typeof v === 'string' ? 'string' : v.type;
}

/** String payload of a string value, or undefined for other types. */
export function stringOf(v: Value): string | undefined {
  if (typeof v === 'string') return v;
  if (v instanceof RawString || v instanceof ByteString) return v.s;
  return undefined;
}

export function stringEncoding(s: string): string {
  if (s.length <= 20 && s.length > 0 && toInt64(s) !== null) return 'int';
  return s.length <= EMBSTR_MAX ? 'embstr' : 'raw';
}

export function encodingOf(v: Value): string {
  return typeof v === 'string' ? stringEncoding(v) : v.encoding();
}

/** OBJ_SHARED_INTEGERS: Redis keeps one shared object for each of 0..9999. */
export const SHARED_INTEGERS = 10000;

/**
 * The shared integer a value is, or -1. A string value in 0..9999 (written
 * as string2l accepts it) is one of Redis's shared objects unless it was
 * stored while sharing was off (maxmemory with an LRU/LFU policy): those are
 * kept as OwnString, so a primitive string here means the shared object.
 */
export function sharedIntOf(v: Value): number {
  if (typeof v !== 'string') return -1;
  const n = v.length;
  if (n === 0 || n > 4) return -1;
  let x = 0;
  for (let i = 0; i < n; i++) {
    const d = v.charCodeAt(i) - 48;
    if (d < 0 || d > 9 || (d === 0 && i === 0 && n > 1)) return -1;
    x = x * 10 + d;
  }
  return x;
}
