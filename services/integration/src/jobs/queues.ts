import type { QueueOptions } from '@diaspora/service-kit/jobs';
import { ATTEMPT_QUEUE } from '../domain/webhooks.js';

/** pg-boss's schema in this service's database (made by the migrations). */
export const JOB_SCHEMA = 'integration_jobs';

/**
 * A webhook attempt records its own failure and plans the next try itself (domain/webhooks.ts, on the service's
 * clock); pg-boss only retries a job whose handler crashed (database down), a few times.
 */
export const JOB_QUEUES: Record<string, QueueOptions> = {
  [ATTEMPT_QUEUE]: { retryLimit: 5, retryDelaySeconds: 10 },
};
