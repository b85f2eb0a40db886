import { describe, expect, it } from 'vitest';
import { GroundctError } from '../errors.ts';
import { dot } from './embedder.ts';
import { fitHashedTfidfEmbedder, fnv1a32 } from './hashed-tfidf-embedder.ts';

describe('fnv1a32', () => {
  it('matches the published FNV-1a 32-bit test vectors', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });
});

describe('HashedTfidfEmbedder', () => {
  // Word unigrams only, so every vector can be computed by hand.
  const unigrams = { unigramWeight: 1, bigramWeight: 0, charWeight: 0, dimensions: 4096 } as const;
  const corpus = ['liver cyst', 'spleen'];
  const bucket = (f: string) => fnv1a32(f) % 4096;
  const sign = (f: string) => (fnv1a32(f) & 0x80000000 ? -1 : 1);

  it('puts a single feature at its hashed bucket with its hashed sign and norm 1', async () => {
    const e = fitHashedTfidfEmbedder(corpus, unigrams);
    const [v] = await e.embed(['liver']);
    expect(v[bucket('u:liver')]).toBeCloseTo(sign('u:liver'), 6);
    expect(dot(v, v)).toBeCloseTo(1, 6);
  });

  it('weights by sublinear tf x smoothed idf: cos("liver liver spleen", "liver") = (1+ln2)/sqrt((1+ln2)^2+1)', async () => {
    // N = 2; df(liver) = df(spleen) = 1 -> equal idf ln(3/2)+1, which cancels; tf(liver) = 2 -> 1 + ln 2.
    expect(bucket('u:liver')).not.toBe(bucket('u:spleen')); // no collision, else the hand value would not hold
    const e = fitHashedTfidfEmbedder(corpus, unigrams);
    const [a, b] = await e.embed(['liver liver spleen', 'liver']);
    const w = 1 + Math.log(2);
    expect(dot(a, b)).toBeCloseTo(w / Math.sqrt(w * w + 1), 6); // 0.8609
  });

  it('skips a word absent from the corpus by default: cos("liver kidney", "liver") = 1', async () => {
    const e = fitHashedTfidfEmbedder(corpus, unigrams);
    const [a, b] = await e.embed(['liver kidney', 'liver']);
    expect(dot(a, b)).toBeCloseTo(1, 6);
  });

  it('without skipUnseen gives a word absent from the corpus the largest idf, ln(N+1)+1', async () => {
    // "kidney" (df 0): ln(3)+1 = 2.0986; "liver" (df 1): ln(1.5)+1 = 1.4055 -> cos with "liver" = 1.4055/|(1.4055, 2.0986)|.
    const e = fitHashedTfidfEmbedder(corpus, { ...unigrams, skipUnseen: false });
    const [a, b] = await e.embed(['liver kidney', 'liver']);
    const l = Math.log(1.5) + 1;
    const k = Math.log(3) + 1;
    expect(dot(a, b)).toBeCloseTo(l / Math.hypot(l, k), 6);
  });

  it('is deterministic and encodes its options and fitted corpus in its id', async () => {
    const a = fitHashedTfidfEmbedder(corpus);
    const b = fitHashedTfidfEmbedder(corpus);
    expect(a.id).toBe(b.id);
    expect(Array.from((await a.embed(['hypodense liver lesion']))[0])).toEqual(Array.from((await b.embed(['hypodense liver lesion']))[0]));
    expect(fitHashedTfidfEmbedder(corpus, { dimensions: 1024 }).id).not.toBe(a.id);
    expect(fitHashedTfidfEmbedder(['liver cyst', 'kidney']).id).not.toBe(a.id);
    expect(a.id).toMatch(/^hashed-tfidf-v2\.t3-d4096-.*-x-f/);
    expect(fitHashedTfidfEmbedder(corpus, { skipUnseen: false }).id).not.toBe(a.id);
  });

  it('returns a zero vector for a text without features and rejects bad options', async () => {
    const e = fitHashedTfidfEmbedder(corpus);
    const [v] = await e.embed(['the of and']);
    expect(v.every((x) => x === 0)).toBe(true);
    expect(() => fitHashedTfidfEmbedder(corpus, { dimensions: 8 })).toThrow(GroundctError);
    expect(() => fitHashedTfidfEmbedder([], {})).toThrow(/at least one document/);
  });
});
