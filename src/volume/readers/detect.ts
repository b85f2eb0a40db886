import { join } from 'node:path';
import { gctError } from '../../errors.ts';
import { inputPathKind, listFolder, readRegularHead } from './open-file.ts';

export type DetectedFormat =
  | { kind: 'nifti'; path: string }
  | { kind: 'nrrd'; path: string }
  | { kind: 'dicom-file'; path: string }
  | { kind: 'dicom-folder'; path: string }
  | { kind: 'mask-folder'; path: string; files: string[] };

const NIFTI_EXT = /\.nii(\.gz)?$/i;

/** The first `bytes` bytes of a regular file (fewer when the file is shorter), without reading the rest. */
export async function readFileHead(path: string, bytes: number): Promise<Uint8Array> {
  return readRegularHead(path, bytes);
}

function isDicomPreamble(b: Uint8Array): boolean {
  return b.length >= 132 && b[128] === 0x44 && b[129] === 0x49 && b[130] === 0x43 && b[131] === 0x4d;
}

/**
 * Decides how to read a path: by content first (DICOM 'DICM' at byte 128, NRRD magic, NIfTI sizeof_hdr),
 * by extension for gzip files (whose header is compressed). A folder of NIfTI files is a per-class mask
 * folder (TotalSegmentator's layout); any other folder is read as one DICOM series.
 */
export async function detectFormat(path: string): Promise<DetectedFormat> {
  if ((await inputPathKind(path)) === 'folder') {
    const entries = (await listFolder(path)).map((d) => d.name).filter((f) => !f.startsWith('.')).sort();
    const nifti = entries.filter((f) => NIFTI_EXT.test(f));
    if (nifti.length > 0 && nifti.length >= entries.length / 2) {
      return { kind: 'mask-folder', path, files: nifti.map((f) => join(path, f)) };
    }
    return { kind: 'dicom-folder', path };
  }
  const b = await readFileHead(path, 352);
  if (isDicomPreamble(b)) return { kind: 'dicom-file', path };
  const text = new TextDecoder('latin1').decode(b.subarray(0, 8));
  if (text.startsWith('NRRD000')) return { kind: 'nrrd', path };
  if (/\.nrrd$/i.test(path) || /\.nhdr$/i.test(path)) return { kind: 'nrrd', path };
  if (NIFTI_EXT.test(path)) return { kind: 'nifti', path };
  if (b.length >= 4) {
    const le = new DataView(b.buffer, b.byteOffset, b.byteLength).getInt32(0, true);
    const be = new DataView(b.buffer, b.byteOffset, b.byteLength).getInt32(0, false);
    if ([348, 540].includes(le) || [348, 540].includes(be)) return { kind: 'nifti', path };
  }
  if (/\.dcm$/i.test(path)) return { kind: 'dicom-file', path };
  throw gctError(
    'GCT_VOLUME_FORMAT_UNKNOWN',
    `Cannot tell what ${path} is: not NIfTI (.nii/.nii.gz), NRRD, or DICOM (no 'DICM' marker at byte 128).`,
    { path },
  );
}
