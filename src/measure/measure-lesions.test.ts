import { describe, expect, it } from 'vitest';
import { isGroundctError } from '../errors.ts';
import type { Dims, Mat4 } from '../volume/geometry.ts';
import type { LabelArray, LabelEntry, LabelMap, Volume, VoxelArray } from '../volume/types.ts';
import { measureLesions } from './measure-lesions.ts';

const META = { source: { format: 'phantom' as const, path: 'memory' } };

function volume(dims: Dims, ijkToRas: Mat4, data: VoxelArray): Volume {
  return { kind: 'volume', grid: { dims, ijkToRas }, data, meta: META };
}
function labelMap(dims: Dims, ijkToRas: Mat4, layers: LabelArray[], labels: LabelEntry[]): LabelMap {
  return { kind: 'labelmap', grid: { dims, ijkToRas }, layers, labels, meta: META };
}

/** Sets `value` in a box of voxels (inclusive bounds) of an array on `dims`. */
function fillBox(a: { [n: number]: number }, dims: Dims, lo: readonly number[], hi: readonly number[], value: (i: number, j: number, k: number) => number): void {
  for (let k = lo[2]; k <= hi[2]; k++) for (let j = lo[1]; j <= hi[1]; j++) for (let i = lo[0]; i <= hi[0]; i++) a[i + dims[0] * (j + dims[1] * k)] = value(i, j, k);
}

function codeOf(f: () => unknown): string | null {
  try {
    f();
  } catch (e) {
    return isGroundctError(e) ? e.code : `not a GroundctError: ${String(e)}`;
  }
  return null;
}

describe('measureLesions', () => {
  // LPS-stored axial CT at 0.7 x 0.7 x 2.5 mm: voxel volume 1.225 mm3.
  const dims: Dims = [40, 30, 12];
  const M: Mat4 = [-0.7, 0, 0, 100, 0, -0.7, 0, 50, 0, 0, 2.5, -300, 0, 0, 0, 1];
  const voxelMm3 = 0.7 * 0.7 * 2.5;
  const ct = new Int16Array(dims[0] * dims[1] * dims[2]).fill(-100);
  const layer = new Uint8Array(ct.length);
  // Organ label 1 around everything; lesions are label 2.
  fillBox(layer, dims, [0, 0, 0], [39, 29, 11], () => 1);
  // A: 10 x 6 x 3 box, HU 20/30/40 on its three slices.
  fillBox(layer, dims, [10, 10, 4], [19, 15, 6], () => 2);
  fillBox(ct, dims, [10, 10, 4], [19, 15, 6], (_i, _j, k) => 20 + 10 * (k - 4));
  // B: 5 x 4 x 2 = 40 voxels = 49 mm3, under the 50 mm3 default.
  fillBox(layer, dims, [30, 2, 2], [34, 5, 3], () => 2);
  // C: 6 x 6 x 2 = 72 voxels at the i = 0 and k = 11 faces of the scan.
  fillBox(layer, dims, [0, 20, 10], [5, 25, 11], () => 2);
  const labels: LabelEntry[] = [
    { id: 1, name: 'liver', layer: 0 },
    { id: 2, name: 'liver_lesion', layer: 0 },
  ];
  const ctVolume = volume(dims, M, ct);
  const map = labelMap(dims, M, [layer], labels);
  const result = measureLesions(ctVolume, map, [2], { minLesionVolumeMm3: 50 });

  it('finds the lesions, largest first, and drops and counts the one under 50 mm3', () => {
    expect(result.lesions.map((l) => [l.id, l.voxelCount, l.componentIndex])).toEqual([
      ['liver_lesion-1', 180, 0],
      ['liver_lesion-2', 72, 1],
    ]);
    expect(result.dropped).toEqual([{ labelId: 2, labelName: 'liver_lesion', count: 1, volumeMm3: expect.closeTo(40 * voxelMm3, 9) }]);
  });

  it('measures volume, HU statistics, centroid and bounds of the box lesion', () => {
    const a = result.lesions[0];
    expect(a.volumeMm3).toBeCloseTo(180 * voxelMm3, 9);
    expect(a.volumeMl).toBeCloseTo(0.2205, 9);
    expect(a.huMean).toBeCloseTo(30, 9);
    expect(a.huSd).toBeCloseTo(Math.sqrt(200 / 3), 9);
    expect(a.huMedian).toBe(30);
    expect([a.huMin, a.huMax]).toEqual([20, 40]);
    expect(a.ijkCentroid).toEqual([14.5, 12.5, 5]);
    expect(a.rasCentroid[0]).toBeCloseTo(100 - 0.7 * 14.5, 9);
    expect(a.rasCentroid[1]).toBeCloseTo(50 - 0.7 * 12.5, 9);
    expect(a.rasCentroid[2]).toBeCloseTo(-300 + 2.5 * 5, 9);
    expect(a.ijkBounds).toEqual({ min: [10, 10, 4], max: [19, 15, 6] });
    expect(a.rasBounds.min[0]).toBeCloseTo(100 - 0.7 * 19, 9);
    expect(a.rasBounds.max[0]).toBeCloseTo(100 - 0.7 * 10, 9);
    expect(a.rasBounds.min[2]).toBeCloseTo(-290, 9);
    expect(a.rasBounds.max[2]).toBeCloseTo(-285, 9);
    expect(a.sliceRange).toEqual([4, 6]);
    expect(a.touchesBorder).toEqual({ touches: false, faces: [] });
  });

  it('measures RECIST axes of the box lesion on an axial slice: diagonal and width across it', () => {
    const a = result.lesions[0];
    // Centre-to-centre spans 9 x 0.7 = 6.3 mm and 5 x 0.7 = 3.5 mm.
    const long = Math.hypot(6.3, 3.5);
    expect(a.axialAxis).toBe('k');
    expect(a.longAxisMm).toBeCloseTo(long, 9);
    expect(a.shortAxisMm).toBeCloseTo((2 * 6.3 * 3.5) / long, 9);
    expect(a.max3dDiameterMm).toBeCloseTo(Math.hypot(6.3, 3.5, 5), 9);
    expect(a.axialSliceIndex).toBeGreaterThanOrEqual(4);
    expect(a.axialSliceIndex).toBeLessThanOrEqual(6);
  });

  it('flags the lesion cut by the scan border with the faces it touches', () => {
    expect(result.lesions[1].touchesBorder).toEqual({ touches: true, faces: ['i-', 'k+'] });
  });

  it('keeps voxel lists out of the JSON but available by lesion id', () => {
    const json = JSON.stringify(result);
    expect(json).not.toContain('voxelIndices');
    expect(JSON.parse(json).lesions).toHaveLength(2);
    const indices = result.voxelIndices.get('liver_lesion-1')!;
    expect(indices).toHaveLength(180);
    expect(indices.every((v, p) => p === 0 || v > indices[p - 1])).toBe(true);
    expect(indices.every((v) => layer[v] === 2)).toBe(true);
  });

  it('adds IBSI shape features on request', () => {
    const withShape = measureLesions(ctVolume, map, [2], { minLesionVolumeMm3: 50, withShape: true });
    const shape = withShape.lesions[0].shape!;
    expect(shape.morph_vol_approx).toBeCloseTo(180 * voxelMm3, 9);
    expect(shape.morph_volume).toBeGreaterThan(0);
    expect(shape.morph_volume).toBeLessThan(shape.morph_vol_approx);
    expect(shape.morph_vol_dens_aabb).toBeCloseTo(shape.morph_volume / (180 * voxelMm3), 9);
    expect(result.lesions[0].shape).toBeUndefined();
  });

  it('keeps a lesion of exactly the minimum volume, drops one voxel less', () => {
    const d: Dims = [20, 20, 5];
    const I: Mat4 = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
    const lab = new Uint8Array(2000);
    fillBox(lab, d, [0, 0, 1], [9, 4, 1], () => 5); // 50 voxels = 50 mm3
    fillBox(lab, d, [0, 10, 1], [6, 16, 1], () => 5); // 49 voxels
    const r = measureLesions(volume(d, I, new Float32Array(2000)), labelMap(d, I, [lab], [{ id: 5, name: 'nodule', layer: 0 }]), [5], { minLesionVolumeMm3: 50 });
    expect(r.lesions.map((l) => l.volumeMm3)).toEqual([50]);
    expect(r.dropped[0]).toMatchObject({ count: 1, volumeMm3: 49 });
  });

  it('measures a single-voxel lesion on a second layer as 0 mm across when nothing is dropped', () => {
    const second = new Uint8Array(ct.length);
    second[3 + 40 * (3 + 30 * 3)] = 3;
    const r = measureLesions(
      ctVolume,
      labelMap(dims, M, [layer, second], [...labels, { id: 3, name: 'kidney_cyst', layer: 1 }]),
      [2, 3],
      { minLesionVolumeMm3: 0 },
    );
    expect(r.lesions.map((l) => l.id)).toEqual(['liver_lesion-1', 'liver_lesion-2', 'liver_lesion-3', 'kidney_cyst-1']);
    const cyst = r.lesions[3];
    expect(cyst).toMatchObject({ voxelCount: 1, longAxisMm: 0, shortAxisMm: 0, max3dDiameterMm: 0, huMean: -100, huSd: 0, axialSliceIndex: 3 });
    expect(r.dropped.map((d) => d.count)).toEqual([0, 0]);
  });

  it('returns no lesions for an empty label', () => {
    const r = measureLesions(ctVolume, labelMap(dims, M, [new Uint8Array(ct.length)], labels), [2], { minLesionVolumeMm3: 50 });
    expect(r.lesions).toEqual([]);
    expect(r.dropped).toEqual([{ labelId: 2, labelName: 'liver_lesion', count: 0, volumeMm3: 0 }]);
  });

  it('counts two blobs touching by a corner as one lesion (26-connectivity) or two (6-connectivity)', () => {
    const lab = new Uint8Array(ct.length);
    fillBox(lab, dims, [5, 5, 2], [9, 9, 4], () => 2);
    fillBox(lab, dims, [10, 10, 5], [14, 14, 7], () => 2);
    const m = labelMap(dims, M, [lab], labels);
    expect(measureLesions(ctVolume, m, [2], { minLesionVolumeMm3: 0 }).lesions).toHaveLength(1);
    expect(measureLesions(ctVolume, m, [2], { minLesionVolumeMm3: 0, connectivity: 6 }).lesions).toHaveLength(2);
  });

  it('gives the same measurements when the S-I axis is stored along i', () => {
    // Same voxels, storage axes (k, j, i): ijkToRas columns permuted accordingly.
    const pd: Dims = [dims[2], dims[1], dims[0]];
    const pM: Mat4 = [0, 0, -0.7, 100, 0, -0.7, 0, 50, 2.5, 0, 0, -300, 0, 0, 0, 1];
    const pLayer = new Uint8Array(ct.length);
    const pCt = new Int16Array(ct.length);
    for (let k = 0; k < dims[2]; k++)
      for (let j = 0; j < dims[1]; j++)
        for (let i = 0; i < dims[0]; i++) {
          const src = i + dims[0] * (j + dims[1] * k);
          const dst = k + pd[0] * (j + pd[1] * i);
          pLayer[dst] = layer[src];
          pCt[dst] = ct[src];
        }
    const r = measureLesions(volume(pd, pM, pCt), labelMap(pd, pM, [pLayer], labels), [2], { minLesionVolumeMm3: 50 });
    const [a, b] = [result.lesions[0], r.lesions[0]];
    expect(b.axialAxis).toBe('i');
    expect(b.sliceRange).toEqual([4, 6]);
    for (const key of ['volumeMm3', 'huMean', 'huSd', 'longAxisMm', 'shortAxisMm', 'max3dDiameterMm'] as const) expect(b[key]).toBeCloseTo(a[key], 9);
    for (let c = 0; c < 3; c++) expect(b.rasCentroid[c]).toBeCloseTo(a.rasCentroid[c], 9);
    expect(r.lesions[1].touchesBorder.faces).toEqual(['i+', 'k-']);
  });

  it('rejects unknown labels, mismatched grids and bad options with coded errors', () => {
    expect(codeOf(() => measureLesions(ctVolume, map, [9], { minLesionVolumeMm3: 50 }))).toBe('GCT_MEASURE_LABEL_UNKNOWN');
    const shifted: Mat4 = [...M.slice(0, 3), 105, ...M.slice(4)];
    expect(codeOf(() => measureLesions(ctVolume, labelMap(dims, shifted, [layer], labels), [2], { minLesionVolumeMm3: 50 }))).toBe('GCT_MEASURE_INPUT_INVALID');
    expect(codeOf(() => measureLesions(ctVolume, map, [2], { minLesionVolumeMm3: -1 }))).toBe('GCT_MEASURE_OPTION_INVALID');
    expect(codeOf(() => measureLesions(ctVolume, map, [2], { minLesionVolumeMm3: Number.NaN }))).toBe('GCT_MEASURE_OPTION_INVALID');
  });
});

/** 20 lesions of 1-30 mL on a 512 x 512 x 400 grid must be measured (without shape) within this time. */
