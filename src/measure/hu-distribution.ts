/**
 * Order statistics and moments of the HU values of one structure, from either a histogram of integer values
 * or a sorted array of values (and, at the end, how wide a CT's histograms must be). Both give exactly what numpy gives on the same values:
 *
 * - mean: sum / N; SD: population SD, sqrt(sum((x - mean)^2) / N) (numpy `std`, ddof = 0), two-pass so that
 *   large offsets (HU around -1000) do not cancel digits.
 * - median: numpy `median`: the middle order statistic, or the mean of the two middle ones when N is even.
 * - percentiles: numpy `percentile(..., method='linear')` (its default; Hyndman & Fan 1996, definition 7,
 *   doi:10.1080/00031305.1996.10473566): virtual index h = (N - 1) * q / 100, then linear interpolation between
 *   the order statistics x[floor(h)] and x[floor(h) + 1], with numpy's two-sided lerp (see `lerpLikeNumpy`).
 */
import type { VoxelArray } from '../volume/types.ts';
import type { HuStats } from './types.ts';

/** Percentiles reported for every structure, in percent. */
export const HU_LOW_PERCENTILE = 5;
export const HU_HIGH_PERCENTILE = 95;

/**
 * numpy's `_lerp`: a + (b - a) * t for t < 0.5, b - (b - a) * (1 - t) for t >= 0.5. The second form keeps
 * the result exact at t = 1 and is what makes our last bits equal numpy's.
 */
export function lerpLikeNumpy(a: number, b: number, t: number): number {
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** Virtual index and interpolation weight of the q-th percentile of N sorted values (numpy 'linear'). */
function virtualIndex(count: number, percent: number): { lower: number; gamma: number } {
  const h = (count - 1) * (percent / 100);
  const lower = Math.floor(h);
  return { lower, gamma: h - lower };
}

/** Any array of numbers sorted ascending (a typed array or a subarray of one). */
export interface SortedValues {
  readonly length: number;
  readonly [index: number]: number;
}

/** numpy `percentile(values, percent)` (method 'linear') of values already sorted ascending; N >= 1. */
export function percentileOfSorted(sorted: SortedValues, percent: number): number {
  const n = sorted.length;
  const { lower, gamma } = virtualIndex(n, percent);
  const upper = Math.min(lower + 1, n - 1);
  return lerpLikeNumpy(sorted[lower], sorted[upper], gamma);
}

/** numpy `median` of values already sorted ascending; N >= 1. */
export function medianOfSorted(sorted: SortedValues): number {
  const n = sorted.length;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** HU statistics of N >= 1 values sorted ascending. */
export function huStatsOfSorted(sorted: SortedValues): HuStats {
  const n = sorted.length;
  let sum = 0;
  for (let x = 0; x < n; x++) sum += sorted[x];
  const mean = sum / n;
  let sumSq = 0;
  for (let x = 0; x < n; x++) {
    const d = sorted[x] - mean;
    sumSq += d * d;
  }
  return {
    huMean: mean,
    huSd: Math.sqrt(sumSq / n),
    huMedian: medianOfSorted(sorted),
    huMin: sorted[0],
    huMax: sorted[n - 1],
    huP5: percentileOfSorted(sorted, HU_LOW_PERCENTILE),
    huP95: percentileOfSorted(sorted, HU_HIGH_PERCENTILE),
  };
}

/**
 * A histogram of integer values: `counts[offset + b]` voxels have value `valueOfFirstBin + b`, for
 * b in [0, binCount). Many structures share one backing array, each at its own offset.
 */
export interface IntegerHistogram {
  readonly counts: Uint32Array | Float64Array;
  readonly offset: number;
  readonly binCount: number;
  readonly valueOfFirstBin: number;
}

/**
 * HU statistics of the values in an integer histogram holding `count` >= 1 values. Exact: sums of integers
 * stay below 2^53 for any CT (count x |HU| < 9e15).
 * A histogram spans the CT type's whole range (65536 bins for int16) while a structure's values fill a few
 * thousand: the occupied bins are found once from both ends, and the six order statistics (median and the two
 * percentiles, each with its neighbour) are read in one walk over them, not one walk from bin 0 each.
 */
export function huStatsOfHistogram(h: IntegerHistogram, count: number): HuStats {
  const { counts, offset, binCount, valueOfFirstBin } = h;
  let firstBin = 0;
  while (firstBin < binCount - 1 && counts[offset + firstBin] === 0) firstBin++;
  let lastBin = binCount - 1;
  while (lastBin > firstBin && counts[offset + lastBin] === 0) lastBin--;
  let sum = 0;
  for (let b = firstBin; b <= lastBin; b++) {
    const c = counts[offset + b];
    if (c !== 0) sum += c * (valueOfFirstBin + b);
  }
  const mean = sum / count;
  let sumSq = 0;
  for (let b = firstBin; b <= lastBin; b++) {
    const c = counts[offset + b];
    if (c === 0) continue;
    const d = valueOfFirstBin + b - mean;
    sumSq += c * d * d;
  }
  const mid = count >> 1;
  const low = virtualIndex(count, HU_LOW_PERCENTILE);
  const high = virtualIndex(count, HU_HIGH_PERCENTILE);
  const [lowA, lowB, midA, midB, highA, highB] = valuesAtRanks(h, firstBin, [
    low.lower, Math.min(low.lower + 1, count - 1),
    count % 2 === 1 ? mid : mid - 1, mid,
    high.lower, Math.min(high.lower + 1, count - 1),
  ]);
  return {
    huMean: mean,
    huSd: Math.sqrt(sumSq / count),
    huMedian: count % 2 === 1 ? midB : (midA + midB) / 2,
    huMin: valueOfFirstBin + firstBin,
    huMax: valueOfFirstBin + lastBin,
    huP5: lerpLikeNumpy(lowA, lowB, low.gamma),
    huP95: lerpLikeNumpy(highA, highB, high.gamma),
  };
}

/** The values at 0-based sorted positions `ranks` (each below the total count), in one walk from `firstBin` (the first occupied bin). */
function valuesAtRanks(h: IntegerHistogram, firstBin: number, ranks: readonly number[]): number[] {
  const order = ranks.map((_, index) => index).sort((a, b) => ranks[a] - ranks[b]);
  const out = new Array<number>(ranks.length);
  const { counts, offset, binCount } = h;
  let b = firstBin;
  let cum = 0;
  for (const index of order) {
    while (b < binCount && cum + counts[offset + b] <= ranks[index]) {
      cum += counts[offset + b];
      b++;
    }
    out[index] = h.valueOfFirstBin + b;
  }
  return out;
}

/**
 * Range of the CT values when every value is an integer (always so for integer arrays; float CTs made by
 * rescaling integers, e.g. slope 1 / intercept -1024, are too), else null. NaN makes it null.
 */
function integerRangeOf(data: VoxelArray): { min: number; max: number } | null {
  const isFloat = data instanceof Float32Array || data instanceof Float64Array;
  let min = Infinity;
  let max = -Infinity;
  const n = data.length;
  if (!isFloat) {
    for (let x = 0; x < n; x++) {
      const v = data[x];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return n === 0 ? null : { min, max };
  }
  for (let x = 0; x < n; x++) {
    const v = data[x];
    if (!(v - Math.floor(v) === 0)) return null; // fractional, NaN or infinite (inf - inf is NaN)
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return n === 0 ? null : { min, max };
}

/** Full value range of 8- and 16-bit integer arrays: small enough to histogram without scanning the CT first. */
function typeRangeOf(data: VoxelArray): { min: number; max: number } | null {
  if (data instanceof Uint8Array) return { min: 0, max: 0xff };
  if (data instanceof Int8Array) return { min: -0x80, max: 0x7f };
  if (data instanceof Uint16Array) return { min: 0, max: 0xffff };
  if (data instanceof Int16Array) return { min: -0x8000, max: 0x7fff };
  return null;
}

/**
 * The histogram range for a layer of `slotCount` labels: the voxel type's whole range when that fits the bin
 * budget (no extra pass), else the range found by one scan of the CT (done at most once per call).
 */
export class HistogramRange {
  private scanned: { min: number; max: number } | null | undefined;
  private readonly ct: VoxelArray;
  private readonly maxBins: number;
  constructor(ct: VoxelArray, maxBins: number) {
    this.ct = ct;
    this.maxBins = maxBins;
  }
  forLayer(slotCount: number): { min: number; max: number } | null {
    const typeRange = typeRangeOf(this.ct);
    if (typeRange !== null && (typeRange.max - typeRange.min + 1) * slotCount <= this.maxBins) return typeRange;
    if (this.scanned === undefined) this.scanned = integerRangeOf(this.ct);
    return this.scanned;
  }
}
