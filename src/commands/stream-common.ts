/**
 * Argument parsing and entry replies shared by every stream command file
 * (stream.ts, stream-read.ts and the consumer group ones), as t_stream.c
 * does them.
 */
import type { Client } from '../server/client';
import { Err } from '../protocol/errors';
import type { Value } from '../store/value';
import { Stream, StreamIterator } from '../store/stream';
import { StreamId, decrId, formatId, incrId, parseId } from '../store/stream-id';

/** COUNT of a blocked XREAD / XREADGROUP given none (XREAD_BLOCKED_DEFAULT_COUNT). */
export const BLOCKED_DEFAULT_COUNT = 1000;

/** The stream held by v: undefined when v is, null after replying WRONGTYPE. */
export function streamOf(c: Client, v: Value | undefined): Stream | null | undefined {
  if (v === undefined || v instanceof Stream) return v;
  c.error(Err.wrongType);
  return null;
}

/** streamParseStrictIDOrReply(): `ms[-seq]` (no `-`/`+`, a bare ms means seq 0); null after replying. */
export function strictIdArg(c: Client, s: string): StreamId | null {
  const id = parseId(s, false, true);
  if (id === null) c.error(Err.invalidStreamId);
  return id;
}

/**
 * A range bound as streamParseIntervalIDOrReply() reads it, made inclusive:
 * "(" makes it exclusive (the rest parsed strictly), which moves a start one
 * ID up and an end one ID down; a bare ms gets seq 0, or the maximum for an
 * end. Null after replying (an invalid ID, or nothing past/before the bound).
 */
export function rangeBoundArg(c: Client, s: string, end: boolean): StreamId | null {
  const ex = s.length > 1 && s.charCodeAt(0) === 40; /* ( */
  const id = ex ? parseId(s.slice(1), end, true) : parseId(s, end, false);
  if (id === null) {
    c.error(Err.invalidStreamId);
    return null;
  }
  if (!ex) return id;
  const moved = end ? decrId(id) : incrId(id);
  if (moved === null) c.error(end ? Err.xInvalidEndInterval : Err.xInvalidStartInterval);
  return moved;
}

/** Write the entry under the cursor: [id, [f, v, ...]]. */
export function replyCurrentEntry(c: Client, it: StreamIterator): void {
  const r = c.reply;
  r.array(2);
  r.bulk(it.idString());
  const nf = it.fieldCount();
  r.array(nf * 2);
  for (let k = 0; k < nf; k++) {
    r.bulk(it.field(k));
    r.bulk(it.value(k));
  }
}

/** An entry given by its ID and [f, v, ...]. */
export function replyEntry(c: Client, id: StreamId, fields: readonly string[]): void {
  const r = c.reply;
  r.array(2);
  r.bulk(formatId(id));
  r.array(fields.length);
  for (let i = 0; i < fields.length; i++) r.bulk(fields[i]);
}

/**
 * streamReplyWithRange() without groups: the entries in [start, end],
 * descending with `rev`, at most `count` (0 = all), as an array. Returns
 * how many were written.
 */
export function replyRange(c: Client, s: Stream, start: StreamId, end: StreamId, count: number, rev: boolean): number {
  const it = s.iterate(start, end, rev);
  let n = 0;
  const pos = c.reply.deferArray();
  while ((count === 0 || n < count) && it.next()) {
    replyCurrentEntry(c, it);
    n++;
  }
  c.reply.setDeferred(pos, n);
  return n;
}
