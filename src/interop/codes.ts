/**
 * Coded concepts the DICOM SEG/SR writers and the FHIR exporter use: (code value, coding scheme, meaning) as in
 * the DICOM Code Sequence Macro (PS3.3 Table 8.8-1). Only codes taken from the DICOM standard's own context
 * groups and templates (PS3.16), SNOMED CT concepts we are sure of, and UCUM units.
 *
 * Scheme designators (PS3.16 Table 8-1): DCM = DICOM Controlled Terminology (PS3.16 Annex D), SCT = SNOMED CT,
 * UCUM = Unified Code for Units of Measure (https://ucum.org/ucum), UMLS = UMLS CUIs (used by TID 1500 for
 * "Qualitative Evaluations"), DCMR = DICOM content mapping resource, RFC5646 = language tags.
 * `99GROUNDCT` is a private scheme (PS3.16 8.2: private schemes start with "99") for structures whose SNOMED CT
 * code the anatomy catalogue does not hold: code value = the canonical name, meaning = its display name.
 */
export interface CodedConcept {
  readonly value: string;
  readonly scheme: string;
  readonly meaning: string;
}

const code = (value: string, scheme: string, meaning: string): CodedConcept => ({ value, scheme, meaning });

export const PRIVATE_SCHEME = '99GROUNDCT';

/** CID 7150 Segmentation Property Categories. */
export const CATEGORY = {
  anatomicalStructure: code('123037004', 'SCT', 'Anatomical Structure'),
  morphologicallyAbnormalStructure: code('49755003', 'SCT', 'Morphologically Abnormal Structure'),
} as const;

/** Segmented property types of lesions (CID 7151 / SNOMED CT morphologic abnormalities). */
export const LESION_TYPE_CODE = {
  lesion: code('52988006', 'SCT', 'Lesion'),
  mass: code('4147007', 'SCT', 'Mass'),
} as const;

/** DICOM Controlled Terminology (PS3.16 Annex D) codes used by SEG and TID 1500. */
export const DCM = {
  imagingMeasurementReport: code('126000', 'DCM', 'Imaging Measurement Report'),
  languageOfContent: code('121049', 'DCM', 'Language of Content Item and Descendants'),
  procedureReported: code('121058', 'DCM', 'Procedure reported'),
  observerType: code('121005', 'DCM', 'Observer Type'),
  device: code('121007', 'DCM', 'Device'),
  deviceObserverUid: code('121012', 'DCM', 'Device Observer UID'),
  deviceObserverName: code('121013', 'DCM', 'Device Observer Name'),
  imageLibrary: code('111028', 'DCM', 'Image Library'),
  imageLibraryGroup: code('126200', 'DCM', 'Image Library Group'),
  imagingMeasurements: code('126010', 'DCM', 'Imaging Measurements'),
  measurementGroup: code('125007', 'DCM', 'Measurement Group'),
  trackingIdentifier: code('112039', 'DCM', 'Tracking Identifier'),
  trackingUniqueIdentifier: code('112040', 'DCM', 'Tracking Unique Identifier'),
  finding: code('121071', 'DCM', 'Finding'),
  impression: code('121073', 'DCM', 'Impression'),
  referencedSegment: code('121191', 'DCM', 'Referenced Segment'),
  sourceSeriesForSegmentation: code('121232', 'DCM', 'Source series for segmentation'),
  derivation: code('121401', 'DCM', 'Derivation'),
  attenuationCoefficient: code('112031', 'DCM', 'Attenuation Coefficient'),
  segmentation: code('113076', 'DCM', 'Segmentation'),
  sourceImageForProcessing: code('121322', 'DCM', 'Source image for image processing operation'),
} as const;

/** SNOMED CT concepts used as SR concept names and modifiers. */
export const SCT = {
  findingSite: code('363698007', 'SCT', 'Finding Site'),
  volume: code('118565006', 'SCT', 'Volume'),
  longAxis: code('103339001', 'SCT', 'Long Axis'),
  shortAxis: code('103340004', 'SCT', 'Short Axis'),
  mean: code('373098007', 'SCT', 'Mean'),
  /** "Computerized axial tomography (procedure)": the procedure reported. */
  ctProcedure: code('77477000', 'SCT', 'Computerized axial tomography'),
} as const;

/** TID 1500 row 12: container of qualitative evaluations (a UMLS CUI in the standard). */
export const QUALITATIVE_EVALUATIONS = code('C0034375', 'UMLS', 'Qualitative Evaluations');
export const ENGLISH = code('eng', 'RFC5646', 'English');

/** UCUM units (https://ucum.org/ucum): the DICOM scheme designator is "UCUM"; FHIR's system URI is below. */
export const UCUM = {
  mm: code('mm', 'UCUM', 'millimeter'),
  ml: code('ml', 'UCUM', 'milliliter'),
  hounsfield: code("[hnsf'U]", 'UCUM', 'Hounsfield unit'),
} as const;
export const UCUM_SYSTEM_URI = 'http://unitsofmeasure.org';
export const SNOMED_SYSTEM_URI = 'http://snomed.info/sct';

/** A code in dcmjs's naturalized form of the Code Sequence Macro. */
export function codeItem(c: CodedConcept): Record<string, string> {
  // Code Value is SH (16 characters); longer values go in Long Code Value (0008,0119), PS3.3 8.8.
  const item: Record<string, string> = c.value.length > 16 ? { LongCodeValue: c.value } : { CodeValue: c.value };
  item.CodingSchemeDesignator = c.scheme;
  item.CodeMeaning = c.meaning.slice(0, 64);
  return item;
}
