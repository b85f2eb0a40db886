import type { Vec3 } from '../volume/geometry.ts';
import { convexHull2d } from './diameters.ts';
import { sampleMaskIjk, type MaskCrop } from './mask-crop.ts';

/**
 * The cross-section of a mask in a plane through `centre` perpendicular to `normal`, measured as vessel calibre is
 * measured on CT: perpendicular to the vessel's centreline, outer edge to outer edge of the segmented lumen
 * (ACC/AHA 2022 aortic guideline, "measured perpendicular to the axis of blood flow"; TotalSegmentator's aorta and
 * pulmonary reports do the same on their masks).
 *
 * - The plane is sampled on a square grid of `pixelMm` pixels; a pixel is inside when the trilinear interpolation
 *   of the binary mask at its centre is >= 0.5 (the boundary half-way between inside and outside voxel centres).
 * - The region is the 4-connected component containing the centre (or the inside pixel nearest to it), with its
 *   holes filled (a thrombus or a wall calcification left out of the mask still belongs to the vessel).
 * - area = pixels x pixelMm^2; area-equivalent diameter = 2 sqrt(area / pi);
 * - its outline: the points where the interpolated mask crosses 0.5 between a region pixel and an outside
 *   neighbour (sub-pixel, linear between the two pixel centres);
 * - maximal diameter = the largest caliper width of the outline (90 directions 2 deg apart, refined to 0.1 deg);
 *   perpendicular diameter = the caliper width at right angles to it.
 *
 * The window grows (twice, up to 4x) when the region touches its edge, so a large aneurysm is not clipped.
 */

export interface CrossSection {
  readonly areaMm2: number;
  readonly areaEquivalentDiameterMm: number;
  readonly maxDiameterMm: number;
  readonly perpendicularDiameterMm: number;
  /** End points of the maximal diameter in RAS mm. */
  readonly maxDiameterEndsRas: readonly [Vec3, Vec3];
  /** Distance from `centre` to the region's pixel nearest to it (0 when the centre is inside), mm. */
  readonly centreOffsetMm: number;
}

export interface CrossSectionOptions {
  readonly pixelMm: number;
  /** Half-width of the first sampling window, mm. */
  readonly halfWidthMm: number;
}

function basis(normal: Vec3): { u: Vec3; v: Vec3 } {
  const n = normal;
  // Any vector not parallel to n, then Gram-Schmidt.
  const seed: Vec3 = Math.abs(n[2]) < 0.9 ? [0, 0, 1] : [1, 0, 0];
  const u0 = [n[1] * seed[2] - n[2] * seed[1], n[2] * seed[0] - n[0] * seed[2], n[0] * seed[1] - n[1] * seed[0]];
  const un = Math.hypot(u0[0], u0[1], u0[2]);
  const u: Vec3 = [u0[0] / un, u0[1] / un, u0[2] / un];
  const v: Vec3 = [n[1] * u[2] - n[2] * u[1], n[2] * u[0] - n[0] * u[2], n[0] * u[1] - n[1] * u[0]];
  return { u, v };
}

/** Caliper width of the hull (flat x, y) along direction theta (radians). */
function width(hull: readonly number[], theta: number): { w: number; lo: number; hi: number } {
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  let lo = Infinity;
  let hi = -Infinity;
  let loP = 0;
  let hiP = 0;
  for (let p = 0; p < hull.length; p += 2) {
    const proj = hull[p] * c + hull[p + 1] * s;
    if (proj < lo) {
      lo = proj;
      loP = p;
    }
    if (proj > hi) {
      hi = proj;
      hiP = p;
    }
  }
  return { w: hi - lo, lo: loP, hi: hiP };
}

/** 4-connected flood fill on a side x side grid from `seeds` (already marked), marking pixels that pass `open`. */
function flood(side: number, seeds: readonly number[], mark: Uint8Array, open: (q: number) => boolean): void {
  const stack = new Int32Array(side * side);
  let top = 0;
  for (const s of seeds) stack[top++] = s;
  while (top > 0) {
    const p = stack[--top];
    const a = p % side;
    if (a > 0 && mark[p - 1] === 0 && open(p - 1)) {
      mark[p - 1] = 1;
      stack[top++] = p - 1;
    }
    if (a < side - 1 && mark[p + 1] === 0 && open(p + 1)) {
      mark[p + 1] = 1;
      stack[top++] = p + 1;
    }
    if (p >= side && mark[p - side] === 0 && open(p - side)) {
      mark[p - side] = 1;
      stack[top++] = p - side;
    }
    if (p < side * (side - 1) && mark[p + side] === 0 && open(p + side)) {
      mark[p + side] = 1;
      stack[top++] = p + side;
    }
  }
}

function measureOnce(crop: MaskCrop, centre: Vec3, normal: Vec3, pixelMm: number, halfWidthMm: number): (CrossSection & { touchesEdge: boolean }) | null {
  const { u, v } = basis(normal);
  const half = Math.ceil(halfWidthMm / pixelMm);
  const side = 2 * half + 1;
  const inside = new Uint8Array(side * side);
  const field = new Float32Array(side * side);
  // The plane in crop index space: ijk(a, b) = origin + a * du + b * dv (affine, so stepped, not recomputed).
  const m = crop.rasToIjk;
  const toIjk = (x: number, y: number, z: number, w: number) => [0, 1, 2].map((r) => m[r * 4] * x + m[r * 4 + 1] * y + m[r * 4 + 2] * z + w * m[r * 4 + 3]);
  const x0 = centre[0] - half * pixelMm * (u[0] + v[0]);
  const y0 = centre[1] - half * pixelMm * (u[1] + v[1]);
  const z0 = centre[2] - half * pixelMm * (u[2] + v[2]);
  const o = toIjk(x0, y0, z0, 1);
  const du = toIjk(u[0] * pixelMm, u[1] * pixelMm, u[2] * pixelMm, 0);
  const dv = toIjk(v[0] * pixelMm, v[1] * pixelMm, v[2] * pixelMm, 0);
  for (let b = 0; b < side; b++) {
    let fi = o[0] + b * dv[0];
    let fj = o[1] + b * dv[1];
    let fk = o[2] + b * dv[2];
    for (let a = 0; a < side; a++, fi += du[0], fj += du[1], fk += du[2]) {
      const f = sampleMaskIjk(crop, fi, fj, fk);
      field[a + side * b] = f;
      if (f >= 0.5) inside[a + side * b] = 1;
    }
  }
  // Seed: the centre pixel, else the nearest inside pixel.
  let seed = half + side * half;
  let offset = 0;
  if (inside[seed] === 0) {
    let best = -1;
    let bestD = Infinity;
    for (let p = 0; p < inside.length; p++) {
      if (inside[p] === 0) continue;
      const d = Math.hypot((p % side) - half, Math.floor(p / side) - half);
      if (d < bestD) {
        bestD = d;
        best = p;
      }
    }
    if (best < 0) return null;
    seed = best;
    offset = bestD * pixelMm;
  }
  // Region: 4-connected component of the seed.
  const region = new Uint8Array(side * side);
  region[seed] = 1;
  flood(side, [seed], region, (q) => inside[q] === 1);
  // Holes: pixels not reachable from the window's edge without crossing the region.
  const outside = new Uint8Array(side * side);
  const edge: number[] = [];
  for (let a = 0; a < side; a++) edge.push(a, a + side * (side - 1));
  for (let b = 1; b < side - 1; b++) edge.push(side * b, side * b + side - 1);
  const seeds = edge.filter((p) => region[p] === 0);
  for (const p of seeds) outside[p] = 1;
  flood(side, seeds, outside, (q) => region[q] === 0);
  let count = 0;
  let touchesEdge = false;
  // Boundary points: where the field crosses 0.5 between a region pixel and an outside neighbour (linear
  // interpolation between the two pixel centres), so the diameters are not quantised to the pixel grid.
  const boundary: number[] = [];
  const cross = (p: number, q: number, da: number, db: number, a: number, b: number) => {
    const fp = field[p];
    const fq = field[q];
    const t = fp > fq ? Math.min(1, Math.max(0, (fp - 0.5) / (fp - fq))) : 0.5;
    boundary.push((a - half + t * da) * pixelMm, (b - half + t * db) * pixelMm);
  };
  for (let p = 0; p < side * side; p++) {
    if (outside[p] === 1) continue;
    count++;
    const a = p % side;
    const b = (p - a) / side;
    if (a === 0 || b === 0 || a === side - 1 || b === side - 1) {
      touchesEdge = true;
      boundary.push((a - half) * pixelMm, (b - half) * pixelMm);
      continue;
    }
    if (outside[p - 1] === 1) cross(p, p - 1, -1, 0, a, b);
    if (outside[p + 1] === 1) cross(p, p + 1, 1, 0, a, b);
    if (outside[p - side] === 1) cross(p, p - side, 0, -1, a, b);
    if (outside[p + side] === 1) cross(p, p + side, 0, 1, a, b);
  }
  const hull = convexHull2d(boundary);
  let best = { w: -Infinity, theta: 0, lo: 0, hi: 0 };
  for (let deg = 0; deg < 180; deg += 2) {
    const r = width(hull, (deg * Math.PI) / 180);
    if (r.w > best.w) best = { ...r, theta: (deg * Math.PI) / 180 };
  }
  for (let tenth = -20; tenth <= 20; tenth++) {
    const theta = best.theta + (tenth * Math.PI) / 1800;
    const r = width(hull, theta);
    if (r.w > best.w) best = { ...r, theta };
  }
  const perpendicular = width(hull, best.theta + Math.PI / 2).w;
  const toRas = (p: number): Vec3 => [
    centre[0] + hull[p] * u[0] + hull[p + 1] * v[0],
    centre[1] + hull[p] * u[1] + hull[p + 1] * v[1],
    centre[2] + hull[p] * u[2] + hull[p + 1] * v[2],
  ];
  const areaMm2 = count * pixelMm * pixelMm;
  return {
    areaMm2,
    areaEquivalentDiameterMm: 2 * Math.sqrt(areaMm2 / Math.PI),
    maxDiameterMm: best.w,
    perpendicularDiameterMm: perpendicular,
    maxDiameterEndsRas: [toRas(best.lo), toRas(best.hi)],
    centreOffsetMm: offset,
    touchesEdge,
  };
}

/** The cross-section, or null when the plane holds no mask pixel near the centre. */
export function crossSection(crop: MaskCrop, centre: Vec3, normal: Vec3, options: CrossSectionOptions): CrossSection | null {
  const n = Math.hypot(normal[0], normal[1], normal[2]);
  const unit: Vec3 = [normal[0] / n, normal[1] / n, normal[2] / n];
  let half = options.halfWidthMm;
  for (let attempt = 0; attempt < 3; attempt++, half *= 2) {
    const r = measureOnce(crop, centre, unit, options.pixelMm, half);
    if (r === null) return null;
    if (!r.touchesEdge || attempt === 2) {
      const { touchesEdge: _, ...section } = r;
      return section;
    }
  }
  return null;
}
