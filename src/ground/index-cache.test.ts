import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitHashedTfidfEmbedder } from './hashed-tfidf-embedder.ts';
import { indexFileStem, IndexSidecarSchema, openIndexCache } from './index-cache.ts';
import { loadKnowledgeBase, type KnowledgeBase } from '../knowledge/index.ts';
import { passageText } from './passage-text.ts';

let kb: KnowledgeBase;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'gct-index-cache-'));
beforeAll(async () => {
  kb = await loadKnowledgeBase();
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** An embedder that counts how many texts it embedded, to prove a load does not re-embed passages. */
function countingEmbedder(dimensions = 512) {
  const inner = fitHashedTfidfEmbedder(kb.passages.map(passageText), { dimensions });
  const counter = { texts: 0 };
  return {
    counter,
    embedder: { id: inner.id, dimensions: inner.dimensions, embed: async (t: readonly string[]) => ((counter.texts += t.length), inner.embed(t)) },
  };
}

describe('openIndexCache', () => {
  it('builds once, then loads from <dataDir>/index/<embedderId>-<kbHash>.hnsw without re-embedding', async () => {
    const dataDir = path.join(tmp, 'a');
    const { counter, embedder } = countingEmbedder();
    const first = await openIndexCache({ kb, embedder, dataDir });
    expect(first.origin).toBe('built-missing');
    expect(counter.texts).toBe(kb.passages.length);
    expect(first.file).toBe(path.join(dataDir, 'index', `${embedder.id}-${kb.contentHash.slice(0, 16)}.hnsw`));
    const sidecar = IndexSidecarSchema.parse(JSON.parse(readFileSync(first.file.replace(/\.hnsw$/, '.json'), 'utf8')));
    expect(sidecar.passageIds).toEqual(kb.passages.map((p) => p.id));
    expect(sidecar.kbContentHash).toBe(kb.contentHash);

    const second = await openIndexCache({ kb, embedder, dataDir });
    expect(second.origin).toBe('loaded');
    expect(counter.texts).toBe(kb.passages.length); // nothing embedded again
    const [q] = await embedder.embed(['hypodense lesion in segment VIII']);
    expect(second.index.search(q, 5)).toEqual(first.index.search(q, 5));
  });

  it('rebuilds under a new name when the knowledge-base hash changes, and prunes the stale index', async () => {
    const dataDir = path.join(tmp, 'b');
    const { embedder } = countingEmbedder();
    const old = await openIndexCache({ kb, embedder, dataDir });
    const changed: KnowledgeBase = { ...kb, contentHash: 'f'.repeat(64) };
    const fresh = await openIndexCache({ kb: changed, embedder, dataDir });
    expect(fresh.origin).toBe('built-missing');
    expect(path.basename(fresh.file)).toBe(`${indexFileStem(embedder.id, 'f'.repeat(64))}.hnsw`);
    expect(existsSync(old.file)).toBe(false);
    const stem = path.basename(fresh.file).replace('.hnsw', '');
    expect(readdirSync(path.join(dataDir, 'index')).sort()).toEqual([`${stem}.f32`, `${stem}.hnsw`, `${stem}.json`]);
  });

  it('the passage vectors come back from the .f32 file as hnswlib holds them; a damaged file falls back to the index', async () => {
    const dataDir = path.join(tmp, 'e');
    const { embedder } = countingEmbedder();
    const built = await openIndexCache({ kb, embedder, dataDir });
    const loaded = await openIndexCache({ kb, embedder, dataDir });
    expect(loaded.origin).toBe('loaded');
    const fromIndex = loaded.index.vectors();
    const fromFile = loaded.vectors();
    expect(fromFile.length).toBe(kb.passages.length);
    expect(fromFile.map((v) => Array.from(v))).toEqual(fromIndex.map((v) => Array.from(v)));
    expect(built.vectors().map((v) => Array.from(v))).toEqual(fromIndex.map((v) => Array.from(v)));
    writeFileSync(built.file.replace(/\.hnsw$/, '.f32'), 'short');
    expect((await openIndexCache({ kb, embedder, dataDir })).vectors().map((v) => Array.from(v))).toEqual(fromIndex.map((v) => Array.from(v)));
  });

  it('keeps indexes of different embedders side by side', async () => {
    const dataDir = path.join(tmp, 'c');
    const a = await openIndexCache({ kb, embedder: countingEmbedder(512).embedder, dataDir });
    const b = await openIndexCache({ kb, embedder: countingEmbedder(256).embedder, dataDir });
    expect(a.file).not.toBe(b.file);
    expect(existsSync(a.file) && existsSync(b.file)).toBe(true);
  });

  it('rebuilds a corrupt index file and a sidecar from another build', async () => {
    const dataDir = path.join(tmp, 'd');
    const { embedder } = countingEmbedder();
    const built = await openIndexCache({ kb, embedder, dataDir });
    writeFileSync(built.file, 'not an index');
    expect((await openIndexCache({ kb, embedder, dataDir })).origin).toBe('built-unreadable');
    const sidecarFile = built.file.replace(/\.hnsw$/, '.json');
    const sidecar = JSON.parse(readFileSync(sidecarFile, 'utf8'));
    writeFileSync(sidecarFile, JSON.stringify({ ...sidecar, passageTextVersion: 0 }));
    expect((await openIndexCache({ kb, embedder, dataDir })).origin).toBe('built-stale');
    expect((await openIndexCache({ kb, embedder, dataDir })).origin).toBe('loaded');
  });

  it('refuses an embedder id that cannot be a file name', async () => {
    const { embedder } = countingEmbedder();
    await expect(openIndexCache({ kb, embedder: { ...embedder, id: '../x' }, dataDir: path.join(tmp, 'e') })).rejects.toMatchObject({ code: 'GCT_GROUND_EMBEDDER_INVALID' });
  });
});
