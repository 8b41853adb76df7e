import type { FastifyInstance } from 'fastify';

/** Swagger UI loads its own scripts, styles and the document from this origin; nothing may frame it. */
export const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/** Answers the gateway makes itself (problems, JSON): no content to run, nobody may frame them. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/**
 * Defensive headers on every answer, including those the gateway makes itself (401/404/413/429/502, /docs,
 * /openapi.json, /dev/outbox): no MIME sniffing, no framing, not cached unless the route said otherwise, and HSTS
 * where TLS is terminated in front. Upstream answers keep the values their service chose.
 */
export function registerSecurityHeaders(app: FastifyInstance, options: { hstsMaxAgeSeconds: number }): void {
  // The same set on every answer: built once.
  const defaults: [string, string][] = [
    ['x-content-type-options', 'nosniff'],
    ['x-frame-options', 'DENY'],
    ['content-security-policy', API_CSP],
    ['cache-control', 'no-store'],
    ['referrer-policy', 'no-referrer'],
  ];
  if (options.hstsMaxAgeSeconds > 0)
    defaults.push(['strict-transport-security', `max-age=${options.hstsMaxAgeSeconds}; includeSubDomains`]);
  app.addHook('onSend', async (_request, reply) => {
    for (const [name, value] of defaults) if (!reply.hasHeader(name)) reply.header(name, value);
  });
}
