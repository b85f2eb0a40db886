/**
 * POST /v1/pacs/studies/:uid/report against a real Orthanc (test/helpers/orthanc.ts): a synthetic study (the
 * phantom CT written as DICOM, plus a SEG of its masks as an AI segmentation would arrive) is uploaded to
 * Orthanc; the route is called through app.inject; the job retrieves the series, runs the pipeline, and stores
 * SEG + SR back. The test then finds the new series with QIDO-RS, reads them back (our SEG reader; dcmjs for
 * the SR's content tree) and checks each lesion against the study's measurements and the phantom's truth.
 * Also: unknown study (404), unreachable PACS (502), credentials never sent to another origin nor returned
 * (the allow-list, redirects and foreign error bodies are tested without Orthanc in pacs-allow-list.test.ts).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import dcmjs from 'dcmjs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, defaultConfig } from '../../../src/config.ts';
import { dicomwebClient, encodeSeg, labelMapSegments, referencedCtFor, type EncodedObject } from '../../../src/interop/index.ts';
import { measureStudy, type Measurements } from '../../../src/measure/index.ts';
import { abdomenPreset, generateStudy } from '../../../src/phantom/index.ts';
import { buildApp } from '../../../src/service/index.ts';
import { readDicomSeg } from '../../../src/volume/readers/dicom-seg.ts';
import { readVolume, writeDicomSeries, type Volume } from '../../../src/volume/index.ts';
import { freePort, ORTHANC_SKIP_REASON, startOrthanc, type RunningOrthanc } from '../../helpers/orthanc.ts';
import { newToken, removeDir, tempDataDir, waitForJob } from './helpers.ts';

if (ORTHANC_SKIP_REASON) console.warn(`[groundct tests] skipping the service's PACS route: ${ORTHANC_SKIP_REASON}`);

/** 150 x 120 x 50 voxels of 2 x 2 x 3 mm: every lesion of the abdomen preset, and a job of a few seconds. */
const FOV_MM: [number, number, number] = [300, 240, 150];
const JOB_TIMEOUT_MS = 30_000;

interface SrGroup {
  id?: string;
  values: Record<string, [number, string]>;
  segment?: [string, number];
}

/** The TID 1500 measurement groups of an SR (tracking id, NUM values with UCUM units, referenced segment). */
function srMeasurementGroups(bytes: Uint8Array): { studyInstanceUid: string; groups: SrGroup[] } {
  const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const ds = dcmjs.data.DicomMetaDictionary.naturalizeDataset(dcmjs.data.DicomMessage.readFile(copy).dict) as Record<string, any>;
  const list = (x: unknown): any[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);
  const name = (item: any): string | undefined => list(item.ConceptNameCodeSequence)[0]?.CodeMeaning;
  const groups: SrGroup[] = [];
  const walk = (items: any[]) => {
    for (const it of items) {
      if (it.ValueType === 'CONTAINER' && name(it) === 'Measurement Group') {
        const g: SrGroup = { values: {} };
        for (const c of list(it.ContentSequence)) {
          if (name(c) === 'Tracking Identifier') g.id = c.TextValue;
          if (c.ValueType === 'NUM') {
            const mv = list(c.MeasuredValueSequence)[0];
            g.values[name(c)!] = [Number(mv.NumericValue), list(mv.MeasurementUnitsCodeSequence)[0].CodeValue];
          }
          if (c.ValueType === 'IMAGE') {
            const ref = list(c.ReferencedSOPSequence)[0];
            g.segment = [ref.ReferencedSOPInstanceUID, Number(ref.ReferencedSegmentNumber)];
          }
        }
        groups.push(g);
      } else if (it.ContentSequence) walk(list(it.ContentSequence));
    }
  };
  walk(list(ds.ContentSequence));
  return { studyInstanceUid: ds.StudyInstanceUID, groups };
}

describe.skipIf(ORTHANC_SKIP_REASON !== null)('POST /v1/pacs/studies/:uid/report (real Orthanc over DICOMweb)', () => {
  let pacs: RunningOrthanc;
  let dataDir: string;
  let app: FastifyInstance;
  let token: string;
  let ct: Volume;
  let truth: Measurements;
  let inputSeg: EncodedObject;
  let studyUid: string;
  let studyId: string;
  let job: Record<string, any>;
  const auth = () => ({ authorization: `Bearer ${token}` });
  /** `body` undefined: no body at all (every field has a default). */
  const post = (uid: string, body?: Record<string, unknown>, headers: Record<string, string> = auth()) =>
    app.inject({ method: 'POST', url: `/v1/pacs/studies/${uid}/report`, ...(body ? { payload: body } : {}), headers });

  beforeAll(async () => {
    pacs = await startOrthanc();
    const study = generateStudy(abdomenPreset({ fovMm: FOV_MM }));
    const ctDir = join(pacs.dir, 'ct');
    await writeDicomSeries({ grid: study.ct.grid, data: study.ct.data }, ctDir, { seriesDescription: 'phantom CT', studyDate: '2024-06-01' });
    ct = await readVolume(ctDir, defaultConfig().volume);
    studyUid = ct.meta.studyInstanceUid!;
    inputSeg = encodeSeg(labelMapSegments(study.labels), referencedCtFor(ct.grid, ct, {}), { seriesDescription: 'AI segmentation (test input)', seriesNumber: 300 });
    truth = measureStudy(ct, study.labels, { measure: defaultConfig().measure, provenance: { ct: 'phantom', masks: null } });
    const files = (await readdir(ctDir)).map((n) => join(ctDir, n));
    await pacs.upload([...(await Promise.all(files.map((f) => readFile(f)))), inputSeg.bytes]);

    dataDir = await tempDataDir();
    const config = loadConfig({
      env: {},
      overrides: { dataDir, service: { logLevel: 'silent' }, pacs: { url: pacs.dicomwebUrl, username: pacs.user, password: pacs.password } },
    });
    app = await buildApp(config);
    token = await newToken(app);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    if (dataDir) await removeDir(dataDir);
    await pacs?.stop();
  });

  it('needs a bearer token', async () => {
    const res = await post(studyUid, {}, {});
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('GCT_SERVICE_UNAUTHORIZED');
  });

  it('accepts the study (202), and its job retrieves, reports and stores SEG + SR, with the stored UIDs in its result', async () => {
    const res = await post(studyUid, {});
    expect(res.statusCode, res.body).toBe(202);
    ({ studyId } = res.json());
    const samples = await waitForJob(app, token, res.json().jobId, JOB_TIMEOUT_MS);
    job = samples.last;
    expect(job.state, JSON.stringify(job.error)).toBe('done');
    expect(samples.some((s) => s.stage === 'pacs-fetch' || s.stage === 'starting' || s.stage === 'queued')).toBe(true);
    const percents = samples.map((s) => s.percent);
    for (let n = 1; n < percents.length; n++) expect(percents[n]).toBeGreaterThanOrEqual(percents[n - 1]);

    const r = job.result.pacs;
    expect(r.studyInstanceUid).toBe(studyUid);
    expect(r.ctSeriesInstanceUid).toBe(ct.meta.seriesInstanceUid);
    expect(r.ctInstances).toBe(ct.grid.dims[2]); // 50 slices
    expect(r.inputSegSeriesInstanceUid).toBe(inputSeg.seriesInstanceUid);
    expect(r.stored).toBe(true);
    expect([...r.storedSopInstanceUids].sort()).toEqual([r.seg.sopInstanceUid, r.sr.sopInstanceUid].sort());

    // The study is an ordinary study: artifacts (viewer volumes, report, and the DICOM objects) and the job.
    const studyRes = await app.inject({ url: `/v1/studies/${studyId}`, headers: auth() });
    expect(studyRes.statusCode).toBe(200);
    const names = studyRes.json().artifacts.map((a: { name: string }) => a.name);
    for (const n of ['measurements', 'findings', 'report', 'report.md', 'volume.ct', 'volume.masks.0', 'dicom.seg', 'dicom.sr']) expect(names).toContain(n);
    expect(studyRes.json().maskSets).toBe(1);
    expect(studyRes.json().job.result.pacs.sr.sopInstanceUid).toBe(r.sr.sopInstanceUid);
    // The PACS password is neither returned nor stored with the study.
    expect(JSON.stringify(job)).not.toContain(pacs.password);
    expect(studyRes.body).not.toContain(pacs.password);
  }, JOB_TIMEOUT_MS + 10_000);

  it('the PACS holds the new SEG and SR in the same study; read back, each lesion equals the study measurements and the phantom truth', async () => {
    const r = job.result.pacs;
    const client = dicomwebClient({ baseUrl: pacs.dicomwebUrl, username: pacs.user, password: pacs.password });
    const series = await client.searchSeries(studyUid);
    expect(series.filter((s) => s.modality === 'CT')).toHaveLength(1);
    const seg = series.find((s) => s.seriesInstanceUid === r.seg.seriesInstanceUid);
    const sr = series.find((s) => s.seriesInstanceUid === r.sr.seriesInstanceUid);
    expect(seg?.modality).toBe('SEG');
    expect(sr?.modality).toBe('SR');

    const measured = (await app.inject({ url: `/v1/studies/${studyId}/measurements`, headers: auth() })).json() as Measurements;
    expect(measured.lesions.length).toBe(truth.lesions.length);
    expect(measured.lesions.length).toBeGreaterThan(0);

    const [segBytes] = await client.retrieveSeries(studyUid, r.seg.seriesInstanceUid);
    const [srBytes] = await client.retrieveSeries(studyUid, r.sr.seriesInstanceUid);
    await mkdir(join(pacs.dir, 'back'));
    await writeFile(join(pacs.dir, 'back', 'seg.dcm'), segBytes);
    const back = await readDicomSeg(join(pacs.dir, 'back', 'seg.dcm'), defaultConfig().volume);
    const report = srMeasurementGroups(srBytes);
    expect(report.studyInstanceUid).toBe(studyUid);

    for (const lesion of measured.lesions) {
      const expected = truth.lesions.find((t) => t.id === lesion.id);
      expect(expected, lesion.id).toBeDefined();
      expect(lesion.voxelCount).toBe(expected!.voxelCount);
      const s = back.segments.find((x) => x.label === lesion.id);
      expect(s, lesion.id).toBeDefined();
      expect(s!.data.reduce((n, v) => n + v, 0)).toBe(lesion.voxelCount);
      const g = report.groups.find((x) => x.id === lesion.id);
      expect(g, lesion.id).toBeDefined();
      // The SR writes decimal strings of 16 characters at most (PS3.5 6.2 DS): compare to 9 decimals.
      expect(g!.values.Volume).toEqual([expect.closeTo(lesion.volumeMl, 9), 'ml']);
      expect(g!.values['Long Axis']).toEqual([expect.closeTo(lesion.longAxisMm, 9), 'mm']);
      expect(g!.values['Attenuation Coefficient'][0]).toBeCloseTo(lesion.huMean, 9);
      expect(g!.segment?.[0]).toBe(r.seg.sopInstanceUid);
    }
  });

  it('answers 404 GCT_PACS_STUDY_NOT_FOUND for a study the PACS does not hold (a request without body), and accepts nothing', async () => {
    const before = (await app.groundct.storage.meta.listStudyIds()).length;
    const res = await post('1.2.826.0.1.3680043.8.498.1');
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('GCT_PACS_STUDY_NOT_FOUND');
    expect((await app.groundct.storage.meta.listStudyIds()).length).toBe(before);
  });

  it('answers 502 GCT_PACS_UNREACHABLE when nothing listens at an allowed URL', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/dicom-web`;
    const other = await buildApp(loadConfig({ env: {}, overrides: { dataDir, service: { logLevel: 'silent' }, pacs: { url: pacs.dicomwebUrl, allowedUrls: [url] } } }), { storage: app.groundct.storage });
    try {
      const res = await other.inject({ method: 'POST', url: `/v1/pacs/studies/${studyUid}/report`, payload: { url }, headers: auth() });
      expect(res.statusCode).toBe(502);
      expect(res.json().code).toBe('GCT_PACS_UNREACHABLE');
    } finally {
      await other.close();
    }
  });

  it('never sends the configured credentials to another (allowed) origin, and refuses credentials in the URL', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const server: Server = createServer((req, res) => {
      seen.push(req.headers);
      res.statusCode = 204; // QIDO-RS: no match
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const url = `http://127.0.0.1:${port}/dicom-web`;
    const other = await buildApp(loadConfig({ env: {}, overrides: { dataDir, service: { logLevel: 'silent' }, pacs: { url: pacs.dicomwebUrl, username: pacs.user, password: pacs.password, allowedUrls: [url] } } }), { storage: app.groundct.storage });
    try {
      const res = await other.inject({ method: 'POST', url: `/v1/pacs/studies/${studyUid}/report`, payload: { url }, headers: auth() });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('GCT_PACS_STUDY_NOT_FOUND');
      expect(seen).toHaveLength(1);
      expect(seen[0].authorization).toBeUndefined();
      const withUser = await other.inject({ method: 'POST', url: `/v1/pacs/studies/${studyUid}/report`, payload: { url: `http://someone:secret@127.0.0.1:${port}/dicom-web` }, headers: auth() });
      expect(withUser.statusCode).toBe(400);
      expect(withUser.body).not.toContain('secret');
      expect(seen).toHaveLength(1);
    } finally {
      await other.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('without pacs.url nor a url in the body, says which to give (400)', async () => {
    const bare = await buildApp(loadConfig({ env: {}, overrides: { dataDir, service: { logLevel: 'silent' } } }), { storage: app.groundct.storage });
    try {
      const res = await bare.inject({ method: 'POST', url: `/v1/pacs/studies/${studyUid}/report`, headers: auth() });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'GCT_SERVICE_REQUEST_INVALID', details: { field: 'url' } });
    } finally {
      await bare.close();
    }
  });
});
