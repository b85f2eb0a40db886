import { describe, expect, it } from 'vitest';
import { parseQuestion } from './parse-question.ts';

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
