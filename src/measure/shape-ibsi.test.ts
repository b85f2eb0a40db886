import { describe, expect, it } from 'vitest';
import type { Dims, Mat4 } from '../volume/geometry.ts';
import { ibsiEllipsoidAreaMm2, ibsiShapeFeatures, symmetricEigenvalues } from './shape-ibsi.ts';

const diag = (a: number, b: number, c: number): Mat4 => [a, 0, 0, 5, 0, b, 0, -3, 0, 0, c, 17, 0, 0, 0, 1];

describe('ibsiShapeFeatures', () => {
  it('gives the octahedron of a single voxel: hand-computed volume, area, densities and diameter', () => {
    const [a, b, c] = [0.7, 0.9, 2.5];
    const f = ibsiShapeFeatures(Uint8Array.of(1), [1, 1, 1], diag(a, b, c));
    // Octahedron with half-axes a/2, b/2, c/2: V = abc/6; 8 faces of area sqrt(a2b2 + b2c2 + a2c2)/8.
    const areaMm2 = Math.sqrt(a * a * b * b + b * b * c * c + a * a * c * c);
    expect(f.morph_volume).toBeCloseTo((a * b * c) / 6, 12);
    expect(f.morph_vol_approx).toBeCloseTo(a * b * c, 12);
    expect(f.morph_area_mesh).toBeCloseTo(areaMm2, 12);
    expect(f.morph_vol_dens_aabb).toBeCloseTo(1 / 6, 12);
    expect(f.morph_area_dens_aabb).toBeCloseTo(areaMm2 / (2 * (a * b + b * c + a * c)), 12);
    expect(f.morph_diam).toBeCloseTo(c, 12);
    expect(f.morph_pca_maj_axis).toBe(0);
    expect(f.morph_com).toBeNull();
    expect(f.morph_integ_int).toBeNull();
  });

  it('gives PCA axes of a box from the variance of a discrete uniform distribution', () => {
    const dims: Dims = [10, 6, 4];
    const spacing = [1.5, 1, 0.5];
    const n = 240;
    const f = ibsiShapeFeatures(new Uint8Array(n).fill(1), dims, diag(spacing[0], spacing[1], spacing[2]));
    // Sum over the box of (x - mean)^2 = N (nx^2 - 1) / 12 voxel units; covariance divides by N - 1.
    const lambda = dims.map((d, a) => (spacing[a] ** 2 * n * (d * d - 1)) / 12 / (n - 1));
    expect(f.morph_pca_maj_axis).toBeCloseTo(4 * Math.sqrt(lambda[0]), 10);
    expect(f.morph_pca_min_axis).toBeCloseTo(4 * Math.sqrt(lambda[1]), 10);
    expect(f.morph_pca_least_axis).toBeCloseTo(4 * Math.sqrt(lambda[2]), 10);
    expect(f.morph_pca_elongation).toBeCloseTo(Math.sqrt(lambda[1] / lambda[0]), 10);
    expect(f.morph_pca_flatness).toBeCloseTo(Math.sqrt(lambda[2] / lambda[0]), 10);
    expect(f.morph_vol_approx).toBeCloseTo(n * 0.75, 10);
    expect(f.morph_vol_dens_aabb).toBeCloseTo(f.morph_volume / (15 * 6 * 2), 10);
    // AEE: semi-axes 2 sqrt(lambda).
    const [ea, eb, ec] = lambda.map((l) => 2 * Math.sqrt(l));
    expect(f.morph_vol_dens_aee).toBeCloseTo((3 * f.morph_volume) / (4 * Math.PI * ea * eb * ec), 10);
  });

  it('keeps the IBSI identities between compactness, sphericity and disproportion', () => {
    const n = 15;
    const mask = new Uint8Array(n ** 3);
    for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) if ((i - 7) ** 2 + (j - 7) ** 2 + (k - 7) ** 2 <= 42) mask[i + n * (j + n * k)] = 1;
    const f = ibsiShapeFeatures(mask, [n, n, n], diag(1, 1, 1));
    expect(f.morph_comp_2).toBeCloseTo(f.morph_sphericity ** 3, 12);
    expect(f.morph_sph_dispr).toBeCloseTo(1 / f.morph_sphericity, 12);
    expect(f.morph_asphericity).toBeCloseTo(f.morph_sph_dispr - 1, 12);
    expect(f.morph_comp_1 ** 2).toBeCloseTo(f.morph_comp_2 / (36 * Math.PI ** 2), 12);
    expect(f.morph_av).toBeCloseTo(f.morph_area_mesh / f.morph_volume, 12);
    // A digital ball of radius sqrt(42) ~ 6.5 voxels is nearly a sphere.
    expect(f.morph_sphericity).toBeGreaterThan(0.9);
    expect(f.morph_sphericity).toBeLessThan(1);
  });

  it('shifts the centre of mass toward the brighter voxel', () => {
    // Two voxels 2 mm apart with intensities 1 and 3: geometric centre at 1 mm, weighted at 1.5 mm.
    const f = ibsiShapeFeatures(Uint8Array.of(1, 1), [2, 1, 1], diag(2, 2, 2), Float64Array.of(1, 3));
    expect(f.morph_com).toBeCloseTo(0.5, 12);
    expect(f.morph_integ_int).toBeCloseTo(f.morph_volume * 2, 12);
  });

  it('rejects an empty mask', () => {
    expect(() => ibsiShapeFeatures(new Uint8Array(8), [2, 2, 2], diag(1, 1, 1))).toThrow(RangeError);
  });
});

describe('ibsiEllipsoidAreaMm2 (IBSI 3.1.22 Legendre series)', () => {
  it('is 4 pi r^2 for a sphere', () => {
    expect(ibsiEllipsoidAreaMm2(3, 3, 3)).toBeCloseTo(4 * Math.PI * 9, 10);
  });

  it('matches the series evaluated with numpy.polynomial.legendre.legval (nu = 0..20)', () => {
    // Values from numpy: 4 pi a b sum (alpha beta)^nu / (1 - 4 nu^2) legval(x, e_nu).
    expect(ibsiEllipsoidAreaMm2(5.7, 4.654, 4.268)).toBeCloseTo(286.3460587094465, 8);
    expect(ibsiEllipsoidAreaMm2(2, 1.5, 1)).toBeCloseTo(28.90605696830418, 8);
    expect(ibsiEllipsoidAreaMm2(3, 2, 1)).toBeCloseTo(52.81348101202416, 8);
  });
});

describe('symmetricEigenvalues', () => {
  it('returns the eigenvalues in descending order', () => {
    const [a, b, c] = symmetricEigenvalues([2, 1, 0, 1, 2, 0, 0, 0, 5]);
    expect(a).toBeCloseTo(5, 12);
    expect(b).toBeCloseTo(3, 12);
    expect(c).toBeCloseTo(1, 12);
    const [x, y, z] = symmetricEigenvalues([4, 1, 2, 1, 3, 0.5, 2, 0.5, 6]);
    // Trace and determinant are preserved.
    expect(x + y + z).toBeCloseTo(13, 10);
    expect(x * y * z).toBeCloseTo(4 * (18 - 0.25) - 1 * (6 - 1) + 2 * (0.5 - 6), 9);
  });
});
