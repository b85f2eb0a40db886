/**
 * One multilabel layer from a LabelMap, for writing a single NIfTI: layers are painted from the last to the
 * first, so layer 0 (organs) lies over layer 1 (the body outline that contains them). Lossless when every
 * later-layer label contains the earlier ones' voxels (the built-in segmenter's body does: its union is the
 * body), otherwise overlapped voxels keep the earlier layer's id.
 */
import type { LabelArray, LabelMap } from '../volume/index.ts';

export function flattenLabelMap(labels: LabelMap): LabelArray {
  const maxId = Math.max(0, ...labels.labels.map((l) => l.id));
  const n = labels.layers[0]?.length ?? 0;
  const out: LabelArray = maxId <= 255 ? new Uint8Array(n) : new Uint16Array(n);
  for (let l = labels.layers.length - 1; l >= 0; l--) {
    const layer = labels.layers[l];
    for (let v = 0; v < n; v++) if (layer[v] !== 0) out[v] = layer[v];
  }
  return out;
}
