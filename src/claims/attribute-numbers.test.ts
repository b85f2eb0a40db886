import { describe, expect, it } from 'vitest';
import { attributeNumbers, type OrganAnchor } from './attribute-numbers.ts';
import { findNumbers } from './numbers.ts';

/** Anchors at the first occurrence of each word in the text. */
function anchorsOf(text: string, words: Record<string, string>): OrganAnchor[] {
  return Object.entries(words).map(([word, organ]) => {
    const start = text.indexOf(word);
    return { organ, start, end: start + word.length };
  });
}
const values = (m: Map<string, ReturnType<typeof findNumbers>>) => Object.fromEntries([...m].map(([k, v]) => [k, v.map((n) => n.values[0])]));

describe('attributeNumbers', () => {
  it('nearest organ before the number; before every organ, the nearest after', () => {
    const t = 'Liver volume 1511 mL and spleen volume 346 mL.';
    expect(values(attributeNumbers(t, findNumbers(t), anchorsOf(t, { Liver: 'liver', spleen: 'spleen' })))).toEqual({ liver: [1511], spleen: [346] });
    const u = '346 mL spleen, liver 1511 mL.';
    expect(values(attributeNumbers(u, findNumbers(u), anchorsOf(u, { spleen: 'spleen', liver: 'liver' })))).toEqual({ spleen: [346], liver: [1511] });
  });

  it('"respectively" pairs numbers and organs in order; one organ takes all; a shared anchor takes none', () => {
    const t = 'The liver and spleen measure 1506 mL and 550 mL, respectively.';
    expect(values(attributeNumbers(t, findNumbers(t), anchorsOf(t, { liver: 'liver', spleen: 'spleen' })))).toEqual({ liver: [1506], spleen: [550] });
    const one = 'Spleen 346 mL, 13.8 cm.';
    expect(values(attributeNumbers(one, findNumbers(one), anchorsOf(one, { Spleen: 'spleen' })))).toEqual({ spleen: [346, 138] });
    const both = 'Hepatosplenomegaly (2500 mL).';
    const shared: OrganAnchor[] = [{ organ: 'liver', start: 0, end: 18 }, { organ: 'spleen', start: 0, end: 18 }];
    expect(values(attributeNumbers(both, findNumbers(both), shared))).toEqual({ liver: [], spleen: [] });
    expect(attributeNumbers(both, findNumbers(both), []).size).toBe(0);
  });
});
