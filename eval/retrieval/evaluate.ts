import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Retriever } from '../../src/ground/retriever.ts';

/**
 * The retrieval evaluation: a labelled set of report-style sentences, each with the passage ids that answer it,
 * split into dev (used to choose embedder options) and test (reported, never tuned on).
 *
 * recall@k here is the hit rate: the share of sentences for which at least one correct passage is among the top k
 * results. Latency is the wall time of one `retrieve` call (embedding + index search) per sentence.
 */
export const LabelledItemSchema = z
  .object({
    id: z.string().min(1),
    split: z.enum(['dev', 'test']),
    text: z.string().min(1),
    passageIds: z.array(z.string().min(1)).min(1),
  })
  .strict();
export type LabelledItem = z.infer<typeof LabelledItemSchema>;

export const LABELLED_SET_PATH = fileURLToPath(new URL('./labelled.jsonl', import.meta.url));

export function loadLabelledSet(file: string = LABELLED_SET_PATH): LabelledItem[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      const parsed = LabelledItemSchema.safeParse(JSON.parse(l));
      if (!parsed.success) throw new Error(`${file} line ${i + 1}: ${parsed.error.message}`);
      return parsed.data;
    });
}

export interface SplitResult {
  readonly n: number;
  /** Share of sentences with a correct passage ranked first, in [0, 1]. */
  readonly recallAt1: number;
  /** Share of sentences with a correct passage in the top 3, in [0, 1]. */
  readonly recallAt3: number;
  readonly latencyP50Ms: number;
  readonly latencyP95Ms: number;
  /** Sentences with no correct passage in the top 3, with what was retrieved. */
  readonly misses: readonly { id: string; text: string; expected: readonly string[]; got: readonly string[] }[];
}

/** Nearest-rank percentile (p in (0, 100]) of the values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * Runs every item through the retriever (after one warm-up pass over the same items) and scores it: with every item
 * labelled, recall@1 and recall@3 are scoreGold's precision@1 and recall@3.
 */
export async function evaluateRetriever(retriever: Retriever, items: readonly LabelledItem[]): Promise<SplitResult> {
  const s = await scoreGold(retriever, items, Number.POSITIVE_INFINITY);
  return { n: items.length, recallAt1: s.precisionAt1, recallAt3: s.recallAt3, latencyP50Ms: s.latencyP50Ms, latencyP95Ms: s.latencyP95Ms, misses: s.misses };
}

/** A sentence with the passages that support it; an empty list means none does (a citation would be false). */
export interface LabelledSentence {
  readonly id: string;
  readonly text: string;
  readonly passageIds: readonly string[];
}

export interface GoldScore {
  /** Sentences with at least one supporting passage. */
  readonly supported: number;
  /** Sentences labelled as supported by no passage. */
  readonly unsupported: number;
  /** Share of supported sentences whose first passage is one of theirs, in [0, 1]. */
  readonly precisionAt1: number;
  /** Share of supported sentences with one of their passages in the top 3, in [0, 1]. */
  readonly recallAt3: number;
  /** Among all sentences whose first passage scores >= citeMinScore: the share where it is one of theirs, in [0, 1]. */
  readonly citationPrecision: number;
  /** Supported sentences that get a correct first passage at or above citeMinScore, share of supported, in [0, 1]. */
  readonly citedCorrect: number;
  /** Unsupported sentences that would get a citation (first passage >= citeMinScore), share of unsupported, in [0, 1]. */
  readonly falseCitationRate: number;
  readonly latencyP50Ms: number;
  readonly latencyP95Ms: number;
  readonly misses: readonly { id: string; text: string; expected: readonly string[]; got: readonly string[] }[];
}

/**
 * Scores a retriever on labelled real sentences (eval/retrieval/README.md, "Metrics"): precision@1 and recall@3 on
 * the supported sentences, and, at the citation threshold, how many citations would be right and how many
 * unsupported sentences would get one. One warm-up pass, then one timed `retrieve` per sentence.
 */
export async function scoreGold(retriever: Retriever, items: readonly LabelledSentence[], citeMinScore: number): Promise<GoldScore> {
  for (const item of items) await retriever.retrieve(item.text, { k: 3 });
  let p1 = 0;
  let r3 = 0;
  let cited = 0;
  let citedRight = 0;
  let falseCited = 0;
  const latencies: number[] = [];
  const misses: { id: string; text: string; expected: readonly string[]; got: readonly string[] }[] = [];
  for (const item of items) {
    const t0 = performance.now();
    const results = await retriever.retrieve(item.text, { k: 3, minScore: -1 });
    latencies.push(performance.now() - t0);
    const got = results.map((r) => r.passageId);
    const correct = new Set(item.passageIds);
    const firstRight = got.length > 0 && correct.has(got[0]);
    const citesFirst = results.length > 0 && results[0].score >= citeMinScore;
    if (citesFirst) {
      cited++;
      if (firstRight) citedRight++;
      if (correct.size === 0) falseCited++;
    }
    if (correct.size === 0) continue;
    if (firstRight) p1++;
    if (got.some((id) => correct.has(id))) r3++;
    else misses.push({ id: item.id, text: item.text, expected: item.passageIds, got });
  }
  const supported = items.filter((i) => i.passageIds.length > 0).length;
  const unsupported = items.length - supported;
  return {
    supported,
    unsupported,
    precisionAt1: p1 / Math.max(1, supported),
    recallAt3: r3 / Math.max(1, supported),
    citationPrecision: cited === 0 ? 0 : citedRight / cited,
    citedCorrect: citedRight / Math.max(1, supported),
    falseCitationRate: falseCited / Math.max(1, unsupported),
    latencyP50Ms: percentile(latencies, 50),
    latencyP95Ms: percentile(latencies, 95),
    misses,
  };
}
