/**
 * Stream writes (t_stream.c): XADD (NOMKSTREAM, MAXLEN/MINID with = or ~
 * and LIMIT, `*`, `ms-*` and explicit IDs), XDEL, XTRIM, XSETID; the reads
 * are in stream-read.ts, consumer groups in stream-groups.ts.
 *
 * Propagation follows Redis 7.0: XADD goes out with its ID made explicit,
 * and an approximate trim (XADD or XTRIM with `~`) goes out as an exact one
 * (`=`) whose threshold is what was actually kept - the length for MAXLEN,
 * the first ID still stored (deleted or not) for MINID - so that replicas and the AOF end with
 * the same entries whatever their node layout.
 */
import type { CommandSpec } from '../server/command';
import type { Client } from '../server/client';
import { Err } from '../protocol/errors';
import { Notify } from '../store/keyspace';
import { clock } from '../server/clock';
import { DEFAULT_STREAM_LIMITS, Stream, StreamLimits, TrimSpec } from '../store/stream';
import {
  MAX_ID,
  SeqGiven,
  StreamId,
  ZERO_ID,
  compareIds,
  formatId,
  idEquals,
  isZeroId,
  lastSeqGiven,
  parseId,
} from '../store/stream-id';
import { longLongArg, optIs, parseLL } from './args';
import { streamReadCommands } from './stream-read';
import { streamOf, strictIdArg } from './stream-common';

// ---- helpers ----------------------------------------------------------------

const LIMITS: StreamLimits = { ...DEFAULT_STREAM_LIMITS };

/** stream-node-max-entries / -bytes, read from the config on each write. */
function streamLimits(c: Client): StreamLimits {
  const cfg = c.server.config;
  if (cfg !== undefined && cfg !== null) {
    LIMITS.maxEntries = cfg.values['stream-node-max-entries'];
    LIMITS.maxBytes = cfg.values['stream-node-max-bytes'];
  }
  return LIMITS;
}

/**
 * mustObeyClient(): the replication master's link (or, once there is one,
 * the AOF loader), whose trimming arguments were already made exact.
 */
function obeysPrimary(c: Client): boolean {
  return c.flags.includes('M');
}

/** An argument equal to `w` as a C string (ends at the first NUL). */
function isWord(a: string, w: string): boolean {
  return a === w || (a.length > w.length && a.startsWith(w) && a.charCodeAt(w.length) === 0);
}

/** The parsed options of XADD / XTRIM (streamAddTrimArgs). */
interface TrimArgs {
  spec: TrimSpec | null;
  /** Index of the `~` / `=` argument, -1 when none was given. */
  approxPos: number;
  /** Index of the MAXLEN / MINID threshold argument. */
  thresholdPos: number;
  nomkstream: boolean;
  /** XADD: index of the ID argument. */
  idPos: number;
  /** XADD: the ID given (null for `*`). */
  id: StreamId | null;
  seqGiven: SeqGiven;
}

/**
 * streamParseAddOrTrimArgsOrReply(): parse XADD's options and ID (`xadd`)
 * or XTRIM's options, from argv[2]. Null after replying an error.
 */
function parseAddOrTrim(c: Client, argv: string[], xadd: boolean): TrimArgs | null {
  const argc = argv.length;
  const a: TrimArgs = {
    spec: null,
    approxPos: -1,
    thresholdPos: -1,
    nomkstream: false,
    idPos: argc,
    id: null,
    seqGiven: SeqGiven.Explicit,
  };
  let strategy: 'maxlen' | 'minid' | null = null;
  let approx = false;
  let maxlen = 0;
  let minid = ZERO_ID;
  let limit = 0;
  let limitGiven = false;
  let i = 2;
  for (; i < argc; i++) {
    const more = argc - 1 - i;
    const opt = argv[i];
    if (xadd && isWord(opt, '*')) {
      break;
    } else if ((optIs(opt, 'maxlen') || optIs(opt, 'minid')) && more > 0) {
      if (strategy !== null) {
        c.error(Err.xMaxlenAndMinid);
        return null;
      }
      strategy = optIs(opt, 'maxlen') ? 'maxlen' : 'minid';
      const next = argv[i + 1];
      if (more >= 2 && (isWord(next, '~') || isWord(next, '='))) {
        approx = isWord(next, '~');
        a.approxPos = ++i;
      }
      a.thresholdPos = ++i;
      if (strategy === 'maxlen') {
        const n = longLongArg(c, argv[i]);
        if (n === null) return null;
        if (n < 0) {
          c.error(Err.xMaxlenNegative);
          return null;
        }
        maxlen = n;
      } else {
        const id = strictIdArg(c, argv[i]);
        if (id === null) return null;
        minid = id;
      }
    } else if (optIs(opt, 'limit') && more > 0) {
      const n = longLongArg(c, argv[++i]);
      if (n === null) return null;
      if (n < 0) {
        c.error(Err.xLimitNegative);
        return null;
      }
      limit = n;
      limitGiven = true;
    } else if (xadd && optIs(opt, 'nomkstream')) {
      a.nomkstream = true;
    } else if (xadd) {
      // anything else is the ID (or a syntax error reported as a bad ID)
      const id = parseId(opt, false, true, true);
      if (id === null) {
        c.error(Err.invalidStreamId);
        return null;
      }
      a.id = id;
      a.seqGiven = lastSeqGiven;
      break;
    } else {
      c.error(Err.syntax);
      return null;
    }
  }
  a.idPos = i;
  if (limit !== 0 && strategy === null) {
    c.error(Err.xLimitWithoutStrategy);
    return null;
  }
  if (!xadd && strategy === null) {
    c.error(Err.xtrimNoStrategy);
    return null;
  }
  if (obeysPrimary(c)) {
    limit = 0;
  } else if (limitGiven) {
    if (!approx) {
      c.error(Err.xLimitWithoutApprox);
      return null;
    }
  } else if (approx) {
    // Redis's default work bound for `~`: 100 nodes' worth
    limit = 100 * LIMITS.maxEntries;
    if (limit <= 0) limit = 10000;
    if (limit > 1000000) limit = 1000000;
  }
  if (strategy !== null) a.spec = { strategy, maxlen, minid, approx, limit };
  return a;
}

/**
 * After an approximate trim, the exact form to propagate: `~` becomes `=`
 * and the threshold what was kept (streamRewriteApproxSpecifier() and
 * streamRewriteTrimArgument()).
 */
function exactTrimArgv(argv: string[], a: TrimArgs, s: Stream, inPlace = false): string[] {
  const out = inPlace ? argv : argv.slice();
  out[a.approxPos] = '=';
  out[a.thresholdPos] = a.spec!.strategy === 'maxlen' ? String(s.length) : formatId(s.firstStoredId());
  return out;
}

// ---- XADD -------------------------------------------------------------------

/** The options of the common `XADD key * field value...`: nothing to parse. */
const AUTO_ID_ONLY: TrimArgs = {
  spec: null,
  approxPos: -1,
  thresholdPos: -1,
  nomkstream: false,
  idPos: 2,
  id: null,
  seqGiven: SeqGiven.Explicit,
};

function xadd(c: Client, argv: string[]): void {
  const limits = streamLimits(c);
  const a = argv[2] === '*' ? AUTO_ID_ONLY : parseAddOrTrim(c, argv, true);
  if (a === null) return;
  const argc = argv.length;
  const fieldPos = a.idPos + 1;
  if (argc - fieldPos < 2 || ((argc - fieldPos) & 1) === 1) return c.error(Err.arity('xadd'));
  if (a.id !== null && a.seqGiven !== SeqGiven.Auto && isZeroId(a.id)) return c.error(Err.xaddIdZero);

  const key = argv[1];
  const db = c.db;
  const v = db.lookup(key);
  let s: Stream;
  if (v === undefined) {
    if (a.nomkstream) return c.reply.nullBulk();
    s = new Stream();
    db.setKey(key, s);
  } else if (v instanceof Stream) {
    s = v;
  } else return c.error(Err.wrongType);
  if (idEquals(s.lastId, MAX_ID)) return c.error(Err.streamExhausted);

  let id: StreamId | null;
  // the event's cached clock: one "now" per command, like the rest of the server
  if (a.id === null) id = s.nextAutoId(clock.ms);
  else if (a.seqGiven === SeqGiven.Auto) id = s.nextSeqId(a.id.msHi, a.id.msLo);
  else id = compareIds(a.id, s.lastId) > 0 ? a.id : null;
  if (id === null) return c.error(Err.xaddIdTooSmall);

  s.append(id, argv, fieldPos, argc, limits);
  const idStr = formatId(id);
  c.reply.bulk(idStr);
  db.written(key, 'xadd', Notify.stream);

  let prop: string[] | null = null;
  if (a.id === null || a.seqGiven === SeqGiven.Auto) {
    prop = argv.slice();
    prop[a.idPos] = idStr;
  }
  if (a.spec !== null) {
    if (s.trim(a.spec) !== 0) db.written(key, 'xtrim', Notify.stream, 0);
    if (a.spec.approx) prop = prop === null ? exactTrimArgv(argv, a, s) : exactTrimArgv(prop, a, s, true);
  }
  if (prop !== null) c.rewriteArgv(prop);
  // wake XREAD / XREADGROUP clients waiting on this key (a new key signalled itself)
  if (v !== undefined && c.server.keyspace.blockedKeyCount !== 0) c.server.blocking.signal(db, key);
}

// ---- XDEL -------------------------------------------------------------------

function xdel(c: Client, argv: string[]): void {
  const key = argv[1];
  const db = c.db;
  const v = db.lookup(key);
  if (v === undefined) return c.reply.int(0);
  const s = streamOf(c, v);
  if (s === null || s === undefined) return;
  const ids = new Array<StreamId>(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const id = strictIdArg(c, argv[j]);
    if (id === null) return;
    ids[j - 2] = id;
  }
  let deleted = 0;
  for (let j = 0; j < ids.length; j++) if (s.delete(ids[j])) deleted++;
  if (deleted !== 0) db.written(key, 'xdel', Notify.stream, deleted);
  c.reply.int(deleted);
}

// ---- XTRIM ------------------------------------------------------------------

function xtrim(c: Client, argv: string[]): void {
  // the default `~` work bound reads the node size from the config
  streamLimits(c);
  const a = parseAddOrTrim(c, argv, false);
  if (a === null) return;
  const key = argv[1];
  const db = c.db;
  const v = db.lookup(key);
  if (v === undefined) return c.reply.int(0);
  const s = streamOf(c, v);
  if (s === null || s === undefined) return;
  const deleted = s.trim(a.spec!);
  if (deleted !== 0) {
    db.written(key, 'xtrim', Notify.stream, deleted);
    if (a.spec!.approx) c.rewriteArgv(exactTrimArgv(argv, a, s));
  }
  c.reply.int(deleted);
}

// ---- XSETID -----------------------------------------------------------------

function xsetid(c: Client, argv: string[]): void {
  const id = strictIdArg(c, argv[2]);
  if (id === null) return;
  let entriesAdded: number | bigint = -1;
  let maxDeleted = ZERO_ID;
  for (let i = 3; i < argv.length; i += 2) {
    const opt = argv[i];
    const more = argv.length - 1 - i;
    if (optIs(opt, 'entriesadded') && more > 0) {
      const n = parseLL(argv[i + 1]);
      if (n === null) return c.error(Err.notInteger);
      if (n < 0) return c.error(Err.xsetidEntriesNegative);
      entriesAdded = n;
    } else if (optIs(opt, 'maxdeletedid') && more > 0) {
      const m = strictIdArg(c, argv[i + 1]);
      if (m === null) return;
      if (compareIds(id, m) < 0) return c.error(Err.xsetidBelowGivenMaxDeleted);
      maxDeleted = m;
    } else return c.error(Err.syntax);
  }
  const key = argv[1];
  const db = c.db;
  const v = db.lookup(key);
  if (v === undefined) return c.error(Err.noSuchKey);
  const s = streamOf(c, v);
  if (s === null || s === undefined) return;
  if (s.length > 0) {
    const top = s.lastValidId()!;
    if (compareIds(id, top) < 0) return c.error(Err.xsetidTooSmall);
    if (entriesAdded !== -1 && s.length > entriesAdded) return c.error(Err.xsetidEntriesAdded);
  }
  s.lastId = id;
  if (entriesAdded !== -1) s.setEntriesAdded(entriesAdded);
  if (!isZeroId(maxDeleted)) s.maxDeletedId = maxDeleted;
  c.reply.ok();
  // Redis 7.0's XSETID fires its event but does not signal the key modified (no WATCH / tracking invalidation)
  db.changed(key, 'xsetid', Notify.stream);
}

export const streamCommands: CommandSpec[] = [
  { name: 'xadd', handler: xadd },
  { name: 'xdel', handler: xdel },
  { name: 'xtrim', handler: xtrim },
  { name: 'xsetid', handler: xsetid },
  ...streamReadCommands,
];
