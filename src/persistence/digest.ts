/**
 * DEBUG DIGEST and DEBUG DIGEST-VALUE: SHA-1 based signatures of the
 * dataset and of single values, equal to Redis 7.0's for the same data, so
 * tools (and the round-trip tests) can compare datasets across servers.
 *
 * The scheme, as observed on redis-server 7.0.15 (test/compat/digest.test.ts
 * checks each rule there):
 *  - xor(d, s): d ^= SHA1(s); mix(d, s): xor(d, s) then d = SHA1(d).
 *    Digests are combined the same way: xor(d, e) hashes e's 20 bytes.
 *  - A value's digest starts from d (zero for DIGEST-VALUE, the key's
 *    mix for DIGEST), then mix(type number as 4 big-endian bytes: string 0,
 *    list 1, set 2, zset 3, hash 4, stream 6), then:
 *      string: mix(bytes) (an integer-encoded string as its decimal text);
 *      list: mix(element) head to tail;
 *      set: xor(member) (order-free);
 *      zset: per member e = mix(mix(0, member), score as %.17g, inf/-inf),
 *            xor(d, e) (a listpack holds -0 as 0);
 *      hash: per field e = mix(mix(0, field), value), xor(d, e);
 *      stream: per live entry in ID order mix("<ms>.<seq>"), then mix of
 *            each field and value (consumer groups, last ID and the other
 *            metadata are left out);
 *    and, when the key has a TTL (whatever its time), xor("!!expire!!").
 *    DIGEST-VALUE includes that TTL mark as DIGEST does.
 *  - DEBUG DIGEST: zero, then for each non-empty db in order mix(db number as
 *    4 big-endian bytes) and xor of every key's digest (key mix + value).
 *    An empty dataset gives 40 zeros, as does DIGEST-VALUE of a missing key.
 *  - Keys are read from the dict as they are, without expiring them (a key
 *    past its TTL but not yet removed still counts, as in Redis).
 */
import type { Client } from '../server/client';
import type { Db, Keyspace } from '../store/keyspace';
import { ByteString, RawString, type Value } from '../store/value';
import { List } from '../store/list';
import { SetValue } from '../store/set';
import { ZSet } from '../store/zset';
import { HashValue, HashTable } from '../store/hash';
import { Stream } from '../store/stream';
import { MAX_ID, ZERO_ID, formatU64 } from '../store/stream-id';
import { formatDouble } from '../util/numbers';
import { registerDebug } from '../commands/debug-ext';
import { digestHex, rehash, sha1Of, xorBytes, xorDigest, xorString, xorWords } from './sha1';

/** 4 big-endian bytes of n as a latin1 string. */
function uint32Bytes(n: number): string {
  return String.fromCharCode(n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
}

/**
 * SHA-1 of the object type numbers Redis mixes in (OBJ_STRING 0, OBJ_LIST
 * 1, OBJ_SET 2, OBJ_ZSET 3, OBJ_HASH 4, OBJ_STREAM 6) as 4 big-endian
 * bytes, and of the TTL mark: constants, hashed once.
 */
const TYPE_STRING = sha1Of(uint32Bytes(0));
const TYPE_LIST = sha1Of(uint32Bytes(1));
const TYPE_SET = sha1Of(uint32Bytes(2));
const TYPE_ZSET = sha1Of(uint32Bytes(3));
const TYPE_HASH = sha1Of(uint32Bytes(4));
const TYPE_STREAM = sha1Of(uint32Bytes(6));
const EXPIRE_MARK = sha1Of('!!expire!!');

function mixString(d: Int32Array, s: string): void {
  xorString(d, s);
  rehash(d);
}

/** mix(d, x) where h is SHA-1(x). */
function mixHashed(d: Int32Array, h: Int32Array): void {
  xorWords(d, h);
  rehash(d);
}

/** Scratch digest of one zset or hash element. */
const ele = new Int32Array(5);

/** Add one value (and its key's TTL mark) to d. */
function valueDigest(d: Int32Array, db: Db, key: string, v: Value): void {
  if (typeof v === 'string') {
    mixHashed(d, TYPE_STRING);
    mixString(d, v);
  } else if (v instanceof RawString) {
    mixHashed(d, TYPE_STRING);
    mixString(d, v.s);
  } else if (v instanceof ByteString) {
    mixHashed(d, TYPE_STRING);
    xorBytes(d, v.buf, 0, v.len);
    rehash(d);
  } else if (v instanceof List) {
    mixHashed(d, TYPE_LIST);
    for (let i = 0, n = v.length; i < n; i++) mixString(d, v.at(i));
  } else if (v instanceof SetValue) {
    mixHashed(d, TYPE_SET);
    if (v.ints !== null) for (const m of v.ints) xorString(d, String(m));
    else for (const m of v.ht!.keys()) xorString(d, m);
  } else if (v instanceof ZSet) {
    mixHashed(d, TYPE_ZSET);
    const sl = v.sl;
    const listpack = v.listpack;
    for (const [m, node] of v.dict) {
      const score = sl.score(node);
      ele.fill(0);
      mixString(ele, m);
      mixString(ele, listpack && score === 0 ? '0' : formatDouble(score));
      xorDigest(d, ele);
    }
  } else if (v instanceof HashValue) {
    mixHashed(d, TYPE_HASH);
    const h = v.d;
    if (h instanceof HashTable) {
      for (const [f, x] of h.m) hashField(d, f, x);
    } else {
      for (let i = 0; i < h.length; i += 2) hashField(d, h[i], h[i + 1]);
    }
  } else if (v instanceof Stream) {
    mixHashed(d, TYPE_STREAM);
    const it = v.iterate(ZERO_ID, MAX_ID);
    while (it.next()) {
      const id = it.id();
      mixString(d, formatU64(id.msHi, id.msLo) + '.' + formatU64(id.seqHi, id.seqLo));
      for (let k = 0, n = it.fieldCount(); k < n; k++) {
        mixString(d, it.field(k));
        mixString(d, it.value(k));
      }
    }
  } else {
    throw new Error(`DEBUG DIGEST: unknown value ${(v as { type?: string }).type}`);
  }
  if (db.expires.size !== 0 && db.expires.has(key)) xorWords(d, EXPIRE_MARK);
}

function hashField(d: Int32Array, f: string, v: string): void {
  ele.fill(0);
  mixString(ele, f);
  mixString(ele, v);
  xorDigest(d, ele);
}

/** The digest of one key's value as 40 hex digits (all zeros when the key is not in the dict). */
export function valueDigestHex(db: Db, key: string): string {
  const d = new Int32Array(5);
  const v = db.dict.get(key);
  if (v !== undefined) valueDigest(d, db, key, v);
  return digestHex(d);
}

/** The digest of every db as 40 hex digits (all zeros for an empty dataset). */
export function datasetDigestHex(ks: Keyspace): string {
  const final = new Int32Array(5);
  const d = new Int32Array(5);
  for (const db of ks.dbs) {
    if (db.dict.size === 0) continue;
    mixString(final, uint32Bytes(db.id));
    for (const [key, v] of db.dict.entries()) {
      d.fill(0);
      mixString(d, key);
      valueDigest(d, db, key, v);
      xorDigest(final, d);
    }
  }
  return digestHex(final);
}

registerDebug('digest', {
  argc: (n) => n === 2,
  handler: (c: Client) => c.reply.status(datasetDigestHex(c.server.keyspace)),
  help: ['DIGEST', '    Output a hex signature representing the current DB content.'],
});

registerDebug('digest-value', {
  handler: (c: Client, argv: string[]) => {
    c.reply.array(argv.length - 2);
    for (let j = 2; j < argv.length; j++) c.reply.status(valueDigestHex(c.db, argv[j]));
  },
  help: ['DIGEST-VALUE <key> [<key> ...]', '    Output a hex signature of the values of all the specified keys.'],
});
