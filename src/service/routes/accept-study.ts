/**
 * The one way a study is accepted (an upload, or a PACS study whose job retrieves it): the staged input folder is
 * renamed into place, then the study + job rows commit with the owner's quota checked in the same transaction,
 * then the workers are signalled. A refused or failed commit removes the folder again.
 */
import { randomUUID } from 'node:crypto';
import type { Config } from '../../config.ts';
import type { ServiceContext } from '../context.ts';
import { checkOwnerQuota } from '../storage/shared-rules.ts';
import type { OwnerQuota, Principal, StoredInput } from '../storage/types.ts';

export function ownerQuota(config: Config): OwnerQuota {
  return { maxStoredBytes: config.service.quotas.maxStoredBytesPerOwner, maxActiveJobs: config.service.quotas.maxActiveJobsPerOwner };
}

/** Refuses early (before an upload is read) when the owner has no job slot or no byte left. */
export async function checkQuotaBeforeUpload(ctx: ServiceContext, principal: Principal): Promise<void> {
  checkOwnerQuota(await ctx.storage.meta.ownerUsage(principal.name), principal.name, 1, ownerQuota(ctx.config));
}

export async function acceptStudy(ctx: ServiceContext, principal: Principal, staging: string, input: StoredInput, uploadBytes: number): Promise<{ studyId: string; jobId: string }> {
  const inputBytes = await ctx.storage.blobs.folderBytes(staging);
  const studyId = randomUUID();
  const jobId = randomUUID();
  await ctx.storage.blobs.commitStudy(staging, studyId);
  try {
    await ctx.storage.meta.createStudyWithJob({ id: studyId, owner: principal.name, createdAt: new Date().toISOString(), input, uploadBytes, inputBytes }, jobId, ownerQuota(ctx.config));
  } catch (e) {
    await ctx.storage.blobs.deleteStudy(studyId);
    throw e;
  }
  ctx.queue.notify();
  return { studyId, jobId };
}
