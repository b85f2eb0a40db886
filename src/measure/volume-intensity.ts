/**
 * Volume and mean HU of every label, and nothing else: what TotalSegmentator's statistics.json holds
 * (`--format totalseg-statistics`). One pass over each label layer adds up, per label, its voxel count and the
 * sum of the CT values under it; background (most of a scan) is skipped a 32-bit word at a time.
 *
 * Definitions as in structure-stats.ts (TotalSegmentator `get_basic_statistics`): volume = voxel count x voxel
 * volume (|det| of the linear part of ijkToRas), in mm3; mean HU = sum / count, in float64 (exact for integer
 * CT values: the sums stay far below 2^53). The full measurement (`measureStructures`) gives the same numbers and
 * much more (SD, percentiles, centroid, extents, border contact), at several times the cost.
 */
import type { LabelMap, Volume } from '../volume/types.ts';
import { voxelVolumeMm3 } from '../volume/geometry.ts';
import { checkMeasureInputs } from './structure-stats.ts';
import { mm3ToMl } from './units.ts';

export interface VolumeAndMeanHu {
  readonly labelId: number;
  readonly layer: number;
  /** Name as the source gave it. */
  readonly sourceName: string;
  /** Canonical anatomy name (from `options.names`), or null. */
  readonly name: string | null;
  readonly voxelCount: number;
  readonly volumeMm3: number;
  readonly volumeMl: number;
  /** Mean CT value inside the label, HU; null without voxels. */
  readonly huMean: number | null;
}

/** Counts and CT sums of every label id of one layer, indexed by id. */
function sumLayer(ct: Volume['data'], layer: LabelMap['layers'][number]): { count: Float64Array; sum: Float64Array } {
  const ids = layer instanceof Uint8Array ? 0x100 : 0x10000;
  const count = new Float64Array(ids);
  const sum = new Float64Array(ids);
  const n = layer.length;
  const perWord = 4 / layer.BYTES_PER_ELEMENT;
  const words = layer.byteOffset % 4 === 0 ? new Uint32Array(layer.buffer, layer.byteOffset, (n / perWord) | 0) : null;
  let x = 0;
  while (x < n) {
    // Whole zero words of background at once, from a word boundary.
    if (words !== null && x % perWord === 0) {
      let w = x / perWord;
      while (w < words.length && words[w] === 0) w++;
      x = Math.min(n, w * perWord);
      if (x >= n) break;
    }
    const label = layer[x];
    if (label !== 0) {
      count[label]++;
      sum[label] += ct[x];
    }
    x++;
  }
  return { count, sum };
}

/**
 * Volume and mean HU of every label of `labels` on `ct`, in the order of `labels.labels`. Throws
 * GCT_MEASURE_INPUT_INVALID / GCT_LABELMAP_INVALID as measureStructures does.
 */
export function measureVolumeAndMeanHu(ct: Volume, labels: LabelMap, options: { readonly names?: (sourceName: string) => string | null } = {}): VolumeAndMeanHu[] {
  checkMeasureInputs(ct, labels);
  const voxelMm3 = voxelVolumeMm3(ct.grid);
  const perLayer = labels.layers.map((layer, index) => (labels.labels.some((l) => l.layer === index) ? sumLayer(ct.data, layer) : null));
  return labels.labels.map((entry) => {
    const sums = perLayer[entry.layer]!;
    const voxelCount = sums.count[entry.id];
    const volumeMm3 = voxelCount * voxelMm3;
    return {
      labelId: entry.id,
      layer: entry.layer,
      sourceName: entry.name,
      name: options.names ? options.names(entry.name) : null,
      voxelCount,
      volumeMm3,
      volumeMl: mm3ToMl(volumeMm3),
      huMean: voxelCount > 0 ? sums.sum[entry.id] / voxelCount : null,
    };
  });
}
