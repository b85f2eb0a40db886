import type { Grid } from './geometry.ts';

/** Voxel storage types the readers produce. `i` varies fastest, then `j`, then `k`. */
export type VoxelArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;

export type LabelArray = Uint8Array | Uint16Array;

export type SourceFormat = 'nifti' | 'dicom' | 'nrrd' | 'dicom-seg' | 'totalseg-folder' | 'phantom';

export interface VolumeSource {
  readonly format: SourceFormat;
  /** The file or folder read (as given by the caller). */
  readonly path: string;
}

/**
 * What the source says about the acquisition, when it says it. Never patient names or IDs (the Patient ID only
 * as a digest): DICOM UIDs are kept (they identify series, not people) so that SEG/SR can reference the source series.
 */
export interface VolumeMeta {
  readonly source: VolumeSource;
  readonly modality?: string;
  /** Rescale applied by the reader: stored value x slope + intercept = voxel value (HU for CT). */
  readonly rescale?: { readonly slope: number; readonly intercept: number };
  /** DICOM Patient's Age as written, e.g. "054Y". */
  readonly patientAge?: string;
  readonly patientSex?: 'M' | 'F' | 'O';
  /** YYYY-MM-DD */
  readonly studyDate?: string;
  readonly studyInstanceUid?: string;
  readonly seriesInstanceUid?: string;
  readonly frameOfReferenceUid?: string;
  /**
   * SHA-256 (hex) of the DICOM Patient ID with a domain prefix (readers/dicom-series.ts `patientIdDigest`); the ID
   * itself is never kept. Used only to check that a follow-up and its prior belong to one patient.
   */
  readonly patientIdDigest?: string;
  /** Contrast/bolus agent from DICOM (0018,0010) when present; absence does not prove a non-contrast study. */
  readonly contrastAgent?: string;
  readonly seriesDescription?: string;
  /** SOP Instance UIDs of the slices in k order (DICOM input only), for SEG/SR references. */
  readonly sopInstanceUids?: readonly string[];
  /** Free-form notes a reader wants a person to see (e.g. "uneven slice spacing within tolerance"). */
  readonly notes?: readonly string[];
}

/** A scalar 3D image (CT in HU after rescale). */
export interface Volume {
  readonly kind: 'volume';
  readonly grid: Grid;
  readonly data: VoxelArray;
  readonly meta: VolumeMeta;
}

/** One named label of a label map. `name` is as the source wrote it; `anatomy/` normalises it. */
export interface LabelEntry {
  readonly id: number;
  readonly name: string;
  /** Index into `LabelMap.layers` of the array holding this label. */
  readonly layer: number;
  /** Set by a segmenter that wants a reader to know how the label was made (e.g. the built-in nodule detector). */
  readonly provenance?: LabelProvenance;
}

/** How a label was made, when its segmenter says so. */
export interface LabelProvenance {
  /** Who found it, in words a report can use: 'built-in detector'. */
  readonly by: string;
  /** How, in one line (method and its limits). */
  readonly method: string;
  /** Per connected component: a voxel inside it and what the finder knows about it. */
  readonly components?: readonly ComponentProvenance[];
}

export interface ComponentProvenance {
  /** Linear index (i fastest) of a voxel of the component on the label map's grid. */
  readonly voxel: number;
  /** 0.5-1, the finder's own score (not a calibrated probability). */
  readonly confidence: number;
  /** Lung nodules: solid, part-solid or ground-glass, from HU. */
  readonly composition?: 'solid' | 'part-solid' | 'ground-glass';
}

/**
 * Named masks on one grid. Usually one multilabel layer; masks that overlap (a lesion mask drawn inside an
 * organ mask, per-class files that overlap) are kept on extra layers instead of one overwriting the other.
 * Ids are unique across layers; 0 is background in every layer.
 */
export interface LabelMap {
  readonly kind: 'labelmap';
  readonly grid: Grid;
  readonly layers: readonly LabelArray[];
  readonly labels: readonly LabelEntry[];
  readonly meta: VolumeMeta;
}
