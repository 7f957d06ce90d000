/**
 * The per-command latency histogram (server/histogram.ts) against numbers
 * printed by a real redis-server 7.0.15 for known samples: INFO latencystats
 * percentiles (p0 = the sample's slot start, p>0 its slot end) and LATENCY
 * HISTOGRAM buckets (DEBUG SLEEP 0.0015 / 0.003 / 0.6 / 1.2, SET...).
 */
import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../src/server/histogram';

function hist(...ns: number[]) {
  const h = new LatencyHistogram();
  for (const v of ns) h.record(v);
  return h;
}

describe('LatencyHistogram', () => {
  it('percentiles: the slot of the sample at that rank (hdr_value_at_percentile)', () => {
    const set = hist(10000); // 10 usec
    expect(set.valueAtPercentile(0)).toBe(9984);
    expect(set.valueAtPercentile(50)).toBe(10047);
    expect(set.valueAtPercentile(100)).toBe(10047);
    expect(hist(1000).valueAtPercentile(50)).toBe(1003);
    expect(hist(5000).valueAtPercentile(99.9)).toBe(5023);
    expect(hist(2000).valueAtPercentile(0)).toBe(2000);
    expect(hist(2000).valueAtPercentile(50)).toBe(2007);
    expect(hist(151552).valueAtPercentile(0)).toBe(151552);
    expect(hist(151552).valueAtPercentile(100)).toBe(152575);
    // sub-256 ns values are exact; 0 is counted as 1 ns
    expect(hist(0).valueAtPercentile(50)).toBe(1);
    expect(hist(200).valueAtPercentile(50)).toBe(200);
    // two samples: p50 / p50.5 the first, p99 the second
    const dbg = hist(1575000, 3100000);
    expect(dbg.valueAtPercentile(0)).toBe(1572864);
    expect(dbg.valueAtPercentile(50)).toBe(1581055);
    expect(dbg.valueAtPercentile(50.5)).toBe(1581055);
    expect(dbg.valueAtPercentile(99)).toBe(3112959);
    expect(dbg.valueAtPercentile(150)).toBe(3112959);
    // clamped at 1 s
    const slow = hist(600_000_000, 1_200_000_000);
    expect(slow.valueAtPercentile(50)).toBe(603979775);
    expect(slow.valueAtPercentile(99)).toBe(1002438655);
    expect(slow.total).toBe(2);
  });

  it('cumulative distribution (LATENCY HISTOGRAM histogram_usec)', () => {
    expect(hist(10000).cumulative()).toEqual([16, 1]);
    expect(hist(5000).cumulative()).toEqual([8, 1]);
    expect(hist(28000).cumulative()).toEqual([33, 1]);
    expect(hist(1).cumulative()).toEqual([1, 1]);
    expect(hist(1575000, 3100000).cumulative()).toEqual([2113, 1, 4227, 2]);
    expect(hist(120000, 151552, 200000).cumulative()).toEqual([132, 1, 264, 3]);
    expect(hist(600_000_000, 1_200_000_000).cumulative()).toEqual([1073741, 2]);
    expect(hist(500, 600, 1500, 1500, 9000).cumulative()).toEqual([1, 2, 2, 4, 16, 5]);
    expect(new LatencyHistogram().cumulative()).toEqual([]);
  });
});
