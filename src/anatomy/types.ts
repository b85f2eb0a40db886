/**
 * Types of the anatomy catalogue: one `Structure` per canonical name.
 *
 * Canonical names are TotalSegmentator's (Wasserthal et al., Radiol Artif Intell 2023;5(5):e230024,
 * DOI 10.1148/ryai.230024) v2 class names, e.g. `kidney_left`, `lung_upper_lobe_left`, `vertebrae_L3`, plus the
 * names groundct adds for things TotalSegmentator's `total` task does not segment (pancreas sub-regions, visceral
 * arteries, lesion classes, composites such as `lung_left`). Names are case-sensitive and exact; anything else goes
 * through `normaliseName` first.
 */

/**
 * Side of the body a structure belongs to, read from its NAME only (`kidney_left` is 'left').
 *
 * - 'left' / 'right': one member of a paired structure (the patient's left/right).
 * - 'bilateral': a composite of both sides (`lung`, `kidneys`, `ribs`) or a structure with parts on both sides.
 * - 'midline': an unpaired structure on the mid-sagittal plane (trachea, oesophagus, vertebrae, bladder).
 * - 'none': side is not a descriptor of the structure (liver, spleen, heart, a generic lesion, the body).
 *
 * This is the catalogue's description of the structure. Where a measured mask or lesion actually lies (left or
 * right of the patient's midline) comes from the voxel positions through the volume's ijkToRas matrix (RAS+: +x
 * is the patient's Right) and is the measure stage's job, never this field's.
 */
export type Laterality = 'left' | 'right' | 'midline' | 'bilateral' | 'none';
export const LATERALITIES: readonly Laterality[] = ['left', 'right', 'midline', 'bilateral', 'none'];

/** Organ system, for grouping report sections. 'body' is for the whole body, free fluid and generic lesions. */
export type BodySystem =
  | 'digestive'
  | 'urinary'
  | 'respiratory'
  | 'cardiovascular'
  | 'skeletal'
  | 'muscular'
  | 'nervous'
  | 'endocrine'
  | 'lymphatic'
  | 'reproductive'
  | 'body';
export const BODY_SYSTEMS: readonly BodySystem[] = [
  'digestive', 'urinary', 'respiratory', 'cardiovascular', 'skeletal', 'muscular', 'nervous', 'endocrine',
  'lymphatic', 'reproductive', 'body',
];

/**
 * What sort of thing a structure is.
 * - 'composite': not segmented as one class by TotalSegmentator's `total` task but defined as the union of its
 *   `members` (lung_left = its two lobes). A mask with the composite's own name, when a source gives one, is used
 *   as is; otherwise the measure stage unions the members (`compositeMembers`).
 * - 'organ_part': a named part of an organ (lobe, Couinaud segment, pancreatic head, heart chamber).
 * - 'tissue': a body-composition compartment (subcutaneous fat, torso fat, skeletal muscle; TotalSegmentator's
 *   tissue_types task) or a tissue class such as the intervertebral discs.
 * - 'landmark': a thin mask that marks a position, not an organ (aortic annulus, pulmonary bifurcation; the
 *   aorta_annulus and pulmonary_artery_landmarks tasks). Measured where it cuts its vessel, never sized.
 * - 'cavity': a body cavity or envelope (thoracic and abdominal cavity, pericardium, mediastinum).
 */
export type StructureKind =
  | 'organ'
  | 'organ_part'
  | 'vessel'
  | 'bone'
  | 'muscle'
  | 'lesion'
  | 'lymph_node'
  | 'fluid'
  | 'body'
  | 'composite'
  | 'tissue'
  | 'landmark'
  | 'cavity';
export const STRUCTURE_KINDS: readonly StructureKind[] = [
  'organ', 'organ_part', 'vessel', 'bone', 'muscle', 'lesion', 'lymph_node', 'fluid', 'body', 'composite', 'tissue',
  'landmark', 'cavity',
];

/**
 * The type a lesion class (or a raw name) states. 'tumour' covers tumor/tumour/cancer/carcinoma/GTV; wording
 * such as nodule versus mass by size is the findings stage's job, not the label's.
 */
export type LesionType = 'lesion' | 'cyst' | 'nodule' | 'mass' | 'metastasis' | 'tumour';
export const LESION_TYPES: readonly LesionType[] = ['lesion', 'cyst', 'nodule', 'mass', 'metastasis', 'tumour'];

/** A SNOMED CT body-structure concept (International Edition concept id and its preferred term). */
export interface SnomedCtCode {
  readonly code: string;
  readonly display: string;
}

/** One entry of the catalogue. All names it refers to (parent, members, ...) are canonical names in it. */
export interface Structure {
  /** Canonical name, e.g. 'kidney_left'. */
  readonly name: string;
  /** What a radiologist writes: 'left kidney', 'Couinaud segment 7', 'L3 vertebra', 'right upper lobe'. */
  readonly displayName: string;
  readonly laterality: Laterality;
  readonly system: BodySystem;
  /**
   * The structure this one is part of (lung_upper_lobe_left -> lung_left -> lung -> body; liver_segment_7 ->
   * liver; liver_lesion -> liver). `null` only for the root, 'body'.
   */
  readonly parent: string | null;
  readonly kind: StructureKind;
  /** The TotalSegmentator task whose output carries this exact class name ('total', 'liver_segments', ...). */
  readonly totalsegTask?: string;
  /** For kind 'composite': the structures whose union it is (may be composites themselves). */
  readonly members?: readonly string[];
  /** Named partition of the structure used to localise findings (liver -> Couinaud segments 1-8). */
  readonly subSegments?: readonly string[];
  /** Vessels whose contact with a lesion of this structure matters for staging or resectability. */
  readonly contactVessels?: readonly string[];
  /** Lesion classes only: the organ the lesion belongs to; `null` for the generic 'lesion' (attached later). */
  readonly lesionOf?: string | null;
  /** Lesion classes only. */
  readonly lesionType?: LesionType;
  /** SNOMED CT code, only where we are certain of it (left out rather than guessed). */
  readonly snomedCt?: SnomedCtCode;
}

/** How `normaliseName` matched a raw name. */
export type MatchedBy = 'exact' | 'alias' | 'pattern' | 'none';

/** Result of `normaliseName`. Unknown names are kept (canonical null), never dropped. */
export interface NormalisedName {
  /** Canonical catalogue name, or null when the raw name is unknown or ambiguous. */
  readonly canonical: string | null;
  /** The name exactly as the source wrote it. */
  readonly raw: string;
  readonly matchedBy: MatchedBy;
  /** The lesion type the raw name states ('GTV_Mass' -> 'mass'), else the lesion class's own type. */
  readonly lesionType?: LesionType;
  /** For a generic 'lesion': the organ the raw name names when that organ has no lesion class ('colon cancer'). */
  readonly organHint?: string;
  /** For an ambiguous raw name (canonical null): the structures it could mean ('S1', 'femur'). */
  readonly candidates?: readonly string[];
  /** Why a recognisable name was deliberately not matched (e.g. a radiotherapy CTV/PTV). */
  readonly note?: string;
}
