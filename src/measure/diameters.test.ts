import { describe, expect, it } from 'vitest';
import type { Dims, Grid, Mat4 } from '../volume/geometry.ts';
import { axialAxisOf, convexHull2d, lesionDiameters } from './diameters.ts';

/**
 * A lesion drawn on a canonical R/A/S grid (axis 0 toward R, 1 toward A, 2 toward S) with spacing `spacingMm`,
 * stored with storage axis a = canonical axis perm[a], reversed where flips[a]; ijkToRas is adjusted so every
 * voxel keeps its place in patient space.
 */
function orientedLesion(
  canonDims: Dims,
  spacingMm: readonly [number, number, number],
  inside: (x: number, y: number, z: number) => boolean,
  perm: readonly [number, number, number],
  flips: readonly [boolean, boolean, boolean],
): { grid: Grid; indices: number[] } {
  const dims = perm.map((p) => canonDims[p]) as unknown as Dims;
  const m = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
  for (let a = 0; a < 3; a++) {
    const p = perm[a];
    m[p * 4 + a] = flips[a] ? -spacingMm[p] : spacingMm[p];
    if (flips[a]) m[p * 4 + 3] += spacingMm[p] * (canonDims[p] - 1);
  }
  const indices: number[] = [];
  const t = [0, 0, 0];
  for (t[2] = 0; t[2] < dims[2]; t[2]++)
    for (t[1] = 0; t[1] < dims[1]; t[1]++)
      for (t[0] = 0; t[0] < dims[0]; t[0]++) {
        const c = [0, 0, 0];
        for (let a = 0; a < 3; a++) c[perm[a]] = flips[a] ? canonDims[perm[a]] - 1 - t[a] : t[a];
        if (inside(c[0], c[1], c[2])) indices.push(t[0] + dims[0] * (t[1] + dims[1] * t[2]));
      }
  return { grid: { dims, ijkToRas: m }, indices };
}

const PERMS = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]] as const;
const FLIPS = [0, 1, 2, 3, 4, 5, 6, 7].map((b) => [!!(b & 1), !!(b & 2), !!(b & 4)] as const);

describe('axialAxisOf', () => {
  it('picks the voxel axis whose direction is closest to S-I, whatever its storage position', () => {
    expect(axialAxisOf([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 3, 0, 0, 0, 0, 1])).toBe(2);
    // S-I stored along i (sagittal-first storage), reversed.
    expect(axialAxisOf([0, 1, 0, 0, 0, 0, 1, 0, -2.5, 0, 0, 0, 0, 0, 0, 1])).toBe(0);
    // Tilted 20 degrees: still the axis most aligned with S.
    const c = Math.cos((20 * Math.PI) / 180);
    const s = Math.sin((20 * Math.PI) / 180);
    expect(axialAxisOf([1, 0, 0, 0, 0, c, -s, 0, 0, s, c, 0, 0, 0, 0, 1])).toBe(2);
  });
});

describe('convexHull2d', () => {
  it('keeps only the corners of a filled square', () => {
    const pts: number[] = [];
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) pts.push(x, y);
    expect(convexHull2d(pts)).toEqual([0, 0, 3, 0, 3, 3, 0, 3]);
  });
});

describe('lesionDiameters (centre to centre)', () => {
  it('gives 2r for a digital sphere of radius 10 voxels (extreme voxels at +-r)', () => {
    const r = 10;
    const { grid, indices } = orientedLesion([21, 21, 21], [1, 1, 1], (x, y, z) => (x - 10) ** 2 + (y - 10) ** 2 + (z - 10) ** 2 <= r * r, [0, 1, 2], [false, false, false]);
    const d = lesionDiameters(indices, grid);
    expect(d.longAxisMm).toBeCloseTo(20, 9);
    expect(d.shortAxisMm).toBeCloseTo(20, 9);
    expect(d.max3dDiameterMm).toBeCloseTo(20, 9);
    expect(d.axialAxis).toBe('k');
    expect(d.axialSliceIndex).toBe(10);
  });

  it('measures a rectangle: long axis = diagonal, short axis = width across the diagonal', () => {
    // 10 x 4 voxel centres at 1 mm: spans 9 and 3 mm; diagonal sqrt(90); width across it 2*9*3/sqrt(90).
    const { grid, indices } = orientedLesion([12, 6, 1], [1, 1, 1], (x, y) => x >= 1 && x <= 10 && y >= 1 && y <= 4, [0, 1, 2], [false, false, false]);
    const d = lesionDiameters(indices, grid);
    expect(d.longAxisMm).toBeCloseTo(Math.sqrt(90), 9);
    expect(d.shortAxisMm).toBeCloseTo((2 * 9 * 3) / Math.sqrt(90), 9);
    expect(d.max3dDiameterMm).toBeCloseTo(Math.sqrt(90), 9);
  });

  it('reports 0 mm for a single voxel', () => {
    const { grid, indices } = orientedLesion([3, 3, 3], [0.7, 0.7, 2.5], (x, y, z) => x === 1 && y === 2 && z === 1, [0, 1, 2], [false, false, false]);
    const d = lesionDiameters(indices, grid);
    expect(d).toMatchObject({ longAxisMm: 0, shortAxisMm: 0, max3dDiameterMm: 0, axialSliceIndex: 1, axialAxis: 'k' });
  });

  describe('an ellipsoid with semi-axes 20 mm (A), 12 mm (R), 8 mm (S) at 0.7 x 0.7 x 2.5 mm', () => {
    const spacing = [0.7, 0.7, 2.5] as const;
    const canonDims: Dims = [41, 63, 9];
    const centre = [20, 31, 4];
    const [aR, aA, aS] = [12, 20, 8];
    const inside = (x: number, y: number, z: number): boolean =>
      (((x - centre[0]) * spacing[0]) / aR) ** 2 + (((y - centre[1]) * spacing[1]) / aA) ** 2 + (((z - centre[2]) * spacing[2]) / aS) ** 2 <= 1;
    // Half a voxel diagonal: how far a centre-to-centre diameter of a digital shape can fall short of the truth.
    const halfVoxelDiagonalMm = Math.hypot(...spacing) / 2;
    const canonical = orientedLesion(canonDims, spacing, inside, [0, 1, 2], [false, false, false]);
    const reference = lesionDiameters(canonical.indices, canonical.grid);

    it('measures 2a and 2b on the central slice, within half a voxel diagonal', () => {
      expect(Math.abs(reference.longAxisMm - 2 * aA)).toBeLessThanOrEqual(halfVoxelDiagonalMm);
      expect(Math.abs(reference.shortAxisMm - 2 * aR)).toBeLessThanOrEqual(halfVoxelDiagonalMm);
      expect(Math.abs(reference.max3dDiameterMm - 2 * aA)).toBeLessThanOrEqual(halfVoxelDiagonalMm);
      expect(reference.axialSliceIndex).toBe(centre[2]);
      // Long axis runs anterior-posterior, on one axial slice. The digital tips are short rows of voxels, so
      // the longest chord may join opposite ends of the two tips: a few degrees off the true axis.
      const [p, q] = reference.longAxisRas;
      expect(Math.abs(p[2] - q[2])).toBe(0);
      const angleDeg = (Math.atan2(Math.abs(p[0] - q[0]), Math.abs(p[1] - q[1])) * 180) / Math.PI;
      expect(angleDeg).toBeLessThan(10);
    });

    it('gives the same values in all 48 storage orientations, the S-I axis stored along i, j or k', () => {
      const axialSeen = new Set<string>();
      for (const perm of PERMS)
        for (const flips of FLIPS) {
          const { grid, indices } = orientedLesion(canonDims, spacing, inside, perm, flips);
          const d = lesionDiameters(indices, grid);
          const sAxis = perm.indexOf(2);
          expect(d.axialAxis).toBe(['i', 'j', 'k'][sAxis]);
          axialSeen.add(d.axialAxis);
          expect(d.longAxisMm).toBeCloseTo(reference.longAxisMm, 9);
          expect(d.shortAxisMm).toBeCloseTo(reference.shortAxisMm, 9);
          expect(d.max3dDiameterMm).toBeCloseTo(reference.max3dDiameterMm, 9);
          // The central slice, counted from whichever end the storage starts.
          expect(d.axialSliceIndex).toBe(flips[sAxis] ? canonDims[2] - 1 - centre[2] : centre[2]);
        }
      expect([...axialSeen].sort()).toEqual(['i', 'j', 'k']);
    });
  });

  it('does not change when the grid is rotated in the axial plane (oblique in-plane directions)', () => {
    const base = orientedLesion([30, 30, 5], [0.8, 0.8, 3], (x, y, z) => (x - 14) ** 2 / 100 + (y - 15) ** 2 / 36 + (z - 2) ** 2 / 4 <= 1, [0, 1, 2], [false, false, false]);
    const angle = (33 * Math.PI) / 180;
    const [c, s] = [Math.cos(angle), Math.sin(angle)];
    const m = base.grid.ijkToRas;
    const rotated: Mat4 = [
      c * m[0] - s * m[4], c * m[1] - s * m[5], c * m[2] - s * m[6], 10,
      s * m[0] + c * m[4], s * m[1] + c * m[5], s * m[2] + c * m[6], -40,
      m[8], m[9], m[10], 55,
      0, 0, 0, 1,
    ];
    const a = lesionDiameters(base.indices, base.grid);
    const b = lesionDiameters(base.indices, { dims: base.grid.dims, ijkToRas: rotated });
    expect(b.longAxisMm).toBeCloseTo(a.longAxisMm, 9);
    expect(b.shortAxisMm).toBeCloseTo(a.shortAxisMm, 9);
    expect(b.max3dDiameterMm).toBeCloseTo(a.max3dDiameterMm, 9);
    // Semi-axes 10 and 6 voxels of 0.8 mm: 16 mm and 9.6 mm.
    expect(a.longAxisMm).toBeCloseTo(16, 9);
    expect(Math.abs(a.shortAxisMm - 9.6)).toBeLessThanOrEqual(Math.hypot(0.8, 0.8, 3) / 2);
  });

  it('agrees with brute force over all voxel pairs on an irregular lesion', () => {
    let seed = 99;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const { grid, indices } = orientedLesion([12, 10, 6], [0.7, 0.9, 2], () => rand() < 0.3, [1, 2, 0], [true, false, true]);
    const d = lesionDiameters(indices, grid);
    const m = grid.ijkToRas;
    const [ni, nj] = grid.dims;
    const pts = indices.map((idx) => {
      const v = [idx % ni, Math.floor(idx / ni) % nj, Math.floor(idx / (ni * nj))];
      return { v, p: [0, 1, 2].map((r) => m[r * 4] * v[0] + m[r * 4 + 1] * v[1] + m[r * 4 + 2] * v[2] + m[r * 4 + 3]) };
    });
    let long = 0;
    let max3d = 0;
    const axial = axialAxisOf(m);
    for (const a of pts)
      for (const b of pts) {
        const dist = Math.hypot(a.p[0] - b.p[0], a.p[1] - b.p[1], a.p[2] - b.p[2]);
        max3d = Math.max(max3d, dist);
        if (a.v[axial] === b.v[axial]) long = Math.max(long, dist);
      }
    expect(d.longAxisMm).toBeCloseTo(long, 9);
    expect(d.max3dDiameterMm).toBeCloseTo(max3d, 9);
  });
});
