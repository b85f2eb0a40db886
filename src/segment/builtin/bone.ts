/**
 * Bone (the `skeleton` composite) in three steps:
 * 1. Hysteresis thresholding inside the body: voxels of at least the grow threshold reached from a seed voxel
 *    (at least the seed threshold) within BONE_GROW_MM (face steps, so that an enhancing organ or vessel touching
 *    bone is entered only that far). Both thresholds follow the voxel size (boneThresholdsHu: partial volume).
 * 2. Components under BONE_MIN_VOLUME_ML dropped (calcifications, noise).
 * 3. Marrow: cancellous bone inside a cortical shell is darker than the shell and partly under the grow
 *    threshold; holes of an axial slice enclosed by bone, up to BONE_MAX_MARROW_AREA_MM2 and with a mean of at
 *    least MARROW_MIN_MEAN_HU (not the spinal canal), are filled.
 * 4. Partial-volume rim: low boundary voxels under the half-maximum edge (BONE_EDGE_FRACTION) dropped once.
 */
import { spacingOf, voxelVolumeMm3, type Grid, type Volume, type VoxelArray } from '../../volume/index.ts';
import { labelRuns, maskRuns, paintRuns, type Runs } from './components.ts';
import { complementRuns, dilateRunsSquare } from './run-morphology.ts';
import { readSlice, writeSlice, type AxialLayout } from './slices.ts';
import {
  BONE_EDGE_FRACTION, BONE_GROW_MM, BONE_MAX_MARROW_AREA_MM2, BONE_MIN_HU_AT_1MM, BONE_RING_GAP_MM, BONE_MIN_VOLUME_ML, BONE_PARTIAL_VOLUME_REFERENCE_MM, BONE_SEED_HU_AT_1MM,
  FATTY_MARROW_MAX_MEAN_HU, MARROW_MIN_MEAN_HU, SOFT_TISSUE_HU,
} from './thresholds.ts';

const MM3_PER_ML = 1000;

export interface BoneThresholdsHu {
  readonly seedHu: number;
  readonly growHu: number;
}

/**
 * Seed and grow thresholds for a grid. A bony structure thinner than a voxel (a rib's or a vertebral body's
 * cortex, about 1 mm) fills only a fraction of it, about BONE_PARTIAL_VOLUME_REFERENCE_MM / voxel size, and the
 * voxel reads soft tissue plus that fraction of the bone's excess over soft tissue (linear partial-volume
 * mixing). The thresholds set for 1 mm voxels are scaled the same way on coarser grids (never raised on finer
 * ones): threshold = SOFT_TISSUE_HU + (threshold at 1 mm - SOFT_TISSUE_HU) * min(1, 1 mm / voxel size), with the
 * voxel size the cube root of the voxel volume.
 */
export function boneThresholdsHu(grid: Grid): BoneThresholdsHu {
  const voxelSizeMm = Math.cbrt(voxelVolumeMm3(grid));
  const fraction = Math.min(1, BONE_PARTIAL_VOLUME_REFERENCE_MM / voxelSizeMm);
  return {
    seedHu: SOFT_TISSUE_HU + (BONE_SEED_HU_AT_1MM - SOFT_TISSUE_HU) * fraction,
    growHu: SOFT_TISSUE_HU + (BONE_MIN_HU_AT_1MM - SOFT_TISSUE_HU) * fraction,
  };
}

/**
 * Multi-source breadth-first growth from the seed voxels (set in `out`, listed in `seeds[0, seedCount)`) into
 * `allowed`, at most `maxSteps` face steps from a seed (a geodesic distance inside the allowed set). `out` is
 * grown in place.
 */
function growFromSeeds(out: Uint8Array, seeds: Int32Array, seedCount: number, allowed: Uint8Array, dims: readonly [number, number, number], maxSteps: number): void {
  const [nx, ny, nz] = dims;
  const sxy = nx * ny;
  let frontier: Int32Array = seeds;
  let size = seedCount;
  let next: Int32Array = new Int32Array(Math.max(16, seedCount));
  for (let step = 0; step < maxSteps && size; step++) {
    let nextSize = 0;
    // Room for all six neighbours of every frontier voxel: no check per push.
    if (next.length < 6 * size) next = new Int32Array(6 * size);
    for (let f = 0; f < size; f++) {
      const v = frontier[f];
      const z = (v / sxy) | 0;
      const r = v - z * sxy;
      const y = (r / nx) | 0;
      const x = r - y * nx;
      if (x > 0 && allowed[v - 1] && !out[v - 1]) { out[v - 1] = 1; next[nextSize++] = v - 1; }
      if (x < nx - 1 && allowed[v + 1] && !out[v + 1]) { out[v + 1] = 1; next[nextSize++] = v + 1; }
      if (y > 0 && allowed[v - nx] && !out[v - nx]) { out[v - nx] = 1; next[nextSize++] = v - nx; }
      if (y < ny - 1 && allowed[v + nx] && !out[v + nx]) { out[v + nx] = 1; next[nextSize++] = v + nx; }
      if (z > 0 && allowed[v - sxy] && !out[v - sxy]) { out[v - sxy] = 1; next[nextSize++] = v - sxy; }
      if (z < nz - 1 && allowed[v + sxy] && !out[v + sxy]) { out[v + sxy] = 1; next[nextSize++] = v + sxy; }
    }
    const t = frontier; frontier = next; next = t;
    size = nextSize;
  }
}

/**
 * Marrow, in each axial slice: the slice's bone is closed with a (2 gapPixels + 1)-pixel square (rings with small
 * gaps bridged; the closing is kept), and the holes of the closing (background pixels not 4-connected to the
 * slice border) of at most `maxHolePixels` whose mean HU passes the marrow tests are filled. All on runs along
 * the slice's rows: the complement of the closing is the dilation of the complement of the dilation (duality,
 * run-morphology.ts), so its runs are the hole candidates directly.
 */
function fillMarrow(bone: Uint8Array, hu: VoxelArray, layout: AxialLayout, maxHolePixels: number, gapPixels: number): void {
  const { width: w, height: h } = layout;
  const size = w * h;
  const slice = new Uint8Array(size);
  const huSlice = new Float32Array(size);
  const row = new Uint8Array(w);
  // Axial slices stored contiguously (axial = k, u = i): read and written in place, no copies.
  const contiguous = layout.axis === 2 && layout.u === 0;
  for (let s = 0; s < layout.count; s++) {
    let view: Uint8Array = slice;
    if (contiguous) view = bone.subarray(s * size, (s + 1) * size);
    else readSlice(bone, layout, s, slice);
    const boneRuns = maskRuns(view, w, h);
    if (boneRuns.count === 0) continue;
    // Runs of the complement of the closing (or of the bone itself without closing).
    const open = gapPixels >= 1
      ? dilateRunsSquare(complementRuns(dilateRunsSquare(boneRuns, h, gapPixels, row), h), h, gapPixels, row)
      : complementRuns(boneRuns, h);
    const { runLabel, sizes } = labelRuns(open, h, 1);
    const { starts, ends, rowFirst } = open;
    const candidate = new Uint8Array(sizes.length);
    for (let c = 1; c < sizes.length; c++) candidate[c] = sizes[c] <= maxHolePixels ? 1 : 0;
    for (let y = 0; y < h; y++)
      for (let n = rowFirst[y]; n < rowFirst[y + 1]; n++)
        if (y === 0 || y === h - 1 || starts[n] === 0 || ends[n] === w) candidate[runLabel[n]] = 0;
    const fill = new Uint8Array(sizes.length);
    let filled = 0;
    if (candidate.includes(1)) {
      // Hole means from HU as float32 (the slice's HU buffer type), summed in row order.
      let huOf: ArrayLike<number> = huSlice, base = 0;
      if (contiguous) { huOf = hu; base = s * size; } else readSlice(hu, layout, s, huSlice);
      const sum = new Float64Array(sizes.length);
      for (let y = 0; y < h; y++)
        for (let n = rowFirst[y]; n < rowFirst[y + 1]; n++) {
          const c = runLabel[n];
          if (!candidate[c]) continue;
          for (let p = base + y * w + starts[n]; p < base + y * w + ends[n]; p++) sum[c] += Math.fround(huOf[p]);
        }
      for (let c = 1; c < sizes.length; c++) {
        const meanHu = sum[c] / sizes[c];
        if (candidate[c] && (meanHu >= MARROW_MIN_MEAN_HU || meanHu <= FATTY_MARROW_MAX_MEAN_HU)) { fill[c] = 1; filled++; }
      }
    }
    if (!filled && gapPixels < 1) continue;
    // Bone = the closing plus the filled holes = everything but the runs of `open` left unfilled.
    view.fill(1);
    for (let y = 0; y < h; y++)
      for (let n = rowFirst[y]; n < rowFirst[y + 1]; n++) if (!fill[runLabel[n]]) view.fill(0, y * w + starts[n], y * w + ends[n]);
    if (!contiguous) writeSlice(bone, layout, s, slice);
  }
}

/**
 * Drops the partial-volume rim, once: voxels of `bone` under `seedHu` with a face neighbour outside `bone` (the
 * volume's border does not count) whose HU is under SOFT_TISSUE_HU + BONE_EDGE_FRACTION * (local bone HU -
 * SOFT_TISSUE_HU), the local bone HU being the highest HU of the bone voxels in the voxel's 3 x 3 x 3
 * neighbourhood. All tests read the mask as it was before the step (a parallel erosion, not a peeling).
 * Returns the number of voxels dropped.
 */
export function dropBoneRim(bone: Uint8Array, hu: VoxelArray, dims: readonly [number, number, number], seedHu: number, runs: Runs): number {
  const [nx, ny, nz] = dims;
  const sxy = nx * ny;
  let drop = new Int32Array(1024);
  let count = 0;
  for (let r = 0; r < ny * nz; r++) {
    const z = (r / ny) | 0;
    const y = r - z * ny;
    for (let q = runs.rowFirst[r]; q < runs.rowFirst[r + 1]; q++)
      for (let x = runs.starts[q]; x < runs.ends[q]; x++) {
        const v = r * nx + x;
        const value = hu[v];
        if (value >= seedHu) continue;
        const boundary = (x > 0 && !bone[v - 1]) || (x < nx - 1 && !bone[v + 1]) || (y > 0 && !bone[v - nx]) || (y < ny - 1 && !bone[v + nx])
          || (z > 0 && !bone[v - sxy]) || (z < nz - 1 && !bone[v + sxy]);
        if (!boundary) continue;
        let maxHu = value;
        for (let zz = Math.max(0, z - 1); zz <= Math.min(nz - 1, z + 1); zz++)
          for (let yy = Math.max(0, y - 1); yy <= Math.min(ny - 1, y + 1); yy++) {
            const base = zz * sxy + yy * nx;
            for (let xx = Math.max(0, x - 1); xx <= Math.min(nx - 1, x + 1); xx++) if (bone[base + xx] && hu[base + xx] > maxHu) maxHu = hu[base + xx];
          }
        if (value < SOFT_TISSUE_HU + BONE_EDGE_FRACTION * (maxHu - SOFT_TISSUE_HU)) {
          if (count === drop.length) { const bigger = new Int32Array(drop.length * 2); bigger.set(drop); drop = bigger; }
          drop[count++] = v;
        }
      }
  }
  for (let n = 0; n < count; n++) bone[drop[n]] = 0;
  return count;
}

/** @param bodyRuns the runs of `body` along i when the caller has them (maskRuns) */
export function segmentBone(ct: Volume, body: Uint8Array, layout: AxialLayout, bodyRuns?: Runs): Uint8Array {
  const { data, grid } = ct;
  const [nx, ny, nz] = grid.dims;
  const rows = ny * nz;
  const { seedHu, growHu } = boneThresholdsHu(grid);
  // Thresholds inside the body only: its runs bound the scan.
  bodyRuns ??= maskRuns(body, nx, rows);
  const weak = new Uint8Array(data.length);
  const grown = new Uint8Array(data.length);
  let seeds = new Int32Array(1 << 16);
  let seedCount = 0;
  for (let r = 0; r < rows; r++)
    for (let b = bodyRuns.rowFirst[r]; b < bodyRuns.rowFirst[r + 1]; b++) {
      const end = r * nx + bodyRuns.ends[b];
      for (let n = r * nx + bodyRuns.starts[b]; n < end; n++) {
        const v = data[n];
        if (v >= growHu) {
          weak[n] = 1;
          if (v >= seedHu) {
            grown[n] = 1;
            if (seedCount === seeds.length) { const bigger = new Int32Array(seeds.length * 2); bigger.set(seeds); seeds = bigger; }
            seeds[seedCount++] = n;
          }
        }
      }
    }
  const maxSteps = Math.max(1, Math.round(BONE_GROW_MM / Math.min(...spacingOf(grid))));
  growFromSeeds(grown, seeds, seedCount, weak, grid.dims, maxSteps);
  const runs = maskRuns(grown, nx, rows);
  const { runLabel, sizes } = labelRuns(runs, ny, nz);
  const minVoxels = (BONE_MIN_VOLUME_ML * MM3_PER_ML) / voxelVolumeMm3(grid);
  const keep = new Uint8Array(sizes.length);
  for (let c = 1; c < sizes.length; c++) keep[c] = sizes[c] >= minVoxels ? 1 : 0;
  const bone = weak.fill(0); // reused
  paintRuns(bone, runs, runLabel, keep);
  fillMarrow(bone, data, layout, BONE_MAX_MARROW_AREA_MM2 / layout.pixelAreaMm2, Math.round(BONE_RING_GAP_MM / Math.sqrt(layout.pixelAreaMm2)));
  dropBoneRim(bone, data, grid.dims, seedHu, maskRuns(bone, nx, rows));
  return bone;
}
