/**
 * Binary morphology of a 2D mask held as runs along x (components.ts, Runs with rows = h): the cost follows
 * the runs, not the pixels, which suits sparse masks such as a slice's bone.
 *
 * Pixels beyond the slice border are never hits: a dilation does not grow from them, and an erosion, the
 * complement of the dilation of the complement (Serra, Image Analysis and Mathematical Morphology, Academic
 * Press 1982, duality of dilation and erosion), is not cut by them.
 */
import { Runs } from './components.ts';

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

/**
 * Dilation by a disk (any symmetric, row-convex structuring element given by `halfWidths`, see diskHalfWidths),
 * clipped to the slice: output row y is the union of the input rows y + dy widened by halfWidths[dy + ry]. The
 * union of a row's widened runs is swept once with a difference array over the span they cover, so the cost
 * follows the runs and their span, not the slice.
 */
export function dilateRunsDisk(runs: Runs, h: number, halfWidths: Int32Array): Runs {
  const w = runs.nx;
  const ry = (halfWidths.length - 1) >> 1;
  const out = new Runs(w, h);
  const { starts, ends, rowFirst } = runs;
  const diff = new Int32Array(w + 1);
  for (let y = 0; y < h; y++) {
    out.beginRow(y);
    const y0 = Math.max(0, y - ry), y1 = Math.min(h - 1, y + ry);
    if (rowFirst[y0] === rowFirst[y1 + 1]) continue;
    let lo = w, hi = 0;
    for (let yy = y0; yy <= y1; yy++) {
      const hw = halfWidths[yy - y + ry];
      for (let q = rowFirst[yy]; q < rowFirst[yy + 1]; q++) {
        const s = Math.max(0, starts[q] - hw), e = Math.min(w, ends[q] + hw);
        diff[s]++;
        diff[e]--;
        if (s < lo) lo = s;
        if (e > hi) hi = e;
      }
    }
    let depth = 0, open = -1;
    for (let x = lo; x <= hi; x++) {
      depth += diff[x];
      diff[x] = 0;
      if (depth > 0 && open < 0) open = x;
      else if (depth === 0 && open >= 0) { out.push(open, x); open = -1; }
    }
  }
  return out.finish();
}

/** Erosion by the same element: the complement of the dilation of the complement (see the file comment). */
export function erodeRunsDisk(runs: Runs, h: number, halfWidths: Int32Array): Runs {
  return complementRuns(dilateRunsDisk(complementRuns(runs, h), h, halfWidths), h);
}

/** Closing by the element: dilation, then erosion. */
export function closeRunsDisk(runs: Runs, h: number, halfWidths: Int32Array): Runs {
  return erodeRunsDisk(dilateRunsDisk(runs, h, halfWidths), h, halfWidths);
}
