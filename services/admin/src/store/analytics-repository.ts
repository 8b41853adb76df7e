import { type Queryable, SqlParams } from '@diaspora/service-kit';
import type { AnalyticsQuery, AnalyticsStore, MetricDelta, SeriesRow } from '../domain/ports.js';
import type { Place } from '../domain/settings-model.js';

function placeFilter(params: SqlParams, place: Place | undefined) {
  if (place?.country) params.and(`country = ${params.add(place.country)}`);
  if (place?.city) params.and(`lower(city) = lower(${params.add(place.city)})`);
}

export class PgAnalyticsStore implements AnalyticsStore {
  constructor(private readonly q: Queryable) {}

  async bump(delta: MetricDelta): Promise<void> {
    await this.q.query(
      `INSERT INTO daily_metrics (day, metric, country, city, currency, value) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (day, metric, country, city, currency) DO UPDATE SET value = daily_metrics.value + $6`,
      [delta.day, delta.metric, delta.place.country ?? '', delta.place.city ?? '', delta.currency ?? '', delta.amount],
    );
  }

  async markActive(day: string, userId: string, place: Place): Promise<void> {
    await this.q.query(
      `INSERT INTO active_days (day, user_id, country, city) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
      [day, userId, place.country ?? '', place.city ?? ''],
    );
  }

  async series(metrics: string[], query: AnalyticsQuery): Promise<SeriesRow[]> {
    const params = new SqlParams();
    params.and(`metric = ANY(${params.add(metrics)})`);
    params.and(`day BETWEEN ${params.add(query.from)} AND ${params.add(query.to)}`);
    placeFilter(params, query.place);
    const { rows } = await this.q.query<{ day: string; metric: string; currency: string; value: string }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, metric, currency, sum(value)::bigint AS value FROM daily_metrics
       ${params.where} GROUP BY day, metric, currency ORDER BY day`,
      params.values,
    );
    return rows.map((row) => ({ ...row, value: Number(row.value) }));
  }

  async activeUsers(query: AnalyticsQuery, windowDays: number) {
    const params = new SqlParams();
    const from = params.add(query.from);
    const to = params.add(query.to);
    const window = params.add(windowDays);
    const placeSql = [
      query.place?.country ? `AND a.country = ${params.add(query.place.country)}` : '',
      query.place?.city ? `AND lower(a.city) = lower(${params.add(query.place.city)})` : '',
    ].join(' ');
    const { rows } = await this.q.query<{ day: string; value: number }>(
      `SELECT to_char(d.day, 'YYYY-MM-DD') AS day, count(DISTINCT a.user_id)::int AS value
       FROM generate_series(${from}::date, ${to}::date, interval '1 day') AS g(at) CROSS JOIN LATERAL (SELECT g.at::date AS day) d
       LEFT JOIN active_days a ON a.day > d.day - ${window}::int AND a.day <= d.day ${placeSql}
       GROUP BY d.day ORDER BY d.day`,
      params.values,
    );
    return rows;
  }

  async forget(userId: string): Promise<void> {
    await this.q.query('DELETE FROM active_days WHERE user_id = $1', [userId]);
  }
}
