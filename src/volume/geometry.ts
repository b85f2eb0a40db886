/**
 * Geometry of voxel grids.
 *
 * Two spaces, always named:
 * - index space `ijk`: voxel indices; `i` varies fastest in memory.
 * - world space `ras`: patient coordinates in mm, RAS+ as in NIfTI, nibabel and TotalSegmentator:
 *   +x toward the patient's Right, +y Anterior, +z Superior. (DICOM's LPS+ is x and y negated; the DICOM
 *   readers convert and nothing else sees LPS.)
 *
 * The 4x4 `ijkToRas` matrix is row-major: rasPoint = M · [i, j, k, 1]^T, with
 *   M = [ D·diag(spacingMm) | originRas ]
 *       [ 0   0   0         | 1         ]
 * where the columns of the 3x3 `direction` D are the unit direction cosines of the i, j, k axes in RAS.
 */
export type Mat4 = readonly number[];
export type Mat3 = readonly number[];
export type Vec3 = readonly [number, number, number];

declare const spaceTag: unique symbol;
/** A point in voxel index space (continuous when interpolating). */
export type IjkPoint = readonly [number, number, number] & { readonly [spaceTag]: 'ijk' };
/** A point in patient world space, RAS+ mm. */
export type RasPoint = readonly [number, number, number] & { readonly [spaceTag]: 'ras' };

export function ijkPoint(i: number, j: number, k: number): IjkPoint {
  return [i, j, k] as unknown as IjkPoint;
}
export function rasPoint(x: number, y: number, z: number): RasPoint {
  return [x, y, z] as unknown as RasPoint;
}

export type Dims = readonly [number, number, number];

/** A voxel grid: its size and where it sits in patient space. */
export interface Grid {
  readonly dims: Dims;
  /** Row-major 4x4 voxel index -> RAS mm. */
  readonly ijkToRas: Mat4;
}

export interface GridParts {
  readonly spacingMm: Vec3;
  /** Row-major 3x3 whose columns are the unit direction cosines of the i, j, k axes in RAS. */
  readonly direction: Mat3;
  readonly originRas: RasPoint;
}

export function makeIjkToRas(parts: GridParts): Mat4 {
  const { spacingMm: s, direction: d, originRas: o } = parts;
  return [
    d[0] * s[0], d[1] * s[1], d[2] * s[2], o[0],
    d[3] * s[0], d[4] * s[1], d[5] * s[2], o[1],
    d[6] * s[0], d[7] * s[1], d[8] * s[2], o[2],
    0, 0, 0, 1,
  ];
}

/** Splits an ijkToRas matrix into spacing (column norms), direction cosines and origin. */
export function splitIjkToRas(m: Mat4): GridParts {
  const spacing: number[] = [];
  const dir = new Array<number>(9).fill(0);
  for (let c = 0; c < 3; c++) {
    const n = Math.hypot(m[c], m[4 + c], m[8 + c]);
    spacing.push(n);
    for (let r = 0; r < 3; r++) dir[r * 3 + c] = n === 0 ? 0 : m[r * 4 + c] / n;
  }
  return { spacingMm: spacing as unknown as Vec3, direction: dir, originRas: rasPoint(m[3], m[7], m[11]) };
}

export function spacingOf(grid: Grid): Vec3 {
  return splitIjkToRas(grid.ijkToRas).spacingMm;
}

export function det3(m: Mat3): number {
  return (
    m[0] * (m[4] * m[8] - m[5] * m[7]) -
    m[1] * (m[3] * m[8] - m[5] * m[6]) +
    m[2] * (m[3] * m[7] - m[4] * m[6])
  );
}

/** The 3x3 linear part of a 4x4 row-major matrix. */
export function linearPart(m: Mat4): Mat3 {
  return [m[0], m[1], m[2], m[4], m[5], m[6], m[8], m[9], m[10]];
}

/** Voxel volume in mm3 = |det| of the linear part of ijkToRas (exact for oblique and sheared grids). */
export function voxelVolumeMm3(grid: Grid): number {
  return Math.abs(det3(linearPart(grid.ijkToRas)));
}

export function invertMat4(m: Mat4): Mat4 {
  // Affine inverse: [A t; 0 1]^-1 = [A^-1, -A^-1 t; 0 1]
  const a = linearPart(m);
  const d = det3(a);
  if (!Number.isFinite(d) || Math.abs(d) < 1e-12) throw new RangeError(`matrix is singular (det = ${d})`);
  const inv = [
    (a[4] * a[8] - a[5] * a[7]) / d, (a[2] * a[7] - a[1] * a[8]) / d, (a[1] * a[5] - a[2] * a[4]) / d,
    (a[5] * a[6] - a[3] * a[8]) / d, (a[0] * a[8] - a[2] * a[6]) / d, (a[2] * a[3] - a[0] * a[5]) / d,
    (a[3] * a[7] - a[4] * a[6]) / d, (a[1] * a[6] - a[0] * a[7]) / d, (a[0] * a[4] - a[1] * a[3]) / d,
  ];
  const t = [m[3], m[7], m[11]];
  return [
    inv[0], inv[1], inv[2], -(inv[0] * t[0] + inv[1] * t[1] + inv[2] * t[2]),
    inv[3], inv[4], inv[5], -(inv[3] * t[0] + inv[4] * t[1] + inv[5] * t[2]),
    inv[6], inv[7], inv[8], -(inv[6] * t[0] + inv[7] * t[1] + inv[8] * t[2]),
    0, 0, 0, 1,
  ];
}

export function multiplyMat4(a: Mat4, b: Mat4): Mat4 {
  const out = new Array<number>(16).fill(0);
  for (let r = 0; r < 4; r++)
    for (let c = 0; c < 4; c++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += a[r * 4 + k] * b[k * 4 + c];
      out[r * 4 + c] = s;
    }
  return out;
}

export function rasToIjkMatrix(grid: Grid): Mat4 {
  return invertMat4(grid.ijkToRas);
}

export function applyMat4(m: Mat4, p: Vec3): Vec3 {
  return [
    m[0] * p[0] + m[1] * p[1] + m[2] * p[2] + m[3],
    m[4] * p[0] + m[5] * p[1] + m[6] * p[2] + m[7],
    m[8] * p[0] + m[9] * p[1] + m[10] * p[2] + m[11],
  ];
}

export function ijkToRasPoint(grid: Grid, p: IjkPoint): RasPoint {
  const v = applyMat4(grid.ijkToRas, p);
  return rasPoint(v[0], v[1], v[2]);
}

export function rasToIjkPoint(grid: Grid, p: RasPoint, rasToIjk: Mat4 = rasToIjkMatrix(grid)): IjkPoint {
  const v = applyMat4(rasToIjk, p);
  return ijkPoint(v[0], v[1], v[2]);
}

/**
 * Orientation code of a grid, as nibabel's `aff2axcodes` with RAS labels: for each of i, j, k the letter of
 * the world axis its direction is closest to, 'R'/'A'/'S' when the index increases toward +x/+y/+z of RAS+
 * world space and 'L'/'P'/'I' when it increases toward -x/-y/-z. A DICOM series stored in the usual LPS
 * order (i toward patient left, j toward posterior) gives 'LPS' in this notation.
 */
export function orientationCode(m: Mat4): string {
  const lin = linearPart(m);
  const pos = ['R', 'A', 'S'];
  const neg = ['L', 'P', 'I'];
  const used = new Set<number>();
  let code = '';
  // Assign each voxel axis to the world axis with the largest |cosine|, never twice (as nibabel's io_orientation).
  const order = [0, 1, 2].map((c) => ({ c, best: Math.max(Math.abs(lin[c]), Math.abs(lin[3 + c]), Math.abs(lin[6 + c])) }));
  const letters: string[] = ['', '', ''];
  for (const { c } of order.sort((a, b) => b.best - a.best)) {
    let bestRow = -1;
    let bestVal = -1;
    for (let r = 0; r < 3; r++) {
      if (used.has(r)) continue;
      const v = Math.abs(lin[r * 3 + c]);
      if (v > bestVal) { bestVal = v; bestRow = r; }
    }
    used.add(bestRow);
    letters[c] = lin[bestRow * 3 + c] >= 0 ? pos[bestRow] : neg[bestRow];
  }
  code = letters.join('');
  return code;
}

/** True when the grid's axes are within `toleranceDeg` of the world axes (no obliquity to speak of). */
export function isAxisAligned(m: Mat4, toleranceDeg = 0.5): boolean {
  const { direction } = splitIjkToRas(m);
  const cosTol = Math.cos((toleranceDeg * Math.PI) / 180);
  for (let c = 0; c < 3; c++) {
    const best = Math.max(Math.abs(direction[c]), Math.abs(direction[3 + c]), Math.abs(direction[6 + c]));
    if (best < cosTol) return false;
  }
  return true;
}

/**
 * Two grids are the same when dims match and every voxel centre lands within `toleranceMm` of the other's:
 * checked on the eight corner voxels, which bounds the error everywhere for affine maps.
 */
export function sameGrid(a: Grid, b: Grid, toleranceMm = 1e-3): boolean {
  if (a.dims[0] !== b.dims[0] || a.dims[1] !== b.dims[1] || a.dims[2] !== b.dims[2]) return false;
  return maxCornerDistanceMm(a, b) <= toleranceMm;
}

export function maxCornerDistanceMm(a: Grid, b: Grid): number {
  let worst = 0;
  for (const i of [0, a.dims[0] - 1])
    for (const j of [0, a.dims[1] - 1])
      for (const k of [0, a.dims[2] - 1]) {
        const pa = applyMat4(a.ijkToRas, [i, j, k]);
        const pb = applyMat4(b.ijkToRas, [i, j, k]);
        worst = Math.max(worst, Math.hypot(pa[0] - pb[0], pa[1] - pb[1], pa[2] - pb[2]));
      }
  return worst;
}

/** Checks that a matrix is a usable ijkToRas: finite, affine last row, non-singular linear part. */
export function affineProblem(m: Mat4): string | null {
  if (m.length !== 16) return `expected 16 numbers, got ${m.length}`;
  if (!m.every(Number.isFinite)) return 'contains NaN or infinite values';
  const d = det3(linearPart(m));
  if (Math.abs(d) < 1e-9) return `is singular (det = ${d.toExponential(3)})`;
  return null;
}

export function voxelCount(dims: Dims): number {
  return dims[0] * dims[1] * dims[2];
}
