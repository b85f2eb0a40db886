import { describe, expect, it } from 'vitest';
import {
  affineProblem, applyMat4, ijkPoint, ijkToRasPoint, invertMat4, isAxisAligned, makeIjkToRas, multiplyMat4, orientationCode,
  rasPoint, rasToIjkPoint, sameGrid, splitIjkToRas, voxelVolumeMm3,
} from './geometry.ts';

const I3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

function rotation(axis: 'x' | 'y' | 'z', deg: number): number[] {
  const c = Math.cos((deg * Math.PI) / 180);
  const s = Math.sin((deg * Math.PI) / 180);
  if (axis === 'x') return [1, 0, 0, 0, c, -s, 0, s, c];
  if (axis === 'y') return [c, 0, s, 0, 1, 0, -s, 0, c];
  return [c, -s, 0, s, c, 0, 0, 0, 1];
}

describe('ijkToRas build and split', () => {
  it('round-trips spacing, direction and origin for an oblique anisotropic grid', () => {
    const r = multiplyMat4(
      [...rotation('z', 30).slice(0, 3), 0, ...rotation('z', 30).slice(3, 6), 0, ...rotation('z', 30).slice(6), 0, 0, 0, 0, 1],
      [...rotation('x', 12).slice(0, 3), 0, ...rotation('x', 12).slice(3, 6), 0, ...rotation('x', 12).slice(6), 0, 0, 0, 0, 1],
    );
    const direction = [r[0], r[1], r[2], r[4], r[5], r[6], r[8], r[9], r[10]];
    const m = makeIjkToRas({ spacingMm: [0.7, 0.9, 2.5], direction, originRas: rasPoint(-120.5, 33, 400) });
    const parts = splitIjkToRas(m);
    parts.spacingMm.forEach((s, n) => expect(s).toBeCloseTo([0.7, 0.9, 2.5][n], 12));
    parts.direction.forEach((d, n) => expect(d).toBeCloseTo(direction[n], 12));
    expect([...parts.originRas]).toEqual([-120.5, 33, 400]);
    expect(voxelVolumeMm3({ dims: [1, 1, 1], ijkToRas: m })).toBeCloseTo(0.7 * 0.9 * 2.5, 12);
    expect(isAxisAligned(m)).toBe(false);
  });

  it('maps voxel (2,3,4) to origin + spacing-scaled direction, and back', () => {
    const grid = { dims: [10, 10, 10] as const, ijkToRas: makeIjkToRas({ spacingMm: [2, 2, 3], direction: [-1, 0, 0, 0, -1, 0, 0, 0, 1], originRas: rasPoint(10, 20, 30) }) };
    const p = ijkToRasPoint(grid, ijkPoint(2, 3, 4));
    expect([...p]).toEqual([10 - 4, 20 - 6, 30 + 12]);
    const back = rasToIjkPoint(grid, p);
    [2, 3, 4].forEach((v, n) => expect(back[n]).toBeCloseTo(v, 12));
  });

  it('inverts an affine exactly (M · M^-1 = I)', () => {
    const m = makeIjkToRas({ spacingMm: [0.8, 0.8, 5], direction: rotation('y', 20), originRas: rasPoint(1, 2, 3) });
    const id = multiplyMat4(m, invertMat4(m));
    id.forEach((v, n) => expect(v).toBeCloseTo([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1][n], 12));
    expect(() => invertMat4([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])).toThrow(/singular/);
  });
});

describe('orientation codes follow nibabel aff2axcodes', () => {
  // Expected codes checked with nibabel 5.0 aff2axcodes.
  it.each([
    [[1, 0, 0, 0, 1, 0, 0, 0, 1], 'RAS'],
    [[-1, 0, 0, 0, -1, 0, 0, 0, 1], 'LPS'],
    [[-1, 0, 0, 0, 0, 1, 0, -1, 0], 'LIA'],
    [[0, 0, 1, 1, 0, 0, 0, 1, 0], 'ASR'],
    [[0, -1, 0, 0, 0, -1, -1, 0, 0], 'ILP'],
  ])('direction %j -> %s', (direction, code) => {
    expect(orientationCode(makeIjkToRas({ spacingMm: [1, 2, 3], direction, originRas: rasPoint(0, 0, 0) }))).toBe(code);
  });

  it('names the closest axis of an oblique grid (20 deg about z)', () => {
    expect(orientationCode(makeIjkToRas({ spacingMm: [1, 1, 1], direction: rotation('z', 20), originRas: rasPoint(0, 0, 0) }))).toBe('RAS');
    expect(orientationCode(makeIjkToRas({ spacingMm: [1, 1, 1], direction: rotation('z', 120), originRas: rasPoint(0, 0, 0) }))).toBe('ALS');
  });
});

describe('grid comparison and affine checks', () => {
  const m = makeIjkToRas({ spacingMm: [1, 1, 1], direction: I3, originRas: rasPoint(0, 0, 0) });
  it('treats a 0.005 mm shift as the same grid and 0.5 mm as another', () => {
    const shifted = (d: number) => ({ dims: [4, 4, 4] as const, ijkToRas: m.map((v, n) => (n === 3 ? v + d : v)) });
    expect(sameGrid({ dims: [4, 4, 4], ijkToRas: m }, shifted(0.005), 0.01)).toBe(true);
    expect(sameGrid({ dims: [4, 4, 4], ijkToRas: m }, shifted(0.5), 0.01)).toBe(false);
    expect(sameGrid({ dims: [4, 4, 4], ijkToRas: m }, { dims: [4, 4, 5], ijkToRas: m }, 0.01)).toBe(false);
  });
  it('reports NaN and singular matrices', () => {
    expect(affineProblem(m)).toBeNull();
    expect(affineProblem(m.map((v, n) => (n === 5 ? NaN : v)))).toMatch(/NaN/);
    expect(affineProblem(m.map((v, n) => (n === 10 ? 0 : v)))).toMatch(/singular/);
    expect(applyMat4(m, [1, 2, 3])).toEqual([1, 2, 3]);
  });
});
