/**
 * Trachea and main bronchi by slice-by-slice region growing with explosion control (Mori et al. 1995; see
 * thresholds.ts), inside the air components already taken as lung:
 * 1. Seed: going down from the most superior slice of the lung air, the first 2D component of airway-lumen air
 *    (in-plane 3 x 3 mean < AIRWAY_MAX_HU: on a real scan, noise inside the tracheal lumen cut the plain threshold's
 *    lumen in two, which passed for the carina) with a tracheal cross-section area whose centroid lies within
 *    TRACHEA_MAX_MIDLINE_OFFSET_MM of the body's midline (left-right, RAS x).
 * 2. Growing down: each slice keeps the lumen components that overlap the airway of the slice above over at
 *    least AIRWAY_MIN_OVERLAP_FRACTION of their own area; a
 *    component whose area exceeds AIRWAY_LEAK_AREA_RATIO times the area it grew from has leaked into the lung
 *    and ends its branch. While one branch remains it is trachea; once it has split (the carina: two lumens of
 *    at least MAIN_BRONCHUS_MIN_AREA_MM2; smaller partial-volume fragments beside the lumen are no branch) the
 *    branches are the main bronchi, followed for MAIN_BRONCHI_LENGTH_MM.
 * Each slice's airway is the lumen plus its partial-volume rim (lung-air pixels touching it in plane), so that no
 * ring of the airway wall is left in the lung.
 * Returns empty masks (and a note) when no seed is found, e.g. when the scan starts below the carina.
 */
import type { Volume } from '../../volume/index.ts';
import { labelComponents2d, maskRuns } from './components.ts';
import { readSlice, type AxialLayout } from './slices.ts';
import {
  AIR_MAX_HU, AIRWAY_LEAK_AREA_RATIO, AIRWAY_MAX_HU, AIRWAY_MIN_OVERLAP_FRACTION, MAIN_BRONCHI_LENGTH_MM, MAIN_BRONCHUS_MIN_AREA_MM2, TRACHEA_MAX_AREA_MM2, TRACHEA_MAX_MIDLINE_OFFSET_MM, TRACHEA_MIN_AREA_MM2,
} from './thresholds.ts';

/** The airway of each slice is looked for within this distance (mm, in plane) of the airway of the slice above. */
const AIRWAY_WINDOW_MARGIN_MM = 40;
/** Width of the partial-volume rim added around the lumen, pixels: the 3 x 3 mean shrinks the lumen by one, and the blurred wall edge is about one more. */
const AIRWAY_RIM_PIXELS = 2;

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
  // Contiguous axial slices are read in place (views), others copied.
  const contiguous = layout.axis === 2 && layout.u === 0;
  const airOf = (s: number): Uint8Array => (contiguous ? lungAir.subarray(s * w * h, (s + 1) * w * h) : (readSlice(lungAir, layout, s, slice), slice));
  /** Lumen pixels of axial slice s, within the window [x0, x1] x [y0, y1] when given. */
  const lumenOf = (s: number, x0 = 0, x1 = w - 1, y0 = 0, y1 = h - 1): Uint8Array => {
    const air = airOf(s);
    let huOf: ArrayLike<number> = hu;
    if (contiguous) huOf = ct.data.subarray(s * w * h, (s + 1) * w * h);
    else readSlice(ct.data, layout, s, hu);
    // Lumen: the in-plane 3 x 3 mean under AIRWAY_MAX_HU, so that noise inside the lumen does not cut it in pieces.
    // Only lung-air pixels can be lumen: their runs are visited, not the whole slice.
    const lumen = new Uint8Array(w * h);
    const runs = maskRuns(air, w, h);
    for (let y = Math.max(1, y0); y <= Math.min(h - 2, y1); y++)
      for (let q = runs.rowFirst[y]; q < runs.rowFirst[y + 1]; q++)
        for (let x = Math.max(1, x0, runs.starts[q]); x < Math.min(w - 1, x1 + 1, runs.ends[q]); x++) {
          const p = y * w + x;
          if (huOf[p] >= AIR_MAX_HU) continue;
          const sum = huOf[p - w - 1] + huOf[p - w] + huOf[p - w + 1] + huOf[p - 1] + huOf[p] + huOf[p + 1] + huOf[p + w - 1] + huOf[p + w] + huOf[p + w + 1];
          if (sum < 9 * AIRWAY_MAX_HU) lumen[p] = 1;
        }
    return lumen;
  };
  const minPx = TRACHEA_MIN_AREA_MM2 / layout.pixelAreaMm2;
  const maxPx = TRACHEA_MAX_AREA_MM2 / layout.pixelAreaMm2;

  const branchPx = MAIN_BRONCHUS_MIN_AREA_MM2 / layout.pixelAreaMm2;
  /**
   * The lumen plus its partial-volume rim: the lung-air pixels (air range, above the lumen threshold) reached from
   * it in plane within AIRWAY_RIM_PIXELS steps through lung air, each with the airway wall (a pixel that is not lung
   * air) within AIRWAY_RIM_PIXELS: the rim lies between lumen and wall, and stops where a bronchus without a
   * visible wall meets aerated lung.
   */
  /** True when a pixel within AIRWAY_RIM_PIXELS (in plane) of q is not lung air: the airway wall is that close. */
  const nearWall = (air: Uint8Array, q: number): boolean => {
    const x = q % w, y = (q - x) / w;
    for (let dy = -AIRWAY_RIM_PIXELS; dy <= AIRWAY_RIM_PIXELS; dy++)
      for (let dx = -AIRWAY_RIM_PIXELS; dx <= AIRWAY_RIM_PIXELS; dx++) {
        const xx = x + dx, yy = y + dy;
        if (xx >= 0 && yy >= 0 && xx < w && yy < h && !air[yy * w + xx]) return true;
      }
    return false;
  };
  const withAirRim = (lumen: Uint8Array, s: number): Uint8Array => {
    const air = airOf(s);
    const out = lumen.slice();
    let front: number[] = [];
    for (let p = lumen.indexOf(1); p >= 0; p = lumen.indexOf(1, p + 1)) front.push(p);
    for (let step = 0; step < AIRWAY_RIM_PIXELS; step++) {
      const next: number[] = [];
      for (const p of front) {
        const x = p % w;
        for (const q of [x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, p - w, p + w]) {
          if (q < 0 || q >= w * h || out[q] || !air[q] || !nearWall(air, q)) continue;
          out[q] = 1;
          next.push(q);
        }
      }
      front = next;
    }
    return out;
  };

  // 1. Seed search.
  let t0 = order.findIndex((s) => airOf(s).indexOf(1) >= 0);
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

  // 2. Growing down, in a window around the airway of the slice above (an airway moves by a few pixels per slice;
  // the margin also holds both main bronchi as they part), so that each slice costs the window, not the slice.
  const margin = Math.ceil(AIRWAY_WINDOW_MARGIN_MM / Math.sqrt(layout.pixelAreaMm2));
  /** Sets the pixels of `mask` (a full slice) that are 1 in axial slice s of `dst`. */
  const writeOnes = (dst: Uint8Array, s: number, mask: Uint8Array) => {
    const { strides, u, v, axis } = layout;
    for (let p = mask.indexOf(1); p >= 0; p = mask.indexOf(1, p + 1)) dst[s * strides[axis] + (p % w) * strides[u] + Math.floor(p / w) * strides[v]] = 1;
  };
  writeOnes(trachea, order[t0], withAirRim(current, order[t0]));
  let split = false;
  let bronchiSlices = 0;
  const maxBronchiSlices = Math.ceil(MAIN_BRONCHI_LENGTH_MM / layout.sliceSpacingMm);
  for (let t = t0 + 1; t < order.length; t++) {
    // The window: the airway above's bounding box widened by the margin, clipped to the slice.
    let x0 = w, x1 = -1, y0 = h, y1 = -1;
    for (let p = current.indexOf(1); p >= 0; p = current.indexOf(1, p + 1)) {
      const x = p % w, y = (p - x) / w;
      if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y;
    }
    x0 = Math.max(0, x0 - margin); x1 = Math.min(w - 1, x1 + margin); y0 = Math.max(0, y0 - margin); y1 = Math.min(h - 1, y1 + margin);
    const ww = x1 - x0 + 1, wh = y1 - y0 + 1;
    const full = lumenOf(order[t], x0, x1, y0, y1);
    const lumen = new Uint8Array(ww * wh), parent = new Uint8Array(ww * wh);
    for (let y = 0; y < wh; y++) {
      lumen.set(full.subarray((y + y0) * w + x0, (y + y0) * w + x1 + 1), y * ww);
      parent.set(current.subarray((y + y0) * w + x0, (y + y0) * w + x1 + 1), y * ww);
    }
    const { labels, sizes } = labelComponents2d(lumen, ww, wh);
    // Area of the slice-above airway each component overlaps (its parent area), and its overlap with it.
    const parentLabels = labelComponents2d(parent, ww, wh);
    const parentArea = new Float64Array(sizes.length);
    const overlap = new Float64Array(sizes.length);
    const seen = new Set<number>();
    for (let p = 0; p < lumen.length; p++) {
      const c = labels[p], q = parentLabels.labels[p];
      if (!c || !q) continue;
      overlap[c]++;
      const key = c * parentLabels.sizes.length + q;
      if (!seen.has(key)) { seen.add(key); parentArea[c] += parentLabels.sizes[q]; }
    }
    // A component reaching the window's edge (inside the slice) runs on beyond it: more than the margin away from the
    // airway above, it is lung air, not airway.
    const cut = new Uint8Array(sizes.length);
    for (let p = 0; p < lumen.length; p++) {
      if (!labels[p]) continue;
      const x = p % ww, y = (p - x) / ww;
      if ((x === 0 && x0 > 0) || (x === ww - 1 && x1 < w - 1) || (y === 0 && y0 > 0) || (y === wh - 1 && y1 < h - 1)) cut[labels[p]] = 1;
    }
    const keep = new Uint8Array(sizes.length);
    let kept = 0, branches = 0;
    for (let c = 1; c < sizes.length; c++) {
      if (cut[c]) continue;
      // A continuation overlaps the airway above over a good part of its own area; a neighbour (the oesophagus
      // behind the trachea) only grazes it.
      const continues = parentArea[c] > 0 && overlap[c] >= AIRWAY_MIN_OVERLAP_FRACTION * sizes[c];
      if (continues && sizes[c] <= AIRWAY_LEAK_AREA_RATIO * parentArea[c] && sizes[c] <= maxPx) {
        keep[c] = 1;
        kept++;
        // Partial-volume fragments beside the lumen stay airway but are no branch: only lumens of a main
        // bronchus's size make the carina.
        if (sizes[c] >= branchPx) branches++;
      }
    }
    if (kept === 0) break;
    const next = new Uint8Array(w * h);
    for (let p = 0; p < lumen.length; p++) if (keep[labels[p]]) next[(Math.floor(p / ww) + y0) * w + (p % ww) + x0] = 1;
    if (branches >= 2) split = true;
    const withRim = withAirRim(next, order[t]);
    if (split) {
      if (++bronchiSlices > maxBronchiSlices) break;
      writeOnes(bronchi, order[t], withRim);
    } else {
      writeOnes(trachea, order[t], withRim);
    }
    current = next;
  }
  return { trachea, bronchi, midlineRasX, note: split ? 'trachea followed to the carina, main bronchi below it' : 'trachea followed; no carina found' };
}
