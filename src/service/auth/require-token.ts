import type { FastifyInstance, FastifyRequest } from 'fastify';
import { gctError } from '../../errors.ts';
import { ADMIN_PRINCIPAL, type Principal } from '../storage/types.ts';
import { bearerToken, hashToken } from './tokens.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the request acts for; set by requireToken on every /v1 route. */
    principal: Principal | null;
  }
}

/**
 * onRequest hook for the /v1 scope: a request passes with an active database token (acting for its principal,
 * an admin when made with --admin) or one of the configured token digests (service.tokenSha256, admin);
 * otherwise 401 before any body is read.
 */
export function requireToken(app: FastifyInstance): void {
  app.addHook('onRequest', async (req) => {
    req.principal = await authenticate(app, req);
  });
}

export async function authenticate(app: FastifyInstance, req: FastifyRequest): Promise<Principal> {
  const token = bearerToken(req.headers.authorization);
  if (!token) throw gctError('GCT_SERVICE_UNAUTHORIZED', "Missing 'Authorization: Bearer <token>' header.", { reason: 'missing' });
  const digest = hashToken(token);
  if (app.groundct.config.service.tokenSha256.includes(digest)) return { name: ADMIN_PRINCIPAL, admin: true };
  const record = await app.groundct.storage.meta.findActiveToken(digest);
  if (!record) throw gctError('GCT_SERVICE_UNAUTHORIZED', 'The bearer token is unknown or revoked.', { reason: 'invalid' });
  return { name: record.name, admin: record.admin };
}

/** The principal requireToken set (routes under /v1 only). */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw gctError('GCT_SERVICE_UNAUTHORIZED', 'The request carries no authenticated principal.', { reason: 'missing' });
  return req.principal;
}

/** Whether `principal` may see a study owned by `owner`. */
export function mayAccess(principal: Principal, owner: string): boolean {
  return principal.admin || principal.name === owner;
}
