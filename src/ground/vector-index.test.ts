import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { l2NormaliseInPlace } from './embedder.ts';
import { VectorIndex } from './vector-index.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'gct-vector-index-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const v = (...xs: number[]) => l2NormaliseInPlace(Float32Array.from(xs));

describe('VectorIndex', () => {
  // Unit vectors at 0, 30, 90 and 180 degrees in the xy plane.
  const deg = (a: number) => v(Math.cos((a * Math.PI) / 180), Math.sin((a * Math.PI) / 180), 0);
  const vectors = [deg(0), deg(30), deg(90), deg(180)];

  it('returns neighbours best first with score = cosine similarity', () => {
    const index = VectorIndex.build(vectors, 3);
    const hits = index.search(deg(10), 4);
    expect(hits.map((h) => h.label)).toEqual([0, 1, 2, 3]);
    // cos(10), cos(20), cos(80), cos(170)
    [10, 20, 80, 170].forEach((a, i) => expect(hits[i].score).toBeCloseTo(Math.cos((a * Math.PI) / 180), 5));
  });

  it('caps k at the index size and survives a save/load round trip unchanged', () => {
    const index = VectorIndex.build(vectors, 3);
    const file = path.join(tmp, 'four.hnsw');
    index.save(file);
    const loaded = VectorIndex.load(file, 3);
    expect(loaded.size).toBe(4);
    expect(loaded.search(deg(100), 10)).toEqual(index.search(deg(100), 10));
  });

  it('rejects vectors of the wrong length and unreadable files with GCT_GROUND_INDEX_FAILED', () => {
    expect(() => VectorIndex.build([v(1, 0)], 3)).toThrow(expect.objectContaining({ code: 'GCT_GROUND_INDEX_FAILED' }));
    const index = VectorIndex.build(vectors, 3);
    expect(() => index.search(v(1, 0), 1)).toThrow(expect.objectContaining({ code: 'GCT_GROUND_INDEX_FAILED' }));
    expect(() => VectorIndex.load(path.join(tmp, 'absent.hnsw'), 3)).toThrow(expect.objectContaining({ code: 'GCT_GROUND_INDEX_FAILED' }));
  });
});
