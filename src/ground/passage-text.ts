import type { Passage } from '../knowledge/index.ts';

/**
 * The text of a passage that is embedded and indexed: title, topics (hyphens as spaces), body and the meaning of
 * each threshold it defines. Bumping PASSAGE_TEXT_VERSION after changing this function rebuilds cached indexes.
 */
export const PASSAGE_TEXT_VERSION = 1;

export function passageText(p: Passage): string {
  const topics = p.topics.map((t) => t.replace(/-/g, ' ')).join(', ');
  const thresholds = p.thresholds.map((t) => `${t.meaning}.`).join(' ');
  return `${p.title}. ${topics}. ${p.body}${thresholds ? ` ${thresholds}` : ''}`;
}
