/**
 * Refuses voxel values that are not finite numbers. NaN and +/-Infinity (stored as such in a float image, or
 * produced when the file's scaling overflows a 32-bit float, e.g. scl_slope 1e38 x stored 1000) make every
 * statistic over them NaN or infinite (a mean HU of null, an HU range of -Infinity..Infinity): an error now is
 * better than wrong numbers later. Integer arrays cannot hold such values and are not scanned.
 */
import { gctError } from '../errors.ts';
import type { Grid } from './geometry.ts';
import type { VolumeMeta, VoxelArray } from './types.ts';

export function assertFiniteVoxels(image: { readonly grid: Grid; readonly data: VoxelArray; readonly meta: VolumeMeta }): void {
  const { data } = image;
  if (!(data instanceof Float32Array || data instanceof Float64Array)) return;
  let nan = 0;
  let infinite = 0;
  let first = -1;
  let last = -1;
  for (let n = 0; n < data.length; n++) {
    const v = data[n];
    if (v - v === 0) continue; // finite (NaN - NaN and Inf - Inf are NaN)
    if (Number.isNaN(v)) nan++;
    else infinite++;
    if (first < 0) first = n;
    last = n;
  }
  if (first < 0) return;
  const [di, dj] = image.grid.dims;
  const ijk = (n: number): [number, number, number] => [n % di, Math.floor(n / di) % dj, Math.floor(n / (di * dj))];
  const rescale = image.meta.rescale;
  const path = image.meta.source.path;
  const count = nan + infinite;
  throw gctError(
    'GCT_VOLUME_VALUES_NOT_FINITE',
    `${path}: ${count} of ${data.length} voxels are not finite numbers (${nan} NaN, ${infinite} infinite), from voxel (i, j, k) = (${ijk(first).join(', ')}) to (${ijk(last).join(', ')}), slices k ${ijk(first)[2]}..${ijk(last)[2]}` +
      (rescale ? `; values are stored x ${rescale.slope} + ${rescale.intercept} (the file's scaling), which may overflow a 32-bit float` : ''),
    { path, nonFiniteVoxels: count, nan, infinite, firstIjk: ijk(first), lastIjk: ijk(last), ...(rescale ? { rescale } : {}) },
  );
}
