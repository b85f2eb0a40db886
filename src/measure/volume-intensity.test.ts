import { describe, expect, it } from 'vitest';
import { makeIjkToRas, rasPoint } from '../volume/geometry.ts';
import type { Dims, Grid } from '../volume/geometry.ts';
import type { LabelArray, LabelEntry, LabelMap, Volume } from '../volume/types.ts';
import { measureStructures } from './structure-stats.ts';
import { measureVolumeAndMeanHu } from './volume-intensity.ts';

const META = { source: { format: 'phantom', path: 'volume-intensity.test' } } as const;
const grid = (dims: Dims): Grid => ({ dims, ijkToRas: makeIjkToRas({ spacingMm: [0.8, 0.8, 2.5], direction: [-1, 0, 0, 0, -1, 0, 0, 0, 1], originRas: rasPoint(5, 6, 7) }) });

describe('measureVolumeAndMeanHu', () => {
  it('a hand-counted case: 3 voxels of label 2 (HU 10, 20, 60) at 0.8 x 0.8 x 2.5 mm = 4.8 mm3, mean 30 HU', () => {
    const dims: Dims = [5, 1, 1];
    const ct: Volume = { kind: 'volume', grid: grid(dims), data: Int16Array.from([-1000, 10, 20, 60, 5]), meta: META };
    const labels: LabelMap = { kind: 'labelmap', grid: grid(dims), layers: [Uint8Array.from([0, 2, 2, 2, 1])], labels: [{ id: 1, name: 'a', layer: 0 }, { id: 2, name: 'b', layer: 0 }, { id: 3, name: 'absent', layer: 0 }], meta: META };
    const [a, b, absent] = measureVolumeAndMeanHu(ct, labels);
    expect(b.voxelCount).toBe(3);
    expect(b.volumeMm3).toBeCloseTo(4.8, 12);
    expect(b.huMean).toBe(30);
    expect(a).toMatchObject({ voxelCount: 1, huMean: 5 });
    expect(absent).toMatchObject({ voxelCount: 0, volumeMm3: 0, huMean: null });
  });

  it('gives the counts, volumes and means of the full measurement on a random two-layer phantom', () => {
    // 33 x 17 x 9: rows are not a multiple of 4 voxels, so runs cross the 32-bit words the background skip uses;
    // layer 1 is uint16 (ids above 255) and starts at an odd byte offset (no word skipping there).
    const dims: Dims = [33, 17, 9];
    const n = dims[0] * dims[1] * dims[2];
    let seed = 12345;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const data = Int16Array.from({ length: n }, () => Math.round(-1000 + 2000 * rand()));
    const layer0 = new Uint8Array(n);
    for (let x = 0; x < n; x++) if (rand() < 0.3) layer0[x] = 1 + Math.floor(rand() * 6);
    layer0[n - 1] = 6; // the last voxel, after the last whole word
    const backing = new Uint16Array(n + 1);
    const layer1 = new Uint16Array(backing.buffer, 2, n);
    for (let x = 0; x < n; x++) if (rand() < 0.05) layer1[x] = rand() < 0.5 ? 300 : 301;
    const entries: LabelEntry[] = [...[1, 2, 3, 4, 5, 6].map((id) => ({ id, name: `s${id}`, layer: 0 })), { id: 300, name: 'l300', layer: 1 }, { id: 301, name: 'l301', layer: 1 }];
    const ct: Volume = { kind: 'volume', grid: grid(dims), data, meta: META };
    const labels: LabelMap = { kind: 'labelmap', grid: grid(dims), layers: [layer0, layer1 as LabelArray], labels: entries, meta: META };
    const full = measureStructures(ct, labels);
    const quick = measureVolumeAndMeanHu(ct, labels);
    expect(quick.map((q) => [q.labelId, q.voxelCount, q.volumeMm3, q.huMean])).toEqual(full.map((s) => [s.labelId, s.voxelCount, s.volumeMm3, s.huMean]));
    expect(quick.every((q) => q.voxelCount > 0)).toBe(true);
  });

  it('refuses labels on another grid, as measureStructures does', () => {
    const ct: Volume = { kind: 'volume', grid: grid([4, 1, 1]), data: new Int16Array(4), meta: META };
    const labels: LabelMap = { kind: 'labelmap', grid: grid([2, 2, 1]), layers: [new Uint8Array(4)], labels: [], meta: META };
    expect(() => measureVolumeAndMeanHu(ct, labels)).toThrow(expect.objectContaining({ code: 'GCT_MEASURE_INPUT_INVALID' }));
  });
});
