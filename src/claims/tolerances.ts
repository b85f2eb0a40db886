import type { MeasureKind } from './types.ts';

/**
 * Numeric tolerances of claim matching. A stated number is consistent with a measured value when
 *
 *   |stated - measured| <= roundingHalfStep(stated) + max(absolute, relative x measured)
 *
 * The rounding term makes "2.1 cm" cover every measurement that rounds to it (20.5-21.5 mm, half of the last
 * digit shown); the second term allows for the measurement itself differing between readers and tools:
 *
 * - lengths (diameters, axes, organ length): 10 % or 1 mm, whichever is larger. Inter-reader variability of
 *   CT lesion diameters is of this order (Erasmus et al., J Clin Oncol 2003;21(13):2574-2582,
 *   DOI 10.1200/JCO.2003.01.144; RECIST 1.1 treats changes under 20 % as stable: Eisenhauer et al., Eur J Cancer
 *   2009;45(2):228-247, DOI 10.1016/j.ejca.2008.10.026), and 1 mm is about one in-plane voxel.
 * - volumes: 5 % (the figure; mask volumes from one segmentation differ by voxel rounding only, and
 *   RadGPT size classes are defined on volumes, Bassi et al., RadGPT/AbdomenAtlas 3.0, arXiv:2501.04678).
 * - mean attenuation: 5 HU (ROI placement moves a mean by a few HU; the fatty-liver threshold is 40 HU, so a
 *   5 HU band keeps a claim on the correct side of it for values more than 5 HU away).
 * - contact angles: 10 degrees (about one 2 mm ring cell of a vessel of 10 mm diameter; RadGPT's 180-degree
 *   encasement boundary is judged by the class word, not by this tolerance).
 * - percentages (LAA-950, height loss): 10 % or 1 percentage point; Agatston scores: 10 % or 10 points (the
 *   routine measurement claims of routine-claims.ts; category words decide the class, as for contact).
 *
 * These are design choices of groundct's harness, stated so scores can be compared; they are not guideline
 * values.
 */
export interface NumericTolerance {
  /** Relative band, fraction of the measured value (0.1 = 10 %). */
  readonly relative: number;
  /** Absolute band in the kind's unit. */
  readonly absolute: number;
}

export const LENGTH_TOLERANCE: NumericTolerance = { relative: 0.1, absolute: 1 };
export const VOLUME_TOLERANCE: NumericTolerance = { relative: 0.05, absolute: 0 };
export const HU_TOLERANCE: NumericTolerance = { relative: 0, absolute: 5 };
export const ANGLE_TOLERANCE: NumericTolerance = { relative: 0, absolute: 10 };
/** Percentages (LAA-950 share of the lungs, vertebral height loss): 10 % of the value or 1 percentage point. */
export const PERCENT_TOLERANCE: NumericTolerance = { relative: 0.1, absolute: 1 };
/** Agatston scores: 10 % or 10 points (a score from a non-gated scan is itself an estimate). */
export const SCORE_TOLERANCE: NumericTolerance = { relative: 0.1, absolute: 10 };

export const TOLERANCES: Readonly<Record<MeasureKind, NumericTolerance>> = {
  longAxisMm: LENGTH_TOLERANCE,
  shortAxisMm: LENGTH_TOLERANCE,
  diameterMm: LENGTH_TOLERANCE,
  lengthMm: LENGTH_TOLERANCE,
  volumeMl: VOLUME_TOLERANCE,
  huMean: HU_TOLERANCE,
  angleDeg: ANGLE_TOLERANCE,
  percent: PERCENT_TOLERANCE,
  agatstonScore: SCORE_TOLERANCE,
};

/** Largest allowed |stated - measured| for a stated number (rounding half-step included), in the kind's unit. */
export function allowedError(kind: MeasureKind, measured: number, roundingHalfStep: number): number {
  const t = TOLERANCES[kind];
  return roundingHalfStep + Math.max(t.absolute, t.relative * Math.abs(measured));
}

/** True when `stated` is consistent with `measured` under the stated tolerance. */
export function withinTolerance(kind: MeasureKind, stated: number, measured: number, roundingHalfStep: number): boolean {
  // A tiny epsilon keeps exact boundaries (20.5 mm for "2.1 cm") inside despite binary floating point.
  return Math.abs(stated - measured) <= allowedError(kind, measured, roundingHalfStep) + 1e-9;
}
