/**
 * interop: a report in the formats the department already runs on. The only entry point other code imports.
 *
 * ```ts
 * const out = await writeDicomOutputs({ ct, labels, measurements, findings, report }, 'out/dicom'); // seg.dcm, sr.dcm
 * const bundle = toFhirBundle(report, measurements, { studyInstanceUid: out.referenced.studyInstanceUid });
 * await writeKeyImages({ ct, labels, measurements, findings: report.findings }, 'out/key-images');
 * const pacs = dicomwebClient({ baseUrl: 'http://localhost:8042/dicom-web', username, password });
 * const ctSeries = (await pacs.searchSeries(studyUid, { Modality: 'CT' }))[0];
 * ```
 */
export { writeDicomOutputs, type DicomOutputs, type DicomOutputsInput, type DicomOutputsOptions, type ReportNarrative } from './write-dicom-outputs.ts';
export { encodeSeg, SEG_STORAGE, type EncodedObject, type SegWriteOptions } from './dicom-seg-write.ts';
export { encodeMeasurementReport, COMPREHENSIVE_SR_STORAGE, type NarrativeSentence, type SrWriteOptions } from './dicom-sr-write.ts';
export { reportSegments, labelMapSegments, type ReportSegment, type SegSegment, type SegmentValues } from './segments.ts';
export { referencedCtFor, CT_IMAGE_STORAGE, type ReferencedCt } from './referenced-ct.ts';
export { patientStudyAttributesOf, type PatientStudyAttributes } from './dicom-dataset.ts';
export { toFhirBundle, ucumOfKey, GROUNDCT_SYSTEM, type FhirBundle, type FhirOptions, type FhirReportInput, type FhirResource } from './fhir.ts';
export { renderKeyImage, LUNG_WINDOW, SOFT_TISSUE_WINDOW, OUTLINE_RGB, SCALE_BAR_RGB, SCALE_STRIP_PX, type DisplayWindow, type KeyImageGeometry, type RenderedKeyImage } from './key-image.ts';
export { keyImagesFor, writeKeyImages, keyImageFileName, type KeyImage, type KeyImagesInput, type WrittenKeyImage } from './key-images.ts';
export { encodePng, type RgbImage } from './png.ts';
export { dicomwebClient, DEFAULT_PACS_TIMEOUT_MS, type DicomwebClient, type DicomwebOptions, type SeriesMatch, type StoreResult } from './dicomweb.ts';
export { selectPacsSeries, fetchPacsSeries, storeDicomOutputs, OWN_SERIES_DESCRIPTION, PACS_CT_FOLDER, PACS_SEG_FILE, type PacsSelection, type FetchedPacsStudy } from './pacs-round-trip.ts';
export { CATEGORY, LESION_TYPE_CODE, UCUM, type CodedConcept } from './codes.ts';
export { assertValidFhir, loadFhirValidator, type FhirValidationIssue, type FhirValidator } from './fhir-validate.ts';
