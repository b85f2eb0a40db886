/**
 * Trachea and main bronchi by slice-by-slice region growing with explosion control (Mori et al. 1995; see
 * thresholds.ts), inside the air components already taken as lung:
 * 1. Seed: going down from the most superior slice of the lung air, the first 2D component of airway-lumen air
 *    (< AIRWAY_MAX_HU) with a tracheal cross-section area whose centroid lies within
 *    TRACHEA_MAX_MIDLINE_OFFSET_MM of the body's midline (left-right, RAS x).
 * 2. Growing down: each slice keeps the lumen components that overlap the airway of the slice above; a
 *    component whose area exceeds AIRWAY_LEAK_AREA_RATIO times the area it grew from has leaked into the lung
 *    and ends its branch. While one branch remains it is trachea; once it has split (the carina) the branches
 *    are the main bronchi, followed for MAIN_BRONCHI_LENGTH_MM.
 * Returns empty masks (and a note) when no seed is found, e.g. when the scan starts below the carina.
 */
import type { Volume } from '../../volume/index.ts';
import { labelComponents2d } from './components.ts';
import { readSlice, writeSlice, type AxialLayout } from './slices.ts';
import {
  AIRWAY_LEAK_AREA_RATIO, AIRWAY_MAX_HU, MAIN_BRONCHI_LENGTH_MM, TRACHEA_MAX_AREA_MM2, TRACHEA_MAX_MIDLINE_OFFSET_MM, TRACHEA_MIN_AREA_MM2,
} from './thresholds.ts';

export interface Airways {
  readonly trachea: Uint8Array;
  readonly bronchi: Uint8Array;
  /** RAS x (mm) of the trachea seed's centroid, the left-right midline of the airway tree; null without seed. */
  readonly midlineRasX: number | null;
  readonly note: string;
}

/**
 * @param lungAir voxels of the lung air components (1), the only place airways are looked for
 * @param rasXOfPixel RAS x (mm) of pixel p of axial slice s
 */
export function segmentAirways(
  ct: Volume,
  lungAir: Uint8Array,
  layout: AxialLayout,
  bodyMidlineRasX: number,
  rasXOfPixel: (s: number, p: number) => number,
): Airways {
  const n = ct.data.length;
  const trachea = new Uint8Array(n);
  const bronchi = new Uint8Array(n);
  const { width: w, height: h, count } = layout;
  const order = Array.from({ length: count }, (_, t) => (layout.towardSuperior ? count - 1 - t : t)); // superior -> inferior
  const slice = new Uint8Array(w * h);
  const hu = new Float64Array(w * h);
  const lumenOf = (s: number): Uint8Array => {
    readSlice(lungAir, layout, s, slice);
    readSlice(ct.data, layout, s, hu);
    const lumen = new Uint8Array(w * h);
    for (let p = 0; p < lumen.length; p++) lumen[p] = slice[p] && hu[p] < AIRWAY_MAX_HU ? 1 : 0;
    return lumen;
  };
  const minPx = TRACHEA_MIN_AREA_MM2 / layout.pixelAreaMm2;
  const maxPx = TRACHEA_MAX_AREA_MM2 / layout.pixelAreaMm2;

  // 1. Seed search.
  let t0 = order.findIndex((s) => { readSlice(lungAir, layout, s, slice); return slice.some((v) => v !== 0); });
  if (t0 < 0) return { trachea, bronchi, midlineRasX: null, note: 'no lung air: no airway searched' };
  let current: Uint8Array | null = null;
  let midlineRasX: number | null = null;
  const searchSlices = Math.ceil(MAIN_BRONCHI_LENGTH_MM / layout.sliceSpacingMm);
  for (let t = t0; t < Math.min(order.length, t0 + searchSlices) && !current; t++) {
    const lumen = lumenOf(order[t]);
    const { labels, sizes } = labelComponents2d(lumen, w, h);
    const sumX = new Float64Array(sizes.length);
    for (let p = 0; p < lumen.length; p++) if (labels[p]) sumX[labels[p]] += rasXOfPixel(order[t], p);
    for (let c = 1; c < sizes.length; c++) {
      const x = sumX[c] / sizes[c];
      if (sizes[c] >= minPx && sizes[c] <= maxPx && Math.abs(x - bodyMidlineRasX) <= TRACHEA_MAX_MIDLINE_OFFSET_MM) {
        current = new Uint8Array(w * h);
        for (let p = 0; p < lumen.length; p++) if (labels[p] === c) current[p] = 1;
        midlineRasX = x;
        t0 = t;
        break;
      }
    }
  }
  if (!current) return { trachea, bronchi, midlineRasX: null, note: 'no tracheal cross-section near the midline at the top of the lung air: trachea not imaged' };

  // 2. Growing down.
  writeSlice(trachea, layout, order[t0], current);
  let split = false;
  let bronchiSlices = 0;
  const maxBronchiSlices = Math.ceil(MAIN_BRONCHI_LENGTH_MM / layout.sliceSpacingMm);
  for (let t = t0 + 1; t < order.length; t++) {
    const lumen = lumenOf(order[t]);
    const { labels, sizes } = labelComponents2d(lumen, w, h);
    // Area of the slice-above airway each component overlaps (its parent area).
    const parentLabels = labelComponents2d(current, w, h);
    const parentArea = new Float64Array(sizes.length);
    const seen = new Set<string>();
    for (let p = 0; p < lumen.length; p++) {
      const c = labels[p], q = parentLabels.labels[p];
      if (c && q && !seen.has(`${c}:${q}`)) { seen.add(`${c}:${q}`); parentArea[c] += parentLabels.sizes[q]; }
    }
    const keep = new Uint8Array(sizes.length);
    let kept = 0;
    for (let c = 1; c < sizes.length; c++) {
      if (parentArea[c] > 0 && sizes[c] <= AIRWAY_LEAK_AREA_RATIO * parentArea[c] && sizes[c] <= maxPx) { keep[c] = 1; kept++; }
    }
    if (kept === 0) break;
    const next = new Uint8Array(w * h);
    for (let p = 0; p < lumen.length; p++) if (keep[labels[p]]) next[p] = 1;
    if (kept >= 2) split = true;
    if (split) {
      if (++bronchiSlices > maxBronchiSlices) break;
      writeSlice(bronchi, layout, order[t], next);
    } else {
      writeSlice(trachea, layout, order[t], next);
    }
    current = next;
  }
  return { trachea, bronchi, midlineRasX, note: split ? 'trachea followed to the carina, main bronchi below it' : 'trachea followed; no carina found' };
}
