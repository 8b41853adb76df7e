import type { JobScheduler } from '@diaspora/service-kit/jobs';
import type { EventRecord } from '../domain/event.js';
import type { JobPlanner, RegistrationRecord } from '../domain/ports.js';

/** pg-boss's schema in this service's database (made by the migrations). */
export const JOB_SCHEMA = 'event_jobs';
export const QUEUES = {
  reminder: 'event-reminder',
  holdExpiry: 'registration-hold-expiry',
} as const;

export interface ReminderJob {
  eventId: string;
  /** The start this reminder was planned for: a job whose event moved meanwhile is stale and does nothing. */
  startsAt: string;
  minutesBefore: number;
}

export interface HoldExpiryJob {
  registrationId: string;
  eventId: string;
}

/**
 * The event service's jobs over the kit's scheduler (a store of the unit of work: jobs commit with the change).
 * Keys make re-planning harmless: the same start and offset, or the same hold, is one job.
 */
export class EventJobPlanner implements JobPlanner {
  constructor(
    private readonly jobs: JobScheduler,
    private readonly reminderOffsetsMinutes: number[],
  ) {}

  async scheduleReminders(event: EventRecord): Promise<void> {
    if (event.status !== 'published') return;
    const now = Date.now();
    for (const minutesBefore of this.reminderOffsetsMinutes) {
      const runAt = new Date(event.startsAt.getTime() - minutesBefore * 60_000);
      if (runAt.getTime() <= now) continue;
      const data: ReminderJob = { eventId: event.id, startsAt: event.startsAt.toISOString(), minutesBefore };
      await this.jobs.schedule(QUEUES.reminder, data, { key: `${event.id}:${data.startsAt}:${minutesBefore}`, runAt });
    }
  }

  async scheduleHoldExpiry(registration: RegistrationRecord): Promise<void> {
    if (!registration.holdExpiresAt) return;
    const data: HoldExpiryJob = { registrationId: registration.id, eventId: registration.eventId };
    await this.jobs.schedule(QUEUES.holdExpiry, data, {
      key: `${registration.id}:${registration.holdExpiresAt.toISOString()}`,
      runAt: registration.holdExpiresAt,
    });
  }
}
