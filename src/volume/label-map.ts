import { gctError } from '../errors.ts';
import type { Grid } from './geometry.ts';
import type { LabelNames } from './label-map-json.ts';
import type { LabelArray, LabelEntry, LabelMap, VolumeMeta, VoxelArray } from './types.ts';
import { newVoxelArray } from './shared-memory.ts';

/** Distinct non-zero values of a label array with their voxel counts, ascending by id. */
export function labelCounts(layer: LabelArray): Map<number, number> {
  const counts = new Uint32Array(layer instanceof Uint8Array ? 256 : 65536);
  // Background (most of a scan) is skipped a 32-bit word at a time where the layer's bytes are 4-aligned.
  const perWord = 4 / layer.BYTES_PER_ELEMENT;
  const words = layer.byteOffset % 4 === 0 ? new Uint32Array(layer.buffer, layer.byteOffset, Math.floor(layer.length / perWord)) : null;
  let tail = 0;
  if (words !== null) {
    for (let w = 0; w < words.length; w++) {
      if (words[w] === 0) continue;
      for (let n = w * perWord; n < (w + 1) * perWord; n++) counts[layer[n]]++;
    }
    tail = words.length * perWord;
  }
  for (let n = tail; n < layer.length; n++) counts[layer[n]]++;
  const out = new Map<number, number>();
  for (let id = 1; id < counts.length; id++) if (counts[id] > 0) out.set(id, counts[id]);
  return out;
}

/**
 * Turns a multilabel image (integer ids) into a LabelMap. Voxel values must be non-negative integers up to
 * 65535. Names come from `names` when given, else `label_<id>` (or `singleName` for a binary mask).
 * With `names`, every id present in the image must be named (an unnamed id would be a guess) and at least one
 * named id must be present (else the map belongs to another file); named ids absent from the image are normal
 * (TotalSegmentator's 117-class map on a scan showing 40 of them) and stay as empty labels.
 * A uint8 image (or uint16 with ids above 255) lends its voxel array to the layer as is, shared, not copied:
 * a 512 x 512 x 400 mask costs its 100 MB once.
 */
export function labelMapFromMultilabel(
  image: { grid: Grid; data: VoxelArray; meta: VolumeMeta },
  options: { names?: LabelNames; namesSource?: string; singleName?: string } = {},
): LabelMap {
  const { data } = image;
  let layer: LabelArray;
  if (data instanceof Uint8Array) {
    // Already a valid label layer (TotalSegmentator and nnU-Net write uint8): used as is, no copy.
    layer = data;
  } else {
    let maxId = 0;
    const integers = !(data instanceof Float32Array || data instanceof Float64Array);
    for (let n = 0; n < data.length; n++) {
      const v = data[n];
      if (v < 0 || (!integers && !Number.isInteger(v))) {
        throw gctError(
          'GCT_MASK_VALUES_INVALID',
          `Mask ${image.meta.source.path} holds the value ${v} at voxel ${n}; label ids must be non-negative integers.`,
          { path: image.meta.source.path, value: v },
        );
      }
      if (v > maxId) maxId = v;
    }
    if (maxId > 65535) {
      throw gctError('GCT_MASK_VALUES_INVALID', `Mask ${image.meta.source.path} holds label id ${maxId}; at most 65535 is supported.`, { path: image.meta.source.path });
    }
    if (data instanceof Uint16Array && maxId > 255) layer = data;
    else {
      layer = maxId <= 255 ? newVoxelArray(Uint8Array, data.length) : newVoxelArray(Uint16Array, data.length);
      for (let n = 0; n < data.length; n++) layer[n] = data[n];
    }
  }
  const present = labelCounts(layer);
  let labels: LabelEntry[];
  if (options.names) {
    const unnamed = [...present.keys()].filter((id) => !options.names!.has(id));
    if (unnamed.length > 0) {
      throw gctError(
        'GCT_LABELMAP_MISMATCH',
        `Mask ${image.meta.source.path} holds label ids ${unnamed.slice(0, 20).join(', ')}${unnamed.length > 20 ? ', ...' : ''} that the label map ${options.namesSource ?? ''} does not name.`,
        { unnamedIds: unnamed, labelMap: options.namesSource },
      );
    }
    if (present.size > 0 && ![...options.names.keys()].some((id) => present.has(id))) {
      throw gctError('GCT_LABELMAP_MISMATCH', `None of the ids of the label map ${options.namesSource ?? ''} occur in ${image.meta.source.path}.`, { labelMap: options.namesSource });
    }
    labels = [...options.names.entries()].sort((a, b) => a[0] - b[0]).map(([id, name]) => ({ id, name, layer: 0 }));
  } else if (present.size === 1 && options.singleName) {
    labels = [{ id: [...present.keys()][0], name: options.singleName, layer: 0 }];
  } else {
    labels = [...present.keys()].map((id) => ({ id, name: `label_${id}`, layer: 0 }));
  }
  return { kind: 'labelmap', grid: image.grid, layers: [layer], labels, meta: image.meta };
}

/**
 * Packs binary masks (one per class, same grid) into as few label layers as possible: a mask goes to the
 * first layer where none of its voxels is taken, so overlapping masks (a lesion inside its organ) never
 * overwrite each other. Ids are 1..N in the order given.
 */
export function packBinaryMasks(grid: Grid, masks: readonly { name: string; data: ArrayLike<number> }[], meta: VolumeMeta): LabelMap {
  const n = grid.dims[0] * grid.dims[1] * grid.dims[2];
  // One pass over each mask lists its voxels; the layer search and the painting then touch those voxels only.
  const scratch = new Uint32Array(n);
  return packVoxelLists(grid, masks.length, meta, (index) => {
    const mask = masks[index];
    if (mask.data.length !== n) {
      throw gctError('GCT_VOLUME_GRID_MISMATCH', `Mask "${mask.name}" has ${mask.data.length} voxels; the grid has ${n}.`, { name: mask.name });
    }
    return { name: mask.name, voxels: scratch.subarray(0, nonZeroIndices(mask.data, scratch)) };
  });
}

/** A binary mask held as the sorted indices of its voxels (a TotalSegmentator class is a small part of its grid). */
export interface MaskVoxelList {
  readonly name: string;
  /** Linear voxel indices (i + dims[0] * (j + dims[1] * k)), each below the grid's voxel count. */
  readonly voxels: Uint32Array;
}

/** `packBinaryMasks` for masks already reduced to their voxel indices (read.ts reduces each file as it arrives). */
export function packMaskVoxelLists(grid: Grid, masks: readonly MaskVoxelList[], meta: VolumeMeta): LabelMap {
  return packVoxelLists(grid, masks.length, meta, (index) => masks[index]);
}

function packVoxelLists(grid: Grid, maskCount: number, meta: VolumeMeta, maskAt: (index: number) => MaskVoxelList): LabelMap {
  const n = grid.dims[0] * grid.dims[1] * grid.dims[2];
  const makeLayer = (): LabelArray => (maskCount <= 255 ? newVoxelArray(Uint8Array, n) : newVoxelArray(Uint16Array, n));
  const layers: LabelArray[] = [];
  const labels: LabelEntry[] = [];
  for (let index = 0; index < maskCount; index++) {
    const id = index + 1;
    const { name, voxels } = maskAt(index);
    const count = voxels.length;
    let target = layers.findIndex((layer) => {
      for (let p = 0; p < count; p++) if (layer[voxels[p]] !== 0) return false;
      return true;
    });
    if (target < 0) {
      layers.push(makeLayer());
      target = layers.length - 1;
    }
    const layer = layers[target];
    for (let p = 0; p < count; p++) layer[voxels[p]] = id;
    labels.push({ id, name, layer: target });
  }
  if (layers.length === 0) layers.push(makeLayer());
  return { kind: 'labelmap', grid, layers, labels, meta };
}

/**
 * Writes the indices of the non-zero voxels of `data` into `out`; returns their count. A uint8 mask (mostly
 * background) is skipped four voxels at a time where its bytes are 4-aligned.
 */
export function nonZeroIndices(data: ArrayLike<number>, out: Uint32Array): number {
  const n = data.length;
  let count = 0;
  if (data instanceof Uint8Array && data.byteOffset % 4 === 0) {
    const words = new Uint32Array(data.buffer, data.byteOffset, n >> 2);
    for (let w = 0; w < words.length; w++) {
      if (words[w] === 0) continue;
      for (let v = w << 2; v < (w << 2) + 4; v++) if (data[v] !== 0) out[count++] = v;
    }
    for (let v = words.length << 2; v < n; v++) if (data[v] !== 0) out[count++] = v;
    return count;
  }
  for (let v = 0; v < n; v++) if (data[v] !== 0) out[count++] = v;
  return count;
}

/** Voxel count of every label, across layers. */
export function labelVoxelCounts(labels: LabelMap): Map<number, number> {
  const out = new Map<number, number>(labels.labels.map((l) => [l.id, 0]));
  labels.layers.forEach((layer, index) => {
    for (const [id, count] of labelCounts(layer)) {
      const entry = labels.labels.find((l) => l.id === id);
      if (entry && entry.layer === index) out.set(id, count);
    }
  });
  return out;
}

/**
 * Combines label maps on one grid (e.g. TotalSegmentator's `total` output and its `liver_segments` output):
 * each map's layers are kept as separate layers, and ids of later maps are shifted past the earlier maps'
 * largest id when they collide, so no label is lost or renamed.
 */
export function mergeLabelMaps(maps: readonly LabelMap[]): LabelMap {
  if (maps.length === 1) return maps[0];
  const layers: LabelArray[] = [];
  const labels: LabelEntry[] = [];
  let maxId = 0;
  for (const map of maps) {
    const collides = map.labels.some((l) => labels.some((prev) => prev.id === l.id));
    const offset = collides ? maxId : 0;
    const mapMax = Math.max(0, ...map.labels.map((l) => l.id)) + offset;
    if (mapMax > 65535) throw gctError('GCT_LABELMAP_INVALID', `Merging ${maps.length} label maps needs ids up to ${mapMax}; at most 65535 are supported.`);
    const layerBase = layers.length;
    for (const layer of map.layers) {
      if (offset === 0 && (mapMax <= 255 || layer instanceof Uint16Array)) {
        layers.push(layer);
        continue;
      }
      const out = mapMax <= 255 ? newVoxelArray(Uint8Array, layer.length) : newVoxelArray(Uint16Array, layer.length);
      for (let n = 0; n < layer.length; n++) if (layer[n] !== 0) out[n] = layer[n] + offset;
      layers.push(out);
    }
    for (const l of map.labels) labels.push({ id: l.id + offset, name: l.name, layer: l.layer + layerBase, ...(l.provenance ? { provenance: l.provenance } : {}) });
    maxId = Math.max(maxId, mapMax);
  }
  return {
    kind: 'labelmap',
    grid: maps[0].grid,
    layers,
    labels: labels.sort((a, b) => a.id - b.id),
    meta: { ...maps[0].meta, notes: [...(maps[0].meta.notes ?? []), `merged from ${maps.length} mask sets: ${maps.map((m) => m.meta.source.path).join(', ')}`] },
  };
}
