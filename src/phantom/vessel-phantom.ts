/**
 * A thoraco-abdominal aorta with known calibre: ascending aorta, arch, descending thoracic and abdominal aorta to
 * the bifurcation, with its landmark branches (brachiocephalic trunk, left subclavian, coeliac trunk, renal
 * arteries, iliac arteries), a heart at the root, and vertebrae T12 and L1 behind it. The radius along the
 * centreline is a stated function of arc length (a base radius per stretch plus an optional fusiform aneurysm), so
 * the true maximal diameter of every section and where it lies are known exactly. Built with scene.ts at any
 * spacing and in any of the 48 orientations.
 */
import type { Vec3 } from '../volume/geometry.ts';
import { box, superellipsoid, taperedTube } from './shapes.ts';
import { buildScene, type Scene, type SceneSolid } from './scene.ts';
import type { Orientation } from './types.ts';

export interface AortaPhantomSpec {
  readonly spacingMm: Vec3;
  readonly orientation?: Orientation;
  /** A fusiform aneurysm: extra radius (Gaussian in arc length) peaking at `arcMm` from the root. */
  readonly aneurysm?: { readonly arcMm: number; readonly extraRadiusMm: number; readonly sigmaMm: number };
  /** Contrast: HU of the blood pool (default 40, native). */
  readonly bloodHu?: number;
  /** Cut the scan at this RAS z (keep only z below), to make a partial aorta. */
  readonly topZMm?: number;
  /**
   * A dissection: TotalSegmentator-style aorta_true_lumen / aorta_false_lumen masks (layer 1), the false lumen being
   * the half of the aorta at RAS x > 0 between these arc lengths from the root, the true lumen the rest of the aorta.
   */
  readonly dissection?: { readonly fromArcMm: number; readonly toArcMm: number };
}

export interface AortaPhantom extends Scene {
  /** Centreline of the aorta (root first) with the true radius at each point (0.5 mm steps of arc length). */
  readonly centreline: readonly { readonly arcMm: number; readonly ras: Vec3; readonly radiusMm: number }[];
  /** Arc length where each landmark branch leaves the aorta (its attachment point), mm. */
  readonly branchArcMm: Readonly<Record<string, number>>;
}

const ROOT: Vec3 = [0, 20, 0];
const ASCENDING_MM = 50;
const ARCH_RADIUS_MM = 30;
const THORACIC_DESCENT_MM = 110;
const ABDOMINAL_MM = 110;
/** Base radius by stretch, mm: ascending 16, arch 14, descending thoracic 12, abdominal 10 (linear in between). */
const BASE_RADIUS: readonly (readonly [number, number])[] = [
  [0, 16],
  [ASCENDING_MM, 16],
  [ASCENDING_MM + Math.PI * ARCH_RADIUS_MM, 13],
  [ASCENDING_MM + Math.PI * ARCH_RADIUS_MM + THORACIC_DESCENT_MM, 11],
  [ASCENDING_MM + Math.PI * ARCH_RADIUS_MM + THORACIC_DESCENT_MM + ABDOMINAL_MM, 10],
];

function baseRadius(s: number): number {
  for (let n = 1; n < BASE_RADIUS.length; n++) {
    const [s0, r0] = BASE_RADIUS[n - 1];
    const [s1, r1] = BASE_RADIUS[n];
    if (s <= s1) return r0 + ((s - s0) / (s1 - s0)) * (r1 - r0);
  }
  return BASE_RADIUS[BASE_RADIUS.length - 1][1];
}

/** The aortic centreline point at arc length s (root at s = 0). */
function aortaPoint(s: number): Vec3 {
  const [x, y, z] = ROOT;
  if (s <= ASCENDING_MM) return [x, y, z + s];
  const archLen = Math.PI * ARCH_RADIUS_MM;
  if (s <= ASCENDING_MM + archLen) {
    const theta = (s - ASCENDING_MM) / ARCH_RADIUS_MM;
    // Over the top from anterior (y = 20) to posterior (y = -40), centre (y = -10, z = 50).
    return [x, y - ARCH_RADIUS_MM + ARCH_RADIUS_MM * Math.cos(theta), z + ASCENDING_MM + ARCH_RADIUS_MM * Math.sin(theta)];
  }
  return [x, y - 2 * ARCH_RADIUS_MM, z + ASCENDING_MM - (s - ASCENDING_MM - archLen)];
}

export const AORTA_LENGTH_MM = ASCENDING_MM + Math.PI * ARCH_RADIUS_MM + THORACIC_DESCENT_MM + ABDOMINAL_MM;

/**
 * The aorta phantom's solids (heart, branches, aorta, optional lumens, T12 and L1) and its true centreline, for
 * composing bigger scenes (the routine benchmark); aortaPhantom paints them on their own field of view.
 */
export function aortaSolids(spec: Omit<AortaPhantomSpec, 'spacingMm' | 'orientation' | 'topZMm'>): { solids: SceneSolid[]; centreline: AortaPhantom['centreline']; branchArcMm: AortaPhantom['branchArcMm']; bifurcation: Vec3 } {
  const a = spec.aneurysm;
  const radius = (s: number) => baseRadius(s) + (a === undefined ? 0 : a.extraRadiusMm * Math.exp(-0.5 * ((s - a.arcMm) / a.sigmaMm) ** 2));
  const centreline: { arcMm: number; ras: Vec3; radiusMm: number }[] = [];
  for (let s = 0; s <= AORTA_LENGTH_MM + 1e-9; s += 0.5) centreline.push({ arcMm: s, ras: aortaPoint(s), radiusMm: radius(s) });
  const tube = (points: Vec3[], r: number | number[]) => ({ points, radiiMm: Array.isArray(r) ? r : points.map(() => r) });
  const at = (s: number) => aortaPoint(s);
  const archLen = Math.PI * ARCH_RADIUS_MM;
  const branchArcMm = {
    brachiocephalic_trunk: ASCENDING_MM + archLen * 0.3,
    subclavian_artery_left: ASCENDING_MM + archLen * 0.72,
    celiac_trunk: ASCENDING_MM + archLen + 80,
    renal_arteries: ASCENDING_MM + archLen + THORACIC_DESCENT_MM + 25,
  };
  const up = (s: number, dx: number): Vec3[] => {
    const p = at(s);
    return [p, [p[0] + dx, p[1], p[2] + 45]];
  };
  const anterior = (s: number): Vec3[] => {
    const p = at(s);
    return [p, [p[0], p[1] + 40, p[2] - 5]];
  };
  const renal = at(branchArcMm.renal_arteries);
  const bifurcation = at(AORTA_LENGTH_MM);
  const t12Centre = at(branchArcMm.celiac_trunk + 5);
  const solids: SceneSolid[] = [
    { name: 'heart', shape: superellipsoid({ centerRas: [10, 55, -25], semiAxesMm: [45, 30, 35] }), hu: 45 },
    { name: 'brachiocephalic_trunk', tube: tube(up(branchArcMm.brachiocephalic_trunk, 12), 6), hu: spec.bloodHu ?? 40 },
    { name: 'subclavian_artery_left', tube: tube(up(branchArcMm.subclavian_artery_left, -12), 5), hu: spec.bloodHu ?? 40 },
    { name: 'celiac_trunk', tube: tube(anterior(branchArcMm.celiac_trunk), 3.5), hu: spec.bloodHu ?? 40 },
    { name: 'renal_arteries', tube: tube([[renal[0] - 45, renal[1], renal[2] - 4], renal, [renal[0] + 45, renal[1], renal[2] - 4]], 3), hu: spec.bloodHu ?? 40 },
    { name: 'iliac_artery_left', tube: tube([bifurcation, [bifurcation[0] + 30, bifurcation[1] + 5, bifurcation[2] - 70]], 6), hu: spec.bloodHu ?? 40 },
    { name: 'iliac_artery_right', tube: tube([bifurcation, [bifurcation[0] - 30, bifurcation[1] + 5, bifurcation[2] - 70]], 6), hu: spec.bloodHu ?? 40 },
    // The aorta last, so it owns the voxels where the branches start.
    { name: 'aorta', tube: { points: centreline.map((c) => c.ras), radiiMm: centreline.map((c) => c.radiusMm) }, hu: spec.bloodHu ?? 40 },
    ...(spec.dissection === undefined ? [] : dissectionSolids(centreline, spec.dissection)),
    { name: 'vertebrae_T12', shape: box([-18, -95, t12Centre[2] - 12], [18, -65, t12Centre[2] + 12]), hu: 250 },
    { name: 'vertebrae_L1', shape: box([-18, -95, t12Centre[2] - 40], [18, -65, t12Centre[2] - 15]), hu: 250 },
  ];
  return { solids, centreline, branchArcMm, bifurcation };
}

export function aortaPhantom(spec: AortaPhantomSpec): AortaPhantom {
  const { solids, centreline, branchArcMm, bifurcation } = aortaSolids(spec);
  const scene = buildScene({
    spacingMm: spec.spacingMm,
    fovMinRas: [-50, -100, bifurcation[2] - 75],
    fovMaxRas: [50, 85, spec.topZMm ?? 135],
    backgroundHu: -100,
    solids,
    ...(spec.orientation ? { orientation: spec.orientation } : {}),
  });
  return { ...scene, centreline, branchArcMm };
}

/** True lumen = the whole aorta on layer 1; false lumen = its x > 0 half over the arc range, painted over it. */
function dissectionSolids(centreline: readonly { arcMm: number; ras: Vec3; radiusMm: number }[], d: { fromArcMm: number; toArcMm: number }): SceneSolid[] {
  const part = centreline.filter((c) => c.arcMm >= d.fromArcMm && c.arcMm <= d.toArcMm);
  const tube = taperedTube(part.map((c) => c.ras), part.map((c) => c.radiusMm));
  return [
    { name: 'aorta_true_lumen', tube: { points: centreline.map((c) => c.ras), radiiMm: centreline.map((c) => c.radiusMm) }, layer: 1 },
    { name: 'aorta_false_lumen', shape: { contains: (x, y, z) => x > 0 && tube.contains(x, y, z), rasBox: tube.rasBox }, layer: 1 },
  ];
}

/** The true largest diameter (2 x radius) over [fromArcMm, toArcMm] and where it lies. */
export function trueMaxDiameter(p: AortaPhantom, fromArcMm: number, toArcMm: number): { diameterMm: number; arcMm: number } {
  let best = { diameterMm: 0, arcMm: fromArcMm };
  for (const c of p.centreline) if (c.arcMm >= fromArcMm && c.arcMm <= toArcMm && 2 * c.radiusMm > best.diameterMm) best = { diameterMm: 2 * c.radiusMm, arcMm: c.arcMm };
  return best;
}
