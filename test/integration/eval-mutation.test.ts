import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config.ts';
import { loadKnowledgeBase } from '../../src/knowledge/index.ts';
import { loadReference, readCandidate, resolveManifest, runMutationStudy, type BaseReport, type MutationStudy } from '../../src/evaluate/index.ts';
import { REPO_ROOT } from '../helpers/data.ts';

/**
 * The harness proves itself (issue 6) on a CI-sized sample: about 100 mutants, balanced over the operators, of
 * the correct reports of the three synthetic studies (groundct's own and the hand-written ones). Same goals as
 * the full run recorded in eval/results/factuality-mutation.md: >= 95 % flagged with the right error type,
 * <= 2 % of the unmodified sentences flagged.
 */
const SAMPLE = 100;
const RIGHT_TYPE_MIN = 0.95;
const FALSE_ALARM_MAX = 0.02;
const BUDGET_MS = 120_000;

let study: MutationStudy;

beforeAll(async () => {
  const manifestPath = join(REPO_ROOT, 'eval/factuality/manifest.json');
  const loaded = resolveManifest(JSON.parse(readFileSync(manifestPath, 'utf8')), manifestPath);
  const config = defaultConfig();
  const kb = await loadKnowledgeBase();
  const bases: BaseReport[] = [];
  for (const c of loaded.manifest.cases.filter((x) => x.id.startsWith('phantom-'))) {
    const reference = await loadReference(c, { config, kb });
    for (const spec of c.candidates.filter((k) => k.id !== 'flawed')) {
      const candidate = await readCandidate(spec, reference);
      bases.push({ id: `${c.id}/${spec.id}`, sentences: candidate.sentences.map((s) => s.text), findings: reference.findings.findings, lesionsComplete: reference.lesionsComplete });
    }
  }
  study = runMutationStudy(bases, { sample: SAMPLE, seed: 20240601 });
}, BUDGET_MS);

describe('mutation test of the factuality harness (CI sample)', () => {
  it(`scores ${SAMPLE} mutants covering every operator`, () => {
    expect(study.mutants).toBe(SAMPLE);
    for (const [op, s] of Object.entries(study.byOperator)) expect(s.mutants, op).toBeGreaterThan(0);
  });

  it(`flags >= ${RIGHT_TYPE_MIN * 100} % of them with the right error type`, () => {
    expect(study.rightTypeRate, JSON.stringify(study.misses.slice(0, 5), null, 1)).toBeGreaterThanOrEqual(RIGHT_TYPE_MIN);
  });

  it(`flags <= ${FALSE_ALARM_MAX * 100} % of the unmodified sentences`, () => {
    expect(study.unmodified.sentencesWithClaims).toBeGreaterThan(40);
    expect(study.unmodified.falseAlarmRate, JSON.stringify(study.unmodified.examples, null, 1)).toBeLessThanOrEqual(FALSE_ALARM_MAX);
  });
});
