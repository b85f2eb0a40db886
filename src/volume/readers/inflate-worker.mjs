// Entry of a worker thread that inflates one .nii.gz file into a voxel array on shared memory (gzip.ts,
// inflateFileOnWorker). Plain JavaScript with Node built-ins only, so it starts in milliseconds, from the sources and
// from dist/ alike. Inflating here, the main thread neither copies the decompressed bytes nor holds up the inflate
// while it is busy (each inflated chunk of a stream waits for its thread's event loop before the next is inflated).
//
// workerData: fd (an open regular file, read from byte 0, left open), target (Uint8Array on a SharedArrayBuffer: the
// voxel bytes), offset (first byte of the decompressed stream that belongs in target), budgetBytes (most bytes the
// stream may inflate to), readChunkBytes, inflateChunkBytes. Replies once: { kind: 'done', received },
// { kind: 'over-budget', received } (stopped as soon as the budget is passed) or { kind: 'error', code, message }.
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { createGunzip } from 'node:zlib';

const { fd, target, offset, budgetBytes, readChunkBytes, inflateChunkBytes } = workerData;
// pipeline() reports what the consumer threw as an AbortError, so the reason is kept here.
let overBudget = false;
let received = 0;
try {
  await pipeline(
    createReadStream('', { fd, autoClose: false, start: 0, highWaterMark: readChunkBytes }),
    createGunzip({ chunkSize: inflateChunkBytes }),
    async function keep(source) {
      for await (const chunk of source) {
        const start = received;
        received += chunk.length;
        if (received > budgetBytes) {
          overBudget = true;
          throw new Error('past the budget');
        }
        const from = Math.max(start, offset);
        const to = Math.min(received, offset + target.length);
        if (to > from) target.set(chunk.subarray(from - start, to - start), from - offset);
      }
    },
  );
  parentPort.postMessage({ kind: 'done', received });
} catch (e) {
  parentPort.postMessage(overBudget ? { kind: 'over-budget', received } : { kind: 'error', code: typeof e?.code === 'string' ? e.code : null, message: String(e?.message ?? e) });
}
