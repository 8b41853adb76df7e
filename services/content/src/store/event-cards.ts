import type { EventSnapshot } from '@diaspora/events';
import type { Database, Queryable } from '@diaspora/service-kit';
import type { Static } from 'typebox';
import { cityKey } from '../domain/model.js';
import type { BoundingBox } from '../domain/ports.js';

export type EventCard = Static<typeof EventSnapshot>;

/** Position in the events section: relevance tier, start time, id (all immutable while the page is read). */
export type EventPosition = [tier: number, startsAt: string, eventId: string];

export interface EventQuery {
  /** The viewer's communities decide the tiers: 0 their city, 1 their origin country, 2 online, 3 the rest. */
  viewer: { originCountry?: string; residenceCountry?: string; cityKey?: string };
  country?: string;
  cityKey?: string;
  domain?: string;
  language?: string;
  bbox?: BoundingBox;
  after?: EventPosition;
  limit: number;
  now: Date;
}

/**
 * The events read model behind the feed's events section, fed by events.event.published|updated|canceled: the
 * content service never calls the event service to build a page.
 */
export class EventCardStore {
  constructor(private readonly db: Database) {}

  /**
   * Applies a snapshot unless a newer one was applied already (events may arrive reordered or twice). Canceled is
   * final: a cancellation always applies and nothing brings the event back.
   */
  async apply(tx: Queryable, card: EventCard, sourceAt: Date): Promise<void> {
    await tx.query(
      `INSERT INTO event_cards (event_id, status, domain, country, city_key, lat, lon, online, languages, starts_at,
         registered_count, capacity, snapshot, source_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       ON CONFLICT (event_id) DO UPDATE SET status = EXCLUDED.status, domain = EXCLUDED.domain,
         country = EXCLUDED.country, city_key = EXCLUDED.city_key, lat = EXCLUDED.lat, lon = EXCLUDED.lon,
         online = EXCLUDED.online, languages = EXCLUDED.languages, starts_at = EXCLUDED.starts_at,
         registered_count = EXCLUDED.registered_count, capacity = EXCLUDED.capacity, snapshot = EXCLUDED.snapshot,
         source_at = EXCLUDED.source_at
       WHERE EXCLUDED.status = 'canceled'
          OR (event_cards.status <> 'canceled' AND event_cards.source_at <= EXCLUDED.source_at)`,
      [
        card.eventId,
        card.status,
        card.domain,
        card.country ?? null,
        cityKey(card.city) ?? null,
        card.lat ?? null,
        card.lon ?? null,
        card.online,
        card.languages,
        card.startsAt,
        card.registeredCount,
        card.capacity,
        JSON.stringify(card),
        sourceAt,
      ],
    );
  }

  /** Upcoming published events, most relevant tier first, then soonest. */
  async page(query: EventQuery): Promise<{ card: EventCard; position: EventPosition }[]> {
    const params: unknown[] = [
      query.viewer.residenceCountry ?? null,
      query.viewer.cityKey ?? null,
      query.viewer.originCountry ?? null,
      query.now,
    ];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const conditions = [`status = 'published'`, `starts_at > $4`];
    if (query.country) conditions.push(`country = ${param(query.country)}`);
    if (query.cityKey) conditions.push(`city_key = ${param(query.cityKey)}`);
    if (query.domain) conditions.push(`domain = ${param(query.domain)}`);
    if (query.language) conditions.push(`${param(query.language)} = ANY(languages)`);
    if (query.bbox) {
      conditions.push(`lat BETWEEN ${param(query.bbox.minLat)} AND ${param(query.bbox.maxLat)}`);
      conditions.push(`lon BETWEEN ${param(query.bbox.minLon)} AND ${param(query.bbox.maxLon)}`);
    }
    const tier = `CASE WHEN country = $1 AND city_key = $2 THEN 0 WHEN country = $3 THEN 1 WHEN online THEN 2 ELSE 3 END`;
    if (query.after) {
      const [afterTier, afterStart, afterId] = query.after;
      conditions.push(
        `(${tier}, starts_at, event_id) > (${param(afterTier)}, ${param(afterStart)}::timestamptz, ${param(afterId)})`,
      );
    }
    const { rows } = await this.db.query<{ snapshot: EventCard; tier: number; starts_at: Date; event_id: string }>(
      `SELECT snapshot, ${tier} AS tier, starts_at, event_id FROM event_cards WHERE ${conditions.join(' AND ')}
       ORDER BY 2, starts_at, event_id LIMIT ${param(query.limit)}`,
      params,
    );
    return rows.map((row) => ({
      card: row.snapshot,
      position: [row.tier, row.starts_at.toISOString(), row.event_id] as EventPosition,
    }));
  }
}
