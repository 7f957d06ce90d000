/**
 * Stream entry IDs: `<ms>-<seq>`, both unsigned 64-bit, compared as the pair.
 *
 * An ID is four uint32 halves (ms high/low, seq high/low): exact over the
 * whole 64-bit range, compared with plain number operations, and cheap to
 * keep in typed arrays. Values are treated as immutable: every function
 * here returns a new StreamId rather than editing its argument.
 */

const TWO32 = 4294967296;
/** Below this the high half still gives an exact double (hi * 2^32 + lo < 2^53). */
const SAFE_HI = 2097152;

export class StreamId {
  constructor(
    readonly msHi: number,
    readonly msLo: number,
    readonly seqHi: number,
    readonly seqLo: number,
  ) {}

  /** `ms-seq` as Redis prints it. */
  toString(): string {
    return formatId(this);
  }
}

export const ZERO_ID = new StreamId(0, 0, 0, 0);
export const MAX_ID = new StreamId(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff);

/** An ID from two non-negative safe integers (e.g. Date.now() and a small seq). */
export function idFromNumbers(ms: number, seq: number): StreamId {
  return new StreamId(Math.floor(ms / TWO32), ms >>> 0, Math.floor(seq / TWO32), seq >>> 0);
}

/** An ID from two unsigned 64-bit bigints (taken modulo 2^64). */
export function idFromBigInts(ms: bigint, seq: bigint): StreamId {
  return new StreamId(
    Number((ms >> 32n) & 0xffffffffn),
    Number(ms & 0xffffffffn),
    Number((seq >> 32n) & 0xffffffffn),
    Number(seq & 0xffffffffn),
  );
}

/** -1, 0 or 1 as a is below, equal to or above b (streamCompareID). */
export function compareIds(a: StreamId, b: StreamId): number {
  if (a.msHi !== b.msHi) return a.msHi < b.msHi ? -1 : 1;
  if (a.msLo !== b.msLo) return a.msLo < b.msLo ? -1 : 1;
  if (a.seqHi !== b.seqHi) return a.seqHi < b.seqHi ? -1 : 1;
  if (a.seqLo !== b.seqLo) return a.seqLo < b.seqLo ? -1 : 1;
  return 0;
}

export function idEquals(a: StreamId, b: StreamId): boolean {
  return a.seqLo === b.seqLo && a.msLo === b.msLo && a.msHi === b.msHi && a.seqHi === b.seqHi;
}

export function isZeroId(a: StreamId): boolean {
  return (a.msHi | a.msLo | a.seqHi | a.seqLo) === 0;
}

/** One unsigned 64-bit value given as two halves, in decimal. */
export function formatU64(hi: number, lo: number): string {
  if (hi === 0) return String(lo);
  if (hi < SAFE_HI) return String(hi * TWO32 + lo);
  return ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}

/** `ms-seq`. */
export function formatId(id: StreamId): string {
  return formatU64(id.msHi, id.msLo) + '-' + formatU64(id.seqHi, id.seqLo);
}

/** The next ID (streamIncrID): seq + 1, carrying into ms; null past the maximum. */
export function incrId(id: StreamId): StreamId | null {
  let { msHi, msLo, seqHi, seqLo } = id;
  if (seqLo !== 0xffffffff) return new StreamId(msHi, msLo, seqHi, seqLo + 1);
  seqLo = 0;
  if (seqHi !== 0xffffffff) return new StreamId(msHi, msLo, seqHi + 1, seqLo);
  seqHi = 0;
  if (msLo !== 0xffffffff) return new StreamId(msHi, msLo + 1, seqHi, seqLo);
  msLo = 0;
  if (msHi !== 0xffffffff) return new StreamId(msHi + 1, msLo, seqHi, seqLo);
  return null;
}

/** The previous ID (streamDecrID): null below 0-0. */
export function decrId(id: StreamId): StreamId | null {
  let { msHi, msLo, seqHi, seqLo } = id;
  if (seqLo !== 0) return new StreamId(msHi, msLo, seqHi, seqLo - 1);
  seqLo = 0xffffffff;
  if (seqHi !== 0) return new StreamId(msHi, msLo, seqHi - 1, seqLo);
  seqHi = 0xffffffff;
  if (msLo !== 0) return new StreamId(msHi, msLo - 1, seqHi, seqLo);
  msLo = 0xffffffff;
  if (msHi !== 0) return new StreamId(msHi - 1, msLo, seqHi, seqLo);
  return null;
}

// ---- parsing ------------------------------------------------------------------

const U64_MAX = 0xffffffffffffffffn;

/** C isspace() in the C locale. */
function isCSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * Redis's string2ull(): a string2ll-valid non-negative number, or else what
 * strtoull(s, 10) accepts over the whole string (leading blanks, a sign,
 * leading zeros; a '-' negates modulo 2^64; overflow is an error).
 * Returns the value as [hi, lo] in `out`, false when not accepted.
 */
function parseU64(s: string, from: number, to: number, out: number[], slot: number): boolean {
  const len = to - from;
  if (len === 0) return false;
  // fast path: plain digits (leading zeros are fine: strtoull takes them),
  // at most 15 significant ones so that the double is exact
  let i0 = from;
  while (i0 < to - 1 && s.charCodeAt(i0) === 48) i0++;
  let fast = to - i0 <= 15;
  let v = 0;
  for (let i = i0; fast && i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) fast = false;
    else v = v * 10 + (c - 48);
  }
  if (fast) {
    out[slot] = Math.floor(v / TWO32);
    out[slot + 1] = v >>> 0;
    return true;
  }
  // strtoull over the whole slice (string2ll's accepted forms are a subset,
  // except negatives, which string2ll accepts and string2ull then rejects)
  let i = from;
  while (i < to && isCSpace(s.charCodeAt(i))) i++;
  let neg = false;
  const sign = s.charCodeAt(i);
  if (sign === 43 || sign === 45) {
    neg = sign === 45;
    i++;
  }
  const digitsFrom = i;
  let big = 0n;
  for (; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
    big = big * 10n + BigInt(c - 48);
    if (big > U64_MAX) return false; // ERANGE
  }
  if (i === digitsFrom) return false;
  if (neg) {
    // string2ll accepts a negative in range and string2ull rejects it; only
    // forms string2ll refuses ("-0", "-007", below INT64_MIN) reach strtoull
    if (big !== 0n && isStrictLL(s, from, to)) return false;
    big = (U64_MAX + 1n - big) & U64_MAX;
  }
  out[slot] = Number(big >> 32n);
  out[slot + 1] = Number(big & 0xffffffffn);
  return true;
}

/** Whether s[from, to) is a string2ll-valid negative number (no blanks, no leading zeros, in range). */
function isStrictLL(s: string, from: number, to: number): boolean {
  if (s.charCodeAt(from) !== 45) return false;
  if (to - from < 2 || to - from > 20) return false;
  const first = s.charCodeAt(from + 1);
  if (first < 49 || first > 57) return false;
  for (let i = from + 2; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return BigInt(s.slice(from, to)) >= -9223372036854775808n;
}

const halves = [0, 0, 0, 0];

/** What parseId() found. */
export const enum SeqGiven {
  /** `ms-seq` */
  Explicit = 0,
  /** `ms` alone: seq is the missing-seq default */
  Missing = 1,
  /** `ms-*` (only when allowed): seq to be generated */
  Auto = 2,
}

/** Set by parseId(): how the last parsed ID gave its sequence part. */
export let lastSeqGiven: SeqGiven = SeqGiven.Explicit;

/**
 * streamGenericParseIDOrReply() without the reply: the ID in `s`, or null
 * when invalid (the caller replies "Invalid stream ID...").
 *  - `missingSeq`: the seq used for a bare `ms` (0 for a range start,
 *    UINT64_MAX for a range end); `-` and `+` mean 0-0 and the maximum
 *    unless `strict` (XADD, and what follows "(" in ranges).
 *  - `allowAutoSeq`: accept `ms-*` (XADD); lastSeqGiven then says Auto and
 *    the returned seq is 0.
 */
export function parseId(
  s: string,
  missingSeqMax = false,
  strict = false,
  allowAutoSeq = false,
): StreamId | null {
  const len = s.length;
  lastSeqGiven = SeqGiven.Explicit;
  if (len > 127) return null;
  if (len === 1) {
    const c = s.charCodeAt(0);
    if (c === 45 /* - */) return strict ? null : ZERO_ID;
    if (c === 43 /* + */) return strict ? null : MAX_ID;
  }
  const dash = s.indexOf('-');
  if (dash < 0) {
    if (!parseU64(s, 0, len, halves, 0)) return null;
    lastSeqGiven = SeqGiven.Missing;
    return missingSeqMax
      ? new StreamId(halves[0], halves[1], 0xffffffff, 0xffffffff)
      : new StreamId(halves[0], halves[1], 0, 0);
  }
  if (!parseU64(s, 0, dash, halves, 0)) return null;
  if (allowAutoSeq && dash === len - 2 && s.charCodeAt(len - 1) === 42 /* * */) {
    lastSeqGiven = SeqGiven.Auto;
    return new StreamId(halves[0], halves[1], 0, 0);
  }
  if (!parseU64(s, dash + 1, len, halves, 2)) return null;
  return new StreamId(halves[0], halves[1], halves[2], halves[3]);
}

// ---- keys ---------------------------------------------------------------------

/**
 * The ID as an 8-char string of 16-bit units (big-endian halves): equal IDs
 * give equal keys and keys compare (<, >) in ID order, so it serves as a Map
 * key or a sort key. idFromKey() reverses it.
 */
export function idKey(id: StreamId): string {
  return String.fromCharCode(
    id.msHi >>> 16,
    id.msHi & 0xffff,
    id.msLo >>> 16,
    id.msLo & 0xffff,
    id.seqHi >>> 16,
    id.seqHi & 0xffff,
    id.seqLo >>> 16,
    id.seqLo & 0xffff,
  );
}

export function idFromKey(k: string): StreamId {
  const u = (i: number) => ((k.charCodeAt(i) << 16) | k.charCodeAt(i + 1)) >>> 0;
  return new StreamId(u(0), u(2), u(4), u(6));
}
