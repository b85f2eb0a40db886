/**
 * Ownership and quotas (issue 15 item 3, built in issue 18): a study belongs to the principal of the token that
 * uploaded it; another owner's token gets 404 on every study route (the same answer as an unknown id), admin
 * tokens (made with --admin, or given in configuration) see all. The worklist lists the caller's studies newest
 * first, paged. Per-owner quotas refuse a job beyond maxActiveJobsPerOwner (429) and bytes beyond
 * maxStoredBytesPerOwner (413), leaving nothing behind. On both backends.
 */
import { readdir } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, hashToken } from '../../../src/service/index.ts';
import { BACKENDS, backendConfig, freshBackend, makeStudyFiles, newToken, removeDir, stagingDir, standardParts, studiesDir, upload, waitForJob, type StudyFiles, type TestBackend } from './helpers.ts';

let files: StudyFiles;

beforeAll(async () => {
  files = await makeStudyFiles();
});

afterAll(async () => {
  await removeDir(files.dir);
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe.each(BACKENDS)('ownership on %s', (backendName) => {
  let backend: TestBackend;
  let app: FastifyInstance;
  let alice: string;
  let bob: string;
  let admin: string;
  const configToken = 'gct_configured-admin-token-for-tests';
  let studyId: string;
  let jobId: string;

  beforeAll(async () => {
    backend = await freshBackend(backendName);
    app = await buildApp(backendConfig(backend, { tokenSha256: [hashToken(configToken)] }));
    alice = await newToken(app, 'alice');
    bob = await newToken(app, 'bob');
    admin = await newToken(app, 'ops', { admin: true });
    const res = await upload(app, alice, standardParts(files));
    expect(res.statusCode).toBe(202);
    ({ studyId, jobId } = res.json());
    expect((await waitForJob(app, alice, jobId)).last.state).toBe('done');
  });

  afterAll(async () => {
    await app?.close();
    await backend?.cleanup();
  });

  it("another owner's token gets 404 on read, download, ask, ground, eval, job and delete; the owner gets 200", async () => {
    const routes: { method: 'GET' | 'POST' | 'DELETE'; url: string; payload?: Record<string, unknown> }[] = [
      { method: 'GET', url: `/v1/studies/${studyId}` },
      { method: 'GET', url: `/v1/studies/${studyId}/report` },
      { method: 'GET', url: `/v1/studies/${studyId}/measurements` },
      { method: 'GET', url: `/v1/studies/${studyId}/findings` },
      { method: 'GET', url: `/v1/studies/${studyId}/volumes/ct` },
      { method: 'GET', url: `/v1/studies/${studyId}/volumes/masks?layer=0` },
      { method: 'GET', url: `/v1/studies/${studyId}/volumes/labels` },
      { method: 'POST', url: `/v1/studies/${studyId}/ask`, payload: { question: 'Where is the liver lesion?' } },
      { method: 'POST', url: `/v1/studies/${studyId}/ground`, payload: { text: 'Hypodense lesion in segment 7 of the liver.' } },
      { method: 'POST', url: '/v1/eval', payload: { studyId, candidates: [{ id: 'x', text: 'The spleen is enlarged.' }] } },
      { method: 'DELETE', url: `/v1/studies/${studyId}` },
    ];
    for (const r of routes) {
      const res = await app.inject({ method: r.method, url: r.url, headers: bearer(bob), ...(r.payload ? { payload: r.payload } : {}) });
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(404);
      expect(res.json().code).toBe('GCT_SERVICE_STUDY_NOT_FOUND');
    }
    const job = await app.inject({ url: `/v1/jobs/${jobId}`, headers: bearer(bob) });
    expect(job.statusCode).toBe(404);
    expect(job.json().code).toBe('GCT_SERVICE_JOB_NOT_FOUND');
    // Bob's failed DELETE changed nothing: the owner still reads everything.
    for (const r of routes.filter((x) => x.method !== 'DELETE')) {
      const res = await app.inject({ method: r.method, url: r.url, headers: bearer(alice), ...(r.payload ? { payload: r.payload } : {}) });
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(200);
    }
    expect((await app.inject({ url: `/v1/studies/${studyId}`, headers: bearer(alice) })).json().owner).toBe('alice');
  });

  it('admin tokens (--admin, and a configured token digest) see every study and every owner in the worklist', async () => {
    for (const token of [admin, configToken]) {
      expect((await app.inject({ url: `/v1/studies/${studyId}/report`, headers: bearer(token) })).statusCode).toBe(200);
      expect((await app.inject({ url: `/v1/jobs/${jobId}`, headers: bearer(token) })).statusCode).toBe(200);
      const list = (await app.inject({ url: '/v1/studies', headers: bearer(token) })).json();
      expect(list.studies.map((s: { studyId: string; owner: string }) => [s.studyId, s.owner])).toContainEqual([studyId, 'alice']);
    }
    expect((await app.inject({ url: '/v1/studies', headers: bearer(bob) })).json().studies).toEqual([]);
    const filtered = await app.inject({ url: '/v1/studies?owner=alice', headers: bearer(bob) });
    expect(filtered.statusCode).toBe(403);
    expect(filtered.json().code).toBe('GCT_SERVICE_FORBIDDEN');
  });

  it('worklist: newest first, paged by cursor, each study with its latest job; jobs by state', async () => {
    const more: string[] = [];
    for (let n = 0; n < 3; n++) {
      const res = await upload(app, bob, { ct: { bytes: files.ct, filename: 'ct.nii.gz' } });
      expect(res.statusCode).toBe(202);
      more.push(res.json().studyId);
      await new Promise((r) => setTimeout(r, 5));
    }
    const first = (await app.inject({ url: '/v1/studies?limit=2', headers: bearer(bob) })).json();
    expect(first.studies.map((s: { studyId: string }) => s.studyId)).toEqual([more[2], more[1]]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (await app.inject({ url: `/v1/studies?limit=2&cursor=${first.nextCursor}`, headers: bearer(bob) })).json();
    expect(second.studies.map((s: { studyId: string }) => s.studyId)).toEqual([more[0]]);
    expect(second.nextCursor).toBeNull();
    expect(second.studies[0].job.state).toMatch(/^(queued|running|done)$/);
    const bad = await app.inject({ url: '/v1/studies?cursor=not-a-cursor', headers: bearer(bob) });
    expect(bad.statusCode).toBe(400);

    for (const id of more) {
      const job = (await app.inject({ url: `/v1/studies/${id}`, headers: bearer(bob) })).json().job;
      await waitForJob(app, bob, job.jobId);
    }
    const done = (await app.inject({ url: '/v1/jobs?state=done', headers: bearer(bob) })).json();
    expect(done.jobs.map((j: { studyId: string }) => j.studyId).sort()).toEqual([...more].sort());
    expect((await app.inject({ url: '/v1/jobs?state=queued', headers: bearer(bob) })).json().jobs).toEqual([]);
    // Alice's job is not in Bob's list; the admin's list has all four.
    expect((await app.inject({ url: '/v1/jobs?state=done', headers: bearer(admin) })).json().jobs).toHaveLength(4);
  });

  it("the owner's DELETE removes the study; an admin may delete anyone's", async () => {
    const own = (await upload(app, bob, { ct: { bytes: files.ct, filename: 'ct.nii.gz' } })).json();
    expect((await app.inject({ method: 'DELETE', url: `/v1/studies/${own.studyId}`, headers: bearer(bob) })).statusCode).toBe(204);
    expect((await app.inject({ method: 'DELETE', url: `/v1/studies/${studyId}`, headers: bearer(admin) })).statusCode).toBe(204);
    expect((await app.inject({ url: `/v1/studies/${studyId}`, headers: bearer(alice) })).statusCode).toBe(404);
    expect(await readdir(studiesDir(backend))).not.toContain(studyId);
  });

  it("'admin' is reserved for admin tokens", async () => {
    await expect(newToken(app, 'admin')).rejects.toMatchObject({ code: 'GCT_CLI_USAGE' });
  });
});

describe.each(BACKENDS)('quotas on %s', (backendName) => {
  let backend: TestBackend;
  let app: FastifyInstance;

  afterAll(async () => {
    await app?.close();
    await backend?.cleanup();
  });

  it('one job too many for the owner: 429 GCT_SERVICE_QUOTA_JOBS; one byte too many: 413 GCT_SERVICE_QUOTA_STORAGE; another owner is not affected', async () => {
    backend = await freshBackend(backendName);
    // Room for one CT upload's bytes (plus 100), one active job.
    app = await buildApp(backendConfig(backend, { quotas: { maxActiveJobsPerOwner: 1, maxStoredBytesPerOwner: files.ct.length + 100 } }));
    const carol = await newToken(app, 'carol');
    const dave = await newToken(app, 'dave');
    const ct = { ct: { bytes: files.ct, filename: 'ct.nii.gz' } };
    const first = await upload(app, carol, ct);
    expect(first.statusCode).toBe(202);
    const busy = await upload(app, carol, ct);
    expect(busy.statusCode).toBe(429);
    expect(busy.json().code).toBe('GCT_SERVICE_QUOTA_JOBS');
    expect(busy.json().details).toMatchObject({ activeJobs: 1, maxActiveJobs: 1 });
    expect((await upload(app, dave, ct)).statusCode).toBe(202);

    await waitForJob(app, carol, first.json().jobId);
    const full = await upload(app, carol, ct);
    expect(full.statusCode).toBe(413);
    expect(full.json().code).toBe('GCT_SERVICE_QUOTA_STORAGE');
    // Input bytes + artifact bytes are counted: more than the upload alone.
    expect(full.json().details.storedBytes).toBeGreaterThan(files.ct.length);
    // Nothing of the refused uploads stays on disk: only the two accepted studies.
    expect((await readdir(studiesDir(backend))).length).toBe(2);
    expect((await readdir(stagingDir(backend))).filter((f) => !f.startsWith('.probe'))).toEqual([]);
    // Deleting frees the quota.
    expect((await app.inject({ method: 'DELETE', url: `/v1/studies/${first.json().studyId}`, headers: bearer(carol) })).statusCode).toBe(204);
    expect((await upload(app, carol, ct)).statusCode).toBe(202);
  });
});
