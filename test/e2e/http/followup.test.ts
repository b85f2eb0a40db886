/**
 * Follow-up through the service: a study uploaded with `priorStudyId` is compared with that prior by its job
 * (lesions matched, change sentences with evidence on both grids, RECIST 1.1), and a prior that cannot be used is
 * refused before anything is stored.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportSchema } from '../../../src/report/index.ts';
import { buildApp } from '../../../src/service/index.ts';
import { newToken, phantomSeriesParts, removeDir, tempDataDir, testConfig, upload, waitForJob, type Parts } from './helpers.ts';

let dataDir: string;
let filesDir: string;
let app: FastifyInstance;
let token: string;
let priorId: string;
let currentId: string;
const auth = () => ({ authorization: `Bearer ${token}` });

const parts = async (name: string, liverLesionMm: number): Promise<Parts> => (await phantomSeriesParts(filesDir, name, liverLesionMm)).parts;

beforeAll(async () => {
  filesDir = await mkdtemp(join(tmpdir(), 'gct-e2e-followup-'));
  dataDir = await tempDataDir();
  app = await buildApp(testConfig(dataDir));
  token = await newToken(app);
  const prior = await upload(app, token, await parts('baseline', 21));
  expect(prior.statusCode, prior.body).toBe(202);
  priorId = prior.json().studyId;
  expect((await waitForJob(app, token, prior.json().jobId, 60_000)).last.state).toBe('done');
  const current = await upload(app, token, { ...(await parts('follow-up', 30)), priorStudyId: priorId });
  expect(current.statusCode, current.body).toBe(202);
  currentId = current.json().studyId;
  const done = await waitForJob(app, token, current.json().jobId, 60_000);
  expect(done.last.state, JSON.stringify(done.last.error)).toBe('done');
}, 180_000);

afterAll(async () => {
  await app?.close();
  await removeDir(dataDir);
  await removeDir(filesDir);
});

describe('POST /v1/studies with priorStudyId', () => {
  it('links the study to its prior and serves the comparison', async () => {
    const study = (await app.inject({ url: `/v1/studies/${currentId}`, headers: auth() })).json();
    expect(study.priorStudyId).toBe(priorId);
    expect(study.links.prior).toBe(`/v1/studies/${priorId}`);
    expect(study.artifacts.map((a: { name: string }) => a.name)).toEqual(expect.arrayContaining(['followup', 'study', 'bone-surface', 'volume.masks.0', 'masks.labels']));
    const followup = (await app.inject({ url: `/v1/studies/${currentId}/followup`, headers: auth() })).json();
    expect(followup.comparisons[0].alignment.method).toBe('landmarks-bone-organs');
    expect(followup.comparisons[0].alignment.residualMm).toBeLessThan(3);
    const liver = followup.comparisons[0].lesionChanges.find((c: { organ: string }) => c.organ === 'liver');
    expect(liver.status).toBe('grown');
    expect(liver.laterMm - liver.earlierMm).toBeGreaterThan(5);
    expect(followup.studies.map((s: { source: string }) => s.source)).toEqual([`study ${priorId}`, expect.any(String)]);
    // A study without a prior has no comparison.
    expect((await app.inject({ url: `/v1/studies/${priorId}/followup`, headers: auth() })).statusCode).toBe(404);
  });

  it('the report words the change with evidence on both grids; ask answers "did it grow"', async () => {
    const report = ReportSchema.parse((await app.inject({ url: `/v1/studies/${currentId}/report`, headers: auth() })).json());
    expect(report.comparison!.priors[0]).toMatchObject({ key: 'prior-1', source: `study ${priorId}` });
    const grown = report.sentences.find((s) => s.findingIds.includes('change.liver_lesion-1'))!;
    expect(grown.text).toMatch(/has grown from [12]\.\d to [23]\.\d cm in long axis/);
    expect(new Set(grown.evidence!.map((e) => e.study ?? 'current'))).toEqual(new Set(['current', 'prior-1']));
    const answer = (await app.inject({ method: 'POST', url: `/v1/studies/${currentId}/ask`, headers: auth(), payload: { question: 'Did the liver lesion grow?' } })).json();
    expect([answer.answerable, answer.answer]).toEqual([true, 'yes']);
  });

  it('an unknown prior, a prior still processing and a malformed flag are refused before anything is stored', async () => {
    const before = (await app.groundct.storage.meta.listStudyIds()).length;
    const base = await parts('other', 21);
    const unknown = await upload(app, token, { ...base, priorStudyId: 'no-such-study' });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().code).toBe('GCT_SERVICE_PRIOR_STUDY_INVALID');
    const bad = await upload(app, token, { ...base, priorStudyId: priorId, allowOtherPatient: 'maybe' });
    expect(bad.statusCode).toBe(400);
    const queued = await upload(app, token, base);
    const notDone = await upload(app, token, { ...base, priorStudyId: queued.json().studyId });
    expect(notDone.statusCode).toBe(422);
    expect(notDone.json().message).toMatch(/its job is (queued|running)/);
    await waitForJob(app, token, queued.json().jobId, 60_000);
    expect((await app.groundct.storage.meta.listStudyIds()).length).toBe(before + 1);
  }, 120_000);

  it("another owner's study cannot be named as prior: refused as if unknown, and nothing is stored", async () => {
    const before = (await app.groundct.storage.meta.listStudyIds()).length;
    const other = await newToken(app, 'someone-else');
    const res = await upload(app, other, { ...(await parts('intruder', 21)), priorStudyId: priorId });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('GCT_SERVICE_PRIOR_STUDY_INVALID');
    expect(res.json().message).toMatch(/no study with id/);
    expect((await app.groundct.storage.meta.listStudyIds()).length).toBe(before);
  }, 60_000);
});
