import type { FastifyBaseLogger } from 'fastify';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LEVELS: Level[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Fastify's per-request child logger, made on the request's first log line: pino builds a child's bindings (through
 * its redaction) eagerly, and most proxied requests never log, so that was pure per-request cost.
 */
export function lazyChildLogger(
  parent: FastifyBaseLogger,
  bindings: Record<string, unknown>,
  options: Record<string, unknown>,
): FastifyBaseLogger {
  let child: FastifyBaseLogger | undefined;
  const real = () => {
    child ??= parent.child(bindings, options);
    return child;
  };
  const logger = {
    get level() {
      return child?.level ?? (options.level as string | undefined) ?? parent.level;
    },
    set level(level: string) {
      real().level = level;
    },
    child: (more: Record<string, unknown>, moreOptions?: Record<string, unknown>) => real().child(more, moreOptions),
  } as FastifyBaseLogger;
  for (const level of LEVELS) {
    (logger as unknown as Record<Level, (...args: unknown[]) => void>)[level] = (...args: unknown[]) =>
      (real()[level] as (...args: unknown[]) => void)(...args);
  }
  return logger;
}
