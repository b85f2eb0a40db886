/**
 * The built-in segmenter: no model, HU thresholds + connected components + slice-wise hole filling.
 * Structures (canonical anatomy names): body, lung_left, lung_right, trachea, bronchi (main bronchi), skeleton.
 * Accuracy on the TotalSegmentator example cases is in eval/results/segment-builtin.md.
 *
 * Layers: the organs share layer 0 (they never overlap: air and bone thresholds are disjoint), the body
 * outline, which contains them all, is layer 1.
 */
import { describeGrid, type LabelArray, type LabelMap, type Volume } from '../../volume/index.ts';
import type { RunOptions, Segmenter } from '../types.ts';
import { segmentBody } from './body.ts';
import { segmentBone } from './bone.ts';
import { segmentLungsAndAirways } from './lungs.ts';
import { axialLayout } from './slices.ts';

export const BUILTIN_SEGMENTER_ID = 'builtin-v1';
export const BUILTIN_STRUCTURES = ['lung_left', 'lung_right', 'trachea', 'bronchi', 'skeleton', 'body'] as const;

export async function segmentBuiltin(ct: Volume, options: RunOptions = {}): Promise<LabelMap> {
  const total = 3;
  const progress = (done: number) => options.onProgress?.({ step: 'infer', done, total });
  const layout = axialLayout(ct.grid);
  progress(0);
  const body = segmentBody(ct, layout);
  progress(1);
  const lungs = segmentLungsAndAirways(ct, body, layout);
  progress(2);
  const bone = segmentBone(ct, body, layout);
  progress(3);
  const organs = new Uint8Array(ct.data.length);
  const bodyLayer = new Uint8Array(ct.data.length);
  const { lungLeft, lungRight, trachea, bronchi } = lungs;
  for (let v = 0; v < organs.length; v++) {
    if (!body[v]) continue;
    bodyLayer[v] = 6;
    organs[v] = lungLeft[v] ? 1 : lungRight[v] ? 2 : trachea[v] ? 3 : bronchi[v] ? 4 : bone[v] ? 5 : 0;
  }
  const notes = [
    ...(ct.meta.notes ?? []),
    `segmented by ${BUILTIN_SEGMENTER_ID} (HU thresholds, components, axial hole filling) on ${describeGrid(ct.grid)}`,
    ...lungs.notes,
  ];
  return {
    kind: 'labelmap',
    grid: ct.grid,
    layers: [organs, bodyLayer] as LabelArray[],
    labels: BUILTIN_STRUCTURES.map((name, n) => ({ id: n + 1, name, layer: name === 'body' ? 1 : 0 })),
    meta: { ...ct.meta, notes },
  };
}

export function builtinSegmenter(): Segmenter {
  return {
    id: BUILTIN_SEGMENTER_ID,
    structures: BUILTIN_STRUCTURES,
    segment: segmentBuiltin,
    async close() {},
  };
}
