/**
 * NIfTI-1 and NIfTI-2 single-file reader (.nii, .nii.gz).
 *
 * Definitions: NIfTI-1 header, nifti1.h (https://nifti.nimh.nih.gov/pub/dist/src/niftilib/nifti1.h, 348 bytes);
 * NIfTI-2 header, nifti2.h (https://nifti.nimh.nih.gov/pub/dist/doc/nifti2.h, 540 bytes). The byte order is
 * the one in which sizeof_hdr reads 348 (or 540). The voxel-to-world matrix is chosen as nibabel's
 * `Nifti1Header.get_best_affine` does: sform when sform_code > 0, else qform when qform_code > 0, else a
 * pixdim-only matrix. NIfTI world space is already RAS+ mm, so that matrix is `grid.ijkToRas` unchanged.
 * Differences from nibabel: with both codes 0 nibabel centres an LAS "base affine" on the grid; we use
 * diag(pixdim) with zero origin and say so in meta.notes. nibabel ignores xyzt_units; we convert metres and
 * micrometres to mm.
 */
import { gctError } from '../../errors.ts';
import { valueRange } from '../describe.ts';
import { affineProblem, type Dims, type Mat4 } from '../geometry.ts';
import type { VoxelArray } from '../types.ts';
import { DECLARED_SLACK_BYTES, type RawImage, type ReadLimits } from './contracts.ts';
import { configuredBudget, declaredBudget, gunzipBounded, gunzipBoundedOffThread, inflateFileOnWorker, isGzip, overBudgetError, streamVolumeFile, type VolumeByteSink } from './gzip.ts';
import { gunzipPrefix } from './gzip-prefix.ts';
import { newVoxelArray, type SharableArrayCtor } from '../shared-memory.ts';
import { openRegularFile, readRegularFile, readRegularFileIfSmallSync } from './open-file.ts';
import { PayloadReceiver, toHostByteOrder } from './payload.ts';

/** Voxel sample types the readers decode (NIfTI datatype codes and NRRD type names map onto these). */
export type SampleType = 'uint8' | 'int8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';

type TypedArrayCtor = SharableArrayCtor<VoxelArray> & { new (buffer: ArrayBufferLike, byteOffset: number, length: number): VoxelArray };
const SAMPLE_CTORS: Record<SampleType, TypedArrayCtor> = {
  uint8: Uint8Array, int8: Int8Array, int16: Int16Array, uint16: Uint16Array,
  int32: Int32Array, uint32: Uint32Array, float32: Float32Array, float64: Float64Array,
};

/** NIfTI datatype codes (nifti1.h, "DT_*" / "NIFTI_TYPE_*"). */
export const NIFTI_DATATYPES: Readonly<Record<number, { name: string; sample?: SampleType | 'int64' | 'uint64'; bytes: number }>> = {
  1: { name: 'binary', bytes: 0 }, 2: { name: 'uint8', sample: 'uint8', bytes: 1 },
  4: { name: 'int16', sample: 'int16', bytes: 2 }, 8: { name: 'int32', sample: 'int32', bytes: 4 },
  16: { name: 'float32', sample: 'float32', bytes: 4 }, 32: { name: 'complex64', bytes: 8 },
  64: { name: 'float64', sample: 'float64', bytes: 8 }, 128: { name: 'rgb24', bytes: 3 },
  256: { name: 'int8', sample: 'int8', bytes: 1 }, 512: { name: 'uint16', sample: 'uint16', bytes: 2 },
  768: { name: 'uint32', sample: 'uint32', bytes: 4 }, 1024: { name: 'int64', sample: 'int64', bytes: 8 },
  1280: { name: 'uint64', sample: 'uint64', bytes: 8 }, 1536: { name: 'float128', bytes: 16 },
  1792: { name: 'complex128', bytes: 16 }, 2048: { name: 'complex256', bytes: 32 }, 2304: { name: 'rgba32', bytes: 4 },
};
const SUPPORTED_DATATYPES = Object.entries(NIFTI_DATATYPES).filter(([, t]) => t.sample).map(([c, t]) => `${t.name} (${c})`);

/**
 * Copies `count` samples starting at byte `offset` into a new, aligned typed array, swapping bytes when the
 * file's byte order differs from the host's. Shared with the NRRD reader.
 */
export function decodeVoxels(bytes: Uint8Array, offset: number, sample: SampleType, count: number, littleEndian: boolean): VoxelArray {
  const out = newSamples(sample, count);
  const outBytes = bytesOf(out);
  outBytes.set(bytes.subarray(offset, offset + outBytes.length));
  toHostByteOrder(outBytes, SAMPLE_CTORS[sample].BYTES_PER_ELEMENT, littleEndian);
  return out;
}

/** A zeroed typed array of `count` samples: the target a streamed reader fills (on shared memory when large). */
export function newSamples(sample: SampleType, count: number): VoxelArray {
  return newVoxelArray(SAMPLE_CTORS[sample], count);
}

/** The bytes of a typed array (same memory). */
export function bytesOf(data: VoxelArray): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * Checks a volume file before reading it: a regular file (pipes, devices and folders refused, see open-file.ts)
 * whose size does not exceed the decompressed-size limit (no format stores voxels in fewer bytes than gzip does).
 * Returns its size in bytes.
 */
export async function checkVolumeFile(path: string, limits: Pick<ReadLimits, 'maxDecompressedBytes'>): Promise<number> {
  const { fh, sizeBytes } = await openRegularFile(path);
  await fh.close().catch(() => undefined);
  if (sizeBytes > limits.maxDecompressedBytes) throw storedTooLarge(path, sizeBytes, limits);
  return sizeBytes;
}

const storedTooLarge = (path: string, sizeBytes: number, limits: Pick<ReadLimits, 'maxDecompressedBytes'>) =>
  gctError('GCT_VOLUME_TOO_LARGE', `${path} is ${sizeBytes} bytes, over the limit of ${limits.maxDecompressedBytes} bytes (volume.maxDecompressedBytes)`, { path, sizeBytes, maxDecompressedBytes: limits.maxDecompressedBytes });

/**
 * Reads a whole volume file into memory: a regular file only (pipes, devices and folders refused, see
 * open-file.ts), at most the decompressed-size limit. The streamed readers avoid this for large files.
 */
export async function readVolumeFile(path: string, limits: Pick<ReadLimits, 'maxDecompressedBytes'>): Promise<Uint8Array> {
  return readRegularFile(path, { maxBytes: limits.maxDecompressedBytes, limitName: 'volume.maxDecompressedBytes' });
}

/**
 * Inflates a gzip stream held in memory whose content declares `declaredBytes` (header + voxels): the budget is
 * what it declares plus DECLARED_SLACK_BYTES, never more than the configured limit, so a few kB that inflate to
 * gigabytes behind a small header stop at the declared size (GCT_VOLUME_DECOMPRESSED_MISMATCH) instead of the limit.
 */
export function gunzipDeclared(bytes: Uint8Array, declaredBytes: number, limits: Pick<ReadLimits, 'maxDecompressedBytes'>, path: string): Uint8Array {
  const budget = declaredGunzipBudget(declaredBytes, limits);
  try {
    return gunzipBounded(bytes, { maxDecompressedBytes: budget }, path);
  } catch (e) {
    throw declaredMismatch(e, bytes, declaredBytes, budget, limits, path);
  }
}

/** `gunzipDeclared` on the thread pool (see gunzipBoundedOffThread). */
export async function gunzipDeclaredOffThread(bytes: Uint8Array, declaredBytes: number, limits: Pick<ReadLimits, 'maxDecompressedBytes'>, path: string): Promise<Uint8Array> {
  const budget = declaredGunzipBudget(declaredBytes, limits);
  try {
    return await gunzipBoundedOffThread(bytes, { maxDecompressedBytes: budget }, path, declaredBytes);
  } catch (e) {
    throw declaredMismatch(e, bytes, declaredBytes, budget, limits, path);
  }
}

const declaredGunzipBudget = (declaredBytes: number, limits: Pick<ReadLimits, 'maxDecompressedBytes'>) => Math.min(declaredBytes + DECLARED_SLACK_BYTES, limits.maxDecompressedBytes);

/** Output past the declared size (but within the configured limit) is a mismatch, not a too-large volume. */
function declaredMismatch(e: unknown, bytes: Uint8Array, declaredBytes: number, budget: number, limits: Pick<ReadLimits, 'maxDecompressedBytes'>, path: string): unknown {
  if ((e as { code?: string }).code === 'GCT_VOLUME_TOO_LARGE' && budget < limits.maxDecompressedBytes)
    return gctError('GCT_VOLUME_DECOMPRESSED_MISMATCH', `${path}: the ${bytes.length}-byte gzip stream inflates past ${budget} bytes, more than the ${declaredBytes} bytes its header declares (a decompression bomb or a corrupt file); stopped there`, { path, declaredBytes, compressedBytes: bytes.length, budgetBytes: budget }, e);
  return e;
}

/** The header fields the reader uses, with NIfTI-1 and NIfTI-2 widths folded into numbers. */
interface NiftiHeader {
  readonly version: 1 | 2;
  readonly littleEndian: boolean;
  readonly dim: readonly number[];
  readonly datatype: number;
  readonly pixdim: readonly number[];
  readonly voxOffset: number;
  readonly sclSlope: number;
  readonly sclInter: number;
  readonly xyztUnits: number;
  readonly qformCode: number;
  readonly sformCode: number;
  readonly quatern: readonly [number, number, number];
  readonly qoffset: readonly [number, number, number];
  /** srow_x, srow_y, srow_z: the first three rows of the sform. */
  readonly srow: readonly number[];
}

const NIFTI1_HEADER_BYTES = 348;
const NIFTI2_HEADER_BYTES = 540;

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

function parseHeader(bytes: Uint8Array, path: string): NiftiHeader {
  if (bytes.length < 4)
    throw gctError('GCT_VOLUME_HEADER_INVALID', `${path}: ${bytes.length} bytes is too small for a NIfTI header (348 or 540 bytes)`, { path, sizeBytes: bytes.length });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = view.getInt32(0, true);
  const be = view.getInt32(0, false);
  const sizeofHdr = le === NIFTI1_HEADER_BYTES || le === NIFTI2_HEADER_BYTES ? le : be;
  const littleEndian = sizeofHdr === le;
  if (sizeofHdr !== NIFTI1_HEADER_BYTES && sizeofHdr !== NIFTI2_HEADER_BYTES)
    throw gctError('GCT_VOLUME_HEADER_INVALID', `${path}: not a NIfTI file: first bytes are ${hex(bytes.subarray(0, 8))}, expected sizeof_hdr 348 (NIfTI-1) or 540 (NIfTI-2) in either byte order`, { path, firstBytes: hex(bytes.subarray(0, 8)) });
  if (bytes.length < sizeofHdr)
    throw gctError('GCT_VOLUME_HEADER_INVALID', `${path}: ${bytes.length} bytes is shorter than the ${sizeofHdr}-byte NIfTI-${sizeofHdr === 348 ? 1 : 2} header`, { path, sizeBytes: bytes.length });
  const i16 = (o: number): number => view.getInt16(o, littleEndian);
  const i32 = (o: number): number => view.getInt32(o, littleEndian);
  const i64 = (o: number): number => Number(view.getBigInt64(o, littleEndian));
  const f32 = (o: number): number => view.getFloat32(o, littleEndian);
  const f64 = (o: number): number => view.getFloat64(o, littleEndian);
  const ascii = (o: number, n: number): string => String.fromCharCode(...bytes.subarray(o, o + n));

  if (sizeofHdr === NIFTI1_HEADER_BYTES) {
    const magic = ascii(344, 4);
    if (magic === 'ni1\0')
      throw gctError('GCT_VOLUME_HEADER_INVALID', `${path}: NIfTI-1 pair header (magic "ni1"): the voxels are in a separate .img file, which is not supported; convert to a single .nii file (e.g. nibabel or fslchfiletype NIFTI_GZ)`, { path, magic: 'ni1' });
    if (magic !== 'n+1\0')
      throw gctError('GCT_VOLUME_HEADER_INVALID', `${path}: NIfTI-1 magic is ${JSON.stringify(magic)} (bytes ${hex(bytes.subarray(344, 348))}), expected "n+1\\0"; an ANALYZE 7.5 file or a damaged header`, { path, magicBytes: hex(bytes.subarray(344, 348)) });
    return {
      version: 1, littleEndian,
      dim: Array.from({ length: 8 }, (_, n) => i16(40 + 2 * n)),
      datatype: i16(70),
      pixdim: Array.from({ length: 8 }, (_, n) => f32(76 + 4 * n)),
      voxOffset: f32(108), sclSlope: f32(112), sclInter: f32(116), xyztUnits: bytes[123],
      qformCode: i16(252), sformCode: i16(254),
      quatern: [f32(256), f32(260), f32(264)], qoffset: [f32(268), f32(272), f32(276)],
      srow: Array.from({ length: 12 }, (_, n) => f32(280 + 4 * n)),
    };
  }
  const magic = ascii(4, 8);
  if (magic.startsWith('ni2\0'))
    throw gctError('GCT_VOLUME_HEADER_INVALID', `${path}: NIfTI-2 pair header (magic "ni2"): the voxels are in a separate .img file, which is not supported; convert to a single .nii file`, { path, magic: 'ni2' });
  if (!magic.startsWith('n+2\0'))
    throw gctError('GCT_VOLUME_HEADER_INVALID', `${path}: NIfTI-2 magic bytes are ${hex(bytes.subarray(4, 12))}, expected "n+2\\0\\r\\n\\x1a\\n"`, { path, magicBytes: hex(bytes.subarray(4, 12)) });
  return {
    version: 2, littleEndian,
    dim: Array.from({ length: 8 }, (_, n) => i64(16 + 8 * n)),
    datatype: i16(12),
    pixdim: Array.from({ length: 8 }, (_, n) => f64(104 + 8 * n)),
    voxOffset: i64(168), sclSlope: f64(176), sclInter: f64(184), xyztUnits: i32(500),
    qformCode: i32(344), sformCode: i32(348),
    quatern: [f64(352), f64(360), f64(368)], qoffset: [f64(376), f64(384), f64(392)],
    srow: Array.from({ length: 12 }, (_, n) => f64(400 + 8 * n)),
  };
}

/** dim[0] must be 3, or more with every dim past the third equal to 1 (a 4D file holding one volume). */
function spatialDims(h: NiftiHeader, path: string, notes: string[]): Dims {
  const rank = h.dim[0];
  const found = h.dim.slice(1, Math.max(1, Math.min(rank, 7)) + 1);
  if (!Number.isInteger(rank) || rank < 1 || rank > 7)
    throw gctError('GCT_VOLUME_HEADER_INVALID', `${path}: dim[0] is ${rank}, expected 1 to 7`, { path, dim: h.dim });
  if (rank < 3 || found.slice(3).some((d) => d !== 1))
    throw gctError('GCT_VOLUME_NOT_3D', `${path}: image has ${rank} dimensions [${found.join(', ')}]; expected 3, or 4/5 with every dimension past the third equal to 1`, { path, dims: found });
  if (rank > 3) notes.push(`header has dim[0] = ${rank} with trailing dimensions of 1; read as 3D`);
  const dims = [h.dim[1], h.dim[2], h.dim[3]] as const;
  if (dims.some((d) => !Number.isInteger(d) || d < 1))
    throw gctError('GCT_VOLUME_HEADER_INVALID', `${path}: dims [${dims.join(', ')}] must be positive integers`, { path, dims });
  return dims;
}

/** Rotation from the qform quaternion (b, c, d), a = sqrt(1 - b² - c² - d²) (nifti1.h, "METHOD 2"). */
function quaternionRotation(h: NiftiHeader, path: string): number[] {
  const [b, c, d] = h.quatern;
  let a2 = 1 - (b * b + c * c + d * d);
  // nibabel accepts a slightly negative a² from float32 rounding (threshold 3 float32 eps) and sets a = 0.
  if (a2 < 0) {
    if (a2 < -3 * 1.1920929e-7)
      throw gctError('GCT_VOLUME_AFFINE_INVALID', `${path}: qform quaternion (b, c, d) = (${b}, ${c}, ${d}) has b²+c²+d² > 1`, { path, quatern: h.quatern });
    a2 = 0;
  }
  const a = Math.sqrt(a2);
  return [
    a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c),
    2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b),
    2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b,
  ];
}

/** NIfTI xyzt_units spatial code (low 3 bits) -> factor to mm: 1 metre, 2 mm, 3 micrometre; 0 unknown = mm. */
const SPATIAL_UNIT_TO_MM: Readonly<Record<number, { name: string; toMm: number }>> = {
  0: { name: 'unknown', toMm: 1 }, 1: { name: 'metre', toMm: 1000 }, 2: { name: 'mm', toMm: 1 }, 3: { name: 'micrometre', toMm: 1e-3 },
};

function niftiIjkToRas(h: NiftiHeader, path: string, notes: string[]): Mat4 {
  let rows: number[];
  if (h.sformCode > 0) {
    rows = [...h.srow];
  } else if (h.qformCode > 0) {
    const r = quaternionRotation(h, path);
    // pixdim[0] is qfac: -1 flips the k axis; 0 is read as 1 (nifti1.h: "should be either 1 or -1").
    const qfac = h.pixdim[0] < 0 ? -1 : 1;
    const zooms = [h.pixdim[1], h.pixdim[2], h.pixdim[3] * qfac];
    // nibabel refuses negative voxel sizes in a qform (the sign belongs in the quaternion and qfac).
    if (h.pixdim.slice(1, 4).some((p) => p < 0))
      throw gctError('GCT_VOLUME_AFFINE_INVALID', `${path}: qform with negative pixdim[1..3] = [${h.pixdim.slice(1, 4).join(', ')}]; voxel sizes must be positive`, { path, pixdim: h.pixdim });
    rows = [];
    for (let row = 0; row < 3; row++) rows.push(r[row * 3] * zooms[0], r[row * 3 + 1] * zooms[1], r[row * 3 + 2] * zooms[2], h.qoffset[row]);
  } else {
    rows = [h.pixdim[1], 0, 0, 0, 0, h.pixdim[2], 0, 0, 0, 0, h.pixdim[3], 0];
    notes.push('sform_code and qform_code are both 0: position unknown; used diag(pixdim) with origin 0 (nibabel would centre an LAS grid)');
  }
  const unit = SPATIAL_UNIT_TO_MM[h.xyztUnits & 0x07] ?? SPATIAL_UNIT_TO_MM[0];
  if (unit.toMm !== 1) {
    rows = rows.map((v) => v * unit.toMm);
    notes.push(`spatial units were ${unit.name}; converted to mm`);
  }
  const m: Mat4 = [...rows.map((v) => v + 0), 0, 0, 0, 1]; // + 0: -0 (as stored, or from a product) becomes 0
  const problem = affineProblem(m);
  if (problem)
    throw gctError('GCT_VOLUME_AFFINE_INVALID', `${path}: voxel-to-world matrix (${h.sformCode > 0 ? 'sform' : h.qformCode > 0 ? 'qform' : 'pixdim'}) ${problem}: [${rows.map((v) => +v.toPrecision(6)).join(', ')}]`, { path, ijkToRas: m.map((v) => (Number.isFinite(v) ? v : String(v))) });
  return m;
}

const INT_RANGES: ReadonlyArray<{ sample: SampleType; min: number; max: number }> = [
  { sample: 'int16', min: -32768, max: 32767 }, { sample: 'int32', min: -2147483648, max: 2147483647 },
];
const SAMPLE_RANGE: Partial<Record<SampleType, [number, number]>> = {
  uint8: [0, 255], int8: [-128, 127], int16: [-32768, 32767], uint16: [0, 65535], int32: [-2147483648, 2147483647], uint32: [0, 4294967295],
};

/**
 * Applies value = stored x slope + inter. Integer input with integer slope and inter stays integer when the
 * result fits (its own type, else int16, else int32); float64 input stays float64; the rest becomes float32.
 */
function applyRescale(data: VoxelArray, sample: SampleType, slope: number, inter: number): VoxelArray {
  let out: VoxelArray;
  const intRange = SAMPLE_RANGE[sample];
  if (intRange && Number.isInteger(slope) && Number.isInteger(inter)) {
    const { min, max } = valueRange(data);
    const lo = Math.min(min * slope + inter, max * slope + inter);
    const hi = Math.max(min * slope + inter, max * slope + inter);
    const fit = [{ sample, min: intRange[0], max: intRange[1] }, ...INT_RANGES].find((r) => lo >= r.min && hi <= r.max);
    out = fit ? new SAMPLE_CTORS[fit.sample](data.length) : new Float32Array(data.length);
  } else {
    out = sample === 'float64' ? new Float64Array(data.length) : new Float32Array(data.length);
  }
  for (let n = 0; n < data.length; n++) out[n] = data[n] * slope + inter;
  return out;
}

/** int64/uint64 voxels become int32 when every value fits, else float64 when every value is exact in it. */
function decodeInt64(bytes: Uint8Array, offset: number, count: number, littleEndian: boolean, unsigned: boolean, path: string, notes: string[]): VoxelArray {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * 8);
  const values = new Float64Array(count);
  let fitsInt32 = true;
  for (let n = 0; n < count; n++) {
    const big = unsigned ? view.getBigUint64(n * 8, littleEndian) : view.getBigInt64(n * 8, littleEndian);
    if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER))
      throw gctError('GCT_VOLUME_DATATYPE_UNSUPPORTED', `${path}: ${unsigned ? 'uint64' : 'int64'} voxel ${n} is ${big}, beyond the 2^53 that a float64 holds exactly`, { path });
    const v = Number(big);
    if (v < -2147483648 || v > 2147483647) fitsInt32 = false;
    values[n] = v;
  }
  notes.push(`${unsigned ? 'uint64' : 'int64'} voxels converted to ${fitsInt32 ? 'int32' : 'float64'}`);
  return fitsInt32 ? Int32Array.from(values) : values;
}

/** What a NIfTI header says about its voxels: all that is needed before the voxel bytes arrive. */
interface NiftiLayout {
  readonly h: NiftiHeader;
  readonly dims: Dims;
  readonly ijkToRas: Mat4;
  readonly type: { readonly name: string; readonly sample: SampleType | 'int64' | 'uint64'; readonly bytes: number };
  readonly voxels: number;
  readonly payloadBytes: number;
  /** Byte offset of the voxel data in the (decompressed) file. */
  readonly offset: number;
  readonly notes: string[];
}

/**
 * Parses the header (the first 348 or 540 bytes of `head`) and checks everything that can be checked before the
 * data: dimensions, datatype, size against the limits, vox_offset and the voxel-to-world matrix.
 */
function niftiLayout(head: Uint8Array, path: string, limits: ReadLimits): NiftiLayout {
  const h = parseHeader(head, path);
  const notes: string[] = [];
  const dims = spatialDims(h, path, notes);
  const type = NIFTI_DATATYPES[h.datatype];
  if (!type?.sample)
    throw gctError('GCT_VOLUME_DATATYPE_UNSUPPORTED', `${path}: NIfTI datatype ${h.datatype} (${type?.name ?? 'unknown'}) is not supported; supported: ${SUPPORTED_DATATYPES.join(', ')}`, { path, datatype: h.datatype, datatypeName: type?.name ?? 'unknown' });

  const voxels = dims[0] * dims[1] * dims[2];
  const payloadBytes = voxels * type.bytes;
  if (voxels > limits.maxVoxels || payloadBytes > limits.maxDecompressedBytes)
    throw gctError('GCT_VOLUME_TOO_LARGE', `${path}: ${dims.join('x')} = ${voxels} voxels (${payloadBytes} bytes) exceeds the limits of ${limits.maxVoxels} voxels (volume.maxVoxels) / ${limits.maxDecompressedBytes} bytes (volume.maxDecompressedBytes)`, { path, dims, voxels, payloadBytes });

  const minOffset = h.version === 1 ? 352 : 544;
  if (!Number.isInteger(h.voxOffset) || h.voxOffset < 0)
    throw gctError('GCT_VOLUME_HEADER_INVALID', `${path}: vox_offset is ${h.voxOffset}, expected a whole number of bytes >= ${minOffset}`, { path, voxOffset: h.voxOffset });
  let offset = h.voxOffset;
  if (offset < minOffset) {
    // Some writers leave vox_offset 0 in single files; the data then follows the header and the 4 extender bytes.
    notes.push(`vox_offset ${offset} is inside the header; data read from byte ${minOffset}`);
    offset = minOffset;
  }
  const ijkToRas = niftiIjkToRas(h, path, notes);
  return { h, dims, ijkToRas, type: { name: type.name, sample: type.sample, bytes: type.bytes }, voxels, payloadBytes, offset, notes };
}

/** GCT_VOLUME_TRUNCATED: the data ends before the voxels the header declares. */
function truncatedError(layout: NiftiLayout, foundBytes: number, path: string): Error {
  const { dims, type, payloadBytes, offset } = layout;
  return gctError('GCT_VOLUME_TRUNCATED', `${path}: header declares ${dims.join('x')} ${type.name} voxels = ${payloadBytes} bytes from offset ${offset} (${offset + payloadBytes} bytes in all), but the data is ${foundBytes} bytes (${Math.max(0, foundBytes - offset)} voxel bytes found)`, { path, expectedBytes: offset + payloadBytes, foundBytes });
}

/** The voxel array a layout's data is written into: its final typed array, or raw bytes for 64-bit integers. */
function payloadTarget(layout: NiftiLayout): { readonly data: VoxelArray; readonly bytes: Uint8Array } {
  const sample = layout.type.sample;
  const data = sample === 'int64' || sample === 'uint64' ? new Uint8Array(layout.payloadBytes) : newSamples(sample, layout.voxels);
  return { data, bytes: bytesOf(data) };
}

/** The image from a layout and its complete voxel bytes (in `target`, file byte order): decode, rescale. */
function niftiImage(layout: NiftiLayout, target: { readonly data: VoxelArray; readonly bytes: Uint8Array }, path: string): RawImage {
  const { h, notes } = layout;
  let data: VoxelArray;
  let sample: SampleType;
  if (layout.type.sample === 'int64' || layout.type.sample === 'uint64') {
    data = decodeInt64(target.bytes, 0, layout.voxels, h.littleEndian, layout.type.sample === 'uint64', path, notes);
    sample = data instanceof Int32Array ? 'int32' : 'float64';
  } else {
    sample = layout.type.sample;
    toHostByteOrder(target.bytes, layout.type.bytes, h.littleEndian);
    data = target.data;
  }

  // scl_slope = 0 (or NaN/inf) means "no scaling" (nifti1.h); nibabel rejects a valid slope with a bad intercept.
  let rescale: { slope: number; intercept: number } | undefined;
  const slope = h.sclSlope;
  if (Number.isFinite(slope) && slope !== 0) {
    if (!Number.isFinite(h.sclInter))
      throw gctError('GCT_VOLUME_HEADER_INVALID', `${path}: scl_slope is ${slope} but scl_inter is ${h.sclInter}; both must be finite`, { path });
    if (slope !== 1 || h.sclInter !== 0) {
      rescale = { slope, intercept: h.sclInter };
      data = applyRescale(data, sample, slope, h.sclInter);
    }
  }

  return {
    grid: { dims: layout.dims, ijkToRas: layout.ijkToRas },
    data,
    meta: { source: { format: 'nifti', path }, ...(rescale ? { rescale } : {}), ...(notes.length ? { notes } : {}) },
  };
}

/** sizeof_hdr (348 or 540, in either byte order) from the first 4 bytes; 0 when it is neither. */
function headerBytesOf(head: Uint8Array): number {
  const view = new DataView(head.buffer, head.byteOffset, 4);
  for (const le of [true, false]) {
    const n = view.getInt32(0, le);
    if (n === NIFTI1_HEADER_BYTES || n === NIFTI2_HEADER_BYTES) return n;
  }
  return 0;
}

/**
 * Parses a NIfTI file from its bytes as they arrive (decompressed): the header from the first chunk(s), then the
 * voxel bytes straight into the typed array returned, every byte counted against the budget (the configured
 * maximum until the header is read, then the size it declares plus MAX_TRAILING_BYTES).
 */
export class NiftiReceiver implements VolumeByteSink {
  private readonly pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private layout?: NiftiLayout;
  private target?: { readonly data: VoxelArray; readonly bytes: Uint8Array };
  private payload?: PayloadReceiver;

  constructor(
    private readonly path: string,
    private readonly limits: ReadLimits,
  ) {}

  write(chunk: Uint8Array): void {
    if (this.payload) return this.payload.write(chunk);
    if (this.pending.length === 0 && chunk.length >= 4 && chunk.length >= headerBytesOf(chunk) && headerBytesOf(chunk) > 0) return this.start(chunk);
    // The header arrives in pieces (or is not a NIfTI header, which start() reports once all bytes are in).
    this.pending.push(Uint8Array.from(chunk));
    this.pendingBytes += chunk.length;
    const budget = configuredBudget(this.limits);
    if (this.pendingBytes > budget.bytes) throw overBudgetError(this.path, this.pendingBytes, budget);
    const head = this.pendingBytes >= 4 ? Buffer.concat(this.pending) : undefined;
    if (head && (headerBytesOf(head) === 0 || head.length >= headerBytesOf(head))) {
      this.pending.length = 0;
      this.start(head);
    }
  }

  /**
   * All of a file's bytes at once (a small file inflated in one call): when the voxels' offset suits their sample
   * type they are used in place, not copied into a new array (a per-class mask folder is ~160 MB of such bytes).
   * Anything else goes through `write`.
   */
  writeWhole(bytes: Uint8Array): void {
    const headerBytes = bytes.length >= 4 && this.pending.length === 0 && !this.payload ? headerBytesOf(bytes) : 0;
    if (headerBytes === 0 || bytes.length < headerBytes) return this.write(bytes);
    const layout = niftiLayout(bytes, this.path, this.limits);
    const sample = layout.type.sample;
    const end = layout.offset + layout.payloadBytes;
    if (sample === 'int64' || sample === 'uint64' || (bytes.byteOffset + layout.offset) % layout.type.bytes !== 0 || bytes.length < end) return this.write(bytes);
    const data = new SAMPLE_CTORS[sample](bytes.buffer, bytes.byteOffset + layout.offset, layout.voxels);
    this.layout = layout;
    this.target = { data, bytes: bytesOf(data) };
    // Keeps nothing (the voxels are already in place) but counts the bytes against the budget as `start` does.
    this.payload = new PayloadReceiver(new Uint8Array(0), 0, declaredBudget(end, this.limits), this.path);
    this.payload.write(bytes);
  }

  private start(head: Uint8Array): void {
    const layout = niftiLayout(head, this.path, this.limits);
    this.layout = layout;
    this.target = payloadTarget(layout);
    this.payload = new PayloadReceiver(this.target.bytes, layout.offset, declaredBudget(layout.offset + layout.payloadBytes, this.limits), this.path);
    this.payload.write(head);
  }

  /** The image, once every byte has been written; GCT_VOLUME_TRUNCATED when the data is short. */
  finish(): RawImage {
    if (!this.payload) this.start(Buffer.concat(this.pending));
    const layout = this.layout!;
    const received = this.payload!.receivedBytes;
    if (received < layout.offset + layout.payloadBytes) throw truncatedError(layout, received, this.path);
    return niftiImage(layout, this.target!, this.path);
  }
}

/**
 * Parses a NIfTI-1/2 file held in memory (gzip-compressed or not). A .nii.gz is read header first: the sizes it
 * declares are checked before the voxels are inflated, and the inflate stops at that size plus
 * DECLARED_SLACK_BYTES (GCT_VOLUME_DECOMPRESSED_MISMATCH past it).
 */
export function readNiftiBytes(bytes: Uint8Array, path: string, limits: ReadLimits): RawImage {
  const receiver = new NiftiReceiver(path, limits);
  receiver.write(isGzip(bytes) ? gunzipDeclared(bytes, declaredGzipBytes(bytes, path, limits), limits, path) : bytes);
  return receiver.finish();
}

/**
 * `readNiftiBytes` with the inflate on the thread pool (the header is still read and checked first). A small file
 * that declares a large image (a sparse 512 x 512 x 400 lesion mask gzips to a hundred kB) is inflated as a stream
 * into its voxel array, as large files are: inflated whole, it would hold its decompressed bytes twice.
 */
async function readNiftiBytesOffThread(bytes: Uint8Array, path: string, limits: ReadLimits): Promise<RawImage> {
  if (!isGzip(bytes)) return readNiftiBytes(bytes, path, limits);
  const declared = declaredGzipBytes(bytes, path, limits);
  const receiver = new NiftiReceiver(path, limits);
  if (declared > WHOLE_INFLATE_MAX_BYTES) await streamVolumeFile(path, receiver, { gzip: true, bytes });
  else receiver.writeWhole(await gunzipDeclaredOffThread(bytes, declared, limits, path));
  return receiver.finish();
}

/** Declared images up to this size are inflated in one call; larger ones stream into their array, bytes. */
const WHOLE_INFLATE_MAX_BYTES = 4 * 1024 * 1024;

/** Header + voxel bytes a .nii.gz declares, from its header alone (inflated from a prefix of the stream). */
function declaredGzipBytes(bytes: Uint8Array, path: string, limits: ReadLimits): number {
  const layout = niftiLayout(gunzipPrefix(bytes, NIFTI2_HEADER_BYTES + 4, path), path, limits);
  return layout.offset + layout.payloadBytes;
}

/** Files up to this size are read whole rather than streamed, bytes. */
const WHOLE_FILE_MAX_BYTES = 256 * 1024;

/**
 * Reads a .nii or .nii.gz file (gzip is detected by its magic bytes, whatever the extension), streamed: the
 * compressed file is read and inflated chunk by chunk (on the thread pool: several files read at once inflate on
 * several cores) and the voxel bytes land in the returned typed array without a whole-file copy.
 */
export async function readNifti(path: string, limits: ReadLimits): Promise<RawImage> {
  // A small file (one mask of a per-class folder) is read whole and inflated in one call on the thread pool:
  // several times cheaper than streams, bounded by its header's budget the same way.
  const { sizeBytes: storedBytes, bytes } = readRegularFileIfSmallSync(path, WHOLE_FILE_MAX_BYTES);
  if (storedBytes > limits.maxDecompressedBytes) throw storedTooLarge(path, storedBytes, limits);
  if (bytes) return readNiftiBytesOffThread(bytes, path, limits);
  const onWorker = await readNiftiGzipOnWorker(path, storedBytes, limits);
  if ('image' in onWorker) return onWorker.image;
  const receiver = new NiftiReceiver(path, limits);
  await streamVolumeFile(path, receiver, { gzip: onWorker.gzip, storedBytes });
  return receiver.finish();
}

/**
 * Images of this many voxel bytes and more (a CT, a multilabel mask of a whole scan) inflate on a worker thread
 * straight into their array on shared memory. Streamed through this thread instead, every inflated chunk was copied
 * here (~0.2 s for the 512 x 512 x 400 benchmark's three files) and the inflate paused whenever this thread was busy
 * (reading the masks, loading the knowledge base), which left the large report waiting ~0.15 s for its CT.
 */
export const INFLATE_WORKER_MIN_BYTES = 16 * 1024 * 1024;

/** Compressed bytes read to find the header: a NIfTI header deflates to a few hundred bytes. */
const HEADER_PREFIX_BYTES = 64 * 1024;

/**
 * A large .nii.gz read by inflateFileOnWorker (one open of the file: the same descriptor gives the gzip magic, the
 * header and the stream), or, when it is not one the worker takes (not gzip, small, 64-bit samples to convert, a
 * header that does not parse), whether the file is gzip: the streamed reader then reads it, and reports any error
 * the same way.
 */
async function readNiftiGzipOnWorker(path: string, storedBytes: number, limits: ReadLimits): Promise<{ readonly image: RawImage } | { readonly gzip: boolean }> {
  const { fh } = await openRegularFile(path);
  try {
    const prefix = new Uint8Array(Math.min(storedBytes, HEADER_PREFIX_BYTES));
    const { bytesRead } = await fh.read(prefix, 0, prefix.length, 0);
    if (!isGzip(prefix.subarray(0, bytesRead))) return { gzip: false };
    const streamed = { gzip: true };
    let layout: NiftiLayout;
    try {
      layout = niftiLayout(gunzipPrefix(prefix.subarray(0, bytesRead), NIFTI2_HEADER_BYTES + 4, path), path, limits);
    } catch {
      return streamed;
    }
    const sample = layout.type.sample;
    if (layout.payloadBytes < INFLATE_WORKER_MIN_BYTES || sample === 'int64' || sample === 'uint64') return streamed;
    const target = payloadTarget(layout);
    if (!(target.data.buffer instanceof SharedArrayBuffer)) return streamed;
    const budget = declaredBudget(layout.offset + layout.payloadBytes, limits);
    const inflated = await inflateFileOnWorker(path, fh, storedBytes, target.bytes, layout.offset, budget.bytes);
    if (inflated.kind === 'over-budget') throw overBudgetError(path, inflated.received, budget);
    if (inflated.received < layout.offset + layout.payloadBytes) throw truncatedError(layout, inflated.received, path);
    return { image: niftiImage(layout, target, path) };
  } finally {
    await fh.close().catch(() => undefined);
  }
}
