import type { Dims, IjkPoint, RasPoint } from '../volume/geometry.ts';

/**
 * Measurement artifacts. Every number carries its unit in its key. Definitions are cited where each is
 * computed. `i` varies fastest; bounds are inclusive voxel indices.
 */

export interface IjkBounds {
  readonly min: IjkPoint;
  readonly max: IjkPoint;
}

/** Axis-aligned box in RAS mm enclosing the voxel centres (not the voxel faces). */
export interface RasBounds {
  readonly min: RasPoint;
  readonly max: RasPoint;
}

/** A face of the voxel grid: 'i-' is the face at i = 0, 'i+' the face at i = dims[0] - 1, and so on. */
export type BorderFace = 'i-' | 'i+' | 'j-' | 'j+' | 'k-' | 'k+';

/** A face of the grid named by the patient direction it faces (RAS+: +x right, +y anterior, +z superior). */
export type RasFace = 'right' | 'left' | 'anterior' | 'posterior' | 'superior' | 'inferior';

/**
 * Intensity statistics of the voxels of one structure, in HU (the CT's voxel values after rescale).
 * Every field is null when the structure has no voxel (see EmptyStructureStats).
 */
export interface HuStats {
  /** Arithmetic mean. */
  readonly huMean: number;
  /** Population standard deviation (divide by N), as numpy's default `std` (ddof = 0). */
  readonly huSd: number;
  /** Middle order statistic; the mean of the two middle ones for an even count (numpy `median`). */
  readonly huMedian: number;
  readonly huMin: number;
  readonly huMax: number;
  /** Percentiles by linear interpolation between order statistics (numpy's default "linear" method). */
  readonly huP5: number;
  readonly huP95: number;
}

/** Fields every structure has, measured or empty. */
interface StructureIdentity {
  /** The label id in the label map. */
  readonly labelId: number;
  /** Index into `LabelMap.layers` of the layer the label lives on. */
  readonly layer: number;
  /** Name as the source gave it. */
  readonly sourceName: string;
  /** Canonical anatomy name, or null when the name is not in the catalogue (kept and reported, never dropped). */
  readonly name: string | null;
}

/** Statistics of one labelled structure (one label id) that has at least one voxel. */
export interface MeasuredStructureStats extends StructureIdentity, HuStats {
  readonly present: true;
  readonly voxelCount: number;
  readonly volumeMm3: number;
  readonly volumeMl: number;
  /** Mean voxel index of the structure's voxels. */
  readonly ijkCentroid: IjkPoint;
  /** `ijkCentroid` mapped through ijkToRas (the affine map commutes with the mean). */
  readonly rasCentroid: RasPoint;
  readonly ijkBounds: IjkBounds;
  /** Exact RAS box of the structure's voxel centres (per voxel row, not the corners of `ijkBounds`). */
  readonly rasBounds: RasBounds;
  /** Inclusive range of k (slice) indices holding the structure. */
  readonly sliceRange: readonly [number, number];
  /**
   * Extent along each patient axis in mm, measured between the outer faces of the outermost voxels
   * (centre-to-centre span + one voxel's projected size), e.g. the craniocaudal length of the spleen.
   */
  readonly extentMm: { readonly leftRight: number; readonly anteriorPosterior: number; readonly craniocaudal: number };
  /** Faces of the scan the structure touches; a non-empty list means "partially imaged". */
  readonly touchesBorder: readonly BorderFace[];
  /** Patient-space names of the touched faces, from the affine (e.g. 'superior', 'left'). */
  readonly touchesBorderRas: readonly RasFace[];
  readonly partiallyImaged: boolean;
}

/**
 * A label listed in the label map with no voxel on its layer (e.g. a TotalSegmentator class outside the
 * field of view). Kept so that "not seen" can be reported; every measurement that needs a voxel is null.
 */
export interface EmptyStructureStats extends StructureIdentity {
  readonly present: false;
  readonly voxelCount: 0;
  readonly volumeMm3: 0;
  readonly volumeMl: 0;
  readonly huMean: null;
  readonly huSd: null;
  readonly huMedian: null;
  readonly huMin: null;
  readonly huMax: null;
  readonly huP5: null;
  readonly huP95: null;
  readonly ijkCentroid: null;
  readonly rasCentroid: null;
  readonly ijkBounds: null;
  readonly rasBounds: null;
  readonly sliceRange: null;
  readonly extentMm: null;
  readonly touchesBorder: readonly [];
  readonly touchesBorderRas: readonly [];
  readonly partiallyImaged: false;
}

/**
 * Statistics of one labelled structure. Narrow on `present` (or `voxelCount > 0` through `present`) before
 * reading HU or geometry fields: `if (s.present) s.rasCentroid`.
 */
export type StructureStats = MeasuredStructureStats | EmptyStructureStats;

export interface StudyGeometry {
  readonly dims: Dims;
  readonly spacingMm: readonly [number, number, number];
  readonly voxelVolumeMm3: number;
  readonly orientation: string;
}
