/**
 * Axial slices of a CT, whatever its array order: the axial axis is the array axis whose direction is closest
 * to the patient's superior-inferior axis (from ijkToRas through orientationCode), never assumed to be k.
 */
import { orientationCode, spacingOf, type Grid } from '../../volume/index.ts';

export interface AxialLayout {
  /** Array axis (0 = i, 1 = j, 2 = k) along S/I. */
  readonly axis: number;
  /** The two in-plane array axes, in array order (u before v). */
  readonly u: number;
  readonly v: number;
  readonly width: number;
  readonly height: number;
  readonly count: number;
  /** True when increasing index along `axis` goes toward superior. */
  readonly towardSuperior: boolean;
  /** Pixel area of an axial slice, mm2, and slice spacing, mm. */
  readonly pixelAreaMm2: number;
  readonly sliceSpacingMm: number;
  readonly strides: readonly [number, number, number];
}

export function axialLayout(grid: Grid): AxialLayout {
  const code = orientationCode(grid.ijkToRas);
  let axis = code.indexOf('S');
  const towardSuperior = axis >= 0;
  if (axis < 0) axis = code.indexOf('I');
  const [u, v] = [0, 1, 2].filter((a) => a !== axis);
  const s = spacingOf(grid);
  const [d0, d1] = grid.dims;
  return {
    axis, u, v,
    width: grid.dims[u], height: grid.dims[v], count: grid.dims[axis],
    towardSuperior,
    pixelAreaMm2: s[u] * s[v],
    sliceSpacingMm: s[axis],
    strides: [1, d0, d0 * d1],
  };
}

/** Copies axial slice `n` of a volume into `out` (u fastest). */
export function readSlice<T extends { [n: number]: number }>(src: T, layout: AxialLayout, n: number, out: { [n: number]: number }): void {
  const { strides, u, v, width, height, axis } = layout;
  const base = n * strides[axis];
  const su = strides[u], sv = strides[v];
  let o = 0;
  for (let y = 0; y < height; y++) {
    let p = base + y * sv;
    for (let x = 0; x < width; x++, p += su) out[o++] = src[p];
  }
}

/** Writes `slice` (u fastest) into axial slice `n` of a volume. */
export function writeSlice(dst: { [n: number]: number }, layout: AxialLayout, n: number, slice: ArrayLike<number>): void {
  const { strides, u, v, width, height, axis } = layout;
  const base = n * strides[axis];
  const su = strides[u], sv = strides[v];
  let o = 0;
  for (let y = 0; y < height; y++) {
    let p = base + y * sv;
    for (let x = 0; x < width; x++, p += su) dst[p] = slice[o++];
  }
}
