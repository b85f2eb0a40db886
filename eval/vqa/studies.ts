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
import { measureStudy, type Measurements, type Phase } from '../../src/measure/index.ts';
import { generateStudy } from '../../src/phantom/index.ts';
import type { Scene } from '../../src/phantom/scene.ts';
import { spinePhantom, type SpinePhantomSpec } from '../../src/phantom/spine-phantom.ts';
import { aortaPhantom } from '../../src/phantom/vessel-phantom.ts';
import { loadStudy } from '../../src/pipeline.ts';
import { studyFromArtifacts, type VqaStudy } from '../../src/vqa/index.ts';
import { dataPath } from '../../test/helpers/data.ts';
import { compareStudies, extractBoneSurface, studyIdentity, studyInMemory, withFollowupFindings, type StudyArtifacts } from '../../src/followup/index.ts';
import { bodySlab, calciumChest, chestVessels, emphysemaLungs, stoneKidneys } from './routine-phantoms.ts';

/**
 * Studies on ../shared/data: how the runner reads them (the same calls `groundct report` makes). 'totalseg-pulmonary'
 * is TotalSegmentator's pulmonary report example (a chest crop; read with the pulmonary artery and its five
 * landmark masks, as test/integration/routine-vessels.test.ts reads it; no aorta mask), whose pulmonary_report.json
 * gives TotalSegmentator's own diameters (routine.jsonl).
 */
export const SHARED_STUDIES = ['totalseg', 'sts002', 'totalseg-pulmonary'] as const;
export const PULMONARY_REPORT_MASKS = ['pulmonary_artery', 'pul_annulus', 'pul_sinotubular_junction', 'pul_bifurcation', 'pul_left_start', 'pul_right_start'] as const;

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
  if (key === 'totalseg-pulmonary') {
    const ctPath = dataPath('totalseg/pulmonary_report/ct_cropped.nii.gz');
    const masksPaths = PULMONARY_REPORT_MASKS.map((n) => dataPath(`totalseg/pulmonary_report/${n}.nii.gz`));
    const { ct, labels } = await loadStudy({ ctPath, masksPaths }, config);
    return measureStudy(ct, labels, { measure: config.measure, provenance: { ct: ctPath, masks: dataPath('totalseg/pulmonary_report') } });
  }
  throw new Error(`unknown study '${key}'`);
}

/**
 * The follow-up series of the VQA evaluation (study key 'followup'): the same phantom patient on 2026-01-05 and
 * 2026-03-02. Known by construction: the segment 7 liver lesion grows 24 -> 32 mm, the segment 5 one shrinks
 * 22 -> 14 mm, a 14 mm lesion appears in segment 4, the 16 mm splenic lesion is gone, the left renal cyst stays
 * 20 mm, the spleen is scaled by 1.3 (volume x 2.2). RECIST 1.1: three targets (24, 22, 16 mm), sum down 26 %
 * (stable disease by the targets) but a new lesion: progressive disease.
 */
export const FOLLOWUP_SERIES: readonly { readonly date: string; readonly spec: StudySpec }[] = [
  {
    date: '2026-01-05',
    spec: { name: 'followup-baseline', seed: 21, phase: 'non-contrast', lesions: [
      { organ: 'liver', diameterMm: 24, centerRasMm: [63, -37, 54] },
      { organ: 'liver', diameterMm: 22, centerRasMm: [81, 15, 3] },
      { organ: 'spleen', diameterMm: 16, centerRasMm: [-87, -27, 30] },
      { organ: 'kidney', side: 'left', lesionType: 'cyst', diameterMm: 20, hu: 5 },
    ] },
  },
  {
    date: '2026-03-02',
    spec: { name: 'followup-current', seed: 22, phase: 'non-contrast', organScale: { spleen: 1.3 }, lesions: [
      { organ: 'liver', diameterMm: 32, centerRasMm: [63, -37, 54] },
      { organ: 'liver', diameterMm: 14, centerRasMm: [81, 15, 3] },
      { organ: 'liver', diameterMm: 14, centerRasMm: [7, 23, 48] },
      { organ: 'kidney', side: 'left', lesionType: 'cyst', diameterMm: 20, hu: 5 },
    ] },
  },
];

async function followupStudy(kb: KnowledgeBase): Promise<VqaStudy> {
  const config = defaultConfig();
  const artifacts: StudyArtifacts[] = FOLLOWUP_SERIES.map(({ date, spec }) => {
    const s = generateStudy(spec);
    const provenance = { ct: `phantom:${spec.name}`, masks: `phantom:${spec.name}` };
    const m = measureStudy(s.ct, s.labels, { measure: config.measure, phase: s.truth.spec.phase, provenance });
    const bone = extractBoneSurface(s.ct, config.followup);
    const identity = studyIdentity({ ct: s.ct, labels: s.labels, boneSurface: bone, provenance, studyDate: date }, config.followup);
    return studyInMemory(provenance.ct, identity, m, deriveFindings(m, kb), s.labels, bone);
  });
  const current = artifacts[artifacts.length - 1]!;
  const followup = await compareStudies(current, artifacts.slice(0, -1), { config: config.followup, kb, priorsGiven: 'oldest-first' });
  return studyFromArtifacts(current.measurements, withFollowupFindings(current.findings, followup));
}

/**
 * The routine measurement phantoms (issue 16; questions in routine.jsonl, eval/vqa/routine-questions.ts): an aorta
 * with an infrarenal aneurysm, one with a Stanford B dissection, and a spine with and without an L1 wedge
 * fracture (native blood pool, 40 HU, so the phase is estimated non-contrast); and those of routine-phantoms.ts:
 * lungs with emphysema in the left upper lobe, coronary and aortic calcium and kidneys with a stone (each once as
 * a stated non-contrast scan and once as a stated portal-venous one, where neither is assessed), a body slab at L3,
 * and the thoracic aorta with a pulmonary trunk. `phase`: the phase stated as a caller states it with --phase;
 * absent, it is estimated (or unknown).
 */
export const ROUTINE_STUDIES: Readonly<Record<string, { readonly scene: () => Scene; readonly phase?: Phase }>> = {
  'routine-aorta': { scene: () => aortaPhantom({ spacingMm: [1.5, 1.5, 1.5], aneurysm: ROUTINE_ANEURYSM }) },
  'routine-dissection': { scene: () => aortaPhantom({ spacingMm: [1.5, 1.5, 1.5], dissection: { fromArcMm: 190, toArcMm: 300 } }) },
  'routine-spine': { scene: () => spinePhantom({ spacingMm: [1, 1, 1], vertebrae: routineVertebrae(true) }) },
  'routine-spine-intact': { scene: () => spinePhantom({ spacingMm: [1, 1, 1], vertebrae: routineVertebrae(false) }) },
  'routine-lungs': { scene: emphysemaLungs },
  'routine-calcium': { scene: calciumChest, phase: 'non-contrast' },
  'routine-calcium-venous': { scene: calciumChest, phase: 'portal-venous' },
  'routine-kidneys': { scene: stoneKidneys, phase: 'non-contrast' },
  'routine-kidneys-venous': { scene: stoneKidneys, phase: 'portal-venous' },
  'routine-body': { scene: bodySlab },
  'routine-chest-vessels': { scene: chestVessels },
};
export const ROUTINE_ANEURYSM = { arcMm: 330, extraRadiusMm: 8, sigmaMm: 6 } as const;
/** T12-L3; L1 a 26 -> 14 mm wedge (34.7 % loss at the measured columns, Genant grade 2) when `fractured`, trabecular 95 HU. */
export function routineVertebrae(fractured: boolean): SpinePhantomSpec['vertebrae'] {
  return [
    { level: 'T12', posteriorHeightMm: 24, anteriorHeightMm: 23, trabecularHu: 180 },
    { level: 'L1', posteriorHeightMm: 26, anteriorHeightMm: fractured ? 14 : 26, trabecularHu: 95 },
    { level: 'L2', posteriorHeightMm: 27, anteriorHeightMm: 27, trabecularHu: 170 },
    { level: 'L3', posteriorHeightMm: 28, anteriorHeightMm: 28, trabecularHu: 160 },
  ];
}

/** Measurements -> findings -> the answerer's study, for a phantom key or a shared-data key. */
export async function buildStudy(key: string, kb: KnowledgeBase): Promise<VqaStudy> {
  if (key === 'followup') return followupStudy(kb);
  const routine = ROUTINE_STUDIES[key];
  if (routine !== undefined) {
    // Without a stated phase, the routine phantoms' phase is estimated from their blood pool.
    const p = routine.scene();
    const m = measureStudy(p.ct, p.labels, { measure: defaultConfig().measure, ...(routine.phase === undefined ? {} : { phase: routine.phase }), provenance: { ct: `phantom:${key}`, masks: `phantom:${key}` } });
    return studyFromArtifacts(m, deriveFindings(m, kb));
  }
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
