/**
 * Issue #15 through the HTTP API: hostile uploads are answered with a 4xx and the server stays up; a failed job
 * stores and returns its error without server paths or DICOM free text.
 */
import { readdir } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/service/index.ts';
import { ctSlice, deflateBomb, TS } from '../../helpers/dicom-builder.ts';
import { nifti1 } from '../../helpers/nifti-builder.ts';
import { BACKENDS, backendConfig, freshBackend, newToken, studiesDir, upload, waitForJob, type TestBackend } from './helpers.ts';

describe.each(BACKENDS)('hardening on %s', (backendName) => {
  let backend: TestBackend;
  let app: FastifyInstance;
  let token: string;

  beforeAll(async () => {
    backend = await freshBackend(backendName);
    app = await buildApp(backendConfig(backend, { limits: { maxStoredBytesPerUpload: 3_000_000 } }));
    token = await newToken(app);
  });

  afterAll(async () => {
    await app?.close();
    await backend?.cleanup();
  });

  const auth = () => ({ authorization: `Bearer ${token}` });

  /** The service still answers: an authenticated request to a route that exists. */
  async function alive(): Promise<void> {
    const res = await app.inject({ url: '/v1/jobs/00000000-0000-0000-0000-000000000000', headers: auth() });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('GCT_SERVICE_JOB_NOT_FOUND');
  }

  /** Nothing of a refused upload stays in the data directory (no study folder, no staging folder). */
  async function noStudiesOnDisk(): Promise<void> {
    const studies = await readdir(studiesDir(backend)).catch(() => [] as string[]);
    expect(studies.filter((n) => !n.startsWith('.'))).toEqual([]);
  }

  /** A 4 x 4 x 3 int16 NIfTI at 1 mm. */
  function tinyNifti(values: ArrayLike<number>, datatype = 4, bitpix = 16): Uint8Array {
    const payload = Buffer.alloc(values.length * (bitpix / 8));
    for (let n = 0; n < values.length; n++) {
      if (datatype === 16) payload.writeFloatLE(values[n], 4 * n);
      else payload.writeInt16LE(values[n], 2 * n);
    }
    return nifti1({ dim: [3, 4, 4, 3, 1, 1, 1, 1], datatype, bitpix, pixdim: [1, 1, 1, 1, 1, 1, 1, 1], sformCode: 1, srow: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0] }, payload);
  }

  describe('hostile uploads get a 4xx and the server stays up', () => {
    it('a zip holding a deflated DICOM slice that inflates to 256 MiB behind an 8 x 8 header: 422 GCT_VOLUME_DECOMPRESSED_MISMATCH', async () => {
      const bomb = await deflateBomb(256 * 1024 * 1024);
      expect(bomb.length).toBeLessThan(400_000);
      const res = await upload(app, token, { ct: { bytes: zipSync({ 'series/IM1.dcm': bomb }, { level: 0 }), filename: 'ct.zip' } });
      expect(res.statusCode).toBe(422);
      expect(res.json().code).toBe('GCT_VOLUME_DECOMPRESSED_MISMATCH');
      await alive();
      await noStudiesOnDisk();
    });

    it('a .nii.gz whose small header hides 64 MiB of payload: 422 GCT_VOLUME_DECOMPRESSED_MISMATCH at upload', async () => {
      const nii = Buffer.concat([Buffer.from(tinyNifti(new Int16Array(48))), Buffer.alloc(64 * 1024 * 1024)]);
      const res = await upload(app, token, { ct: { bytes: gzipSync(nii, { level: 1 }), filename: 'ct.nii.gz' } });
      expect(res.statusCode).toBe(422);
      expect(res.json().code).toBe('GCT_VOLUME_DECOMPRESSED_MISMATCH');
      await alive();
    });

    it('a zip that extracts past maxStoredBytesPerUpload (3 MB here): 413 GCT_SERVICE_STORAGE_BUDGET_EXCEEDED, nothing stored', async () => {
      const entries: Record<string, Uint8Array> = {};
      for (let n = 0; n < 4; n++) entries[`series/IM${n}.dcm`] = new Uint8Array(1_000_000);
      const res = await upload(app, token, { ct: { bytes: zipSync(entries, { level: 6 }), filename: 'ct.zip' } });
      expect(res.statusCode).toBe(413);
      expect(res.json().code).toBe('GCT_SERVICE_STORAGE_BUDGET_EXCEEDED');
      await alive();
      await noStudiesOnDisk();
    });

    it('a label map nested 100 000 levels deep: 422 GCT_LABELMAP_INVALID, not a 500', async () => {
      const deep = `{"1": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
      const res = await upload(app, token, {
        ct: { bytes: gzipSync(tinyNifti(new Int16Array(48).fill(-1000))), filename: 'ct.nii.gz' },
        masks: [{ bytes: gzipSync(tinyNifti(new Int16Array(48).fill(1))), filename: 'm.nii.gz' }],
        labelMap: [deep],
      });
      expect(res.statusCode).toBe(422);
      expect(res.json().code).toBe('GCT_LABELMAP_INVALID');
      await alive();
    });
  });

  describe('a failed job stores and returns its error without server paths or DICOM free text', () => {
    it('two series in one zip, one described "PATIENT^JOHN DOE": GCT_DICOM_MULTIPLE_SERIES naming neither the data directory nor the description', async () => {
      const slices: Record<string, Uint8Array> = {};
      for (let k = 0; k < 3; k++) {
        slices[`a/IM${k}.dcm`] = ctSlice({ zMm: k, seriesDescription: 'PATIENT^JOHN DOE' }, TS.explicit);
        slices[`b/IM${k}.dcm`] = ctSlice({ zMm: k, seriesUid: '2.25.777', seriesDescription: 'PATIENT^JOHN DOE' }, TS.explicit);
      }
      const res = await upload(app, token, { ct: { bytes: zipSync(slices), filename: 'ct.zip' } });
      expect(res.statusCode).toBe(202);
      const { jobId } = res.json();
      const job = (await waitForJob(app, token, jobId)).last as { state: string; error: { code: string; message: string; details: unknown } };
      expect(job.state).toBe('failed');
      expect(job.error.code).toBe('GCT_DICOM_MULTIPLE_SERIES');
      const returned = JSON.stringify(job.error);
      expect(returned).not.toContain(backend.dataDir);
      expect(returned).not.toMatch(/JOHN|PATIENT/);
      expect(job.error.message).toMatch(/^ct-dicom holds 2 image series/);
      // What the database keeps is the same sanitised body.
      const stored = await app.groundct.storage.meta.getJob(jobId);
      expect(stored?.error).toEqual(job.error);
    });

    it('a NIfTI with NaN voxels: GCT_VOLUME_VALUES_NOT_FINITE naming the file relative to the study and where the NaNs are', async () => {
      const values = new Float32Array(48).fill(-1000);
      values[21] = NaN; // (1, 1, 1)
      const res = await upload(app, token, { ct: { bytes: gzipSync(tinyNifti(values, 16, 32)), filename: 'ct.nii.gz' } });
      expect(res.statusCode).toBe(202);
      const job = (await waitForJob(app, token, res.json().jobId)).last as { state: string; error: { code: string; message: string; details: { firstIjk: number[]; path: string } } };
      expect(job.state).toBe('failed');
      expect(job.error.code).toBe('GCT_VOLUME_VALUES_NOT_FINITE');
      expect(job.error.message).toMatch(/^ct\.nii\.gz: 1 of 48 voxels are not finite/);
      expect(job.error.details.firstIjk).toEqual([1, 1, 1]);
      expect(job.error.details.path).toBe('ct.nii.gz');
      expect(JSON.stringify(job.error)).not.toContain(backend.dataDir);
    });
  });
});
