import type { Grid } from '../volume/geometry.ts';
import type { StructureStats } from './types.ts';
import { VERTEBRA_LEVELS, vertebraLevelOf, type VertebraLevel } from './vertebral-level.ts';

/**
 * Craniocaudal (RAS z) range of each labelled vertebra, from the structure statistics alone (no pass over the
 * voxels): the z of its outermost voxel centres (rasBounds) widened by half a voxel's z size, as
 * vertebral-level.ts defines the range. Used to name the vertebral level of a point (a vessel's widest section, a
 * measurement slice).
 */
export interface ZRange {
  readonly level: VertebraLevel;
  readonly zMinMm: number;
  readonly zMaxMm: number;
  /** z of the vertebra's centroid, mm. */
  readonly zCentroidMm: number;
  readonly labelId: number;
}

export function vertebraRangesFromStats(structures: readonly StructureStats[], grid: Grid): ZRange[] {
  const m = grid.ijkToRas;
  const half = 0.5 * (Math.abs(m[8]) + Math.abs(m[9]) + Math.abs(m[10]));
  const out: ZRange[] = [];
  for (const s of structures) {
    if (!s.present || s.name === null) continue;
    const level = vertebraLevelOf(s.name);
    if (level === null) continue;
    out.push({ level, zMinMm: s.rasBounds.min[2] - half, zMaxMm: s.rasBounds.max[2] + half, zCentroidMm: s.rasCentroid[2], labelId: s.labelId });
  }
  return out.sort((a, b) => VERTEBRA_LEVELS.indexOf(a.level) - VERTEBRA_LEVELS.indexOf(b.level));
}

/**
 * The vertebra at height z: the one whose range holds z (the one whose mid-height is nearest when ranges
 * overlap), else the nearest one in z; null without vertebrae.
 */
export function levelAtZ(z: number, ranges: readonly ZRange[]): VertebraLevel | null {
  if (ranges.length === 0) return null;
  const holding = ranges.filter((r) => z >= r.zMinMm && z <= r.zMaxMm);
  const pool = holding.length > 0 ? holding : ranges;
  const gap = (r: ZRange) => (holding.length > 0 ? Math.abs((r.zMinMm + r.zMaxMm) / 2 - z) : Math.max(r.zMinMm - z, z - r.zMaxMm));
  return pool.reduce((a, b) => (gap(b) < gap(a) ? b : a)).level;
}
