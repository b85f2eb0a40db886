import { beforeAll, describe, expect, it } from 'vitest';
import { citedPassages, RELATED_LITERATURE_PER_CITATION } from './citations.ts';
import { loadKnowledgeBase, type KnowledgeBase } from './knowledge-base.ts';

let kb: KnowledgeBase;
beforeAll(async () => {
  kb = await loadKnowledgeBase();
});
const ids = (c: ReturnType<typeof citedPassages>) => c.map((x) => [x.passage.id, x.passage.kind, x.via]);

describe('citedPassages', () => {
  it('puts literature criteria before method criteria and adds nothing when literature is there', () => {
    expect(ids(citedPassages(kb, ['groundct-partial-organ', 'radgpt-partial-organ']))).toEqual([
      ['radgpt-partial-organ', 'literature', 'criteria'],
      ['groundct-partial-organ', 'method', 'criteria'],
    ]);
  });

  it('adds the first literature passage a method criterion names when no criterion is literature', () => {
    expect(RELATED_LITERATURE_PER_CITATION).toBe(1);
    expect(ids(citedPassages(kb, ['groundct-negative-findings']))).toEqual([
      ['groundct-negative-findings', 'method', 'criteria'],
      ['esr2018-structured-reporting', 'literature', 'related'],
    ]);
    // groundct-26-connectivity names radgpt-lesion-component first, then a method passage (skipped).
    expect(ids(citedPassages(kb, ['groundct-26-connectivity', 'groundct-min-component-size']))).toEqual([
      ['groundct-26-connectivity', 'method', 'criteria'],
      ['groundct-min-component-size', 'method', 'criteria'],
      ['radgpt-lesion-component', 'literature', 'related'],
    ]);
  });

  it('skips unknown ids and repeated ids', () => {
    expect(ids(citedPassages(kb, ['no-such-passage', 'radgpt-spleen-volume', 'radgpt-spleen-volume']))).toEqual([['radgpt-spleen-volume', 'literature', 'criteria']]);
    expect(citedPassages(kb, [])).toEqual([]);
  });
});
