/**
 * Solid, part-solid or ground-glass, from HU (the Fleischner 2017 categories, MacMahon et al., Radiology 2017,
 * doi:10.1148/radiol.2017161659; passages fleischner2017-solid-nodule and fleischner2017-subsolid-nodule).
 * Only the nodule's interior counts (voxels whose six face neighbours are all in the mask: the edge mixes with the
 * surrounding aerated lung); a voxel is solid at or above NODULE_SOLID_HU, the conventional threshold for the
 * solid component of subsolid nodules (Lee et al., PLoS One 2018, doi:10.1371/journal.pone.0205490).
 * Solid when at least NODULE_SOLID_FRACTION of the interior is solid, ground-glass under
 * NODULE_PART_SOLID_FRACTION, part-solid between.
 */
import { NODULE_PART_SOLID_FRACTION, NODULE_SOLID_FRACTION, NODULE_SOLID_HU } from './thresholds.ts';

/** @param voxels box indices of the nodule; @param hu box HU; @param dims box dims */
export function noduleComposition(voxels: Int32Array, hu: ArrayLike<number>, dims: readonly [number, number, number]): 'solid' | 'part-solid' | 'ground-glass' {
  const [nx, ny] = dims;
  const members = new Set(voxels);
  const inMask = (v: number) => members.has(v);
  let interior = 0, solid = 0, all = 0, allSolid = 0;
  for (const v of voxels) {
    const isSolid = hu[v] >= NODULE_SOLID_HU;
    all++;
    if (isSolid) allSolid++;
    if (inMask(v - 1) && inMask(v + 1) && inMask(v - nx) && inMask(v + nx) && inMask(v - nx * ny) && inMask(v + nx * ny)) {
      interior++;
      if (isSolid) solid++;
    }
  }
  // A nodule too small to have an interior is judged on all its voxels.
  const fraction = interior > 0 ? solid / interior : all > 0 ? allSolid / all : 0;
  return fraction >= NODULE_SOLID_FRACTION ? 'solid' : fraction >= NODULE_PART_SOLID_FRACTION ? 'part-solid' : 'ground-glass';
}
