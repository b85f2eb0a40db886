/**
 * The one file that imports dcmjs: Part 10 encoding of the objects groundct writes (SEG, SR), and reading the
 * Patient / General Study attributes of a source CT so that derived objects join the same patient and study.
 *
 * Data sets are built in dcmjs's "naturalized" form (attribute keyword -> value, sequences as arrays of data
 * sets); dcmjs looks VRs up in its dictionary and writes explicit VR little endian (PS3.5 A.2) with a File Meta
 * group (PS3.10 7.1). Decimal strings are passed as text formatted by `ds` so that they stay within 16 bytes.
 */
import dcmjs, { type NaturalDataset } from 'dcmjs';
import { gctError } from '../errors.ts';

const { DicomDict, DicomMessage, DicomMetaDictionary } = dcmjs.data;
dcmjs.log.setLevel('error');

export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
/** groundct's implementation class UID (a 2.25 UUID UID, PS3.5 B.2), the same as the CT writer's. */
const IMPLEMENTATION_CLASS_UID = '2.25.305828488182831875890203105390285383139';
const IMPLEMENTATION_VERSION_NAME = 'GROUNDCT_0_1';

/** UIDs and decimal strings are made the same way as for the CT series the volume stage writes. */
export { dicomDecimalString as ds, newDicomUid as newUid } from '../volume/index.ts';

/** DICOM DA and TM of a date (UTC). */
export function daTm(date: Date): { da: string; tm: string } {
  const iso = date.toISOString();
  return { da: iso.slice(0, 10).replaceAll('-', ''), tm: iso.slice(11, 19).replaceAll(':', '') };
}

/**
 * Throws on an attribute keyword the DICOM dictionary does not know: dcmjs would drop it silently, and a
 * misspelt keyword would then be a missing attribute found only by a validator.
 */
function checkKeywords(dataset: NaturalDataset, path: string): void {
  for (const [key, value] of Object.entries(dataset)) {
    if (key === '_vrMap') continue;
    if (!(key in DicomMetaDictionary.nameMap)) throw gctError('GCT_INTERNAL', `DICOM keyword ${path}${key} is not in the data dictionary`);
    if (Array.isArray(value)) for (const item of value) if (item && typeof item === 'object' && !ArrayBuffer.isView(item)) checkKeywords(item as NaturalDataset, `${path}${key} > `);
  }
}

/** Encodes a naturalized data set as a DICOM Part 10 file (explicit VR little endian). */
export function encodePart10(dataset: NaturalDataset): Uint8Array {
  checkKeywords(dataset, '');
  const sopClass = dataset.SOPClassUID as string;
  const sopInstance = dataset.SOPInstanceUID as string;
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: sopClass,
    MediaStorageSOPInstanceUID: sopInstance,
    TransferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN,
    ImplementationClassUID: IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: IMPLEMENTATION_VERSION_NAME,
  };
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
  return new Uint8Array(dict.write());
}

/** Decodes a Part 10 file into naturalized form (tests and the PACS client use it to read headers). */
export function decodePart10(bytes: Uint8Array): NaturalDataset {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const dict = DicomMessage.readFile(buffer);
  return { ...DicomMetaDictionary.naturalizeDataset(dict.meta), ...DicomMetaDictionary.naturalizeDataset(dict.dict) };
}

/**
 * Patient (PS3.3 C.7.1.1) and General Study (C.7.2.1) attributes copied verbatim from the source CT into every
 * derived object: a SEG or SR must name the same patient and study or a PACS files it elsewhere. They are held
 * only to be written back; groundct never logs or reports them.
 */
export interface PatientStudyAttributes {
  readonly PatientName?: string;
  readonly PatientID?: string;
  readonly PatientBirthDate?: string;
  readonly PatientSex?: string;
  readonly PatientAge?: string;
  readonly StudyDate?: string;
  readonly StudyTime?: string;
  readonly StudyID?: string;
  readonly AccessionNumber?: string;
  readonly ReferringPhysicianName?: string;
  readonly StudyDescription?: string;
}

const PATIENT_STUDY_KEYS: readonly (keyof PatientStudyAttributes)[] = [
  'PatientName', 'PatientID', 'PatientBirthDate', 'PatientSex', 'PatientAge', 'StudyDate', 'StudyTime', 'StudyID', 'AccessionNumber',
  'ReferringPhysicianName', 'StudyDescription',
];

/** The Patient / General Study attributes of one DICOM file (PN values as their alphabetic text). */
export function patientStudyAttributesOf(bytes: Uint8Array): PatientStudyAttributes {
  const dataset = decodePart10(bytes);
  const out: Record<string, string> = {};
  for (const key of PATIENT_STUDY_KEYS) {
    let v = dataset[key];
    if (Array.isArray(v)) v = v[0];
    if (v && typeof v === 'object' && 'Alphabetic' in v) v = (v as { Alphabetic?: string }).Alphabetic;
    if (typeof v === 'string' && v.trim() !== '') out[key] = v.trim();
  }
  return out;
}

/** Patient + General Study module attributes for a derived object (type 2 attributes present, maybe empty). */
export function patientStudyModule(studyInstanceUid: string, attrs: PatientStudyAttributes, fallbackStudyDate?: string): NaturalDataset {
  return {
    PatientName: attrs.PatientName ?? '',
    PatientID: attrs.PatientID ?? '',
    PatientBirthDate: attrs.PatientBirthDate ?? '',
    PatientSex: attrs.PatientSex ?? '',
    ...(attrs.PatientAge ? { PatientAge: attrs.PatientAge } : {}),
    StudyInstanceUID: studyInstanceUid,
    StudyDate: attrs.StudyDate ?? (fallbackStudyDate ?? '').replaceAll('-', ''),
    StudyTime: attrs.StudyTime ?? '',
    StudyID: attrs.StudyID ?? '',
    AccessionNumber: attrs.AccessionNumber ?? '',
    ReferringPhysicianName: attrs.ReferringPhysicianName ?? '',
    ...(attrs.StudyDescription ? { StudyDescription: attrs.StudyDescription } : {}),
  };
}
