import type { Finding } from '../findings/index.ts';
import { CLAIM_MATCHERS } from './kinds/index.ts';
import { bad } from './kinds/match-helpers.ts';
import type { ClaimMatch } from './match-types.ts';
import { organsRelated } from './mentions.ts';
import { mirrorOrgan, ReferenceIndex, type MatchOptions } from './reference.ts';
import type { Claim } from './types.ts';

export { ERROR_TYPES, type ClaimMatch, type ErrorType, type NumericComparison, type UnverifiableReason, type Verdict } from './match-types.ts';

/**
 * Claim -> verdict against reference findings.
 *
 * - supported: a finding states it (every number within tolerance, tolerances.ts).
 * - contradicted: the findings state otherwise; `errorType` says how:
 *   wrong_side / wrong_organ (the claimed abnormality is absent where the text puts it but present, with the
 *   claimed size, on the other side / in another organ), wrong_segment, number_off, wrong_unit (the number
 *   is right in the other unit: cm for mm, mL for L), negated_present (denied but present), present_absent
 *   (asserted but absent), wrong_attenuation, wrong_stage, wrong_type (cyst vs solid), wrong_count,
 *   wrong_severity (enlarged vs massively enlarged), wrong_contact (abutment vs encasement).
 * - unverifiable: the findings do not say (organ not segmented or cut by the scan border, lesion status of the
 *   organ unknown, no label for the fluid or node, nothing checkable in the claim).
 *
 * Attribution of wrong_side / wrong_organ / wrong_unit: when the claim is contradicted, the harness looks for
 * the smallest edit that would make it supported: the same claim with the other side (for 'present_absent'),
 * in another organ (for 'present_absent' of a claim with a number, which identifies the finding), or with its lengths or volumes in the other unit (for 'number_off').
 * Denials are never moved to another side or organ: a wrong "no lesion" is 'negated_present' whatever else is
 * true elsewhere.
 */

function direct(claim: Claim, ref: ReferenceIndex): ClaimMatch {
  return CLAIM_MATCHERS[claim.kind](claim, ref);
}

/**
 * The claim with one group of its numbers read in the other unit: lengths cm <-> mm, or volumes mL <-> L.
 * Null when the claim has no number of that group.
 */
function otherUnit(claim: Claim, group: 'length' | 'volume'): Claim | null {
  let changed = false;
  const numbers = claim.numbers.map((n) => {
    let f = 1;
    if (group === 'length' && n.unit === 'cm') f = 1 / 10;
    else if (group === 'length' && n.unit === 'mm') f = 10;
    else if (group === 'volume' && n.unit === 'l') f = 1 / 1000;
    else if (group === 'volume' && (n.unit === 'ml' || n.unit === 'cc' || n.unit === 'cm3')) f = 1000;
    if (f === 1) return n;
    changed = true;
    return { ...n, value: n.value * f, roundingHalfStep: n.roundingHalfStep * f };
  });
  return changed ? { ...claim, numbers } : null;
}

function repaired(claim: Claim, m: ClaimMatch, ref: ReferenceIndex): ClaimMatch {
  if (m.verdict !== 'contradicted') return m;
  const supported = (c: Claim) => direct(c, ref).verdict === 'supported';
  if (m.errorType === 'number_off') {
    for (const group of ['length', 'volume'] as const) {
      const u = otherUnit(claim, group);
      if (u !== null && supported(u)) return { ...m, errorType: 'wrong_unit', details: `${m.details} (right in the other unit)` };
    }
    return m;
  }
  if (m.errorType !== 'present_absent' || claim.negated) return m;
  if (claim.organ !== null) {
    const mirror = mirrorOrgan(claim.organ);
    if (mirror !== null) {
      const side = claim.side === 'left' ? 'right' : 'left';
      const flipped = direct({ ...claim, organ: mirror, side }, ref);
      if (flipped.verdict === 'supported') return bad('wrong_side', flipped.findingIds as string[], `${m.details}; the reference has it on the ${side}`);
    }
  } else if (claim.side === 'left' || claim.side === 'right') {
    const flipped = direct({ ...claim, side: claim.side === 'left' ? 'right' : 'left' }, ref);
    if (flipped.verdict === 'supported') return bad('wrong_side', flipped.findingIds as string[], `${m.details}; the reference has it on the other side`);
  }
  // Another organ only when a number identifies the finding: "the liver is enlarged" beside an enlarged spleen is
  // simply false, "the liver is enlarged (346 mL)" is the spleen's volume put on the liver.
  if (claim.numbers.length === 0) return m;
  for (const organ of ref.organs()) {
    if (claim.organ !== null && organsRelated(organ, claim.organ)) continue;
    const moved = direct({ ...claim, organ, locations: [], side: undefined }, ref);
    if (moved.verdict === 'supported') return bad('wrong_organ', moved.findingIds as string[], `${m.details}; the reference has it in ${organ}`);
  }
  return m;
}

const INDEXES = new WeakMap<readonly Finding[], Map<boolean, ReferenceIndex>>();

/** A cached index over a findings array (the same array object gives the same index). */
export function referenceIndex(findings: readonly Finding[], options: MatchOptions = {}): ReferenceIndex {
  let byOpt = INDEXES.get(findings);
  if (byOpt === undefined) INDEXES.set(findings, (byOpt = new Map()));
  const key = options.lesionsComplete === true;
  let idx = byOpt.get(key);
  if (idx === undefined) byOpt.set(key, (idx = new ReferenceIndex(findings, options)));
  return idx;
}

/**
 * Matches one claim against a study's reference findings. Pure; never throws.
 *
 * @example matchClaim(parseClaims('The spleen is enlarged (346 mL).')[0], findings)
 *   // { verdict: 'supported', findingIds: ['spleen.size', 'spleen.length'], numeric: [{ kind: 'volumeMl', ... }] }
 */
export function matchClaim(claim: Claim, findings: readonly Finding[], options: MatchOptions = {}): ClaimMatch {
  const ref = referenceIndex(findings, options);
  return repaired(claim, direct(claim, ref), ref);
}
