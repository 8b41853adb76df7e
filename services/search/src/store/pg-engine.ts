import { type Database, SqlParams } from '@diaspora/service-kit';
import type { EngineResult, SearchEngine, SearchHit, SearchScope, Suggestion } from '../domain/ports.js';
import { FACETS, type FacetCounts, fold, type SearchQuery } from '../domain/query.js';
import { RELEVANCE } from '../domain/relevance.js';

/** Query words of this length or more also match indexed words one edit (insert, delete, change) away. */
const TYPO_MIN_LENGTH = 5;
const FACET_SIZE = 20;

/**
 * The PostgreSQL engine of all-in-one: full text with one tsvector per document (plain words + the stemmer of
 * its language, accents folded by unaccent), typos through the pg_trgm vocabulary, geo with earthdistance,
 * and facet counts over every match in the same statement.
 */
export class PostgresEngine implements SearchEngine {
  readonly name = 'postgres';
  /** The documents table is the index: a committed write is searchable at once. */
  readonly visibleAfterMs = 0;

  constructor(private readonly db: Database) {}

  /**
   * Each query word with the indexed words one edit away, for words of TYPO_MIN_LENGTH+ letters that are not
   * indexed words themselves: a word someone wrote is taken as meant (else every query would also match all
   * its one-letter neighbours, and cost as much).
   */
  async variants(words: string[]): Promise<string[][]> {
    const long = words.filter((word) => word.length >= TYPO_MIN_LENGTH);
    const near = new Map<string, string[]>();
    if (long.length) {
      const { rows } = await this.db.query<{ word: string; term: string }>(
        `SELECT w.word, t.term FROM unnest($1::text[]) AS w(word)
         CROSS JOIN LATERAL (
           SELECT term FROM search_terms
           WHERE term % w.word AND term <> w.word AND levenshtein_less_equal(term, w.word, 1) <= 1
           ORDER BY similarity(term, w.word) DESC LIMIT 5) t
         WHERE NOT EXISTS (SELECT 1 FROM search_terms known WHERE known.term = w.word)`,
        [long],
      );
      for (const row of rows) near.set(row.word, [...(near.get(row.word) ?? []), row.term]);
    }
    return words.map((word) => [word, ...(near.get(word) ?? [])]);
  }

  async search(query: SearchQuery, scope: SearchScope, page: { offset: number }, now: Date): Promise<EngineResult> {
    const p = new SqlParams();
    p.and('NOT d.deleted AND NOT d.hidden');
    let text = '1.0';
    if (query.words.length) {
      // Each word (or one of its typo variants) must match, in plain form or stemmed in English or French;
      // plainto_tsquery takes any text as literal words, so no input is query syntax here.
      const groups = (await this.variants(query.words)).map((forms) =>
        forms
          .map((form) => {
            const w = p.add(form);
            return `plainto_tsquery('simple', ${w}) || plainto_tsquery('english', ${w}) || plainto_tsquery('french', ${w})`;
          })
          .join(' || '),
      );
      const tsquery = groups.map((group) => `(${group})`).join(' && ');
      p.and(`d.search @@ (${tsquery})`);
      text = `ts_rank_cd(d.search, ${tsquery}, 1)`;
    }
    p.and(`d.type = ANY(${p.add(query.types)}::text[])`);
    if (query.country) p.and(`d.country = ${p.add(query.country)}`);
    if (query.city) p.and(`d.city_key = ${p.add(fold(query.city))}`);
    if (query.domains.length) p.and(`d.domains && ${p.add(query.domains)}::text[]`);
    if (query.tags.length) p.and(`d.tags @> ${p.add(query.tags)}::text[]`);
    if (query.from) p.and(`d.at >= ${p.add(query.from)}`);
    if (query.to) p.and(`d.at <= ${p.add(query.to)}`);
    if (query.near) {
      const center = `ll_to_earth(${p.add(query.near.lat)}, ${p.add(query.near.lon)})`;
      const meters = p.add(query.near.radiusKm * 1000);
      p.and(
        `d.lat IS NOT NULL AND earth_box(${center}, ${meters}) @> ll_to_earth(d.lat, d.lon) ` +
          `AND earth_distance(${center}, ll_to_earth(d.lat, d.lon)) <= ${meters}`,
      );
    }
    if (scope.excludedOwners.length) p.and(`d.owner_id <> ALL(${p.add(scope.excludedOwners)}::text[])`);
    const viewerCountry = p.add(scope.residenceCountry ?? null);
    const viewerCity = p.add(scope.city ? fold(scope.city) : null);
    p.and(
      `(d.audience = 'public' OR (d.audience_country = ${viewerCountry} AND ` +
        `(d.audience = 'country' OR d.audience_city_key = ${viewerCity})))`,
    );

    const nowParam = p.add(now.toISOString());
    const days = (expression: string) => `(extract(epoch FROM ${expression}) / 86400.0)`;
    const boost = [
      '1.0',
      `CASE WHEN d.city_key = ${viewerCity} THEN ${RELEVANCE.sameCity} ELSE 0 END`,
      `CASE WHEN d.country = ${p.add(scope.originCountry ?? null)} THEN ${RELEVANCE.sameOrigin} ELSE 0 END`,
      `CASE WHEN d.type = 'posts' THEN ${RELEVANCE.postRecency.weight} * power(0.5, greatest(0, ${days(`${nowParam}::timestamptz - d.at`)}) / ${RELEVANCE.postRecency.halfLifeDays}) ELSE 0 END`,
      `CASE WHEN d.type = 'events' AND d.at >= ${nowParam}::timestamptz THEN ${RELEVANCE.eventUpcoming.weight} * power(0.5, ${days(`d.at - ${nowParam}::timestamptz`)} / ${RELEVANCE.eventUpcoming.halfLifeDays}) ELSE 0 END`,
      `CASE WHEN d.type = 'events' THEN ${RELEVANCE.eventPopularity} * log(1 + d.popularity) ELSE 0 END`,
    ].join(' + ');

    const facetSql = FACETS.map((facet) => {
      const [value, from] =
        facet === 'type'
          ? ['m.type', 'matched m']
          : facet === 'country'
            ? ['m.country', 'matched m']
            : facet === 'city'
              ? ['min(m.city)', 'matched m'] // one spelling per folded city
              : facet === 'domain'
                ? ['v', 'matched m, unnest(m.domains) v']
                : ['v', 'matched m, unnest(m.tags) v'];
      const group = facet === 'city' ? 'm.city_key' : value;
      const notNull =
        facet === 'country' ? 'WHERE m.country IS NOT NULL' : facet === 'city' ? 'WHERE m.city_key IS NOT NULL' : '';
      return `(SELECT '${facet}' AS facet, ${value} AS value, count(*) AS n FROM ${from} ${notNull}
               GROUP BY ${group} ORDER BY n DESC, 2 LIMIT ${FACET_SIZE})`;
    }).join(' UNION ALL ');

    const sql = `
      WITH matched AS MATERIALIZED (
        SELECT d.id, d.type, d.country, d.city, d.city_key, d.domains, d.tags, d.document -> 'view' AS view,
               (${text}) * (${boost}) AS score
        FROM search_documents d ${p.where}
      ),
      page AS (SELECT id, type, view, score FROM matched ORDER BY score DESC, id
               LIMIT ${p.add(query.limit)} OFFSET ${p.add(page.offset)})
      SELECT (SELECT count(*) FROM matched) AS total,
             (SELECT coalesce(json_agg(page), '[]'::json) FROM page) AS hits,
             (SELECT coalesce(json_agg(f), '[]'::json) FROM (${facetSql}) f) AS facets`;
    const { rows } = await this.db.query<{
      total: string;
      hits: SearchHit[];
      facets: Array<{ facet: keyof FacetCounts; value: string; n: number }>;
    }>(sql, p.values);
    const row = rows[0] as NonNullable<(typeof rows)[0]>;
    const facets: FacetCounts = {};
    for (const { facet, value, n } of row.facets) {
      const counts = facets[facet] ?? {};
      counts[value] = Number(n);
      facets[facet] = counts;
    }
    return {
      total: Number(row.total),
      hits: row.hits.map((hit) => ({ ...hit, score: Math.round(hit.score * 10_000) / 10_000 })),
      facets,
    };
  }

  async suggest(prefix: string, scope: SearchScope, limit: number): Promise<Suggestion[]> {
    // Names and titles whose words start with what was typed; whole-title prefixes first, then the closest.
    const escaped = prefix.replace(/[\\%_]/g, (c) => `\\${c}`);
    const { rows } = await this.db.query<Suggestion & Record<string, unknown>>(
      `SELECT type, id, title AS text FROM search_documents
       WHERE NOT deleted AND NOT hidden AND type IN ('users', 'events') AND title_key LIKE $1
         AND (title_key LIKE $2 OR title_key ~ ('(^|[^[:alnum:]])' || $3))
         AND owner_id <> ALL($4::text[])
       ORDER BY (title_key LIKE $2) DESC, similarity(title_key, $5) DESC, id LIMIT $6`,
      [
        `%${escaped}%`,
        `${escaped}%`,
        prefix.replace(/[^\p{L}\p{N} ]/gu, (c) => `\\${c}`),
        scope.excludedOwners,
        prefix,
        limit,
      ],
    );
    return rows;
  }

  async put(): Promise<void> {} // the documents table is this engine's index
  async remove(): Promise<void> {}
  async refresh(): Promise<void> {}
  async prepare(): Promise<void> {}
  async ping(): Promise<void> {
    await this.db.ping();
  }
  async close(): Promise<void> {}
}
