import type { LesionRecord } from '../measure/measurements.ts';
import type { StructureStats } from '../measure/types.ts';
import type { Evidence } from './schema.ts';

/**
 * Mask evidence of a finding: the label (and lesion component) it was measured on, with its voxel box, RAS box,
 * slice range and centroids, copied from the measurements so that a sentence can be traced to its voxels.
 */

type Triple = [number, number, number];
const triple = (p: readonly number[]): Triple => [p[0], p[1], p[2]];

/** Evidence of a whole labelled structure; geometry is null when the label has no voxel. */
export function structureEvidence(s: StructureStats): Evidence {
  if (!s.present) {
    return {
      labelId: s.labelId, labelName: s.sourceName, structure: s.name, voxelCount: 0,
      ijkBounds: null, rasBounds: null, sliceRange: null, ijkCentroid: null, rasCentroid: null,
    };
  }
  return {
    labelId: s.labelId,
    labelName: s.sourceName,
    structure: s.name,
    voxelCount: s.voxelCount,
    ijkBounds: { min: triple(s.ijkBounds.min), max: triple(s.ijkBounds.max) },
    rasBounds: { min: triple(s.rasBounds.min), max: triple(s.rasBounds.max) },
    sliceRange: [s.sliceRange[0], s.sliceRange[1]],
    ijkCentroid: triple(s.ijkCentroid),
    rasCentroid: triple(s.rasCentroid),
  };
}

/** Evidence of one lesion component. `structure` is the lesion class (canonical). */
export function lesionEvidence(l: LesionRecord): Evidence {
  return {
    labelId: l.labelId,
    labelName: l.labelName,
    structure: l.lesionClass,
    componentId: l.id,
    voxelCount: l.voxelCount,
    ijkBounds: { min: triple(l.ijkBounds.min), max: triple(l.ijkBounds.max) },
    rasBounds: { min: triple(l.rasBounds.min), max: triple(l.rasBounds.max) },
    sliceRange: [l.sliceRange[0], l.sliceRange[1]],
    ijkCentroid: triple(l.ijkCentroid),
    rasCentroid: triple(l.rasCentroid),
  };
}
