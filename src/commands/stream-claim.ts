/**
 * XCLAIM and XAUTOCLAIM (t_stream.c): change the owner of pending entries,
 * dropping from the PEL the ones whose entry was deleted (XAUTOCLAIM lists
 * those as its third reply element, Redis 7.0). Each claim or drop is
 * propagated as an XCLAIM ... FORCE JUSTID LASTID, an XCLAIM that only moves
 * LASTID forward as XGROUP SETID ... ENTRIESREAD.
 */
import type { Client } from '../server/client';
import { Err } from '../protocol/errors';
import { Stream } from '../store/stream';
import { StreamId, ZERO_ID, compareIds, formatId, idKey, parseId } from '../store/stream-id';
import { Consumer, Counter, Nack, counterAdd } from '../store/stream-groups';
import { longLongArg, optIs, parseLL } from './args';
import { propagateAs } from './propagate';
import { clock } from '../server/clock';
import { lookupGroup, setidArgv, touchConsumer, xclaimArgv } from './stream-group-common';
import { rangeBoundArg, replyEntry, streamOf, strictIdArg } from './stream-common';

// ---------------------------------------------------------------------------
// XCLAIM, XAUTOCLAIM
// ---------------------------------------------------------------------------

/** Reply the claimed entry: its ID (JUSTID) or the entry, null when it vanished. */
function replyClaimed(c: Client, s: Stream, id: StreamId, justid: boolean): void {
  if (justid) return c.reply.bulk(formatId(id));
  const fields = s.get(id);
  if (fields === null) c.reply.nullArray();
  else replyEntry(c, id, fields);
}

export function xclaim(c: Client, argv: string[]): void {
  const db = c.db;
  const key = argv[1];
  const s = streamOf(c, db.lookupRead(key));
  if (s === null) return;
  const g = lookupGroup(c, s, key, argv[2]);
  if (g === null) return;
  let minIdle = longLongArg(c, argv[4], Err.xclaimMinIdle);
  if (minIdle === null) return;
  if (minIdle < 0) minIdle = 0;

  // the IDs first: the command claims all or nothing
  const ids: StreamId[] = [];
  let j = 5;
  for (; j < argv.length; j++) {
    const id = parseId(argv[j], false, true);
    if (id === null) break;
    ids.push(id);
  }
  const now = clock.ms;
  let retryCount: Counter = -1;
  let deliveryTime = -1;
  let force = false;
  let justid = false;
  let lastId = ZERO_ID;
  for (; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const o = argv[j];
    if (optIs(o, 'force')) force = true;
    else if (optIs(o, 'justid')) justid = true;
    else if (optIs(o, 'idle') && more) {
      const v = longLongArg(c, argv[++j], Err.xclaimIdle);
      if (v === null) return;
      deliveryTime = now - v;
    } else if (optIs(o, 'time') && more) {
      const v = longLongArg(c, argv[++j], Err.xclaimTime);
      if (v === null) return;
      deliveryTime = v;
    } else if (optIs(o, 'retrycount') && more) {
      const v = parseLL(argv[++j]);
      if (v === null) return c.error(Err.xclaimRetryCount);
      retryCount = v;
    } else if (optIs(o, 'lastid') && more) {
      const id = strictIdArg(c, argv[++j]);
      if (id === null) return;
      lastId = id;
    } else return c.error(Err.xclaimOption(o));
  }

  let propagateLastId = false;
  if (compareIds(lastId, g.lastId) > 0) {
    g.lastId = lastId;
    propagateLastId = true;
  }
  // a bogus time (the client's clock) means now rather than an error
  if (deliveryTime === -1 || deliveryTime < 0 || deliveryTime > now) deliveryTime = now;

  const prop: string[][] = [];
  let consumer: Consumer | null = null;
  const r = c.reply;
  const pos = r.deferArray();
  let n = 0;
  let dirty = 0;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    const k = idKey(id);
    let nack = g.pel.get(k);
    if (!s!.has(id)) {
      // the entry is gone: drop it from the PEL too
      if (nack !== undefined) {
        prop.push(xclaimArgv(key, g, argv[5 + i], nack));
        propagateLastId = false;
        dirty++;
        g.forget(nack);
      }
      continue;
    }
    if (force && nack === undefined) {
      nack = new Nack(k, id, null, now, 1); // streamCreateNACK(): delivered once
      g.pel.insert(nack);
    }
    if (nack === undefined) continue;
    if (nack.consumer !== null && minIdle !== 0 && now - nack.deliveryTime < minIdle) continue;
    if (consumer === null) consumer = touchConsumer(db, key, g, argv[3]).consumer;
    g.transfer(nack, consumer);
    nack.deliveryTime = deliveryTime;
    if (retryCount >= 0) nack.deliveryCount = retryCount;
    else if (!justid) nack.deliveryCount = counterAdd(nack.deliveryCount, 1);
    replyClaimed(c, s!, id, justid);
    n++;
    prop.push(xclaimArgv(key, g, argv[5 + i], nack));
    propagateLastId = false;
    dirty++;
  }
  if (propagateLastId) {
    prop.push(setidArgv(key, g));
    dirty++;
  }
  r.setDeferred(pos, n);
  db.changed(key, null, 0, dirty);
  propagateAs(c, prop);
}

/** Largest XAUTOCLAIM COUNT: LONG_MAX / max(sizeof(streamID), attempts factor). */
const XAUTOCLAIM_MAX_COUNT = 576460752303423487n;
/**
 * Bytes from which Redis's up-front ztrymalloc(COUNT * 16) fails: more than
 * the 128 TiB user address space of x86-64 / arm64 Linux (smaller requests
 * succeed on an overcommitting kernel; measured on 7.0.15).
 */
const XAUTOCLAIM_ALLOC_LIMIT = 2 ** 47;

export function xautoclaim(c: Client, argv: string[]): void {
  const db = c.db;
  const key = argv[1];
  let minIdle = longLongArg(c, argv[4], Err.xautoclaimMinIdle);
  if (minIdle === null) return;
  if (minIdle < 0) minIdle = 0;
  const start = rangeBoundArg(c, argv[5], false);
  if (start === null) return;
  let count = 100;
  let justid = false;
  for (let j = 6; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (optIs(argv[j], 'count') && more) {
      const v = parseLL(argv[j + 1]);
      if (v === null || v < 1 || BigInt(v) > XAUTOCLAIM_MAX_COUNT) return c.error(Err.xautoclaimCount);
      count = Number(v);
      j++;
    } else if (optIs(argv[j], 'justid')) justid = true;
    else return c.error(Err.syntax);
  }
  const s = streamOf(c, db.lookupRead(key));
  if (s === null) return;
  const g = lookupGroup(c, s, key, argv[2]);
  if (g === null) return;
  // Redis allocates COUNT stream IDs up front; an allocation that size fails
  if (count * 16 >= XAUTOCLAIM_ALLOC_LIMIT) return c.error(Err.xautoclaimTooHigh);

  let attempts = count * 10;
  const now = clock.ms;
  const r = c.reply;
  const prop: string[][] = [];
  const deleted: StreamId[] = [];
  let consumer: Consumer | null = null;
  // the reply starts with the cursor, known only at the end
  const claimed: StreamId[] = [];
  const pel = g.pel;
  const cur = pel.seek(idKey(start));
  let dirty = 0;
  for (; attempts > 0 && count > 0; ) {
    attempts--;
    const nack = pel.at(cur);
    if (nack === undefined) break;
    const idStr = formatId(nack.id);
    if (!s!.has(nack.id)) {
      prop.push(xclaimArgv(key, g, idStr, nack));
      dirty++;
      pel.removeAt(cur);
      nack.consumer?.pel.remove(nack.key);
      deleted.push(nack.id);
      count--;
      continue;
    }
    if (minIdle !== 0 && now - nack.deliveryTime < minIdle) {
      pel.advance(cur);
      continue;
    }
    if (consumer === null) consumer = touchConsumer(db, key, g, argv[3]).consumer;
    g.transfer(nack, consumer);
    nack.deliveryTime = now;
    if (!justid) nack.deliveryCount = counterAdd(nack.deliveryCount, 1);
    claimed.push(nack.id);
    count--;
    prop.push(xclaimArgv(key, g, idStr, nack));
    dirty++;
    pel.advance(cur);
  }
  const next = pel.at(cur);
  r.array(3);
  r.bulk(next === undefined ? '0-0' : formatId(next.id));
  r.array(claimed.length);
  for (const id of claimed) replyClaimed(c, s!, id, justid);
  r.array(deleted.length);
  for (const id of deleted) r.bulk(formatId(id));
  db.changed(key, null, 0, dirty);
  propagateAs(c, prop);
}

