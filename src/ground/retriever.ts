import { gctError } from '../errors.ts';
import { Bm25Index } from './bm25.ts';
import type { Embedder } from './embedder.ts';
import { fitHashedTfidfEmbedder, type HashedTfidfOptions } from './hashed-tfidf-embedder.ts';
import { openIndexCache, type CachedIndex } from './index-cache.ts';
import type { KnowledgeBase, Passage, PassageKind, PassageSource } from '../knowledge/index.ts';
import { openFittedPassages } from './fit-cache.ts';
import { analyseText, withoutLocationWords } from './medical-text.ts';
import { passageText } from './passage-text.ts';

/**
 * One retrieved passage. `score` ranks the passages: the fused score of RetrievalOptions (in [-1, 1]; with the
 * default options a mix of cosine similarities and a saturated BM25 score, comparable across queries).
 */
export interface RetrievedPassage {
  readonly passageId: string;
  readonly title: string;
  readonly kind: PassageKind;
  readonly source: PassageSource;
  readonly score: number;
}

export interface RetrieveOptions {
  /** Number of passages to return at most (default 3). */
  readonly k?: number;
  /** Passages scoring below this are dropped (default 0). */
  readonly minScore?: number;
  /** Only passages of this kind (e.g. 'literature' for the citation fallback). */
  readonly kind?: PassageKind;
}

export interface Retriever {
  readonly embedderId: string;
  /** The persisted index file and whether it was loaded or (re)built when the retriever opened. */
  readonly indexFile: string;
  readonly indexOrigin: CachedIndex['origin'];
  readonly options: RetrievalOptions;
  /** The best passages for `text`, best first. */
  retrieve(text: string, options?: RetrieveOptions): Promise<RetrievedPassage[]>;
}

export const DEFAULT_RETRIEVE_K = 3;

/**
 * How a sentence is scored against a passage:
 *   score = (1 - lexicalWeight) * [(1 - locationWeight) * cos(q, p) + locationWeight * cos(q', p)]
 *           + lexicalWeight * bm25(q, p) / (bm25(q, p) + bm25Saturation)
 * where q is the sentence, q' the sentence without its location words (medical-text.ts LOCATION_WORDS; q' = q
 * when it has none), cos the embedder's cosine similarity and bm25 the Okapi score (bm25.ts). The BM25 term is
 * saturated with a fixed constant rather than divided by the query's best score, so a score means the same for
 * every query and one citation threshold fits all. Chosen on the dev split of the gold sentences
 * (eval/results/retrieval.md).
 */
export interface RetrievalOptions {
  /** Weight in [0, 1] of the lexical (BM25) term. */
  readonly lexicalWeight: number;
  /** Weight in [0, 1] of the location-free sentence within the embedding term. */
  readonly locationWeight: number;
  /** BM25 score at which the lexical term reaches 0.5 (> 0). */
  readonly bm25Saturation: number;
}

/**
 * Chosen on the dev split of the gold sentences (eval/results/retrieval.md): every setting within one or two dev
 * sentences of the best was equivalent, and these sit in the middle of that plateau.
 */
export const DEFAULT_RETRIEVAL_OPTIONS: RetrievalOptions = Object.freeze({ lexicalWeight: 0.35, locationWeight: 0.85, bm25Saturation: 8 });
/** Options of the retriever before the fused scoring (pure cosine of the default embedder), for comparisons. */
export const COSINE_ONLY_RETRIEVAL_OPTIONS: RetrievalOptions = Object.freeze({ lexicalWeight: 0, locationWeight: 0, bm25Saturation: 8 });
/** Knowledge bases up to this many passages are scored exactly (all passages); larger ones through HNSW candidates. */
const EXACT_SCORING_MAX = 4096;

/** The default embedder: hashed TF-IDF fitted on the knowledge base's passage texts. */
export function createDefaultEmbedder(kb: KnowledgeBase, options: Partial<HashedTfidfOptions> = {}): Embedder {
  return fitHashedTfidfEmbedder(kb.passages.map(passageText), options);
}

/**
 * Opens the passage retriever: loads (or builds and persists) the index under `<dataDir>/index/` for this
 * knowledge base and embedder. Expensive once; `retrieve` is cheap.
 */
export async function openRetriever(args: {
  kb: KnowledgeBase;
  dataDir: string;
  embedder?: Embedder;
  /** Scoring options (default DEFAULT_RETRIEVAL_OPTIONS); a bare lexicalWeight is accepted for compatibility. */
  options?: Partial<RetrievalOptions>;
  lexicalWeight?: number;
}): Promise<Retriever> {
  const { kb, dataDir } = args;
  // The default embedder's fit and the passages' BM25 tokens are kept beside the index (fit-cache.ts).
  const fitted = args.embedder === undefined ? openFittedPassages({ corpus: kb.passages.map(passageText), dataDir }) : undefined;
  const embedder = args.embedder ?? fitted!.embedder;
  const options: RetrievalOptions = Object.freeze({ ...DEFAULT_RETRIEVAL_OPTIONS, ...(args.lexicalWeight === undefined ? {} : { lexicalWeight: args.lexicalWeight }), ...args.options });
  for (const key of ['lexicalWeight', 'locationWeight'] as const) {
    const v = options[key];
    if (!(v >= 0 && v <= 1)) throw gctError('GCT_GROUND_QUERY_INVALID', `${key} must be in [0, 1], got ${v}.`, { [key]: v });
  }
  if (!(options.bm25Saturation > 0 && Number.isFinite(options.bm25Saturation))) {
    throw gctError('GCT_GROUND_QUERY_INVALID', `bm25Saturation must be a positive number, got ${options.bm25Saturation}.`, { bm25Saturation: options.bm25Saturation });
  }
  const cached = await openIndexCache({ kb, embedder, dataDir });
  const passages = cached.passageIds.map((id) => {
    const p = kb.byId.get(id);
    if (p === undefined) throw gctError('GCT_GROUND_INDEX_FAILED', `Index sidecar names passage '${id}', which the knowledge base lacks.`, { passageId: id });
    return p;
  });
  const tokensOf = (p: Passage, label: number): readonly string[] =>
    fitted !== undefined && kb.passages[label]?.id === p.id ? fitted.passageTokens[label] : analyseText(passageText(p));
  const bm25 = options.lexicalWeight > 0 ? new Bm25Index(passages.map(tokensOf)) : undefined;

  /**
   * Exact cosine of the query with every passage, from the stored vectors (read from the index once, on first use):
   * the query's non-zero dimensions times each passage's, which for the sparse hashed TF-IDF vectors is a few
   * thousand multiplications per query. Knowledge bases larger than EXACT_SCORING_MAX use the index's neighbours.
   */
  let matrix: Float32Array[] | undefined;
  function cosines(query: Float32Array, n: number): Float64Array {
    if (passages.length > EXACT_SCORING_MAX) {
      const hits = cached.index.search(query, n);
      const out = new Float64Array(passages.length).fill(hits.length > 0 ? hits[hits.length - 1].score : 0);
      for (const h of hits) out[h.label] = h.score;
      return out;
    }
    matrix ??= cached.vectors();
    const nonZero: number[] = [];
    for (let i = 0; i < query.length; i++) if (query[i] !== 0) nonZero.push(i);
    const out = new Float64Array(passages.length);
    for (let label = 0; label < passages.length; label++) {
      const v = matrix[label];
      let sum = 0;
      for (const i of nonZero) sum += query[i] * v[i];
      out[label] = sum;
    }
    return out;
  }

  async function retrieve(text: string, opts: RetrieveOptions = {}): Promise<RetrievedPassage[]> {
    const k = opts.k ?? DEFAULT_RETRIEVE_K;
    const minScore = opts.minScore ?? 0;
    if (!Number.isInteger(k) || k < 1) throw gctError('GCT_GROUND_QUERY_INVALID', `k must be a positive integer, got ${k}.`, { k });
    if (!Number.isFinite(minScore)) throw gctError('GCT_GROUND_QUERY_INVALID', `minScore must be a finite number, got ${minScore}.`, { minScore });
    const fused = options.lexicalWeight > 0 || options.locationWeight > 0 || opts.kind !== undefined;
    let ranked: { label: number; score: number }[];
    if (!fused) {
      // Pure embedding similarity: the index's own k nearest (the default before the fused scoring existed).
      ranked = cached.index.search((await embedder.embed([text]))[0], k);
    } else {
      const n = Math.min(passages.length, Math.max(4 * k, EXACT_SCORING_MAX));
      const stripped = options.locationWeight > 0 ? withoutLocationWords(text) : text;
      const vectors = await embedder.embed(stripped !== text && stripped !== '' ? [text, stripped] : [text]);
      const full = cosines(vectors[0], n);
      const located = vectors.length > 1 ? cosines(vectors[1], n) : full;
      const lexical = bm25?.scores(analyseText(text));
      const scored: { label: number; score: number }[] = [];
      for (let label = 0; label < passages.length; label++) {
        if (opts.kind !== undefined && passages[label].kind !== opts.kind) continue;
        const dense = (1 - options.locationWeight) * full[label] + options.locationWeight * located[label];
        const lex = lexical === undefined ? 0 : lexical[label] / (lexical[label] + options.bm25Saturation);
        scored.push({ label, score: (1 - options.lexicalWeight) * dense + options.lexicalWeight * lex });
      }
      ranked = scored.sort((x, y) => y.score - x.score || x.label - y.label).slice(0, k);
    }
    return ranked
      .filter((h) => h.score >= minScore)
      .map((h) => {
        const p = passages[h.label];
        return { passageId: p.id, title: p.title, kind: p.kind, source: p.source, score: h.score };
      });
  }

  return { embedderId: embedder.id, indexFile: cached.file, indexOrigin: cached.origin, options, retrieve };
}
