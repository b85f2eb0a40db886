import type { Passage } from '../knowledge/index.ts';

/**
 * The text of a passage that is embedded and indexed: title (TITLE_REPEATS times, so the few words that name the
 * passage's subject weigh as much as its body; the BM25F idea of a boosted title field, Robertson et al., CIKM 2004,
 * doi:10.1145/1031171.1031181), topics (hyphens as spaces), body and the meaning of each threshold it defines.
 * Bumping PASSAGE_TEXT_VERSION after changing this function rebuilds cached indexes.
 */
export const PASSAGE_TEXT_VERSION = 2;
/** How often the title is repeated; chosen on the dev split of the gold sentences (eval/results/retrieval.md). */
export const TITLE_REPEATS = 3;

export function passageText(p: Passage): string {
  const topics = p.topics.map((t) => t.replace(/-/g, ' ')).join(', ');
  const thresholds = p.thresholds.map((t) => `${t.meaning}.`).join(' ');
  return `${`${p.title}. `.repeat(TITLE_REPEATS)}${topics}. ${p.body}${thresholds ? ` ${thresholds}` : ''}`;
}
