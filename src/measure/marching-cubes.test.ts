import { describe, expect, it } from 'vitest';
import type { Dims, Mat4 } from '../volume/geometry.ts';
import { marchingCubesMask, meshAreaMm2, meshVolumeMm3, type TriangleMesh } from './marching-cubes.ts';
import { caseLoops } from './marching-cubes-table.ts';

function ball(n: number, r: number): { mask: Uint8Array; dims: Dims } {
  const c = (n - 1) / 2;
  const mask = new Uint8Array(n * n * n);
  for (let k = 0; k < n; k++)
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) if ((i - c) ** 2 + (j - c) ** 2 + (k - c) ** 2 <= r * r) mask[i + n * (j + n * k)] = 1;
  return { mask, dims: [n, n, n] };
}

/** Every undirected edge in exactly two triangles, used once in each direction (closed and consistently oriented). */
function edgeUse(mesh: TriangleMesh): { closed: boolean; oriented: boolean } {
  const directed = new Map<string, number>();
  const t = mesh.triangles;
  for (let f = 0; f < t.length; f += 3)
    for (let e = 0; e < 3; e++) {
      const key = `${t[f + e]}>${t[f + ((e + 1) % 3)]}`;
      directed.set(key, (directed.get(key) ?? 0) + 1);
    }
  let closed = true;
  let oriented = true;
  for (const [key, n] of directed) {
    const [a, b] = key.split('>');
    const back = directed.get(`${b}>${a}`) ?? 0;
    if (n + back !== 2) closed = false;
    if (n !== 1 || back !== 1) oriented = false;
  }
  return { closed, oriented };
}

const IDENTITY: Mat4 = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

describe('marching-cubes case table', () => {
  it('has no contour for the empty and the full cube and one triangle for a single corner', () => {
    expect(caseLoops()[0]).toHaveLength(0);
    expect(caseLoops()[255]).toHaveLength(0);
    for (let c = 0; c < 8; c++) expect(caseLoops()[1 << c].map((l) => l.edges.length)).toEqual([3]);
  });

  it('uses each crossed edge exactly once per case', () => {
    for (let caseIndex = 1; caseIndex < 255; caseIndex++) {
      const used = caseLoops()[caseIndex].flatMap((l) => l.edges);
      expect(new Set(used).size).toBe(used.length);
    }
  });
});

describe('marchingCubesMask', () => {
  it('meshes one voxel as an octahedron: V = 1/6 and A = sqrt(3) voxel units, scaled by spacing', () => {
    const one = marchingCubesMask(Uint8Array.of(1), [1, 1, 1], IDENTITY);
    expect(one.positionsRas.length / 3).toBe(6);
    expect(one.triangles.length / 3).toBe(8);
    expect(meshVolumeMm3(one)).toBeCloseTo(1 / 6, 12);
    expect(meshAreaMm2(one)).toBeCloseTo(Math.sqrt(3), 12);
    // 2 mm isotropic: volume x 8, area x 4.
    const scaled = marchingCubesMask(Uint8Array.of(1), [1, 1, 1], [2, 0, 0, -7, 0, 2, 0, 3, 0, 0, 2, 100, 0, 0, 0, 1]);
    expect(meshVolumeMm3(scaled)).toBeCloseTo(8 / 6, 12);
    expect(meshAreaMm2(scaled)).toBeCloseTo(4 * Math.sqrt(3), 12);
  });

  it('converges to 4/3 pi r^3 for a sphere of radius 10 voxels (within 2 %) and is closed and oriented', () => {
    const { mask, dims } = ball(23, 10);
    const spacing = [0.8, 0.8, 0.8];
    const m: Mat4 = [spacing[0], 0, 0, -120, 0, spacing[1], 0, 40, 0, 0, spacing[2], -300, 0, 0, 0, 1];
    const mesh = marchingCubesMask(mask, dims, m);
    const truthMm3 = (4 / 3) * Math.PI * (10 * 0.8) ** 3;
    const volume = meshVolumeMm3(mesh);
    expect(volume).toBeGreaterThan(0);
    expect(Math.abs(volume - truthMm3) / truthMm3).toBeLessThan(0.02);
    expect(edgeUse(mesh)).toEqual({ closed: true, oriented: true });
  });

  it('keeps a positive volume on a mirrored grid (negative determinant) and at the array border', () => {
    const { mask, dims } = ball(9, 4.5);
    const mirrored: Mat4 = [-0.7, 0, 0, 0, 0, -0.7, 0, 0, 0, 0, 2.5, 0, 0, 0, 0, 1];
    const a = marchingCubesMask(mask, dims, mirrored);
    const b = marchingCubesMask(mask, dims, [0.7, 0, 0, 0, 0, 0.7, 0, 0, 0, 0, 2.5, 0, 0, 0, 0, 1]);
    expect(meshVolumeMm3(a)).toBeGreaterThan(0);
    expect(meshVolumeMm3(a)).toBeCloseTo(meshVolumeMm3(b), 9);
    expect(edgeUse(a)).toEqual({ closed: true, oriented: true });
    // A full block touching every face of its array is closed by the padding.
    const block = marchingCubesMask(new Uint8Array(27).fill(1), [3, 3, 3], IDENTITY);
    expect(edgeUse(block)).toEqual({ closed: true, oriented: true });
  });

  it('is closed on random masks, where ambiguous faces occur, and gives the same volume and area in all 48 storage orientations', () => {
    let seed = 4242;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const canon: Dims = [6, 5, 4];
    const canonMask = new Uint8Array(120).map(() => (rand() < 0.5 ? 1 : 0));
    const spacing = [0.7, 0.9, 2.5];
    let reference: { v: number; a: number } | null = null;
    for (const perm of [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]])
      for (let flipBits = 0; flipBits < 8; flipBits++) {
        const dims = perm.map((p) => canon[p]) as unknown as Dims;
        const mask = new Uint8Array(120);
        const m = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
        for (let a = 0; a < 3; a++) m[perm[a] * 4 + a] = flipBits & (1 << a) ? -spacing[perm[a]] : spacing[perm[a]];
        for (let z = 0; z < dims[2]; z++)
          for (let y = 0; y < dims[1]; y++)
            for (let x = 0; x < dims[0]; x++) {
              const t = [x, y, z];
              const c = [0, 0, 0];
              for (let a = 0; a < 3; a++) c[perm[a]] = flipBits & (1 << a) ? canon[perm[a]] - 1 - t[a] : t[a];
              mask[x + dims[0] * (y + dims[1] * z)] = canonMask[c[0] + canon[0] * (c[1] + canon[1] * c[2])];
            }
        const mesh = marchingCubesMask(mask, dims, m);
        expect(edgeUse(mesh)).toEqual({ closed: true, oriented: true });
        const v = meshVolumeMm3(mesh);
        const a = meshAreaMm2(mesh);
        reference ??= { v, a };
        expect(v).toBeCloseTo(reference.v, 9);
        expect(a).toBeCloseTo(reference.a, 9);
      }
  });

  it('gives an empty mesh for an empty mask', () => {
    const mesh = marchingCubesMask(new Uint8Array(8), [2, 2, 2], IDENTITY);
    expect(mesh.triangles.length).toBe(0);
    expect(meshVolumeMm3(mesh)).toBe(0);
  });
});
