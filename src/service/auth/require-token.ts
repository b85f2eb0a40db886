import type { FastifyInstance } from 'fastify';
import { gctError } from '../../errors.ts';
import { bearerToken, hashToken } from './tokens.ts';

/**
 * onRequest hook for the /v1 scope: a request passes with an active database token or one of the configured
 * token digests (service.tokenSha256); otherwise 401 before any body is read.
 */
export function requireToken(app: FastifyInstance): void {
  const configured = new Set(app.groundct.config.service.tokenSha256);
  app.addHook('onRequest', async (req) => {
    const token = bearerToken(req.headers.authorization);
    if (!token) throw gctError('GCT_SERVICE_UNAUTHORIZED', "Missing 'Authorization: Bearer <token>' header.", { reason: 'missing' });
    const digest = hashToken(token);
    if (configured.has(digest)) return;
    const record = await app.groundct.storage.meta.findActiveToken(digest);
    if (!record) throw gctError('GCT_SERVICE_UNAUTHORIZED', 'The bearer token is unknown or revoked.', { reason: 'invalid' });
  });
}
