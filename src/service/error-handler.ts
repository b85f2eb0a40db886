/**
 * One error shape for every failure: `{ code, message, hint, details }` with the catalogue's status
 * (STYLE.md section 4). A GroundctError keeps its code; fastify's own client errors are mapped onto service
 * codes; anything else is GCT_INTERNAL (500), logged with its stack but never with request data.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { GroundctError, gctError, isGroundctError, type ErrorCode } from '../errors.ts';

function send(reply: FastifyReply, e: GroundctError): FastifyReply {
  if (e.code === 'GCT_SERVICE_UNAUTHORIZED') reply.header('www-authenticate', 'Bearer');
  return reply.status(e.statusCode).type('application/json; charset=utf-8').send(JSON.stringify(e.toJSON()));
}

/** fastify error codes raised before a handler runs, and the service code each becomes. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'GCT_SERVICE_UPLOAD_TOO_LARGE',
  FST_REQ_FILE_TOO_LARGE: 'GCT_SERVICE_UPLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'GCT_SERVICE_REQUEST_INVALID',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'GCT_SERVICE_REQUEST_INVALID',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'GCT_SERVICE_REQUEST_INVALID',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'GCT_SERVICE_UPLOAD_INVALID',
};

export function toGroundctError(err: unknown): GroundctError | undefined {
  if (isGroundctError(err)) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const fields = err.validation.map((v) => ({ field: `${err.validationContext ?? 'request'}${v.instancePath.replace(/\//g, '.')}`, problem: v.message ?? 'invalid' }));
    return gctError('GCT_SERVICE_REQUEST_INVALID', `Invalid request: ${fields.map((f) => `${f.field}: ${f.problem}`).join('; ')}`, { fields });
  }
  const fe = err as FastifyError;
  const mapped = fe?.code ? FASTIFY_CODES[fe.code] : undefined;
  if (mapped) return gctError(mapped, fe.message, { reason: fe.code });
  if (fe?.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (err instanceof SyntaxError && (fe as { statusCode?: number }).statusCode === 400))
    return gctError('GCT_SERVICE_REQUEST_INVALID', `The JSON body does not parse: ${fe.message}`, { reason: 'json' });
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500)
    return gctError('GCT_SERVICE_REQUEST_INVALID', fe.message, { reason: fe.code ?? 'client-error' });
  return undefined;
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    const known = toGroundctError(err);
    if (known) {
      if (known.statusCode >= 500) req.log.error({ code: known.code, stack: known.stack }, 'request failed');
      return send(reply, known);
    }
    req.log.error({ code: 'GCT_INTERNAL', name: (err as Error)?.name, stack: (err as Error)?.stack }, 'unexpected error');
    return send(reply, new GroundctError('GCT_INTERNAL', 'Unexpected server error; the server log has the details.', { details: {} }));
  });
  app.setNotFoundHandler((req, reply) =>
    send(reply, gctError('GCT_SERVICE_ROUTE_NOT_FOUND', `No route ${req.method} ${req.url.split('?')[0].slice(0, 200)}.`, { method: req.method })),
  );
}

