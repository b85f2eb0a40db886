/**
 * Reader of a folder of single-frame DICOM CT slices (CT Image Storage, PS3.3 A.3) into one RAS+ volume in HU.
 *
 * Geometry (PS3.3 C.7.6.2.1.1, Image Plane module): ImageOrientationPatient (IOP) holds the row cosines
 * (direction of increasing column index) then the column cosines (direction of increasing row index), in LPS+
 * patient coordinates; ImagePositionPatient (IPP) is the centre of the first transmitted voxel; PixelSpacing is
 * [row spacing (between rows), column spacing (between columns)] in mm. Slices are sorted along the slice normal
 * n = row x col by dot(n, IPP). DICOM LPS+ becomes RAS+ by negating x and y, here and nowhere else.
 *
 * Patient names are never read. The Patient ID (0010,0020) is read only to be digested at once (SHA-256 with a
 * domain prefix, `patientIdDigest`): the ID itself never reaches meta, logs or errors. The follow-up stage keys
 * that digest with the site's secret before anything is written (src/followup/study-identity.ts).
 */
import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import dicomParser from 'dicom-parser';
import { gctError } from '../../errors.ts';
import { fileSystemError, listFolder } from './open-file.ts';
import { valueRange } from '../describe.ts';
import { makeIjkToRas, rasPoint, type Grid, type Vec3 } from '../geometry.ts';
import type { VolumeMeta, VoxelArray } from '../types.ts';
import type { RawImage, ReadLimits } from './contracts.ts';
import { readPart10File } from './dicom-file.ts';
import { decodeFrame, isSupportedTransferSyntax, pixelFormatOf, type PixelFormat, type StoredFrame } from './dicom-pixels.ts';

export type DicomSeriesLimits = ReadLimits & { sliceSpacingTolerance: number };

/** SOP classes that carry no image of their own (or an image that is not a CT slice): noted, never stacked. */
const NON_IMAGE_MODALITIES = new Set(['SEG', 'RTSTRUCT', 'RTPLAN', 'RTRECORD', 'SR', 'KO', 'PR', 'REG', 'DOC', 'RWV']);
const SEG_STORAGE = '1.2.840.10008.5.1.4.1.1.66.4';
const RTSTRUCT_STORAGE = '1.2.840.10008.5.1.4.1.1.481.3';

/** Cosines of two slices' IOP may differ by this much (DS rounding) and still count as one orientation. */
const ORIENTATION_TOLERANCE = 1e-3;
/** Relative tolerance on PixelSpacing between slices. */
const PIXEL_SPACING_TOLERANCE = 1e-3;
/** In-plane drift of IPP between slices, as a fraction of the pixel spacing, beyond which the stack is sheared. */
const SHEAR_TOLERANCE_PIXELS = 0.05;

// ---- shared with the SEG reader ---------------------------------------------------------------------------

/** A multi-valued decimal string (VR DS) as numbers; [] when absent. */
export function dsNumbers(ds: dicomParser.DataSet, tag: string): number[] {
  const text = ds.string(tag);
  if (!text) return [];
  return text.split('\\').map((v) => Number.parseFloat(v));
}

export function text(ds: dicomParser.DataSet, tag: string): string | undefined {
  const v = ds.string(tag)?.trim();
  return v ? v : undefined;
}

export function lpsToRas(v: readonly number[]): Vec3 {
  return [-v[0] + 0, -v[1] + 0, v[2] + 0]; // + 0 turns -0 into 0
}

export function cross(a: readonly number[], b: readonly number[]): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

export function dot(a: readonly number[], b: readonly number[]): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/** Unit row, column and normal cosines (LPS) of an IOP; null when it is not two orthogonal unit vectors. */
export function planeCosines(iop: readonly number[]): { rowLps: Vec3; colLps: Vec3; normalLps: Vec3 } | null {
  if (iop.length !== 6 || !iop.every(Number.isFinite)) return null;
  const r = iop.slice(0, 3);
  const c = iop.slice(3, 6);
  const nr = Math.hypot(r[0], r[1], r[2]);
  const nc = Math.hypot(c[0], c[1], c[2]);
  if (Math.abs(nr - 1) > 1e-2 || Math.abs(nc - 1) > 1e-2 || Math.abs(dot(r, c)) > 1e-2) return null;
  const rowLps: Vec3 = [r[0] / nr, r[1] / nr, r[2] / nr];
  const colLps: Vec3 = [c[0] / nc, c[1] / nc, c[2] / nc];
  return { rowLps, colLps, normalLps: cross(rowLps, colLps) };
}

/**
 * The RAS ijkToRas of a stack of DICOM planes: i along the row cosines (increasing column index), j along the
 * column cosines, k along the slice normal; spacing [column spacing = PixelSpacing[1], row spacing =
 * PixelSpacing[0], slice spacing]; origin = IPP of the first plane in k order.
 */
export function stackGrid(args: {
  dims: readonly [number, number, number];
  rowLps: Vec3;
  colLps: Vec3;
  normalLps: Vec3;
  pixelSpacingMm: readonly number[];
  sliceSpacingMm: number;
  originLps: readonly number[];
}): Grid {
  const i = lpsToRas(args.rowLps);
  const j = lpsToRas(args.colLps);
  const k = lpsToRas(args.normalLps);
  const o = lpsToRas(args.originLps);
  return {
    dims: args.dims,
    ijkToRas: makeIjkToRas({
      spacingMm: [args.pixelSpacingMm[1], args.pixelSpacingMm[0], args.sliceSpacingMm],
      direction: [i[0], j[0], k[0], i[1], j[1], k[1], i[2], j[2], k[2]],
      originRas: rasPoint(o[0], o[1], o[2]),
    }),
  };
}

/** DA "YYYYMMDD" -> "YYYY-MM-DD"; undefined for anything else. */
export function isoDate(da: string | undefined): string | undefined {
  const m = da ? /^(\d{4})(\d{2})(\d{2})$/.exec(da.trim()) : null;
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// ---- series reader ----------------------------------------------------------------------------------------

/** What one slice's header says; the parsed file itself is dropped after the header pass to bound memory. */
interface SliceHeader {
  readonly path: string;
  readonly label: string;
  readonly fields: HeaderFields;
  readonly transferSyntaxUid: string;
  readonly seriesUid: string;
  readonly modality: string;
  readonly format: PixelFormat;
  readonly pixelSpacingMm: number[];
  readonly iop: number[];
  readonly ipp: number[];
}

/** Reads the one CT series in `folder` (non-DICOM files such as DICOMDIR or README are skipped). */
export async function readDicomSeries(folder: string, limits: DicomSeriesLimits): Promise<RawImage> {
  const entries = await listFolder(folder, { what: 'DICOM folder' });
  // Only regular files are read: pipes, devices, sockets and sub-folders are never opened (links are not followed).
  const names = entries.filter((d) => d.isFile()).map((d) => d.name).sort();
  const others = entries.length - names.length;
  const image = await readDicomFiles(names.map((n) => join(folder, n)), limits, folder);
  return others > 0 ? { ...image, meta: { ...image.meta, notes: [...(image.meta.notes ?? []), `${others} ${others === 1 ? 'entry that is not a regular file' : 'entries that are not regular files'} (folders, links, pipes) skipped`] } } : image;
}

/** Reads one CT series from an explicit list of files; `label` names the input in meta and errors. */
export async function readDicomFiles(paths: readonly string[], limits: DicomSeriesLimits, label: string): Promise<RawImage> {
  const notes: string[] = [];
  const images: SliceHeader[] = [];
  const nonImages: string[] = [];
  let skipped = 0;
  for (const path of paths) {
    const ds = await readPart10File(path, limits, basename(path));
    if (!ds) {
      skipped++;
      continue;
    }
    const modality = text(ds, 'x00080060') ?? '';
    const sopClass = text(ds, 'x00080016') ?? '';
    const isImage = 'x7fe00010' in ds.elements && !NON_IMAGE_MODALITIES.has(modality) && sopClass !== SEG_STORAGE && sopClass !== RTSTRUCT_STORAGE;
    if (!isImage) {
      nonImages.push(modality || sopClass || 'unknown');
      continue;
    }
    images.push({
      path,
      label: basename(path),
      fields: headerFieldsOf(ds),
      transferSyntaxUid: text(ds, 'x00020010') ?? '1.2.840.10008.1.2',
      seriesUid: text(ds, 'x0020000e') ?? '',
      modality,
      format: pixelFormatOf(ds),
      pixelSpacingMm: dsNumbers(ds, 'x00280030'),
      iop: dsNumbers(ds, 'x00200037'),
      ipp: dsNumbers(ds, 'x00200032'),
    });
  }
  if (skipped > 0 && images.length + nonImages.length > 0) notes.push(`${skipped} non-DICOM file(s) skipped`);
  if (nonImages.length > 0) notes.push(`ignored non-image DICOM objects: ${countList(nonImages)}`);

  if (images.length === 0) {
    if (nonImages.length > 0)
      throw gctError('GCT_DICOM_NOT_CT', `${label} holds no CT image, only ${countList(nonImages)} object(s)`, { path: label, modalities: [...new Set(nonImages)] });
    throw gctError('GCT_DICOM_NO_IMAGES', `${label} holds no DICOM file (${paths.length} file(s) looked at)`, { path: label, filesSeen: paths.length });
  }
  const series = new Map<string, SliceHeader[]>();
  for (const s of images) series.set(s.seriesUid, [...(series.get(s.seriesUid) ?? []), s]);
  if (series.size > 1) {
    // Named by UID suffix, modality and size only: SeriesDescription is free text that may name a person.
    const list = [...series.entries()].map(([uid, slices]) => ({
      seriesUidSuffix: uid ? `...${uid.slice(-12)}` : '(none)',
      modality: slices[0].modality.slice(0, 16),
      sliceCount: slices.length,
    }));
    throw gctError(
      'GCT_DICOM_MULTIPLE_SERIES',
      `${label} holds ${series.size} image series: ${list.map((s) => `${s.seriesUidSuffix} ${s.modality} (${s.sliceCount} slices)`).join('; ')}`,
      { path: label, series: list },
    );
  }
  const modality = images[0].modality;
  if (modality !== 'CT')
    throw gctError('GCT_DICOM_NOT_CT', `${label} is a ${modality || '(no Modality)'} series; expected CT`, { path: label, modality });

  const { slices, grid, sliceNote } = arrangeSlices(images, limits, label);
  if (sliceNote) notes.push(sliceNote);
  const data = await decodeVolume(slices, limits, label);
  const first = slices[0].fields;
  const sex = first.patientSex;
  const meta: VolumeMeta = {
    source: { format: 'dicom', path: label },
    modality,
    rescale: first.rescale,
    patientAge: first.patientAge,
    patientSex: sex === 'M' || sex === 'F' || sex === 'O' ? sex : undefined,
    studyDate: isoDate(first.studyDate),
    studyInstanceUid: first.studyInstanceUid,
    seriesInstanceUid: first.seriesInstanceUid,
    frameOfReferenceUid: first.frameOfReferenceUid,
    patientIdDigest: first.patientIdDigest,
    contrastAgent: first.contrastAgent,
    seriesDescription: first.seriesDescription,
    sopInstanceUids: slices.map((s) => s.fields.sopInstanceUid ?? ''),
    notes: notes.length > 0 ? notes : undefined,
  };
  return { grid, data, meta };
}

function countList(items: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const m of items) counts.set(m, (counts.get(m) ?? 0) + 1);
  return [...counts.entries()].map(([m, n]) => `${m} x${n}`).join(', ');
}

/**
 * SHA-256 (hex) of a Patient ID with a domain prefix, so that the ID is never held; undefined for an absent or
 * empty ID. Not a privacy measure by itself (short IDs can be enumerated): study-identity.ts keys it with a secret.
 */
export function patientIdDigest(patientId: string | undefined): string | undefined {
  const id = patientId?.trim();
  return id ? createHash('sha256').update(`groundct-patient-id\0${id}`).digest('hex') : undefined;
}

/** Header attributes kept per slice (no PatientName; the PatientID only as its digest). */
interface HeaderFields {
  readonly sopInstanceUid?: string;
  readonly seriesInstanceUid?: string;
  readonly studyInstanceUid?: string;
  readonly frameOfReferenceUid?: string;
  readonly seriesDescription?: string;
  readonly studyDate?: string;
  readonly patientAge?: string;
  readonly patientSex?: string;
  readonly patientIdDigest?: string;
  readonly contrastAgent?: string;
  /** RescaleSlope/Intercept (PS3.3 C.11.1.1.2); identity when absent. */
  readonly rescale: { readonly slope: number; readonly intercept: number };
  readonly sliceThicknessMm?: number;
  readonly spacingBetweenSlicesMm?: number;
}

function headerFieldsOf(ds: dicomParser.DataSet): HeaderFields {
  // Absent: the identity (PS3.3 C.11.1.1.2 makes them conditional). Present but not a number: NaN, refused
  // when the slice is decoded rather than silently read as the identity.
  const slope = dsNumbers(ds, 'x00281053')[0] ?? 1;
  const intercept = dsNumbers(ds, 'x00281052')[0] ?? 0;
  return {
    sopInstanceUid: text(ds, 'x00080018'),
    seriesInstanceUid: text(ds, 'x0020000e'),
    studyInstanceUid: text(ds, 'x0020000d'),
    frameOfReferenceUid: text(ds, 'x00200052'),
    seriesDescription: text(ds, 'x0008103e'),
    studyDate: text(ds, 'x00080020'),
    patientAge: text(ds, 'x00101010'),
    patientSex: text(ds, 'x00100040'),
    patientIdDigest: patientIdDigest(text(ds, 'x00100020')),
    contrastAgent: text(ds, 'x00180010'),
    rescale: { slope: Number.isFinite(slope) ? slope : NaN, intercept: Number.isFinite(intercept) ? intercept : NaN },
    sliceThicknessMm: dsNumbers(ds, 'x00180050')[0],
    spacingBetweenSlicesMm: dsNumbers(ds, 'x00180088')[0],
  };
}

/** Checks that the slices form one regular stack, sorts them along the normal and builds the RAS grid. */
function arrangeSlices(images: SliceHeader[], limits: DicomSeriesLimits, label: string): { slices: SliceHeader[]; grid: Grid; sliceNote?: string } {
  const ref = images[0];
  if (!(ref.format.rows >= 1 && ref.format.columns >= 1))
    throw gctError('GCT_VOLUME_HEADER_INVALID', `${label}: ${ref.label} has Rows ${ref.format.rows} and Columns ${ref.format.columns}; an image needs at least one of each`, { path: label, file: ref.label });
  for (const s of images) {
    if (s.format.numberOfFrames > 1)
      throw gctError('GCT_DICOM_MULTIFRAME_UNSUPPORTED', `${s.label} holds ${s.format.numberOfFrames} frames in one object`, { file: s.label });
    const problem =
      s.format.rows !== ref.format.rows || s.format.columns !== ref.format.columns
        ? `size ${s.format.columns}x${s.format.rows} vs ${ref.format.columns}x${ref.format.rows} in ${ref.label}`
        : s.format.bitsAllocated !== ref.format.bitsAllocated
          ? `BitsAllocated ${s.format.bitsAllocated} vs ${ref.format.bitsAllocated}`
          : s.pixelSpacingMm.length !== 2 || s.pixelSpacingMm.some((v, a) => Math.abs(v - ref.pixelSpacingMm[a]) > PIXEL_SPACING_TOLERANCE * ref.pixelSpacingMm[a])
            ? `PixelSpacing ${s.pixelSpacingMm.join('\\')} vs ${ref.pixelSpacingMm.join('\\')} mm`
            : s.iop.length !== 6 || s.iop.some((v, a) => Math.abs(v - ref.iop[a]) > ORIENTATION_TOLERANCE)
              ? `ImageOrientationPatient ${s.iop.join('\\')} vs ${ref.iop.join('\\')}`
              : s.ipp.length !== 3 || !s.ipp.every(Number.isFinite)
                ? 'ImagePositionPatient missing or not three numbers'
                : null;
    if (problem) throw gctError('GCT_DICOM_INCONSISTENT', `${label}: slice ${s.label} differs: ${problem}`, { path: label, file: s.label });
  }
  const plane = planeCosines(ref.iop);
  if (!plane || ref.pixelSpacingMm.length !== 2 || !ref.pixelSpacingMm.every((v) => v > 0))
    throw gctError('GCT_VOLUME_AFFINE_INVALID', `${label}: ImageOrientationPatient ${ref.iop.join('\\')} / PixelSpacing ${ref.pixelSpacingMm.join('\\')} do not define a plane`, { path: label });
  const positionMm = (s: SliceHeader): number => dot(plane.normalLps, s.ipp);
  const slices = [...images].sort((a, b) => positionMm(a) - positionMm(b));
  const positions = slices.map(positionMm);

  let sliceSpacingMm: number;
  let sliceNote: string | undefined;
  if (slices.length === 1) {
    const thickness = ref.fields.sliceThicknessMm ?? 0;
    const between = ref.fields.spacingBetweenSlicesMm ?? 0;
    sliceSpacingMm = thickness > 0 ? thickness : between > 0 ? between : 1;
    sliceNote = `single slice: k spacing ${sliceSpacingMm} mm taken from ${thickness > 0 ? 'SliceThickness' : between > 0 ? 'SpacingBetweenSlices' : 'nothing (1 mm assumed)'}`;
  } else {
    const gaps = positions.slice(1).map((p, m) => p - positions[m]);
    sliceSpacingMm = median(gaps);
    const tol = limits.sliceSpacingTolerance;
    for (let m = 0; m < gaps.length; m++) {
      if (Math.abs(gaps[m] - sliceSpacingMm) > tol * sliceSpacingMm || gaps[m] <= 1e-6)
        throw gctError(
          'GCT_DICOM_SLICE_GAP',
          `${label}: slices ${slices[m].label} and ${slices[m + 1].label} at ${fmt(positions[m])} mm and ${fmt(positions[m + 1])} mm along the slice normal are ${fmt(gaps[m])} mm apart; expected ${fmt(sliceSpacingMm)} mm (median spacing, tolerance ${tol * 100} %)${gaps[m] <= 1e-6 ? ' (duplicate position)' : ''}`,
          { path: label, positionsMm: [positions[m], positions[m + 1]], gapMm: gaps[m], expectedSpacingMm: sliceSpacingMm, tolerance: tol },
        );
    }
    const worst = Math.max(...gaps.map((g) => Math.abs(g - sliceSpacingMm)));
    if (worst > 1e-3 * sliceSpacingMm) sliceNote = `uneven slice spacing within tolerance: up to ${fmt(worst)} mm from the median ${fmt(sliceSpacingMm)} mm`;
    // A tilted-gantry stack moves in-plane from slice to slice; a grid along the normal would misplace it.
    const driftLimitMm = SHEAR_TOLERANCE_PIXELS * Math.min(...ref.pixelSpacingMm) * (slices.length - 1);
    const d = slices[slices.length - 1].ipp.map((v, a) => v - slices[0].ipp[a]);
    const driftMm = Math.hypot(dot(d, plane.rowLps), dot(d, plane.colLps));
    if (driftMm > driftLimitMm)
      throw gctError('GCT_DICOM_INCONSISTENT', `${label}: slice positions drift ${fmt(driftMm)} mm in-plane across the stack (gantry tilt or shear); expected slices along the normal`, {
        path: label,
        driftMm,
      });
  }
  const grid = stackGrid({
    dims: [ref.format.columns, ref.format.rows, slices.length],
    ...plane,
    pixelSpacingMm: ref.pixelSpacingMm,
    sliceSpacingMm,
    originLps: slices[0].ipp,
  });
  return { slices, grid, sliceNote };
}

function fmt(mm: number): string {
  return String(Math.round(mm * 1000) / 1000);
}

/** Decodes every slice in k order and applies each slice's RescaleSlope/Intercept (PS3.3 C.11.1.1.2). */
async function decodeVolume(slices: readonly SliceHeader[], limits: DicomSeriesLimits, label: string): Promise<VoxelArray> {
  const { rows, columns } = slices[0].format;
  const perSlice = rows * columns;
  const voxels = perSlice * slices.length;
  if (voxels > limits.maxVoxels || voxels * 4 > limits.maxDecompressedBytes)
    throw gctError('GCT_VOLUME_TOO_LARGE', `${label}: ${columns}x${rows}x${slices.length} = ${voxels} voxels exceeds the limits (maxVoxels ${limits.maxVoxels}, maxDecompressedBytes ${limits.maxDecompressedBytes})`, {
      path: label,
      voxels,
    });
  for (const s of slices)
    if (!isSupportedTransferSyntax(s.transferSyntaxUid))
      throw gctError('GCT_DICOM_TRANSFER_SYNTAX_UNSUPPORTED', `${label}: ${s.label} uses transfer syntax ${s.transferSyntaxUid}, which groundct cannot decode`, {
        path: label,
        file: s.label,
        transferSyntaxUid: s.transferSyntaxUid,
      });
  const frames: StoredFrame[] = [];
  const rescales: { slope: number; intercept: number }[] = [];
  let integral = true;
  let minHu = Infinity;
  let maxHu = -Infinity;
  for (const s of slices) {
    // Second read of the file: the header pass kept no bytes, so at most one file is held at a time here.
    const ds = await readPart10File(s.path, limits, s.label).catch((e: unknown) => {
      throw fileSystemError(e, s.path, { what: 'DICOM slice' });
    });
    if (!ds) throw gctError('GCT_VOLUME_NOT_FOUND', `${label}: ${s.label} changed while the series was read (no longer DICOM)`, { path: label, file: s.label });
    const r = s.fields.rescale;
    if (!Number.isFinite(r.slope) || !Number.isFinite(r.intercept))
      throw gctError('GCT_VOLUME_HEADER_INVALID', `${label}: ${s.label} has RescaleSlope ${JSON.stringify((ds.string('x00281053') ?? '').slice(0, 40))} / RescaleIntercept ${JSON.stringify((ds.string('x00281052') ?? '').slice(0, 40))}; both must be finite decimal numbers`, { path: label, file: s.label });
    const frame = await decodeFrame(ds, s.transferSyntaxUid, 0, s.label);
    integral &&= Number.isInteger(r.slope) && Number.isInteger(r.intercept);
    const { min: lo, max: hi } = valueRange(frame);
    const a = lo * r.slope + r.intercept;
    const b = hi * r.slope + r.intercept;
    minHu = Math.min(minHu, a, b);
    maxHu = Math.max(maxHu, a, b);
    frames.push(frame);
    rescales.push(r);
  }
  const out = integral && minHu >= -32768 && maxHu <= 32767 ? new Int16Array(voxels) : new Float32Array(voxels);
  for (let k = 0; k < frames.length; k++) {
    const { slope, intercept } = rescales[k];
    const frame = frames[k];
    const base = k * perSlice;
    for (let p = 0; p < perSlice; p++) out[base + p] = frame[p] * slope + intercept;
  }
  return out;
}
