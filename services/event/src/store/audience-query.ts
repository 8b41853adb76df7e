import { SqlParams } from '@diaspora/service-kit';
import type { Audience, DatePosition } from '../domain/ports.js';

/**
 * The /upcoming query for one member's audience as a UNION ALL of up to three disjoint branches (their city,
 * national events of their country, their country of origin), each a LIMITed scan of its own starts_at-ordered
 * index (0005_listing_indexes), merged and cut again. One OR over the three made PostgreSQL read the whole
 * listing index and filter it; each branch here stops after `limit + 1` rows. The branches are made disjoint
 * (not UNION) so no row is returned twice and no de-duplication sort is needed.
 * Returns the page's ids and start times (`starts_at, id` order), or null when the member has no audience.
 */
export function audienceQuery(
  audience: Audience,
  limit: number,
  after?: DatePosition,
): { sql: string; values: unknown[] } | null {
  const p = new SqlParams();
  const take = p.add(limit + 1);
  const keyset = after ? ` AND (starts_at, id) > (${p.add(after.startsAt)}, ${p.add(after.id)})` : '';
  const branch = (where: string) =>
    `(SELECT id, starts_at FROM events WHERE status = 'published' AND ends_at > now() AND ${where}${keyset}
      ORDER BY starts_at, id LIMIT ${take})`;
  const branches: string[] = [];
  const home = audience.residenceCountry;
  const city = home && audience.residenceCity ? p.add(audience.residenceCity) : undefined;
  const homeParam = home ? p.add(home) : undefined;
  if (homeParam && city) branches.push(branch(`country = ${homeParam} AND city_key = lower(${city})`));
  if (homeParam)
    branches.push(
      branch(
        `type = 'national' AND country = ${homeParam}${city ? ` AND city_key IS DISTINCT FROM lower(${city})` : ''}`,
      ),
    );
  const origin = audience.originCountry;
  if (origin) {
    // The residence branches already hold that country's city and national events.
    const overlap =
      origin === home ? ` AND type <> 'national'${city ? ` AND city_key IS DISTINCT FROM lower(${city})` : ''}` : '';
    branches.push(branch(`country = ${p.add(origin)}${overlap}`));
  }
  if (branches.length === 0) return null;
  return {
    sql: `SELECT id, starts_at FROM (${branches.join(' UNION ALL ')}) page ORDER BY starts_at, id LIMIT ${take}`,
    values: p.values,
  };
}
