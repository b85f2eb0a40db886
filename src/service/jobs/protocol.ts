/** Messages between the job queue (main thread) and a pipeline worker thread. */
import type { Config } from '../../config.ts';
import type { ArtifactRecord, ErrorBody, StoredInput } from '../storage/types.ts';

export interface WorkerInput {
  readonly jobId: string;
  readonly studyId: string;
  /** Absolute path of the study's folder (input/ and artifacts/ inside). */
  readonly studyDir: string;
  readonly input: StoredInput;
  readonly config: Config;
  /** Follow-up: the artifacts folders of the prior studies (input.priorStudyIds, same order, most recent first). */
  readonly priorStudyDirs?: readonly { readonly studyId: string; readonly dir: string }[];
}

export type WorkerMessage =
  | { readonly type: 'progress'; readonly stage: string; readonly percent: number }
  | { readonly type: 'done'; readonly artifacts: readonly Omit<ArtifactRecord, 'studyId'>[]; readonly result?: Record<string, unknown> }
  | { readonly type: 'failed'; readonly error: ErrorBody; readonly stack?: string };
