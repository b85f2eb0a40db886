import * as z from 'zod';
import { isCanonicalName } from '../anatomy/index.ts';
import { EvidenceSchema } from '../findings/index.ts';

/**
 * Types of the VQA stage: the parsed question (`Intent`, validated with zod whether the rule parser or an LLM
 * produced it) and the grounded `Answer`. Every answer names the findings it rests on, their mask evidence and
 * the knowledge-base passages that decided it; an answer that cannot be given says why (`reason`), never guesses.
 */

export const VQA_SCHEMA_VERSION = 1 as const;

/**
 * Question types (RadGenome-Chest CT's open/closed VQA kinds plus staging, normality, "show me", the abnormal findings
 * of a region or the scan ("What abnormalities are present in the liver?"), a lesion's contact with a vessel,
 * whether a structure is wholly imaged, follow-up: change since the prior study, new lesions, the response; and the routine measurements:
 * vessel calibre, emphysema, vertebral fractures, bone density, contrast phase, calcium, stones, dissection).
 */
export const QUESTION_TYPES = ['presence', 'location', 'size', 'count', 'attenuation', 'comparison', 'staging', 'normality', 'show', 'abnormality', 'contact', 'coverage', 'change', 'new_lesions', 'response', 'routine'] as const;
export const QuestionTypeSchema = z.enum(QUESTION_TYPES);
export type QuestionType = z.infer<typeof QuestionTypeSchema>;

/**
 * Why a question got no answer.
 * - structure_absent: the mask set has no label for the structure (or the lesion asked about does not exist).
 * - not_imaged: the label is listed but has no voxel (outside the field of view).
 * - partially_imaged: the structure touches the scan border, so a whole-organ claim (volume, size class,
 *   absence of lesions) cannot be made (RadGPT withholds these too: passage radgpt-partial-organ).
 * - out_of_scope: masks cannot answer it (N/M stage, malignancy, a criterion the findings do not apply).
 * - unparsed: neither the rule parser nor the LLM fallback produced a valid intent.
 */
export const UNANSWERABLE_REASONS = ['structure_absent', 'not_imaged', 'partially_imaged', 'out_of_scope', 'unparsed'] as const;
export const UnanswerableReasonSchema = z.enum(UNANSWERABLE_REASONS);
export type UnanswerableReason = z.infer<typeof UnanswerableReasonSchema>;

const Canonical = z.string().refine((s) => isCanonicalName(s), { message: 'not a canonical anatomy name (TotalSegmentator v2 vocabulary)' });

/**
 * A lesion (or lesions) the question is about. `organ` is any canonical structure the lesion lies in: an organ
 * ('liver'), a side ('kidney_left'), a composite ('lung_right') or a sub-segment ('liver_segment_7',
 * 'pancreas_head'); null for "any lesion". `lesionKind`: 'cyst' matches cysts only, 'solid' every lesion that is
 * not a cyst (tumour, mass, nodule, metastasis), 'any' both. `rank`: 1 = largest by volume, 2 = second largest,
 * -1 = smallest; absent = the only one (or the largest, with a caveat, when several match).
 */
export const LesionTargetSchema = z.object({
  kind: z.literal('lesion'),
  organ: Canonical.nullable(),
  side: z.enum(['left', 'right']).optional(),
  lesionKind: z.enum(['any', 'cyst', 'solid']).default('any'),
  rank: z.number().int().refine((r) => r !== 0, 'rank 0 is not a rank; 1 = largest, -1 = smallest').optional(),
});
export type LesionTarget = z.infer<typeof LesionTargetSchema>;

export const StructureTargetSchema = z.object({ kind: z.literal('structure'), structure: Canonical });
export type StructureTarget = z.infer<typeof StructureTargetSchema>;

/**
 * A structure the question names that the anatomy catalogue does not know ("eyes", "femoral head", "appendix"):
 * the question is read, and answered 'structure_absent' (no mask set can hold a label for it).
 */
export const UnknownTargetSchema = z.object({ kind: z.literal('unknown'), name: z.string().min(1).max(60) });
export type UnknownTarget = z.infer<typeof UnknownTargetSchema>;

export const TargetSchema = z.discriminatedUnion('kind', [LesionTargetSchema, StructureTargetSchema, UnknownTargetSchema]);
export type Target = z.infer<typeof TargetSchema>;

/**
 * Why a question is out of scope, by what it asks about: how the image was made ('modality', 'plane', 'window',
 * 'contrast' agent or enhancement), the image as displayed ('image_display': a corner, "the leftmost organ", the
 * body region shown), the look of a structure ('appearance': colour, shape, texture, borders), organ-system
 * knowledge ('knowledge'), what a finding is ('diagnosis'), a finding no mask class holds ('finding': stones,
 * fractures, obstruction), the patient ('clinical'), change since a prior study ('change'), N and M categories
 * ('nm_stage').
 */
export const OUT_OF_SCOPE_CATEGORIES = ['modality', 'plane', 'window', 'contrast', 'image_display', 'appearance', 'knowledge', 'diagnosis', 'finding', 'clinical', 'change', 'nm_stage'] as const;
export const OutOfScopeCategorySchema = z.enum(OUT_OF_SCOPE_CATEGORIES);
export type OutOfScopeCategory = z.infer<typeof OutOfScopeCategorySchema>;

/** What a size question measures: volume (mL), RECIST long / short axial axis (mm), craniocaudal length (mm). */
export const SizeMeasureSchema = z.enum(['volume', 'long_axis', 'short_axis', 'length']);
export type SizeMeasure = z.infer<typeof SizeMeasureSchema>;

/** What a routine measurement question is about (answer-routine.ts). */
export const ROUTINE_TOPICS = [
  'aorta', 'aneurysm', 'pulmonary_artery', 'pa_aorta_ratio', 'emphysema', 'vertebral_fracture', 'bone_density', 'contrast_phase',
  'coronary_calcium', 'aortic_calcium', 'kidney_stone', 'dissection', 'body_composition',
] as const;
export const RoutineTopicSchema = z.enum(ROUTINE_TOPICS);
export type RoutineTopic = z.infer<typeof RoutineTopicSchema>;

export const AttenuationClassSchema = z.enum(['hypo', 'iso', 'hyper']);

export const IntentSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('presence'), target: TargetSchema }),
  /** Where a lesion lies (segment, lobe, organ), or where a structure lies (side of the body midline). */
  z.object({ type: z.literal('location'), target: TargetSchema }),
  z.object({ type: z.literal('size'), target: TargetSchema, measure: SizeMeasureSchema }),
  /** How many lesions, or how many of a structure's members are imaged ("How many kidneys / right ribs?"). */
  z.object({ type: z.literal('count'), target: TargetSchema }),
  /** `askedClass` set: a yes/no question ("Is it hypoattenuating?"); unset: "what is the attenuation". */
  z.object({ type: z.literal('attenuation'), target: TargetSchema, askedClass: AttenuationClassSchema.optional() }),
  /**
   * `form` 'which': name the larger / smaller of the two; 'yesno': "is the first larger than the second?".
   * property volume: larger = more mL; attenuation: larger = higher mean HU.
   */
  /**
   * Two structures ("Is the liver larger than the spleen?"), several ("Which is the biggest, lung, heart or
   * liver?") or none (every labelled organ: "What is the largest organ in the scan?").
   */
  z.object({
    type: z.literal('comparison'),
    structures: z.array(Canonical).refine((a) => a.length !== 1, 'a comparison names none, two or more structures'),
    property: z.enum(['volume', 'attenuation']),
    direction: z.enum(['larger', 'smaller']),
    form: z.enum(['which', 'yesno']),
  }),
  z.object({ type: z.literal('staging'), target: LesionTargetSchema }),
  /** `polarity` 'normal': "is it normal (in size)?"; 'abnormal': "is it enlarged / fatty?". */
  z.object({
    type: z.literal('normality'),
    /** The structure; null for a name the catalogue does not know ("Is the appendix enlarged?"), given in `unknown`. */
    structure: Canonical.nullable(),
    unknown: z.string().min(1).max(60).optional(),
    aspect: z.enum(['size', 'steatosis', 'overall']),
    polarity: z.enum(['normal', 'abnormal']),
  }),
  z.object({ type: z.literal('show'), target: TargetSchema }),
  /** The abnormal findings of a region (null: the whole scan): "What abnormalities are present in the liver?". */
  z.object({ type: z.literal('abnormality'), region: Canonical.nullable() }),
  /** A lesion's contact with a vessel: "Is the aorta encased by the mass?" (vessel null: any vessel assessed). */
  z.object({ type: z.literal('contact'), target: LesionTargetSchema, vessel: Canonical.nullable() }),
  /**
   * Whether a structure is wholly in the scan. asked 'complete': "Is the whole liver included?" (yes = complete);
   * 'partial': "Is the liver cut off / partially imaged?" (yes = cut by a face of the scan or not imaged).
   */
  z.object({ type: z.literal('coverage'), structure: Canonical, asked: z.enum(['complete', 'partial']).default('complete') }),
  // Follow-up (answer-change.ts): change since the prior study, new lesions, the RECIST 1.1 response.
  z.object({ type: z.literal('change'), target: TargetSchema, asked: z.enum(['grown', 'shrunk', 'stable', 'changed']) }),
  z.object({ type: z.literal('new_lesions'), target: LesionTargetSchema }),
  /**
   * `asked` set: a yes/no question ("Is it a partial response?"; 'responded' = "did it respond", CR or PR); unset:
   * "what is the response".
   */
  z.object({ type: z.literal('response'), asked: z.enum(['CR', 'PR', 'SD', 'PD', 'responded']).optional() }),
  /**
   * Routine measurements (answer-routine.ts): `form` 'yesno' ("Is there an aortic aneurysm?") or 'what' ("What is
   * the maximal diameter of the abdominal aorta?"); `section` an aortic part ('abdominal', 'ascending_aorta', ...),
   * `level` a vertebra ('L1'), `side` a kidney, `askedPhase` the phase a yes/no phase question names.
   */
  z.object({
    type: z.literal('routine'),
    topic: RoutineTopicSchema,
    form: z.enum(['yesno', 'what']),
    section: z.string().optional(),
    level: z.string().regex(/^(?:[CTL]\d{1,2}|S1)$/).optional(),
    side: z.enum(['left', 'right']).optional(),
    askedPhase: z.enum(['non-contrast', 'contrast-enhanced', 'arterial', 'portal-venous', 'delayed']).optional(),
    /** The Stanford type a yes/no dissection question names ("Is it a type A dissection?"). */
    askedType: z.enum(['A', 'B']).optional(),
    /** The lobe an emphysema question names, with `side` ("... of the left upper lobe?"). */
    lobe: z.enum(['upper', 'middle', 'lower']).optional(),
    /**
     * What a value question asks for when a topic has several: the calcium category rather than the score, the
     * number of stones rather than the largest one's size, one of the body composition areas.
     */
    measure: z.enum(['category', 'count', 'skeletal_muscle', 'visceral_fat', 'subcutaneous_fat']).optional(),
  }),
]);
export type Intent = z.infer<typeof IntentSchema>;

/**
 * A knowledge-base passage that decided an answer (its id, title and bibliographic source), its kind ('literature'
 * or 'method', shown as "method") and why it is cited: a criterion of the answer, or the literature a method
 * criterion names (knowledge/citations.ts).
 */
export const AnswerCitationSchema = z.object({
  id: z.string(),
  title: z.string(),
  kind: z.enum(['literature', 'method']),
  via: z.enum(['criteria', 'related']),
  source: z.record(z.string(), z.union([z.string(), z.number()])),
});
export type AnswerCitation = z.infer<typeof AnswerCitationSchema>;

/** The mask a viewer should display for a "show me" answer (the evidence says where it is). */
export const MaskRefSchema = z.object({
  labelId: z.number().int(),
  labelName: z.string(),
  /** Lesion component id, when the mask is one connected component of the label. */
  componentId: z.string().optional(),
});
export type MaskRef = z.infer<typeof MaskRefSchema>;

export const AnswerSchema = z.object({
  kind: z.literal('vqa-answer'),
  schemaVersion: z.literal(VQA_SCHEMA_VERSION),
  question: z.string(),
  /** The intent that was answered; null when none could be read. */
  intent: IntentSchema.nullable(),
  parsedBy: z.enum(['rules', 'llm']).nullable(),
  answerable: z.boolean(),
  reason: UnanswerableReasonSchema.optional(),
  /** Short text: 'yes', 'no', 'Couinaud segment 7', '346.0 mL', 'T4', or why it cannot be answered. */
  answer: z.string(),
  value: z.number().optional(),
  /** Unit of `value`: 'mL', 'mm', 'HU', 'count'. */
  unit: z.string().optional(),
  findingIds: z.array(z.string()),
  evidence: z.array(EvidenceSchema),
  citations: z.array(AnswerCitationSchema),
  /** "show me" answers: the masks to display (one per label or lesion component). */
  masks: z.array(MaskRefSchema).optional(),
  caveats: z.array(z.string()),
});
export type Answer = z.infer<typeof AnswerSchema>;
