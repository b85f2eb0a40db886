/**
 * Shared pieces of the service end-to-end tests: one synthetic study (the phantom's abnormal abdomen, known
 * truth) written as files once per test file, a config on a fresh data directory, upload and job polling, and
 * the storage backends the suite runs on: the embedded SQLite, and PostgreSQL (a fresh uniquely named database
 * per use, dropped afterwards) at GROUNDCT_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { zipSync, type Zippable } from 'fflate';
import pg from 'pg';
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

export function testConfig(dataDir: string, service: Record<string, unknown> = {}, storage: Record<string, unknown> = {}): Config {
  return loadConfig({ env: {}, overrides: { dataDir, storage, service: { logLevel: 'silent', ...service } } });
}

export async function newToken(app: FastifyInstance, name = 'e2e', options: { admin?: boolean } = {}): Promise<string> {
  return (await createApiToken(app.groundct.storage.meta, name, options)).token;
}

export type BackendName = 'sqlite' | 'postgres';

/** PostgreSQL server the tests create their databases on. */
export const TEST_PG_URL = process.env.GROUNDCT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (e) {
    // CI makes sure PostgreSQL runs (.ci/run): there, a missing server is a failure, not a skip.
    if (process.env.CI) throw new Error(`PostgreSQL at ${TEST_PG_URL} is not reachable in CI: ${(e as Error).message}`);
    console.warn(`service tests on PostgreSQL skipped: ${TEST_PG_URL} is not reachable (${(e as Error).message}); .ci/run starts a cluster`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The backends the service suite runs on here: SQLite always, PostgreSQL when reachable. */
export const BACKENDS: readonly BackendName[] = (await postgresReachable()) ? ['sqlite', 'postgres'] : ['sqlite'];

/** A fresh, empty storage for one test (file): a temporary data directory and, for PostgreSQL, a new database. */
export interface TestBackend {
  readonly name: BackendName;
  readonly dataDir: string;
  /** The `storage` config section pointing at it. */
  readonly storage: Record<string, unknown>;
  /** Runs SQL (with ? placeholders) on the backend's database, outside the app. */
  sql(text: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  cleanup(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export async function freshBackend(name: BackendName): Promise<TestBackend> {
  const dataDir = await tempDataDir();
  if (name === 'sqlite') {
    return {
      name,
      dataDir,
      storage: {},
      async sql(text, params = []) {
        const db = new Database(join(dataDir, 'groundct.sqlite'));
        try {
          const stmt = db.prepare(text);
          return /^\s*select/i.test(text) ? (stmt.all(...params) as Record<string, unknown>[]) : (stmt.run(...params), []);
        } finally {
          db.close();
        }
      },
      cleanup: () => removeDir(dataDir),
    };
  }
  const database = `gct_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${database}`);
  const url = withDatabase(TEST_PG_URL, database);
  return {
    name,
    dataDir,
    storage: { url },
    async sql(text, params = []) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        let n = 0;
        return (await client.query(text.replace(/\?/g, () => `$${++n}`), params)).rows as Record<string, unknown>[];
      } finally {
        await client.end();
      }
    },
    async cleanup() {
      await adminQuery(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await removeDir(dataDir);
    },
  };
}

/** Fresh backends for the tests of one file, all cleaned up by `cleanupAll` (in afterAll). */
export function backendPool(): { fresh: (name: BackendName) => Promise<TestBackend>; cleanupAll: () => Promise<void> } {
  const made: TestBackend[] = [];
  return {
    async fresh(name) {
      const b = await freshBackend(name);
      made.push(b);
      return b;
    },
    async cleanupAll() {
      for (const b of made.splice(0)) await b.cleanup();
    },
  };
}

/** The test config on a backend. */
export function backendConfig(backend: TestBackend, service: Record<string, unknown> = {}, storage: Record<string, unknown> = {}): Config {
  return testConfig(backend.dataDir, service, { ...backend.storage, ...storage });
}

/** Where a backend keeps its study folders (the data directory, or the blobs folder under it). */
export function studiesDir(backend: TestBackend): string {
  return backend.name === 'sqlite' ? join(backend.dataDir, 'studies') : join(backend.dataDir, 'blobs', 'studies');
}

export function stagingDir(backend: TestBackend): string {
  return backend.name === 'sqlite' ? join(backend.dataDir, 'staging') : join(backend.dataDir, 'blobs', 'staging');
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
