import { describe, expect, it } from 'vitest';
import { isGroundctError } from '../errors.ts';
import { applyMat4, makeIjkToRas, multiplyMat4, rasPoint } from '../volume/geometry.ts';
import type { Dims, Grid, Mat4 } from '../volume/geometry.ts';
import type { LabelArray, LabelEntry, LabelMap, Volume, VoxelArray } from '../volume/types.ts';
import { measureStructures, rasFacesOfGrid } from './structure-stats.ts';
import { mm3ToMl } from './units.ts';
import type { MeasuredStructureStats, StructureStats } from './types.ts';

const META = { source: { format: 'phantom', path: 'structure-stats.test' } } as const;

function volume(grid: Grid, data: VoxelArray): Volume {
  return { kind: 'volume', grid, data, meta: META };
}
function labelMap(grid: Grid, layers: LabelArray[], labels: LabelEntry[]): LabelMap {
  return { kind: 'labelmap', grid, layers, labels, meta: META };
}
function measured(s: StructureStats | undefined): MeasuredStructureStats {
  if (!s || !s.present) throw new Error('expected a measured structure');
  return s;
}
function index(dims: Dims, i: number, j: number, k: number): number {
  return i + dims[0] * (j + dims[1] * k);
}
/** Axis-aligned RAS grid (direction = identity) with the given spacing and origin. */
function rasGrid(dims: Dims, spacingMm: [number, number, number], origin: [number, number, number] = [0, 0, 0]): Grid {
  return { dims, ijkToRas: makeIjkToRas({ spacingMm, direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], originRas: rasPoint(...origin) }) };
}

describe('measureStructures: cube phantom', () => {
  // 10x10x10 voxels at 2 x 2 x 3 mm = 1000 x 12 mm3 = 12000 mm3 = 12 mL, inside a 14^3 grid at i, j, k = 2..11.
  const dims: Dims = [14, 14, 14];
  const grid = rasGrid(dims, [2, 2, 3], [10, 20, 30]);
  const ct = new Int16Array(14 ** 3).fill(-1000);
  const layer = new Uint8Array(14 ** 3);
  for (let k = 2; k < 12; k++) for (let j = 2; j < 12; j++) for (let i = 2; i < 12; i++) {
    layer[index(dims, i, j, k)] = 1;
    ct[index(dims, i, j, k)] = 40;
  }
  const [cube] = measureStructures(volume(grid, ct), labelMap(grid, [layer], [{ id: 1, name: 'cube', layer: 0 }]));
  const s = measured(cube);

  it('has 1000 voxels and 12 mL', () => {
    expect(s.voxelCount).toBe(1000);
    expect(s.volumeMm3).toBe(12000);
    expect(s.volumeMl).toBe(12);
    expect(mm3ToMl(12000)).toBe(12);
  });
  it('has its centroid, bounds and extent where the cube is', () => {
    expect([...s.ijkCentroid]).toEqual([6.5, 6.5, 6.5]);
    expect([...s.rasCentroid]).toEqual([10 + 13, 20 + 13, 30 + 19.5]);
    expect([...s.ijkBounds.min]).toEqual([2, 2, 2]);
    expect([...s.ijkBounds.max]).toEqual([11, 11, 11]);
    expect([...s.rasBounds.min]).toEqual([14, 24, 36]);
    expect([...s.rasBounds.max]).toEqual([32, 42, 63]);
    expect(s.sliceRange).toEqual([2, 11]);
    // Face to face: 10 voxels x 2 mm, 10 x 2 mm, 10 x 3 mm.
    expect(s.extentMm).toEqual({ leftRight: 20, anteriorPosterior: 20, craniocaudal: 30 });
    expect(s.touchesBorder).toEqual([]);
    expect(s.partiallyImaged).toBe(false);
  });
  it('has constant HU', () => {
    expect([s.huMean, s.huSd, s.huMedian, s.huMin, s.huMax, s.huP5, s.huP95]).toEqual([40, 0, 40, 40, 40, 40, 40]);
  });
});

describe('measureStructures: HU statistics', () => {
  const dims: Dims = [10, 2, 1];
  const grid = rasGrid(dims, [1, 1, 1]);
  // Row j = 0: values 1..10 in a shuffled order under label 1; row j = 1: label 2 with mixed HU.
  const ramp = [7, 3, 10, 1, 5, 9, 2, 8, 6, 4];
  const mixed = [40, -1000, 60, 40, -1000, 40, 60, 40, -1000, 40];
  const layer = new Uint8Array(20);
  layer.fill(1, 0, 10);
  layer.fill(2, 10, 20);
  const labels = labelMap(grid, [layer], [{ id: 1, name: 'ramp', layer: 0 }, { id: 2, name: 'mixed', layer: 0 }]);
  const values = [...ramp, ...mixed];

  function check(stats: StructureStats[]): void {
    const r = measured(stats[0]);
    // numpy: mean 5.5, std sqrt(8.25), median 5.5, percentile([5, 95]) = [1.45, 9.55] (h = 0.45 and 8.55).
    expect(r.huMean).toBe(5.5);
    expect(r.huSd).toBeCloseTo(Math.sqrt(8.25), 12);
    expect(r.huMedian).toBe(5.5);
    expect([r.huMin, r.huMax]).toEqual([1, 10]);
    expect(r.huP5).toBeCloseTo(1.45, 12);
    expect(r.huP95).toBeCloseTo(9.55, 12);
    const m = measured(stats[1]);
    // sorted: -1000 x3, 40 x5, 60 x2. mean = (-3000 + 200 + 120) / 10 = -268; squared deviations
    // 732^2 x3 + 308^2 x5 + 328^2 x2 = 2296960 -> variance 229696. h(5) = 0.45 -> -1000; h(95) = 8.55 -> 60.
    expect(m.huMean).toBe(-268);
    expect(m.huSd).toBeCloseTo(Math.sqrt(229696), 9);
    expect(m.huMedian).toBe(40);
    expect([m.huMin, m.huMax, m.huP5, m.huP95]).toEqual([-1000, 60, -1000, 60]);
  }

  it('int16 CT, by histogram', () => check(measureStructures(volume(grid, Int16Array.from(values)), labels)));
  it('int16 CT, by histogram over the range found (-1000..60: 1061 bins x 2 labels)', () =>
    check(measureStructures(volume(grid, Int16Array.from(values)), labels, { maxHistogramBins: 2 * 1061 })));
  it('int32 CT, by histogram over the range found', () => check(measureStructures(volume(grid, Int32Array.from(values)), labels)));
  it('int16 CT, by sorting (histogram budget 0)', () =>
    check(measureStructures(volume(grid, Int16Array.from(values)), labels, { maxHistogramBins: 0 })));
  it('float32 CT with integer values, by histogram', () => check(measureStructures(volume(grid, Float32Array.from(values)), labels)));
  it('float64 CT with fractional values, by sorting', () => {
    // Adding 0.25 to every value shifts mean, median, min, max and percentiles by 0.25 and keeps the SD.
    const shifted = measureStructures(volume(grid, Float64Array.from(values, (v) => v + 0.25)), labels);
    const r = measured(shifted[0]);
    expect([r.huMean, r.huMedian, r.huMin, r.huMax]).toEqual([5.75, 5.75, 1.25, 10.25]);
    expect(r.huSd).toBeCloseTo(Math.sqrt(8.25), 12);
    expect(r.huP5).toBeCloseTo(1.7, 12);
    expect(r.huP95).toBeCloseTo(9.8, 12);
    expect(measured(shifted[1]).huMean).toBe(-267.75);
  });
  it('float32 CT with NaN: HU statistics NaN, volume still counted', () => {
    const withNan = Float32Array.from(values);
    withNan[3] = NaN;
    const [r] = measureStructures(volume(grid, withNan), labels);
    expect(r.voxelCount).toBe(10);
    expect(r.huMean).toBeNaN();
  });

  it('odd count and fractional float values', () => {
    // label 1: 1..9 -> median 5, h(5) = 0.4 -> 1.4, h(95) = 7.6 -> 8.6.
    // label 2: 0.5, 1.5, 2.5, 3.5 -> mean 2, SD sqrt(1.25), median 2, h(5) = 0.15 -> 0.65, h(95) = 2.85 -> 3.35.
    const d: Dims = [9, 2, 1];
    const g = rasGrid(d, [1, 1, 1]);
    const lab = new Uint8Array(18);
    lab.fill(1, 0, 9);
    lab.fill(2, 9, 13);
    const data = Float32Array.from([9, 8, 7, 6, 5, 4, 3, 2, 1, 3.5, 0.5, 2.5, 1.5, 0, 0, 0, 0, 0]);
    const [a, b] = measureStructures(volume(g, data), labelMap(g, [lab], [{ id: 1, name: 'a', layer: 0 }, { id: 2, name: 'b', layer: 0 }]));
    const sa = measured(a);
    expect([sa.huMean, sa.huMedian]).toEqual([5, 5]);
    expect(sa.huP5).toBeCloseTo(1.4, 12);
    expect(sa.huP95).toBeCloseTo(8.6, 12);
    const sb = measured(b);
    expect([sb.huMean, sb.huMedian, sb.huMin, sb.huMax]).toEqual([2, 2, 0.5, 3.5]);
    expect(sb.huSd).toBeCloseTo(Math.sqrt(1.25), 12);
    expect(sb.huP5).toBeCloseTo(0.65, 12);
    expect(sb.huP95).toBeCloseTo(3.35, 12);
  });
});

describe('measureStructures: labels', () => {
  const dims: Dims = [4, 4, 4];
  const grid = rasGrid(dims, [1, 1, 1]);
  const ct = new Int16Array(64).map((_, x) => x);

  it('returns empty labels with null measurements, in label-map order', () => {
    const layer = new Uint8Array(64);
    layer[index(dims, 1, 1, 1)] = 3;
    const stats = measureStructures(volume(grid, ct), labelMap(grid, [layer], [
      { id: 5, name: 'absent', layer: 0 },
      { id: 3, name: 'dot', layer: 0 },
    ]), { names: (n) => (n === 'dot' ? 'canonical_dot' : null) });
    expect(stats.map((s) => s.labelId)).toEqual([5, 3]);
    const [absent, dot] = stats;
    expect(absent.present).toBe(false);
    expect(absent.voxelCount).toBe(0);
    expect(absent.volumeMl).toBe(0);
    expect(absent.huMean).toBeNull();
    expect(absent.rasCentroid).toBeNull();
    expect(absent.partiallyImaged).toBe(false);
    expect(absent.name).toBeNull();
    expect(dot.name).toBe('canonical_dot');
    expect(measured(dot).huMean).toBe(index(dims, 1, 1, 1));
  });

  it('ignores voxels of ids the label map does not list', () => {
    const layer = new Uint8Array(64).fill(9);
    layer[0] = 1;
    const [s] = measureStructures(volume(grid, ct), labelMap(grid, [layer], [{ id: 1, name: 'one', layer: 0 }]));
    expect(s.voxelCount).toBe(1);
  });

  it('measures overlapping labels on separate layers', () => {
    const organ = new Uint8Array(64).fill(1); // whole grid
    const lesion = new Uint16Array(64);
    lesion[index(dims, 2, 2, 2)] = 300;
    lesion[index(dims, 3, 2, 2)] = 300;
    const [o, l] = measureStructures(volume(grid, ct), labelMap(grid, [organ, lesion], [
      { id: 1, name: 'organ', layer: 0 },
      { id: 300, name: 'lesion', layer: 1 },
    ]));
    expect(o.voxelCount).toBe(64);
    expect(measured(o).huMean).toBe(31.5);
    expect(measured(o).touchesBorder).toEqual(['i-', 'i+', 'j-', 'j+', 'k-', 'k+']);
    const sl = measured(l);
    expect(sl.voxelCount).toBe(2);
    expect([...sl.ijkCentroid]).toEqual([2.5, 2, 2]);
    expect(sl.layer).toBe(1);
    expect(sl.touchesBorder).toEqual(['i+']);
  });

  it('rejects a label grid that does not match the CT', () => {
    const other = rasGrid(dims, [1, 1, 1], [0, 0, 5]);
    try {
      measureStructures(volume(grid, ct), labelMap(other, [new Uint8Array(64)], []));
      expect.unreachable();
    } catch (e) {
      expect(isGroundctError(e) && e.code).toBe('GCT_MEASURE_INPUT_INVALID');
    }
  });

  it('rejects duplicate label ids', () => {
    const layers = [new Uint8Array(64)];
    expect(() => measureStructures(volume(grid, ct), labelMap(grid, layers, [
      { id: 1, name: 'a', layer: 0 }, { id: 1, name: 'b', layer: 0 },
    ]))).toThrow(/ids must be unique/);
  });
});

describe('measureStructures: against a per-voxel brute force', () => {
  // Sparse random labels (mostly background, short runs) on rows of odd length, so that word-wise background
  // skipping meets unaligned rows, and layers stored at unaligned byte offsets (no word view at all).
  const dims: Dims = [37, 5, 3];
  const n = 37 * 5 * 3;
  const grid = rasGrid(dims, [0.5, 1, 2], [3, -4, 5]);
  let seed = 12345;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
  const ct = Int16Array.from({ length: n }, () => Math.floor(rand() * 400) - 200);
  const values = Array.from({ length: n }, () => (rand() < 0.7 ? 0 : 1 + Math.floor(rand() * 3)));

  function bruteForce(label: number): { count: number; meanHu: number; ijk: number[]; min: number[]; max: number[] } {
    let count = 0, sum = 0;
    const ijk = [0, 0, 0], min = [Infinity, Infinity, Infinity], max = [-Infinity, -Infinity, -Infinity];
    for (let k = 0; k < 3; k++) for (let j = 0; j < 5; j++) for (let i = 0; i < 37; i++) {
      const x = index(dims, i, j, k);
      if (values[x] !== label) continue;
      count++;
      sum += ct[x];
      [i, j, k].forEach((v, a) => { ijk[a] += v; min[a] = Math.min(min[a], v); max[a] = Math.max(max[a], v); });
    }
    return { count, meanHu: sum / count, ijk: ijk.map((v) => v / count), min, max };
  }

  const layerKinds: [string, () => Uint8Array | Uint16Array][] = [
    ['uint8', () => Uint8Array.from(values)],
    ['uint16', () => Uint16Array.from(values)],
    ['uint8 at byte offset 1', () => { const b = new Uint8Array(n + 1); b.set(values, 1); return b.subarray(1); }],
    ['uint16 at byte offset 2', () => { const b = new Uint16Array(n + 1); b.set(values, 1); return b.subarray(1); }],
  ];
  it.each(layerKinds)('%s layer', (_, makeLayer) => {
    const layer = makeLayer();
    const stats = measureStructures(volume(grid, ct), labelMap(grid, [layer], [1, 2, 3].map((id) => ({ id, name: `l${id}`, layer: 0 }))));
    for (const s of stats) {
      const want = bruteForce(s.labelId);
      const got = measured(s);
      expect(got.voxelCount).toBe(want.count);
      expect(got.huMean).toBeCloseTo(want.meanHu, 10);
      for (let a = 0; a < 3; a++) {
        expect(got.ijkCentroid[a]).toBeCloseTo(want.ijk[a], 10);
        expect(got.ijkBounds.min[a]).toBe(want.min[a]);
        expect(got.ijkBounds.max[a]).toBe(want.max[a]);
      }
    }
  });
});

describe('measureStructures: orientation', () => {
  function touchedFaces(direction: number[], ijkInside: [number, number, number]): MeasuredStructureStats {
    const dims: Dims = [3, 3, 3];
    const grid: Grid = { dims, ijkToRas: makeIjkToRas({ spacingMm: [1, 1, 2], direction, originRas: rasPoint(0, 0, 0) }) };
    const layer = new Uint8Array(27);
    layer[index(dims, ...ijkInside)] = 1;
    return measured(measureStructures(volume(grid, new Int16Array(27)), labelMap(grid, [layer], [{ id: 1, name: 'x', layer: 0 }]))[0]);
  }

  it('names the k = 0 face "inferior" when k points to +z (superior)', () => {
    const s = touchedFaces([1, 0, 0, 0, 1, 0, 0, 0, 1], [1, 1, 0]);
    expect(s.touchesBorder).toEqual(['k-']);
    expect(s.touchesBorderRas).toEqual(['inferior']);
    expect(s.partiallyImaged).toBe(true);
  });

  it('names the k = 0 face "superior" when k points to -z (the first slice is the top one)', () => {
    // LPI: i toward -x (left), j toward -y (posterior), k toward -z (inferior).
    const lpi = [-1, 0, 0, 0, -1, 0, 0, 0, -1];
    const top = touchedFaces(lpi, [1, 1, 0]);
    expect(top.touchesBorder).toEqual(['k-']);
    expect(top.touchesBorderRas).toEqual(['superior']);
    const bottom = touchedFaces(lpi, [1, 1, 2]);
    expect(bottom.touchesBorder).toEqual(['k+']);
    expect(bottom.touchesBorderRas).toEqual(['inferior']);
    const g = makeIjkToRas({ spacingMm: [1, 1, 1], direction: lpi, originRas: rasPoint(0, 0, 0) });
    expect(rasFacesOfGrid(g)).toEqual({ 'i-': 'right', 'i+': 'left', 'j-': 'anterior', 'j+': 'posterior', 'k-': 'superior', 'k+': 'inferior' });
  });

  it('uses the dominant RAS component of an oblique axis', () => {
    // k tilted 20 degrees from +z toward +y: still mostly superior.
    const t = (20 * Math.PI) / 180;
    const s = touchedFaces([1, 0, 0, 0, Math.cos(t), Math.sin(t), 0, -Math.sin(t), Math.cos(t)], [1, 1, 2]);
    expect(s.touchesBorder).toEqual(['k+']);
    expect(s.touchesBorderRas).toEqual(['superior']);
  });

  it('measures extents of an oblique grid along patient axes', () => {
    // Rotation by 30 degrees about z: columns i = 2(cos, sin, 0), j = 2(-sin, cos, 0), k = (0, 0, 3).
    const c = Math.cos(Math.PI / 6);
    const sn = Math.sin(Math.PI / 6);
    const dims: Dims = [4, 4, 2];
    const grid: Grid = { dims, ijkToRas: makeIjkToRas({ spacingMm: [2, 2, 3], direction: [c, -sn, 0, sn, c, 0, 0, 0, 1], originRas: rasPoint(0, 0, 0) }) };
    const layer = new Uint8Array(32);
    layer[index(dims, 1, 1, 0)] = 1;
    layer[index(dims, 2, 1, 0)] = 1;
    const s = measured(measureStructures(volume(grid, new Int16Array(32)), labelMap(grid, [layer], [{ id: 1, name: 'x', layer: 0 }]))[0]);
    // One voxel spans 2cos + 2sin along x and y; two voxels along i add one step of 2cos in x and 2sin in y.
    expect(s.extentMm.leftRight).toBeCloseTo(2 * c + 2 * sn + 2 * c, 12);
    expect(s.extentMm.anteriorPosterior).toBeCloseTo(2 * sn + 2 * c + 2 * sn, 12);
    expect(s.extentMm.craniocaudal).toBeCloseTo(3, 12);
    expect(s.volumeMm3).toBeCloseTo(24, 12);
  });

  describe('is the same in all 48 axis orientations of one patient', () => {
    // A 5 x 6 x 7 grid in RAS at 1 x 2 x 3 mm holding an L-shaped structure with an HU ramp, touching i = 0.
    const dims: Dims = [5, 6, 7];
    const baseGrid = rasGrid(dims, [1, 2, 3], [-7, 11, 13]);
    const baseCt = new Int16Array(5 * 6 * 7);
    const baseLayer = new Uint8Array(5 * 6 * 7);
    for (let k = 1; k < 6; k++) for (let j = 1; j < 4; j++) for (let i = 0; i < 4; i++) {
      if (i >= 2 && k >= 3) continue; // the notch of the L
      const x = index(dims, i, j, k);
      baseLayer[x] = 4;
      baseCt[x] = 10 * i - 7 * j + 3 * k * k;
    }
    const base = measured(measureStructures(volume(baseGrid, baseCt), labelMap(baseGrid, [baseLayer], [{ id: 4, name: 'l', layer: 0 }]))[0]);

    const perms = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
    const cases: { perm: number[]; flips: boolean[] }[] = [];
    for (const perm of perms) for (let f = 0; f < 8; f++) cases.push({ perm, flips: [(f & 1) > 0, (f & 2) > 0, (f & 4) > 0] });

    it.each(cases)('axes $perm flipped $flips', ({ perm, flips }) => {
      // New axis a reads old axis perm[a], reversed when flips[a]: old[perm[a]] = flips[a] ? n - 1 - new[a] : new[a].
      const newDims = perm.map((p) => dims[p]) as unknown as Dims;
      const ct = new Int16Array(baseCt.length);
      const layer = new Uint8Array(baseLayer.length);
      const old = [0, 0, 0];
      for (let k = 0; k < newDims[2]; k++) for (let j = 0; j < newDims[1]; j++) for (let i = 0; i < newDims[0]; i++) {
        const n = [i, j, k];
        for (let a = 0; a < 3; a++) old[perm[a]] = flips[a] ? newDims[a] - 1 - n[a] : n[a];
        const from = index(dims, old[0], old[1], old[2]);
        const to = index(newDims, i, j, k);
        ct[to] = baseCt[from];
        layer[to] = baseLayer[from];
      }
      // newToOld as a 4x4: old = P new + t; ijkToRas(new) = ijkToRas(old) . newToOld.
      const newToOld = new Array<number>(16).fill(0);
      for (let a = 0; a < 3; a++) {
        newToOld[perm[a] * 4 + a] = flips[a] ? -1 : 1;
        newToOld[perm[a] * 4 + 3] = flips[a] ? newDims[a] - 1 : 0;
      }
      newToOld[15] = 1;
      const grid: Grid = { dims: newDims, ijkToRas: multiplyMat4(baseGrid.ijkToRas, newToOld as Mat4) };
      const s = measured(measureStructures(volume(grid, ct), labelMap(grid, [layer], [{ id: 4, name: 'l', layer: 0 }]))[0]);

      expect(s.voxelCount).toBe(base.voxelCount);
      expect(s.volumeMm3).toBeCloseTo(base.volumeMm3, 9);
      for (const key of ['huMean', 'huSd', 'huMedian', 'huMin', 'huMax', 'huP5', 'huP95'] as const) expect(s[key]).toBeCloseTo(base[key], 9);
      for (let r = 0; r < 3; r++) {
        expect(s.rasCentroid[r]).toBeCloseTo(base.rasCentroid[r], 9);
        expect(s.rasBounds.min[r]).toBeCloseTo(base.rasBounds.min[r], 9);
        expect(s.rasBounds.max[r]).toBeCloseTo(base.rasBounds.max[r], 9);
      }
      expect(s.extentMm.leftRight).toBeCloseTo(base.extentMm.leftRight, 9);
      expect(s.extentMm.anteriorPosterior).toBeCloseTo(base.extentMm.anteriorPosterior, 9);
      expect(s.extentMm.craniocaudal).toBeCloseTo(base.extentMm.craniocaudal, 9);
      expect(s.touchesBorderRas).toEqual(['left']);
      // The ijk centroid maps to the same RAS point through this grid's own affine.
      const viaAffine = applyMat4(grid.ijkToRas, s.ijkCentroid);
      for (let r = 0; r < 3; r++) expect(viaAffine[r]).toBeCloseTo(base.rasCentroid[r], 9);
    });

    it('base phantom values (hand-computed)', () => {
      // L = 4x3x5 block minus the 2x3x3 notch = 60 - 18 = 42 voxels of 6 mm3.
      expect(base.voxelCount).toBe(42);
      expect(base.volumeMm3).toBe(252);
      // i spans 0..3 (4 mm), j 1..3 (3 x 2 mm), k 1..5 (5 x 3 mm).
      expect(base.extentMm).toEqual({ leftRight: 4, anteriorPosterior: 6, craniocaudal: 15 });
      // Touches i = 0, whose outward normal is -x: the patient's left.
      expect(base.touchesBorder).toEqual(['i-']);
      expect(base.touchesBorderRas).toEqual(['left']);
    });
  });
});
