/**
 * Per-command latency histograms (latency-tracking): the layout of the
 * hdr_histogram Redis 7.0 keeps for each command, i.e. lowest discernible
 * value 1 ns, highest trackable 1 s, 2 significant figures. Values up to
 * 255 ns are exact; above, each power of two is split in 128 equal slots,
 * so a value is known within 1/128 (< 1%).
 *
 * Recording is allocation-free: one Float64Array of counts (exact up to
 * 2^53 per slot), allocated on the command's first sample.
 */

/** LATENCY_HISTOGRAM_MIN_VALUE / MAX_VALUE, in nanoseconds. */
const MIN_NS = 1;
const MAX_NS = 1_000_000_000;
/** log2 of sub_bucket_half_count (sub_bucket_count 256 for 2 significant figures). */
const HALF_MAG = 7;
const HALF_COUNT = 1 << HALF_MAG;
const SUB_BUCKET_MASK = 2 * HALF_COUNT - 1;
/** Buckets needed to reach MAX_NS (buckets_needed_to_cover_value). */
const BUCKETS = bucketsFor(MAX_NS);
/** counts_len. */
const COUNTS_LEN = (BUCKETS + 1) * HALF_COUNT;

function bucketsFor(highest: number): number {
  let smallestUntrackable = 2 * HALF_COUNT;
  let n = 1;
  while (smallestUntrackable <= highest) {
    smallestUntrackable *= 2;
    n++;
  }
  return n;
}

/** Index of the most significant bit of v (v >= 1, may exceed 32 bits). */
function msb(v: number): number {
  return v < 0x80000000 ? 31 - Math.clz32(v) : Math.floor(Math.log2(v));
}

/** get_bucket_index(). */
function bucketOf(v: number): number {
  return msb(v < 0x80000000 ? v | SUB_BUCKET_MASK : v) - HALF_MAG;
}

/** lowest_equivalent_value(): the first value of v's slot. */
export function lowestEquivalent(v: number): number {
  const b = bucketOf(v);
  const scale = 2 ** b;
  return Math.floor(v / scale) * scale;
}

/** highest_equivalent_value(): the last value of v's slot. */
export function highestEquivalent(v: number): number {
  const b = bucketOf(v);
  const sub = Math.floor(v / 2 ** b);
  const size = 2 ** (sub >= 2 * HALF_COUNT ? b + 1 : b);
  return sub * 2 ** b + size - 1;
}

/** hdr_value_at_index(): the lowest value counted by counts[i]. */
function valueAtIndex(i: number): number {
  let b = (i >> HALF_MAG) - 1;
  let sub = (i & (HALF_COUNT - 1)) + HALF_COUNT;
  if (b < 0) {
    sub -= HALF_COUNT;
    b = 0;
  }
  return sub * 2 ** b;
}

export class LatencyHistogram {
  readonly counts = new Float64Array(COUNTS_LEN);
  total = 0;

  /** hdr_record_value() of a duration in nanoseconds, clamped to [1 ns, 1 s]. */
  record(ns: number): void {
    const v = ns < MIN_NS ? MIN_NS : ns > MAX_NS ? MAX_NS : ns | 0;
    const b = 31 - Math.clz32(v | SUB_BUCKET_MASK) - HALF_MAG;
    this.counts[((b + 1) << HALF_MAG) + (v >>> b) - HALF_COUNT]++;
    this.total++;
  }

  /** hdr_value_at_percentile(), in nanoseconds. */
  valueAtPercentile(percentile: number): number {
    const p = percentile < 100 ? percentile : 100;
    let want = Math.trunc((p / 100) * this.total + 0.5);
    if (want < 1) want = 1;
    let value = 0;
    let seen = 0;
    for (let i = 0; i < COUNTS_LEN; i++) {
      seen += this.counts[i];
      if (seen >= want) {
        value = valueAtIndex(i);
        break;
      }
    }
    return percentile === 0 ? lowestEquivalent(value) : highestEquivalent(value);
  }

  /**
   * The cumulative distribution LATENCY HISTOGRAM replies: the logarithmic
   * iterator of hdr_histogram (first bucket 1024 ns, base 2), as flat
   * [usec, cumulative count, ...] pairs, a pair only when the count grew.
   */
  cumulative(): number[] {
    const out: number[] = [];
    let idx = -1;
    let cumulative = 0;
    let value = 0;
    let highest = 0;
    let level = 1024;
    let levelLowest = lowestEquivalent(level);
    let previous = 0;
    for (;;) {
      // log_iter_next()
      const more =
        cumulative < this.total || (idx < COUNTS_LEN && valueAtIndex(idx + 1) > levelLowest);
      if (!more) break;
      for (;;) {
        if (value >= levelLowest) {
          level *= 2;
          levelLowest = lowestEquivalent(level);
          break;
        }
        idx++;
        if (idx >= COUNTS_LEN) break;
        cumulative += this.counts[idx];
        value = valueAtIndex(idx);
        highest = highestEquivalent(value);
      }
      if (cumulative > previous) out.push(Math.floor(highest / 1000), cumulative);
      previous = cumulative;
    }
    return out;
  }
}
