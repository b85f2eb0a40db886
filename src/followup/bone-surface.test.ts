import { describe, expect, it } from 'vitest';
import { makeIjkToRas, rasPoint, type Volume } from '../volume/index.ts';
import { boneSurfaceRas, decodeBoneSurface, encodeBoneSurface, extractBoneSurface } from './bone-surface.ts';

function ct(dims: [number, number, number], spacing: [number, number, number], bone: (i: number, j: number, k: number) => boolean): Volume {
  const data = new Int16Array(dims[0] * dims[1] * dims[2]).fill(40);
  for (let k = 0; k < dims[2]; k++) for (let j = 0; j < dims[1]; j++) for (let i = 0; i < dims[0]; i++) if (bone(i, j, k)) data[i + dims[0] * (j + dims[1] * k)] = 700;
  const grid = { dims, ijkToRas: makeIjkToRas({ spacingMm: spacing, direction: [-1, 0, 0, 0, -1, 0, 0, 0, 1], originRas: rasPoint(10, 20, -30) }) };
  return { kind: 'volume', grid, data, meta: { source: { format: 'phantom', path: 'test' } } };
}

const config = { boneSurfaceMinHu: 300, boneSurfaceSampleMm: 2, boneSurfaceMaxPoints: 100_000 };
const inside = (lo: number, hi: number) => (i: number, j: number, k: number) => [i, j, k].every((v) => v >= lo && v <= hi);

describe('extractBoneSurface', () => {
  it('keeps the boundary samples of a bone cube: 10^3 - 8^3 = 488 at a 2 mm step on 2 mm voxels', () => {
    const s = extractBoneSurface(ct([20, 20, 20], [2, 2, 2], inside(5, 14)), config);
    expect(s.info).toEqual({ points: 488, minHu: 300, stepVoxels: [1, 1, 1] });
  });

  it('samples every round(2 mm / spacing) voxels: a 1 mm grid is read every 2 voxels', () => {
    // Bone voxels 4..23 on a 1 mm grid: samples at even indices 4..22 (10 per axis): again a 10^3 cube.
    const s = extractBoneSurface(ct([30, 30, 30], [1, 1, 1], inside(4, 23)), config);
    expect(s.info.stepVoxels).toEqual([2, 2, 2]);
    expect(s.info.points).toBe(488);
    expect([...s.ijk].every((v) => v % 2 === 0)).toBe(true);
  });

  it('makes no surface at the scan border: a slab through the whole grid has only its two free faces', () => {
    // Bone for k in 5..9 across all i, j: surface = the k = 5 and k = 9 layers, 20 x 20 each.
    const s = extractBoneSurface(ct([20, 20, 20], [2, 2, 2], (_i, _j, k) => k >= 5 && k <= 9), config);
    expect(s.info.points).toBe(800);
  });

  it('thins evenly above the point limit and maps points through the affine', () => {
    const s = extractBoneSurface(ct([20, 20, 20], [2, 2, 2], inside(5, 14)), { ...config, boneSurfaceMaxPoints: 100 });
    expect(s.info.points).toBe(98); // every 5th of 488
    const v = ct([20, 20, 20], [2, 2, 2], () => false);
    const ras = boneSurfaceRas(Uint16Array.from([0, 0, 0, 1, 2, 3]), v.grid);
    expect([...ras]).toEqual([10, 20, -30, 8, 16, -24]);
  });
});

describe('bone-surface file', () => {
  it('round-trips and refuses a wrong length or a point outside the grid', () => {
    const grid = ct([20, 20, 20], [2, 2, 2], () => false).grid;
    const ijk = Uint16Array.from([1, 2, 3, 19, 19, 19]);
    const bytes = encodeBoneSurface(ijk);
    expect([...decodeBoneSurface(bytes, 2, grid)]).toEqual([...ijk]);
    expect(() => decodeBoneSurface(bytes.subarray(0, 10), 2, grid)).toThrow(/holds 10 bytes; 2 points need 12/);
    expect(() => decodeBoneSurface(encodeBoneSurface(Uint16Array.from([1, 20, 3])), 1, grid)).toThrow(/outside/);
  });
});
