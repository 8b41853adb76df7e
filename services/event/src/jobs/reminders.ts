import { createHash } from 'node:crypto';
import { ReminderDue } from '@diaspora/events';
import type { UnitOfWork as KitUnitOfWork } from '@diaspora/service-kit';
import { eventContext } from '../domain/event.js';
import type { DataStores } from '../domain/ports.js';
import type { ReminderJob } from './queues.js';

const RECIPIENTS_PER_MESSAGE = 500;

/**
 * Announces a reminder once: a job for a start that has since moved is stale (the reschedule planned a new one),
 * and the sent-reminders store makes a re-run (crash after commit, retry) a no-op. Returns how many were reminded.
 */
export async function sendReminder(uow: KitUnitOfWork<DataStores>, job: ReminderJob): Promise<number> {
  const event = await uow.read.events.findById(job.eventId);
  if (event?.status !== 'published' || event.startsAt.toISOString() !== job.startsAt) return 0;
  const key = `${event.id}:${job.startsAt}:${job.minutesBefore}`;
  const reminderId = `rem_${createHash('sha256').update(key).digest('hex').slice(0, 26)}`;
  return uow.run(async (scope) => {
    if (!(await scope.reminders.markSent(reminderId))) return 0;
    const userIds = await scope.registrations.confirmedUserIds(event.id);
    for (let start = 0, part = 1; start < userIds.length; start += RECIPIENTS_PER_MESSAGE, part++) {
      await scope.publish(ReminderDue, {
        reminderId,
        part,
        minutesBefore: job.minutesBefore,
        userIds: userIds.slice(start, start + RECIPIENTS_PER_MESSAGE),
        endsAt: event.endsAt.toISOString(),
        online: event.onlineUrl !== null,
        ...(event.venue ? { venueName: event.venue.name } : {}),
        ...eventContext(event),
      });
    }
    return userIds.length;
  });
}
