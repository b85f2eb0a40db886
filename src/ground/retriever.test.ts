import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bm25Index } from './bm25.ts';
import { dot } from './embedder.ts';
import { loadKnowledgeBase, type KnowledgeBase } from '../knowledge/index.ts';
import { passageText } from './passage-text.ts';
import { COSINE_ONLY_RETRIEVAL_OPTIONS, createDefaultEmbedder, DEFAULT_RETRIEVAL_OPTIONS, openRetriever } from './retriever.ts';
import { analyseText, withoutLocationWords } from './medical-text.ts';

let kb: KnowledgeBase;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gct-retriever-'));
beforeAll(async () => {
  kb = await loadKnowledgeBase();
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('openRetriever', () => {
  it('returns passages with id, title, kind, source and (cosine-only options) a score equal to the exact cosine, best first', async () => {
    const embedder = createDefaultEmbedder(kb);
    const retriever = await openRetriever({ kb, dataDir, embedder, options: COSINE_ONLY_RETRIEVAL_OPTIONS });
    const text = 'Spleen volume 480 mL, massive splenomegaly.';
    const results = await retriever.retrieve(text, { k: 5 });
    expect(results).toHaveLength(5);
    expect(results[0].passageId).toBe('radgpt-spleen-volume');
    expect(results[0].title).toBe(kb.byId.get('radgpt-spleen-volume')!.title);
    expect(results[0].source).toEqual(kb.byId.get('radgpt-spleen-volume')!.source);
    expect(results[0].kind).toBe('literature');
    const [q] = await embedder.embed([text]);
    for (const r of results) {
      const [p] = await embedder.embed([passageText(kb.byId.get(r.passageId)!)]);
      expect(r.score).toBeCloseTo(dot(q, p), 5);
    }
    for (let i = 1; i < results.length; i++) expect(results[i].score).toBeLessThanOrEqual(results[i - 1].score);
  });

  it('drops results below minScore and defaults to k = 3', async () => {
    const retriever = await openRetriever({ kb, dataDir });
    expect(await retriever.retrieve('Segment VI lesion at the inferior tip of the right lobe.')).toHaveLength(3);
    const all = await retriever.retrieve('Segment VI lesion', { k: 10 });
    const cut = (all[2].score + all[3].score) / 2;
    expect((await retriever.retrieve('Segment VI lesion', { k: 10, minScore: cut })).map((r) => r.passageId)).toEqual(all.slice(0, 3).map((r) => r.passageId));
  });

  it('fuses (1 - w) [(1 - l) cos(q) + l cos(q without location words)] + w bm25 / (bm25 + s), hand-recomputed', async () => {
    const embedder = createDefaultEmbedder(kb);
    const options = { lexicalWeight: 0.3, locationWeight: 0.6, bm25Saturation: 5 };
    const fused = await openRetriever({ kb, dataDir, embedder, options });
    const text = 'Portacaval lymph node of 12 mm short axis in the right upper abdomen.';
    const stripped = withoutLocationWords(text);
    expect(stripped).not.toBe(text);
    expect(stripped).not.toMatch(/\b(right|upper)\b/);
    const [q, qs] = await embedder.embed([text, stripped]);
    const bm25 = new Bm25Index(kb.passages.map((p) => analyseText(passageText(p)))).scores(analyseText(text));
    const results = await fused.retrieve(text, { k: 5, minScore: -1 });
    expect(results).toHaveLength(5);
    for (const r of results) {
      const i = kb.passages.findIndex((p) => p.id === r.passageId);
      const [p] = await embedder.embed([passageText(kb.passages[i])]);
      const expected = 0.7 * (0.4 * dot(q, p) + 0.6 * dot(qs, p)) + (0.3 * bm25[i]) / (bm25[i] + 5);
      expect(r.score).toBeCloseTo(expected, 5);
    }
  });

  it('scores a sentence mostly by its finding, not by its place (default options)', async () => {
    const retriever = await openRetriever({ kb, dataDir });
    expect(retriever.options).toEqual(DEFAULT_RETRIEVAL_OPTIONS);
    // With location words counted fully, "left lower lobe" pulls the lobe-anatomy passage to the top.
    const cosineOnly = await openRetriever({ kb, dataDir, options: COSINE_ONLY_RETRIEVAL_OPTIONS });
    const text = 'Bronchiectasis in the left lower lobe.';
    expect((await cosineOnly.retrieve(text, { k: 1 }))[0].passageId).toBe('lung-lobes-fissures');
    const ranked = (await retriever.retrieve(text, { k: 3, minScore: -1 })).map((r) => r.passageId);
    expect(ranked[0]).toBe('fleischner-glossary-bronchiectasis');
    expect(ranked.indexOf('lung-lobes-fissures')).not.toBe(0);
  });

  it('restricts results to one kind of passage when asked', async () => {
    const retriever = await openRetriever({ kb, dataDir });
    const text = 'The kidney touches the scan border, so its volume is not reported.';
    const any = await retriever.retrieve(text, { k: 5, minScore: -1 });
    expect(any.some((r) => r.kind === 'method')).toBe(true);
    const literature = await retriever.retrieve(text, { k: 5, minScore: -1, kind: 'literature' });
    expect(literature).toHaveLength(5);
    expect(literature.every((r) => r.kind === 'literature')).toBe(true);
  });

  it('rejects invalid options with GCT_GROUND_QUERY_INVALID', async () => {
    const retriever = await openRetriever({ kb, dataDir });
    await expect(retriever.retrieve('liver', { k: 0 })).rejects.toMatchObject({ code: 'GCT_GROUND_QUERY_INVALID' });
    await expect(retriever.retrieve('liver', { minScore: Number.NaN })).rejects.toMatchObject({ code: 'GCT_GROUND_QUERY_INVALID' });
    await expect(openRetriever({ kb, dataDir, lexicalWeight: 2 })).rejects.toMatchObject({ code: 'GCT_GROUND_QUERY_INVALID' });
    await expect(openRetriever({ kb, dataDir, options: { locationWeight: -0.1 } })).rejects.toMatchObject({ code: 'GCT_GROUND_QUERY_INVALID' });
    await expect(openRetriever({ kb, dataDir, options: { bm25Saturation: 0 } })).rejects.toMatchObject({ code: 'GCT_GROUND_QUERY_INVALID' });
  });
});

describe('Bm25Index', () => {
  it('scores by the Okapi formula (hand-computed for a two-document corpus)', () => {
    // docs: [a b] (len 2), [a a c] (len 3); avgdl 2.5; idf(a) = ln(1 + 0.5/2.5), idf(c) = ln(1 + 1.5/1.5) = ln 2.
    const bm = new Bm25Index([['a', 'b'], ['a', 'a', 'c']]);
    const s = bm.scores(['a', 'c']);
    const idfA = Math.log(1 + 0.5 / 2.5);
    const norm = (len: number) => 1.2 * (1 - 0.75 + (0.75 * len) / 2.5);
    expect(s[0]).toBeCloseTo((idfA * 1 * 2.2) / (1 + norm(2)), 10);
    expect(s[1]).toBeCloseTo((idfA * 2 * 2.2) / (2 + norm(3)) + (Math.log(2) * 1 * 2.2) / (1 + norm(3)), 10);
  });
});
