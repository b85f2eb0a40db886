/**
 * NIfTI-1 single-file writer (.nii, .nii.gz), little-endian.
 *
 * Header layout: nifti1.h (https://nifti.nimh.nih.gov/pub/dist/src/niftilib/nifti1.h). Both codes are set to
 * 1 (NIFTI_XFORM_SCANNER_ANAT): the sform holds the first three rows of `grid.ijkToRas` as written (float32),
 * and the qform holds the same map as quaternion + pixdim + qfac when the direction cosines are orthonormal
 * (a sheared grid has no qform: qform_code 0). Spatial units are mm; no intensity scaling (scl_slope 0).
 */
import { randomBytes } from 'node:crypto';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { gctError } from '../../errors.ts';
import { det3, splitIjkToRas, type Grid } from '../geometry.ts';
import type { VoxelArray } from '../types.ts';

const HEADER_BYTES = 348;
/** Header plus the 4-byte extension flag (all zero: no extensions); nifti1.h requires vox_offset >= 352. */
const VOX_OFFSET = 352;
const NIFTI_XFORM_SCANNER_ANAT = 1;
const NIFTI_UNITS_MM = 2;
/** Largest |DᵀD − I| entry for which the direction cosines count as orthonormal (a qform can be written). */
const ORTHONORMAL_TOLERANCE = 1e-4;

function datatypeOf(data: VoxelArray): { code: number; bitpix: number } {
  if (data instanceof Uint8Array) return { code: 2, bitpix: 8 };
  if (data instanceof Int8Array) return { code: 256, bitpix: 8 };
  if (data instanceof Int16Array) return { code: 4, bitpix: 16 };
  if (data instanceof Uint16Array) return { code: 512, bitpix: 16 };
  if (data instanceof Int32Array) return { code: 8, bitpix: 32 };
  if (data instanceof Uint32Array) return { code: 768, bitpix: 32 };
  if (data instanceof Float32Array) return { code: 16, bitpix: 32 };
  return { code: 64, bitpix: 64 };
}

/**
 * Unit quaternion (a, b, c, d), a >= 0, of a proper rotation matrix R (row-major 3x3), inverting nifti1.h's
 * R(a, b, c, d). Uses the largest of 1 + trace and the diagonal terms to stay accurate near 180° turns.
 */
function rotationToQuaternion(r: readonly number[]): [number, number, number, number] {
  const [r00, r01, r02, r10, r11, r12, r20, r21, r22] = r;
  const trace = r00 + r11 + r22;
  let q: [number, number, number, number];
  if (trace > Math.max(r00, r11, r22)) {
    const a = 0.5 * Math.sqrt(1 + trace);
    q = [a, (r21 - r12) / (4 * a), (r02 - r20) / (4 * a), (r10 - r01) / (4 * a)];
  } else if (r00 >= r11 && r00 >= r22) {
    const b = 0.5 * Math.sqrt(1 + r00 - r11 - r22);
    q = [(r21 - r12) / (4 * b), b, (r01 + r10) / (4 * b), (r02 + r20) / (4 * b)];
  } else if (r11 >= r22) {
    const c = 0.5 * Math.sqrt(1 - r00 + r11 - r22);
    q = [(r02 - r20) / (4 * c), (r01 + r10) / (4 * c), c, (r12 + r21) / (4 * c)];
  } else {
    const d = 0.5 * Math.sqrt(1 - r00 - r11 + r22);
    q = [(r10 - r01) / (4 * d), (r02 + r20) / (4 * d), (r12 + r21) / (4 * d), d];
  }
  return q[0] < 0 ? [-q[0], -q[1], -q[2], -q[3]] : q;
}

function isOrthonormal(d: readonly number[]): boolean {
  for (let a = 0; a < 3; a++)
    for (let b = 0; b < 3; b++) {
      const dot = d[a] * d[b] + d[3 + a] * d[3 + b] + d[6 + a] * d[6 + b];
      if (Math.abs(dot - (a === b ? 1 : 0)) > ORTHONORMAL_TOLERANCE) return false;
    }
  return true;
}

export interface EncodeNiftiOptions {
  /** Free text stored in the header's 80-byte `descrip` field (ASCII, cut to 79 characters). */
  readonly description?: string;
}

/** True on a little-endian host, where typed-array bytes are already the file's byte order. */
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The 352 bytes before the voxels of a NIfTI-1 file (header + empty extension flag) for `image`; the file is
 * these bytes followed by the voxels, little-endian. Lets a caller stream the voxels without copying them.
 */
export function encodeNiftiHeader(image: { readonly grid: Grid; readonly data: VoxelArray }, options: EncodeNiftiOptions = {}): Uint8Array {
  return encode(image, options, false);
}

/** Encodes one 3D image as an uncompressed NIfTI-1 file in memory. */
export function encodeNifti(image: { readonly grid: Grid; readonly data: VoxelArray }, options: EncodeNiftiOptions = {}): Uint8Array {
  return encode(image, options, true);
}

function encode(image: { readonly grid: Grid; readonly data: VoxelArray }, options: EncodeNiftiOptions, withVoxels: boolean): Uint8Array {
  const { dims, ijkToRas } = image.grid;
  const voxels = dims[0] * dims[1] * dims[2];
  if (image.data.length !== voxels)
    throw gctError('GCT_INTERNAL', `encodeNifti: ${image.data.length} voxels given for a ${dims.join('x')} grid (${voxels} voxels)`, { dims, voxels: image.data.length });
  const { code, bitpix } = datatypeOf(image.data);
  const out = new Uint8Array(VOX_OFFSET + (withVoxels ? image.data.byteLength : 0));
  const view = new DataView(out.buffer);
  const i16 = (o: number, v: number): void => view.setInt16(o, v, true);
  const f32 = (o: number, v: number): void => view.setFloat32(o, v, true);

  view.setInt32(0, HEADER_BYTES, true);
  [3, dims[0], dims[1], dims[2], 1, 1, 1, 1].forEach((v, n) => i16(40 + 2 * n, v));
  i16(70, code);
  i16(72, bitpix);

  const { spacingMm, direction, originRas } = splitIjkToRas(ijkToRas);
  let qfac = 1;
  let qformCode = 0;
  let quatern = [0, 0, 0];
  if (isOrthonormal(direction)) {
    // A left-handed grid (det < 0) is stored as a rotation with the k column negated and qfac = -1.
    const rotation = [...direction];
    if (det3(direction) < 0) {
      qfac = -1;
      for (let row = 0; row < 3; row++) rotation[row * 3 + 2] = -rotation[row * 3 + 2];
    }
    quatern = rotationToQuaternion(rotation).slice(1);
    qformCode = NIFTI_XFORM_SCANNER_ANAT;
  }
  [qfac, spacingMm[0], spacingMm[1], spacingMm[2], 1, 1, 1, 1].forEach((v, n) => f32(76 + 4 * n, v));
  f32(108, VOX_OFFSET);
  f32(112, 0); // scl_slope 0: no scaling
  f32(116, 0);
  out[123] = NIFTI_UNITS_MM;
  const description = (options.description ?? '').replace(/[^\x20-\x7e]/g, '?').slice(0, 79);
  for (let n = 0; n < description.length; n++) out[148 + n] = description.charCodeAt(n);
  i16(252, qformCode);
  i16(254, NIFTI_XFORM_SCANNER_ANAT);
  [...quatern, originRas[0], originRas[1], originRas[2]].forEach((v, n) => f32(256 + 4 * n, v));
  for (let n = 0; n < 12; n++) f32(280 + 4 * n, ijkToRas[n]);
  out.set([0x6e, 0x2b, 0x31, 0x00], 344); // "n+1\0"
  if (!withVoxels) return out;

  const dataBytes = new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  out.set(dataBytes, VOX_OFFSET);
  const size = image.data.BYTES_PER_ELEMENT;
  if (size > 1 && !HOST_IS_LITTLE_ENDIAN) {
    // Big-endian host: the file is little-endian.
    for (let p = VOX_OFFSET; p < out.length; p += size) out.subarray(p, p + size).reverse();
  }
  return out;
}

/**
 * Writes `image` to `path` as NIfTI-1, gzip-compressed when the path ends with .gz. The file appears
 * atomically: bytes go to a temporary file in the same folder, which is renamed over `path` only when
 * complete, and removed on failure.
 */
export async function writeNifti(path: string, image: { readonly grid: Grid; readonly data: VoxelArray }, options: EncodeNiftiOptions = {}): Promise<void> {
  const encoded = encodeNifti(image, options);
  const bytes = path.toLowerCase().endsWith('.gz') ? gzipSync(encoded) : encoded;
  const tempPath = `${path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  try {
    await writeFile(tempPath, bytes, { flag: 'wx' });
    await rename(tempPath, path);
  } catch (e) {
    await unlink(tempPath).catch(() => undefined);
    throw gctError('GCT_VOLUME_WRITE_FAILED', `could not write ${path}: ${(e as Error).message}`, { path }, e);
  }
}
