import type { Logger } from '@diaspora/service-kit';

type Document = {
  paths?: Record<string, unknown>;
  components?: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
  tags?: { name: string }[];
  info?: { title?: string };
};

/**
 * Merges the OpenAPI documents of every upstream service into the public API document, refreshed at most
 * every `ttlMs`. A service that does not answer is listed under `x-unavailable-services` instead of failing docs.
 */
export class OpenApiAggregator {
  private cached: { at: number; document: unknown } | undefined;

  constructor(
    private readonly upstreams: () => Record<string, string>,
    private readonly logger: Logger,
    private readonly ttlMs = 10_000,
  ) {}

  async document(): Promise<unknown> {
    if (this.cached && Date.now() - this.cached.at < this.ttlMs) return this.cached.document;
    const entries = Object.entries(this.upstreams());
    const results = await Promise.all(
      entries.map(async ([service, url]) => {
        try {
          const response = await fetch(`${url}/openapi.json`, { signal: AbortSignal.timeout(2000) });
          if (!response.ok) throw new Error(`status ${response.status}`);
          return { service, document: (await response.json()) as Document };
        } catch (error) {
          this.logger.warn({ service, err: error }, 'OpenAPI document unavailable');
          return { service, document: undefined };
        }
      }),
    );
    const merged = {
      openapi: '3.1.0',
      info: {
        title: 'Diaspora Community Platform API',
        version: '1.0.0',
        description: 'Public REST API, served through the gateway. Errors are application/problem+json (RFC 9457).',
      },
      servers: [{ url: '/' }],
      tags: [] as { name: string }[],
      paths: {} as Record<string, unknown>,
      components: {
        schemas: {} as Record<string, unknown>,
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } as Record<string, unknown>,
      },
      'x-unavailable-services': [] as string[],
    };
    for (const { service, document } of results) {
      if (!document) {
        merged['x-unavailable-services'].push(service);
        continue;
      }
      Object.assign(merged.paths, document.paths);
      Object.assign(merged.components.schemas, document.components?.schemas);
      Object.assign(merged.components.securitySchemes, document.components?.securitySchemes);
      for (const tag of document.tags ?? []) if (!merged.tags.some((t) => t.name === tag.name)) merged.tags.push(tag);
    }
    this.cached = { at: Date.now(), document: merged };
    return merged;
  }
}
