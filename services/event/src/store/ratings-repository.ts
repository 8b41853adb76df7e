import type { Queryable } from '@diaspora/service-kit';
import type { Averages, RatingRecord, RatingStore } from '../domain/ports.js';

const AVERAGES = `count(*)::int AS ratings,
  coalesce(avg(event_quality), 0)::float8 AS event_quality,
  coalesce(avg(participant_quality), 0)::float8 AS participant_quality,
  coalesce(avg(exchange_quality), 0)::float8 AS exchange_quality,
  coalesce(avg(venue_quality), 0)::float8 AS venue_quality,
  coalesce(avg(organizer_performance), 0)::float8 AS organizer_performance,
  coalesce(avg((event_quality + participant_quality + exchange_quality + venue_quality + organizer_performance) / 5.0), 0)::float8 AS overall`;

const round = (value: unknown) => Math.round(Number(value) * 100) / 100;

function toAverages(row: Record<string, unknown> | undefined): Averages {
  return {
    ratings: Number(row?.ratings ?? 0),
    eventQuality: round(row?.event_quality ?? 0),
    participantQuality: round(row?.participant_quality ?? 0),
    exchangeQuality: round(row?.exchange_quality ?? 0),
    venueQuality: round(row?.venue_quality ?? 0),
    organizerPerformance: round(row?.organizer_performance ?? 0),
    overall: round(row?.overall ?? 0),
  };
}

export class PgRatingStore implements RatingStore {
  constructor(private readonly db: Queryable) {}

  async insert(rating: Omit<RatingRecord, 'createdAt'>): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `INSERT INTO ratings (id, event_id, user_id, organizer_id, event_quality, participant_quality, exchange_quality,
         venue_quality, organizer_performance)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (event_id, user_id) DO NOTHING`,
      [
        rating.id,
        rating.eventId,
        rating.userId,
        rating.organizerId,
        rating.eventQuality,
        rating.participantQuality,
        rating.exchangeQuality,
        rating.venueQuality,
        rating.organizerPerformance,
      ],
    );
    return rowCount === 1;
  }

  async summary(eventId: string): Promise<Averages> {
    const { rows } = await this.db.query(`SELECT ${AVERAGES} FROM ratings WHERE event_id = $1`, [eventId]);
    return toAverages(rows[0]);
  }

  /** Ratings of the organizer's events that took place in [from, to). */
  async organizerAverages(organizerId: string, from: Date, to: Date): Promise<Averages> {
    const { rows } = await this.db.query(
      `SELECT ${AVERAGES} FROM ratings r JOIN events e ON e.id = r.event_id
       WHERE r.organizer_id = $1 AND e.starts_at >= $2 AND e.starts_at < $3`,
      [organizerId, from, to],
    );
    return toAverages(rows[0]);
  }

  async organizerMonthly(organizerId: string, from: Date, to: Date) {
    const { rows } = await this.db.query(
      `SELECT to_char(date_trunc('month', e.starts_at AT TIME ZONE 'UTC'), 'YYYY-MM') AS month, ${AVERAGES}
       FROM ratings r JOIN events e ON e.id = r.event_id
       WHERE r.organizer_id = $1 AND e.starts_at >= $2 AND e.starts_at < $3
       GROUP BY 1 ORDER BY 1`,
      [organizerId, from, to],
    );
    return rows.map((row) => ({ month: row.month as string, averages: toAverages(row) }));
  }

  async listForUser(userId: string): Promise<RatingRecord[]> {
    const { rows } = await this.db.query(
      `SELECT id, event_id, user_id, organizer_id, event_quality, participant_quality, exchange_quality, venue_quality,
         organizer_performance, created_at FROM ratings WHERE user_id = $1 ORDER BY created_at`,
      [userId],
    );
    return rows.map((row) => ({
      id: row.id as string,
      eventId: row.event_id as string,
      userId: row.user_id as string,
      organizerId: row.organizer_id as string,
      eventQuality: row.event_quality as number,
      participantQuality: row.participant_quality as number,
      exchangeQuality: row.exchange_quality as number,
      venueQuality: row.venue_quality as number,
      organizerPerformance: row.organizer_performance as number,
      createdAt: row.created_at as Date,
    }));
  }

  async anonymizeUser(userId: string): Promise<number> {
    const { rowCount } = await this.db.query('UPDATE ratings SET user_id = NULL WHERE user_id = $1', [userId]);
    return rowCount ?? 0;
  }
}
