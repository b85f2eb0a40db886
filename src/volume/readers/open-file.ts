/**
 * The one way the volume readers touch the file system: regular files and folders only, every failure a coded
 * error naming the path.
 *
 * Why: `open()` of a named pipe blocks until a writer appears (a hang), a character device such as /dev/zero
 * never ends (memory), and raw errno failures (EACCES, ELOOP, EISDIR) surfaced as GCT_INTERNAL stack traces.
 * A file is therefore opened with O_NONBLOCK (which makes open() of a FIFO return at once and changes nothing for
 * a regular file, open(2)), then checked with fstat on the open descriptor, so no race between a check and the
 * open can swap in a pipe. Only then is it read, never beyond its size at open time nor the caller's byte limit.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Dirent } from 'node:fs';
import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { gctError, isGroundctError, type GroundctError } from '../../errors.ts';

/** What the file is for, in the error message ("CT", "label map", "DICOM slice"). */
export interface FileRole {
  readonly what?: string;
}

/** The largest single read(2) we ask for: Node refuses one read beyond 2 GiB - 1. */
const READ_CHUNK_BYTES = 1 << 30;

/** Names a non-regular file kind from a stat result. */
function kindOf(s: { isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }): string {
  if (s.isFIFO()) return 'a named pipe (FIFO)';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isSocket()) return 'a socket';
  if (s.isDirectory()) return 'a folder';
  if (s.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

const label = (role: FileRole | undefined) => (role?.what ? `${role.what} ` : '');

/**
 * Maps a file-system failure (errno code) onto the catalogue: a missing path is GCT_VOLUME_NOT_FOUND, anything
 * that exists but cannot be read (permissions, symbolic-link loops, a folder where a file is expected, I/O
 * errors) GCT_VOLUME_NOT_READABLE, with the errno in details and the original error as cause.
 */
export function fileSystemError(cause: unknown, path: string, role?: FileRole): GroundctError {
  if (isGroundctError(cause)) return cause;
  const errno = (cause as NodeJS.ErrnoException)?.code ?? 'unknown';
  const what = label(role);
  const details = { path, errno };
  switch (errno) {
    case 'ENOENT':
      return gctError('GCT_VOLUME_NOT_FOUND', `${what}${path}: no such file or folder`, details, cause);
    case 'ENOTDIR':
      return gctError('GCT_VOLUME_NOT_FOUND', `${what}${path}: a part of the path is a file, not a folder`, details, cause);
    case 'EACCES':
    case 'EPERM':
      return gctError('GCT_VOLUME_NOT_READABLE', `${what}${path}: permission denied (${errno})`, details, cause);
    case 'ELOOP':
      return gctError('GCT_VOLUME_NOT_READABLE', `${what}${path}: too many levels of symbolic links (a link loop)`, details, cause);
    case 'EISDIR':
      return gctError('GCT_VOLUME_NOT_READABLE', `${what}${path} is a folder; a file was expected`, details, cause);
    case 'ENAMETOOLONG':
      return gctError('GCT_VOLUME_NOT_READABLE', `${what}path is too long for the file system (${path.length} characters)`, { ...details, path: path.slice(0, 200) }, cause);
    default:
      return gctError('GCT_VOLUME_NOT_READABLE', `${what}${path} cannot be read (${errno}: ${(cause as Error)?.message ?? String(cause)})`, details, cause);
  }
}

function notRegular(path: string, kind: string, role?: FileRole): GroundctError {
  return gctError('GCT_VOLUME_NOT_READABLE', `${label(role)}${path} is ${kind}; groundct reads regular files only`, { path, kind });
}

/** Opens a regular file for reading without blocking on pipes; anything else is refused, closed again. */
export async function openRegularFile(path: string, role?: FileRole): Promise<{ fh: FileHandle; sizeBytes: number }> {
  let fh: FileHandle;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (cause) {
    throw fileSystemError(cause, path, role);
  }
  try {
    const s = await fh.stat();
    if (!s.isFile()) throw notRegular(path, kindOf(s), role);
    return { fh, sizeBytes: s.size };
  } catch (e) {
    await fh.close().catch(() => undefined);
    throw fileSystemError(e, path, role);
  }
}

export interface ReadLimit extends FileRole {
  /** Largest file accepted, in bytes. */
  readonly maxBytes: number;
  /** The configuration field that sets maxBytes, named in the error (e.g. volume.maxDecompressedBytes). */
  readonly limitName: string;
}

/**
 * Reads a whole regular file (of any size up to the limit; files over 2 GiB are read in chunks) into memory.
 * A file over `maxBytes` is GCT_VOLUME_TOO_LARGE before anything is allocated.
 */
export async function readRegularFile(path: string, limit: ReadLimit): Promise<Uint8Array> {
  const { fh, sizeBytes } = await openRegularFile(path, limit);
  try {
    if (sizeBytes > limit.maxBytes)
      throw gctError('GCT_VOLUME_TOO_LARGE', `${label(limit)}${path} is ${sizeBytes} bytes, over the limit of ${limit.maxBytes} bytes (${limit.limitName})`, { path, sizeBytes, maxBytes: limit.maxBytes, limit: limit.limitName });
    const out = new Uint8Array(sizeBytes);
    let at = 0;
    while (at < sizeBytes) {
      const { bytesRead } = await fh.read(out, at, Math.min(READ_CHUNK_BYTES, sizeBytes - at), at);
      if (bytesRead === 0) break; // the file shrank since fstat: keep what is there (the parser reports truncation)
      at += bytesRead;
    }
    return at === sizeBytes ? out : out.subarray(0, at);
  } catch (e) {
    throw fileSystemError(e, path, limit);
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/**
 * Opens and checks a regular file as `openRegularFile` does, synchronously, and reads it whole when it is at most
 * `wholeMaxBytes`; a larger file is closed again with only its size returned (the caller streams it).
 * Why synchronous: a TotalSegmentator folder is about a hundred 2 kB files, and each asynchronous open, fstat, read
 * and close is a thread-pool round trip; done in place the hundred files cost about a millisecond instead of 7-25
 * (measured here). Only small files are read this way, so the event loop is never held for long.
 */
export function readRegularFileIfSmallSync(path: string, wholeMaxBytes: number, role?: FileRole): { sizeBytes: number; bytes?: Uint8Array } {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (cause) {
    throw fileSystemError(cause, path, role);
  }
  try {
    const s = fstatSync(fd);
    if (!s.isFile()) throw notRegular(path, kindOf(s), role);
    if (s.size > wholeMaxBytes) return { sizeBytes: s.size };
    const bytes = new Uint8Array(s.size);
    let at = 0;
    while (at < s.size) {
      const read = readSync(fd, bytes, at, s.size - at, at);
      if (read === 0) break; // the file shrank since fstat: keep what is there (the parser reports truncation)
      at += read;
    }
    return { sizeBytes: s.size, bytes: at === s.size ? bytes : bytes.subarray(0, at) };
  } catch (e) {
    throw fileSystemError(e, path, role);
  } finally {
    try {
      closeSync(fd);
    } catch {
      // closing a descriptor we only read from cannot lose data
    }
  }
}

/** The first `bytes` bytes of a regular file (fewer when it is shorter). */
export async function readRegularHead(path: string, bytes: number, role?: FileRole): Promise<Uint8Array> {
  const { fh } = await openRegularFile(path, role);
  try {
    const buf = new Uint8Array(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } catch (e) {
    throw fileSystemError(e, path, role);
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/** A UTF-8 text file (label maps, question files) up to `maxBytes`. */
export async function readRegularText(path: string, limit: ReadLimit): Promise<string> {
  const bytes = await readRegularFile(path, limit);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/** Whether an input path is a file or a folder (symbolic links followed); pipes, devices and sockets are refused. */
export async function inputPathKind(path: string, role?: FileRole): Promise<'file' | 'folder'> {
  let s;
  try {
    s = await stat(path);
  } catch (cause) {
    throw fileSystemError(cause, path, role);
  }
  if (s.isDirectory()) return 'folder';
  if (s.isFile()) return 'file';
  throw notRegular(path, kindOf(s), role);
}

/** The entries of a folder, with the read error mapped (EACCES, ENOTDIR, ...). */
export async function listFolder(path: string, role?: FileRole): Promise<Dirent[]> {
  try {
    return await readdir(path, { withFileTypes: true });
  } catch (cause) {
    throw fileSystemError(cause, path, role);
  }
}
