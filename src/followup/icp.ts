import { invertMat4, type Grid, type Mat4 } from '../volume/index.ts';
import { buildKdTree, type KdTree } from './kd-tree.ts';
import { fitRigid, IDENTITY, principalAxes, rigidMatrix, transformPoint, type Point3 } from './rigid.ts';

/**
 * Rigid alignment of two bone surfaces by trimmed iterative closest points: ICP (Besl & McKay, IEEE TPAMI
 * 1992;14:239-256, doi:10.1109/34.121791) keeping, at each iteration, only the closest `TRIM_FRACTION` of the
 * correspondences, so that bone present in one scan only (a longer field of view, the table) does not pull the
 * fit (trimmed ICP: Chetverikov et al., ICPR 2002). Several starts (the landmark fit when there is one, the
 * centroids, the principal axes) guard against a local minimum; the best by trimmed RMS is refined on all points.
 */

/** Share of correspondences kept at each iteration. */
const TRIM_FRACTION = 0.8;
/** Points of the earlier surface used while trying the starts, and at most in the final refinement. */
const START_POINTS = 3000;
const REFINE_POINTS = 20_000;
const START_ITERATIONS = 30;
const REFINE_ITERATIONS = 60;
/** Stop when the trimmed RMS changes by less than this, mm. */
const CONVERGED_MM = 1e-3;
/** A side of the overlap must hold at least this many points for the inlier share to mean anything. */
export const MIN_OVERLAP_POINTS = 50;

export interface IcpResult {
  readonly earlierToLater: Mat4;
  /** RMS distance of the inliers (both directions), mm. */
  readonly residualMm: number;
  /** Inliers over the points that lie inside the other study's field of view after alignment, both directions (0-1). */
  readonly inlierFraction: number;
  /** Points of each surface inside the other's field of view after alignment. */
  readonly overlapEarlier: number;
  readonly overlapLater: number;
  readonly iterations: number;
  readonly starts: number;
}

function thin(points: Float64Array, max: number): Float64Array {
  const n = points.length / 3;
  if (n <= max) return points;
  const every = n / max;
  const out = new Float64Array(max * 3);
  for (let p = 0; p < max; p++) {
    const s = Math.floor(p * every) * 3;
    out[p * 3] = points[s];
    out[p * 3 + 1] = points[s + 1];
    out[p * 3 + 2] = points[s + 2];
  }
  return out;
}

function pointsOf(flat: Float64Array): Point3[] {
  const out: Point3[] = [];
  for (let p = 0; p < flat.length; p += 3) out.push([flat[p], flat[p + 1], flat[p + 2]]);
  return out;
}

/** Trimmed ICP from one start; returns the transform and its trimmed RMS. */
function runIcp(source: Float64Array, tree: KdTree, target: Float64Array, start: Mat4, iterations: number): { matrix: Mat4; rmsMm: number; iterations: number } {
  const n = source.length / 3;
  const keep = Math.max(3, Math.floor(n * TRIM_FRACTION));
  let matrix = start;
  let previous = Infinity;
  let rms = Infinity;
  let it = 0;
  const pairs = new Array<{ d: number; s: number; t: number }>(n);
  for (; it < iterations; it++) {
    for (let p = 0; p < n; p++) {
      const q = transformPoint(matrix, [source[p * 3], source[p * 3 + 1], source[p * 3 + 2]]);
      const hit = tree.nearest(q[0], q[1], q[2]);
      pairs[p] = { d: hit.distanceSq, s: p, t: hit.index };
    }
    pairs.sort((a, b) => a.d - b.d);
    const kept = pairs.slice(0, keep);
    rms = Math.sqrt(kept.reduce((a, x) => a + x.d, 0) / keep);
    if (Math.abs(previous - rms) < CONVERGED_MM) break;
    previous = rms;
    matrix = fitRigid(
      kept.map((x) => [source[x.s * 3], source[x.s * 3 + 1], source[x.s * 3 + 2]] as Point3),
      kept.map((x) => [target[x.t * 3], target[x.t * 3 + 1], target[x.t * 3 + 2]] as Point3),
    );
  }
  return { matrix, rmsMm: rms, iterations: it };
}

function insideGrid(rasToIjk: Mat4, dims: readonly number[], p: Point3): boolean {
  const v = transformPoint(rasToIjk, p);
  return v[0] >= -0.5 && v[1] >= -0.5 && v[2] >= -0.5 && v[0] <= dims[0] - 0.5 && v[1] <= dims[1] - 0.5 && v[2] <= dims[2] - 0.5;
}

/**
 * How well a transform superposes the two surfaces where their fields of view overlap: each point of one study
 * that falls inside the other's grid after alignment counts; it is an inlier within `inlierMm` of the other's
 * surface.
 */
export function surfaceAgreement(
  earlier: { points: Float64Array; grid: Grid; tree: KdTree },
  later: { points: Float64Array; grid: Grid; tree: KdTree },
  earlierToLater: Mat4,
  inlierMm: number,
): { residualMm: number; inlierFraction: number; overlapEarlier: number; overlapLater: number } {
  let sumSq = 0;
  let inliers = 0;
  const one = (from: Float64Array, m: Mat4, to: { grid: Grid; tree: KdTree }): number => {
    const rasToIjk = invertMat4(to.grid.ijkToRas);
    let overlap = 0;
    for (let p = 0; p < from.length; p += 3) {
      const q = transformPoint(m, [from[p], from[p + 1], from[p + 2]]);
      if (!insideGrid(rasToIjk, to.grid.dims, q)) continue;
      overlap++;
      const d = to.tree.nearest(q[0], q[1], q[2]).distanceSq;
      if (d <= inlierMm * inlierMm) {
        inliers++;
        sumSq += d;
      }
    }
    return overlap;
  };
  const overlapEarlier = one(earlier.points, earlierToLater, later);
  const overlapLater = one(later.points, invertMat4(earlierToLater), earlier);
  const overlap = overlapEarlier + overlapLater;
  return {
    residualMm: inliers > 0 ? Math.sqrt(sumSq / inliers) : Infinity,
    inlierFraction: overlap > 0 ? inliers / overlap : 0,
    overlapEarlier,
    overlapLater,
  };
}

/** Candidate starts: the given ones, the centroid shift, and the four proper rotations between principal axes. */
function startsFor(earlier: Float64Array, later: Float64Array, given: readonly Mat4[]): Mat4[] {
  const a = principalAxes(pointsOf(thin(earlier, START_POINTS)));
  const b = principalAxes(pointsOf(thin(later, START_POINTS)));
  const starts: Mat4[] = [...given, rigidMatrix([1, 0, 0, 0, 1, 0, 0, 0, 1], [b.centroid[0] - a.centroid[0], b.centroid[1] - a.centroid[1], b.centroid[2] - a.centroid[2]])];
  for (const signs of [[1, 1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1]]) {
    // R = B diag(signs) A^T maps the earlier axes onto the later ones (det +1 for these sign choices when both
    // axis frames have the same handedness; otherwise flip the third axis).
    const handed = Math.sign(det(a.axes) * det(b.axes));
    const s = [signs[0], signs[1], signs[2] * handed];
    const R = new Array<number>(9).fill(0);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) R[r * 3 + c] += b.axes[r * 3 + k] * s[k] * a.axes[c * 3 + k];
    const rc = transformPoint(rigidMatrix(R, [0, 0, 0]), a.centroid);
    starts.push(rigidMatrix(R, [b.centroid[0] - rc[0], b.centroid[1] - rc[1], b.centroid[2] - rc[2]]));
  }
  return starts;
}

function det(m: readonly number[]): number {
  return m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
}

/** Aligns the earlier bone surface onto the later one. `given` are extra starts (e.g. a landmark fit). */
export function alignBoneSurfaces(
  earlier: { points: Float64Array; grid: Grid },
  later: { points: Float64Array; grid: Grid },
  options: { readonly inlierMm: number; readonly given?: readonly Mat4[] },
): IcpResult {
  const laterTree = buildKdTree(later.points);
  const earlierTree = buildKdTree(earlier.points);
  const coarse = thin(earlier.points, START_POINTS);
  const starts = startsFor(earlier.points, later.points, options.given ?? []);
  let best = { matrix: IDENTITY, rmsMm: Infinity, iterations: 0 };
  for (const start of starts) {
    const r = runIcp(coarse, laterTree, later.points, start, START_ITERATIONS);
    if (r.rmsMm < best.rmsMm) best = r;
  }
  const refined = runIcp(thin(earlier.points, REFINE_POINTS), laterTree, later.points, best.matrix, REFINE_ITERATIONS);
  const agreement = surfaceAgreement({ ...earlier, tree: earlierTree }, { ...later, tree: laterTree }, refined.matrix, options.inlierMm);
  return { earlierToLater: refined.matrix, ...agreement, iterations: best.iterations + refined.iterations, starts: starts.length };
}
