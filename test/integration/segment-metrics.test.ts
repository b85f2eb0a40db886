import { describe, expect, it } from 'vitest';
import { averageSymmetricSurfaceDistanceMm, dice, squaredDistanceMm2 } from '../../eval/segment/surface-distance.ts';

describe('segmentation metrics', () => {
  const dims = [12, 10, 8] as const;
  const box = (x0: number, x1: number) => {
    const m = new Uint8Array(12 * 10 * 8);
    for (let z = 2; z < 6; z++) for (let y = 2; y < 8; y++) for (let x = x0; x < x1; x++) m[x + 12 * (y + 10 * z)] = 1;
    return m;
  };
  it('Dice of two 4x6x4 boxes shifted by one voxel: 2*72/(96+96) = 0.75', () => {
    expect(dice(box(2, 6), box(3, 7))).toBe(0.75);
  });
  it('squared distance with anisotropic spacing: (3 voxels * 2 mm)^2 + (1 * 0.5 mm)^2', () => {
    const src = new Uint8Array(12 * 10 * 8);
    src[1 + 12 * (1 + 10 * 1)] = 1;
    const d = squaredDistanceMm2(src, dims, [2, 0.5, 3]);
    expect(d[4 + 12 * (2 + 10 * 1)]).toBeCloseTo(36.25, 12);
    expect(d[1 + 12 * (1 + 10 * 3)]).toBeCloseTo(36, 12);
  });
  it('ASSD is 0 for identical masks and the spacing for a 1-voxel shift along i of a 1-voxel-thick slab', () => {
    expect(averageSymmetricSurfaceDistanceMm(box(2, 6), box(2, 6), dims, [2, 1, 1])).toBe(0);
    // Two slabs one voxel thick, x = 4 and x = 5: every surface voxel is 2 mm (one i step) from the other.
    expect(averageSymmetricSurfaceDistanceMm(box(4, 5), box(5, 6), dims, [2, 1, 1])).toBeCloseTo(2, 12);
  });
});
