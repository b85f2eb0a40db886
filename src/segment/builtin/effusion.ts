/**
 * Pleural effusion: a layer of fluid density between a lung and the chest wall, in the thorax box (thorax.ts).
 * 1. Fluid: voxels outside the aerated lung whose in-plane 3 x 3 mean HU lies in [EFFUSION_MIN_HU,
 *    EFFUSION_MAX_HU] (thresholds.ts; Abramowitz et al. 2009), grown through face neighbours from the band of
 *    voxels within CONTACT_REACH_MM of the aerated lung (fluid out of reach of the lung is no pleural effusion,
 *    and the search costs what the lung's surface and the fluid cost, not the whole box).
 * 2. Per axial slice, an opening by a disk of half EFFUSION_MIN_THICKNESS_MM removes the one-voxel layers where
 *    fat meets muscle (their partial volume passes through the fluid range).
 * 3. 3D components (face neighbours) of what remains; a component is an effusion when it holds at least
 *    EFFUSION_MIN_ML and at least EFFUSION_MIN_LUNG_CONTACT of its boundary voxels have aerated lung within
 *    CONTACT_REACH_MM in plane and one slice (the partial-volume rim lies between; the lung
 *    floats on it; fluid in the heart, the stomach or the abdomen is separated from the lung by the pericardium
 *    or the diaphragm).
 * 4. The fluid's edge toward the lung (voxels between the air threshold and the top of the fluid range, next to
 *    the effusion and near aerated lung, two layers: the 3 x 3 mean and the partial volume) is added back, so that
 *    the volume counts the fluid up to the half-way point between fluid and lung; toward the chest wall one layer
 *    of voxels up to the half-way point between the fluid's mean and soft tissue is added the same way.
 * Side: the lung it touches most. The volume is voxel count x voxel volume.
 */
import { voxelVolumeMm3, type Grid } from '../../volume/index.ts';
import type { AxialBox } from './axial-box.ts';
import { eachStretch, labelRuns, maskRuns, Runs } from './components.ts';
import { dilateRunsDisk, diskHalfWidths, erodeRunsDisk } from './run-morphology.ts';
import {
  AIR_MAX_HU, EFFUSION_MAX_HU, EFFUSION_MIN_HU, EFFUSION_MIN_LUNG_CONTACT, EFFUSION_MIN_ML, EFFUSION_MIN_THICKNESS_MM, SOFT_TISSUE_HU,
} from './thresholds.ts';

/** A grid the fluid search runs on: the thorax box, or blocks of its pixels. */
interface FluidGrid {
  readonly dims: readonly [number, number, number];
  readonly spacingMm: readonly [number, number, number];
  readonly hu: ArrayLike<number>;
  /** Aerated lung of each side (0/1). */
  readonly airLeft: Uint8Array;
  readonly airRight: Uint8Array;
  /** Voxels that are something else already (nodules), 0/1. */
  readonly exclude: Uint8Array;
}

export interface EffusionInput extends FluidGrid {
  readonly box: AxialBox;
  readonly grid: Grid;
}

export interface EffusionResult {
  /** Box mask of the effusion (0/1). */
  readonly mask: Uint8Array;
  readonly volumeMlBySide: { readonly left: number; readonly right: number };
  readonly notes: readonly string[];
}

const MM3_PER_ML = 1000;
/**
 * Reach (mm, in plane; one slice across) within which aerated lung counts as touching a fluid voxel: the 3 x 3 mean
 * and the partial-volume rim leave two or three voxels between the fluid found and the lung's air.
 */
const CONTACT_REACH_MM = 4;
/** Voxel layers of the partial-volume rim toward the lung added back (see step 4). */
const RIM_LAYERS = 2;
/** Steps 1-3 run on blocks of pixels of about this size (mm, in plane): the search is about the layer, not its edge. */
const COARSE_PIXEL_MM = 2;

/** Steps 1-3 on one grid: the kept fluid components (mask) and their side (-1 left, +1 right). */
function findFluid(g: FluidGrid, voxelMl: number): { mask: Uint8Array; sideOf: Int8Array } {
  const { dims, spacingMm, hu, airLeft, airRight, exclude } = g;
  const [nx, ny, nz] = dims;
  const size = nx * ny;
  const n = size * nz;
  const { nearLung, band } = nearLungMap(g);
  // Fluid: the in-plane 3 x 3 mean in range, grown (face neighbours) from the band through fluid voxels; each
  // voxel's mean is computed when first reached (state 1 fluid, 2 not). The slices' edge pixels have no 3 x 3
  // neighbourhood and are never fluid: marked 2 up front, so that a fluid voxel's in-plane neighbours are always
  // on its slice and the growth needs no bounds checks in plane.
  const state = new Uint8Array(n);
  for (let z = 0; z < nz; z++) {
    const first = z * size;
    state.fill(2, first, first + nx);
    state.fill(2, first + size - nx, first + size);
    for (let v = first + nx; v < first + size - nx; v += nx) { state[v] = 2; state[v + nx - 1] = 2; }
  }
  const isFluid = (v: number): boolean => {
    if (state[v] === 0) {
      let fluid = false;
      if (!airLeft[v] && !airRight[v] && !exclude[v]) {
        const mean = (hu[v - nx - 1] + hu[v - nx] + hu[v - nx + 1] + hu[v - 1] + hu[v] + hu[v + 1] + hu[v + nx - 1] + hu[v + nx] + hu[v + nx + 1]) / 9;
        fluid = mean >= EFFUSION_MIN_HU && mean <= EFFUSION_MAX_HU;
      }
      state[v] = fluid ? 1 : 2;
    }
    return state[v] === 1;
  };
  let queue = new Int32Array(Math.max(1024, band.length));
  let count = 0;
  const enqueue = (v: number) => {
    if (count === queue.length) { const bigger = new Int32Array(queue.length * 2); bigger.set(queue); queue = bigger; }
    queue[count++] = v;
  };
  for (const v of band) if (isFluid(v)) enqueue(v);
  for (let h = 0; h < count; h++) {
    const v = queue[h];
    if (state[v - 1] === 0 && isFluid(v - 1)) enqueue(v - 1);
    if (state[v + 1] === 0 && isFluid(v + 1)) enqueue(v + 1);
    if (state[v - nx] === 0 && isFluid(v - nx)) enqueue(v - nx);
    if (state[v + nx] === 0 && isFluid(v + nx)) enqueue(v + nx);
    if (v >= size && state[v - size] === 0 && isFluid(v - size)) enqueue(v - size);
    if (v < n - size && state[v + size] === 0 && isFluid(v + size)) enqueue(v + size);
  }
  // Opening per slice, on runs, into one run list for the whole box (rows y + ny * z). The grown voxels are the
  // ones marked fluid (each was queued once); their runs end before the slice's edge pixels (never fluid).
  const disk = diskHalfWidths(EFFUSION_MIN_THICKNESS_MM / 2, spacingMm[0], spacingMm[1]);
  const opened = new Runs(nx, ny * nz);
  for (let z = 0; z < nz; z++) {
    const slice = state.subarray(z * size, (z + 1) * size);
    let p = slice.indexOf(1);
    if (p < 0) continue;
    const sliceRuns = new Runs(nx, ny);
    for (; p >= 0; p = slice.indexOf(1, p)) {
      const y = Math.floor(p / nx), start = p;
      while (slice[p] === 1) p++;
      sliceRuns.beginRow(y);
      sliceRuns.push(start - y * nx, p - y * nx);
    }
    sliceRuns.finish();
    const open = dilateRunsDisk(erodeRunsDisk(sliceRuns, ny, disk), ny, disk);
    for (let y = 0; y < ny; y++) {
      opened.beginRow(y + ny * z);
      // The opening lies inside the grown voxels, except for pixels the disk's discrete shape adds at corners.
      let a = sliceRuns.rowFirst[y];
      for (let q = open.rowFirst[y]; q < open.rowFirst[y + 1]; q++)
        for (; a < sliceRuns.rowFirst[y + 1] && sliceRuns.starts[a] < open.ends[q]; a++) {
          const s0 = Math.max(open.starts[q], sliceRuns.starts[a]), e0 = Math.min(open.ends[q], sliceRuns.ends[a]);
          if (s0 < e0) opened.push(s0, e0);
          if (sliceRuns.ends[a] > open.ends[q]) break;
        }
    }
  }
  opened.finish();
  const { runLabel, sizes } = labelRuns(opened, ny, nz);
  const boundary = new Float64Array(sizes.length);
  const touchLeft = new Float64Array(sizes.length);
  const touchRight = new Float64Array(sizes.length);
  const mask = new Uint8Array(n);
  for (let r = 0; r < ny * nz; r++)
    for (let q = opened.rowFirst[r]; q < opened.rowFirst[r + 1]; q++) mask.fill(1, r * nx + opened.starts[q], r * nx + opened.ends[q]);
  for (let r = 0; r < ny * nz; r++) {
    const y = r % ny, z = (r - y) / ny;
    for (let q = opened.rowFirst[r]; q < opened.rowFirst[r + 1]; q++) {
      const c = runLabel[q];
      for (let x = opened.starts[q]; x < opened.ends[q]; x++) {
        const v = r * nx + x;
        // Interior: all six face neighbours in the box and in the mask.
        if (x > 0 && mask[v - 1] && x < nx - 1 && mask[v + 1] && y > 0 && mask[v - nx] && y < ny - 1 && mask[v + nx] && z > 0 && mask[v - size] && z < nz - 1 && mask[v + size]) continue;
        boundary[c]++;
        const near = nearLung[v] | (z > 0 ? nearLung[v - size] : 0) | (z < nz - 1 ? nearLung[v + size] : 0);
        if (near & 1) touchLeft[c]++;
        if (near & 2) touchRight[c]++;
      }
    }
  }
  const keep = new Int8Array(sizes.length); // 0 drop, -1 left, +1 right
  for (let c = 1; c < sizes.length; c++) {
    const contact = (touchLeft[c] + touchRight[c]) / Math.max(1, boundary[c]);
    if (sizes[c] * voxelMl >= EFFUSION_MIN_ML && contact >= EFFUSION_MIN_LUNG_CONTACT) keep[c] = touchLeft[c] > touchRight[c] ? -1 : 1;
  }
  mask.fill(0);
  const sideOf = new Int8Array(n);
  for (let r = 0; r < ny * nz; r++)
    for (let q = opened.rowFirst[r]; q < opened.rowFirst[r + 1]; q++) {
      const k = keep[runLabel[q]];
      if (k === 0) continue;
      mask.fill(1, r * nx + opened.starts[q], r * nx + opened.ends[q]);
      sideOf.fill(k, r * nx + opened.starts[q], r * nx + opened.ends[q]);
    }
  return { mask, sideOf };
}

/**
 * Aerated lung within CONTACT_REACH_MM in plane, marked on the voxels that are not air (the only ones asked): bit 1
 * left, bit 2 right; `band` lists those voxels, where the fluid search starts.
 */
function nearLungMap(g: FluidGrid): { nearLung: Uint8Array; band: number[] } {
  const { dims, spacingMm, airLeft, airRight } = g;
  const [nx, ny, nz] = dims;
  const size = nx * ny;
  const n = size * nz;
  const nearLung = new Uint8Array(n);
  const band: number[] = [];
  const reach = diskHalfWidths(CONTACT_REACH_MM, spacingMm[0], spacingMm[1]);
  for (let z = 0; z < nz; z++)
    for (const [air, bit] of [[airLeft, 1], [airRight, 2]] as const) {
      const slice = air.subarray(z * size, (z + 1) * size);
      if (slice.indexOf(1) < 0) continue;
      const own = maskRuns(slice, nx, ny);
      const near = dilateRunsDisk(own, ny, reach);
      for (let y = 0; y < ny; y++) {
        // near minus own: both sorted, own inside near.
        let q = own.rowFirst[y];
        for (let p = near.rowFirst[y]; p < near.rowFirst[y + 1]; p++) {
          let x = near.starts[p];
          while (x < near.ends[p]) {
            while (q < own.rowFirst[y + 1] && own.ends[q] <= x) q++;
            const stop = q < own.rowFirst[y + 1] && own.starts[q] < near.ends[p] ? own.starts[q] : near.ends[p];
            for (; x < stop; x++) {
              const v = z * size + y * nx + x;
              if (nearLung[v] === 0 && !airLeft[v] && !airRight[v]) band.push(v);
              nearLung[v] |= bit;
            }
            if (q < own.rowFirst[y + 1] && own.starts[q] < near.ends[p]) x = own.ends[q];
          }
        }
      }
    }
  return { nearLung, band };
}

/**
 * The grid in blocks of f x f pixels in plane: HU the block mean, air and exclusion where any pixel of the block
 * has them (so a coarse fluid voxel is fluid all through).
 */
function coarsen(g: FluidGrid, f: number): FluidGrid {
  const [nx, ny, nz] = g.dims;
  const cx = Math.ceil(nx / f), cy = Math.ceil(ny / f);
  const hu = new Float32Array(cx * cy * nz);
  const fineHu = g.hu;
  // Block sums: each fine row adds the sums of its f-pixel stretches to its block row (the last block of a row
  // may be narrower), then each block is divided by its pixel count.
  const whole = Math.floor(nx / f);
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++) {
      const rowC = (z * cy + Math.floor(y / f)) * cx;
      let v = (z * ny + y) * nx;
      for (let X = 0; X < whole; X++) {
        let sum = 0;
        for (const end = v + f; v < end; v++) sum += fineHu[v];
        hu[rowC + X] += sum;
      }
      if (whole < cx) {
        let sum = 0;
        for (const end = (z * ny + y + 1) * nx; v < end; v++) sum += fineHu[v];
        hu[rowC + whole] += sum;
      }
    }
  for (let z = 0, c = 0; z < nz; z++)
    for (let Y = 0; Y < cy; Y++) {
      const rows = Math.min(ny, Y * f + f) - Y * f;
      for (let X = 0; X < cx; X++, c++) hu[c] /= rows * (Math.min(nx, X * f + f) - X * f);
    }
  const [airLeft, airRight, exclude] = [g.airLeft, g.airRight, g.exclude].map((fine) => blocksWithAny(fine, g.dims, f));
  return { dims: [cx, cy, nz], spacingMm: [g.spacingMm[0] * f, g.spacingMm[1] * f, g.spacingMm[2]], hu, airLeft, airRight, exclude };
}

/** The blocks of f x f pixels (as in coarsen) that hold any pixel of the 0/1 `mask`, found stretch by stretch. */
function blocksWithAny(mask: Uint8Array, dims: readonly [number, number, number], f: number): Uint8Array {
  const [nx, ny, nz] = dims;
  const cx = Math.ceil(nx / f), cy = Math.ceil(ny / f);
  const out = new Uint8Array(cx * cy * nz);
  eachStretch(mask, (start, end) => {
    // A stretch may run on into the next rows: cut at row ends.
    for (let s = start; s < end;) {
      const r = Math.floor(s / nx), rowEnd = Math.min(end, (r + 1) * nx);
      const z = Math.floor(r / ny), rowC = (z * cy + Math.floor((r - z * ny) / f)) * cx;
      out.fill(1, rowC + Math.floor((s - r * nx) / f), rowC + Math.floor((rowEnd - 1 - r * nx) / f) + 1);
      s = rowEnd;
    }
  });
  return out;
}

export function segmentEffusion(input: EffusionInput): EffusionResult {
  const { dims, spacingMm, hu, airLeft, airRight, exclude } = input;
  const [nx, ny, nz] = dims;
  const size = nx * ny;
  const n = size * nz;
  const voxelMl = voxelVolumeMm3(input.grid) / MM3_PER_ML;
  // Steps 1-3 on blocks of f x f pixels of about COARSE_PIXEL_MM (the block mean halves the noise again); step 4 on
  // the slice's own pixels.
  const f = Math.max(1, Math.floor(COARSE_PIXEL_MM / Math.max(spacingMm[0], spacingMm[1])));
  let mask: Uint8Array, sideOf: Int8Array;
  if (f === 1) ({ mask, sideOf } = findFluid(input, voxelMl));
  else {
    const coarse = coarsen(input, f);
    const found = findFluid(coarse, voxelMl * f * f);
    mask = new Uint8Array(n);
    sideOf = new Int8Array(n);
    const [cx, cy] = coarse.dims;
    for (let c = found.mask.indexOf(1); c >= 0; c = found.mask.indexOf(1, c + 1)) {
      const z = Math.floor(c / (cx * cy)), Y = Math.floor(c / cx) % cy, X = c % cx;
      for (let y = Y * f; y < Math.min(ny, Y * f + f); y++)
        for (let x = X * f; x < Math.min(nx, X * f + f); x++) {
          const v = z * size + y * nx + x;
          if (airLeft[v] || airRight[v] || exclude[v] || hu[v] < AIR_MAX_HU) continue;
          mask[v] = 1;
          sideOf[v] = found.sideOf[c];
        }
    }
  }
  if (mask.indexOf(1) < 0) return { mask, volumeMlBySide: { left: 0, right: 0 }, notes: [noteOf([])] };
  // Aerated lung within reach, for the rims (bit 1 left, bit 2 right).
  const { nearLung } = nearLungMap(input);
  // Partial-volume rim toward the lung: RIM_LAYERS times, the face neighbours of the effusion between the air
  // threshold and the top of the fluid range that have aerated lung within CONTACT_REACH_MM in plane (so the rim
  // grows toward the lung only, never into the chest wall).
  const nearAir = (u: number) => nearLung[u] !== 0;
  const members: number[] = [];
  for (let v = mask.indexOf(1); v >= 0; v = mask.indexOf(1, v + 1)) members.push(v);
  let front = members;
  for (let layer = 0; layer < RIM_LAYERS; layer++) {
    const rim: number[] = [];
    for (const v of front) {
      for (const u of [v - 1, v + 1, v - nx, v + nx, v - size, v + size]) {
        if (u < 0 || u >= n || mask[u] || sideOf[u] !== 0 || exclude[u]) continue;
        if (hu[u] >= AIR_MAX_HU && hu[u] <= EFFUSION_MAX_HU && !airLeft[u] && !airRight[u] && nearAir(u)) {
          sideOf[u] = sideOf[v];
          rim.push(u);
        }
      }
    }
    for (const u of rim) { mask[u] = 1; members.push(u); }
    front = rim;
  }
  // Edge toward the chest wall, once: the face neighbours up to the half-way point between the fluid's mean HU and
  // soft tissue (SOFT_TISSUE_HU), the half-maximum edge (as in bone.ts), and not below the fluid range (fat).
  let sum = 0;
  for (const v of members) sum += hu[v];
  if (members.length > 0) {
    const edgeHu = (sum / members.length + SOFT_TISSUE_HU) / 2;
    const rim: number[] = [];
    for (const v of members) {
      for (const u of [v - 1, v + 1, v - nx, v + nx, v - size, v + size]) {
        if (u < 0 || u >= n || mask[u] || sideOf[u] !== 0 || exclude[u] || airLeft[u] || airRight[u]) continue;
        if (hu[u] >= EFFUSION_MIN_HU && hu[u] <= edgeHu) { sideOf[u] = sideOf[v]; rim.push(u); }
      }
    }
    for (const u of rim) { mask[u] = 1; members.push(u); }
  }
  let left = 0, right = 0;
  for (const v of members) { if (sideOf[v] < 0) left++; else right++; }
  const volumeMlBySide = { left: left * voxelMl, right: right * voxelMl };
  const sides = (['right', 'left'] as const).filter((s) => volumeMlBySide[s] > 0).map((s) => `${s} ${volumeMlBySide[s].toFixed(0)} mL`);
  return { mask, volumeMlBySide, notes: [noteOf(sides)] };
}

function noteOf(sides: readonly string[]): string {
  return `pleural effusion (fluid ${EFFUSION_MIN_HU} to ${EFFUSION_MAX_HU} HU against the lung, at least ${EFFUSION_MIN_THICKNESS_MM} mm thick and ${EFFUSION_MIN_ML} mL): ${sides.length ? sides.join(', ') : 'none found'}`;
}
