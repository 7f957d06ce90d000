/**
 * Accounted sizes (DESIGN.md, memory): what a key and its value cost in the
 * V8 heap, estimated from their shape because V8 reports no per-object
 * sizes. The keyspace keeps a running total from these (used_memory's
 * dataset part) and MEMORY USAGE answers with them.
 *
 * The model is V8's object layout on 64-bit Node without pointer
 * compression (Node's default build), checked against the heap by
 * test/integration/memory-estimate.test.ts:
 *  - a one-byte string is a 16-byte header and its bytes rounded up to 8;
 *    the empty string and one-character strings are V8's shared ones;
 *  - an object is 3 words (map, properties, elements) plus one per field;
 *    a double in a field is a separate 16-byte HeapNumber;
 *  - an array is 4 words plus a FixedArray (2 words + one per slot); arrays
 *    grown by push() get slots ahead (new length x 1.5 + 16);
 *  - a Map is 4 words plus an OrderedHashMap: 5 words, a bucket word per
 *    two entries and 3 words per entry, the capacity a power of two;
 *  - a typed array is a view (96 bytes) and an ArrayBuffer object (88)
 *    plus its bytes: up to 64 of them in a heap ByteArray, beyond that in
 *    a backing store outside the heap (counted in `arrayBuffers`).
 *
 * Everything here is O(1) or O(samples): the write path calls valueBytes()
 * after each write to a key. Collections are measured from their counts
 * and capacities, with the element strings sampled (evenly spaced where the
 * structure is indexed, the first ones in iteration order for Maps) and
 * scaled to the element count, as Redis's objectComputeSize() samples.
 */
import type { Value } from '../store/value';
import { ByteString, RawString } from '../store/value';
import { HashTable, HashValue, isSharedField } from '../store/hash';
import { List } from '../store/list';
import { SetValue } from '../store/set';
import { ZSet } from '../store/zset';
import { Stream } from '../store/stream';
import type { StreamNode } from '../store/stream-node';
import type { ConsumerGroup } from '../store/stream-groups';

/**
 * A key's share of the keyspace's dict (store/dict.ts): its Map entry (key,
 * slot number and chain words, and a bucket word per two entries: 28 bytes
 * x capacity / size, 40 on average over a Map's load between 1/2 and 1),
 * its value and key slots (two arrays grown by push: 8 bytes x about 1.25
 * each) and its 32-bit access word (an Int32Array grown by doubling).
 */
export const DICT_ENTRY = 40 + 2 * 10 + 4;

/** An entry of a db's expires Map (amortised like DICT_ENTRY) and its time, a HeapNumber. */
export const EXPIRE_ENTRY = 56;

/** Elements sampled per collection when not told otherwise (Redis's OBJ_COMPUTE_SIZE_DEF_SAMPLES). */
export const DEFAULT_SAMPLES = 5;

// ---- V8 layout --------------------------------------------------------------

const WORD = 8;
/** map, properties, elements. */
const OBJECT = 3 * WORD;
/** A JSArray: an object with a length. */
const ARRAY = 4 * WORD;
/** FixedArray header: map, length. */
const FIXED_ARRAY = 2 * WORD;
const HEAP_NUMBER = 16;
/** A JSMap / JSSet (an object with its table) and the OrderedHashTable's header (2 words + 3 counts). */
const TABLE = 4 * WORD + 5 * WORD;
/** A typed array's view object and its ArrayBuffer object. */
const TYPED_ARRAY = 96 + 88;
/** Larger typed arrays keep their bytes outside the heap (V8's typed_array_max_size_in_heap). */
const ON_HEAP_TYPED_MAX = 64;
/** A closure: the JSFunction and its context. */
const CLOSURE = 96;

/** Every StoredObject's own field: the bytes the keyspace last accounted for it. */
const STORED = 1;

/** A primitive one-byte string. */
export function stringBytes(s: string): number {
  const n = s.length;
  return n <= 1 ? 0 : (16 + n + 7) & ~7;
}

/** A key: its dict entry and its name. */
export function keyBytes(key: string): number {
  return DICT_ENTRY + stringBytes(key);
}

function objectBytes(fields: number): number {
  return OBJECT + fields * WORD;
}

/** A JSArray and its backing store of `slots` slots. */
function arrayBytes(slots: number): number {
  return ARRAY + (slots === 0 ? 0 : FIXED_ARRAY + slots * WORD);
}

/** Slots of an array grown to n elements by push(). */
function pushedSlots(n: number): number {
  let c = 0;
  while (c < n) {
    const len = c + 1;
    c = len + (len >> 1) + 16;
  }
  return c;
}

/** A Map of n entries (a Set's entries are one word shorter). */
function mapBytes(n: number, entryWords = 3): number {
  let cap = 4;
  while (cap < n) cap *= 2;
  return TABLE + (cap >> 1) * WORD + cap * entryWords * WORD;
}

/** A typed array owning a buffer of `bytes` bytes. */
function typedArrayBytes(bytes: number): number {
  return bytes <= ON_HEAP_TYPED_MAX ? TYPED_ARRAY + FIXED_ARRAY + ((bytes + 7) & ~7) : TYPED_ARRAY + bytes;
}

/** How many elements to sample out of n (samples <= 0: all of them). */
function sampleCount(n: number, samples: number): number {
  return samples <= 0 || samples > n ? n : samples;
}

// ---- values -----------------------------------------------------------------

/**
 * A value's bytes. `samples`: elements of a collection measured (0 = all of
 * them, as MEMORY USAGE's SAMPLES 0), the rest counted at their average.
 */
export function valueBytes(v: Value, samples = DEFAULT_SAMPLES): number {
  if (typeof v === 'string') return stringBytes(v);
  if (v instanceof RawString) return rawStringBytes(v);
  if (v instanceof ByteString) return byteStringBytes(v);
  if (v instanceof HashValue) return hashBytes(v, samples);
  if (v instanceof List) return listBytes(v, samples);
  if (v instanceof SetValue) return setBytes(v, samples);
  if (v instanceof ZSet) return zsetBytes(v, samples);
  if (v instanceof Stream) return streamBytes(v, samples);
  // a StoredObject of another class (an embedder's, a test's): its own fields only
  return objectBytes(STORED + 1);
}

/** RawString, EmbString, OwnString: `type` and `s`. */
const RAW_STRING = objectBytes(STORED + 2);
/** V8 joins two strings into a ConsString (4 words) from this length on, rather than copying them. */
const CONS_MIN_LENGTH = 13;
/** A ConsString and the second header of its two parts. */
const CONS_STRING = 4 * WORD + 16;

/**
 * A RawString made by APPEND holds `old + added`: a ConsString over the two
 * parts until something flattens it (and a collection then drops the
 * wrapper). Counted as one join; a chain of appends never read costs more.
 */
function rawStringBytes(v: RawString): number {
  const s = v.s;
  const joined = v.constructor === RawString && s.length >= CONS_MIN_LENGTH;
  return RAW_STRING + stringBytes(s) + (joined ? CONS_STRING : 0);
}

/** ByteString: its four fields, the buffer (capacity included) and the string read from it, when cached. */
function byteStringBytes(b: ByteString): number {
  return objectBytes(STORED + 4) + typedArrayBytes(b.buf.length) + (b.holdsString ? stringBytes(b.s) : 0);
}

/** HashValue: `d` (the type is on the prototype). */
const HASH = objectBytes(STORED + 1);
/** HashTable: sample, stale, cursors, m. */
const HASH_TABLE = objectBytes(4);

function hashBytes(h: HashValue, samples: number): number {
  const d = h.d;
  if (!(d instanceof HashTable)) {
    // listpack: one exact-size array [f0, v0, f1, v1...]; short field names are shared between hashes
    const pairs = d.length >> 1;
    let total = HASH + arrayBytes(d.length);
    const s = sampleCount(pairs, samples);
    if (s === 0) return total;
    let sum = 0;
    for (let k = 0; k < s; k++) {
      const i = Math.floor((k * pairs) / s) << 1;
      const f = d[i];
      sum += stringBytes(d[i + 1]) + (isSharedField(f) ? 0 : stringBytes(f));
    }
    total += (sum / s) * pairs;
    return Math.round(total);
  }
  const m = d.m;
  const n = m.size;
  let total = HASH + HASH_TABLE + mapBytes(n);
  if (d.sample !== null) total += arrayBytes(pushedSlots(d.sample.length));
  const s = sampleCount(n, samples);
  if (s === 0) return total;
  let sum = 0;
  let k = 0;
  for (const [f, v] of m) {
    sum += stringBytes(f) + stringBytes(v);
    if (++k === s) break;
  }
  return Math.round(total + (sum / s) * n);
}

/** List: type, buf, mask, head, length. */
const LIST = objectBytes(STORED + 5);

/**
 * Backing-store slots of a list's ring of `cap` slots. A list made at its
 * size has exactly `cap`; one grown by pushes got V8's growth on top while
 * small (ring 8 -> 22 slots, 16 -> 22, 32 -> 49, 64 -> 89, 128 -> 149): both
 * happen (one RPUSH of many elements, or a queue fed one at a time), so
 * the middle is taken, within 1/4 of either.
 */
function listSlots(cap: number): number {
  switch (cap) {
    case 8:
      return 15;
    case 16:
      return 19;
    case 32:
      return 41;
    case 64:
      return 77;
    case 128:
      return 139;
    default:
      return cap;
  }
}

function listBytes(l: List, samples: number): number {
  const n = l.length;
  let total = LIST + arrayBytes(listSlots(l.capacity));
  const s = sampleCount(n, samples);
  if (s === 0) return total;
  let sum = 0;
  for (let k = 0; k < s; k++) sum += stringBytes(l.at(Math.floor((k * n) / s)));
  total += (sum / s) * n;
  return Math.round(total);
}

/** SetValue: ints, ht, dense (the type is on the prototype). */
const SET = objectBytes(STORED + 3);
/** Intsets below this size are reallocated at their exact size (set.ts's SMALL_INTSET). */
const EXACT_INTSET = 16;
/** A bigint member beyond 2^53 (2 digits), which also boxes the array's other numbers. */
const BIG_MEMBER = 32 + HEAP_NUMBER;

function setBytes(set: SetValue, samples: number): number {
  const ints = set.ints;
  if (ints !== null) {
    const n = ints.length;
    // numbers sit in the array's slots (small integers or unboxed doubles)
    let total = SET + arrayBytes(n <= EXACT_INTSET ? n : n + (n >> 2));
    const s = sampleCount(n, samples);
    let big = 0;
    for (let k = 0; k < s; k++) if (typeof ints[Math.floor((k * n) / s)] === 'bigint') big++;
    if (big !== 0) total += (big / s) * n * BIG_MEMBER;
    return Math.round(total);
  }
  const ht = set.ht!;
  const n = ht.size;
  let total = SET + mapBytes(n);
  const dense = set.denseLength;
  if (dense !== 0) total += arrayBytes(pushedSlots(dense));
  const s = sampleCount(n, samples);
  if (s === 0) return total;
  let sum = 0;
  let k = 0;
  for (const m of ht.keys()) {
    sum += stringBytes(m);
    if (++k === s) break;
  }
  return Math.round(total + (sum / s) * n);
}

/**
 * A sorted set's fixed part: the ZSet (7 fields, newScore's HeapNumber, the
 * `forget` closure), its SkipList (10 fields), the skiplist's free-list
 * heads (an Int32Array of 33), the Float64Array and Int32Array views of the
 * node buffer and its ArrayBuffer object, and the free member slots array.
 */
const ZSET =
  objectBytes(STORED + 7) + HEAP_NUMBER + CLOSURE + objectBytes(10) + typedArrayBytes(33 * 4) + 2 * 96 + 88 + ARRAY;

function zsetBytes(z: ZSet, samples: number): number {
  const sl = z.sl;
  const n = sl.length;
  let total = ZSET + sl.bufferBytes + arrayBytes(pushedSlots(sl.memberSlots)) + mapBytes(z.dict.size);
  const s = sampleCount(n, samples);
  if (s === 0) return total;
  let sum = 0;
  let k = 0;
  for (let node = sl.first; node !== 0 && k < s; node = sl.next(node), k++) sum += stringBytes(sl.ele(node));
  return Math.round(total + (sum / s) * n);
}

/** StreamId: four numbers; the low ms word is a HeapNumber half the time. */
const STREAM_ID = objectBytes(4) + HEAP_NUMBER / 2;
/** Stream: 8 fields, and its lastId and firstId (maxDeletedId is mostly the shared 0-0). */
const STREAM = objectBytes(STORED + 8) + 2 * STREAM_ID;
/** StreamNode: 14 fields, mLo a HeapNumber half the time. */
const STREAM_NODE = objectBytes(14) + HEAP_NUMBER / 2;
/** An entry of a node's `wide` Map and its StreamId. */
const WIDE_ENTRY = 40 + STREAM_ID;

function nodeBytes(node: StreamNode): number {
  let b = STREAM_NODE + node.arrayCost(typedArrayBytes) + arrayBytes(node.master.length);
  for (let i = 0; i < node.master.length; i++) b += stringBytes(node.master[i]);
  const wide = node.wideCount;
  if (wide !== 0) b += mapBytes(wide) - TABLE + WIDE_ENTRY * wide;
  return b;
}

/**
 * The average closed node of big streams, kept between estimates (XADD
 * re-measures the stream after each entry, and closed nodes change only
 * when nodes are added or trimmed): valid while the stream has the same
 * node count and first node.
 */
interface ClosedNodes {
  count: number;
  first: StreamNode;
  average: number;
}
const closedCache = new WeakMap<Stream, ClosedNodes>();

/** The average bytes of nodes[0, closed), from `s` evenly spaced samples. */
function closedAverage(nodes: StreamNode[], closed: number, s: number): number {
  let sum = 0;
  for (let k = 0; k < s; k++) sum += nodeBytes(nodes[Math.floor((k * closed) / s)]);
  return sum / s;
}

function streamBytes(st: Stream, samples: number): number {
  const nodes = st.nodeList();
  const n = nodes.length;
  let total = STREAM + arrayBytes(pushedSlots(n));
  if (n !== 0) {
    // every node but the last is a closed (sealed) one: sample those, then add the open last node
    const closed = n - 1;
    const s = sampleCount(closed, samples);
    if (s !== 0) {
      let average: number;
      if (closed < 2 || samples !== DEFAULT_SAMPLES) average = closedAverage(nodes, closed, s);
      else {
        const c = closedCache.get(st);
        if (c !== undefined && c.count === n && c.first === nodes[0]) average = c.average;
        else {
          average = closedAverage(nodes, closed, s);
          closedCache.set(st, { count: n, first: nodes[0], average });
        }
      }
      total += average * closed;
    }
    total += nodeBytes(nodes[closed]);
  }
  if (st.groups !== null) {
    total += mapBytes(st.groups.size);
    for (const g of st.groups.values()) total += groupBytes(g, samples);
  }
  return Math.round(total);
}

/** Nacks per PEL chunk (stream-groups.ts's CHUNK_MAX). */
const PEL_CHUNK = 128;

/** A PEL of n nacks: its object (chunks, size), the chunks array and the chunks, filled by push. */
function pelBytes(n: number): number {
  if (n === 0) return objectBytes(2) + ARRAY;
  const chunks = Math.ceil(n / PEL_CHUNK);
  const last = n - (chunks - 1) * PEL_CHUNK;
  return objectBytes(2) + arrayBytes(pushedSlots(chunks)) + (chunks - 1) * arrayBytes(pushedSlots(PEL_CHUNK)) + arrayBytes(pushedSlots(last));
}

/** A pending entry: the Nack (5 fields), its key (8 two-byte chars), its StreamId and delivery time (a HeapNumber). */
const NACK = objectBytes(5) + 32 + STREAM_ID + HEAP_NUMBER;
/** ConsumerGroup: pel, consumers, name, lastId, entriesRead. */
const GROUP = objectBytes(5) + STREAM_ID;
/** Consumer: pel, name, seenTime (a HeapNumber). */
const CONSUMER = objectBytes(3) + HEAP_NUMBER;

function groupBytes(g: ConsumerGroup, samples: number): number {
  const consumers = g.consumers;
  const n = consumers.size;
  // a nack is shared by the group's PEL and its consumer's: counted once, its slots in both
  let total = GROUP + stringBytes(g.name) + pelBytes(g.pel.size) + g.pel.size * NACK + mapBytes(n);
  const s = sampleCount(n, samples);
  if (s === 0) return total;
  let sum = 0;
  let k = 0;
  for (const c of consumers.values()) {
    sum += CONSUMER + stringBytes(c.name) + pelBytes(c.pel.size);
    if (++k === s) break;
  }
  total += (sum / s) * n;
  return total;
}

// ---- script caches ------------------------------------------------------------

/** A Map entry, amortised like DICT_ENTRY. */
const MAP_ENTRY = 40;

/** An EVAL cache entry: its Map entry, the Script (4 fields), its SHA1 and body (the compiled function is the VM's). */
export function scriptEntryBytes(sha: string, body: string): number {
  return MAP_ENTRY + objectBytes(4) + stringBytes(sha) + stringBytes(body);
}

/**
 * A function library: its entry, the Library (3 fields), name and code,
 * the functions array and per function its info object (name, flags,
 * description, callback reference) and entry in the function table.
 */
export function libraryBytes(name: string, code: string, functions: number): number {
  return MAP_ENTRY + objectBytes(3) + stringBytes(name) + stringBytes(code) + arrayBytes(functions) + functions * (MAP_ENTRY + objectBytes(5) + 32);
}
