/**
 * Reads a zip's central directory and extracts it only after every entry passed the checks: no absolute
 * path, no '..' segment, no link or device, no encryption, stored or deflate only, no zip64, at most
 * `maxEntries` entries and at most `maxBytes` declared uncompressed bytes in all. While extracting, an entry
 * that inflates beyond its declared size or fails its CRC-32 stops the extraction (the central directory can
 * lie; the inflated stream cannot). Inflation streams through node:zlib (libuv thread pool), never blocking
 * the event loop. Extraction goes to a temporary folder that is renamed into place at the end.
 *
 * Format: PKWARE APPNOTE.TXT 6.3.10 (section 4.3.12 central directory header, 4.3.16 end of central directory,
 * 4.4.2 "version made by" (3 = UNIX: the upper 16 bits of the external attributes are st_mode)).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createInflateRaw, crc32 } from 'node:zlib';
import { gctError, isGroundctError } from '../../errors.ts';

export interface ZipEntry {
  /** Path inside the archive, '/' separated. */
  readonly name: string;
  readonly isDirectory: boolean;
  readonly method: number;
  readonly compressedBytes: number;
  readonly uncompressedBytes: number;
  readonly crc32: number;
  readonly localHeaderOffset: number;
}

export interface ZipLimits {
  readonly maxEntries: number;
  readonly maxBytes: number;
}

const EOCD_SIG = 0x06054b50;
const CDH_SIG = 0x02014b50;
const LFH_SIG = 0x04034b50;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

function unsafe(part: string, message: string, details: Record<string, unknown> = {}) {
  return gctError('GCT_SERVICE_ARCHIVE_UNSAFE', `Zip in part '${part}': ${message}`, { part, ...details });
}

/** Rejects absolute paths, drive letters, '..' segments and control characters; returns the '/' form. */
export function checkEntryPath(raw: string, part: string): string {
  const name = raw.replace(/\\/g, '/');
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f]/.test(name)) throw unsafe(part, 'an entry name holds control characters.');
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) throw unsafe(part, `entry '${name.slice(0, 120)}' has an absolute path.`, { entry: name.slice(0, 120) });
  if (name.split('/').some((s) => s === '..')) throw unsafe(part, `entry '${name.slice(0, 120)}' leaves the archive's folder ('..').`, { entry: name.slice(0, 120) });
  return name;
}

/** Lists and checks the entries of the zip at `path` without extracting anything. */
export async function readZipDirectory(path: string, limits: ZipLimits, part: string): Promise<ZipEntry[]> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const tailBytes = Math.min(size, 22 + 0xffff);
    const tail = Buffer.alloc(tailBytes);
    await fh.read(tail, 0, tailBytes, size - tailBytes);
    let eocd = -1;
    for (let n = tailBytes - 22; n >= 0; n--) {
      if (tail.readUInt32LE(n) === EOCD_SIG) {
        eocd = n;
        break;
      }
    }
    if (eocd < 0) throw gctError('GCT_SERVICE_FILE_TYPE_UNSUPPORTED', `Part '${part}' starts like a zip but has no end of central directory record (truncated or not a zip).`, { part });
    const entryCount = tail.readUInt16LE(eocd + 10);
    const cdBytes = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (tail.readUInt16LE(eocd + 4) !== 0 || tail.readUInt16LE(eocd + 6) !== 0) throw unsafe(part, 'multi-volume (split) archives are not accepted.');
    if (entryCount === 0xffff || cdOffset === 0xffffffff || cdBytes === 0xffffffff) throw unsafe(part, 'zip64 archives are not accepted; split the series into archives under 4 GiB.');
    if (entryCount > limits.maxEntries) throw unsafe(part, `${entryCount} entries, more than service.limits.maxArchiveEntries = ${limits.maxEntries}.`, { entries: entryCount, maxEntries: limits.maxEntries });
    if (cdOffset + cdBytes > size) throw gctError('GCT_SERVICE_FILE_TYPE_UNSUPPORTED', `Part '${part}': the zip's central directory lies outside the file (truncated upload?).`, { part });
    const cd = Buffer.alloc(cdBytes);
    await fh.read(cd, 0, cdBytes, cdOffset);
    const entries: ZipEntry[] = [];
    let totalBytes = 0;
    let at = 0;
    for (let e = 0; e < entryCount; e++) {
      if (at + 46 > cd.length || cd.readUInt32LE(at) !== CDH_SIG) throw gctError('GCT_SERVICE_FILE_TYPE_UNSUPPORTED', `Part '${part}': the zip's central directory is corrupt at entry ${e}.`, { part });
      const madeBy = cd.readUInt16LE(at + 4) >> 8;
      const flags = cd.readUInt16LE(at + 8);
      const method = cd.readUInt16LE(at + 10);
      const crc = cd.readUInt32LE(at + 16);
      const compressedBytes = cd.readUInt32LE(at + 20);
      const uncompressedBytes = cd.readUInt32LE(at + 24);
      const nameLen = cd.readUInt16LE(at + 28);
      const extraLen = cd.readUInt16LE(at + 30);
      const commentLen = cd.readUInt16LE(at + 32);
      const external = cd.readUInt32LE(at + 38);
      const localHeaderOffset = cd.readUInt32LE(at + 42);
      const rawName = cd.subarray(at + 46, at + 46 + nameLen).toString(flags & 0x800 ? 'utf8' : 'latin1');
      at += 46 + nameLen + extraLen + commentLen;
      const name = checkEntryPath(rawName, part);
      const isDirectory = name.endsWith('/');
      if (madeBy === 3) {
        const mode = (external >>> 16) & S_IFMT;
        if (mode !== 0 && mode !== S_IFREG && mode !== S_IFDIR) throw unsafe(part, `entry '${name.slice(0, 120)}' is a link or special file, not a regular file.`, { entry: name.slice(0, 120) });
      }
      if (flags & 0x1) throw unsafe(part, `entry '${name.slice(0, 120)}' is encrypted.`, { entry: name.slice(0, 120) });
      if (method !== 0 && method !== 8) throw unsafe(part, `entry '${name.slice(0, 120)}' uses compression method ${method}; only stored (0) and deflate (8) are accepted.`, { entry: name.slice(0, 120), method });
      if (compressedBytes === 0xffffffff || uncompressedBytes === 0xffffffff || localHeaderOffset === 0xffffffff) throw unsafe(part, 'zip64 entries are not accepted.');
      totalBytes += uncompressedBytes;
      if (totalBytes > limits.maxBytes)
        throw gctError('GCT_SERVICE_DECOMPRESSED_TOO_LARGE', `Zip in part '${part}' declares more than ${limits.maxBytes} uncompressed bytes (service.limits.maxDecompressedBytes).`, { part, maxDecompressedBytes: limits.maxBytes });
      entries.push({ name, isDirectory, method, compressedBytes, uncompressedBytes, crc32: crc, localHeaderOffset });
    }
    return entries;
  } finally {
    await fh.close();
  }
}

/** Files worth extracting: not folders, not macOS resource forks, not hidden files. */
function isPayload(e: ZipEntry): boolean {
  return !e.isDirectory && !e.name.split('/').some((s) => s === '__MACOSX' || s.startsWith('.'));
}

/** A flat, safe file name for an entry (the folder structure inside the archive carries no meaning here). */
function flatName(entryName: string, taken: Set<string>): string {
  let name = basename(entryName).replace(/[^A-Za-z0-9._-]/g, '_') || 'file';
  if (taken.has(name)) {
    let n = 1;
    while (taken.has(`${n}_${name}`)) n++;
    name = `${n}_${name}`;
  }
  taken.add(name);
  return name;
}

/**
 * Bytes one upload may leave on disk, shared by all its parts: extraction adds every byte it writes and stops
 * with GCT_SERVICE_STORAGE_BUDGET_EXCEEDED (413) as soon as the total passes `maxBytes`.
 */
export class StorageBudget {
  constructor(
    readonly maxBytes: number,
    public usedBytes = 0,
  ) {}

  /** Throws when `bytes` more would not fit. */
  assertRoom(bytes: number, part: string): void {
    if (this.usedBytes + bytes > this.maxBytes)
      throw gctError('GCT_SERVICE_STORAGE_BUDGET_EXCEEDED', `The upload would store more than service.limits.maxStoredBytesPerUpload = ${this.maxBytes} bytes once extracted (part '${part}').`, { part, maxStoredBytesPerUpload: this.maxBytes });
  }

  add(bytes: number, part: string): void {
    this.assertRoom(bytes, part);
    this.usedBytes += bytes;
  }
}

export interface ExtractOptions {
  /** Counts the extracted bytes against the upload's budget. */
  readonly budget?: StorageBudget;
  /** Names files by their position ('slice-00001.dcm') instead of their entry names, which may carry a patient's name. */
  readonly numbered?: { readonly prefix: string; readonly extension: string };
}

/**
 * Extracts the payload files of a checked zip, flattened into `targetDir` (which must not exist yet), and
 * returns their names. All or nothing: a failure leaves no `targetDir`.
 */
export async function extractZip(path: string, entries: readonly ZipEntry[], targetDir: string, part: string, options: ExtractOptions = {}): Promise<string[]> {
  const payload = entries.filter(isPayload);
  // The central directory's sizes are checked against the budget first (cheap); the guard below keeps each entry
  // to its declared size, and the budget counts again while writing.
  options.budget?.assertRoom(
    payload.reduce((n, e) => n + e.uncompressedBytes, 0),
    part,
  );
  const temp = join(dirname(targetDir), `.${basename(targetDir)}.tmp-${randomBytes(6).toString('hex')}`);
  await mkdir(temp, { recursive: true });
  const names: string[] = [];
  const taken = new Set<string>();
  try {
    const fh = await open(path, 'r');
    const local = Buffer.alloc(30);
    try {
      for (const [index, e] of payload.entries()) {
        await fh.read(local, 0, 30, e.localHeaderOffset);
        if (local.readUInt32LE(0) !== LFH_SIG) throw unsafe(part, `entry '${e.name.slice(0, 120)}' has no local header where the directory says.`);
        const dataStart = e.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
        const name = options.numbered ? `${options.numbered.prefix}${String(index + 1).padStart(5, '0')}${options.numbered.extension}` : flatName(e.name, taken);
        await extractEntry(path, e, dataStart, join(temp, name), part, options.budget);
        names.push(name);
      }
    } finally {
      await fh.close();
    }
    await rename(temp, targetDir);
    return names;
  } catch (err) {
    await rm(temp, { recursive: true, force: true });
    throw err;
  }
}

async function extractEntry(zipPath: string, e: ZipEntry, dataStart: number, outPath: string, part: string, budget?: StorageBudget): Promise<void> {
  let written = 0;
  let crc = 0;
  const guard = new Transform({
    transform(chunk: Buffer, _enc, done) {
      written += chunk.length;
      if (written > e.uncompressedBytes) {
        done(unsafe(part, `entry '${e.name.slice(0, 120)}' inflates beyond its declared ${e.uncompressedBytes} bytes.`, { entry: e.name.slice(0, 120) }));
        return;
      }
      try {
        budget?.add(chunk.length, part);
      } catch (err) {
        done(err as Error);
        return;
      }
      crc = crc32(chunk, crc);
      done(null, chunk);
    },
  });
  const source = e.compressedBytes === 0 ? Readable.from([]) : createReadStream(zipPath, { start: dataStart, end: dataStart + e.compressedBytes - 1 });
  try {
    if (e.method === 8 && e.compressedBytes > 0) await pipeline(source, createInflateRaw(), guard, createWriteStream(outPath));
    else await pipeline(source, guard, createWriteStream(outPath));
  } catch (cause) {
    if (isGroundctError(cause)) throw cause;
    throw unsafe(part, `entry '${e.name.slice(0, 120)}' could not be inflated: ${(cause as Error).message}`, { entry: e.name.slice(0, 120) });
  }
  if (written !== e.uncompressedBytes || crc !== e.crc32) throw unsafe(part, `entry '${e.name.slice(0, 120)}' does not match its declared size or CRC-32 (corrupt archive).`, { entry: e.name.slice(0, 120) });
}
