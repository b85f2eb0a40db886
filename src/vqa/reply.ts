import type { Evidence } from '../findings/index.ts';
import type { Answer, AnswerCitation, MaskRef, UnanswerableReason } from './types.ts';

/** What an answer function returns: the answer without the question, intent and parser fields. */
export type Reply = Omit<Answer, 'kind' | 'schemaVersion' | 'question' | 'intent' | 'parsedBy'>;

export interface ReplyParts {
  readonly answer: string;
  readonly value?: number;
  readonly unit?: string;
  readonly findingIds?: readonly string[];
  readonly evidence?: readonly Evidence[];
  readonly citations?: readonly AnswerCitation[];
  readonly masks?: readonly MaskRef[];
  readonly caveats?: readonly string[];
}

function dedupeEvidence(evidence: readonly Evidence[]): Evidence[] {
  const seen = new Set<string>();
  return evidence.filter((e) => {
    const key = `${e.study ?? ''}|${e.labelId}|${e.componentId ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function build(answerable: boolean, p: ReplyParts, reason?: UnanswerableReason): Reply {
  return {
    answerable,
    ...(reason === undefined ? {} : { reason }),
    answer: p.answer,
    ...(p.value === undefined ? {} : { value: p.value }),
    ...(p.unit === undefined ? {} : { unit: p.unit }),
    findingIds: [...new Set(p.findingIds ?? [])],
    evidence: dedupeEvidence(p.evidence ?? []),
    citations: [...(p.citations ?? [])],
    ...(p.masks === undefined ? {} : { masks: [...p.masks] }),
    caveats: [...new Set(p.caveats ?? [])],
  };
}

export function answered(p: ReplyParts): Reply {
  return build(true, p);
}

/** An answer withheld, with the reason and what evidence there is (e.g. the partial organ's mask). */
export function unanswerable(reason: UnanswerableReason, answer: string, p: Omit<ReplyParts, 'answer' | 'value' | 'unit'> = {}): Reply {
  return build(false, { ...p, answer }, reason);
}

export function isReply(x: unknown): x is Reply {
  return typeof x === 'object' && x !== null && 'answerable' in x && 'answer' in x;
}

/** One decimal, as radiology reports write mL, mm and HU. */
export function fmt1(x: number): string {
  return x.toFixed(1);
}

export function yesNo(b: boolean): string {
  return b ? 'yes' : 'no';
}
