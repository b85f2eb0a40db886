/**
 * The truth record of a phantom, computed from the generated arrays (never from the shapes): whatever the
 * generator labelled is the truth, so volumes, means and sizes are exact for the files shipped.
 */
import { applyMat4, invertMat4, linearPart, splitIjkToRas, voxelVolumeMm3, orientationCode, type Grid } from '../volume/geometry.ts';
import type { VerticalVessel } from './abdomen.ts';
import { PHANTOM_LABELS, type LabelDef } from './label-table.ts';
import type { PlacedLesion } from './lesions.ts';
import type {
  Attenuation,
  AxialDiameters,
  LesionTruth,
  RasFace,
  ResolvedStudySpec,
  Side,
  StructureTruth,
  StudyTruth,
} from './types.ts';

/** Centroids within this distance (mm) of the body midline are 'midline'; beyond it, right (+x) or left (-x). */
export const MIDLINE_BAND_MM = 10;
/** RadGPT location rule: a sub-segment is listed when it holds more than this share of the lesion's voxels. */
export const SUBSEGMENT_SHARE_MIN = 0.1;
/** RadGPT attenuation rule: 'iso' when |lesion mean - parenchyma mean| <= parenchyma SD x this fraction. */
export const ISO_BAND_SD_FRACTION = 0.1;
/** Width of the voxel ring outside the vessel wall on which the phantom measures a contact angle, mm. */
export const RING_WIDTH_MM = 3;

export function mm3ToMl(volumeMm3: number): number {
  return volumeMm3 / 1000;
}

export function sideOf(rasX: number, midlineRasX: number): Side {
  const d = rasX - midlineRasX;
  return d > MIDLINE_BAND_MM ? 'right' : d < -MIDLINE_BAND_MM ? 'left' : 'midline';
}

/** RAS name of the grid face at index 0 (sign -1) or dims-1 (sign +1) of axis `axis`. */
function faceName(grid: Grid, axis: number, sign: -1 | 1): RasFace {
  const lin = linearPart(grid.ijkToRas);
  const col = [lin[axis], lin[3 + axis], lin[6 + axis]].map((v) => v * sign);
  let best = 0;
  for (let r = 1; r < 3; r++) if (Math.abs(col[r]) > Math.abs(col[best])) best = r;
  const names: readonly (readonly [RasFace, RasFace])[] = [['right', 'left'], ['anterior', 'posterior'], ['superior', 'inferior']];
  return col[best] >= 0 ? names[best][0] : names[best][1];
}

interface Accumulator {
  count: Float64Array;
  sum: Float64Array;
  sum2: Float64Array;
  ijkSum: Float64Array;
  faces: Uint8Array;
}

function accumulate(grid: Grid, ct: Int16Array, layer: Uint16Array, size: number): Accumulator {
  const acc: Accumulator = {
    count: new Float64Array(size),
    sum: new Float64Array(size),
    sum2: new Float64Array(size),
    ijkSum: new Float64Array(size * 3),
    faces: new Uint8Array(size),
  };
  const [ni, nj, nk] = grid.dims;
  let index = 0;
  for (let k = 0; k < nk; k++)
    for (let j = 0; j < nj; j++)
      for (let i = 0; i < ni; i++, index++) {
        const id = layer[index];
        if (id === 0) continue;
        const v = ct[index];
        acc.count[id]++;
        acc.sum[id] += v;
        acc.sum2[id] += v * v;
        acc.ijkSum[id * 3] += i;
        acc.ijkSum[id * 3 + 1] += j;
        acc.ijkSum[id * 3 + 2] += k;
        let f = acc.faces[id];
        if (i === 0) f |= 1;
        if (i === ni - 1) f |= 2;
        if (j === 0) f |= 4;
        if (j === nj - 1) f |= 8;
        if (k === 0) f |= 16;
        if (k === nk - 1) f |= 32;
        acc.faces[id] = f;
      }
  return acc;
}

function ijkToRas3(grid: Grid, i: number, j: number, k: number): [number, number, number] {
  const m = grid.ijkToRas;
  return [
    m[0] * i + m[1] * j + m[2] * k + m[3],
    m[4] * i + m[5] * j + m[6] * k + m[7],
    m[8] * i + m[9] * j + m[10] * k + m[11],
  ];
}

function meanSd(values: Iterable<number>): { mean: number; sd: number } {
  let n = 0;
  let s = 0;
  let s2 = 0;
  for (const v of values) {
    n++;
    s += v;
    s2 += v * v;
  }
  const mean = s / n;
  return { mean, sd: Math.sqrt(Math.max(0, s2 / n - mean * mean)) };
}

/**
 * Long axial diameter and the extent perpendicular to it, between voxel centres, on the axial slice where the
 * long diameter is largest (RECIST 1.1, Eisenhauer et al., Eur J Cancer 2009, doi:10.1016/j.ejca.2008.10.026;
 * RadGPT uses the same pair). Only in-slice boundary voxels are compared: the farthest pair lies on the hull.
 * Requires a grid whose k axis is the RAS z axis (the generator's own grid).
 */
export function axialDiameters(grid: Grid, voxels: Int32Array): AxialDiameters {
  const [ni, nj] = grid.dims;
  const bySlice = new Map<number, Set<number>>();
  for (const index of voxels) {
    const k = Math.floor(index / (ni * nj));
    let s = bySlice.get(k);
    if (!s) bySlice.set(k, (s = new Set()));
    s.add(index % (ni * nj));
  }
  let best: AxialDiameters = { longAxisMm: 0, shortAxisMm: 0, sliceRasZMm: Number.NaN };
  for (const [k, set] of [...bySlice].sort((a, b) => a[0] - b[0])) {
    const pts: [number, number][] = [];
    for (const local of set) {
      const i = local % ni;
      const j = Math.floor(local / ni);
      const interior =
        i > 0 && i < ni - 1 && j > 0 && j < nj - 1 &&
        set.has(local - 1) && set.has(local + 1) && set.has(local - ni) && set.has(local + ni);
      if (interior) continue;
      const p = ijkToRas3(grid, i, j, k);
      pts.push([p[0], p[1]]);
    }
    let longMm = 0;
    let dir: [number, number] = [1, 0];
    for (let a = 0; a < pts.length; a++)
      for (let b = a + 1; b < pts.length; b++) {
        const d = Math.hypot(pts[a][0] - pts[b][0], pts[a][1] - pts[b][1]);
        if (d > longMm) {
          longMm = d;
          dir = [(pts[b][0] - pts[a][0]) / d, (pts[b][1] - pts[a][1]) / d];
        }
      }
    let lo = Infinity;
    let hi = -Infinity;
    for (const p of pts) {
      const t = -p[0] * dir[1] + p[1] * dir[0];
      lo = Math.min(lo, t);
      hi = Math.max(hi, t);
    }
    const shortMm = pts.length > 0 ? hi - lo : 0;
    if (longMm > best.longAxisMm + 1e-9 || (Math.abs(longMm - best.longAxisMm) <= 1e-9 && shortMm > best.shortAxisMm)) {
      best = { longAxisMm: longMm, shortAxisMm: shortMm, sliceRasZMm: ijkToRas3(grid, 0, 0, k)[2] };
    }
  }
  return best;
}

/**
 * Contact angle measured on the voxels: in each axial slice of the vessel's straight part, the share of ring
 * voxels (centre at an axial distance in (radius, radius + RING_WIDTH_MM] from the vessel axis) that belong to
 * the lesion, x 360 deg; the largest over slices (RadGPT: largest ring fraction touching tumour x 360).
 */
export function voxelContactAngleDeg(grid: Grid, lesionMask: Uint8Array, vessel: VerticalVessel): number {
  const [ni, nj, nk] = grid.dims;
  const [vx, vy] = vessel.centerXYRas;
  let bestDeg = 0;
  // Only the voxels of the axis-aligned box around the ring need a look.
  const reach = vessel.radiusMm + RING_WIDTH_MM;
  const inv = invertMat4(grid.ijkToRas);
  const corners = [-reach, reach].flatMap((dx) => [-reach, reach].map((dy) => applyMat4(inv, [vx + dx, vy + dy, 0])));
  const i0 = Math.max(0, Math.floor(Math.min(...corners.map((c) => c[0]))) - 1);
  const i1 = Math.min(ni - 1, Math.ceil(Math.max(...corners.map((c) => c[0]))) + 1);
  const j0 = Math.max(0, Math.floor(Math.min(...corners.map((c) => c[1]))) - 1);
  const j1 = Math.min(nj - 1, Math.ceil(Math.max(...corners.map((c) => c[1]))) + 1);
  for (let k = 0; k < nk; k++) {
    let ring = 0;
    let hit = 0;
    for (let j = j0; j <= j1; j++)
      for (let i = i0; i <= i1; i++) {
        const p = ijkToRas3(grid, i, j, k);
        if (p[2] < vessel.zRangeMm[0] || p[2] > vessel.zRangeMm[1]) continue;
        const rho = Math.hypot(p[0] - vx, p[1] - vy);
        if (rho <= vessel.radiusMm || rho > vessel.radiusMm + RING_WIDTH_MM) continue;
        ring++;
        if (lesionMask[(k * nj + j) * ni + i]) hit++;
      }
    if (ring > 0) bestDeg = Math.max(bestDeg, (hit / ring) * 360);
  }
  return bestDeg;
}

export interface TruthInput {
  readonly spec: ResolvedStudySpec;
  readonly grid: Grid;
  readonly ct: Int16Array;
  readonly layer0: Uint16Array;
  readonly layer1: Uint16Array;
  readonly nominalHuByName: ReadonlyMap<string, number>;
  readonly lesions: readonly PlacedLesion[];
  readonly bodyMidlineRasXMm: number;
}

/** Organ label -> the lesion classes whose voxels count toward its volume with lesions. */
const LESION_CLASSES_OF: Readonly<Record<string, readonly string[]>> = {
  liver: ['liver_lesion'],
  pancreas: ['pancreas_lesion'],
  spleen: ['spleen_lesion'],
  kidney_left: ['kidney_lesion_left', 'kidney_cyst_left'],
  kidney_right: ['kidney_lesion_right', 'kidney_cyst_right'],
};

export function computeTruth(input: TruthInput): StudyTruth {
  const { grid, ct, spec } = input;
  const vMm3 = voxelVolumeMm3(grid);
  const size = Math.max(...PHANTOM_LABELS.map((l) => l.id)) + 1;
  const accs = [accumulate(grid, ct, input.layer0, size), accumulate(grid, ct, input.layer1, size)];
  const structures: StructureTruth[] = [];
  const byName = new Map<string, StructureTruth>();
  const countOf = (def: LabelDef): number => accs[def.layer].count[def.id];
  for (const def of PHANTOM_LABELS) {
    const acc = accs[def.layer];
    const n = acc.count[def.id];
    if (n === 0) continue;
    const mean = acc.sum[def.id] / n;
    const sd = Math.sqrt(Math.max(0, acc.sum2[def.id] / n - mean * mean));
    const centroid = ijkToRas3(grid, acc.ijkSum[def.id * 3] / n, acc.ijkSum[def.id * 3 + 1] / n, acc.ijkSum[def.id * 3 + 2] / n);
    const faces: RasFace[] = [];
    for (let bit = 0; bit < 6; bit++) if (acc.faces[def.id] & (1 << bit)) faces.push(faceName(grid, bit >> 1, bit % 2 === 0 ? -1 : 1));
    const lesionVoxels = (LESION_CLASSES_OF[def.name] ?? [])
      .map((name) => PHANTOM_LABELS.find((l) => l.name === name) as LabelDef)
      .reduce((s, l) => s + countOf(l), 0);
    const t: StructureTruth = {
      name: def.name,
      labelId: def.id,
      layer: def.layer,
      voxelCount: n,
      volumeMm3: n * vMm3,
      volumeMl: mm3ToMl(n * vMm3),
      volumeWithLesionsMl: mm3ToMl((n + lesionVoxels) * vMm3),
      meanHu: mean,
      sdHu: sd,
      nominalHu: input.nominalHuByName.get(def.name) ?? null,
      rasCentroid: centroid,
      side: sideOf(centroid[0], input.bodyMidlineRasXMm),
      cutByBorder: faces.length > 0,
      touchesBorderRas: faces,
    };
    structures.push(t);
    byName.set(def.name, t);
  }

  const subsegmentName = new Map<number, string>(
    PHANTOM_LABELS.filter((l) => l.layer === 1).map((l) => [l.id, l.name.replace(/^liver_segment_/, '').replace(/^pancreas_/, '')]),
  );
  const lesions: LesionTruth[] = input.lesions.map((p) => {
    const n = p.voxels.length;
    const hu = meanSd(Array.from(p.voxels, (i) => ct[i]));
    const sumIjk = [0, 0, 0];
    const fractions: Record<string, number> = {};
    const mask = new Uint8Array(ct.length);
    const [ni, nj] = grid.dims;
    for (const index of p.voxels) {
      mask[index] = 1;
      sumIjk[0] += index % ni;
      sumIjk[1] += Math.floor(index / ni) % nj;
      sumIjk[2] += Math.floor(index / (ni * nj));
      const seg = subsegmentName.get(input.layer1[index]);
      if (seg !== undefined) fractions[seg] = (fractions[seg] ?? 0) + 1;
    }
    for (const key of Object.keys(fractions)) fractions[key] /= n;
    const centroid = ijkToRas3(grid, sumIjk[0] / n, sumIjk[1] / n, sumIjk[2] / n);
    const organ = byName.get(p.organLabelName);
    const parenchymaMean = organ?.meanHu ?? Number.NaN;
    const parenchymaSd = organ?.sdHu ?? Number.NaN;
    const attenuation: Attenuation =
      Math.abs(hu.mean - parenchymaMean) <= parenchymaSd * ISO_BAND_SD_FRACTION ? 'iso' : hu.mean < parenchymaMean ? 'hypo' : 'hyper';
    return {
      index: p.index,
      labelId: PHANTOM_LABELS.find((l) => l.name === p.labelName)?.id ?? -1,
      labelName: p.labelName,
      organ: p.spec.organ,
      side: sideOf(centroid[0], input.bodyMidlineRasXMm),
      segments: Object.keys(fractions)
        .filter((k) => fractions[k] > SUBSEGMENT_SHARE_MIN)
        .sort(),
      segmentFractions: fractions,
      voxelCount: n,
      volumeMl: mm3ToMl(n * vMm3),
      rasCentroid: centroid,
      constructed: { centerRasMm: p.centerRasMm, diametersMm: p.diametersMm, nominalHu: p.nominalHu },
      axial: axialDiameters(grid, p.voxels),
      meanHu: hu.mean,
      sdHu: hu.sd,
      parenchymaMeanHu: parenchymaMean,
      parenchymaSdHu: parenchymaSd,
      attenuation,
      contact:
        p.contact === null
          ? null
          : {
              vessel: p.contact.vessel,
              constructedAngleDeg: p.contact.angleDeg,
              voxelAngleDeg: voxelContactAngleDeg(grid, mask, p.contact.geometry),
              vesselRadiusMm: p.contact.geometry.radiusMm,
            },
    };
  });

  const parts = splitIjkToRas(grid.ijkToRas);
  return {
    kind: 'phantom-truth',
    schemaVersion: 1,
    spec,
    grid: {
      dims: [grid.dims[0], grid.dims[1], grid.dims[2]],
      spacingMm: [parts.spacingMm[0], parts.spacingMm[1], parts.spacingMm[2]],
      voxelVolumeMm3: vMm3,
      orientation: orientationCode(grid.ijkToRas),
    },
    bodyMidlineRasXMm: input.bodyMidlineRasXMm,
    structures,
    lesions,
  };
}
