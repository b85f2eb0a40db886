import { gctError } from '../errors.ts';
import { Bm25Index } from './bm25.ts';
import type { Embedder } from './embedder.ts';
import { fitHashedTfidfEmbedder, type HashedTfidfOptions } from './hashed-tfidf-embedder.ts';
import { openIndexCache, type CachedIndex } from './index-cache.ts';
import type { KnowledgeBase, PassageSource } from '../knowledge/index.ts';
import { analyseText } from './medical-text.ts';
import { passageText } from './passage-text.ts';

/** One retrieved passage. `score` is the cosine similarity in [-1, 1] (or the fused score, see lexicalWeight). */
export interface RetrievedPassage {
  readonly passageId: string;
  readonly title: string;
  readonly source: PassageSource;
  readonly score: number;
}

export interface RetrieveOptions {
  /** Number of passages to return at most (default 3). */
  readonly k?: number;
  /** Passages scoring below this are dropped (default 0). */
  readonly minScore?: number;
}

export interface Retriever {
  readonly embedderId: string;
  /** The persisted index file and whether it was loaded or (re)built when the retriever opened. */
  readonly indexFile: string;
  readonly indexOrigin: CachedIndex['origin'];
  readonly lexicalWeight: number;
  /** The best passages for `text`, best first. */
  retrieve(text: string, options?: RetrieveOptions): Promise<RetrievedPassage[]>;
}

export const DEFAULT_RETRIEVE_K = 3;
/**
 * Weight of the BM25 score in the fused score `(1 - w) * cosine + w * bm25 / max bm25`. 0 (pure embedding) by
 * default: on the dev split the fusion did not raise recall@3 over the default embedder (eval/results/retrieval.md).
 */
export const DEFAULT_LEXICAL_WEIGHT = 0;
/** HNSW candidates re-scored by the fusion, at least this many (or 4 k). */
const HYBRID_MIN_CANDIDATES = 32;

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
  /** Weight in [0, 1] of the BM25 score in the fused score (default DEFAULT_LEXICAL_WEIGHT). */
  lexicalWeight?: number;
}): Promise<Retriever> {
  const { kb, dataDir } = args;
  const embedder = args.embedder ?? createDefaultEmbedder(kb);
  const lexicalWeight = args.lexicalWeight ?? DEFAULT_LEXICAL_WEIGHT;
  if (!(lexicalWeight >= 0 && lexicalWeight <= 1)) {
    throw gctError('GCT_GROUND_QUERY_INVALID', `lexicalWeight must be in [0, 1], got ${lexicalWeight}.`, { lexicalWeight });
  }
  const cached = await openIndexCache({ kb, embedder, dataDir });
  const passages = cached.passageIds.map((id) => {
    const p = kb.byId.get(id);
    if (p === undefined) throw gctError('GCT_GROUND_INDEX_FAILED', `Index sidecar names passage '${id}', which the knowledge base lacks.`, { passageId: id });
    return p;
  });
  const bm25 = lexicalWeight > 0 ? new Bm25Index(passages.map((p) => analyseText(passageText(p)))) : undefined;

  async function retrieve(text: string, options: RetrieveOptions = {}): Promise<RetrievedPassage[]> {
    const k = options.k ?? DEFAULT_RETRIEVE_K;
    const minScore = options.minScore ?? 0;
    if (!Number.isInteger(k) || k < 1) throw gctError('GCT_GROUND_QUERY_INVALID', `k must be a positive integer, got ${k}.`, { k });
    if (!Number.isFinite(minScore)) throw gctError('GCT_GROUND_QUERY_INVALID', `minScore must be a finite number, got ${minScore}.`, { minScore });
    const [query] = await embedder.embed([text]);
    let hits: { label: number; score: number }[];
    if (bm25 === undefined) {
      hits = cached.index.search(query, k);
    } else {
      const candidates = cached.index.search(query, Math.max(4 * k, HYBRID_MIN_CANDIDATES));
      const lexical = bm25.scores(analyseText(text));
      const maxLexical = lexical.reduce((m, x) => Math.max(m, x), 0);
      hits = candidates
        .map((h) => ({ label: h.label, score: (1 - lexicalWeight) * h.score + (maxLexical > 0 ? (lexicalWeight * lexical[h.label]) / maxLexical : 0) }))
        .sort((a, b) => b.score - a.score || a.label - b.label)
        .slice(0, k);
    }
    return hits
      .filter((h) => h.score >= minScore)
      .map((h) => {
        const p = passages[h.label];
        return { passageId: p.id, title: p.title, source: p.source, score: h.score };
      });
  }

  return { embedderId: embedder.id, indexFile: cached.file, indexOrigin: cached.origin, lexicalWeight, retrieve };
}
