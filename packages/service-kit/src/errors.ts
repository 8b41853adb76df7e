import { STATUS_CODES } from 'node:http';

export const PROBLEM_BASE = 'https://diaspora.community/problems';
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface FieldError {
  field: string;
  message: string;
}

/** RFC 9457 body. Extensions (e.g. `requestId`) are added by the error handler. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

const SLUGS: Record<number, string> = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  409: 'conflict',
  410: 'gone',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  422: 'unprocessable',
  429: 'rate-limited',
  500: 'internal',
  502: 'bad-gateway',
  503: 'unavailable',
  504: 'gateway-timeout',
};

export interface ProblemOptions {
  detail?: string;
  /** Slug appended to PROBLEM_BASE; defaults to one derived from the status. */
  type?: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
  extensions?: Record<string, unknown>;
  cause?: unknown;
}

/** The one error type domain code throws for an expected failure; everything else is a 500. */
export class Problem extends Error {
  override name = 'Problem';
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;
  readonly extensions: Record<string, unknown>;

  constructor(status: number, options: ProblemOptions = {}) {
    super(options.detail ?? STATUS_CODES[status] ?? 'Error', { cause: options.cause });
    this.status = status;
    this.type = `${PROBLEM_BASE}/${options.type ?? SLUGS[status] ?? 'error'}`;
    this.title = STATUS_CODES[status] ?? 'Error';
    this.detail = options.detail;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
    this.extensions = options.extensions ?? {};
  }

  toBody(instance?: string): ProblemBody {
    // Extensions first: one named like a standard member (`status`, `type`…) must not replace it.
    return {
      ...this.extensions,
      type: this.type,
      title: this.title,
      status: this.status,
      ...(this.detail ? { detail: this.detail } : {}),
      ...(instance ? { instance } : {}),
      ...(this.errors?.length ? { errors: this.errors } : {}),
    };
  }
}

export const problems = {
  validation: (errors: FieldError[], detail = 'The request is not valid.') =>
    new Problem(400, { type: 'validation', detail, errors }),
  badRequest: (detail: string, type?: string) => new Problem(400, { detail, ...(type ? { type } : {}) }),
  unauthorized: (detail = 'Authentication is required.') =>
    new Problem(401, { detail, headers: { 'www-authenticate': 'Bearer' } }),
  invalidToken: (detail = 'The access token is missing, expired or invalid.') =>
    new Problem(401, {
      type: 'invalid-token',
      detail,
      headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
    }),
  forbidden: (detail = 'You are not allowed to do this.') => new Problem(403, { detail }),
  notFound: (what = 'resource') => new Problem(404, { detail: `The ${what} was not found.` }),
  conflict: (detail: string, type?: string) => new Problem(409, { detail, ...(type ? { type } : {}) }),
  gone: (detail: string) => new Problem(410, { detail }),
  tooManyRequests: (retryAfterSeconds: number, detail = 'Too many requests; slow down.', type?: string) =>
    new Problem(429, {
      detail,
      headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
      ...(type ? { type } : {}),
    }),
  unavailable: (detail = 'The service is temporarily unavailable; retry shortly.', retryAfterSeconds = 5) =>
    new Problem(503, { detail, headers: { 'retry-after': String(retryAfterSeconds) } }),
};

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  // PostgreSQL: admin/crash shutdown, cannot connect now, connection exceptions
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  // statement_timeout or lock_timeout fired: the database is too busy or stuck right now
  '57014',
  '55P03',
]);
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Connection is closed',
  // node-postgres' client-side query_timeout
  'Query read timeout',
];

/** A dependency (database, broker, peer service) is down: the caller should retry, not see a 500. */
export function isUnavailableError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code } = error as { code?: unknown };
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  // gRPC UNAVAILABLE (14) and DEADLINE_EXCEEDED (4)
  if (typeof code === 'number' && (code === 14 || code === 4) && 'metadata' in error) return true;
  if (UNAVAILABLE_MESSAGES.some((message) => error.message.includes(message))) return true;
  return error.cause !== undefined && error.cause !== error && isUnavailableError(error.cause);
}
