import type { Config } from '../config.ts';
import { loadConfig } from '../config.ts';
import { gctError } from '../errors.ts';
import { ADMIN_PRINCIPAL, createApiToken, preloadDemoStudy, redactUrl, startServer } from '../service/index.ts';
import { parseCommandArgs } from './args.ts';

export const SERVE_USAGE = `groundct serve [--role all|api|worker] [--port N] [--host H] [--data <dir>] [--preload-demo] [--no-token]
  Starts the HTTP service (REST API under /v1, OpenAPI at /docs/json, study viewer at /studies/<id>/view)
  on 127.0.0.1:8080 unless configured, with its database and files in --data (default .groundct-data), or on
  PostgreSQL when GROUNDCT_STORAGE__URL is set (files in storage.blobsDir). --role api serves the API only,
  --role worker runs jobs only (answering /healthz, /readyz, /metrics); both need PostgreSQL. Prints a new
  admin API token (shown once; --no-token skips it). --preload-demo uploads a synthetic abdominal study and
  prints its viewer URL, ready to click through. Stops on Ctrl-C or SIGTERM: running jobs get
  service.jobs.shutdownGraceMs to finish, then go back to the queue.`;

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw gctError('GCT_CLI_USAGE', `--port takes an integer 0-65535; got '${text}'.\n${SERVE_USAGE}`);
  return port;
}

/** Runs until SIGINT/SIGTERM (or until `options.stop` resolves, for tests); returns the exit code. */
export async function runServe(argv: string[], config: Config, out: (s: string) => void, options: { stop?: Promise<void> } = {}): Promise<number> {
  const { values, positionals } = parseCommandArgs('serve', argv, {
    port: { type: 'string' },
    role: { type: 'string' },
    host: { type: 'string' },
    data: { type: 'string' },
    'preload-demo': { type: 'boolean', default: false },
    'no-token': { type: 'boolean', default: false },
  });
  if (positionals.length > 0) throw gctError('GCT_CLI_USAGE', `groundct serve takes no positional arguments; got '${positionals[0]}'.\n${SERVE_USAGE}`);
  const overrides: Record<string, unknown> = {};
  if (values.data) overrides.dataDir = values.data;
  const service: Record<string, unknown> = {};
  if (values.port !== undefined) service.port = parsePort(values.port);
  if (values.host !== undefined) service.host = values.host;
  if (values.role !== undefined) {
    if (values.role !== 'all' && values.role !== 'api' && values.role !== 'worker') throw gctError('GCT_CLI_USAGE', `--role takes all, api or worker; got '${values.role}'.\n${SERVE_USAGE}`);
    service.role = values.role;
  }
  if (Object.keys(service).length > 0) overrides.service = service;
  const effective = Object.keys(overrides).length > 0 ? loadConfig({ overrides: { ...structuredClone(config), ...overrides, service: { ...config.service, ...service } } }) : config;

  const { app, url, metricsUrl } = await startServer(effective);
  const role = effective.service.role;
  const where = effective.storage.kind === 'postgres' ? `PostgreSQL ${redactUrl(effective.storage.url!)}, blobs: ${app.groundct.storage.blobs.root}` : `data: ${effective.dataDir}`;
  out(`groundct service (role ${role}) listening on ${url} (${where})\n`);
  if (role !== 'worker') out(`API docs: ${url}/docs  OpenAPI: ${url}/docs/json\n`);
  if (metricsUrl) out(`metrics: ${metricsUrl}/metrics\n`);
  let token: string | undefined;
  if (!values['no-token'] && role !== 'worker') {
    token = (await createApiToken(app.groundct.storage.meta, ADMIN_PRINCIPAL, { admin: true })).token;
    out(`API token (shown once; revoke with 'groundct token revoke'): ${token}\n`);
  }
  if (values['preload-demo']) {
    if (!token) throw gctError('GCT_CLI_USAGE', '--preload-demo needs a token; drop --no-token.');
    const { studyId, jobId } = await preloadDemoStudy(app, token);
    out(`demo study ${studyId} queued (job ${jobId})\n`);
    // The token travels in the URL fragment, which the browser never sends to a server or writes to its logs.
    out(`open: ${url}/studies/${studyId}/view#token=${token}\n`);
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    void options.stop?.then(stop);
  });
  out(role === 'api' ? 'stopping: finishing open requests\n' : 'stopping: running jobs finish within service.jobs.shutdownGraceMs or go back to the queue\n');
  await app.close();
  return 0;
}
