import { parentPort, workerData } from 'node:worker_threads';
import { isGroundctError } from '../errors.ts';
import { studyStructures } from './measure-study.ts';
import { measureRoutine } from './routine.ts';
import type { RoutineWorkerInput, RoutineWorkerReply } from './routine-thread.ts';

/**
 * Entry of the worker thread that computes a study's structure statistics and routine measurements
 * (routine-thread.ts): the volumes arrive on SharedArrayBuffers; the statistics go back first, as soon as they are
 * known, then the routine measurements, as plain objects; an error as its code, message and details.
 */
const input = workerData as RoutineWorkerInput;
const post = (reply: RoutineWorkerReply) => parentPort!.postMessage(reply);
try {
  const structures = studyStructures(input.ct, input.labels);
  post({ kind: 'structures', structures });
  post({ kind: 'routine', routine: measureRoutine(input.ct, input.labels, structures) });
} catch (e) {
  post(
    isGroundctError(e)
      ? { kind: 'error', code: e.code, message: e.message, details: e.details }
      : { kind: 'error', code: 'GCT_INTERNAL', message: e instanceof Error ? (e.stack ?? e.message) : String(e), details: {} },
  );
}
