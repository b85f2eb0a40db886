import { coverageCues } from '../cues.ts';
import { baseClaim, negatedAt, type ClaimExtractor } from '../context.ts';
import type { ClaimMatch } from '../match-types.ts';
import { claimTargets, type ReferenceIndex } from '../reference.ts';
import type { Claim } from '../types.ts';
import { bad, ok, unknown } from './match-helpers.ts';

/**
 * Coverage claims: the organ is only partly in the scan ("the right kidney, which is partially examined", "the
 * liver extends beyond the lower edge of the scan", "partially included in the field of view"); "completely
 * included" is the claim denied (wholly imaged). Checked against groundct's partially-imaged findings (an organ
 * touching a face of the scan; RadGPT withholds its size).
 */
export const coverageExtractor: ClaimExtractor = {
  kinds: ['coverage'],
  extract(ctx, state) {
    for (const c of coverageCues(ctx.text)) {
      const subjects = ctx.organs.filter((m) => m.organ !== null && m.role !== 'lesion');
      // The carried subject only when the clause speaks of no group ("the other organs were not all wholly imaged").
      const group = /\b(?:organs|structures|others?)\b/i.test(ctx.text);
      const organs = subjects.length > 0 ? [...new Set(subjects.map((m) => m.organ!))] : ctx.carried?.organ && !group ? [ctx.carried.organ] : [];
      const negated = (c.value === 'complete') !== negatedAt(ctx, c.start);
      for (const organ of organs) state.claims.push(baseClaim(ctx, state, 'coverage', negated, organ, {}, subjects.find((m) => m.organ === organ)));
    }
  },
};

export function matchCoverage(claim: Claim, ref: ReferenceIndex): ClaimMatch {
  if (claim.organ === null) return unknown('coverage claim names no organ');
  const partial = claimTargets(claim.organ).map((t) => ref.get(`${t}.partial`) ?? ref.get(`${t}.not_imaged`)).filter((f) => f !== undefined);
  const whole = claimTargets(claim.organ).filter((t) => ref.wholeOrgan(t));
  if (!claim.negated) {
    if (partial.length > 0) return ok(partial.map((f) => f.id), `${claim.organ} is ${partial.map((f) => f.statement).join(', ')}, as in the reference`);
    if (whole.length === claimTargets(claim.organ).length) return bad('present_absent', whole.flatMap((t) => [ref.get(`${t}.size`)?.id ?? ref.get(`${t}.normal`)?.id ?? `${t}.lesions`]), `${claim.organ} called partly imaged but the masks hold it whole`);
    return unknown(`coverage of ${claim.organ} is not known from the reference`);
  }
  if (partial.length > 0) return bad('negated_present', partial.map((f) => f.id), `${claim.organ} called wholly imaged but it is ${partial[0]!.statement}`);
  if (whole.length === claimTargets(claim.organ).length) return ok(whole.flatMap((t) => [ref.get(`${t}.size`)?.id ?? ref.get(`${t}.normal`)?.id ?? `${t}.lesions`]), `${claim.organ} wholly imaged, as in the reference`);
  return unknown(`coverage of ${claim.organ} is not known from the reference`);
}
