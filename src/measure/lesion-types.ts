import type { IjkPoint, RasPoint } from '../volume/geometry.ts';
import type { BorderFace, IjkBounds, RasBounds } from './types.ts';

/**
 * Lesion measurement artifacts. A lesion is one 26-connected component of a lesion label (as RadGPT,
 * Bassi et al. 2025, counts and measures tumours). Every number carries its unit in its key.
 */

/** Which voxel axis is the "axial" one: the ijk axis whose direction is closest to the patient's S-I axis. */
export type VoxelAxis = 'i' | 'j' | 'k';

/**
 * Voxel connectivity in 3D: 6 = faces, 18 = faces + edges, 26 = faces + edges + corners
 * (the usual digital-topology neighbourhoods; scipy.ndimage.label's structure with rank 1/2/3).
 */
export type Connectivity = 6 | 18 | 26;

/**
 * RECIST 1.1 style in-plane diameters (Eisenhauer et al., Eur J Cancer 2009;45:228-247,
 * doi:10.1016/j.ejca.2008.10.026), measured on voxel-centre points (centre to centre, see diameters.ts).
 */
export interface LesionDiameters {
  /** Longest in-plane diameter over all axial slices, centre to centre, mm. 0 for a lesion one voxel across. */
  readonly longAxisMm: number;
  /**
   * Width of the long-axis slice's voxel centres along the in-plane direction perpendicular to the long axis, mm
   * (RECIST 1.1 lymph node short axis is this value on the same slice).
   */
  readonly shortAxisMm: number;
  /** Index along `axialAxis` of the slice holding the long axis. */
  readonly axialSliceIndex: number;
  readonly axialAxis: VoxelAxis;
  /** Largest distance between any two voxel centres of the lesion in 3D, mm. */
  readonly max3dDiameterMm: number;
  /** RAS end points of the long axis (voxel centres), for drawing and grounding. */
  readonly longAxisRas: readonly [RasPoint, RasPoint];
}

/**
 * IBSI-1 morphological features (Zwanenburg et al., Radiology 2020;295:328-338, doi:10.1148/radiol.2020191145;
 * IBSI reference manual v11 chapter 3.1). Keys are the IBSI feature tags. Unit: mm, mm2, mm3 or none (ratios).
 * Not computed: OMBB, MVEE and convex-hull densities, Moran's I, Geary's C.
 */
export interface IbsiShapeFeatures {
  /** Mesh volume, mm3 (3.1.1). */
  readonly morph_volume: number;
  /** Voxel count x voxel volume, mm3 (3.1.2). */
  readonly morph_vol_approx: number;
  /** Mesh surface area, mm2 (3.1.3). */
  readonly morph_area_mesh: number;
  /** Surface to volume ratio, 1/mm (3.1.4). */
  readonly morph_av: number;
  readonly morph_comp_1: number;
  readonly morph_comp_2: number;
  readonly morph_sph_dispr: number;
  /** In (0, 1]; 1 for a perfect sphere. */
  readonly morph_sphericity: number;
  readonly morph_asphericity: number;
  /** Centre of mass shift, mm; null without intensities (3.1.10). */
  readonly morph_com: number | null;
  /** Largest distance between mesh vertices, mm (3.1.11). */
  readonly morph_diam: number;
  /** 4 sqrt(lambda) of the voxel-centre covariance eigenvalues, mm (3.1.12-14). */
  readonly morph_pca_maj_axis: number;
  readonly morph_pca_min_axis: number;
  readonly morph_pca_least_axis: number;
  readonly morph_pca_elongation: number;
  readonly morph_pca_flatness: number;
  /** Volume / area density against the bounding box along the grid's own axes (3.1.17-18). */
  readonly morph_vol_dens_aabb: number;
  readonly morph_area_dens_aabb: number;
  /** Against the approximate enclosing ellipsoid of semi-axes 2 sqrt(lambda) (3.1.21-22). */
  readonly morph_vol_dens_aee: number;
  readonly morph_area_dens_aee: number;
  /** Volume x mean intensity (3.1.27); null without intensities. */
  readonly morph_integ_int: number | null;
}

/** Which faces of the scan the lesion's voxels touch (a lesion cut by the scan edge is not fully measured). */
export interface BorderContact {
  readonly touches: boolean;
  readonly faces: readonly BorderFace[];
}

export interface LesionMeasurement extends LesionDiameters {
  /** `${labelName}-${n}`, n = 1, 2, ... by voxel count descending (ties: lowest first voxel index first). */
  readonly id: string;
  readonly labelId: number;
  readonly labelName: string;
  /** 0-based rank of this component among the kept components of its label (same order as `id`). */
  readonly componentIndex: number;
  readonly voxelCount: number;
  readonly volumeMm3: number;
  readonly volumeMl: number;
  readonly huMean: number;
  /** Population standard deviation (divide by N). */
  readonly huSd: number;
  /** Median; mean of the two middle values for an even count. */
  readonly huMedian: number;
  readonly huMin: number;
  readonly huMax: number;
  readonly ijkCentroid: IjkPoint;
  readonly rasCentroid: RasPoint;
  readonly ijkBounds: IjkBounds;
  /** Bounding box of the voxel centres in RAS mm. */
  readonly rasBounds: RasBounds;
  /** Inclusive range of slice indices along `axialAxis` (the k range for an ordinary axial series). */
  readonly sliceRange: readonly [number, number];
  readonly touchesBorder: BorderContact;
  readonly shape?: IbsiShapeFeatures;
}

export interface DroppedLesions {
  readonly labelId: number;
  readonly labelName: string;
  /** Components smaller than the minimum volume, not reported as lesions. */
  readonly count: number;
  readonly volumeMm3: number;
}

export interface LesionMeasurements {
  readonly lesions: readonly LesionMeasurement[];
  readonly dropped: readonly DroppedLesions[];
  readonly minLesionVolumeMm3: number;
  /**
   * Sorted linear voxel indices of each lesion, by lesion id. Kept out of JSON (non-enumerable) so that
   * location and contact code can reuse them without re-labelling.
   */
  readonly voxelIndices: ReadonlyMap<string, Uint32Array>;
}
