/**
 * Lung nodules and masses without a model, in an axial box around the lungs (axial-box.ts).
 *
 * 1. Candidates: soft tissue (HU at or above NODULE_EDGE_HU, the half-way point between aerated lung and soft
 *    tissue) inside the lung envelope (lung-fill.ts: the lung closed per slice, so that juxta-pleural and
 *    perihilar nodules lie inside it), without the trachea and main bronchi.
 * 2. Thickness: the inside distance map of the candidates (distance-map.ts), i.e. the radius of the largest ball
 *    centred at each voxel that stays in soft tissue.
 * 3. Blobs versus tubes, across scales: the voxels of at least a radius r form the "core" of the candidates at
 *    scale r (their erosion by a ball of radius r). A nodule of radius R gives a core that is a ball of radius
 *    R - r once r exceeds the radius of the vessels touching it; a vessel gives a core that is a tube, long
 *    for its width. The cores of every scale are the components of one component tree of the distance map
 *    (voxels added from the thickest down, joined with union-find), whose running moments give each core's
 *    principal axes: a core is blob-like when its longest axis is at most NODULE_MAX_CORE_ELONGATION times its
 *    shortest and its volume at most NODULE_MAX_CORE_EXCESS times the ball of radius R - r (judged only where the
 *    core is at least NODULE_MIN_CORE_FRACTION of R: a core of a voxel or two has no shape). The smallest scale
 *    at which a component is blob-like gives the detection (scales are visited from large to small; a blob at a
 *    smaller scale replaces the blobs it contains).
 * 4. Persistence: a vessel bifurcation is also locally thicker than its branches, but only a little: the tree
 *    records the thickness at which a detection's core first joins another core of its own prominence
 *    (NODULE_MERGE_PROMINENCE_MM); a detection keeps when its radius is at least NODULE_MIN_PERSISTENCE times
 *    that thickness (or it never joins one). Persistence of a maximum in a component tree is Grimaud's
 *    "dynamics" (Grimaud, Proc SPIE 1769:292-306, 1992, doi:10.1117/12.60650), here on the distance map.
 * 5. Mask: the opening of the candidates by a ball of the detection's scale (at least NODULE_MASK_SCALE_FRACTION
 *    of its radius), limited to the voxels within that scale of its core: the nodule without the vessels thinner
 *    than the scale that touch it.
 *
 * Shape-based vessel suppression of this kind (nodules are blobs, vessels tubes, told apart by local thickness or
 * Hessian eigenvalues) is the basis of classical nodule CAD: Li, Sone & Doi, Med Phys 30:2040-2051 (2003),
 * doi:10.1118/1.1581411 (dot versus line filters); Murphy et al., Med Image Anal 13:757-770 (2009),
 * doi:10.1016/j.media.2009.07.001 (shape index and curvedness).
 */
import { eachStretch, maskRuns, type Runs } from './components.ts';
import { insideDistanceSqMm2 } from './distance-map.ts';
import {
  NODULE_EDGE_HU, NODULE_MAX_CORE_ELONGATION, NODULE_MASK_SCALE_FRACTION, NODULE_MAX_CORE_EXCESS, NODULE_MERGE_PROMINENCE_MM, NODULE_MIN_CORE_FRACTION, NODULE_MIN_DIAMETER_MM, NODULE_MIN_PERSISTENCE,
  NODULE_SCALES_MM,
} from './thresholds.ts';

/** Smallest thickness (radius, mm) the component tree is built down to: vessels about 2 mm across still join it. */
const TREE_MIN_RADIUS_MM = 1;

export interface NoduleCandidateFeatures {
  /** Radius of the largest ball inside the candidate, mm (distance from its centre voxel to the nearest outside voxel centre). */
  readonly radiusMm: number;
  /** Scale (ball radius, mm) of the opening that isolated it. */
  readonly scaleMm: number;
  /** sqrt(largest / smallest principal variance) of its core at that scale (1 = round). */
  readonly coreElongation: number;
  /** Core volume over the volume of the ball of radius R - scale (1 = a ball). */
  readonly coreExcess: number;
  /** Radius over the thickness at which its core joined another prominent core (Infinity: never). */
  readonly persistence: number;
  /** Share of the mask's boundary voxels that touch aerated lung (face neighbours), 0-1. */
  readonly lungContact: number;
  readonly meanHu: number;
  /** Diameter of the sphere of the mask's volume, mm. */
  readonly equivalentDiameterMm: number;
}

export interface NoduleDetection {
  /** Box indices of the nodule's voxels (x fastest, then y, then z). */
  readonly voxels: Int32Array;
  /** Box index of its thickest voxel (its centre). */
  readonly centreVoxel: number;
  readonly features: NoduleCandidateFeatures;
  /** 0.5-1: how clearly every criterion is passed (see noduleConfidence). */
  readonly confidence: number;
  /** Why it was kept or dropped, for review lists. */
  readonly accepted: boolean;
  readonly reason: string;
}

export interface NoduleInput {
  readonly dims: readonly [number, number, number];
  readonly spacingMm: readonly [number, number, number];
  /** HU per box voxel. */
  readonly hu: ArrayLike<number>;
  /** Envelope of each lung (0/1 each; a voxel is inside when it is in either). */
  readonly envelopes: readonly Uint8Array[];
  /** Aerated lung of each side (0/1 each): what "touching lung" means. */
  readonly air: readonly Uint8Array[];
  /** Voxels never taken as candidates (trachea, main bronchi), 0/1 each. */
  readonly exclude: readonly Uint8Array[];
}

interface Detection {
  scaleMm: number;
  radiusMm: number;
  seed: number;
  elongation: number;
  excess: number;
  /** Thickness (mm) at which its core joined another prominent core; 0 = not yet. */
  mergeMm: number;
}

/** Runs the detector; returns every blob-like candidate, accepted or not (accepted ones have `accepted`). */
export function detectNodules(input: NoduleInput): NoduleDetection[] {
  const { dims, spacingMm, hu, envelopes, exclude } = input;
  const [nx, ny, nz] = dims;
  const n = nx * ny * nz;
  const candidates = new Uint8Array(n);
  // Candidates: the envelopes' voxels dense enough (stretch by stretch of each envelope), less the excluded ones.
  for (const envelope of envelopes)
    eachStretch(envelope, (start, end) => {
      for (let v = start; v < end; v++) if (hu[v] >= NODULE_EDGE_HU) candidates[v] = 1;
    });
  for (const e of exclude) eachStretch(e, (start, end) => candidates.fill(0, start, end));
  // The candidates' runs: the distance map and the tree visit them, not the whole box.
  const candidateRuns = maskRuns(candidates, nx, ny * nz);
  const distSq = insideDistanceSqMm2(candidates, dims, spacingMm, candidateRuns);
  const detections = componentTreeBlobs(distSq, candidateRuns, dims, spacingMm);
  return detections.map((d) => describe(d, input, candidates, distSq));
}

/**
 * Voxels with distance >= TREE_MIN_RADIUS_MM, thickest first (counting sort on 0.05 mm bins of the radius; equal
 * bins in box order).
 */
function sortedByThickness(distSq: Float32Array, candidateRuns: Runs): { order: Int32Array; radius: Float32Array } {
  const minSq = TREE_MIN_RADIUS_MM * TREE_MIN_RADIUS_MM;
  // One pass over the candidates' runs (in box order) collects the tree's voxels; the sort then runs on them only.
  const { starts, ends, rowFirst, nx, rows } = candidateRuns;
  let members = new Int32Array(1 << 16);
  let count = 0, maxSq = 0;
  for (let r = 0; r < rows; r++)
    for (let q = rowFirst[r]; q < rowFirst[r + 1]; q++)
      for (let v = r * nx + starts[q]; v < r * nx + ends[q]; v++) {
        const d = distSq[v];
        if (d < minSq) continue;
        if (count === members.length) { const bigger = new Int32Array(count * 2); bigger.set(members); members = bigger; }
        members[count++] = v;
        if (d > maxSq) maxSq = d;
      }
  const radius = new Float32Array(count);
  for (let q = 0; q < count; q++) radius[q] = Math.sqrt(distSq[members[q]]);
  const bins = Math.ceil(Math.sqrt(maxSq) / 0.05) + 1;
  const binOf = (r: number) => bins - 1 - Math.floor(r / 0.05);
  const start = new Int32Array(bins + 1);
  for (let q = 0; q < count; q++) start[binOf(radius[q])]++;
  for (let b = 0, acc = 0; b <= bins; b++) { const c = start[b]; start[b] = acc; acc += c; }
  const order = new Int32Array(count);
  const sortedRadius = new Float32Array(count);
  for (let q = 0; q < count; q++) {
    const at = start[binOf(radius[q])]++;
    order[at] = members[q];
    sortedRadius[at] = radius[q];
  }
  return { order, radius: sortedRadius };
}

function componentTreeBlobs(distSq: Float32Array, candidateRuns: Runs, dims: readonly [number, number, number], spacingMm: readonly [number, number, number]): Detection[] {
  const [nx, ny, nz] = dims;
  const [sx, sy, sz] = spacingMm;
  const { order, radius } = sortedByThickness(distSq, candidateRuns);
  const count = order.length;
  const nodeOf = new IndexMap(count);
  const parent = new Int32Array(count);
  // Running moments per root: count, sums of x, y, z and of their products (mm, mm2).
  const m = new Float64Array(count * 10);
  const maxRadius = new Float32Array(count);
  const seedOf = new Int32Array(count);
  const dets: (Detection[] | null)[] = new Array(count).fill(null);
  const find = (a: number): number => {
    while (parent[a] !== a) { parent[a] = parent[parent[a]]; a = parent[a]; }
    return a;
  };
  const voxelVolume = sx * sy * sz;
  const regularise = [sx * sx / 12, sy * sy / 12, sz * sz / 12];
  const voxelSize = Math.cbrt(voxelVolume);
  const scales = [...NODULE_SCALES_MM].sort((a, b) => b - a);
  let scaleIndex = 0;
  const live = new Set<number>();

  const snapshot = (scale: number) => {
    for (const root of live) {
      const b = root * 10;
      const c = m[b];
      const mean = [m[b + 1] / c, m[b + 2] / c, m[b + 3] / c];
      const cov = [
        m[b + 4] / c - mean[0] * mean[0] + regularise[0], m[b + 7] / c - mean[0] * mean[1], m[b + 8] / c - mean[0] * mean[2],
        m[b + 5] / c - mean[1] * mean[1] + regularise[1], m[b + 9] / c - mean[1] * mean[2],
        m[b + 6] / c - mean[2] * mean[2] + regularise[2],
      ];
      const [l1, , l3] = symmetricEigenvalues(cov);
      const elongation = Math.sqrt(l1 / Math.max(l3, 1e-9));
      if (maxRadius[root] - scale < NODULE_MIN_CORE_FRACTION * maxRadius[root]) continue;
      // Expected core radius, plus half a voxel (of the voxel's cube-root size) for the discrete core's own extent.
      const a = maxRadius[root] - scale + voxelSize / 2;
      const excess = (c * voxelVolume) / ((4 / 3) * Math.PI * a * a * a);
      if (elongation <= NODULE_MAX_CORE_ELONGATION && excess <= NODULE_MAX_CORE_EXCESS) {
        dets[root] = [{ scaleMm: scale, radiusMm: maxRadius[root], seed: seedOf[root], elongation, excess, mergeMm: 0 }];
      }
    }
  };

  const roots: number[] = [];
  for (let q = 0; q < count; q++) {
    const r = radius[q];
    while (scaleIndex < scales.length && r < scales[scaleIndex]) snapshot(scales[scaleIndex++]);
    const v = order[q];
    const x = v % nx, y = ((v - x) / nx) % ny, z = (v - x - y * nx) / (nx * ny);
    parent[q] = q;
    nodeOf.set(v, q);
    const px = x * sx, py = y * sy, pz = z * sz;
    const b = q * 10;
    m[b] = 1; m[b + 1] = px; m[b + 2] = py; m[b + 3] = pz;
    m[b + 4] = px * px; m[b + 5] = py * py; m[b + 6] = pz * pz; m[b + 7] = px * py; m[b + 8] = px * pz; m[b + 9] = py * pz;
    maxRadius[q] = r;
    seedOf[q] = v;
    live.add(q);
    // Distinct roots among the 26 neighbours already in the tree.
    roots.length = 0;
    for (let dz = -1; dz <= 1; dz++) {
      const zz = z + dz;
      if (zz < 0 || zz >= nz) continue;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= ny) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= nx || (dx === 0 && dy === 0 && dz === 0)) continue;
          const u = nodeOf.get(xx + nx * (yy + ny * zz));
          if (u < 0) continue;
          const root = find(u);
          if (!roots.includes(root)) roots.push(root);
        }
      }
    }
    if (roots.length >= 2) {
      // A merge: each side's detections note it when the other side stands out by its own prominence.
      for (const a of roots)
        for (const o of roots) {
          if (a === o || !dets[a] || maxRadius[o] - r < NODULE_MERGE_PROMINENCE_MM) continue;
          for (const d of dets[a]!) if (d.mergeMm === 0) d.mergeMm = r;
        }
    }
    let root = q;
    for (const o of roots) {
      // Union by keeping the thicker root (its seed is the thickest voxel of the union).
      const [keep, drop] = maxRadius[o] >= maxRadius[root] ? [o, root] : [root, o];
      parent[drop] = keep;
      for (let k = 0; k < 10; k++) m[keep * 10 + k] += m[drop * 10 + k];
      if (dets[drop]) dets[keep] = dets[keep] ? [...dets[keep]!, ...dets[drop]!] : dets[drop];
      dets[drop] = null;
      live.delete(drop);
      root = keep;
    }
  }
  while (scaleIndex < scales.length) snapshot(scales[scaleIndex++]);
  const out: Detection[] = [];
  for (const root of live) if (dets[root]) out.push(...dets[root]!);
  return out;
}

/**
 * Box index -> tree node, for the voxels in the tree only (a small share of the box): open addressing with linear
 * probing in a power-of-two table at most half full. get returns -1 for a voxel not in the tree.
 */
class IndexMap {
  private readonly keys: Int32Array;
  private readonly values: Int32Array;
  private readonly mask: number;
  constructor(capacity: number) {
    let size = 1024;
    while (size < 2 * capacity) size *= 2;
    this.keys = new Int32Array(size).fill(-1);
    this.values = new Int32Array(size);
    this.mask = size - 1;
  }
  private slot(key: number): number {
    let h = Math.imul(key, 0x9e3779b1) & this.mask;
    while (this.keys[h] !== -1 && this.keys[h] !== key) h = (h + 1) & this.mask;
    return h;
  }
  set(key: number, value: number): void {
    const h = this.slot(key);
    this.keys[h] = key;
    this.values[h] = value;
  }
  get(key: number): number {
    const h = this.slot(key);
    return this.keys[h] === key ? this.values[h] : -1;
  }
}

/** Eigenvalues, largest first, of the symmetric 3 x 3 matrix [a b c; b d e; c e f] given as [a, b, c, d, e, f]. */
export function symmetricEigenvalues([a, b, c, d, e, f]: readonly number[]): [number, number, number] {
  // Closed form (trigonometric solution of the characteristic cubic; Smith, Comm ACM 4:168, 1961).
  const p1 = b * b + c * c + e * e;
  const q = (a + d + f) / 3;
  if (p1 < 1e-18) return [a, d, f].sort((u, w) => w - u) as [number, number, number];
  const p2 = (a - q) ** 2 + (d - q) ** 2 + (f - q) ** 2 + 2 * p1;
  const p = Math.sqrt(p2 / 6);
  const [ba, bd, bf] = [(a - q) / p, (d - q) / p, (f - q) / p];
  const [bb, bc, be] = [b / p, c / p, e / p];
  const det = ba * (bd * bf - be * be) - bb * (bb * bf - be * bc) + bc * (bb * be - bd * bc);
  const r = Math.max(-1, Math.min(1, det / 2));
  const phi = Math.acos(r) / 3;
  const l1 = q + 2 * p * Math.cos(phi);
  const l3 = q + 2 * p * Math.cos(phi + (2 * Math.PI) / 3);
  return [l1, 3 * q - l1 - l3, l3];
}

/**
 * The detection's mask (candidate voxels within its scale of its core, the core being the voxels at least that
 * thick connected to its centre) and its features; accepted when persistent and large enough.
 */
function describe(d: Detection, input: NoduleInput, candidates: Uint8Array, distSq: Float32Array): NoduleDetection {
  const { dims, spacingMm, hu, air } = input;
  const [nx, ny, nz] = dims;
  const [sx, sy, sz] = spacingMm;
  // The mask's scale: the detection's, or NODULE_MASK_SCALE_FRACTION of its radius when larger, so that thick but
  // low structures grown onto a large mass (a vessel or bronchial wall at the hilum) stay out of its mask.
  const scaleMm = Math.max(d.scaleMm, NODULE_MASK_SCALE_FRACTION * d.radiusMm);
  const scaleSq = scaleMm * scaleMm;
  // Core: flood fill (26-neighbours) from the seed over voxels at least `scale` thick.
  const core: number[] = [d.seed];
  const inCore = new Set<number>([d.seed]);
  for (let h = 0; h < core.length; h++) {
    const v = core[h];
    const x = v % nx, y = ((v - x) / nx) % ny, z = (v - x - y * nx) / (nx * ny);
    for (let dz = -1; dz <= 1; dz++)
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx, yy = y + dy, zz = z + dz;
          if (xx < 0 || yy < 0 || zz < 0 || xx >= nx || yy >= ny || zz >= nz) continue;
          const u = xx + nx * (yy + ny * zz);
          if (!inCore.has(u) && distSq[u] >= scaleSq) { inCore.add(u); core.push(u); }
        }
  }
  // Mask: candidate voxels within `scale` of a core voxel (balls painted around each core voxel).
  const rx = Math.floor(scaleMm / sx), ry = Math.floor(scaleMm / sy), rz = Math.floor(scaleMm / sz);
  const mask = new Set<number>();
  for (const v of core) {
    const x = v % nx, y = ((v - x) / nx) % ny, z = (v - x - y * nx) / (nx * ny);
    for (let dz = -rz; dz <= rz; dz++) {
      const zz = z + dz;
      if (zz < 0 || zz >= nz) continue;
      for (let dy = -ry; dy <= ry; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= ny) continue;
        for (let dx = -rx; dx <= rx; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= nx) continue;
          if ((dx * sx) ** 2 + (dy * sy) ** 2 + (dz * sz) ** 2 > scaleSq) continue;
          const u = xx + nx * (yy + ny * zz);
          if (candidates[u]) mask.add(u);
        }
      }
    }
  }
  const voxels = Int32Array.from(mask).sort();
  let sumHu = 0, boundary = 0, touching = 0;
  for (const v of voxels) {
    sumHu += hu[v];
    const x = v % nx, y = ((v - x) / nx) % ny, z = (v - x - y * nx) / (nx * ny);
    const faces = [x > 0 ? v - 1 : -1, x < nx - 1 ? v + 1 : -1, y > 0 ? v - nx : -1, y < ny - 1 ? v + nx : -1, z > 0 ? v - nx * ny : -1, z < nz - 1 ? v + nx * ny : -1];
    let isBoundary = false, isTouching = false;
    for (const u of faces) {
      if (u < 0 || !mask.has(u)) isBoundary = true;
      if (u >= 0 && air.some((a) => a[u])) isTouching = true;
    }
    if (isBoundary) { boundary++; if (isTouching) touching++; }
  }
  const volumeMm3 = voxels.length * sx * sy * sz;
  const features: NoduleCandidateFeatures = {
    radiusMm: d.radiusMm,
    scaleMm: d.scaleMm,
    coreElongation: d.elongation,
    coreExcess: d.excess,
    persistence: d.mergeMm > 0 ? d.radiusMm / d.mergeMm : Infinity,
    lungContact: boundary > 0 ? touching / boundary : 0,
    meanHu: voxels.length > 0 ? sumHu / voxels.length : 0,
    equivalentDiameterMm: Math.cbrt((6 * volumeMm3) / Math.PI),
  };
  const reasons: string[] = [];
  if (features.persistence < NODULE_MIN_PERSISTENCE) reasons.push(`persistence ${features.persistence.toFixed(2)} < ${NODULE_MIN_PERSISTENCE} (a thickening of a vessel)`);
  if (features.equivalentDiameterMm < NODULE_MIN_DIAMETER_MM) reasons.push(`equivalent diameter ${features.equivalentDiameterMm.toFixed(1)} mm < ${NODULE_MIN_DIAMETER_MM} mm`);
  const accepted = reasons.length === 0;
  return {
    voxels,
    centreVoxel: d.seed,
    features,
    confidence: accepted ? noduleConfidence(features) : 0,
    accepted,
    reason: accepted ? 'blob-like, persistent, large enough' : reasons.join('; '),
  };
}

/** Ramp 0 at `from`, 1 at `to` (either direction), clipped. */
function ramp(value: number, from: number, to: number): number {
  return Math.max(0, Math.min(1, (value - from) / (to - from)));
}

/**
 * Confidence of an accepted detection, 0.5-1: 0.5 + 0.5 x the smallest margin over the criteria, each margin a
 * ramp from its threshold (0) to a clearly passing value (1): persistence from NODULE_MIN_PERSISTENCE to twice
 * it, core elongation from NODULE_MAX_CORE_ELONGATION to 1.2, diameter from NODULE_MIN_DIAMETER_MM to 8 mm
 * (Fleischner's upper band). A heuristic score for ranking and review, not a calibrated probability.
 */
export function noduleConfidence(f: NoduleCandidateFeatures): number {
  const margins = [
    Number.isFinite(f.persistence) ? ramp(f.persistence, NODULE_MIN_PERSISTENCE, 2 * NODULE_MIN_PERSISTENCE) : 1,
    ramp(f.coreElongation, NODULE_MAX_CORE_ELONGATION, 1.2),
    ramp(f.equivalentDiameterMm, NODULE_MIN_DIAMETER_MM, 8),
  ];
  return 0.5 + 0.5 * Math.min(...margins);
}
