import { describe, expect, it } from 'vitest';
import type { Finding } from '../findings/index.ts';
import { matchClaim } from './match-claim.ts';
import { parseClaims } from './parse-claims.ts';
import { allowedError, withinTolerance } from './tolerances.ts';

/** Hand-built reference findings of a small abdomen: liver lesion in segment 7, enlarged spleen, left renal cyst, pancreatic head T4 mass. */
function f(partial: Partial<Finding> & Pick<Finding, 'id' | 'type' | 'status' | 'statement'>): Finding {
  return { subject: { structure: null, displayName: '', organ: null }, significance: partial.status === 'abnormal' ? 2 : 0, values: {}, attributes: {}, caveats: [], evidence: [], criteria: ['x'], ...partial };
}
const subj = (organ: string, extra: Partial<Finding['subject']> = {}): Finding['subject'] => ({ structure: organ, displayName: organ, organ, ...extra });
const FINDINGS: Finding[] = [
  f({ id: 'liver.size', type: 'organ_size', status: 'normal', statement: 'normal size', subject: subj('liver'), values: { volumeMl: 1511.3 } }),
  f({ id: 'liver.steatosis', type: 'steatosis', status: 'normal', statement: 'not fatty', subject: subj('liver'), values: { huMean: 55 } }),
  f({ id: 'liver_lesion-1', type: 'lesion', status: 'abnormal', statement: 'lesion', subject: subj('liver', { structure: 'liver_lesion', lesionId: 'liver_lesion-1', side: 'right' }), values: { longAxisMm: 20.4, shortAxisMm: 20.4, max3dDiameterMm: 20.9, volumeMl: 4.98, huMean: 14.5 }, attributes: { segments: ['liver_segment_7'], attenuation: 'hypoattenuating', lesionType: 'lesion' } }),
  f({ id: 'liver.lesions', type: 'lesion_count', status: 'abnormal', statement: 'single lesion', subject: subj('liver'), values: { count: 1 }, attributes: { organComplete: true } }),
  f({ id: 'spleen.size', type: 'organ_size', status: 'abnormal', statement: 'enlarged', subject: subj('spleen'), values: { volumeMl: 346 } }),
  f({ id: 'spleen.length', type: 'organ_size', status: 'abnormal', statement: 'enlarged', subject: subj('spleen'), values: { craniocaudalLengthMm: 138 } }),
  f({ id: 'spleen.lesions', type: 'lesion_count', status: 'normal', statement: 'no lesion', subject: subj('spleen'), values: { count: 0 }, attributes: { organComplete: true } }),
  f({ id: 'kidney_left.size', type: 'organ_size', status: 'normal', statement: 'normal size', subject: subj('kidney_left', { side: 'left' }), values: { volumeMl: 111.5 } }),
  f({ id: 'kidney_right.size', type: 'organ_size', status: 'normal', statement: 'normal size', subject: subj('kidney_right', { side: 'right' }), values: { volumeMl: 115.3 } }),
  f({ id: 'kidney_cyst_left-1', type: 'lesion', status: 'abnormal', statement: 'cyst', subject: subj('kidney_left', { structure: 'kidney_cyst_left', side: 'left' }), values: { longAxisMm: 20, shortAxisMm: 20, volumeMl: 4.1, huMean: 4.6 }, attributes: { segments: [], attenuation: 'hypoattenuating', lesionType: 'cyst' } }),
  f({ id: 'kidney_right.lesions', type: 'lesion_count', status: 'normal', statement: 'no lesion', subject: subj('kidney_right'), values: { count: 0 }, attributes: { organComplete: true } }),
  f({ id: 'pancreas_lesion-1', type: 'lesion', status: 'abnormal', statement: 'lesion', subject: subj('pancreas', { structure: 'pancreas_lesion', side: 'midline' }), values: { longAxisMm: 30, shortAxisMm: 29.2 }, attributes: { segments: ['pancreas_head'], attenuation: 'hypoattenuating', lesionType: 'lesion' } }),
  f({ id: 'pancreas_lesion-1.contact.superior_mesenteric_artery', type: 'vessel_contact', status: 'abnormal', statement: 'encasement', subject: { structure: 'superior_mesenteric_artery', displayName: 'SMA', organ: 'pancreas' }, values: { contactAngleDeg: 203 } }),
  f({ id: 'pancreas_lesion-1.stage', type: 'stage', status: 'abnormal', statement: 'T4', subject: subj('pancreas', { structure: 'pancreas_lesion' }), attributes: { arteriesAssessed: ['superior_mesenteric_artery'] } }),
];

const verdict = (s: string) => {
  const cs = parseClaims(s);
  expect(cs.length, s).toBeGreaterThan(0);
  return cs.map((c) => matchClaim(c, FINDINGS)).map((m) => `${m.verdict}${m.errorType ? `:${m.errorType}` : ''}`);
};

describe('tolerances', () => {
  it('"2.1 cm" (half-step 0.5 mm) matches 18.7 mm but not 18.6 mm: 0.5 + max(1, 10 %) of the measured value', () => {
    expect(allowedError('longAxisMm', 18.7, 0.5)).toBeCloseTo(2.37, 10);
    expect(withinTolerance('longAxisMm', 21, 18.7, 0.5)).toBe(true);
    expect(withinTolerance('longAxisMm', 21, 18.6, 0.5)).toBe(false);
    // volumes: 5 % + half-step; 346 mL written, 329.6 measured: 16.4 <= 0.5 + 16.48
    expect(withinTolerance('volumeMl', 346, 329.6, 0.5)).toBe(true);
    expect(withinTolerance('volumeMl', 346, 329.0, 0.5)).toBe(false);
    // HU: 5 HU + half-step
    expect(withinTolerance('huMean', 30, 35.5, 0.5)).toBe(true);
    expect(withinTolerance('huMean', 30, 35.6, 0.5)).toBe(false);
  });
});

describe('matchClaim', () => {
  it('supports correct statements in any phrasing and lists the findings they rest on', () => {
    expect(verdict('A 2.0 x 2.0 cm hypoattenuating lesion in Couinaud segment 7.')).toEqual(['supported']);
    expect(verdict('Hepatic S7 lesion, 21 mm.')).toEqual(['supported']);
    expect(verdict('Splenomegaly (346 mL, 13.8 cm craniocaudal).')).toEqual(['supported']);
    expect(verdict('2 cm cyst in the L kidney.')).toEqual(['supported']);
    expect(verdict('No focal splenic lesion.')).toEqual(['supported']);
    expect(verdict('Pancreatic head mass encasing the SMA, T4.')).toEqual(['supported', 'supported', 'supported']);
    // two organs, two numbers: each checked against its own organ (liver 1511.3 mL, spleen 346 mL)
    expect(verdict('Liver volume 1511 mL and spleen volume 346 mL.')).toEqual(['supported', 'supported']);
    expect(verdict('Liver volume 1511 mL and spleen volume 520 mL.')).toEqual(['supported', 'contradicted:number_off']);
    // hepatosplenomegaly = liver enlarged (normal: present_absent) + spleen enlarged (enlarged: supported)
    expect(verdict('Hepatosplenomegaly.')).toEqual(['contradicted:present_absent', 'supported']);
    expect(verdict('No hepatosplenomegaly.')).toEqual(['supported', 'contradicted:negated_present']);
    const m = matchClaim(parseClaims('The spleen is enlarged.')[0]!, FINDINGS);
    expect(m.findingIds).toEqual(['spleen.size', 'spleen.length']);
  });

  it('names the error: side, organ, segment, number, unit, negation, attenuation, stage, contact', () => {
    expect(verdict('2 cm cyst in the right kidney.')).toEqual(['contradicted:wrong_side']);
    expect(verdict('A 2.0 cm lesion in the spleen.')).toEqual(['contradicted:wrong_organ']);
    expect(verdict('A 2.0 cm lesion in segment 4 of the liver.')).toEqual(['contradicted:wrong_segment']);
    expect(verdict('A 3.1 cm lesion in segment 7.')).toEqual(['contradicted:number_off']);
    expect(verdict('A 2.0 mm lesion in segment 7.')).toEqual(['contradicted:wrong_unit']);
    expect(verdict('No focal liver lesion.')).toEqual(['contradicted:negated_present']);
    expect(verdict('The spleen is not enlarged.')).toEqual(['contradicted:negated_present']);
    expect(verdict('The liver is enlarged.')).toEqual(['contradicted:present_absent']);
    expect(verdict('The liver is enlarged (346 mL).')).toEqual(['contradicted:wrong_organ']);
    expect(verdict('A 4.5 cm mass in the spleen.')).toEqual(['contradicted:present_absent']);
    expect(verdict('Hyperattenuating lesion in segment 7.')).toEqual(['contradicted:wrong_attenuation']);
    expect(verdict('Pancreatic head mass, T3.')).toEqual(['contradicted:wrong_stage', 'supported']);
    expect(verdict('The pancreatic mass abuts the SMA.')).toEqual(['contradicted:wrong_contact', 'supported']);
    // "The mass" refers back to a lesion already stated: its contact is a claim, the mass is no new lesion.
    expect(verdict('The mass abuts the SMA.')).toEqual(['contradicted:wrong_contact']);
    expect(verdict('Hepatic steatosis.')).toEqual(['contradicted:present_absent']);
  });

  it('is unverifiable where the reference is silent', () => {
    expect(verdict('No ascites.')).toEqual(['unverifiable']);
    expect(verdict('The gallbladder is unremarkable.')).toEqual(['unverifiable']);
    expect(verdict('No lesion in the pancreatic tail.')).toEqual(['unverifiable']);
    expect(matchClaim(parseClaims('No lesion in the pancreatic tail.')[0]!, FINDINGS, { lesionsComplete: true }).verdict).toBe('supported');
    expect(verdict('No lymphadenopathy.')).toEqual(['unverifiable']);
    // the left kidney's lesion status is known only through its cyst; the pancreas body has no known status
    expect(verdict('A 1 cm nodule in the right lower lobe.')).toEqual(['unverifiable']);
  });

  it('with lesionsComplete, a wholly imaged organ without lesion findings is lesion-free', () => {
    const claim = parseClaims('No lesion in the left kidney or the liver.');
    expect(claim.map((c) => matchClaim(c, FINDINGS, { lesionsComplete: true }).verdict)).toEqual(['contradicted', 'contradicted']);
    const gall = [...FINDINGS, f({ id: 'gallbladder.normal', type: 'normal', status: 'normal', statement: 'normal', subject: subj('gallbladder'), attributes: { assessed: ['completeness'] } })];
    const c = parseClaims('A 1.0 cm lesion in the gallbladder.')[0]!;
    expect(matchClaim(c, gall).verdict).toBe('unverifiable');
    expect(matchClaim(c, gall, { lesionsComplete: true })).toMatchObject({ verdict: 'contradicted', errorType: 'present_absent', findingIds: ['gallbladder.normal'] });
  });
});

describe('numbers of measured structures no rule made a finding about (measurements.json)', () => {
  const structures = [
    { name: 'gallbladder', present: true, partiallyImaged: false, volumeMl: 32.4, huMean: 12, craniocaudalMm: 70 },
    { name: 'adrenal_gland_left', present: true, partiallyImaged: false, volumeMl: 5.1, huMean: 28, craniocaudalMm: 40 },
    { name: 'adrenal_gland_right', present: true, partiallyImaged: false, volumeMl: 3.9, huMean: 30, craniocaudalMm: 38 },
    { name: 'stomach', present: true, partiallyImaged: true, volumeMl: 210, huMean: 20, craniocaudalMm: 90 },
  ];
  const check = (s: string) => parseClaims(s).map((c) => matchClaim(c, FINDINGS, { structures })).map((m) => `${m.verdict}${m.errorType ? `:${m.errorType}` : ''}${m.unverifiable ? `:${m.unverifiable}` : ''}`);

  it('a stated volume or mean HU is supported or number_off against the structure measured, wrong_side when it is the other side', () => {
    expect(check('Gallbladder volume 32 mL.')).toEqual(['supported']);
    expect(check('Gallbladder volume 60 mL.')).toEqual(['contradicted:number_off']);
    expect(check('The gallbladder has a mean attenuation of 12 HU.')).toEqual(['supported']);
    expect(check('Left adrenal gland volume 3.9 mL.')).toEqual(['contradicted:wrong_side']);
    expect(parseClaims('Gallbladder volume 32 mL.').map((c) => matchClaim(c, FINDINGS, { structures }).structures)).toEqual([['gallbladder']]);
  });

  it('without the measurements the same numbers cannot be checked; a partly imaged organ\'s volume is not in the imaged part', () => {
    expect(parseClaims('Gallbladder volume 60 mL.').map((c) => matchClaim(c, FINDINGS).verdict)).toEqual(['unverifiable']);
    expect(check('Stomach volume 400 mL.')).toEqual(['unverifiable:not_in_imaged_part']);
  });

  it('three unverifiable outcomes kept apart: no such structure, not in the imaged part, not assessable', () => {
    expect(check('A 2 cm lesion in the thyroid gland.')).toEqual(['unverifiable:no_such_structure']);
    expect(check('A 2 cm lesion in the gallbladder.')).toEqual(['unverifiable:not_in_imaged_part']);
    expect(check('No ascites.')).toEqual(['unverifiable:not_assessable']);
  });
});
