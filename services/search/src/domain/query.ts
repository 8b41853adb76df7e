import { type FieldError, Problem, problems } from '@diaspora/service-kit';

/** The three kinds of document the service indexes, as clients name them in `type=`. */
const DOC_TYPES = ['users', 'events', 'posts'] as const;
export type DocType = (typeof DOC_TYPES)[number];

/** Facets every answer counts (over all matches, not the page): `{facet: {value: count}}`. */
export const FACETS = ['type', 'country', 'city', 'domain', 'tags'] as const;
type Facet = (typeof FACETS)[number];
export type FacetCounts = Partial<Record<Facet, Record<string, number>>>;

export const LIMITS = {
  /** Longer text is refused (400), not cut: a 10 kB "query" is a client bug or an attack. */
  maxQueryChars: 256,
  /** Words searched; more are ignored (an engine query of hundreds of clauses costs without helping). */
  maxWords: 12,
  maxRadiusKm: 20_000,
  defaultRadiusKm: 25,
  /** A free member's radius; beyond it is a premium feature. */
  freeRadiusKm: 50,
  maxTags: 10,
  maxDomains: 16,
  /** Relevance pages are offset-based; deeper than this, a query should be refined. */
  maxOffset: 1_000,
  defaultPageSize: 20,
  maxPageSize: 50,
} as const;

/** A search, validated and normalized: two requests meaning the same thing give equal objects (cache key). */
export interface SearchQuery {
  /** The words, joined: what the query means, whatever its spacing, case, accents or punctuation. */
  text: string;
  /** Lower-cased, accent-free words of `text`, at most LIMITS.maxWords, each unique. */
  words: string[];
  types: DocType[];
  country?: string;
  city?: string;
  domains: string[];
  from?: string;
  to?: string;
  near?: { lat: number; lon: number; radiusKm: number };
  tags: string[];
  limit: number;
}

/** The raw query string as the route's schema lets it through (all strings: validation is here, one place). */
export interface RawSearchParams {
  q?: string;
  type?: string;
  country?: string;
  city?: string;
  domain?: string | string[];
  from?: string;
  to?: string;
  near?: string;
  radiusKm?: string | number;
  tags?: string | string[];
  limit?: string | number;
}

/** Lower case, accents removed (NFKD, combining marks dropped): the same folding the engines' analyzers do. */
export function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * The words of free text: letters and digits only, so engine syntax (`*:* OR "`, quotes, brackets, `-`, `~`) is
 * just separators — every query is a literal search of its words, whatever the characters.
 */
function wordsOf(text: string): string[] {
  const words = fold(text).match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words)].slice(0, LIMITS.maxWords);
}

const list = (value: string | string[] | undefined): string[] =>
  (Array.isArray(value) ? value : value ? [value] : [])
    .flatMap((item) => item.split(','))
    .map((item) => item.trim())
    .filter(Boolean);

function number(value: string | number | undefined, field: string, errors: FieldError[]): number | undefined {
  if (value === undefined || value === '') return undefined;
  const parsed = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(parsed)) errors.push({ field, message: 'must be a number' });
  return parsed;
}

function date(value: string | undefined, field: string, errors: FieldError[]): string | undefined {
  if (!value) return undefined;
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    errors.push({ field, message: 'must be an ISO 8601 date or date-time' });
    return undefined;
  }
  return new Date(time).toISOString();
}

/** Validates and normalizes the request; every problem is a 400 naming its field, all at once. */
export function parseSearch(raw: RawSearchParams): SearchQuery {
  const errors: FieldError[] = [];
  const text = (raw.q ?? '').trim();
  if (text.length > LIMITS.maxQueryChars)
    errors.push({ field: 'q', message: `at most ${LIMITS.maxQueryChars} characters` });

  const types = list(raw.type);
  const unknown = types.filter((type) => !(DOC_TYPES as readonly string[]).includes(type));
  if (unknown.length) errors.push({ field: 'type', message: `one of ${DOC_TYPES.join(', ')}` });

  const country = raw.country?.trim().toUpperCase() || undefined;
  if (country && !/^[A-Z]{2}$/.test(country)) errors.push({ field: 'country', message: 'an ISO 3166-1 alpha-2 code' });
  const city = raw.city?.trim() || undefined;
  if (city && city.length > 100) errors.push({ field: 'city', message: 'at most 100 characters' });

  const domains = [...new Set(list(raw.domain).map((domain) => domain.toLowerCase()))].sort();
  if (domains.length > LIMITS.maxDomains || domains.some((domain) => !/^[a-z_]{2,40}$/.test(domain)))
    errors.push({ field: 'domain', message: 'domain names (letters and _), comma-separated' });
  const tags = [...new Set(list(raw.tags).map((tag) => fold(tag.replace(/^#/, ''))))].sort();
  if (tags.length > LIMITS.maxTags || tags.some((tag) => !/^[\p{L}\p{N}_]{1,50}$/u.test(tag)))
    errors.push({ field: 'tags', message: `at most ${LIMITS.maxTags} hashtags of letters, digits and _` });

  const from = date(raw.from, 'from', errors);
  const to = date(raw.to, 'to', errors);
  if (from && to && to < from) errors.push({ field: 'to', message: 'must not be before from' });

  let near: SearchQuery['near'];
  const radiusKm = number(raw.radiusKm, 'radiusKm', errors);
  if (raw.near || radiusKm !== undefined) {
    const match = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(raw.near ?? '');
    const [lat, lon] = match ? [Number(match[1]), Number(match[2])] : [Number.NaN, Number.NaN];
    if (!match || Math.abs(lat) > 90 || Math.abs(lon) > 180)
      errors.push({ field: 'near', message: 'lat,lon with latitude within ±90 and longitude within ±180' });
    const radius = radiusKm ?? LIMITS.defaultRadiusKm;
    if (!(radius > 0 && radius <= LIMITS.maxRadiusKm))
      errors.push({ field: 'radiusKm', message: `more than 0 and at most ${LIMITS.maxRadiusKm}` });
    near = { lat, lon, radiusKm: radius };
  }

  const limit = number(raw.limit, 'limit', errors) ?? LIMITS.defaultPageSize;
  if (!Number.isInteger(limit) || limit < 1 || limit > LIMITS.maxPageSize)
    errors.push({ field: 'limit', message: `an integer from 1 to ${LIMITS.maxPageSize}` });

  if (errors.length) throw problems.validation(errors);
  const words = wordsOf(text);
  return {
    text: words.join(' '),
    words,
    types: types.length ? [...new Set(types as DocType[])].sort() : [...DOC_TYPES],
    ...(country ? { country } : {}),
    ...(city ? { city } : {}),
    domains,
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(near ? { near } : {}),
    tags,
    limit,
  };
}

/** Suggest-as-you-type: the prefix typed so far, names of members and titles of events. */
export function parseSuggest(raw: { q?: string; limit?: string | number }): { prefix: string; limit: number } {
  const prefix = fold((raw.q ?? '').trim());
  const errors: FieldError[] = [];
  if (prefix.length < 1 || prefix.length > 100) errors.push({ field: 'q', message: 'from 1 to 100 characters' });
  const limit = Number(raw.limit ?? 8);
  if (!Number.isInteger(limit) || limit < 1 || limit > 20) errors.push({ field: 'limit', message: 'from 1 to 20' });
  if (errors.length) throw problems.validation(errors);
  return { prefix, limit };
}

/** The problem type a client shows as "premium feature" (with an upgrade prompt). */
const PREMIUM_PROBLEM_TYPE = 'premium-feature';

/**
 * Advanced filters are premium: several domains, a radius over 50 km, and people by origin and city together
 * (a member search that narrow is what premium sells). Free members get 403 naming the filter.
 */
export function requirePremiumFor(query: SearchQuery, tier: 'free' | 'premium'): void {
  if (tier === 'premium') return;
  const reasons: string[] = [];
  if (query.domains.length > 1) reasons.push('several domains at once');
  if (query.near && query.near.radiusKm > LIMITS.freeRadiusKm) reasons.push(`a radius over ${LIMITS.freeRadiusKm} km`);
  if (query.types.includes('users') && query.country && query.city)
    reasons.push('people by country of origin and city together');
  if (!reasons.length) return;
  throw new Problem(403, {
    type: PREMIUM_PROBLEM_TYPE,
    detail: `Premium feature: ${reasons.join(', ')}.`,
    extensions: { premiumFeatures: reasons },
  });
}
