/**
 * Upload -> job with progress -> artifacts, through app.inject. Values are checked against the phantom's truth
 * (computed by the generator from its own voxels), so a wrong upload, wrong mask placement or a lost layer fails.
 */
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportSchema } from '../../../src/report/index.ts';
import { buildApp } from '../../../src/service/index.ts';
import { BACKENDS, backendConfig, freshBackend, makeStudyFiles, newToken, removeDir, standardParts, upload, waitForJob, zipFolder, type StudyFiles, type TestBackend } from './helpers.ts';

describe.each(BACKENDS)('service on %s', (backendName) => {
  let files: StudyFiles;
  let backend: TestBackend;
  let app: FastifyInstance;
  let token: string;
  let studyId: string;
  let jobId: string;

  const auth = () => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    files = await makeStudyFiles({ dicom: true, perClass: true });
    backend = await freshBackend(backendName);
    app = await buildApp(backendConfig(backend));
    token = await newToken(app);
    const res = await upload(app, token, standardParts(files));
    expect(res.statusCode).toBe(202);
    ({ studyId, jobId } = res.json());
  });

  afterAll(async () => {
    await app?.close();
    await backend?.cleanup();
    await removeDir(files.dir);
  });

  describe('POST /v1/studies (NIfTI CT + two mask layers + label maps)', () => {
    it('answers 202 with ids, and an artifact asked for before the job ends is 409 GCT_SERVICE_ARTIFACT_NOT_READY', async () => {
      expect(studyId).toMatch(/^[0-9a-f-]{36}$/);
      expect(jobId).toMatch(/^[0-9a-f-]{36}$/);
      // The worker thread takes about a second to start, so the job is still queued or running here.
      const early = await app.inject({ url: `/v1/studies/${studyId}/measurements`, headers: auth() });
      expect(early.statusCode).toBe(409);
      expect(early.json().code).toBe('GCT_SERVICE_ARTIFACT_NOT_READY');
    });

    it('job progress only goes forward and ends done at 100 %', async () => {
      const samples = await waitForJob(app, token, jobId);
      expect(samples.last.state).toBe('done');
      expect(samples.last.percent).toBe(100);
      expect(samples.last.attempts).toBe(1);
      const percents = samples.map((s) => s.percent);
      for (let n = 1; n < percents.length; n++) expect(percents[n]).toBeGreaterThanOrEqual(percents[n - 1]);
      expect(samples.some((s) => s.state === 'running')).toBe(true);
    });

    it('measurements hold every truth lesion with its exact voxel count and the truth organ volumes', async () => {
      const res = await app.inject({ url: `/v1/studies/${studyId}/measurements`, headers: auth() });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const m = res.json();
      expect(m.study.phase).toBe('non-contrast');
      for (const t of files.study.truth.lesions) {
        const l = m.lesions.find((x: { labelName: string }) => x.labelName === t.labelName);
        expect(l, t.labelName).toBeDefined();
        expect(l.voxelCount).toBe(t.voxelCount);
        expect(l.volumeMl).toBeCloseTo(t.volumeMl, 6);
      }
      const spleenTruth = files.study.truth.structures.find((s) => s.name === 'spleen')!;
      const spleen = m.structures.find((s: { sourceName: string }) => s.sourceName === 'spleen');
      expect(spleen.voxelCount).toBe(spleenTruth.voxelCount);
      // The second layer (Couinaud segments) was merged: segment 7 holds the liver lesion.
      expect(m.lesions.find((x: { labelName: string }) => x.labelName === 'liver_lesion').segments.join(',')).toMatch(/7/);
    });

    it('GET /v1/studies/:id lists the job and the artifacts; the viewer volumes are the uploaded CT and the masks on its grid', async () => {
      const study = (await app.inject({ url: `/v1/studies/${studyId}`, headers: auth() })).json();
      expect(study.job.state).toBe('done');
      const names = study.artifacts.map((a: { name: string }) => a.name);
      expect(names).toEqual(expect.arrayContaining(['measurements', 'volume.ct', 'volume.masks.0', 'volume.masks.1', 'masks.labels']));
      expect(study.links.viewer).toBe(`/studies/${studyId}/view`);

      const ct = await app.inject({ url: `/v1/studies/${studyId}/volumes/ct`, headers: auth() });
      expect(ct.statusCode).toBe(200);
      const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
      expect(sha(ct.rawPayload)).toBe(sha(files.ct));

      const masks = await app.inject({ url: `/v1/studies/${studyId}/volumes/masks?layer=0`, headers: auth() });
      const nii = gunzipSync(masks.rawPayload);
      const view = new DataView(nii.buffer, nii.byteOffset, nii.byteLength);
      expect([1, 2, 3].map((d) => view.getInt16(40 + 2 * d, true))).toEqual([...files.study.ct.grid.dims]);
      const voxOffset = view.getFloat32(108, true);
      const liverTruth = files.study.truth.structures.find((s) => s.name === 'liver')!;
      let liverVoxels = 0;
      for (let n = voxOffset; n < nii.length; n++) if (nii[n] === liverTruth.labelId) liverVoxels++;
      expect(liverVoxels).toBe(liverTruth.voxelCount);

      const labels = (await app.inject({ url: `/v1/studies/${studyId}/volumes/labels`, headers: auth() })).json();
      expect(labels.labels.find((l: { name: string }) => l.name === 'liver_lesion').layer).toBe(0);
      expect(labels.labels.some((l: { layer: number }) => l.layer === 1)).toBe(true);
    });

    it('report: JSON by default (grounded sentences), Markdown with Accept: text/markdown', async () => {
      const json = await app.inject({ url: `/v1/studies/${studyId}/report`, headers: auth() });
      expect(json.statusCode).toBe(200);
      const report = ReportSchema.parse(json.json());
      const lesionSentence = report.sentences.find((s) => s.findingIds.includes('liver_lesion-1'));
      expect(lesionSentence, 'a sentence states the liver lesion').toBeDefined();
      expect(lesionSentence!.text).toMatch(/segment 7/);
      const md = await app.inject({ url: `/v1/studies/${studyId}/report`, headers: { ...auth(), accept: 'text/markdown' } });
      expect(md.statusCode).toBe(200);
      expect(md.headers['content-type']).toMatch(/^text\/markdown/);
      expect(md.body).toContain(lesionSentence!.text);
      // JSON stays the default when the client prefers it.
      const preferJson = await app.inject({ url: `/v1/studies/${studyId}/report`, headers: { ...auth(), accept: 'application/json, text/markdown' } });
      expect(preferJson.headers['content-type']).toMatch(/^application\/json/);
      const findings = (await app.inject({ url: `/v1/studies/${studyId}/findings`, headers: auth() })).json();
      expect(findings.findings.find((f: { id: string }) => f.id === 'liver_lesion-1').evidence[0].labelName).toBe('liver_lesion');
    });

    it('ask answers from the findings with evidence; each cited passage resolves with its source', async () => {
      const res = await app.inject({ method: 'POST', url: `/v1/studies/${studyId}/ask`, headers: auth(), payload: { question: 'Where is the liver lesion?' } });
      expect(res.statusCode).toBe(200);
      const answer = res.json();
      expect(answer.answerable).toBe(true);
      expect(answer.answer).toMatch(/segment 7/);
      expect(answer.evidence.some((e: { labelName: string }) => e.labelName === 'liver_lesion')).toBe(true);
      const bad = await app.inject({ method: 'POST', url: `/v1/studies/${studyId}/ask`, headers: auth(), payload: { question: '' } });
      expect(bad.json().code).toBe('GCT_SERVICE_REQUEST_INVALID');
      const report = (await app.inject({ url: `/v1/studies/${studyId}/report`, headers: auth() })).json();
      const passageId = report.sentences.flatMap((s: { citations?: { passageId: string }[] }) => s.citations ?? [])[0].passageId;
      const passage = await app.inject({ url: `/v1/passages/${passageId}`, headers: auth() });
      expect(passage.statusCode).toBe(200);
      expect(passage.json().source.title.length).toBeGreaterThan(3);
      expect((await app.inject({ url: '/v1/passages/no-such-passage', headers: auth() })).statusCode).toBe(404);
    });

    it('ground: submitted text is matched to the findings (a wrong segment contradicts, the right one is supported)', async () => {
      const right = await app.inject({ method: 'POST', url: `/v1/studies/${studyId}/ground`, headers: auth(), payload: { text: 'There is a hypoattenuating lesion in Couinaud segment 7 of the liver.' } });
      expect(right.statusCode).toBe(200);
      const verdicts = (g: { sentences: { claims: { verdict: string }[] }[] }) => g.sentences.flatMap((s) => s.claims.map((c) => c.verdict));
      expect(verdicts(right.json())).toContain('supported');
      expect(verdicts(right.json())).not.toContain('contradicted');
      const wrong = await app.inject({ method: 'POST', url: `/v1/studies/${studyId}/ground`, headers: auth(), payload: { text: 'There is a hypoattenuating lesion in Couinaud segment 2 of the liver.' } });
      expect(verdicts(wrong.json())).toContain('contradicted');
    });

    it('ground cites literature (criteria first, method marked) and retrieves supporting literature unless asked not to', async () => {
      const text = 'Hypoattenuating liver lesion in segment 7, indeterminate; MRI could characterise it.';
      type Cite = { passageId: string; via: string; kind: string; score?: number };
      const cites = (body: { sentences: { status: string; citations: Cite[] }[] }) => body.sentences.filter((s) => s.status === 'grounded').flatMap((s) => s.citations);
      const withRetrieval = cites((await app.inject({ method: 'POST', url: `/v1/studies/${studyId}/ground`, headers: auth(), payload: { text } })).json());
      expect(withRetrieval.some((c) => c.kind === 'literature')).toBe(true);
      expect(withRetrieval.filter((c) => c.kind === 'method').every((c) => c.via === 'criteria')).toBe(true);
      // The ACR incidental liver lesion white paper is no criterion of the lesion finding: retrieval adds it.
      expect(withRetrieval.find((c) => c.passageId === 'acr2017-liver-lesion-management')).toMatchObject({ via: 'retrieval', kind: 'literature' });
      expect(withRetrieval.filter((c) => c.via === 'retrieval').every((c) => c.score! >= 0.4)).toBe(true);
      const criteriaOnly = cites((await app.inject({ method: 'POST', url: `/v1/studies/${studyId}/ground`, headers: auth(), payload: { text, retrieval: false } })).json());
      expect(criteriaOnly.length).toBeGreaterThan(0);
      expect(criteriaOnly.some((c) => c.via === 'retrieval')).toBe(false);
    });

    it('GET /v1/passages?q= searches the knowledge base; without q it lists it; bad queries are 400', async () => {
      const res = await app.inject({ url: `/v1/passages?q=${encodeURIComponent('Right upper lobe emphysema')}&k=3`, headers: auth() });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body.query).toBe('Right upper lobe emphysema');
      expect(body.passages).toHaveLength(3);
      expect(body.passages[0].id).toBe('fleischner-glossary-emphysema');
      expect(body.passages[0].score).toBeGreaterThanOrEqual(body.passages[1].score);
      const methods = (await app.inject({ url: `/v1/passages?q=partially%20imaged%20organ&k=20&kind=method`, headers: auth() })).json();
      expect(methods.passages.length).toBeGreaterThan(0);
      expect(methods.passages.every((p: { kind: string }) => p.kind === 'method')).toBe(true);
      const all = (await app.inject({ url: '/v1/passages', headers: auth() })).json();
      expect(all.query).toBeNull();
      expect(all.passages.length).toBeGreaterThanOrEqual(180);
      for (const bad of ['q=', 'q=liver&k=0', 'q=liver&k=21', 'q=liver&kind=guideline', 'q=liver&extra=1']) {
        const r = await app.inject({ url: `/v1/passages?${bad}`, headers: auth() });
        expect(r.statusCode, bad).toBe(400);
      }
    });

    it('eval: a correct report scores precision 1, a wrong side and a wrong size are contradicted with their error types', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/eval',
        headers: auth(),
        payload: {
          studyId,
          lesionsComplete: true,
          candidates: [
            { id: 'right', text: 'FINDINGS: Hypoattenuating 2.0 cm lesion in Couinaud segment 7 of the liver. The spleen is enlarged.' },
            { id: 'wrong', text: 'FINDINGS: Hypoattenuating 2.0 cm lesion in the right kidney. The spleen measures 900 mL.' },
          ],
        },
      });
      expect(res.statusCode, res.body).toBe(200);
      const summary = res.json();
      const byId = Object.fromEntries(summary.perCase.map((c: { candidateId: string }) => [c.candidateId, c]));
      expect(byId.right.precision).toBe(1);
      expect(byId.wrong.claims.contradicted).toBeGreaterThanOrEqual(2);
      expect(Object.keys(byId.wrong.errors)).toEqual(expect.arrayContaining(['number_off']));
      const bad = await app.inject({ method: 'POST', url: '/v1/eval', headers: auth(), payload: { candidates: [{ id: 'x', text: 'Normal.' }] } });
      expect(bad.statusCode).toBe(400);
    });

    it('the OpenAPI document lists the routes with their zod schemas', async () => {
      const doc = (await app.inject({ url: '/docs/json' })).json();
      expect(doc.openapi).toMatch(/^3\./);
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/studies', '/v1/jobs/{id}', '/v1/studies/{id}/report', '/v1/studies/{id}/volumes/ct']));
      const job = doc.paths['/v1/jobs/{id}'].get.responses['200'].content['application/json'].schema;
      expect(job.$ref).toBe('#/components/schemas/JobStatus');
      expect(doc.components.schemas.JobStatus.properties.percent).toMatchObject({ type: 'number', minimum: 0, maximum: 100 });
      expect(doc.components.schemas.Error.properties.code.enum).toContain('GCT_SERVICE_UNAUTHORIZED');
      expect((await app.inject({ url: '/docs' })).headers['content-type']).toMatch(/text\/html/);
    });

    it('a zipped DICOM series with zipped per-class masks gives the same lesion voxel counts', async () => {
      const res = await upload(app, token, {
        ct: { bytes: await zipFolder(join(files.dir, 'study', 'ct-dicom')), filename: 'series.zip' },
        masks: { bytes: await zipFolder(join(files.dir, 'study', 'segmentations')), filename: 'masks.zip' },
      });
      expect(res.statusCode).toBe(202);
      const done = await waitForJob(app, token, res.json().jobId);
      expect(done.last.state).toBe('done');
      const m = (await app.inject({ url: `/v1/studies/${res.json().studyId}/measurements`, headers: auth() })).json();
      for (const t of files.study.truth.lesions) expect(m.lesions.find((x: { labelName: string }) => x.labelName === t.labelName).voxelCount).toBe(t.voxelCount);
      // A DICOM CT is converted to NIfTI for the viewer.
      const ct = await app.inject({ url: `/v1/studies/${res.json().studyId}/volumes/ct`, headers: auth() });
      const nii = gunzipSync(ct.rawPayload);
      expect(new DataView(nii.buffer, nii.byteOffset).getInt32(0, true)).toBe(348);
    });

    it('DELETE removes the study: 204, then 404 GCT_SERVICE_STUDY_NOT_FOUND', async () => {
      const res = await upload(app, token, { ct: { bytes: files.ct, filename: 'ct.nii.gz' } });
      const id = res.json().studyId;
      const del = await app.inject({ method: 'DELETE', url: `/v1/studies/${id}`, headers: auth() });
      expect(del.statusCode).toBe(204);
      const after = await app.inject({ url: `/v1/studies/${id}`, headers: auth() });
      expect(after.statusCode).toBe(404);
      expect(after.json().code).toBe('GCT_SERVICE_STUDY_NOT_FOUND');
      const job = (await app.inject({ url: `/v1/jobs/${res.json().jobId}`, headers: auth() })).json();
      expect(job.code).toBe('GCT_SERVICE_JOB_NOT_FOUND');
    });
  });
});
