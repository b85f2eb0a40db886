/**
 * Writes eval/vqa/routine.jsonl: questions about the routine measurements (issue 16) on the phantoms of
 * `ROUTINE_STUDIES` (eval/vqa/studies.ts), expected answers from the phantoms' construction (the aorta's radius
 * along its arc, the L1 wedge, the trabecular HU, the blood pool's 40 HU; the voxels at or below -950 HU of each
 * lung, the calcified foci's pixels and HU, the stone's diameter, the tissue masks' pixels at mid-L3, the pulmonary
 * trunk's and ascending aorta's radii), never from groundct's output; and, on TotalSegmentator's pulmonary report
 * case, from TotalSegmentator's own pulmonary_report.json (needs ../shared/data or GROUNDCT_TEST_DATA). Written by
 * hand after the question parser, like followup.jsonl.   npx tsx eval/vqa/routine-questions.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadKnowledgeBase, thresholdValue } from '../../src/knowledge/index.ts';
import { aortaPhantom, trueMaxDiameter } from '../../src/phantom/vessel-phantom.ts';
import { dataPath, HAS_SHARED_DATA, NO_DATA_REASON } from '../../test/helpers/data.ts';
import { QuestionItemSchema, type Expected, type QuestionItem } from './question-set.ts';
import {
  AORTIC_AGATSTON, ASCENDING_AORTA_RADIUS_MM, bodySlab, CORONARY_AGATSTON, emphysemaLungs, labelAreaCm2, laa950Percent, PA_RADIUS_MM, STONE_DIAMETER_MM, STONE_VOXEL_MM, stoneKidneys,
} from './routine-phantoms.ts';
import { ROUTINE_ANEURYSM } from './studies.ts';

if (!HAS_SHARED_DATA) throw new Error(`routine-questions.ts reads TotalSegmentator's pulmonary_report.json: ${NO_DATA_REASON}`);
const kb = await loadKnowledgeBase();
const threshold = (passage: string, name: string): number => thresholdValue(kb, passage, name);

const p = aortaPhantom({ spacingMm: [1.5, 1.5, 1.5], aneurysm: ROUTINE_ANEURYSM });
const aneurysm = trueMaxDiameter(p, ROUTINE_ANEURYSM.arcMm - 40, ROUTINE_ANEURYSM.arcMm + 40).diameterMm;
const ascending = trueMaxDiameter(p, 0, p.branchArcMm.brachiocephalic_trunk!).diameterMm;
if (aneurysm < 30 || ascending >= 40) throw new Error(`phantom no longer fits the questions: aneurysm ${aneurysm} mm, ascending ${ascending} mm`);
// The maximal diameter of a binary mask is known to 0.7 voxel (groundct-vessel-calibre), plus rounding: 1.5 mm.
const DIAMETER_TOL_MM = 1.5;

const items: Omit<QuestionItem, 'id'>[] = [];
const add = (study: string, question: string, expected: Expected, basis: string) => items.push({ study, type: 'routine', question, expected, basis });
const yes = { answerable: true, answer: 'yes' } as const;
const no = { answerable: true, answer: 'no' } as const;

add('routine-aorta', 'What is the maximal diameter of the abdominal aorta?', { answerable: true, value: aneurysm, unit: 'mm', toleranceAbs: DIAMETER_TOL_MM }, `aneurysm peak: 2 x (base radius + ${ROUTINE_ANEURYSM.extraRadiusMm} mm) = ${aneurysm.toFixed(1)} mm`);
add('routine-aorta', 'How wide is the infrarenal aorta?', { answerable: true, value: aneurysm, unit: 'mm', toleranceAbs: DIAMETER_TOL_MM }, 'the aneurysm lies below the renal arteries');
add('routine-aorta', 'Is there an abdominal aortic aneurysm?', yes, `${aneurysm.toFixed(1)} mm >= 30 mm (SVS 2018)`);
add('routine-aorta', 'Does the patient have an AAA?', yes, 'same');
add('routine-aorta', 'Is the ascending aorta dilated?', no, `ascending aorta ${ascending.toFixed(1)} mm < 40 mm`);
add('routine-aorta', 'Is there a thoracic aortic aneurysm?', no, 'thoracic radius is the base radius only');
add('routine-aorta', 'Which contrast phase is this?', { answerable: true, answer: 'non-contrast' }, 'blood pool 40 HU by construction, no phase stated');
add('routine-aorta', 'Was intravenous contrast given?', no, 'blood pool 40 HU');
add('routine-aorta', 'Is there an aortic dissection?', { answerable: false, reason: 'structure_absent' }, 'no aortic_dissection masks');

add('routine-dissection', 'Is there an aortic dissection?', yes, 'false-lumen mask from arc 190 to 300 mm');
add('routine-dissection', 'What type of aortic dissection is this?', { answerable: true, answer: 'Stanford type B' }, 'false lumen starts beyond the left subclavian artery, ascending aorta spared');
add('routine-dissection', 'Is it a Stanford type A dissection?', no, 'ascending aorta spared');

add('routine-spine', 'Is there a vertebral fracture?', yes, 'L1 wedge 26 -> 14 mm');
add('routine-spine', 'Is there a compression fracture at L1?', yes, 'L1 wedge');
add('routine-spine', 'Is L2 fractured?', no, 'L2 27 / 27 mm');
add('routine-spine', 'What is the Genant grade of L1?', { answerable: true, answer: 'Genant grade 2' }, 'loss 1 - 15.8 / 24.2 = 34.7 % at the measured columns: 25-40 % is grade 2');
add('routine-spine', 'Which vertebra is fractured?', { answerable: true, answer: 'L1' }, 'only L1 is wedged');
add('routine-spine', 'What is the L1 attenuation?', { answerable: true, value: 95, unit: 'HU', toleranceAbs: 1 }, 'L1 trabecular core 95 HU, no noise');
add('routine-spine', 'Does the patient have osteoporosis?', { answerable: false, reason: 'out_of_scope' }, 'Pickhardt screen invalid in a fractured L1');
add('routine-spine-intact', 'Does the patient have osteoporosis?', yes, 'L1 95 HU <= 110 HU (Pickhardt 2013)');
add('routine-spine-intact', 'Is there a vertebral fracture?', no, 'all bodies of even height');
add('routine-spine-intact', 'What is the bone density of L1?', { answerable: true, value: 95, unit: 'HU', toleranceAbs: 1 }, 'L1 trabecular core 95 HU');

// --- Emphysema (LAA-950): lungs with a -980 HU block in the left upper lobe (routine-phantoms.ts emphysemaLungs). ---
// LAA-950 is a count of voxels at or below -950 HU in the lung masks; the phantom has no noise and no partial volume
// (parenchyma -850, emphysema -980 HU), so the count is exact: the tolerance only covers the finding's rounding to
// 4 decimals of a percent.
const lungs = emphysemaLungs();
const LEFT = ['lung_upper_lobe_left', 'lung_lower_lobe_left'];
const RIGHT = ['lung_upper_lobe_right', 'lung_lower_lobe_right'];
const laaLeft = laa950Percent(lungs, LEFT);
const laaRight = laa950Percent(lungs, RIGHT);
const laaBoth = laa950Percent(lungs, [...LEFT, ...RIGHT]);
const emph = { mild: threshold('groundct-emphysema-extent', 'presentAtOrAbovePercent'), moderate: threshold('groundct-emphysema-extent', 'moderateAtOrAbovePercent') };
if (laaRight !== 0 || laaBoth < emph.mild + 1 || laaBoth > emph.moderate - 1) throw new Error(`lung phantom no longer fits the questions: ${laaLeft} / ${laaRight} / ${laaBoth} %`);
const LAA_TOL = 0.01;
const laa = `voxels <= -950 HU of the phantom's lung labels (no noise)`;
add('routine-lungs', 'What is the emphysema extent of the left lung?', { answerable: true, value: laaLeft, unit: '%', toleranceAbs: LAA_TOL }, `${laa}: left lung ${laaLeft.toFixed(2)} % (the -980 HU block lies in the left upper lobe); exact count, tolerance = rounding`);
add('routine-lungs', 'What is the LAA-950 of the right lung?', { answerable: true, value: 0, unit: '%', toleranceAbs: LAA_TOL }, `${laa}: none in the right lung (-850 HU throughout)`);
add('routine-lungs', 'What is the emphysema extent?', { answerable: true, value: laaBoth, unit: '%', toleranceAbs: LAA_TOL }, `${laa}: both lungs ${laaBoth.toFixed(2)} %`);
add('routine-lungs', 'Is there emphysema?', yes, `both lungs ${laaBoth.toFixed(2)} % >= ${emph.mild} % (groundct-emphysema-extent)`);
add('routine-lungs', 'How severe is the emphysema?', { answerable: true, answer: 'mild emphysema' }, `both lungs ${laaBoth.toFixed(2)} %: ${emph.mild}-${emph.moderate} % is mild (groundct-emphysema-extent)`);
add('routine-lungs', 'Is there emphysema in the right lung?', no, 'no right-lung voxel at or below -950 HU (0 %)');
add('routine-kidneys', 'Is there emphysema?', { answerable: false, reason: 'structure_absent' }, 'no lung masks (kidney phantom)');
add('routine-kidneys', 'What is the emphysema extent of the left lung?', { answerable: false, reason: 'structure_absent' }, 'no lung masks (kidney phantom)');

// --- Coronary and aortic calcium: foci of known pixels and HU (routine-phantoms.ts calciumChest), 3 mm slices. ---
// The Agatston-style score of pixel-aligned foci without noise is exact by hand (area x weight x slices x 3 / 3 mm);
// the tolerance only covers floating point.
const cacBands = { mild: threshold('cacdrs2018-categories', 'mildFromScore'), moderate: threshold('cacdrs2018-categories', 'moderateFromScore') };
if (CORONARY_AGATSTON < cacBands.mild || CORONARY_AGATSTON >= cacBands.moderate) throw new Error('coronary score no longer mild');
const AGATSTON_TOL = 0.5;
const byHand = `by hand: A 4 mm2 x 4 (450 HU) + B 6 mm2 x 2 (250 HU) x 2 slices = ${CORONARY_AGATSTON}; C under 1 mm2 and the T8 vertebra not scored`;
add('routine-calcium', 'What is the coronary calcium score?', { answerable: true, value: CORONARY_AGATSTON, unit: 'Agatston', toleranceAbs: AGATSTON_TOL }, byHand);
add('routine-calcium', 'What is the Agatston score?', { answerable: true, value: CORONARY_AGATSTON, unit: 'Agatston', toleranceAbs: AGATSTON_TOL }, 'the coronary score, as above');
add('routine-calcium', 'What is the coronary calcium category?', { answerable: true, answer: 'mild coronary calcification' }, `${CORONARY_AGATSTON} in ${cacBands.mild}-${cacBands.moderate - 1}: CAC-DRS 1, mild (cacdrs2018-categories)`);
add('routine-calcium', 'Is there coronary calcification?', yes, `score ${CORONARY_AGATSTON} > 0`);
add('routine-calcium', 'What is the aortic calcium score?', { answerable: true, value: AORTIC_AGATSTON, unit: 'Agatston', toleranceAbs: AGATSTON_TOL }, `by hand: D 6 mm2 x 3 (350 HU) x 2 slices = ${AORTIC_AGATSTON}`);
add('routine-calcium', 'Is there aortic calcification?', yes, `focus D in the aortic wall, score ${AORTIC_AGATSTON}`);
add('routine-calcium-venous', 'What is the coronary calcium score?', { answerable: false, reason: 'out_of_scope' }, 'stated portal-venous: calcium is scored on non-contrast scans only (groundct-calcium-and-stones)');
add('routine-calcium-venous', 'Is there aortic calcification?', { answerable: false, reason: 'out_of_scope' }, 'stated portal-venous: not scored');
add('routine-kidneys', 'What is the coronary calcium score?', { answerable: false, reason: 'structure_absent' }, 'no heart or coronary mask (kidney phantom)');
add('routine-kidneys', 'Is there aortic calcification?', { answerable: false, reason: 'structure_absent' }, 'no aorta mask (kidney phantom), stated non-contrast');

// --- Kidney stones: a sphere of known diameter in the left kidney, 0.75 mm isotropic voxels (stoneKidneys). ---
// Size = largest distance between the stone's voxel centres plus one voxel (groundct-calcium-and-stones). The voxel
// centres inside a sphere of diameter D span at most D and, on an isotropic grid, at least D - sqrt(3) voxel; plus
// one voxel, the size lies within one voxel of D.
const kidneys = stoneKidneys();
{
  // Sanity check of that bound on the phantom's own arrays (the stone: the voxels at 900 HU).
  const m = kidneys.ct.grid.ijkToRas;
  const [ni, nj] = kidneys.ct.grid.dims;
  const pts: number[][] = [];
  kidneys.ct.data.forEach((hu, v) => {
    if (hu === 900) pts.push([m[0] * (v % ni) + m[3], m[5] * (Math.floor(v / ni) % nj) + m[7], m[10] * Math.floor(v / (ni * nj)) + m[11]]);
  });
  let span = 0;
  for (let a = 0; a < pts.length; a++) for (let b = a + 1; b < pts.length; b++) span = Math.max(span, Math.hypot(pts[a][0] - pts[b][0], pts[a][1] - pts[b][1], pts[a][2] - pts[b][2]));
  if (Math.abs(span + STONE_VOXEL_MM - STONE_DIAMETER_MM) > STONE_VOXEL_MM) throw new Error(`stone span ${span} mm out of the stated bound`);
}
const STONE_TOL_MM = STONE_VOXEL_MM;
add('routine-kidneys', 'How large is the kidney stone?', { answerable: true, value: STONE_DIAMETER_MM, unit: 'mm', toleranceAbs: STONE_TOL_MM }, `sphere of ${STONE_DIAMETER_MM} mm; size within one voxel (${STONE_VOXEL_MM} mm) of it by its definition`);
add('routine-kidneys', 'What is the size of the largest kidney stone?', { answerable: true, value: STONE_DIAMETER_MM, unit: 'mm', toleranceAbs: STONE_TOL_MM }, 'the only stone');
add('routine-kidneys', 'Are there kidney stones?', yes, 'a 900 HU sphere in the left kidney');
add('routine-kidneys', 'Is there a stone in the left kidney?', yes, 'the stone lies in the left kidney');
add('routine-kidneys', 'Is there a stone in the right kidney?', no, 'nothing above 30 HU in or near the right kidney');
add('routine-kidneys', 'How many kidney stones are there?', { answerable: true, value: 1, unit: 'count', toleranceAbs: 0 }, 'one sphere');
add('routine-kidneys-venous', 'Are there kidney stones?', { answerable: false, reason: 'out_of_scope' }, 'stated portal-venous: stones are looked for on non-contrast scans only (groundct-calcium-and-stones)');
add('routine-calcium', 'Are there kidney stones?', { answerable: false, reason: 'structure_absent' }, 'no kidney masks (calcium phantom)');

// --- Pulmonary artery: TotalSegmentator's pulmonary report case, and a pulmonary trunk beside the phantom aorta. ---
// TotalSegmentator gives each landmark diameter as a line between two points (start, end, mm); its "bifurcation"
// landmark is where groundct reads the main pulmonary artery. Both are maximal diameters of the same binary
// landmark disc at 1.5 mm voxels, each within 0.7 voxel of the outline's (groundct-vessel-calibre): 1.4 voxel = 2.1 mm.
const report = JSON.parse(readFileSync(dataPath('totalseg/pulmonary_report/pulmonary_report.json'), 'utf8')) as { landmarks: Record<string, { name: string; diameter: number; start: number[]; end: number[] }>; metadata: { PatientSex: string } };
const bif = Object.values(report.landmarks).find((l) => l.name === 'bifurcation');
if (bif === undefined) throw new Error('pulmonary_report.json: no bifurcation landmark');
const tsDiameter = Math.hypot(bif.end[0] - bif.start[0], bif.end[1] - bif.start[1], bif.end[2] - bif.start[2]);
if (Math.abs(tsDiameter - bif.diameter * 10) > 0.5) throw new Error(`bifurcation line ${tsDiameter} mm vs reported ${bif.diameter} cm`);
const paLimit = threshold('framingham-pulmonary-artery-diameter', 'enlargedAboveMmMen');
const ratioAbove = threshold('wells2012-pa-aorta-ratio', 'ratioAbove');
const TS_TOL_MM = 2.1;
if (tsDiameter + TS_TOL_MM >= paLimit) throw new Error('pulmonary report case no longer clearly normal');
add('totalseg-pulmonary', 'What is the diameter of the pulmonary trunk?', { answerable: true, value: tsDiameter, unit: 'mm', toleranceAbs: TS_TOL_MM }, `TotalSegmentator pulmonary_report.json, landmark "bifurcation": |end - start| = ${tsDiameter.toFixed(1)} mm (reported ${bif.diameter} cm); two maximal diameters of one binary disc at 1.5 mm, 0.7 voxel each`);
add('totalseg-pulmonary', 'How wide is the main pulmonary artery?', { answerable: true, value: tsDiameter, unit: 'mm', toleranceAbs: TS_TOL_MM }, 'same');
add('totalseg-pulmonary', 'Is the pulmonary artery enlarged?', no, `${tsDiameter.toFixed(1)} + ${TS_TOL_MM} mm < ${paLimit} mm (Framingham, men; the case is a man's, and the men's limit is used when the sex is unknown)`);
add('totalseg-pulmonary', 'What is the PA to aorta ratio?', { answerable: false, reason: 'structure_absent' }, 'the case has no aorta mask');
// The phantom: the pul_bifurcation disc has the trunk's radius; the ascending aorta has radius 16 mm over the
// height of the disc (routine-phantoms.ts chestVessels). Each diameter is within 0.7 voxel (1.05 mm) of 2 x radius,
// so the ratio is within r x (1.05 / D_pa + 1.05 / D_ao).
const paD = 2 * PA_RADIUS_MM;
const aoD = 2 * ASCENDING_AORTA_RADIUS_MM;
const ratio = paD / aoD;
const RATIO_TOL = Math.ceil(100 * ratio * (1.05 / paD + 1.05 / aoD)) / 100;
if (ratio - RATIO_TOL <= ratioAbove || paD - 1.05 <= paLimit) throw new Error('pulmonary trunk phantom no longer clearly enlarged');
add('routine-chest-vessels', 'What is the diameter of the pulmonary trunk?', { answerable: true, value: paD, unit: 'mm', toleranceAbs: DIAMETER_TOL_MM }, `pul_bifurcation disc of radius ${PA_RADIUS_MM} mm: ${paD} mm; maximal diameter within 0.7 voxel, plus rounding`);
add('routine-chest-vessels', 'Is the pulmonary artery enlarged?', yes, `${paD} mm > ${paLimit} mm (Framingham, men's limit: sex unknown)`);
add('routine-chest-vessels', 'What is the PA to aorta ratio?', { answerable: true, value: ratio, unit: 'ratio', toleranceAbs: RATIO_TOL }, `${paD} / ${aoD} mm (ascending aorta at the disc's height) = ${ratio.toFixed(3)}; 0.7 voxel on each diameter: +/- ${RATIO_TOL}`);
add('routine-chest-vessels', 'Is the pulmonary artery to aorta ratio above 1?', yes, `${ratio.toFixed(3)} - ${RATIO_TOL} > ${ratioAbove} (wells2012-pa-aorta-ratio)`);
add('routine-aorta', 'What is the diameter of the pulmonary trunk?', { answerable: false, reason: 'structure_absent' }, 'no pulmonary_artery mask (aorta phantom)');
add('routine-aorta', 'Is the pulmonary artery enlarged?', { answerable: false, reason: 'structure_absent' }, 'no pulmonary_artery mask');

// --- Body composition at L3: the tissue masks of the body slab (bodySlab), slice through mid-L3 at z = 0. ---
// With tissue masks, each area is that mask's pixels within its HU window; the phantom's tissues lie inside the
// windows without noise, so the area is the pixel count of the phantom's label on that slice: the tolerance is one
// pixel (1.25 x 1.25 mm = 0.016 cm2).
const slab = bodySlab();
const area = (name: string) => labelAreaCm2(slab, name, 0);
const AREA_TOL = 0.016;
const vat = area('torso_fat');
const sat = area('subcutaneous_fat');
const muscle = area('skeletal_muscle');
if (Math.abs(vat - (Math.PI * (25 * 18 + 20 * 15)) / 100) > 0.5) throw new Error(`visceral fat pixels ${vat} cm2 far from the ellipses' area`);
add('routine-body', 'What is the visceral fat area at L3?', { answerable: true, value: vat, unit: 'cm2', toleranceAbs: AREA_TOL }, `torso_fat pixels at z = 0: ${vat.toFixed(2)} cm2 (two ellipses, pi x (25 x 18 + 20 x 15) mm2 = ${((Math.PI * 750) / 100).toFixed(2)} cm2)`);
add('routine-body', 'What is the subcutaneous fat area at L3?', { answerable: true, value: sat, unit: 'cm2', toleranceAbs: AREA_TOL }, `subcutaneous_fat pixels at z = 0: ${sat.toFixed(2)} cm2 (ring 148 x 108 - 123 x 83 mm: ${((Math.PI * (148 * 108 - 123 * 83)) / 100).toFixed(2)} cm2)`);
add('routine-body', 'What is the skeletal muscle area at L3?', { answerable: true, value: muscle, unit: 'cm2', toleranceAbs: AREA_TOL }, `skeletal_muscle pixels at z = 0 (wall ring and psoas): ${muscle.toFixed(2)} cm2`);
add('routine-body', 'Does the patient have sarcopenia?', { answerable: false, reason: 'out_of_scope' }, 'no sarcopenia threshold: the cut-offs are indexed to height, which the scan does not give (groundct-body-composition)');
add('routine-lungs', 'What is the visceral fat area at L3?', { answerable: false, reason: 'structure_absent' }, 'no lumbar vertebra or body (lung phantom)');

const out = items.map((d, n) => QuestionItemSchema.parse({ id: `routine-${String(n + 1).padStart(3, '0')}`, ...d }));
writeFileSync(fileURLToPath(new URL('routine.jsonl', import.meta.url)), out.map((i) => JSON.stringify(i) + '\n').join(''));
console.log(`routine.jsonl: ${out.length} questions`);
