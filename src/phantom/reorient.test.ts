import { describe, expect, it } from 'vitest';
import { applyMat4, makeIjkToRas, orientationCode, rasPoint, type Grid } from '../volume/geometry.ts';
import { allOrientations, inverseOrientation, orientationName, reorientArray, reorientGrid } from './reorient.ts';

/** An anisotropic, oblique-free LPS grid of 3 x 4 x 5 voxels whose values are their own linear index. */
const GRID: Grid = {
  dims: [3, 4, 5],
  ijkToRas: makeIjkToRas({ spacingMm: [1.5, 2, 3], direction: [-1, 0, 0, 0, -1, 0, 0, 0, 1], originRas: rasPoint(10, 20, -30) }),
};
const DATA = Float32Array.from({ length: 60 }, (_, n) => n);

function ras(grid: Grid, index: number): readonly number[] {
  const [ni, nj] = grid.dims;
  return applyMat4(grid.ijkToRas, [index % ni, Math.floor(index / ni) % nj, Math.floor(index / (ni * nj))]);
}

describe('reorient', () => {
  const all = allOrientations();

  it('lists 48 distinct orientations, the identity first', () => {
    expect(all).toHaveLength(48);
    expect(new Set(all.map(orientationName)).size).toBe(48);
    expect(all[0]).toEqual({ permutation: [0, 1, 2], flips: [false, false, false] });
  });

  it('gives each of the 48 a distinct orientation code, and the axis codes are the 48 of nibabel', () => {
    const codes = all.map((o) => orientationCode(reorientGrid(GRID, o).ijkToRas));
    expect(new Set(codes).size).toBe(48);
    expect(codes[0]).toBe('LPS');
    // permutation [2,1,0] with no flip: new i is old k (S), j is old j (P), k is old i (L).
    expect(codes[all.findIndex((o) => orientationName(o) === 'p210-f000')]).toBe('SPL');
  });

  it('keeps every voxel at the same RAS point (values identify the source voxel)', () => {
    for (const o of all) {
      const g = reorientGrid(GRID, o);
      const out = reorientArray(DATA, GRID, o);
      expect(out).toBeInstanceOf(Float32Array);
      expect(g.dims[0] * g.dims[1] * g.dims[2]).toBe(60);
      for (let n = 0; n < 60; n++) {
        const a = ras(g, n);
        const b = ras(GRID, out[n]);
        expect(Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]), orientationName(o)).toBeLessThan(1e-9);
      }
    }
  });

  it('round-trips: an orientation then its inverse gives back the same array and grid', () => {
    const labels = Uint16Array.from({ length: 60 }, (_, n) => (n * 7) % 11);
    for (const o of all) {
      const inv = inverseOrientation(o);
      const g = reorientGrid(GRID, o);
      expect(Array.from(reorientArray(reorientArray(DATA, GRID, o), g, inv))).toEqual(Array.from(DATA));
      expect(Array.from(reorientArray(reorientArray(labels, GRID, o), g, inv))).toEqual(Array.from(labels));
      const back = reorientGrid(g, inv);
      expect(back.dims).toEqual(GRID.dims);
      back.ijkToRas.forEach((v, n) => expect(v).toBeCloseTo(GRID.ijkToRas[n], 12));
    }
  });
});
