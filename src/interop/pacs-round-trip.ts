/**
 * The PACS side of a round trip, shared by `groundct pacs pull` and the service's `POST /v1/pacs/studies/:uid/report`:
 *
 *   selectPacsSeries   QIDO-RS: the study's CT series (the one with most instances) and, when asked, the newest
 *                      SEG series not written by groundct (an AI or hand segmentation to measure)
 *   fetchPacsSeries    WADO-RS: those series into a local folder (ct/ as numbered .dcm files, masks.dcm)
 *   storeDicomOutputs  STOW-RS: the SEG and SR groundct wrote, into the same study
 *
 * Running the pipeline between fetch and store is the caller's business (the CLI in process, the service in a
 * worker thread). DICOMweb: PS3.18 10.4 (WADO-RS), 10.5 (STOW-RS), 10.6 (QIDO-RS).
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gctError } from '../errors.ts';
import { patientStudyAttributesOf, type PatientStudyAttributes } from './dicom-dataset.ts';
import type { DicomwebClient, SeriesMatch, StoreResult } from './dicomweb.ts';

/** Series descriptions groundct writes (dicom-seg-write.ts, dicom-sr-write.ts): never taken as input masks. */
export const OWN_SERIES_DESCRIPTION = /^groundct /;

/** Names fetchPacsSeries gives to what it retrieves, inside its folder. */
export const PACS_CT_FOLDER = 'ct';
export const PACS_SEG_FILE = 'masks.dcm';

/** The series of one PACS study a round trip reads. */
export interface PacsSelection {
  readonly studyInstanceUid: string;
  readonly ct: SeriesMatch;
  /** The segmentation to measure; undefined when none was asked for or the study has none of its own. */
  readonly seg?: SeriesMatch;
}

export interface FetchedPacsStudy {
  /** Folder of the CT instances, one numbered .dcm file each. */
  readonly ctDir: string;
  readonly ctInstances: number;
  /** The SEG instance, when the selection has one. */
  readonly segPath?: string;
  /** Patient / study attributes of the first CT instance, for the objects stored back into the study. */
  readonly patientStudy: PatientStudyAttributes;
}

/**
 * Finds the CT series (and optionally an input SEG) of a study with QIDO-RS. A study the PACS does not know, or
 * one without a CT series, is GCT_PACS_STUDY_NOT_FOUND; `where` names the PACS in that message (a host, never
 * a URL with credentials).
 */
export async function selectPacsSeries(client: DicomwebClient, studyInstanceUid: string, options: { readonly withSeg: boolean; readonly where: string }): Promise<PacsSelection> {
  const series = await client.searchSeries(studyInstanceUid);
  if (series.length === 0) throw gctError('GCT_PACS_STUDY_NOT_FOUND', `study ${studyInstanceUid} is not on the PACS at ${options.where}`, { studyInstanceUid });
  const cts = series.filter((s) => s.modality === 'CT');
  if (cts.length === 0)
    throw gctError('GCT_PACS_STUDY_NOT_FOUND', `study ${studyInstanceUid} has no CT series on the PACS (series found: ${series.map((s) => s.modality || '?').join(', ')})`, { studyInstanceUid });
  const ct = [...cts].sort((a, b) => (b.numberOfInstances ?? 0) - (a.numberOfInstances ?? 0))[0];
  const seg = options.withSeg ? series.filter((s) => s.modality === 'SEG' && !OWN_SERIES_DESCRIPTION.test(s.seriesDescription ?? '')).at(-1) : undefined;
  return { studyInstanceUid, ct, ...(seg ? { seg } : {}) };
}

/**
 * Retrieves the selected series with WADO-RS into `dir` (PACS_CT_FOLDER/ and PACS_SEG_FILE). ct/ is emptied first, so that a
 * retried job never mixes two retrievals.
 */
export async function fetchPacsSeries(client: DicomwebClient, selection: PacsSelection, dir: string): Promise<FetchedPacsStudy> {
  const ctDir = join(dir, PACS_CT_FOLDER);
  await rm(ctDir, { recursive: true, force: true });
  await mkdir(ctDir, { recursive: true });
  const { studyInstanceUid, ct, seg } = selection;
  const instances = await client.retrieveSeries(studyInstanceUid, ct.seriesInstanceUid);
  if (instances.length === 0) throw gctError('GCT_PACS_STUDY_NOT_FOUND', `CT series ${ct.seriesInstanceUid} returned no instances`, { studyInstanceUid, seriesInstanceUid: ct.seriesInstanceUid });
  await Promise.all(instances.map((bytes, n) => writeFile(join(ctDir, `${String(n + 1).padStart(5, '0')}.dcm`), bytes)));
  let segPath: string | undefined;
  if (seg) {
    const [segBytes] = await client.retrieveSeries(studyInstanceUid, seg.seriesInstanceUid);
    if (!segBytes) throw gctError('GCT_PACS_STUDY_NOT_FOUND', `SEG series ${seg.seriesInstanceUid} returned no instances`, { studyInstanceUid, seriesInstanceUid: seg.seriesInstanceUid });
    segPath = join(dir, PACS_SEG_FILE);
    await writeFile(segPath, segBytes);
  }
  return { ctDir, ctInstances: instances.length, ...(segPath ? { segPath } : {}), patientStudy: patientStudyAttributesOf(instances[0]) };
}

/** Stores the SEG and SR files (writeDicomOutputs' segPath, srPath) into the study with STOW-RS. */
export async function storeDicomOutputs(client: DicomwebClient, studyInstanceUid: string, files: { readonly segPath: string; readonly srPath: string }): Promise<StoreResult> {
  const [seg, sr] = await Promise.all([readFile(files.segPath), readFile(files.srPath)]);
  return client.store([new Uint8Array(seg), new Uint8Array(sr)], studyInstanceUid);
}
