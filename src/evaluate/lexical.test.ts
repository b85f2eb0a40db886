import { describe, expect, it } from 'vitest';
import { bleu4, lexicalTokens, rougeL } from './lexical.ts';

describe('lexical scores', () => {
  it('tokens are lower-case words and whole decimals', () => {
    expect(lexicalTokens('A 2.1 cm Lesion, segment VII.')).toEqual(['a', '2.1', 'cm', 'lesion', 'segment', 'vii']);
  });

  it('BLEU-4 is 1 for identical text, 0 without a shared 4-gram, and matches a hand computation', () => {
    expect(bleu4([{ candidate: 'the spleen is enlarged today', reference: 'the spleen is enlarged today' }])).toBeCloseTo(1, 12);
    expect(bleu4([{ candidate: 'spleen enlarged', reference: 'the spleen is enlarged' }])).toBe(0);
    // candidate 'the spleen is enlarged now' vs reference 'the spleen is enlarged today':
    // p1 = 4/5, p2 = 3/4, p3 = 2/3, p4 = 1/2, equal lengths so BP = 1; BLEU = (4/5 * 3/4 * 2/3 * 1/2)^(1/4) = 0.2^(1/4)
    expect(bleu4([{ candidate: 'the spleen is enlarged now', reference: 'the spleen is enlarged today' }])).toBeCloseTo(0.2 ** 0.25, 12);
    // a shorter candidate pays the brevity penalty exp(1 - 6/5); p1 = 5/5, p2 = 3/4, p3 = 2/3, p4 = 1/2
    const short = bleu4([{ candidate: 'the spleen is enlarged now', reference: 'the spleen is enlarged right now' }]);
    const p = (5 / 5) * (3 / 4) * (2 / 3) * (1 / 2);
    expect(short).toBeCloseTo(Math.exp(1 - 6 / 5) * p ** 0.25, 12);
  });

  it('ROUGE-L with beta 1.2 matches a hand computation', () => {
    // LCS('a b c d', 'a c d e') = 3 (a c d); P = 3/4, R = 3/4 -> F = 0.75
    expect(rougeL('a b c d', 'a c d e')).toBeCloseTo(0.75, 12);
    // LCS('a b', 'a x b y') = 2; P = 1, R = 0.5; F = (1 + 1.44) * 0.5 / (0.5 + 1.44 * 1) = 1.22 / 1.94
    expect(rougeL('a b', 'a x b y')).toBeCloseTo(1.22 / 1.94, 12);
    expect(rougeL('', 'a')).toBe(0);
  });
});
