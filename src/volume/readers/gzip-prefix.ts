/**
 * The first bytes of a gzip stream, inflated without inflating the rest: so that a NIfTI header can be read
 * and its declared size checked before the whole file is decompressed (and before anything of that size is
 * allocated). Deflate expands at most 1032:1 (RFC 1951: a 258-byte match costs at least 2 bits), so `k`
 * compressed bytes never give more than about 1032 k bytes; the prefix grows by doubling until it yields
 * `wantBytes` or the file ends.
 */
import { constants as bufferConstants } from 'node:buffer';
import { constants, gunzipSync } from 'node:zlib';
import { gctError } from '../../errors.ts';

/** Largest deflate expansion ratio (RFC 1951, a 258-byte match in 2 bits), rounded up. */
const MAX_DEFLATE_RATIO = 1032;
/**
 * A NIfTI header (348 or 540 bytes) deflates to a few hundred bytes. Starting larger costs real time on the small
 * files of a per-class mask folder: 4 KB of a sparse mask's gzip is often the whole file and inflates to
 * hundreds of KB, which were then inflated a second time by the full read (measured on TotalSegmentator's
 * example_seg_fast, 117 files of about 2 KB: 4 KB prefixes took twice as long as inflating the files whole,
 * 256-byte prefixes a tenth of it, eval/results/cli-speed.md).
 */
const FIRST_PREFIX_BYTES = 256;

export function gunzipPrefix(bytes: Uint8Array, wantBytes: number, path: string): Uint8Array {
  for (let k = Math.min(FIRST_PREFIX_BYTES, bytes.length); ; k = Math.min(2 * k, bytes.length)) {
    let out: Buffer;
    try {
      // Z_SYNC_FLUSH: a stream cut short is not an error here, it just yields what it holds so far.
      out = gunzipSync(bytes.subarray(0, k), { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: Math.min(wantBytes + MAX_DEFLATE_RATIO * k + 1024, bufferConstants.MAX_LENGTH) });
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw gctError('GCT_VOLUME_GZIP_INVALID', `${path}: gzip stream is corrupt (${reason}) within its first ${k} bytes`, { path, compressedBytes: bytes.length }, cause);
    }
    if (out.length >= wantBytes || k === bytes.length) return new Uint8Array(out.buffer, out.byteOffset, Math.min(out.length, wantBytes));
  }
}
