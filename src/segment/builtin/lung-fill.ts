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
import { fillHoles2d, maskRuns, type Runs } from './components.ts';
import { closeRunsDisk, diskHalfWidths } from './run-morphology.ts';

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
 * runs per row instead of one per vessel.
 */
export function fillLungSlices(mask: Uint8Array, dims: readonly [number, number, number], spacingMm: readonly [number, number, number], options: FillOptions): Uint8Array {
  const [nx, ny, nz] = dims;
  const size = nx * ny;
  const out = mask.slice();
  const holeMaxPixels = options.holeMaxMm2 / (spacingMm[0] * spacingMm[1]);
  const f = Math.max(1, Math.floor(options.coarseFactor ?? 1));
  const disk = options.closingMm > 0 ? diskHalfWidths(options.closingMm, f * spacingMm[0], f * spacingMm[1]) : null;
  const cx = Math.ceil(nx / f), cy = Math.ceil(ny / f);
  const coarse = new Uint8Array(cx * cy);
  for (let z = 0; z < nz; z++) {
    const slice = out.subarray(z * size, (z + 1) * size);
    if (slice.indexOf(1) < 0) continue;
    fillHoles2d(slice, nx, ny, holeMaxPixels);
    if (!disk) continue;
    if (f === 1) paintSliceRuns(slice, closeRunsDisk(maskRuns(slice, nx, ny), ny, disk));
    else {
      // A coarse pixel is set when all its pixels are (pixels past the slice's edge count as unset): the f rows'
      // runs intersected, then cut to whole coarse pixels.
      coarse.fill(0);
      const fine = maskRuns(slice, nx, ny);
      for (let Y = 0; Y < cy; Y++) {
        if (Y * f + f > ny) break;
        let common: number[] = [];
        for (let q = fine.rowFirst[Y * f]; q < fine.rowFirst[Y * f + 1]; q++) common.push(fine.starts[q], fine.ends[q]);
        for (let y = Y * f + 1; y < Y * f + f && common.length; y++) common = intersectRuns(common, fine, y);
        for (let c = 0; c < common.length; c += 2) {
          const X0 = Math.ceil(common[c] / f), X1 = Math.floor(common[c + 1] / f);
          if (X1 > X0) coarse.fill(1, Y * cx + X0, Y * cx + X1);
        }
      }
      const closed = closeRunsDisk(maskRuns(coarse, cx, cy), cy, disk);
      for (let y = 0; y < ny; y++) {
        const Y = Math.floor(y / f);
        for (let q = closed.rowFirst[Y]; q < closed.rowFirst[Y + 1]; q++) slice.fill(1, y * nx + closed.starts[q] * f, y * nx + Math.min(nx, closed.ends[q] * f));
      }
    }
    if (options.fillAfterClosing) fillHoles2d(slice, nx, ny, holeMaxPixels);
  }
  return out;
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
