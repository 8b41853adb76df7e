import { type Logger, PollingWorker } from '@diaspora/service-kit';
import type { GdprService } from '../domain/gdpr.js';

/** A job claimed by a process that died is taken over after this long. */
const STALE_AFTER_MS = 5 * 60_000;

/**
 * Builds GDPR export archives in the background: woken when a member asks, and polling for jobs left by other
 * replicas or by a process that stopped mid-way (jobs are claimed with SKIP LOCKED, so replicas share them).
 */
export function exportWorker(gdpr: GdprService, options: { pollMs: number; logger: Logger }): PollingWorker {
  return new PollingWorker(
    async () => {
      while (await gdpr.processNext(STALE_AFTER_MS)) {}
    },
    { name: 'export worker', intervalMs: options.pollMs, logger: options.logger },
  );
}
