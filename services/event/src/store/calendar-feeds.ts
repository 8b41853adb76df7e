import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '@diaspora/service-kit';
import type { EventRecord } from '../domain/event.js';
import type { CalendarFeedStore } from '../domain/ports.js';
import { toEvent } from './events-repository.js';

const hash = (token: string) => createHash('sha256').update(token).digest();

/** Calendar feed tokens: only their hash is stored, so a leaked table does not open anyone's feed. */
export class PgCalendarFeeds implements CalendarFeedStore {
  constructor(private readonly db: Queryable) {}

  async rotate(userId: string): Promise<string> {
    const token = `cal_${randomBytes(24).toString('base64url')}`;
    await this.db.query(
      `INSERT INTO calendar_feeds (user_id, token_hash) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET token_hash = EXCLUDED.token_hash, created_at = now()`,
      [userId, hash(token)],
    );
    return token;
  }

  async owner(token: string): Promise<string | null> {
    const { rows } = await this.db.query<{ user_id: string }>(
      'SELECT user_id FROM calendar_feeds WHERE token_hash = $1',
      [hash(token)],
    );
    return rows[0]?.user_id ?? null;
  }

  async exists(userId: string): Promise<boolean> {
    const { rows } = await this.db.query('SELECT 1 FROM calendar_feeds WHERE user_id = $1', [userId]);
    return rows.length > 0;
  }

  /** Events the member holds a seat for (and canceled ones they had), from 30 days ago on. */
  async eventsOf(userId: string): Promise<EventRecord[]> {
    const { rows } = await this.db.query(
      `SELECT e.*, s.rrule FROM registrations r JOIN events e ON e.id = r.event_id
         LEFT JOIN event_series s ON s.id = e.series_id
       WHERE r.user_id = $1 AND e.ends_at > now() - interval '30 days'
         AND (r.status IN ('confirmed', 'pending_payment') OR (r.status = 'canceled' AND r.cancel_reason = 'event_canceled'))
       ORDER BY e.starts_at LIMIT 500`,
      [userId],
    );
    return rows.map(toEvent);
  }

  async forget(userId: string): Promise<void> {
    await this.db.query('DELETE FROM calendar_feeds WHERE user_id = $1', [userId]);
  }
}
