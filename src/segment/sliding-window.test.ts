import { describe, expect, it } from 'vitest';
import { makeIjkToRas, rasPoint } from '../volume/index.ts';
import { ctCoordinate, modelGridMap, nearestModelIndex } from './model-grid.ts';
import { gaussianImportance, roundHalfEven, windowStarts } from './sliding-window.ts';

describe('window starts (nnU-Net compute_steps_for_sliding_window)', () => {
  it('rounds half to even like np.round', () => {
    expect([0.5, 1.5, 2.5, 3.5, 2.4999, 2.5001].map(roundHalfEven)).toEqual([0, 2, 2, 4, 2, 3]);
  });
  it('spreads ceil((size - patch) / (patch / 2)) + 1 windows evenly', () => {
    expect(windowStarts(16, 16, 0.5)).toEqual([0]);
    expect(windowStarts(20, 16, 0.5)).toEqual([0, 4]);
    expect(windowStarts(24, 16, 0.5)).toEqual([0, 8]);
    // 84 / 11 = 7.636...: 0, 7.6, 15.3, 22.9, ... 84
    expect(windowStarts(100, 16, 0.5)).toEqual([0, 8, 15, 23, 31, 38, 46, 53, 61, 69, 76, 84]);
    // 5 / 2 = 2.5 -> np.round gives 2 (half to even), 5
    expect(windowStarts(13, 8, 0.5)).toEqual([0, 2, 5]);
  });
});

describe('Gaussian importance map', () => {
  it('peaks at 1 on floor(patch / 2) and falls to exp(-1/2) one sigma (patch / 8) away', () => {
    const w = gaussianImportance([16, 8, 8]);
    const at = (x: number, y: number, z: number) => w[x + 16 * (y + 8 * z)];
    expect(at(8, 4, 4)).toBe(1);
    expect(at(10, 4, 4)).toBeCloseTo(Math.exp(-0.5), 6); // sigma_i = 2 voxels
    expect(at(8, 5, 4)).toBeCloseTo(Math.exp(-0.5), 6); // sigma_j = 1 voxel
    expect(at(0, 0, 0)).toBeCloseTo(Math.exp(-0.5 * (16 + 16 + 16)), 12);
  });
});

describe('model grid map', () => {
  // LPS CT: i toward the patient's left, j posterior, k superior; 10 x 8 x 6 voxels at 1 x 1 x 2 mm.
  const grid = { dims: [10, 8, 6] as const, ijkToRas: makeIjkToRas({ spacingMm: [1, 1, 2], direction: [-1, 0, 0, 0, -1, 0, 0, 0, 1], originRas: rasPoint(0, 0, 0) }) };
  const map = modelGridMap(grid, 'RAS', [2, 2, 2]);
  it('follows the CT axes, flipping i and j to reach R and A', () => {
    expect(map.axes.map((a) => [a.ctAxis, a.flipped])).toEqual([[0, true], [1, true], [2, false]]);
    expect(map.modelDims).toEqual([5, 4, 6]);
  });
  it('samples edge-aligned: model voxel 0 of a 2:1 axis sits at CT 0.5, counted from the far end when flipped', () => {
    expect(ctCoordinate(map.axes[0], 0)).toBe(10 - 1 - 0.5);
    expect(ctCoordinate(map.axes[2], 3)).toBe(3);
    expect(nearestModelIndex(map.axes[0], 9)).toBe(0);
    expect(nearestModelIndex(map.axes[0], 0)).toBe(4);
  });
  it('matches a permuted CT (i along S) by the affine, not the array order', () => {
    const permuted = { dims: [6, 10, 8] as const, ijkToRas: makeIjkToRas({ spacingMm: [2, 1, 1], direction: [0, 1, 0, 0, 0, -1, 1, 0, 0], originRas: rasPoint(0, 0, 0) }) };
    const m = modelGridMap(permuted, 'RAS', [1, 1, 1]);
    expect(m.axes.map((a) => [a.ctAxis, a.flipped])).toEqual([[1, false], [2, true], [0, false]]);
    expect(m.modelDims).toEqual([10, 8, 12]);
  });
});
