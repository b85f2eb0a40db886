import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { gctError } from '../../errors.ts';
import { mayAccess, principalOf } from '../auth/require-token.ts';
import { decodeCursor, encodeCursor } from '../storage/shared-rules.ts';
import type { JobRecord, ListPage, Principal } from '../storage/types.ts';
import { errorResponses, JobListQuerySchema, JobListSchema, JobParamsSchema, JobStatusSchema } from '../schemas.ts';

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

/** The worklist page a principal may see: its own rows, or (admin) everyone's or one owner's. */
export function listPage(principal: Principal, query: { limit: number; cursor?: string; owner?: string }): ListPage {
  if (query.owner !== undefined && !principal.admin && query.owner !== principal.name)
    throw gctError('GCT_SERVICE_FORBIDDEN', `Listing another owner's studies ('${query.owner.slice(0, 80)}') needs an admin token.`, { owner: query.owner.slice(0, 80) });
  const owner = principal.admin ? query.owner : principal.name;
  return { limit: query.limit, ...(owner !== undefined ? { owner } : {}), ...(query.cursor ? { before: decodeCursor(query.cursor) } : {}) };
}

/** The cursor of the next page: the last row's position, or null when this page was not full. */
export function nextCursor(rows: readonly { createdAt: string; id: string }[], limit: number): string | null {
  const last = rows[rows.length - 1];
  return rows.length === limit && last ? encodeCursor(last.createdAt, last.id) : null;
}

export const jobRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/jobs',
    {
      schema: {
        tags: ['jobs'],
        summary: "The caller's jobs (every owner's for an admin token), newest first, optionally in one state",
        querystring: JobListQuerySchema,
        response: { 200: JobListSchema, ...errorResponses },
      },
    },
    async (req) => {
      const page = listPage(principalOf(req), req.query);
      const jobs = await app.groundct.storage.meta.listJobs({ ...page, ...(req.query.state ? { state: req.query.state } : {}) });
      return { jobs: jobs.map(jobStatus), nextCursor: nextCursor(jobs, page.limit) };
    },
  );

  app.get(
    '/jobs/:id',
    { schema: { tags: ['jobs'], summary: 'State and progress of a job', params: JobParamsSchema, response: { 200: JobStatusSchema, ...errorResponses } } },
    async (req) => {
      const meta = app.groundct.storage.meta;
      const owner = await meta.ownerOfJob(req.params.id);
      const job = owner !== undefined && mayAccess(principalOf(req), owner) ? await meta.getJob(req.params.id) : undefined;
      if (!job) throw gctError('GCT_SERVICE_JOB_NOT_FOUND', `No job with id '${req.params.id}'.`, { jobId: req.params.id });
      return jobStatus(job);
    },
  );
};
