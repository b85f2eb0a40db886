/**
 * The synthetic study `groundct serve --preload-demo` uploads: the phantom's abnormal abdomen (liver lesion in
 * segment 7, pancreatic head mass encasing the SMA, left renal cyst, enlarged spleen), written as NIfTI and
 * sent through the service's own POST /v1/studies, so that the preloaded study takes the same path as any
 * upload.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { abdomenPreset, generateStudy, writeStudy } from '../phantom/index.ts';
import { gctError } from '../errors.ts';

/** A multipart body as bytes plus its content type (built with the platform's FormData encoder). */
export async function multipartBody(parts: Record<string, string | { bytes: Uint8Array; filename: string } | readonly (string | { bytes: Uint8Array; filename: string })[]>): Promise<{ body: Buffer; contentType: string }> {
  const form = new FormData();
  for (const [field, value] of Object.entries(parts)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v === 'string') form.append(field, v);
      else form.append(field, new Blob([v.bytes]), v.filename);
    }
  }
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  return { body: Buffer.from(await request.arrayBuffer()), contentType: request.headers.get('content-type')! };
}

/** Generates the demo study, uploads it with `token` and returns its ids. */
export async function preloadDemoStudy(app: FastifyInstance, token: string): Promise<{ studyId: string; jobId: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'groundct-demo-'));
  try {
    const spec = abdomenPreset();
    await writeStudy(generateStudy(spec), join(dir, 'study'), { formats: ['nifti'] });
    const file = (name: string) => readFile(join(dir, 'study', name));
    const { body, contentType } = await multipartBody({
      ct: { bytes: await file('ct.nii.gz'), filename: 'ct.nii.gz' },
      masks: [
        { bytes: await file('labels.nii.gz'), filename: 'labels.nii.gz' },
        { bytes: await file('labels-subsegments.nii.gz'), filename: 'labels-subsegments.nii.gz' },
      ],
      labelMap: [(await file('labels.json')).toString('utf8'), (await file('labels-subsegments.json')).toString('utf8')],
      phase: String(spec.phase ?? 'non-contrast'),
    });
    const res = await app.inject({ method: 'POST', url: '/v1/studies', payload: body, headers: { 'content-type': contentType, authorization: `Bearer ${token}` } });
    if (res.statusCode !== 202) throw gctError('GCT_INTERNAL', `Preloading the demo study failed: ${res.statusCode} ${res.body.slice(0, 300)}`);
    return res.json() as { studyId: string; jobId: string };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
