import { createHash, createHmac } from 'node:crypto';
import type { FollowupConfig } from '../config.ts';
import { gctError } from '../errors.ts';
import { GROUNDCT_VERSION } from '../version.ts';
import type { LabelMap, Volume } from '../volume/index.ts';
import { BONE_SURFACE_FILE, type BoneSurface } from './bone-surface.ts';
import { REPORT_FOLDER_SCHEMA_VERSION, type PatientIdHash, type StudyIdentity } from './types.ts';

/**
 * The identity of a study as a report folder records it (study.json): the DICOM Frame of Reference UID, the study
 * date and a keyed hash of the patient ID when the input carries them, never the ID itself. NIfTI and NRRD carry
 * none of these; `studyDate` may then be given by the caller (groundct report --study-date).
 */

/** First 16 hex digits of SHA-256 of the key: names the key without revealing it. */
export function patientIdKeyId(key: string): string {
  return createHash('sha256').update(`groundct-patient-id-key\0${key}`).digest('hex').slice(0, 16);
}

/** HMAC-SHA256 under the site's key of the reader's patient-ID digest (the ID itself was never kept). */
export function patientIdHash(patientIdDigest: string, key: string): PatientIdHash {
  return { algorithm: 'hmac-sha256', keyId: patientIdKeyId(key), value: createHmac('sha256', key).update(patientIdDigest).digest('hex') };
}

export interface StudyIdentityInput {
  readonly ct: Volume;
  readonly labels: LabelMap;
  readonly boneSurface: BoneSurface | null;
  readonly provenance: { readonly ct: string; readonly masks: string | null };
  /** YYYY-MM-DD; overrides the DICOM study date (an input without one, e.g. NIfTI). */
  readonly studyDate?: string;
}

export function studyIdentity(input: StudyIdentityInput, config: Pick<FollowupConfig, 'patientIdKey'>): StudyIdentity {
  const m = input.ct.meta;
  const studyDate = input.studyDate ?? m.studyDate;
  if (studyDate !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(studyDate))
    throw gctError('GCT_FOLLOWUP_INPUT_INVALID', `Study date '${studyDate}' is not a date YYYY-MM-DD.`, { studyDate });
  const layers = [...new Set(input.labels.labels.map((l) => l.layer))].sort((a, b) => a - b);
  return {
    kind: 'study',
    folderSchemaVersion: REPORT_FOLDER_SCHEMA_VERSION,
    ...(studyDate === undefined ? {} : { studyDate }),
    ...(m.frameOfReferenceUid ? { frameOfReferenceUid: m.frameOfReferenceUid } : {}),
    ...(m.studyInstanceUid ? { studyInstanceUid: m.studyInstanceUid } : {}),
    ...(m.seriesInstanceUid ? { seriesInstanceUid: m.seriesInstanceUid } : {}),
    ...(m.patientIdDigest ? { patientIdHash: patientIdHash(m.patientIdDigest, config.patientIdKey) } : {}),
    grid: { dims: [input.ct.grid.dims[0], input.ct.grid.dims[1], input.ct.grid.dims[2]], ijkToRas: [...input.ct.grid.ijkToRas] },
    labels: { table: 'masks.labels.json', layers },
    boneSurface: input.boneSurface === null ? null : { file: BONE_SURFACE_FILE, ...input.boneSurface.info, stepVoxels: [...input.boneSurface.info.stepVoxels] },
    provenance: { ct: input.provenance.ct, masks: input.provenance.masks, groundctVersion: GROUNDCT_VERSION },
  };
}
