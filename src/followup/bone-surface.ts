import type { FollowupConfig } from '../config.ts';
import { gctError } from '../errors.ts';
import type { Grid, Volume } from '../volume/index.ts';
import type { Point3 } from './rigid.ts';
import type { BoneSurfaceInfo } from './types.ts';

/**
 * The bone surface of a CT as points, for aligning two studies that share no labelled structure: bone keeps its
 * shape between studies (unlike organs, which breathe, fill and shrink). The CT is sampled every
 * round(sampleMm / spacing) voxels along each axis; a sample is bone at or above `minHu`; a bone sample is on the
 * surface when one of its six neighbours on the sampled grid is not bone (neighbours outside the grid do not
 * count, so the scan's own edges make no surface). More than `maxPoints` are thinned evenly in memory order.
 *
 * Points are kept as voxel indices (uint16 triples: exact, 6 bytes a point) and mapped to RAS mm through the
 * grid's ijkToRas when they are used.
 */

export const BONE_SURFACE_FILE = 'bone-surface.u16';

export interface BoneSurface {
  readonly info: Omit<BoneSurfaceInfo, 'file'>;
  /** i, j, k triples of the CT grid. */
  readonly ijk: Uint16Array;
}

export function extractBoneSurface(ct: Volume, config: Pick<FollowupConfig, 'boneSurfaceMinHu' | 'boneSurfaceSampleMm' | 'boneSurfaceMaxPoints'>): BoneSurface {
  const [ni, nj, nk] = ct.grid.dims;
  const m = ct.grid.ijkToRas;
  const spacing = [0, 1, 2].map((c) => Math.hypot(m[c], m[4 + c], m[8 + c]));
  const step = spacing.map((s) => Math.max(1, Math.round(config.boneSurfaceSampleMm / s))) as [number, number, number];
  // Voxel indices beyond 65535 cannot be stored as uint16; no CT axis is that long (the reader's voxel limit).
  if (ni > 65536 || nj > 65536 || nk > 65536) throw gctError('GCT_INTERNAL', `bone surface: grid ${ct.grid.dims.join('x')} has an axis longer than 65536 voxels.`);
  const si = Math.ceil(ni / step[0]);
  const sj = Math.ceil(nj / step[1]);
  const sk = Math.ceil(nk / step[2]);
  const data = ct.data;
  const min = config.boneSurfaceMinHu;
  // Bone flags of the sampled grid, two sample slices at a time would do, but the sampled grid is small (1/27 of
  // the CT at 3-voxel steps): one byte a sample.
  const bone = new Uint8Array(si * sj * sk);
  for (let c = 0; c < sk; c++) {
    const k = c * step[2];
    for (let b = 0; b < sj; b++) {
      const base = (b * step[1]) * ni + k * ni * nj;
      const row = (c * sj + b) * si;
      for (let a = 0; a < si; a++) if (data[base + a * step[0]] >= min) bone[row + a] = 1;
    }
  }
  const found: number[] = [];
  for (let c = 0; c < sk; c++)
    for (let b = 0; b < sj; b++) {
      const row = (c * sj + b) * si;
      for (let a = 0; a < si; a++) {
        const s = row + a;
        if (bone[s] === 0) continue;
        const surface =
          (a > 0 && bone[s - 1] === 0) || (a < si - 1 && bone[s + 1] === 0) ||
          (b > 0 && bone[s - si] === 0) || (b < sj - 1 && bone[s + si] === 0) ||
          (c > 0 && bone[s - si * sj] === 0) || (c < sk - 1 && bone[s + si * sj] === 0);
        if (surface) found.push(a * step[0], b * step[1], c * step[2]);
      }
    }
  const count = found.length / 3;
  const keepEvery = Math.max(1, Math.ceil(count / config.boneSurfaceMaxPoints));
  const kept = Math.ceil(count / keepEvery);
  const ijk = new Uint16Array(kept * 3);
  for (let p = 0, w = 0; p < count; p += keepEvery, w++) {
    ijk[w * 3] = found[p * 3];
    ijk[w * 3 + 1] = found[p * 3 + 1];
    ijk[w * 3 + 2] = found[p * 3 + 2];
  }
  return { info: { points: kept, minHu: min, stepVoxels: step }, ijk };
}

/** Little-endian bytes of the uint16 triples, as stored in the report folder. */
export function encodeBoneSurface(ijk: Uint16Array): Uint8Array {
  const out = new Uint8Array(ijk.length * 2);
  const view = new DataView(out.buffer);
  for (let n = 0; n < ijk.length; n++) view.setUint16(n * 2, ijk[n], true);
  return out;
}

/** The stored triples back, checked against the declared count and the grid. Throws a plain Error naming the problem. */
export function decodeBoneSurface(bytes: Uint8Array, points: number, grid: Grid): Uint16Array {
  if (bytes.length !== points * 6) throw new Error(`holds ${bytes.length} bytes; ${points} points need ${points * 6}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ijk = new Uint16Array(points * 3);
  for (let n = 0; n < ijk.length; n++) {
    ijk[n] = view.getUint16(n * 2, true);
    if (ijk[n] >= grid.dims[n % 3]) throw new Error(`point ${Math.floor(n / 3)} lies outside the ${grid.dims.join('x')} grid`);
  }
  return ijk;
}

/** The points in RAS mm, flat [x0, y0, z0, x1, ...]. */
export function boneSurfaceRas(ijk: Uint16Array, grid: Grid): Float64Array {
  const m = grid.ijkToRas;
  const out = new Float64Array(ijk.length);
  for (let p = 0; p < ijk.length; p += 3) {
    const i = ijk[p];
    const j = ijk[p + 1];
    const k = ijk[p + 2];
    out[p] = m[0] * i + m[1] * j + m[2] * k + m[3];
    out[p + 1] = m[4] * i + m[5] * j + m[6] * k + m[7];
    out[p + 2] = m[8] * i + m[9] * j + m[10] * k + m[11];
  }
  return out;
}

export function pointAt(points: Float64Array, n: number): Point3 {
  return [points[n * 3], points[n * 3 + 1], points[n * 3 + 2]];
}
