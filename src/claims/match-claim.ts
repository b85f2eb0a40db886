import type { Finding } from '../findings/index.ts';
import { CLAIM_MATCHERS } from './kinds/index.ts';
import { bad } from './kinds/match-helpers.ts';
import { structureOrNull } from '../anatomy/index.ts';
import type { ClaimMatch, UnverifiableReason } from './match-types.ts';
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
 *   wrong_severity (enlarged vs massively enlarged; mild vs moderate emphysema, fracture grade, calcium band;
 *   ectatic vs aneurysmal), wrong_contact (abutment vs encasement), wrong_phase (contrast phase).
 * - unverifiable: the findings do not say, for one of three reasons kept apart (`unverifiable`):
 *   'no_such_structure' (the study has no label and no finding for the organ), 'not_in_imaged_part' (the organ is
 *   cut by the scan border or outside it, or the masks hold no class for that kind of finding there: no lesion
 *   label, no node label, no fluid label), 'not_assessable' (the masks say nothing the claim could be checked by).
 * - A number stated for a measured structure that no rule made a finding about (the volume of a gallbladder, the
 *   mean HU of an adrenal) is compared with the structure's measurement (options.structures): supported or
 *   'number_off' ('wrong_side' when it is the other side's measurement).
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
const WITH_STRUCTURES = new WeakMap<readonly unknown[], WeakMap<readonly Finding[], Map<boolean, ReferenceIndex>>>();

/** A cached index over a findings array (the same findings and structures arrays give the same index). */
export function referenceIndex(findings: readonly Finding[], options: MatchOptions = {}): ReferenceIndex {
  let perFindings = INDEXES;
  if (options.structures !== undefined) {
    let m = WITH_STRUCTURES.get(options.structures);
    if (m === undefined) WITH_STRUCTURES.set(options.structures, (m = new WeakMap()));
    perFindings = m;
  }
  let byOpt = perFindings.get(findings);
  if (byOpt === undefined) perFindings.set(findings, (byOpt = new Map()));
  const key = options.lesionsComplete === true;
  let idx = byOpt.get(key);
  if (idx === undefined) byOpt.set(key, (idx = new ReferenceIndex(findings, options)));
  return idx;
}

/** Why an unverifiable claim could not be decided (see the module comment), with the findings that say so. */
function classify(claim: Claim, m: ClaimMatch, ref: ReferenceIndex): ClaimMatch {
  if (m.verdict !== 'unverifiable' || m.unverifiable !== undefined) return m;
  const as = (unverifiable: UnverifiableReason, details: string, findingIds: readonly string[] = m.findingIds): ClaimMatch => ({ ...m, unverifiable, details, findingIds });
  if (claim.organ !== null) {
    if (!ref.hasStructure(claim.organ)) return as('no_such_structure', `the study has no label and no finding for ${claim.organ}`, []);
    if (!claim.negated && claim.kind === 'lesion' && !ref.hasLesionClass(claim.organ)) return as('not_in_imaged_part', `the masks hold no lesion class for ${claim.organ} (no lesion finding, no lesion label): nothing was looked for there`, []);
    const limits = ref.limitingFindings(claim.organ);
    if (limits.length > 0) return as('not_in_imaged_part', `${claim.organ} is ${limits.map((f) => f.statement).join(' / ')} in this study: ${m.details}`, limits.map((f) => f.id));
  } else if (!claim.negated) {
    if (claim.kind === 'lesion' && ref.lesions.length === 0 && ![...ref.measured.keys()].some((n) => structureOrNull(n)?.kind === 'lesion')) return as('not_in_imaged_part', 'the masks hold no lesion class at all', []);
    if (claim.kind === 'lymph_node' && !ref.findings.some((f) => f.type === 'lymph_node')) return as('not_in_imaged_part', 'the masks hold no lymph node class', []);
    if (claim.kind === 'fluid' && ref.get(`${claim.fluid ?? 'ascites'}.fluid`) === undefined) return as('not_in_imaged_part', `the masks hold no ${claim.fluid ?? 'ascites'} class`, []);
  }
  return as('not_assessable', m.details);
}

/**
 * Matches one claim against a study's reference findings. Pure; never throws.
 *
 * @example matchClaim(parseClaims('The spleen is enlarged (346 mL).')[0], findings)
 *   // { verdict: 'supported', findingIds: ['spleen.size', 'spleen.length'], numeric: [{ kind: 'volumeMl', ... }] }
 */
export function matchClaim(claim: Claim, findings: readonly Finding[], options: MatchOptions = {}): ClaimMatch {
  const ref = referenceIndex(findings, options);
  return classify(claim, repaired(claim, direct(claim, ref), ref), ref);
}
