/**
 * Admission checks on uploaded files, by content (never by the client's file name, which may also carry a
 * patient's name and is therefore neither stored nor logged).
 *
 * This reads only the few fixed NIfTI header fields needed to refuse an oversize volume before a job is
 * queued (dims, bitpix, vox_offset); the full reader stays in src/volume/readers/nifti.ts and re-checks
 * everything when the job runs. Offsets: NIfTI-1 (https://nifti.nimh.nih.gov/pub/dist/src/niftilib/nifti1.h)
 * and NIfTI-2 (https://nifti.nimh.nih.gov/pub/dist/doc/nifti2.h).
 */

export type SniffedKind = 'gzip' | 'zip' | 'dicom' | 'nifti' | 'json' | 'unknown';

/** First bytes of a file (fewer when the file is shorter). */
export { readFileHead as readHead } from '../../volume/index.ts';

export function sniffKind(head: Uint8Array): SniffedKind {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  // Local file header "PK\x03\x04", or "PK\x05\x06" (an empty archive's end record).
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6))) return 'zip';
  if (head.length >= 132 && head[128] === 0x44 && head[129] === 0x49 && head[130] === 0x43 && head[131] === 0x4d) return 'dicom';
  if (niftiHeader(head)) return 'nifti';
  let n = 0;
  while (n < head.length && (head[n] === 0x20 || head[n] === 0x0a || head[n] === 0x0d || head[n] === 0x09 || head[n] === 0xef || head[n] === 0xbb || head[n] === 0xbf)) n++;
  if (n < head.length && (head[n] === 0x7b || head[n] === 0x5b)) return 'json';
  return 'unknown';
}

export interface NiftiHeaderFields {
  readonly version: 1 | 2;
  /** dim[1..3] (a missing dimension counts as 1). */
  readonly dims: readonly [number, number, number];
  /** Product of dim[1..dim[0]], every extra dimension (time, channels) included. */
  readonly voxelCount: number;
  readonly bitsPerVoxel: number;
  /** Bytes the header declares: vox_offset + voxelCount x bitpix / 8. */
  readonly declaredBytes: number;
}

/** The NIfTI-1/2 header fields of an uncompressed header, or undefined when `head` is not one. */
export function niftiHeader(head: Uint8Array): NiftiHeaderFields | undefined {
  if (head.length < 348) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  for (const le of [true, false]) {
    const sizeofHdr = view.getInt32(0, le);
    if (sizeofHdr === 348) {
      const ndim = view.getInt16(40, le);
      if (ndim < 1 || ndim > 7) return undefined;
      const dim = Array.from({ length: ndim }, (_, d) => Math.max(1, view.getInt16(42 + 2 * d, le)));
      return fields(1, dim, view.getInt16(72, le), view.getFloat32(108, le));
    }
    if (sizeofHdr === 540 && head.length >= 540) {
      const ndim = Number(view.getBigInt64(16, le));
      if (ndim < 1 || ndim > 7) return undefined;
      const dim = Array.from({ length: ndim }, (_, d) => Math.max(1, Number(view.getBigInt64(24 + 8 * d, le))));
      return fields(2, dim, view.getInt16(14, le), Number(view.getBigInt64(168, le)));
    }
  }
  return undefined;
}

function fields(version: 1 | 2, dim: number[], bitpix: number, voxOffset: number): NiftiHeaderFields {
  const voxelCount = dim.reduce((a, b) => a * b, 1);
  const bitsPerVoxel = Math.max(1, bitpix);
  return {
    version,
    dims: [dim[0] ?? 1, dim[1] ?? 1, dim[2] ?? 1],
    voxelCount,
    bitsPerVoxel,
    declaredBytes: Math.max(version === 1 ? 352 : 544, voxOffset) + Math.ceil((voxelCount * bitsPerVoxel) / 8),
  };
}
