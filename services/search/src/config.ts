import { type TProperties, Type } from 'typebox';

/** The search service's own settings, on top of the kit's base config (DATABASE_URL, BUS_URL, CACHE_URL, …). */
export const searchConfig = {
  SEARCH_ENGINE: Type.Enum(['postgres', 'opensearch', 'elasticsearch'], {
    default: 'postgres',
    description: 'postgres (the service database: all-in-one), opensearch or elasticsearch (SEARCH_URL)',
  }),
  SEARCH_URL: Type.String({ default: '', description: 'OpenSearch/Elasticsearch URL (with credentials if any)' }),
  SEARCH_INDEX: Type.String({
    default: 'diaspora-search',
    pattern: '^[a-z][a-z0-9_-]{0,60}$',
    description: 'alias the service searches; the concrete index behind it is <alias>-v<n>',
  }),
  SEARCH_CACHE_TTL_SECONDS: Type.Integer({ default: 300, minimum: 0, description: 'answers cached this long' }),
} satisfies TProperties;
