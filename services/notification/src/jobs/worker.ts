import type { Worker } from '@diaspora/service-kit';
import type { DurableJobs } from '@diaspora/service-kit/jobs';
import type { CalendarJobs } from '../domain/calendar-jobs.js';
import type { Dispatcher } from '../domain/dispatcher.js';
import { type DeliveryJob, QUEUES } from './queues.js';

/** The notification service's durable jobs: deliveries (retried by pg-boss), and the hourly/quarterly crons. */
export function notificationJobWorker(
  jobs: DurableJobs,
  deps: { dispatcher: Dispatcher; calendar: CalendarJobs; pollingIntervalSeconds: number },
): Worker {
  return jobs.worker({
    pollingIntervalSeconds: deps.pollingIntervalSeconds,
    handlers: {
      [QUEUES.delivery]: (job: DeliveryJob) => deps.dispatcher.deliver(job.deliveryIds),
      [QUEUES.digest]: () => deps.calendar.digests(),
      [QUEUES.anniversaries]: () => deps.calendar.anniversaries(),
      [QUEUES.consulQuota]: () => deps.calendar.consulQuota(),
    },
    cron: {
      [QUEUES.digest]: '0 * * * *',
      // Every hour: members whose local clock shows 09:00 now get theirs, whatever their time zone.
      [QUEUES.anniversaries]: '2 * * * *',
      [QUEUES.consulQuota]: '0 9 1 1,4,7,10 *',
    },
  });
}
