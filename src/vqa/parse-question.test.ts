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

  it.each(['Hello?', '', 'What is it?'])('unparsed: %j', (q) => {
    expect(parseQuestion(q)).toMatchObject({ ok: false, reason: 'unparsed' });
  });
});

describe('parseQuestion: questions as benchmarks and people write them (issue 13)', () => {
  it.each<[string, Record<string, unknown>]>([
    ['Where is the esophagus?', { type: 'location', target: { kind: 'structure', structure: 'esophagus' } }],
    ['how many kidneys are visible', { type: 'count', target: { kind: 'structure', structure: 'kidneys' } }],
    ['How many ribs on the right are visible?', { type: 'count', target: { kind: 'structure', structure: 'ribs_right' } }],
    ['Is the whole liver included?', { type: 'coverage', structure: 'liver', asked: 'complete' }],
    ['Is the spleen cut off at the edge of the scan?', { type: 'coverage', structure: 'spleen', asked: 'partial' }],
    ['Is the pancreas only partly imaged?', { type: 'coverage', structure: 'pancreas', asked: 'partial' }],
    ['Which is the biggest, lung, heart or liver?', { type: 'comparison', structures: ['lung', 'heart', 'liver'], property: 'volume', direction: 'larger', form: 'which' }],
    ['What is the largest organ in the scan?', { type: 'comparison', structures: [], property: 'volume', direction: 'larger', form: 'which' }],
    ['which is smaller, the left or right kidney', { type: 'comparison', structures: ['kidney_left', 'kidney_right'], property: 'volume', direction: 'smaller', form: 'which' }],
    ['What abnormalities are present in the right lung?', { type: 'abnormality', region: 'lung_right' }],
    ['What is abnormal in this scan?', { type: 'abnormality', region: null }],
    ['Does the liver contain at least one hypodensity?', { type: 'presence', target: { kind: 'lesion', organ: 'liver', lesionKind: 'any' } }],
    ['Are there any abnormal hypodense lesions in the spleen', { type: 'presence', target: { kind: 'lesion', organ: 'spleen', lesionKind: 'any' } }],
    ['Is the aorta encased by the pancreatic mass?', { type: 'contact', target: { kind: 'lesion', organ: 'pancreas', lesionKind: 'solid' }, vessel: 'aorta' }],
    ['does the picture contain eyes', { type: 'presence', target: { kind: 'unknown', name: 'eyes' } }],
    ['What is the scale of the nodule in the left lung lower lobe?', { type: 'size', target: { kind: 'lesion', organ: 'lung_lower_lobe_left', lesionKind: 'solid' }, measure: 'long_axis' }],
    ['Can we identify enlarged lymph nodes in the mediastinum?', { type: 'presence', target: { kind: 'structure', structure: 'lymph_node' } }],
    ['Is the spleen in view?', { type: 'presence', target: { kind: 'structure', structure: 'spleen' } }],
    ['Which is the largest in this picture,spleen,kidney or liver?', { type: 'comparison', structures: ['spleen', 'kidneys', 'liver'], property: 'volume', direction: 'larger', form: 'which' }],
  ])('%s', (q, expected) => {
    expect(intent(q)).toEqual(expected);
  });

  it.each<[string, string]>([
    ['What modality is used to take this image?', 'modality'],
    ['Is this an axial plane?', 'plane'],
    ['Is this a lung window?', 'window'],
    ['Was oral contrast given?', 'contrast'],
    ['What is the organ on the lower left corner of the image?', 'image_display'],
    ['What is the leftmost organ in this picture?', 'image_display'],
    ['What colour is the liver?', 'appearance'],
    ['Is the mass well circumscribed?', 'appearance'],
    ['Which organ system does the heart belong to? does it belong to the circulatory system', 'knowledge'],
    ['What is the function of the kidney?', 'knowledge'],
    ['What does the hypodensity in the liver suggest?', 'diagnosis'],
    ['What are these densities in the gallbladder?', 'diagnosis'],
    ['What is the right adrenal mass?', 'diagnosis'],
    ['What is the hyperdensity seen inside the spleen?', 'diagnosis'],
    ['What are typical causes of a splenic cyst?', 'knowledge'],
    ['Does the stomach form part of the digestive system?', 'knowledge'],
    ['Describe the internal features of the lesion', 'appearance'],
    ['Is the portal vein patent?', 'finding'],
    ['Is the patient supine?', 'image_display'],
    ['Is there hydronephrosis?', 'finding'],
    ['Are there gallstones', 'finding'],
    ['Was the nodule seen on the prior examination of another hospital?', 'change'],
  ])('%s -> out of scope (%s)', (q, category) => {
    expect(parseQuestion(q)).toMatchObject({ ok: false, reason: 'out_of_scope', category });
  });

  it('"what is the <words> mass?" asks what it is, unless the words rank it by size', () => {
    expect(parseQuestion('What is the left kidney mass?')).toMatchObject({ ok: false, category: 'diagnosis' });
    expect(parseQuestion('What is the largest lesion?')).not.toMatchObject({ category: 'diagnosis' });
    expect(parseQuestion('What is the size of the liver lesion?')).toMatchObject({ ok: true, intent: { type: 'size' } });
  });

  it('a finding the masks hold, named before one they do not, keeps the question in scope', () => {
    expect(parseQuestion('Does the lung show signs of a mass or pneumonia?')).toMatchObject({ ok: true, intent: { type: 'presence' } });
    expect(parseQuestion('Is there evidence of calcification in the mass?')).toMatchObject({ ok: false, reason: 'out_of_scope', category: 'finding' });
  });
});

describe('parseQuestion: broken input', () => {
  it.each(['', '???', '\u0000\uFFFD', 'where where where', 'a'.repeat(5000), 'How many  mm?'])('%j is refused or read, never thrown', (q) => {
    const r = parseQuestion(q);
    expect(typeof r.ok).toBe('boolean');
    if (!r.ok) expect(r.detail.length).toBeGreaterThan(0);
  });
});
