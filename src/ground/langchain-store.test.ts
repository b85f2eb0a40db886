import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Document } from '@langchain/core/documents';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKnowledgeBase, type KnowledgeBase } from '../knowledge/index.ts';
import { GroundctVectorStore } from './langchain-store.ts';
import { COSINE_ONLY_RETRIEVAL_OPTIONS, createDefaultEmbedder, openRetriever } from './retriever.ts';

let kb: KnowledgeBase;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gct-langchain-'));
beforeAll(async () => {
  kb = await loadKnowledgeBase();
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('GroundctVectorStore', () => {
  it('asRetriever().invoke returns Documents carrying passage ids, in the order of our retriever', async () => {
    const embedder = createDefaultEmbedder(kb);
    const store = await GroundctVectorStore.open({ kb, embedder, dataDir });
    const query = 'Tumour thrombus extends into the renal vein; which T stage?';
    const docs = await store.asRetriever({ k: 3 }).invoke(query);
    expect(docs).toHaveLength(3);
    for (const d of docs) {
      expect(d).toBeInstanceOf(Document);
      expect(d.id).toBe(d.metadata.passageId);
      expect(d.pageContent).toBe(kb.byId.get(d.metadata.passageId)!.body);
      expect(d.metadata.title).toBe(kb.byId.get(d.metadata.passageId)!.title);
    }
    const ours = await (await openRetriever({ kb, dataDir, embedder, options: COSINE_ONLY_RETRIEVAL_OPTIONS })).retrieve(query, { k: 3 });
    expect(docs.map((d) => d.metadata.passageId)).toEqual(ours.map((r) => r.passageId));
    expect(docs[0].metadata.passageId).toBe('ajcc8-kidney-t');
  });

  it('similaritySearchWithScore gives the same cosine scores and honours a filter', async () => {
    const embedder = createDefaultEmbedder(kb);
    const store = await GroundctVectorStore.open({ kb, embedder, dataDir });
    const query = 'hypodense lesion in segment IVb';
    const withScores = await store.similaritySearchWithScore(query, 4);
    const ours = await (await openRetriever({ kb, dataDir, embedder, options: COSINE_ONLY_RETRIEVAL_OPTIONS })).retrieve(query, { k: 4 });
    withScores.forEach(([, score], i) => expect(score).toBeCloseTo(ours[i].score, 6));
    const onlyRadgpt = await store.similaritySearch(query, 2, (d) => d.metadata.passageId.startsWith('radgpt-'));
    expect(onlyRadgpt).toHaveLength(2);
    expect(onlyRadgpt.every((d) => d.metadata.passageId.startsWith('radgpt-'))).toBe(true);
  });

  it('is read-only', async () => {
    const store = await GroundctVectorStore.open({ kb, embedder: createDefaultEmbedder(kb), dataDir });
    await expect(store.addDocuments([new Document({ pageContent: 'x' })])).rejects.toMatchObject({ code: 'GCT_GROUND_STORE_READ_ONLY' });
  });
});
