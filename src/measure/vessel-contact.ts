import { gctError } from '../errors.ts';
import type { Grid } from '../volume/geometry.ts';
import { minDistanceMm, PreparedMask } from './distance.ts';
import type { VesselContact, VesselContactClass, VoxelIndices } from './location-types.ts';

/**
 * Tumour-vessel contact angle, the resectability measure of pancreatic cancer.
 *
 * Definitions:
 * - RadGPT / AbdomenAtlas 3.0 (Bassi et al., arXiv:2501.04678, 2025), re-implemented from its description: on
 *   each axial slice a ring of 2 mm is drawn around the vessel's cross-section; the contact angle is the largest
 *   share of that ring occupied by tumour, x 360 deg; 0 deg = no contact, under 180 deg = abutment, 180 deg or
 *   more = encasement. Vessels: SMA, aorta, celiac trunk, common hepatic and splenic arteries, portal vein/SMV, IVC.
 * - NCCN Guidelines, Pancreatic Adenocarcinoma (v2.2024, resectability criteria) and the AJCC 8th edition T4
 *   definition use the same words: abutment = tumour contact of 180 deg or less, encasement = more than 180 deg.
 *   We follow RadGPT at exactly 180 deg (encasement), a difference that only matters at the boundary.
 *
 * Our measurement:
 * - the axial slice is the voxel plane most perpendicular to the patient's superior-inferior axis: the voxel axis
 *   whose direction has the largest |z| component in RAS (not always k: a volume may be stored with S-I along i);
 * - each 8-connected vessel cross-section on a slice is handled on its own (a tortuous splenic artery can cross
 *   one slice twice); its ring = non-vessel pixels of the slice whose centre is within 2 mm (in-plane Euclidean
 *   distance in mm, the grid's true in-plane spacing) of a vessel pixel centre of that cross-section; on grids
 *   whose pixel diagonal exceeds 2 mm the ring is widened to that diagonal (see `ringMm` in the result);
 * - the share is measured by ANGLE, not by pixel count, so that the ring's thickness and pixel density do not
 *   weigh in: seen from the cross-section centroid, each ring pixel covers the angular width of its cell
 *   (polar angle +- atan(half the pixel size / its distance)); that footprint marks bins of ANGLE_BIN_DEG, and
 *   angle = 360 x (bins covered by tumour ring pixels) / (bins covered by any ring pixel). Using the cell's
 *   footprint rather than its centre alone keeps sparse rings (a 2 mm ring is 2-3 pixels thick) from leaving
 *   empty bins, and the arc of the tumour's cells, not of their centres, is what is measured;
 * - contact angle = maximum over slices and cross-sections.
 * Only slices holding both vessel and lesion voxels are examined (a ring pixel lies on the vessel's own slice,
 * so a lesion absent from that slice cannot occupy it). Axial cross-sections of a vessel running in-plane (the
 * splenic artery, the left renal vein) are elongated, and their "angle" is then only a proxy.
 */
export const PERIVASCULAR_RING_MM = 2;
/** Angular bin width of the ring (360 bins of 1 deg); each ring pixel marks the bins its cell spans. */
export const ANGLE_BIN_DEG = 1;
/** RadGPT: contact of 180 deg or more is encasement; any smaller non-zero contact is abutment. */
export const ENCASEMENT_MIN_DEG = 180;

export function contactClassOf(contactAngleDeg: number): VesselContactClass {
  if (contactAngleDeg <= 0) return 'none';
  return contactAngleDeg >= ENCASEMENT_MIN_DEG ? 'encasement' : 'abutment';
}

/** The voxel axis most aligned with the patient's superior-inferior (RAS z) direction. */
export function axialAxisOf(grid: Grid): 0 | 1 | 2 {
  const m = grid.ijkToRas;
  const zPerMm = [0, 1, 2].map((c) => Math.abs(m[8 + c]) / Math.hypot(m[c], m[4 + c], m[8 + c]));
  return zPerMm[0] >= zPerMm[1] && zPerMm[0] >= zPerMm[2] ? 0 : zPerMm[1] >= zPerMm[2] ? 1 : 2;
}

export interface VesselContactOptions {
  readonly ringMm?: number;
  readonly angleBinDeg?: number;
}

/**
 * A vessel made ready for contact measurements: its mask prepared for distances and its voxels grouped by axial
 * slice, once per study, however many lesions are measured against it.
 */
export interface PreparedContactMask {
  readonly voxels: VoxelIndices;
  readonly mask: PreparedMask | null;
  readonly bySlice: ReadonlyMap<number, Int32Array>;
}

export interface PreparedVessel extends PreparedContactMask {
  readonly name: string;
}

/** A mask's distance form and axial slices, made once however many contacts it is measured in. */
function prepareContactMask(voxels: VoxelIndices, grid: Grid, what: string): PreparedContactMask {
  const mask = PreparedMask.of(voxels, grid, what);
  const axial = axialAxisOf(grid);
  const [ua, va] = axial === 0 ? [1, 2] : axial === 1 ? [0, 2] : [0, 1];
  return { voxels, mask, bySlice: groupBySlice(voxels, grid.dims, axial, ua, va) };
}

export function prepareVessel(name: string, voxels: VoxelIndices, grid: Grid): PreparedVessel {
  return { name, ...prepareContactMask(voxels, grid, `vessel ${name}`) };
}

/** Contact of one lesion with each vessel (see the file comment); the lesion is prepared once for all of them. */
export function vesselContacts(
  lesionVoxels: VoxelIndices,
  vessels: readonly ({ readonly name: string; readonly voxels: VoxelIndices } | PreparedVessel)[],
  grid: Grid,
  options: VesselContactOptions = {},
): VesselContact[] {
  if (vessels.length === 0) return [];
  const lesion = prepareContactMask(lesionVoxels, grid, 'lesion');
  return vessels.map((v) => preparedVesselContact(lesion, 'bySlice' in v ? v : prepareVessel(v.name, v.voxels, grid), grid, options));
}

export function vesselContact(lesionVoxels: VoxelIndices, vesselName: string, vesselVoxels: VoxelIndices, grid: Grid, options: VesselContactOptions = {}): VesselContact {
  return preparedVesselContact(lesionVoxels, prepareVessel(vesselName, vesselVoxels, grid), grid, options);
}

/** `vesselContact` against a vessel prepared once for the study. */
export function preparedVesselContact(lesionInput: VoxelIndices | PreparedContactMask, vessel: PreparedVessel, grid: Grid, options: VesselContactOptions = {}): VesselContact {
  const vesselName = vessel.name;
  const requestedRingMm = options.ringMm ?? PERIVASCULAR_RING_MM;
  const binDeg = options.angleBinDeg ?? ANGLE_BIN_DEG;
  const nBins = Math.round(360 / binDeg);
  if (!(requestedRingMm > 0) || !(nBins >= 4))
    throw gctError('GCT_MEASURE_INPUT_INVALID', `vessel contact needs a ring > 0 mm and bins of at most 90 deg (got ring ${requestedRingMm} mm, bin ${binDeg} deg)`, { ringMm: requestedRingMm, binDeg });
  const lesion = 'bySlice' in lesionInput ? lesionInput : prepareContactMask(lesionInput, grid, 'lesion');
  const axialAxis = axialAxisOf(grid);
  const gap = lesion.mask === null || vessel.mask === null ? null : minDistanceMm(lesion.mask, vessel.mask, grid);

  // In-plane axes u, v and an orthonormal in-plane frame (x1, x2) in mm.
  const [ua, va] = axialAxis === 0 ? [1, 2] : axialAxis === 1 ? [0, 2] : [0, 1];
  const m = grid.ijkToRas;
  const colU = [m[ua], m[4 + ua], m[8 + ua]];
  const colV = [m[va], m[4 + va], m[8 + va]];
  const lenU = Math.hypot(colU[0], colU[1], colU[2]);
  const vOnE1 = (colV[0] * colU[0] + colV[1] * colU[1] + colV[2] * colU[2]) / lenU;
  const vOnE2 = Math.sqrt(Math.max(0, colV[0] ** 2 + colV[1] ** 2 + colV[2] ** 2 - vOnE1 ** 2));
  const x1 = (u: number, v: number) => u * lenU + v * vOnE1;
  const x2 = (v: number) => v * vOnE2;
  // Half the side of a square of the pixel's area: the half-width of a cell as seen from the centroid.
  const halfPixelMm = 0.5 * Math.sqrt(lenU * vOnE2);
  // A 2 mm ring holds no pixel on a coarse grid (3 mm pixels): the ring is then widened to the pixel diagonal so
  // that it always holds the first layer of 8-neighbours around the vessel. RadGPT avoids this by resampling to
  // 1 mm first; we measure on the grid as given and report the ring actually used.
  const ringMm = Math.max(requestedRingMm, Math.hypot(lenU, vOnE2) * (1 + 1e-9));
  const base = { vessel: vesselName, axialAxis, ringMm, minDistanceMm: gap ?? Infinity };
  const none: VesselContact = { ...base, contactAngleDeg: 0, contactClass: 'none', maxContactSlice: null, slicesEvaluated: 0, slicesWithContact: 0 };
  if (gap === null) return none;

  // Pixel offsets of the ring disk (in-plane distance <= ringMm, centre excluded).
  const reach = Math.ceil(ringMm / Math.min(lenU, vOnE2)) + 1;
  const disk: number[] = [];
  for (let dv = -reach; dv <= reach; dv++)
    for (let du = -reach; du <= reach; du++) {
      if (du === 0 && dv === 0) continue;
      if (Math.hypot(x1(du, dv), x2(dv)) <= ringMm + 1e-9) disk.push(du, dv);
    }

  const vesselBySlice = vessel.bySlice;
  const lesionBySlice = lesion.bySlice;
  let best = 0;
  let bestSlice: number | null = null;
  let evaluated = 0;
  let withContact = 0;
  for (const [slice, vesselUv] of vesselBySlice) {
    const lesionUv = lesionBySlice.get(slice);
    if (lesionUv === undefined) continue;
    evaluated++;
    if (gap > ringMm) continue; // centre distance >= gap > ring: no lesion pixel can be in the ring, angle 0
    const angle = sliceContactAngleDeg(vesselUv, lesionUv, reach, disk, x1, x2, nBins, halfPixelMm);
    if (angle > 0) withContact++;
    if (angle > best) { best = angle; bestSlice = slice; }
  }
  return { ...base, contactAngleDeg: best, contactClass: contactClassOf(best), maxContactSlice: bestSlice, slicesEvaluated: evaluated, slicesWithContact: withContact };
}

/**
 * Voxels grouped by their index along the axial axis, as flat (u, v) in-plane index pairs. Typed arrays, counted
 * first and then filled: a vessel's hundred thousand voxels stay off the garbage-collected heap.
 */
function groupBySlice(voxels: VoxelIndices, dims: readonly number[], axial: number, ua: number, va: number): Map<number, Int32Array> {
  const [nx, ny] = dims;
  const ijk = [0, 0, 0];
  const at = (v: number, axis: number): number => {
    ijk[0] = v % nx;
    ijk[1] = Math.floor(v / nx) % ny;
    ijk[2] = Math.floor(v / (nx * ny));
    return ijk[axis];
  };
  const counts = new Map<number, number>();
  for (let p = 0; p < voxels.length; p++) {
    const slice = at(voxels[p], axial);
    counts.set(slice, (counts.get(slice) ?? 0) + 1);
  }
  const out = new Map<number, Int32Array>();
  const filled = new Map<number, number>();
  for (const [slice, n] of counts) {
    out.set(slice, new Int32Array(2 * n));
    filled.set(slice, 0);
  }
  for (let p = 0; p < voxels.length; p++) {
    const slice = at(voxels[p], axial);
    const list = out.get(slice)!;
    const w = filled.get(slice)!;
    list[w] = ijk[ua];
    list[w + 1] = ijk[va];
    filled.set(slice, w + 2);
  }
  return out;
}

/** Largest ring-angle (deg) over the 8-connected vessel cross-sections of one slice. */
function sliceContactAngleDeg(
  vesselUv: Int32Array,
  lesionUv: Int32Array,
  reach: number,
  disk: number[],
  x1: (u: number, v: number) => number,
  x2: (v: number) => number,
  nBins: number,
  halfPixelMm: number,
): number {
  let u0 = Infinity, v0 = Infinity, u1 = -Infinity, v1 = -Infinity;
  for (let p = 0; p < vesselUv.length; p += 2) {
    u0 = Math.min(u0, vesselUv[p]); u1 = Math.max(u1, vesselUv[p]);
    v0 = Math.min(v0, vesselUv[p + 1]); v1 = Math.max(v1, vesselUv[p + 1]);
  }
  u0 -= reach; v0 -= reach; u1 += reach; v1 += reach;
  const bw = u1 - u0 + 1, bh = v1 - v0 + 1;
  const vessel = new Int32Array(bw * bh); // 0 = not vessel, else component id (1-based)
  const lesion = new Uint8Array(bw * bh);
  for (let p = 0; p < vesselUv.length; p += 2) vessel[vesselUv[p] - u0 + bw * (vesselUv[p + 1] - v0)] = -1;
  for (let p = 0; p < lesionUv.length; p += 2) {
    const u = lesionUv[p] - u0, v = lesionUv[p + 1] - v0;
    if (u >= 0 && v >= 0 && u < bw && v < bh) lesion[u + bw * v] = 1;
  }
  // 8-connected components of the vessel pixels.
  const components: number[][] = [];
  const stack: number[] = [];
  for (let start = 0; start < vessel.length; start++) {
    if (vessel[start] !== -1) continue;
    const id = components.length + 1;
    const members: number[] = [];
    vessel[start] = id;
    stack.push(start);
    while (stack.length > 0) {
      const q = stack.pop()!;
      members.push(q);
      const qu = q % bw, qv = (q - qu) / bw;
      for (let dv = -1; dv <= 1; dv++)
        for (let du = -1; du <= 1; du++) {
          const nu = qu + du, nv = qv + dv;
          if (nu < 0 || nv < 0 || nu >= bw || nv >= bh) continue;
          const nq = nu + bw * nv;
          if (vessel[nq] === -1) { vessel[nq] = id; stack.push(nq); }
        }
    }
    components.push(members);
  }

  const stamp = new Int32Array(bw * bh);
  const ringBins = new Uint8Array(nBins);
  const tumourBins = new Uint8Array(nBins);
  let best = 0;
  components.forEach((members, c) => {
    const id = c + 1;
    let cx = 0, cy = 0;
    for (const q of members) {
      const qu = q % bw, qv = (q - qu) / bw;
      cx += x1(qu, qv);
      cy += x2(qv);
    }
    cx /= members.length;
    cy /= members.length;
    ringBins.fill(0);
    tumourBins.fill(0);
    let anyTumour = false;
    for (const q of members) {
      const qu = q % bw, qv = (q - qu) / bw;
      // Only boundary pixels can be the nearest vessel pixel of a ring pixel.
      let boundary = false;
      for (let dv = -1; dv <= 1 && !boundary; dv++)
        for (let du = -1; du <= 1; du++) if (vessel[qu + du + bw * (qv + dv)] !== id) { boundary = true; break; }
      if (!boundary) continue;
      for (let d = 0; d < disk.length; d += 2) {
        const ru = qu + disk[d], rv = qv + disk[d + 1];
        const r = ru + bw * rv;
        if (vessel[r] !== 0 || stamp[r] === id) continue;
        stamp[r] = id;
        const dx = x1(ru, rv) - cx, dy = x2(rv) - cy;
        const ang = Math.atan2(dy, dx);
        const half = Math.atan2(halfPixelMm, Math.hypot(dx, dy));
        const first = Math.floor(((ang - half + Math.PI) / (2 * Math.PI)) * nBins);
        const last = Math.floor(((ang + half + Math.PI) / (2 * Math.PI)) * nBins);
        const isTumour = lesion[r] === 1;
        if (isTumour) anyTumour = true;
        for (let b = first; b <= Math.min(last, first + nBins - 1); b++) {
          const bin = ((b % nBins) + nBins) % nBins;
          ringBins[bin] = 1;
          if (isTumour) tumourBins[bin] = 1;
        }
      }
    }
    if (!anyTumour) return;
    let ringCount = 0, tumourCount = 0;
    for (let b = 0; b < nBins; b++) { ringCount += ringBins[b]; tumourCount += tumourBins[b]; }
    best = Math.max(best, (360 * tumourCount) / ringCount);
  });
  return best;
}
