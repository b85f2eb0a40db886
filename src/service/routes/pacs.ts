/**
 * /v1/pacs: a study that lives on a PACS, reported like an uploaded one.
 *
 * `POST /v1/pacs/studies/:uid/report` asks the PACS (QIDO-RS) for the study's CT series and input SEG before
 * accepting, so that an unknown study is a 404 and an unreachable PACS a 502 to the client, not a failed job.
 * The job then retrieves the series (WADO-RS), runs the pipeline as for an upload (viewer volumes, measurements,
 * findings, report), writes the DICOM SEG + TID 1500 SR and stores them into the same PACS study (STOW-RS);
 * GET /v1/jobs/:id shows the stored SOP instance UIDs under `result.pacs`.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { PACS_CT_FOLDER, PACS_SEG_FILE, selectPacsSeries } from '../../interop/index.ts';
import { principalOf } from '../auth/require-token.ts';
import { servicePacsClient } from '../pacs-client.ts';
import { acceptStudy, checkQuotaBeforeUpload } from './accept-study.ts';
import { ErrorBodySchema, errorResponses, PacsReportBodySchema, PacsStudyParamsSchema, StudyAcceptedSchema } from '../schemas.ts';
import type { StoredInput } from '../storage/types.ts';

export const pacsRoutes: FastifyPluginAsyncZod = async (app) => {
  const ctx = app.groundct;

  app.post(
    '/pacs/studies/:uid/report',
    {
      schema: {
        tags: ['pacs'],
        summary: 'Report a study held by a PACS (DICOMweb) and store the SEG + SR back into it',
        description:
          "Finds the study's CT series (the largest) and its newest SEG not written by groundct with QIDO-RS, then queues a job that retrieves them (WADO-RS), runs the pipeline, writes a DICOM SEG + TID 1500 SR and stores them into the study (STOW-RS) unless store is false. The job's result.pacs lists the stored SOP instance UIDs.",
        params: PacsStudyParamsSchema,
        body: PacsReportBodySchema,
        response: { 202: StudyAcceptedSchema, ...errorResponses, 413: ErrorBodySchema, 429: ErrorBodySchema, 502: ErrorBodySchema },
      },
    },
    async (req, reply) => {
      const { uid } = req.params;
      const { client, url, host } = servicePacsClient(ctx.config.pacs, req.body.url);
      const selection = await selectPacsSeries(client, uid, { withSeg: true, where: host });
      const input: StoredInput = {
        ct: PACS_CT_FOLDER,
        ctFormat: 'dicom-series',
        masks: selection.seg ? [{ path: PACS_SEG_FILE, format: 'dicom-seg' }] : [],
        ...(req.body.phase ? { phase: req.body.phase } : {}),
        pacs: {
          url,
          studyInstanceUid: uid,
          ctSeriesInstanceUid: selection.ct.seriesInstanceUid,
          ...(selection.seg ? { segSeriesInstanceUid: selection.seg.seriesInstanceUid } : {}),
          store: req.body.store,
        },
      };
      // An empty input folder: the job fills it from the PACS (a retried job fills it again).
      const principal = principalOf(req);
      await checkQuotaBeforeUpload(ctx, principal);
      const staging = await ctx.storage.blobs.createStaging();
      let ids: { studyId: string; jobId: string };
      try {
        ids = await acceptStudy(ctx, principal, staging, input, 0);
      } finally {
        await ctx.storage.blobs.discardStaging(staging);
      }
      const { studyId, jobId } = ids;
      // UIDs stay out of the log (they identify a patient's study); the PACS host does not.
      req.log.info({ studyId, jobId, pacsHost: host, inputSeg: selection.seg !== undefined, store: req.body.store }, 'PACS study accepted');
      return reply.status(202).send({ studyId, jobId });
    },
  );
};
