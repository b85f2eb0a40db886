/**
 * The PACS route reaches only the PACS its operator configured (issue #15, point 2), tested with plain HTTP servers
 * on loopback standing in for PACS and for an attacker's target: a request `url` outside pacs.url /
 * pacs.allowedUrls is refused before any request leaves (400 GCT_PACS_URL_NOT_ALLOWED); redirects are not
 * followed; a remote server's error body is neither returned to the client nor logged.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.ts';
import { buildApp } from '../../../src/service/index.ts';
import { isUnderPacsUrl } from '../../../src/service/pacs-client.ts';
import { newToken, removeDir, tempDataDir } from './helpers.ts';

interface FakeServer {
  readonly origin: string;
  readonly port: number;
  readonly requests: string[];
  close(): Promise<void>;
}

async function fakeServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<FakeServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, port, requests, close: () => new Promise((r) => server.close(() => r())) };
}

const STUDY_UID = '1.2.826.0.1.3680043.8.498.77';
const SECRET_BODY = 'FOREIGN-ERROR-BODY-7f3a';

describe('PACS URL allow-list, redirects and foreign error bodies', () => {
  let dataDir: string;
  let app: FastifyInstance;
  let token: string;
  let pacs: FakeServer;
  let redirecting: FakeServer;
  let failing: FakeServer;
  let target: FakeServer;
  const logLines: string[] = [];

  beforeAll(async () => {
    target = await fakeServer((_req, res) => {
      res.statusCode = 204;
      res.end();
    });
    pacs = await fakeServer((_req, res) => {
      res.statusCode = 204; // QIDO-RS: no series
      res.end();
    });
    redirecting = await fakeServer((_req, res) => {
      res.writeHead(302, { Location: `${target.origin}/dicom-web/studies/${STUDY_UID}/series` });
      res.end();
    });
    failing = await fakeServer((_req, res) => {
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`${SECRET_BODY} stack trace of the remote server`);
    });
    dataDir = await tempDataDir();
    const config = loadConfig({
      env: {},
      overrides: {
        dataDir,
        service: { logLevel: 'info' },
        pacs: { url: `${pacs.origin}/dicom-web`, username: 'groundct', password: 'pacs-password', allowedUrls: [`${redirecting.origin}/dicom-web`, `${failing.origin}/dicom-web`] },
      },
    });
    const stream = new Writable({
      write(chunk, _enc, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    app = await buildApp(config, { logger: { level: 'info', stream } });
    token = await newToken(app);
  });

  afterAll(async () => {
    await app?.close();
    for (const s of [pacs, redirecting, failing, target]) await s?.close();
    if (dataDir) await removeDir(dataDir);
  });

  const post = (url?: string) =>
    app.inject({ method: 'POST', url: `/v1/pacs/studies/${STUDY_UID}/report`, payload: url === undefined ? {} : { url }, headers: { authorization: `Bearer ${token}` } });

  it('matches origin and path prefix, after URL normalisation', () => {
    const base = 'http://pacs.example:8042/dicom-web';
    expect(isUnderPacsUrl('http://pacs.example:8042/dicom-web', base)).toBe(true);
    expect(isUnderPacsUrl('http://pacs.example:8042/dicom-web/', base)).toBe(true);
    expect(isUnderPacsUrl('http://PACS.example:8042/dicom-web/wado', base)).toBe(true);
    expect(isUnderPacsUrl('http://pacs.example:8042/dicom-web-evil', base)).toBe(false);
    expect(isUnderPacsUrl('http://pacs.example:8042/other', base)).toBe(false);
    expect(isUnderPacsUrl('https://pacs.example:8042/dicom-web', base)).toBe(false);
    expect(isUnderPacsUrl('http://pacs.example:8043/dicom-web', base)).toBe(false);
    expect(isUnderPacsUrl('http://pacs.example:8042/dicom-web?x=1', base)).toBe(false);
    expect(isUnderPacsUrl('http://u:p@pacs.example:8042/dicom-web', base)).toBe(false);
    // A decimal IPv4 literal is the address it encodes: same origin as the dotted form, nothing else.
    expect(isUnderPacsUrl('http://2130706433:8042/dicom-web', 'http://127.0.0.1:8042/dicom-web')).toBe(true);
    expect(isUnderPacsUrl('http://2130706434:8042/dicom-web', 'http://127.0.0.1:8042/dicom-web')).toBe(false);
  });

  it('asks the configured PACS when the request names none, or a URL under it', async () => {
    expect((await post()).json().code).toBe('GCT_PACS_STUDY_NOT_FOUND');
    expect((await post(`${pacs.origin}/dicom-web/`)).json().code).toBe('GCT_PACS_STUDY_NOT_FOUND');
    expect(pacs.requests).toHaveLength(2);
  });

  it('refuses (400) a URL outside the allow-list before any request leaves, and stores nothing', async () => {
    const before = (await app.groundct.storage.meta.listStudyIds()).length;
    const decimal = `http://2130706433:${target.port}/dicom-web`;
    for (const url of [`${target.origin}/dicom-web`, decimal, `${pacs.origin}/dicom-web-evil`, `${pacs.origin}/other`, `${pacs.origin}/dicom-web?next=${target.origin}`]) {
      const res = await post(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().code).toBe('GCT_PACS_URL_NOT_ALLOWED');
      expect(res.body).not.toContain(String(target.port));
    }
    expect(target.requests).toHaveLength(0);
    expect((await app.groundct.storage.meta.listStudyIds()).length).toBe(before);
  });

  it('does not follow a redirect, even from an allowed PACS (502), and sends nothing to its target', async () => {
    const res = await post(`${redirecting.origin}/dicom-web`);
    expect(res.statusCode).toBe(502);
    expect(res.json().code).toBe('GCT_PACS_REQUEST_FAILED');
    expect(res.json().message).toMatch(/302/);
    expect(redirecting.requests).toHaveLength(1);
    expect(target.requests).toHaveLength(0);
  });

  it("never returns nor logs the remote server's error body", async () => {
    const res = await post(`${failing.origin}/dicom-web`);
    expect(res.statusCode).toBe(502);
    expect(res.json().code).toBe('GCT_PACS_REQUEST_FAILED');
    expect(res.body).not.toContain(SECRET_BODY);
    expect(failing.requests).toHaveLength(1);
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join('\n')).not.toContain(SECRET_BODY);
    expect(logLines.join('\n')).not.toContain('pacs-password');
  });
});
