import { parentPort, workerData } from 'node:worker_threads';
import { isGroundctError } from '../errors.ts';
import { measureRoutine } from './routine.ts';
import type { RoutineWorkerInput, RoutineWorkerReply } from './routine-thread.ts';

/**
 * Entry of the worker thread that runs a study's routine measurements (routine-thread.ts): the volumes arrive on
 * SharedArrayBuffers, the result goes back as a plain object, an error as its code, message and details.
 */
const input = workerData as RoutineWorkerInput;
let reply: RoutineWorkerReply;
try {
  reply = { ok: true, routine: measureRoutine(input.ct, input.labels, input.structures) };
} catch (e) {
  reply = isGroundctError(e)
    ? { ok: false, code: e.code, message: e.message, details: e.details }
    : { ok: false, code: 'GCT_INTERNAL', message: e instanceof Error ? (e.stack ?? e.message) : String(e), details: {} };
}
parentPort!.postMessage(reply);
