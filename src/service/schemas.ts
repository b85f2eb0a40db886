/**
 * Request and response schemas of the HTTP API (zod 4). The OpenAPI document at /docs/json is generated
 * from these (fastify-type-provider-zod, which uses zod's own z.toJSONSchema), so they are the API's contract.
 */
import { z } from 'zod';
import { ERRORS } from '../errors.ts';

const ERROR_CODES = Object.keys(ERRORS) as [keyof typeof ERRORS, ...(keyof typeof ERRORS)[]];

export const ErrorBodySchema = z
  .object({
    code: z.enum(ERROR_CODES).describe('Stable error code (docs/errors.md)'),
    message: z.string().describe('What was received, what was expected'),
    hint: z.string().describe('How to fix it'),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'Error' });

export const IdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'an id of letters, digits, _ and - (at most 64)');
export const StudyParamsSchema = z.object({ id: IdSchema.describe('Study id from POST /v1/studies') });
export const JobParamsSchema = z.object({ id: IdSchema.describe('Job id from POST /v1/studies') });

export const JobStateSchema = z.enum(['queued', 'running', 'done', 'failed']);

export const JobStatusSchema = z
  .object({
    jobId: z.string(),
    studyId: z.string(),
    state: JobStateSchema,
    stage: z.string().describe("Pipeline stage: queued, starting, read, segment, measure, findings, report, ground, viewer, done"),
    percent: z.number().min(0).max(100).describe('Progress, 0-100'),
    attempts: z.number().int().describe('Times the job was started (a restart after a crash starts it again)'),
    error: ErrorBodySchema.nullable().describe('Why the job failed (state failed)'),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: 'JobStatus' });

export const StudyAcceptedSchema = z.object({ studyId: z.string(), jobId: z.string() }).meta({ id: 'StudyAccepted' });

export const ArtifactInfoSchema = z.object({ name: z.string(), contentType: z.string(), bytes: z.number().int() });

export const StudySchema = z
  .object({
    studyId: z.string(),
    createdAt: z.string(),
    ctFormat: z.enum(['nifti', 'dicom-series']),
    maskSets: z.number().int(),
    phase: z.string().nullable(),
    job: JobStatusSchema.nullable(),
    artifacts: z.array(ArtifactInfoSchema),
    links: z.record(z.string(), z.string()).describe('Paths of the study resources and its viewer page'),
  })
  .meta({ id: 'Study' });

export const VolumeMasksQuerySchema = z.object({
  layer: z.coerce.number().int().min(0).max(255).default(0).describe('Mask layer (overlapping mask sets are kept on separate layers)'),
});

export const MasksLabelsSchema = z
  .object({
    layers: z.number().int(),
    labels: z.array(z.object({ id: z.number().int(), name: z.string(), layer: z.number().int() })),
  })
  .meta({ id: 'MaskLabels' });

/** JSON artifacts are served as stored; their schemas belong to the stages that make them. */
export const ArtifactJsonSchema = z.record(z.string(), z.unknown());

export const errorResponses = {
  400: ErrorBodySchema,
  401: ErrorBodySchema,
  404: ErrorBodySchema,
} as const;
