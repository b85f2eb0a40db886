/**
 * generateChest: a synthetic chest CT with known truth for the lung, nodule and effusion steps of the built-in
 * segmenter. Unlike the abdominal phantom, edges have partial volume (a voxel on a boundary reads the mix of what
 * covers it, from 3 x 3 x 3 sub-samples), so that thin vessels fade below the lung threshold as in a real scan.
 *
 * Scene (RAS mm, centred on the body): a body (fat over muscle) with ribs and a spine; two lungs (-850 HU) that
 * meet at an anterior junction line off the midline; a heart and aorta between them; a trachea with a carina and
 * two main bronchi; per lung a hilar artery outside the lung and a branching vessel tree inside it (a seeded
 * random tree whose branches narrow to under 1 mm); nodules of chosen kinds and sizes; optionally a pleural
 * effusion (10 HU) filling the dependent (posterior) part of one pleural space below a horizontal fluid level.
 *
 * Truth per voxel (the sub-sample majority): the expert lung (parenchyma plus the vessels inside it, without
 * nodules; RTOG 1106), each nodule, the effusion; nodule centres and diameters as built.
 */
import { makeIjkToRas, rasPoint, type Grid } from '../volume/geometry.ts';
import type { Volume } from '../volume/types.ts';
import { mulberry32, type Prng } from './prng.ts';

export type ChestNoduleKind = 'intrapulmonary' | 'juxtapleural' | 'perihilar' | 'next-to-vessel';

export interface ChestNoduleSpec {
  readonly kind: ChestNoduleKind;
  readonly side: 'left' | 'right';
  readonly diameterMm: number;
  /** Mean HU (solid nodules about 30; pure ground glass about -550). Default 30. */
  readonly hu?: number;
}

export interface ChestSpec {
  readonly seed: number;
  /** Voxel spacing along RAS x, y, z, mm. Default [1.25, 1.25, 2]. */
  readonly spacingMm?: readonly [number, number, number];
  readonly noiseSdHu?: number;
  readonly nodules: readonly ChestNoduleSpec[];
  /** Pleural effusion: side and the height of the fluid level above the most posterior point of the lung, mm. */
  readonly effusion?: { readonly side: 'left' | 'right'; readonly depthMm: number };
}

export interface ChestNoduleTruth extends ChestNoduleSpec {
  readonly centreRas: readonly [number, number, number];
  /** 1-based; truth.labels value of its voxels is 100 + index. */
  readonly index: number;
}

export interface ChestTruth {
  /** Per voxel: 0 outside, 1 lung_left, 2 lung_right (expert lung), 3 effusion, 100 + n nodule n, 9 other tissue. */
  readonly labels: Uint8Array;
  readonly nodules: readonly ChestNoduleTruth[];
  /** Effusion volume from the sub-sample coverage, mL (0 without). */
  readonly effusionMl: number;
  /** RAS x of the anterior junction line, mm (the lungs meet there, not at x = 0). */
  readonly junctionXMm: number;
  /** Where each lung's vessel tree leaves its hilar artery (RAS mm): right, left. */
  readonly hilaRas: readonly (readonly [number, number, number])[];
}

const HU = { air: -1000, fat: -100, muscle: 45, lung: -850, pleuralLine: -600, bone: 700, blood: 40, abdomen: 55, fluid: 10, wall: 40 } as const;
export const CHEST_JUNCTION_X_MM = 6;
const BODY = { a: 150, b: 110 };
const LUNG_CENTRE_X = 68;
const LUNG_SEMI = [60, 78, 105] as const;
const HILUM = (s: number): [number, number, number] => [s * 30, 0, 15];

type Vec = [number, number, number];
interface Capsule { a: Vec; b: Vec; r: number }

/** Distance from p to segment ab minus r (a capsule's signed distance). */
function capsuleDistance(p: Vec, c: Capsule): number {
  const ab = [c.b[0] - c.a[0], c.b[1] - c.a[1], c.b[2] - c.a[2]];
  const len2 = ab[0] ** 2 + ab[1] ** 2 + ab[2] ** 2;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - c.a[0]) * ab[0] + (p[1] - c.a[1]) * ab[1] + (p[2] - c.a[2]) * ab[2]) / len2));
  return Math.hypot(p[0] - c.a[0] - t * ab[0], p[1] - c.a[1] - t * ab[1], p[2] - c.a[2] - t * ab[2]) - c.r;
}

/** Approximate signed distance to a lung's outer surface (ellipsoid, scaled), negative inside. */
function lungShapeDistance(p: Vec, s: number): number {
  const u = (p[0] - s * LUNG_CENTRE_X) / LUNG_SEMI[0], v = p[1] / LUNG_SEMI[1], w = p[2] / LUNG_SEMI[2];
  const q = Math.sqrt(u * u + v * v + w * w);
  let d = (q - 1) * Math.min(...LUNG_SEMI);
  // Anterior medial tongue reaching the junction line.
  const tu = (p[0] - s * 28) / 30, tv = (p[1] - 50) / 22, tw = (p[2] - 35) / 45;
  const dt = (Math.sqrt(tu * tu + tv * tv + tw * tw) - 1) * 22;
  d = Math.min(d, dt);
  // The other side of the junction line belongs to the other lung.
  d = Math.max(d, s * (CHEST_JUNCTION_X_MM - p[0]));
  // Heart notch and mediastinum.
  const hu2 = (p[0] - 5) / 55, hv = (p[1] - 15) / 45, hw = (p[2] + 45) / 55;
  const dh = (1 - Math.sqrt(hu2 * hu2 + hv * hv + hw * hw)) * 45;
  const dm = 14 - Math.abs(p[0]) - (p[1] > 30 ? 100 : 0);
  // Hilar notch: the hilar artery and main bronchus with 3 mm of mediastinal tissue around them are not lung.
  const dn = 3 - Math.min(...hilarStructures(s).map((c) => capsuleDistance(p, c)));
  return Math.max(d, dh, dm, dn);
}

/** The hilar artery and main bronchus (with its 2 mm wall) of side s, outside the lung. */
function hilarStructures(s: number): Capsule[] {
  return [{ a: [s * 8, 12, 25], b: HILUM(s), r: 8 }, { a: [0, 25, 45], b: [s * 28, 8, 22], r: 8 }];
}

function capsuleBox(c: Capsule, margin: number): [number, number, number, number, number, number] {
  return [
    Math.min(c.a[0], c.b[0]) - c.r - margin, Math.min(c.a[1], c.b[1]) - c.r - margin, Math.min(c.a[2], c.b[2]) - c.r - margin,
    Math.max(c.a[0], c.b[0]) + c.r + margin, Math.max(c.a[1], c.b[1]) + c.r + margin, Math.max(c.a[2], c.b[2]) + c.r + margin,
  ];
}

/** A seeded vessel tree from the hilum of side s: capsules inside the lung, radius from 5 mm down to under 1 mm. */
function vesselTree(s: number, rng: Prng): Capsule[] {
  const out: Capsule[] = [];
  const grow = (from: Vec, dir: Vec, r: number, depth: number) => {
    if (r < 0.45 || depth > 9) return;
    const len = (6 + 4 * rng.next()) * Math.max(r, 1.2);
    const to: Vec = [from[0] + dir[0] * len, from[1] + dir[1] * len, from[2] + dir[2] * len];
    if (lungShapeDistance(to, s) > -r - 2) return;
    out.push({ a: from, b: to, r });
    for (const sign of [-1, 1]) {
      // Child direction: parent turned by about 30 degrees about a random axis perpendicular to it.
      const rnd: Vec = [rng.next() - 0.5, rng.next() - 0.5, rng.next() - 0.5];
      const dot = rnd[0] * dir[0] + rnd[1] * dir[1] + rnd[2] * dir[2];
      const perp: Vec = [rnd[0] - dot * dir[0], rnd[1] - dot * dir[1], rnd[2] - dot * dir[2]];
      const pl = Math.hypot(...perp) || 1;
      const turn = sign * (0.45 + 0.2 * rng.next());
      const child: Vec = [dir[0] + turn * perp[0] / pl, dir[1] + turn * perp[1] / pl, dir[2] + turn * perp[2] / pl];
      const cl = Math.hypot(...child);
      grow(to, [child[0] / cl, child[1] / cl, child[2] / cl], r * 0.78, depth + 1);
    }
  };
  const h = HILUM(s);
  const roots: Vec[] = [[s * 0.6, 0.2, 0.78], [s * 1, 0.15, 0], [s * 0.6, -0.3, -0.75], [s * 0.5, 0.8, -0.2], [s * 0.45, -0.85, 0.2], [s * 0.5, 0.5, 0.7], [s * 0.5, -0.6, -0.6], [s * 0.7, 0.6, -0.5]];
  for (const d of roots) {
    const l = Math.hypot(...d);
    grow(h, [d[0] / l, d[1] / l, d[2] / l], 4.2, 0);
  }
  return out;
}

interface Painter {
  /** Signed distance (mm, negative inside) or a big number far away. */
  distance(p: Vec): number;
  box: [number, number, number, number, number, number];
  hu: number;
  /** Truth label painted where the sub-sample majority is inside; null keeps the label underneath. */
  label: number | null;
}

export function generateChest(spec: ChestSpec): { ct: Volume; truth: ChestTruth } {
  const spacing = spec.spacingMm ?? [1.25, 1.25, 2];
  const fov = [2 * BODY.a + 20, 2 * BODY.b + 20, 2 * LUNG_SEMI[2] + 30];
  const dims = fov.map((f, a) => Math.round(f / spacing[a])) as [number, number, number];
  const half = dims.map((d, a) => ((d - 1) / 2) * spacing[a]);
  // LPS storage (i toward the patient's left, j posterior, k superior), as most CT series.
  const grid: Grid = { dims, ijkToRas: makeIjkToRas({ spacingMm: [...spacing] as Vec, direction: [-1, 0, 0, 0, -1, 0, 0, 0, 1], originRas: rasPoint(half[0], half[1], -half[2]) }) };
  const rng = mulberry32(spec.seed);
  const n = dims[0] * dims[1] * dims[2];
  const hu = new Float32Array(n).fill(HU.air);
  const labels = new Uint8Array(n);
  const rasOf = (i: number, j: number, k: number): Vec => [half[0] - i * spacing[0], half[1] - j * spacing[1], k * spacing[2] - half[2]];
  const paint = (p: Painter) => {
    const [x0, y0, z0, x1, y1, z1] = p.box;
    const i0 = Math.max(0, Math.floor((half[0] - x1) / spacing[0])), i1 = Math.min(dims[0] - 1, Math.ceil((half[0] - x0) / spacing[0]));
    const j0 = Math.max(0, Math.floor((half[1] - y1) / spacing[1])), j1 = Math.min(dims[1] - 1, Math.ceil((half[1] - y0) / spacing[1]));
    const k0 = Math.max(0, Math.floor((z0 + half[2]) / spacing[2])), k1 = Math.min(dims[2] - 1, Math.ceil((z1 + half[2]) / spacing[2]));
    const reach = 0.5 * Math.hypot(...spacing);
    for (let k = k0; k <= k1; k++)
      for (let j = j0; j <= j1; j++)
        for (let i = i0; i <= i1; i++) {
          const c = rasOf(i, j, k);
          const d = p.distance(c);
          let f: number;
          if (d <= -reach) f = 1;
          else if (d >= reach) continue;
          else {
            let inside = 0;
            for (let a = -1; a <= 1; a++)
              for (let b = -1; b <= 1; b++)
                for (let e = -1; e <= 1; e++) if (p.distance([c[0] + (a * spacing[0]) / 3, c[1] + (b * spacing[1]) / 3, c[2] + (e * spacing[2]) / 3]) < 0) inside++;
            f = inside / 27;
          }
          if (f === 0) continue;
          const v = i + dims[0] * (j + dims[1] * k);
          hu[v] = hu[v] * (1 - f) + p.hu * f;
          if (p.label !== null && f >= 0.5) labels[v] = p.label;
        }
  };
  const all: Painter['box'] = [-1e3, -1e3, -1e3, 1e3, 1e3, 1e3];
  const ellipseCylinder = (a: number, b: number) => (p: Vec) => (Math.sqrt((p[0] / a) ** 2 + (p[1] / b) ** 2) - 1) * Math.min(a, b);
  paint({ distance: ellipseCylinder(BODY.a, BODY.b), box: all, hu: HU.fat, label: 9 });
  paint({ distance: ellipseCylinder(BODY.a - 12, BODY.b - 12), box: all, hu: HU.muscle, label: 9 });
  // Abdomen under the lungs (liver dome level) and the mediastinum's soft tissue are muscle-like already.
  paint({ distance: (p) => Math.max(ellipseCylinder(BODY.a - 14, BODY.b - 14)(p), p[2] + 40), box: [-BODY.a, -BODY.b, -1e3, BODY.a, BODY.b, -35], hu: HU.abdomen, label: 9 });
  // Ribs: elliptic bands every 28 mm of height, lateral and posterior arcs.
  for (let z = -LUNG_SEMI[2] + 20; z < LUNG_SEMI[2]; z += 28) {
    const rib = (p: Vec) => {
      if (p[1] > 40) return 1e3;
      const radial = Math.abs(Math.sqrt((p[0] / (BODY.a - 18)) ** 2 + (p[1] / (BODY.b - 18)) ** 2) - 1) * (BODY.b - 18) - 4;
      return Math.max(radial, Math.abs(p[2] - z) - 5);
    };
    paint({ distance: rib, box: [-BODY.a, -BODY.b, z - 6, BODY.a, BODY.b, z + 6], hu: HU.bone, label: 9 });
  }
  paint({ distance: (p) => Math.hypot(p[0], p[1] + 92) - 16, box: [-20, -112, -1e3, 20, -72, 1e3], hu: HU.bone, label: 9 });
  // Lungs (aerated), effusion carved out of the dependent pleural space of one side.
  const effusionSide = spec.effusion ? (spec.effusion.side === 'right' ? 1 : -1) : 0;
  const fluidLevelY = -LUNG_SEMI[1] + (spec.effusion?.depthMm ?? 0);
  for (const s of [1, -1]) {
    const lungBox: Painter['box'] = [s * LUNG_CENTRE_X - 80, -90, -LUNG_SEMI[2] - 5, s * LUNG_CENTRE_X + 80, 90, LUNG_SEMI[2] + 5];
    const shape = (p: Vec) => lungShapeDistance(p, s);
    paint({ distance: shape, box: lungBox, hu: HU.lung, label: s > 0 ? 2 : 1 });
    if (s === effusionSide) paint({ distance: (p) => Math.max(shape(p), p[1] - fluidLevelY), box: lungBox, hu: HU.fluid, label: 3 });
  }
  // Junction line: the two pleurae where the lungs meet.
  paint({ distance: (p) => Math.max(Math.abs(p[0] - CHEST_JUNCTION_X_MM) - 0.6, Math.min(lungShapeDistance([p[0] + 2, p[1], p[2]], 1), lungShapeDistance([p[0] - 2, p[1], p[2]], -1))), box: [0, 0, -50, 12, 90, 100], hu: HU.pleuralLine, label: null });
  // Heart, aorta, hilar arteries (outside the lungs), airways.
  paint({ distance: (p) => (Math.sqrt(((p[0] - 5) / 55) ** 2 + ((p[1] - 15) / 45) ** 2 + ((p[2] + 45) / 55) ** 2) - 1) * 45, box: [-52, -32, -102, 62, 62, 12], hu: HU.blood, label: 9 });
  const aorta: Capsule = { a: [-5, -35, -100], b: [-5, -35, 80], r: 12 };
  paint({ distance: (p) => capsuleDistance(p, aorta), box: capsuleBox(aorta, 2), hu: HU.blood, label: 9 });
  for (const s of [1, -1]) {
    const artery = hilarStructures(s)[0];
    paint({ distance: (p) => capsuleDistance(p, artery), box: capsuleBox(artery, 2), hu: HU.blood, label: 9 });
  }
  const trachea: Capsule = { a: [0, 25, LUNG_SEMI[2] + 30], b: [0, 25, 45], r: 8 };
  const bronchi: Capsule[] = [1, -1].map((s) => ({ a: [0, 25, 45] as Vec, b: [s * 28, 8, 22] as Vec, r: 6 }));
  for (const c of [trachea, ...bronchi]) paint({ distance: (p) => capsuleDistance(p, { ...c, r: c.r + 2 }), box: capsuleBox(c, 4), hu: HU.wall, label: 9 });
  for (const c of [trachea, ...bronchi]) paint({ distance: (p) => capsuleDistance(p, c), box: capsuleBox(c, 2), hu: HU.air, label: 9 });
  // Each main bronchus opens into its lung's airways (a lobar bronchus, air in the lung).
  for (const s of [1, -1]) {
    const lobar: Capsule = { a: [s * 28, 8, 22], b: [s * 48, 4, 16], r: 3.5 };
    paint({ distance: (p) => capsuleDistance(p, lobar), box: capsuleBox(lobar, 2), hu: HU.air, label: null });
  }
  // Vessel trees: expert lung truth keeps them in the lung.
  const trees = [1, -1].map((s) => ({ s, capsules: vesselTree(s, rng) }));
  for (const { s, capsules } of trees)
    for (const c of capsules) {
      // The effusion displaces the lung and its vessels.
      const distance = s === effusionSide ? (p: Vec) => Math.max(capsuleDistance(p, c), fluidLevelY - p[1]) : (p: Vec) => capsuleDistance(p, c);
      paint({ distance, box: capsuleBox(c, 2), hu: HU.blood, label: null });
    }
  const nodules = placeNodules(spec.nodules, trees, rng);
  for (const nod of nodules) {
    const r = nod.diameterMm / 2;
    const c = nod.centreRas;
    paint({ distance: (p) => Math.hypot(p[0] - c[0], p[1] - c[1], p[2] - c[2]) - r, box: [c[0] - r - 2, c[1] - r - 2, c[2] - r - 3, c[0] + r + 2, c[1] + r + 2, c[2] + r + 3], hu: nod.hu ?? 30, label: 100 + nod.index });
  }
  const noise = spec.noiseSdHu ?? 15;
  const data = new Int16Array(n);
  for (let v = 0; v < n; v++) data[v] = Math.max(-1024, Math.min(3071, Math.round(hu[v] + noise * rng.normal())));
  const voxelMl = (spacing[0] * spacing[1] * spacing[2]) / 1000;
  let effusionVoxels = 0;
  for (let v = 0; v < n; v++) if (labels[v] === 3) effusionVoxels++;
  const ct: Volume = { kind: 'volume', grid, data, meta: { source: { format: 'phantom', path: `chest phantom seed ${spec.seed}` }, modality: 'CT' } };
  return { ct, truth: { labels, nodules, effusionMl: effusionVoxels * voxelMl, junctionXMm: CHEST_JUNCTION_X_MM, hilaRas: [HILUM(1), HILUM(-1)] } };
}

/**
 * Nodule centres by kind: intrapulmonary = deep in the lung (at least its radius + 8 mm from the pleura);
 * juxtapleural = touching the costal pleura; perihilar = touching the hilar artery where it enters the lung;
 * next-to-vessel = touching the side of an intrapulmonary vessel 2-4 mm across. Nodules keep 5 mm apart and do
 * not overlap vessels 3 mm or more across (thinner ones may run into them, as in real lungs; at the hilum, where the
 * vessels fan out from one point, a perihilar nodule may overlap them by up to 40 % of its radius).
 */
/** True when no point of the sphere (sampled on its surface) lies outside the lung shape by more than 0.3 mm. */
function sphereInside(c: Vec, r: number, s: number): boolean {
  for (let a = 0; a < 24; a++)
    for (let b = 1; b < 12; b++) {
      const th = (2 * Math.PI * a) / 24, ph = (Math.PI * b) / 12;
      if (lungShapeDistance([c[0] + r * Math.sin(ph) * Math.cos(th), c[1] + r * Math.sin(ph) * Math.sin(th), c[2] + r * Math.cos(ph)], s) > 0.3) return false;
    }
  return true;
}

function placeNodules(specs: readonly ChestNoduleSpec[], trees: readonly { s: number; capsules: Capsule[] }[], rng: Prng): ChestNoduleTruth[] {
  const placed: ChestNoduleTruth[] = [];
  specs.forEach((spec, index) => {
    const s = spec.side === 'right' ? 1 : -1;
    const r = spec.diameterMm / 2;
    const capsules = trees.find((t) => t.s === s)!.capsules;
    // Apart from the other nodules, and not overlapping a vessel 3 mm or more across (touching is allowed).
    // At the hilum the vessels fan out from one point: a perihilar nodule may overlap them by up to 40 % of its radius.
    const vesselClearance = spec.kind === 'perihilar' ? 0.6 * r : r - 0.5;
    const clear = (c: Vec) => placed.every((o) => Math.hypot(o.centreRas[0] - c[0], o.centreRas[1] - c[1], o.centreRas[2] - c[2]) > o.diameterMm / 2 + r + 5)
      && capsules.every((k) => k.r < 1.5 || capsuleDistance(c, k) >= vesselClearance);
    const fits = (c: Vec) => lungShapeDistance(c, s) < -r - 1 && c[1] > -LUNG_SEMI[1] + 35 && clear(c);
    let centre: Vec | null = null;
    for (let attempt = 0; attempt < 5000 && !centre; attempt++) {
      let c: Vec;
      if (spec.kind === 'juxtapleural') {
        // Along a ray from the lung centre, step out to the surface, back by the radius.
        const th = 2 * Math.PI * rng.next(), zz = (rng.next() - 0.5) * 120;
        const dir: Vec = [s * Math.abs(Math.cos(th)), Math.sin(th) * 0.8, 0];
        let t = 0;
        while (lungShapeDistance([s * LUNG_CENTRE_X + dir[0] * t, dir[1] * t, zz], s) < 0 && t < 200) t += 0.25;
        // From the surface point inward along the surface normal (numerical gradient), so that the sphere touches the pleura.
        const q: Vec = [s * LUNG_CENTRE_X + dir[0] * t, dir[1] * t, zz];
        const g = [0, 1, 2].map((a) => {
          const e: Vec = [0, 0, 0];
          e[a] = 0.05;
          return lungShapeDistance([q[0] + e[0], q[1] + e[1], q[2] + e[2]], s) - lungShapeDistance([q[0] - e[0], q[1] - e[1], q[2] - e[2]], s);
        });
        const gl = Math.hypot(...g) || 1;
        c = [q[0] - ((r + 0.3) * g[0]) / gl, q[1] - ((r + 0.3) * g[1]) / gl, q[2] - ((r + 0.3) * g[2]) / gl];
        if (c[1] < -LUNG_SEMI[1] + 35 || !clear(c) || !sphereInside(c, r, s)) continue;
      } else if (spec.kind === 'perihilar') {
        // Touching the hilar artery's end (radius 8 mm) from the lung side.
        const h = HILUM(s);
        const dir: Vec = [s * (0.3 + rng.next()), rng.next() - 0.5, rng.next() - 0.5];
        const l = Math.hypot(...dir);
        c = [h[0] + ((8 + r) * dir[0]) / l, h[1] + ((8 + r) * dir[1]) / l, h[2] + ((8 + r) * dir[2]) / l];
        if (lungShapeDistance(c, s) > -0.3 * r || !clear(c)) continue;
      } else if (spec.kind === 'next-to-vessel') {
        const cap = capsules[Math.floor(rng.next() * capsules.length)];
        if (cap.r < 1 || cap.r > 2) continue;
        const t = 0.3 + 0.4 * rng.next();
        const p: Vec = [cap.a[0] + t * (cap.b[0] - cap.a[0]), cap.a[1] + t * (cap.b[1] - cap.a[1]), cap.a[2] + t * (cap.b[2] - cap.a[2])];
        const axis: Vec = [cap.b[0] - cap.a[0], cap.b[1] - cap.a[1], cap.b[2] - cap.a[2]];
        const rnd: Vec = [rng.next() - 0.5, rng.next() - 0.5, rng.next() - 0.5];
        const al = Math.hypot(...axis);
        const dot = (rnd[0] * axis[0] + rnd[1] * axis[1] + rnd[2] * axis[2]) / al;
        const perp: Vec = [rnd[0] - (dot * axis[0]) / al, rnd[1] - (dot * axis[1]) / al, rnd[2] - (dot * axis[2]) / al];
        const pl = Math.hypot(...perp) || 1;
        const off = cap.r + r;
        c = [p[0] + (off * perp[0]) / pl, p[1] + (off * perp[1]) / pl, p[2] + (off * perp[2]) / pl];
        if (!fits(c)) continue;
      } else {
        c = [s * (LUNG_CENTRE_X + (rng.next() - 0.5) * 50), (rng.next() - 0.5) * 100, (rng.next() - 0.5) * 140];
        if (lungShapeDistance(c, s) > -r - 8 || !fits(c)) continue;
      }
      centre = c;
    }
    if (!centre) throw new RangeError(`could not place a ${spec.kind} nodule of ${spec.diameterMm} mm`);
    placed.push({ ...spec, centreRas: centre, index: index + 1 });
  });
  return placed;
}
