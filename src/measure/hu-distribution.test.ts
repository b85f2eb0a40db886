import { describe, expect, it } from 'vitest';
import { huStatsOfHistogram, huStatsOfSorted } from './hu-distribution.ts';

/** A seeded LCG (Numerical Recipes constants): the same cases on every run. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('huStatsOfHistogram', () => {
  // The histogram path reads the median and percentiles in one walk over the occupied bins; the sorted path is
  // the plain definition (numpy's). Order statistics must agree exactly, the moments to rounding.
  it('agrees with the sorted values on random structures, sizes 1-60, inside a full int16-wide histogram', () => {
    const random = lcg(14);
    const binCount = 65536;
    const valueOfFirstBin = -32768;
    for (let trial = 0; trial < 300; trial++) {
      const count = 1 + Math.floor(random() * 60);
      const centre = Math.floor(random() * 4000) - 1024;
      const spread = 1 + Math.floor(random() * (trial % 3 === 0 ? 3 : 400));
      const values = Array.from({ length: count }, () => centre + Math.floor((random() - 0.5) * spread));
      // Two structures share the backing array, as in structure-stats.ts: the second sits at offset binCount.
      const counts = new Uint32Array(2 * binCount);
      for (const v of values) counts[binCount + v - valueOfFirstBin]++;
      counts[0] = 7; // the first structure's bins must not leak into the second's
      const fromHistogram = huStatsOfHistogram({ counts, offset: binCount, binCount, valueOfFirstBin }, count);
      const sorted = Float64Array.from(values).sort();
      const expected = huStatsOfSorted(sorted);
      expect([fromHistogram.huMin, fromHistogram.huMax, fromHistogram.huMedian, fromHistogram.huP5, fromHistogram.huP95]).toEqual([
        expected.huMin, expected.huMax, expected.huMedian, expected.huP5, expected.huP95,
      ]);
      expect(fromHistogram.huMean).toBe(expected.huMean);
      expect(fromHistogram.huSd).toBeCloseTo(expected.huSd, 9);
    }
  });

  it('hand-computed: 1, 2, 2, 10 (numpy: median 2, p5 1.15, p95 8.8)', () => {
    const counts = new Uint32Array(16);
    counts[1] = 1;
    counts[2] = 2;
    counts[10] = 1;
    const s = huStatsOfHistogram({ counts, offset: 0, binCount: 16, valueOfFirstBin: 0 }, 4);
    expect(s.huMedian).toBe(2);
    expect(s.huP5).toBeCloseTo(1.15, 12);
    expect(s.huP95).toBeCloseTo(8.8, 12);
    expect([s.huMin, s.huMax, s.huMean]).toEqual([1, 10, 3.75]);
  });
});
