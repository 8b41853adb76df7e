import type { Worker } from '@diaspora/service-kit';
import type { DurableJobs } from '@diaspora/service-kit/jobs';
import type { UnitOfWork } from '../domain/ports.js';
import type { Registrations } from '../domain/registrations.js';
import type { HoldExpiryJob, ReminderJob } from './queues.js';
import { QUEUES } from './queues.js';
import { sendReminder } from './reminders.js';

/** The event service's durable jobs: reminders before an event, and the end of an unpaid seat hold. */
export function eventJobWorker(
  jobs: DurableJobs,
  deps: { uow: UnitOfWork; registrations: Registrations; pollingIntervalSeconds: number },
): Worker {
  return jobs.worker({
    pollingIntervalSeconds: deps.pollingIntervalSeconds,
    handlers: {
      [QUEUES.reminder]: (job: ReminderJob) => sendReminder(deps.uow, job),
      [QUEUES.holdExpiry]: (job: HoldExpiryJob) => deps.registrations.expireHold(job.eventId),
    },
  });
}
