import { randomUUID } from 'node:crypto';
import { AjvCompiler } from '@fastify/ajv-compiler';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import type { TokenVerifier } from '../auth/verifier.js';
import type { Readiness } from '../health.js';
import { type Logger, redactUrl } from '../logger.js';
import type { ServiceMetrics } from '../metrics.js';
import { authPlugin } from './auth-plugin.js';
import { guardRequestInput } from './input-guard.js';
import { clientErrorHandler, frameworkErrorHandler, registerProblemHandlers } from './problem-handler.js';

export type HttpApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface HttpAppOptions {
  logger: Logger;
  bodyLimit: number;
  metrics: ServiceMetrics;
  readiness: Readiness;
  verifier: TokenVerifier;
  openapi: { title: string; description: string; version: string };
  /**
   * Addresses or CIDRs of the proxies in front (TRUSTED_PROXIES): only their X-Forwarded-For hops are believed, so
   * `request.ip` is the address the nearest trusted proxy saw. None: the socket's peer is the client.
   */
  trustedProxies?: string[];
}

/** The one log line per request, shared by services and the gateway; credentials in URLs are masked. */
export function logCompletedRequest(request: FastifyRequest, reply: FastifyReply): void {
  request.log.info(
    {
      method: request.method,
      url: redactUrl(request.url),
      statusCode: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    },
    'request completed',
  );
}

const ajvCompilers = AjvCompiler();
/**
 * Params, query strings and headers arrive as text and are coerced to their declared types; JSON bodies are taken
 * as sent, so a `null` latitude or a `"5"` rating is refused instead of quietly becoming 0 or 5.
 */
const exactBodies: typeof ajvCompilers = (externalSchemas, options = {}) => {
  const coercing = ajvCompilers(externalSchemas, options);
  const { customOptions } = options as { customOptions?: object };
  const exact = ajvCompilers(externalSchemas, {
    ...options,
    customOptions: { ...customOptions, coerceTypes: false },
  } as typeof options);
  return (route) => (route.httpPart === 'body' ? exact : coercing)(route);
};

const OPERATIONAL = new Set(['/health/live', '/health/ready', '/metrics', '/openapi.json']);
const REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * The Fastify instance every service starts from: request ids, problem+json errors, auth hooks, metrics,
 * health, OpenAPI at /openapi.json, quiet operational routes. Services add their routes as a plugin.
 */
export async function createHttpApp(options: HttpAppOptions): Promise<HttpApp> {
  const { logger, metrics, readiness } = options;
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // One log line per request (onResponse below) instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    bodyLimit: options.bodyLimit,
    // Path parameters may carry device tokens (FCM registration tokens run to ~200 characters).
    routerOptions: { maxParamLength: 512 },
    return503OnClosing: true,
    trustProxy: options.trustedProxies?.length ? options.trustedProxies : false,
    requestIdHeader: false,
    // Reuse the gateway's correlation id when it looks sane, so one id follows a request through every hop.
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    ajv: { customOptions: { allErrors: true, removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
    schemaController: { compilersFactory: { buildValidator: exactBodies } },
    clientErrorHandler,
    frameworkErrors: frameworkErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: options.openapi,
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  });
  // JSON APIs: anything but application/json (and multipart routes that opt in) is 415, not a confusing 400.
  app.removeContentTypeParser('text/plain');
  registerProblemHandlers(app);
  guardRequestInput(app);
  await app.register(authPlugin, { verifier: options.verifier });

  // Requests still in flight when shutdown starts answer with `Connection: close`, so their keep-alive sockets
  // end with them instead of holding close() open until the keep-alive timeout.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (request, reply) => {
    if (closing) reply.header('connection', 'close');
    reply.header('x-request-id', request.id);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? '(unmatched)';
    if (OPERATIONAL.has(route)) return;
    metrics.httpDuration.observe(
      { method: request.method, route, status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    logCompletedRequest(request, reply);
  });

  const hidden = { schema: { hide: true } };
  app.get('/health/live', hidden, async () => ({ status: 'ok' }));
  app.get('/health/ready', hidden, async (_request, reply) => {
    const report = await readiness.report();
    return reply.code(report.status === 'ok' ? 200 : 503).send(report);
  });
  app.get('/metrics', hidden, async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
  app.get('/openapi.json', hidden, async () => app.swagger());
  return app;
}
