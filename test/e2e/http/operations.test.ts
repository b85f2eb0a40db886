/**
 * Running the service: /healthz, /readyz and /metrics; API and worker roles on one PostgreSQL database (an API
 * process queues, a worker process runs the job; DELETE on the API stops the job running on the worker); a
 * worker whose lease is taken over stops and records nothing; a graceful stop lets a running job finish.
 */
import { readdir } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, startServer } from '../../../src/service/index.ts';
import { BACKENDS, backendConfig, backendPool, makeStudyFiles, newToken, removeDir, standardParts, studiesDir, upload, waitForJob, type StudyFiles, type TestBackend } from './helpers.ts';

let files: StudyFiles;
const { fresh, cleanupAll } = backendPool();

beforeAll(async () => {
  files = await makeStudyFiles();
});

afterAll(async () => {
  await cleanupAll();
  await removeDir(files.dir);
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await sleep(50);
  }
}

function hasSample(text: string, name: string, labels: string): boolean {
  return text.split('\n').some((l) => l.startsWith(`${name}{`) && l.includes(labels));
}

/** The numeric value of one sample line of a Prometheus text exposition. */
function sample(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  if (!line) throw new Error(`no sample ${name}{${labels}} in:\n${text.slice(0, 2000)}`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe.each(BACKENDS)('health and metrics on %s', (backendName) => {
  it('/healthz and /readyz answer without a token and without details; /metrics needs an admin token and counts jobs by state', async () => {
    const backend = await fresh(backendName);
    const app = await buildApp(backendConfig(backend));
    try {
      const user = await newToken(app, 'user');
      const admin = await newToken(app, 'ops', { admin: true });
      expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
      expect((await app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready' });
      const done = (await upload(app, user, standardParts(files))).json();
      expect((await waitForJob(app, user, done.jobId)).last.state).toBe('done');
      expect((await app.inject({ url: '/metrics' })).statusCode).toBe(401);
      expect((await app.inject({ url: '/metrics', headers: bearer(user) })).json().code).toBe('GCT_SERVICE_FORBIDDEN');
      const res = await app.inject({ url: '/metrics', headers: bearer(admin) });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(sample(res.body, 'groundct_jobs', 'state="done"')).toBe(1);
      expect(sample(res.body, 'groundct_jobs', 'state="queued"')).toBe(0);
      expect(sample(res.body, 'groundct_job_duration_seconds_count', 'outcome="done"')).toBe(1);
      expect(sample(res.body, 'groundct_job_queue_wait_seconds_count', 'role="all"')).toBe(1);
      // A database that cannot be reached makes the process unready (503, no details).
      await app.groundct.storage.meta.close();
      const unready = await app.inject({ url: '/readyz' });
      expect(unready.statusCode).toBe(503);
      expect(unready.json()).toEqual({ status: 'unavailable' });
      expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('metrics on their own port', () => {
  it('service.metrics.port serves /metrics there without a token, and not on the API port', async () => {
    const backend = await fresh('sqlite');
    const server = await startServer(backendConfig(backend, { port: 0, metrics: { port: 0 } }));
    try {
      expect(server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${server.metricsUrl}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('groundct_jobs{state="queued",role="all"} 0');
      expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    } finally {
      await server.app.close();
    }
  });

  it('roles other than all need PostgreSQL', async () => {
    const backend = await fresh('sqlite');
    await expect(buildApp(backendConfig(backend, { role: 'worker' }))).rejects.toMatchObject({ code: 'GCT_CONFIG_INVALID' });
  });
});

describe.each(BACKENDS.filter((b) => b === 'postgres'))('API and worker processes on %s', (backendName) => {
  let backend: TestBackend;
  let api: FastifyInstance;
  let worker: FastifyInstance;
  let token: string;

  beforeAll(async () => {
    backend = await fresh(backendName);
    // Short leases so that a stolen lease is noticed within a second.
    const jobs = { leaseMs: 600, pollIntervalMs: 200, shutdownGraceMs: 0 };
    api = await buildApp(backendConfig(backend, { role: 'api', jobs }));
    worker = await buildApp(backendConfig(backend, { role: 'worker', jobs }));
    await api.ready();
    await worker.ready();
    token = await newToken(api, 'alice');
  });

  afterAll(async () => {
    await worker?.close();
    await api?.close();
  });

  it('the API process queues, the worker process runs the job, the API serves the result; the worker serves no /v1', async () => {
    const { studyId, jobId } = (await upload(api, token, standardParts(files))).json();
    const done = await waitForJob(api, token, jobId);
    expect(done.last).toMatchObject({ state: 'done', attempts: 1 });
    const m = (await api.inject({ url: `/v1/studies/${studyId}/measurements`, headers: bearer(token) })).json();
    const liver = files.study.truth.lesions.find((l) => l.labelName === 'liver_lesion')!;
    expect(m.lesions.find((l: { labelName: string }) => l.labelName === 'liver_lesion').voxelCount).toBe(liver.voxelCount);
    expect((await worker.inject({ url: `/v1/studies/${studyId}`, headers: bearer(token) })).statusCode).toBe(404);
    expect((await worker.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready' });
  });

  it('DELETE on the API process stops the job running on the worker process; no row and no file is left', async () => {
    const { studyId, jobId } = (await upload(api, token, standardParts(files))).json();
    await waitUntil('the worker runs the job', async () => (await api.inject({ url: `/v1/jobs/${jobId}`, headers: bearer(token) })).json().state === 'running');
    expect((await api.inject({ method: 'DELETE', url: `/v1/studies/${studyId}`, headers: bearer(token) })).statusCode).toBe(204);
    // The worker's thread is stopped (its metrics count a cancelled job) and the folder stays gone.
    await waitUntil('the worker cancels', async () => hasSample((await worker.groundct.metrics.text()).body, 'groundct_job_duration_seconds_count', 'outcome="cancelled"'));
    await sleep(300);
    expect(await readdir(studiesDir(backend))).not.toContain(studyId);
    expect(await backend.sql('SELECT id FROM jobs WHERE id = ?', [jobId])).toEqual([]);
  });

  it('a worker whose lease was taken over stops the job and records nothing; the job is re-run once the lease expires', async () => {
    const { jobId } = (await upload(api, token, standardParts(files))).json();
    await waitUntil('the worker runs the job', async () => (await api.inject({ url: `/v1/jobs/${jobId}`, headers: bearer(token) })).json().state === 'running');
    // Another worker "claims" it (as after a network partition): the lease token changes under the running worker.
    await backend.sql("UPDATE jobs SET lease_token = 'someone-else', lease_expires_at = now() + interval '1 second' WHERE id = ?", [jobId]);
    await waitUntil('the worker gives the job up', async () => hasSample((await worker.groundct.metrics.text()).body, 'groundct_job_duration_seconds_count', 'outcome="lease-lost"'));
    // The impostor never renews: its lease expires, the job is re-queued and run to done as attempt 2.
    const done = await waitForJob(api, token, jobId, 60_000);
    expect(done.last).toMatchObject({ state: 'done', attempts: 2 });
    expect(sample((await worker.groundct.metrics.text()).body, 'groundct_jobs_reaped_total', 'outcome="requeued"')).toBe(1);
  });
});

describe.each(BACKENDS)('graceful stop on %s', (backendName) => {
  it('a job running when the server is asked to stop finishes within service.jobs.shutdownGraceMs (not re-queued)', async () => {
    const backend = await fresh(backendName);
    const app = await buildApp(backendConfig(backend, { jobs: { shutdownGraceMs: 60_000 } }));
    const token = await newToken(app);
    const { jobId } = (await upload(app, token, standardParts(files))).json();
    await waitUntil('the job runs', async () => (await app.inject({ url: `/v1/jobs/${jobId}`, headers: bearer(token) })).json().state === 'running');
    await app.close();
    const [row] = await backend.sql('SELECT state, attempts FROM jobs WHERE id = ?', [jobId]);
    expect(row).toEqual({ state: 'done', attempts: 1 });
  });
});
