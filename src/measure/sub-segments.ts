import { gctError } from '../errors.ts';
import type { Grid } from '../volume/geometry.ts';
import type { LabelArray } from '../volume/types.ts';
import { distanceTransformMm, gridSpacingMm } from './distance.ts';
import { boxOfVoxels, maskVoxels } from './location-types.ts';
import type { SubSegmentLocation, SubSegmentShare, VoxelIndices } from './location-types.ts';

/**
 * Location threshold: a lesion is located in every sub-segment holding MORE than this share of its voxels.
 * RadGPT / AbdomenAtlas 3.0 (Bassi et al., arXiv:2501.04678, 2025): "a tumor is reported in each sub-segment
 * (Couinaud liver segment 1-8, pancreatic head/body/tail) that contains more than 10 % of its volume". Strictly
 * greater: exactly 10 % is not listed.
 */
export const LOCATION_MIN_FRACTION = 0.1;

/** How far (mm) a lesion voxel outside every sub-segment looks for the nearest sub-segment voxel. */
export const NEAREST_SUBSEGMENT_SEARCH_MM = 20;

export interface SubSegmentSpec {
  /** Canonical name, e.g. 'liver_segment_4' or 'lung_lower_lobe_left'. */
  readonly name: string;
  /** Its label id on one of the label layers. */
  readonly labelId: number;
}

/**
 * Share of a lesion's voxels in each sub-segment of its organ (Couinaud segments 1-8 from TotalSegmentator's
 * `liver_segments` task, the five lung lobes, or any partition given as labels) and the sub-segments it is
 * located in (share > LOCATION_MIN_FRACTION).
 *
 * Lesion voxels that lie in no sub-segment are assigned to the sub-segment of their nearest labelled voxel
 * (exact Euclidean distance in mm between voxel centres, Felzenszwalb-Huttenlocher transform on the lesion's
 * bounding box grown by `searchRadiusMm`). This is needed when the lesion label replaced the organ's labels
 * (LiTS style: the segment masks have a hole where the tumour is) and for parts of a lesion bulging out of the
 * organ. Voxels with no sub-segment voxel within the radius stay unassigned and count in the denominator, so
 * shares may sum to less than 1 (reported as `unassignedVoxels`). When sub-segment masks overlap, a voxel
 * counts for the first listed sub-segment found on the first layer.
 */
export function subSegmentLocation(
  lesionVoxels: VoxelIndices,
  grid: Grid,
  layers: readonly LabelArray[],
  subSegments: readonly SubSegmentSpec[],
  options: { readonly searchRadiusMm?: number } = {},
): SubSegmentLocation {
  const dims = grid.dims;
  const total = dims[0] * dims[1] * dims[2];
  maskVoxels(lesionVoxels, total, 'lesion');
  for (const layer of layers)
    if (layer.length !== total)
      throw gctError('GCT_MEASURE_INPUT_INVALID', `a label layer has ${layer.length} voxels, the grid has ${total}`, { layerVoxels: layer.length, voxelTotal: total });
  const radiusMm = options.searchRadiusMm ?? NEAREST_SUBSEGMENT_SEARCH_MM;

  const slotOf = new Int32Array(65536).fill(-1);
  subSegments.forEach((s, slot) => { if (slotOf[s.labelId] < 0) slotOf[s.labelId] = slot; });
  const slotAt = (v: number): number => {
    for (const layer of layers) {
      const slot = slotOf[layer[v]];
      if (slot >= 0) return slot;
    }
    return -1;
  };

  const inside = new Float64Array(subSegments.length);
  const assigned = new Float64Array(subSegments.length);
  const outside: number[] = [];
  for (let n = 0; n < lesionVoxels.length; n++) {
    const slot = slotAt(lesionVoxels[n]);
    if (slot >= 0) inside[slot]++;
    else outside.push(lesionVoxels[n]);
  }

  let unassigned = 0;
  if (outside.length > 0 && subSegments.length > 0) {
    const spacing = gridSpacingMm(grid);
    const pad: [number, number, number] = [0, 1, 2].map((a) => Math.ceil(radiusMm / spacing[a])) as [number, number, number];
    const grown = boxOfVoxels(Uint32Array.from(outside), dims, pad)!;
    // Clip the box to the grid.
    const i0 = Math.max(0, grown.i0), j0 = Math.max(0, grown.j0), k0 = Math.max(0, grown.k0);
    const i1 = Math.min(dims[0], grown.i0 + grown.nx), j1 = Math.min(dims[1], grown.j0 + grown.ny), k1 = Math.min(dims[2], grown.k0 + grown.nz);
    const bx = i1 - i0, by = j1 - j0, bz = k1 - k0;
    const boxSlot = new Int32Array(bx * by * bz).fill(-1);
    const source = new Uint8Array(bx * by * bz);
    for (let k = 0; k < bz; k++)
      for (let j = 0; j < by; j++)
        for (let i = 0; i < bx; i++) {
          const slot = slotAt(i + i0 + dims[0] * (j + j0 + dims[1] * (k + k0)));
          if (slot < 0) continue;
          const b = i + bx * (j + by * k);
          boxSlot[b] = slot;
          source[b] = 1;
        }
    const { distSqMm2, nearest } = distanceTransformMm(source, [bx, by, bz], spacing);
    const radiusSq = radiusMm * radiusMm;
    for (const v of outside) {
      const i = v % dims[0];
      const j = Math.floor(v / dims[0]) % dims[1];
      const k = Math.floor(v / (dims[0] * dims[1]));
      const b = i - i0 + bx * (j - j0 + by * (k - k0));
      if (nearest[b] < 0 || distSqMm2[b] > radiusSq) unassigned++;
      else assigned[boxSlot[nearest[b]]]++;
    }
  } else unassigned = outside.length;

  const count = lesionVoxels.length;
  const shares: SubSegmentShare[] = subSegments.map((s, slot) => ({
    labelId: s.labelId,
    name: s.name,
    insideVoxels: inside[slot],
    assignedVoxels: assigned[slot],
    fraction: count === 0 ? 0 : (inside[slot] + assigned[slot]) / count,
  }));
  const locatedIn = shares
    .filter((s) => s.fraction > LOCATION_MIN_FRACTION)
    .sort((a, b) => b.fraction - a.fraction)
    .map((s) => s.name);
  return { shares, locatedIn, unassignedVoxels: unassigned, lesionVoxels: count };
}
