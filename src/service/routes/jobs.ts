import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { gctError } from '../../errors.ts';
import type { JobRecord } from '../storage/types.ts';
import { errorResponses, JobParamsSchema, JobStatusSchema } from '../schemas.ts';

export function jobStatus(job: JobRecord) {
  return {
    jobId: job.id,
    studyId: job.studyId,
    state: job.state,
    stage: job.stage,
    percent: job.percent,
    attempts: job.attempts,
    error: job.error,
    result: job.result,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
  };
}

export const jobRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/jobs/:id',
    { schema: { tags: ['jobs'], summary: 'State and progress of a job', params: JobParamsSchema, response: { 200: JobStatusSchema, ...errorResponses } } },
    async (req) => {
      const job = await app.groundct.storage.meta.getJob(req.params.id);
      if (!job) throw gctError('GCT_SERVICE_JOB_NOT_FOUND', `No job with id '${req.params.id}'.`, { jobId: req.params.id });
      return jobStatus(job);
    },
  );
};
