import * as z from 'zod';
import { PHASES } from '../measure/measurements.ts';

/**
 * The findings artifact: typed facts derived from measurements by rules whose wording and thresholds come from
 * knowledge-base passages. Findings are the single source of truth for every report sentence, VQA answer and
 * factuality score (docs: /work/shared/DESIGN.md "Findings are the single source of truth").
 *
 * Geometry follows STYLE.md section 5: `ijk` = voxel indices, `ras` = patient RAS+ millimetres. JSON has no
 * branded tuples, so points here are plain [number, number, number] triples named by their space.
 */

export const FINDINGS_SCHEMA_VERSION = 1 as const;

const Triple = z.tuple([z.number(), z.number(), z.number()]);

/** Inclusive voxel-index box (`min`/`max` are voxel indices, i fastest). */
export const IjkBoundsSchema = z.object({ min: Triple, max: Triple });
/** RAS mm box enclosing voxel centres. */
export const RasBoundsSchema = z.object({ min: Triple, max: Triple });

/**
 * Where a finding comes from in the masks: one label (and, for lesions, one connected component). Geometry is
 * null for a label with no voxel (a 'not_imaged' organ or an empty lesion label).
 */
export const EvidenceSchema = z.object({
  /** Label id in the label map. */
  labelId: z.number().int(),
  /** Label name as the source gave it. */
  labelName: z.string(),
  /** Canonical anatomy name of the label, or null for a name the catalogue does not know. */
  structure: z.string().nullable(),
  /** Lesion id (`${labelName}-${n}`) of the connected component, for lesion evidence. */
  componentId: z.string().optional(),
  voxelCount: z.number().int().nonnegative(),
  ijkBounds: IjkBoundsSchema.nullable(),
  rasBounds: RasBoundsSchema.nullable(),
  /** Inclusive range of axial slice indices. */
  sliceRange: z.tuple([z.number().int(), z.number().int()]).nullable(),
  ijkCentroid: Triple.nullable(),
  rasCentroid: Triple.nullable(),
  /**
   * Which study's grid the geometry is on: absent = this study; 'prior-1', 'prior-2', ... = a prior study of a
   * follow-up comparison (most recent first), whose grid report.json's `comparison.priors` gives.
   */
  study: z.string().optional(),
});
export type Evidence = z.infer<typeof EvidenceSchema>;

export const FINDING_TYPES = [
  'organ_size',
  'steatosis',
  'lesion',
  'lesion_count',
  'vessel_contact',
  'stage',
  'lymph_node',
  'fluid',
  'partially_imaged',
  'not_imaged',
  'normal',
  'phase_unknown',
  'contrast_phase',
  'vessel_calibre',
  'vertebral_fracture',
  'bone_density',
  'emphysema',
  'body_composition',
  'calcification',
  'kidney_stone',
  'dissection',
  'unknown_structure',
  'nothing_assessed',
  // follow-up (src/followup): a comparison with prior studies
  'comparison',
  'lesion_change',
  'organ_change',
  'response',
] as const;
export const FindingTypeSchema = z.enum(FINDING_TYPES);
export type FindingType = z.infer<typeof FindingTypeSchema>;

export const FindingStatusSchema = z.enum(['normal', 'abnormal', 'indeterminate']);
export type FindingStatus = z.infer<typeof FindingStatusSchema>;

/** Contrast phase: the measure stage's list (PHASES), so the two cannot drift apart. */
export const PhaseSchema = z.enum(PHASES);

/**
 * Where the phase the rules assumed came from: given by the caller, read from DICOM, estimated from the masks'
 * attenuation (passage groundct-contrast-phase-estimation), or nowhere.
 */
export const PhaseSourceSchema = z.enum(['given', 'dicom', 'estimated', 'none']);
export type PhaseSource = z.infer<typeof PhaseSourceSchema>;

export const SideSchema = z.enum(['left', 'right', 'midline']);

export const SubjectSchema = z.object({
  /**
   * Canonical anatomy name the finding is about: the organ ('spleen'), the lesion class ('pancreas_lesion'),
   * the vessel of a contact finding, 'body' for study-level findings; null only for an unknown label name.
   */
  structure: z.string().nullable(),
  /** What a radiologist writes for it: 'spleen', 'left kidney', 'hepatic lesion', or the raw unknown name. */
  displayName: z.string(),
  /** Canonical organ the finding belongs to (report grouping); null for a lesion attached to no organ. */
  organ: z.string().nullable(),
  /** Lesion id, for lesion, contact and stage findings. */
  lesionId: z.string().optional(),
  /** Patient side from the affine (lesions) or from the structure's name (sided organs). */
  side: SideSchema.optional(),
});
export type Subject = z.infer<typeof SubjectSchema>;

/**
 * One typed fact.
 *
 * `significance` orders the IMPRESSION (range 0-3, no unit):
 *   0 normal or purely descriptive; 1 a limitation (partially imaged, not imaged, phase unknown, unknown label)
 *   or a probably benign finding (a cyst); 2 an abnormality (enlarged organ, steatosis, lesion, enlarged node,
 *   fluid, abutment); 3 a major abnormality (massive splenomegaly, a staged tumour, arterial encasement).
 */
export const FindingSchema = z.object({
  /** Stable, readable id: 'spleen.size', 'liver_lesion-1', 'pancreas_lesion-1.stage'. Unique in a study. */
  id: z.string().min(1),
  type: FindingTypeSchema,
  subject: SubjectSchema,
  status: FindingStatusSchema,
  significance: z.number().int().min(0).max(3),
  /** Short machine-readable label: 'enlarged', 'massively enlarged', 'fatty', 'T2', 'hypoattenuating', ... */
  statement: z.string().min(1),
  /** Every number the finding rests on, its unit in the key: volumeMl, longAxisMm, huMean, contactAngleDeg, ratio. */
  values: z.record(z.string(), z.number()),
  /** Non-numeric qualifiers: segments, attenuation class, phase, border faces, lesion type, ... */
  attributes: z.record(z.string(), z.union([z.string(), z.boolean(), z.array(z.string())])),
  /** Limits of the finding a reader must know ("size-only T category: ..."). */
  caveats: z.array(z.string()),
  evidence: z.array(EvidenceSchema),
  /** Knowledge-base passage ids that define the finding's wording and thresholds. At least one. */
  criteria: z.array(z.string()).min(1),
});
export type Finding = z.infer<typeof FindingSchema>;

export const FindingsSchema = z.object({
  kind: z.literal('findings'),
  schemaVersion: z.literal(FINDINGS_SCHEMA_VERSION),
  provenance: z.object({
    /** Provenance of the measurements the findings were derived from (their `ct` and `configHash`). */
    ct: z.string(),
    measurementsConfigHash: z.string(),
    /** `contentHash` of the knowledge base whose passages the rules read. */
    knowledgeBaseHash: z.string(),
  }),
  /** Contrast phase the rules assumed: the stated one (measurements), or the estimate when none was given. */
  phase: PhaseSchema,
  /** Where `phase` came from; absent in artifacts written before phases were estimated (read as the stated phase). */
  phaseSource: PhaseSourceSchema.optional(),
  /** Confidence of an estimated phase (0.5-1, no unit); only with phaseSource 'estimated'. */
  phaseConfidence: z.number().min(0).max(1).optional(),
  findings: z.array(FindingSchema),
  /**
   * Follow-up only: the prior studies' findings that this study's change findings refer to, ids prefixed with
   * their study ('prior-1:liver_lesion-1'), evidence marked with `study`. Never facts about this study.
   */
  priorFindings: z.array(FindingSchema).optional(),
});
export type Findings = z.infer<typeof FindingsSchema>;
