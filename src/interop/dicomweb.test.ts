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
  return { url: `http://127.0.0.1:${port}/dicom-web`, seen, close: () => new Promise((r) => { server.close(() => r()); server.closeAllConnections(); }) };
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

  it('follows no redirect: a 3xx is GCT_PACS_REQUEST_FAILED and the credentials go nowhere else', async () => {
    const target = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/dicom+json' });
      res.end('[]');
    });
    const redirecting = await serve((_req, res) => {
      res.writeHead(307, { Location: `${target.url}/studies/1.2.3/series` });
      res.end();
    });
    try {
      const client = dicomwebClient({ baseUrl: redirecting.url, username: 'u', password: 'p' });
      await expect(client.searchSeries('1.2.3')).rejects.toMatchObject({ code: 'GCT_PACS_REQUEST_FAILED', details: { status: 307 } });
      expect(target.seen).toHaveLength(0);
    } finally {
      await redirecting.close();
      await target.close();
    }
  });

  it('stops an answer larger than its byte limit, times out a silent server, and fails (not hangs) on undecodable multipart', async () => {
    const big = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'multipart/related; type="application/dicom"; boundary=b' });
      res.write(Buffer.alloc(64 * 1024, 1));
      res.end(Buffer.alloc(64 * 1024, 1));
    });
    const silent = await serve(() => undefined);
    const garbage = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'multipart/related; type="application/dicom"; boundary=b' });
      res.end('no multipart here at all');
    });
    try {
      await expect(dicomwebClient({ baseUrl: big.url, maxResponseBytes: 100_000 }).retrieveSeries('1.2', '1.2.3')).rejects.toMatchObject({ code: 'GCT_PACS_RESPONSE_INVALID', details: { limitBytes: 100_000 } });
      await expect(dicomwebClient({ baseUrl: silent.url, timeoutMs: 300 }).searchSeries('1.2')).rejects.toMatchObject({ code: 'GCT_PACS_UNREACHABLE', details: { timeoutMs: 300 } });
      await expect(dicomwebClient({ baseUrl: garbage.url }).retrieveSeries('1.2', '1.2.3')).rejects.toMatchObject({ code: 'GCT_PACS_RESPONSE_INVALID' });
    } finally {
      await big.close();
      await silent.close();
      await garbage.close();
    }
  });

  it('retrieves the parts of a multipart/related answer, in order', async () => {
    const parts = [Buffer.from('DICM-part-one'), Buffer.from('DICM-part-two\r\nwith a line break')];
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'multipart/related; type="application/dicom"; boundary=XyZ' });
      res.end(Buffer.concat([...parts.flatMap((p) => [Buffer.from('--XyZ\r\nContent-Type: application/dicom\r\n\r\n'), p, Buffer.from('\r\n')]), Buffer.from('--XyZ--')]));
    });
    try {
      const got = await dicomwebClient({ baseUrl: server.url }).retrieveSeries('1.2', '1.2.3');
      expect(got.map((g) => Buffer.from(g).toString())).toEqual(parts.map((p) => p.toString()));
      expect(server.seen[0].url).toBe('/dicom-web/studies/1.2/series/1.2.3');
    } finally {
      await server.close();
    }
  });
});
