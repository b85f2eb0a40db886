import type { Grid } from '../volume/geometry.ts';
import { rasToIjkMatrix, splitIjkToRas } from '../volume/geometry.ts';
import type { LabelMap, VoxelArray } from '../volume/types.ts';
import { axialAxisOf } from './diameters.ts';
import type { MeasuredStructureStats, StructureStats } from './types.ts';

/**
 * Body composition on one axial slice at the middle of L3 (or of the lowest lumbar vertebra imaged), passages
 * tissue-hu-ranges (Mitsiopoulos 1998: adipose -190 to -30 HU, skeletal muscle -29 to 150 HU) and
 * groundct-body-composition. Areas in cm2 = pixels x the two in-plane spacings.
 *
 * - With TotalSegmentator's tissue_types masks: skeletal muscle, subcutaneous fat and visceral ("torso") fat are
 *   those masks' pixels within their tissue's HU window.
 * - Without them: the body outline (body / body_trunc mask, else pixels above -500 HU, holes filled); from the
 *   outline inwards along 360 rays from its centre, subcutaneous fat is the adipose run until the first two
 *   non-adipose pixels (the muscle wall); visceral fat is every adipose pixel inside that wall. Skeletal muscle is
 *   then the union of the muscle masks the study has (autochthonous, iliopsoas, abdominal wall muscles) within the
 *   muscle window, and `muscleFrom` says which: without abdominal wall masks it is not the whole muscle area.
 */

export const ADIPOSE_HU = [-190, -30] as const;
export const MUSCLE_HU = [-29, 150] as const;
/** Above this, a pixel belongs to the body when no body mask is given, HU. */
export const BODY_MIN_HU = -500;
const RAYS = 360;

const MUSCLE_MASKS = [
  'autochthon_left', 'autochthon_right', 'iliopsoas_left', 'iliopsoas_right', 'psoas_major_left', 'psoas_major_right',
  'quadratus_lumborum_left', 'quadratus_lumborum_right', 'erector_spinae_left', 'erector_spinae_right', 'transversospinalis_left',
  'transversospinalis_right', 'rectus_abdominis_left', 'rectus_abdominis_right', 'external_oblique_left', 'external_oblique_right',
  'internal_oblique_left', 'internal_oblique_right', 'latissimus_dorsi_left', 'latissimus_dorsi_right',
] as const;
const WALL_MASKS = new Set(['rectus_abdominis_left', 'rectus_abdominis_right', 'external_oblique_left', 'external_oblique_right', 'internal_oblique_left', 'internal_oblique_right']);

export interface BodyComposition {
  /** The vertebra whose mid-height slice was measured, e.g. 'L3'. */
  readonly level: string;
  /** Slice index along the axial voxel axis, and that axis (0 = i, 1 = j, 2 = k). */
  readonly sliceIndex: number;
  readonly sliceAxis: 0 | 1 | 2;
  readonly skeletalMuscleAreaCm2: number | null;
  readonly subcutaneousFatAreaCm2: number;
  readonly visceralFatAreaCm2: number;
  readonly muscleMeanHu: number | null;
  /** 'tissue_types masks', or the muscle masks summed (e.g. 'autochthon, iliopsoas'), or null without any. */
  readonly muscleFrom: string | null;
  /** True when the muscle area includes the abdominal wall (tissue masks or abdominal wall muscle masks). */
  readonly muscleComplete: boolean;
  readonly fatFrom: 'tissue_types masks' | 'HU and the muscle wall';
  readonly labelIds: readonly number[];
}

interface Slice {
  readonly width: number;
  readonly height: number;
  /** Full-grid voxel index of slice pixel (u, v). */
  index(u: number, v: number): number;
  readonly pixelAreaMm2: number;
}

function sliceThrough(grid: Grid, centreRas: readonly number[]): { slice: Slice; index: number; axis: 0 | 1 | 2 } {
  const axis = axialAxisOf(grid.ijkToRas);
  const [u, v] = ([0, 1, 2] as const).filter((a) => a !== axis);
  const inv = rasToIjkMatrix(grid);
  const along = inv[axis * 4] * centreRas[0] + inv[axis * 4 + 1] * centreRas[1] + inv[axis * 4 + 2] * centreRas[2] + inv[axis * 4 + 3];
  const index = Math.max(0, Math.min(grid.dims[axis] - 1, Math.round(along)));
  const parts = splitIjkToRas(grid.ijkToRas);
  const [ni, nj] = grid.dims;
  const stride = [1, ni, ni * nj];
  return {
    axis,
    index,
    slice: {
      width: grid.dims[u],
      height: grid.dims[v],
      index: (a, b) => a * stride[u] + b * stride[v] + index * stride[axis],
      pixelAreaMm2: parts.spacingMm[u] * parts.spacingMm[v],
    },
  };
}

const inWindow = (hu: number, w: readonly [number, number]) => hu >= w[0] && hu <= w[1];

/** Pixels of the body on the slice: the body mask, else pixels above BODY_MIN_HU with holes (gas) filled. */
function bodyPixels(s: Slice, ct: VoxelArray, body: { layer: Uint8Array | Uint16Array; id: number } | null): Uint8Array {
  const out = new Uint8Array(s.width * s.height);
  for (let b = 0; b < s.height; b++)
    for (let a = 0; a < s.width; a++) {
      const v = s.index(a, b);
      if (body !== null ? body.layer[v] === body.id : ct[v] > BODY_MIN_HU) out[a + s.width * b] = 1;
    }
  // Fill holes: everything not reachable from the slice edge through non-body pixels.
  const outside = new Uint8Array(out.length);
  const stack: number[] = [];
  for (let a = 0; a < s.width; a++) for (const b of [0, s.height - 1]) stack.push(a + s.width * b);
  for (let b = 0; b < s.height; b++) for (const a of [0, s.width - 1]) stack.push(a + s.width * b);
  while (stack.length > 0) {
    const p = stack.pop()!;
    if (outside[p] || out[p]) continue;
    outside[p] = 1;
    const a = p % s.width;
    const b = (p - a) / s.width;
    if (a > 0) stack.push(p - 1);
    if (a < s.width - 1) stack.push(p + 1);
    if (b > 0) stack.push(p - s.width);
    if (b < s.height - 1) stack.push(p + s.width);
  }
  for (let p = 0; p < out.length; p++) if (!outside[p]) out[p] = 1;
  // Keep the largest 4-connected piece (the trunk, not the arms or the table).
  const comp = new Int32Array(out.length).fill(-1);
  let best = -1;
  let bestSize = 0;
  for (let start = 0, label = 0; start < out.length; start++) {
    if (!out[start] || comp[start] >= 0) continue;
    let size = 0;
    stack.push(start);
    comp[start] = label;
    while (stack.length > 0) {
      const p = stack.pop()!;
      size++;
      const a = p % s.width;
      for (const q of [a > 0 ? p - 1 : -1, a < s.width - 1 ? p + 1 : -1, p >= s.width ? p - s.width : -1, p + s.width < out.length ? p + s.width : -1])
        if (q >= 0 && out[q] && comp[q] < 0) {
          comp[q] = label;
          stack.push(q);
        }
    }
    if (size > bestSize) {
      bestSize = size;
      best = label;
    }
    label++;
  }
  for (let p = 0; p < out.length; p++) out[p] = comp[p] === best ? 1 : 0;
  return out;
}

/**
 * Subcutaneous and visceral fat from HU and geometry: rays from the body's centroid, walked from the outline
 * inwards; the first run of two non-adipose pixels is the muscle wall. Pixels outside the wall polygon are
 * subcutaneous, adipose pixels inside it visceral.
 */
function fatByRays(s: Slice, ct: VoxelArray, body: Uint8Array): { sat: number; vat: number } {
  let ca = 0;
  let cb = 0;
  let n = 0;
  for (let p = 0; p < body.length; p++)
    if (body[p]) {
      ca += p % s.width;
      cb += Math.floor(p / s.width);
      n++;
    }
  if (n === 0) return { sat: 0, vat: 0 };
  ca /= n;
  cb /= n;
  const isFat = (a: number, b: number) => inWindow(ct[s.index(a, b)], ADIPOSE_HU);
  const inside = (a: number, b: number) => a >= 0 && b >= 0 && a < s.width && b < s.height && body[a + s.width * b] === 1;
  // Wall radius per ray (in pixels from the centroid, along the ray).
  const wall = new Float64Array(RAYS);
  for (let r = 0; r < RAYS; r++) {
    const th = (2 * Math.PI * r) / RAYS;
    const da = Math.cos(th);
    const db = Math.sin(th);
    let t = 0;
    while (inside(Math.round(ca + (t + 1) * da), Math.round(cb + (t + 1) * db))) t += 1;
    // Walk inwards from the outline: skin (non-fat) first, then the fat run, then the wall.
    let seenFat = false;
    let nonFat = 0;
    let w = 0;
    for (let q = t; q >= 0; q -= 0.5) {
      const a = Math.round(ca + q * da);
      const b = Math.round(cb + q * db);
      if (isFat(a, b)) {
        seenFat = true;
        nonFat = 0;
      } else if (seenFat && ++nonFat >= 4) {
        w = q + 1.5;
        break;
      }
    }
    wall[r] = w;
  }
  let sat = 0;
  let vat = 0;
  for (let b = 0; b < s.height; b++)
    for (let a = 0; a < s.width; a++) {
      if (!body[a + s.width * b] || !isFat(a, b)) continue;
      const dx = a - ca;
      const dy = b - cb;
      const th = Math.atan2(dy, dx);
      const r = Math.round(((th < 0 ? th + 2 * Math.PI : th) / (2 * Math.PI)) * RAYS) % RAYS;
      if (Math.hypot(dx, dy) <= wall[r]) vat++;
      else sat++;
    }
  return { sat, vat };
}

export function measureBodyComposition(ct: { readonly grid: Grid; readonly data: VoxelArray }, labels: LabelMap, structures: readonly StructureStats[]): BodyComposition | null {
  const byName = new Map<string, MeasuredStructureStats>();
  for (const s of structures) if (s.present && s.name !== null && !byName.has(s.name)) byName.set(s.name, s);
  const level = ['L3', 'L5', 'L4', 'L2', 'L1'].find((l) => {
    const v = byName.get(`vertebrae_${l}`);
    return v !== undefined && !v.partiallyImaged;
  });
  if (level === undefined) return null;
  const vertebra = byName.get(`vertebrae_${level}`)!;
  const { slice, index, axis } = sliceThrough(ct.grid, vertebra.rasCentroid);
  const layerOf = (s: MeasuredStructureStats) => ({ layer: labels.layers[s.layer], id: s.labelId });
  const area = (pixels: number) => (pixels * slice.pixelAreaMm2) / 100;
  const countIn = (s: MeasuredStructureStats | undefined, w: readonly [number, number]): { n: number; huSum: number } => {
    if (s === undefined) return { n: 0, huSum: 0 };
    const { layer, id } = layerOf(s);
    let n = 0;
    let huSum = 0;
    for (let b = 0; b < slice.height; b++)
      for (let a = 0; a < slice.width; a++) {
        const v = slice.index(a, b);
        if (layer[v] === id && inWindow(ct.data[v], w)) {
          n++;
          huSum += ct.data[v];
        }
      }
    return { n, huSum };
  };
  const sat = byName.get('subcutaneous_fat');
  const vat = byName.get('torso_fat');
  const smm = byName.get('skeletal_muscle');
  const base = { level, sliceIndex: index, sliceAxis: axis };
  if (sat !== undefined && vat !== undefined && smm !== undefined) {
    const m = countIn(smm, MUSCLE_HU);
    return {
      ...base,
      skeletalMuscleAreaCm2: area(m.n),
      subcutaneousFatAreaCm2: area(countIn(sat, ADIPOSE_HU).n),
      visceralFatAreaCm2: area(countIn(vat, ADIPOSE_HU).n),
      muscleMeanHu: m.n === 0 ? null : m.huSum / m.n,
      muscleFrom: 'tissue_types masks',
      muscleComplete: true,
      fatFrom: 'tissue_types masks',
      labelIds: [vertebra.labelId, smm.labelId, sat.labelId, vat.labelId],
    };
  }
  const bodyStats = byName.get('body_trunc') ?? byName.get('body');
  const body = bodyPixels(slice, ct.data, bodyStats === undefined ? null : layerOf(bodyStats));
  const fat = fatByRays(slice, ct.data, body);
  const muscles = MUSCLE_MASKS.map((n) => byName.get(n)).filter((s): s is MeasuredStructureStats => s !== undefined);
  let muscleN = 0;
  let muscleHu = 0;
  for (const s of muscles) {
    const c = countIn(s, MUSCLE_HU);
    muscleN += c.n;
    muscleHu += c.huSum;
  }
  const names = [...new Set(muscles.map((s) => s.name!.replace(/_(left|right)$/, '')))];
  return {
    ...base,
    skeletalMuscleAreaCm2: muscles.length === 0 ? null : area(muscleN),
    subcutaneousFatAreaCm2: area(fat.sat),
    visceralFatAreaCm2: area(fat.vat),
    muscleMeanHu: muscleN === 0 ? null : muscleHu / muscleN,
    muscleFrom: muscles.length === 0 ? null : names.join(', '),
    muscleComplete: muscles.some((s) => WALL_MASKS.has(s.name!)),
    fatFrom: 'HU and the muscle wall',
    labelIds: [vertebra.labelId, ...(bodyStats === undefined ? [] : [bodyStats.labelId]), ...muscles.map((s) => s.labelId)],
  };
}
