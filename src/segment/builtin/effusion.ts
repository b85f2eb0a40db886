/**
 * Pleural effusion: a layer of fluid density between a lung and the chest wall, in the thorax box (thorax.ts).
 * 1. Fluid candidates: voxels outside the aerated lung whose in-plane 3 x 3 mean HU lies in
 *    [EFFUSION_MIN_HU, EFFUSION_MAX_HU] (thresholds.ts; Abramowitz et al. 2009).
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
import { labelRuns, maskRuns, Runs } from './components.ts';
import { dilateRunsDisk, diskHalfWidths, erodeRunsDisk } from './run-morphology.ts';
import {
  AIR_MAX_HU, EFFUSION_MAX_HU, EFFUSION_MIN_HU, EFFUSION_MIN_LUNG_CONTACT, EFFUSION_MIN_ML, EFFUSION_MIN_THICKNESS_MM, SOFT_TISSUE_HU,
} from './thresholds.ts';

export interface EffusionInput {
  readonly dims: readonly [number, number, number];
  readonly spacingMm: readonly [number, number, number];
  readonly hu: ArrayLike<number>;
  /** Aerated lung of each side (box, 0/1). */
  readonly airLeft: Uint8Array;
  readonly airRight: Uint8Array;
  /** Voxels that are something else already (nodules), 0/1. */
  readonly exclude: Uint8Array;
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

export function segmentEffusion(input: EffusionInput): EffusionResult {
  const { dims, spacingMm, hu, airLeft, airRight, exclude } = input;
  const [nx, ny, nz] = dims;
  const size = nx * ny;
  const n = size * nz;
  const candidate = new Uint8Array(n);
  // In-plane 3 x 3 mean, separably: row sums of three, then three rows of those.
  const rowSum = new Float32Array(size);
  for (let z = 0; z < nz; z++) {
    const base = z * size;
    for (let y = 0; y < ny; y++)
      for (let x = 1; x < nx - 1; x++) {
        const v = base + y * nx + x;
        rowSum[y * nx + x] = hu[v - 1] + hu[v] + hu[v + 1];
      }
    for (let y = 1; y < ny - 1; y++)
      for (let x = 1; x < nx - 1; x++) {
        const p = y * nx + x;
        const mean = (rowSum[p - nx] + rowSum[p] + rowSum[p + nx]) / 9;
        if (mean >= EFFUSION_MIN_HU && mean <= EFFUSION_MAX_HU) {
          const v = base + p;
          if (!airLeft[v] && !airRight[v] && !exclude[v]) candidate[v] = 1;
        }
      }
  }
  // Opening per slice, on runs, into one run list for the whole box (rows y + ny * z).
  const disk = diskHalfWidths(EFFUSION_MIN_THICKNESS_MM / 2, spacingMm[0], spacingMm[1]);
  const opened = new Runs(nx, ny * nz);
  for (let z = 0; z < nz; z++) {
    const slice = candidate.subarray(z * size, (z + 1) * size);
    if (slice.indexOf(1) < 0) continue;
    const open = dilateRunsDisk(erodeRunsDisk(maskRuns(slice, nx, ny), ny, disk), ny, disk);
    for (let y = 0; y < ny; y++) {
      opened.beginRow(y + ny * z);
      for (let q = open.rowFirst[y]; q < open.rowFirst[y + 1]; q++) {
        // The opening lies inside the candidates, except for pixels the disk's discrete shape adds at corners.
        let s = open.starts[q];
        const e = open.ends[q];
        while (s < e) {
          while (s < e && !slice[y * nx + s]) s++;
          if (s === e) break;
          const s0 = s;
          while (s < e && slice[y * nx + s]) s++;
          opened.push(s0, s);
        }
      }
    }
  }
  opened.finish();
  const { runLabel, sizes } = labelRuns(opened, ny, nz);
  // Aerated lung within reach, per slice: bit 1 left, bit 2 right (the air's runs dilated by a disk).
  const nearLung = new Uint8Array(n);
  const reach = diskHalfWidths(CONTACT_REACH_MM, spacingMm[0], spacingMm[1]);
  for (let z = 0; z < nz; z++)
    for (const [air, bit] of [[airLeft, 1], [airRight, 2]] as const) {
      const slice = air.subarray(z * size, (z + 1) * size);
      if (slice.indexOf(1) < 0) continue;
      const near = dilateRunsDisk(maskRuns(slice, nx, ny), ny, reach);
      for (let y = 0; y < ny; y++)
        for (let q = near.rowFirst[y]; q < near.rowFirst[y + 1]; q++)
          for (let x = near.starts[q]; x < near.ends[q]; x++) nearLung[z * size + y * nx + x] |= bit;
    }
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
        const faces = [x > 0 ? v - 1 : -1, x < nx - 1 ? v + 1 : -1, y > 0 ? v - nx : -1, y < ny - 1 ? v + nx : -1, z > 0 ? v - size : -1, z < nz - 1 ? v + size : -1];
        if (!faces.some((u) => u < 0 || !mask[u])) continue;
        boundary[c]++;
        const near = nearLung[v] | (z > 0 ? nearLung[v - size] : 0) | (z < nz - 1 ? nearLung[v + size] : 0);
        if (near & 1) touchLeft[c]++;
        if (near & 2) touchRight[c]++;
      }
    }
  }
  const voxelMl = voxelVolumeMm3(input.grid) / MM3_PER_ML;
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
  return {
    mask,
    volumeMlBySide,
    notes: [`pleural effusion (fluid ${EFFUSION_MIN_HU} to ${EFFUSION_MAX_HU} HU against the lung, at least ${EFFUSION_MIN_THICKNESS_MM} mm thick and ${EFFUSION_MIN_ML} mL): ${sides.length ? sides.join(', ') : 'none found'}`],
  };
}
