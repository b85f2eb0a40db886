import { describe, expect, it } from 'vitest';
import { makeIjkToRas, rasPoint, type Grid } from './geometry.ts';
import { parseLabelMapJson } from './label-map-json.ts';
import { labelCounts, labelMapFromMultilabel, labelVoxelCounts, mergeLabelMaps, packBinaryMasks } from './label-map.ts';
import { resampleLabelsToGrid } from './resample.ts';
import type { VolumeMeta } from './types.ts';

const meta: VolumeMeta = { source: { format: 'phantom', path: 'test' } };
const grid = (dims: [number, number, number], spacing: [number, number, number] = [1, 1, 1], origin = [0, 0, 0]): Grid => ({
  dims,
  ijkToRas: makeIjkToRas({ spacingMm: spacing, direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], originRas: rasPoint(origin[0], origin[1], origin[2]) }),
});

describe('label map JSON', () => {
  it('reads id -> name, name -> id and nnU-Net {labels: ...} and drops background', () => {
    expect([...parseLabelMapJson('{"1":"liver","2":"spleen"}', 'a')]).toEqual([[1, 'liver'], [2, 'spleen']]);
    expect([...parseLabelMapJson('{"labels":{"background":0,"liver":1,"tumor":2}}', 'b')]).toEqual([[1, 'liver'], [2, 'tumor']]);
  });
  it.each([
    ['not json', /not valid JSON/],
    ['[1,2]', /array/],
    ['{"1": true}', /neither/],
    ['{"1":"liver","2":"liver"}', /used by ids 1 and 2/],
    ['{"70000":"x"}', /outside/],
    ['{"0":"background"}', /names no label/],
  ])('rejects %s with GCT_LABELMAP_INVALID', (text, message) => {
    expect(() => parseLabelMapJson(text, 'x.json')).toThrow(message);
    try { parseLabelMapJson(text, 'x.json'); } catch (e) { expect((e as { code: string }).code).toBe('GCT_LABELMAP_INVALID'); }
  });
});

describe('multilabel volumes', () => {
  const data = new Int16Array([0, 1, 1, 2, 0, 2, 2, 2]);
  it('names labels through the map, keeps absent named ids as empty labels', () => {
    const m = labelMapFromMultilabel({ grid: grid([2, 2, 2]), data, meta }, { names: new Map([[1, 'liver'], [2, 'spleen'], [3, 'pancreas']]) });
    expect(m.labels.map((l) => l.name)).toEqual(['liver', 'spleen', 'pancreas']);
    expect([...labelVoxelCounts(m)]).toEqual([[1, 2], [2, 4], [3, 0]]);
    expect(m.layers[0]).toBeInstanceOf(Uint8Array);
  });
  it('refuses ids the map does not name, a map that matches nothing, and negative or fractional values', () => {
    expect(() => labelMapFromMultilabel({ grid: grid([2, 2, 2]), data, meta }, { names: new Map([[1, 'liver']]) })).toThrow(/ids 2 .*does not name/);
    expect(() => labelMapFromMultilabel({ grid: grid([2, 2, 2]), data: new Int16Array(8).fill(0).map((_, n) => (n === 0 ? 5 : 0)), meta }, { names: new Map([[1, 'liver']]) })).toThrow();
    expect(() => labelMapFromMultilabel({ grid: grid([2, 2, 2]), data: new Int16Array([0, -1, 0, 0, 0, 0, 0, 0]), meta })).toThrow(/non-negative/);
    expect(() => labelMapFromMultilabel({ grid: grid([2, 2, 2]), data: new Float32Array([0, 0.5, 0, 0, 0, 0, 0, 0]), meta })).toThrow(/non-negative integers/);
  });
});

describe('packing per-class masks', () => {
  it('puts an overlapping lesion on a second layer instead of overwriting the organ', () => {
    const organ = new Uint8Array([1, 1, 1, 1, 0, 0, 0, 0]);
    const lesion = new Uint8Array([0, 1, 0, 0, 0, 0, 0, 0]);
    const other = new Uint8Array([0, 0, 0, 0, 1, 1, 0, 0]);
    const m = packBinaryMasks(grid([2, 2, 2]), [{ name: 'liver', data: organ }, { name: 'liver_lesion', data: lesion }, { name: 'spleen', data: other }], meta);
    expect(m.layers).toHaveLength(2);
    expect(m.labels).toEqual([{ id: 1, name: 'liver', layer: 0 }, { id: 2, name: 'liver_lesion', layer: 1 }, { id: 3, name: 'spleen', layer: 0 }]);
    expect([...labelVoxelCounts(m)]).toEqual([[1, 4], [2, 1], [3, 2]]);
  });
});

describe('resampling masks onto the CT grid', () => {
  it('maps a 2 mm mask onto a 1 mm CT nearest-neighbour through the affines', () => {
    // Mask: 2x1x1 voxels of 2 mm at x = 0 and 2; CT: 4x1x1 voxels of 1 mm at x = -0.5 .. 2.5.
    const mask = labelMapFromMultilabel({ grid: grid([2, 1, 1], [2, 2, 2]), data: new Uint8Array([1, 2]), meta });
    const ct = grid([4, 1, 1], [1, 2, 2], [-0.5, 0, 0]);
    const out = resampleLabelsToGrid(mask, ct, 0.01);
    // CT voxel centres x = -0.5, 0.5, 1.5, 2.5 -> mask index -0.25, 0.25, 0.75, 1.25 -> rounds to 0, 0, 1, 1.
    expect([...out.layers[0]]).toEqual([1, 1, 2, 2]);
  });
  it('refuses a mask whose labelled voxels lie outside the CT field of view, naming both grids', () => {
    const mask = labelMapFromMultilabel({ grid: grid([2, 1, 1], [1, 1, 1], [100, 0, 0]), data: new Uint8Array([1, 1]), meta });
    expect(() => resampleLabelsToGrid(mask, grid([4, 1, 1]), 0.01)).toThrow(/2x1x1 voxels.*4x1x1 voxels.*outside the CT's field of view/s);
  });
  it('returns the same object when the grids agree within tolerance', () => {
    const mask = labelMapFromMultilabel({ grid: grid([2, 1, 1]), data: new Uint8Array([1, 0]), meta });
    expect(resampleLabelsToGrid(mask, grid([2, 1, 1], [1, 1, 1], [0.001, 0, 0]), 0.01)).toBe(mask);
  });
});

describe('merging mask sets', () => {
  it('keeps both sets on their own layers and shifts colliding ids past the first set', () => {
    const organs = labelMapFromMultilabel({ grid: grid([2, 2, 1]), data: new Uint8Array([1, 1, 2, 0]), meta }, { names: new Map([[1, 'liver'], [2, 'spleen']]) });
    const segments = labelMapFromMultilabel({ grid: grid([2, 2, 1]), data: new Uint8Array([1, 2, 0, 0]), meta }, { names: new Map([[1, 'liver_segment_7'], [2, 'liver_segment_8']]) });
    const merged = mergeLabelMaps([organs, segments]);
    expect(merged.layers).toHaveLength(2);
    expect(merged.labels).toEqual([
      { id: 1, name: 'liver', layer: 0 }, { id: 2, name: 'spleen', layer: 0 },
      { id: 3, name: 'liver_segment_7', layer: 1 }, { id: 4, name: 'liver_segment_8', layer: 1 },
    ]);
    expect([...merged.layers[1]]).toEqual([3, 4, 0, 0]);
    expect([...labelVoxelCounts(merged)]).toEqual([[1, 2], [2, 1], [3, 1], [4, 1]]);
  });
});

describe('label counting and packing skip background by words, and count every voxel', () => {
  // 4 x 3 x 3 = 36 voxels plus one: a length that is not a multiple of 4 and labels in the last, partial word.
  const n = 37;
  const values = Array.from({ length: n }, (_, v) => (v % 5 === 0 || v >= 35 ? 1 + (v % 3) : 0));
  const expected = new Map<number, number>();
  for (const x of values) if (x) expected.set(x, (expected.get(x) ?? 0) + 1);

  it('labelCounts on uint8, uint16 and an unaligned uint16 view', () => {
    expect(labelCounts(Uint8Array.from(values))).toEqual(expected);
    expect(labelCounts(Uint16Array.from(values))).toEqual(expected);
    const backing = new Uint16Array(n + 1);
    const unaligned = new Uint16Array(backing.buffer, 2, n);
    unaligned.set(values);
    expect(labelCounts(unaligned)).toEqual(expected);
  });

  it('packBinaryMasks puts exactly the non-zero voxels of each mask on a layer, overlaps on a second one', () => {
    const a = Uint8Array.from(values.map((x) => (x === 1 ? 1 : 0)));
    const b = Uint8Array.from(values.map((x) => (x === 2 ? 255 : 0)));
    const overlapping = Uint8Array.from(values.map((_, v) => (v === 36 || v === 2 ? 1 : 0)));
    const packed = packBinaryMasks({ dims: [n, 1, 1], ijkToRas: grid([n, 1, 1]).ijkToRas }, [{ name: 'a', data: a }, { name: 'b', data: b }, { name: 'c', data: overlapping }], meta);
    expect(packed.labels).toEqual([{ id: 1, name: 'a', layer: 0 }, { id: 2, name: 'b', layer: 0 }, { id: 3, name: 'c', layer: 1 }]);
    expect(Array.from(packed.layers[0])).toEqual(values.map((x) => (x === 1 ? 1 : x === 2 ? 2 : 0)));
    expect(Array.from(packed.layers[1])).toEqual(values.map((_, v) => (v === 36 || v === 2 ? 3 : 0)));
  });
});
