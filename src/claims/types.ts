import type { LesionType } from '../anatomy/index.ts';

/**
 * Types of the free-text claim parser: what one sentence of a radiology report asserts, in the anatomy
 * catalogue's canonical names and in our units (mm, mL, HU, degrees).
 */

/** What a claim is about. Each kind is checked against the findings of the matching `Finding.type`. */
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
  // follow-up (change-claims.ts): change since a prior study, and the RECIST 1.1 response
  'change',
  'response',
  'comparison',
] as const;
export type ClaimKind = (typeof CLAIM_KINDS)[number];

export type ClaimSide = 'left' | 'right' | 'bilateral';

/**
 * Measurement kinds a number can state, unit in the name. `diameterMm` is a single size with no axis named
 * ("a 2.1 cm lesion"): compared with the long axis (RECIST 1.1 reports the longest diameter).
 */
export const MEASURE_KINDS = ['longAxisMm', 'shortAxisMm', 'diameterMm', 'lengthMm', 'volumeMl', 'huMean', 'angleDeg'] as const;
export type MeasureKind = (typeof MEASURE_KINDS)[number];

/** The unit a number was written in (after case folding; 'cc' and 'cm3' are kept apart so wrong units can be reported). */
export type WrittenUnit = 'mm' | 'cm' | 'ml' | 'cc' | 'cm3' | 'mm3' | 'l' | 'hu' | 'deg';

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

export interface Claim {
  readonly kind: ClaimKind;
  /** True when the sentence denies it: "no focal lesion", "not enlarged", "without ascites". */
  readonly negated: boolean;
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
  /** The sentence (or clause) the claim was read from. */
  readonly text: string;
}
