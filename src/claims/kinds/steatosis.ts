import { baseClaim, certaintyAt, negatedAt, numbersOf, type ClaimExtractor } from '../context.ts';
import type { ClaimMatch } from '../match-types.ts';
import type { ReferenceIndex } from '../reference.ts';
import type { Claim } from '../types.ts';
import { bad, compareAll, ok, round, unknown } from './match-helpers.ts';
import { organNumbers } from './organ-size.ts';

/** Steatosis claims: "hepatic steatosis", "fatty liver", "hepatosteatosis", "reduced liver density", "fatty pancreas", with a mean HU. */
export const steatosisExtractor: ClaimExtractor = {
  kinds: ['steatosis'],
  extract(ctx, state) {
    const seen = new Set<string>();
    for (const s of ctx.steatoses) {
      // "Reduced liver density, consistent with fatty liver" is one claim about the liver.
      if (seen.has(s.organ)) continue;
      seen.add(s.organ);
      const certainty = certaintyAt(ctx, s.start);
      state.claims.push(baseClaim(ctx, state, 'steatosis', negatedAt(ctx, s.start), s.organ, { numbers: organNumbers(numbersOf(ctx, s.organ)).filter((n) => n.kind === 'huMean'), ...(certainty ? { certainty } : {}) }));
    }
  },
};

export function matchSteatosis(claim: Claim, ref: ReferenceIndex): ClaimMatch {
  const organ = claim.organ ?? 'liver';
  const f = ref.get(`${organ}.steatosis`);
  if (f === undefined || f.status === 'indeterminate') return unknown(`steatosis of ${organ} was not assessed in the reference (phase or organ)`);
  const numeric = compareAll(claim.numbers, f);
  const fatty = f.status === 'abnormal';
  if (!claim.negated && !fatty) return bad('present_absent', [f.id], `${organ} called fatty but the reference says ${f.statement}`, numeric);
  if (claim.negated && fatty) return bad('negated_present', [f.id], `${organ} called not fatty but the reference says fatty`, numeric);
  const off = numeric.find((c) => !c.withinTolerance);
  if (off) return bad('number_off', [f.id], `${organ} mean ${round(off.stated)} HU vs measured ${round(off.measured)} HU`, numeric);
  return ok([f.id], `${organ} ${f.statement}, as in the reference`, numeric);
}
