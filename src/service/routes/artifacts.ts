/**
 * Reading a study's stored artifacts for the routes: 404 unknown study (or another owner's: the answer is the
 * same, so ids cannot be probed), 409 job not finished, 404 not produced.
 */
import type { FastifyReply } from 'fastify';
import { gctError } from '../../errors.ts';
import { mayAccess } from '../auth/require-token.ts';
import type { ServiceContext } from '../context.ts';
import type { Principal, StudyRecord } from '../storage/types.ts';

export async function requireStudy(ctx: ServiceContext, principal: Principal, id: string): Promise<StudyRecord> {
  const study = await ctx.storage.meta.getStudy(id);
  if (!study || !mayAccess(principal, study.owner)) throw gctError('GCT_SERVICE_STUDY_NOT_FOUND', `No study with id '${id}'.`, { studyId: id });
  return study;
}

/**
 * The artifact's bytes and content type (cached in memory when `cacheable`). The study is looked up every time,
 * cache or not: ownership, and a deletion made through another API process, hold at once.
 */
export async function loadArtifact(ctx: ServiceContext, principal: Principal, studyId: string, name: string, cacheable: boolean): Promise<{ contentType: string; body: Buffer }> {
  await requireStudy(ctx, principal, studyId);
  const cached = cacheable ? ctx.artifacts.get(studyId, name) : undefined;
  if (cached) return cached;
  const artifact = (await ctx.storage.meta.listArtifacts(studyId)).find((a) => a.name === name);
  if (!artifact) {
    const job = await ctx.storage.meta.latestJobOfStudy(studyId);
    if (job && job.state !== 'done')
      throw gctError('GCT_SERVICE_ARTIFACT_NOT_READY', `Study ${studyId} has no ${name} yet: its job ${job.id} is ${job.state}${job.state === 'failed' ? ` (${job.error?.code})` : ` (${job.stage}, ${job.percent}%)`}.`, {
        studyId,
        jobId: job.id,
        state: job.state,
      });
    throw gctError('GCT_SERVICE_ARTIFACT_NOT_FOUND', `Study ${studyId} has no ${name}: the pipeline of this service did not produce one.`, { studyId, artifact: name });
  }
  const loaded = { contentType: artifact.contentType, body: await ctx.storage.blobs.readFile(studyId, artifact.file) };
  if (cacheable) ctx.artifacts.set(studyId, name, loaded);
  return loaded;
}

export async function sendArtifact(ctx: ServiceContext, principal: Principal, reply: FastifyReply, studyId: string, name: string, cacheable: boolean): Promise<FastifyReply> {
  const { contentType, body } = await loadArtifact(ctx, principal, studyId, name, cacheable);
  return reply.type(contentType).send(body);
}

export async function readJsonArtifact(ctx: ServiceContext, principal: Principal, studyId: string, name: string): Promise<unknown> {
  return JSON.parse((await loadArtifact(ctx, principal, studyId, name, true)).body.toString('utf8'));
}
