/**
 * Public entry of the grounding stage: knowledge base, embedders, vector index, retriever, sentence grounding.
 * The LangChain adapter (GroundctVectorStore, EmbedderEmbeddings) is a public sub-entry, './langchain-store.ts':
 * it extends LangChain classes, and this index stays free of LangChain so that reports do not load it.
 */
export * from '../knowledge/index.ts';
export type { Embedder } from './embedder.ts';
export { fitHashedTfidfEmbedder, type HashedTfidfEmbedder } from './hashed-tfidf-embedder.ts';
export { loadTransformersEmbedder, poolHiddenStates } from './transformers-embedder.ts';
export { openRetriever, createDefaultEmbedder, type Retriever } from './retriever.ts';
export { groundReport, groundSentence, sourceLine, wholeScanEvidence, SUPPORTING_PASSAGE_MIN_SCORE, SUPPORTING_PASSAGES_PER_SENTENCE, type Citation, type GroundReportOptions, type SentenceGrounding } from './ground-report.ts';
export {
  groundText,
  isHeadingRestatement,
  GROUNDED_TEXT_SCHEMA_VERSION,
  UNGROUNDED_REASONS,
  type ClaimGrounding,
  type GroundedSentence,
  type GroundedText,
  type GroundedTextSummary,
  type GroundTextDeps,
  type StudyStructure,
  type UngroundedReason,
} from './ground-text.ts';
