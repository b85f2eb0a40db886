import { describe, expect, it } from 'vitest';
import type { Dims } from '../volume/geometry.ts';
import { findParentOrgan } from './parent-organ.ts';

const dims: Dims = [12, 12, 12];
const idx = (i: number, j: number, k: number) => i + dims[0] * (j + dims[1] * k);

/** Voxel indices and label array of a box [i0..i1] x [j0..j1] x [k0..k1] (inclusive). */
function box(i0: number, i1: number, j0: number, j1: number, k0: number, k1: number): number[] {
  const out: number[] = [];
  for (let k = k0; k <= k1; k++) for (let j = j0; j <= j1; j++) for (let i = i0; i <= i1; i++) out.push(idx(i, j, k));
  return out;
}
function paint(layer: Uint8Array, voxels: number[], id: number): void {
  for (const v of voxels) layer[v] = id;
}
const N = dims[0] * dims[1] * dims[2];

describe('findParentOrgan', () => {
  it('by overlap: a lesion on its own layer inside the liver; most overlap wins over a kidney', () => {
    const organs = new Uint8Array(N);
    paint(organs, box(0, 5, 0, 11, 0, 11), 1); // liver, i 0..5
    paint(organs, box(6, 11, 0, 11, 0, 11), 3); // kidney, i 6..11
    const lesion = box(3, 6, 4, 6, 4, 6); // i 3,4,5 in liver (27 voxels), i 6 in kidney (9 voxels)
    const lesionLayer = new Uint8Array(N);
    paint(lesionLayer, lesion, 9);
    const r = findParentOrgan(new Uint32Array(lesion), dims, [organs, lesionLayer], [1, 3]);
    expect(r.how).toBe('overlap');
    expect(r.labelId).toBe(1);
    expect(r.overlapVoxels).toBe(27);
    expect(r.candidates.map((c) => [c.labelId, c.overlapVoxels])).toEqual([[1, 27], [3, 9]]);
  });

  it('LiTS style: tumour voxels replace the liver label; overlap 0, contact on every surface voxel', () => {
    const layer = new Uint8Array(N);
    paint(layer, box(1, 10, 1, 10, 1, 10), 1); // liver
    const tumour = box(4, 6, 4, 6, 4, 6);
    paint(layer, tumour, 2); // tumour overwrites liver
    const r = findParentOrgan(new Int32Array(tumour), dims, [layer], [1]);
    expect(r.how).toBe('contact');
    expect(r.labelId).toBe(1);
    expect(r.overlapVoxels).toBe(0);
    // every voxel of the 3x3x3 tumour except its centre has a 26-neighbour in the liver
    expect(r.contactVoxels).toBe(26);
  });

  it('contact picks the organ touched by more lesion voxels, diagonal contact included', () => {
    const layer = new Uint8Array(N);
    const lesion = box(4, 6, 4, 6, 4, 6);
    paint(layer, box(7, 7, 4, 6, 4, 6), 5); // a face-touching slab on i+ : 9 lesion voxels touch it
    paint(layer, [idx(3, 3, 3)], 6); // one diagonal corner neighbour: only voxel (4,4,4) touches it
    const r = findParentOrgan(new Uint32Array(lesion), dims, [layer], [5, 6]);
    expect(r.labelId).toBe(5);
    expect(r.contactVoxels).toBe(9);
    expect(r.candidates.find((c) => c.labelId === 6)?.contactVoxels).toBe(1);
  });

  it('two voxels away is no contact: null parent, "none"', () => {
    const layer = new Uint8Array(N);
    paint(layer, box(8, 11, 0, 11, 0, 11), 1);
    const lesion = box(4, 6, 4, 6, 4, 6); // i 6 .. gap at i 7 .. organ from i 8
    const r = findParentOrgan(new Uint32Array(lesion), dims, [layer], [1]);
    expect(r).toMatchObject({ labelId: null, how: 'none', overlapVoxels: 0, contactVoxels: 0 });
  });

  it('handles a lesion at the grid border', () => {
    const layer = new Uint8Array(N);
    paint(layer, box(0, 11, 0, 11, 1, 11), 1);
    const lesion = box(0, 1, 0, 1, 0, 0);
    const r = findParentOrgan(new Uint32Array(lesion), dims, [layer], [1]);
    expect(r).toMatchObject({ labelId: 1, how: 'contact', contactVoxels: 4 });
  });
});

describe('findParentOrgan: adjacency across a gap (expert contours exclude the tumour from its organ)', () => {
  it('a lesion in a hole of the organ mask with a 2-voxel rim borders it within 3 mm at 1 mm spacing', () => {
    const layer = new Uint8Array(N);
    paint(layer, box(0, 11, 0, 11, 0, 11), 1); // the organ
    paint(layer, box(2, 9, 2, 9, 2, 9), 0); // hole: tumour (4..7) plus a 2-voxel empty rim
    const lesion = box(4, 7, 4, 7, 4, 7);
    const none = findParentOrgan(new Uint32Array(lesion), dims, [layer], [1]);
    expect(none.how).toBe('none');
    const r = findParentOrgan(new Uint32Array(lesion), dims, [layer], [1], { spacingMm: [1, 1, 1], maxGapMm: 3 });
    expect(r).toMatchObject({ labelId: 1, how: 'adjacent', overlapVoxels: 0, contactVoxels: 0 });
    // every surface voxel of the 4x4x4 tumour (64 - 8 interior) sees the organ within 3 mm
    expect(r.adjacentVoxels).toBe(56);
  });

  it('the organ bordering most of the surface wins; a gap wider than the limit is no border', () => {
    const layer = new Uint8Array(N);
    const lesion = box(4, 6, 4, 6, 4, 6);
    paint(layer, box(9, 11, 0, 11, 0, 11), 2); // 2 empty voxels (i 7, 8) to the i+ side: gap 2 mm
    paint(layer, box(4, 4, 0, 1, 4, 4), 3); // a thin column 2 empty voxels (j 2, 3) below one corner: gap 2 mm
    const r = findParentOrgan(new Uint32Array(lesion), dims, [layer], [2, 3], { spacingMm: [1, 1, 1], maxGapMm: 2 });
    expect(r.how).toBe('adjacent');
    expect(r.labelId).toBe(2);
    // the whole i+ face (9 voxels) borders organ 2; the corner column reaches 4 voxels of the j- face
    expect(r.candidates.map((c) => [c.labelId, c.adjacentVoxels])).toEqual([[2, 9], [3, 4]]);
    // At 1 mm the organs two empty voxels away are not bordering.
    expect(findParentOrgan(new Uint32Array(lesion), dims, [layer], [2, 3], { spacingMm: [1, 1, 1], maxGapMm: 1 }).how).toBe('none');
  });

  it('uses the grid spacing: 2 empty voxels are 6 mm across 3 mm slices', () => {
    const layer = new Uint8Array(N);
    paint(layer, box(0, 11, 0, 11, 9, 11), 1); // organ above, k 9..11; lesion k 4..6; empty k 7, 8
    const lesion = box(4, 6, 4, 6, 4, 6);
    expect(findParentOrgan(new Uint32Array(lesion), dims, [layer], [1], { spacingMm: [1, 1, 3], maxGapMm: 5 }).how).toBe('none');
    expect(findParentOrgan(new Uint32Array(lesion), dims, [layer], [1], { spacingMm: [1, 1, 3], maxGapMm: 6 })).toMatchObject({ how: 'adjacent', labelId: 1, adjacentVoxels: 9 });
  });
});

describe('findParentOrgan: contact counts equal a brute-force count on random shapes', () => {
  it('solid blobs with a thick interior (the scan skips interior voxels) give the same per-organ counts', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const d: Dims = [20, 18, 16];
    const n = d[0] * d[1] * d[2];
    const at = (i: number, j: number, k: number) => i + d[0] * (j + d[1] * k);
    for (let trial = 0; trial < 6; trial++) {
      const layer = new Uint8Array(n);
      for (let v = 0; v < n; v++) layer[v] = rand() < 0.35 ? 1 + Math.floor(rand() * 3) : 0;
      // a ball of radius 4-6 with a ragged rim, touching the grid border in some trials
      const [ci, cj, ck, r] = [3 + rand() * 14, 3 + rand() * 12, 3 + rand() * 10, 4 + rand() * 2];
      const lesion: number[] = [];
      for (let k = 0; k < d[2]; k++)
        for (let j = 0; j < d[1]; j++)
          for (let i = 0; i < d[0]; i++)
            if (Math.hypot(i - ci, j - cj, k - ck) <= r + (rand() < 0.3 ? 0.8 : 0)) lesion.push(at(i, j, k));
      for (const v of lesion) layer[v] = 9;
      const inLesion = new Set(lesion);
      const expected = new Map<number, number>();
      for (const v of lesion) {
        const [i, j, k] = [v % d[0], Math.floor(v / d[0]) % d[1], Math.floor(v / (d[0] * d[1]))];
        const seen = new Set<number>();
        for (let dk = -1; dk <= 1; dk++)
          for (let dj = -1; dj <= 1; dj++)
            for (let di = -1; di <= 1; di++) {
              const [ii, jj, kk] = [i + di, j + dj, k + dk];
              if (ii < 0 || jj < 0 || kk < 0 || ii >= d[0] || jj >= d[1] || kk >= d[2]) continue;
              const u = at(ii, jj, kk);
              if (!inLesion.has(u) && layer[u] > 0) seen.add(layer[u]);
            }
        for (const id of seen) expected.set(id, (expected.get(id) ?? 0) + 1);
      }
      const r2 = findParentOrgan(new Int32Array(lesion), d, [layer], [1, 2, 3]);
      const got = new Map(r2.candidates.map((c) => [c.labelId, c.contactVoxels]));
      expect(got, `trial ${trial}`).toEqual(expected);
      expect(lesion.length).toBeGreaterThan(200);
    }
  });
});
