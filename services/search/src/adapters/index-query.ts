import type { SearchDocument } from '../domain/documents.js';
import type { SearchScope } from '../domain/ports.js';
import { FACETS, fold, type SearchQuery } from '../domain/query.js';
import { RELEVANCE } from '../domain/relevance.js';

/**
 * The index and query DSL shared by the OpenSearch and Elasticsearch engines (the two speak the same REST for
 * everything used here): explicit mappings, English/French analyzers with accent folding, geo_point, facets as
 * aggregations, fuzziness for words of 5+ letters, and the ranking of domain/relevance.ts as a function_score.
 */
export const INDEX_BODY = {
  settings: {
    number_of_shards: 1,
    number_of_replicas: 0,
    // Set explicitly so the shard never goes "search idle" (refreshes skipped until the next search): writes
    // must be visible within IndexEngine.visibleAfterMs, when the indexer moves the cache generation again.
    refresh_interval: '1s',
    analysis: {
      filter: {
        english_stop: { type: 'stop', stopwords: '_english_' },
        english_stemmer: { type: 'stemmer', language: 'english' },
        english_possessive: { type: 'stemmer', language: 'possessive_english' },
        french_elision: {
          type: 'elision',
          articles_case: true,
          articles: ['l', 'm', 't', 'qu', 'n', 's', 'j', 'd', 'c', 'jusqu', 'quoiqu', 'lorsqu', 'puisqu'],
        },
        french_stop: { type: 'stop', stopwords: '_french_' },
        french_stemmer: { type: 'stemmer', language: 'light_french' },
      },
      analyzer: {
        folded: { type: 'custom', tokenizer: 'standard', filter: ['lowercase', 'asciifolding'] },
        english_folded: {
          type: 'custom',
          tokenizer: 'standard',
          filter: ['english_possessive', 'lowercase', 'asciifolding', 'english_stop', 'english_stemmer'],
        },
        french_folded: {
          type: 'custom',
          tokenizer: 'standard',
          filter: ['french_elision', 'lowercase', 'asciifolding', 'french_stop', 'french_stemmer'],
        },
      },
    },
  },
  mappings: {
    dynamic: 'strict',
    properties: {
      id: { type: 'keyword' },
      type: { type: 'keyword' },
      ownerId: { type: 'keyword' },
      title: {
        type: 'text',
        analyzer: 'folded',
        fields: {
          en: { type: 'text', analyzer: 'english_folded' },
          fr: { type: 'text', analyzer: 'french_folded' },
        },
      },
      body: {
        type: 'text',
        analyzer: 'folded',
        fields: {
          en: { type: 'text', analyzer: 'english_folded' },
          fr: { type: 'text', analyzer: 'french_folded' },
        },
      },
      suggest: { type: 'search_as_you_type', analyzer: 'folded' },
      country: { type: 'keyword' },
      city: { type: 'keyword' },
      cityKey: { type: 'keyword' },
      domains: { type: 'keyword' },
      tags: { type: 'keyword' },
      at: { type: 'date' },
      location: { type: 'geo_point' },
      popularity: { type: 'integer' },
      audience: { type: 'keyword' },
      audienceCountry: { type: 'keyword' },
      audienceCityKey: { type: 'keyword' },
      view: { type: 'object', enabled: false },
    },
  },
} as const;

/** The engine's copy of a document (what the mappings above describe). */
export function indexSource(document: SearchDocument): Record<string, unknown> {
  const audience = document.audience;
  return {
    id: document.id,
    type: document.type,
    ownerId: document.ownerId,
    title: document.title,
    body: document.body,
    ...(document.type !== 'posts' ? { suggest: document.title } : {}),
    ...(document.country ? { country: document.country } : {}),
    ...(document.city ? { city: document.city, cityKey: fold(document.city) } : {}),
    domains: document.domains,
    tags: document.tags,
    at: document.at,
    ...(document.location ? { location: document.location } : {}),
    popularity: document.popularity,
    audience: audience.kind,
    ...(audience.kind !== 'public' ? { audienceCountry: audience.country } : {}),
    ...(audience.kind === 'city' ? { audienceCityKey: fold(audience.city) } : {}),
    view: document.view,
  };
}

const TEXT_FIELDS = ['title^3', 'title.en^3', 'title.fr^3', 'tags^3', 'body', 'body.en', 'body.fr'];
const FACET_FIELDS: Record<(typeof FACETS)[number], string> = {
  type: 'type',
  country: 'country',
  city: 'city',
  domain: 'domains',
  tags: 'tags',
};

/** Who may see a document: public ones, and country/city posts for members of that country/city. */
function audienceFilter(scope: SearchScope) {
  const should: object[] = [{ term: { audience: 'public' } }];
  if (scope.residenceCountry) {
    const mine: object[] = [{ term: { audience: 'country' } }];
    if (scope.city) mine.push({ term: { audienceCityKey: fold(scope.city) } });
    should.push({
      bool: { filter: [{ term: { audienceCountry: scope.residenceCountry } }], should: mine, minimum_should_match: 1 },
    });
  }
  return { bool: { should, minimum_should_match: 1 } };
}

function filtersOf(query: SearchQuery, scope: SearchScope): object[] {
  const filter: object[] = [{ terms: { type: query.types } }, audienceFilter(scope)];
  if (query.country) filter.push({ term: { country: query.country } });
  if (query.city) filter.push({ term: { cityKey: fold(query.city) } });
  if (query.domains.length) filter.push({ terms: { domains: query.domains } });
  for (const tag of query.tags) filter.push({ term: { tags: tag } });
  if (query.from || query.to)
    filter.push({
      range: { at: { ...(query.from ? { gte: query.from } : {}), ...(query.to ? { lte: query.to } : {}) } },
    });
  if (query.near)
    filter.push({
      geo_distance: { distance: `${query.near.radiusKm}km`, location: { lat: query.near.lat, lon: query.near.lon } },
    });
  return filter;
}

/** The search request body: words (each required, one typo allowed from 5 letters), filters, ranking, facets. */
export function searchBody(query: SearchQuery, scope: SearchScope, offset: number, now: Date): object {
  const must: object[] = query.words.length
    ? query.words.map((word) => ({
        multi_match: {
          query: word,
          fields: TEXT_FIELDS,
          type: 'best_fields',
          fuzziness: 'AUTO:5,100',
          prefix_length: 0,
        },
      }))
    : [{ match_all: {} }];
  const mustNot = scope.excludedOwners.length ? [{ terms: { ownerId: scope.excludedOwners } }] : [];
  const functions: object[] = [{ weight: 1 }];
  if (scope.city) functions.push({ filter: { term: { cityKey: fold(scope.city) } }, weight: RELEVANCE.sameCity });
  if (scope.originCountry)
    functions.push({ filter: { term: { country: scope.originCountry } }, weight: RELEVANCE.sameOrigin });
  const origin = now.toISOString();
  functions.push(
    {
      filter: { term: { type: 'posts' } },
      exp: { at: { origin, scale: `${RELEVANCE.postRecency.halfLifeDays}d`, decay: 0.5 } },
      weight: RELEVANCE.postRecency.weight,
    },
    {
      filter: { bool: { filter: [{ term: { type: 'events' } }, { range: { at: { gte: origin } } }] } },
      exp: { at: { origin, scale: `${RELEVANCE.eventUpcoming.halfLifeDays}d`, decay: 0.5 } },
      weight: RELEVANCE.eventUpcoming.weight,
    },
    {
      filter: { term: { type: 'events' } },
      field_value_factor: { field: 'popularity', modifier: 'log1p', missing: 0 },
      weight: RELEVANCE.eventPopularity,
    },
  );
  return {
    from: offset,
    size: query.limit,
    track_total_hits: true,
    _source: ['type', 'view'],
    query: {
      function_score: {
        query: { bool: { must, filter: filtersOf(query, scope), must_not: mustNot } },
        functions,
        score_mode: 'sum',
        boost_mode: 'multiply',
      },
    },
    sort: [{ _score: 'desc' }, { id: 'asc' }],
    aggs: Object.fromEntries(FACETS.map((facet) => [facet, { terms: { field: FACET_FIELDS[facet], size: 20 } }])),
  };
}

export function suggestBody(prefix: string, scope: SearchScope, limit: number): object {
  return {
    size: limit,
    _source: ['type', 'view'],
    query: {
      bool: {
        must: [
          {
            multi_match: {
              query: prefix,
              type: 'bool_prefix',
              operator: 'and',
              fields: ['suggest', 'suggest._2gram', 'suggest._3gram'],
            },
          },
        ],
        filter: [{ terms: { type: ['users', 'events'] } }],
        must_not: scope.excludedOwners.length ? [{ terms: { ownerId: scope.excludedOwners } }] : [],
      },
    },
    sort: [{ _score: 'desc' }, { id: 'asc' }],
  };
}
