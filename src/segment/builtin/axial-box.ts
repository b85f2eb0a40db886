/**
 * A box of a CT cut around the thorax and stored axial slice by axial slice: x along the layout's u axis, y along
 * v, z along the axial axis (whatever the CT's array order; slices.ts). The lung, nodule and effusion steps work
 * in such a box, so that their per-slice run morphology reads contiguous slices and their 3D steps touch the
 * thorax only, not the whole scan. Patient directions still come from the CT's ijkToRas (`ijkOf` maps back).
 */
import { spacingOf, type Grid } from '../../volume/index.ts';
import { eachStretch } from './components.ts';
import type { AxialLayout } from './slices.ts';

export interface AxialBox {
  /** Box dims: x (u), y (v), z (axial). */
  readonly nx: number;
  readonly ny: number;
  readonly nz: number;
  /** First index along u, v and the axial axis of the CT. */
  readonly u0: number;
  readonly v0: number;
  readonly s0: number;
  /** Voxel spacing along x, y, z of the box, mm. */
  readonly spacingMm: readonly [number, number, number];
  readonly layout: AxialLayout;
}

/**
 * The box around the array-index bounds [i, j, k] lo..hi (inclusive), widened by `marginMm` on each side and
 * clipped to the grid.
 */
export function boxAroundBounds(bounds: { readonly lo: readonly number[]; readonly hi: readonly number[] }, grid: Grid, layout: AxialLayout, marginMm: number): AxialBox {
  const spacing = spacingOf(grid);
  const axes = [layout.u, layout.v, layout.axis];
  const range = axes.map((a) => {
    const m = Math.ceil(marginMm / spacing[a]);
    return [Math.max(0, bounds.lo[a] - m), Math.min(grid.dims[a] - 1, bounds.hi[a] + m)];
  });
  return {
    nx: range[0][1] - range[0][0] + 1,
    ny: range[1][1] - range[1][0] + 1,
    nz: range[2][1] - range[2][0] + 1,
    u0: range[0][0],
    v0: range[1][0],
    s0: range[2][0],
    spacingMm: [spacing[layout.u], spacing[layout.v], spacing[layout.axis]],
    layout,
  };
}

/** Index in the CT volume of box voxel (x, y, z). */
export function volumeIndexOf(box: AxialBox, x: number, y: number, z: number): number {
  const { strides, u, v, axis } = box.layout;
  return (box.u0 + x) * strides[u] + (box.v0 + y) * strides[v] + (box.s0 + z) * strides[axis];
}

/** CT array indices [i, j, k] of box voxel (x, y, z). */
export function ijkOf(box: AxialBox, x: number, y: number, z: number): [number, number, number] {
  const out: [number, number, number] = [0, 0, 0];
  out[box.layout.u] = box.u0 + x;
  out[box.layout.v] = box.v0 + y;
  out[box.layout.axis] = box.s0 + z;
  return out;
}

/** Copies the box out of a CT-grid volume into `out` (x fastest, then y, then z). */
export function readBox<T extends { [n: number]: number; length: number }>(src: { readonly [n: number]: number }, box: AxialBox, out: T): T {
  const { strides, u, v, axis } = box.layout;
  const su = strides[u], sv = strides[v], ss = strides[axis];
  let o = 0;
  for (let z = 0; z < box.nz; z++)
    for (let y = 0; y < box.ny; y++) {
      let p = box.u0 * su + (box.v0 + y) * sv + (box.s0 + z) * ss;
      if (su === 1 && ArrayBuffer.isView(src) && ArrayBuffer.isView(out)) {
        // Contiguous rows: one native copy (with conversion) per row.
        (out as unknown as Float32Array).set((src as unknown as Float32Array).subarray(p, p + box.nx), o);
        o += box.nx;
      } else if (su === 1) {
        for (let x = 0; x < box.nx; x++) out[o++] = src[p++];
      } else {
        for (let x = 0; x < box.nx; x++, p += su) out[o++] = src[p];
      }
    }
  return out;
}

/**
 * Writes `value` into the CT-grid volume `dst` at every box voxel where `boxMask` is 1: stretch by stretch of the
 * mask (both ends found by native scans), each cut at the box's row ends and written as one fill where the box's
 * rows are contiguous in the CT.
 */
export function paintFromBox(dst: Uint8Array, box: AxialBox, boxMask: Uint8Array, value = 1): void {
  const { strides, u, v, axis } = box.layout;
  const su = strides[u], sv = strides[v], ss = strides[axis];
  eachStretch(boxMask, (start, end) => {
    for (let s = start; s < end;) {
      const r = Math.floor(s / box.nx), x0 = s - r * box.nx, x1 = Math.min(end, (r + 1) * box.nx) - r * box.nx;
      const z = Math.floor(r / box.ny), y = r - z * box.ny;
      const p0 = box.u0 * su + (box.v0 + y) * sv + (box.s0 + z) * ss;
      if (su === 1) dst.fill(value, p0 + x0, p0 + x1);
      else for (let x = x0; x < x1; x++) dst[p0 + x * su] = value;
      s += x1 - x0;
    }
  });
}
