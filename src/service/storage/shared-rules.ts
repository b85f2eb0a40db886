/** Rules both MetadataStore implementations apply the same way: quota checks and the interrupted-job error. */
import { ERRORS, gctError } from '../../errors.ts';
import type { ErrorBody, OwnerQuota, OwnerUsage } from './types.ts';

/**
 * Throws when one more job and `addBytes` more stored bytes would take `owner` past the quota: inside the
 * transaction that creates a study (authoritative), and before an upload is read (addBytes 1: refuse early
 * when the owner is already full).
 */
export function checkOwnerQuota(usage: OwnerUsage, owner: string, addBytes: number, quota: OwnerQuota): void {
  if (usage.activeJobs >= quota.maxActiveJobs)
    throw gctError('GCT_SERVICE_QUOTA_JOBS', `Owner '${owner}' has ${usage.activeJobs} jobs queued or running; service.quotas.maxActiveJobsPerOwner is ${quota.maxActiveJobs}.`, {
      activeJobs: usage.activeJobs,
      maxActiveJobs: quota.maxActiveJobs,
    });
  if (usage.storedBytes + addBytes > quota.maxStoredBytes)
    throw gctError(
      'GCT_SERVICE_QUOTA_STORAGE',
      `Owner '${owner}' stores ${usage.storedBytes} bytes; this study adds ${addBytes} and service.quotas.maxStoredBytesPerOwner is ${quota.maxStoredBytes}.`,
      { storedBytes: usage.storedBytes, studyBytes: addBytes, maxStoredBytes: quota.maxStoredBytes },
    );
}

/** The error a job gets when its lease expired for the last allowed time. */
export function interruptedJobError(attempts: number, stage: string, percent: number): ErrorBody {
  return {
    code: 'GCT_SERVICE_JOB_INTERRUPTED',
    message: `The job was interrupted ${attempts} times (last at stage '${stage}', ${percent}%); it is not started again.`,
    hint: ERRORS.GCT_SERVICE_JOB_INTERRUPTED.hint,
    details: { attempts, stage },
  };
}

/** Opaque worklist cursor: the last row's creation time and id. */
export function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: string; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof createdAt === 'string' && typeof id === 'string' && !Number.isNaN(Date.parse(createdAt))) return { createdAt, id };
  } catch {
    /* fall through */
  }
  throw gctError('GCT_SERVICE_REQUEST_INVALID', 'The cursor does not parse; pass the nextCursor of the previous page unchanged.', { field: 'cursor' });
}
