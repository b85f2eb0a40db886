import { describe, expect, it } from 'vitest';
import { splitSentences } from './split-sentences.ts';

describe('splitSentences', () => {
  it('reads Markdown headings as sections, bullets and numbered items as their own sentences', () => {
    const md = ['# CT abdomen', '', '## FINDINGS', '- **Liver:** Normal. A 2.1 cm lesion in segment VII.', '- Spleen: enlarged', '', 'IMPRESSION:', '1. Enlarged spleen.', '2) Liver lesion.'].join('\n');
    const s = splitSentences(md);
    expect(s.map((x) => x.text)).toEqual(['Liver: Normal.', 'A 2.1 cm lesion in segment VII.', 'Spleen: enlarged', 'Enlarged spleen.', 'Liver lesion.']);
    expect(s.map((x) => x.section)).toEqual(['findings', 'findings', 'findings', 'impression', 'impression']);
    expect(s.map((x) => x.id)).toEqual(['s1', 's2', 's3', 's4', 's5']);
  });

  it('does not split at decimals, "approx.", "e.g." or initials, and joins wrapped lines', () => {
    const text = 'The liver measures approx. 1.5 L, e.g. normal.\nThe cyst is 2.1 cm\nin diameter. Follow-up vs. no follow-up is left to Dr. Smith. Next sentence.';
    expect(splitSentences(text).map((x) => x.text)).toEqual([
      'The liver measures approx. 1.5 L, e.g. normal.',
      'The cyst is 2.1 cm in diameter.',
      'Follow-up vs. no follow-up is left to Dr. Smith.',
      'Next sentence.',
    ]);
  });

  it('takes the text after a leading section word, skips tables and code fences', () => {
    const s = splitSentences('FINDINGS: Splenomegaly. No ascites.\n| a | b |\n```\nnot text\n```\nImpression: Fatty liver.');
    expect(s.map((x) => [x.section, x.text])).toEqual([
      ['findings', 'Splenomegaly.'],
      ['findings', 'No ascites.'],
      ['impression', 'Fatty liver.'],
    ]);
  });

  it('gives no sentence for empty text', () => {
    expect(splitSentences('  \n\n')).toEqual([]);
  });
});
