import { problems } from '@diaspora/service-kit';
import type { AnalyticsQuery, SeriesRow, UnitOfWork } from './ports.js';
import { type Admin, narrow } from './scope.js';

export const REPORTS = ['growth', 'engagement', 'participation', 'revenue'] as const;
export type ReportKind = (typeof REPORTS)[number];

/** The counters each report reads (metric names of the daily_metrics read model). */
const METRICS: Record<ReportKind, string[]> = {
  growth: ['registrations'],
  engagement: ['posts', 'comments', 'likes', 'messages'],
  participation: ['eventRegistrations', 'checkIns', 'ratings', 'ratingPoints'],
  revenue: [
    'subscriptionsActivated',
    'subscriptionsCanceled',
    'ticketsPaid',
    'subscriptionRevenueCents',
    'ticketRevenueCents',
    'refundCents',
  ],
};

export interface AnalyticsRequest {
  from?: string;
  to?: string;
  country?: string;
  city?: string;
}

export interface AnalyticsReport {
  report: ReportKind;
  from: string;
  to: string;
  country?: string;
  city?: string;
  series: ({ date: string } & Record<string, number>)[];
  totals: Record<string, number>;
}

const DAY = 86_400_000;
const isoDay = (date: Date) => date.toISOString().slice(0, 10);

function parseDay(value: string, field: string): Date {
  const parsed = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(parsed.getTime())) throw problems.validation([{ field, message: 'must be a date (YYYY-MM-DD)' }]);
  return new Date(Date.UTC(parsed.getUTCFullYear(), parsed.getUTCMonth(), parsed.getUTCDate()));
}

/** Reports from the event-fed read models: growth, engagement, participation, revenue; per day, scoped. */
export class Analytics {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly maxDays: number,
  ) {}

  /** from/to default to the last 30 days; reversed or longer than the maximum (two years) → 400. */
  range(request: AnalyticsRequest, now = new Date()): { from: string; to: string; days: string[] } {
    const to = request.to ? parseDay(request.to, 'to') : parseDay(isoDay(now), 'to');
    const from = request.from ? parseDay(request.from, 'from') : new Date(to.getTime() - 29 * DAY);
    if (from > to)
      throw problems.validation([{ field: 'from', message: 'must not be after to' }], 'The range is reversed.');
    const span = Math.round((to.getTime() - from.getTime()) / DAY) + 1;
    if (span > this.maxDays)
      throw problems.validation(
        [{ field: 'to', message: `the range may cover at most ${this.maxDays} days` }],
        'The range is too long.',
      );
    const days = Array.from({ length: span }, (_, i) => isoDay(new Date(from.getTime() + i * DAY)));
    return { from: isoDay(from), to: isoDay(to), days };
  }

  async report(admin: Admin, kind: ReportKind, request: AnalyticsRequest): Promise<AnalyticsReport> {
    const place = narrow(admin.scope, { country: request.country, city: request.city });
    const { from, to, days } = this.range(request);
    const query: AnalyticsQuery = { from, to, ...(place.country || place.city ? { place } : {}) };
    const rows = await this.uow.read.analytics.series(METRICS[kind], query);
    const series = days.map((date) => ({ date }) as { date: string } & Record<string, number>);
    const byDay = new Map(series.map((point) => [point.date, point]));
    for (const key of columns(kind, rows)) for (const point of series) point[key] = 0;
    for (const row of rows) {
      const point = byDay.get(row.day);
      if (point) point[columnOf(row)] = (point[columnOf(row)] ?? 0) + row.value;
    }
    const totals: Record<string, number> = {};
    for (const point of series)
      for (const [key, value] of Object.entries(point))
        if (key !== 'date') totals[key] = (totals[key] ?? 0) + (value as number);
    if (kind === 'growth') await this.activity(query, series, totals);
    if (kind === 'participation') {
      for (const point of series)
        point.averageRating = point.ratings ? round(point.ratingPoints! / 100 / point.ratings) : 0;
      totals.averageRating = totals.ratings ? round(totals.ratingPoints! / 100 / totals.ratings) : 0;
    }
    return { report: kind, from, to, ...place, series, totals };
  }

  /** DAU, WAU and MAU per day (trailing 1, 7 and 30 days); the totals hold the last day's values. */
  private async activity(
    query: AnalyticsQuery,
    series: Record<string, number | string>[],
    totals: Record<string, number>,
  ) {
    const windows = { dau: 1, wau: 7, mau: 30 } as const;
    for (const [name, days] of Object.entries(windows)) {
      const values = new Map(
        (await this.uow.read.analytics.activeUsers(query, days)).map((row) => [row.day, row.value]),
      );
      for (const point of series) point[name] = values.get(point.date as string) ?? 0;
      totals[name] = (series.at(-1)?.[name] as number | undefined) ?? 0;
    }
  }
}

const MONEY = new Set(['subscriptionRevenueCents', 'ticketRevenueCents', 'refundCents']);

/** Money is per currency: ticketRevenueCents becomes ticketRevenueCents_EUR, …_XOF. */
const columnOf = (row: SeriesRow) => (row.currency ? `${row.metric}_${row.currency}` : row.metric);

function columns(kind: ReportKind, rows: SeriesRow[]): string[] {
  return [...new Set([...METRICS[kind].filter((metric) => !MONEY.has(metric)), ...rows.map(columnOf)])];
}

const round = (value: number) => Math.round(value * 100) / 100;

/** The report as CSV: one row per day, the columns of the series (RFC 4180 quoting). */
export function toCsv(report: AnalyticsReport): string {
  const keys = [...new Set(report.series.flatMap((point) => Object.keys(point)))];
  const quote = (value: unknown) => {
    const text = String(value ?? '');
    return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const lines = [keys.join(','), ...report.series.map((point) => keys.map((key) => quote(point[key] ?? 0)).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}
