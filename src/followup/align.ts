import { structureOrNull } from '../anatomy/index.ts';
import type { FollowupConfig } from '../config.ts';
import { gctError } from '../errors.ts';
import type { Measurements, MeasuredStructureStats } from '../measure/index.ts';
import { alignBoneSurfaces, MIN_OVERLAP_POINTS } from './icp.ts';
import { distanceMm, fitRigid, IDENTITY, principalAxes, rotationAngleDeg, transformPoint, type Point3 } from './rigid.ts';
import type { StudyArtifacts } from './study-folder.ts';
import type { Alignment, AlignmentMethod } from './types.ts';

/**
 * Alignment of an earlier study onto a later one in patient space (RAS mm), tried in this order:
 * 1. the same DICOM Frame of Reference UID: the two share one patient coordinate system (PS3.3 C.7.4.1), no transform;
 * 2. landmarks-bone: a rigid fit of the centroids of bones wholly imaged in both (vertebrae first of all: bone does
 *    not change shape between studies), when they span the space well enough to fix a rotation;
 * 3. landmarks-bone-organs: the same with the centroids of solid organs wholly imaged in both added (organs move
 *    with breathing and change size, so landmarks that disagree with the others are dropped one by one);
 * 4. bone-surface-icp: trimmed ICP of the two CTs' bone surfaces (icp.ts), when the masks share no structure.
 * A method is accepted when its residual is at most `maxAlignmentResidualMm` (and, for ICP, enough of the
 * overlapping bone surface agrees); if none is, GCT_FOLLOWUP_ALIGNMENT_FAILED names each attempt's result.
 */

/**
 * The landmark cloud must extend at least this far (SD along its second principal axis, mm) to fix a rotation:
 * centroids on (nearly) one line, like the vertebrae of a straight spine, leave the roll about that line free.
 */
export const MIN_LANDMARK_SPREAD_MM = 15;
/** A landmark whose residual exceeds both this and twice the median residual is dropped as having moved, mm. */
const OUTLIER_FLOOR_MM = 2;
/** Hollow or mobile organs whose centroid depends on filling and bowel motion: never landmarks. */
const MOBILE_ORGANS = new Set(['stomach', 'small_bowel', 'duodenum', 'colon', 'urinary_bladder', 'gallbladder', 'esophagus']);

interface Landmark {
  readonly name: string;
  readonly kind: 'bone' | 'organ';
  readonly earlier: Point3;
  readonly later: Point3;
}

/** Structures wholly imaged (not touching the scan border), by canonical name, first label of a name only. */
function wholeStructures(m: Measurements): Map<string, MeasuredStructureStats> {
  const out = new Map<string, MeasuredStructureStats>();
  for (const s of m.structures) if (s.present && !s.partiallyImaged && s.name !== null && !out.has(s.name)) out.set(s.name, s);
  return out;
}

function commonLandmarks(earlier: Measurements, later: Measurements): Landmark[] {
  const a = wholeStructures(earlier);
  const b = wholeStructures(later);
  const out: Landmark[] = [];
  for (const [name, s] of a) {
    const t = b.get(name);
    const kind = structureOrNull(name)?.kind;
    if (t === undefined || name === 'skeleton') continue;
    if (kind === 'bone') out.push({ name, kind: 'bone', earlier: [...s.rasCentroid] as unknown as Point3, later: [...t.rasCentroid] as unknown as Point3 });
    else if (kind === 'organ' && !MOBILE_ORGANS.has(name)) out.push({ name, kind: 'organ', earlier: [...s.rasCentroid] as unknown as Point3, later: [...t.rasCentroid] as unknown as Point3 });
  }
  return out;
}

function spreadMm(points: readonly Point3[]): number {
  return points.length < 3 ? 0 : Math.sqrt(Math.max(0, principalAxes(points).variances[1]));
}

interface LandmarkFit {
  readonly matrix: readonly number[];
  readonly residualMm: number;
  readonly landmarks: { name: string; kind: 'bone' | 'organ'; residualMm: number; used: boolean }[];
}

/** Rigid fit with outliers dropped one at a time (at most half of them, at least 3 kept). */
function robustFit(landmarks: readonly Landmark[]): LandmarkFit {
  let used = landmarks.map(() => true);
  const minKept = Math.max(3, Math.ceil(landmarks.length / 2));
  for (;;) {
    const kept = landmarks.filter((_, i) => used[i]);
    const matrix = fitRigid(kept.map((l) => l.earlier), kept.map((l) => l.later));
    const residuals = landmarks.map((l) => distanceMm(transformPoint(matrix, l.earlier), l.later));
    const keptResiduals = residuals.filter((_, i) => used[i]).sort((x, y) => x - y);
    const median = keptResiduals[Math.floor(keptResiduals.length / 2)];
    let worst = -1;
    for (let i = 0; i < landmarks.length; i++) if (used[i] && (worst < 0 || residuals[i] > residuals[worst])) worst = i;
    if (kept.length > minKept && residuals[worst] > Math.max(OUTLIER_FLOOR_MM, 2 * median) && spreadMm(kept.filter((l) => l !== landmarks[worst]).map((l) => l.earlier)) >= MIN_LANDMARK_SPREAD_MM) {
      used = used.map((u, i) => u && i !== worst);
      continue;
    }
    const rms = Math.sqrt(keptResiduals.reduce((a, r) => a + r * r, 0) / keptResiduals.length);
    return { matrix, residualMm: rms, landmarks: landmarks.map((l, i) => ({ name: l.name, kind: l.kind, residualMm: round2(residuals[i]), used: used[i] })) };
  }
}

const round2 = (x: number) => Math.round(x * 100) / 100;

function summary(matrix: readonly number[]): Pick<Alignment, 'rotationDeg' | 'translationMm'> {
  return { rotationDeg: round2(rotationAngleDeg(matrix)), translationMm: [round2(matrix[3]), round2(matrix[7]), round2(matrix[11])] };
}

/** Aligns `earlier` onto `later`; throws GCT_FOLLOWUP_ALIGNMENT_FAILED when no method reaches the residual limit. */
export function alignStudies(earlier: StudyArtifacts, later: StudyArtifacts, config: Pick<FollowupConfig, 'maxAlignmentResidualMm' | 'icpInlierDistanceMm' | 'icpMinInlierFraction'>): Alignment {
  const max = config.maxAlignmentResidualMm;
  const attempts: Alignment['attempts'] = [];
  const forEarlier = earlier.identity.frameOfReferenceUid;
  if (forEarlier !== undefined && forEarlier === later.identity.frameOfReferenceUid) {
    attempts.push({ method: 'same-frame-of-reference', accepted: true, residualMm: 0, outcome: 'both studies share one DICOM Frame of Reference UID' });
    return { method: 'same-frame-of-reference', earlierToLater: [...IDENTITY], residualMm: 0, maxResidualMm: max, ...summary(IDENTITY), landmarks: [], attempts };
  }
  attempts.push({ method: 'same-frame-of-reference', accepted: false, residualMm: null, outcome: forEarlier === undefined || later.identity.frameOfReferenceUid === undefined ? 'a study carries no Frame of Reference UID' : 'the Frame of Reference UIDs differ' });

  const all = commonLandmarks(earlier.measurements, later.measurements);
  const tiers: { method: AlignmentMethod; landmarks: Landmark[]; what: string }[] = [
    { method: 'landmarks-bone', landmarks: all.filter((l) => l.kind === 'bone'), what: 'wholly imaged bones in both studies' },
    { method: 'landmarks-bone-organs', landmarks: all, what: 'wholly imaged bones and solid organs in both studies' },
  ];
  const fits: LandmarkFit[] = [];
  for (const tier of tiers) {
    const n = tier.landmarks.length;
    const spread = spreadMm(tier.landmarks.map((l) => l.earlier));
    if (n < 3 || spread < MIN_LANDMARK_SPREAD_MM) {
      attempts.push({ method: tier.method, accepted: false, residualMm: null, outcome: `${n} ${tier.what}${n >= 3 ? `, spread ${spread.toFixed(1)} mm (needs ${MIN_LANDMARK_SPREAD_MM} mm off their main axis to fix a rotation)` : ' (needs 3)'}` });
      continue;
    }
    const fit = robustFit(tier.landmarks);
    fits.push(fit);
    const usedCount = fit.landmarks.filter((l) => l.used).length;
    const accepted = fit.residualMm <= max;
    attempts.push({ method: tier.method, accepted, residualMm: round2(fit.residualMm), outcome: `${usedCount} of ${n} ${tier.what}, residual ${fit.residualMm.toFixed(2)} mm (limit ${max} mm)` });
    if (accepted) return { method: tier.method, earlierToLater: [...fit.matrix], residualMm: round2(fit.residualMm), maxResidualMm: max, ...summary(fit.matrix), landmarks: fit.landmarks, attempts };
  }

  if (earlier.boneSurfaceRas === null || later.boneSurfaceRas === null) {
    attempts.push({ method: 'bone-surface-icp', accepted: false, residualMm: null, outcome: `${earlier.boneSurfaceRas === null ? 'the earlier' : 'the later'} study's CT has no bone surface (no voxel at or above the bone threshold)` });
  } else {
    const icp = alignBoneSurfaces({ points: earlier.boneSurfaceRas, grid: earlier.grid }, { points: later.boneSurfaceRas, grid: later.grid }, { inlierMm: config.icpInlierDistanceMm, given: fits.map((f) => f.matrix) });
    const enough = icp.overlapEarlier >= MIN_OVERLAP_POINTS && icp.overlapLater >= MIN_OVERLAP_POINTS;
    const accepted = enough && icp.residualMm <= max && icp.inlierFraction >= config.icpMinInlierFraction;
    const residual = Number.isFinite(icp.residualMm) ? round2(icp.residualMm) : null;
    attempts.push({
      method: 'bone-surface-icp',
      accepted,
      residualMm: residual,
      outcome: !enough
        ? `after alignment only ${icp.overlapEarlier} and ${icp.overlapLater} bone-surface points lie in the other study's field of view (needs ${MIN_OVERLAP_POINTS} each)`
        : `${(icp.inlierFraction * 100).toFixed(0)} % of the overlapping bone-surface points within ${config.icpInlierDistanceMm} mm (needs ${(config.icpMinInlierFraction * 100).toFixed(0)} %), residual ${residual ?? '-'} mm (limit ${max} mm)`,
    });
    if (accepted)
      return {
        method: 'bone-surface-icp',
        earlierToLater: [...icp.earlierToLater],
        residualMm: residual ?? 0,
        maxResidualMm: max,
        ...summary(icp.earlierToLater),
        landmarks: [],
        icp: { pointsEarlier: earlier.boneSurfaceRas.length / 3, pointsLater: later.boneSurfaceRas.length / 3, inlierFraction: round2(icp.inlierFraction), iterations: icp.iterations, starts: icp.starts },
        attempts,
      };
  }
  throw gctError(
    'GCT_FOLLOWUP_ALIGNMENT_FAILED',
    `Could not align ${earlier.source} with ${later.source}: ${attempts.map((a) => `${a.method}: ${a.outcome}`).join('; ')}.`,
    { earlier: earlier.source, later: later.source, attempts },
  );
}
