/**
 * Bounded gzip decompression for volume files (.nii.gz, gzip-encoded NRRD payloads).
 *
 * gzip is RFC 1952; a file may hold several members one after the other, and node's zlib inflates them all
 * (as `gunzip` does). Files on disk are streamed (`streamVolumeFile`): read and inflated chunk by chunk on the
 * thread pool, each chunk handed to the reader, which copies the voxel bytes into the typed array it returns and
 * counts every decompressed byte against a budget (the header's declared size + a small tail, never above the
 * configured maximum), so a gzip bomb (a few kB that inflate to gigabytes) stops within one chunk of its budget.
 * Bytes already in memory go through `gunzipBounded`, capped with zlib's `maxOutputLength`.
 *
 * node:zlib was measured against fflate (pure JavaScript, the inflate already installed here) on the 512 x 512 x
 * 400 benchmark case: see eval/results/cli-speed.md; zlib's native inflate was the faster, so it stays.
 */
import { constants as bufferConstants } from 'node:buffer';
import { stat, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Worker } from 'node:worker_threads';
import { createGunzip, gunzip, gunzipSync } from 'node:zlib';
import { gctError, isGroundctError } from '../../errors.ts';
import { DECLARED_SLACK_BYTES } from './contracts.ts';
import { fileSystemError, openRegularFile } from './open-file.ts';

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
  try {
    return asBytes(gunzipSync(bytes, { maxOutputLength: maxOutputLengthOf(limits) }));
  } catch (e) {
    throw gunzipFailure(e, bytes, limits, path);
  }
}

/**
 * `gunzipBounded` on the thread pool: a folder of small mask files inflates on every core while the main thread
 * parses the next file (or opens the retrieval index), instead of one file after another on the main thread.
 */
export function gunzipBoundedOffThread(bytes: Uint8Array, limits: GunzipLimits, path: string, expectedBytes?: number): Promise<Uint8Array> {
  // zlib's default 16 KiB output chunk means one thread-pool round trip and one callback per 16 KiB: a 1.4 MB
  // mask took ~85 of them. An output chunk of the expected size (plus the end-of-stream probe) inflates it in one
  // (measured on example_seg_fast's 117 files: 63-122 ms -> 29-33 ms of wall time).
  const maxOutputLength = maxOutputLengthOf(limits);
  const chunkSize = expectedBytes === undefined ? undefined : Math.max(MIN_INFLATE_CHUNK_BYTES, Math.min(expectedBytes + 1, maxOutputLength));
  return new Promise((resolve, reject) => {
    gunzip(bytes, { maxOutputLength, chunkSize }, (e, out) => (e ? reject(gunzipFailure(e, bytes, limits, path)) : resolve(asBytes(out))));
  });
}

/** zlib's own default output chunk, the floor of the one-call chunk (an empty image still needs its header). */
const MIN_INFLATE_CHUNK_BYTES = 16 * 1024;

// zlib refuses a maxOutputLength above the largest Buffer node can make; a limit past it is no limit.
const maxOutputLengthOf = (limits: GunzipLimits) => Math.min(limits.maxDecompressedBytes, bufferConstants.MAX_LENGTH);
const asBytes = (out: Buffer) => new Uint8Array(out.buffer, out.byteOffset, out.byteLength);

/** zlib's error as GCT_VOLUME_TOO_LARGE (output past the limit) or GCT_VOLUME_GZIP_INVALID (corrupt or truncated). */
function gunzipFailure(e: unknown, bytes: Uint8Array, limits: GunzipLimits, path: string) {
  const code = (e as { code?: unknown }).code;
  if (code === 'ERR_BUFFER_TOO_LARGE') {
    return gctError(
      'GCT_VOLUME_TOO_LARGE',
      `${path}: decompressed data exceeds the limit of ${limits.maxDecompressedBytes} bytes (volume.maxDecompressedBytes); ` +
        `the ${bytes.length}-byte gzip stream inflates past it`,
      { path, maxDecompressedBytes: limits.maxDecompressedBytes, compressedBytes: bytes.length },
      e,
    );
  }
  const reason = e instanceof Error ? e.message : String(e);
  return gctError(
    'GCT_VOLUME_GZIP_INVALID',
    `${path}: gzip stream is corrupt or truncated (${reason}; ${bytes.length} compressed bytes)`,
    { path, compressedBytes: bytes.length, zlibCode: typeof code === 'string' ? code : undefined },
    e,
  );
}

/**
 * Where a streamed volume file's bytes go: the reader's own parser (nifti.ts, nrrd.ts), which places the voxel
 * bytes straight into the typed array it returns and checks the running total against its budget.
 */
export interface VolumeByteSink {
  /** The next bytes of the (decompressed) data, in order. The chunk may be reused after the call: copy what you keep. */
  write(chunk: Uint8Array): void;
}

/** Bytes per read from disk and per inflate step: large enough that per-chunk overhead is negligible. */
const STREAM_CHUNK_BYTES = 1 << 20;
/** Smallest chunk: small files (a per-class mask folder holds a hundred) get buffers their size, not 1 MiB each. */
const MIN_STREAM_CHUNK_BYTES = 1 << 16;
/** CT and masks inflate to several times their compressed size; the inflate buffer is sized for that. */
const INFLATE_CHUNK_PER_COMPRESSED_BYTE = 8;

/** A read or inflate buffer for `bytes`, within [MIN_STREAM_CHUNK_BYTES, STREAM_CHUNK_BYTES]. */
const chunkBytes = (bytes: number) => Math.max(MIN_STREAM_CHUNK_BYTES, Math.min(STREAM_CHUNK_BYTES, bytes));

export interface StreamOptions {
  /** Inflate (gzip, RFC 1952, every member) or pass the bytes as stored. */
  readonly gzip: boolean;
  /** First byte of the file to read (default 0). */
  readonly start?: number;
  /** Bytes to read from `start` (default: to the end of the file). */
  readonly length?: number;
  /** Size of the stored bytes to read, when known: sizes the read and inflate buffers of small files. */
  readonly storedBytes?: number;
  /** The file's bytes when they are in memory already (a small file read whole): inflated from there. */
  readonly bytes?: Uint8Array;
}

/**
 * Streams `path` into `sink`, inflating it on the way when `options.gzip`: no whole compressed or decompressed
 * copy of the file is ever held. node:zlib inflates on libuv's thread pool, so two files streamed at once (the CT
 * and its masks) inflate on two cores. The sink throws to stop early (a budget exceeded, a bad header); the read
 * and inflate streams are then destroyed. A corrupt or truncated gzip stream (zlib's error, including a missing
 * trailer after complete data) is GCT_VOLUME_GZIP_INVALID with zlib's error as `cause`. Returns the number of
 * bytes delivered.
 */
export async function streamVolumeFile(path: string, sink: VolumeByteSink, options: StreamOptions): Promise<number> {
  if (options.length === 0) return 0;
  const start = options.start ?? 0;
  const stored = options.bytes?.length ?? options.length ?? options.storedBytes ?? STREAM_CHUNK_BYTES;
  // A regular file only, opened without blocking on a pipe and checked on its descriptor (open-file.ts).
  const read = options.bytes
    ? Readable.from([options.bytes])
    : (await openRegularFile(path)).fh.createReadStream({
        start,
        ...(options.length !== undefined ? { end: start + options.length - 1 } : {}),
        highWaterMark: chunkBytes(stored),
      });
  let delivered = 0;
  // What the sink threw: pipeline() reports it as an AbortError, and the caller wants the sink's own error.
  let sinkError: unknown;
  async function consume(source: AsyncIterable<Buffer>): Promise<void> {
    for await (const chunk of source) {
      delivered += chunk.length;
      try {
        sink.write(chunk);
      } catch (e) {
        sinkError = e;
        throw e;
      }
    }
  }
  try {
    if (options.gzip) await pipeline(read, createGunzip({ chunkSize: chunkBytes(stored * INFLATE_CHUNK_PER_COMPRESSED_BYTE) }), consume);
    else await pipeline(read, consume);
  } catch (e) {
    if (sinkError !== undefined) throw sinkError;
    if (isGroundctError(e)) throw e;
    const code = (e as { code?: unknown }).code;
    if (options.gzip && typeof code === 'string' && code.startsWith('Z_')) throw gzipStreamError(path, e as Error, code, options.bytes?.length ?? options.length ?? (await stat(path)).size - start);
    throw fileSystemError(e, path);
  }
  return delivered;
}

const gzipStreamError = (path: string, e: Error, zlibCode: string, compressedBytes: number) =>
  gctError('GCT_VOLUME_GZIP_INVALID', `${path}: gzip stream is corrupt or truncated (${e.message}; ${compressedBytes} compressed bytes)`, { path, compressedBytes, zlibCode }, e);

/** What inflateFileOnWorker found: the stream's decompressed size, or where it stopped past its budget. */
export type WorkerInflate = { readonly kind: 'done'; readonly received: number } | { readonly kind: 'over-budget'; readonly received: number };

const INFLATE_WORKER_URL = new URL('./inflate-worker.mjs', import.meta.url);

/**
 * Inflates the gzip file open as `fh` (from its first byte) on a worker thread, copying decompressed bytes
 * [offset, offset + target.length) into `target`, which lies on a SharedArrayBuffer (so the worker writes the
 * caller's array itself). Stops when more than `budgetBytes` come out. A corrupt or truncated stream is
 * GCT_VOLUME_GZIP_INVALID and a read failure the file-system error, as in streamVolumeFile; the caller checks the
 * size it got against what it expected. The file stays open (the caller closes it).
 */
export function inflateFileOnWorker(path: string, fh: FileHandle, storedBytes: number, target: Uint8Array, offset: number, budgetBytes: number): Promise<WorkerInflate> {
  const workerData = { fd: fh.fd, target, offset, budgetBytes, readChunkBytes: chunkBytes(storedBytes), inflateChunkBytes: chunkBytes(storedBytes * INFLATE_CHUNK_PER_COMPRESSED_BYTE) };
  return new Promise((resolve, reject) => {
    const worker = new Worker(INFLATE_WORKER_URL, { workerData });
    worker.once('message', (m: WorkerInflate | { kind: 'error'; code: string | null; message: string }) => {
      if (m.kind !== 'error') return resolve(m);
      const cause = Object.assign(new Error(m.message), m.code === null ? {} : { code: m.code });
      reject(m.code?.startsWith('Z_') ? gzipStreamError(path, cause, m.code, storedBytes) : fileSystemError(cause, path));
    });
    worker.once('error', (e) => reject(gctError('GCT_INTERNAL', `The inflate thread for ${path} failed: ${e.message}`, { path }, e)));
    worker.once('exit', (code) => reject(gctError('GCT_INTERNAL', `The inflate thread for ${path} exited (code ${code}) without an answer.`, { path, exitCode: code })));
  });
}

/** The budget of decompressed bytes, and what set it (for the error). */
export interface ByteBudget {
  readonly bytes: number;
  readonly what: string;
  /** The size the header declares, when the budget comes from it (else the configured maximum set it). */
  readonly declaredBytes?: number;
}

/** The configured maximum: the budget before a header says more. */
export function configuredBudget(limits: GunzipLimits): ByteBudget {
  return { bytes: limits.maxDecompressedBytes, what: 'the limit volume.maxDecompressedBytes' };
}

/**
 * The header's declared size plus DECLARED_SLACK_BYTES (trailing bytes some writers leave; NIfTI and NRRD give
 * them no meaning, and nibabel and ITK ignore them), never above the configured maximum: so a file declaring a
 * few voxels cannot make us inflate gigabytes of padding (a bomb behind an honest-looking header). The tail is
 * still inflated, so a damaged gzip trailer is still found.
 */
export function declaredBudget(declaredBytes: number, limits: GunzipLimits): ByteBudget {
  const bytes = declaredBytes + DECLARED_SLACK_BYTES;
  if (bytes >= limits.maxDecompressedBytes) return configuredBudget(limits);
  return { bytes, what: `the ${declaredBytes} bytes its header declares plus ${DECLARED_SLACK_BYTES} bytes of slack`, declaredBytes };
}

/**
 * The error for a stream that went past its budget after `received` bytes: GCT_VOLUME_DECOMPRESSED_MISMATCH when
 * the header's declared size set the budget (a decompression bomb or a corrupt file), GCT_VOLUME_TOO_LARGE when
 * the configured maximum did.
 */
export function overBudgetError(path: string, received: number, budget: ByteBudget): Error {
  if (budget.declaredBytes !== undefined)
    return gctError(
      'GCT_VOLUME_DECOMPRESSED_MISMATCH',
      `${path}: the data inflates past ${budget.bytes} bytes, more than ${budget.what} (a decompression bomb or a corrupt file); stopped after ${received} bytes`,
      { path, declaredBytes: budget.declaredBytes, budgetBytes: budget.bytes, receivedBytes: received },
    );
  return gctError(
    'GCT_VOLUME_TOO_LARGE',
    `${path}: decompressed data exceeds ${budget.what} (${budget.bytes} bytes); stopped after ${received} bytes`,
    { path, budgetBytes: budget.bytes, receivedBytes: received },
  );
}
