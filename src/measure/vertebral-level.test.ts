import { describe, expect, it } from 'vitest';
import type { Grid } from '../volume/geometry.ts';
import { makeIjkToRas, rasPoint } from '../volume/geometry.ts';
import { GroundctError } from '../errors.ts';
import { measureStructures } from './structure-stats.ts';
import { vertebraLevelOf, vertebraZRanges, vertebraZRangesOfStructures, vertebralLevel } from './vertebral-level.ts';

/**
 * Stacked box "vertebrae" on a 10 x 10 x 60 grid, 1 x 1 x 2 mm. Voxel centre heights (RAS z, mm):
 * T12 -20..-2, L1 -44..-26, L2 -68..-50 (discs of 2 slices between). Outer-face ranges add 1 mm each side:
 * T12 [-21, -1], L1 [-45, -25], L2 [-69, -49]. Built from z so that the storage direction does not matter.
 */
function phantom(kTowardInferior: boolean) {
  const dims = [10, 10, 60] as const;
  const grid: Grid = {
    dims,
    ijkToRas: makeIjkToRas({
      spacingMm: [1, 1, 2],
      direction: [-1, 0, 0, 0, -1, 0, 0, 0, kTowardInferior ? -1 : 1],
      originRas: rasPoint(0, 0, kTowardInferior ? 18 : -100),
    }),
  };
  const zOf = (k: number) => grid.ijkToRas[10] * k + grid.ijkToRas[11];
  const layer = new Uint8Array(10 * 10 * 60);
  const select = (f: (z: number, i: number, j: number) => boolean) => {
    const out: number[] = [];
    for (let k = 0; k < 60; k++) for (let j = 0; j < 10; j++) for (let i = 0; i < 10; i++) if (f(zOf(k), i, j)) out.push(i + 10 * (j + 10 * k));
    return Uint32Array.from(out);
  };
  const paint = (lo: number, hi: number, id: number) => { for (const v of select((z, i) => z >= lo && z <= hi && i >= 2 && i <= 7)) layer[v] = id; };
  paint(-20, -2, 31);
  paint(-44, -26, 32);
  paint(-68, -50, 33);
  const vertebrae = [
    { name: 'vertebrae_L2', labelId: 33 },
    { name: 'vertebrae_T12', labelId: 31 },
    { name: 'vertebrae_L1', labelId: 32 },
    { name: 'vertebrae_C3', labelId: 40 }, // listed but absent
  ];
  return { grid, layer, select, vertebrae };
}

describe('vertebral level', () => {
  for (const kTowardInferior of [false, true]) {
    it(`finds z ranges and levels (k toward ${kTowardInferior ? 'inferior' : 'superior'})`, () => {
      const { grid, layer, select, vertebrae } = phantom(kTowardInferior);
      const ranges = vertebraZRanges(grid, [layer], vertebrae);
      // The same ranges from the structure statistics the study measured anyway (no pass over the layer).
      const stats = measureStructures(
        { kind: 'volume', grid, data: new Int16Array(layer.length), meta: { source: { format: 'phantom', path: 'v' } } },
        { kind: 'labelmap', grid, layers: [layer], labels: vertebrae.map((v) => ({ id: v.labelId, name: v.name, layer: 0 })), meta: { source: { format: 'phantom', path: 'v' } } },
        { names: (n) => n },
      );
      expect(vertebraZRangesOfStructures(grid, stats)).toEqual(ranges);
      expect(ranges).toEqual([
        { level: 'T12', zMinMm: -21, zMaxMm: -1 },
        { level: 'L1', zMinMm: -45, zMaxMm: -25 },
        { level: 'L2', zMinMm: -69, zMaxMm: -49 },
      ]);
      // lesion centres z -30..-18: spans L1 and T12; centroid -24 lies in the disc, 1 mm from L1, 3 mm from T12
      const spanning = vertebralLevel(select((z, i) => z >= -30 && z <= -18 && i === 0), grid, ranges);
      expect(spanning).toMatchObject({ levels: ['T12', 'L1'], centroidLevel: 'L1', centroidHow: 'nearest', findingZMinMm: -31, findingZMaxMm: -17 });
      expect(spanning.centroidZMm).toBeCloseTo(-24, 12);

      const inside = vertebralLevel(select((z, i) => z >= -60 && z <= -52 && i === 9), grid, ranges);
      expect(inside).toMatchObject({ levels: ['L2'], centroidLevel: 'L2', centroidHow: 'inside' });

      // one slice at z = -24 (faces -25..-23) only touches L1's top face: no overlap, nearest L1
      const disc = vertebralLevel(select((z, i) => z === -24 && i === 0), grid, ranges);
      expect(disc).toMatchObject({ levels: [], centroidLevel: 'L1', centroidHow: 'nearest' });
    });
  }

  it('no vertebrae: null level', () => {
    const { grid, select } = phantom(false);
    expect(vertebralLevel(select((z) => z === -24), grid, [])).toMatchObject({ centroidLevel: null, centroidHow: 'none', levels: [] });
  });

  it('parses level names and rejects non-levels', () => {
    expect(vertebraLevelOf('vertebrae_T12')).toBe('T12');
    expect(vertebraLevelOf('L1')).toBe('L1');
    expect(vertebraLevelOf('vertebra_c07')).toBe('C7');
    expect(vertebraLevelOf('vertebrae_T13')).toBeNull();
    expect(vertebraLevelOf('sacrum')).toBeNull();
    const { grid, layer } = phantom(false);
    expect(() => vertebraZRanges(grid, [layer], [{ name: 'sacrum', labelId: 5 }])).toThrow(GroundctError);
  });
});
