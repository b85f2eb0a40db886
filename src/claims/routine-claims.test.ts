import { describe, expect, it } from 'vitest';
import type { Finding } from '../findings/index.ts';
import { matchClaim } from './match-claim.ts';
import { parseClaims } from './parse-claims.ts';
import { ROUTINE_CLAIM_KINDS } from './routine-claims.ts';

/**
 * Routine measurement claims (routine-claims.ts) against hand-built findings of the kinds the routine rules emit:
 * an aneurysmal infrarenal aorta (3.4 cm) with normal thoracic sections, an enlarged main pulmonary artery,
 * moderate emphysema (LAA-950 18 %), a moderate L1 wedge fracture, L1 at 95 HU, an estimated portal-venous
 * phase, a left kidney stone of 8 mm, Stanford B dissection. A second set: a native scan with coronary calcium.
 */
function f(partial: Partial<Finding> & Pick<Finding, 'id' | 'type' | 'status' | 'statement'>): Finding {
  return { subject: { structure: null, displayName: '', organ: null }, significance: partial.status === 'abnormal' ? 2 : 0, values: {}, attributes: {}, caveats: [], evidence: [], criteria: ['x'], ...partial };
}
const aorta = (section: string, statement: string, maxDiameterMm: number) =>
  f({ id: `aorta.${section}.calibre`, type: 'vessel_calibre', status: statement === 'normal calibre' ? 'normal' : 'abnormal', statement, subject: { structure: 'aorta', displayName: section.replace(/_/g, ' '), organ: 'aorta' }, values: { maxDiameterMm }, attributes: { section } });

const CONTRAST: Finding[] = [
  aorta('ascending_aorta', 'normal calibre', 33.2),
  aorta('aortic_arch', 'normal calibre', 29.8),
  aorta('descending_thoracic_aorta', 'normal calibre', 26.1),
  aorta('suprarenal_abdominal_aorta', 'normal calibre', 22.4),
  aorta('infrarenal_abdominal_aorta', 'aneurysmal', 34.2),
  f({ id: 'pulmonary_artery.calibre', type: 'vessel_calibre', status: 'abnormal', statement: 'enlarged', subject: { structure: 'pulmonary_artery', displayName: 'main pulmonary artery', organ: 'pulmonary_artery' }, values: { diameterMm: 32.4 } }),
  f({ id: 'lung.emphysema', type: 'emphysema', status: 'abnormal', statement: 'moderate emphysema', subject: { structure: 'lung', displayName: 'lungs', organ: 'lung' }, values: { lowAttenuationPercent: 18.2, totalLungVolumeMl: 6120 } }),
  f({ id: 'vertebrae_L1.fracture', type: 'vertebral_fracture', status: 'abnormal', statement: 'moderate wedge fracture', subject: { structure: 'vertebrae_L1', displayName: 'L1 vertebra', organ: 'vertebral_column' }, values: { genantGrade: 2, heightLossPercent: 31.4 }, attributes: { level: 'L1' } }),
  f({ id: 'spine.vertebral_heights', type: 'vertebral_fracture', status: 'normal', statement: 'heights preserved', subject: { structure: 'vertebral_column', displayName: 'vertebral bodies', organ: 'vertebral_column' }, attributes: { levels: ['T11', 'T12', 'L2', 'L3'] } }),
  f({ id: 'vertebrae_L1.bone_density', type: 'bone_density', status: 'abnormal', statement: 'osteoporosis likely', subject: { structure: 'vertebrae_L1', displayName: 'L1 vertebra', organ: 'vertebral_column' }, values: { trabecularHuMean: 95 } }),
  f({ id: 'study.contrast_phase', type: 'contrast_phase', status: 'normal', statement: 'portal-venous', values: { confidence: 0.9, contrastConfidence: 1 }, attributes: { phaseUsed: 'portal-venous', phaseSource: 'estimated', usedByRules: true } }),
  f({ id: 'kidney_left.stones', type: 'kidney_stone', status: 'abnormal', statement: 'stone', subject: { structure: 'kidney_left', displayName: 'left kidney', organ: 'kidney_left', side: 'left' }, values: { count: 1, largestSizeMm: 7.6 } }),
  f({ id: 'kidney_right.stones', type: 'kidney_stone', status: 'normal', statement: 'no stone', subject: { structure: 'kidney_right', displayName: 'right kidney', organ: 'kidney_right', side: 'right' }, values: { count: 0 } }),
  f({ id: 'aorta.dissection', type: 'dissection', status: 'abnormal', statement: 'Stanford type B dissection', subject: { structure: 'aortic_dissection_false_lumen', displayName: 'aorta', organ: 'aorta' }, attributes: { stanford: 'B', debakey: 'IIIb' } }),
];

const NATIVE: Finding[] = [
  f({ id: 'study.contrast_phase', type: 'contrast_phase', status: 'normal', statement: 'non-contrast', values: { confidence: 0.98, contrastConfidence: 0.98 }, attributes: { phaseUsed: 'non-contrast', phaseSource: 'estimated', usedByRules: true } }),
  f({ id: 'heart.coronary_calcium', type: 'calcification', status: 'abnormal', statement: 'moderate coronary calcification', subject: { structure: 'coronary_arteries', displayName: 'coronary arteries', organ: 'heart' }, values: { agatstonScore: 236 }, attributes: { region: 'coronary_arteries', band: 'moderate' } }),
  f({ id: 'aorta.calcium', type: 'calcification', status: 'normal', statement: 'no aortic calcification', subject: { structure: 'aorta', displayName: 'aortic wall', organ: 'aorta' }, values: { agatstonScore: 0 } }),
  f({ id: 'lung.emphysema', type: 'emphysema', status: 'normal', statement: 'no emphysema', subject: { structure: 'lung', displayName: 'lungs', organ: 'lung' }, values: { lowAttenuationPercent: 2.1 } }),
];

/** Verdicts of the routine claims of a sentence (the one-study kinds' claims beside them are not checked here). */
const verdicts = (s: string, findings: readonly Finding[] = CONTRAST) => {
  const cs = parseClaims(s).filter((c) => ROUTINE_CLAIM_KINDS.has(c.kind));
  expect(cs.length, s).toBeGreaterThan(0);
  return cs.map((c) => { const m = matchClaim(c, findings); return `${c.kind}:${m.verdict}${m.errorType ? `:${m.errorType}` : ''}`; });
};

describe('routine claims: reading', () => {
  it('reads one calibre claim per aortic section, each with its own number', () => {
    const cs = parseClaims('Normal calibre of the ascending aorta (3.3 cm), aortic arch (3.0 cm) and descending thoracic aorta (2.6 cm).');
    expect(cs.map((c) => [c.kind, c.routine?.section, c.routine?.calibre, c.numbers[0]?.value])).toEqual([
      ['vessel_calibre', 'ascending_aorta', 'normal', 33],
      ['vessel_calibre', 'aortic_arch', 'normal', 30],
      ['vessel_calibre', 'descending_thoracic_aorta', 'normal', 26],
    ]);
  });

  it('"respectively" pairs numbers with vessels in order; both pulmonary branches are their own (unchecked) part, not the trunk', () => {
    const cs = parseClaims('The main pulmonary artery and both pulmonary arteries measure 34 and 24 mm, respectively.');
    expect(cs.map((c) => [c.kind, c.routine?.section, c.side ?? null, c.numbers.map((n) => n.value)])).toEqual([
      ['vessel_calibre', 'pulmonary_artery', null, [34]],
      ['vessel_calibre', 'pulmonary_branches', 'bilateral', [24]],
    ]);
    expect(matchClaim(cs[1]!, CONTRAST).verdict).toBe('unverifiable');
  });

  it('a stone size is the stone\'s, not the kidney\'s length; -950 HU is a threshold, not the lungs\' attenuation', () => {
    expect(parseClaims('An 8 mm stone (peak 825 HU) is seen in the left kidney.').map((c) => c.kind)).toEqual(['kidney_stone']);
    const e = parseClaims('Low-attenuation area below -950 HU of 12 % of the lungs, consistent with emphysema.');
    expect(e.map((c) => [c.kind, c.numbers.map((n) => [n.kind, n.value])])).toEqual([['emphysema', [['percent', 12]]]]);
  });

  it('levels, ranges, grades and denials', () => {
    const heights = parseClaims('Vertebral body heights are preserved at T11 to L2 (no loss of 20 % or more).').find((c) => c.kind === 'vertebral_fracture');
    expect([heights!.kind, heights!.negated, heights!.routine?.levels]).toEqual(['vertebral_fracture', true, ['T11', 'T12', 'L1', 'L2']]);
    const [g] = parseClaims('Mild vertebral fracture, Genant grade 1, at T12.');
    expect([g!.negated, g!.routine?.levels, g!.routine?.severity]).toEqual([false, ['T12'], 'mild']);
    expect(parseClaims('Osteoporosis is unlikely.')[0]!.negated).toBe(true);
    expect(parseClaims('Displaced fracture lines in the right 1st, 2nd and 3rd ribs.').some((c) => c.kind === 'vertebral_fracture')).toBe(false);
    expect(parseClaims('Subcutaneous emphysema in the chest wall.').some((c) => c.kind === 'emphysema')).toBe(false);
    expect(parseClaims('Multiple gallstones.').some((c) => c.kind === 'kidney_stone')).toBe(false);
    expect(parseClaims('Arterial phase hyperenhancement in segment 8.').some((c) => c.kind === 'contrast_phase')).toBe(false);
  });
});

describe('routine claims: matching', () => {
  it.each([
    ['The abdominal aorta measures 3.4 cm.', ['vessel_calibre:supported']],
    ['Infrarenal abdominal aortic aneurysm measuring 3.4 cm in maximal diameter.', ['vessel_calibre:supported']],
    ['Infrarenal abdominal aortic aneurysm of 4.5 cm.', ['vessel_calibre:contradicted:number_off']],
    ['Infrarenal abdominal aortic aneurysm of 3.4 mm.', ['vessel_calibre:contradicted:wrong_unit']],
    ['No abdominal aortic aneurysm.', ['vessel_calibre:contradicted:negated_present']],
    ['The thoracic aorta is not dilated.', ['vessel_calibre:supported']],
    ['The ascending aorta is dilated at 4.3 cm.', ['vessel_calibre:contradicted:present_absent']],
    ['The main pulmonary artery is enlarged, 3.2 cm.', ['vessel_calibre:supported']],
    ['Moderate emphysema.', ['emphysema:supported']],
    ['Severe emphysema.', ['emphysema:contradicted:wrong_severity']],
    ['No emphysema.', ['emphysema:contradicted:negated_present']],
    ['Emphysema: 18 % of the lungs at or below -950 HU.', ['emphysema:supported']],
    ['L1 compression fracture.', ['vertebral_fracture:supported']],
    ['Moderate wedge compression fracture of L1 with 30 % anterior height loss.', ['vertebral_fracture:supported']],
    ['Severe L1 compression fracture.', ['vertebral_fracture:contradicted:wrong_severity']],
    ['L2 compression fracture.', ['vertebral_fracture:contradicted:wrong_segment']],
    ['Vertebral body heights are preserved.', ['vertebral_fracture:contradicted:negated_present']],
    ['Vertebral body heights are preserved at T11 and T12.', ['vertebral_fracture:supported']],
    ['L1 trabecular attenuation of 95 HU suggests osteoporosis.', ['bone_density:supported']],
    ['Osteoporosis is unlikely.', ['bone_density:contradicted:negated_present']],
    ['Portal venous phase.', ['contrast_phase:supported']],
    ['Arterial phase.', ['contrast_phase:contradicted:wrong_phase']],
    ['No contrast material was given.', ['contrast_phase:contradicted:wrong_phase']],
    ['Left renal stone, 8 mm.', ['kidney_stone:supported']],
    ['Right renal stone, 8 mm.', ['kidney_stone:contradicted:wrong_side']],
    ['No renal calculi.', ['kidney_stone:contradicted:negated_present']],
    ['Stanford type B aortic dissection.', ['dissection:supported']],
    ['Stanford type A aortic dissection.', ['dissection:contradicted:wrong_type']],
    ['No aortic dissection.', ['dissection:contradicted:negated_present']],
  ])('%s', (s, expected) => {
    expect(verdicts(s)).toEqual(expected);
  });

  it.each([
    ['Moderate coronary artery calcification, Agatston score 245.', ['calcification:supported']],
    ['Mild coronary artery calcification.', ['calcification:contradicted:wrong_severity']],
    ['No coronary artery calcification.', ['calcification:contradicted:negated_present']],
    ['No aortic wall calcification is seen.', ['calcification:supported']],
    ['On this non-contrast CT, no renal stone.', ['kidney_stone:unverifiable']],
    ['Non-contrast phase only.', ['contrast_phase:supported']],
    // Mild emphysema that a reader sees may lie below the density threshold: not contradicted.
    ['There are mild emphysematous changes in both lungs.', ['emphysema:unverifiable']],
    ['Moderate emphysema.', ['emphysema:contradicted:present_absent']],
  ])('native scan: %s', (s, expected) => {
    expect(verdicts(s, NATIVE)).toEqual(expected);
  });

  it('without the routine findings the claims are unverifiable, never contradicted', () => {
    for (const s of ['The abdominal aorta measures 3.4 cm.', 'Moderate emphysema.', 'L1 compression fracture.', 'Arterial phase.', 'Left renal stone, 8 mm.', 'Stanford type B aortic dissection.'])
      expect(verdicts(s, []).every((v) => v.endsWith(':unverifiable')), s).toBe(true);
  });
});
