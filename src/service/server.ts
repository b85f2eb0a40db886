import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import { buildApp, type AppDeps } from './app.ts';
import { metricsOnlyRoutes } from './routes/health.ts';

export interface StartedServer {
  readonly app: FastifyInstance;
  /** e.g. http://127.0.0.1:8080 */
  readonly url: string;
  readonly port: number;
  /** The separate metrics listener's URL when service.metrics.port is set. */
  readonly metricsUrl?: string;
}

function urlOf(server: FastifyInstance, host: string, fallbackPort: number): { url: string; port: number } {
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : fallbackPort;
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, port };
}

/**
 * Builds the app and listens on config.service.host:port (127.0.0.1 unless configured; port 0 = ephemeral),
 * plus GET /metrics on service.metrics.port when set (closed with the app).
 */
export async function startServer(config: Config, deps: AppDeps = {}): Promise<StartedServer> {
  const app = await buildApp(config, deps);
  let metricsUrl: string | undefined;
  try {
    const metricsPort = config.service.metrics.port;
    if (metricsPort !== undefined) {
      const side = Fastify({ logger: false });
      await side.register(metricsOnlyRoutes(app.groundct.metrics));
      await side.listen({ host: config.service.host, port: metricsPort });
      app.addHook('onClose', async () => side.close());
      metricsUrl = urlOf(side, config.service.host, metricsPort).url;
    }
    await app.listen({ host: config.service.host, port: config.service.port });
  } catch (e) {
    await app.close();
    throw e;
  }
  return { app, ...urlOf(app, config.service.host, config.service.port), ...(metricsUrl ? { metricsUrl } : {}) };
}
