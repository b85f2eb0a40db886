import type { GroundedSentence } from '../../src/ground/index.ts';
import type { Expected, SentenceItem } from './sentence-set.ts';

/**
 * Scoring of one grounded sentence against its label.
 * - linked correctly: expected grounded -> status 'grounded' and `findingIds` includes the expected finding;
 *   expected ungrounded -> status 'ungrounded' with the expected reason, and, when the label names them, the
 *   expected finding among the contradicted / limiting findings and the expected error type.
 * - marked: a sentence labelled 'contradicts_finding' is ungrounded with that reason (the error type may differ).
 */
export interface Scored {
  readonly item: SentenceItem;
  readonly got: GroundedSentence | null;
  readonly correct: boolean;
  /** Only for sentences labelled 'contradicts_finding'. */
  readonly marked?: boolean;
  readonly why: string;
}

function related(g: GroundedSentence): readonly string[] {
  return [...(g.contradiction?.findingIds ?? []), ...(g.relatedFindingIds ?? [])];
}

export function scoreSentence(item: SentenceItem, got: GroundedSentence | null): Scored {
  const e: Expected = item.expect;
  if (got === null) return { item, got, correct: false, ...(e.status === 'ungrounded' && e.reason === 'contradicts_finding' ? { marked: false } : {}), why: 'skipped as a heading' };
  if (e.status === 'grounded') {
    if (got.status !== 'grounded') return { item, got, correct: false, why: `ungrounded (${got.reason}): ${got.details}` };
    if (!got.findingIds.includes(e.findingId)) return { item, got, correct: false, why: `linked to ${got.findingIds.join(', ')}, not ${e.findingId}` };
    return { item, got, correct: true, why: 'ok' };
  }
  const marked = e.reason === 'contradicts_finding' ? got.status === 'ungrounded' && got.reason === 'contradicts_finding' : undefined;
  const m = marked === undefined ? {} : { marked };
  if (got.status !== 'ungrounded') return { item, got, correct: false, ...m, why: `grounded to ${got.findingIds.join(', ')}` };
  if (got.reason !== e.reason) return { item, got, correct: false, ...m, why: `reason ${got.reason}, not ${e.reason}: ${got.details}` };
  if (e.findingId !== undefined && !related(got).includes(e.findingId)) return { item, got, correct: false, ...m, why: `names ${related(got).join(', ') || 'no finding'}, not ${e.findingId}` };
  if (e.errorType !== undefined && got.contradiction?.errorType !== e.errorType) return { item, got, correct: false, ...m, why: `error type ${got.contradiction?.errorType}, not ${e.errorType}` };
  return { item, got, correct: true, ...m, why: 'ok' };
}

export interface Summary {
  readonly sentences: number;
  readonly correct: number;
  /** correct / sentences, percent with one decimal. */
  readonly linkedPct: number;
  readonly contradicted: number;
  readonly contradictedMarked: number;
  /** Grounded sentences (as returned) with at least one evidence entry and one citation. */
  readonly groundedReturned: number;
  readonly groundedWithEvidenceAndCitation: number;
  readonly byExpected: Readonly<Record<string, { sentences: number; correct: number }>>;
  readonly byStudy: Readonly<Record<string, { sentences: number; correct: number }>>;
}

const pct = (a: number, b: number) => (b === 0 ? 0 : Math.round((1000 * a) / b) / 10);

export function summarise(scored: readonly Scored[]): Summary {
  const group = (key: (s: Scored) => string) => {
    const out: Record<string, { sentences: number; correct: number }> = {};
    for (const s of scored) {
      const k = key(s);
      out[k] ??= { sentences: 0, correct: 0 };
      out[k].sentences++;
      if (s.correct) out[k].correct++;
    }
    return out;
  };
  const contradicted = scored.filter((s) => s.marked !== undefined);
  const grounded = scored.filter((s) => s.got?.status === 'grounded');
  return {
    sentences: scored.length,
    correct: scored.filter((s) => s.correct).length,
    linkedPct: pct(scored.filter((s) => s.correct).length, scored.length),
    contradicted: contradicted.length,
    contradictedMarked: contradicted.filter((s) => s.marked).length,
    groundedReturned: grounded.length,
    groundedWithEvidenceAndCitation: grounded.filter((s) => s.got!.evidence.length > 0 && s.got!.citations.length > 0).length,
    byExpected: group((s) => (s.item.expect.status === 'grounded' ? 'grounded' : s.item.expect.reason)),
    byStudy: group((s) => s.item.study),
  };
}
