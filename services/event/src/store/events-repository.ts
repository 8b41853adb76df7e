import { type Queryable, SqlParams } from '@diaspora/service-kit';
import type { EventFields, EventRecord, EventStatus } from '../domain/event.js';
import type { Audience, DatePosition, EventStore, ListFilters, NewEvent, Slice } from '../domain/ports.js';
import { audienceQuery } from './audience-query.js';

const COLUMNS = `e.id, e.series_id, e.occurrence_index, s.rrule, e.parent_event_id, e.organizer_id, e.type, e.status,
  e.title, e.description, e.translations, e.domain, e.starts_at, e.ends_at, e.timezone, e.venue_name,
  e.venue_address, e.city, e.country, e.lat, e.lon, e.online_url, e.capacity, e.registered_count, e.waitlist_count,
  e.languages, e.price_cents, e.currency, e.cover_image_url, e.cancel_reason, e.created_at, e.updated_at`;
const FROM = 'events e LEFT JOIN event_series s ON s.id = e.series_id';

type Row = Record<string, unknown>;

export function toEvent(row: Row): EventRecord {
  const venue =
    row.venue_name !== null
      ? {
          name: row.venue_name as string,
          address: row.venue_address as string,
          city: row.city as string,
          country: (row.country as string).trim(),
          lat: row.lat as number,
          lon: row.lon as number,
        }
      : null;
  return {
    id: row.id as string,
    seriesId: row.series_id as string | null,
    occurrenceIndex: row.occurrence_index as number | null,
    recurrence: (row.rrule as string | null) ?? null,
    parentEventId: row.parent_event_id as string | null,
    organizerId: row.organizer_id as string,
    type: row.type as EventRecord['type'],
    status: row.status as EventStatus,
    title: row.title as string,
    description: row.description as string,
    translations: row.translations as EventRecord['translations'],
    domain: row.domain as EventRecord['domain'],
    startsAt: row.starts_at as Date,
    endsAt: row.ends_at as Date,
    timezone: row.timezone as string,
    venue,
    onlineUrl: row.online_url as string | null,
    city: row.city as string | null,
    country: row.country ? (row.country as string).trim() : null,
    capacity: row.capacity as number,
    registeredCount: row.registered_count as number,
    waitlistCount: row.waitlist_count as number,
    languages: row.languages as string[],
    priceCents: row.price_cents as number | null,
    currency: row.currency ? (row.currency as string).trim() : null,
    coverImageUrl: row.cover_image_url as string | null,
    cancelReason: row.cancel_reason as string | null,
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
  };
}

/** Field → columns it writes. Venue fills several; place (city/country) follows the venue or the scope. */
function columnsOf(changes: Partial<EventFields> & { status?: EventStatus; cancelReason?: string | null }) {
  const set: [string, unknown][] = [];
  const simple: Record<string, string> = {
    title: 'title',
    description: 'description',
    domain: 'domain',
    type: 'type',
    startsAt: 'starts_at',
    endsAt: 'ends_at',
    timezone: 'timezone',
    onlineUrl: 'online_url',
    city: 'city',
    country: 'country',
    capacity: 'capacity',
    languages: 'languages',
    priceCents: 'price_cents',
    currency: 'currency',
    coverImageUrl: 'cover_image_url',
    parentEventId: 'parent_event_id',
    status: 'status',
    cancelReason: 'cancel_reason',
  };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    if (key === 'translations') set.push(['translations', JSON.stringify(value)]);
    else if (key === 'venue') {
      const venue = value as EventFields['venue'];
      set.push(['venue_name', venue?.name ?? null], ['venue_address', venue?.address ?? null]);
      set.push(['lat', venue?.lat ?? null], ['lon', venue?.lon ?? null]);
    } else if (simple[key]) set.push([simple[key]!, value]);
  }
  if (changes.status === 'published') set.push(['published_at', new Date()]);
  if (changes.status === 'canceled') set.push(['canceled_at', new Date()]);
  return set;
}

function keysetSlice(rows: Row[], limit: number): Slice<EventRecord & { distanceKm?: number }> {
  const items = rows.slice(0, limit).map((row) => ({
    ...toEvent(row),
    ...(row.distance_m !== undefined ? { distanceKm: Math.round((row.distance_m as number) / 10) / 100 } : {}),
  }));
  return { items, hasMore: rows.length > limit };
}

export class PgEventStore implements EventStore {
  constructor(private readonly db: Queryable) {}

  async insertSeries(series: { id: string; organizerId: string; rrule: string }): Promise<void> {
    await this.db.query('INSERT INTO event_series (id, organizer_id, rrule) VALUES ($1, $2, $3)', [
      series.id,
      series.organizerId,
      series.rrule,
    ]);
  }

  async insert(event: NewEvent): Promise<EventRecord> {
    await this.db.query(
      `INSERT INTO events (id, series_id, occurrence_index, parent_event_id, organizer_id, type, status, title,
         description, translations, domain, starts_at, ends_at, timezone, venue_name, venue_address, city, country,
         lat, lon, online_url, capacity, languages, price_cents, currency, cover_image_url, published_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
         $23, $24, $25, $26, CASE WHEN $7 = 'published' THEN now() END)`,
      [
        event.id,
        event.seriesId,
        event.occurrenceIndex,
        event.parentEventId,
        event.organizerId,
        event.type,
        event.status,
        event.title,
        event.description,
        JSON.stringify(event.translations),
        event.domain,
        event.startsAt,
        event.endsAt,
        event.timezone,
        event.venue?.name ?? null,
        event.venue?.address ?? null,
        event.city,
        event.country,
        event.venue?.lat ?? null,
        event.venue?.lon ?? null,
        event.onlineUrl,
        event.capacity,
        event.languages,
        event.priceCents,
        event.currency,
        event.coverImageUrl,
      ],
    );
    return (await this.findById(event.id))!;
  }

  async findById(id: string, options: { forUpdate?: boolean } = {}): Promise<EventRecord | null> {
    const lock = options.forUpdate ? 'FOR UPDATE OF e' : '';
    const { rows } = await this.db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE e.id = $1 ${lock}`, [id]);
    return rows[0] ? toEvent(rows[0]) : null;
  }

  async findManyByIds(ids: string[]): Promise<EventRecord[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE e.id = ANY($1::text[])`, [ids]);
    return rows.map(toEvent);
  }

  async update(
    id: string,
    changes: Partial<EventFields> & { status?: EventStatus; cancelReason?: string | null },
  ): Promise<EventRecord> {
    const set = columnsOf(changes);
    const assignments = set.map(([column], index) => `${column} = $${index + 2}`);
    await this.db.query(`UPDATE events SET ${[...assignments, 'updated_at = now()'].join(', ')} WHERE id = $1`, [
      id,
      ...set.map(([, value]) => value),
    ]);
    return (await this.findById(id))!;
  }

  async seriesFrom(seriesId: string, from: Date): Promise<EventRecord[]> {
    const { rows } = await this.db.query(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE e.series_id = $1 AND e.starts_at >= $2 ORDER BY e.starts_at FOR UPDATE OF e`,
      [seriesId, from],
    );
    return rows.map(toEvent);
  }

  async adjustCounts(id: string, seats: number, waitlist: number): Promise<EventRecord> {
    await this.db.query(
      `UPDATE events SET registered_count = registered_count + $2, waitlist_count = waitlist_count + $3,
         updated_at = now() WHERE id = $1`,
      [id, seats, waitlist],
    );
    return (await this.findById(id))!;
  }

  async list(filters: ListFilters, limit: number, after?: DatePosition) {
    const p = new SqlParams().and("e.status = 'published'");
    let distance = '';
    if (filters.from) p.and(`e.starts_at >= ${p.add(filters.from)}`);
    else p.and('e.ends_at > now()');
    if (filters.to) p.and(`e.starts_at < ${p.add(filters.to)}`);
    if (filters.country) p.and(`e.country = ${p.add(filters.country)}`);
    if (filters.city) p.and(`e.city_key = lower(${p.add(filters.city)})`);
    if (filters.domain) p.and(`e.domain = ${p.add(filters.domain)}`);
    if (filters.type) p.and(`e.type = ${p.add(filters.type)}`);
    if (filters.language) p.and(`e.languages @> ARRAY[${p.add(filters.language)}]::text[]`);
    if (filters.organizerId) p.and(`e.organizer_id = ${p.add(filters.organizerId)}`);
    if (filters.near) {
      const center = `ll_to_earth(${p.add(filters.near.lat)}, ${p.add(filters.near.lon)})`;
      const radius = p.add(filters.near.radiusKm * 1000);
      // The box test uses the GiST index; the distance test trims the box's corners.
      p.and('e.lat IS NOT NULL AND e.lon IS NOT NULL');
      p.and(`earth_box(${center}, ${radius}) @> ll_to_earth(e.lat, e.lon)`);
      p.and(`earth_distance(${center}, ll_to_earth(e.lat, e.lon)) <= ${radius}`);
      distance = `, earth_distance(${center}, ll_to_earth(e.lat, e.lon)) AS distance_m`;
    }
    if (after) p.and(`(e.starts_at, e.id) > (${p.add(after.startsAt)}, ${p.add(after.id)})`);
    const { rows } = await this.db.query(
      `SELECT ${COLUMNS}${distance} FROM ${FROM} ${p.where} ORDER BY e.starts_at, e.id LIMIT ${p.add(limit + 1)}`,
      p.values,
    );
    return keysetSlice(rows, limit);
  }

  async upcomingFor(audience: Audience, limit: number, after?: DatePosition) {
    const page = audienceQuery(audience, limit, after);
    if (!page) return { items: [], hasMore: false };
    const { rows } = await this.db.query(
      `SELECT ${COLUMNS} FROM (${page.sql}) page JOIN events e ON e.id = page.id
         LEFT JOIN event_series s ON s.id = e.series_id ORDER BY e.starts_at, e.id`,
      page.values,
    );
    return keysetSlice(rows, limit);
  }

  async popular(filters: { country?: string; city?: string }, limit: number, offset: number) {
    const p = new SqlParams().and("e.status = 'published'").and('e.starts_at > now()');
    if (filters.country) p.and(`e.country = ${p.add(filters.country)}`);
    if (filters.city) p.and(`e.city_key = lower(${p.add(filters.city)})`);
    const { rows } = await this.db.query(
      `SELECT ${COLUMNS} FROM ${FROM} ${p.where}
       ORDER BY e.registered_count DESC, e.starts_at, e.id LIMIT ${p.add(limit + 1)} OFFSET ${p.add(offset)}`,
      p.values,
    );
    return { items: rows.slice(0, limit).map(toEvent), hasMore: rows.length > limit };
  }

  async subEvents(parentId: string): Promise<EventRecord[]> {
    const { rows } = await this.db.query(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE e.parent_event_id = $1 AND e.status = 'published' ORDER BY e.starts_at`,
      [parentId],
    );
    return rows.map(toEvent);
  }

  async futureByOrganizer(organizerId: string): Promise<EventRecord[]> {
    const { rows } = await this.db.query(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE e.organizer_id = $1 AND e.status <> 'canceled' AND e.starts_at > now()
       ORDER BY e.starts_at FOR UPDATE OF e`,
      [organizerId],
    );
    return rows.map(toEvent);
  }

  async countLocal(organizerId: string, from: Date, to: Date, now: Date) {
    const { rows } = await this.db.query<{ held: number; scheduled: number }>(
      `SELECT count(*) FILTER (WHERE ends_at <= $4)::int AS held, count(*) FILTER (WHERE ends_at > $4)::int AS scheduled
       FROM events WHERE organizer_id = $1 AND type = 'local' AND status = 'published'
         AND starts_at >= $2 AND starts_at < $3`,
      [organizerId, from, to, now],
    );
    return { held: rows[0]?.held ?? 0, scheduled: rows[0]?.scheduled ?? 0 };
  }

  async usualPlace(organizerId: string) {
    const { rows } = await this.db.query<{ country: string; city: string }>(
      `SELECT country, min(city) AS city FROM events WHERE organizer_id = $1 AND type = 'local' AND country IS NOT NULL
       GROUP BY country, city_key ORDER BY count(*) DESC LIMIT 1`,
      [organizerId],
    );
    return rows[0] ? { country: rows[0].country.trim(), city: rows[0].city } : null;
  }

  async anonymizeOrganizer(organizerId: string, replacement: string): Promise<number> {
    await this.db.query('UPDATE event_series SET organizer_id = $2 WHERE organizer_id = $1', [
      organizerId,
      replacement,
    ]);
    await this.db.query('UPDATE ratings SET organizer_id = $2 WHERE organizer_id = $1', [organizerId, replacement]);
    const { rowCount } = await this.db.query('UPDATE events SET organizer_id = $2 WHERE organizer_id = $1', [
      organizerId,
      replacement,
    ]);
    return rowCount ?? 0;
  }
}
