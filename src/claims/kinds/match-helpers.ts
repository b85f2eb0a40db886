import type { Finding } from '../../findings/index.ts';
import type { ClaimMatch, ErrorType, NumericComparison } from '../match-types.ts';
import { withinTolerance } from '../tolerances.ts';
import type { ClaimNumber, MeasureKind } from '../types.ts';

/** Small helpers every claim-kind matcher shares: verdict constructors and number comparison. */

export const ok = (findingIds: string[], details: string, numeric: NumericComparison[] = []): ClaimMatch => ({ verdict: 'supported', findingIds, details, numeric });
export const bad = (errorType: ErrorType, findingIds: string[], details: string, numeric: NumericComparison[] = []): ClaimMatch => ({ verdict: 'contradicted', errorType, findingIds, details, numeric });
export const unknown = (details: string, findingIds: string[] = []): ClaimMatch => ({ verdict: 'unverifiable', findingIds, details, numeric: [] });

export const round = (x: number) => Math.round(x * 10) / 10;
export const organName = (o: string | null) => o ?? 'any organ';

export function compare(n: ClaimNumber, measured: number, findingId: string, kind: MeasureKind = n.kind): NumericComparison {
  const absError = Math.abs(n.value - measured);
  return { kind, stated: n.value, measured, findingId, absError, relError: measured === 0 ? null : absError / Math.abs(measured), withinTolerance: withinTolerance(n.kind, n.value, measured, n.roundingHalfStep) };
}

/** The value of a finding a number of this kind is compared with; a bare diameter takes the long axis. */
export function measuredFor(f: Finding, kind: MeasureKind): number | undefined {
  const v = f.values;
  switch (kind) {
    case 'diameterMm':
    case 'longAxisMm':
      return v.longAxisMm ?? v.diameterMm;
    case 'shortAxisMm':
      return v.shortAxisMm;
    case 'lengthMm':
      return v.craniocaudalLengthMm;
    case 'volumeMl':
      return v.volumeMl;
    case 'huMean':
      return v.huMean;
    case 'angleDeg':
      return v.contactAngleDeg;
  }
}

export function compareAll(numbers: readonly ClaimNumber[], f: Finding): NumericComparison[] {
  const out: NumericComparison[] = [];
  for (const n of numbers) {
    const measured = measuredFor(f, n.kind);
    if (measured === undefined) continue;
    let c = compare(n, measured, f.id);
    // A single diameter is also right when it is the largest 3D diameter.
    if (!c.withinTolerance && n.kind === 'diameterMm' && f.values.max3dDiameterMm !== undefined) {
      const alt = compare(n, f.values.max3dDiameterMm, f.id);
      if (alt.withinTolerance) c = alt;
    }
    out.push(c);
  }
  return out;
}

export function segmentsOf(f: Finding): string[] {
  const s = f.attributes.segments;
  return Array.isArray(s) ? s : [];
}
