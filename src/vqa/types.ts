import { z } from 'zod';
import { isCanonicalName } from '../anatomy/index.ts';
import { EvidenceSchema } from '../findings/index.ts';

/**
 * Types of the VQA stage: the parsed question (`Intent`, validated with zod whether the rule parser or an LLM
 * produced it) and the grounded `Answer`. Every answer names the findings it rests on, their mask evidence and
 * the knowledge-base passages that decided it; an answer that cannot be given says why (`reason`), never guesses.
 */

export const VQA_SCHEMA_VERSION = 1 as const;

/** Question types (RadGenome-Chest CT's open/closed VQA kinds plus staging, normality and "show me"). */
export const QUESTION_TYPES = ['presence', 'location', 'size', 'count', 'attenuation', 'comparison', 'staging', 'normality', 'show', 'change', 'new_lesions', 'response'] as const;
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

export const TargetSchema = z.discriminatedUnion('kind', [LesionTargetSchema, StructureTargetSchema]);
export type Target = z.infer<typeof TargetSchema>;

/** What a size question measures: volume (mL), RECIST long / short axial axis (mm), craniocaudal length (mm). */
export const SizeMeasureSchema = z.enum(['volume', 'long_axis', 'short_axis', 'length']);
export type SizeMeasure = z.infer<typeof SizeMeasureSchema>;

export const AttenuationClassSchema = z.enum(['hypo', 'iso', 'hyper']);

export const IntentSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('presence'), target: TargetSchema }),
  z.object({ type: z.literal('location'), target: LesionTargetSchema }),
  z.object({ type: z.literal('size'), target: TargetSchema, measure: SizeMeasureSchema }),
  z.object({ type: z.literal('count'), target: LesionTargetSchema }),
  /** `askedClass` set: a yes/no question ("Is it hypoattenuating?"); unset: "what is the attenuation". */
  z.object({ type: z.literal('attenuation'), target: TargetSchema, askedClass: AttenuationClassSchema.optional() }),
  /**
   * `form` 'which': name the larger / smaller of the two; 'yesno': "is the first larger than the second?".
   * property volume: larger = more mL; attenuation: larger = higher mean HU.
   */
  z.object({
    type: z.literal('comparison'),
    structures: z.tuple([Canonical, Canonical]),
    property: z.enum(['volume', 'attenuation']),
    direction: z.enum(['larger', 'smaller']),
    form: z.enum(['which', 'yesno']),
  }),
  z.object({ type: z.literal('staging'), target: LesionTargetSchema }),
  /** `polarity` 'normal': "is it normal (in size)?"; 'abnormal': "is it enlarged / fatty?". */
  z.object({
    type: z.literal('normality'),
    structure: Canonical,
    aspect: z.enum(['size', 'steatosis', 'overall']),
    polarity: z.enum(['normal', 'abnormal']),
  }),
  z.object({ type: z.literal('show'), target: TargetSchema }),
  // Follow-up (answer-change.ts): change since the prior study, new lesions, the RECIST 1.1 response.
  z.object({ type: z.literal('change'), target: TargetSchema, asked: z.enum(['grown', 'shrunk', 'stable', 'changed']) }),
  z.object({ type: z.literal('new_lesions'), target: LesionTargetSchema }),
  /**
   * `asked` set: a yes/no question ("Is it a partial response?"; 'responded' = "did it respond", CR or PR); unset:
   * "what is the response".
   */
  z.object({ type: z.literal('response'), asked: z.enum(['CR', 'PR', 'SD', 'PD', 'responded']).optional() }),
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
