import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type FieldError, isUnavailableError, PROBLEM_CONTENT_TYPE, Problem, problems } from '../errors.js';

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Field errors named the way clients address fields: `email`, `languages[2]`, `venue.city`. */
function toFieldErrors(validation: AjvError[], context: string | undefined): FieldError[] {
  const prefix = context && context !== 'body' ? `${context}.` : '';
  return validation.map((error) => {
    const segments = error.instancePath
      .split('/')
      .filter(Boolean)
      .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (error.keyword === 'required') segments.push(String(error.params.missingProperty));
    if (error.keyword === 'additionalProperties') segments.push(String(error.params.additionalProperty));
    const field = segments.reduce(
      (path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : path ? `${path}.${segment}` : segment),
      '',
    );
    const message =
      error.keyword === 'additionalProperties' ? 'is not an accepted field' : (error.message ?? 'is invalid');
    return { field: `${prefix}${field}` || (context ?? 'body'), message };
  });
}

/** Router errors whose Fastify message quotes the raw URL: answered in our words, never echoing it. */
const FRAMEWORK_ERRORS: Record<string, [number, string]> = {
  FST_ERR_BAD_URL: [400, 'The URL is not valid (malformed percent-encoding?).'],
  FST_ERR_MAX_PARAM_LENGTH: [414, 'A path segment of the URL is too long.'],
  FST_ERR_ASYNC_CONSTRAINT: [400, 'The request could not be routed.'],
};

/** Every error becomes a problem; 5xx bodies carry nothing but the request id. */
export function toProblem(error: unknown): Problem {
  if (error instanceof Problem) return error;
  const fastifyError = error as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (fastifyError?.validation) {
    return problems.validation(toFieldErrors(fastifyError.validation, fastifyError.validationContext));
  }
  const status = fastifyError?.statusCode;
  if (status === 413) return new Problem(413, { detail: 'The request body is too large.' });
  if (status === 415) return new Problem(415, { detail: 'Send the body as application/json.' });
  const framework = FRAMEWORK_ERRORS[fastifyError?.code ?? ''];
  if (framework) return new Problem(framework[0], { detail: framework[1] });
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Framework messages for malformed requests (invalid JSON, empty body…) are safe and useful to clients.
    const safe = typeof fastifyError.code === 'string' && fastifyError.code.startsWith('FST_');
    return new Problem(status, { detail: safe ? fastifyError.message : undefined });
  }
  if (isUnavailableError(error)) return problems.unavailable();
  return new Problem(500, { detail: 'An unexpected error occurred. Quote the request id if you report it.' });
}

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  problem: Problem,
  options: { echoPath?: boolean } = {},
) {
  for (const [name, value] of Object.entries(problem.headers)) reply.header(name, value);
  const instance = options.echoPath === false ? undefined : request.url.split('?')[0];
  const body = { ...problem.toBody(instance), requestId: request.id };
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(body);
}

export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const problem = toProblem(error);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.debug({ err: error }, 'request rejected');
    return sendProblem(request, reply, problem);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      request,
      reply,
      new Problem(404, { detail: `No route for ${request.method} ${request.url.split('?')[0]}.` }),
    ),
  );
}

/**
 * Fastify's `frameworkErrors`: a URL its router cannot decode (`/%FF`) or a path segment beyond `maxParamLength`
 * gets a problem like any other error instead of Fastify's plain JSON, and the offending URL is not echoed.
 */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  request.log.debug({ err: error }, 'request rejected by the router');
  return sendProblem(request, reply, toProblem(error), { echoPath: false });
}

const CLIENT_ERRORS: Record<string, [number, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'The request took too long to arrive.'],
  HPE_HEADER_OVERFLOW: [431, 'The request line and headers are too large (a very long URL?).'],
};

/**
 * Fastify's `clientErrorHandler`: requests Node's HTTP parser refuses before any route runs (headers too large,
 * malformed request line, timeout) still get a problem+json answer, like everything else.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, detail] = CLIENT_ERRORS[error.code ?? ''] ?? [400, 'The request is malformed.'];
  if (socket.writable) {
    const body = JSON.stringify(new Problem(status, { detail }).toBody());
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nConnection: close\r\n` +
        // The defensive headers every other answer carries (app.ts, the gateway).
        'X-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\nCache-Control: no-store\r\n\r\n' +
        body,
    );
  }
  socket.destroy(error);
}
