/**
 * Every 4xx path of the API, asserting the status and the stable error `code` (STYLE.md section 8: not the
 * message wording). Limits are set low in the config so that the phantom's own files trip them.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, multipartBody } from '../../../src/service/index.ts';
import { BACKENDS, backendConfig, freshBackend, makeStudyFiles, newToken, removeDir, stagingDir, upload, type StudyFiles, type TestBackend } from './helpers.ts';

describe.each(BACKENDS)('service on %s', (backendName) => {
  let files: StudyFiles;
  let backend: TestBackend;
  let app: FastifyInstance;
  let token: string;

  beforeAll(async () => {
    files = await makeStudyFiles();
    backend = await freshBackend(backendName);
    app = await buildApp(backendConfig(backend));
    token = await newToken(app);
  });

  afterAll(async () => {
    await app?.close();
    await backend?.cleanup();
    await removeDir(files.dir);
  });

  const auth = () => ({ authorization: `Bearer ${token}` });

  function expectError(res: { statusCode: number; json: () => { code: string; message: string; hint: string } }, status: number, code: string) {
    expect(res.statusCode).toBe(status);
    const body = res.json();
    expect(body.code).toBe(code);
    expect(body.message.length).toBeGreaterThan(10);
    expect(body.hint.length).toBeGreaterThan(10);
  }

  describe('authentication', () => {
    it('no token: 401 GCT_SERVICE_UNAUTHORIZED with WWW-Authenticate: Bearer, on every /v1 route', async () => {
      for (const [method, url] of [['GET', '/v1/jobs/x'], ['GET', '/v1/studies/x/report'], ['POST', '/v1/studies'], ['DELETE', '/v1/studies/x']] as const) {
        const res = await app.inject({ method, url });
        expectError(res, 401, 'GCT_SERVICE_UNAUTHORIZED');
        expect(res.headers['www-authenticate']).toBe('Bearer');
      }
    });

    it('bad token, wrong scheme and revoked token: 401', async () => {
      expectError(await app.inject({ url: '/v1/jobs/x', headers: { authorization: 'Bearer gct_not-a-real-token' } }), 401, 'GCT_SERVICE_UNAUTHORIZED');
      expectError(await app.inject({ url: '/v1/jobs/x', headers: { authorization: `Basic ${token}` } }), 401, 'GCT_SERVICE_UNAUTHORIZED');
      const other = await newToken(app, 'to-revoke');
      expect((await app.inject({ url: '/v1/jobs/x', headers: { authorization: `Bearer ${other}` } })).statusCode).toBe(404);
      const [record] = (await app.groundct.storage.meta.listTokens()).filter((t) => t.name === 'to-revoke');
      expect(await app.groundct.storage.meta.revokeToken(record.id)).toBe(true);
      expectError(await app.inject({ url: '/v1/jobs/x', headers: { authorization: `Bearer ${other}` } }), 401, 'GCT_SERVICE_UNAUTHORIZED');
    });

    it('tokens are stored as SHA-256 digests only', async () => {
      const rows = await backend.sql('SELECT * FROM tokens');
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) {
        expect(r.sha256).toMatch(/^[0-9a-f]{64}$/);
        expect(JSON.stringify(r)).not.toContain(token);
      }
    });
  });

  describe('unknown resources and bad parameters', () => {
    it('unknown study: 404 GCT_SERVICE_STUDY_NOT_FOUND on each study route', async () => {
      const id = '00000000-0000-0000-0000-000000000000';
      for (const url of [`/v1/studies/${id}`, `/v1/studies/${id}/report`, `/v1/studies/${id}/measurements`, `/v1/studies/${id}/findings`, `/v1/studies/${id}/volumes/ct`]) {
        expectError(await app.inject({ url, headers: auth() }), 404, 'GCT_SERVICE_STUDY_NOT_FOUND');
      }
      expectError(await app.inject({ method: 'DELETE', url: `/v1/studies/${id}`, headers: auth() }), 404, 'GCT_SERVICE_STUDY_NOT_FOUND');
    });

    it('unknown job: 404 GCT_SERVICE_JOB_NOT_FOUND; malformed id: 400 GCT_SERVICE_REQUEST_INVALID; unknown route: 404', async () => {
      expectError(await app.inject({ url: '/v1/jobs/nope', headers: auth() }), 404, 'GCT_SERVICE_JOB_NOT_FOUND');
      expectError(await app.inject({ url: '/v1/jobs/..%2F..%2Fetc', headers: auth() }), 400, 'GCT_SERVICE_REQUEST_INVALID');
      expectError(await app.inject({ url: '/v1/studies/x/volumes/masks?layer=-1', headers: auth() }), 400, 'GCT_SERVICE_REQUEST_INVALID');
      expectError(await app.inject({ url: '/v2/anything' }), 404, 'GCT_SERVICE_ROUTE_NOT_FOUND');
    });
  });

  describe('uploads', () => {
    it('not multipart: 400 GCT_SERVICE_UPLOAD_INVALID', async () => {
      const res = await app.inject({ method: 'POST', url: '/v1/studies', headers: { ...auth(), 'content-type': 'application/json' }, payload: '{"ct":"x"}' });
      expectError(res, 400, 'GCT_SERVICE_UPLOAD_INVALID');
    });

    it('malformed multipart (body cut off mid-part): 400 GCT_SERVICE_UPLOAD_INVALID', async () => {
      const { body, contentType } = await multipartBody({ ct: { bytes: files.ct, filename: 'ct.nii.gz' } });
      const res = await app.inject({ method: 'POST', url: '/v1/studies', headers: { ...auth(), 'content-type': contentType }, payload: body.subarray(0, 5000) });
      expectError(res, 400, 'GCT_SERVICE_UPLOAD_INVALID');
    });

    it('no ct part, an unknown part, a bad phase, more label maps than masks: 400 GCT_SERVICE_UPLOAD_INVALID', async () => {
      expectError(await upload(app, token, { masks: { bytes: files.labels, filename: 'm.nii.gz' } }), 400, 'GCT_SERVICE_UPLOAD_INVALID');
      expectError(await upload(app, token, { ct: { bytes: files.ct, filename: 'ct.nii.gz' }, extra: 'x' }), 400, 'GCT_SERVICE_UPLOAD_INVALID');
      expectError(await upload(app, token, { ct: { bytes: files.ct, filename: 'ct.nii.gz' }, phase: 'venous-ish' }), 400, 'GCT_SERVICE_UPLOAD_INVALID');
      expectError(await upload(app, token, { ct: { bytes: files.ct, filename: 'ct.nii.gz' }, labelMap: files.labelsJson }), 400, 'GCT_SERVICE_UPLOAD_INVALID');
    });

    it('wrong file type (by content, whatever the file name): 422 GCT_SERVICE_FILE_TYPE_UNSUPPORTED', async () => {
      const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
      expectError(await upload(app, token, { ct: { bytes: png, filename: 'ct.nii.gz' } }), 422, 'GCT_SERVICE_FILE_TYPE_UNSUPPORTED');
      expectError(await upload(app, token, { ct: { bytes: gzipSync(Buffer.from('hello, not an image at all')), filename: 'ct.nii.gz' } }), 422, 'GCT_SERVICE_FILE_TYPE_UNSUPPORTED');
      expectError(await upload(app, token, { ct: { bytes: files.ct, filename: 'ct.nii.gz' }, masks: { bytes: Buffer.from('{"1":"liver"}'), filename: 'm.nii' } }), 422, 'GCT_SERVICE_FILE_TYPE_UNSUPPORTED');
      // A zip that holds no DICOM file is not a DICOM series.
      expectError(await upload(app, token, { ct: { bytes: zipSync({ 'a.txt': new Uint8Array([1, 2, 3]) }), filename: 'ct.zip' } }), 422, 'GCT_SERVICE_FILE_TYPE_UNSUPPORTED');
    });

    it('a label map that is not id -> name JSON: 422 GCT_LABELMAP_INVALID', async () => {
      const res = await upload(app, token, { ct: { bytes: files.ct, filename: 'ct.nii.gz' }, masks: { bytes: files.labels, filename: 'm.nii.gz' }, labelMap: '["liver"]' });
      expectError(res, 422, 'GCT_LABELMAP_INVALID');
    });

    it('zip entries with "../", an absolute path or a symlink: 422 GCT_SERVICE_ARCHIVE_UNSAFE, and nothing is extracted', async () => {
      const bytes = new Uint8Array([1, 2, 3]);
      for (const zip of [
        zipSync({ 'series/../../evil.dcm': bytes }),
        zipSync({ '/etc/evil.dcm': bytes }),
        zipSync({ 'series\\..\\..\\evil.dcm': bytes }),
        zipSync({ 'series/link.dcm': [bytes, { os: 3, attrs: (0o120777 << 16) >>> 0 }] }),
      ]) {
        expectError(await upload(app, token, { ct: { bytes: zip, filename: 'ct.zip' } }), 422, 'GCT_SERVICE_ARCHIVE_UNSAFE');
      }
      const { readdir } = await import('node:fs/promises');
      expect((await readdir(stagingDir(backend))).filter((f) => !f.startsWith('.probe'))).toEqual([]);
    });
  });

  describe('limits', () => {
    let limited: FastifyInstance;
    let limitedToken: string;
    let limitedBackend: TestBackend;
    beforeAll(async () => {
      limitedBackend = await freshBackend(backendName);
      // The phantom CT: 120 x 93 x 73 = 814 680 int16 voxels, 1.63 MB inflated, about 0.8 MB gzipped.
      limited = await buildApp(backendConfig(limitedBackend, { limits: { maxUploadBytes: 2_000_000, maxDecompressedBytes: 1_000_000, maxVoxels: 500_000, maxArchiveEntries: 3 } }));
      limitedToken = await newToken(limited);
    });
    afterAll(async () => {
      await limited?.close();
      await limitedBackend?.cleanup();
    });

    it('an upload over maxUploadBytes: 413 GCT_SERVICE_UPLOAD_TOO_LARGE', async () => {
      const big = Buffer.concat([files.ct, files.ct, files.ct]);
      expectError(await upload(limited, limitedToken, { ct: { bytes: big, filename: 'ct.nii.gz' } }), 413, 'GCT_SERVICE_UPLOAD_TOO_LARGE');
      // The limit is on the whole upload, not per part.
      expectError(await upload(limited, limitedToken, { ct: { bytes: files.ct, filename: 'ct.nii.gz' }, masks: [{ bytes: files.ct, filename: 'a.nii.gz' }, { bytes: files.ct, filename: 'b.nii.gz' }] }), 413, 'GCT_SERVICE_UPLOAD_TOO_LARGE');
    });

    it('a NIfTI header with more voxels than maxVoxels: 422 GCT_SERVICE_TOO_MANY_VOXELS', async () => {
      expect(files.study.ct.data.length).toBe(814_680);
      expectError(await upload(limited, limitedToken, { ct: { bytes: files.ct, filename: 'ct.nii.gz' } }), 422, 'GCT_SERVICE_TOO_MANY_VOXELS');
    });

    it('gzip or zip inflating beyond maxDecompressedBytes: 422 GCT_SERVICE_DECOMPRESSED_TOO_LARGE (header within limits)', async () => {
      // A real NIfTI header that declares one slice (11 160 voxels, within limits), followed by 3 MB of data.
      const nii = Buffer.concat([gunzipSync(files.ct), Buffer.alloc(1_500_000)]);
      nii.writeInt16LE(1, 46);
      const bomb = gzipSync(nii);
      expectError(await upload(limited, limitedToken, { ct: { bytes: bomb, filename: 'ct.nii.gz' } }), 422, 'GCT_SERVICE_DECOMPRESSED_TOO_LARGE');
      const zipBomb = zipSync({ 'a.dcm': new Uint8Array(1_200_000) });
      expectError(await upload(limited, limitedToken, { ct: { bytes: zipBomb, filename: 'ct.zip' } }), 422, 'GCT_SERVICE_DECOMPRESSED_TOO_LARGE');
    });

    it('a zip with more entries than maxArchiveEntries: 422 GCT_SERVICE_ARCHIVE_UNSAFE', async () => {
      const zip = zipSync({ a: new Uint8Array(1), b: new Uint8Array(1), c: new Uint8Array(1), d: new Uint8Array(1) });
      expectError(await upload(limited, limitedToken, { ct: { bytes: zip, filename: 'ct.zip' } }), 422, 'GCT_SERVICE_ARCHIVE_UNSAFE');
    });
  });
});
