/**
 * Follow-up in the service: a study may name a prior study of this service (POST /v1/studies field
 * `priorStudyId`). The prior must exist, its job must be done, and it must carry the report folder files of
 * schema version 2 (the 'study' artifact: study.json, with its label volumes and bone surface beside it). Its own
 * priors follow it, most recent first, so that RECIST's nadir covers the series the service holds.
 */
import { gctError } from '../errors.ts';
import type { MetadataStore } from './storage/types.ts';

/** Most prior studies one comparison reads (the named prior and its own, most recent first). */
export const MAX_PRIOR_STUDIES = 10;

function invalid(message: string, priorStudyId: string) {
  return gctError('GCT_SERVICE_PRIOR_STUDY_INVALID', message, { priorStudyId });
}

/** A prior is usable when its job is done and it has the follow-up files; otherwise why not. */
async function problemOf(meta: MetadataStore, id: string, mayRead: (owner: string) => boolean): Promise<string | null> {
  const study = await meta.getStudy(id);
  // Another owner's study reads as absent, so ids cannot be probed (as for every other route).
  if (study === undefined || !mayRead(study.owner)) return `no study with id '${id}'`;
  const job = await meta.latestJobOfStudy(id);
  if (job?.state !== 'done') return `its job is ${job?.state ?? 'missing'}${job?.state === 'failed' ? ` (${job.error?.code})` : ''}; wait until GET /v1/jobs/${job?.id ?? '<id>'} says done`;
  if (!(await meta.listArtifacts(id)).some((a) => a.name === 'study')) return 'it was processed before follow-up support (no study.json, label volumes or bone surface)';
  return null;
}

/**
 * The prior chain of a new study: the named prior (checked) then its own priors that are still usable; only
 * studies the caller may read (`mayRead` of their owner) take part.
 */
export async function resolvePriorChain(meta: MetadataStore, priorStudyId: string, mayRead: (owner: string) => boolean): Promise<string[]> {
  const problem = await problemOf(meta, priorStudyId, mayRead);
  if (problem !== null) throw invalid(`Prior study ${priorStudyId} cannot be compared with: ${problem}.`, priorStudyId);
  const prior = (await meta.getStudy(priorStudyId))!;
  const chain = [priorStudyId];
  for (const id of prior.input.priorStudyIds ?? []) {
    if (chain.length >= MAX_PRIOR_STUDIES) break;
    if (!chain.includes(id) && (await problemOf(meta, id, mayRead)) === null) chain.push(id);
  }
  return chain;
}
