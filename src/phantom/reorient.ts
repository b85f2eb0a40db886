/**
 * Rewrites a study in another of the 48 axis orderings (3! permutations x 2^3 flips) of its grid, adjusting
 * ijkToRas so that every voxel keeps its place in patient space: voxel n of the new grid maps to the same RAS
 * point as its source voxel o of the old grid.
 *
 * New axis a reads old axis p[a]: o[p[a]] = flips[a] ? dims[p[a]] - 1 - n[a] : n[a]. Written as o = A n + c
 * (A[p[a]][a] = -1 or +1, c[p[a]] = dims[p[a]] - 1 when flipped), the new matrix is ijkToRas_old x [A c; 0 1].
 */
import { multiplyMat4, orientationCode, splitIjkToRas, type Dims, type Grid, type Mat4 } from '../volume/geometry.ts';
import type { LabelArray, VoxelArray } from '../volume/types.ts';
import type { Orientation, Study } from './types.ts';

const PERMUTATIONS: readonly Orientation['permutation'][] = [
  [0, 1, 2],
  [0, 2, 1],
  [1, 0, 2],
  [1, 2, 0],
  [2, 0, 1],
  [2, 1, 0],
];

/** All 48 orientations, the identity first. */
export function allOrientations(): Orientation[] {
  const out: Orientation[] = [];
  for (const permutation of PERMUTATIONS)
    for (let bits = 0; bits < 8; bits++) out.push({ permutation, flips: [(bits & 1) !== 0, (bits & 2) !== 0, (bits & 4) !== 0] });
  return out;
}

/** The orientation that undoes `o`: reorient(reorient(x, o), inverseOrientation(o)) = x. */
export function inverseOrientation(o: Orientation): Orientation {
  const q = [0, 0, 0] as [0 | 1 | 2, 0 | 1 | 2, 0 | 1 | 2];
  const f: [boolean, boolean, boolean] = [false, false, false];
  for (let a = 0; a < 3; a++) {
    q[o.permutation[a]] = a as 0 | 1 | 2;
    f[o.permutation[a]] = o.flips[a];
  }
  return { permutation: q, flips: f };
}

export function orientationName(o: Orientation): string {
  return `p${o.permutation.join('')}-f${o.flips.map((b) => (b ? 1 : 0)).join('')}`;
}

/** The grid of the reoriented array. */
export function reorientGrid(grid: Grid, o: Orientation): Grid {
  const p = o.permutation;
  if (new Set(p).size !== 3) throw new RangeError(`permutation must use 0, 1, 2 once each, got [${p.join(', ')}]`);
  const dims = [grid.dims[p[0]], grid.dims[p[1]], grid.dims[p[2]]] as unknown as Dims;
  const m = new Array<number>(16).fill(0);
  m[15] = 1;
  for (let a = 0; a < 3; a++) {
    m[p[a] * 4 + a] = o.flips[a] ? -1 : 1;
    if (o.flips[a]) m[p[a] * 4 + 3] = grid.dims[p[a]] - 1;
  }
  return { dims, ijkToRas: multiplyMat4(grid.ijkToRas, m as Mat4) };
}

/** Copies `data` (laid out on `grid`) into the layout of the reoriented grid. */
export function reorientArray<T extends VoxelArray | LabelArray>(data: T, grid: Grid, o: Orientation): T {
  const [d0, d1] = grid.dims;
  const oldStride = [1, d0, d0 * d1];
  const p = o.permutation;
  const nd = [grid.dims[p[0]], grid.dims[p[1]], grid.dims[p[2]]];
  const step = [0, 1, 2].map((a) => (o.flips[a] ? -oldStride[p[a]] : oldStride[p[a]]));
  let base = 0;
  for (let a = 0; a < 3; a++) if (o.flips[a]) base += (grid.dims[p[a]] - 1) * oldStride[p[a]];
  const out = new (data.constructor as new (n: number) => T)(data.length);
  let n = 0;
  for (let c = 0; c < nd[2]; c++) {
    const sc = base + c * step[2];
    for (let b = 0; b < nd[1]; b++) {
      let src = sc + b * step[1];
      for (let a = 0; a < nd[0]; a++, n++, src += step[0]) out[n] = data[src];
    }
  }
  return out;
}

/** The study with CT and every label layer rewritten in orientation `o`; the truth's grid block is updated. */
export function reorientStudy(study: Study, o: Orientation): Study {
  const grid = reorientGrid(study.ct.grid, o);
  const parts = splitIjkToRas(grid.ijkToRas);
  return {
    ct: { ...study.ct, grid, data: reorientArray(study.ct.data, study.ct.grid, o) },
    labels: { ...study.labels, grid, layers: study.labels.layers.map((l) => reorientArray(l, study.labels.grid, o)) },
    truth: {
      ...study.truth,
      grid: {
        ...study.truth.grid,
        dims: [grid.dims[0], grid.dims[1], grid.dims[2]],
        spacingMm: [parts.spacingMm[0], parts.spacingMm[1], parts.spacingMm[2]],
        orientation: orientationCode(grid.ijkToRas),
      },
    },
  };
}
