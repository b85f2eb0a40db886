/**
 * Body outline: the largest 3D component of tissue denser than BODY_MIN_HU and the components of at least
 * BODY_PART_MIN_FRACTION of its size (arms), with enclosed holes (lungs, airways, bowel gas) filled slice by slice in the
 * axial plane. Axial, not 3D, filling: the airway opens the lungs to the outside air in 3D.
 *
 * Speed: the tissue mask is never stored; its runs along i are cut straight from the HU values, the components are
 * labelled on the runs, and, when axial slices are contiguous (axial = k), the holes of each slice are found on
 * the gaps between the slice's kept runs, so that the body is painted run by run.
 */
import type { Volume, VoxelArray } from '../../volume/index.ts';
import { fillHoleRuns, fillHolesAxial, labelRuns, paintRuns, Runs } from './components.ts';
import type { AxialLayout } from './slices.ts';
import { readSlice, writeSlice } from './slices.ts';
import { BODY_MIN_HU } from './thresholds.ts';

/**
 * Components of at least this fraction of the largest one are body too: arms held beside the trunk are separate
 * components in the slab (TotalSegmentator's body mask includes the arms); the table and cushions are smaller.
 */
const BODY_PART_MIN_FRACTION = 0.05;

/** Runs along i of the voxels above `minHu`. */
function runsAbove(data: VoxelArray, nx: number, rows: number, minHu: number): Runs {
  const runs = new Runs(nx, rows);
  for (let r = 0; r < rows; r++) {
    runs.beginRow(r);
    const base = r * nx;
    let x = 0;
    while (x < nx) {
      while (x < nx && !(data[base + x] > minHu)) x++;
      if (x === nx) break;
      const s = x;
      while (x < nx && data[base + x] > minHu) x++;
      runs.push(s, x);
    }
  }
  return runs.finish();
}

export function segmentBody(ct: Volume, layout: AxialLayout): Uint8Array {
  const { data } = ct;
  const [nx, ny, nz] = ct.grid.dims;
  const tissue = runsAbove(data, nx, ny * nz, BODY_MIN_HU);
  const { runLabel, sizes } = labelRuns(tissue, ny, nz);
  let largest = 0;
  for (let c = 1; c < sizes.length; c++) if (sizes[c] > sizes[largest]) largest = c;
  const body = new Uint8Array(data.length);
  if (largest === 0) return body;
  const keep = new Uint8Array(sizes.length);
  for (let c = 1; c < sizes.length; c++) keep[c] = sizes[c] >= BODY_PART_MIN_FRACTION * sizes[largest] ? 1 : 0;
  paintRuns(body, tissue, runLabel, keep);
  if (layout.axis === 2 && layout.u === 0) {
    // Slice k holds rows j + ny * k: its background runs are the gaps between its kept tissue runs.
    const { starts, ends, rowFirst } = tissue;
    const sliceSize = nx * ny;
    for (let k = 0; k < nz; k++) {
      const gaps = new Runs(nx, ny);
      for (let j = 0; j < ny; j++) {
        gaps.beginRow(j);
        const r = j + ny * k;
        let x = 0;
        for (let n = rowFirst[r]; n < rowFirst[r + 1]; n++) {
          if (!keep[runLabel[n]]) continue;
          if (starts[n] > x) gaps.push(x, starts[n]);
          x = ends[n];
        }
        if (x < nx) gaps.push(x, nx);
      }
      fillHoleRuns(body.subarray(k * sliceSize, (k + 1) * sliceSize), gaps.finish(), ny);
    }
  } else {
    fillHolesAxial(body, layout, (s, out) => readSlice(body, layout, s, out), (s, slice) => writeSlice(body, layout, s, slice));
  }
  return body;
}
