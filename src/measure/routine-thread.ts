import { Worker } from 'node:worker_threads';
import { gctError, type ErrorCode } from '../errors.ts';
import type { LabelArray, LabelMap, Volume, VoxelArray } from '../volume/types.ts';
import type { RoutineMeasurements } from './measurements.ts';
import type { StructureStats } from './types.ts';

/**
 * The routine measurements of a study (routine.ts) on a worker thread, while the main thread measures the lesions:
 * on a 512 x 512 x 400 study the two take seconds each and share nothing but their inputs, so the report's
 * measure stage uses both cores (eval/results/cli-speed.md). The CT and the label layers are handed over on
 * SharedArrayBuffers, without a copy when the readers allocated them there (they do for arrays of 1 MiB and more).
 * The worker computes exactly what measureRoutine computes inline; tests compare the two.
 */
export interface RoutineWorkerInput {
  readonly ct: Volume;
  readonly labels: LabelMap;
  readonly structures: readonly StructureStats[];
}

export type RoutineWorkerReply =
  | { readonly ok: true; readonly routine: RoutineMeasurements }
  | { readonly ok: false; readonly code: ErrorCode; readonly message: string; readonly details: Record<string, unknown> };

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

/** measureRoutine(ct, labels, structures), on a worker thread. Errors keep their code, message and details. */
export function measureRoutineOnThread(ct: Volume, labels: LabelMap, structures: readonly StructureStats[]): Promise<RoutineMeasurements> {
  const input: RoutineWorkerInput = {
    ct: { ...ct, data: onSharedMemory(ct.data) },
    labels: { ...labels, layers: labels.layers.map(onSharedMemory) },
    structures,
  };
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (f: () => void) => {
      if (!settled) {
        settled = true;
        f();
      }
    };
    const worker = new Worker(WORKER_URL, { workerData: input });
    worker.once('message', (m: RoutineWorkerReply) => settle(() => (m.ok ? resolve(m.routine) : reject(gctError(m.code, m.message, m.details)))));
    worker.once('error', (e) => settle(() => reject(gctError('GCT_INTERNAL', `The routine-measurement thread failed: ${e.message}`, {}, e))));
    worker.once('exit', (code) => settle(() => reject(gctError('GCT_INTERNAL', `The routine-measurement thread exited (code ${code}) without an answer.`, { exitCode: code }))));
  });
}
