import { gctError } from '../errors.ts';
import type { Grid } from '../volume/geometry.ts';
import type { LabelArray } from '../volume/types.ts';
import { maskVoxels } from './location-types.ts';
import type { VertebralLevelResult, VertebraZRange, VoxelIndices } from './location-types.ts';
import type { StructureStats } from './types.ts';

/**
 * Vertebral level of a finding: the vertebrae its craniocaudal (RAS z) extent overlaps, and the vertebra at its
 * centroid's height. The vertebral level is the usual axial landmark of radiology reports (e.g. "at the level of
 * L1"); vertebra masks come from TotalSegmentator (`vertebrae_C1` ... `vertebrae_S1`, Wasserthal et al.,
 * Radiology: AI 2023, doi:10.1148/ryai.230024) or VerSe-style labelling (Sekuboyina et al., Med Image Anal
 * 2021, doi:10.1016/j.media.2021.102166). Levels are matched by height only (z in RAS), as a reader
 * scrolling axial slices would, not by 3D contact.
 */

/** Anatomical order, cranial to caudal. TotalSegmentator v2 names them `vertebrae_<level>`. */
export const VERTEBRA_LEVELS = [
  'C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7',
  'T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'T8', 'T9', 'T10', 'T11', 'T12',
  'L1', 'L2', 'L3', 'L4', 'L5', 'S1',
] as const;
export type VertebraLevel = (typeof VERTEBRA_LEVELS)[number];

/** 'vertebrae_L1', 'vertebra_L1', 'L1' (any case) -> 'L1'; null when the name is not a vertebra level. */
export function vertebraLevelOf(name: string): VertebraLevel | null {
  const m = /^(?:vertebra(?:e)?_)?([CTLS])(\d{1,2})$/i.exec(name.trim());
  if (m === null) return null;
  const level = `${m[1].toUpperCase()}${Number(m[2])}`;
  return (VERTEBRA_LEVELS as readonly string[]).includes(level) ? (level as VertebraLevel) : null;
}

/** Half the craniocaudal size of one voxel cell in mm (its projection on RAS z). */
function halfVoxelZMm(grid: Grid): number {
  const m = grid.ijkToRas;
  return 0.5 * (Math.abs(m[8]) + Math.abs(m[9]) + Math.abs(m[10]));
}

/**
 * z range (outer faces of the outermost voxels, RAS mm) of each listed vertebra, in one pass over each label
 * layer. Vertebrae absent from the label arrays are left out. Sorted cranial to caudal.
 */
export function vertebraZRanges(grid: Grid, layers: readonly LabelArray[], vertebrae: readonly { readonly name: string; readonly labelId: number }[]): VertebraZRange[] {
  const [nx, ny, nz] = grid.dims;
  const total = nx * ny * nz;
  const slotOf = new Int32Array(65536).fill(-1);
  const levels: VertebraLevel[] = [];
  vertebrae.forEach((v, slot) => {
    const level = vertebraLevelOf(v.name);
    if (level === null)
      throw gctError('GCT_MEASURE_INPUT_INVALID', `'${v.name}' is not a vertebra level; expected names such as vertebrae_C1 ... vertebrae_S1`, {
        name: v.name, allowed: VERTEBRA_LEVELS.map((l) => `vertebrae_${l}`),
      });
    levels.push(level);
    slotOf[v.labelId] = slot;
  });
  const zMin = new Float64Array(vertebrae.length).fill(Infinity);
  const zMax = new Float64Array(vertebrae.length).fill(-Infinity);
  const m = grid.ijkToRas;
  for (const layer of layers) {
    if (layer.length !== total)
      throw gctError('GCT_MEASURE_INPUT_INVALID', `a label layer has ${layer.length} voxels, the grid has ${total}`, { layerVoxels: layer.length, voxelTotal: total });
    let v = 0;
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++) {
        const rowZ = m[9] * j + m[10] * k + m[11];
        for (let i = 0; i < nx; i++, v++) {
          const slot = slotOf[layer[v]];
          if (slot < 0) continue;
          const z = rowZ + m[8] * i;
          if (z < zMin[slot]) zMin[slot] = z;
          if (z > zMax[slot]) zMax[slot] = z;
        }
      }
  }
  const half = halfVoxelZMm(grid);
  const out: VertebraZRange[] = [];
  levels.forEach((level, slot) => {
    if (zMin[slot] === Infinity) return;
    out.push({ level, zMinMm: zMin[slot] - half, zMaxMm: zMax[slot] + half });
  });
  return out.sort((a, b) => levelIndex(a.level) - levelIndex(b.level));
}

/**
 * The same z ranges as `vertebraZRanges`, read from the per-structure statistics the study has already measured
 * (their RAS bounds are the exact extremes of the voxel centres): no further pass over the label layers.
 */
export function vertebraZRangesOfStructures(grid: Grid, structures: readonly StructureStats[]): VertebraZRange[] {
  const half = halfVoxelZMm(grid);
  const out: VertebraZRange[] = [];
  for (const s of structures) {
    if (!s.present || s.name === null || !s.name.startsWith('vertebrae_')) continue;
    const level = vertebraLevelOf(s.name);
    if (level === null) continue;
    out.push({ level, zMinMm: s.rasBounds.min[2] - half, zMaxMm: s.rasBounds.max[2] + half });
  }
  return out.sort((a, b) => levelIndex(a.level) - levelIndex(b.level));
}

function levelIndex(level: string): number {
  return (VERTEBRA_LEVELS as readonly string[]).indexOf(level);
}

/**
 * Vertebral level of a finding given as voxels. `levels` = vertebrae whose z range overlaps the finding's z range
 * by more than zero length (ranges that only touch at a face do not count), cranial to caudal.
 * `centroidLevel` = the vertebra whose z range holds the finding's centroid z ('inside'; when ranges overlap
 * there, the one whose range mid-height is closest), else the vertebra closest in z ('nearest', e.g. a finding
 * at the height of an intervertebral disc or beyond the imaged spine).
 */
export function vertebralLevel(findingVoxels: VoxelIndices, grid: Grid, ranges: readonly VertebraZRange[]): VertebralLevelResult {
  const [nx, ny, nz] = grid.dims;
  maskVoxels(findingVoxels, nx * ny * nz, 'finding');
  if (findingVoxels.length === 0)
    throw gctError('GCT_MEASURE_INPUT_INVALID', 'the finding has no voxels; a vertebral level needs a non-empty mask', {});
  const m = grid.ijkToRas;
  let zLo = Infinity, zHi = -Infinity, zSum = 0;
  for (let p = 0; p < findingVoxels.length; p++) {
    const v = findingVoxels[p];
    const i = v % nx, j = Math.floor(v / nx) % ny, k = Math.floor(v / (nx * ny));
    const z = m[8] * i + m[9] * j + m[10] * k + m[11];
    zSum += z;
    if (z < zLo) zLo = z;
    if (z > zHi) zHi = z;
  }
  const half = halfVoxelZMm(grid);
  const findingZMinMm = zLo - half, findingZMaxMm = zHi + half;
  const centroidZMm = zSum / findingVoxels.length;
  const sorted = [...ranges].sort((a, b) => levelIndex(a.level) - levelIndex(b.level));
  const levels = sorted
    .filter((r) => Math.min(r.zMaxMm, findingZMaxMm) - Math.max(r.zMinMm, findingZMinMm) > 0)
    .map((r) => r.level);
  const base = { levels, findingZMinMm, findingZMaxMm, centroidZMm };
  if (sorted.length === 0) return { ...base, centroidLevel: null, centroidHow: 'none' };
  const containing = sorted.filter((r) => centroidZMm >= r.zMinMm && centroidZMm <= r.zMaxMm);
  if (containing.length > 0) {
    const mid = (r: VertebraZRange) => Math.abs((r.zMinMm + r.zMaxMm) / 2 - centroidZMm);
    const best = containing.reduce((a, b) => (mid(b) < mid(a) ? b : a));
    return { ...base, centroidLevel: best.level, centroidHow: 'inside' };
  }
  const gapOf = (r: VertebraZRange) => Math.max(r.zMinMm - centroidZMm, centroidZMm - r.zMaxMm);
  const nearest = sorted.reduce((a, b) => (gapOf(b) < gapOf(a) ? b : a));
  return { ...base, centroidLevel: nearest.level, centroidHow: 'nearest' };
}
