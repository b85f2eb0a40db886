/**
 * Body outline: the largest 3D component of tissue denser than BODY_MIN_HU and the components of at least
 * BODY_PART_MIN_FRACTION of its size (arms), with enclosed holes (lungs, airways, bowel gas) filled slice by slice in the
 * axial plane. Axial, not 3D, filling: the airway opens the lungs to the outside air in 3D.
 */
import type { Volume } from '../../volume/index.ts';
import { fillHolesAxial, labelComponents3d } from './components.ts';
import type { AxialLayout } from './slices.ts';
import { readSlice, writeSlice } from './slices.ts';
import { BODY_MIN_HU } from './thresholds.ts';

/**
 * Components of at least this fraction of the largest one are body too: arms held beside the trunk are separate
 * components in the slab (TotalSegmentator's body mask includes the arms); the table and cushions are smaller.
 */
const BODY_PART_MIN_FRACTION = 0.05;

export function segmentBody(ct: Volume, layout: AxialLayout): Uint8Array {
  const { data } = ct;
  const tissue = new Uint8Array(data.length);
  for (let n = 0; n < data.length; n++) tissue[n] = data[n] > BODY_MIN_HU ? 1 : 0;
  const { labels, sizes } = labelComponents3d(tissue, ct.grid.dims);
  let largest = 0;
  for (let c = 1; c < sizes.length; c++) if (sizes[c] > sizes[largest]) largest = c;
  const body = new Uint8Array(data.length);
  if (largest === 0) return body;
  const keep = sizes.map((size, c) => c > 0 && size >= BODY_PART_MIN_FRACTION * sizes[largest]);
  for (let n = 0; n < data.length; n++) body[n] = keep[labels[n]] ? 1 : 0;
  fillHolesAxial(body, layout, (s, out) => readSlice(body, layout, s, out), (s, slice) => writeSlice(body, layout, s, slice));
  return body;
}
