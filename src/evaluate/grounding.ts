import { nameKey } from '../anatomy/index.ts';
import type { Evidence, Finding } from '../findings/index.ts';
import type { LabelMap } from '../volume/index.ts';

/**
 * 3D grounding on masks (the idea of RadFact, Bannur et al., "MAIRA-2: Grounded Radiology Report Generation",
 * arXiv:2406.04449, moved from 2D boxes to 3D masks): a sentence with mask evidence is spatially correct when
 * MORE THAN 50 % of its evidence voxels lie inside the mask of the reference finding(s) its claims are matched to.
 *
 * Voxel set of one evidence entry, on the reference label map: the voxels carrying the evidence's label (the
 * reference label with the same id and name, else the same name), restricted to the evidence's inclusive
 * `ijkBounds` when the entry names a lesion component (`componentId`), so one component of a multi-lesion
 * label is not credited with its neighbours. A sentence's set is the union over its evidence; a reference
 * finding's set is the union over the finding's own evidence. Evidence on another grid (different dims)
 * cannot be placed and is not scored.
 */
export const SPATIAL_MATCH_MIN_FRACTION = 0.5;

export interface SpatialGrounding {
  readonly evidenceVoxels: number;
  readonly insideVoxels: number;
  /** insideVoxels / evidenceVoxels, range 0-1; null without evidence voxels. */
  readonly fraction: number | null;
  readonly correct: boolean;
}

function labelFor(labels: LabelMap, e: Evidence) {
  const key = nameKey(e.labelName);
  return labels.labels.find((l) => l.id === e.labelId && nameKey(l.name) === key) ?? labels.labels.find((l) => nameKey(l.name) === key);
}

/** Marks the voxels of one evidence entry in `mask` (1 = inside); returns how many were newly marked. */
export function markEvidence(mask: Uint8Array, labels: LabelMap, e: Evidence): number {
  const label = labelFor(labels, e);
  if (label === undefined) return 0;
  const layer = labels.layers[label.layer]!;
  const [nx, ny, nz] = labels.grid.dims;
  const box = e.componentId !== undefined && e.ijkBounds !== null ? e.ijkBounds : { min: [0, 0, 0], max: [nx - 1, ny - 1, nz - 1] };
  const [x0, y0, z0] = box.min.map((v) => Math.max(0, Math.floor(v)));
  const x1 = Math.min(nx - 1, Math.ceil(box.max[0]));
  const y1 = Math.min(ny - 1, Math.ceil(box.max[1]));
  const z1 = Math.min(nz - 1, Math.ceil(box.max[2]));
  let added = 0;
  for (let k = z0!; k <= z1; k++)
    for (let j = y0!; j <= y1; j++) {
      const row = (k * ny + j) * nx;
      for (let i = x0!; i <= x1; i++) {
        const v = row + i;
        if (layer[v] === label.id && mask[v] === 0) {
          mask[v] = 1;
          added++;
        }
      }
    }
  return added;
}

/** Mask of a set of evidence entries on the label map's grid. */
export function evidenceMask(labels: LabelMap, evidence: readonly Evidence[]): { mask: Uint8Array; voxels: number } {
  const [nx, ny, nz] = labels.grid.dims;
  const mask = new Uint8Array(nx * ny * nz);
  let voxels = 0;
  for (const e of evidence) voxels += markEvidence(mask, labels, e);
  return { mask, voxels };
}

/** Spatial correctness of a sentence's evidence against the reference findings it was matched to. */
export function spatialGrounding(labels: LabelMap, sentenceEvidence: readonly Evidence[], reference: readonly Finding[], cache?: Map<string, Uint8Array>): SpatialGrounding {
  const e = evidenceMask(labels, sentenceEvidence);
  const n = e.mask.length;
  const refMask = new Uint8Array(n);
  for (const f of reference) {
    let m = cache?.get(f.id);
    if (m === undefined) {
      m = evidenceMask(labels, f.evidence).mask;
      cache?.set(f.id, m);
    }
    for (let v = 0; v < n; v++) if (m[v]) refMask[v] = 1;
  }
  let inside = 0;
  for (let v = 0; v < n; v++) if (e.mask[v] && refMask[v]) inside++;
  const fraction = e.voxels === 0 ? null : inside / e.voxels;
  return { evidenceVoxels: e.voxels, insideVoxels: inside, fraction, correct: fraction !== null && fraction > SPATIAL_MATCH_MIN_FRACTION };
}
