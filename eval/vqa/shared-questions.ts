import type { QuestionItem, Expected } from './question-set.ts';
import { TOL } from './phantom-questions.ts';

/**
 * Questions over the ../shared/data cases, with expected answers from eval/vqa/shared-reference.json (nibabel /
 * numpy / scipy counts made by reference_shared.py, cross-checked against TotalSegmentator's statistics.json).
 * totalseg: the 30-slice upper-abdomen slab with TotalSegmentator's 117 '--fast' classes (77 empty: not imaged;
 * organs cut by the slab: partially imaged). sts002: a thigh sarcoma with one expert tumour mask.
 */

interface RefStructure {
  voxels: number;
  volumeMl?: number;
  meanHu?: number;
  cutByBorder?: boolean;
}
export interface SharedReference {
  totalseg: { structures: Record<string, RefStructure> };
  sts002: { voxels: number; volumeMl: number; meanHu: number; components26: number; longAxisMm: number; shortAxisMm: number; cutByBorder: boolean };
}

type Draft = Omit<QuestionItem, 'id'>;
const no = (reason: NonNullable<Expected['reason']>): Expected => ({ answerable: false, reason });

const PHRASE: Readonly<Record<string, string>> = {
  adrenal_gland_left: 'left adrenal gland', adrenal_gland_right: 'right adrenal gland', gallbladder: 'gallbladder', pancreas: 'pancreas',
  portal_vein_and_splenic_vein: 'portal vein', vertebrae_L1: 'L1 vertebra', liver: 'liver', spleen: 'spleen', kidney_left: 'left kidney',
  kidney_right: 'right kidney', aorta: 'aorta', stomach: 'stomach', brain: 'brain', heart: 'heart', urinary_bladder: 'urinary bladder',
  femur_left: 'left femur', lung_upper_lobe_right: 'right upper lobe', lung_lower_lobe_right: 'right lower lobe', esophagus: 'oesophagus',
  duodenum: 'duodenum', colon: 'colon', prostate: 'prostate', thyroid_gland: 'thyroid gland', trachea: 'trachea',
};

export function sharedQuestions(ref: SharedReference): Draft[] {
  const out: Draft[] = [];
  const add = (study: string, type: Draft['type'], question: string, expected: Expected, basis: string) => out.push({ study, type, question, expected, basis });
  const s = ref.totalseg.structures;
  const state = (name: string): Expected | null => {
    const r = s[name];
    if (r === undefined) return no('structure_absent');
    if (r.voxels === 0) return no('not_imaged');
    return null;
  };
  const volume = (name: string): Expected => state(name) ?? (s[name].cutByBorder ? no('partially_imaged') : { answerable: true, value: s[name].volumeMl!, unit: 'mL', toleranceAbs: TOL.volumeMl });
  const hu = (name: string): Expected => state(name) ?? { answerable: true, value: s[name].meanHu!, unit: 'HU', toleranceAbs: TOL.hu };
  const basis = 'reference_shared.py: nibabel voxel count x voxel volume (= statistics.json volume), border contact';

  const volumeOrgans = ['adrenal_gland_left', 'adrenal_gland_right', 'gallbladder', 'pancreas', 'portal_vein_and_splenic_vein', 'vertebrae_L1', 'liver', 'spleen', 'kidney_left', 'kidney_right', 'aorta', 'stomach', 'brain', 'heart', 'urinary_bladder', 'femur_left'];
  volumeOrgans.forEach((name, i) => add('totalseg', 'size', [`What is the volume of the ${PHRASE[name]}?`, `What is the ${PHRASE[name]} volume?`, `How big is the ${PHRASE[name]}?`][i % 3], volume(name), basis));
  const huOrgans = ['liver', 'spleen', 'pancreas', 'gallbladder', 'kidney_left', 'aorta', 'lung_lower_lobe_right', 'brain'];
  huOrgans.forEach((name, i) => add('totalseg', 'attenuation', [`What is the mean attenuation of the ${PHRASE[name]}?`, `What is the mean HU of the ${PHRASE[name]}?`][i % 2], hu(name), 'reference_shared.py: mean CT value in the mask (= statistics.json intensity)'));

  // Lesion absence: only a labelled, complete organ can be said to hold no lesion; this mask set has no lesion label.
  const presence = (name: string): Expected => state(name) ?? (s[name].cutByBorder ? no('partially_imaged') : { answerable: true, answer: 'no' });
  ['pancreas', 'gallbladder', 'adrenal_gland_left', 'liver', 'spleen', 'kidney_right', 'brain', 'prostate'].forEach((name, i) =>
    add('totalseg', 'presence', [`Is there a lesion in the ${PHRASE[name]}?`, `Does the ${PHRASE[name]} contain a mass?`][i % 2], presence(name), 'organ labelled + complete -> no lesion mask lies in it'),
  );
  add('totalseg', 'count', 'How many lesions are in the pancreas?', { answerable: true, value: 0, unit: 'count', toleranceAbs: 0 }, 'pancreas complete, no lesion mask');
  add('totalseg', 'count', 'How many liver lesions are there?', no('partially_imaged'), 'liver cut by the slab');
  add('totalseg', 'count', 'How many lesions are there in total?', no('partially_imaged'), 'the only lesion labels (kidney_cyst_left/right) are empty and both kidneys are cut by the slab');
  add('totalseg', 'location', 'Where is the liver lesion?', no('partially_imaged'), 'liver cut by the slab: a lesion outside it cannot be excluded');
  add('totalseg', 'presence', 'Is there a lesion in the pancreatic head?', { answerable: true, answer: 'no' }, 'no head label, but the pancreas is labelled, complete and holds no lesion mask');

  const adrenal = s.adrenal_gland_left.volumeMl! > s.adrenal_gland_right.volumeMl! ? 'left adrenal gland' : 'right adrenal gland';
  add('totalseg', 'comparison', 'Which adrenal gland is larger?', { answerable: true, answer: adrenal }, basis);
  add('totalseg', 'comparison', 'Is the left adrenal gland larger than the right adrenal gland?', { answerable: true, answer: s.adrenal_gland_left.volumeMl! > s.adrenal_gland_right.volumeMl! ? 'yes' : 'no' }, basis);
  add('totalseg', 'comparison', 'Which kidney is larger?', no('partially_imaged'), 'both kidneys cut by the slab');
  add('totalseg', 'comparison', 'Which has higher attenuation, the liver or the spleen?', { answerable: true, answer: s.liver.meanHu! > s.spleen.meanHu! ? 'liver' : 'spleen' }, 'reference mean HU (imaged parts)');
  add('totalseg', 'normality', 'Is the pancreas normal in size?', { answerable: true, answer: s.pancreas.volumeMl! > 83 ? 'no' : 'yes' }, 'reference volume vs radgpt-pancreas-volume 83 cm3');
  add('totalseg', 'normality', 'Is the spleen enlarged?', no('partially_imaged'), 'spleen cut by the slab');
  add('totalseg', 'normality', 'Is the liver fatty?', { answerable: true, answer: s.liver.meanHu! <= 40 ? 'yes' : 'no' }, 'phase not stated in the NIfTI but estimated non-contrast from the aorta and portal vein (groundct-contrast-phase-estimation, issue 16); reference liver mean HU vs the 40 HU limit');
  add('totalseg', 'normality', 'Is the gallbladder normal?', { answerable: true, answer: 'yes' }, 'complete, no lesion mask, no size rule');
  add('totalseg', 'normality', 'Is the heart normal in size?', no('not_imaged'), 'heart label empty');
  add('totalseg', 'show', 'Show me the gallbladder', { answerable: true, mask: { labelName: 'gallbladder' } }, 'label file gallbladder.nii.gz');
  add('totalseg', 'show', 'Show me the brain', no('not_imaged'), 'brain label empty');
  add('totalseg', 'staging', 'What is the T stage of the pancreatic tumour?', { answerable: false, reason: 'structure_absent' }, 'pancreas complete, no lesion mask: no tumour to stage');
  add('totalseg', 'out_of_scope', 'Is there a rib fracture?', no('out_of_scope'), 'no fracture masks');

  const t = ref.sts002;
  add('sts002', 'size', 'What is the volume of the tumour?', { answerable: true, value: t.volumeMl, unit: 'mL', toleranceAbs: TOL.volumeMl }, 'reference_shared.py: voxels x voxel volume');
  add('sts002', 'size', 'How large is the tumour?', { answerable: true, value: t.longAxisMm, unit: 'mm', toleranceAbs: TOL.mm }, 'reference_shared.py: longest in-slice voxel-centre distance');
  add('sts002', 'size', 'What is the short axis of the mass?', { answerable: true, value: t.shortAxisMm, unit: 'mm', toleranceAbs: TOL.mm }, 'reference_shared.py: extent perpendicular to the long axis on its slice');
  add('sts002', 'count', 'How many tumours are there?', { answerable: true, value: t.components26, unit: 'count', toleranceAbs: 0 }, 'scipy.ndimage.label, 26-connectivity');
  add('sts002', 'attenuation', 'What is the mean attenuation of the tumour?', { answerable: true, value: t.meanHu, unit: 'HU', toleranceAbs: TOL.hu }, 'reference mean HU in the mask');
  add('sts002', 'attenuation', 'Is the tumour hypodense?', no('out_of_scope'), 'no organ mask to compare the tumour with');
  add('sts002', 'staging', 'What is the T stage of the tumour?', no('out_of_scope'), 'no imaging T rule for a lesion outside the catalogued organs');
  add('sts002', 'show', 'Show me the tumour', { answerable: true, mask: { labelName: 'tumour', componentId: 'tumour-1' } }, 'the one tumour label (label map written by the runner)');
  add('sts002', 'presence', 'Is there a lesion in the liver?', no('structure_absent'), 'no liver label');
  add('sts002', 'presence', 'Is there a tumour?', { answerable: true, answer: 'yes' }, 'one tumour component');
  add('sts002', 'out_of_scope', 'Is the tumour malignant?', no('out_of_scope'), 'histology');
  return out;
}
