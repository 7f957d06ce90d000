/**
 * Accounted sizes (DESIGN.md, memory): what a key and its value cost in the
 * V8 heap, estimated from their shape because V8 reports no per-object
 * sizes. The keyspace keeps a running total from these (used_memory's
 * dataset part) and MEMORY USAGE answers with them.
 *
 * 64-bit V8 without pointer compression: a one-byte string is a 16-byte
 * header and its bytes rounded up to 8; an object is 24 bytes of header
 * (map, properties, elements) and 8 per field.
 */
import type { Value } from '../store/value';
import { ByteString, RawString, sharedIntOf } from '../store/value';

/** A key's entry in the dict: the Map's entry and bucket share, the value and access-word slots. */
const DICT_ENTRY = 48;

/** A primitive one-byte string. */
export function stringBytes(s: string): number {
  return (16 + s.length + 7) & ~7;
}

/** A key: its dict entry and its name. */
export function keyBytes(key: string): number {
  return DICT_ENTRY + stringBytes(key);
}

/** A value (the shared integers 0..9999 cost nothing: they are one object each for the whole server). */
export function valueBytes(v: Value): number {
  if (typeof v === 'string') return sharedIntOf(v) >= 0 ? 0 : stringBytes(v);
  if (v instanceof RawString) return 32 + stringBytes(v.s);
  if (v instanceof ByteString) return 48 + 96 + v.buf.length;
  return objectBytes(v as unknown as { size?: number; length?: number });
}

/** Collections: a rough per-element cost until the types report their own. */
function objectBytes(v: { size?: number; length?: number }): number {
  const n = typeof v.size === 'number' ? v.size : typeof v.length === 'number' ? v.length : 1;
  return 64 + n * 64;
}
