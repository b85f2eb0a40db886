/**
 * Reader of a DICOM Segmentation object (SEG, PS3.3 A.51 and C.8.20) into one binary mask per segment.
 *
 * Frames are placed by their Per-Frame Functional Groups: Plane Position (Patient) (C.7.6.16.2.3) gives each
 * frame's IPP, Segment Identification (C.8.20.3.1) its ReferencedSegmentNumber. Plane Orientation and Pixel
 * Measures come from the Shared Functional Groups, or per frame when a writer put them there. The grid is
 * built exactly as for a CT series (see dicom-series.ts): LPS -> RAS, i along the row cosines, k along the
 * normal row x col. Frames absent from the object (empty slices a writer left out) stay zero.
 *
 * Segmentation types (C.8.20.2.3): BINARY frames are 1 bit per pixel, packed across frames with no padding
 * (PS3.5 8.1.1: the first pixel in the least significant bit); FRACTIONAL frames are 8-bit values up to
 * MaximumFractionalValue, thresholded here at FRACTIONAL_THRESHOLD of it.
 */
import { basename } from 'node:path';
import type dicomParser from 'dicom-parser';
import { gctError } from '../../errors.ts';
import type { Grid } from '../geometry.ts';
import type { VolumeMeta } from '../types.ts';
import type { ReadLimits } from './contracts.ts';
import { decodeFrame, isSupportedTransferSyntax, isUncompressedTransferSyntax, pixelFormatOf, TRANSFER_SYNTAX } from './dicom-pixels.ts';
import { readPart10File } from './dicom-file.ts';
import { dot, dsNumbers, isoDate, median, planeCosines, stackGrid, text } from './dicom-series.ts';

const SEG_STORAGE = '1.2.840.10008.5.1.4.1.1.66.4';
/** A fractional voxel belongs to the segment when its value is at least this fraction of MaximumFractionalValue. */
export const FRACTIONAL_THRESHOLD = 0.5;
/** A frame's position may sit this fraction of the slice spacing off the k lattice (DS rounding). */
const LATTICE_TOLERANCE = 0.1;

export interface DicomSegment {
  /** SegmentNumber (0062,0004): the id other objects use to reference the segment. */
  readonly number: number;
  /** SegmentLabel (0062,0005) as written. */
  readonly label: string;
  /** 1 inside the segment, 0 outside; i fastest, on `grid`. */
  readonly data: Uint8Array;
}

export interface DicomSeg {
  readonly grid: Grid;
  readonly segments: readonly DicomSegment[];
  readonly meta: VolumeMeta;
}

interface FramePlacement {
  readonly segmentNumber: number;
  readonly ipp: number[];
}

export async function readDicomSeg(path: string, limits: ReadLimits): Promise<DicomSeg> {
  const name = basename(path);
  const ds = await readPart10File(path, limits, name);
  if (!ds) throw gctError('GCT_VOLUME_HEADER_INVALID', `${name} is not a DICOM Part 10 file`, { path });
  const sopClass = text(ds, 'x00080016');
  if (sopClass !== SEG_STORAGE && text(ds, 'x00080060') !== 'SEG')
    throw gctError('GCT_DICOM_SEG_INVALID', `${name} is not a Segmentation object (SOP class ${sopClass ?? 'missing'})`, { path });
  const invalid = (why: string): never => {
    throw gctError('GCT_DICOM_SEG_INVALID', `${name}: ${why}`, { path });
  };

  const format = pixelFormatOf(ds);
  const segType = text(ds, 'x00620001') ?? 'BINARY';
  const transferSyntaxUid = text(ds, 'x00020010') ?? TRANSFER_SYNTAX.implicitLittle;
  if (format.rows <= 0 || format.columns <= 0 || !(format.numberOfFrames > 0)) invalid('Rows, Columns or NumberOfFrames missing');
  if (segType === 'BINARY' ? format.bitsAllocated !== 1 : format.bitsAllocated !== 8)
    invalid(`SegmentationType ${segType} with BitsAllocated ${format.bitsAllocated} (expected 1 for BINARY, 8 for FRACTIONAL)`);

  const segments = (ds.elements.x00620002?.items ?? []).map((item) => {
    const s = item.dataSet!;
    const number = s.uint16('x00620004');
    if (number === undefined) invalid('a SegmentSequence item has no SegmentNumber');
    return { number: number!, label: text(s, 'x00620005') ?? `segment ${number}` };
  });
  if (segments.length === 0) invalid('SegmentSequence (0062,0002) is empty');

  const shared = ds.elements.x52009229?.items?.[0]?.dataSet;
  const perFrame = ds.elements.x52009230?.items ?? [];
  if (perFrame.length !== format.numberOfFrames) invalid(`${perFrame.length} PerFrameFunctionalGroups items for ${format.numberOfFrames} frames`);
  const fromGroups = (frame: dicomParser.DataSet | undefined, seqTag: string, tag: string): number[] => {
    for (const group of [frame, shared]) {
      const item = group?.elements[seqTag]?.items?.[0]?.dataSet;
      const v = item ? dsNumbers(item, tag) : [];
      if (v.length > 0) return v;
    }
    return [];
  };
  const first = perFrame[0]?.dataSet;
  const iop = fromGroups(first, 'x00209116', 'x00200037');
  const pixelSpacingMm = fromGroups(first, 'x00289110', 'x00280030');
  const plane = planeCosines(iop);
  if (!plane || pixelSpacingMm.length !== 2 || !pixelSpacingMm.every((v) => v > 0))
    invalid(`PlaneOrientation ${iop.join('\\')} / PixelSpacing ${pixelSpacingMm.join('\\')} do not define a plane`);
  const frames: FramePlacement[] = perFrame.map((item, f) => {
    const fg = item.dataSet;
    const ipp = fromGroups(fg, 'x00209113', 'x00200032');
    if (ipp.length !== 3) invalid(`frame ${f + 1} has no PlanePositionSequence ImagePositionPatient`);
    const segmentNumber = fg?.elements.x0062000a?.items?.[0]?.dataSet?.uint16('x0062000b');
    if (segmentNumber === undefined) invalid(`frame ${f + 1} has no SegmentIdentificationSequence ReferencedSegmentNumber`);
    if (!fromGroups(fg, 'x00209116', 'x00200037').every((v, a) => Math.abs(v - iop[a]) < 1e-3)) invalid(`frame ${f + 1} has another orientation`);
    return { segmentNumber: segmentNumber!, ipp };
  });

  // k lattice: unique positions along the normal; spacing from SpacingBetweenSlices, else their median step.
  const { normalLps, rowLps, colLps } = plane!;
  const positions = frames.map((fr) => dot(normalLps, fr.ipp));
  const unique = [...positions].sort((a, b) => a - b).filter((p, m, all) => m === 0 || p - all[m - 1] > 1e-3);
  const between = fromGroups(first, 'x00289110', 'x00180088')[0];
  const thickness = fromGroups(first, 'x00289110', 'x00180050')[0];
  const sliceSpacingMm = between > 0 ? between : unique.length > 1 ? median(unique.slice(1).map((p, m) => p - unique[m])) : thickness > 0 ? thickness : 1;
  const zeroFrame = frames[positions.indexOf(unique[0])];
  const dims: [number, number, number] = [format.columns, format.rows, Math.round((unique[unique.length - 1] - unique[0]) / sliceSpacingMm) + 1];
  const voxels = dims[0] * dims[1] * dims[2];
  if (voxels > limits.maxVoxels || voxels * segments.length > limits.maxDecompressedBytes)
    throw gctError('GCT_VOLUME_TOO_LARGE', `${name}: ${dims.join('x')} voxels x ${segments.length} segments exceeds the limits`, { path, dims });
  const frameK = frames.map((fr, f) => {
    const kReal = (positions[f] - unique[0]) / sliceSpacingMm;
    const d = fr.ipp.map((v, a) => v - zeroFrame.ipp[a]);
    const driftMm = Math.hypot(dot(d, rowLps), dot(d, colLps));
    if (Math.abs(kReal - Math.round(kReal)) > LATTICE_TOLERANCE || driftMm > LATTICE_TOLERANCE * Math.min(...pixelSpacingMm))
      invalid(`frame ${f + 1} at ${fr.ipp.join('\\')} is off the slice lattice (spacing ${sliceSpacingMm} mm)`);
    return Math.round(kReal);
  });
  const grid = stackGrid({ dims, ...plane!, pixelSpacingMm, sliceSpacingMm, originLps: zeroFrame.ipp });

  const bySegment = new Map(segments.map((s) => [s.number, new Uint8Array(voxels)]));
  const frameSize = format.rows * format.columns;
  const maxFractional = ds.uint16('x00620014') ?? 255;
  const pixel = ds.elements.x7fe00010;
  if (!pixel) invalid('no Pixel Data');
  // BINARY frames are read as packed bits: a compressed transfer syntax (even one whose pixel data is not
  // encapsulated, i.e. a file that contradicts itself) is refused rather than guessed at.
  if (format.bitsAllocated === 1 && (pixel!.encapsulatedPixelData || !isUncompressedTransferSyntax(transferSyntaxUid)))
    throw gctError('GCT_DICOM_TRANSFER_SYNTAX_UNSUPPORTED', `${name}: compressed BINARY SEG (transfer syntax ${transferSyntaxUid}) is not supported`, { path, transferSyntaxUid });
  if (!isSupportedTransferSyntax(transferSyntaxUid))
    throw gctError('GCT_DICOM_TRANSFER_SYNTAX_UNSUPPORTED', `${name}: transfer syntax ${transferSyntaxUid} is not supported`, { path, transferSyntaxUid });
  if (format.bitsAllocated === 1 && pixel!.length * 8 < frameSize * format.numberOfFrames)
    throw gctError('GCT_VOLUME_TRUNCATED', `${name}: Pixel Data holds ${pixel!.length} bytes; ${format.numberOfFrames} frames of ${frameSize} bits need ${Math.ceil((frameSize * format.numberOfFrames) / 8)}`, { path });

  for (let f = 0; f < frames.length; f++) {
    const target = bySegment.get(frames[f].segmentNumber);
    if (!target) invalid(`frame ${f + 1} references segment ${frames[f].segmentNumber}, which SegmentSequence does not define`);
    const base = frameK[f] * frameSize;
    if (format.bitsAllocated === 1) {
      const bytesAll = ds.byteArray;
      const bit0 = f * frameSize;
      for (let p = 0; p < frameSize; p++) {
        const bit = bit0 + p;
        if ((bytesAll[pixel!.dataOffset + (bit >> 3)] >> (bit & 7)) & 1) target![base + p] = 1;
      }
    } else {
      const values = await decodeFrame(ds, transferSyntaxUid, f, name);
      const threshold = FRACTIONAL_THRESHOLD * maxFractional;
      for (let p = 0; p < frameSize; p++) if (values[p] >= threshold) target![base + p] = 1;
    }
  }

  const referenced = ds.elements.x00081115?.items?.[0]?.dataSet;
  const referencedSeries = referenced ? text(referenced, 'x0020000e') : undefined;
  const meta: VolumeMeta = {
    source: { format: 'dicom-seg', path },
    modality: 'SEG',
    studyDate: isoDate(text(ds, 'x00080020')),
    studyInstanceUid: text(ds, 'x0020000d'),
    seriesInstanceUid: text(ds, 'x0020000e'),
    frameOfReferenceUid: text(ds, 'x00200052'),
    seriesDescription: text(ds, 'x0008103e'),
    notes: [
      `SegmentationType ${segType}${segType === 'FRACTIONAL' ? ` thresholded at ${FRACTIONAL_THRESHOLD * 100} % of ${maxFractional}` : ''}`,
      ...(referencedSeries ? [`segments series ${referencedSeries}`] : []),
    ],
  };
  return { grid, segments: segments.map((s) => ({ ...s, data: bySegment.get(s.number)! })), meta };
}
