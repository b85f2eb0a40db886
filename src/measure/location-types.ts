import { gctError } from '../errors.ts';
import type { Dims, RasPoint, Vec3 } from '../volume/geometry.ts';
import type { LabelArray } from '../volume/types.ts';

/**
 * Types of the lesion-location measurements (attenuation, parent organ, sub-segments, pancreatic regions,
 * vertebral level, vessel contact, distances), and the one small reader of the mask union type they share.
 *
 * A voxel index is the linear index `i + dims[0] * (j + dims[1] * k)` into the grid (`i` fastest).
 */

/** Linear voxel indices of one mask (a lesion component, an organ, a vessel), in any order, without repeats. */
export type VoxelIndices = Uint32Array | Int32Array;

/** A mask given either as its voxel indices or as one label id of a label array on the same grid. */
export type MaskInput = VoxelIndices | { readonly labels: LabelArray; readonly labelId: number };

/**
 * Voxel indices of a mask input. A label-array mask is scanned once (O(voxels)); a voxel list is checked
 * against the grid size and returned as is.
 */
export function maskVoxels(mask: MaskInput, voxelTotal: number, what = 'mask'): VoxelIndices {
  if (mask instanceof Uint32Array || mask instanceof Int32Array) {
    for (let n = 0; n < mask.length; n++) {
      const v = mask[n];
      if (v < 0 || v >= voxelTotal)
        throw gctError('GCT_MEASURE_INPUT_INVALID', `${what}: voxel index ${v} is outside the grid of ${voxelTotal} voxels`, {
          what, voxelIndex: v, voxelTotal,
        });
    }
    return mask;
  }
  const { labels, labelId } = mask;
  if (labels.length !== voxelTotal)
    throw gctError('GCT_MEASURE_INPUT_INVALID', `${what}: label array has ${labels.length} voxels, the grid has ${voxelTotal}`, {
      what, labelVoxels: labels.length, voxelTotal,
    });
  let count = 0;
  for (let n = 0; n < labels.length; n++) if (labels[n] === labelId) count++;
  const out = new Uint32Array(count);
  let w = 0;
  for (let n = 0; n < labels.length; n++) if (labels[n] === labelId) out[w++] = n;
  return out;
}

/** Splits a linear voxel index into (i, j, k). */
export function unravelIndex(index: number, dims: Dims): [number, number, number] {
  const i = index % dims[0];
  const rest = (index - i) / dims[0];
  const j = rest % dims[1];
  return [i, j, (rest - j) / dims[1]];
}

// ---------------------------------------------------------------------------------------------- attenuation

export type AttenuationClass = 'hypo' | 'iso' | 'hyper';

/** HU statistics of an organ's parenchyma (the organ mask minus every lesion mask). */
export interface ParenchymaStats {
  readonly huMean: number;
  /** Population standard deviation (divide by N). */
  readonly huSd: number;
  readonly voxelCount: number;
}

export interface AttenuationResult {
  readonly class: AttenuationClass;
  /** Lesion mean HU minus parenchyma mean HU. */
  readonly deltaHu: number;
  /** Half-width of the "iso" band: parenchyma SD x the RadGPT fraction (0.1). */
  readonly isoBandHu: number;
}

// --------------------------------------------------------------------------------------------- parent organ

export type ParentHow = 'overlap' | 'contact' | 'adjacent' | 'none';

export interface ParentOrganResult {
  /** Label id of the parent organ, or null: "no parent organ" (the lesion neither overlaps nor borders one). */
  readonly labelId: number | null;
  /** Lesion voxels that also carry the parent's label (on any layer). */
  readonly overlapVoxels: number;
  /** Lesion voxels with at least one 26-neighbour (outside the lesion) carrying the parent's label. */
  readonly contactVoxels: number;
  /** Lesion surface voxels with a voxel of the parent's label within the adjacency gap (mm); 0 unless how = 'adjacent'. */
  readonly adjacentVoxels: number;
  readonly how: ParentHow;
  /** Every candidate that overlaps, touches or borders, best first. */
  readonly candidates: readonly { readonly labelId: number; readonly overlapVoxels: number; readonly contactVoxels: number; readonly adjacentVoxels: number }[];
}

/** The adjacency search of findParentOrgan: voxel spacing and the largest gap, mm, that still counts as bordering. */
export interface AdjacencyOptions {
  readonly spacingMm: readonly [number, number, number];
  readonly maxGapMm: number;
}

// --------------------------------------------------------------------------------------------- sub-segments

export interface SubSegmentShare {
  readonly labelId: number;
  readonly name: string;
  /** Lesion voxels lying inside this sub-segment's mask. */
  readonly insideVoxels: number;
  /** Lesion voxels outside every sub-segment whose nearest sub-segment voxel belongs to this one. */
  readonly assignedVoxels: number;
  /** (inside + assigned) / lesion voxels, in [0, 1]. */
  readonly fraction: number;
}

export interface SubSegmentLocation {
  /** One entry per sub-segment given, in the order given. */
  readonly shares: readonly SubSegmentShare[];
  /** Names of the sub-segments holding more than the location threshold (10 %) of the lesion, largest first. */
  readonly locatedIn: readonly string[];
  /** Lesion voxels outside every sub-segment with no sub-segment voxel within the search radius. */
  readonly unassignedVoxels: number;
  readonly lesionVoxels: number;
}

// ----------------------------------------------------------------------------------------- pancreas regions

export type PancreasRegion = 'head' | 'body' | 'tail';

/**
 * The pancreas split along its main axis. Positions `...Mm` are signed distances along `axisRas` from the
 * pancreas centroid; the axis points from the head (patient right) to the tail (patient left).
 */
export interface PancreasSplit {
  readonly method: 'sma' | 'thirds';
  /** Why the SMA split was not used, when method is 'thirds'. */
  readonly fallbackReason?: string;
  readonly centroidRas: RasPoint;
  /** Unit vector in RAS, head -> tail (its x component is <= 0: toward the patient's left). */
  readonly axisRas: Vec3;
  readonly headEndMm: number;
  readonly tailEndMm: number;
  /** Mean projected position of the SMA voxels within the pancreas' craniocaudal extent (method 'sma'). */
  readonly smaPositionMm?: number;
  readonly headBodyBoundaryMm: number;
  readonly bodyTailBoundaryMm: number;
}

export interface PancreasRegionFractions {
  readonly method: 'sma' | 'thirds';
  readonly fractions: { readonly head: number; readonly body: number; readonly tail: number };
  /** Regions holding more than the location threshold (10 %) of the lesion, largest first. */
  readonly locatedIn: readonly PancreasRegion[];
}

// ------------------------------------------------------------------------------------------ vertebral level

export interface VertebraZRange {
  /** Level name as 'L1', 'T12', 'S1'. */
  readonly level: string;
  /** Craniocaudal extent in RAS z mm, between the outer faces of the outermost voxels. */
  readonly zMinMm: number;
  readonly zMaxMm: number;
}

export interface VertebralLevelResult {
  /** Levels whose z range overlaps the finding's z range, cranial to caudal (C1 ... S1). */
  readonly levels: readonly string[];
  /** Level at the finding's centroid z, or null when no vertebra is present. */
  readonly centroidLevel: string | null;
  /** 'inside': the centroid z lies within that vertebra's range; 'nearest': between or beyond vertebrae. */
  readonly centroidHow: 'inside' | 'nearest' | 'none';
  readonly findingZMinMm: number;
  readonly findingZMaxMm: number;
  readonly centroidZMm: number;
}

// ------------------------------------------------------------------------------------------- vessel contact

export type VesselContactClass = 'none' | 'abutment' | 'encasement';

export interface VesselContact {
  readonly vessel: string;
  /** Largest tumour-occupied share of the 2 mm peri-vessel ring over axial slices, x 360 deg. */
  readonly contactAngleDeg: number;
  readonly contactClass: VesselContactClass;
  /** Index (along the axial voxel axis) of the slice giving the largest angle; null when no slice had contact. */
  readonly maxContactSlice: number | null;
  /** The voxel axis (0 = i, 1 = j, 2 = k) used as the axial (superior-inferior) direction. */
  readonly axialAxis: 0 | 1 | 2;
  /** Ring width used, mm: 2 mm, or the in-plane pixel diagonal when pixels are coarser than that. */
  readonly ringMm: number;
  readonly slicesEvaluated: number;
  readonly slicesWithContact: number;
  /** Gap between lesion and vessel in mm (0 when touching or overlapping); see distance.ts. */
  readonly minDistanceMm: number;
}

// ------------------------------------------------------------------------------------------- voxel boxes

/** An index-space box: origin (i0, j0, k0) and size; may extend past the grid (a virtual padding layer). */
export interface VoxelBox {
  readonly i0: number;
  readonly j0: number;
  readonly k0: number;
  readonly nx: number;
  readonly ny: number;
  readonly nz: number;
}

/** Bounding box of a voxel list, grown by `padVoxels` on every side (not clipped to the grid). Null when empty. */
export function boxOfVoxels(voxels: VoxelIndices, dims: Dims, padVoxels: readonly [number, number, number] = [0, 0, 0]): VoxelBox | null {
  if (voxels.length === 0) return null;
  const [dx, dy] = dims;
  let i0 = Infinity, j0 = Infinity, k0 = Infinity, i1 = -Infinity, j1 = -Infinity, k1 = -Infinity;
  for (let n = 0; n < voxels.length; n++) {
    const v = voxels[n];
    const i = v % dx;
    const j = ((v - i) / dx) % dy;
    const k = (v - i - j * dx) / (dx * dy);
    if (i < i0) i0 = i;
    if (i > i1) i1 = i;
    if (j < j0) j0 = j;
    if (j > j1) j1 = j;
    if (k < k0) k0 = k;
    if (k > k1) k1 = k;
  }
  return {
    i0: i0 - padVoxels[0], j0: j0 - padVoxels[1], k0: k0 - padVoxels[2],
    nx: i1 - i0 + 1 + 2 * padVoxels[0], ny: j1 - j0 + 1 + 2 * padVoxels[1], nz: k1 - k0 + 1 + 2 * padVoxels[2],
  };
}

/** Paints a voxel list into a box-local byte mask (voxels outside the box are skipped). */
export function paintBox(target: Uint8Array, box: VoxelBox, voxels: VoxelIndices, dims: Dims, value = 1): void {
  const [dx, dy] = dims;
  for (let n = 0; n < voxels.length; n++) {
    const v = voxels[n];
    const i = (v % dx) - box.i0;
    const rest = Math.floor(v / dx);
    const j = (rest % dy) - box.j0;
    const k = Math.floor(rest / dy) - box.k0;
    if (i < 0 || j < 0 || k < 0 || i >= box.nx || j >= box.ny || k >= box.nz) continue;
    target[i + box.nx * (j + box.ny * k)] = value;
  }
}
