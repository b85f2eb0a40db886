import type { Grid } from '../volume/geometry.ts';
import { splitIjkToRas } from '../volume/geometry.ts';
import type { LabelMap, VoxelArray } from '../volume/types.ts';
import { axialAxisOf } from './diameters.ts';
import type { MeasuredStructureStats, StructureStats } from './types.ts';

/**
 * Calcium scores and kidney stones (passages agatston1990-calcium-score, cacdrs2018-visual-noncardiac-ct,
 * groundct-calcium-and-stones). All on the voxel data as stored; meaningful on non-contrast scans only (the
 * findings stage decides, from the phase).
 *
 * Agatston-style score of a region: on each axial slice, the 8-connected components of pixels >= 130 HU that lie
 * within REGION_MARGIN_MM of the region mask (calcium sits in the vessel wall, at or just outside a lumen mask);
 * pixels that belong to another structure's mask (a vertebra, a rib) are left out; a component of at least 1 mm2 scores its area (mm2) x a weight from its peak HU (130-199: 1, 200-299: 2,
 * 300-399: 3, >= 400: 4); the sum is scaled by slice spacing / 3 mm (Agatston's 3 mm slices). The region is the
 * coronary artery mask when given, else the heart (which also holds valvular and annular calcium), and the aorta
 * for the aortic score.
 *
 * Kidney stones: 26-connected components of voxels >= STONE_MIN_HU within STONE_MARGIN_MM of a kidney mask (the
 * collecting system lies at the mask's hilum) and in no other structure's mask (a rib), whose peak is >= STONE_PEAK_HU; size = the largest distance between
 * voxel centres plus one voxel (mean spacing).
 */

export const CALCIUM_MIN_HU = 130;
export const CALCIUM_MIN_AREA_MM2 = 1;
export const AGATSTON_SLICE_MM = 3;
export const REGION_MARGIN_MM = 2;
export const STONE_MIN_HU = 200;
export const STONE_PEAK_HU = 300;
export const STONE_MARGIN_MM = 3;

export interface CalciumScore {
  /** 'coronary_arteries', 'heart' (coronary arteries not segmented) or 'aorta'. */
  readonly region: string;
  readonly labelId: number;
  readonly agatstonScore: number;
  /** Scored lesions (slice components), and their total area, mm2. */
  readonly lesionCount: number;
  readonly areaMm2: number;
  /** Slice spacing the score was scaled by, mm. */
  readonly sliceSpacingMm: number;
  readonly partiallyImaged: boolean;
}

export interface KidneyStone {
  readonly kidney: 'kidney_left' | 'kidney_right';
  readonly kidneyLabelId: number;
  readonly sizeMm: number;
  readonly peakHu: number;
  readonly meanHu: number;
  readonly voxelCount: number;
  readonly rasCentroid: readonly [number, number, number];
}

export interface KidneyStones {
  readonly kidney: 'kidney_left' | 'kidney_right';
  readonly labelId: number;
  readonly partiallyImaged: boolean;
  readonly stones: readonly KidneyStone[];
}

export interface CalciumMeasurements {
  readonly scores: readonly CalciumScore[];
  readonly kidneys: readonly KidneyStones[];
}

const weightOf = (peakHu: number) => (peakHu >= 400 ? 4 : peakHu >= 300 ? 3 : peakHu >= 200 ? 2 : 1);

interface Box {
  readonly lo: readonly [number, number, number];
  readonly hi: readonly [number, number, number];
}

/** The region's bounds widened by `marginMm`, clipped to the grid. */
function boxAround(s: MeasuredStructureStats, grid: Grid, spacing: readonly number[], marginMm: number): Box {
  const lo = [0, 1, 2].map((a) => Math.max(0, s.ijkBounds.min[a] - Math.ceil(marginMm / spacing[a]))) as [number, number, number];
  const hi = [0, 1, 2].map((a) => Math.min(grid.dims[a] - 1, s.ijkBounds.max[a] + Math.ceil(marginMm / spacing[a]))) as [number, number, number];
  return { lo, hi };
}

/**
 * True when the voxel carries no label on any layer other than the `allowed` ones: calcium or a stone is never a
 * voxel of another structure (a rib, a vertebra, another vessel).
 */
function unclaimed(layers: LabelMap['layers'], v: number, allowed: ReadonlySet<number>): boolean {
  for (const layer of layers) {
    const id = layer[v];
    if (id !== 0 && !allowed.has(id)) return false;
  }
  return true;
}

/** True when voxel (i, j, k) lies within marginMm (box-shaped neighbourhood, per axis) of a voxel of label `id`. */
function nearLabel(layer: ArrayLike<number>, id: number, dims: readonly number[], reach: readonly number[], i: number, j: number, k: number): boolean {
  const [ni, nj, nk] = dims;
  for (let c = Math.max(0, k - reach[2]); c <= Math.min(nk - 1, k + reach[2]); c++)
    for (let b = Math.max(0, j - reach[1]); b <= Math.min(nj - 1, j + reach[1]); b++) {
      const row = ni * (b + nj * c);
      for (let a = Math.max(0, i - reach[0]); a <= Math.min(ni - 1, i + reach[0]); a++) if (layer[a + row] === id) return true;
    }
  return false;
}

/** Agatston-style score of the pixels >= 130 HU near one region mask. */
export function agatstonScore(ct: { readonly grid: Grid; readonly data: VoxelArray }, labels: LabelMap, region: MeasuredStructureStats, name: string, allowed: ReadonlySet<number>): CalciumScore {
  const grid = ct.grid;
  const spacing = splitIjkToRas(grid.ijkToRas).spacingMm;
  const axis = axialAxisOf(grid.ijkToRas);
  const [u, v] = ([0, 1, 2] as const).filter((a) => a !== axis);
  const box = boxAround(region, grid, spacing, REGION_MARGIN_MM);
  const reach = spacing.map((s) => Math.max(0, Math.round(REGION_MARGIN_MM / s)));
  reach[axis] = 0; // In-plane margin only: calcium above or below the mask's last slice is not in its wall.
  const layer = labels.layers[region.layer];
  const [ni, nj] = grid.dims;
  const stride = [1, ni, ni * nj];
  const pixelMm2 = spacing[u] * spacing[v];
  const w = box.hi[u] - box.lo[u] + 1;
  const h = box.hi[v] - box.lo[v] + 1;
  const mark = new Uint8Array(w * h);
  let score = 0;
  let lesions = 0;
  let area = 0;
  const stack: number[] = [];
  for (let c = box.lo[axis]; c <= box.hi[axis]; c++) {
    mark.fill(0);
    const at = (a: number, b: number) => (box.lo[u] + a) * stride[u] + (box.lo[v] + b) * stride[v] + c * stride[axis];
    const ijk = (a: number, b: number) => {
      const p = [0, 0, 0];
      p[u] = box.lo[u] + a;
      p[v] = box.lo[v] + b;
      p[axis] = c;
      return p;
    };
    // 1 = candidate (>= 130 HU near the region), 2 = visited.
    for (let b = 0; b < h; b++)
      for (let a = 0; a < w; a++) {
        const voxel = at(a, b);
        if (ct.data[voxel] < CALCIUM_MIN_HU || !unclaimed(labels.layers, voxel, allowed)) continue;
        const [i, j, k] = ijk(a, b);
        if (nearLabel(layer, region.labelId, grid.dims, reach, i, j, k)) mark[a + w * b] = 1;
      }
    for (let p0 = 0; p0 < mark.length; p0++) {
      if (mark[p0] !== 1) continue;
      let n = 0;
      let peak = -Infinity;
      stack.push(p0);
      mark[p0] = 2;
      while (stack.length > 0) {
        const p = stack.pop()!;
        n++;
        const a = p % w;
        const b = (p - a) / w;
        peak = Math.max(peak, ct.data[at(a, b)]);
        for (let db = -1; db <= 1; db++)
          for (let da = -1; da <= 1; da++) {
            const aa = a + da;
            const bb = b + db;
            if (aa < 0 || bb < 0 || aa >= w || bb >= h) continue;
            const q = aa + w * bb;
            if (mark[q] === 1) {
              mark[q] = 2;
              stack.push(q);
            }
          }
      }
      const lesionArea = n * pixelMm2;
      if (lesionArea < CALCIUM_MIN_AREA_MM2) continue;
      lesions++;
      area += lesionArea;
      score += lesionArea * weightOf(peak);
    }
  }
  return {
    region: name,
    labelId: region.labelId,
    agatstonScore: (score * spacing[axis]) / AGATSTON_SLICE_MM,
    lesionCount: lesions,
    areaMm2: area,
    sliceSpacingMm: spacing[axis],
    partiallyImaged: region.partiallyImaged,
  };
}

/** Stones in and at one kidney. */
function kidneyStones(ct: { readonly grid: Grid; readonly data: VoxelArray }, labels: LabelMap, kidney: MeasuredStructureStats, name: 'kidney_left' | 'kidney_right', allowed: ReadonlySet<number>): KidneyStones {
  const grid = ct.grid;
  const spacing = splitIjkToRas(grid.ijkToRas).spacingMm;
  const box = boxAround(kidney, grid, spacing, STONE_MARGIN_MM);
  const reach = spacing.map((s) => Math.max(0, Math.round(STONE_MARGIN_MM / s)));
  const layer = labels.layers[kidney.layer];
  const [ni, nj] = grid.dims;
  const dims = box.hi.map((x, a) => x - box.lo[a] + 1);
  const local = (i: number, j: number, k: number) => i - box.lo[0] + dims[0] * (j - box.lo[1] + dims[1] * (k - box.lo[2]));
  const mark = new Uint8Array(dims[0] * dims[1] * dims[2]);
  for (let k = box.lo[2]; k <= box.hi[2]; k++)
    for (let j = box.lo[1]; j <= box.hi[1]; j++)
      for (let i = box.lo[0]; i <= box.hi[0]; i++)
        if (ct.data[i + ni * (j + nj * k)] >= STONE_MIN_HU && unclaimed(labels.layers, i + ni * (j + nj * k), allowed) && nearLabel(layer, kidney.labelId, grid.dims, reach, i, j, k)) mark[local(i, j, k)] = 1;
  const m = grid.ijkToRas;
  const stones: KidneyStone[] = [];
  const stack: number[] = [];
  for (let p0 = 0; p0 < mark.length; p0++) {
    if (mark[p0] !== 1) continue;
    const voxels: number[] = [];
    stack.push(p0);
    mark[p0] = 2;
    while (stack.length > 0) {
      const p = stack.pop()!;
      voxels.push(p);
      const a = p % dims[0];
      const b = Math.floor(p / dims[0]) % dims[1];
      const c = Math.floor(p / (dims[0] * dims[1]));
      for (let dc = -1; dc <= 1; dc++)
        for (let db = -1; db <= 1; db++)
          for (let da = -1; da <= 1; da++) {
            const aa = a + da;
            const bb = b + db;
            const cc = c + dc;
            if (aa < 0 || bb < 0 || cc < 0 || aa >= dims[0] || bb >= dims[1] || cc >= dims[2]) continue;
            const q = aa + dims[0] * (bb + dims[1] * cc);
            if (mark[q] === 1) {
              mark[q] = 2;
              stack.push(q);
            }
          }
    }
    const ras = voxels.map((p) => {
      const i = box.lo[0] + (p % dims[0]);
      const j = box.lo[1] + (Math.floor(p / dims[0]) % dims[1]);
      const k = box.lo[2] + Math.floor(p / (dims[0] * dims[1]));
      return { hu: ct.data[i + ni * (j + nj * k)], x: m[0] * i + m[1] * j + m[2] * k + m[3], y: m[4] * i + m[5] * j + m[6] * k + m[7], z: m[8] * i + m[9] * j + m[10] * k + m[11] };
    });
    const peak = Math.max(...ras.map((r) => r.hu));
    if (peak < STONE_PEAK_HU) continue;
    let span = 0;
    for (let p = 0; p < ras.length; p++)
      for (let q = p + 1; q < ras.length; q++) span = Math.max(span, Math.hypot(ras[p].x - ras[q].x, ras[p].y - ras[q].y, ras[p].z - ras[q].z));
    const n = ras.length;
    stones.push({
      kidney: name,
      kidneyLabelId: kidney.labelId,
      sizeMm: span + (spacing[0] + spacing[1] + spacing[2]) / 3,
      peakHu: peak,
      meanHu: ras.reduce((s, r) => s + r.hu, 0) / n,
      voxelCount: n,
      rasCentroid: [ras.reduce((s, r) => s + r.x, 0) / n, ras.reduce((s, r) => s + r.y, 0) / n, ras.reduce((s, r) => s + r.z, 0) / n],
    });
  }
  return { kidney: name, labelId: kidney.labelId, partiallyImaged: kidney.partiallyImaged, stones: stones.sort((a, b) => b.sizeMm - a.sizeMm) };
}

export function measureCalcium(ct: { readonly grid: Grid; readonly data: VoxelArray }, labels: LabelMap, structures: readonly StructureStats[]): CalciumMeasurements {
  const byName = new Map<string, MeasuredStructureStats>();
  for (const s of structures) if (s.present && s.name !== null && !byName.has(s.name)) byName.set(s.name, s);
  const idsOf = (names: readonly string[]) => new Set(names.map((n) => byName.get(n)?.labelId).filter((id): id is number => id !== undefined));
  const scores: CalciumScore[] = [];
  const coronary = byName.get('coronary_arteries');
  const heart = byName.get('heart');
  // Coronary calcium lies in the epicardial fat, in or at the heart and coronary masks.
  const cardiac = idsOf(['coronary_arteries', 'heart', 'pericardium']);
  if (coronary !== undefined) scores.push(agatstonScore(ct, labels, coronary, 'coronary_arteries', cardiac));
  else if (heart !== undefined) scores.push(agatstonScore(ct, labels, heart, 'heart', cardiac));
  const aorta = byName.get('aorta');
  if (aorta !== undefined) scores.push(agatstonScore(ct, labels, aorta, 'aorta', idsOf(['aorta', 'aorta_true_lumen', 'aorta_false_lumen'])));
  const kidneys = (['kidney_left', 'kidney_right'] as const)
    .filter((n) => byName.has(n))
    .map((n) => kidneyStones(ct, labels, byName.get(n)!, n, idsOf([n, `kidney_cyst_${n.slice('kidney_'.length)}`])));
  return { scores, kidneys };
}
