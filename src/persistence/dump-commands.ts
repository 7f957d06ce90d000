/**
 * DUMP and RESTORE (cluster.c's dumpCommand / restoreCommand in Redis
 * 7.0), and the DEBUG subcommands that go with them.
 *
 * A payload is the value in RDB form (type byte + value, rdb/values.ts),
 * the RDB version (10) as two little-endian bytes and the CRC-64 of all
 * that, little-endian. RESTORE refuses versions above 10 and a wrong
 * checksum (unless DEBUG SET-SKIP-CHECKSUM-VALIDATION 1), then reads the
 * value from the whole payload as Redis does (a field may run into the
 * footer), sanitizing deeply as sanitize-dump-payload says.
 *
 * RESTORE's checks come in Redis's order: options (IDLETIME and FREQ
 * exclude each other: the second is a syntax error), the key (BUSYKEY
 * unless REPLACE), the TTL, the payload. A TTL already in the past
 * deletes the replaced key and propagates DEL (UNLINK under
 * lazyfree-lazy-server-del); a relative TTL propagates as an absolute one
 * with ABSTTL appended.
 */
import type { CommandSpec } from '../server/command';
import type { Client } from '../server/client';
import type { Server } from '../server/server';
import { crc64 } from './crc64';
import { RDB_VERSION, RdbError, RdbIn, RdbOut } from './rdb/encoding';
import { isValueType, readValue, valueLoadOptions, valueWriteOptions, writeValue } from './rdb/values';
import { setPackedThreshold } from './rdb/quicklist';
import { Err } from '../protocol/errors';
import { Notify } from '../store/keyspace';
import type { Value } from '../store/value';
import { wordFromIdleOrFreq } from '../store/lfu';
import { clock } from '../server/clock';
import { optIs, parseLL } from '../commands/args';
import { registerDebug } from '../commands/debug-ext';
import { memtoull } from '../config/cstr';


// ---- the checksum switch ------------------------------------------------------

const skipChecksum = new WeakMap<Server, boolean>();

/** DEBUG SET-SKIP-CHECKSUM-VALIDATION: whether RESTORE and the RDB loader skip CRC checks. */
export function skipChecksumValidation(srv: Server): boolean {
  return skipChecksum.get(srv) === true;
}

// ---- payloads -----------------------------------------------------------------

/** createDumpPayload(): the value, the RDB version and the CRC-64. */
export function dumpPayload(srv: Server, v: Value): Buffer {
  const cfg = srv.config?.values;
  const out = new RdbOut(cfg === undefined ? true : cfg.rdbcompression, 256);
  writeValue(out, v, valueWriteOptions(srv));
  out.u16le(RDB_VERSION);
  out.u64le(crc64(out.bytes()));
  return out.take();
}

/** verifyDumpPayload(): a version this server reads and, unless skipped, the right checksum. */
export function verifyDumpPayload(srv: Server, p: Buffer): boolean {
  if (p.length < 10) return false;
  const version = p[p.length - 10] | (p[p.length - 9] << 8);
  if (version > RDB_VERSION) return false;
  if (skipChecksumValidation(srv)) return true;
  return crc64(p.subarray(0, p.length - 8)) === p.readBigUInt64LE(p.length - 8);
}

/**
 * sanitize-dump-payload for a RESTORE from this client: yes, or clients
 * unless it is the replication master's link.
 */
function deepSanitize(c: Client): boolean {
  const mode = c.server.config?.values['sanitize-dump-payload'] ?? 'no';
  return mode === 'yes' || (mode === 'clients' && !c.flags.includes('M'));
}

/** The value in a verified payload, or null when it cannot be read (Bad data format). */
function loadPayload(c: Client, p: Buffer): Value | null {
  const inp = new RdbIn(p);
  try {
    const type = inp.byte();
    if (!isValueType(type)) return null;
    return readValue(inp, type, valueLoadOptions(c.server, deepSanitize(c)));
  } catch (e) {
    // anything else is a bug of the codec: logged, but the payload is refused all the same
    if (e instanceof RdbError) c.server.log.verbose(`RESTORE: bad payload: ${e.message}`);
    else c.server.log.warning(`RESTORE: unexpected error reading a payload: ${(e as Error).stack ?? String(e)}`);
    return null;
  }
}

// ---- DUMP ---------------------------------------------------------------------

function dump(c: Client, argv: string[]): void {
  const v = c.db.lookupRead(argv[1]);
  if (v === undefined) return c.reply.nullBulk();
  c.reply.bulkBuffer(dumpPayload(c.server, v));
}

// ---- RESTORE ------------------------------------------------------------------

function restore(c: Client, argv: string[]): void {
  let replace = false;
  let absttl = false;
  let freq = -1;
  let idle = -1;
  for (let j = 4; j < argv.length; j++) {
    const more = argv.length - j - 1;
    const a = argv[j];
    if (optIs(a, 'replace')) replace = true;
    else if (optIs(a, 'absttl')) absttl = true;
    else if (optIs(a, 'idletime') && more >= 1 && freq === -1) {
      const v = parseLL(argv[++j]);
      if (v === null) return c.error(Err.notInteger);
      if (v < 0) return c.error(Err.restoreIdletime);
      idle = Number(v);
    } else if (optIs(a, 'freq') && more >= 1 && idle === -1) {
      const v = parseLL(argv[++j]);
      if (v === null) return c.error(Err.notInteger);
      if (v < 0 || v > 255) return c.error(Err.restoreFreq);
      freq = Number(v);
    } else return c.error(Err.syntax);
  }

  const key = argv[1];
  const db = c.db;
  if (!replace && db.lookup(key) !== undefined) return c.error(Err.busyKey);

  const ttlArg = parseLL(argv[2]);
  if (ttlArg === null) return c.error(Err.notInteger);
  if (ttlArg < 0) return c.error(Err.restoreTtl);

  const payload = Buffer.from(argv[3], 'latin1');
  if (!verifyDumpPayload(c.server, payload)) return c.error(Err.dumpPayload);
  const obj = loadPayload(c, payload);
  if (obj === null) return c.error(Err.badDataFormat);

  const deleted = replace && db.delete(key);
  // the expire time, wrapping as Redis's long long addition does
  let when: number | bigint = 0;
  const hasTtl = ttlArg !== 0 && ttlArg !== 0n;
  if (hasTtl) {
    const w = absttl ? BigInt(ttlArg) : BigInt.asIntN(64, BigInt(ttlArg) + BigInt(clock.ms));
    when = w >= -9007199254740991n && w <= 9007199254740991n ? Number(w) : w;
  }
  if (hasTtl && when <= clock.ms && c.server.expireAllowed()) {
    if (deleted) {
      const lazy = c.server.config?.values['lazyfree-lazy-server-del'] === true;
      c.rewriteArgv([lazy ? 'UNLINK' : 'DEL', key]);
      db.written(key, 'del', Notify.generic);
    }
    return c.reply.ok();
  }

  db.setKey(key, obj);
  if (hasTtl) {
    db.setExpire(key, when);
    if (!absttl) {
      const rewritten = argv.slice();
      rewritten[2] = String(when);
      rewritten.push('ABSTTL');
      c.rewriteArgv(rewritten);
    }
  }
  setAccessWord(c, key, obj, freq, idle);
  db.written(key, 'restore', Notify.generic);
  c.reply.ok();
}

/** RESTORE's IDLETIME / FREQ (objectSetLRUOrLFU). */
function setAccessWord(c: Client, key: string, v: Value, freq: number, idle: number): void {
  const word = wordFromIdleOrFreq(c.server.keyspace.lfuPolicy, freq, idle, clock.ms);
  if (word >= 0) c.db.setAccessWord(key, v, word);
}

// ---- DEBUG --------------------------------------------------------------------

/** C atoi() as far as a switch needs: leading blanks, a sign, digits; 0 without them. */
function atoiIsZero(s: string): boolean {
  const n = parseInt(s, 10);
  return Number.isNaN(n) || n === 0;
}

registerDebug('set-skip-checksum-validation', {
  argc: (n) => n === 3,
  handler: (c, argv) => {
    skipChecksum.set(c.server, !atoiIsZero(argv[2]));
    c.reply.ok();
  },
  help: ['SET-SKIP-CHECKSUM-VALIDATION <0|1>', "    Enables or disables checksum checks for RDB files and RESTORE's payload."],
});

registerDebug('quicklist-packed-threshold', {
  argc: (n) => n === 3,
  handler: (c, argv) => {
    const sz = memtoull(argv[2]);
    if (sz === null || sz > (1n << 32n) - (1n << 20n)) {
      return c.error(Err.packedThreshold);
    }
    setPackedThreshold(sz === 0n ? 1 << 30 : Number(sz));
    c.reply.ok();
  },
  help: ['QUICKLIST-PACKED-THRESHOLD <size>', '    Sets the threshold for elements to be inserted as plain vs packed nodes'],
});

export const dumpCommands: CommandSpec[] = [
  { name: 'dump', handler: dump },
  { name: 'restore', handler: restore },
];
