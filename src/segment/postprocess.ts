/**
 * Postprocessing: model-grid class indices -> the CT grid, nearest model voxel centre (labels are never
 * interpolated), in the CT's own array order; then a LabelMap whose ids are the model's channel indices and
 * whose names are the manifest's canonical names.
 */
import type { Grid, LabelEntry, LabelMap, VolumeMeta } from '../volume/index.ts';
import { nearestModelIndex, type ModelGridMap } from './model-grid.ts';

export function labelsToCtGrid(modelLabels: Uint16Array, map: ModelGridMap, ct: Grid, classCount: number): Uint8Array | Uint16Array {
  const [d0, d1, d2] = ct.dims;
  const [m0, m1] = map.modelDims;
  const modelStrides = [1, m0, m0 * m1];
  // For each CT axis: the offset into the model array contributed by each CT index along it.
  const offsets = [0, 1, 2].map((ctAxis) => {
    const a = map.axes.findIndex((ax) => ax.ctAxis === ctAxis);
    const axis = map.axes[a];
    return Int32Array.from({ length: ct.dims[ctAxis] }, (_, c) => nearestModelIndex(axis, c) * modelStrides[a]);
  });
  const out = classCount <= 256 ? new Uint8Array(d0 * d1 * d2) : new Uint16Array(d0 * d1 * d2);
  let o = 0;
  for (let k = 0; k < d2; k++)
    for (let j = 0; j < d1; j++) {
      const base = offsets[2][k] + offsets[1][j];
      for (let i = 0; i < d0; i++, o++) out[o] = modelLabels[base + offsets[0][i]];
    }
  return out;
}

export function labelMapOf(grid: Grid, layer: Uint8Array | Uint16Array, classes: readonly string[], meta: VolumeMeta, note: string): LabelMap {
  const labels: LabelEntry[] = classes.slice(1).map((name, n) => ({ id: n + 1, name, layer: 0 }));
  return { kind: 'labelmap', grid, layers: [layer], labels, meta: { ...meta, notes: [...(meta.notes ?? []), note] } };
}
