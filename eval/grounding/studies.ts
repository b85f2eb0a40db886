import { defaultConfig } from '../../src/config.ts';
import { deriveFindings, type Findings } from '../../src/findings/index.ts';
import type { KnowledgeBase } from '../../src/knowledge/index.ts';
import { measureStudy, type Measurements } from '../../src/measure/index.ts';
import { abdomenPreset, generateStudy, normalPreset, steatosisPreset, type StudySpec } from '../../src/phantom/index.ts';
import { loadStudy } from '../../src/pipeline.ts';
import { dataPath } from '../../test/helpers/data.ts';

/**
 * The studies the grounding sentence set speaks about: the three phantom presets (exact truth, src/phantom), one
 * multifocal phantom (several liver lesions, a right renal lesion, a pancreatic tail lesion, a massively enlarged
 * spleen) and TotalSegmentator's example on ../shared/data (example_ct_sm with the 117-class `--fast` masks, the
 * files `groundct report` would be given).
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
      { organ: 'kidney', side: 'right', diameterMm: 30, attenuation: 'hypo', deltaHu: -25 },
      { organ: 'pancreas', region: 'tail', diameterMm: 15, attenuation: 'hypo', deltaHu: -30 },
    ],
  },
};

/** Studies read from ../shared/data (skipped, and said so, when it is absent). */
export const SHARED_STUDIES = ['totalseg'] as const;

export interface GroundingStudy {
  readonly key: string;
  readonly measurements: Measurements;
  readonly findings: Findings;
}

/** Measurements -> findings for a phantom key or a shared-data key, as the pipeline computes them. */
export async function buildStudy(key: string, kb: KnowledgeBase): Promise<GroundingStudy> {
  const config = defaultConfig();
  const spec = PHANTOM_STUDIES[key];
  let measurements: Measurements;
  if (spec !== undefined) {
    const s = generateStudy(spec);
    // The phantom's phase is stated by its spec, as a caller states it with --phase.
    measurements = measureStudy(s.ct, s.labels, { measure: config.measure, phase: s.truth.spec.phase, provenance: { ct: `phantom:${key}`, masks: `phantom:${key}` } });
  } else if (key === 'totalseg') {
    const ctPath = dataPath('totalseg/example_ct_sm.nii.gz');
    const masks = dataPath('totalseg/example_seg_fast');
    const { ct, labels } = await loadStudy({ ctPath, masksPaths: [masks] }, config);
    measurements = measureStudy(ct, labels, { measure: config.measure, provenance: { ct: ctPath, masks } });
  } else {
    throw new Error(`unknown grounding study '${key}' (phantoms: ${Object.keys(PHANTOM_STUDIES).join(', ')}; shared: ${SHARED_STUDIES.join(', ')})`);
  }
  return { key, measurements, findings: deriveFindings(measurements, kb) };
}
