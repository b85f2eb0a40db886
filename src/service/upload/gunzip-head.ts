import { createReadStream } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { gctError, isGroundctError } from '../../errors.ts';

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
  /** Called once with the first `headBytes` (or fewer at the end); throwing stops the inflation. */
  onHead: (head: Uint8Array) => void = () => {},
): Promise<{ head: Uint8Array; totalBytes: number }> {
  let headSeen = false;
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
          onHead(head);
        } catch (e) {
          done(e as Error);
          return;
        }
      }
      totalBytes += chunk.length;
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
