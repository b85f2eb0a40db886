/**
 * writeDicomOutputs: the DICOM objects of one report, as files.
 *
 *   <dir>/seg.dcm      DICOM SEG of the masks the report used (dicom-seg-write.ts)
 *   <dir>/sr.dcm       TID 1500 measurement report + narrative (dicom-sr-write.ts)
 *   <dir>/ct-dicom/    the CT as a DICOM series, only when the CT was not read from DICOM (NIfTI, NRRD):
 *                      SEG and SR must reference images a PACS or viewer holds
 *
 * Everything is written into a temporary sibling folder renamed to `dir` at the end, so a failure leaves nothing
 * half-written.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { defaultConfig, type VolumeConfig } from '../config.ts';
import { gctError, isGroundctError } from '../errors.ts';
import type { Finding, Findings } from '../findings/index.ts';
import type { Measurements } from '../measure/index.ts';
import { readVolume, writeDicomSeries, type LabelMap, type Volume } from '../volume/index.ts';
import { decodePart10, patientStudyAttributesOf, type PatientStudyAttributes } from './dicom-dataset.ts';
import { encodeSeg, type EncodedObject } from './dicom-seg-write.ts';
import { encodeMeasurementReport, type NarrativeSentence } from './dicom-sr-write.ts';
import { referencedCtFor, type ReferencedCt } from './referenced-ct.ts';
import { reportSegments, type ReportSegment } from './segments.ts';

/** What the report stage's Report offers that the SR needs (its sentences with their finding ids). */
export interface ReportNarrative {
  readonly sentences: readonly NarrativeSentence[];
  /** The report's findings; used when the input gives no findings of its own. */
  readonly findings?: readonly Finding[];
}

export interface DicomOutputsInput {
  readonly ct: Volume;
  readonly labels: LabelMap;
  readonly measurements: Measurements;
  readonly findings?: Findings | readonly Finding[];
  readonly report?: ReportNarrative;
}

export interface DicomOutputsOptions {
  /** Read limits for the CT series written for a non-DICOM CT (defaults: the configuration defaults). */
  readonly volume?: VolumeConfig;
  /** Patient / study attributes to copy; read from the source DICOM CT when absent. */
  readonly patientStudy?: PatientStudyAttributes;
  readonly contentDateTime?: Date;
  readonly softwareVersion?: string;
}

export interface DicomOutputs {
  readonly dir: string;
  readonly segPath: string;
  readonly srPath: string;
  /** The CT series written for a non-DICOM CT, else undefined. */
  readonly ctSeriesDir?: string;
  readonly seg: Omit<EncodedObject, 'bytes'>;
  readonly sr: Omit<EncodedObject, 'bytes'>;
  readonly segments: readonly Pick<ReportSegment, 'number' | 'label' | 'kind' | 'findingIds' | 'values'>[];
  readonly referenced: { readonly studyInstanceUid: string; readonly seriesInstanceUid: string };
}

export function findingList(findings: DicomOutputsInput['findings']): readonly Finding[] | undefined {
  if (!findings) return undefined;
  return Array.isArray(findings) ? findings : (findings as Findings).findings;
}

/** Patient / study attributes of the first file of a DICOM CT series folder that belongs to `studyUid`. */
async function sourcePatientStudy(ct: Volume): Promise<PatientStudyAttributes> {
  const path = ct.meta.source.path;
  let files: string[];
  try {
    files = (await readdir(path, { withFileTypes: true })).filter((d) => d.isFile()).map((d) => join(path, d.name)).sort();
  } catch {
    files = [path];
  }
  for (const file of files) {
    try {
      const bytes = new Uint8Array(await readFile(file));
      if (decodePart10(bytes).StudyInstanceUID === ct.meta.studyInstanceUid) return patientStudyAttributesOf(bytes);
    } catch {
      /* not DICOM: try the next file */
    }
  }
  return {};
}

export async function writeDicomOutputs(input: DicomOutputsInput, dir: string, options: DicomOutputsOptions = {}): Promise<DicomOutputs> {
  const { ct, labels, measurements } = input;
  const existing = await readdir(dir).catch(() => null);
  if (existing && existing.length > 0) throw gctError('GCT_INTEROP_WRITE_FAILED', `${dir} exists and is not empty`, { dir });
  const temp = join(dirname(dir), `.${basename(dir)}.tmp-${randomBytes(6).toString('hex')}`);
  try {
    await mkdir(temp, { recursive: true });
    let ref: ReferencedCt;
    let ctSeriesDir: string | undefined;
    if (ct.meta.sopInstanceUids && ct.meta.studyInstanceUid && ct.meta.seriesInstanceUid) {
      ref = referencedCtFor(ct.grid, ct, options.patientStudy ?? (await sourcePatientStudy(ct)));
    } else {
      await writeDicomSeries({ grid: ct.grid, data: ct.data }, join(temp, 'ct-dicom'), {
        ...(ct.meta.studyDate ? { studyDate: ct.meta.studyDate } : {}),
        ...(ct.meta.patientSex ? { patientSex: ct.meta.patientSex } : {}),
        ...(ct.meta.patientAge ? { patientAge: ct.meta.patientAge } : {}),
        ...(ct.meta.contrastAgent ? { contrastAgent: ct.meta.contrastAgent } : {}),
        seriesDescription: ct.meta.seriesDescription ?? 'groundct CT (written from non-DICOM input)',
      });
      const series = await readVolume(join(temp, 'ct-dicom'), options.volume ?? defaultConfig().volume);
      ref = referencedCtFor(ct.grid, series, options.patientStudy ?? {});
      ctSeriesDir = join(dir, 'ct-dicom');
    }
    const segments = reportSegments(ct, labels, measurements, findingList(input.findings ?? input.report?.findings));
    const when = options.contentDateTime ?? new Date();
    const seg = encodeSeg(segments, ref, { contentDateTime: when, softwareVersion: options.softwareVersion ?? measurements.provenance.groundctVersion });
    const sr = encodeMeasurementReport(segments, seg, ref, { contentDateTime: when, sentences: input.report?.sentences ?? [] });
    await writeFile(join(temp, 'seg.dcm'), seg.bytes);
    await writeFile(join(temp, 'sr.dcm'), sr.bytes);
    if (existing) await rmdir(dir);
    await rename(temp, dir);
    const info = ({ bytes: _bytes, ...rest }: EncodedObject) => rest;
    return {
      dir,
      segPath: join(dir, 'seg.dcm'),
      srPath: join(dir, 'sr.dcm'),
      ...(ctSeriesDir ? { ctSeriesDir } : {}),
      seg: info(seg),
      sr: info(sr),
      segments: segments.map((s) => ({ number: s.number, label: s.label, kind: s.kind, findingIds: s.findingIds, values: s.values })),
      referenced: { studyInstanceUid: ref.studyInstanceUid, seriesInstanceUid: ref.seriesInstanceUid },
    };
  } catch (cause) {
    await rm(temp, { recursive: true, force: true });
    if (isGroundctError(cause)) throw cause;
    throw gctError('GCT_INTEROP_WRITE_FAILED', `writing the DICOM SEG/SR to ${dir} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { dir }, cause);
  }
}
