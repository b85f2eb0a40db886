import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import type { EvalSummary } from '../../src/evaluate/index.ts';
import { HAS_SHARED_DATA, REPO_ROOT, SHARED_DATA } from '../helpers/data.ts';

/**
 * `groundct eval` on eval/factuality/manifest.json: three synthetic studies (always) and two ../shared/data cases
 * (skipped by the manifest itself when the data is absent). Values checked are those of the hand-written
 * reports and of the phantoms' known truth.
 */
const EVAL_BUDGET_MS = 120_000;
let out: string;
let summary: EvalSummary;
let code: number;

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'groundct-eval-'));
  code = await main(['eval', '--manifest', join(REPO_ROOT, 'eval/factuality/manifest.json'), '--out', out, '--data', SHARED_DATA]);
  summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
}, EVAL_BUDGET_MS);
afterAll(() => rmSync(out, { recursive: true, force: true }));

const per = (caseId: string, candidateId: string) => summary.perCase.find((p) => p.caseId === caseId && p.candidateId === candidateId)!;

describe('groundct eval on the factuality manifest', () => {
  it('exits 0 and writes summary.json (issue keys), summary.md and sentences.csv', () => {
    expect(code).toBe(0);
    for (const f of ['summary.json', 'summary.md', 'sentences.csv']) expect(existsSync(join(out, f))).toBe(true);
    expect(Object.keys(summary.claims).sort()).toEqual(['contradicted', 'supported', 'total', 'unverifiable']);
    expect(summary).toHaveProperty('precision');
    expect(summary).toHaveProperty('recall');
    expect(summary.grounding).toHaveProperty('precision');
    expect(summary.grounding).toHaveProperty('recall');
    expect(summary.detection.liver).toHaveProperty('sensitivity');
    expect(summary.detection.liver).toHaveProperty('specificity');
    expect(readFileSync(join(out, 'sentences.csv'), 'utf8').split('\n')[0]).toBe('case,candidate,sentence,section,verdict,claims,supported,contradicted,unverifiable,errors,findings,grounding_fraction,grounding_correct,text,details');
  });

  it("groundct's own reports and the correct hand-written reports have no contradicted claim; ours are grounded in 3D", () => {
    for (const p of summary.perCase.filter((x) => x.candidateId !== 'flawed')) expect(p.claims.contradicted, `${p.caseId}/${p.candidateId}`).toBe(0);
    expect(per('phantom-abdomen', 'groundct').recall).toBe(1);
    expect(per('phantom-abdomen', 'radiologist-b').recall).toBe(1);
    expect(per('phantom-steatosis', 'reference-text').recall).toBe(1);
    expect(per('phantom-abdomen', 'groundct').grounding).toEqual({ precision: 1, recall: 1 });
  });

  it('the flawed report: wrong segment, number off (500 vs 346 mL) and wrong side found; precision 0, recall 0 of 8 significant findings', () => {
    const f = per('phantom-abdomen', 'flawed');
    expect(f.claims).toEqual({ total: 4, supported: 0, contradicted: 3, unverifiable: 1 });
    expect(f.errors).toEqual({ wrong_segment: 1, number_off: 1, wrong_side: 1 });
    expect(f.precision).toBe(0);
    expect(f.recall).toBe(0);
    expect([...f.missed].sort()).toEqual([
      'kidney_cyst_left-1', 'liver_lesion-1', 'pancreas_lesion-1', 'pancreas_lesion-1.contact.portal_vein_and_splenic_vein',
      'pancreas_lesion-1.contact.superior_mesenteric_artery', 'pancreas_lesion-1.stage', 'spleen.length', 'spleen.size',
    ]);
    expect(summary.errors.wrong_segment + summary.errors.number_off + summary.errors.wrong_side).toBe(3);
  });

  it('detection per organ over the manifest: the flawed report misses the pancreatic mass (one FN); no false positive', () => {
    const d = summary.detection;
    expect(d.pancreas!.fn).toBe(1);
    expect(d.pancreas!.tp).toBe(3); // groundct, reference text, radiologist B on the abdomen phantom
    for (const g of Object.values(d)) expect(g.fp).toBe(0);
    expect(d.spleen!.sensitivity).toBeNull(); // no spleen lesion in any reference
    expect(d.spleen!.specificity).toBe(1);
  });

  it.skipIf(!HAS_SHARED_DATA)('scores the shared cases too: STS_002 thigh sarcoma 5.5 x 3.9 cm, 53 mL, 59 HU supported', () => {
    expect(summary.skipped).toEqual([]);
    const sts = per('sts-002', 'reference-text');
    expect(sts.claims).toMatchObject({ supported: 1, contradicted: 0 });
    expect(sts.recall).toBe(1);
    expect(per('totalseg-slab', 'reference-text').claims).toMatchObject({ supported: 3, contradicted: 0 });
  });
});
