/**
 * Binary morphology of a 2D mask held as runs along x (components.ts, Runs with rows = h): the cost follows
 * the runs, not the pixels, which suits sparse masks such as a slice's bone.
 *
 * Pixels beyond the slice border are never hits: a dilation does not grow from them, and an erosion, the
 * complement of the dilation of the complement (Serra, Image Analysis and Mathematical Morphology, Academic
 * Press 1982, duality of dilation and erosion), is not cut by them.
 *
 * The disk operations merge sorted interval lists row by row (RowIntervals), so that their cost follows the runs
 * of the rows they combine, not the pixels those runs span.
 */
import { holeComponents, Runs } from './components.ts';

/** The complement of `runs` (its gaps), on the same w x h slice. */
export function complementRuns(runs: Runs, h: number): Runs {
  const w = runs.nx;
  const out = new Runs(w, h);
  const { starts, ends, rowFirst } = runs;
  for (let y = 0; y < h; y++) {
    out.beginRow(y);
    let x = 0;
    for (let n = rowFirst[y]; n < rowFirst[y + 1]; n++) {
      if (starts[n] > x) out.push(x, starts[n]);
      x = ends[n];
    }
    if (x < w) out.push(x, w);
  }
  return out.finish();
}

/**
 * The slice with its holes filled, on runs: the gaps not 4-connected to the slice border, of at most maxHoleArea
 * pixels, joined to the runs (fillHoles2d's definition, components.ts, without reading the pixels).
 */
export function fillHolesRuns(runs: Runs, h: number, maxHoleArea = Infinity): Runs {
  const w = runs.nx;
  const gaps = complementRuns(runs, h);
  const holes = holeComponents(gaps, h, maxHoleArea);
  if (holes === null) return runs;
  const { runLabel, fill } = holes;
  // Each row's runs and filled gaps alternate along x: joined where they meet.
  const out = new Runs(w, h);
  for (let y = 0; y < h; y++) {
    out.beginRow(y);
    let a = runs.rowFirst[y], g = gaps.rowFirst[y], open = -1, close = -1;
    const aEnd = runs.rowFirst[y + 1], gEnd = gaps.rowFirst[y + 1];
    while (a < aEnd || g < gEnd) {
      let s: number, e: number;
      if (g === gEnd || (a < aEnd && runs.starts[a] < gaps.starts[g])) { s = runs.starts[a]; e = runs.ends[a]; a++; }
      else if (fill[runLabel[g]]) { s = gaps.starts[g]; e = gaps.ends[g]; g++; }
      else { g++; continue; }
      if (s === close) { close = e; continue; }
      if (open >= 0) out.push(open, close);
      open = s;
      close = e;
    }
    if (open >= 0) out.push(open, close);
  }
  return out.finish();
}

/**
 * Dilation by the (2r+1) x (2r+1) square (max over the window, clipped to the slice), separable: each output
 * row is the union of the input rows y - r .. y + r, each run widened by r on both sides. `row` is a w-pixel
 * work buffer.
 */
export function dilateRunsSquare(runs: Runs, h: number, r: number, row: Uint8Array): Runs {
  const w = runs.nx;
  const out = new Runs(w, h);
  const { starts, ends, rowFirst } = runs;
  for (let y = 0; y < h; y++) {
    out.beginRow(y);
    const first = rowFirst[Math.max(0, y - r)], last = rowFirst[Math.min(h - 1, y + r) + 1];
    if (first === last) continue;
    row.fill(0);
    for (let n = first; n < last; n++) row.fill(1, Math.max(0, starts[n] - r), Math.min(w, ends[n] + r));
    let x = row.indexOf(1);
    while (x >= 0) {
      let e = row.indexOf(0, x);
      if (e < 0) e = w;
      out.push(x, e);
      x = e < w ? row.indexOf(1, e) : -1;
    }
  }
  return out.finish();
}

/**
 * Half-widths, in pixels, of a disk of `radiusMm` on a slice of `spacingXMm` x `spacingYMm` pixels, by row
 * offset: entry dy + ry for |dy| <= ry, ry = floor(radiusMm / spacingYMm). A pixel (dx, dy) is in the disk when
 * its centre lies within the radius: (dx sx)^2 + (dy sy)^2 <= r^2.
 */
export function diskHalfWidths(radiusMm: number, spacingXMm: number, spacingYMm: number): Int32Array {
  const ry = Math.floor(radiusMm / spacingYMm + 1e-9);
  const out = new Int32Array(2 * ry + 1);
  for (let dy = -ry; dy <= ry; dy++) out[dy + ry] = Math.floor(Math.sqrt(Math.max(0, radiusMm * radiusMm - (dy * spacingYMm) ** 2)) / spacingXMm + 1e-9);
  return out;
}

/** Sorted, disjoint intervals [starts[n], ends[n]), n < length, of one row: scratch for the row merges below. */
class RowIntervals {
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  length = 0;
  constructor(capacity: number) {
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
  }
  push(start: number, end: number): void {
    this.starts[this.length] = start;
    this.ends[this.length++] = end;
  }
}

/**
 * Dilation by a disk (any symmetric, row-convex structuring element given by `halfWidths`, see diskHalfWidths),
 * clipped to the slice: output row y is the union of the input rows y + dy widened by halfWidths[dy + ry]. The
 * rows are merged one at a time into the output row's sorted list (intervals that overlap or touch joined).
 */
export function dilateRunsDisk(runs: Runs, h: number, halfWidths: Int32Array): Runs {
  const w = runs.nx;
  const ry = (halfWidths.length - 1) >> 1;
  const out = new Runs(w, h);
  const { starts, ends, rowFirst } = runs;
  // A row holds at most w / 2 + 1 disjoint intervals that do not touch.
  let union = new RowIntervals((w >> 1) + 2), merged = new RowIntervals((w >> 1) + 2);
  for (let y = 0; y < h; y++) {
    out.beginRow(y);
    const y0 = Math.max(0, y - ry), y1 = Math.min(h - 1, y + ry);
    if (rowFirst[y0] === rowFirst[y1 + 1]) continue;
    union.length = 0;
    for (let yy = y0; yy <= y1; yy++) {
      const last = rowFirst[yy + 1];
      let q = rowFirst[yy];
      if (q === last) continue;
      const hw = halfWidths[yy - y + ry];
      // Merge by start: the union so far and this row's widened runs (each list sorted).
      merged.length = 0;
      let i = 0, open = -1, close = -1;
      while (i < union.length || q < last) {
        let s: number, e: number;
        if (q === last || (i < union.length && union.starts[i] <= starts[q] - hw)) { s = union.starts[i]; e = union.ends[i]; i++; }
        else { s = Math.max(0, starts[q] - hw); e = Math.min(w, ends[q] + hw); q++; }
        if (s <= close) { if (e > close) close = e; continue; }
        if (open >= 0) merged.push(open, close);
        open = s;
        close = e;
      }
      merged.push(open, close);
      [union, merged] = [merged, union];
    }
    for (let i = 0; i < union.length; i++) out.push(union.starts[i], union.ends[i]);
  }
  return out.finish();
}

/**
 * Erosion by the same element, the dual of the dilation (see the file comment): a pixel stays when no gap pixel of
 * the rows y + dy in the slice lies within halfWidths[dy + ry] of it. So output row y is the intersection over
 * those rows of their runs shrunk by the half-width at each end that meets a gap (an end at the slice border is
 * not shrunk: pixels beyond it are not gaps).
 */
export function erodeRunsDisk(runs: Runs, h: number, halfWidths: Int32Array): Runs {
  const w = runs.nx;
  const ry = (halfWidths.length - 1) >> 1;
  const out = new Runs(w, h);
  const { starts, ends, rowFirst } = runs;
  let common = new RowIntervals((w >> 1) + 2), next = new RowIntervals((w >> 1) + 2);
  for (let y = 0; y < h; y++) {
    out.beginRow(y);
    const y0 = Math.max(0, y - ry), y1 = Math.min(h - 1, y + ry);
    // Start from the whole row and intersect row by row, until nothing is left.
    common.length = 0;
    common.push(0, w);
    for (let yy = y0; yy <= y1 && common.length > 0; yy++) {
      const hw = halfWidths[yy - y + ry];
      const last = rowFirst[yy + 1];
      next.length = 0;
      let i = 0, q = rowFirst[yy];
      while (i < common.length && q < last) {
        const s = starts[q] === 0 ? 0 : starts[q] + hw, e = ends[q] === w ? w : ends[q] - hw;
        if (s >= e) { q++; continue; }
        const a = Math.max(common.starts[i], s), b = Math.min(common.ends[i], e);
        if (a < b) next.push(a, b);
        if (common.ends[i] < e) i++;
        else q++;
      }
      [common, next] = [next, common];
    }
    for (let i = 0; i < common.length; i++) out.push(common.starts[i], common.ends[i]);
  }
  return out.finish();
}

/** Closing by the element: dilation, then erosion. */
export function closeRunsDisk(runs: Runs, h: number, halfWidths: Int32Array): Runs {
  return erodeRunsDisk(dilateRunsDisk(runs, h, halfWidths), h, halfWidths);
}
