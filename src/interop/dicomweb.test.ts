import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { dicomwebClient } from './dicomweb.ts';

/** A one-route HTTP server on loopback answering every request with `handler`. */
async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; close: () => Promise<void>; seen: { url: string; authorization?: string }[] }> {
  const seen: { url: string; authorization?: string }[] = [];
  const server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
    handler!(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/dicom-web`, seen, close: () => new Promise((r) => server.close(() => r())) };
}

describe('DICOMweb client', () => {
  it('sends HTTP Basic credentials and parses a QIDO-RS series answer', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/dicom+json' });
      res.end(JSON.stringify([{ '0020000E': { vr: 'UI', Value: ['1.2.3.4'] }, '00080060': { vr: 'CS', Value: ['CT'] }, '00201209': { vr: 'IS', Value: [50] } }]));
    });
    try {
      const client = dicomwebClient({ baseUrl: server.url, username: 'u', password: 'p' });
      expect(await client.searchSeries('1.2.3', { Modality: 'CT' })).toEqual([{ studyInstanceUid: '1.2.3', seriesInstanceUid: '1.2.3.4', modality: 'CT', numberOfInstances: 50 }]);
      expect(server.seen[0].authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
      expect(server.seen[0].url).toMatch(/^\/dicom-web\/studies\/1\.2\.3\/series\?Modality=CT&/);
    } finally {
      await server.close();
    }
  });

  it('turns a failed STOW-RS (409 with FailedSOPSequence) into GCT_PACS_STORE_FAILED', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(409, { 'Content-Type': 'application/dicom+json' });
      res.end(JSON.stringify({ '00081198': { vr: 'SQ', Value: [{ '00081155': { vr: 'UI', Value: ['9.9'] } }] } }));
    });
    try {
      await expect(dicomwebClient({ baseUrl: server.url }).store([new Uint8Array(4)], '1.2')).rejects.toMatchObject({ code: 'GCT_PACS_STORE_FAILED', details: { failed: ['9.9'] } });
    } finally {
      await server.close();
    }
  });

  it('refuses credentials in the URL, a UID that is not one, and reports an unreachable server', async () => {
    expect(() => dicomwebClient({ baseUrl: 'http://user:secret@127.0.0.1:1/dicom-web' })).toThrow(expect.objectContaining({ code: 'GCT_PACS_AUTH_FAILED' }));
    const client = dicomwebClient({ baseUrl: 'http://127.0.0.1:1/dicom-web', timeoutMs: 2000 });
    await expect(client.searchSeries('1.2/../x')).rejects.toMatchObject({ code: 'GCT_CLI_USAGE' });
    await expect(client.searchSeries('1.2.3')).rejects.toMatchObject({ code: 'GCT_PACS_UNREACHABLE' });
  });
});
