/**
 * Run-based components, hole filling and run morphology against plain per-pixel definitions (flood fill over
 * face neighbours, window max/min clipped to the grid) on seeded random masks, plus a hand-drawn case.
 */
import { describe, expect, it } from 'vitest';
import { fillHoles2d, labelComponents3d, maskRuns } from './components.ts';
import { closeRunsDisk, complementRuns, dilateRunsDisk, dilateRunsSquare, diskHalfWidths, erodeRunsDisk, fillHolesRuns } from './run-morphology.ts';

/** Deterministic 0/1 mask: xorshift32, a voxel is 1 with probability `p`. */
function randomMask(n: number, p: number, seed: number): Uint8Array {
  let x = seed >>> 0 || 1;
  const out = new Uint8Array(n);
  for (let v = 0; v < n; v++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[v] = x / 2 ** 32 < p ? 1 : 0;
  }
  return out;
}

/** Component of each voxel by breadth-first flood fill, numbered in order of first voxel (the run order too). */
function floodLabels(mask: Uint8Array, [nx, ny, nz]: readonly [number, number, number]): Int32Array {
  const labels = new Int32Array(mask.length);
  let next = 0;
  for (let v0 = 0; v0 < mask.length; v0++) {
    if (!mask[v0] || labels[v0]) continue;
    labels[v0] = ++next;
    const queue = [v0];
    while (queue.length) {
      const v = queue.pop()!;
      const i = v % nx, j = Math.floor(v / nx) % ny, k = Math.floor(v / (nx * ny));
      const neighbours = [i > 0 && v - 1, i < nx - 1 && v + 1, j > 0 && v - nx, j < ny - 1 && v + nx, k > 0 && v - nx * ny, k < nz - 1 && v + nx * ny];
      for (const u of neighbours) if (u !== false && mask[u] && !labels[u]) { labels[u] = next; queue.push(u); }
    }
  }
  return labels;
}

/** Same partition: a one-to-one map between the two numberings. */
function samePartition(a: Int32Array, b: Int32Array): boolean {
  const ab = new Map<number, number>(), ba = new Map<number, number>();
  for (let v = 0; v < a.length; v++) {
    if (ab.has(a[v]) && ab.get(a[v]) !== b[v]) return false;
    if (ba.has(b[v]) && ba.get(b[v]) !== a[v]) return false;
    ab.set(a[v], b[v]); ba.set(b[v], a[v]);
  }
  return true;
}

function toMask(runs: ReturnType<typeof maskRuns>, h: number): Uint8Array {
  const out = new Uint8Array(runs.nx * h);
  for (let y = 0; y < h; y++) for (let n = runs.rowFirst[y]; n < runs.rowFirst[y + 1]; n++) out.fill(1, y * runs.nx + runs.starts[n], y * runs.nx + runs.ends[n]);
  return out;
}

describe('run-based components', () => {
  it('labelComponents3d gives the flood-fill partition and sizes on random masks', () => {
    const dims = [23, 17, 9] as const;
    for (const [p, seed] of [[0.3, 1], [0.5, 7], [0.7, 42]] as const) {
      const mask = randomMask(dims[0] * dims[1] * dims[2], p, seed);
      const { labels, sizes } = labelComponents3d(mask, dims);
      const truth = floodLabels(mask, dims);
      expect(samePartition(labels, truth)).toBe(true);
      const truthSizes = new Map<number, number>();
      for (const c of truth) if (c) truthSizes.set(c, (truthSizes.get(c) ?? 0) + 1);
      expect(sizes.slice(1).sort((a, b) => a - b)).toEqual([...truthSizes.values()].sort((a, b) => a - b));
    }
  });

  it('fillHoles2d fills exactly the background not 4-connected to the border', () => {
    // Hand-drawn: a ring around a 3-pixel hole, and below it a 1-pixel hole closed on its four sides.
    const rows = [
      '0000000',
      '0111110',
      '0100010',
      '0111110',
      '0010100',
      '0011100',
      '0000000',
    ];
    const w = 7, h = rows.length;
    const mask = Uint8Array.from(rows.join(''), (ch) => Number(ch));
    fillHoles2d(mask, w, h);
    expect(Array.from({ length: h }, (_, y) => Array.from(mask.subarray(y * w, (y + 1) * w)).join(''))).toEqual([
      '0000000', '0111110', '0111110', '0111110', '0011100', '0011100', '0000000',
    ]);
    for (const seed of [3, 5, 9]) {
      const [w2, h2] = [31, 19];
      const random = randomMask(w2 * h2, 0.55, seed);
      const filled = random.slice();
      fillHoles2d(filled, w2, h2);
      const background = floodLabels(random.map((v) => 1 - v), [w2, h2, 1]);
      const border = new Set<number>();
      for (let x = 0; x < w2; x++) { border.add(background[x]); border.add(background[(h2 - 1) * w2 + x]); }
      for (let y = 0; y < h2; y++) { border.add(background[y * w2]); border.add(background[y * w2 + w2 - 1]); }
      const expected = random.map((v, p) => (v || !border.has(background[p]) ? 1 : 0));
      expect(filled).toEqual(expected);
    }
  });

  it('fillHolesRuns equals fillHoles2d on the pixels, with and without a hole size limit', () => {
    const [w, h] = [37, 23];
    for (const [p, seed] of [[0.55, 4], [0.7, 8], [0.85, 12]] as const)
      for (const maxHoleArea of [Infinity, 1, 3, 10]) {
        const mask = randomMask(w * h, p, seed);
        const filled = mask.slice();
        fillHoles2d(filled, w, h, maxHoleArea);
        const runs = fillHolesRuns(maskRuns(mask, w, h), h, maxHoleArea);
        expect(toMask(runs, h), `p ${p} max ${maxHoleArea}`).toEqual(filled);
        // Maximal runs, as maskRuns gives them.
        const direct = maskRuns(filled, w, h);
        expect([Array.from(runs.starts.subarray(0, runs.count)), Array.from(runs.ends.subarray(0, runs.count))]).toEqual([Array.from(direct.starts.subarray(0, direct.count)), Array.from(direct.ends.subarray(0, direct.count))]);
      }
  });

  it('dilateRunsSquare and its dual erosion match per-pixel window max/min clipped to the slice', () => {
    const [w, h] = [29, 21];
    for (const [r, seed] of [[1, 11], [2, 13], [3, 17]] as const) {
      const mask = randomMask(w * h, 0.12, seed);
      const row = new Uint8Array(w);
      const dilated = toMask(dilateRunsSquare(maskRuns(mask, w, h), h, r, row), h);
      const eroded = toMask(complementRuns(dilateRunsSquare(complementRuns(maskRuns(mask, w, h), h), h, r, row), h), h);
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          let max = 0, min = 1;
          for (let yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r); yy++)
            for (let xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r); xx++) { max = Math.max(max, mask[yy * w + xx]); min = Math.min(min, mask[yy * w + xx]); }
          expect(dilated[y * w + x], `dilation at ${x},${y} r ${r}`).toBe(max);
          expect(eroded[y * w + x], `erosion at ${x},${y} r ${r}`).toBe(min);
        }
    }
  });
});

describe('disk morphology on runs', () => {
  it('dilateRunsDisk / erodeRunsDisk / closeRunsDisk match per-pixel disk max/min (anisotropic pixels)', () => {
    const [w, h] = [31, 23];
    for (const [r, sx, sy, seed] of [[2, 1, 1, 5], [3.5, 0.8, 1.2, 9], [6, 1.25, 1.25, 21]] as const) {
      const mask = randomMask(w * h, 0.1, seed);
      const disk = diskHalfWidths(r, sx, sy);
      const runs = maskRuns(mask, w, h);
      const dilated = toMask(dilateRunsDisk(runs, h, disk), h);
      const eroded = toMask(erodeRunsDisk(runs, h, disk), h);
      const closed = toMask(closeRunsDisk(runs, h, disk), h);
      const inDisk = (dx: number, dy: number) => (dx * sx) ** 2 + (dy * sy) ** 2 <= r * r + 1e-9;
      const windowOf = (m: Uint8Array, x: number, y: number, op: 'max' | 'min') => {
        let v = op === 'max' ? 0 : 1;
        for (let yy = 0; yy < h; yy++)
          for (let xx = 0; xx < w; xx++) if (inDisk(xx - x, yy - y)) v = op === 'max' ? Math.max(v, m[yy * w + xx]) : Math.min(v, m[yy * w + xx]);
        return v;
      };
      const expectedDilated = new Uint8Array(w * h).map((_, p) => windowOf(mask, p % w, Math.floor(p / w), 'max'));
      const expectedEroded = new Uint8Array(w * h).map((_, p) => windowOf(mask, p % w, Math.floor(p / w), 'min'));
      const expectedClosed = new Uint8Array(w * h).map((_, p) => windowOf(expectedDilated, p % w, Math.floor(p / w), 'min'));
      expect(dilated).toEqual(expectedDilated);
      expect(eroded).toEqual(expectedEroded);
      expect(closed).toEqual(expectedClosed);
    }
  });
});
