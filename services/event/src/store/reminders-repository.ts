import type { Queryable } from '@diaspora/service-kit';
import type { ReminderStore } from '../domain/ports.js';

export class PgReminderStore implements ReminderStore {
  constructor(private readonly db: Queryable) {}

  async markSent(reminderId: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      'INSERT INTO sent_reminders (reminder_id) VALUES ($1) ON CONFLICT DO NOTHING',
      [reminderId],
    );
    return rowCount === 1;
  }
}
