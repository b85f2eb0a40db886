/**
 * The study viewer: GET /studies/:id/view serves one static page (no patient data in it; the page fetches
 * everything from /v1 with the user's token). Its script and NiiVue's own browser bundle are served from this
 * server (no CDN): /viewer/assets/* from src/service/viewer/, /viewer/niivue/niivue.umd.js from the installed
 * @niivue/niivue package.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { gctError } from '../../errors.ts';

const VIEWER_DIR = fileURLToPath(new URL('../viewer/', import.meta.url));
const NIIVUE_BUNDLE = 'niivue.umd.js';

/** The folder of NiiVue's built browser bundle, found by walking up to node_modules. */
export function niivueDistDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'node_modules', '@niivue', 'niivue', 'dist');
    if (existsSync(join(candidate, NIIVUE_BUNDLE))) return candidate;
    const up = dirname(dir);
    if (up === dir) throw gctError('GCT_INTERNAL', `@niivue/niivue's ${NIIVUE_BUNDLE} was not found under any node_modules above ${VIEWER_DIR}; run npm ci.`);
    dir = up;
  }
}

export const viewerRoutes: FastifyPluginAsync = async (app) => {
  await app.register(fastifyStatic, { root: VIEWER_DIR, prefix: '/viewer/assets/', index: false, serve: true });
  await app.register(fastifyStatic, {
    root: niivueDistDir(),
    prefix: '/viewer/niivue/',
    decorateReply: false,
    index: false,
    allowedPath: (path) => path === `/${NIIVUE_BUNDLE}`,
  });
  app.get('/studies/:id/view', { schema: { hide: true } }, async (_req, reply) => {
    reply.header('cache-control', 'no-store');
    return reply.type('text/html; charset=utf-8').sendFile('viewer.html', VIEWER_DIR);
  });
};
