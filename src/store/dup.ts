/**
 * Deep copies of stored values (COPY).
 *
 * A plain string is immutable and is shared as is (Redis's dupStringObject
 * keeps the encoding, and so does sharing the primitive). A value type may
 * define its own `dup()`; otherwise the object graph is copied generically:
 * Maps, Sets, arrays, typed arrays/Buffers and class instances (same
 * prototype, own properties), preserving shared references and cycles so
 * that e.g. a skiplist whose nodes are also referenced from a Map stays
 * consistent. Iterative, so long linked structures don't exhaust the stack.
 * Types holding `#private` fields or external resources must define dup().
 */
import { EmbString, OwnString, RawString, StoredObject, Value, stringEncoding } from './value';

export function dupValue(v: Value): Value {
  // dupStringObject keeps the encoding but never shares: an int copy is its own object
  if (typeof v === 'string') return stringEncoding(v) === 'int' ? new OwnString(v) : v;
  if (v instanceof EmbString) return new EmbString(v.s);
  if (v instanceof OwnString) return new OwnString(v.s);
  if (v instanceof RawString) return new RawString(v.s);
  const own = (v as { dup?: () => StoredObject }).dup;
  if (typeof own === 'function') return own.call(v);
  return deepClone(v) as StoredObject;
}

type Obj = Record<PropertyKey, unknown>;

export function deepClone(root: unknown): unknown {
  const memo = new Map<object, unknown>();
  const fills: (() => void)[] = [];

  const shell = (x: unknown): unknown => {
    if (x === null || typeof x !== 'object') return x; // primitives and functions are shared
    const seen = memo.get(x);
    if (seen !== undefined) return seen;
    let out: unknown;
    if (ArrayBuffer.isView(x)) {
      if (x instanceof DataView) out = new DataView(x.buffer.slice(x.byteOffset, x.byteOffset + x.byteLength));
      else if (Buffer.isBuffer(x)) out = Buffer.from(x);
      else out = (x as unknown as { slice(): unknown }).slice();
      memo.set(x, out);
      return out;
    }
    if (x instanceof ArrayBuffer) {
      out = x.slice(0);
      memo.set(x, out);
      return out;
    }
    const proto = Object.getPrototypeOf(x) as object | null;
    if (x instanceof Map) {
      const m = new Map<unknown, unknown>();
      if (proto !== Map.prototype) Object.setPrototypeOf(m, proto);
      memo.set(x, m);
      fills.push(() => {
        for (const [k, val] of x) m.set(shell(k), shell(val));
      });
      copyOwn(x, m);
      return m;
    }
    if (x instanceof Set) {
      const s = new Set<unknown>();
      if (proto !== Set.prototype) Object.setPrototypeOf(s, proto);
      memo.set(x, s);
      fills.push(() => {
        for (const e of x) s.add(shell(e));
      });
      copyOwn(x, s);
      return s;
    }
    if (Array.isArray(x)) {
      const a: unknown[] = new Array(x.length);
      if (proto !== Array.prototype) Object.setPrototypeOf(a, proto);
      memo.set(x, a);
      fills.push(() => {
        for (let i = 0; i < x.length; i++) a[i] = shell(x[i]);
      });
      return a;
    }
    const o = Object.create(proto) as Obj;
    memo.set(x, o);
    copyOwn(x, o);
    return o;
  };

  /** Copy own properties (deeply, deferred) from src to dst. */
  const copyOwn = (src: object, dst: object): void => {
    const keys = Reflect.ownKeys(src);
    if (keys.length === 0) return;
    fills.push(() => {
      for (const k of keys) {
        const d = Object.getOwnPropertyDescriptor(src, k)!;
        if ('value' in d) d.value = shell(d.value);
        Object.defineProperty(dst, k, d);
      }
    });
  };

  const out = shell(root);
  while (fills.length > 0) fills.pop()!();
  return out;
}
