import type { MeasureKind } from './types.ts';

/** Verdicts and error types of claim matching (match-claim.ts; each claim kind's matcher in kinds/). */

export const ERROR_TYPES = [
  'wrong_side',
  'wrong_organ',
  'wrong_segment',
  'number_off',
  'wrong_unit',
  'negated_present',
  'present_absent',
  'wrong_attenuation',
  'wrong_stage',
  'wrong_type',
  'wrong_count',
  'wrong_severity',
  'wrong_contact',
  // follow-up (change-claims.ts)
  'wrong_change',
  'wrong_response',
  // routine measurements (routine-claims.ts)
  'wrong_phase',
] as const;
export type ErrorType = (typeof ERROR_TYPES)[number];
export type Verdict = 'supported' | 'contradicted' | 'unverifiable';

/**
 * Why an unverifiable claim could not be decided, kept apart from a contradiction:
 * - 'no_such_structure': the study has no label and no finding for the organ the claim is about;
 * - 'not_in_imaged_part': what the claim states may lie outside what the masks cover: the organ is only partly
 *   imaged (or not imaged), or the masks have no class for that kind of finding there (nothing was looked for);
 * - 'not_assessable': the masks say nothing about it (no finding, no number to compare).
 */
export const UNVERIFIABLE_REASONS = ['no_such_structure', 'not_in_imaged_part', 'not_assessable'] as const;
export type UnverifiableReason = (typeof UNVERIFIABLE_REASONS)[number];

/** One stated number set against the measured value of a finding. */
export interface NumericComparison {
  readonly kind: MeasureKind;
  readonly stated: number;
  readonly measured: number;
  readonly findingId: string;
  /** |stated - measured| in the kind's unit. */
  readonly absError: number;
  /** absError / |measured| (range >= 0, no unit); null when measured is 0. */
  readonly relError: number | null;
  readonly withinTolerance: boolean;
}

export interface ClaimMatch {
  readonly verdict: Verdict;
  readonly errorType?: ErrorType;
  /** For an unverifiable claim: why (see UnverifiableReason). */
  readonly unverifiable?: UnverifiableReason;
  /** Reference findings the verdict rests on. */
  readonly findingIds: readonly string[];
  /** Measured structures (canonical names) the verdict rests on when no finding carries the number. */
  readonly structures?: readonly string[];
  /** One line a person can read: why this verdict. */
  readonly details: string;
  readonly numeric: readonly NumericComparison[];
}
