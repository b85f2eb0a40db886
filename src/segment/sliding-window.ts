/**
 * Sliding-window inference with Gaussian importance weighting, as nnU-Net (Isensee et al. 2021,
 * doi:10.1038/s41592-020-01008-z; nnunetv2/inference/sliding_window_prediction.py):
 * - a volume smaller than the patch is padded with zeros (in normalised units) to the patch size, half below;
 * - window starts per axis: n = ceil((size - patch) / (patch * stepFraction)) + 1 positions spread evenly,
 *   start_t = round_half_even(t (size - patch) / (n - 1)) (numpy's np.round);
 * - each patch prediction is weighted by a Gaussian centred at floor(patch / 2) with sigma = patch / 8 per
 *   axis, scaled to a peak of 1, cut at 4 sigma (scipy's gaussian_filter truncate) where the smallest kept
 *   weight replaces zeros;
 * - test-time mirroring averages the predictions of every combination of the mirrored axes.
 * Weighted sums of logits (or softmax probabilities) are kept; the argmax of the sum equals the argmax of the
 * weighted mean since the weights are positive.
 */
import { gctError } from '../errors.ts';
import type { OnnxSession } from './runtime.ts';
import type { ProgressCallback } from './types.ts';

/** numpy's round (half to even), which nnU-Net uses for window starts. */
export function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** Window start positions along one axis of `size` voxels (size >= patch). */
export function windowStarts(size: number, patch: number, stepFraction: number): number[] {
  const n = Math.ceil((size - patch) / (patch * stepFraction)) + 1;
  if (n === 1) return [0];
  const step = (size - patch) / (n - 1);
  return Array.from({ length: n }, (_, t) => roundHalfEven(step * t));
}

/** Gaussian importance weights of a patch, i fastest (see module doc). */
export function gaussianImportance(patch: readonly [number, number, number]): Float32Array {
  const axes = patch.map((p) => {
    const sigma = p / 8;
    const centre = Math.floor(p / 2);
    const radius = Math.floor(4 * sigma + 0.5);
    return Float64Array.from({ length: p }, (_, x) => (Math.abs(x - centre) <= radius ? Math.exp(-0.5 * ((x - centre) / sigma) ** 2) : 0));
  });
  const [p0, p1, p2] = patch;
  const w = new Float32Array(p0 * p1 * p2);
  let min = Infinity;
  for (let z = 0, o = 0; z < p2; z++)
    for (let y = 0; y < p1; y++)
      for (let x = 0; x < p0; x++, o++) {
        const v = axes[0][x] * axes[1][y] * axes[2][z];
        w[o] = v;
        if (v > 0 && v < min) min = v;
      }
  for (let o = 0; o < w.length; o++) if (w[o] === 0) w[o] = min;
  return w;
}

export interface SlidingWindowOptions {
  readonly patch: readonly [number, number, number];
  readonly classes: number;
  readonly stepFraction: number;
  readonly accumulate: 'logits' | 'probabilities';
  readonly mirrorAxes: readonly number[];
  readonly batch: number;
  readonly onProgress?: ProgressCallback;
}

/** Every subset of `axes` (the empty one first). */
function mirrorCombos(axes: readonly number[]): number[][] {
  let combos: number[][] = [[]];
  for (const a of axes) combos = combos.concat(combos.map((c) => [...c, a]));
  return combos;
}

/** Mirrors `channels` stacked volumes of `dims` (i fastest) along the given axes, into a new array. */
function mirror(src: Float32Array, channels: number, dims: readonly [number, number, number], axes: readonly number[]): Float32Array {
  if (axes.length === 0) return src;
  const [p0, p1, p2] = dims;
  const f0 = axes.includes(0), f1 = axes.includes(1), f2 = axes.includes(2);
  const out = new Float32Array(src.length);
  const vox = p0 * p1 * p2;
  for (let c = 0; c < channels; c++)
    for (let z = 0; z < p2; z++) {
      const zs = f2 ? p2 - 1 - z : z;
      for (let y = 0; y < p1; y++) {
        const ys = f1 ? p1 - 1 - y : y;
        const srcRow = c * vox + (zs * p1 + ys) * p0;
        const dstRow = c * vox + (z * p1 + y) * p0;
        if (f0) for (let x = 0; x < p0; x++) out[dstRow + x] = src[srcRow + p0 - 1 - x];
        else out.set(src.subarray(srcRow, srcRow + p0), dstRow);
      }
    }
  return out;
}

function softmaxInPlace(buf: Float32Array, offset: number, classes: number, vox: number): void {
  for (let v = 0; v < vox; v++) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, buf[offset + c * vox + v]);
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const e = Math.exp(buf[offset + c * vox + v] - max);
      buf[offset + c * vox + v] = e;
      sum += e;
    }
    for (let c = 0; c < classes; c++) buf[offset + c * vox + v] /= sum;
  }
}

/**
 * Runs the model over `image` (model grid, i fastest, dims `dims`) and returns the argmax class per voxel.
 * Patch predictions must be [batch, classes, pk, pj, pi].
 */
export async function slidingWindowArgmax(
  session: OnnxSession,
  image: Float32Array,
  dims: readonly [number, number, number],
  options: SlidingWindowOptions,
): Promise<Uint16Array> {
  const { patch, classes } = options;
  const [m0, m1, m2] = dims;
  const padded = [0, 1, 2].map((a) => Math.max(dims[a], patch[a]));
  const padLo = [0, 1, 2].map((a) => Math.floor((padded[a] - dims[a]) / 2));
  const starts = [0, 1, 2].map((a) => windowStarts(padded[a], patch[a], options.stepFraction));
  const positions: [number, number, number][] = [];
  for (const z of starts[2]) for (const y of starts[1]) for (const x of starts[0]) positions.push([x, y, z]);

  const [p0, p1, p2] = patch;
  const pvox = p0 * p1 * p2;
  const weights = gaussianImportance(patch);
  const mvox = m0 * m1 * m2;
  const acc = new Float32Array(classes * mvox);
  const combos = mirrorCombos(options.mirrorAxes);
  const batch = Math.max(1, options.batch);

  for (let first = 0; first < positions.length; first += batch) {
    const group = positions.slice(first, first + batch);
    // Extract the patches (zeros outside the image, i.e. in the padding).
    const input = new Float32Array(group.length * pvox);
    group.forEach(([sx, sy, sz], b) => {
      for (let z = 0; z < p2; z++) {
        const iz = sz + z - padLo[2];
        if (iz < 0 || iz >= m2) continue;
        for (let y = 0; y < p1; y++) {
          const iy = sy + y - padLo[1];
          if (iy < 0 || iy >= m1) continue;
          const dst = b * pvox + (z * p1 + y) * p0;
          const row = (iz * m1 + iy) * m0;
          for (let x = 0; x < p0; x++) {
            const ix = sx + x - padLo[0];
            if (ix >= 0 && ix < m0) input[dst + x] = image[row + ix];
          }
        }
      }
    });
    for (const axes of combos) {
      const mirrored = new Float32Array(input.length);
      for (let b = 0; b < group.length; b++) mirrored.set(mirror(input.subarray(b * pvox, (b + 1) * pvox), 1, patch, axes), b * pvox);
      const out = await session.run(mirrored, [group.length, 1, p2, p1, p0]);
      const expected = [group.length, classes, p2, p1, p0];
      if (out.dims.length !== 5 || out.dims.some((d, n) => d !== expected[n])) {
        throw gctError('GCT_SEGMENT_INFERENCE_FAILED', `The model returned [${out.dims.join(', ')}]; the manifest implies [${expected.join(', ')}] (batch, classes, patch k, j, i).`, { outputDims: [...out.dims], expectedDims: expected });
      }
      group.forEach(([sx, sy, sz], b) => {
        const pred = mirror(out.data.slice(b * classes * pvox, (b + 1) * classes * pvox), classes, patch, axes);
        if (options.accumulate === 'probabilities') softmaxInPlace(pred, 0, classes, pvox);
        for (let z = 0; z < p2; z++) {
          const iz = sz + z - padLo[2];
          if (iz < 0 || iz >= m2) continue;
          for (let y = 0; y < p1; y++) {
            const iy = sy + y - padLo[1];
            if (iy < 0 || iy >= m1) continue;
            const prow = (z * p1 + y) * p0;
            const row = (iz * m1 + iy) * m0;
            for (let x = 0; x < p0; x++) {
              const ix = sx + x - padLo[0];
              if (ix < 0 || ix >= m0) continue;
              const w = weights[prow + x];
              for (let c = 0; c < classes; c++) acc[c * mvox + row + ix] += w * pred[c * pvox + prow + x];
            }
          }
        }
      });
    }
    options.onProgress?.({ step: 'infer', done: Math.min(first + batch, positions.length), total: positions.length });
  }

  const labels = new Uint16Array(mvox);
  for (let v = 0; v < mvox; v++) {
    let best = 0;
    let bestValue = acc[v];
    for (let c = 1; c < classes; c++) {
      const value = acc[c * mvox + v];
      if (value > bestValue) { best = c; bestValue = value; }
    }
    labels[v] = best;
  }
  return labels;
}
