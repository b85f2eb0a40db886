import type { Mat4 } from '../volume/index.ts';

/**
 * Rigid transforms between two studies' patient spaces (RAS mm). A transform is a row-major 4x4 matrix
 * [R t; 0 1] with R a proper rotation (det +1): mirror images are never produced, so left stays left.
 */

export type Point3 = readonly [number, number, number];

/**
 * Eigen-decomposition of a symmetric n x n matrix (row-major) by cyclic Jacobi rotations (Golub & Van Loan,
 * Matrix Computations, 4th ed., section 8.5). Returns eigenvalues descending, eigenvectors as columns of a
 * row-major matrix in the same order. Exact enough for the 3x3 and 4x4 matrices used here.
 */
export function symmetricEigen(matrix: readonly number[], n: number): { values: number[]; vectors: number[] } {
  const a = [...matrix];
  const v = new Array<number>(n * n).fill(0);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    if (off < 1e-24) break;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
  }
  const order = [...Array(n).keys()].sort((x, y) => a[y * n + y] - a[x * n + x]);
  const values = order.map((i) => a[i * n + i]);
  const vectors = new Array<number>(n * n);
  order.forEach((col, c) => {
    for (let r = 0; r < n; r++) vectors[r * n + c] = v[r * n + col];
  });
  return { values, vectors };
}

/** A rigid transform from a row-major 3x3 rotation and a translation. */
export function rigidMatrix(rotation: readonly number[], translation: Point3): Mat4 {
  const r = rotation;
  return [r[0], r[1], r[2], translation[0], r[3], r[4], r[5], translation[1], r[6], r[7], r[8], translation[2], 0, 0, 0, 1];
}

export const IDENTITY: Mat4 = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

export function transformPoint(m: Mat4, p: Point3): [number, number, number] {
  return [
    m[0] * p[0] + m[1] * p[1] + m[2] * p[2] + m[3],
    m[4] * p[0] + m[5] * p[1] + m[6] * p[2] + m[7],
    m[8] * p[0] + m[9] * p[1] + m[10] * p[2] + m[11],
  ];
}

export function distanceMm(a: Point3, b: Point3): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

/** Angle of the rotation part of a rigid transform, degrees (0-180). */
export function rotationAngleDeg(m: Mat4): number {
  const trace = m[0] + m[5] + m[10];
  return (Math.acos(Math.min(1, Math.max(-1, (trace - 1) / 2))) * 180) / Math.PI;
}

/** Rotation matrix (row-major 3x3) of a unit quaternion (w, x, y, z). */
export function quaternionToRotation(q: readonly number[]): number[] {
  const [w, x, y, z] = q;
  return [
    w * w + x * x - y * y - z * z, 2 * (x * y - w * z), 2 * (x * z + w * y),
    2 * (x * y + w * z), w * w - x * x + y * y - z * z, 2 * (y * z - w * x),
    2 * (x * z - w * y), 2 * (y * z + w * x), w * w - x * x - y * y + z * z,
  ];
}

/** Rotation about a unit axis by an angle in degrees (Rodrigues), row-major 3x3. */
export function axisAngleRotation(axis: Point3, angleDeg: number): number[] {
  const half = (angleDeg * Math.PI) / 360;
  const n = Math.hypot(axis[0], axis[1], axis[2]);
  const s = Math.sin(half) / n;
  return quaternionToRotation([Math.cos(half), axis[0] * s, axis[1] * s, axis[2] * s]);
}

function weightedCentroid(points: readonly Point3[], weights: readonly number[]): [number, number, number] {
  let w = 0;
  const c: [number, number, number] = [0, 0, 0];
  points.forEach((p, i) => {
    w += weights[i];
    for (let a = 0; a < 3; a++) c[a] += weights[i] * p[a];
  });
  return [c[0] / w, c[1] / w, c[2] / w];
}

/**
 * The rigid transform that best maps `source` points onto `target` points in the weighted least-squares sense:
 * Horn's closed-form absolute orientation with unit quaternions (Horn BKP, J Opt Soc Am A 1987;4:629-642,
 * doi:10.1364/JOSAA.4.000629). The rotation is the eigenvector of the largest eigenvalue of Horn's 4x4 matrix N,
 * so it is always proper (no reflection). Needs at least 3 pairs not on one line for a unique answer.
 */
export function fitRigid(source: readonly Point3[], target: readonly Point3[], weights?: readonly number[]): Mat4 {
  if (source.length !== target.length || source.length === 0) throw new RangeError(`fitRigid needs equal, non-empty point lists (${source.length} vs ${target.length})`);
  const w = weights ?? source.map(() => 1);
  const cs = weightedCentroid(source, w);
  const ct = weightedCentroid(target, w);
  // Cross-covariance S[a][b] = sum w (s_a - cs_a)(t_b - ct_b).
  const S = new Array<number>(9).fill(0);
  source.forEach((s, i) => {
    const t = target[i];
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) S[a * 3 + b] += w[i] * (s[a] - cs[a]) * (t[b] - ct[b]);
  });
  const [sxx, sxy, sxz, syx, syy, syz, szx, szy, szz] = S;
  const N = [
    sxx + syy + szz, syz - szy, szx - sxz, sxy - syx,
    syz - szy, sxx - syy - szz, sxy + syx, szx + sxz,
    szx - sxz, sxy + syx, -sxx + syy - szz, syz + szy,
    sxy - syx, szx + sxz, syz + szy, -sxx - syy + szz,
  ];
  const { vectors } = symmetricEigen(N, 4);
  const q = [vectors[0], vectors[4], vectors[8], vectors[12]];
  const rotation = quaternionToRotation(q);
  const rc = [0, 1, 2].map((r) => rotation[r * 3] * cs[0] + rotation[r * 3 + 1] * cs[1] + rotation[r * 3 + 2] * cs[2]);
  return rigidMatrix(rotation, [ct[0] - rc[0], ct[1] - rc[1], ct[2] - rc[2]]);
}

/**
 * Principal axes of a point cloud: eigenvalues (variances, mm2) descending and unit axes (columns, row-major),
 * about its centroid.
 */
export function principalAxes(points: readonly Point3[]): { centroid: [number, number, number]; variances: number[]; axes: number[] } {
  const centroid = weightedCentroid(points, points.map(() => 1));
  const C = new Array<number>(9).fill(0);
  for (const p of points) for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) C[a * 3 + b] += (p[a] - centroid[a]) * (p[b] - centroid[b]);
  const { values, vectors } = symmetricEigen(C.map((x) => x / points.length), 3);
  return { centroid, variances: values, axes: vectors };
}
