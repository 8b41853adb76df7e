/** SQL building blocks of the PostgreSQL content store. */
import type { SqlParams } from '@diaspora/service-kit';
import type { IdPage, ModerationScope, PostFilter } from '../../domain/ports.js';

export const POST_COLUMNS = `doc, state, report_count, like_count, comment_count, share_count, version, deleted_at`;
export const COMMENT_COLUMNS = `doc, state, report_count, deleted_at`;
export const VISIBLE = `deleted_at IS NULL AND state IN ('published', 'flagged')`;

export function scopeCondition(where: SqlParams, scope: ModerationScope): void {
  if (scope.countries) {
    const country = where.add(scope.countries.country);
    where.and(
      scope.countries.originToo
        ? `(residence_country = ${country} OR origin_country = ${country})`
        : `residence_country = ${country}`,
    );
  } else if (scope.city) {
    where.and(`residence_country = ${where.add(scope.city.country)}`);
    where.and(`city_key = ${where.add(scope.city.cityKey)}`);
  }
}

/** The `WHERE … ORDER BY … LIMIT` of one listing, its parameters numbered within `params` (shared by a union). */
export function listing(where: SqlParams, filter: PostFilter, page: IdPage): string {
  const parts = [VISIBLE];
  const add = (sql: string) => parts.push(sql);
  if (filter.authorIds) add(`author_id = ANY(${where.add(filter.authorIds)}::text[])`);
  if (filter.originCountry) add(`origin_country = ${where.add(filter.originCountry)}`);
  if (filter.residenceCountry) add(`residence_country = ${where.add(filter.residenceCountry)}`);
  if (filter.cityKey) add(`city_key = ${where.add(filter.cityKey)}`);
  if (filter.language) add(`language = ${where.add(filter.language)}`);
  if (filter.domain) add(`domain = ${where.add(filter.domain)}`);
  if (filter.bbox) {
    const { minLat, maxLat, minLon, maxLon } = filter.bbox;
    add(`lat BETWEEN ${where.add(minLat)} AND ${where.add(maxLat)}`);
    add(`lon BETWEEN ${where.add(minLon)} AND ${where.add(maxLon)}`);
  }
  if (filter.audience) {
    const { originCountry, residenceCountry, cityKey } = filter.audience;
    const alternatives = [`visibility = 'public'`];
    if (originCountry) alternatives.push(`(visibility = 'country' AND origin_country = ${where.add(originCountry)})`);
    if (residenceCountry && cityKey)
      alternatives.push(
        `(visibility = 'city' AND residence_country = ${where.add(residenceCountry)} AND city_key = ${where.add(cityKey)})`,
      );
    add(`(${alternatives.join(' OR ')})`);
  }
  if (page.before) add(`id < ${where.add(page.before)}`);
  return `WHERE ${parts.join(' AND ')} ORDER BY id DESC LIMIT ${where.add(page.limit)}`;
}
