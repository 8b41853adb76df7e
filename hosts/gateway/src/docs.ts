import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { DOCS_CSP } from './security-headers.js';

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Diaspora Community Platform API</title>
<link rel="icon" href="/docs/favicon-32x32.png"><link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script><script src="/docs/swagger-ui-standalone-preset.js"></script>
<script src="/docs/init.js"></script></body>
</html>`;

const INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout',
  persistAuthorization: true });`;

/** Swagger UI at /docs over the aggregated /openapi.json, served from the swagger-ui-dist package. */
export function registerDocs(app: FastifyInstance, document: () => Promise<unknown>): void {
  const dist = (
    createRequire(import.meta.url)('swagger-ui-dist') as { getAbsoluteFSPath(): string }
  ).getAbsoluteFSPath();
  const files = new Map(Object.keys(ASSETS).map((name) => [name, readFileSync(join(dist, name))]));
  app.get('/openapi.json', async () => document());
  app.get('/docs', async (_request, reply) =>
    reply.type('text/html; charset=utf-8').header('content-security-policy', DOCS_CSP).send(PAGE),
  );
  app.get('/docs/init.js', async (_request, reply) => reply.type(ASSETS['swagger-ui-bundle.js']!).send(INIT));
  app.get<{ Params: { asset: string } }>('/docs/:asset', async (request, reply) => {
    const file = files.get(request.params.asset);
    if (!file) return reply.callNotFound();
    return reply.type(ASSETS[request.params.asset]!).header('cache-control', 'public, max-age=86400').send(file);
  });
}
