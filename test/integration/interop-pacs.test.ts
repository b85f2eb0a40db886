/**
 * PACS round trip against a real Orthanc (Debian `orthanc` + `orthanc-dicomweb`), started here on a free
 * loopback port with its own storage in a temporary folder, remote access off and HTTP Basic authentication on
 * (a test user, so the credential path is exercised). A synthetic study (phantom CT written as DICOM, plus a SEG
 * of its masks, as an AI segmentation would arrive) is uploaded through Orthanc's REST API; `groundct pacs pull`
 * fetches it over DICOMweb, measures, and stores SEG + SR back; the test then finds the new series with QIDO-RS,
 * reads them back and checks the measurements against the phantom's own.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPacs } from '../../src/cli/pacs.ts';
import { defaultConfig } from '../../src/config.ts';
import { dicomwebClient, encodeSeg, labelMapSegments, referencedCtFor } from '../../src/interop/index.ts';
import { measureStudy, type Measurements } from '../../src/measure/index.ts';
import { abdomenPreset, generateStudy } from '../../src/phantom/index.ts';
import { readDicomSeg } from '../../src/volume/readers/dicom-seg.ts';
import { readVolume, writeDicomSeries, type Volume } from '../../src/volume/index.ts';
import { ORTHANC_SKIP_REASON, startOrthanc, type RunningOrthanc } from '../helpers/orthanc.ts';
import { hasPydicom, python, SMALL_FOV, SR_SCRIPT } from './interop-helpers.ts';

if (ORTHANC_SKIP_REASON) console.warn(`[groundct tests] skipping the PACS round trip: ${ORTHANC_SKIP_REASON}`);

describe.skipIf(ORTHANC_SKIP_REASON !== null)('PACS round trip with Orthanc over DICOMweb', () => {
  let pacs: RunningOrthanc;
  let dir: string;
  let base: string;
  let USER: string;
  let PASSWORD: string;
  let ct: Volume;
  let truth: Measurements;
  let pullOutput = '';

  beforeAll(async () => {
    pacs = await startOrthanc();
    ({ dir, base, user: USER, password: PASSWORD } = pacs);

    // The synthetic study: CT series + a SEG of the phantom's masks (one segment per label, named as labelled).
    const study = generateStudy(abdomenPreset({ fovMm: SMALL_FOV }));
    await writeDicomSeries({ grid: study.ct.grid, data: study.ct.data }, join(dir, 'ct'), { seriesDescription: 'phantom CT', studyDate: '2024-06-01' });
    ct = await readVolume(join(dir, 'ct'), defaultConfig().volume);
    const inputSeg = encodeSeg(labelMapSegments(study.labels), referencedCtFor(ct.grid, ct, {}), { seriesDescription: 'AI segmentation (test input)', seriesNumber: 300 });
    truth = measureStudy(ct, study.labels, { measure: defaultConfig().measure, provenance: { ct: 'phantom', masks: null } });
    const files = [...(await readdir(join(dir, 'ct'))).map((n) => join(dir, 'ct', n))];
    await pacs.upload([...(await Promise.all(files.map((f) => readFile(f)))), inputSeg.bytes]);
  }, 60_000);

  afterAll(async () => {
    await pacs?.stop();
  });

  it('refuses without credentials, with a coded error that does not leak the password', async () => {
    const client = dicomwebClient({ baseUrl: `${base}/dicom-web` });
    await expect(client.searchSeries(ct.meta.studyInstanceUid!)).rejects.toMatchObject({ code: 'GCT_PACS_AUTH_FAILED' });
    const wrong = dicomwebClient({ baseUrl: `${base}/dicom-web`, username: USER, password: 'wrong' });
    const error = await wrong.searchSeries(ct.meta.studyInstanceUid!).catch((e) => e);
    expect(error.code).toBe('GCT_PACS_AUTH_FAILED');
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain('wrong');
  });

  it('pulls the CT and its SEG, runs the pipeline and stores SEG + SR back with STOW-RS', async () => {
    const env = { GROUNDCT_PACS__USERNAME: USER, GROUNDCT_PACS__PASSWORD: PASSWORD };
    const code = await runPacs(['pull', ct.meta.studyInstanceUid!, '--url', `${base}/dicom-web`], defaultConfig(), (s) => (pullOutput += s), env);
    expect(code).toBe(0);
    expect(pullOutput).not.toContain(PASSWORD);
    const summary = JSON.parse(pullOutput);
    expect(summary.ctSeriesInstanceUid).toBe(ct.meta.seriesInstanceUid);
    expect(summary.ctInstances).toBe(ct.grid.dims[2]);
    expect(summary.stored).toBe(2);
    expect(summary.masks.seriesInstanceUid).toBeDefined();
  }, 60_000);

  it('the PACS now holds the new SEG and SR series; read back, they carry the phantom measurements', async () => {
    const client = dicomwebClient({ baseUrl: `${base}/dicom-web`, username: USER, password: PASSWORD });
    const series = await client.searchSeries(ct.meta.studyInstanceUid!);
    const seg = series.find((s) => s.modality === 'SEG' && s.seriesDescription === 'groundct segmentation');
    const sr = series.find((s) => s.modality === 'SR');
    expect(seg).toBeDefined();
    expect(sr).toBeDefined();
    expect(series.filter((s) => s.modality === 'CT')).toHaveLength(1); // stored into the same study, not a new one

    const [segBytes] = await client.retrieveSeries(ct.meta.studyInstanceUid!, seg!.seriesInstanceUid);
    const [srBytes] = await client.retrieveSeries(ct.meta.studyInstanceUid!, sr!.seriesInstanceUid);
    await mkdir(join(dir, 'back'));
    await writeFile(join(dir, 'back', 'seg.dcm'), segBytes);
    await writeFile(join(dir, 'back', 'sr.dcm'), srBytes);

    const back = await readDicomSeg(join(dir, 'back', 'seg.dcm'), defaultConfig().volume);
    for (const lesion of truth.lesions) {
      const s = back.segments.find((x) => x.label === lesion.id);
      expect(s, lesion.id).toBeDefined();
      expect(s!.data.reduce((n, v) => n + v, 0)).toBe(lesion.voxelCount);
    }
    if (hasPydicom()) {
      const report = python(SR_SCRIPT, join(dir, 'back', 'sr.dcm'));
      expect(report.study).toBe(ct.meta.studyInstanceUid);
      for (const lesion of truth.lesions) {
        const g = report.groups.find((x: { id: string }) => x.id === lesion.id);
        expect(g.values.Volume).toEqual([expect.closeTo(lesion.volumeMl, 9), 'ml']);
        expect(g.values['Long Axis']).toEqual([expect.closeTo(lesion.longAxisMm, 9), 'mm']);
        expect(g.values['Attenuation Coefficient'][0]).toBeCloseTo(lesion.huMean, 9);
        expect(g.segment[0]).toBe(JSON.parse(pullOutput).seg.sopInstanceUid);
      }
      expect(report.texts.length).toBeGreaterThan(0);
    }
  }, 60_000);

  it('says which study is missing', async () => {
    const env = { GROUNDCT_PACS__USERNAME: USER, GROUNDCT_PACS__PASSWORD: PASSWORD };
    await expect(runPacs(['pull', '1.2.3.4.5', '--url', `${base}/dicom-web`], defaultConfig(), () => {}, env)).rejects.toMatchObject({ code: 'GCT_PACS_STUDY_NOT_FOUND' });
  });
});
