/**
 * HyperLogLog commands (hyperloglog.c's PFADD, PFCOUNT, PFMERGE, PFDEBUG,
 * PFSELFTEST) with Redis 7.0's replies, errors, events, dirty counts and
 * propagation.
 *
 * The value is a plain string in Redis's HLL format (store/hll.ts). A
 * command that may edit it first makes it a ByteString in place of the old
 * value (Redis's dbUnshareStringValue(), which also makes it "raw"), then
 * changes its bytes in place: a dense PFADD touches two bytes.
 *
 * Events and dirty, as Redis: PFADD and PFMERGE fire "pfadd"; PFADD counts
 * one change per register raised (plus one for a created key); PFCOUNT of one
 * key that refreshes the cached cardinality marks the key modified and
 * counts one change without an event (so it is propagated); PFDEBUG
 * GETREG/TODENSE converting to dense counts one change only.
 */
import type { CommandSpec } from '../server/command';
import type { Client } from '../server/client';
import { Err } from '../protocol/errors';
import { Db, Notify } from '../store/keyspace';
import { ByteString, Value, stringOf } from '../store/value';
import {
  HLL_REGISTERS,
  HLL_SPARSE,
  addElement,
  cacheValid,
  cachedCard,
  countRaw,
  countRegisters,
  denseRegisters,
  emptyHllBytes,
  encodingOfHll,
  invalidateCache,
  isHll,
  isHllBytes,
  mergeInto,
  raiseRegisters,
  setCachedCard,
  toDense,
} from '../store/hll';
import { sparseDecode } from '../store/hll-sparse';
import { hllSelfTest } from '../store/hll-selftest';

const DEFAULT_SPARSE_MAX_BYTES = 3000;

/** Reply a cardinality: exact as a bigint past 2^53 (and for CARD_OUT_OF_RANGE, -2^63). */
function replyCard(c: Client, card: number | bigint): void {
  c.reply.int(typeof card === 'number' && !Number.isSafeInteger(card) ? BigInt(card) : card);
}

/** hll-sparse-max-bytes. */
function sparseMaxBytes(c: Client): number {
  const cfg = c.server.config;
  return cfg === undefined ? DEFAULT_SPARSE_MAX_BYTES : cfg.values['hll-sparse-max-bytes'];
}

/**
 * isHLLObjectOrReply(): true when v is a string in the HLL format; else
 * replies WRONGTYPE (the generic text for other types, the HLL one for
 * strings) and returns false.
 */
function checkHll(c: Client, v: Value): boolean {
  let ok: boolean;
  if (v instanceof ByteString) ok = isHllBytes(v.buf, v.len);
  else {
    const s = stringOf(v);
    if (s === undefined) {
      c.error(Err.wrongType);
      return false;
    }
    ok = isHll(s);
  }
  if (!ok) c.error(Err.hllNotHll);
  return ok;
}

/** Bytes of a value for reading (a copy only for values not yet held as bytes). */
function bytesOf(v: Value): ByteString {
  return v instanceof ByteString ? v : ByteString.fromString(stringOf(v)!);
}

/** A new empty HLL stored under key (Redis's createHLLObject() + dbAdd()). */
function createHll(db: Db, key: string): ByteString {
  const b = new ByteString(emptyHllBytes());
  db.setKey(key, b);
  return b;
}

/** Scratch registers for PFCOUNT of several keys and PFMERGE. */
const maxRegs = new Uint8Array(HLL_REGISTERS);

// ---- PFADD --------------------------------------------------------------------------

function pfadd(c: Client, argv: string[]): void {
  const db = c.db;
  const key = argv[1];
  const v = db.lookup(key);
  let h: ByteString;
  let updated = 0;
  if (v === undefined) {
    h = createHll(db, key);
    updated++;
  } else {
    if (!checkHll(c, v)) return;
    h = db.editableBytes(key, v);
  }
  const max = sparseMaxBytes(c);
  for (let i = 2; i < argv.length; i++) {
    const r = addElement(h, argv[i], max);
    if (r < 0) return c.error(Err.hllCorrupted);
    updated += r;
  }
  if (updated > 0) {
    invalidateCache(h.buf);
    h.changed();
    db.written(key, 'pfadd', Notify.string, updated);
  }
  c.reply.int(updated > 0 ? 1 : 0);
}

// ---- PFCOUNT ------------------------------------------------------------------------

function pfcount(c: Client, argv: string[]): void {
  if (argv.length > 2) return pfcountMany(c, argv);
  const db = c.db;
  const key = argv[1];
  const v = db.lookupRead(key);
  if (v === undefined) return c.reply.int(0);
  if (!checkHll(c, v)) return;
  const h = db.editableBytes(key, v);
  if (cacheValid(h.buf)) return replyCard(c, cachedCard(h.buf));
  const card = countRegisters(h);
  if (card === null) return c.error(Err.hllCorrupted);
  setCachedCard(h.buf, card);
  h.changed();
  // Redis signals the key modified and counts it dirty, with no event.
  db.written(key, '', 0);
  replyCard(c, card);
}

/** PFCOUNT of several keys: the count of their union, nothing cached. */
function pfcountMany(c: Client, argv: string[]): void {
  const db = c.db;
  maxRegs.fill(0);
  for (let i = 1; i < argv.length; i++) {
    const v = db.lookupRead(argv[i]);
    if (v === undefined) continue;
    if (!checkHll(c, v)) return;
    const b = bytesOf(v);
    if (!mergeInto(maxRegs, b)) return c.error(Err.hllCorrupted);
  }
  replyCard(c, countRaw(maxRegs));
}

// ---- PFMERGE ------------------------------------------------------------------------

function pfmerge(c: Client, argv: string[]): void {
  const db = c.db;
  const dest = argv[1];
  maxRegs.fill(0);
  let useDense = false;
  // The destination is one of the inputs.
  for (let i = 1; i < argv.length; i++) {
    const v = db.lookupRead(argv[i]);
    if (v === undefined) continue;
    if (!checkHll(c, v)) return;
    const b = bytesOf(v);
    if (encodingOfHll(b.buf) !== HLL_SPARSE) useDense = true;
    if (!mergeInto(maxRegs, b)) return c.error(Err.hllCorrupted);
  }
  const dv = db.lookup(dest);
  const h = dv === undefined ? createHll(db, dest) : db.editableBytes(dest, dv);
  if (useDense && encodingOfHll(h.buf) === HLL_SPARSE && !toDense(h)) return c.error(Err.hllCorrupted);
  raiseRegisters(h, maxRegs, sparseMaxBytes(c));
  invalidateCache(h.buf);
  h.changed();
  db.written(dest, 'pfadd', Notify.string);
  c.reply.ok();
}

// ---- PFDEBUG ------------------------------------------------------------------------

function pfdebug(c: Client, argv: string[]): void {
  const db = c.db;
  const sub = argv[1];
  const key = argv[2];
  const v = db.lookup(key);
  if (v === undefined) return c.error(Err.pfdebugNoKey);
  if (!checkHll(c, v)) return;
  const h = db.editableBytes(key, v);
  const r = c.reply;
  switch (sub.toLowerCase()) {
    case 'getreg': {
      if (encodingOfHll(h.buf) === HLL_SPARSE) {
        if (!toDense(h)) return c.error(Err.hllCorrupted);
        db.changed(key, null, 0); // the conversion propagates; Redis signals nothing else
      }
      const regs = denseRegisters(h.buf);
      r.array(HLL_REGISTERS);
      for (let i = 0; i < HLL_REGISTERS; i++) r.int(regs[i]);
      return;
    }
    case 'decode':
      if (encodingOfHll(h.buf) !== HLL_SPARSE) return c.error(Err.pfdebugNotSparse);
      return r.bulk(sparseDecode(h));
    case 'encoding':
      return r.status(encodingOfHll(h.buf) === HLL_SPARSE ? 'sparse' : 'dense');
    case 'todense': {
      let converted = 0;
      if (encodingOfHll(h.buf) === HLL_SPARSE) {
        if (!toDense(h)) return c.error(Err.hllCorrupted);
        converted = 1;
        db.changed(key, null, 0);
      }
      return r.int(converted);
    }
    default:
      return c.error(Err.pfdebugUnknown(sub));
  }
}

// ---- PFSELFTEST ---------------------------------------------------------------------

function pfselftest(c: Client): void {
  const failure = hllSelfTest(sparseMaxBytes(c));
  if (failure === null) c.reply.ok();
  else c.error(Err.pfSelftestFailed(failure));
}

export const hyperloglogCommands: CommandSpec[] = [
  { name: 'pfadd', handler: pfadd },
  { name: 'pfcount', handler: pfcount },
  { name: 'pfmerge', handler: pfmerge },
  { name: 'pfdebug', handler: pfdebug },
  { name: 'pfselftest', handler: pfselftest },
];
