/**
 * Stream reads (t_stream.c): XLEN, XRANGE, XREVRANGE and XREAD (COUNT,
 * BLOCK with `$`, several streams), plus the reply writers and argument
 * helpers the write commands share.
 *
 * Replies: an entry is [id, [f1, v1, ...]]; XREAD answers an array of
 * [key, entries] pairs in RESP2 and a map key -> entries in RESP3, or the
 * null array when nothing can be served.
 */
import type { Client } from '../server/client';
import { parseTimeoutMs, type BlockedOp } from '../server/blocking';
import { Err } from '../protocol/errors';
import type { Db } from '../store/keyspace';
import type { Value } from '../store/value';
import { Stream, StreamIterator } from '../store/stream';
import { MAX_ID, StreamId, ZERO_ID, compareIds, incrId } from '../store/stream-id';
import { longLongArg, optIs } from './args';
import { BLOCKED_DEFAULT_COUNT, rangeBoundArg, replyRange, streamOf, strictIdArg } from './stream-common';

// ---- XLEN -------------------------------------------------------------------

function xlen(c: Client, argv: string[]): void {
  const s = streamOf(c, c.db.lookupRead(argv[1]));
  if (s === null) return;
  c.reply.int(s === undefined ? 0 : s.length);
}

// ---- XRANGE / XREVRANGE -----------------------------------------------------

function xrangeGeneric(c: Client, argv: string[], rev: boolean): void {
  const startArg = rev ? argv[3] : argv[2];
  const endArg = rev ? argv[2] : argv[3];
  const start = rangeBoundArg(c, startArg, false);
  if (start === null) return;
  const end = rangeBoundArg(c, endArg, true);
  if (end === null) return;
  let count = -1;
  for (let j = 4; j < argv.length; j++) {
    if (optIs(argv[j], 'count') && j + 1 < argv.length) {
      const n = longLongArg(c, argv[++j]);
      if (n === null) return;
      count = n < 0 ? 0 : n;
    } else return c.error(Err.syntax);
  }
  const v = c.db.lookupRead(argv[1]);
  if (v === undefined) return c.reply.array(0);
  const s = streamOf(c, v);
  if (s === null || s === undefined) return;
  if (count === 0) return c.reply.nullArray();
  replyRange(c, s, start, end, count === -1 ? 0 : count, rev);
}

// ---- XREAD ------------------------------------------------------------------

/** A client blocked in XREAD: served once a stream's last ID passes the one it waits after. */
class BlockedRead implements BlockedOp {
  readonly type = 'stream' as const;
  constructor(
    private readonly after: Map<string, StreamId>,
    private readonly count: number,
  ) {}

  serve(c: Client, _db: Db, key: string, value: Value): boolean {
    const s = value as Stream;
    const gt = this.after.get(key)!;
    if (compareIds(s.lastId, gt) <= 0) return false;
    const r = c.reply;
    if (r.proto === 3) r.map(1);
    else {
      r.array(1);
      r.array(2);
    }
    r.bulk(key);
    replyRange(c, s, incrId(gt) ?? ZERO_ID, MAX_ID, this.count, false);
    return true;
  }
}

function xread(c: Client, argv: string[]): void {
  const argc = argv.length;
  let deadline = -1;
  let count = 0;
  let streamsArg = 0;
  let nstreams = 0;
  for (let i = 1; i < argc; i++) {
    const o = argv[i];
    const more = argc - i - 1;
    if (optIs(o, 'block') && more > 0) {
      // no sense in blocking from a script: refused as Redis refuses it
      if (c.script) return c.error('ERR XREAD command is not allowed with BLOCK option from scripts');
      const d = parseTimeoutMs(c, argv[++i]);
      if (d === null) return;
      deadline = d;
    } else if (optIs(o, 'count') && more > 0) {
      const n = longLongArg(c, argv[++i]);
      if (n === null) return;
      count = n < 0 ? 0 : n;
    } else if (optIs(o, 'streams') && more > 0) {
      streamsArg = i + 1;
      if ((argc - streamsArg) % 2 !== 0) return c.error(Err.xreadUnbalanced);
      nstreams = (argc - streamsArg) / 2;
      break;
    } else if (optIs(o, 'group') && more >= 2) {
      return c.error(Err.xreadGroup);
    } else if (optIs(o, 'noack')) {
      return c.error(Err.xreadNoack);
    } else return c.error(Err.syntax);
  }
  if (streamsArg === 0) return c.error(Err.syntax);

  // resolve the IDs ('$' = the stream's last ID now), checking types in order
  const db = c.db;
  const ids = new Array<StreamId>(nstreams);
  for (let k = 0; k < nstreams; k++) {
    const s = streamOf(c, db.lookupRead(argv[streamsArg + k]));
    if (s === null) return;
    const arg = argv[streamsArg + nstreams + k];
    if (arg === '$') {
      ids[k] = s === undefined ? ZERO_ID : s.lastId;
      continue;
    }
    if (arg === '>') return c.error(Err.xreadGreater);
    const id = strictIdArg(c, arg);
    if (id === null) return;
    ids[k] = id;
  }

  // serve what is there now: every stream with entries past its ID
  const r = c.reply;
  let served = 0;
  let pos = 0;
  for (let k = 0; k < nstreams; k++) {
    const key = argv[streamsArg + k];
    const s = db.lookupRead(key) as Stream | undefined;
    if (s === undefined) continue;
    const gt = ids[k];
    const last = s.lastValidId();
    if (last === null || compareIds(last, gt) <= 0) continue;
    if (served++ === 0) pos = r.deferArray();
    if (r.proto !== 3) r.array(2);
    r.bulk(key);
    replyRange(c, s, incrId(gt) ?? ZERO_ID, MAX_ID, count, false);
  }
  if (served !== 0) return r.setDeferred(pos, served, r.proto === 3 ? 'map' : 'array');

  if (deadline !== -1 && !c.denyBlocking) {
    const after = new Map<string, StreamId>();
    const keys: string[] = [];
    for (let k = 0; k < nstreams; k++) {
      const key = argv[streamsArg + k];
      if (after.has(key)) continue; // the first ID given for a key is the one waited on
      after.set(key, ids[k]);
      keys.push(key);
    }
    c.server.blocking.block(c, keys, deadline, new BlockedRead(after, count || BLOCKED_DEFAULT_COUNT));
    return;
  }
  r.nullArray();
}

export const streamReadCommands = [
  { name: 'xlen', handler: xlen },
  { name: 'xrange', handler: (c: Client, argv: string[]) => xrangeGeneric(c, argv, false) },
  { name: 'xrevrange', handler: (c: Client, argv: string[]) => xrangeGeneric(c, argv, true) },
  { name: 'xread', handler: xread },
];
