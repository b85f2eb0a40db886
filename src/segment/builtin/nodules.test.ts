/**
 * The nodule detector's pieces against definitions computed another way: the inside distance map against brute
 * force, the closed-form eigenvalues against a known spectrum, and the detector on a hand-built box holding a ball
 * (a nodule), a long cylinder (a vessel), a Y of cylinders (a bifurcation) and a ball on a thinner cylinder
 * (a nodule on a vessel): the balls are found, the vessels are not.
 */
import { describe, expect, it } from 'vitest';
import { insideDistanceSqMm2 } from './distance-map.ts';
import { noduleComposition } from './nodule-composition.ts';
import { detectNodules, symmetricEigenvalues } from './nodules.ts';

function xorshift(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x / 2 ** 32; };
}

describe('insideDistanceSqMm2', () => {
  it('equals the brute-force squared distance to the nearest outside voxel centre (anisotropic, box edge outside)', () => {
    const rnd = xorshift(5);
    for (const [nx, ny, nz, p] of [[13, 11, 7, 0.8], [9, 15, 10, 0.6], [20, 3, 4, 0.9]] as const) {
      const sp = [0.8, 1.1, 2.5] as const;
      const m = new Uint8Array(nx * ny * nz).map(() => (rnd() < p ? 1 : 0));
      const d = insideDistanceSqMm2(m, [nx, ny, nz], sp);
      for (let z = 0; z < nz; z++)
        for (let y = 0; y < ny; y++)
          for (let x = 0; x < nx; x++) {
            const v = x + nx * (y + ny * z);
            let best = Infinity;
            if (m[v])
              for (let zz = -1; zz <= nz; zz++)
                for (let yy = -1; yy <= ny; yy++)
                  for (let xx = -1; xx <= nx; xx++) {
                    const outside = xx < 0 || yy < 0 || zz < 0 || xx >= nx || yy >= ny || zz >= nz || !m[xx + nx * (yy + ny * zz)];
                    if (outside) best = Math.min(best, ((xx - x) * sp[0]) ** 2 + ((yy - y) * sp[1]) ** 2 + ((zz - z) * sp[2]) ** 2);
                  }
            expect(d[v]).toBeCloseTo(m[v] ? best : 0, 3);
          }
    }
  });
});

describe('symmetricEigenvalues', () => {
  it('returns the spectrum of a rotated diagonal matrix, largest first', () => {
    // R diag(9, 4, 1) R^T with R a rotation about z by 30 degrees then about x by 40 degrees.
    const c1 = Math.cos(Math.PI / 6), s1 = Math.sin(Math.PI / 6), c2 = Math.cos((2 * Math.PI) / 9), s2 = Math.sin((2 * Math.PI) / 9);
    const rz = [[c1, -s1, 0], [s1, c1, 0], [0, 0, 1]];
    const rx = [[1, 0, 0], [0, c2, -s2], [0, s2, c2]];
    const r = rz.map((row) => [0, 1, 2].map((j) => row.reduce((a, v, k) => a + v * rx[k][j], 0)));
    const dg = [9, 4, 1];
    const m = [0, 1, 2].map((i) => [0, 1, 2].map((j) => [0, 1, 2].reduce((a, k) => a + r[i][k] * dg[k] * r[j][k], 0)));
    const [l1, l2, l3] = symmetricEigenvalues([m[0][0], m[0][1], m[0][2], m[1][1], m[1][2], m[2][2]]);
    expect(l1).toBeCloseTo(9, 9);
    expect(l2).toBeCloseTo(4, 9);
    expect(l3).toBeCloseTo(1, 9);
  });
});

describe('detectNodules on a hand-built box', () => {
  // 1 mm voxels; tissue 40 HU, lung -850 HU; everything is inside the envelope.
  const [nx, ny, nz] = [90, 70, 60];
  const dims = [nx, ny, nz] as const;
  const hu = new Float32Array(nx * ny * nz).fill(-850);
  const paint = (inside: (x: number, y: number, z: number) => boolean) => {
    for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) if (inside(x, y, z)) hu[x + nx * (y + ny * z)] = 40;
  };
  const segDist = (p: number[], a: number[], b: number[]) => {
    const ab = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
    const t = Math.max(0, Math.min(1, ((p[0] - a[0]) * ab[0] + (p[1] - a[1]) * ab[1] + (p[2] - a[2]) * ab[2]) / (ab[0] ** 2 + ab[1] ** 2 + ab[2] ** 2)));
    return Math.hypot(p[0] - a[0] - t * ab[0], p[1] - a[1] - t * ab[1], p[2] - a[2] - t * ab[2]);
  };
  // A 10 mm ball (nodule).
  paint((x, y, z) => Math.hypot(x - 20, y - 20, z - 15) <= 5);
  // A vessel 4 mm across, 50 mm long.
  paint((x, y, z) => segDist([x, y, z], [10, 50, 45], [60, 50, 45]) <= 2);
  // A bifurcation of 5 mm vessels.
  paint((x, y, z) => [[70, 20, 10], [70, 20, 40], [85, 35, 55], [55, 35, 55]].slice(1).some((b) => segDist([x, y, z], [70, 20, 30], b) <= 2.5) || segDist([x, y, z], [70, 20, 10], [70, 20, 30]) <= 2.5);
  // A 12 mm ball on a 3 mm vessel.
  paint((x, y, z) => Math.hypot(x - 40, y - 25, z - 30) <= 6 || segDist([x, y, z], [40, 5, 30], [40, 60, 30]) <= 1.5);
  const envelope = new Uint8Array(nx * ny * nz).fill(1);
  const air = new Uint8Array(nx * ny * nz).map((_, v) => (hu[v] < -400 ? 1 : 0));
  const found = detectNodules({ dims, spacingMm: [1, 1, 1], hu, envelopes: [envelope], air: [air], exclude: [] }).filter((d) => d.accepted);
  const centreOf = (d: (typeof found)[number]) => { const v = d.centreVoxel; return [v % nx, Math.floor(v / nx) % ny, Math.floor(v / (nx * ny))]; };

  it('finds the two balls and nothing on the vessels', () => {
    expect(found).toHaveLength(2);
    const centres = found.map(centreOf).sort((a, b) => a[0] - b[0]);
    expect(Math.hypot(centres[0][0] - 20, centres[0][1] - 20, centres[0][2] - 15)).toBeLessThanOrEqual(1.5);
    expect(Math.hypot(centres[1][0] - 40, centres[1][1] - 25, centres[1][2] - 30)).toBeLessThanOrEqual(1.5);
  });
  it('masks each ball without its vessel: equivalent diameters 10 and 12 mm within a voxel', () => {
    const diameters = found.map((d) => d.features.equivalentDiameterMm).sort((a, b) => a - b);
    expect(Math.abs(diameters[0] - 10)).toBeLessThanOrEqual(1);
    expect(Math.abs(diameters[1] - 12)).toBeLessThanOrEqual(1);
    for (const d of found) expect(d.confidence).toBeGreaterThanOrEqual(0.5);
  });
});

describe('noduleComposition', () => {
  // A 5 x 5 x 5 cube of voxels in a 9 x 9 x 9 box; its interior is the 3 x 3 x 3 core.
  const dims = [9, 9, 9] as const;
  const voxels = Int32Array.from({ length: 125 }, (_, n) => (2 + (n % 5)) + 9 * ((2 + (Math.floor(n / 5) % 5)) + 9 * (2 + Math.floor(n / 25)))).sort();
  const core = (v: number) => { const x = v % 9, y = Math.floor(v / 9) % 9, z = Math.floor(v / 81); return x >= 3 && x <= 5 && y >= 3 && y <= 5 && z >= 3 && z <= 5; };
  const with_ = (coreHu: (n: number) => number, edgeHu: number) => {
    const hu = new Float32Array(729).fill(-850);
    let n = 0;
    for (const v of voxels) hu[v] = core(v) ? coreHu(n++) : edgeHu;
    return hu;
  };
  it('calls a dense interior solid whatever its partial-volume edge', () => {
    expect(noduleComposition(voxels, with_(() => 30, -300), dims)).toBe('solid');
  });
  it('calls an interior of ground glass with a solid part part-solid, and one without ground-glass', () => {
    expect(noduleComposition(voxels, with_((n) => (n < 8 ? 20 : -550), -600), dims)).toBe('part-solid');
    expect(noduleComposition(voxels, with_(() => -550, -650), dims)).toBe('ground-glass');
  });
});
