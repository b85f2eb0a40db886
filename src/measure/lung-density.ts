import type { Grid } from '../volume/geometry.ts';
import type { LabelMap, VoxelArray } from '../volume/types.ts';
import type { MeasuredStructureStats, StructureStats } from './types.ts';
import { mm3ToMl } from './units.ts';

/**
 * Lung attenuation (passages gevenois-laa-950, groundct-emphysema-extent): per lung mask (each lobe, or each
 * lung, or both lungs, whichever the masks give), the share of its voxels at or below LAA_THRESHOLD_HU
 * (low-attenuation area, LAA-950 %) and its volume; summed to each lung and to both lungs. One pass over the
 * union of the lung masks' bounding boxes on each label layer.
 */

/** Voxels at or below this attenuation are low-attenuation area (emphysema), HU. */
export const LAA_THRESHOLD_HU = -950;

/** Lobes and lungs, from the finest masks the study has: lobes, else each lung, else both lungs as one mask. */
const LOBES = ['lung_upper_lobe_left', 'lung_lower_lobe_left', 'lung_upper_lobe_right', 'lung_middle_lobe_right', 'lung_lower_lobe_right'] as const;
const SIDE_OF: Readonly<Record<string, 'left' | 'right' | null>> = {
  lung_upper_lobe_left: 'left', lung_lower_lobe_left: 'left', lung_upper_lobe_right: 'right', lung_middle_lobe_right: 'right', lung_lower_lobe_right: 'right',
  lung_left: 'left', lung_right: 'right', lung: null,
};

export interface LungRegionDensity {
  /** Canonical name of the region: a lobe, 'lung_left', 'lung_right' or 'lung'. */
  readonly region: string;
  readonly voxelCount: number;
  readonly lowAttenuationVoxelCount: number;
  /** LAA-950: low-attenuation voxels / voxels x 100, %. */
  readonly lowAttenuationPercent: number;
  readonly volumeMl: number;
  readonly meanHu: number;
  /** A mask of the region touches the scan border: volume is a lower bound, LAA % that of the imaged part. */
  readonly partiallyImaged: boolean;
  /** Label ids the region sums. */
  readonly labelIds: readonly number[];
}

export interface LungDensity {
  readonly thresholdHu: number;
  /** The masks measured directly (lobes, or lungs). */
  readonly masks: readonly LungRegionDensity[];
  /** Sums per lung (absent for a side with no mask) and for both lungs. */
  readonly lungs: readonly LungRegionDensity[];
  readonly total: LungRegionDensity;
}

function sum(region: string, parts: readonly LungRegionDensity[]): LungRegionDensity {
  const voxelCount = parts.reduce((a, p) => a + p.voxelCount, 0);
  const low = parts.reduce((a, p) => a + p.lowAttenuationVoxelCount, 0);
  return {
    region,
    voxelCount,
    lowAttenuationVoxelCount: low,
    lowAttenuationPercent: voxelCount === 0 ? 0 : (100 * low) / voxelCount,
    volumeMl: parts.reduce((a, p) => a + p.volumeMl, 0),
    meanHu: voxelCount === 0 ? 0 : parts.reduce((a, p) => a + p.meanHu * p.voxelCount, 0) / voxelCount,
    partiallyImaged: parts.some((p) => p.partiallyImaged),
    labelIds: parts.flatMap((p) => p.labelIds),
  };
}

export function measureLungDensity(ct: { readonly grid: Grid; readonly data: VoxelArray }, labels: LabelMap, structures: readonly StructureStats[], voxelVolumeMm3: number): LungDensity | null {
  const present = (name: string) => structures.find((s): s is MeasuredStructureStats => s.present && s.name === name);
  let chosen: MeasuredStructureStats[] = LOBES.map(present).filter((s): s is MeasuredStructureStats => s !== undefined);
  if (chosen.length === 0) chosen = ['lung_left', 'lung_right'].map(present).filter((s): s is MeasuredStructureStats => s !== undefined);
  if (chosen.length === 0) chosen = ['lung'].map(present).filter((s): s is MeasuredStructureStats => s !== undefined);
  if (chosen.length === 0) return null;
  const [nx, ny] = ct.grid.dims;
  // Voxel counts and mean HU come from the structure statistics; one pass counts the low-attenuation voxels.
  const low = new Map<number, number>();
  for (const layerIndex of [...new Set(chosen.map((s) => s.layer))]) {
    const onLayer = chosen.filter((s) => s.layer === layerIndex);
    const slot = new Int32Array(65536).fill(-1);
    onLayer.forEach((s, n) => (slot[s.labelId] = n));
    const acc = new Float64Array(onLayer.length);
    const lo = [0, 1, 2].map((a) => Math.min(...onLayer.map((s) => s.ijkBounds.min[a])));
    const hi = [0, 1, 2].map((a) => Math.max(...onLayer.map((s) => s.ijkBounds.max[a])));
    const layer = labels.layers[layerIndex];
    const data = ct.data;
    for (let k = lo[2]; k <= hi[2]; k++)
      for (let j = lo[1]; j <= hi[1]; j++) {
        const row = nx * (j + ny * k);
        for (let i = lo[0]; i <= hi[0]; i++) {
          const v = row + i;
          if (data[v] <= LAA_THRESHOLD_HU) {
            const s = slot[layer[v]];
            if (s >= 0) acc[s]++;
          }
        }
      }
    onLayer.forEach((s, n) => low.set(s.labelId, acc[n]));
  }
  const masks: LungRegionDensity[] = chosen.map((s) => {
    const n = s.voxelCount;
    const l = low.get(s.labelId)!;
    return {
      region: s.name!,
      voxelCount: n,
      lowAttenuationVoxelCount: l,
      lowAttenuationPercent: (100 * l) / n,
      volumeMl: mm3ToMl(n * voxelVolumeMm3),
      meanHu: s.huMean,
      partiallyImaged: s.partiallyImaged,
      labelIds: [s.labelId],
    };
  });
  const lungs = (['left', 'right'] as const)
    .map((side) => ({ side, parts: masks.filter((m) => SIDE_OF[m.region] === side) }))
    .filter((x) => x.parts.length > 0)
    .map((x) => (x.parts.length === 1 && x.parts[0].region === `lung_${x.side}` ? x.parts[0] : sum(`lung_${x.side}`, x.parts)));
  return { thresholdHu: LAA_THRESHOLD_HU, masks, lungs, total: masks.length === 1 && masks[0].region === 'lung' ? masks[0] : sum('lung', masks) };
}
