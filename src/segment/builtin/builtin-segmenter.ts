/**
 * The built-in segmenter: no model, HU thresholds + connected components + slice-wise morphology.
 * Structures (canonical anatomy names): lungs by side as radiotherapy atlases contour them, trachea, main
 * bronchi, bone (skeleton), lung nodules and masses (the built-in detector: each label says so in its
 * provenance), pleural effusion, body. Accuracy on the TotalSegmentator example cases is in
 * eval/results/segment-builtin.md, the detector on phantoms and the real chest CT in
 * eval/results/lung-nodules-phantom.md and lung-nodules-real.md.
 *
 * Layers: the organs share layer 0 (painted so that they never overlap: the first of LAYER0_PRIORITY wins where
 * two masks meet), the body outline, which contains them all, is layer 1.
 */
import { describeGrid, type LabelArray, type LabelEntry, type LabelMap, type Volume } from '../../volume/index.ts';
import type { RunOptions, Segmenter } from '../types.ts';
import { segmentBody } from './body.ts';
import { segmentBone } from './bone.ts';
import { segmentLungsAndAirways } from './lungs.ts';
import { maskRuns, type Runs } from './components.ts';
import { paintFromBox, type AxialBox } from './axial-box.ts';
import { axialLayout } from './slices.ts';
import { segmentThorax } from './thorax.ts';

export const BUILTIN_SEGMENTER_ID = 'builtin-v2';
/** Label id = index + 1. */
export const BUILTIN_STRUCTURES = ['lung_left', 'lung_right', 'trachea', 'bronchi', 'skeleton', 'body', 'lung_nodule', 'pleural_effusion'] as const;
type BuiltinStructure = (typeof BUILTIN_STRUCTURES)[number];
/** Layer 0 painting order: where masks meet, the earlier wins (airways and lesions over the lungs' closing). */
const LAYER0_PRIORITY: readonly Exclude<BuiltinStructure, 'body'>[] = ['trachea', 'bronchi', 'lung_nodule', 'skeleton', 'pleural_effusion', 'lung_left', 'lung_right'];

const idOf = (name: BuiltinStructure) => BUILTIN_STRUCTURES.indexOf(name) + 1;

/** How the built-in nodule detector works and what it misses, for the label's provenance. */
export const NODULE_DETECTOR_METHOD =
  'soft tissue inside the lung envelope told from vessels by shape across scales (blob versus tube, persistence), 5 mm or more; no model: ground-glass nodules without a solid part and nodules fused with the chest wall or mediastinum over a broad base can be missed';

/** A mask on the whole CT grid, or on the thorax box (axial-box.ts). */
type OrganMask = Uint8Array | { readonly box: AxialBox; readonly mask: Uint8Array };

/**
 * Layer 0: each organ's id where its mask is set (in LAYER0_PRIORITY order, the first wins: painted last), layer 1:
 * body, both only inside the body. Painted run by run (box masks row by row), then the gaps between the body's runs
 * cleared.
 */
function assembleLayers(ct: Volume, bodyRuns: Runs, organMasks: ReadonlyMap<BuiltinStructure, OrganMask>): { organs: Uint8Array; bodyLayer: Uint8Array } {
  const [nx, ny, nz] = ct.grid.dims;
  const rows = ny * nz;
  const organs = new Uint8Array(ct.data.length);
  const bodyLayer = new Uint8Array(ct.data.length);
  const paint = (out: Uint8Array, runs: Runs, value: number) => {
    for (let r = 0; r < rows; r++)
      for (let n = runs.rowFirst[r]; n < runs.rowFirst[r + 1]; n++) out.fill(value, r * nx + runs.starts[n], r * nx + runs.ends[n]);
  };
  const painted = new Set<OrganMask>();
  for (let n = LAYER0_PRIORITY.length - 1; n >= 0; n--) {
    const mask = organMasks.get(LAYER0_PRIORITY[n]);
    // The same array under two names (empty masks) paints nothing new.
    if (!mask || painted.has(mask)) continue;
    if (LAYER0_PRIORITY.slice(0, n).some((earlier) => organMasks.get(earlier) === mask)) continue;
    painted.add(mask);
    if (mask instanceof Uint8Array) paint(organs, maskRuns(mask, nx, rows), idOf(LAYER0_PRIORITY[n]));
    else paintFromBox(organs, mask.box, mask.mask, idOf(LAYER0_PRIORITY[n]));
  }
  paint(bodyLayer, bodyRuns, idOf('body'));
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
  const total = 4;
  const progress = (done: number) => options.onProgress?.({ step: 'infer', done, total });
  const layout = axialLayout(ct.grid);
  progress(0);
  const body = segmentBody(ct, layout);
  const bodyRuns = maskRuns(body, ct.grid.dims[0], ct.grid.dims[1] * ct.grid.dims[2]);
  progress(1);
  const lungs = segmentLungsAndAirways(ct, body, layout, bodyRuns);
  progress(2);
  const thorax = segmentThorax(ct, layout, lungs);
  progress(3);
  const bone = segmentBone(ct, body, layout, bodyRuns);
  progress(4);
  const inBox = (mask: Uint8Array): OrganMask => (thorax.box ? { box: thorax.box, mask } : new Uint8Array(0));
  const { organs, bodyLayer } = assembleLayers(ct, bodyRuns, new Map<BuiltinStructure, OrganMask>([
    ['lung_left', inBox(thorax.lungLeft)], ['lung_right', inBox(thorax.lungRight)], ['trachea', lungs.trachea], ['bronchi', lungs.bronchi],
    ['skeleton', bone], ['lung_nodule', inBox(thorax.nodules)], ['pleural_effusion', inBox(thorax.effusion)],
  ]));
  const notes = [
    ...(ct.meta.notes ?? []),
    `segmented by ${BUILTIN_SEGMENTER_ID} (HU thresholds, components, axial morphology) on ${describeGrid(ct.grid)}`,
    ...lungs.notes,
    ...thorax.notes,
  ];
  const labels: LabelEntry[] = BUILTIN_STRUCTURES.map((name, n) => ({
    id: n + 1,
    name,
    layer: name === 'body' ? 1 : 0,
    ...(name === 'lung_nodule' ? { provenance: { by: 'built-in detector', method: NODULE_DETECTOR_METHOD, components: thorax.noduleComponents } } : {}),
  }));
  return { kind: 'labelmap', grid: ct.grid, layers: [organs, bodyLayer] as LabelArray[], labels, meta: { ...ct.meta, notes } };
}

export function builtinSegmenter(): Segmenter {
  return {
    id: BUILTIN_SEGMENTER_ID,
    structures: BUILTIN_STRUCTURES,
    segment: segmentBuiltin,
    async close() {},
  };
}
