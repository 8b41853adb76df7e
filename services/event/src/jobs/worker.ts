import { createHash } from 'node:crypto';
import { ReminderDue } from '@diaspora/events';
import {
  type Database,
  type Logger,
  type Outbox,
  purgeExpiredIdempotencyKeys,
  type Worker,
} from '@diaspora/service-kit';
import type PgBoss from 'pg-boss';
import { eventContext } from '../domain/event.js';
import type { EventStore, UnitOfWork } from '../domain/ports.js';
import type { Registrations } from '../domain/registrations.js';
import type { HoldExpiryJob, ReminderJob } from '../store/job-scheduler.js';
import { QUEUES } from '../store/migrations.js';
import { PgRegistrationStore } from '../store/registrations-repository.js';

const RECIPIENTS_PER_MESSAGE = 500;

export interface JobDeps {
  boss: PgBoss;
  db: Database;
  outbox: Outbox;
  uow: UnitOfWork;
  registrations: Registrations;
  logger: Logger;
  pollingIntervalSeconds: number;
}

/**
 * Announces a reminder once: a job for a start that has since moved is stale (the reschedule planned a new one),
 * and `sent_reminders` makes a re-run (crash after commit, retry) a no-op.
 */
export async function sendReminder(
  deps: { db: Database; outbox: Outbox; events: EventStore },
  job: ReminderJob,
): Promise<number> {
  const event = await deps.events.findById(job.eventId);
  if (event?.status !== 'published' || event.startsAt.toISOString() !== job.startsAt) return 0;
  const key = `${event.id}:${job.startsAt}:${job.minutesBefore}`;
  const reminderId = `rem_${createHash('sha256').update(key).digest('hex').slice(0, 26)}`;
  return deps.db.tx(async (tx) => {
    const first = await tx.query('INSERT INTO sent_reminders (reminder_id) VALUES ($1) ON CONFLICT DO NOTHING', [
      reminderId,
    ]);
    if (first.rowCount !== 1) return 0;
    const userIds = await new PgRegistrationStore(tx).confirmedUserIds(event.id);
    for (let start = 0, part = 1; start < userIds.length; start += RECIPIENTS_PER_MESSAGE, part++) {
      await deps.outbox.enqueue(tx, ReminderDue, {
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

/** pg-boss on this service's database: reminders, payment-hold expiry, daily housekeeping. */
export function jobWorker(deps: JobDeps): Worker {
  const { boss, logger } = deps;
  let started: Promise<void> | undefined;
  boss.on('error', (error) => logger.warn({ err: error }, 'job queue error'));
  const options = { pollingIntervalSeconds: deps.pollingIntervalSeconds, batchSize: 5 };
  return {
    start() {
      started = (async () => {
        await boss.start();
        await boss.work<ReminderJob>(QUEUES.reminder, options, async (jobs) => {
          for (const job of jobs) await sendReminder({ ...deps, events: deps.uow.read.events }, job.data);
        });
        await boss.work<HoldExpiryJob>(QUEUES.holdExpiry, options, async (jobs) => {
          for (const job of jobs) await deps.registrations.expireHold(job.data.eventId);
        });
        await boss.work(QUEUES.housekeeping, async () => {
          const purged = await purgeExpiredIdempotencyKeys(deps.db);
          logger.info({ purged }, 'expired idempotency keys purged');
        });
        await boss.schedule(QUEUES.housekeeping, '17 3 * * *');
      })().catch((error: unknown) => logger.error({ err: error }, 'job workers failed to start'));
    },
    async stop() {
      await started;
      await boss.stop({ graceful: true, wait: true, timeout: 5000 });
    },
  };
}
