import { gctError } from '../errors.ts';
import { applyMat4, invertMat4, maxCornerDistanceMm, multiplyMat4, orientationCode, sameGrid, spacingOf, type Grid } from './geometry.ts';
import type { LabelArray, LabelMap } from './types.ts';

export function describeGrid(grid: Grid): string {
  const s = spacingOf(grid).map((v) => +v.toFixed(3));
  const o = [grid.ijkToRas[3], grid.ijkToRas[7], grid.ijkToRas[11]].map((v) => +v.toFixed(2));
  return `${grid.dims.join('x')} voxels, spacing ${s.join('x')} mm, ${orientationCode(grid.ijkToRas)}, origin (RAS mm) [${o.join(', ')}]`;
}

/**
 * Puts a label map on the CT's grid.
 * - Same grid (within `toleranceMm` at every corner voxel centre): returned unchanged.
 * - Otherwise resampled nearest-neighbour through the two affines (target voxel centre -> source index,
 *   rounded), which is what every label resampler must do (no interpolation between label ids).
 * - A mask whose labelled voxels fall outside the CT's field of view, or that does not overlap it at all, is
 *   an error naming both grids: silently cropping would change volumes.
 */
export function resampleLabelsToGrid(labels: LabelMap, target: Grid, toleranceMm: number, sourceName = labels.meta.source.path): LabelMap {
  if (sameGrid(labels.grid, target, toleranceMm)) return labels;
  const mismatch = () =>
    `mask ${sourceName} (${describeGrid(labels.grid)}) vs CT (${describeGrid(target)})`;
  let targetToSource;
  try {
    targetToSource = multiplyMat4(invertMat4(labels.grid.ijkToRas), target.ijkToRas);
  } catch (cause) {
    throw gctError('GCT_VOLUME_AFFINE_INVALID', `Cannot map ${mismatch()}: ${(cause as Error).message}`, {}, cause);
  }
  const [nx, ny, nz] = target.dims;
  const [sx, sy, sz] = labels.grid.dims;
  const layers: LabelArray[] = labels.layers.map((l) => (l instanceof Uint8Array ? new Uint8Array(nx * ny * nz) : new Uint16Array(nx * ny * nz)));
  const m = targetToSource;
  const covered: number[] = labels.layers.map(() => 0);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++) {
      const bx = m[1] * j + m[2] * k + m[3];
      const by = m[5] * j + m[6] * k + m[7];
      const bz = m[9] * j + m[10] * k + m[11];
      let t = nx * (j + ny * k);
      for (let i = 0; i < nx; i++, t++) {
        const si = Math.round(m[0] * i + bx);
        const sj = Math.round(m[4] * i + by);
        const sk = Math.round(m[8] * i + bz);
        if (si < 0 || sj < 0 || sk < 0 || si >= sx || sj >= sy || sk >= sz) continue;
        const s = si + sx * (sj + sy * sk);
        for (let l = 0; l < layers.length; l++) {
          const v = labels.layers[l][s];
          if (v !== 0) {
            layers[l][t] = v;
            covered[l]++;
          }
        }
      }
    }
  // Labelled source voxels whose centres land outside the CT grid would be lost: refuse.
  const sourceToTarget = invertMat4(m);
  let outside = 0;
  let labelled = 0;
  for (let k = 0; k < sz; k++)
    for (let j = 0; j < sy; j++)
      for (let i = 0; i < sx; i++) {
        const s = i + sx * (j + sy * k);
        let any = false;
        for (const layer of labels.layers) if (layer[s] !== 0) { any = true; break; }
        if (!any) continue;
        labelled++;
        const p = applyMat4(sourceToTarget, [i, j, k]);
        if (p[0] < -0.5 || p[1] < -0.5 || p[2] < -0.5 || p[0] > nx - 0.5 || p[1] > ny - 0.5 || p[2] > nz - 0.5) outside++;
      }
  if (labelled > 0 && outside > 0) {
    throw gctError(
      'GCT_VOLUME_GRID_MISMATCH',
      `${outside} of ${labelled} labelled voxels of the ${mismatch()} lie outside the CT's field of view (corner offset ${maxCornerDistanceMm(labels.grid, target).toFixed(1)} mm when compared index by index).`,
      { outsideVoxels: outside, labelledVoxels: labelled, maskGrid: describeGrid(labels.grid), ctGrid: describeGrid(target) },
    );
  }
  if (labelled > 0 && covered.every((c) => c === 0)) {
    throw gctError('GCT_VOLUME_GRID_MISMATCH', `The ${mismatch()} do not overlap: no labelled voxel lands on the CT grid.`, {
      maskGrid: describeGrid(labels.grid),
      ctGrid: describeGrid(target),
    });
  }
  return {
    ...labels,
    grid: target,
    layers,
    meta: { ...labels.meta, notes: [...(labels.meta.notes ?? []), `resampled nearest-neighbour from ${describeGrid(labels.grid)}`] },
  };
}
