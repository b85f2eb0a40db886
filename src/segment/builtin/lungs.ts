/**
 * Lungs: air (< AIR_MAX_HU) inside the body outline, 3D components (6-neighbourhood) that look like lung
 * parenchyma (thresholds.ts: volume, mean HU, fraction of pure air) rather than bowel gas. The airways found
 * inside them are removed; what remains is split into left and right by the patient's midline in RAS x,
 * read through ijkToRas (never the array order): a component lying mostly (LUNG_SIDE_MAJORITY) on one side
 * takes that side; a component spanning both (lungs touching at the anterior or posterior junction) is cut row by
 * row at the junction line (the densest voxels near the midline: the two pleural layers), else at the midline.
 */
import { voxelVolumeMm3, type Volume } from '../../volume/index.ts';
import { segmentAirways } from './airways.ts';
import { labelRuns, maskRuns, paintRuns, Runs } from './components.ts';
import type { AxialLayout } from './slices.ts';
import { AIR_MAX_HU, LUNG_MAX_MEAN_HU, LUNG_MAX_PURE_AIR_FRACTION, LUNG_MIN_VOLUME_ML, PURE_AIR_MAX_HU } from './thresholds.ts';

const MM3_PER_ML = 1000;
/** Share of a component's voxels on one side of the midline for the whole component to take that side. */
const LUNG_SIDE_MAJORITY = 0.9;
/**
 * The junction line of lungs touching each other is looked for this far (mm) on either side of the midline: the
 * anterior junction line is where the two lungs' pleurae meet in front of the
 * ascending aorta, the posterior one behind the oesophagus (Fleischner Society glossary, Hansell et al.,
 * Radiology 2008, doi:10.1148/radiol.2462070712); both lie near the midline but not on it.
 */
const JUNCTION_SEARCH_MM = 25;

export interface LungsAndAirways {
  readonly lungLeft: Uint8Array;
  readonly lungRight: Uint8Array;
  readonly trachea: Uint8Array;
  readonly bronchi: Uint8Array;
  /** Array-index bounds [i, j, k] (inclusive) of the lungs' voxels; null without lungs. */
  readonly ijkBounds: { readonly lo: readonly number[]; readonly hi: readonly number[] } | null;
  readonly notes: string[];
}

/** @param bodyRuns the runs of `body` along i when the caller has them (maskRuns) */
export function segmentLungsAndAirways(ct: Volume, body: Uint8Array, layout: AxialLayout, bodyRuns?: Runs): LungsAndAirways {
  const { data, grid } = ct;
  const [nx, ny] = grid.dims;
  const m = grid.ijkToRas;
  const rasX = (v: number) => {
    const k = Math.floor(v / (nx * ny));
    const r = v - k * nx * ny;
    const j = Math.floor(r / nx);
    const i = r - j * nx;
    return m[0] * i + m[1] * j + m[2] * k + m[3];
  };
  const notes: string[] = [];

  const nz = grid.dims[2];

  // Air runs along i inside the body runs; per component, the HU sum and the pure-air count, voxels summed in
  // array order as a per-voxel scan would (float HU sums then round the same way).
  const rows = ny * nz;
  bodyRuns ??= maskRuns(body, nx, rows);
  const air = new Runs(nx, rows);
  for (let r = 0; r < rows; r++) {
    air.beginRow(r);
    const base = r * nx;
    for (let b = bodyRuns.rowFirst[r]; b < bodyRuns.rowFirst[r + 1]; b++) {
      const end = base + bodyRuns.ends[b];
      let p = base + bodyRuns.starts[b];
      while (p < end) {
        while (p < end && !(data[p] < AIR_MAX_HU)) p++;
        if (p === end) break;
        const s = p;
        while (p < end && data[p] < AIR_MAX_HU) p++;
        air.push(s - base, p - base);
      }
    }
  }
  air.finish();
  const { runLabel, sizes } = labelRuns(air, ny, nz);
  const sum = new Float64Array(sizes.length);
  const pure = new Float64Array(sizes.length);
  for (let r = 0; r < rows; r++)
    for (let n = air.rowFirst[r]; n < air.rowFirst[r + 1]; n++) {
      const c = runLabel[n];
      for (let v = r * nx + air.starts[n]; v < r * nx + air.ends[n]; v++) { sum[c] += data[v]; if (data[v] < PURE_AIR_MAX_HU) pure[c]++; }
    }
  const minVoxels = (LUNG_MIN_VOLUME_ML * MM3_PER_ML) / voxelVolumeMm3(grid);
  const isLung = new Uint8Array(sizes.length);
  for (let c = 1; c < sizes.length; c++) {
    isLung[c] = sizes[c] >= minVoxels && sum[c] / sizes[c] <= LUNG_MAX_MEAN_HU && pure[c] / sizes[c] <= LUNG_MAX_PURE_AIR_FRACTION ? 1 : 0;
  }
  const lungAir = new Uint8Array(data.length);
  const empty = { lungLeft: lungAir, lungRight: lungAir, trachea: lungAir, bronchi: lungAir, ijkBounds: null };
  if (!isLung.some((f) => f === 1)) return { ...empty, notes: ['no air component looks like lung: no lungs or airways in the field of view'] };
  paintRuns(lungAir, air, runLabel, isLung);

  // Body midline: mean RAS x of the body outline (voxels summed in array order, x updated along i as in eachRasX).
  let bodyX = 0, bodyN = 0;
  for (let r = 0; r < rows; r++) {
    const j = r % ny, k = (r - j) / ny;
    const x0 = m[1] * j + m[2] * k + m[3];
    for (let b = bodyRuns.rowFirst[r]; b < bodyRuns.rowFirst[r + 1]; b++)
      for (let i = bodyRuns.starts[b]; i < bodyRuns.ends[b]; i++) { bodyX += x0 + m[0] * i; bodyN++; }
  }
  const bodyMidlineRasX = bodyN ? bodyX / bodyN : 0;

  const sliceOf = (s: number, p: number) => {
    // voxel index of pixel p of axial slice s
    const { strides, u, v: vv, axis, width } = layout;
    const y = Math.floor(p / width);
    return s * strides[axis] + (p - y * width) * strides[u] + y * strides[vv];
  };
  const airways = segmentAirways(ct, lungAir, layout, bodyMidlineRasX, (s, p) => rasX(sliceOf(s, p)));
  notes.push(airways.note);
  const midline = airways.midlineRasX ?? bodyMidlineRasX;

  // Lungs = lung air without the airways (which lie inside it), re-split into components.
  for (let r = 0; r < rows; r++)
    for (let n = air.rowFirst[r]; n < air.rowFirst[r + 1]; n++) {
      if (!isLung[runLabel[n]]) continue;
      for (let v = r * nx + air.starts[n]; v < r * nx + air.ends[n]; v++) if (airways.trachea[v] || airways.bronchi[v]) lungAir[v] = 0;
    }
  const partRuns = maskRuns(lungAir, nx, rows);
  const parts = labelRuns(partRuns, ny, nz);
  const leftCount = new Float64Array(parts.sizes.length);
  /** Calls fn(run, its first voxel, its first i, RAS x at i = 0 of its row) for every run of the lung parts. */
  const eachRunX = (fn: (n: number, v0: number, i0: number, x0: number) => void) => {
    for (let r = 0; r < rows; r++) {
      const j = r % ny, k = (r - j) / ny;
      const x0 = m[1] * j + m[2] * k + m[3];
      for (let n = partRuns.rowFirst[r]; n < partRuns.rowFirst[r + 1]; n++) fn(n, r * nx + partRuns.starts[n], partRuns.starts[n], x0);
    }
  };
  eachRunX((n, _v0, i0, x0) => {
    const c = parts.runLabel[n];
    for (let i = i0; i < partRuns.ends[n]; i++) if (x0 + m[0] * i < midline) leftCount[c]++;
  });
  const side = new Int8Array(parts.sizes.length); // -1 left, +1 right, 0 cut at the midline, 2 dropped
  let cut = 0;
  for (let c = 1; c < parts.sizes.length; c++) {
    const f = leftCount[c] / parts.sizes[c];
    if (parts.sizes[c] < minVoxels / 4) side[c] = 2;
    else if (f >= LUNG_SIDE_MAJORITY) side[c] = -1;
    else if (f <= 1 - LUNG_SIDE_MAJORITY) side[c] = 1;
    else { side[c] = 0; cut++; }
  }
  if (cut) notes.push(`${cut} lung component(s) spanning the midline were cut at RAS x = ${midline.toFixed(1)} mm`);
  const lungLeft = new Uint8Array(data.length);
  const lungRight = new Uint8Array(data.length);
  // Rows along i run left-right when i is the array axis closest to RAS x: the junction can then be cut per run.
  const iAlongX = Math.abs(m[0]) >= Math.abs(m[4]) && Math.abs(m[0]) >= Math.abs(m[8]);
  const searchVoxels = Math.round(JUNCTION_SEARCH_MM / Math.hypot(m[0], m[4], m[8]));
  const lo = [Infinity, Infinity, Infinity], hi = [-1, -1, -1];
  eachRunX((n, v0, i0, x0) => {
    const c = side[parts.runLabel[n]];
    if (c === 2) return;
    const i1 = partRuns.ends[n];
    const j = Math.floor(v0 / nx) % ny, k = Math.floor(v0 / (nx * ny));
    lo[0] = Math.min(lo[0], i0); hi[0] = Math.max(hi[0], i1 - 1);
    lo[1] = Math.min(lo[1], j); hi[1] = Math.max(hi[1], j);
    lo[2] = Math.min(lo[2], k); hi[2] = Math.max(hi[2], k);
    // The x where a run spanning both lungs is cut: the junction line in it, else the midline.
    let cutX = midline;
    if (c === 0 && iAlongX) {
      const iMid = Math.round((midline - x0) / m[0]);
      const junction = junctionIndex(data, v0 - i0, i0, i1, iMid - searchVoxels, iMid + searchVoxels);
      if (junction !== null) cutX = x0 + m[0] * junction;
    }
    for (let i = i0, v = v0; i < i1; i++, v++) {
      const s = c === 0 ? (x0 + m[0] * i < cutX ? -1 : 1) : c;
      if (s < 0) lungLeft[v] = 1;
      else lungRight[v] = 1;
    }
  });
  return { lungLeft, lungRight, trachea: airways.trachea, bronchi: airways.bronchi, ijkBounds: hi[0] >= 0 ? { lo, hi } : null, notes };
}

/**
 * Where the two lungs meet in one row (anterior or posterior junction line), the lungs' two pleural layers make
 * a line denser than the parenchyma on either side, even where it stays under the air threshold. The junction is
 * the i, within [lo, hi] and inside the run [i0, i1), of the highest 3-voxel mean HU; null when that window and
 * the run do not overlap. `rowBase` is the voxel index of i = 0 in the row.
 */
export function junctionIndex(data: ArrayLike<number>, rowBase: number, i0: number, i1: number, lo: number, hi: number): number | null {
  const a = Math.max(i0 + 1, Math.min(lo, hi)), b = Math.min(i1 - 2, Math.max(lo, hi));
  if (a > b) return null;
  let best = -Infinity, at = a;
  for (let i = a; i <= b; i++) {
    const mean = data[rowBase + i - 1] + data[rowBase + i] + data[rowBase + i + 1];
    if (mean > best) { best = mean; at = i; }
  }
  return at;
}
