import { createHash } from 'node:crypto';
import { gctError } from '../errors.ts';
import { l2NormaliseInPlace, type Embedder } from './embedder.ts';
import { analyseText, MEDICAL_TEXT_VERSION } from './medical-text.ts';

/**
 * The default embedder: needs no download and runs everywhere. A text becomes a bag of features (word unigrams,
 * word bigrams and character n-grams of each word with boundary marks, as in fastText: Bojanowski et al., TACL
 * 2017, doi:10.1162/tacl_a_00051), each weighted by sublinear TF-IDF (tf' = 1 + ln tf; idf = ln((1+N)/(1+df)) + 1,
 * the smoothed form of Salton & Buckley 1988, doi:10.1016/0306-4573(88)90021-0) and placed into a fixed number of
 * dimensions by feature hashing with a sign bit (Weinberger et al., ICML 2009, doi:10.1145/1553374.1553516), so the
 * inner product of two vectors is an unbiased estimate of the unhashed one. Each feature family is L2-normalised
 * on its own and weighted, so thousands of character n-grams cannot drown the few word features; the sum is
 * L2-normalised.
 *
 * IDF is fitted on a corpus (the knowledge-base passages) when the embedder is built: deterministic, no
 * randomness. A feature absent from the corpus is skipped (skipUnseen, the default), or given the largest IDF (df = 0).
 */
export const HASHED_TFIDF_VERSION = 2;

export interface HashedTfidfOptions {
  /** Number of hashed dimensions. */
  readonly dimensions: number;
  /** Weight of the word-unigram family (0 drops it). */
  readonly unigramWeight: number;
  /** Weight of the word-bigram family (0 drops it). */
  readonly bigramWeight: number;
  /** Weight of the character n-gram family (0 drops it). */
  readonly charWeight: number;
  /** Shortest and longest character n-gram, in characters (boundary marks included). */
  readonly charMin: number;
  readonly charMax: number;
  /** Apply the medical synonym table of medical-text.ts. */
  readonly synonyms: boolean;
  /** Ignore features absent from the fitted corpus (else they get the largest IDF). */
  readonly skipUnseen: boolean;
}

/** Chosen on the dev half of eval/retrieval/labelled.jsonl (see eval/results/retrieval.md). */
export const DEFAULT_HASHED_TFIDF_OPTIONS: HashedTfidfOptions = Object.freeze({
  dimensions: 4096,
  unigramWeight: 1,
  bigramWeight: 0.5,
  charWeight: 1,
  charMin: 3,
  charMax: 5,
  synonyms: true,
  skipUnseen: true,
});

/**
 * 32-bit FNV-1a over the UTF-16 code units of `s` (Fowler, Noll, Vo; IETF draft-eastlake-fnv), seeded by mixing
 * `seed` into the offset basis so each feature family hashes independently.
 */
export function fnv1a32(s: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

type Family = 'u' | 'b' | 'c';

/** The features of one text, per family, with raw term counts. Keys are prefixed by family to keep IDFs apart. */
export function extractFeatures(text: string, o: HashedTfidfOptions): Map<string, number> {
  const tokens = analyseText(text, { synonyms: o.synonyms });
  const counts = new Map<string, number>();
  const add = (f: string) => counts.set(f, (counts.get(f) ?? 0) + 1);
  if (o.unigramWeight > 0) for (const t of tokens) add(`u:${t}`);
  if (o.bigramWeight > 0) for (let i = 1; i < tokens.length; i++) add(`b:${tokens[i - 1]} ${tokens[i]}`);
  if (o.charWeight > 0) {
    for (const t of tokens) {
      const w = `<${t}>`;
      if (w.length <= o.charMin) {
        add(`c:${w}`);
        continue;
      }
      for (let n = o.charMin; n <= o.charMax; n++) for (let i = 0; i + n <= w.length; i++) add(`c:${w.slice(i, i + n)}`);
    }
  }
  return counts;
}

export class HashedTfidfEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  readonly options: HashedTfidfOptions;
  private readonly df: DocumentFrequencies;
  private readonly documents: number;
  private readonly unseenIdf: number;

  /** Use `fitHashedTfidfEmbedder` (or `hashedTfidfFromFit` for a fit read back from disk). */
  constructor(options: HashedTfidfOptions, fit: HashedTfidfFit) {
    this.options = options;
    this.dimensions = options.dimensions;
    this.df = fit.df;
    this.documents = fit.documents;
    this.unseenIdf = Math.log(1 + fit.documents) + 1;
    const fitHash = fit.fitHash;
    const o = options;
    this.id =
      `hashed-tfidf-v${HASHED_TFIDF_VERSION}.t${MEDICAL_TEXT_VERSION}-d${o.dimensions}` +
      `-u${o.unigramWeight}-b${o.bigramWeight}-c${o.charWeight}_${o.charMin}_${o.charMax}-s${o.synonyms ? 1 : 0}${o.skipUnseen ? '-x' : ''}-f${fitHash}`;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    return texts.map((t) => this.embedOne(t));
  }

  /** Synchronous form of `embed` for one text. */
  embedOne(text: string): Float32Array {
    const o = this.options;
    const out = new Float32Array(o.dimensions);
    const families: ReadonlyArray<readonly [Family, number]> = [
      ['u', o.unigramWeight],
      ['b', o.bigramWeight],
      ['c', o.charWeight],
    ];
    const features = extractFeatures(text, o);
    for (const [family, weight] of families) {
      if (weight <= 0) continue;
      const buckets: number[] = [];
      const values: number[] = [];
      let sumSq = 0;
      for (const [f, tf] of features) {
        if (f.charCodeAt(0) !== family.charCodeAt(0)) continue;
        const d = this.df.get(f);
        const idf = d === undefined ? undefined : Math.log((1 + this.documents) / (1 + d)) + 1;
        // A feature no fitted document has can only meet a passage through a hash collision: it would add noise
        // and shrink every similarity, so it is skipped (from HASHED_TFIDF_VERSION 2 on).
        if (idf === undefined && this.options.skipUnseen) continue;
        const value = (1 + Math.log(tf)) * (idf ?? this.unseenIdf);
        const h = fnv1a32(f);
        // Low bits pick the bucket, the top bit the sign (independent enough for a power-of-two-free modulus).
        buckets.push(h % o.dimensions);
        values.push(h & 0x80000000 ? -value : value);
        sumSq += value * value;
      }
      if (sumSq === 0) continue;
      const scale = weight / Math.sqrt(sumSq);
      for (let i = 0; i < buckets.length; i++) out[buckets[i]] += values[i] * scale;
    }
    return l2NormaliseInPlace(out);
  }
}

/** Document frequency of each feature of the fitted corpus (a Map, or a lookup over a fit read back from disk). */
export interface DocumentFrequencies {
  get(feature: string): number | undefined;
}

/**
 * What fitting produces: the document frequency of every feature, the number of documents, and the first 8 hex
 * digits of the SHA-256 of the corpus (part of the embedder id). IDF is derived from df and N at lookup, so a fit
 * stored as integers and read back gives bit-identical vectors.
 */
export interface HashedTfidfFit {
  readonly df: DocumentFrequencies;
  readonly documents: number;
  readonly fitHash: string;
}

/** Resolves partial options against the defaults and checks them. */
export function hashedTfidfOptions(options: Partial<HashedTfidfOptions> = {}): HashedTfidfOptions {
  const o: HashedTfidfOptions = Object.freeze({ ...DEFAULT_HASHED_TFIDF_OPTIONS, ...options });
  if (!Number.isInteger(o.dimensions) || o.dimensions < 16 || o.dimensions > 65536) {
    throw gctError('GCT_GROUND_EMBEDDER_INVALID', `Hashed TF-IDF dimensions must be an integer in [16, 65536], got ${o.dimensions}.`, { dimensions: o.dimensions });
  }
  if (!(o.charMin >= 1 && o.charMax >= o.charMin && Number.isInteger(o.charMin) && Number.isInteger(o.charMax))) {
    throw gctError('GCT_GROUND_EMBEDDER_INVALID', `Character n-gram range must satisfy 1 <= charMin <= charMax, got ${o.charMin}..${o.charMax}.`, { charMin: o.charMin, charMax: o.charMax });
  }
  return o;
}

/** The first 8 hex digits of the SHA-256 of the corpus (documents separated by NUL). */
export function corpusFitHash(corpus: readonly string[]): string {
  const h = createHash('sha256');
  for (const doc of corpus) h.update(doc).update('\0');
  return h.digest('hex').slice(0, 8);
}

/** Counts, for every feature, the documents of `corpus` that have it. */
export function fitDocumentFrequencies(corpus: readonly string[], options: HashedTfidfOptions): { df: Map<string, number>; documents: number; fitHash: string } {
  if (corpus.length === 0) throw gctError('GCT_GROUND_EMBEDDER_INVALID', 'The hashed TF-IDF embedder needs at least one document to fit its IDF table.', {});
  const df = new Map<string, number>();
  for (const doc of corpus) for (const f of extractFeatures(doc, options).keys()) df.set(f, (df.get(f) ?? 0) + 1);
  return { df, documents: corpus.length, fitHash: corpusFitHash(corpus) };
}

/** The embedder of an existing fit (e.g. one cached on disk by fit-cache.ts). */
export function hashedTfidfFromFit(options: HashedTfidfOptions, fit: HashedTfidfFit): HashedTfidfEmbedder {
  if (!(Number.isInteger(fit.documents) && fit.documents > 0)) throw gctError('GCT_GROUND_EMBEDDER_INVALID', `A hashed TF-IDF fit needs a positive document count, got ${fit.documents}.`, { documents: fit.documents });
  return new HashedTfidfEmbedder(options, fit);
}

/**
 * Fits the IDF table on `corpus` (one string per document) and returns the embedder. Deterministic: the same
 * corpus and options always give the same id and vectors.
 */
export function fitHashedTfidfEmbedder(corpus: readonly string[], options: Partial<HashedTfidfOptions> = {}): HashedTfidfEmbedder {
  const o = hashedTfidfOptions(options);
  return new HashedTfidfEmbedder(o, fitDocumentFrequencies(corpus, o));
}
