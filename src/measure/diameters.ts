/**
 * RECIST 1.1 diameters of a lesion (Eisenhauer et al., "New response evaluation criteria in solid tumours:
 * revised RECIST guideline (version 1.1)", Eur J Cancer 2009;45:228-247, doi:10.1016/j.ejca.2008.10.026).
 *
 * Definitions used here (all on voxel-centre points, in mm, in the grid's own slices):
 * - Axial slices are the voxel planes most perpendicular to the patient's craniocaudal axis: the slice axis is
 *   the ijk axis whose direction (column of ijkToRas) has the largest |S| component. Volumes come in any of the
 *   48 axis orders and flips, so this is not always k.
 * - Long axis: the longest distance between two voxel centres of the lesion lying on the same axial slice,
 *   maximised over slices (RECIST 1.1 section 3.2: "longest diameter in the plane of measurement").
 *   It is found exactly from the 2D convex hull of each slice's centres.
 * - Short axis: on the long-axis slice, the width of the slice's voxel centres along the in-plane unit vector
 *   perpendicular to the long axis (max - min of the projections). For a convex lesion this is the longest
 *   chord perpendicular to the long axis; for a concave one it can be longer than any such chord inside the
 *   lesion. RECIST 1.1 uses the short axis of lymph nodes (measurable when >= 15 mm, pathological when >= 10 mm),
 *   measured in the same plane as the long axis.
 * - Max 3D diameter: largest distance between any two voxel centres of the lesion.
 * Difference from a radiologist's calipers: distances are centre to centre, so a lesion one voxel across
 * measures 0 mm and a caliper on the image would read about one voxel more (IBSI's morph_diam, on the
 * marching-cubes mesh, is about one voxel longer for the same reason). Ties between equally long diameters
 * are broken by the larger short axis, so the result does not depend on the storage order of the axes.
 */
import type { Grid, Mat4 } from '../volume/geometry.ts';
import { rasPoint } from '../volume/geometry.ts';
import type { LesionDiameters, VoxelAxis } from './lesion-types.ts';

/** Diameters equal within this many mm are treated as ties (well below any voxel size). */
const TIE_TOLERANCE_MM = 1e-6;
const AXIS_NAMES: readonly VoxelAxis[] = ['i', 'j', 'k'];

/** Index (0 = i, 1 = j, 2 = k) of the voxel axis closest to the patient's S-I axis (ties: lowest index). */
export function axialAxisOf(ijkToRas: Mat4): 0 | 1 | 2 {
  let best: 0 | 1 | 2 = 2;
  let bestCos = -1;
  for (const c of [0, 1, 2] as const) {
    const norm = Math.hypot(ijkToRas[c], ijkToRas[4 + c], ijkToRas[8 + c]);
    const cosS = norm === 0 ? 0 : Math.abs(ijkToRas[8 + c]) / norm;
    if (cosS > bestCos + 1e-12) {
      bestCos = cosS;
      best = c;
    }
  }
  return best;
}

/** Convex hull (counter-clockwise, collinear points dropped) of 2D integer points given as flat [x0, y0, ...]. */
export function convexHull2d(xy: readonly number[]): number[] {
  const n = xy.length / 2;
  const order = Array.from({ length: n }, (_, p) => p).sort((p, q) => xy[2 * p] - xy[2 * q] || xy[2 * p + 1] - xy[2 * q + 1]);
  if (n <= 2) return order.flatMap((p) => [xy[2 * p], xy[2 * p + 1]]);
  const cross = (o: number, a: number, b: number): number =>
    (xy[2 * a] - xy[2 * o]) * (xy[2 * b + 1] - xy[2 * o + 1]) - (xy[2 * a + 1] - xy[2 * o + 1]) * (xy[2 * b] - xy[2 * o]);
  const lower: number[] = [];
  for (const p of order) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: number[] = [];
  for (let q = order.length - 1; q >= 0; q--) {
    const p = order[q];
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], p) <= 0) upper.pop();
    upper.push(p);
  }
  const hull = lower.slice(0, -1).concat(upper.slice(0, -1));
  // All points identical: the chain collapses to one point.
  const unique = hull.length === 0 ? [order[0]] : hull;
  return unique.flatMap((p) => [xy[2 * p], xy[2 * p + 1]]);
}

interface Bounds {
  readonly ijkMin: readonly [number, number, number];
  readonly ijkMax: readonly [number, number, number];
}

function boundsOf(indices: ArrayLike<number>, ni: number, nj: number): Bounds {
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (let p = 0; p < indices.length; p++) {
    const idx = indices[p];
    const i = idx % ni;
    const j = ((idx - i) / ni) % nj;
    const k = (idx - i - j * ni) / (ni * nj);
    const v = [i, j, k];
    for (let c = 0; c < 3; c++) {
      if (v[c] < lo[c]) lo[c] = v[c];
      if (v[c] > hi[c]) hi[c] = v[c];
    }
  }
  return { ijkMin: [lo[0], lo[1], lo[2]], ijkMax: [hi[0], hi[1], hi[2]] };
}

/**
 * RECIST 1.1 long and short axis and maximum 3D diameter of one lesion given by its linear voxel indices
 * (i fastest). `bounds` (inclusive voxel bounds of the lesion) saves a pass when the caller has them.
 */
export function lesionDiameters(indices: ArrayLike<number>, grid: Grid, bounds?: Bounds): LesionDiameters {
  const [ni, nj] = grid.dims;
  const m = grid.ijkToRas;
  const axial = axialAxisOf(m);
  const axialAxis = AXIS_NAMES[axial];
  if (indices.length === 0) throw new RangeError('lesionDiameters needs at least one voxel');
  const box = bounds ?? boundsOf(indices, ni, nj);
  // In-plane axes a (row direction) and b, in index order.
  const [ax, bx] = [0, 1, 2].filter((c) => c !== axial) as [number, number];
  const sMin = box.ijkMin[axial];
  const bMin = box.ijkMin[bx];
  const sCount = box.ijkMax[axial] - sMin + 1;
  const bCount = box.ijkMax[bx] - bMin + 1;
  // Per (slice, b) the smallest and largest a: every hull vertex of a slice is one of these row extremes.
  const minA = new Int32Array(sCount * bCount).fill(2147483647);
  const maxA = new Int32Array(sCount * bCount).fill(-1);
  const v = [0, 0, 0];
  for (let p = 0; p < indices.length; p++) {
    const idx = indices[p];
    v[0] = idx % ni;
    v[1] = ((idx - v[0]) / ni) % nj;
    v[2] = (idx - v[0] - v[1] * ni) / (ni * nj);
    const cell = (v[axial] - sMin) * bCount + (v[bx] - bMin);
    const a = v[ax];
    if (a < minA[cell]) minA[cell] = a;
    if (a > maxA[cell]) maxA[cell] = a;
  }

  const toRas = (s: number, a: number, b: number): [number, number, number] => {
    v[axial] = s;
    v[ax] = a;
    v[bx] = b;
    return [
      m[0] * v[0] + m[1] * v[1] + m[2] * v[2] + m[3],
      m[4] * v[0] + m[5] * v[1] + m[6] * v[2] + m[7],
      m[8] * v[0] + m[9] * v[1] + m[10] * v[2] + m[11],
    ];
  };
  // Unit normal of the slice planes: columns a x b.
  const colA = [m[ax], m[4 + ax], m[8 + ax]];
  const colB = [m[bx], m[4 + bx], m[8 + bx]];
  const normal = [colA[1] * colB[2] - colA[2] * colB[1], colA[2] * colB[0] - colA[0] * colB[2], colA[0] * colB[1] - colA[1] * colB[0]];

  let bestLong = -1;
  let bestShort = -1;
  let bestSlice = sMin;
  let bestEnds: [number[], number[]] = [[0, 0, 0], [0, 0, 0]];
  const hull3d: number[][] = [];
  for (let ds = 0; ds < sCount; ds++) {
    const xy: number[] = [];
    for (let db = 0; db < bCount; db++) {
      const cell = ds * bCount + db;
      if (maxA[cell] < 0) continue;
      xy.push(minA[cell], db);
      if (maxA[cell] !== minA[cell]) xy.push(maxA[cell], db);
    }
    if (xy.length === 0) continue;
    const hull2d = convexHull2d(xy);
    const pts: number[][] = [];
    for (let h = 0; h < hull2d.length; h += 2) pts.push(toRas(sMin + ds, hull2d[h], bMin + hull2d[h + 1]));
    hull3d.push(...pts);
    // Longest pair on this slice; among tied pairs, the one with the widest perpendicular extent.
    let sliceLong = 0;
    for (let p = 0; p < pts.length; p++)
      for (let q = p + 1; q < pts.length; q++) sliceLong = Math.max(sliceLong, dist(pts[p], pts[q]));
    let sliceShort = -1;
    let sliceEnds: [number[], number[]] = [pts[0], pts[0]];
    if (pts.length === 1) sliceShort = 0;
    for (let p = 0; p < pts.length; p++)
      for (let q = p + 1; q < pts.length; q++) {
        if (dist(pts[p], pts[q]) < sliceLong - TIE_TOLERANCE_MM) continue;
        const w = widthPerpendicular(pts, pts[p], pts[q], normal);
        if (w > sliceShort + TIE_TOLERANCE_MM) {
          sliceShort = w;
          sliceEnds = [pts[p], pts[q]];
        }
      }
    if (sliceLong > bestLong + TIE_TOLERANCE_MM || (sliceLong > bestLong - TIE_TOLERANCE_MM && sliceShort > bestShort + TIE_TOLERANCE_MM)) {
      bestLong = sliceLong;
      bestShort = sliceShort;
      bestSlice = sMin + ds;
      bestEnds = sliceEnds;
    }
  }
  // The farthest pair of the slices' hull points, by squared distance (thousands of points for a 3 cm lesion:
  // Math.hypot in the inner loop was most of the lesion time); its length is then taken as everywhere else.
  let farSq = 0;
  let far: [number[], number[]] = [hull3d[0], hull3d[0]];
  for (let p = 0; p < hull3d.length; p++) {
    const [px, py, pz] = hull3d[p];
    for (let q = p + 1; q < hull3d.length; q++) {
      const r = hull3d[q];
      const d2 = (r[0] - px) * (r[0] - px) + (r[1] - py) * (r[1] - py) + (r[2] - pz) * (r[2] - pz);
      if (d2 > farSq) {
        farSq = d2;
        far = [hull3d[p], r];
      }
    }
  }
  const max3d = dist(far[0], far[1]);
  return {
    longAxisMm: bestLong,
    shortAxisMm: bestShort,
    axialSliceIndex: bestSlice,
    axialAxis,
    max3dDiameterMm: max3d,
    longAxisRas: [rasPoint(bestEnds[0][0], bestEnds[0][1], bestEnds[0][2]), rasPoint(bestEnds[1][0], bestEnds[1][1], bestEnds[1][2])],
  };
}

function dist(a: readonly number[], b: readonly number[]): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

/** Extent of `pts` along the in-plane unit vector perpendicular to p->q (normal x (q - p), normalised). */
function widthPerpendicular(pts: readonly number[][], p: readonly number[], q: readonly number[], normal: readonly number[]): number {
  const d = [q[0] - p[0], q[1] - p[1], q[2] - p[2]];
  const u = [normal[1] * d[2] - normal[2] * d[1], normal[2] * d[0] - normal[0] * d[2], normal[0] * d[1] - normal[1] * d[0]];
  const len = Math.hypot(u[0], u[1], u[2]);
  if (len === 0) return 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of pts) {
    const t = (r[0] * u[0] + r[1] * u[1] + r[2] * u[2]) / len;
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  return hi - lo;
}
