import {
  bearerSecurity,
  callerOf,
  conditionalGet,
  type HttpApp,
  problemResponses,
  problems,
} from '@diaspora/service-kit';
import type { Catalog } from '../domain/catalog.js';
import type { EventReads } from '../domain/event-reads.js';
import type { ListFilters } from '../domain/ports.js';
import {
  CancelBody,
  CreateEventBody,
  EditScopeQuery,
  EventIdParam,
  EventPage,
  EventView,
  ListQuery,
  PageQuery,
  PatchEventBody,
  PopularQuery,
  UpcomingPage,
} from './schemas.js';

const tags = ['events'];

/**
 * Sends JSON the reads already serialized (in the response schema's shape, built by eventView): Fastify sends a
 * string typed JSON as it is, so a cached answer is not serialized again.
 */
const sendJson = <R>(reply: { type(contentType: string): { send(payload: never): R } }, body: string) =>
  reply.type('application/json').send(body as never);

function filtersOf(query: {
  country?: string;
  city?: string;
  domain?: string;
  type?: ListFilters['type'];
  from?: string;
  to?: string;
  language?: string;
  near?: string;
  radiusKm?: number;
  organizerId?: string;
}): ListFilters {
  const filters: ListFilters = {};
  if (query.country) filters.country = query.country;
  if (query.city) filters.city = query.city.trim();
  if (query.domain) filters.domain = query.domain;
  if (query.type) filters.type = query.type;
  if (query.language) filters.language = query.language;
  if (query.organizerId) filters.organizerId = query.organizerId;
  if (query.from) filters.from = new Date(query.from);
  if (query.to) filters.to = new Date(query.to);
  if (filters.from && filters.to && filters.to <= filters.from)
    throw problems.validation([{ field: 'to', message: 'must be after from' }]);
  if (query.near || query.radiusKm !== undefined) {
    if (!query.near) throw problems.validation([{ field: 'near', message: 'radiusKm needs near=lat,lon' }]);
    const [lat, lon] = query.near.split(',').map(Number) as [number, number];
    if (Math.abs(lat) > 90 || Math.abs(lon) > 180)
      throw problems.validation([{ field: 'near', message: 'latitude within ±90, longitude within ±180' }]);
    filters.near = { lat, lon, radiusKm: query.radiusKm ?? 25 };
  }
  return filters;
}

export async function eventRoutes(app: HttpApp, catalog: Catalog, reads: EventReads): Promise<void> {
  // The reads answer serialized JSON (from the read cache) with an ETag; If-None-Match then gets a 304.
  const cacheable = conditionalGet();

  app.post(
    '/api/v1/events',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Create an event (a recurring one creates its occurrences)',
        description:
          'national: ambassadors, in their country; local: consuls, in their city; free and premium: any member ' +
          '(premium requires priceCents and currency). `recurrence` is an RRULE; each occurrence has its own ' +
          'capacity and registrations.',
        body: CreateEventBody,
        response: { 201: EventView, ...problemResponses(400, 401, 403) },
      },
    },
    async (request, reply) => reply.code(201).send(await catalog.create(callerOf(request), request.body)),
  );

  app.get(
    '/api/v1/events',
    {
      onRequest: app.authenticate,
      ...cacheable,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Published events, soonest first, with filters',
        description: '`near=lat,lon` with `radiusKm` (default 25) adds `distanceKm` to each item.',
        querystring: ListQuery,
        response: { 200: EventPage, ...problemResponses(400, 401) },
      },
    },
    async (request, reply) => {
      const { limit = 20, cursor, ...query } = request.query;
      return sendJson(reply, await reads.list(filtersOf(query), limit, cursor));
    },
  );

  app.get(
    '/api/v1/events/upcoming',
    {
      onRequest: app.authenticate,
      ...cacheable,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Upcoming events for you',
        description:
          'Events in your residence city, national events of your residence country and events held in your ' +
          'origin country, soonest first (residence and origin from your profile).',
        querystring: PageQuery,
        response: { 200: UpcomingPage, ...problemResponses(400, 401) },
      },
    },
    async (request, reply) => {
      const { limit = 20, cursor } = request.query;
      return sendJson(reply, await reads.upcoming(callerOf(request).sub, request.auth, limit, cursor));
    },
  );

  app.get(
    '/api/v1/events/popular',
    {
      onRequest: app.authenticate,
      ...cacheable,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Upcoming events with the most registrations',
        querystring: PopularQuery,
        response: { 200: EventPage, ...problemResponses(400, 401) },
      },
    },
    async (request, reply) => {
      const { limit = 20, cursor, country, city } = request.query;
      const filters = { ...(country ? { country } : {}), ...(city ? { city } : {}) };
      return sendJson(reply, await reads.popular(filters, limit, cursor));
    },
  );

  app.get(
    '/api/v1/events/:id',
    {
      onRequest: app.authenticate,
      ...cacheable,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'One event (national events list their local sub-events)',
        params: EventIdParam,
        response: { 200: EventView, ...problemResponses(400, 401, 404) },
      },
    },
    async (request, reply) => sendJson(reply, await reads.detail(request.auth, request.params.id)),
  );

  app.patch(
    '/api/v1/events/:id',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Edit an event, one occurrence or the rest of its series',
        description:
          'Organizer, ambassador of the country, or super. `scope=series` applies to this and later occurrences ' +
          '(times excepted). `status: "published"` publishes a draft. Capacity cannot drop below the seats taken.',
        params: EventIdParam,
        querystring: EditScopeQuery,
        body: PatchEventBody,
        response: { 200: EventView, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      catalog.update(callerOf(request), request.params.id, request.body, request.query.scope ?? 'occurrence'),
  );

  app.delete(
    '/api/v1/events/:id',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Cancel an event (registrants are notified)',
        params: EventIdParam,
        querystring: EditScopeQuery,
        body: CancelBody,
        response: { 200: EventView, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      catalog.cancel(callerOf(request), request.params.id, request.body?.reason, request.query.scope ?? 'occurrence'),
  );
}
