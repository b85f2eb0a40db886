import * as z from 'zod';
import { EvidenceSchema, FindingSchema, PhaseSchema, PhaseSourceSchema } from '../findings/index.ts';

/**
 * report.json: the structured report (study, structures, lesions, findings) plus the narrative as sentences,
 * each carrying the ids of the findings it states. One zod schema; its JSON Schema is exported to
 * models/report.schema.json (write-report-schema.ts) so that other tools can validate our output.
 * Every number has its unit in its key. No patient names, IDs or dates.
 */

export const REPORT_SCHEMA_VERSION = 1 as const;

const Triple = z.tuple([z.number(), z.number(), z.number()]);

export const ReportStudySchema = z.object({
  modality: z.string().optional(),
  /** The phase the findings assumed: the stated one, or the one estimated from the blood pools when none was stated. */
  phase: PhaseSchema,
  /** Where the phase came from: the caller, the DICOM header, the blood pools' attenuation ('estimated'), or nowhere. */
  phaseSource: PhaseSourceSchema,
  /** Confidence of an estimated phase (0.5-1, no unit; groundct-contrast-phase-estimation). */
  phaseConfidence: z.number().min(0).max(1).optional(),
  dims: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
  spacingMm: Triple,
  /** Orientation code of the CT grid (nibabel aff2axcodes letters), e.g. 'LPS'. */
  orientation: z.string(),
  /** As the DICOM header states it, e.g. '063Y'. */
  patientAge: z.string().optional(),
  patientSex: z.enum(['M', 'F', 'O']).optional(),
});
export type ReportStudy = z.infer<typeof ReportStudySchema>;

export const ReportStructureSchema = z.object({
  labelId: z.number().int(),
  /** Canonical anatomy name; null for a label name the catalogue does not know (still reported). */
  name: z.string().nullable(),
  /** The label's name as the source gave it. */
  sourceName: z.string(),
  displayName: z.string(),
  present: z.boolean(),
  /** Volume of the mask as measured (a lower bound when `complete` is false); null without voxels. */
  volumeMl: z.number().nullable(),
  huMean: z.number().nullable(),
  /** Population SD, HU. */
  huSd: z.number().nullable(),
  /** Present and not touching the scan border. */
  complete: z.boolean(),
  /** Patient-space names of the scan faces the mask touches. */
  touchesBorder: z.array(z.string()),
});
export type ReportStructure = z.infer<typeof ReportStructureSchema>;

export const ReportContactSchema = z.object({
  vessel: z.string(),
  contactAngleDeg: z.number(),
  contactClass: z.enum(['none', 'abutment', 'encasement']),
});

export const ReportLesionSchema = z.object({
  id: z.string(),
  labelId: z.number().int(),
  lesionClass: z.string(),
  lesionType: z.string(),
  /** Canonical organ, or null when the lesion lies in no segmented organ. */
  organ: z.string().nullable(),
  side: z.enum(['left', 'right', 'midline']),
  /** Canonical sub-segment names holding > 10 % of the lesion (Couinaud segments, pancreatic parts, lobes). */
  segments: z.array(z.string()),
  longAxisMm: z.number(),
  shortAxisMm: z.number(),
  max3dDiameterMm: z.number(),
  volumeMl: z.number(),
  huMean: z.number(),
  /** 'hypo' | 'iso' | 'hyper' relative to the organ parenchyma; null without an organ. */
  attenuation: z.enum(['hypo', 'iso', 'hyper']).nullable(),
  contacts: z.array(ReportContactSchema),
  /** Id of the finding that describes the lesion (equal to `id`). */
  findingId: z.string(),
});
export type ReportLesion = z.infer<typeof ReportLesionSchema>;

/**
 * A passage a sentence cites (the grounding stage, src/ground/ground-report.ts): one of its findings' criteria, the
 * literature a method criterion names (`related`), or a passage found by retrieval.
 */
export const CitationSchema = z.object({
  passageId: z.string(),
  via: z.enum(['criteria', 'related', 'retrieval']),
  /** 'literature' (a published source with DOI/PMID) or 'method' (how groundct measures; shown as "method"). */
  kind: z.enum(['literature', 'method']).optional(),
  /** Retrieval similarity, range of the embedder used; absent for criteria citations. */
  score: z.number().optional(),
  /** Passage title and a one-line source (authors or body, title, journal, year, DOI or URL), for display. */
  title: z.string().optional(),
  source: z.string().optional(),
});

export const SentenceSchema = z.object({
  /** 's1', 's2', ... in reading order. */
  id: z.string(),
  section: z.enum(['findings', 'impression']),
  /** Group key of the FINDINGS heading it sits under ('liver', 'kidneys', 'lymph_node', ...). */
  group: z.string(),
  text: z.string().min(1),
  /** Ids of the findings the sentence states; never empty, each resolves in `findings`. */
  findingIds: z.array(z.string()).min(1),
  /** Template that wrote it, '<id>@<version>' (the LLM narrator keeps it when its rephrasing passes). */
  template: z.string(),
  /**
   * 'suggestion': a recommendation for the radiologist that follows a cited guideline (never rephrased by the LLM
   * narrator, not a claim about the scan); absent or 'statement': a statement of findings.
   */
  kind: z.enum(['statement', 'suggestion']).optional(),
  /** Knowledge-base passages the sentence states beyond its findings' criteria (the guideline a suggestion follows). */
  passageIds: z.array(z.string()).optional(),
  /** Conditions a suggestion assumes that groundct does not know (patient risk, history, prior imaging). */
  assumptions: z.array(z.string()).optional(),
  /** Filled by the grounding stage: the union of the findings' mask evidence. */
  evidence: z.array(EvidenceSchema).optional(),
  /** Filled by the grounding stage: the findings' criteria plus retrieved passages. */
  citations: z.array(CitationSchema).optional(),
});
export type Sentence = z.infer<typeof SentenceSchema>;

export const ReplacementSchema = z.object({
  /** The template sentence the LLM's text stood for; null for text that named no sentence (dropped). */
  sentenceId: z.string().nullable(),
  llmText: z.string(),
  /** Why it failed, e.g. "side 'right' not in the findings (left)". */
  reasons: z.array(z.string()).min(1),
  action: z.enum(['kept-template', 'dropped']),
});
export type Replacement = z.infer<typeof ReplacementSchema>;

export const NarratorSchema = z.object({
  kind: z.enum(['template', 'llm']),
  /** Template narrator: the templates used; LLM narrator: its prompt, '<id>@<version>'. */
  prompt: z.string().optional(),
  /** The chat model's own type name, when an LLM narrated. */
  model: z.string().optional(),
  replaced: z.array(ReplacementSchema),
  /** Set when the LLM call failed and the template sentences were kept. */
  error: z.string().optional(),
});

export const GroupSchema = z.object({ key: z.string(), heading: z.string() });

/**
 * A follow-up report's comparison (src/followup; the full detail is followup.json): the prior studies with
 * their grids (for evidence marked `study: 'prior-1'`, ...), how the most recent prior was aligned, and the
 * RECIST 1.1 response with every step.
 */
export const ReportComparisonSchema = z.object({
  priors: z.array(
    z.object({
      /** 'prior-1' = the most recent prior. */
      key: z.string(),
      studyDate: z.string().optional(),
      /** The report folder or service study it was read from. */
      source: z.string(),
      dims: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
      ijkToRas: z.array(z.number()).length(16),
    }),
  ),
  alignment: z.object({ method: z.string(), residualMm: z.number(), maxResidualMm: z.number(), rotationDeg: z.number(), translationMm: Triple }),
  patientCheck: z.enum(['same', 'not-available', 'not-checked']),
  recist: z.object({
    overallResponse: z.string(),
    targetResponse: z.string().nullable(),
    nonTargetResponse: z.string().nullable(),
    baselineSumMm: z.number(),
    nadirSumMm: z.number(),
    currentSumMm: z.number(),
    steps: z.array(z.string()),
  }),
});
export type ReportComparison = z.infer<typeof ReportComparisonSchema>;

export const ReportSchema = z.object({
  kind: z.literal('report'),
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  provenance: z.object({
    ct: z.string(),
    masks: z.string().nullable(),
    measurementsConfigHash: z.string(),
    knowledgeBaseHash: z.string(),
    groundctVersion: z.string(),
    /** '<id>@<version>' of every template used. */
    templates: z.array(z.string()),
  }),
  study: ReportStudySchema,
  structures: z.array(ReportStructureSchema),
  lesions: z.array(ReportLesionSchema),
  findings: z.array(FindingSchema),
  /** FINDINGS headings in reading order. */
  groups: z.array(GroupSchema),
  sentences: z.array(SentenceSchema),
  narrator: NarratorSchema,
  /** Follow-up only: the comparison with prior studies. */
  comparison: ReportComparisonSchema.optional(),
  /** Follow-up only: the prior studies' findings that sentences cite ('prior-1:<id>'), evidence marked with `study`. */
  priorFindings: z.array(FindingSchema).optional(),
});
export type Report = z.infer<typeof ReportSchema>;
