/**
 * For load balancers and monitoring, without auth and without details: GET /healthz (the process answers),
 * GET /readyz (the database answers and the blobs folder takes a write; 503 otherwise, and while the process
 * shuts down), GET /metrics (Prometheus text) behind an admin token unless service.metrics.port serves it on
 * its own listener.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { gctError } from '../../errors.ts';
import { authenticate } from '../auth/require-token.ts';
import type { ServiceMetrics } from '../metrics.ts';

/** A readiness check that takes longer than this, ms, counts as not ready. */
const READY_TIMEOUT_MS = 2_000;

async function ready(app: FastifyInstance): Promise<boolean> {
  const { storage } = app.groundct;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), READY_TIMEOUT_MS);
  });
  try {
    await Promise.race([Promise.all([storage.meta.ping(), storage.blobs.probeWritable()]), timeout]);
    return true;
  } catch (e) {
    app.log.warn({ code: (e as { code?: string }).code ?? (e as Error).message }, 'not ready');
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(metrics: ServiceMetrics, options: { metricsOnThisPort: boolean }): FastifyPluginAsync {
  return async (app) => {
    app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
    app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => ((await ready(app)) ? { status: 'ready' } : reply.status(503).send({ status: 'unavailable' })));
    if (!options.metricsOnThisPort) return;
    app.get('/metrics', { schema: { hide: true } }, async (req, reply) => {
      const principal = await authenticate(app, req);
      if (!principal.admin) throw gctError('GCT_SERVICE_FORBIDDEN', 'GET /metrics needs an admin token (or service.metrics.port for a separate listener).');
      const { contentType, body } = await metrics.text();
      return reply.type(contentType).send(body);
    });
  };
}

/** The separate metrics listener (service.metrics.port): GET /metrics only, no token. */
export function metricsOnlyRoutes(metrics: ServiceMetrics): FastifyPluginAsync {
  return async (app) => {
    app.get('/metrics', async (_req, reply) => {
      const { contentType, body } = await metrics.text();
      return reply.type(contentType).send(body);
    });
  };
}
