/**
 * Writer of a DICOM Comprehensive SR (PS3.3 A.35.3) holding a TID 1500 "Measurement Report" (PS3.16 TID 1500):
 *
 *   CONTAINER (126000, DCM, "Imaging Measurement Report")             template DCMR 1500
 *     HAS CONCEPT MOD  Language of Content = English                   (TID 1204)
 *     HAS OBS CONTEXT  Observer Type = Device, Device Observer UID/Name (TID 1001/1004)
 *     HAS CONCEPT MOD  Procedure reported = CT                         (77477000, SCT)
 *     CONTAINS CONTAINER Image Library > Image Library Group > IMAGE per referenced CT slice (TID 1600)
 *     CONTAINS CONTAINER Imaging Measurements
 *       CONTAINS CONTAINER Measurement Group, one per segment          (TID 1411 Volumetric ROI Measurements)
 *         HAS OBS CONTEXT  Tracking Identifier (segment label: lesion id or structure name), Tracking UID
 *         CONTAINS CODE    Finding = the segmented property type (e.g. Lesion, Spleen structure)
 *         HAS CONCEPT MOD  Finding Site = the organ's SNOMED CT code, when known
 *         CONTAINS IMAGE   Referenced Segment = the SEG instance + ReferencedSegmentNumber
 *         CONTAINS UIDREF  Source series for segmentation = the CT series
 *         CONTAINS NUM     Volume [ml], Long Axis [mm], Short Axis [mm] (lesions), Attenuation Coefficient
 *                          [hnsf'U] with Derivation = Mean                   (units: UCUM, CID 7181 / 7460)
 *     CONTAINS CONTAINER Qualitative Evaluations (C0034375, UMLS)        (TID 1500 row 12)
 *       CONTAINS TEXT    Finding / Impression = one report sentence
 *         INFERRED FROM TEXT Tracking Identifier = each finding id the sentence states
 *
 * How we differ from TID 1500: the sentence items carry INFERRED FROM children (finding ids), which the template
 * does not list but Comprehensive SR's relationship constraints allow (TEXT source, TEXT target; A.35.3.4.1).
 * CompletionFlag is PARTIAL and VerificationFlag UNVERIFIED: this is a draft no person has signed.
 */
import type { NaturalDataset } from 'dcmjs';
import { codeItem, DCM, ENGLISH, QUALITATIVE_EVALUATIONS, SCT, UCUM, type CodedConcept } from './codes.ts';
import { daTm, ds, encodePart10, newUid, patientStudyModule } from './dicom-dataset.ts';
import type { EncodedObject } from './dicom-seg-write.ts';
import type { ReferencedCt } from './referenced-ct.ts';
import type { ReportSegment } from './segments.ts';

export const COMPREHENSIVE_SR_STORAGE = '1.2.840.10008.5.1.4.1.1.88.33';

/** One narrative sentence with the ids of the findings it states (the report stage's sentences fit this). */
export interface NarrativeSentence {
  /** Report section, e.g. 'findings' or 'impression' (case-insensitive). */
  readonly section: string;
  readonly text: string;
  readonly findingIds: readonly string[];
}

export interface SrWriteOptions {
  readonly seriesInstanceUid?: string;
  readonly sopInstanceUid?: string;
  readonly seriesNumber?: number;
  readonly contentDateTime?: Date;
  readonly sentences?: readonly NarrativeSentence[];
  /** UID of the device observer (groundct); a fresh one by default. */
  readonly deviceObserverUid?: string;
}

type Item = NaturalDataset;

const container = (rel: string | null, concept: CodedConcept, children: Item[], extra: Item = {}): Item => ({
  ...(rel ? { RelationshipType: rel } : {}),
  ValueType: 'CONTAINER',
  ConceptNameCodeSequence: [codeItem(concept)],
  ContinuityOfContent: 'SEPARATE',
  ...extra,
  ContentSequence: children,
});
const codeValue = (rel: string, concept: CodedConcept, value: CodedConcept): Item => ({
  RelationshipType: rel, ValueType: 'CODE', ConceptNameCodeSequence: [codeItem(concept)], ConceptCodeSequence: [codeItem(value)],
});
const textValue = (rel: string, concept: CodedConcept, text: string, children?: Item[]): Item => ({
  RelationshipType: rel, ValueType: 'TEXT', ConceptNameCodeSequence: [codeItem(concept)], TextValue: text,
  ...(children && children.length > 0 ? { ContentSequence: children } : {}),
});
const uidValue = (rel: string, concept: CodedConcept, uid: string): Item => ({
  RelationshipType: rel, ValueType: 'UIDREF', ConceptNameCodeSequence: [codeItem(concept)], UID: uid,
});
const numValue = (concept: CodedConcept, value: number, unit: CodedConcept, children?: Item[]): Item => ({
  RelationshipType: 'CONTAINS', ValueType: 'NUM', ConceptNameCodeSequence: [codeItem(concept)],
  MeasuredValueSequence: [{ NumericValue: ds(value), MeasurementUnitsCodeSequence: [codeItem(unit)] }],
  ...(children ? { ContentSequence: children } : {}),
});

function measurementGroup(s: ReportSegment, seg: EncodedObject, ct: ReferencedCt): Item {
  const v = s.values;
  return container('CONTAINS', DCM.measurementGroup, [
    textValue('HAS OBS CONTEXT', DCM.trackingIdentifier, s.label),
    uidValue('HAS OBS CONTEXT', DCM.trackingUniqueIdentifier, newUid()),
    codeValue('CONTAINS', DCM.finding, s.type),
    ...(s.site ? [codeValue('HAS CONCEPT MOD', SCT.findingSite, s.site)] : []),
    {
      RelationshipType: 'CONTAINS',
      ValueType: 'IMAGE',
      ConceptNameCodeSequence: [codeItem(DCM.referencedSegment)],
      ReferencedSOPSequence: [{ ReferencedSOPClassUID: seg.sopClassUid, ReferencedSOPInstanceUID: seg.sopInstanceUid, ReferencedSegmentNumber: s.number }],
    },
    uidValue('CONTAINS', DCM.sourceSeriesForSegmentation, ct.seriesInstanceUid),
    numValue(SCT.volume, v.volumeMl, UCUM.ml),
    ...(v.longAxisMm !== undefined ? [numValue(SCT.longAxis, v.longAxisMm, UCUM.mm)] : []),
    ...(v.shortAxisMm !== undefined ? [numValue(SCT.shortAxis, v.shortAxisMm, UCUM.mm)] : []),
    numValue(DCM.attenuationCoefficient, v.huMean, UCUM.hounsfield, [codeValue('HAS CONCEPT MOD', DCM.derivation, SCT.mean)]),
  ]);
}

function sentenceItem(s: NarrativeSentence): Item {
  const concept = s.section.toLowerCase() === 'impression' ? DCM.impression : DCM.finding;
  return textValue('CONTAINS', concept, s.text, s.findingIds.map((id) => textValue('INFERRED FROM', DCM.trackingIdentifier, id)));
}

/** The TID 1500 measurement report of `segments` (stored in `seg`) over the CT `ct`. */
export function encodeMeasurementReport(segments: readonly ReportSegment[], seg: EncodedObject, ct: ReferencedCt, options: SrWriteOptions = {}): EncodedObject {
  const sopInstanceUid = options.sopInstanceUid ?? newUid();
  const seriesInstanceUid = options.seriesInstanceUid ?? newUid();
  const { da, tm } = daTm(options.contentDateTime ?? new Date());
  const frameSize = ct.grid.dims[0] * ct.grid.dims[1];
  const ks = new Set<number>();
  for (const s of segments) for (let n = 0; n < s.voxels.length; n++) ks.add(Math.floor(s.voxels[n] / frameSize));
  const ctSops = [...ks].sort((a, b) => a - b).map((k) => ct.sopInstanceUids[k]);
  const sentences = options.sentences ?? [];

  const content: Item[] = [
    codeValue('HAS CONCEPT MOD', DCM.languageOfContent, ENGLISH),
    codeValue('HAS OBS CONTEXT', DCM.observerType, DCM.device),
    uidValue('HAS OBS CONTEXT', DCM.deviceObserverUid, options.deviceObserverUid ?? newUid()),
    textValue('HAS OBS CONTEXT', DCM.deviceObserverName, 'groundct'),
    codeValue('HAS CONCEPT MOD', DCM.procedureReported, SCT.ctProcedure),
    container('CONTAINS', DCM.imageLibrary, [
      container('CONTAINS', DCM.imageLibraryGroup, ctSops.map((uid) => ({
        RelationshipType: 'CONTAINS',
        ValueType: 'IMAGE',
        ReferencedSOPSequence: [{ ReferencedSOPClassUID: ct.sopClassUid, ReferencedSOPInstanceUID: uid }],
      }))),
    ]),
    container('CONTAINS', DCM.imagingMeasurements, segments.map((s) => measurementGroup(s, seg, ct))),
    ...(sentences.length > 0 ? [container('CONTAINS', QUALITATIVE_EVALUATIONS, sentences.map(sentenceItem))] : []),
  ];

  const dataset: NaturalDataset = {
    SpecificCharacterSet: 'ISO_IR 192',
    SOPClassUID: COMPREHENSIVE_SR_STORAGE,
    SOPInstanceUID: sopInstanceUid,
    ...patientStudyModule(ct.studyInstanceUid, ct.patientStudy, ct.studyDate),
    // SR Document Series (C.17.1)
    Modality: 'SR',
    SeriesInstanceUID: seriesInstanceUid,
    SeriesNumber: options.seriesNumber ?? 9002,
    SeriesDescription: 'groundct measurement report (draft)',
    ReferencedPerformedProcedureStepSequence: [],
    Manufacturer: 'groundct',
    // SR Document General (C.17.2)
    InstanceNumber: 1,
    CompletionFlag: 'PARTIAL',
    VerificationFlag: 'UNVERIFIED',
    ContentDate: da,
    ContentTime: tm,
    PerformedProcedureCodeSequence: [],
    CurrentRequestedProcedureEvidenceSequence: [
      {
        StudyInstanceUID: ct.studyInstanceUid,
        ReferencedSeriesSequence: [
          { SeriesInstanceUID: ct.seriesInstanceUid, ReferencedSOPSequence: ctSops.map((uid) => ({ ReferencedSOPClassUID: ct.sopClassUid, ReferencedSOPInstanceUID: uid })) },
          { SeriesInstanceUID: seg.seriesInstanceUid, ReferencedSOPSequence: [{ ReferencedSOPClassUID: seg.sopClassUid, ReferencedSOPInstanceUID: seg.sopInstanceUid }] },
        ],
      },
    ],
    // SR Document Content (C.17.3): the root container.
    ValueType: 'CONTAINER',
    ConceptNameCodeSequence: [codeItem(DCM.imagingMeasurementReport)],
    ContinuityOfContent: 'SEPARATE',
    ContentTemplateSequence: [{ MappingResource: 'DCMR', TemplateIdentifier: '1500' }],
    ContentSequence: content,
  };
  return { bytes: encodePart10(dataset), sopClassUid: COMPREHENSIVE_SR_STORAGE, sopInstanceUid, seriesInstanceUid };
}
