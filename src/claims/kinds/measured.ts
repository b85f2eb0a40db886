import type { ClaimMatch, NumericComparison } from '../match-types.ts';
import { mirrorOrgan, type MeasuredStructure, type ReferenceIndex } from '../reference.ts';
import type { Claim, MeasureKind } from '../types.ts';
import { compare, unknown } from './match-helpers.ts';

/**
 * Numbers stated for a measured structure that no rule made a finding about: "gallbladder volume 45 mL", "the
 * adrenal measures 31 mm", "spleen 52 HU". Compared with the structure's own measurement (measurements.json:
 * volume, craniocaudal extent, mean HU) under the same tolerances as findings. A whole-organ number (volume,
 * length) of a structure cut by the scan border is not checked (RadGPT: no volume for a partial organ): it may
 * lie outside the imaged part. A number that is the other side's measurement is a side error.
 */

function measuredValue(row: MeasuredStructure, kind: MeasureKind): number | null {
  if (kind === 'volumeMl') return row.volumeMl;
  if (kind === 'lengthMm') return row.craniocaudalMm;
  if (kind === 'huMean') return row.huMean;
  return null;
}

function comparisons(claim: Claim, row: MeasuredStructure, organ: string, kinds: readonly MeasureKind[]): NumericComparison[] {
  const out: NumericComparison[] = [];
  for (const n of claim.numbers) {
    if (!kinds.includes(n.kind)) continue;
    const v = measuredValue(row, n.kind);
    if (v !== null) out.push(compare(n, v, `measured:${organ}`));
  }
  return out;
}

/** The verdict from measurements, or null when the structure has no measured row or the claim no such number. */
export function matchMeasured(claim: Claim, ref: ReferenceIndex, organ: string, kinds: readonly MeasureKind[]): ClaimMatch | null {
  const row = ref.structure(organ);
  if (row === undefined || !row.present) return null;
  if (!claim.numbers.some((n) => kinds.includes(n.kind))) return null;
  const wholeOrgan = claim.numbers.some((n) => kinds.includes(n.kind) && n.kind !== 'huMean');
  if (wholeOrgan && row.partiallyImaged) return { ...unknown(`${organ} is only partly imaged; its volume and length are not checked`), unverifiable: 'not_in_imaged_part' };
  const numeric = comparisons(claim, row, organ, kinds);
  if (numeric.length === 0) return null;
  const r = (x: number) => Math.round(x * 10) / 10;
  if (numeric.every((c) => c.withinTolerance)) return { verdict: 'supported', findingIds: [], structures: [organ], details: `${organ} as measured (${numeric.map((c) => `${c.kind} ${r(c.measured)}`).join(', ')})`, numeric };
  const mirror = mirrorOrgan(organ);
  const other = mirror === null ? undefined : ref.structure(mirror);
  if (mirror !== null && other !== undefined && other.present && !(wholeOrgan && other.partiallyImaged)) {
    const flipped = comparisons(claim, other, mirror, kinds);
    if (flipped.length > 0 && flipped.every((c) => c.withinTolerance))
      return { verdict: 'contradicted', errorType: 'wrong_side', findingIds: [], structures: [mirror], details: `${organ}: the stated numbers are the measurements of ${mirror}`, numeric };
  }
  const off = numeric.filter((c) => !c.withinTolerance);
  return { verdict: 'contradicted', errorType: 'number_off', findingIds: [], structures: [organ], details: off.map((c) => `${organ} ${c.kind} ${r(c.stated)} vs measured ${r(c.measured)}`).join('; '), numeric };
}
