import type { Answer } from '../../src/vqa/index.ts';
import type { Expected, QuestionItem } from './question-set.ts';

/**
 * Scoring of one answer against its expected answer.
 * - exact: an unanswerable question must come back answerable false with the same reason; an answerable one
 *   with the same value (within `toleranceAbs`, same unit), the same mask label (and component), or the same
 *   short text (case-insensitive; ' and '-joined parts as a set).
 * - grounded: an answer given has at least one evidence entry with mask geometry (a label with voxels, its box).
 */

function textKey(s: string): string {
  return s.toLowerCase().trim().replace(/\.$/, '').split(' and ').map((p) => p.trim()).sort().join(' and ');
}

export function isExact(a: Answer, e: Expected): boolean {
  if (!e.answerable) return !a.answerable && a.reason === e.reason;
  if (!a.answerable) return false;
  if (e.value !== undefined) return a.value !== undefined && a.unit === e.unit && Math.abs(a.value - e.value) <= (e.toleranceAbs ?? 0);
  if (e.mask !== undefined) return (a.masks ?? []).some((m) => m.labelName === e.mask!.labelName && (e.mask!.componentId === undefined || m.componentId === e.mask!.componentId));
  if (e.answer !== undefined) return textKey(a.answer) === textKey(e.answer);
  return true;
}

export function isGrounded(a: Answer): boolean {
  return a.evidence.some((ev) => ev.voxelCount > 0 && ev.rasBounds !== null && ev.sliceRange !== null);
}

export interface Scored {
  readonly item: QuestionItem;
  readonly answer: Answer;
  readonly exact: boolean;
}

export interface Summary {
  readonly questions: number;
  readonly exact: number;
  readonly exactPct: number;
  /** Answers given (answerable true). */
  readonly answered: number;
  /** Of the answers given, the share with mask evidence, %. */
  readonly withEvidencePct: number;
  /** Questions whose expected answer is 'unanswerable' that got an answer anyway (the goal is 0). */
  readonly answeredUnanswerable: number;
  readonly unanswerableQuestions: number;
  readonly byType: Record<string, { questions: number; exact: number; exactPct: number }>;
  readonly byStudy: Record<string, { questions: number; exact: number; exactPct: number }>;
}

const pct = (a: number, b: number) => (b === 0 ? 100 : Math.round((1000 * a) / b) / 10);

export function summarise(scored: readonly Scored[]): Summary {
  const group = (key: (s: Scored) => string) => {
    const out: Record<string, { questions: number; exact: number; exactPct: number }> = {};
    for (const s of scored) {
      const g = (out[key(s)] ??= { questions: 0, exact: 0, exactPct: 0 });
      g.questions++;
      if (s.exact) g.exact++;
    }
    for (const g of Object.values(out)) g.exactPct = pct(g.exact, g.questions);
    return out;
  };
  const answered = scored.filter((s) => s.answer.answerable);
  const unanswerable = scored.filter((s) => !s.item.expected.answerable);
  const exact = scored.filter((s) => s.exact).length;
  return {
    questions: scored.length,
    exact,
    exactPct: pct(exact, scored.length),
    answered: answered.length,
    withEvidencePct: pct(answered.filter((s) => isGrounded(s.answer)).length, answered.length),
    answeredUnanswerable: unanswerable.filter((s) => s.answer.answerable).length,
    unanswerableQuestions: unanswerable.length,
    byType: group((s) => s.item.type),
    byStudy: group((s) => s.item.study),
  };
}
