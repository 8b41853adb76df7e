import type { Worker } from '@diaspora/service-kit';
import type { DurableJobs } from '@diaspora/service-kit/jobs';
import { ATTEMPT_QUEUE, type AttemptJob, type Webhooks } from '../domain/webhooks.js';

/** Webhook attempts, several at once so that a slow receiver holds up one loop (for its timeout) and not the rest. */
export function integrationJobWorker(
  jobs: DurableJobs,
  deps: { webhooks: Webhooks; concurrency: number; pollingIntervalSeconds: number },
): Worker {
  return jobs.worker({
    pollingIntervalSeconds: deps.pollingIntervalSeconds,
    batchSize: 1,
    concurrency: deps.concurrency,
    handlers: { [ATTEMPT_QUEUE]: (job: AttemptJob) => deps.webhooks.attempt(job) },
  });
}
