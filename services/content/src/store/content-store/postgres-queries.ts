/** SQL building blocks of the PostgreSQL content store. */
import type { IdPage, ModerationScope, PostFilter } from '../../domain/ports.js';

export const POST_COLUMNS = `doc, state, report_count, like_count, comment_count, share_count, version, deleted_at`;
export const COMMENT_COLUMNS = `doc, state, report_count, deleted_at`;
export const VISIBLE = `deleted_at IS NULL AND state IN ('published', 'flagged')`;

/** Builds `WHERE` fragments with numbered parameters. */
export class Conditions {
  readonly parts: string[] = [];
  readonly params: unknown[] = [];
  add(sql: (next: () => string) => string): this {
    this.parts.push(sql(() => `$${this.params.length + 1}`));
    return this;
  }
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
  get where(): string {
    return this.parts.length ? `WHERE ${this.parts.join(' AND ')}` : '';
  }
}

export function scopeCondition(where: Conditions, scope: ModerationScope): void {
  if (scope.countries) {
    const country = where.param(scope.countries.country);
    where.parts.push(
      scope.countries.originToo
        ? `(residence_country = ${country} OR origin_country = ${country})`
        : `residence_country = ${country}`,
    );
  } else if (scope.city) {
    where.parts.push(`residence_country = ${where.param(scope.city.country)}`);
    where.parts.push(`city_key = ${where.param(scope.city.cityKey)}`);
  }
}

/** The `WHERE … ORDER BY … LIMIT` of one listing, its parameters numbered within `where`. */
export function listing(where: Conditions, filter: PostFilter, page: IdPage): string {
  const parts = [VISIBLE];
  const add = (sql: string) => parts.push(sql);
  if (filter.authorIds) add(`author_id = ANY(${where.param(filter.authorIds)}::text[])`);
  if (filter.originCountry) add(`origin_country = ${where.param(filter.originCountry)}`);
  if (filter.residenceCountry) add(`residence_country = ${where.param(filter.residenceCountry)}`);
  if (filter.cityKey) add(`city_key = ${where.param(filter.cityKey)}`);
  if (filter.language) add(`language = ${where.param(filter.language)}`);
  if (filter.domain) add(`domain = ${where.param(filter.domain)}`);
  if (filter.bbox) {
    const { minLat, maxLat, minLon, maxLon } = filter.bbox;
    add(`lat BETWEEN ${where.param(minLat)} AND ${where.param(maxLat)}`);
    add(`lon BETWEEN ${where.param(minLon)} AND ${where.param(maxLon)}`);
  }
  if (filter.audience) {
    const { originCountry, residenceCountry, cityKey } = filter.audience;
    const alternatives = [`visibility = 'public'`];
    if (originCountry) alternatives.push(`(visibility = 'country' AND origin_country = ${where.param(originCountry)})`);
    if (residenceCountry && cityKey)
      alternatives.push(
        `(visibility = 'city' AND residence_country = ${where.param(residenceCountry)} AND city_key = ${where.param(cityKey)})`,
      );
    add(`(${alternatives.join(' OR ')})`);
  }
  if (page.before) add(`id < ${where.param(page.before)}`);
  return `WHERE ${parts.join(' AND ')} ORDER BY id DESC LIMIT ${where.param(page.limit)}`;
}
