import type { Grid, Vec3 } from '../volume/geometry.ts';
import { splitIjkToRas } from '../volume/geometry.ts';
import type { LabelMap, VoxelArray } from '../volume/types.ts';
import { distanceTransformMm } from './distance.ts';
import { cropMask, cropVoxelRas, sampleMaskIjk, smoothedMask, type MaskCrop } from './mask-crop.ts';
import type { MeasuredStructureStats, StructureStats } from './types.ts';
import { VERTEBRA_LEVELS, vertebraLevelOf } from './vertebral-level.ts';

/**
 * Vertebral body heights and trabecular attenuation, per vertebra (passages genant1993-vertebral-fracture,
 * pickhardt2013-l1-attenuation, groundct-vertebral-body):
 *
 * - the vertebra's own frame: craniocaudal axis s along the spine (from the neighbouring vertebrae's centroids,
 *   else patient S), anteroposterior axis a = patient anterior made orthogonal to s, left-right l = s x a;
 * - the body: the vertebra mask intersected with TotalSegmentator's vertebrae_body mask when given; otherwise the
 *   part of the vertebra anterior to the spinal canal, found as the widest empty gap along a in the mid-sagittal
 *   slab (|l| <= 3 mm) behind the most anterior run of bone;
 * - heights in the body's mid-sagittal plane (through its centroid, spanned by s and a), on the smoothed body mask
 *   at its 0.5 level: anterior, middle and posterior heights at 15 %, 50 % and 85 % of the body's depth from its
 *   posterior wall (the cortical corners are avoided);
 * - trabecular attenuation: mean and median HU of the body voxels at least TRABECULAR_INSET_MM (and 1.5 voxels)
 *   from its surface within the middle third of its height (the cortex and the endplates left out, as a
 *   trabecular ROI does).
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
function bodyByCanal(vertebra: MaskCrop, centroid: Vec3, f: Frame): { mask: Uint8Array; cutA: number } | null {
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
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const v = i + nx * (j + ny * k);
        if (vertebra.mask[v] !== 0 && t[4] * i + t[5] * j + t[6] * k + t[7] >= cutA) mask[v] = 1;
      }
  return { mask, cutA };
}

function centroidOf(crop: MaskCrop): V3 | null {
  const [nx, ny, nz] = crop.dims;
  const c: V3 = [0, 0, 0];
  let n = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        if (crop.mask[i + nx * (j + ny * k)] === 0) continue;
        const p = cropVoxelRas(crop, i, j, k);
        c[0] += p[0];
        c[1] += p[1];
        c[2] += p[2];
        n++;
      }
  return n === 0 ? null : [c[0] / n, c[1] / n, c[2] / n];
}

/**
 * Extent of the body's 0.5 level along direction `dir` from `p` (both ways), mm: where the smoothed mask drops
 * below 0.5, linearly interpolated between 0.1 mm steps.
 */
function chord(field: MaskCrop, p: V3, dir: V3, maxMm: number): number {
  const m = field.rasToIjk;
  const at = (t: number) => {
    const x = p[0] + t * dir[0];
    const y = p[1] + t * dir[1];
    const z = p[2] + t * dir[2];
    return sampleMaskIjk(field, m[0] * x + m[1] * y + m[2] * z + m[3], m[4] * x + m[5] * y + m[6] * z + m[7], m[8] * x + m[9] * y + m[10] * z + m[11]);
  };
  if (at(0) < 0.5) return 0;
  const edge = (sign: number) => {
    const step = 0.1;
    let prev = at(0);
    for (let t = step; t <= maxMm; t += step) {
      const v = at(sign * t);
      if (v < 0.5) return t - step + ((prev - 0.5) / (prev - v)) * step;
      prev = v;
    }
    return maxMm;
  };
  return edge(1) + edge(-1);
}

/** Heights and depth of the body in its mid-sagittal plane. */
function heights(body: MaskCrop, centroid: V3, f: Frame): { anterior: number; middle: number; posterior: number; depth: number } | null {
  const field = smoothedMask(body);
  // Depth: the chord along a through the centroid; the columns sit at fractions of it from the posterior wall.
  const m = field.rasToIjk;
  const at = (q: V3) => sampleMaskIjk(field, m[0] * q[0] + m[1] * q[1] + m[2] * q[2] + m[3], m[4] * q[0] + m[5] * q[1] + m[6] * q[2] + m[7], m[8] * q[0] + m[9] * q[1] + m[10] * q[2] + m[11]);
  if (at(centroid) < 0.5) return null;
  const walk = (sign: number) => {
    let prev = at(centroid);
    for (let t = 0.1; t <= 80; t += 0.1) {
      const q: V3 = [centroid[0] + sign * t * f.a[0], centroid[1] + sign * t * f.a[1], centroid[2] + sign * t * f.a[2]];
      const v = at(q);
      if (v < 0.5) return t - 0.1 + ((prev - 0.5) / (prev - v)) * 0.1;
      prev = v;
    }
    return 80;
  };
  const front = walk(1);
  const back = walk(-1);
  const depth = front + back;
  const column = (fraction: number) => {
    const offset = -back + fraction * depth;
    const q: V3 = [centroid[0] + offset * f.a[0], centroid[1] + offset * f.a[1], centroid[2] + offset * f.a[2]];
    return chord(field, q, f.s, 80);
  };
  return { anterior: column(HEIGHT_COLUMNS.anterior), middle: column(HEIGHT_COLUMNS.middle), posterior: column(HEIGHT_COLUMNS.posterior), depth };
}

/**
 * Mean and median HU of body voxels at least TRABECULAR_INSET_MM deep, within the middle third of its height. The
 * depth is computed on the slices that hold that third only (the endplates are farther than the inset from it).
 */
function trabecular(body: MaskCrop, ct: VoxelArray, grid: Grid, centroid: V3, f: Frame, heightMm: number): { mean: number | null; median: number | null; count: number } {
  const [nx, ny, nz] = body.dims;
  const t = frameMap(body, centroid, f);
  const inThird = (i: number, j: number, k: number) => Math.abs(t[0] * i + t[1] * j + t[2] * k + t[3]) <= heightMm / 6;
  // Slices (k) holding any body voxel of the middle third, widened by the inset so the depth there is exact.
  let k0 = nz;
  let k1 = -1;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny && (k < k0 || k > k1); j++)
      for (let i = 0; i < nx; i++)
        if (body.mask[i + nx * (j + ny * k)] !== 0 && inThird(i, j, k)) {
          k0 = Math.min(k0, k);
          k1 = Math.max(k1, k);
          break;
        }
  if (k1 < k0) return { mean: null, median: null, count: 0 };
  const insetMm = Math.max(TRABECULAR_INSET_MM, 1.5 * Math.max(...body.spacingMm));
  const pad = Math.ceil(insetMm / body.spacingMm[2]);
  k0 = Math.max(0, k0 - pad);
  k1 = Math.min(nz - 1, k1 + pad);
  const slab = nx * ny;
  const background = new Uint8Array(slab * (k1 - k0 + 1));
  for (let v = 0; v < background.length; v++) background[v] = body.mask[v + slab * k0] === 0 ? 1 : 0;
  const { distSqMm2 } = distanceTransformMm(background, [nx, ny, k1 - k0 + 1], body.spacingMm);
  const inset2 = insetMm * insetMm;
  const values: number[] = [];
  const [gi, gj] = grid.dims;
  for (let k = k0; k <= k1; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const v = i + nx * (j + ny * k);
        if (body.mask[v] === 0 || distSqMm2[v - slab * k0] < inset2 || !inThird(i, j, k)) continue;
        const fi = body.origin[0] + i * body.stride[0];
        const fj = body.origin[1] + j * body.stride[1];
        const fk = body.origin[2] + k * body.stride[2];
        values.push(ct[fi + gi * (fj + gj * fk)]);
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
      body = { ...vertebra, mask: split.mask, count: split.mask.reduce((x, y) => x + y, 0), field: undefined };
      bodyFrom = 'spinal canal gap';
    }
    const centroid = centroidOf(body);
    if (centroid === null) {
      out.push(empty(level, v, bodyFrom, partiallyImaged));
      continue;
    }
    const h = partiallyImaged ? null : heights(body, centroid, frame);
    const t = trabecular(body, ct.data, ct.grid, centroid, frame, h?.middle ?? 20);
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
