/**
 * Writes eval/vqa/routine.jsonl: questions about the routine measurements (issue 16) on the phantoms of
 * `ROUTINE_STUDIES` (eval/vqa/studies.ts), expected answers from the phantoms' construction (the aorta's radius
 * along its arc, the L1 wedge, the trabecular HU, the blood pool's 40 HU), never from groundct's output. Written
 * by hand after the question parser, like followup.jsonl.   npx tsx eval/vqa/routine-questions.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { aortaPhantom, trueMaxDiameter } from '../../src/phantom/vessel-phantom.ts';
import { QuestionItemSchema, type Expected, type QuestionItem } from './question-set.ts';
import { ROUTINE_ANEURYSM } from './studies.ts';

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

const out = items.map((d, n) => QuestionItemSchema.parse({ id: `routine-${String(n + 1).padStart(3, '0')}`, ...d }));
writeFileSync(fileURLToPath(new URL('routine.jsonl', import.meta.url)), out.map((i) => JSON.stringify(i) + '\n').join(''));
console.log(`routine.jsonl: ${out.length} questions`);
