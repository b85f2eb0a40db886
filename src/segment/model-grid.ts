/**
 * Where the model's voxels sit relative to the CT's: an axis permutation with flips (reorientation to the
 * model's orientation code, decided from the CT's ijkToRas, never from array order) followed by a rescale of
 * each axis to the model spacing.
 *
 * Reorientation permutes and flips axes only, like nibabel's as_closest_canonical that TotalSegmentator uses:
 * an oblique CT keeps its obliquity, and the axis nearest to each world axis plays its part.
 *
 * Rescaling maps voxel edges to voxel edges, as skimage.transform.resize (used by nnU-Net,
 * nnunetv2/preprocessing/resampling): an axis of n CT voxels at spacing s becomes m = max(1, round(n s / t))
 * model voxels at target spacing t, and model voxel x samples the CT axis at c = (x + 0.5) n / m - 0.5.
 * The model voxel size is then n s / m, within half a voxel of t over the whole axis.
 */
import { gctError } from '../errors.ts';
import { orientationCode, spacingOf, type Grid } from '../volume/index.ts';

/** One model axis: the CT axis it runs along, whether it runs backwards, and the size change. */
export interface AxisMap {
  /** CT axis (0 = i, 1 = j, 2 = k) this model axis follows. */
  readonly ctAxis: number;
  /** True when the model axis runs opposite to the CT axis. */
  readonly flipped: boolean;
  /** CT voxels along this axis. */
  readonly ctSize: number;
  /** Model voxels along this axis. */
  readonly modelSize: number;
  /** CT voxels per model voxel, n / m. */
  readonly scale: number;
}

export interface ModelGridMap {
  readonly axes: readonly [AxisMap, AxisMap, AxisMap];
  /** Model voxel counts along the model's i, j, k. */
  readonly modelDims: readonly [number, number, number];
  /** Achieved model spacing in mm, n s / m per axis. */
  readonly modelSpacingMm: readonly [number, number, number];
}

const OPPOSITE: Record<string, string> = { R: 'L', L: 'R', A: 'P', P: 'A', S: 'I', I: 'S' };

/** Half-up rounding written out (Math.round rounds -0.5 to -0; here only non-negative values occur). */
export function roundHalfUp(v: number): number {
  return Math.floor(v + 0.5);
}

export function modelGridMap(ct: Grid, orientation: string, spacingMm: readonly [number, number, number]): ModelGridMap {
  const ctCode = orientationCode(ct.ijkToRas);
  const ctSpacing = spacingOf(ct);
  const axes = [0, 1, 2].map((a): AxisMap => {
    const letter = orientation[a];
    let ctAxis = ctCode.indexOf(letter);
    let flipped = false;
    if (ctAxis < 0) {
      ctAxis = ctCode.indexOf(OPPOSITE[letter]);
      flipped = true;
    }
    if (ctAxis < 0) throw gctError('GCT_SEGMENT_OPTION_INVALID', `Model orientation '${orientation}' cannot be matched to the CT's '${ctCode}'.`, { orientation, ctOrientation: ctCode });
    const ctSize = ct.dims[ctAxis];
    const modelSize = Math.max(1, roundHalfUp((ctSize * ctSpacing[ctAxis]) / spacingMm[a]));
    return { ctAxis, flipped, ctSize, modelSize, scale: ctSize / modelSize };
  }) as unknown as [AxisMap, AxisMap, AxisMap];
  return {
    axes,
    modelDims: [axes[0].modelSize, axes[1].modelSize, axes[2].modelSize],
    modelSpacingMm: axes.map((ax) => (ax.ctSize * ctSpacing[ax.ctAxis]) / ax.modelSize) as unknown as [number, number, number],
  };
}

/** Continuous CT index along `axis.ctAxis` sampled by model voxel x (edge-aligned, clamped to the axis). */
export function ctCoordinate(axis: AxisMap, x: number): number {
  let c = (x + 0.5) * axis.scale - 0.5;
  if (c < 0) c = 0;
  if (c > axis.ctSize - 1) c = axis.ctSize - 1;
  return axis.flipped ? axis.ctSize - 1 - c : c;
}

/** Model voxel (integer) whose label CT voxel index c along `axis.ctAxis` takes: nearest model voxel centre. */
export function nearestModelIndex(axis: AxisMap, c: number): number {
  const r = axis.flipped ? axis.ctSize - 1 - c : c;
  const x = roundHalfUp((r + 0.5) / axis.scale - 0.5);
  return x < 0 ? 0 : x > axis.modelSize - 1 ? axis.modelSize - 1 : x;
}
