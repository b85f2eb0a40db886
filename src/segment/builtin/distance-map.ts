/**
 * Inside distance map of a binary mask on a box (x fastest, then y, then z) with anisotropic voxels: for each
 * voxel of the mask, the squared Euclidean distance (mm2) from its centre to the nearest voxel centre outside the
 * mask (voxels beyond the box count as outside); 0 outside the mask. Exact, by the separable lower-envelope
 * method of Felzenszwalb & Huttenlocher, "Distance transforms of sampled functions", Theory of Computing 8:415-428
 * (2012), doi:10.4086/toc.2012.v008a019: one pass along x (here straight from the mask's runs), then one along y
 * and one along z of the 1D transform of the previous pass.
 *
 * Speed: the first pass reads the mask's runs; each later line is read only between the first and last voxel of
 * the mask on it (the mask's extent along y in each column x, z and along z in each column x, y, noted in the
 * first pass: the values beyond are zero), and transformed only over its stretches of non-zero values, each with
 * the zero (outside) voxels flanking it as extra parabola sites, since no other outside voxel of the line can be
 * nearer. So the cost follows the mask, not the box (a lung box holds some 30 million voxels, the nodule
 * candidates a few hundred thousand).
 */
import { maskRuns, type Runs } from './components.ts';

/**
 * @param mask 0/1 mask on the box
 * @param dims box dims [nx, ny, nz]
 * @param spacingMm voxel spacing along x, y, z, mm
 * @param runs the mask's runs along x (rows y + ny * z) when the caller has them (maskRuns)
 */
export function insideDistanceSqMm2(mask: Uint8Array, dims: readonly [number, number, number], spacingMm: readonly [number, number, number], runs?: Runs): Float32Array {
  const [nx, ny, nz] = dims;
  const out = new Float32Array(nx * ny * nz);
  const sx2 = spacingMm[0] * spacingMm[0];
  const { starts, ends, rowFirst } = runs ?? maskRuns(mask, nx, ny * nz);
  // Pass 1, along x: distance to the nearest outside voxel of the row (or the voxel past the row's end), run by
  // run. Rows come in order of z, then y, so each column's first and last voxel are met in order.
  const yFirst = new Int32Array(nx * nz).fill(ny), yLast = new Int32Array(nx * nz).fill(-1);
  const zFirst = new Int32Array(nx * ny).fill(nz), zLast = new Int32Array(nx * ny).fill(-1);
  for (let r = 0; r < ny * nz; r++) {
    const z = Math.floor(r / ny), y = r - z * ny;
    for (let q = rowFirst[r]; q < rowFirst[r + 1]; q++) {
      const s = starts[q], e = ends[q];
      for (let x = s; x < e; x++) {
        const d = Math.min(x - s + 1, e - x);
        out[r * nx + x] = d * d * sx2;
        const xz = z * nx + x, xy = y * nx + x;
        if (yFirst[xz] > y) yFirst[xz] = y;
        yLast[xz] = y;
        if (zFirst[xy] > z) zFirst[xy] = z;
        zLast[xy] = z;
      }
    }
  }
  const maxLen = Math.max(ny, nz) + 2;
  const work = { f: new Float64Array(maxLen), site: new Int32Array(maxLen), bound: new Float64Array(maxLen + 1), line: new Float32Array(maxLen) };
  // Pass 2, along y (stride nx), and pass 3, along z (stride nx * ny), over each column's extent.
  for (let z = 0; z < nz; z++)
    for (let x = 0; x < nx; x++) {
      const xz = z * nx + x;
      if (yLast[xz] >= 0) transformLine(out, z * nx * ny + yFirst[xz] * nx + x, nx, yLast[xz] - yFirst[xz] + 1, spacingMm[1] * spacingMm[1], work);
    }
  for (let y = 0; y < ny; y++)
    for (let x = 0; x < nx; x++) {
      const xy = y * nx + x;
      if (zLast[xy] >= 0) transformLine(out, zFirst[xy] * nx * ny + xy, nx * ny, zLast[xy] - zFirst[xy] + 1, spacingMm[2] * spacingMm[2], work);
    }
  return out;
}

interface LineWork {
  readonly f: Float64Array;
  readonly site: Int32Array;
  readonly bound: Float64Array;
  readonly line: Float32Array;
}

/**
 * In place: values[start + q * stride] = min over p of (w (q - p)^2 + values[start + p * stride]), for q on the
 * stretches of non-zero values of the line (zeros stay zero). Positions -1 and len count as zero sites (they are
 * outside the box or outside the mask).
 */
function transformLine(values: Float32Array, start: number, stride: number, len: number, w: number, work: LineWork): void {
  const { line } = work;
  let any = false;
  for (let q = 0, p = start; q < len; q++, p += stride) {
    const v = values[p];
    line[q] = v;
    if (v !== 0) any = true;
  }
  if (!any) return;
  let q = 0;
  while (q < len) {
    while (q < len && line[q] === 0) q++;
    if (q === len) break;
    const a = q;
    while (q < len && line[q] !== 0) q++;
    stretch(values, start, stride, a, q, w, work);
  }
}

/** The lower envelope over sites a - 1 .. b (the two flanks are zero), evaluated on a .. b - 1. */
function stretch(values: Float32Array, start: number, stride: number, a: number, b: number, w: number, work: LineWork): void {
  const { f, site, bound, line } = work;
  // Local coordinate t = position - (a - 1); f[t] is the site value.
  const n = b - a + 2;
  f[0] = 0;
  for (let t = 1; t < n - 1; t++) f[t] = line[a + t - 1];
  f[n - 1] = 0;
  let k = 0;
  site[0] = 0;
  bound[0] = -Infinity;
  bound[1] = Infinity;
  for (let t = 1; t < n; t++) {
    for (;;) {
      const p = site[k];
      const s = (f[t] + w * t * t - (f[p] + w * p * p)) / (2 * w * (t - p));
      // bound[0] is -Infinity, so k never drops below 0.
      if (s <= bound[k]) { k--; continue; }
      k++;
      site[k] = t;
      bound[k] = s;
      bound[k + 1] = Infinity;
      break;
    }
  }
  k = 0;
  for (let t = 1; t < n - 1; t++) {
    while (bound[k + 1] < t) k++;
    const p = site[k];
    values[start + (a + t - 1) * stride] = w * (t - p) * (t - p) + f[p];
  }
}
