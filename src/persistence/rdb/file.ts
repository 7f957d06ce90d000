/**
 * RDB files as Redis 7.0 writes and reads them (RDB version 10): the
 * "REDIS0010" header, aux fields, function libraries, then per database
 * SELECTDB and RESIZEDB followed by its keys (expire time, LRU idle or LFU
 * frequency, then type, key and value), and EOF with the CRC-64 of
 * everything before it.
 *
 * RdbFileWriter is a snapshot visitor producing the file in chunks (a save
 * writes them out as the walk goes); loadRdbBuffer() reads a whole file into
 * the keyspace, throwing an RdbError that names the offset on anything
 * wrong, before any key of a corrupt file is left half-loaded in a db.
 */
import type { Server } from '../../server/server';
import type { SnapshotVisitor } from '../snapshot';
import type { Value } from '../../store/value';
import { clock } from '../../server/clock';
import { crc64 } from '../crc64';
import { REDIS_VERSION } from '../../version';
import { RDB_VERSION, RdbError, RdbIn, RdbOp, RdbOut, RdbType } from './encoding';
import { RdbEmptyKeyError, isValueType, readValue, valueLoadOptions, valueWriteOptions, writeValue, ValueLoadOptions, ValueWriteOptions } from './values';
import { skipChecksumValidation } from '../dump-commands';
import { serverFunctions } from '../../scripting/functions/commands';
import { lfuDecrAndReturn, lruIdleSeconds, wordFromIdleOrFreq } from '../../store/lfu';

/** Flush the buffered bytes to the sink once they pass this. */
const CHUNK = 32 << 10;

export interface RdbWriterOptions {
  compress: boolean;
  checksum: boolean;
  /** aof-base aux field: 1 when the file is an AOF's base. */
  aofBase?: boolean;
}

export class RdbFileWriter implements SnapshotVisitor {
  private readonly out: RdbOut;
  /** A value is written here first: the file has its type byte before the key. */
  private readonly scratch: RdbOut;
  private readonly valueOptions: ValueWriteOptions;
  private crc = 0n;
  private readonly withChecksum: boolean;
  /** maxmemory-policy decides whether keys carry an LRU idle time or an LFU counter, as Redis's rdbSaveKeyValuePair. */
  private readonly policy: 'lru' | 'lfu' | 'none';

  constructor(
    private readonly srv: Server,
    /** Consumes each chunk before returning: the chunk's memory is reused. */
    private readonly sink: (chunk: Buffer) => void,
    opts: RdbWriterOptions,
  ) {
    this.out = new RdbOut(opts.compress, CHUNK + 65536);
    this.scratch = new RdbOut(opts.compress);
    this.valueOptions = valueWriteOptions(srv);
    this.withChecksum = opts.checksum;
    const p = String(srv.config?.values['maxmemory-policy'] ?? 'noeviction');
    this.policy = p.endsWith('-lru') ? 'lru' : p.endsWith('-lfu') ? 'lfu' : 'none';
    this.header(opts.aofBase === true);
  }

  private header(aofBase: boolean): void {
    const o = this.out;
    o.rawString(`REDIS${String(RDB_VERSION).padStart(4, '0')}`);
    this.aux('redis-ver', REDIS_VERSION);
    this.aux('redis-bits', '64');
    this.aux('ctime', String(Math.floor(Date.now() / 1000)));
    this.aux('used-mem', String(process.memoryUsage().heapUsed));
    this.aux('aof-base', aofBase ? '1' : '0');
    for (const lib of serverFunctions(this.srv).ctx.libraries.values()) {
      o.byte(RdbOp.FUNCTION2);
      o.string(lib.code);
    }
  }

  private aux(k: string, v: string): void {
    this.out.byte(RdbOp.AUX);
    this.out.string(k);
    this.out.string(v);
  }

  dbStart(dbid: number, keys: number, expires: number): void {
    const o = this.out;
    o.byte(RdbOp.SELECTDB);
    o.length(dbid);
    o.byte(RdbOp.RESIZEDB);
    o.length(keys);
    o.length(expires);
  }

  key(dbid: number, key: string, value: Value, expireMs: number): void {
    const o = this.out;
    if (expireMs !== -1) {
      o.byte(RdbOp.EXPIRETIME_MS);
      o.i64le(expireMs);
    }
    if (this.policy !== 'none') {
      const ks = this.srv.keyspace;
      const word = ks.dbs[dbid].accessWord(key, value);
      if (this.policy === 'lru') {
        o.byte(RdbOp.IDLE);
        o.length(lruIdleSeconds(word, clock.ms));
      } else {
        o.byte(RdbOp.FREQ);
        o.byte(lfuDecrAndReturn(word, clock.ms, ks.lfuDecayTime));
      }
    }
    if (typeof value === 'string') {
      // the common case, whose type byte is known first: straight into the file's buffer
      o.byte(RdbType.STRING);
      o.string(key);
      o.string(value);
    } else {
      const sc = this.scratch;
      sc.len = 0;
      writeValue(sc, value, this.valueOptions);
      o.byte(sc.buf[0]);
      o.string(key);
      o.rawFrom(sc, 1, sc.len);
    }
    if (o.len >= CHUNK) this.flush();
  }

  /** The sink gets a view of the buffer, reused afterwards: it must consume the bytes before returning (a sync write). */
  private flush(): void {
    if (this.out.len === 0) return;
    const chunk = this.out.bytes();
    if (this.withChecksum) this.crc = crc64(chunk, this.crc);
    this.sink(chunk);
    this.out.len = 0;
  }

  /** EOF and the checksum (zero when rdbchecksum is off, which loaders take as "not checked"). */
  finish(): void {
    this.out.byte(RdbOp.EOF);
    this.flush();
    const tail = Buffer.alloc(8);
    if (this.withChecksum) tail.writeBigUInt64LE(this.crc);
    this.sink(tail);
  }
}

export interface LoadResult {
  keysLoaded: number;
  keysExpired: number;
  /** The aux fields (redis-ver, ctime, used-mem...). */
  aux: Map<string, string>;
}

/**
 * How a server loads a dump from disk: the CRC checked unless rdbchecksum
 * is off or DEBUG SET-SKIP-CHECKSUM-VALIDATION is on; deep checks only under
 * sanitize-dump-payload yes (clients: RESTOREs only); encodings from the
 * config; expired keys dropped for a dump, kept for an AOF preamble.
 */
export function serverLoadOptions(srv: Server, dropExpired: boolean): LoadOptions {
  const values = srv.config?.values;
  return {
    skipChecksum: values?.rdbchecksum === false || skipChecksumValidation(srv),
    dropExpired,
    values: valueLoadOptions(srv, values?.['sanitize-dump-payload'] === 'yes'),
  };
}

export interface LoadOptions {
  /** Skip the CRC check (rdbchecksum no, DEBUG SET-SKIP-CHECKSUM-VALIDATION 1). */
  skipChecksum: boolean;
  /** Keys already expired are dropped (a master loading; replicas keep them). */
  dropExpired: boolean;
  values: ValueLoadOptions;
}

/**
 * Loads an RDB image into the server's (empty) keyspace, key by key as
 * Redis does, in steps (the server answers -LOADING between them): a file
 * found corrupt part way leaves what was read before (startup then stops;
 * DEBUG RELOAD reports the error). Every failure is an RdbError with the
 * offset.
 */
export class RdbLoader {
  private readonly inp: RdbIn;
  private readonly libraries: string[] = [];
  private readonly now = clock.ms;
  private db = 0;
  private expire = -1;
  /** The IDLE (seconds) and FREQ before the next key, -1 when none. */
  private idle = -1;
  private freq = -1;
  private done = false;
  private emptySkipped = 0;
  private readonly version: number;
  readonly result: LoadResult = { keysLoaded: 0, keysExpired: 0, aux: new Map() };

  constructor(
    private readonly srv: Server,
    private readonly buf: Buffer,
    private readonly opts: LoadOptions,
  ) {
    const inp = (this.inp = new RdbIn(buf));
    if (buf.length < 9 || buf.latin1Slice(0, 5) !== 'REDIS') inp.fail('Wrong signature trying to load DB from file', 0);
    const version = Number(buf.latin1Slice(5, 9));
    if (!Number.isInteger(version) || version < 1 || version > RDB_VERSION) inp.fail(`Can't handle RDB format version ${buf.latin1Slice(5, 9)}`, 5);
    this.version = version;
    inp.pos = 9;
  }

  /** Bytes read so far (INFO loading_loaded_bytes). */
  get loadedBytes(): number {
    return this.inp.pos;
  }

  /** Read on for about `budgetMs` (Infinity: to the end); true once the whole file is loaded. */
  step(budgetMs = Infinity): boolean {
    if (this.done) return true;
    const inp = this.inp;
    const ks = this.srv.keyspace;
    const result = this.result;
    const start = Date.now();
    let n = 0;
    for (;;) {
      if (budgetMs !== Infinity && (++n & 1023) === 0 && Date.now() - start >= budgetMs) return false;
      const at = inp.pos;
      const type = inp.byte();
      switch (type) {
        case RdbOp.EXPIRETIME:
          this.expire = inp.i32le() * 1000;
          continue;
        case RdbOp.EXPIRETIME_MS:
          this.expire = Number(inp.i64le());
          continue;
        case RdbOp.IDLE:
          this.idle = inp.length();
          continue;
        case RdbOp.FREQ:
          this.freq = inp.byte();
          continue;
        case RdbOp.SELECTDB:
          this.db = inp.length();
          if (this.db >= ks.dbs.length) inp.fail(`FATAL: Data file was created with a Redis server configured to handle more than ${ks.dbs.length} databases. Exiting`, at);
          continue;
        case RdbOp.RESIZEDB:
          inp.length();
          inp.length();
          continue;
        case RdbOp.AUX: {
          const k = inp.string();
          result.aux.set(k, inp.string());
          continue;
        }
        case RdbOp.MODULE_AUX:
          return inp.fail("The RDB file contains AUX module data I can't load: no matching module", at);
        case RdbOp.FUNCTION2:
          this.libraries.push(inp.string());
          continue;
        case RdbOp.FUNCTION_PRE_GA:
          return inp.fail('Pre-release function format not supported.', at);
        case RdbOp.EOF:
          this.finish();
          return true;
        default: {
          if (!isValueType(type, this.version)) inp.fail(`Unknown RDB encoding type ${type}`, at);
          const key = inp.string();
          let value: Value;
          try {
            value = readValue(inp, type, this.opts.values);
          } catch (e) {
            // an empty collection (written by older versions) is skipped, as Redis does
            if (!(e instanceof RdbEmptyKeyError)) throw e;
            if (this.emptySkipped++ < 10) this.srv.log.warning(`rdbLoadObject skipping empty key: ${key}`);
            this.expire = this.idle = this.freq = -1;
            continue;
          }
          const expire = this.expire;
          const idle = this.idle;
          const freq = this.freq;
          this.expire = this.idle = this.freq = -1;
          if (this.opts.dropExpired && expire !== -1 && expire < this.now) result.keysExpired++;
          else {
            const d = ks.dbs[this.db];
            if (d.dict.has(key)) inp.fail(`RDB has duplicated key '${key}' in DB ${this.db}`, at);
            d.loadKey(key, value, expire);
            // rdbLoad's objectSetLRUOrLFU: the access word the dump recorded
            const word = idle === -1 && freq === -1 ? -1 : wordFromIdleOrFreq(ks.lfuPolicy, freq, idle, clock.ms);
            if (word >= 0) d.setAccessWord(key, value, word);
            result.keysLoaded++;
          }
        }
      }
    }
  }

  /** After EOF: the checksum, then the function libraries. */
  private finish(): void {
    this.done = true;
    const inp = this.inp;
    const end = inp.pos;
    // files before version 5 end at EOF; a zero checksum means it was not computed (rdbchecksum no)
    const expected = this.version >= 5 ? inp.u64le() : 0n;
    if (!this.opts.skipChecksum && expected !== 0n && crc64(this.buf.subarray(0, end)) !== expected) {
      throw new RdbError('Wrong RDB checksum expected', end);
    }
    if (this.libraries.length !== 0) {
      const err = serverFunctions(this.srv).restore(this.libraries, 'append');
      if (err !== null) throw new RdbError(`Failed loading library: ${err}`, 0);
    }
  }
}

/** The whole image at once (DEBUG RELOAD, an AOF's RDB base). */
export function loadRdbBuffer(srv: Server, buf: Buffer, opts: LoadOptions): LoadResult {
  const loader = new RdbLoader(srv, buf, opts);
  loader.step();
  return loader.result;
}
