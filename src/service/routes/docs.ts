import type { FastifyPluginAsync } from 'fastify';

/** GET /docs/json: the OpenAPI 3 document; GET /docs: a plain page listing the routes (no CDN, no auth). */
export const docsRoutes: FastifyPluginAsync = async (app) => {
  app.get('/docs/json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/docs', { schema: { hide: true } }, async (_req, reply) => reply.type('text/html; charset=utf-8').send(DOCS_PAGE));
};

const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>groundct API</title>
<style>body{font:14px/1.5 system-ui,sans-serif;margin:2rem;max-width:60rem}code{background:#f3f3f3;padding:0 .25rem}
.op{border-top:1px solid #ddd;padding:.5rem 0}.m{display:inline-block;width:4.5rem;font-weight:600}</style></head>
<body><h1>groundct API</h1>
<p>Every <code>/v1</code> route needs <code>Authorization: Bearer &lt;token&gt;</code> (<code>groundct token create</code>).
Machine-readable OpenAPI 3 document: <a href="/docs/json">/docs/json</a>. Error codes: docs/errors.md.</p>
<div id="ops">loading...</div>
<script>
fetch('/docs/json').then(r => r.json()).then(doc => {
  const ops = document.getElementById('ops'); ops.textContent = '';
  for (const [path, item] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(item)) {
    const div = document.createElement('div'); div.className = 'op';
    const m = document.createElement('span'); m.className = 'm'; m.textContent = method.toUpperCase();
    const p = document.createElement('code'); p.textContent = path;
    const s = document.createElement('div'); s.textContent = (op.summary || '') + (op.description ? ' — ' + op.description : '');
    div.append(m, p, s); ops.append(div);
  }
});
</script></body></html>
`;
