import { describe, expect, it } from 'vitest';
import type { Dims, Grid } from '../volume/geometry.ts';
import { makeIjkToRas, rasPoint } from '../volume/geometry.ts';
import { distanceToPleuraMm, distanceTransformMm, minCentreDistanceMm, minDistanceMm } from './distance.ts';

function grid(dims: Dims, spacingMm: [number, number, number], direction: number[] = [1, 0, 0, 0, 1, 0, 0, 0, 1]): Grid {
  return { dims, ijkToRas: makeIjkToRas({ spacingMm, direction, originRas: rasPoint(-10, 20, 5) }) };
}
const at = (g: Grid, i: number, j: number, k: number) => i + g.dims[0] * (j + g.dims[1] * k);
function boxVoxels(g: Grid, i0: number, i1: number, j0: number, j1: number, k0: number, k1: number): Uint32Array {
  const out: number[] = [];
  for (let k = k0; k <= k1; k++) for (let j = j0; j <= j1; j++) for (let i = i0; i <= i1; i++) out.push(at(g, i, j, k));
  return Uint32Array.from(out);
}

/** Naive all-pairs reference, 1 mm isotropic axis-aligned grid. */
function bruteForce(g: Grid, a: Uint32Array, b: Uint32Array, sp: number[], gap: boolean): number {
  let best = Infinity;
  const [nx, ny] = g.dims;
  const ijk = (v: number) => [v % nx, Math.floor(v / nx) % ny, Math.floor(v / (nx * ny))];
  for (const va of a)
    for (const vb of b) {
      const p = ijk(va), q = ijk(vb);
      let s = 0;
      for (let c = 0; c < 3; c++) {
        const d = Math.abs(p[c] - q[c]);
        s += ((gap ? Math.max(0, d - 1) : d) * sp[c]) ** 2;
      }
      best = Math.min(best, s);
    }
  return Math.sqrt(best);
}

describe('minDistanceMm / minCentreDistanceMm', () => {
  it('single voxels 3-4-0 apart: centre 5 mm, gap sqrt(2^2 + 3^2) mm', () => {
    const g = grid([10, 10, 10], [1, 1, 1]);
    const a = new Uint32Array([at(g, 1, 1, 1)]);
    const b = new Uint32Array([at(g, 4, 5, 1)]);
    expect(minCentreDistanceMm(a, b, g)).toBeCloseTo(5, 12);
    expect(minDistanceMm(a, b, g)).toBeCloseTo(Math.sqrt(13), 12);
  });

  it('touching is gap 0 but one spacing between centres; overlap is 0 for both', () => {
    const g = grid([10, 10, 10], [0.8, 0.8, 2]);
    const a = boxVoxels(g, 0, 2, 0, 2, 0, 2);
    const b = boxVoxels(g, 0, 2, 0, 2, 3, 5);
    expect(minDistanceMm(a, b, g)).toBe(0);
    expect(minCentreDistanceMm(a, b, g)).toBeCloseTo(2, 12);
    expect(minDistanceMm(a, boxVoxels(g, 2, 4, 2, 4, 2, 4), g)).toBe(0);
    expect(minCentreDistanceMm(a, boxVoxels(g, 2, 4, 2, 4, 2, 4), g)).toBe(0);
  });

  it('anisotropic spacing: 3 slices apart at 2 mm is 6 mm centre, 4 mm gap', () => {
    const g = grid([8, 8, 12], [0.8, 0.8, 2]);
    const a = boxVoxels(g, 2, 5, 2, 5, 0, 2);
    const b = boxVoxels(g, 2, 5, 2, 5, 5, 7);
    expect(minCentreDistanceMm(a, b, g)).toBeCloseTo(6, 12);
    expect(minDistanceMm(a, b, g)).toBeCloseTo(4, 12);
  });

  it('is invariant to an oblique (rotated) direction matrix', () => {
    const c = Math.cos(0.5), s = Math.sin(0.5);
    const g = grid([10, 10, 10], [1, 1, 1], [c, -s, 0, s, c, 0, 0, 0, 1]);
    const a = new Uint32Array([at(g, 1, 1, 1)]);
    const b = new Uint32Array([at(g, 4, 5, 1)]);
    expect(minCentreDistanceMm(a, b, g)).toBeCloseTo(5, 10);
  });

  it('matches all-pairs brute force on random blobs (pruning is exact)', () => {
    const g = grid([24, 20, 16], [0.7, 1.1, 2.5]);
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 6; trial++) {
      const pick = (ci: number, cj: number, ck: number, r: number) => {
        const out: number[] = [];
        for (let k = 0; k < 16; k++) for (let j = 0; j < 20; j++) for (let i = 0; i < 24; i++)
          if ((i - ci) ** 2 + (j - cj) ** 2 + (k - ck) ** 2 <= r * r && rand() < 0.7) out.push(at(g, i, j, k));
        return Uint32Array.from(out);
      };
      const a = pick(5 + trial, 6, 4, 4);
      const b = pick(16, 12 - trial, 10, 4);
      expect(minCentreDistanceMm(a, b, g)).toBeCloseTo(bruteForce(g, a, b, [0.7, 1.1, 2.5], false), 10);
      expect(minDistanceMm(a, b, g)).toBeCloseTo(bruteForce(g, a, b, [0.7, 1.1, 2.5], true), 10);
    }
  });

  it('null for an empty mask', () => {
    const g = grid([4, 4, 4], [1, 1, 1]);
    expect(minDistanceMm(new Uint32Array(), new Uint32Array([0]), g)).toBeNull();
  });
});

describe('distanceTransformMm', () => {
  it('equals the brute-force nearest source with anisotropic spacing', () => {
    const dims: Dims = [9, 7, 5];
    const sp: [number, number, number] = [0.8, 1.3, 2];
    const src = new Uint8Array(9 * 7 * 5);
    const sources = [[1, 1, 1], [7, 5, 3], [4, 0, 4]];
    for (const [i, j, k] of sources) src[i + 9 * (j + 7 * k)] = 1;
    const { distSqMm2, nearest } = distanceTransformMm(src, dims, sp);
    for (let k = 0; k < 5; k++) for (let j = 0; j < 7; j++) for (let i = 0; i < 9; i++) {
      const ref = Math.min(...sources.map(([a, b, c]) => ((i - a) * sp[0]) ** 2 + ((j - b) * sp[1]) ** 2 + ((k - c) * sp[2]) ** 2));
      const v = i + 9 * (j + 7 * k);
      expect(distSqMm2[v]).toBeCloseTo(ref, 9);
      const n = nearest[v];
      const [a, b, c] = [n % 9, Math.floor(n / 9) % 7, Math.floor(n / 63)];
      expect(((i - a) * sp[0]) ** 2 + ((j - b) * sp[1]) ** 2 + ((k - c) * sp[2]) ** 2).toBeCloseTo(ref, 9);
    }
  });

  it('no source: Infinity and -1', () => {
    const r = distanceTransformMm(new Uint8Array(8), [2, 2, 2], [1, 1, 1]);
    expect(r.distSqMm2[3]).toBe(Infinity);
    expect(r.nearest[3]).toBe(-1);
  });
});

describe('distanceToPleuraMm', () => {
  const g = grid([24, 24, 24], [1, 1, 1]);
  const lung = boxVoxels(g, 2, 17, 2, 17, 2, 17);

  it('counts the lung tissue between lesion and the outside: 3 voxels -> 3 mm', () => {
    const lesion = boxVoxels(g, 5, 7, 8, 10, 8, 10); // lung voxels i = 2, 3, 4 between lesion and the outside
    expect(distanceToPleuraMm(lesion, lung, g)).toBeCloseTo(3, 12);
  });

  it('same answer when the lesion replaces the lung voxels (a hole in the lung mask)', () => {
    const lesion = boxVoxels(g, 5, 7, 8, 10, 8, 10);
    const inLesion = new Set(lesion);
    const lungWithHole = lung.filter((v) => !inLesion.has(v));
    expect(distanceToPleuraMm(lesion, lungWithHole, g)).toBeCloseTo(3, 12);
  });

  it('an enclosed cavity of the lung mask is not pleura', () => {
    const lesion = boxVoxels(g, 5, 7, 8, 10, 8, 10);
    const cavity = new Set(boxVoxels(g, 9, 10, 8, 10, 8, 10));
    expect(distanceToPleuraMm(lesion, lung.filter((v) => !cavity.has(v)), g)).toBeCloseTo(3, 12);
  });

  it('a lesion reaching the lung surface is 0 mm; a lesion at the scan border too', () => {
    expect(distanceToPleuraMm(boxVoxels(g, 2, 4, 8, 10, 8, 10), lung, g)).toBe(0);
    const lungAtBorder = boxVoxels(g, 0, 10, 0, 10, 0, 10);
    expect(distanceToPleuraMm(boxVoxels(g, 0, 1, 4, 5, 4, 5), lungAtBorder, g)).toBe(0);
  });
});
