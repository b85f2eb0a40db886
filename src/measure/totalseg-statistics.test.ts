import { describe, expect, it } from 'vitest';
import { makeIjkToRas, rasPoint } from '../volume/geometry.ts';
import type { Dims, Grid } from '../volume/geometry.ts';
import type { LabelMap, Volume } from '../volume/types.ts';
import { measureStructures } from './structure-stats.ts';
import {
  formatTotalsegStatisticsJson,
  pythonFloatRepr,
  roundLikeNumpy,
  toTotalsegStatistics,
  totalsegVoxelVolumeMm3,
} from './totalseg-statistics.ts';

const META = { source: { format: 'phantom', path: 'totalseg-statistics.test' } } as const;

describe('roundLikeNumpy', () => {
  // Expected values from numpy 1.24: float(np.float64(v).round(5)).
  it.each([
    [33.059085, 33.05909],
    [2.5e-6, 0],
    [1.234565, 1.23456],
    [0.000015, 0.00002],
    [12.345675, 12.34568],
    [-7.0000049999, -7],
  ])('%f -> %f', (x, expected) => expect(roundLikeNumpy(x, 5)).toBe(expected));
  it('rounds exact halves to even and keeps the sign of a negative zero', () => {
    expect(roundLikeNumpy(2.5, 0)).toBe(2);
    expect(roundLikeNumpy(3.5, 0)).toBe(4);
    expect(roundLikeNumpy(-2.5, 0)).toBe(-2);
    expect(Object.is(roundLikeNumpy(-2.5e-6, 5), -0)).toBe(true);
  });
});

describe('pythonFloatRepr', () => {
  // Python 3: repr(v).
  it.each([
    [260010, '260010.0'],
    [33.05909, '33.05909'],
    [0, '0.0'],
    [-0, '-0.0'],
    [1e-5, '1e-05'],
    [0.0001, '0.0001'],
    [-803.93208, '-803.93208'],
    [1.5e-7, '1.5e-07'],
    [1e16, '1e+16'],
    [1234567890123456, '1234567890123456.0'],
    [123456789012345678, '1.2345678901234568e+17'],
    [1e22, '1e+22'],
    [2.4381, '2.4381'],
  ])('%d -> %s', (x, text) => expect(pythonFloatRepr(x)).toBe(text));
});

describe('toTotalsegStatistics', () => {
  // A 4x1x1 grid at 3 mm isotropic: 27 mm3 per voxel. 'liver' has HU 10, 11, 13 -> mean 11.33333...
  const dims: Dims = [4, 1, 1];
  const grid: Grid = { dims, ijkToRas: makeIjkToRas({ spacingMm: [3, 3, 3], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], originRas: rasPoint(0, 0, 0) }) };
  const ct: Volume = { kind: 'volume', grid, data: Int16Array.from([10, 11, 13, -50]), meta: META };
  const labels: LabelMap = {
    kind: 'labelmap', grid, meta: META,
    layers: [Uint8Array.from([1, 1, 1, 0]), Uint8Array.from([0, 0, 0, 7])],
    labels: [
      { id: 1, name: 'liver', layer: 0 },
      { id: 2, name: 'spleen', layer: 0 },
      { id: 7, name: 'liver_part', layer: 1 },
    ],
  };
  const stats = measureStructures(ct, labels, { names: (n) => (n === 'liver_part' ? 'kidney_left' : null) });

  it('gives volume in mm3 and the mean rounded to 5 decimals, 0/0 when absent, in class order', () => {
    const out = toTotalsegStatistics(stats, ['spleen', 'liver', 'kidney_left', 'aorta']);
    expect(Object.keys(out)).toEqual(['spleen', 'liver', 'kidney_left', 'aorta']);
    expect(out.liver).toEqual({ volume: 81, intensity: 11.33333 });
    expect(out.spleen).toEqual({ volume: 0, intensity: 0 });
    expect(out.kidney_left).toEqual({ volume: 27, intensity: -50 }); // matched by canonical name
    expect(out.aorta).toEqual({ volume: 0, intensity: 0 });
  });

  it('pools structures that share a class name (count-weighted mean)', () => {
    const renamed = stats.map((s) => ({ ...s, sourceName: s.labelId === 7 ? 'liver' : s.sourceName }));
    // (10 + 11 + 13 - 50) / 4 = -4
    expect(toTotalsegStatistics(renamed, ['liver']).liver).toEqual({ volume: 108, intensity: -4 });
  });

  it('multiplies counts by a given voxel volume, e.g. TotalSegmentator float32 zooms', () => {
    // 0.7 is not exact in float32: fround(0.7) = 0.699999988079071; the float32 product of three of them.
    const v = totalsegVoxelVolumeMm3([0.7, 0.7, 0.7]);
    expect(v).toBe(Math.fround(Math.fround(Math.fround(0.7) * Math.fround(0.7)) * Math.fround(0.7)));
    expect(v).not.toBe(0.7 * 0.7 * 0.7);
    expect(toTotalsegStatistics(stats, ['liver'], { voxelVolumeMm3: v }).liver.volume).toBe(3 * v);
  });

  it('writes the file as json.dump(indent=4) does', () => {
    const text = formatTotalsegStatisticsJson({ spleen: { volume: 260010, intensity: 33.05909 }, trachea: { volume: 0, intensity: 0 } });
    expect(text).toBe(
      '{\n    "spleen": {\n        "volume": 260010.0,\n        "intensity": 33.05909\n    },\n' +
        '    "trachea": {\n        "volume": 0.0,\n        "intensity": 0.0\n    }\n}',
    );
    expect(formatTotalsegStatisticsJson({ 'caf\u00e9': { volume: 1, intensity: -1e-5 } })).toContain('"caf\\u00e9": {\n        "volume": 1.0,\n        "intensity": -1e-05');
  });
});
