import { gctError } from '../errors.ts';
import { extractComponents, type LesionRecord } from '../measure/index.ts';
import { voxelVolumeMm3 } from '../volume/index.ts';
import type { StudyArtifacts } from './study-folder.ts';

/**
 * The voxels of each lesion of a study, rebuilt from its label volumes exactly as the measure stage found them:
 * 26-connected components of each lesion label, those under the study's minimum lesion volume dropped, ranked
 * by voxel count (ties by first voxel), so that component n of label L is lesion `${L}-${n}`. Each rebuilt
 * lesion's voxel count is checked against measurements.json.
 */
export async function lesionVoxels(study: StudyArtifacts, lesions: readonly LesionRecord[]): Promise<Map<string, Uint32Array>> {
  const out = new Map<string, Uint32Array>();
  const byLabel = new Map<number, LesionRecord[]>();
  for (const l of lesions) byLabel.set(l.labelId, [...(byLabel.get(l.labelId) ?? []), l]);
  if (byLabel.size === 0) return out;
  const voxelMm3 = voxelVolumeMm3(study.grid);
  const minVoxels = Math.max(0, Math.ceil(study.measurements.minLesionVolumeMm3 / voxelMm3 - 1e-9));
  const layerOf = new Map(study.measurements.structures.map((s) => [s.labelId, s.layer]));
  const byLayer = new Map<number, number[]>();
  for (const labelId of byLabel.keys()) {
    const layer = layerOf.get(labelId);
    if (layer === undefined) throw gctError('GCT_FOLLOWUP_FOLDER_INVALID', `${study.source}: lesion label ${labelId} has no structure row in measurements.json.`, { source: study.source, labelId });
    byLayer.set(layer, [...(byLayer.get(layer) ?? []), labelId]);
  }
  for (const [layer, labelIds] of byLayer) {
    const array = await study.labelLayer(layer);
    for (const found of extractComponents(array, study.grid.dims, labelIds, minVoxels)) {
      for (const lesion of byLabel.get(found.labelId)!) {
        const component = found.components[lesion.componentIndex];
        if (component === undefined || component.voxelCount !== lesion.voxelCount)
          throw gctError('GCT_FOLLOWUP_FOLDER_INVALID', `${study.source}: the label volumes do not reproduce lesion ${lesion.id} (${lesion.voxelCount} voxels in measurements.json, ${component?.voxelCount ?? 0} in layer ${layer}); the folder's files do not belong together.`, { source: study.source, lesionId: lesion.id });
        out.set(lesion.id, component.indices);
      }
    }
  }
  return out;
}
