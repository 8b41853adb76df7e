import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  type Cache,
  clientErrorHandler,
  forwardedClient,
  frameworkErrorHandler,
  type Logger,
  logCompletedRequest,
  Problem,
  problems,
  registerProblemHandlers,
  sendProblem,
  toProblem,
  trustedProxyMatcher,
} from '@diaspora/service-kit';
import replyFrom from '@fastify/reply-from';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, LogController } from 'fastify';
import { registerDevOutbox } from './dev-outbox.js';
import { registerDocs } from './docs.js';
import { loadKongConfig } from './kong-config.js';
import { lazyChildLogger } from './lazy-logger.js';
import { OpenApiAggregator } from './openapi.js';
import { type AccessContext, allowedBytes, createPluginRunner } from './plugins/index.js';
import { type MatchedRoute, Router, upstreamPath } from './router.js';
import { registerSecurityHeaders } from './security-headers.js';
import { safeToResend, UpstreamTargets } from './upstream-targets.js';
import { refuseUpgrade, tunnelUpgrade } from './websocket.js';

export interface GatewayOptions {
  kongConfigPath: string;
  /** Fills `${NAME}` placeholders of kong.yml. */
  env: Record<string, string | undefined>;
  /**
   * Kong service name → base URL, overriding the service's `url` (all-in-one binds services on loopback); several
   * URLs are the targets of a round-robin upstream (distributed mode runs two instances of some services).
   */
  upstreams?: Record<string, string | string[]>;
  /**
   * Only the services in `upstreams` exist (all-in-one hosts some of kong.yml's services): routes of the others
   * answer 503 at once and stay out of the API docs, instead of resolving hostnames that exist only in a cluster.
   */
  onlyListedUpstreams?: boolean;
  cache: Cache;
  logger: Logger;
  /**
   * Serve `GET /dev/outbox` (messages captured by local provider adapters) to loopback clients of a loopback
   * listener. Development hosts only.
   */
  devOutbox?: boolean;
  /**
   * Proxies in front of the gateway (TRUSTED_PROXIES vocabulary). Their X-Forwarded-For hops are kept; from anyone
   * else the header is replaced by the address the gateway saw, so clients cannot choose their own address.
   */
  trustedProxies?: string[];
  /** Strict-Transport-Security max-age on every answer, where TLS is terminated in front of the gateway (0: off). */
  hstsMaxAgeSeconds?: number;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * A URL whose percent-encoding does not decode (`?x=%FF`, a lone `%`) is refused here, before routing and proxying
 * (which decode it and would otherwise fail with a 500). The URL is not echoed back.
 */
function refuseMalformedUrl(url: string): void {
  try {
    decodeURIComponent(url);
  } catch {
    throw problems.badRequest('The URL is not validly percent-encoded.', 'malformed-url');
  }
}
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
]);

function requestIdOf(request: IncomingMessage): string {
  const incoming = request.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/**
 * The dev gateway: Kong's routing and plugins, read from kong/kong.yml, in front of the services; plus the
 * aggregated OpenAPI document at /openapi.json and Swagger UI at /docs.
 */
export async function createGateway(options: GatewayOptions): Promise<FastifyInstance> {
  const config = loadKongConfig(options.kongConfigPath, options.env);
  const router = new Router(config);
  const runAccessPhase = createPluginRunner({ config, cache: options.cache });
  const upstreams = Object.fromEntries(
    Object.entries(options.upstreams ?? {}).map(([name, urls]) => [name, new UpstreamTargets([urls].flat())]),
  );
  const baseOf = (match: MatchedRoute, exclude?: ReadonlySet<string>) => {
    const base = upstreams[match.service.name]?.pick(exclude);
    if (base) return base;
    if (options.onlyListedUpstreams) {
      throw problems.unavailable(`The ${match.service.name} is not running in this deployment.`, 30);
    }
    return new URL(match.service.url).origin;
  };
  const retarget = (match: MatchedRoute, failed: string, tried: ReadonlySet<string>) => {
    const targets = upstreams[match.service.name];
    targets?.markDown(failed);
    return targets?.pick(tried);
  };
  const sizeLimits = [
    ...config.plugins,
    ...config.services.flatMap((s) => [...(s.plugins ?? []), ...s.routes.flatMap((r) => r.plugins ?? [])]),
  ]
    .filter((plugin) => plugin.name === 'request-size-limiting')
    .map((plugin) => allowedBytes(plugin.config));

  // Nobody trusted (the default): no address lookup per request.
  const trusted = options.trustedProxies?.length ? trustedProxyMatcher(options.trustedProxies) : () => false;
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    // Fastify refuses bodies above the largest configured limit early; per-route limits are the plugin's job.
    bodyLimit: Math.max(1024, ...sizeLimits, sizeLimits.length ? 0 : 128 * 1024 * 1024),
    requestIdHeader: false,
    genReqId: requestIdOf,
    childLoggerFactory: (logger, bindings, childOptions) =>
      lazyChildLogger(logger, bindings, childOptions as Record<string, unknown>),
    clientErrorHandler,
    frameworkErrors: frameworkErrorHandler,
  });
  registerProblemHandlers(app);
  registerSecurityHeaders(app, { hstsMaxAgeSeconds: options.hstsMaxAgeSeconds ?? 0 });
  await app.register(replyFrom, {
    disableRequestLogging: true, // our own one line per request is enough
    undici: { connections: 256, pipelining: 1, headersTimeout: 30_000, bodyTimeout: 30_000 },
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  const aggregator = new OpenApiAggregator(
    () =>
      Object.fromEntries(
        router
          .services()
          .filter((service) => !options.onlyListedUpstreams || upstreams[service.name])
          .map((service) => [service.name, upstreams[service.name]?.targets[0] ?? new URL(service.url).origin]),
      ),
    options.logger,
  );
  registerDocs(app, () => aggregator.document());
  if (options.devOutbox) registerDevOutbox(app);

  const accessContext = (request: IncomingMessage, requestId: string, bodyLength: number) => {
    refuseMalformedUrl(request.url ?? '/');
    const { client: ip, chain } = forwardedClient(
      request.socket.remoteAddress ?? '',
      request.headers['x-forwarded-for'],
      trusted,
    );
    const url = new URL(request.url ?? '/', 'http://gateway');
    const match = router.match(request.method ?? 'GET', url.pathname);
    if (!match) throw new Problem(404, { detail: `No route matches ${request.method} ${url.pathname}.` });
    const context: AccessContext = {
      method: request.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: request.headers,
      ip,
      bodyLength,
      match,
      requestId,
      upstreamHeaders: {
        'x-forwarded-for': chain.join(', '),
        'x-forwarded-proto': 'http',
        'x-forwarded-host': request.headers.host ?? '',
        'x-real-ip': ip,
      },
      responseHeaders: {},
    };
    return { context, target: `${upstreamPath(match, url.pathname, match.service.url)}${url.search}` };
  };

  app.route({
    method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    url: '/*',
    handler: async (request, reply) => {
      const started = performance.now();
      const body = request.body as Buffer | undefined;
      const { context, target } = accessContext(request.raw, request.id, body?.length ?? 0);
      try {
        await runAccessPhase(context);
      } catch (error) {
        reply.headers(context.responseHeaders);
        throw error;
      }
      if (context.shortCircuit)
        return reply.code(context.shortCircuit.status).headers(context.shortCircuit.headers).send();
      const { match } = context;
      const proxyStarted = performance.now();
      const tried = new Set<string>();
      const forward = (base: string): FastifyReply => {
        tried.add(base);
        return reply.from(`${base}${target}`, {
          // The client's bytes as they came, empty ones too: left to itself, reply-from re-encodes a JSON body,
          // and an empty one reached the service as `{"type":"Buffer","data":[]}`.
          ...(body ? { body, contentType: String(request.headers['content-type'] ?? 'application/octet-stream') } : {}),
          timeout: match.service.read_timeout ?? 60_000,
          // reply-from hands over its own copy of the client's headers: it is completed in place.
          rewriteRequestHeaders: (_request, headers) => Object.assign(headers, context.upstreamHeaders),
          rewriteHeaders: (headers) => {
            const kept: typeof headers = {};
            for (const name in headers) if (!HOP_BY_HOP.has(name)) kept[name] = headers[name];
            Object.assign(kept, context.responseHeaders);
            kept['x-kong-upstream-latency'] = String(Math.round(performance.now() - proxyStarted));
            kept['x-kong-proxy-latency'] = String(Math.round(proxyStarted - started));
            return kept;
          },
          onError: (errorReply, { error }) => {
            // Another target of the upstream takes a request the failed one never saw, or one safe to repeat.
            const other = safeToResend(error, request) ? retarget(match, base, tried) : undefined;
            if (other) return void forward(other);
            const timedOut =
              /timeout/i.test(error.message) || (error as { code?: string }).code === 'UND_ERR_HEADERS_TIMEOUT';
            request.log.warn({ err: error, upstream: match.service.name }, 'upstream request failed');
            errorReply.headers(context.responseHeaders);
            return sendProblem(
              request,
              errorReply as unknown as FastifyReply,
              new Problem(timedOut ? 504 : 502, {
                detail: timedOut
                  ? 'The upstream service did not answer in time.'
                  : 'The upstream service is unavailable.',
              }),
            );
          },
        });
      };
      return forward(baseOf(match));
    },
  });

  // The line is info level: nothing is built for it when the gateway logs less (LOG_LEVEL=warn under load).
  if (options.logger.isLevelEnabled('info'))
    app.addHook('onResponse', async (request, reply) => logCompletedRequest(request, reply));

  app.server.on('upgrade', (request: IncomingMessage, socket, head: Buffer) => {
    const requestId = requestIdOf(request);
    void (async () => {
      const { context, target } = accessContext(request, requestId, 0);
      await runAccessPhase(context);
      tunnelUpgrade(
        request,
        socket,
        head,
        { url: baseOf(context.match), path: target, headers: context.upstreamHeaders },
        (error) => {
          options.logger.warn({ err: error, requestId }, 'websocket upstream failed');
          refuseUpgrade(socket, new Problem(502, { detail: 'The upstream service is unavailable.' }), requestId);
        },
      );
    })().catch((error: unknown) => refuseUpgrade(socket, toProblem(error), requestId));
  });

  return app;
}
