import {
  findMentions,
  matchClaim,
  mirrorOrgan,
  organsRelated,
  parseClaims,
  referenceIndex,
  splitSentences,
  toMeasuredStructure,
  type Claim,
  type ClaimMatch,
  type ErrorType,
  type MatchOptions,
  type NumericComparison,
} from '../claims/index.ts';
import { structureEvidence, type Evidence, type Finding } from '../findings/index.ts';
import type { KnowledgeBase } from '../knowledge/index.ts';
import type { Measurements } from '../measure/index.ts';
import { groundSentence, wholeScanEvidence, type Citation } from './ground-report.ts';
import type { Retriever } from './retriever.ts';

/**
 * Grounding of report text the pipeline did not write (an LLM's rewrite, a radiologist's edit, another system's
 * report). Each sentence is split (claims/splitSentences), parsed into claims (claims/parseClaims) and each claim
 * matched to the study's findings (claims/matchClaim). A sentence is 'grounded' when at least one of its claims
 * is supported and none is contradicted or about a structure the study lacks; it then carries the evidence and
 * citations groundReport would give a pipeline sentence stating the same findings (groundSentence: evidence =
 * the union of the findings' mask evidence, citations = their criterion passages + retrieved passages).
 *
 * An 'ungrounded' sentence carries one reason, the first that applies:
 * - 'contradicts_finding': a claim is contradicted; `contradiction` names the finding(s) and the error type
 *   (wrong_side, number_off, wrong_segment, present_absent for an invented lesion, ...);
 * - 'no_such_structure': a claim asserts a structure the study has no label and no finding for (an organ that
 *   was not segmented);
 * - 'not_in_imaged_part': what a claim states may lie outside what the masks cover: its organ is cut by the scan
 *   border or outside the field of view, or the masks hold no class for that kind of finding there (a lesion in
 *   an organ whose masks hold no lesion label, ascites with no fluid label, nodes with no node label);
 * - 'not_assessable': nothing measurable is stated ("Clinical correlation recommended."), or the masks say
 *   nothing the claim could be checked by (a denial about something never labelled, a statement no finding and
 *   no measurement covers).
 * A number stated for a measured structure no rule made a finding about (a gallbladder's volume) is checked against
 * measurements.json (claims: matchMeasured); the sentence is then grounded to that structure's mask.
 * Sentences that only restate a heading ("Findings.", "Liver:") are listed in `skipped`, not grounded.
 */

export const GROUNDED_TEXT_SCHEMA_VERSION = 1 as const;

export const UNGROUNDED_REASONS = ['contradicts_finding', 'no_such_structure', 'not_in_imaged_part', 'not_assessable'] as const;
export type UngroundedReason = (typeof UNGROUNDED_REASONS)[number];

/** One claim of a sentence and how it matched. */
export interface ClaimGrounding {
  readonly claim: Claim;
  readonly verdict: ClaimMatch['verdict'];
  readonly errorType?: ErrorType;
  /** For an unverifiable claim: why it could not be checked. */
  readonly reason?: Exclude<UngroundedReason, 'contradicts_finding'>;
  /** Measured structures the verdict rests on when no finding carries the stated number. */
  readonly structures?: readonly string[];
  /** Findings the verdict rests on (the supporting, contradicting or limiting findings). */
  readonly findingIds: readonly string[];
  readonly details: string;
  readonly numeric: readonly NumericComparison[];
}

export interface GroundedSentence {
  /** 's1', 's2', ... in reading order of the text (skipped headings keep their number). */
  readonly id: string;
  readonly text: string;
  /** Lower-case section from the last heading above it ('findings', 'impression'), or null. */
  readonly section: string | null;
  readonly status: 'grounded' | 'ungrounded';
  /** Findings the sentence's supported claims state (also on an ungrounded sentence that is partly right). */
  readonly findingIds: readonly string[];
  /** Union of those findings' mask evidence (the whole scan when they carry none); empty without findings. */
  readonly evidence: readonly Evidence[];
  /** Those findings' criterion passages, then retrieved supporting passages; empty without findings. */
  readonly citations: readonly Citation[];
  readonly reason?: UngroundedReason;
  /** For 'contradicts_finding': the first contradicted claim's findings, error type and explanation. */
  readonly contradiction?: { readonly findingIds: readonly string[]; readonly errorType: ErrorType; readonly details: string };
  /** For an ungrounded sentence: findings that explain the reason (the contradicting or limiting ones). */
  readonly relatedFindingIds?: readonly string[];
  /** One line a person can read: why this status. */
  readonly details: string;
  readonly claims: readonly ClaimGrounding[];
}

export interface GroundedTextSummary {
  readonly sentences: number;
  readonly grounded: number;
  readonly ungrounded: number;
  readonly skipped: number;
  readonly byReason: Readonly<Record<UngroundedReason, number>>;
}

export interface GroundedText {
  readonly kind: 'grounded-text';
  readonly schemaVersion: typeof GROUNDED_TEXT_SCHEMA_VERSION;
  readonly provenance: {
    /** Where the findings came from (a study folder, a phantom key), as the caller names it. */
    readonly study: string | null;
    readonly knowledgeBaseHash: string;
    /** Embedder of the retriever that added supporting passages; null without retrieval. */
    readonly embedderId: string | null;
    readonly lesionsComplete: boolean;
  };
  readonly sentences: readonly GroundedSentence[];
  readonly skipped: readonly { readonly id: string; readonly text: string }[];
  readonly summary: GroundedTextSummary;
}

/** A labelled structure of the study (measurements' structures or report.json's structure table rows). */
export interface StudyStructure {
  readonly name: string | null;
  readonly present: boolean;
}

export interface GroundTextDeps {
  readonly findings: readonly Finding[];
  /** Gives the whole-scan evidence of study-level findings and the label list; optional (report.json alone). */
  readonly measurements?: Measurements;
  /** Labelled structures; defaults to the measurements' structures. */
  readonly structures?: readonly StudyStructure[];
  readonly kb: KnowledgeBase;
  /** Without a retriever only the findings' criterion passages are cited. */
  readonly retriever?: Retriever;
  /**
   * The masks label every lesion of every wholly imaged organ (true for the synthetic studies): then a lesion
   * stated in a lesion-free organ contradicts it instead of naming a structure the study lacks.
   */
  readonly lesionsComplete?: boolean;
  /** Provenance: what the findings are of. */
  readonly study?: string;
  readonly minScore?: number;
  readonly maxRetrieved?: number;
}

/** Section words that alone are a heading, not a statement. */
const HEADING_WORDS = /^(findings?|impressions?|conclusions?|summary|technique|comparison|history|indications?|clinical (?:history|information|indication)|recommendations?|report|addendum|abdomen(?:\s*(?:and|&|\/)\s*pelvis)?|chest|pelvis|ct(?:\s+\w+){0,4})$/i;

/**
 * True for a "sentence" that only restates a heading: a section word ("Findings.", "IMPRESSION") or a bare
 * structure name ("Liver.", "Kidneys:"), with no claim.
 */
export function isHeadingRestatement(text: string, claims: readonly Claim[]): boolean {
  if (claims.length > 0) return false;
  const bare = text.replace(/[.:;!?*#_\s-]+$/g, '').replace(/^[*#_\s-]+/, '').trim();
  if (bare === '') return true;
  if (HEADING_WORDS.test(bare)) return true;
  const { mentions } = findMentions(bare);
  if (mentions.length === 0) return false;
  let rest = bare;
  for (const m of [...mentions].sort((a, b) => b.start - a.start)) rest = rest.slice(0, m.start) + rest.slice(m.end);
  return /^[\s,/&()-]*(?:(?:and|the)[\s,/&()-]*)*$/i.test(rest);
}

/**
 * A stated lesion the masks cannot check where the text puts it (no lesion label there, lesions not known to be
 * complete) but that matches, with its size, type and attenuation, a lesion on the other side or in exactly
 * one other organ: a side or organ error, as matchClaim attributes one when the lesion status is known
 * (claims/match-claim.ts 'repaired'). Other matches are returned unchanged.
 */
function misplacedLesion(claim: Claim, m: ClaimMatch, findings: readonly Finding[], options: MatchOptions): ClaimMatch {
  if (m.verdict !== 'unverifiable' || claim.kind !== 'lesion' || claim.negated || claim.organ === null) return m;
  const mirror = mirrorOrgan(claim.organ);
  if (mirror !== null) {
    const side = claim.side === 'left' ? 'right' : 'left';
    const flipped = matchClaim({ ...claim, organ: mirror, side }, findings, options);
    if (flipped.verdict === 'supported') {
      return { ...flipped, verdict: 'contradicted', errorType: 'wrong_side', details: `no lesion of ${claim.organ} in the masks; ${flipped.details} on the ${side}` };
    }
  }
  // Another organ only when exactly one organ holds a matching lesion: a size that fits lesions in two organs
  // says nothing about which one was meant.
  const moved = referenceIndex(findings, options)
    .organs()
    .filter((organ) => !organsRelated(organ, claim.organ!))
    .map((organ) => ({ organ, match: matchClaim({ ...claim, organ, locations: [], side: undefined }, findings, options) }))
    .filter((x) => x.match.verdict === 'supported');
  if (moved.length === 1) {
    const { organ, match } = moved[0]!;
    return { ...match, verdict: 'contradicted', errorType: 'wrong_organ', details: `no lesion of ${claim.organ} in the masks; ${match.details} in ${organ}` };
  }
  return m;
}

function summarise(sentences: readonly GroundedSentence[], skipped: number): GroundedTextSummary {
  const byReason = Object.fromEntries(UNGROUNDED_REASONS.map((r) => [r, sentences.filter((s) => s.reason === r).length])) as Record<UngroundedReason, number>;
  const grounded = sentences.filter((s) => s.status === 'grounded').length;
  return { sentences: sentences.length, grounded, ungrounded: sentences.length - grounded, skipped, byReason };
}

/**
 * Grounds free report text on a study's findings. Deterministic for a given retriever; never mutates its inputs.
 *
 * @example
 *   const g = await groundText('Hypodense 2 cm lesion in segment VII of the liver.', { findings, measurements, kb, retriever });
 *   // g.sentences[0]: { status: 'grounded', findingIds: ['liver_lesion-1', 'liver.lesions'], evidence: [...], citations: [...] }
 */
export async function groundText(text: string, deps: GroundTextDeps): Promise<GroundedText> {
  const lesionsComplete = deps.lesionsComplete === true;
  const findings = deps.findings;
  // Structure rows carry more than StudyStructure's two fields (volumes, HU, border contact): read what is there.
  const rows = (deps.structures ?? deps.measurements?.structures ?? []) as unknown as readonly Record<string, unknown>[];
  const options = { lesionsComplete, structures: rows.map(toMeasuredStructure) };
  const byId = new Map(findings.map((f) => [f.id, f]));
  const statsByName = new Map((deps.measurements?.structures ?? []).filter((s) => s.name !== null).map((s) => [s.name!, s]));
  const wholeScan = deps.measurements ? wholeScanEvidence(deps.measurements) : null;
  const groundOptions = { kb: deps.kb, retriever: deps.retriever, minScore: deps.minScore, maxRetrieved: deps.maxRetrieved };

  const sentences: GroundedSentence[] = [];
  const skipped: { id: string; text: string }[] = [];
  for (const s of splitSentences(text)) {
    const parsed = parseClaims(s.text, s.heading !== undefined ? { subject: s.heading } : {});
    if (isHeadingRestatement(s.text, parsed)) {
      skipped.push({ id: s.id, text: s.text });
      continue;
    }
    const claims: ClaimGrounding[] = parsed.map((claim) => {
      const m = misplacedLesion(claim, matchClaim(claim, findings, options), findings, options);
      const base = { claim, verdict: m.verdict, ...(m.errorType ? { errorType: m.errorType } : {}), numeric: m.numeric, ...(m.structures ? { structures: m.structures } : {}) };
      if (m.verdict !== 'unverifiable') return { ...base, findingIds: m.findingIds, details: m.details };
      return { ...base, reason: m.unverifiable ?? 'not_assessable', findingIds: m.findingIds, details: m.details };
    });
    const supportedIds = [...new Set(claims.filter((c) => c.verdict === 'supported').flatMap((c) => c.findingIds))];
    const own = supportedIds.map((id) => byId.get(id)).filter((f): f is Finding => f !== undefined);
    // A number checked against a structure's measurement grounds the sentence to that structure's mask.
    const measured = [...new Set(claims.filter((c) => c.verdict === 'supported').flatMap((c) => c.structures ?? []))].map((n) => statsByName.get(n)).filter((x) => x !== undefined);
    const fromFindings = own.length > 0 ? await groundSentence(s.text, own, wholeScan, groundOptions) : { evidence: [], citations: [] };
    const grounding = { ...fromFindings, evidence: [...fromFindings.evidence, ...measured.map((st) => structureEvidence(st))] };
    const contradicted = claims.find((c) => c.verdict === 'contradicted');
    const missing = claims.find((c) => c.reason === 'no_such_structure');
    const outside = claims.find((c) => c.reason === 'not_in_imaged_part');
    const head = { id: s.id, text: s.text, section: s.section, findingIds: supportedIds, ...grounding, claims };
    if (contradicted !== undefined) {
      sentences.push({
        ...head, status: 'ungrounded', reason: 'contradicts_finding',
        contradiction: { findingIds: contradicted.findingIds, errorType: contradicted.errorType!, details: contradicted.details },
        relatedFindingIds: contradicted.findingIds, details: `${contradicted.errorType}: ${contradicted.details}`,
      });
    } else if (missing !== undefined) {
      sentences.push({ ...head, status: 'ungrounded', reason: 'no_such_structure', relatedFindingIds: [], details: missing.details });
    } else if (supportedIds.length > 0 || measured.length > 0) {
      sentences.push({ ...head, status: 'grounded', details: claims.filter((c) => c.verdict === 'supported').map((c) => c.details).join('; ') });
    } else if (outside !== undefined) {
      sentences.push({ ...head, status: 'ungrounded', reason: 'not_in_imaged_part', relatedFindingIds: [...outside.findingIds], details: outside.details });
    } else {
      const related = [...new Set(claims.flatMap((c) => c.findingIds))];
      const details = claims.length === 0 ? 'no claim about anything measured (no structure, lesion, size, attenuation, fluid, node or stage)' : claims.map((c) => c.details).join('; ');
      sentences.push({ ...head, status: 'ungrounded', reason: 'not_assessable', relatedFindingIds: related, details });
    }
  }
  return {
    kind: 'grounded-text',
    schemaVersion: GROUNDED_TEXT_SCHEMA_VERSION,
    provenance: { study: deps.study ?? null, knowledgeBaseHash: deps.kb.contentHash, embedderId: deps.retriever?.embedderId ?? null, lesionsComplete },
    sentences,
    skipped,
    summary: summarise(sentences, skipped.length),
  };
}
