import { abdomenPreset, normalPreset, steatosisPreset, type StudySpec } from '../../src/phantom/index.ts';

/**
 * The synthetic studies of the VQA evaluation. Each exercises different answers: lesions in several Couinaud
 * segments, pancreatic regions and both kidneys, encasement (T4) and size-only T categories, an enlarged and a
 * massively enlarged spleen, steatosis, organs cut by the scan border, and phases where steatosis is not assessed.
 * Lesion sizes and contact angles stay clear of the thresholds (T-category bands, 180 deg encasement), so the
 * expected answers do not hinge on a voxel.
 */
export const PHANTOM_STUDIES: Readonly<Record<string, StudySpec>> = {
  abdomen: abdomenPreset(),
  normal: normalPreset(),
  steatosis: steatosisPreset(),
  multifocal: {
    name: 'multifocal',
    seed: 3,
    phase: 'non-contrast',
    organScale: { spleen: 1.45 },
    lesions: [
      { organ: 'liver', segment: 6, diameterMm: 26, attenuation: 'hypo', deltaHu: -45 },
      { organ: 'liver', segment: 2, diameterMm: 14, attenuation: 'hyper', deltaHu: 50 },
      { organ: 'liver', segment: 8, diameterMm: 18, attenuation: 'hypo', deltaHu: -35 },
      { organ: 'kidney', side: 'right', diameterMm: 30, attenuation: 'hypo', deltaHu: -25 },
      { organ: 'pancreas', region: 'tail', diameterMm: 15, attenuation: 'hypo', deltaHu: -30 },
    ],
  },
  'partial-venous': {
    name: 'partial-venous',
    seed: 5,
    phase: 'portal-venous',
    fovMm: [360, 280, 150],
    lesions: [
      { organ: 'kidney', side: 'left', diameterMm: 24, attenuation: 'hypo', deltaHu: -40 },
      { organ: 'pancreas', region: 'body', diameterMm: 28, attenuation: 'hypo', deltaHu: -35 },
    ],
  },
  'unknown-phase': {
    name: 'unknown-phase',
    seed: 13,
    phase: 'unknown',
    organScale: { kidney_left: 1.15 },
    lesions: [
      { organ: 'liver', segment: 4, diameterMm: 22, attenuation: 'hyper', deltaHu: 45 },
      { organ: 'kidney', side: 'right', lesionType: 'cyst', diameterMm: 16, hu: 3 },
      { organ: 'spleen', diameterMm: 20, attenuation: 'hypo', deltaHu: -40 },
    ],
  },
};

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../src/config.ts';
import { deriveFindings } from '../../src/findings/index.ts';
import type { KnowledgeBase } from '../../src/knowledge/index.ts';
import { measureStudy, type Measurements } from '../../src/measure/index.ts';
import { generateStudy } from '../../src/phantom/index.ts';
import { loadStudy } from '../../src/pipeline.ts';
import { studyFromArtifacts, type VqaStudy } from '../../src/vqa/index.ts';
import { dataPath } from '../../test/helpers/data.ts';

/** Studies on ../shared/data: how the runner reads them (the same calls `groundct report` makes). */
export const SHARED_STUDIES = ['totalseg', 'sts002'] as const;

async function sharedMeasurements(key: string): Promise<Measurements> {
  const config = defaultConfig();
  if (key === 'totalseg') {
    const ctPath = dataPath('totalseg/example_ct_sm.nii.gz');
    const masks = dataPath('totalseg/example_seg_fast');
    const { ct, labels } = await loadStudy({ ctPath, masksPaths: [masks] }, config);
    return measureStudy(ct, labels, { measure: config.measure, provenance: { ct: ctPath, masks } });
  }
  if (key === 'sts002') {
    // The expert mask is a binary file; a label map written here names its label (a tumour, TCIA STS).
    const labelMap = join(mkdtempSync(join(tmpdir(), 'gct-vqa-')), 'labels.json');
    writeFileSync(labelMap, '{"1": "tumour"}');
    const ctPath = dataPath('sts/STS_002/image/image.nii.gz');
    const masks = dataPath('sts/STS_002/mask/mask.nii.gz');
    const { ct, labels } = await loadStudy({ ctPath, masksPaths: [masks], labelMapPaths: [labelMap] }, config);
    return measureStudy(ct, labels, { measure: config.measure, provenance: { ct: ctPath, masks } });
  }
  throw new Error(`unknown study '${key}'`);
}

/** Measurements -> findings -> the answerer's study, for a phantom key or a shared-data key. */
export async function buildStudy(key: string, kb: KnowledgeBase): Promise<VqaStudy> {
  const spec = PHANTOM_STUDIES[key];
  let m: Measurements;
  if (spec !== undefined) {
    const s = generateStudy(spec);
    // The phantom's phase is stated by its spec, as a caller states it with --phase.
    m = measureStudy(s.ct, s.labels, { measure: defaultConfig().measure, phase: s.truth.spec.phase, provenance: { ct: `phantom:${key}`, masks: `phantom:${key}` } });
  } else {
    m = await sharedMeasurements(key);
  }
  return studyFromArtifacts(m, deriveFindings(m, kb));
}
