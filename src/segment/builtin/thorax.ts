/**
 * The thorax steps of the built-in segmenter, in one axial box around the aerated lungs (axial-box.ts):
 * 1. each lung as radiotherapy atlases contour it (lung-fill.ts; RTOG 1106, thresholds.ts) and its nodule
 *    envelope;
 * 2. lung nodules and masses (nodules.ts), classified solid / part-solid / ground-glass by HU (nodule-composition.ts),
 *    and taken out of the lungs (the atlas leaves the tumour out of the lung);
 * 3. pleural effusion (effusion.ts).
 * Lobes are not separated: fissures are thin (about 1 mm) lines often incomplete on CT (lung-lobes-fissures
 * passage), which HU rules cannot close reliably; lung findings are located by side.
 */
import type { ComponentProvenance, Volume, VoxelArray } from '../../volume/index.ts';
import { boxAroundBounds, readBox, volumeIndexOf, type AxialBox } from './axial-box.ts';
import { eachStretch } from './components.ts';
import { segmentEffusion } from './effusion.ts';
import { fillLungSlices } from './lung-fill.ts';
import type { LungsAndAirways } from './lungs.ts';
import { noduleComposition } from './nodule-composition.ts';
import { detectNodules, type NoduleDetection } from './nodules.ts';
import type { AxialLayout } from './slices.ts';
import { ENVELOPE_CLOSING_MM, ENVELOPE_HOLE_MAX_MM2, LUNG_CLOSING_MM, LUNG_HOLE_MAX_MM2 } from './thresholds.ts';

/**
 * Margin of the thorax box around the aerated lungs, mm: room for the envelope and for an effusion, which lies
 * between the lung and the chest wall (an effusion thicker than this beyond the lung's extent is cut at the box).
 */
const BOX_MARGIN_MM = 25;
/** Pixel size (mm, in plane) at which the envelope's closing is computed (lung-fill.ts, coarseFactor). */
const ENVELOPE_PIXEL_MM = 2;

export interface ThoraxResult {
  /** The box the masks below live in (x fastest, then y, then z; axial-box.ts); null without lungs. */
  readonly box: AxialBox | null;
  /** Lungs as contoured in radiotherapy atlases, without nodules, trachea, main bronchi and effusion (box, 0/1). */
  readonly lungLeft: Uint8Array;
  readonly lungRight: Uint8Array;
  /** Accepted nodules (box, 0/1) and one record per nodule (its voxel on the CT grid). */
  readonly nodules: Uint8Array;
  readonly noduleComponents: readonly ComponentProvenance[];
  /** Every blob-like candidate with its features, accepted or not (for review and evaluation). */
  readonly candidates: readonly NoduleDetection[];
  /** The nodule envelope of each lung (box, for review images). */
  readonly envelopes: readonly Uint8Array[];
  readonly effusion: Uint8Array;
  readonly notes: readonly string[];
}

export function segmentThorax(ct: Volume, layout: AxialLayout, lungs: LungsAndAirways): ThoraxResult {
  const empty = new Uint8Array(0);
  if (!lungs.ijkBounds) return { box: null, lungLeft: empty, lungRight: empty, nodules: empty, noduleComponents: [], candidates: [], envelopes: [], effusion: empty, notes: [] };
  const box = boxAroundBounds(lungs.ijkBounds, ct.grid, layout, BOX_MARGIN_MM);
  const n = box.nx * box.ny * box.nz;
  const dims = [box.nx, box.ny, box.nz] as const;
  // HU in the CT's own array type (a plain copy per row).
  const hu = readBox(ct.data, box, new (ct.data.constructor as new (length: number) => VoxelArray)(n));
  const airLeft = readBox(lungs.lungLeft, box, new Uint8Array(n));
  const airRight = readBox(lungs.lungRight, box, new Uint8Array(n));
  // Trachea and main bronchi in one box mask.
  const airways = readBox(lungs.trachea, box, new Uint8Array(n));
  const bronchi = readBox(lungs.bronchi, box, new Uint8Array(n));
  eachStretch(bronchi, (start, end) => airways.fill(1, start, end));

  const lungOf = (sideAir: Uint8Array) => fillLungSlices(sideAir, dims, box.spacingMm, { holeMaxMm2: LUNG_HOLE_MAX_MM2, closingMm: LUNG_CLOSING_MM });
  const lungLeft = lungOf(airLeft);
  const lungRight = lungOf(airRight);
  // The envelope's large closing on pixels of about ENVELOPE_PIXEL_MM (it bounds the search; it is not a contour).
  const coarseFactor = Math.max(1, Math.floor(ENVELOPE_PIXEL_MM / Math.max(box.spacingMm[0], box.spacingMm[1])));
  const envelopeOf = (lung: Uint8Array) => fillLungSlices(lung, dims, box.spacingMm, { holeMaxMm2: ENVELOPE_HOLE_MAX_MM2, closingMm: ENVELOPE_CLOSING_MM, fillAfterClosing: true, coarseFactor });
  const envelopes = [envelopeOf(lungLeft), envelopeOf(lungRight)];

  const candidates = detectNodules({ dims, spacingMm: box.spacingMm, hu, envelopes, air: [airLeft, airRight], exclude: [airways] });
  const accepted = candidates.filter((c) => c.accepted).sort((a, b) => b.confidence - a.confidence);
  const nodules = new Uint8Array(n);
  const noduleComponents: ComponentProvenance[] = [];
  for (const d of accepted) {
    // Overlapping detections: the more confident one keeps the shared voxels.
    const own = Array.from(d.voxels).filter((v) => !nodules[v]);
    if (own.length === 0) continue;
    for (const v of own) nodules[v] = 1;
    const x = d.centreVoxel % box.nx, y = Math.floor(d.centreVoxel / box.nx) % box.ny, z = Math.floor(d.centreVoxel / (box.nx * box.ny));
    noduleComponents.push({ voxel: volumeIndexOf(box, x, y, z), confidence: d.confidence, composition: noduleComposition(d.voxels, hu, dims) });
  }
  const effusion = segmentEffusion({ dims, spacingMm: box.spacingMm, hu, airLeft, airRight, exclude: nodules, box, grid: ct.grid });
  // The atlas lung leaves out the lesions, the trachea and main bronchi, and the pleural fluid.
  for (const mask of [nodules, airways, effusion.mask])
    eachStretch(mask, (start, end) => { lungLeft.fill(0, start, end); lungRight.fill(0, start, end); });
  const notes = [
    `lungs as contoured in radiotherapy atlases (RTOG 1106): aerated lung with the vessels and small dense areas inside it (holes up to ${LUNG_HOLE_MAX_MM2} mm2, ${LUNG_CLOSING_MM} mm closing per axial slice), without trachea, main bronchi, nodules and effusion; lobes not separated (fissures are not traced by HU rules)`,
    `lung nodule detector (built-in, no model): ${noduleComponents.length} nodule(s) or mass(es) of 5 mm or more found among ${candidates.length} blob-like candidate(s)`,
    ...effusion.notes,
  ];
  return { box, lungLeft, lungRight, nodules, noduleComponents, candidates, envelopes, effusion: effusion.mask, notes };
}
