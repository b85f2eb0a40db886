import type { LabelEntry } from '../volume/types.ts';
import type { VoxelIndices } from './location-types.ts';

/** What the segmenter that found a lesion says about it (label provenance, e.g. the built-in nodule detector). */
export interface LesionDetection {
  /** Who found it, in report words: 'built-in detector'. */
  readonly by: string;
  readonly method: string;
  /** The finder's own score, 0.5-1 (not a calibrated probability); absent when it gives none for this component. */
  readonly confidence?: number;
  readonly composition?: 'solid' | 'part-solid' | 'ground-glass';
}

/**
 * The detection record of one lesion component: the label's provenance, and the provenance component whose voxel
 * lies in this lesion's voxels (sorted linear indices). Undefined when the label has no provenance.
 */
export function detectionOf(entry: LabelEntry, lesionVoxels: VoxelIndices): LesionDetection | undefined {
  const p = entry.provenance;
  if (!p) return undefined;
  const component = p.components?.find((c) => contains(lesionVoxels, c.voxel));
  return {
    by: p.by,
    method: p.method,
    ...(component ? { confidence: component.confidence } : {}),
    ...(component?.composition ? { composition: component.composition } : {}),
  };
}

/** Binary search in sorted voxel indices. */
function contains(sorted: VoxelIndices, voxel: number): boolean {
  let lo = 0, hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] === voxel) return true;
    if (sorted[mid] < voxel) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
