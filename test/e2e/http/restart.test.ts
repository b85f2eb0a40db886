/**
 * Durability: a job interrupted by a stop resumes on the next start; one left 'running' by a crash is
 * re-queued, or failed with GCT_SERVICE_JOB_INTERRUPTED once it was started maxJobAttempts times; the study
 * is never lost. Also over a real socket on 127.0.0.1 with an ephemeral port.
 */
import { mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, multipartBody, startServer } from '../../../src/service/index.ts';
import { BACKENDS, backendConfig, backendPool, makeStudyFiles, newToken, removeDir, stagingDir, standardParts, studiesDir, upload, waitForJob, type StudyFiles } from './helpers.ts';

let files: StudyFiles;
const { fresh, cleanupAll } = backendPool();

beforeAll(async () => {
  files = await makeStudyFiles();
});

afterAll(async () => {
  await cleanupAll();
  await removeDir(files.dir);
});

describe.each(BACKENDS)('restart on %s', (backendName) => {
  it('closing the app mid-job (no shutdown grace) puts the job back in the queue; the rebuilt app runs it to done', async () => {
    const backend = await fresh(backendName);
    const first = await buildApp(backendConfig(backend, { jobs: { shutdownGraceMs: 0 } }));
    const token = await newToken(first);
    const { studyId, jobId } = (await upload(first, token, standardParts(files))).json();
    const auth = { authorization: `Bearer ${token}` };
    // Wait until a worker has claimed the job, then stop the server under it.
    for (let n = 0; n < 200; n++) {
      if ((await first.inject({ url: `/v1/jobs/${jobId}`, headers: auth })).json().state === 'running') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await first.close();
    const [row] = await backend.sql('SELECT state, attempts FROM jobs WHERE id = ?', [jobId]);
    // A clean stop does not count the attempt.
    expect(row).toEqual({ state: 'queued', attempts: 0 });

    const second = await buildApp(backendConfig(backend));
    try {
      await second.ready();
      const done = await waitForJob(second, token, jobId);
      expect(done.last.state).toBe('done');
      expect(done.last.attempts).toBe(1);
      const m = (await second.inject({ url: `/v1/studies/${studyId}/measurements`, headers: auth })).json();
      expect(m.lesions.map((l: { labelName: string }) => l.labelName).sort()).toEqual(files.study.truth.lesions.map((l) => l.labelName).sort());
    } finally {
      await second.close();
    }
  });

  it("a crash's 'running' row (lease expired) is re-queued below maxJobAttempts and failed with GCT_SERVICE_JOB_INTERRUPTED at it; the study stays", async () => {
    const backend = await fresh(backendName);
    const config = backendConfig(backend, { maxJobAttempts: 2, jobs: { shutdownGraceMs: 0 } }, { orphanGraceMs: 0 });
    // Accept two studies (the first app's worker may already claim one; closing puts it back in the queue).
    const first = await buildApp(config);
    const token = await newToken(first);
    const a = (await upload(first, token, standardParts(files))).json();
    const b = (await upload(first, token, standardParts(files))).json();
    await first.close();
    // What a crash leaves behind: rows in 'running' with the attempts counted and no live lease (a dead worker's
    // lease has expired), and a half-uploaded staging folder.
    await backend.sql("UPDATE jobs SET state = 'running', stage = 'measure', percent = 27, attempts = 1, lease_token = 'dead' WHERE id = ?", [a.jobId]);
    await backend.sql("UPDATE jobs SET state = 'running', stage = 'measure', percent = 27, attempts = 2, lease_token = 'dead' WHERE id = ?", [b.jobId]);
    await mkdir(join(stagingDir(backend), 'half'), { recursive: true });
    await writeFile(join(stagingDir(backend), 'half', 'raw-0'), 'partial');
    await mkdir(join(studiesDir(backend), 'never-accepted'), { recursive: true });
    // Older than any upload could take (the sweep of a shared database leaves recent folders alone).
    const old = new Date(Date.now() - 3_600_000);
    await utimes(join(stagingDir(backend), 'half'), old, old);
    await utimes(join(studiesDir(backend), 'never-accepted'), old, old);

    const second = await buildApp(config);
    const auth = { authorization: `Bearer ${token}` };
    try {
      await second.ready();
      const resumed = await waitForJob(second, token, a.jobId);
      expect(resumed.last.state).toBe('done');
      expect(resumed.last.attempts).toBe(2);
      const failed = (await second.inject({ url: `/v1/jobs/${b.jobId}`, headers: auth })).json();
      expect(failed.state).toBe('failed');
      expect(failed.error.code).toBe('GCT_SERVICE_JOB_INTERRUPTED');
      expect(failed.error.details).toMatchObject({ attempts: 2, stage: 'measure' });
      const study = await second.inject({ url: `/v1/studies/${b.studyId}`, headers: auth });
      expect(study.statusCode).toBe(200);
      const measurements = await second.inject({ url: `/v1/studies/${b.studyId}/measurements`, headers: auth });
      expect(measurements.json().code).toBe('GCT_SERVICE_ARTIFACT_NOT_READY');
      // The worker's first poll sweeps (orphanGraceMs 0 here).
      for (let n = 0; n < 100 && (await readdir(stagingDir(backend))).length > 0; n++) await new Promise((r) => setTimeout(r, 50));
      expect((await readdir(stagingDir(backend))).filter((f) => !f.startsWith('.probe'))).toEqual([]);
      expect((await readdir(studiesDir(backend))).sort()).toEqual([a.studyId, b.studyId].sort());
    } finally {
      await second.close();
    }
  });
});

describe('real socket', () => {
  it('listens on 127.0.0.1 with an ephemeral port: upload, poll, fetch measurements and the viewer page', async () => {
    const backend = await fresh('sqlite');
    const { app, url, port } = await startServer(backendConfig(backend, { port: 0 }));
    try {
      expect(url).toBe(`http://127.0.0.1:${port}`);
      expect(port).toBeGreaterThan(0);
      const token = await newToken(app);
      const auth = { authorization: `Bearer ${token}` };
      expect((await fetch(`${url}/v1/jobs/x`)).status).toBe(401);
      const { body, contentType } = await multipartBody(standardParts(files));
      const res = await fetch(`${url}/v1/studies`, { method: 'POST', body, headers: { ...auth, 'content-type': contentType } });
      expect(res.status).toBe(202);
      const { studyId, jobId } = (await res.json()) as { studyId: string; jobId: string };
      let job: { state: string; percent: number } = { state: 'queued', percent: 0 };
      for (let n = 0; n < 300 && job.state !== 'done' && job.state !== 'failed'; n++) {
        await new Promise((r) => setTimeout(r, 100));
        job = (await (await fetch(`${url}/v1/jobs/${jobId}`, { headers: auth })).json()) as typeof job;
      }
      expect(job).toMatchObject({ state: 'done', percent: 100 });
      const m = (await (await fetch(`${url}/v1/studies/${studyId}/measurements`, { headers: auth })).json()) as { lesions: { labelName: string; voxelCount: number }[] };
      const liver = files.study.truth.lesions.find((l) => l.labelName === 'liver_lesion')!;
      expect(m.lesions.find((l) => l.labelName === 'liver_lesion')!.voxelCount).toBe(liver.voxelCount);
      const page = await fetch(`${url}/studies/${studyId}/view`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('/viewer/niivue/niivue.umd.js');
      const bundle = await fetch(`${url}/viewer/niivue/niivue.umd.js`);
      expect(bundle.status).toBe(200);
      expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(1_000_000);
      expect((await fetch(`${url}/viewer/niivue/index.js`)).status).toBe(404);
    } finally {
      await app.close();
    }
  });
});
