/**
 * Overlap and surface metrics for segmentation evaluation.
 *
 * - Dice = 2 |A ∩ B| / (|A| + |B|) (Dice, Ecology 1945, doi:10.2307/1932409); range 0-1.
 * - Average symmetric surface distance (ASSD, mm), as medpy/MONAI: surface voxels are mask voxels with a
 *   face neighbour outside the mask (or on the volume border); ASSD = (Σ_{a∈∂A} d(a, ∂B) + Σ_{b∈∂B} d(b, ∂A)) /
 *   (|∂A| + |∂B|), with d the Euclidean distance in mm between voxel centres (axis-aligned spacing; the
 *   evaluation cases have no obliquity). Exact squared distance transform by Felzenszwalb & Huttenlocher,
 *   "Distance transforms of sampled functions", Theory of Computing 8 (2012), doi:10.4086/toc.2012.v008a019.
 */

type Dims = readonly [number, number, number];

export function dice(a: Uint8Array, b: Uint8Array): number | null {
  let inter = 0, na = 0, nb = 0;
  for (let n = 0; n < a.length; n++) {
    if (a[n]) na++;
    if (b[n]) nb++;
    if (a[n] && b[n]) inter++;
  }
  return na + nb === 0 ? null : (2 * inter) / (na + nb);
}

export function surface(mask: Uint8Array, dims: Dims): Uint8Array {
  const [nx, ny, nz] = dims;
  const out = new Uint8Array(mask.length);
  for (let z = 0, v = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++, v++) {
        if (!mask[v]) continue;
        if (x === 0 || y === 0 || z === 0 || x === nx - 1 || y === ny - 1 || z === nz - 1 ||
          !mask[v - 1] || !mask[v + 1] || !mask[v - nx] || !mask[v + nx] || !mask[v - nx * ny] || !mask[v + nx * ny]) out[v] = 1;
      }
  return out;
}

/** 1D squared distance transform of f (0 at sources, Infinity elsewhere) with sample spacing `s` mm. */
function edt1d(f: Float64Array, n: number, s: number, d: Float64Array, v: Int32Array, zb: Float64Array): void {
  let k = 0;
  v[0] = 0;
  zb[0] = -Infinity;
  zb[1] = Infinity;
  let first = -1;
  for (let q = 0; q < n; q++) if (f[q] !== Infinity) { first = q; break; }
  if (first < 0) { d.fill(Infinity, 0, n); return; }
  v[0] = first;
  for (let q = first + 1; q < n; q++) {
    if (f[q] === Infinity) continue;
    let sv: number;
    for (;;) {
      const p = v[k];
      sv = (f[q] + (q * s) ** 2 - (f[p] + (p * s) ** 2)) / (2 * s * (q - p));
      if (sv <= zb[k]) k--;
      else break;
      if (k < 0) break;
    }
    k++;
    v[k] = q;
    zb[k] = k === 0 ? -Infinity : sv;
    zb[k + 1] = Infinity;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (zb[k + 1] < q * s) k++;
    const p = v[k];
    d[q] = ((q - p) * s) ** 2 + f[p];
  }
}

/** Squared distance (mm2) from every voxel centre to the nearest source voxel centre. */
export function squaredDistanceMm2(source: Uint8Array, dims: Dims, spacingMm: readonly number[]): Float64Array {
  const [nx, ny, nz] = dims;
  const dist = new Float64Array(source.length);
  for (let n = 0; n < source.length; n++) dist[n] = source[n] ? 0 : Infinity;
  const maxN = Math.max(nx, ny, nz);
  const f = new Float64Array(maxN), d = new Float64Array(maxN), zb = new Float64Array(maxN + 1);
  const v = new Int32Array(maxN);
  const strides = [1, nx, nx * ny];
  for (let axis = 0; axis < 3; axis++) {
    const n = dims[axis];
    const st = strides[axis];
    const others = [0, 1, 2].filter((a) => a !== axis);
    for (let b = 0; b < dims[others[1]]; b++)
      for (let a = 0; a < dims[others[0]]; a++) {
        const base = a * strides[others[0]] + b * strides[others[1]];
        for (let q = 0; q < n; q++) f[q] = dist[base + q * st];
        edt1d(f, n, spacingMm[axis], d, v, zb);
        for (let q = 0; q < n; q++) dist[base + q * st] = d[q];
      }
  }
  return dist;
}

export function averageSymmetricSurfaceDistanceMm(a: Uint8Array, b: Uint8Array, dims: Dims, spacingMm: readonly number[]): number | null {
  const sa = surface(a, dims), sb = surface(b, dims);
  const da = squaredDistanceMm2(sa, dims, spacingMm), db = squaredDistanceMm2(sb, dims, spacingMm);
  let sum = 0, count = 0;
  for (let n = 0; n < a.length; n++) {
    if (sa[n]) { sum += Math.sqrt(db[n]); count++; }
    if (sb[n]) { sum += Math.sqrt(da[n]); count++; }
  }
  if (count === 0 || !Number.isFinite(sum)) return null;
  return sum / count;
}
