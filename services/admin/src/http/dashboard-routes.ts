import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type HttpApp, problems } from '@diaspora/service-kit';
import { Type } from 'typebox';

/** Nothing inline, nothing from elsewhere: the page, its script and chart.js all come from this service. */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const ASSETS: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'api.js': 'text/javascript; charset=utf-8',
  'views.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

/**
 * The dashboard at /admin: a plain HTML page and small ES modules (no build step), chart.js from node_modules.
 * It signs in with the platform's own login and calls /api/v1/admin with the admin's token; the page itself is
 * public (the gateway route has no JWT) and holds no data.
 */
export async function dashboardRoutes(app: HttpApp, options: { publicDir: string; chartJs: string }) {
  const cache = new Map<string, Buffer>();
  const load = async (path: string) => {
    let body = cache.get(path);
    if (!body) {
      body = await readFile(path);
      cache.set(path, body);
    }
    return body;
  };
  const headers = {
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
  };

  // hidden from the OpenAPI document: pages and files, not API
  const page = { schema: { hide: true, response: {} } };
  for (const path of ['/admin', '/admin/'])
    app.get(path, page, async (_request, reply) =>
      reply
        .headers({ ...headers, 'cache-control': 'no-cache' })
        .type('text/html; charset=utf-8')
        .send(await load(join(options.publicDir, 'index.html'))),
    );

  app.get(
    '/admin/assets/:file',
    { schema: { hide: true, params: Type.Object({ file: Type.String({ maxLength: 40 }) }) } },
    async (request, reply) => {
      const type = ASSETS[request.params.file];
      if (!type) throw problems.notFound('file');
      return reply
        .headers({ ...headers, 'cache-control': 'no-cache' })
        .type(type)
        .send(await load(join(options.publicDir, request.params.file)));
    },
  );

  app.get('/admin/vendor/chart.umd.min.js', page, async (_request, reply) =>
    reply
      .headers({ ...headers, 'cache-control': 'public, max-age=86400' })
      .type('text/javascript; charset=utf-8')
      .send(await load(options.chartJs)),
  );
}
