/**
 * Bounded gzip decompression for volume files (.nii.gz, gzip-encoded NRRD payloads).
 *
 * gzip is RFC 1952; a file may hold several members one after the other, and node's zlib inflates them all
 * (as `gunzip` does). The output is capped with zlib's `maxOutputLength`, so a gzip bomb (a few kB that
 * inflate to gigabytes) stops at the configured limit instead of exhausting memory.
 */
import { constants as bufferConstants } from 'node:buffer';
import { gunzipSync } from 'node:zlib';
import { gctError } from '../../errors.ts';

/** First two bytes of every gzip member (RFC 1952 section 2.3.1, ID1 ID2). */
const GZIP_MAGIC = [0x1f, 0x8b] as const;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

export interface GunzipLimits {
  /** Largest decompressed size accepted, in bytes. */
  readonly maxDecompressedBytes: number;
}

/**
 * Inflates `bytes` (one or more gzip members). Throws GCT_VOLUME_TOO_LARGE when the output would exceed
 * `limits.maxDecompressedBytes` (zlib stops there: nothing past the limit is allocated) and
 * GCT_VOLUME_GZIP_INVALID when the stream is corrupt or truncated (the zlib error is kept as `cause`).
 */
export function gunzipBounded(bytes: Uint8Array, limits: GunzipLimits, path: string): Uint8Array {
  // zlib refuses a maxOutputLength above the largest Buffer node can make; a limit past it is no limit.
  const maxOutputLength = Math.min(limits.maxDecompressedBytes, bufferConstants.MAX_LENGTH);
  try {
    const out = gunzipSync(bytes, { maxOutputLength });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      throw gctError(
        'GCT_VOLUME_TOO_LARGE',
        `${path}: decompressed data exceeds the limit of ${limits.maxDecompressedBytes} bytes (volume.maxDecompressedBytes); ` +
          `the ${bytes.length}-byte gzip stream inflates past it`,
        { path, maxDecompressedBytes: limits.maxDecompressedBytes, compressedBytes: bytes.length },
        e,
      );
    }
    const reason = e instanceof Error ? e.message : String(e);
    throw gctError(
      'GCT_VOLUME_GZIP_INVALID',
      `${path}: gzip stream is corrupt or truncated (${reason}; ${bytes.length} compressed bytes)`,
      { path, compressedBytes: bytes.length, zlibCode: typeof code === 'string' ? code : undefined },
      e,
    );
  }
}
