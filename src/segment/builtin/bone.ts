/**
 * Bone (the `skeleton` composite): hysteresis thresholding inside the body: voxels of at least BONE_MIN_HU
 * reached from a BONE_SEED_HU voxel within BONE_GROW_MM (face steps, so that the lumen of a vessel with a
 * calcified wall, or an enhancing organ touching bone, is entered only that far),
 * components under BONE_MIN_VOLUME_ML dropped, small enclosed marrow holes filled per axial slice.
 */
import { spacingOf, voxelVolumeMm3, type Volume } from '../../volume/index.ts';
import { fillHolesAxial, labelComponents3d } from './components.ts';
import { readSlice, writeSlice, type AxialLayout } from './slices.ts';
import { BONE_GROW_MM, BONE_MAX_HOLE_AREA_MM2, BONE_MIN_HU, BONE_MIN_VOLUME_ML, BONE_SEED_HU } from './thresholds.ts';

const MM3_PER_ML = 1000;

/**
 * Multi-source breadth-first growth from `seed` into `allowed`, at most `maxSteps` face steps from a seed
 * (a geodesic distance inside the allowed set).
 */
function growFromSeeds(seed: Uint8Array, allowed: Uint8Array, dims: readonly [number, number, number], maxSteps: number): Uint8Array {
  const [nx, ny, nz] = dims;
  const sxy = nx * ny;
  const out = new Uint8Array(seed.length);
  let frontier: number[] = [];
  for (let v = 0; v < seed.length; v++) if (seed[v]) { out[v] = 1; frontier.push(v); }
  for (let step = 0; step < maxSteps && frontier.length; step++) {
    const next: number[] = [];
    for (const v of frontier) {
      const z = (v / sxy) | 0;
      const r = v - z * sxy;
      const y = (r / nx) | 0;
      const x = r - y * nx;
      if (x > 0 && allowed[v - 1] && !out[v - 1]) { out[v - 1] = 1; next.push(v - 1); }
      if (x < nx - 1 && allowed[v + 1] && !out[v + 1]) { out[v + 1] = 1; next.push(v + 1); }
      if (y > 0 && allowed[v - nx] && !out[v - nx]) { out[v - nx] = 1; next.push(v - nx); }
      if (y < ny - 1 && allowed[v + nx] && !out[v + nx]) { out[v + nx] = 1; next.push(v + nx); }
      if (z > 0 && allowed[v - sxy] && !out[v - sxy]) { out[v - sxy] = 1; next.push(v - sxy); }
      if (z < nz - 1 && allowed[v + sxy] && !out[v + sxy]) { out[v + sxy] = 1; next.push(v + sxy); }
    }
    frontier = next;
  }
  return out;
}

export function segmentBone(ct: Volume, body: Uint8Array, layout: AxialLayout): Uint8Array {
  const { data, grid } = ct;
  const weak = new Uint8Array(data.length);
  const seed = new Uint8Array(data.length);
  for (let n = 0; n < data.length; n++) {
    weak[n] = body[n] && data[n] >= BONE_MIN_HU ? 1 : 0;
    seed[n] = weak[n] && data[n] >= BONE_SEED_HU ? 1 : 0;
  }
  const maxSteps = Math.max(1, Math.round(BONE_GROW_MM / Math.min(...spacingOf(grid))));
  const grown = growFromSeeds(seed, weak, grid.dims, maxSteps);
  const { labels, sizes } = labelComponents3d(grown, grid.dims);
  const minVoxels = (BONE_MIN_VOLUME_ML * MM3_PER_ML) / voxelVolumeMm3(grid);
  const keep = new Uint8Array(sizes.length);
  for (let c = 1; c < sizes.length; c++) keep[c] = sizes[c] >= minVoxels ? 1 : 0;
  const bone = new Uint8Array(data.length);
  for (let n = 0; n < data.length; n++) bone[n] = keep[labels[n]];
  const maxHolePixels = BONE_MAX_HOLE_AREA_MM2 / layout.pixelAreaMm2;
  fillHolesAxial(bone, layout, (s, out) => readSlice(bone, layout, s, out), (s, slice) => writeSlice(bone, layout, s, slice), maxHolePixels);
  return bone;
}
