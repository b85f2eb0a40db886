import * as z from 'zod';
import { FindingSchema } from '../findings/index.ts';

/**
 * Artifacts of the follow-up stage: the identity of a study (study.json of a report folder) and the comparison
 * of a study with its priors (followup.json). Every number has its unit in its key; matrices are row-major 4x4
 * (src/volume/geometry.ts), mapping RAS mm of one study to RAS mm of another.
 */

/** Version of the report folder layout. 1 = report.json, report.md, findings.json, measurements.json only. */
export const REPORT_FOLDER_SCHEMA_VERSION = 2 as const;
export const FOLLOWUP_SCHEMA_VERSION = 1 as const;

const Triple = z.tuple([z.number(), z.number(), z.number()]);
const Mat4Schema = z.array(z.number()).length(16);
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');

export const GridSchema = z.object({ dims: z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]), ijkToRas: Mat4Schema });

/**
 * A keyed hash of the patient ID: HMAC-SHA256(key, SHA-256 digest of the ID). `keyId` names the key (the first
 * 16 hex digits of SHA-256 of the key) so that two hashes made with different keys are never compared.
 */
export const PatientIdHashSchema = z.object({
  algorithm: z.literal('hmac-sha256'),
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  value: z.string().regex(/^[0-9a-f]{64}$/),
});
export type PatientIdHash = z.infer<typeof PatientIdHashSchema>;

/** Bone-surface points of the CT (for alignment without common labels), stored as uint16 voxel indices. */
export const BoneSurfaceInfoSchema = z.object({
  /** File of the report folder: little-endian uint16 triples (i, j, k) of CT voxels. */
  file: z.string(),
  points: z.number().int().nonnegative(),
  minHu: z.number(),
  /** Voxel step along i, j, k between samples. */
  stepVoxels: z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]),
});
export type BoneSurfaceInfo = z.infer<typeof BoneSurfaceInfoSchema>;

/** study.json: who and where a study is, and the folder's schema version. No patient names, IDs or birth dates. */
export const StudyIdentitySchema = z.object({
  kind: z.literal('study'),
  folderSchemaVersion: z.literal(REPORT_FOLDER_SCHEMA_VERSION),
  studyDate: IsoDate.optional(),
  /** DICOM Frame of Reference UID: two studies sharing it share patient coordinates (no alignment needed). */
  frameOfReferenceUid: z.string().optional(),
  studyInstanceUid: z.string().optional(),
  seriesInstanceUid: z.string().optional(),
  patientIdHash: PatientIdHashSchema.optional(),
  /** The CT grid: every label volume of the folder lies on it. */
  grid: GridSchema,
  /** Label volumes: `masks-<layer>.nii.gz` per layer that holds a label, and their table. */
  labels: z.object({ table: z.literal('masks.labels.json'), layers: z.array(z.number().int().nonnegative()) }),
  boneSurface: BoneSurfaceInfoSchema.nullable(),
  provenance: z.object({ ct: z.string(), masks: z.string().nullable(), groundctVersion: z.string() }),
});
export type StudyIdentity = z.infer<typeof StudyIdentitySchema>;

/** masks.labels.json: the label table of the label volumes (the service's viewer reads the same file). */
export const LabelTableSchema = z.object({
  layers: z.number().int().nonnegative(),
  labels: z.array(z.object({ id: z.number().int().positive(), name: z.string(), layer: z.number().int().nonnegative() })),
});

export const ALIGNMENT_METHODS = ['same-frame-of-reference', 'landmarks-bone', 'landmarks-bone-organs', 'bone-surface-icp'] as const;
export type AlignmentMethod = (typeof ALIGNMENT_METHODS)[number];

export const LandmarkSchema = z.object({
  name: z.string(),
  kind: z.enum(['bone', 'organ']),
  /** Distance after alignment between the prior's mapped centroid and the current centroid, mm. */
  residualMm: z.number(),
  /** False when dropped as an outlier (moved more than the others: breathing, an organ that changed). */
  used: z.boolean(),
});

export const AlignmentAttemptSchema = z.object({
  method: z.enum(ALIGNMENT_METHODS),
  accepted: z.boolean(),
  residualMm: z.number().nullable(),
  /** Why it was accepted or not, in words. */
  outcome: z.string(),
});

export const AlignmentSchema = z.object({
  method: z.enum(ALIGNMENT_METHODS),
  /** Maps RAS mm of the earlier study onto RAS mm of the later one (row-major 4x4, rigid). */
  earlierToLater: Mat4Schema,
  /** Landmarks: RMS distance of the used landmarks; ICP: RMS distance of the inlier surface points; 0 for one frame. */
  residualMm: z.number(),
  maxResidualMm: z.number(),
  rotationDeg: z.number(),
  translationMm: Triple,
  landmarks: z.array(LandmarkSchema),
  icp: z
    .object({ pointsEarlier: z.number().int(), pointsLater: z.number().int(), inlierFraction: z.number(), iterations: z.number().int(), starts: z.number().int() })
    .optional(),
  attempts: z.array(AlignmentAttemptSchema),
});
export type Alignment = z.infer<typeof AlignmentSchema>;

export const MATCH_KINDS = ['matched', 'new', 'disappeared', 'split', 'merged', 'outside-earlier-field', 'outside-later-field'] as const;
export type MatchKind = (typeof MATCH_KINDS)[number];

/**
 * One row of the lesion correspondence between two studies. 'matched': one to one; 'split': one earlier lesion
 * now several; 'merged': several earlier lesions now one; 'new' / 'disappeared': no partner; 'outside-*-field':
 * no partner, but the lesion lies outside the other study's field of view, so nothing can be said.
 */
export const LesionMatchSchema = z.object({
  kind: z.enum(MATCH_KINDS),
  earlierLesionIds: z.array(z.string()),
  laterLesionIds: z.array(z.string()),
  /** Organ group both lesions belong to (canonical organ; 'lymph_node' for nodes; 'none' for no organ). */
  organ: z.string(),
  /** Distance between the aligned centroids, mm (pairs only). */
  distanceMm: z.number().optional(),
  /** Shared volume over the smaller lesion's volume, 0-1 (pairs only). */
  overlapFraction: z.number().optional(),
});
export type LesionMatch = z.infer<typeof LesionMatchSchema>;

export const CHANGE_STATUSES = ['grown', 'shrunk', 'stable'] as const;

/** Change of one lesion (or split / merged group) between two studies. */
export const LesionChangeSchema = z.object({
  earlierLesionIds: z.array(z.string()),
  laterLesionIds: z.array(z.string()),
  kind: z.enum(['matched', 'split', 'merged']),
  organ: z.string(),
  /** RECIST diameter: long axis of a lesion, short axis of a lymph node. */
  diameter: z.enum(['longAxis', 'shortAxis']),
  /** Diameters of a split or merged group are summed (RECIST 1.1 fragments / coalesced lesions). */
  earlierMm: z.number(),
  laterMm: z.number(),
  changeMm: z.number(),
  changePercent: z.number(),
  earlierVolumeMl: z.number(),
  laterVolumeMl: z.number(),
  volumeChangeMl: z.number(),
  volumeChangePercent: z.number(),
  status: z.enum(CHANGE_STATUSES),
  /** Diameter change under which the lesion is stable: max(stableChangePercent of the earlier diameter, one in-plane voxel diagonal), mm. */
  stableBandMm: z.number(),
});
export type LesionChange = z.infer<typeof LesionChangeSchema>;

export const OrganChangeSchema = z.object({
  organ: z.string(),
  earlierVolumeMl: z.number(),
  laterVolumeMl: z.number(),
  volumeChangeMl: z.number(),
  volumeChangePercent: z.number(),
  status: z.enum(CHANGE_STATUSES),
  /** Change under which the volume is stable, % of the earlier volume (followup.stableChangePercent). */
  stableBandPercent: z.number(),
});
export type OrganChange = z.infer<typeof OrganChangeSchema>;

/** The comparison of two consecutive studies of the series. */
export const PairComparisonSchema = z.object({
  earlier: z.string(),
  later: z.string(),
  alignment: AlignmentSchema,
  matches: z.array(LesionMatchSchema),
  lesionChanges: z.array(LesionChangeSchema),
  organChanges: z.array(OrganChangeSchema),
});
export type PairComparison = z.infer<typeof PairComparisonSchema>;

export const RESPONSE_CATEGORIES = ['CR', 'PR', 'SD', 'PD', 'NE'] as const;
export const NON_TARGET_CATEGORIES = ['CR', 'non-CR/non-PD', 'NE'] as const;

export const RecistTargetSchema = z.object({
  /** 'T1', 'T2', ... largest first. */
  id: z.string(),
  baselineLesionId: z.string(),
  organ: z.string(),
  isNode: z.boolean(),
  /** Its diameter at each time point (study key -> mm); 0 when it disappeared. */
  diameterMmByStudy: z.record(z.string(), z.number()),
  /** Lesion ids it corresponds to in each study (several after a split). */
  lesionIdsByStudy: z.record(z.string(), z.array(z.string())),
});

export const RecistNonTargetSchema = z.object({
  id: z.string(),
  baselineLesionId: z.string(),
  organ: z.string(),
  isNode: z.boolean(),
  /** Why it is not a target. */
  reason: z.string(),
  /** At the current study. */
  status: z.enum(['present', 'absent', 'normal-size-node', 'not-assessable']),
  currentLesionIds: z.array(z.string()),
  baselineVolumeMl: z.number(),
  currentVolumeMl: z.number().nullable(),
});

export const RecistSchema = z.object({
  /** Study key of the baseline (the earliest study). */
  baseline: z.string(),
  /** Study keys in time order, baseline first, current last. */
  timepoints: z.array(z.object({ study: z.string(), studyDate: z.string().optional(), sumMm: z.number() })),
  targets: z.array(RecistTargetSchema),
  nonTargets: z.array(RecistNonTargetSchema),
  baselineSumMm: z.number(),
  nadir: z.object({ study: z.string(), sumMm: z.number() }),
  currentSumMm: z.number(),
  changeFromBaselinePercent: z.number().nullable(),
  changeFromNadirMm: z.number(),
  changeFromNadirPercent: z.number().nullable(),
  newLesionIds: z.array(z.string()),
  /** null when the baseline has no measurable lesion (only non-target disease). */
  targetResponse: z.enum(RESPONSE_CATEGORIES).nullable(),
  nonTargetResponse: z.enum(NON_TARGET_CATEGORIES).nullable(),
  /** RECIST 1.1 Table 1 (targets) or Table 2 (non-targets only); 'non-CR/non-PD' only from Table 2. */
  overallResponse: z.enum([...RESPONSE_CATEGORIES, 'non-CR/non-PD']),
  /** Every step, in words, with its numbers: selection, sums, nadir, comparisons, categories. */
  steps: z.array(z.string()),
  caveats: z.array(z.string()),
});
export type Recist = z.infer<typeof RecistSchema>;

export const ComparedStudySchema = z.object({
  /** 'current', 'prior-1' (the most recent prior), 'prior-2', ... */
  key: z.string(),
  studyDate: z.string().optional(),
  /** The report folder (CLI) or the service's study id it came from. */
  source: z.string(),
  frameOfReferenceUid: z.string().optional(),
  grid: GridSchema,
});
export type ComparedStudy = z.infer<typeof ComparedStudySchema>;

/** followup.json: the comparison of the current study with its priors. */
export const FollowupSchema = z.object({
  kind: z.literal('followup'),
  schemaVersion: z.literal(FOLLOWUP_SCHEMA_VERSION),
  /** Studies in time order, the earliest first, the current study last. */
  studies: z.array(ComparedStudySchema),
  /** Whether the patient-ID hashes were compared: 'same', 'not-available' (a study carries none), 'not-checked' (override). */
  patientCheck: z.enum(['same', 'not-available', 'not-checked']),
  /** Studies ordered by 'study-date', or by the order given when a date is missing. */
  orderedBy: z.enum(['study-date', 'order-given']),
  /** One per consecutive pair, earliest first; the last pair compares the most recent prior with the current study. */
  comparisons: z.array(PairComparisonSchema),
  recist: RecistSchema,
  /** The change and response findings (also appended to findings.json). */
  findings: z.array(FindingSchema),
  /** The prior studies' findings they refer to, ids prefixed by study ('prior-1:liver_lesion-1'). */
  priorFindings: z.array(FindingSchema),
});
export type Followup = z.infer<typeof FollowupSchema>;
