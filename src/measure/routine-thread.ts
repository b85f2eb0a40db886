import { Worker } from 'node:worker_threads';
import { gctError, type ErrorCode } from '../errors.ts';
import type { LabelArray, LabelMap, Volume, VoxelArray } from '../volume/types.ts';
import type { RoutineMeasurements } from './measurements.ts';
import type { StructureStats } from './types.ts';

/**
 * The structure statistics and routine measurements of a study (structure-stats.ts, routine.ts) on a worker thread,
 * while the main thread finds and measures the lesions' components: on a 512 x 512 x 400 study these take seconds
 * and share nothing but their inputs, so the report's measure stage uses both cores (eval/results/cli-speed.md).
 * The worker posts the structure statistics as soon as it has them (the rest of the lesion work reads them), then
 * the routine measurements. The CT and the label layers are handed over on SharedArrayBuffers, without a copy when
 * the readers allocated them there (they do for arrays of 1 MiB and more). The worker computes exactly what
 * measureStudy computes inline; tests compare the two.
 */
export interface RoutineWorkerInput {
  readonly ct: Volume;
  readonly labels: LabelMap;
}

export type RoutineWorkerReply =
  | { readonly kind: 'structures'; readonly structures: StructureStats[] }
  | { readonly kind: 'routine'; readonly routine: RoutineMeasurements }
  | { readonly kind: 'error'; readonly code: ErrorCode; readonly message: string; readonly details: Record<string, unknown> };

/** Whether this module runs from the TypeScript sources, where a worker compiles its modules with tsx first. */
export const RUNNING_FROM_SOURCES = import.meta.url.endsWith('.ts');

/** Running from the TypeScript sources (tests), the worker registers tsx first (routine-worker-bootstrap.mjs). */
const WORKER_URL = RUNNING_FROM_SOURCES ? new URL('./routine-worker-bootstrap.mjs', import.meta.url) : new URL('./routine-worker.js', import.meta.url);

/** A typed array on a SharedArrayBuffer: the array itself when it is on one already, else a copy. */
function onSharedMemory<T extends VoxelArray | LabelArray>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const copy = new (a.constructor as new (buffer: SharedArrayBuffer) => T)(new SharedArrayBuffer(a.byteLength));
  copy.set(a as never);
  return copy;
}

/** The worker's two answers. A failure rejects both, with the error's code, message and details. */
export interface RoutineThread {
  readonly structures: Promise<StructureStats[]>;
  readonly routine: Promise<RoutineMeasurements>;
}

/** Starts the worker on (ct, labels): studyStructures, then measureRoutine on them. */
export function startRoutineThread(ct: Volume, labels: LabelMap): RoutineThread {
  const input: RoutineWorkerInput = {
    ct: { ...ct, data: onSharedMemory(ct.data) },
    labels: { ...labels, layers: labels.layers.map(onSharedMemory) },
  };
  let structuresDone!: (s: StructureStats[]) => void;
  let structuresFailed!: (e: Error) => void;
  let routineDone!: (r: RoutineMeasurements) => void;
  let routineFailed!: (e: Error) => void;
  const structures = new Promise<StructureStats[]>((resolve, reject) => ((structuresDone = resolve), (structuresFailed = reject)));
  const routine = new Promise<RoutineMeasurements>((resolve, reject) => ((routineDone = resolve), (routineFailed = reject)));
  // A settled promise ignores later calls: after both answers, a failure (or the thread's exit) changes nothing.
  const fail = (e: Error) => {
    structuresFailed(e);
    routineFailed(e);
  };
  // The caller may stop at the first rejection (or fail on its own thread) and never read the other answer: an
  // unread rejection must not surface as an unhandled one. Awaiting either still sees the error.
  structures.catch(() => undefined);
  routine.catch(() => undefined);
  const worker = new Worker(WORKER_URL, { workerData: input });
  worker.on('message', (m: RoutineWorkerReply) => {
    if (m.kind === 'structures') structuresDone(m.structures);
    else if (m.kind === 'routine') routineDone(m.routine);
    else fail(gctError(m.code, m.message, m.details));
  });
  worker.once('error', (e) => fail(gctError('GCT_INTERNAL', `The routine-measurement thread failed: ${e.message}`, {}, e)));
  worker.once('exit', (code) => fail(gctError('GCT_INTERNAL', `The routine-measurement thread exited (code ${code}) without an answer.`, { exitCode: code })));
  return { structures, routine };
}
