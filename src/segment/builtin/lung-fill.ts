/**
 * From the aerated lung of one side (air below AIR_MAX_HU) to two per-slice fillings, axial slice by axial slice
 * in an axial box (axial-box.ts), on runs:
 * - the lung as radiotherapy atlases contour it (lungOfAir): aerated parenchyma plus what lies inside it in the
 *   axial plane, i.e. enclosed vessels, small airways' walls and small dense areas (holes up to
 *   LUNG_HOLE_MAX_MM2), plus what a LUNG_CLOSING_MM disk closes over (vessels and partial-volume notches at the
 *   lung surface). Larger structures at the hilum stay out, since a disk of that size does not close over them.
 *   Convention: RTOG 1106 / Kong et al. 2011 (thresholds.ts).
 * - the envelope in which nodules are looked for (envelopeOfAir): the same with the larger ENVELOPE_CLOSING_MM
 *   disk and holes up to ENVELOPE_HOLE_MAX_MM2, so that nodules touching the pleura (juxta-pleural) or sitting in
 *   the notches of the hilum (perihilar) lie inside it.
 * Each side is filled on its own: closing both lungs together would bridge the mediastinum between them.
 */
import { maskRuns, Runs } from './components.ts';
import { closeRunsDisk, diskHalfWidths, fillHolesRuns } from './run-morphology.ts';

export interface FillOptions {
  /** Holes of an axial slice up to this area are filled, mm2. */
  readonly holeMaxMm2: number;
  /** Radius of the closing disk, mm (0: no closing). */
  readonly closingMm: number;
  /** Fill the holes again after the closing (holes the closing enclosed). */
  readonly fillAfterClosing?: boolean;
  /**
   * Close on a grid of pixels this many times coarser in plane (1 = the slice's own pixels): a large closing on
   * blocks of 2 x 2 pixels costs about an eighth. A coarse pixel is set where all its pixels are, so the coarse
   * closing does not reach past the fine one by more than a coarse pixel; the result is its union with the mask.
   */
  readonly coarseFactor?: number;
}

/**
 * Fills `mask` (a 0/1 box, x fastest, axial slices contiguous) slice by slice: holes up to holeMaxMm2, then the
 * closing; returns a new box mask that contains `mask`. Holes are filled first so that the closing works on a few
 * runs per row instead of one per vessel. Each slice is read once into runs, filled and closed on runs, and
 * written once.
 */
export function fillLungSlices(mask: Uint8Array, dims: readonly [number, number, number], spacingMm: readonly [number, number, number], options: FillOptions): Uint8Array {
  const [nx, ny, nz] = dims;
  const size = nx * ny;
  const out = new Uint8Array(mask.length);
  const holeMaxPixels = options.holeMaxMm2 / (spacingMm[0] * spacingMm[1]);
  const f = Math.max(1, Math.floor(options.coarseFactor ?? 1));
  const disk = options.closingMm > 0 ? diskHalfWidths(options.closingMm, f * spacingMm[0], f * spacingMm[1]) : null;
  const cx = Math.ceil(nx / f), cy = Math.ceil(ny / f);
  const coarse = new Uint8Array(cx * cy);
  for (let z = 0; z < nz; z++) {
    const slice = mask.subarray(z * size, (z + 1) * size);
    if (slice.indexOf(1) < 0) continue;
    let runs = fillHolesRuns(maskRuns(slice, nx, ny), ny, holeMaxPixels);
    if (disk) {
      // The closing contains what it closes (the disk is symmetric).
      if (f === 1) runs = closeRunsDisk(runs, ny, disk);
      else {
        // A coarse pixel is set when all its pixels are (pixels past the slice's edge count as unset): the f rows'
        // runs intersected, then cut to whole coarse pixels.
        coarse.fill(0);
        for (let Y = 0; Y < cy; Y++) {
          if (Y * f + f > ny) break;
          let common: number[] = [];
          for (let q = runs.rowFirst[Y * f]; q < runs.rowFirst[Y * f + 1]; q++) common.push(runs.starts[q], runs.ends[q]);
          for (let y = Y * f + 1; y < Y * f + f && common.length; y++) common = intersectRuns(common, runs, y);
          for (let c = 0; c < common.length; c += 2) {
            const X0 = Math.ceil(common[c] / f), X1 = Math.floor(common[c + 1] / f);
            if (X1 > X0) coarse.fill(1, Y * cx + X0, Y * cx + X1);
          }
        }
        runs = withCoarseRuns(runs, closeRunsDisk(maskRuns(coarse, cx, cy), cy, disk), f);
      }
      if (options.fillAfterClosing) runs = fillHolesRuns(runs, ny, holeMaxPixels);
    }
    paintSliceRuns(out.subarray(z * size, (z + 1) * size), runs);
  }
  return out;
}

/**
 * The union of the slice's runs and the coarse runs (pixels f times larger; fine row y lies in coarse row
 * floor(y / f)), cut at the slice's edge.
 */
function withCoarseRuns(fine: Runs, coarse: Runs, f: number): Runs {
  const { nx, rows } = fine;
  const out = new Runs(nx, rows);
  for (let y = 0; y < rows; y++) {
    out.beginRow(y);
    const Y = Math.floor(y / f);
    let a = fine.rowFirst[y], b = coarse.rowFirst[Y], open = -1, close = -1;
    const aEnd = fine.rowFirst[y + 1], bEnd = coarse.rowFirst[Y + 1];
    while (a < aEnd || b < bEnd) {
      let s: number, e: number;
      if (b === bEnd || (a < aEnd && fine.starts[a] <= coarse.starts[b] * f)) { s = fine.starts[a]; e = fine.ends[a]; a++; }
      else { s = coarse.starts[b] * f; e = Math.min(nx, coarse.ends[b] * f); b++; }
      if (s <= close) { if (e > close) close = e; continue; }
      if (open >= 0) out.push(open, close);
      open = s;
      close = e;
    }
    if (open >= 0) out.push(open, close);
  }
  return out.finish();
}

/** The intersection of the intervals [start, end, start, end, ...] (sorted) with the runs of row y. */
function intersectRuns(intervals: number[], runs: Runs, y: number): number[] {
  const out: number[] = [];
  let a = 0, b = runs.rowFirst[y];
  const bEnd = runs.rowFirst[y + 1];
  while (a < intervals.length && b < bEnd) {
    const s = Math.max(intervals[a], runs.starts[b]), e = Math.min(intervals[a + 1], runs.ends[b]);
    if (s < e) out.push(s, e);
    if (intervals[a + 1] < runs.ends[b]) a += 2;
    else b++;
  }
  return out;
}

/** Sets the pixels of `runs` in `slice` (x fastest); pixels already set stay set. */
function paintSliceRuns(slice: Uint8Array, runs: Runs): void {
  const { starts, ends, rowFirst, nx, rows } = runs;
  for (let y = 0; y < rows; y++) for (let n = rowFirst[y]; n < rowFirst[y + 1]; n++) slice.fill(1, y * nx + starts[n], y * nx + ends[n]);
}
