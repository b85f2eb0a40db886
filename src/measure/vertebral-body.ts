import type { Grid, Vec3 } from '../volume/geometry.ts';
import { splitIjkToRas } from '../volume/geometry.ts';
import type { LabelMap, VoxelArray } from '../volume/types.ts';
import { cropMask, cropVoxelRas, sampleMaskIjk, type MaskCrop } from './mask-crop.ts';
import type { MeasuredStructureStats, StructureStats } from './types.ts';
import { VERTEBRA_LEVELS, vertebraLevelOf } from './vertebral-level.ts';

/**
 * Vertebral body heights and trabecular attenuation, per vertebra (passages genant1993-vertebral-fracture-grades,
 * pickhardt2013-opportunistic-bone-density, groundct-vertebral-body):
 *
 * - the vertebra's own frame: craniocaudal axis s along the spine (from the neighbouring vertebrae's centroids,
 *   else patient S), anteroposterior axis a = patient anterior made orthogonal to s, left-right l = s x a;
 * - the body: the vertebra mask intersected with TotalSegmentator's vertebrae_body mask when given; otherwise the
 *   part of the vertebra anterior to the spinal canal, found as the widest empty gap along a in the mid-sagittal
 *   slab (|l| <= 3 mm) behind the most anterior run of bone;
 * - heights in the body's mid-sagittal plane (through its centroid, spanned by s and a), at the 0.5 level of the
 *   body mask's trilinear interpolation: anterior, middle and posterior heights at 15 %, 50 % and 85 % of the body's depth from its
 *   posterior wall (the cortical corners are avoided);
 * - trabecular attenuation: mean and median HU of an oval ROI: the body voxels within the middle third of its
 *   height and inside the ellipse of its depth and width inset by TRABECULAR_INSET_MM (and 1.5 voxels) on every
 *   side (the cortex and the endplates left out, as the L1 attenuation studies place their ROI).
 *
 * Vertebrae cut by the scan border along s get no heights (a cut body looks short).
 */

/** Distance from the body's surface that the trabecular ROI keeps, mm (at least 1.5 voxels on coarse scans). */
export const TRABECULAR_INSET_MM = 3;
/** Half-thickness of the mid-sagittal slab searched for the spinal canal, mm. */
export const MIDSAGITTAL_SLAB_MM = 3;
/** Columns where the heights are read, as fractions of the body's depth from its posterior wall. */
export const HEIGHT_COLUMNS = { posterior: 0.15, middle: 0.5, anterior: 0.85 } as const;

export interface VertebralBody {
  /** 'L1', 'T12', ... */
  readonly level: string;
  readonly labelId: number;
  /** How the body was separated from the posterior elements. */
  readonly bodyFrom: 'vertebrae_body mask' | 'spinal canal gap';
  /** Heights in mm; null when the vertebra is cut by the scan border or no body could be separated. */
  readonly anteriorHeightMm: number | null;
  readonly middleHeightMm: number | null;
  readonly posteriorHeightMm: number | null;
  /** Anteroposterior depth of the body in its mid-sagittal plane, mm. */
  readonly depthMm: number | null;
  /** Trabecular ROI statistics, HU; null when the ROI is empty. */
  readonly trabecularHuMean: number | null;
  readonly trabecularHuMedian: number | null;
  readonly trabecularVoxelCount: number;
  /** Centroid of the body in RAS mm. */
  readonly bodyCentroidRas: readonly [number, number, number] | null;
  readonly partiallyImaged: boolean;
}

type V3 = [number, number, number];
const sub = (a: readonly number[], b: readonly number[]): V3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const dot = (a: readonly number[], b: readonly number[]) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: readonly number[], b: readonly number[]): V3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const unit = (a: readonly number[]): V3 => {
  const n = Math.hypot(a[0], a[1], a[2]) || 1;
  return [a[0] / n, a[1] / n, a[2] / n];
};

interface Frame {
  readonly s: V3;
  readonly a: V3;
  readonly l: V3;
}

/** The vertebra's frame from its neighbours' centroids (cranial minus caudal), else patient S. */
function frameOf(v: MeasuredStructureStats, cranial: MeasuredStructureStats | undefined, caudal: MeasuredStructureStats | undefined): Frame {
  const up = cranial ?? v;
  const down = caudal ?? v;
  let s = up === down ? ([0, 0, 1] as V3) : unit(sub(up.rasCentroid, down.rasCentroid));
  if (s[2] < 0) s = [-s[0], -s[1], -s[2]];
  // Anterior (RAS +y) made orthogonal to s.
  const ant: V3 = [0, 1, 0];
  const a = unit(sub(ant, s.map((x) => x * dot(ant, s))));
  return { s, a, l: cross(s, a) };
}

/**
 * The affine map from crop index (i, j, k) to frame coordinates [s, a, l] relative to `origin`: three rows of
 * four coefficients, so a voxel's coordinates cost three dot products and no allocation.
 */
function frameMap(crop: MaskCrop, origin: Vec3, f: Frame): Float64Array {
  const m = crop.ijkToRas;
  const out = new Float64Array(12);
  [f.s, f.a, f.l].forEach((axis, r) => {
    for (let c = 0; c < 3; c++) out[r * 4 + c] = axis[0] * m[c] + axis[1] * m[4 + c] + axis[2] * m[8 + c];
    out[r * 4 + 3] = axis[0] * (m[3] - origin[0]) + axis[1] * (m[7] - origin[1]) + axis[2] * (m[11] - origin[2]);
  });
  return out;
}

/**
 * The body as a crop of its own: the vertebra's voxels anterior to the spinal canal. The canal is the widest run of
 * empty a-bins (1 mm) in the mid-sagittal slab between the most anterior bone and the most posterior bone.
 */
function bodyByCanal(vertebra: MaskCrop, centroid: Vec3, f: Frame): { mask: Uint8Array; count: number; cutA: number } | null {
  const [nx, ny, nz] = vertebra.dims;
  const t = frameMap(vertebra, centroid, f);
  const bins = new Map<number, number>();
  let aMin = Infinity;
  let aMax = -Infinity;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        if (vertebra.mask[i + nx * (j + ny * k)] === 0) continue;
        const l = t[8] * i + t[9] * j + t[10] * k + t[11];
        if (Math.abs(l) > MIDSAGITTAL_SLAB_MM) continue;
        const a = t[4] * i + t[5] * j + t[6] * k + t[7];
        const bin = Math.floor(a);
        bins.set(bin, (bins.get(bin) ?? 0) + 1);
        aMin = Math.min(aMin, a);
        aMax = Math.max(aMax, a);
      }
  if (!Number.isFinite(aMin)) return null;
  // Walk from the anterior end backwards; the first gap of at least 3 empty 1 mm bins is the canal.
  let run = 0;
  let cutA: number | null = null;
  for (let bin = Math.floor(aMax); bin >= Math.floor(aMin); bin--) {
    if ((bins.get(bin) ?? 0) === 0) {
      run++;
      if (run >= 3 && cutA === null) cutA = bin + run;
    } else {
      if (cutA !== null) break;
      run = 0;
    }
  }
  if (cutA === null) return null;
  const mask = new Uint8Array(vertebra.mask.length);
  let count = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const v = i + nx * (j + ny * k);
        if (vertebra.mask[v] !== 0 && t[4] * i + t[5] * j + t[6] * k + t[7] >= cutA) {
          mask[v] = 1;
          count++;
        }
      }
  return { mask, count, cutA };
}

function centroidOf(crop: MaskCrop): V3 | null {
  const [nx, ny, nz] = crop.dims;
  let si = 0;
  let sj = 0;
  let sk = 0;
  let n = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++) {
      const row = nx * (j + ny * k);
      for (let i = 0; i < nx; i++)
        if (crop.mask[row + i] !== 0) {
          si += i;
          sj += j;
          sk += k;
          n++;
        }
    }
  // The affine map commutes with the mean: map the mean index once.
  return n === 0 ? null : cropVoxelRas(crop, si / n, sj / n, sk / n);
}

/** One-sided extent of the 0.5 level from `p` along `dir`, mm (0.25 mm steps, linearly interpolated). */
function reach(field: MaskCrop, p: V3, dir: V3, maxMm = 80): number {
  const m = field.rasToIjk;
  const at = (t: number) => {
    const x = p[0] + t * dir[0];
    const y = p[1] + t * dir[1];
    const z = p[2] + t * dir[2];
    return sampleMaskIjk(field, m[0] * x + m[1] * y + m[2] * z + m[3], m[4] * x + m[5] * y + m[6] * z + m[7], m[8] * x + m[9] * y + m[10] * z + m[11]);
  };
  let prev = at(0);
  if (prev < 0.5) return 0;
  for (let t = 0.25; t <= maxMm; t += 0.25) {
    const v = at(t);
    if (v < 0.5) return t - 0.25 + ((prev - 0.5) / (prev - v)) * 0.25;
    prev = v;
  }
  return maxMm;
}

interface BodyShape {
  /** Heights at the anterior, middle and posterior columns, mm. */
  readonly anterior: number;
  readonly middle: number;
  readonly posterior: number;
  /** Depth (along a) and width (along l) through the centroid, mm. */
  readonly depth: number;
  readonly width: number;
  /** Offsets of the depth and width chords' midpoints from the centroid along a and l, mm. */
  readonly aCentre: number;
  readonly lCentre: number;
}

/**
 * The body's mid-sagittal heights and its depth and width through the centroid, at the 0.5 level of the binary
 * mask's trilinear interpolation: along a line that level sits half-way between the last inside and the first
 * outside voxel centre, as well as a binary mask allows.
 */
function bodyShape(body: MaskCrop, centroid: V3, f: Frame): BodyShape | null {
  const neg = (d: V3): V3 => [-d[0], -d[1], -d[2]];
  const front = reach(body, centroid, f.a);
  const back = reach(body, centroid, neg(f.a));
  const right = reach(body, centroid, f.l);
  const left = reach(body, centroid, neg(f.l));
  if (front + back === 0) return null;
  const depth = front + back;
  const column = (fraction: number) => {
    const offset = -back + fraction * depth;
    const q: V3 = [centroid[0] + offset * f.a[0], centroid[1] + offset * f.a[1], centroid[2] + offset * f.a[2]];
    return reach(body, q, f.s) + reach(body, q, neg(f.s));
  };
  return {
    anterior: column(HEIGHT_COLUMNS.anterior),
    middle: column(HEIGHT_COLUMNS.middle),
    posterior: column(HEIGHT_COLUMNS.posterior),
    depth,
    width: left + right,
    aCentre: (front - back) / 2,
    lCentre: (right - left) / 2,
  };
}

/**
 * Mean and median HU of the trabecular ROI: body voxels within the middle third of its height and inside the
 * ellipse of its depth and width (through the centroid) inset by TRABECULAR_INSET_MM (and 1.5 voxels) on every
 * side: an oval ROI in the middle of the body, as the L1 attenuation studies place it, away from the cortex.
 */
function trabecular(body: MaskCrop, ct: VoxelArray, grid: Grid, centroid: V3, f: Frame, shape: BodyShape): { mean: number | null; median: number | null; count: number } {
  const [nx, ny, nz] = body.dims;
  const insetMm = Math.max(TRABECULAR_INSET_MM, 1.5 * Math.max(...body.spacingMm));
  const ra = shape.depth / 2 - insetMm;
  const rl = shape.width / 2 - insetMm;
  const rs = shape.middle / 6;
  if (ra <= 0 || rl <= 0 || rs <= 0) return { mean: null, median: null, count: 0 };
  const t = frameMap(body, centroid, f);
  const values: number[] = [];
  const [gi, gj] = grid.dims;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        if (body.mask[i + nx * (j + ny * k)] === 0) continue;
        const s = t[0] * i + t[1] * j + t[2] * k + t[3];
        if (Math.abs(s) > rs) continue;
        const a = (t[4] * i + t[5] * j + t[6] * k + t[7] - shape.aCentre) / ra;
        const l = (t[8] * i + t[9] * j + t[10] * k + t[11] - shape.lCentre) / rl;
        if (a * a + l * l > 1) continue;
        values.push(ct[body.origin[0] + i * body.stride[0] + gi * (body.origin[1] + j * body.stride[1] + gj * (body.origin[2] + k * body.stride[2]))]);
      }
  if (values.length === 0) return { mean: null, median: null, count: 0 };
  values.sort((x, y) => x - y);
  const mid = values.length >> 1;
  return {
    mean: values.reduce((x, y) => x + y, 0) / values.length,
    median: values.length % 2 === 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2,
    count: values.length,
  };
}

/** Body heights and trabecular attenuation of every labelled vertebra (C1-C7 skipped: no Genant grading there). */
export function measureVertebralBodies(ct: { readonly grid: Grid; readonly data: VoxelArray }, labels: LabelMap, structures: readonly StructureStats[]): VertebralBody[] {
  const byLevel = new Map<string, MeasuredStructureStats>();
  let bodies: MeasuredStructureStats | null = null;
  for (const s of structures) {
    if (!s.present || s.name === null) continue;
    if (s.name === 'vertebrae_body' && bodies === null) bodies = s;
    const level = vertebraLevelOf(s.name);
    if (level !== null && !byLevel.has(level)) byLevel.set(level, s);
  }
  const out: VertebralBody[] = [];
  const levels = VERTEBRA_LEVELS.filter((l) => byLevel.has(l) && !l.startsWith('C'));
  for (const level of levels) {
    const v = byLevel.get(level)!;
    const idx = VERTEBRA_LEVELS.indexOf(level);
    const frame = frameOf(v, byLevel.get(VERTEBRA_LEVELS[idx - 1] ?? ''), byLevel.get(VERTEBRA_LEVELS[idx + 1] ?? ''));
    const bounds = { min: v.ijkBounds.min, max: v.ijkBounds.max };
    const vertebra = cropMask(labels.layers[v.layer], ct.grid, new Set([v.labelId]), bounds, { marginVoxels: 2 });
    // Cut along the spine's axis: the vertebra touches a face of the scan that the s axis points through.
    const partiallyImaged = v.touchesBorder.some((face) => Math.abs(splitIjkToRas(ct.grid.ijkToRas).direction[6 + (face[0] === 'i' ? 0 : face[0] === 'j' ? 1 : 2)]) > 0.7);
    let body: MaskCrop;
    let bodyFrom: VertebralBody['bodyFrom'];
    if (bodies !== null) {
      const b = cropMask(labels.layers[bodies.layer], ct.grid, new Set([bodies.labelId]), bounds, { marginVoxels: 2 });
      const mask = new Uint8Array(b.mask.length);
      let count = 0;
      for (let n = 0; n < mask.length; n++) if (b.mask[n] !== 0 && vertebra.mask[n] !== 0) {
        mask[n] = 1;
        count++;
      }
      body = { ...vertebra, mask, count, field: undefined };
      bodyFrom = 'vertebrae_body mask';
    } else {
      const split = bodyByCanal(vertebra, v.rasCentroid, frame);
      if (split === null) {
        out.push(empty(level, v, 'spinal canal gap', partiallyImaged));
        continue;
      }
      body = { ...vertebra, mask: split.mask, count: split.count, field: undefined };
      bodyFrom = 'spinal canal gap';
    }
    const centroid = centroidOf(body);
    if (centroid === null) {
      out.push(empty(level, v, bodyFrom, partiallyImaged));
      continue;
    }
    const shape = bodyShape(body, centroid, frame);
    const h = partiallyImaged ? null : shape;
    const t = shape === null ? { mean: null, median: null, count: 0 } : trabecular(body, ct.data, ct.grid, centroid, frame, shape);
    out.push({
      level,
      labelId: v.labelId,
      bodyFrom,
      anteriorHeightMm: h?.anterior ?? null,
      middleHeightMm: h?.middle ?? null,
      posteriorHeightMm: h?.posterior ?? null,
      depthMm: h?.depth ?? null,
      trabecularHuMean: t.mean,
      trabecularHuMedian: t.median,
      trabecularVoxelCount: t.count,
      bodyCentroidRas: centroid,
      partiallyImaged,
    });
  }
  return out;
}

function empty(level: string, v: MeasuredStructureStats, bodyFrom: VertebralBody['bodyFrom'], partiallyImaged: boolean): VertebralBody {
  return {
    level, labelId: v.labelId, bodyFrom, anteriorHeightMm: null, middleHeightMm: null, posteriorHeightMm: null, depthMm: null,
    trabecularHuMean: null, trabecularHuMedian: null, trabecularVoxelCount: 0, bodyCentroidRas: null, partiallyImaged,
  };
}
