/**
 * Small phantoms for the routine measurement questions of routine.jsonl beyond the aorta and the spine (issue 16):
 * lungs with emphysema, coronary and aortic calcium, a kidney stone, body composition at L3, and a pulmonary trunk
 * beside the ascending aorta. Each follows the construction of its integration test (test/integration/
 * routine-lungs, routine-calcium, routine-body-composition, routine-vessels), changed only where a question needs
 * it (emphysema in one lung, an aortic focus, a spherical stone on an isotropic grid, a pulmonary trunk), and each
 * is small (about 1-2 M voxels) so that the VQA evaluation stays a matter of seconds.
 *
 * The truth helpers read the phantom's own arrays or its construction numbers, never groundct's output.
 */
import type { Vec3 } from '../../src/volume/geometry.ts';
import { buildScene, type Scene, type SceneSolid } from '../../src/phantom/scene.ts';
import { box, difference, ellipticCylinder, superellipsoid, type Shape } from '../../src/phantom/shapes.ts';
import { aortaSolids } from '../../src/phantom/vessel-phantom.ts';

/**
 * Lungs (routine-lungs.test.ts): two lungs of two lobes each at -850 HU, 2 mm voxels, with a block of emphysema
 * (-980 HU) in the left upper lobe only, so that the left lung, the right lung and both lungs differ.
 */
export function emphysemaLungs(): Scene {
  const lung = (x: number) => superellipsoid({ centerRas: [x, 0, 0], semiAxesMm: [45, 60, 90] });
  const part = (x: number, upper: boolean): Shape => ({ contains: (px, py, pz) => lung(x).contains(px, py, pz) && (upper ? pz >= 10 : pz < 10), rasBox: lung(x).rasBox });
  return buildScene({
    spacingMm: [2, 2, 2],
    fovMinRas: [-130, -80, -110],
    fovMaxRas: [130, 80, 110],
    backgroundHu: 40,
    solids: [
      { name: 'lung_upper_lobe_right', shape: part(-60, true), hu: -850 },
      { name: 'lung_lower_lobe_right', shape: part(-60, false), hu: -850 },
      { name: 'lung_upper_lobe_left', shape: part(60, true), hu: -850 },
      { name: 'lung_lower_lobe_left', shape: part(60, false), hu: -850 },
      { name: null, shape: box([20, -30, 30], [100, 30, 80]), hu: -980 },
    ],
  });
}

/** LAA-950 % of the named lung labels, counted on the phantom's arrays (voxels of those labels at or below -950 HU). */
export function laa950Percent(scene: Scene, names: readonly string[]): number {
  const ids = new Set(names.map((n) => scene.labelIds.get(n)!));
  const layer = scene.labels.layers[0];
  let n = 0;
  let low = 0;
  for (let v = 0; v < layer.length; v++) {
    if (!ids.has(layer[v])) continue;
    n++;
    if (scene.ct.data[v] <= -950) low++;
  }
  return (100 * low) / n;
}

/**
 * Coronary and aortic calcium (routine-calcium.test.ts), 0.5 x 0.5 mm pixels and Agatston's 3 mm slices, field of
 * view from (0, 0, 0) so that voxel centres sit at (n + 0.5) x spacing and each focus covers a known set of pixels:
 * - A: 2 x 2 mm, one slice, 450 HU: 4 mm2 x weight 4 = 16;
 * - B: 3 x 2 mm, two slices, 250 HU: 6 mm2 x weight 2 x 2 = 24;
 * - C: 0.5 x 1 mm, 500 HU: 0.5 mm2, under the 1 mm2 floor, not scored;
 * - a vertebra (500 HU) touching the coronary mask: another structure, not scored;
 * coronary Agatston 40 (CORONARY_AGATSTON). An aorta (a vertical cylinder) holds focus D in its wall: 2 x 3 mm, two
 * slices, 350 HU: 6 mm2 x weight 3 x 2 = 36 (AORTIC_AGATSTON). No kidneys.
 */
/**
 * The heart, coronary mask, foci A-C and the touching vertebra described above (coronary Agatston 40 at 3 mm slices),
 * shared with test/integration/routine-calcium.test.ts.
 */
export function coronaryCalciumSolids(): SceneSolid[] {
  return [
    { name: 'heart', shape: superellipsoid({ centerRas: [40, 40, 30], semiAxesMm: [30, 30, 25] }), hu: 40 },
    { name: 'coronary_arteries', shape: box([5, 5, 0], [25, 15, 18]), hu: 40 },
    { name: null, shape: box([10, 8, 0], [11.99, 9.99, 2.99]), hu: 450 },
    { name: null, shape: box([16, 8, 3], [18.99, 9.99, 8.99]), hu: 250 },
    { name: null, shape: box([22, 8, 0], [22.49, 8.99, 2.99]), hu: 500 },
    { name: 'vertebrae_T8', shape: box([5, 15.01, 0], [25, 20, 18]), hu: 500 },
  ];
}

export function calciumChest(): Scene {
  const solids: SceneSolid[] = [
    ...coronaryCalciumSolids(),
    { name: 'aorta', shape: ellipticCylinder({ centerXYRas: [60, 95], semiAxesMm: [10, 10], zRangeMm: [6, 54] }), hu: 40 },
    // D: pixel centres x 68.25-69.75, y 94.25-96.75 (all inside the aorta's circle), slices z 31.5 and 34.5.
    { name: null, shape: box([68, 94, 30], [69.99, 96.99, 35.99]), hu: 350 },
  ];
  return buildScene({ spacingMm: [0.5, 0.5, 3], fovMinRas: [0, 0, 0], fovMaxRas: [80, 120, 60], backgroundHu: -100, solids });
}
export const CORONARY_AGATSTON = 4 * 4 + 6 * 2 * 2;
export const AORTIC_AGATSTON = 6 * 3 * 2;

/**
 * Kidneys with a stone: 0.75 mm isotropic voxels, both kidneys (30 HU), a sphere of STONE_DIAMETER_MM at 900 HU in
 * the medial part of the left kidney (left unlabelled, as calcium is), none in the right.
 */
export const STONE_DIAMETER_MM = 6;
export const STONE_VOXEL_MM = 0.75;
export function stoneKidneys(): Scene {
  const r = STONE_DIAMETER_MM / 2;
  // Centre off the voxel lattice (voxel centres at -64.625 + 0.75 n), so no pair of surface points is hit exactly.
  const c: Vec3 = [27.1, 0.2, -0.3];
  const stone: Shape = { contains: (x, y, z) => (x - c[0]) ** 2 + (y - c[1]) ** 2 + (z - c[2]) ** 2 <= r * r, rasBox: [c[0] - r, c[1] - r, c[2] - r, c[0] + r, c[1] + r, c[2] + r] };
  return buildScene({
    spacingMm: [STONE_VOXEL_MM, STONE_VOXEL_MM, STONE_VOXEL_MM],
    fovMinRas: [-65, -25, -35],
    fovMaxRas: [65, 25, 35],
    backgroundHu: -100,
    solids: [
      { name: 'kidney_right', shape: superellipsoid({ centerRas: [-35, 0, 0], semiAxesMm: [20, 15, 25] }), hu: 30 },
      { name: 'kidney_left', shape: superellipsoid({ centerRas: [35, 0, 0], semiAxesMm: [20, 15, 25] }), hu: 30 },
      { name: null, shape: stone, hu: 900 },
    ],
  });
}

/**
 * Body composition (routine-body-composition.test.ts, tissue-mask variant): skin, a 25 mm subcutaneous fat ring, a
 * 12 mm muscle wall, visceral fat pads, L3 with psoas muscles. 1.25 x 1.25 mm pixels, 3 mm slices, field of view
 * z -31.5 to 31.5 so that a slice centre lies at z = 0, the middle of L3.
 */
export function bodySlab(): Scene {
  const Z = [-60, 60] as const;
  const ring = (outer: [number, number], inner: [number, number]) => difference(ellipticCylinder({ centerXYRas: [0, 0], semiAxesMm: outer, zRangeMm: Z }), ellipticCylinder({ centerXYRas: [0, 0], semiAxesMm: inner, zRangeMm: Z }));
  const solids: SceneSolid[] = [
    { name: 'body_trunc', shape: ellipticCylinder({ centerXYRas: [0, 0], semiAxesMm: [150, 110], zRangeMm: Z }), hu: 40 },
    { name: 'subcutaneous_fat', shape: ring([148, 108], [123, 83]), hu: -100 },
    { name: 'skeletal_muscle', shape: ring([123, 83], [111, 71]), hu: 50 },
    { name: 'torso_fat', shape: ellipticCylinder({ centerXYRas: [-50, 20], semiAxesMm: [25, 18], zRangeMm: Z }), hu: -100 },
    { name: 'torso_fat', shape: ellipticCylinder({ centerXYRas: [50, 25], semiAxesMm: [20, 15], zRangeMm: Z }), hu: -100 },
    { name: 'vertebrae_L3', shape: box([-20, -60, -15], [20, -25, 15]), hu: 300 },
    { name: 'skeletal_muscle', shape: superellipsoid({ centerRas: [35, -35, 0], semiAxesMm: [14, 12, 60] }), hu: 50 },
    { name: 'skeletal_muscle', shape: superellipsoid({ centerRas: [-35, -35, 0], semiAxesMm: [14, 12, 60] }), hu: 50 },
  ];
  return buildScene({ spacingMm: [1.25, 1.25, 3], fovMinRas: [-160, -120, -31.5], fovMaxRas: [160, 120, 31.5], backgroundHu: -1000, solids });
}

/** Area of a label's pixels on the axial slice whose centre is at RAS z, cm2 (the phantom's own label array; unreoriented scene). */
export function labelAreaCm2(scene: Scene, name: string, zMm: number): number {
  const id = scene.labelIds.get(name)!;
  const [ni, nj, nk] = scene.ct.grid.dims;
  const m = scene.ct.grid.ijkToRas;
  const k = Math.round((zMm - m[11]) / m[10]);
  if (k < 0 || k >= nk || Math.abs(m[10] * k + m[11] - zMm) > 1e-6) throw new Error(`no slice centre at z = ${zMm}`);
  let n = 0;
  const layer = scene.labels.layers[0];
  for (let j = 0; j < nj; j++) for (let i = 0; i < ni; i++) if (layer[i + ni * (j + nj * k)] === id) n++;
  return (n * m[0] * m[5]) / 100;
}

/**
 * The thoracic aorta of the aorta phantom (vessel-phantom.ts; ascending aorta radius 16 mm from its root at z = 0
 * to z = 50) with a pulmonary trunk of PA_RADIUS_MM rising from the heart to a bifurcation at PA_BIFURCATION, left
 * and right pulmonary arteries (radius 10 mm; the right one passes between the ascending and descending aorta),
 * and a pul_bifurcation landmark disc (TotalSegmentator's pulmonary landmark, layer 1) across the trunk 10 mm
 * before the bifurcation, of the trunk's radius and 4.5 mm thick. 1.5 mm voxels; the scan stops at z = -100 (the
 * abdominal aorta runs off it).
 */
export const PA_RADIUS_MM = 17.5;
export const ASCENDING_AORTA_RADIUS_MM = 16;
const PA_ROOT: Vec3 = [40, 45, 0];
const PA_BIFURCATION: Vec3 = [40, 10, 35];
export function chestVessels(): Scene {
  const axis = [0, 1, 2].map((a) => PA_BIFURCATION[a] - PA_ROOT[a]);
  const len = Math.hypot(axis[0], axis[1], axis[2]);
  const u = axis.map((x) => x / len);
  const centre = [0, 1, 2].map((a) => PA_BIFURCATION[a] - 10 * u[a]) as unknown as Vec3;
  const half = 2.25;
  const disc: Shape = {
    contains: (x, y, z) => {
      const d = [x - centre[0], y - centre[1], z - centre[2]];
      const t = d[0] * u[0] + d[1] * u[1] + d[2] * u[2];
      if (Math.abs(t) > half) return false;
      return (d[0] - t * u[0]) ** 2 + (d[1] - t * u[1]) ** 2 + (d[2] - t * u[2]) ** 2 <= PA_RADIUS_MM ** 2;
    },
    rasBox: [centre[0] - PA_RADIUS_MM - half, centre[1] - PA_RADIUS_MM - half, centre[2] - PA_RADIUS_MM - half, centre[0] + PA_RADIUS_MM + half, centre[1] + PA_RADIUS_MM + half, centre[2] + PA_RADIUS_MM + half],
  };
  const { solids } = aortaSolids({});
  const pa: SceneSolid = {
    name: 'pulmonary_artery',
    tube: { points: [PA_ROOT, PA_BIFURCATION], radiiMm: [PA_RADIUS_MM, PA_RADIUS_MM] },
    hu: 40,
  };
  const left: SceneSolid = { name: 'pulmonary_artery', tube: { points: [PA_BIFURCATION, [90, -10, 40]], radiiMm: [10, 10] }, hu: 40 };
  const right: SceneSolid = { name: 'pulmonary_artery', tube: { points: [PA_BIFURCATION, [15, -12, 33], [-80, -12, 30]], radiiMm: [10, 10, 10] }, hu: 40 };
  return buildScene({
    spacingMm: [1.5, 1.5, 1.5],
    fovMinRas: [-100, -100, -100],
    fovMaxRas: [100, 85, 135],
    backgroundHu: -100,
    solids: [...solids, pa, left, right, { name: 'pul_bifurcation', shape: disc, layer: 1 }],
  });
}
