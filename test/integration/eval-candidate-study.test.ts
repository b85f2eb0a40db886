import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config.ts';
import { evaluateManifest, loadReference, resolveManifest } from '../../src/evaluate/index.ts';
import { loadKnowledgeBase, type KnowledgeBase } from '../../src/knowledge/index.ts';

/**
 * `groundct eval` with a plain-text candidate and the candidate system's own study folder: the text is grounded on
 * the candidate's findings and masks (as `groundct ground` would), and that evidence is scored in 3D against the
 * reference masks. Here the candidate's study is the reference phantom's own measurement, so the lesion and organ
 * sentences land inside the reference masks; a sentence on the wrong side is grounded to nothing and scored wrong.
 */
let dir: string;
let kb: KnowledgeBase;
beforeAll(async () => {
  kb = await loadKnowledgeBase();
  dir = mkdtempSync(join(tmpdir(), 'groundct-eval-study-'));
  const config = defaultConfig();
  const spec = { id: 'p', reference: { phantom: 'abdomen' as const }, lesionsComplete: true, candidates: [{ id: 'x', generate: 'groundct' as const }] };
  const ref = await loadReference(spec, { config, kb });
  const study = join(dir, 'study');
  mkdirSync(study);
  writeFileSync(join(study, 'findings.json'), JSON.stringify(ref.findings));
  writeFileSync(join(study, 'measurements.json'), JSON.stringify(ref.measurements));
  writeFileSync(join(dir, 'text.txt'), 'Hypodense 2 cm lesion in segment VII of the liver.\nSimple 2.0 cm cyst in the right kidney.\nMild splenomegaly.\n');
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('groundct eval: a text candidate grounded on its own study', () => {
  it('scores 3D grounding of plain text: right sentences inside the reference masks, the wrong-side one not', async () => {
    const loaded = resolveManifest(
      { name: 'study', cases: [{ id: 'p', reference: { phantom: 'abdomen' }, lesionsComplete: true, candidates: [{ id: 'sys', path: 'text.txt', study: 'study' }] }] },
      join(dir, 'manifest.json'),
    );
    expect(loaded.manifest.cases[0]!.candidates[0]).toMatchObject({ path: join(dir, 'text.txt'), study: join(dir, 'study') });
    const { scores } = await evaluateManifest(loaded, { config: defaultConfig(), kb });
    const s = scores[0]!;
    expect(s.sentences.map((x) => [x.verdict, x.grounding?.correct ?? null])).toEqual([
      ['supported', true],
      ['contradicted', false],
      ['supported', true],
    ]);
    expect(s.grounding).toMatchObject({ scored: 3, correct: 2 });
  }, 120_000);
});
