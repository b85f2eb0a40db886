import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GroundedText } from '../../src/ground/index.ts';
import { abdomenPreset, generateStudy, writeStudy } from '../../src/phantom/index.ts';
import { ReportSchema } from '../../src/report/index.ts';
import { groundct } from '../helpers/cli.ts';

/**
 * `groundct ground <text> --study <dir>` end to end: the abdomen phantom is written as NIfTI, reported with
 * `groundct report --out <dir>`, and a radiologist-style report about it is grounded on that folder.
 */
const work = mkdtempSync(join(tmpdir(), 'gct-ground-cli-'));
const reportDir = join(work, 'report');
const textFile = join(work, 'radiologist.md');
const RADIOLOGIST_REPORT = `# CT abdomen

FINDINGS:
Liver:
Hypodense 2 cm lesion in segment VII of the liver.
- L kidney: simple cyst 2cm.
- 2 cm cyst in the right kidney.
Mild splenomegaly.
The adrenal glands are unremarkable.

IMPRESSION:
Pancreatic head mass encasing the SMA, T4. Clinical correlation recommended.
`;

beforeAll(async () => {
  const study = generateStudy(abdomenPreset());
  await writeStudy(study, join(work, 'study'), { formats: ['nifti'] });
  const s = (f: string) => join(work, 'study', f);
  const r = await groundct('report', s('ct.nii.gz'), '--masks', s('labels.nii.gz'), '--label-map', s('labels.json'), '--masks', s('labels-subsegments.nii.gz'), '--label-map', s('labels-subsegments.json'), '--phase', 'non-contrast', '--out', reportDir);
  if (r.code !== 0) throw new Error(`groundct report failed: ${r.stderr}`);
  writeFileSync(textFile, RADIOLOGIST_REPORT);
}, 180_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

function expectRadiologistReport(g: GroundedText) {
  expect(g.sentences.map((s) => [s.text, s.status, s.reason ?? null])).toEqual([
    ['Hypodense 2 cm lesion in segment VII of the liver.', 'grounded', null],
    ['L kidney: simple cyst 2cm.', 'grounded', null],
    ['2 cm cyst in the right kidney.', 'ungrounded', 'contradicts_finding'],
    ['Mild splenomegaly.', 'grounded', null],
    ['The adrenal glands are unremarkable.', 'ungrounded', 'no_such_structure'],
    ['Pancreatic head mass encasing the SMA, T4.', 'grounded', null],
    ['Clinical correlation recommended.', 'ungrounded', 'not_assessable'],
  ]);
  expect(g.summary).toEqual({ sentences: 7, grounded: 4, ungrounded: 3, skipped: 0, byReason: { contradicts_finding: 1, no_such_structure: 1, not_in_imaged_part: 0, not_assessable: 1 } });
  expect(g.sentences[2]!.contradiction).toMatchObject({ errorType: 'wrong_side' });
  expect(g.sentences[2]!.contradiction!.findingIds[0]).toMatch(/^kidney_cyst_left-\d+$/);
  expect(g.sentences[5]!.findingIds).toEqual(expect.arrayContaining(['pancreas_lesion-1.contact.superior_mesenteric_artery', 'pancreas_lesion-1.stage']));
}

describe('groundct ground on a reported phantom', () => {
  it('prints every sentence grounded with the evidence and criteria citations of the findings report.json gives them', async () => {
    const r = await groundct('ground', textFile, '--study', reportDir);
    expect(r.code, r.stderr).toBe(0);
    const g = JSON.parse(r.stdout) as GroundedText;
    expect(g.kind).toBe('grounded-text');
    expectRadiologistReport(g);
    // Grounded like the pipeline's own sentence stating the same lesion: same evidence, same criteria.
    const report = ReportSchema.parse(JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8')));
    const lesion = report.lesions.find((l) => l.organ === 'liver')!;
    const own = report.sentences.find((s) => s.section === 'findings' && s.findingIds.length === 1 && s.findingIds[0] === lesion.findingId)!;
    const mine = g.sentences[0]!;
    expect(mine.findingIds).toEqual([lesion.findingId, 'liver.lesions']);
    const component = (es: typeof mine.evidence) => es.find((e) => e.componentId === lesion.id);
    expect(component(mine.evidence)).toEqual(component(own.evidence!));
    const ownCriteria = own.citations!.filter((c) => c.via === 'criteria').map((c) => c.passageId);
    expect(mine.citations.filter((c) => c.via === 'criteria').map((c) => c.passageId)).toEqual(expect.arrayContaining(ownCriteria));
    for (const s of g.sentences.filter((x) => x.status === 'grounded')) {
      expect(s.evidence.length, s.text).toBeGreaterThan(0);
      expect(s.citations.length, s.text).toBeGreaterThan(0);
    }
  });

  it('--out writes the same JSON; report.json alone (no findings.json/measurements.json) grounds the same way', async () => {
    const out = join(work, 'grounded.json');
    const r = await groundct('ground', textFile, '--study', reportDir, '--out', out, '--no-retrieval');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/7 sentences, 4 grounded, 3 ungrounded/);
    const g = JSON.parse(readFileSync(out, 'utf8')) as GroundedText;
    expectRadiologistReport(g);
    expect(g.provenance.embedderId).toBeNull();
    for (const s of g.sentences) expect(s.citations.every((c) => c.via === 'criteria')).toBe(true);

    const onlyReport = join(work, 'only-report');
    mkdirSync(onlyReport);
    writeFileSync(join(onlyReport, 'report.json'), readFileSync(join(reportDir, 'report.json')));
    const r2 = await groundct('ground', textFile, '--study', onlyReport, '--no-retrieval');
    expect(r2.code, r2.stderr).toBe(0);
    const g2 = JSON.parse(r2.stdout) as GroundedText;
    expectRadiologistReport(g2);
    expect(g2.sentences.map((s) => s.findingIds)).toEqual(g.sentences.map((s) => s.findingIds));
  });

  it('--embedding-model retrieves with a local transformers.js model (the repository\'s TEST model: random weights) and grounds the same', async () => {
    const r = await groundct('ground', textFile, '--study', reportDir, '--embedding-model', 'test/fixtures/tiny-embedder/tiny-bert-test');
    expect(r.code, r.stderr).toBe(0);
    const g = JSON.parse(r.stdout) as GroundedText;
    expect(g.provenance.embedderId).toMatch(/^transformers-v1-tiny-bert-test-/);
    // Retrieval only adds supporting passages: which findings a sentence states does not depend on the embedder.
    expectRadiologistReport(g);
    const missing = await groundct('ground', textFile, '--study', reportDir, '--embedding-model', 'no-such-model');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('GCT_GROUND_MODEL_NOT_FOUND');
  });

  it('bad input: usage errors exit 2; an unreadable text or a folder without a report exit 1 with their codes', async () => {
    const noStudy = await groundct('ground', textFile);
    expect(noStudy.code).toBe(2);
    expect(noStudy.stderr).toContain('GCT_CLI_USAGE');
    const missing = await groundct('ground', join(work, 'nope.txt'), '--study', reportDir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('GCT_GROUND_TEXT_UNREADABLE');
    const empty = join(work, 'empty');
    mkdirSync(empty);
    const noReport = await groundct('ground', textFile, '--study', empty);
    expect(noReport.code).toBe(1);
    expect(noReport.stderr).toContain('GCT_GROUND_STUDY_DIR_INVALID');
    writeFileSync(join(empty, 'report.json'), '{"kind": "report"}');
    const badReport = await groundct('ground', textFile, '--study', empty);
    expect(badReport.code).toBe(1);
    expect(badReport.stderr).toMatch(/GCT_GROUND_STUDY_DIR_INVALID: .*report\.json does not match/);
  });
});
