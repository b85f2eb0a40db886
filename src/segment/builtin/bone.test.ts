/**
 * dropBoneRim on a row of voxels with hand-computed half-maximum edges: threshold = 40 + 0.5 * (local max - 40) HU.
 */
import { describe, expect, it } from 'vitest';
import { dropBoneRim } from './bone.ts';
import { maskRuns } from './components.ts';

function run(huValues: number[], mask: number[], seedHu: number): { bone: number[]; dropped: number } {
  const bone = Uint8Array.from(mask);
  const hu = Float32Array.from(huValues);
  const dims = [huValues.length, 1, 1] as const;
  const dropped = dropBoneRim(bone, hu, dims, seedHu, maskRuns(bone, dims[0], 1));
  return { bone: [...bone], dropped };
}

describe('dropBoneRim', () => {
  it('drops a boundary voxel under the half maximum of its brightest bone neighbour, keeps interior and thin-bone edges', () => {
    // x1: 250 HU beside 1000 HU cortex -> edge 520 HU, dropped. x3: 100 HU but interior, kept.
    // x6: 250 HU beside 400 HU (thin bone) -> edge 220 HU, kept. The volume border (y, z) is not outside.
    const { bone, dropped } = run([0, 250, 1000, 100, 400, 400, 250, 0], [0, 1, 1, 1, 1, 1, 1, 0], 300);
    expect(bone).toEqual([0, 0, 1, 1, 1, 1, 1, 0]);
    expect(dropped).toBe(1);
  });

  it('drops 210 HU beside 400 HU (edge 220 HU) and never drops a seed voxel', () => {
    // x1: 350 HU beside 1000 HU (edge 520) is at least the seed threshold (300): kept.
    const { bone, dropped } = run([0, 350, 1000, 400, 210, 0], [0, 1, 1, 1, 1, 0], 300);
    expect(bone).toEqual([0, 1, 1, 1, 0, 0]);
    expect(dropped).toBe(1);
  });

  it('tests against the mask before the step (one erosion, not repeated peeling)', () => {
    // x1 (60 HU) is dropped; x2 (200 HU beside 1000 HU) was interior before the step and stays.
    const { bone } = run([0, 60, 200, 1000, 1000, 0], [0, 1, 1, 1, 1, 0], 300);
    expect(bone).toEqual([0, 0, 1, 1, 1, 0]);
  });
});
