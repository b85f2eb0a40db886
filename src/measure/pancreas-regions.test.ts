import { describe, expect, it } from 'vitest';
import type { Grid } from '../volume/geometry.ts';
import { makeIjkToRas, rasPoint } from '../volume/geometry.ts';
import { pancreasRegionAt, pancreasRegionCodes, pancreasRegionFractions, principalAxis, splitPancreas } from './pancreas-regions.ts';

/**
 * Phantom in RAS mm: a bar-shaped pancreas along x from x = -70 (tail, patient left) to x = +50 (head, patient
 * right, +x in RAS), y 0..14, z 0..20; an SMA cylinder (radius 3 mm) along z at x = +20, y = -6.
 * Truth with the SMA: head x > 20, body 20 >= x > -25 (midpoint of 20 and -70), tail x <= -25.
 * Truth with thirds: head x > 10, body 10 >= x > -30, tail x <= -30.
 */
function phantom(flipI: boolean, tiltDeg = 0): { grid: Grid; select: (f: (x: number, y: number, z: number) => boolean) => Uint32Array } {
  const dims = [141, 40, 16] as const; // x -80..60 at 1 mm, y -20..19 at 1 mm, z -4..26 at 2 mm
  const c = Math.cos((tiltDeg * Math.PI) / 180), s = Math.sin((tiltDeg * Math.PI) / 180);
  const grid: Grid = {
    dims,
    ijkToRas: makeIjkToRas({
      spacingMm: [1, 1, 2],
      direction: [flipI ? -1 : 1, 0, 0, 0, 1, 0, 0, 0, 1],
      originRas: rasPoint(flipI ? 60 : -80, -20, -4),
    }),
  };
  const m = grid.ijkToRas;
  const select = (f: (x: number, y: number, z: number) => boolean) => {
    const out: number[] = [];
    for (let k = 0; k < dims[2]; k++) for (let j = 0; j < dims[1]; j++) for (let i = 0; i < dims[0]; i++) {
      const x = m[0] * i + m[3], y = m[5] * j + m[7], z = m[10] * k + m[11];
      // Undo an in-plane tilt so the bar can be rotated about z by tiltDeg.
      const xr = c * x + s * y, yr = -s * x + c * y;
      if (f(xr, yr, z)) out.push(i + dims[0] * (j + dims[1] * k));
    }
    return Uint32Array.from(out);
  };
  return { grid, select };
}
const isPancreas = (x: number, y: number, z: number) => x >= -70 && x <= 50 && y >= 0 && y <= 14 && z >= 0 && z <= 20;
const isSma = (x: number, y: number) => (x - 20) ** 2 + (y + 6) ** 2 <= 9;

describe('splitPancreas', () => {
  for (const flipI of [false, true]) {
    it(`SMA split, head at patient right (+x), storage ${flipI ? 'flipped (i toward left)' : 'i toward right'}`, () => {
      const { grid, select } = phantom(flipI);
      const split = splitPancreas(select(isPancreas), grid, select((x, y) => isSma(x, y)));
      expect(split.method).toBe('sma');
      expect(split.axisRas[0]).toBeCloseTo(-1, 6); // head -> tail = toward patient left
      // boundaries in x: head/body at x = 20, body/tail at x = -25; t = -(x - centroid x)
      const cx = split.centroidRas[0];
      expect(cx - split.headBodyBoundaryMm).toBeCloseTo(20, 6);
      expect(cx - split.bodyTailBoundaryMm).toBeCloseTo(-25, 6);
      expect(cx - split.headEndMm).toBeCloseTo(50, 6);
      expect(cx - split.tailEndMm).toBeCloseTo(-70, 6);

      const headLesion = select((x, y, z) => x >= 35 && x <= 45 && y >= 4 && y <= 8 && z >= 6 && z <= 12);
      expect(pancreasRegionFractions(headLesion, grid, split)).toEqual({ method: 'sma', fractions: { head: 1, body: 0, tail: 0 }, locatedIn: ['head'] });
      const tailLesion = select((x, y, z) => x >= -68 && x <= -60 && y >= 4 && y <= 8 && z >= 6 && z <= 12);
      expect(pancreasRegionFractions(tailLesion, grid, split).locatedIn).toEqual(['tail']);
      // x 11..30: 10 columns head (21..30), 10 body (11..20; x = 20 is on the boundary and counts as body)
      const neckLesion = select((x, y, z) => x >= 11 && x <= 30 && y >= 4 && y <= 8 && z >= 6 && z <= 12);
      const f = pancreasRegionFractions(neckLesion, grid, split);
      expect(f.fractions.head).toBeCloseTo(0.5, 12);
      expect(f.fractions.body).toBeCloseTo(0.5, 12);
      expect(pancreasRegionAt(split, rasPoint(-40, 7, 10))).toBe('tail');
    });
  }

  it('without an SMA mask falls back to thirds and says so', () => {
    const { grid, select } = phantom(false);
    const split = splitPancreas(select(isPancreas), grid, null);
    expect(split.method).toBe('thirds');
    expect(split.fallbackReason).toMatch(/no superior mesenteric artery/);
    const cx = split.centroidRas[0];
    expect(cx - split.headBodyBoundaryMm).toBeCloseTo(10, 6);
    expect(cx - split.bodyTailBoundaryMm).toBeCloseTo(-30, 6);
    const lesion = select((x, y, z) => x >= 12 && x <= 18 && y >= 4 && y <= 8 && z >= 6 && z <= 12);
    expect(pancreasRegionFractions(lesion, grid, split).locatedIn).toEqual(['head']);
  });

  it('an SMA only below the pancreas falls back to thirds', () => {
    const { grid, select } = phantom(false);
    const split = splitPancreas(select(isPancreas), grid, select((x, y, z) => isSma(x, y) && z < 0));
    expect(split.method).toBe('thirds');
    expect(split.fallbackReason).toMatch(/craniocaudal/);
  });

  it('a pancreas tilted 25 degrees in the axial plane keeps head at patient right', () => {
    const { grid, select } = phantom(false, 25);
    const pancreas = select(isPancreas);
    const split = splitPancreas(pancreas, grid, select((x, y) => isSma(x, y)));
    expect(split.method).toBe('sma');
    expect(split.axisRas[0]).toBeLessThan(0);
    expect(Math.abs(split.axisRas[0])).toBeCloseTo(Math.cos((25 * Math.PI) / 180), 1);
    const codes = pancreasRegionCodes(select((x, y, z) => isPancreas(x, y, z) && x > 40), grid, split);
    expect([...codes].every((c) => c === 1)).toBe(true);
  });
});

describe('principalAxis', () => {
  it('finds the dominant eigenvector of a hand-made covariance', () => {
    // eigenvalues 9, 4, 1 with eigenvectors rotated 30 degrees about z
    const c = Math.cos(Math.PI / 6), s = Math.sin(Math.PI / 6);
    const r = [c, -s, 0, s, c, 0, 0, 0, 1];
    const d = [9, 4, 1];
    const m = new Array<number>(9).fill(0);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) m[i * 3 + j] += r[i * 3 + k] * d[k] * r[j * 3 + k];
    const e = principalAxis(m);
    expect(Math.abs(e[0] * c + e[1] * s)).toBeCloseTo(1, 10);
  });
});
