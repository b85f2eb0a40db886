import { organsRelated } from '../mentions.ts';
import { baseClaim, isLandmark, numbersOf, type ClaimExtractor } from '../context.ts';
import type { ClaimMatch } from '../match-types.ts';
import type { ReferenceIndex } from '../reference.ts';
import type { Claim } from '../types.ts';
import { bad, compareAll, ok, round, unknown } from './match-helpers.ts';
import { matchMeasured } from './measured.ts';
import { isVessel, organNumbers, sizeSubjects } from './organ-size.ts';

/**
 * Organs with only numbers ("Liver volume 1511 mL and spleen volume 346 mL", "spleen 52 HU", "the aortic arch
 * calibration is 32 mm"): a volume or length is an 'organ_size' claim, a mean HU an 'attenuation' claim. Also
 * beside size, fat and normal statements about other organs ("Splenomegaly and liver volume 1500 mL"); not beside
 * lesions, nodes, fluid, stages or contacts, whose numbers are theirs. Each organ takes the numbers attributed to it
 * (attribute-numbers.ts).
 */
export const organNumbersExtractor: ClaimExtractor = {
  kinds: ['organ_size', 'attenuation'],
  extract(ctx, state) {
    const onlyOrganStatements = state.claims.every((c) => c.kind === 'organ_size' || c.kind === 'steatosis' || c.kind === 'normal' || c.kind === 'coverage');
    if (!onlyOrganStatements || ctx.numbers.length === 0) return;
    const stated = (organ: string) => state.claims.some((c) => c.organ !== null && (c.organ === organ || organsRelated(c.organ, organ)));
    // The subject comes before its measurement ("spleen 346 mL", "the spleen measures 13.8 cm"); a landmark ("the
    // neighbourhood of the spleen") is no subject, and a number before every mention of the organ is not its own
    // ("a 10 mm spleen-like nodule ... the spleen").
    const subjects = sizeSubjects(ctx).filter((m) => m.role !== 'bone' && !isLandmark(ctx.text, m));
    const names = new Set(subjects.map((m) => (m.role === 'vessel' ? m.canonical : m.organ!)));
    for (const organ of names) {
      if (stated(organ)) continue;
      const mention = subjects.find((m) => (m.role === 'vessel' ? m.canonical : m.organ) === organ);
      const nums = organNumbers(numbersOf(ctx, organ).filter((n) => n.start > mention!.start), isVessel(organ));
      const dims = nums.filter((n) => n.kind !== 'huMean');
      const hu = nums.filter((n) => n.kind === 'huMean');
      if (dims.length > 0) state.claims.push(baseClaim(ctx, state, 'organ_size', false, organ, { numbers: dims }, mention));
      if (hu.length > 0) state.claims.push(baseClaim(ctx, state, 'attenuation', false, organ, { numbers: hu }, mention));
    }
  },
};

export function matchAttenuation(claim: Claim, ref: ReferenceIndex): ClaimMatch {
  if (claim.organ === null) return unknown('attenuation claim names no organ');
  // A partly imaged organ's finding carries the mean of its imaged part ("In its imaged part, the spleen has ...").
  const f = [ref.get(`${claim.organ}.steatosis`), ref.get(`${claim.organ}.normal`), ref.get(`${claim.organ}.partial`)].find((x) => x?.values.huMean !== undefined);
  if (f === undefined) return matchMeasured(claim, ref, claim.organ, ['huMean']) ?? unknown(`no mean attenuation of ${claim.organ} in the reference`);
  const numeric = compareAll(claim.numbers, f);
  const off = numeric.find((c) => !c.withinTolerance);
  if (off) return bad('number_off', [f.id], `${claim.organ} mean ${round(off.stated)} HU vs measured ${round(off.measured)} HU`, numeric);
  return numeric.length > 0 ? ok([f.id], `${claim.organ} attenuation as measured`, numeric) : unknown('no number to check');
}
