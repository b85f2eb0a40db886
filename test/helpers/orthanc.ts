/**
 * A real Orthanc (Debian `orthanc` + `orthanc-dicomweb`) for the PACS tests: started on a free loopback port
 * with its own storage in a temporary folder, the DICOM port off, remote access off and HTTP Basic
 * authentication on (a test user with a random password, so the credential path is exercised).
 *
 *   describe.skipIf(ORTHANC_SKIP_REASON !== null)('...', () => { const pacs = await startOrthanc(); ... await pacs.stop(); })
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ORTHANC = '/usr/sbin/Orthanc';
const PLUGIN_DIRS = ['/usr/share/orthanc/plugins', '/usr/lib/orthanc/plugins', '/usr/lib/x86_64-linux-gnu/orthanc/plugins'];
export const DICOMWEB_PLUGIN = PLUGIN_DIRS.map((d) => join(d, 'libOrthancDicomWeb.so')).find((p) => existsSync(p));

/** Why the PACS tests cannot run here, or null when Orthanc and its DICOMweb plugin are installed. */
export const ORTHANC_SKIP_REASON: string | null = !existsSync(ORTHANC)
  ? `Orthanc is not installed (${ORTHANC}); apt-get install orthanc orthanc-dicomweb`
  : !DICOMWEB_PLUGIN
    ? `the Orthanc DICOMweb plugin is not installed (looked in ${PLUGIN_DIRS.join(', ')}); apt-get install orthanc-dicomweb`
    : null;

/** Orthanc starts in about a second; allow for a busy CI machine. */
export const ORTHANC_START_TIMEOUT_MS = 20_000;
const ORTHANC_STOP_TIMEOUT_MS = 5_000;

export interface RunningOrthanc {
  /** http://127.0.0.1:<port> (Orthanc's REST API). */
  readonly base: string;
  /** The DICOMweb root, `${base}/dicom-web`. */
  readonly dicomwebUrl: string;
  readonly user: string;
  readonly password: string;
  /** The Authorization header value for the test user. */
  readonly auth: string;
  /** Temporary folder holding Orthanc's storage (removed by stop), free for the test's own files. */
  readonly dir: string;
  /** What Orthanc printed (for failure messages). */
  log(): string;
  /** Stores DICOM Part 10 files through the REST API (POST /instances). */
  upload(files: readonly Uint8Array[]): Promise<void>;
  stop(): Promise<void>;
}

/** A TCP port nothing listens on right now (the OS picks it), on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startOrthanc(options: { readonly user?: string } = {}): Promise<RunningOrthanc> {
  if (ORTHANC_SKIP_REASON) throw new Error(ORTHANC_SKIP_REASON);
  const user = options.user ?? 'groundct-test';
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const auth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const dir = await mkdtemp(join(tmpdir(), 'groundct-orthanc-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const config = {
    Name: 'groundct-test',
    StorageDirectory: join(dir, 'db'),
    IndexDirectory: join(dir, 'db'),
    HttpPort: port,
    DicomServerEnabled: false,
    RemoteAccessAllowed: false,
    AuthenticationEnabled: true,
    RegisteredUsers: { [user]: password },
    Plugins: [DICOMWEB_PLUGIN],
    DicomWeb: { Enable: true, Root: '/dicom-web/', EnableWado: false },
    HttpThreadsCount: 4,
    ConcurrentJobs: 1,
    SaveJobs: false,
  };
  await writeFile(join(dir, 'orthanc.json'), JSON.stringify(config));
  let log = '';
  const orthanc: ChildProcess = spawn(ORTHANC, [join(dir, 'orthanc.json')], { stdio: ['ignore', 'pipe', 'pipe'] });
  orthanc.stdout!.on('data', (b) => (log += b));
  orthanc.stderr!.on('data', (b) => (log += b));

  const stop = async () => {
    if (orthanc.exitCode === null && orthanc.signalCode === null) {
      const exited = new Promise((r) => orthanc.once('exit', r));
      orthanc.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, ORTHANC_STOP_TIMEOUT_MS))]);
      if (orthanc.exitCode === null && orthanc.signalCode === null) orthanc.kill('SIGKILL');
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    const started = Date.now();
    for (;;) {
      if (orthanc.exitCode !== null) throw new Error(`Orthanc exited (${orthanc.exitCode}): ${log.slice(-2000)}`);
      const ok = await fetch(`${base}/system`, { headers: { Authorization: auth } }).then((r) => r.ok).catch(() => false);
      if (ok) break;
      if (Date.now() - started > ORTHANC_START_TIMEOUT_MS) throw new Error(`Orthanc did not answer within ${ORTHANC_START_TIMEOUT_MS} ms: ${log.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  } catch (e) {
    await stop();
    throw e;
  }

  return {
    base,
    dicomwebUrl: `${base}/dicom-web`,
    user,
    password,
    auth,
    dir,
    log: () => log,
    async upload(files) {
      for (const body of files) {
        const r = await fetch(`${base}/instances`, { method: 'POST', body, headers: { Authorization: auth, 'Content-Type': 'application/dicom' } });
        if (r.status !== 200) throw new Error(`Orthanc refused an upload (${r.status}): ${await r.text()}`);
      }
    },
    stop,
  };
}
