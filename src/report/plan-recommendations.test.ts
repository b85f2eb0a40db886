import { beforeAll, describe, expect, it } from 'vitest';
import { deriveFindings } from '../findings/index.ts';
import { lesion, measurements, normalAbdomen, structure, type LesionOptions } from '../findings/test-fixtures.ts';
import { loadKnowledgeBase, thresholdValue, type KnowledgeBase } from '../knowledge/index.ts';
import type { Measurements } from '../measure/measurements.ts';
import { buildReport } from './build-report.ts';
import type { Finding } from '../findings/index.ts';
import { ageInYears, SVS_AAA_SURVEILLANCE } from './plan-recommendations.ts';
import { renderMarkdown } from './render-markdown.ts';
import { ReportSchema, type Report } from './schema.ts';
import { loadTemplates, type LoadedTemplates } from './templates.ts';

let kb: KnowledgeBase;
let templates: LoadedTemplates;
beforeAll(async () => {
  [kb, templates] = await Promise.all([loadKnowledgeBase(), loadTemplates()]);
});

function report(m: Measurements, withKb = true): Report {
  const r = buildReport(m, deriveFindings(m, kb), { templates, ...(withKb ? { kb } : {}) });
  expect(ReportSchema.parse(r)).toEqual(r);
  return r;
}
const suggestions = (r: Report) => r.sentences.filter((s) => s.kind === 'suggestion');

const LUNG = { labelName: 'lung_nodule', lesionClass: 'lung_nodule', organ: 'lung_upper_lobe_right', volumeMl: 0.2, huMean: 20 } as const;
const lungs = () => ['lung_upper_lobe_right', 'lung_upper_lobe_left', 'lung_lower_lobe_right', 'lung_lower_lobe_left', 'lung_middle_lobe_right'].map((n) => structure(n, { volumeMl: 900, huMean: -850 }));
function nodules(...sizes: readonly (readonly [number, number])[]): Measurements {
  return measurements({
    structures: lungs(),
    lesions: sizes.map(([longAxisMm, shortAxisMm], i) => lesion({ ...LUNG, labelId: 90, n: i + 1, longAxisMm, shortAxisMm } as LesionOptions)),
  });
}
const ADRENAL = { labelId: 70, labelName: 'adrenal_lesion_left', lesionClass: 'adrenal_lesion_left', organ: 'adrenal_gland_left', side: 'left', volumeMl: 3 } as const;
function adrenal(longAxisMm: number, huMean: number, phase: Measurements['study']['phase']): Measurements {
  return measurements({
    phase,
    structures: [...normalAbdomen(), structure('adrenal_gland_left', { volumeMl: 6, huMean: 30 })],
    lesions: [lesion({ ...ADRENAL, longAxisMm, shortAxisMm: longAxisMm * 0.8, huMean } as LesionOptions)],
  });
}

describe('recommendations: Fleischner 2017 solid nodules', () => {
  it('reads its size bands from the cited passages', () => {
    expect(thresholdValue(kb, 'fleischner2017-solid-nodule', 'noRoutineFollowUpBelowMm')).toBe(6);
    expect(thresholdValue(kb, 'fleischner2017-solid-nodule', 'largeNoduleAboveMm')).toBe(8);
  });

  it('a single 7 x 6 mm nodule (mean 6.5 -> 7 mm): CT at 6-12 months, both risk options, cited and grounded', () => {
    const r = report(nodules([7, 6]));
    const [s] = suggestions(r);
    expect(suggestions(r)).toHaveLength(1);
    expect(s.text).toBe(
      'Suggestion for the radiologist (Fleischner Society 2017, incidental solid pulmonary nodules): for a single solid nodule, 7 mm in mean diameter, CT at 6 to 12 months is advised, then CT at 18 to 24 months (to be considered if the patient is at low risk, advised if at high risk); this assumes a solid nodule found incidentally in an adult of 35 years or older without known cancer or immunosuppression, outside lung cancer screening.',
    );
    expect(s.section).toBe('impression');
    expect(s.group).toBe('recommendations');
    expect(s.findingIds).toEqual(['lung_nodule-1']);
    expect(s.passageIds).toEqual(['fleischner2017-solid-nodule', 'fleischner2017-scope-and-risk', 'fleischner2017-nodule-measurement']);
    expect(s.assumptions?.join(' ')).toMatch(/risk \(low or high\) is not known/);
    expect(renderMarkdown(r)).toContain('## RECOMMENDATIONS (suggestions for the radiologist, from the cited guidelines)');
  });

  it('bands at the thresholds: mean 5.4 -> 5 mm no routine follow-up; 8 x 8 -> 8 mm still 6-8 mm; 9 x 8 -> 9 mm (above 8) CT at 3 months / PET / sampling', () => {
    expect(suggestions(report(nodules([6, 4.8])))[0].text).toMatch(/5 mm in mean diameter, no routine follow-up is needed if the patient is at low risk, and CT at 12 months is optional if at high risk/);
    expect(suggestions(report(nodules([8, 8])))[0].text).toMatch(/8 mm in mean diameter, CT at 6 to 12 months/);
    expect(suggestions(report(nodules([9, 8])))[0].text).toMatch(/9 mm in mean diameter, CT at about 3 months, PET\/CT or tissue sampling should be considered/);
  });

  it('several nodules: the multiple-nodule table, driven by the largest', () => {
    const r = report(nodules([5, 4], [7, 7], [4, 3]));
    const [s] = suggestions(r);
    expect(s.text).toMatch(/for the largest of three solid nodules, 7 mm in mean diameter, CT at 3 to 6 months is advised/);
    expect(s.findingIds).toEqual(['lung_nodule-2']);
    expect(s.passageIds?.[0]).toBe('fleischner2017-multiple-solid-nodules');
  });

  it('a nodule the detector classed part-solid or ground-glass is left out of the solid-nodule rule; a solid one counts', () => {
    const m = nodules([12, 10], [7, 6]);
    const withComposition = (c: string[]) => ({ ...m, lesions: m.lesions.map((l, i) => ({ ...l, detection: { by: 'built-in detector', method: 'builtin', confidence: 0.8, composition: c[i] as 'solid' | 'part-solid' | 'ground-glass' } })) }) as Measurements;
    const [s] = suggestions(report(withComposition(['part-solid', 'solid'])));
    expect(s.text).toMatch(/for a single solid nodule, 7 mm in mean diameter/);
    expect(s.findingIds).toEqual(['lung_nodule-2']);
    expect(s.assumptions?.join(' ')).toMatch(/classed from its attenuation/);
    expect(suggestions(report(withComposition(['ground-glass', 'part-solid'])))).toEqual([]);
  });

  it('no suggestion for a patient known to be under 35, nor for a lung mass above 3 cm', () => {
    expect(suggestions(report({ ...nodules([7, 6]), study: { ...nodules([7, 6]).study, patientAge: '030Y' } }))).toEqual([]);
    expect(suggestions(report(nodules([42, 35])))).toEqual([]);
    expect(ageInYears('045Y')).toBe(45);
    expect(ageInYears('018M')).toBeUndefined();
  });

  it('no suggestions without the knowledge base (callers that only word findings)', () => {
    expect(suggestions(report(nodules([7, 6]), false))).toEqual([]);
  });
});

describe('recommendations: ACR 2017 incidental adrenal mass', () => {
  it('unenhanced 2.2 cm at 6 HU: lipid-rich adenoma, no further imaging', () => {
    const [s] = suggestions(report(adrenal(22, 6, 'non-contrast')));
    expect(s.text).toMatch(/for the left adrenal lesion of 2\.2 cm, its mean attenuation of 6 HU on unenhanced CT \(at most 10 HU\) indicates a lipid-rich adenoma that needs no further imaging/);
    expect(s.passageIds).toEqual(['acr2017-adrenal-mass-management', 'adrenal-adenoma']);
    expect(s.findingIds).toEqual(['adrenal_lesion_left-1']);
  });

  it('contrast-enhanced 2.2 cm at 6 HU: the HU rule is not applied; characterise, and the assumption says why', () => {
    const [s] = suggestions(report(adrenal(22, 6, 'portal-venous')));
    expect(s.text).toMatch(/characterisation with adrenal-protocol CT \(washout\) or chemical-shift MRI is advised, together with biochemical testing/);
    expect(s.assumptions?.join(' ')).toMatch(/10 HU criterion needs unenhanced CT/);
  });

  it('1.5 cm indeterminate: the 12-month option; 4.5 cm: resection considered; 0.8 cm: not pursued', () => {
    expect(suggestions(report(adrenal(15, 30, 'non-contrast')))[0].text).toMatch(/or, for masses of up to 2 cm, CT again in 12 months/);
    expect(suggestions(report(adrenal(45, 30, 'non-contrast')))[0].text).toMatch(/resection should be considered unless imaging shows benign features \(the white paper's advice for masses above 4 cm\), together with biochemical/);
    expect(suggestions(report(adrenal(8, 30, 'non-contrast')))[0].text).toMatch(/no further work-up is advised, as adrenal nodules under 1 cm are not pursued;/);
  });
});

describe('recommendations: SVS 2018 abdominal aortic aneurysm', () => {
  /** A calibre finding of an abdominal aortic section, as vessel-rules.ts makes it (only the fields the rule reads). */
  const calibre = (maxDiameterMm: number, statement: string, section = 'infrarenal_abdominal_aorta', complete = true) =>
    ({ id: `aorta.${section}.calibre`, type: 'vessel_calibre', statement, subject: { structure: 'aorta', organ: 'aorta', displayName: section }, values: { maxDiameterMm }, attributes: { region: 'abdominal', section, complete } }) as unknown as Finding;
  const plan = (findings: Finding[], patientSex?: 'M' | 'F') => SVS_AAA_SURVEILLANCE.plan({ kb, findings, phase: 'portal-venous', ...(patientSex ? { patientSex } : {}) });

  it('bands at the guideline limits, with the diameter rounded to tenths of a cm first', () => {
    const band = (mm: number, statement = 'aneurysmal') => plan([calibre(mm, statement)])[0]?.context.band;
    expect(band(26, 'ectatic')).toBe('ectatic');
    expect(band(29.4, 'ectatic')).toBe('ectatic');
    expect(band(30)).toBe('small');
    expect(band(39.4)).toBe('small');
    expect(band(39.6)).toBe('medium');
    expect(band(49)).toBe('medium');
    expect(band(50)).toBe('large');
    expect(band(54.9)).toBe('repair');
    expect(band(60)).toBe('repair');
  });

  it('normal calibre and thoracic sections give none; the widest abdominal section decides', () => {
    expect(plan([calibre(22, 'normal calibre')])).toEqual([]);
    const thoracic = { ...calibre(45, 'dilated', 'ascending_aorta'), attributes: { region: 'ascending', section: 'ascending_aorta', complete: true } } as unknown as Finding;
    expect(plan([thoracic])).toEqual([]);
    const [s] = plan([calibre(31, 'aneurysmal', 'suprarenal_abdominal_aorta'), calibre(43, 'aneurysmal')]);
    expect(s.findingIds).toEqual(['aorta.infrarenal_abdominal_aorta.calibre']);
    expect(s.context.size).toBe('4.3 cm');
    expect(s.passageIds).toEqual(['svs2018-aaa-surveillance-and-repair', 'esc2014-aortic-diameter-measurement']);
  });

  it('a section cut by the scan border adds a caveat; sex decides the wording of repair at 5.0-5.4 cm', () => {
    expect(plan([calibre(35, 'aneurysmal', 'infrarenal_abdominal_aorta', false)])[0].assumptions!.join(' ')).toMatch(/runs beyond the scan/);
    expect(plan([calibre(52, 'aneurysmal')], 'F')[0].context.female).toBe(true);
    expect(plan([calibre(52, 'aneurysmal')], 'M')[0].context.female).toBe(false);
    expect(plan([calibre(52, 'aneurysmal')])[0].context.female).toBeNull();
  });
});
