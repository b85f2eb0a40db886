import { gctError } from '../errors.ts';
import type { Grid, RasPoint, Vec3 } from '../volume/geometry.ts';
import { rasPoint } from '../volume/geometry.ts';
import { maskVoxels } from './location-types.ts';
import type { PancreasRegion, PancreasRegionFractions, PancreasSplit, VoxelIndices } from './location-types.ts';
import { LOCATION_MIN_FRACTION } from './sub-segments.ts';

/**
 * Pancreatic head / body / tail.
 *
 * Definition (RadGPT / AbdomenAtlas 3.0, Bassi et al., arXiv:2501.04678, 2025, re-implemented from its
 * description): the pancreas is split along its main axis; the head/body boundary is where the superior
 * mesenteric artery (SMA) crosses that axis, and the body/tail boundary is the midpoint between the SMA and the
 * tail end. Anatomically (AJCC 8th ed., pancreas chapter) the head lies right of the SMV/SMA confluence, the body
 * between it and the left border of the aorta, the tail left of that; the SMA split is the mask-based proxy.
 *
 * Our construction, all in patient RAS mm (so the answer does not depend on how the voxels are stored):
 * - main axis = first principal component of the pancreas voxel centres, oriented from head to tail. The head
 *   sits at the patient's RIGHT, next to the duodenum; in RAS+ the patient's right is +x, so the axis is turned
 *   to have a NEGATIVE x component (pointing toward the patient's left, the spleen);
 * - SMA position = mean projection onto that axis of the SMA voxels whose z lies within the pancreas' z range
 *   (its craniocaudal extent); the SMA is the vertical landmark, its lower course is ignored;
 * - fallback (method 'thirds'): with no SMA mask, no SMA voxel at the pancreas' level, or an SMA projecting
 *   outside the pancreas, the axis is cut in equal thirds, and `fallbackReason` says why.
 */

/**
 * Splits the pancreas along its main axis. `smaVoxels` is the superior mesenteric artery mask, or null when
 * no such mask exists (TotalSegmentator's `total` task has none; its `vessels`-type tasks or a user mask do).
 */
export function splitPancreas(pancreasVoxels: VoxelIndices, grid: Grid, smaVoxels: VoxelIndices | null): PancreasSplit {
  const dims = grid.dims;
  const total = dims[0] * dims[1] * dims[2];
  maskVoxels(pancreasVoxels, total, 'pancreas');
  if (pancreasVoxels.length < 2)
    throw gctError('GCT_MEASURE_INPUT_INVALID', `the pancreas mask has ${pancreasVoxels.length} voxel(s); at least 2 are needed to find its axis`, { voxels: pancreasVoxels.length });
  const ras = rasCentres(pancreasVoxels, grid);
  const n = pancreasVoxels.length;
  const c = [0, 0, 0];
  for (let p = 0; p < n; p++) for (let a = 0; a < 3; a++) c[a] += ras[3 * p + a];
  for (let a = 0; a < 3; a++) c[a] /= n;
  const cov = new Array<number>(9).fill(0);
  let zMin = Infinity, zMax = -Infinity;
  for (let p = 0; p < n; p++) {
    const d = [ras[3 * p] - c[0], ras[3 * p + 1] - c[1], ras[3 * p + 2] - c[2]];
    for (let r = 0; r < 3; r++) for (let s = 0; s < 3; s++) cov[r * 3 + s] += d[r] * d[s];
    zMin = Math.min(zMin, ras[3 * p + 2]);
    zMax = Math.max(zMax, ras[3 * p + 2]);
  }
  let axis = principalAxis(cov);
  if (axis[0] > 0) axis = [-axis[0], -axis[1], -axis[2]];
  const along = (x: number, y: number, z: number) => (x - c[0]) * axis[0] + (y - c[1]) * axis[1] + (z - c[2]) * axis[2];
  let headEndMm = Infinity, tailEndMm = -Infinity;
  for (let p = 0; p < n; p++) {
    const t = along(ras[3 * p], ras[3 * p + 1], ras[3 * p + 2]);
    headEndMm = Math.min(headEndMm, t);
    tailEndMm = Math.max(tailEndMm, t);
  }
  const base = { centroidRas: rasPoint(c[0], c[1], c[2]), axisRas: axis, headEndMm, tailEndMm };
  const thirds = (fallbackReason: string): PancreasSplit => ({
    ...base,
    method: 'thirds',
    fallbackReason,
    headBodyBoundaryMm: headEndMm + (tailEndMm - headEndMm) / 3,
    bodyTailBoundaryMm: headEndMm + (2 * (tailEndMm - headEndMm)) / 3,
  });

  if (smaVoxels === null || smaVoxels.length === 0) return thirds('no superior mesenteric artery mask');
  maskVoxels(smaVoxels, total, 'SMA');
  const sma = rasCentres(smaVoxels, grid);
  let sum = 0, count = 0;
  for (let p = 0; p < smaVoxels.length; p++) {
    const z = sma[3 * p + 2];
    if (z < zMin || z > zMax) continue;
    sum += along(sma[3 * p], sma[3 * p + 1], z);
    count++;
  }
  if (count === 0) return thirds("no SMA voxel within the pancreas' craniocaudal extent");
  const smaPositionMm = sum / count;
  if (smaPositionMm <= headEndMm || smaPositionMm >= tailEndMm)
    return thirds(`the SMA projects outside the pancreas along its axis (${smaPositionMm.toFixed(1)} mm, pancreas ${headEndMm.toFixed(1)} to ${tailEndMm.toFixed(1)} mm)`);
  return { ...base, method: 'sma', smaPositionMm, headBodyBoundaryMm: smaPositionMm, bodyTailBoundaryMm: (smaPositionMm + tailEndMm) / 2 };
}

/** Region of a point: head before the head/body boundary, tail from the body/tail boundary on, body between. */
export function pancreasRegionAt(split: PancreasSplit, point: RasPoint): PancreasRegion {
  const t = positionAlongMm(split, point[0], point[1], point[2]);
  return t < split.headBodyBoundaryMm ? 'head' : t < split.bodyTailBoundaryMm ? 'body' : 'tail';
}

/** Per voxel of the list, its region code: 1 head, 2 body, 3 tail (in the list's order). */
export function pancreasRegionCodes(voxels: VoxelIndices, grid: Grid, split: PancreasSplit): Uint8Array {
  const ras = rasCentres(voxels, grid);
  const out = new Uint8Array(voxels.length);
  for (let p = 0; p < voxels.length; p++) {
    const t = positionAlongMm(split, ras[3 * p], ras[3 * p + 1], ras[3 * p + 2]);
    out[p] = t < split.headBodyBoundaryMm ? 1 : t < split.bodyTailBoundaryMm ? 2 : 3;
  }
  return out;
}

/**
 * Share of a lesion's voxels in each region and the regions it is located in (share > 10 %, the RadGPT
 * sub-segment rule shared with Couinaud segments). Lesion voxels beyond the pancreas ends along the axis count
 * for the end region (head or tail), so a lesion bulging out of the gland still has a location.
 */
export function pancreasRegionFractions(lesionVoxels: VoxelIndices, grid: Grid, split: PancreasSplit): PancreasRegionFractions {
  maskVoxels(lesionVoxels, grid.dims[0] * grid.dims[1] * grid.dims[2], 'lesion');
  const codes = pancreasRegionCodes(lesionVoxels, grid, split);
  const counts = [0, 0, 0, 0];
  for (const c of codes) counts[c]++;
  const n = Math.max(1, lesionVoxels.length);
  const fractions = { head: counts[1] / n, body: counts[2] / n, tail: counts[3] / n };
  const locatedIn = (['head', 'body', 'tail'] as const)
    .filter((r) => fractions[r] > LOCATION_MIN_FRACTION)
    .sort((a, b) => fractions[b] - fractions[a]);
  return { method: split.method, fractions, locatedIn };
}

function positionAlongMm(split: PancreasSplit, x: number, y: number, z: number): number {
  const c = split.centroidRas, a = split.axisRas;
  return (x - c[0]) * a[0] + (y - c[1]) * a[1] + (z - c[2]) * a[2];
}

/** RAS centres of voxels, as flat (x, y, z) triples. */
function rasCentres(voxels: VoxelIndices, grid: Grid): Float64Array {
  const [nx, ny] = grid.dims;
  const m = grid.ijkToRas;
  const out = new Float64Array(voxels.length * 3);
  for (let p = 0; p < voxels.length; p++) {
    const v = voxels[p];
    const i = v % nx;
    const j = Math.floor(v / nx) % ny;
    const k = Math.floor(v / (nx * ny));
    out[3 * p] = m[0] * i + m[1] * j + m[2] * k + m[3];
    out[3 * p + 1] = m[4] * i + m[5] * j + m[6] * k + m[7];
    out[3 * p + 2] = m[8] * i + m[9] * j + m[10] * k + m[11];
  }
  return out;
}

/**
 * Unit eigenvector of the largest eigenvalue of a symmetric 3x3 matrix (row-major), by cyclic Jacobi
 * rotations (Golub & Van Loan, Matrix Computations, 4th ed., section 8.5).
 */
export function principalAxis(sym: readonly number[]): Vec3 {
  const a = [...sym];
  const v = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  for (let sweep = 0; sweep < 50; sweep++) {
    const off = Math.abs(a[1]) + Math.abs(a[2]) + Math.abs(a[5]);
    if (off < 1e-14 * (Math.abs(a[0]) + Math.abs(a[4]) + Math.abs(a[8]) + 1e-300)) break;
    for (const [p, q] of [[0, 1], [0, 2], [1, 2]] as const) {
      const apq = a[p * 3 + q];
      if (apq === 0) continue;
      const theta = (a[q * 3 + q] - a[p * 3 + p]) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const cs = 1 / Math.sqrt(t * t + 1);
      const sn = t * cs;
      // A <- J^T A J with J the rotation in the (p, q) plane.
      for (let k = 0; k < 3; k++) {
        const akp = a[k * 3 + p], akq = a[k * 3 + q];
        a[k * 3 + p] = cs * akp - sn * akq;
        a[k * 3 + q] = sn * akp + cs * akq;
      }
      for (let k = 0; k < 3; k++) {
        const apk = a[p * 3 + k], aqk = a[q * 3 + k];
        a[p * 3 + k] = cs * apk - sn * aqk;
        a[q * 3 + k] = sn * apk + cs * aqk;
      }
      for (let k = 0; k < 3; k++) {
        const vkp = v[k * 3 + p], vkq = v[k * 3 + q];
        v[k * 3 + p] = cs * vkp - sn * vkq;
        v[k * 3 + q] = sn * vkp + cs * vkq;
      }
    }
  }
  let best = 0;
  for (let d = 1; d < 3; d++) if (a[d * 3 + d] > a[best * 3 + best]) best = d;
  const e: Vec3 = [v[best], v[3 + best], v[6 + best]];
  const norm = Math.hypot(e[0], e[1], e[2]);
  return [e[0] / norm, e[1] / norm, e[2] / norm];
}
