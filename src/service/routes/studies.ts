/**
 * /v1/studies: upload (202 + job), study status, artifacts (measurements, findings, report as JSON or
 * Markdown), the viewer's volumes, and delete. Routes stay thin: validate, call storage/queue, serialise.
 */
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import * as z from 'zod';
import { gctError } from '../../errors.ts';
import { FindingsSchema } from '../../findings/index.ts';
import { ReportSchema } from '../../report/index.ts';
import { resolvePriorChain } from '../prior-studies.ts';
import { receiveStudyUpload } from '../upload/receive-upload.ts';
import {
  ArtifactJsonSchema,
  ErrorBodySchema,
  errorResponses,
  ListQuerySchema,
  MasksLabelsSchema,
  StudyAcceptedSchema,
  StudyParamsSchema,
  StudyListSchema,
  StudySchema,
  VolumeMasksQuerySchema,
} from '../schemas.ts';
import { mayAccess, principalOf } from '../auth/require-token.ts';
import { acceptStudy, checkQuotaBeforeUpload } from './accept-study.ts';
import { requireStudy, sendArtifact } from './artifacts.ts';
import { jobStatus, listPage, nextCursor } from './jobs.ts';

/** Accept negotiation for the report: Markdown when text/markdown is asked for ahead of JSON. */
export function wantsMarkdown(accept: string | undefined): boolean {
  if (!accept) return false;
  const types = accept.split(',').map((t) => t.split(';')[0].trim().toLowerCase());
  const md = types.indexOf('text/markdown');
  const json = types.indexOf('application/json');
  return md >= 0 && (json < 0 || md < json);
}

export const studyRoutes: FastifyPluginAsyncZod = async (app) => {
  const ctx = app.groundct;

  app.post(
    '/studies',
    {
      schema: {
        tags: ['studies'],
        summary: 'Upload a study (multipart) and queue its pipeline job',
        description:
          "multipart/form-data parts: 'ct' (file, required: NIfTI .nii/.nii.gz or a .zip of one DICOM series); 'masks' (file, repeatable: multilabel NIfTI, zip of per-class NIfTI masks, or DICOM SEG); 'labelMap' (file or field, repeatable, JSON id -> name for the masks part at the same position); 'phase' (field: non-contrast (or native), contrast-enhanced, arterial, arterial-early, arterial-late, portal-venous, delayed, unknown; without it the phase is estimated from the aorta and portal vein masks); 'priorStudyId' (field: a finished study of this service to compare with: lesions matched, changes, RECIST 1.1; 422 GCT_SERVICE_PRIOR_STUDY_INVALID when it cannot be used); 'allowOtherPatient' (field 'true': compare although the patient-ID hashes differ).",
        consumes: ['multipart/form-data'],
        response: { 202: StudyAcceptedSchema, ...errorResponses, 413: ErrorBodySchema, 422: ErrorBodySchema, 429: ErrorBodySchema },
      },
    },
    async (req, reply) => {
      const principal = principalOf(req);
      await checkQuotaBeforeUpload(ctx, principal);
      const staging = await ctx.storage.blobs.createStaging();
      try {
        const received = await receiveStudyUpload(req, staging, ctx.config.service.limits);
        const { uploadBytes } = received;
        const named = received.input.priorStudyIds?.[0];
        const input =
          named === undefined ? received.input : { ...received.input, priorStudyIds: await resolvePriorChain(ctx.storage.meta, named, (owner) => mayAccess(principal, owner)) };
        const { studyId, jobId } = await acceptStudy(ctx, principal, staging, input, uploadBytes);
        req.log.info({ studyId, jobId, uploadBytes, ctFormat: input.ctFormat, maskSets: input.masks.length, priorStudies: input.priorStudyIds?.length ?? 0 }, 'study accepted');
        return reply.status(202).send({ studyId, jobId });
      } finally {
        await ctx.storage.blobs.discardStaging(staging);
      }
    },
  );

  app.get(
    '/studies',
    {
      schema: {
        tags: ['studies'],
        summary: "Worklist: the caller's studies (every owner's for an admin token), newest first, with their latest job",
        querystring: ListQuerySchema.extend({ owner: z.string().min(1).max(200).optional().describe('Admin tokens only: one owner') }),
        response: { 200: StudyListSchema, ...errorResponses },
      },
    },
    async (req) => {
      const principal = principalOf(req);
      const page = listPage(principal, req.query);
      const rows = await ctx.storage.meta.listStudies(page);
      return {
        studies: rows.map(({ study, job }) => ({
          studyId: study.id,
          owner: study.owner,
          createdAt: study.createdAt,
          ctFormat: study.input.ctFormat,
          phase: study.input.phase ?? null,
          job: job ? jobStatus(job) : null,
        })),
        nextCursor: nextCursor(rows.map((r) => r.study), page.limit),
      };
    },
  );

  app.get(
    '/studies/:id',
    { schema: { tags: ['studies'], summary: 'A study, its latest job and its artifacts', params: StudyParamsSchema, response: { 200: StudySchema, ...errorResponses } } },
    async (req) => {
      const study = await requireStudy(ctx, principalOf(req), req.params.id);
      const job = await ctx.storage.meta.latestJobOfStudy(study.id);
      const artifacts = await ctx.storage.meta.listArtifacts(study.id);
      const base = `/v1/studies/${study.id}`;
      return {
        studyId: study.id,
        owner: study.owner,
        createdAt: study.createdAt,
        ctFormat: study.input.ctFormat,
        maskSets: study.input.masks.length,
        phase: study.input.phase ?? null,
        priorStudyId: study.input.priorStudyIds?.[0] ?? null,
        job: job ? jobStatus(job) : null,
        artifacts: artifacts.map((a) => ({ name: a.name, contentType: a.contentType, bytes: a.bytes })),
        links: {
          self: base,
          job: job ? `/v1/jobs/${job.id}` : '',
          measurements: `${base}/measurements`,
          findings: `${base}/findings`,
          report: `${base}/report`,
          ct: `${base}/volumes/ct`,
          masks: `${base}/volumes/masks`,
          viewer: `/studies/${study.id}/view`,
          ...(study.input.priorStudyIds?.[0] ? { prior: `/v1/studies/${study.input.priorStudyIds[0]}`, followup: `${base}/followup` } : {}),
        },
      };
    },
  );

  app.get(
    '/studies/:id/measurements',
    { schema: { tags: ['studies'], summary: "The study's measurements (measure stage artifact)", params: StudyParamsSchema, response: { 200: ArtifactJsonSchema, ...errorResponses, 409: ErrorBodySchema } } },
    async (req, reply) => sendArtifact(ctx, principalOf(req), reply, req.params.id, 'measurements', true),
  );

  app.get(
    '/studies/:id/findings',
    { schema: { tags: ['studies'], summary: "The study's findings (findings stage artifact)", params: StudyParamsSchema, response: { 200: FindingsSchema, ...errorResponses, 409: ErrorBodySchema } } },
    async (req, reply) => sendArtifact(ctx, principalOf(req), reply, req.params.id, 'findings', true),
  );

  app.get(
    '/studies/:id/report',
    {
      schema: {
        tags: ['studies'],
        summary: 'The structured report (JSON), or its Markdown with Accept: text/markdown (or ?format=markdown)',
        params: StudyParamsSchema,
        querystring: z.object({ format: z.enum(['json', 'markdown']).optional() }),
        produces: ['application/json', 'text/markdown'],
        response: { 200: ReportSchema, ...errorResponses, 409: ErrorBodySchema },
      },
    },
    async (req, reply) => {
      const markdown = req.query.format ? req.query.format === 'markdown' : wantsMarkdown(req.headers.accept);
      reply.header('vary', 'Accept');
      return sendArtifact(ctx, principalOf(req), reply, req.params.id, markdown ? 'report.md' : 'report', true);
    },
  );

  app.get(
    '/studies/:id/followup',
    { schema: { tags: ['studies'], summary: 'The comparison with the prior studies (followup.json: alignment, lesion matches, changes, RECIST 1.1 steps); 404 for a study without priorStudyId', params: StudyParamsSchema, response: { 200: ArtifactJsonSchema, ...errorResponses, 409: ErrorBodySchema } } },
    async (req, reply) => sendArtifact(ctx, principalOf(req), reply, req.params.id, 'followup', true),
  );

  app.get(
    '/studies/:id/volumes/ct',
    { schema: { tags: ['volumes'], summary: 'The CT as NIfTI (for the viewer)', params: StudyParamsSchema, produces: ['application/octet-stream'], response: { ...errorResponses, 409: ErrorBodySchema } } },
    async (req, reply) => sendArtifact(ctx, principalOf(req), reply, req.params.id, 'volume.ct', false),
  );

  app.get(
    '/studies/:id/volumes/masks',
    {
      schema: {
        tags: ['volumes'],
        summary: 'One layer of the masks on the CT grid as a NIfTI label volume (for the viewer)',
        params: StudyParamsSchema,
        querystring: VolumeMasksQuerySchema,
        produces: ['application/octet-stream'],
        response: { ...errorResponses, 409: ErrorBodySchema },
      },
    },
    async (req, reply) => sendArtifact(ctx, principalOf(req), reply, req.params.id, `volume.masks.${req.query.layer}`, false),
  );

  app.get(
    '/studies/:id/volumes/labels',
    { schema: { tags: ['volumes'], summary: 'Label table of the mask volumes (id, name, layer)', params: StudyParamsSchema, response: { 200: MasksLabelsSchema, ...errorResponses, 409: ErrorBodySchema } } },
    async (req, reply) => sendArtifact(ctx, principalOf(req), reply, req.params.id, 'masks.labels', true),
  );

  app.delete(
    '/studies/:id',
    { schema: { tags: ['studies'], summary: 'Delete a study, its jobs, files and artifacts', params: StudyParamsSchema, response: { 204: z.null(), ...errorResponses } } },
    async (req, reply) => {
      const id = req.params.id;
      await requireStudy(ctx, principalOf(req), id);
      // Stop the job wherever it runs, then the rows, then the files: a worker whose thread raced the file
      // deletion removes what it wrote once it sees the rows gone (jobs/job-queue.ts).
      await ctx.queue.cancelStudy(id);
      await ctx.storage.meta.deleteStudy(id);
      ctx.artifacts.dropStudy(id);
      await ctx.storage.blobs.deleteStudy(id);
      req.log.info({ studyId: id }, 'study deleted');
      return reply.status(204).send(null);
    },
  );
};
