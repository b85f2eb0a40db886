/**
 * POST /v1/studies: multipart parts -> files in a staging folder -> checked -> a StoredInput. Nothing is queued
 * unless every part passed; the caller discards the staging folder on any error.
 *
 * Parts (repeatable ones are matched by order):
 *   ct        file, required, once: NIfTI (.nii / .nii.gz) or a zip of one DICOM series
 *   masks     file, repeatable: multilabel NIfTI, a zip of per-class NIfTI masks, or a DICOM SEG
 *   labelMap  file or text field, repeatable: JSON id -> name for the masks part of the same position
 *   phase     text field: contrast phase (see PHASES)
 *   priorStudyId       text field: a study of this service to compare with (follow-up); checked by the route
 *   allowOtherPatient  text field 'true' / 'false': compare although the patient-ID hashes differ
 */
import { createWriteStream } from 'node:fs';
import { readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import type {} from '@fastify/multipart';
import type { ServiceConfig } from '../../config.ts';
import { gctError, isGroundctError } from '../../errors.ts';
import { parsePhase, PHASES as MEASURE_PHASES } from '../../measure/index.ts';
import { checkDicomDeflateBudget, parseLabelMapJson } from '../../volume/index.ts';
import type { StoredInput, StoredMaskSet } from '../storage/types.ts';
import { gunzipHead } from './gunzip-head.ts';
import { extractZip, readZipDirectory, StorageBudget } from './safe-zip.ts';
import { niftiHeader, readHead, sniffKind, type NiftiHeaderFields } from './sniff.ts';

export type UploadLimits = ServiceConfig['limits'];

/** Contrast phases a client may state: the measure stage's `Phase` list. */
export const PHASES = MEASURE_PHASES;

const FILE_PARTS = new Set(['ct', 'masks', 'labelMap']);
/** NIfTI-2's header is 540 bytes (+4 extension flag); NIfTI-1's 348. */
const HEADER_BYTES = 544;

interface RawPart {
  readonly field: 'ct' | 'masks' | 'labelMap';
  readonly path: string;
  readonly bytes: number;
}

function invalid(message: string, details: Record<string, unknown> = {}) {
  return gctError('GCT_SERVICE_UPLOAD_INVALID', message, details);
}

function tooLarge(maxBytes: number) {
  return gctError('GCT_SERVICE_UPLOAD_TOO_LARGE', `The upload exceeds service.limits.maxUploadBytes = ${maxBytes} bytes.`, { maxUploadBytes: maxBytes });
}

/** Maps @fastify/multipart and busboy failures onto our codes. */
function multipartError(cause: unknown, limits: UploadLimits): Error {
  if (isGroundctError(cause)) return cause;
  const code = (cause as { code?: string }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return tooLarge(limits.maxUploadBytes);
  if (code === 'FST_PARTS_LIMIT' || code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT') return invalid(`Too many multipart parts (${code}).`, { reason: code });
  return gctError('GCT_SERVICE_UPLOAD_INVALID', `Malformed multipart body: ${(cause as Error).message}`, { reason: code ?? 'malformed' }, cause);
}

/** Receives every part into `staging` and checks them; returns what the pipeline will read. */
export async function receiveStudyUpload(req: FastifyRequest, staging: string, limits: UploadLimits): Promise<{ input: StoredInput; uploadBytes: number }> {
  if (!req.isMultipart()) throw invalid(`Expected Content-Type multipart/form-data; got '${String(req.headers['content-type'] ?? 'none').slice(0, 80)}'.`);
  const raws: RawPart[] = [];
  const labelMaps: ({ text: string } | { file: string })[] = [];
  let phase: string | undefined;
  let priorStudyId: string | undefined;
  let allowOtherPatient: string | undefined;
  let totalBytes = 0;
  let partIndex = 0;
  try {
    for await (const part of req.parts()) {
      const index = partIndex++;
      if (part.type === 'field') {
        if (part.fieldname === 'phase') phase = String(part.value);
        else if (part.fieldname === 'labelMap') labelMaps.push({ text: String(part.value) });
        else if (part.fieldname === 'priorStudyId') priorStudyId = String(part.value);
        else if (part.fieldname === 'allowOtherPatient') allowOtherPatient = String(part.value);
        else throw invalid(`Unknown multipart field '${part.fieldname.slice(0, 40)}'; expected ct, masks, labelMap, phase, priorStudyId, allowOtherPatient.`, { field: part.fieldname.slice(0, 40) });
        continue;
      }
      if (!FILE_PARTS.has(part.fieldname)) {
        part.file.resume();
        throw invalid(`Unknown file part '${part.fieldname.slice(0, 40)}'; expected ct, masks or labelMap.`, { field: part.fieldname.slice(0, 40) });
      }
      if (part.fieldname === 'ct' && raws.some((r) => r.field === 'ct')) {
        part.file.resume();
        throw invalid("Only one 'ct' part is accepted per study.");
      }
      const path = join(staging, `raw-${index}`);
      let bytes = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          bytes += chunk.length;
          if (totalBytes + bytes > limits.maxUploadBytes) done(tooLarge(limits.maxUploadBytes));
          else done(null, chunk);
        },
      });
      await pipeline(part.file, counter, createWriteStream(path));
      if (part.file.truncated) throw tooLarge(limits.maxUploadBytes);
      totalBytes += bytes;
      if (part.fieldname === 'labelMap') labelMaps.push({ file: path });
      raws.push({ field: part.fieldname as RawPart['field'], path, bytes });
    }
  } catch (cause) {
    throw multipartError(cause, limits);
  }

  const ctRaw = raws.find((r) => r.field === 'ct');
  if (!ctRaw) throw invalid("No 'ct' file part: send the CT as a file part named 'ct'.");
  // The spellings the CLI takes ('native', 'portal venous') are read as the phase they name.
  const statedPhase = phase === undefined ? undefined : parsePhase(phase);
  if (phase !== undefined && (statedPhase === null || statedPhase === undefined))
    throw invalid(`Unknown phase '${phase.slice(0, 40)}'; expected one of ${PHASES.join(', ')}.`, { phase: phase.slice(0, 40), allowed: PHASES });

  if (priorStudyId !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(priorStudyId))
    throw invalid(`priorStudyId '${priorStudyId.slice(0, 40)}' is not a study id (letters, digits, _ and -, at most 64).`, { field: 'priorStudyId' });
  if (allowOtherPatient !== undefined && allowOtherPatient !== 'true' && allowOtherPatient !== 'false')
    throw invalid(`allowOtherPatient must be 'true' or 'false'; got '${allowOtherPatient.slice(0, 20)}'.`, { field: 'allowOtherPatient' });

  // What this upload leaves on disk: its parts as sent, except archives, which count by what they extract to.
  const budget = new StorageBudget(limits.maxStoredBytesPerUpload, totalBytes);
  budget.assertRoom(0, 'upload');
  const ct = await placeCt(ctRaw, staging, limits, budget);
  const maskRaws = raws.filter((r) => r.field === 'masks');
  const labelMapFiles = raws.filter((r) => r.field === 'labelMap');
  if (labelMaps.length > maskRaws.length)
    throw invalid(`${labelMaps.length} labelMap part(s) for ${maskRaws.length} masks part(s); each labelMap belongs to the masks part at the same position.`);
  const masks: StoredMaskSet[] = [];
  for (const [n, raw] of maskRaws.entries()) {
    const placed = await placeMasks(raw, n, staging, limits, budget);
    const lm = labelMaps[n];
    let labelMapPath: string | undefined;
    if (lm) {
      const text = 'text' in lm ? lm.text : await readFile(lm.file, 'utf8');
      // Parsed here so that a bad label map is a 4xx now, not a failed job later.
      parseLabelMapJson(text, `labelMap part ${n + 1}`);
      labelMapPath = `labelmap-${n}.json`;
      await writeFile(join(staging, labelMapPath), text);
    }
    masks.push({ ...placed, ...(labelMapPath ? { labelMapPath } : {}) });
  }
  for (const f of labelMapFiles) await unlink(f.path);
  return {
    input: {
      ct: ct.path,
      ctFormat: ct.format,
      masks,
      ...(statedPhase ? { phase: statedPhase } : {}),
      // The route resolves the prior's own priors and checks them before the study is accepted.
      ...(priorStudyId ? { priorStudyIds: [priorStudyId] } : {}),
      ...(allowOtherPatient === 'true' ? { allowOtherPatient: true } : {}),
    },
    uploadBytes: totalBytes,
  };
}

/** Checks a NIfTI header against the voxel and size limits. */
function checkNiftiLimits(h: NiftiHeaderFields, part: string, limits: UploadLimits): void {
  if (h.voxelCount > limits.maxVoxels)
    throw gctError('GCT_SERVICE_TOO_MANY_VOXELS', `Part '${part}' declares ${h.voxelCount} voxels (${h.dims.join(' x ')}...), more than service.limits.maxVoxels = ${limits.maxVoxels}.`, {
      part,
      voxelCount: h.voxelCount,
      maxVoxels: limits.maxVoxels,
    });
  if (h.declaredBytes > limits.maxDecompressedBytes)
    throw gctError('GCT_SERVICE_DECOMPRESSED_TOO_LARGE', `Part '${part}' declares ${h.declaredBytes} bytes of image data, more than service.limits.maxDecompressedBytes = ${limits.maxDecompressedBytes}.`, {
      part,
      declaredBytes: h.declaredBytes,
      maxDecompressedBytes: limits.maxDecompressedBytes,
    });
}

/** 'nifti.gz' | 'nifti' when the file is a NIfTI within limits, else undefined; throws on limit breaches. */
async function checkNiftiFile(path: string, part: string, limits: UploadLimits): Promise<'nii.gz' | 'nii' | undefined> {
  const head = await readHead(path, HEADER_BYTES);
  const kind = sniffKind(head);
  if (kind === 'gzip') {
    let isNifti = false;
    await gunzipHead(path, HEADER_BYTES, limits.maxDecompressedBytes, part, (head) => {
      const h = niftiHeader(head);
      if (!h) throw wrongType(part, 'NIfTI', 'gzip data that is not NIfTI');
      checkNiftiLimits(h, part, limits);
      isNifti = true;
      return h.declaredBytes;
    }).catch((e) => {
      if ((e as { code?: string }).code === 'GCT_SERVICE_FILE_TYPE_UNSUPPORTED') return;
      throw e;
    });
    return isNifti ? 'nii.gz' : undefined;
  }
  if (kind === 'nifti') {
    checkNiftiLimits(niftiHeader(head)!, part, limits);
    return 'nii';
  }
  return undefined;
}

function wrongType(part: string, expected: string, found: string) {
  return gctError('GCT_SERVICE_FILE_TYPE_UNSUPPORTED', `Part '${part}' is ${found}; expected ${expected}.`, { part, found });
}

function describeKind(kind: string): string {
  return kind === 'unknown' ? 'not a recognised file type' : kind === 'json' ? 'JSON' : kind === 'gzip' ? 'gzip data that is not NIfTI' : `a ${kind} file`;
}

/**
 * Inflates every deflated DICOM file of a folder as a stream under the budget its header declares (a bomb is a
 * 422 now, not a worker that exhausts memory later); other DICOM files are not read beyond their meta group.
 */
async function checkDicomFiles(dir: string, files: readonly string[], part: string, limits: UploadLimits): Promise<number> {
  let dicom = 0;
  const readLimits = { maxDecompressedBytes: limits.maxDecompressedBytes, maxVoxels: limits.maxVoxels };
  for (const f of files) {
    const path = join(dir, f);
    if (sniffKind(await readHead(path, 132)) !== 'dicom') continue;
    dicom++;
    await checkDicomDeflateBudget(path, readLimits, `${part}/${f}`);
  }
  return dicom;
}

async function placeCt(raw: RawPart, staging: string, limits: UploadLimits, budget: StorageBudget): Promise<{ path: string; format: StoredInput['ctFormat'] }> {
  const expected = 'NIfTI (.nii, .nii.gz) or a zip of one DICOM series';
  const nifti = await checkNiftiFile(raw.path, 'ct', limits);
  if (nifti) {
    const path = `ct.${nifti}`;
    await rename(raw.path, join(staging, path));
    return { path, format: 'nifti' };
  }
  const kind = sniffKind(await readHead(raw.path, HEADER_BYTES));
  if (kind !== 'zip') throw wrongType('ct', expected, describeKind(kind));
  const entries = await readZipDirectory(raw.path, { maxEntries: limits.maxArchiveEntries, maxBytes: limits.maxDecompressedBytes }, 'ct');
  // The archive itself is not kept: the budget counts what it extracts to. Slices are numbered, since entry
  // names may carry a patient's name and would reach error messages.
  budget.usedBytes -= raw.bytes;
  const files = await extractZip(raw.path, entries, join(staging, 'ct-dicom'), 'ct', { budget, numbered: { prefix: 'slice-', extension: '.dcm' } });
  await unlink(raw.path);
  const dicom = await checkDicomFiles(join(staging, 'ct-dicom'), files, 'ct', limits);
  if (dicom === 0) throw wrongType('ct', expected, `a zip with no DICOM file (${files.length} files)`);
  return { path: 'ct-dicom', format: 'dicom-series' };
}

async function placeMasks(raw: RawPart, n: number, staging: string, limits: UploadLimits, budget: StorageBudget): Promise<StoredMaskSet> {
  const part = `masks[${n}]`;
  const expected = 'a multilabel NIfTI, a zip of per-class NIfTI masks, or a DICOM SEG';
  const nifti = await checkNiftiFile(raw.path, part, limits);
  if (nifti) {
    const path = `masks-${n}.${nifti}`;
    await rename(raw.path, join(staging, path));
    return { path, format: 'nifti' };
  }
  const kind = sniffKind(await readHead(raw.path, HEADER_BYTES));
  if (kind === 'dicom') {
    const path = `masks-${n}.dcm`;
    await rename(raw.path, join(staging, path));
    await checkDicomFiles(staging, [path], part, limits);
    return { path, format: 'dicom-seg' };
  }
  if (kind !== 'zip') throw wrongType(part, expected, describeKind(kind));
  const entries = await readZipDirectory(raw.path, { maxEntries: limits.maxArchiveEntries, maxBytes: limits.maxDecompressedBytes }, part);
  const dir = `masks-${n}`;
  budget.usedBytes -= raw.bytes;
  const files = await extractZip(raw.path, entries, join(staging, dir), part, { budget });
  await unlink(raw.path);
  if (files.length === 0) throw wrongType(part, expected, 'an empty zip');
  for (const f of files) {
    const type = await checkNiftiFile(join(staging, dir, f), `${part}/${f}`, limits);
    if (!type) throw wrongType(part, expected, `a zip holding '${f}', which is not NIfTI`);
    // The per-class reader takes names from '<class>.nii.gz'; keep the extension the content has.
    if (!f.endsWith(`.${type}`)) await rename(join(staging, dir, f), join(staging, dir, `${f.replace(/\.nii(\.gz)?$/i, '')}.${type}`));
  }
  if ((await readdir(join(staging, dir))).length !== files.length) throw wrongType(part, expected, 'a zip whose file names collide');
  return { path: dir, format: 'mask-folder' };
}
