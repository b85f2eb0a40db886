import { describe, expect, it } from 'vitest';
import type { Dims } from '../volume/geometry.ts';
import { extractComponents, labelComponents } from './components.ts';
import type { Connectivity } from './lesion-types.ts';

function grid(dims: Dims, on: readonly (readonly [number, number, number])[]): Uint8Array {
  const mask = new Uint8Array(dims[0] * dims[1] * dims[2]);
  for (const [i, j, k] of on) mask[i + dims[0] * (j + dims[1] * k)] = 1;
  return mask;
}

/** Reference labelling by breadth-first search over the explicit neighbour offsets of each connectivity. */
function bfsCount(mask: Uint8Array, dims: Dims, connectivity: Connectivity): { count: number; labels: Int32Array } {
  const [ni, nj, nk] = dims;
  const offsets: number[][] = [];
  for (let dk = -1; dk <= 1; dk++)
    for (let dj = -1; dj <= 1; dj++)
      for (let di = -1; di <= 1; di++) {
        const order = Math.abs(di) + Math.abs(dj) + Math.abs(dk);
        if (order === 0) continue;
        if (connectivity === 6 && order > 1) continue;
        if (connectivity === 18 && order > 2) continue;
        offsets.push([di, dj, dk]);
      }
  const labels = new Int32Array(mask.length);
  let count = 0;
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || labels[start]) continue;
    labels[start] = ++count;
    const queue = [start];
    while (queue.length) {
      const idx = queue.pop()!;
      const i = idx % ni;
      const j = Math.floor(idx / ni) % nj;
      const k = Math.floor(idx / (ni * nj));
      for (const [di, dj, dk] of offsets) {
        const a = i + di;
        const b = j + dj;
        const c = k + dk;
        if (a < 0 || b < 0 || c < 0 || a >= ni || b >= nj || c >= nk) continue;
        const n = a + ni * (b + nj * c);
        if (mask[n] && !labels[n]) {
          labels[n] = count;
          queue.push(n);
        }
      }
    }
  }
  return { count, labels };
}

describe('labelComponents', () => {
  it('joins two cubes touching by a corner only under 26-connectivity, not under 6 or 18', () => {
    const dims: Dims = [6, 6, 6];
    const on: [number, number, number][] = [];
    for (let k = 0; k < 2; k++) for (let j = 0; j < 2; j++) for (let i = 0; i < 2; i++) on.push([i, j, k], [i + 2, j + 2, k + 2]);
    const mask = grid(dims, on);
    expect(labelComponents(mask, dims, 26).count).toBe(1);
    expect(labelComponents(mask, dims, 18).count).toBe(2);
    const six = labelComponents(mask, dims, 6);
    expect(six.count).toBe(2);
    expect(Array.from(six.voxelCounts)).toEqual([0, 8, 8]);
    expect(six.labels[0]).toBe(1);
    expect(six.labels[2 + 6 * (2 + 6 * 2)]).toBe(2);
  });

  it('joins voxels sharing an edge under 18 and 26, not under 6', () => {
    const dims: Dims = [3, 3, 3];
    const mask = grid(dims, [[0, 0, 0], [1, 1, 0]]);
    expect(labelComponents(mask, dims, 6).count).toBe(2);
    expect(labelComponents(mask, dims, 18).count).toBe(1);
    expect(labelComponents(mask, dims, 26).count).toBe(1);
  });

  it('numbers components by first voxel and counts their voxels', () => {
    const dims: Dims = [5, 1, 1];
    const { labels, voxelCounts, count } = labelComponents(grid(dims, [[0, 0, 0], [1, 0, 0], [3, 0, 0]]), dims);
    expect(count).toBe(2);
    expect(Array.from(labels)).toEqual([1, 1, 0, 2, 0]);
    expect(Array.from(voxelCounts)).toEqual([0, 2, 1]);
  });

  it('finds nothing in an empty mask', () => {
    const dims: Dims = [4, 4, 4];
    const r = labelComponents(new Uint8Array(64), dims);
    expect(r.count).toBe(0);
    expect(r.labels.every((v) => v === 0)).toBe(true);
  });

  it('matches a breadth-first search on random masks for every connectivity', () => {
    const dims: Dims = [17, 13, 11];
    let seed = 12345;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (const density of [0.2, 0.35, 0.5]) {
      const mask = new Uint8Array(dims[0] * dims[1] * dims[2]).map(() => (rand() < density ? 1 : 0));
      for (const connectivity of [6, 18, 26] as const) {
        const ours = labelComponents(mask, dims, connectivity);
        const ref = bfsCount(mask, dims, connectivity);
        expect(ours.count).toBe(ref.count);
        // Same partition: BFS also numbers by first voxel, so the labels are identical.
        expect(Array.from(ours.labels)).toEqual(Array.from(ref.labels));
        const fromPredicate = labelComponents((idx) => mask[idx] === 1, dims, connectivity);
        expect(Array.from(fromPredicate.labels)).toEqual(Array.from(ours.labels));
      }
    }
  });

  it('rejects a mask whose length does not match dims', () => {
    expect(() => labelComponents(new Uint8Array(10), [2, 2, 2])).toThrow(RangeError);
  });
});

describe('extractComponents', () => {
  it('splits each label into components sorted by size, drops and counts small ones', () => {
    const dims: Dims = [10, 4, 3];
    const labels = new Uint16Array(dims[0] * dims[1] * dims[2]);
    const set = (i: number, j: number, k: number, v: number): void => {
      labels[i + dims[0] * (j + dims[1] * k)] = v;
    };
    // Label 7: a 2-voxel blob first in memory, then a 4-voxel blob, then a single voxel.
    set(0, 0, 0, 7);
    set(1, 0, 0, 7);
    for (let i = 4; i < 6; i++) for (let j = 1; j < 3; j++) set(i, j, 1, 7);
    set(9, 3, 2, 7);
    // Label 3 surrounds label 7's second blob without merging into it.
    set(3, 1, 1, 3);
    set(6, 1, 1, 3);
    const [l7, l3, l9] = extractComponents(labels, dims, [7, 3, 9], 2);
    expect(l7.components.map((c) => c.voxelCount)).toEqual([4, 2]);
    expect(l7.droppedCount).toBe(1);
    expect(l7.droppedVoxelCount).toBe(1);
    const big = l7.components[0];
    expect(Array.from(big.indices)).toEqual([14, 15, 24, 25].map((x) => x + 40));
    expect(big.ijkMin).toEqual([4, 1, 1]);
    expect(big.ijkMax).toEqual([5, 2, 1]);
    expect(l3.components).toHaveLength(0);
    expect(l3.droppedCount).toBe(2);
    expect(l9.components).toHaveLength(0);
    expect(l9.droppedCount).toBe(0);
  });

  it('keeps equal-sized components in first-voxel order', () => {
    const dims: Dims = [7, 1, 1];
    const labels = Uint8Array.from([5, 0, 5, 0, 5, 5, 0]);
    const [r] = extractComponents(labels, dims, [5], 0);
    expect(r.components.map((c) => Array.from(c.indices))).toEqual([[4, 5], [0], [2]]);
  });

  it('agrees with labelComponents on a random multilabel array', () => {
    const dims: Dims = [15, 12, 9];
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const labels = new Uint8Array(dims[0] * dims[1] * dims[2]).map(() => (rand() < 0.4 ? 1 + Math.floor(rand() * 3) : 0));
    for (const id of [1, 2, 3]) {
      const [r] = extractComponents(labels, dims, [id], 1, 26);
      const ref = labelComponents(labels.map((v) => (v === id ? 1 : 0)), dims, 26);
      expect(r.components).toHaveLength(ref.count);
      const total = r.components.reduce((s, c) => s + c.voxelCount, 0);
      expect(total).toBe(labels.filter((v) => v === id).length);
      for (const c of r.components) {
        const ids = new Set(Array.from(c.indices, (idx) => ref.labels[idx]));
        expect(ids.size).toBe(1);
        expect(ref.voxelCounts[[...ids][0]]).toBe(c.voxelCount);
      }
    }
  });
});
