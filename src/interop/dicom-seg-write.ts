/**
 * Writer of a binary DICOM Segmentation (Segmentation IOD, PS3.3 A.51; Segmentation Image module C.8.20.2;
 * Multi-frame Functional Groups C.7.6.16) of the masks a report used.
 *
 * - One frame per (segment, CT slice holding any of its voxels); empty frames are left out (allowed: a frame
 *   exists only where it carries a segment, C.8.20.2). Frames follow the CT grid exactly: Rows x Columns =
 *   dims[1] x dims[0], shared Plane Orientation = the CT's row (i) and column (j) cosines in LPS, per-frame
 *   Plane Position = the LPS centre of voxel (0, 0, k), Pixel Measures = the CT's spacing.
 * - Each frame names its source CT slice (Derivation Image Sequence, C.7.6.16.2.6) and its segment (Segment
 *   Identification, C.8.20.3.1); the Common Instance Reference module lists the CT series.
 * - Dimension organisation (C.7.6.17): ReferencedSegmentNumber, then ImagePositionPatient.
 * - BINARY pixels: 1 bit per pixel, frames packed back to back with no padding between them, first pixel in the
 *   least significant bit (PS3.5 8.1.1 and 8.2 for BitsAllocated 1).
 */
import type { NaturalDataset } from 'dcmjs';
import { splitIjkToRas } from '../volume/index.ts';
import { CATEGORY, codeItem, DCM } from './codes.ts';
import { daTm, ds, encodePart10, newUid, patientStudyModule } from './dicom-dataset.ts';
import type { ReferencedCt } from './referenced-ct.ts';
import type { SegSegment } from './segments.ts';

export const SEG_STORAGE = '1.2.840.10008.5.1.4.1.1.66.4';
/** Recommended display colour per segment (CIELab scaled to 0..65535, PS3.3 C.10.7.1.1): a fixed cycle. */
const CIELAB_CYCLE: readonly (readonly [number, number, number])[] = [
  [34885, 53485, 50171], [41158, 22913, 40505], [55100, 32896, 18096], [44879, 44101, 19123], [27636, 40297, 16000], [49151, 46516, 44711],
];

export interface SegWriteOptions {
  readonly seriesInstanceUid?: string;
  readonly sopInstanceUid?: string;
  readonly seriesNumber?: number;
  readonly seriesDescription?: string;
  /** Content date/time of the object; now by default. */
  readonly contentDateTime?: Date;
  /** Software version written to Enhanced General Equipment. */
  readonly softwareVersion?: string;
  /** How the masks were made (C.8.20.2.4 SegmentAlgorithmType); groundct's components of given masks by default. */
  readonly algorithm?: { readonly type: 'AUTOMATIC' | 'SEMIAUTOMATIC' | 'MANUAL'; readonly name?: string };
}

export interface EncodedObject {
  readonly bytes: Uint8Array;
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  readonly seriesInstanceUid: string;
}

export function encodeSeg(segments: readonly SegSegment[], ref: ReferencedCt, options: SegWriteOptions = {}): EncodedObject {
  const { dims } = ref.grid;
  const frameSize = dims[0] * dims[1];
  const { spacingMm, direction: d } = splitIjkToRas(ref.grid.ijkToRas);
  const m = ref.grid.ijkToRas;
  const toLps = (v: readonly number[]) => [-v[0] + 0, -v[1] + 0, v[2] + 0];
  const iop = [...toLps([d[0], d[3], d[6]]), ...toLps([d[1], d[4], d[7]])].map(ds);
  const ippOf = (k: number) => toLps([m[2] * k + m[3], m[6] * k + m[7], m[10] * k + m[11]]).map(ds);

  // Frames: per segment, the k planes it occupies (voxels are sorted, so k ascends).
  const frames: { segment: SegSegment; k: number; start: number; end: number }[] = [];
  for (const s of segments) {
    let n = 0;
    while (n < s.voxels.length) {
      const k = Math.floor(s.voxels[n] / frameSize);
      const start = n;
      while (n < s.voxels.length && Math.floor(s.voxels[n] / frameSize) === k) n++;
      frames.push({ segment: s, k, start, end: n });
    }
  }
  const pixelBytes = new Uint8Array(Math.ceil((frames.length * frameSize) / 8 / 2) * 2 || 2);
  frames.forEach((f, index) => {
    const bit0 = index * frameSize;
    for (let n = f.start; n < f.end; n++) {
      const bit = bit0 + (f.segment.voxels[n] - f.k * frameSize);
      pixelBytes[bit >> 3] |= 1 << (bit & 7);
    }
  });

  const sopInstanceUid = options.sopInstanceUid ?? newUid();
  const seriesInstanceUid = options.seriesInstanceUid ?? newUid();
  const dimensionOrganizationUid = newUid();
  const { da, tm } = daTm(options.contentDateTime ?? new Date());
  const algorithm = options.algorithm ?? { type: 'SEMIAUTOMATIC' as const, name: 'groundct' };
  const referencedInstances = [...new Set(frames.map((f) => ref.sopInstanceUids[f.k]))];

  const dataset: NaturalDataset = {
    SpecificCharacterSet: 'ISO_IR 192',
    SOPClassUID: SEG_STORAGE,
    SOPInstanceUID: sopInstanceUid,
    ...patientStudyModule(ref.studyInstanceUid, ref.patientStudy, ref.studyDate),
    // General Series / Segmentation Series (C.7.3.1, C.8.20.1)
    Modality: 'SEG',
    SeriesInstanceUID: seriesInstanceUid,
    SeriesNumber: options.seriesNumber ?? 9001,
    SeriesDescription: options.seriesDescription ?? 'groundct segmentation',
    SeriesDate: da,
    SeriesTime: tm,
    // Frame of Reference (C.7.4.1): the CT's.
    FrameOfReferenceUID: ref.frameOfReferenceUid,
    PositionReferenceIndicator: '',
    // General / Enhanced General Equipment (C.7.5.1, C.7.5.2)
    Manufacturer: 'groundct',
    ManufacturerModelName: 'groundct',
    DeviceSerialNumber: '1',
    SoftwareVersions: options.softwareVersion ?? '0.1.0',
    // General Image / Segmentation Image (C.7.6.1, C.8.20.2)
    InstanceNumber: 1,
    ContentDate: da,
    ContentTime: tm,
    ImageType: ['DERIVED', 'PRIMARY'],
    ContentLabel: 'GROUNDCT',
    ContentDescription: 'Masks of the structures and lesions the report used',
    ContentCreatorName: '',
    SegmentationType: 'BINARY',
    LossyImageCompression: '00',
    // Image Pixel (C.7.6.3) for BINARY segmentations.
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: dims[1],
    Columns: dims[0],
    BitsAllocated: 1,
    BitsStored: 1,
    HighBit: 0,
    PixelRepresentation: 0,
    NumberOfFrames: frames.length,
    SegmentSequence: segments.map((s, index) => ({
      SegmentNumber: s.number,
      SegmentLabel: s.label.slice(0, 64),
      SegmentDescription: s.displayName.slice(0, 64),
      SegmentAlgorithmType: algorithm.type,
      ...(algorithm.type !== 'MANUAL' ? { SegmentAlgorithmName: algorithm.name ?? 'groundct' } : {}),
      SegmentedPropertyCategoryCodeSequence: [codeItem(s.category)],
      SegmentedPropertyTypeCodeSequence: [codeItem(s.type)],
      ...(s.category === CATEGORY.morphologicallyAbnormalStructure && s.site ? { AnatomicRegionSequence: [codeItem(s.site)] } : {}),
      RecommendedDisplayCIELabValue: [...CIELAB_CYCLE[index % CIELAB_CYCLE.length]],
      TrackingID: (s.lesionId ?? s.label).slice(0, 64),
      TrackingUID: newUid(),
    })),
    // Multi-frame Dimension (C.7.6.17)
    DimensionOrganizationSequence: [{ DimensionOrganizationUID: dimensionOrganizationUid }],
    DimensionIndexSequence: [
      { DimensionOrganizationUID: dimensionOrganizationUid, DimensionIndexPointer: 0x0062000b, FunctionalGroupPointer: 0x0062000a, DimensionDescriptionLabel: 'Segment Number' },
      { DimensionOrganizationUID: dimensionOrganizationUid, DimensionIndexPointer: 0x00200032, FunctionalGroupPointer: 0x00209113, DimensionDescriptionLabel: 'Image Position Patient' },
    ],
    SharedFunctionalGroupsSequence: [
      {
        PlaneOrientationSequence: [{ ImageOrientationPatient: iop }],
        PixelMeasuresSequence: [{ PixelSpacing: [ds(spacingMm[1]), ds(spacingMm[0])], SliceThickness: ds(spacingMm[2]), SpacingBetweenSlices: ds(spacingMm[2]) }],
      },
    ],
    PerFrameFunctionalGroupsSequence: frames.map((f) => ({
      DerivationImageSequence: [
        {
          SourceImageSequence: [
            {
              ReferencedSOPClassUID: ref.sopClassUid,
              ReferencedSOPInstanceUID: ref.sopInstanceUids[f.k],
              PurposeOfReferenceCodeSequence: [codeItem(DCM.sourceImageForProcessing)],
            },
          ],
          DerivationCodeSequence: [codeItem(DCM.segmentation)],
        },
      ],
      FrameContentSequence: [{ DimensionIndexValues: [f.segment.number, f.k + 1] }],
      PlanePositionSequence: [{ ImagePositionPatient: ippOf(f.k) }],
      SegmentIdentificationSequence: [{ ReferencedSegmentNumber: f.segment.number }],
    })),
    // Common Instance Reference (C.12.2): the CT series the frames derive from.
    ReferencedSeriesSequence: [
      {
        SeriesInstanceUID: ref.seriesInstanceUid,
        ReferencedInstanceSequence: referencedInstances.map((uid) => ({ ReferencedSOPClassUID: ref.sopClassUid, ReferencedSOPInstanceUID: uid })),
      },
    ],
    PixelData: pixelBytes.buffer,
    _vrMap: { PixelData: 'OB' },
  };
  return { bytes: encodePart10(dataset), sopClassUid: SEG_STORAGE, sopInstanceUid, seriesInstanceUid };
}
