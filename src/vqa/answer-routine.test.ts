import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../findings/index.ts';
import { structure } from '../findings/test-fixtures.ts';
import { loadKnowledgeBase, type KnowledgeBase } from '../knowledge/index.ts';
import type { Phase } from '../measure/index.ts';
import { ask } from './answer.ts';
import { makeVqaContext } from './context.ts';
import { parseQuestion } from './parse-question.ts';
import { evidenceOfStats, type VqaStudy } from './study.ts';

/** Which questions the routine measurement reader takes (answer-routine.ts), and which it leaves to the others. */
const intentOf = (q: string) => {
  const p = parseQuestion(q);
  return p.ok ? p.intent : { type: p.reason };
};

describe('routine questions: parsing', () => {
  it.each([
    ['What is the maximal diameter of the abdominal aorta?', { type: 'routine', topic: 'aorta', form: 'what', section: 'abdominal' }],
    ['Is there an abdominal aortic aneurysm?', { type: 'routine', topic: 'aneurysm', form: 'yesno', section: 'abdominal' }],
    ['Is the ascending aorta dilated?', { type: 'routine', topic: 'aorta', form: 'yesno', section: 'ascending_aorta' }],
    ['Is the pulmonary artery enlarged?', { type: 'routine', topic: 'pulmonary_artery', form: 'yesno' }],
    ['Is there emphysema?', { type: 'routine', topic: 'emphysema', form: 'yesno' }],
    ['Is there a compression fracture at L1?', { type: 'routine', topic: 'vertebral_fracture', form: 'yesno', level: 'L1' }],
    ['What is the L1 attenuation?', { type: 'routine', topic: 'bone_density', form: 'what', level: 'L1' }],
    ['Is this an arterial phase scan?', { type: 'routine', topic: 'contrast_phase', form: 'yesno', askedPhase: 'arterial' }],
    ['What is the coronary calcium score?', { type: 'routine', topic: 'coronary_calcium', form: 'what' }],
    ['Is there a stone in the left kidney?', { type: 'routine', topic: 'kidney_stone', form: 'yesno', side: 'left' }],
    ['Is it a Stanford type A dissection?', { type: 'routine', topic: 'dissection', form: 'yesno', askedType: 'A' }],
    // Which lung, which value: what a topic with several answers is asked for.
    ['What is the emphysema extent of the left lung?', { type: 'routine', topic: 'emphysema', form: 'what', side: 'left' }],
    ['How much emphysema is in the right upper lobe?', { type: 'routine', topic: 'emphysema', form: 'what', side: 'right', lobe: 'upper' }],
    ['What is the coronary calcium category?', { type: 'routine', topic: 'coronary_calcium', form: 'what', measure: 'category' }],
    ['What is the aortic calcium score?', { type: 'routine', topic: 'aortic_calcium', form: 'what' }],
    ['Is there calcification of the aorta?', { type: 'routine', topic: 'aortic_calcium', form: 'yesno' }],
    ['What is the Agatston score of the aorta?', { type: 'routine', topic: 'aortic_calcium', form: 'what' }],
    ['Is there calcium in the coronary arteries or the aorta?', { type: 'routine', topic: 'coronary_calcium', form: 'yesno' }],
    ['How many kidney stones are there?', { type: 'routine', topic: 'kidney_stone', form: 'what', measure: 'count' }],
    ['What is the visceral fat area at L3?', { type: 'routine', topic: 'body_composition', form: 'what', measure: 'visceral_fat' }],
    ['What is the subcutaneous fat area?', { type: 'routine', topic: 'body_composition', form: 'what', measure: 'subcutaneous_fat' }],
  ])('%s', (q, intent) => {
    expect(intentOf(q)).toEqual(intent);
  });

  it.each([
    ['Are there gallstones?', 'out_of_scope'],
    ['Is there a rib fracture?', 'out_of_scope'],
    ['Is there subcutaneous emphysema?', 'out_of_scope'],
    ['Does the lesion enhance after contrast?', 'out_of_scope'],
    ['Is the bile duct dilated?', 'out_of_scope'],
    // "How big is the aorta?" is still the structure's size (volume) question.
    ['How big is the aorta?', 'size'],
  ])('left to the other readers: %s', (q, type) => {
    expect(intentOf(q).type).toBe(type);
  });
});

/**
 * Answers over hand-built routine findings (the shapes lung-rules, calcium-rules and body-composition-rules emit):
 * each question is answered with the value it asks for, not the topic's first value.
 */
function f(partial: Partial<Finding> & Pick<Finding, 'id' | 'type' | 'status' | 'statement'>): Finding {
  return { subject: { structure: null, displayName: '', organ: null }, significance: partial.status === 'abnormal' ? 2 : 0, values: {}, attributes: {}, caveats: [], evidence: [], criteria: [], ...partial };
}
const aortaStats = structure('aorta', { labelId: 52, volumeMl: 120, huMean: 180 });
const FINDINGS: Finding[] = [
  f({ id: 'lung.emphysema', type: 'emphysema', status: 'abnormal', statement: 'mild emphysema', values: { lowAttenuationPercent: 9.26, lungLeftLowAttenuationPercent: 18.52, lungRightLowAttenuationPercent: 0, lungUpperLobeLeftLowAttenuationPercent: 44.42, mildFromPercent: 5, moderateFromPercent: 15, severeFromPercent: 25 } }),
  f({ id: 'heart.coronary_calcium', type: 'calcification', status: 'abnormal', statement: 'mild coronary calcification', values: { agatstonScore: 40 }, attributes: { band: 'mild' } }),
  f({ id: 'aorta.calcium', type: 'calcification', status: 'abnormal', statement: 'aortic calcification', values: { agatstonScore: 36 } }),
  f({ id: 'kidney_left.stones', type: 'kidney_stone', status: 'abnormal', statement: 'stones', subject: { structure: 'kidney_left', displayName: 'left kidney', organ: 'kidney_left', side: 'left' }, values: { count: 2, largestSizeMm: 6.7 } }),
  f({ id: 'kidney_right.stones', type: 'kidney_stone', status: 'abnormal', statement: 'stone', subject: { structure: 'kidney_right', displayName: 'right kidney', organ: 'kidney_right', side: 'right' }, values: { count: 1, largestSizeMm: 3.1 } }),
  f({ id: 'body.composition', type: 'body_composition', status: 'normal', statement: 'measured', values: { skeletalMuscleAreaCm2: 83.19, visceralFatAreaCm2: 23.5, subcutaneousFatAreaCm2: 181.25 }, attributes: { level: 'L3', muscleFrom: 'tissue_types masks' } }),
];

describe('routine questions: the value asked for', () => {
  let kb: KnowledgeBase;
  beforeAll(async () => {
    kb = await loadKnowledgeBase();
  });
  const study = (findings: Finding[], phase: Phase = 'non-contrast'): VqaStudy => ({
    phase,
    findings,
    structures: [{ labelId: 52, labelName: 'aorta', name: 'aorta', present: true, partiallyImaged: false, volumeMl: 120, huMean: 180, craniocaudalMm: 100, evidence: evidenceOfStats(aortaStats) }],
  });
  const answer = async (q: string, findings = FINDINGS, phase?: Phase) => {
    const a = await ask(makeVqaContext(study(findings, phase), kb), q);
    return a.answerable ? { answer: a.answer, value: a.value, unit: a.unit } : { reason: a.reason };
  };

  it.each([
    ['What is the emphysema extent of the left lung?', { answer: '18.5 %', value: 18.52, unit: '%' }],
    ['What is the LAA-950 of the right lung?', { answer: '0.0 %', value: 0, unit: '%' }],
    ['Is there emphysema in the right lung?', { answer: 'no', value: 0, unit: '%' }],
    ['Is there emphysema in the left lung?', { answer: 'yes', value: 18.52, unit: '%' }],
    ['What is the emphysema extent of the left upper lobe?', { answer: '44.4 %', value: 44.42, unit: '%' }],
    // Both lungs, as before.
    ['What is the emphysema extent?', { answer: 'mild emphysema', value: 9.26, unit: '%' }],
    ['What is the coronary calcium category?', { answer: 'mild coronary calcification', value: 40, unit: 'Agatston' }],
    ['What is the coronary calcium score?', { answer: '40', value: 40, unit: 'Agatston' }],
    ['What is the aortic calcium score?', { answer: '36', value: 36, unit: 'Agatston' }],
    ['How many kidney stones are there?', { answer: '3', value: 3, unit: 'count' }],
    ['How many stones are in the right kidney?', { answer: '1', value: 1, unit: 'count' }],
    ['How large is the kidney stone?', { answer: '6.7 mm', value: 6.7, unit: 'mm' }],
    ['What is the visceral fat area at L3?', { answer: '23.5 cm2', value: 23.5, unit: 'cm2' }],
    ['What is the subcutaneous fat area at L3?', { answer: '181.3 cm2', value: 181.25, unit: 'cm2' }],
    ['What is the skeletal muscle area at L3?', { answer: '83.2 cm2', value: 83.19, unit: 'cm2' }],
    // No sarcopenia threshold (indexed to height) and no per-lobe value where no lobe mask was given.
    ['Does the patient have sarcopenia?', { reason: 'out_of_scope' }],
    ['What is the emphysema extent of the right middle lobe?', { reason: 'structure_absent' }],
  ])('%s', async (q, expected) => {
    expect(await answer(q)).toEqual(expected);
  });

  it('the aortic calcium of an imaged aorta on a contrast scan is out of scope (the rules leave no finding), absent without an aorta', async () => {
    const noAorticScore = FINDINGS.filter((x) => x.id !== 'aorta.calcium');
    expect(await answer('Is there aortic calcification?', noAorticScore, 'portal-venous')).toEqual({ reason: 'out_of_scope' });
    expect(await answer('Is there aortic calcification?', noAorticScore, 'non-contrast')).toEqual({ reason: 'structure_absent' });
  });

  it('a muscle area question on a study without muscle masks is not answered 0 cm2', async () => {
    const fatOnly = FINDINGS.map((x) => (x.id === 'body.composition' ? { ...x, values: { visceralFatAreaCm2: 23.5, subcutaneousFatAreaCm2: 181.25 } } : x));
    expect(await answer('What is the skeletal muscle area at L3?', fatOnly)).toEqual({ reason: 'structure_absent' });
    expect(await answer('What is the visceral fat area at L3?', fatOnly)).toEqual({ answer: '23.5 cm2', value: 23.5, unit: 'cm2' });
  });
});
