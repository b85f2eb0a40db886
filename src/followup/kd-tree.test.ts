import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../phantom/index.ts';
import { buildKdTree } from './kd-tree.ts';

describe('buildKdTree', () => {
  it('finds the same nearest neighbour as a linear scan', () => {
    const prng = mulberry32(9);
    const n = 2000;
    const points = new Float64Array(n * 3);
    for (let i = 0; i < points.length; i++) points[i] = prng.next() * 100;
    // Duplicate points and a flat cluster exercise equal splits.
    points.set([5, 5, 5, 5, 5, 5], 0);
    for (let i = 10; i < 60; i++) points[i * 3 + 2] = 50;
    const tree = buildKdTree(points);
    for (let q = 0; q < 300; q++) {
      const x = prng.next() * 120 - 10;
      const y = prng.next() * 120 - 10;
      const z = prng.next() * 120 - 10;
      let best = Infinity;
      for (let p = 0; p < n; p++) best = Math.min(best, (points[p * 3] - x) ** 2 + (points[p * 3 + 1] - y) ** 2 + (points[p * 3 + 2] - z) ** 2);
      const hit = tree.nearest(x, y, z);
      expect(hit.distanceSq).toBeCloseTo(best, 9);
      expect((points[hit.index * 3] - x) ** 2 + (points[hit.index * 3 + 1] - y) ** 2 + (points[hit.index * 3 + 2] - z) ** 2).toBeCloseTo(best, 9);
    }
  });

  it('answers an empty tree with no point', () => {
    expect(buildKdTree(new Float64Array(0)).nearest(0, 0, 0)).toEqual({ index: -1, distanceSq: Infinity });
  });
});
