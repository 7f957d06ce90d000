/**
 * Longest common subsequence of two byte strings, as Redis 7.0's LCS
 * command computes it: the classic dynamic-programming table, then a walk
 * back from the bottom-right corner that yields the LCS string and the
 * matched ranges in the same order (and with the same tie-breaking) as
 * Redis.
 *
 * Strings are latin1 JS strings (one char per byte). The table cells hold
 * LCS lengths, which never exceed min(alen, blen), so the narrowest typed
 * array that fits is used (Redis always uses 4 bytes per cell; the caller
 * applies Redis's size limit on that basis before calling).
 */

type Table = Uint8Array | Uint16Array | Uint32Array;

/** Bytes Redis would allocate for the table: (alen+1)*(blen+1)*4. */
export function lcsTableBytes(alen: number, blen: number): number {
  return (alen + 1) * (blen + 1) * 4;
}

function allocTable(alen: number, blen: number): Table {
  const cells = (alen + 1) * (blen + 1);
  const max = alen < blen ? alen : blen;
  if (max <= 0xff) return new Uint8Array(cells);
  if (max <= 0xffff) return new Uint16Array(cells);
  return new Uint32Array(cells);
}

function bytesOf(s: string): Uint8Array {
  const n = s.length;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** Length of the LCS only: two rows, O(blen) memory. */
export function lcsLength(a: string, b: string): number {
  const alen = a.length;
  const blen = b.length;
  if (alen === 0 || blen === 0) return 0;
  const bb = bytesOf(b);
  let prev = new Uint32Array(blen + 1);
  let cur = new Uint32Array(blen + 1);
  for (let i = 1; i <= alen; i++) {
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= blen; j++) {
      if (ai === bb[j - 1]) cur[j] = prev[j - 1] + 1;
      else {
        const x = prev[j];
        const y = cur[j - 1];
        cur[j] = x > y ? x : y;
      }
    }
    const t = prev;
    prev = cur;
    cur = t;
  }
  return prev[blen];
}

export interface LcsMatches {
  /** LCS length. */
  len: number;
  /** The LCS itself (when asked for). */
  str: string;
  /**
   * Matched ranges, most recent first as Redis emits them, flattened as
   * [aStart, aEnd, bStart, bEnd, matchLen] quintuples; only ranges of at
   * least minMatchLen bytes.
   */
  ranges: number[];
}

/**
 * Full LCS with the walk back. Throws RangeError when the table cannot be
 * allocated (the caller reports Redis's allocation error).
 */
export function lcsWithMatches(a: string, b: string, wantRanges: boolean, minMatchLen: number): LcsMatches {
  const alen = a.length;
  const blen = b.length;
  const w = blen + 1;
  const t = allocTable(alen, blen);
  const aa = bytesOf(a);
  const bb = bytesOf(b);

  for (let i = 1; i <= alen; i++) {
    const ai = aa[i - 1];
    const row = i * w;
    const prev = row - w;
    for (let j = 1; j <= blen; j++) {
      if (ai === bb[j - 1]) t[row + j] = t[prev + j - 1] + 1;
      else {
        const x = t[prev + j];
        const y = t[row + j - 1];
        t[row + j] = x > y ? x : y;
      }
    }
  }

  const len = t[alen * w + blen];
  let idx = len;
  const out = Buffer.allocUnsafe(len);
  const ranges: number[] = [];
  // alen in aStart means "no range being tracked", as in Redis.
  let aStart = alen;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  let i = alen;
  let j = blen;
  while (i > 0 && j > 0) {
    let emit = false;
    if (aa[i - 1] === bb[j - 1]) {
      out[idx - 1] = aa[i - 1];
      if (aStart === alen) {
        aStart = i - 1;
        aEnd = i - 1;
        bStart = j - 1;
        bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        // Contiguous with the current range: extend it backwards.
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      // A range touching the start of either string can't grow further.
      if (aStart === 0 || bStart === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      const up = t[(i - 1) * w + j];
      const left = t[i * w + j - 1];
      if (up > left) i--;
      else j--;
      if (aStart !== alen) emit = true;
    }
    if (emit) {
      const matchLen = aEnd - aStart + 1;
      if (wantRanges && (minMatchLen === 0 || matchLen >= minMatchLen)) {
        ranges.push(aStart, aEnd, bStart, bEnd, matchLen);
      }
      aStart = alen;
    }
  }
  return { len, str: out.latin1Slice(0, len), ranges };
}
