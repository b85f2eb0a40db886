/**
 * claims: the ONE free-text claim parser of groundct, and the matching of claims to findings.
 *
 * Report text that the pipeline did not write (an LLM's rewrite, a radiologist's edit, another system's
 * report) is checked here against findings, the single source of truth. Three users share it:
 * - grounding (`groundct ground <report.txt> --study <dir>`): links each sentence to the findings it states, and
 *   through them to mask evidence and citations; a sentence whose claims match nothing is 'ungrounded';
 * - the LLM narrator's check: a rephrased sentence must make the same claims as the template sentence it
 *   replaces;
 * - the evaluation harness (`groundct eval`, src/evaluate): claim precision, recall, error types, detection.
 *
 * Steps, each a pure function (no model, no network, deterministic):
 * 1. `splitSentences(text)`: Markdown-aware sentence splitting (headings FINDINGS/IMPRESSION, bullets,
 *    numbered lists, abbreviations such as "approx." and "e.g.", decimals).
 * 2. `parseClaims(sentence)`: structures through the anatomy catalogue's vocabulary and aliases ('L kidney',
 *    'segment VII' = 'segment 7' = 'S7' = 'Couinaud 7', 'pancreatic head', 'right lower lobe', 'L2'), organ
 *    adjectives, side, finding kind (lesion, size, fat, normal, fluid, node, T category, vessel contact),
 *    numbers with units converted to mm / mL / HU / degrees, attenuation, count and NegEx-style negation.
 * 3. `matchClaim(claim, findings, { lesionsComplete })`: supported / contradicted (with an error type) /
 *    unverifiable, the findings it rests on, and every number compared with its measured value under the
 *    tolerances in tolerances.ts ("2.1 cm" covers 20.5-21.5 mm plus 10 % or 1 mm; volumes 5 %; HU 5 HU).
 *
 * ```ts
 * for (const s of splitSentences(reportText))
 *   for (const claim of parseClaims(s.text)) {
 *     const m = matchClaim(claim, findings.findings);   // { verdict, errorType?, findingIds, details, numeric }
 *   }
 * ```
 * Stage order: imports anatomy and findings only (types), never report/ground/evaluate/service/cli.
 */
export type {
  Attenuation,
  Claim,
  ClaimKind,
  ClaimChange,
  ClaimLocation,
  ClaimNumber,
  ClaimResponse,
  ClaimSide,
  ContactClass,
  MeasureKind,
  SizeClass,
  WrittenUnit,
} from './types.ts';
export { CLAIM_KINDS, MEASURE_KINDS } from './types.ts';
export { splitSentences, splitParagraph, type TextSentence } from './split-sentences.ts';
export { parseClaims, splitClauses } from './parse-claims.ts';
export { changeClaims, matchChangeClaim } from './change-claims.ts';
export { findNumbers, measuredNumbers, isReferenceValue, cmToMm, cm3ToMl, mm3ToMl, litresToMl, type RawNumber } from './numbers.ts';
export { findMentions, organsRelated, type Mention, type MentionRole } from './mentions.ts';
export { matchClaim, referenceIndex, ERROR_TYPES, type ClaimMatch, type ErrorType, type NumericComparison, type Verdict } from './match-claim.ts';
export { ReferenceIndex, mirrorOrgan, claimTargets, PAIRED, type MatchOptions } from './reference.ts';
export { TOLERANCES, LENGTH_TOLERANCE, VOLUME_TOLERANCE, HU_TOLERANCE, ANGLE_TOLERANCE, allowedError, withinTolerance, type NumericTolerance } from './tolerances.ts';
