import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFittedPassages } from './fit-cache.ts';
import { fitHashedTfidfEmbedder } from './hashed-tfidf-embedder.ts';
import { loadKnowledgeBase } from '../knowledge/index.ts';
import { analyseText } from './medical-text.ts';
import { passageText } from './passage-text.ts';
import { openRetriever } from './retriever.ts';

let corpus: string[];
const tmp = mkdtempSync(path.join(os.tmpdir(), 'gct-fit-cache-'));
beforeAll(async () => {
  corpus = (await loadKnowledgeBase()).passages.map(passageText);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const probes = ['Hypodense lesion in Couinaud segment VIII of the liver, 23 mm.', 'No pleural effusion.', 'Agatston score 412 (severe).', 'zzzz unseen words qqqq'];

async function sameEmbedding(a: { embed(t: readonly string[]): Promise<Float32Array[]> }, b: { embed(t: readonly string[]): Promise<Float32Array[]> }) {
  const [va, vb] = [await a.embed(probes), await b.embed(probes)];
  for (let i = 0; i < probes.length; i++) expect(Array.from(va[i])).toEqual(Array.from(vb[i]));
}

describe('openFittedPassages', () => {
  it('fits once, then reads the fit back: same embedder id, bit-identical vectors, same BM25 tokens', async () => {
    const dataDir = path.join(tmp, 'a');
    const first = openFittedPassages({ corpus, dataDir });
    expect(first.origin).toBe('fitted');
    const second = openFittedPassages({ corpus, dataDir });
    expect(second.origin).toBe('loaded');
    const reference = fitHashedTfidfEmbedder(corpus);
    expect(second.embedder.id).toBe(reference.id);
    await sameEmbedding(second.embedder, reference);
    await sameEmbedding(first.embedder, reference);
    expect(second.passageTokens).toEqual(corpus.map((d) => analyseText(d)));
    expect(readdirSync(path.join(dataDir, 'index'))).toEqual([path.basename(first.file)]);
  });

  it('a damaged or mismatching file is refitted and rewritten', async () => {
    const dataDir = path.join(tmp, 'b');
    const { file } = openFittedPassages({ corpus, dataDir });
    const good = JSON.parse(readFileSync(file, 'utf8'));
    const damaged = [
      '{"formatVersion": 1, "key"', // truncated
      JSON.stringify({ ...good, documents: good.documents + 1 }),
      JSON.stringify({ ...good, df: { ...good.df, 'u:liver': 0 } }), // a df of 0 cannot come from a fit
      JSON.stringify({ ...good, passageTokens: good.passageTokens.slice(1) }),
      JSON.stringify({ ...good, passageTokens: [[1, 2], ...good.passageTokens.slice(1)] }),
      JSON.stringify({ ...good, key: 'f'.repeat(64) }),
    ];
    for (const text of damaged) {
      writeFileSync(file, text);
      const reopened = openFittedPassages({ corpus, dataDir });
      expect(reopened.origin).toBe('fitted');
      await sameEmbedding(reopened.embedder, fitHashedTfidfEmbedder(corpus));
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(good);
    }
  });

  it('another corpus or other options name another file, and the stale fit is removed', () => {
    const dataDir = path.join(tmp, 'c');
    const a = openFittedPassages({ corpus, dataDir });
    const b = openFittedPassages({ corpus: [...corpus.slice(1), 'A new passage about the spleen.'], dataDir });
    expect(b.origin).toBe('fitted');
    expect(b.file).not.toBe(a.file);
    const c = openFittedPassages({ corpus, dataDir, options: { dimensions: 512 } });
    expect(c.file).not.toBe(a.file);
    expect(c.embedder.dimensions).toBe(512);
    expect(readdirSync(path.join(dataDir, 'index'))).toEqual([path.basename(c.file)]);
  });

  it('a folder that cannot be written only means the fit is not kept', () => {
    if (process.getuid?.() === 0) {
      // root writes through permission bits: a file standing where the folder should be blocks it instead
      const dataDir = path.join(tmp, 'd');
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(path.join(dataDir, 'index'), 'not a folder');
      expect(openFittedPassages({ corpus, dataDir }).origin).toBe('fitted');
      expect(openFittedPassages({ corpus, dataDir }).origin).toBe('fitted');
      return;
    }
    const dataDir = path.join(tmp, 'd');
    mkdirSync(dataDir, { recursive: true });
    chmodSync(dataDir, 0o500);
    try {
      expect(openFittedPassages({ corpus, dataDir }).origin).toBe('fitted');
    } finally {
      chmodSync(dataDir, 0o700);
    }
  });

  it('the retriever ranks identically with a fit read back and a fresh one', async () => {
    const kb = await loadKnowledgeBase();
    const dataDir = path.join(tmp, 'e');
    const fresh = await openRetriever({ kb, dataDir });
    const loaded = await openRetriever({ kb, dataDir });
    const explicit = await openRetriever({ kb, dataDir: path.join(tmp, 'f'), embedder: fitHashedTfidfEmbedder(corpus) });
    for (const q of probes) {
      const hits = await fresh.retrieve(q, { k: 5 });
      expect(await loaded.retrieve(q, { k: 5 })).toEqual(hits);
      expect(await explicit.retrieve(q, { k: 5 })).toEqual(hits);
    }
  });
});
