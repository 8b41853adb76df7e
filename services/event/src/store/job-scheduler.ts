import { createHash } from 'node:crypto';
import type { Queryable } from '@diaspora/service-kit';
import type PgBoss from 'pg-boss';
import type { EventRecord } from '../domain/event.js';
import type { JobScheduler, RegistrationRecord } from '../domain/ports.js';
import { QUEUES } from './migrations.js';

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

/** A UUID derived from a key: pg-boss inserts with ON CONFLICT DO NOTHING, so a re-planned job is not doubled. */
export function jobId(key: string): string {
  const hex = createHash('sha256').update(key).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Plans durable jobs inside the caller's transaction (pg-boss writes through our client): a job exists exactly
 * when the change that needs it commits.
 */
export class PgBossJobScheduler implements JobScheduler {
  constructor(
    private readonly boss: PgBoss,
    private readonly tx: Queryable,
    private readonly reminderOffsetsMinutes: number[],
  ) {}

  private get db() {
    return { executeSql: (text: string, values: unknown[]) => this.tx.query(text, values) };
  }

  async scheduleReminders(event: EventRecord): Promise<void> {
    if (event.status !== 'published') return;
    const now = Date.now();
    for (const minutesBefore of this.reminderOffsetsMinutes) {
      const due = new Date(event.startsAt.getTime() - minutesBefore * 60_000);
      if (due.getTime() <= now) continue;
      const data: ReminderJob = { eventId: event.id, startsAt: event.startsAt.toISOString(), minutesBefore };
      await this.boss.send(QUEUES.reminder, data as unknown as object, {
        id: jobId(`${event.id}:${data.startsAt}:${minutesBefore}`),
        startAfter: due,
        db: this.db,
      });
    }
  }

  async scheduleHoldExpiry(registration: RegistrationRecord): Promise<void> {
    if (!registration.holdExpiresAt) return;
    const data: HoldExpiryJob = { registrationId: registration.id, eventId: registration.eventId };
    await this.boss.send(QUEUES.holdExpiry, data as unknown as object, {
      id: jobId(`${registration.id}:${registration.holdExpiresAt.toISOString()}`),
      startAfter: registration.holdExpiresAt,
      db: this.db,
    });
  }
}
