import { gctError } from '../errors.ts';
import type { Dims } from '../volume/geometry.ts';
import type { LabelArray } from '../volume/types.ts';
import { boxOfVoxels, maskVoxels, paintBox } from './location-types.ts';
import type { AdjacencyOptions, ParentOrganResult, VoxelIndices } from './location-types.ts';

/**
 * The organ a lesion belongs to, when its label does not say (a plain `lesion`, `GTV`, `mass`, ...).
 *
 * Rule (groundct design, after RadGPT's organ-wise lesion attribution and the LiTS/KiTS label conventions):
 * 1. overlap: the candidate organ label carried by the most lesion voxels, on any label layer (a lesion
 *    mask drawn on top of the organ mask, e.g. TotalSegmentator organ + a separate tumour file);
 * 2. otherwise contact: the candidate organ with the most lesion voxels having a 26-neighbour (outside the
 *    lesion) that carries the organ's label, i.e. within one voxel, diagonals included. This is the case of a
 *    multilabel file where the tumour REPLACES the organ (LiTS: 1 liver, 2 tumour; KiTS: 1 kidney, 2 tumour):
 *    no lesion voxel carries the organ label, but the organ surrounds it;
 * 3. otherwise, with `adjacency` given, adjacency: the candidate with the most lesion SURFACE voxels that have a
 *    voxel of its label within `maxGapMm` (an ellipsoid in voxels from the grid spacing): the organ that encloses or
 *    borders the lesion most, across a thin gap. Expert contours and many segmenters exclude a tumour from its
 *    organ (radiotherapy lung contours are drawn without the GTV) and leave a rim of a voxel or two between them
 *    (knowledge base: groundct-lesion-organ-adjacency);
 * 4. otherwise null: "no parent organ", a defined output, never a guess.
 * Ties are broken by the other count (contact for overlap, overlap for contact), then by the smaller label id
 * so the answer is deterministic. A candidate that equals the lesion's own label is ignored by construction,
 * since only the ids the caller lists are candidates.
 */
export function findParentOrgan(
  lesionVoxels: VoxelIndices,
  dims: Dims,
  layers: readonly LabelArray[],
  candidateLabelIds: readonly number[],
  adjacency?: AdjacencyOptions,
): ParentOrganResult {
  const total = dims[0] * dims[1] * dims[2];
  maskVoxels(lesionVoxels, total, 'lesion');
  for (const layer of layers)
    if (layer.length !== total)
      throw gctError('GCT_MEASURE_INPUT_INVALID', `a label layer has ${layer.length} voxels, the grid has ${total}`, { layerVoxels: layer.length, voxelTotal: total });

  // Candidate id -> slot, for labels up to 65535 (Uint16 label arrays).
  const slotOf = new Int32Array(65536).fill(-1);
  const ids = [...new Set(candidateLabelIds)].filter((id) => id > 0 && id < 65536);
  ids.forEach((id, slot) => { slotOf[id] = slot; });
  const overlap = new Float64Array(ids.length);
  const contact = new Float64Array(ids.length);
  if (ids.length === 0 || lesionVoxels.length === 0) return result(ids, overlap, contact, new Float64Array(ids.length));

  const { inLesion, isInterior } = lesionBoxMembership(lesionVoxels, dims);
  const [nx, ny, nz] = dims;
  const nxy = nx * ny;
  // lastSeen[slot] = the lesion voxel that last counted this candidate, so each voxel counts an organ once.
  const lastContact = new Int32Array(ids.length).fill(-1);
  const lastOverlap = new Int32Array(ids.length).fill(-1);
  for (let n = 0; n < lesionVoxels.length; n++) {
    const v = lesionVoxels[n];
    for (const layer of layers) {
      const slot = slotOf[layer[v]];
      if (slot >= 0 && lastOverlap[slot] !== n) { lastOverlap[slot] = n; overlap[slot]++; }
    }
    const i = v % nx;
    const j = ((v - i) / nx) % ny;
    const k = (v - i - j * nx) / nxy;
    if (isInterior(i, j, k)) continue;
    for (let dk = -1; dk <= 1; dk++) {
      const kk = k + dk;
      if (kk < 0 || kk >= nz) continue;
      for (let dj = -1; dj <= 1; dj++) {
        const jj = j + dj;
        if (jj < 0 || jj >= ny) continue;
        for (let di = -1; di <= 1; di++) {
          const ii = i + di;
          if (ii < 0 || ii >= nx || (di === 0 && dj === 0 && dk === 0)) continue;
          if (inLesion(ii, jj, kk)) continue;
          const u = ii + nx * jj + nxy * kk;
          for (const layer of layers) {
            const slot = slotOf[layer[u]];
            if (slot >= 0 && lastContact[slot] !== n) { lastContact[slot] = n; contact[slot]++; }
          }
        }
      }
    }
  }
  const adjacent = new Float64Array(ids.length);
  if (adjacency !== undefined && overlap.every((v) => v === 0) && contact.every((v) => v === 0)) {
    countAdjacent(lesionVoxels, dims, layers, slotOf, adjacent, inLesion, adjacency);
  }
  return result(ids, overlap, contact, adjacent);
}

/**
 * For each lesion surface voxel (one with a 6-neighbour outside the lesion), the candidates found within maxGapMm:
 * each candidate counts the surface voxels that see it. Distances are measured between voxel centres along the
 * grid axes with the grid spacing (an axis-aligned ellipsoid in index space).
 */
function countAdjacent(
  lesionVoxels: VoxelIndices,
  dims: Dims,
  layers: readonly LabelArray[],
  slotOf: Int32Array,
  adjacent: Float64Array,
  inLesion: (i: number, j: number, k: number) => boolean,
  { spacingMm, maxGapMm }: AdjacencyOptions,
): void {
  const [nx, ny, nz] = dims;
  const nxy = nx * ny;
  // Offsets whose voxel lies within maxGapMm of the lesion voxel, measured between the two voxels' nearest faces.
  const r = [0, 1, 2].map((a) => 1 + Math.floor(maxGapMm / spacingMm[a]!));
  const faceGap = (d: number, a: number) => Math.max(0, Math.abs(d) - 1) * spacingMm[a]!;
  const offsets: [number, number, number][] = [];
  for (let dk = -r[2]!; dk <= r[2]!; dk++)
    for (let dj = -r[1]!; dj <= r[1]!; dj++)
      for (let di = -r[0]!; di <= r[0]!; di++) {
        if (!(di || dj || dk)) continue;
        if (Math.hypot(faceGap(di, 0), faceGap(dj, 1), faceGap(dk, 2)) <= maxGapMm + 1e-9) offsets.push([di, dj, dk]);
      }
  const seen = new Int32Array(adjacent.length).fill(-1);
  for (let n = 0; n < lesionVoxels.length; n++) {
    const v = lesionVoxels[n];
    const i = v % nx;
    const j = ((v - i) / nx) % ny;
    const k = (v - i - j * nx) / nxy;
    const surface = !inLesion(i - 1, j, k) || !inLesion(i + 1, j, k) || !inLesion(i, j - 1, k) || !inLesion(i, j + 1, k) || !inLesion(i, j, k - 1) || !inLesion(i, j, k + 1);
    if (!surface) continue;
    for (const [di, dj, dk] of offsets) {
      const ii = i + di, jj = j + dj, kk = k + dk;
      if (ii < 0 || jj < 0 || kk < 0 || ii >= nx || jj >= ny || kk >= nz || inLesion(ii, jj, kk)) continue;
      const u = ii + nx * jj + nxy * kk;
      for (const layer of layers) {
        const slot = slotOf[layer[u]];
        if (slot >= 0 && seen[slot] !== n) { seen[slot] = n; adjacent[slot]++; }
      }
    }
  }
}

function result(ids: readonly number[], overlap: Float64Array, contact: Float64Array, adjacent: Float64Array): ParentOrganResult {
  const candidates = ids
    .map((labelId, s) => ({ labelId, overlapVoxels: overlap[s], contactVoxels: contact[s], adjacentVoxels: adjacent[s] }))
    .filter((c) => c.overlapVoxels > 0 || c.contactVoxels > 0 || c.adjacentVoxels > 0);
  const anyOverlap = candidates.some((c) => c.overlapVoxels > 0);
  const anyContact = candidates.some((c) => c.contactVoxels > 0);
  candidates.sort((a, b) =>
    anyOverlap
      ? b.overlapVoxels - a.overlapVoxels || b.contactVoxels - a.contactVoxels || a.labelId - b.labelId
      : anyContact
        ? b.contactVoxels - a.contactVoxels || b.overlapVoxels - a.overlapVoxels || a.labelId - b.labelId
        : b.adjacentVoxels - a.adjacentVoxels || a.labelId - b.labelId,
  );
  const best = candidates[0];
  if (best === undefined) return { labelId: null, overlapVoxels: 0, contactVoxels: 0, adjacentVoxels: 0, how: 'none', candidates };
  return { labelId: best.labelId, overlapVoxels: best.overlapVoxels, contactVoxels: best.contactVoxels, adjacentVoxels: best.adjacentVoxels, how: anyOverlap ? 'overlap' : anyContact ? 'contact' : 'adjacent', candidates };
}

/** Membership test for the lesion over its bounding box (one byte per box voxel). */
function lesionBoxMembership(voxels: VoxelIndices, dims: Dims): { inLesion: (i: number, j: number, k: number) => boolean; isInterior: (i: number, j: number, k: number) => boolean } {
  const box = boxOfVoxels(voxels, dims)!;
  const mask = new Uint8Array(box.nx * box.ny * box.nz);
  paintBox(mask, box, voxels, dims);
  const { i0, j0, k0, nx, ny, nz } = box;
  const interior = erodeCube(mask, nx, ny, nz);
  const at = (i: number, j: number, k: number, m: Uint8Array) => {
    const a = i - i0, b = j - j0, c = k - k0;
    return a >= 0 && b >= 0 && c >= 0 && a < nx && b < ny && c < nz && m[a + nx * (b + ny * c)] === 1;
  };
  return { inLesion: (i, j, k) => at(i, j, k, mask), isInterior: (i, j, k) => at(i, j, k, interior) };
}

/**
 * 1 where a voxel and all 26 of its neighbours are set (outside the box counts as unset): erosion by the 3x3x3
 * cube, done as three 3-voxel passes (the cube is separable), 9 reads per voxel instead of 26. Interior voxels of
 * a lesion touch no organ, so the contact scan skips them.
 */
function erodeCube(mask: Uint8Array, nx: number, ny: number, nz: number): Uint8Array {
  const a = new Uint8Array(mask.length);
  const b = new Uint8Array(mask.length);
  const nxy = nx * ny;
  for (let p = 0; p < mask.length; p++) {
    const i = p % nx;
    a[p] = mask[p] & (i > 0 ? mask[p - 1] : 0) & (i < nx - 1 ? mask[p + 1] : 0);
  }
  for (let p = 0; p < mask.length; p++) {
    const j = Math.floor(p / nx) % ny;
    b[p] = a[p] & (j > 0 ? a[p - nx] : 0) & (j < ny - 1 ? a[p + nx] : 0);
  }
  for (let p = 0; p < mask.length; p++) {
    const k = Math.floor(p / nxy);
    a[p] = b[p] & (k > 0 ? b[p - nxy] : 0) & (k < nz - 1 ? b[p + nxy] : 0);
  }
  return a;
}
