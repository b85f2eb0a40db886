/**
 * writeStudy: a generated study as files, the layout the CLI and the tests read back.
 *
 *   <dir>/ct.nii.gz                    CT, int16 HU
 *   <dir>/labels.nii.gz, labels.json   layer 0 (organs, vessels, bones, lesions) and its id -> name map
 *   <dir>/labels-subsegments.nii.gz,   layer 1 (Couinaud segments, pancreas head/body/tail) and its map
 *        labels-subsegments.json
 *   <dir>/segmentations/<name>.nii.gz  one binary uint8 mask per label (TotalSegmentator per-class layout), if perClass
 *   <dir>/ct-dicom/                    the CT as one DICOM CT series, if 'dicom' is asked
 *   <dir>/truth.json                   the StudyTruth
 * NIfTI files are written when 'nifti' is asked (the default); labels.json and truth.json always.
 * Everything goes to a temporary sibling folder renamed to `dir` at the end, so a failure leaves nothing behind.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { gctError, isGroundctError } from '../errors.ts';
import { writeDicomSeries, writeNifti, type LabelMap } from '../volume/index.ts';
import type { Study } from './types.ts';

export type StudyFormat = 'nifti' | 'dicom';

export interface WriteStudyOptions {
  readonly formats?: readonly StudyFormat[];
  /** Also write one binary mask per label into segmentations/. */
  readonly perClass?: boolean;
  /** Replace an existing non-empty `dir` (default: refuse). */
  readonly overwrite?: boolean;
}

export interface WrittenStudy {
  readonly dir: string;
  /** Paths relative to `dir`, in writing order (DICOM slices listed as the folder). */
  readonly files: readonly string[];
}

function labelJson(labels: LabelMap, layer: number): string {
  const map: Record<string, string> = {};
  for (const l of labels.labels) if (l.layer === layer) map[String(l.id)] = l.name;
  return `${JSON.stringify(map, null, 2)}\n`;
}

async function isNonEmptyDir(path: string): Promise<boolean> {
  try {
    return (await readdir(path)).length > 0;
  } catch {
    return false;
  }
}

export async function writeStudy(study: Study, dir: string, options: WriteStudyOptions = {}): Promise<WrittenStudy> {
  const formats = options.formats ?? ['nifti'];
  if ((await isNonEmptyDir(dir)) && !options.overwrite)
    throw gctError('GCT_PHANTOM_WRITE_FAILED', `${dir} exists and is not empty; pass overwrite: true or choose another folder`, { dir });
  const suffix = `${process.pid}-${randomBytes(6).toString('hex')}`;
  const temp = join(dirname(dir), `.${basename(dir)}.tmp-${suffix}`);
  const files: string[] = [];
  const { ct, labels, truth } = study;
  try {
    await mkdir(temp, { recursive: false });
    if (formats.includes('nifti')) {
      const description = `groundct phantom ${truth.spec.name}`;
      await writeNifti(join(temp, 'ct.nii.gz'), { grid: ct.grid, data: ct.data }, { description });
      files.push('ct.nii.gz');
      await writeNifti(join(temp, 'labels.nii.gz'), { grid: labels.grid, data: labels.layers[0] }, { description });
      files.push('labels.nii.gz');
      if (labels.layers.length > 1) {
        await writeNifti(join(temp, 'labels-subsegments.nii.gz'), { grid: labels.grid, data: labels.layers[1] }, { description });
        files.push('labels-subsegments.nii.gz');
      }
      if (options.perClass) {
        await mkdir(join(temp, 'segmentations'));
        for (const l of labels.labels) {
          const layer = labels.layers[l.layer];
          const mask = new Uint8Array(layer.length);
          for (let n = 0; n < layer.length; n++) if (layer[n] === l.id) mask[n] = 1;
          await writeNifti(join(temp, 'segmentations', `${l.name}.nii.gz`), { grid: labels.grid, data: mask });
          files.push(`segmentations/${l.name}.nii.gz`);
        }
      }
    }
    await writeFile(join(temp, 'labels.json'), labelJson(labels, 0));
    files.push('labels.json');
    if (labels.layers.length > 1) {
      await writeFile(join(temp, 'labels-subsegments.json'), labelJson(labels, 1));
      files.push('labels-subsegments.json');
    }
    if (formats.includes('dicom')) {
      await writeDicomSeries({ grid: ct.grid, data: ct.data }, join(temp, 'ct-dicom'), {
        studyInstanceUid: ct.meta.studyInstanceUid,
        seriesInstanceUid: ct.meta.seriesInstanceUid,
        frameOfReferenceUid: ct.meta.frameOfReferenceUid,
        seriesDescription: ct.meta.seriesDescription,
        ...(ct.meta.contrastAgent ? { contrastAgent: ct.meta.contrastAgent } : {}),
      });
      files.push('ct-dicom/');
    }
    await writeFile(join(temp, 'truth.json'), `${JSON.stringify(truth, null, 2)}\n`);
    files.push('truth.json');
    if (options.overwrite && (await isNonEmptyDir(dir))) {
      const old = join(dirname(dir), `.${basename(dir)}.old-${suffix}`);
      await rename(dir, old);
      await rename(temp, dir);
      await rm(old, { recursive: true, force: true });
    } else {
      await rm(dir, { recursive: true, force: true }); // an empty folder the caller made
      await rename(temp, dir);
    }
  } catch (e) {
    await rm(temp, { recursive: true, force: true }).catch(() => undefined);
    if (isGroundctError(e) && e.code === 'GCT_PHANTOM_WRITE_FAILED') throw e;
    throw gctError('GCT_PHANTOM_WRITE_FAILED', `could not write the study to ${dir}: ${(e as Error).message}`, { dir }, e);
  }
  return { dir, files };
}
