import { createReadStream } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { gctError, isGroundctError } from '../../errors.ts';
import { DECLARED_SLACK_BYTES } from '../../volume/index.ts';

/**
 * Inflates a gzip file as a stream (in libuv's thread pool, so the event loop stays free), counting the
 * bytes and keeping the first `headBytes` (handed to `onHead` as soon as they are in, so a header check can stop
 * a huge file early); stops with GCT_SERVICE_DECOMPRESSED_TOO_LARGE as soon as the count
 * passes `maxBytes`, so a gzip bomb costs at most `maxBytes` of inflation and no memory.
 */
export async function gunzipHead(
  path: string,
  headBytes: number,
  maxBytes: number,
  part: string,
  /**
   * Called once with the first `headBytes` (or fewer at the end); throwing stops the inflation. It may return the
   * number of bytes the head declares for the whole stream: inflating past that (plus DECLARED_SLACK_BYTES) is
   * then GCT_VOLUME_DECOMPRESSED_MISMATCH, a bomb behind an honest header.
   */
  onHead: (head: Uint8Array) => number | void = () => {},
): Promise<{ head: Uint8Array; totalBytes: number }> {
  let headSeen = false;
  let declaredBytes: number | undefined;
  const head = new Uint8Array(headBytes);
  let filled = 0;
  let totalBytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (filled < headBytes) {
        const n = Math.min(headBytes - filled, chunk.length);
        head.set(chunk.subarray(0, n), filled);
        filled += n;
      }
      if (!headSeen && filled === headBytes) {
        headSeen = true;
        try {
          declaredBytes = onHead(head) ?? undefined;
        } catch (e) {
          done(e as Error);
          return;
        }
      }
      totalBytes += chunk.length;
      if (declaredBytes !== undefined && totalBytes > declaredBytes + DECLARED_SLACK_BYTES && declaredBytes + DECLARED_SLACK_BYTES < maxBytes) {
        done(gctError('GCT_VOLUME_DECOMPRESSED_MISMATCH', `Part '${part}' inflates past the ${declaredBytes} bytes its header declares (a decompression bomb or a corrupt file); stopped at ${totalBytes} bytes.`, { part, declaredBytes }));
        return;
      }
      if (totalBytes > maxBytes) {
        done(gctError('GCT_SERVICE_DECOMPRESSED_TOO_LARGE', `Part '${part}' inflates to more than ${maxBytes} bytes (service.limits.maxDecompressedBytes).`, { part, maxDecompressedBytes: maxBytes }));
        return;
      }
      done();
    },
  });
  try {
    await pipeline(createReadStream(path), createGunzip(), sink);
  } catch (cause) {
    if (isGroundctError(cause)) throw cause;
    throw gctError('GCT_VOLUME_GZIP_INVALID', `Part '${part}' is not a valid gzip stream: ${(cause as Error).message}`, { part }, cause);
  }
  if (!headSeen) onHead(head.subarray(0, filled));
  return { head: head.subarray(0, filled), totalBytes };
}
