/**
 * Shared pieces of the service end-to-end tests: one synthetic study (the phantom's abnormal abdomen, known
 * truth) written as files once per test file, a config on a fresh data directory, upload and job polling.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { zipSync, type Zippable } from 'fflate';
import { loadConfig, type Config } from '../../../src/config.ts';
import { abdomenPreset, generateStudy, writeStudy, type Study } from '../../../src/phantom/index.ts';
import { createApiToken, multipartBody } from '../../../src/service/index.ts';

export interface StudyFiles {
  readonly dir: string;
  readonly study: Study;
  readonly ct: Buffer;
  readonly labels: Buffer;
  readonly labelsJson: string;
  readonly subsegments: Buffer;
  readonly subsegmentsJson: string;
}

/**
 * Generates the abdomen phantom and writes it as NIfTI (+ DICOM and per-class masks when asked). 3 mm voxels
 * (120 x 93 x 73) keep each job around a second; every lesion stays well above the 50 mm3 noise floor.
 */
export async function makeStudyFiles(options: { dicom?: boolean; perClass?: boolean } = {}): Promise<StudyFiles> {
  const dir = await mkdtemp(join(tmpdir(), 'gct-e2e-study-'));
  const study = generateStudy(abdomenPreset({ spacingMm: [3, 3, 3] }));
  await writeStudy(study, join(dir, 'study'), { formats: options.dicom ? ['nifti', 'dicom'] : ['nifti'], perClass: options.perClass });
  const f = (name: string) => readFile(join(dir, 'study', name));
  return {
    dir,
    study,
    ct: await f('ct.nii.gz'),
    labels: await f('labels.nii.gz'),
    labelsJson: (await f('labels.json')).toString('utf8'),
    subsegments: await f('labels-subsegments.nii.gz'),
    subsegmentsJson: (await f('labels-subsegments.json')).toString('utf8'),
  };
}

/** Zips every file of a folder (flat), as a client would zip a DICOM series or a per-class mask folder. */
export async function zipFolder(folder: string): Promise<Uint8Array> {
  const files: Zippable = {};
  for (const name of (await readdir(folder)).sort()) files[`series/${name}`] = new Uint8Array(await readFile(join(folder, name)));
  return zipSync(files, { level: 1 });
}

export async function tempDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'gct-e2e-data-'));
}

export function testConfig(dataDir: string, service: Record<string, unknown> = {}): Config {
  return loadConfig({ env: {}, overrides: { dataDir, service: { logLevel: 'silent', ...service } } });
}

export async function newToken(app: FastifyInstance, name = 'e2e'): Promise<string> {
  return (await createApiToken(app.groundct.storage.meta, name)).token;
}

export type Parts = Parameters<typeof multipartBody>[0];

/** The standard upload of the phantom: CT + both mask layers with their label maps + phase. */
export function standardParts(files: StudyFiles): Parts {
  return {
    ct: { bytes: files.ct, filename: 'ct.nii.gz' },
    masks: [
      { bytes: files.labels, filename: 'labels.nii.gz' },
      { bytes: files.subsegments, filename: 'labels-subsegments.nii.gz' },
    ],
    labelMap: [files.labelsJson, files.subsegmentsJson],
    phase: 'non-contrast',
  };
}

export async function upload(app: FastifyInstance, token: string | undefined, parts: Parts) {
  const { body, contentType } = await multipartBody(parts);
  return app.inject({ method: 'POST', url: '/v1/studies', payload: body, headers: { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) } });
}

export interface JobSample {
  readonly state: string;
  readonly stage: string;
  readonly percent: number;
}

/** Polls GET /v1/jobs/:id every `intervalMs` until done or failed; returns every sample seen. */
export async function waitForJob(app: FastifyInstance, token: string, jobId: string, timeoutMs = 30_000, intervalMs = 100): Promise<JobSample[] & { last: Record<string, unknown> }> {
  const samples: JobSample[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await app.inject({ url: `/v1/jobs/${jobId}`, headers: { authorization: `Bearer ${token}` } });
    const job = res.json();
    samples.push({ state: job.state, stage: job.stage, percent: job.percent });
    if (job.state === 'done' || job.state === 'failed') return Object.assign(samples, { last: job });
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.state} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Inclusive axial slice range (k) of a label in a label layer on a grid of `dims`. */
export function sliceRangeOf(layer: ArrayLike<number>, dims: readonly number[], labelId: number): [number, number] {
  const perSlice = dims[0] * dims[1];
  let min = Infinity;
  let max = -Infinity;
  for (let n = 0; n < layer.length; n++) {
    if (layer[n] !== labelId) continue;
    const k = Math.floor(n / perSlice);
    if (k < min) min = k;
    if (k > max) max = k;
  }
  return [min, max];
}

/**
 * Upload parts of the abdomen phantom at 3 mm whose liver lesion has the given diameter (a follow-up series: the
 * same patient with the lesion grown or shrunk), written under `dir/<name>`; returns the parts and the study.
 */
export async function phantomSeriesParts(dir: string, name: string, liverLesionMm: number): Promise<{ parts: Parts; study: Study }> {
  const spec = abdomenPreset({ spacingMm: [3, 3, 3] });
  const study = generateStudy({ ...spec, name, lesions: (spec.lesions ?? []).map((l) => (l.organ === 'liver' ? { ...l, diameterMm: liverLesionMm } : l)) });
  await writeStudy(study, join(dir, name));
  const f = (file: string) => readFile(join(dir, name, file));
  return {
    study,
    parts: {
      ct: { bytes: await f('ct.nii.gz'), filename: 'ct.nii.gz' },
      masks: [{ bytes: await f('labels.nii.gz'), filename: 'labels.nii.gz' }, { bytes: await f('labels-subsegments.nii.gz'), filename: 'sub.nii.gz' }],
      labelMap: [(await f('labels.json')).toString('utf8'), (await f('labels-subsegments.json')).toString('utf8')],
      phase: 'non-contrast',
    },
  };
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
