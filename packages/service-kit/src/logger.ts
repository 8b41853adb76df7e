import { trace } from '@opentelemetry/api';
import pino, { type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/** Secrets and PII never reach the logs, at any nesting depth we produce. */
const SECRET_FIELDS = [
  'password',
  'currentPassword',
  'newPassword',
  'token',
  'accessToken',
  'refreshToken',
  'secret',
  'email',
  'phone',
];
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  ...SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
];

/** Query parameters that carry credentials (e.g. the WebSocket `?token=`) are masked in logged URLs. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:token|access_token|jwt|code|refreshToken)=)[^&#]*/gi, '$1[REDACTED]');
}

/** Errors as pino serializes them, minus driver internals (pg attaches its whole client to errors). */
function serializeError(error: Error): unknown {
  const serialized = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
  for (const heavy of ['client', 'connection', 'socket', 'config', 'request', 'response']) delete serialized[heavy];
  return serialized;
}

export interface LoggerSettings {
  service: string;
  level: string;
  /** Where to write; tests pass a stream to assert on output. */
  destination?: pino.DestinationStream;
}

export function createLogger({ service, level, destination }: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level,
    base: { service },
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    // Correlates log lines with traces when OpenTelemetry is active.
    mixin() {
      const context = trace.getActiveSpan()?.spanContext();
      return context ? { traceId: context.traceId, spanId: context.spanId } : {};
    },
    serializers: { err: serializeError },
  };
  return destination ? pino(options, destination) : pino(options);
}
