/**
 * Request and response schemas of the HTTP API (zod 4). The OpenAPI document at /docs/json is generated
 * from these (fastify-type-provider-zod, which uses zod's own z.toJSONSchema), so they are the API's contract.
 */
import * as z from 'zod';
import { ERRORS } from '../errors.ts';
import { PHASES } from './upload/receive-upload.ts';

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
    stage: z.string().describe("Pipeline stage: queued, starting, pacs-fetch, read, segment, viewer, measure, findings, report, ground, dicom, pacs-store, done"),
    percent: z.number().min(0).max(100).describe('Progress, 0-100'),
    attempts: z.number().int().describe('Times the job was started (a restart after a crash starts it again)'),
    error: ErrorBodySchema.nullable().describe('Why the job failed (state failed)'),
    result: z.record(z.string(), z.unknown()).nullable().describe('What a finished job reports beyond its artifacts: for a PACS job, `pacs` with the SOP instance UIDs it stored'),
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
    owner: z.string().describe('Principal of the token that uploaded the study'),
    createdAt: z.string(),
    ctFormat: z.enum(['nifti', 'dicom-series']),
    maskSets: z.number().int(),
    phase: z.string().nullable(),
    priorStudyId: z.string().nullable().describe('The prior study this study was compared with (follow-up), or null'),
    job: JobStatusSchema.nullable(),
    artifacts: z.array(ArtifactInfoSchema),
    links: z.record(z.string(), z.string()).describe('Paths of the study resources and its viewer page'),
  })
  .meta({ id: 'Study' });

/** Paging of the worklist routes: newest first, `cursor` = the previous page's nextCursor. */
export const ListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('Rows per page'),
  cursor: z.string().max(500).optional().describe("The previous page's nextCursor"),
});

export const JobListQuerySchema = ListQuerySchema.extend({
  state: JobStateSchema.optional().describe('Only jobs in this state'),
  owner: z.string().min(1).max(200).optional().describe('Admin tokens only: one owner'),
});

export const StudyListSchema = z
  .object({
    studies: z.array(
      z.object({
        studyId: z.string(),
        owner: z.string(),
        createdAt: z.string(),
        ctFormat: z.enum(['nifti', 'dicom-series']),
        phase: z.string().nullable(),
        job: JobStatusSchema.nullable(),
      }),
    ),
    nextCursor: z.string().nullable().describe('Pass as cursor for the next page; null on the last page'),
  })
  .meta({ id: 'StudyList' });

export const JobListSchema = z
  .object({ jobs: z.array(JobStatusSchema), nextCursor: z.string().nullable().describe('Pass as cursor for the next page; null on the last page') })
  .meta({ id: 'JobList' });

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
  403: ErrorBodySchema,
  404: ErrorBodySchema,
} as const;

export const PacsStudyParamsSchema = z.object({
  uid: z.string().regex(/^[0-9]+(\.[0-9]+)*$/, 'a DICOM UID (digits and dots)').max(64).describe('StudyInstanceUID of the study on the PACS'),
});

/** The DICOMweb base URL a client may name: http(s), no credentials in it (they come from the configuration). */
const DicomwebUrlSchema = z
  .url({ protocol: /^https?$/ })
  .refine((u) => !/^[a-z]+:\/\/[^/]*@/i.test(u), 'no user:password@ in the URL (credentials come from pacs.username / pacs.password)');

/** The body is optional (every field has a default): fastify hands a request without one over as null. */
export const PacsReportBodySchema = z.preprocess(
  (body) => body ?? {},
  z.object({
    url: DicomwebUrlSchema.optional().describe('DICOMweb base URL, e.g. http://pacs:8042/dicom-web; default pacs.url. Credentials are sent only to the origin of pacs.url'),
    phase: z.enum(PHASES).optional().describe('Contrast phase of the CT'),
    store: z.boolean().default(true).describe('Store the SEG and SR back into the PACS study (STOW-RS)'),
  }).strict(),
);
