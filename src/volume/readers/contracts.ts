import type { VolumeConfig } from '../../config.ts';
import type { Grid } from '../geometry.ts';
import type { VolumeMeta, VoxelArray } from '../types.ts';

/** Limits every reader enforces (a slice of Config.volume). */
export type ReadLimits = Pick<VolumeConfig, 'maxDecompressedBytes' | 'maxVoxels'> &
  Partial<Pick<VolumeConfig, 'sliceSpacingTolerance' | 'maxDicomHeaderBytes'>>;

/**
 * What a single-image reader returns: voxel values after the file's own rescale (NIfTI scl_slope/scl_inter,
 * DICOM RescaleSlope/Intercept), on a grid whose ijkToRas is in RAS+ mm.
 * Integer data whose rescale is the identity keeps its integer type; otherwise Float32Array.
 */
export interface RawImage {
  readonly grid: Grid;
  readonly data: VoxelArray;
  readonly meta: VolumeMeta;
}
