import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseClaims } from '../claims/index.ts';
import { defaultConfig } from '../config.ts';
import { deriveFindings, type Finding, type Findings } from '../findings/index.ts';
import { loadKnowledgeBase, type KnowledgeBase } from '../knowledge/index.ts';
import { measureStudy, type Measurements } from '../measure/index.ts';
import { abdomenPreset, generateStudy, type Study } from '../phantom/index.ts';
import { SUPPORTING_PASSAGE_MIN_SCORE } from './ground-report.ts';
import { groundText, isHeadingRestatement } from './ground-text.ts';
import { openRetriever, type Retriever } from './retriever.ts';

/**
 * groundText on the abdomen phantom (src/phantom/presets.ts: a 21 mm hypoattenuating lesion in Couinaud 7, a
 * 28 mm pancreatic head mass encasing the SMA (T4), a 20 mm simple LEFT renal cyst, an enlarged spleen), whose
 * truth is known, so every expected link below is a fact of the generated study.
 */
let study: Study;
let m: Measurements;
let findings: Findings;
let kb: KnowledgeBase;
let retriever: Retriever;
const dataDir = mkdtempSync(join(tmpdir(), 'gct-ground-text-'));

beforeAll(async () => {
  study = generateStudy(abdomenPreset());
  m = measureStudy(study.ct, study.labels, { measure: defaultConfig().measure, phase: 'non-contrast', provenance: { ct: 'phantom:abdomen', masks: 'phantom:abdomen' } });
  kb = await loadKnowledgeBase();
  findings = deriveFindings(m, kb);
  retriever = await openRetriever({ kb, dataDir });
}, 60_000);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const byId = (id: string): Finding => findings.findings.find((f) => f.id === id)!;
const ground = (text: string, lesionsComplete = true) => groundText(text, { findings: findings.findings, measurements: m, kb, retriever, lesionsComplete, study: 'phantom:abdomen' });

describe('groundText: grounded sentences carry the findings, evidence and citations groundReport gives', () => {
  it('a paraphrased lesion sentence links to the lesion, with its mask component and criterion passages', async () => {
    const g = await ground('Hypodense 2 cm lesion in segment VII of the liver.');
    const s = g.sentences[0]!;
    const lesion = m.lesions.find((l) => l.organ === 'liver')!;
    expect(s.status).toBe('grounded');
    expect(s.findingIds).toEqual([lesion.id, 'liver.lesions']);
    // Evidence: the union of the two findings' evidence, one entry per label/component, the component first.
    const union = new Map<string, unknown>();
    for (const f of [byId(lesion.id), byId('liver.lesions')]) for (const e of f.evidence) if (!union.has(`${e.labelId}/${e.componentId ?? ''}`)) union.set(`${e.labelId}/${e.componentId ?? ''}`, e);
    expect(s.evidence).toEqual([...union.values()]);
    const component = s.evidence.find((e) => e.componentId === lesion.id)!;
    expect(component.voxelCount).toBe(lesion.voxelCount);
    // The truth centroid of the planted lesion lies in the component's RAS box.
    const truth = study.truth.lesions.find((l) => l.organ === 'liver')!;
    for (let d = 0; d < 3; d++) {
      expect(truth.rasCentroid[d]).toBeGreaterThanOrEqual(component.rasBounds!.min[d] - 1e-6);
      expect(truth.rasCentroid[d]).toBeLessThanOrEqual(component.rasBounds!.max[d] + 1e-6);
    }
    // Citations: the findings' criteria, literature first then method (each in order), then retrieved literature
    // above the threshold; every citation carries its passage's kind.
    const criteria = [...new Set([...byId(lesion.id).criteria, ...byId('liver.lesions').criteria])];
    const ofKind = (k: string) => criteria.filter((id) => kb.byId.get(id)!.kind === k);
    expect(s.citations.filter((c) => c.via === 'criteria').map((c) => c.passageId)).toEqual([...ofKind('literature'), ...ofKind('method')]);
    expect(ofKind('literature').length).toBeGreaterThan(0);
    for (const c of s.citations) {
      expect(c.title).toBe(kb.byId.get(c.passageId)!.title);
      expect(c.kind).toBe(kb.byId.get(c.passageId)!.kind);
    }
    expect(s.citations.filter((c) => c.via === 'retrieval').every((c) => c.kind === 'literature')).toBe(true);
    for (const c of s.citations.filter((x) => x.via === 'retrieval')) {
      expect(c.score!).toBeGreaterThanOrEqual(SUPPORTING_PASSAGE_MIN_SCORE);
      expect(criteria).not.toContain(c.passageId);
    }
    expect(g.provenance).toEqual({ study: 'phantom:abdomen', knowledgeBaseHash: kb.contentHash, embedderId: retriever.embedderId, lesionsComplete: true });
  });

  it('terse and abbreviated phrasings ground to the same findings', async () => {
    const g = await ground('Mild splenomegaly. L kidney: simple cyst 2cm. The pancreatic head mass encases the SMA.');
    expect(g.sentences.map((s) => s.status)).toEqual(['grounded', 'grounded', 'grounded']);
    expect(g.sentences[0]!.findingIds).toContain('spleen.size');
    expect(g.sentences[1]!.findingIds[0]).toBe('kidney_cyst_left-1');
    expect(g.sentences[2]!.findingIds[0]).toBe('pancreas_lesion-1.contact.superior_mesenteric_artery');
    // A sentence about the spleen's size rests on its volume (346 mL > 314.5 mL) and length findings.
    expect(byId('spleen.size').values.volumeMl).toBeGreaterThan(314.5);
  });
});

describe('groundText: ungrounded sentences say why', () => {
  it('wrong side, wrong size, wrong segment and an invented lesion contradict a finding, with the error type', async () => {
    const g = await ground(['2 cm cyst in the right kidney.', 'Hypodense 4 cm lesion in segment VII of the liver.', '2 cm hypodense liver lesion in segment IV.', 'There is a 1.5 cm hypodense lesion in the spleen.'].join(' '));
    const got = g.sentences.map((s) => [s.status, s.reason, s.contradiction?.errorType, s.contradiction?.findingIds[0]]);
    expect(got).toEqual([
      ['ungrounded', 'contradicts_finding', 'wrong_side', 'kidney_cyst_left-1'],
      ['ungrounded', 'contradicts_finding', 'number_off', 'liver_lesion-1'],
      ['ungrounded', 'contradicts_finding', 'wrong_segment', 'liver_lesion-1'],
      // The spleen is imaged whole and the phantom labels every lesion: it is known to be lesion-free.
      ['ungrounded', 'contradicts_finding', 'present_absent', 'spleen.size'],
    ]);
    // 4 cm stated, 20.4 mm measured: the number comparison is kept per claim.
    const n = g.sentences[1]!.claims[0]!.numeric[0]!;
    expect(n.stated).toBe(40);
    expect(n.measured).toBeCloseTo(byId('liver_lesion-1').values.longAxisMm!, 6);
    expect(n.withinTolerance).toBe(false);
    // Nothing supports a contradicted sentence: no evidence, no citation.
    for (const s of g.sentences) expect([s.evidence.length, s.citations.length]).toEqual([0, 0]);
    expect(g.summary).toEqual({ sentences: 4, grounded: 0, ungrounded: 4, skipped: 0, byReason: { contradicts_finding: 4, no_such_structure: 0, not_assessable: 0 } });
  });

  it('without complete lesion labels, a lesion on the wrong side is still caught, and an unlabelled one names no structure', async () => {
    const g = await ground('2 cm cyst in the right kidney. There is a 1.5 cm hypodense lesion in the spleen.', false);
    expect(g.sentences[0]).toMatchObject({ status: 'ungrounded', reason: 'contradicts_finding', contradiction: { errorType: 'wrong_side', findingIds: ['kidney_cyst_left-1', 'kidney_left.lesions'] } });
    expect(g.sentences[1]).toMatchObject({ status: 'ungrounded', reason: 'no_such_structure' });
    expect(g.sentences[1]!.details).toMatch(/no lesion of spleen/);
  });

  it('structures the study lacks, statements with nothing measurable, and organs cut by the scan border', async () => {
    const g = await ground('The adrenal glands are unremarkable. Clinical correlation recommended. No pleural effusion. The spinal cord is unremarkable.');
    expect(g.sentences.map((s) => s.reason)).toEqual(['no_such_structure', 'not_assessable', 'not_assessable', 'not_assessable']);
    expect(g.sentences[1]!.claims).toEqual([]);
    // The phantom's spinal cord runs through the top and bottom slices: partially imaged, never judged normal.
    expect(g.sentences[3]!.relatedFindingIds).toEqual(['spinal_cord.partial']);
  });

  it('a sentence with a right and a wrong claim is ungrounded but keeps the evidence of the right one', async () => {
    const g = await ground('The spleen is enlarged; 2 cm cyst in the right kidney.');
    const s = g.sentences[0]!;
    expect(s.status).toBe('ungrounded');
    expect(s.reason).toBe('contradicts_finding');
    expect(s.findingIds).toContain('spleen.size');
    expect(s.evidence.some((e) => e.structure === 'spleen')).toBe(true);
  });
});

describe('headings', () => {
  it('Markdown and plain-text headings, and sentences that only restate one, are skipped', async () => {
    const text = ['# CT ABDOMEN', '', 'FINDINGS:', 'Liver:', 'Hypodense 2 cm lesion in segment VII of the liver.', 'Kidneys.', '', '**Impression**', 'Findings.', 'Mild splenomegaly.'].join('\n');
    const g = await ground(text);
    expect(g.sentences.map((s) => [s.text, s.section])).toEqual([
      // The section is the last heading above the sentence (claims/splitSentences): the organ sub-heading here.
      ['Hypodense 2 cm lesion in segment VII of the liver.', 'liver'],
      ['Mild splenomegaly.', 'impression'],
    ]);
    expect(g.skipped.map((s) => s.text)).toEqual(['Kidneys.', 'Findings.']);
    expect(g.summary.skipped).toBe(2);
  });

  it('isHeadingRestatement: section words and bare structure names only', () => {
    for (const t of ['Findings.', 'IMPRESSION', 'Liver:', 'Kidneys.', 'Liver and spleen.', 'Abdomen and pelvis:']) expect(isHeadingRestatement(t, parseClaims(t)), t).toBe(true);
    for (const t of ['Mild splenomegaly.', 'Clinical correlation recommended.', 'Liver normal.']) expect(isHeadingRestatement(t, parseClaims(t)), t).toBe(false);
  });
});
