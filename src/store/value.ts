/**
 * Stored values. A plain string value is kept as a primitive latin1 JS string
 * (the cheapest form V8 has); every other type is an object with a `type`.
 */
import { toInt64 } from '../util/numbers';

export type TypeName = 'string' | 'list' | 'set' | 'zset' | 'hash' | 'stream';

export const EMBSTR_MAX = 44;

export abstract class StoredObject {
  abstract readonly type: TypeName;
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

export type Value = string | StoredObject;


export function typeOf(v: Value): TypeName {
  return typeof v === 'string' ? 'string' : v.type;
}

/** String payload of a string value, or undefined for other types. */
export function stringOf(v: Value): string | undefined {
  if (typeof v === 'string') return v;
  if (v instanceof RawString) return v.s;
  return undefined;
}

export function stringEncoding(s: string): string {
  if (s.length <= 20 && s.length > 0 && toInt64(s) !== null) return 'int';
  return s.length <= EMBSTR_MAX ? 'embstr' : 'raw';
}

export function encodingOf(v: Value): string {
  return typeof v === 'string' ? stringEncoding(v) : v.encoding();
}
