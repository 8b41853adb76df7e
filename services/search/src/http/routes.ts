import { bearerSecurity, callerOf, type HttpApp, problemResponses } from '@diaspora/service-kit';
import { parseSearch, parseSuggest } from '../domain/query.js';
import type { Searcher } from '../domain/searcher.js';
import { SearchPageSchema, SearchQuerystring, SuggestionsSchema, SuggestQuerystring } from './schemas.js';

const tags = ['search'];

/** Public routes under /api/v1/search (kong/kong.yml sends them here). */
export async function searchRoutes(app: HttpApp, searcher: Searcher): Promise<void> {
  app.get(
    '/api/v1/search',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Search members, events and posts',
        description:
          'Full text (words of 5+ letters tolerate one typo), filters, facets and relevance ranked for you (your ' +
          'city and origin, recent posts, upcoming and popular events). Premium: several domains, a radius over ' +
          '50 km, people by origin and city together (403 `premium-feature` otherwise).',
        querystring: SearchQuerystring,
        response: { 200: SearchPageSchema, ...problemResponses(400, 401, 403, 503) },
      },
    },
    async (request) => {
      const { cursor, ...raw } = request.query;
      return searcher.search(callerOf(request), parseSearch(raw), cursor);
    },
  );

  app.get(
    '/api/v1/search/suggest',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Suggest-as-you-type: member names and event titles',
        querystring: SuggestQuerystring,
        response: { 200: SuggestionsSchema, ...problemResponses(400, 401, 503) },
      },
    },
    async (request) => {
      const { prefix, limit } = parseSuggest(request.query);
      return searcher.suggest(callerOf(request), prefix, limit);
    },
  );
}
