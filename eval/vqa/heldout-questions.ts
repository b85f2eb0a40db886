import type { Expected, QuestionItem } from './question-set.ts';
import { displayOf, type PhantomOracle } from './oracle.ts';
import { TOL } from './phantom-questions.ts';

/**
 * Held-out phrasings: written once, after the parser, and scored without changing the parser for them, to show how
 * the rule parser does on wording it was not built around. Reported as their own study group ('heldout-*').
 */
type Draft = Omit<QuestionItem, 'id' | 'study'>;
const yes = (b: boolean): Expected => ({ answerable: true, answer: b ? 'yes' : 'no' });
const no = (reason: NonNullable<Expected['reason']>): Expected => ({ answerable: false, reason });

export function heldoutQuestions(o: PhantomOracle): Draft[] {
  const out: Draft[] = [];
  const add = (type: Draft['type'], question: string, expected: Expected) => out.push({ type, question, expected, basis: 'held-out phrasing; truth as in phantom.jsonl' });
  const liver = o.lesionsIn('liver');
  const pancreas = o.lesionsIn('pancreas');
  const status = (n: string) => o.status(o.coverageOf(n));
  const presence = (n: string) => (o.lesionsIn(n).length > 0 ? yes(true) : (o.absence(n) ?? yes(false)));
  add('presence', 'Do you see any hepatic masses?', presence('liver'));
  add('presence', 'Is the pancreas free of lesions?', o.lesionsIn('pancreas').length > 0 ? yes(false) : (o.absence('pancreas') ?? yes(true)));
  add('presence', 'Any tumor in the head of the pancreas?', presence('pancreas_head'));
  add('presence', 'Is there a focal lesion in the spleen?', presence('spleen'));
  add('count', 'Count the liver lesions.', liver.length > 0 ? { answerable: true, value: liver.length, unit: 'count', toleranceAbs: 0 } : (o.absence('liver') ?? { answerable: true, value: 0, unit: 'count', toleranceAbs: 0 }));
  add('count', 'How many hepatic lesions can be seen?', liver.length > 0 ? { answerable: true, value: liver.length, unit: 'count', toleranceAbs: 0 } : (o.absence('liver') ?? { answerable: true, value: 0, unit: 'count', toleranceAbs: 0 }));
  if (liver.length > 0) {
    const l = liver[0];
    const phrase = liver.length > 1 ? 'biggest liver lesion' : 'liver lesion';
    add('location', `Which Couinaud segment contains the ${phrase}?`, { answerable: true, answer: l.segments.map(displayOf).join(' and ') });
    add('size', `What is the maximal diameter of the ${phrase}?`, { answerable: true, value: l.longAxisMm, unit: 'mm', toleranceAbs: TOL.mm });
    add('attenuation', `Is the ${phrase} darker than the surrounding liver?`, yes(l.attenuation === 'hypo'));
  }
  if (pancreas.length > 0) {
    const l = pancreas[0];
    add('location', 'In what part of the pancreas is the mass?', { answerable: true, answer: l.segments.map(displayOf).join(' and ') });
    const t = o.tCategory(l);
    add('staging', 'T category of the pancreatic cancer?', t === null ? no('out_of_scope') : { answerable: true, answer: t });
    add('size', 'Pancreatic tumour size in mm?', { answerable: true, value: l.longAxisMm, unit: 'mm', toleranceAbs: TOL.mm });
  }
  const spleen = o.status('spleen');
  add('size', 'Give me the splenic volume.', spleen === 'complete' ? { answerable: true, value: o.volumeMl('spleen'), unit: 'mL', toleranceAbs: TOL.volumeMl } : no('partially_imaged'));
  add('normality', 'Is there evidence of splenomegaly?', spleen === 'complete' ? yes(o.enlarged('spleen')!) : no('partially_imaged'));
  add('normality', 'Is liver size within normal limits?', status('liver') === 'complete' ? yes(!o.enlarged('liver')!) : no('partially_imaged'));
  const both = o.status('kidney_left') === 'complete' && o.status('kidney_right') === 'complete';
  add('comparison', 'Is the right kidney smaller than the left one?', both ? yes(o.volumeMl('kidney_right') < o.volumeMl('kidney_left')) : no('partially_imaged'));
  add('show', 'Please highlight the liver.', { answerable: true, mask: { labelName: 'liver' } });
  add('out_of_scope', 'Is this pancreatic cancer resectable?', no('out_of_scope'));
  add('out_of_scope', 'Does the patient have liver metastases from colon cancer?', no('out_of_scope'));
  return out;
}
