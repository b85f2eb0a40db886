import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import { buildApp, type AppDeps } from './app.ts';

export interface StartedServer {
  readonly app: FastifyInstance;
  /** e.g. http://127.0.0.1:8080 */
  readonly url: string;
  readonly port: number;
}

/** Builds the app and listens on config.service.host:port (127.0.0.1 unless configured; port 0 = ephemeral). */
export async function startServer(config: Config, deps: AppDeps = {}): Promise<StartedServer> {
  const app = await buildApp(config, deps);
  try {
    await app.listen({ host: config.service.host, port: config.service.port });
  } catch (e) {
    await app.close();
    throw e;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.service.port;
  const host = config.service.host.includes(':') ? `[${config.service.host}]` : config.service.host;
  return { app, url: `http://${host}:${port}`, port };
}
