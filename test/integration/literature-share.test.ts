import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LITERATURE_SHARE_GOAL_PCT, phantomCases, reportShare } from '../../eval/grounding/literature-share.ts';
import { defaultConfig } from '../../src/config.ts';
import { openRetriever } from '../../src/ground/index.ts';
import { loadKnowledgeBase } from '../../src/knowledge/index.ts';
import { reportFromStudy } from '../../src/pipeline.ts';
import { loadTemplates } from '../../src/report/index.ts';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gct-literature-share-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('literature citations in the reports of the phantom studies (issue 20 goal: >= 95 % of sentences)', () => {
  it('every phantom report sentence cites a literature passage with a DOI or PMID', async () => {
    const kb = await loadKnowledgeBase();
    const resources = { kb, templates: await loadTemplates(), retriever: await openRetriever({ kb, dataDir }) };
    let sentences = 0;
    let cited = 0;
    const uncited: string[] = [];
    for (const c of phantomCases()) {
      const { study, input } = await c.load();
      const { report } = await reportFromStudy(study, input, defaultConfig(), resources);
      const share = await reportShare(c.key, report, kb, resources.retriever);
      sentences += share.sentences;
      cited += share.withLiterature;
      uncited.push(...share.uncited.map((u) => `${u.caseKey} ${u.sentenceId}: ${u.text} (${u.reason})`));
      for (const s of report.sentences) for (const p of (s.citations ?? []).filter((x) => x.kind === 'literature')) {
        const src = kb.byId.get(p.passageId)!.source;
        expect(src.doi ?? src.pmid, p.passageId).toBeDefined();
      }
    }
    expect(sentences).toBeGreaterThan(40);
    expect((100 * cited) / sentences, uncited.join('\n')).toBeGreaterThanOrEqual(LITERATURE_SHARE_GOAL_PCT);
  }, 180_000);
});
