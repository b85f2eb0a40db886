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
import { maskRuns, type Runs } from './components.ts';
import { axialLayout } from './slices.ts';

export const BUILTIN_SEGMENTER_ID = 'builtin-v1';
export const BUILTIN_STRUCTURES = ['lung_left', 'lung_right', 'trachea', 'bronchi', 'skeleton', 'body'] as const;

/**
 * Layer 0: organ n + 1 where organs[n] is set (the first one wins), layer 1: body (6), both only inside the body.
 * Painted run by run: the organs in reverse order so that earlier ones overwrite later ones, then the gaps between
 * the body's runs cleared.
 */
function assembleLayers(ct: Volume, bodyRuns: Runs, organMasks: Uint8Array[]): { organs: Uint8Array; bodyLayer: Uint8Array } {
  const [nx, ny, nz] = ct.grid.dims;
  const rows = ny * nz;
  const organs = new Uint8Array(ct.data.length);
  const bodyLayer = new Uint8Array(ct.data.length);
  const paint = (out: Uint8Array, runs: Runs, value: number) => {
    for (let r = 0; r < rows; r++)
      for (let n = runs.rowFirst[r]; n < runs.rowFirst[r + 1]; n++) out.fill(value, r * nx + runs.starts[n], r * nx + runs.ends[n]);
  };
  for (let n = organMasks.length - 1; n >= 0; n--) {
    // The same array given again (the empty lung masks) paints nothing new: its first place wins.
    if (organMasks.indexOf(organMasks[n]) < n) continue;
    paint(organs, maskRuns(organMasks[n], nx, rows), n + 1);
  }
  paint(bodyLayer, bodyRuns, 6);
  for (let r = 0; r < rows; r++) {
    let x = 0;
    for (let n = bodyRuns.rowFirst[r]; n < bodyRuns.rowFirst[r + 1]; n++) {
      if (bodyRuns.starts[n] > x) organs.fill(0, r * nx + x, r * nx + bodyRuns.starts[n]);
      x = bodyRuns.ends[n];
    }
    if (x < nx) organs.fill(0, r * nx + x, (r + 1) * nx);
  }
  return { organs, bodyLayer };
}

export async function segmentBuiltin(ct: Volume, options: RunOptions = {}): Promise<LabelMap> {
  const total = 3;
  const progress = (done: number) => options.onProgress?.({ step: 'infer', done, total });
  const layout = axialLayout(ct.grid);
  progress(0);
  const body = segmentBody(ct, layout);
  const bodyRuns = maskRuns(body, ct.grid.dims[0], ct.grid.dims[1] * ct.grid.dims[2]);
  progress(1);
  const lungs = segmentLungsAndAirways(ct, body, layout, bodyRuns);
  progress(2);
  const bone = segmentBone(ct, body, layout, bodyRuns);
  progress(3);
  const { organs, bodyLayer } = assembleLayers(ct, bodyRuns, [lungs.lungLeft, lungs.lungRight, lungs.trachea, lungs.bronchi, bone]);
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
