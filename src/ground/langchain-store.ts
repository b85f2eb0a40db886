import { Document, type DocumentInterface } from '@langchain/core/documents';
import { Embeddings } from '@langchain/core/embeddings';
import { VectorStore } from '@langchain/core/vectorstores';
import { gctError } from '../errors.ts';
import type { Embedder } from './embedder.ts';
import { openIndexCache } from './index-cache.ts';
import type { KnowledgeBase, Passage } from '../knowledge/index.ts';
import type { VectorIndex } from './vector-index.ts';

/**
 * LangChain adapter: our passage index as a LangChain `VectorStore`, so `store.asRetriever()` plugs groundct's
 * knowledge base into any LangChain chain. Each result is a `Document` whose pageContent is the passage body and
 * whose metadata carries `passageId`, `title`, `topics` and `source` (cite the id, as groundct reports do).
 * Similarity scores are cosine similarities in [-1, 1].
 *
 * The store mirrors the knowledge base and is read-only: passages are added as files, not through LangChain.
 */

/** Our `Embedder` seen as LangChain `Embeddings` (number[] vectors). */
export class EmbedderEmbeddings extends Embeddings {
  constructor(readonly embedder: Embedder) {
    super({});
  }

  async embedDocuments(documents: string[]): Promise<number[][]> {
    return (await this.embedder.embed(documents)).map((v) => Array.from(v));
  }

  async embedQuery(document: string): Promise<number[]> {
    const [v] = await this.embedder.embed([document]);
    return Array.from(v);
  }
}

/** Metadata of every Document the store returns. */
export interface PassageMetadata {
  readonly passageId: string;
  readonly title: string;
  readonly topics: readonly string[];
  readonly source: Passage['source'];
  [key: string]: unknown;
}

export class GroundctVectorStore extends VectorStore {
  declare FilterType: (doc: DocumentInterface<PassageMetadata>) => boolean;

  private constructor(
    embeddings: EmbedderEmbeddings,
    private readonly index: VectorIndex,
    private readonly passages: readonly Passage[],
  ) {
    super(embeddings, {});
  }

  /** Opens (or builds) the persisted index for this knowledge base and embedder under `<dataDir>/index/`. */
  static async open(args: { kb: KnowledgeBase; embedder: Embedder; dataDir: string }): Promise<GroundctVectorStore> {
    const cached = await openIndexCache(args);
    const passages = cached.passageIds.map((id) => {
      const p = args.kb.byId.get(id);
      if (p === undefined) throw gctError('GCT_GROUND_INDEX_FAILED', `Index sidecar names passage '${id}', which the knowledge base lacks.`, { passageId: id });
      return p;
    });
    return new GroundctVectorStore(new EmbedderEmbeddings(args.embedder), cached.index, passages);
  }

  _vectorstoreType(): string {
    return 'groundct-hnsw';
  }

  async similaritySearchVectorWithScore(query: number[], k: number, filter?: this['FilterType']): Promise<[DocumentInterface<PassageMetadata>, number][]> {
    // With a filter, rank everything and keep the first k that pass (the knowledge base is small).
    const hits = this.index.search(Float32Array.from(query), filter === undefined ? k : this.passages.length);
    const out: [DocumentInterface<PassageMetadata>, number][] = [];
    for (const h of hits) {
      const doc = toDocument(this.passages[h.label]);
      if (filter !== undefined && !filter(doc)) continue;
      out.push([doc, h.score]);
      if (out.length >= k) break;
    }
    return out;
  }

  async addVectors(_vectors: number[][], _documents: DocumentInterface[]): Promise<never> {
    throw readOnly();
  }

  async addDocuments(_documents: DocumentInterface[]): Promise<never> {
    throw readOnly();
  }

  override async delete(_params?: Record<string, unknown>): Promise<never> {
    throw readOnly();
  }
}

function toDocument(p: Passage): DocumentInterface<PassageMetadata> {
  return new Document<PassageMetadata>({
    id: p.id,
    pageContent: p.body,
    metadata: { passageId: p.id, title: p.title, topics: p.topics, source: p.source },
  });
}

function readOnly() {
  return gctError('GCT_GROUND_STORE_READ_ONLY', 'The groundct vector store is read-only; add passages as files under knowledge-base/passages.', {});
}
