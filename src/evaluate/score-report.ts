import { matchClaim, parseClaims, referenceIndex, toMeasuredStructure, UNVERIFIABLE_REASONS, type Claim, type ClaimMatch, type ErrorType, type MatchOptions, type NumericComparison, type UnverifiableReason } from '../claims/index.ts';
import type { Finding } from '../findings/index.ts';
import type { CandidateReport } from './candidate.ts';
import { detectionCalls, type DetectionCall } from './detection.ts';
import { spatialGrounding, type SpatialGrounding } from './grounding.ts';
import { significantFindings, type ReferenceStudy } from './reference.ts';

/**
 * Scores one candidate report against its case's reference: every sentence split into claims, every claim
 * matched to the reference findings (src/claims), then the report-level numbers.
 */

/**
 * A sentence's verdict: contradicted if any claim is; else supported if any claim is; else why its claims could not
 * be decided, the three kept apart (claims UnverifiableReason: 'no_such_structure', 'not_in_imaged_part',
 * 'not_assessable'); 'no_claim' without claims.
 */
export type SentenceVerdict = 'supported' | 'contradicted' | UnverifiableReason | 'no_claim';

export interface ScoredClaim {
  readonly claim: Claim;
  readonly match: ClaimMatch;
}

export interface SentenceScore {
  readonly sentenceId: string;
  readonly section: string | null;
  readonly text: string;
  /** See SentenceVerdict. */
  readonly verdict: SentenceVerdict;
  readonly claims: readonly ScoredClaim[];
  /** 3D grounding of the sentence's own evidence (report.json with evidence and a reference label map), else null. */
  readonly grounding: SpatialGrounding | null;
}

export interface ClaimCounts {
  total: number;
  supported: number;
  contradicted: number;
  unverifiable: number;
}

/** Unverifiable claims by why they could not be decided. */
export type UnverifiableCounts = Record<UnverifiableReason, number>;

export interface CandidateScore {
  readonly caseId: string;
  readonly candidateId: string;
  readonly format: string;
  readonly sentences: readonly SentenceScore[];
  readonly claims: ClaimCounts;
  readonly unverifiable: UnverifiableCounts;
  /** supported / (supported + contradicted); null without decided claims. Range 0-1. */
  readonly precision: number | null;
  /** Significant reference findings stated correctly / all significant reference findings; null when there are none. */
  readonly recall: number | null;
  readonly significant: readonly string[];
  readonly mentioned: readonly string[];
  readonly missed: readonly string[];
  readonly errors: Partial<Record<ErrorType, number>>;
  readonly numeric: readonly NumericComparison[];
  readonly detection: Readonly<Record<string, DetectionCall>>;
  /** Sentences with evidence whose grounding was scored, and how many of them were spatially correct. */
  readonly grounding: { readonly scored: number; readonly correct: number; readonly recallHits: readonly string[]; readonly recallBase: readonly string[] } | null;
}

export function sentenceVerdict(claims: readonly ScoredClaim[]): SentenceVerdict {
  if (claims.length === 0) return 'no_claim';
  if (claims.some((c) => c.match.verdict === 'contradicted')) return 'contradicted';
  if (claims.some((c) => c.match.verdict === 'supported')) return 'supported';
  return UNVERIFIABLE_REASONS.find((r) => claims.some((c) => c.match.unverifiable === r)) ?? 'not_assessable';
}

/** Parses and matches one sentence against reference findings (and the reference's measured structures). */
export function scoreSentence(text: string, findings: readonly Finding[], lesionsComplete: boolean, options: Omit<MatchOptions, 'lesionsComplete'> = {}): ScoredClaim[] {
  return parseClaims(text).map((claim) => ({ claim, match: matchClaim(claim, findings, { ...options, lesionsComplete }) }));
}

export function scoreCandidate(caseId: string, candidate: CandidateReport, reference: ReferenceStudy): CandidateScore {
  const findings = reference.findings.findings;
  const structures = reference.measurements?.structures.map((r) => toMeasuredStructure(r as unknown as Record<string, unknown>));
  const matchOptions = structures === undefined ? {} : { structures };
  const ref = referenceIndex(findings, { lesionsComplete: reference.lesionsComplete, ...matchOptions });
  const maskCache = new Map<string, Uint8Array>();
  // Evidence given (report.json's own, or a text candidate's grounding; an empty list = grounded to nothing) and
  // on the reference grid.
  const gridMatches = (s: CandidateReport['sentences'][number]) =>
    reference.labels !== undefined && s.evidence !== undefined && (s.evidence.length > 0 || candidate.format === 'text' || candidate.format === 'markdown') && s.evidence.every((e) => e.ijkBounds === null || e.ijkBounds.max.every((v, a) => v < reference.labels!.grid.dims[a]!));

  const sentences: SentenceScore[] = candidate.sentences.map((s) => {
    const claims = scoreSentence(s.text, findings, reference.lesionsComplete, matchOptions);
    const verdict = sentenceVerdict(claims);
    let grounding: SpatialGrounding | null = null;
    const decided = claims.filter((c) => c.match.verdict !== 'unverifiable');
    if (gridMatches(s) && decided.length > 0) {
      const matched = [...new Set(decided.filter((c) => c.match.verdict === 'supported').flatMap((c) => c.match.findingIds))].map((id) => ref.get(id)).filter((f): f is Finding => f !== undefined);
      grounding = matched.length === 0
        ? { evidenceVoxels: 0, insideVoxels: 0, fraction: null, correct: false }
        : spatialGrounding(reference.labels!, s.evidence!, matched, maskCache);
    }
    return { sentenceId: s.id, section: s.section, text: s.text, verdict, claims, grounding };
  });

  const all = sentences.flatMap((s) => s.claims);
  const counts: ClaimCounts = {
    total: all.length,
    supported: all.filter((c) => c.match.verdict === 'supported').length,
    contradicted: all.filter((c) => c.match.verdict === 'contradicted').length,
    unverifiable: all.filter((c) => c.match.verdict === 'unverifiable').length,
  };
  const errors: Partial<Record<ErrorType, number>> = {};
  for (const c of all) if (c.match.errorType) errors[c.match.errorType] = (errors[c.match.errorType] ?? 0) + 1;
  const supportedIds = new Set(all.filter((c) => c.match.verdict === 'supported').flatMap((c) => c.match.findingIds));
  const significant = significantFindings(findings).map((f) => f.id);
  const mentioned = significant.filter((id) => supportedIds.has(id));
  const numeric = all.filter((c) => c.match.verdict === 'supported' || c.match.errorType === 'number_off' || c.match.errorType === 'wrong_unit').flatMap((c) => c.match.numeric);

  let grounding: CandidateScore['grounding'] = null;
  const scored = sentences.filter((s) => s.grounding !== null);
  if (scored.length > 0) {
    const withMasks = significantFindings(findings).filter((f) => f.evidence.some((e) => e.voxelCount > 0)).map((f) => f.id);
    const hits = new Set<string>();
    for (const s of scored) {
      if (!s.grounding!.correct) continue;
      for (const c of s.claims) if (c.match.verdict === 'supported') for (const id of c.match.findingIds) if (withMasks.includes(id)) hits.add(id);
    }
    grounding = { scored: scored.length, correct: scored.filter((s) => s.grounding!.correct).length, recallHits: [...hits], recallBase: withMasks };
  }
  return {
    caseId,
    candidateId: candidate.id,
    format: candidate.format,
    sentences,
    claims: counts,
    unverifiable: Object.fromEntries(UNVERIFIABLE_REASONS.map((r) => [r, all.filter((c) => c.match.verdict === 'unverifiable' && (c.match.unverifiable ?? 'not_assessable') === r).length])) as UnverifiableCounts,
    precision: counts.supported + counts.contradicted === 0 ? null : counts.supported / (counts.supported + counts.contradicted),
    recall: significant.length === 0 ? null : mentioned.length / significant.length,
    significant,
    mentioned,
    missed: significant.filter((id) => !supportedIds.has(id)),
    errors,
    numeric,
    detection: detectionCalls(all.map((c) => c.claim), ref),
    grounding,
  };
}
