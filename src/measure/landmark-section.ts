import type { Vec3 } from '../volume/geometry.ts';
import { crossSection } from './cross-section.ts';
import { cropVoxelRas, type MaskCrop } from './mask-crop.ts';
import { symmetricEigenvalues } from './shape-ibsi.ts';
import type { LandmarkSection } from './vessel-types.ts';

/**
 * A landmark mask measured in its own plane. TotalSegmentator's landmark masks (pul_annulus, pul_bifurcation, the
 * aortic annulus, ...) are discs a few voxels thick lying across the vessel; TotalSegmentator's pulmonary report
 * puts each measurement plane through the landmark's centre, normal to the landmark's smallest principal axis.
 * groundct does the same and measures, in that plane, the landmark disc itself (`footprint`) and the vessel mask
 * (`vessel`), with the cross-section definition of cross-section.ts.
 */

/** Centroid and unit normal (smallest principal axis) of a crop's voxels in RAS; null for fewer than 4 voxels. */
export function principalPlane(crop: MaskCrop): { centre: Vec3; normal: Vec3 } | null {
  const [nx, ny, nz] = crop.dims;
  const pts: number[] = [];
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) if (crop.mask[i + nx * (j + ny * k)] !== 0) pts.push(...cropVoxelRas(crop, i, j, k));
  const n = pts.length / 3;
  if (n < 4) return null;
  const c = [0, 0, 0];
  for (let p = 0; p < pts.length; p += 3) for (let a = 0; a < 3; a++) c[a] += pts[p + a] / n;
  const cov = new Array<number>(9).fill(0);
  for (let p = 0; p < pts.length; p += 3)
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) cov[a * 3 + b] += ((pts[p + a] - c[a]) * (pts[p + b] - c[b])) / n;
  const lambda = symmetricEigenvalues(cov)[2];
  // The eigenvector of the smallest eigenvalue is orthogonal to the rows of (C - lambda I): the largest cross
  // product of two of its rows.
  const r = [0, 1, 2].map((a) => [0, 1, 2].map((b) => cov[a * 3 + b] - (a === b ? lambda : 0)));
  let best: number[] = [0, 0, 1];
  let bestNorm = 0;
  for (const [a, b] of [[0, 1], [0, 2], [1, 2]]) {
    const x = [r[a][1] * r[b][2] - r[a][2] * r[b][1], r[a][2] * r[b][0] - r[a][0] * r[b][2], r[a][0] * r[b][1] - r[a][1] * r[b][0]];
    const norm = Math.hypot(x[0], x[1], x[2]);
    if (norm > bestNorm) {
      bestNorm = norm;
      best = x;
    }
  }
  return { centre: [c[0], c[1], c[2]], normal: [best[0] / bestNorm, best[1] / bestNorm, best[2] / bestNorm] };
}

function summary(s: ReturnType<typeof crossSection>): LandmarkSection['footprint'] | null {
  return s === null ? null : { maxDiameterMm: s.maxDiameterMm, perpendicularDiameterMm: s.perpendicularDiameterMm, areaMm2: s.areaMm2, areaEquivalentDiameterMm: s.areaEquivalentDiameterMm };
}

export function landmarkSection(landmark: string, displayName: string, landmarkCrop: MaskCrop, vesselCrop: MaskCrop | null, pixelMm: number): LandmarkSection | null {
  const plane = principalPlane(landmarkCrop);
  if (plane === null) return null;
  const footprint = summary(crossSection(landmarkCrop, plane.centre, plane.normal, { pixelMm, halfWidthMm: 25 }));
  if (footprint === null) return null;
  const vessel = vesselCrop === null ? null : summary(crossSection(vesselCrop, plane.centre, plane.normal, { pixelMm, halfWidthMm: 25 }));
  return {
    landmark,
    displayName,
    centreRas: [plane.centre[0], plane.centre[1], plane.centre[2]],
    normal: [plane.normal[0], plane.normal[1], plane.normal[2]],
    footprint,
    vessel,
  };
}
