/**
 * evaluate: factuality and grounding scores for any CT report (ours or another system's), with no LLM.
 *
 * ```ts
 * const loaded = await loadManifest('eval/factuality/manifest.json', { dataDir: process.env.GROUNDCT_DATA });
 * const result = await evaluateManifest(loaded, { config });
 * renderEvalOutputs(result);   // summary.json, summary.md, sentences.csv
 * ```
 * Claims come from src/claims (the one free-text parser); reference findings from findings files, from a CT with
 * reference masks (measure + deriveFindings), or from the synthetic studies. Metric definitions: README.md
 * "Evaluation" and the doc comments of score-report.ts, detection.ts, grounding.ts and lexical.ts.
 */
export { CandidateSpecSchema, CaseSpecSchema, ManifestSchema, ReferenceSpecSchema, loadManifest, resolveManifest, type CandidateSpec, type CaseSpec, type LoadedManifest, type LoadManifestOptions, type Manifest, type ReferenceSpec } from './manifest.ts';
export { loadReference, missingFiles, significantFindings, SIGNIFICANT_TYPES, type ReferenceDeps, type ReferenceStudy } from './reference.ts';
export { readCandidate, reportSentences, type CandidateFormat, type CandidateReport, type CandidateSentence } from './candidate.ts';
export { scoreCandidate, scoreSentence, sentenceVerdict, type CandidateScore, type ClaimCounts, type ScoredClaim, type SentenceScore, type SentenceVerdict } from './score-report.ts';
export { detectionCalls, organGroup, type DetectionCall } from './detection.ts';
export { evidenceMask, markEvidence, spatialGrounding, SPATIAL_MATCH_MIN_FRACTION, type SpatialGrounding } from './grounding.ts';
export { bleu4, lexicalTokens, rougeL, ROUGE_L_BETA } from './lexical.ts';
export { renderSummaryMarkdown, sentencesCsv, summarise, SENTENCES_CSV_HEADER, type DetectionStats, type EvalSummary, type NumericErrorStats, type PerCandidate } from './summary.ts';
export { evaluateManifest, renderEvalOutputs, type EvalResult, type EvaluateDeps } from './run-eval.ts';
export { falseAlarms, MUTATION_OPERATORS, reportMutants, scoreMutant, type ExpectedError, type Mutant, type MutantResult, type MutationOperator } from './mutations.ts';
export { runMutationStudy, sampleMutants, type BaseReport, type MutationStudy, type MutationStudyOptions, type OperatorStats } from './mutation-study.ts';
