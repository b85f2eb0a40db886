/**
 * Lesion placement and painting. Each lesion is an ellipsoid core (plus, for a vessel contact, a wrap around
 * the vessel) painted with its own class label over the organ (LiTS convention: lesion replaces organ).
 */
import { gctError } from '../errors.ts';
import type { Vec3 } from '../volume/geometry.ts';
import type { AbdomenLayout, VerticalVessel } from './abdomen.ts';
import { forEachVoxelInBox, voxelRas, type Canvas } from './canvas.ts';
import { labelId, lesionLabelName, organLabelName } from './label-table.ts';
import { superellipsoid, type Shape } from './shapes.ts';
import { liverSegmentAt, pancreasAxis, pancreasRegionAt } from './subsegments.ts';
import type { ContactVessel, LesionSpecSchema, ResolvedStudySpec } from './types.ts';
import type * as z from 'zod';

type ResolvedLesion = z.output<typeof LesionSpecSchema>;

/** Attenuation offset from the organ's nominal HU when the spec gives neither `hu` nor `deltaHu`. */
export const DEFAULT_DELTA_HU = { hypo: -40, iso: 0, hyper: 40 } as const;
/**
 * Contact rings up to this width outside the vessel wall (mm) see exactly the constructed angle: within it,
 * lesion voxels are those of the wrap sector only (RadGPT measures on a 2 mm ring; the truth on 3 mm).
 */
export const CONTACT_RING_MAX_MM = 5;
/** Radial thickness of the wrap around the vessel, mm (past the ring, so the ring sees the sector only). */
export const WRAP_THICKNESS_MM = CONTACT_RING_MAX_MM + 1;
/** Half height of the wrap relative to the core's z semi-axis (the wrap stays within the core's slices). */
export const WRAP_HALF_HEIGHT_FRACTION = 0.6;
/** Candidate centres tried before a fit search gives up. */
const MAX_FIT_CANDIDATES = 20000;

export interface PlacedLesion {
  readonly index: number;
  readonly spec: ResolvedLesion;
  readonly labelName: string;
  readonly organLabelName: string;
  /** Linear indices of the painted voxels. */
  readonly voxels: Int32Array;
  readonly centerRasMm: Vec3;
  readonly diametersMm: Vec3;
  readonly nominalHu: number;
  readonly contact: { readonly vessel: ContactVessel; readonly geometry: VerticalVessel; readonly angleDeg: number } | null;
}

function invalid(index: number, message: string, details: Record<string, unknown> = {}): Error {
  return gctError('GCT_PHANTOM_SPEC_INVALID', `lesions[${index}]: ${message}`, { lesionIndex: index, ...details });
}

function diametersOf(l: ResolvedLesion): Vec3 {
  if (l.diametersMm) return l.diametersMm;
  const d = l.diameterMm as number;
  return [d, d, d];
}

/** True when every voxel centre inside the ellipsoid (semi-axes + marginMm) about `c` satisfies `ok`. */
function fits(canvas: Canvas, c: Vec3, semiMm: Vec3, marginMm: number, ok: (index: number, x: number, y: number, z: number) => boolean): boolean {
  const grown = superellipsoid({ centerRas: c, semiAxesMm: [semiMm[0] + marginMm, semiMm[1] + marginMm, semiMm[2] + marginMm] });
  return forEachVoxelInBox(canvas, grown.rasBox, (index, x, y, z) => (grown.contains(x, y, z) ? ok(index, x, y, z) : true));
}

function collect(canvas: Canvas, shape: Shape, paintable: (index: number, x: number, y: number, z: number) => boolean): Int32Array {
  const out: number[] = [];
  forEachVoxelInBox(canvas, shape.rasBox, (index, x, y, z) => {
    if (shape.contains(x, y, z) && paintable(index, x, y, z)) out.push(index);
  });
  return Int32Array.from(out);
}

/** Core placed at the fitting voxel centre nearest the centroid of the target region (or at the given centre). */
function placeByFit(
  canvas: Canvas,
  index: number,
  l: ResolvedLesion,
  organId: number,
  target: (index: number, x: number, y: number, z: number) => boolean,
  targetName: string,
): Vec3 {
  const semi = diametersOf(l).map((d) => d / 2) as unknown as Vec3;
  const [sx, sy, sz] = [0, 1, 2].map((c) => Math.hypot(canvas.grid.ijkToRas[c], canvas.grid.ijkToRas[4 + c], canvas.grid.ijkToRas[8 + c]));
  // One voxel diagonal of margin: the lesion stays inside, and two lesions of a class never touch (26-connectivity).
  const marginMm = Math.hypot(sx, sy, sz);
  if (l.centerRasMm) {
    if (!fits(canvas, l.centerRasMm, semi, marginMm, target))
      throw invalid(index, `does not fit inside ${targetName} at centerRasMm [${l.centerRasMm.join(', ')}]`, { target: targetName });
    return l.centerRasMm;
  }
  const candidates: number[] = [];
  const sum = [0, 0, 0];
  for (let i = 0; i < canvas.layer0.length; i++) {
    if (canvas.layer0[i] !== organId) continue;
    const [x, y, z] = voxelRas(canvas.grid, i);
    if (!target(i, x, y, z)) continue;
    candidates.push(i);
    sum[0] += x;
    sum[1] += y;
    sum[2] += z;
  }
  if (candidates.length === 0) throw invalid(index, `${targetName} has no voxel in this field of view`, { target: targetName });
  const centroid = sum.map((s) => s / candidates.length);
  const dist = (i: number): number => {
    const p = voxelRas(canvas.grid, i);
    return Math.hypot(p[0] - centroid[0], p[1] - centroid[1], p[2] - centroid[2]);
  };
  const ordered = candidates.map((i) => ({ i, d: dist(i) })).sort((a, b) => a.d - b.d || a.i - b.i);
  for (const { i } of ordered.slice(0, MAX_FIT_CANDIDATES)) {
    const c = voxelRas(canvas.grid, i);
    if (fits(canvas, c, semi, marginMm, target)) return c;
  }
  throw invalid(index, `a ${diametersOf(l).join(' x ')} mm lesion does not fit inside ${targetName}; make it smaller`, { target: targetName });
}

/** Places and paints every lesion of the spec, in order. */
export function placeLesions(canvas: Canvas, layout: AbdomenLayout, spec: ResolvedStudySpec): PlacedLesion[] {
  const placed: PlacedLesion[] = [];
  const nominalOf = (name: string): number => {
    const s = layout.structures.find((d) => d.name === name);
    if (!s) throw new RangeError(`layout has no ${name}`);
    return s.nominalHu;
  };
  spec.lesions.forEach((l, index) => {
    if (l.segment !== undefined && l.organ !== 'liver') throw invalid(index, `segment is for liver lesions, got organ '${l.organ}'`);
    if (l.region !== undefined && l.organ !== 'pancreas') throw invalid(index, `region is for pancreas lesions, got organ '${l.organ}'`);
    const organName = organLabelName(l.organ, l.side);
    const organId = labelId(organName);
    const labelName = lesionLabelName(l.organ, l.side, l.lesionType);
    const lesionId = labelId(labelName);
    const attenuation = l.attenuation ?? 'hypo';
    const nominalHu = l.hu ?? nominalOf(organName) + (l.deltaHu ?? DEFAULT_DELTA_HU[attenuation]);
    const diametersMm = diametersOf(l);
    const semi = diametersMm.map((d) => d / 2) as unknown as Vec3;
    const { layer0 } = canvas;
    const inCavity = (x: number, y: number, z: number): boolean => layout.cavity.contains(x, y, z);

    let center: Vec3;
    let voxels: Int32Array;
    let contact: PlacedLesion['contact'] = null;
    if (l.touches !== undefined) {
      const vessel = layout.verticalVessels[l.touches];
      const toward = l.centerRasMm ?? regionCentroid(canvas, layout, l, index);
      const [vx, vy] = vessel.centerXYRas;
      const len = Math.hypot(toward[0] - vx, toward[1] - vy);
      if (len === 0) throw invalid(index, 'centerRasMm lies on the vessel axis; give a centre beside the vessel');
      const ux = (toward[0] - vx) / len;
      const uy = (toward[1] - vy) / len;
      const halfAngle = ((l.contactAngleDeg as number) * Math.PI) / 360;
      const dC = coreDistanceMm(Math.max(semi[0], semi[1]), vessel.radiusMm, halfAngle);
      center = [vx + dC * ux, vy + dC * uy, toward[2]];
      const halfHeight = semi[2] * WRAP_HALF_HEIGHT_FRACTION;
      const z0 = center[2] - halfHeight;
      const z1 = center[2] + halfHeight;
      if (z0 < vessel.zRangeMm[0] || z1 > vessel.zRangeMm[1])
        throw invalid(index, `the wrap around ${l.touches} (z ${z0.toFixed(1)}..${z1.toFixed(1)} mm) leaves the vessel's straight part (z ${vessel.zRangeMm.join('..')} mm)`);
      const core = superellipsoid({ centerRas: center, semiAxesMm: semi });
      const rOuter = vessel.radiusMm + WRAP_THICKNESS_MM;
      const wrap: Shape = {
        contains(x, y, z) {
          if (z < z0 || z > z1) return false;
          const dx = x - vx;
          const dy = y - vy;
          const rho = Math.hypot(dx, dy);
          if (rho <= vessel.radiusMm || rho > rOuter) return false;
          const phi = Math.atan2(ux * dy - uy * dx, ux * dx + uy * dy);
          return Math.abs(phi) <= halfAngle;
        },
        rasBox: [vx - rOuter, vy - rOuter, z0, vx + rOuter, vy + rOuter, z1],
      };
      const both: Shape = {
        contains: (x, y, z) => core.contains(x, y, z) || wrap.contains(x, y, z),
        rasBox: [0, 1, 2, 3, 4, 5].map((n) => (n < 3 ? Math.min(core.rasBox[n], wrap.rasBox[n]) : Math.max(core.rasBox[n], wrap.rasBox[n]))) as unknown as Shape['rasBox'],
      };
      voxels = collect(canvas, both, (i, x, y, z) => (layer0[i] === 0 || layer0[i] === organId) && inCavity(x, y, z));
      contact = { vessel: l.touches, geometry: vessel, angleDeg: l.contactAngleDeg as number };
    } else if (l.organ === 'pancreas') {
      center = l.centerRasMm ?? regionCentroid(canvas, layout, l, index);
      const core = superellipsoid({ centerRas: center, semiAxesMm: semi });
      voxels = collect(canvas, core, (i, x, y, z) => (layer0[i] === 0 || layer0[i] === organId) && inCavity(x, y, z));
    } else {
      const segment = l.segment;
      const target =
        segment === undefined
          ? (i: number) => layer0[i] === organId
          : (i: number, x: number, y: number, z: number) => layer0[i] === organId && liverSegmentAt(x, y, z) === segment;
      const targetName = segment === undefined ? organName : `liver segment ${segment}`;
      center = placeByFit(canvas, index, l, organId, target, targetName);
      voxels = collect(canvas, superellipsoid({ centerRas: center, semiAxesMm: semi }), (i) => layer0[i] === organId);
    }
    if (voxels.length === 0) throw invalid(index, `no voxel of the lesion lies in ${organName}; move it or make it larger`);
    if (touchesSameClass(canvas, voxels, lesionId))
      throw invalid(index, `touches another ${labelName} (26-connected), so the two would be one component; move it`);
    for (const i of voxels) {
      layer0[i] = lesionId;
      canvas.hu[i] = nominalHu;
    }
    placed.push({ index, spec: l, labelName, organLabelName: organName, voxels, centerRasMm: center, diametersMm, nominalHu, contact });
  });
  return placed;
}

/**
 * Smallest distance (mm) from the vessel axis to the centre of a core of radius `coreMm` such that, on every
 * circle of radius rho in (vessel radius, vessel radius + CONTACT_RING_MAX_MM], the core covers at most
 * +-halfAngle about its own direction; the wrap then makes the covered arc exactly the constructed angle.
 * Coverage of a circle by a disc at distance d: |phi| <= acos((rho^2 + d^2 - R^2) / (2 rho d)).
 * Coverage only shrinks as d grows, so a bisection finds the bound.
 */
export function coreDistanceMm(coreMm: number, vesselRadiusMm: number, halfAngleRad: number): number {
  const ok = (d: number): boolean => {
    for (let rho = vesselRadiusMm + 0.05; rho <= vesselRadiusMm + CONTACT_RING_MAX_MM + 1e-9; rho += 0.05) {
      if (d === 0) {
        if (rho <= coreMm && halfAngleRad < Math.PI) return false;
        continue;
      }
      const c = (rho * rho + d * d - coreMm * coreMm) / (2 * rho * d);
      if (c >= 1) continue;
      if (c <= -1 ? Math.PI > halfAngleRad : Math.acos(c) > halfAngleRad) return false;
    }
    return true;
  };
  if (ok(0)) return 0;
  let lo = 0;
  let hi = coreMm + vesselRadiusMm + CONTACT_RING_MAX_MM + 1;
  for (let n = 0; n < 40; n++) {
    const mid = (lo + hi) / 2;
    if (ok(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

function touchesSameClass(canvas: Canvas, voxels: Int32Array, lesionId: number): boolean {
  const [ni, nj, nk] = canvas.grid.dims;
  for (const index of voxels) {
    const i = index % ni;
    const j = Math.floor(index / ni) % nj;
    const k = Math.floor(index / (ni * nj));
    for (let dk = -1; dk <= 1; dk++)
      for (let dj = -1; dj <= 1; dj++)
        for (let di = -1; di <= 1; di++) {
          const a = i + di;
          const b = j + dj;
          const c = k + dk;
          if (a < 0 || b < 0 || c < 0 || a >= ni || b >= nj || c >= nk) continue;
          if (canvas.layer0[(c * nj + b) * ni + a] === lesionId) return true;
        }
  }
  return false;
}

/** Centroid of the pancreas region the lesion asks for (head by default), from the painted pancreas voxels. */
function regionCentroid(canvas: Canvas, layout: AbdomenLayout, l: ResolvedLesion, index: number): Vec3 {
  if (l.organ !== 'pancreas') throw invalid(index, `a ${l.organ} lesion needs centerRasMm to be placed against a vessel`);
  const pancreasId = labelId('pancreas');
  const axis = pancreasAxis(layout.pancreasHeadRas, layout.pancreasTailRas, layout.verticalVessels.superior_mesenteric_artery.centerXYRas);
  const pancreasVoxels: number[] = [];
  for (let i = 0; i < canvas.layer0.length; i++) if (canvas.layer0[i] === pancreasId) pancreasVoxels.push(i);
  const points = pancreasVoxels.map((i) => voxelRas(canvas.grid, i));
  const tailEndMm = Math.max(...points.map((p) => axis.project(p[0], p[1])));
  const region = l.region ?? 'head';
  const sum = [0, 0, 0];
  let n = 0;
  for (const [x, y, z] of points) {
    if (pancreasRegionAt(axis, tailEndMm, x, y) !== region) continue;
    sum[0] += x;
    sum[1] += y;
    sum[2] += z;
    n++;
  }
  if (n === 0) throw invalid(index, `the pancreas ${region} has no voxel in this field of view`);
  return [sum[0] / n, sum[1] / n, sum[2] / n];
}
