import { describe, expect, it } from 'vitest';
import type { Finding } from '../findings/index.ts';
import { matchClaim } from './match-claim.ts';
import { parseClaims } from './parse-claims.ts';

/**
 * Change and response claims: read from sentences written in several styles, and checked against a
 * follow-up study's change findings (hand-made below, values chosen so that each verdict is known).
 */

const f = (x: Partial<Finding> & Pick<Finding, 'id' | 'type' | 'statement'>): Finding => ({
  subject: { structure: 'body', displayName: 'x', organ: null },
  status: 'abnormal',
  significance: 2,
  values: {},
  attributes: {},
  caveats: [],
  evidence: [],
  criteria: ['groundct-lesion-matching'],
  ...x,
});

const findings: Finding[] = [
  f({ id: 'followup.comparison', type: 'comparison', statement: 'compared with prior', attributes: { priorDate: '2026-03-02' } }),
  f({ id: 'liver_lesion-1', type: 'lesion', statement: 'lesion', subject: { structure: 'liver_lesion', displayName: 'hepatic lesion', organ: 'liver', lesionId: 'liver_lesion-1' }, values: { longAxisMm: 26.2, shortAxisMm: 20, volumeMl: 9.1 }, attributes: { segments: ['liver_segment_7'] } }),
  f({ id: 'liver_lesion-2', type: 'lesion', statement: 'lesion', subject: { structure: 'liver_lesion', displayName: 'hepatic lesion', organ: 'liver', lesionId: 'liver_lesion-2' }, values: { longAxisMm: 8.1, shortAxisMm: 7, volumeMl: 0.2 }, attributes: { segments: ['liver_segment_4'] } }),
  f({
    id: 'change.liver_lesion-1', type: 'lesion_change', statement: 'grown',
    subject: { structure: 'liver_lesion', displayName: 'hepatic lesion', organ: 'liver', lesionId: 'liver_lesion-1' },
    values: { priorLongAxisMm: 19.8, longAxisMm: 26.2, longAxisChangePercent: 32.3, priorVolumeMl: 4.2, volumeMl: 9.1 },
    attributes: { segments: ['liver_segment_7'], currentFindingIds: ['liver_lesion-1'], priorFindingIds: ['prior-1:liver_lesion-1'] },
  }),
  f({
    id: 'change.new.liver_lesion-2', type: 'lesion_change', statement: 'new', significance: 3,
    subject: { structure: 'liver_lesion', displayName: 'hepatic lesion', organ: 'liver', lesionId: 'liver_lesion-2' },
    values: { longAxisMm: 8.1, volumeMl: 0.2 }, attributes: { segments: ['liver_segment_4'], currentFindingIds: ['liver_lesion-2'], priorFindingIds: [] },
  }),
  f({
    id: 'change.pancreas_lesion-1', type: 'lesion_change', statement: 'shrunk',
    subject: { structure: 'pancreas_lesion', displayName: 'pancreatic lesion', organ: 'pancreas', lesionId: 'pancreas_lesion-1' },
    values: { priorLongAxisMm: 31.2, longAxisMm: 21.8, longAxisChangePercent: -30.1, priorVolumeMl: 12, volumeMl: 4.4 },
    attributes: { segments: ['pancreas_head'], currentFindingIds: ['pancreas_lesion-1'], priorFindingIds: ['prior-1:pancreas_lesion-1'] },
  }),
  f({ id: 'pancreas_lesion-1', type: 'lesion', statement: 'lesion', subject: { structure: 'pancreas_lesion', displayName: 'pancreatic lesion', organ: 'pancreas', lesionId: 'pancreas_lesion-1' }, values: { longAxisMm: 21.8, shortAxisMm: 15, volumeMl: 4.4 }, attributes: { segments: ['pancreas_head'] } }),
  f({
    id: 'change.kidney_cyst_left-1', type: 'lesion_change', statement: 'stable',
    subject: { structure: 'kidney_cyst_left', displayName: 'left renal cyst', organ: 'kidney_left', lesionId: 'kidney_cyst_left-1', side: 'left' },
    values: { priorLongAxisMm: 20, longAxisMm: 20.4, longAxisChangePercent: 2 }, attributes: { segments: [], lesionType: 'cyst', currentFindingIds: [], priorFindingIds: [] },
  }),
  f({ id: 'change.gone.spleen_lesion-1', type: 'lesion_change', statement: 'disappeared', status: 'normal', subject: { structure: 'spleen_lesion', displayName: 'splenic lesion', organ: 'spleen', lesionId: 'prior-1:spleen_lesion-1' }, values: { priorLongAxisMm: 16, priorVolumeMl: 1.8 }, attributes: { segments: [] } }),
  f({ id: 'change.organ.spleen', type: 'organ_change', statement: 'increased', subject: { structure: 'spleen', displayName: 'spleen', organ: 'spleen' }, values: { priorVolumeMl: 220, volumeMl: 350, volumeChangePercent: 59.1 } }),
  f({ id: 'followup.recist', type: 'response', statement: 'PR', values: { currentSumMm: 48, baselineSumMm: 70, nadirSumMm: 70 } }),
];

const verdicts = (sentence: string, fs: readonly Finding[] = findings) =>
  parseClaims(sentence)
    .filter((c) => c.kind === 'change' || c.kind === 'response' || c.kind === 'comparison')
    .map((c) => {
      const m = matchClaim(c, fs);
      return `${c.kind}${c.change ? `:${c.negated ? 'no ' : ''}${c.change}` : ''}${c.response ? `:${c.response}` : ''} ${m.verdict}${m.errorType ? ` ${m.errorType}` : ''}`;
    });

describe('change claims: read and checked', () => {
  it('"has grown", with or without numbers, in several phrasings', () => {
    expect(verdicts('The segment 7 liver lesion has grown from 2.0 to 2.6 cm.')).toEqual(['change:grown supported']);
    expect(verdicts('Interval increase in size of the segment VII hepatic lesion, now 2.6 cm (previously 2.0 cm).')).toEqual(['change:grown supported']);
    expect(verdicts('The liver lesion has grown by 32 %.')).toEqual(['change:grown supported']);
    // The prior number is not read as today's: the lesion claim of the clause keeps 2.6 cm only.
    const lesion = parseClaims('The segment 7 liver lesion has grown from 20 mm to 26 mm.').find((c) => c.kind === 'lesion')!;
    expect(lesion.numbers.map((n) => n.value)).toEqual([26]);
  });

  it('"decreased from 3.1 to 2.2 cm", "stable", "new", "no longer seen"', () => {
    expect(verdicts('The pancreatic lesion decreased from 3.1 to 2.2 cm.')).toEqual(['change:shrunk supported']);
    expect(verdicts('Unchanged left renal cyst.')).toEqual(['change:stable supported']);
    expect(verdicts('New 8 mm lesion in segment 4 of the liver.')).toEqual(['change:new supported']);
    expect(verdicts('The splenic lesion seen on the prior study is no longer seen.')).toEqual(['comparison supported', 'change:disappeared supported']);
    expect(verdicts('The spleen volume has increased from 220 to 350 mL.')).toEqual(['change:grown supported']);
  });

  it('finds what is wrong: direction, numbers, a lesion called new, a new lesion denied, another response', () => {
    expect(verdicts('The pancreatic lesion has grown.')).toEqual(['change:grown contradicted wrong_change']);
    expect(verdicts('The pancreatic lesion decreased from 3.1 to 1.2 cm.')).toEqual(['change:shrunk contradicted number_off']);
    expect(verdicts('New lesion in the pancreatic head.')).toEqual(['change:new contradicted wrong_change']);
    expect(verdicts('No new lesions.')).toEqual(['change:no new contradicted negated_present']);
    expect(verdicts('No new pancreatic lesion.')).toEqual(['change:no new supported']);
    expect(verdicts('Progressive disease by RECIST 1.1.')).toEqual(['response:PD contradicted wrong_response']);
    expect(verdicts('Findings consistent with partial response.')).toEqual(['response:PR supported']);
    expect(verdicts('RECIST 1.1: sum of target diameters 48.0 mm (baseline 70.0 mm).')).toEqual(['response supported']);
    expect(verdicts('RECIST 1.1: sum of target diameters 58.0 mm (baseline 70.0 mm).')).toEqual(['response contradicted number_off']);
    expect(verdicts('Compared with the CT of 02.03.2026.')).toEqual(['comparison supported']);
    expect(verdicts('Compared with the CT of 2025-11-10.')).toEqual(['comparison contradicted wrong_change']);
  });

  it('without a prior study in the reference, change claims are unverifiable and the one-study claims still count', () => {
    const single = findings.filter((x) => x.type === 'lesion');
    expect(verdicts('The liver lesion in segment 7 has grown from 2.0 to 2.6 cm.', single)).toEqual(['change:grown unverifiable']);
    const lesion = parseClaims('The liver lesion in segment 7 has grown from 2.0 to 2.6 cm.').find((c) => c.kind === 'lesion')!;
    expect(matchClaim(lesion, single).verdict).toBe('supported');
  });

  it('one-study wording is not read as change', () => {
    for (const s of ['The spleen is enlarged (346 mL).', 'Decreased attenuation of the liver, consistent with steatosis.', 'Increased density in both lower lobes.', 'No enlarged lymph nodes.', 'Comparison: none.'])
      expect(parseClaims(s).filter((c) => c.kind === 'change' || c.kind === 'comparison'), s).toEqual([]);
  });
});
