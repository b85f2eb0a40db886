import { describe, expect, it } from 'vitest';
import { parseQuestion } from './parse-question.ts';
import type { Intent } from './types.ts';

function intent(q: string): Intent {
  const r = parseQuestion(q);
  if (!r.ok) throw new Error(`${q}: ${r.reason} (${r.detail})`);
  return r.intent;
}

describe('parseQuestion: anatomy vocabulary', () => {
  it.each([
    ['Is there a lesion in the pancreatic head?', 'pancreas_head'],
    ['Is there a lesion in the head of the pancreas?', 'pancreas_head'],
    ['Is there a lesion in segment VII?', 'liver_segment_7'],
    ['Is there a lesion in Couinaud segment 7?', 'liver_segment_7'],
    ['Is there a lesion in S4?', 'liver_segment_4'],
    ['Is there a lesion in the caudate lobe?', 'liver_segment_1'],
    ['Is there a nodule in the right lower lobe?', 'lung_lower_lobe_right'],
    ['Is there a nodule in the lower lobe of the right lung?', 'lung_lower_lobe_right'],
    ['Is there a nodule in the RLL?', 'lung_lower_lobe_right'],
    ['Is there a cyst in the L kidney?', 'kidney_left'],
    ['Are there any hepatic lesions?', 'liver'],
    ['Are there any renal lesions?', 'kidneys'],
    ['Are there lesions in the kidneys?', 'kidneys'],
    ['Is there a splenic mass?', 'spleen'],
  ])('%s -> organ %s', (q, organ) => {
    const i = intent(q);
    expect(i.type).toBe('presence');
    expect(i.type === 'presence' && i.target.kind === 'lesion' ? i.target.organ : null).toBe(organ);
  });

  it('reads the lesion kind: cyst, solid (tumour, mass, nodule) or any', () => {
    const kind = (q: string) => { const i = intent(q); return i.type === 'presence' && i.target.kind === 'lesion' ? i.target.lesionKind : null; };
    expect(kind('Is there a cyst in the left kidney?')).toBe('cyst');
    expect(kind('Is there a mass in the left kidney?')).toBe('solid');
    expect(kind('Is there a lesion in the left kidney?')).toBe('any');
  });

  it('reads a side word that no phrase took as the lesion side', () => {
    const i = intent('How large is the lesion on the left?');
    expect(i).toMatchObject({ type: 'size', target: { kind: 'lesion', organ: null, side: 'left' }, measure: 'long_axis' });
  });
});

describe('parseQuestion: question types', () => {
  it.each<[string, Partial<Intent> & Record<string, unknown>]>([
    ['Where is the largest liver lesion?', { type: 'location', target: { kind: 'lesion', organ: 'liver', lesionKind: 'any', rank: 1 } }],
    ['Where is the second largest hepatic lesion?', { type: 'location', target: { kind: 'lesion', organ: 'liver', lesionKind: 'any', rank: 2 } }],
    ['What is the spleen volume?', { type: 'size', target: { kind: 'structure', structure: 'spleen' }, measure: 'volume' }],
    ['How many mL is the spleen?', { type: 'size', target: { kind: 'structure', structure: 'spleen' }, measure: 'volume' }],
    ['How long is the spleen?', { type: 'size', target: { kind: 'structure', structure: 'spleen' }, measure: 'length' }],
    ['How large is the right kidney lesion?', { type: 'size', target: { kind: 'lesion', organ: 'kidney_right', lesionKind: 'any' }, measure: 'long_axis' }],
    ['What is the short axis of the pancreatic mass?', { type: 'size', target: { kind: 'lesion', organ: 'pancreas', lesionKind: 'solid' }, measure: 'short_axis' }],
    ['How many liver lesions are there?', { type: 'count', target: { kind: 'lesion', organ: 'liver', lesionKind: 'any' } }],
    ['Is the liver lesion hypodense?', { type: 'attenuation', target: { kind: 'lesion', organ: 'liver', lesionKind: 'any' }, askedClass: 'hypo' }],
    ['What is the mean HU of the liver?', { type: 'attenuation', target: { kind: 'structure', structure: 'liver' } }],
    ['Which kidney is larger?', { type: 'comparison', structures: ['kidney_left', 'kidney_right'], property: 'volume', direction: 'larger', form: 'which' }],
    ['Is the right kidney smaller than the left one?', { type: 'comparison', structures: ['kidney_right', 'kidney_left'], property: 'volume', direction: 'smaller', form: 'yesno' }],
    ['Which has higher attenuation, the liver or the spleen?', { type: 'comparison', structures: ['liver', 'spleen'], property: 'attenuation', direction: 'larger', form: 'which' }],
    ['What is the T stage of the pancreatic tumour?', { type: 'staging', target: { kind: 'lesion', organ: 'pancreas', lesionKind: 'solid' } }],
    ['Is the liver normal in size?', { type: 'normality', structure: 'liver', aspect: 'size', polarity: 'normal' }],
    ['Is there splenomegaly?', { type: 'normality', structure: 'spleen', aspect: 'size', polarity: 'abnormal' }],
    ['Is there hepatic steatosis?', { type: 'normality', structure: 'liver', aspect: 'steatosis', polarity: 'abnormal' }],
    ['Is the gallbladder normal?', { type: 'normality', structure: 'gallbladder', aspect: 'overall', polarity: 'normal' }],
    ['Show me the pancreatic lesion', { type: 'show', target: { kind: 'lesion', organ: 'pancreas', lesionKind: 'any' } }],
    ['Please highlight the liver.', { type: 'show', target: { kind: 'structure', structure: 'liver' } }],
    ['Is the liver lesion darker than the surrounding liver?', { type: 'attenuation', target: { kind: 'lesion', organ: 'liver', lesionKind: 'any' }, askedClass: 'hypo' }],
    // Change over time (answer-change.ts): read here, answered only for a study compared with a prior.
    ['Has the liver lesion grown since the prior scan?', { type: 'change', target: { kind: 'lesion', organ: 'liver', lesionKind: 'any' }, asked: 'grown' }],
    ['Did the pancreatic lesion grow?', { type: 'change', target: { kind: 'lesion', organ: 'pancreas', lesionKind: 'any' }, asked: 'grown' }],
    ['Has the spleen decreased in size?', { type: 'change', target: { kind: 'structure', structure: 'spleen' }, asked: 'shrunk' }],
    ['Are there new lesions?', { type: 'new_lesions', target: { kind: 'lesion', organ: null, lesionKind: 'any' } }],
    ['What is the RECIST response?', { type: 'response' }],
    ['Is this a partial response?', { type: 'response', asked: 'PR' }],
  ])('%s', (q, expected) => {
    expect(intent(q)).toEqual(expected);
  });

  it.each([
    'Is the tumour malignant?',
    'What is the N stage of the pancreatic tumour?',
    'Does the liver lesion enhance?',
    'Is there a rib fracture?',
    'Are there liver metastases?',
  ])('out of scope: %s', (q) => {
    expect(parseQuestion(q)).toMatchObject({ ok: false, reason: 'out_of_scope' });
  });

  it.each(['What colour is the spleen?', 'Hello?', '', 'Where is the spleen?', 'How many kidneys?'])('unparsed: %j', (q) => {
    expect(parseQuestion(q)).toMatchObject({ ok: false, reason: 'unparsed' });
  });
});
