/**
 * The PACS steps of a job whose study came from POST /v1/pacs/studies/:uid/report, run in the pipeline worker
 * around the ordinary pipeline: before it, the series the route selected are retrieved into the study's input
 * folder (WADO-RS); after it, the DICOM SEG + TID 1500 SR of the report are written under artifacts/dicom/ and
 * stored into the PACS study (STOW-RS). The job's result records the UIDs.
 */
import { rm } from 'node:fs/promises';
import type { Config } from '../../config.ts';
import { fetchPacsSeries, storeDicomOutputs, writeDicomOutputs, type DicomOutputs, type FetchedPacsStudy, type PacsSelection } from '../../interop/index.ts';
import type { LoadedStudy, PipelineResult } from '../../pipeline.ts';
import { servicePacsClient } from '../pacs-client.ts';
import type { PacsSource } from '../storage/types.ts';

/** Retrieves the CT series (and input SEG) the route selected into `inputDir`. */
export async function retrievePacsInput(config: Config, source: PacsSource, inputDir: string): Promise<FetchedPacsStudy> {
  const { client } = servicePacsClient(config.pacs, source.url);
  const selection: PacsSelection = {
    studyInstanceUid: source.studyInstanceUid,
    ct: { studyInstanceUid: source.studyInstanceUid, seriesInstanceUid: source.ctSeriesInstanceUid, modality: 'CT' },
    ...(source.segSeriesInstanceUid ? { seg: { studyInstanceUid: source.studyInstanceUid, seriesInstanceUid: source.segSeriesInstanceUid, modality: 'SEG' } } : {}),
  };
  return fetchPacsSeries(client, selection, inputDir);
}

/** What GET /v1/jobs/:id shows of a PACS job under `result.pacs`. */
export interface PacsJobResult {
  readonly studyInstanceUid: string;
  readonly ctSeriesInstanceUid: string;
  readonly ctInstances: number;
  /** The SEG series measured, null when the pipeline segmented the CT itself. */
  readonly inputSegSeriesInstanceUid: string | null;
  readonly seg: { readonly sopInstanceUid: string; readonly seriesInstanceUid: string };
  readonly sr: { readonly sopInstanceUid: string; readonly seriesInstanceUid: string };
  /** False when the request asked not to store (store: false). */
  readonly stored: boolean;
  /** SOP instance UIDs the PACS confirmed (STOW-RS ReferencedSOPSequence). */
  readonly storedSopInstanceUids: readonly string[];
}

/**
 * Writes SEG + SR into `dicomDir` (replacing what an interrupted attempt left) and stores them into the PACS
 * study unless the request said not to.
 */
export async function writeAndStorePacsOutputs(
  config: Config,
  source: PacsSource,
  fetched: FetchedPacsStudy,
  loaded: LoadedStudy,
  pipeline: PipelineResult,
  dicomDir: string,
  onStore: () => void,
): Promise<{ dicom: DicomOutputs; result: PacsJobResult }> {
  await rm(dicomDir, { recursive: true, force: true });
  const dicom = await writeDicomOutputs(
    { ct: loaded.ct, labels: loaded.labels, measurements: pipeline.measurements, findings: pipeline.findings, report: pipeline.report },
    dicomDir,
    { volume: config.volume, patientStudy: fetched.patientStudy },
  );
  let storedSopInstanceUids: readonly string[] = [];
  if (source.store) {
    onStore();
    const { client } = servicePacsClient(config.pacs, source.url);
    storedSopInstanceUids = (await storeDicomOutputs(client, source.studyInstanceUid, dicom)).storedSopInstanceUids;
  }
  const uids = (o: DicomOutputs['seg']) => ({ sopInstanceUid: o.sopInstanceUid, seriesInstanceUid: o.seriesInstanceUid });
  return {
    dicom,
    result: {
      studyInstanceUid: source.studyInstanceUid,
      ctSeriesInstanceUid: source.ctSeriesInstanceUid,
      ctInstances: fetched.ctInstances,
      inputSegSeriesInstanceUid: source.segSeriesInstanceUid ?? null,
      seg: uids(dicom.seg),
      sr: uids(dicom.sr),
      stored: source.store,
      storedSopInstanceUids,
    },
  };
}
