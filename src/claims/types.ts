import type { LesionType } from '../anatomy/index.ts';

/**
 * Types of the free-text claim parser: what one sentence of a radiology report asserts, in the anatomy
 * catalogue's canonical names and in our units (mm, mL, HU, degrees).
 */

/**
 * What a claim is about. Each kind is read by its own extractor and checked by its own matcher (kinds/, registered in
 * kinds/index.ts; see README "Adding a claim kind"). 'coverage' says an organ is only partly in the scan.
 */
export const CLAIM_KINDS = [
  'lesion',
  'organ_size',
  'steatosis',
  'attenuation',
  'normal',
  'fluid',
  'lymph_node',
  'stage',
  'vessel_contact',
  'coverage',
  // follow-up (change-claims.ts): change since a prior study, and the RECIST 1.1 response
  'change',
  'response',
  'comparison',
  // routine measurements (routine-claims.ts): vessel calibre, emphysema, vertebral fracture, bone density,
  // contrast phase, calcification, kidney stones, aortic dissection
  'vessel_calibre',
  'emphysema',
  'vertebral_fracture',
  'bone_density',
  'contrast_phase',
  'calcification',
  'kidney_stone',
  'dissection',
] as const;
export type ClaimKind = (typeof CLAIM_KINDS)[number];

export type ClaimSide = 'left' | 'right' | 'bilateral';

/**
 * Measurement kinds a number can state, unit in the name. `diameterMm` is a single size with no axis named
 * ("a 2.1 cm lesion"): compared with the long axis (RECIST 1.1 reports the longest diameter).
 */
export const MEASURE_KINDS = ['longAxisMm', 'shortAxisMm', 'diameterMm', 'lengthMm', 'volumeMl', 'huMean', 'angleDeg', 'percent', 'agatstonScore'] as const;
export type MeasureKind = (typeof MEASURE_KINDS)[number];

/** The unit a number was written in (after case folding; 'cc' and 'cm3' are kept apart so wrong units can be reported). */
export type WrittenUnit = 'mm' | 'cm' | 'ml' | 'cc' | 'cm3' | 'mm3' | 'l' | 'hu' | 'deg' | '%' | 'score';

export interface ClaimNumber {
  readonly kind: MeasureKind;
  /** Value in the kind's unit (mm, mL, HU, degrees). */
  readonly value: number;
  readonly unit: WrittenUnit;
  /**
   * Half of the last digit shown, in the kind's unit: "2.1 cm" -> 0.5 mm, "21 mm" -> 0.5 mm, "346 mL" -> 0.5 mL.
   * The written number stands for every value that rounds to it.
   */
  readonly roundingHalfStep: number;
  /** The text the number was read from, e.g. '2.1 x 1.4 cm'. */
  readonly raw: string;
  /** This value as written with its unit, e.g. '1.4 cm' (for messages). */
  readonly written?: string;
}

/** A place inside an organ: a Couinaud segment, a hepatic lobe, a pancreatic part, a lung lobe, a vertebral level. */
export interface ClaimLocation {
  /** Canonical name or a readable name for groups ('liver_segment_7', 'right hepatic lobe'). */
  readonly label: string;
  /** Canonical sub-structures any of which satisfies the location (right hepatic lobe = segments 5-8). */
  readonly anyOf: readonly string[];
}

export type Attenuation = 'hypoattenuating' | 'isoattenuating' | 'hyperattenuating';
export type ContactClass = 'abutment' | 'encasement' | 'contact';
export type SizeClass = 'enlarged' | 'massively enlarged' | 'normal size';
/** What a change claim says happened since the prior study. */
export type ClaimChange = 'grown' | 'shrunk' | 'stable' | 'new' | 'disappeared' | 'split' | 'merged';
/** RECIST 1.1 response category as written. */
export type ClaimResponse = 'CR' | 'PR' | 'SD' | 'PD' | 'non-CR/non-PD';

/**
 * ConText's certainty of a claim: 'uncertain' when the text only considers it ("suspected tumour", "cannot be
 * excluded", "considering metastasis", "nodule?"); absent = definite. Uncertain is not negated.
 */
export type Certainty = 'definite' | 'uncertain';

export interface Claim {
  readonly kind: ClaimKind;
  /** True when the sentence denies it: "no focal lesion", "not enlarged", "without ascites". */
  readonly negated: boolean;
  /** 'uncertain' for hedged claims; absent when the text states it. */
  readonly certainty?: Certainty;
  /** Canonical organ (or organ composite: 'kidneys', 'lung'); null when the text names none. */
  readonly organ: string | null;
  /** Side the text states ("left kidney", "L kidney", "bilateral"). */
  readonly side?: ClaimSide;
  readonly locations: readonly ClaimLocation[];
  /** Lesion noun the text uses. */
  readonly lesionType?: LesionType;
  /** Number of lesions stated ("two lesions" 2; "multiple" 'multiple'; "a lesion" 1). */
  readonly count?: number | 'multiple';
  readonly numbers: readonly ClaimNumber[];
  readonly attenuation?: Attenuation;
  /** AJCC T category as written, normalised: 'T1c', 'T4'. */
  readonly stage?: string;
  /** Canonical vessel of a contact claim. */
  readonly vessel?: string;
  readonly contact?: ContactClass;
  readonly sizeClass?: SizeClass;
  /** Fluid compartment of a fluid claim ('ascites', 'pleural_effusion', ...). */
  readonly fluid?: string;
  /** Change claims: what changed since the prior, and what it is about. */
  readonly change?: ClaimChange;
  readonly changeTarget?: 'lesion' | 'organ' | 'node';
  /**
   * Change claims: numbers stated for the prior study ("from 3.1 to 2.2 cm": 31 mm here, 22 mm in `numbers`);
   * response claims: the baseline sum of diameters.
   */
  readonly priorNumbers?: readonly ClaimNumber[];
  /** Change claims: a stated relative change, % (negative for a decrease). */
  readonly changePercent?: number;
  /** Response claims: the category; absent when the clause states RECIST sums without a category. */
  readonly response?: ClaimResponse;
  /** Comparison claims: the date of the prior study the text names, YYYY-MM-DD. */
  readonly priorDate?: string;
  /** Routine measurement claims (routine-claims.ts): what the kind states beyond organ, side and numbers. */
  readonly routine?: RoutineClaimDetail;
  /** The sentence (or clause) the claim was read from. */
  readonly text: string;
}

/** Calibre class a vessel claim states. */
export type CalibreClass = 'aneurysmal' | 'dilated' | 'normal';
export type SeverityWord = 'mild' | 'moderate' | 'severe';

/** The kind-specific part of a routine measurement claim (routine-claims.ts). */
export interface RoutineClaimDetail {
  /** Vessel calibre: the vessel part named ('ascending_aorta', 'abdominal', 'thoracic', 'aorta', 'pulmonary_artery', 'iliac', ...). */
  readonly section?: string;
  readonly calibre?: CalibreClass;
  /** Emphysema, fracture grade, coronary calcium band. */
  readonly severity?: SeverityWord;
  /** Vertebral levels named ('L1', 'T12'); ranges written "T6 to L4" are expanded. */
  readonly levels?: readonly string[];
  /** Bone density: what the text says of it. */
  readonly density?: 'osteoporosis' | 'low' | 'normal';
  /** Contrast phase as written, in groundct's phase names ('non-contrast', 'arterial', 'portal-venous', ...). */
  readonly phase?: string;
  /** Calcification: where. */
  readonly region?: 'coronary' | 'aorta';
  /** Dissection: the Stanford type stated. */
  readonly stanford?: 'A' | 'B';
}
