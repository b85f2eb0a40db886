import { beforeAll, describe, expect, it } from 'vitest';
import { deriveFindings } from '../findings/index.ts';
import { emptyStructure, lesion, measurements, normalAbdomen, structure, type LesionOptions } from '../findings/test-fixtures.ts';
import { loadKnowledgeBase, type KnowledgeBase } from '../knowledge/index.ts';
import type { Measurements } from '../measure/measurements.ts';
import { assertGrounded, buildReport } from './build-report.ts';
import { renderMarkdown } from './render-markdown.ts';
import { ReportSchema, type Report } from './schema.ts';
import { loadTemplates, type LoadedTemplates } from './templates.ts';

let kb: KnowledgeBase;
let templates: LoadedTemplates;
beforeAll(async () => {
  [kb, templates] = await Promise.all([loadKnowledgeBase(), loadTemplates()]);
});

function report(m: Measurements): Report {
  const r = buildReport(m, deriveFindings(m, kb), { templates });
  // Every report is valid against its schema and fully grounded.
  expect(ReportSchema.parse(r)).toEqual(r);
  const ids = new Set(r.findings.map((f) => f.id));
  for (const s of r.sentences) {
    expect(s.findingIds.length).toBeGreaterThan(0);
    for (const id of s.findingIds) expect(ids.has(id)).toBe(true);
  }
  return r;
}

const texts = (r: Report, section?: 'findings' | 'impression') => r.sentences.filter((s) => section === undefined || s.section === section).map((s) => s.text);
const sentenceOf = (r: Report, findingId: string, section: 'findings' | 'impression' = 'findings') => {
  const s = r.sentences.find((x) => x.section === section && x.findingIds.includes(findingId));
  if (s === undefined) throw new Error(`no ${section} sentence for ${findingId}: ${texts(r).join(' | ')}`);
  return s;
};

const LIVER = { labelId: 60, labelName: 'liver_lesion', lesionClass: 'liver_lesion', organ: 'liver' } as const;
const PANCREAS = { labelId: 20, labelName: 'pancreas_lesion', lesionClass: 'pancreas_lesion', organ: 'pancreas' } as const;
function liverLesions(n: number, extra: Partial<LesionOptions> = {}) {
  return Array.from({ length: n }, (_, i) =>
    lesion({ ...LIVER, n: i + 1, segments: ['liver_segment_7'], longAxisMm: 21.3 - i, shortAxisMm: 14.2 - i / 2, volumeMl: 2.3 - i * 0.2, huMean: 35, attenuation: 'hypo', ...extra }),
  );
}

describe('buildReport: organ sentences', () => {
  it('spleen 320 mL: an enlarged-spleen sentence and the first IMPRESSION item, citing spleen.size', () => {
    const r = report(measurements({ structures: normalAbdomen({ spleen: { volumeMl: 320 } }) }));
    expect(sentenceOf(r, 'spleen.size').text).toBe('The spleen is enlarged (volume 320 mL, above 314.5 mL).');
    expect(sentenceOf(r, 'spleen.size', 'impression').text).toBe('Enlarged spleen (volume 320 mL).');
    expect(texts(r, 'impression')[0]).toBe('Enlarged spleen (volume 320 mL).');
    expect(texts(r, 'impression').join(' ')).not.toMatch(/No abnormality of the liver, spleen/);
  });

  it('431 mL: massively enlarged', () => {
    const r = report(measurements({ structures: normalAbdomen({ spleen: { volumeMl: 431 } }) }));
    expect(sentenceOf(r, 'spleen.size').text).toBe('The spleen is massively enlarged (volume 431 mL, above 430.8 mL).');
    expect(texts(r, 'impression')[0]).toBe('Massively enlarged spleen (volume 431 mL).');
  });

  it('a spleen touching the border is called partially imaged, with no size sentence', () => {
    const r = report(measurements({ structures: normalAbdomen({ spleen: { volumeMl: 500, touches: ['superior', 'left'] } }) }));
    expect(sentenceOf(r, 'spleen.partial').text).toBe('The spleen is only partially imaged (it reaches the superior and left edges of the scan), so its volume and size are not assessed.');
    expect(sentenceOf(r, 'spleen.partial').group).toBe('study');
    // What is still assessed on the imaged part: its attenuation.
    const spleen = r.sentences.filter((s) => s.group === 'spleen').map((s) => s.text);
    expect(spleen).toEqual([`In its imaged part, the spleen has a mean attenuation of ${Math.round(r.findings.find((f) => f.id === 'spleen.partial')!.values.huMean)} HU.`]);
    expect(texts(r).join(' ')).not.toMatch(/\b500 mL|spleen is (normal|enlarged)/);
    expect(sentenceOf(r, 'spleen.partial', 'impression').text).toBe('Not fully assessed: the spleen (partially imaged).');
    // The structure table still has the measured (partial) volume, marked incomplete.
    expect(r.structures.find((s) => s.name === 'spleen')).toMatchObject({ volumeMl: 500, complete: false, touchesBorder: ['superior', 'left'] });
  });

  it('several partially imaged organs share one sentence, grouped by the edges they reach, its findings the union', () => {
    const r = report(measurements({
      structures: normalAbdomen({ spleen: { touches: ['superior'] }, liver: { touches: ['superior'] }, kidney_left: { touches: ['inferior'] } }),
    }));
    const s = sentenceOf(r, 'liver.partial');
    expect(s.text).toBe('Only partially imaged, so their volume and size are not assessed: the liver and spleen (reaching the superior edge); the left kidney (reaching the inferior edge).');
    expect(s.findingIds).toEqual(['liver.partial', 'spleen.partial', 'kidney_left.partial']);
    expect(r.sentences.filter((x) => x.section === 'findings' && /only partially imaged/i.test(x.text))).toHaveLength(1);
  });

  it('non-contrast liver of 35 HU is fatty', () => {
    const r = report(measurements({ phase: 'non-contrast', structures: normalAbdomen({ liver: { huMean: 35.4 } }) }));
    expect(sentenceOf(r, 'liver.steatosis').text).toBe('The liver is fatty, with a mean attenuation of 35 HU on non-contrast CT (40 HU or less).');
    expect(sentenceOf(r, 'liver.steatosis', 'impression').text).toBe('Fatty liver (mean attenuation 35 HU on non-contrast CT).');
  });

  it('unknown phase: no steatosis claim, a sentence saying it was not assessed', () => {
    const r = report(measurements({ phase: 'unknown', structures: normalAbdomen({ liver: { huMean: 20 } }) }));
    expect(r.findings.some((f) => f.type === 'steatosis')).toBe(false);
    expect(sentenceOf(r, 'study.phase_unknown').text).toBe('The contrast phase is unknown, so fatty liver and fatty pancreas were not assessed.');
    expect(sentenceOf(r, 'study.phase_unknown', 'impression').text).toBe('Contrast phase unknown: fatty liver and fatty pancreas not assessed.');
    expect(texts(r).filter((t) => /fatty|steatosis/i.test(t)).length).toBe(2);
  });

  it('organs not in the scan are not described as normal, and the five-organ negative is not written', () => {
    const r = report(measurements({ structures: [...normalAbdomen().filter((s) => s.name !== 'kidney_left'), emptyStructure('kidney_left', 3)] }));
    expect(texts(r).filter((t) => /left kidney/.test(t))).toEqual([
      'Not in the scanned field (labelled, but without any voxel): left kidney.',
      'Not fully assessed: the left kidney (not imaged).',
    ]);
    expect(texts(r, 'impression')).toContain('No abnormality of the liver, spleen, pancreas and right kidney by the assessed criteria; the other organs were not all wholly imaged and assessed.');
  });

  it('all five solid organs wholly imaged and normal: the five-organ negative', () => {
    const r = report(measurements({ structures: normalAbdomen() }));
    expect(texts(r, 'impression')).toEqual(['No abnormality of the liver, spleen, pancreas, right kidney and left kidney by the assessed criteria.']);
    expect(r.sentences.find((s) => s.section === 'impression')!.findingIds.sort()).toEqual(
      ['kidney_left.normal', 'kidney_right.normal', 'liver.normal', 'pancreas.normal', 'spleen.normal'],
    );
  });
});

describe('buildReport: lesions, stage and wording', () => {
  it('pancreatic mass 2.8 cm with 200 deg SMA contact: T4, cited by lesion, contact and stage', () => {
    const r = report(measurements({
      structures: normalAbdomen(),
      lesions: [lesion({ ...PANCREAS, segments: ['pancreas_head'], longAxisMm: 28, shortAxisMm: 20, volumeMl: 6, huMean: 30, parenchymaHuMean: 45, attenuation: 'hypo',
        contacts: [{ vessel: 'superior_mesenteric_artery', contactAngleDeg: 200 }] })],
    }));
    expect(sentenceOf(r, 'pancreas_lesion-1').text).toBe(
      'A 2.8 x 2.0 cm hypoattenuating lesion in the pancreatic head (volume 6.0 mL, mean 30 HU versus 45 HU in the pancreas on the non-contrast phase), encasing the superior mesenteric artery (200 degrees of contact).',
    );
    expect(sentenceOf(r, 'pancreas_lesion-1.stage').text).toBe('It corresponds to imaging T category T4 (AJCC 8th edition) by encasement of the superior mesenteric artery.');
    const first = r.sentences.find((s) => s.section === 'impression')!;
    expect(first.text).toBe('A 2.8 x 2.0 cm hypoattenuating lesion in the pancreatic head, encasing the superior mesenteric artery (200 degrees of contact); imaging T category T4 (AJCC 8th edition).');
    expect(first.findingIds).toEqual(['pancreas_lesion-1', 'pancreas_lesion-1.contact.superior_mesenteric_artery', 'pancreas_lesion-1.stage']);
  });

  it('1.8 cm pancreatic lesion without contact: T1c', () => {
    const r = report(measurements({ structures: normalAbdomen(), lesions: [lesion({ ...PANCREAS, longAxisMm: 18, shortAxisMm: 12, volumeMl: 1.5, huMean: 30 })] }));
    expect(sentenceOf(r, 'pancreas_lesion-1.stage').text).toBe('By its size it corresponds to imaging T category T1c (AJCC 8th edition); arterial contact was not fully assessed.');
  });

  it('sizes "2.1 x 1.4 cm", Couinaud segments, singular and plural, "multiple" past three', () => {
    const one = report(measurements({ structures: normalAbdomen(), lesions: liverLesions(1) }));
    expect(sentenceOf(one, 'liver.lesions').text).toBe('One lesion is segmented in the liver.');
    expect(sentenceOf(one, 'liver_lesion-1').text).toMatch(/^A 2\.1 x 1\.4 cm hypoattenuating lesion in Couinaud segment 7 \(volume 2\.3 mL, mean 35 HU/);

    const two = report(measurements({ structures: normalAbdomen(), lesions: liverLesions(2) }));
    expect(sentenceOf(two, 'liver.lesions').text).toBe('Two lesions are segmented in the liver.');
    expect(sentenceOf(two, 'liver.lesions', 'impression').text).toBe('Two lesions in the liver, the largest 2.1 x 1.4 cm in Couinaud segment 7.');

    const seven = report(measurements({ structures: normalAbdomen(), lesions: liverLesions(7) }));
    expect(sentenceOf(seven, 'liver.lesions').text).toBe('Multiple lesions (7) are segmented in the liver.');
    expect(sentenceOf(seven, 'liver_lesion-6').text).toBe('Two further lesions measure up to 1.6 x 1.2 cm.');
    expect(sentenceOf(seven, 'liver_lesion-6').findingIds).toEqual(['liver_lesion-6', 'liver_lesion-7']);
    expect(sentenceOf(seven, 'liver.lesions', 'impression').text).toBe('Multiple (7) lesions in the liver, the largest 2.1 x 1.4 cm in Couinaud segment 7.');
  });

  it('two segments, "an" before 8, and a lesion outside the organs with its side', () => {
    const r = report(measurements({
      lesions: [
        lesion({ ...LIVER, segments: ['liver_segment_8', 'liver_segment_7'], longAxisMm: 81, shortAxisMm: 42, volumeMl: 53.2, huMean: 40.6 }),
        lesion({ labelId: 1, labelName: 'tumour', lesionClass: 'lesion', lesionType: 'tumour', organ: null, side: 'left', longAxisMm: 61, shortAxisMm: 44, volumeMl: 53.2, huMean: 40 }),
      ],
    }));
    expect(sentenceOf(r, 'liver_lesion-1').text).toMatch(/^An 8\.1 x 4\.2 cm lesion in Couinaud segments 7 and 8 \(volume 53 mL, mean 41 HU\)\.$/);
    expect(sentenceOf(r, 'tumour-1').text).toBe('A 6.1 x 4.4 cm tumour on the left side, outside the segmented organs (volume 53 mL, mean 40 HU).');
  });

  it('a left renal lesion is staged by size with its caveat worded', () => {
    const r = report(measurements({ structures: normalAbdomen(), lesions: [lesion({ labelId: 30, labelName: 'kidney_lesion_left', lesionClass: 'kidney_lesion_left', organ: 'kidney_left', side: 'left', longAxisMm: 45, shortAxisMm: 40, volumeMl: 40, huMean: 35 })] }));
    expect(sentenceOf(r, 'kidney_lesion_left-1').text).toMatch(/^A 4\.5 x 4\.0 cm lesion in the left kidney/);
    expect(sentenceOf(r, 'kidney_lesion_left-1.stage').text).toBe('By size alone it corresponds to T category T1b (AJCC 8th edition), assuming it is confined to the kidney.');
  });
});

describe('buildReport: edge cases and contracts', () => {
  it('an empty mask set gives a report saying nothing could be assessed', () => {
    const r = report(measurements());
    expect(texts(r)).toEqual(['Nothing could be assessed: the mask set lists no label.', 'Nothing could be assessed, so no finding can be reported.']);
    const md = renderMarkdown(r);
    expect(md).toContain('## FINDINGS');
    expect(md).toContain('1. Nothing could be assessed, so no finding can be reported.');
  });

  it('unknown labels are reported in FINDINGS and IMPRESSION', () => {
    const r = report(measurements({ structures: [...normalAbdomen(), structure(null, { labelId: 99, sourceName: 'weird_thing', volumeMl: 12, huMean: 100 })], unknownLabels: [{ labelId: 99, sourceName: 'weird_thing' }] }));
    expect(sentenceOf(r, 'unknown.99').text).toBe("The label 'weird_thing' is not a known structure and is reported without interpretation (volume 12 mL).");
    expect(sentenceOf(r, 'unknown.99', 'impression').text).toBe("Unrecognised label reported without interpretation: 'weird_thing'.");
    expect(r.structures.find((s) => s.labelId === 99)).toMatchObject({ name: null, sourceName: 'weird_thing', displayName: 'weird_thing' });
  });

  it('markdown: FINDINGS organ by organ in anatomical order, then IMPRESSION', () => {
    const r = report(measurements({ structures: [...normalAbdomen({ spleen: { volumeMl: 320 } }), structure('stomach', { volumeMl: 300, huMean: 20 })], patientAge: '063Y', patientSex: 'F' }));
    const md = renderMarkdown(r);
    const order = ['**Liver.**', '**Spleen.**', '**Pancreas.**', '**Kidneys.**', '**Other organs.**', '## IMPRESSION', '1. Enlarged spleen'].map((h) => md.indexOf(h));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(md).toContain('Study: CT, phase: non-contrast, 200 x 200 x 200 voxels, spacing 1 x 1 x 1 mm, age 063Y, sex F.');
    expect(md).toContain('Also wholly imaged, with no rule-based finding: stomach.');
  });

  it('a sentence without findings, or citing an unknown finding, is a bug', () => {
    expect(() => assertGrounded([{ id: 's1', text: 'The liver is normal.', findingIds: [] }], new Set(['liver.normal']))).toThrow(
      expect.objectContaining({ code: 'GCT_REPORT_SENTENCE_UNGROUNDED' }),
    );
    expect(() => assertGrounded([{ id: 's1', text: 'x.', findingIds: ['liver.nope'] }], new Set(['liver.normal']))).toThrow(
      expect.objectContaining({ code: 'GCT_REPORT_SENTENCE_UNGROUNDED' }),
    );
  });

  it('findings from other measurements are refused', () => {
    const m = measurements({ structures: normalAbdomen() });
    const f = deriveFindings(m, kb);
    const other = { ...m, provenance: { ...m.provenance, ct: 'another-ct' } };
    expect(() => buildReport(other, f, { templates })).toThrow(expect.objectContaining({ code: 'GCT_REPORT_INPUT_INVALID' }));
  });
});
