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

/**
 * Bytes a compressed stream may inflate to beyond what its header declares before it counts as lying (trailing
 * padding some writers leave; far below any bomb). Used by every bounded decompression: gzip NIfTI/NRRD payloads,
 * deflated DICOM data sets, and the service's admission checks.
 */
export const DECLARED_SLACK_BYTES = 1024 * 1024;

/** The configuration's volume limits, for callers that hold a file without a configuration (tests, interop read-back). */
export const DEFAULT_READ_LIMITS: ReadLimits = { maxDecompressedBytes: 2 ** 32, maxVoxels: 600_000_000 };
