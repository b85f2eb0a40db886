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
