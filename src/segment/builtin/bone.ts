/**
 * Bone (the `skeleton` composite) in three steps:
 * 1. Hysteresis thresholding inside the body: voxels of at least the grow threshold reached from a seed voxel
 *    (at least the seed threshold) within BONE_GROW_MM (face steps, so that an enhancing organ or vessel touching
 *    bone is entered only that far). Both thresholds follow the voxel size (boneThresholdsHu: partial volume).
 * 2. Components under BONE_MIN_VOLUME_ML dropped (calcifications, noise).
 * 3. Marrow: cancellous bone inside a cortical shell is darker than the shell and partly under the grow
 *    threshold; holes of an axial slice enclosed by bone, up to BONE_MAX_MARROW_AREA_MM2 and with a mean of at
 *    least MARROW_MIN_MEAN_HU (not the spinal canal), are filled.
 */
import { spacingOf, voxelVolumeMm3, type Grid, type Volume } from '../../volume/index.ts';
import { labelComponents2d, labelComponents3d } from './components.ts';
import { readSlice, writeSlice, type AxialLayout } from './slices.ts';
import {
  BONE_GROW_MM, BONE_MAX_MARROW_AREA_MM2, BONE_MIN_HU_AT_1MM, BONE_RING_GAP_MM, BONE_MIN_VOLUME_ML, BONE_PARTIAL_VOLUME_REFERENCE_MM, BONE_SEED_HU_AT_1MM,
  FATTY_MARROW_MAX_MEAN_HU, MARROW_MIN_MEAN_HU, SOFT_TISSUE_HU,
} from './thresholds.ts';

const MM3_PER_ML = 1000;

export interface BoneThresholdsHu {
  readonly seedHu: number;
  readonly growHu: number;
}

/**
 * Seed and grow thresholds for a grid. A bony structure thinner than a voxel (a rib's or a vertebral body's
 * cortex, about 1 mm) fills only a fraction of it, about BONE_PARTIAL_VOLUME_REFERENCE_MM / voxel size, and the
 * voxel reads soft tissue plus that fraction of the bone's excess over soft tissue (linear partial-volume
 * mixing). The thresholds set for 1 mm voxels are scaled the same way on coarser grids (never raised on finer
 * ones): threshold = SOFT_TISSUE_HU + (threshold at 1 mm - SOFT_TISSUE_HU) * min(1, 1 mm / voxel size), with the
 * voxel size the cube root of the voxel volume.
 */
export function boneThresholdsHu(grid: Grid): BoneThresholdsHu {
  const voxelSizeMm = Math.cbrt(voxelVolumeMm3(grid));
  const fraction = Math.min(1, BONE_PARTIAL_VOLUME_REFERENCE_MM / voxelSizeMm);
  return {
    seedHu: SOFT_TISSUE_HU + (BONE_SEED_HU_AT_1MM - SOFT_TISSUE_HU) * fraction,
    growHu: SOFT_TISSUE_HU + (BONE_MIN_HU_AT_1MM - SOFT_TISSUE_HU) * fraction,
  };
}

/**
 * Multi-source breadth-first growth from `seed` into `allowed`, at most `maxSteps` face steps from a seed
 * (a geodesic distance inside the allowed set). `seed` is grown in place and returned.
 */
function growFromSeeds(seed: Uint8Array, allowed: Uint8Array, dims: readonly [number, number, number], maxSteps: number): Uint8Array {
  const [nx, ny, nz] = dims;
  const sxy = nx * ny;
  const out = seed;
  let count = 0;
  for (let v = 0; v < seed.length; v++) if (seed[v]) count++;
  let frontier = new Int32Array(Math.max(16, count));
  let size = 0;
  for (let v = 0; v < seed.length; v++) if (seed[v]) frontier[size++] = v;
  let next = new Int32Array(frontier.length);
  for (let step = 0; step < maxSteps && size; step++) {
    let nextSize = 0;
    const push = (u: number) => {
      if (nextSize === next.length) { const bigger = new Int32Array(next.length * 2); bigger.set(next); next = bigger; }
      next[nextSize++] = u;
    };
    for (let f = 0; f < size; f++) {
      const v = frontier[f];
      const z = (v / sxy) | 0;
      const r = v - z * sxy;
      const y = (r / nx) | 0;
      const x = r - y * nx;
      if (x > 0 && allowed[v - 1] && !out[v - 1]) { out[v - 1] = 1; push(v - 1); }
      if (x < nx - 1 && allowed[v + 1] && !out[v + 1]) { out[v + 1] = 1; push(v + 1); }
      if (y > 0 && allowed[v - nx] && !out[v - nx]) { out[v - nx] = 1; push(v - nx); }
      if (y < ny - 1 && allowed[v + nx] && !out[v + nx]) { out[v + nx] = 1; push(v + nx); }
      if (z > 0 && allowed[v - sxy] && !out[v - sxy]) { out[v - sxy] = 1; push(v - sxy); }
      if (z < nz - 1 && allowed[v + sxy] && !out[v + sxy]) { out[v + sxy] = 1; push(v + sxy); }
    }
    const t = frontier; frontier = next; next = t.length >= frontier.length ? t : new Int32Array(frontier.length);
    size = nextSize;
  }
  return out;
}

/**
 * Fills, in each axial slice, the holes of `bone` (background pixels not 4-connected to the slice border) of at
 * most `maxHolePixels` whose mean HU is at least MARROW_MIN_MEAN_HU.
 */
function fillMarrow(bone: Uint8Array, hu: ArrayLike<number>, layout: AxialLayout, maxHolePixels: number, gapPixels: number): void {
  const { width: w, height: h } = layout;
  const slice = new Uint8Array(w * h);
  const huSlice = new Float32Array(w * h);
  // Work buffers for the crop around the slice's bone (its bounding box, padded so that the closing never
  // reaches the crop border: background on the crop border is then connected to the slice border).
  const crop = new Uint8Array(w * h);
  const closed = new Uint8Array(w * h);
  const scratch = new Uint8Array(w * h);
  const huCrop = new Float32Array(w * h);
  const pad = Math.max(0, gapPixels) + 1;
  // Axial slices stored contiguously (axial = k, u = i): read and written in place, no copies.
  const contiguous = layout.axis === 2 && layout.u === 0;
  for (let s = 0; s < layout.count; s++) {
    let view: Uint8Array = slice;
    let huView: ArrayLike<number> & { subarray(a: number, b: number): ArrayLike<number> } = huSlice;
    if (contiguous) {
      view = bone.subarray(s * w * h, (s + 1) * w * h);
      const data = hu as Int16Array | Float32Array;
      huView = data.subarray(s * w * h, (s + 1) * w * h);
    } else readSlice(bone, layout, s, slice);
    let x0 = w, x1 = -1, y0 = h, y1 = -1;
    for (let y = 0; y < h; y++) {
      const row = view.subarray(y * w, (y + 1) * w);
      const first = row.indexOf(1);
      if (first < 0) continue;
      const last = row.lastIndexOf(1);
      if (first < x0) x0 = first;
      if (last > x1) x1 = last;
      if (y < y0) y0 = y;
      y1 = y;
    }
    if (x1 < 0) continue;
    x0 = Math.max(0, x0 - pad); y0 = Math.max(0, y0 - pad);
    x1 = Math.min(w - 1, x1 + pad); y1 = Math.min(h - 1, y1 + pad);
    const cw = x1 - x0 + 1, ch = y1 - y0 + 1, cn = cw * ch;
    if (!contiguous) readSlice(hu, layout, s, huSlice);
    for (let y = 0; y < ch; y++) {
      crop.set(view.subarray((y + y0) * w + x0, (y + y0) * w + x1 + 1), y * cw);
      const from = (y + y0) * w + x0;
      for (let x = 0; x < cw; x++) huCrop[y * cw + x] = huView[from + x];
    }
    const cropView = crop.subarray(0, cn), huCropView = huCrop.subarray(0, cn), scratchView = scratch.subarray(0, cn);
    // Holes of the closing (rings with small gaps bridged); the closing itself is kept.
    if (gapPixels >= 1) closeSquare(cropView, scratchView, cw, ch, gapPixels);
    const changed = fillMarrowHoles(cropView, cropView, huCropView, cw, ch, maxHolePixels, scratchView) || gapPixels >= 1;
    if (!changed) continue;
    for (let y = 0; y < ch; y++) view.set(cropView.subarray(y * cw, (y + 1) * cw), (y + y0) * w + x0);
    if (!contiguous) writeSlice(bone, layout, s, slice);
  }
}

/** Holes of `mask` (w x h) that pass the marrow tests are set in `out`; true when any was. */
function fillMarrowHoles(mask: Uint8Array, out: Uint8Array, huSlice: Float32Array, w: number, h: number, maxHolePixels: number, inverse: Uint8Array): boolean {
  for (let p = 0; p < mask.length; p++) inverse[p] = mask[p] ? 0 : 1;
  const { labels, sizes } = labelComponents2d(inverse, w, h);
  if (sizes.length <= 2) return false; // only the outside: no hole
  const touchesBorder = new Uint8Array(sizes.length);
  for (let x = 0; x < w; x++) { touchesBorder[labels[x]] = 1; touchesBorder[labels[(h - 1) * w + x]] = 1; }
  for (let y = 0; y < h; y++) { touchesBorder[labels[y * w]] = 1; touchesBorder[labels[y * w + w - 1]] = 1; }
  const sum = new Float64Array(sizes.length);
  for (let p = 0; p < mask.length; p++) { const c = labels[p]; if (c && !touchesBorder[c]) sum[c] += huSlice[p]; }
  const fill = new Uint8Array(sizes.length);
  let filled = 0;
  for (let c = 1; c < sizes.length; c++) {
    const meanHu = sum[c] / sizes[c];
    if (!touchesBorder[c] && sizes[c] <= maxHolePixels && (meanHu >= MARROW_MIN_MEAN_HU || meanHu <= FATTY_MARROW_MAX_MEAN_HU)) { fill[c] = 1; filled++; }
  }
  if (!filled) return false;
  for (let p = 0; p < mask.length; p++) if (fill[labels[p]]) out[p] = 1;
  return true;
}

/**
 * Max (dilate) or min (erode) over a (2r+1)-pixel line along x or y, from `src` into `dst`: one forward and one
 * backward pass counting the distance to the last "hit" pixel (1 for dilation, 0 for erosion); pixels beyond the
 * border are not hits.
 */
function line(src: Uint8Array, dst: Uint8Array, w: number, h: number, r: number, alongX: boolean, dilate: boolean): void {
  const hit = dilate ? 1 : 0;
  const lines = alongX ? h : w, length = alongX ? w : h;
  const step = alongX ? 1 : w, lineStep = alongX ? w : 1;
  const far = r + 1;
  for (let l = 0; l < lines; l++) {
    const base = l * lineStep;
    let d = far;
    for (let t = 0, q = base; t < length; t++, q += step) {
      d = src[q] === hit ? 0 : d + 1;
      dst[q] = d <= r ? hit : 1 - hit;
    }
    d = far;
    for (let t = length - 1, q = base + t * step; t >= 0; t--, q -= step) {
      d = src[q] === hit ? 0 : d + 1;
      if (d <= r) dst[q] = hit;
    }
  }
}

/** Morphological closing (dilation then erosion) by a (2r+1)-pixel square, in place. */
function closeSquare(mask: Uint8Array, scratch: Uint8Array, w: number, h: number, r: number): void {
  if (r < 1) return;
  line(mask, scratch, w, h, r, true, true);
  line(scratch, mask, w, h, r, false, true);
  line(mask, scratch, w, h, r, true, false);
  line(scratch, mask, w, h, r, false, false);
}

export function segmentBone(ct: Volume, body: Uint8Array, layout: AxialLayout): Uint8Array {
  const { data, grid } = ct;
  const { seedHu, growHu } = boneThresholdsHu(grid);
  const weak = new Uint8Array(data.length);
  const grown = new Uint8Array(data.length);
  for (let n = 0; n < data.length; n++) {
    const v = data[n];
    if (v >= growHu && body[n]) { weak[n] = 1; if (v >= seedHu) grown[n] = 1; }
  }
  const maxSteps = Math.max(1, Math.round(BONE_GROW_MM / Math.min(...spacingOf(grid))));
  growFromSeeds(grown, weak, grid.dims, maxSteps);
  const { labels, sizes } = labelComponents3d(grown, grid.dims);
  const minVoxels = (BONE_MIN_VOLUME_ML * MM3_PER_ML) / voxelVolumeMm3(grid);
  const keep = new Uint8Array(sizes.length);
  for (let c = 1; c < sizes.length; c++) keep[c] = sizes[c] >= minVoxels ? 1 : 0;
  const bone = weak; // reused
  for (let n = 0; n < data.length; n++) bone[n] = keep[labels[n]];
  fillMarrow(bone, data, layout, BONE_MAX_MARROW_AREA_MM2 / layout.pixelAreaMm2, Math.round(BONE_RING_GAP_MM / Math.sqrt(layout.pixelAreaMm2)));
  return bone;
}
