/**
 * Scores the question parser against the gold questions. Definitions (also in README.md):
 * - in-scope questions parsed to the right type = gold in-scope questions the parser reads as an intent of the
 *   gold type / gold in-scope questions. Target agreement (the structure or the lesion's organ) is reported beside.
 * - out-of-scope questions answered out_of_scope with a reason = gold out-of-scope questions the parser returns as
 *   'out_of_scope' with a reason category (not 'unparsed', not an intent) / gold out-of-scope questions. Whether the
 *   category equals the gold category is reported beside.
 */
import type { Intent, ParseResult } from '../../src/vqa/index.ts';
import type { QuestionLabel } from './gold.ts';

/** The target of an intent in the gold label's notation: 'lesion:<organ|any>' or a structure name. */
export function intentTarget(intent: Intent): string | null {
  const i = intent as { target?: { kind: string; organ?: string | null; structure?: string } | null; structure?: string | null; structures?: readonly string[]; region?: string | null };
  if (i.region !== undefined) return i.region;
  if (i.target !== undefined && i.target !== null) return i.target.kind === 'lesion' ? `lesion:${i.target.organ ?? 'any'}` : (i.target.structure ?? null);
  if (i.structures !== undefined) return i.structures.join(',');
  return i.structure ?? null;
}

export interface QuestionScore {
  readonly inScope: boolean;
  readonly typeRight: boolean;
  readonly targetRight: boolean;
  readonly outOfScopeRight: boolean;
  readonly reasonRight: boolean;
  readonly got: string;
}

export function scoreQuestion(label: QuestionLabel, r: ParseResult): QuestionScore {
  const got = r.ok ? `${r.intent.type} ${intentTarget(r.intent) ?? '-'}` : `${r.reason}${'category' in r && r.category ? `:${r.category}` : ''}`;
  if (label.inScope) {
    const typeRight = r.ok && r.intent.type === label.type;
    const gotTarget = r.ok ? intentTarget(r.intent) : null;
    const targetRight = typeRight && (label.type === 'comparison' ? true : gotTarget === label.target);
    return { inScope: true, typeRight, targetRight, outOfScopeRight: false, reasonRight: false, got };
  }
  const oos = !r.ok && r.reason === 'out_of_scope' && r.detail.trim() !== '';
  const reasonRight = oos && (r as { category?: string }).category === label.reason;
  return { inScope: false, typeRight: false, targetRight: false, outOfScopeRight: oos, reasonRight, got };
}
