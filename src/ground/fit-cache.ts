import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  fitDocumentFrequencies, HASHED_TFIDF_VERSION, hashedTfidfFromFit, hashedTfidfOptions,
  type DocumentFrequencies, type HashedTfidfEmbedder, type HashedTfidfOptions,
} from './hashed-tfidf-embedder.ts';
import { analyseText, MEDICAL_TEXT_VERSION } from './medical-text.ts';

/**
 * What the default retriever derives from the knowledge base's passage texts on every start, kept on disk beside
 * the passage index so that a report does not redo it: the hashed TF-IDF fit (document frequency of each of the
 * ~29,000 features of the 217 passages) and the analysed tokens of each passage that BM25 scores. Fitting and
 * analysing cost about a quarter of a second per process; reading them back is a JSON parse.
 *
 * `<dataDir>/index/tfidf-fit-<key16>.json`, where the key is a SHA-256 over this format's version, the embedder and
 * text-analysis versions, the options and the passage texts themselves: any change to what the fit was made from
 * names another file. A file that is missing, unreadable or does not match is refitted and rewritten (temporary
 * name, then rename); a cache that cannot be written is not an error, the fit is simply not kept.
 */
export const FIT_CACHE_FORMAT_VERSION = 1;
const FILE_PREFIX = 'tfidf-fit-';

export interface FittedPassages {
  readonly embedder: HashedTfidfEmbedder;
  /** analyseText(corpus[i]) with its default options, per document in corpus order (the BM25 documents). */
  readonly passageTokens: readonly (readonly string[])[];
  /** 'loaded' from the cache file, else 'fitted' (and written when the folder is writable). */
  readonly origin: 'loaded' | 'fitted';
  readonly file: string;
}

interface StoredFit {
  readonly formatVersion: number;
  readonly key: string;
  readonly documents: number;
  readonly fitHash: string;
  /** Document frequency per feature (a plain object: JSON.parse builds it faster than a Map of 29,000 entries). */
  readonly df: Record<string, number>;
  readonly passageTokens: string[][];
}

/** The cache key of a fit: everything that changes the stored document frequencies or tokens. */
export function fitCacheKey(corpus: readonly string[], options: HashedTfidfOptions): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ format: FIT_CACHE_FORMAT_VERSION, embedder: HASHED_TFIDF_VERSION, text: MEDICAL_TEXT_VERSION, options })).update('\0');
  for (const doc of corpus) h.update(doc).update('\0');
  return h.digest('hex');
}

/** The default embedder fitted on `corpus` and the BM25 tokens of each document, from `<dataDir>/index/` when kept. */
export function openFittedPassages(args: { corpus: readonly string[]; dataDir: string; options?: Partial<HashedTfidfOptions> }): FittedPassages {
  const options = hashedTfidfOptions(args.options);
  const key = fitCacheKey(args.corpus, options);
  const dir = path.join(args.dataDir, 'index');
  const file = path.join(dir, `${FILE_PREFIX}${key.slice(0, 16)}.json`);
  const stored = readStoredFit(file, key, args.corpus.length);
  if (stored !== null) {
    const df = stored.df;
    const lookup: DocumentFrequencies = { get: (feature) => (Object.hasOwn(df, feature) ? df[feature] : undefined) };
    return { embedder: hashedTfidfFromFit(options, { df: lookup, documents: stored.documents, fitHash: stored.fitHash }), passageTokens: stored.passageTokens, origin: 'loaded', file };
  }
  const fit = fitDocumentFrequencies(args.corpus, options);
  const passageTokens = args.corpus.map((doc) => analyseText(doc));
  const record: StoredFit = { formatVersion: FIT_CACHE_FORMAT_VERSION, key, documents: fit.documents, fitHash: fit.fitHash, df: Object.fromEntries(fit.df), passageTokens };
  writeStoredFit(dir, file, record);
  return { embedder: hashedTfidfFromFit(options, fit), passageTokens, origin: 'fitted', file };
}

/** The stored fit when the file exists, parses and matches `key` and the corpus size in every field; else null. */
function readStoredFit(file: string, key: string, documents: number): StoredFit | null {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const s = value as Partial<StoredFit>;
  if (s.formatVersion !== FIT_CACHE_FORMAT_VERSION || s.key !== key || s.documents !== documents || typeof s.fitHash !== 'string') return null;
  if (typeof s.df !== 'object' || s.df === null || Array.isArray(s.df)) return null;
  for (const k in s.df) {
    const d = s.df[k];
    if (!(Number.isInteger(d) && d >= 1 && d <= documents)) return null;
  }
  if (!Array.isArray(s.passageTokens) || s.passageTokens.length !== documents) return null;
  for (const tokens of s.passageTokens) {
    if (!Array.isArray(tokens)) return null;
    for (const t of tokens) if (typeof t !== 'string') return null;
  }
  return s as StoredFit;
}

/** Writes the fit atomically and removes fits of other keys; failures only mean the fit is not kept. */
function writeStoredFit(dir: string, file: string, record: StoredFit): void {
  // Random, not pid + time: the service's job workers are threads of one process and may write at the same moment.
  const tmp = `${file}.tmp-${randomBytes(6).toString('hex')}`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, JSON.stringify(record));
    renameSync(tmp, file);
    const keep = path.basename(file);
    for (const name of readdirSync(dir)) if (name.startsWith(FILE_PREFIX) && name.endsWith('.json') && name !== keep) rmSync(path.join(dir, name), { force: true });
  } catch {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // nothing was kept; the next run fits again
    }
  }
}
