import { describe, expect, it } from 'vitest';
import type { LabelEntry, LabelMap } from '../volume/types.ts';
import { collectLabelVoxels } from './label-voxels.ts';
import { maskVoxels } from './location-types.ts';

const META = { source: { format: 'phantom', path: 'label-voxels.test' } } as const;

describe('collectLabelVoxels', () => {
  // 41 voxels: not a multiple of 4, labels in the last partial word; layer 1 is uint16 with ids above 255.
  const n = 41;
  const layer0 = Uint8Array.from({ length: n }, (_, v) => (v % 7 === 0 ? 3 : v % 5 === 0 ? 9 : v >= 39 ? 3 : 0));
  const layer1 = Uint16Array.from({ length: n }, (_, v) => (v % 6 === 1 ? 700 : 0));
  const entries: LabelEntry[] = [{ id: 3, name: 'a', layer: 0 }, { id: 9, name: 'b', layer: 0 }, { id: 700, name: 'c', layer: 1 }, { id: 4, name: 'absent', layer: 0 }];
  const labels: LabelMap = { kind: 'labelmap', grid: { dims: [n, 1, 1], ijkToRas: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] }, layers: [layer0, layer1], labels: entries, meta: META };
  const countOf = (id: number) => maskVoxels({ labels: labels.layers[entries.find((e) => e.id === id)!.layer], labelId: id }, n).length;

  it('lists the voxels of every asked label in one pass per layer, as maskVoxels does one label at a time', () => {
    const got = collectLabelVoxels(labels, entries, countOf);
    for (const e of entries) expect(Array.from(got.get(e.id)!), e.name).toEqual(Array.from(maskVoxels({ labels: labels.layers[e.layer], labelId: e.id }, n)));
    expect(Array.from(got.get(3)!)).toContain(39);
    expect(Array.from(got.get(9)!)).toContain(40);
    expect(got.get(4)!.length).toBe(0);
  });

  it('refuses counts that disagree with the layer (statistics of another label map)', () => {
    expect(() => collectLabelVoxels(labels, [entries[0]], () => 2)).toThrow(expect.objectContaining({ code: 'GCT_INTERNAL' }));
    expect(() => collectLabelVoxels(labels, [entries[0]], (id) => countOf(id) + 1)).toThrow(expect.objectContaining({ code: 'GCT_INTERNAL' }));
  });
});
