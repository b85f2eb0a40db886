import type { Dims } from '../volume/geometry.ts';
import type { DroppedLesions, LesionMeasurement } from './lesion-types.ts';
import type {
  AttenuationResult, ParenchymaStats, PancreasRegionFractions, ParentHow, SubSegmentShare, VertebralLevelResult, VesselContact,
} from './location-types.ts';
import type { LesionDetection } from './detection.ts';
import type { StructureStats } from './types.ts';

/**
 * The measurement stage's artifact for one study: every structure and every lesion, measured by the stated
 * definitions (cited in the files that compute them). Findings are made from this and nothing else.
 */

/**
 * Contrast phase. 'contrast-enhanced' = contrast was given (e.g. DICOM ContrastBolusAgent present) but the phase
 * is not known. 'unknown' is a real answer: rules that need a non-contrast study then say so instead of guessing.
 */
export type Phase = 'non-contrast' | 'contrast-enhanced' | 'arterial' | 'portal-venous' | 'delayed' | 'unknown';

export interface StudyInfo {
  readonly dims: Dims;
  readonly spacingMm: readonly [number, number, number];
  readonly voxelVolumeMm3: number;
  /** Row-major 4x4 voxel index -> RAS mm of the CT grid (src/volume/geometry.ts), so evidence can be placed. */
  readonly ijkToRas: readonly number[];
  /** Orientation code of the CT grid (nibabel aff2axcodes letters), e.g. 'LPS'. */
  readonly orientation: string;
  readonly modality?: string;
  readonly phase: Phase;
  /** Where the phase came from: the caller, the DICOM contrast attribute, or nowhere. */
  readonly phaseSource: 'given' | 'dicom' | 'none';
  readonly patientAge?: string;
  readonly patientSex?: 'M' | 'F' | 'O';
  readonly studyDate?: string;
}

export type Side = 'left' | 'right' | 'midline';

/** A lesion with where it is and how it relates to its organ, vessels and neighbours. */
export interface LesionRecord extends LesionMeasurement {
  /** Canonical lesion class, e.g. 'liver_lesion', 'kidney_cyst_left', 'lesion'. */
  readonly lesionClass: string;
  readonly lesionType: string;
  /** Canonical name of the organ it belongs to, or null ("no parent organ"). */
  readonly organ: string | null;
  readonly organLabelId: number | null;
  /** 'class' when the lesion class names its organ (liver_lesion); else how the organ was found. */
  readonly organBy: 'class' | ParentHow;
  /**
   * Patient side of the lesion's centroid, from the affine (RAS x) relative to the body midline: the
   * vertebral column / body centroid when labelled, else x = 0 of the scanner frame. 'midline' within 10 mm.
   */
  readonly side: Side;
  readonly sideReference: 'spine' | 'body' | 'scanner-origin';
  /** Sub-segments (Couinaud, lung lobe, pancreatic region) holding > 10 % of its voxels, largest first. */
  readonly segments: readonly string[];
  readonly segmentShares?: readonly SubSegmentShare[];
  readonly pancreasRegions?: PancreasRegionFractions;
  readonly vertebralLevel?: VertebralLevelResult;
  readonly parenchyma: ParenchymaStats | null;
  readonly attenuation: AttenuationResult | null;
  readonly contacts: readonly VesselContact[];
  /** Lung lesions: gap to the lung surface (pleura), mm. */
  readonly pleuraDistanceMm?: number;
  /** How the lesion was found, when its label says (e.g. the built-in nodule detector with its confidence). */
  readonly detection?: LesionDetection;
}

export interface Measurements {
  readonly kind: 'measurements';
  readonly schemaVersion: 1;
  readonly provenance: {
    readonly ct: string;
    readonly masks: string | null;
    readonly groundctVersion: string;
    /** sha256 of the measure configuration, so a cached artifact can be checked against the config. */
    readonly configHash: string;
  };
  readonly study: StudyInfo;
  readonly structures: readonly StructureStats[];
  readonly lesions: readonly LesionRecord[];
  readonly droppedLesions: readonly DroppedLesions[];
  readonly minLesionVolumeMm3: number;
  /** Label names the anatomy catalogue does not know: kept, measured, reported — never dropped. */
  readonly unknownLabels: readonly { readonly labelId: number; readonly sourceName: string }[];
}
