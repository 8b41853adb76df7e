import { type Queryable, SqlParams } from '@diaspora/service-kit';
import { cityKey } from '../domain/model.js';
import type { EventCard, EventCardStore, EventPosition, EventQuery } from '../domain/ports.js';

/**
 * The events read model behind the feed's events section, fed by events.event.published|updated|canceled: the
 * content service never calls the event service to build a page.
 */
export class PgEventCardStore implements EventCardStore {
  constructor(private readonly db: Queryable) {}

  /**
   * Applies a snapshot unless a newer one was applied already (events may arrive reordered or twice). Canceled is
   * final: a cancellation always applies and nothing brings the event back.
   */
  async apply(card: EventCard, sourceAt: Date): Promise<void> {
    await this.db.query(
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
    const params = new SqlParams();
    const residenceCountry = params.add(query.viewer.residenceCountry ?? null);
    const viewerCity = params.add(query.viewer.cityKey ?? null);
    const originCountry = params.add(query.viewer.originCountry ?? null);
    params.and(`status = 'published'`).and(`starts_at > ${params.add(query.now)}`);
    if (query.country) params.and(`country = ${params.add(query.country)}`);
    if (query.cityKey) params.and(`city_key = ${params.add(query.cityKey)}`);
    if (query.domain) params.and(`domain = ${params.add(query.domain)}`);
    if (query.language) params.and(`${params.add(query.language)} = ANY(languages)`);
    if (query.bbox) {
      params.and(`lat BETWEEN ${params.add(query.bbox.minLat)} AND ${params.add(query.bbox.maxLat)}`);
      params.and(`lon BETWEEN ${params.add(query.bbox.minLon)} AND ${params.add(query.bbox.maxLon)}`);
    }
    const tier = `CASE WHEN country = ${residenceCountry} AND city_key = ${viewerCity} THEN 0
      WHEN country = ${originCountry} THEN 1 WHEN online THEN 2 ELSE 3 END`;
    if (query.after) {
      const [afterTier, afterStart, afterId] = query.after;
      params.and(
        `(${tier}, starts_at, event_id) > (${params.add(afterTier)}, ${params.add(afterStart)}::timestamptz, ${params.add(afterId)})`,
      );
    }
    const { rows } = await this.db.query<{ snapshot: EventCard; tier: number; starts_at: Date; event_id: string }>(
      `SELECT snapshot, ${tier} AS tier, starts_at, event_id FROM event_cards ${params.where}
       ORDER BY 2, starts_at, event_id LIMIT ${params.add(query.limit)}`,
      params.values,
    );
    return rows.map((row) => ({
      card: row.snapshot,
      position: [row.tier, row.starts_at.toISOString(), row.event_id] as EventPosition,
    }));
  }
}
