/**
 * DICOM frame decoding: stored pixel values of one frame, before any rescale.
 *
 * Transfer syntaxes (DICOM PS3.5 section 10 and Annex A, https://dicom.nema.org/medical/dicom/current/output/html/part05.html):
 * - 1.2.840.10008.1.2      implicit VR little endian
 * - 1.2.840.10008.1.2.1    explicit VR little endian
 * - 1.2.840.10008.1.2.1.99 deflated explicit VR little endian (dicom-parser inflates the data set with node:zlib)
 * - 1.2.840.10008.1.2.2    explicit VR big endian (retired; 16-bit samples are byte-swapped here)
 * - 1.2.840.10008.1.2.4.90 / .91 JPEG 2000 (lossless only / lossy allowed), decoded with OpenJPEG
 *   (@cornerstonejs/codec-openjpeg, WebAssembly). Anything else is GCT_DICOM_TRANSFER_SYNTAX_UNSUPPORTED.
 *
 * This file and its siblings are the only place dicom-parser and the OpenJPEG codec are imported.
 */
import { createRequire } from 'node:module';
import dicomParser from 'dicom-parser';
import { gctError, isGroundctError } from '../../errors.ts';
import { j2kSize } from './j2k-siz.ts';

export const TRANSFER_SYNTAX = {
  implicitLittle: '1.2.840.10008.1.2',
  explicitLittle: '1.2.840.10008.1.2.1',
  deflatedExplicitLittle: '1.2.840.10008.1.2.1.99',
  explicitBig: '1.2.840.10008.1.2.2',
  jpeg2000Lossless: '1.2.840.10008.1.2.4.90',
  jpeg2000: '1.2.840.10008.1.2.4.91',
} as const;

const UNCOMPRESSED = new Set<string>([
  TRANSFER_SYNTAX.implicitLittle,
  TRANSFER_SYNTAX.explicitLittle,
  TRANSFER_SYNTAX.deflatedExplicitLittle,
  TRANSFER_SYNTAX.explicitBig,
]);
const JPEG2000 = new Set<string>([TRANSFER_SYNTAX.jpeg2000Lossless, TRANSFER_SYNTAX.jpeg2000]);

/** Native (uncompressed) pixel data: implicit/explicit VR little endian, deflated data set, big endian. */
export function isUncompressedTransferSyntax(uid: string): boolean {
  return UNCOMPRESSED.has(uid);
}

export function isSupportedTransferSyntax(uid: string): boolean {
  return UNCOMPRESSED.has(uid) || JPEG2000.has(uid);
}

/** Image Pixel module attributes (PS3.3 C.7.6.3) that decide how stored values are laid out. */
export interface PixelFormat {
  readonly rows: number;
  readonly columns: number;
  /** 8 or 16 (1-bit SEG frames are unpacked by the SEG reader). */
  readonly bitsAllocated: number;
  readonly bitsStored: number;
  /** 0 = unsigned, 1 = two's complement. */
  readonly pixelRepresentation: number;
  readonly numberOfFrames: number;
}

export type StoredFrame = Int16Array | Uint16Array | Int8Array | Uint8Array;

/** Reads the pixel format attributes of a parsed data set (defaults per PS3.3 where the attribute is optional). */
export function pixelFormatOf(ds: dicomParser.DataSet): PixelFormat {
  const framesText = ds.string('x00280008');
  return {
    rows: ds.uint16('x00280010') ?? 0,
    columns: ds.uint16('x00280011') ?? 0,
    bitsAllocated: ds.uint16('x00280100') ?? 0,
    bitsStored: ds.uint16('x00280101') ?? ds.uint16('x00280100') ?? 0,
    pixelRepresentation: ds.uint16('x00280103') ?? 0,
    numberOfFrames: framesText ? Number.parseInt(framesText, 10) : 1,
  };
}

/** The subset of the OpenJPEG codec's embind API we use. */
interface J2kDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getDecodedBuffer(): Uint8Array;
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned: boolean };
  delete(): void;
}
interface OpenJpegModule {
  J2KDecoder: new () => J2kDecoder;
}
type OpenJpegFactory = (moduleArg: { print: (s: string) => void; printErr: (s: string) => void }) => Promise<OpenJpegModule>;

let openJpeg: Promise<OpenJpegModule> | undefined;
/** Lines OpenJPEG printed during the decode in progress (decoding is synchronous, so one at a time). */
let codecLines: string[] | undefined;

/**
 * Loads the OpenJPEG WebAssembly module once. OpenJPEG reports "[INFO]/[WARNING]/[ERROR] ..." lines through the
 * Emscripten module's print/printErr, and does not throw when a codestream is corrupt: it prints "[ERROR] ..."
 * and returns an empty image. We collect the lines of each decode (never printed: the CLI writes JSON to
 * stdout) and treat any [ERROR] line as a failed decode.
 */
export function loadOpenJpeg(): Promise<OpenJpegModule> {
  if (!openJpeg) {
    const require = createRequire(import.meta.url);
    const factory = require('@cornerstonejs/codec-openjpeg/decodewasmjs') as OpenJpegFactory;
    const collect = (line: string): void => void codecLines?.push(line);
    openJpeg = factory({ print: collect, printErr: collect });
  }
  return openJpeg;
}

/**
 * Decodes frame `frameIndex` of a parsed data set to its stored values, in the type the DICOM header
 * declares (PixelRepresentation, BitsAllocated). `fileLabel` names the file in errors (no patient data).
 */
export async function decodeFrame(
  ds: dicomParser.DataSet,
  transferSyntaxUid: string,
  frameIndex: number,
  fileLabel: string,
): Promise<StoredFrame> {
  const format = pixelFormatOf(ds);
  const el = ds.elements.x7fe00010;
  if (!el) throw gctError('GCT_DICOM_DECODE_FAILED', `${fileLabel}: no Pixel Data (7FE0,0010)`, { file: fileLabel });
  if (format.bitsAllocated !== 8 && format.bitsAllocated !== 16)
    throw gctError('GCT_VOLUME_DATATYPE_UNSUPPORTED', `${fileLabel}: BitsAllocated ${format.bitsAllocated}; expected 8 or 16`, {
      file: fileLabel,
      bitsAllocated: format.bitsAllocated,
    });
  if (UNCOMPRESSED.has(transferSyntaxUid)) return uncompressedFrame(ds, el, format, frameIndex, transferSyntaxUid === TRANSFER_SYNTAX.explicitBig, fileLabel);
  if (JPEG2000.has(transferSyntaxUid)) return jpeg2000Frame(ds, el, format, frameIndex, fileLabel);
  throw gctError(
    'GCT_DICOM_TRANSFER_SYNTAX_UNSUPPORTED',
    `${fileLabel}: transfer syntax ${transferSyntaxUid} is not supported (supported: ${[...UNCOMPRESSED, ...JPEG2000].join(', ')})`,
    { file: fileLabel, transferSyntaxUid },
  );
}

function frameLength(format: PixelFormat): number {
  return format.rows * format.columns;
}

function uncompressedFrame(
  ds: dicomParser.DataSet,
  el: dicomParser.Element,
  format: PixelFormat,
  frameIndex: number,
  bigEndian: boolean,
  fileLabel: string,
): StoredFrame {
  const n = frameLength(format);
  const bytesPerSample = format.bitsAllocated / 8;
  const start = el.dataOffset + frameIndex * n * bytesPerSample;
  const end = start + n * bytesPerSample;
  if (end > ds.byteArray.length || (frameIndex + 1) * n * bytesPerSample > el.length)
    throw gctError('GCT_VOLUME_TRUNCATED', `${fileLabel}: Pixel Data holds ${el.length} bytes; frame ${frameIndex} needs bytes ${start - el.dataOffset}..${end - el.dataOffset}`, {
      file: fileLabel,
    });
  // Copy: the source may sit at an odd byte offset, and the caller may keep the frame after the file is dropped.
  const bytes = ds.byteArray.slice(start, end);
  if (format.bitsAllocated === 8) return format.pixelRepresentation === 1 ? new Int8Array(bytes.buffer, bytes.byteOffset, n) : bytes;
  if (bigEndian) for (let p = 0; p < bytes.length; p += 2) [bytes[p], bytes[p + 1]] = [bytes[p + 1], bytes[p]];
  return format.pixelRepresentation === 1 ? new Int16Array(bytes.buffer, bytes.byteOffset, n) : new Uint16Array(bytes.buffer, bytes.byteOffset, n);
}

function encapsulatedFrameBytes(ds: dicomParser.DataSet, el: dicomParser.Element, format: PixelFormat, frameIndex: number, fileLabel: string): Uint8Array {
  const parser = dicomParser;
  const fragments = el.fragments ?? [];
  if (fragments.length === 0) throw gctError('GCT_DICOM_DECODE_FAILED', `${fileLabel}: encapsulated Pixel Data has no fragments`, { file: fileLabel });
  // One frame: all fragments belong to it (PS3.5 A.4). Several frames: the Basic Offset Table, or one fragment per frame.
  if (format.numberOfFrames === 1) return parser.readEncapsulatedPixelDataFromFragments(ds, el, 0, fragments.length);
  if (el.basicOffsetTable && el.basicOffsetTable.length > 0) return parser.readEncapsulatedImageFrame(ds, el, frameIndex);
  if (fragments.length === format.numberOfFrames) return parser.readEncapsulatedPixelDataFromFragments(ds, el, frameIndex, 1);
  return parser.readEncapsulatedImageFrame(ds, el, frameIndex, parser.createJPEGBasicOffsetTable(ds, el));
}

async function jpeg2000Frame(ds: dicomParser.DataSet, el: dicomParser.Element, format: PixelFormat, frameIndex: number, fileLabel: string): Promise<StoredFrame> {
  const codec = await loadOpenJpeg();
  let decoded: Uint8Array;
  let info: ReturnType<J2kDecoder['getFrameInfo']>;
  const encoded = encapsulatedFrameBytes(ds, el, format, frameIndex, fileLabel);
  checkDeclaredSize(encoded, format, frameIndex, fileLabel);
  const decoder = new codec.J2KDecoder();
  codecLines = [];
  let errors: string[] = [];
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    decoder.decode();
    errors = codecLines.filter((l) => l.includes('[ERROR]'));
    info = decoder.getFrameInfo();
    decoded = decoder.getDecodedBuffer().slice(); // copy out of WebAssembly memory before delete()
  } catch (cause) {
    if (isGroundctError(cause)) throw cause;
    throw gctError('GCT_DICOM_DECODE_FAILED', `${fileLabel}: JPEG 2000 frame ${frameIndex} could not be decoded (${describe(cause)})`, { file: fileLabel }, cause);
  } finally {
    codecLines = undefined;
    decoder.delete();
  }
  if (errors.length > 0)
    throw gctError('GCT_DICOM_DECODE_FAILED', `${fileLabel}: JPEG 2000 frame ${frameIndex} is corrupt: OpenJPEG reports ${errors.slice(0, 3).map((l) => l.replace('[ERROR]', '').trim()).join('; ')}`, { file: fileLabel, codecErrors: errors.slice(0, 10) });
  if (info.width !== format.columns || info.height !== format.rows || info.componentCount !== 1)
    throw gctError(
      'GCT_DICOM_DECODE_FAILED',
      `${fileLabel}: JPEG 2000 frame is ${info.width}x${info.height}x${info.componentCount} components; header says ${format.columns}x${format.rows}x1`,
      { file: fileLabel },
    );
  return j2kSamplesToStored(decoded, info.bitsPerSample, info.isSigned, format);
}

/**
 * Converts OpenJPEG's decoded samples to the type the DICOM header declares.
 *
 * The J2K codestream carries its own signedness (SIZ marker, ISO/IEC 15444-1 A.5.1), which some encoders set
 * wrongly: pydicom's J2K_pixelrep_mismatch.dcm has an unsigned 13-bit stream but PixelRepresentation 1. Like
 * pydicom (APPLY_J2K_CORRECTIONS) and GDCM we follow the DICOM header: when the header says signed and the
 * stream says unsigned, the low BitsStored bits are read as a two's complement number; when the header says
 * unsigned and the stream signed, the low BitsStored bits are read as unsigned.
 */
export function j2kSamplesToStored(decoded: Uint8Array, bitsPerSample: number, streamSigned: boolean, format: PixelFormat): StoredFrame {
  const n = frameLength(format);
  const bytesPerSample = bitsPerSample <= 8 ? 1 : 2;
  if (bitsPerSample > 16) throw gctError('GCT_DICOM_DECODE_FAILED', `JPEG 2000 frame has ${bitsPerSample} bits per sample; at most 16 fit the DICOM pixel types read here`);
  // Exactly the declared length: a shorter or longer output means the codec and the header disagree.
  if (decoded.length !== n * bytesPerSample) throw gctError('GCT_DICOM_DECODE_FAILED', `JPEG 2000 frame decodes to ${decoded.length} bytes; expected ${n * bytesPerSample} (Rows x Columns x ${bytesPerSample} byte(s))`);
  const aligned = decoded.byteOffset % 2 === 0 ? decoded : decoded.slice();
  const samples: ArrayLike<number> =
    bytesPerSample === 1
      ? streamSigned ? new Int8Array(aligned.buffer, aligned.byteOffset, n) : aligned.subarray(0, n)
      : streamSigned ? new Int16Array(aligned.buffer, aligned.byteOffset, n) : new Uint16Array(aligned.buffer, aligned.byteOffset, n);
  const headerSigned = format.pixelRepresentation === 1;
  const out: StoredFrame =
    format.bitsAllocated === 8 ? (headerSigned ? new Int8Array(n) : new Uint8Array(n)) : headerSigned ? new Int16Array(n) : new Uint16Array(n);
  const bits = Math.min(format.bitsStored, format.bitsAllocated);
  if (headerSigned === streamSigned) {
    for (let p = 0; p < n; p++) out[p] = samples[p];
  } else if (headerSigned) {
    const shift = 32 - bits;
    for (let p = 0; p < n; p++) out[p] = (samples[p] << shift) >> shift; // sign-extend bit (bits-1)
  } else {
    const mask = bits >= 32 ? 0xffffffff : (1 << bits) - 1;
    for (let p = 0; p < n; p++) out[p] = samples[p] & mask;
  }
  return out;
}

/**
 * Refuses a codestream whose SIZ marker declares another image than the DICOM header (Rows, Columns, one
 * sample, BitsStored), before the codec allocates anything for it.
 */
function checkDeclaredSize(encoded: Uint8Array, format: PixelFormat, frameIndex: number, fileLabel: string): void {
  const siz = j2kSize(encoded);
  if (!siz) throw gctError('GCT_DICOM_DECODE_FAILED', `${fileLabel}: JPEG 2000 frame ${frameIndex} does not start with a codestream header (SOC + SIZ markers)`, { file: fileLabel });
  if (siz.width !== format.columns || siz.height !== format.rows || siz.components !== 1 || siz.bitDepth > format.bitsAllocated)
    throw gctError(
      'GCT_DICOM_DECODE_FAILED',
      `${fileLabel}: JPEG 2000 frame ${frameIndex} declares ${siz.width}x${siz.height}, ${siz.components} component(s) of ${siz.bitDepth} bits; the DICOM header says ${format.columns}x${format.rows}, 1 sample of at most ${format.bitsAllocated} bits`,
      { file: fileLabel, codestream: siz, header: { columns: format.columns, rows: format.rows, bitsAllocated: format.bitsAllocated } },
    );
}

function describe(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'number') return `OpenJPEG error ${e}`;
  return String(e);
}
