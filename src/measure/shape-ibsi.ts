/**
 * IBSI-1 morphological features of a binary mask (Zwanenburg et al., "The Image Biomarker Standardization
 * Initiative", Radiology 2020;295:328-338, doi:10.1148/radiol.2020191145; IBSI reference manual v11,
 * arXiv:1612.07003, chapter 3.1). Section numbers below are the manual's.
 *
 * Conventions (as the manual): the mesh is marching cubes on the zero-padded mask at iso-level 0.5 (mesh V and A
 * in mm3 / mm2); PCA uses the covariance of the voxel-centre positions in mm (N - 1 normalisation, as numpy's
 * default); the morphological and intensity masks are the same mask here (no re-segmentation).
 * Differences: the "axis-aligned" bounding box is taken along the grid's own axes (identical to world axes for
 * an axis-aligned scan, and independent of the scan's orientation otherwise). Not computed: OMBB (3.1.19-20),
 * MVEE (3.1.23-24), convex-hull densities (3.1.25-26), Moran's I and Geary's C (3.1.28-29).
 */
import type { Dims, Mat4 } from '../volume/geometry.ts';
import { det3, linearPart } from '../volume/geometry.ts';
import { convexHull2d } from './diameters.ts';
import type { IbsiShapeFeatures } from './lesion-types.ts';
import { marchingCubesMask, meshAreaMm2, meshVolumeMm3 } from './marching-cubes.ts';

/** Terms of the Legendre series for the ellipsoid surface area (3.1.22: the manual truncates at nu = 20). */
const AEE_SERIES_TERMS = 20;

/**
 * IBSI morphological features of the non-zero voxels of `mask` (dims, placed by ijkToRas). `intensities`
 * (same layout) enables morph_com and morph_integ_int.
 */
export function ibsiShapeFeatures(mask: ArrayLike<number>, dims: Dims, ijkToRas: Mat4, intensities?: ArrayLike<number>): IbsiShapeFeatures {
  const [nx, ny, nz] = dims;
  const m = ijkToRas;
  const voxelVolumeMm3 = Math.abs(det3(linearPart(m)));
  const mesh = marchingCubesMask(mask, dims, m);
  const V = meshVolumeMm3(mesh);
  const A = meshAreaMm2(mesh);

  // Voxel-centre moments (PCA, centre of mass) and bounds, in ijk then mapped.
  let count = 0;
  const sum = [0, 0, 0];
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  const ras: number[] = [];
  let wSum = 0;
  const wPos = [0, 0, 0];
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const idx = i + nx * (j + ny * k);
        if (mask[idx] === 0) continue;
        count++;
        const x = m[0] * i + m[1] * j + m[2] * k + m[3];
        const y = m[4] * i + m[5] * j + m[6] * k + m[7];
        const z = m[8] * i + m[9] * j + m[10] * k + m[11];
        ras.push(x, y, z);
        sum[0] += x;
        sum[1] += y;
        sum[2] += z;
        const v = [i, j, k];
        for (let c = 0; c < 3; c++) {
          lo[c] = Math.min(lo[c], v[c]);
          hi[c] = Math.max(hi[c], v[c]);
        }
        if (intensities) {
          const w = intensities[idx];
          wSum += w;
          wPos[0] += w * x;
          wPos[1] += w * y;
          wPos[2] += w * z;
        }
      }
  if (count === 0) throw new RangeError('ibsiShapeFeatures needs a non-empty mask');
  const mean = sum.map((s) => s / count);
  const cov = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  for (let p = 0; p < ras.length; p += 3) {
    const d = [ras[p] - mean[0], ras[p + 1] - mean[1], ras[p + 2] - mean[2]];
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) cov[r * 3 + c] += d[r] * d[c];
  }
  const denom = Math.max(count - 1, 1);
  const [lMaj, lMin, lLeast] = symmetricEigenvalues(cov.map((c) => c / denom)).map((l) => Math.max(l, 0));

  // 3.1.17-18: the mesh spans from the outermost voxel centres half a voxel outwards along each grid axis.
  const extent = [0, 1, 2].map((c) => hi[c] - lo[c] + 1);
  const col = [0, 1, 2].map((c) => [m[c] * extent[c], m[4 + c] * extent[c], m[8 + c] * extent[c]]);
  const boxVolume = Math.abs(det3([col[0][0], col[1][0], col[2][0], col[0][1], col[1][1], col[2][1], col[0][2], col[1][2], col[2][2]]));
  const faceArea = (a: number[], b: number[]): number => Math.hypot(a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]);
  const boxArea = 2 * (faceArea(col[0], col[1]) + faceArea(col[1], col[2]) + faceArea(col[0], col[2]));

  // 3.1.21-22: approximate enclosing ellipsoid, semi-axes 2 sqrt(lambda).
  const a = 2 * Math.sqrt(lMaj);
  const b = 2 * Math.sqrt(lMin);
  const c = 2 * Math.sqrt(lLeast);

  const sphereTerm = Math.cbrt(36 * Math.PI * V * V);
  const meanIntensity = intensities ? wSum / count : null;
  let com: number | null = null;
  if (intensities && wSum !== 0) com = Math.hypot(wPos[0] / wSum - mean[0], wPos[1] / wSum - mean[1], wPos[2] / wSum - mean[2]);
  return {
    morph_volume: V,
    morph_vol_approx: count * voxelVolumeMm3,
    morph_area_mesh: A,
    morph_av: A / V,
    morph_comp_1: V / (Math.sqrt(Math.PI) * Math.pow(A, 1.5)),
    morph_comp_2: (36 * Math.PI * V * V) / (A * A * A),
    morph_sph_dispr: A / sphereTerm,
    morph_sphericity: sphereTerm / A,
    morph_asphericity: Math.cbrt((A * A * A) / (36 * Math.PI * V * V)) - 1,
    morph_com: com,
    morph_diam: meshDiameterMm(mask, dims, m),
    morph_pca_maj_axis: 4 * Math.sqrt(lMaj),
    morph_pca_min_axis: 4 * Math.sqrt(lMin),
    morph_pca_least_axis: 4 * Math.sqrt(lLeast),
    morph_pca_elongation: lMaj > 0 ? Math.sqrt(lMin / lMaj) : 0,
    morph_pca_flatness: lMaj > 0 ? Math.sqrt(lLeast / lMaj) : 0,
    morph_vol_dens_aabb: V / boxVolume,
    morph_area_dens_aabb: A / boxArea,
    morph_vol_dens_aee: (3 * V) / (4 * Math.PI * a * b * c),
    morph_area_dens_aee: A / ibsiEllipsoidAreaMm2(a, b, c),
    morph_integ_int: meanIntensity === null ? null : V * meanIntensity,
  };
}

/**
 * The ellipsoid surface area of IBSI 3.1.22, semi-axes a >= b >= c in mm, by the manual's Legendre series:
 * A = 4 pi a b sum_nu (alpha beta)^nu / (1 - 4 nu^2) P_nu((alpha^2 + beta^2) / (2 alpha beta)),
 * alpha = sqrt(1 - b^2/a^2), beta = sqrt(1 - c^2/a^2), nu = 0..20. Computed as Q_nu = (alpha beta)^nu P_nu(x)
 * through Bonnet's recurrence, which stays finite when alpha beta -> 0 (spheroids and spheres).
 * Note: this series is exact for a sphere but is not the exact area of other ellipsoids (for the IBSI phantom's
 * semi-axes 5.70, 4.65, 4.27 mm it gives 286.3 mm2 where numerical integration gives 297.5 mm2). The IBSI
 * reference value of morph_area_dens_aee follows the series (1.36 +/- 0.01; the exact area would give 1.30),
 * so the series is kept as specified.
 */
export function ibsiEllipsoidAreaMm2(a: number, b: number, c: number): number {
  const alpha2 = a > 0 ? 1 - (b * b) / (a * a) : 0;
  const beta2 = a > 0 ? 1 - (c * c) / (a * a) : 0;
  const ab2 = alpha2 * beta2; // (alpha beta)^2
  const half = (alpha2 + beta2) / 2; // x * alpha * beta
  let qPrev = 1; // Q_0
  let q = half; // Q_1
  let total = qPrev + q / (1 - 4);
  for (let nu = 1; nu < AEE_SERIES_TERMS; nu++) {
    const qNext = ((2 * nu + 1) * half * q - nu * ab2 * qPrev) / (nu + 1);
    qPrev = q;
    q = qNext;
    total += q / (1 - 4 * (nu + 1) * (nu + 1));
  }
  return 4 * Math.PI * a * b * total;
}

/**
 * morph_diam (3.1.11): the largest distance between mesh vertices. The vertices (other than loop centroids,
 * which lie inside their loops' hulls) are the midpoints of the edges joining an inside voxel centre to an
 * outside one. Each lies in a plane of constant 2k; only the vertices of each plane's 2D convex hull can be
 * extreme, so the pairwise search runs over those.
 */
function meshDiameterMm(mask: ArrayLike<number>, dims: Dims, m: Mat4): number {
  const [nx, ny, nz] = dims;
  const inside = (i: number, j: number, k: number): boolean =>
    i >= 0 && j >= 0 && k >= 0 && i < nx && j < ny && k < nz && mask[i + nx * (j + ny * k)] !== 0;
  const planes = new Map<number, number[]>();
  const add = (twoI: number, twoJ: number, twoK: number): void => {
    let list = planes.get(twoK);
    if (!list) planes.set(twoK, (list = []));
    list.push(twoI, twoJ);
  };
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        if (!inside(i, j, k)) continue;
        if (!inside(i - 1, j, k)) add(2 * i - 1, 2 * j, 2 * k);
        if (!inside(i + 1, j, k)) add(2 * i + 1, 2 * j, 2 * k);
        if (!inside(i, j - 1, k)) add(2 * i, 2 * j - 1, 2 * k);
        if (!inside(i, j + 1, k)) add(2 * i, 2 * j + 1, 2 * k);
        if (!inside(i, j, k - 1)) add(2 * i, 2 * j, 2 * k - 1);
        if (!inside(i, j, k + 1)) add(2 * i, 2 * j, 2 * k + 1);
      }
  const pts: number[][] = [];
  for (const [twoK, xy] of planes) {
    const hull = convexHull2d(xy);
    for (let h = 0; h < hull.length; h += 2) {
      const i = hull[h] / 2;
      const j = hull[h + 1] / 2;
      const k = twoK / 2;
      pts.push([m[0] * i + m[1] * j + m[2] * k + m[3], m[4] * i + m[5] * j + m[6] * k + m[7], m[8] * i + m[9] * j + m[10] * k + m[11]]);
    }
  }
  let best = 0;
  for (let p = 0; p < pts.length; p++)
    for (let q = p + 1; q < pts.length; q++)
      best = Math.max(best, Math.hypot(pts[p][0] - pts[q][0], pts[p][1] - pts[q][1], pts[p][2] - pts[q][2]));
  return best;
}

/** Eigenvalues of a symmetric 3x3 matrix (row-major), descending, by cyclic Jacobi rotations. */
export function symmetricEigenvalues(matrix: readonly number[]): [number, number, number] {
  const a = matrix.slice();
  for (let sweep = 0; sweep < 50; sweep++) {
    const off = a[1] * a[1] + a[2] * a[2] + a[5] * a[5];
    if (off < 1e-30 * (a[0] * a[0] + a[4] * a[4] + a[8] * a[8] + 1e-300)) break;
    for (const [p, q] of [[0, 1], [0, 2], [1, 2]] as const) {
      const apq = a[p * 3 + q];
      if (apq === 0) continue;
      const app = a[p * 3 + p];
      const aqq = a[q * 3 + q];
      const theta = (aqq - app) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const cs = 1 / Math.sqrt(t * t + 1);
      const sn = t * cs;
      // A <- J^T A J with the rotation J in the (p, q) plane.
      for (let r = 0; r < 3; r++) {
        const arp = a[r * 3 + p];
        const arq = a[r * 3 + q];
        a[r * 3 + p] = cs * arp - sn * arq;
        a[r * 3 + q] = sn * arp + cs * arq;
      }
      for (let r = 0; r < 3; r++) {
        const apr = a[p * 3 + r];
        const aqr = a[q * 3 + r];
        a[p * 3 + r] = cs * apr - sn * aqr;
        a[q * 3 + r] = sn * apr + cs * aqr;
      }
    }
  }
  const values = [a[0], a[4], a[8]].sort((x, y) => y - x);
  return [values[0], values[1], values[2]];
}
