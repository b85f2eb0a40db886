import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTransformersEmbedder, poolHiddenStates, type TransformersEmbedder } from './transformers-embedder.ts';

/**
 * Uses the TINY TEST MODEL in test/fixtures/tiny-embedder (fixed random weights, not a semantic model; regenerate
 * with test/fixtures/tiny-embedder/generate.py). The expected vectors were computed by numpy in that script.
 */
const fixtureDir = fileURLToPath(new URL('../../test/fixtures/tiny-embedder/', import.meta.url));
interface Expected {
  hiddenSize: number;
  sentences: { text: string; inputIds: number[]; meanPooled: number[]; clsPooled: number[] }[];
  unmaskedMeanOfPaddedBatch: number[][];
}
const expected = JSON.parse(readFileSync(`${fixtureDir}expected.json`, 'utf8')) as Expected;
const texts = expected.sentences.map((s) => s.text);
const TOLERANCE = 1e-5;

function expectClose(actual: Float32Array, wanted: readonly number[]) {
  expect(actual.length).toBe(wanted.length);
  wanted.forEach((w, i) => expect(Math.abs(actual[i] - w)).toBeLessThan(TOLERANCE));
}

describe('loadTransformersEmbedder on the tiny test model', () => {
  let mean: TransformersEmbedder;
  beforeAll(async () => {
    mean = await loadTransformersEmbedder({ modelName: 'tiny-bert-test', modelsDir: fixtureDir });
  });
  afterAll(async () => mean?.dispose());

  it('reads dimensions from config.json and puts the weights hash into the id', () => {
    expect(mean.dimensions).toBe(expected.hiddenSize);
    expect(mean.pooling).toBe('mean');
    expect(mean.id).toMatch(/^transformers-v1-tiny-bert-test-mean-w[0-9a-f]{12}$/);
  });

  it('mask-aware mean pooling of a padded batch equals the numpy reference to 1e-5', async () => {
    const vectors = await mean.embed(texts); // one batch, padded to the longest sentence
    vectors.forEach((v, i) => expectClose(v, expected.sentences[i].meanPooled));
    // The sentences have different lengths, so a pooling that ignored the mask would differ visibly:
    const shortest = expected.sentences.findIndex((s) => s.inputIds.length === Math.min(...expected.sentences.map((x) => x.inputIds.length)));
    const gap = expected.unmaskedMeanOfPaddedBatch[shortest].reduce((m, w, h) => Math.max(m, Math.abs(w - vectors[shortest][h])), 0);
    expect(gap).toBeGreaterThan(0.01);
  });

  it('gives each sentence the same vector alone as in a batch', async () => {
    for (const [i, t] of texts.entries()) expectClose((await mean.embed([t]))[0], expected.sentences[i].meanPooled);
  });

  it('CLS pooling takes the first token', async () => {
    const cls = await loadTransformersEmbedder({ modelName: 'tiny-bert-test', modelsDir: fixtureDir, pooling: 'cls' });
    (await cls.embed(texts)).forEach((v, i) => expectClose(v, expected.sentences[i].clsPooled));
    expect(cls.id).not.toBe(mean.id);
    await cls.dispose();
  });
});

describe('loadTransformersEmbedder errors', () => {
  it('names the folder and the missing files when the model is absent', async () => {
    const err = await loadTransformersEmbedder({ modelName: 'all-MiniLM-L6-v2', modelsDir: '/nonexistent/models' }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'GCT_GROUND_MODEL_NOT_FOUND',
      details: { dir: '/nonexistent/models/all-MiniLM-L6-v2', missing: ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'] },
    });
  });

  it('rejects a model name that is not a plain folder name', async () => {
    await expect(loadTransformersEmbedder({ modelName: '../etc', modelsDir: fixtureDir })).rejects.toMatchObject({ code: 'GCT_GROUND_EMBEDDER_INVALID' });
  });
});

describe('poolHiddenStates', () => {
  it('averages only unmasked tokens (hand-computed)', () => {
    // batch 2, tokens 3, hidden 2; row 0 mask [1,1,0], row 1 mask [1,1,1]
    const hidden = [1, 2, 3, 4, 100, 100, 0, 0, 3, 3, 6, 9];
    const [a, b] = poolHiddenStates(hidden, [1n, 1n, 0n, 1n, 1n, 1n], [2, 3, 2], 'mean');
    expect(Array.from(a)).toEqual([2, 3]);
    expect(Array.from(b)).toEqual([3, 4]);
    const [c] = poolHiddenStates(hidden, [1, 1, 0, 1, 1, 1], [2, 3, 2], 'cls');
    expect(Array.from(c)).toEqual([1, 2]);
  });
});
