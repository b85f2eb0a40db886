import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runAsk } from '../../src/cli/ask.ts';
import { defaultConfig } from '../../src/config.ts';
import { deriveFindings } from '../../src/findings/index.ts';
import { loadKnowledgeBase } from '../../src/knowledge/index.ts';
import { measureStudy } from '../../src/measure/index.ts';
import { abdomenPreset, generateStudy } from '../../src/phantom/index.ts';
import { buildReport, loadTemplates } from '../../src/report/index.ts';
import { AnswerSchema, ask, loadReportDir, makeVqaContext } from '../../src/vqa/index.ts';
import { groundct } from '../helpers/cli.ts';

/**
 * `groundct ask` on report folders of the abdomen phantom (truth: a 21 mm liver lesion wholly in Couinaud segment
 * 7, a pancreatic head mass encasing the SMA at 200 deg, a left renal cyst, a spleen of 345.996 mL).
 */
let artifactsDir: string;
let reportDir: string;
let spleenMl: number;

beforeAll(async () => {
  const study = generateStudy(abdomenPreset());
  spleenMl = study.truth.structures.find((s) => s.name === 'spleen')!.volumeMl;
  const m = measureStudy(study.ct, study.labels, { measure: defaultConfig().measure, phase: 'non-contrast', provenance: { ct: 'phantom', masks: 'phantom' } });
  const findings = deriveFindings(m, await loadKnowledgeBase());
  artifactsDir = mkdtempSync(join(tmpdir(), 'gct-vqa-'));
  writeFileSync(join(artifactsDir, 'measurements.json'), JSON.stringify(m));
  writeFileSync(join(artifactsDir, 'findings.json'), JSON.stringify(findings));
  reportDir = mkdtempSync(join(tmpdir(), 'gct-vqa-'));
  writeFileSync(join(reportDir, 'report.json'), JSON.stringify(buildReport(m, findings, { templates: await loadTemplates() })));
}, 60_000);

describe('groundct ask', () => {
  it('prints one grounded answer as JSON', async () => {
    const r = await groundct('ask', artifactsDir, 'Where is the largest liver lesion?');
    expect(r.code, r.stderr).toBe(0);
    const a = AnswerSchema.parse(JSON.parse(r.stdout));
    expect(a).toMatchObject({ answerable: true, answer: 'Couinaud segment 7', findingIds: ['liver_lesion-1'] });
    expect(a.evidence[0]).toMatchObject({ labelName: 'liver_lesion', componentId: 'liver_lesion-1' });
    expect(a.evidence[0].rasBounds).not.toBeNull();
    expect(a.citations.map((c) => c.id)).toContain('couinaud-segments');
  }, 30_000);

  it('--batch: one answer per input line, ids kept', async () => {
    const batch = join(artifactsDir, 'questions.jsonl');
    const out = join(artifactsDir, 'answers.jsonl');
    writeFileSync(batch, ['{"id": "a", "question": "What is the spleen volume?"}', '', '{"id": 7, "question": "What is the T stage of the pancreatic tumour?"}', '{"id": "c", "question": "Is the tumour malignant?"}'].join('\n'));
    const r = await groundct('ask', artifactsDir, '--batch', batch, '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(['a', '7', 'c']);
    expect(lines[0].value).toBeCloseTo(spleenMl, 9);
    expect(lines[0].unit).toBe('mL');
    expect(lines[1]).toMatchObject({ answer: 'T4', answerable: true });
    expect(lines[2]).toMatchObject({ answerable: false, reason: 'out_of_scope' });
  }, 30_000);

  it('a bad batch file is GCT_VQA_BATCH_INVALID and writes nothing', async () => {
    const batch = join(artifactsDir, 'bad.jsonl');
    const out = join(artifactsDir, 'bad-answers.jsonl');
    writeFileSync(batch, '{"id": "a", "question": "Is the liver normal?"}\nnot json\n{"id": "a", "question": ""}\n');
    await expect(runAsk([artifactsDir, '--batch', batch, '--out', out], defaultConfig(), () => {})).rejects.toMatchObject({
      code: 'GCT_VQA_BATCH_INVALID',
      details: { problems: ['line 2: not JSON', "line 3: id 'a' repeats", "line 3: 'question' must be a non-empty string"] },
    });
    expect(existsSync(out)).toBe(false);
  });

  it('a folder without a report is GCT_VQA_REPORT_DIR_INVALID; a missing question is a usage error', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'gct-vqa-'));
    await expect(runAsk([empty, 'Is the liver normal?'], defaultConfig(), () => {})).rejects.toMatchObject({ code: 'GCT_VQA_REPORT_DIR_INVALID' });
    writeFileSync(join(empty, 'report.json'), '{"kind": "report"');
    await expect(runAsk([empty, 'Is the liver normal?'], defaultConfig(), () => {})).rejects.toMatchObject({ code: 'GCT_VQA_REPORT_DIR_INVALID' });
    await expect(runAsk([artifactsDir], defaultConfig(), () => {})).rejects.toMatchObject({ code: 'GCT_CLI_USAGE' });
  });

  it('report.json alone gives the same answers as findings + measurements', async () => {
    const kb = await loadKnowledgeBase();
    const fromArtifacts = makeVqaContext(await loadReportDir(artifactsDir), kb);
    const fromReport = makeVqaContext(await loadReportDir(reportDir), kb);
    for (const q of ['Is the spleen enlarged?', 'Where is the pancreatic lesion?', 'Is there a lesion in the spleen?', 'Which kidney is larger?', 'What is the volume of the spinal cord?', 'What is the mean HU of the liver?']) {
      const a = await ask(fromArtifacts, q);
      const b = await ask(fromReport, q);
      expect({ answerable: b.answerable, reason: b.reason, answer: b.answer, findingIds: b.findingIds }, q).toEqual({ answerable: a.answerable, reason: a.reason, answer: a.answer, findingIds: a.findingIds });
      if (b.answerable) expect(b.evidence.every((e) => e.rasBounds !== null), q).toBe(true);
    }
  });
});
