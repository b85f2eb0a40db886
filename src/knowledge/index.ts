/**
 * Public entry of the knowledge base: curated passages (knowledge-base/passages/*.md) that define the wording
 * and thresholds of every finding. It sits before findings in the stage order because rules cite passages and
 * read their thresholds; retrieval over the passages lives in src/ground.
 */
export * from './knowledge-base.ts';
export * from './citations.ts';
