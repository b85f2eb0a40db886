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
  const disk = options.closingMm > 0 ? diskHalfWidths(options.closingMm, spacingMm[0], spacingMm[1]) : null;
  for (let z = 0; z < nz; z++) {
    const slice = out.subarray(z * size, (z + 1) * size);
    if (slice.indexOf(1) < 0) continue;
    fillHoles2d(slice, nx, ny, holeMaxPixels);
    if (!disk) continue;
    paintSliceRuns(slice, closeRunsDisk(maskRuns(slice, nx, ny), ny, disk));
    if (options.fillAfterClosing) fillHoles2d(slice, nx, ny, holeMaxPixels);
  }
  return out;
}

/** Sets the pixels of `runs` in `slice` (x fastest); pixels already set stay set. */
function paintSliceRuns(slice: Uint8Array, runs: Runs): void {
  const { starts, ends, rowFirst, nx, rows } = runs;
  for (let y = 0; y < rows; y++) for (let n = rowFirst[y]; n < rowFirst[y + 1]; n++) slice.fill(1, y * nx + starts[n], y * nx + ends[n]);
}
