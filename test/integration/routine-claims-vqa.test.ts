import { beforeAll, describe, expect, it } from 'vitest';
import { matchClaim, parseClaims, splitSentences, ROUTINE_CLAIM_KINDS } from '../../src/claims/index.ts';
import { defaultConfig } from '../../src/config.ts';
import { deriveFindings, type Findings } from '../../src/findings/index.ts';
import { loadKnowledgeBase, type KnowledgeBase } from '../../src/knowledge/index.ts';
import { measureStudy, type Measurements } from '../../src/measure/index.ts';
import type { Scene } from '../../src/phantom/scene.ts';
import { spinePhantom } from '../../src/phantom/spine-phantom.ts';
import { aortaPhantom } from '../../src/phantom/vessel-phantom.ts';
import { buildReport, loadTemplates, renderMarkdown, type LoadedTemplates } from '../../src/report/index.ts';
import { ask, makeVqaContext, studyFromArtifacts } from '../../src/vqa/index.ts';

/**
 * The routine measurements' sentences, claims and questions end to end on phantoms with known truth: groundct's
 * own report is read back by the claim parser and every routine claim it makes is supported by the findings
 * (none contradicted); questions about them are answered from the same findings.
 */
let kb: KnowledgeBase;
let templates: LoadedTemplates;
beforeAll(async () => {
  [kb, templates] = await Promise.all([loadKnowledgeBase(), loadTemplates()]);
});

function study(p: Scene, phase?: 'non-contrast'): { m: Measurements; f: Findings } {
  const m = measureStudy(p.ct, p.labels, { measure: defaultConfig().measure, ...(phase ? { phase } : {}), provenance: { ct: 'phantom', masks: 'phantom' } });
  return { m, f: deriveFindings(m, kb) };
}

/** Every routine claim in the report's own text, with its verdict against the findings. */
function ownClaims(m: Measurements, f: Findings) {
  const text = renderMarkdown(buildReport(m, f, { templates }));
  return splitSentences(text).flatMap((s) => parseClaims(s.text).filter((c) => ROUTINE_CLAIM_KINDS.has(c.kind)).map((c) => ({ sentence: s.text, kind: c.kind, m: matchClaim(c, f.findings) })));
}

describe('aorta phantom with an infrarenal aneurysm', () => {
  let m: Measurements;
  let f: Findings;
  beforeAll(() => {
    ({ m, f } = study(aortaPhantom({ spacingMm: [1.5, 1.5, 1.5], aneurysm: { arcMm: 330, extraRadiusMm: 8, sigmaMm: 6 } })));
  });

  it('the report\'s calibre, phase and calcium sentences are read back as claims the findings support', () => {
    const claims = ownClaims(m, f);
    expect(claims.filter((c) => c.kind === 'vessel_calibre').length).toBeGreaterThanOrEqual(5);
    for (const c of claims) expect(c.m.verdict, `${c.sentence} -> ${c.kind}: ${c.m.details}`).not.toBe('contradicted');
    expect(claims.some((c) => c.kind === 'vessel_calibre' && c.m.verdict === 'supported' && c.m.findingIds.includes('aorta.infrarenal_abdominal_aorta.calibre'))).toBe(true);
  });

  it('a changed number or class in a sentence is caught', () => {
    const aaa = f.findings.find((x) => x.id === 'aorta.infrarenal_abdominal_aorta.calibre')!;
    const wrong = `The infrarenal abdominal aorta is aneurysmal, with a maximal diameter of ${((aaa.values.maxDiameterMm! + 8) / 10).toFixed(1)} cm.`;
    expect(matchClaim(parseClaims(wrong)[0]!, f.findings)).toMatchObject({ verdict: 'contradicted', errorType: 'number_off' });
    expect(matchClaim(parseClaims('No abdominal aortic aneurysm.')[0]!, f.findings)).toMatchObject({ verdict: 'contradicted', errorType: 'negated_present' });
  });

  it('answers: maximal abdominal diameter, aneurysm yes, ascending aorta not dilated, native phase', async () => {
    const ctx = makeVqaContext(studyFromArtifacts(m, f), kb);
    const aaa = f.findings.find((x) => x.id === 'aorta.infrarenal_abdominal_aorta.calibre')!;
    const d = await ask(ctx, 'What is the maximal diameter of the abdominal aorta?');
    expect(d).toMatchObject({ answerable: true, unit: 'mm', findingIds: [aaa.id] });
    expect(d.value).toBeCloseTo(aaa.values.maxDiameterMm!, 6);
    expect(d.citations.map((c) => c.id)).toContain('svs2018-aaa-surveillance-and-repair');
    expect(await ask(ctx, 'Is there an abdominal aortic aneurysm?')).toMatchObject({ answer: 'yes', findingIds: [aaa.id] });
    expect((await ask(ctx, 'Is the ascending aorta dilated?')).answer).toBe('no');
    const phase = await ask(ctx, 'Which contrast phase is this?');
    expect(phase.answer).toBe('non-contrast');
    expect(phase.caveats[0]).toMatch(/^estimated from the blood pool/);
    expect((await ask(ctx, 'Is there an aortic dissection?'))).toMatchObject({ answerable: false, reason: 'structure_absent' });
  });
});

describe('aorta phantom with a type B dissection', () => {
  it('reads back as supported; the Stanford type is answered', async () => {
    const { m, f } = study(aortaPhantom({ spacingMm: [1.5, 1.5, 1.5], dissection: { fromArcMm: 190, toArcMm: 300 } }));
    const claims = ownClaims(m, f);
    expect(claims.some((c) => c.kind === 'dissection' && c.m.verdict === 'supported')).toBe(true);
    for (const c of claims) expect(c.m.verdict, `${c.sentence} -> ${c.kind}: ${c.m.details}`).not.toBe('contradicted');
    const ctx = makeVqaContext(studyFromArtifacts(m, f), kb);
    const type = await ask(ctx, 'What type of aortic dissection is this?');
    expect(type.answer).toBe('Stanford type B');
    expect(type.caveats[0]).toMatch(/DeBakey III/);
  });
});

describe('spine phantom with an L1 wedge fracture', () => {
  it('reads back as supported; fracture, level and density questions are answered', async () => {
    const p = spinePhantom({
      spacingMm: [1, 1, 1],
      vertebrae: [
        { level: 'T12', posteriorHeightMm: 24, anteriorHeightMm: 23, trabecularHu: 180 },
        { level: 'L1', posteriorHeightMm: 26, anteriorHeightMm: 14, trabecularHu: 95 },
        { level: 'L2', posteriorHeightMm: 27, anteriorHeightMm: 27, trabecularHu: 170 },
        { level: 'L3', posteriorHeightMm: 28, anteriorHeightMm: 28, trabecularHu: 160 },
      ],
    });
    const { m, f } = study(p);
    const claims = ownClaims(m, f);
    expect(claims.some((c) => c.kind === 'vertebral_fracture' && c.m.verdict === 'supported' && c.m.findingIds.includes('vertebrae_L1.fracture'))).toBe(true);
    for (const c of claims) expect(c.m.verdict, `${c.sentence} -> ${c.kind}: ${c.m.details}`).not.toBe('contradicted');
    const ctx = makeVqaContext(studyFromArtifacts(m, f), kb);
    expect(await ask(ctx, 'Is there a compression fracture at L1?')).toMatchObject({ answer: 'yes', value: 2, unit: 'grade', findingIds: ['vertebrae_L1.fracture'] });
    expect((await ask(ctx, 'Is there a vertebral fracture at L2?')).answer).toBe('no');
    expect(await ask(ctx, 'What is the L1 attenuation?')).toMatchObject({ answerable: true, value: 95, unit: 'HU' });
    // Pickhardt's screen is invalid in a fractured L1: not answered, and why.
    expect(await ask(ctx, 'Does the patient have osteoporosis?')).toMatchObject({ answerable: false, reason: 'out_of_scope' });
  });
});
