/** Public entry of the grounding stage: knowledge base, embedders, vector index, retriever, LangChain adapter. */
export * from './knowledge-base.ts';
export type { Embedder } from './embedder.ts';
export { fitHashedTfidfEmbedder, type HashedTfidfEmbedder } from './hashed-tfidf-embedder.ts';
export { loadTransformersEmbedder, poolHiddenStates } from './transformers-embedder.ts';
export { openRetriever, createDefaultEmbedder, type Retriever } from './retriever.ts';
export { GroundctVectorStore, EmbedderEmbeddings } from './langchain-store.ts';
export { groundReport, sourceLine, wholeScanEvidence, SUPPORTING_PASSAGE_MIN_SCORE, SUPPORTING_PASSAGES_PER_SENTENCE, type GroundReportOptions } from './ground-report.ts';
