/**
 * One DICOM Part 10 file from disk to a parsed data set, with the deflate transfer syntax inflated under a
 * budget the file's own header sets.
 *
 * Deflated Explicit VR Little Endian (PS3.5 A.5) compresses everything after the File Meta group with raw
 * deflate, which expands up to 1032:1: a 4 MB file can inflate to 4 GiB. Nothing in the file states the inflated
 * length, but the data set does declare its pixel data: Rows x Columns x SamplesPerPixel x NumberOfFrames x
 * BitsAllocated / 8 (PS3.3 C.7.6.3), in group 0028, which precedes Pixel Data (7FE0,0010) in the tag order
 * PS3.5 7.1 requires. So the data set is inflated in two steps: first a growing prefix until Pixel Data's element
 * header is reached (at most `maxDicomHeaderBytes`), then the whole stream with zlib's maxOutputLength set to
 * where the declared pixel data ends plus a small slack. A data set without pixel data (SR, RTSTRUCT) may be at
 * most `maxDicomHeaderBytes`. Either way nothing larger than the budget is ever allocated.
 */
import { constants, createInflateRaw, inflateRawSync } from 'node:zlib';
import dicomParser from 'dicom-parser';
import { gctError, isGroundctError } from '../../errors.ts';
import { DECLARED_SLACK_BYTES, type ReadLimits } from './contracts.ts';
import { readRegularFile, readRegularHead } from './open-file.ts';

export const DEFLATED_EXPLICIT_LITTLE = '1.2.840.10008.1.2.1.99';
/** Default of volume.maxDicomHeaderBytes for callers that pass only the volume limits. */
export const DEFAULT_MAX_DICOM_HEADER_BYTES = 64 * 1024 * 1024;
/** Compressed bytes inflated first when looking for the Pixel Data element; doubled until it is found. */
const FIRST_PREFIX_BYTES = 16 * 1024;
/** RFC 1951's largest expansion (a 258-byte match in 2 bits), rounded up. */
const MAX_DEFLATE_RATIO = 1032;
/** Bytes of a file read to find its File Meta group (PS3.10 7.1: preamble, "DICM", group 0002). */
const META_HEAD_BYTES = 64 * 1024;

/** dicom-parser's DataSet class (its typings declare only the interface). */
const DataSetClass = (dicomParser as unknown as { DataSet: new (parser: dicomParser.ByteArrayParser, bytes: Uint8Array, elements: Record<string, dicomParser.Element>) => dicomParser.DataSet }).DataSet;

function isPart10(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

function reasonOf(e: unknown): string {
  if (e && typeof e === 'object' && 'exception' in e) return reasonOf((e as { exception: unknown }).exception);
  return e instanceof Error ? e.message : String(e);
}

/** The File Meta group (PS3.10 7.1) and the offset where the data set starts. */
/**
 * End of the File Meta group from its group length, (0002,0000) UL, the group's first element (PS3.10 7.1), or
 * undefined when a writer left it out. dicom-parser reads meta elements until one of another group appears, and it
 * reads that element whole first: a deflated data set whose first bytes happen to look like a sequence element
 * would make it fail, so the group is bounded by its declared length whenever there is one.
 */
function metaGroupEnd(bytes: Uint8Array): number | undefined {
  const at = 132;
  if (bytes.length < at + 12) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const isGroupLength = view.getUint16(at, true) === 0x0002 && view.getUint16(at + 2, true) === 0x0000 && bytes[at + 4] === 0x55 && bytes[at + 5] === 0x4c;
  if (!isGroupLength || view.getUint16(at + 6, true) !== 4) return undefined;
  const end = at + 12 + view.getUint32(at + 8, true);
  return end <= bytes.length ? end : undefined;
}

function readMeta(bytes: Uint8Array, fileLabel: string): { meta: dicomParser.DataSet; dataSetOffset: number; transferSyntaxUid: string } {
  try {
    const end = metaGroupEnd(bytes);
    const meta = dicomParser.readPart10Header(end === undefined ? bytes : bytes.subarray(0, end)) as dicomParser.DataSet & { position: number };
    return { meta, dataSetOffset: meta.position, transferSyntaxUid: meta.string('x00020010')?.trim() ?? '' };
  } catch (cause) {
    throw gctError('GCT_VOLUME_HEADER_INVALID', `${fileLabel} starts like DICOM but its File Meta group cannot be parsed (${reasonOf(cause)})`, { file: fileLabel }, cause);
  }
}

/** Pixel bytes the Image Pixel module declares (PS3.3 C.7.6.3); 0 when Rows or Columns are absent. */
function declaredPixelBytes(ds: dicomParser.DataSet): number {
  const rows = ds.uint16('x00280010') ?? 0;
  const columns = ds.uint16('x00280011') ?? 0;
  const samples = ds.uint16('x00280002') ?? 1;
  const bitsAllocated = ds.uint16('x00280100') ?? 0;
  const framesText = ds.string('x00280008');
  const frames = framesText ? Number.parseInt(framesText, 10) : 1;
  if (!(rows > 0 && columns > 0 && bitsAllocated > 0 && frames > 0 && samples > 0)) return 0;
  return Math.ceil((rows * columns * samples * frames * bitsAllocated) / 8);
}

interface HeaderScan {
  /** Inflated bytes up to and including Pixel Data's element header, or the whole data set when it ended. */
  readonly budgetBytes: number;
  /** The whole inflated data set when the prefix already held all of it. */
  readonly complete?: Uint8Array;
  /** Whether the budget came from declared pixel data (else from the header limit). */
  readonly fromPixelData: boolean;
}

/**
 * Inflates growing prefixes of the deflated data set until the Pixel Data element header is parsed (budget =
 * its offset + the pixel bytes group 0028 declares + slack) or the stream ends (budget = its length).
 */
function scanDeflatedHeader(deflated: Uint8Array, maxHeaderBytes: number, fileLabel: string): HeaderScan {
  for (let k = Math.min(FIRST_PREFIX_BYTES, deflated.length); ; k = Math.min(2 * k, deflated.length)) {
    let prefix: Buffer;
    let capped = false;
    try {
      prefix = inflateRawSync(deflated.subarray(0, k), { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: Math.min(maxHeaderBytes, MAX_DEFLATE_RATIO * k + 1024) });
    } catch (cause) {
      if ((cause as { code?: string }).code !== 'ERR_BUFFER_TOO_LARGE')
        throw gctError('GCT_DICOM_DECODE_FAILED', `${fileLabel}: the deflated data set is corrupt (${reasonOf(cause)})`, { file: fileLabel }, cause);
      // More than maxHeaderBytes came out of this prefix: the header limit decides below.
      prefix = Buffer.alloc(0);
      capped = true;
    }
    const atEnd = k === deflated.length && !capped;
    if (!capped) {
      const ds = new DataSetClass(dicomParser.littleEndianByteArrayParser, prefix, {});
      let parsed = false;
      try {
        dicomParser.parseDicomDataSetExplicit(ds, new dicomParser.ByteStream(dicomParser.littleEndianByteArrayParser, prefix, 0), prefix.length, { untilTag: 'x7fe00010' });
        parsed = true;
      } catch {
        /* the prefix ends inside an element: inflate more */
      }
      const pixel = ds.elements.x7fe00010;
      if (parsed && pixel) {
        const pixelBytes = declaredPixelBytes(ds) || (pixel.hadUndefinedLength ? 0 : pixel.length);
        return { budgetBytes: pixel.dataOffset + pixelBytes + DECLARED_SLACK_BYTES, fromPixelData: true };
      }
      if (atEnd) return { budgetBytes: prefix.length, complete: new Uint8Array(prefix.buffer, prefix.byteOffset, prefix.length), fromPixelData: false };
    }
    if (capped || prefix.length >= maxHeaderBytes || k === deflated.length) return { budgetBytes: maxHeaderBytes, fromPixelData: false };
  }
}

/** The error for a deflated data set that inflates past its budget: past its declared pixel data, or past a limit. */
function overBudget(scan: HeaderScan, budget: number, limits: ReadLimits, compressedBytes: number, fileLabel: string, cause?: unknown) {
  if (scan.fromPixelData && budget === scan.budgetBytes)
    return gctError('GCT_VOLUME_DECOMPRESSED_MISMATCH', `${fileLabel}: the ${compressedBytes}-byte deflated data set inflates past ${budget} bytes, more than its Rows x Columns x BitsAllocated x frames declare (a decompression bomb or a corrupt file); stopped there`, { file: fileLabel, budgetBytes: budget, compressedBytes }, cause);
  const limitName = budget === limits.maxDecompressedBytes ? 'volume.maxDecompressedBytes' : 'volume.maxDicomHeaderBytes';
  return gctError('GCT_VOLUME_TOO_LARGE', `${fileLabel}: the deflated data set inflates past ${budget} bytes ${scan.fromPixelData ? '' : 'without reaching its pixel data '}(${limitName}); stopped there`, { file: fileLabel, budgetBytes: budget, limit: limitName }, cause);
}

/**
 * Inflates the data set of a deflated file into one array holding the File Meta group then the inflated data
 * set (what dicom-parser's `inflater` callback returns), under the budget its header declares.
 */
export function inflateDicomDataSet(bytes: Uint8Array, dataSetOffset: number, limits: ReadLimits, fileLabel: string): Uint8Array {
  const maxHeaderBytes = Math.min(limits.maxDicomHeaderBytes ?? DEFAULT_MAX_DICOM_HEADER_BYTES, limits.maxDecompressedBytes);
  const deflated = bytes.subarray(dataSetOffset);
  const scan = scanDeflatedHeader(deflated, maxHeaderBytes, fileLabel);
  let inflated: Uint8Array;
  if (scan.complete) inflated = scan.complete;
  else {
    const budget = Math.min(scan.budgetBytes, limits.maxDecompressedBytes);
    try {
      const out = inflateRawSync(deflated, { maxOutputLength: budget });
      inflated = new Uint8Array(out.buffer, out.byteOffset, out.length);
    } catch (cause) {
      if ((cause as { code?: string }).code !== 'ERR_BUFFER_TOO_LARGE')
        throw gctError('GCT_DICOM_DECODE_FAILED', `${fileLabel}: the deflated data set cannot be inflated (${reasonOf(cause)})`, { file: fileLabel }, cause);
      throw overBudget(scan, budget, limits, deflated.length, fileLabel, cause);
    }
  }
  const out = new Uint8Array(dataSetOffset + inflated.length);
  out.set(bytes.subarray(0, dataSetOffset));
  out.set(inflated, dataSetOffset);
  return out;
}

/**
 * Parses a DICOM Part 10 file held in memory; null for anything without the "DICM" marker. A deflated data set
 * is inflated under its declared budget; a file that says DICM but does not parse is GCT_VOLUME_HEADER_INVALID.
 */
export function parsePart10Bytes(bytes: Uint8Array, limits: ReadLimits, fileLabel: string, untilTag?: string): dicomParser.DataSet | null {
  if (!isPart10(bytes)) return null;
  const { dataSetOffset, transferSyntaxUid } = readMeta(bytes, fileLabel);
  const full = transferSyntaxUid === DEFLATED_EXPLICIT_LITTLE ? inflateDicomDataSet(bytes, dataSetOffset, limits, fileLabel) : undefined;
  try {
    // Deflated: dicom-parser sees only the File Meta group (bounded as in readMeta) and gets the rest inflated.
    return dicomParser.parseDicom(full === undefined ? bytes : bytes.subarray(0, dataSetOffset), {
      ...(untilTag ? { untilTag } : {}),
      // Only ever called for the deflate transfer syntax, with the data set already inflated under its budget.
      inflater: () => full ?? bytes,
    });
  } catch (cause) {
    if (isGroundctError(cause)) throw cause;
    throw gctError('GCT_VOLUME_HEADER_INVALID', `${fileLabel} starts like DICOM but cannot be parsed (${reasonOf(cause)})`, { file: fileLabel }, cause);
  }
}

/** Reads (a regular file only, at most the decompressed-size limit) and parses a DICOM Part 10 file. */
export async function readPart10File(path: string, limits: ReadLimits, fileLabel: string): Promise<dicomParser.DataSet | null> {
  // A non-DICOM file in a series folder (a README, a stray archive) is recognised from its first bytes, not read whole.
  if (!isPart10(await readRegularHead(path, 132, { what: 'DICOM file' }))) return null;
  const bytes = await readRegularFile(path, { maxBytes: limits.maxDecompressedBytes, limitName: 'volume.maxDecompressedBytes', what: 'DICOM file' });
  return parsePart10Bytes(bytes, limits, fileLabel);
}

/**
 * The SOP Class UID of a DICOM file from its File Meta group (MediaStorageSOPClassUID, 0002,0002), read from the
 * file's first bytes without inflating or parsing the data set; undefined when the file does not say.
 */
export async function dicomMetaSopClass(path: string): Promise<string | undefined> {
  const head = await readRegularHead(path, META_HEAD_BYTES);
  if (!isPart10(head)) return undefined;
  try {
    return (dicomParser.readPart10Header(head) as dicomParser.DataSet).string('x00020002')?.trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Admission check of a DICOM file without keeping its inflated data: a deflated data set is inflated as a stream
 * in libuv's thread pool (the caller's event loop stays free), counted and dropped, and refused as soon as it
 * passes the budget its header declares (see inflateDicomDataSet). Other files pass unread beyond their meta
 * group. Returns the inflated size of a deflated data set, else 0.
 */
export async function checkDicomDeflateBudget(path: string, limits: ReadLimits, fileLabel: string): Promise<number> {
  const head = await readRegularHead(path, META_HEAD_BYTES, { what: 'DICOM file' });
  if (!isPart10(head) || readMeta(head, fileLabel).transferSyntaxUid !== DEFLATED_EXPLICIT_LITTLE) return 0;
  const bytes = await readRegularFile(path, { maxBytes: limits.maxDecompressedBytes, limitName: 'volume.maxDecompressedBytes', what: 'DICOM file' });
  const { dataSetOffset } = readMeta(bytes, fileLabel);
  const maxHeaderBytes = Math.min(limits.maxDicomHeaderBytes ?? DEFAULT_MAX_DICOM_HEADER_BYTES, limits.maxDecompressedBytes);
  const deflated = bytes.subarray(dataSetOffset);
  const scan = scanDeflatedHeader(deflated, maxHeaderBytes, fileLabel);
  if (scan.complete) return scan.complete.length;
  const budget = Math.min(scan.budgetBytes, limits.maxDecompressedBytes);
  let total = 0;
  const inflate = createInflateRaw();
  inflate.end(deflated);
  try {
    for await (const chunk of inflate as AsyncIterable<Buffer>) {
      total += chunk.length;
      // Leaving the loop destroys the stream: nothing more is inflated.
      if (total > budget) throw overBudget(scan, budget, limits, deflated.length, fileLabel);
    }
  } catch (cause) {
    if (isGroundctError(cause)) throw cause;
    throw gctError('GCT_DICOM_DECODE_FAILED', `${fileLabel}: the deflated data set cannot be inflated (${reasonOf(cause)})`, { file: fileLabel }, cause);
  }
  return total;
}
