import { readFile } from 'node:fs/promises';
import type { Config } from '../config.ts';
import { loadKnowledgeBase, type KnowledgeBase } from '../knowledge/index.ts';
import { readCandidate } from './candidate.ts';
import type { LoadedManifest } from './manifest.ts';
import { loadReference, missingFiles } from './reference.ts';
import { scoreCandidate, type CandidateScore } from './score-report.ts';
import { renderSummaryMarkdown, sentencesCsv, summarise, type EvalSummary, type LexicalPair } from './summary.ts';

export interface EvaluateDeps {
  readonly config: Config;
  /** Knowledge base for deriving reference findings; loaded from the repository when absent. */
  readonly kb?: KnowledgeBase;
  /** What is being done, and the share of the manifest's cases done before it (0-1). */
  readonly onProgress?: (message: string, fraction: number) => void;
}

export interface EvalResult {
  readonly summary: EvalSummary;
  readonly scores: readonly CandidateScore[];
}

/**
 * Runs a manifest: builds each case's reference findings, reads or generates each candidate report, scores it,
 * and summarises. Cases with missing files are skipped (listed in `summary.skipped`); any other failure throws.
 */
export async function evaluateManifest(loaded: LoadedManifest, deps: EvaluateDeps): Promise<EvalResult> {
  const kb = deps.kb ?? (await loadKnowledgeBase());
  const progress = deps.onProgress ?? (() => {});
  const scores: CandidateScore[] = [];
  const lexical: LexicalPair[] = [];
  const skipped: { caseId: string; reason: string }[] = [];
  const cases = loaded.manifest.cases;
  for (const [n, c] of cases.entries()) {
    const done = n / cases.length;
    const missing = missingFiles(c);
    if (missing.length > 0) {
      skipped.push({ caseId: c.id, reason: `missing ${missing.join(', ')}` });
      progress(`skip ${c.id}: missing ${missing.length} file(s)`, done);
      continue;
    }
    progress(`case ${c.id}: reference`, done);
    const reference = await loadReference(c, { config: deps.config, kb });
    const referenceText = c.referenceText ? await readFile(c.referenceText, 'utf8') : undefined;
    for (const spec of c.candidates) {
      const candidate = await readCandidate(spec, reference);
      scores.push(scoreCandidate(c.id, candidate, reference));
      if (referenceText !== undefined) lexical.push({ caseId: c.id, candidateId: candidate.id, candidate: candidate.text, reference: referenceText });
      progress(`case ${c.id}: scored ${candidate.id}`, done);
    }
  }
  return { summary: summarise(loaded.manifest.name, scores, lexical, skipped), scores };
}

/** The three output files of `groundct eval`, as text. */
export function renderEvalOutputs(result: EvalResult): { 'summary.json': string; 'summary.md': string; 'sentences.csv': string } {
  return {
    'summary.json': JSON.stringify(result.summary, null, 2) + '\n',
    'summary.md': renderSummaryMarkdown(result.summary),
    'sentences.csv': sentencesCsv(result.scores),
  };
}
