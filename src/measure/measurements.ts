import type { Dims } from '../volume/geometry.ts';
import type { DroppedLesions, LesionMeasurement } from './lesion-types.ts';
import type {
  AttenuationResult, ParenchymaStats, PancreasRegionFractions, ParentHow, SubSegmentShare, VertebralLevelResult, VesselContact,
} from './location-types.ts';
import type { LesionDetection } from './detection.ts';
import type { StructureStats } from './types.ts';
import type { PulmonaryTrunk, VesselCalibre } from './vessel-types.ts';
import type { VertebralBody } from './vertebral-body.ts';
import type { LungDensity } from './lung-density.ts';
import type { BodyComposition } from './body-composition.ts';
import type { CalciumMeasurements } from './calcium.ts';
import type { Dissection } from './dissection.ts';

/**
 * The measurement stage's artifact for one study: every structure and every lesion, measured by the stated
 * definitions (cited in the files that compute them). Findings are made from this and nothing else.
 */

/**
 * Contrast phases, as TotalSegmentator's phase prediction names them (native, arterial early / late, portal venous,
 * delayed; passage totalsegmentator-contrast-phase) in groundct's spelling. 'non-contrast' is native (kept as the
 * name so older artifacts and `--phase non-contrast` stay valid; `native` is accepted as input, parsePhase).
 * 'arterial' = arterial, early or late not stated. 'contrast-enhanced' = contrast was given (e.g. DICOM
 * ContrastBolusAgent present) but the phase is not known. 'unknown' is a real answer: rules that need a
 * non-contrast study then say so instead of guessing.
 */
export const PHASES = ['non-contrast', 'contrast-enhanced', 'arterial', 'arterial-early', 'arterial-late', 'portal-venous', 'delayed', 'unknown'] as const;
export type Phase = (typeof PHASES)[number];

/** Other spellings accepted where a person writes the phase (CLI, API, manifests). */
const PHASE_ALIASES: Readonly<Record<string, Phase>> = { native: 'non-contrast', unenhanced: 'non-contrast', 'portal venous': 'portal-venous', venous: 'portal-venous' };

/** The phase a person wrote ('native', 'portal-venous', ...), or null when it names none. */
export function parsePhase(text: string): Phase | null {
  const t = text.trim().toLowerCase();
  if ((PHASES as readonly string[]).includes(t)) return t as Phase;
  return Object.hasOwn(PHASE_ALIASES, t) ? PHASE_ALIASES[t] : null;
}

/** The accepted spellings, for usage and error messages. */
export const PHASE_INPUTS: readonly string[] = [...PHASES, ...Object.keys(PHASE_ALIASES)];

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

/**
 * The routine measurements a radiologist states on most CTs (vessel calibre, ...), each from its own module; absent
 * when the measure configuration switches them off (measure.routine) or in artifacts written before they existed.
 */
export interface RoutineMeasurements {
  /** Aorta, iliac arteries and pulmonary artery: calibre along the centreline and per section (vessel-calibre.ts). */
  readonly vessels: readonly VesselCalibre[];
  /** Main pulmonary artery at its bifurcation and the PA:aorta ratio; null without a pulmonary artery mask. */
  readonly pulmonaryTrunk: PulmonaryTrunk | null;
  /** Body heights and trabecular attenuation of each thoracic and lumbar vertebra (vertebral-body.ts). */
  readonly vertebrae: readonly VertebralBody[];
  /** Low-attenuation area (LAA-950 %) and volume per lobe, lung and both lungs; null without lung masks. */
  readonly lungDensity: LungDensity | null;
  /** Muscle and fat areas on the mid-L3 slice (or the lowest lumbar vertebra imaged); null without a lumbar vertebra. */
  readonly bodyComposition: BodyComposition | null;
  /** Agatston-style calcium scores (coronary or heart region, aorta) and kidney stones (calcium.ts). */
  readonly calcium: CalciumMeasurements;
  /** False/true lumen volumes and the sections the false lumen runs through; null without aortic_dissection masks. */
  readonly dissection: Dissection | null;
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
  readonly routine?: RoutineMeasurements;
}
