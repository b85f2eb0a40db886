import { describe, expect, it } from 'vitest';
import type { Dims, Grid } from '../volume/geometry.ts';
import { makeIjkToRas, rasPoint } from '../volume/geometry.ts';
import { LOCATION_MIN_FRACTION, subSegmentLocation } from './sub-segments.ts';

const dims: Dims = [20, 10, 10];
const grid: Grid = { dims, ijkToRas: makeIjkToRas({ spacingMm: [1, 1, 1], direction: [-1, 0, 0, 0, -1, 0, 0, 0, 1], originRas: rasPoint(0, 0, 0) }) };
const N = 20 * 10 * 10;
const at = (i: number, j: number, k: number) => i + 20 * (j + 10 * k);
function box(i0: number, i1: number, j0: number, j1: number, k0: number, k1: number): Uint32Array {
  const out: number[] = [];
  for (let k = k0; k <= k1; k++) for (let j = j0; j <= j1; j++) for (let i = i0; i <= i1; i++) out.push(at(i, j, k));
  return Uint32Array.from(out);
}
/** Segment 1 (label 11) holds i 0..9, segment 2 (label 12) holds i 10..19. */
function segmentsLayer(): Uint8Array {
  const layer = new Uint8Array(N);
  for (let k = 0; k < 10; k++) for (let j = 0; j < 10; j++) for (let i = 0; i < 20; i++) layer[at(i, j, k)] = i < 10 ? 11 : 12;
  return layer;
}
const specs = [
  { name: 'liver_segment_1', labelId: 11 },
  { name: 'liver_segment_2', labelId: 12 },
];

describe('subSegmentLocation', () => {
  it('a lesion split 70/30 is located in both segments', () => {
    const lesion = box(3, 12, 4, 5, 4, 5); // i 3..9 (7 columns) in seg 1, i 10..12 (3) in seg 2
    const lesionLayer = new Uint8Array(N);
    const r = subSegmentLocation(lesion, grid, [segmentsLayer(), lesionLayer], specs);
    expect(r.shares.map((s) => s.fraction)).toEqual([0.7, 0.3]);
    expect(r.locatedIn).toEqual(['liver_segment_1', 'liver_segment_2']);
    expect(r.unassignedVoxels).toBe(0);
  });

  it('95/5 lists one segment; exactly 10 % is not more than the threshold', () => {
    expect(LOCATION_MIN_FRACTION).toBe(0.1);
    const r95 = subSegmentLocation(box(0, 19, 4, 4, 4, 4).filter((v) => v % 20 < 11).slice(1), grid, [segmentsLayer()], specs);
    // i 1..10: 9 in seg 1, 1 in seg 2 -> 90/10: only seg 1
    expect(r95.shares.map((s) => s.fraction)).toEqual([0.9, 0.1]);
    expect(r95.locatedIn).toEqual(['liver_segment_1']);
    const lesion = box(0, 19, 4, 4, 4, 4).filter((v) => v % 20 >= 9); // i 9..19: 1 in seg 1, 10 in seg 2
    const l2 = Uint32Array.from([...lesion, ...box(10, 19, 5, 5, 4, 4)]); // 1 + 20 = 21 voxels: 1/21 = 4.8 %
    const r = subSegmentLocation(l2, grid, [segmentsLayer()], specs);
    expect(r.shares[0].fraction).toBeCloseTo(1 / 21, 12);
    expect(r.locatedIn).toEqual(['liver_segment_2']);
  });

  it('LiTS style: tumour voxels replace the segment labels and are assigned to the nearest segment', () => {
    const layer = segmentsLayer();
    const lesion = box(3, 12, 3, 6, 3, 6); // 10 x 4 x 4, 7/10 of the columns over seg 1
    for (const v of lesion) layer[v] = 2; // tumour label overwrites
    const r = subSegmentLocation(lesion, grid, [layer], specs);
    expect(r.shares[0]).toMatchObject({ insideVoxels: 0, assignedVoxels: 112 });
    expect(r.shares[1]).toMatchObject({ insideVoxels: 0, assignedVoxels: 48 });
    expect(r.shares[0].fraction).toBeCloseTo(0.7, 12);
    expect(r.locatedIn).toEqual(['liver_segment_1', 'liver_segment_2']);
  });

  it('voxels beyond the search radius stay unassigned (lung lobes, same function)', () => {
    const layer = new Uint8Array(N);
    for (const v of box(0, 4, 0, 9, 0, 9)) layer[v] = 21; // a "lobe" on i 0..4
    const lesion = box(14, 16, 4, 5, 4, 5); // 10 voxels from the lobe at its nearest
    const lobes = [{ name: 'lung_upper_lobe_right', labelId: 21 }, { name: 'lung_middle_lobe_right', labelId: 22 }];
    const near = subSegmentLocation(lesion, grid, [layer], lobes, { searchRadiusMm: 10.5 });
    expect(near.shares[0].assignedVoxels).toBe(4); // only the i = 14 column (10 mm from i = 4) is within 10.5 mm
    expect(near.unassignedVoxels).toBe(8);
    expect(near.locatedIn).toEqual(['lung_upper_lobe_right']);
    const far = subSegmentLocation(lesion, grid, [layer], lobes, { searchRadiusMm: 5 });
    expect(far.unassignedVoxels).toBe(12);
    expect(far.locatedIn).toEqual([]);
  });
});
