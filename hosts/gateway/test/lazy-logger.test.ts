import { createLogger } from '@diaspora/service-kit';
import type { FastifyBaseLogger } from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import { lazyChildLogger } from '../src/lazy-logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  // pino writes one JSON line per call to any object with a `write` method.
  const destination = { write: (line: string) => void lines.push(JSON.parse(line)) };
  return { lines, logger: createLogger({ service: 'gateway', level: 'info', destination }) as FastifyBaseLogger };
}

describe('lazyChildLogger', () => {
  it('makes no pino child for a request that logs nothing', () => {
    const { logger } = capture();
    const child = vi.spyOn(logger, 'child');
    const lazy = lazyChildLogger(logger, { requestId: 'req-1' }, {});
    expect(lazy.level).toBe('info');
    expect(child).not.toHaveBeenCalled();
  });

  it("writes a request's lines with its bindings, through one child", async () => {
    const { logger, lines } = capture();
    const child = vi.spyOn(logger, 'child');
    const lazy = lazyChildLogger(logger, { requestId: 'req-2' }, {});
    lazy.warn({ upstream: 'user-service' }, 'upstream request failed');
    lazy.info('second line');
    lazy.debug('below the level');
    await new Promise((resolve) => setImmediate(resolve));
    expect(child).toHaveBeenCalledTimes(1);
    expect(lines).toMatchObject([
      { requestId: 'req-2', upstream: 'user-service', msg: 'upstream request failed' },
      { requestId: 'req-2', msg: 'second line' },
    ]);
  });
});
