import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config.ts';
import { deriveFindings } from '../../src/findings/index.ts';
import { loadKnowledgeBase } from '../../src/knowledge/index.ts';
import { measureStudy } from '../../src/measure/index.ts';
import { abdomenPreset, generateStudy, normalPreset, steatosisPreset, type StudySpec } from '../../src/phantom/index.ts';
import { buildReport, loadTemplates, renderMarkdown, sizeText, type Report } from '../../src/report/index.ts';

/**
 * Synthetic studies with exact truth (src/phantom): every planted finding is in the report with its organ, side,
 * segment, size (as shown), attenuation and stage, and nothing unplanted is stated. Thresholds in the expectations
 * are the published values the knowledge base holds (RadGPT spleen 314.5 mL, fatty liver <= 40 HU).
 */
const [kbPromise, templatesPromise] = [loadKnowledgeBase(), loadTemplates()];

async function reportOf(spec: StudySpec) {
  const study = generateStudy(spec);
  const m = measureStudy(study.ct, study.labels, { measure: defaultConfig().measure, phase: spec.phase === 'unknown' ? undefined : spec.phase, provenance: { ct: spec.name ?? 'phantom', masks: 'phantom' } });
  const r = buildReport(m, deriveFindings(m, await kbPromise), { templates: await templatesPromise });
  return { study, m, r };
}

const lesionText = (r: Report) => r.sentences.filter((s) => s.findingIds.some((id) => r.findings.find((f) => f.id === id)?.type === 'lesion')).map((s) => s.text);

describe('report on the abdomen phantom (liver, pancreas and kidney lesions)', () => {
  it('every planted lesion is reported with organ, side, segment, size, attenuation and stage; nothing else', async () => {
    const { study, m, r } = await reportOf(abdomenPreset());
    const lesionFindings = r.findings.filter((f) => f.type === 'lesion');
    expect(lesionFindings).toHaveLength(study.truth.lesions.length);
    for (const t of study.truth.lesions) {
      const l = m.lesions.find((x) => x.labelName === t.labelName)!;
      const s = r.sentences.find((x) => x.section === 'findings' && x.findingIds[0] === l.id)!;
      expect(s.text, t.labelName).toContain(sizeText(l.longAxisMm, l.shortAxisMm));
      // The size shown is the truth's size at the rounding shown, within one step of the last digit.
      const shownLong = Number(sizeText(l.longAxisMm, l.shortAxisMm).split(' ')[0]);
      expect(Math.abs(shownLong * 10 - t.axial.longAxisMm), t.labelName).toBeLessThanOrEqual(1.5);
      if (t.organ === 'liver') expect(s.text).toContain(`Couinaud segment${t.segments.length > 1 ? 's' : ''} ${t.segments.join(' and ')}`);
      if (t.organ === 'pancreas') expect(s.text).toContain(`pancreatic ${t.segments[0]}`);
      if (t.organ === 'kidney') expect(s.text).toContain(`${t.side} kidney`);
      const word = { hypo: 'hypoattenuating', iso: 'isoattenuating', hyper: 'hyperattenuating' }[t.attenuation];
      expect(s.text, t.labelName).toContain(word);
      for (const other of ['hypoattenuating', 'isoattenuating', 'hyperattenuating'].filter((w) => w !== word)) expect(s.text).not.toContain(other);
    }
    // Pancreatic head lesion, 28 mm, wrapped 200 deg around the SMA: T4 in FINDINGS and first in IMPRESSION.
    const pancreas = m.lesions.find((l) => l.organ === 'pancreas')!;
    expect(r.findings.find((f) => f.id === `${pancreas.id}.stage`)!.statement).toBe('T4');
    expect(r.sentences.find((s) => s.section === 'impression')!.text).toMatch(/pancreatic head, encasing the superior mesenteric artery .*T4/);
    // The kidney cyst is not staged.
    const cyst = m.lesions.find((l) => l.organ?.startsWith('kidney'))!;
    expect(r.findings.some((f) => f.id === `${cyst.id}.stage`)).toBe(false);
    // Nothing unplanted: only the planted lesions are described, no fluid, no nodes.
    expect(lesionText(r).length).toBeGreaterThanOrEqual(study.truth.lesions.length);
    expect(r.findings.filter((f) => f.type === 'fluid' || f.type === 'lymph_node')).toEqual([]);
    const spleen = study.truth.structures.find((s) => s.name === 'spleen')!;
    expect(r.findings.find((f) => f.id === 'spleen.size')?.statement).toBe(spleen.volumeMl > 430.8 ? 'massively enlarged' : spleen.volumeMl > 314.5 ? 'enlarged' : 'normal size');
    expect(renderMarkdown(r)).toContain('## IMPRESSION');
  });
});

describe('report on the normal and steatosis phantoms', () => {
  it('normal: no abnormal finding, so the IMPRESSION is the negative over the organs wholly imaged', async () => {
    const { r } = await reportOf(normalPreset());
    expect(r.findings.filter((f) => f.status === 'abnormal').map((f) => f.id)).toEqual([]);
    expect(r.sentences.filter((s) => s.section === 'impression')[0].text).toMatch(/^No abnormality of the /);
  });

  it('steatosis: the non-contrast liver at 30 HU is reported fatty, first in the IMPRESSION', async () => {
    const { study, r } = await reportOf(steatosisPreset());
    const liverHu = study.truth.structures.find((s) => s.name === 'liver')!.meanHu;
    expect(liverHu).toBeLessThanOrEqual(40);
    expect(r.findings.find((f) => f.id === 'liver.steatosis')!.statement).toBe('fatty');
    expect(r.sentences.filter((s) => s.section === 'impression')[0].text).toBe(`Fatty liver (mean attenuation ${Math.round(liverHu)} HU on non-contrast CT).`);
  });
});
