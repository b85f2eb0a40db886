/**
 * The arrays a phantom is painted into, and voxel iteration over a RAS box.
 */
import { invertMat4, type Grid, type Mat4 } from '../volume/geometry.ts';
import type { RasBox } from './shapes.ts';

export interface Canvas {
  readonly grid: Grid;
  readonly rasToIjk: Mat4;
  /** Nominal HU before noise. */
  readonly hu: Float32Array;
  /** Organs, vessels, bones, lesions (label ids of label-table.ts). */
  readonly layer0: Uint16Array;
  /** Sub-segments (liver segments, pancreas regions). */
  readonly layer1: Uint16Array;
}

export function makeCanvas(grid: Grid, backgroundHu: number): Canvas {
  const n = grid.dims[0] * grid.dims[1] * grid.dims[2];
  const hu = new Float32Array(n);
  hu.fill(backgroundHu);
  return { grid, rasToIjk: invertMat4(grid.ijkToRas), hu, layer0: new Uint16Array(n), layer1: new Uint16Array(n) };
}

/**
 * Calls `visit(index, x, y, z)` for every voxel whose centre may lie in the RAS box (the box's eight corners
 * mapped to ijk, widened to whole voxels and clipped to the grid). `visit` returning false stops the walk,
 * and the function then returns false.
 */
export function forEachVoxelInBox(
  canvas: Canvas,
  rasBox: RasBox,
  visit: (index: number, x: number, y: number, z: number) => boolean | void,
): boolean {
  const { dims, ijkToRas: m } = canvas.grid;
  const r = canvas.rasToIjk;
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (const x of [rasBox[0], rasBox[3]])
    for (const y of [rasBox[1], rasBox[4]])
      for (const z of [rasBox[2], rasBox[5]])
        for (let a = 0; a < 3; a++) {
          const v = r[a * 4] * x + r[a * 4 + 1] * y + r[a * 4 + 2] * z + r[a * 4 + 3];
          lo[a] = Math.min(lo[a], v);
          hi[a] = Math.max(hi[a], v);
        }
  const i0 = Math.max(0, Math.floor(lo[0]));
  const j0 = Math.max(0, Math.floor(lo[1]));
  const k0 = Math.max(0, Math.floor(lo[2]));
  const i1 = Math.min(dims[0] - 1, Math.ceil(hi[0]));
  const j1 = Math.min(dims[1] - 1, Math.ceil(hi[1]));
  const k1 = Math.min(dims[2] - 1, Math.ceil(hi[2]));
  for (let k = k0; k <= k1; k++)
    for (let j = j0; j <= j1; j++) {
      let index = (k * dims[1] + j) * dims[0] + i0;
      for (let i = i0; i <= i1; i++, index++) {
        const x = m[0] * i + m[1] * j + m[2] * k + m[3];
        const y = m[4] * i + m[5] * j + m[6] * k + m[7];
        const z = m[8] * i + m[9] * j + m[10] * k + m[11];
        if (visit(index, x, y, z) === false) return false;
      }
    }
  return true;
}

/** RAS centre of voxel `index` (i fastest). */
export function voxelRas(grid: Grid, index: number): [number, number, number] {
  const [ni, nj] = grid.dims;
  const i = index % ni;
  const j = Math.floor(index / ni) % nj;
  const k = Math.floor(index / (ni * nj));
  const m = grid.ijkToRas;
  return [
    m[0] * i + m[1] * j + m[2] * k + m[3],
    m[4] * i + m[5] * j + m[6] * k + m[7],
    m[8] * i + m[9] * j + m[10] * k + m[11],
  ];
}
